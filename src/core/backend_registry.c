// SPDX-License-Identifier: Apache-2.0
/*
 * The backend registry: one table in use, checked against ESP_TLS_BACKEND_OPS_VERSION and its
 * size when it is registered, so that a table built against another version of backend.h is
 * refused once, with a log line, instead of being called through wrong slots.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "backend_registry.h"
#include "esp_log.h"

static const char *TAG = "esp-tls";

static _Atomic(const esp_tls_backend_ops_t *) s_ops;
static pthread_once_t s_default_once = PTHREAD_ONCE_INIT;

/* ESP_OK if @p ops was built against this core's backend.h; else the error, logged. */
static esp_err_t check_table(const esp_tls_backend_ops_t *ops)
{
    ESP_ENSURE_LOG(ops != NULL, ESP_ERR_INVALID_ARG, "backend: no ops table");
    ESP_ENSURE_LOG(ops->version == ESP_TLS_BACKEND_OPS_VERSION &&
                       ops->size == sizeof(esp_tls_backend_ops_t),
                   ESP_ERR_INVALID_VERSION,
                   "backend %s: ops table of version %u (%u bytes), this library needs version %u "
                   "(%zu bytes): rebuild the backend against this src/core/backend.h",
                   ops->name ? ops->name : "(unnamed)", (unsigned)ops->version, (unsigned)ops->size,
                   (unsigned)ESP_TLS_BACKEND_OPS_VERSION, sizeof(esp_tls_backend_ops_t));
    return ESP_OK;
}

esp_err_t esp_tls_backend_register(const esp_tls_backend_ops_t *ops)
{
    ESP_GUARD(check_table(ops));
    atomic_store(&s_ops, ops);
    return ESP_OK;
}

static void register_default(void)
{
    const esp_tls_backend_ops_t *none = NULL;
    if (check_table(&esp_tls_backend_mbedtls) == ESP_OK) {
        /* a table registered before the first use stays */
        atomic_compare_exchange_strong(&s_ops, &none, &esp_tls_backend_mbedtls);
    }
}

const esp_tls_backend_ops_t *esp_tls_backend(void)
{
    const esp_tls_backend_ops_t *ops = atomic_load(&s_ops);
    if (ops == NULL) {
        pthread_once(&s_default_once, register_default);
        ops = atomic_load(&s_ops);
    }
    return ops;
}

bool esp_tls_backend_has(const esp_tls_backend_ops_t *ops, bool slot_set, const char *fn)
{
    if (slot_set) {
        return true;
    }
    if (ops == NULL) {
        ESP_LOGE(TAG, "%s: no usable TLS backend (see the backend's version error above)", fn);
    } else {
        ESP_LOGE(TAG, "%s: not supported by the %s backend of this build", fn,
                 ops->name ? ops->name : "TLS");
    }
    return false;
}
