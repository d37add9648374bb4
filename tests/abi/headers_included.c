// SPDX-License-Identifier: Apache-2.0
/*
 * ESP-IDF code often relies on what esp_tls.h and esp_err.h bring in: the Mbed TLS SSL, X.509,
 * ticket, entropy, CTR-DRBG and error headers, and stdio.h, stdlib.h and assert.h. This program
 * includes nothing else and uses each of them, so it compiles only if the headers bring them in
 * as ESP-IDF's do.
 */
#include "esp_tls.h"

int main(void)
{
    mbedtls_entropy_context entropy;    /* mbedtls/entropy.h */
    mbedtls_ctr_drbg_context ctr_drbg;  /* mbedtls/ctr_drbg.h */
    mbedtls_ssl_ticket_context tickets; /* mbedtls/ssl_ticket.h */
    mbedtls_x509_crt crt;               /* mbedtls/x509_crt.h */
    mbedtls_ssl_config conf;            /* mbedtls/ssl.h */
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&ctr_drbg);
    mbedtls_ssl_ticket_init(&tickets);
    mbedtls_x509_crt_init(&crt);
    mbedtls_ssl_config_init(&conf);
    char text[128];
    mbedtls_strerror(MBEDTLS_ERR_SSL_CONN_EOF, text, sizeof(text)); /* mbedtls/error.h */
    char *copy = malloc(sizeof(text));                              /* stdlib.h */
    assert(copy != NULL);                                           /* assert.h */
    snprintf(copy, sizeof(text), "%s", text);                       /* stdio.h */
    printf("PASS: esp_tls.h brings in what ESP-IDF's does (%s; %d)\n", copy,
           ESP_ERR_HW_CRYPTO_BASE);
    free(copy);
    mbedtls_ssl_config_free(&conf);
    mbedtls_x509_crt_free(&crt);
    mbedtls_ssl_ticket_free(&tickets);
    mbedtls_ctr_drbg_free(&ctr_drbg);
    mbedtls_entropy_free(&entropy);
    return 0;
}
