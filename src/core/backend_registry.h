// SPDX-License-Identifier: Apache-2.0
/*
 * Which TLS backend the core calls (src/core/backend.h): the one built in, registered and
 * checked on first use, or one registered explicitly (tests).
 */
#pragma once

#include <stdbool.h>

#include "backend.h"

/**
 * Use @p ops from now on, after checking once that it was built against this core's
 * interface: ESP_ERR_INVALID_VERSION (logged) if its version or size differ, and the backend in
 * use stays. ESP_ERR_INVALID_ARG for NULL. Connections keep the table they were created with.
 */
esp_err_t esp_tls_backend_register(const esp_tls_backend_ops_t *ops) ESP_MUST_CHECK;

/** The backend in use (the built-in one is registered on the first call), or NULL (logged)
 *  if none passed the check. */
const esp_tls_backend_ops_t *esp_tls_backend(void);

/** True if @p slot_set; else logs that @p ops (NULL: no usable backend) lacks what @p fn
 *  needs. */
bool esp_tls_backend_has(const esp_tls_backend_ops_t *ops, bool slot_set, const char *fn);

/** Whether @p ops (may be NULL) has the slot @p slot, logging under the caller's name if not. */
#define ESP_TLS_BACKEND_HAS(ops, slot)                                                             \
    esp_tls_backend_has((ops), (ops) != NULL && (ops)->slot != NULL, __func__)
