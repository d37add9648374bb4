// SPDX-License-Identifier: Apache-2.0
/*
 * Shared by the files of libhostcrypto.a: the curve table, libcrypto's library context and
 * key construction (hc_core.c).
 */
#pragma once

#include "hostcrypto.h"

#include <mbedtls/ecp.h>
#include <openssl/evp.h>

/** Largest field element / scalar (secp521r1: 66 bytes) and uncompressed point. */
#define HC_MAX_BYTES 66
#define HC_MAX_POINT (1 + 2 * HC_MAX_BYTES)

/** One curve Mbed TLS knows, with its libcrypto names. */
typedef struct {
    mbedtls_ecp_group_id id;
    psa_ecc_family_t family;
    size_t bits;      /**< PSA key size in bits */
    size_t bytes;     /**< scalar / coordinate length in bytes */
    int nid;          /**< libcrypto's NID (Weierstrass curves) */
    const char *name; /**< libcrypto's group or algorithm name */
    int montgomery;   /**< Curve25519 / Curve448: raw keys, little-endian */
} hc_curve_t;

/** The curve of Mbed TLS group @p id, or NULL. */
const hc_curve_t *hc_curve_by_id(mbedtls_ecp_group_id id);

/** The curve of PSA family @p family with @p bits, or NULL. */
const hc_curve_t *hc_curve_by_psa(psa_ecc_family_t family, size_t bits);

/** libcrypto's library context of this library (created on first use; NULL if that failed). */
OSSL_LIB_CTX *hc_libctx(void);

/** Order of a Weierstrass curve, big-endian in @p c->bytes bytes (0 on success). */
int hc_order(const hc_curve_t *c, uint8_t out[HC_MAX_BYTES]);

/** Public key of private key @p priv (c->bytes bytes; big-endian, little-endian for
 *  Montgomery curves): uncompressed point or u-coordinate into @p pub (0 on success). */
int hc_pub_from_priv(const hc_curve_t *c, const uint8_t *priv, uint8_t *pub, size_t pub_size,
                     size_t *pub_len);

/** A libcrypto key holding public key @p pub (as written by mbedtls_ecp_point_write_binary,
 *  uncompressed), or NULL. */
EVP_PKEY *hc_pkey_public(const hc_curve_t *c, const uint8_t *pub, size_t pub_len);

/** A libcrypto key holding private key @p priv (format of hc_pub_from_priv()), or NULL. */
EVP_PKEY *hc_pkey_private(const hc_curve_t *c, const uint8_t *priv);

/** A libcrypto key for one ECDH derivation with private key @p priv and the peer's public
 *  key @p peer (Montgomery curves: c->bytes bytes; unused for Weierstrass curves), or NULL. */
EVP_PKEY *hc_pkey_agreement(const hc_curve_t *c, const uint8_t *priv, const uint8_t *peer);

/** Count a successful call (hostcrypto_counts_t). */
void hc_count(unsigned long *counter);

/** The process's counters (for hc_count(&hc_counts()->verify) and the like). */
hostcrypto_counts_t *hc_counts(void);
