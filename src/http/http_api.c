// SPDX-License-Identifier: Apache-2.0
/*
 * The setters and getters of esp_http_client (URL, method, headers, body, credentials,
 * timeouts, user data, response facts, errors).
 */
#include <stdlib.h>
#include <string.h>

#include "../transport/transport_internal.h"
#include "esp_http_client_ext.h"
#include "esp_log.h"
#include "http_internal.h"

static const char *TAG = "HTTP_CLIENT";

esp_err_t esp_http_client_set_url(esp_http_client_handle_t client, const char *url)
{
    ESP_ENSURE(client && url, ESP_ERR_INVALID_ARG);
    ESP_GUARD(http_url_apply(client, url));
    return http_update_host_header(client);
}

esp_err_t esp_http_client_get_url(esp_http_client_handle_t client, char *url, const int len)
{
    ESP_ENSURE(client && url && len > 0, ESP_FAIL);
    char *s = http_url_format(client);
    ESP_ENSURE(s, ESP_FAIL);
    bool fits = (int)strlen(s) < len;
    if (fits) {
        memcpy(url, s, strlen(s) + 1);
    } else {
        ESP_LOGE(TAG, "The supplied buffer is too small for the URL (%zu bytes)", strlen(s) + 1);
    }
    free(s);
    return fits ? ESP_OK : ESP_FAIL;
}

esp_err_t esp_http_client_set_redirection(esp_http_client_handle_t client)
{
    ESP_ENSURE(client, ESP_ERR_INVALID_ARG);
    ESP_ENSURE(client->res.location, ESP_FAIL);
    ESP_LOGD(TAG, "Redirect to %s", client->res.location);
    char *loc = strdup(client->res.location);
    ESP_ENSURE(loc, ESP_ERR_NO_MEM);
    esp_err_t err = esp_http_client_set_url(client, loc);
    free(loc);
    return err;
}

esp_err_t esp_http_client_reset_redirect_counter(esp_http_client_handle_t client)
{
    ESP_ENSURE(client, ESP_ERR_INVALID_ARG);
    client->redirect_count = 0;
    return ESP_OK;
}

esp_err_t esp_http_client_set_method(esp_http_client_handle_t client,
                                     esp_http_client_method_t method)
{
    ESP_ENSURE(client && method >= 0 && method < HTTP_METHOD_MAX, ESP_ERR_INVALID_ARG);
    client->info.method = method;
    return ESP_OK;
}

esp_err_t esp_http_client_set_timeout_ms(esp_http_client_handle_t client, int timeout_ms)
{
    ESP_ENSURE(client, ESP_ERR_INVALID_ARG);
    client->cfg.timeout_ms = timeout_ms;
    return ESP_OK;
}

esp_err_t esp_http_client_set_post_field(esp_http_client_handle_t client, const char *data, int len)
{
    ESP_ENSURE(client, ESP_FAIL);
    client->post_data = data;
    client->post_len = data ? len : 0;
    if (data) {
        if (!http_header_get(client->headers, "Content-Type")) {
            return http_header_set(&client->headers, "Content-Type",
                                   "application/x-www-form-urlencoded");
        }
    } else {
        http_header_delete(&client->headers, "Content-Type");
    }
    return ESP_OK;
}

int esp_http_client_get_post_field(esp_http_client_handle_t client, char **data)
{
    if (!client || !data) {
        return 0;
    }
    *data = (char *)client->post_data;
    return client->post_len;
}

esp_err_t esp_http_client_set_header(esp_http_client_handle_t client, const char *key,
                                     const char *value)
{
    ESP_ENSURE(client && key, ESP_FAIL);
    if (!value) {
        http_header_delete(&client->headers, key);
        return ESP_OK;
    }
    return http_header_set(&client->headers, key, value);
}

esp_err_t esp_http_client_get_header(esp_http_client_handle_t client, const char *key, char **value)
{
    ESP_ENSURE(client && key && value, ESP_FAIL);
    *value = (char *)http_header_get(client->headers, key);
    return ESP_OK;
}

esp_err_t esp_http_client_delete_header(esp_http_client_handle_t client, const char *key)
{
    ESP_ENSURE(client && key, ESP_FAIL);
    http_header_delete(&client->headers, key);
    return ESP_OK;
}

esp_err_t esp_http_client_delete_all_headers(esp_http_client_handle_t client)
{
    ESP_ENSURE(client, ESP_FAIL);
    http_header_clear(&client->headers);
    return ESP_OK;
}

esp_err_t esp_http_client_get_username(esp_http_client_handle_t client, char **value)
{
    ESP_ENSURE(client && value, ESP_ERR_INVALID_ARG);
    *value = client->info.username;
    return ESP_OK;
}

esp_err_t esp_http_client_set_username(esp_http_client_handle_t client, const char *username)
{
    ESP_ENSURE(client, ESP_ERR_INVALID_ARG);
    return http_str_set(&client->info.username, username);
}

esp_err_t esp_http_client_get_password(esp_http_client_handle_t client, char **value)
{
    ESP_ENSURE(client && value, ESP_ERR_INVALID_ARG);
    *value = client->info.password;
    return ESP_OK;
}

esp_err_t esp_http_client_set_password(esp_http_client_handle_t client, const char *password)
{
    ESP_ENSURE(client, ESP_ERR_INVALID_ARG);
    return http_str_set(&client->info.password, password);
}

esp_err_t esp_http_client_set_authtype(esp_http_client_handle_t client,
                                       esp_http_client_auth_type_t auth_type)
{
    ESP_ENSURE(client, ESP_ERR_INVALID_ARG);
    client->info.auth_type = auth_type;
    return ESP_OK;
}

esp_err_t esp_http_client_set_auth_data(esp_http_client_handle_t client, const char *auth_data,
                                        int len)
{
    ESP_ENSURE(client && auth_data && len > 0, ESP_ERR_INVALID_ARG);
    char *s = strndup(auth_data, (size_t)len);
    ESP_ENSURE(s, ESP_ERR_NO_MEM);
    free(client->res.auth_challenge);
    client->res.auth_challenge = s;
    return ESP_OK;
}

esp_err_t esp_http_client_add_auth(esp_http_client_handle_t client)
{
    ESP_ENSURE(client, ESP_ERR_INVALID_ARG);
    ESP_ENSURE_LOG(client->info.username && client->info.password, ESP_FAIL,
                   "No username or password for the authentication the server asks for");
    return http_auth_from_challenge(client);
}

esp_err_t esp_http_client_get_user_data(esp_http_client_handle_t client, void **data)
{
    ESP_ENSURE(client && data, ESP_ERR_INVALID_ARG);
    *data = client->cfg.user_data;
    return ESP_OK;
}

esp_err_t esp_http_client_set_user_data(esp_http_client_handle_t client, void *data)
{
    ESP_ENSURE(client, ESP_ERR_INVALID_ARG);
    client->cfg.user_data = data;
    return ESP_OK;
}

int esp_http_client_get_errno(esp_http_client_handle_t client)
{
    if (!client || !client->transport) {
        return -1;
    }
    return esp_transport_get_errno(client->transport);
}

esp_err_t esp_http_client_get_and_clear_last_tls_error(esp_http_client_handle_t client,
                                                       int *esp_tls_error_code, int *esp_tls_flags)
{
    ESP_ENSURE(client, ESP_FAIL);
    esp_transport_handle_t t = client->transport;
    if (!t) {
        t = esp_transport_list_get_transport(client->transports, client->info.scheme);
    }
    esp_tls_error_handle_t h = t ? esp_transport_get_error_handle(t) : NULL;
    ESP_ENSURE(h, ESP_FAIL);
    return esp_tls_get_and_clear_last_error(h, esp_tls_error_code, esp_tls_flags);
}

esp_err_t esp_http_client_cancel_request(esp_http_client_handle_t client)
{
    ESP_ENSURE(client, ESP_ERR_INVALID_ARG);
    ESP_ENSURE_LOG(client->state != HTTP_STATE_UNINIT, ESP_ERR_INVALID_STATE,
                   "Client is not connected");
    return esp_http_client_close(client);
}

int esp_http_client_get_status_code(esp_http_client_handle_t client)
{
    return client ? client->res.status_code : ESP_FAIL;
}

int64_t esp_http_client_get_content_length(esp_http_client_handle_t client)
{
    return client ? client->res.content_length : ESP_FAIL;
}

bool esp_http_client_is_chunked_response(esp_http_client_handle_t client)
{
    return client && client->res.chunked;
}

esp_err_t esp_http_client_get_chunk_length(esp_http_client_handle_t client, int *len)
{
    ESP_ENSURE(client && len, ESP_ERR_INVALID_ARG);
    ESP_ENSURE(client->res.chunked, ESP_FAIL);
    *len = client->res.chunk_length;
    return ESP_OK;
}

bool esp_http_client_is_complete_data_received(esp_http_client_handle_t client)
{
    return client && client->res.complete;
}

bool esp_http_client_is_persistent_connection(esp_http_client_handle_t client)
{
    return client && client->res.head_done && client->res.keep_alive;
}

esp_http_client_transport_t esp_http_client_get_transport_type(esp_http_client_handle_t client)
{
    if (!client || !client->info.scheme) {
        return HTTP_TRANSPORT_UNKNOWN;
    }
    if (strcmp(client->info.scheme, "https") == 0) {
        return HTTP_TRANSPORT_OVER_SSL;
    }
    return strcmp(client->info.scheme, "http") == 0 ? HTTP_TRANSPORT_OVER_TCP
                                                    : HTTP_TRANSPORT_UNKNOWN;
}

int esp_http_client_get_socket(esp_http_client_handle_t client)
{
    if (!client || !client->transport || client->state == HTTP_STATE_UNINIT) {
        return -1;
    }
    return esp_transport_get_socket(client->transport);
}

esp_tls_t *esp_http_client_get_esp_tls(esp_http_client_handle_t client)
{
    if (!client || !client->transport || client->state == HTTP_STATE_UNINIT ||
        client->state == HTTP_STATE_CONNECTING || !client->transport->base) {
        return NULL;
    }
    return client->transport->base->tls;
}
