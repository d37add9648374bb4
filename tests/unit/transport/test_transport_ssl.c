// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the ssl transport (src/transport/) against an Mbed TLS echo server in a thread
 * (tls_peer.c): the server-verification and client-authentication setters shown to reach
 * esp_tls through what the connection does, and read/write/poll/close/async mapped as ESP-IDF's
 * transport maps them (as ESP-IDF's transport_ssl.c). Certificates are generated at test time with
 * the openssl CLI; without it the tests skip.
 */
#include "ssl_fixture.h"

/* ---- server verification setters --------------------------------------------------------- */

static void test_cert_data_pem(void **state)
{
    (void)state;
    start_default_server();
    esp_transport_handle_t t = new_ssl_with_ca(); /* strlen: the setter adds the NUL */
    assert_int_equal(connect_srv(t), 0);
    assert_true(esp_transport_get_socket(t) >= 0);
    assert_echo(t);
    assert_int_equal(errors_of(t).last, ESP_OK);
    assert_int_equal(esp_transport_close(t), 0);
    assert_int_equal(esp_transport_get_socket(t), -1);
    assert_int_equal(unit_tls_server_result(&s_srv).handshakes_ok, 1);
    esp_transport_destroy(t);
}

static void test_cert_data_der(void **state)
{
    (void)state;
    start_default_server();
    esp_transport_handle_t t = new_ssl();
    esp_transport_ssl_set_cert_data_der(t, s_pki.ca.der, s_pki.ca.der_len);
    assert_int_equal(connect_srv(t), 0);
    assert_echo(t);
    esp_transport_destroy(t);
}

/* The same PEM through the DER setter (no NUL counted) does not parse: the +1 matters. */
static void test_pem_needs_the_nul(void **state)
{
    (void)state;
    start_default_server();
    esp_transport_handle_t t = new_ssl();
    esp_transport_ssl_set_cert_data_der(t, s_pki.ca.pem, s_pki.ca.pem_len);
    assert_int_equal(connect_srv(t), -1);
    tls_err_t e = errors_of(t);
    assert_int_equal(e.last, ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED);
    assert_int_equal(e.code, 0x2180); /* MBEDTLS_ERR_X509_INVALID_FORMAT */
    esp_transport_destroy(t);
}

static void test_untrusted_ca(void **state)
{
    (void)state;
    start_default_server();
    esp_transport_handle_t t = new_ssl();
    esp_transport_ssl_set_cert_data(t, s_pki.other_ca.pem, s_pki.other_ca.pem_len);
    assert_int_equal(connect_srv(t), -1);
    tls_err_t e = errors_of(t);
    assert_int_equal(e.last, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
    assert_int_equal(e.code, 0x2700); /* MBEDTLS_ERR_X509_CERT_VERIFY_FAILED */
    assert_true(e.flags & 0x08);      /* MBEDTLS_X509_BADCERT_NOT_TRUSTED */
    assert_int_equal(esp_transport_get_socket(t), -1);
    /* after the failure the same transport connects with the right CA */
    esp_transport_ssl_set_cert_data(t, s_pki.ca.pem, s_pki.ca.pem_len);
    assert_int_equal(connect_srv(t), 0);
    assert_echo(t);
    esp_transport_destroy(t);
}

static void test_common_name(void **state)
{
    (void)state;
    start_default_server();
    esp_transport_handle_t t = new_ssl_with_ca();
    esp_transport_ssl_set_common_name(t, "wrong.example");
    assert_int_equal(connect_srv(t), -1);
    tls_err_t e = errors_of(t);
    assert_int_equal(e.last, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
    assert_true(e.flags & 0x04); /* MBEDTLS_X509_BADCERT_CN_MISMATCH */
    esp_transport_ssl_set_common_name(t, "localhost");
    assert_int_equal(connect_srv(t), 0);
    esp_transport_ssl_set_common_name(t, NULL); /* the host again: 127.0.0.1 is in the SAN */
    assert_int_equal(connect_srv(t), 0);
    assert_echo(t);
    esp_transport_destroy(t);
}

static void test_skip_common_name(void **state)
{
    (void)state;
    start_default_server();
    esp_transport_handle_t t = new_ssl_with_ca();
    esp_transport_ssl_set_common_name(t, "wrong.example");
    esp_transport_ssl_skip_common_name_check(t);
    assert_int_equal(connect_srv(t), 0);
    assert_echo(t);
    esp_transport_destroy(t);
}

static void test_global_ca_store(void **state)
{
    (void)state;
    start_default_server();
    esp_transport_handle_t t = new_ssl();
    esp_transport_ssl_set_cert_data(t, s_pki.other_ca.pem, s_pki.other_ca.pem_len);
#if CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT
    /* as on ESP-IDF: no shared store when CA certificates are freed after use */
    assert_int_equal(esp_tls_set_global_ca_store((const unsigned char *)s_pki.ca.pem,
                                                 (unsigned)s_pki.ca.pem_len + 1),
                     ESP_FAIL);
    esp_transport_destroy(t);
    return;
#endif
    assert_int_equal(esp_tls_set_global_ca_store((const unsigned char *)s_pki.ca.pem,
                                                 (unsigned)s_pki.ca.pem_len + 1),
                     ESP_OK);
    assert_int_equal(connect_srv(t), -1); /* the store is not used until enabled */
    esp_transport_ssl_enable_global_ca_store(t);
    assert_int_equal(connect_srv(t), 0); /* and then it wins over the CA buffer */
    assert_echo(t);
    esp_transport_destroy(t);
    esp_tls_free_global_ca_store();
}

static int s_bundle_calls;
static mbedtls_x509_crt s_bundle_ca;

/* Stands in for esp_crt_bundle_attach: trusts the test CA. */
static esp_err_t fake_bundle_attach(void *conf)
{
    s_bundle_calls++;
    mbedtls_ssl_conf_ca_chain(conf, &s_bundle_ca, NULL);
    return ESP_OK;
}

static void test_crt_bundle_attach(void **state)
{
    (void)state;
    start_default_server();
    mbedtls_x509_crt_init(&s_bundle_ca);
    assert_int_equal(mbedtls_x509_crt_parse(&s_bundle_ca, (const unsigned char *)s_pki.ca.pem,
                                            (size_t)s_pki.ca.pem_len + 1),
                     0);
    esp_transport_handle_t t = new_ssl_with_ca();
    esp_transport_ssl_crt_bundle_attach(t, fake_bundle_attach);
    s_bundle_calls = 0;
#if CONFIG_MBEDTLS_CERTIFICATE_BUNDLE
    assert_int_equal(connect_srv(t), 0);
    assert_int_equal(s_bundle_calls, 1);
#else
    /* the bundle has priority over the CA buffer, and is not built in */
    assert_int_equal(connect_srv(t), -1);
    assert_int_equal(errors_of(t).last, ESP_ERR_INVALID_STATE);
    assert_int_equal(s_bundle_calls, 0);
#endif
    esp_transport_ssl_crt_bundle_attach(t, NULL);
    assert_int_equal(connect_srv(t), 0);
    esp_transport_destroy(t);
    mbedtls_x509_crt_free(&s_bundle_ca);
}

/* ---- client authentication --------------------------------------------------------------- */

static void test_client_cert_required(void **state)
{
    (void)state;
    start_server(true, true, NULL);
    esp_transport_handle_t t = new_ssl_with_ca();
    assert_int_equal(connect_srv(t), -1); /* TLS 1.2: refused during the handshake */
    assert_int_equal(errors_of(t).last, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
    assert_int_equal(unit_tls_server_result(&s_srv).handshakes_ok, 0);
    esp_transport_destroy(t);
}

static void test_client_cert_pem_and_der(void **state)
{
    (void)state;
    start_server(true, false, NULL);
    for (int der = 0; der < 2; der++) {
        print_message("  %s\n", der ? "DER" : "PEM");
        esp_transport_handle_t t = new_ssl_with_ca();
        if (der) {
            esp_transport_ssl_set_client_cert_data_der(t, s_pki.client.der, s_pki.client.der_len);
            esp_transport_ssl_set_client_key_data_der(t, s_pki.client_key.der,
                                                      s_pki.client_key.der_len);
        } else {
            esp_transport_ssl_set_client_cert_data(t, s_pki.client.pem, s_pki.client.pem_len);
            esp_transport_ssl_set_client_key_data(t, s_pki.client_key.pem,
                                                  s_pki.client_key.pem_len);
        }
        assert_int_equal(connect_srv(t), 0);
        assert_echo(t); /* the server has verified the client by now */
        assert_string_equal(unit_tls_server_result(&s_srv).peer_cn, "CN=unit client");
        esp_transport_destroy(t);
    }
    assert_int_equal(unit_tls_server_result(&s_srv).handshakes_ok, 2);
}

static void test_client_key_password(void **state)
{
    (void)state;
    start_server(true, false, NULL);
    static const struct {
        const char *password;
        esp_err_t expect;
    } cases[] = {
        {NULL, ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED},
        {"wrong-pass", ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED},
        {UNIT_KEY_PASSWORD, ESP_OK},
    };
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(cases); i++) {
        print_message("  password %s\n", cases[i].password ? cases[i].password : "(none)");
        esp_transport_handle_t t = new_ssl_with_ca();
        esp_transport_ssl_set_client_cert_data(t, s_pki.client.pem, s_pki.client.pem_len);
        esp_transport_ssl_set_client_key_data(t, s_pki.client_key_enc.pem,
                                              s_pki.client_key_enc.pem_len);
        if (cases[i].password) {
            esp_transport_ssl_set_client_key_password(t, cases[i].password,
                                                      (int)strlen(cases[i].password));
        }
        assert_int_equal(connect_srv(t), cases[i].expect == ESP_OK ? 0 : -1);
        assert_int_equal(errors_of(t).last, cases[i].expect);
        esp_transport_destroy(t);
    }
}

/* ---- read, poll, close --------------------------------------------------------------------- */

static void test_read_timeout(void **state)
{
    (void)state;
    start_default_server();
    esp_transport_handle_t t = new_ssl_with_ca();
    assert_int_equal(connect_srv(t), 0);
    char buf[32];
    int64_t t0 = unit_now_ms();
    assert_int_equal(esp_transport_poll_read(t, 150), 0);
    assert_int_equal(esp_transport_read(t, buf, sizeof(buf), 150),
                     ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT);
    int64_t took = unit_now_ms() - t0;
    assert_true(took >= 290);
    assert_true(took < 300 + SLACK_MS);
    assert_echo(t); /* still usable */
    esp_transport_destroy(t);
}

static void test_poll_read_counts_buffered_bytes(void **state)
{
    (void)state;
    start_default_server();
    esp_transport_handle_t t = new_ssl_with_ca();
    assert_int_equal(connect_srv(t), 0);
    assert_int_equal(esp_transport_write(t, "abcdefgh", 8, 2000), 8);
    char buf[32] = {0};
    assert_int_equal(esp_transport_read(t, buf, 2, 2000), 2); /* one record of 13 bytes */
    int64_t t0 = unit_now_ms();
    assert_int_equal(esp_transport_poll_read(t, 5000), 11); /* decrypted, not on the socket */
    assert_true(unit_now_ms() - t0 < SLACK_MS);
    assert_int_equal(esp_transport_read(t, buf + 2, sizeof(buf) - 3, 0), 11);
    assert_string_equal(buf, "PONG:abcdefgh");
    esp_transport_destroy(t);
}

static void test_peer_close_notify(void **state)
{
    (void)state;
    start_default_server();
    esp_transport_handle_t t = new_ssl_with_ca();
    assert_int_equal(connect_srv(t), 0);
    assert_int_equal(esp_transport_write(t, "close", 5, 2000), 5);
    char buf[32];
    assert_int_equal(esp_transport_read(t, buf, sizeof(buf), 2000),
                     ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN);
    assert_int_equal(errors_of(t).last, ESP_ERR_ESP_TLS_TCP_CLOSED_FIN);
    assert_int_equal(esp_transport_close(t), 0);
    esp_transport_destroy(t);
}

/* Mbed TLS reports a TCP close without close_notify as 0 too: the same FIN result. */
static void test_peer_drops_without_close_notify(void **state)
{
    (void)state;
    start_default_server();
    esp_transport_handle_t t = new_ssl_with_ca();
    assert_int_equal(connect_srv(t), 0);
    assert_int_equal(esp_transport_write(t, "drop", 4, 2000), 4);
    char buf[32];
    int64_t t0 = unit_now_ms();
    assert_int_equal(esp_transport_read(t, buf, sizeof(buf), 5000),
                     ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN);
    assert_true(unit_now_ms() - t0 < SLACK_MS); /* not the read timeout */
    assert_int_equal(errors_of(t).last, ESP_ERR_ESP_TLS_TCP_CLOSED_FIN);
    esp_transport_destroy(t);
}

static void test_silent_server_timeout(void **state)
{
    (void)state;
    if (!s_have_pki) {
        skip();
    }
    int port = 0;
    int lfd = unit_listener(&port); /* completes TCP, never answers the ClientHello */
    assert_true(lfd >= 0);
    esp_transport_handle_t t = new_ssl_with_ca();
    int64_t t0 = unit_now_ms();
    assert_int_equal(esp_transport_connect(t, "127.0.0.1", port, 300), -1);
    int64_t took = unit_now_ms() - t0;
    assert_true(took >= 250);
    assert_true(took < 300 + SLACK_MS);
    assert_int_equal(errors_of(t).last, ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT);
    esp_transport_destroy(t);
    close(lfd);
}

/* ---- async connect ------------------------------------------------------------------------- */

static int connect_async_loop(esp_transport_handle_t t)
{
    int rc = 0;
    int64_t deadline = unit_now_ms() + 10000;
    while (rc == 0 && unit_now_ms() < deadline) {
        rc = esp_transport_connect_async(t, "127.0.0.1", s_srv.port, 5000);
        if (rc == 0) {
            esp_transport_poll_read(t, 20);
        }
    }
    return rc;
}

static void test_async_connect(void **state)
{
    (void)state;
    start_default_server();
    esp_transport_handle_t t = new_ssl_with_ca();
    assert_int_equal(connect_async_loop(t), 1);
    assert_echo(t);
    assert_int_equal(esp_transport_close(t), 0);
    assert_int_equal(connect_srv(t), 0); /* a blocking connect afterwards */
    assert_echo(t);
    assert_int_equal(unit_tls_server_result(&s_srv).handshakes_ok, 2);
    esp_transport_destroy(t);
}

/*
 * TLS 1.3 session tickets arrive after the handshake. On the non-blocking socket of an async
 * connect they make the socket readable without application data: the read must still wait
 * for its timeout instead of reporting one at once.
 */
static void test_async_read_waits_past_session_tickets(void **state)
{
    (void)state;
#if defined(MBEDTLS_SSL_TICKET_C) && defined(MBEDTLS_SSL_PROTO_TLS1_3)
    start_default_server_with_tickets();
    esp_transport_handle_t t = new_ssl_with_ca();
    esp_transport_ssl_set_tls_version(t, ESP_TLS_VER_TLS_1_3);
    assert_int_equal(connect_async_loop(t), 1);
    char buf[32];
    int64_t t0 = unit_now_ms();
    assert_int_equal(esp_transport_read(t, buf, sizeof(buf), 400),
                     ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT);
    int64_t took = unit_now_ms() - t0;
    assert_true(took >= 390);
    assert_true(took < 400 + SLACK_MS);
    assert_echo(t);
    esp_transport_destroy(t);
#else
    skip(); /* no TLS 1.3 or no ticket support in this Mbed TLS configuration */
#endif
}

/* ESP_TRANSPORT_SESSION_TICKET_*: save after a reply, use on the next connect, free. */
static void test_session_ticket_operations(void **state)
{
    (void)state;
#if CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS && defined(MBEDTLS_SSL_TICKET_C)
    assert_int_equal(
        esp_transport_ssl_session_ticket_operation(NULL, ESP_TRANSPORT_SESSION_TICKET_INIT),
        ESP_FAIL);
    esp_transport_handle_t tcp = esp_transport_tcp_init();
    assert_int_equal(
        esp_transport_ssl_session_ticket_operation(tcp, ESP_TRANSPORT_SESSION_TICKET_SAVE),
        ESP_FAIL);
    esp_transport_destroy(tcp);
    start_default_server_with_tickets();
    esp_transport_handle_t t = new_ssl_with_ca();
    assert_int_equal(
        esp_transport_ssl_session_ticket_operation(t, ESP_TRANSPORT_SESSION_TICKET_INIT), ESP_OK);
    /* ESP-IDF: ESP_OK with nothing connected yet, and nothing saved (a full handshake) */
    assert_int_equal(
        esp_transport_ssl_session_ticket_operation(t, ESP_TRANSPORT_SESSION_TICKET_SAVE), ESP_OK);
    assert_int_equal(
        esp_transport_ssl_session_ticket_operation(t, ESP_TRANSPORT_SESSION_TICKET_USE), ESP_OK);
    assert_int_equal(connect_srv(t), 0);
    assert_echo(t); /* the reply comes after the TLS 1.3 ticket */
    assert_int_equal(
        esp_transport_ssl_session_ticket_operation(t, ESP_TRANSPORT_SESSION_TICKET_SAVE), ESP_OK);
    esp_transport_close(t);
    /* a SAVE with the connection closed finds nothing: the saved session is kept */
    assert_int_equal(
        esp_transport_ssl_session_ticket_operation(t, ESP_TRANSPORT_SESSION_TICKET_SAVE), ESP_OK);
    assert_int_equal(
        esp_transport_ssl_session_ticket_operation(t, ESP_TRANSPORT_SESSION_TICKET_USE), ESP_OK);
    assert_int_equal(connect_srv(t), 0);
    assert_echo(t);
    esp_transport_close(t);
    assert_int_equal(
        esp_transport_ssl_session_ticket_operation(t, ESP_TRANSPORT_SESSION_TICKET_FREE), ESP_OK);
    assert_int_equal(
        esp_transport_ssl_session_ticket_operation(t, ESP_TRANSPORT_SESSION_TICKET_USE), ESP_OK);
    assert_int_equal(connect_srv(t), 0); /* a full handshake again */
    esp_transport_destroy(t);
#else
    skip();
#endif
}

static void test_async_connect_failure(void **state)
{
    (void)state;
    start_default_server();
    esp_transport_handle_t t = new_ssl();
    esp_transport_ssl_set_cert_data(t, s_pki.other_ca.pem, s_pki.other_ca.pem_len);
    assert_int_equal(connect_async_loop(t), -1);
    tls_err_t e = errors_of(t);
    assert_int_equal(e.last, ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED);
    assert_true(e.flags & 0x08);
    assert_int_equal(esp_transport_close(t), 0);
    esp_transport_destroy(t);
}

int main(void)
{
#define T(fn) cmocka_unit_test_teardown(fn, stop_server)
    const struct CMUnitTest tests[] = {
        T(test_cert_data_pem),
        T(test_cert_data_der),
        T(test_pem_needs_the_nul),
        T(test_untrusted_ca),
        T(test_common_name),
        T(test_skip_common_name),
        T(test_global_ca_store),
        T(test_crt_bundle_attach),
        T(test_client_cert_required),
        T(test_client_cert_pem_and_der),
        T(test_client_key_password),
        T(test_read_timeout),
        T(test_poll_read_counts_buffered_bytes),
        T(test_peer_close_notify),
        T(test_peer_drops_without_close_notify),
        T(test_silent_server_timeout),
        T(test_async_connect),
        T(test_async_read_waits_past_session_tickets),
        T(test_async_connect_failure),
        T(test_session_ticket_operations),
    };
#undef T
    return cmocka_run_group_tests_name("transport/ssl", tests, group_setup, group_teardown);
}
