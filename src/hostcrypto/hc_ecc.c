// SPDX-License-Identifier: Apache-2.0
/*
 * Mbed TLS 3.6's function-level ECC hooks, done with libcrypto (hostcrypto.h).
 *
 * With MBEDTLS_ECDSA_VERIFY_ALT, MBEDTLS_ECDSA_SIGN_ALT, MBEDTLS_ECDH_COMPUTE_SHARED_ALT and
 * MBEDTLS_ECDH_GEN_PUBLIC_ALT, Mbed TLS's ecdsa.c / ecdh.c leave these four functions out and
 * every caller uses ours: the legacy API, pk (X.509 signatures, TLS 1.2 and 1.3
 * CertificateVerify with or without MBEDTLS_USE_PSA_CRYPTO) and PSA's built-in ECDSA and ECDH
 * (psa_crypto_ecp.c). Inputs are checked as Mbed TLS checks them and errors are Mbed TLS's
 * (MBEDTLS_ERR_ECP_VERIFY_FAILED for a signature that does not verify, ...). Scalars written
 * out for libcrypto are wiped before return; libcrypto's keys are freed with EVP_PKEY_free()
 * (which cleanses them).
 */
#include "hc_internal.h"

#include <mbedtls/asn1write.h>
#include <mbedtls/bignum.h>
#include <mbedtls/ecdh.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/platform_util.h>
#include <openssl/err.h>
#include <openssl/rand.h>

/* Scalar @p d in the curve's byte format (big-endian, little-endian for Montgomery). */
static int write_scalar(const hc_curve_t *c, const mbedtls_mpi *d, uint8_t out[HC_MAX_BYTES])
{
    return c->montgomery ? mbedtls_mpi_write_binary_le(d, out, c->bytes)
                         : mbedtls_mpi_write_binary(d, out, c->bytes);
}

/* Shared secret of @p priv and the peer's public key: the x- (u-) coordinate into z. */
static int derive(const hc_curve_t *c, const uint8_t *priv, const uint8_t *pub, size_t pub_len,
                  mbedtls_mpi *z)
{
    uint8_t secret[HC_MAX_BYTES];
    size_t n = sizeof(secret);
    EVP_PKEY *ours = hc_pkey_agreement(c, priv, pub);
    EVP_PKEY *theirs = ours != NULL ? hc_pkey_public(c, pub, pub_len) : NULL;
    EVP_PKEY_CTX *ctx = theirs != NULL ? EVP_PKEY_CTX_new_from_pkey(hc_libctx(), ours, NULL) : NULL;
    /* the peer's point was checked by mbedtls_ecp_check_pubkey(); libcrypto's full check
     * would add a scalar multiplication by the group order */
    int ok = ctx != NULL && EVP_PKEY_derive_init(ctx) == 1 &&
             EVP_PKEY_derive_set_peer_ex(ctx, theirs, 0) == 1 &&
             EVP_PKEY_derive(ctx, secret, &n) == 1;
    int ret = MBEDTLS_ERR_ECP_BAD_INPUT_DATA; /* e.g. X25519's all-zero secret */
    if (ok) {
        ret = c->montgomery ? mbedtls_mpi_read_binary_le(z, secret, n)
                            : mbedtls_mpi_read_binary(z, secret, n);
    }
    mbedtls_platform_zeroize(secret, sizeof(secret));
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(theirs);
    EVP_PKEY_free(ours);
    return ret;
}

int mbedtls_ecdh_compute_shared(mbedtls_ecp_group *grp, mbedtls_mpi *z, const mbedtls_ecp_point *Q,
                                const mbedtls_mpi *d, int (*f_rng)(void *, unsigned char *, size_t),
                                void *p_rng)
{
    (void)f_rng; /* libcrypto's ladders need no blinding randomness */
    (void)p_rng;
    const hc_curve_t *c = hc_curve_by_id(grp->id);
    if (c == NULL) {
        return MBEDTLS_ERR_ECP_FEATURE_UNAVAILABLE;
    }
    int ret = mbedtls_ecp_check_privkey(grp, d);
    if (ret == 0) {
        ret = mbedtls_ecp_check_pubkey(grp, Q);
    }
    uint8_t priv[HC_MAX_BYTES], pub[HC_MAX_POINT];
    size_t pub_len = 0;
    if (ret == 0) {
        ret = write_scalar(c, d, priv);
    }
    if (ret == 0) {
        ret = mbedtls_ecp_point_write_binary(grp, Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &pub_len, pub,
                                             sizeof(pub));
    }
    if (ret == 0) {
        ERR_set_mark();
        ret = derive(c, priv, pub, pub_len, z);
        ERR_pop_to_mark();
    }
    mbedtls_platform_zeroize(priv, sizeof(priv));
    if (ret == 0) {
        hc_count(&hc_counts()->ecdh);
    }
    return ret;
}

/* Q = d * G with libcrypto. */
static int public_of(mbedtls_ecp_group *grp, const hc_curve_t *c, const mbedtls_mpi *d,
                     mbedtls_ecp_point *Q)
{
    uint8_t priv[HC_MAX_BYTES], pub[HC_MAX_POINT];
    size_t pub_len = 0;
    int ret = write_scalar(c, d, priv);
    if (ret == 0) {
        ERR_set_mark();
        ret = hc_pub_from_priv(c, priv, pub, sizeof(pub), &pub_len) == 0
                  ? 0
                  : MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
        ERR_pop_to_mark();
    }
    mbedtls_platform_zeroize(priv, sizeof(priv));
    return ret == 0 ? mbedtls_ecp_point_read_binary(grp, Q, pub, pub_len) : ret;
}

int mbedtls_ecdh_gen_public(mbedtls_ecp_group *grp, mbedtls_mpi *d, mbedtls_ecp_point *Q,
                            int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
    const hc_curve_t *c = hc_curve_by_id(grp->id);
    if (c == NULL) {
        return MBEDTLS_ERR_ECP_FEATURE_UNAVAILABLE;
    }
    int ret = mbedtls_ecp_gen_privkey(grp, d, f_rng, p_rng);
    if (ret == 0) {
        ret = public_of(grp, c, d, Q);
    }
    if (ret == 0) {
        hc_count(&hc_counts()->gen_public);
    }
    return ret;
}

/* DER ECDSA-Sig-Value of r, s into the end of buf; *der points at it. */
static int write_sig(const mbedtls_mpi *r, const mbedtls_mpi *s, uint8_t *buf, size_t size,
                     uint8_t **der, size_t *der_len)
{
    unsigned char *p = buf + size;
    int len_s = mbedtls_asn1_write_mpi(&p, buf, s);
    int len_r = len_s >= 0 ? mbedtls_asn1_write_mpi(&p, buf, r) : len_s;
    if (len_r < 0) {
        return len_r;
    }
    size_t body = (size_t)len_s + (size_t)len_r;
    int len_l = mbedtls_asn1_write_len(&p, buf, body);
    int len_t =
        len_l >= 0
            ? mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)
            : len_l;
    if (len_t < 0) {
        return len_t;
    }
    *der = p;
    *der_len = body + (size_t)len_l + (size_t)len_t;
    return 0;
}

/* 1 when r, s are both in [1, n-1] (SEC1 4.1.4 step 1). */
static int sig_in_range(const mbedtls_ecp_group *grp, const mbedtls_mpi *r, const mbedtls_mpi *s)
{
    return mbedtls_mpi_cmp_int(r, 1) >= 0 && mbedtls_mpi_cmp_mpi(r, &grp->N) < 0 &&
           mbedtls_mpi_cmp_int(s, 1) >= 0 && mbedtls_mpi_cmp_mpi(s, &grp->N) < 0;
}

static int verify_der(const hc_curve_t *c, const uint8_t *pub, size_t pub_len, const uint8_t *hash,
                      size_t hlen, const uint8_t *der, size_t der_len)
{
    EVP_PKEY *k = hc_pkey_public(c, pub, pub_len);
    EVP_PKEY_CTX *ctx = k != NULL ? EVP_PKEY_CTX_new_from_pkey(hc_libctx(), k, NULL) : NULL;
    int ok = ctx != NULL && EVP_PKEY_verify_init(ctx) == 1 &&
             EVP_PKEY_verify(ctx, der, der_len, hash, hlen) == 1;
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(k);
    return ok ? 0 : MBEDTLS_ERR_ECP_VERIFY_FAILED;
}

int mbedtls_ecdsa_verify(mbedtls_ecp_group *grp, const unsigned char *buf, size_t blen,
                         const mbedtls_ecp_point *Q, const mbedtls_mpi *r, const mbedtls_mpi *s)
{
    const hc_curve_t *c = hc_curve_by_id(grp->id);
    if (c == NULL || c->montgomery || mbedtls_mpi_bitlen(&grp->N) == 0) {
        return MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
    }
    if (!sig_in_range(grp, r, s)) {
        return MBEDTLS_ERR_ECP_VERIFY_FAILED;
    }
    uint8_t pub[HC_MAX_POINT], sig[2 * HC_MAX_BYTES + 16], *der = NULL;
    size_t pub_len = 0, der_len = 0;
    int ret = mbedtls_ecp_point_write_binary(grp, Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &pub_len, pub,
                                             sizeof(pub));
    if (ret == 0) {
        ret = write_sig(r, s, sig, sizeof(sig), &der, &der_len);
    }
    if (ret == 0) {
        ERR_set_mark();
        ret = verify_der(c, pub, pub_len, buf, blen, der, der_len);
        ERR_pop_to_mark();
    }
    if (ret == 0) {
        hc_count(&hc_counts()->verify);
    }
    return ret;
}

/* The hash as an integer modulo-reduced in length as SEC1 4.1.3 step 5 says. */
static int hash_to_mpi(const mbedtls_ecp_group *grp, mbedtls_mpi *e, const uint8_t *buf,
                       size_t blen)
{
    size_t n_size = (grp->nbits + 7) / 8;
    size_t use = blen > n_size ? n_size : blen;
    int ret = mbedtls_mpi_read_binary(e, buf, use);
    if (ret == 0 && use * 8 > grp->nbits) {
        ret = mbedtls_mpi_shift_r(e, use * 8 - grp->nbits);
    }
    if (ret == 0 && mbedtls_mpi_cmp_mpi(e, &grp->N) >= 0) {
        ret = mbedtls_mpi_sub_mpi(e, e, &grp->N);
    }
    return ret;
}

/* x(k * G) with libcrypto, as an integer. */
static int x_of_kG(const hc_curve_t *c, const mbedtls_mpi *k, mbedtls_mpi *x)
{
    uint8_t priv[HC_MAX_BYTES], pub[HC_MAX_POINT];
    size_t pub_len = 0;
    int ret = write_scalar(c, k, priv);
    if (ret == 0) {
        ERR_set_mark();
        ret = hc_pub_from_priv(c, priv, pub, sizeof(pub), &pub_len) == 0 && pub_len > 1
                  ? 0
                  : MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
        ERR_pop_to_mark();
    }
    mbedtls_platform_zeroize(priv, sizeof(priv));
    return ret == 0 ? mbedtls_mpi_read_binary(x, pub + 1, (pub_len - 1) / 2) : ret;
}

/* r = x(k * G) mod n for a fresh k from f_rng (non-zero r). */
static int sign_r(mbedtls_ecp_group *grp, const hc_curve_t *c, mbedtls_mpi *k, mbedtls_mpi *r,
                  int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
    int ret = MBEDTLS_ERR_ECP_RANDOM_FAILED;
    for (int tries = 0; tries < 10; tries++) {
        ret = mbedtls_ecp_gen_privkey(grp, k, f_rng, p_rng);
        if (ret == 0) {
            ret = x_of_kG(c, k, r);
        }
        if (ret == 0) {
            ret = mbedtls_mpi_mod_mpi(r, r, &grp->N);
        }
        if (ret != 0 || mbedtls_mpi_cmp_int(r, 0) != 0) {
            break;
        }
        ret = MBEDTLS_ERR_ECP_RANDOM_FAILED;
    }
    return ret;
}

/* Blinding value t in [1, n-1] from libcrypto's generator (the caller's f_rng stays for k, so
 * deterministic signatures stay those of RFC 6979). */
static int blind(const mbedtls_ecp_group *grp, mbedtls_mpi *t)
{
    uint8_t rnd[HC_MAX_BYTES + 8];
    size_t n = (grp->nbits + 7) / 8 + 8;
    int ret = RAND_priv_bytes_ex(hc_libctx(), rnd, n, 0) == 1 ? 0 : MBEDTLS_ERR_ECP_RANDOM_FAILED;
    if (ret == 0) {
        ret = mbedtls_mpi_read_binary(t, rnd, n);
    }
    if (ret == 0) {
        ret = mbedtls_mpi_mod_mpi(t, t, &grp->N);
    }
    if (ret == 0 && mbedtls_mpi_cmp_int(t, 0) == 0) {
        ret = mbedtls_mpi_lset(t, 1);
    }
    mbedtls_platform_zeroize(rnd, sizeof(rnd));
    return ret;
}

/* s = (e + r * d) / k mod n, computed as ((e + r * d) * t) / (k * t) with a blinding t. */
static int sign_s(const mbedtls_ecp_group *grp, mbedtls_mpi *s, const mbedtls_mpi *r,
                  const mbedtls_mpi *d, const mbedtls_mpi *k, const mbedtls_mpi *e)
{
    mbedtls_mpi t, kt;
    mbedtls_mpi_init(&t);
    mbedtls_mpi_init(&kt);
    int ret = blind(grp, &t);
#define HC_STEP(x)                                                                                 \
    if (ret == 0) {                                                                                \
        ret = (x);                                                                                 \
    }
    HC_STEP(mbedtls_mpi_mul_mpi(s, r, d))
    HC_STEP(mbedtls_mpi_add_mpi(s, s, e))
    HC_STEP(mbedtls_mpi_mul_mpi(s, s, &t))
    HC_STEP(mbedtls_mpi_mod_mpi(s, s, &grp->N))
    HC_STEP(mbedtls_mpi_mul_mpi(&kt, k, &t))
    HC_STEP(mbedtls_mpi_mod_mpi(&kt, &kt, &grp->N))
    HC_STEP(mbedtls_mpi_inv_mod(&kt, &kt, &grp->N))
    HC_STEP(mbedtls_mpi_mul_mpi(s, s, &kt))
    HC_STEP(mbedtls_mpi_mod_mpi(s, s, &grp->N))
#undef HC_STEP
    mbedtls_mpi_free(&t); /* mbedtls_mpi_free() wipes */
    mbedtls_mpi_free(&kt);
    return ret;
}

int mbedtls_ecdsa_sign(mbedtls_ecp_group *grp, mbedtls_mpi *r, mbedtls_mpi *s, const mbedtls_mpi *d,
                       const unsigned char *buf, size_t blen,
                       int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
    const hc_curve_t *c = hc_curve_by_id(grp->id);
    if (c == NULL || c->montgomery || mbedtls_mpi_bitlen(&grp->N) == 0) {
        return MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
    }
    if (mbedtls_mpi_cmp_int(d, 1) < 0 || mbedtls_mpi_cmp_mpi(d, &grp->N) >= 0) {
        return MBEDTLS_ERR_ECP_INVALID_KEY;
    }
    mbedtls_mpi k, e;
    mbedtls_mpi_init(&k);
    mbedtls_mpi_init(&e);
    int ret = hash_to_mpi(grp, &e, buf, blen);
    for (int tries = 0; ret == 0; tries++) {
        if (tries == 10) {
            ret = MBEDTLS_ERR_ECP_RANDOM_FAILED;
            break;
        }
        ret = sign_r(grp, c, &k, r, f_rng, p_rng);
        if (ret == 0) {
            ret = sign_s(grp, s, r, d, &k, &e);
        }
        if (ret == 0 && mbedtls_mpi_cmp_int(s, 0) != 0) {
            break;
        }
    }
    mbedtls_mpi_free(&k);
    mbedtls_mpi_free(&e);
    if (ret == 0) {
        hc_count(&hc_counts()->sign);
    }
    return ret;
}
