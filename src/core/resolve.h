// SPDX-License-Identifier: Apache-2.0
/*
 * Name resolution that never blocks the caller past its deadline, and address literals.
 */
#pragma once

#include <stdbool.h>

#include "../conn/conn.h"
#include "../port/guard.h"

typedef struct esp_tls_resolver esp_tls_resolver_t;

/**
 * Resolve @p host into @p a. An address literal is converted at once (*r stays NULL); a name
 * starts a query, *r is set, and esp_tls_resolve_step() finishes it. @p blocking: the caller
 * waits for the answer (the system's getaddrinfo() may then serve it, core/resolve.c).
 * @return ESP_OK, or ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME (logged)
 */
esp_err_t esp_tls_resolve_start(const char *host, size_t hostlen, int port,
                                esp_tls_addr_family_t family, bool blocking,
                                esp_tls_tcp_attempt_t *a, esp_tls_resolver_t **r) ESP_MUST_CHECK;

/**
 * Advance a query without blocking. When it is done the addresses are in @p a and *r is freed.
 * @return ESP_OK (done), ESP_ERR_NOT_FINISHED (pending), ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME
 */
esp_err_t esp_tls_resolve_step(esp_tls_resolver_t **r, esp_tls_tcp_attempt_t *a) ESP_MUST_CHECK;

/** The socket and event a pending query waits on, and the ms until it must be stepped. */
void esp_tls_resolve_wait(const esp_tls_resolver_t *r, int *fd, short *events, int *timeout_ms);

/** Cancel and free a query (NULL-safe); *r becomes NULL. */
void esp_tls_resolve_free(esp_tls_resolver_t **r);

/** Resolve, blocking up to @p deadline_ms (for esp_tls_plain_tcp_connect). */
esp_err_t esp_tls_resolve_blocking(const char *host, size_t hostlen, int port,
                                   esp_tls_addr_family_t family, int64_t deadline_ms,
                                   esp_tls_tcp_attempt_t *a) ESP_MUST_CHECK;
