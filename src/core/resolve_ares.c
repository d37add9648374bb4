// SPDX-License-Identifier: Apache-2.0
/*
 * c-ares queries on one channel per process (core/resolve.c says why). The channel exists
 * while queries use it: the first query creates it, the last one to be freed destroys it, so an
 * idle process holds none. A change of esp_tls_set_dns_servers() starts a new channel for new
 * queries; the old one goes with its last query. Every call here runs under the resolve lock.
 */
#include <ares.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../mem/mem.h"
#include "esp_log.h"
#include "resolve_priv.h"

static const char *TAG = "esp-tls";

/* A query answered while another thread's processing read the socket is noticed within this
 * many ms by a loop that polls the socket (only when threads share the channel). */
#define RESOLVE_SHARED_POLL_MS 20

struct dns_channel {
    ares_channel ch;
    unsigned users;   /* resolvers attached and not yet freed */
    unsigned foreign; /* of those, started by another thread than the first */
    pthread_t first;
    char servers[256];
};

static pthread_once_t s_ares_once = PTHREAD_ONCE_INIT;
static int s_ares_status = ARES_ENOTINITIALIZED;
static struct dns_channel *s_current; /* the channel new queries join, or NULL */

/* ares_getsock() bit tests, in unsigned arithmetic (c-ares' macros shift a signed 1 into the
 * sign bit for the last socket, which UBSan rightly reports). */
static bool sock_readable(int mask, int i)
{
    return ((unsigned)mask >> i) & 1u;
}

static bool sock_writable(int mask, int i)
{
    return ((unsigned)mask >> (i + ARES_GETSOCK_MAXNUM)) & 1u;
}

static void ares_release_library(void)
{
    ares_library_cleanup();
}

static void ares_init_once(void)
{
    s_ares_status = ares_library_init(ARES_LIB_INIT_ALL);
    if (s_ares_status == ARES_SUCCESS) {
        atexit(ares_release_library);
    }
}

static esp_err_t library_ready(void)
{
    pthread_once(&s_ares_once, ares_init_once);
    ESP_ENSURE_LOG(s_ares_status == ARES_SUCCESS, ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME,
                   "c-ares failed to initialise: %s", ares_strerror(s_ares_status));
    return ESP_OK;
}

static esp_err_t channel_open(struct dns_channel *c, const char *servers)
{
    struct ares_options opts = {.timeout = 2000, .tries = 3};
    int status = ares_init_options(&c->ch, &opts, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
    ESP_ENSURE_LOG(status == ARES_SUCCESS, ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME,
                   "c-ares channel: %s", ares_strerror(status));
    if (servers[0] != '\0') {
        status = ares_set_servers_ports_csv(c->ch, servers);
    }
    if (status != ARES_SUCCESS) {
        ares_destroy(c->ch);
    }
    ESP_ENSURE_LOG(status == ARES_SUCCESS, ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME,
                   "DNS servers: %s", ares_strerror(status));
    snprintf(c->servers, sizeof(c->servers), "%s", servers);
    return ESP_OK;
}

/* The channel for a new query: the current one if it uses today's servers, else a new one. */
static struct dns_channel *channel_for(const char *servers)
{
    if (s_current != NULL && strcmp(s_current->servers, servers) == 0) {
        return s_current;
    }
    struct dns_channel *c = esp_tls_mem_calloc(1, sizeof(*c));
    if (c == NULL || channel_open(c, servers) != ESP_OK) {
        esp_tls_mem_free(c);
        return NULL;
    }
    s_current = c; /* a previous one stays until its last query is freed */
    return c;
}

static void channel_attach(struct dns_channel *c, esp_tls_resolver_t *r)
{
    if (c->users == 0) {
        c->first = pthread_self();
    } else if (!pthread_equal(c->first, pthread_self())) {
        r->foreign = true;
        c->foreign++;
    }
    c->users++;
    r->chan = c;
}

static void on_answer(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
    (void)timeouts;
    esp_tls_resolver_t *r = arg;
    if (r->abandoned) {
        ares_freeaddrinfo(res);
        esp_tls_resolve_dispose(r);
        return;
    }
    size_t n = 0;
    for (struct ares_addrinfo_node *node = res ? res->nodes : NULL; node; node = node->ai_next) {
        n += (node->ai_family == AF_INET || node->ai_family == AF_INET6);
    }
    n = n < RESOLVE_MAX_ADDRS ? n : RESOLVE_MAX_ADDRS;
    for (struct ares_addrinfo_node *node = res ? res->nodes : NULL; node; node = node->ai_next) {
        esp_tls_resolve_add(r, node->ai_addr, node->ai_addrlen, n);
    }
    r->done = true;
    r->ok = status == ARES_SUCCESS && r->count > 0;
    r->why = ares_strerror(status == ARES_SUCCESS ? ARES_ENODATA : status);
    ares_freeaddrinfo(res);
}

esp_err_t esp_tls_ares_start(esp_tls_resolver_t *r)
{
    ESP_GUARD(library_ready());
    r->kind = RESOLVE_ARES;
    struct dns_channel *c = channel_for(esp_tls_resolve_servers());
    ESP_ENSURE(c != NULL, ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME);
    channel_attach(c, r);
    char service[8];
    snprintf(service, sizeof(service), "%d", r->port);
    struct ares_addrinfo_hints hints = {
        .ai_family = r->family, .ai_socktype = SOCK_STREAM, .ai_flags = ARES_AI_NUMERICSERV};
    ares_getaddrinfo(c->ch, r->name, service, &hints, on_answer, r); /* may answer at once */
    return ESP_OK;
}

/* Let c-ares read the channel's sockets that are ready and handle its timeouts. */
void esp_tls_ares_process(esp_tls_resolver_t *r)
{
    ares_channel ch = r->chan->ch;
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    int mask = ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
    struct pollfd p[ARES_GETSOCK_MAXNUM];
    int n = 0;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
        short ev =
            (short)((sock_readable(mask, i) ? POLLIN : 0) | (sock_writable(mask, i) ? POLLOUT : 0));
        if (ev) {
            p[n++] = (struct pollfd){.fd = socks[i], .events = ev};
        }
    }
    int ready = n ? poll(p, (nfds_t)n, 0) : 0;
    for (int i = 0; i < n && ready > 0; i++) {
        if (p[i].revents) {
            ares_process_fd(
                ch, (p[i].revents & (POLLIN | POLLERR | POLLHUP)) ? p[i].fd : ARES_SOCKET_BAD,
                (p[i].revents & POLLOUT) ? p[i].fd : ARES_SOCKET_BAD);
        }
    }
    if (!r->done) {
        ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD); /* timeouts */
    }
}

void esp_tls_ares_wait(const esp_tls_resolver_t *r, int *fd, short *events, int *timeout_ms)
{
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    int mask = ares_getsock(r->chan->ch, socks, ARES_GETSOCK_MAXNUM);
    for (int i = 0; i < ARES_GETSOCK_MAXNUM && *fd < 0; i++) {
        if (sock_readable(mask, i) || sock_writable(mask, i)) {
            *fd = socks[i];
            *events = sock_writable(mask, i) ? POLLOUT : POLLIN;
        }
    }
    struct timeval tv, *next = ares_timeout(r->chan->ch, NULL, &tv);
    *timeout_ms = next ? (int)(next->tv_sec * 1000 + next->tv_usec / 1000) : -1;
    if (r->chan->foreign > 0 && (*timeout_ms < 0 || *timeout_ms > RESOLVE_SHARED_POLL_MS)) {
        *timeout_ms = RESOLVE_SHARED_POLL_MS;
    }
}

/* Detach @p r from its channel; the last query out destroys the channel, which answers the
 * abandoned queries still pending on it (ARES_EDESTRUCTION) and so frees them. */
void esp_tls_ares_release(esp_tls_resolver_t *r)
{
    struct dns_channel *c = r->chan;
    if (c == NULL) {
        return;
    }
    c->foreign -= r->foreign;
    r->chan = NULL;
    if (--c->users > 0) {
        return;
    }
    if (s_current == c) {
        s_current = NULL;
    }
    ares_destroy(c->ch);
    esp_tls_mem_free(c);
}

esp_err_t esp_tls_ares_check_servers(const char *servers)
{
    ESP_GUARD(library_ready());
    ares_channel probe;
    ESP_ENSURE(ares_init(&probe) == ARES_SUCCESS, ESP_FAIL);
    int status = ares_set_servers_ports_csv(probe, servers);
    ares_destroy(probe);
    ESP_ENSURE_LOG(status == ARES_SUCCESS, ESP_ERR_INVALID_ARG,
                   "DNS servers \"%s\": %s (expected e.g. \"127.0.0.1:5353,[::1]:53\")", servers,
                   ares_strerror(status));
    return ESP_OK;
}
