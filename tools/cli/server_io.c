// SPDX-License-Identifier: Apache-2.0
/* esp-tls server: listening, accepting, one session at a time (www, echo or relay). */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "server.h"

#define PEER_CLOSE_NOTIFY (-0x7880) /* MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY */

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
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
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

/* Sockets are blocking with SO_RCVTIMEO: WANT_READ from a read means the client idled. */
static bool is_want(ssize_t n)
{
    return n == ESP_TLS_ERR_SSL_WANT_READ || n == ESP_TLS_ERR_SSL_WANT_WRITE;
}

static int stream_end(ssize_t n)
{
    if (n == 0 || n == PEER_CLOSE_NOTIFY) {
        return CLI_OK;
    }
    fprintf(stderr, "session:   %s (-0x%04x)\n", is_want(n) ? "client idle, closed" : "read failed",
            (unsigned)-n);
    return is_want(n) ? CLI_OK : CLI_FAIL;
}

static bool write_all(esp_tls_t *tls, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = esp_tls_conn_write(tls, data, len);
        if (n == ESP_TLS_ERR_SSL_WANT_READ || n == ESP_TLS_ERR_SSL_WANT_WRITE) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        data += n;
        len -= (size_t)n;
    }
    return true;
}

/*
 * The client certificate's subject, from the chain the library keeps (CONFIG_ESP_TLS_KEEP_PEER_
 * CHAIN or esp_tls_set_keep_peer_chain()); without it, a required certificate is known to be
 * verified, nothing more.
 */
static void client_subject(const server_opts_t *o, esp_tls_t *tls, char *out, size_t len)
{
    const unsigned char *der = NULL;
    size_t der_len = 0;
    esp_tls_cert_info_t info;
    snprintf(out, len, "%s",
             o->cfg.cacert_buf == NULL ? "not requested"
             : o->optional_auth        ? "requested (subject not available)"
                                       : "verified (subject not available)");
    if (esp_tls_get_peer_chain_len(tls) > 0 &&
        esp_tls_get_peer_cert_der(tls, 0, &der, &der_len) == ESP_OK &&
        esp_tls_cert_describe(der, der_len, &info) == ESP_OK) {
        snprintf(out, len, "%s: %.*s", o->optional_auth ? "presented" : "verified", 200,
                 info.subject);
    }
}

static int serve_www(esp_tls_t *tls, const esp_tls_conn_info_t *info, const char *client)
{
    char req[8192];
    size_t used = 0;
    while (used < sizeof(req) - 1) {
        ssize_t n = esp_tls_conn_read(tls, req + used, sizeof(req) - 1 - used);
        if (n <= 0) {
            return stream_end(n);
        }
        used += (size_t)n;
        req[used] = '\0';
        if (strstr(req, "\r\n\r\n") != NULL || strstr(req, "\n\n") != NULL) {
            break;
        }
    }
    char page[1024], resp[1536];
    int plen =
        snprintf(page, sizeof(page),
                 "<html><body><h1>esp-tls server</h1><pre>\n"
                 "Protocol:    %s\nCiphersuite: %s\nALPN:        %s\nClient cert: %s\n"
                 "</pre></body></html>\n",
                 info->version, info->ciphersuite, info->alpn[0] ? info->alpn : "none", client);
    int rlen = snprintf(resp, sizeof(resp),
                        "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
                        "Connection: close\r\n\r\n%s",
                        plen, page);
    return write_all(tls, resp, (size_t)rlen) ? CLI_OK : CLI_FAIL;
}

static int serve_echo(esp_tls_t *tls)
{
    char buf[4096];
    for (;;) {
        ssize_t n = esp_tls_conn_read(tls, buf, sizeof(buf));
        if (n <= 0) {
            return stream_end(n);
        }
        if (!write_all(tls, buf, (size_t)n)) {
            return CLI_FAIL;
        }
    }
}

/* Client -> stdout, stdin -> client, until the client closes. */
static int serve_relay(esp_tls_t *tls, int fd, bool *stdin_open)
{
    char buf[4096];
    for (;;) {
        struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
                              {.fd = *stdin_open ? STDIN_FILENO : -1, .events = POLLIN}};
        if (esp_tls_get_bytes_avail(tls) <= 0 && poll(p, 2, -1) < 0 && errno != EINTR) {
            return CLI_FAIL;
        }
        if (esp_tls_get_bytes_avail(tls) > 0 || p[0].revents) {
            ssize_t n = esp_tls_conn_read(tls, buf, sizeof(buf));
            if (n <= 0 && !is_want(n)) {
                return stream_end(n);
            }
            fwrite(buf, 1, n > 0 ? (size_t)n : 0, stdout);
            fflush(stdout);
        }
        if (p[1].revents) {
            ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
            *stdin_open = n > 0;
            if (n > 0 && !write_all(tls, buf, (size_t)n)) {
                return CLI_FAIL;
            }
        }
    }
}

static void set_timeouts(int fd, int ms)
{
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int handshake_failed(esp_tls_t *tls, const char *peer, int rc)
{
    esp_tls_error_handle_t h = NULL;
    cli_error_t e;
    esp_tls_get_error_handle(tls, &h);
    cli_error_capture(h, &e);
    if (e.err == ESP_OK && rc > 0) {
        e.err = rc; /* a positive result is an esp_err_t (setup failure, timeout) */
    }
    fprintf(stderr, "handshake: %s failed\n", peer);
    cli_error_print(stderr, &e);
    return CLI_FAIL;
}

/* Not "resumed": esp_tls_get_conn_info() does not tell it for server sessions (docs/cli.md). */
static void print_session(const char *peer, const esp_tls_conn_info_t *info, const char *client)
{
    fprintf(stderr, "accepted:  %s\n", peer);
    fprintf(stderr, "version:   %s\nsuite:     %s\nalpn:      %s\n", info->version,
            info->ciphersuite, info->alpn[0] ? info->alpn : "(none)");
    fprintf(stderr, "client:    %s\n", client);
}

/* One accepted connection: handshake, then the session in the chosen mode. */
static int serve(server_opts_t *o, int fd, const char *peer, bool *stdin_open)
{
    set_timeouts(fd, o->timeout_ms);
    esp_tls_t *tls = esp_tls_init();
    if (tls == NULL) {
        close(fd);
        return CLI_FAIL;
    }
    int rc = esp_tls_server_session_create(&o->cfg, fd, tls);
    if (rc != 0) {
        rc = handshake_failed(tls, peer, rc);
        fprintf(stderr, "closed:    %s\n", peer);
        esp_tls_conn_destroy(tls);
        return rc;
    }
    esp_tls_conn_info_t info = {0};
    char client[300];
    esp_tls_get_conn_info(tls, &info);
    client_subject(o, tls, client, sizeof(client));
    print_session(peer, &info, client);
    rc = o->mode == SERVER_WWW    ? serve_www(tls, &info, client)
         : o->mode == SERVER_ECHO ? serve_echo(tls)
                                  : serve_relay(tls, fd, stdin_open);
    fprintf(stderr, "closed:    %s\n", peer);
    esp_tls_conn_destroy(tls); /* also closes fd */
    return rc;
}

int server_run(server_opts_t *o, int listen_fd)
{
    bool stdin_open = true;
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        int fd = accept4(listen_fd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            fprintf(stderr, "esp-tls server: accept: %s\n", strerror(errno));
            return CLI_NET;
        }
        char peer[80];
        addr_string(&ss, peer, sizeof(peer));
        int rc = serve(o, fd, peer, &stdin_open);
        if (o->once) {
            return rc;
        }
    }
}
