// SPDX-License-Identifier: Apache-2.0
/*
 * State of a WebSocket transport, shared by transport_ws.c (frames, setters) and
 * transport_ws_handshake.c (the opening handshake).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_transport_ws.h"
#include "sdkconfig.h"
#include "transport_internal.h"
#include "ws_frame.h"

#ifndef CONFIG_WS_BUFFER_SIZE
#define CONFIG_WS_BUFFER_SIZE 1024
#endif
#define WS_BUFFER_SIZE CONFIG_WS_BUFFER_SIZE

typedef struct {
    esp_transport_handle_t parent;
    char *path;
    char *sub_protocol;
    char *user_agent;
    char *headers;
    char *auth;
    char *response_headers; /* the caller's buffer, or NULL */
    size_t response_headers_len;
    char *redir_uri;
    bool propagate_control_frames;
    int http_status_code;
    /* handshake buffer (WS_BUFFER_SIZE + 1); afterwards it holds the frame bytes that came with
     * the response, buffer_len of them from buffer_off on */
    char *buffer;
    size_t buffer_off;
    size_t buffer_len;
    /* the frame being read */
    ws_frame_header_t frame;
    bool header_received; /* a header was read and not handled by the transport */
    uint64_t remaining;   /* payload bytes of the frame not read yet */
    bool in_message;      /* a fragmented data message is in progress */
    bool failed;          /* a protocol error: every read fails until the next connect */
    bool closed;          /* the server closed the connection (poll_connection_closed() said 1) */
} transport_ws_t;

/* The ws state of @p t, or NULL if @p t is not a WebSocket transport. */
transport_ws_t *esp_transport_ws_state(esp_transport_handle_t t);

/* The opening handshake on the connected parent. @return 0, the status code of a redirection
 * (301..308, Location kept in redir_uri), or -1 (logged) */
int esp_transport_ws_handshake(transport_ws_t *ws, const char *host, int port, int timeout_ms);

/* Write all @p len bytes to the parent. @return len, 0 on timeout, -1 on error */
int esp_transport_ws_write_all(transport_ws_t *ws, const char *buf, int len, int timeout_ms);

/* The handshake buffer, allocated if it is not (CONFIG_WS_DYNAMIC_BUFFER). NULL: no memory */
char *esp_transport_ws_buffer(transport_ws_t *ws);
