// SPDX-License-Identifier: Apache-2.0
/*
 * The connection object, struct esp_tls, shared by the core (its only writer of the socket,
 * the wait state and the retry flags) and the backends (their state hangs off priv).
 */
#pragma once

#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "error.h"
#include "esp_tls.h"
#include "esp_tls_ext.h"

/** What the connection waits for before the next step can make progress. */
typedef enum {
    ESP_TLS_WAIT_NONE = 0,
    ESP_TLS_WAIT_READ,
    ESP_TLS_WAIT_WRITE,
} esp_tls_wait_t;

struct esp_tls_backend_ops;

/** One resolved address. */
typedef struct {
    struct sockaddr_storage addr; /* port already set */
    socklen_t len;
} esp_tls_addr_t;

/** A connect in progress over the resolved addresses, tried in order (core/tcp.c). */
typedef struct {
    esp_tls_addr_t *addrs; /* owned (esp_tls_mem_calloc) */
    size_t count;
    size_t next;    /* index of the next address to try */
    int fd;         /* socket of the current attempt, -1 if none */
    int last_errno; /* errno of the last failed attempt */
} esp_tls_tcp_attempt_t;

struct esp_tls_resolver;

/** What the BIO has seen of the incoming records, and what the current call has used
 * (core/bio.c). */
typedef struct {
    uint8_t hdr[5];           /* the record header being read */
    uint8_t hdr_len;          /* bytes of it so far */
    uint32_t body_left;       /* bytes of the current record's body still to come */
    uint32_t ignorable_run;   /* alert and ChangeCipherSpec records in a row */
    uint32_t call_bytes;      /* bytes received during the current API call */
    int64_t call_deadline_ms; /* 0: none; else the current read call's deadline */
    bool no_ccs;              /* TLS 1.3 handshake over: a CCS record is unexpected */
    bool ccs_refused;         /* ... and one came: the connection is ended */
} esp_tls_bio_state_t;

struct esp_tls {
    esp_tls_error_storage_t err; /* error tracker, embedded: no separate allocation */
    int sockfd;
    esp_tls_conn_state_t conn_state;
    esp_tls_role_t role;
    esp_tls_wait_t wait;
    bool is_tls;
    bool non_block;
    bool retried;  /* a second attempt on a new connection, asked by the backend, is under way */
    bool peer_eof; /* the socket read end of file (core/bio.c) */
    esp_tls_close_kind_t close_kind; /* how the peer ended it, once read saw it */
    int64_t deadline_ms;             /* 0: none; else monotonic ms for the current connect */
    esp_tls_bio_state_t bio;         /* record tracking and per-call budget (core/bio.c) */
    esp_tls_tcp_attempt_t tcp;       /* the TCP connect while in ESP_TLS_CONNECTING */
    struct esp_tls_resolver *dns;    /* name resolution in progress (CONNECTING), or NULL */
    const struct esp_tls_backend_ops *ops;
    void *priv;                /* backend state */
    struct esp_tls_diag *diag; /* what diagnostics kept (diag/), or NULL */
};

static inline esp_tls_error_handle_t esp_tls_err(esp_tls_t *tls)
{
    return &tls->err.parent;
}

/* Default network timeout when cfg->timeout_ms is 0 or negative */
#define ESP_TLS_DEFAULT_CONN_TIMEOUT_MS 10000
#define ESP_TLS_MAX_HOSTNAME_LEN 253

static inline int esp_tls_effective_timeout(const esp_tls_cfg_t *cfg)
{
    return (cfg && cfg->timeout_ms > 0) ? cfg->timeout_ms : ESP_TLS_DEFAULT_CONN_TIMEOUT_MS;
}
