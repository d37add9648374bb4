// SPDX-License-Identifier: Apache-2.0
/*
 * The certificate policy (src/policy/), one rule per
 * case, through esp_tls_verify_chain() (the handshake's verification path), on a PKI made by
 * tests/certs/gen-policy.sh with the openssl CLI. Both profiles: Web PKI (strict) and Mbed TLS
 * default.
 */
#include "unit_support.h"

#include "esp_log.h"
#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "policy/policy.h"

#ifndef POLICY_PKI_SCRIPT
#define POLICY_PKI_SCRIPT ""
#endif

static char s_dir[] = "/tmp/esp_tls_policy_XXXXXX";
static bool s_have_pki;

static char *load(const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", s_dir, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 65536);
    assert_non_null(buf);
    *len = fread(buf, 1, 65535, f) + 1; /* PEM: the NUL is counted */
    fclose(f);
    return buf;
}

/* Verify FILE.chain.pem against root.crt for @p name. @return the esp_err_t, flags out. */
static esp_err_t verify(const char *file, const char *name, uint32_t *flags)
{
    char chain_name[128];
    snprintf(chain_name, sizeof(chain_name), "%s.chain.pem", file);
    size_t ca_len, chain_len;
    char *ca = load("root.crt", &ca_len);
    char *chain = load(chain_name, &chain_len);
    esp_tls_verify_cfg_t cfg = {
        .cacert_buf = (const unsigned char *)ca,
        .cacert_bytes = (unsigned int)ca_len,
        .common_name = name,
    };
    esp_err_t rc = esp_tls_verify_chain(&cfg, (const unsigned char *)chain, chain_len, flags, NULL);
    free(ca);
    free(chain);
    return rc;
}

static void need_pki(void)
{
    if (!s_have_pki) {
        print_message("openssl or gen-policy.sh not available: skipped\n");
        skip();
    }
}

typedef struct {
    const char *file, *name;
    uint32_t flags; /* 0: verified; else the flags that must be set */
    const char *why;
} policy_case_t;

static const policy_case_t s_webpki_cases[] = {
    {"leaf", "ok.example", 0, "a plain valid chain"},
    {"leaf", "other.example", MBEDTLS_X509_BADCERT_CN_MISMATCH, "name not in the SAN"},
    {"nc-good", "www.good.example", 0, "permitted DNS subtree, critical nameConstraints"},
    {"nc-evil", "www.evil.example", MBEDTLS_X509_BADCERT_OTHER, "outside permitted DNS"},
    {"nc-excl", "x.bad.good.example", MBEDTLS_X509_BADCERT_OTHER, "inside excluded DNS"},
    {"nc-ip-good", "10.1.2.3", 0, "permitted IP subtree"},
    {"nc-ip-evil", "192.168.1.1", MBEDTLS_X509_BADCERT_OTHER, "outside permitted IP"},
    {"dn-good", "ok.example", 0, "permitted directoryName"},
    {"dn-evil", "ok.example", MBEDTLS_X509_BADCERT_OTHER, "outside permitted directoryName"},
    {"nosan", "ok.example", MBEDTLS_X509_BADCERT_CN_MISMATCH, "no CN fallback"},
    {"kcs", "ok.example", MBEDTLS_X509_BADCERT_KEY_USAGE, "keyCertSign on a leaf"},
    {"noaki", "ok.example", MBEDTLS_X509_BADCERT_OTHER, "leaf without AKI"},
    {"caleaf", "ok.example", MBEDTLS_X509_BADCERT_OTHER, "CA certificate as the leaf"},
    {"eku-client", "ok.example", MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, "EKU without serverAuth"},
    {"leaf-noski", "ok.example", MBEDTLS_X509_BADCERT_OTHER, "intermediate without SKI"},
    {"leaf-bcnc", "ok.example", MBEDTLS_X509_BADCERT_OTHER, "non-critical basicConstraints"},
    {"wild", "a.ok.example", 0, "wildcard: one leftmost label"},
    {"wild", "a.b.ok.example", MBEDTLS_X509_BADCERT_CN_MISMATCH, "wildcard: two labels"},
    {"wild", "ok.example", MBEDTLS_X509_BADCERT_CN_MISMATCH, "wildcard: no label"},
    {"badwild", "foo.ok.example", MBEDTLS_X509_BADCERT_CN_MISMATCH, "wildcard inside a label"},
    {"ipdns", "10.0.0.1", MBEDTLS_X509_BADCERT_CN_MISMATCH, "IP address in a dNSName"},
};

static void run_table(const policy_case_t *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t flags = 0;
        esp_err_t rc = verify(cases[i].file, cases[i].name, &flags);
        print_message("%-12s %-20s flags 0x%05x  %s\n", cases[i].file, cases[i].name,
                      (unsigned)flags, cases[i].why);
        if (cases[i].flags == 0) {
            assert_int_equal(rc, ESP_OK);
            assert_int_equal(flags, 0);
        } else {
            assert_int_equal(rc, ESP_FAIL);
            assert_true((flags & cases[i].flags) == cases[i].flags);
        }
    }
}

static void test_webpki_rules(void **state)
{
    (void)state;
    need_pki();
    esp_tls_policy_set_profile(ESP_TLS_POLICY_WEBPKI);
    run_table(s_webpki_cases, UNIT_ARRAY_SIZE(s_webpki_cases));
}

/* 'Mbed TLS default': Mbed TLS 3.6 as it is, for comparison and compatibility. */
static void test_mbedtls_profile(void **state)
{
    (void)state;
    need_pki();
    uint32_t flags = 0;
    esp_tls_policy_set_profile(ESP_TLS_POLICY_MBEDTLS);
    /* a critical nameConstraints extension does not parse */
    assert_int_equal(verify("nc-good", "www.good.example", &flags),
                     ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED);
    /* the CN fallback, and none of the Web PKI rules */
    assert_int_equal(verify("nosan", "ok.example", &flags), ESP_OK);
    assert_int_equal(verify("noaki", "ok.example", &flags), ESP_OK);
    assert_int_equal(verify("leaf-bcnc", "ok.example", &flags), ESP_OK);
    esp_tls_policy_set_profile(ESP_TLS_POLICY_WEBPKI);
}

/* A certificate with critical nameConstraints parses with the policy's parser, DER and PEM. */
static void test_parse_accepts_name_constraints(void **state)
{
    (void)state;
    need_pki();
    size_t len;
    char *pem = load("nc-ca.crt", &len);
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    assert_int_equal(esp_tls_policy_parse(&crt, (const unsigned char *)pem, len), 0);
    assert_int_equal(esp_tls_policy_peer_parse_der(&crt, crt.raw.p, crt.raw.len), 0);
    assert_int_equal(esp_tls_policy_parse_der(&crt, crt.raw.p, crt.raw.len, 0), 0);
    mbedtls_x509_crt_free(&crt);
    free(pem);
}

/* Server side: client certificates get nameConstraints and unknown critical extensions checked,
 * not the server-certificate rules (a clientAuth-only EKU is fine). */
static uint32_t client_cert_flags(const char *file)
{
    char chain_name[128];
    snprintf(chain_name, sizeof(chain_name), "%s.chain.pem", file);
    size_t ca_len, chain_len;
    char *ca_pem = load("root.crt", &ca_len);
    char *chain_pem = load(chain_name, &chain_len);
    mbedtls_x509_crt ca, chain;
    mbedtls_x509_crt_init(&ca);
    mbedtls_x509_crt_init(&chain);
    assert_int_equal(esp_tls_policy_parse(&ca, (const unsigned char *)ca_pem, ca_len), 0);
    assert_int_equal(esp_tls_policy_parse(&chain, (const unsigned char *)chain_pem, chain_len), 0);
    uint32_t flags = 0;
    (void)mbedtls_x509_crt_verify(&chain, &ca, NULL, NULL, &flags, esp_tls_policy_client_cert_cb,
                                  NULL);
    mbedtls_x509_crt_free(&ca);
    mbedtls_x509_crt_free(&chain);
    free(ca_pem);
    free(chain_pem);
    return flags;
}

static void test_client_cert_callback(void **state)
{
    (void)state;
    need_pki();
    assert_int_equal(client_cert_flags("nc-good"), 0);
    assert_int_equal(client_cert_flags("eku-client"), 0);
    assert_true(client_cert_flags("nc-evil") & MBEDTLS_X509_BADCERT_OTHER);
    assert_true(client_cert_flags("nc-excl") & MBEDTLS_X509_BADCERT_OTHER);
}

/* Path building (policy_path.c): nc-alt's server sends two issuers of one name and key, the
 * first forbids www.evil.example: the second path holds. loop-leaf's chain holds six
 * self-issued CAs of one name and key and no way to the anchor: the search stops at its work
 * limit with a warning, and the chain is refused as not trusted. */
static void test_path_building(void **state)
{
    (void)state;
    need_pki();
    esp_tls_policy_set_profile(ESP_TLS_POLICY_WEBPKI);
    uint32_t flags = 0;
    assert_int_equal(verify("nc-alt", "www.evil.example", &flags), ESP_OK);
    assert_int_equal(flags, 0);
    esp_log_level_set("esp-tls-policy", ESP_LOG_WARN);
    vprintf_like_t old = unit_log_capture();
    esp_err_t rc = verify("loop-leaf", "ok.example", &flags);
    esp_log_set_vprintf(old);
    esp_log_level_set("esp-tls-policy", ESP_LOG_NONE);
    assert_int_equal(rc, ESP_FAIL);
    assert_true(flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    assert_non_null(strstr(unit_log_text(), "path building: work limit reached"));
}

static void test_dns_name_syntax(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        bool wildcard, valid;
    } cases[] = {
        {"example.com", false, true},   {"a-b.example", false, true},
        {"*.example.com", true, true},  {"*.example.com", false, false},
        {"f*o.example", true, false},   {"a..b", false, false},
        {"-a.example", false, false},   {"a_b.example", false, false},
        {"10.0.0.1", false, false},     {"", false, false},
        {"example.com.", false, false},
    };
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(cases); i++) {
        const char *n = cases[i].name;
        assert_int_equal(
            esp_tls_dns_name_valid((const unsigned char *)n, strlen(n), cases[i].wildcard),
            cases[i].valid);
    }
}

static int setup(void **state)
{
    (void)state;
    esp_log_level_set("*", ESP_LOG_NONE);
    if (esp_tls_global_init() != ESP_OK) { /* this test calls Mbed TLS itself */
        return -1;
    }
    if (POLICY_PKI_SCRIPT[0] == '\0' || mkdtemp(s_dir) == NULL) {
        return 0;
    }
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "sh '%s' '%s' >/dev/null", POLICY_PKI_SCRIPT, s_dir);
    s_have_pki = system(cmd) == 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s_dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_webpki_rules),
        cmocka_unit_test(test_mbedtls_profile),
        cmocka_unit_test(test_parse_accepts_name_constraints),
        cmocka_unit_test(test_client_cert_callback),
        cmocka_unit_test(test_path_building),
        cmocka_unit_test(test_dns_name_syntax),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
