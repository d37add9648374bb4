// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of src/core/url.c: esp_tls_url_parse() (ESP-IDF's host/port rules for
 * esp_tls_conn_http_new_sync()) and esp_tls_url_authority() (the same split without a default
 * port, used by esp_http_client).
 */
#include "unit_support.h"

#include "core/url.h"
#include "esp_log.h"

typedef struct {
    const char *url;
    const char *host; /* expected host bytes */
    size_t host_len;  /* expected length (checked separately from the bytes) */
    int port;
} url_ok_case_t;

static const url_ok_case_t s_ok[] = {
    {"https://example.com", "example.com", 11, 443},
    {"https://example.com/", "example.com", 11, 443},
    {"http://example.com", "example.com", 11, 80},
    {"http://example.com/index.html", "example.com", 11, 80},
    {"https://example.com:8443/", "example.com", 11, 8443},
    {"http://example.com:443", "example.com", 11, 443},
    {"https://example.com:1/", "example.com", 11, 1},
    {"https://example.com:65535/", "example.com", 11, 65535},
    /* the scheme is compared case-insensitively; the host is kept as written */
    {"HTTPS://Example.COM/", "Example.COM", 11, 443},
    {"HtTp://h", "h", 1, 80},
    /* IPv6 literals: brackets excluded from the host */
    {"https://[::1]:8443/x", "::1", 3, 8443},
    {"https://[fe80::1]/", "fe80::1", 7, 443},
    {"http://[2001:db8::7]", "2001:db8::7", 11, 80},
    /* user info is skipped, also when it contains ':' */
    {"https://u:p@host:1/", "host", 4, 1},
    {"https://user@host/", "host", 4, 443},
    /* path, query and fragment are ignored */
    {"https://host:444/a/b?c=d:5#e", "host", 4, 444},
    {"https://host?q=1", "host", 4, 443},
    {"https://host#frag", "host", 4, 443},
    {"http://127.0.0.1:8080/p", "127.0.0.1", 9, 8080},
    /* WHATWG: in http(s) a backslash ends the authority like '/': the host is "good", and
     * "@evil/" is path (curl and browsers connect to good, so must we) */
    {"https://good:1\\@evil/", "good", 4, 1},
    {"https://good\\@evil/", "good", 4, 443},
    {"http://good\\path", "good", 4, 80},
    /* the user info ends at the last '@' */
    {"https://a@b@host/", "host", 4, 443},
    {"https://u:p@ss@host:8443/", "host", 4, 8443},
    /* an empty port is the default; leading zeros are decimal, not octal */
    {"https://host:/", "host", 4, 443},
    {"https://host:0443/", "host", 4, 443},
    {"https://host:000000000080/", "host", 4, 80},
    /* outside the special schemes a backslash belongs to the user info (WHATWG) */
    {"mqtts://good:1\\@evil:8883/", "evil", 4, 8883},
    /* a name whose last label is not a number is a name */
    {"https://1.2.3.example/", "1.2.3.example", 13, 443},
};

static void test_url_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(s_ok); i++) {
        const url_ok_case_t *c = &s_ok[i];
        esp_tls_url_t u;
        memset(&u, 0xA5, sizeof(u));
        print_message("  %s\n", c->url);
        assert_int_equal(esp_tls_url_parse(c->url, &u), ESP_OK);
        assert_int_equal(u.host_len, c->host_len);
        assert_memory_equal(u.host, c->host, c->host_len);
        /* the host points into the URL, it is not a copy */
        assert_true(u.host > c->url && u.host + u.host_len <= c->url + strlen(c->url));
        assert_int_equal(u.port, c->port);
    }
}

static const char *const s_malformed[] = {
    "",
    "host",
    "host:443",
    "://host",
    "1https://host",
    "https:/host",
    "https://",
    "https:///path",
    "https://:443",
    "https://user@",
    "https://host:0",
    "https://host:70000",
    "https://host:65536",
    "https://host:123456",
    "https://host:-1",
    "https://host:12a",
    "https://[::1",
    "https://[::1]x",
    "https://[]/",
    "ftp://host",     /* no explicit port and no default port for the scheme */
    "httpsx://host/", /* not https: no default port */
    "https://ho st/",
    /* a bracketed host must be an IPv6 address, without a zone id */
    "https://[evil.test]/",
    "https://[fe80::1%25eth0]/",
    "https://[fe80::1%eth0]/",
    "https://[1.2.3.4]/",
    /* percent escapes never reach DNS */
    "https://%65vil.test/",
    "https://ev%00il/",
    /* a host that ends in a number is IPv4 (WHATWG); only the dotted quad is accepted */
    "https://0x7f000001/",
    "https://0x7f.1/",
    "https://2130706433/",
    "https://127.1/",
    "https://0177.0.0.1/",
    "https://1.2.3.4.5/",
    "https://256.1.1.1/",
    "https://example.0x10/",
    /* forbidden host code points */
    "https://ho<st/",
    "https://ho^st/",
    "https://ho|st/",
    "https://ho\tst/",
    "https://host\r\n/",
    "https://host:44 3/",
};

static void test_url_malformed(void **state)
{
    (void)state;
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(s_malformed); i++) {
        esp_tls_url_t u;
        print_message("  \"%s\"\n", s_malformed[i]);
        assert_int_equal(esp_tls_url_parse(s_malformed[i], &u), ESP_ERR_INVALID_ARG);
    }
}

static void test_url_explicit_port_without_default(void **state)
{
    (void)state;
    /* A scheme without a default port is fine when the port is explicit. */
    esp_tls_url_t u;
    assert_int_equal(esp_tls_url_parse("ftp://host:21/", &u), ESP_OK);
    assert_int_equal(u.port, 21);
    assert_int_equal(u.host_len, 4);
    assert_memory_equal(u.host, "host", 4);
}

/* A refused URL is logged without its user info (it may hold a password), with control
 * characters escaped, so that a URL can forge neither a log line nor leak a secret. */
static char s_log[2048];

static int capture_log(const char *fmt, va_list ap)
{
    size_t n = strlen(s_log);
    vsnprintf(s_log + n, sizeof(s_log) - n, fmt, ap);
    return 0;
}

static void test_url_log_hides_userinfo(void **state)
{
    (void)state;
    esp_tls_url_t u;
    s_log[0] = '\0';
    vprintf_like_t old = esp_log_set_vprintf(capture_log);
    assert_int_equal(esp_tls_url_parse("https://admin:S3cretPassw0rd@[evil.test]/\x1b[2J", &u),
                     ESP_ERR_INVALID_ARG);
    esp_log_set_vprintf(old);
    print_message("  log: %s", s_log);
    assert_non_null(strstr(s_log, "https://***@[evil.test]/\\x1b[2J"));
    assert_null(strstr(s_log, "S3cret"));
    assert_null(strstr(s_log, "admin"));
    assert_null(strchr(s_log, '\x1b'));
}

/* esp_tls_url_authority(): the same host as esp_tls_url_parse(), port 0 when none is written,
 * any scheme. */
static void test_url_authority(void **state)
{
    (void)state;
    esp_tls_url_t u;
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(s_ok); i++) {
        esp_tls_url_t full;
        assert_int_equal(esp_tls_url_parse(s_ok[i].url, &full), ESP_OK);
        assert_int_equal(esp_tls_url_authority(s_ok[i].url, &u), ESP_OK);
        assert_ptr_equal(u.host, full.host);
        assert_int_equal(u.host_len, full.host_len);
        assert_true(u.port == 0 || u.port == full.port);
    }
    assert_int_equal(esp_tls_url_authority("https://host/", &u), ESP_OK);
    assert_int_equal(u.port, 0);
    assert_int_equal(esp_tls_url_authority("ftp://host/", &u), ESP_OK);
    assert_int_equal(u.port, 0);
    assert_int_equal(esp_tls_url_authority("foo://[::1]:7/", &u), ESP_OK);
    assert_int_equal(u.port, 7);
    assert_int_equal(u.host_len, 3);
    assert_int_equal(esp_tls_url_authority("https://[evil.test]/", &u), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_tls_url_authority("https://0x7f.1/", &u), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_tls_url_authority(NULL, &u), ESP_ERR_INVALID_ARG);
}

static void test_url_null_args(void **state)
{
    (void)state;
    esp_tls_url_t u;
    assert_int_equal(esp_tls_url_parse(NULL, &u), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_tls_url_parse("https://host/", NULL), ESP_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_valid),
        cmocka_unit_test(test_url_malformed),
        cmocka_unit_test(test_url_explicit_port_without_default),
        cmocka_unit_test(test_url_null_args),
        cmocka_unit_test(test_url_authority),
        cmocka_unit_test(test_url_log_hides_userinfo),
    };
    return cmocka_run_group_tests_name("core/url", tests, NULL, NULL);
}
