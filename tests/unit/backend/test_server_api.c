// SPDX-License-Identifier: Apache-2.0
/*
 * The server API's argument handling, return conventions and ownership rules (reference
 * §1.5, §6.6, §8 case 7, §11.3), without a client: handshakes are covered by the interop tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>

#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "unit_support.h"

static esp_err_t last_error(esp_tls_t *tls)
{
    esp_tls_error_handle_t h = NULL;
    assert_int_equal(esp_tls_get_error_handle(tls, &h), ESP_OK);
    return esp_tls_get_and_clear_last_error(h, NULL, NULL);
}

static void test_ticket_ctx_lifecycle(void **state)
{
    (void)state;
#if CONFIG_ESP_TLS_SERVER_SESSION_TICKETS
    assert_int_equal(esp_tls_cfg_server_session_tickets_init(NULL), ESP_ERR_INVALID_ARG);
    esp_tls_cfg_server_t cfg = {0};
    assert_int_equal(esp_tls_cfg_server_session_tickets_init(&cfg), ESP_OK);
    assert_non_null(cfg.ticket_ctx);
    esp_tls_server_session_ticket_ctx_t *first = cfg.ticket_ctx;
    assert_int_equal(esp_tls_cfg_server_session_tickets_init(&cfg), ESP_ERR_INVALID_ARG);
    assert_ptr_equal(cfg.ticket_ctx, first); /* the existing keys are kept */
    esp_tls_cfg_server_session_tickets_free(&cfg);
    assert_null(cfg.ticket_ctx); /* freed and cleared: no dangling pointer */
    esp_tls_cfg_server_session_tickets_free(&cfg);
    esp_tls_cfg_server_session_tickets_free(NULL);
#else
    esp_tls_cfg_server_t cfg = {0};
    assert_int_equal(esp_tls_cfg_server_session_tickets_init(&cfg), ESP_ERR_NOT_SUPPORTED);
#endif
}

static void test_null_arguments(void **state)
{
    (void)state;
    esp_tls_cfg_server_t cfg = {0};
    esp_tls_t *tls = esp_tls_init();
    assert_int_equal(esp_tls_server_session_init(NULL, 3, tls), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_tls_server_session_init(&cfg, 3, NULL), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_tls_server_session_create(&cfg, 3, NULL), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_tls_server_session_continue_async(NULL), ESP_FAIL);
    assert_int_equal(esp_tls_server_session_continue_async(tls), ESP_FAIL); /* not set up */
    esp_tls_server_session_delete(NULL);
    esp_tls_conn_destroy(tls);
}

/* No certificate, key, PSK or callback: ESP_ERR_INVALID_STATE is captured, init says ESP_FAIL. */
static void test_no_credentials(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    esp_tls_cfg_server_t cfg = {0};
    esp_tls_t *tls = esp_tls_init();
    assert_int_equal(esp_tls_server_session_init(&cfg, sv[0], tls), ESP_FAIL);
    assert_int_equal(last_error(tls), ESP_ERR_INVALID_STATE);
    esp_tls_conn_state_t st;
    assert_int_equal(esp_tls_get_conn_state(tls, &st), ESP_OK);
    assert_int_equal(st, ESP_TLS_FAIL);
    esp_tls_server_session_delete(tls);
    assert_true(fcntl(sv[0], F_GETFD) != -1); /* delete leaves the socket open */
    close(sv[0]);
    close(sv[1]);
}

static int select_nothing(mbedtls_ssl_context *ssl)
{
    (void)ssl;
    return 0;
}

/* Members of features a build may leave out are always there (docs/COMPAT.md, "ABI"): set in a
 * build without the feature, the session fails with ESP_ERR_NOT_SUPPORTED instead of the member
 * being ignored. The release build has the hook; the "insecure" test build leaves it out. */
static void test_member_of_missing_feature(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    esp_tls_cfg_server_t cfg = {.cert_select_cb = select_nothing};
    esp_tls_t *tls = esp_tls_init();
    esp_err_t rc = esp_tls_server_session_init(&cfg, sv[0], tls);
#if CONFIG_ESP_TLS_SERVER_CERT_SELECT_HOOK
    assert_int_equal(rc, ESP_OK); /* the callback stands in for a certificate */
#else
    assert_int_equal(rc, ESP_FAIL);
    assert_int_equal(last_error(tls), ESP_ERR_NOT_SUPPORTED);
#endif
    esp_tls_server_session_delete(tls);
    close(sv[0]);
    close(sv[1]);
}

/* ESP-IDF's own test: a session on fd -1 fails in the handshake, with a negative result. */
static void test_create_on_bad_socket(void **state)
{
    (void)state;
    static const unsigned char garbage[] = "not a key";
    esp_tls_cfg_server_t cfg = {.servercert_buf = garbage,
                                .servercert_bytes = sizeof(garbage),
                                .serverkey_buf = garbage,
                                .serverkey_bytes = sizeof(garbage)};
    esp_tls_t *tls = esp_tls_init();
    /* bad credentials first: setup fails, init's ESP_FAIL comes back */
    assert_int_equal(esp_tls_server_session_create(&cfg, -1, tls), ESP_FAIL);
    assert_int_equal(last_error(tls), ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED);
    esp_tls_server_session_delete(tls);
#if CONFIG_ESP_TLS_SERVER_CERT_SELECT_HOOK
    /* a config that sets up (a callback instead of a certificate), then fd -1 */
    esp_tls_cfg_server_t hook = {.cert_select_cb = (esp_tls_handshake_callback)1,
                                 .tls_handshake_timeout_ms = 200};
    tls = esp_tls_init();
    int rc = esp_tls_server_session_create(&hook, -1, tls);
    assert_true(rc < 0);
    esp_tls_server_session_delete(tls);
#endif
}

/* esp_tls_conn_destroy() closes the socket of a server session; delete does not. */
static void test_destroy_closes_socket(void **state)
{
    (void)state;
#if CONFIG_ESP_TLS_SERVER_CERT_SELECT_HOOK
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    esp_tls_cfg_server_t cfg = {.cert_select_cb = (esp_tls_handshake_callback)1};
    esp_tls_t *tls = esp_tls_init();
    assert_int_equal(esp_tls_server_session_init(&cfg, sv[0], tls), ESP_OK);
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
    assert_int_equal(fcntl(sv[0], F_GETFD), -1);
    assert_int_equal(errno, EBADF);
    close(sv[1]);
#else
    skip();
#endif
}

/* A second init on a handle that already has a session is refused: the first session and its
 * socket stay with the handle (nothing leaks, nothing is replaced). */
static void test_init_twice_refused(void **state)
{
    (void)state;
#if CONFIG_ESP_TLS_SERVER_CERT_SELECT_HOOK
    int a[2], b[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
    esp_tls_cfg_server_t cfg = {.cert_select_cb = (esp_tls_handshake_callback)1};
    esp_tls_t *tls = esp_tls_init();
    assert_int_equal(esp_tls_server_session_init(&cfg, a[0], tls), ESP_OK);
    esp_tls_mem_stats_t before, after;
    esp_tls_get_mem_stats(&before);
    assert_int_equal(esp_tls_server_session_init(&cfg, b[0], tls), ESP_ERR_INVALID_STATE);
    esp_tls_get_mem_stats(&after);
    assert_int_equal(after.current_bytes, before.current_bytes);
    int fd = -1;
    assert_int_equal(esp_tls_get_conn_sockfd(tls, &fd), ESP_OK);
    assert_int_equal(fd, a[0]);
    assert_int_equal(esp_tls_conn_destroy(tls), 0); /* closes a[0] */
    assert_int_equal(fcntl(a[0], F_GETFD), -1);
    assert_true(fcntl(b[0], F_GETFD) != -1); /* never taken */
    close(a[1]);
    close(b[0]);
    close(b[1]);
#else
    skip();
#endif
}

/* A connected TCP pair on 127.0.0.1: sv[0] is the accepted end. */
static void tcp_pair(int sv[2])
{
    int port = 0;
    int lfd = unit_listener(&port);
    assert_true(lfd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sv[1] = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(sv[1], (struct sockaddr *)&a, sizeof(a)), 0);
    sv[0] = accept(lfd, NULL, NULL);
    assert_true(sv[0] >= 0);
    close(lfd);
}

static int nodelay(int fd)
{
    int on = -1;
    socklen_t len = sizeof(on);
    assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &len), 0);
    return on;
}

/* A handshake flight is several small writes: the accepted socket gets TCP_NODELAY, or each
 * TLS 1.2 server handshake waits for the client's delayed ACK. */
static void test_accepted_socket_nodelay(void **state)
{
    (void)state;
    static const unsigned char garbage[] = "not a key";
    int sv[2];
    tcp_pair(sv);
    assert_int_equal(nodelay(sv[0]), 0);
    esp_tls_cfg_server_t cfg = {.servercert_buf = garbage,
                                .servercert_bytes = sizeof(garbage),
                                .serverkey_buf = garbage,
                                .serverkey_bytes = sizeof(garbage)};
    esp_tls_t *tls = esp_tls_init();
    (void)esp_tls_server_session_init(&cfg, sv[0], tls); /* set whatever the outcome */
    assert_true(nodelay(sv[0]) != 0);
    esp_tls_server_session_delete(tls);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ticket_ctx_lifecycle),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_no_credentials),
        cmocka_unit_test(test_create_on_bad_socket),
        cmocka_unit_test(test_destroy_closes_socket),
        cmocka_unit_test(test_member_of_missing_feature),
        cmocka_unit_test(test_init_twice_refused),
        cmocka_unit_test(test_accepted_socket_nodelay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
