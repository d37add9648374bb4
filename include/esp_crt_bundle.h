// SPDX-License-Identifier: Apache-2.0
/**
 * @file esp_crt_bundle.h
 * @brief Certificate bundle: verify servers against a compact, read-only set of trusted roots.
 *
 * Source compatible with ESP-IDF's esp_crt_bundle.h. A bundle keeps only the subject name and
 * the public key of each root (ESP-IDF's binary format, see docs/COMPAT.md), so verifying
 * through it parses no CA certificate onto the heap. The library embeds a default bundle built
 * from the build machine's ca-certificates ("Component config -> mbedTLS -> Certificate
 * Bundle"); esp_crt_bundle_set() replaces it with a bundle of your own.
 *
 * With esp-tls: `cfg.crt_bundle_attach = esp_crt_bundle_attach;`. With Mbed TLS directly:
 * `esp_crt_bundle_attach(&conf)` while setting up the mbedtls_ssl_config, with
 * MBEDTLS_SSL_VERIFY_REQUIRED.
 *
 * The bundle in use is global to the process, as in ESP-IDF; the functions below may be called
 * from any thread.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Use the bundle to verify the peer of @p conf.
 *
 * If no bundle is in use (none set yet, or detached), the embedded default bundle is taken.
 * With a non-NULL @p conf, installs the bundle's verification: esp_crt_verify_callback() and a
 * placeholder CA chain (default mode), or, with
 * CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_CROSS_SIGNED_VERIFY, also Mbed TLS's trusted-CA callback, so
 * that a chain may end at any bundled root. The caller sets MBEDTLS_SSL_VERIFY_REQUIRED.
 *
 * @param conf  an mbedtls_ssl_config *, or NULL to only load the default bundle
 * @return ESP_OK; ESP_ERR_INVALID_ARG if the default bundle is malformed; ESP_ERR_NOT_FOUND if
 *         no bundle is set and none is embedded (CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE
 *         without custom certificates). The cause is logged. esp-tls ignores the result, as in
 *         ESP-IDF.
 */
esp_err_t esp_crt_bundle_attach(void *conf);

/**
 * @brief Stop using the bundle.
 *
 * Clears the bundle in use for the whole process (the next esp_crt_bundle_attach() takes the
 * embedded default again), and, with a non-NULL @p conf, removes the bundle's callbacks and
 * placeholder CA chain from it. Connections already verifying keep the bundle they started with.
 */
void esp_crt_bundle_detach(mbedtls_ssl_config *conf);

/**
 * @brief Make @p x509_bundle the bundle in use for the whole process.
 *
 * The blob must be in ESP-IDF's bundle format (offset table, or the legacy format of
 * ESP-IDF v4.x), sorted by subject name as the generator writes it. It is validated first; the
 * bundle in use changes only on success. The blob is not copied: it must stay valid and
 * unchanged until another bundle is set or esp_crt_bundle_detach() is called.
 *
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL or a malformed blob (truncated, empty, trailing
 *         bytes, more than CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS roots, offsets out of
 *         range or out of order, unsorted names), with a log line that says what is wrong
 */
esp_err_t esp_crt_bundle_set(const uint8_t *x509_bundle, size_t bundle_size);

/**
 * @brief Whether @p ca_chain is the placeholder CA chain that esp_crt_bundle_attach() installs.
 *
 * Code that frees a configuration's CA chain must not free the placeholder.
 */
bool esp_crt_bundle_in_use(const mbedtls_x509_crt *ca_chain);

/**
 * @brief The bundle's verification callback (an Mbed TLS f_vrfy callback).
 *
 * Installed by esp_crt_bundle_attach(); exported, as in ESP-IDF, so that it can be passed to
 * mbedtls_x509_crt_verify() directly. For a certificate flagged "not trusted" (the top of the
 * chain the server sent) or with a weak signature hash, it looks the certificate's issuer up
 * in the bundle and checks the signature with the bundled key, with the certificate's own
 * algorithm (RSA PKCS#1 v1.5, RSA-PSS or ECDSA). If that succeeds, "not trusted" and the weak
 * hash flag are cleared; other flags (name mismatch, expiry, ...) stay. Otherwise "not
 * trusted" stays, so the verification fails with MBEDTLS_ERR_X509_CERT_VERIFY_FAILED and
 * MBEDTLS_X509_BADCERT_NOT_TRUSTED, and the reason is logged.
 *
 * @param ctx    unused (NULL)
 * @param crt    certificate of the chain being verified
 * @param depth  its depth (0 is the peer's own certificate)
 * @param flags  its verification flags, in/out
 * @return 0 (failures are reported in @p flags); MBEDTLS_ERR_X509_BAD_INPUT_DATA for NULL
 */
int esp_crt_verify_callback(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags);

#ifdef __cplusplus
}
#endif
