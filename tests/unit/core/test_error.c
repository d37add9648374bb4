// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of src/core/error.c: the error tracker (src/core/error.c).
 */
#include "unit_support.h"

#include "conn/conn.h"

/* The layout the public header asks callers (e.g. esp_transport) to provide. */
typedef struct {
    esp_tls_last_error_t e;
    int sock_errno;
} caller_storage_t;

/* Distinct values, one per slot, so that a read of the wrong slot is visible. */
#define V_ESP 0x8004
#define V_MBEDTLS 0x2700
#define V_FLAGS 0x0c
#define V_ERRNO 111

typedef struct {
    esp_tls_t *tls;
    esp_tls_error_handle_t h;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        return -1;
    }
    f->tls = esp_tls_init();
    if (f->tls == NULL || esp_tls_get_error_handle(f->tls, &f->h) != ESP_OK || f->h == NULL) {
        esp_tls_conn_destroy(f->tls);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(esp_tls_conn_destroy(f->tls), 0);
    free(f);
    return 0;
}

/* The hidden errno slot: the int right after the public struct. */
static int *hidden_errno(esp_tls_error_handle_t h)
{
    return (int *)((char *)h + offsetof(caller_storage_t, sock_errno));
}

static void fill_all(esp_tls_error_handle_t h)
{
    esp_tls_capture(h, ESP_TLS_ERR_TYPE_ESP, V_ESP);
    esp_tls_capture(h, ESP_TLS_ERR_TYPE_MBEDTLS, V_MBEDTLS);
    esp_tls_capture(h, ESP_TLS_ERR_TYPE_MBEDTLS_CERT_FLAGS, V_FLAGS);
    esp_tls_capture(h, ESP_TLS_ERR_TYPE_SYSTEM, V_ERRNO);
}

static void test_fresh_handle_is_clear(void **state)
{
    fixture_t *f = *state;
    int code = -1, flags = -1;
    assert_int_equal(esp_tls_get_and_clear_last_error(f->h, &code, &flags), ESP_OK);
    assert_int_equal(code, 0);
    assert_int_equal(flags, 0);
    int v = -1;
    assert_int_equal(esp_tls_get_and_clear_error_type(f->h, ESP_TLS_ERR_TYPE_SYSTEM, &v), ESP_OK);
    assert_int_equal(v, 0);
}

static void test_capture_fills_each_slot(void **state)
{
    fixture_t *f = *state;
    fill_all(f->h);
    assert_int_equal(f->h->last_error, V_ESP);
    assert_int_equal(f->h->esp_tls_error_code, V_MBEDTLS);
    assert_int_equal(f->h->esp_tls_flags, V_FLAGS);
    assert_int_equal(*hidden_errno(f->h), V_ERRNO);
}

static void test_capture_last_write_wins_and_slots_independent(void **state)
{
    fixture_t *f = *state;
    fill_all(f->h);
    /* A later ESP code neither clears nor changes the Mbed TLS code. */
    esp_tls_capture(f->h, ESP_TLS_ERR_TYPE_ESP, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
    assert_int_equal(f->h->last_error, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
    assert_int_equal(f->h->esp_tls_error_code, V_MBEDTLS);
    esp_tls_capture(f->h, ESP_TLS_ERR_TYPE_MBEDTLS, 0x7780);
    assert_int_equal(f->h->esp_tls_error_code, 0x7780);
    assert_int_equal(f->h->last_error, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
    assert_int_equal(f->h->esp_tls_flags, V_FLAGS);
    assert_int_equal(*hidden_errno(f->h), V_ERRNO);
}

static void test_capture_wolfssl_types_share_slots(void **state)
{
    fixture_t *f = *state;
    esp_tls_capture(f->h, ESP_TLS_ERR_TYPE_WOLFSSL, 0x55);
    esp_tls_capture(f->h, ESP_TLS_ERR_TYPE_WOLFSSL_CERT_FLAGS, 0x66);
    assert_int_equal(f->h->esp_tls_error_code, 0x55);
    assert_int_equal(f->h->esp_tls_flags, 0x66);
    assert_int_equal(f->h->last_error, 0);
}

static void test_capture_ignores_null_and_unknown(void **state)
{
    fixture_t *f = *state;
    esp_tls_capture(NULL, ESP_TLS_ERR_TYPE_ESP, V_ESP); /* must not crash */
    fill_all(f->h);
    esp_tls_capture(f->h, ESP_TLS_ERR_TYPE_UNKNOWN, 0x1234);
    esp_tls_capture(f->h, ESP_TLS_ERR_TYPE_MAX, 0x1234);
    assert_int_equal(f->h->last_error, V_ESP);
    assert_int_equal(f->h->esp_tls_error_code, V_MBEDTLS);
    assert_int_equal(f->h->esp_tls_flags, V_FLAGS);
    assert_int_equal(*hidden_errno(f->h), V_ERRNO);
}

static void test_last_error_null_handle(void **state)
{
    (void)state;
    int code = 7, flags = 9;
    assert_int_equal(esp_tls_get_and_clear_last_error(NULL, &code, &flags), ESP_ERR_INVALID_STATE);
    assert_int_equal(esp_tls_get_and_clear_last_error(NULL, NULL, NULL), ESP_ERR_INVALID_STATE);
    /* out-params untouched */
    assert_int_equal(code, 7);
    assert_int_equal(flags, 9);
}

static void test_last_error_reads_and_clears_public_slots(void **state)
{
    fixture_t *f = *state;
    fill_all(f->h);
    int code = 0, flags = 0;
    assert_int_equal(esp_tls_get_and_clear_last_error(f->h, &code, &flags), V_ESP);
    assert_int_equal(code, V_MBEDTLS);
    assert_int_equal(flags, V_FLAGS);
    /* the three public slots are zeroed ... */
    assert_int_equal(f->h->last_error, 0);
    assert_int_equal(f->h->esp_tls_error_code, 0);
    assert_int_equal(f->h->esp_tls_flags, 0);
    /* ... but not the hidden errno slot */
    assert_int_equal(*hidden_errno(f->h), V_ERRNO);
    /* a second call sees nothing recorded */
    code = flags = -1;
    assert_int_equal(esp_tls_get_and_clear_last_error(f->h, &code, &flags), ESP_OK);
    assert_int_equal(code, 0);
    assert_int_equal(flags, 0);
    int v = 0;
    assert_int_equal(esp_tls_get_and_clear_error_type(f->h, ESP_TLS_ERR_TYPE_SYSTEM, &v), ESP_OK);
    assert_int_equal(v, V_ERRNO);
}

static void test_last_error_optional_out_params(void **state)
{
    fixture_t *f = *state;
    fill_all(f->h);
    assert_int_equal(esp_tls_get_and_clear_last_error(f->h, NULL, NULL), V_ESP);
    assert_int_equal(f->h->esp_tls_error_code, 0);
    assert_int_equal(f->h->esp_tls_flags, 0);

    fill_all(f->h);
    int flags = 0;
    assert_int_equal(esp_tls_get_and_clear_last_error(f->h, NULL, &flags), V_ESP);
    assert_int_equal(flags, V_FLAGS);

    fill_all(f->h);
    int code = 0;
    assert_int_equal(esp_tls_get_and_clear_last_error(f->h, &code, NULL), V_ESP);
    assert_int_equal(code, V_MBEDTLS);
}

static void test_last_error_negative_esp_code(void **state)
{
    fixture_t *f = *state;
    esp_tls_capture(f->h, ESP_TLS_ERR_TYPE_ESP, ESP_FAIL);
    assert_int_equal(esp_tls_get_and_clear_last_error(f->h, NULL, NULL), ESP_FAIL);
    assert_int_equal(f->h->last_error, ESP_OK);
}

typedef struct {
    const char *name;
    bool null_h;
    bool null_code;
    esp_tls_error_type_t type;
} type_bad_case_t;

static void test_error_type_invalid_args(void **state)
{
    fixture_t *f = *state;
    const type_bad_case_t cases[] = {
        {"NULL handle", true, false, ESP_TLS_ERR_TYPE_ESP},
        {"NULL code", false, true, ESP_TLS_ERR_TYPE_ESP},
        {"UNKNOWN", false, false, ESP_TLS_ERR_TYPE_UNKNOWN},
        {"MAX", false, false, ESP_TLS_ERR_TYPE_MAX},
        {"MAX + 1", false, false, (esp_tls_error_type_t)(ESP_TLS_ERR_TYPE_MAX + 1)},
    };
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(cases); i++) {
        const type_bad_case_t *c = &cases[i];
        print_message("  %s\n", c->name);
        fill_all(f->h);
        int v = 0x4242;
        esp_err_t rc = esp_tls_get_and_clear_error_type(c->null_h ? NULL : f->h, c->type,
                                                        c->null_code ? NULL : &v);
        assert_int_equal(rc, ESP_ERR_INVALID_ARG);
        assert_int_equal(v, 0x4242);
        /* nothing was cleared */
        assert_int_equal(f->h->last_error, V_ESP);
        assert_int_equal(f->h->esp_tls_error_code, V_MBEDTLS);
        assert_int_equal(f->h->esp_tls_flags, V_FLAGS);
        assert_int_equal(*hidden_errno(f->h), V_ERRNO);
    }
}

typedef struct {
    esp_tls_error_type_t type;
    int expect;
} type_ok_case_t;

static void test_error_type_reads_and_clears_only_its_slot(void **state)
{
    fixture_t *f = *state;
    const type_ok_case_t cases[] = {
        {ESP_TLS_ERR_TYPE_SYSTEM, V_ERRNO},
        {ESP_TLS_ERR_TYPE_MBEDTLS, V_MBEDTLS},
        {ESP_TLS_ERR_TYPE_MBEDTLS_CERT_FLAGS, V_FLAGS},
        {ESP_TLS_ERR_TYPE_ESP, V_ESP},
        {ESP_TLS_ERR_TYPE_WOLFSSL, V_MBEDTLS},
        {ESP_TLS_ERR_TYPE_WOLFSSL_CERT_FLAGS, V_FLAGS},
    };
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(cases); i++) {
        const type_ok_case_t *c = &cases[i];
        print_message("  type %d\n", (int)c->type);
        fill_all(f->h);
        int v = 0;
        assert_int_equal(esp_tls_get_and_clear_error_type(f->h, c->type, &v), ESP_OK);
        assert_int_equal(v, c->expect);
        int *slots[] = {&f->h->last_error, &f->h->esp_tls_error_code, &f->h->esp_tls_flags,
                        hidden_errno(f->h)};
        const int values[] = {V_ESP, V_MBEDTLS, V_FLAGS, V_ERRNO};
        int cleared = 0;
        for (size_t s = 0; s < UNIT_ARRAY_SIZE(slots); s++) {
            if (*slots[s] == 0) {
                cleared++;
                assert_int_equal(values[s], c->expect);
            } else {
                assert_int_equal(*slots[s], values[s]);
            }
        }
        assert_int_equal(cleared, 1);
        /* a second read gives 0 */
        v = -1;
        assert_int_equal(esp_tls_get_and_clear_error_type(f->h, c->type, &v), ESP_OK);
        assert_int_equal(v, 0);
    }
}

static void test_caller_storage(void **state)
{
    (void)state;
    caller_storage_t st;
    memset(&st, 0, sizeof(st));
    esp_tls_error_handle_t h = &st.e;
    esp_tls_capture(h, ESP_TLS_ERR_TYPE_SYSTEM, V_ERRNO);
    esp_tls_capture(h, ESP_TLS_ERR_TYPE_ESP, V_ESP);
    esp_tls_capture(h, ESP_TLS_ERR_TYPE_MBEDTLS, V_MBEDTLS);
    esp_tls_capture(h, ESP_TLS_ERR_TYPE_MBEDTLS_CERT_FLAGS, V_FLAGS);
    assert_int_equal(st.sock_errno, V_ERRNO);
    assert_int_equal(st.e.last_error, V_ESP);
    assert_int_equal(st.e.esp_tls_error_code, V_MBEDTLS);
    assert_int_equal(st.e.esp_tls_flags, V_FLAGS);

    int code = 0, flags = 0;
    assert_int_equal(esp_tls_get_and_clear_last_error(h, &code, &flags), V_ESP);
    assert_int_equal(code, V_MBEDTLS);
    assert_int_equal(flags, V_FLAGS);
    assert_int_equal(st.sock_errno, V_ERRNO);

    int v = 0;
    assert_int_equal(esp_tls_get_and_clear_error_type(h, ESP_TLS_ERR_TYPE_SYSTEM, &v), ESP_OK);
    assert_int_equal(v, V_ERRNO);
    assert_int_equal(st.sock_errno, 0);
}

static void test_error_handle_is_per_connection(void **state)
{
    fixture_t *f = *state;
    esp_tls_t *other = esp_tls_init();
    assert_non_null(other);
    esp_tls_error_handle_t h2 = NULL;
    assert_int_equal(esp_tls_get_error_handle(other, &h2), ESP_OK);
    assert_non_null(h2);
    assert_ptr_not_equal(h2, f->h);
    esp_tls_capture(f->h, ESP_TLS_ERR_TYPE_ESP, V_ESP);
    assert_int_equal(esp_tls_get_and_clear_last_error(h2, NULL, NULL), ESP_OK);
    assert_int_equal(esp_tls_get_and_clear_last_error(f->h, NULL, NULL), V_ESP);
    /* the handle is stable */
    esp_tls_error_handle_t again = NULL;
    assert_int_equal(esp_tls_get_error_handle(f->tls, &again), ESP_OK);
    assert_ptr_equal(again, f->h);
    assert_int_equal(esp_tls_conn_destroy(other), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_fresh_handle_is_clear),
        T(test_capture_fills_each_slot),
        T(test_capture_last_write_wins_and_slots_independent),
        T(test_capture_wolfssl_types_share_slots),
        T(test_capture_ignores_null_and_unknown),
        cmocka_unit_test(test_last_error_null_handle),
        T(test_last_error_reads_and_clears_public_slots),
        T(test_last_error_optional_out_params),
        T(test_last_error_negative_esp_code),
        T(test_error_type_invalid_args),
        T(test_error_type_reads_and_clears_only_its_slot),
        cmocka_unit_test(test_caller_storage),
        T(test_error_handle_is_per_connection),
    };
    return cmocka_run_group_tests_name("core/error", tests, NULL, NULL);
}
