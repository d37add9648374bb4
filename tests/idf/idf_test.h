// SPDX-License-Identifier: Apache-2.0
/*
 * Shared by the tests of tests/idf (ESP-IDF's esp-tls and tcp_transport test scenarios and its
 * https_request / https_x509_bundle examples, as our own tests): each program runs one scenario
 * per process, named on its command line, and exits 0 when every check held, 1 on the first
 * check that failed (file, line and the expression are printed), 77 when the scenario cannot
 * run here (ctest SKIP_RETURN_CODE). Peers are real processes (openssl s_server,
 * tests/interop/peer.py) on 127.0.0.1 and ::1, started by peer_proc.h on ports the kernel chose;
 * certificates come from tests/certs/gen.sh (the interop_certs fixture).
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_log.h"
#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "peer_proc.h"
#include "sdkconfig.h"

#define IDF_SKIP 77

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

/* Integer equality, both values printed on failure. */
#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_) {                                                                            \
            fprintf(stderr, "%s:%d: check failed: %s == %s (%lld, 0x%llx != %lld, 0x%llx)\n",      \
                    __FILE__, __LINE__, #a, #b, a_, a_, b_, b_);                                   \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

/* The library's heap in use now (esp_tls_ext.h), without the process-wide state. */
static inline size_t idf_heap(void)
{
    esp_tls_mem_stats_t st;
    esp_tls_get_mem_stats(&st);
    return st.current_bytes;
}

/* CERTDIR/NAME (NUL-terminated; PEM lengths count the NUL, as ESP-IDF's examples pass them) */
static inline char *idf_cert(const char *dir, const char *name, unsigned *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
        exit(1);
    }
    static char *bufs[16];
    static unsigned next;
    char *buf = calloc(1, 16384);
    CHECK(buf != NULL);
    size_t n = fread(buf, 1, 16383, f);
    fclose(f);
    CHECK(n > 0);
    free(bufs[next % 16]); /* the 16 most recent stay valid */
    bufs[next++ % 16] = buf;
    if (len != NULL) {
        *len = (unsigned)n + 1;
    }
    return buf;
}

/* The error captured in @p tls (esp_tls_get_and_clear_last_error) */
typedef struct {
    esp_err_t last;
    int code;
    int flags;
} idf_error_t;

static inline idf_error_t idf_error_of(esp_tls_t *tls)
{
    idf_error_t e = {0};
    esp_tls_error_handle_t h = NULL;
    if (tls != NULL && esp_tls_get_error_handle(tls, &h) == ESP_OK) {
        e.last = esp_tls_get_and_clear_last_error(h, &e.code, &e.flags);
    }
    return e;
}

/* ---- real peers ------------------------------------------------------------------------------ */

/* ::1 is configured (IPv6 cases are skipped without it) */
static inline bool idf_have_ipv6(void)
{
    FILE *f = fopen("/proc/net/if_inet6", "r");
    char line[256];
    bool found = false;
    while (f != NULL && !found && fgets(line, sizeof(line), f) != NULL) {
        found = strncmp(line, "00000000000000000000000000000001 ", 33) == 0;
    }
    if (f != NULL) {
        fclose(f);
    }
    return found;
}

/* The loopback hosts a scenario runs on: 127.0.0.1 always, ::1 when configured. */
static inline int idf_hosts(const char **hosts)
{
    hosts[0] = "127.0.0.1";
    hosts[1] = "::1";
    return idf_have_ipv6() ? 2 : 1;
}

/* "127.0.0.1:0" or "[::1]:0" for openssl's -accept */
static inline const char *idf_accept_any(const char *host)
{
    return strchr(host, ':') != NULL ? "[::1]:0" : "127.0.0.1:0";
}

/*
 * openssl s_server -www on @p host with CERTDIR/@p name.crt and .key, and up to 8 more
 * arguments (NULL-terminated). Exits the test if it does not start.
 */
static inline unit_peer_t idf_s_server(const char *dir, const char *host, const char *name,
                                       const char *const *extra)
{
    char cert[1024], key[1024];
    snprintf(cert, sizeof(cert), "%s/%s.crt", dir, name);
    snprintf(key, sizeof(key), "%s/%s.key", dir, name);
    char *argv[24] = {"openssl", "s_server", "-accept", (char *)idf_accept_any(host), "-cert", cert,
                      "-key",    key,        "-www"};
    size_t n = 9;
    for (size_t i = 0; extra != NULL && extra[i] != NULL && i < 8; i++) {
        argv[n++] = (char *)extra[i];
    }
    argv[n] = NULL;
    unit_peer_t p;
    if (unit_peer_start(&p, argv, "ACCEPT ") != 0) {
        fprintf(stderr, "openssl s_server did not start on %s\n", host);
        exit(1);
    }
    return p;
}

/* "https://HOST:PORT/" ([::1] for IPv6) */
static inline const char *idf_url(const char *host, int port)
{
    static char url[128];
    if (strchr(host, ':') != NULL) {
        snprintf(url, sizeof(url), "https://[%s]:%d/", host, port);
    } else {
        snprintf(url, sizeof(url), "https://%s:%d/", host, port);
    }
    return url;
}

/* ---- a custom certificate bundle ------------------------------------------------------------- */

#include "bundle/bundle_gen.h"
#include "esp_crt_bundle.h"

/*
 * Build a bundle of the test roots CERTDIR/ca-rsa.crt and ca-ec.crt (as ESP-IDF's
 * gen_crt_bundle.py builds one from custom certificates) and make it the one
 * esp_crt_bundle_attach() uses. The bundle stays allocated until exit.
 */
static inline void idf_bundle_set_test_roots(const char *dir)
{
    char rsa[1024], ec[1024];
    snprintf(rsa, sizeof(rsa), "%s/ca-rsa.crt", dir);
    snprintf(ec, sizeof(ec), "%s/ca-ec.crt", dir);
    esp_crt_bundle_input_t in[2] = {{rsa, false}, {ec, false}};
    esp_crt_bundle_build_cfg_t cfg = {.inputs = in, .input_count = 2};
    static uint8_t *bundle;
    size_t len = 0;
    esp_crt_bundle_build_free(bundle);
    bundle = NULL;
    CHECK_EQ(esp_crt_bundle_build(&cfg, &bundle, &len, NULL), ESP_OK);
    CHECK_EQ(esp_crt_bundle_set(bundle, len), ESP_OK);
}
