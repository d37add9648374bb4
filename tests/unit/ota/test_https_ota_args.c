// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of src/https_ota/ without a server: argument checks, the server verification
 * refusal (before any connection: the URL points at a closed port), decrypt_cb refused, and
 * the getters on a NULL handle. In a build with CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP the refusal
 * becomes a warning and the connection to the closed port fails instead.
 */
#include "ota_test_support.h"

#include "esp_https_ota.h"
#include "sdkconfig.h"

static char g_url[64];

static int closed_port_url(void **state)
{
    (void)state;
    int port = unit_closed_port();
    snprintf(g_url, sizeof(g_url), "http://127.0.0.1:%d/app.bin", port);
    return port > 0 ? 0 : -1;
}

static int stop_capture(void **state)
{
    (void)state;
    log_capture_stop();
    return 0;
}

static void test_null_arguments(void **state)
{
    (void)state;
    esp_https_ota_handle_t h = (esp_https_ota_handle_t)1;
    esp_https_ota_config_t cfg = {0};
    assert_int_equal(esp_https_ota_begin(NULL, &h), ESP_ERR_INVALID_ARG);
    assert_null(h);
    assert_int_equal(esp_https_ota_begin(&cfg, NULL), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_https_ota_begin(&cfg, &h), ESP_ERR_INVALID_ARG); /* no http_config */
    assert_int_equal(esp_https_ota(NULL), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_https_ota_perform(NULL), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_https_ota_finish(NULL), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_https_ota_abort(NULL), ESP_ERR_INVALID_ARG);
    esp_app_desc_t d;
    assert_int_equal(esp_https_ota_get_img_desc(NULL, &d), ESP_ERR_INVALID_ARG);
    assert_false(esp_https_ota_is_complete_data_received(NULL));
    assert_int_equal(esp_https_ota_get_image_len_read(NULL), -1);
    assert_int_equal(esp_https_ota_get_image_size(NULL), -1);
    assert_int_equal(esp_https_ota_get_status_code(NULL), -1);
}

static void test_verification_rule(void **state)
{
    (void)state;
    esp_http_client_config_t http = {.url = g_url, .timeout_ms = 2000};
    esp_https_ota_config_t cfg = {.http_config = &http};
    esp_https_ota_handle_t h = NULL;
    log_capture_start();
    esp_err_t rc = esp_https_ota_begin(&cfg, &h);
    log_capture_stop();
    assert_null(h);
#if CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP
    assert_logged(
        "Continuing with insecure option because CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP is set.");
    assert_int_not_equal(rc, ESP_OK); /* went on and found the closed port */
    assert_int_not_equal(rc, ESP_ERR_INVALID_ARG);
#else
    assert_int_equal(rc, ESP_ERR_INVALID_ARG);
    assert_logged("No option for server verification is enabled in esp_http_client config.");
    assert_null(strstr(g_log, "Failed to open HTTP connection")); /* nothing was attempted */
#endif
    log_capture_start();
    assert_int_equal(esp_https_ota(&cfg), ESP_FAIL); /* as ESP-IDF: begin's error is logged */
    log_capture_stop();
}

static esp_err_t never_called(decrypt_cb_arg_t *args, void *ctx)
{
    (void)args;
    (void)ctx;
    fail_msg("the decrypt callback was called");
    return ESP_FAIL;
}

static void test_decrypt_cb_refused(void **state)
{
    (void)state;
    esp_http_client_config_t http = {.url = g_url, .cert_pem = "-----BEGIN CERTIFICATE-----"};
    esp_https_ota_config_t cfg = {.http_config = &http, .decrypt_cb = never_called};
    esp_https_ota_handle_t h = NULL;
    log_capture_start();
    assert_int_equal(esp_https_ota_begin(&cfg, &h), ESP_ERR_NOT_SUPPORTED);
    assert_logged("decrypt_cb");
    log_capture_stop();
    assert_null(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_null_arguments, closed_port_url, stop_capture),
        cmocka_unit_test_setup_teardown(test_verification_rule, closed_port_url, stop_capture),
        cmocka_unit_test_setup_teardown(test_decrypt_cb_refused, closed_port_url, stop_capture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
