// SPDX-License-Identifier: Apache-2.0
/*
 * Threads: N client threads x M connections at once, half verifying with the global CA store
 * and half with a certificate bundle, while another thread appends to the global store. Every
 * connection must succeed and exchange data, and the library's heap must return to where it
 * started. tests/run-all.sh also runs this under ThreadSanitizer.
 */
#include "unit_support.h"

#include <pthread.h>

#include "bundle/bundle_gen.h"
#include "esp_crt_bundle.h"
#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "tls_peer.h"

#define THREADS 4
#define CONNECTIONS 8

static unit_pki_t s_pki;
static uint8_t *s_bundle; /* in use until detached: esp_crt_bundle_set() does not copy */
static int s_port;
static atomic_int s_ok;
static bool s_have_store; /* false with CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT (no global store) */

static int one_connection(bool use_bundle)
{
    esp_tls_cfg_t cfg = {.timeout_ms = 10000};
    if (use_bundle) {
        cfg.crt_bundle_attach = esp_crt_bundle_attach;
    } else {
        cfg.use_global_ca_store = true;
    }
    esp_tls_t *tls = esp_tls_init();
    if (tls == NULL) {
        return -1;
    }
    int rc = esp_tls_conn_new_sync("localhost", 9, s_port, &cfg, tls) == 1 ? 0 : -1;
    char buf[32] = {0};
    if (rc == 0 && esp_tls_conn_write(tls, "ping", 4) != 4) {
        rc = -1;
    }
    if (rc == 0 &&
        (esp_tls_conn_read(tls, buf, sizeof(buf) - 1) <= 0 || strcmp(buf, "PONG:ping") != 0)) {
        rc = -1;
    }
    esp_tls_conn_destroy(tls);
    return rc;
}

static void *client_thread(void *arg)
{
    bool use_bundle = ((intptr_t)arg % 2) == 1 || !s_have_store;
    for (int i = 0; i < CONNECTIONS; i++) {
        if (one_connection(use_bundle) == 0) {
            atomic_fetch_add(&s_ok, 1);
        }
    }
    return NULL;
}

static void *store_thread(void *arg)
{
    (void)arg;
    for (int i = 0; s_have_store && i < CONNECTIONS; i++) {
        /* appends the same root again: connections under way keep their reference */
        (void)esp_tls_set_global_ca_store((const unsigned char *)s_pki.ca.pem,
                                          (unsigned)s_pki.ca.pem_len + 1);
    }
    return NULL;
}

/* A bundle holding the test root, built with the bundle generator from a temp file. */
static int set_bundle(void)
{
    char path[] = "/tmp/esp_tls_threads_XXXXXX.pem";
    int fd = mkstemps(path, 4);
    if (fd < 0 || write(fd, s_pki.ca.pem, (size_t)s_pki.ca.pem_len) != s_pki.ca.pem_len) {
        return -1;
    }
    close(fd);
    esp_crt_bundle_input_t in = {path, true};
    esp_crt_bundle_build_cfg_t cfg = {.inputs = &in, .input_count = 1};
    size_t len = 0;
    esp_err_t rc = esp_crt_bundle_build(&cfg, &s_bundle, &len, NULL);
    unlink(path);
    if (rc == ESP_OK) {
        rc = esp_crt_bundle_set(s_bundle, len);
    }
    return rc == ESP_OK ? 0 : -1;
}

static void test_threads_share_store_and_bundle(void **state)
{
    (void)state;
    if (unit_pki_make(&s_pki) != 0) {
        skip();
    }
    esp_tls_mem_stats_t before, after;
    esp_tls_get_mem_stats(&before);
    assert_int_equal(set_bundle(), 0);
    s_have_store = esp_tls_set_global_ca_store((const unsigned char *)s_pki.ca.pem,
                                               (unsigned)s_pki.ca.pem_len + 1) == ESP_OK;
#if !CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT
    assert_true(s_have_store);
#endif
    unit_tls_server_t srv = {.pki = &s_pki};
    assert_int_equal(unit_tls_server_start(&srv), 0);
    s_port = srv.port;
    pthread_t t[THREADS + 1];
    for (intptr_t i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_create(&t[i], NULL, client_thread, (void *)i), 0);
    }
    assert_int_equal(pthread_create(&t[THREADS], NULL, store_thread, NULL), 0);
    for (int i = 0; i <= THREADS; i++) {
        pthread_join(t[i], NULL);
    }
    unit_tls_server_stop(&srv);
    assert_int_equal(atomic_load(&s_ok), THREADS * CONNECTIONS);
    esp_tls_free_global_ca_store();
    esp_crt_bundle_detach(NULL);
    esp_crt_bundle_build_free(s_bundle);
    esp_tls_get_mem_stats(&after);
    /* what remains is process-wide state created on first use (PSA, the bundle's dummy CA) */
    assert_true(after.current_bytes <= before.current_bytes + 4096);
    unit_pki_free(&s_pki);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_share_store_and_bundle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
