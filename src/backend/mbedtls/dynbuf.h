// SPDX-License-Identifier: Apache-2.0
/*
 * Memory savings of the Mbed TLS backend: dynamic record buffers
 * (CONFIG_MBEDTLS_DYNAMIC_BUFFER, dynbuf.c) and releasing data the handshake no longer needs
 * (CONFIG_MBEDTLS_DYNAMIC_FREE_*, dynfree.c). Without the options these are no-ops.
 */
#pragma once

#include <stddef.h>

#include "../../core/backend.h"
#include "mbedtls_backend.h"
#include "sdkconfig.h"

#if CONFIG_MBEDTLS_DYNAMIC_BUFFER
/** mbedtls_ssl_setup() without its full-size receive buffer. Returns an Mbed TLS code. */
int esp_tls_mbedtls_dynbuf_setup(esp_tls_t *tls);
/** BIO receive callback (ctx: the esp_tls_t) that sizes the buffer to each record. */
int esp_tls_mbedtls_dynbuf_recv(void *ctx, unsigned char *buf, size_t len);
/** Before mbedtls_ssl_write() of @p len bytes (or a handshake: the full content length). */
int esp_tls_mbedtls_dynbuf_reserve_out(esp_tls_t *tls, size_t len);
/** Before each handshake step: the send buffer full size for a step that writes, small
 * otherwise. Returns an Mbed TLS code. */
int esp_tls_mbedtls_dynbuf_before_step(esp_tls_t *tls);
/** After an API call: shrink whatever holds nothing pending. Returns an Mbed TLS code
 * (MBEDTLS_ERR_SSL_ALLOC_FAILED) if the connection cannot go on. */
int esp_tls_mbedtls_dynbuf_idle(esp_tls_t *tls);
/** Take cfg->esp_tls_dyn_buf_strategy (client). */
void esp_tls_mbedtls_dynbuf_strategy(esp_tls_t *tls, const esp_tls_cfg_t *cfg);
#else
static inline int esp_tls_mbedtls_dynbuf_reserve_out(esp_tls_t *tls, size_t len)
{
    (void)tls;
    (void)len;
    return 0;
}

static inline int esp_tls_mbedtls_dynbuf_before_step(esp_tls_t *tls)
{
    (void)tls;
    return 0;
}

static inline int esp_tls_mbedtls_dynbuf_idle(esp_tls_t *tls)
{
    (void)tls;
    return 0;
}
#endif

/** After a completed handshake: release the CA, own credentials and peer certificate as
 * configured (CONFIG_MBEDTLS_DYNAMIC_FREE_CONFIG_DATA, _FREE_CA_CERT, _FREE_PEER_CERT). */
void esp_tls_mbedtls_free_after_handshake(esp_tls_t *tls);
