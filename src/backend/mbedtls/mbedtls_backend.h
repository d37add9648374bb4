// SPDX-License-Identifier: Apache-2.0
/*
 * Mbed TLS backend: per-connection state and the pieces of the config translator.
 */
#pragma once

#include <stdbool.h>

#include "../../core/backend.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

/* Mbed TLS before 3.6.7 refuses in TLS 1.2 the RSA-PSS it offered for TLS 1.3
 * (Mbed-TLS/mbedtls#10668): a client allowing both versions then retries once without RSA-PSS
 * (ops.c). 3.6.7 fixed it (tests/interop/features.sh checks both). */
#define ESP_TLS_MBEDTLS_PSS_RETRY (MBEDTLS_VERSION_NUMBER < 0x03060700)

/** A reference-counted global CA store (ca_store.c). */
typedef struct esp_tls_ca_store esp_tls_ca_store_t;

/** The connection's own certificate chain and key (one block, allocated when configured). */
typedef struct {
    mbedtls_x509_crt cert;
    mbedtls_pk_context key;
    /* a client's RSA key lives in PSA (key is then its opaque wrapper); 0 otherwise */
    mbedtls_svc_key_id_t psa_key;
} esp_tls_mbedtls_own_t;

/** Parsed server credentials shared by the sessions of one configuration (server_cache.c). */
typedef struct esp_tls_server_creds esp_tls_server_creds_t;

typedef struct {
    esp_tls_t *owner; /* the connection this state belongs to */
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    /* Allocated only when configured, and released after the handshake by the
     * CONFIG_MBEDTLS_DYNAMIC_FREE_* options (dynfree.c): ~0.8 KB each on a 64-bit host. */
    mbedtls_x509_crt *cacert;      /* from cfg->cacert_buf, or NULL */
    esp_tls_mbedtls_own_t *own;    /* own certificate and key, or NULL */
    esp_tls_ca_store_t *global_ca; /* reference on the global store, or NULL */
    bool verify_with_ca;           /* a CA-based verification option is configured */
    bool offers_both;              /* TLS 1.2 and 1.3 both allowed */
    int certs_seen;                /* peer certificates verified in this handshake (0: resumed) */
    uint32_t chain_flags;          /* verify flags of the whole chain so far (diagnostics) */
    uint32_t held_flags;           /* flags above the leaf, judged at the leaf (policy_path.c) */
    char group[24];                /* key exchange group, when known (diagnostics) */
    unsigned char peer_mfl;        /* max_fragment_length code in the ServerHello, 0 if none */
    bool dbg_redacting;            /* Mbed TLS debug output is inside a key dump (debug.c) */
    /* a verify callback installed by crt_bundle_attach, called by ours first */
    int (*inner_vrfy)(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags);
    void *inner_vrfy_ctx;
    unsigned char *ticket; /* TLS 1.3 session exported last, serialized (session.c) */
    size_t ticket_len;
    bool ticket_new; /* Mbed TLS holds a newer TLS 1.3 ticket, not exported yet */
    /* An IP address to match against the certificate ourselves: Mbed TLS would send it as
     * SNI, which RFC 6066 §3 forbids. ip_len is 4 or 16; 0 when the name is a DNS name. */
    unsigned char ip[16];
    size_t ip_len;
    char ip_text[48];
    bool dynbuf;         /* dynamic record buffers active (dynbuf.c) */
    bool want_rx_static; /* ESP_TLS_DYN_BUF_RX_STATIC requested */
    bool rx_static;      /* ... and in place */
    bool freed;          /* free_after_handshake() done */
    bool broken;         /* a read or write failed: Mbed TLS may have sent a fatal alert (ops.c) */
    /* a server's parsed credentials, shared with the other sessions of its configuration:
     * own points into them, and this is a reference (server_cache.c); NULL otherwise */
    esp_tls_server_creds_t *shared;
} esp_tls_mbedtls_t;

static inline esp_tls_mbedtls_t *esp_tls_mbedtls(esp_tls_t *tls)
{
    return (esp_tls_mbedtls_t *)tls->priv;
}

/* rng.c: the kernel's CSPRNG, and PSA initialisation */
int esp_tls_mbedtls_rng(void *ctx, unsigned char *out, size_t len);
esp_err_t esp_tls_mbedtls_psa_init(void) ESP_MUST_CHECK;

/* credentials.c: parsing with diagnostics that name the cause */
/** Parse @p buf into *@p slot, allocated here if NULL; a failure is logged and captured
 *  (ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED). */
esp_err_t esp_tls_mbedtls_load_crt(esp_tls_t *tls, mbedtls_x509_crt **slot,
                                   const unsigned char *buf, size_t len,
                                   const char *what) ESP_MUST_CHECK;
/** Free a certificate chain allocated by esp_tls_mbedtls_load_crt() and clear the slot. */
void esp_tls_mbedtls_release_crt(mbedtls_x509_crt **slot);
/** Free the own certificate and key (esp_tls_mbedtls_own_creds()) and clear p->own. */
void esp_tls_mbedtls_release_own(esp_tls_mbedtls_t *p);
int esp_tls_mbedtls_parse_crt(mbedtls_x509_crt *crt, const unsigned char *buf, size_t len,
                              const char *what);
/** First occurrence of @p needle in the @p len bytes at @p hay (no NUL needed), or NULL. */
const unsigned char *esp_tls_mbedtls_find(const unsigned char *hay, size_t len, const char *needle);
/** True if @p buf holds a "-----BEGIN " line anywhere. */
bool esp_tls_mbedtls_looks_like_pem(const unsigned char *buf, size_t len);
/** DER: the total length (header included) the SEQUENCE at @p buf claims, or 0 if none. */
size_t esp_tls_mbedtls_der_length(const unsigned char *buf, size_t len);
/** Log why @p buf (a certificate, or a key if @p want_key) did not parse (parse_diag.c). */
void esp_tls_mbedtls_diagnose_buffer(const char *what, bool want_key, const unsigned char *buf,
                                     size_t len);
/** Parse and install the own certificate and key; @p who ("client"/"server") names them in logs. */
esp_err_t esp_tls_mbedtls_own_creds(esp_tls_t *tls, const char *who, const unsigned char *cert,
                                    size_t cert_len, const unsigned char *key, size_t key_len,
                                    const unsigned char *pwd, size_t pwd_len) ESP_MUST_CHECK;

/** Parse the certificate chain and key into @p own (initialised) and check that they match. */
esp_err_t esp_tls_mbedtls_parse_own(esp_tls_t *tls, esp_tls_mbedtls_own_t *own, const char *who,
                                    const unsigned char *cert, size_t cert_len,
                                    const unsigned char *key, size_t key_len,
                                    const unsigned char *pwd, size_t pwd_len) ESP_MUST_CHECK;
/** Give the connection's configuration p->own as its certificate and key. */
esp_err_t esp_tls_mbedtls_use_own(esp_tls_t *tls) ESP_MUST_CHECK;

/* server_cache.c */
/** A reference on the parsed credentials of @p cfg (parsed and checked on first use), set as
 *  the session's own certificate and key. */
esp_err_t esp_tls_server_creds_use(esp_tls_t *tls, const esp_tls_cfg_server_t *cfg) ESP_MUST_CHECK;
/** Drop a reference from esp_tls_server_creds_use(). */
void esp_tls_server_creds_put(esp_tls_server_creds_t *c);

/* common_config.c */
esp_err_t esp_tls_mbedtls_conf_defaults(esp_tls_t *tls, int endpoint) ESP_MUST_CHECK;
esp_err_t esp_tls_mbedtls_conf_alpn(esp_tls_t *tls, const char **protos) ESP_MUST_CHECK;
esp_err_t esp_tls_mbedtls_reject_hardware(bool secure_element, bool ds_data,
                                          bool ecdsa) ESP_MUST_CHECK;
/** mbedtls_ssl_setup() and the BIO callbacks: the last step of a client or server config. */
esp_err_t esp_tls_mbedtls_setup(esp_tls_t *tls) ESP_MUST_CHECK;

/* server_config.c */
esp_err_t esp_tls_mbedtls_server_config(esp_tls_t *tls,
                                        const esp_tls_cfg_server_t *cfg) ESP_MUST_CHECK;

/* client_config.c */
esp_err_t esp_tls_mbedtls_client_config(esp_tls_t *tls, const char *host, size_t hostlen,
                                        const esp_tls_cfg_t *cfg) ESP_MUST_CHECK;
esp_err_t esp_tls_mbedtls_set_version(mbedtls_ssl_config *conf, esp_tls_proto_ver_t ver,
                                      bool strict) ESP_MUST_CHECK;

/* verify.c */
esp_err_t esp_tls_mbedtls_client_verify(esp_tls_t *tls, const esp_tls_cfg_t *cfg) ESP_MUST_CHECK;
void esp_tls_mbedtls_report_verify(esp_tls_t *tls);
/** A server's verify callback for client certificates (policy, then diagnostics). */
void esp_tls_mbedtls_server_verify(esp_tls_t *tls);
/** True if @p crt's subjectAltName lists the address, or it has none and its CN is @p text. */
bool esp_tls_mbedtls_crt_matches_ip(const mbedtls_x509_crt *crt, const unsigned char *ip,
                                    size_t ip_len, const char *text);

/* session.c: client session tickets (CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS) */
void esp_tls_mbedtls_tickets_conf(esp_tls_t *tls);
void esp_tls_mbedtls_resume(esp_tls_t *tls, const esp_tls_cfg_t *cfg);
/** A TLS 1.3 ticket came in (read/write): esp_tls_get_client_session() exports it. */
void esp_tls_mbedtls_note_ticket(esp_tls_t *tls);

/* ca_store.c */
esp_tls_ca_store_t *esp_tls_ca_store_acquire(void);
void esp_tls_ca_store_release(esp_tls_ca_store_t *store);
mbedtls_x509_crt *esp_tls_ca_store_chain(esp_tls_ca_store_t *store);

/* diag_capture.c: what diagnostics keep (src/diag) */
void esp_tls_mbedtls_diag_leaf(esp_tls_mbedtls_t *p, const mbedtls_x509_crt *leaf,
                               uint32_t leaf_flags);
void esp_tls_mbedtls_diag_error(esp_tls_mbedtls_t *p, int ret);

/* handshake.c */
/** mbedtls_ssl_handshake(), one step at a time, with a DEBUG trace of the states. */
int esp_tls_mbedtls_handshake_steps(esp_tls_mbedtls_t *p);

/* keylog.c: NSS key log lines for this context, if a key log file is named */
void esp_tls_mbedtls_keylog_attach(mbedtls_ssl_context *ssl);

/* cert_info.c */
/** "DNS:a, IP:1.2.3.4" from the certificate's subjectAltName ("" if none). */
void esp_tls_mbedtls_format_sans(char *out, size_t size, const mbedtls_x509_crt *crt);

/* debug.c */
/** Route Mbed TLS debug output of @p conf to the log; @p redacting is the connection's
 * "inside a secret dump" state. */
void esp_tls_mbedtls_debug_attach(mbedtls_ssl_config *conf, bool *redacting);
const char *esp_tls_mbedtls_strerror(int code, char *buf, size_t len);
/** Log "<what> returned -0xNNNN (text)[: hint]", capture the Mbed TLS code, return @p code. */
esp_err_t esp_tls_mbedtls_fail(esp_tls_t *tls, const char *what, int ret, esp_err_t code,
                               const char *hint);

/* The ops table's slots (ops.c) defined in the files named: the public functions of the same
 * purpose are the core's (src/core/backend_api.c), which checks the arguments first. */
esp_err_t esp_tls_mbedtls_conn_info(esp_tls_t *tls, esp_tls_conn_info_t *info); /* diag_capture.c */
esp_tls_client_session_t *esp_tls_mbedtls_session_get(esp_tls_t *tls);          /* session.c */
void esp_tls_mbedtls_session_free(esp_tls_client_session_t *client_session);
bool esp_tls_mbedtls_session_resumed(esp_tls_t *tls);
esp_err_t esp_tls_mbedtls_verify_chain(esp_tls_t *tls, const esp_tls_verify_cfg_t *cfg,
                                       const unsigned char *chain, size_t chain_len,
                                       uint32_t *flags); /* verify_chain.c */
esp_err_t esp_tls_mbedtls_ca_store_init(void);           /* ca_store.c */
esp_err_t esp_tls_mbedtls_ca_store_set(const unsigned char *cacert_pem_buf,
                                       unsigned int cacert_pem_bytes);
void *esp_tls_mbedtls_ca_store_get(void);
void esp_tls_mbedtls_ca_store_free(void);
esp_err_t esp_tls_mbedtls_tickets_init(esp_tls_cfg_server_t *cfg); /* tickets.c */
void esp_tls_mbedtls_tickets_free(esp_tls_cfg_server_t *cfg);
esp_err_t esp_tls_mbedtls_keylog_file(const char *path); /* keylog.c */
void esp_tls_mbedtls_debug_level(int level);             /* debug.c */
esp_err_t esp_tls_mbedtls_cert_describe(const unsigned char *der, size_t len,
                                        esp_tls_cert_info_t *info); /* cert_info.c */
esp_err_t esp_tls_mbedtls_cert_to_pem(const unsigned char *der, size_t len, char *buf,
                                      size_t buf_len, size_t *olen);
int esp_tls_mbedtls_sha1(const unsigned char *input, size_t ilen,
                         unsigned char output[20]); /* crypto.c */
int esp_tls_mbedtls_base64_encode(unsigned char *dst, size_t dlen, size_t *olen,
                                  const unsigned char *src, size_t slen);
