// SPDX-License-Identifier: Apache-2.0
/*
 * esp_err_to_name() over every code of esp_err.h, esp_tls_errors.h, esp_transport.h and
 * esp_http_client.h, and the flash, image, OTA and HTTPS OTA codes (esp_partition.h,
 * esp_ota_ops.h, esp_https_ota.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "esp_http_client.h"
#include "esp_https_ota.h"
#include "esp_log.h"
#include "esp_ota_ops.h"
#include "esp_tls_errors.h"
#include "esp_transport.h"

#define ERR_ENTRY(code)                                                                            \
    {                                                                                              \
        code, #code                                                                                \
    }

typedef struct {
    esp_err_t code;
    const char *name;
} esp_err_msg_t;

static const esp_err_msg_t s_names[] = {
    ERR_ENTRY(ESP_OK),
    ERR_ENTRY(ESP_FAIL),
    ERR_ENTRY(ESP_ERR_NO_MEM),
    ERR_ENTRY(ESP_ERR_INVALID_ARG),
    ERR_ENTRY(ESP_ERR_INVALID_STATE),
    ERR_ENTRY(ESP_ERR_INVALID_SIZE),
    ERR_ENTRY(ESP_ERR_NOT_FOUND),
    ERR_ENTRY(ESP_ERR_NOT_SUPPORTED),
    ERR_ENTRY(ESP_ERR_TIMEOUT),
    ERR_ENTRY(ESP_ERR_INVALID_RESPONSE),
    ERR_ENTRY(ESP_ERR_INVALID_CRC),
    ERR_ENTRY(ESP_ERR_INVALID_VERSION),
    ERR_ENTRY(ESP_ERR_INVALID_MAC),
    ERR_ENTRY(ESP_ERR_NOT_FINISHED),
    ERR_ENTRY(ESP_ERR_NOT_ALLOWED),
    ERR_ENTRY(ESP_ERR_ESP_TLS_BASE),
    ERR_ENTRY(ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME),
    ERR_ENTRY(ESP_ERR_ESP_TLS_CANNOT_CREATE_SOCKET),
    ERR_ENTRY(ESP_ERR_ESP_TLS_UNSUPPORTED_PROTOCOL_FAMILY),
    ERR_ENTRY(ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST),
    ERR_ENTRY(ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED),
    ERR_ENTRY(ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT),
    ERR_ENTRY(ESP_ERR_ESP_TLS_SE_FAILED),
    ERR_ENTRY(ESP_ERR_ESP_TLS_TCP_CLOSED_FIN),
    ERR_ENTRY(ESP_ERR_ESP_TLS_SERVER_HANDSHAKE_TIMEOUT),
    ERR_ENTRY(ESP_ERR_MBEDTLS_CERT_PARTLY_OK),
    ERR_ENTRY(ESP_ERR_MBEDTLS_CTR_DRBG_SEED_FAILED),
    ERR_ENTRY(ESP_ERR_MBEDTLS_SSL_SET_HOSTNAME_FAILED),
    ERR_ENTRY(ESP_ERR_MBEDTLS_SSL_CONFIG_DEFAULTS_FAILED),
    ERR_ENTRY(ESP_ERR_MBEDTLS_SSL_CONF_ALPN_PROTOCOLS_FAILED),
    ERR_ENTRY(ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED),
    ERR_ENTRY(ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED),
    ERR_ENTRY(ESP_ERR_MBEDTLS_SSL_SETUP_FAILED),
    ERR_ENTRY(ESP_ERR_MBEDTLS_SSL_WRITE_FAILED),
    ERR_ENTRY(ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED),
    ERR_ENTRY(ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED),
    ERR_ENTRY(ESP_ERR_MBEDTLS_SSL_CONF_PSK_FAILED),
    ERR_ENTRY(ESP_ERR_MBEDTLS_SSL_TICKET_SETUP_FAILED),
    ERR_ENTRY(ESP_ERR_MBEDTLS_SSL_READ_FAILED),
    ERR_ENTRY(ESP_ERR_WOLFSSL_SSL_SET_HOSTNAME_FAILED),
    ERR_ENTRY(ESP_ERR_WOLFSSL_SSL_CONF_ALPN_PROTOCOLS_FAILED),
    ERR_ENTRY(ESP_ERR_WOLFSSL_CERT_VERIFY_SETUP_FAILED),
    ERR_ENTRY(ESP_ERR_WOLFSSL_KEY_VERIFY_SETUP_FAILED),
    ERR_ENTRY(ESP_ERR_WOLFSSL_SSL_HANDSHAKE_FAILED),
    ERR_ENTRY(ESP_ERR_WOLFSSL_CTX_SETUP_FAILED),
    ERR_ENTRY(ESP_ERR_WOLFSSL_SSL_SETUP_FAILED),
    ERR_ENTRY(ESP_ERR_WOLFSSL_SSL_WRITE_FAILED),
    ERR_ENTRY(ESP_ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT),
    ERR_ENTRY(ESP_ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN),
    ERR_ENTRY(ESP_ERR_TCP_TRANSPORT_CONNECTION_FAILED),
    ERR_ENTRY(ESP_ERR_TCP_TRANSPORT_NO_MEM),
    ERR_ENTRY(ESP_ERR_HTTP_MAX_REDIRECT),
    ERR_ENTRY(ESP_ERR_HTTP_CONNECT),
    ERR_ENTRY(ESP_ERR_HTTP_WRITE_DATA),
    ERR_ENTRY(ESP_ERR_HTTP_FETCH_HEADER),
    ERR_ENTRY(ESP_ERR_HTTP_INVALID_TRANSPORT),
    ERR_ENTRY(ESP_ERR_HTTP_CONNECTING),
    ERR_ENTRY(ESP_ERR_HTTP_EAGAIN),
    ERR_ENTRY(ESP_ERR_HTTP_CONNECTION_CLOSED),
    ERR_ENTRY(ESP_ERR_HTTP_NOT_MODIFIED),
    ERR_ENTRY(ESP_ERR_HTTP_RANGE_NOT_SATISFIABLE),
    ERR_ENTRY(ESP_ERR_HTTP_READ_TIMEOUT),
    ERR_ENTRY(ESP_ERR_HTTP_INCOMPLETE_DATA),
    ERR_ENTRY(ESP_ERR_FLASH_OP_FAIL),
    ERR_ENTRY(ESP_ERR_FLASH_OP_TIMEOUT),
    ERR_ENTRY(ESP_ERR_IMAGE_FLASH_FAIL),
    ERR_ENTRY(ESP_ERR_IMAGE_INVALID),
    ERR_ENTRY(ESP_ERR_OTA_PARTITION_CONFLICT),
    ERR_ENTRY(ESP_ERR_OTA_SELECT_INFO_INVALID),
    ERR_ENTRY(ESP_ERR_OTA_VALIDATE_FAILED),
    ERR_ENTRY(ESP_ERR_OTA_SMALL_SEC_VER),
    ERR_ENTRY(ESP_ERR_OTA_ROLLBACK_FAILED),
    ERR_ENTRY(ESP_ERR_OTA_ROLLBACK_INVALID_STATE),
    ERR_ENTRY(ESP_ERR_HTTPS_OTA_IN_PROGRESS),
};

static const char *find_name(esp_err_t code)
{
    for (size_t i = 0; i < sizeof(s_names) / sizeof(s_names[0]); i++) {
        if (s_names[i].code == code) {
            return s_names[i].name;
        }
    }
    return NULL;
}

const char *esp_err_to_name(esp_err_t code)
{
    const char *name = find_name(code);
    return name ? name : "UNKNOWN ERROR";
}

const char *esp_err_to_name_r(esp_err_t code, char *buf, size_t buflen)
{
    if (buf == NULL || buflen == 0) {
        return buf;
    }
    const char *name = find_name(code);
    if (name) {
        snprintf(buf, buflen, "%s", name);
    } else {
        snprintf(buf, buflen, "Unknown error 0x%x (%d)", (unsigned)code, code);
    }
    return buf;
}

void _esp_error_check_failed_without_abort(esp_err_t rc, const char *file, int line,
                                           const char *function, const char *expression)
{
    ESP_LOGE("esp_err", "ESP_ERROR_CHECK failed: esp_err_t 0x%x (%s) at %s:%d (%s): %s",
             (unsigned)rc, esp_err_to_name(rc), file, line, function, expression);
}

void _esp_error_check_failed(esp_err_t rc, const char *file, int line, const char *function,
                             const char *expression)
{
    _esp_error_check_failed_without_abort(rc, file, line, function, expression);
    abort();
}
