/**
 * @file esp_tls_ext.h
 * @brief POSIX extras that ESP-IDF's esp-tls does not have.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "esp_tls.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief What a connection in progress waits for, so that a poll() loop watches the right event.
 *
 * Call after esp_tls_conn_new_async() returned 0 (or a read/write returned WANT_READ/WRITE).
 * @param fd      out: the socket to poll (-1 if none)
 * @param events  out: POLLIN or POLLOUT (0 if nothing is awaited)
 * @return ESP_OK, or ESP_ERR_INVALID_ARG for NULL arguments
 */
esp_err_t esp_tls_get_poll_target(esp_tls_t *tls, int *fd, short *events);

/**
 * @brief How long a poll() loop may wait before calling the library again, in ms.
 *
 * While a connection is being opened this is the time to the next DNS retransmission or to the
 * connection's deadline, whichever comes first; -1 means no limit.
 */
int esp_tls_get_poll_timeout(esp_tls_t *tls);

/**
 * @brief Send DNS queries to these servers instead of those in /etc/resolv.conf.
 *
 * Applies to connections that start resolving afterwards. Addresses are c-ares' CSV form:
 * "127.0.0.1:5353,[::1]:53". NULL or "" goes back to /etc/resolv.conf.
 * @return ESP_OK, or ESP_ERR_INVALID_ARG for a list that does not parse
 */
esp_err_t esp_tls_set_dns_servers(const char *servers);

/**
 * @brief Did the handshake of this connection resume a saved session (cfg.client_session)?
 *
 * True when the connection is up, verifies the peer with a CA or bundle, and received no
 * certificate because the handshake was abbreviated. False otherwise (also for PSK).
 */
bool esp_tls_session_resumed(esp_tls_t *tls);

/** Heap used by the library (esp-tls and Mbed TLS), process-wide. */
typedef struct {
    size_t current_bytes; /**< Bytes allocated now */
    size_t peak_bytes;    /**< Highest value of current_bytes since start or the last reset */
    size_t allocations;   /**< Number of allocations since start */
} esp_tls_mem_stats_t;

/** @brief Read the allocation counters. Counting starts with the first esp_tls_init(). */
void esp_tls_get_mem_stats(esp_tls_mem_stats_t *stats);

/** @brief Restart peak tracking from the current usage. */
void esp_tls_reset_mem_peak(void);

#ifdef __cplusplus
}
#endif
