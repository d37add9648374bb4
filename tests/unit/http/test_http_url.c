// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of src/http/http_url.c: esp_http_client takes a URL's host and port from the same
 * WHATWG split as esp_tls_conn_http_new (core/url.c) and refuses a URL that libhttp-parser
 * splits differently, so that no URL names one host to an allow-list and another to the client.
 * No connection is made: init/set_url/get_url only.
 */
#include "unit_support.h"

#include "esp_http_client.h"
#include "esp_log.h"

static esp_http_client_handle_t client_for(const char *url)
{
    esp_http_client_config_t cfg = {.url = url};
    return esp_http_client_init(&cfg);
}

typedef struct {
    const char *url;
    const char *host;
    int port;
} http_url_case_t;

static void test_http_url_split(void **state)
{
    (void)state;
    static const http_url_case_t ok[] = {
        {"http://example.com/x", "example.com", 80},
        {"https://example.com:8443/x?y=1", "example.com", 8443},
        {"https://user:pw@host.test/", "host.test", 443},
        {"http://[::1]:8080/", "::1", 8080},
        {"https://127.0.0.1/", "127.0.0.1", 443},
    };
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(ok); i++) {
        print_message("  %s\n", ok[i].url);
        esp_http_client_handle_t c = client_for(ok[i].url);
        assert_non_null(c);
        char out[256];
        assert_int_equal(esp_http_client_get_url(c, out, sizeof(out)), ESP_OK);
        assert_non_null(strstr(out, ok[i].host));
        assert_int_equal(esp_http_client_cleanup(c), ESP_OK);
    }
}

/* URLs whose host the WHATWG rules (curl, browsers, esp_tls_conn_http_new) and a lenient
 * parser could read differently, or that name no host at all. */
static const char *const s_refused[] = {
    "https://good:1\\@evil/", /* WHATWG: host good; elsewhere the user info ends at '@' */
    "https://good\\@evil/",   /* the same without a port */
    "https://[evil.test]/",   /* a bracketed name */
    "https://0x7f.1/",        /* a number that is not a dotted quad */
    "https://2130706433/",    /* 127.0.0.1 to WHATWG */
    "https://%65vil.test/",   /* a percent escape in the host */
    "https://host:70000/",    /* port out of range */
    "https:///path",          /* no host */
};

static void test_http_url_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(s_refused); i++) {
        print_message("  %s\n", s_refused[i]);
        assert_null(client_for(s_refused[i]));
    }
    /* set_url on a live client: refused, the old URL kept */
    esp_http_client_handle_t c = client_for("https://good.test/a");
    assert_non_null(c);
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(s_refused); i++) {
        assert_int_not_equal(esp_http_client_set_url(c, s_refused[i]), ESP_OK);
    }
    char out[256];
    assert_int_equal(esp_http_client_get_url(c, out, sizeof(out)), ESP_OK);
    assert_non_null(strstr(out, "good.test"));
    assert_null(strstr(out, "evil"));
    assert_int_equal(esp_http_client_cleanup(c), ESP_OK);
}

/* A refused URL's password never reaches the log. */
static void test_http_url_log_hides_password(void **state)
{
    (void)state;
    vprintf_like_t old = unit_log_capture();
    assert_null(client_for("https://admin:S3cretPassw0rd@[evil.test]/"));
    esp_log_set_vprintf(old);
    print_message("  log: %s", unit_log_text());
    assert_non_null(strstr(unit_log_text(), "https://***@[evil.test]/"));
    assert_null(strstr(unit_log_text(), "S3cret"));
    assert_null(strstr(unit_log_text(), "admin"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_url_split),
        cmocka_unit_test(test_http_url_refused),
        cmocka_unit_test(test_http_url_log_hides_password),
    };
    return cmocka_run_group_tests_name("http/url", tests, NULL, NULL);
}
