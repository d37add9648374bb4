// SPDX-License-Identifier: Apache-2.0
/*
 * The counting allocator wipes each block before handing it back to the C library, so that
 * keys, passwords and session secrets do not outlive their use. free() is wrapped
 * (-Wl,--wrap=free) to look at a block just before it is released.
 */
#include "unit_support.h"

#include "esp_tls_ext.h"
#include "mem/mem.h"

void __real_free(void *ptr);

static const unsigned char *s_watch; /* the block to inspect, header included */
static size_t s_watch_len;
static bool s_seen_zero;
static bool s_seen;

void __wrap_free(void *ptr)
{
    if (ptr != NULL && ptr == s_watch) {
        s_seen = true;
        s_seen_zero = true;
        for (size_t i = 0; i < s_watch_len; i++) {
            s_seen_zero = s_seen_zero && s_watch[i] == 0;
        }
    }
    __real_free(ptr);
}

static void test_block_wiped(void **state)
{
    (void)state;
    enum { LEN = 300 };
    unsigned char *p = esp_tls_mem_calloc(1, LEN);
    assert_non_null(p);
    memset(p, 0xA5, LEN); /* a "secret" */
    s_watch = p - 16;
    s_watch_len = LEN + 16;
    esp_tls_mem_free(p);
    s_watch = NULL;
    assert_true(s_seen);
    assert_true(s_seen_zero);
}

static void test_counters_follow(void **state)
{
    (void)state;
    esp_tls_mem_stats_t before, during, after;
    esp_tls_get_mem_stats(&before);
    void *p = esp_tls_mem_calloc(4, 100);
    assert_non_null(p);
    esp_tls_get_mem_stats(&during);
    assert_int_equal(during.current_bytes, before.current_bytes + 400);
    esp_tls_mem_free(p);
    esp_tls_get_mem_stats(&after);
    assert_int_equal(after.current_bytes, before.current_bytes);
    assert_null(esp_tls_mem_calloc(SIZE_MAX / 2, 4)); /* overflow refused */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_block_wiped),
        cmocka_unit_test(test_counters_follow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
