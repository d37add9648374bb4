// SPDX-License-Identifier: Apache-2.0
/*
 * Accessors of the Mbed TLS 3.6 structure members that its public API does not expose
 * (MBEDTLS_PRIVATE fields). Every reach into Mbed TLS internals lives in this folder (README.md
 * lists each one and why; tests/lint/reach.sh fails on one anywhere else), so that an Mbed TLS
 * update is reviewed here. Fields with a public getter (mbedtls_ssl_get_hostname(),
 * mbedtls_x509_crt_has_ext_type(), mbedtls_x509_crt_get_ca_istrue()) are read through it.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "mbedtls/oid.h" /* MBEDTLS_X509_EXT_* values */
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

/* --- X.509 certificates (mbedtls_x509_crt) --- */

/** A certificate's signature: algorithm, digest, options (RSASSA-PSS) and value. */
typedef struct {
    mbedtls_pk_type_t pk;
    mbedtls_md_type_t md;
    const void *opts;
    const mbedtls_x509_buf *value;
} esp_tls_reach_sig_t;

static inline esp_tls_reach_sig_t esp_tls_reach_crt_sig(const mbedtls_x509_crt *crt)
{
    return (esp_tls_reach_sig_t){crt->MBEDTLS_PRIVATE(sig_pk), crt->MBEDTLS_PRIVATE(sig_md),
                                 crt->MBEDTLS_PRIVATE(sig_opts), &crt->MBEDTLS_PRIVATE(sig)};
}

/** Make @p crt a CA (basicConstraints cA TRUE, no path length limit), as a parsed root is. */
static inline void esp_tls_reach_crt_make_ca(mbedtls_x509_crt *crt)
{
    crt->MBEDTLS_PRIVATE(ca_istrue) = 1;
    crt->MBEDTLS_PRIVATE(max_pathlen) = 0;
    crt->MBEDTLS_PRIVATE(ext_types) = MBEDTLS_X509_EXT_BASIC_CONSTRAINTS;
}

/* --- SSL configuration (mbedtls_ssl_config): what the mbedtls_ssl_conf_*() setters set --- */

#if defined(MBEDTLS_X509_CRT_PARSE_C)
typedef int (*esp_tls_reach_vrfy_t)(void *, mbedtls_x509_crt *, int, uint32_t *);

static inline esp_tls_reach_vrfy_t esp_tls_reach_conf_vrfy(const mbedtls_ssl_config *c)
{
    return c->MBEDTLS_PRIVATE(f_vrfy);
}

static inline void *esp_tls_reach_conf_vrfy_ctx(const mbedtls_ssl_config *c)
{
    return c->MBEDTLS_PRIVATE(p_vrfy);
}

static inline const mbedtls_x509_crt *esp_tls_reach_conf_ca_chain(const mbedtls_ssl_config *c)
{
    return c->MBEDTLS_PRIVATE(ca_chain);
}

/* Path building (policy_path.c) verifies other paths with the handshake's own anchors, CRL
 * and profile: Mbed TLS has setters for them, no getters. */
static inline mbedtls_x509_crt *esp_tls_reach_conf_ca_chain_mut(const mbedtls_ssl_config *c)
{
    return c->MBEDTLS_PRIVATE(ca_chain);
}

static inline mbedtls_x509_crl *esp_tls_reach_conf_ca_crl(const mbedtls_ssl_config *c)
{
    return c->MBEDTLS_PRIVATE(ca_crl);
}

static inline const mbedtls_x509_crt_profile *
esp_tls_reach_conf_cert_profile(const mbedtls_ssl_config *c)
{
    return c->MBEDTLS_PRIVATE(cert_profile);
}

#if defined(MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK)
static inline mbedtls_x509_crt_ca_cb_t esp_tls_reach_conf_ca_cb(const mbedtls_ssl_config *c)
{
    return c->MBEDTLS_PRIVATE(f_ca_cb);
}
#endif

/**
 * The certificate verification an Mbed TLS 3.6 handshake runs on @p chain with configuration
 * @p c (trusted-CA callback or CA chain and CRL, profile, verify callback), for the name
 * @p name (NULL: none). @return mbedtls_x509_crt_verify*()'s result; flags in @p flags.
 */
int esp_tls_reach_verify_as_handshake(const mbedtls_ssl_config *c, mbedtls_x509_crt *chain,
                                      const char *name, uint32_t *flags);
#endif

/* --- SSL context (mbedtls_ssl_context) --- */

/** The handshake state (mbedtls_ssl_states), to follow mbedtls_ssl_handshake_step(). */
static inline int esp_tls_reach_ssl_state(const mbedtls_ssl_context *ssl)
{
    return ssl->MBEDTLS_PRIVATE(state);
}

/** The message just read (handshake message or alert) and, for a handshake message, its
 * length with the 4-byte header. */
static inline const unsigned char *esp_tls_reach_ssl_in_msg(const mbedtls_ssl_context *ssl,
                                                            size_t *hs_len)
{
    if (hs_len != NULL) {
        *hs_len = ssl->MBEDTLS_PRIVATE(in_hslen);
    }
    return ssl->MBEDTLS_PRIVATE(in_msg);
}

/* --- saved sessions (mbedtls_ssl_session), for tests of ticket handling --- */

#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_CLI_C)
/** The session ticket a client shows when it resumes; NULL when there is none. */
static inline unsigned char *esp_tls_reach_session_ticket(mbedtls_ssl_session *s, size_t *len)
{
    *len = s->MBEDTLS_PRIVATE(ticket_len);
    return s->MBEDTLS_PRIVATE(ticket);
}
#endif

#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS)
/** The TLS 1.3 resumption PSK of a session (a secret: for a test that no log holds it). */
static inline const unsigned char *esp_tls_reach_session_psk(const mbedtls_ssl_session *s,
                                                             size_t *len)
{
    *len = s->MBEDTLS_PRIVATE(resumption_key_len);
    return s->MBEDTLS_PRIVATE(resumption_key);
}
#endif
