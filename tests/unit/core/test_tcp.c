// SPDX-License-Identifier: Apache-2.0
/*
 * TCP layer details (src/core/tcp.c, src/core/bio.c): every resolved address is tried in
 * order, IPv6 with addr_family, TCP_NODELAY on TLS sockets, no SIGPIPE on a reset peer, and
 * the BIO's mapping of socket results to Mbed TLS codes.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <signal.h>

#include "conn/conn.h"
#include "core/bio.h"
#include "core/tcp.h"
#include "unit_support.h"

typedef struct {
    esp_tls_last_error_t e;
    int sock_errno;
} err_storage_t;

static esp_tls_addr_t loopback(int port)
{
    esp_tls_addr_t a = {.len = sizeof(struct sockaddr_in)};
    struct sockaddr_in *sa = (struct sockaddr_in *)&a.addr;
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* Two addresses, the first refuses: the connect must end on the second. */
static void test_every_address_tried(void **state)
{
    (void)state;
    int port = 0;
    int lfd = unit_listener(&port);
    assert_true(lfd >= 0);
    esp_tls_addr_t addrs[2] = {loopback(unit_closed_port()), loopback(port)};
    /* the addresses are on the stack: hand the array back before the attempt is released */
    esp_tls_tcp_attempt_t a = {.addrs = addrs, .count = 2, .next = 0, .fd = -1};
    err_storage_t err = {0};
    esp_tls_cfg_t cfg = {.timeout_ms = 2000};
    bool connected = false;
    int64_t deadline = unit_now_ms() + 2000;
    while (!connected && unit_now_ms() < deadline) {
        assert_int_equal(esp_tls_tcp_step(&a, &cfg, true, &err.e, &connected), ESP_OK);
        if (!connected) {
            esp_tls_poll_fd(a.fd, ESP_TLS_WAIT_WRITE, 100);
        }
    }
    assert_true(connected);
    assert_int_equal(err.sock_errno, ECONNREFUSED); /* the first attempt was refused */
    a.addrs = NULL;
    int fd = esp_tls_tcp_take(&a, &cfg);
    struct sockaddr_in peer;
    socklen_t len = sizeof(peer);
    assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
    assert_int_equal(ntohs(peer.sin_port), port);
    int nodelay = 0;
    len = sizeof(nodelay);
    assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len), 0);
    assert_int_equal(nodelay, 1); /* a TLS socket */
    close(fd);
    close(lfd);
}

/* Every address refuses: the error names the failure and carries the last errno. */
static void test_all_addresses_refuse(void **state)
{
    (void)state;
    esp_tls_addr_t addrs[2] = {loopback(unit_closed_port()), loopback(unit_closed_port())};
    esp_tls_tcp_attempt_t a = {.addrs = addrs, .count = 2, .next = 0, .fd = -1};
    err_storage_t err = {0};
    bool connected = false;
    esp_err_t rc = ESP_OK;
    for (int i = 0; i < 50 && rc == ESP_OK && !connected; i++) {
        rc = esp_tls_tcp_step(&a, NULL, false, &err.e, &connected);
        if (rc == ESP_OK && !connected) {
            esp_tls_poll_fd(a.fd, ESP_TLS_WAIT_WRITE, 100);
        }
    }
    assert_int_equal(rc, ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST);
    assert_int_equal(err.sock_errno, ECONNREFUSED);
    assert_int_equal(a.fd, -1);
    assert_int_equal(a.next, 2);
    a.addrs = NULL;
    esp_tls_tcp_release(&a);
}

static void test_ipv6_family(void **state)
{
    (void)state;
    int lfd = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        skip(); /* no IPv6 on this host */
    }
    socklen_t len = sizeof(sa);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&sa, &len), 0);
    assert_int_equal(listen(lfd, 8), 0);
    esp_tls_cfg_t cfg = {.addr_family = ESP_TLS_AF_INET6, .timeout_ms = 2000};
    err_storage_t err = {0};
    int fd = -1;
    assert_int_equal(esp_tls_plain_tcp_connect("::1", 3, ntohs(sa.sin6_port), &cfg, &err.e, &fd),
                     ESP_OK);
    struct sockaddr_storage peer;
    len = sizeof(peer);
    assert_int_equal(getpeername(fd, (struct sockaddr *)&peer, &len), 0);
    assert_int_equal(peer.ss_family, AF_INET6);
    close(fd);
    cfg.addr_family = ESP_TLS_AF_INET;
    assert_int_equal(esp_tls_plain_tcp_connect("::1", 3, ntohs(sa.sin6_port), &cfg, &err.e, &fd),
                     ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME);
    close(lfd);
}

/* A connected pair of sockets: [0] is the connection's side, [1] the peer's. */
static void tls_over_pair(esp_tls_t *tls, int sv[2], bool non_block)
{
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    if (non_block) {
        fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
    }
    tls->sockfd = sv[0];
    tls->non_block = non_block;
}

static void test_bio_mapping(void **state)
{
    (void)state;
    esp_tls_t *tls = esp_tls_init();
    int sv[2];
    tls_over_pair(tls, sv, true);
    unsigned char buf[8];
    assert_int_equal(esp_tls_bio_recv(tls, buf, sizeof(buf)), ESP_TLS_BIO_WANT_READ);
    assert_int_equal(tls->wait, ESP_TLS_WAIT_READ);
    assert_int_equal(write(sv[1], "abc", 3), 3);
    assert_int_equal(esp_tls_bio_recv(tls, buf, sizeof(buf)), 3);
    assert_int_equal(esp_tls_bio_send(tls, (const unsigned char *)"xy", 2), 2);
    assert_int_equal(read(sv[1], buf, sizeof(buf)), 2); /* unread data would make it a reset */
    close(sv[1]);
    assert_int_equal(esp_tls_bio_recv(tls, buf, sizeof(buf)), 0); /* EOF */
    /* Writing to a closed peer: EPIPE becomes CONN_RESET, and no SIGPIPE kills us. */
    assert_int_equal(esp_tls_bio_send(tls, (const unsigned char *)"xy", 2), ESP_TLS_BIO_CONN_RESET);
    assert_int_equal(tls->err.sock_errno, EPIPE);
    tls->sockfd = -1;
    assert_int_equal(esp_tls_bio_recv(tls, buf, sizeof(buf)), ESP_TLS_BIO_INVALID_CONTEXT);
    assert_int_equal(esp_tls_bio_send(tls, buf, 1), ESP_TLS_BIO_INVALID_CONTEXT);
    close(sv[0]);
    esp_tls_conn_destroy(tls);
}

/* A blocking socket under a connect deadline: the BIO gives up at the deadline. */
static void test_bio_deadline(void **state)
{
    (void)state;
    esp_tls_t *tls = esp_tls_init();
    int sv[2];
    tls_over_pair(tls, sv, false);
    tls->deadline_ms = unit_now_ms() + 200;
    unsigned char buf[8];
    int64_t start = unit_now_ms();
    assert_int_equal(esp_tls_bio_recv(tls, buf, sizeof(buf)), ESP_TLS_BIO_WANT_READ);
    int64_t took = unit_now_ms() - start;
    assert_true(took >= 150 && took < 3000);
    tls->sockfd = -1;
    close(sv[0]);
    close(sv[1]);
    esp_tls_conn_destroy(tls);
}

int main(void)
{
    signal(SIGPIPE, SIG_DFL); /* a SIGPIPE would end the test run */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_address_tried), cmocka_unit_test(test_all_addresses_refuse),
        cmocka_unit_test(test_ipv6_family),         cmocka_unit_test(test_bio_mapping),
        cmocka_unit_test(test_bio_deadline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
