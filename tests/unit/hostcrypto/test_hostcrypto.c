// SPDX-License-Identifier: Apache-2.0
/*
 * Host crypto acceleration (src/hostcrypto/, CONFIG_MBEDTLS_HOST_CRYPTO_OPENSSL): every
 * accelerated ECC primitive against Mbed TLS's own arithmetic, which stays in the accelerated
 * libmbedcrypto (mbedtls_ecp_mul(), mbedtls_ecp_muladd(), mbedtls_ecp_gen_key() are not
 * hooked), on random inputs; then Mbed TLS's test vectors, read at run time from its test
 * suites (tests/suites/test_suite_ecdsa.data, test_suite_ecdh.data of the source tree).
 * Tampered signatures, wrong keys and invalid points must be refused with Mbed TLS's codes.
 */
#include <stddef.h>
#include <stdint.h>

#include "unit_support.h"

#include "hostcrypto.h"

#include <mbedtls/chachapoly.h>
#include <mbedtls/ecdh.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/gcm.h>
#include <mbedtls/psa_util.h>
#include <psa/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ITER 4
#define MAXB 66

static const mbedtls_ecp_group_id curves[] = {
    MBEDTLS_ECP_DP_SECP256R1,  MBEDTLS_ECP_DP_SECP384R1, MBEDTLS_ECP_DP_SECP521R1,
    MBEDTLS_ECP_DP_BP256R1,    MBEDTLS_ECP_DP_SECP256K1, MBEDTLS_ECP_DP_SECP192R1,
    MBEDTLS_ECP_DP_CURVE25519, MBEDTLS_ECP_DP_CURVE448,
};
#define N_CURVES (sizeof(curves) / sizeof(curves[0]))

static int rng(void *p, unsigned char *buf, size_t len)
{
    (void)p;
    return psa_generate_random(buf, len) == PSA_SUCCESS ? 0 : -1;
}

static int is_montgomery(mbedtls_ecp_group_id id)
{
    return id == MBEDTLS_ECP_DP_CURVE25519 || id == MBEDTLS_ECP_DP_CURVE448;
}

/* x- (u-) coordinate of P as bytes: the reference for a shared secret. */
static size_t x_bytes(const mbedtls_ecp_group *grp, const mbedtls_ecp_point *P, uint8_t *out)
{
    uint8_t pt[1 + 2 * MAXB];
    size_t len = 0;
    assert_int_equal(
        mbedtls_ecp_point_write_binary(grp, P, MBEDTLS_ECP_PF_UNCOMPRESSED, &len, pt, sizeof(pt)),
        0);
    if (mbedtls_ecp_get_type(grp) == MBEDTLS_ECP_TYPE_MONTGOMERY) {
        memcpy(out, pt, len);
        return len;
    }
    size_t plen = (len - 1) / 2;
    memcpy(out, pt + 1, plen);
    return plen;
}

/* A shared secret z as the bytes of x_bytes(). */
static size_t z_bytes(const mbedtls_ecp_group *grp, const mbedtls_mpi *z, uint8_t *out)
{
    size_t plen = (grp->pbits + 7) / 8;
    if (mbedtls_ecp_get_type(grp) == MBEDTLS_ECP_TYPE_MONTGOMERY) {
        assert_int_equal(mbedtls_mpi_write_binary_le(z, out, plen), 0);
    } else {
        assert_int_equal(mbedtls_mpi_write_binary(z, out, plen), 0);
    }
    return plen;
}

/* ECDSA verification with Mbed TLS's arithmetic (SEC1 4.1.4): 1 if valid. */
static int reference_verify(mbedtls_ecp_group *grp, const uint8_t *hash, size_t hlen,
                            const mbedtls_ecp_point *Q, const mbedtls_mpi *r, const mbedtls_mpi *s)
{
    if (mbedtls_mpi_cmp_int(r, 1) < 0 || mbedtls_mpi_cmp_mpi(r, &grp->N) >= 0 ||
        mbedtls_mpi_cmp_int(s, 1) < 0 || mbedtls_mpi_cmp_mpi(s, &grp->N) >= 0) {
        return 0;
    }
    mbedtls_mpi e, w, u1, u2, v;
    mbedtls_ecp_point R;
    mbedtls_mpi_init(&e), mbedtls_mpi_init(&w), mbedtls_mpi_init(&u1), mbedtls_mpi_init(&u2);
    mbedtls_mpi_init(&v), mbedtls_ecp_point_init(&R);
    size_t n_size = (grp->nbits + 7) / 8, use = hlen > n_size ? n_size : hlen;
    assert_int_equal(mbedtls_mpi_read_binary(&e, hash, use), 0);
    if (use * 8 > grp->nbits) {
        assert_int_equal(mbedtls_mpi_shift_r(&e, use * 8 - grp->nbits), 0);
    }
    assert_int_equal(mbedtls_mpi_inv_mod(&w, s, &grp->N), 0);
    assert_int_equal(mbedtls_mpi_mul_mpi(&u1, &e, &w), 0);
    assert_int_equal(mbedtls_mpi_mod_mpi(&u1, &u1, &grp->N), 0);
    assert_int_equal(mbedtls_mpi_mul_mpi(&u2, r, &w), 0);
    assert_int_equal(mbedtls_mpi_mod_mpi(&u2, &u2, &grp->N), 0);
    int ok = 0;
    if (mbedtls_ecp_muladd(grp, &R, &u1, &grp->G, &u2, Q) == 0 && !mbedtls_ecp_is_zero(&R)) {
        uint8_t x[MAXB];
        size_t xl = x_bytes(grp, &R, x);
        assert_int_equal(mbedtls_mpi_read_binary(&v, x, xl), 0);
        assert_int_equal(mbedtls_mpi_mod_mpi(&v, &v, &grp->N), 0);
        ok = mbedtls_mpi_cmp_mpi(&v, r) == 0;
    }
    mbedtls_mpi_free(&e), mbedtls_mpi_free(&w), mbedtls_mpi_free(&u1), mbedtls_mpi_free(&u2);
    mbedtls_mpi_free(&v), mbedtls_ecp_point_free(&R);
    return ok;
}

/* A key pair by Mbed TLS's own generation (mbedtls_ecp_mul(), not hooked), in public fields. */
typedef struct {
    mbedtls_ecp_group grp;
    mbedtls_mpi d;
    mbedtls_ecp_point Q;
} ref_key_t;

static void key_gen(ref_key_t *k, mbedtls_ecp_group_id id)
{
    mbedtls_ecp_keypair kp;
    mbedtls_ecp_keypair_init(&kp);
    mbedtls_ecp_group_init(&k->grp), mbedtls_mpi_init(&k->d), mbedtls_ecp_point_init(&k->Q);
    assert_int_equal(mbedtls_ecp_gen_key(id, &kp, rng, NULL), 0);
    assert_int_equal(mbedtls_ecp_export(&kp, &k->grp, &k->d, &k->Q), 0);
    mbedtls_ecp_keypair_free(&kp);
}

static void key_free(ref_key_t *k)
{
    mbedtls_ecp_group_free(&k->grp), mbedtls_mpi_free(&k->d), mbedtls_ecp_point_free(&k->Q);
}

static int setup(void **state)
{
    (void)state;
    return psa_crypto_init() == PSA_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    mbedtls_psa_crypto_free();
    return 0;
}

/* ECDH and key generation: accelerated vs mbedtls_ecp_mul(). */
static void ecdh_one(mbedtls_ecp_group_id id)
{
    ref_key_t a, b;
    mbedtls_ecp_point P, Qg;
    mbedtls_mpi z, d;
    key_gen(&a, id), key_gen(&b, id);
    mbedtls_ecp_point_init(&P), mbedtls_ecp_point_init(&Qg), mbedtls_mpi_init(&z);
    mbedtls_mpi_init(&d);
    mbedtls_ecp_group *grp = &a.grp;
    uint8_t want[MAXB], got[MAXB];

    assert_int_equal(mbedtls_ecp_mul(grp, &P, &a.d, &b.Q, rng, NULL), 0);
    size_t wl = x_bytes(grp, &P, want);
    assert_int_equal(mbedtls_ecdh_compute_shared(grp, &z, &b.Q, &a.d, rng, NULL), 0);
    assert_int_equal(z_bytes(grp, &z, got), wl);
    assert_memory_equal(got, want, wl);

    /* mbedtls_ecdh_gen_public(): Q must be d * G by Mbed TLS's arithmetic */
    assert_int_equal(mbedtls_ecdh_gen_public(grp, &d, &P, rng, NULL), 0);
    assert_int_equal(mbedtls_ecp_check_privkey(grp, &d), 0);
    assert_int_equal(mbedtls_ecp_mul(grp, &Qg, &d, &grp->G, rng, NULL), 0);
    assert_int_equal(mbedtls_ecp_point_cmp(&P, &Qg), 0);

    key_free(&a), key_free(&b), mbedtls_ecp_point_free(&P), mbedtls_ecp_point_free(&Qg);
    mbedtls_mpi_free(&z), mbedtls_mpi_free(&d);
}

/* First use from several threads at once: libcrypto's context, the curve groups and the AEAD
 * ciphers are set up lazily (pthread_once, a lock); every thread must get correct results. */
static void *first_use_thread(void *arg)
{
    (void)arg;
    static const mbedtls_ecp_group_id ids[] = {MBEDTLS_ECP_DP_SECP384R1, MBEDTLS_ECP_DP_CURVE25519,
                                               MBEDTLS_ECP_DP_SECP256R1};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        ecdh_one(ids[i]);
    }
    return NULL;
}

static void test_first_use_threads(void **state)
{
    (void)state;
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_create(&t[i], NULL, first_use_thread, NULL), 0);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
    }
}

static void test_ecdh_differential(void **state)
{
    (void)state;
    for (size_t c = 0; c < N_CURVES; c++) {
        for (int i = 0; i < ITER; i++) {
            ecdh_one(curves[c]);
        }
    }
}

/* Invalid peer points are refused as Mbed TLS refuses them. */
static void test_ecdh_invalid_points(void **state)
{
    (void)state;
    ref_key_t a, m;
    mbedtls_mpi z;
    mbedtls_ecp_point bad;
    key_gen(&a, MBEDTLS_ECP_DP_SECP256R1), key_gen(&m, MBEDTLS_ECP_DP_CURVE25519);
    mbedtls_mpi_init(&z), mbedtls_ecp_point_init(&bad);
    /* off the curve: G with y + 1 */
    uint8_t pt[65];
    size_t len = 0;
    assert_int_equal(mbedtls_ecp_point_write_binary(&a.grp, &a.grp.G, MBEDTLS_ECP_PF_UNCOMPRESSED,
                                                    &len, pt, sizeof(pt)),
                     0);
    pt[64] ^= 1;
    assert_int_equal(mbedtls_ecp_point_read_binary(&a.grp, &bad, pt, len), 0);
    assert_int_equal(mbedtls_ecdh_compute_shared(&a.grp, &z, &bad, &a.d, rng, NULL),
                     MBEDTLS_ERR_ECP_INVALID_KEY);
    /* the point at infinity */
    assert_int_equal(mbedtls_ecp_set_zero(&bad), 0);
    assert_int_equal(mbedtls_ecdh_compute_shared(&a.grp, &z, &bad, &a.d, rng, NULL),
                     MBEDTLS_ERR_ECP_INVALID_KEY);
    /* X25519 with the low-order point u = 0: all-zero secret, refused */
    uint8_t zero[32] = {0};
    assert_int_equal(mbedtls_ecp_point_read_binary(&m.grp, &bad, zero, 32), 0);
    assert_int_not_equal(mbedtls_ecdh_compute_shared(&m.grp, &z, &bad, &m.d, rng, NULL), 0);
    key_free(&a), key_free(&m), mbedtls_mpi_free(&z), mbedtls_ecp_point_free(&bad);
}

/* ECDSA: accelerated sign and verify against the reference verification, tampering refused. */
static void ecdsa_one(mbedtls_ecp_group_id id, size_t hlen)
{
    ref_key_t k, other;
    mbedtls_mpi r, s, t;
    key_gen(&k, id), key_gen(&other, id);
    mbedtls_mpi_init(&r), mbedtls_mpi_init(&s), mbedtls_mpi_init(&t);
    mbedtls_ecp_group *grp = &k.grp;
    const mbedtls_ecp_point *Q = &k.Q;
    uint8_t hash[64];
    assert_int_equal(rng(NULL, hash, hlen), 0);

    assert_int_equal(mbedtls_ecdsa_sign(grp, &r, &s, &k.d, hash, hlen, rng, NULL), 0);
    assert_true(reference_verify(grp, hash, hlen, Q, &r, &s));
    assert_int_equal(mbedtls_ecdsa_verify(grp, hash, hlen, Q, &r, &s), 0);
    /* (r, n - s) is valid too: both must agree */
    assert_int_equal(mbedtls_mpi_sub_mpi(&t, &grp->N, &s), 0);
    assert_true(reference_verify(grp, hash, hlen, Q, &r, &t));
    assert_int_equal(mbedtls_ecdsa_verify(grp, hash, hlen, Q, &r, &t), 0);
    /* tampered s, r, hash; wrong key; r = 0, r = n */
    assert_int_equal(mbedtls_mpi_add_int(&t, &s, 1), 0);
    assert_false(reference_verify(grp, hash, hlen, Q, &r, &t));
    assert_int_equal(mbedtls_ecdsa_verify(grp, hash, hlen, Q, &r, &t),
                     MBEDTLS_ERR_ECP_VERIFY_FAILED);
    assert_int_equal(mbedtls_mpi_sub_int(&t, &r, 1), 0);
    assert_int_equal(mbedtls_ecdsa_verify(grp, hash, hlen, Q, &t, &s),
                     MBEDTLS_ERR_ECP_VERIFY_FAILED);
    hash[0] ^= 0x10; /* (the first bytes always count: longer hashes are truncated) */
    assert_false(reference_verify(grp, hash, hlen, Q, &r, &s));
    assert_int_equal(mbedtls_ecdsa_verify(grp, hash, hlen, Q, &r, &s),
                     MBEDTLS_ERR_ECP_VERIFY_FAILED);
    hash[0] ^= 0x10;
    assert_int_equal(mbedtls_ecdsa_verify(grp, hash, hlen, &other.Q, &r, &s),
                     MBEDTLS_ERR_ECP_VERIFY_FAILED);
    assert_int_equal(mbedtls_mpi_lset(&t, 0), 0);
    assert_int_equal(mbedtls_ecdsa_verify(grp, hash, hlen, Q, &t, &s),
                     MBEDTLS_ERR_ECP_VERIFY_FAILED);
    assert_int_equal(mbedtls_ecdsa_verify(grp, hash, hlen, Q, &grp->N, &s),
                     MBEDTLS_ERR_ECP_VERIFY_FAILED);
    key_free(&k), key_free(&other);
    mbedtls_mpi_free(&r), mbedtls_mpi_free(&s), mbedtls_mpi_free(&t);
}

static void test_ecdsa_differential(void **state)
{
    (void)state;
    static const size_t hlens[] = {32, 20, 48, 64};
    for (size_t c = 0; c < N_CURVES; c++) {
        if (is_montgomery(curves[c])) {
            continue;
        }
        for (int i = 0; i < ITER; i++) {
            ecdsa_one(curves[c], hlens[i % 4]);
        }
    }
}

/* PSA: key generation + public key export (the driver of patch 0003), agreement, signatures. */
static psa_key_id_t psa_key(psa_key_type_t type, size_t bits, psa_algorithm_t alg)
{
    psa_key_attributes_t at = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&at, type);
    psa_set_key_bits(&at, bits);
    psa_set_key_algorithm(&at, alg);
    psa_set_key_usage_flags(&at, PSA_KEY_USAGE_EXPORT | PSA_KEY_USAGE_DERIVE |
                                     PSA_KEY_USAGE_SIGN_HASH | PSA_KEY_USAGE_VERIFY_HASH);
    psa_key_id_t id = 0;
    assert_int_equal(psa_generate_key(&at, &id), PSA_SUCCESS);
    return id;
}

static void psa_one(psa_ecc_family_t fam, size_t bits)
{
    psa_algorithm_t alg = PSA_ALG_ECDH;
    psa_key_id_t a = psa_key(PSA_KEY_TYPE_ECC_KEY_PAIR(fam), bits, alg);
    psa_key_id_t b = psa_key(PSA_KEY_TYPE_ECC_KEY_PAIR(fam), bits, alg);
    uint8_t priv[MAXB], pub_a[1 + 2 * MAXB], pub_b[1 + 2 * MAXB], want[1 + 2 * MAXB];
    uint8_t z1[MAXB], z2[MAXB];
    size_t pl, la, lb, wl, l1, l2;
    assert_int_equal(psa_export_key(a, priv, sizeof(priv), &pl), PSA_SUCCESS);
    assert_int_equal(psa_export_public_key(a, pub_a, sizeof(pub_a), &la), PSA_SUCCESS);
    assert_int_equal(psa_export_public_key(b, pub_b, sizeof(pub_b), &lb), PSA_SUCCESS);

    /* reference: Mbed TLS reads the private key (range check) and multiplies G itself */
    mbedtls_ecp_keypair kp;
    ref_key_t k;
    mbedtls_ecp_point P;
    mbedtls_ecp_keypair_init(&kp), mbedtls_ecp_point_init(&P);
    mbedtls_ecp_group_init(&k.grp), mbedtls_mpi_init(&k.d), mbedtls_ecp_point_init(&k.Q);
    mbedtls_ecp_group_id gid = mbedtls_ecc_group_from_psa(fam, bits);
    assert_int_equal(mbedtls_ecp_read_key(gid, &kp, priv, pl), 0);
    assert_int_equal(mbedtls_ecp_export(&kp, &k.grp, &k.d, &k.Q), 0);
    assert_int_equal(mbedtls_ecp_mul(&k.grp, &P, &k.d, &k.grp.G, rng, NULL), 0);
    assert_int_equal(mbedtls_ecp_point_write_binary(&k.grp, &P, MBEDTLS_ECP_PF_UNCOMPRESSED, &wl,
                                                    want, sizeof(want)),
                     0);
    assert_int_equal(la, wl);
    assert_memory_equal(pub_a, want, wl);

    assert_int_equal(psa_raw_key_agreement(alg, a, pub_b, lb, z1, sizeof(z1), &l1), PSA_SUCCESS);
    assert_int_equal(psa_raw_key_agreement(alg, b, pub_a, la, z2, sizeof(z2), &l2), PSA_SUCCESS);
    assert_int_equal(l1, l2);
    assert_memory_equal(z1, z2, l1);
    mbedtls_ecp_keypair_free(&kp), key_free(&k), mbedtls_ecp_point_free(&P);
    psa_destroy_key(a);
    psa_destroy_key(b);
}

static void test_psa_keygen_export_agreement(void **state)
{
    (void)state;
    hostcrypto_counts_t before, after;
    hostcrypto_counts_get(&before);
    for (int i = 0; i < ITER; i++) {
        psa_one(PSA_ECC_FAMILY_SECP_R1, 256);
        psa_one(PSA_ECC_FAMILY_SECP_R1, 384);
        psa_one(PSA_ECC_FAMILY_SECP_R1, 521);
        psa_one(PSA_ECC_FAMILY_MONTGOMERY, 255);
        psa_one(PSA_ECC_FAMILY_MONTGOMERY, 448);
        psa_one(PSA_ECC_FAMILY_BRAINPOOL_P_R1, 256);
    }
    hostcrypto_counts_get(&after);
    /* the accelerated paths are the ones taken */
    assert_true(after.keygen >= before.keygen + 12 * ITER);
    assert_true(after.export_pub >= before.export_pub + 12 * ITER);
    assert_true(after.ecdh >= before.ecdh + 12 * ITER);
}

static void test_psa_signature(void **state)
{
    (void)state;
    psa_algorithm_t alg = PSA_ALG_ECDSA(PSA_ALG_SHA_256);
    psa_key_id_t k = psa_key(PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1), 256, alg);
    uint8_t hash[32], sig[64];
    size_t sl;
    assert_int_equal(psa_generate_random(hash, sizeof(hash)), PSA_SUCCESS);
    hostcrypto_counts_t before, after;
    hostcrypto_counts_get(&before);
    assert_int_equal(psa_sign_hash(k, alg, hash, 32, sig, sizeof(sig), &sl), PSA_SUCCESS);
    assert_int_equal(psa_verify_hash(k, alg, hash, 32, sig, sl), PSA_SUCCESS);
    sig[5] ^= 1;
    assert_int_equal(psa_verify_hash(k, alg, hash, 32, sig, sl), PSA_ERROR_INVALID_SIGNATURE);
    sig[5] ^= 1;
    hash[0] ^= 1;
    assert_int_equal(psa_verify_hash(k, alg, hash, 32, sig, sl), PSA_ERROR_INVALID_SIGNATURE);
    hostcrypto_counts_get(&after);
    assert_int_equal(after.sign, before.sign + 1);
    assert_int_equal(after.verify, before.verify + 1);
    psa_destroy_key(k);
}

/* ---- AEAD (PSA one-shot, the record layer's calls with MBEDTLS_USE_PSA_CRYPTO) ------------ */

/* Mbed TLS's own AES-GCM / ChaCha20-Poly1305 (legacy modules, not hooked): ct || tag. */
static void reference_seal(psa_key_type_t type, const uint8_t *key, size_t key_len, size_t tag_len,
                           const uint8_t *nonce, size_t nonce_len, const uint8_t *ad, size_t ad_len,
                           const uint8_t *pt, size_t len, uint8_t *out)
{
    if (type == PSA_KEY_TYPE_AES) {
        mbedtls_gcm_context g;
        mbedtls_gcm_init(&g);
        assert_int_equal(mbedtls_gcm_setkey(&g, MBEDTLS_CIPHER_ID_AES, key, key_len * 8), 0);
        assert_int_equal(mbedtls_gcm_crypt_and_tag(&g, MBEDTLS_GCM_ENCRYPT, len, nonce, nonce_len,
                                                   ad, ad_len, pt, out, tag_len, out + len),
                         0);
        mbedtls_gcm_free(&g);
        return;
    }
    mbedtls_chachapoly_context c;
    mbedtls_chachapoly_init(&c);
    assert_int_equal(mbedtls_chachapoly_setkey(&c, key), 0);
    assert_int_equal(
        mbedtls_chachapoly_encrypt_and_tag(&c, len, nonce, ad, ad_len, pt, out, out + len), 0);
    mbedtls_chachapoly_free(&c);
}

static psa_key_id_t aead_key(psa_key_type_t type, const uint8_t *key, size_t key_len,
                             psa_algorithm_t alg)
{
    psa_key_attributes_t at = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&at, type);
    psa_set_key_algorithm(&at, alg);
    psa_set_key_usage_flags(&at, PSA_KEY_USAGE_ENCRYPT | PSA_KEY_USAGE_DECRYPT);
    psa_key_id_t id = 0;
    assert_int_equal(psa_import_key(&at, key, key_len, &id), PSA_SUCCESS);
    return id;
}

static void aead_one(psa_key_type_t type, size_t key_len, psa_algorithm_t alg, size_t tag_len,
                     size_t nonce_len, size_t len, size_t ad_len)
{
    static uint8_t pt[20000], ct[20016], want[20016], back[20016];
    uint8_t key[32], nonce[16], ad[64];
    assert_int_equal(rng(NULL, key, key_len), 0);
    assert_int_equal(rng(NULL, nonce, nonce_len), 0);
    assert_int_equal(rng(NULL, ad, ad_len), 0);
    assert_int_equal(rng(NULL, pt, len), 0);
    psa_key_id_t k = aead_key(type, key, key_len, alg);
    size_t cl = 0, bl = 0;
    assert_int_equal(
        psa_aead_encrypt(k, alg, nonce, nonce_len, ad, ad_len, pt, len, ct, sizeof(ct), &cl),
        PSA_SUCCESS);
    assert_int_equal(cl, len + tag_len);
    reference_seal(type, key, key_len, tag_len, nonce, nonce_len, ad, ad_len, pt, len, want);
    assert_memory_equal(ct, want, cl);
    assert_int_equal(
        psa_aead_decrypt(k, alg, nonce, nonce_len, ad, ad_len, ct, cl, back, sizeof(back), &bl),
        PSA_SUCCESS);
    assert_int_equal(bl, len);
    assert_memory_equal(back, pt, len);
    /* tampered tag, ciphertext, additional data: refused, output wiped */
    ct[cl - 1] ^= 1;
    assert_int_equal(
        psa_aead_decrypt(k, alg, nonce, nonce_len, ad, ad_len, ct, cl, back, sizeof(back), &bl),
        PSA_ERROR_INVALID_SIGNATURE);
    ct[cl - 1] ^= 1;
    if (len > 0) {
        ct[len / 2] ^= 0x80;
        assert_int_equal(
            psa_aead_decrypt(k, alg, nonce, nonce_len, ad, ad_len, ct, cl, back, sizeof(back), &bl),
            PSA_ERROR_INVALID_SIGNATURE);
        ct[len / 2] ^= 0x80;
    }
    if (ad_len > 0) {
        ad[0] ^= 1;
        assert_int_equal(
            psa_aead_decrypt(k, alg, nonce, nonce_len, ad, ad_len, ct, cl, back, sizeof(back), &bl),
            PSA_ERROR_INVALID_SIGNATURE);
    }
    psa_destroy_key(k);
}

static void test_aead_differential(void **state)
{
    (void)state;
    hostcrypto_counts_t before, after;
    hostcrypto_counts_get(&before);
    static const size_t lens[] = {0, 1, 15, 16, 17, 255, 4096, 16384, 16400};
    int calls = 0;
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        size_t ad = i % 3 == 0 ? 0 : 13;
        aead_one(PSA_KEY_TYPE_AES, 16, PSA_ALG_GCM, 16, 12, lens[i], ad);
        aead_one(PSA_KEY_TYPE_AES, 32, PSA_ALG_GCM, 16, 12, lens[i], ad);
        aead_one(PSA_KEY_TYPE_AES, 24, PSA_ALG_AEAD_WITH_SHORTENED_TAG(PSA_ALG_GCM, 8), 8, 16,
                 lens[i], 64);
        aead_one(PSA_KEY_TYPE_CHACHA20, 32, PSA_ALG_CHACHA20_POLY1305, 16, 12, lens[i], ad);
        calls += 4;
    }
    hostcrypto_counts_get(&after);
    assert_true(after.aead_encrypt >= before.aead_encrypt + (unsigned long)calls);
    assert_true(after.aead_decrypt >= before.aead_decrypt + (unsigned long)calls);
}

/* In place, as the TLS record layer encrypts (the same buffer in and out). */
static void test_aead_in_place(void **state)
{
    (void)state;
    static uint8_t buf[16384 + 16], copy[16384];
    uint8_t key[16] = {1}, nonce[12] = {2}, ad[13] = {3};
    assert_int_equal(rng(NULL, buf, 16384), 0);
    memcpy(copy, buf, sizeof(copy));
    psa_key_id_t k = aead_key(PSA_KEY_TYPE_AES, key, 16, PSA_ALG_GCM);
    size_t l = 0;
    assert_int_equal(
        psa_aead_encrypt(k, PSA_ALG_GCM, nonce, 12, ad, 13, buf, 16384, buf, sizeof(buf), &l),
        PSA_SUCCESS);
    assert_memory_not_equal(buf, copy, 64);
    assert_int_equal(
        psa_aead_decrypt(k, PSA_ALG_GCM, nonce, 12, ad, 13, buf, l, buf, sizeof(buf), &l),
        PSA_SUCCESS);
    assert_int_equal(l, 16384);
    assert_memory_equal(buf, copy, 16384);
    psa_destroy_key(k);
}

/* ---- Mbed TLS's test vectors, read from its test suites --------------------------------- */

static const struct {
    const char *name;
    int value;
} names[] = {
    {"MBEDTLS_ECP_DP_SECP192R1", MBEDTLS_ECP_DP_SECP192R1},
    {"MBEDTLS_ECP_DP_SECP224R1", MBEDTLS_ECP_DP_SECP224R1},
    {"MBEDTLS_ECP_DP_SECP256R1", MBEDTLS_ECP_DP_SECP256R1},
    {"MBEDTLS_ECP_DP_SECP384R1", MBEDTLS_ECP_DP_SECP384R1},
    {"MBEDTLS_ECP_DP_SECP521R1", MBEDTLS_ECP_DP_SECP521R1},
    {"MBEDTLS_ECP_DP_BP256R1", MBEDTLS_ECP_DP_BP256R1},
    {"MBEDTLS_ECP_DP_BP384R1", MBEDTLS_ECP_DP_BP384R1},
    {"MBEDTLS_ECP_DP_BP512R1", MBEDTLS_ECP_DP_BP512R1},
    {"MBEDTLS_ECP_DP_SECP192K1", MBEDTLS_ECP_DP_SECP192K1},
    {"MBEDTLS_ECP_DP_SECP224K1", MBEDTLS_ECP_DP_SECP224K1},
    {"MBEDTLS_ECP_DP_SECP256K1", MBEDTLS_ECP_DP_SECP256K1},
    {"MBEDTLS_ECP_DP_CURVE25519", MBEDTLS_ECP_DP_CURVE25519},
    {"MBEDTLS_ECP_DP_CURVE448", MBEDTLS_ECP_DP_CURVE448},
    {"MBEDTLS_MD_SHA1", MBEDTLS_MD_SHA1},
    {"MBEDTLS_MD_SHA224", MBEDTLS_MD_SHA224},
    {"MBEDTLS_MD_SHA256", MBEDTLS_MD_SHA256},
    {"MBEDTLS_MD_SHA384", MBEDTLS_MD_SHA384},
    {"MBEDTLS_MD_SHA512", MBEDTLS_MD_SHA512},
    {"MBEDTLS_MD_SHA3_224", MBEDTLS_MD_SHA3_224},
    {"MBEDTLS_MD_SHA3_256", MBEDTLS_MD_SHA3_256},
    {"MBEDTLS_MD_SHA3_384", MBEDTLS_MD_SHA3_384},
    {"MBEDTLS_MD_SHA3_512", MBEDTLS_MD_SHA3_512},
    {"0", 0},
    {"1", 1},
    {"MBEDTLS_ERR_ECP_INVALID_KEY", MBEDTLS_ERR_ECP_INVALID_KEY},
};

static int name_value(const char *s)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(s, names[i].name) == 0) {
            return names[i].value;
        }
    }
    fail_msg("unknown name in test vector: %s", s);
    return -1;
}

/* Fields of one "function:arg:arg..." line, quotes removed (in place). */
static int split(char *line, char **f, int max)
{
    int n = 0;
    for (char *p = strtok(line, ":\n"); p != NULL && n < max; p = strtok(NULL, ":\n")) {
        size_t l = strlen(p);
        if (l >= 2 && p[0] == '"' && p[l - 1] == '"') {
            p[l - 1] = '\0';
            p++;
        }
        f[n++] = p;
    }
    return n;
}

static size_t unhex(const char *s, uint8_t *out, size_t max)
{
    size_t n = strlen(s) / 2;
    assert_true(n <= max);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    return n;
}

typedef struct {
    const uint8_t *buf;
    size_t len;
} buf_rng_t;

/* The suites' buffer RNG: the given bytes, then zeros (vectors never need more). */
static int buffer_rng(void *p, unsigned char *out, size_t len)
{
    buf_rng_t *b = p;
    size_t use = len < b->len ? len : b->len;
    memcpy(out, b->buf, use);
    memset(out + use, 0, len - use);
    b->buf += use;
    b->len -= use;
    return 0;
}

/* The suites give random scalars as numbers; Mbed TLS draws nbits bits, so the bytes the
 * generator returns are the number shifted to the left (curves such as P-521). */
static void left_align(const mbedtls_ecp_group *grp, uint8_t *b, size_t len)
{
    if (grp->nbits % 8 == 0) {
        return;
    }
    unsigned sh = 8 - grp->nbits % 8;
    for (size_t i = 0; i + 1 < len; i++) {
        b[i] = (uint8_t)(b[i] << sh | b[i + 1] >> (8 - sh));
    }
    b[len - 1] = (uint8_t)(b[len - 1] << sh);
}

/* ecdsa_det_test_vectors:grp:d:md:hash:r:s (RFC 6979 and others). */
static int vec_ecdsa_det(char **f)
{
    mbedtls_ecp_group grp;
    mbedtls_mpi d, r, s, rw, sw;
    mbedtls_ecp_point Q;
    mbedtls_ecp_group_init(&grp), mbedtls_mpi_init(&d), mbedtls_mpi_init(&r), mbedtls_mpi_init(&s);
    mbedtls_mpi_init(&rw), mbedtls_mpi_init(&sw), mbedtls_ecp_point_init(&Q);
    uint8_t hash[64];
    assert_int_equal(mbedtls_ecp_group_load(&grp, name_value(f[1])), 0);
    assert_int_equal(mbedtls_mpi_read_string(&d, 16, f[2]), 0);
    size_t hl = unhex(f[4], hash, sizeof(hash));
    assert_int_equal(mbedtls_mpi_read_string(&rw, 16, f[5]), 0);
    assert_int_equal(mbedtls_mpi_read_string(&sw, 16, f[6]), 0);
    assert_int_equal(
        mbedtls_ecdsa_sign_det_ext(&grp, &r, &s, &d, hash, hl, name_value(f[3]), rng, NULL), 0);
    assert_int_equal(mbedtls_mpi_cmp_mpi(&r, &rw), 0);
    assert_int_equal(mbedtls_mpi_cmp_mpi(&s, &sw), 0);
    assert_int_equal(mbedtls_ecp_mul(&grp, &Q, &d, &grp.G, rng, NULL), 0);
    assert_int_equal(mbedtls_ecdsa_verify(&grp, hash, hl, &Q, &r, &s), 0);
    assert_int_equal(mbedtls_ecdsa_verify(&grp, hash, hl, &grp.G, &r, &s),
                     MBEDTLS_ERR_ECP_VERIFY_FAILED);
    mbedtls_ecp_group_free(&grp), mbedtls_mpi_free(&d), mbedtls_mpi_free(&r), mbedtls_mpi_free(&s);
    mbedtls_mpi_free(&rw), mbedtls_mpi_free(&sw), mbedtls_ecp_point_free(&Q);
    return 1;
}

/* ecdsa_prim_test_vectors:grp:d:xQ:yQ:k bytes:hash:r:s:result. */
static int vec_ecdsa_prim(char **f)
{
    mbedtls_ecp_group grp;
    mbedtls_mpi d, r, s, rw, sw;
    mbedtls_ecp_point Q;
    mbedtls_ecp_group_init(&grp), mbedtls_mpi_init(&d), mbedtls_mpi_init(&r), mbedtls_mpi_init(&s);
    mbedtls_mpi_init(&rw), mbedtls_mpi_init(&sw), mbedtls_ecp_point_init(&Q);
    uint8_t kb[MAXB], hash[64];
    assert_int_equal(mbedtls_ecp_group_load(&grp, name_value(f[1])), 0);
    assert_int_equal(mbedtls_mpi_read_string(&d, 16, f[2]), 0);
    assert_int_equal(mbedtls_ecp_point_read_string(&Q, 16, f[3], f[4]), 0);
    size_t kl = unhex(f[5], kb, sizeof(kb));
    left_align(&grp, kb, kl);
    size_t hl = unhex(f[6], hash, sizeof(hash));
    int result = name_value(f[9]);
    buf_rng_t br = {kb, kl};
    assert_int_equal(mbedtls_ecdsa_sign(&grp, &r, &s, &d, hash, hl, buffer_rng, &br), result);
    if (result == 0) {
        assert_int_equal(mbedtls_mpi_read_string(&rw, 16, f[7]), 0);
        assert_int_equal(mbedtls_mpi_read_string(&sw, 16, f[8]), 0);
        assert_int_equal(mbedtls_mpi_cmp_mpi(&r, &rw), 0);
        assert_int_equal(mbedtls_mpi_cmp_mpi(&s, &sw), 0);
        assert_int_equal(mbedtls_ecdsa_verify(&grp, hash, hl, &Q, &r, &s), 0);
        assert_int_equal(mbedtls_mpi_add_int(&s, &s, 1), 0);
        assert_int_equal(mbedtls_ecdsa_verify(&grp, hash, hl, &Q, &r, &s),
                         MBEDTLS_ERR_ECP_VERIFY_FAILED);
    }
    mbedtls_ecp_group_free(&grp), mbedtls_mpi_free(&d), mbedtls_mpi_free(&r), mbedtls_mpi_free(&s);
    mbedtls_mpi_free(&rw), mbedtls_mpi_free(&sw), mbedtls_ecp_point_free(&Q);
    return 1;
}

/* ecdh_primitive_testvec:grp:dA bytes:xA:yA:dB bytes:xB:yB:z. */
static int vec_ecdh_prim(char **f)
{
    mbedtls_ecp_group grp;
    mbedtls_mpi dA, dB, z, zw;
    mbedtls_ecp_point QA, QB, W;
    mbedtls_ecp_group_init(&grp), mbedtls_mpi_init(&dA), mbedtls_mpi_init(&dB);
    mbedtls_mpi_init(&z), mbedtls_mpi_init(&zw), mbedtls_ecp_point_init(&QA);
    mbedtls_ecp_point_init(&QB), mbedtls_ecp_point_init(&W);
    uint8_t ra[MAXB], rb[MAXB];
    assert_int_equal(mbedtls_ecp_group_load(&grp, name_value(f[1])), 0);
    buf_rng_t a = {ra, unhex(f[2], ra, sizeof(ra))}, b = {rb, unhex(f[5], rb, sizeof(rb))};
    left_align(&grp, ra, a.len), left_align(&grp, rb, b.len);
    assert_int_equal(mbedtls_ecdh_gen_public(&grp, &dA, &QA, buffer_rng, &a), 0);
    assert_int_equal(mbedtls_ecp_point_read_string(&W, 16, f[3], f[4]), 0);
    assert_int_equal(mbedtls_ecp_point_cmp(&QA, &W), 0);
    assert_int_equal(mbedtls_ecdh_gen_public(&grp, &dB, &QB, buffer_rng, &b), 0);
    assert_int_equal(mbedtls_ecp_point_read_string(&W, 16, f[6], f[7]), 0);
    assert_int_equal(mbedtls_ecp_point_cmp(&QB, &W), 0);
    assert_int_equal(mbedtls_mpi_read_string(&zw, 16, f[8]), 0);
    assert_int_equal(mbedtls_ecdh_compute_shared(&grp, &z, &QB, &dA, rng, NULL), 0);
    assert_int_equal(mbedtls_mpi_cmp_mpi(&z, &zw), 0);
    assert_int_equal(mbedtls_ecdh_compute_shared(&grp, &z, &QA, &dB, rng, NULL), 0);
    assert_int_equal(mbedtls_mpi_cmp_mpi(&z, &zw), 0);
    mbedtls_ecp_group_free(&grp), mbedtls_mpi_free(&dA), mbedtls_mpi_free(&dB);
    mbedtls_mpi_free(&z), mbedtls_mpi_free(&zw), mbedtls_ecp_point_free(&QA);
    mbedtls_ecp_point_free(&QB), mbedtls_ecp_point_free(&W);
    return 1;
}

/* ecdh_exchange_calc_secret:grp:our private key:their point:ours_first:secret, through PSA. */
static int vec_ecdh_calc(char **f)
{
    int gid = name_value(f[1]);
    size_t bits = 0;
    psa_ecc_family_t fam = mbedtls_ecc_group_to_psa(gid, &bits);
    if (fam == 0) {
        return 0;
    }
    uint8_t priv[MAXB], peer[1 + 2 * MAXB], want[MAXB], got[MAXB];
    size_t pl = unhex(f[2], priv, sizeof(priv)), ql = unhex(f[3], peer, sizeof(peer));
    size_t wl = unhex(f[5], want, sizeof(want)), gl = 0;
    psa_key_attributes_t at = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&at, PSA_KEY_TYPE_ECC_KEY_PAIR(fam));
    psa_set_key_algorithm(&at, PSA_ALG_ECDH);
    psa_set_key_usage_flags(&at, PSA_KEY_USAGE_DERIVE);
    psa_key_id_t k = 0;
    assert_int_equal(psa_import_key(&at, priv, pl, &k), PSA_SUCCESS);
    assert_int_equal(psa_raw_key_agreement(PSA_ALG_ECDH, k, peer, ql, got, sizeof(got), &gl),
                     PSA_SUCCESS);
    assert_int_equal(gl, wl);
    assert_memory_equal(got, want, wl);
    psa_destroy_key(k);
    return 1;
}

static int run_suite(const char *file, const char *fn, int (*check)(char **), int min_fields)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", HC_SUITES_DIR, file);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    static char line[8192];
    int done = 0;
    size_t fl = strlen(fn);
    while (fgets(line, sizeof(line), fp) != NULL) {
        if (strncmp(line, fn, fl) != 0 || line[fl] != ':') {
            continue;
        }
        char *f[16];
        int n = split(line, f, 16);
        assert_true(n >= min_fields);
        done += check(f);
    }
    fclose(fp);
    return done;
}

static void test_mbedtls_vectors(void **state)
{
    (void)state;
    int det = run_suite("test_suite_ecdsa.data", "ecdsa_det_test_vectors", vec_ecdsa_det, 7);
    int prim = run_suite("test_suite_ecdsa.data", "ecdsa_prim_test_vectors", vec_ecdsa_prim, 10);
    int ecdh = run_suite("test_suite_ecdh.data", "ecdh_primitive_testvec", vec_ecdh_prim, 9);
    int calc = run_suite("test_suite_ecdh.data", "ecdh_exchange_calc_secret", vec_ecdh_calc, 6);
    print_message("Mbed TLS vectors: %d deterministic ECDSA, %d ECDSA, %d ECDH, %d PSA ECDH\n", det,
                  prim, ecdh, calc);
    assert_true(det >= 40 && prim >= 3 && ecdh >= 3 && calc >= 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_use_threads),
        cmocka_unit_test(test_ecdh_differential),
        cmocka_unit_test(test_ecdh_invalid_points),
        cmocka_unit_test(test_ecdsa_differential),
        cmocka_unit_test(test_psa_keygen_export_agreement),
        cmocka_unit_test(test_psa_signature),
        cmocka_unit_test(test_aead_differential),
        cmocka_unit_test(test_aead_in_place),
        cmocka_unit_test(test_mbedtls_vectors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
