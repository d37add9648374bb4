// SPDX-License-Identifier: Apache-2.0
/**
 * @file esp_http_client_ext.h
 * @brief Extensions of esp-tls for POSIX to esp_http_client (not in ESP-IDF).
 */
#pragma once

#include "esp_http_client.h"
#include "esp_tls.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief The esp_tls connection of an https client while it is connected, for
 *        esp_tls_get_conn_info() and the peer chain (esp_tls_ext.h); call it from the
 *        HTTP_EVENT_ON_CONNECTED handler or after esp_http_client_open().
 * @return the connection, or NULL (not connected, or plain http)
 */
esp_tls_t *esp_http_client_get_esp_tls(esp_http_client_handle_t client);

#ifdef __cplusplus
}
#endif
