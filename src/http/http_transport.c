// SPDX-License-Identifier: Apache-2.0
/*
 * esp_http_client_config_t -> transports, as ESP-IDF maps them: an "http" tcp transport and an
 * "https" ssl transport (CONFIG_ESP_HTTP_CLIENT_ENABLE_HTTPS). Server verification takes the
 * first of crt_bundle_attach, use_global_ca_store, cert_pem (cert_len 0: NUL-terminated PEM,
 * else the exact length of PEM-with-NUL or DER); with none of them esp_tls refuses the
 * connection unless CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY.
 */
#include <string.h>

#include "esp_log.h"
#include "esp_transport_ssl.h"
#include "esp_transport_tcp.h"
#include "http_internal.h"
#include "sdkconfig.h"

static const char *TAG = "HTTP_CLIENT";

#if CONFIG_ESP_HTTP_CLIENT_ENABLE_HTTPS
typedef void (*set_data_fn)(esp_transport_handle_t t, const char *data, int len);

/* len 0: NUL-terminated PEM; else the exact length (PEM with its NUL, or DER) */
static void pem_or_der(esp_transport_handle_t t, const char *data, size_t len, set_data_fn pem,
                       set_data_fn der)
{
    if (data) {
        if (len == 0) {
            pem(t, data, (int)strlen(data));
        } else {
            der(t, data, (int)len);
        }
    }
}

static void ssl_verification(esp_transport_handle_t ssl, const esp_http_client_config_t *c)
{
    if (c->crt_bundle_attach) {
        esp_transport_ssl_crt_bundle_attach(ssl, c->crt_bundle_attach);
    } else if (c->use_global_ca_store) {
        esp_transport_ssl_enable_global_ca_store(ssl);
    } else {
        pem_or_der(ssl, c->cert_pem, c->cert_len, esp_transport_ssl_set_cert_data,
                   esp_transport_ssl_set_cert_data_der);
    }
}

static void ssl_client_identity(esp_transport_handle_t ssl, const esp_http_client_config_t *c)
{
    pem_or_der(ssl, c->client_cert_pem, c->client_cert_len, esp_transport_ssl_set_client_cert_data,
               esp_transport_ssl_set_client_cert_data_der);
    pem_or_der(ssl, c->client_key_pem, c->client_key_len, esp_transport_ssl_set_client_key_data,
               esp_transport_ssl_set_client_key_data_der);
    if (c->client_key_password) {
        esp_transport_ssl_set_client_key_password(ssl, c->client_key_password,
                                                  (int)c->client_key_password_len);
    }
    if (c->use_ecdsa_peripheral) {
        esp_transport_ssl_set_client_key_ecdsa_peripheral(ssl, c->ecdsa_key_efuse_blk);
        esp_transport_ssl_set_ecdsa_curve(ssl, (esp_tls_ecdsa_curve_t)c->ecdsa_curve);
    }
    if (c->use_secure_element) {
        esp_transport_ssl_use_secure_element(ssl);
    }
    if (c->ds_data) {
        esp_transport_ssl_set_ds_data(ssl, c->ds_data);
    }
}

static void ssl_options(esp_http_client_handle_t h, esp_transport_handle_t ssl)
{
    const esp_http_client_config_t *c = &h->cfg;
    esp_transport_ssl_set_tls_version(ssl, (esp_tls_proto_ver_t)c->tls_version);
    if (c->skip_cert_common_name_check) {
        esp_transport_ssl_skip_common_name_check(ssl);
    }
    if (c->common_name) {
        esp_transport_ssl_set_common_name(ssl, c->common_name);
    }
    if (c->alpn_protos) {
        esp_transport_ssl_set_alpn_protocol(ssl, c->alpn_protos);
    }
    if (c->keep_alive_enable) {
        esp_transport_ssl_set_keep_alive(ssl, &h->keep_alive);
    }
    if (c->if_name) {
        esp_transport_ssl_set_interface_name(ssl, c->if_name);
    }
    esp_transport_ssl_set_addr_family(ssl, (esp_tls_addr_family_t)c->addr_type);
    if (c->tls_dyn_buf_strategy) {
        esp_transport_ssl_set_esp_tls_dyn_buf_strategy(
            ssl, (esp_tls_dyn_buf_strategy_t)c->tls_dyn_buf_strategy);
    }
}

#endif /* CONFIG_ESP_HTTP_CLIENT_ENABLE_HTTPS */

static esp_err_t add(esp_transport_list_handle_t list, esp_transport_handle_t t, const char *scheme,
                     int port)
{
    ESP_ENSURE_LOG(t, ESP_ERR_NO_MEM, "Error initialize transport");
    if (esp_transport_list_add(list, t, scheme) != ESP_OK) {
        esp_transport_destroy(t);
        return ESP_ERR_NO_MEM;
    }
    return esp_transport_set_default_port(t, port);
}

esp_err_t http_transports_init(esp_http_client_handle_t h)
{
    const esp_http_client_config_t *c = &h->cfg;
    h->keep_alive = (esp_transport_keep_alive_t){
        .keep_alive_enable = c->keep_alive_enable,
        .keep_alive_idle = c->keep_alive_idle ? c->keep_alive_idle : 5,
        .keep_alive_interval = c->keep_alive_interval ? c->keep_alive_interval : 5,
        .keep_alive_count = c->keep_alive_count ? c->keep_alive_count : 3,
    };
    h->transports = esp_transport_list_init();
    ESP_ENSURE_LOG(h->transports, ESP_ERR_NO_MEM, "Error initialize transport list");
    esp_transport_handle_t tcp = esp_transport_tcp_init();
    ESP_GUARD(add(h->transports, tcp, "http", 80));
    if (c->keep_alive_enable) {
        esp_transport_tcp_set_keep_alive(tcp, &h->keep_alive);
    }
    if (c->if_name) {
        esp_transport_tcp_set_interface_name(tcp, c->if_name);
    }
#if CONFIG_ESP_HTTP_CLIENT_ENABLE_HTTPS
    esp_transport_handle_t ssl = esp_transport_ssl_init();
    ESP_GUARD(add(h->transports, ssl, "https", 443));
    ssl_verification(ssl, c);
    ssl_client_identity(ssl, c);
    ssl_options(h, ssl);
#endif
    if (c->transport) {
        ESP_LOGW(TAG, "custom transport in the config is not supported here: ignored");
    }
    return ESP_OK;
}
