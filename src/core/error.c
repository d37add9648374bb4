// SPDX-License-Identifier: Apache-2.0
/*
 * Error tracker: one slot per kind of code, last write wins per slot, as in
 * ESP-IDF (ESP_TLS_ERR_TYPE_* of esp_tls_errors.h name the slots).
 */
#include <stddef.h>
#include <string.h>

#include "../conn/conn.h"

static esp_tls_error_storage_t *storage_of(esp_tls_error_handle_t h)
{
    return (esp_tls_error_storage_t *)((char *)h - offsetof(esp_tls_error_storage_t, parent));
}

void esp_tls_capture(esp_tls_error_handle_t h, esp_tls_error_type_t type, int code)
{
    if (h == NULL) {
        return;
    }
    switch (type) {
    case ESP_TLS_ERR_TYPE_ESP: h->last_error = code; break;
    case ESP_TLS_ERR_TYPE_MBEDTLS:
    case ESP_TLS_ERR_TYPE_WOLFSSL: h->esp_tls_error_code = code; break;
    case ESP_TLS_ERR_TYPE_MBEDTLS_CERT_FLAGS:
    case ESP_TLS_ERR_TYPE_WOLFSSL_CERT_FLAGS: h->esp_tls_flags = code; break;
    case ESP_TLS_ERR_TYPE_SYSTEM: storage_of(h)->sock_errno = code; break;
    default: break;
    }
}

esp_err_t esp_tls_get_and_clear_last_error(esp_tls_error_handle_t h, int *esp_tls_code,
                                           int *esp_tls_flags)
{
    if (h == NULL) {
        return ESP_ERR_INVALID_STATE;
    }
    esp_err_t last = h->last_error;
    if (esp_tls_code) {
        *esp_tls_code = h->esp_tls_error_code;
    }
    if (esp_tls_flags) {
        *esp_tls_flags = h->esp_tls_flags;
    }
    memset(h, 0, sizeof(*h));
    return last;
}

static int *slot_of(esp_tls_error_handle_t h, esp_tls_error_type_t type)
{
    switch (type) {
    case ESP_TLS_ERR_TYPE_SYSTEM: return &storage_of(h)->sock_errno;
    case ESP_TLS_ERR_TYPE_MBEDTLS:
    case ESP_TLS_ERR_TYPE_WOLFSSL: return &h->esp_tls_error_code;
    case ESP_TLS_ERR_TYPE_MBEDTLS_CERT_FLAGS:
    case ESP_TLS_ERR_TYPE_WOLFSSL_CERT_FLAGS: return &h->esp_tls_flags;
    case ESP_TLS_ERR_TYPE_ESP: return &h->last_error;
    default: return NULL;
    }
}

esp_err_t esp_tls_get_and_clear_error_type(esp_tls_error_handle_t h, esp_tls_error_type_t err_type,
                                           int *error_code)
{
    if (h == NULL || error_code == NULL || err_type >= ESP_TLS_ERR_TYPE_MAX) {
        return ESP_ERR_INVALID_ARG;
    }
    int *slot = slot_of(h, err_type);
    if (slot == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    *error_code = *slot;
    *slot = 0;
    return ESP_OK;
}
