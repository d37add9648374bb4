// SPDX-License-Identifier: Apache-2.0
/*
 * Certificate policy on top of Mbed TLS's path validation (docs/COMPAT.md, "Certificate
 * policy"): the Web PKI rules Mbed TLS 3.6 lacks, nameConstraints among them.
 *
 * The chain of one verification is: Mbed TLS builds and checks the path, then calls the
 * verify callback from the trust anchor down to the leaf; verify.c's callback runs the
 * bundle anchor, then esp_tls_policy_check(), then its own checks, and the flags it leaves
 * are the ones a handshake captures.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbedtls/x509_crt.h"

typedef enum {
    ESP_TLS_POLICY_WEBPKI = 0,  /**< Web PKI (strict): every rule of policy*.c */
    ESP_TLS_POLICY_MBEDTLS = 1, /**< Mbed TLS 3.6 as it is: no extra rule, stock parsing */
} esp_tls_policy_profile_t;

/** The profile in force: CONFIG_ESP_TLS_CERT_POLICY_* unless overridden. */
esp_tls_policy_profile_t esp_tls_policy_profile(void);

/** Override the Kconfig profile for this process (tests and the conformance harness). */
void esp_tls_policy_set_profile(esp_tls_policy_profile_t profile);

/**
 * Policy step of the verify callback: @p depth counts from the leaf (0), calls come from the
 * top of the path down, as Mbed TLS makes them. @p name is the name the leaf must hold (DNS
 * name or IP address text), or NULL when no name is checked. Adds X.509 flags to @p flags.
 */
void esp_tls_policy_check(const mbedtls_x509_crt *crt, int depth, const char *name,
                          uint32_t *flags);

/** Forget the path in progress (the verify callback stops a verification early). */
void esp_tls_policy_reset(void);

/**
 * Verify callback for a server checking client certificates (mbedtls_ssl_conf_verify): enforces
 * nameConstraints and refuses critical extensions nobody enforces, as the parser accepts both.
 */
int esp_tls_policy_client_cert_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags);

/**
 * Parse one DER certificate and append it to @p chain, accepting the extensions the policy
 * enforces itself (nameConstraints). Same results as mbedtls_x509_crt_parse_der().
 */
int esp_tls_policy_parse_der(mbedtls_x509_crt *chain, const unsigned char *buf, size_t len,
                             int make_copy);

/** As mbedtls_x509_crt_parse() (PEM or DER, partial results counted) with the policy's parser. */
int esp_tls_policy_parse(mbedtls_x509_crt *chain, const unsigned char *buf, size_t len);

/*
 * The TLS layer's own parsing of the peer's Certificate message: reach/tls_hooked.c compiles
 * Mbed TLS's ssl_tls.c and ssl_tls13_generic.c with their calls to mbedtls_x509_crt_parse_der
 * and mbedtls_x509_crt_parse_der_nocopy renamed to these, so that the server's intermediates
 * are parsed as CA certificates the user loads are.
 */
int esp_tls_policy_peer_parse_der(mbedtls_x509_crt *chain, const unsigned char *buf, size_t len);
int esp_tls_policy_peer_parse_der_nocopy(mbedtls_x509_crt *chain, const unsigned char *buf,
                                         size_t len);

/* policy_path.c: path building with backtracking */

/** What a verification of one candidate path uses: the anchors (a CA list),
 *  the CRLs, the profile, the name the leaf must hold (NULL: none) and the per-certificate
 *  callback (the same checks as the first path, without path building of its own). */
typedef struct {
    mbedtls_x509_crt *ca_chain;
    mbedtls_x509_crl *ca_crl;
    const mbedtls_x509_crt_profile *profile;
    const char *name;
    int (*f_vrfy)(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags);
    void *p_vrfy;
} esp_tls_path_cfg_t;

/**
 * Look for a path from @p leaf (its ->next: the other presented certificates) to an anchor of
 * @p cfg that verifies with no flag: depth first, anchors first, bounded work (a log line when
 * the bound stops the search). @return true when one holds.
 */
bool esp_tls_policy_build_path(const mbedtls_x509_crt *leaf, const esp_tls_path_cfg_t *cfg);

/**
 * Verify-callback step after the checks of @p crt (Web PKI profile only): the flags of the
 * certificates above the leaf are held back in @p held; at the leaf (depth 0) all of them are
 * returned, or none when esp_tls_policy_build_path() finds another path that holds (@p cfg
 * NULL: no path building).
 */
void esp_tls_policy_path_step(uint32_t *held, const mbedtls_x509_crt *crt, int depth,
                              uint32_t *flags, const esp_tls_path_cfg_t *cfg);

/* policy_rules.c: the Web PKI rules, one certificate of the path at a time */

typedef struct {
    const mbedtls_x509_crt *crt;
    bool leaf; /* depth 0 */
    bool top;  /* first certificate of the path: the trust anchor when the path is trusted */
} policy_cert_t;

/** Rules on the certificate alone (version, extensions, key usage). @return X.509 flags. */
uint32_t esp_tls_policy_cert_rules(const policy_cert_t *c);

/** Rules from the certificates above it (@p above: @p n of them, top first): nameConstraints. */
uint32_t esp_tls_policy_path_rules(const policy_cert_t *c, const mbedtls_x509_crt *const *above,
                                   int n);

/** Rules for a leaf below the trust anchor (EKU, CN and SAN form). @return X.509 flags. */
uint32_t esp_tls_policy_leaf_rules(const mbedtls_x509_crt *leaf);

/** The leaf's name rule: MBEDTLS_X509_BADCERT_CN_MISMATCH unless its SAN holds @p name. A
 *  @p pinned leaf (the trust anchor itself) without a SAN keeps Mbed TLS's CN check. */
uint32_t esp_tls_policy_leaf_name(const mbedtls_x509_crt *leaf, const char *name, bool pinned);

/* policy_ext.c: raw extension access (Mbed TLS keeps no criticality) */

/** Find extension @p oid (DER content of the OID) in @p crt: its value and criticality. */
bool esp_tls_x509_find_ext(const mbedtls_x509_crt *crt, const char *oid, size_t oid_len,
                           mbedtls_x509_buf *value, bool *critical);

/** True if @p crt has a critical extension that neither Mbed TLS nor the policy enforces. */
bool esp_tls_x509_unknown_critical(const mbedtls_x509_crt *crt);

/** True if @p crt's issuer and subject are the same name (RFC 5280 §6.1: self-issued). */
bool esp_tls_x509_self_issued(const mbedtls_x509_crt *crt);

/* name_constraints.c (RFC 5280 §4.2.1.10) */

/**
 * Check the names of @p crt (subjectAltName entries, and the subject for directoryName
 * constraints) against the nameConstraints of @p ca. @return 0 when they satisfy them or
 * @p ca has none; -1 when a name is outside them, the constraints are malformed, or a name
 * of a type the constraints restrict cannot be checked (fail closed).
 */
int esp_tls_nc_check(const mbedtls_x509_crt *ca, const mbedtls_x509_crt *crt);

/* policy_name.c: the leaf's name, Web PKI rules */

/** True if @p crt's subjectAltName holds @p name: DNS names only in dNSName entries
 * (wildcard only as the whole leftmost label), IP addresses only in iPAddress entries. */
bool esp_tls_policy_name_matches(const mbedtls_x509_crt *crt, const char *name);

/** True if @p name (@p len bytes) is a valid DNS name; @p wildcard allows a leading "*.". */
bool esp_tls_dns_name_valid(const unsigned char *name, size_t len, bool wildcard);
