// SPDX-License-Identifier: Apache-2.0
/*
 * Shared fixture of the ssl transport tests: the test PKI, the Mbed TLS echo server
 * (tls_peer.c) and small helpers. Each test binary includes it once.
 */
#pragma once

#include <errno.h>
#include <net/if.h>
#include <netinet/tcp.h>

#include "unit_support.h"

#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "esp_transport.h"
#include "esp_transport_ssl.h"
#include "esp_transport_tcp.h"
#include "psa/crypto.h"
#include "sdkconfig.h"
#include "tls_peer.h"

#define SLACK_MS 3000 /* upper bound on top of a wait: correctness, not speed */

static unit_pki_t s_pki;
static bool s_have_pki;
static unit_tls_server_t s_srv;

static inline int group_setup(void **state)
{
    (void)state;
    if (esp_tls_global_init() != ESP_OK) {
        return -1;
    }
    s_have_pki = unit_pki_make(&s_pki) == 0;
    return 0;
}

static inline int group_teardown(void **state)
{
    (void)state;
    unit_pki_free(&s_pki);
    esp_tls_free_global_ca_store();
    return 0;
}

/* Start the echo server with options; skip when there is no PKI. */
static inline void start_server(bool client_cert, bool tls12_only, const char **alpn)
{
    if (!s_have_pki) {
        print_message("openssl not available: skipped\n");
        skip();
    }
    memset(&s_srv, 0, sizeof(s_srv));
    s_srv.pki = &s_pki;
    s_srv.require_client_cert = client_cert;
    s_srv.tls12_only = tls12_only;
    s_srv.alpn = alpn;
    assert_int_equal(unit_tls_server_start(&s_srv), 0);
}

static inline void start_default_server(void)
{
    start_server(false, false, NULL);
}

static inline void start_default_server_with_tickets(void)
{
    if (!s_have_pki) {
        skip();
    }
    memset(&s_srv, 0, sizeof(s_srv));
    s_srv.pki = &s_pki;
    s_srv.tickets = true;
    assert_int_equal(unit_tls_server_start(&s_srv), 0);
}

static inline int stop_server(void **state)
{
    (void)state;
    if (s_srv.pki != NULL) {
        unit_tls_server_stop(&s_srv);
        s_srv.pki = NULL;
    }
    return 0;
}

static inline esp_transport_handle_t new_ssl(void)
{
    esp_transport_handle_t t = esp_transport_ssl_init();
    assert_non_null(t);
    return t;
}

/* An ssl transport that trusts the test CA (PEM). */
static inline esp_transport_handle_t new_ssl_with_ca(void)
{
    esp_transport_handle_t t = new_ssl();
    esp_transport_ssl_set_cert_data(t, s_pki.ca.pem, s_pki.ca.pem_len);
    return t;
}

static inline int connect_srv(esp_transport_handle_t t)
{
    return esp_transport_connect(t, "127.0.0.1", s_srv.port, 5000);
}

typedef struct {
    esp_err_t last;
    int code, flags;
} tls_err_t;

static inline tls_err_t errors_of(esp_transport_handle_t t)
{
    tls_err_t e = {0};
    e.last = esp_tls_get_and_clear_last_error(esp_transport_get_error_handle(t), &e.code, &e.flags);
    return e;
}

/* One request and its answer through the server. */
static inline void assert_echo(esp_transport_handle_t t)
{
    assert_int_equal(esp_transport_write(t, "ping", 4, 2000), 4);
    char buf[64] = {0};
    int used = 0;
    while (used < 9) {
        int n = esp_transport_read(t, buf + used, (int)sizeof(buf) - 1 - used, 2000);
        assert_true(n > 0);
        used += n;
    }
    assert_string_equal(buf, "PONG:ping");
}

static inline int sockopt(int fd, int level, int name)
{
    int v = -1;
    socklen_t len = sizeof(v);
    assert_int_equal(getsockopt(fd, level, name, &v, &len), 0);
    return v;
}
