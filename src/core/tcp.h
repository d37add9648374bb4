// SPDX-License-Identifier: Apache-2.0
/*
 * TCP layer: resolve, connect across every resolved address, socket options, poll.
 */
#pragma once

#include <netdb.h>
#include <stdbool.h>

#include "../conn/conn.h"
#include "../port/guard.h"
#include "esp_tls.h"

#define ESP_TLS_TCP_ATTEMPT_INIT                                                                   \
    {                                                                                              \
        .addrs = NULL, .count = 0, .next = 0, .fd = -1                                             \
    }

/**
 * Check host, length and port: ESP_ERR_INVALID_ARG with a log line for an empty host, a host
 * over 253 bytes, or a port outside 1..65535.
 */
esp_err_t esp_tls_tcp_check_target(const char *host, int hostlen, int port) ESP_MUST_CHECK;

/**
 * Advance the connect without blocking: start an attempt on the next address, or check the
 * current one. A failed attempt moves on to the next address.
 * @param connected  set when the socket in a->fd is connected
 * @return ESP_OK (connected or in progress), or the error once every address failed
 */
esp_err_t esp_tls_tcp_step(esp_tls_tcp_attempt_t *a, const esp_tls_cfg_t *cfg, bool tls,
                           esp_tls_error_handle_t err, bool *connected) ESP_MUST_CHECK;

/** Take the connected socket out of @p a (back to blocking unless cfg->non_block). */
int esp_tls_tcp_take(esp_tls_tcp_attempt_t *a, const esp_tls_cfg_t *cfg);

/**
 * Turn off Nagle's algorithm on an accepted socket, best effort: a handshake flight is several
 * small writes, which would otherwise wait for the peer's delayed ACK. Sockets that are not TCP
 * (AF_UNIX socket pairs) are left as they are.
 */
void esp_tls_tcp_nodelay(int fd);

/** Free the addresses and close a socket still in @p a. */
void esp_tls_tcp_release(esp_tls_tcp_attempt_t *a);

/**
 * Wait until @p fd is ready for @p what or @p timeout_ms passes; EINTR is retried.
 * @return 1 ready, 0 timed out, -1 poll error (errno set)
 */
int esp_tls_poll_fd(int fd, esp_tls_wait_t what, int timeout_ms);

/** Milliseconds left until @p deadline_ms (0 if passed). */
int esp_tls_ms_left(int64_t deadline_ms);
