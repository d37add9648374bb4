// SPDX-License-Identifier: Apache-2.0
/*
 * esp_crt_bundle.h: the process-wide bundle in use and how a configuration is hooked to it
 * (esp_crt_bundle_attach() and friends, as in ESP-IDF). The bundle is a view of a caller-owned (or
 * embedded) blob, guarded by a mutex: setting it from one thread while others verify is safe, and
 * no heap is used.
 */
#include <pthread.h>

#include "../backend/mbedtls/reach/reach.h"
#include "../port/guard.h"
#include "bundle_internal.h"
#include "esp_log.h"
#include "sdkconfig.h"

static const char *TAG = ESP_CRT_BUNDLE_TAG;

static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static esp_crt_bundle_t s_bundle; /* data == NULL: no bundle in use */

#if !defined(ESP_TLS_BUNDLE_EMBEDDED)
/* Built without cmake/bundle.cmake: no default bundle (esp_crt_bundle_set() still works). */
const uint8_t esp_crt_bundle_default[1];
const size_t esp_crt_bundle_default_size = 0;
#endif

/* Placeholder CA chain: Mbed TLS refuses MBEDTLS_SSL_VERIFY_REQUIRED without a CA chain. Its
 * empty subject can never match an issuer, so the bundle's callback anchors the chain. */
static mbedtls_x509_crt s_dummy_crt;

#ifdef CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS
size_t esp_crt_bundle_max_certs(void)
{
    return CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS > 0
               ? (size_t)CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS
               : ESP_CRT_BUNDLE_DEFAULT_MAX_CERTS;
}
#else
size_t esp_crt_bundle_max_certs(void)
{
    return ESP_CRT_BUNDLE_DEFAULT_MAX_CERTS;
}
#endif

#if defined(CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_CROSS_SIGNED_VERIFY) &&                              \
    defined(MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK)
esp_crt_bundle_mode_t esp_crt_bundle_configured_mode(void)
{
    return ESP_CRT_BUNDLE_MODE_CROSS_SIGNED;
}
#else
esp_crt_bundle_mode_t esp_crt_bundle_configured_mode(void)
{
    return ESP_CRT_BUNDLE_MODE_DEFAULT;
}
#endif

static esp_err_t validate(const uint8_t *data, size_t size, const char *what, esp_crt_bundle_t *out)
{
    char why[256];
    if (esp_crt_bundle_parse(data, size, esp_crt_bundle_max_certs(), out, why, sizeof(why)) !=
        ESP_OK) {
        ESP_LOGE(TAG, "%s is not a valid certificate bundle: %s", what, why);
        return ESP_ERR_INVALID_ARG;
    }
    return ESP_OK;
}

/* Called with s_lock held: take the embedded bundle if none is in use. */
static esp_err_t load_default_locked(void)
{
    if (s_bundle.data != NULL) {
        return ESP_OK;
    }
    ESP_ENSURE_LOG(esp_crt_bundle_default_size != 0, ESP_ERR_NOT_FOUND,
                   "no certificate bundle is set and none is built in "
                   "(CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE): call esp_crt_bundle_set() "
                   "first, or add custom certificates in menuconfig");
    esp_crt_bundle_t b;
    ESP_GUARD(
        validate(esp_crt_bundle_default, esp_crt_bundle_default_size, "the built-in bundle", &b));
    s_bundle = b;
    return ESP_OK;
}

bool esp_crt_bundle_snapshot(esp_crt_bundle_t *out)
{
    pthread_mutex_lock(&s_lock);
    *out = s_bundle;
    pthread_mutex_unlock(&s_lock);
    return out->data != NULL;
}

static esp_err_t install(mbedtls_ssl_config *conf, esp_crt_bundle_mode_t mode)
{
    mbedtls_ssl_conf_verify(conf, esp_crt_verify_callback, NULL);
    if (mode == ESP_CRT_BUNDLE_MODE_CROSS_SIGNED) {
        return esp_crt_bundle_install_ca_cb(conf);
    }
    mbedtls_ssl_conf_ca_chain(conf, &s_dummy_crt, NULL);
    return ESP_OK;
}

esp_err_t esp_crt_bundle_attach_mode(void *conf, esp_crt_bundle_mode_t mode)
{
    pthread_mutex_lock(&s_lock);
    esp_err_t rc = load_default_locked();
    pthread_mutex_unlock(&s_lock);
    if (rc != ESP_OK) {
        ESP_LOGE(TAG, "Failed to attach bundle");
        return rc;
    }
    if (conf == NULL) {
        return ESP_OK;
    }
    rc = install(conf, mode);
    ESP_ENSURE_LOG(rc == ESP_OK, rc,
                   "cross-signed verification needs MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK "
                   "in the Mbed TLS build");
    return ESP_OK;
}

esp_err_t esp_crt_bundle_attach(void *conf)
{
    return esp_crt_bundle_attach_mode(conf, esp_crt_bundle_configured_mode());
}

void esp_crt_bundle_detach(mbedtls_ssl_config *conf)
{
    pthread_mutex_lock(&s_lock);
    s_bundle = (esp_crt_bundle_t){0};
    pthread_mutex_unlock(&s_lock);
    if (conf == NULL) {
        return;
    }
    /* Only what attach installed: a callback chained by someone else stays. */
    if (esp_tls_reach_conf_vrfy(conf) == esp_crt_verify_callback) {
        mbedtls_ssl_conf_verify(conf, NULL, NULL);
    }
    if (esp_tls_reach_conf_ca_chain(conf) == &s_dummy_crt) {
        mbedtls_ssl_conf_ca_chain(conf, NULL, NULL);
    }
    esp_crt_bundle_remove_ca_cb(conf);
}

esp_err_t esp_crt_bundle_set(const uint8_t *x509_bundle, size_t bundle_size)
{
    esp_crt_bundle_t b;
    ESP_GUARD(validate(x509_bundle, bundle_size, "the bundle passed to esp_crt_bundle_set()", &b));
    pthread_mutex_lock(&s_lock);
    s_bundle = b;
    pthread_mutex_unlock(&s_lock);
    ESP_LOGD(TAG, "bundle of %zu certificates set (%s format)", b.count,
             b.format == ESP_CRT_BUNDLE_FMT_LEGACY ? "legacy" : "offset-table");
    return ESP_OK;
}

bool esp_crt_bundle_in_use(const mbedtls_x509_crt *ca_chain)
{
    return ca_chain != NULL && ca_chain == &s_dummy_crt;
}
