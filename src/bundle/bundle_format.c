// SPDX-License-Identifier: Apache-2.0
/*
 * Bundle validation and lookup (format: bundle_format.h). Every read is bounds-checked against the
 * blob's size during validation; lookups then rely on the validated layout.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bundle_format.h"

#define DER_SEQUENCE 0x30
#define LEGACY_HDR 2
#define MIN_BUNDLE (4 + ESP_CRT_BUNDLE_RECORD_HDR)

typedef struct {
    size_t name_len;
    size_t key_len;
    size_t end; /* offset just after the record */
} record_t;

typedef struct {
    char *why;
    size_t why_len;
    bool header_ok; /* the blob got past this format's header check */
} diag_t;

static uint32_t rd_u32le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static size_t rd_u16(const uint8_t *p, bool big_endian)
{
    return big_endian ? (size_t)(p[0] << 8 | p[1]) : (size_t)(p[1] << 8 | p[0]);
}

__attribute__((format(printf, 2, 3))) static esp_err_t fail(diag_t *d, const char *fmt, ...)
{
    if (d->why != NULL && d->why_len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->why, d->why_len, fmt, ap);
        va_end(ap);
    }
    return ESP_ERR_INVALID_ARG;
}

int esp_crt_bundle_name_cmp(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    int c = memcmp(a, b, a_len < b_len ? a_len : b_len);
    if (c != 0) {
        return c;
    }
    return a_len < b_len ? -1 : (a_len > b_len ? 1 : 0);
}

/* The record at @p off, if its header and both fields lie inside the blob. */
static bool read_record(const uint8_t *data, size_t size, size_t off, bool big_endian, record_t *r)
{
    if (off > size || size - off < ESP_CRT_BUNDLE_RECORD_HDR) {
        return false;
    }
    r->name_len = rd_u16(data + off, big_endian);
    r->key_len = rd_u16(data + off + 2, big_endian);
    size_t len = ESP_CRT_BUNDLE_RECORD_HDR + r->name_len + r->key_len;
    if (size - off < len) {
        return false;
    }
    r->end = off + len;
    return true;
}

/* Checks that need the record's content: DER-looking fields, sort order after @p prev. */
static esp_err_t check_record(const uint8_t *data, size_t off, const record_t *r, size_t i,
                              esp_crt_bundle_entry_t *prev, diag_t *d)
{
    const uint8_t *name = data + off + ESP_CRT_BUNDLE_RECORD_HDR;
    if (r->name_len == 0 || r->key_len == 0) {
        return fail(d, "record %zu has an empty %s", i, r->name_len == 0 ? "name" : "key");
    }
    if (name[0] != DER_SEQUENCE || name[r->name_len] != DER_SEQUENCE) {
        return fail(d, "record %zu: the %s is not DER (no SEQUENCE tag)", i,
                    name[0] != DER_SEQUENCE ? "subject name" : "public key");
    }
    if (i > 0 && esp_crt_bundle_name_cmp(prev->name, prev->name_len, name, r->name_len) > 0) {
        return fail(d, "records are not sorted by subject name (record %zu sorts before %zu)", i,
                    i - 1);
    }
    prev->name = name;
    prev->name_len = r->name_len;
    return ESP_OK;
}

/* Walks @p n records from @p off; in the offset-table format each table entry must point at
 * the record that follows the previous one. */
static esp_err_t walk_records(const uint8_t *data, size_t size, size_t n, size_t off, bool legacy,
                              diag_t *d)
{
    esp_crt_bundle_entry_t prev = {0};
    for (size_t i = 0; i < n; i++) {
        if (!legacy && i > 0 && rd_u32le(data + 4 * i) != off) {
            return fail(d,
                        "offset of record %zu is %u, expected %zu (records must follow "
                        "each other in order)",
                        i, (unsigned)rd_u32le(data + 4 * i), off);
        }
        record_t r;
        if (!read_record(data, size, off, legacy, &r)) {
            return fail(d, "record %zu at offset %zu runs past the end of the bundle (%zu bytes)",
                        i, off, size);
        }
        esp_err_t rc = check_record(data, off, &r, i, &prev, d);
        if (rc != ESP_OK) {
            return rc;
        }
        off = r.end;
    }
    if (off != size) {
        return fail(d, "%zu bytes after the last record (the size should be %zu)", size - off, off);
    }
    return ESP_OK;
}

static esp_err_t parse_offsets(const uint8_t *data, size_t size, size_t max, esp_crt_bundle_t *out,
                               diag_t *d)
{
    if (size < MIN_BUNDLE) {
        return fail(d, "%zu bytes is shorter than the smallest bundle (%d bytes)", size,
                    MIN_BUNDLE);
    }
    uint32_t first = rd_u32le(data);
    if (first == 0 || first % 4 != 0 || first >= size) {
        return fail(d,
                    "the first offset (%u) is not a non-zero multiple of 4 below the size "
                    "(%zu)",
                    (unsigned)first, size);
    }
    d->header_ok = true;
    size_t n = first / 4;
    if (n > max) {
        return fail(d,
                    "%zu certificates, more than the maximum of %zu "
                    "(CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS)",
                    n, max);
    }
    esp_err_t rc = walk_records(data, size, n, first, false, d);
    if (rc == ESP_OK) {
        *out = (esp_crt_bundle_t){data, size, n, ESP_CRT_BUNDLE_FMT_OFFSETS};
    }
    return rc;
}

static esp_err_t parse_legacy(const uint8_t *data, size_t size, size_t max, esp_crt_bundle_t *out,
                              diag_t *d)
{
    const size_t first = LEGACY_HDR + ESP_CRT_BUNDLE_RECORD_HDR;
    if (size <= first) {
        return fail(d, "%zu bytes is shorter than the smallest bundle", size);
    }
    /* It looks like this format if a record with a DER name follows the count. */
    if (rd_u16(data + LEGACY_HDR, true) == 0 || data[first] != DER_SEQUENCE) {
        return fail(d, "no record after the count");
    }
    d->header_ok = true;
    size_t n = rd_u16(data, true);
    if (n == 0 || n > max) {
        return fail(d, "%zu certificates, %s (CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS = %zu)",
                    n, n ? "more than the maximum" : "none", max);
    }
    esp_err_t rc = walk_records(data, size, n, LEGACY_HDR, true, d);
    if (rc == ESP_OK) {
        *out = (esp_crt_bundle_t){data, size, n, ESP_CRT_BUNDLE_FMT_LEGACY};
    }
    return rc;
}

esp_err_t esp_crt_bundle_parse(const uint8_t *data, size_t size, size_t max_certs,
                               esp_crt_bundle_t *out, char *why, size_t why_len)
{
    diag_t d = {why, why_len, false};
    if (data == NULL || size == 0 || out == NULL) {
        return fail(&d, "no bundle (NULL or zero length)");
    }
    if (max_certs == 0) {
        max_certs = ESP_CRT_BUNDLE_DEFAULT_MAX_CERTS;
    }
    char new_why[192] = "", old_why[192] = "";
    diag_t dn = {new_why, sizeof(new_why), false};
    if (parse_offsets(data, size, max_certs, out, &dn) == ESP_OK) {
        return ESP_OK;
    }
    diag_t dl = {old_why, sizeof(old_why), false};
    if (parse_legacy(data, size, max_certs, out, &dl) == ESP_OK) {
        return ESP_OK;
    }
    /* Report the format the blob resembles: the offset table unless only the legacy header
     * made sense. */
    if (dn.header_ok || !dl.header_ok) {
        return fail(&d, "%s", new_why);
    }
    return fail(&d, "legacy format: %s", old_why);
}

static void entry_at(const uint8_t *data, size_t off, bool big_endian, esp_crt_bundle_entry_t *e)
{
    e->name_len = rd_u16(data + off, big_endian);
    e->key_len = rd_u16(data + off + 2, big_endian);
    e->name = data + off + ESP_CRT_BUNDLE_RECORD_HDR;
    e->key = e->name + e->name_len;
}

/* Legacy format: the record at byte @p pos, and the position of the next one. */
static size_t legacy_next(const esp_crt_bundle_t *b, size_t pos, esp_crt_bundle_entry_t *e)
{
    entry_at(b->data, pos, true, e);
    return pos + ESP_CRT_BUNDLE_RECORD_HDR + e->name_len + e->key_len;
}

bool esp_crt_bundle_get(const esp_crt_bundle_t *b, size_t index, esp_crt_bundle_entry_t *e)
{
    if (b == NULL || e == NULL || index >= b->count) {
        return false;
    }
    if (b->format == ESP_CRT_BUNDLE_FMT_OFFSETS) {
        entry_at(b->data, rd_u32le(b->data + 4 * index), false, e);
        return true;
    }
    size_t pos = LEGACY_HDR;
    for (size_t i = 0; i <= index; i++) {
        pos = legacy_next(b, pos, e);
    }
    return true;
}

/* First index whose name does not sort before @p name (offset-table format). */
static size_t lower_bound(const esp_crt_bundle_t *b, const uint8_t *name, size_t name_len)
{
    size_t lo = 0, hi = b->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        esp_crt_bundle_entry_t e = {0}; /* a validated bundle: get() cannot fail here */
        esp_crt_bundle_get(b, mid, &e);
        if (esp_crt_bundle_name_cmp(e.name, e.name_len, name, name_len) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static bool find_next_offsets(const esp_crt_bundle_t *b, const uint8_t *name, size_t name_len,
                              esp_crt_bundle_cursor_t *cur, esp_crt_bundle_entry_t *e)
{
    if (!cur->started) {
        cur->index = lower_bound(b, name, name_len);
        cur->started = true;
    }
    if (cur->index >= b->count) {
        return false;
    }
    esp_crt_bundle_get(b, cur->index, e);
    if (esp_crt_bundle_name_cmp(e->name, e->name_len, name, name_len) != 0) {
        cur->index = b->count;
        return false;
    }
    cur->index++;
    return true;
}

/* Legacy format: no index, so a linear scan that stops once past the name (sorted). */
static bool find_next_legacy(const esp_crt_bundle_t *b, const uint8_t *name, size_t name_len,
                             esp_crt_bundle_cursor_t *cur, esp_crt_bundle_entry_t *e)
{
    if (!cur->started) {
        cur->pos = LEGACY_HDR;
        cur->index = 0;
        cur->started = true;
    }
    while (cur->index < b->count) {
        cur->pos = legacy_next(b, cur->pos, e);
        cur->index++;
        int c = esp_crt_bundle_name_cmp(e->name, e->name_len, name, name_len);
        if (c == 0) {
            return true;
        }
        if (c > 0) {
            cur->index = b->count;
        }
    }
    return false;
}

bool esp_crt_bundle_find_next(const esp_crt_bundle_t *b, const uint8_t *name, size_t name_len,
                              esp_crt_bundle_cursor_t *cur, esp_crt_bundle_entry_t *e)
{
    if (b == NULL || b->data == NULL || name == NULL || cur == NULL || e == NULL) {
        return false;
    }
    if (b->format == ESP_CRT_BUNDLE_FMT_OFFSETS) {
        return find_next_offsets(b, name, name_len, cur, e);
    }
    return find_next_legacy(b, name, name_len, cur, e);
}
