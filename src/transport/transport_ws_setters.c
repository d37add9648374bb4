// SPDX-License-Identifier: Apache-2.0
/*
 * Setters and getters of the WebSocket transport (esp_transport_ws.h). Strings are copied; a
 * NULL string removes the setting. A handle that is not a WebSocket transport is refused.
 */
#include <stddef.h>
#include <string.h>

#include "../mem/mem.h"
#include "esp_log.h"
#include "transport_ws_internal.h"

static const char *TAG = "transport_ws";

/* Replace *@p slot with a copy of @p value (NULL clears it). */
static esp_err_t set_string(char **slot, const char *value)
{
    char *copy = NULL;
    if (value != NULL) {
        size_t n = strlen(value) + 1;
        copy = esp_tls_mem_calloc(1, n);
        if (copy == NULL) {
            ESP_LOGE(TAG, "out of memory for a %zu-byte setting", n);
            return ESP_ERR_NO_MEM;
        }
        memcpy(copy, value, n);
    }
    esp_tls_mem_free(*slot);
    *slot = copy;
    return ESP_OK;
}

/* The string slot at @p offset in the ws state of @p t, or NULL for a bad handle. */
static esp_err_t set_field(esp_transport_handle_t t, size_t offset, const char *value)
{
    transport_ws_t *ws = esp_transport_ws_state(t);
    if (ws == NULL) {
        ESP_LOGE(TAG, "not a WebSocket transport handle");
        return ESP_ERR_INVALID_ARG;
    }
    return set_string((char **)((char *)ws + offset), value);
}

void esp_transport_ws_set_path(esp_transport_handle_t t, const char *path)
{
    esp_err_t err = set_field(t, offsetof(transport_ws_t, path), path);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_transport_ws_set_path has internally failed with err=%d", err);
    }
}

esp_err_t esp_transport_ws_set_subprotocol(esp_transport_handle_t t, const char *sub_protocol)
{
    return set_field(t, offsetof(transport_ws_t, sub_protocol), sub_protocol);
}

esp_err_t esp_transport_ws_set_user_agent(esp_transport_handle_t t, const char *user_agent)
{
    return set_field(t, offsetof(transport_ws_t, user_agent), user_agent);
}

esp_err_t esp_transport_ws_set_headers(esp_transport_handle_t t, const char *headers)
{
    return set_field(t, offsetof(transport_ws_t, headers), headers);
}

esp_err_t esp_transport_ws_set_auth(esp_transport_handle_t t, const char *auth)
{
    return set_field(t, offsetof(transport_ws_t, auth), auth);
}

esp_err_t esp_transport_ws_set_response_headers(esp_transport_handle_t t, char *response_header,
                                                size_t response_header_len)
{
    transport_ws_t *ws = esp_transport_ws_state(t);
    if (ws == NULL) {
        ESP_LOGE(TAG, "not a WebSocket transport handle");
        return ESP_FAIL;
    }
    ws->response_headers = response_header;
    ws->response_headers_len = response_header ? response_header_len : 0;
    return ESP_OK;
}

esp_err_t esp_transport_ws_set_config(esp_transport_handle_t t,
                                      const esp_transport_ws_config_t *config)
{
    transport_ws_t *ws = esp_transport_ws_state(t);
    ESP_ENSURE_LOG(ws != NULL && config != NULL, ESP_ERR_INVALID_ARG,
                   "set_config: not a WebSocket transport, or no config");
    const struct {
        size_t offset;
        const char *value;
    } strings[] = {
        {offsetof(transport_ws_t, path), config->ws_path},
        {offsetof(transport_ws_t, sub_protocol), config->sub_protocol},
        {offsetof(transport_ws_t, user_agent), config->user_agent},
        {offsetof(transport_ws_t, headers), config->headers},
        {offsetof(transport_ws_t, auth), config->auth},
    };
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        if (strings[i].value != NULL) {
            ESP_GUARD(set_field(t, strings[i].offset, strings[i].value));
        }
    }
    if (config->response_headers != NULL) {
        esp_transport_ws_set_response_headers(t, config->response_headers,
                                              config->response_headers_len);
    }
    ws->propagate_control_frames = config->propagate_control_frames;
    return ESP_OK;
}

bool esp_transport_ws_get_fin_flag(esp_transport_handle_t t)
{
    transport_ws_t *ws = esp_transport_ws_state(t);
    return ws ? ws->frame.fin : false;
}

int esp_transport_ws_get_upgrade_request_status(esp_transport_handle_t t)
{
    transport_ws_t *ws = esp_transport_ws_state(t);
    return ws ? ws->http_status_code : -1;
}

char *esp_transport_ws_get_redir_uri(esp_transport_handle_t t)
{
    transport_ws_t *ws = esp_transport_ws_state(t);
    return ws ? ws->redir_uri : NULL;
}

ws_transport_opcodes_t esp_transport_ws_get_read_opcode(esp_transport_handle_t t)
{
    transport_ws_t *ws = esp_transport_ws_state(t);
    if (ws == NULL || !ws->header_received) {
        return WS_TRANSPORT_OPCODES_NONE;
    }
    return (ws_transport_opcodes_t)ws->frame.opcode;
}

int esp_transport_ws_get_read_payload_len(esp_transport_handle_t t)
{
    transport_ws_t *ws = esp_transport_ws_state(t);
    return ws ? (int)ws->frame.payload_len : 0;
}
