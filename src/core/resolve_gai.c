// SPDX-License-Identifier: Apache-2.0
/*
 * getaddrinfo() for callers that block (core/resolve.c says why). A detached helper thread
 * runs the lookup and makes an eventfd readable; the caller waits on it in poll() until its
 * deadline. A caller that gives up marks the query abandoned and the thread frees it when
 * getaddrinfo() returns (a running getaddrinfo() cannot be interrupted).
 */
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "esp_log.h"
#include "resolve_priv.h"

static const char *TAG = "esp-tls";

static void take_answer(esp_tls_resolver_t *r, int status, const struct addrinfo *res)
{
    size_t n = 0;
    for (const struct addrinfo *ai = status == 0 ? res : NULL; ai; ai = ai->ai_next) {
        n += (ai->ai_family == AF_INET || ai->ai_family == AF_INET6);
    }
    n = n < RESOLVE_MAX_ADDRS ? n : RESOLVE_MAX_ADDRS;
    for (const struct addrinfo *ai = status == 0 ? res : NULL; ai; ai = ai->ai_next) {
        esp_tls_resolve_add(r, ai->ai_addr, ai->ai_addrlen, n);
    }
    r->ok = status == 0 && r->count > 0;
    r->why = gai_strerror(status == 0 ? EAI_NONAME : status);
}

static void *lookup(void *arg)
{
    esp_tls_resolver_t *r = arg;
    char service[8];
    snprintf(service, sizeof(service), "%d", r->port);
    struct addrinfo hints = {
        .ai_family = r->family, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int status = getaddrinfo(r->name, service, &hints, &res);
    take_answer(r, status, res); /* the caller reads it only once it sees done */
    if (status == 0) {
        freeaddrinfo(res);
    }
    esp_tls_resolve_lock();
    r->done = true;
    bool abandoned = r->abandoned;
    if (!abandoned) {
        (void)eventfd_write(r->efd, 1);
    }
    esp_tls_resolve_unlock();
    if (abandoned) {
        esp_tls_resolve_dispose(r);
    }
    return NULL;
}

/* A detached thread with every signal blocked: the application's handlers stay on its own
 * threads. */
static int spawn(esp_tls_resolver_t *r)
{
    pthread_attr_t attr;
    sigset_t all, old;
    pthread_t t;
    if (pthread_attr_init(&attr) != 0) {
        return -1;
    }
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&t, &attr, lookup, r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    return rc;
}

esp_err_t esp_tls_gai_start(esp_tls_resolver_t *r)
{
    r->kind = RESOLVE_GAI;
    r->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    ESP_ENSURE(r->efd >= 0, ESP_FAIL);
    int rc = spawn(r);
    if (rc != 0) {
        ESP_LOGD(TAG, "no resolver thread (%d): c-ares instead", rc);
        close(r->efd);
        r->efd = -1;
        return ESP_FAIL;
    }
    return ESP_OK;
}
