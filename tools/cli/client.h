// SPDX-License-Identifier: Apache-2.0
/* esp-tls client: state shared by client.c (options, connect) and client_io.c (data, output). */
#pragma once

#include "cli.h"

#define CLIENT_MAX_ALPN 8
#define CLIENT_MAX_SUITES 32

typedef struct {
    /* target */
    const char *target; /* as given */
    const char *url;    /* the target, when it is a URL */
    char host[256];
    int port;
    /* configuration */
    esp_tls_cfg_t cfg;
    cli_certs_t ca;
    bool global_ca, use_bundle, insecure, nonblock, keylog;
    cli_buf_t bundle, cert, key;
    const char *alpn[CLIENT_MAX_ALPN + 1];
    int suites[CLIENT_MAX_SUITES + 1];
    /* behaviour and output */
    char *request;
    size_t request_len;
    bool show_chain, pem, stats, resume, json;
} client_opts_t;

typedef struct {
    int rc; /* of the connect call: 1 connected, -1 failed or timed out */
    int64_t handshake_ms;
    esp_tls_mem_stats_t mem; /* peak during the connect, current = idle after it */
    esp_tls_conn_info_t info;
    cli_certs_t chain; /* the peer's chain as received (kept by the library) */
    cli_error_t error;
    bool failed;    /* error is filled */
    bool io_failed; /* a read or write failed after the handshake */
    cli_buf_t response;
    bool resume_tried, session_saved, resumed;
    int resume_rc;
    int64_t resume_ms;
    esp_tls_close_kind_t closed; /* how the peer ended the stream (esp_tls_get_close_kind()) */
} client_result_t;

/** Open a connection with @p o (sync or async); fills rc, handshake_ms, mem, info, chain. */
esp_tls_t *client_connect(client_opts_t *o, client_result_t *r);

/** Send the request and collect (json) or print the response until the peer closes. */
int client_request(client_opts_t *o, esp_tls_t *tls, client_result_t *r);

/** --json without --request: wait briefly for a TLS 1.3 server's refusal of our certificate. */
int client_settle(client_opts_t *o, esp_tls_t *tls, client_result_t *r);

/** After the handshake, a read or write failed: say so and why (text mode). */
void client_report_io_failure(const client_opts_t *o, const client_result_t *r);

/** Copy stdin to the connection and the connection to stdout until either side ends. */
int client_relay(client_opts_t *o, esp_tls_t *tls, client_result_t *r);

/** --resume: save the session of @p tls (then destroyed), reconnect with it. */
void client_resume(client_opts_t *o, esp_tls_t *tls, client_result_t *r);

/** Print the outcome: summary lines on stderr, or one JSON object on stdout. */
void client_report(const client_opts_t *o, const client_result_t *r);
void client_report_json(const client_opts_t *o, const client_result_t *r, int exit_code);
