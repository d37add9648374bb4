// SPDX-License-Identifier: Apache-2.0
/* esp-tls server: state shared by server.c (options), server_io.c (listening, the poll loop)
 * and server_session.c (one non-blocking session). */
#pragma once

#include <poll.h>

#include "cli.h"

#define SERVER_MAX_ALPN 8
#define SERVER_MAX_SUITES 32
#define SERVER_MAX_CLIENTS 1024    /* --max-clients upper bound */
#define SERVER_REQUEST_MAX 32768   /* --www: bytes of a request head (tlsfuzzer sends 16 KB) */
#define SERVER_OUT_MAX (64 * 1024) /* bytes queued for one client (echo, relay) */

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
    int timeout_ms;  /* handshake deadline */
    int idle_ms;     /* close a session that moved no byte for this long */
    int request_ms;  /* --www: the request head must be complete this long after the handshake */
    int max_clients; /* sessions at once; more wait in the listen backlog */
    bool once, tickets, optional_auth;
    server_mode_t mode;
    const char *alpn[SERVER_MAX_ALPN + 1];
    int suites[SERVER_MAX_SUITES + 1];
    psk_hint_key_t psk;
    unsigned char psk_key[64];
} server_opts_t;

typedef enum {
    SESSION_HANDSHAKE,
    SESSION_OPEN,
    SESSION_ENDED,
} session_state_t;

/** One client: a non-blocking socket and its TLS session (server_session.c). */
typedef struct {
    esp_tls_t *tls;
    int fd;
    char peer[80];
    session_state_t state;
    int result;                         /* CLI_OK or CLI_FAIL once ENDED */
    int64_t start_ms, open_ms, last_ms; /* accepted, handshake done, last byte moved */
    bool want_in, want_out;             /* the last call waits for POLLIN / POLLOUT */
    bool again;                         /* more work without waiting for the socket */
    esp_tls_conn_info_t info;
    char client[300]; /* the client certificate, as printed */
    char req[SERVER_REQUEST_MAX + 1];
    size_t req_len;
    bool req_done, responded;
    char out[SERVER_OUT_MAX]; /* queued for the client: [out_off, out_len) */
    size_t out_off, out_len;
    size_t window; /* end of the bytes handed to a write that must be repeated, or 0 */
    char why[96];  /* how it ended, for the "closed:" line */
} session_t;

/** Bind and listen; prints "listening on ADDR:PORT" on stdout. Returns the socket or -1. */
int server_listen(const server_opts_t *o);

/** Serve connections concurrently (one, with --once). Returns the exit code. */
int server_run(server_opts_t *o, int listen_fd);

/** A session on an accepted socket (made non-blocking here); NULL when out of memory. */
session_t *session_new(server_opts_t *o, int fd, const char *peer);

/** Make all the progress possible without blocking, then check the deadlines at @p now. */
void session_step(server_opts_t *o, session_t *s, int64_t now);

/** The events to poll for. */
short session_events(const session_t *s);

/** When the session's current deadline passes (monotonic ms, cli_now_ms()). */
int64_t session_deadline(const server_opts_t *o, const session_t *s);

/** Relay mode: queue stdin's bytes for the client; false if there is no room. */
bool session_queue(session_t *s, const char *data, size_t len);

/** Room left in the output queue. */
size_t session_room(const session_t *s);

/** Print "closed:", destroy the session (close_notify when open), return its result. */
int session_free(session_t *s);
