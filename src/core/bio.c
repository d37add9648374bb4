// SPDX-License-Identifier: Apache-2.0
/*
 * BIO callbacks. While esp_tls_conn_new_sync() runs, a blocking socket is polled against
 * the connection deadline before each call, so the deadline holds inside a handshake step.
 */
#include <errno.h>
#include <sys/socket.h>

#include "bio.h"
#include "esp_tls_private.h"
#include "tcp.h"

_Static_assert(ESP_TLS_BIO_WANT_READ == ESP_TLS_ERR_SSL_WANT_READ, "WANT_READ value");
_Static_assert(ESP_TLS_BIO_WANT_WRITE == ESP_TLS_ERR_SSL_WANT_WRITE, "WANT_WRITE value");

static int map_errno(esp_tls_t *tls, int e, esp_tls_wait_t dir)
{
    if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR) {
        return dir == ESP_TLS_WAIT_READ ? ESP_TLS_BIO_WANT_READ : ESP_TLS_BIO_WANT_WRITE;
    }
    esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_SYSTEM, e);
    if (e == EPIPE || e == ECONNRESET) {
        return ESP_TLS_BIO_CONN_RESET;
    }
    return dir == ESP_TLS_WAIT_READ ? ESP_TLS_BIO_RECV_FAILED : ESP_TLS_BIO_SEND_FAILED;
}

/* With a deadline on a blocking socket: wait for readiness no longer than the deadline. */
static int wait_ready(esp_tls_t *tls, esp_tls_wait_t dir)
{
    tls->wait = dir;
    if (tls->deadline_ms == 0 || tls->non_block) {
        return 0;
    }
    int rc = esp_tls_poll_fd(tls->sockfd, dir, esp_tls_ms_left(tls->deadline_ms));
    if (rc == 0) {
        return dir == ESP_TLS_WAIT_READ ? ESP_TLS_BIO_WANT_READ : ESP_TLS_BIO_WANT_WRITE;
    }
    return 0;
}

int esp_tls_bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    esp_tls_t *tls = ctx;
    if (tls == NULL || tls->sockfd < 0) {
        return ESP_TLS_BIO_INVALID_CONTEXT;
    }
    int rc = wait_ready(tls, ESP_TLS_WAIT_READ);
    if (rc != 0) {
        return rc;
    }
    ssize_t n = recv(tls->sockfd, buf, len, 0);
    if (n < 0) {
        return map_errno(tls, errno, ESP_TLS_WAIT_READ);
    }
    tls->peer_eof |= n == 0 && len > 0;
    return (int)n;
}

int esp_tls_bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    esp_tls_t *tls = ctx;
    if (tls == NULL || tls->sockfd < 0) {
        return ESP_TLS_BIO_INVALID_CONTEXT;
    }
    int rc = wait_ready(tls, ESP_TLS_WAIT_WRITE);
    if (rc != 0) {
        return rc;
    }
    ssize_t n = send(tls->sockfd, buf, len, MSG_NOSIGNAL);
    if (n < 0) {
        return map_errno(tls, errno, ESP_TLS_WAIT_WRITE);
    }
    return (int)n;
}
