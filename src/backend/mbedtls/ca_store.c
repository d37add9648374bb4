// SPDX-License-Identifier: Apache-2.0
/*
 * The global CA store (esp_tls_init_global_ca_store() and friends). Unlike ESP-IDF's it is
 * reference counted: esp_tls_free_global_ca_store() drops the store's own reference, and
 * connections that were configured with it keep theirs until they are destroyed (docs/COMPAT.md).
 */
#include <pthread.h>
#include <stdlib.h>

#include "../../mem/mem.h"
#include "esp_log.h"
#include "mbedtls_backend.h"
#include "sdkconfig.h"

static const char *TAG = "esp-tls-mbedtls";

struct esp_tls_ca_store {
    mbedtls_x509_crt crt;
    int refs;
};

static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static esp_tls_ca_store_t *s_store;

static void unref_locked(esp_tls_ca_store_t *store)
{
    if (store != NULL && --store->refs == 0) {
        mbedtls_x509_crt_free(&store->crt);
        esp_tls_mem_free(store);
    }
}

static esp_err_t create_locked(void)
{
    esp_tls_mem_install(); /* the store's certificates are Mbed TLS blocks */
    if (s_store != NULL) {
        return ESP_OK;
    }
    s_store = esp_tls_mem_calloc(1, sizeof(*s_store));
    ESP_ENSURE(s_store != NULL, ESP_ERR_NO_MEM);
    mbedtls_x509_crt_init(&s_store->crt);
    s_store->refs = 1;
    return ESP_OK;
}

esp_err_t esp_tls_mbedtls_ca_store_init(void)
{
    pthread_mutex_lock(&s_lock);
    esp_err_t rc = create_locked();
    pthread_mutex_unlock(&s_lock);
    return rc;
}

#if !CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT
static esp_err_t append_locked(const unsigned char *buf, unsigned int len)
{
    ESP_GUARD(create_locked());
    int ret = esp_tls_mbedtls_parse_crt(&s_store->crt, buf, len, "global CA store");
    if (ret < 0) {
        /* As in ESP-IDF, a failed parse drops the whole store. */
        unref_locked(s_store);
        s_store = NULL;
        return ESP_FAIL;
    }
    return ret > 0 ? ESP_ERR_MBEDTLS_CERT_PARTLY_OK : ESP_OK;
}
#endif

esp_err_t esp_tls_mbedtls_ca_store_set(const unsigned char *cacert_pem_buf,
                                       unsigned int cacert_pem_bytes)
{
#if CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT
    (void)cacert_pem_buf;
    (void)cacert_pem_bytes;
    ESP_LOGE(TAG, "the global CA store is disabled by CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT");
    return ESP_FAIL;
#else
    ESP_ENSURE_LOG(cacert_pem_buf != NULL && cacert_pem_bytes > 0, ESP_ERR_INVALID_ARG,
                   "esp_tls_set_global_ca_store: empty buffer");
    pthread_mutex_lock(&s_lock);
    esp_err_t rc = append_locked(cacert_pem_buf, cacert_pem_bytes);
    pthread_mutex_unlock(&s_lock);
    return rc;
#endif
}

void *esp_tls_mbedtls_ca_store_get(void)
{
    pthread_mutex_lock(&s_lock);
    mbedtls_x509_crt *crt = s_store ? &s_store->crt : NULL;
    pthread_mutex_unlock(&s_lock);
    return crt;
}

void esp_tls_mbedtls_ca_store_free(void)
{
    pthread_mutex_lock(&s_lock);
    unref_locked(s_store);
    s_store = NULL;
    pthread_mutex_unlock(&s_lock);
}

esp_tls_ca_store_t *esp_tls_ca_store_acquire(void)
{
    pthread_mutex_lock(&s_lock);
    esp_tls_ca_store_t *store = s_store;
    if (store != NULL) {
        store->refs++;
    }
    pthread_mutex_unlock(&s_lock);
    return store;
}

void esp_tls_ca_store_release(esp_tls_ca_store_t *store)
{
    pthread_mutex_lock(&s_lock);
    unref_locked(store);
    pthread_mutex_unlock(&s_lock);
}

mbedtls_x509_crt *esp_tls_ca_store_chain(esp_tls_ca_store_t *store)
{
    return &store->crt;
}
