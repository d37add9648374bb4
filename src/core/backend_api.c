// SPDX-License-Identifier: Apache-2.0
/*
 * The public functions whose work is the TLS stack's: each checks its arguments here and calls
 * the backend through its ops table (src/core/backend.h). A slot the backend leaves NULL
 * gives ESP_ERR_NOT_SUPPORTED (NULL, false or nothing for the functions that return no
 * esp_err_t) and a log line naming the function. Connection functions use the table the
 * connection was created with; the others the registered one (backend_registry.c).
 */
#include "../conn/conn.h"
#include "../port/guard.h"
#include "backend_registry.h"
#include "esp_log.h"
#include "esp_tls_crypto.h"

static const char *TAG = "esp-tls";

esp_err_t esp_tls_global_init(void)
{
    const esp_tls_backend_ops_t *ops = esp_tls_backend();
    ESP_ENSURE(ESP_TLS_BACKEND_HAS(ops, global_init), ESP_ERR_NOT_SUPPORTED);
    return ops->global_init();
}

/* The global CA store */

esp_err_t esp_tls_init_global_ca_store(void)
{
    const esp_tls_backend_ops_t *ops = esp_tls_backend();
    ESP_ENSURE(ESP_TLS_BACKEND_HAS(ops, ca_store_init), ESP_ERR_NOT_SUPPORTED);
    return ops->ca_store_init();
}

esp_err_t esp_tls_set_global_ca_store(const unsigned char *cacert_pem_buf,
                                      const unsigned int cacert_pem_bytes)
{
    const esp_tls_backend_ops_t *ops = esp_tls_backend();
    ESP_ENSURE(ESP_TLS_BACKEND_HAS(ops, ca_store_set), ESP_ERR_NOT_SUPPORTED);
    return ops->ca_store_set(cacert_pem_buf, cacert_pem_bytes);
}

mbedtls_x509_crt *esp_tls_get_global_ca_store(void)
{
    const esp_tls_backend_ops_t *ops = esp_tls_backend();
    ESP_ENSURE(ESP_TLS_BACKEND_HAS(ops, ca_store_get), NULL);
    return (mbedtls_x509_crt *)ops->ca_store_get();
}

void esp_tls_free_global_ca_store(void)
{
    const esp_tls_backend_ops_t *ops = esp_tls_backend();
    if (ESP_TLS_BACKEND_HAS(ops, ca_store_free)) {
        ops->ca_store_free();
    }
}

/* Server session tickets */

esp_err_t esp_tls_cfg_server_session_tickets_init(esp_tls_cfg_server_t *cfg)
{
    ESP_ENSURE_LOG(cfg != NULL && cfg->ticket_ctx == NULL, ESP_ERR_INVALID_ARG,
                   "session tickets: cfg is NULL or already has a ticket_ctx");
    const esp_tls_backend_ops_t *ops = esp_tls_backend();
    ESP_ENSURE(ESP_TLS_BACKEND_HAS(ops, server_tickets_init), ESP_ERR_NOT_SUPPORTED);
    return ops->server_tickets_init(cfg);
}

void esp_tls_cfg_server_session_tickets_free(esp_tls_cfg_server_t *cfg)
{
    if (cfg == NULL) {
        return;
    }
    const esp_tls_backend_ops_t *ops = esp_tls_backend();
    if (ESP_TLS_BACKEND_HAS(ops, server_tickets_free)) {
        ops->server_tickets_free(cfg);
    }
}

/* One connection */

esp_tls_client_session_t *esp_tls_get_client_session(esp_tls_t *tls)
{
    if (tls == NULL || tls->priv == NULL || tls->role != ESP_TLS_CLIENT) {
        return NULL;
    }
    ESP_ENSURE(ESP_TLS_BACKEND_HAS(tls->ops, client_session_get), NULL);
    return tls->ops->client_session_get(tls);
}

void esp_tls_free_client_session(esp_tls_client_session_t *client_session)
{
    if (client_session == NULL) {
        return;
    }
    const esp_tls_backend_ops_t *ops = esp_tls_backend();
    if (ESP_TLS_BACKEND_HAS(ops, client_session_free)) {
        ops->client_session_free(client_session);
    }
}

bool esp_tls_session_resumed(esp_tls_t *tls)
{
    if (tls == NULL || tls->priv == NULL || tls->conn_state != ESP_TLS_DONE) {
        return false;
    }
    return ESP_TLS_BACKEND_HAS(tls->ops, session_resumed) && tls->ops->session_resumed(tls);
}

esp_err_t esp_tls_get_conn_info(esp_tls_t *tls, esp_tls_conn_info_t *info)
{
    ESP_ENSURE(tls != NULL && info != NULL, ESP_ERR_INVALID_ARG);
    ESP_ENSURE(tls->is_tls && tls->priv != NULL && tls->conn_state == ESP_TLS_DONE,
               ESP_ERR_INVALID_STATE);
    ESP_ENSURE(ESP_TLS_BACKEND_HAS(tls->ops, conn_info), ESP_ERR_NOT_SUPPORTED);
    return tls->ops->conn_info(tls, info);
}

/* Chains and certificates */

esp_err_t esp_tls_verify_chain(const esp_tls_verify_cfg_t *cfg, const unsigned char *chain,
                               size_t chain_len, uint32_t *flags, esp_tls_error_handle_t h)
{
    ESP_ENSURE_LOG(cfg != NULL && chain != NULL && chain_len > 0, ESP_ERR_INVALID_ARG,
                   "esp_tls_verify_chain: cfg and a non-empty chain are required");
    const esp_tls_backend_ops_t *ops = esp_tls_backend();
    ESP_ENSURE(ESP_TLS_BACKEND_HAS(ops, verify_chain), ESP_ERR_NOT_SUPPORTED);
    esp_tls_t *tls = esp_tls_init();
    ESP_ENSURE_LOG(tls != NULL, ESP_ERR_NO_MEM, "esp_tls_verify_chain: no memory");
    uint32_t local_flags = 0;
    esp_err_t rc = ops->verify_chain(tls, cfg, chain, chain_len, &local_flags);
    esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_ESP, rc);
    if (h != NULL) {
        *h = tls->err.parent;
    }
    if (flags != NULL) {
        *flags = local_flags;
    }
    esp_tls_conn_destroy(tls);
    return rc;
}

esp_err_t esp_tls_cert_describe(const unsigned char *der, size_t len, esp_tls_cert_info_t *info)
{
    ESP_ENSURE(der != NULL && len > 0 && info != NULL, ESP_ERR_INVALID_ARG);
    const esp_tls_backend_ops_t *ops = esp_tls_backend();
    ESP_ENSURE(ESP_TLS_BACKEND_HAS(ops, cert_describe), ESP_ERR_NOT_SUPPORTED);
    return ops->cert_describe(der, len, info);
}

esp_err_t esp_tls_cert_to_pem(const unsigned char *der, size_t len, char *buf, size_t buf_len,
                              size_t *olen)
{
    ESP_ENSURE(der != NULL && len > 0 && olen != NULL && (buf != NULL || buf_len == 0),
               ESP_ERR_INVALID_ARG);
    const esp_tls_backend_ops_t *ops = esp_tls_backend();
    ESP_ENSURE(ESP_TLS_BACKEND_HAS(ops, cert_to_pem), ESP_ERR_NOT_SUPPORTED);
    return ops->cert_to_pem(der, len, buf, buf_len, olen);
}

/* Process-wide settings */

esp_err_t esp_tls_set_keylog_file(const char *path)
{
    const esp_tls_backend_ops_t *ops = esp_tls_backend();
    ESP_ENSURE(ESP_TLS_BACKEND_HAS(ops, keylog_file), ESP_ERR_NOT_SUPPORTED);
    return ops->keylog_file(path);
}

void esp_tls_set_mbedtls_debug_level(int level)
{
    const esp_tls_backend_ops_t *ops = esp_tls_backend();
    if (ESP_TLS_BACKEND_HAS(ops, debug_level)) {
        ops->debug_level(level);
    }
}

const int *esp_tls_get_ciphersuites_list(void)
{
    const esp_tls_backend_ops_t *ops = esp_tls_backend();
    ESP_ENSURE(ESP_TLS_BACKEND_HAS(ops, ciphersuites), NULL);
    return ops->ciphersuites();
}

/* esp_tls_crypto.h */

int esp_crypto_sha1(const unsigned char *input, size_t ilen, unsigned char output[20])
{
    const esp_tls_backend_ops_t *ops = esp_tls_backend();
    ESP_ENSURE(ESP_TLS_BACKEND_HAS(ops, sha1), ESP_ERR_NOT_SUPPORTED);
    return ops->sha1(input, ilen, output);
}

int esp_crypto_base64_encode(unsigned char *dst, size_t dlen, size_t *olen,
                             const unsigned char *src, size_t slen)
{
    const esp_tls_backend_ops_t *ops = esp_tls_backend();
    ESP_ENSURE(ESP_TLS_BACKEND_HAS(ops, base64_encode), ESP_ERR_NOT_SUPPORTED);
    return ops->base64_encode(dst, dlen, olen, src, slen);
}
