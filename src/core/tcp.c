// SPDX-License-Identifier: Apache-2.0
/*
 * TCP connect with ESP-IDF's socket semantics, fixed where the original was wrong:
 * every resolved address is tried in order, poll() replaces select(), IPv6 uses the right
 * sockaddr length, and SO_ERROR is always checked (ESP-IDF's tcp_connect() uses the
 * first address only and select()).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../mem/mem.h"
#include "../port/port.h"
#include "esp_log.h"
#include "resolve.h"
#include "tcp.h"

static const char *TAG = "esp-tls";

esp_err_t esp_tls_tcp_check_target(const char *host, int hostlen, int port)
{
    ESP_ENSURE_LOG(host != NULL && hostlen > 0, ESP_ERR_INVALID_ARG, "empty host name");
    ESP_ENSURE_LOG(hostlen <= ESP_TLS_MAX_HOSTNAME_LEN, ESP_ERR_INVALID_ARG,
                   "host name is %d bytes; a DNS name has at most %d", hostlen,
                   ESP_TLS_MAX_HOSTNAME_LEN);
    ESP_ENSURE_LOG(memchr(host, '\0', (size_t)hostlen) == NULL, ESP_ERR_INVALID_ARG,
                   "host name contains a NUL byte within hostlen=%d", hostlen);
    ESP_ENSURE_LOG(port >= 1 && port <= 65535, ESP_ERR_INVALID_ARG, "port %d is outside 1..65535",
                   port);
    return ESP_OK;
}

static esp_err_t set_timeouts(int fd, const esp_tls_cfg_t *cfg)
{
    int ms = esp_tls_effective_timeout(cfg);
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (suseconds_t)(ms % 1000) * 1000};
    ESP_ENSURE(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0,
               ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED);
    ESP_ENSURE(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == 0,
               ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED);
    return ESP_OK;
}

static esp_err_t set_keep_alive(int fd, const tls_keep_alive_cfg_t *ka)
{
    if (ka == NULL || !ka->keep_alive_enable) {
        return ESP_OK;
    }
    int on = 1;
    ESP_ENSURE(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) == 0,
               ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED);
    ESP_ENSURE(setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &ka->keep_alive_idle, sizeof(int)) == 0,
               ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED);
    ESP_ENSURE(setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &ka->keep_alive_interval, sizeof(int)) ==
                   0,
               ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED);
    ESP_ENSURE(setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &ka->keep_alive_count, sizeof(int)) == 0,
               ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED);
    return ESP_OK;
}

static esp_err_t set_interface(int fd, const struct ifreq *ifr)
{
    if (ifr == NULL || ifr->ifr_name[0] == '\0') {
        return ESP_OK;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifr, sizeof(struct ifreq)) != 0) {
        ESP_LOGE(TAG, "[sock=%d] cannot bind to interface %.*s: %s%s", fd, IFNAMSIZ, ifr->ifr_name,
                 strerror(errno), errno == EPERM ? " (SO_BINDTODEVICE needs CAP_NET_RAW)" : "");
        return ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED;
    }
    return ESP_OK;
}

void esp_tls_tcp_nodelay(int fd)
{
    int on = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0 && errno != ENOTSOCK &&
        errno != EOPNOTSUPP) {
        ESP_LOGD(TAG, "[sock=%d] TCP_NODELAY: %s", fd, strerror(errno));
    }
}

static esp_err_t set_options(int fd, const esp_tls_cfg_t *cfg, bool tls)
{
    int flags = fcntl(fd, F_GETFL, 0);
    ESP_ENSURE(flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0,
               ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED);
    if (tls) {
        /* A handshake flight is several small writes: do not wait for delayed ACKs. */
        int on = 1;
        ESP_ENSURE(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) == 0,
                   ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED);
    }
    if (cfg == NULL) {
        return ESP_OK;
    }
    ESP_GUARD(set_timeouts(fd, cfg));
    ESP_GUARD(set_keep_alive(fd, cfg->keep_alive_cfg));
    return set_interface(fd, cfg->if_name);
}

/* Start one attempt on @p ai. ESP_OK: connected or in progress; otherwise fd is closed. */
static esp_err_t start_one(esp_tls_tcp_attempt_t *a, const esp_tls_addr_t *ai,
                           const esp_tls_cfg_t *cfg, bool tls, esp_tls_error_handle_t err)
{
    int family = ai->addr.ss_family;
    ESP_ENSURE(family == AF_INET || family == AF_INET6,
               ESP_ERR_ESP_TLS_UNSUPPORTED_PROTOCOL_FAMILY);
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        a->last_errno = errno;
        esp_tls_capture(err, ESP_TLS_ERR_TYPE_SYSTEM, errno);
        ESP_LOGE(TAG, "failed to create socket: %s", strerror(errno));
        return ESP_ERR_ESP_TLS_CANNOT_CREATE_SOCKET;
    }
    esp_err_t rc = set_options(fd, cfg, tls);
    if (rc != ESP_OK) {
        esp_tls_capture(err, ESP_TLS_ERR_TYPE_SYSTEM, errno);
        close(fd);
        return rc;
    }
    if (connect(fd, (const struct sockaddr *)&ai->addr, ai->len) != 0 && errno != EINPROGRESS) {
        a->last_errno = errno;
        esp_tls_capture(err, ESP_TLS_ERR_TYPE_SYSTEM, errno);
        ESP_LOGD(TAG, "[sock=%d] connect() failed: %s", fd, strerror(errno));
        close(fd);
        return ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST;
    }
    a->fd = fd;
    return ESP_OK;
}

/* Start an attempt on the next address that accepts one. */
static esp_err_t start_next(esp_tls_tcp_attempt_t *a, const esp_tls_cfg_t *cfg, bool tls,
                            esp_tls_error_handle_t err)
{
    esp_err_t rc = ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST;
    while (a->next < a->count) {
        rc = start_one(a, &a->addrs[a->next++], cfg, tls, err);
        if (rc == ESP_OK || rc == ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED) {
            return rc;
        }
    }
    return rc;
}

/* Has the connect on a->fd completed? A failure closes the socket. */
static esp_err_t check_current(esp_tls_tcp_attempt_t *a, esp_tls_error_handle_t err,
                               bool *connected)
{
    struct pollfd p = {.fd = a->fd, .events = POLLOUT};
    if (poll(&p, 1, 0) <= 0) {
        return ESP_OK; /* still in progress */
    }
    int so_error = 0;
    socklen_t len = sizeof(so_error);
    if (getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) {
        esp_tls_capture(err, ESP_TLS_ERR_TYPE_SYSTEM, errno);
        return ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED;
    }
    if (so_error != 0) {
        a->last_errno = so_error;
        esp_tls_capture(err, ESP_TLS_ERR_TYPE_SYSTEM, so_error);
        ESP_LOGD(TAG, "[sock=%d] delayed connect error: %s", a->fd, strerror(so_error));
        close(a->fd);
        a->fd = -1;
        return ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST;
    }
    *connected = true;
    return ESP_OK;
}

esp_err_t esp_tls_tcp_step(esp_tls_tcp_attempt_t *a, const esp_tls_cfg_t *cfg, bool tls,
                           esp_tls_error_handle_t err, bool *connected)
{
    *connected = false;
    for (;;) {
        if (a->fd < 0) {
            ESP_GUARD(start_next(a, cfg, tls, err));
        }
        esp_err_t rc = check_current(a, err, connected);
        if (rc != ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST || a->next >= a->count) {
            if (rc == ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST) {
                ESP_LOGE(TAG, "failed to connect to any address: %s", strerror(a->last_errno));
            }
            return rc;
        }
    }
}

int esp_tls_tcp_take(esp_tls_tcp_attempt_t *a, const esp_tls_cfg_t *cfg)
{
    int fd = a->fd;
    a->fd = -1;
    if (cfg != NULL && !cfg->non_block) {
        int flags = fcntl(fd, F_GETFL, 0);
        if (flags >= 0) {
            fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
        }
    }
    esp_tls_tcp_release(a);
    return fd;
}

void esp_tls_tcp_release(esp_tls_tcp_attempt_t *a)
{
    if (a->fd >= 0) {
        close(a->fd);
        a->fd = -1;
    }
    esp_tls_mem_free(a->addrs);
    a->addrs = NULL;
    a->count = 0;
    a->next = 0;
}

int esp_tls_poll_fd(int fd, esp_tls_wait_t what, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = what == ESP_TLS_WAIT_WRITE ? POLLOUT : POLLIN};
    int64_t deadline = esp_tls_time_ms() + timeout_ms;
    for (;;) {
        int rc = poll(&p, 1, timeout_ms);
        if (rc >= 0 || errno != EINTR) {
            return rc > 0 ? 1 : rc;
        }
        timeout_ms = esp_tls_ms_left(deadline);
    }
}

int esp_tls_ms_left(int64_t deadline_ms)
{
    int64_t left = deadline_ms - esp_tls_time_ms();
    if (left <= 0) {
        return 0;
    }
    return left > INT32_MAX ? INT32_MAX : (int)left;
}

/* Blocking connect used by esp_tls_plain_tcp_connect(). */
static esp_err_t connect_blocking(esp_tls_tcp_attempt_t *a, const esp_tls_cfg_t *cfg,
                                  esp_tls_error_handle_t err, int64_t deadline)
{
    for (;;) {
        bool connected = false;
        ESP_GUARD(esp_tls_tcp_step(a, cfg, false, err, &connected));
        if (connected) {
            return ESP_OK;
        }
        int left = esp_tls_ms_left(deadline);
        if (left == 0 || esp_tls_poll_fd(a->fd, ESP_TLS_WAIT_WRITE, left) == 0) {
            if (esp_tls_ms_left(deadline) == 0) {
                ESP_LOGE(TAG, "[sock=%d] connect timeout", a->fd);
                return ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT;
            }
        }
    }
}

esp_err_t esp_tls_plain_tcp_connect(const char *host, int hostlen, int port,
                                    const esp_tls_cfg_t *cfg, esp_tls_error_handle_t error_handle,
                                    int *sockfd)
{
    ESP_ENSURE(sockfd != NULL && error_handle != NULL, ESP_ERR_INVALID_ARG);
    ESP_GUARD(esp_tls_tcp_check_target(host, hostlen, port));
    esp_tls_tcp_attempt_t a = ESP_TLS_TCP_ATTEMPT_INIT;
    int64_t deadline = esp_tls_time_ms() + esp_tls_effective_timeout(cfg);
    esp_err_t rc = esp_tls_resolve_blocking(
        host, (size_t)hostlen, port, cfg ? cfg->addr_family : ESP_TLS_AF_UNSPEC, deadline, &a);
    if (rc == ESP_OK) {
        rc = connect_blocking(&a, cfg, error_handle, deadline);
    }
    if (rc == ESP_OK) {
        *sockfd = esp_tls_tcp_take(&a, cfg);
    }
    esp_tls_tcp_release(&a);
    return rc;
}
