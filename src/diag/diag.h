// SPDX-License-Identifier: Apache-2.0
/*
 * Diagnostics kept per connection (the peer's chain, the name expected, the alert received)
 * and the tables behind esp_tls_explain(). A connection allocates its esp_tls_diag only when
 * there is something to keep.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../conn/conn.h"
#include "../port/guard.h"

/** One explained code. */
typedef struct {
    uint32_t code;
    const char *name;
    const char *cause;
    const char *fix;
} diag_row_t;

extern const diag_row_t diag_esp_rows[];
extern const diag_row_t diag_mbedtls_rows[];
extern const diag_row_t diag_flag_rows[];

/** Most certificates of a peer chain that are kept. */
#define ESP_TLS_DIAG_MAX_CERTS 16

typedef struct esp_tls_diag {
    struct esp_tls_diag *next; /* registry of connections with diagnostics */
    esp_tls_t *tls;
    unsigned char *chain; /* the kept certificates, DER, back to back */
    size_t cert_len[ESP_TLS_DIAG_MAX_CERTS];
    int cert_count;
    int alert;            /* fatal alert received, -1 if none */
    char expected[254];   /* the name the leaf had to hold, on a name mismatch */
    char leaf_names[384]; /* the names it holds */
} esp_tls_diag_t;

/** The connection's diagnostics, allocated (and registered) on first use; NULL if no memory. */
esp_tls_diag_t *esp_tls_diag_get(esp_tls_t *tls);
void esp_tls_diag_free(esp_tls_t *tls);

/** Run @p fn on the diagnostics of the connection that owns @p h (under a lock); false if none. */
bool esp_tls_diag_with_handle(esp_tls_error_handle_t h, void (*fn)(const esp_tls_diag_t *, void *),
                              void *arg);

/** Should the peer chain be kept although verification passed? */
bool esp_tls_diag_keep_chain(void);

/** Keep the DER certificates given (leaf first). Replaces what was kept. */
void esp_tls_diag_set_chain(esp_tls_t *tls, const unsigned char *const *der, const size_t *len,
                            int count);

/** Find the row for @p code, or NULL. */
const diag_row_t *esp_tls_diag_find(const diag_row_t *rows, uint32_t code);

/** "handshake_failure" for TLS alert 40, or NULL. */
const char *esp_tls_diag_alert_name(int alert);
