// SPDX-License-Identifier: Apache-2.0
/*
 * The tcp and ssl transports: both wrap one esp_tls_cfg_t (is_plain_tcp for tcp) and one
 * esp_tls connection, as in ESP-IDF. Connect, read and write map esp_tls results onto the
 * esp_transport conventions; failures land in the transport's own error storage, so they
 * survive the esp_tls handle, which a failed connect destroys.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "../mem/mem.h"
#include "esp_log.h"
#include "esp_tls_ext.h"
#include "esp_transport_ssl.h"
#include "esp_transport_tcp.h"
#include "transport_internal.h"

static const char *TAG = "transport_base";

static transport_esp_tls_t *base_of(esp_transport_handle_t t)
{
    return t ? t->base : NULL;
}

/* Close the esp_tls connection, if any. @return esp_tls_conn_destroy()'s result, -1 if none */
static int drop_connection(transport_esp_tls_t *b)
{
    if (b->tls == NULL) {
        return -1;
    }
    int rc = esp_tls_conn_destroy(b->tls);
    b->tls = NULL;
    b->async = false;
    return rc;
}

/* Copy the errors of the current esp_tls handle into the transport's storage. */
static void keep_tls_errors(esp_transport_handle_t t)
{
    esp_tls_error_handle_t h = NULL;
    if (t->base->tls != NULL && esp_tls_get_error_handle(t->base->tls, &h) == ESP_OK) {
        esp_transport_set_errors(t, h);
    }
}

/* ---- connect ------------------------------------------------------------------------------- */

/* A fresh esp_tls handle in b->tls, replacing any open connection. */
static esp_err_t open_handle(esp_transport_handle_t t)
{
    drop_connection(t->base);
    t->base->tls = esp_tls_init();
    if (t->base->tls == NULL) {
        ESP_LOGE(TAG, "out of memory for a new connection");
        esp_transport_capture_error(t, ERR_TCP_TRANSPORT_NO_MEM);
        return ESP_ERR_NO_MEM;
    }
    return ESP_OK;
}

static bool host_ok(esp_transport_handle_t t, const char *host)
{
    if (host == NULL) {
        ESP_LOGE(TAG, "connect: host is NULL");
        t->base->err.parent.last_error = ESP_ERR_INVALID_ARG;
        return false;
    }
    return true;
}

static int base_connect(esp_transport_handle_t t, const char *host, int port, int timeout_ms)
{
    transport_esp_tls_t *b = base_of(t);
    if (b == NULL || !host_ok(t, host) || open_handle(t) != ESP_OK) {
        return -1;
    }
    b->cfg.timeout_ms = timeout_ms;
    if (esp_tls_conn_new_sync(host, (int)strlen(host), port, &b->cfg, b->tls) <= 0) {
        ESP_LOGE(TAG, "Failed to open a new connection to %s:%d", host, port);
        keep_tls_errors(t);
        drop_connection(b);
        return -1;
    }
    return 0;
}

static int base_connect_async(esp_transport_handle_t t, const char *host, int port, int timeout_ms)
{
    transport_esp_tls_t *b = base_of(t);
    if (b == NULL || !host_ok(t, host)) {
        return -1;
    }
    if (b->tls == NULL || !b->async) {
        if (open_handle(t) != ESP_OK) {
            return -1;
        }
        b->cfg.timeout_ms = timeout_ms;
        b->cfg.non_block = true;
        b->async = true;
    }
    int rc = esp_tls_conn_new_async(host, (int)strlen(host), port, &b->cfg, b->tls);
    if (rc < 0) {
        keep_tls_errors(t); /* the handle stays until esp_transport_close() */
    }
    return rc;
}

/* ---- poll ---------------------------------------------------------------------------------- */

/* The socket to wait on: the connected one, or the one a connect in progress waits on. */
static int wait_fd(const transport_esp_tls_t *b)
{
    int fd = -1;
    short events = 0;
    if (b->tls == NULL || esp_tls_get_poll_target(b->tls, &fd, &events) != ESP_OK) {
        return -1;
    }
    return fd;
}

/* Read SO_ERROR of @p fd into the errno slot (this also clears it in the socket). */
static void capture_so_error(esp_transport_handle_t t, int fd)
{
    int so_error = 0;
    socklen_t len = sizeof(so_error);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) {
        so_error = errno;
    }
    esp_transport_capture_errno(t, so_error);
    ESP_LOGE(TAG, "poll: socket error %d (%s), fd=%d", so_error, strerror(so_error), fd);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds until @p deadline (-1: none), for poll(). */
static int ms_left(int64_t deadline)
{
    if (deadline < 0) {
        return -1;
    }
    int64_t left = deadline - now_ms();
    return left <= 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int)left;
}

/* poll() one fd; a signal does not extend the wait. @p timeout_ms < 0: no limit. */
static int poll_retrying(struct pollfd *p, int timeout_ms)
{
    int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    int rc;
    while ((rc = poll(p, 1, timeout_ms)) < 0 && errno == EINTR) {
        timeout_ms = ms_left(deadline);
    }
    return rc;
}

/* Is the connection established? Until then its socket errors belong to esp_tls's connect. */
static bool established(const transport_esp_tls_t *b)
{
    esp_tls_conn_state_t state = ESP_TLS_INIT;
    return esp_tls_get_conn_state(b->tls, &state) == ESP_OK && state == ESP_TLS_DONE;
}

/* poll() @p fd for @p events, retrying EINTR. @return >0 ready, 0 timeout, -1 error */
static int poll_socket(esp_transport_handle_t t, short events, int timeout_ms)
{
    int fd = wait_fd(t->base);
    if (fd < 0) {
        ESP_LOGE(TAG, "poll: the transport is not connected");
        return -1;
    }
    struct pollfd p = {.fd = fd, .events = events};
    int rc = poll_retrying(&p, timeout_ms);
    if (rc < 0) {
        esp_transport_capture_errno(t, errno);
        return -1;
    }
    /* Data that arrived before an error is read first: the read then reports the error. While
     * connecting, the next esp_transport_connect_async() call collects the error itself. */
    bool error_only = !(p.revents & events) && (p.revents & (POLLERR | POLLHUP | POLLNVAL));
    if (rc > 0 && error_only && established(t->base)) {
        capture_so_error(t, fd);
        return -1;
    }
    return rc;
}

static int base_poll_read(esp_transport_handle_t t, int timeout_ms)
{
    transport_esp_tls_t *b = base_of(t);
    if (b == NULL) {
        return -1;
    }
    ssize_t buffered = b->tls ? esp_tls_get_bytes_avail(b->tls) : 0;
    if (buffered > 0) {
        return buffered > INT32_MAX ? INT32_MAX : (int)buffered; /* no need to wait */
    }
    return poll_socket(t, POLLIN, timeout_ms);
}

static int base_poll_write(esp_transport_handle_t t, int timeout_ms)
{
    if (base_of(t) == NULL) {
        return -1;
    }
    return poll_socket(t, POLLOUT, timeout_ms);
}

/* ---- read and write ------------------------------------------------------------------------ */

/* A negative esp_tls_conn_read() result on plain TCP is recv()'s -1 with errno. */
static int tcp_read_error(esp_transport_handle_t t, int e)
{
    esp_transport_capture_errno(t, e);
    ESP_LOGE(TAG, "tcp read error: %s", strerror(e));
    return (e == EAGAIN || e == EWOULDBLOCK) ? ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT
                                             : ERR_TCP_TRANSPORT_CONNECTION_FAILED;
}

/* A negative esp_tls_conn_read() result on TLS: Mbed TLS code, cause in the esp_tls tracker. */
static int ssl_read_error(esp_transport_handle_t t, int ret)
{
    keep_tls_errors(t);
    if (ret == ESP_TLS_ERR_SSL_WANT_READ || ret == ESP_TLS_ERR_SSL_TIMEOUT) {
        ESP_LOGD(TAG, "ssl read: no complete record within the timeout");
        return ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT;
    }
    ESP_LOGE(TAG, "ssl read error -0x%04x", (unsigned)-ret);
    return ret;
}

static bool io_args_ok(const char *buffer, int len)
{
    if (len < 0 || (buffer == NULL && len > 0)) {
        ESP_LOGE(TAG, "invalid buffer %p or length %d", (const void *)buffer, len);
        return false;
    }
    return true;
}

/* Readable, yet no application data: TLS records without any (TLS 1.3 session tickets) on a
 * non-blocking socket, or a spurious wakeup. More may come before the read's timeout. */
static bool nothing_yet(const transport_esp_tls_t *b, ssize_t ret, int e)
{
    if (b->cfg.is_plain_tcp) {
        return ret < 0 && (e == EAGAIN || e == EWOULDBLOCK);
    }
    return ret == ESP_TLS_ERR_SSL_WANT_READ;
}

/* esp_tls_conn_read() reports an end of file without close_notify as Mbed TLS's CONN_EOF
 * (docs/COMPAT.md); esp_transport keeps ESP-IDF's contract: any end of file is CLOSED_BY_FIN. */
#define TLS_CONN_EOF (-0x7280)

/* Map esp_tls_conn_read()'s result (@p e: errno after it) to esp_transport_read()'s. */
static int read_result(esp_transport_handle_t t, ssize_t ret, int e)
{
    bool tls = !t->base->cfg.is_plain_tcp;
    if (ret < 0 && !(tls && ret == TLS_CONN_EOF)) {
        return tls ? ssl_read_error(t, (int)ret) : tcp_read_error(t, e);
    }
    if (ret <= 0) {
        /* readable, yet nothing to read: the peer closed the connection */
        esp_transport_capture_error(t, ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN);
        return ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN;
    }
    return ret > INT32_MAX ? INT32_MAX : (int)ret;
}

static int base_read(esp_transport_handle_t t, char *buffer, int len, int timeout_ms)
{
    transport_esp_tls_t *b = base_of(t);
    if (b == NULL || !io_args_ok(buffer, len)) {
        return -1;
    }
    if (len == 0) {
        return 0; /* a zero-length recv() would look like the peer's FIN */
    }
    int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    for (;;) {
        int ready = base_poll_read(t, ms_left(deadline));
        if (ready < 0) {
            return ERR_TCP_TRANSPORT_CONNECTION_FAILED;
        }
        if (ready == 0) {
            return ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT;
        }
        errno = 0;
        ssize_t ret = esp_tls_conn_read(b->tls, buffer, (size_t)len);
        int e = errno;
        if (!nothing_yet(b, ret, e) || ms_left(deadline) == 0) {
            return read_result(t, ret, e);
        }
    }
}

static int base_write(esp_transport_handle_t t, const char *buffer, int len, int timeout_ms)
{
    transport_esp_tls_t *b = base_of(t);
    if (b == NULL || buffer == NULL || !io_args_ok(buffer, len)) {
        return -1;
    }
    int ready = base_poll_write(t, timeout_ms);
    if (ready <= 0) {
        ESP_LOGW(TAG, "write: poll %s, fd=%d, timeout_ms=%d", ready == 0 ? "timeout" : "error",
                 wait_fd(b), timeout_ms);
        return ready;
    }
    errno = 0;
    ssize_t ret = esp_tls_conn_write(b->tls, buffer, (size_t)len);
    if (ret < 0) {
        ESP_LOGE(TAG, "write error %zd: %s", ret, strerror(errno));
        if (b->cfg.is_plain_tcp) {
            esp_transport_capture_errno(t, errno);
        } else {
            keep_tls_errors(t);
        }
    }
    return (int)ret;
}

/* ---- close, destroy, socket ---------------------------------------------------------------- */

static int base_close(esp_transport_handle_t t)
{
    transport_esp_tls_t *b = base_of(t);
    return b ? drop_connection(b) : -1;
}

static int base_destroy(esp_transport_handle_t t)
{
    transport_esp_tls_t *b = base_of(t);
    if (b != NULL) {
        drop_connection(b);
        esp_tls_free_client_session(b->session);
        esp_tls_mem_free(b);
        t->base = NULL;
        t->err = NULL;
    }
    return 0;
}

static int base_get_socket(esp_transport_handle_t t)
{
    transport_esp_tls_t *b = base_of(t);
    int fd = -1;
    if (b != NULL && b->tls != NULL) {
        esp_tls_get_conn_sockfd(b->tls, &fd);
    }
    return fd;
}

/* ---- constructors -------------------------------------------------------------------------- */

static esp_transport_handle_t base_init(bool plain_tcp)
{
    esp_transport_handle_t t = esp_transport_init();
    if (t == NULL) {
        return NULL;
    }
    t->base = esp_tls_mem_calloc(1, sizeof(*t->base));
    if (t->base == NULL) {
        ESP_LOGE(TAG, "out of memory for a transport");
        esp_transport_destroy(t);
        return NULL;
    }
    t->base->cfg.is_plain_tcp = plain_tcp;
    t->err = &t->base->err;
    esp_transport_set_func(t, base_connect, base_read, base_write, base_close, base_poll_read,
                           base_poll_write, base_destroy);
    esp_transport_set_async_connect_func(t, base_connect_async);
    t->_get_socket = base_get_socket;
    return t;
}

esp_transport_handle_t esp_transport_ssl_init(void)
{
    return base_init(false);
}

esp_transport_handle_t esp_transport_tcp_init(void)
{
    return base_init(true);
}
