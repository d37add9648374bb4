// SPDX-License-Identifier: Apache-2.0
/*
 * PSA transparent driver of the accelerator: one-shot AEAD (psa_aead_encrypt(),
 * psa_aead_decrypt()) for AES-GCM and ChaCha20-Poly1305 with libcrypto (hostcrypto.h; called
 * from the driver wrappers of patches/mbedtls/0003). This is what the TLS record layer calls
 * with MBEDTLS_USE_PSA_CRYPTO; without it TLS uses Mbed TLS's cipher module, which this does
 * not reach (docs/performance.md).
 *
 * The ciphers are fetched once per process (pthread_once). Each call makes one
 * EVP_CIPHER_CTX, which EVP_CIPHER_CTX_free() cleanses (key schedule included). Anything
 * unusual (other key types or tag lengths, a buffer too small, a ciphertext shorter than the
 * tag) is answered PSA_ERROR_NOT_SUPPORTED, so that Mbed TLS's built-in code runs and gives
 * its own result; a wrong tag is PSA_ERROR_INVALID_SIGNATURE, as from Mbed TLS.
 */
#include "hc_internal.h"

#include <limits.h>
#include <mbedtls/platform_util.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <pthread.h>
#include <string.h>

enum { HC_GCM128, HC_GCM192, HC_GCM256, HC_CHACHAPOLY, HC_N_AEAD };
static const char *const aead_names[HC_N_AEAD] = {"AES-128-GCM", "AES-192-GCM", "AES-256-GCM",
                                                  "ChaCha20-Poly1305"};
static EVP_CIPHER *aead[HC_N_AEAD];
static pthread_once_t aead_once = PTHREAD_ONCE_INIT;

static void aead_init(void)
{
    OSSL_LIB_CTX *ctx = hc_libctx();
    for (int i = 0; ctx != NULL && i < HC_N_AEAD; i++) {
        ERR_set_mark();
        aead[i] = EVP_CIPHER_fetch(ctx, aead_names[i], NULL);
        ERR_pop_to_mark();
    }
}

/* The libcrypto cipher for this key and algorithm, with the tag length; NULL if not ours. */
static const EVP_CIPHER *cipher_of(const psa_key_attributes_t *attributes, psa_algorithm_t alg,
                                   size_t nonce_length, size_t *tag_len)
{
    psa_key_type_t type = psa_get_key_type(attributes);
    size_t bits = psa_get_key_bits(attributes);
    psa_algorithm_t base = PSA_ALG_AEAD_WITH_DEFAULT_LENGTH_TAG(alg);
    int i = -1;
    if (base == PSA_ALG_GCM && type == PSA_KEY_TYPE_AES && nonce_length >= 1) {
        i = bits == 128 ? HC_GCM128 : bits == 192 ? HC_GCM192 : bits == 256 ? HC_GCM256 : -1;
    } else if (base == PSA_ALG_CHACHA20_POLY1305 && type == PSA_KEY_TYPE_CHACHA20 && bits == 256 &&
               nonce_length == 12) {
        i = HC_CHACHAPOLY;
    }
    *tag_len = PSA_AEAD_TAG_LENGTH(type, bits, alg);
    if (i < 0 || *tag_len < 4 || *tag_len > 16 || (i == HC_CHACHAPOLY && *tag_len != 16)) {
        return NULL;
    }
    pthread_once(&aead_once, aead_init);
    return aead[i];
}

/* A context set up with key and nonce (NULL on failure). */
static EVP_CIPHER_CTX *start(const EVP_CIPHER *cipher, int enc, const uint8_t *key,
                             const uint8_t *nonce, size_t nonce_length)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    size_t ivlen = nonce_length;
    OSSL_PARAM p[] = {OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &ivlen),
                      OSSL_PARAM_construct_end()};
    int ok = c != NULL && EVP_CipherInit_ex2(c, cipher, NULL, NULL, enc, NULL) == 1 &&
             EVP_CIPHER_CTX_set_params(c, p) == 1 &&
             EVP_CipherInit_ex2(c, NULL, key, nonce, enc, NULL) == 1;
    if (!ok) {
        EVP_CIPHER_CTX_free(c);
        return NULL;
    }
    return c;
}

/* Additional data, then in -> out (len bytes; may be the same buffer). */
static int run(EVP_CIPHER_CTX *c, const uint8_t *ad, size_t ad_len, const uint8_t *in, size_t len,
               uint8_t *out)
{
    int n = 0;
    if (ad_len > 0 && EVP_CipherUpdate(c, NULL, &n, ad, (int)ad_len) != 1) {
        return 0;
    }
    return len == 0 || (EVP_CipherUpdate(c, out, &n, in, (int)len) == 1 && (size_t)n == len);
}

/* The cipher for this key and algorithm when libcrypto takes the call: a key of the size its
 * attributes say, input and additional data within libcrypto's int lengths; else NULL. */
static const EVP_CIPHER *usable_cipher(const psa_key_attributes_t *attributes,
                                       size_t key_buffer_size, psa_algorithm_t alg,
                                       size_t nonce_length, size_t in_len, size_t ad_len,
                                       size_t *tag_len)
{
    const EVP_CIPHER *cipher = cipher_of(attributes, alg, nonce_length, tag_len);
    if (cipher == NULL || key_buffer_size * 8 != psa_get_key_bits(attributes) ||
        in_len > INT_MAX / 2 || ad_len > INT_MAX / 2) {
        return NULL;
    }
    return cipher;
}

psa_status_t hostcrypto_psa_aead_encrypt(const psa_key_attributes_t *attributes,
                                         const uint8_t *key_buffer, size_t key_buffer_size,
                                         psa_algorithm_t alg, const uint8_t *nonce,
                                         size_t nonce_length, const uint8_t *additional_data,
                                         size_t additional_data_length, const uint8_t *plaintext,
                                         size_t plaintext_length, uint8_t *ciphertext,
                                         size_t ciphertext_size, size_t *ciphertext_length)
{
    size_t tag_len = 0;
    const EVP_CIPHER *cipher = usable_cipher(attributes, key_buffer_size, alg, nonce_length,
                                             plaintext_length, additional_data_length, &tag_len);
    if (cipher == NULL || ciphertext_size < plaintext_length + tag_len) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    ERR_set_mark();
    EVP_CIPHER_CTX *c = start(cipher, 1, key_buffer, nonce, nonce_length);
    int n = 0;
    int ok =
        c != NULL &&
        run(c, additional_data, additional_data_length, plaintext, plaintext_length, ciphertext) &&
        EVP_CipherFinal_ex(c, ciphertext + plaintext_length, &n) == 1 &&
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, (int)tag_len,
                            ciphertext + plaintext_length) == 1;
    EVP_CIPHER_CTX_free(c);
    ERR_pop_to_mark();
    if (!ok) {
        mbedtls_platform_zeroize(ciphertext, ciphertext_size);
        return PSA_ERROR_GENERIC_ERROR;
    }
    *ciphertext_length = plaintext_length + tag_len;
    hc_count(&hc_counts()->aead_encrypt);
    return PSA_SUCCESS;
}

psa_status_t hostcrypto_psa_aead_decrypt(const psa_key_attributes_t *attributes,
                                         const uint8_t *key_buffer, size_t key_buffer_size,
                                         psa_algorithm_t alg, const uint8_t *nonce,
                                         size_t nonce_length, const uint8_t *additional_data,
                                         size_t additional_data_length, const uint8_t *ciphertext,
                                         size_t ciphertext_length, uint8_t *plaintext,
                                         size_t plaintext_size, size_t *plaintext_length)
{
    size_t tag_len = 0;
    const EVP_CIPHER *cipher = usable_cipher(attributes, key_buffer_size, alg, nonce_length,
                                             ciphertext_length, additional_data_length, &tag_len);
    if (cipher == NULL || ciphertext_length < tag_len ||
        plaintext_size < ciphertext_length - tag_len) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    size_t len = ciphertext_length - tag_len;
    uint8_t tag[16];
    memcpy(tag, ciphertext + len, tag_len); /* before an in-place decryption overwrites */
    ERR_set_mark();
    EVP_CIPHER_CTX *c = start(cipher, 0, key_buffer, nonce, nonce_length);
    int n = 0,
        ok = c != NULL && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, (int)tag_len, tag) == 1;
    ok = ok && run(c, additional_data, additional_data_length, ciphertext, len, plaintext);
    int auth = ok && EVP_CipherFinal_ex(c, plaintext + len, &n) == 1;
    EVP_CIPHER_CTX_free(c);
    ERR_pop_to_mark();
    if (!auth) {
        mbedtls_platform_zeroize(plaintext, plaintext_size);
        return ok ? PSA_ERROR_INVALID_SIGNATURE : PSA_ERROR_GENERIC_ERROR;
    }
    *plaintext_length = len;
    hc_count(&hc_counts()->aead_decrypt);
    return PSA_SUCCESS;
}
