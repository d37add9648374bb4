// SPDX-License-Identifier: Apache-2.0
/*
 * The BIO's defences against a peer that floods what the TLS stack ignores (src/core/bio.c):
 * the deadline holds while the socket has data, one call reads a bounded number of bytes, and
 * a long run of alert or ChangeCipherSpec records ends the connection. Over a socketpair.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "conn/conn.h"
#include "core/bio.h"
#include "port/port.h"
#include "unit_support.h"

static const unsigned char s_ccs[] = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};
static const unsigned char s_alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x70};

typedef struct {
    esp_tls_t *tls;
    int peer; /* the other end of the socketpair: the test writes records into it */
} pair_t;

static pair_t open_pair(bool non_block)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    int size = 1 << 20;
    assert_int_equal(setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)), 0);
    pair_t p = {.tls = esp_tls_init(), .peer = sv[1]};
    assert_non_null(p.tls);
    p.tls->sockfd = sv[0];
    p.tls->is_tls = true;
    p.tls->non_block = non_block;
    if (non_block) {
        assert_int_equal(fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK), 0);
    }
    return p;
}

static void close_pair(pair_t *p)
{
    close(p->peer);
    esp_tls_conn_destroy(p->tls); /* closes sockfd */
}

static void put(pair_t *p, const unsigned char *rec, size_t len, int times)
{
    for (int i = 0; i < times; i++) {
        assert_int_equal(send(p->peer, rec, len, 0), (ssize_t)len);
    }
}

/* Read until the BIO answers something other than a byte count; the bytes read in *total. */
static int read_all(pair_t *p, size_t *total)
{
    unsigned char buf[4096];
    *total = 0;
    for (;;) {
        int n = esp_tls_bio_recv(p->tls, buf, sizeof(buf));
        if (n <= 0) {
            return n;
        }
        *total += (size_t)n;
    }
}

static void test_flood_of_ccs_ends_the_connection(void **state)
{
    (void)state;
    pair_t p = open_pair(true);
    esp_tls_bio_begin_call(p.tls);
    put(&p, s_ccs, sizeof(s_ccs), ESP_TLS_BIO_MAX_IGNORABLE + 1);
    size_t total;
    assert_int_equal(read_all(&p, &total), ESP_TLS_BIO_UNEXPECTED_MESSAGE);
    /* and it stays ended */
    assert_int_equal(read_all(&p, &total), ESP_TLS_BIO_UNEXPECTED_MESSAGE);
    close_pair(&p);
}

static void test_other_records_between_alerts_are_progress(void **state)
{
    (void)state;
    pair_t p = open_pair(true);
    static const unsigned char handshake[] = {0x16, 0x03, 0x03, 0x00, 0x04, 0, 0, 0, 0};
    for (int round = 0; round < 4; round++) {
        put(&p, s_alert, sizeof(s_alert), ESP_TLS_BIO_MAX_IGNORABLE);
        put(&p, handshake, sizeof(handshake), 1);
    }
    esp_tls_bio_begin_call(p.tls);
    size_t total;
    assert_int_equal(read_all(&p, &total), ESP_TLS_BIO_WANT_READ); /* the socket is empty */
    assert_int_equal(total, 4 * (ESP_TLS_BIO_MAX_IGNORABLE * sizeof(s_alert) + sizeof(handshake)));
    close_pair(&p);
}

/* Application data records of 16 KB: one call reads no more than the budget. */
static void test_one_call_reads_a_bounded_number_of_bytes(void **state)
{
    (void)state;
    pair_t p = open_pair(true);
    static unsigned char rec[5 + 16384] = {0x17, 0x03, 0x03, 0x40, 0x00};
    put(&p, rec, sizeof(rec), 8);
    esp_tls_bio_begin_call(p.tls);
    size_t total;
    assert_int_equal(read_all(&p, &total), ESP_TLS_BIO_WANT_READ);
    assert_true(total >= ESP_TLS_BIO_CALL_BUDGET && total < ESP_TLS_BIO_CALL_BUDGET + 4096);
    esp_tls_bio_begin_call(p.tls); /* the next call reads on */
    size_t more;
    assert_int_equal(read_all(&p, &more), ESP_TLS_BIO_WANT_READ);
    assert_true(more > 0);
    close_pair(&p);
}

/* A passed connection deadline: WANT_READ although the socket has data (blocking or not). */
static void test_deadline_holds_while_data_is_there(void **state)
{
    (void)state;
    for (int nb = 0; nb < 2; nb++) {
        pair_t p = open_pair(nb == 1);
        put(&p, s_ccs, sizeof(s_ccs), 4);
        p.tls->deadline_ms = esp_tls_time_ms() - 1;
        esp_tls_bio_begin_call(p.tls);
        unsigned char buf[64];
        assert_int_equal(esp_tls_bio_recv(p.tls, buf, sizeof(buf)), ESP_TLS_BIO_WANT_READ);
        p.tls->deadline_ms = 0;
        close_pair(&p);
    }
}

/* After the handshake, on a blocking socket: the read timeout (SO_RCVTIMEO) counts from the
 * start of the call, not from the last byte: a slow trickle cannot extend it. */
static void test_read_timeout_counts_from_the_call(void **state)
{
    (void)state;
    pair_t p = open_pair(false);
    struct timeval tv = {.tv_sec = 0, .tv_usec = 200 * 1000};
    assert_int_equal(setsockopt(p.tls->sockfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
    esp_tls_bio_begin_call(p.tls);
    int64_t t0 = unit_now_ms();
    unsigned char buf[64];
    int rc = 0;
    for (int i = 0; i < 20 && rc >= 0; i++) { /* one CCS record every 50 ms, for 1 s */
        put(&p, s_ccs, sizeof(s_ccs), 1);
        rc = esp_tls_bio_recv(p.tls, buf, sizeof(buf));
        usleep(50 * 1000);
    }
    assert_int_equal(rc, ESP_TLS_BIO_WANT_READ);
    int64_t took = unit_now_ms() - t0;
    assert_true(took >= 150 && took < 900);
    close_pair(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flood_of_ccs_ends_the_connection),
        cmocka_unit_test(test_other_records_between_alerts_are_progress),
        cmocka_unit_test(test_one_call_reads_a_bounded_number_of_bytes),
        cmocka_unit_test(test_deadline_holds_while_data_is_there),
        cmocka_unit_test(test_read_timeout_counts_from_the_call),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
