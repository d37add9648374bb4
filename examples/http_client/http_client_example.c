// SPDX-License-Identifier: Apache-2.0
/*
 * esp_http_client as an ESP-IDF application uses it (the shape of ESP-IDF's
 * protocols/esp_http_client example): an event handler that collects the body, a GET with
 * esp_http_client_perform(), a POST on the same handle (the kept-alive connection is reused),
 * and a streamed read with open / fetch_headers / read.
 *
 *   http_client_example URL [CA_PEM_FILE]
 *
 * With an https URL and no CA file the built-in certificate bundle verifies the server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_crt_bundle.h"
#include "esp_http_client.h"
#include "esp_log.h"

static const char *TAG = "HTTP_CLIENT_EXAMPLE";

#define MAX_HTTP_OUTPUT_BUFFER 2048

static esp_err_t http_event_handler(esp_http_client_event_t *evt)
{
    static int output_len;
    char *output = evt->user_data;
    switch (evt->event_id) {
    case HTTP_EVENT_ERROR: ESP_LOGD(TAG, "HTTP_EVENT_ERROR"); break;
    case HTTP_EVENT_ON_CONNECTED: ESP_LOGD(TAG, "HTTP_EVENT_ON_CONNECTED"); break;
    case HTTP_EVENT_HEADERS_SENT: ESP_LOGD(TAG, "HTTP_EVENT_HEADERS_SENT"); break;
    case HTTP_EVENT_ON_HEADER:
        ESP_LOGD(TAG, "HTTP_EVENT_ON_HEADER, key=%s, value=%s", evt->header_key, evt->header_value);
        break;
    case HTTP_EVENT_ON_DATA: {
        int room = MAX_HTTP_OUTPUT_BUFFER - 1 - output_len;
        int n = evt->data_len < room ? evt->data_len : room;
        if (output && n > 0) {
            memcpy(output + output_len, evt->data, (size_t)n);
            output_len += n;
            output[output_len] = '\0';
        }
        break;
    }
    case HTTP_EVENT_ON_FINISH:
        ESP_LOGD(TAG, "HTTP_EVENT_ON_FINISH");
        output_len = 0;
        break;
    case HTTP_EVENT_DISCONNECTED: ESP_LOGI(TAG, "HTTP_EVENT_DISCONNECTED"); break;
    case HTTP_EVENT_REDIRECT: ESP_LOGI(TAG, "HTTP_EVENT_REDIRECT"); break;
    }
    return ESP_OK;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    char *buf = calloc(1, 1024 * 1024);
    if (buf) {
        size_t n = fread(buf, 1, 1024 * 1024 - 1, f);
        buf[n] = '\0';
    }
    fclose(f);
    return buf;
}

static void streamed_get(esp_http_client_handle_t client)
{
    esp_http_client_set_method(client, HTTP_METHOD_GET);
    if (esp_http_client_open(client, 0) != ESP_OK) {
        ESP_LOGE(TAG, "Failed to open HTTP connection");
        return;
    }
    int64_t content_length = esp_http_client_fetch_headers(client);
    char buffer[512];
    int total = 0, n;
    while ((n = esp_http_client_read(client, buffer, sizeof(buffer))) > 0) {
        total += n;
    }
    ESP_LOGI(TAG, "Streamed GET Status = %d, content_length = %lld, read = %d",
             esp_http_client_get_status_code(client), (long long)content_length, total);
    esp_http_client_close(client);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s URL [CA_PEM_FILE]\n", argv[0]);
        return 2;
    }
    char *ca = argc > 2 ? read_file(argv[2]) : NULL;
    static char local_response_buffer[MAX_HTTP_OUTPUT_BUFFER];
    esp_http_client_config_t config = {
        .url = argv[1],
        .event_handler = http_event_handler,
        .user_data = local_response_buffer,
        .cert_pem = ca,
        .crt_bundle_attach = ca ? NULL : esp_crt_bundle_attach,
    };
    esp_http_client_handle_t client = esp_http_client_init(&config);
    if (!client) {
        free(ca);
        return 1;
    }
    esp_err_t err = esp_http_client_perform(client);
    if (err == ESP_OK) {
        ESP_LOGI(TAG, "HTTP GET Status = %d, content_length = %lld",
                 esp_http_client_get_status_code(client),
                 (long long)esp_http_client_get_content_length(client));
        printf("%s\n", local_response_buffer);
    } else {
        ESP_LOGE(TAG, "HTTP GET request failed: %s", esp_err_to_name(err));
    }

    const char *post_data = "{\"field1\":\"value1\"}";
    esp_http_client_set_method(client, HTTP_METHOD_POST);
    esp_http_client_set_header(client, "Content-Type", "application/json");
    esp_http_client_set_post_field(client, post_data, (int)strlen(post_data));
    err = esp_http_client_perform(client);
    if (err == ESP_OK) {
        ESP_LOGI(TAG, "HTTP POST Status = %d", esp_http_client_get_status_code(client));
    } else {
        ESP_LOGE(TAG, "HTTP POST request failed: %s", esp_err_to_name(err));
    }
    esp_http_client_set_post_field(client, NULL, 0);
    streamed_get(client);
    esp_http_client_cleanup(client);
    free(ca);
    return err == ESP_OK ? 0 : 1;
}
