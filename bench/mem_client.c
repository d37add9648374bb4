// SPDX-License-Identifier: Apache-2.0
/*
 * mem_client: heap of one client connection, by phase, from the library's counting allocator
 * (esp_tls_get_mem_stats(): every allocation of esp-tls and Mbed TLS).
 *
 *   mem_client --port P (--ca FILE | --bundle FILE) [--cert FILE --key FILE]
 *              [--tls12|--tls13] [--size N] [--cycles N] [--max-record N] [--host H]
 *              [--no-count]
 *
 * Connects to H:P (default "localhost", resolved by the library; an IP literal such as
 * 127.0.0.1 is connected to without DNS and verified as "localhost"), sends "GET\n" and reads N
 * bytes (default 16384; the bench server sends them as one record). Prints, in bytes above the heap
 * in use before the connection: hs_peak (during esp_tls_conn_new_sync), idle (after the response,
 * connection open), rx_peak (while writing the request and receiving the response) and peak (both).
 * --no-count turns the library's counting allocator off (esp_tls_mem_set_counting(false)): the
 * figures are then zero; for instruction counts (bench/client_cpu.sh).
 * With --cycles N it connects and closes N times instead and prints leak= (heap in use after
 * the cycles minus before).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_crt_bundle.h"
#include "esp_tls.h"
#include "esp_tls_ext.h"

typedef struct {
    int port;
    int version;
    size_t size;
    long cycles;
    const char *host;
    unsigned max_record; /* --max-record: esp_tls_cfg_t.peer_record_size */
    char *ca, *bundle, *cert, *key;
    size_t ca_len, bundle_len, cert_len, key_len;
} opts_t;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    /* exactly the file's size: whole-process heap figures (bench/whole.sh) count this too */
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    rewind(f);
    char *buf = size > 0 ? malloc((size_t)size + 1) : NULL;
    size_t n = buf ? fread(buf, 1, (size_t)size, f) : 0;
    fclose(f);
    if (buf == NULL || n == 0) {
        exit(2);
    }
    buf[n] = '\0';
    *len = n + 1; /* PEM: with the NUL */
    return buf;
}

static size_t now_bytes(void)
{
    esp_tls_mem_stats_t st;
    esp_tls_get_mem_stats(&st);
    return st.current_bytes;
}

static size_t peak_bytes(void)
{
    esp_tls_mem_stats_t st;
    esp_tls_get_mem_stats(&st);
    return st.peak_bytes;
}

static void parse(int argc, char **argv, opts_t *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : "";
        if (!strcmp(a, "--no-count")) {
            if (esp_tls_mem_set_counting(false) != ESP_OK) {
                exit(2);
            }
            continue;
        }
        if (!strcmp(a, "--tls12") || !strcmp(a, "--tls13")) {
            o->version = a[6] == '2' ? ESP_TLS_VER_TLS_1_2 : ESP_TLS_VER_TLS_1_3;
            continue;
        }
        i++;
        if (!strcmp(a, "--port")) {
            o->port = atoi(v);
        } else if (!strcmp(a, "--size")) {
            o->size = (size_t)atol(v);
        } else if (!strcmp(a, "--max-record")) {
            o->max_record = (unsigned)atoi(v);
        } else if (!strcmp(a, "--host")) {
            o->host = v;
        } else if (!strcmp(a, "--cycles")) {
            o->cycles = atol(v);
        } else if (!strcmp(a, "--ca")) {
            o->ca = slurp(v, &o->ca_len);
        } else if (!strcmp(a, "--bundle")) {
            o->bundle = slurp(v, &o->bundle_len);
            o->bundle_len--; /* binary: no NUL */
        } else if (!strcmp(a, "--cert")) {
            o->cert = slurp(v, &o->cert_len);
        } else if (!strcmp(a, "--key")) {
            o->key = slurp(v, &o->key_len);
        } else {
            fprintf(stderr, "mem_client: unknown option %s\n", a);
            exit(2);
        }
    }
}

static void fill_cfg(const opts_t *o, esp_tls_cfg_t *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->tls_version = (esp_tls_proto_ver_t)o->version;
    cfg->timeout_ms = 10000;
    cfg->peer_record_size = (uint16_t)o->max_record;
    cfg->common_name = "localhost"; /* also when connecting to an IP literal */
    if (o->bundle != NULL) {
        cfg->crt_bundle_attach = esp_crt_bundle_attach;
    } else {
        cfg->cacert_buf = (const unsigned char *)o->ca;
        cfg->cacert_bytes = (unsigned)o->ca_len;
    }
    if (o->cert != NULL) {
        cfg->clientcert_buf = (const unsigned char *)o->cert;
        cfg->clientcert_bytes = (unsigned)o->cert_len;
        cfg->clientkey_buf = (const unsigned char *)o->key;
        cfg->clientkey_bytes = (unsigned)o->key_len;
    }
}

static int exchange(esp_tls_t *tls, size_t size)
{
    static char buf[16384];
    if (esp_tls_conn_write(tls, "GET\n", 4) != 4) {
        return -1;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = esp_tls_conn_read(tls, buf, sizeof(buf));
        if (n == ESP_TLS_ERR_SSL_WANT_READ) {
            continue; /* a TLS 1.3 ticket was taken in */
        }
        if (n <= 0) {
            fprintf(stderr, "mem_client: read returned %zd after %zu bytes\n", n, got);
            return -1;
        }
        got += (size_t)n;
    }
    return 0;
}

static int one(const opts_t *o, const esp_tls_cfg_t *cfg)
{
    size_t base = now_bytes();
    esp_tls_reset_mem_peak();
    esp_tls_t *tls = esp_tls_init();
    if (tls == NULL ||
        esp_tls_conn_new_sync(o->host, (int)strlen(o->host), o->port, cfg, tls) != 1) {
        printf("result=0\n");
        esp_tls_conn_destroy(tls);
        return 1;
    }
    size_t hs_peak = peak_bytes() - base;
    size_t idle_hs = now_bytes() - base;
    esp_tls_reset_mem_peak();
    int rc = exchange(tls, o->size);
    size_t rx_peak = peak_bytes() - base;
    size_t idle = now_bytes() - base;
    esp_tls_conn_destroy(tls);
    printf("result=%d\nhs_peak=%zu\nidle_after_hs=%zu\nidle=%zu\nrx_peak=%zu\npeak=%zu\n", rc == 0,
           hs_peak, idle_hs, idle, rx_peak, hs_peak > rx_peak ? hs_peak : rx_peak);
    return rc == 0 ? 0 : 1;
}

static int cycles(const opts_t *o, const esp_tls_cfg_t *cfg)
{
    size_t before = 0;
    for (long i = 0; i < o->cycles; i++) {
        esp_tls_t *tls = esp_tls_init();
        if (tls == NULL ||
            esp_tls_conn_new_sync(o->host, (int)strlen(o->host), o->port, cfg, tls) != 1 ||
            exchange(tls, o->size) != 0) {
            printf("result=0\ncycle=%ld\n", i);
            esp_tls_conn_destroy(tls);
            return 1;
        }
        esp_tls_conn_destroy(tls);
        if (i == 0) {
            before = now_bytes(); /* after the first: process-wide state (PSA) exists */
        }
    }
    printf("result=1\ncycles=%ld\nleak=%zd\n", o->cycles, (ssize_t)(now_bytes() - before));
    return now_bytes() == before ? 0 : 1;
}

int main(int argc, char **argv)
{
    /* stdout's buffer in static storage: the C library would take 4 KB of heap for it, which
     * whole-process figures (bench/whole.sh) would charge to the connection */
    static char out_buf[BUFSIZ];
    setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
    opts_t o = {.version = ESP_TLS_VER_ANY, .size = 16384, .host = "localhost"};
    parse(argc, argv, &o);
    if (o.port == 0 || (o.ca == NULL && o.bundle == NULL)) {
        fprintf(stderr, "usage: see the comment at the top of bench/mem_client.c\n");
        return 2;
    }
    if (o.bundle != NULL && esp_crt_bundle_set((const uint8_t *)o.bundle, o.bundle_len) != ESP_OK) {
        fprintf(stderr, "mem_client: bad bundle\n");
        return 2;
    }
    esp_tls_cfg_t cfg;
    fill_cfg(&o, &cfg);
    /* Process-wide state (PSA Crypto; the library sets it up on first use otherwise) is not
     * per connection: the library counts it apart; it is set up first and printed on its own */
    if (esp_tls_global_init() != ESP_OK) {
        return 2;
    }
    printf("process_wide=%zu\n", esp_tls_get_global_mem_bytes());
    return o.cycles > 0 ? cycles(&o, &cfg) : one(&o, &cfg);
}
