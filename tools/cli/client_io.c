// SPDX-License-Identifier: Apache-2.0
/* esp-tls client: connecting, data (request, relay), resumption and the report. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

#define IO_TIMEOUT_DEFAULT_MS 10000
#define SETTLE_MS 500 /* --json without --request: how long to wait for a TLS 1.3 refusal */
#define JSON_RESPONSE_MAX (256 * 1024)
/* Ends of a stream that are not failures: close_notify, and a reset after the response
 * (HTTP/1.0 servers often close without close_notify). */
#define PEER_CLOSE_NOTIFY (-0x7880) /* MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY */
#define NET_CONN_RESET (-0x0050)    /* MBEDTLS_ERR_NET_CONN_RESET */

static int io_timeout(const client_opts_t *o)
{
    return o->cfg.timeout_ms > 0 ? o->cfg.timeout_ms : IO_TIMEOUT_DEFAULT_MS;
}

/* esp_tls_conn_new_async() in a poll() loop on what the connection waits for. */
static int connect_async(client_opts_t *o, esp_tls_t *tls)
{
    for (;;) {
        int rc = o->url
                     ? esp_tls_conn_http_new_async(o->url, &o->cfg, tls)
                     : esp_tls_conn_new_async(o->host, (int)strlen(o->host), o->port, &o->cfg, tls);
        if (rc != 0) {
            return rc;
        }
        struct pollfd p = {.fd = -1};
        esp_tls_get_poll_target(tls, &p.fd, &p.events);
        poll(&p, p.fd >= 0 ? 1 : 0, esp_tls_get_poll_timeout(tls));
    }
}

static int connect_once(client_opts_t *o, esp_tls_t *tls)
{
    if (o->nonblock) {
        return connect_async(o, tls);
    }
    if (o->url != NULL) {
        return esp_tls_conn_http_new_sync(o->url, &o->cfg, tls);
    }
    return esp_tls_conn_new_sync(o->host, (int)strlen(o->host), o->port, &o->cfg, tls);
}

/* The peer's chain as the library kept it (after success or a failed verification). */
static void keep_chain(esp_tls_t *tls, client_result_t *r)
{
    int n = esp_tls_get_peer_chain_len(tls);
    for (int i = 0; i < n; i++) {
        const unsigned char *der = NULL;
        size_t len = 0;
        if (esp_tls_get_peer_cert_der(tls, i, &der, &len) == ESP_OK) {
            cli_certs_parse(&r->chain, der, len);
        }
    }
}

esp_tls_t *client_connect(client_opts_t *o, client_result_t *r)
{
    esp_tls_set_keep_peer_chain(true);
    esp_tls_reset_mem_peak();
    int64_t t0 = cli_now_ms();
    esp_tls_t *tls = esp_tls_init();
    r->rc = tls != NULL ? connect_once(o, tls) : -1;
    r->handshake_ms = cli_now_ms() - t0;
    esp_tls_get_mem_stats(&r->mem);
    if (tls != NULL) {
        keep_chain(tls, r);
    }
    if (r->rc == 1) {
        esp_tls_get_conn_info(tls, &r->info);
        return tls;
    }
    esp_tls_error_handle_t h = NULL;
    if (tls != NULL && esp_tls_get_error_handle(tls, &h) == ESP_OK) {
        cli_error_capture(h, &r->error);
        r->failed = true;
    }
    return tls;
}

/* Wait until the connection may make progress; false on timeout. */
static bool wait_tls(esp_tls_t *tls, int timeout_ms)
{
    struct pollfd p = {.fd = -1};
    esp_tls_get_poll_target(tls, &p.fd, &p.events);
    if (p.fd < 0) {
        esp_tls_get_conn_sockfd(tls, &p.fd);
        p.events = POLLIN;
    }
    return poll(&p, 1, timeout_ms) > 0;
}

static ssize_t tls_read(esp_tls_t *tls, char *buf, size_t len, int timeout_ms)
{
    for (;;) {
        int64_t t0 = cli_now_ms();
        ssize_t n = esp_tls_conn_read(tls, buf, len);
        if (n != ESP_TLS_ERR_SSL_WANT_READ && n != ESP_TLS_ERR_SSL_WANT_WRITE) {
            return n;
        }
        /* On a blocking socket the read itself waited for SO_RCVTIMEO (timeout_ms): idle.
         * A quick WANT_READ (a non-blocking socket, or a record with no data for us, such as
         * a TLS 1.3 ticket) means: wait for the socket. */
        if (cli_now_ms() - t0 >= timeout_ms - 20 || !wait_tls(tls, timeout_ms)) {
            return ESP_TLS_ERR_SSL_TIMEOUT;
        }
    }
}

/* Write everything; 0, or the result that stopped it (ESP_TLS_ERR_SSL_TIMEOUT when idle). */
static ssize_t tls_write_all(esp_tls_t *tls, const char *data, size_t len, int timeout_ms)
{
    while (len > 0) {
        ssize_t n = esp_tls_conn_write(tls, data, len);
        if (n == ESP_TLS_ERR_SSL_WANT_READ || n == ESP_TLS_ERR_SSL_WANT_WRITE) {
            if (!wait_tls(tls, timeout_ms)) {
                return ESP_TLS_ERR_SSL_TIMEOUT;
            }
            continue;
        }
        if (n <= 0) {
            return n < 0 ? n : -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The peer closed: say whether with close_notify or with a bare TCP FIN (a possible
 * truncation, which esp_tls_conn_read() reports as 0 too, as ESP-IDF does). */
static void note_close(const client_opts_t *o, esp_tls_t *tls, client_result_t *r)
{
    r->closed = esp_tls_get_close_kind(tls);
    if (!o->json && r->closed == ESP_TLS_CLOSE_NOTIFY) {
        fprintf(stderr, "closed:      by the peer, with close_notify\n");
    } else if (!o->json && r->closed == ESP_TLS_CLOSE_EOF) {
        fprintf(stderr, "closed:      by the peer without close_notify (TCP FIN only): the "
                        "response may be truncated\n");
    }
}

/* The peer ended or broke the stream: record a failure unless it simply closed. */
static int stream_end(const client_opts_t *o, esp_tls_t *tls, ssize_t n, client_result_t *r)
{
    if (n == 0) {
        note_close(o, tls, r);
        return CLI_OK;
    }
    esp_tls_error_handle_t h = NULL;
    esp_tls_get_error_handle(tls, &h);
    cli_error_capture(h, &r->error);
    r->failed = r->io_failed = true;
    if (r->error.code == 0) {
        r->error.code = (int)-n;
    }
    if (r->error.err == ESP_OK) { /* not captured by the library (our own read timeout) */
        esp_tls_explain_codes(ESP_OK, r->error.code, 0, &r->error.why);
    }
    return n == ESP_TLS_ERR_SSL_TIMEOUT ? CLI_NET : CLI_FAIL;
}

static void deliver(const client_opts_t *o, client_result_t *r, const char *buf, size_t n)
{
    if (!o->json) {
        fwrite(buf, 1, n, stdout);
        fflush(stdout);
    } else if (r->response.len < JSON_RESPONSE_MAX) {
        cli_buf_append(&r->response, buf, n);
    }
}

int client_request(client_opts_t *o, esp_tls_t *tls, client_result_t *r)
{
    ssize_t n = tls_write_all(tls, o->request, o->request_len, io_timeout(o));
    if (n != 0) {
        return stream_end(o, tls, n, r);
    }
    char buf[4096];
    size_t received = 0;
    for (;;) {
        n = tls_read(tls, buf, sizeof(buf), io_timeout(o));
        if (n == ESP_TLS_ERR_SSL_TIMEOUT && received > 0) {
            /* a response came and the peer keeps the connection open (keep-alive): done */
            fprintf(stderr, "idle:        no more data for %d ms, closing\n", io_timeout(o));
            return CLI_OK;
        }
        if (n <= 0) {
            /* a peer that closes without close_notify is common for HTTP/1.0 */
            return n == PEER_CLOSE_NOTIFY || n == NET_CONN_RESET ? CLI_OK
                                                                 : stream_end(o, tls, n, r);
        }
        received += (size_t)n;
        deliver(o, r, buf, (size_t)n);
    }
}

/* stdin -> connection; false at EOF or on a failed write (*rc set for the latter). */
static bool relay_stdin(client_opts_t *o, esp_tls_t *tls, client_result_t *r, int *rc)
{
    char buf[4096];
    ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) {
        return true;
    }
    if (n <= 0) {
        return false;
    }
    ssize_t w = tls_write_all(tls, buf, (size_t)n, io_timeout(o));
    if (w != 0) {
        *rc = stream_end(o, tls, w, r);
        return false;
    }
    return true;
}

/* connection -> stdout; false when the peer closed or failed (*rc set). */
static bool relay_tls(client_opts_t *o, esp_tls_t *tls, client_result_t *r, int *rc)
{
    char buf[4096];
    ssize_t n = esp_tls_conn_read(tls, buf, sizeof(buf));
    if (n == ESP_TLS_ERR_SSL_WANT_READ || n == ESP_TLS_ERR_SSL_WANT_WRITE) {
        return true;
    }
    if (n <= 0) {
        *rc = (n == PEER_CLOSE_NOTIFY || n == NET_CONN_RESET) ? CLI_OK : stream_end(o, tls, n, r);
        return false;
    }
    deliver(o, r, buf, (size_t)n);
    return true;
}

int client_relay(client_opts_t *o, esp_tls_t *tls, client_result_t *r)
{
    int fd = -1, rc = CLI_OK;
    esp_tls_get_conn_sockfd(tls, &fd);
    bool in_open = true;
    for (;;) {
        struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
                              {.fd = in_open ? STDIN_FILENO : -1, .events = POLLIN}};
        /* while stdin is open, wait for either side; after its end, only until the peer idles */
        int wait_ms = in_open ? -1 : io_timeout(o);
        int ready = esp_tls_get_bytes_avail(tls) > 0 ? 1 : poll(p, 2, wait_ms);
        if (ready == 0) {
            return CLI_OK;
        }
        if (ready < 0 && errno != EINTR) {
            return CLI_FAIL;
        }
        if ((esp_tls_get_bytes_avail(tls) > 0 || p[0].revents) && !relay_tls(o, tls, r, &rc)) {
            return rc;
        }
        if (p[1].revents && !relay_stdin(o, tls, r, &rc)) {
            if (rc != CLI_OK) {
                return rc;
            }
            in_open = false; /* stdin ended: keep reading until the peer closes or idles */
        }
    }
}

/* Read what arrives within @p ms without blocking: tickets, an alert, the server's first data. */
static int settle_read(client_opts_t *o, esp_tls_t *tls, client_result_t *r, int fd, int ms)
{
    char buf[4096];
    int64_t end = cli_now_ms() + ms;
    for (int64_t left = ms; left > 0; left = end - cli_now_ms()) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (esp_tls_get_bytes_avail(tls) <= 0 && poll(&p, 1, (int)left) <= 0) {
            return CLI_OK; /* quiet: the server kept the connection */
        }
        ssize_t n = esp_tls_conn_read(tls, buf, sizeof(buf));
        if (n > 0) {
            return CLI_OK; /* the server talks first: it accepted us */
        }
        if (n != ESP_TLS_ERR_SSL_WANT_READ && n != ESP_TLS_ERR_SSL_WANT_WRITE) {
            return n == PEER_CLOSE_NOTIFY ? CLI_OK : stream_end(o, tls, n, r);
        }
    }
    return CLI_OK;
}

/*
 * A TLS 1.3 client's handshake ends before the server has checked the client's certificate:
 * a refusal (certificate_required, bad_certificate, ...) arrives as an alert on the first read.
 * --json without --request reads nothing else, so it reads for a moment to see it.
 */
int client_settle(client_opts_t *o, esp_tls_t *tls, client_result_t *r)
{
    int fd = -1;
    esp_tls_get_conn_sockfd(tls, &fd);
    int flags = fd >= 0 ? fcntl(fd, F_GETFL, 0) : -1;
    if (flags < 0 || strcmp(r->info.version, "TLSv1.3") != 0) {
        return CLI_OK;
    }
    fcntl(fd, F_SETFL, flags | O_NONBLOCK); /* a ticket must not make the read wait */
    int ms = io_timeout(o) < SETTLE_MS ? io_timeout(o) : SETTLE_MS;
    int rc = settle_read(o, tls, r, fd, ms);
    fcntl(fd, F_SETFL, flags);
    return rc;
}
