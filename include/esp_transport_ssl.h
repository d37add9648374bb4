// SPDX-License-Identifier: Apache-2.0
/**
 * @file esp_transport_ssl.h
 * @brief The ssl transport: TLS through esp_tls, configured by setters.
 *
 * Source compatible with ESP-IDF's esp_transport_ssl.h. Each setter writes one field of the
 * esp_tls_cfg_t that the transport passes to esp_tls on every connect (see esp_tls.h for
 * the meaning of each field). Setters store pointers, not copies: the data must stay valid
 * until the transport is destroyed. A NULL transport is ignored.
 */
#pragma once

#include "esp_tls.h"
#include "esp_transport.h"
#include "sdkconfig.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Create an ssl transport. Free it with esp_transport_destroy().
 * @return the handle, or NULL when out of memory
 */
esp_transport_handle_t esp_transport_ssl_init(void);

/**
 * @brief Verify the server with these CA certificates in PEM.
 * @param data  NUL-terminated PEM (one or more certificates)
 * @param len   strlen(data): the transport passes len + 1 to esp_tls, counting the NUL
 */
void esp_transport_ssl_set_cert_data(esp_transport_handle_t t, const char *data, int len);

/**
 * @brief Verify the server with this CA certificate in DER.
 * @param len  exact length of the DER data
 */
void esp_transport_ssl_set_cert_data_der(esp_transport_handle_t t, const char *data, int len);

/**
 * @brief Verify the server with a certificate bundle attached by @p crt_bundle_attach
 *        (usually esp_crt_bundle_attach). Takes priority over every other CA option.
 *
 * Needs CONFIG_MBEDTLS_CERTIFICATE_BUNDLE; without it the connect fails with
 * ESP_ERR_INVALID_STATE.
 */
void esp_transport_ssl_crt_bundle_attach(esp_transport_handle_t t,
                                         esp_err_t (*crt_bundle_attach)(void *conf));

/**
 * @brief Verify the server with the global CA store (esp_tls_set_global_ca_store()).
 *        Takes priority over the CA set by esp_transport_ssl_set_cert_data().
 */
void esp_transport_ssl_enable_global_ca_store(esp_transport_handle_t t);

/** @brief Negotiate only this TLS version (ESP_TLS_VER_ANY: 1.2 or 1.3). */
void esp_transport_ssl_set_tls_version(esp_transport_handle_t t, esp_tls_proto_ver_t tls_version);

/**
 * @brief Client certificate for mutual authentication, in PEM.
 * @param len  strlen(data): the transport passes len + 1
 */
void esp_transport_ssl_set_client_cert_data(esp_transport_handle_t t, const char *data, int len);

/** @brief Client certificate for mutual authentication, in DER (@p len exact). */
void esp_transport_ssl_set_client_cert_data_der(esp_transport_handle_t t, const char *data,
                                                int len);

/**
 * @brief Client private key for mutual authentication, in PEM.
 * @param len  strlen(data): the transport passes len + 1
 */
void esp_transport_ssl_set_client_key_data(esp_transport_handle_t t, const char *data, int len);

/** @brief Passphrase of an encrypted client key (@p password_len bytes, no NUL needed). */
void esp_transport_ssl_set_client_key_password(esp_transport_handle_t t, const char *password,
                                               int password_len);

/** @brief Client private key for mutual authentication, in DER (@p len exact). */
void esp_transport_ssl_set_client_key_data_der(esp_transport_handle_t t, const char *data, int len);

/**
 * @brief ALPN protocols to offer.
 * @param alpn_protos  NULL-terminated list, e.g. {"h2", "http/1.1", NULL}; kept by pointer
 */
void esp_transport_ssl_set_alpn_protocol(esp_transport_handle_t t, const char **alpn_protos);

/** @brief Do not check the server's name (and send no SNI). Not recommended. */
void esp_transport_ssl_skip_common_name_check(esp_transport_handle_t t);

/**
 * @brief Name to send as SNI and to match against the server certificate instead of the host.
 * @param common_name  NUL-terminated name, or NULL to use the host again
 */
void esp_transport_ssl_set_common_name(esp_transport_handle_t t, const char *common_name);

/**
 * @brief Use the ATECC608A secure element for the client key (ESP32 only).
 *
 * On a host the connect then fails with ESP_FAIL (there is no secure element).
 */
void esp_transport_ssl_use_secure_element(esp_transport_handle_t t);

/**
 * @brief Digital Signature peripheral data for the client key (ESP32 only).
 *
 * On a host a non-NULL @p ds_data makes the connect fail with ESP_FAIL.
 */
void esp_transport_ssl_set_ds_data(esp_transport_handle_t t, void *ds_data);

/**
 * @brief Pre-shared key and identity (kept by pointer).
 *
 * Used with CONFIG_ESP_TLS_PSK_VERIFICATION, when no CA, bundle or global store is set (the
 * fourth verification option of esp_tls).
 */
void esp_transport_ssl_set_psk_key_hint(esp_transport_handle_t t,
                                        const psk_hint_key_t *psk_hint_key);

/**
 * @brief TCP keep-alive for the next connections.
 * @param keep_alive_cfg  settings, or NULL for none; kept by pointer
 */
void esp_transport_ssl_set_keep_alive(esp_transport_handle_t t,
                                      esp_transport_keep_alive_t *keep_alive_cfg);

/**
 * @brief Bind the next connections to a network interface (SO_BINDTODEVICE, needs
 *        CAP_NET_RAW on Linux).
 * @param if_name  interface, or NULL for none; kept by pointer
 */
void esp_transport_ssl_set_interface_name(esp_transport_handle_t t, struct ifreq *if_name);

/** @brief Resolve the host to this address family only. */
void esp_transport_ssl_set_addr_family(esp_transport_handle_t t, esp_tls_addr_family_t addr_family);

/** What esp_transport_ssl_session_ticket_operation() does. */
typedef enum {
    ESP_TRANSPORT_SESSION_TICKET_INIT, /**< Nothing to prepare (kept for compatibility) */
    ESP_TRANSPORT_SESSION_TICKET_SAVE, /**< Save the session of the open connection */
    ESP_TRANSPORT_SESSION_TICKET_USE,  /**< Resume the saved session on the next connect */
    ESP_TRANSPORT_SESSION_TICKET_FREE, /**< Forget the saved session */
} esp_transport_session_ticket_operation_t;

/**
 * @brief Save, use or free the TLS session of an ssl transport (session resumption).
 *
 * SAVE after reading a response (a TLS 1.3 ticket arrives after the handshake), USE before the
 * next esp_transport_connect(), FREE when done.
 * @return ESP_OK; ESP_FAIL for NULL or a transport that is not ssl; ESP_ERR_INVALID_STATE for
 *         SAVE without a session to save or USE without a saved session
 */
esp_err_t
esp_transport_ssl_session_ticket_operation(esp_transport_handle_t t,
                                           esp_transport_session_ticket_operation_t operation);

/**
 * @brief Offer only these ciphersuites.
 * @param ciphersuites_list  zero-terminated IANA ciphersuite IDs, or NULL for the defaults;
 *                           kept by pointer
 */
void esp_transport_ssl_set_ciphersuites_list(esp_transport_handle_t t,
                                             const int *ciphersuites_list);

/** @brief Dynamic record buffer strategy (a connection fails without
 *         CONFIG_MBEDTLS_DYNAMIC_BUFFER when one is set). */
void esp_transport_ssl_set_esp_tls_dyn_buf_strategy(esp_transport_handle_t t,
                                                    esp_tls_dyn_buf_strategy_t strategy);

/**
 * @brief Use the ECDSA peripheral's key in eFuse block @p ecdsa_efuse_blk as the client key.
 *
 * Hardware only: kept for source compatibility. A host has no ECDSA peripheral, so the next
 * connection fails at setup (ESP_FAIL, with a log line saying so).
 */
void esp_transport_ssl_set_client_key_ecdsa_peripheral(esp_transport_handle_t t,
                                                       uint8_t ecdsa_efuse_blk);

/** @brief The ECDSA peripheral's curve (hardware only, as above). */
void esp_transport_ssl_set_ecdsa_curve(esp_transport_handle_t t, esp_tls_ecdsa_curve_t curve);

#ifdef __cplusplus
}
#endif
