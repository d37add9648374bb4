// SPDX-License-Identifier: Apache-2.0
/*
 * Server configuration translator (esp_tls_cfg_server_t to Mbed TLS): defaults, user data, ALPN,
 * the certificate-select hook, client authentication, own credentials, tickets, versions.
 */
#include <string.h>

#include "../../policy/policy.h"
#include "esp_log.h"
#include "mbedtls_backend.h"

static const char *TAG = "esp-tls-mbedtls";

/* A CA means mutual TLS: client certificates are required (or only requested). */
static esp_err_t server_verify(esp_tls_t *tls, const esp_tls_cfg_server_t *cfg)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    if (cfg->cacert_buf == NULL) {
        return ESP_OK; /* Mbed TLS's server default: no client certificate */
    }
    ESP_GUARD(esp_tls_mbedtls_load_crt(tls, &p->cacert, cfg->cacert_buf, cfg->cacert_bytes,
                                       "client CA certificate"));
    int mode = MBEDTLS_SSL_VERIFY_REQUIRED;
#if CONFIG_ESP_TLS_SERVER_MIN_AUTH_MODE_OPTIONAL
    if (cfg->client_cert_authmode_optional) {
        mode = MBEDTLS_SSL_VERIFY_OPTIONAL; /* check mbedtls_ssl_get_verify_result() */
    }
#endif
    mbedtls_ssl_conf_authmode(&p->conf, mode);
    mbedtls_ssl_conf_ca_chain(&p->conf, p->cacert, NULL);
    esp_tls_mbedtls_server_verify(tls); /* policy rules for client certificates, diagnostics */
    p->verify_with_ca = true;
    return ESP_OK;
}

static esp_err_t server_psk(esp_tls_t *tls, const esp_tls_cfg_server_t *cfg, bool *done)
{
#if CONFIG_ESP_TLS_PSK_VERIFICATION
    const psk_hint_key_t *psk = cfg->psk_hint_key;
    if (psk != NULL) {
        *done = true;
        int ret = mbedtls_ssl_conf_psk(&esp_tls_mbedtls(tls)->conf, psk->key, psk->key_size,
                                       (const unsigned char *)psk->hint, strlen(psk->hint));
        if (ret != 0) {
            return esp_tls_mbedtls_fail(tls, "mbedtls_ssl_conf_psk", ret,
                                        ESP_ERR_MBEDTLS_SSL_CONF_PSK_FAILED, NULL);
        }
    }
#else
    (void)tls;
    (void)cfg;
    (void)done;
#endif
    return ESP_OK;
}

/* First match: certificate and key, PSK, or a certificate-select callback that sets one. */
static esp_err_t server_creds(esp_tls_t *tls, const esp_tls_cfg_server_t *cfg)
{
    ESP_GUARD(
        esp_tls_mbedtls_reject_hardware(cfg->use_secure_element, false, cfg->use_ecdsa_peripheral));
    if (cfg->servercert_buf != NULL && cfg->serverkey_buf != NULL) {
        return esp_tls_server_creds_use(tls, cfg); /* parsed once per configuration */
    }
    bool done = false;
    ESP_GUARD(server_psk(tls, cfg, &done));
#if CONFIG_ESP_TLS_SERVER_CERT_SELECT_HOOK
    done = done || cfg->cert_select_cb != NULL;
#endif
    ESP_ENSURE_LOG(done, ESP_ERR_INVALID_STATE,
                   "Missing server certificate and/or key: set servercert_buf and serverkey_buf "
                   "(or psk_hint_key with CONFIG_ESP_TLS_PSK_VERIFICATION, or cert_select_cb with "
                   "CONFIG_ESP_TLS_SERVER_CERT_SELECT_HOOK)");
    return ESP_OK;
}

static void server_tickets(esp_tls_t *tls, const esp_tls_cfg_server_t *cfg)
{
#if CONFIG_ESP_TLS_SERVER_SESSION_TICKETS
    if (cfg->ticket_ctx != NULL) {
        mbedtls_ssl_conf_session_tickets_cb(&esp_tls_mbedtls(tls)->conf, mbedtls_ssl_ticket_write,
                                            mbedtls_ssl_ticket_parse, &cfg->ticket_ctx->ticket_ctx);
    }
#else
    (void)tls;
    (void)cfg;
#endif
}

esp_err_t esp_tls_mbedtls_server_config(esp_tls_t *tls, const esp_tls_cfg_server_t *cfg)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    ESP_GUARD(esp_tls_mbedtls_conf_defaults(tls, MBEDTLS_SSL_IS_SERVER));
    mbedtls_ssl_conf_set_user_data_p(&p->conf, cfg->userdata);
    ESP_GUARD(esp_tls_mbedtls_conf_alpn(tls, cfg->alpn_protos));
#if CONFIG_ESP_TLS_SERVER_CERT_SELECT_HOOK
    if (cfg->cert_select_cb != NULL) {
        mbedtls_ssl_conf_cert_cb(&p->conf, cfg->cert_select_cb);
    }
#endif
    ESP_GUARD(server_verify(tls, cfg));
    ESP_GUARD(server_creds(tls, cfg));
    server_tickets(tls, cfg);
    ESP_GUARD(esp_tls_mbedtls_set_version(&p->conf, cfg->tls_version, true));
    if (cfg->ciphersuites_list != NULL && cfg->ciphersuites_list[0] != 0) {
        mbedtls_ssl_conf_ciphersuites(&p->conf, cfg->ciphersuites_list);
    }
    return esp_tls_mbedtls_setup(tls);
}
