// SPDX-License-Identifier: Apache-2.0
/*
 * ESP-IDF's https_request example (examples/protocols/https_request) and what its example test
 * (pytest_https_request.py) expects of it, as our own tests against real servers on 127.0.0.1
 * and ::1. Each step of the example opens a connection with esp_tls_conn_http_new(), writes a
 * GET (retrying on WANT_READ/WANT_WRITE), reads until esp_tls_conn_read() returns 0 (retrying
 * on WANT_READ/WANT_WRITE, stopping on an error) and destroys the connection; the test expects
 * "Connection established...", "HTTP/1.1 200 OK" in the response and "connection closed" (the
 * read that returned 0) for each step, and "Connection failed..." for the step with
 * ciphersuites the server does not support.
 *
 *   https_request_scenarios SCENARIO CERTDIR
 *
 * Scenarios (ctest idf_https_request_<scenario>):
 *   using_cacert_buf         "https_request using cacert_buf": cfg.cacert_buf, against
 *                            openssl s_server -www (TLS 1.3 and TLS 1.2)
 *   using_global_ca_store    "https_request using global ca_store": esp_tls_set_global_ca_store()
 *                            then cfg.use_global_ca_store; the store freed afterwards
 *   using_crt_bundle         "https_request using crt bundle": cfg.crt_bundle_attach =
 *                            esp_crt_bundle_attach with a bundle holding the test roots; the log
 *                            says "Certificate validated"
 *   server_supported_ciphersuites    "https_request using server supported ciphersuites":
 *   server_unsupported_ciphersuites  cfg.ciphersuites_list with a suite the TLS 1.2 server
 *                            accepts: the request succeeds; with only suites it does not accept:
 *                            esp_tls_conn_http_new() returns NULL
 *   cli_session_tickets      the example built with CONFIG_EXAMPLE_CLIENT_SESSION_TICKETS,
 *                            against a Python ssl server (as the example test's http.server,
 *                            which answers and closes without close_notify): "https_request to
 *                            local server" pins the server's self-signed X.509 v1 certificate as
 *                            cacert_buf with skip_common_name and saves the session
 *                            (esp_tls_get_client_session()); "https_request using saved client
 *                            session" resumes it; both read to "connection closed". ESP-IDF
 *                            v5.5.5 refuses a configuration whose only verification option is
 *                            client_session (0x8017, "close CA-verification bypass during session
 *                            resumption"), so the saved session is offered with the pinned
 *                            certificate, and the session alone must fail.
 * Each connection must leave the library's heap where it was.
 */
#include <stdarg.h>

#include "idf_test.h"

static const char REQUEST[] = "GET / HTTP/1.1\r\n"
                              "Host: localhost\r\n"
                              "User-Agent: esp-idf/1.0 esp32\r\n"
                              "\r\n";

typedef struct {
    bool connected; /* "Connection established..." */
    char response[16384];
    size_t len;
    int last_read;                     /* what ended the read loop: 0 is "connection closed" */
    esp_tls_client_session_t *session; /* saved when asked for */
} https_result_t;

/* When https_get() saves the session: not, right after connecting (the example; TLS 1.2), or
 * after the response (TLS 1.3: the tickets come after the handshake, esp_tls.h) */
typedef enum { SAVE_NONE, SAVE_AFTER_CONNECT, SAVE_AFTER_READ } save_t;

/* The example's https_get_request(): connect, write the request, read until the end. */
static https_result_t https_get(const char *url, const esp_tls_cfg_t *cfg, save_t save)
{
    https_result_t r = {0};
/* the example calls it (deprecated in ESP-IDF v5 as here) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    esp_tls_t *tls = esp_tls_conn_http_new(url, cfg);
#pragma GCC diagnostic pop
    if (tls == NULL) {
        return r;
    }
    r.connected = true;
    if (save == SAVE_AFTER_CONNECT) {
        r.session = esp_tls_get_client_session(tls);
        CHECK(r.session != NULL);
    }
    size_t written = 0;
    while (written < sizeof(REQUEST) - 1) {
        ssize_t n = esp_tls_conn_write(tls, REQUEST + written, sizeof(REQUEST) - 1 - written);
        if (n >= 0) {
            written += (size_t)n;
        } else if (n != ESP_TLS_ERR_SSL_WANT_READ && n != ESP_TLS_ERR_SSL_WANT_WRITE) {
            fprintf(stderr, "esp_tls_conn_write returned -0x%x\n", (unsigned)-n);
            CHECK(false);
        }
    }
    for (;;) {
        char buf[512];
        ssize_t n = esp_tls_conn_read(tls, buf, sizeof(buf) - 1);
        if (n == ESP_TLS_ERR_SSL_WANT_READ || n == ESP_TLS_ERR_SSL_WANT_WRITE) {
            continue;
        }
        if (n <= 0) {
            r.last_read = (int)n;
            break;
        }
        size_t room = sizeof(r.response) - 1 - r.len;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy(r.response + r.len, buf, take);
        r.len += take;
    }
    if (save == SAVE_AFTER_READ) {
        r.session = esp_tls_get_client_session(tls);
        CHECK(r.session != NULL);
    }
    esp_tls_conn_destroy(tls);
    return r;
}

/* The example test's expectations for a step that succeeds. */
static void expect_ok(const https_result_t *r)
{
    CHECK(r->connected);
    CHECK(r->len > 12);
    CHECK(strncmp(r->response, "HTTP/1.0 200", 12) == 0 ||
          strncmp(r->response, "HTTP/1.1 200", 12) == 0);
    CHECK_EQ(r->last_read, 0); /* "connection closed" */
}

static void expect_ok_get(const char *url, const esp_tls_cfg_t *cfg)
{
    https_result_t r = https_get(url, cfg, SAVE_NONE);
    expect_ok(&r);
}

/* One step against openssl s_server -www (on every loopback host) with @p cfg. */
static void step_s_server(const char *dir, const char *cert, const char *const *server_args,
                          const esp_tls_cfg_t *cfg, bool expect_connect)
{
    const char *hosts[2];
    for (int h = 0, nh = idf_hosts(hosts); h < nh; h++) {
        unit_peer_t srv = idf_s_server(dir, hosts[h], cert, server_args);
        size_t before = idf_heap();
        https_result_t r = https_get(idf_url(hosts[h], srv.port), cfg, SAVE_NONE);
        CHECK_EQ(idf_heap(), before);
        unit_peer_stop(&srv);
        printf("%s: %s, read loop ended with %d\n", hosts[h],
               r.connected ? "Connection established..." : "Connection failed...", r.last_read);
        if (expect_connect) {
            expect_ok(&r);
        } else {
            CHECK(!r.connected);
        }
    }
}

static const char *const s_tls13[] = {"-tls1_3", NULL};
static const char *const s_tls12[] = {"-tls1_2", NULL};

static void using_cacert_buf(const char *dir)
{
    unsigned len = 0;
    const char *ca = idf_cert(dir, "ca-ec.crt", &len);
    esp_tls_cfg_t cfg = {.cacert_buf = (const unsigned char *)ca, .cacert_bytes = len};
    step_s_server(dir, "server-ec", s_tls13, &cfg, true);
    step_s_server(dir, "server-ec", s_tls12, &cfg, true);
}

static void using_global_ca_store(const char *dir)
{
#if CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT
    printf("no global CA store in this build (CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT): skipped\n");
    exit(IDF_SKIP);
#endif
    unsigned len = 0;
    const char *ca = idf_cert(dir, "ca-rsa.crt", &len);
    size_t before = idf_heap();
    CHECK_EQ(esp_tls_set_global_ca_store((const unsigned char *)ca, len), ESP_OK);
    esp_tls_cfg_t cfg = {.use_global_ca_store = true};
    /* The store's first verification makes Mbed TLS cache R^2 mod N in the root's RSA context
     * (kept by the store, released with it): the first connection is measured as a whole,
     * with the store, and each later one on its own */
    const char *hosts[2];
    idf_hosts(hosts);
    unit_peer_t srv = idf_s_server(dir, hosts[0], "server-rsa", s_tls13);
    expect_ok_get(idf_url(hosts[0], srv.port), &cfg);
    unit_peer_stop(&srv);
    step_s_server(dir, "server-rsa", s_tls13, &cfg, true);
    step_s_server(dir, "server-rsa", s_tls12, &cfg, true);
    esp_tls_free_global_ca_store();
    CHECK_EQ(idf_heap(), before);
}

/* Log capture, for the bundle's "Certificate validated" */
static char s_log[65536];
static size_t s_log_len;

static int log_sink(const char *fmt, va_list ap)
{
    size_t room = sizeof(s_log) - s_log_len;
    int n = vsnprintf(s_log + s_log_len, room, fmt, ap);
    if (n > 0) {
        s_log_len += (size_t)n < room ? (size_t)n : room - 1;
    }
    return n;
}

static void using_crt_bundle(const char *dir)
{
    idf_bundle_set_test_roots(dir);
    esp_log_set_vprintf(log_sink);
    esp_log_level_set("*", ESP_LOG_INFO);
    esp_tls_cfg_t cfg = {.crt_bundle_attach = esp_crt_bundle_attach};
    step_s_server(dir, "server-ec", s_tls13, &cfg, true);
    step_s_server(dir, "server-rsa", s_tls12, &cfg, true);
    CHECK(strstr(s_log, "Certificate validated") != NULL);
}

static void ciphersuites(const char *dir, bool supported)
{
    unsigned len = 0;
    const char *ca = idf_cert(dir, "ca-ec.crt", &len);
    /* the server accepts only ECDHE-ECDSA-AES128-GCM-SHA256 (0xC02B) */
    static const char *const server[] = {"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256",
                                         NULL};
    static const int accepted[] = {0xC02C, 0xC02B, 0}; /* AES256-GCM, AES128-GCM */
    static const int refused[] = {0xC024, 0xC00A, 0};  /* AES256-CBC-SHA384, AES256-CBC-SHA */
    esp_tls_cfg_t cfg = {
        .cacert_buf = (const unsigned char *)ca,
        .cacert_bytes = len,
        .ciphersuites_list = supported ? accepted : refused,
    };
    step_s_server(dir, "server-ec", server, &cfg, supported);
}

static unit_peer_t python_server(const char *dir, const char *host)
{
    char cert[1024], key[1024];
    snprintf(cert, sizeof(cert), "%s/selfsigned-v1.crt", dir);
    snprintf(key, sizeof(key), "%s/selfsigned-v1.key", dir);
    char *argv[] = {"/usr/bin/python3", IDF_PEER_PY, "0",          cert, key,
                    "--close",          "--host",    (char *)host, NULL};
    unit_peer_t p;
    CHECK_EQ(unit_peer_start(&p, argv, "peer: listening on"), 0);
    return p;
}

/* The example's two steps, then the session alone, against @p url. */
static void session_steps(const char *url, const char *pinned, unsigned len,
                          esp_tls_proto_ver_t ver)
{
    size_t before = idf_heap();
    /* "https_request to local server" */
    esp_tls_cfg_t cfg = {
        .cacert_buf = (const unsigned char *)pinned,
        .cacert_bytes = len,
        .skip_common_name = true,
        .tls_version = ver,
    };
    https_result_t first =
        https_get(url, &cfg, ver == ESP_TLS_VER_TLS_1_2 ? SAVE_AFTER_CONNECT : SAVE_AFTER_READ);
    printf("%s: to local server: connected=%d, read loop ended with %d\n", url, first.connected,
           first.last_read);
    expect_ok(&first);
    /* "https_request using saved client session" */
    esp_tls_cfg_t again = cfg;
    again.client_session = first.session;
    esp_tls_t *tls = esp_tls_init();
    CHECK(tls != NULL);
    CHECK_EQ(esp_tls_conn_http_new_sync(url, &again, tls), 1);
    CHECK(esp_tls_session_resumed(tls));
    esp_tls_conn_destroy(tls);
    https_result_t second = https_get(url, &again, SAVE_NONE);
    printf("%s: using saved client session: read loop ended with %d\n", url, second.last_read);
    expect_ok(&second);
    /* the session alone is no verification option */
    esp_tls_cfg_t session_only = {.client_session = first.session, .tls_version = ver};
    tls = esp_tls_init();
    CHECK(tls != NULL);
    CHECK_EQ(esp_tls_conn_http_new_sync(url, &session_only, tls), -1);
    CHECK_EQ(idf_error_of(tls).last, ESP_ERR_MBEDTLS_SSL_SETUP_FAILED);
    esp_tls_conn_destroy(tls);
    esp_tls_free_client_session(first.session);
    CHECK_EQ(idf_heap(), before);
}

static void cli_session_tickets(const char *dir)
{
    unsigned len = 0;
    const char *pinned = idf_cert(dir, "selfsigned-v1.crt", &len);
    const char *hosts[2];
    for (int h = 0, nh = idf_hosts(hosts); h < nh; h++) {
        unit_peer_t srv = python_server(dir, hosts[h]);
        const char *url = idf_url(hosts[h], srv.port);
        /* ESP-IDF's default build (no TLS 1.3) and its ssldyn_tls1_3 configuration */
        session_steps(url, pinned, len, ESP_TLS_VER_TLS_1_2);
        session_steps(url, pinned, len, ESP_TLS_VER_TLS_1_3);
        unit_peer_stop(&srv);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: https_request_scenarios SCENARIO CERTDIR\n");
        return 2;
    }
    const char *s = argv[1];
    const char *dir = argv[2];
    esp_log_level_set("*", ESP_LOG_NONE);
    if (!strcmp(s, "using_cacert_buf")) {
        using_cacert_buf(dir);
    } else if (!strcmp(s, "using_global_ca_store")) {
        using_global_ca_store(dir);
    } else if (!strcmp(s, "using_crt_bundle")) {
        using_crt_bundle(dir);
    } else if (!strcmp(s, "server_supported_ciphersuites")) {
        ciphersuites(dir, true);
    } else if (!strcmp(s, "server_unsupported_ciphersuites")) {
        ciphersuites(dir, false);
    } else if (!strcmp(s, "cli_session_tickets")) {
        cli_session_tickets(dir);
    } else {
        fprintf(stderr, "unknown scenario %s\n", s);
        return 2;
    }
    printf("%s: passed\n", s);
    return 0;
}
