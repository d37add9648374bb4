// SPDX-License-Identifier: Apache-2.0
/*
 * What the Mbed TLS backend hands to diagnostics: the peer's chain as received, the names
 * behind a name mismatch, the fatal alert received, and the negotiated parameters
 * (esp_tls_get_conn_info). The handshake loop that notes the group is in handshake.c.
 */
#include <stdio.h>
#include <string.h>

#include "../../diag/diag.h"
#include "esp_log.h"
#include "esp_tls_ext.h"
#include "mbedtls/oid.h"
#include "mbedtls_backend.h"
#include "reach/reach.h"

static const char *TAG = "esp-tls-trace";

/* The chain as the peer sent it: the leaf, then crt->next in the order received. */
static void keep_chain(esp_tls_t *tls, const mbedtls_x509_crt *leaf)
{
    const unsigned char *der[ESP_TLS_DIAG_MAX_CERTS];
    size_t len[ESP_TLS_DIAG_MAX_CERTS];
    int n = 0;
    for (const mbedtls_x509_crt *c = leaf; c != NULL && n < ESP_TLS_DIAG_MAX_CERTS; c = c->next) {
        if (c->raw.p != NULL && c->raw.len > 0) {
            der[n] = c->raw.p;
            len[n] = c->raw.len;
            n++;
        }
    }
    esp_tls_diag_set_chain(tls, der, len, n);
}

static void leaf_names(char *out, size_t size, const mbedtls_x509_crt *leaf)
{
    esp_tls_mbedtls_format_sans(out, size, leaf);
    if (out[0] != '\0') {
        return;
    }
    for (const mbedtls_x509_name *n = &leaf->subject; n != NULL; n = n->next) {
        if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0) {
            snprintf(out, size, "CN=%.*s (no subjectAltName)", (int)n->val.len, n->val.p);
            return;
        }
    }
}

static void note_mismatch(esp_tls_mbedtls_t *p, const mbedtls_x509_crt *leaf)
{
    esp_tls_diag_t *d = esp_tls_diag_get(p->owner);
    if (d == NULL) {
        return;
    }
    const char *host = mbedtls_ssl_get_hostname(&p->ssl); /* "" is Mbed TLS' "none" mark */
    snprintf(d->expected, sizeof(d->expected), "%s", p->ip_len ? p->ip_text : (host ? host : ""));
    leaf_names(d->leaf_names, sizeof(d->leaf_names), leaf);
}

void esp_tls_mbedtls_diag_leaf(esp_tls_mbedtls_t *p, const mbedtls_x509_crt *leaf,
                               uint32_t leaf_flags)
{
    if (p->chain_flags != 0 || esp_tls_diag_keep_chain()) {
        keep_chain(p->owner, leaf);
    }
    if (leaf_flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) {
        note_mismatch(p, leaf);
    }
}

void esp_tls_mbedtls_diag_error(esp_tls_mbedtls_t *p, int ret)
{
    if (ret == MBEDTLS_ERR_SSL_INVALID_MAC && p->owner->role == ESP_TLS_SERVER) {
        (void)esp_tls_diag_get(p->owner); /* esp_tls_explain() adds a hint for servers */
        return;
    }
    const unsigned char *msg = esp_tls_reach_ssl_in_msg(&p->ssl, NULL);
    if (ret != MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE || msg == NULL) {
        return;
    }
    esp_tls_diag_t *d = esp_tls_diag_get(p->owner);
    if (d != NULL) {
        d->alert = msg[1];
        const char *name = esp_tls_diag_alert_name(d->alert);
        ESP_LOGE(TAG, "the peer sent fatal alert %d (%s)", d->alert, name ? name : "unknown");
    }
}

esp_err_t esp_tls_mbedtls_conn_info(esp_tls_t *tls, esp_tls_conn_info_t *info)
{
    const mbedtls_ssl_context *ssl = &esp_tls_mbedtls(tls)->ssl;
    memset(info, 0, sizeof(*info));
    snprintf(info->version, sizeof(info->version), "%s", mbedtls_ssl_get_version(ssl));
    snprintf(info->ciphersuite, sizeof(info->ciphersuite), "%s", mbedtls_ssl_get_ciphersuite(ssl));
    const char *alpn = mbedtls_ssl_get_alpn_protocol(ssl);
    snprintf(info->alpn, sizeof(info->alpn), "%s", alpn ? alpn : "");
    snprintf(info->group, sizeof(info->group), "%s", esp_tls_mbedtls(tls)->group);
    info->resumed = esp_tls_mbedtls_session_resumed(tls);
    /* the max_fragment_length the server accepted (TLS 1.2, read from its ServerHello);
     * mbedtls_ssl_get_max_in_record_payload() gives the client's own configured value */
    unsigned code = esp_tls_mbedtls(tls)->peer_mfl;
    info->peer_record_limit = code >= 1 && code <= 4 ? 256u << code : MBEDTLS_SSL_IN_CONTENT_LEN;
    return ESP_OK;
}
