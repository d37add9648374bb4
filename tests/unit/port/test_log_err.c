// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of src/port/esp_err.c and src/port/log.c: esp_err_to_name() and esp_log.
 */
#include <ctype.h>

#include "unit_support.h"

#include "esp_err.h"
#include "esp_log.h"
#include "esp_tls_errors.h"

/* ---- esp_err_to_name ---------------------------------------------------------------------- */

typedef struct {
    esp_err_t code;
    const char *name;
} err_name_t;

#define E(code)                                                                                    \
    {                                                                                              \
        code, #code                                                                                \
    }

/* Every code of esp_err.h and esp_tls_errors.h. */
static const err_name_t s_codes[] = {
    E(ESP_OK),
    E(ESP_FAIL),
    E(ESP_ERR_NO_MEM),
    E(ESP_ERR_INVALID_ARG),
    E(ESP_ERR_INVALID_STATE),
    E(ESP_ERR_INVALID_SIZE),
    E(ESP_ERR_NOT_FOUND),
    E(ESP_ERR_NOT_SUPPORTED),
    E(ESP_ERR_TIMEOUT),
    E(ESP_ERR_INVALID_RESPONSE),
    E(ESP_ERR_INVALID_CRC),
    E(ESP_ERR_INVALID_VERSION),
    E(ESP_ERR_INVALID_MAC),
    E(ESP_ERR_NOT_FINISHED),
    E(ESP_ERR_NOT_ALLOWED),
    E(ESP_ERR_ESP_TLS_BASE),
    E(ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME),
    E(ESP_ERR_ESP_TLS_CANNOT_CREATE_SOCKET),
    E(ESP_ERR_ESP_TLS_UNSUPPORTED_PROTOCOL_FAMILY),
    E(ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST),
    E(ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED),
    E(ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT),
    E(ESP_ERR_ESP_TLS_SE_FAILED),
    E(ESP_ERR_ESP_TLS_TCP_CLOSED_FIN),
    E(ESP_ERR_ESP_TLS_SERVER_HANDSHAKE_TIMEOUT),
    E(ESP_ERR_MBEDTLS_CERT_PARTLY_OK),
    E(ESP_ERR_MBEDTLS_CTR_DRBG_SEED_FAILED),
    E(ESP_ERR_MBEDTLS_SSL_SET_HOSTNAME_FAILED),
    E(ESP_ERR_MBEDTLS_SSL_CONFIG_DEFAULTS_FAILED),
    E(ESP_ERR_MBEDTLS_SSL_CONF_ALPN_PROTOCOLS_FAILED),
    E(ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED),
    E(ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED),
    E(ESP_ERR_MBEDTLS_SSL_SETUP_FAILED),
    E(ESP_ERR_MBEDTLS_SSL_WRITE_FAILED),
    E(ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED),
    E(ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED),
    E(ESP_ERR_MBEDTLS_SSL_CONF_PSK_FAILED),
    E(ESP_ERR_MBEDTLS_SSL_TICKET_SETUP_FAILED),
    E(ESP_ERR_MBEDTLS_SSL_READ_FAILED),
    E(ESP_ERR_WOLFSSL_SSL_SET_HOSTNAME_FAILED),
    E(ESP_ERR_WOLFSSL_SSL_CONF_ALPN_PROTOCOLS_FAILED),
    E(ESP_ERR_WOLFSSL_CERT_VERIFY_SETUP_FAILED),
    E(ESP_ERR_WOLFSSL_KEY_VERIFY_SETUP_FAILED),
    E(ESP_ERR_WOLFSSL_SSL_HANDSHAKE_FAILED),
    E(ESP_ERR_WOLFSSL_CTX_SETUP_FAILED),
    E(ESP_ERR_WOLFSSL_SSL_SETUP_FAILED),
    E(ESP_ERR_WOLFSSL_SSL_WRITE_FAILED),
};

static void test_err_to_name_every_code(void **state)
{
    (void)state;
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(s_codes); i++) {
        const char *name = esp_err_to_name(s_codes[i].code);
        assert_non_null(name);
        assert_string_equal(name, s_codes[i].name);
        char buf[96];
        memset(buf, 'X', sizeof(buf));
        assert_ptr_equal(esp_err_to_name_r(s_codes[i].code, buf, sizeof(buf)), buf);
        assert_string_equal(buf, s_codes[i].name);
    }
}

static void test_err_codes_are_distinct(void **state)
{
    (void)state;
    /* A duplicate value would make one of the names unreachable. */
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(s_codes); i++) {
        for (size_t j = i + 1; j < UNIT_ARRAY_SIZE(s_codes); j++) {
            assert_int_not_equal(s_codes[i].code, s_codes[j].code);
        }
    }
}

static const esp_err_t s_unknown[] = {1, 0x100, 0x10E, 0x7FFF, 0x800A, 0x801E, 0x8039, -2, 0x12345};

static void test_err_to_name_unknown(void **state)
{
    (void)state;
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(s_unknown); i++) {
        assert_string_equal(esp_err_to_name(s_unknown[i]), "UNKNOWN ERROR");
        char buf[64];
        assert_ptr_equal(esp_err_to_name_r(s_unknown[i], buf, sizeof(buf)), buf);
        assert_non_null(strstr(buf, "0x"));
        /* the hex value is shown */
        char hex[16];
        snprintf(hex, sizeof(hex), "%x", (unsigned)s_unknown[i]);
        assert_non_null(strstr(buf, hex));
    }
}

static void test_err_to_name_r_truncates(void **state)
{
    (void)state;
    char buf[8];
    memset(buf, 'X', sizeof(buf));
    assert_ptr_equal(esp_err_to_name_r(ESP_ERR_INVALID_ARG, buf, sizeof(buf)), buf);
    assert_int_equal(strlen(buf), sizeof(buf) - 1);
    assert_memory_equal(buf, "ESP_ERR", 7);
}

/* ---- esp_log levels ---------------------------------------------------------------------- */

static void test_log_level_per_tag(void **state)
{
    (void)state;
    esp_log_level_set("*", ESP_LOG_WARN);
    assert_int_equal(esp_log_level_get("unit-a"), ESP_LOG_WARN);
    assert_int_equal(esp_log_level_get("unit-b"), ESP_LOG_WARN);

    esp_log_level_set("unit-a", ESP_LOG_DEBUG);
    esp_log_level_set("unit-b", ESP_LOG_NONE);
    assert_int_equal(esp_log_level_get("unit-a"), ESP_LOG_DEBUG);
    assert_int_equal(esp_log_level_get("unit-b"), ESP_LOG_NONE);
    assert_int_equal(esp_log_level_get("unit-c"), ESP_LOG_WARN);
    /* tags are compared whole, not by prefix */
    assert_int_equal(esp_log_level_get("unit-aa"), ESP_LOG_WARN);
    assert_int_equal(esp_log_level_get("unit-"), ESP_LOG_WARN);

    /* changing a tag again */
    esp_log_level_set("unit-a", ESP_LOG_ERROR);
    assert_int_equal(esp_log_level_get("unit-a"), ESP_LOG_ERROR);

    /* "*" sets the default and resets the tags set before it */
    esp_log_level_set("*", ESP_LOG_VERBOSE);
    assert_int_equal(esp_log_level_get("unit-a"), ESP_LOG_VERBOSE);
    assert_int_equal(esp_log_level_get("unit-b"), ESP_LOG_VERBOSE);
    assert_int_equal(esp_log_level_get("unit-c"), ESP_LOG_VERBOSE);

    esp_log_level_set("*", ESP_LOG_INFO);
}

/* ---- esp_log output ----------------------------------------------------------------------- */

static char s_captured[2048];
static size_t s_captured_len;
static int s_sink_calls;

static int capture_vprintf(const char *format, va_list args)
{
    s_sink_calls++;
    int n =
        vsnprintf(s_captured + s_captured_len, sizeof(s_captured) - s_captured_len, format, args);
    if (n > 0) {
        s_captured_len += (size_t)n;
        if (s_captured_len >= sizeof(s_captured)) {
            s_captured_len = sizeof(s_captured) - 1;
        }
    }
    return n;
}

static void reset_capture(void)
{
    s_captured[0] = '\0';
    s_captured_len = 0;
    s_sink_calls = 0;
}

static vprintf_like_t s_prev_sink;

static int sink_setup(void **state)
{
    (void)state;
    reset_capture();
    s_prev_sink = esp_log_set_vprintf(capture_vprintf);
    esp_log_level_set("*", ESP_LOG_INFO);
    return s_prev_sink == NULL ? -1 : 0;
}

static int sink_teardown(void **state)
{
    (void)state;
    vprintf_like_t mine = esp_log_set_vprintf(s_prev_sink);
    esp_log_level_set("*", ESP_LOG_INFO);
    assert_ptr_equal(mine, capture_vprintf);
    return 0;
}

/* Check that @p line is "<L> (<ms>) <tag>: <msg>\n" and return the timestamp. */
static unsigned long assert_line(const char *line, char letter, const char *tag, const char *msg)
{
    print_message("    captured: %s", line);
    assert_int_equal(line[0], letter);
    assert_memory_equal(line + 1, " (", 2);
    const char *p = line + 3;
    assert_true(isdigit((unsigned char)*p));
    char *end = NULL;
    unsigned long ms = strtoul(p, &end, 10);
    assert_non_null(end);
    assert_memory_equal(end, ") ", 2);
    p = end + 2;
    size_t tl = strlen(tag);
    assert_memory_equal(p, tag, tl);
    assert_memory_equal(p + tl, ": ", 2);
    p += tl + 2;
    size_t ml = strlen(msg);
    assert_memory_equal(p, msg, ml);
    assert_string_equal(p + ml, "\n");
    return ms;
}

static void test_log_format(void **state)
{
    (void)state;
    unsigned long before = esp_log_timestamp();
    esp_log_write(ESP_LOG_ERROR, "unit-tag", "message %d %s", 42, "ok");
    unsigned long after = esp_log_timestamp();
    assert_true(s_sink_calls >= 1);
    unsigned long ms = assert_line(s_captured, 'E', "unit-tag", "message 42 ok");
    assert_true(ms >= before && ms <= after);
}

static void test_log_macros_and_letters(void **state)
{
    (void)state;
    esp_log_level_set("unit-m", ESP_LOG_VERBOSE);
    const struct {
        esp_log_level_t level;
        char letter;
    } cases[] = {
        {ESP_LOG_ERROR, 'E'}, {ESP_LOG_WARN, 'W'},    {ESP_LOG_INFO, 'I'},
        {ESP_LOG_DEBUG, 'D'}, {ESP_LOG_VERBOSE, 'V'},
    };
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(cases); i++) {
        reset_capture();
        esp_log_write(cases[i].level, "unit-m", "level %d", (int)cases[i].level);
        char msg[32];
        snprintf(msg, sizeof(msg), "level %d", (int)cases[i].level);
        assert_line(s_captured, cases[i].letter, "unit-m", msg);
    }
    reset_capture();
    ESP_LOGW("unit-m", "via macro %u", 7u);
    assert_line(s_captured, 'W', "unit-m", "via macro 7");
}

static void test_log_filtered_level_prints_nothing(void **state)
{
    (void)state;
    esp_log_level_set("unit-f", ESP_LOG_ERROR);
    esp_log_write(ESP_LOG_WARN, "unit-f", "must not appear");
    esp_log_write(ESP_LOG_INFO, "unit-f", "must not appear");
    esp_log_write(ESP_LOG_DEBUG, "unit-f", "must not appear");
    assert_int_equal(s_sink_calls, 0);
    assert_int_equal(s_captured_len, 0);

    /* a silenced tag prints nothing at all, even errors */
    esp_log_level_set("unit-f", ESP_LOG_NONE);
    esp_log_write(ESP_LOG_ERROR, "unit-f", "must not appear");
    assert_int_equal(s_sink_calls, 0);

    /* the default applies to other tags: INFO passes, DEBUG does not */
    esp_log_write(ESP_LOG_DEBUG, "unit-other", "must not appear");
    assert_int_equal(s_sink_calls, 0);
    esp_log_write(ESP_LOG_INFO, "unit-other", "shown");
    assert_true(s_sink_calls >= 1);
    assert_line(s_captured, 'I', "unit-other", "shown");
}

static void test_log_set_vprintf_returns_previous(void **state)
{
    (void)state;
    /* the fixture installed capture_vprintf: setting it again returns it */
    assert_ptr_equal(esp_log_set_vprintf(capture_vprintf), capture_vprintf);
}

#define S(fn) cmocka_unit_test_setup_teardown(fn, sink_setup, sink_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_to_name_every_code),
        cmocka_unit_test(test_err_codes_are_distinct),
        cmocka_unit_test(test_err_to_name_unknown),
        cmocka_unit_test(test_err_to_name_r_truncates),
        cmocka_unit_test(test_log_level_per_tag),
        S(test_log_format),
        S(test_log_macros_and_letters),
        S(test_log_filtered_level_prints_nothing),
        S(test_log_set_vprintf_returns_previous),
    };
    return cmocka_run_group_tests_name("port/log_err", tests, NULL, NULL);
}
