// SPDX-License-Identifier: Apache-2.0
/*
 * Setters of the ssl and tcp transports: each writes one field of the esp_tls_cfg_t that
 * every connect passes to esp_tls, as ESP-IDF's transport_ssl.c does. Pointers are stored, not
 * copied.
 */
#include <stddef.h>

#include "esp_log.h"
#include "esp_transport_ssl.h"
#include "esp_transport_tcp.h"
#include "transport_internal.h"

static const char *TAG = "transport_base";

/* The keep-alive settings are handed to esp_tls by pointer: the layouts must be one. */
_Static_assert(sizeof(esp_transport_keep_alive_t) == sizeof(tls_keep_alive_cfg_t),
               "keep-alive size");
_Static_assert(offsetof(esp_transport_keep_alive_t, keep_alive_enable) ==
                   offsetof(tls_keep_alive_cfg_t, keep_alive_enable),
               "keep_alive_enable offset");
_Static_assert(offsetof(esp_transport_keep_alive_t, keep_alive_idle) ==
                   offsetof(tls_keep_alive_cfg_t, keep_alive_idle),
               "keep_alive_idle offset");
_Static_assert(offsetof(esp_transport_keep_alive_t, keep_alive_interval) ==
                   offsetof(tls_keep_alive_cfg_t, keep_alive_interval),
               "keep_alive_interval offset");
_Static_assert(offsetof(esp_transport_keep_alive_t, keep_alive_count) ==
                   offsetof(tls_keep_alive_cfg_t, keep_alive_count),
               "keep_alive_count offset");

/* The configuration of a tcp or ssl transport, or NULL (NULL or a custom transport). */
static esp_tls_cfg_t *cfg_of(esp_transport_handle_t t)
{
    return (t && t->base) ? &t->base->cfg : NULL;
}

/* PEM is text: esp_tls wants the length with the NUL that ends it (ESP-IDF adds it here). */
static unsigned int pem_bytes(int len)
{
    return (unsigned int)len + 1u;
}

void esp_transport_ssl_set_cert_data(esp_transport_handle_t t, const char *data, int len)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->cacert_buf = (const unsigned char *)data;
        cfg->cacert_bytes = pem_bytes(len);
    }
}

void esp_transport_ssl_set_cert_data_der(esp_transport_handle_t t, const char *data, int len)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->cacert_buf = (const unsigned char *)data;
        cfg->cacert_bytes = (unsigned int)len;
    }
}

void esp_transport_ssl_set_client_cert_data(esp_transport_handle_t t, const char *data, int len)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->clientcert_buf = (const unsigned char *)data;
        cfg->clientcert_bytes = pem_bytes(len);
    }
}

void esp_transport_ssl_set_client_cert_data_der(esp_transport_handle_t t, const char *data, int len)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->clientcert_buf = (const unsigned char *)data;
        cfg->clientcert_bytes = (unsigned int)len;
    }
}

void esp_transport_ssl_set_client_key_data(esp_transport_handle_t t, const char *data, int len)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->clientkey_buf = (const unsigned char *)data;
        cfg->clientkey_bytes = pem_bytes(len);
    }
}

void esp_transport_ssl_set_client_key_data_der(esp_transport_handle_t t, const char *data, int len)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->clientkey_buf = (const unsigned char *)data;
        cfg->clientkey_bytes = (unsigned int)len;
    }
}

void esp_transport_ssl_set_client_key_password(esp_transport_handle_t t, const char *password,
                                               int password_len)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->clientkey_password = (const unsigned char *)password;
        cfg->clientkey_password_len = (unsigned int)password_len;
    }
}

void esp_transport_ssl_crt_bundle_attach(esp_transport_handle_t t,
                                         esp_err_t (*crt_bundle_attach)(void *conf))
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->crt_bundle_attach = crt_bundle_attach;
    }
}

void esp_transport_ssl_enable_global_ca_store(esp_transport_handle_t t)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->use_global_ca_store = true;
    }
}

void esp_transport_ssl_set_tls_version(esp_transport_handle_t t, esp_tls_proto_ver_t tls_version)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->tls_version = tls_version;
    }
}

void esp_transport_ssl_set_alpn_protocol(esp_transport_handle_t t, const char **alpn_protos)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->alpn_protos = alpn_protos;
    }
}

void esp_transport_ssl_skip_common_name_check(esp_transport_handle_t t)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->skip_common_name = true;
    }
}

void esp_transport_ssl_set_common_name(esp_transport_handle_t t, const char *common_name)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->common_name = common_name;
    }
}

void esp_transport_ssl_use_secure_element(esp_transport_handle_t t)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->use_secure_element = true;
    }
}

void esp_transport_ssl_set_ds_data(esp_transport_handle_t t, void *ds_data)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->ds_data = ds_data;
    }
}

void esp_transport_ssl_set_psk_key_hint(esp_transport_handle_t t,
                                        const psk_hint_key_t *psk_hint_key)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->psk_hint_key = psk_hint_key;
    }
}

void esp_transport_ssl_set_keep_alive(esp_transport_handle_t t,
                                      esp_transport_keep_alive_t *keep_alive_cfg)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->keep_alive_cfg = (tls_keep_alive_cfg_t *)keep_alive_cfg;
    }
}

void esp_transport_ssl_set_interface_name(esp_transport_handle_t t, struct ifreq *if_name)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->if_name = if_name;
    }
}

void esp_transport_ssl_set_addr_family(esp_transport_handle_t t, esp_tls_addr_family_t addr_family)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->addr_family = addr_family;
    }
}

void esp_transport_ssl_set_ciphersuites_list(esp_transport_handle_t t, const int *ciphersuites_list)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->ciphersuites_list = ciphersuites_list;
    }
}

void esp_transport_ssl_set_esp_tls_dyn_buf_strategy(esp_transport_handle_t t,
                                                    esp_tls_dyn_buf_strategy_t strategy)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->esp_tls_dyn_buf_strategy = strategy;
    }
}

/* The ECDSA peripheral keeps its key in eFuse: a host has none, so a connection with these
 * set fails at setup with ESP_FAIL and a log line (esp_tls_mbedtls_reject_hardware()). */
void esp_transport_ssl_set_client_key_ecdsa_peripheral(esp_transport_handle_t t,
                                                       uint8_t ecdsa_efuse_blk)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->use_ecdsa_peripheral = true;
        cfg->ecdsa_key_efuse_blk = ecdsa_efuse_blk;
    }
}

void esp_transport_ssl_set_ecdsa_curve(esp_transport_handle_t t, esp_tls_ecdsa_curve_t curve)
{
    esp_tls_cfg_t *cfg = cfg_of(t);
    if (cfg != NULL) {
        cfg->ecdsa_curve = curve;
    }
}

/* The tcp transport shares the configuration code: the same fields, is_plain_tcp set. */

void esp_transport_tcp_set_keep_alive(esp_transport_handle_t t,
                                      esp_transport_keep_alive_t *keep_alive_cfg)
{
    esp_transport_ssl_set_keep_alive(t, keep_alive_cfg);
}

void esp_transport_tcp_set_interface_name(esp_transport_handle_t t, struct ifreq *if_name)
{
    esp_transport_ssl_set_interface_name(t, if_name);
}

/* ESP_OK as in ESP-IDF, also with nothing to save; the session saved before is then kept
 * (ESP-IDF dropped it), so a save at the wrong moment costs no resumption. */
static void ticket_save(transport_esp_tls_t *b)
{
    esp_tls_client_session_t *s = b->tls ? esp_tls_get_client_session(b->tls) : NULL;
    if (s == NULL) {
        ESP_LOGW(TAG,
                 "session ticket SAVE: no session to save (TLS 1.3: read a response "
                 "first)%s",
                 b->session ? "; the one saved before is kept" : "");
        return;
    }
    esp_tls_free_client_session(b->session);
    b->session = s;
}

esp_err_t
esp_transport_ssl_session_ticket_operation(esp_transport_handle_t t,
                                           esp_transport_session_ticket_operation_t operation)
{
    transport_esp_tls_t *b = (t && t->base && !t->base->cfg.is_plain_tcp) ? t->base : NULL;
    if (b == NULL) {
        return ESP_FAIL;
    }
    switch (operation) {
    case ESP_TRANSPORT_SESSION_TICKET_INIT: return ESP_OK;
    case ESP_TRANSPORT_SESSION_TICKET_SAVE: ticket_save(b); return ESP_OK;
    case ESP_TRANSPORT_SESSION_TICKET_USE:
        /* as in ESP-IDF: with nothing saved the next connect is a full handshake */
        if (b->session == NULL) {
            ESP_LOGD(TAG, "session ticket USE: nothing saved, full handshake");
        }
        b->cfg.client_session = b->session;
        return ESP_OK;
    case ESP_TRANSPORT_SESSION_TICKET_FREE:
        b->cfg.client_session = NULL;
        esp_tls_free_client_session(b->session);
        b->session = NULL;
        return ESP_OK;
    default: return ESP_ERR_INVALID_ARG;
    }
}
