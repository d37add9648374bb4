// SPDX-License-Identifier: Apache-2.0
/*
 * two_mbedtls PORT CA_FILE: one process with Debian's Mbed TLS 2.28 (shared) for its own
 * hashing and libesp_tls.so (shared, with its private Mbed TLS 3.6) for a verified TLS 1.3
 * connection. Exit 0 when both work. See run.sh.
 */
#include <stdio.h>
#include <stdlib.h>

#include "two_mbedtls.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT CA_FILE\n", argv[0]);
        return 2;
    }
    int own = own_mbedtls_check();
    int tls = esp_tls_fetch(atoi(argv[1]), argv[2]);
    /* and 2.28 still answers after esp-tls has run */
    int own_after = own_mbedtls_check();
    return own == 0 && tls == 0 && own_after == 0 ? 0 : 1;
}
