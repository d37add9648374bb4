// SPDX-License-Identifier: Apache-2.0
/*
 * esp_http_client: the client object, connections (kept alive across requests), the request
 * head, reading the response and the events. URL handling is in http_url.c, response parsing
 * in http_parse.c, authentication in http_auth.c, the transports in http_transport.c, the
 * perform loop (redirects, 401 retries, is_async) in http_perform.c.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_log.h"
#include "esp_transport_ssl.h"
#include "http_internal.h"
#include "sdkconfig.h"

static const char *TAG = "HTTP_CLIENT";

ESP_EVENT_DEFINE_BASE(ESP_HTTP_CLIENT_EVENT);

static const char *const METHODS[HTTP_METHOD_MAX] = {
    "GET",    "POST",      "PUT",         "PATCH",     "DELETE", "HEAD",
    "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE", "OPTIONS",   "COPY",   "MOVE",
    "LOCK",   "UNLOCK",    "PROPFIND",    "PROPPATCH", "MKCOL",  "REPORT"};

const char *http_method_name(esp_http_client_method_t m)
{
    return (m >= 0 && m < HTTP_METHOD_MAX) ? METHODS[m] : "GET";
}

esp_err_t http_dispatch(esp_http_client_handle_t c, esp_http_client_event_id_t id, void *data,
                        int len)
{
    esp_http_client_event_t ev = {
        .event_id = id, .client = c, .data = data, .data_len = len, .user_data = c->cfg.user_data};
    return c->cfg.event_handler ? c->cfg.event_handler(&ev) : ESP_OK;
}

/* ---- init / cleanup ---------------------------------------------------------------------- */

static void apply_defaults(esp_http_client_config_t *cfg)
{
    if (cfg->timeout_ms == 0) {
        cfg->timeout_ms = HTTP_DEFAULT_TIMEOUT_MS;
    }
    if (cfg->buffer_size <= 0) {
        cfg->buffer_size = DEFAULT_HTTP_BUF_SIZE;
    }
    if (cfg->buffer_size_tx <= 0) {
        cfg->buffer_size_tx = DEFAULT_HTTP_BUF_SIZE;
    }
    if (cfg->max_redirection_count == 0) {
        cfg->max_redirection_count = HTTP_DEFAULT_MAX_REDIRECT;
    }
    if (cfg->max_authorization_retries == 0) {
        cfg->max_authorization_retries = HTTP_DEFAULT_MAX_AUTH_RETRIES;
    }
}

/* Host header: host, or host:port when the port is not the scheme's default */
esp_err_t http_update_host_header(esp_http_client_handle_t c)
{
    const http_connection_info_t *i = &c->info;
    bool v6 = strchr(i->host, ':') != NULL;
    char *host = i->port == http_default_port(i->scheme)
                     ? http_str_printf(v6 ? "[%s]" : "%s", i->host)
                     : http_str_printf(v6 ? "[%s]:%d" : "%s:%d", i->host, i->port);
    ESP_ENSURE(host, ESP_ERR_NO_MEM);
    esp_err_t err = http_header_set(&c->headers, "Host", host);
    free(host);
    return err;
}

static esp_err_t client_setup(esp_http_client_handle_t c, const esp_http_client_config_t *cfg)
{
    c->rx = malloc((size_t)c->cfg.buffer_size);
    c->tx = malloc((size_t)c->cfg.buffer_size_tx);
    ESP_ENSURE_LOG(c->rx && c->tx, ESP_ERR_NO_MEM, "Error allocating the client's buffers");
    c->info.method = cfg->method;
    c->info.auth_type = cfg->auth_type;
    ESP_GUARD(http_transports_init(c));
    ESP_GUARD(http_url_from_config(c, cfg));
    const char *ua = cfg->user_agent ? cfg->user_agent : HTTP_DEFAULT_USER_AGENT;
    ESP_GUARD(http_header_set(&c->headers, "User-Agent", ua));
    ESP_GUARD(http_update_host_header(c));
    http_parse_start(c);
    return ESP_OK;
}

esp_http_client_handle_t esp_http_client_init(const esp_http_client_config_t *config)
{
    if (!config) {
        ESP_LOGE(TAG, "config is NULL");
        return NULL;
    }
    esp_http_client_handle_t c = calloc(1, sizeof(*c));
    if (!c) {
        ESP_LOGE(TAG, "Memory exhausted");
        return NULL;
    }
    c->cfg = *config;
    apply_defaults(&c->cfg);
    if (client_setup(c, config) != ESP_OK) {
        ESP_LOGE(TAG, "Error initializing the client");
        esp_http_client_cleanup(c);
        return NULL;
    }
    return c;
}

static void info_free(http_connection_info_t *i)
{
    http_str_free(i->scheme);
    http_str_free(i->host);
    http_str_free(i->path);
    http_str_free(i->query);
    http_str_free(i->username);
    http_str_free(i->password);
}

esp_err_t esp_http_client_cleanup(esp_http_client_handle_t client)
{
    ESP_ENSURE(client, ESP_FAIL);
    esp_http_client_close(client);
    if (client->transports) {
        esp_transport_list_destroy(client->transports);
    }
    info_free(&client->info);
    http_header_clear(&client->headers);
    http_parse_free(client);
    free(client->conn_host);
    http_str_free(client->auth_header);
    free(client->rx);
    free(client->tx);
    free(client);
    return ESP_OK;
}

/* ---- connection -------------------------------------------------------------------------- */

static bool connected(esp_http_client_handle_t c)
{
    return c->state != HTTP_STATE_UNINIT && c->state != HTTP_STATE_CONNECTING;
}

esp_err_t esp_http_client_close(esp_http_client_handle_t client)
{
    ESP_ENSURE(client, ESP_FAIL);
    if (client->state == HTTP_STATE_UNINIT) {
        return ESP_OK;
    }
    bool was_connected = connected(client);
    client->state = HTTP_STATE_UNINIT;
    if (client->transport) {
        esp_transport_close(client->transport);
    }
    if (was_connected) {
        http_dispatch(client, HTTP_EVENT_DISCONNECTED,
                      esp_transport_get_error_handle(client->transport), 0);
    }
    return ESP_OK;
}

/* An idle kept-alive connection the server closed (or sent junk on) cannot be reused. */
static bool stale(esp_http_client_handle_t c)
{
    if (esp_transport_poll_read(c->transport, 0) == 0) {
        return false;
    }
    int n = esp_transport_read(c->transport, c->rx, c->cfg.buffer_size, 0);
    if (n != 0) {
        ESP_LOGD(TAG, "kept-alive connection closed by the server: reconnecting");
    }
    return n != 0; /* 0: only records without data (e.g. TLS 1.3 tickets) */
}

static bool same_endpoint(esp_http_client_handle_t c, esp_transport_handle_t t)
{
    return c->transport == t && c->conn_host && strcmp(c->conn_host, c->info.host) == 0 &&
           c->conn_port == c->info.port;
}

static esp_err_t connect_failed(esp_http_client_handle_t c)
{
    ESP_LOGE(TAG, "Connection failed to %s:%d (esp_tls error 0x%x)", c->info.host, c->info.port,
             esp_transport_get_error_handle(c->transport)
                 ? esp_transport_get_error_handle(c->transport)->last_error
                 : 0);
    c->state = HTTP_STATE_UNINIT;
    esp_transport_close(c->transport);
    http_dispatch(c, HTTP_EVENT_ERROR, NULL, 0);
    return ESP_ERR_HTTP_CONNECT;
}

static int start_connect(esp_http_client_handle_t c, esp_transport_handle_t t)
{
    if (c->cfg.save_client_session && strcmp(c->info.scheme, "https") == 0) {
        esp_transport_ssl_session_ticket_operation(t, ESP_TRANSPORT_SESSION_TICKET_USE);
    }
    if (c->cfg.is_async) {
        return esp_transport_connect_async(t, c->info.host, c->info.port, c->cfg.timeout_ms);
    }
    return esp_transport_connect(t, c->info.host, c->info.port, c->cfg.timeout_ms) < 0 ? -1 : 1;
}

esp_err_t http_connect(esp_http_client_handle_t c)
{
    esp_transport_handle_t t = esp_transport_list_get_transport(c->transports, c->info.scheme);
    if (!t) {
        ESP_LOGE(TAG, "No transport found for scheme %s", c->info.scheme);
        return ESP_ERR_HTTP_INVALID_TRANSPORT;
    }
    bool unfinished = c->state != HTTP_STATE_INIT && !(c->res.complete && c->res.keep_alive);
    if (connected(c) && (unfinished || !same_endpoint(c, t) || stale(c))) {
        esp_http_client_close(c);
    }
    if (connected(c)) {
        return ESP_OK;
    }
    c->transport = t;
    int r = start_connect(c, t);
    if (r < 0) {
        return connect_failed(c);
    }
    if (r == 0) {
        c->state = HTTP_STATE_CONNECTING;
        return ESP_ERR_HTTP_CONNECTING;
    }
    ESP_GUARD(http_str_set(&c->conn_host, c->info.host));
    c->conn_port = c->info.port;
    c->state = HTTP_STATE_INIT;
    http_dispatch(c, HTTP_EVENT_ON_CONNECTED, NULL, 0);
    return ESP_OK;
}

/* ---- request ----------------------------------------------------------------------------- */

static int write_all(esp_http_client_handle_t c, const char *buf, int len)
{
    int done = 0;
    while (done < len) {
        int n = esp_transport_write(c->transport, buf + done, len - done, c->cfg.timeout_ms);
        if (n <= 0) {
            ESP_LOGE(TAG, "Error writing the request (%s)", n == 0 ? "timeout" : "connection");
            return -1;
        }
        done += n;
    }
    return done;
}

/* Append to the request head through the tx buffer (buffer_size_tx), flushing when full. */
static int tx_put(esp_http_client_handle_t c, const char *s, int len)
{
    while (len > 0) {
        int room = c->cfg.buffer_size_tx - c->tx_len;
        int n = len < room ? len : room;
        memcpy(c->tx + c->tx_len, s, (size_t)n);
        c->tx_len += n;
        s += n;
        len -= n;
        if (c->tx_len == c->cfg.buffer_size_tx) {
            if (write_all(c, c->tx, c->tx_len) < 0) {
                return -1;
            }
            c->tx_len = 0;
        }
    }
    return 0;
}

static int tx_str(esp_http_client_handle_t c, const char *s)
{
    return tx_put(c, s, (int)strlen(s));
}

static int send_head(esp_http_client_handle_t c)
{
    const http_connection_info_t *i = &c->info;
    c->tx_len = 0;
    int rc = tx_str(c, http_method_name(i->method)) | tx_str(c, " ") | tx_str(c, i->path);
    if (i->query) {
        rc |= tx_str(c, "?") | tx_str(c, i->query);
    }
    rc |= tx_str(c, " HTTP/1.1\r\n");
    for (http_header_item_t *h = c->headers; h && rc == 0; h = h->next) {
        rc |= tx_str(c, h->key) | tx_str(c, ": ") | tx_str(c, h->value) | tx_str(c, "\r\n");
    }
    rc |= tx_str(c, "\r\n");
    if (rc == 0 && c->tx_len > 0) {
        rc = write_all(c, c->tx, c->tx_len) < 0 ? -1 : 0;
    }
    return rc;
}

static esp_err_t framing_headers(esp_http_client_handle_t c, int write_len)
{
    http_header_delete(&c->headers, "Transfer-Encoding");
    http_header_delete(&c->headers, "Content-Length");
    esp_http_client_method_t m = c->info.method;
    if (write_len < 0) {
        return http_header_set(&c->headers, "Transfer-Encoding", "chunked");
    }
    if (write_len > 0 || m == HTTP_METHOD_POST || m == HTTP_METHOD_PUT || m == HTTP_METHOD_PATCH) {
        char n[16];
        snprintf(n, sizeof(n), "%d", write_len);
        return http_header_set(&c->headers, "Content-Length", n);
    }
    return ESP_OK;
}

static esp_err_t request_headers(esp_http_client_handle_t c, int write_len)
{
    ESP_GUARD(framing_headers(c, write_len));
    ESP_GUARD(http_auth_prepare(c));
    if (c->auth_header) {
        return http_header_set(&c->headers, "Authorization", c->auth_header);
    }
    return ESP_OK;
}

esp_err_t esp_http_client_open(esp_http_client_handle_t client, int write_len)
{
    ESP_ENSURE(client, ESP_ERR_INVALID_ARG);
    esp_err_t err = http_connect(client);
    if (err != ESP_OK) {
        return err;
    }
    client->write_len = write_len;
    ESP_GUARD(request_headers(client, write_len)); /* uses the last response's challenge */
    http_parse_start(client);
    client->rx_pos = client->rx_len = 0;
    if (send_head(client) != 0) {
        http_dispatch(client, HTTP_EVENT_ERROR, NULL, 0);
        esp_http_client_close(client);
        return ESP_ERR_HTTP_WRITE_DATA;
    }
    client->state = HTTP_STATE_REQ_HEADERS;
    http_dispatch(client, HTTP_EVENT_HEADERS_SENT, NULL, 0);
    return ESP_OK;
}

int esp_http_client_write(esp_http_client_handle_t client, const char *buffer, int len)
{
    if (!client || !buffer || len < 0 || client->state < HTTP_STATE_REQ_HEADERS) {
        return -1;
    }
    return write_all(client, buffer, len);
}

/* ---- response ---------------------------------------------------------------------------- */

static int read_timeout(esp_http_client_handle_t c)
{
    return c->cfg.is_async ? 0 : c->cfg.timeout_ms;
}

/* Buffered raw bytes, receiving up to @p want more when there are none: > 0 bytes, 0 timeout,
 * < 0 closed or failed. */
static int rx_fill(esp_http_client_handle_t c, int want)
{
    if (c->rx_pos < c->rx_len) {
        return c->rx_len - c->rx_pos;
    }
    c->rx_pos = c->rx_len = 0;
    if (want > c->cfg.buffer_size) {
        want = c->cfg.buffer_size;
    }
    int n = esp_transport_read(c->transport, c->rx, want, read_timeout(c));
    if (n > 0) {
        c->rx_len = n;
    }
    return n;
}

int64_t esp_http_client_fetch_headers(esp_http_client_handle_t client)
{
    if (!client || client->state < HTTP_STATE_REQ_HEADERS) {
        return ESP_FAIL;
    }
    client->state = HTTP_STATE_REQ_COMPLETE;
    while (!client->res.head_done) {
        int n = rx_fill(client, client->cfg.buffer_size);
        if (n == 0) {
            if (!client->cfg.is_async) {
                ESP_LOGE(TAG, "No response headers within %d ms", client->cfg.timeout_ms);
            }
            return -ESP_ERR_HTTP_EAGAIN;
        }
        if (n < 0) {
            ESP_LOGE(TAG, "Connection closed before the end of the response headers");
            return ESP_FAIL;
        }
        if (http_parse_feed(client, n) != 0) {
            return ESP_FAIL;
        }
    }
    client->state = HTTP_STATE_RES_HEADERS;
    if (client->res.complete) {
        http_response_done(client);
    }
    ESP_LOGD(TAG, "content_length = %lld", (long long)client->res.content_length);
    return client->res.content_length > 0 ? client->res.content_length : 0;
}

void http_response_done(esp_http_client_handle_t c)
{
    c->state = HTTP_STATE_RES_COMPLETE;
    if (c->rx_pos < c->rx_len) {
        ESP_LOGW(TAG, "%d bytes after the end of the response: connection not reused",
                 c->rx_len - c->rx_pos);
        c->res.keep_alive = false;
        c->rx_pos = c->rx_len;
    }
    if (c->cfg.save_client_session && strcmp(c->info.scheme, "https") == 0) {
        esp_transport_ssl_session_ticket_operation(c->transport, ESP_TRANSPORT_SESSION_TICKET_SAVE);
    }
}

/* The connection ended (FIN or error) before the body did. */
static int body_cut(esp_http_client_handle_t c, int n)
{
    if (n == ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN && http_parse_eof(c) == 0) {
        http_response_done(c); /* body delimited by the end of the connection */
        return 0;
    }
    ESP_LOGE(TAG, "Connection closed after %lld of %lld body bytes", (long long)c->res.data_read,
             (long long)c->res.content_length);
    c->res.keep_alive = false;
    c->res.cut = true;
    return -1;
}

int http_read_body(esp_http_client_handle_t c, char *buf, int len)
{
    c->user_buf = buf;
    c->user_got = 0;
    int rc = 0;
    while (c->user_got < len && !c->res.complete && rc == 0) {
        int n = rx_fill(c, len - c->user_got);
        if (n == 0) {
            rc = c->user_got > 0 ? 1 : -ESP_ERR_HTTP_EAGAIN;
        } else if (n < 0) {
            rc = body_cut(c, n) == 0 ? 1 : (c->user_got > 0 ? 1 : -1);
        } else if (http_parse_feed(c, len - c->user_got) != 0) {
            c->res.keep_alive = false;
            rc = -1;
        } else if (c->res.complete) {
            http_response_done(c);
        }
    }
    c->user_buf = NULL;
    return rc < 0 ? rc : c->user_got;
}

int esp_http_client_read(esp_http_client_handle_t client, char *buffer, int len)
{
    if (!client || !buffer || len < 0 || client->state < HTTP_STATE_RES_HEADERS) {
        return -1;
    }
    if (client->res.complete || client->res.cut) {
        return client->res.cut ? -1 : 0;
    }
    client->deliver_events = true;
    int n = http_read_body(client, buffer, len);
    if (n == -ESP_ERR_HTTP_EAGAIN && !client->cfg.is_async) {
        ESP_LOGE(TAG, "No body data within %d ms", client->cfg.timeout_ms);
    }
    if (n == -1) {
        http_dispatch(client, HTTP_EVENT_ERROR, NULL, 0);
    }
    return n;
}

int esp_http_client_read_response(esp_http_client_handle_t client, char *buffer, int len)
{
    int got = 0;
    while (got < len) {
        int n = esp_http_client_read(client, buffer + got, len - got);
        if (n <= 0) {
            break;
        }
        got += n;
    }
    return got;
}

esp_err_t esp_http_client_flush_response(esp_http_client_handle_t client, int *len)
{
    ESP_ENSURE(client, ESP_ERR_INVALID_ARG);
    int total = 0;
    char scratch[256];
    for (;;) {
        int n = esp_http_client_read(client, scratch, (int)sizeof(scratch));
        if (n < 0) {
            return ESP_FAIL;
        }
        if (n == 0) {
            break;
        }
        total += n;
    }
    if (len) {
        *len = total;
    }
    return ESP_OK;
}
