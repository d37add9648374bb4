// SPDX-License-Identifier: Apache-2.0
/*
 * The certificate bundle's binary format (ESP-IDF's, laid out below): validation and lookup over a
 * caller-owned blob. Nothing here allocates or logs, so the parser can be fuzzed alone.
 *
 * Offset-table format (ESP-IDF v5.x generator), all integers little-endian:
 *     u32 offset[n]            offset of record i from the start; offset[0] == 4 * n
 *     record[n]: u16 name_len, u16 key_len, name (DER Name), key (DER SubjectPublicKeyInfo)
 * Legacy format (ESP-IDF v4.x), big-endian:
 *     u16 n, then n records: u16 name_len, u16 key_len, name, key
 * In both, records are sorted by the name's bytes (a shorter name first when one is a prefix).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"

/** Upper bound of the root count when the configuration does not set one. */
#define ESP_CRT_BUNDLE_DEFAULT_MAX_CERTS 200

/** Size of a record's header (name_len, key_len). */
#define ESP_CRT_BUNDLE_RECORD_HDR 4

typedef enum {
    ESP_CRT_BUNDLE_FMT_OFFSETS = 0, /**< offset table (current ESP-IDF generator) */
    ESP_CRT_BUNDLE_FMT_LEGACY,      /**< count + records, big-endian (ESP-IDF v4.x) */
} esp_crt_bundle_format_t;

/** A validated bundle: a view of the caller's blob. */
typedef struct {
    const uint8_t *data;
    size_t size;
    size_t count;
    esp_crt_bundle_format_t format;
} esp_crt_bundle_t;

/** One root of a bundle; the pointers point into the blob. */
typedef struct {
    const uint8_t *name; /**< DER subject Name */
    size_t name_len;
    const uint8_t *key; /**< DER SubjectPublicKeyInfo */
    size_t key_len;
} esp_crt_bundle_entry_t;

/** Position of a lookup, for roots that share a subject name (zero-initialise). */
typedef struct {
    bool started;
    size_t index; /* next record to look at */
    size_t pos;   /* legacy format: its byte offset */
} esp_crt_bundle_cursor_t;

/**
 * Validate @p data as a bundle of at most @p max_certs roots (either format).
 * @param why  receives what is wrong on failure (may be NULL)
 * @return ESP_OK and *out filled; ESP_ERR_INVALID_ARG for a malformed blob
 */
esp_err_t esp_crt_bundle_parse(const uint8_t *data, size_t size, size_t max_certs,
                               esp_crt_bundle_t *out, char *why, size_t why_len);

/** Root @p index of a validated bundle (legacy format: walks from the start). */
bool esp_crt_bundle_get(const esp_crt_bundle_t *b, size_t index, esp_crt_bundle_entry_t *e);

/**
 * The next root whose subject equals @p name. Start with a zeroed cursor and call again for
 * further roots with the same name (a re-keyed root).
 * @return false when there is none (left)
 */
bool esp_crt_bundle_find_next(const esp_crt_bundle_t *b, const uint8_t *name, size_t name_len,
                              esp_crt_bundle_cursor_t *cur, esp_crt_bundle_entry_t *e);

/** Order of two DER names: bytewise, then a shorter name first (the bundle's sort order). */
int esp_crt_bundle_name_cmp(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len);
