// SPDX-License-Identifier: Apache-2.0
/**
 * @file esp_transport_ws.h
 * @brief WebSocket (RFC 6455) client transport over any parent transport (tcp or ssl), as in
 *        ESP-IDF v5.5.5 (docs/transport.md).
 *
 * esp_transport_connect() on a ws handle connects the parent and performs the opening
 * handshake (the Sec-WebSocket-Accept of the response is checked). esp_transport_write() sends
 * one masked BINARY frame (a zero length sends a PING); esp_transport_read() returns payload
 * bytes of the current frame, the frame's opcode, FIN flag and length are then available from
 * the getters below. Unless propagate_control_frames is set, PING frames are answered with a
 * PONG carrying the same payload, a CLOSE is echoed and the connection closure awaited, and
 * such a read returns 0.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "esp_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Feature macro: the response headers of the handshake can be stored (response_headers). */
#define ESP_TRANSPORT_WS_STORE_RESPONSE_HEADERS 1

/** WebSocket opcodes (the FIN bit may be or-ed into the opcode given to send_raw). */
typedef enum ws_transport_opcodes {
    WS_TRANSPORT_OPCODES_CONT = 0x00,   /**< Continuation frame */
    WS_TRANSPORT_OPCODES_TEXT = 0x01,   /**< Text frame */
    WS_TRANSPORT_OPCODES_BINARY = 0x02, /**< Binary frame */
    WS_TRANSPORT_OPCODES_CLOSE = 0x08,  /**< Close frame */
    WS_TRANSPORT_OPCODES_PING = 0x09,   /**< Ping frame */
    WS_TRANSPORT_OPCODES_PONG = 0x0a,   /**< Pong frame */
    WS_TRANSPORT_OPCODES_FIN = 0x80,    /**< FIN bit: last frame of a message */
    WS_TRANSPORT_OPCODES_NONE = 0x100,  /**< No frame received yet (get_read_opcode) */
} ws_transport_opcodes_t;

/** WebSocket transport configuration (esp_transport_ws_set_config()). */
typedef struct {
    const char *ws_path;           /**< HTTP path of the upgrade request ("/" by default) */
    const char *sub_protocol;      /**< Sec-WebSocket-Protocol to ask for, or NULL */
    const char *user_agent;        /**< User-Agent, or NULL for "ESP32 Websocket Client" */
    const char *headers;           /**< Extra request headers, each ending in "\r\n", or NULL */
    const char *auth;              /**< Value of the Authorization header, or NULL */
    char *response_headers;        /**< Buffer that receives the handshake response headers */
    size_t response_headers_len;   /**< Size of response_headers */
    bool propagate_control_frames; /**< true: PING/PONG/CLOSE are returned by reads; false:
                                        handled by the transport, the read returns 0 */
} esp_transport_ws_config_t;

/**
 * @brief Create a WebSocket transport on top of @p parent_handle (a tcp or ssl transport,
 *        which the caller keeps and destroys).
 * @return the transport, or NULL (NULL parent, out of memory)
 */
esp_transport_handle_t esp_transport_ws_init(esp_transport_handle_t parent_handle);

/** @brief Set the HTTP path of the upgrade request (copied). */
void esp_transport_ws_set_path(esp_transport_handle_t t, const char *path);

/**
 * @brief Set the Sec-WebSocket-Protocol header (copied; NULL removes it).
 * @return ESP_OK, ESP_ERR_INVALID_ARG (NULL handle), ESP_ERR_NO_MEM
 */
esp_err_t esp_transport_ws_set_subprotocol(esp_transport_handle_t t, const char *sub_protocol);

/**
 * @brief Set the User-Agent header (copied; NULL restores the default).
 * @return ESP_OK, ESP_ERR_INVALID_ARG (NULL handle), ESP_ERR_NO_MEM
 */
esp_err_t esp_transport_ws_set_user_agent(esp_transport_handle_t t, const char *user_agent);

/**
 * @brief Set extra request headers, each terminated with "\r\n" (copied; NULL removes them).
 * @return ESP_OK, ESP_ERR_INVALID_ARG (NULL handle), ESP_ERR_NO_MEM
 */
esp_err_t esp_transport_ws_set_headers(esp_transport_handle_t t, const char *headers);

/**
 * @brief Set the value of the Authorization header, e.g. "Basic dXNlcjpwYXNz" (copied; NULL
 *        removes it). The value is never logged.
 * @return ESP_OK, ESP_ERR_INVALID_ARG (NULL handle), ESP_ERR_NO_MEM
 */
esp_err_t esp_transport_ws_set_auth(esp_transport_handle_t t, const char *auth);

/**
 * @brief Set the buffer that receives the response headers of the next handshake (status line
 *        and headers, NUL-terminated, truncated to @p response_header_len - 1 bytes).
 * @return ESP_OK, ESP_FAIL (NULL handle)
 */
esp_err_t esp_transport_ws_set_response_headers(esp_transport_handle_t t, char *response_header,
                                                size_t response_header_len);

/**
 * @brief Apply a configuration: each non-NULL string is set as by its setter, the response
 *        header buffer and propagate_control_frames are taken as they are.
 * @return ESP_OK, ESP_ERR_INVALID_ARG (NULL handle or config), ESP_ERR_NO_MEM
 */
esp_err_t esp_transport_ws_set_config(esp_transport_handle_t t,
                                      const esp_transport_ws_config_t *config);

/**
 * @brief Send one masked frame with @p opcode (or-ed with WS_TRANSPORT_OPCODES_FIN for the last
 *        frame of a message) and @p len bytes of payload from @p b (not modified).
 * @return the payload bytes written (0 for an empty frame), 0 if the parent could not be
 *         written within @p timeout_ms, -1 on error; ESP_ERR_INVALID_ARG for a NULL handle
 */
int esp_transport_ws_send_raw(esp_transport_handle_t t, ws_transport_opcodes_t opcode,
                              const char *b, int len, int timeout_ms);

/** @brief The FIN flag of the last frame whose header was read. */
bool esp_transport_ws_get_fin_flag(esp_transport_handle_t t);

/**
 * @brief The HTTP status code of the last handshake's response, -1 if none could be parsed.
 */
int esp_transport_ws_get_upgrade_request_status(esp_transport_handle_t t);

/**
 * @brief The Location of the last handshake's redirection response (301..308), or NULL. Owned
 *        by the transport, valid until the next connect or destroy. esp_transport_connect()
 *        returns the redirection's status code (> 0) in that case, as in ESP-IDF, where
 *        esp_websocket_client then connects to this URI.
 */
char *esp_transport_ws_get_redir_uri(esp_transport_handle_t t);

/**
 * @brief The opcode of the frame being read, WS_TRANSPORT_OPCODES_NONE if no header was read
 *        (or the control frame was handled by the transport).
 */
ws_transport_opcodes_t esp_transport_ws_get_read_opcode(esp_transport_handle_t t);

/** @brief The payload length of the frame being read. */
int esp_transport_ws_get_read_payload_len(esp_transport_handle_t t);

/**
 * @brief Wait up to @p timeout_ms for the server to close the connection (after a CLOSE).
 * @return 1 closed (FIN, or ECONNRESET/ENOTCONN/ECONNABORTED), 0 nothing happened within the
 *         timeout, -1 data arrived instead or another error
 */
int esp_transport_ws_poll_connection_closed(esp_transport_handle_t t, int timeout_ms);

#ifdef __cplusplus
}
#endif
