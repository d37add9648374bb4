// SPDX-License-Identifier: Apache-2.0
/*
 * libcrypto setup and key construction for the accelerator (hc_internal.h).
 *
 * libcrypto (OpenSSL 3, Debian's libssl-dev) is used rather than hand-written curve code: it is
 * maintained, constant-time for secret scalars, and has the x86-64/aarch64 assembly (P-256
 * "nistz256", X25519 with ADX/BMI2) that makes the difference. Everything runs in a library
 * context of our own, created lazily on the first call (pthread_once), with only the default
 * provider: an application's OpenSSL configuration (FIPS-only defaults, other providers)
 * does not change what Mbed TLS computes, and nothing process-wide is overridden.
 */
#include "hc_internal.h"

#include <mbedtls/platform_util.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <pthread.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "hostcrypto passes scalars to OSSL_PARAM_BN in native order; written for little-endian hosts"
#endif

static const hc_curve_t curves[] = {
    {MBEDTLS_ECP_DP_SECP256R1, PSA_ECC_FAMILY_SECP_R1, 256, 32, NID_X9_62_prime256v1, "prime256v1",
     0},
    {MBEDTLS_ECP_DP_CURVE25519, PSA_ECC_FAMILY_MONTGOMERY, 255, 32, NID_undef, "X25519", 1},
    {MBEDTLS_ECP_DP_SECP384R1, PSA_ECC_FAMILY_SECP_R1, 384, 48, NID_secp384r1, "secp384r1", 0},
    {MBEDTLS_ECP_DP_SECP521R1, PSA_ECC_FAMILY_SECP_R1, 521, 66, NID_secp521r1, "secp521r1", 0},
    {MBEDTLS_ECP_DP_CURVE448, PSA_ECC_FAMILY_MONTGOMERY, 448, 56, NID_undef, "X448", 1},
    {MBEDTLS_ECP_DP_SECP192R1, PSA_ECC_FAMILY_SECP_R1, 192, 24, NID_X9_62_prime192v1, "prime192v1",
     0},
    {MBEDTLS_ECP_DP_SECP224R1, PSA_ECC_FAMILY_SECP_R1, 224, 28, NID_secp224r1, "secp224r1", 0},
    {MBEDTLS_ECP_DP_BP256R1, PSA_ECC_FAMILY_BRAINPOOL_P_R1, 256, 32, NID_brainpoolP256r1,
     "brainpoolP256r1", 0},
    {MBEDTLS_ECP_DP_BP384R1, PSA_ECC_FAMILY_BRAINPOOL_P_R1, 384, 48, NID_brainpoolP384r1,
     "brainpoolP384r1", 0},
    {MBEDTLS_ECP_DP_BP512R1, PSA_ECC_FAMILY_BRAINPOOL_P_R1, 512, 64, NID_brainpoolP512r1,
     "brainpoolP512r1", 0},
    {MBEDTLS_ECP_DP_SECP192K1, PSA_ECC_FAMILY_SECP_K1, 192, 24, NID_secp192k1, "secp192k1", 0},
    {MBEDTLS_ECP_DP_SECP224K1, PSA_ECC_FAMILY_SECP_K1, 225, 29, NID_secp224k1, "secp224k1", 0},
    {MBEDTLS_ECP_DP_SECP256K1, PSA_ECC_FAMILY_SECP_K1, 256, 32, NID_secp256k1, "secp256k1", 0},
};
#define N_CURVES (sizeof(curves) / sizeof(curves[0]))

static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;
static OSSL_LIB_CTX *libctx;
static pthread_mutex_t group_lock = PTHREAD_MUTEX_INITIALIZER;
static EC_GROUP *groups[N_CURVES];
static hostcrypto_counts_t counts;

static void ctx_init(void)
{
    OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();
    if (ctx != NULL && OSSL_PROVIDER_load(ctx, "default") == NULL) {
        OSSL_LIB_CTX_free(ctx);
        ctx = NULL;
    }
    libctx = ctx;
}

OSSL_LIB_CTX *hc_libctx(void)
{
    pthread_once(&ctx_once, ctx_init);
    return libctx;
}

const hc_curve_t *hc_curve_by_id(mbedtls_ecp_group_id id)
{
    for (size_t i = 0; i < N_CURVES; i++) {
        if (curves[i].id == id) {
            return &curves[i];
        }
    }
    return NULL;
}

const hc_curve_t *hc_curve_by_psa(psa_ecc_family_t family, size_t bits)
{
    for (size_t i = 0; i < N_CURVES; i++) {
        if (curves[i].family == family && curves[i].bits == bits) {
            return &curves[i];
        }
    }
    return NULL;
}

/* The curve's EC_GROUP, built once and shared read-only afterwards. */
static const EC_GROUP *group_of(const hc_curve_t *c)
{
    size_t i = (size_t)(c - curves);
    EC_GROUP *g = __atomic_load_n(&groups[i], __ATOMIC_ACQUIRE);
    if (g != NULL || hc_libctx() == NULL) {
        return g;
    }
    pthread_mutex_lock(&group_lock);
    g = groups[i];
    if (g == NULL) {
        g = EC_GROUP_new_by_curve_name_ex(libctx, NULL, c->nid);
        __atomic_store_n(&groups[i], g, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&group_lock);
    return g;
}

int hc_order(const hc_curve_t *c, uint8_t out[HC_MAX_BYTES])
{
    const EC_GROUP *g = c->montgomery ? NULL : group_of(c);
    if (g == NULL) {
        return -1;
    }
    return BN_bn2binpad(EC_GROUP_get0_order(g), out, (int)c->bytes) == (int)c->bytes ? 0 : -1;
}

static int weierstrass_pub(const hc_curve_t *c, const uint8_t *priv, uint8_t *pub, size_t pub_size,
                           size_t *pub_len)
{
    const EC_GROUP *g = group_of(c);
    BIGNUM *d = g != NULL ? BN_secure_new() : NULL;
    EC_POINT *p = g != NULL ? EC_POINT_new(g) : NULL;
    int ok = d != NULL && p != NULL && BN_bin2bn(priv, (int)c->bytes, d) != NULL;
    if (ok) {
        BN_set_flags(d, BN_FLG_CONSTTIME);
        ok = EC_POINT_mul(g, p, d, NULL, NULL, NULL) == 1;
    }
    size_t n =
        ok ? EC_POINT_point2oct(g, p, POINT_CONVERSION_UNCOMPRESSED, pub, pub_size, NULL) : 0;
    EC_POINT_free(p);
    BN_clear_free(d);
    *pub_len = n;
    return n != 0 ? 0 : -1;
}

static int montgomery_pub(const hc_curve_t *c, const uint8_t *priv, uint8_t *pub, size_t pub_size,
                          size_t *pub_len)
{
    EVP_PKEY *k = hc_pkey_private(c, priv);
    size_t n = pub_size;
    int ok = k != NULL && EVP_PKEY_get_raw_public_key(k, pub, &n) == 1;
    EVP_PKEY_free(k);
    *pub_len = ok ? n : 0;
    return ok ? 0 : -1;
}

int hc_pub_from_priv(const hc_curve_t *c, const uint8_t *priv, uint8_t *pub, size_t pub_size,
                     size_t *pub_len)
{
    if (hc_libctx() == NULL) {
        return -1;
    }
    return c->montgomery ? montgomery_pub(c, priv, pub, pub_size, pub_len)
                         : weierstrass_pub(c, priv, pub, pub_size, pub_len);
}

static EVP_PKEY *ec_fromdata(const hc_curve_t *c, int selection, OSSL_PARAM *key_param)
{
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)c->name, 0),
        *key_param,
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY *k = NULL;
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(hc_libctx(), "EC", NULL);
    if (pc == NULL || EVP_PKEY_fromdata_init(pc) != 1 ||
        EVP_PKEY_fromdata(pc, &k, selection, params) != 1) {
        k = NULL;
    }
    EVP_PKEY_CTX_free(pc);
    return k;
}

EVP_PKEY *hc_pkey_agreement(const hc_curve_t *c, const uint8_t *priv, const uint8_t *peer)
{
    if (!c->montgomery) {
        return hc_pkey_private(c, priv);
    }
    if (hc_libctx() == NULL) {
        return NULL;
    }
    /* X25519/X448 keys made from a private key alone get their public key computed (a second
     * scalar multiplication). Derivation reads only the private key, so the key is given the
     * peer's u-coordinate as its public part instead; it is used for this one derivation. */
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, (void *)priv, c->bytes),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)peer, c->bytes),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY *k = NULL;
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(libctx, c->name, NULL);
    if (pc == NULL || EVP_PKEY_fromdata_init(pc) != 1 ||
        EVP_PKEY_fromdata(pc, &k, EVP_PKEY_KEYPAIR, params) != 1) {
        k = NULL;
    }
    EVP_PKEY_CTX_free(pc);
    return k;
}

EVP_PKEY *hc_pkey_public(const hc_curve_t *c, const uint8_t *pub, size_t pub_len)
{
    if (hc_libctx() == NULL) {
        return NULL;
    }
    if (c->montgomery) {
        return EVP_PKEY_new_raw_public_key_ex(libctx, c->name, NULL, pub, pub_len);
    }
    OSSL_PARAM p = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)pub, pub_len);
    return ec_fromdata(c, EVP_PKEY_PUBLIC_KEY, &p);
}

EVP_PKEY *hc_pkey_private(const hc_curve_t *c, const uint8_t *priv)
{
    if (hc_libctx() == NULL) {
        return NULL;
    }
    if (c->montgomery) {
        return EVP_PKEY_new_raw_private_key_ex(libctx, c->name, NULL, priv, c->bytes);
    }
    /* OSSL_PARAM_BN takes the integer in native (here little-endian) byte order */
    uint8_t le[HC_MAX_BYTES];
    for (size_t i = 0; i < c->bytes; i++) {
        le[i] = priv[c->bytes - 1 - i];
    }
    OSSL_PARAM p = OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PRIV_KEY, le, c->bytes);
    EVP_PKEY *k = ec_fromdata(c, EVP_PKEY_KEYPAIR, &p);
    mbedtls_platform_zeroize(le, sizeof(le));
    return k;
}

void hc_count(unsigned long *counter)
{
    __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

hostcrypto_counts_t *hc_counts(void)
{
    return &counts;
}

void hostcrypto_counts_get(hostcrypto_counts_t *out)
{
    out->keygen = __atomic_load_n(&counts.keygen, __ATOMIC_RELAXED);
    out->export_pub = __atomic_load_n(&counts.export_pub, __ATOMIC_RELAXED);
    out->ecdh = __atomic_load_n(&counts.ecdh, __ATOMIC_RELAXED);
    out->gen_public = __atomic_load_n(&counts.gen_public, __ATOMIC_RELAXED);
    out->verify = __atomic_load_n(&counts.verify, __ATOMIC_RELAXED);
    out->sign = __atomic_load_n(&counts.sign, __ATOMIC_RELAXED);
    out->aead_encrypt = __atomic_load_n(&counts.aead_encrypt, __ATOMIC_RELAXED);
    out->aead_decrypt = __atomic_load_n(&counts.aead_decrypt, __ATOMIC_RELAXED);
}
