// SPDX-License-Identifier: Apache-2.0
/*
 * esp-tls server: one session on a non-blocking socket, driven by the poll loop of
 * server_io.c through the library's asynchronous server API (esp_tls_server_session_init(),
 * esp_tls_server_session_continue_async(), esp_tls_get_poll_target()). Deadlines: the
 * handshake (--timeout), the request head of --www (--request-timeout), and idleness
 * (--idle-timeout: no byte moved either way). Buffers are fixed: SERVER_REQUEST_MAX for a
 * request head, SERVER_OUT_MAX queued for the client.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server.h"

#define STEP_ROUNDS 16 /* read/write rounds per step, so that one client cannot starve others */

static bool is_want(ssize_t n)
{
    return n == ESP_TLS_ERR_SSL_WANT_READ || n == ESP_TLS_ERR_SSL_WANT_WRITE;
}

static void note_want(session_t *s, ssize_t n)
{
    s->want_in |= n == ESP_TLS_ERR_SSL_WANT_READ;
    s->want_out |= n == ESP_TLS_ERR_SSL_WANT_WRITE;
}

static void end(session_t *s, int result, const char *why)
{
    s->state = SESSION_ENDED;
    s->result = result;
    snprintf(s->why, sizeof(s->why), "%s", why);
}

/* A failure the library captured (handshake, read, write), printed with its explanation. */
static void fail_captured(session_t *s, const char *what, esp_err_t fallback)
{
    esp_tls_error_handle_t h = NULL;
    cli_error_t e;
    esp_tls_get_error_handle(s->tls, &h);
    cli_error_capture(h, &e);
    if (e.err == ESP_OK && e.code == 0) {
        e.err = fallback;
        esp_tls_explain_codes(fallback, 0, 0, &e.why);
    }
    fprintf(stderr, "%s: %s failed\n", what, s->peer);
    cli_error_print(stderr, &e);
    end(s, CLI_FAIL, what);
}

session_t *session_new(server_opts_t *o, int fd, const char *peer)
{
    session_t *s = calloc(1, sizeof(*s));
    esp_tls_t *tls = s != NULL ? esp_tls_init() : NULL;
    if (tls == NULL) {
        free(s);
        close(fd);
        return NULL;
    }
    s->tls = tls;
    s->fd = fd;
    snprintf(s->peer, sizeof(s->peer), "%s", peer);
    s->start_ms = s->last_ms = cli_now_ms();
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    if (esp_tls_server_session_init(&o->cfg, fd, tls) != ESP_OK) {
        fail_captured(s, "handshake", ESP_FAIL);
    }
    return s;
}

/*
 * The client certificate's subject, from the chain the library keeps (esp_tls_set_keep_peer_
 * chain()); without it, a required certificate is known to be verified, nothing more.
 */
static void client_subject(const server_opts_t *o, session_t *s)
{
    const unsigned char *der = NULL;
    size_t der_len = 0;
    esp_tls_cert_info_t info;
    snprintf(s->client, sizeof(s->client), "%s",
             o->cfg.cacert_buf == NULL ? "not requested"
             : o->optional_auth        ? "requested, none presented"
                                       : "verified (subject not available)");
    if (esp_tls_get_peer_chain_len(s->tls) > 0 &&
        esp_tls_get_peer_cert_der(s->tls, 0, &der, &der_len) == ESP_OK &&
        esp_tls_cert_describe(der, der_len, &info) == ESP_OK) {
        snprintf(s->client, sizeof(s->client), "%s: %.*s",
                 o->optional_auth ? "presented" : "verified", 200, info.subject);
    }
}

static void opened(const server_opts_t *o, session_t *s)
{
    s->state = SESSION_OPEN;
    s->open_ms = s->last_ms = cli_now_ms();
    esp_tls_get_conn_info(s->tls, &s->info);
    client_subject(o, s);
    fprintf(stderr, "accepted:  %s\n", s->peer);
    fprintf(stderr, "version:   %s\nsuite:     %s\nalpn:      %s\n", s->info.version,
            s->info.ciphersuite, s->info.alpn[0] ? s->info.alpn : "(none)");
    fprintf(stderr, "client:    %s\n", s->client);
}

static void step_handshake(server_opts_t *o, session_t *s)
{
    int rc = esp_tls_server_session_continue_async(s->tls);
    if (rc == 0) {
        opened(o, s);
    } else if (!is_want(rc)) {
        fail_captured(s, "handshake", ESP_FAIL);
    }
}

size_t session_room(const session_t *s)
{
    return sizeof(s->out) - s->out_len;
}

bool session_queue(session_t *s, const char *data, size_t len)
{
    if (s->window == 0 && s->out_off > 0) { /* no write to repeat: compact */
        memmove(s->out, s->out + s->out_off, s->out_len - s->out_off);
        s->out_len -= s->out_off;
        s->out_off = 0;
    }
    if (len > session_room(s)) {
        return false;
    }
    memcpy(s->out + s->out_len, data, len);
    s->out_len += len;
    return true;
}

/*
 * Write what is queued. A write that returned WANT_* is repeated with the same bytes (Mbed TLS
 * requires it), so the window of bytes handed over stays fixed until it is written.
 */
static bool flush(session_t *s)
{
    bool moved = false;
    while (s->out_off < s->out_len) {
        if (s->window == 0) {
            s->window = s->out_len;
        }
        ssize_t n = esp_tls_conn_write(s->tls, s->out + s->out_off, s->window - s->out_off);
        if (n <= 0) {
            note_want(s, n);
            if (!is_want(n)) {
                fail_captured(s, "write", ESP_ERR_MBEDTLS_SSL_WRITE_FAILED);
            }
            return moved;
        }
        s->out_off += (size_t)n;
        moved = true;
        s->window = s->out_off == s->window ? 0 : s->window;
    }
    s->out_off = s->out_len = 0;
    return moved;
}

/* One read into @p buf; > 0 bytes, or 0 when nothing more can come now (state updated). */
static size_t read_some(session_t *s, char *buf, size_t len)
{
    ssize_t n = esp_tls_conn_read(s->tls, buf, len);
    if (n > 0) {
        return (size_t)n;
    }
    note_want(s, n);
    if (n == 0) {
        end(s, CLI_OK, "by the client");
    } else if (!is_want(n)) {
        fail_captured(s, "read", ESP_ERR_MBEDTLS_SSL_READ_FAILED);
    }
    return 0;
}

static void www_response(session_t *s)
{
    char page[1024], resp[1536];
    int plen = snprintf(page, sizeof(page),
                        "<html><body><h1>esp-tls server</h1><pre>\n"
                        "Protocol:    %s\nCiphersuite: %s\nALPN:        %s\nClient cert: %s\n"
                        "</pre></body></html>\n",
                        s->info.version, s->info.ciphersuite,
                        s->info.alpn[0] ? s->info.alpn : "none", s->client);
    int rlen = snprintf(resp, sizeof(resp),
                        "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
                        "Connection: close\r\n\r\n%s",
                        plen, page);
    session_queue(s, resp, (size_t)rlen);
    s->responded = true;
}

/* --www: collect the request head; answer once it is complete. */
static bool pull_www(session_t *s)
{
    if (s->req_done) {
        return false;
    }
    if (s->req_len == SERVER_REQUEST_MAX) {
        fprintf(stderr, "request:   %s sent more than %d bytes without ending its head\n", s->peer,
                SERVER_REQUEST_MAX);
        end(s, CLI_FAIL, "request too large");
        return false;
    }
    size_t n = read_some(s, s->req + s->req_len, SERVER_REQUEST_MAX - s->req_len);
    s->req_len += n;
    s->req[s->req_len] = '\0';
    if (strstr(s->req, "\r\n\r\n") != NULL || strstr(s->req, "\n\n") != NULL) {
        s->req_done = true;
        www_response(s);
    }
    return n > 0;
}

/* --echo: read no more than the queue can take back. */
static bool pull_echo(session_t *s)
{
    char buf[4096];
    size_t room = session_room(s);
    if (room < sizeof(buf) && s->out_off > 0 && s->window == 0) {
        session_queue(s, "", 0); /* compacts */
        room = session_room(s);
    }
    size_t n = room > 0 ? read_some(s, buf, room < sizeof(buf) ? room : sizeof(buf)) : 0;
    return n > 0 && session_queue(s, buf, n);
}

/* relay: the client's data to stdout */
static bool pull_relay(session_t *s)
{
    char buf[4096];
    size_t n = read_some(s, buf, sizeof(buf));
    if (n > 0) {
        fwrite(buf, 1, n, stdout);
        fflush(stdout);
    }
    return n > 0;
}

static bool pull(const server_opts_t *o, session_t *s)
{
    switch (o->mode) {
    case SERVER_WWW: return pull_www(s);
    case SERVER_ECHO: return pull_echo(s);
    default: return pull_relay(s);
    }
}

static void step_open(server_opts_t *o, session_t *s)
{
    for (int round = 0; round < STEP_ROUNDS && s->state == SESSION_OPEN; round++) {
        s->want_in = s->want_out = false;
        bool moved = flush(s);
        moved = (s->state == SESSION_OPEN && pull(o, s)) || moved;
        moved = (s->state == SESSION_OPEN && flush(s)) || moved;
        if (s->state == SESSION_OPEN && o->mode == SERVER_WWW && s->responded && s->out_len == 0) {
            end(s, CLI_OK, "response sent");
        }
        if (!moved) {
            return;
        }
        s->last_ms = cli_now_ms();
    }
    s->again = s->state == SESSION_OPEN; /* the round limit stopped it: come back at once */
}

int64_t session_deadline(const server_opts_t *o, const session_t *s)
{
    if (s->state == SESSION_HANDSHAKE) {
        return s->start_ms + o->timeout_ms;
    }
    int64_t idle = s->last_ms + o->idle_ms;
    if (o->mode == SERVER_WWW && !s->req_done && s->open_ms + o->request_ms < idle) {
        return s->open_ms + o->request_ms;
    }
    return idle;
}

static void check_deadline(server_opts_t *o, session_t *s, int64_t now)
{
    if (s->state == SESSION_ENDED || now < session_deadline(o, s)) {
        return;
    }
    char why[96];
    if (s->state == SESSION_HANDSHAKE) {
        fprintf(stderr, "handshake: %s failed\n", s->peer);
        cli_error_t e = {.err = ESP_ERR_ESP_TLS_SERVER_HANDSHAKE_TIMEOUT};
        esp_tls_explain_codes(e.err, 0, 0, &e.why);
        cli_error_print(stderr, &e);
        snprintf(why, sizeof(why), "handshake not done within %d ms", o->timeout_ms);
        end(s, CLI_FAIL, why);
    } else if (o->mode == SERVER_WWW && !s->req_done && now >= s->open_ms + o->request_ms) {
        snprintf(why, sizeof(why), "request not complete within %d ms", o->request_ms);
        end(s, CLI_FAIL, why);
    } else {
        snprintf(why, sizeof(why), "idle for %d ms", o->idle_ms);
        end(s, o->mode == SERVER_WWW ? CLI_FAIL : CLI_OK, why);
    }
}

void session_step(server_opts_t *o, session_t *s, int64_t now)
{
    s->again = false;
    if (s->state == SESSION_HANDSHAKE) {
        step_handshake(o, s);
    }
    if (s->state == SESSION_OPEN) {
        step_open(o, s);
    }
    check_deadline(o, s, now);
}

short session_events(const session_t *s)
{
    if (s->state == SESSION_HANDSHAKE) {
        int fd = -1;
        short events = 0;
        esp_tls_get_poll_target(s->tls, &fd, &events);
        return events != 0 ? events : POLLIN;
    }
    return (short)((s->want_in ? POLLIN : 0) | (s->want_out ? POLLOUT : 0));
}

int session_free(session_t *s)
{
    fprintf(stderr, "closed:    %s (%s)\n", s->peer, s->why[0] ? s->why : "server ending");
    int rc = s->state == SESSION_ENDED ? s->result : CLI_OK;
    esp_tls_conn_destroy(s->tls); /* close_notify if open; closes the socket */
    free(s);
    return rc;
}
