// SPDX-License-Identifier: Apache-2.0
/*
 * esp-tls server: listening, and one poll() loop over the listening socket, stdin (relay mode)
 * and every session (server_session.c), so that no client holds the others.
 */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server.h"

#define ACCEPT_PAUSE_MS 100

typedef struct {
    session_t *s[SERVER_MAX_CLIENTS];
    int count;
    bool stdin_open;
    bool accepted_one; /* --once: no second connection */
    int64_t accept_at; /* out of descriptors: accept again at this time */
    int last_result;   /* of the last session that ended */
} server_state_t;

static void addr_string(const struct sockaddr_storage *ss, char *out, size_t len)
{
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
        port = ntohs(a->sin6_port);
        snprintf(out, len, "[%s]:%d", host, port);
        return;
    }
    const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
    snprintf(out, len, "%s:%d", host, ntohs(a->sin_port));
}

static int bind_one(const struct addrinfo *ai)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    int on = 1;
    if (fd < 0) {
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 16) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int server_listen(const server_opts_t *o)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *res = NULL;
    char port[8];
    snprintf(port, sizeof(port), "%d", o->port);
    int gai = getaddrinfo(o->bind, port, &hints, &res);
    if (gai != 0) {
        fprintf(stderr, "esp-tls server: %s: %s\n", o->bind, gai_strerror(gai));
        return -1;
    }
    int fd = res != NULL ? bind_one(res) : -1;
    freeaddrinfo(res);
    if (fd < 0) {
        fprintf(stderr, "esp-tls server: cannot listen on %s port %d: %s\n", o->bind, o->port,
                strerror(errno));
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char where[80];
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    addr_string(&ss, where, sizeof(where));
    printf("listening on %s\n", where);
    fflush(stdout);
    return fd;
}

/* Accept what waits, up to the session limit. False on a listening socket that failed. */
static bool accept_new(server_opts_t *o, server_state_t *st, int listen_fd)
{
    while (st->count < o->max_clients && !(o->once && st->accepted_one)) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        int fd = accept4(listen_fd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) {
                st->accept_at = cli_now_ms() + ACCEPT_PAUSE_MS; /* not a busy loop meanwhile */
            }
            bool transient = errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
                             errno == ECONNABORTED || errno == EMFILE || errno == ENFILE;
            if (!transient) {
                fprintf(stderr, "esp-tls server: accept: %s\n", strerror(errno));
            }
            return transient;
        }
        char peer[80];
        addr_string(&ss, peer, sizeof(peer));
        session_t *s = session_new(o, fd, peer);
        if (s != NULL) {
            st->s[st->count++] = s;
            st->accepted_one = true;
            session_step(o, s, cli_now_ms());
        }
    }
    return true;
}

/* Relay mode: stdin to every open session, read only when each has room for it. */
static short stdin_events(const server_state_t *st)
{
    int open = 0;
    for (int i = 0; i < st->count; i++) {
        if (st->s[i]->state == SESSION_OPEN) {
            if (session_room(st->s[i]) < 4096) {
                return 0;
            }
            open++;
        }
    }
    return st->stdin_open && open > 0 ? POLLIN : 0;
}

static void relay_stdin(server_opts_t *o, server_state_t *st)
{
    char buf[4096];
    ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return;
    }
    st->stdin_open = n > 0;
    for (int i = 0; n > 0 && i < st->count; i++) {
        if (st->s[i]->state == SESSION_OPEN) {
            session_queue(st->s[i], buf, (size_t)n);
            session_step(o, st->s[i], cli_now_ms());
        }
    }
}

/* Free the sessions that ended, keeping the order of the others. */
static void reap(server_state_t *st)
{
    int kept = 0;
    for (int i = 0; i < st->count; i++) {
        if (st->s[i]->state == SESSION_ENDED) {
            st->last_result = session_free(st->s[i]);
        } else {
            st->s[kept++] = st->s[i];
        }
    }
    st->count = kept;
}

/* poll() entries: [0] listening socket, [1] stdin, [2..] sessions. Returns the timeout. */
static int fill_poll(server_opts_t *o, server_state_t *st, int listen_fd, struct pollfd *p)
{
    int64_t now = cli_now_ms(), wake = st->accept_at > now ? st->accept_at : -1;
    bool more = st->count < o->max_clients && !(o->once && st->accepted_one) && wake < 0;
    p[0] = (struct pollfd){.fd = more ? listen_fd : -1, .events = POLLIN};
    short in = o->mode == SERVER_RELAY ? stdin_events(st) : 0;
    p[1] = (struct pollfd){.fd = in != 0 ? STDIN_FILENO : -1, .events = in};
    for (int i = 0; i < st->count; i++) {
        session_t *s = st->s[i];
        int64_t d = s->again || s->state == SESSION_ENDED ? now : session_deadline(o, s);
        wake = wake < 0 || d < wake ? d : wake;
        p[2 + i] = (struct pollfd){.fd = s->fd, .events = session_events(s)};
    }
    return wake < 0 ? -1 : wake <= now ? 0 : (int)(wake - now);
}

int server_run(server_opts_t *o, int listen_fd)
{
    server_state_t *st = calloc(1, sizeof(*st));
    struct pollfd *p = calloc(2 + SERVER_MAX_CLIENTS, sizeof(*p));
    bool ok = st != NULL && p != NULL;
    if (ok) {
        st->stdin_open = true;
    }
    while (ok && !(o->once && st->accepted_one && st->count == 0)) {
        int timeout = fill_poll(o, st, listen_fd, p);
        if (poll(p, (nfds_t)(2 + st->count), timeout) < 0 && errno != EINTR) {
            break;
        }
        if (p[1].fd >= 0 && p[1].revents != 0) {
            relay_stdin(o, st);
        }
        for (int i = 0; i < st->count; i++) {
            session_step(o, st->s[i], cli_now_ms());
        }
        ok = p[0].fd < 0 || p[0].revents == 0 || accept_new(o, st, listen_fd);
        reap(st);
    }
    int rc = ok ? st->last_result : CLI_NET;
    for (int i = 0; st != NULL && i < st->count; i++) {
        session_free(st->s[i]);
    }
    free(st);
    free(p);
    return rc;
}
