// SPDX-License-Identifier: Apache-2.0
/*
 * Public entry points and the client connection state machine (ESP-IDF's
 * esp_tls_low_level_conn()):
 * INIT -> CONNECTING -> HANDSHAKE -> DONE, or FAIL. One loop drives it; each state is one
 * function; the connection records what it waits for so that callers poll the right event.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../conn/conn.h"
#include "../diag/diag.h"
#include "../mem/mem.h"
#include "../port/guard.h"
#include "../port/port.h"
#include "backend_registry.h"
#include "bio.h"
#include "esp_log.h"
#include "esp_tls_ext.h"
#include "features.h"
#include "resolve.h"
#include "tcp.h"
#include "url.h"

static const char *TAG = "esp-tls";

esp_tls_t *esp_tls_init(void)
{
    const esp_tls_backend_ops_t *ops = esp_tls_backend();
    if (ops == NULL) {
        return NULL; /* logged by the registry */
    }
    esp_tls_t *tls = esp_tls_mem_calloc(1, sizeof(*tls));
    if (tls == NULL) {
        return NULL;
    }
    tls->sockfd = -1;
    tls->tcp.fd = -1;
    tls->conn_state = ESP_TLS_INIT;
    tls->role = ESP_TLS_CLIENT;
    tls->ops = ops;
    return tls;
}

/* Record @p code as the ESP slot, move to FAIL and return -1. */
static int fail(esp_tls_t *tls, esp_err_t code)
{
    esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_ESP, code);
    tls->conn_state = ESP_TLS_FAIL;
    tls->wait = ESP_TLS_WAIT_NONE;
    tls->deadline_ms = 0;
    return -1;
}

static int step_init(esp_tls_t *tls, const char *host, int hostlen, int port,
                     const esp_tls_cfg_t *cfg, bool blocking)
{
    esp_err_t rc = esp_tls_tcp_check_target(host, hostlen, port);
    if (rc == ESP_OK) {
        rc = esp_tls_resolve_start(host, (size_t)hostlen, port, cfg->addr_family, blocking,
                                   &tls->tcp, &tls->dns);
    }
    if (rc != ESP_OK) {
        /* As in ESP-IDF the state stays INIT: nothing was opened. */
        esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_ESP, rc);
        return -1;
    }
    tls->is_tls = !cfg->is_plain_tcp;
    tls->non_block = cfg->non_block;
    tls->conn_state = ESP_TLS_CONNECTING;
    return 0;
}

static int step_connecting(esp_tls_t *tls, const char *host, int hostlen, const esp_tls_cfg_t *cfg)
{
    esp_err_t rc;
    if (tls->dns != NULL) {
        rc = esp_tls_resolve_step(&tls->dns, &tls->tcp);
        if (rc == ESP_ERR_NOT_FINISHED) {
            tls->wait = ESP_TLS_WAIT_READ;
            return 0;
        }
        if (rc != ESP_OK) {
            return fail(tls, rc);
        }
    }
    bool connected = false;
    rc = esp_tls_tcp_step(&tls->tcp, cfg, tls->is_tls, esp_tls_err(tls), &connected);
    if (rc != ESP_OK) {
        return fail(tls, rc);
    }
    if (!connected) {
        tls->wait = ESP_TLS_WAIT_WRITE;
        return 0;
    }
    tls->sockfd = esp_tls_tcp_take(&tls->tcp, cfg);
    if (!tls->is_tls) {
        tls->conn_state = ESP_TLS_DONE;
        return 1;
    }
    rc = esp_tls_client_features_check(cfg);
    if (rc == ESP_OK) {
        rc = tls->ops->client_create(tls, host, (size_t)hostlen, cfg);
    }
    if (rc != ESP_OK) {
        return fail(tls, rc);
    }
    tls->conn_state = ESP_TLS_HANDSHAKE;
    return 0;
}

/* Start over on a new TCP connection, once, when the backend asked for it. */
static int restart(esp_tls_t *tls)
{
    tls->ops->destroy(tls);
    close(tls->sockfd);
    tls->sockfd = -1;
    tls->retried = true;
    tls->peer_eof = false;
    tls->close_kind = ESP_TLS_CLOSE_NONE;
    tls->bio = (esp_tls_bio_state_t){0};
    memset(esp_tls_err(tls), 0, sizeof(esp_tls_last_error_t));
    tls->conn_state = ESP_TLS_INIT;
    tls->wait = ESP_TLS_WAIT_NONE;
    return 0;
}

static int step_handshake(esp_tls_t *tls)
{
    bool retry = false;
    int rc = tls->ops->handshake(tls, &retry);
    if (rc == 0) {
        tls->conn_state = ESP_TLS_DONE;
        tls->wait = ESP_TLS_WAIT_NONE;
        return 1;
    }
    if (rc == ESP_TLS_ERR_SSL_WANT_READ || rc == ESP_TLS_ERR_SSL_WANT_WRITE) {
        tls->wait = rc == ESP_TLS_ERR_SSL_WANT_READ ? ESP_TLS_WAIT_READ : ESP_TLS_WAIT_WRITE;
        return 0;
    }
    if (retry && !tls->retried) {
        return restart(tls);
    }
    tls->conn_state = ESP_TLS_FAIL;
    tls->wait = ESP_TLS_WAIT_NONE;
    return -1; /* the backend captured the cause */
}

/* Run states until one has to wait, finishes or fails. @p blocking: called by the sync API. */
static int conn_step(esp_tls_t *tls, const char *host, int hostlen, int port,
                     const esp_tls_cfg_t *cfg, bool blocking)
{
    int rc = 0;
    esp_tls_conn_state_t before;
    esp_tls_bio_begin_call(tls);
    do {
        before = tls->conn_state;
        switch (tls->conn_state) {
        case ESP_TLS_INIT: rc = step_init(tls, host, hostlen, port, cfg, blocking); break;
        case ESP_TLS_CONNECTING: rc = step_connecting(tls, host, hostlen, cfg); break;
        case ESP_TLS_HANDSHAKE: rc = step_handshake(tls); break;
        case ESP_TLS_FAIL: ESP_LOGE(TAG, "failed to open a new connection"); return -1;
        default: ESP_LOGE(TAG, "invalid esp-tls state %d", tls->conn_state); return -1;
        }
    } while (rc == 0 && tls->conn_state != before);
    return rc;
}

static bool args_ok(const char *hostname, int hostlen, const esp_tls_cfg_t *cfg, esp_tls_t *tls)
{
    if (!cfg || !tls || !hostname || hostlen < 0) {
        ESP_LOGE(TAG, "invalid arguments: cfg=%p tls=%p hostname=%p hostlen=%d", (void *)cfg,
                 (void *)tls, (void *)hostname, hostlen);
        if (tls) {
            esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_ESP, ESP_ERR_INVALID_ARG);
        }
        return false;
    }
    return true;
}

/* The socket and event to wait on, and how long at most before calling again (-1: no limit
 * other than the deadline). */
static void wait_target(const esp_tls_t *tls, int *fd, short *events, int *timeout_ms)
{
    *timeout_ms = -1;
    if (tls->dns != NULL) {
        esp_tls_resolve_wait(tls->dns, fd, events, timeout_ms);
        return;
    }
    *fd = tls->conn_state == ESP_TLS_CONNECTING ? tls->tcp.fd : tls->sockfd;
    *events = tls->wait == ESP_TLS_WAIT_READ    ? POLLIN
              : tls->wait == ESP_TLS_WAIT_WRITE ? POLLOUT
                                                : 0;
}

int esp_tls_conn_new_sync(const char *hostname, int hostlen, int port, const esp_tls_cfg_t *cfg,
                          esp_tls_t *tls)
{
    if (!args_ok(hostname, hostlen, cfg, tls)) {
        return -1;
    }
    int64_t deadline = esp_tls_time_ms() + esp_tls_effective_timeout(cfg);
    tls->deadline_ms = deadline;
    for (;;) {
        int rc = conn_step(tls, hostname, hostlen, port, cfg, true);
        if (rc != 0) {
            tls->deadline_ms = 0;
            return rc;
        }
        int left = esp_tls_ms_left(deadline);
        if (left == 0) {
            /* -1 as ESP-IDF v5.5 does (0 is the async "in progress" value only); the state
             * stays where the deadline found it, as there */
            esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_ESP,
                            ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT);
            ESP_LOGE(TAG, "Failed to open new connection in specified timeout (%d ms)",
                     esp_tls_effective_timeout(cfg));
            tls->deadline_ms = 0;
            return -1;
        }
        /* Sleep in poll() on what the connection waits for: never a busy loop. */
        int fd, wait_ms;
        short events;
        wait_target(tls, &fd, &events, &wait_ms);
        struct pollfd p = {.fd = fd, .events = events};
        poll(&p, fd >= 0 ? 1 : 0, (wait_ms < 0 || wait_ms > left) ? left : wait_ms);
    }
}

int esp_tls_conn_new_async(const char *hostname, int hostlen, int port, const esp_tls_cfg_t *cfg,
                           esp_tls_t *tls)
{
    if (!args_ok(hostname, hostlen, cfg, tls)) {
        return -1;
    }
    if (tls->conn_state == ESP_TLS_INIT && tls->deadline_ms == 0) { /* not after a retry */
        tls->deadline_ms = esp_tls_time_ms() + esp_tls_effective_timeout(cfg);
    } else if ((tls->conn_state == ESP_TLS_CONNECTING || tls->conn_state == ESP_TLS_HANDSHAKE) &&
               esp_tls_ms_left(tls->deadline_ms) == 0) {
        ESP_LOGE(TAG, "connection not established within %d ms", esp_tls_effective_timeout(cfg));
        return fail(tls, ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT);
    }
    int rc = conn_step(tls, hostname, hostlen, port, cfg, false);
    if (rc != 0) {
        tls->deadline_ms = 0;
    }
    return rc;
}

/* Parse @p url into host and port, capturing ESP_ERR_INVALID_ARG on failure. */
static bool url_target(const char *url, const esp_tls_cfg_t *cfg, esp_tls_t *tls, esp_tls_url_t *u)
{
    if (!url || !cfg || !tls) {
        ESP_LOGE(TAG, "invalid arguments: url=%p cfg=%p tls=%p", (void *)url, (void *)cfg,
                 (void *)tls);
        if (tls) { /* as esp_tls_conn_new_sync() does */
            esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_ESP, ESP_ERR_INVALID_ARG);
        }
        return false;
    }
    if (esp_tls_url_parse(url, u) != ESP_OK) {
        esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_ESP, ESP_ERR_INVALID_ARG);
        return false;
    }
    return true;
}

int esp_tls_conn_http_new_sync(const char *url, const esp_tls_cfg_t *cfg, esp_tls_t *tls)
{
    esp_tls_url_t u;
    if (!url_target(url, cfg, tls, &u)) {
        return -1;
    }
    return esp_tls_conn_new_sync(u.host, (int)u.host_len, u.port, cfg, tls);
}

int esp_tls_conn_http_new_async(const char *url, const esp_tls_cfg_t *cfg, esp_tls_t *tls)
{
    esp_tls_url_t u;
    if (!url_target(url, cfg, tls, &u)) {
        return -1;
    }
    return esp_tls_conn_new_async(u.host, (int)u.host_len, u.port, cfg, tls);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
esp_tls_t *esp_tls_conn_http_new(const char *url, const esp_tls_cfg_t *cfg)
{
    if (!url || !cfg) {
        return NULL;
    }
    esp_tls_t *tls = esp_tls_init();
    if (tls && esp_tls_conn_http_new_sync(url, cfg, tls) != 1) {
        esp_tls_conn_destroy(tls);
        tls = NULL;
    }
    return tls;
}
#pragma GCC diagnostic pop

static bool connected(const esp_tls_t *tls)
{
    if (tls->conn_state != ESP_TLS_DONE) {
        ESP_LOGE(TAG, "read/write on a handle that is not connected (state %d)", tls->conn_state);
        return false;
    }
    if (tls->is_tls && tls->priv == NULL) { /* DONE set by hand on a handle without a session */
        ESP_LOGE(TAG, "read/write on a handle without a TLS session");
        return false;
    }
    return true;
}

/* What a read or write that returned @p ret waits for; @p ret passes through. */
static ssize_t note_want(esp_tls_t *tls, ssize_t ret)
{
    if (ret == ESP_TLS_ERR_SSL_WANT_READ || ret == ESP_TLS_ERR_SSL_WANT_WRITE) {
        tls->wait = ret == ESP_TLS_ERR_SSL_WANT_READ ? ESP_TLS_WAIT_READ : ESP_TLS_WAIT_WRITE;
    }
    return ret;
}

ssize_t esp_tls_conn_write(esp_tls_t *tls, const void *data, size_t datalen)
{
    if (!tls || !data || !connected(tls)) {
        return -1;
    }
    if (!tls->is_tls) {
        return send(tls->sockfd, data, datalen, MSG_NOSIGNAL);
    }
    esp_tls_bio_begin_call(tls);
    return note_want(tls, tls->ops->write(tls, data, datalen));
}

ssize_t esp_tls_conn_read(esp_tls_t *tls, void *data, size_t datalen)
{
    if (!tls || (!data && datalen) || !connected(tls)) {
        return -1;
    }
    if (!tls->is_tls) {
        ssize_t n = recv(tls->sockfd, data, datalen, 0);
        if (n == 0 && datalen > 0) {
            tls->close_kind = ESP_TLS_CLOSE_EOF;
        }
        return n;
    }
    esp_tls_bio_begin_call(tls);
    return note_want(tls, tls->ops->read(tls, data, datalen));
}

esp_tls_close_kind_t esp_tls_get_close_kind(esp_tls_t *tls)
{
    return tls ? tls->close_kind : ESP_TLS_CLOSE_NONE;
}

int esp_tls_conn_destroy(esp_tls_t *tls)
{
    if (!tls) {
        return -1;
    }
    int rc = 0;
    if (tls->priv) {
        tls->ops->destroy(tls);
    }
    if (tls->sockfd >= 0) {
        rc = close(tls->sockfd);
    }
    esp_tls_tcp_release(&tls->tcp);
    esp_tls_resolve_free(&tls->dns);
    esp_tls_diag_free(tls);
    esp_tls_mem_free(tls);
    return rc;
}

ssize_t esp_tls_get_bytes_avail(esp_tls_t *tls)
{
    if (!tls) {
        return -1;
    }
    if (!tls->is_tls || !tls->priv) {
        return 0;
    }
    return tls->ops->bytes_avail(tls);
}

esp_err_t esp_tls_get_conn_sockfd(esp_tls_t *tls, int *sockfd)
{
    ESP_ENSURE(tls && sockfd, ESP_ERR_INVALID_ARG);
    *sockfd = tls->sockfd;
    return ESP_OK;
}

esp_err_t esp_tls_set_conn_sockfd(esp_tls_t *tls, int sockfd)
{
    ESP_ENSURE(tls && sockfd >= 0, ESP_ERR_INVALID_ARG);
    tls->sockfd = sockfd;
    return ESP_OK;
}

esp_err_t esp_tls_get_conn_state(esp_tls_t *tls, esp_tls_conn_state_t *conn_state)
{
    ESP_ENSURE(tls && conn_state, ESP_ERR_INVALID_ARG);
    *conn_state = tls->conn_state;
    return ESP_OK;
}

esp_err_t esp_tls_set_conn_state(esp_tls_t *tls, esp_tls_conn_state_t conn_state)
{
    ESP_ENSURE(tls && conn_state >= ESP_TLS_INIT && conn_state <= ESP_TLS_DONE,
               ESP_ERR_INVALID_ARG);
    tls->conn_state = conn_state;
    return ESP_OK;
}

void *esp_tls_get_ssl_context(esp_tls_t *tls)
{
    if (!tls || !tls->priv) {
        return NULL;
    }
    return tls->ops->ssl_context(tls);
}

esp_err_t esp_tls_get_error_handle(esp_tls_t *tls, esp_tls_error_handle_t *error_handle)
{
    ESP_ENSURE(tls && error_handle, ESP_ERR_INVALID_ARG);
    *error_handle = esp_tls_err(tls);
    return ESP_OK;
}

esp_err_t esp_tls_get_poll_target(esp_tls_t *tls, int *fd, short *events)
{
    ESP_ENSURE(tls && fd && events, ESP_ERR_INVALID_ARG);
    int unused;
    wait_target(tls, fd, events, &unused);
    return ESP_OK;
}

int esp_tls_get_poll_timeout(esp_tls_t *tls)
{
    if (tls == NULL) {
        return -1;
    }
    int fd, wait_ms;
    short events;
    wait_target(tls, &fd, &events, &wait_ms);
    if (tls->deadline_ms != 0) {
        int left = esp_tls_ms_left(tls->deadline_ms);
        wait_ms = (wait_ms < 0 || wait_ms > left) ? left : wait_ms;
    }
    return wait_ms;
}
