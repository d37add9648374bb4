// SPDX-License-Identifier: Apache-2.0
/**
 * @file esp_transport_socks_proxy.h
 * @brief SOCKS proxy transport, as in ESP-IDF v5.5.5 (docs/transport.md): connecting it
 *        connects the parent (a tcp transport) to the proxy and asks the proxy to CONNECT to
 *        the target host and port; reads and writes then go through the parent.
 *
 * SOCKS4 sends the target as SOCKS4a (the host name, resolved by the proxy) unless it is an
 * IPv4 literal. SOCKS5 (an extension of this library) uses the no-authentication method and
 * sends an IPv4 or IPv6 literal as an address, anything else as a domain name. On failure the
 * connect returns -1 with errno (and esp_transport_get_errno() of the parent) set to the
 * proxy's reply code (socks_transport_error_t, or the SOCKS5 reply code 1..8), or to an errno
 * for a failure to reach the proxy; each cause has its own log line.
 */
#pragma once

#include <stdint.h>

#include "esp_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/** SOCKS protocol version. */
typedef enum socks_version_t {
    SOCKS4 = 4, /**< SOCKS4 (SOCKS4a for host names) */
    SOCKS5 = 5, /**< SOCKS5 without authentication (extension, not in ESP-IDF) */
} socks_version_t;

/** Result codes of the SOCKS transport (errno after a failed connect). */
typedef enum socks_transport_response_t {
    SOCKS_RESPONSE_TARGET_NOT_FOUND = 0xF0,     /**< The target could not be resolved */
    SOCKS_RESPONSE_PROXY_UNREACHABLE = 0xF1,    /**< The proxy could not be reached */
    SOCKS_TIMEOUT = 0xF2,                       /**< The proxy did not answer in time */
    SOCKS_RESPONSE_SUCCESS = 0x5a,              /**< SOCKS4: request granted */
    SOCKS_RESPONSE_REQUEST_REJECTED = 0x5B,     /**< SOCKS4: request rejected or failed */
    SOCKS_RESPONSE_NOT_RUNNING_IDENTD = 0x5c,   /**< SOCKS4: identd not reachable */
    SOCKS_RESPONSE_COULD_NOT_CONFIRM_ID = 0x5d, /**< SOCKS4: identd could not confirm */
} socks_transport_error_t;

/** SOCKS proxy configuration. */
typedef struct esp_transport_socks_proxy_config_t {
    const socks_version_t version; /**< Socks protocol version */
    const char *address;           /**< Proxy address (host name or IP literal) */
    const int port;                /**< Proxy port */
} esp_transport_socks_proxy_config_t;

/**
 * @brief Create a SOCKS proxy transport on @p parent_handle (a tcp transport, which the caller
 *        keeps and destroys).
 * @return the transport, or NULL (NULL parent or config, no address, out of memory)
 */
esp_transport_handle_t
esp_transport_socks_proxy_init(esp_transport_handle_t parent_handle,
                               const esp_transport_socks_proxy_config_t *config);

/**
 * @brief Change the proxy of @p socks_transport (taken at the next connect).
 * @return ESP_OK, ESP_ERR_INVALID_ARG (not a SOCKS transport, no config or address),
 *         ESP_ERR_NO_MEM
 */
esp_err_t esp_transport_socks_proxy_set_config(esp_transport_handle_t socks_transport,
                                               const esp_transport_socks_proxy_config_t *config);

#ifdef __cplusplus
}
#endif
