// SPDX-License-Identifier: Apache-2.0
/*
 * WebSocket client transport (RFC 6455) over a parent tcp or ssl transport, with ESP-IDF
 * v5.5.5's behaviour (docs/transport.md): a read returns payload bytes of one frame at a time
 * (a frame longer than the caller's buffer takes several reads), control frames are answered
 * here unless propagate_control_frames is set, client frames are masked with a fresh random
 * key. Server frames are checked (ws_frame.c): masked frames, reserved bits or opcodes, bad
 * control frames, broken fragmentation and lengths beyond int are refused with a log line, and
 * every later read fails until the next connect.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/random.h>

#include "../mem/mem.h"
#include "esp_log.h"
#include "transport_ws_internal.h"

static const char *TAG = "transport_ws";

#define WS_CHUNK 1024 /* payload bytes masked per write */

static int ws_connect(esp_transport_handle_t t, const char *host, int port, int timeout_ms);

transport_ws_t *esp_transport_ws_state(esp_transport_handle_t t)
{
    return (t != NULL && t->_connect == ws_connect) ? t->data : NULL;
}

char *esp_transport_ws_buffer(transport_ws_t *ws)
{
    if (ws->buffer == NULL) {
        ws->buffer = esp_tls_mem_calloc(1, WS_BUFFER_SIZE + 1);
        if (ws->buffer == NULL) {
            ESP_LOGE(TAG, "Cannot allocate buffer for connect, need-%d", WS_BUFFER_SIZE);
        }
    }
    return ws->buffer;
}

/* Drop the frame bytes kept from the handshake; with CONFIG_WS_DYNAMIC_BUFFER also the buffer. */
static void drop_buffered(transport_ws_t *ws)
{
    ws->buffer_len = 0;
#ifdef CONFIG_WS_DYNAMIC_BUFFER
    esp_tls_mem_free(ws->buffer);
    ws->buffer = NULL;
#endif
}

static void reset_frame_state(transport_ws_t *ws)
{
    memset(&ws->frame, 0, sizeof(ws->frame));
    ws->header_received = false;
    ws->remaining = 0;
    ws->in_message = false;
    ws->failed = false;
    ws->closed = false;
}

/* ---- parent I/O ---------------------------------------------------------------------------- */

int esp_transport_ws_write_all(transport_ws_t *ws, const char *buf, int len, int timeout_ms)
{
    int done = 0;
    while (done < len) {
        int r = esp_transport_write(ws->parent, buf + done, len - done, timeout_ms);
        if (r <= 0) {
            return r < 0 ? -1 : 0;
        }
        done += r;
    }
    return len;
}

/* Consume the frame bytes that came with the handshake response. */
static int read_buffered(transport_ws_t *ws, char *out, int len)
{
    int n = ws->buffer_len < (size_t)len ? (int)ws->buffer_len : len;
    memcpy(out, ws->buffer + ws->buffer_off, (size_t)n);
    ws->buffer_off += (size_t)n;
    ws->buffer_len -= (size_t)n;
    if (ws->buffer_len == 0) {
        drop_buffered(ws);
    }
    return n;
}

static int read_some(transport_ws_t *ws, char *out, int len, int timeout_ms)
{
    if (ws->buffer_len > 0) {
        return read_buffered(ws, out, len);
    }
    return esp_transport_read(ws->parent, out, len, timeout_ms);
}

/* Read exactly @p len bytes. @return len, 0 if nothing came within the timeout, -1 otherwise */
static int read_exact(transport_ws_t *ws, char *out, int len, int timeout_ms)
{
    int done = 0;
    while (done < len) {
        int r = read_some(ws, out + done, len - done, timeout_ms);
        if (r == 0 && done == 0) {
            return 0;
        }
        if (r <= 0) {
            ESP_LOGE(TAG, "Error read data: %s after %d of %d bytes",
                     r == 0 ? "timeout" : "connection closed or failed", done, len);
            return -1;
        }
        done += r;
    }
    return len;
}

/* ---- write --------------------------------------------------------------------------------- */

/* Write one frame: header with a random mask key, then the payload masked in chunks. */
static int ws_write_frame(transport_ws_t *ws, uint8_t first, const char *b, int len, int timeout_ms)
{
    int ready = esp_transport_poll_write(ws->parent, timeout_ms);
    if (ready <= 0) {
        ESP_LOGE(TAG, "Error transport_poll_write");
        return ready;
    }
    uint8_t mask[4];
    uint8_t hdr[WS_FRAME_HEADER_MAX];
    if (getrandom(mask, sizeof(mask), 0) != (ssize_t)sizeof(mask)) {
        ESP_LOGE(TAG, "getrandom() failed: no mask key");
        return -1;
    }
    int hlen = (int)ws_frame_encode(first, (uint64_t)len, mask, hdr);
    if (esp_transport_ws_write_all(ws, (const char *)hdr, hlen, timeout_ms) != hlen) {
        ESP_LOGE(TAG, "Error write header");
        return -1;
    }
    uint8_t chunk[WS_CHUNK];
    for (int off = 0; off < len;) {
        int n = len - off < WS_CHUNK ? len - off : WS_CHUNK;
        memcpy(chunk, b + off, (size_t)n);
        ws_frame_mask(chunk, (size_t)n, mask, (uint64_t)off);
        if (esp_transport_ws_write_all(ws, (const char *)chunk, n, timeout_ms) != n) {
            ESP_LOGE(TAG, "Error write payload at %d of %d bytes", off, len);
            return -1;
        }
        off += n;
    }
    return len;
}

int esp_transport_ws_send_raw(esp_transport_handle_t t, ws_transport_opcodes_t opcode,
                              const char *b, int len, int timeout_ms)
{
    transport_ws_t *ws = esp_transport_ws_state(t);
    if (ws == NULL) {
        ESP_LOGE(TAG, "Transport must be a valid ws handle");
        return ESP_ERR_INVALID_ARG;
    }
    if (len < 0 || (b == NULL && len > 0)) {
        ESP_LOGE(TAG, "send_raw: invalid buffer %p or length %d", (const void *)b, len);
        return -1;
    }
    ESP_LOGD(TAG, "Sending raw ws message with opcode %d", (int)(uint8_t)opcode);
    return ws_write_frame(ws, (uint8_t)opcode, b, len, timeout_ms);
}

static int ws_write(esp_transport_handle_t t, const char *b, int len, int timeout_ms)
{
    transport_ws_t *ws = esp_transport_ws_state(t);
    if (len == 0) {
        ESP_LOGD(TAG, "Write PING message");
        return ws_write_frame(ws, WS_TRANSPORT_OPCODES_PING | WS_TRANSPORT_OPCODES_FIN, NULL, 0,
                              timeout_ms);
    }
    if (len < 0 || b == NULL) {
        ESP_LOGE(TAG, "write: invalid buffer %p or length %d", (const void *)b, len);
        return -1;
    }
    return ws_write_frame(ws, WS_TRANSPORT_OPCODES_BINARY | WS_TRANSPORT_OPCODES_FIN, b, len,
                          timeout_ms);
}

/* ---- read ---------------------------------------------------------------------------------- */

static int refuse(transport_ws_t *ws, const char *why, unsigned opcode)
{
    ESP_LOGE(TAG, "Refused a frame from the server: %s (opcode 0x%x); close the connection", why,
             opcode);
    ws->failed = true;
    ws->header_received = false;
    ws->remaining = 0;
    return -1;
}

/* Frame checks beyond the header's own: direction, size, fragmentation. */
static int check_frame(transport_ws_t *ws)
{
    const ws_frame_header_t *h = &ws->frame;
    if (h->masked) {
        return refuse(ws, "masked (a server must not mask, RFC 6455 5.1)", h->opcode);
    }
    if (h->payload_len > INT_MAX) {
        return refuse(ws, "payload longer than INT_MAX bytes", h->opcode);
    }
    if (ws_frame_is_control(h->opcode)) {
        return 0;
    }
    if (h->opcode == WS_TRANSPORT_OPCODES_CONT && !ws->in_message) {
        return refuse(ws, "continuation without a message to continue", h->opcode);
    }
    if (h->opcode != WS_TRANSPORT_OPCODES_CONT && ws->in_message) {
        return refuse(ws, "new message inside a fragmented one", h->opcode);
    }
    ws->in_message = !h->fin;
    return 0;
}

/* Read and check the next frame header. @return 1 read, 0 timeout, -1 error */
static int read_header(transport_ws_t *ws, int timeout_ms)
{
    uint8_t hdr[WS_FRAME_HEADER_MAX];
    ws->header_received = false;
    if (ws->buffer_len == 0) {
        int ready = esp_transport_poll_read(ws->parent, timeout_ms);
        if (ready <= 0) {
            return ready < 0 ? -1 : 0;
        }
    }
    int r = read_exact(ws, (char *)hdr, 2, timeout_ms);
    if (r <= 0) {
        return r;
    }
    size_t need = ws_frame_header_size(hdr[0], hdr[1]);
    if (read_exact(ws, (char *)hdr + 2, (int)need - 2, timeout_ms) != (int)need - 2) {
        ws->failed = true;
        return -1; /* a header cut short: the stream cannot be resynchronised */
    }
    ws_frame_status_t st = ws_frame_parse(hdr, need, &ws->frame);
    if (st != WS_FRAME_OK) {
        return refuse(ws, ws_frame_status_text(st), hdr[0] & 0x0fu);
    }
    ESP_LOGD(TAG, "Opcode: %d, fin: %d, len: %llu", ws->frame.opcode, ws->frame.fin,
             (unsigned long long)ws->frame.payload_len);
    ws->header_received = true;
    ws->remaining = ws->frame.payload_len;
    return check_frame(ws) < 0 ? -1 : 1;
}

/* Read up to @p len payload bytes of the current frame. */
static int read_payload(transport_ws_t *ws, char *buffer, int len, int timeout_ms)
{
    int n = ws->remaining < (uint64_t)len ? (int)ws->remaining : len;
    if (n == 0) {
        return 0;
    }
    int r = read_some(ws, buffer, n, timeout_ms);
    if (r < 0) {
        ESP_LOGE(TAG, "Error reading payload data (%llu bytes of the frame left)",
                 (unsigned long long)ws->remaining);
        ws->failed = true;
        ws->remaining = 0;
        return r;
    }
    ws->remaining -= (uint64_t)r; /* r == 0: timeout, the rest can still be read */
    return r;
}

static void log_close(const char *payload, int len)
{
    if (len >= 2) {
        unsigned code = ((unsigned)(uint8_t)payload[0] << 8) | (uint8_t)payload[1];
        ESP_LOGI(TAG, "Got CLOSE frame with status code=%u, reason '%.*s'", code, len - 2,
                 payload + 2);
    } else {
        ESP_LOGI(TAG, "Got CLOSE frame without a status code");
    }
}

/* Echo a server's CLOSE, then wait for the server to close the TCP connection. */
static int handle_close(esp_transport_handle_t t, transport_ws_t *ws, int timeout_ms)
{
    if (ws_write_frame(ws, WS_TRANSPORT_OPCODES_CLOSE | WS_TRANSPORT_OPCODES_FIN, NULL, 0,
                       timeout_ms) < 0) {
        ESP_LOGE(TAG, "Sending CLOSE frame with 0 payload failed");
        return -1;
    }
    int ret = esp_transport_ws_poll_connection_closed(t, timeout_ms);
    if (ret == 0) {
        ESP_LOGW(TAG, "Connection cannot be terminated gracefully within timeout=%d", timeout_ms);
        return -1;
    }
    if (ret < 0) {
        ESP_LOGW(TAG, "Connection terminated while waiting for clean TCP close");
        return -1;
    }
    ESP_LOGI(TAG, "Connection terminated gracefully");
    return 0;
}

/* A control frame the application does not see: PING answered, CLOSE echoed. @return 0, -1 */
static int handle_control(esp_transport_handle_t t, transport_ws_t *ws, int timeout_ms)
{
    char payload[125];
    int len = (int)ws->frame.payload_len; /* <= 125: checked by ws_frame_parse() */
    if (len > 0 && read_exact(ws, payload, len, timeout_ms) != len) {
        ESP_LOGE(TAG, "Control frame (opcode=%d) payload read failed", ws->frame.opcode);
        ws->failed = true;
        return -1;
    }
    ws->remaining = 0;
    ws->header_received = false; /* handled here: get_read_opcode() says NONE */
    switch (ws->frame.opcode) {
    case WS_TRANSPORT_OPCODES_PING:
        if (ws_write_frame(ws, WS_TRANSPORT_OPCODES_PONG | WS_TRANSPORT_OPCODES_FIN, payload, len,
                           timeout_ms) != len) {
            ESP_LOGE(TAG, "PONG send failed (payload_len=%d)", len);
            return -1;
        }
        ESP_LOGD(TAG, "PONG sent correctly (payload_len=%d)", len);
        return 0;
    case WS_TRANSPORT_OPCODES_CLOSE:
        log_close(payload, len);
        return handle_close(t, ws, timeout_ms);
    default: ESP_LOGD(TAG, "Received PONG frame with payload=%d", len); return 0;
    }
}

static int ws_read(esp_transport_handle_t t, char *buffer, int len, int timeout_ms)
{
    transport_ws_t *ws = esp_transport_ws_state(t);
    if (len < 0 || (buffer == NULL && len > 0)) {
        ESP_LOGE(TAG, "read: invalid buffer %p or length %d", (const void *)buffer, len);
        return -1;
    }
    if (ws->failed) {
        ESP_LOGE(TAG, "read: the connection failed earlier (protocol error): close it");
        return -1;
    }
    if (ws->closed) {
        /* over TLS the close_notify is gone: the parent would report timeouts, not the close */
        ESP_LOGD(TAG, "read: the server closed the connection");
        esp_transport_capture_error(t, ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN);
        return ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN;
    }
    if (ws->remaining == 0) {
        int r = read_header(ws, timeout_ms);
        if (r <= 0) {
            return r;
        }
        if (ws_frame_is_control(ws->frame.opcode) && !ws->propagate_control_frames) {
            return handle_control(t, ws, timeout_ms);
        }
    }
    return read_payload(ws, buffer, len, timeout_ms);
}

/* ---- poll, close, socket ------------------------------------------------------------------- */

static int ws_poll_read(esp_transport_handle_t t, int timeout_ms)
{
    transport_ws_t *ws = esp_transport_ws_state(t);
    if (ws->buffer_len > 0) {
        return 1; /* frame bytes that came with the handshake are waiting */
    }
    return esp_transport_poll_read(ws->parent, timeout_ms);
}

static int ws_poll_write(esp_transport_handle_t t, int timeout_ms)
{
    return esp_transport_poll_write(esp_transport_ws_state(t)->parent, timeout_ms);
}

static int ws_close(esp_transport_handle_t t)
{
    transport_ws_t *ws = esp_transport_ws_state(t);
    reset_frame_state(ws);
    drop_buffered(ws);
    return esp_transport_close(ws->parent);
}

static int ws_get_socket(esp_transport_handle_t t)
{
    transport_ws_t *ws = esp_transport_ws_state(t);
    return ws ? esp_transport_get_socket(ws->parent) : -1;
}

static esp_transport_handle_t ws_payload_transport(esp_transport_handle_t t)
{
    transport_ws_t *ws = esp_transport_ws_state(t);
    ws->remaining = 0; /* the caller reads the parent directly: the next read starts a frame */
    return ws->parent;
}

/* Closed by the peer after a CLOSE: a FIN, or a reset. @return 1, 0 timeout, -1 otherwise */
int esp_transport_ws_poll_connection_closed(esp_transport_handle_t t, int timeout_ms)
{
    transport_ws_t *ws = esp_transport_ws_state(t);
    if (ws == NULL) {
        return -1;
    }
    int ready = esp_transport_poll_read(ws->parent, timeout_ms);
    if (ready == 0) {
        return 0;
    }
    char c;
    int r = ready > 0 ? esp_transport_read(ws->parent, &c, 1, 0) : -2;
    int e = ws->parent->err ? ws->parent->err->sock_errno : 0;
    if (r == ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN || e == ENOTCONN || e == ECONNRESET ||
        e == ECONNABORTED) {
        ws->closed = true;
        return 1;
    }
    if (r > 0) {
        ESP_LOGW(TAG, "poll_connection_closed: unexpected data readable on socket=%d",
                 esp_transport_get_socket(ws->parent));
    } else {
        ESP_LOGE(TAG, "poll_connection_closed: unexpected error (errno=%d)", e);
    }
    return -1;
}

/* ---- init and destroy ---------------------------------------------------------------------- */

static void free_strings(transport_ws_t *ws)
{
    esp_tls_mem_free(ws->path);
    esp_tls_mem_free(ws->sub_protocol);
    esp_tls_mem_free(ws->user_agent);
    esp_tls_mem_free(ws->headers);
    esp_tls_mem_free(ws->auth);
    esp_tls_mem_free(ws->redir_uri);
}

static int ws_destroy(esp_transport_handle_t t)
{
    transport_ws_t *ws = esp_transport_ws_state(t);
    if (ws != NULL) {
        free_strings(ws);
        esp_tls_mem_free(ws->buffer);
        esp_tls_mem_free(ws);
        t->data = NULL;
        t->err = NULL;
    }
    return 0;
}

static int ws_connect(esp_transport_handle_t t, const char *host, int port, int timeout_ms)
{
    transport_ws_t *ws = t->data;
    reset_frame_state(ws);
    drop_buffered(ws);
    ws->http_status_code = -1;
    esp_tls_mem_free(ws->redir_uri);
    ws->redir_uri = NULL;
    if (esp_transport_connect(ws->parent, host, port, timeout_ms) < 0) {
        ESP_LOGE(TAG, "Error connecting to host %s:%d", host ? host : "(null)", port);
        return -1;
    }
    int rc = esp_transport_ws_handshake(ws, host, port, timeout_ms);
    if (rc != 0) {
        esp_transport_close(ws->parent);
        drop_buffered(ws);
        return rc; /* -1, or a redirection's status code as ESP-IDF returns it */
    }
    if (ws->buffer_len == 0) {
        drop_buffered(ws);
    }
    return 0;
}

static transport_ws_t *new_state(esp_transport_handle_t parent)
{
    transport_ws_t *ws = esp_tls_mem_calloc(1, sizeof(*ws));
    if (ws == NULL) {
        return NULL;
    }
    ws->parent = parent;
    ws->http_status_code = -1;
#ifndef CONFIG_WS_DYNAMIC_BUFFER
    if (esp_transport_ws_buffer(ws) == NULL) {
        esp_tls_mem_free(ws);
        return NULL;
    }
#endif
    return ws;
}

esp_transport_handle_t esp_transport_ws_init(esp_transport_handle_t parent_handle)
{
#ifndef CONFIG_WS_TRANSPORT
    (void)parent_handle;
    ESP_LOGE(TAG, "The WebSocket transport is disabled (CONFIG_WS_TRANSPORT)");
    return NULL;
#else
    if (parent_handle == NULL) {
        ESP_LOGE(TAG, "Invalid parent protocol");
        return NULL;
    }
    esp_transport_handle_t t = esp_transport_init();
    transport_ws_t *ws = t ? new_state(parent_handle) : NULL;
    if (ws == NULL) {
        ESP_LOGE(TAG, "out of memory for a WebSocket transport");
        esp_transport_destroy(t);
        return NULL;
    }
    esp_transport_set_func(t, ws_connect, ws_read, ws_write, ws_close, ws_poll_read, ws_poll_write,
                           ws_destroy);
    esp_transport_set_parent_transport_func(t, ws_payload_transport);
    t->data = ws;
    t->err = parent_handle->err; /* one error handle, the parent's, as in ESP-IDF */
    t->_get_socket = ws_get_socket;
    return t;
#endif
}
