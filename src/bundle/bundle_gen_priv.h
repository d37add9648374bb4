// SPDX-License-Identifier: Apache-2.0
/*
 * Internals of the bundle generator (bundle_gen*.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle_gen.h"

/** A root collected for the bundle: its subject name and key, in one allocation. */
typedef struct {
    uint8_t *data; /* name_len bytes of name, then key_len bytes of key */
    size_t name_len;
    size_t key_len;
    size_t seq; /* input order, for a stable sort */
} gen_cert_t;

/** One label of the filter CSV. */
typedef struct {
    char *label;
    unsigned line;
    bool used;
} gen_label_t;

/** A certificate read from a file, before it is added. */
typedef struct {
    const uint8_t *der;
    size_t der_len;
    const char *label; /* NULL if the file gives it none */
    const char *path;
    size_t index;  /* 1-based position in its file */
    unsigned line; /* line of its BEGIN (PEM), 0 for DER */
} gen_item_t;

typedef struct {
    const esp_crt_bundle_build_cfg_t *cfg;
    size_t max_certs;
    gen_cert_t *certs;
    size_t count;
    size_t cap;
    gen_label_t *labels; /* the filter, NULL if none */
    size_t label_count;
} gen_ctx_t;

/** Report a message through the configuration's callback (printf format). */
void gen_msg(const gen_ctx_t *g, esp_crt_bundle_msg_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** Add the certificate @p it (from a filtered input if @p filtered). */
esp_err_t gen_add_item(gen_ctx_t *g, const gen_item_t *it, bool filtered);

/** Read a file or directory and add its certificates. */
esp_err_t gen_add_path(gen_ctx_t *g, const char *path, bool filtered);

/** Read the whole file into a NUL-terminated buffer from esp_tls_mem_calloc(). */
esp_err_t gen_read_file(const gen_ctx_t *g, const char *path, uint8_t **out, size_t *len);

/** Load the filter CSV into g->labels. */
esp_err_t gen_filter_load(gen_ctx_t *g, const char *csv_path);

/** Whether the filter keeps a certificate labelled @p label (marks the label used). */
bool gen_filter_keeps(gen_ctx_t *g, const char *label);

/** ESP_ERR_INVALID_ARG (with a message per label) if a filter label matched nothing. */
esp_err_t gen_filter_check_used(const gen_ctx_t *g);

void gen_filter_free(gen_ctx_t *g);

/** strdup() through the library allocator. */
char *gen_strdup(const char *s, size_t len);
