// SPDX-License-Identifier: Apache-2.0
/*
 * The one allocator of the library: counts bytes in use and the peak, for Mbed TLS
 * (installed with mbedtls_platform_set_calloc_free by esp_tls_mem_install()) and for esp-tls.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

void *esp_tls_mem_calloc(size_t n, size_t size);
void esp_tls_mem_free(void *ptr);

/**
 * Makes this allocator Mbed TLS's, once (no load-time constructor). Called first by every entry
 * point that can allocate in Mbed TLS without a connection: esp_tls_global_init() and the first
 * connection, ticket keys and esp_tls_verify_chain() (esp_tls_mbedtls_psa_init()), the global CA
 * store, esp_tls_cert_describe(). A block Mbed TLS allocated before must not be freed after: a
 * program that also calls Mbed TLS itself (static link) calls esp_tls_global_init() first.
 */
void esp_tls_mem_install(void);

/**
 * One-shot substitution for the calling thread: the next allocation of exactly @p from bytes
 * gets a zeroed block of @p to bytes instead. Used around mbedtls_ssl_setup() by the dynamic
 * buffers (src/backend/mbedtls/dynbuf.c), which then record the real size in the context.
 */
void esp_tls_mem_substitute_once(size_t from, size_t to);

/** Ends a substitution; true if it was applied. */
bool esp_tls_mem_substitute_end(void);

/**
 * Fault injection for tests: the @p nth allocation from now (1 = the next one) fails, once;
 * 0 turns it off. Process-wide.
 */
void esp_tls_mem_fail_at(size_t nth);

/**
 * Process-wide state: while the calling thread is inside a begin/end pair, its allocations are
 * counted as the process's (esp_tls_get_global_mem_bytes()), not in current_bytes and the peak,
 * until they are freed. For state set up once and kept until exit (PSA Crypto's key store and
 * random generator), so that whichever connection comes first is not charged for it.
 */
void esp_tls_mem_global_begin(void);
void esp_tls_mem_global_end(void);
