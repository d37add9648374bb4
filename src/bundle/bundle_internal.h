// SPDX-License-Identifier: Apache-2.0
/*
 * Internals of the certificate bundle shared by its modules and the unit tests.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle_format.h"
#include "esp_crt_bundle.h"

/** Log tag of the bundle (ESP-IDF's). */
#define ESP_CRT_BUNDLE_TAG "esp-x509-crt-bundle"

/** How esp_crt_bundle_attach() hooks the bundle into Mbed TLS. */
typedef enum {
    ESP_CRT_BUNDLE_MODE_DEFAULT = 0,  /**< verify callback anchors the top certificate's issuer */
    ESP_CRT_BUNDLE_MODE_CROSS_SIGNED, /**< also the trusted-CA callback: any bundled root ends
                                           a chain */
} esp_crt_bundle_mode_t;

/** The embedded default bundle (generated at build time; size 0 when there is none). */
extern const uint8_t esp_crt_bundle_default[];
extern const size_t esp_crt_bundle_default_size;

/** The maximum root count (CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS, else 200). */
size_t esp_crt_bundle_max_certs(void);

/** The mode CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_CROSS_SIGNED_VERIFY selects. */
esp_crt_bundle_mode_t esp_crt_bundle_configured_mode(void);

/** esp_crt_bundle_attach() with an explicit mode (tests use both in one build). */
esp_err_t esp_crt_bundle_attach_mode(void *conf, esp_crt_bundle_mode_t mode);

/** A copy of the bundle in use; false if none is set. */
bool esp_crt_bundle_snapshot(esp_crt_bundle_t *out);

/**
 * Check @p child's signature with a bundled public key (DER SubjectPublicKeyInfo), with the
 * certificate's own signature algorithm and options (PKCS#1 v1.5, PSS, ECDSA).
 * @return 0 if it verifies, else an Mbed TLS error code
 */
int esp_crt_bundle_check_signature(const mbedtls_x509_crt *child, const uint8_t *key,
                                   size_t key_len);

/** Whether @p crt is a root of the bundle: same subject and same public key bytes. */
bool esp_crt_bundle_holds(const esp_crt_bundle_t *b, const mbedtls_x509_crt *crt);

/**
 * Note, for this thread, that the verification in progress runs in cross-signed mode (called
 * by the trusted-CA callback): its verify callback then also accepts a certificate of the
 * peer's chain that is itself a bundled root (esp_crt_bundle_holds()) as the chain's anchor.
 */
void esp_crt_bundle_note_cross_signed(void);

/**
 * Install the trusted-CA callback on @p conf (cross-signed mode).
 * @return ESP_ERR_NOT_SUPPORTED if Mbed TLS lacks MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK
 */
esp_err_t esp_crt_bundle_install_ca_cb(mbedtls_ssl_config *conf);

/** Remove the trusted-CA callback from @p conf if it is the bundle's. */
void esp_crt_bundle_remove_ca_cb(mbedtls_ssl_config *conf);

/**
 * The trusted-CA callback (an mbedtls_x509_crt_ca_cb_t, cross-signed mode): the bundled roots
 * named as @p child's issuer, as heap certificates Mbed TLS frees, when the peer's chain offers
 * another certificate under that name; otherwise none, and the verify callback anchors the
 * chain (see bundle_ca_cb.c). Declared with plain types so that it exists whatever the Mbed TLS
 * configuration.
 * @return 0, or MBEDTLS_ERR_X509_ALLOC_FAILED
 */
int esp_crt_bundle_ca_cb(void *ctx, const mbedtls_x509_crt *child, mbedtls_x509_crt **candidates);
