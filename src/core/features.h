// SPDX-License-Identifier: Apache-2.0
/*
 * Configuration members of features a build can leave out (features.c).
 */
#pragma once

#include "../port/guard.h"
#include "esp_tls.h"

/** ESP_OK, or ESP_ERR_NOT_SUPPORTED (logged) if @p cfg sets a member this build cannot use. */
esp_err_t esp_tls_client_features_check(const esp_tls_cfg_t *cfg) ESP_MUST_CHECK;

/** The same for a server configuration. */
esp_err_t esp_tls_server_features_check(const esp_tls_cfg_server_t *cfg) ESP_MUST_CHECK;
