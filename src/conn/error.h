// SPDX-License-Identifier: Apache-2.0
/*
 * The error tracker of a connection (core/error.c): ESP-IDF's esp_tls_last_error_t followed by
 * the hidden errno slot.
 */
#pragma once

#include "esp_tls.h"

/** Tracker storage: the public slots followed by the hidden errno slot (ESP-IDF layout). */
typedef struct {
    esp_tls_last_error_t parent;
    int sock_errno;
} esp_tls_error_storage_t;

/** Record @p code in the slot of @p type (core/error.c). */
void esp_tls_capture(esp_tls_error_handle_t h, esp_tls_error_type_t type, int code);
