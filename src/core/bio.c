// SPDX-License-Identifier: Apache-2.0
/*
 * BIO callbacks. While esp_tls_conn_new_sync() runs, a blocking socket is polled against
 * the connection deadline before each call, so the deadline holds inside a handshake step.
 *
 * A peer must not hold a call by sending what the TLS stack reads and ignores (warning
 * alerts, TLS 1.3 ChangeCipherSpec records: the stack loops over them without returning):
 * - once the deadline has passed (the connect or handshake deadline, else the socket's
 *   SO_RCVTIMEO counted from the start of the call) a read returns WANT_READ, whatever the
 *   socket holds;
 * - one API call reads at most ESP_TLS_BIO_CALL_BUDGET bytes, then WANT_READ ("call again");
 * - the record headers are followed as the bytes pass: more than ESP_TLS_BIO_MAX_IGNORABLE
 *   alert or ChangeCipherSpec records in a row, with no record of another type between
 *   them, end the connection (as OpenSSL does since CVE-2016-8610);
 * - after a TLS 1.3 handshake a single ChangeCipherSpec record ends the connection: RFC 8446
 *   §5 makes one after the peer's Finished an unexpected_message, which Mbed TLS 3.6 ignores.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "../conn/conn.h"
#include "../port/port.h"
#include "bio.h"
#include "esp_log.h"
#include "tcp.h"

static const char *TAG = "esp-tls";

_Static_assert(ESP_TLS_BIO_WANT_READ == ESP_TLS_ERR_SSL_WANT_READ, "WANT_READ value");
_Static_assert(ESP_TLS_BIO_WANT_WRITE == ESP_TLS_ERR_SSL_WANT_WRITE, "WANT_WRITE value");

#define RECORD_CHANGE_CIPHER_SPEC 20 /* RFC 8446 §5.1 ContentType */
#define RECORD_ALERT 21
#define RECORD_HEADER_LEN 5

static int map_errno(esp_tls_t *tls, int e, esp_tls_wait_t dir)
{
    if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR) {
        return dir == ESP_TLS_WAIT_READ ? ESP_TLS_BIO_WANT_READ : ESP_TLS_BIO_WANT_WRITE;
    }
    esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_SYSTEM, e);
    if (e == EPIPE || e == ECONNRESET) {
        return ESP_TLS_BIO_CONN_RESET;
    }
    return dir == ESP_TLS_WAIT_READ ? ESP_TLS_BIO_RECV_FAILED : ESP_TLS_BIO_SEND_FAILED;
}

/* The socket's receive timeout (SO_RCVTIMEO) in ms, 0 if none. */
static int64_t socket_read_timeout_ms(int fd)
{
    struct timeval tv = {0};
    socklen_t len = sizeof(tv);
    if (getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) != 0) {
        return 0;
    }
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

void esp_tls_bio_begin_call(esp_tls_t *tls)
{
    tls->bio.call_bytes = 0;
    tls->bio.call_deadline_ms = 0;
    if (tls->deadline_ms == 0 && !tls->non_block && tls->sockfd >= 0) {
        int64_t ms = socket_read_timeout_ms(tls->sockfd);
        tls->bio.call_deadline_ms = ms > 0 ? esp_tls_time_ms() + ms : 0;
    }
}

/* The deadline of a read: the connection's, else the current call's (0: none). */
static int64_t deadline_of(const esp_tls_t *tls, esp_tls_wait_t dir)
{
    if (tls->deadline_ms != 0 || dir != ESP_TLS_WAIT_READ) {
        return tls->deadline_ms;
    }
    return tls->bio.call_deadline_ms;
}

/* With a deadline on a blocking socket: wait for readiness no longer than the deadline. */
static int wait_ready(esp_tls_t *tls, esp_tls_wait_t dir)
{
    tls->wait = dir;
    int64_t deadline = deadline_of(tls, dir);
    if (deadline == 0 || tls->non_block) {
        return 0;
    }
    int rc = esp_tls_poll_fd(tls->sockfd, dir, esp_tls_ms_left(deadline));
    if (rc == 0) {
        return dir == ESP_TLS_WAIT_READ ? ESP_TLS_BIO_WANT_READ : ESP_TLS_BIO_WANT_WRITE;
    }
    return 0;
}

void esp_tls_bio_handshake_done(esp_tls_t *tls, bool tls13)
{
    tls->bio.no_ccs = tls13;
}

bool esp_tls_bio_refused(const esp_tls_t *tls)
{
    return tls->bio.ignorable_run > ESP_TLS_BIO_MAX_IGNORABLE || tls->bio.ccs_refused;
}

bool esp_tls_bio_prepare_goodbye(esp_tls_t *tls)
{
    if (tls->sockfd < 0) {
        return false;
    }
    int flags = fcntl(tls->sockfd, F_GETFL);
    return flags >= 0 && fcntl(tls->sockfd, F_SETFL, flags | O_NONBLOCK) == 0;
}

/* Whether this call may read more: not after a flood, the deadline, or the call's budget. */
static int read_allowed(esp_tls_t *tls)
{
    if (esp_tls_bio_refused(tls)) {
        return ESP_TLS_BIO_UNEXPECTED_MESSAGE;
    }
    int64_t deadline = deadline_of(tls, ESP_TLS_WAIT_READ);
    if ((deadline != 0 && esp_tls_ms_left(deadline) == 0) ||
        tls->bio.call_bytes >= ESP_TLS_BIO_CALL_BUDGET) {
        tls->wait = ESP_TLS_WAIT_READ;
        return ESP_TLS_BIO_WANT_READ;
    }
    return 0;
}

/* A record header is complete: count it as ignorable (alert, CCS) or as progress. */
static void on_header(esp_tls_bio_state_t *b)
{
    uint8_t type = b->hdr[0];
    bool ignorable = type == RECORD_ALERT || type == RECORD_CHANGE_CIPHER_SPEC;
    b->ignorable_run = ignorable ? b->ignorable_run + 1 : 0;
    b->ccs_refused = b->ccs_refused || (type == RECORD_CHANGE_CIPHER_SPEC && b->no_ccs);
    b->body_left = (uint32_t)b->hdr[3] << 8 | b->hdr[4];
    b->hdr_len = 0;
}

/* Follow the record boundaries through @p n received bytes. */
static void track_records(esp_tls_bio_state_t *b, const unsigned char *buf, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (b->body_left > 0) {
            size_t skip = n - i < b->body_left ? n - i : b->body_left;
            b->body_left -= (uint32_t)skip;
            i += skip;
            continue;
        }
        b->hdr[b->hdr_len++] = buf[i++];
        if (b->hdr_len == RECORD_HEADER_LEN) {
            on_header(b);
        }
    }
}

/* After @p n bytes arrived: @p n, or the flood error once the run of ignorable records is
 * too long. */
static int account(esp_tls_t *tls, const unsigned char *buf, int n)
{
    tls->bio.call_bytes += (uint32_t)n;
    track_records(&tls->bio, buf, (size_t)n);
    if (tls->bio.ccs_refused) {
        ESP_LOGE(TAG,
                 "[sock=%d] the peer sent a ChangeCipherSpec record after the TLS 1.3 "
                 "handshake (RFC 8446 §5: unexpected_message), the connection is ended",
                 tls->sockfd);
        return ESP_TLS_BIO_UNEXPECTED_MESSAGE;
    }
    if (tls->bio.ignorable_run <= ESP_TLS_BIO_MAX_IGNORABLE) {
        return n;
    }
    ESP_LOGE(TAG,
             "[sock=%d] the peer sent more than %d alert or ChangeCipherSpec records in a row: "
             "a flood (CVE-2016-8610), the connection is ended",
             tls->sockfd, ESP_TLS_BIO_MAX_IGNORABLE);
    return ESP_TLS_BIO_UNEXPECTED_MESSAGE;
}

int esp_tls_bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    esp_tls_t *tls = ctx;
    if (tls == NULL || tls->sockfd < 0) {
        return ESP_TLS_BIO_INVALID_CONTEXT;
    }
    int rc = read_allowed(tls);
    if (rc == 0) {
        rc = wait_ready(tls, ESP_TLS_WAIT_READ);
    }
    if (rc != 0) {
        return rc;
    }
    ssize_t n = recv(tls->sockfd, buf, len, 0);
    if (n < 0) {
        return map_errno(tls, errno, ESP_TLS_WAIT_READ);
    }
    tls->peer_eof |= n == 0 && len > 0;
    return account(tls, buf, (int)n);
}

int esp_tls_bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    esp_tls_t *tls = ctx;
    if (tls == NULL || tls->sockfd < 0) {
        return ESP_TLS_BIO_INVALID_CONTEXT;
    }
    int rc = wait_ready(tls, ESP_TLS_WAIT_WRITE);
    if (rc != 0) {
        return rc;
    }
    ssize_t n = send(tls->sockfd, buf, len, MSG_NOSIGNAL);
    if (n < 0) {
        return map_errno(tls, errno, ESP_TLS_WAIT_WRITE);
    }
    return (int)n;
}
