// SPDX-License-Identifier: Apache-2.0
/**
 * @file esp_tls_errors.h
 * @brief ESP-TLS error codes, the error tracker types and its getters.
 *
 * Numbers are ESP-IDF's (v5.0 and later) and are API.
 */
#pragma once

#include "esp_err.h"
#include "mbedtls/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ESP_ERR_ESP_TLS_BASE 0x8000 /**< Start of the ESP-TLS error codes */

/* Connection-phase codes */
#define ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME (ESP_ERR_ESP_TLS_BASE + 0x01)
#define ESP_ERR_ESP_TLS_CANNOT_CREATE_SOCKET (ESP_ERR_ESP_TLS_BASE + 0x02)
#define ESP_ERR_ESP_TLS_UNSUPPORTED_PROTOCOL_FAMILY (ESP_ERR_ESP_TLS_BASE + 0x03)
#define ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST (ESP_ERR_ESP_TLS_BASE + 0x04)
#define ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED (ESP_ERR_ESP_TLS_BASE + 0x05)
#define ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT (ESP_ERR_ESP_TLS_BASE + 0x06)
#define ESP_ERR_ESP_TLS_SE_FAILED (ESP_ERR_ESP_TLS_BASE + 0x07)
#define ESP_ERR_ESP_TLS_TCP_CLOSED_FIN (ESP_ERR_ESP_TLS_BASE + 0x08)
#define ESP_ERR_ESP_TLS_SERVER_HANDSHAKE_TIMEOUT (ESP_ERR_ESP_TLS_BASE + 0x09)

/* Mbed TLS backend codes */
#define ESP_ERR_MBEDTLS_CERT_PARTLY_OK (ESP_ERR_ESP_TLS_BASE + 0x10)
#define ESP_ERR_MBEDTLS_CTR_DRBG_SEED_FAILED (ESP_ERR_ESP_TLS_BASE + 0x11)
#define ESP_ERR_MBEDTLS_SSL_SET_HOSTNAME_FAILED (ESP_ERR_ESP_TLS_BASE + 0x12)
#define ESP_ERR_MBEDTLS_SSL_CONFIG_DEFAULTS_FAILED (ESP_ERR_ESP_TLS_BASE + 0x13)
#define ESP_ERR_MBEDTLS_SSL_CONF_ALPN_PROTOCOLS_FAILED (ESP_ERR_ESP_TLS_BASE + 0x14)
#define ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED (ESP_ERR_ESP_TLS_BASE + 0x15)
#define ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED (ESP_ERR_ESP_TLS_BASE + 0x16)
#define ESP_ERR_MBEDTLS_SSL_SETUP_FAILED (ESP_ERR_ESP_TLS_BASE + 0x17)
#define ESP_ERR_MBEDTLS_SSL_WRITE_FAILED (ESP_ERR_ESP_TLS_BASE + 0x18)
#define ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED (ESP_ERR_ESP_TLS_BASE + 0x19)
#define ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED (ESP_ERR_ESP_TLS_BASE + 0x1A)
#define ESP_ERR_MBEDTLS_SSL_CONF_PSK_FAILED (ESP_ERR_ESP_TLS_BASE + 0x1B)
#define ESP_ERR_MBEDTLS_SSL_TICKET_SETUP_FAILED (ESP_ERR_ESP_TLS_BASE + 0x1C)
#define ESP_ERR_MBEDTLS_SSL_READ_FAILED (ESP_ERR_ESP_TLS_BASE + 0x1D)

/* wolfSSL backend codes: kept so that code switching on them compiles; never raised here */
#define ESP_ERR_WOLFSSL_SSL_SET_HOSTNAME_FAILED (ESP_ERR_ESP_TLS_BASE + 0x31)
#define ESP_ERR_WOLFSSL_SSL_CONF_ALPN_PROTOCOLS_FAILED (ESP_ERR_ESP_TLS_BASE + 0x32)
#define ESP_ERR_WOLFSSL_CERT_VERIFY_SETUP_FAILED (ESP_ERR_ESP_TLS_BASE + 0x33)
#define ESP_ERR_WOLFSSL_KEY_VERIFY_SETUP_FAILED (ESP_ERR_ESP_TLS_BASE + 0x34)
#define ESP_ERR_WOLFSSL_SSL_HANDSHAKE_FAILED (ESP_ERR_ESP_TLS_BASE + 0x35)
#define ESP_ERR_WOLFSSL_CTX_SETUP_FAILED (ESP_ERR_ESP_TLS_BASE + 0x36)
#define ESP_ERR_WOLFSSL_SSL_SETUP_FAILED (ESP_ERR_ESP_TLS_BASE + 0x37)
#define ESP_ERR_WOLFSSL_SSL_WRITE_FAILED (ESP_ERR_ESP_TLS_BASE + 0x38)

/* I/O results of esp_tls_conn_read()/esp_tls_conn_write(): Mbed TLS's negative codes */
#define ESP_TLS_ERR_SSL_WANT_READ (-0x6900)  /**< MBEDTLS_ERR_SSL_WANT_READ */
#define ESP_TLS_ERR_SSL_WANT_WRITE (-0x6880) /**< MBEDTLS_ERR_SSL_WANT_WRITE */
#define ESP_TLS_ERR_SSL_TIMEOUT (-0x6800)    /**< MBEDTLS_ERR_SSL_TIMEOUT */

/** Which slot of the error tracker a code belongs to. */
typedef enum {
    ESP_TLS_ERR_TYPE_UNKNOWN = 0,
    ESP_TLS_ERR_TYPE_SYSTEM,             /**< errno */
    ESP_TLS_ERR_TYPE_MBEDTLS,            /**< Mbed TLS error, stored as a positive number */
    ESP_TLS_ERR_TYPE_MBEDTLS_CERT_FLAGS, /**< X.509 verification flags */
    ESP_TLS_ERR_TYPE_ESP,                /**< esp_err_t */
    ESP_TLS_ERR_TYPE_WOLFSSL,            /**< wolfSSL error (never set here) */
    ESP_TLS_ERR_TYPE_WOLFSSL_CERT_FLAGS, /**< wolfSSL flags (never set here) */
    ESP_TLS_ERR_TYPE_MAX,                /**< Last, not a type */
} esp_tls_error_type_t;

/** The last errors of a connection, one slot per kind. */
typedef struct esp_tls_last_error {
    esp_err_t last_error;   /**< ESP-TLS code of the last error */
    int esp_tls_error_code; /**< Last Mbed TLS error, negated (e.g. 0x2700) */
    int esp_tls_flags;      /**< Last X.509 verification flags */
} esp_tls_last_error_t;

/**
 * Handle of an error tracker. Storage behind it must be an esp_tls_last_error_t followed by
 * an int (the hidden errno slot), as in ESP-IDF; esp_transport declares such a struct.
 */
typedef struct esp_tls_last_error *esp_tls_error_handle_t;

/**
 * @brief Return the last ESP-TLS error and clear the three public slots.
 *
 * @param h              tracker (from esp_tls_get_error_handle())
 * @param esp_tls_code   optional out: last Mbed TLS error (positive)
 * @param esp_tls_flags  optional out: last X.509 verification flags
 * @return the last esp_err_t (ESP_OK if none); ESP_ERR_INVALID_STATE if @p h is NULL.
 *         The hidden errno slot is not cleared.
 */
esp_err_t esp_tls_get_and_clear_last_error(esp_tls_error_handle_t h, int *esp_tls_code,
                                           int *esp_tls_flags);

/**
 * @brief Return one slot of the tracker and clear only that slot.
 *
 * @return ESP_OK and the value in @p error_code; ESP_ERR_INVALID_ARG if @p h or
 *         @p error_code is NULL, or @p err_type is UNKNOWN or out of range.
 */
esp_err_t esp_tls_get_and_clear_error_type(esp_tls_error_handle_t h, esp_tls_error_type_t err_type,
                                           int *error_code);

#ifdef __cplusplus
}
#endif
