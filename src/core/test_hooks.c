// SPDX-License-Identifier: Apache-2.0
/*
 * Test hooks (test_hooks.h): built into the static library esp_tls_test_hooks for tests/unit
 * and tests/fuzz, never into libesp_tls.
 */
#include "test_hooks.h"

#include "../conn/conn.h"
#include "../port/port.h"
#include "backend.h"

esp_err_t esp_tls_client_attach_for_test(esp_tls_t *tls, int fd, const char *host, size_t hostlen,
                                         const esp_tls_cfg_t *cfg)
{
    ESP_ENSURE(tls && fd >= 0 && host && cfg && tls->conn_state == ESP_TLS_INIT,
               ESP_ERR_INVALID_ARG);
    tls->sockfd = fd;
    tls->is_tls = true;
    tls->non_block = cfg->non_block;
    tls->deadline_ms = esp_tls_time_ms() + esp_tls_effective_timeout(cfg);
    esp_err_t rc = tls->ops->client_create(tls, host, hostlen, cfg);
    if (rc != ESP_OK) {
        esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_ESP, rc);
        tls->conn_state = ESP_TLS_FAIL;
        tls->deadline_ms = 0;
        return rc;
    }
    tls->conn_state = ESP_TLS_HANDSHAKE;
    return ESP_OK;
}
