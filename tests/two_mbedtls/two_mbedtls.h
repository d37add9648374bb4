// SPDX-License-Identifier: Apache-2.0
/* The two halves of the two_mbedtls test: nothing Mbed TLS in this interface. */
#ifndef TWO_MBEDTLS_H
#define TWO_MBEDTLS_H

/* hash_228.c: the program's own Mbed TLS 2.28 (version, SHA-256, a TLS-layer call); 0 if right */
int own_mbedtls_check(void);

/* tls_client.c: a verified TLS 1.3 connection through libesp_tls.so to 127.0.0.1:port, the
 * server's certificate checked against the CA file for the name "localhost"; 0 if right */
int esp_tls_fetch(int port, const char *ca_file);

#endif
