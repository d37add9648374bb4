// SPDX-License-Identifier: Apache-2.0
/*
 * Test peers for the transport unit tests (see tls_peer.h). The server uses Mbed TLS directly,
 * not esp_tls, so a bug in the library under test cannot hide itself on both ends.
 */
#include "tls_peer.h"
#include "esp_tls_ext.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- PKI ------------------------------------------------------------------------------------ */

static int read_all(const char *path, char **out, int *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0) {
        if (f) {
            fclose(f);
        }
        return -1;
    }
    long size = ftell(f);
    rewind(f);
    char *buf = calloc(1, (size_t)size + 1);
    int rc = (buf && fread(buf, 1, (size_t)size, f) == (size_t)size) ? 0 : -1;
    fclose(f);
    if (rc != 0) {
        free(buf);
        return -1;
    }
    *out = buf;
    *len = (int)size;
    return 0;
}

#ifdef UNIT_OPENSSL
/* Run @p cmd (an openssl command line) in @p dir, quietly. */
static int sh(const char *dir, const char *cmd)
{
    char full[2048];
    snprintf(full, sizeof(full), "cd '%s' && " UNIT_OPENSSL " %s >/dev/null 2>&1", dir, cmd);
    int rc = system(full);
    if (rc != 0) {
        fprintf(stderr, "tls_peer: command failed (%d): %s\n", rc, full);
    }
    return rc == 0 ? 0 : -1;
}

#define NEWKEY "req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -x509 "

/* A root: NAME.crt / NAME.key. */
static int make_root(const char *dir, const char *name, const char *cn)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             NEWKEY "-keyout %s.key -out %s.crt -subj '/CN=%s'"
                    " -addext basicConstraints=critical,CA:TRUE"
                    " -addext keyUsage=critical,keyCertSign,cRLSign",
             name, name, cn);
    return sh(dir, cmd);
}

/* A leaf signed by ca.crt: NAME.crt / NAME.key. */
static int make_leaf(const char *dir, const char *name, const char *cn)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             NEWKEY "-CA ca.crt -CAkey ca.key -keyout %s.key -out %s.crt -subj '/CN=%s'"
                    " -addext basicConstraints=critical,CA:FALSE"
                    " -addext subjectAltName=DNS:localhost,IP:127.0.0.1",
             name, name, cn);
    return sh(dir, cmd);
}

/* Read @p file from @p dir and delete it. */
static int take(const char *dir, const char *file, char **out, int *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    int rc = read_all(path, out, len);
    unlink(path);
    return rc;
}

/* Load FILE (PEM) and its DER form made by `openssl TOOL`. */
static int load(const char *dir, const char *file, const char *tool, unit_blob_t *out)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "%s -in %s -outform DER -out der.tmp", tool, file);
    if (sh(dir, cmd) != 0) {
        return -1;
    }
    return take(dir, file, &out->pem, &out->pem_len) |
           take(dir, "der.tmp", &out->der, &out->der_len);
}

static int make_all(const char *dir, unit_pki_t *pki)
{
    if (make_root(dir, "ca", "unit CA") || make_root(dir, "other", "unit other CA") ||
        make_leaf(dir, "server", "localhost") || make_leaf(dir, "client", "unit client") ||
        sh(dir, "pkey -in client.key -aes256 -passout pass:" UNIT_KEY_PASSWORD " -out enc.key")) {
        return -1;
    }
    return take(dir, "enc.key", &pki->client_key_enc.pem, &pki->client_key_enc.pem_len) |
           load(dir, "ca.crt", "x509", &pki->ca) | load(dir, "other.crt", "x509", &pki->other_ca) |
           load(dir, "server.crt", "x509", &pki->server) |
           load(dir, "server.key", "pkey", &pki->server_key) |
           load(dir, "client.crt", "x509", &pki->client) |
           load(dir, "client.key", "pkey", &pki->client_key);
}

int unit_pki_make(unit_pki_t *pki)
{
    memset(pki, 0, sizeof(*pki));
    char dir[] = "/tmp/esp_transport_unit_XXXXXX";
    if (mkdtemp(dir) == NULL) {
        return -1;
    }
    int rc = make_all(dir, pki);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) {
        rc = -1;
    }
    return rc;
}
#else
int unit_pki_make(unit_pki_t *pki)
{
    memset(pki, 0, sizeof(*pki));
    return -1;
}
#endif

static void free_blob(unit_blob_t *b)
{
    free(b->pem);
    free(b->der);
}

void unit_pki_free(unit_pki_t *pki)
{
    free_blob(&pki->ca);
    free_blob(&pki->server);
    free_blob(&pki->server_key);
    free_blob(&pki->client);
    free_blob(&pki->client_key);
    free_blob(&pki->client_key_enc);
    free_blob(&pki->other_ca);
    memset(pki, 0, sizeof(*pki));
}

/* ---- server: I/O callbacks ------------------------------------------------------------------ */

static int rng(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    while (len > 0) {
        ssize_t n = getrandom(out, len, 0);
        if (n < 0 && errno != EINTR) {
            return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
        }
        if (n > 0) {
            out += n;
            len -= (size_t)n;
        }
    }
    return 0;
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    ssize_t n = send(*(int *)ctx, buf, len, MSG_NOSIGNAL);
    return n >= 0 ? (int)n : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
}

/* The socket has a receive timeout: a peer that went quiet ends the connection. */
static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    ssize_t n = recv(*(int *)ctx, buf, len, 0);
    if (n < 0) {
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? MBEDTLS_ERR_SSL_TIMEOUT
                                                         : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    }
    return (int)n;
}

/* ---- server: one connection ------------------------------------------------------------------ */

static void record_handshake(unit_tls_server_t *s, mbedtls_ssl_context *ssl)
{
    pthread_mutex_lock(&s->lock);
    unit_tls_result_t *r = &s->result;
    r->handshakes_ok++;
    r->version = (int)mbedtls_ssl_get_version_number(ssl);
    r->ciphersuite = mbedtls_ssl_get_ciphersuite_id_from_ssl(ssl);
    const char *alpn = mbedtls_ssl_get_alpn_protocol(ssl);
    snprintf(r->alpn, sizeof(r->alpn), "%s", alpn ? alpn : "");
    r->peer_cn[0] = '\0';
    const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(ssl);
    if (peer != NULL) {
        mbedtls_x509_dn_gets(r->peer_cn, sizeof(r->peer_cn), &peer->subject);
    }
    pthread_mutex_unlock(&s->lock);
}

static int write_all(mbedtls_ssl_context *ssl, const unsigned char *buf, size_t len)
{
    while (len > 0) {
        int n = mbedtls_ssl_write(ssl, buf, len);
        if (n <= 0) {
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Answer chunks until the client closes, or a command ends the connection. */
static void echo(mbedtls_ssl_context *ssl)
{
    unsigned char in[2048], out[2048 + 5];
    for (;;) {
        int n = mbedtls_ssl_read(ssl, in, sizeof(in));
        if (n <= 0) {
            return;
        }
        if (n == 5 && memcmp(in, "close", 5) == 0) {
            mbedtls_ssl_close_notify(ssl);
            return;
        }
        if (n == 4 && memcmp(in, "drop", 4) == 0) {
            return;
        }
        memcpy(out, "PONG:", 5);
        memcpy(out + 5, in, (size_t)n);
        if (write_all(ssl, out, (size_t)n + 5) != 0) {
            return;
        }
    }
}

static void serve(unit_tls_server_t *s, int fd)
{
    struct timeval tv = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    mbedtls_ssl_context ssl;
    mbedtls_ssl_init(&ssl);
    if (mbedtls_ssl_setup(&ssl, &s->conf) == 0) {
        mbedtls_ssl_set_bio(&ssl, &fd, bio_send, bio_recv, NULL);
        int rc;
        do {
            rc = mbedtls_ssl_handshake(&ssl);
        } while (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE);
        if (rc == 0) {
            record_handshake(s, &ssl);
            echo(&ssl);
        }
    }
    mbedtls_ssl_free(&ssl);
    close(fd);
}

static void *server_main(void *arg)
{
    unit_tls_server_t *s = arg;
    while (!atomic_load(&s->stop)) {
        struct pollfd p = {.fd = s->listener, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0) {
            continue;
        }
        int fd = accept(s->listener, NULL, NULL);
        if (fd < 0) {
            continue;
        }
        pthread_mutex_lock(&s->lock);
        s->result.connections++;
        pthread_mutex_unlock(&s->lock);
        serve(s, fd);
    }
    return NULL;
}

/* ---- server: setup ------------------------------------------------------------------------- */

static int listen_loopback(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(sa);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    *port = ntohs(sa.sin_port);
    return fd;
}

#if defined(MBEDTLS_SSL_TICKET_C)
static int configure_tickets(unit_tls_server_t *s)
{
    if (!s->tickets) {
        return 0;
    }
    int rc = mbedtls_ssl_ticket_setup(&s->ticket, rng, NULL, MBEDTLS_CIPHER_AES_256_GCM, 3600);
    mbedtls_ssl_conf_session_tickets_cb(&s->conf, mbedtls_ssl_ticket_write,
                                        mbedtls_ssl_ticket_parse, &s->ticket);
    return rc;
}
#else
static int configure_tickets(unit_tls_server_t *s)
{
    return s->tickets ? -1 : 0;
}
#endif

static int configure(unit_tls_server_t *s)
{
    const unit_pki_t *pki = s->pki;
    int rc = mbedtls_ssl_config_defaults(&s->conf, MBEDTLS_SSL_IS_SERVER,
                                         MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    rc |= mbedtls_x509_crt_parse(&s->crt, (const unsigned char *)pki->server.pem,
                                 (size_t)pki->server.pem_len + 1);
    rc |= mbedtls_pk_parse_key(&s->key, (const unsigned char *)pki->server_key.pem,
                               (size_t)pki->server_key.pem_len + 1, NULL, 0, rng, NULL);
    rc |= mbedtls_ssl_conf_own_cert(&s->conf, &s->crt, &s->key);
    mbedtls_ssl_conf_rng(&s->conf, rng, NULL);
    mbedtls_ssl_conf_authmode(&s->conf, MBEDTLS_SSL_VERIFY_NONE);
    if (s->require_client_cert) {
        rc |= mbedtls_x509_crt_parse(&s->ca, (const unsigned char *)pki->ca.pem,
                                     (size_t)pki->ca.pem_len + 1);
        mbedtls_ssl_conf_ca_chain(&s->conf, &s->ca, NULL);
        mbedtls_ssl_conf_authmode(&s->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    }
    if (s->tls12_only) {
        mbedtls_ssl_conf_max_tls_version(&s->conf, MBEDTLS_SSL_VERSION_TLS1_2);
    }
    if (s->alpn != NULL) {
        rc |= mbedtls_ssl_conf_alpn_protocols(&s->conf, s->alpn);
    }
    return (rc == 0 && configure_tickets(s) == 0) ? 0 : -1;
}

int unit_tls_server_start(unit_tls_server_t *s)
{
    /* this peer calls Mbed TLS itself, in the same process as esp-tls: set up esp-tls's
     * allocator (and PSA) before its first block, as a program must (src/mem/mem.h) */
    if (esp_tls_global_init() != ESP_OK) {
        return -1;
    }
    memset(&s->result, 0, sizeof(s->result));
    pthread_mutex_init(&s->lock, NULL);
    atomic_store(&s->stop, false);
    mbedtls_ssl_config_init(&s->conf);
    mbedtls_x509_crt_init(&s->crt);
    mbedtls_x509_crt_init(&s->ca);
    mbedtls_pk_init(&s->key);
#if defined(MBEDTLS_SSL_TICKET_C)
    mbedtls_ssl_ticket_init(&s->ticket);
#endif
    s->listener = -1;
    if (configure(s) != 0 || (s->listener = listen_loopback(&s->port)) < 0 ||
        pthread_create(&s->thread, NULL, server_main, s) != 0) {
        fprintf(stderr, "tls_peer: the server did not start\n");
        atomic_store(&s->stop, true);
        unit_tls_server_stop(s);
        return -1;
    }
    return 0;
}

static void free_server(unit_tls_server_t *s)
{
    if (s->listener >= 0) {
        close(s->listener);
        s->listener = -1;
    }
    mbedtls_ssl_config_free(&s->conf);
    mbedtls_x509_crt_free(&s->crt);
    mbedtls_x509_crt_free(&s->ca);
    mbedtls_pk_free(&s->key);
#if defined(MBEDTLS_SSL_TICKET_C)
    mbedtls_ssl_ticket_free(&s->ticket);
#endif
    pthread_mutex_destroy(&s->lock);
}

void unit_tls_server_stop(unit_tls_server_t *s)
{
    if (!atomic_exchange(&s->stop, true)) {
        pthread_join(s->thread, NULL);
    }
    free_server(s);
}

unit_tls_result_t unit_tls_server_result(unit_tls_server_t *s)
{
    pthread_mutex_lock(&s->lock);
    unit_tls_result_t r = s->result;
    pthread_mutex_unlock(&s->lock);
    return r;
}
