// SPDX-License-Identifier: Apache-2.0
/*
 * Test hooks: not API, and not in the shipped library (built into the test-only library
 * esp_tls_test_hooks, linked by tests/fuzz and the unit tests).
 */
#pragma once

#include <stddef.h>

#include "../port/guard.h"
#include "esp_tls.h"

/**
 * Make @p tls a client session on the connected socket @p fd, as if esp_tls_conn_new_*() had
 * just connected it to @p host; the next esp_tls_conn_new_async() call runs the handshake. The
 * deadline starts now.
 */
esp_err_t esp_tls_client_attach_for_test(esp_tls_t *tls, int fd, const char *host, size_t hostlen,
                                         const esp_tls_cfg_t *cfg) ESP_MUST_CHECK;
