// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of src/transport/transport.c and the argument handling of the tcp and ssl
 * transports: every public function with NULL and invalid arguments (ESP-IDF's return values),
 * lists, custom transports built with esp_transport_set_func(), the error storage shared with
 * esp_tls, and the keep-alive layout (src/transport/transport_internal.h). Network: 127.0.0.1 only.
 */
#include <errno.h>

#include "unit_support.h"

#include "esp_tls.h"
#include "esp_transport.h"
#include "esp_transport_ssl.h"
#include "esp_transport_tcp.h"

/* ---- NULL handles ------------------------------------------------------------------------ */

static void test_null_handle_generic(void **state)
{
    (void)state;
    char buf[4] = "abc";
    assert_int_equal(esp_transport_destroy(NULL), ESP_OK);
    assert_int_equal(esp_transport_connect(NULL, "127.0.0.1", 80, 100), -1);
    assert_int_equal(esp_transport_connect_async(NULL, "127.0.0.1", 80, 100), -1);
    assert_int_equal(esp_transport_read(NULL, buf, sizeof(buf), 0), -1);
    assert_int_equal(esp_transport_write(NULL, buf, 3, 0), -1);
    assert_int_equal(esp_transport_poll_read(NULL, 0), -1);
    assert_int_equal(esp_transport_poll_write(NULL, 0), -1);
    assert_int_equal(esp_transport_close(NULL), 0); /* as in ESP-IDF */
    assert_int_equal(esp_transport_get_default_port(NULL), -1);
    assert_int_equal(esp_transport_set_default_port(NULL, 443), ESP_FAIL);
    assert_null(esp_transport_get_context_data(NULL));
    assert_int_equal(esp_transport_set_context_data(NULL, buf), ESP_FAIL);
    assert_int_equal(esp_transport_set_func(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                     ESP_FAIL);
    assert_int_equal(esp_transport_set_async_connect_func(NULL, NULL), ESP_FAIL);
    assert_int_equal(esp_transport_set_parent_transport_func(NULL, NULL), ESP_FAIL);
    assert_null(esp_transport_get_payload_transport_handle(NULL));
    assert_null(esp_transport_get_error_handle(NULL));
    assert_int_equal(esp_transport_get_errno(NULL), -1);
    assert_int_equal(esp_transport_get_socket(NULL), -1);
}

static void test_null_handle_setters(void **state)
{
    (void)state;
    static esp_transport_keep_alive_t ka = {.keep_alive_enable = true};
    static const char *alpn[] = {"h2", NULL};
    static const int suites[] = {0x1301, 0};
    /* ESP-IDF ignores a NULL transport in every setter: nothing may crash */
    esp_transport_ssl_set_cert_data(NULL, "x", 1);
    esp_transport_ssl_set_cert_data_der(NULL, "x", 1);
    esp_transport_ssl_set_client_cert_data(NULL, "x", 1);
    esp_transport_ssl_set_client_cert_data_der(NULL, "x", 1);
    esp_transport_ssl_set_client_key_data(NULL, "x", 1);
    esp_transport_ssl_set_client_key_data_der(NULL, "x", 1);
    esp_transport_ssl_set_client_key_password(NULL, "x", 1);
    esp_transport_ssl_crt_bundle_attach(NULL, NULL);
    esp_transport_ssl_enable_global_ca_store(NULL);
    esp_transport_ssl_set_tls_version(NULL, ESP_TLS_VER_TLS_1_2);
    esp_transport_ssl_set_alpn_protocol(NULL, alpn);
    esp_transport_ssl_skip_common_name_check(NULL);
    esp_transport_ssl_set_common_name(NULL, "x");
    esp_transport_ssl_use_secure_element(NULL);
    esp_transport_ssl_set_ds_data(NULL, &ka);
    esp_transport_ssl_set_psk_key_hint(NULL, NULL);
    esp_transport_ssl_set_keep_alive(NULL, &ka);
    esp_transport_ssl_set_interface_name(NULL, NULL);
    esp_transport_ssl_set_addr_family(NULL, ESP_TLS_AF_INET);
    esp_transport_ssl_set_ciphersuites_list(NULL, suites);
    esp_transport_tcp_set_keep_alive(NULL, &ka);
    esp_transport_tcp_set_interface_name(NULL, NULL);
}

/* ---- a bare transport (esp_transport_init) ---------------------------------------------- */

static void test_bare_transport(void **state)
{
    (void)state;
    esp_transport_handle_t t = esp_transport_init();
    assert_non_null(t);
    char buf[8];
    assert_int_equal(esp_transport_connect(t, "127.0.0.1", 80, 100), -1);
    assert_int_equal(esp_transport_connect_async(t, "127.0.0.1", 80, 100), -1);
    assert_int_equal(esp_transport_read(t, buf, sizeof(buf), 0), -1);
    assert_int_equal(esp_transport_write(t, buf, 1, 0), -1);
    assert_int_equal(esp_transport_poll_read(t, 0), -1);
    assert_int_equal(esp_transport_poll_write(t, 0), -1);
    assert_int_equal(esp_transport_close(t), 0);
    assert_null(esp_transport_get_payload_transport_handle(t)); /* no functions yet */
    assert_null(esp_transport_get_error_handle(t));             /* no error storage */
    assert_int_equal(esp_transport_get_errno(t), -1);
    assert_int_equal(esp_transport_get_socket(t), -1);
    assert_int_equal(esp_transport_get_default_port(t), 0);
    assert_int_equal(esp_transport_set_default_port(t, 8443), ESP_OK);
    assert_int_equal(esp_transport_get_default_port(t), 8443);
    int ctx = 0;
    assert_null(esp_transport_get_context_data(t));
    assert_int_equal(esp_transport_set_context_data(t, &ctx), ESP_OK);
    assert_ptr_equal(esp_transport_get_context_data(t), &ctx);
    /* setters of the ssl transport ignore a transport that is not one */
    esp_transport_ssl_set_common_name(t, "x");
    esp_transport_ssl_skip_common_name_check(t);
    assert_int_equal(esp_transport_destroy(t), ESP_OK);
}

/* ---- custom transports -------------------------------------------------------------------- */

typedef struct {
    int connects, reads, writes, closes, polls_r, polls_w, destroys, asyncs;
    const char *host;
    int port, timeout, len;
} calls_t;

static calls_t *calls_of(esp_transport_handle_t t)
{
    return esp_transport_get_context_data(t);
}

static int c_connect(esp_transport_handle_t t, const char *host, int port, int timeout_ms)
{
    calls_t *c = calls_of(t);
    c->connects++;
    c->host = host;
    c->port = port;
    c->timeout = timeout_ms;
    return 0;
}

static int c_read(esp_transport_handle_t t, char *buf, int len, int timeout_ms)
{
    calls_of(t)->reads++;
    calls_of(t)->timeout = timeout_ms;
    memset(buf, 'r', (size_t)len);
    return len;
}

static int c_write(esp_transport_handle_t t, const char *buf, int len, int timeout_ms)
{
    (void)buf;
    calls_of(t)->writes++;
    calls_of(t)->len = len;
    calls_of(t)->timeout = timeout_ms;
    return len - 1;
}

static int c_close(esp_transport_handle_t t)
{
    calls_of(t)->closes++;
    return 7;
}

static int c_poll_read(esp_transport_handle_t t, int timeout_ms)
{
    calls_of(t)->polls_r++;
    return timeout_ms + 1;
}

static int c_poll_write(esp_transport_handle_t t, int timeout_ms)
{
    calls_of(t)->polls_w++;
    return timeout_ms + 2;
}

static int c_destroy(esp_transport_handle_t t)
{
    calls_of(t)->destroys++;
    return 0;
}

static int c_async(esp_transport_handle_t t, const char *host, int port, int timeout_ms)
{
    (void)host;
    (void)port;
    (void)timeout_ms;
    return ++calls_of(t)->asyncs; /* 1: done at once */
}

static esp_transport_handle_t s_parent;

static esp_transport_handle_t c_parent(esp_transport_handle_t t)
{
    (void)t;
    return s_parent;
}

static esp_transport_handle_t custom_transport(calls_t *c)
{
    esp_transport_handle_t t = esp_transport_init();
    assert_non_null(t);
    assert_int_equal(esp_transport_set_context_data(t, c), ESP_OK);
    assert_int_equal(esp_transport_set_func(t, c_connect, c_read, c_write, c_close, c_poll_read,
                                            c_poll_write, c_destroy),
                     ESP_OK);
    return t;
}

static void test_custom_dispatch(void **state)
{
    (void)state;
    calls_t c = {0};
    esp_transport_handle_t t = custom_transport(&c);
    char buf[4] = {0};
    assert_int_equal(esp_transport_connect(t, "example.org", 1234, 55), 0);
    assert_int_equal(c.connects, 1);
    assert_string_equal(c.host, "example.org");
    assert_int_equal(c.port, 1234);
    assert_int_equal(c.timeout, 55);
    assert_int_equal(esp_transport_read(t, buf, 3, 66), 3);
    assert_int_equal(c.timeout, 66);
    assert_memory_equal(buf, "rrr", 3);
    assert_int_equal(esp_transport_write(t, "abcd", 4, 77), 3);
    assert_int_equal(c.len, 4);
    assert_int_equal(c.timeout, 77);
    assert_int_equal(esp_transport_poll_read(t, 10), 11);
    assert_int_equal(esp_transport_poll_write(t, 10), 12);
    assert_int_equal(esp_transport_close(t), 7);
    /* set_func clears the async hook; it can be installed afterwards */
    assert_int_equal(esp_transport_connect_async(t, "h", 1, 1), -1);
    assert_int_equal(esp_transport_set_async_connect_func(t, c_async), ESP_OK);
    assert_int_equal(esp_transport_connect_async(t, "h", 1, 1), 1);
    assert_int_equal(esp_transport_connect_async(t, "h", 1, 1), 2);
    assert_int_equal(c.reads + c.writes + c.closes + c.polls_r + c.polls_w, 5);
    /* a custom transport has no error storage and no socket */
    assert_null(esp_transport_get_error_handle(t));
    assert_int_equal(esp_transport_get_errno(t), -1);
    assert_int_equal(esp_transport_get_socket(t), -1);
    assert_int_equal(c.destroys, 0);
    assert_int_equal(esp_transport_destroy(t), ESP_OK);
    assert_int_equal(c.destroys, 1);
}

static void test_custom_payload_transport(void **state)
{
    (void)state;
    calls_t c = {0};
    esp_transport_handle_t t = custom_transport(&c);
    /* by default a transport carries its own payload */
    assert_ptr_equal(esp_transport_get_payload_transport_handle(t), t);
    s_parent = esp_transport_tcp_init();
    assert_non_null(s_parent);
    assert_int_equal(esp_transport_set_parent_transport_func(t, c_parent), ESP_OK);
    assert_ptr_equal(esp_transport_get_payload_transport_handle(t), s_parent);
    /* set_func puts the default back */
    assert_int_equal(esp_transport_set_func(t, c_connect, c_read, c_write, c_close, c_poll_read,
                                            c_poll_write, c_destroy),
                     ESP_OK);
    assert_ptr_equal(esp_transport_get_payload_transport_handle(t), t);
    esp_transport_destroy(s_parent);
    s_parent = NULL;
    esp_transport_destroy(t);
}

/* ---- lists ------------------------------------------------------------------------------- */

static void test_list_null_args(void **state)
{
    (void)state;
    esp_transport_list_handle_t list = esp_transport_list_init();
    assert_non_null(list);
    esp_transport_handle_t t = esp_transport_tcp_init();
    assert_non_null(t);
    assert_int_equal(esp_transport_list_add(NULL, t, "tcp"), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_transport_list_add(list, NULL, "tcp"), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_transport_list_add(list, t, NULL), ESP_ERR_INVALID_ARG);
    assert_null(esp_transport_list_get_transport(NULL, "tcp"));
    assert_null(esp_transport_list_get_transport(list, NULL)); /* empty: no first transport */
    assert_int_equal(esp_transport_list_clean(NULL), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_transport_list_destroy(NULL), ESP_FAIL);
    assert_int_equal(esp_transport_list_destroy(list), ESP_OK);
    esp_transport_destroy(t); /* it never joined the list */
}

static void test_list_lookup_and_ownership(void **state)
{
    (void)state;
    calls_t ca = {0}, cb = {0};
    esp_transport_list_handle_t list = esp_transport_list_init();
    assert_non_null(list);
    esp_transport_handle_t a = custom_transport(&ca);
    esp_transport_handle_t b = custom_transport(&cb);
    char scheme[8] = "http"; /* the list keeps a copy */
    assert_int_equal(esp_transport_list_add(list, a, scheme), ESP_OK);
    memcpy(scheme, "xxxx", 5);
    assert_int_equal(esp_transport_list_add(list, b, "HTTPS"), ESP_OK);
    assert_ptr_equal(esp_transport_list_get_transport(list, "http"), a);
    assert_ptr_equal(esp_transport_list_get_transport(list, "HTTP"), a); /* case-insensitive */
    assert_ptr_equal(esp_transport_list_get_transport(list, "https"), b);
    assert_null(esp_transport_list_get_transport(list, "ws"));
    assert_null(esp_transport_list_get_transport(list, "xxxx"));
    assert_ptr_equal(esp_transport_list_get_transport(list, NULL), a); /* the first */
    /* adding again renames, without a second entry */
    assert_int_equal(esp_transport_list_add(list, a, "tcp"), ESP_OK);
    assert_ptr_equal(esp_transport_list_get_transport(list, "tcp"), a);
    assert_null(esp_transport_list_get_transport(list, "http"));
    /* clean destroys every member once and leaves an empty, usable list */
    assert_int_equal(esp_transport_list_clean(list), ESP_OK);
    assert_int_equal(ca.destroys, 1);
    assert_int_equal(cb.destroys, 1);
    assert_null(esp_transport_list_get_transport(list, NULL));
    calls_t cc = {0};
    esp_transport_handle_t c = custom_transport(&cc);
    assert_int_equal(esp_transport_list_add(list, c, "mqtt"), ESP_OK);
    assert_int_equal(esp_transport_list_destroy(list), ESP_OK);
    assert_int_equal(cc.destroys, 1);
}

/* ---- tcp and ssl transports: arguments ----------------------------------------------------- */

static void test_esp_tls_transports_args(void **state)
{
    (void)state;
    esp_transport_handle_t ts[2] = {esp_transport_tcp_init(), esp_transport_ssl_init()};
    for (int i = 0; i < 2; i++) {
        esp_transport_handle_t t = ts[i];
        assert_non_null(t);
        char buf[8];
        esp_tls_error_handle_t h = esp_transport_get_error_handle(t);
        assert_non_null(h);
        assert_int_equal(esp_transport_get_errno(t), 0);
        /* NULL host: -1 and ESP_ERR_INVALID_ARG captured */
        assert_int_equal(esp_transport_connect(t, NULL, 80, 100), -1);
        assert_int_equal(esp_tls_get_and_clear_last_error(h, NULL, NULL), ESP_ERR_INVALID_ARG);
        assert_int_equal(esp_transport_connect_async(t, NULL, 80, 100), -1);
        assert_int_equal(esp_tls_get_and_clear_last_error(h, NULL, NULL), ESP_ERR_INVALID_ARG);
        /* invalid buffers */
        assert_int_equal(esp_transport_read(t, NULL, 4, 0), -1);
        assert_int_equal(esp_transport_read(t, buf, -1, 0), -1);
        assert_int_equal(esp_transport_write(t, NULL, 4, 0), -1);
        assert_int_equal(esp_transport_write(t, buf, -1, 0), -1);
        /* not connected */
        assert_int_equal(esp_transport_read(t, buf, 0, 0), 0);
        assert_int_equal(esp_transport_read(t, buf, sizeof(buf), 0),
                         ERR_TCP_TRANSPORT_CONNECTION_FAILED);
        assert_int_equal(esp_transport_write(t, "x", 1, 0), -1);
        assert_int_equal(esp_transport_poll_read(t, 0), -1);
        assert_int_equal(esp_transport_poll_write(t, 0), -1);
        assert_int_equal(esp_transport_get_socket(t), -1);
        assert_int_equal(esp_transport_close(t), -1); /* nothing open, as in ESP-IDF */
        assert_ptr_equal(esp_transport_get_payload_transport_handle(t), t);
        assert_int_equal(esp_tls_get_and_clear_last_error(h, NULL, NULL), ESP_OK);
        assert_int_equal(esp_transport_destroy(t), ESP_OK);
    }
}

/* ---- error values and layouts -------------------------------------------------------------- */

static void test_error_enum_values(void **state)
{
    (void)state;
    assert_int_equal(ERR_TCP_TRANSPORT_NO_MEM, -3);
    assert_int_equal(ERR_TCP_TRANSPORT_CONNECTION_FAILED, -2);
    assert_int_equal(ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN, -1);
    assert_int_equal(ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT, 0);
    assert_int_equal(ESP_ERR_TCP_TRANSPORT_BASE, 0xe000);
    static const struct {
        int in;
        esp_err_t out;
    } cases[] = {
        {ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT, 0xe001},
        {ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN, 0xe002},
        {ERR_TCP_TRANSPORT_CONNECTION_FAILED, 0xe003},
        {ERR_TCP_TRANSPORT_NO_MEM, 0xe004},
        {-4, ESP_FAIL},
        {1, ESP_FAIL},
    };
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(cases); i++) {
        print_message("  %d\n", cases[i].in);
        assert_int_equal(esp_transport_translate_error((enum esp_tcp_transport_err_t)cases[i].in),
                         cases[i].out);
    }
}

static void test_keep_alive_layout(void **state)
{
    (void)state;
    /* esp_transport_keep_alive_t is handed to esp_tls as a tls_keep_alive_cfg_t */
    assert_int_equal(sizeof(esp_transport_keep_alive_t), sizeof(tls_keep_alive_cfg_t));
    assert_int_equal(offsetof(esp_transport_keep_alive_t, keep_alive_enable),
                     offsetof(tls_keep_alive_cfg_t, keep_alive_enable));
    assert_int_equal(offsetof(esp_transport_keep_alive_t, keep_alive_idle),
                     offsetof(tls_keep_alive_cfg_t, keep_alive_idle));
    assert_int_equal(offsetof(esp_transport_keep_alive_t, keep_alive_interval),
                     offsetof(tls_keep_alive_cfg_t, keep_alive_interval));
    assert_int_equal(offsetof(esp_transport_keep_alive_t, keep_alive_count),
                     offsetof(tls_keep_alive_cfg_t, keep_alive_count));
}

/* The transport's error handle works with the esp_tls getters, errno slot included. */
static void test_error_handle_shared_layout(void **state)
{
    (void)state;
    esp_transport_handle_t t = esp_transport_tcp_init();
    assert_non_null(t);
    esp_tls_error_handle_t h = esp_transport_get_error_handle(t);
    assert_non_null(h);
    assert_ptr_equal(esp_transport_get_error_handle(t), h); /* stable */
    /* a refused connect fills both the public slots and the errno slot */
    int port = unit_closed_port();
    assert_true(port > 0);
    assert_int_equal(esp_transport_connect(t, "127.0.0.1", port, 2000), -1);
    int sys = 0;
    assert_int_equal(esp_tls_get_and_clear_error_type(h, ESP_TLS_ERR_TYPE_SYSTEM, &sys), ESP_OK);
    assert_int_equal(sys, ECONNREFUSED);
    assert_int_equal(esp_transport_get_errno(t), 0); /* the esp_tls getter cleared it */
    int code = -1, flags = -1;
    assert_int_equal(esp_tls_get_and_clear_last_error(h, &code, &flags),
                     ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST);
    assert_int_equal(code, 0);
    assert_int_equal(flags, 0);
    assert_int_equal(esp_tls_get_and_clear_last_error(h, NULL, NULL), ESP_OK);
    esp_transport_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_handle_generic),
        cmocka_unit_test(test_null_handle_setters),
        cmocka_unit_test(test_bare_transport),
        cmocka_unit_test(test_custom_dispatch),
        cmocka_unit_test(test_custom_payload_transport),
        cmocka_unit_test(test_list_null_args),
        cmocka_unit_test(test_list_lookup_and_ownership),
        cmocka_unit_test(test_esp_tls_transports_args),
        cmocka_unit_test(test_error_enum_values),
        cmocka_unit_test(test_keep_alive_layout),
        cmocka_unit_test(test_error_handle_shared_layout),
    };
    return cmocka_run_group_tests_name("transport/api", tests, NULL, NULL);
}
