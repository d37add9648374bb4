// SPDX-License-Identifier: Apache-2.0
/*
 * Name resolution, shared by its two ways of resolving (core/resolve.c):
 * - resolve_ares.c: c-ares, one channel shared by every query of the process, pollable sockets
 *   (asynchronous connections, and blocking ones when esp_tls_set_dns_servers() is in effect);
 * - resolve_gai.c: the system's getaddrinfo() on a helper thread that signals an eventfd
 *   (blocking connections with the system's resolver configuration).
 * One mutex (esp_tls_resolve_lock) guards every query's result and the c-ares channels.
 */
#pragma once

#include <stdbool.h>

#include "../conn/conn.h"
#include "../port/guard.h"
#include "resolve.h"

#define RESOLVE_MAX_ADDRS 16

typedef enum { RESOLVE_ARES, RESOLVE_GAI } resolve_kind_t;

struct dns_channel;

struct esp_tls_resolver {
    resolve_kind_t kind;
    bool done;      /* the answer is in (under the lock) */
    bool abandoned; /* freed by its connection while pending: the answer frees it */
    bool ok;
    const char *why; /* failure text, static */
    esp_tls_addr_t *addrs;
    size_t count;
    int family; /* AF_INET, AF_INET6 or AF_UNSPEC */
    int port;
    struct dns_channel *chan; /* RESOLVE_ARES */
    bool foreign;             /* RESOLVE_ARES: started by another thread than the channel's first */
    int efd;                  /* RESOLVE_GAI: readable once done */
    char name[ESP_TLS_MAX_HOSTNAME_LEN + 1];
};

void esp_tls_resolve_lock(void);
void esp_tls_resolve_unlock(void);

/** Append one address (AF_INET or AF_INET6) to r->addrs, sized for @p max on first use. */
void esp_tls_resolve_add(esp_tls_resolver_t *r, const struct sockaddr *sa, size_t len, size_t max);

/** Free @p r and what it holds. */
void esp_tls_resolve_dispose(esp_tls_resolver_t *r);

/** The DNS servers set by esp_tls_set_dns_servers(), "" for the system's (under the lock). */
const char *esp_tls_resolve_servers(void);

/* resolve_ares.c; called under the lock except esp_tls_ares_check_servers */
esp_err_t esp_tls_ares_start(esp_tls_resolver_t *r) ESP_MUST_CHECK;
void esp_tls_ares_process(esp_tls_resolver_t *r);
void esp_tls_ares_wait(const esp_tls_resolver_t *r, int *fd, short *events, int *timeout_ms);
void esp_tls_ares_release(esp_tls_resolver_t *r);
esp_err_t esp_tls_ares_check_servers(const char *servers) ESP_MUST_CHECK;

/* resolve_gai.c; called without the lock. ESP_FAIL: no thread (r is as it was) */
esp_err_t esp_tls_gai_start(esp_tls_resolver_t *r) ESP_MUST_CHECK;
