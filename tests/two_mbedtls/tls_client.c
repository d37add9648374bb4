// SPDX-License-Identifier: Apache-2.0
/*
 * The esp-tls half of the two_mbedtls test: only esp_tls.h and esp_tls_ext.h (the installed
 * headers, Mbed TLS 3.6 underneath), linked against libesp_tls.so. See run.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "two_mbedtls.h"

#if !defined(MBEDTLS_VERSION_MAJOR) || MBEDTLS_VERSION_MAJOR != 3
#error "tls_client.c must see esp-tls's installed Mbed TLS 3.6 headers"
#endif

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n > 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
            *len = fread(buf, 1, (size_t)n, f);
            buf[*len] = '\0';
        }
    }
    fclose(f);
    return buf;
}

int esp_tls_fetch(int port, const char *ca_file)
{
    size_t ca_len = 0;
    char *ca = read_file(ca_file, &ca_len);
    if (!ca) {
        printf("esp_tls: cannot read %s\n", ca_file);
        return -1;
    }
    esp_tls_cfg_t cfg = {
        .cacert_buf = (const unsigned char *)ca,
        .cacert_bytes = (unsigned int)ca_len + 1, /* PEM: with the NUL */
        .common_name = "localhost",
        .tls_version = ESP_TLS_VER_TLS_1_3,
        .timeout_ms = 10000,
    };
    int rc = -1;
    esp_tls_t *tls = esp_tls_init();
    if (tls && esp_tls_conn_new_sync("127.0.0.1", (int)strlen("127.0.0.1"), port, &cfg, tls) == 1) {
        esp_tls_conn_info_t info;
        static const char req[] = "GET / HTTP/1.0\r\n\r\n";
        char page[4096];
        size_t got = 0;
        if (esp_tls_get_conn_info(tls, &info) == ESP_OK &&
            esp_tls_conn_write(tls, req, sizeof(req) - 1) == (ssize_t)(sizeof(req) - 1)) {
            /* blocking socket: WANT_READ only says a record without data (a TLS 1.3 ticket)
             * came in; the next call waits for more */
            for (int calls = 0; got < sizeof(page) - 1 && calls < 64; calls++) {
                ssize_t n = esp_tls_conn_read(tls, page + got, sizeof(page) - 1 - got);
                if (n == ESP_TLS_ERR_SSL_WANT_READ || n == ESP_TLS_ERR_SSL_WANT_WRITE) {
                    continue;
                }
                if (n <= 0) {
                    break;
                }
                got += (size_t)n;
            }
            page[got] = '\0';
            printf("esp_tls version=%s ciphersuite=%s\n", info.version, info.ciphersuite);
            if (strcmp(info.version, "TLSv1.3") == 0 && strncmp(page, "HTTP/1.0 200", 12) == 0) {
                rc = 0;
            } else {
                printf("esp_tls: not TLS 1.3 or no page (%zu bytes)\n", got);
            }
        }
    } else {
        esp_tls_error_handle_t h = NULL;
        int code = 0, flags = 0;
        if (tls && esp_tls_get_error_handle(tls, &h) == ESP_OK) {
            esp_err_t err = esp_tls_get_and_clear_last_error(h, &code, &flags);
            printf("esp_tls: connection failed: %s, Mbed TLS code %d, flags 0x%x\n",
                   esp_err_to_name(err), code, (unsigned)flags);
        }
    }
    esp_tls_conn_destroy(tls);
    free(ca);
    return rc;
}
