// SPDX-License-Identifier: Apache-2.0
/*
 * esp_http_client_perform(): open, send the body, read the head, follow redirects (301, 302,
 * 303, 307, 308 up to max_redirection_count) and answer one 401 challenge
 * (max_authorization_retries), read the body through HTTP_EVENT_ON_DATA, then ON_FINISH and,
 * unless the connection is kept alive, DISCONNECTED. With is_async every wait that would
 * block returns ESP_ERR_HTTP_EAGAIN and the next call resumes where this one stopped.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "esp_log.h"
#include "http_internal.h"

static const char *TAG = "HTTP_CLIENT";

static bool is_redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static esp_err_t follow_redirect(esp_http_client_handle_t c)
{
    int status = c->res.status_code;
    if (c->cfg.disable_auto_redirect) {
        esp_http_client_redirect_event_data_t d = {.client = c, .status_code = status};
        http_dispatch(c, HTTP_EVENT_REDIRECT, &d, (int)sizeof(d));
        return ESP_OK;
    }
    if (c->redirect_count >= c->cfg.max_redirection_count) {
        ESP_LOGE(TAG, "Error, reach max_redirection_count count=%d", c->redirect_count);
        return ESP_ERR_HTTP_MAX_REDIRECT;
    }
    if (!c->res.location) {
        ESP_LOGW(TAG, "Redirect %d without Location: taken as the final response", status);
        return ESP_OK;
    }
    ESP_GUARD(esp_http_client_set_redirection(c));
    c->redirect_count++;
    if (status == 303 && c->info.method != HTTP_METHOD_HEAD) {
        c->info.method = HTTP_METHOD_GET; /* See Other: fetch the result with GET */
        c->post_data = NULL;
        c->post_len = 0;
    }
    c->process_again = true;
    return ESP_OK;
}

static void retry_auth(esp_http_client_handle_t c)
{
    int max = c->cfg.max_authorization_retries;
    if (max < 0 || c->auth_count >= max) {
        return;
    }
    if (!c->info.username || !c->info.password) {
        ESP_LOGW(TAG, "This request requires authentication, but does not provide header "
                      "information for that");
        return;
    }
    if (http_auth_from_challenge(c) == ESP_OK) {
        c->auth_count++;
        c->process_again = true;
    }
}

static esp_err_t check_response(esp_http_client_handle_t c)
{
    int status = c->res.status_code;
    if (is_redirect(status)) {
        return follow_redirect(c);
    }
    if (status == HttpStatus_Unauthorized) {
        retry_auth(c);
    }
    return ESP_OK;
}

static esp_err_t send_post(esp_http_client_handle_t c)
{
    if (c->post_len > 0 && esp_http_client_write(c, c->post_data, c->post_len) != c->post_len) {
        http_dispatch(c, HTTP_EVENT_ERROR, NULL, 0);
        esp_http_client_close(c);
        return ESP_ERR_HTTP_WRITE_DATA;
    }
    c->state = HTTP_STATE_REQ_COMPLETE;
    return ESP_OK;
}

static esp_err_t head_step(esp_http_client_handle_t c)
{
    int64_t r = esp_http_client_fetch_headers(c);
    if (r == -ESP_ERR_HTTP_EAGAIN && c->cfg.is_async) {
        return ESP_ERR_HTTP_EAGAIN;
    }
    if (r < 0) {
        http_dispatch(c, HTTP_EVENT_ERROR, NULL, 0);
        esp_http_client_close(c);
        return ESP_ERR_HTTP_FETCH_HEADER;
    }
    return check_response(c);
}

/* Read the body: through ON_DATA for the final response, silently for one that is retried. */
static esp_err_t body_step(esp_http_client_handle_t c)
{
    c->deliver_events = !c->process_again;
    while (!c->res.complete) {
        int n = http_read_body(c, NULL, INT_MAX);
        if (n == -ESP_ERR_HTTP_EAGAIN) {
            if (c->cfg.is_async) {
                return ESP_ERR_HTTP_EAGAIN;
            }
            ESP_LOGE(TAG, "No body data within %d ms", c->cfg.timeout_ms);
            http_dispatch(c, HTTP_EVENT_ERROR, NULL, 0);
            esp_http_client_close(c);
            return ESP_ERR_HTTP_READ_TIMEOUT;
        }
        if (n < 0) {
            http_dispatch(c, HTTP_EVENT_ERROR, NULL, 0);
            esp_http_client_close(c);
            return c->res.cut ? ESP_ERR_HTTP_INCOMPLETE_DATA : ESP_FAIL;
        }
    }
    return ESP_OK;
}

/* One request/response exchange, resumable (is_async) from the state it stopped in. */
static esp_err_t exchange(esp_http_client_handle_t c)
{
    esp_err_t err = ESP_OK;
    switch (c->state) {
    case HTTP_STATE_UNINIT:
    case HTTP_STATE_INIT:
    case HTTP_STATE_CONNECTING:
    case HTTP_STATE_RES_COMPLETE:
        err = esp_http_client_open(c, c->post_len);
        if (err == ESP_ERR_HTTP_CONNECTING) {
            return ESP_ERR_HTTP_EAGAIN;
        }
        ESP_GUARD(err);
        /* fall through */
    case HTTP_STATE_REQ_HEADERS:
        ESP_GUARD(send_post(c));
        /* fall through */
    case HTTP_STATE_REQ_COMPLETE:
        ESP_GUARD(head_step(c));
        /* fall through */
    case HTTP_STATE_RES_HEADERS: err = body_step(c); break;
    }
    return err;
}

static void finish(esp_http_client_handle_t c)
{
    bool keep = c->res.keep_alive;
    c->state = HTTP_STATE_INIT;
    if (!keep) {
        esp_http_client_close(c);
    }
}

esp_err_t esp_http_client_perform(esp_http_client_handle_t client)
{
    ESP_ENSURE(client, ESP_ERR_INVALID_ARG);
    bool resuming =
        client->state == HTTP_STATE_CONNECTING ||
        (client->state >= HTTP_STATE_REQ_HEADERS && client->state < HTTP_STATE_RES_COMPLETE);
    if (!resuming) {
        client->process_again = false;
        client->auth_count = 0;
    }
    do {
        if (client->process_again && client->state == HTTP_STATE_RES_COMPLETE) {
            client->process_again = false;
            finish(client);
        }
        esp_err_t err = exchange(client);
        if (err != ESP_OK) {
            return err;
        }
    } while (client->process_again);
    http_dispatch(client, HTTP_EVENT_ON_FINISH, NULL, 0);
    finish(client);
    return ESP_OK;
}
