// SPDX-License-Identifier: Apache-2.0
/*
 * The connection state machine, pass by pass (src/core/esp_tls.c):
 * esp_tls_conn_new_async() with non_block against 127.0.0.1 listeners the test owns.
 * Each pass returns -1, 0 or 1, and leaves a state and a poll target behind.
 */
#include <errno.h>
#include <poll.h>

#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "unit_support.h"

static char s_ca_pem[4096]; /* a self-signed certificate made with openssl at start */

static esp_tls_conn_state_t state_of(esp_tls_t *tls)
{
    esp_tls_conn_state_t st = (esp_tls_conn_state_t)-1;
    assert_int_equal(esp_tls_get_conn_state(tls, &st), ESP_OK);
    return st;
}

static esp_err_t last_error(esp_tls_t *tls)
{
    esp_tls_error_handle_t h = NULL;
    assert_int_equal(esp_tls_get_error_handle(tls, &h), ESP_OK);
    return esp_tls_get_and_clear_last_error(h, NULL, NULL);
}

/* Call until the result is not 0 (or @p max_ms passes), waiting on the poll target. */
static int drive(esp_tls_t *tls, const char *host, int port, const esp_tls_cfg_t *cfg, int max_ms,
                 int *calls)
{
    int64_t end = unit_now_ms() + max_ms;
    int rc = 0;
    *calls = 0;
    while (rc == 0 && unit_now_ms() < end) {
        rc = esp_tls_conn_new_async(host, (int)strlen(host), port, cfg, tls);
        (*calls)++;
        if (rc == 0) {
            struct pollfd p = {.fd = -1};
            assert_int_equal(esp_tls_get_poll_target(tls, &p.fd, &p.events), ESP_OK);
            poll(&p, p.fd >= 0 ? 1 : 0, 50);
        }
    }
    return rc;
}

static void test_bad_target_stays_init(void **state)
{
    (void)state;
    esp_tls_cfg_t cfg = {.non_block = true, .is_plain_tcp = true};
    esp_tls_t *tls = esp_tls_init();
    assert_int_equal(state_of(tls), ESP_TLS_INIT);
    assert_int_equal(esp_tls_conn_new_async("127.0.0.1", 9, 0, &cfg, tls), -1);
    assert_int_equal(state_of(tls), ESP_TLS_INIT); /* nothing was opened */
    assert_int_equal(last_error(tls), ESP_ERR_INVALID_ARG);
    cfg.addr_family = ESP_TLS_AF_INET6; /* 127.0.0.1 is not an IPv6 address */
    assert_int_equal(esp_tls_conn_new_async("127.0.0.1", 9, 443, &cfg, tls), -1);
    assert_int_equal(state_of(tls), ESP_TLS_INIT);
    assert_int_equal(last_error(tls), ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME);
    esp_tls_conn_destroy(tls);
}

static void test_refused_ends_in_fail(void **state)
{
    (void)state;
    esp_tls_cfg_t cfg = {.non_block = true, .is_plain_tcp = true};
    esp_tls_t *tls = esp_tls_init();
    int calls = 0;
    assert_int_equal(drive(tls, "127.0.0.1", unit_closed_port(), &cfg, 2000, &calls), -1);
    assert_int_equal(state_of(tls), ESP_TLS_FAIL);
    assert_int_equal(last_error(tls), ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST);
    /* a failed handle stays failed */
    assert_int_equal(esp_tls_conn_new_async("127.0.0.1", 9, 443, &cfg, tls), -1);
    esp_tls_conn_destroy(tls);
}

/* Plain TCP with non_block: 1 only once the connect has completed, then DONE for good. */
static void test_plain_tcp_done_when_connected(void **state)
{
    (void)state;
    int port = 0;
    int lfd = unit_listener(&port);
    esp_tls_cfg_t cfg = {.non_block = true, .is_plain_tcp = true};
    esp_tls_t *tls = esp_tls_init();
    int calls = 0;
    assert_int_equal(drive(tls, "127.0.0.1", port, &cfg, 2000, &calls), 1);
    assert_int_equal(state_of(tls), ESP_TLS_DONE);
    int fd = -1, so_error = -1;
    socklen_t len = sizeof(so_error);
    assert_int_equal(esp_tls_get_conn_sockfd(tls, &fd), ESP_OK);
    assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len), 0);
    assert_int_equal(so_error, 0);
    struct sockaddr_storage peer;
    len = sizeof(peer);
    assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0); /* connected */
    /* calling again on a connected handle is an error, as in ESP-IDF */
    assert_int_equal(esp_tls_conn_new_async("127.0.0.1", 9, port, &cfg, tls), -1);
    esp_tls_conn_destroy(tls);
    close(lfd);
}

/* TLS to a listener that never answers: CONNECTING, then HANDSHAKE waiting to read, then the
 * deadline turns the next call into -1 with CONNECTION_TIMEOUT. */
static void test_handshake_wait_and_deadline(void **state)
{
    (void)state;
    int port = 0;
    int lfd = unit_listener(&port);
    esp_tls_cfg_t cfg = {.non_block = true,
                         .timeout_ms = 300,
                         .cacert_buf = (const unsigned char *)s_ca_pem,
                         .cacert_bytes = (unsigned)strlen(s_ca_pem) + 1};
    esp_tls_t *tls = esp_tls_init();
    int rc = esp_tls_conn_new_async("127.0.0.1", 9, port, &cfg, tls);
    assert_int_equal(rc, 0);
    esp_tls_conn_state_t st = state_of(tls);
    assert_true(st == ESP_TLS_CONNECTING || st == ESP_TLS_HANDSHAKE);
    for (int i = 0; i < 20 && state_of(tls) != ESP_TLS_HANDSHAKE; i++) {
        usleep(10000);
        assert_int_equal(esp_tls_conn_new_async("127.0.0.1", 9, port, &cfg, tls), 0);
    }
    assert_int_equal(state_of(tls), ESP_TLS_HANDSHAKE);
    int fd = -1, sockfd = -2;
    short events = 0;
    assert_int_equal(esp_tls_get_poll_target(tls, &fd, &events), ESP_OK);
    assert_int_equal(esp_tls_get_conn_sockfd(tls, &sockfd), ESP_OK);
    assert_int_equal(fd, sockfd);
    assert_int_equal(events, POLLIN); /* the ClientHello went out: waiting for the server */
    int wait = esp_tls_get_poll_timeout(tls);
    assert_true(wait >= 0 && wait <= 300);
    int64_t start = unit_now_ms();
    int calls = 0;
    assert_int_equal(drive(tls, "127.0.0.1", port, &cfg, 3000, &calls), -1);
    assert_true(unit_now_ms() - start < 3000);
    assert_int_equal(state_of(tls), ESP_TLS_FAIL);
    assert_int_equal(last_error(tls), ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT);
    esp_tls_conn_destroy(tls);
    close(lfd);
}

/* timeout_ms 0 is the 10 s default, never an infinite wait. */
static void test_zero_timeout_is_default(void **state)
{
    (void)state;
    int port = 0;
    int lfd = unit_listener(&port);
    esp_tls_cfg_t cfg = {.non_block = true,
                         .timeout_ms = 0,
                         .cacert_buf = (const unsigned char *)s_ca_pem,
                         .cacert_bytes = (unsigned)strlen(s_ca_pem) + 1};
    esp_tls_t *tls = esp_tls_init();
    assert_int_equal(esp_tls_conn_new_async("127.0.0.1", 9, port, &cfg, tls), 0);
    int wait = esp_tls_get_poll_timeout(tls);
    assert_true(wait > 9000 && wait <= 10000);
    esp_tls_conn_destroy(tls);
    close(lfd);
}

/* A name that needs DNS: while it resolves the call returns 0 and the poll target is the
 * resolver's socket (or none); the test points the resolver at a port nobody answers on. */
static void test_resolving_returns_zero(void **state)
{
    (void)state;
    int port = 0;
    int dns = socket(AF_INET, SOCK_DGRAM, 0); /* bound, never answers */
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(sa);
    assert_int_equal(bind(dns, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(dns, (struct sockaddr *)&sa, &len), 0);
    port = ntohs(sa.sin_port);
    char servers[64];
    snprintf(servers, sizeof(servers), "127.0.0.1:%d", port);
    assert_int_equal(esp_tls_set_dns_servers(servers), ESP_OK);
    esp_tls_cfg_t cfg = {.non_block = true, .is_plain_tcp = true, .timeout_ms = 400};
    esp_tls_t *tls = esp_tls_init();
    int64_t t0 = unit_now_ms();
    assert_int_equal(esp_tls_conn_new_async("name.test", 9, 443, &cfg, tls), 0);
    assert_true(unit_now_ms() - t0 < 100);
    assert_int_equal(state_of(tls), ESP_TLS_CONNECTING);
    int fd = -1;
    short events = 0;
    assert_int_equal(esp_tls_get_poll_target(tls, &fd, &events), ESP_OK);
    assert_true(fd >= 0 && events == POLLIN);
    int calls = 0;
    assert_int_equal(drive(tls, "name.test", 443, &cfg, 3000, &calls), -1);
    assert_int_equal(last_error(tls), ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT);
    esp_tls_conn_destroy(tls);
    assert_int_equal(esp_tls_set_dns_servers(NULL), ESP_OK);
    assert_int_equal(esp_tls_set_dns_servers("not a server list"), ESP_ERR_INVALID_ARG);
    close(dns);
}

static int make_ca(void **state)
{
    (void)state;
#ifdef UNIT_OPENSSL
    char dir[] = "/tmp/esp-tls-state-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        return -1;
    }
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             UNIT_OPENSSL " req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                          "-keyout %s/k.pem -out %s/c.pem -days 2 -subj /CN=unit >/dev/null 2>&1",
             dir, dir);
    int rc = system(cmd);
    snprintf(cmd, sizeof(cmd), "%s/c.pem", dir);
    FILE *f = fopen(cmd, "r");
    size_t n = f ? fread(s_ca_pem, 1, sizeof(s_ca_pem) - 1, f) : 0;
    if (f) {
        fclose(f);
    }
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void)!system(cmd);
    return (rc == 0 && n > 0) ? 0 : -1;
#else
    return -1;
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_target_stays_init),
        cmocka_unit_test(test_refused_ends_in_fail),
        cmocka_unit_test(test_plain_tcp_done_when_connected),
        cmocka_unit_test(test_handshake_wait_and_deadline),
        cmocka_unit_test(test_zero_timeout_is_default),
        cmocka_unit_test(test_resolving_returns_zero),
    };
    return cmocka_run_group_tests(tests, make_ca, NULL);
}
