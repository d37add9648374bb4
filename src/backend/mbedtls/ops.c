// SPDX-License-Identifier: Apache-2.0
/*
 * Mbed TLS backend ops: create, handshake, read, write, destroy, with the
 * results ESP-IDF's esp_tls_mbedtls.c gives (docs/COMPAT.md lists where they differ).
 */
#include <stdlib.h>

#include "../../core/bio.h"
#include "../../mem/mem.h"
#include "dynbuf.h"
#include "esp_log.h"
#include "mbedtls/error.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls_backend.h"

static const char *TAG = "esp-tls-mbedtls";

#if CONFIG_ESP_TLS_REQUIRE_CLOSE_NOTIFY
#define REQUIRE_CLOSE_NOTIFY true
#else
#define REQUIRE_CLOSE_NOTIFY false
#endif

/* End an established connection with close_notify, as RFC 8446 §6.1 asks (ESP-IDF just
 * closes the socket). The core makes the socket non-blocking first: destroy never waits. Nothing is
 * sent after a failed read or write: Mbed TLS may have sent a fatal alert, after which
 * RFC 8446 §6.2 and RFC 5246 §7.2.2 allow nothing more, and the context must not be used. */
static void say_goodbye(esp_tls_t *tls, esp_tls_mbedtls_t *p)
{
    if (tls->conn_state != ESP_TLS_DONE || !tls->is_tls || p->broken) {
        return;
    }
    if (esp_tls_bio_prepare_goodbye(tls)) {
        (void)mbedtls_ssl_close_notify(&p->ssl);
    }
}

static void mb_destroy(esp_tls_t *tls)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    if (p == NULL) {
        return;
    }
    say_goodbye(tls, p);
    mbedtls_ssl_free(&p->ssl);
    mbedtls_ssl_config_free(&p->conf);
    esp_tls_mbedtls_release_crt(&p->cacert);
    esp_tls_mbedtls_release_own(p);
    if (p->global_ca) {
        esp_tls_ca_store_release(p->global_ca);
    }
    esp_tls_mem_free(p->ticket);
    esp_tls_mem_free(p);
    tls->priv = NULL;
}

static esp_err_t new_context(esp_tls_t *tls)
{
    ESP_GUARD(esp_tls_mbedtls_psa_init());
    esp_tls_mbedtls_t *p = esp_tls_mem_calloc(1, sizeof(*p));
    ESP_ENSURE_LOG(p != NULL, ESP_ERR_NO_MEM, "no memory for the TLS context");
    tls->priv = p;
    p->owner = tls;
    mbedtls_ssl_init(&p->ssl);
    mbedtls_ssl_config_init(&p->conf);
    return ESP_OK;
}

static esp_err_t mb_client_create(esp_tls_t *tls, const char *host, size_t hostlen,
                                  const esp_tls_cfg_t *cfg)
{
    ESP_GUARD(new_context(tls));
    esp_err_t rc = esp_tls_mbedtls_client_config(tls, host, hostlen, cfg);
    if (rc != ESP_OK) {
        mb_destroy(tls);
    }
    return rc;
}

static esp_err_t mb_server_create(esp_tls_t *tls, const esp_tls_cfg_server_t *cfg)
{
    ESP_GUARD(new_context(tls));
    esp_err_t rc = esp_tls_mbedtls_server_config(tls, cfg);
    if (rc != ESP_OK) {
        mb_destroy(tls);
    }
    return rc;
}

static bool is_want(int ret)
{
    return ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE;
}

/* The likely cause of a handshake error, for the log: hints that hold for either role. */
static const char *common_hint(int ret)
{
    switch (ret) {
    case MBEDTLS_ERR_SSL_INVALID_RECORD:
        return "a record was malformed or larger than MBEDTLS_SSL_IN_CONTENT_LEN (keep it at "
               "16384), or the peer is not speaking TLS";
    case MBEDTLS_ERR_SSL_BAD_INPUT_DATA:
        return "a record or message was malformed or too long (record_overflow), or the peer "
               "sent an incomplete record";
    case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
        return "the peer sent a fatal alert (certificate, version or cipher mismatch; "
               "enable CONFIG_MBEDTLS_DEBUG for the alert)";
    case MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE:
        return "no common version, ciphersuite or key exchange with the peer";
    case MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION:
        return "the peer does not support the requested TLS version";
    default: return NULL;
    }
}

/* Hints that depend on which side we are. */
static const char *handshake_hint(const esp_tls_t *tls, int ret)
{
    bool server = tls->role == ESP_TLS_SERVER;
    switch (ret) {
    case MBEDTLS_ERR_SSL_CONN_EOF:
    case MBEDTLS_ERR_NET_CONN_RESET:
        return server ? "the client closed the connection during the handshake (it may not "
                        "trust this server's certificate, or it gave up)"
                      : "the server closed the connection during the handshake (it may require "
                        "a client certificate, or reject our versions or ciphersuites)";
    case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED:
        return server ? "the client's certificate failed verification (see the flags)"
                      : "the server's certificate failed verification (see the flags)";
    case MBEDTLS_ERR_SSL_PRIVATE_KEY_REQUIRED:
        return "the server asked for a client certificate and key";
    case MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE:
        return "the client sent no certificate, and this server requires one (cacert_buf set)";
    default: return common_hint(ret);
    }
}

/*
 * Mbed TLS up to 3.6.6 offers rsa_pss_rsae_* (needed for TLS 1.3) when both versions are
 * allowed, then refuses it in a TLS 1.2 ServerKeyExchange (Mbed-TLS/mbedtls#10668, fixed in
 * 3.6.7). When a server does exactly that, one more handshake without RSA-PSS succeeds; TLS 1.3
 * stays allowed on that attempt, so its downgrade protection still applies. Compiled only for
 * the versions that need it (ESP_TLS_MBEDTLS_PSS_RETRY, mbedtls_backend.h).
 */
static bool needs_pkcs1_retry(esp_tls_t *tls, int ret)
{
#if ESP_TLS_MBEDTLS_PSS_RETRY
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    return ret == MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER && !tls->retried && p->offers_both &&
           mbedtls_ssl_get_version_number(&p->ssl) == MBEDTLS_SSL_VERSION_TLS1_2;
#else
    (void)tls;
    (void)ret;
    return false;
#endif
}

static int mb_handshake(esp_tls_t *tls, bool *retry)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    int ret = esp_tls_mbedtls_handshake_steps(p);
    if (ret == 0) {
        const char *alpn = mbedtls_ssl_get_alpn_protocol(&p->ssl);
        ESP_LOGD("esp-tls-trace", "handshake done: %s, %s, ALPN %s, group %s",
                 mbedtls_ssl_get_version(&p->ssl), mbedtls_ssl_get_ciphersuite(&p->ssl),
                 alpn ? alpn : "none", p->group[0] ? p->group : "unknown");
        esp_tls_mbedtls_free_after_handshake(tls);
        (void)esp_tls_mbedtls_dynbuf_idle(tls); /* only shrinks: cannot fail here */
        esp_tls_bio_handshake_done(tls, mbedtls_ssl_get_version_number(&p->ssl) ==
                                            MBEDTLS_SSL_VERSION_TLS1_3);
        return 0;
    }
    if (is_want(ret)) {
        return ret;
    }
    if (needs_pkcs1_retry(tls, ret)) {
        ESP_LOGW(TAG,
                 "the server chose TLS 1.2 and an RSA-PSS signature, which this Mbed TLS "
                 "rejects in TLS 1.2 (-0x%04X); retrying once without offering RSA-PSS",
                 (unsigned)-ret);
        *retry = true;
        return ret;
    }
    esp_tls_mbedtls_diag_error(p, ret);
    esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_ESP,
                    esp_tls_mbedtls_fail(tls, "mbedtls_ssl_handshake", ret,
                                         ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED,
                                         handshake_hint(tls, ret)));
    esp_tls_mbedtls_report_verify(tls);
    return ret;
}

static const char s_eof_hint[] =
    "the peer closed the connection without close_notify: the data may be truncated";

/* At most this many post-handshake messages (TLS 1.3 tickets) are taken in by one read call;
 * a peer that sends more gets WANT_READ back, so that it cannot hold a reader forever. */
#define MAX_TICKETS_PER_READ 32

/*
 * mbedtls_ssl_read(), with TLS 1.3 NewSessionTicket messages handled inside: Mbed TLS 3.6
 * first returns WANT_READ with the ticket held back (mbedtls_ssl_check_pending() is true, the
 * socket is not needed), then RECEIVED_NEW_SESSION_TICKET once it has parsed it. Neither is
 * the application's business, on blocking and non-blocking connections alike (docs/COMPAT.md).
 */
static int read_app_data(esp_tls_t *tls, unsigned char *data, size_t datalen)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    int ret;
    for (int n = 0; n < MAX_TICKETS_PER_READ; n++) {
        ret = mbedtls_ssl_read(&p->ssl, data, datalen);
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            esp_tls_mbedtls_note_ticket(tls);
            (void)esp_tls_mbedtls_dynbuf_idle(tls); /* ticket done: release what it needed */
        } else if (!(ret == MBEDTLS_ERR_SSL_WANT_READ && mbedtls_ssl_check_pending(&p->ssl))) {
            return ret;
        } else if ((ret = esp_tls_mbedtls_dynbuf_idle(tls)) != 0) {
            return ret; /* the ticket step needs its parameters back (dynbuf.c) */
        }
    }
    ESP_LOGW(TAG,
             "the peer sent more than %d post-handshake messages in a row; returning to "
             "the caller",
             MAX_TICKETS_PER_READ);
    return MBEDTLS_ERR_SSL_WANT_READ;
}

/* End of file: 0 after close_notify; after a bare TCP FIN 0 as in ESP-IDF, or CONN_EOF with
 * CONFIG_ESP_TLS_REQUIRE_CLOSE_NOTIFY (RFC 8446 s6.1, RFC 5246 s7.2.1: it may be a truncation). */
static int end_of_file(esp_tls_t *tls, int ret, size_t datalen)
{
    if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
        tls->close_kind = ESP_TLS_CLOSE_NOTIFY;
        return 0;
    }
    if (ret != 0 || datalen == 0 || !tls->peer_eof || tls->close_kind == ESP_TLS_CLOSE_NOTIFY) {
        return ret;
    }
    tls->close_kind = ESP_TLS_CLOSE_EOF;
    if (REQUIRE_CLOSE_NOTIFY) {
        return MBEDTLS_ERR_SSL_CONN_EOF;
    }
    ESP_LOGD(TAG, "%s", s_eof_hint);
    return 0;
}

/* The BIO ended the connection (a flood, a CCS after the TLS 1.3 handshake): Mbed TLS sends
 * no alert for an error of its receive callback, so the fatal unexpected_message is sent here
 * (once: the context is not used again). */
static void refuse(esp_tls_t *tls, int ret)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    if (ret == MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE && !p->broken && esp_tls_bio_refused(tls)) {
        (void)mbedtls_ssl_send_alert_message(&p->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                                             MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE);
    }
}

static ssize_t mb_read(esp_tls_t *tls, char *data, size_t datalen)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    int ret = read_app_data(tls, (unsigned char *)data, datalen);
    int rc = esp_tls_mbedtls_dynbuf_idle(tls);
    if (rc != 0) {
        ret = rc;
    }
    ret = end_of_file(tls, ret, datalen);
    if (ret >= 0) {
        return ret;
    }
    if (!is_want(ret)) {
        refuse(tls, ret);
        p->broken = p->broken || ret != MBEDTLS_ERR_SSL_TIMEOUT; /* a timeout sends no alert */
        esp_tls_mbedtls_diag_error(p, ret);
        esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_ESP,
                        esp_tls_mbedtls_fail(tls, "mbedtls_ssl_read", ret,
                                             ESP_ERR_MBEDTLS_SSL_READ_FAILED,
                                             ret == MBEDTLS_ERR_SSL_CONN_EOF ? s_eof_hint : NULL));
    }
    return ret;
}

/* mbedtls_ssl_write() with a send buffer sized to @p len first (dynbuf.c). */
static int write_record(esp_tls_t *tls, const char *data, size_t len)
{
    int ret = esp_tls_mbedtls_dynbuf_reserve_out(tls, len);
    if (ret == 0) {
        ret = mbedtls_ssl_write(&esp_tls_mbedtls(tls)->ssl, (const unsigned char *)data, len);
    }
    return ret;
}

static ssize_t write_all(esp_tls_t *tls, const char *data, size_t datalen)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    size_t written = 0;
    while (written < datalen) {
        size_t chunk = datalen - written;
        int max = mbedtls_ssl_get_max_out_record_payload(&p->ssl);
        if (max > 0 && chunk > (size_t)max) {
            chunk = (size_t)max;
        }
        int ret = write_record(tls, data + written, chunk);
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            esp_tls_mbedtls_note_ticket(tls); /* a TLS 1.3 ticket came in: write again */
            continue;
        }
        if (ret > 0) {
            written += (size_t)ret;
            continue;
        }
        if (ret == 0 || is_want(ret)) {
            return written > 0 ? (ssize_t)written : ret;
        }
        p->broken = true;
        esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_ESP,
                        esp_tls_mbedtls_fail(tls, "mbedtls_ssl_write", ret,
                                             ESP_ERR_MBEDTLS_SSL_WRITE_FAILED, NULL));
        return ret;
    }
    return (ssize_t)written;
}

static ssize_t mb_write(esp_tls_t *tls, const char *data, size_t datalen)
{
    ssize_t ret = write_all(tls, data, datalen);
    (void)esp_tls_mbedtls_dynbuf_idle(tls); /* a write cannot leave a ticket half read */
    return ret;
}

static ssize_t mb_bytes_avail(esp_tls_t *tls)
{
    return (ssize_t)mbedtls_ssl_get_bytes_avail(&esp_tls_mbedtls(tls)->ssl);
}

static void *mb_ssl_context(esp_tls_t *tls)
{
    return &esp_tls_mbedtls(tls)->ssl;
}

const esp_tls_backend_ops_t esp_tls_backend_mbedtls = {
    .version = ESP_TLS_BACKEND_OPS_VERSION,
    .size = sizeof(esp_tls_backend_ops_t),
    .name = "mbedtls",
    .client_create = mb_client_create,
    .server_create = mb_server_create,
    .handshake = mb_handshake,
    .read = mb_read,
    .write = mb_write,
    .bytes_avail = mb_bytes_avail,
    .ssl_context = mb_ssl_context,
    .destroy = mb_destroy,
    .conn_info = esp_tls_mbedtls_conn_info,
    .client_session_get = esp_tls_mbedtls_session_get,
    .client_session_free = esp_tls_mbedtls_session_free,
    .session_resumed = esp_tls_mbedtls_session_resumed,
    .verify_chain = esp_tls_mbedtls_verify_chain,
    .global_init = esp_tls_mbedtls_psa_init,
    .ca_store_init = esp_tls_mbedtls_ca_store_init,
    .ca_store_set = esp_tls_mbedtls_ca_store_set,
    .ca_store_get = esp_tls_mbedtls_ca_store_get,
    .ca_store_free = esp_tls_mbedtls_ca_store_free,
    .server_tickets_init = esp_tls_mbedtls_tickets_init,
    .server_tickets_free = esp_tls_mbedtls_tickets_free,
    .keylog_file = esp_tls_mbedtls_keylog_file,
    .debug_level = esp_tls_mbedtls_debug_level,
    .ciphersuites = mbedtls_ssl_list_ciphersuites,
    .cert_describe = esp_tls_mbedtls_cert_describe,
    .cert_to_pem = esp_tls_mbedtls_cert_to_pem,
    .sha1 = esp_tls_mbedtls_sha1,
    .base64_encode = esp_tls_mbedtls_base64_encode,
};
