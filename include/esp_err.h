// SPDX-License-Identifier: Apache-2.0
/**
 * @file esp_err.h
 * @brief ESP-IDF compatible error type and the generic error codes.
 *
 * Values are API: they match ESP-IDF exactly and are never renumbered.
 */
#pragma once

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

/** ESP-IDF error type: 0 is success, positive values are error codes. */
typedef int esp_err_t;

#define ESP_OK 0    /**< Success */
#define ESP_FAIL -1 /**< Generic failure */

#define ESP_ERR_NO_MEM 0x101           /**< Out of memory */
#define ESP_ERR_INVALID_ARG 0x102      /**< Invalid argument */
#define ESP_ERR_INVALID_STATE 0x103    /**< Invalid state */
#define ESP_ERR_INVALID_SIZE 0x104     /**< Invalid size */
#define ESP_ERR_NOT_FOUND 0x105        /**< Requested resource not found */
#define ESP_ERR_NOT_SUPPORTED 0x106    /**< Operation or feature not supported */
#define ESP_ERR_TIMEOUT 0x107          /**< Operation timed out */
#define ESP_ERR_INVALID_RESPONSE 0x108 /**< Received response was invalid */
#define ESP_ERR_INVALID_CRC 0x109      /**< CRC or checksum was invalid */
#define ESP_ERR_INVALID_VERSION 0x10A  /**< Version was invalid */
#define ESP_ERR_INVALID_MAC 0x10B      /**< MAC address was invalid */
#define ESP_ERR_NOT_FINISHED 0x10C     /**< Operation has not fully completed */
#define ESP_ERR_NOT_ALLOWED 0x10D      /**< Operation is not allowed */

#define ESP_ERR_WIFI_BASE 0x3000      /**< Starting number of WiFi error codes */
#define ESP_ERR_MESH_BASE 0x4000      /**< Starting number of MESH error codes */
#define ESP_ERR_FLASH_BASE 0x6000     /**< Starting number of flash error codes */
#define ESP_ERR_HW_CRYPTO_BASE 0xc000 /**< Starting number of HW cryptography module error codes   \
                                       */
#define ESP_ERR_MEMPROT_BASE 0xd000   /**< Starting number of Memory Protection API error codes */

/**
 * @brief Name of an error code, e.g. "ESP_ERR_NO_MEM".
 *
 * Covers the generic codes above and every code of esp_tls_errors.h and esp_transport.h.
 * @return a static string; "UNKNOWN ERROR" for a code it does not know.
 */
const char *esp_err_to_name(esp_err_t code);

/**
 * @brief Like esp_err_to_name(), but writes into @p buf and shows unknown codes in hex.
 * @return @p buf
 */
const char *esp_err_to_name_r(esp_err_t code, char *buf, size_t buflen);

/** Abort with a message naming the code, file and line if @p x is not ESP_OK. */
#define ESP_ERROR_CHECK(x)                                                                         \
    do {                                                                                           \
        esp_err_t err_rc_ = (x);                                                                   \
        if (err_rc_ != ESP_OK) {                                                                   \
            _esp_error_check_failed(err_rc_, __FILE__, __LINE__, __func__, #x);                    \
        }                                                                                          \
    } while (0)

/** Evaluate @p x and return its error code without aborting (logs like ESP_ERROR_CHECK). */
#define ESP_ERROR_CHECK_WITHOUT_ABORT(x)                                                           \
    ({                                                                                             \
        esp_err_t err_rc_ = (x);                                                                   \
        if (err_rc_ != ESP_OK) {                                                                   \
            _esp_error_check_failed_without_abort(err_rc_, __FILE__, __LINE__, __func__, #x);      \
        }                                                                                          \
        err_rc_;                                                                                   \
    })

/** @cond INTERNAL */
void _esp_error_check_failed(esp_err_t rc, const char *file, int line, const char *function,
                             const char *expression) __attribute__((noreturn));
void _esp_error_check_failed_without_abort(esp_err_t rc, const char *file, int line,
                                           const char *function, const char *expression);
/** @endcond */

#ifdef __cplusplus
}
#endif
