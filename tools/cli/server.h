// SPDX-License-Identifier: Apache-2.0
/* esp-tls server: state shared by server.c (options) and server_io.c (sockets, sessions). */
#pragma once

#include "cli.h"

#define SERVER_MAX_ALPN 8
#define SERVER_MAX_SUITES 32

typedef enum {
    SERVER_RELAY = 0, /* client -> stdout, stdin -> client */
    SERVER_WWW,       /* answer an HTTP GET with a page about the session */
    SERVER_ECHO,      /* send back what the client sends */
} server_mode_t;

typedef struct {
    esp_tls_cfg_server_t cfg;
    cli_buf_t cert, key, ca;
    const char *bind;
    int port;
    int timeout_ms;
    bool once, tickets, optional_auth;
    server_mode_t mode;
    const char *alpn[SERVER_MAX_ALPN + 1];
    int suites[SERVER_MAX_SUITES + 1];
    psk_hint_key_t psk;
    unsigned char psk_key[64];
} server_opts_t;

/** Bind and listen; prints "listening on ADDR:PORT" on stdout. Returns the socket or -1. */
int server_listen(const server_opts_t *o);

/** Accept and serve connections (one, with --once). Returns the exit code. */
int server_run(server_opts_t *o, int listen_fd);
