// SPDX-License-Identifier: Apache-2.0
/*
 * mem_stress: the library's memory under stress, against openssl s_server -www.
 *
 *   mem_stress CERTDIR (--fail-every | --cycles N | --record-sizes) [--tls12|--tls13]
 *              [--mutual] [--no-count]
 *
 * --fail-every: counts the allocations K of one full connection (handshake, request,
 *   response, close), then for n = 1..K runs the same connection with the n-th allocation
 *   failing. Each must end in a clean result (an error, or success if the failure was
 *   recovered) with the heap back where it started: a leak fails the test, a crash fails it
 *   anyway (run it under ASan/Valgrind for memory errors).
 * --cycles N: N connect/exchange/close cycles; the heap in use must end where it started.
 * --record-sizes: against tests/interop/record_sizes.py instead, which sends one record of
 *   every size from 1 to 16384; the content is checked and the heap must end where it started.
 * --mutual: the server asks for a client certificate and the client sends its RSA one (the
 *   own certificate and key are loaded, the key moved into PSA in builds with
 *   CONFIG_MBEDTLS_USE_PSA_CRYPTO, and all released after the handshake in lean builds).
 * --no-count: the counting allocator off (esp_tls_mem_set_counting(false)): Mbed TLS allocates
 *   from the C library, the heap figures read zero; with --record-sizes this checks that the
 *   dynamic buffers work without the allocator that serves mbedtls_ssl_setup() a small buffer.
 * Prints one summary line; exit status 0 when everything held. MEM_STRESS_ONLY=n starts the
 * --fail-every loop at n (to look at one case under Valgrind).
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "esp_log.h"
#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "mem/mem.h"
#include "psa/crypto.h"

static char s_ca[8192];
static char s_cert[8192]; /* --mutual: client certificate and key (PEM) */
static char s_key[8192];
static bool s_mutual;
static int s_port;
static esp_tls_proto_ver_t s_ver = ESP_TLS_VER_ANY;
/* leaks inside Mbed TLS itself (tests/interop/CMakeLists.txt): at most this many, each of
 * exactly one of the known sizes; any other leak fails */
static long s_known_leaks;
static size_t s_known_sizes[4];

static bool known_size(size_t bytes)
{
    for (size_t i = 0; i < sizeof(s_known_sizes) / sizeof(s_known_sizes[0]); i++) {
        if (s_known_sizes[i] != 0 && s_known_sizes[i] == bytes) {
            return true;
        }
    }
    return false;
}

static size_t in_use(size_t *allocs)
{
    esp_tls_mem_stats_t st;
    esp_tls_get_mem_stats(&st);
    if (allocs != NULL) {
        *allocs = st.allocations;
    }
    return st.current_bytes;
}

static pid_t start_server(const char *dir)
{
    char cert[512], key[512], accept[32];
    snprintf(cert, sizeof(cert), "%s/server-ec.crt", dir);
    snprintf(key, sizeof(key), "%s/server-ec.key", dir);
    s_port = 20000 + (int)(getpid() % 10000);
    snprintf(accept, sizeof(accept), "127.0.0.1:%d", s_port);
    char ca[512];
    snprintf(ca, sizeof(ca), "%s/ca-rsa.crt", dir); /* issuer of the client's certificate */
    pid_t pid = fork();
    if (pid == 0) {
        if (s_mutual) {
            execlp("openssl", "openssl", "s_server", "-accept", accept, "-cert", cert, "-key", key,
                   "-Verify", "1", "-CAfile", ca, "-www", "-quiet", (char *)NULL);
        } else {
            execlp("openssl", "openssl", "s_server", "-accept", accept, "-cert", cert, "-key", key,
                   "-www", "-quiet", (char *)NULL);
        }
        _exit(127);
    }
    usleep(500 * 1000);
    return pid;
}

/* One connection: 1 if it completed, 0 if it ended in an error. */
static int one_connection(void)
{
    esp_tls_cfg_t cfg = {.cacert_buf = (const unsigned char *)s_ca,
                         .cacert_bytes = (unsigned)strlen(s_ca) + 1,
                         .tls_version = s_ver,
                         .timeout_ms = 5000};
    if (s_mutual) {
        cfg.clientcert_buf = (const unsigned char *)s_cert;
        cfg.clientcert_bytes = (unsigned)strlen(s_cert) + 1;
        cfg.clientkey_buf = (const unsigned char *)s_key;
        cfg.clientkey_bytes = (unsigned)strlen(s_key) + 1;
    }
    esp_tls_t *tls = esp_tls_init();
    if (tls == NULL) {
        return 0;
    }
    int ok = esp_tls_conn_new_sync("localhost", 9, s_port, &cfg, tls) == 1;
    if (ok) {
        static const char req[] = "GET / HTTP/1.0\r\n\r\n";
        char buf[512];
        ok = esp_tls_conn_write(tls, req, sizeof(req) - 1) == (ssize_t)(sizeof(req) - 1);
        ssize_t n = ok ? 1 : -1;
        int wants = 0; /* a ticket, or the read timeout (timeout_ms): give up after a few */
        while (n > 0 || (n == ESP_TLS_ERR_SSL_WANT_READ && ++wants < 4)) {
            n = esp_tls_conn_read(tls, buf, sizeof(buf));
        }
        ok = ok && n == 0;
    }
    esp_tls_conn_destroy(tls);
    return ok;
}

static int fail_every(void)
{
    size_t a0, a1;
    if (!one_connection()) { /* warm-up: process-wide state */
        return 1;
    }
    size_t base = in_use(&a0);
    if (!one_connection()) {
        return 1;
    }
    in_use(&a1);
    size_t k = a1 - a0, leaks = 0, errors = 0, unknown = 0;
    const char *only = getenv("MEM_STRESS_ONLY"); /* debugging: just that allocation */
    for (size_t n = only ? (size_t)atol(only) : 1; n <= k; n++) {
        esp_tls_mem_fail_at(n);
        errors += one_connection() ? 0 : 1;
        esp_tls_mem_fail_at(0);
        if (in_use(NULL) != base) {
            size_t leaked = in_use(NULL) - base;
            bool known = known_size(leaked);
            printf("leak after failing allocation %zu: %zu bytes%s\n", n, leaked,
                   known ? " (the known Mbed TLS one)" : "");
            leaks++;
            unknown += known ? 0 : 1;
            base = in_use(NULL);
        }
    }
    printf("fail-every: %zu allocations per connection, each failed once: %zu clean errors, "
           "%zu recovered, %zu leaks, %zu of them of an unknown size (tolerated: %ld of the "
           "known sizes, MEM_STRESS_KNOWN_LEAKS)\n",
           k, errors, k - errors, leaks, unknown, s_known_leaks);
    return unknown == 0 && (long)leaks <= s_known_leaks ? 0 : 1;
}

static int cycles(long count)
{
    if (!one_connection()) {
        return 1;
    }
    size_t base = in_use(NULL);
    for (long i = 0; i < count; i++) {
        if (!one_connection()) {
            printf("cycle %ld failed\n", i);
            return 1;
        }
    }
    ssize_t diff = (ssize_t)(in_use(NULL) - base);
    printf("cycles: %ld connections, heap in use after minus before: %zd bytes\n", count, diff);
    return diff == 0 ? 0 : 1;
}

static pid_t start_sizes_peer(const char *dir, const char *script)
{
    char cert[512], key[512], port[16];
    snprintf(cert, sizeof(cert), "%s/server-ec.crt", dir);
    snprintf(key, sizeof(key), "%s/server-ec.key", dir);
    s_port = 20000 + (int)(getpid() % 10000);
    snprintf(port, sizeof(port), "%d", s_port);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/usr/bin/python3", "python3", script, port, cert, key, (char *)NULL);
        _exit(127);
    }
    usleep(800 * 1000);
    return pid;
}

/* Checks the stream of records n = 1..16384, each n bytes of n % 251. */
static int read_sizes(esp_tls_t *tls)
{
    static char buf[16384];
    size_t n = 1, left = 1;
    ssize_t got;
    int idle = 0; /* read timeouts in a row: a peer that stopped sending ends the test */
    while ((got = esp_tls_conn_read(tls, buf, sizeof(buf))) > 0 ||
           (got == ESP_TLS_ERR_SSL_WANT_READ && ++idle < 3)) {
        idle = got > 0 ? 0 : idle;
        for (ssize_t i = 0; i < got; i++) {
            if (n > 16384 || (unsigned char)buf[i] != n % 251) {
                printf("record-sizes: wrong byte in record %zu\n", n);
                return 1;
            }
            if (--left == 0) {
                n++;
                left = n;
            }
        }
    }
    printf("record-sizes: %zu of 16384 records received intact\n", n - 1);
    return n == 16385 ? 0 : 1;
}

static int record_sizes(const char *dir)
{
    char script[600];
    snprintf(script, sizeof(script), "%s", SIZES_PEER);
    pid_t peer = start_sizes_peer(dir, script);
    /* process-wide: PSA allocates its first key slots on the first key and keeps them */
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attr, PSA_KEY_TYPE_AES);
    psa_set_key_bits(&attr, 128);
    psa_key_id_t key;
    if (psa_generate_key(&attr, &key) == PSA_SUCCESS) {
        psa_destroy_key(key);
    }
    size_t base = in_use(NULL);
    esp_tls_cfg_t cfg = {.cacert_buf = (const unsigned char *)s_ca,
                         .cacert_bytes = (unsigned)strlen(s_ca) + 1,
                         .tls_version = s_ver,
                         .timeout_ms = 10000};
    esp_tls_t *tls = esp_tls_init();
    int rc = 1;
    if (tls != NULL && esp_tls_conn_new_sync("localhost", 9, s_port, &cfg, tls) == 1) {
        rc = read_sizes(tls);
    }
    esp_tls_conn_destroy(tls);
    waitpid(peer, NULL, 0);
    if (in_use(NULL) != base) {
        printf("record-sizes: heap in use changed by %zd bytes\n", (ssize_t)(in_use(NULL) - base));
        rc = 1;
    }
    return rc;
}

/* DIR/NAME into @p buf of @p size bytes, NUL-terminated */
static bool read_pem(const char *dir, const char *name, char *buf, size_t size)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    if (f != NULL) {
        fclose(f);
    }
    if (n == 0) {
        perror(path);
        return false;
    }
    buf[n] = '\0';
    return true;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--no-count") && esp_tls_mem_set_counting(false) != ESP_OK) {
            return 2;
        }
    }
    if (argc < 3 || esp_tls_global_init() != ESP_OK) {
        fprintf(stderr, "usage: mem_stress CERTDIR (--fail-every | --cycles N | --record-sizes) "
                        "[--tls12|--tls13]\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        s_ver = !strcmp(argv[i], "--tls12")   ? ESP_TLS_VER_TLS_1_2
                : !strcmp(argv[i], "--tls13") ? ESP_TLS_VER_TLS_1_3
                                              : s_ver;
    }
    for (int i = 1; i < argc; i++) {
        s_mutual = s_mutual || !strcmp(argv[i], "--mutual");
    }
    if (!read_pem(argv[1], "ca-ec.crt", s_ca, sizeof(s_ca)) ||
        (s_mutual && (!read_pem(argv[1], "client-rsa.crt", s_cert, sizeof(s_cert)) ||
                      !read_pem(argv[1], "client-rsa.key", s_key, sizeof(s_key))))) {
        return 2;
    }
    esp_log_level_set("*", ESP_LOG_NONE);
    /* MEM_STRESS_KNOWN_LEAKS=COUNTxBYTES[,BYTES...] */
    const char *known = getenv("MEM_STRESS_KNOWN_LEAKS");
    char *x = NULL;
    s_known_leaks = known ? strtol(known, &x, 10) : 0;
    for (size_t i = 0; x && (*x == 'x' || *x == ',') && i < 4; i++) {
        s_known_sizes[i] = (size_t)strtoul(x + 1, &x, 10);
    }
    if (!strcmp(argv[2], "--record-sizes")) {
        return record_sizes(argv[1]);
    }
    pid_t srv = start_server(argv[1]);
    int rc = !strcmp(argv[2], "--cycles") && argc > 3 ? cycles(atol(argv[3])) : fail_every();
    kill(srv, SIGTERM);
    waitpid(srv, NULL, 0);
    return rc;
}
