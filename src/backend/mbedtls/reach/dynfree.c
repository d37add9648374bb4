// SPDX-License-Identifier: Apache-2.0
/*
 * Release what a finished handshake no longer needs (ESP-IDF's CONFIG_MBEDTLS_DYNAMIC_FREE_*
 * options, Kconfig): the CA certificates parsed from cacert_buf, the own
 * certificate and key, and the peer's certificate. Done once the handshake is over, for
 * either role. The certificate bundle and the global CA store are never touched: only this
 * connection's own copies are released.
 */
#include "mbedtls_private.h" /* first: the config's key/certificate list */

#include "../dynbuf.h"
#include "../mbedtls_backend.h"
#include "mbedtls/platform.h"

static void free_ca(esp_tls_mbedtls_t *p)
{
#if CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT
    if (p->cacert != NULL && p->conf.MBEDTLS_PRIVATE(ca_chain) == p->cacert) {
        mbedtls_ssl_conf_ca_chain(&p->conf, NULL, NULL);
        esp_tls_mbedtls_release_crt(&p->cacert);
    }
#else
    (void)p;
#endif
}

#if CONFIG_MBEDTLS_DYNAMIC_FREE_CONFIG_DATA
static void drop_own(esp_tls_mbedtls_t *p)
{
#if ESP_TLS_MBEDTLS_PRIVATE
    /* the config's list of key/certificate pairs points at them: it goes first (Mbed TLS
     * has no call to take a pair back) */
    mbedtls_ssl_key_cert *kc = p->conf.MBEDTLS_PRIVATE(key_cert);
    while (kc != NULL) {
        mbedtls_ssl_key_cert *next = kc->next;
        mbedtls_free(kc);
        kc = next;
    }
    p->conf.MBEDTLS_PRIVATE(key_cert) = NULL;
    esp_tls_mbedtls_release_own(p); /* a server's shared ones: its reference */
#else
    /* without Mbed TLS' private headers the list stays, pointing at the emptied objects (a
     * server's shared ones stay whole, for the other sessions) */
    if (p->shared == NULL) {
        mbedtls_x509_crt_free(&p->own->cert);
        mbedtls_pk_free(&p->own->key);
    }
#endif
}
#endif

static void free_own(esp_tls_mbedtls_t *p)
{
#if CONFIG_MBEDTLS_DYNAMIC_FREE_CONFIG_DATA
#if defined(MBEDTLS_SSL_RENEGOTIATION)
    /* a new handshake would need what is released here (and the CA, with FREE_CA_CERT) */
    mbedtls_ssl_conf_renegotiation(&p->conf, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
#endif
    if (p->own != NULL) {
        drop_own(p);
    }
#else
    (void)p;
#endif
}

static void free_peer(esp_tls_mbedtls_t *p)
{
#if CONFIG_MBEDTLS_DYNAMIC_FREE_PEER_CERT && defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE)
    mbedtls_ssl_session *s = p->ssl.MBEDTLS_PRIVATE(session);
    if (s != NULL && s->MBEDTLS_PRIVATE(peer_cert) != NULL) {
        mbedtls_x509_crt_free(s->MBEDTLS_PRIVATE(peer_cert));
        mbedtls_free(s->MBEDTLS_PRIVATE(peer_cert));
        s->MBEDTLS_PRIVATE(peer_cert) = NULL;
    }
#else
    (void)p;
#endif
}

void esp_tls_mbedtls_free_after_handshake(esp_tls_t *tls)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    if (p->freed) {
        return;
    }
    p->freed = true;
    free_ca(p);
    free_own(p);
    free_peer(p);
}
