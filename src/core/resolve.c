// SPDX-License-Identifier: Apache-2.0
/*
 * Name resolution that never blocks past the caller's deadline, and address literals.
 *
 * Asynchronous connections use c-ares (resolve_ares.c): pollable sockets, a query can be
 * dropped at once, and a server setting of its own (esp_tls_set_dns_servers). One channel
 * serves every query of the process: a c-ares 1.18 channel is 74 KB of query tables, which per
 * connection was most of a connection's heap. glibc's getaddrinfo_a() was the other candidate;
 * it answers on a thread of its own (no socket a poll() loop could wait on) and cannot point at
 * another DNS server.
 *
 * Blocking connections (esp_tls_conn_new_sync, esp_tls_plain_tcp_connect) with the system's
 * resolver configuration use getaddrinfo() on a short-lived helper thread (resolve_gai.c): no
 * channel at all, the answers of nsswitch.conf (files, dns, mdns, ...), and the caller still
 * waits in poll() up to its deadline. With esp_tls_set_dns_servers() they use the shared c-ares
 * channel too.
 */
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../mem/mem.h"
#include "esp_log.h"
#include "resolve_priv.h"
#include "tcp.h"

static const char *TAG = "esp-tls";

static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static char s_servers[256]; /* "" = the system's resolv.conf */

void esp_tls_resolve_lock(void)
{
    pthread_mutex_lock(&s_lock);
}

void esp_tls_resolve_unlock(void)
{
    pthread_mutex_unlock(&s_lock);
}

const char *esp_tls_resolve_servers(void)
{
    return s_servers;
}

static int family_of(esp_tls_addr_family_t family)
{
    return family == ESP_TLS_AF_INET ? AF_INET : family == ESP_TLS_AF_INET6 ? AF_INET6 : AF_UNSPEC;
}

/* An IPv4 or IPv6 literal: one address, no lookup. */
static bool literal(const char *name, int port, int family, esp_tls_addr_t *out)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)&out->addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->addr;
    memset(out, 0, sizeof(*out));
    if (family != AF_INET6 && inet_pton(AF_INET, name, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        out->len = sizeof(*v4);
        return true;
    }
    if (family != AF_INET && inet_pton(AF_INET6, name, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        out->len = sizeof(*v6);
        return true;
    }
    return false;
}

static bool is_literal_of_any_family(const char *name)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, name, buf) == 1 || inet_pton(AF_INET6, name, buf) == 1;
}

static void give_addresses(esp_tls_tcp_attempt_t *a, esp_tls_addr_t *addrs, size_t count)
{
    a->addrs = addrs;
    a->count = count;
    a->next = 0;
}

void esp_tls_resolve_add(esp_tls_resolver_t *r, const struct sockaddr *sa, size_t len, size_t max)
{
    if (r->addrs == NULL && max > 0) {
        r->addrs = esp_tls_mem_calloc(max, sizeof(esp_tls_addr_t));
    }
    if (r->addrs == NULL || r->count >= max || len > sizeof(struct sockaddr_storage) ||
        (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)) {
        return;
    }
    memcpy(&r->addrs[r->count].addr, sa, len);
    r->addrs[r->count++].len = (socklen_t)len;
}

void esp_tls_resolve_dispose(esp_tls_resolver_t *r)
{
    if (r->efd >= 0) {
        close(r->efd);
    }
    esp_tls_mem_free(r->addrs);
    esp_tls_mem_free(r);
}

/* The system's resolver on a helper thread if the caller blocks and no DNS servers were set;
 * otherwise (or if no thread can be started) the shared c-ares channel. */
static esp_err_t start_query(esp_tls_resolver_t *r, bool blocking)
{
    esp_tls_resolve_lock();
    bool system = s_servers[0] == '\0';
    esp_tls_resolve_unlock();
    if (blocking && system && esp_tls_gai_start(r) == ESP_OK) {
        return ESP_OK;
    }
    esp_tls_resolve_lock();
    esp_err_t rc = esp_tls_ares_start(r);
    esp_tls_resolve_unlock();
    return rc;
}

static esp_err_t new_query(const char *name, int port, int family, bool blocking,
                           esp_tls_resolver_t **out)
{
    esp_tls_resolver_t *r = esp_tls_mem_calloc(1, sizeof(*r));
    ESP_ENSURE(r != NULL, ESP_ERR_NO_MEM);
    snprintf(r->name, sizeof(r->name), "%s", name);
    r->port = port;
    r->family = family;
    r->efd = -1;
    esp_err_t rc = start_query(r, blocking);
    if (rc != ESP_OK) {
        esp_tls_resolve_dispose(r);
        return rc;
    }
    *out = r;
    return ESP_OK;
}

esp_err_t esp_tls_resolve_start(const char *host, size_t hostlen, int port,
                                esp_tls_addr_family_t family, bool blocking,
                                esp_tls_tcp_attempt_t *a, esp_tls_resolver_t **r)
{
    char name[ESP_TLS_MAX_HOSTNAME_LEN + 1];
    memcpy(name, host, hostlen);
    name[hostlen] = '\0';
    *r = NULL;
    esp_tls_addr_t one;
    if (literal(name, port, family_of(family), &one)) {
        esp_tls_addr_t *addrs = esp_tls_mem_calloc(1, sizeof(*addrs));
        ESP_ENSURE(addrs != NULL, ESP_ERR_NO_MEM);
        *addrs = one;
        give_addresses(a, addrs, 1);
        return ESP_OK;
    }
    ESP_ENSURE_LOG(!is_literal_of_any_family(name), ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME,
                   "couldn't get hostname for :%s: the address is not of the family asked for "
                   "(addr_family %d)",
                   name, (int)family);
    return new_query(name, port, family_of(family), blocking, r);
}

esp_err_t esp_tls_resolve_step(esp_tls_resolver_t **r, esp_tls_tcp_attempt_t *a)
{
    esp_tls_resolver_t *q = *r;
    esp_tls_resolve_lock();
    if (!q->done && q->kind == RESOLVE_ARES) {
        esp_tls_ares_process(q);
    }
    bool done = q->done;
    esp_tls_resolve_unlock();
    if (!done) {
        return ESP_ERR_NOT_FINISHED;
    }
    esp_err_t rc = ESP_OK;
    if (q->ok) {
        give_addresses(a, q->addrs, q->count);
        q->addrs = NULL;
    } else {
        ESP_LOGE(TAG, "couldn't get hostname for :%s: %s", q->name, q->why);
        rc = ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME;
    }
    esp_tls_resolve_free(r);
    return rc;
}

void esp_tls_resolve_wait(const esp_tls_resolver_t *r, int *fd, short *events, int *timeout_ms)
{
    *fd = -1;
    *events = 0;
    *timeout_ms = -1;
    if (r->kind == RESOLVE_GAI) {
        *fd = r->efd; /* readable once the helper thread has the answer */
        *events = POLLIN;
        return;
    }
    esp_tls_resolve_lock();
    if (r->done) {
        *timeout_ms = 0; /* answered while another query was processed: step now */
    } else {
        esp_tls_ares_wait(r, fd, events, timeout_ms);
    }
    esp_tls_resolve_unlock();
}

void esp_tls_resolve_free(esp_tls_resolver_t **r)
{
    esp_tls_resolver_t *q = *r;
    if (q == NULL) {
        return;
    }
    *r = NULL;
    esp_tls_resolve_lock();
    bool done = q->done;
    q->abandoned = !done; /* the pending answer frees it (c-ares cannot drop one query) */
    if (q->kind == RESOLVE_ARES) {
        esp_tls_ares_release(q); /* may answer q, and free it if abandoned */
    }
    esp_tls_resolve_unlock();
    if (done) {
        esp_tls_resolve_dispose(q);
    }
}

esp_err_t esp_tls_resolve_blocking(const char *host, size_t hostlen, int port,
                                   esp_tls_addr_family_t family, int64_t deadline_ms,
                                   esp_tls_tcp_attempt_t *a)
{
    esp_tls_resolver_t *r = NULL;
    ESP_GUARD(esp_tls_resolve_start(host, hostlen, port, family, true, a, &r));
    while (r != NULL) {
        esp_err_t rc = esp_tls_resolve_step(&r, a);
        if (rc != ESP_ERR_NOT_FINISHED) {
            return rc;
        }
        int fd, wait_ms, left = esp_tls_ms_left(deadline_ms);
        short events;
        esp_tls_resolve_wait(r, &fd, &events, &wait_ms);
        if (left == 0) {
            ESP_LOGE(TAG, "couldn't get hostname for :%s: no answer in time", r->name);
            esp_tls_resolve_free(&r);
            return ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT;
        }
        wait_ms = (wait_ms < 0 || wait_ms > left) ? left : wait_ms;
        struct pollfd p = {.fd = fd, .events = events};
        poll(&p, fd >= 0 ? 1 : 0, wait_ms);
    }
    return ESP_OK;
}

esp_err_t esp_tls_set_dns_servers(const char *servers)
{
    if (servers != NULL && servers[0] != '\0') {
        ESP_ENSURE_LOG(strlen(servers) < sizeof(s_servers), ESP_ERR_INVALID_ARG,
                       "DNS server list is longer than %zu bytes", sizeof(s_servers) - 1);
        ESP_GUARD(esp_tls_ares_check_servers(servers));
    }
    esp_tls_resolve_lock();
    snprintf(s_servers, sizeof(s_servers), "%s", servers ? servers : "");
    esp_tls_resolve_unlock();
    return ESP_OK;
}
