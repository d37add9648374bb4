// SPDX-License-Identifier: Apache-2.0
/*
 * The TLS backend interface: one const ops table per TLS stack. Every public function whose
 * work depends on the TLS stack is defined once in the core (src/core/backend_api.c and the
 * connection code), which checks its arguments and calls the backend through this table; a NULL
 * slot gives ESP_ERR_NOT_SUPPORTED (or NULL, nothing) with a log line. A backend reaches the
 * socket only through the BIO callbacks and esp_tls_bio_prepare_goodbye() in core/bio.h; the
 * core alone writes the connection's socket, wait state and retry flags (tests/lint/layers.py
 * checks that no backend file assigns them).
 *
 * The table carries the interface version and its own size; the core checks both once, when
 * the table is registered (src/core/backend_registry.h), and refuses a table built against
 * another version of this header (ESP_ERR_INVALID_VERSION).
 */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "../conn/conn.h"
#include "../port/guard.h"
#include "esp_tls_ext.h"

/** Version of esp_tls_backend_ops_t: raised whenever a slot is added, removed or changed. */
#define ESP_TLS_BACKEND_OPS_VERSION 3u

typedef struct esp_tls_backend_ops {
    uint32_t version; /**< ESP_TLS_BACKEND_OPS_VERSION the backend was built against */
    uint32_t size;    /**< sizeof(esp_tls_backend_ops_t) the backend was built with */
    const char *name;

    /* One connection. */
    /** Build the client TLS state in tls->priv for @p host (not NUL-terminated). */
    esp_err_t (*client_create)(esp_tls_t *tls, const char *host, size_t hostlen,
                               const esp_tls_cfg_t *cfg);
    /** Build the server TLS state in tls->priv for an accepted socket. */
    esp_err_t (*server_create)(esp_tls_t *tls, const esp_tls_cfg_server_t *cfg);
    /** One handshake step: 0 done, ESP_TLS_ERR_SSL_WANT_*, or another negative code; on a
     *  failure that one more attempt on a new connection may avoid, sets *@p retry (the core
     *  decides, and sets tls->retried for that attempt). */
    int (*handshake)(esp_tls_t *tls, bool *retry);
    /** Read or write return ESP_TLS_ERR_SSL_WANT_* when they must wait: the core sets what
     *  the connection waits for from it (tls->wait, like tls->sockfd, is the core's). */
    /** Read or write: bytes, 0 at the end, ESP_TLS_ERR_SSL_WANT_* or another negative code. */
    ssize_t (*read)(esp_tls_t *tls, char *data, size_t datalen);
    ssize_t (*write)(esp_tls_t *tls, const char *data, size_t datalen);
    ssize_t (*bytes_avail)(esp_tls_t *tls);
    /** The stack's own context (mbedtls_ssl_context * for Mbed TLS). */
    void *(*ssl_context)(esp_tls_t *tls);
    /** Free everything in tls->priv; safe after a partial create. */
    void (*destroy)(esp_tls_t *tls);
    /** Negotiated parameters of a connection whose handshake is done (tls->priv set). */
    esp_err_t (*conn_info)(esp_tls_t *tls, esp_tls_conn_info_t *info);
    /** A copy of a client connection's session for resumption, or NULL (logged). */
    esp_tls_client_session_t *(*client_session_get)(esp_tls_t *tls);
    void (*client_session_free)(esp_tls_client_session_t *session);
    /** Whether a finished handshake resumed a session whose peer was verified earlier. */
    bool (*session_resumed)(esp_tls_t *tls);
    /** esp_tls_verify_chain() on a fresh connection object @p tls (its tracker gets the
     *  codes); arguments already checked. */
    esp_err_t (*verify_chain)(esp_tls_t *tls, const esp_tls_verify_cfg_t *cfg,
                              const unsigned char *chain, size_t chain_len, uint32_t *flags);

    /* The process. */
    esp_err_t (*global_init)(void);
    esp_err_t (*ca_store_init)(void);
    esp_err_t (*ca_store_set)(const unsigned char *pem, unsigned int len);
    /** The global store in the stack's own type (mbedtls_x509_crt *), or NULL. */
    void *(*ca_store_get)(void);
    void (*ca_store_free)(void);
    esp_err_t (*server_tickets_init)(esp_tls_cfg_server_t *cfg);
    void (*server_tickets_free)(esp_tls_cfg_server_t *cfg);
    esp_err_t (*keylog_file)(const char *path);
    void (*debug_level)(int level);
    const int *(*ciphersuites)(void);
    esp_err_t (*cert_describe)(const unsigned char *der, size_t len, esp_tls_cert_info_t *info);
    esp_err_t (*cert_to_pem)(const unsigned char *der, size_t len, char *buf, size_t buf_len,
                             size_t *olen);
    int (*sha1)(const unsigned char *input, size_t ilen, unsigned char output[20]);
    int (*base64_encode)(unsigned char *dst, size_t dlen, size_t *olen, const unsigned char *src,
                         size_t slen);
} esp_tls_backend_ops_t;

/** The backend chosen at build time (CONFIG_ESP_TLS_USING_MBEDTLS). */
extern const esp_tls_backend_ops_t esp_tls_backend_mbedtls;
