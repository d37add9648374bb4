// SPDX-License-Identifier: Apache-2.0
/*
 * Per-connection diagnostics and the registry that lets esp_tls_explain() find them from an
 * error handle without trusting the handle to be inside an esp_tls_t.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "../mem/mem.h"
#include "diag.h"
#include "esp_log.h"
#include "esp_tls_ext.h"

static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static esp_tls_diag_t *s_head;
#if CONFIG_ESP_TLS_KEEP_PEER_CHAIN
#define KEEP_CHAIN_DEFAULT true
#else
#define KEEP_CHAIN_DEFAULT false
#endif
static atomic_bool s_keep_chain = KEEP_CHAIN_DEFAULT;

void esp_tls_set_keep_peer_chain(bool keep)
{
    atomic_store(&s_keep_chain, keep);
}

bool esp_tls_diag_keep_chain(void)
{
    return atomic_load(&s_keep_chain);
}

esp_tls_diag_t *esp_tls_diag_get(esp_tls_t *tls)
{
    if (tls->diag != NULL) {
        return tls->diag;
    }
    esp_tls_diag_t *d = esp_tls_mem_calloc(1, sizeof(*d));
    if (d == NULL) {
        return NULL;
    }
    d->tls = tls;
    d->alert = -1;
    pthread_mutex_lock(&s_lock);
    d->next = s_head;
    s_head = d;
    pthread_mutex_unlock(&s_lock);
    tls->diag = d;
    return d;
}

void esp_tls_diag_free(esp_tls_t *tls)
{
    esp_tls_diag_t *d = tls->diag;
    if (d == NULL) {
        return;
    }
    pthread_mutex_lock(&s_lock);
    for (esp_tls_diag_t **pp = &s_head; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == d) {
            *pp = d->next;
            break;
        }
    }
    pthread_mutex_unlock(&s_lock);
    esp_tls_mem_free(d->chain);
    esp_tls_mem_free(d);
    tls->diag = NULL;
}

/* Runs @p fn on the diagnostics of the connection owning @p h, under the registry lock. */
bool esp_tls_diag_with_handle(esp_tls_error_handle_t h, void (*fn)(const esp_tls_diag_t *, void *),
                              void *arg)
{
    bool found = false;
    pthread_mutex_lock(&s_lock);
    for (esp_tls_diag_t *d = s_head; d != NULL; d = d->next) {
        if (&d->tls->err.parent == h) {
            fn(d, arg);
            found = true;
            break;
        }
    }
    pthread_mutex_unlock(&s_lock);
    return found;
}

void esp_tls_diag_set_chain(esp_tls_t *tls, const unsigned char *const *der, const size_t *len,
                            int count)
{
    esp_tls_diag_t *d = esp_tls_diag_get(tls);
    if (d == NULL) {
        return;
    }
    count = count > ESP_TLS_DIAG_MAX_CERTS ? ESP_TLS_DIAG_MAX_CERTS : count;
    size_t total = 0;
    for (int i = 0; i < count; i++) {
        total += len[i];
    }
    esp_tls_mem_free(d->chain);
    d->cert_count = 0;
    d->chain = esp_tls_mem_calloc(1, total > 0 ? total : 1);
    if (d->chain == NULL) {
        return;
    }
    size_t off = 0;
    for (int i = 0; i < count; i++) {
        memcpy(d->chain + off, der[i], len[i]);
        d->cert_len[i] = len[i];
        off += len[i];
    }
    d->cert_count = count;
}

int esp_tls_get_peer_chain_len(esp_tls_t *tls)
{
    return (tls != NULL && tls->diag != NULL) ? tls->diag->cert_count : 0;
}

esp_err_t esp_tls_get_peer_cert_der(esp_tls_t *tls, int index, const unsigned char **der,
                                    size_t *len)
{
    ESP_ENSURE(tls != NULL && der != NULL && len != NULL, ESP_ERR_INVALID_ARG);
    const esp_tls_diag_t *d = tls->diag;
    ESP_ENSURE(d != NULL && index >= 0 && index < d->cert_count, ESP_ERR_NOT_FOUND);
    size_t off = 0;
    for (int i = 0; i < index; i++) {
        off += d->cert_len[i];
    }
    *der = d->chain + off;
    *len = d->cert_len[index];
    return ESP_OK;
}

const diag_row_t *esp_tls_diag_find(const diag_row_t *rows, uint32_t code)
{
    for (const diag_row_t *r = rows; r->name != NULL; r++) {
        if (r->code == code) {
            return r;
        }
    }
    return NULL;
}
