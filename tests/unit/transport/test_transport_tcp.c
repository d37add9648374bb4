// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the tcp transport (src/transport/transport_esp_tls.c with is_plain_tcp) against
 * a 127.0.0.1 listener of the test: sync and async connect, read/write/poll results, timeouts,
 * the peer's FIN and RST, refused connects and the errno they leave, socket options
 * (ESP-IDF's transport_ssl.c semantics). Timing bounds are generous (Valgrind) but catch a wait
 * that is skipped or never ends.
 */
#include <errno.h>
#include <net/if.h>
#include <netinet/tcp.h>

#include "unit_support.h"

#include "esp_tls.h"
#include "esp_transport.h"
#include "esp_transport_tcp.h"

#define SLACK_MS 2000 /* upper bound on top of a wait: correctness, not speed */

typedef struct {
    int listener;
    int port;
    esp_transport_handle_t t;
    int peer; /* the accepted end, or -1 */
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        return -1;
    }
    f->peer = -1;
    f->listener = unit_listener(&f->port);
    f->t = esp_transport_tcp_init();
    *state = f;
    return (f->listener >= 0 && f->t != NULL) ? 0 : -1;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    esp_transport_destroy(f->t);
    if (f->peer >= 0) {
        close(f->peer);
    }
    if (f->listener >= 0) {
        close(f->listener);
    }
    free(f);
    return 0;
}

/* Connect the transport to the listener and accept the other end. */
static void connect_and_accept(fixture_t *f)
{
    assert_int_equal(esp_transport_connect(f->t, "127.0.0.1", f->port, 2000), 0);
    f->peer = accept(f->listener, NULL, NULL);
    assert_true(f->peer >= 0);
}

static esp_err_t last_error(esp_transport_handle_t t)
{
    return esp_tls_get_and_clear_last_error(esp_transport_get_error_handle(t), NULL, NULL);
}

/* Reset the connection from the peer's side (RST instead of FIN). */
static void peer_reset(fixture_t *f)
{
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    assert_int_equal(setsockopt(f->peer, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
    close(f->peer);
    f->peer = -1;
}

/* ---- sync connect and I/O ---------------------------------------------------------------- */

static void test_connect_write_read_close(void **state)
{
    fixture_t *f = *state;
    connect_and_accept(f);
    assert_true(esp_transport_get_socket(f->t) >= 0);
    assert_int_equal(esp_transport_write(f->t, "hello", 5, 1000), 5);
    char buf[64] = {0};
    assert_int_equal(recv(f->peer, buf, sizeof(buf), 0), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(send(f->peer, "world!", 6, 0), 6);
    assert_true(esp_transport_poll_read(f->t, 1000) > 0);
    memset(buf, 0, sizeof(buf));
    assert_int_equal(esp_transport_read(f->t, buf, sizeof(buf), 1000), 6);
    assert_string_equal(buf, "world!");
    assert_int_equal(last_error(f->t), ESP_OK);
    assert_int_equal(esp_transport_close(f->t), 0);
    assert_int_equal(esp_transport_get_socket(f->t), -1);
    assert_int_equal(esp_transport_close(f->t), -1); /* nothing open any more */
    /* the peer sees the close */
    assert_int_equal(recv(f->peer, buf, sizeof(buf), 0), 0);
}

static void test_poll_timeouts(void **state)
{
    fixture_t *f = *state;
    connect_and_accept(f);
    assert_true(esp_transport_poll_write(f->t, 100) > 0);
    int64_t t0 = unit_now_ms();
    assert_int_equal(esp_transport_poll_read(f->t, 150), 0);
    int64_t took = unit_now_ms() - t0;
    assert_true(took >= 140);
    assert_true(took < 150 + SLACK_MS);
    /* data makes it readable at once */
    assert_int_equal(send(f->peer, "x", 1, 0), 1);
    t0 = unit_now_ms();
    assert_true(esp_transport_poll_read(f->t, 5000) > 0);
    assert_true(unit_now_ms() - t0 < SLACK_MS);
}

static void test_read_timeout(void **state)
{
    fixture_t *f = *state;
    connect_and_accept(f);
    char buf[16];
    int64_t t0 = unit_now_ms();
    assert_int_equal(esp_transport_read(f->t, buf, sizeof(buf), 200),
                     ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT);
    int64_t took = unit_now_ms() - t0;
    assert_true(took >= 190);
    assert_true(took < 200 + SLACK_MS);
    assert_int_equal(last_error(f->t), ESP_OK); /* a quiet peer is not an error */
    assert_int_equal(esp_transport_get_errno(f->t), 0);
}

static void test_peer_fin(void **state)
{
    fixture_t *f = *state;
    connect_and_accept(f);
    assert_int_equal(send(f->peer, "bye", 3, 0), 3);
    close(f->peer);
    f->peer = -1;
    char buf[16] = {0};
    assert_int_equal(esp_transport_read(f->t, buf, sizeof(buf), 1000), 3); /* data first */
    assert_memory_equal(buf, "bye", 3);
    int64_t t0 = unit_now_ms();
    assert_int_equal(esp_transport_read(f->t, buf, sizeof(buf), 5000),
                     ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN);
    assert_true(unit_now_ms() - t0 < SLACK_MS); /* no wait for the timeout */
    assert_int_equal(last_error(f->t), ESP_ERR_ESP_TLS_TCP_CLOSED_FIN);
}

static void test_peer_reset_read(void **state)
{
    fixture_t *f = *state;
    connect_and_accept(f);
    peer_reset(f);
    char buf[16];
    assert_int_equal(esp_transport_read(f->t, buf, sizeof(buf), 1000),
                     ERR_TCP_TRANSPORT_CONNECTION_FAILED);
    assert_int_equal(esp_transport_get_errno(f->t), ECONNRESET);
    assert_int_equal(esp_transport_get_errno(f->t), 0); /* read and cleared */
}

static void test_peer_reset_write(void **state)
{
    fixture_t *f = *state;
    connect_and_accept(f);
    peer_reset(f);
    /* the RST may take a moment on loopback: write until the error shows */
    int rc = 0;
    for (int i = 0; i < 50 && rc >= 0; i++) {
        rc = esp_transport_write(f->t, "data", 4, 1000);
        if (rc >= 0) {
            usleep(10000);
        }
    }
    assert_int_equal(rc, -1);
    int e = esp_transport_get_errno(f->t);
    assert_true(e == ECONNRESET || e == EPIPE);
}

/* ---- failures ------------------------------------------------------------------------------ */

static void test_refused(void **state)
{
    fixture_t *f = *state;
    int port = unit_closed_port();
    assert_true(port > 0);
    int64_t t0 = unit_now_ms();
    assert_int_equal(esp_transport_connect(f->t, "127.0.0.1", port, 5000), -1);
    assert_true(unit_now_ms() - t0 < SLACK_MS); /* fails fast */
    assert_int_equal(esp_transport_get_errno(f->t), ECONNREFUSED);
    assert_int_equal(esp_transport_get_errno(f->t), 0);
    assert_int_equal(last_error(f->t), ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST);
    assert_int_equal(esp_transport_get_socket(f->t), -1);
    assert_int_equal(esp_transport_close(f->t), -1); /* the failed handle is already gone */
    /* the transport connects afterwards */
    connect_and_accept(f);
}

static void test_bad_port(void **state)
{
    fixture_t *f = *state;
    static const int ports[] = {0, -1, 65536};
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(ports); i++) {
        print_message("  port %d\n", ports[i]);
        assert_int_equal(esp_transport_connect(f->t, "127.0.0.1", ports[i], 1000), -1);
        assert_int_equal(last_error(f->t), ESP_ERR_INVALID_ARG);
    }
}

static void test_reconnect_closes_previous(void **state)
{
    fixture_t *f = *state;
    connect_and_accept(f);
    int first = f->peer;
    connect_and_accept(f); /* again, without esp_transport_close() */
    char c;
    assert_int_equal(recv(first, &c, 1, 0), 0); /* the first connection was closed */
    close(first);
    assert_int_equal(esp_transport_write(f->t, "2", 1, 1000), 1);
    assert_int_equal(recv(f->peer, &c, 1, 0), 1);
    assert_int_equal(c, '2');
}

/* ---- async connect ------------------------------------------------------------------------- */

static int connect_async_loop(esp_transport_handle_t t, const char *host, int port)
{
    int rc = 0;
    int64_t deadline = unit_now_ms() + 5000;
    while (rc == 0 && unit_now_ms() < deadline) {
        rc = esp_transport_connect_async(t, host, port, 3000);
        if (rc == 0) {
            esp_transport_poll_write(t, 20);
        }
    }
    return rc;
}

static void test_async_connect(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(connect_async_loop(f->t, "127.0.0.1", f->port), 1);
    assert_true(esp_transport_get_socket(f->t) >= 0);
    f->peer = accept(f->listener, NULL, NULL);
    assert_true(f->peer >= 0);
    assert_int_equal(esp_transport_write(f->t, "ping", 4, 1000), 4);
    char buf[8] = {0};
    assert_int_equal(recv(f->peer, buf, sizeof(buf), 0), 4);
    assert_int_equal(send(f->peer, "pong", 4, 0), 4);
    assert_int_equal(esp_transport_read(f->t, buf, sizeof(buf), 1000), 4);
    assert_memory_equal(buf, "pong", 4);
    assert_int_equal(esp_transport_read(f->t, buf, sizeof(buf), 100),
                     ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT);
    assert_int_equal(esp_transport_close(f->t), 0);
    close(f->peer);
    /* a blocking connect on the same transport afterwards */
    connect_and_accept(f);
    assert_int_equal(esp_transport_write(f->t, "sync", 4, 1000), 4);
}

static void test_async_refused(void **state)
{
    fixture_t *f = *state;
    int port = unit_closed_port();
    assert_true(port > 0);
    assert_int_equal(connect_async_loop(f->t, "127.0.0.1", port), -1);
    assert_int_equal(esp_transport_get_errno(f->t), ECONNREFUSED);
    assert_int_equal(last_error(f->t), ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST);
    /* the failed connection stays until closed; then a new connect works */
    assert_int_equal(esp_transport_connect_async(f->t, "127.0.0.1", port, 1000), -1);
    assert_int_equal(esp_transport_close(f->t), 0);
    assert_int_equal(connect_async_loop(f->t, "127.0.0.1", f->port), 1);
}

/* ---- socket options ------------------------------------------------------------------------ */

static int sockopt(int fd, int level, int name)
{
    int v = -1;
    socklen_t len = sizeof(v);
    assert_int_equal(getsockopt(fd, level, name, &v, &len), 0);
    return v;
}

static void test_keep_alive(void **state)
{
    fixture_t *f = *state;
    connect_and_accept(f);
    assert_int_equal(sockopt(esp_transport_get_socket(f->t), SOL_SOCKET, SO_KEEPALIVE), 0);
    close(f->peer);
    esp_transport_keep_alive_t ka = {
        .keep_alive_enable = true,
        .keep_alive_idle = 7,
        .keep_alive_interval = 3,
        .keep_alive_count = 4,
    };
    esp_transport_tcp_set_keep_alive(f->t, &ka);
    connect_and_accept(f);
    int fd = esp_transport_get_socket(f->t);
    assert_int_equal(sockopt(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
    assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE), 7);
    assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL), 3);
    assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_KEEPCNT), 4);
}

static void test_interface_name(void **state)
{
    fixture_t *f = *state;
    struct ifreq ifr = {0};
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", "nosuchif0");
    esp_transport_tcp_set_interface_name(f->t, &ifr);
    assert_int_equal(esp_transport_connect(f->t, "127.0.0.1", f->port, 1000), -1);
    assert_int_equal(last_error(f->t), ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED);
    int e = esp_transport_get_errno(f->t);
    assert_true(e == EPERM || e == ENODEV); /* no CAP_NET_RAW, or no such device */
    esp_transport_tcp_set_interface_name(f->t, NULL);
    connect_and_accept(f);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_connect_write_read_close),
        T(test_poll_timeouts),
        T(test_read_timeout),
        T(test_peer_fin),
        T(test_peer_reset_read),
        T(test_peer_reset_write),
        T(test_refused),
        T(test_bad_port),
        T(test_reconnect_closes_previous),
        T(test_async_connect),
        T(test_async_refused),
        T(test_keep_alive),
        T(test_interface_name),
    };
#undef T
    return cmocka_run_group_tests_name("transport/tcp", tests, NULL, NULL);
}
