// SPDX-License-Identifier: Apache-2.0
/*
 * The counting allocator's switch (esp_tls_mem_set_counting()). Built twice: unit.mem.counting_on
 * (counting chosen explicitly) and unit.mem.counting_off (MEM_COUNTING_OFF: switched off before
 * the library's first allocation). On, every allocation of esp-tls and Mbed TLS is counted and
 * uncounted when freed, whichever of the two frees it; off, the counters stay at zero and blocks
 * still go back to the C library the way they came (ASan and Valgrind check that), including
 * blocks handed between esp-tls and Mbed TLS. Either way the choice cannot change later.
 */
#include "unit_support.h"

#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "mbedtls/platform.h"
#include "mem/mem.h"

#if defined(MEM_COUNTING_OFF)
#define COUNTING false
#else
#define COUNTING true
#endif

static size_t current(void)
{
    esp_tls_mem_stats_t st;
    esp_tls_get_mem_stats(&st);
    return st.current_bytes;
}

static int setup(void **state)
{
    (void)state;
    /* before any other esp-tls call: decides the mode */
    return esp_tls_mem_set_counting(COUNTING) == ESP_OK ? 0 : -1;
}

static void test_mode_fixed(void **state)
{
    (void)state;
    assert_int_equal(esp_tls_mem_set_counting(COUNTING), ESP_OK); /* the same: fine */
    assert_int_equal(esp_tls_mem_set_counting(!COUNTING), ESP_ERR_INVALID_STATE);
}

/* Blocks cross between the two allocators' users: Mbed TLS frees what esp-tls allocated
 * (bundle candidates) and esp-tls frees what Mbed TLS's calloc gave (credentials) */
static void test_mixed_frees(void **state)
{
    (void)state;
    assert_int_equal(esp_tls_global_init(), ESP_OK); /* installs the allocator in Mbed TLS */
    size_t base = current();
    unsigned char *a = esp_tls_mem_calloc(1, 100);
    unsigned char *b = mbedtls_calloc(1, 200);
    unsigned char *c = mbedtls_calloc(3, 100);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    memset(a, 0x5A, 100);
    memset(b, 0x5A, 200);
    memset(c, 0x5A, 300);
    assert_int_equal(current(), COUNTING ? base + 600 : 0);
    mbedtls_free(a);
    esp_tls_mem_free(b);
    mbedtls_free(c);
    assert_int_equal(current(), COUNTING ? base : 0);
}

/* A connection object's life (init, failed connect, destroy) */
static void test_connection_object(void **state)
{
    (void)state;
    esp_tls_mem_stats_t st;
    esp_tls_get_mem_stats(&st);
    size_t allocations = st.allocations;
    size_t base = st.current_bytes;
    esp_tls_t *tls = esp_tls_init();
    assert_non_null(tls);
    esp_tls_get_mem_stats(&st);
    if (COUNTING) {
        assert_true(st.allocations > allocations);
        assert_true(st.current_bytes > base);
    } else {
        assert_int_equal(st.allocations, 0);
        assert_int_equal(st.current_bytes, 0);
        assert_int_equal(st.peak_bytes, 0);
        assert_int_equal(esp_tls_get_global_mem_bytes(), 0);
    }
    assert_int_equal(esp_tls_conn_destroy(tls), 0);
    assert_int_equal(current(), COUNTING ? base : 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mode_fixed),
        cmocka_unit_test(test_mixed_frees),
        cmocka_unit_test(test_connection_object),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
