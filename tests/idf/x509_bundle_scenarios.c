// SPDX-License-Identifier: Apache-2.0
/*
 * ESP-IDF's https_x509_bundle example (examples/protocols/https_x509_bundle) and its example
 * test (pytest_https_x509_bundle.py), as our own test against real servers on 127.0.0.1 and
 * ::1. The example connects to each of its URLs with a fresh handle (esp_tls_init()) and
 * esp_tls_conn_http_new_sync(url, {.crt_bundle_attach = esp_crt_bundle_attach}, tls) == 1,
 * destroys it, and counts; the test expects "Connection established to <url>" for every URL and
 * "Completed N connections" with N the number of URLs. The example's custom bundle
 * (CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH) is here a bundle built from the test roots.
 *
 *   x509_bundle_scenarios SCENARIO CERTDIR
 *
 * Scenarios (ctest idf_https_x509_bundle_<scenario>):
 *   connect_urls           one server with an RSA chain and one with an EC chain, each on every
 *                          loopback host: all connect through the bundle (conn_count == URLs),
 *                          and a handle's heap is released by esp_tls_conn_destroy(). Before the
 *                          custom bundle is set, the built-in one (if the build has one) does
 *                          not know the test roots: every connection fails verification.
 *   transport_bundle_attach the same through an ssl transport with
 *                          esp_transport_ssl_crt_bundle_attach(), as esp_http_client and the MQTT
 *                          client do with .crt_bundle_attach
 */
#include "bundle/bundle_internal.h"
#include "esp_transport.h"
#include "esp_transport_ssl.h"
#include "idf_test.h"

#define MAX_URLS 4

typedef struct {
    unit_peer_t srv[MAX_URLS];
    char urls[MAX_URLS][128];
    const char *hosts[MAX_URLS];
    int n;
} servers_t;

static void servers_start(servers_t *s, const char *dir)
{
    static const char *const certs[] = {"server-rsa", "server-ec"};
    static const char *const versions[][2] = {{"-tls1_2", NULL}, {"-tls1_3", NULL}};
    const char *hosts[2];
    int nh = idf_hosts(hosts);
    s->n = 0;
    for (int h = 0; h < nh; h++) {
        for (int c = 0; c < 2; c++) {
            s->srv[s->n] = idf_s_server(dir, hosts[h], certs[c], versions[c]);
            s->hosts[s->n] = hosts[h];
            snprintf(s->urls[s->n], sizeof(s->urls[0]), "%s", idf_url(hosts[h], s->srv[s->n].port));
            s->n++;
        }
    }
}

static void servers_stop(servers_t *s)
{
    for (int i = 0; i < s->n; i++) {
        unit_peer_stop(&s->srv[i]);
    }
}

/* The example's loop: how many of the URLs connect. */
static int connect_urls_once(const servers_t *s, esp_err_t *last_error)
{
    int conn_count = 0;
    for (int i = 0; i < s->n; i++) {
        esp_tls_cfg_t cfg = {.crt_bundle_attach = esp_crt_bundle_attach, .timeout_ms = 10000};
        size_t before = idf_heap();
        esp_tls_t *tls = esp_tls_init();
        CHECK(tls != NULL);
        if (esp_tls_conn_http_new_sync(s->urls[i], &cfg, tls) == 1) {
            printf("Connection established to %s\n", s->urls[i]);
            conn_count++;
        } else {
            printf("Could not connect to %s\n", s->urls[i]);
        }
        *last_error = idf_error_of(tls).last;
        esp_tls_conn_destroy(tls);
        CHECK_EQ(idf_heap(), before);
    }
    printf("Completed %d connections\n", conn_count);
    return conn_count;
}

static void connect_urls(const char *dir)
{
    servers_t s;
    servers_start(&s, dir);
    esp_err_t last = ESP_OK;
    if (esp_crt_bundle_default_size != 0) { /* the built-in bundle: no test root in it */
        CHECK_EQ(connect_urls_once(&s, &last), 0);
        CHECK_EQ(last, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
    }
    idf_bundle_set_test_roots(dir);
    CHECK_EQ(connect_urls_once(&s, &last), s.n);
    CHECK_EQ(last, ESP_OK);
    servers_stop(&s);
}

static void transport_bundle_attach(const char *dir)
{
    servers_t s;
    servers_start(&s, dir);
    idf_bundle_set_test_roots(dir);
    for (int i = 0; i < s.n; i++) {
        size_t before = idf_heap();
        esp_transport_handle_t t = esp_transport_ssl_init();
        CHECK(t != NULL);
        esp_transport_ssl_crt_bundle_attach(t, esp_crt_bundle_attach);
        CHECK_EQ(esp_transport_connect(t, s.hosts[i], s.srv[i].port, 10000), 0);
        static const char get[] = "GET / HTTP/1.0\r\n\r\n";
        CHECK_EQ(esp_transport_write(t, get, sizeof(get) - 1, 5000), (int)sizeof(get) - 1);
        char buf[16] = {0};
        int n = 0;
        while (n < 12) {
            int r = esp_transport_read(t, buf + n, 12 - n, 5000);
            CHECK(r > 0);
            n += r;
        }
        CHECK(strncmp(buf, "HTTP/1.0 200", 12) == 0);
        CHECK_EQ(esp_transport_close(t), 0);
        CHECK_EQ(esp_transport_destroy(t), ESP_OK);
        CHECK_EQ(idf_heap(), before);
    }
    servers_stop(&s);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: x509_bundle_scenarios SCENARIO CERTDIR\n");
        return 2;
    }
    esp_log_level_set("*", ESP_LOG_NONE);
    if (!strcmp(argv[1], "connect_urls")) {
        connect_urls(argv[2]);
    } else if (!strcmp(argv[1], "transport_bundle_attach")) {
        transport_bundle_attach(argv[2]);
    } else {
        fprintf(stderr, "unknown scenario %s\n", argv[1]);
        return 2;
    }
    printf("%s: passed\n", argv[1]);
    return 0;
}
