// SPDX-License-Identifier: Apache-2.0
/**
 * @file esp_tls_crypto.h
 * @brief Small crypto helpers of ESP-TLS (used by esp_http_server for WebSocket handshakes).
 */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief SHA-1 of @p input.
 * @return 0, or an Mbed TLS error (MBEDTLS_ERR_PLATFORM_FEATURE_UNSUPPORTED without SHA-1)
 */
int esp_crypto_sha1(const unsigned char *input, size_t ilen, unsigned char output[20]);

/**
 * @brief Base64-encode @p src into @p dst (NUL-terminated).
 * @param olen  out: bytes written without the NUL, or the size needed if @p dst is too small
 * @return 0, or MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL (-0x002A)
 */
int esp_crypto_base64_encode(unsigned char *dst, size_t dlen, size_t *olen,
                             const unsigned char *src, size_t slen);

#ifdef __cplusplus
}
#endif
