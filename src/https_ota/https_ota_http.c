// SPDX-License-Identifier: Apache-2.0
/*
 * The HTTP side of esp_https_ota: one request with ESP-IDF's status handling (redirects
 * followed, 401 answered with the configured credentials, 4xx/5xx refused), and the Range
 * requests of a partial download.
 */
#include <stdio.h>

#include "../port/guard.h"
#include "esp_log.h"
#include "https_ota_internal.h"

static const char *TAG = "esp_https_ota";

#define MAX_HOPS 10

static bool is_redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static esp_err_t check_status(https_ota_t *h, int status)
{
    if (is_redirect(status)) {
        return esp_http_client_set_redirection(h->client);
    }
    if (status == HttpStatus_Unauthorized) {
        return esp_http_client_add_auth(h->client);
    }
    ESP_ENSURE_LOG(status != HttpStatus_NotFound && status != HttpStatus_Forbidden, ESP_FAIL,
                   "File not found(%d)", status);
    ESP_ENSURE_LOG(status < 400 || status >= 500, ESP_FAIL, "Client error (%d)", status);
    ESP_ENSURE_LOG(status < 500, ESP_FAIL, "Server error (%d)", status);
    ESP_ENSURE_LOG(status == HttpStatus_Ok || status == 206, ESP_FAIL,
                   "Unexpected HTTP status (%d)", status);
    return ESP_OK;
}

/* Drain the body of a redirect or 401 response so the next request can follow. */
static void drain(https_ota_t *h)
{
    int len = 0;
    (void)esp_http_client_flush_response(h->client, &len);
}

esp_err_t https_ota_connect(https_ota_t *h)
{
    for (int hop = 0; hop < MAX_HOPS; hop++) {
        esp_err_t err = esp_http_client_open(h->client, 0);
        ESP_ENSURE_LOG(err == ESP_OK, err, "Failed to open HTTP connection: %s",
                       esp_err_to_name(err));
        int64_t headers = esp_http_client_fetch_headers(h->client);
        ESP_ENSURE_LOG(headers >= 0, ESP_FAIL, "Failed to read the response headers");
        int status = esp_http_client_get_status_code(h->client);
        ESP_GUARD(check_status(h, status));
        if (!is_redirect(status) && status != HttpStatus_Unauthorized) {
            return ESP_OK;
        }
        drain(h);
    }
    ESP_LOGE(TAG, "too many redirects or authorization attempts");
    return ESP_FAIL;
}

static esp_err_t set_range(https_ota_t *h, int from)
{
    int last = from + h->max_request - 1;
    if (last >= h->image_length - 1) {
        last = h->image_length - 1;
    }
    char value[48];
    snprintf(value, sizeof(value), "bytes=%d-%d", from, last);
    ESP_LOGD(TAG, "requesting %s", value);
    return esp_http_client_set_header(h->client, "Range", value);
}

/* The image length from a HEAD request, or failing that from the headers of a GET whose body
 * is not read (a server without HEAD, or a client that reports no length for HEAD). */
static int64_t probe_length(https_ota_t *h)
{
    int64_t len = -1;
    if (esp_http_client_set_method(h->client, HTTP_METHOD_HEAD) == ESP_OK &&
        esp_http_client_perform(h->client) == ESP_OK &&
        esp_http_client_get_status_code(h->client) == HttpStatus_Ok) {
        len = esp_http_client_get_content_length(h->client);
    }
    esp_http_client_close(h->client);
    if (esp_http_client_set_method(h->client, HTTP_METHOD_GET) != ESP_OK || len > 0) {
        return len;
    }
    ESP_LOGD(TAG, "no length from HEAD: reading the headers of a GET");
    if (https_ota_connect(h) == ESP_OK) {
        len = esp_http_client_get_content_length(h->client);
    }
    esp_http_client_close(h->client);
    return len;
}

esp_err_t https_ota_prepare_partial(https_ota_t *h)
{
    int64_t len = probe_length(h);
    ESP_ENSURE_LOG(len > 0 && len <= INT32_MAX, ESP_FAIL,
                   "Failed to get image length from http response");
    h->image_length = (int)len;
    return h->image_length > h->max_request ? set_range(h, 0) : ESP_OK;
}

esp_err_t https_ota_next_range(https_ota_t *h)
{
    esp_http_client_close(h->client);
    ESP_GUARD(set_range(h, h->received));
    return https_ota_connect(h);
}
