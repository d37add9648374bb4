// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the protocol, socket and hardware setters of the ssl transport
 * (src/transport/transport_setters.c), each shown to reach esp_tls through what the connection
 * does: what the Mbed TLS server thread negotiated (tls_peer.c), socket options, or the error
 * esp_tls reports (as ESP-IDF's transport_ssl.c).
 */
#include "ssl_fixture.h"

#include "mbedtls/ssl_ciphersuites.h"
#include "transport/transport_internal.h" /* only for the PSK field, which has no effect yet */

/* ---- protocol setters -------------------------------------------------------------------- */

static void test_tls_version(void **state)
{
    (void)state;
    start_default_server();
    esp_transport_handle_t t = new_ssl_with_ca();
    esp_transport_ssl_set_tls_version(t, ESP_TLS_VER_TLS_1_2);
    assert_int_equal(connect_srv(t), 0);
    assert_echo(t);
    assert_int_equal(unit_tls_server_result(&s_srv).version, MBEDTLS_SSL_VERSION_TLS1_2);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    esp_transport_ssl_set_tls_version(t, ESP_TLS_VER_TLS_1_3);
    assert_int_equal(connect_srv(t), 0);
    assert_echo(t);
    assert_int_equal(unit_tls_server_result(&s_srv).version, MBEDTLS_SSL_VERSION_TLS1_3);
    unit_tls_server_stop(&s_srv);
    s_srv.pki = NULL;
    start_server(false, true, NULL); /* a TLS 1.2 server cannot serve a TLS 1.3 client */
    assert_int_equal(connect_srv(t), -1);
    assert_int_equal(errors_of(t).last, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
#endif
    esp_transport_destroy(t);
}

static void test_ciphersuites_list(void **state)
{
    (void)state;
    start_default_server();
    static const int suites[][2] = {
        {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, 0},
        {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, 0},
    };
    esp_transport_handle_t t = new_ssl_with_ca();
    esp_transport_ssl_set_tls_version(t, ESP_TLS_VER_TLS_1_2);
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(suites); i++) {
        print_message("  0x%04x\n", (unsigned)suites[i][0]);
        esp_transport_ssl_set_ciphersuites_list(t, suites[i]);
        assert_int_equal(connect_srv(t), 0);
        assert_echo(t);
        assert_int_equal(unit_tls_server_result(&s_srv).ciphersuite, suites[i][0]);
    }
    esp_transport_destroy(t);
}

static void test_alpn(void **state)
{
    (void)state;
    static const char *server_alpn[] = {"pong", "h2", NULL};
    static const char *client_alpn[] = {"h2", NULL};
    start_server(false, false, server_alpn);
    esp_transport_handle_t t = new_ssl_with_ca();
    assert_int_equal(connect_srv(t), 0);
    assert_echo(t);
    assert_string_equal(unit_tls_server_result(&s_srv).alpn, ""); /* none offered */
    esp_transport_ssl_set_alpn_protocol(t, client_alpn);
    assert_int_equal(connect_srv(t), 0);
    assert_echo(t);
    assert_string_equal(unit_tls_server_result(&s_srv).alpn, "h2");
    esp_transport_destroy(t);
}

static void test_addr_family(void **state)
{
    (void)state;
    start_default_server();
    esp_transport_handle_t t = new_ssl_with_ca();
    esp_transport_ssl_set_addr_family(t, ESP_TLS_AF_INET6); /* 127.0.0.1 is not IPv6 */
    assert_int_equal(connect_srv(t), -1);
    assert_int_equal(errors_of(t).last, ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME);
    esp_transport_ssl_set_addr_family(t, ESP_TLS_AF_INET);
    assert_int_equal(connect_srv(t), 0);
    esp_transport_destroy(t);
}

/* ---- socket and hardware setters ---------------------------------------------------------- */

static void test_keep_alive(void **state)
{
    (void)state;
    start_default_server();
    esp_transport_keep_alive_t ka = {
        .keep_alive_enable = true,
        .keep_alive_idle = 9,
        .keep_alive_interval = 2,
        .keep_alive_count = 5,
    };
    esp_transport_handle_t t = new_ssl_with_ca();
    assert_int_equal(connect_srv(t), 0);
    assert_int_equal(sockopt(esp_transport_get_socket(t), SOL_SOCKET, SO_KEEPALIVE), 0);
    esp_transport_ssl_set_keep_alive(t, &ka);
    assert_int_equal(connect_srv(t), 0);
    int fd = esp_transport_get_socket(t);
    assert_int_equal(sockopt(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
    assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE), 9);
    assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL), 2);
    assert_int_equal(sockopt(fd, IPPROTO_TCP, TCP_KEEPCNT), 5);
    esp_transport_destroy(t);
}

static void test_interface_name(void **state)
{
    (void)state;
    start_default_server();
    struct ifreq ifr = {0};
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", "nosuchif0");
    esp_transport_handle_t t = new_ssl_with_ca();
    esp_transport_ssl_set_interface_name(t, &ifr);
    assert_int_equal(connect_srv(t), -1);
    assert_int_equal(errors_of(t).last, ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED);
    esp_transport_ssl_set_interface_name(t, NULL);
    assert_int_equal(connect_srv(t), 0);
    esp_transport_destroy(t);
}

static void test_hardware_options(void **state)
{
    (void)state;
    start_default_server();
    int ds = 0;
    esp_transport_handle_t t = new_ssl_with_ca();
    esp_transport_ssl_set_ds_data(t, &ds);
    assert_int_equal(connect_srv(t), -1);
    assert_int_equal(errors_of(t).last, ESP_FAIL); /* no DS peripheral on a host */
    esp_transport_ssl_set_ds_data(t, NULL);
    assert_int_equal(connect_srv(t), 0);
    esp_transport_destroy(t);
    t = new_ssl_with_ca();
    esp_transport_ssl_use_secure_element(t);
    assert_int_equal(connect_srv(t), -1);
    assert_int_equal(errors_of(t).last, ESP_FAIL); /* no secure element either */
    esp_transport_destroy(t);
}

static void test_psk_hint_stored(void **state)
{
    (void)state;
    static const uint8_t key[] = {1, 2, 3, 4};
    static const psk_hint_key_t psk = {.key = key, .key_size = sizeof(key), .hint = "id"};
    esp_transport_handle_t t = new_ssl();
    assert_null(t->base->cfg.psk_hint_key);
    esp_transport_ssl_set_psk_key_hint(t, &psk);
    assert_ptr_equal(t->base->cfg.psk_hint_key, &psk); /* PSK itself is not implemented yet */
    esp_transport_destroy(t);
}

int main(void)
{
#define T(fn) cmocka_unit_test_teardown(fn, stop_server)
    const struct CMUnitTest tests[] = {
        T(test_tls_version),      T(test_ciphersuites_list), T(test_alpn),
        T(test_addr_family),      T(test_keep_alive),        T(test_interface_name),
        T(test_hardware_options), T(test_psk_hint_stored),
    };
#undef T
    return cmocka_run_group_tests_name("transport/ssl_setters", tests, group_setup, group_teardown);
}
