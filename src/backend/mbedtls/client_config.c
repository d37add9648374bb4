// SPDX-License-Identifier: Apache-2.0
/*
 * Client configuration translator (esp_tls_cfg_t to Mbed TLS), split by concern: name and SNI,
 * protocol versions and ciphersuites, ALPN, own credentials, then verification.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dynbuf.h"
#include "esp_log.h"
#include "mbedtls_backend.h"

static const char *TAG = "esp-tls-mbedtls";

/* Is @p name an IPv4 or IPv6 literal? Then keep its bytes for our own certificate check. */
static bool take_ip_literal(esp_tls_mbedtls_t *p, const char *name)
{
    if (inet_pton(AF_INET, name, p->ip) == 1) {
        p->ip_len = 4;
    } else if (inet_pton(AF_INET6, name, p->ip) == 1) {
        p->ip_len = 16;
    } else {
        return false;
    }
    /* inet_pton() accepted it, so it fits: INET6_ADDRSTRLEN is 46 */
    snprintf(p->ip_text, sizeof(p->ip_text), "%.46s", name);
    return true;
}

static esp_err_t set_hostname(esp_tls_t *tls, const char *host, size_t hostlen,
                              const esp_tls_cfg_t *cfg)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    char name[ESP_TLS_MAX_HOSTNAME_LEN + 1];
    const char *use = NULL; /* skip_common_name: no name check and, as on ESP-IDF, no SNI */
    if (!cfg->skip_common_name) {
        memcpy(name, host, hostlen);
        name[hostlen] = '\0';
        use = cfg->common_name ? cfg->common_name : name;
        /* An empty name names nothing: refused here, for a handshake and for
         * esp_tls_verify_chain() alike (no name check is skip_common_name / NULL). */
        ESP_ENSURE_LOG(use[0] != '\0', ESP_ERR_INVALID_ARG,
                       "the name to verify the server against is empty: set common_name to the "
                       "server's name, or skip_common_name for no name check");
        if (take_ip_literal(p, use)) {
            use = NULL; /* no SNI for an address; verify.c matches it against the SAN */
        }
    }
    int ret = mbedtls_ssl_set_hostname(&p->ssl, use);
    if (ret != 0) {
        return esp_tls_mbedtls_fail(tls, "mbedtls_ssl_set_hostname", ret,
                                    ESP_ERR_MBEDTLS_SSL_SET_HOSTNAME_FAILED, NULL);
    }
    return ESP_OK;
}

static esp_err_t set_client_creds(esp_tls_t *tls, const esp_tls_cfg_t *cfg)
{
    ESP_GUARD(esp_tls_mbedtls_reject_hardware(cfg->use_secure_element, cfg->ds_data != NULL,
                                              cfg->use_ecdsa_peripheral));
    bool have_cert = cfg->clientcert_buf != NULL;
    bool have_key = cfg->clientkey_buf != NULL;
    if (!have_cert && !have_key) {
        return ESP_OK;
    }
    ESP_ENSURE_LOG(have_cert && have_key, ESP_ERR_INVALID_STATE,
                   "You have to provide both clientcert_buf and clientkey_buf for mutual "
                   "authentication");
    return esp_tls_mbedtls_own_creds(tls, "client", cfg->clientcert_buf, cfg->clientcert_bytes,
                                     cfg->clientkey_buf, cfg->clientkey_bytes,
                                     cfg->clientkey_password, cfg->clientkey_password_len);
}

/* Signature algorithms without RSA-PSS, for the retry in ops.c (needs_pkcs1_retry). */
static const uint16_t s_sig_algs_no_pss[] = {
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP521R1_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,
    MBEDTLS_TLS1_3_SIG_NONE,
};

/* esp_tls_cfg_t.peer_record_size / CONFIG_ESP_TLS_PEER_RECORD_SIZE: the TLS 1.2
 * max_fragment_length request (RFC 6066 §4 codes 1-4 for 512..4096 bytes). */
static esp_err_t request_record_size(esp_tls_t *tls, const esp_tls_cfg_t *cfg)
{
    unsigned size = cfg->peer_record_size ? cfg->peer_record_size : CONFIG_ESP_TLS_PEER_RECORD_SIZE;
    if (size == 0) {
        return ESP_OK;
    }
    unsigned char code = 0;
    for (unsigned c = MBEDTLS_SSL_MAX_FRAG_LEN_512; c <= MBEDTLS_SSL_MAX_FRAG_LEN_4096; c++) {
        if (size == 256u << c) {
            code = (unsigned char)c;
        }
    }
    ESP_ENSURE_LOG(code != 0, ESP_ERR_INVALID_ARG,
                   "peer_record_size %u: use 512, 1024, 2048 or 4096 (or 0 for no request)", size);
#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
    int ret = mbedtls_ssl_conf_max_frag_len(&esp_tls_mbedtls(tls)->conf, code);
    if (ret != 0) {
        return esp_tls_mbedtls_fail(tls, "mbedtls_ssl_conf_max_frag_len", ret, ESP_ERR_INVALID_ARG,
                                    "larger than CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN");
    }
    return ESP_OK;
#else
    (void)tls;
    ESP_LOGE(TAG, "peer_record_size needs MBEDTLS_SSL_MAX_FRAGMENT_LENGTH in Mbed TLS");
    return ESP_ERR_NOT_SUPPORTED;
#endif
}

esp_err_t esp_tls_mbedtls_client_config(esp_tls_t *tls, const char *host, size_t hostlen,
                                        const esp_tls_cfg_t *cfg)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    ESP_GUARD(esp_tls_mbedtls_conf_defaults(tls, MBEDTLS_SSL_IS_CLIENT));
    ESP_GUARD(esp_tls_mbedtls_conf_alpn(tls, cfg->alpn_protos));
    ESP_GUARD(esp_tls_mbedtls_client_verify(tls, cfg));
    ESP_GUARD(set_client_creds(tls, cfg));
    ESP_GUARD(esp_tls_mbedtls_set_version(&p->conf, cfg->tls_version, false));
    p->offers_both = cfg->tls_version == ESP_TLS_VER_ANY;
    if (tls->retried) {
        mbedtls_ssl_conf_sig_algs(&p->conf, s_sig_algs_no_pss);
    }
    if (cfg->ciphersuites_list != NULL && cfg->ciphersuites_list[0] != 0) {
        mbedtls_ssl_conf_ciphersuites(&p->conf, cfg->ciphersuites_list);
    }
    esp_tls_mbedtls_tickets_conf(tls);
    ESP_GUARD(request_record_size(tls, cfg));
#if CONFIG_MBEDTLS_DYNAMIC_BUFFER
    esp_tls_mbedtls_dynbuf_strategy(tls, cfg);
#endif
    ESP_GUARD(esp_tls_mbedtls_setup(tls));
    esp_tls_mbedtls_resume(tls, cfg);
    return set_hostname(tls, host, hostlen, cfg);
}
