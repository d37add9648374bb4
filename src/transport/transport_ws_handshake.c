// SPDX-License-Identifier: Apache-2.0
/*
 * The WebSocket opening handshake (RFC 6455 section 4.1) on a connected parent transport: the
 * GET with Upgrade, a random 16-byte Sec-WebSocket-Key, then the server's response: its status
 * (101, or a redirection whose Location is kept), Upgrade: websocket, Sec-WebSocket-Accept =
 * base64(SHA-1(key + GUID)) and the subprotocol it chose. Each refusal has its own log line.
 * SHA-1 and base64 come from esp_tls_crypto.h (Mbed TLS), the key from getrandom().
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "../mem/mem.h"
#include "esp_log.h"
#include "esp_tls_crypto.h"
#include "transport_ws_internal.h"

static const char *TAG = "transport_ws";

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define WS_KEY_B64_SIZE 32 /* base64 of 16 bytes: 24 characters + NUL, rounded up */

/* ---- request ------------------------------------------------------------------------------- */

/* Append to the request in ws->buffer; false (logged) when it does not fit. */
static bool append(char *buf, int *len, const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf + *len, (size_t)(WS_BUFFER_SIZE - *len), fmt, ap);
    va_end(ap);
    if (r < 0 || *len + r >= WS_BUFFER_SIZE) {
        ESP_LOGE(TAG,
                 "Error in request generation: the %s does not fit in the %d-byte buffer "
                 "(CONFIG_WS_BUFFER_SIZE)",
                 what, WS_BUFFER_SIZE);
        return false;
    }
    *len += r;
    return true;
}

static bool make_key(char key[WS_KEY_B64_SIZE])
{
    unsigned char raw[16];
    size_t olen = 0;
    if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
        ESP_LOGE(TAG, "getrandom() failed: no Sec-WebSocket-Key");
        return false;
    }
    return esp_crypto_base64_encode((unsigned char *)key, WS_KEY_B64_SIZE, &olen, raw,
                                    sizeof(raw)) == 0;
}

/* The upgrade request in ws->buffer. @return its length, -1 if it does not fit */
static int build_request(transport_ws_t *ws, char *buf, const char *host, int port, const char *key)
{
    int len = 0;
    bool v6 = strchr(host, ':') != NULL; /* an IPv6 literal goes in brackets (RFC 7230 5.4) */
    const char *ua = ws->user_agent ? ws->user_agent : "ESP32 Websocket Client";
    bool ok =
        append(buf, &len, "request line and headers",
               "GET %s HTTP/1.1\r\nConnection: Upgrade\r\nHost: %s%s%s:%d\r\nUser-Agent: %s\r\n"
               "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Key: %s\r\n",
               ws->path ? ws->path : "/", v6 ? "[" : "", host, v6 ? "]" : "", port, ua, key);
    if (ok && ws->sub_protocol) {
        ok = append(buf, &len, "subprotocol", "Sec-WebSocket-Protocol: %s\r\n", ws->sub_protocol);
    }
    if (ok && ws->auth) {
        ok = append(buf, &len, "authorization", "Authorization: %s\r\n", ws->auth);
    }
    if (ok && ws->headers) {
        ok = append(buf, &len, "extra headers", "%s", ws->headers);
    }
    if (ok) {
        ok = append(buf, &len, "end of the headers", "\r\n");
    }
    return ok ? len : -1;
}

/* ---- response ------------------------------------------------------------------------------ */

/* Read until the end of the headers. @return the header block's length (with its blank line) */
static int read_response(transport_ws_t *ws, char *buf, int timeout_ms)
{
    size_t have = 0;
    for (;;) {
        int r =
            esp_transport_read(ws->parent, buf + have, (int)(WS_BUFFER_SIZE - have), timeout_ms);
        if (r <= 0) {
            ESP_LOGE(TAG, "Error read response for Upgrade header: %s",
                     r == 0 ? "timeout" : "connection failed or closed");
            return -1;
        }
        have += (size_t)r;
        buf[have] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end != NULL) {
            ws->buffer_off = (size_t)(end + 4 - buf);
            ws->buffer_len = have - ws->buffer_off; /* frame bytes that came along */
            return (int)ws->buffer_off;
        }
        if (have >= WS_BUFFER_SIZE) {
            ESP_LOGE(TAG,
                     "Upgrade response headers longer than the %d-byte buffer "
                     "(CONFIG_WS_BUFFER_SIZE)",
                     WS_BUFFER_SIZE);
            return -1;
        }
    }
}

static int status_code(const char *buf)
{
    int code = -1;
    if (strncasecmp(buf, "HTTP/", 5) != 0 ||
        sscanf(strchr(buf, ' ') ? strchr(buf, ' ') : "", " %3d", &code) != 1) {
        return -1;
    }
    return code > 0 ? code : -1;
}

/* The value of header @p name in the header block @p hdrs (lines after the status line), its
 * surrounding blanks trimmed; *vlen its length. NULL if absent. */
static const char *header_value(const char *hdrs, const char *name, size_t *vlen)
{
    size_t nlen = strlen(name);
    for (const char *line = strstr(hdrs, "\r\n"); line != NULL && line[2] != '\r';
         line = strstr(line + 2, "\r\n")) {
        const char *p = line + 2;
        if (strncasecmp(p, name, nlen) != 0 || p[nlen] != ':') {
            continue;
        }
        const char *v = p + nlen + 1;
        const char *e = strstr(v, "\r\n");
        while (v < e && (*v == ' ' || *v == '\t')) {
            v++;
        }
        while (e > v && (e[-1] == ' ' || e[-1] == '\t')) {
            e--;
        }
        *vlen = (size_t)(e - v);
        return v;
    }
    return NULL;
}

static bool value_is(const char *v, size_t vlen, const char *want)
{
    return v != NULL && vlen == strlen(want) && strncmp(v, want, vlen) == 0;
}

/* Does the comma-separated @p list contain the token @p v (@p vlen bytes)? */
static bool list_has(const char *list, const char *v, size_t vlen)
{
    for (const char *p = list; *p != '\0';) {
        while (*p == ' ' || *p == ',') {
            p++;
        }
        size_t n = strcspn(p, ", ");
        if (n > 0 && n == vlen && strncasecmp(p, v, n) == 0) {
            return true;
        }
        p += n;
    }
    return false;
}

static void keep_response_headers(transport_ws_t *ws, const char *buf, int hlen)
{
    if (ws->response_headers == NULL || ws->response_headers_len == 0) {
        return;
    }
    size_t n =
        (size_t)hlen < ws->response_headers_len - 1 ? (size_t)hlen : ws->response_headers_len - 1;
    memcpy(ws->response_headers, buf, n);
    ws->response_headers[n] = '\0';
}

/* A redirection: keep its Location. @return the status code (3xx), -1 without a Location */
static int check_redirect(transport_ws_t *ws, const char *buf)
{
    size_t vlen = 0;
    const char *loc = header_value(buf, "Location", &vlen);
    if (loc == NULL || vlen == 0) {
        ESP_LOGE(TAG, "HTTP upgrade failed: redirection (status %d) without a Location",
                 ws->http_status_code);
        return -1;
    }
    ws->redir_uri = esp_tls_mem_calloc(1, vlen + 1);
    if (ws->redir_uri == NULL) {
        ESP_LOGE(TAG, "out of memory for the redirection URI");
        return -1;
    }
    memcpy(ws->redir_uri, loc, vlen);
    ESP_LOGW(TAG, "HTTP upgrade redirected (status %d) to %s", ws->http_status_code, ws->redir_uri);
    return ws->http_status_code;
}

static bool accept_ok(const char *key, const char *got, size_t glen)
{
    char text[WS_KEY_B64_SIZE + sizeof(WS_GUID)];
    unsigned char sha1[20];
    unsigned char want[32] = {0};
    size_t olen = 0;
    int n = snprintf(text, sizeof(text), "%s%s", key, WS_GUID);
    if (esp_crypto_sha1((const unsigned char *)text, (size_t)n, sha1) != 0 ||
        esp_crypto_base64_encode(want, sizeof(want) - 1, &olen, sha1, sizeof(sha1)) != 0) {
        return false;
    }
    return value_is(got, glen, (const char *)want);
}

static int check_subprotocol(const transport_ws_t *ws, const char *buf)
{
    size_t vlen = 0;
    const char *v = header_value(buf, "Sec-WebSocket-Protocol", &vlen);
    if (v == NULL) {
        return 0; /* the server chose none: the application may still go on */
    }
    if (ws->sub_protocol == NULL || !list_has(ws->sub_protocol, v, vlen)) {
        ESP_LOGE(TAG, "The server chose subprotocol '%.*s', which was not offered", (int)vlen, v);
        return -1;
    }
    return 0;
}

static int check_response(transport_ws_t *ws, const char *buf, const char *key)
{
    ws->http_status_code = status_code(buf);
    if (ws->http_status_code == -1) {
        ESP_LOGE(TAG, "HTTP upgrade failed: no HTTP status line in the response");
        return -1;
    }
    if (ws->http_status_code >= 301 && ws->http_status_code <= 308) {
        return check_redirect(ws, buf);
    }
    if (ws->http_status_code != 101) {
        ESP_LOGE(TAG, "HTTP upgrade failed: status %d instead of 101", ws->http_status_code);
        return -1;
    }
    size_t vlen = 0;
    const char *up = header_value(buf, "Upgrade", &vlen);
    if (up == NULL || vlen != 9 || strncasecmp(up, "websocket", 9) != 0) {
        ESP_LOGE(TAG, "HTTP upgrade failed: the response has no 'Upgrade: websocket' header");
        return -1;
    }
    const char *acc = header_value(buf, "Sec-WebSocket-Accept", &vlen);
    if (acc == NULL) {
        ESP_LOGE(TAG, "Sec-WebSocket-Accept not found");
        return -1;
    }
    if (!accept_ok(key, acc, vlen)) {
        ESP_LOGE(TAG, "Invalid websocket key: Sec-WebSocket-Accept does not match the key sent");
        return -1;
    }
    return check_subprotocol(ws, buf);
}

int esp_transport_ws_handshake(transport_ws_t *ws, const char *host, int port, int timeout_ms)
{
    char key[WS_KEY_B64_SIZE] = {0};
    char *buf = esp_transport_ws_buffer(ws);
    if (buf == NULL || !make_key(key)) {
        return -1;
    }
    int len = build_request(ws, buf, host, port, key);
    if (len < 0) {
        return -1;
    }
    ESP_LOGD(TAG, "Write upgrade request for %s:%d%s", host, port, ws->path ? ws->path : "/");
    if (esp_transport_ws_write_all(ws, buf, len, timeout_ms) != len) {
        ESP_LOGE(TAG, "Error write Upgrade header");
        return -1;
    }
    int hlen = read_response(ws, buf, timeout_ms);
    if (hlen < 0) {
        return -1;
    }
    keep_response_headers(ws, buf, hlen);
    return check_response(ws, buf, key);
}
