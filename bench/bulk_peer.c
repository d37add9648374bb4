// SPDX-License-Identifier: Apache-2.0
/*
 * bulk_peer: the OpenSSL side of bench/bulk.sh, on Debian's libssl (the peer esp-tls is
 * measured against, and a server fast enough not to be what is measured).
 *
 *   bulk_peer server CERT KEY SUITE      SUITE: tls13-aes128gcm | tls13-chacha20 | tls12-aes128gcm
 *   bulk_peer client --port P --ca FILE (--recv|--send) [--mib N] [--host H]
 *
 * server: listens on 127.0.0.1 on a free port (printed as "port=N" on stdout), allows only
 * SUITE (TLS 1.3 AES-128-GCM or ChaCha20-Poly1305, or TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256),
 * and serves one connection at a time until killed: "R bytes\n" sends that many bytes in
 * 16 KB writes; "S bytes\n" reads that many and answers "OK\n".
 * client: the same measurement as bench/bulk_client.c (esp-tls) with libssl: the suite, MiB/s
 * (wall clock of the transfer) and CPU ms per MiB (getrusage over the transfer).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bulk_common.h"

#define CHUNK BULK_CHUNK

static char buf[CHUNK];

static int write_all(SSL *ssl, const char *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        int n = SSL_write(ssl, data + done, (int)(len - done));
        if (n <= 0) {
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

static int read_n(SSL *ssl, size_t cap, size_t want)
{
    size_t got = 0;
    while (got < want) {
        size_t ask = want - got < cap ? want - got : cap;
        int n = SSL_read(ssl, buf, (int)ask);
        if (n <= 0) {
            return -1;
        }
        got += (size_t)n;
    }
    return 0;
}

/* --- server ------------------------------------------------------------------------------- */

static int restrict_suite(SSL_CTX *ctx, const char *suite)
{
    if (!strcmp(suite, "tls12-aes128gcm")) {
        return SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION) &&
               SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256");
    }
    const char *name = !strcmp(suite, "tls13-aes128gcm")  ? "TLS_AES_128_GCM_SHA256"
                       : !strcmp(suite, "tls13-chacha20") ? "TLS_CHACHA20_POLY1305_SHA256"
                                                          : NULL;
    return name != NULL && SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) &&
           SSL_CTX_set_ciphersuites(ctx, name);
}

static void serve_one(SSL *ssl)
{
    char req[64];
    size_t len = 0;
    while (len < sizeof(req) - 1 && (len == 0 || req[len - 1] != '\n')) {
        int n = SSL_read(ssl, req + len, 1);
        if (n <= 0) {
            return;
        }
        len += (size_t)n;
    }
    req[len] = '\0';
    size_t bytes = strtoull(req + 2, NULL, 10);
    if (req[0] == 'R') {
        for (size_t done = 0; done < bytes; done += CHUNK) {
            if (write_all(ssl, buf, bytes - done < CHUNK ? bytes - done : CHUNK) != 0) {
                return;
            }
        }
    } else if (req[0] == 'S' && read_n(ssl, sizeof(buf), bytes) == 0) {
        (void)write_all(ssl, "OK\n", 3);
    }
    SSL_shutdown(ssl);
}

static int server(const char *cert, const char *key, const char *suite)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
        !restrict_suite(ctx, suite)) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 8) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &alen) != 0) {
        perror("bulk_peer server");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN); /* a client gone mid-transfer ends its connection only */
    printf("port=%d\n", ntohs(a.sin_port));
    fflush(stdout);
    memset(buf, 'x', sizeof(buf));
    for (;;) {
        int c = accept(fd, NULL, NULL);
        if (c < 0) {
            continue;
        }
        SSL *ssl = SSL_new(ctx);
        SSL_set_fd(ssl, c);
        if (SSL_accept(ssl) == 1) {
            serve_one(ssl);
        }
        SSL_free(ssl);
        close(c);
    }
}

/* --- client ------------------------------------------------------------------------------- */

static int transfer(SSL *ssl, const bulk_opts_t *o)
{
    char req[64];
    size_t bytes = o->bytes;
    if (write_all(ssl, req, (size_t)bulk_request(req, sizeof(req), o)) != 0) {
        return -1;
    }
    if (!o->send) {
        return read_n(ssl, sizeof(buf), bytes);
    }
    memset(buf, 'x', sizeof(buf));
    for (size_t done = 0; done < bytes; done += CHUNK) {
        if (write_all(ssl, buf, bytes - done < CHUNK ? bytes - done : CHUNK) != 0) {
            return -1;
        }
    }
    return read_n(ssl, 3, 3);
}

static SSL *connect_to(const char *host, int port, const char *ca)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL || SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
        return NULL;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    SSL *ssl = SSL_new(ctx);
    SSL_CTX_free(ctx); /* the SSL holds a reference */
    if (fd < 0 || ssl == NULL || inet_pton(AF_INET, host, &a.sin_addr) != 1 ||
        connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        return NULL;
    }
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (SSL_set1_host(ssl, "localhost") != 1 || SSL_connect(ssl) != 1) {
        ERR_print_errors_fp(stderr);
        return NULL;
    }
    return ssl;
}

static int client(int argc, char **argv)
{
    bulk_opts_t o;
    if (!bulk_parse(argc, argv, &o)) {
        fprintf(stderr, "usage: bulk_peer client --port P --ca FILE (--recv|--send)\n");
        return 2;
    }
    SSL *ssl = connect_to(o.host, o.port, o.ca);
    if (ssl == NULL) {
        fprintf(stderr, "bulk_peer: connection failed\n");
        return 1;
    }
    double t0[2], t1[2];
    bulk_clocks(t0);
    int rc = transfer(ssl, &o);
    bulk_clocks(t1);
    if (rc == 0) {
        bulk_report(SSL_get_cipher_name(ssl), o.bytes, t0, t1);
    }
    SSL_shutdown(ssl);
    close(SSL_get_fd(ssl));
    SSL_free(ssl);
    if (rc != 0) {
        fprintf(stderr, "bulk_peer: transfer failed\n");
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && !strcmp(argv[1], "server")) {
        return server(argv[2], argv[3], argv[4]);
    }
    if (argc >= 2 && !strcmp(argv[1], "client")) {
        return client(argc - 2, argv + 2);
    }
    fprintf(stderr, "usage: bulk_peer server CERT KEY SUITE | bulk_peer client ...\n");
    return 2;
}
