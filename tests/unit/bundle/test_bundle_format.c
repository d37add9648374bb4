// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of src/bundle/bundle_format.c and esp_crt_bundle_set(): the bundle's binary
 * format (src/bundle/bundle_format.h), both layouts, lookups, and every kind of malformed blob.
 * Blobs are copied into heap buffers of their exact size, so an over-read fails under
 * ASan/Valgrind.
 */
#include "unit_support.h"

#include "bundle/bundle_format.h"
#include "bundle/bundle_internal.h"
#include "bundle_test_util.h"
#include "esp_crt_bundle.h"

typedef struct {
    unsigned char *cur; /* expected.bin: A, B, C, D, E1, E2 */
    size_t cur_len;
    unsigned char *old; /* expected-legacy.bin: the same roots */
    size_t old_len;
} fixture_t;

static fixture_t s_fx;

static int setup(void **state)
{
    (void)state;
    s_fx.cur = bt_read(bt_fixture("expected.bin"), &s_fx.cur_len);
    s_fx.old = bt_read(bt_fixture("expected-legacy.bin"), &s_fx.old_len);
    return s_fx.cur && s_fx.old ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    esp_crt_bundle_detach(NULL);
    free(s_fx.cur);
    free(s_fx.old);
    return 0;
}

/* A heap copy of exactly @p len bytes (so that reading past it is caught). */
static unsigned char *exact(const unsigned char *src, size_t len)
{
    unsigned char *p = malloc(len ? len : 1);
    assert_non_null(p);
    memcpy(p, src, len);
    return p;
}

static esp_err_t parse(const unsigned char *data, size_t len, size_t max, esp_crt_bundle_t *b,
                       char *why, size_t why_len)
{
    unsigned char *copy = exact(data, len);
    esp_err_t rc = esp_crt_bundle_parse(copy, len, max, b, why, why_len);
    if (rc == ESP_OK) { /* walk every entry while the copy lives */
        for (size_t i = 0; i < b->count; i++) {
            esp_crt_bundle_entry_t e;
            assert_true(esp_crt_bundle_get(b, i, &e));
            assert_true(e.name >= copy && e.key + e.key_len <= copy + len);
        }
    }
    free(copy);
    return rc;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* ---- valid bundles ------------------------------------------------------------------------- */

static bool contains(const unsigned char *p, size_t len, const char *text)
{
    size_t n = strlen(text);
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(p + i, text, n) == 0) {
            return true;
        }
    }
    return false;
}

/* Every root is found by its own name; with @p strict, Root E twice and the others once. */
static void check_lookups(const esp_crt_bundle_t *b, bool strict)
{
    for (size_t i = 0; i < b->count; i++) {
        esp_crt_bundle_entry_t e, f;
        assert_true(esp_crt_bundle_get(b, i, &e));
        esp_crt_bundle_cursor_t cur = {0};
        size_t hits = 0;
        bool self = false;
        while (esp_crt_bundle_find_next(b, e.name, e.name_len, &cur, &f)) {
            assert_int_equal(f.name_len, e.name_len);
            assert_memory_equal(f.name, e.name, e.name_len);
            self |= f.key == e.key;
            hits++;
        }
        assert_true(self);
        if (strict) { /* Root E exists twice (same subject, two keys) */
            assert_int_equal(hits, contains(e.name, e.name_len, "Root E") ? 2 : 1);
        }
    }
}

static void test_offset_table(void **state)
{
    (void)state;
    esp_crt_bundle_t b;
    char why[256] = "";
    assert_int_equal(esp_crt_bundle_parse(s_fx.cur, s_fx.cur_len, 200, &b, why, sizeof(why)),
                     ESP_OK);
    assert_int_equal(b.count, 6);
    assert_int_equal(b.format, ESP_CRT_BUNDLE_FMT_OFFSETS);
    check_lookups(&b, true);
    /* the limit is inclusive */
    assert_int_equal(esp_crt_bundle_parse(s_fx.cur, s_fx.cur_len, 6, &b, NULL, 0), ESP_OK);
}

static void test_legacy_matches_current(void **state)
{
    (void)state;
    esp_crt_bundle_t b, c;
    assert_int_equal(esp_crt_bundle_parse(s_fx.old, s_fx.old_len, 200, &b, NULL, 0), ESP_OK);
    assert_int_equal(b.format, ESP_CRT_BUNDLE_FMT_LEGACY);
    assert_int_equal(esp_crt_bundle_parse(s_fx.cur, s_fx.cur_len, 200, &c, NULL, 0), ESP_OK);
    assert_int_equal(b.count, c.count);
    for (size_t i = 0; i < b.count; i++) {
        esp_crt_bundle_entry_t x, y;
        assert_true(esp_crt_bundle_get(&b, i, &x));
        assert_true(esp_crt_bundle_get(&c, i, &y));
        assert_int_equal(x.name_len, y.name_len);
        assert_int_equal(x.key_len, y.key_len);
        assert_memory_equal(x.name, y.name, x.name_len);
        assert_memory_equal(x.key, y.key, x.key_len);
    }
    check_lookups(&b, true);
}

static void test_lookup_misses(void **state)
{
    (void)state;
    esp_crt_bundle_t b;
    assert_int_equal(esp_crt_bundle_parse(s_fx.cur, s_fx.cur_len, 200, &b, NULL, 0), ESP_OK);
    esp_crt_bundle_entry_t e, f;
    assert_true(esp_crt_bundle_get(&b, 0, &e));
    esp_crt_bundle_cursor_t cur = {0};
    /* a prefix of a name, a name with one more byte, and names before and after all others */
    assert_false(esp_crt_bundle_find_next(&b, e.name, e.name_len - 1, &cur, &f));
    unsigned char longer[512];
    memcpy(longer, e.name, e.name_len);
    longer[e.name_len] = 0;
    cur = (esp_crt_bundle_cursor_t){0};
    assert_false(esp_crt_bundle_find_next(&b, longer, e.name_len + 1, &cur, &f));
    static const unsigned char low[] = {0x00}, high[] = {0xff, 0xff};
    cur = (esp_crt_bundle_cursor_t){0};
    assert_false(esp_crt_bundle_find_next(&b, low, sizeof(low), &cur, &f));
    cur = (esp_crt_bundle_cursor_t){0};
    assert_false(esp_crt_bundle_find_next(&b, high, sizeof(high), &cur, &f));
    assert_false(esp_crt_bundle_get(&b, b.count, &f));
}

/* ---- malformed bundles --------------------------------------------------------------------- */

static void test_every_truncation(void **state)
{
    (void)state;
    const unsigned char *blobs[] = {s_fx.cur, s_fx.old};
    size_t lens[] = {s_fx.cur_len, s_fx.old_len};
    for (size_t k = 0; k < 2; k++) {
        for (size_t len = 0; len < lens[k]; len++) {
            esp_crt_bundle_t b;
            assert_int_equal(parse(blobs[k], len, 200, &b, NULL, 0), ESP_ERR_INVALID_ARG);
        }
    }
}

static void expect_reject(const unsigned char *blob, size_t len, size_t max, const char *reason)
{
    esp_crt_bundle_t b;
    char why[256] = "";
    assert_int_equal(parse(blob, len, max, &b, why, sizeof(why)), ESP_ERR_INVALID_ARG);
    if (strstr(why, reason) == NULL) {
        fail_msg("reason '%s' does not contain '%s'", why, reason);
    }
}

static void test_empty_and_null(void **state)
{
    (void)state;
    esp_crt_bundle_t b;
    assert_int_equal(esp_crt_bundle_parse(NULL, 100, 200, &b, NULL, 0), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_crt_bundle_parse(s_fx.cur, 0, 200, &b, NULL, 0), ESP_ERR_INVALID_ARG);
    expect_reject(s_fx.cur, 1, 200, "shorter than the smallest bundle");
}

static void test_trailing_bytes(void **state)
{
    (void)state;
    unsigned char *big = malloc(s_fx.cur_len + 3);
    memcpy(big, s_fx.cur, s_fx.cur_len);
    memset(big + s_fx.cur_len, 0, 3);
    expect_reject(big, s_fx.cur_len + 3, 200, "3 bytes after the last record");
    free(big);
}

static void test_count_above_maximum(void **state)
{
    (void)state;
    expect_reject(s_fx.cur, s_fx.cur_len, 5, "6 certificates, more than the maximum of 5");
    expect_reject(s_fx.old, s_fx.old_len, 5,
                  "legacy format: 6 certificates, more than the maximum");
    /* a header claiming 201 roots, ESP-IDF's test */
    unsigned char *p = exact(s_fx.cur, s_fx.cur_len);
    put32(p, 201 * 4);
    expect_reject(p, s_fx.cur_len, 200, "201 certificates, more than the maximum of 200");
    free(p);
}

static void test_bad_offsets(void **state)
{
    (void)state;
    unsigned char *p = exact(s_fx.cur, s_fx.cur_len);
    put32(p, 4 * 6 + 2); /* not a multiple of 4 */
    expect_reject(p, s_fx.cur_len, 200, "not a non-zero multiple of 4");
    put32(p, 0);
    expect_reject(p, s_fx.cur_len, 200, "not a non-zero multiple of 4");
    put32(p, (uint32_t)s_fx.cur_len); /* the table as large as the blob */
    expect_reject(p, s_fx.cur_len, 200, "not a non-zero multiple of 4");
    memcpy(p, s_fx.cur, s_fx.cur_len);
    put32(p + 8, (uint32_t)s_fx.cur_len + 100); /* offset[2] out of range */
    expect_reject(p, s_fx.cur_len, 200, "offset of record 2");
    memcpy(p, s_fx.cur, s_fx.cur_len); /* offsets 1 and 2 swapped: out of order */
    memcpy(p + 4, s_fx.cur + 8, 4);
    memcpy(p + 8, s_fx.cur + 4, 4);
    expect_reject(p, s_fx.cur_len, 200, "offset of record 1");
    free(p);
}

static void test_bad_record_lengths(void **state)
{
    (void)state;
    unsigned char *p = exact(s_fx.cur, s_fx.cur_len);
    uint32_t last = (uint32_t)p[20] | (uint32_t)p[21] << 8; /* offset of record 5 */
    p[last + 2] = 0xff; /* key length of the last record far past the end */
    p[last + 3] = 0xff;
    expect_reject(p, s_fx.cur_len, 200, "record 5 at offset");
    memcpy(p, s_fx.cur, s_fx.cur_len);
    p[24] = 0; /* name length of record 0 set to 0: empty name */
    p[25] = 0;
    expect_reject(p, s_fx.cur_len, 200, "record 0 has an empty name");
    free(p);
}

/* A one-record offset-table bundle with the given name and key. */
static size_t one_record(unsigned char *out, const unsigned char *name, size_t nl,
                         const unsigned char *key, size_t kl)
{
    put32(out, 4);
    out[4] = (unsigned char)nl;
    out[5] = (unsigned char)(nl >> 8);
    out[6] = (unsigned char)kl;
    out[7] = (unsigned char)(kl >> 8);
    memcpy(out + 8, name, nl);
    memcpy(out + 8 + nl, key, kl);
    return 8 + nl + kl;
}

static void test_record_content(void **state)
{
    (void)state;
    static const unsigned char name[] = {0x30, 0x00}, key[] = {0x30, 0x00}, bad[] = {0x04, 0x00};
    unsigned char blob[64];
    esp_crt_bundle_t b;
    size_t n = one_record(blob, name, sizeof(name), key, sizeof(key));
    assert_int_equal(parse(blob, n, 200, &b, NULL, 0), ESP_OK);
    n = one_record(blob, name, 0, key, sizeof(key));
    expect_reject(blob, n, 200, "record 0 has an empty name");
    n = one_record(blob, name, sizeof(name), key, 0);
    expect_reject(blob, n, 200, "record 0 has an empty key");
    n = one_record(blob, bad, sizeof(bad), key, sizeof(key));
    expect_reject(blob, n, 200, "subject name is not DER");
    n = one_record(blob, name, sizeof(name), bad, sizeof(bad));
    expect_reject(blob, n, 200, "public key is not DER");
}

static void test_unsorted(void **state)
{
    (void)state;
    /* records 0 and 1 of the legacy bundle swapped */
    unsigned char *p = exact(s_fx.old, s_fx.old_len);
    size_t l0 = 4 + (size_t)(p[2] << 8 | p[3]) + (size_t)(p[4] << 8 | p[5]);
    size_t l1 = 4 + (size_t)(p[2 + l0] << 8 | p[3 + l0]) + (size_t)(p[4 + l0] << 8 | p[5 + l0]);
    memcpy(p + 2, s_fx.old + 2 + l0, l1);
    memcpy(p + 2 + l1, s_fx.old + 2, l0);
    expect_reject(p, s_fx.old_len, 200, "not sorted by subject name");
    free(p);
}

/* Deterministic byte flips: accepted or not, nothing is read out of bounds. */
static void test_random_damage(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    for (int i = 0; i < 3000; i++) {
        const unsigned char *src = i % 2 ? s_fx.old : s_fx.cur;
        size_t len = i % 2 ? s_fx.old_len : s_fx.cur_len;
        unsigned char *p = exact(src, len);
        for (int k = 0; k < 1 + i % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            p[(seed >> 8) % (i % 3 == 0 ? 32 : len)] ^= (unsigned char)(1u << (seed % 8));
        }
        esp_crt_bundle_t b; /* p is an exact-size copy: look up while it lives */
        if (esp_crt_bundle_parse(p, len, 200, &b, NULL, 0) == ESP_OK) {
            check_lookups(&b, false);
        }
        free(p);
    }
}

/* ---- esp_crt_bundle_set() ------------------------------------------------------------------ */

static void test_set_rejects_with_log_line(void **state)
{
    (void)state;
    bt_log_capture();
    assert_int_equal(esp_crt_bundle_set(s_fx.cur, 1), ESP_ERR_INVALID_ARG);
    assert_non_null(strstr(bt_log_text(), "not a valid certificate bundle"));
    assert_non_null(strstr(bt_log_text(), "shorter than the smallest bundle"));
    bt_log_capture();
    assert_int_equal(esp_crt_bundle_set(NULL, 10), ESP_ERR_INVALID_ARG);
    unsigned char *p = exact(s_fx.cur, s_fx.cur_len);
    put32(p, 4 * ((uint32_t)esp_crt_bundle_max_certs() + 1));
    bt_log_capture();
    assert_int_equal(esp_crt_bundle_set(p, s_fx.cur_len), ESP_ERR_INVALID_ARG);
    assert_non_null(strstr(bt_log_text(), "more than the maximum"));
    free(p);
    esp_log_set_vprintf(NULL);
}

static void test_set_accepts_both_formats(void **state)
{
    (void)state;
    assert_int_equal(esp_crt_bundle_set(s_fx.cur, s_fx.cur_len), ESP_OK);
    assert_int_equal(esp_crt_bundle_set(s_fx.old, s_fx.old_len), ESP_OK);
    /* a failed set keeps the bundle in use */
    assert_int_equal(esp_crt_bundle_set(s_fx.cur, 3), ESP_ERR_INVALID_ARG);
    esp_crt_bundle_detach(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offset_table),
        cmocka_unit_test(test_legacy_matches_current),
        cmocka_unit_test(test_lookup_misses),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_empty_and_null),
        cmocka_unit_test(test_trailing_bytes),
        cmocka_unit_test(test_count_above_maximum),
        cmocka_unit_test(test_bad_offsets),
        cmocka_unit_test(test_bad_record_lengths),
        cmocka_unit_test(test_record_content),
        cmocka_unit_test(test_unsorted),
        cmocka_unit_test(test_random_damage),
        cmocka_unit_test(test_set_rejects_with_log_line),
        cmocka_unit_test(test_set_accepts_both_formats),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
