// SPDX-License-Identifier: Apache-2.0
/*
 * The program's own use of Debian's Mbed TLS 2.28 (libmbedtls-dev): this file sees only the
 * system headers, never esp-tls's Mbed TLS 3.6 ones. See run.sh.
 */
#include <stdio.h>
#include <string.h>

#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>

#include "two_mbedtls.h"

#if MBEDTLS_VERSION_MAJOR != 2
#error "hash_228.c must be compiled against Debian's Mbed TLS 2.x headers"
#endif

int own_mbedtls_check(void)
{
    /* SHA-256("abc"), FIPS 180-2 appendix B.1; mbedtls_sha256_ret is the 2.x name (3.x has none) */
    static const unsigned char abc_digest[32] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
        0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
        0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
    };
    unsigned char out[32];
    char version[32];

    mbedtls_version_get_string(version);
    if (mbedtls_version_get_number() >> 24 != 2) {
        printf("own_mbedtls: the library loaded is %s, not 2.x\n", version);
        return -1;
    }
    if (mbedtls_sha256_ret((const unsigned char *)"abc", 3, out, 0) != 0 ||
        memcmp(out, abc_digest, sizeof(out)) != 0) {
        printf("own_mbedtls: SHA-256(\"abc\") from Mbed TLS %s is wrong\n", version);
        return -1;
    }
    /* a TLS-layer call as well, so that libmbedtls.so.14 is really in use */
    mbedtls_ssl_config conf;
    mbedtls_ssl_config_init(&conf);
    int rc = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                         MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_config_free(&conf);
    if (rc != 0) {
        printf("own_mbedtls: mbedtls_ssl_config_defaults from %s returned -0x%04x\n", version, -rc);
        return -1;
    }
    printf("own_mbedtls=%s sha256_abc=ok\n", version);
    return 0;
}
