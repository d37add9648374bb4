// SPDX-License-Identifier: Apache-2.0
/*
 * Real handshakes through esp-tls with .crt_bundle_attach against `openssl s_server` on
 * 127.0.0.1 (port chosen by the kernel): a root known only to a custom bundle, the codes and
 * flags captured when no root matches, a server that sends a cross-signed root (default mode
 * fails, cross-signed mode passes), and the heap a verification through the bundle costs.
 */
#include <signal.h>

#include "unit_support.h"

#include "peer_proc.h"

#include "bundle/bundle_internal.h"
#include "bundle_test_pki.h"
#include "bundle_test_util.h"
#include "esp_tls.h"
#include "esp_tls_ext.h"

#ifndef UNIT_OPENSSL
#define UNIT_OPENSSL "openssl"
#endif

/* Extra peak heap a verification through the bundle may cost over no verification. With
 * dynamic buffers the connection's peak is the verification itself, so the CA the bundle
 * parses for it (RSA-4096 root: about 2.9 KB) adds in full. */
#if CONFIG_MBEDTLS_DYNAMIC_BUFFER
#define BUNDLE_HEAP_BUDGET 3072
#else
#define BUNDLE_HEAP_BUDGET 2048
#endif

static uint8_t *s_bundle; /* root, root-ec, r2 */
static size_t s_bundle_len;

typedef unit_peer_t server_t;

static int setup(void **state)
{
    (void)state;
    static const char *const roots[] = {"root.crt", "root-ec.crt", "r2.crt", NULL};
    signal(SIGPIPE, SIG_IGN);
    if (bt_pki_ready() != 0) {
        return -1;
    }
    s_bundle = bt_pki_bundle(roots, ESP_CRT_BUNDLE_FMT_OFFSETS, &s_bundle_len);
    return s_bundle != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    esp_crt_bundle_detach(NULL);
    esp_crt_bundle_build_free(s_bundle);
    return 0;
}

/* openssl s_server with @p leaf (and its .key) sending @p chain after it. */
static server_t start_server(const char *leaf, const char *chain, const char *version)
{
    char cert[512], key[512], chain_path[512];
    snprintf(cert, sizeof(cert), "%s/%s.crt", BUNDLE_CERTS, leaf);
    snprintf(key, sizeof(key), "%s/%s.key", BUNDLE_CERTS, leaf);
    snprintf(chain_path, sizeof(chain_path), "%s/%s", BUNDLE_CERTS, chain);
    char *argv[] = {UNIT_OPENSSL, "s_server",      "-accept", "127.0.0.1:0", "-cert",
                    cert,         "-key",          key,       "-cert_chain", chain_path,
                    "-www",       (char *)version, NULL};
    server_t s;
    assert_int_equal(unit_peer_start(&s, argv, "ACCEPT "), 0);
    return s;
}

static void stop_server(server_t *s)
{
    unit_peer_stop(s);
}

typedef struct {
    int rc;
    esp_err_t last;
    int code;
    int flags;
    size_t peak;
} outcome_t;

static outcome_t connect_to(const server_t *s, esp_err_t (*attach)(void *))
{
    esp_tls_cfg_t cfg = {.crt_bundle_attach = attach, .timeout_ms = 5000};
    outcome_t o = {0};
    esp_tls_reset_mem_peak();
    esp_tls_t *tls = esp_tls_init();
    assert_non_null(tls);
    o.rc = esp_tls_conn_new_sync("localhost", 9, s->port, &cfg, tls);
    esp_tls_mem_stats_t st;
    esp_tls_get_mem_stats(&st);
    o.peak = st.peak_bytes;
    esp_tls_error_handle_t h = NULL;
    esp_tls_get_error_handle(tls, &h);
    o.last = esp_tls_get_and_clear_last_error(h, &o.code, &o.flags);
    esp_tls_conn_destroy(tls);
    return o;
}

static esp_err_t attach_default(void *conf)
{
    return esp_crt_bundle_attach_mode(conf, ESP_CRT_BUNDLE_MODE_DEFAULT);
}

static esp_err_t attach_cross(void *conf)
{
    return esp_crt_bundle_attach_mode(conf, ESP_CRT_BUNDLE_MODE_CROSS_SIGNED);
}

/* Baseline for the heap budget: the same handshake with no verification at all. */
static esp_err_t attach_nothing(void *conf)
{
    mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_NONE);
    return ESP_OK;
}

static void expect_untrusted(const outcome_t *o)
{
    assert_int_equal(o->rc, -1);
    assert_int_equal(o->last, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
    assert_int_equal(o->code, -MBEDTLS_ERR_X509_CERT_VERIFY_FAILED); /* 0x2700 */
    assert_int_equal(o->flags, MBEDTLS_X509_BADCERT_NOT_TRUSTED);    /* 0x08 */
}

static void test_custom_root_after_set(void **state)
{
    (void)state;
    const char *versions[] = {"-tls1_3", "-tls1_2"};
    for (size_t i = 0; i < 2; i++) {
        server_t s = start_server("leaf", "chain.pem", versions[i]);
        esp_crt_bundle_detach(NULL); /* the built-in bundle: the test root is not in it */
        outcome_t o = connect_to(&s, esp_crt_bundle_attach);
        if (esp_crt_bundle_default_size != 0) {
            expect_untrusted(&o);
        }
        assert_int_equal(esp_crt_bundle_set(s_bundle, s_bundle_len), ESP_OK);
        o = connect_to(&s, esp_crt_bundle_attach);
        assert_int_equal(o.rc, 1);
        assert_int_equal(o.last, ESP_OK);
        o = connect_to(&s, attach_default);
        assert_int_equal(o.rc, 1);
        stop_server(&s);
    }
}

static void test_root_not_in_bundle(void **state)
{
    (void)state;
    server_t s = start_server("other-leaf", "other-chain.pem", "-tls1_3");
    assert_int_equal(esp_crt_bundle_set(s_bundle, s_bundle_len), ESP_OK);
    outcome_t o = connect_to(&s, attach_default);
    expect_untrusted(&o);
    o = connect_to(&s, attach_cross);
    expect_untrusted(&o);
    stop_server(&s);
}

static void test_cross_signed_handshake(void **state)
{
    (void)state;
    /* leaf <- intermediate <- R2; the server sends R2 cross-signed by R1 (not bundled) */
    server_t s = start_server("x-leaf", "x-chain.pem", "-tls1_3");
    assert_int_equal(esp_crt_bundle_set(s_bundle, s_bundle_len), ESP_OK);
    outcome_t o = connect_to(&s, attach_default);
    expect_untrusted(&o);
    o = connect_to(&s, attach_cross);
    assert_int_equal(o.rc, 1);
    stop_server(&s);
}

/* The extra peak heap of verifying through the bundle, against no verification. */
static void check_budget(const char *leaf, const char *chain, const char *version, bool default_ok)
{
    server_t s = start_server(leaf, chain, version);
    assert_int_equal(esp_crt_bundle_set(s_bundle, s_bundle_len), ESP_OK);
    connect_to(&s, attach_nothing); /* warm-up: process-wide state */
    outcome_t none = connect_to(&s, attach_nothing);
    outcome_t def = connect_to(&s, default_ok ? attach_default : attach_nothing);
    outcome_t cross = connect_to(&s, attach_cross);
    assert_int_equal(none.rc, 1);
    assert_int_equal(def.rc, 1);
    assert_int_equal(cross.rc, 1);
    print_message("%s %s: peak heap no CA %zu, bundle %zu (+%zd), cross-signed %zu (+%zd)\n", leaf,
                  version, none.peak, def.peak, (ssize_t)(def.peak - none.peak), cross.peak,
                  (ssize_t)(cross.peak - none.peak));
    assert_true(def.peak <= none.peak + BUNDLE_HEAP_BUDGET);
    assert_true(cross.peak <= none.peak + BUNDLE_HEAP_BUDGET);
    stop_server(&s);
}

static void test_heap_budget(void **state)
{
    (void)state;
    /* the bundle's cost only: a kept peer chain would count on the verified side */
    esp_tls_set_keep_peer_chain(false);
    check_budget("leaf", "chain.pem", "-tls1_3", true);
    check_budget("leaf", "chain.pem", "-tls1_2", true);
    check_budget("leaf-ec", "chain-ec.pem", "-tls1_3", true);
    check_budget("leaf-pss", "chain-pss.pem", "-tls1_3", true);
    check_budget("x-leaf", "x-chain.pem", "-tls1_3", false);       /* cross-signed mode only */
    check_budget("x-leaf", "x-chain-other.pem", "-tls1_3", false); /* a heap root */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_custom_root_after_set),
        cmocka_unit_test(test_root_not_in_bundle),
        cmocka_unit_test(test_cross_signed_handshake),
        cmocka_unit_test(test_heap_budget),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
