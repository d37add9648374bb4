// SPDX-License-Identifier: Apache-2.0
/**
 * @file esp_transport_tcp.h
 * @brief The tcp transport: plain TCP through esp_tls (is_plain_tcp).
 *
 * Source compatible with ESP-IDF's esp_transport_tcp.h. Setters store pointers, not copies:
 * the data must stay valid until the transport is destroyed. A NULL transport is ignored.
 */
#pragma once

#include <net/if.h>
#include <sys/socket.h>

#include "esp_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ifreq;

/**
 * @brief Enable TCP keep-alive on the next connections (SO_KEEPALIVE, TCP_KEEPIDLE/INTVL/CNT).
 * @param keep_alive_cfg  settings, or NULL for none; kept by pointer
 */
void esp_transport_tcp_set_keep_alive(esp_transport_handle_t t,
                                      esp_transport_keep_alive_t *keep_alive_cfg);

/**
 * @brief Bind the next connections to a network interface (SO_BINDTODEVICE).
 *
 * On Linux binding needs CAP_NET_RAW; without it the connect fails with
 * ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED and errno EPERM.
 * @param if_name  interface (ifr_name), or NULL for none; kept by pointer
 */
void esp_transport_tcp_set_interface_name(esp_transport_handle_t t, struct ifreq *if_name);

/**
 * @brief Create a tcp transport. Free it with esp_transport_destroy().
 * @return the handle, or NULL when out of memory
 */
esp_transport_handle_t esp_transport_tcp_init(void);

#ifdef __cplusplus
}
#endif
