// SPDX-License-Identifier: Apache-2.0
/*
 * Client session resumption (RFC 5077 tickets and TLS 1.2 sessions; TLS 1.3 tickets,
 * RFC 8446 §4.6.1). A TLS 1.3 ticket arrives after the handshake and Mbed TLS keeps the
 * newest one, so a session taken after the first response resumes (esp-idf #18919). Mbed TLS
 * exports each ticket only once: the copy exported last is kept, serialized, for later calls
 * (an idle connection holds the ticket once until its session is asked for).
 */
#include "../../mem/mem.h"
#include "esp_log.h"
#include "esp_tls_ext.h"
#include "mbedtls_backend.h"

#if CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS
static const char *TAG = "esp-tls-mbedtls";

void esp_tls_mbedtls_tickets_conf(esp_tls_t *tls)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    mbedtls_ssl_conf_session_tickets(&p->conf, MBEDTLS_SSL_SESSION_TICKETS_ENABLED);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && MBEDTLS_VERSION_NUMBER >= 0x03060100
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
        &p->conf, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#endif
}

void esp_tls_mbedtls_resume(esp_tls_t *tls, const esp_tls_cfg_t *cfg)
{
    if (cfg->client_session == NULL) {
        return;
    }
    /* Applied once, before the first handshake step (ESP-IDF applied it on every pass). */
    int ret =
        mbedtls_ssl_set_session(&esp_tls_mbedtls(tls)->ssl, &cfg->client_session->saved_session);
    if (ret != 0) {
        ESP_LOGW(TAG, "saved session not usable (-0x%04X): full handshake", (unsigned)-ret);
    }
}

void esp_tls_mbedtls_note_ticket(esp_tls_t *tls)
{
    /* ESP-IDF returned a positive esp_err_t from read() here; the read goes on instead. */
    esp_tls_mbedtls(tls)->ticket_new = true;
    ESP_LOGD(TAG, "the server sent a TLS 1.3 session ticket");
}

/* Export the newest TLS 1.3 ticket from Mbed TLS (once per ticket) into p->ticket. */
static void export_ticket(esp_tls_mbedtls_t *p)
{
    mbedtls_ssl_session s;
    mbedtls_ssl_session_init(&s);
    size_t len = 0;
    unsigned char *buf = NULL;
    bool got = mbedtls_ssl_get_session(&p->ssl, &s) == 0;
    if (got) {
        p->ticket_new = false; /* Mbed TLS hands each ticket out once */
    }
    if (got && mbedtls_ssl_session_save(&s, NULL, 0, &len) == MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL &&
        (buf = esp_tls_mem_calloc(1, len)) != NULL &&
        mbedtls_ssl_session_save(&s, buf, len, &len) == 0) {
        esp_tls_mem_free(p->ticket);
        p->ticket = buf;
        p->ticket_len = len;
    } else {
        esp_tls_mem_free(buf);
        ESP_LOGW(TAG, "could not export the session ticket the server sent: the previous "
                      "session, if any, is kept");
    }
    mbedtls_ssl_session_free(&s);
}

static int copy_session(esp_tls_mbedtls_t *p, mbedtls_ssl_session *out)
{
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    if (mbedtls_ssl_get_version_number(&p->ssl) == MBEDTLS_SSL_VERSION_TLS1_3) {
        if (p->ticket_new) {
            export_ticket(p);
        }
        return p->ticket ? mbedtls_ssl_session_load(out, p->ticket, p->ticket_len) : -1;
    }
#endif
    return mbedtls_ssl_get_session(&p->ssl, out);
}

esp_tls_client_session_t *esp_tls_mbedtls_session_get(esp_tls_t *tls)
{
    esp_tls_client_session_t *cs = esp_tls_mem_calloc(1, sizeof(*cs));
    if (cs == NULL) {
        return NULL;
    }
    mbedtls_ssl_session_init(&cs->saved_session);
    if (copy_session(esp_tls_mbedtls(tls), &cs->saved_session) != 0) {
        ESP_LOGW(TAG, "no session to save yet (TLS 1.3: read the first response first)");
        esp_tls_mbedtls_session_free(cs);
        return NULL;
    }
    return cs;
}

void esp_tls_mbedtls_session_free(esp_tls_client_session_t *client_session)
{
    if (client_session != NULL) {
        mbedtls_ssl_session_free(&client_session->saved_session);
        esp_tls_mem_free(client_session);
    }
}
#else
void esp_tls_mbedtls_tickets_conf(esp_tls_t *tls)
{
    (void)tls;
}

void esp_tls_mbedtls_resume(esp_tls_t *tls, const esp_tls_cfg_t *cfg)
{
    (void)tls;
    (void)cfg;
}

void esp_tls_mbedtls_note_ticket(esp_tls_t *tls)
{
    (void)tls;
}

esp_tls_client_session_t *esp_tls_mbedtls_session_get(esp_tls_t *tls)
{
    (void)tls;
    ESP_LOGE("esp-tls-mbedtls", "esp_tls_get_client_session: this library was built without "
                                "CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS");
    return NULL;
}

void esp_tls_mbedtls_session_free(esp_tls_client_session_t *client_session)
{
    (void)client_session; /* never allocated in this build */
}
#endif

bool esp_tls_mbedtls_session_resumed(esp_tls_t *tls)
{
    /* A resumed handshake carries no Certificate message, so nothing was verified. A server
     * that verifies clients also sees no certificate from a client that sent none (optional
     * authentication): a resumed session brings the client's certificate back with it. */
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    if (tls->role == ESP_TLS_SERVER && mbedtls_ssl_get_peer_cert(&p->ssl) == NULL) {
        return false;
    }
    return p->verify_with_ca && p->certs_seen == 0;
}
