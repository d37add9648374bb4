// SPDX-License-Identifier: Apache-2.0
/*
 * ossl_many: the OpenSSL peer of examples/async_many and bench/mem_server_many for the fleet
 * bench (bench/fleet.sh). N TLS connections from one thread with OpenSSL's libssl (Debian's
 * libssl-dev: the peer as users run it), non-blocking SSL_connect()/SSL_accept() driven by one
 * poll() loop, at most C handshakes in progress at a time.
 *
 *   ossl_many --port P --ca FILE [--host 127.0.0.1] [-n N] [-c C] [--tls12|--tls13]
 *             [--hold] [--until-closed] [--release-buffers]
 *   ossl_many --server --port P --cert FILE --key FILE [-n N] [-c C] [--tls12|--tls13] [--hold]
 *             [--release-buffers]
 *
 * --hold keeps every established connection open until all N are up, then measures and closes
 * them; without it each connection is closed once its handshake is done (handshake rate).
 * --until-closed (client): after measuring, wait until the peer has closed every connection
 * (used when the server is the one being measured). --release-buffers: SSL_MODE_RELEASE_BUFFERS
 * (record buffers freed while idle, as nginx sets it; off by default in libssl). Prints key=value
 * lines: connections, failed, seconds, cpu_s (user + system time of this process, getrusage),
 * hs_per_cpu_s, and with --hold heap_per_conn: heap in use by malloc (mallinfo2(): uordblks +
 * hblkhd, so chunk headers included) once all N are up minus once the first one was up (made
 * alone, nothing else in flight), divided by N - 1 (one-time lazy set-up of the library is left
 * out).
 *
 * Server: no session tickets and no session cache (as the esp-tls server by default), so a
 * session holds only its connection state.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "meter.h"

typedef struct {
    bool server, hold, until_closed, release_buffers;
    const char *host, *ca, *cert, *key;
    int port, total, concurrency, version;
} opts_t;

typedef struct {
    SSL *ssl;
    int fd;
    bool connecting; /* client: TCP connect still in progress */
    short events;
} conn_t;

typedef struct {
    SSL_CTX *ctx;
    int listen_fd;
    conn_t *busy; /* handshakes in progress, concurrency slots */
    conn_t *held; /* established, --hold */
    int started, done, failed, nheld;
    size_t heap_first; /* heap in use once the first connection was up */
} run_t;

static void usage(void)
{
    fprintf(stderr, "usage: ossl_many [--server] --port P (--ca FILE | --cert FILE --key FILE)\n"
                    "       [--host H] [-n N] [-c C] [--tls12|--tls13] [--hold] [--until-closed]\n"
                    "       [--release-buffers]\n");
    exit(2);
}

static void parse(int argc, char **argv, opts_t *o)
{
    static const struct option long_opts[] = {
        {"server", 0, 0, 's'},
        {"host", 1, 0, 'h'},
        {"port", 1, 0, 'p'},
        {"ca", 1, 0, 'a'},
        {"cert", 1, 0, 'C'},
        {"key", 1, 0, 'K'},
        {"tls12", 0, 0, '2'},
        {"tls13", 0, 0, '3'},
        {"hold", 0, 0, 'H'},
        {"until-closed", 0, 0, 'u'},
        {"release-buffers", 0, 0, 'R'},
        {0, 0, 0, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "n:c:", long_opts, NULL)) != -1) {
        switch (c) {
        case 's': o->server = true; break;
        case 'h': o->host = optarg; break;
        case 'p': o->port = (int)strtol(optarg, NULL, 10); break;
        case 'a': o->ca = optarg; break;
        case 'C': o->cert = optarg; break;
        case 'K': o->key = optarg; break;
        case '2': o->version = TLS1_2_VERSION; break;
        case '3': o->version = TLS1_3_VERSION; break;
        case 'H': o->hold = true; break;
        case 'u': o->until_closed = true; break;
        case 'R': o->release_buffers = true; break;
        case 'n': o->total = (int)strtol(optarg, NULL, 10); break;
        case 'c': o->concurrency = (int)strtol(optarg, NULL, 10); break;
        default: usage();
        }
    }
    bool creds = o->server ? o->cert && o->key : o->ca != NULL;
    if (!o->port || !creds || o->total < 1 || o->concurrency < 1) {
        usage();
    }
}

static SSL_CTX *make_ctx(const opts_t *o)
{
    SSL_CTX *ctx = SSL_CTX_new(o->server ? TLS_server_method() : TLS_client_method());
    bool ok = ctx != NULL;
    if (ok && o->version) {
        ok = SSL_CTX_set_min_proto_version(ctx, o->version) &&
             SSL_CTX_set_max_proto_version(ctx, o->version);
    }
    if (ok && o->release_buffers) {
        SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    }
    if (ok && o->server) {
        ok = SSL_CTX_use_certificate_chain_file(ctx, o->cert) == 1 &&
             SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) == 1 &&
             SSL_CTX_set_num_tickets(ctx, 0) == 1;
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    } else if (ok) {
        ok = SSL_CTX_load_verify_locations(ctx, o->ca, NULL) == 1;
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    }
    if (!ok) {
        ERR_print_errors_fp(stderr);
        exit(2);
    }
    return ctx;
}

static void set_nonblock(int fd)
{
    int one = 1;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static struct sockaddr_in loopback(const opts_t *o)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port)};
    if (inet_pton(AF_INET, o->host, &a.sin_addr) != 1) {
        fprintf(stderr, "ossl_many: --host must be an IPv4 address\n");
        exit(2);
    }
    return a;
}

static int listen_on(const opts_t *o)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = loopback(o);
    if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, 4096) != 0) {
        perror("ossl_many: listen");
        exit(2);
    }
    set_nonblock(s);
    printf("listening\n");
    fflush(stdout);
    return s;
}

/* A new connection in slot @p c: accepted (server) or connecting (client); false if none. */
static bool open_conn(const opts_t *o, run_t *r, conn_t *c)
{
    int fd = o->server ? accept(r->listen_fd, NULL, NULL) : socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return false;
    }
    set_nonblock(fd);
    *c = (conn_t){.fd = fd, .ssl = SSL_new(r->ctx), .events = POLLIN};
    SSL_set_fd(c->ssl, fd);
    r->started++;
    if (o->server) {
        SSL_set_accept_state(c->ssl);
        return true;
    }
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), o->host);
    SSL_set_connect_state(c->ssl);
    struct sockaddr_in a = loopback(o);
    /* an immediate failure shows as POLLERR and SO_ERROR at the first step */
    (void)connect(fd, (struct sockaddr *)&a, sizeof(a));
    c->connecting = true;
    c->events = POLLOUT;
    return true;
}

static void close_conn(conn_t *c)
{
    SSL_free(c->ssl);
    close(c->fd);
    *c = (conn_t){.fd = -1};
}

static void finish(const opts_t *o, run_t *r, conn_t *c, bool ok)
{
    if (!ok) {
        r->failed++;
        ERR_clear_error();
        close_conn(c);
        return;
    }
    r->done++;
    if (o->hold) {
        r->held[r->nheld++] = *c;
        *c = (conn_t){.fd = -1};
        if (r->nheld == 1) {
            r->heap_first = meter_heap_in_use();
        }
        return;
    }
    SSL_shutdown(c->ssl); /* one close_notify, not waiting for the peer's */
    close_conn(c);
}

/* One handshake step for slot @p c, called when its socket is ready. */
static void step(const opts_t *o, run_t *r, conn_t *c)
{
    if (c->connecting) {
        int err = 0;
        socklen_t len = sizeof(err);
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            finish(o, r, c, false);
            return;
        }
        c->connecting = false;
    }
    int rc = SSL_do_handshake(c->ssl);
    if (rc == 1) {
        finish(o, r, c, true);
        return;
    }
    switch (SSL_get_error(c->ssl, rc)) {
    case SSL_ERROR_WANT_READ: c->events = POLLIN; break;
    case SSL_ERROR_WANT_WRITE: c->events = POLLOUT; break;
    default: finish(o, r, c, false); break;
    }
}

/* --hold: the first connection is made alone, so the baseline has nothing in flight */
static bool may_start(const opts_t *o, const run_t *r)
{
    bool first_pending = o->hold && r->started == 1 && r->done + r->failed == 0;
    return r->started < o->total && !first_pending;
}

static void refill(const opts_t *o, run_t *r)
{
    for (int i = 0; i < o->concurrency && may_start(o, r); i++) {
        if (r->busy[i].fd < 0 && !open_conn(o, r, &r->busy[i])) {
            return; /* server: nothing more to accept now */
        }
    }
}

static void run(const opts_t *o, run_t *r)
{
    int n = o->concurrency + 1; /* the last slot: the listening socket */
    struct pollfd *pfd = calloc((size_t)n, sizeof(*pfd));
    while (r->done + r->failed < o->total) {
        refill(o, r);
        for (int i = 0; i < o->concurrency; i++) {
            pfd[i] = (struct pollfd){.fd = r->busy[i].fd, .events = r->busy[i].events};
        }
        bool more = o->server && may_start(o, r);
        pfd[n - 1] = (struct pollfd){.fd = more ? r->listen_fd : -1, .events = POLLIN};
        if (poll(pfd, (nfds_t)n, 1000) < 0 && errno != EINTR) {
            perror("ossl_many: poll");
            exit(2);
        }
        for (int i = 0; i < o->concurrency; i++) {
            if (r->busy[i].fd >= 0 && pfd[i].revents) {
                step(o, r, &r->busy[i]);
            }
        }
    }
    free(pfd);
}

/* --until-closed: read (and drop) until the peer has closed every held connection. */
static void wait_closed(run_t *r)
{
    struct pollfd *pfd = calloc((size_t)r->nheld, sizeof(*pfd));
    int open = r->nheld;
    double deadline = meter_now_s() + 900;
    while (open > 0 && meter_now_s() < deadline) {
        for (int i = 0; i < r->nheld; i++) {
            pfd[i] = (struct pollfd){.fd = r->held[i].ssl ? r->held[i].fd : -1, .events = POLLIN};
        }
        poll(pfd, (nfds_t)r->nheld, 1000);
        for (int i = 0; i < r->nheld; i++) {
            char buf[512];
            if (pfd[i].revents == 0 || r->held[i].ssl == NULL) {
                continue;
            }
            int rc = SSL_read(r->held[i].ssl, buf, sizeof(buf));
            if (rc <= 0 && SSL_get_error(r->held[i].ssl, rc) != SSL_ERROR_WANT_READ) {
                ERR_clear_error();
                close_conn(&r->held[i]);
                open--;
            }
        }
    }
    free(pfd);
}

static void report(const opts_t *o, const run_t *r, double secs, double cpu, size_t heap_all)
{
    printf("connections=%d\nfailed=%d\nconcurrency=%d\nseconds=%.3f\ncpu_s=%.3f\n", r->done,
           r->failed, o->concurrency, secs, cpu);
    printf("hs_per_cpu_s=%.1f\n", cpu > 0 ? r->done / cpu : 0.0);
    if (o->hold && r->nheld > 1) {
        printf("held=%d\nheap_per_conn=%lld\n", r->nheld,
               ((long long)heap_all - (long long)r->heap_first) / (r->nheld - 1));
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    opts_t o = {.host = "127.0.0.1", .total = 1000, .concurrency = 64};
    parse(argc, argv, &o);
    run_t r = {.ctx = make_ctx(&o), .listen_fd = -1};
    r.busy = malloc((size_t)o.concurrency * sizeof(*r.busy));
    for (int i = 0; i < o.concurrency; i++) {
        r.busy[i] = (conn_t){.fd = -1};
    }
    r.held = o.hold ? calloc((size_t)o.total, sizeof(*r.held)) : NULL;
    if (o.server) {
        r.listen_fd = listen_on(&o);
    }
    double t0 = meter_now_s(), c0 = meter_cpu_s();
    run(&o, &r);
    double cpu = meter_cpu_s() - c0, secs = meter_now_s() - t0;
    report(&o, &r, secs, cpu, meter_heap_in_use());
    if (o.until_closed) {
        wait_closed(&r);
    }
    for (int i = 0; i < r.nheld; i++) {
        if (r.held[i].ssl) {
            close_conn(&r.held[i]);
        }
    }
    if (r.listen_fd >= 0) {
        close(r.listen_fd);
    }
    free(r.held);
    free(r.busy);
    SSL_CTX_free(r.ctx);
    return r.failed ? 1 : 0;
}
