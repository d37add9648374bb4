// SPDX-License-Identifier: Apache-2.0
/*
 * Diagnostics (src/diag, backend diag_capture/cert_info/verify_chain/parse_diag/keylog):
 * explanations for every code, chain verification outside a handshake, certificate
 * summaries, the peer chain and name mismatch context of a real handshake, parse
 * diagnostics, log specifications and the key log.
 */
#include "unit_support.h"

#include <limits.h>
#include <sys/stat.h>

#include "esp_log.h"
#include "esp_tls.h"
#include "esp_tls_errors.h"
#include "esp_tls_ext.h"
#include "mbedtls/ssl.h"
#include "tls_peer.h"

static unit_pki_t s_pki;
static bool s_have_pki;

/* ---- log capture ---------------------------------------------------------------------- */
static char s_log[65536];
static size_t s_log_len;

static int capture_vprintf(const char *fmt, va_list args)
{
    int n = vsnprintf(s_log + s_log_len, sizeof(s_log) - s_log_len, fmt, args);
    if (n > 0) {
        s_log_len += (size_t)n;
        if (s_log_len >= sizeof(s_log)) {
            s_log_len = sizeof(s_log) - 1;
        }
    }
    return n;
}

static void log_start(void)
{
    s_log[0] = '\0';
    s_log_len = 0;
    esp_log_set_vprintf(capture_vprintf);
}

static void log_stop(void)
{
    esp_log_set_vprintf(NULL);
}

static void need_pki(void)
{
    if (!s_have_pki) {
        print_message("openssl not available: skipped\n");
        skip();
    }
}

/* ---- explanations --------------------------------------------------------------------- */

/* Every esp_err_t defined in esp_tls_errors.h has an explanation naming it. */
static void test_explain_every_header_code(void **state)
{
    (void)state;
    FILE *f = fopen(ESP_TLS_ERRORS_H, "r");
    assert_non_null(f);
    char line[256];
    int checked = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        char name[96];
        unsigned offset;
        if (sscanf(line, "#define %95s (ESP_ERR_ESP_TLS_BASE + 0x%x)", name, &offset) != 2) {
            continue;
        }
        esp_tls_explanation_t ex;
        assert_int_equal(esp_tls_explain_codes(ESP_ERR_ESP_TLS_BASE + (int)offset, 0, 0, &ex),
                         ESP_OK);
        if (strstr(ex.cause, name) == NULL) {
            fail_msg("explanation of %s does not name it: %s", name, ex.cause);
        }
        checked++;
    }
    fclose(f);
    assert_true(checked >= 30);
}

/* The Mbed TLS codes users meet through ESP-TLS (its FAQ among them): a cause and (for real errors)
 * a fix. */
static void test_explain_reference_codes(void **state)
{
    (void)state;
    static const int codes[] = {-0x6900, -0x6880, -0x6800, -0x7200, -0x7280, -0x7880,
                                -0x7780, -0x7100, -0x7F00, -0x6C00, -0x7B00, -0x2700,
                                -0x3000, -0x2180, -0x2880, -0x2800, -0x0010, -0x004C,
                                -0x004E, -0x0050, -0x0052, -0x002A, -0x7600, -0x4290};
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(codes); i++) {
        esp_tls_explanation_t ex;
        assert_int_equal(esp_tls_explain_codes(0, codes[i], 0, &ex), ESP_OK);
        assert_true(strlen(ex.cause) > 20);
        bool not_error = codes[i] == -0x6900 || codes[i] == -0x6880 || codes[i] == -0x7B00;
        if (!not_error && ex.fix[0] == '\0') {
            fail_msg("-0x%04X has no fix: %s", -codes[i], ex.cause);
        }
        /* the positive form, as the error handle stores it, gives the same text */
        esp_tls_explanation_t pos;
        assert_int_equal(esp_tls_explain_codes(0, -codes[i], 0, &pos), ESP_OK);
        assert_string_equal(ex.cause, pos.cause);
    }
}

static void test_explain_faq_specifics(void **state)
{
    (void)state;
    esp_tls_explanation_t ex;
    char size[16];
    snprintf(size, sizeof(size), "%u", (unsigned)MBEDTLS_SSL_IN_CONTENT_LEN);
    assert_int_equal(esp_tls_explain_codes(0, -0x7200, 0, &ex), ESP_OK);
    assert_non_null(strstr(ex.cause, size)); /* the configured input buffer */
    assert_non_null(strstr(ex.cause, "truncated"));
    assert_non_null(strstr(ex.cause, "memory"));
    assert_int_equal(esp_tls_explain_codes(0, -0x6900, 0, &ex), ESP_OK);
    assert_non_null(strstr(ex.cause, "not an error"));
    assert_int_equal(esp_tls_explain_codes(0, -0x7600, 0, &ex), ESP_OK);
    assert_non_null(strstr(ex.fix, "clientkey_buf"));
    assert_int_equal(esp_tls_explain_codes(0, -0x2180, 0, &ex), ESP_OK);
    assert_non_null(strstr(ex.cause, "NUL"));
    assert_non_null(strstr(ex.cause, "DER"));
    assert_int_equal(esp_tls_explain_codes(0, -0x3000, 0, &ex), ESP_OK);
    assert_non_null(strstr(ex.fix, "CROSS_SIGNED"));
    /* a composite code: RSA public failed + MPI alloc failed */
    assert_int_equal(esp_tls_explain_codes(0, -0x4290, 0, &ex), ESP_OK);
    assert_non_null(strstr(ex.cause, "MBEDTLS_ERR_RSA_PUBLIC_FAILED"));
    assert_non_null(strstr(ex.cause, "MBEDTLS_ERR_MPI_ALLOC_FAILED"));
}

static void test_explain_each_flag(void **state)
{
    (void)state;
    static const struct {
        uint32_t flag;
        const char *name;
    } flags[] = {{0x01, "EXPIRED"},
                 {0x02, "REVOKED"},
                 {0x04, "CN_MISMATCH"},
                 {0x08, "NOT_TRUSTED"},
                 {0x10, "BADCRL_NOT_TRUSTED"},
                 {0x20, "BADCRL_EXPIRED"},
                 {0x40, "MISSING"},
                 {0x80, "SKIP_VERIFY"},
                 {0x100, "OTHER"},
                 {0x200, "FUTURE"},
                 {0x400, "BADCRL_FUTURE"},
                 {0x800, "KEY_USAGE"},
                 {0x1000, "EXT_KEY_USAGE"},
                 {0x2000, "NS_CERT_TYPE"},
                 {0x4000, "BAD_MD"},
                 {0x8000, "BAD_PK"},
                 {0x10000, "BAD_KEY"}};
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(flags); i++) {
        esp_tls_explanation_t ex;
        assert_int_equal(esp_tls_explain_codes(0, -0x2700, flags[i].flag, &ex), ESP_OK);
        if (strstr(ex.cause, flags[i].name) == NULL) {
            fail_msg("flag 0x%x: %s", (unsigned)flags[i].flag, ex.cause);
        }
    }
    esp_tls_explanation_t ex;
    assert_int_equal(esp_tls_explain_codes(0, -0x2700, 0x04, &ex), ESP_OK);
    assert_non_null(strstr(ex.fix, "skip_common_name"));
    assert_non_null(strstr(ex.fix, "common_name"));
    assert_int_equal(esp_tls_explain_codes(0, 0, 0x0C, &ex), ESP_OK); /* two bits: both named */
    assert_non_null(strstr(ex.cause, "CN_MISMATCH"));
    assert_non_null(strstr(ex.cause, "NOT_TRUSTED"));
}

static void test_explain_bad_args(void **state)
{
    (void)state;
    esp_tls_explanation_t ex;
    assert_int_equal(esp_tls_explain_codes(0, 0, 0, NULL), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_tls_explain(NULL, &ex), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_tls_explain_codes(0x7123, 0, 0, &ex), ESP_ERR_NOT_FOUND);
    assert_non_null(strstr(ex.cause, "no explanation"));
    /* a bare handle (not inside a connection) is explained from its codes alone */
    esp_tls_last_error_t bare = {.last_error = ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED,
                                 .esp_tls_error_code = 0x7780};
    assert_int_equal(esp_tls_explain(&bare, &ex), ESP_OK);
    assert_non_null(strstr(ex.cause, "fatal alert"));
    /* INT_MIN has no magnitude in int (abs() would be undefined): not an Mbed TLS code */
    assert_int_equal(esp_tls_explain_codes(0, INT_MIN, 0, &ex), ESP_ERR_NOT_FOUND);
    assert_non_null(strstr(ex.cause, "-0x80000000: not an Mbed TLS error code"));
}

/* ---- verification outside a handshake --------------------------------------------------- */

static esp_err_t verify(const unit_blob_t *ca, const unit_blob_t *leaf, bool der, const char *name,
                        int64_t at, uint32_t *flags, esp_tls_last_error_t *err)
{
    esp_tls_verify_cfg_t cfg = {
        .cacert_buf = (const unsigned char *)ca->pem,
        .cacert_bytes = (unsigned)ca->pem_len + 1,
        .common_name = name,
        .at_time = at,
    };
    const unsigned char *buf = (const unsigned char *)(der ? leaf->der : leaf->pem);
    size_t len = der ? (size_t)leaf->der_len : (size_t)leaf->pem_len + 1;
    return esp_tls_verify_chain(&cfg, buf, len, flags, err);
}

static void test_verify_chain(void **state)
{
    (void)state;
    need_pki();
    uint32_t flags = 0xFFFF;
    esp_tls_last_error_t err = {0};
    assert_int_equal(verify(&s_pki.ca, &s_pki.server, false, "localhost", 0, &flags, &err), ESP_OK);
    assert_int_equal(flags, 0);
    assert_int_equal(verify(&s_pki.ca, &s_pki.server, true, "localhost", 0, &flags, &err), ESP_OK);
    assert_int_equal(verify(&s_pki.ca, &s_pki.server, false, "127.0.0.1", 0, &flags, &err), ESP_OK);
    assert_int_equal(verify(&s_pki.ca, &s_pki.server, false, "127.0.0.2", 0, &flags, &err),
                     ESP_FAIL);
    assert_int_equal(flags, 0x04);
    assert_int_equal(verify(&s_pki.ca, &s_pki.server, false, "example.com", 0, &flags, &err),
                     ESP_FAIL);
    assert_int_equal(flags & 0x04, 0x04);
    assert_int_equal(err.esp_tls_error_code, 0x2700);
    assert_int_equal(err.esp_tls_flags, (int)flags);
    assert_int_equal(err.last_error, ESP_FAIL);
    /* no name given: no name check */
    assert_int_equal(verify(&s_pki.ca, &s_pki.server, false, NULL, 0, &flags, NULL), ESP_OK);
    assert_int_equal(verify(&s_pki.other_ca, &s_pki.server, false, "localhost", 0, &flags, NULL),
                     ESP_FAIL);
    assert_int_equal(flags & 0x08, 0x08);
}

static void test_verify_chain_time(void **state)
{
    (void)state;
    need_pki();
    uint32_t flags = 0;
    int64_t later = (int64_t)time(NULL) + 30 * 86400; /* the PKI is valid for two days */
    assert_int_equal(verify(&s_pki.ca, &s_pki.server, false, "localhost", later, &flags, NULL),
                     ESP_FAIL);
    assert_int_equal(flags & 0x01, 0x01);
    int64_t before = 1000000000; /* 2001 */
    assert_int_equal(verify(&s_pki.ca, &s_pki.server, false, "localhost", before, &flags, NULL),
                     ESP_FAIL);
    assert_int_equal(flags & 0x200, 0x200);
    /* the override was for that call only */
    assert_int_equal(verify(&s_pki.ca, &s_pki.server, false, "localhost", 0, &flags, NULL), ESP_OK);
}

static void test_verify_chain_bad_input(void **state)
{
    (void)state;
    need_pki();
    uint32_t flags;
    esp_tls_verify_cfg_t cfg = {.cacert_buf = (const unsigned char *)s_pki.ca.pem,
                                .cacert_bytes = (unsigned)s_pki.ca.pem_len + 1};
    static const unsigned char junk[] = "not a certificate";
    assert_int_equal(esp_tls_verify_chain(&cfg, junk, sizeof(junk), &flags, NULL),
                     ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED);
    assert_int_equal(esp_tls_verify_chain(NULL, junk, sizeof(junk), &flags, NULL),
                     ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_tls_verify_chain(&cfg, NULL, 5, &flags, NULL), ESP_ERR_INVALID_ARG);
    esp_tls_verify_cfg_t none = {0};
    const unsigned char *leaf = (const unsigned char *)s_pki.server.pem;
    assert_int_equal(
        esp_tls_verify_chain(&none, leaf, (size_t)s_pki.server.pem_len + 1, &flags, NULL),
        ESP_ERR_INVALID_ARG);
    /* a truncated DER chain names the offset */
    log_start();
    assert_int_equal(esp_tls_verify_chain(&cfg, (const unsigned char *)s_pki.server.der,
                                          (size_t)s_pki.server.der_len - 10, &flags, NULL),
                     ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED);
    log_stop();
    assert_non_null(strstr(s_log, "byte offset 0"));
}

/* ---- certificate summaries ------------------------------------------------------------ */

static void test_describe_and_pem(void **state)
{
    (void)state;
    need_pki();
    esp_tls_cert_info_t info;
    const unsigned char *der = (const unsigned char *)s_pki.server.der;
    assert_int_equal(esp_tls_cert_describe(der, (size_t)s_pki.server.der_len, &info), ESP_OK);
    assert_non_null(strstr(info.subject, "CN=localhost"));
    assert_non_null(strstr(info.issuer, "unit CA"));
    assert_non_null(strstr(info.san, "DNS:localhost"));
    assert_non_null(strstr(info.san, "IP:127.0.0.1"));
    assert_string_equal(info.key, "EC secp256r1");
    assert_non_null(strstr(info.sig_alg, "ECDSA"));
    assert_int_equal(strlen(info.sha256), 95);
    assert_int_equal(info.version, 3);
    assert_false(info.is_ca);
    assert_int_equal(
        esp_tls_cert_describe((const unsigned char *)s_pki.ca.der, (size_t)s_pki.ca.der_len, &info),
        ESP_OK);
    assert_true(info.is_ca);
    assert_int_equal(esp_tls_cert_describe(der, 10, &info), ESP_FAIL);
    assert_int_equal(esp_tls_cert_describe(NULL, 10, &info), ESP_ERR_INVALID_ARG);

    char pem[4096];
    size_t olen = 0;
    assert_int_equal(
        esp_tls_cert_to_pem(der, (size_t)s_pki.server.der_len, pem, sizeof(pem), &olen), ESP_OK);
    assert_int_equal(olen, strlen(pem));
    assert_string_equal(pem, s_pki.server.pem); /* the same text openssl wrote */
    char small[64];
    assert_int_equal(
        esp_tls_cert_to_pem(der, (size_t)s_pki.server.der_len, small, sizeof(small), &olen),
        ESP_ERR_NO_MEM);
    assert_true(olen >= strlen(s_pki.server.pem));
}

/* ---- a real handshake: chain, name context, conn info, key log -------------------------- */

static esp_tls_t *connect_to(int port, const char *name, esp_tls_proto_ver_t ver, int *rc)
{
    esp_tls_cfg_t cfg = {
        .cacert_buf = (const unsigned char *)s_pki.ca.pem,
        .cacert_bytes = (unsigned)s_pki.ca.pem_len + 1,
        .common_name = name,
        .tls_version = ver,
        .timeout_ms = 5000,
    };
    esp_tls_t *tls = esp_tls_init();
    assert_non_null(tls);
    *rc = esp_tls_conn_new_sync("127.0.0.1", 9, port, &cfg, tls);
    return tls;
}

static void test_handshake_name_mismatch(void **state)
{
    (void)state;
    need_pki();
    unit_tls_server_t srv = {.pki = &s_pki};
    assert_int_equal(unit_tls_server_start(&srv), 0);
    esp_tls_set_keep_peer_chain(false);
    int rc;
    esp_tls_t *tls = connect_to(srv.port, "wrong.example", ESP_TLS_VER_ANY, &rc);
    assert_int_equal(rc, -1);
    /* kept although keeping is off: verification failed */
    assert_int_equal(esp_tls_get_peer_chain_len(tls), 1);
    const unsigned char *der;
    size_t len;
    assert_int_equal(esp_tls_get_peer_cert_der(tls, 0, &der, &len), ESP_OK);
    assert_int_equal(len, (size_t)s_pki.server.der_len);
    assert_memory_equal(der, s_pki.server.der, len);
    assert_int_equal(esp_tls_get_peer_cert_der(tls, 1, &der, &len), ESP_ERR_NOT_FOUND);
    esp_tls_explanation_t ex;
    esp_tls_error_handle_t h = NULL;
    assert_int_equal(esp_tls_get_error_handle(tls, &h), ESP_OK);
    assert_int_equal(esp_tls_explain(h, &ex), ESP_OK);
    assert_non_null(strstr(ex.cause, "\"wrong.example\""));
    assert_non_null(strstr(ex.cause, "DNS:localhost"));
    assert_non_null(strstr(ex.fix, "skip_common_name"));
    esp_tls_conn_destroy(tls);
    unit_tls_server_stop(&srv);
}

/* An empty name names nothing: refused by esp_tls_verify_chain() as by a handshake (neither
 * takes it for "no name check", which is NULL / skip_common_name). */
static void test_empty_name_refused(void **state)
{
    (void)state;
    need_pki();
    uint32_t flags = 0;
    assert_int_equal(verify(&s_pki.ca, &s_pki.server, false, "", 0, &flags, NULL),
                     ESP_ERR_INVALID_ARG);
    int port = 0;
    int lfd = unit_listener(&port); /* the TCP connect succeeds; no TLS server needed */
    assert_true(lfd >= 0);
    int rc;
    esp_tls_t *tls = connect_to(port, "", ESP_TLS_VER_ANY, &rc);
    assert_int_equal(rc, -1);
    esp_tls_error_handle_t h = NULL;
    assert_int_equal(esp_tls_get_error_handle(tls, &h), ESP_OK);
    assert_int_equal(esp_tls_get_and_clear_last_error(h, NULL, NULL), ESP_ERR_INVALID_ARG);
    esp_tls_conn_destroy(tls);
    close(lfd);
}

static void test_handshake_chain_kept(void **state)
{
    (void)state;
    need_pki();
    unit_tls_server_t srv = {.pki = &s_pki};
    assert_int_equal(unit_tls_server_start(&srv), 0);
    int rc;
    esp_tls_set_keep_peer_chain(false);
    esp_tls_t *tls = connect_to(srv.port, "localhost", ESP_TLS_VER_TLS_1_3, &rc);
    assert_int_equal(rc, 1);
    assert_int_equal(esp_tls_get_peer_chain_len(tls), 0); /* verified, not kept */
    esp_tls_conn_info_t info;
    assert_int_equal(esp_tls_get_conn_info(tls, &info), ESP_OK);
    assert_string_equal(info.version, "TLSv1.3");
    assert_true(info.ciphersuite[0] != '\0');
    assert_true(info.group[0] != '\0');
    esp_tls_conn_destroy(tls);

    esp_tls_set_keep_peer_chain(true);
    tls = connect_to(srv.port, "localhost", ESP_TLS_VER_TLS_1_2, &rc);
    assert_int_equal(rc, 1);
    assert_int_equal(esp_tls_get_peer_chain_len(tls), 1);
    assert_int_equal(esp_tls_get_conn_info(tls, &info), ESP_OK);
    assert_string_equal(info.version, "TLSv1.2");
    assert_true(info.group[0] != '\0');
    esp_tls_conn_destroy(tls);
    assert_int_equal(esp_tls_get_conn_info(NULL, &info), ESP_ERR_INVALID_ARG);
    unit_tls_server_stop(&srv);
}

/* Lines "LABEL <64 hex> <hex>" of the key log. */
static int count_keylog(const char *path, const char *label)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return 0;
    }
    char line[512];
    int n = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        char lab[64], random[80], secret[160];
        if (sscanf(line, "%63s %79s %159s", lab, random, secret) == 3 && strcmp(lab, label) == 0 &&
            strlen(random) == 64 && strlen(secret) >= 64) {
            n++;
        }
    }
    fclose(f);
    return n;
}

static void test_keylog(void **state)
{
    (void)state;
    need_pki();
    char path[] = "/tmp/esp_tls_keylog_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unit_tls_server_t srv = {.pki = &s_pki};
    assert_int_equal(unit_tls_server_start(&srv), 0);
    assert_int_equal(esp_tls_set_keylog_file(path), ESP_OK);
    int rc;
    esp_tls_conn_destroy(connect_to(srv.port, "localhost", ESP_TLS_VER_TLS_1_3, &rc));
    assert_int_equal(rc, 1);
    esp_tls_conn_destroy(connect_to(srv.port, "localhost", ESP_TLS_VER_TLS_1_2, &rc));
    assert_int_equal(rc, 1);
    assert_int_equal(count_keylog(path, "CLIENT_HANDSHAKE_TRAFFIC_SECRET"), 1);
    assert_int_equal(count_keylog(path, "SERVER_HANDSHAKE_TRAFFIC_SECRET"), 1);
    assert_int_equal(count_keylog(path, "CLIENT_TRAFFIC_SECRET_0"), 1);
    assert_int_equal(count_keylog(path, "SERVER_TRAFFIC_SECRET_0"), 1);
    assert_int_equal(count_keylog(path, "CLIENT_RANDOM"), 1);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 077, 0); /* secrets: owner only */
    /* stopped: nothing more is written */
    assert_int_equal(esp_tls_set_keylog_file(NULL), ESP_OK);
    esp_tls_conn_destroy(connect_to(srv.port, "localhost", ESP_TLS_VER_TLS_1_2, &rc));
    assert_int_equal(count_keylog(path, "CLIENT_RANDOM"), 1);
    unlink(path);
    unit_tls_server_stop(&srv);
}

/* ---- parse diagnostics: each names its cause ------------------------------------------- */

static esp_err_t load_client(const char *cert, size_t cert_len, const char *key, size_t key_len,
                             const char *pwd)
{
    esp_tls_cfg_t cfg = {
        .cacert_buf = (const unsigned char *)s_pki.ca.pem,
        .cacert_bytes = (unsigned)s_pki.ca.pem_len + 1,
        .clientcert_buf = (const unsigned char *)cert,
        .clientcert_bytes = (unsigned)cert_len,
        .clientkey_buf = (const unsigned char *)key,
        .clientkey_bytes = (unsigned)key_len,
        .clientkey_password = (const unsigned char *)pwd,
        .clientkey_password_len = pwd ? (unsigned)strlen(pwd) : 0,
        .timeout_ms = 2000,
    };
    int port = 0;
    int listener = unit_listener(&port); /* TCP connects; the TLS setup then fails */
    assert_true(listener >= 0);
    esp_tls_t *tls = esp_tls_init();
    log_start();
    (void)esp_tls_conn_new_sync("127.0.0.1", 9, port, &cfg, tls);
    log_stop();
    esp_tls_error_handle_t h = NULL;
    (void)esp_tls_get_error_handle(tls, &h);
    esp_err_t err = h->last_error;
    esp_tls_conn_destroy(tls);
    close(listener);
    return err;
}

#define CERT_ARGS(b) (b).pem, (size_t)(b).pem_len + 1
#define EXPECT_LOG(text)                                                                           \
    do {                                                                                           \
        if (strstr(s_log, (text)) == NULL) {                                                       \
            fail_msg("log lacks \"%s\":\n%s", (text), s_log);                                      \
        }                                                                                          \
    } while (0)

static void test_parse_diagnostics(void **state)
{
    (void)state;
    need_pki();
    /* PEM length without the NUL */
    assert_int_equal(load_client(s_pki.client.pem, (size_t)s_pki.client.pem_len,
                                 CERT_ARGS(s_pki.client_key), NULL),
                     ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED);
    EXPECT_LOG("must end with a NUL");
    /* a key given as the certificate */
    assert_int_equal(load_client(CERT_ARGS(s_pki.client_key), CERT_ARGS(s_pki.client_key), NULL),
                     ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED);
    EXPECT_LOG("not a certificate (a key was given where a certificate belongs)");
    /* a certificate given as the key */
    assert_int_equal(load_client(CERT_ARGS(s_pki.client), CERT_ARGS(s_pki.client), NULL),
                     ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED);
    EXPECT_LOG("is a \"CERTIFICATE\", not a private key");
    /* truncated PEM: cut in the middle of the body */
    char cut[4096];
    size_t half = (size_t)s_pki.client.pem_len / 2;
    memcpy(cut, s_pki.client.pem, half);
    cut[half] = '\0';
    assert_int_equal(load_client(cut, half + 1, CERT_ARGS(s_pki.client_key), NULL),
                     ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED);
    EXPECT_LOG("has no END line: the data is truncated");
    /* DER cut short */
    assert_int_equal(load_client(s_pki.client.der, (size_t)s_pki.client.der_len - 5,
                                 CERT_ARGS(s_pki.client_key), NULL),
                     ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED);
    EXPECT_LOG("DER data is cut short");
    /* the second of two PEM blocks is damaged: named by number and offset */
    char two[8192];
    int n = snprintf(two, sizeof(two), "%s%s", s_pki.client.pem, s_pki.ca.pem);
    char *body = strstr(two + s_pki.client.pem_len, "\n") + 5;
    memcpy(body, "!!!!", 4);
    assert_true(n > 0);
    (void)load_client(two, (size_t)n + 1, CERT_ARGS(s_pki.client_key), NULL);
    char expect[64];
    snprintf(expect, sizeof(expect), "PEM block 2 (byte offset %d) does not parse",
             s_pki.client.pem_len);
    EXPECT_LOG(expect);
    /* an encrypted key: no password, then a wrong one */
    assert_int_equal(load_client(CERT_ARGS(s_pki.client), CERT_ARGS(s_pki.client_key_enc), NULL),
                     ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED);
    EXPECT_LOG("the key is encrypted");
    assert_int_equal(load_client(CERT_ARGS(s_pki.client), CERT_ARGS(s_pki.client_key_enc), "wrong"),
                     ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED);
    EXPECT_LOG("wrong password");
    /* a key that belongs to another certificate */
    assert_int_equal(load_client(CERT_ARGS(s_pki.server), CERT_ARGS(s_pki.client_key), NULL),
                     ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED);
    EXPECT_LOG("does not match");
}

/* An algorithm this build lacks: an Ed25519 key and certificate (openssl makes them). */
static void test_parse_unsupported_algorithm(void **state)
{
    (void)state;
    need_pki();
    char dir[] = "/tmp/esp_tls_ed_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[512];
    snprintf(cmd, sizeof(cmd),
             UNIT_OPENSSL " req -x509 -newkey ed25519 -nodes -keyout %s/k.pem -out %s/c.pem "
                          "-days 1 -subj /CN=ed >/dev/null 2>&1",
             dir, dir);
    if (system(cmd) != 0) {
        skip();
    }
    unit_blob_t k = {0};
    char path[128];
    snprintf(path, sizeof(path), "%s/k.pem", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char key[1024];
    size_t len = fread(key, 1, sizeof(key) - 1, f);
    fclose(f);
    key[len] = '\0';
    (void)k;
    assert_int_equal(load_client(CERT_ARGS(s_pki.client), key, len + 1, NULL),
                     ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED);
    EXPECT_LOG("algorithm or curve this build does not support");
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---- log specifications ---------------------------------------------------------------- */

static void test_log_configure(void **state)
{
    (void)state;
    assert_int_equal(esp_tls_log_configure("diag-a:debug,diag-b:2, ,diag-c:VERBOSE"), ESP_OK);
    assert_int_equal(esp_log_level_get("diag-a"), ESP_LOG_DEBUG);
    assert_int_equal(esp_log_level_get("diag-b"), ESP_LOG_WARN);
    assert_int_equal(esp_log_level_get("diag-c"), ESP_LOG_VERBOSE);
    /* malformed: nothing applied */
    log_start();
    assert_int_equal(esp_tls_log_configure("diag-a:none,diag-b"), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_tls_log_configure("diag-a:loud"), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_tls_log_configure(NULL), ESP_ERR_INVALID_ARG);
    log_stop();
    assert_non_null(strstr(s_log, "malformed"));
    assert_int_equal(esp_log_level_get("diag-a"), ESP_LOG_DEBUG);
    /* "*" applies first, then the tags */
    assert_int_equal(esp_tls_log_configure("diag-a:error,*:warn"), ESP_OK);
    assert_int_equal(esp_log_level_get("diag-a"), ESP_LOG_ERROR);
    assert_int_equal(esp_log_level_get("diag-other"), ESP_LOG_WARN);
    assert_int_equal(esp_tls_log_configure("*:info"), ESP_OK);
}

static int group_setup(void **state)
{
    (void)state;
    s_have_pki = unit_pki_make(&s_pki) == 0;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (s_have_pki) {
        unit_pki_free(&s_pki);
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explain_every_header_code),
        cmocka_unit_test(test_explain_reference_codes),
        cmocka_unit_test(test_explain_faq_specifics),
        cmocka_unit_test(test_explain_each_flag),
        cmocka_unit_test(test_explain_bad_args),
        cmocka_unit_test(test_verify_chain),
        cmocka_unit_test(test_verify_chain_time),
        cmocka_unit_test(test_verify_chain_bad_input),
        cmocka_unit_test(test_describe_and_pem),
        cmocka_unit_test(test_handshake_name_mismatch),
        cmocka_unit_test(test_handshake_chain_kept),
        cmocka_unit_test(test_empty_name_refused),
        cmocka_unit_test(test_keylog),
        cmocka_unit_test(test_parse_diagnostics),
        cmocka_unit_test(test_parse_unsupported_algorithm),
        cmocka_unit_test(test_log_configure),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
