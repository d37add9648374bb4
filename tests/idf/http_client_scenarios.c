// SPDX-License-Identifier: Apache-2.0
/*
 * ESP-IDF's esp_http_client test cases (components/esp_http_client/test_apps, TEST_CASEs
 * "Username is unmodified when we change to new path", "Username and password will not reset
 * if new absolute URL doesnot specify auth credentials.", "Username and password will be reset
 * if new absolute URL has different auth credentials.", "esp_http_client_init() should return
 * NULL if configured with wrong url", "esp_http_client_get_url() should return URL in the
 * correct format", "esp_http_client_set_header() should not return error if header value is
 * NULL") as our own scenarios, plus the defaults ESP-IDF documents for the config and the
 * request headers an ESP-IDF client sends. No peer: what is asserted happens before a
 * connection.
 *
 *   http_client_scenarios SCENARIO
 */
#include "esp_http_client.h"
#include "idf_test.h"

#define AUTH_URL "http://user:pass@httpbin.org/digest-auth/auth/user/pass/MD5/never"

static esp_http_client_handle_t client_for(const char *url)
{
    esp_http_client_config_t cfg = {.url = url, .auth_type = HTTP_AUTH_TYPE_DIGEST};
    esp_http_client_handle_t c = esp_http_client_init(&cfg);
    CHECK(c != NULL);
    return c;
}

static void check_credentials(esp_http_client_handle_t c, const char *user, const char *pass)
{
    char *value = NULL;
    CHECK_EQ(esp_http_client_get_username(c, &value), ESP_OK);
    CHECK(value && strcmp(value, user) == 0);
    CHECK_EQ(esp_http_client_get_password(c, &value), ESP_OK);
    CHECK(value && strcmp(value, pass) == 0);
}

/* "Username is unmodified when we change to new path" */
static void username_kept_on_new_path(void)
{
    esp_http_client_handle_t c = client_for(AUTH_URL);
    check_credentials(c, "user", "pass");
    CHECK_EQ(esp_http_client_set_url(c, "/something-else/"), ESP_OK);
    check_credentials(c, "user", "pass");
    esp_http_client_cleanup(c);
}

/* "Username and password will not reset if new absolute URL doesnot specify auth credentials." */
static void credentials_kept_on_absolute_url(void)
{
    esp_http_client_handle_t c = client_for(AUTH_URL);
    CHECK_EQ(esp_http_client_set_url(c, "http://httpbin.org/something-else/"), ESP_OK);
    check_credentials(c, "user", "pass");
    esp_http_client_cleanup(c);
}

/* "Username and password will be reset if new absolute URL has different auth credentials." */
static void credentials_replaced_by_url(void)
{
    esp_http_client_handle_t c = client_for(AUTH_URL);
    CHECK_EQ(esp_http_client_set_url(c, "http://user2:pass2@httpbin.org/something-else/"), ESP_OK);
    check_credentials(c, "user2", "pass2");
    esp_http_client_cleanup(c);
}

/* "esp_http_client_init() should return NULL if configured with wrong url" */
static void init_wrong_url(void)
{
    const char *bad[] = {"//httpbin.org/post", "httpbin.org/post", "http://", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        esp_http_client_config_t cfg = {.url = bad[i]};
        CHECK(esp_http_client_init(&cfg) == NULL);
    }
    CHECK(esp_http_client_init(NULL) == NULL);
}

/* "esp_http_client_get_url() should return URL in the correct format" */
static void get_url_format(void)
{
    const char *url = "http://httpbin.org/get?a=1&b=2";
    esp_http_client_config_t cfg = {.url = url};
    esp_http_client_handle_t c = esp_http_client_init(&cfg);
    CHECK(c != NULL);
    char out[128];
    CHECK_EQ(esp_http_client_get_url(c, out, sizeof(out)), ESP_OK);
    CHECK(strcmp(out, url) == 0);
    CHECK_EQ(esp_http_client_get_url(c, out, 8), ESP_FAIL); /* too small */
    CHECK_EQ(esp_http_client_set_url(c, "https://example.com:8443/x"), ESP_OK);
    CHECK_EQ(esp_http_client_get_url(c, out, sizeof(out)), ESP_OK);
    CHECK(strcmp(out, "https://example.com:8443/x") == 0);
    CHECK_EQ(esp_http_client_get_transport_type(c), HTTP_TRANSPORT_OVER_SSL);
    esp_http_client_cleanup(c);
}

/* "esp_http_client_set_header() should not return error if header value is NULL" */
static void set_header_null_value(void)
{
    esp_http_client_config_t cfg = {.url = "http://httpbin.org/get"};
    esp_http_client_handle_t c = esp_http_client_init(&cfg);
    CHECK(c != NULL);
    char *value = NULL;
    CHECK_EQ(esp_http_client_set_header(c, "X-Test", "1"), ESP_OK);
    CHECK_EQ(esp_http_client_get_header(c, "x-test", &value), ESP_OK);
    CHECK(value && strcmp(value, "1") == 0);
    CHECK_EQ(esp_http_client_set_header(c, "X-Test", NULL), ESP_OK);
    CHECK_EQ(esp_http_client_get_header(c, "X-Test", &value), ESP_OK);
    CHECK(value == NULL);
    esp_http_client_cleanup(c);
}

/* The defaults: User-Agent "ESP32 HTTP Client/1.0", Host with a non-default port, GET, the
 * form Content-Type for a post field, the post field kept by pointer. */
static void defaults(void)
{
    esp_http_client_config_t cfg = {.host = "example.com", .port = 8080, .path = "/p"};
    esp_http_client_handle_t c = esp_http_client_init(&cfg);
    CHECK(c != NULL);
    char *value = NULL;
    CHECK_EQ(esp_http_client_get_header(c, "User-Agent", &value), ESP_OK);
    CHECK(value && strcmp(value, "ESP32 HTTP Client/1.0") == 0);
    CHECK_EQ(esp_http_client_get_header(c, "Host", &value), ESP_OK);
    CHECK(value && strcmp(value, "example.com:8080") == 0);
    CHECK_EQ(esp_http_client_get_transport_type(c), HTTP_TRANSPORT_OVER_TCP);
    static const char body[] = "a=1";
    CHECK_EQ(esp_http_client_set_post_field(c, body, 3), ESP_OK);
    char *data = NULL;
    CHECK_EQ(esp_http_client_get_post_field(c, &data), 3);
    CHECK(data == body);
    CHECK_EQ(esp_http_client_get_header(c, "Content-Type", &value), ESP_OK);
    CHECK(value && strcmp(value, "application/x-www-form-urlencoded") == 0);
    CHECK_EQ(esp_http_client_delete_header(c, "Content-Type"), ESP_OK);
    CHECK_EQ(esp_http_client_get_header(c, "Content-Type", &value), ESP_OK);
    CHECK(value == NULL);
    CHECK_EQ(esp_http_client_set_method(c, HTTP_METHOD_MAX), ESP_ERR_INVALID_ARG);
    CHECK_EQ(esp_http_client_cancel_request(c), ESP_ERR_INVALID_STATE);
    CHECK_EQ(esp_http_client_get_socket(c), -1);
    CHECK(!esp_http_client_is_complete_data_received(c));
    esp_http_client_cleanup(c);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: http_client_scenarios SCENARIO\n");
        return 2;
    }
    const char *s = argv[1];
    esp_log_level_set("*", ESP_LOG_NONE);
    if (!strcmp(s, "username_kept_on_new_path")) {
        username_kept_on_new_path();
    } else if (!strcmp(s, "credentials_kept_on_absolute_url")) {
        credentials_kept_on_absolute_url();
    } else if (!strcmp(s, "credentials_replaced_by_url")) {
        credentials_replaced_by_url();
    } else if (!strcmp(s, "init_wrong_url")) {
        init_wrong_url();
    } else if (!strcmp(s, "get_url_format")) {
        get_url_format();
    } else if (!strcmp(s, "set_header_null_value")) {
        set_header_null_value();
    } else if (!strcmp(s, "defaults")) {
        defaults();
    } else {
        fprintf(stderr, "unknown scenario %s\n", s);
        return 2;
    }
    printf("%s: passed\n", s);
    return 0;
}
