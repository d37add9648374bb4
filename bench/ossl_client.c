// SPDX-License-Identifier: Apache-2.0
/*
 * ossl_client: the OpenSSL peer of bench/client_cpu.sh. N client handshakes with libssl
 * (OpenSSL 3), each as bench/mem_client --cycles does one: connect to 127.0.0.1:PORT, TLS 1.3
 * (or 1.2), server certificate verified against --ca for "localhost", send "GET\n", read the
 * 16384-byte answer, close.
 *
 *   ossl_client --port P --ca FILE [--cycles N] [--tls12]
 *
 * Prints result=1 and cpu_us= (process CPU time of the handshake loop per handshake).
 * The handshake itself is SSL_connect() (callgrind --toggle-collect=SSL_connect).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int tcp_connect(int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static int one(SSL_CTX *ctx, int port)
{
    int fd = tcp_connect(port), ok = 0;
    SSL *ssl = fd >= 0 ? SSL_new(ctx) : NULL;
    if (ssl != NULL && SSL_set_fd(ssl, fd) == 1 &&
        SSL_set_tlsext_host_name(ssl, "localhost") == 1 && SSL_set1_host(ssl, "localhost") == 1 &&
        SSL_connect(ssl) == 1 && SSL_write(ssl, "GET\n", 4) == 4) {
        char buf[4096];
        int n, total = 0;
        while (total < 16384 && (n = SSL_read(ssl, buf, sizeof(buf))) > 0) {
            total += n;
        }
        ok = total == 16384;
    }
    SSL_free(ssl);
    if (fd >= 0) {
        close(fd);
    }
    return ok;
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int port = 0, tls12 = 0;
    long cycles = 1;
    const char *ca = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port") && i + 1 < argc) {
            port = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--ca") && i + 1 < argc) {
            ca = argv[++i];
        } else if (!strcmp(argv[i], "--cycles") && i + 1 < argc) {
            cycles = atol(argv[++i]);
        } else if (!strcmp(argv[i], "--tls12")) {
            tls12 = 1;
        }
    }
    if (port == 0 || ca == NULL) {
        fprintf(stderr, "usage: ossl_client --port P --ca FILE [--cycles N] [--tls12]\n");
        return 2;
    }
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    int v = tls12 ? TLS1_2_VERSION : TLS1_3_VERSION;
    if (ctx == NULL || SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1 ||
        SSL_CTX_set_min_proto_version(ctx, v) != 1 || SSL_CTX_set_max_proto_version(ctx, v) != 1) {
        printf("result=0\n");
        return 1;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    /* no session reuse: every cycle is a full handshake, as mem_client's */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    double t0 = cpu_seconds();
    long i = 0;
    while (i < cycles && one(ctx, port)) {
        i++;
    }
    double t1 = cpu_seconds();
    SSL_CTX_free(ctx);
    printf("result=%d\ncycles=%ld\ncpu_us=%.1f\n", i == cycles, i,
           i > 0 ? (t1 - t0) * 1e6 / (double)i : 0.0);
    return i == cycles ? 0 : 1;
}
