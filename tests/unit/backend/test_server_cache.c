// SPDX-License-Identifier: Apache-2.0
/*
 * Server sessions created from one configuration share its parsed certificate chain and key
 * (src/backend/mbedtls/server_cache.c): the second session parses nothing, a configuration
 * whose buffers changed is parsed and checked again, the library's per-connection heap comes
 * back after the sessions go, and threads may set up sessions from one configuration at once.
 * Counted (allocations, bytes), never timed.
 */
#include <pthread.h>

#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "tls_peer.h"
#include "unit_support.h"

static unit_pki_t s_pki;

static size_t allocations(void)
{
    esp_tls_mem_stats_t st;
    esp_tls_get_mem_stats(&st);
    return st.allocations;
}

static size_t current_bytes(void)
{
    esp_tls_mem_stats_t st;
    esp_tls_get_mem_stats(&st);
    return st.current_bytes;
}

static esp_tls_cfg_server_t cfg_of(const unit_blob_t *cert, const unsigned char *key, int key_len)
{
    esp_tls_cfg_server_t cfg = {.servercert_buf = (const unsigned char *)cert->pem,
                                .servercert_bytes = (unsigned)cert->pem_len + 1,
                                .serverkey_buf = key,
                                .serverkey_bytes = (unsigned)key_len};
    return cfg;
}

/* A server session on one end of a fresh socket pair; its result in *rc. */
static esp_tls_t *session(esp_tls_cfg_server_t *cfg, int sv[2], esp_err_t *rc)
{
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    esp_tls_t *tls = esp_tls_init();
    assert_non_null(tls);
    *rc = esp_tls_server_session_init(cfg, sv[0], tls);
    return tls;
}

static void end(esp_tls_t *tls, int sv[2])
{
    esp_tls_server_session_delete(tls);
    close(sv[0]);
    close(sv[1]);
}

static int setup(void **state)
{
    (void)state;
    if (unit_pki_make(&s_pki) != 0) {
        return -1;
    }
    return esp_tls_global_init() == ESP_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    unit_pki_free(&s_pki);
    return 0;
}

/* The first session parses and checks the pair; the second, at the same time or after the
 * first is gone, makes far fewer allocations (no certificate or key parsing). */
static void test_second_session_parses_nothing(void **state)
{
    (void)state;
    esp_tls_cfg_server_t cfg = cfg_of(&s_pki.server, (const unsigned char *)s_pki.server_key.pem,
                                      s_pki.server_key.pem_len + 1);
    size_t bytes0 = current_bytes();
    int sa[2], sb[2], sc[2];
    esp_err_t rc;
    size_t n0 = allocations();
    esp_tls_t *a = session(&cfg, sa, &rc);
    assert_int_equal(rc, ESP_OK);
    size_t first = allocations() - n0;
    n0 = allocations();
    esp_tls_t *b = session(&cfg, sb, &rc);
    assert_int_equal(rc, ESP_OK);
    size_t second = allocations() - n0;
    print_message("allocations: first session %zu, second %zu\n", first, second);
    assert_true(second + 20 < first);
    end(a, sa);
    end(b, sb);
    n0 = allocations();
    esp_tls_t *c = session(&cfg, sc, &rc); /* kept for the next session of a serial server */
    assert_int_equal(rc, ESP_OK);
    assert_true(allocations() - n0 + 20 < first);
    end(c, sc);
    assert_int_equal(current_bytes(), bytes0); /* the shared copy is process-wide state */
}

/* The key buffer is rewritten in place with another key of the same length: the new contents
 * are parsed and checked against the certificate, so the mismatch is found as before. */
static void test_changed_buffer_is_checked_again(void **state)
{
    (void)state;
    assert_int_equal(s_pki.server_key.der_len, s_pki.client_key.der_len);
    unsigned char *key = malloc((size_t)s_pki.server_key.der_len);
    assert_non_null(key);
    memcpy(key, s_pki.server_key.der, (size_t)s_pki.server_key.der_len);
    esp_tls_cfg_server_t cfg = cfg_of(&s_pki.server, key, s_pki.server_key.der_len);
    int sv[2];
    esp_err_t rc;
    esp_tls_t *tls = session(&cfg, sv, &rc);
    assert_int_equal(rc, ESP_OK);
    memcpy(key, s_pki.client_key.der, (size_t)s_pki.client_key.der_len);
    int sw[2];
    esp_tls_t *other = session(&cfg, sw, &rc); /* while the first session still holds it */
    assert_int_equal(rc, ESP_FAIL);
    esp_tls_error_handle_t h = NULL;
    assert_int_equal(esp_tls_get_error_handle(other, &h), ESP_OK);
    assert_int_equal(esp_tls_get_and_clear_last_error(h, NULL, NULL),
                     ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED);
    end(other, sw);
    memcpy(key, s_pki.server_key.der, (size_t)s_pki.server_key.der_len);
    esp_tls_t *again = session(&cfg, sw, &rc);
    assert_int_equal(rc, ESP_OK);
    end(again, sw);
    end(tls, sv);
    free(key);
}

static esp_tls_cfg_server_t s_shared_cfg;

static void *sessions(void *arg)
{
    (void)arg;
    for (int i = 0; i < 16; i++) {
        int sv[2];
        esp_err_t rc;
        esp_tls_t *tls = session(&s_shared_cfg, sv, &rc);
        assert_int_equal(rc, ESP_OK);
        end(tls, sv);
    }
    return NULL;
}

/* Threads set up and drop sessions of one configuration at once (build/tsan by hand). */
static void test_threads_share_one_configuration(void **state)
{
    (void)state;
    s_shared_cfg = cfg_of(&s_pki.server, (const unsigned char *)s_pki.server_key.pem,
                          s_pki.server_key.pem_len + 1);
    size_t bytes0 = current_bytes();
    pthread_t t[4];
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(t); i++) {
        assert_int_equal(pthread_create(&t[i], NULL, sessions, NULL), 0);
    }
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(t); i++) {
        pthread_join(t[i], NULL);
    }
    assert_int_equal(current_bytes(), bytes0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_second_session_parses_nothing),
        cmocka_unit_test(test_changed_buffer_is_checked_again),
        cmocka_unit_test(test_threads_share_one_configuration),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
