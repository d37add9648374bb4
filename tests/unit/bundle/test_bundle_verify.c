// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the bundle's verification (src/bundle/bundle_verify.c, bundle_ca_cb.c,
 * esp_crt_bundle.c), with Mbed TLS's chain verification driven directly, as ESP-IDF's own
 * test does with esp_crt_verify_callback: the default mode (the callback anchors the issuer of
 * the top certificate) and the cross-signed mode (the trusted-CA callback), signature schemes,
 * weak hashes, damaged signatures, the global bundle's life cycle, and threads.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "unit_support.h"

#include "backend/mbedtls/reach/reach.h"
#include "bundle/bundle_internal.h"
#include "bundle_test_pki.h"
#include "bundle_test_util.h"
#include "esp_tls_ext.h"
#include "mbedtls/platform.h"
#include "mbedtls/ssl.h"
#include "psa/crypto.h"

typedef enum {
    DEFAULT = ESP_CRT_BUNDLE_MODE_DEFAULT,
    CROSS = ESP_CRT_BUNDLE_MODE_CROSS_SIGNED
} mode_t_;

static uint8_t *s_main; /* root, root-ec, r2 */
static size_t s_main_len;
static uint8_t *s_legacy; /* the same, legacy format */
static size_t s_legacy_len;
static uint8_t *s_rekeyed; /* r2b and r2: one name, two keys */
static size_t s_rekeyed_len;

static int setup(void **state)
{
    (void)state;
    if (esp_tls_global_init() != ESP_OK || bt_pki_ready() != 0) {
        return -1;
    }
    static const char *const main_roots[] = {"root.crt", "root-ec.crt", "r2.crt", NULL};
    static const char *const rekeyed[] = {"r2b.crt", "r2.crt", NULL};
    s_main = bt_pki_bundle(main_roots, ESP_CRT_BUNDLE_FMT_OFFSETS, &s_main_len);
    s_legacy = bt_pki_bundle(main_roots, ESP_CRT_BUNDLE_FMT_LEGACY, &s_legacy_len);
    s_rekeyed = bt_pki_bundle(rekeyed, ESP_CRT_BUNDLE_FMT_OFFSETS, &s_rekeyed_len);
    return s_main && s_legacy && s_rekeyed ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    esp_crt_bundle_detach(NULL);
    esp_crt_bundle_build_free(s_main);
    esp_crt_bundle_build_free(s_legacy);
    esp_crt_bundle_build_free(s_rekeyed);
    mbedtls_psa_crypto_free();
    return 0;
}

static int reset(void **state)
{
    (void)state;
    esp_crt_bundle_detach(NULL);
    return esp_crt_bundle_set(s_main, s_main_len) == ESP_OK ? 0 : -1;
}

/* Verify @p crt through the bundle in @p mode; the Mbed TLS result, flags in *flags. */
static int verify(mbedtls_x509_crt *crt, mode_t_ mode, uint32_t *flags)
{
    if (mode == CROSS) {
        return mbedtls_x509_crt_verify_with_ca_cb(crt, esp_crt_bundle_ca_cb, NULL,
                                                  &mbedtls_x509_crt_profile_default, NULL, flags,
                                                  esp_crt_verify_callback, NULL);
    }
    return mbedtls_x509_crt_verify(crt, NULL, NULL, NULL, flags, esp_crt_verify_callback, NULL);
}

/* Verify the PKI chain @p names in both modes and check the outcome of each. */
static void expect_chain(const char *const *names, uint32_t want_default, uint32_t want_cross)
{
    mbedtls_x509_crt crt;
    assert_int_equal(bt_pki_chain(&crt, names), 0);
    const uint32_t want[] = {want_default, want_cross};
    for (int mode = DEFAULT; mode <= CROSS; mode++) {
        uint32_t flags = 0xdead;
        int ret = verify(&crt, (mode_t_)mode, &flags);
        if (flags != want[mode]) {
            fail_msg("%s, %s mode: flags 0x%x, expected 0x%x (ret -0x%x)", names[0],
                     mode == CROSS ? "cross-signed" : "default", (unsigned)flags,
                     (unsigned)want[mode], (unsigned)-ret);
        }
        assert_int_equal(ret, want[mode] ? MBEDTLS_ERR_X509_CERT_VERIFY_FAILED : 0);
    }
    mbedtls_x509_crt_free(&crt);
}

#define CHAIN(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NOT_TRUSTED MBEDTLS_X509_BADCERT_NOT_TRUSTED

/* ---- accepted chains ------------------------------------------------------------------------ */

static void test_signature_schemes(void **state)
{
    (void)state;
    expect_chain(CHAIN("leaf.crt", "chain.pem"), 0, 0);             /* RSA PKCS#1 v1.5 */
    expect_chain(CHAIN("leaf-pss.crt", "chain-pss.pem"), 0, 0);     /* RSASSA-PSS on the anchor */
    expect_chain(CHAIN("leaf-ec.crt", "chain-ec.pem"), 0, 0);       /* ECDSA */
    expect_chain(CHAIN("leaf-direct.crt"), 0, 0);                   /* the root signed the leaf */
    expect_chain(CHAIN("leaf.crt", "chain.pem", "root.crt"), 0, 0); /* root sent as well */
}

static void test_legacy_bundle(void **state)
{
    (void)state;
    assert_int_equal(esp_crt_bundle_set(s_legacy, s_legacy_len), ESP_OK);
    expect_chain(CHAIN("leaf.crt", "chain.pem"), 0, 0);
    expect_chain(CHAIN("leaf-ec.crt", "chain-ec.pem"), 0, 0);
    expect_chain(CHAIN("x-leaf.crt", "x-chain.pem"), NOT_TRUSTED, 0);
}

/* A weak hash fails the chain also on the link the bundle anchors (ESP-IDF tolerated it there;
 * a cacert_buf anchor never did), and below it. */
static void test_weak_hash(void **state)
{
    (void)state;
    expect_chain(CHAIN("leaf-sha1.crt", "chain-sha1.pem"), MBEDTLS_X509_BADCERT_BAD_MD,
                 MBEDTLS_X509_BADCERT_BAD_MD);
    expect_chain(CHAIN("leaf-weak.crt", "chain.pem"), MBEDTLS_X509_BADCERT_BAD_MD,
                 MBEDTLS_X509_BADCERT_BAD_MD);
}

/* ---- rejected chains ------------------------------------------------------------------------ */

/* Anchoring clears "not trusted" only: the other flags are reported as with a CA chain. */
static void test_other_flags_kept(void **state)
{
    (void)state;
    mbedtls_x509_crt crt;
    assert_int_equal(bt_pki_chain(&crt, CHAIN("leaf-direct.crt")), 0);
    uint32_t flags = 0;
    assert_int_equal(mbedtls_x509_crt_verify(&crt, NULL, NULL, "wrong.example", &flags,
                                             esp_crt_verify_callback, NULL),
                     MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
    assert_int_equal(flags, MBEDTLS_X509_BADCERT_CN_MISMATCH);
    assert_int_equal(mbedtls_x509_crt_verify_with_ca_cb(
                         &crt, esp_crt_bundle_ca_cb, NULL, &mbedtls_x509_crt_profile_default,
                         "wrong.example", &flags, esp_crt_verify_callback, NULL),
                     MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
    assert_int_equal(flags, MBEDTLS_X509_BADCERT_CN_MISMATCH);
    assert_int_equal(mbedtls_x509_crt_verify(&crt, NULL, NULL, "localhost", &flags,
                                             esp_crt_verify_callback, NULL),
                     0);
    mbedtls_x509_crt_free(&crt);
}

static void test_root_not_in_bundle(void **state)
{
    (void)state;
    bt_log_capture();
    expect_chain(CHAIN("other-leaf.crt", "other-chain.pem"), NOT_TRUSTED, NOT_TRUSTED);
    esp_log_set_vprintf(NULL);
    assert_non_null(strstr(bt_log_text(), "No matching trusted root certificate found (issuer: "
                                          "O=esp-tls tests, CN=esp-tls Bundle Other Root)"));
    assert_non_null(strstr(bt_log_text(), "Failed to verify certificate"));
}

/* Parse @p name with one byte of its signature (@p from_end bytes before the end) flipped. */
static void parse_flipped(mbedtls_x509_crt *crt, const char *name, size_t from_end)
{
    mbedtls_x509_crt one;
    mbedtls_x509_crt_init(&one);
    assert_int_equal(mbedtls_x509_crt_parse_file(&one, bt_pki(name)), 0);
    unsigned char der[4096];
    assert_true(one.raw.len <= sizeof(der));
    memcpy(der, one.raw.p, one.raw.len);
    der[one.raw.len - from_end] ^= 0x01;
    assert_int_equal(mbedtls_x509_crt_parse_der(crt, der, one.raw.len), 0);
    mbedtls_x509_crt_free(&one);
}

static void test_flipped_signature(void **state)
{
    (void)state;
    for (int mode = DEFAULT; mode <= CROSS; mode++) {
        /* the link the bundle anchors: the intermediate's signature by the root */
        mbedtls_x509_crt crt;
        mbedtls_x509_crt_init(&crt);
        assert_int_equal(mbedtls_x509_crt_parse_file(&crt, bt_pki("leaf.crt")), 0);
        parse_flipped(&crt, "int.crt", 10);
        uint32_t flags = 0;
        bt_log_capture();
        assert_int_equal(verify(&crt, (mode_t_)mode, &flags), MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
        esp_log_set_vprintf(NULL);
        assert_true(flags & NOT_TRUSTED);
        if (mode == DEFAULT) {
            assert_non_null(strstr(bt_log_text(), "matched but signature verification failed"));
        }
        mbedtls_x509_crt_free(&crt);
        /* a link below it: the leaf's signature by the intermediate */
        mbedtls_x509_crt_init(&crt);
        parse_flipped(&crt, "leaf.crt", 20);
        assert_int_equal(mbedtls_x509_crt_parse_file(&crt, bt_pki("chain.pem")), 0);
        assert_int_equal(verify(&crt, (mode_t_)mode, &flags), MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
        assert_true(flags & NOT_TRUSTED);
        mbedtls_x509_crt_free(&crt);
    }
}

/* ---- cross-signed roots ------------------------------------------------------------------- */

static void test_cross_signed(void **state)
{
    (void)state;
    /* The server sends R2 cross-signed by R1 (not in the bundle); R2 itself is bundled. */
    expect_chain(CHAIN("x-leaf.crt", "x-chain.pem"), NOT_TRUSTED, 0);
    expect_chain(CHAIN("x-leaf.crt", "x-int.crt"), 0, 0);
}

static void test_rekeyed_root(void **state)
{
    (void)state;
    /* two roots named R2; the second holds the key that signed x-int */
    assert_int_equal(esp_crt_bundle_set(s_rekeyed, s_rekeyed_len), ESP_OK);
    expect_chain(CHAIN("x-leaf.crt", "x-int.crt"), 0, 0);
    expect_chain(CHAIN("x-leaf.crt", "x-chain.pem"), NOT_TRUSTED, 0);
    /* the server sends a third certificate named R2 that no bundle holds: in cross-signed
     * mode the bundled roots of that name are handed to Mbed TLS, and it picks the right one */
    expect_chain(CHAIN("x-leaf.crt", "x-chain-other.pem"), NOT_TRUSTED, 0);
}

/* The trusted-CA callback builds heap roots only when the peer's chain offers a certificate
 * under the issuer's name that is not bundled. */
static void test_ca_cb_candidates(void **state)
{
    (void)state;
    assert_int_equal(esp_crt_bundle_set(s_rekeyed, s_rekeyed_len), ESP_OK);
    mbedtls_x509_crt crt, *cand = (mbedtls_x509_crt *)1;
    assert_int_equal(bt_pki_chain(&crt, CHAIN("x-int.crt")), 0);
    assert_int_equal(esp_crt_bundle_ca_cb(NULL, &crt, &cand), 0);
    assert_null(cand); /* nothing above it: the verify callback anchors it */
    mbedtls_x509_crt_free(&crt);
    assert_int_equal(bt_pki_chain(&crt, CHAIN("x-chain.pem")), 0);
    assert_int_equal(esp_crt_bundle_ca_cb(NULL, &crt, &cand), 0);
    assert_null(cand); /* above it the bundled root itself (cross-signed copy) */
    mbedtls_x509_crt_free(&crt);
    assert_int_equal(bt_pki_chain(&crt, CHAIN("x-chain-other.pem")), 0);
    assert_int_equal(esp_crt_bundle_ca_cb(NULL, &crt, &cand), 0);
    assert_non_null(cand); /* both bundled R2 roots */
    assert_non_null(cand->next);
    assert_null(cand->next->next);
    char info[2048];
    assert_true(mbedtls_x509_crt_info(info, sizeof(info), "", cand) > 0); /* printable */
    assert_non_null(strstr(info, "CN=esp-tls Bundle New Root R2"));
    mbedtls_x509_crt_free(cand);
    mbedtls_free(cand);
    mbedtls_x509_crt_free(&crt);
    uint32_t flags = 0; /* end this thread's cross-signed mark */
    esp_crt_verify_callback(NULL, &crt, 0, &flags);
}

/* ---- the global bundle ---------------------------------------------------------------------- */

static void test_custom_root_only_after_set(void **state)
{
    (void)state;
    esp_crt_bundle_detach(NULL);
    /* with the built-in bundle (if any), the test root is unknown */
    if (esp_crt_bundle_attach(NULL) == ESP_OK) {
        expect_chain(CHAIN("leaf.crt", "chain.pem"), NOT_TRUSTED, NOT_TRUSTED);
    }
    esp_crt_bundle_detach(NULL);
    bt_log_capture();
    expect_chain(CHAIN("leaf.crt", "chain.pem"), NOT_TRUSTED, NOT_TRUSTED);
    esp_log_set_vprintf(NULL);
    assert_non_null(strstr(bt_log_text(), "No certificates in bundle"));
    assert_int_equal(esp_crt_bundle_set(s_main, s_main_len), ESP_OK);
    expect_chain(CHAIN("leaf.crt", "chain.pem"), 0, 0);
}

static void test_attach_and_detach_conf(void **state)
{
    (void)state;
    mbedtls_ssl_config conf;
    mbedtls_ssl_config_init(&conf);
    assert_int_equal(esp_crt_bundle_attach_mode(&conf, ESP_CRT_BUNDLE_MODE_DEFAULT), ESP_OK);
    assert_ptr_equal(esp_tls_reach_conf_vrfy(&conf), esp_crt_verify_callback);
    assert_true(esp_crt_bundle_in_use(esp_tls_reach_conf_ca_chain(&conf)));
    esp_crt_bundle_detach(&conf);
    assert_null(esp_tls_reach_conf_vrfy(&conf));
    assert_null(esp_tls_reach_conf_ca_chain(&conf));
    assert_int_equal(esp_crt_bundle_set(s_main, s_main_len), ESP_OK);
    assert_int_equal(esp_crt_bundle_attach_mode(&conf, ESP_CRT_BUNDLE_MODE_CROSS_SIGNED), ESP_OK);
    assert_ptr_equal(esp_tls_reach_conf_ca_cb(&conf), esp_crt_bundle_ca_cb);
    assert_false(esp_crt_bundle_in_use(esp_tls_reach_conf_ca_chain(&conf)));
    esp_crt_bundle_detach(&conf);
    assert_null(esp_tls_reach_conf_ca_cb(&conf));
    assert_false(esp_crt_bundle_in_use(NULL));
    /* the configured mode is what esp_crt_bundle_attach() installs */
    assert_int_equal(esp_crt_bundle_set(s_main, s_main_len), ESP_OK);
    assert_int_equal(esp_crt_bundle_attach(&conf), ESP_OK);
    assert_true(esp_crt_bundle_configured_mode() == ESP_CRT_BUNDLE_MODE_CROSS_SIGNED
                    ? esp_tls_reach_conf_ca_cb(&conf) == esp_crt_bundle_ca_cb
                    : esp_crt_bundle_in_use(esp_tls_reach_conf_ca_chain(&conf)));
    mbedtls_ssl_config_free(&conf);
}

/* Verification through the bundle gives back every byte it takes. */
static void test_no_heap_left(void **state)
{
    (void)state;
    mbedtls_x509_crt crt;
    assert_int_equal(bt_pki_chain(&crt, CHAIN("x-leaf.crt", "x-chain.pem")), 0);
    uint32_t flags;
    verify(&crt, CROSS, &flags); /* warm up process-wide state */
    esp_tls_mem_stats_t before, after;
    esp_tls_get_mem_stats(&before);
    for (int mode = DEFAULT; mode <= CROSS; mode++) {
        verify(&crt, (mode_t_)mode, &flags);
    }
    esp_tls_get_mem_stats(&after);
    assert_int_equal(after.current_bytes, before.current_bytes);
    mbedtls_x509_crt_free(&crt);
}

/* One thread sets, detaches and attaches bundles while others verify. */
static atomic_bool s_stop;

static void *churn(void *arg)
{
    (void)arg;
    while (!atomic_load(&s_stop)) {
        esp_crt_bundle_set(s_main, s_main_len);
        esp_crt_bundle_set(s_legacy, s_legacy_len);
        esp_crt_bundle_detach(NULL);
        esp_crt_bundle_set(s_main, s_main_len);
    }
    return NULL;
}

static void *verifier(void *arg)
{
    mbedtls_x509_crt *crt = arg;
    for (int i = 0; i < 200; i++) {
        uint32_t flags = 0;
        int ret = verify(crt, (mode_t_)(i % 2), &flags);
        /* verified, or found no bundle in use at that moment */
        if (!(ret == 0 || flags == NOT_TRUSTED)) {
            return (void *)1;
        }
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    mbedtls_x509_crt crt;
    assert_int_equal(bt_pki_chain(&crt, CHAIN("leaf-ec.crt", "chain-ec.pem")), 0);
    esp_log_level_set(ESP_CRT_BUNDLE_TAG, ESP_LOG_NONE);
    atomic_store(&s_stop, false);
    pthread_t setter, workers[4];
    assert_int_equal(pthread_create(&setter, NULL, churn, NULL), 0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_create(&workers[i], NULL, verifier, &crt), 0);
    }
    void *bad = NULL, *rc;
    for (int i = 0; i < 4; i++) {
        pthread_join(workers[i], &rc);
        bad = bad ? bad : rc;
    }
    atomic_store(&s_stop, true);
    pthread_join(setter, NULL);
    esp_log_level_set(ESP_CRT_BUNDLE_TAG, ESP_LOG_INFO);
    assert_null(bad);
    mbedtls_x509_crt_free(&crt);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, reset)
    const struct CMUnitTest tests[] = {
        T(test_signature_schemes),
        T(test_legacy_bundle),
        T(test_weak_hash),
        T(test_other_flags_kept),
        T(test_root_not_in_bundle),
        T(test_flipped_signature),
        T(test_cross_signed),
        T(test_rekeyed_root),
        T(test_ca_cb_candidates),
        T(test_custom_root_only_after_set),
        T(test_attach_and_detach_conf),
        T(test_no_heap_left),
        T(test_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
