// SPDX-License-Identifier: Apache-2.0
/*
 * Randomness straight from the kernel's CSPRNG (getrandom(2)): no per-connection
 * entropy and CTR-DRBG contexts, which saves their memory in every handle.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/random.h>

#include "../../mem/mem.h"
#include "esp_log.h"
#include "esp_tls_ext.h"
#include "mbedtls/error.h"
#include "mbedtls/ssl.h"
#include "mbedtls_backend.h"
#include "psa/crypto.h"

static const char *TAG = "esp-tls-mbedtls";

int esp_tls_mbedtls_rng(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    while (len > 0) {
        ssize_t n = getrandom(out, len, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return MBEDTLS_ERR_ERROR_GENERIC_ERROR;
        }
        out += n;
        len -= (size_t)n;
    }
    return 0;
}

static psa_status_t s_psa_status = PSA_ERROR_BAD_STATE;
static pthread_once_t s_psa_once = PTHREAD_ONCE_INIT;

/* PSA keeps process-wide state; release it at exit so that leak checkers see none. */
static void psa_release(void)
{
    mbedtls_psa_crypto_free();
}

/* PSA's key store allocates its first block of volatile key slots (16 slots, 896 bytes on a
 * 64-bit host) with the first key and keeps it until exit: it is reserved here with the rest
 * of the process-wide state, not charged to whichever connection comes first. */
static void reserve_key_slots(void)
{
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attr, PSA_KEY_TYPE_RAW_DATA);
    static const uint8_t byte = 0;
    psa_key_id_t id;
    if (psa_import_key(&attr, &byte, 1, &id) == PSA_SUCCESS) {
        (void)psa_destroy_key(id);
    }
}

/* Everything allocated here lives until exit and serves every connection: it is charged to the
 * process (esp_tls_get_global_mem_bytes()), not to the connection that happens to come first. */
static void psa_init_once(void)
{
    esp_tls_mem_global_begin();
    s_psa_status = psa_crypto_init();
    if (s_psa_status == PSA_SUCCESS) {
        atexit(psa_release);
        reserve_key_slots();
    }
    esp_tls_mem_global_end();
}

esp_err_t esp_tls_mbedtls_psa_init(void)
{
    esp_tls_mem_install(); /* before PSA's first block */
    pthread_once(&s_psa_once, psa_init_once);
    if (s_psa_status != PSA_SUCCESS) {
        ESP_LOGE(TAG, "psa_crypto_init() failed: %d", (int)s_psa_status);
        return ESP_FAIL;
    }
    return ESP_OK;
}
