// SPDX-License-Identifier: Apache-2.0
/*
 * Socket options of the TCP layer (src/core/tcp.c), read back from the sockets that
 * esp_tls_plain_tcp_connect() returns: timeouts, keep-alive, interface binding, address
 * family, and the connect bound of timeout_ms against a listener whose backlog is full.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/tcp.h>

#include "esp_tls.h"
#include "unit_support.h"

typedef struct {
    esp_tls_last_error_t e;
    int sock_errno;
} err_storage_t;

typedef struct {
    int listener;
    int port;
} listen_ctx_t;

static int setup_listener(void **state)
{
    static listen_ctx_t ctx;
    ctx.listener = unit_listener(&ctx.port);
    *state = &ctx;
    return ctx.listener >= 0 ? 0 : -1;
}

static int teardown_listener(void **state)
{
    listen_ctx_t *ctx = *state;
    close(ctx->listener);
    return 0;
}

static int connect_with(const listen_ctx_t *ctx, const esp_tls_cfg_t *cfg, err_storage_t *err,
                        esp_err_t *rc)
{
    int fd = -1;
    *rc = esp_tls_plain_tcp_connect("127.0.0.1", 9, ctx->port, cfg, &err->e, &fd);
    return fd;
}

static void test_timeouts_applied(void **state)
{
    esp_tls_cfg_t cfg = {.timeout_ms = 1500};
    err_storage_t err = {0};
    esp_err_t rc;
    int fd = connect_with(*state, &cfg, &err, &rc);
    assert_int_equal(rc, ESP_OK);
    struct timeval tv;
    socklen_t len = sizeof(tv);
    assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len), 0);
    assert_int_equal(tv.tv_sec * 1000 + tv.tv_usec / 1000, 1500);
    assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, &len), 0);
    assert_int_equal(tv.tv_sec * 1000 + tv.tv_usec / 1000, 1500);
    close(fd);
}

static void test_default_timeout_for_zero(void **state)
{
    esp_tls_cfg_t cfg = {.timeout_ms = 0};
    err_storage_t err = {0};
    esp_err_t rc;
    int fd = connect_with(*state, &cfg, &err, &rc);
    assert_int_equal(rc, ESP_OK);
    struct timeval tv;
    socklen_t len = sizeof(tv);
    assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len), 0);
    assert_int_equal(tv.tv_sec, 10);
    close(fd);
}

static int int_opt(int fd, int level, int name)
{
    int v = -1;
    socklen_t len = sizeof(v);
    assert_int_equal(getsockopt(fd, level, name, &v, &len), 0);
    return v;
}

static void test_keep_alive(void **state)
{
    tls_keep_alive_cfg_t ka = {.keep_alive_enable = true,
                               .keep_alive_idle = 7,
                               .keep_alive_interval = 3,
                               .keep_alive_count = 4};
    esp_tls_cfg_t cfg = {.keep_alive_cfg = &ka};
    err_storage_t err = {0};
    esp_err_t rc;
    int fd = connect_with(*state, &cfg, &err, &rc);
    assert_int_equal(rc, ESP_OK);
    assert_int_equal(int_opt(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
    assert_int_equal(int_opt(fd, IPPROTO_TCP, TCP_KEEPIDLE), 7);
    assert_int_equal(int_opt(fd, IPPROTO_TCP, TCP_KEEPINTVL), 3);
    assert_int_equal(int_opt(fd, IPPROTO_TCP, TCP_KEEPCNT), 4);
    close(fd);

    ka.keep_alive_enable = false;
    fd = connect_with(*state, &cfg, &err, &rc);
    assert_int_equal(rc, ESP_OK);
    assert_int_equal(int_opt(fd, SOL_SOCKET, SO_KEEPALIVE), 0);
    close(fd);
}

static void test_blocking_mode(void **state)
{
    esp_tls_cfg_t cfg = {0};
    err_storage_t err = {0};
    esp_err_t rc;
    int fd = connect_with(*state, &cfg, &err, &rc);
    assert_int_equal(rc, ESP_OK);
    assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
    close(fd);
    cfg.non_block = true;
    fd = connect_with(*state, &cfg, &err, &rc);
    assert_int_equal(rc, ESP_OK);
    assert_int_not_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
    close(fd);
}

static void test_interface_binding(void **state)
{
    struct ifreq ifr = {0};
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
    esp_tls_cfg_t cfg = {.if_name = &ifr};
    err_storage_t err = {0};
    esp_err_t rc;
    int fd = connect_with(*state, &cfg, &err, &rc);
    if (rc == ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED && err.sock_errno == EPERM) {
        skip(); /* SO_BINDTODEVICE needs CAP_NET_RAW */
    }
    assert_int_equal(rc, ESP_OK);
    char name[IFNAMSIZ] = {0};
    socklen_t len = sizeof(name);
    assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, &len), 0);
    assert_string_equal(name, "lo");
    close(fd);

    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "nosuchif0");
    fd = connect_with(*state, &cfg, &err, &rc);
    assert_int_equal(rc, ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED);
    assert_int_equal(fd, -1);
    assert_int_not_equal(err.sock_errno, 0);
}

static void test_address_family(void **state)
{
    listen_ctx_t *ctx = *state;
    esp_tls_cfg_t cfg = {.addr_family = ESP_TLS_AF_INET6};
    err_storage_t err = {0};
    int fd = -1;
    /* 127.0.0.1 has no IPv6 form: filtering by family must fail the lookup. */
    esp_err_t rc = esp_tls_plain_tcp_connect("127.0.0.1", 9, ctx->port, &cfg, &err.e, &fd);
    assert_int_equal(rc, ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME);
    cfg.addr_family = ESP_TLS_AF_INET;
    rc = esp_tls_plain_tcp_connect("127.0.0.1", 9, ctx->port, &cfg, &err.e, &fd);
    assert_int_equal(rc, ESP_OK);
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    assert_int_equal(getpeername(fd, (struct sockaddr *)&ss, &len), 0);
    assert_int_equal(ss.ss_family, AF_INET);
    close(fd);
}

/*
 * A listener with backlog 0 that nobody accepts from: once its queue is full the kernel
 * drops further SYNs, so a connect neither succeeds nor fails. timeout_ms must bound it.
 */
static void test_connect_bound(void **state)
{
    (void)state;
    int port = 0;
    int lfd = unit_bound_socket(&port);
    assert_true(lfd >= 0);
    assert_int_equal(listen(lfd, 0), 0);
    int fillers[4];
    int nfill = 0;
    err_storage_t err = {0};
    esp_tls_cfg_t fill_cfg = {.timeout_ms = 300};
    for (; nfill < 4; nfill++) {
        fillers[nfill] = -1;
        if (esp_tls_plain_tcp_connect("127.0.0.1", 9, port, &fill_cfg, &err.e, &fillers[nfill]) !=
            ESP_OK) {
            break; /* the queue is full */
        }
    }
    esp_tls_cfg_t cfg = {.timeout_ms = 400};
    int fd = -1;
    int64_t start = unit_now_ms();
    esp_err_t rc = esp_tls_plain_tcp_connect("127.0.0.1", 9, port, &cfg, &err.e, &fd);
    int64_t took = unit_now_ms() - start;
    assert_int_equal(rc, ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT);
    assert_int_equal(fd, -1);
    assert_true(took >= 350);
    assert_true(took < 3000); /* correctness bound, not a benchmark */
    for (int i = 0; i < nfill; i++) {
        close(fillers[i]);
    }
    close(lfd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timeouts_applied),  cmocka_unit_test(test_default_timeout_for_zero),
        cmocka_unit_test(test_keep_alive),        cmocka_unit_test(test_blocking_mode),
        cmocka_unit_test(test_interface_binding), cmocka_unit_test(test_address_family),
        cmocka_unit_test(test_connect_bound),
    };
    return cmocka_run_group_tests(tests, setup_listener, teardown_listener);
}
