// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the backend boundary (src/core/backend_registry.c, backend_api.c): a table of
 * another interface version or size is refused once with ESP_ERR_INVALID_VERSION and a log
 * line, and the backend in use stays; a slot a backend leaves NULL gives ESP_ERR_NOT_SUPPORTED
 * (or NULL) with a log line naming the public function.
 */
#include <string.h>

#include "unit_support.h"

#include "core/backend_registry.h"
#include "esp_tls_crypto.h"

static esp_tls_backend_ops_t s_copy;

/* Put the built-in backend back, whatever a test did. */
static int restore(void **state)
{
    (void)state;
    return esp_tls_backend_register(&esp_tls_backend_mbedtls) == ESP_OK ? 0 : -1;
}

static void refuses_another_version(void **state)
{
    (void)state;
    const esp_tls_backend_ops_t *before = esp_tls_backend();
    assert_ptr_equal(before, &esp_tls_backend_mbedtls);
    s_copy = esp_tls_backend_mbedtls;
    s_copy.version = ESP_TLS_BACKEND_OPS_VERSION + 1;
    vprintf_like_t old = unit_log_capture();
    esp_err_t rc = esp_tls_backend_register(&s_copy);
    esp_log_set_vprintf(old);
    assert_int_equal(rc, ESP_ERR_INVALID_VERSION);
    assert_non_null(strstr(unit_log_text(), "ops table of version"));
    assert_ptr_equal(esp_tls_backend(), before); /* the backend in use stays */
}

static void refuses_another_size(void **state)
{
    (void)state;
    s_copy = esp_tls_backend_mbedtls;
    s_copy.size = (uint32_t)sizeof(s_copy) - sizeof(void *); /* built with one slot less */
    vprintf_like_t old = unit_log_capture();
    esp_err_t rc = esp_tls_backend_register(&s_copy);
    esp_log_set_vprintf(old);
    assert_int_equal(rc, ESP_ERR_INVALID_VERSION);
    assert_non_null(strstr(unit_log_text(), "rebuild the backend"));
    assert_ptr_equal(esp_tls_backend(), &esp_tls_backend_mbedtls);
    assert_int_equal(esp_tls_backend_register(NULL), ESP_ERR_INVALID_ARG);
}

static void null_slots_not_supported(void **state)
{
    (void)state;
    s_copy = esp_tls_backend_mbedtls;
    s_copy.keylog_file = NULL;
    s_copy.ciphersuites = NULL;
    s_copy.sha1 = NULL;
    s_copy.cert_describe = NULL;
    assert_int_equal(esp_tls_backend_register(&s_copy), ESP_OK);
    assert_ptr_equal(esp_tls_backend(), &s_copy);

    vprintf_like_t old = unit_log_capture();
    esp_err_t keylog = esp_tls_set_keylog_file(NULL);
    const int *suites = esp_tls_get_ciphersuites_list();
    unsigned char digest[20];
    int sha = esp_crypto_sha1((const unsigned char *)"abc", 3, digest);
    esp_tls_cert_info_t info;
    esp_err_t describe = esp_tls_cert_describe((const unsigned char *)"\x30\x00", 2, &info);
    esp_log_set_vprintf(old);

    assert_int_equal(keylog, ESP_ERR_NOT_SUPPORTED);
    assert_null(suites);
    assert_int_equal(sha, ESP_ERR_NOT_SUPPORTED);
    assert_int_equal(describe, ESP_ERR_NOT_SUPPORTED);
    assert_non_null(strstr(unit_log_text(), "esp_tls_set_keylog_file: not supported"));
    assert_non_null(strstr(unit_log_text(), "esp_tls_get_ciphersuites_list: not supported"));
    /* arguments are checked before the backend is asked */
    assert_int_equal(esp_tls_cert_describe(NULL, 2, &info), ESP_ERR_INVALID_ARG);

    /* the slots that are set still work through the same table */
    assert_int_equal(esp_crypto_base64_encode(digest, sizeof(digest), &(size_t){0},
                                              (const unsigned char *)"abc", 3),
                     0);
}

static void builtin_backend_serves_all(void **state)
{
    (void)state;
    assert_ptr_equal(esp_tls_backend(), &esp_tls_backend_mbedtls);
    const int *suites = esp_tls_get_ciphersuites_list();
    assert_non_null(suites);
    assert_true(suites[0] != 0);
    unsigned char digest[20];
    assert_int_equal(esp_crypto_sha1((const unsigned char *)"abc", 3, digest), 0);
    assert_int_equal(digest[0], 0xa9); /* SHA-1("abc") = a9993e36... */
    assert_int_equal(digest[1], 0x99);
    /* a connection takes the registered table */
    esp_tls_t *tls = esp_tls_init();
    assert_non_null(tls);
    esp_tls_conn_info_t info;
    assert_int_equal(esp_tls_get_conn_info(tls, &info), ESP_ERR_INVALID_STATE);
    assert_false(esp_tls_session_resumed(tls));
    assert_null(esp_tls_get_client_session(tls));
    esp_tls_conn_destroy(tls);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(refuses_another_version, restore),
        cmocka_unit_test_teardown(refuses_another_size, restore),
        cmocka_unit_test_teardown(null_slots_not_supported, restore),
        cmocka_unit_test_teardown(builtin_backend_serves_all, restore),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
