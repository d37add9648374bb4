// SPDX-License-Identifier: Apache-2.0
/*
 * https_server: a small HTTPS server on the ESP-TLS server API. One thread, one accept loop,
 * several clients at once: each accepted socket is made non-blocking and its handshake is
 * driven by esp_tls_server_session_init() + esp_tls_server_session_continue_async() from the
 * same poll() loop. Mutual TLS is optional (--ca). It answers every request with a short
 * HTTP/1.0 page and prints one key=value line per finished session.
 *
 *   https_server --port P --cert F --key F [--ca F [--optional]] [--tls12|--tls13]
 *                [--alpn a,b] [--tickets] [--timeout MS] [--max N] [--blocking]
 *                [--sni NAME:CERT:KEY ...] [--ciphersuites NAME,NAME] [--psk HEXKEY:ID]
 *
 * --sni (CONFIG_ESP_TLS_SERVER_CERT_SELECT_HOOK): a cert_select_cb picks the certificate by the
 * server name of the ClientHello; --cert/--key (optional with --sni) is the fallback. It finds
 * its table through cfg.userdata and prints "sni=NAME cert=CHOSEN" before the session line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "esp_log.h"
#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "mbedtls/error.h"
#include "psa/crypto.h"

#define MAX_CLIENTS 64
#define MAX_SNI 8
#define MAX_SUITES 16

typedef struct {
    esp_tls_t *tls;
    int fd;
    int64_t start, deadline;
    short events; /* what the handshake waits for: POLLIN, or POLLOUT after WANT_WRITE */
    bool handshaken, answered;
} client_t;

/* --sni: certificates chosen by the cert_select_cb, parsed once, freed at exit */
typedef struct {
    char name[256];
    mbedtls_x509_crt crt;
    mbedtls_pk_context key;
} sni_entry_t;

typedef struct {
    int count;
    bool fallback; /* --cert/--key given */
    sni_entry_t entry[MAX_SNI];
} sni_table_t;

typedef struct {
    int port, max_sessions, timeout_ms;
    bool blocking;
    esp_tls_cfg_server_t cfg;
    const char *alpn[4];
    char alpn_buf[128];
    int suites[MAX_SUITES + 1];
    sni_table_t sni;
} server_opts_t;

static int s_sessions;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned char *load(const char *path, unsigned int *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = calloc(1, (size_t)size + 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        exit(2);
    }
    fclose(f);
    *len = (unsigned)size + (strstr((char *)buf, "-----BEGIN") ? 1 : 0);
    return buf;
}

static void split_alpn(server_opts_t *o, const char *list)
{
    int n = 0;
    snprintf(o->alpn_buf, sizeof(o->alpn_buf), "%s", list);
    char *save_ = NULL;
    for (char *t = strtok_r(o->alpn_buf, ",", &save_); t && n < 3;
         t = strtok_r(NULL, ",", &save_)) {
        o->alpn[n++] = t;
    }
    o->cfg.alpn_protos = o->alpn;
}

/* --ciphersuites A,B: Mbed TLS names (TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256, TLS1-3-...) */
static void split_suites(server_opts_t *o, char *list)
{
    int n = 0;
    char *save_ = NULL;
    for (char *t = strtok_r(list, ",", &save_); t && n < MAX_SUITES;
         t = strtok_r(NULL, ",", &save_)) {
        o->suites[n] = mbedtls_ssl_get_ciphersuite_id(t);
        if (o->suites[n++] == 0) {
            fprintf(stderr, "unknown ciphersuite %s\n", t);
            exit(2);
        }
    }
    o->suites[n] = 0;
    o->cfg.ciphersuites_list = o->suites;
}

#if CONFIG_ESP_TLS_SERVER_CERT_SELECT_HOOK
static int rng(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    return getrandom(out, len, 0) == (ssize_t)len ? 0 : MBEDTLS_ERR_ERROR_GENERIC_ERROR;
}

static void sni_parse(sni_entry_t *e, const char *cert, const char *key)
{
    unsigned int clen, klen;
    unsigned char *cbuf = load(cert, &clen), *kbuf = load(key, &klen);
    mbedtls_x509_crt_init(&e->crt);
    mbedtls_pk_init(&e->key);
    int rc = mbedtls_x509_crt_parse(&e->crt, cbuf, clen);
    if (rc == 0) {
        rc = mbedtls_pk_parse_key(&e->key, kbuf, klen, NULL, 0, rng, NULL);
    }
    free(cbuf);
    free(kbuf);
    if (rc != 0) {
        fprintf(stderr, "--sni %s: cannot parse %s / %s: -0x%x\n", e->name, cert, key,
                (unsigned)-rc);
        exit(2);
    }
}

/* --sni NAME:CERT:KEY */
static void sni_add(server_opts_t *o, char *arg)
{
    char *cert = strchr(arg, ':'), *key = strrchr(arg, ':');
    if (o->sni.count == MAX_SNI || cert == NULL || key == cert) {
        fprintf(stderr, "--sni NAME:CERT:KEY (at most %d)\n", MAX_SNI);
        exit(2);
    }
    /* before this program's own Mbed TLS calls: esp-tls's allocator and PSA (Mbed TLS 3.6
     * parses EC keys with PSA) */
    if (o->sni.count == 0 && esp_tls_global_init() != ESP_OK) {
        exit(2);
    }
    *cert++ = *key++ = '\0';
    sni_entry_t *e = &o->sni.entry[o->sni.count++];
    snprintf(e->name, sizeof(e->name), "%s", arg);
    sni_parse(e, cert, key);
}

static void sni_free(sni_table_t *t)
{
    for (int i = 0; i < t->count; i++) {
        mbedtls_x509_crt_free(&t->entry[i].crt);
        mbedtls_pk_free(&t->entry[i].key);
    }
    if (t->count > 0) {
        mbedtls_psa_crypto_free();
    }
}

static sni_entry_t *sni_find(sni_table_t *t, const unsigned char *name, size_t len)
{
    for (int i = 0; name != NULL && i < t->count; i++) {
        const char *n = t->entry[i].name;
        if (strlen(n) == len && strncasecmp(n, (const char *)name, len) == 0) {
            return &t->entry[i];
        }
    }
    return NULL;
}

/* cert_select_cb: runs once the ClientHello is parsed; the table comes from cfg.userdata.
 * Without a match the configuration's certificate (--cert) is used, if there is one. */
static int cert_select(mbedtls_ssl_context *ssl)
{
    mbedtls_ssl_config *conf = (mbedtls_ssl_config *)mbedtls_ssl_context_get_config(ssl);
    sni_table_t *t = mbedtls_ssl_conf_get_user_data_p(conf);
    if (t == NULL) {
        printf("sni=? cert=none userdata=missing\n");
        return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    size_t len = 0;
    const unsigned char *name = mbedtls_ssl_get_hs_sni(ssl, &len);
    char sni[256] = "none";
    if (name != NULL) {
        snprintf(sni, sizeof(sni), "%.*s", (int)len, (const char *)name);
    }
    sni_entry_t *e = sni_find(t, name, len);
    if (e == NULL) {
        printf("sni=%s cert=%s\n", sni, t->fallback ? "default" : "none");
        return 0;
    }
    printf("sni=%s cert=%s\n", sni, e->name);
    return mbedtls_ssl_set_hs_own_cert(ssl, &e->crt, &e->key);
}

static void use_sni(server_opts_t *o)
{
    if (o->sni.count > 0) {
        o->cfg.cert_select_cb = cert_select;
        o->cfg.userdata = &o->sni;
        o->sni.fallback = o->cfg.servercert_buf != NULL;
    }
}
#else
static void sni_add(server_opts_t *o, char *arg)
{
    (void)o;
    (void)arg;
    fprintf(stderr, "--sni needs CONFIG_ESP_TLS_SERVER_CERT_SELECT_HOOK\n");
    exit(2);
}

static void sni_free(sni_table_t *t)
{
    (void)t;
}

static void use_sni(server_opts_t *o)
{
    (void)o;
}
#endif

static void optional_auth(server_opts_t *o)
{
#if CONFIG_ESP_TLS_SERVER_MIN_AUTH_MODE_OPTIONAL
    o->cfg.client_cert_authmode_optional = true;
#else
    (void)o;
    fprintf(stderr, "--optional needs CONFIG_ESP_TLS_SERVER_MIN_AUTH_MODE_OPTIONAL\n");
    exit(2);
#endif
}

static void tickets(server_opts_t *o)
{
    esp_err_t rc = esp_tls_cfg_server_session_tickets_init(&o->cfg);
    if (rc != ESP_OK) {
        fprintf(stderr, "--tickets: %s\n", esp_err_to_name(rc));
        exit(2);
    }
}

/* --psk HEXKEY:IDENTITY: a PSK server (CONFIG_ESP_TLS_PSK_VERIFICATION), no certificate needed */
static void psk(server_opts_t *o, const char *arg)
{
#if CONFIG_ESP_TLS_PSK_VERIFICATION
    static unsigned char key[64];
    static psk_hint_key_t hint;
    const char *colon = strchr(arg, ':');
    size_t hex = colon ? (size_t)(colon - arg) : 0;
    if (hex == 0 || hex % 2 || hex / 2 > sizeof(key)) {
        fprintf(stderr, "--psk wants HEXKEY:IDENTITY\n");
        exit(2);
    }
    for (size_t i = 0; i < hex / 2; i++) {
        unsigned v = 0;
        sscanf(arg + 2 * i, "%2x", &v);
        key[i] = (unsigned char)v;
    }
    hint = (psk_hint_key_t){.key = key, .key_size = hex / 2, .hint = colon + 1};
    o->cfg.psk_hint_key = &hint;
#else
    (void)o;
    (void)arg;
    fprintf(stderr, "--psk needs CONFIG_ESP_TLS_PSK_VERIFICATION\n");
    exit(2);
#endif
}

static void parse(int argc, char **argv, server_opts_t *o)
{
    static const struct option opts[] = {
        {"port", 1, 0, 'p'},    {"cert", 1, 0, 'c'},         {"key", 1, 0, 'k'},
        {"ca", 1, 0, 'a'},      {"optional", 0, 0, 'o'},     {"tls12", 0, 0, '2'},
        {"tls13", 0, 0, '3'},   {"alpn", 1, 0, 'A'},         {"tickets", 0, 0, 't'},
        {"timeout", 1, 0, 'T'}, {"max", 1, 0, 'm'},          {"blocking", 0, 0, 'b'},
        {"sni", 1, 0, 's'},     {"ciphersuites", 1, 0, 'C'}, {"psk", 1, 0, 'K'},
        {0, 0, 0, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'p': o->port = (int)strtol(optarg, NULL, 10); break;
        case 'c': o->cfg.servercert_buf = load(optarg, &o->cfg.servercert_bytes); break;
        case 'k': o->cfg.serverkey_buf = load(optarg, &o->cfg.serverkey_bytes); break;
        case 'a': o->cfg.cacert_buf = load(optarg, &o->cfg.cacert_bytes); break;
        case 'o': optional_auth(o); break;
        case '2': o->cfg.tls_version = ESP_TLS_VER_TLS_1_2; break;
        case '3': o->cfg.tls_version = ESP_TLS_VER_TLS_1_3; break;
        case 'A': split_alpn(o, optarg); break;
        case 't': tickets(o); break;
        case 'T': o->timeout_ms = (int)strtol(optarg, NULL, 10); break;
        case 'm': o->max_sessions = (int)strtol(optarg, NULL, 10); break;
        case 'b': o->blocking = true; break;
        case 'K': psk(o, optarg); break;
        case 's': sni_add(o, optarg); break;
        case 'C': split_suites(o, optarg); break;
        default: exit(2);
        }
    }
    o->cfg.tls_handshake_timeout_ms = (uint32_t)o->timeout_ms;
    use_sni(o);
}

static int listen_on(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(sa);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 64) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        perror("listen");
        exit(1);
    }
    printf("listening=%d\n", ntohs(sa.sin_port));
    fflush(stdout);
    return fd;
}

/* One line per finished session: what was negotiated, or why it failed. */
static void report(esp_tls_t *tls, int rc)
{
    esp_tls_error_handle_t h = NULL;
    int code = 0, flags = 0;
    esp_tls_get_error_handle(tls, &h);
    esp_err_t last = esp_tls_get_and_clear_last_error(h, &code, &flags);
    mbedtls_ssl_context *ssl = esp_tls_get_ssl_context(tls);
    const char *alpn = ssl ? mbedtls_ssl_get_alpn_protocol(ssl) : NULL;
    const mbedtls_x509_crt *peer = ssl ? mbedtls_ssl_get_peer_cert(ssl) : NULL;
    char cn[128] = "none";
    if (peer) {
        mbedtls_x509_dn_gets(cn, sizeof(cn), &peer->subject);
    }
    printf("session=%d result=%d version=%s alpn=%s client_cert=\"%s\" verify=0x%x "
           "last_error=0x%x tls_code=0x%x tls_flags=0x%x\n",
           ++s_sessions, rc, ssl && rc == 0 ? mbedtls_ssl_get_version(ssl) : "none",
           alpn ? alpn : "none", cn, ssl ? (unsigned)mbedtls_ssl_get_verify_result(ssl) : 0,
           (unsigned)last, (unsigned)code, (unsigned)flags);
    fflush(stdout);
}

static void answer(client_t *c)
{
    char buf[2048];
    ssize_t n = esp_tls_conn_read(c->tls, buf, sizeof(buf));
    if (n == ESP_TLS_ERR_SSL_WANT_READ || n == ESP_TLS_ERR_SSL_WANT_WRITE) {
        return;
    }
    if (n > 0) {
        static const char page[] = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                                   "Content-Length: 20\r\n\r\nhello from esp-tls\r\n";
        esp_tls_conn_write(c->tls, page, sizeof(page) - 1);
        /* esp-tls (like ESP-IDF) closes without close_notify: send one for a clean end */
        mbedtls_ssl_close_notify(esp_tls_get_ssl_context(c->tls));
    }
    c->answered = true;
}

static void finish(client_t *c)
{
    esp_tls_conn_destroy(c->tls); /* closes the socket */
    c->tls = NULL;
}

/* The handshake ended (rc 0), failed, or ran out of time: one line; a failed session ends. */
static void end_handshake(client_t *c, int rc)
{
    printf("handshake_ms=%lld\n", (long long)(now_ms() - c->start));
    report(c->tls, rc);
    c->handshaken = rc == 0;
    if (rc != 0) {
        finish(c);
    }
}

/* Advance one client: handshake step, or read the request and answer. */
static void serve(client_t *c)
{
    /* not esp_tls_get_conn_state(): ESP-IDF does not set ESP_TLS_DONE for server sessions */
    if (!c->handshaken) {
        int rc = esp_tls_server_session_continue_async(c->tls);
        c->events = rc == ESP_TLS_ERR_SSL_WANT_WRITE ? POLLOUT : POLLIN;
        if (rc != ESP_TLS_ERR_SSL_WANT_READ && rc != ESP_TLS_ERR_SSL_WANT_WRITE) {
            end_handshake(c, rc);
        } else if (now_ms() > c->deadline) {
            end_handshake(c, ESP_ERR_ESP_TLS_SERVER_HANDSHAKE_TIMEOUT);
        }
        return;
    }
    answer(c);
    if (c->answered) {
        finish(c);
    }
}

static void accept_one(server_opts_t *o, int lfd, client_t *clients)
{
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) {
        return;
    }
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (clients[i].tls == NULL) {
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
            int64_t now = now_ms();
            clients[i] = (client_t){.tls = esp_tls_init(),
                                    .fd = fd,
                                    .start = now,
                                    .events = POLLIN,
                                    .deadline = now + (o->timeout_ms ? o->timeout_ms : 10000)};
            if (esp_tls_server_session_init(&o->cfg, fd, clients[i].tls) != ESP_OK) {
                report(clients[i].tls, ESP_FAIL);
                finish(&clients[i]);
            }
            return;
        }
    }
    close(fd); /* full */
}

static bool any_active(const client_t *clients)
{
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (clients[i].tls) {
            return true;
        }
    }
    return false;
}

static void run_async(server_opts_t *o, int lfd)
{
    static client_t clients[MAX_CLIENTS];
    /* --max N: stop after N sessions, once the clients still connected are served */
    while (o->max_sessions == 0 || s_sessions < o->max_sessions || any_active(clients)) {
        struct pollfd p[MAX_CLIENTS + 1] = {{.fd = lfd, .events = POLLIN}};
        for (int i = 0; i < MAX_CLIENTS; i++) {
            p[i + 1] = (struct pollfd){.fd = clients[i].tls ? clients[i].fd : -1,
                                       .events = clients[i].events};
        }
        poll(p, MAX_CLIENTS + 1, 50);
        if (p[0].revents & POLLIN) {
            accept_one(o, lfd, clients);
        }
        for (int i = 0; i < MAX_CLIENTS; i++) {
            if (clients[i].tls) {
                serve(&clients[i]);
            }
        }
    }
}

/* --blocking: one client at a time with esp_tls_server_session_create() on a blocking socket. */
static void run_blocking(server_opts_t *o, int lfd)
{
    while (o->max_sessions == 0 || s_sessions < o->max_sessions) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            continue;
        }
        client_t c = {.tls = esp_tls_init(), .fd = fd};
        int64_t t0 = now_ms();
        int rc = esp_tls_server_session_create(&o->cfg, fd, c.tls);
        printf("create_ms=%lld\n", (long long)(now_ms() - t0));
        report(c.tls, rc);
        if (rc == 0) {
            answer(&c);
        }
        esp_tls_server_session_delete(c.tls); /* the socket is ours */
        close(fd);
    }
}

int main(int argc, char **argv)
{
    server_opts_t o = {0};
    setvbuf(stdout, NULL, _IOLBF, 0);
    parse(argc, argv, &o);
    int lfd = listen_on(o.port);
    if (o.blocking) {
        run_blocking(&o, lfd);
    } else {
        run_async(&o, lfd);
    }
    close(lfd);
    esp_tls_cfg_server_session_tickets_free(&o.cfg);
    free((void *)o.cfg.servercert_buf);
    free((void *)o.cfg.serverkey_buf);
    free((void *)o.cfg.cacert_buf);
    sni_free(&o.sni);
    return 0;
}
