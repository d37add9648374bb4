// SPDX-License-Identifier: Apache-2.0
/*
 * Server session ticket keys (RFC 5077; TLS 1.3 tickets, RFC 8446 §4.6.1). Unlike ESP-IDF's,
 * a failed init leaves cfg->ticket_ctx NULL and free releases the memory and clears the
 * pointer (ESP-IDF leaves the context dangling when init fails).
 */
#include "../../mem/mem.h"
#include "esp_log.h"
#include "mbedtls_backend.h"

#if CONFIG_ESP_TLS_SERVER_SESSION_TICKETS
static const char *TAG = "esp-tls-mbedtls";

static void ticket_ctx_free(esp_tls_server_session_ticket_ctx_t *ctx)
{
    mbedtls_ssl_ticket_free(&ctx->ticket_ctx);
    mbedtls_ctr_drbg_free(&ctx->ctr_drbg);
    mbedtls_entropy_free(&ctx->entropy);
    esp_tls_mem_free(ctx);
}

esp_err_t esp_tls_mbedtls_tickets_init(esp_tls_cfg_server_t *cfg)
{
    ESP_GUARD(esp_tls_mbedtls_psa_init());
    esp_tls_server_session_ticket_ctx_t *ctx = esp_tls_mem_calloc(1, sizeof(*ctx));
    ESP_ENSURE(ctx != NULL, ESP_ERR_NO_MEM);
    /* entropy and ctr_drbg are ESP-IDF's members, kept initialised for code that looks at
     * them; the keys come from the library's random generator (PSA). */
    mbedtls_entropy_init(&ctx->entropy);
    mbedtls_ctr_drbg_init(&ctx->ctr_drbg);
    mbedtls_ssl_ticket_init(&ctx->ticket_ctx);
    int ret = mbedtls_ssl_ticket_setup(&ctx->ticket_ctx, esp_tls_mbedtls_rng, NULL,
                                       MBEDTLS_CIPHER_AES_256_GCM,
                                       CONFIG_ESP_TLS_SERVER_SESSION_TICKET_TIMEOUT);
    if (ret != 0) {
        ESP_LOGE(TAG, "mbedtls_ssl_ticket_setup returned -0x%04X", (unsigned)-ret);
        ticket_ctx_free(ctx);
        return ESP_ERR_MBEDTLS_SSL_TICKET_SETUP_FAILED;
    }
    cfg->ticket_ctx = ctx;
    return ESP_OK;
}

void esp_tls_mbedtls_tickets_free(esp_tls_cfg_server_t *cfg)
{
    if (cfg->ticket_ctx == NULL) {
        return;
    }
    ticket_ctx_free(cfg->ticket_ctx);
    cfg->ticket_ctx = NULL;
}
#else
esp_err_t esp_tls_mbedtls_tickets_init(esp_tls_cfg_server_t *cfg)
{
    (void)cfg;
    return ESP_ERR_NOT_SUPPORTED;
}

void esp_tls_mbedtls_tickets_free(esp_tls_cfg_server_t *cfg)
{
    (void)cfg;
}
#endif
