// SPDX-License-Identifier: Apache-2.0
/*
 * Host crypto acceleration: Mbed TLS 3.6's elliptic-curve work done by OpenSSL 3's libcrypto.
 *
 * This is libhostcrypto.a, a library of its own beside the private Mbed TLS (README.md here):
 * it depends on Mbed TLS's public headers and on libcrypto only, and the accelerated
 * libmbedcrypto.a needs it (CONFIG_MBEDTLS_HOST_CRYPTO_OPENSSL). It provides
 *   - Mbed TLS's function-level hooks (bodies of functions Mbed TLS leaves out with the
 *     matching *_ALT macro): mbedtls_ecdsa_verify(), mbedtls_ecdsa_sign(),
 *     mbedtls_ecdh_compute_shared(), mbedtls_ecdh_gen_public();
 *   - a PSA transparent driver for ECC key generation and public-key export and for one-shot
 *     AEAD (AES-GCM, ChaCha20-Poly1305), called by the driver wrappers of
 *     patches/mbedtls/0003-host-crypto-driver-hook.patch.
 * Nothing here is exported from libesp_tls.so (only include/ is).
 */
#pragma once

#include <psa/crypto.h>
#include <stddef.h>
#include <stdint.h>

/* PSA transparent-driver entry points (HOSTCRYPTO_PSA_DRIVER, patch 0003). They return
 * PSA_ERROR_NOT_SUPPORTED for any key they do not handle, so Mbed TLS's built-in code runs. */

/** Generate an ECC key pair of @p attributes' type and size: the private key in PSA's
 *  export format (big-endian scalar; little-endian for Curve25519/448). */
psa_status_t hostcrypto_psa_generate_key(const psa_key_attributes_t *attributes,
                                         uint8_t *key_buffer, size_t key_buffer_size,
                                         size_t *key_buffer_length);

/** The public key of an ECC key pair held in PSA's export format (uncompressed point, or
 *  the u-coordinate for Curve25519/448). */
psa_status_t hostcrypto_psa_export_public_key(const psa_key_attributes_t *attributes,
                                              const uint8_t *key_buffer, size_t key_buffer_size,
                                              uint8_t *data, size_t data_size, size_t *data_length);

/** One-shot AEAD encryption (AES-GCM with 128/192/256-bit keys, ChaCha20-Poly1305). */
psa_status_t hostcrypto_psa_aead_encrypt(const psa_key_attributes_t *attributes,
                                         const uint8_t *key_buffer, size_t key_buffer_size,
                                         psa_algorithm_t alg, const uint8_t *nonce,
                                         size_t nonce_length, const uint8_t *additional_data,
                                         size_t additional_data_length, const uint8_t *plaintext,
                                         size_t plaintext_length, uint8_t *ciphertext,
                                         size_t ciphertext_size, size_t *ciphertext_length);

/** One-shot AEAD decryption; PSA_ERROR_INVALID_SIGNATURE when the tag does not match. */
psa_status_t hostcrypto_psa_aead_decrypt(const psa_key_attributes_t *attributes,
                                         const uint8_t *key_buffer, size_t key_buffer_size,
                                         psa_algorithm_t alg, const uint8_t *nonce,
                                         size_t nonce_length, const uint8_t *additional_data,
                                         size_t additional_data_length, const uint8_t *ciphertext,
                                         size_t ciphertext_length, uint8_t *plaintext,
                                         size_t plaintext_size, size_t *plaintext_length);

/** How often each accelerated entry point succeeded in this process (tests check that the
 *  accelerated path is the one taken). */
typedef struct {
    unsigned long keygen;       /**< hostcrypto_psa_generate_key() */
    unsigned long export_pub;   /**< hostcrypto_psa_export_public_key() */
    unsigned long ecdh;         /**< mbedtls_ecdh_compute_shared() */
    unsigned long gen_public;   /**< mbedtls_ecdh_gen_public() */
    unsigned long verify;       /**< mbedtls_ecdsa_verify() */
    unsigned long sign;         /**< mbedtls_ecdsa_sign() */
    unsigned long aead_encrypt; /**< hostcrypto_psa_aead_encrypt() */
    unsigned long aead_decrypt; /**< hostcrypto_psa_aead_decrypt() */
} hostcrypto_counts_t;

/** Copy the counters into @p out. */
void hostcrypto_counts_get(hostcrypto_counts_t *out);
