// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of src/backend/mbedtls/{client_config,verify,credentials,ca_store}.c: how
 * esp_tls_cfg_t is translated into an Mbed TLS configuration (client, server and global CA store
 * options, as ESP-IDF's esp_tls_mbedtls.c applies them).
 *
 * Driven through the public API against a 127.0.0.1 listener that completes the TCP
 * handshake (in its backlog) but never sends a byte: the SSL setup runs, and when it
 * succeeds the TLS handshake can never finish, so the outcome is the timeout.
 * Certificates are generated at test time with openssl into a mkdtemp() directory.
 */
#include <errno.h>
#include <sys/stat.h>

#include "unit_support.h"

#include "conn/conn.h"
#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "psa/crypto.h"
#include "sdkconfig.h"

#define TIMEOUT_MS 300
#define TIMEOUT_BOUND_MS 3000 /* correctness bound (300 ms + slack), not a benchmark */

typedef struct {
    unsigned char *pem; /* NUL-terminated */
    size_t pem_len;     /* strlen(pem) */
    unsigned char *der;
    size_t der_len;
} blob_t;

typedef struct {
    int listener;
    int port;
    bool have_certs;
    blob_t cert_a, key_a, cert_b, key_b;
    unsigned char *corrupt_bundle; /* cert A, then a damaged copy of cert B */
    size_t corrupt_bundle_len;     /* strlen */
} fixture_t;

static fixture_t s_fx;

/* Set once Mbed TLS's process-wide state (PSA key slots) exists: from then on a
 * connection must give back every byte it took. */
static bool s_warm;

static size_t lib_bytes_in_use(void)
{
    esp_tls_mem_stats_t st = {0};
    esp_tls_get_mem_stats(&st);
    return st.current_bytes;
}

/* ---- certificate generation --------------------------------------------------------------- */

static int read_file(const char *path, unsigned char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return -1;
    }
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap + 1);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            unsigned char *bigger = realloc(buf, cap * 2 + 1);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf == NULL) {
        return -1;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

#ifdef UNIT_OPENSSL
static int run(const char *cmd)
{
    int rc = system(cmd);
    if (rc != 0) {
        fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
    }
    return rc;
}

/* A self-signed EC P-256 certificate and its key, as PEM and DER. */
static int make_cert(const char *dir, const char *name, blob_t *cert, blob_t *key)
{
    char cmd[4096], crt_pem[256], crt_der[256], key_pem[256], key_der[256];
    snprintf(crt_pem, sizeof(crt_pem), "%s/%s.crt.pem", dir, name);
    snprintf(crt_der, sizeof(crt_der), "%s/%s.crt.der", dir, name);
    snprintf(key_pem, sizeof(key_pem), "%s/%s.key.pem", dir, name);
    snprintf(key_der, sizeof(key_der), "%s/%s.key.der", dir, name);
    snprintf(cmd, sizeof(cmd),
             UNIT_OPENSSL " req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
                          " -keyout '%s' -out '%s' -days 2 -subj '/CN=esp-tls unit %s'"
                          " >/dev/null 2>&1",
             key_pem, crt_pem, name);
    if (run(cmd) != 0) {
        return -1;
    }
    snprintf(cmd, sizeof(cmd), UNIT_OPENSSL " x509 -in '%s' -outform DER -out '%s' >/dev/null 2>&1",
             crt_pem, crt_der);
    if (run(cmd) != 0) {
        return -1;
    }
    snprintf(cmd, sizeof(cmd), UNIT_OPENSSL " pkey -in '%s' -outform DER -out '%s' >/dev/null 2>&1",
             key_pem, key_der);
    if (run(cmd) != 0) {
        return -1;
    }
    int rc = read_file(crt_pem, &cert->pem, &cert->pem_len) |
             read_file(crt_der, &cert->der, &cert->der_len) |
             read_file(key_pem, &key->pem, &key->pem_len) |
             read_file(key_der, &key->der, &key->der_len);
    unlink(crt_pem);
    unlink(crt_der);
    unlink(key_pem);
    unlink(key_der);
    return rc;
}
#endif

/* Cert A followed by cert B cut down to its first base64 line (a DER that cannot parse). */
static unsigned char *make_corrupt_bundle(const blob_t *a, const blob_t *b, size_t *len)
{
    const char *pem = (const char *)b->pem;
    const char *body = strchr(pem, '\n');
    const char *line_end = body ? strchr(body + 1, '\n') : NULL;
    if (line_end == NULL) {
        return NULL;
    }
    static const char footer[] = "-----END CERTIFICATE-----\n";
    size_t head = (size_t)(line_end + 1 - pem);
    size_t total = a->pem_len + head + strlen(footer);
    char *out = malloc(total + 1);
    if (out == NULL) {
        return NULL;
    }
    memcpy(out, a->pem, a->pem_len);
    memcpy(out + a->pem_len, pem, head);
    memcpy(out + a->pem_len + head, footer, strlen(footer) + 1);
    *len = total;
    return (unsigned char *)out;
}

static void free_blob(blob_t *b)
{
    free(b->pem);
    free(b->der);
    memset(b, 0, sizeof(*b));
}

static int group_setup(void **state)
{
    (void)state;
    memset(&s_fx, 0, sizeof(s_fx));
    s_fx.listener = unit_listener(&s_fx.port);
    if (s_fx.listener < 0) {
        return -1;
    }
#ifdef UNIT_OPENSSL
    char dir[] = "/tmp/esp_tls_unit_XXXXXX";
    if (mkdtemp(dir) == NULL) {
        return -1;
    }
    int rc = make_cert(dir, "A", &s_fx.cert_a, &s_fx.key_a) |
             make_cert(dir, "B", &s_fx.cert_b, &s_fx.key_b);
    rmdir(dir);
    if (rc != 0) {
        return -1;
    }
    s_fx.corrupt_bundle = make_corrupt_bundle(&s_fx.cert_a, &s_fx.cert_b, &s_fx.corrupt_bundle_len);
    if (s_fx.corrupt_bundle == NULL) {
        return -1;
    }
    s_fx.have_certs = true;
    /* Warm-up: one connection with a key exchange creates Mbed TLS's lasting state. */
    esp_tls_cfg_t cfg = {
        .cacert_buf = s_fx.cert_a.pem,
        .cacert_bytes = (unsigned)s_fx.cert_a.pem_len + 1,
        .timeout_ms = TIMEOUT_MS,
    };
    esp_tls_t *tls = esp_tls_init();
    if (tls == NULL) {
        return -1;
    }
    int warm_rc = esp_tls_conn_new_sync("127.0.0.1", 9, s_fx.port, &cfg, tls);
    esp_tls_conn_destroy(tls);
    if (warm_rc != 0) {
        fprintf(stderr, "warm-up connection returned %d, expected 0 (timeout)\n", warm_rc);
    }
    s_warm = true;
#endif
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    free_blob(&s_fx.cert_a);
    free_blob(&s_fx.key_a);
    free_blob(&s_fx.cert_b);
    free_blob(&s_fx.key_b);
    free(s_fx.corrupt_bundle);
    if (s_fx.listener >= 0) {
        close(s_fx.listener);
    }
    esp_tls_free_global_ca_store();
    return 0;
}

static void need_certs(void)
{
    if (!s_fx.have_certs) {
        print_message("openssl not available: skipped\n");
        skip();
    }
}

/* ---- the configuration table ------------------------------------------------------------- */

typedef enum {
    CA_NONE,
    CA_PEM,
    CA_DER,
    CA_GARBAGE,
    CA_PEM_NO_NUL,
    CA_DER_PLUS_ONE, /* DER passed with a PEM-style length (+1) */
    CA_DER_TRUNCATED,
} ca_kind_t;
typedef enum {
    CRED_NONE,
    CRED_PAIR_PEM,
    CRED_PAIR_DER,
    CRED_CERT_ONLY,
    CRED_KEY_ONLY,
    CRED_BAD_CERT,
    CRED_BAD_KEY,
} cred_kind_t;
typedef enum { CODE_ZERO, CODE_NONZERO, CODE_EXACT } code_check_t;

typedef struct {
    const char *name;
    ca_kind_t ca;
    bool global_store; /* cfg.use_global_ca_store (no store exists) */
    bool bundle;       /* cfg.crt_bundle_attach */
    cred_kind_t creds;
    int tls_version;
    bool secure_element;
    bool ds_data;
    bool ecdsa;
    bool dyn_buf_rx_static; /* cfg.esp_tls_dyn_buf_strategy */
    int expect_rc;          /* -1: setup failed, or it passed and the deadline expired */
    esp_err_t expect_error; /* last_error captured */
    code_check_t code_check;
    int code; /* CODE_EXACT: the Mbed TLS code captured (positive) */
} cfg_case_t;

static int s_attach_calls;

static esp_err_t dummy_bundle_attach(void *conf)
{
    (void)conf;
    s_attach_calls++;
    return ESP_OK;
}

static const unsigned char s_garbage[] = "this is not a certificate, neither PEM nor DER";
static const unsigned char s_garbage_key[] = "-----BEGIN PRIVATE KEY-----\nnot base64!\n"
                                             "-----END PRIVATE KEY-----\n";

static void build_cfg(const cfg_case_t *c, esp_tls_cfg_t *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->timeout_ms = TIMEOUT_MS;
    switch (c->ca) {
    case CA_NONE: break;
    case CA_PEM:
        cfg->cacert_buf = s_fx.cert_a.pem;
        cfg->cacert_bytes = (unsigned)s_fx.cert_a.pem_len + 1;
        break;
    case CA_DER:
        cfg->cacert_buf = s_fx.cert_a.der;
        cfg->cacert_bytes = (unsigned)s_fx.cert_a.der_len;
        break;
    case CA_GARBAGE:
        cfg->cacert_buf = s_garbage;
        cfg->cacert_bytes = sizeof(s_garbage);
        break;
    case CA_PEM_NO_NUL:
        cfg->cacert_buf = s_fx.cert_a.pem;
        cfg->cacert_bytes = (unsigned)s_fx.cert_a.pem_len;
        break;
    case CA_DER_PLUS_ONE:
        cfg->cacert_buf = s_fx.cert_a.der; /* read_file() leaves a NUL after the data */
        cfg->cacert_bytes = (unsigned)s_fx.cert_a.der_len + 1;
        break;
    case CA_DER_TRUNCATED:
        cfg->cacert_buf = s_fx.cert_a.der;
        cfg->cacert_bytes = (unsigned)s_fx.cert_a.der_len / 2;
        break;
    }
    switch (c->creds) {
    case CRED_NONE: break;
    case CRED_PAIR_PEM:
        cfg->clientcert_buf = s_fx.cert_b.pem;
        cfg->clientcert_bytes = (unsigned)s_fx.cert_b.pem_len + 1;
        cfg->clientkey_buf = s_fx.key_b.pem;
        cfg->clientkey_bytes = (unsigned)s_fx.key_b.pem_len + 1;
        break;
    case CRED_PAIR_DER:
        cfg->clientcert_buf = s_fx.cert_b.der;
        cfg->clientcert_bytes = (unsigned)s_fx.cert_b.der_len;
        cfg->clientkey_buf = s_fx.key_b.der;
        cfg->clientkey_bytes = (unsigned)s_fx.key_b.der_len;
        break;
    case CRED_CERT_ONLY:
        cfg->clientcert_buf = s_fx.cert_b.pem;
        cfg->clientcert_bytes = (unsigned)s_fx.cert_b.pem_len + 1;
        break;
    case CRED_KEY_ONLY:
        cfg->clientkey_buf = s_fx.key_b.pem;
        cfg->clientkey_bytes = (unsigned)s_fx.key_b.pem_len + 1;
        break;
    case CRED_BAD_CERT:
        cfg->clientcert_buf = s_garbage;
        cfg->clientcert_bytes = sizeof(s_garbage);
        cfg->clientkey_buf = s_fx.key_b.pem;
        cfg->clientkey_bytes = (unsigned)s_fx.key_b.pem_len + 1;
        break;
    case CRED_BAD_KEY:
        cfg->clientcert_buf = s_fx.cert_b.pem;
        cfg->clientcert_bytes = (unsigned)s_fx.cert_b.pem_len + 1;
        cfg->clientkey_buf = s_garbage_key;
        cfg->clientkey_bytes = sizeof(s_garbage_key);
        break;
    }
    cfg->use_global_ca_store = c->global_store;
    cfg->crt_bundle_attach = c->bundle ? dummy_bundle_attach : NULL;
    cfg->tls_version = (esp_tls_proto_ver_t)c->tls_version;
    cfg->use_secure_element = c->secure_element;
    cfg->ds_data = c->ds_data ? (void *)&s_attach_calls : NULL;
    cfg->use_ecdsa_peripheral = c->ecdsa;
    cfg->esp_tls_dyn_buf_strategy = c->dyn_buf_rx_static ? ESP_TLS_DYN_BUF_RX_STATIC : 0;
}

#define BUNDLE_RC (-1)
/* esp_tls_dyn_buf_strategy is always in esp_tls_cfg_t; without dynamic buffers setting it is
 * refused (core/features.c), with them the setup passes */
#if CONFIG_MBEDTLS_DYNAMIC_BUFFER
#define DYNBUF_ERR ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT
#else
#define DYNBUF_ERR ESP_ERR_NOT_SUPPORTED
#endif
#if CONFIG_MBEDTLS_CERTIFICATE_BUNDLE
#define BUNDLE_ERR ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT
#else
#define BUNDLE_ERR ESP_ERR_INVALID_STATE
#endif

#define TIMEOUT ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT

static const cfg_case_t s_cases[] = {
#if !CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY
    {"no verification option", CA_NONE, .expect_rc = -1,
     .expect_error = ESP_ERR_MBEDTLS_SSL_SETUP_FAILED},
#else
    {"no verification option (skip verify)", CA_NONE, .expect_rc = -1, .expect_error = TIMEOUT},
#endif
    {"use_global_ca_store without a store", CA_NONE, .global_store = true, .expect_rc = -1,
     .expect_error = ESP_ERR_INVALID_STATE},
    /* first match wins: the global store is chosen before cacert_buf */
    {"use_global_ca_store without a store + valid CA", CA_PEM, .global_store = true,
     .expect_rc = -1, .expect_error = ESP_ERR_INVALID_STATE},
    {"crt_bundle_attach", CA_NONE, .bundle = true, .expect_rc = BUNDLE_RC,
     .expect_error = BUNDLE_ERR},
    /* first match wins: the bundle is chosen before cacert_buf */
    {"crt_bundle_attach + valid CA", CA_PEM, .bundle = true, .expect_rc = BUNDLE_RC,
     .expect_error = BUNDLE_ERR},
    {"clientcert without clientkey", CA_PEM, .creds = CRED_CERT_ONLY, .expect_rc = -1,
     .expect_error = ESP_ERR_INVALID_STATE},
    {"clientkey without clientcert", CA_PEM, .creds = CRED_KEY_ONLY, .expect_rc = -1,
     .expect_error = ESP_ERR_INVALID_STATE},
    {"cacert_buf garbage", CA_GARBAGE, .expect_rc = -1,
     .expect_error = ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED, .code_check = CODE_NONZERO},
    {"PEM CA, length without the NUL", CA_PEM_NO_NUL, .expect_rc = -1,
     .expect_error = ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED, .code_check = CODE_EXACT,
     .code = 0x2180},
    {"clientcert garbage", CA_PEM, .creds = CRED_BAD_CERT, .expect_rc = -1,
     .expect_error = ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED, .code_check = CODE_NONZERO},
    {"clientkey garbage", CA_PEM, .creds = CRED_BAD_KEY, .expect_rc = -1,
     .expect_error = ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED, .code_check = CODE_NONZERO},
    {"tls_version 7", CA_PEM, .tls_version = 7, .expect_rc = -1,
     .expect_error = ESP_ERR_INVALID_ARG},
    {"use_secure_element", CA_PEM, .secure_element = true, .expect_rc = -1,
     .expect_error = ESP_FAIL},
    {"ds_data", CA_PEM, .ds_data = true, .expect_rc = -1, .expect_error = ESP_FAIL},
    {"esp_tls_dyn_buf_strategy", CA_PEM, .dyn_buf_rx_static = true, .expect_rc = -1,
     .expect_error = DYNBUF_ERR},
    {"use_ecdsa_peripheral", CA_PEM, .ecdsa = true, .expect_rc = -1, .expect_error = ESP_FAIL},
    /* setup passes: the silent peer makes the deadline expire */
    {"valid PEM CA", CA_PEM, .expect_rc = -1, .expect_error = TIMEOUT},
    {"valid DER CA", CA_DER, .expect_rc = -1, .expect_error = TIMEOUT},
    /* DER/PEM mix-ups: a DER buffer given a PEM length (+1, the NUL) still parses, as the
     * length field of the DER decides; a cut DER is refused */
    {"DER CA with a PEM-style length", CA_DER_PLUS_ONE, .expect_rc = -1, .expect_error = TIMEOUT},
    {"DER CA truncated", CA_DER_TRUNCATED, .expect_rc = -1,
     .expect_error = ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED, .code_check = CODE_NONZERO},
    {"valid CA + client cert/key (PEM)", CA_PEM, .creds = CRED_PAIR_PEM, .expect_rc = -1,
     .expect_error = TIMEOUT},
    {"valid CA + client cert/key (DER)", CA_PEM, .creds = CRED_PAIR_DER, .expect_rc = -1,
     .expect_error = TIMEOUT},
    {"valid CA + TLS 1.2 only", CA_PEM, .tls_version = ESP_TLS_VER_TLS_1_2, .expect_rc = -1,
     .expect_error = TIMEOUT},
    {"valid CA + TLS 1.3 only", CA_PEM, .tls_version = ESP_TLS_VER_TLS_1_3, .expect_rc = -1,
     .expect_error = TIMEOUT},
};

/* Connect with @p cfg; check rc, captured codes, state and elapsed time. */
static void check_outcome(const esp_tls_cfg_t *cfg, int expect_rc, esp_err_t expect_error,
                          code_check_t code_check, int code)
{
    size_t bytes_before = lib_bytes_in_use();
    esp_tls_t *tls = esp_tls_init();
    assert_non_null(tls);
    int64_t t0 = unit_now_ms();
    int rc = esp_tls_conn_new_sync("127.0.0.1", 9, s_fx.port, cfg, tls);
    int64_t elapsed = unit_now_ms() - t0;
    esp_tls_conn_state_t st;
    assert_int_equal(esp_tls_get_conn_state(tls, &st), ESP_OK);
    esp_tls_error_handle_t h = NULL;
    assert_int_equal(esp_tls_get_error_handle(tls, &h), ESP_OK);
    int tls_code = -1, flags = -1;
    esp_err_t last = esp_tls_get_and_clear_last_error(h, &tls_code, &flags);
    print_message("    rc=%d last_error=0x%x tls_code=0x%x state=%d elapsed=%lld ms\n", rc,
                  (unsigned)last, (unsigned)tls_code, (int)st, (long long)elapsed);

    assert_int_equal(rc, expect_rc);
    assert_int_equal(last, expect_error);
    assert_int_equal(flags, 0); /* no handshake happened, so no verify flags */
    switch (code_check) {
    case CODE_ZERO: assert_int_equal(tls_code, 0); break;
    case CODE_NONZERO:
        assert_int_not_equal(tls_code, 0);
        assert_true(tls_code > 0); /* stored negated, i.e. positive */
        break;
    case CODE_EXACT: assert_int_equal(tls_code, code); break;
    }
    if (expect_error != TIMEOUT) {
        /* a setup failure moves the connection to FAIL (src/core/esp_tls.c) */
        assert_int_equal(st, ESP_TLS_FAIL);
    } else {
        /* the deadline expired in the handshake (-1, as ESP-IDF v5.5): the state stays
         * HANDSHAKE; the TCP connection had been made */
        assert_int_equal(st, ESP_TLS_HANDSHAKE);
        int fd = -1;
        assert_int_equal(esp_tls_get_conn_sockfd(tls, &fd), ESP_OK);
        assert_true(fd >= 0);
    }
    assert_true(elapsed < TIMEOUT_BOUND_MS);
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
    if (s_warm) {
        /* everything the connection allocated, also on a failed setup, is freed */
        assert_int_equal(lib_bytes_in_use(), bytes_before);
    }
}

static void test_config_table(void **state)
{
    (void)state;
    need_certs();
    esp_tls_free_global_ca_store();
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(s_cases); i++) {
        const cfg_case_t *c = &s_cases[i];
        print_message("  %s\n", c->name);
        esp_tls_cfg_t cfg;
        build_cfg(c, &cfg);
        s_attach_calls = 0;
        check_outcome(&cfg, c->expect_rc, c->expect_error, c->code_check, c->code);
#if !CONFIG_MBEDTLS_CERTIFICATE_BUNDLE
        assert_int_equal(s_attach_calls, 0); /* never called when the bundle is off */
#else
        assert_int_equal(s_attach_calls, c->bundle ? 1 : 0);
#endif
    }
}

static void test_config_timeout_bound(void **state)
{
    (void)state;
    need_certs();
    /* The valid-CA case once more, on its own, for the timing bound of the deadline. */
    esp_tls_cfg_t cfg = {
        .cacert_buf = s_fx.cert_a.pem,
        .cacert_bytes = (unsigned)s_fx.cert_a.pem_len + 1,
        .timeout_ms = TIMEOUT_MS,
    };
    esp_tls_t *tls = esp_tls_init();
    assert_non_null(tls);
    int64_t t0 = unit_now_ms();
    int rc = esp_tls_conn_new_sync("127.0.0.1", 9, s_fx.port, &cfg, tls);
    int64_t elapsed = unit_now_ms() - t0;
    print_message("    returned %d after %lld ms (timeout_ms %d)\n", rc, (long long)elapsed,
                  TIMEOUT_MS);
    assert_int_equal(rc, -1); /* ESP-IDF v5.5: -1, ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT captured */
    esp_tls_error_handle_t h = NULL;
    assert_int_equal(esp_tls_get_error_handle(tls, &h), ESP_OK);
    assert_int_equal(esp_tls_get_and_clear_last_error(h, NULL, NULL), 0x8006);
    assert_true(elapsed < TIMEOUT_BOUND_MS);
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
}

/* ---- the global CA store ----------------------------------------------------------------- */

#if !CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT

/* Number of certificates in a chain. */
static int chain_len(const mbedtls_x509_crt *crt)
{
    int n = 0;
    for (; crt != NULL && crt->raw.p != NULL; crt = crt->next) {
        n++;
    }
    return n;
}

/* The DER of the @p index-th certificate of the store equals @p der. */
static void assert_store_cert(int index, const blob_t *cert)
{
    const mbedtls_x509_crt *crt = esp_tls_get_global_ca_store();
    for (int i = 0; i < index && crt != NULL; i++) {
        crt = crt->next;
    }
    assert_non_null(crt);
    assert_int_equal(crt->raw.len, cert->der_len);
    assert_memory_equal(crt->raw.p, cert->der, cert->der_len);
}

static void test_global_store_init_idempotent(void **state)
{
    (void)state;
    esp_tls_free_global_ca_store();
    assert_null(esp_tls_get_global_ca_store());
    assert_int_equal(esp_tls_init_global_ca_store(), ESP_OK);
    mbedtls_x509_crt *first = esp_tls_get_global_ca_store();
    assert_non_null(first);
    assert_int_equal(chain_len(first), 0);
    assert_int_equal(esp_tls_init_global_ca_store(), ESP_OK);
    assert_ptr_equal(esp_tls_get_global_ca_store(), first);
    esp_tls_free_global_ca_store();
    assert_null(esp_tls_get_global_ca_store());
    esp_tls_free_global_ca_store(); /* freeing nothing is fine */
    assert_null(esp_tls_get_global_ca_store());
}

static void test_global_store_null(void **state)
{
    (void)state;
    esp_tls_free_global_ca_store();
    assert_int_equal(esp_tls_set_global_ca_store(NULL, 100), ESP_ERR_INVALID_ARG);
    assert_null(esp_tls_get_global_ca_store());
}

static void test_global_store_set_and_append(void **state)
{
    (void)state;
    need_certs();
    esp_tls_free_global_ca_store();
    assert_int_equal(
        esp_tls_set_global_ca_store(s_fx.cert_a.pem, (unsigned)s_fx.cert_a.pem_len + 1), ESP_OK);
    assert_non_null(esp_tls_get_global_ca_store());
    assert_int_equal(chain_len(esp_tls_get_global_ca_store()), 1);
    assert_store_cert(0, &s_fx.cert_a);
    /* a second set appends */
    assert_int_equal(esp_tls_set_global_ca_store(s_fx.cert_b.der, (unsigned)s_fx.cert_b.der_len),
                     ESP_OK);
    assert_int_equal(chain_len(esp_tls_get_global_ca_store()), 2);
    assert_store_cert(0, &s_fx.cert_a);
    assert_store_cert(1, &s_fx.cert_b);
    esp_tls_free_global_ca_store();
    assert_null(esp_tls_get_global_ca_store());
}

static void test_global_store_set_after_init(void **state)
{
    (void)state;
    need_certs();
    esp_tls_free_global_ca_store();
    assert_int_equal(esp_tls_init_global_ca_store(), ESP_OK);
    mbedtls_x509_crt *store = esp_tls_get_global_ca_store();
    assert_int_equal(
        esp_tls_set_global_ca_store(s_fx.cert_a.pem, (unsigned)s_fx.cert_a.pem_len + 1), ESP_OK);
    assert_ptr_equal(esp_tls_get_global_ca_store(), store); /* the same store, filled */
    assert_int_equal(chain_len(store), 1);
    esp_tls_free_global_ca_store();
    assert_null(esp_tls_get_global_ca_store());
}

typedef struct {
    const char *name;
    bool preload; /* cert A is in the store before */
    const unsigned char *buf;
    unsigned len;
} store_bad_case_t;

static void test_global_store_parse_failure_drops_store(void **state)
{
    (void)state;
    need_certs();
    const store_bad_case_t cases[] = {
        {"garbage", false, s_garbage, sizeof(s_garbage)},
        {"garbage after a good cert", true, s_garbage, sizeof(s_garbage)},
        {"PEM length without the NUL", false, s_fx.cert_b.pem, (unsigned)s_fx.cert_b.pem_len},
        {"PEM length without the NUL after a good cert", true, s_fx.cert_b.pem,
         (unsigned)s_fx.cert_b.pem_len},
    };
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(cases); i++) {
        const store_bad_case_t *c = &cases[i];
        print_message("  %s\n", c->name);
        esp_tls_free_global_ca_store();
        if (c->preload) {
            assert_int_equal(
                esp_tls_set_global_ca_store(s_fx.cert_a.pem, (unsigned)s_fx.cert_a.pem_len + 1),
                ESP_OK);
            assert_non_null(esp_tls_get_global_ca_store());
        }
        assert_int_equal(esp_tls_set_global_ca_store(c->buf, c->len), ESP_FAIL);
        assert_null(esp_tls_get_global_ca_store());
    }
}

static void test_global_store_partly_ok(void **state)
{
    (void)state;
    need_certs();
    esp_tls_free_global_ca_store();
    assert_int_equal(
        esp_tls_set_global_ca_store(s_fx.corrupt_bundle, (unsigned)s_fx.corrupt_bundle_len + 1),
        ESP_ERR_MBEDTLS_CERT_PARTLY_OK);
    assert_int_equal(ESP_ERR_MBEDTLS_CERT_PARTLY_OK, 0x8010);
    assert_non_null(esp_tls_get_global_ca_store());
    assert_int_equal(chain_len(esp_tls_get_global_ca_store()), 1);
    assert_store_cert(0, &s_fx.cert_a);
    esp_tls_free_global_ca_store();
    assert_null(esp_tls_get_global_ca_store());
}

static void test_global_store_used_by_connection(void **state)
{
    (void)state;
    need_certs();
    esp_tls_free_global_ca_store();
    assert_int_equal(
        esp_tls_set_global_ca_store(s_fx.cert_a.pem, (unsigned)s_fx.cert_a.pem_len + 1), ESP_OK);
    /* with a store, use_global_ca_store passes setup (and wins over a garbage cacert_buf) */
    esp_tls_cfg_t cfg = {
        .use_global_ca_store = true,
        .cacert_buf = s_garbage,
        .cacert_bytes = sizeof(s_garbage),
        .timeout_ms = TIMEOUT_MS,
    };
    check_outcome(&cfg, -1, ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT, CODE_ZERO, 0);
    esp_tls_free_global_ca_store();
    assert_null(esp_tls_get_global_ca_store());
}

#else /* CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT */

static void test_global_store_disabled(void **state)
{
    (void)state;
    static const unsigned char pem[] = "-----BEGIN CERTIFICATE-----\n";
    assert_int_equal(esp_tls_set_global_ca_store(pem, sizeof(pem)), ESP_FAIL);
}

#endif

/*
 * Last test: with the global store freed and Mbed TLS's process-wide PSA state released
 * (mbedtls_psa_crypto_free(), which a program may call at exit), the library holds no
 * memory. Also keeps Valgrind's "possibly lost" report clean: the counting allocator hands
 * out block + 16, so blocks only held by PSA's static pointers look "possibly lost".
 */
static void test_zz_no_library_memory_left(void **state)
{
    (void)state;
    esp_tls_free_global_ca_store();
    mbedtls_psa_crypto_free();
    esp_tls_mem_stats_t st = {0};
    esp_tls_get_mem_stats(&st);
    assert_true(st.allocations > 0);
    assert_int_equal(st.current_bytes, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_table),
        cmocka_unit_test(test_config_timeout_bound),
#if !CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT
        cmocka_unit_test(test_global_store_init_idempotent),
        cmocka_unit_test(test_global_store_null),
        cmocka_unit_test(test_global_store_set_and_append),
        cmocka_unit_test(test_global_store_set_after_init),
        cmocka_unit_test(test_global_store_parse_failure_drops_store),
        cmocka_unit_test(test_global_store_partly_ok),
        cmocka_unit_test(test_global_store_used_by_connection),
#else
        cmocka_unit_test(test_global_store_disabled),
#endif
        cmocka_unit_test(test_zz_no_library_memory_left), /* must stay last */
    };
    return cmocka_run_group_tests_name("backend/config", tests, group_setup, group_teardown);
}
