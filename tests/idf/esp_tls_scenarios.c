// SPDX-License-Identifier: Apache-2.0
/*
 * ESP-IDF's esp-tls unit test scenarios (components/esp-tls/test_apps, TEST_CASEs of
 * test_esp_tls.c, "[esp-tls]"), as our own tests. ESP-IDF runs each case between a heap
 * snapshot and a leak check with a threshold of 0 bytes; here the library's own counter
 * (esp_tls_get_mem_stats()) must come back to where it was.
 *
 *   esp_tls_scenarios SCENARIO [CERTDIR]
 *
 * Scenarios (ctest idf_esp_tls_<scenario>):
 *   conn_write_read_reject_null_tls       "esp_tls_conn_write/read reject NULL tls": write and
 *                                         read on a NULL handle return -1
 *   conn_write_reject_null_data_buffer    "esp_tls_conn_write reject NULL data buffer": write of
 *                                         NULL data on a handle returns -1
 *   conn_write_read_reject_unconnected_tls "esp_tls_conn_write/read reject unconnected tls":
 *                                         -1 from both right after esp_tls_init()
 *   conn_read_accepts_zero_datalen        "esp_tls_conn_read accepts zero datalen": on an
 *                                         established connection, read(tls, NULL, 0) returns 0
 *                                         ("used to get the data into the SSL buffers"). Here
 *                                         against openssl s_server -tls1_3 (two session
 *                                         tickets) with a request pending: 0, then the
 *                                         response is in esp_tls_get_bytes_avail(), and a
 *                                         blocking read returns data, never WANT_READ
 *   init_deinit                           "esp-tls init deinit": esp_tls_init() non-NULL,
 *                                         esp_tls_conn_destroy() returns 0, no heap left
 *   global_ca_store_set_free              "esp-tls global_ca_store set free": init and set
 *                                         return ESP_OK, free releases all of it
 *   server_session_create_delete          "esp_tls_server session create delete": with a
 *                                         certificate and key, create on socket -1 fails
 *                                         (negative), delete frees everything: 0 bytes left,
 *                                         also the first time in the process (the process-wide
 *                                         PSA state is not the session's)
 */
#include <poll.h>

#include "idf_test.h"

static const char GET[] = "GET / HTTP/1.0\r\n\r\n";

static void conn_write_read_reject_null_tls(void)
{
    char buf[16] = {0};
    CHECK_EQ(esp_tls_conn_write(NULL, buf, sizeof(buf)), -1);
    CHECK_EQ(esp_tls_conn_read(NULL, buf, sizeof(buf)), -1);
}

static void conn_write_reject_null_data_buffer(void)
{
    size_t before = idf_heap();
    esp_tls_t *tls = esp_tls_init();
    CHECK(tls != NULL);
    CHECK_EQ(esp_tls_conn_write(tls, NULL, 16), -1);
    esp_tls_conn_destroy(tls);
    CHECK_EQ(idf_heap(), before);
}

static void conn_write_read_reject_unconnected_tls(void)
{
    size_t before = idf_heap();
    esp_tls_t *tls = esp_tls_init();
    CHECK(tls != NULL);
    char buf[16] = {0};
    CHECK_EQ(esp_tls_conn_write(tls, buf, sizeof(buf)), -1);
    CHECK_EQ(esp_tls_conn_read(tls, buf, sizeof(buf)), -1);
    esp_tls_conn_destroy(tls);
    CHECK_EQ(idf_heap(), before);
}

/* A blocking TLS connection to @p port on @p host verified with the test CA, GET written. */
static esp_tls_t *connect_and_request(const char *dir, const char *host, int port)
{
    unsigned ca_len = 0;
    const char *ca = idf_cert(dir, "ca-ec.crt", &ca_len);
    esp_tls_cfg_t cfg = {
        .cacert_buf = (const unsigned char *)ca,
        .cacert_bytes = ca_len,
        .timeout_ms = 10000,
    };
    esp_tls_t *tls = esp_tls_init();
    CHECK(tls != NULL);
    CHECK_EQ(esp_tls_conn_new_sync(host, (int)strlen(host), port, &cfg, tls), 1);
    CHECK_EQ(esp_tls_conn_write(tls, GET, sizeof(GET) - 1), (long)(sizeof(GET) - 1));
    return tls;
}

static void conn_read_accepts_zero_datalen(const char *dir)
{
    static const char *const tls13[] = {"-tls1_3", NULL};
    const char *hosts[2];
    for (int h = 0, n = idf_hosts(hosts); h < n; h++) {
        unit_peer_t srv = idf_s_server(dir, hosts[h], "server-ec", tls13);
        /* 0 for an empty read; the response it pulled in is then available */
        esp_tls_t *tls = connect_and_request(dir, hosts[h], srv.port);
        CHECK_EQ(esp_tls_conn_read(tls, NULL, 0), 0);
        CHECK(esp_tls_get_bytes_avail(tls) > 0);
        char buf[17] = {0};
        CHECK_EQ(esp_tls_conn_read(tls, buf, 16), 16);
        CHECK(strncmp(buf, "HTTP/1.0 200 ok", 15) == 0);
        esp_tls_conn_destroy(tls);
        /* with a request pending, one blocking read returns data: the server's session
         * tickets are handled inside, 20 times out of 20 */
        for (int i = 0; i < 20; i++) {
            tls = connect_and_request(dir, hosts[h], srv.port);
            memset(buf, 0, sizeof(buf));
            CHECK_EQ(esp_tls_conn_read(tls, buf, 16), 16);
            CHECK(strncmp(buf, "HTTP/1.0 200 ok", 15) == 0);
            esp_tls_conn_destroy(tls);
        }
        unit_peer_stop(&srv);
    }
}

static void init_deinit(void)
{
    size_t before = idf_heap();
    esp_tls_t *tls = esp_tls_init();
    CHECK(tls != NULL);
    CHECK(idf_heap() > before);
    CHECK_EQ(esp_tls_conn_destroy(tls), 0);
    CHECK_EQ(idf_heap(), before);
}

static void global_ca_store_set_free(const char *dir)
{
    unsigned len = 0;
    const char *ca = idf_cert(dir, "ca-rsa.crt", &len);
#if CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT
    printf("no global CA store in this build (CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT): skipped\n");
    (void)ca;
    exit(IDF_SKIP);
#endif
    size_t before = idf_heap();
    CHECK_EQ(esp_tls_init_global_ca_store(), ESP_OK);
    CHECK_EQ(esp_tls_set_global_ca_store((const unsigned char *)ca, len), ESP_OK);
    CHECK(idf_heap() > before); /* the store holds the parsed certificate */
    esp_tls_free_global_ca_store();
    CHECK_EQ(idf_heap(), before);
}

static void server_session_create_delete(const char *dir)
{
    unsigned cert_len = 0, key_len = 0;
    const char *cert = idf_cert(dir, "server-rsa.crt", &cert_len);
    const char *key = idf_cert(dir, "server-rsa.key", &key_len);
    /* nothing of the library exists yet in this process: the first session sets up the
     * process-wide state, and must still leave 0 bytes behind */
    CHECK_EQ(esp_tls_get_global_mem_bytes(), 0);
    for (int i = 0; i < 3; i++) {
        size_t before = idf_heap();
        esp_tls_t *tls = esp_tls_init();
        CHECK(tls != NULL);
        esp_tls_cfg_server_t cfg = {
            .servercert_buf = (const unsigned char *)cert,
            .servercert_bytes = cert_len,
            .serverkey_buf = (const unsigned char *)key,
            .serverkey_bytes = key_len,
        };
        /* no peer on socket -1: the handshake fails, after everything was allocated */
        CHECK(esp_tls_server_session_create(&cfg, -1, tls) < 0);
        esp_tls_server_session_delete(tls);
        CHECK_EQ(idf_heap(), before);
        CHECK_EQ(before, 0);
    }
    CHECK(esp_tls_get_global_mem_bytes() > 0); /* it was set up, and counted apart */
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: esp_tls_scenarios SCENARIO [CERTDIR]\n");
        return 2;
    }
    const char *s = argv[1];
    const char *dir = argc > 2 ? argv[2] : NULL;
    bool needs_certs = !strcmp(s, "conn_read_accepts_zero_datalen") ||
                       !strcmp(s, "global_ca_store_set_free") ||
                       !strcmp(s, "server_session_create_delete");
    if (needs_certs && dir == NULL) {
        fprintf(stderr, "%s needs CERTDIR\n", s);
        return 2;
    }
    esp_log_level_set("*", ESP_LOG_NONE);
    if (!strcmp(s, "conn_write_read_reject_null_tls")) {
        conn_write_read_reject_null_tls();
    } else if (!strcmp(s, "conn_write_reject_null_data_buffer")) {
        conn_write_reject_null_data_buffer();
    } else if (!strcmp(s, "conn_write_read_reject_unconnected_tls")) {
        conn_write_read_reject_unconnected_tls();
    } else if (!strcmp(s, "conn_read_accepts_zero_datalen")) {
        conn_read_accepts_zero_datalen(dir);
    } else if (!strcmp(s, "init_deinit")) {
        init_deinit();
    } else if (!strcmp(s, "global_ca_store_set_free")) {
        global_ca_store_set_free(dir);
    } else if (!strcmp(s, "server_session_create_delete")) {
        server_session_create_delete(dir);
    } else {
        fprintf(stderr, "unknown scenario %s\n", s);
        return 2;
    }
    printf("%s: passed\n", s);
    return 0;
}
