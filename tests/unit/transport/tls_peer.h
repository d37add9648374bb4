// SPDX-License-Identifier: Apache-2.0
/*
 * Test peers for the transport unit tests: a throw-away PKI made with the openssl CLI, and an
 * Mbed TLS echo server on 127.0.0.1 running in a thread of the test process.
 */
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_ticket.h"
#include "mbedtls/x509_crt.h"

typedef struct {
    char *pem;   /* NUL-terminated */
    int pem_len; /* strlen(pem) */
    char *der;   /* binary */
    int der_len;
} unit_blob_t;

/* EC P-256 test PKI; every certificate is valid for two days. */
typedef struct {
    unit_blob_t ca;     /* "unit CA" root */
    unit_blob_t server; /* CN=localhost, SAN DNS:localhost, IP:127.0.0.1, signed by ca */
    unit_blob_t server_key;
    unit_blob_t client; /* CN=unit client, signed by ca */
    unit_blob_t client_key;
    unit_blob_t client_key_enc; /* client_key, PKCS#8 encrypted with UNIT_KEY_PASSWORD (PEM) */
    unit_blob_t other_ca;       /* an unrelated root */
} unit_pki_t;

#define UNIT_KEY_PASSWORD "unit-pass"

/* Generate the PKI into @p pki (openssl CLI). @return 0, or -1 (openssl missing or failed) */
int unit_pki_make(unit_pki_t *pki);
void unit_pki_free(unit_pki_t *pki);

/* What the server saw. */
typedef struct {
    int connections;   /* accepted */
    int handshakes_ok; /* completed */
    int version;       /* mbedtls_ssl_protocol_version of the last completed handshake */
    int ciphersuite;   /* IANA id of the last completed handshake */
    char alpn[32];     /* ALPN protocol chosen in the last handshake, "" if none */
    char peer_cn[64];  /* subject of the last client certificate, "" if none */
} unit_tls_result_t;

/*
 * The echo server. Each connection: handshake, then answer every chunk with "PONG:" + chunk.
 * The chunk "close" makes it send close_notify and close; "drop" makes it close the socket
 * without close_notify.
 */
typedef struct {
    /* configuration, before unit_tls_server_start() */
    const unit_pki_t *pki;
    bool require_client_cert; /* verify the client against pki->ca */
    bool tls12_only;
    const char **alpn; /* NULL-terminated, or NULL */
    bool tickets;      /* issue session tickets (needs MBEDTLS_SSL_TICKET_C) */

    /* set by unit_tls_server_start() */
    int port;

    /* private */
    pthread_mutex_t lock;
    unit_tls_result_t result;
    int listener;
    pthread_t thread;
    atomic_bool stop;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt crt, ca;
    mbedtls_pk_context key;
#if defined(MBEDTLS_SSL_TICKET_C)
    mbedtls_ssl_ticket_context ticket;
#endif
} unit_tls_server_t;

/* Start serving on a kernel-chosen 127.0.0.1 port. @return 0 or -1 */
int unit_tls_server_start(unit_tls_server_t *s);

/* Stop after the connection in progress and free everything. */
void unit_tls_server_stop(unit_tls_server_t *s);

/* What the server saw so far. */
unit_tls_result_t unit_tls_server_result(unit_tls_server_t *s);
