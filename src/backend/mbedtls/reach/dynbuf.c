// SPDX-License-Identifier: Apache-2.0
/*
 * CONFIG_MBEDTLS_DYNAMIC_BUFFER on stock Mbed TLS 3.6.6 and 3.6.7 (ESP-IDF patches Mbed TLS
 * for it; this is an own design that does not).
 *
 * Mbed TLS keeps a receive and a send record buffer per connection. Built with
 * MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH, its record layer bounds every access by the lengths
 * stored in the context (in_buf_len, out_buf_len) rather than by compile-time sizes, and it
 * already reallocates the buffers itself around renegotiation. This module resizes them
 * between records, at points where their content is known:
 *
 *  - setup: the full receive buffer mbedtls_ssl_setup() asks for is served as a small
 *    block (mem.c, one-shot substitution; nothing is written into it during the setup);
 *  - receive: the BIO callback sees each record header complete before Mbed TLS asks for
 *    the body; the buffer is resized to that record there;
 *  - send: sized to the data written; full size while handshake messages are written;
 *  - idle: after an API call that left nothing pending, both shrink to a small buffer that
 *    keeps the sequence counter (stored in the first 8 bytes of each buffer).
 *
 * Every pointer Mbed TLS keeps into a buffer is rebased when the buffer moves. Only private
 * fields of the exact versions checked below are used; Mbed TLS itself is not modified.
 * Only the TLS record header is handled (esp-tls never uses DTLS).
 */
#include "sdkconfig.h"

#if CONFIG_MBEDTLS_DYNAMIC_BUFFER
#include "mbedtls_private.h" /* first: record buffer size macros */

#include <stdint.h>
#include <string.h>

#include "../../../core/bio.h"
#include "../../../mem/mem.h"
#include "../dynbuf.h"
#include "../mbedtls_backend.h"
#include "esp_log.h"
#include "mbedtls/platform.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/version.h"

/*
 * Reviewed versions. 3.6.6 -> 3.6.7: mbedtls_ssl_context's layout is unchanged; the record
 * layer reads and writes badmac_seen_or_in_hsfraglen through accessors (same meaning in TLS:
 * the handshake fragment length, kept in the receive buffer after in_hdr, which fit_record
 * sizes for), mbedtls_ssl_setup() allocates the buffers as before, the BIO is still asked
 * for the 5 header bytes and then the body, and the handshake states and writers used by
 * reads_only()/client_writes() are the same (3.6.7 adds record-boundary checks on received
 * TLS 1.3 handshake messages only). Any other version must be reviewed the same way.
 */
#if MBEDTLS_VERSION_NUMBER != 0x03060600 && MBEDTLS_VERSION_NUMBER != 0x03060700
#error "CONFIG_MBEDTLS_DYNAMIC_BUFFER relies on the record layer of Mbed TLS 3.6.6 or 3.6.7 exactly"
#endif
#if !defined(MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH)
#error "CONFIG_MBEDTLS_DYNAMIC_BUFFER needs MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH (gen_config.py)"
#endif
/* Layout assumptions: an 8-byte counter, then a 5-byte TLS record header with its length in
 * bytes 3-4, both at the start of each buffer (mbedtls_ssl_reset_in/out_pointers). */
_Static_assert(MBEDTLS_SSL_SEQUENCE_NUMBER_LEN == 8, "Mbed TLS record layout changed");
_Static_assert(MBEDTLS_SSL_HEADER_LEN == 13, "Mbed TLS record layout changed");
_Static_assert(sizeof(((mbedtls_ssl_context *)0)->MBEDTLS_PRIVATE(in_buf_len)) == sizeof(size_t),
               "Mbed TLS context layout changed");

#define R(field) MBEDTLS_PRIVATE(field)
#define CTR_LEN 8
#define HDR_LEN 5
#define FULL_IN ((size_t)MBEDTLS_SSL_IN_BUFFER_LEN)
#define FULL_OUT ((size_t)MBEDTLS_SSL_OUT_BUFFER_LEN)
/* Idle receive buffer: the counter and room for the next record header. */
#define SMALL_IN ((size_t)64)
/* Per-record overhead of the send buffer; an idle one still holds an alert. */
#define OUT_OVERHEAD (FULL_OUT - (size_t)MBEDTLS_SSL_OUT_CONTENT_LEN)
#define SMALL_OUT (OUT_OVERHEAD + 16)

static const char *TAG = "esp-tls-dynbuf";

static unsigned char *rebase(unsigned char *ptr, uintptr_t old, size_t old_len, unsigned char *buf)
{
    uintptr_t at = (uintptr_t)ptr;
    if (ptr == NULL || at < old || at > old + old_len) {
        return ptr;
    }
    return buf + (at - old);
}

/* Move a buffer to a new block of @p len bytes; the first @p keep bytes hold live data. */
static unsigned char *move_buf(unsigned char *old, size_t old_len, size_t len, size_t keep)
{
    if (keep > len) {
        return NULL;
    }
    unsigned char *buf = mbedtls_calloc(1, len);
    if (buf != NULL) {
        memcpy(buf, old, keep < old_len ? keep : old_len);
    }
    return buf;
}

static int resize_in(mbedtls_ssl_context *ssl, size_t len, size_t keep)
{
    unsigned char *old = ssl->R(in_buf);
    size_t old_len = ssl->R(in_buf_len);
    unsigned char *buf = move_buf(old, old_len, len, keep);
    if (buf == NULL) {
        return MBEDTLS_ERR_SSL_ALLOC_FAILED;
    }
    uintptr_t o = (uintptr_t)old;
    ssl->R(in_ctr) = rebase(ssl->R(in_ctr), o, old_len, buf);
    ssl->R(in_hdr) = rebase(ssl->R(in_hdr), o, old_len, buf);
#if defined(MBEDTLS_SSL_DTLS_CONNECTION_ID)
    ssl->R(in_cid) = rebase(ssl->R(in_cid), o, old_len, buf);
#endif
    ssl->R(in_len) = rebase(ssl->R(in_len), o, old_len, buf);
    ssl->R(in_iv) = rebase(ssl->R(in_iv), o, old_len, buf);
    ssl->R(in_msg) = rebase(ssl->R(in_msg), o, old_len, buf);
    ssl->R(in_offt) = rebase(ssl->R(in_offt), o, old_len, buf);
    ssl->R(in_buf) = buf;
    ssl->R(in_buf_len) = len;
    mbedtls_zeroize_and_free(old, old_len);
    return 0;
}

static int resize_out(mbedtls_ssl_context *ssl, size_t len)
{
    unsigned char *old = ssl->R(out_buf);
    size_t old_len = ssl->R(out_buf_len);
    /* bytes not yet sent lie just before out_hdr (mbedtls_ssl_flush_output) */
    size_t keep = (size_t)(ssl->R(out_hdr) - old) + HDR_LEN;
    unsigned char *buf = move_buf(old, old_len, len, keep);
    if (buf == NULL) {
        return MBEDTLS_ERR_SSL_ALLOC_FAILED;
    }
    uintptr_t o = (uintptr_t)old;
    ssl->R(out_ctr) = rebase(ssl->R(out_ctr), o, old_len, buf);
    ssl->R(out_hdr) = rebase(ssl->R(out_hdr), o, old_len, buf);
#if defined(MBEDTLS_SSL_DTLS_CONNECTION_ID)
    ssl->R(out_cid) = rebase(ssl->R(out_cid), o, old_len, buf);
#endif
    ssl->R(out_len) = rebase(ssl->R(out_len), o, old_len, buf);
    ssl->R(out_iv) = rebase(ssl->R(out_iv), o, old_len, buf);
    ssl->R(out_msg) = rebase(ssl->R(out_msg), o, old_len, buf);
    ssl->R(out_buf) = buf;
    ssl->R(out_buf_len) = len;
    mbedtls_zeroize_and_free(old, old_len);
    return 0;
}

/* Pointers as mbedtls_ssl_setup() leaves them; anything else means another layout. */
static bool layout_as_expected(const mbedtls_ssl_context *ssl)
{
    return ssl->R(in_ctr) == ssl->R(in_buf) && ssl->R(in_hdr) == ssl->R(in_buf) + CTR_LEN &&
           ssl->R(out_ctr) == ssl->R(out_buf) && ssl->R(out_hdr) == ssl->R(out_buf) + CTR_LEN &&
           ssl->R(in_buf_len) == FULL_IN && ssl->R(out_buf_len) == FULL_OUT;
}

int esp_tls_mbedtls_dynbuf_setup(esp_tls_t *tls)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    esp_tls_mem_substitute_once(FULL_IN, SMALL_IN);
    int ret = mbedtls_ssl_setup(&p->ssl, &p->conf);
    bool small = esp_tls_mem_substitute_end();
    if (ret != 0) {
        return ret;
    }
    if (!layout_as_expected(&p->ssl)) {
        /* still correct, only without the savings: the buffers stay full size */
        ESP_LOGW(TAG, "unexpected Mbed TLS buffer layout: dynamic buffers off for this "
                      "connection");
        return 0;
    }
    /* The counting allocator served the full receive buffer as a small block. Without it
     * (CONFIG_ESP_TLS_MEM_STATS=n, esp_tls_mem_set_counting(false)) the full one came from the
     * C library: it is replaced by a small one at once. */
    if (small) {
        p->ssl.R(in_buf_len) = SMALL_IN;
    } else if (resize_in(&p->ssl, SMALL_IN, CTR_LEN) != 0) {
        return MBEDTLS_ERR_SSL_ALLOC_FAILED;
    }
    p->dynbuf = true;
    return 0;
}

/* Receive hook: the record header is complete, so the buffer can be sized to the record. */
static int fit_record(mbedtls_ssl_context *ssl)
{
    size_t hdr_at = (size_t)(ssl->R(in_hdr) - ssl->R(in_buf));
    size_t rec = ((size_t)ssl->R(in_hdr)[3] << 8) | ssl->R(in_hdr)[4];
    /* and room for the next header: Mbed TLS checks that it fits before it reads it, and a
     * handshake message split across records stays in the buffer while the next one comes */
    size_t need = hdr_at + HDR_LEN + rec + HDR_LEN;
    if (need > FULL_IN) {
        need = FULL_IN; /* Mbed TLS rejects the record, as it would without this module */
    }
    if (need < SMALL_IN) {
        need = SMALL_IN;
    }
    if (need == ssl->R(in_buf_len)) {
        return 0;
    }
    return resize_in(ssl, need, hdr_at + HDR_LEN);
}

int esp_tls_mbedtls_dynbuf_recv(void *ctx, unsigned char *buf, size_t len)
{
    esp_tls_t *tls = ctx;
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    mbedtls_ssl_context *ssl = &p->ssl;
    uintptr_t hdr = (uintptr_t)ssl->R(in_hdr);
    /* Mbed TLS (TLS, not DTLS) asks for the 5 header bytes first, then for the body. */
    bool header = p->dynbuf && !p->rx_static && (uintptr_t)buf >= hdr &&
                  (uintptr_t)buf - hdr < HDR_LEN && (uintptr_t)buf - hdr + len == HDR_LEN;
    int ret = esp_tls_bio_recv(ctx, buf, len);
    if (!header || ret <= 0 || (uintptr_t)buf - hdr + (size_t)ret != HDR_LEN) {
        return ret;
    }
    int rc = 0;
    if (ssl->R(out_left) == 0 && ssl->R(out_buf_len) > SMALL_OUT) {
        rc = resize_out(ssl, SMALL_OUT); /* reading: nothing is being written */
    }
    if (rc == 0) {
        rc = fit_record(ssl);
    }
    if (rc != 0) {
        ESP_LOGE(TAG, "no memory for a received record");
        return rc;
    }
    return ret;
}

int esp_tls_mbedtls_dynbuf_reserve_out(esp_tls_t *tls, size_t len)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    mbedtls_ssl_context *ssl = &p->ssl;
    if (!p->dynbuf || ssl->R(out_left) != 0) {
        return 0; /* pending bytes: Mbed TLS only flushes them on this call */
    }
    size_t need = len > FULL_OUT - OUT_OVERHEAD ? FULL_OUT : OUT_OVERHEAD + len;
    if (ssl->R(out_buf_len) >= need) {
        return 0;
    }
    return resize_out(ssl, need);
}

static bool in_idle(const mbedtls_ssl_context *ssl)
{
    return ssl->R(in_left) == 0 && ssl->R(in_msglen) == 0 && ssl->R(in_offt) == NULL &&
           ssl->R(keep_current_message) == 0 && ssl->R(in_hdr) == ssl->R(in_buf) + CTR_LEN;
}

/* RX static strategy (ESP_TLS_DYN_BUF_RX_STATIC): a full receive buffer for good. */
static void make_rx_static(esp_tls_mbedtls_t *p)
{
    mbedtls_ssl_context *ssl = &p->ssl;
    if (ssl->R(in_buf_len) != FULL_IN && in_idle(ssl) && resize_in(ssl, FULL_IN, CTR_LEN) != 0) {
        return; /* stays dynamic; the next call tries again */
    }
    p->rx_static = true;
}

/*
 * TLS 1.3: Mbed TLS keeps the handshake parameters (3.5 KB and what they point to) after
 * the handshake, only for a NewSessionTicket that may come later. They are released here
 * (state HANDSHAKE_OVER exactly; mbedtls_ssl_is_handshake_over() also covers the ticket
 * states);
 * when mbedtls_ssl_read() has just recognised a ticket (state NEW_SESSION_TICKET, before
 * it touches the parameters) a zeroed set is given back, as the ticket step only records
 * the extensions it sees there.
 */
static int tls13_handshake_params(mbedtls_ssl_context *ssl)
{
    if (mbedtls_ssl_get_version_number(ssl) != MBEDTLS_SSL_VERSION_TLS1_3) {
        return 0;
    }
    if (ssl->R(state) == MBEDTLS_SSL_HANDSHAKE_OVER && ssl->R(handshake) != NULL) {
        mbedtls_ssl_handshake_free(ssl);
        mbedtls_free(ssl->R(handshake));
        ssl->R(handshake) = NULL;
#if defined(MBEDTLS_SSL_PROTO_TLS1_2)
        /* allocated by mbedtls_ssl_setup() for TLS 1.2, never used by TLS 1.3 */
        mbedtls_ssl_transform_free(ssl->R(transform_negotiate));
        mbedtls_free(ssl->R(transform_negotiate));
        ssl->R(transform_negotiate) = NULL;
#endif
    } else if (ssl->R(state) == MBEDTLS_SSL_TLS1_3_NEW_SESSION_TICKET &&
               ssl->R(handshake) == NULL) {
        ssl->R(handshake) = mbedtls_calloc(1, sizeof(mbedtls_ssl_handshake_params));
        if (ssl->R(handshake) == NULL) {
            return MBEDTLS_ERR_SSL_ALLOC_FAILED;
        }
    }
    return 0;
}

/* Handshake states in which Mbed TLS 3.6.6/3.6.7 only reads a message of the peer (one message
 * per step); at most an alert is written there, which the small send buffer holds. */
static bool reads_only(const mbedtls_ssl_context *ssl)
{
    bool client = ssl->R(conf)->R(endpoint) == MBEDTLS_SSL_IS_CLIENT;
    bool tls13 = ssl->R(tls_version) == MBEDTLS_SSL_VERSION_TLS1_3;
    switch (ssl->R(state)) {
    case MBEDTLS_SSL_SERVER_HELLO:
    case MBEDTLS_SSL_SERVER_CERTIFICATE:
    case MBEDTLS_SSL_SERVER_KEY_EXCHANGE:
    case MBEDTLS_SSL_CERTIFICATE_REQUEST:
    case MBEDTLS_SSL_SERVER_HELLO_DONE:
    case MBEDTLS_SSL_SERVER_CHANGE_CIPHER_SPEC:
    case MBEDTLS_SSL_SERVER_FINISHED:
    case MBEDTLS_SSL_ENCRYPTED_EXTENSIONS: return client;
    case MBEDTLS_SSL_CLIENT_HELLO:
    case MBEDTLS_SSL_CLIENT_CERTIFICATE:
    case MBEDTLS_SSL_CLIENT_KEY_EXCHANGE:
    case MBEDTLS_SSL_CLIENT_CHANGE_CIPHER_SPEC:
    case MBEDTLS_SSL_CLIENT_FINISHED:
    case MBEDTLS_SSL_CLIENT_CERTIFICATE_VERIFY: return !client;
    case MBEDTLS_SSL_CERTIFICATE_VERIFY: return client ? tls13 : !tls13;
    default: return false;
    }
}

/* The client's Certificate message: its chain, each certificate with a 3-byte length (and, in
 * TLS 1.3, 2 bytes of extensions), plus the message and list headers and a request context. */
static size_t client_certificate_len(const esp_tls_mbedtls_t *p)
{
    size_t len = 16 + 255;
    for (const mbedtls_x509_crt *c = p->own ? &p->own->cert : NULL; c != NULL && c->raw.p;
         c = c->next) {
        len += c->raw.len + 5;
    }
    return len;
}

/* An upper bound, in bytes of record content, of what the client writes in the current step.
 * Mbed TLS 3.6.6/3.6.7 writes one handshake message per step and hands its writers the space up to
 * the compile-time MBEDTLS_SSL_OUT_CONTENT_LEN, whatever the buffer's real size: a step gets
 * less only where the writer provably stays within what it needs - Finished (a digest
 * computed apart, then copied), ChangeCipherSpec (1 byte) and Certificate (copies of the own
 * chain). Every other step gets the full size: the hellos and key exchange vary, and PSA
 * fills a signature's whole output space (CertificateVerify) before writing into it. */
static size_t client_writes(const esp_tls_mbedtls_t *p)
{
    switch (p->ssl.R(state)) {
    case MBEDTLS_SSL_HELLO_REQUEST:
    case MBEDTLS_SSL_CLIENT_CHANGE_CIPHER_SPEC:
    case MBEDTLS_SSL_CLIENT_CCS_AFTER_SERVER_FINISHED:
    case MBEDTLS_SSL_CLIENT_CCS_AFTER_CLIENT_HELLO:
    case MBEDTLS_SSL_CLIENT_CCS_BEFORE_2ND_CLIENT_HELLO:
    case MBEDTLS_SSL_FLUSH_BUFFERS:
    case MBEDTLS_SSL_HANDSHAKE_WRAPUP: return 0; /* at most an alert */
    case MBEDTLS_SSL_CLIENT_FINISHED: return 4 + MBEDTLS_MD_MAX_SIZE;
    case MBEDTLS_SSL_CLIENT_CERTIFICATE: return client_certificate_len(p);
    default: return MBEDTLS_SSL_OUT_CONTENT_LEN;
    }
}

/* Size the send buffer for @p content bytes of record content. Records not yet sent stay in
 * front of out_hdr (a TLS 1.3 ChangeCipherSpec waits there for the next message): the buffer
 * then only grows, by what they take. */
static int fit_out(mbedtls_ssl_context *ssl, size_t content)
{
    if (content < SMALL_OUT - OUT_OVERHEAD) {
        content = SMALL_OUT - OUT_OVERHEAD;
    }
    size_t pending = (size_t)(ssl->R(out_hdr) - ssl->R(out_buf)) - CTR_LEN;
    size_t len = content >= MBEDTLS_SSL_OUT_CONTENT_LEN ? FULL_OUT : OUT_OVERHEAD + content;
    len = len + pending > FULL_OUT ? FULL_OUT : len + pending;
    if (ssl->R(out_buf_len) == len || (ssl->R(out_left) != 0 && ssl->R(out_buf_len) > len)) {
        return 0;
    }
    return resize_out(ssl, len);
}

int esp_tls_mbedtls_dynbuf_before_step(esp_tls_t *tls)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    mbedtls_ssl_context *ssl = &p->ssl;
    if (!p->dynbuf) {
        return 0; /* full-size buffers for this connection (esp_tls_mbedtls_dynbuf_setup) */
    }
    /* the send buffer holds what the step may write: small while steps read, full size for
     * the server's messages and for the client's hellos and key exchange */
    if (reads_only(ssl)) {
        return fit_out(ssl, 0);
    }
    if (ssl->R(conf)->R(endpoint) != MBEDTLS_SSL_IS_CLIENT) {
        return esp_tls_mbedtls_dynbuf_reserve_out(tls, MBEDTLS_SSL_OUT_CONTENT_LEN);
    }
    return fit_out(ssl, client_writes(p));
}

int esp_tls_mbedtls_dynbuf_idle(esp_tls_t *tls)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    mbedtls_ssl_context *ssl = &p->ssl;
    if (!p->dynbuf) {
        return 0;
    }
    int ret = tls13_handshake_params(ssl);
    /* not mbedtls_ssl_is_handshake_over(): true in TLS 1.3's post-handshake states too */
    if (ret != 0 || ssl->R(state) != MBEDTLS_SSL_HANDSHAKE_OVER) {
        return ret;
    }
    if (p->want_rx_static && !p->rx_static) {
        make_rx_static(p);
    }
    /* A failed shrink keeps the bigger buffer, which is still correct. */
    if (!p->rx_static && ssl->R(in_buf_len) > SMALL_IN && in_idle(ssl)) {
        (void)resize_in(ssl, SMALL_IN, CTR_LEN);
    }
    if (ssl->R(out_left) == 0 && ssl->R(out_buf_len) > SMALL_OUT) {
        (void)resize_out(ssl, SMALL_OUT);
    }
    return 0;
}

void esp_tls_mbedtls_dynbuf_strategy(esp_tls_t *tls, const esp_tls_cfg_t *cfg)
{
    esp_tls_mbedtls(tls)->want_rx_static =
        cfg->esp_tls_dyn_buf_strategy == ESP_TLS_DYN_BUF_RX_STATIC;
}
#endif /* CONFIG_MBEDTLS_DYNAMIC_BUFFER */
