// SPDX-License-Identifier: Apache-2.0
/*
 * Configuration steps shared by clients and servers: defaults, ALPN, protocol versions, the
 * hardware-only options, and the final setup with the core's BIO callbacks.
 */
#include "../../core/bio.h"
#include "dynbuf.h"
#include "esp_log.h"
#include "mbedtls_backend.h"

static const char *TAG = "esp-tls-mbedtls";

esp_err_t esp_tls_mbedtls_conf_defaults(esp_tls_t *tls, int endpoint)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    int ret = mbedtls_ssl_config_defaults(&p->conf, endpoint, MBEDTLS_SSL_TRANSPORT_STREAM,
                                          MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        return esp_tls_mbedtls_fail(tls, "mbedtls_ssl_config_defaults", ret,
                                    ESP_ERR_MBEDTLS_SSL_CONFIG_DEFAULTS_FAILED, NULL);
    }
    mbedtls_ssl_conf_rng(&p->conf, esp_tls_mbedtls_rng, NULL);
#if defined(MBEDTLS_SSL_RENEGOTIATION)
    if (endpoint == MBEDTLS_SSL_IS_CLIENT) {
        mbedtls_ssl_conf_renegotiation(&p->conf, MBEDTLS_SSL_RENEGOTIATION_ENABLED);
    }
#endif
    esp_tls_mbedtls_debug_attach(&p->conf, &p->dbg_redacting);
    return ESP_OK;
}

esp_err_t esp_tls_mbedtls_conf_alpn(esp_tls_t *tls, const char **protos)
{
    if (protos == NULL) {
        return ESP_OK;
    }
#if defined(MBEDTLS_SSL_ALPN)
    int ret = mbedtls_ssl_conf_alpn_protocols(&esp_tls_mbedtls(tls)->conf, protos);
    if (ret != 0) {
        return esp_tls_mbedtls_fail(tls, "mbedtls_ssl_conf_alpn_protocols", ret,
                                    ESP_ERR_MBEDTLS_SSL_CONF_ALPN_PROTOCOLS_FAILED,
                                    "a protocol name is empty or longer than 255 bytes");
    }
    return ESP_OK;
#else
    (void)tls;
    ESP_LOGE(TAG, "alpn_protos is set but CONFIG_MBEDTLS_SSL_ALPN is off");
    return ESP_ERR_INVALID_STATE;
#endif
}

esp_err_t esp_tls_mbedtls_set_version(mbedtls_ssl_config *conf, esp_tls_proto_ver_t ver,
                                      bool strict)
{
    (void)strict;
    /* Nothing older than TLS 1.2, whatever the request. */
    mbedtls_ssl_conf_min_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
    switch (ver) {
    case ESP_TLS_VER_ANY: return ESP_OK;
    case ESP_TLS_VER_TLS_1_2:
        mbedtls_ssl_conf_max_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
        return ESP_OK;
    case ESP_TLS_VER_TLS_1_3:
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
        mbedtls_ssl_conf_min_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_3);
        mbedtls_ssl_conf_max_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_3);
        return ESP_OK;
#else
        ESP_ENSURE_LOG(!strict, ESP_ERR_INVALID_ARG,
                       "TLS 1.3 requested but CONFIG_MBEDTLS_SSL_PROTO_TLS1_3 is off");
        ESP_LOGW(TAG, "TLS 1.3 requested but not compiled in; using the defaults");
        return ESP_OK;
#endif
    default: ESP_LOGE(TAG, "unknown tls_version %d", (int)ver); return ESP_ERR_INVALID_ARG;
    }
}

/* Hardware-backed keys exist only on ESP32 chips. */
esp_err_t esp_tls_mbedtls_reject_hardware(bool secure_element, bool ds_data, bool ecdsa)
{
    ESP_ENSURE_LOG(!secure_element, ESP_FAIL,
                   "use_secure_element: there is no secure element (ATECC608A) on this host; "
                   "Please enable secure element support for ESP-TLS in menuconfig (ESP32 only)");
    ESP_ENSURE_LOG(!ds_data, ESP_FAIL,
                   "ds_data: the Digital Signature peripheral exists only on ESP32 chips; "
                   "Please enable DS peripheral support for ESP-TLS in menuconfig");
    ESP_ENSURE_LOG(!ecdsa, ESP_FAIL,
                   "use_ecdsa_peripheral: the ECDSA peripheral exists only on ESP32 chips; "
                   "Please enable ECDSA peripheral support in menuconfig");
    return ESP_OK;
}

esp_err_t esp_tls_mbedtls_setup(esp_tls_t *tls)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
#if CONFIG_MBEDTLS_DYNAMIC_BUFFER
    int ret = esp_tls_mbedtls_dynbuf_setup(tls);
    mbedtls_ssl_recv_t *recv = esp_tls_mbedtls_dynbuf_recv;
#else
    int ret = mbedtls_ssl_setup(&p->ssl, &p->conf);
    mbedtls_ssl_recv_t *recv = esp_tls_bio_recv;
#endif
    if (ret != 0) {
        return esp_tls_mbedtls_fail(tls, "mbedtls_ssl_setup", ret, ESP_ERR_MBEDTLS_SSL_SETUP_FAILED,
                                    NULL);
    }
    mbedtls_ssl_set_bio(&p->ssl, tls, esp_tls_bio_send, recv, NULL);
    esp_tls_mbedtls_keylog_attach(&p->ssl);
    return ESP_OK;
}
