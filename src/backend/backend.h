// SPDX-License-Identifier: Apache-2.0
/*
 * The TLS backend interface: one const ops table per TLS stack. The core checks a slot for
 * NULL before calling it. A backend reaches the socket only through the BIO callbacks in
 * core/bio.h.
 */
#pragma once

#include <sys/types.h>

#include "../core/esp_tls_private.h"

typedef struct esp_tls_backend_ops {
    const char *name;
    /** Build the client TLS state in tls->priv for @p host (not NUL-terminated). */
    esp_err_t (*client_create)(esp_tls_t *tls, const char *host, size_t hostlen,
                               const esp_tls_cfg_t *cfg);
    /** Build the server TLS state in tls->priv for an accepted socket. */
    esp_err_t (*server_create)(esp_tls_t *tls, const esp_tls_cfg_server_t *cfg);
    /** One handshake step: 0 done, ESP_TLS_ERR_SSL_WANT_*, or another negative code. */
    int (*handshake)(esp_tls_t *tls);
    ssize_t (*read)(esp_tls_t *tls, char *data, size_t datalen);
    ssize_t (*write)(esp_tls_t *tls, const char *data, size_t datalen);
    ssize_t (*bytes_avail)(esp_tls_t *tls);
    void *(*ssl_context)(esp_tls_t *tls);
    /** Free everything in tls->priv; safe after a partial create. */
    void (*destroy)(esp_tls_t *tls);
} esp_tls_backend_ops_t;

/** The backend chosen at build time (CONFIG_ESP_TLS_USING_MBEDTLS). */
extern const esp_tls_backend_ops_t esp_tls_backend_mbedtls;
