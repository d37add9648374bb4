// SPDX-License-Identifier: Apache-2.0
/*
 * esp_tls_crypto.h on Mbed TLS.
 */
#include "mbedtls/base64.h"
#include "mbedtls/platform.h"
#include "mbedtls/sha1.h"
#include "mbedtls_backend.h"

int esp_tls_mbedtls_sha1(const unsigned char *input, size_t ilen, unsigned char output[20])
{
#if defined(MBEDTLS_SHA1_C)
    return mbedtls_sha1(input, ilen, output);
#else
    (void)input;
    (void)ilen;
    (void)output;
    return MBEDTLS_ERR_PLATFORM_FEATURE_UNSUPPORTED;
#endif
}

int esp_tls_mbedtls_base64_encode(unsigned char *dst, size_t dlen, size_t *olen,
                                  const unsigned char *src, size_t slen)
{
    return mbedtls_base64_encode(dst, dlen, olen, src, slen);
}
