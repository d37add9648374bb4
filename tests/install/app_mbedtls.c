// SPDX-License-Identifier: Apache-2.0
/* A program that calls Mbed TLS itself beside esp-tls (as one that works on
 * esp_tls_get_ssl_context() does), built against an install tree while Debian's Mbed TLS 2.28
 * headers sit in /usr/include: it must compile against the tree's 3.6 headers and link the
 * tree's private 3.6 archives. */
#include <stdio.h>
#include <string.h>

#include "esp_tls.h"
#include "esp_tls_ext.h" /* esp_tls_global_init() */
#include "mbedtls/sha256.h"
#include "mbedtls/ssl.h"
#include "mbedtls/version.h"

_Static_assert(MBEDTLS_VERSION_MAJOR == 3 && MBEDTLS_VERSION_MINOR == 6,
               "the install tree's Mbed TLS 3.6 headers must come before /usr/include");

int main(void)
{
    static const unsigned char abc_sha256_head[4] = {0xba, 0x78, 0x16, 0xbf};
    unsigned char out[32];
    char ver[18] = "";
    if (esp_tls_global_init() != ESP_OK) { /* before the program's own first Mbed TLS call */
        return 1;
    }
    mbedtls_version_get_string(ver);
    if (strcmp(ver, MBEDTLS_VERSION_STRING) != 0) {
        printf("headers %s but library %s\n", MBEDTLS_VERSION_STRING, ver);
        return 1;
    }
    if (mbedtls_sha256((const unsigned char *)"abc", 3, out, 0) != 0 ||
        memcmp(out, abc_sha256_head, sizeof(abc_sha256_head)) != 0) {
        printf("SHA-256 of \"abc\" is wrong\n");
        return 1;
    }
    mbedtls_ssl_config conf;
    mbedtls_ssl_config_init(&conf);
    int rc = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                         MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_config_free(&conf);
    printf("mbedtls %s, ssl config rc=%d\n", ver, rc);
    return rc == 0 ? 0 : 1;
}
