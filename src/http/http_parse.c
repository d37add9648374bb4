// SPDX-License-Identifier: Apache-2.0
/*
 * Response parsing of esp_http_client with Debian's libhttp-parser (http_parser 2.9): the same
 * parser ESP-IDF embeds, kept up to date by Debian, and already hardened (status line, header
 * and chunk-size syntax, Content-Length overflow, 80 KB header limit) - a hand-written parser
 * would have to re-earn all of that.
 *
 * Raw bytes are received into the client's rx buffer (at most buffer_size at a time) and fed
 * to the parser. The parser pauses at the end of the final response head and at the end of
 * the message, so body bytes stay in rx until a reader has room for them; a reader feeds at
 * most as many raw bytes as it has room for, and framing only removes bytes.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "esp_log.h"
#include "http_internal.h"

static const char *TAG = "HTTP_CLIENT";

static esp_http_client_handle_t of(http_parser *p)
{
    return (esp_http_client_handle_t)p->data;
}

static bool informational(const http_parser *p)
{
    return p->status_code / 100 == 1;
}

static int append(char **dst, const char *at, size_t len)
{
    size_t old = *dst ? strlen(*dst) : 0;
    char *s = realloc(*dst, old + len + 1);
    if (!s) {
        return -1;
    }
    memcpy(s + old, at, len);
    s[old + len] = '\0';
    *dst = s;
    return 0;
}

/* The header in cur_key/cur_value is complete: keep what the client needs, tell the app. */
static int header_done(esp_http_client_handle_t c)
{
    http_response_t *r = &c->res;
    int rc = 0;
    if (r->cur_key && !informational(&c->parser)) {
        const char *v = r->cur_value ? r->cur_value : "";
        if (strcasecmp(r->cur_key, "Location") == 0) {
            rc = http_str_set(&r->location, v) == ESP_OK ? 0 : -1;
        } else if (strcasecmp(r->cur_key, "WWW-Authenticate") == 0) {
            rc = http_str_set(&r->auth_challenge, v) == ESP_OK ? 0 : -1;
        }
        esp_http_client_event_t ev = {.event_id = HTTP_EVENT_ON_HEADER,
                                      .client = c,
                                      .user_data = c->cfg.user_data,
                                      .header_key = r->cur_key,
                                      .header_value = (char *)v};
        if (c->cfg.event_handler) {
            c->cfg.event_handler(&ev);
        }
    }
    free(r->cur_key);
    free(r->cur_value);
    r->cur_key = r->cur_value = NULL;
    r->in_value = false;
    return rc;
}

static int on_message_begin(http_parser *p)
{
    http_response_t *r = &of(p)->res;
    free(r->location);
    free(r->auth_challenge);
    r->location = r->auth_challenge = NULL;
    return 0;
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
    esp_http_client_handle_t c = of(p);
    if (c->res.in_value && header_done(c) != 0) {
        return -1;
    }
    return append(&c->res.cur_key, at, len);
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
    esp_http_client_handle_t c = of(p);
    c->res.in_value = true;
    return append(&c->res.cur_value, at, len);
}

static int on_headers_complete(http_parser *p)
{
    esp_http_client_handle_t c = of(p);
    if (header_done(c) != 0) {
        return -1;
    }
    if (informational(p)) {
        ESP_LOGD(TAG, "skipping informational response %d", p->status_code);
        return 1; /* no body; the final response follows */
    }
    http_response_t *r = &c->res;
    r->status_code = p->status_code;
    r->chunked = (p->flags & F_CHUNKED) != 0;
    r->content_length = r->chunked ? -1 : (int64_t)p->content_length;
    r->keep_alive = http_should_keep_alive(p) != 0;
    r->head_done = true;
    http_parser_pause(p, 1);
    bool no_body =
        c->info.method == HTTP_METHOD_HEAD || p->status_code == 204 || p->status_code == 304;
    return no_body ? 1 : 0; /* content_length stays what the header announced */
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    esp_http_client_handle_t c = of(p);
    c->res.data_read += (int64_t)len;
    if (c->user_buf) {
        memcpy(c->user_buf + c->user_got, at, len); /* fits: see the file comment */
        c->user_got += (int)len;
    }
    if (c->deliver_events) {
        http_dispatch(c, HTTP_EVENT_ON_DATA, (void *)at, (int)len);
    }
    return 0;
}

static int on_message_complete(http_parser *p)
{
    esp_http_client_handle_t c = of(p);
    if (informational(p)) {
        return 0;
    }
    c->res.complete = true;
    c->res.keep_alive = c->res.keep_alive && http_should_keep_alive(p);
    http_parser_pause(p, 1);
    return 0;
}

static int on_chunk_header(http_parser *p)
{
    of(p)->res.chunk_length = (int)(p->content_length > INT_MAX ? INT_MAX : p->content_length);
    return 0;
}

void http_parse_free(esp_http_client_handle_t c)
{
    http_response_t *r = &c->res;
    free(r->cur_key);
    free(r->cur_value);
    free(r->location);
    free(r->auth_challenge);
    r->cur_key = r->cur_value = r->location = r->auth_challenge = NULL;
}

void http_parse_start(esp_http_client_handle_t c)
{
    http_parse_free(c);
    c->res = (http_response_t){.content_length = -1};
    http_parser_init(&c->parser, HTTP_RESPONSE);
    c->parser.data = c;
    http_parser_settings_init(&c->settings);
    c->settings.on_message_begin = on_message_begin;
    c->settings.on_header_field = on_header_field;
    c->settings.on_header_value = on_header_value;
    c->settings.on_headers_complete = on_headers_complete;
    c->settings.on_body = on_body;
    c->settings.on_message_complete = on_message_complete;
    c->settings.on_chunk_header = on_chunk_header;
}

static void log_parse_error(esp_http_client_handle_t c, enum http_errno e)
{
    const char *where = !c->res.head_done ? "response head"
                        : c->res.chunked  ? "chunked body (chunk size line or chunk framing)"
                                          : "response body";
    ESP_LOGE(TAG, "Malformed %s: %s (%s)", where, http_errno_name(e), http_errno_description(e));
}

int http_parse_feed(esp_http_client_handle_t c, int max)
{
    int n = c->rx_len - c->rx_pos;
    if (n > max) {
        n = max;
    }
    size_t done = http_parser_execute(&c->parser, &c->settings, c->rx + c->rx_pos, (size_t)n);
    c->rx_pos += (int)done;
    enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
    if (e == HPE_PAUSED) {
        http_parser_pause(&c->parser, 0);
        return 0;
    }
    if (e != HPE_OK) {
        log_parse_error(c, e);
        return -1;
    }
    return 0;
}

int http_parse_eof(esp_http_client_handle_t c)
{
    http_parser_execute(&c->parser, &c->settings, NULL, 0);
    enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
    if (e == HPE_PAUSED) {
        http_parser_pause(&c->parser, 0);
    }
    return c->res.complete ? 0 : -1;
}
