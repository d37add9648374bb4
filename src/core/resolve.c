// SPDX-License-Identifier: Apache-2.0
/*
 * Asynchronous name resolution with c-ares. glibc's getaddrinfo_a() was the alternative; it
 * was not chosen because it answers on a thread of its own (no socket the caller's poll()
 * loop could wait on), a running lookup cannot be cancelled (destroying a connection would
 * have to wait for it), and pointing it at another DNS server needs a private mount of
 * /etc/resolv.conf. c-ares gives pollable sockets, immediate cancellation, and a server
 * setting of its own (esp_tls_set_dns_servers). It reads /etc/hosts and /etc/resolv.conf.
 */
#include <ares.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../mem/mem.h"
#include "esp_log.h"
#include "esp_tls_ext.h"
#include "resolve.h"
#include "tcp.h"

static const char *TAG = "esp-tls";

#define RESOLVE_MAX_ADDRS 16

struct esp_tls_resolver {
    ares_channel channel;
    bool done;
    int status;
    esp_tls_addr_t *addrs;
    size_t count;
    char name[ESP_TLS_MAX_HOSTNAME_LEN + 1];
};

static pthread_once_t s_ares_once = PTHREAD_ONCE_INIT;
static int s_ares_status = ARES_ENOTINITIALIZED;
static pthread_mutex_t s_servers_lock = PTHREAD_MUTEX_INITIALIZER;
static char s_servers[256]; /* "" = the system's resolv.conf */

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

static void ares_release(void)
{
    ares_library_cleanup();
}

static void ares_init_once(void)
{
    s_ares_status = ares_library_init(ARES_LIB_INIT_ALL);
    if (s_ares_status == ARES_SUCCESS) {
        atexit(ares_release);
    }
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

static void on_answer(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
    (void)timeouts;
    esp_tls_resolver_t *r = arg;
    r->done = true;
    r->status = status;
    if (status != ARES_SUCCESS || res == NULL) {
        ares_freeaddrinfo(res);
        return;
    }
    size_t n = 0;
    for (struct ares_addrinfo_node *node = res->nodes; node && n < RESOLVE_MAX_ADDRS;
         node = node->ai_next) {
        n += (node->ai_family == AF_INET || node->ai_family == AF_INET6);
    }
    r->addrs = n ? esp_tls_mem_calloc(n, sizeof(esp_tls_addr_t)) : NULL;
    for (struct ares_addrinfo_node *node = res->nodes; node && r->addrs && r->count < n;
         node = node->ai_next) {
        if ((node->ai_family == AF_INET || node->ai_family == AF_INET6) &&
            node->ai_addrlen <= sizeof(struct sockaddr_storage)) {
            memcpy(&r->addrs[r->count].addr, node->ai_addr, node->ai_addrlen);
            r->addrs[r->count++].len = node->ai_addrlen;
        }
    }
    r->status = r->count ? ARES_SUCCESS : ARES_ENODATA;
    ares_freeaddrinfo(res);
}

static esp_err_t new_channel(esp_tls_resolver_t *r)
{
    pthread_once(&s_ares_once, ares_init_once);
    ESP_ENSURE_LOG(s_ares_status == ARES_SUCCESS, ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME,
                   "c-ares failed to initialise: %s", ares_strerror(s_ares_status));
    struct ares_options opts = {.timeout = 2000, .tries = 3};
    int status = ares_init_options(&r->channel, &opts, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
    ESP_ENSURE_LOG(status == ARES_SUCCESS, ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME,
                   "c-ares channel: %s", ares_strerror(status));
    pthread_mutex_lock(&s_servers_lock);
    if (s_servers[0] != '\0') {
        status = ares_set_servers_ports_csv(r->channel, s_servers);
    }
    pthread_mutex_unlock(&s_servers_lock);
    ESP_ENSURE_LOG(status == ARES_SUCCESS, ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME,
                   "DNS servers: %s", ares_strerror(status));
    return ESP_OK;
}

static esp_err_t start_query(const char *name, int port, int family, esp_tls_resolver_t **out)
{
    esp_tls_resolver_t *r = esp_tls_mem_calloc(1, sizeof(*r));
    ESP_ENSURE(r != NULL, ESP_ERR_NO_MEM);
    snprintf(r->name, sizeof(r->name), "%s", name);
    *out = r;
    esp_err_t rc = new_channel(r);
    if (rc != ESP_OK) {
        r->channel = NULL;
        esp_tls_resolve_free(out);
        return rc;
    }
    char service[8];
    snprintf(service, sizeof(service), "%d", port);
    struct ares_addrinfo_hints hints = {
        .ai_family = family, .ai_socktype = SOCK_STREAM, .ai_flags = ARES_AI_NUMERICSERV};
    ares_getaddrinfo(r->channel, r->name, service, &hints, on_answer, r);
    return ESP_OK;
}

esp_err_t esp_tls_resolve_start(const char *host, size_t hostlen, int port,
                                esp_tls_addr_family_t family, esp_tls_tcp_attempt_t *a,
                                esp_tls_resolver_t **r)
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
    return start_query(name, port, family_of(family), r);
}

/* Let c-ares read the sockets that are ready and handle its timeouts. */
static void process(esp_tls_resolver_t *r)
{
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    int mask = ares_getsock(r->channel, socks, ARES_GETSOCK_MAXNUM);
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
    for (int i = 0; i < n && ready > 0 && !r->done; i++) {
        if (p[i].revents) {
            ares_process_fd(r->channel,
                            (p[i].revents & (POLLIN | POLLERR | POLLHUP)) ? p[i].fd
                                                                          : ARES_SOCKET_BAD,
                            (p[i].revents & POLLOUT) ? p[i].fd : ARES_SOCKET_BAD);
        }
    }
    if (!r->done) {
        ares_process_fd(r->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD); /* timeouts */
    }
}

esp_err_t esp_tls_resolve_step(esp_tls_resolver_t **r, esp_tls_tcp_attempt_t *a)
{
    esp_tls_resolver_t *q = *r;
    if (!q->done) {
        process(q);
    }
    if (!q->done) {
        return ESP_ERR_NOT_FINISHED;
    }
    esp_err_t rc = ESP_OK;
    if (q->status == ARES_SUCCESS) {
        give_addresses(a, q->addrs, q->count);
        q->addrs = NULL;
    } else {
        ESP_LOGE(TAG, "couldn't get hostname for :%s: %s", q->name, ares_strerror(q->status));
        rc = ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME;
    }
    esp_tls_resolve_free(r);
    return rc;
}

void esp_tls_resolve_wait(const esp_tls_resolver_t *r, int *fd, short *events, int *timeout_ms)
{
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    int mask = ares_getsock(r->channel, socks, ARES_GETSOCK_MAXNUM);
    *fd = -1;
    *events = 0;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM && *fd < 0; i++) {
        if (sock_readable(mask, i) || sock_writable(mask, i)) {
            *fd = socks[i];
            *events = sock_writable(mask, i) ? POLLOUT : POLLIN;
        }
    }
    struct timeval tv, *next = ares_timeout(r->channel, NULL, &tv);
    *timeout_ms = next ? (int)(next->tv_sec * 1000 + next->tv_usec / 1000) : -1;
}

void esp_tls_resolve_free(esp_tls_resolver_t **r)
{
    esp_tls_resolver_t *q = *r;
    if (q == NULL) {
        return;
    }
    if (q->channel) {
        ares_destroy(q->channel); /* a pending query ends with ARES_EDESTRUCTION */
    }
    esp_tls_mem_free(q->addrs);
    esp_tls_mem_free(q);
    *r = NULL;
}

esp_err_t esp_tls_resolve_blocking(const char *host, size_t hostlen, int port,
                                   esp_tls_addr_family_t family, int64_t deadline_ms,
                                   esp_tls_tcp_attempt_t *a)
{
    esp_tls_resolver_t *r = NULL;
    ESP_GUARD(esp_tls_resolve_start(host, hostlen, port, family, a, &r));
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
        esp_tls_resolver_t probe = {0};
        pthread_once(&s_ares_once, ares_init_once);
        ESP_ENSURE(s_ares_status == ARES_SUCCESS && ares_init(&probe.channel) == ARES_SUCCESS,
                   ESP_FAIL);
        int status = ares_set_servers_ports_csv(probe.channel, servers);
        ares_destroy(probe.channel);
        ESP_ENSURE_LOG(status == ARES_SUCCESS, ESP_ERR_INVALID_ARG,
                       "DNS servers \"%s\": %s (expected e.g. \"127.0.0.1:5353,[::1]:53\")",
                       servers, ares_strerror(status));
    }
    pthread_mutex_lock(&s_servers_lock);
    snprintf(s_servers, sizeof(s_servers), "%s", servers ? servers : "");
    pthread_mutex_unlock(&s_servers_lock);
    return ESP_OK;
}
