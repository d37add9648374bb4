// SPDX-License-Identifier: Apache-2.0
/*
 * esp_tls_client: an ESP-IDF-style client on esp_tls.h, used by `make demo` and by the
 * interop tests. It prints key=value lines that the tests check.
 *
 *   esp_tls_client --host H --port P [options]     or     --url https://H:P/path
 */
#define _GNU_SOURCE /* memmem */
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/backend/mbedtls/reach/reach.h" /* test-only session fields */
#include "esp_crt_bundle.h"
#include "esp_log.h"
#include "esp_tls.h"
#include "esp_tls_ext.h"

typedef struct {
    const char *host, *url, *send, *expect, *common_name;
    int port;
    esp_tls_cfg_t cfg;
    const char *alpn[4];
    char alpn_buf[128];
    char *ca, *cert, *key;
    size_t ca_len, cert_len, key_len;
    bool global_ca, no_nul, async, probe_read;
    int partial;
    long big_write;
    bool resume_without_ca; /* the second connection has only the session (no CA) */
    const char *resume_expect;
    const char *resumption_key_out; /* test only: where to write the TLS 1.3 resumption PSK */
    bool corrupt_ticket;
    size_t send_len, expect_len; /* binary with --send-hex/--expect-hex, else strlen */
    psk_hint_key_t psk;
    unsigned char psk_key[64];
} client_opts_t;

static unsigned char *read_file(const char *path, size_t *len, bool add_nul)
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
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    bool pem = strstr((char *)buf, "-----BEGIN") != NULL;
    *len = (size_t)size + ((pem && add_nul) ? 1 : 0);
    return buf;
}

/* --send-hex / --expect-hex: binary protocol messages (e.g. MQTT) given in hex, decoded in
 * place (the hex text is at least twice as long as the bytes). */
static char *hex_arg(char *hex, size_t *len)
{
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
            fprintf(stderr, "bad hex: %s\n", hex);
            exit(2);
        }
        hex[i] = (char)v;
    }
    *len = n;
    return hex;
}

/* --psk HEXKEY:IDENTITY (needs CONFIG_ESP_TLS_PSK_VERIFICATION to be used) */
static void set_psk(client_opts_t *o, char *arg)
{
    char *colon = strchr(arg, ':');
    if (!colon || colon == arg || (colon - arg) % 2 ||
        (size_t)(colon - arg) / 2 > sizeof(o->psk_key)) {
        fprintf(stderr, "--psk wants HEXKEY:IDENTITY\n");
        exit(2);
    }
    *colon = '\0';
    size_t len = 0;
    memcpy(o->psk_key, hex_arg(arg, &len), (size_t)(colon - arg) / 2);
    o->psk = (psk_hint_key_t){.key = o->psk_key, .key_size = len, .hint = colon + 1};
    o->cfg.psk_hint_key = &o->psk;
}

static void split_alpn(client_opts_t *o, const char *list)
{
    snprintf(o->alpn_buf, sizeof(o->alpn_buf), "%s", list);
    int n = 0;
    char *save_ = NULL;
    for (char *tok = strtok_r(o->alpn_buf, ",", &save_); tok && n < 3;
         tok = strtok_r(NULL, ",", &save_)) {
        o->alpn[n++] = tok;
    }
    o->alpn[n] = NULL;
    o->cfg.alpn_protos = o->alpn;
}

/* --bundle FILE / --bundle-default: verify the server with the certificate bundle
 * (esp_crt_bundle.h): FILE is set with esp_crt_bundle_set(), else the built-in bundle. */
static unsigned char *s_bundle;
static size_t s_bundle_len;
static bool s_use_bundle;

static void bundle_option(int opt, const char *file)
{
    s_use_bundle = true;
    if (opt == 'B') {
        s_bundle = read_file(file, &s_bundle_len, false);
    }
}

static void bundle_configure(esp_tls_cfg_t *cfg)
{
    if (s_bundle != NULL) {
        printf("bundle_set=%s\n", esp_err_to_name(esp_crt_bundle_set(s_bundle, s_bundle_len)));
    }
    if (s_use_bundle) {
        cfg->crt_bundle_attach = esp_crt_bundle_attach;
    }
}

static void bundle_cleanup(void)
{
    esp_crt_bundle_detach(NULL);
    free(s_bundle);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: esp_tls_client (--host H --port P | --url URL) [--ca F] [--global-ca F]\n"
            "  [--cert F --key F [--key-pass P]] [--tls12|--tls13] [--alpn a,b]\n"
            "  [--common-name N] [--skip-cn] [--timeout MS] [--no-nul] [--plain]\n"
            "  [--send TEXT] [--expect TEXT] [--debug] [--async] [--dns SERVERS]\n"
            "  [--probe-read] [--partial N] [--big-write BYTES] [--resume-expect TEXT "
            "[--corrupt-ticket] [--resumption-key-out FILE]]\n"
            "  [--psk HEXKEY:IDENTITY] [--send-hex HEX] [--expect-hex HEX]\n"
            "  [--bundle FILE | --bundle-default] [--max-record 512|1024|2048|4096]\n");
    exit(2);
}

static void parse_args(int argc, char **argv, client_opts_t *o)
{
    static const struct option opts[] = {
        {"host", 1, 0, 'h'},
        {"port", 1, 0, 'p'},
        {"url", 1, 0, 'u'},
        {"ca", 1, 0, 'c'},
        {"global-ca", 1, 0, 'g'},
        {"cert", 1, 0, 'C'},
        {"key", 1, 0, 'K'},
        {"key-pass", 1, 0, 'P'},
        {"tls12", 0, 0, '2'},
        {"tls13", 0, 0, '3'},
        {"alpn", 1, 0, 'a'},
        {"common-name", 1, 0, 'n'},
        {"skip-cn", 0, 0, 's'},
        {"timeout", 1, 0, 't'},
        {"no-nul", 0, 0, 'z'},
        {"plain", 0, 0, 'T'},
        {"send", 1, 0, 'S'},
        {"expect", 1, 0, 'e'},
        {"debug", 0, 0, 'd'},
        {"async", 0, 0, 'A'},
        {"dns", 1, 0, 'D'},
        {"probe-read", 0, 0, 'R'},
        {"partial", 1, 0, 'N'},
        {"big-write", 1, 0, 'W'},
        {"resume-expect", 1, 0, 'r'},
        {"psk", 1, 0, 'K' + 256},
        {"corrupt-ticket", 0, 0, 'X' + 256},
        {"resume-without-ca", 0, 0, 'W' + 256},
        {"resumption-key-out", 1, 0, 'O' + 256},
        {"send-hex", 1, 0, 'H' + 256},
        {"expect-hex", 1, 0, 'E' + 256},
        {"bundle", 1, 0, 'B'},
        {"bundle-default", 0, 0, 'U'},
        {"max-record", 1, 0, 'M' + 256},
        {0, 0, 0, 0},
    };
    const char *ca = NULL, *cert = NULL, *key = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'h': o->host = optarg; break;
        case 'p': o->port = (int)strtol(optarg, NULL, 10); break;
        case 'u': o->url = optarg; break;
        case 'c': ca = optarg; break;
        case 'g':
            ca = optarg;
            o->global_ca = true;
            break;
        case 'C': cert = optarg; break;
        case 'K': key = optarg; break;
        case 'P':
            o->cfg.clientkey_password = (const unsigned char *)optarg;
            o->cfg.clientkey_password_len = (unsigned)strlen(optarg);
            break;
        case '2': o->cfg.tls_version = ESP_TLS_VER_TLS_1_2; break;
        case '3': o->cfg.tls_version = ESP_TLS_VER_TLS_1_3; break;
        case 'a': split_alpn(o, optarg); break;
        case 'n': o->cfg.common_name = optarg; break;
        case 's': o->cfg.skip_common_name = true; break;
        case 't': o->cfg.timeout_ms = (int)strtol(optarg, NULL, 10); break;
        case 'z': o->no_nul = true; break;
        case 'T': o->cfg.is_plain_tcp = true; break;
        case 'S': o->send = optarg; break;
        case 'e': o->expect = optarg; break;
        case 'H' + 256: o->send = hex_arg(optarg, &o->send_len); break;
        case 'E' + 256: o->expect = hex_arg(optarg, &o->expect_len); break;
        case 'd': esp_log_level_set("*", ESP_LOG_DEBUG); break;
        case 'D':
            if (esp_tls_set_dns_servers(optarg) != ESP_OK) {
                exit(2);
            }
            break;
        case 'R': o->probe_read = true; break;
        case 'N': o->partial = (int)strtol(optarg, NULL, 10); break;
        case 'W': o->big_write = strtol(optarg, NULL, 10); break;
        case 'r': o->resume_expect = optarg; break;
        case 'K' + 256: set_psk(o, optarg); break;
        case 'X' + 256: o->corrupt_ticket = true; break;
        case 'W' + 256: o->resume_without_ca = true; break;
        case 'O' + 256: o->resumption_key_out = optarg; break;
        case 'M' + 256: o->cfg.peer_record_size = (uint16_t)strtol(optarg, NULL, 10); break;
        case 'A':
            o->async = true;
            o->cfg.non_block = true;
            break;
        case 'B':
        case 'U': bundle_option(c, optarg); break;
        default: usage();
        }
    }
    if (!o->url && !o->host) {
        usage();
    }
    if (ca) {
        o->ca = (char *)read_file(ca, &o->ca_len, !o->no_nul);
    }
    if (cert) {
        o->cert = (char *)read_file(cert, &o->cert_len, !o->no_nul);
    }
    if (key) {
        o->key = (char *)read_file(key, &o->key_len, !o->no_nul);
    }
}

static int configure(client_opts_t *o)
{
    if (o->ca && o->global_ca) {
        esp_err_t rc = esp_tls_set_global_ca_store((unsigned char *)o->ca, (unsigned)o->ca_len);
        printf("global_ca_store=%s\n", esp_err_to_name(rc));
        o->cfg.use_global_ca_store = true;
    } else if (o->ca) {
        o->cfg.cacert_buf = (unsigned char *)o->ca;
        o->cfg.cacert_bytes = (unsigned)o->ca_len;
    }
    o->cfg.clientcert_buf = (unsigned char *)o->cert;
    o->cfg.clientcert_bytes = (unsigned)o->cert_len;
    o->cfg.clientkey_buf = (unsigned char *)o->key;
    o->cfg.clientkey_bytes = (unsigned)o->key_len;
    return 0;
}

static void print_errors(esp_tls_t *tls)
{
    esp_tls_error_handle_t h = NULL;
    int sys = 0, code = 0, flags = 0;
    esp_tls_get_error_handle(tls, &h);
    esp_tls_explanation_t ex;
    if (h != NULL && h->last_error != ESP_OK && esp_tls_explain(h, &ex) == ESP_OK) {
        printf("explain_cause=%s\nexplain_fix=%s\n", ex.cause, ex.fix);
    }
    esp_tls_get_and_clear_error_type(h, ESP_TLS_ERR_TYPE_SYSTEM, &sys);
    esp_err_t last = esp_tls_get_and_clear_last_error(h, &code, &flags);
    printf("last_error=0x%x (%s)\ntls_code=0x%x\ntls_flags=0x%x\nerrno=%d\n", (unsigned)last,
           esp_err_to_name(last), (unsigned)code, (unsigned)flags, sys);
}

static void print_session(esp_tls_t *tls)
{
    mbedtls_ssl_context *ssl = esp_tls_get_ssl_context(tls);
    if (!ssl) {
        printf("version=plain-tcp\n");
        return;
    }
    const char *alpn = mbedtls_ssl_get_alpn_protocol(ssl);
    printf("session_resumed=%d\n", esp_tls_session_resumed(tls));
    printf("version=%s\nciphersuite=%s\nalpn=%s\n", mbedtls_ssl_get_version(ssl),
           mbedtls_ssl_get_ciphersuite(ssl), alpn ? alpn : "none");
    esp_tls_conn_info_t info;
    if (esp_tls_get_conn_info(tls, &info) == ESP_OK) {
        printf("peer_record_limit=%zu\n", info.peer_record_limit);
    }
    const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(ssl);
    for (int depth = 0; peer; peer = peer->next, depth++) {
        char name[256];
        mbedtls_x509_dn_gets(name, sizeof(name), &peer->subject);
        printf("peer_cert[%d]=%s\n", depth, name);
    }
}

/* With non_block, reads return WANT_READ: wait for the socket, but drain buffered bytes first. */
static ssize_t read_some(esp_tls_t *tls, char *buf, size_t len)
{
    for (;;) {
        ssize_t n = esp_tls_conn_read(tls, buf, len);
        if (n != ESP_TLS_ERR_SSL_WANT_READ && n != ESP_TLS_ERR_SSL_WANT_WRITE) {
            return n;
        }
        struct pollfd p = {.fd = -1};
        esp_tls_get_poll_target(tls, &p.fd, &p.events);
        if (poll(&p, 1, 5000) <= 0) {
            return n;
        }
    }
}

/* Send o->send and read until o->expect is seen or the peer closes. */
static int exchange(client_opts_t *o, esp_tls_t *tls)
{
    if (o->send) {
        ssize_t n = esp_tls_conn_write(tls, o->send, o->send_len ? o->send_len : strlen(o->send));
        printf("written=%zd\n", n);
        if (n < 0) {
            return 1;
        }
    }
    if (!o->expect) {
        return 0;
    }
    /* A window over the reply: when it is full, keep its tail, so that the text is found
     * wherever it is in a long reply. */
    char buf[4096];
    size_t want = o->expect_len ? o->expect_len : strlen(o->expect);
    size_t used = 0, keep = want < sizeof(buf) / 2 ? want : 0;
    for (;;) {
        if (used == sizeof(buf) - 1) {
            memmove(buf, buf + used - keep, keep);
            used = keep;
        }
        ssize_t n = read_some(tls, buf + used, sizeof(buf) - 1 - used);
        if (n <= 0) {
            static const char *const kinds[] = {"none", "notify", "eof"};
            printf("read_result=%zd\nclose_kind=%s\n", n, kinds[esp_tls_get_close_kind(tls)]);
            break;
        }
        used += (size_t)n;
        buf[used] = '\0';
        if (memmem(buf, used, o->expect, want) != NULL) {
            printf("expect=found\n");
            return 0;
        }
    }
    printf("expect=missing\n");
    return 1;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* esp_tls_conn_new_async() driven by poll() on what the connection waits for; prints how
 * many calls it took and the longest single call (no call may block the loop). */
static int connect_async(client_opts_t *o, esp_tls_t *tls)
{
    int rc, calls = 0;
    int64_t start = now_ms(), longest = 0;
    for (;;) {
        int64_t t0 = now_ms();
        rc = o->url ? esp_tls_conn_http_new_async(o->url, &o->cfg, tls)
                    : esp_tls_conn_new_async(o->host, (int)strlen(o->host), o->port, &o->cfg, tls);
        int64_t took = now_ms() - t0;
        longest = took > longest ? took : longest;
        calls++;
        if (rc != 0) {
            break;
        }
        struct pollfd p = {.fd = -1};
        esp_tls_get_poll_target(tls, &p.fd, &p.events);
        poll(&p, p.fd >= 0 ? 1 : 0, esp_tls_get_poll_timeout(tls));
    }
    printf("async_calls=%d\nasync_max_call_ms=%lld\nasync_total_ms=%lld\n", calls,
           (long long)longest, (long long)(now_ms() - start));
    return rc;
}

/* One large write to a peer that does not read: with non_block it returns what fit (a partial
 * write), and the next write returns ESP_TLS_ERR_SSL_WANT_WRITE. */
static void big_write(esp_tls_t *tls, long len)
{
    char *buf = calloc(1, (size_t)len);
    if (buf == NULL) {
        return;
    }
    int64_t t0 = now_ms();
    ssize_t first = esp_tls_conn_write(tls, buf, (size_t)len);
    ssize_t second = esp_tls_conn_write(tls, buf, (size_t)len);
    printf("big_write=%zd\nbig_write_again=%zd\nbig_write_ms=%lld\n", first, second,
           (long long)(now_ms() - t0));
    free(buf);
}

/* One read before anything was sent: with non_block it must come back at once. */
static void probe_read(esp_tls_t *tls)
{
    char buf[16];
    int64_t t0 = now_ms();
    ssize_t n = esp_tls_conn_read(tls, buf, sizeof(buf));
    printf("probe_read=%zd\nprobe_read_ms=%lld\n", n, (long long)(now_ms() - t0));
}

/* Read a few bytes of a longer record: the rest stays decrypted inside the library while
 * the socket has nothing more to read. */
static void partial_read(esp_tls_t *tls, int want)
{
    char buf[64];
    ssize_t n = read_some(tls, buf, (size_t)want < sizeof(buf) ? (size_t)want : sizeof(buf));
    int fd = -1;
    esp_tls_get_conn_sockfd(tls, &fd);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    printf("partial_read=%zd\nbytes_avail=%zd\nsocket_readable=%d\n", n,
           esp_tls_get_bytes_avail(tls), poll(&p, 1, 0) > 0 && (p.revents & POLLIN));
}

#if CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS
/* Test only (tests/interop/debug_log.sh): the TLS 1.3 resumption PSK of the saved session, in
 * hex, so that a test can check that no log holds it (a private field of Mbed TLS). */
static void write_resumption_key(const char *path, const mbedtls_ssl_session *s)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        return;
    }
    size_t len = 0;
    const unsigned char *key = esp_tls_reach_session_psk(s, &len);
    for (size_t i = 0; i < len; i++) {
        fprintf(f, "%02x", key[i]);
    }
    fprintf(f, "\n");
    fclose(f);
}

/* Open a second connection with the session saved from the first (which is closed by now:
 * s_server serves one connection at a time) and run the exchange again, expecting
 * o->resume_expect (e.g. s_server's "Reused"). */
static int resume(client_opts_t *o, esp_tls_client_session_t *session)
{
    printf("session_saved=%d\n", session != NULL);
    if (session != NULL && o->corrupt_ticket) {
        /* test only: damage the ticket the server will be shown (a private field) */
        mbedtls_ssl_session *s = &session->saved_session;
        size_t len = 0;
        unsigned char *ticket = esp_tls_reach_session_ticket(s, &len);
        if (ticket != NULL && len > 8) {
            ticket[len / 2] ^= 0x5a;
            printf("ticket_corrupted=1\n");
        }
    }
    if (session != NULL && o->resumption_key_out) {
        write_resumption_key(o->resumption_key_out, &session->saved_session);
    }
    esp_tls_t *again = esp_tls_init();
    o->cfg.client_session = session;
    if (o->resume_without_ca) {
        o->cfg.cacert_buf = NULL;
        o->cfg.cacert_bytes = 0;
    }
    o->expect = o->resume_expect;
    o->expect_len = 0;
    int rc = esp_tls_conn_new_sync(o->host, (int)strlen(o->host), o->port, &o->cfg, again);
    printf("resumed_result=%d\nsecond_resumed=%d\n", rc, esp_tls_session_resumed(again));
    if (rc != 1) {
        esp_tls_error_handle_t h = NULL;
        esp_tls_get_error_handle(again, &h);
        printf("resumed_last_error=0x%x\n",
               (unsigned)esp_tls_get_and_clear_last_error(h, NULL, NULL));
    }
    int status = rc == 1 ? exchange(o, again) : 1;
    esp_tls_conn_destroy(again);
    esp_tls_free_client_session(session);
    o->cfg.client_session = NULL;
    return status;
}
#endif

int main(int argc, char **argv)
{
    client_opts_t o = {0};
    parse_args(argc, argv, &o);
    configure(&o);
    bundle_configure(&o.cfg);
    esp_tls_reset_mem_peak();
    esp_tls_t *tls = esp_tls_init();
    if (!tls) {
        return 1;
    }
    int rc = o.async ? connect_async(&o, tls)
             : o.url ? esp_tls_conn_http_new_sync(o.url, &o.cfg, tls)
                     : esp_tls_conn_new_sync(o.host, (int)strlen(o.host), o.port, &o.cfg, tls);
    printf("result=%d\n", rc);
    int status = 1;
    if (rc == 1) {
        print_session(tls);
        if (o.probe_read) {
            probe_read(tls);
        }
        if (o.big_write > 0) {
            big_write(tls, o.big_write);
        }
        if (o.partial > 0) {
            partial_read(tls, o.partial);
        }
        status = exchange(&o, tls);
    }
    esp_tls_mem_stats_t mem;
    esp_tls_get_mem_stats(&mem);
    printf("heap_peak=%zu\nheap_in_use=%zu\nheap_allocations=%zu\n", mem.peak_bytes,
           mem.current_bytes, mem.allocations);
    print_errors(tls);
#if CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS
    /* taken after the first response: a TLS 1.3 ticket arrives after the handshake */
    esp_tls_client_session_t *session =
        (o.resume_expect && status == 0) ? esp_tls_get_client_session(tls) : NULL;
    esp_tls_conn_destroy(tls);
    if (o.resume_expect && status == 0) {
        status = resume(&o, session);
    }
#else
    esp_tls_conn_destroy(tls);
#endif
    if (o.global_ca) {
        esp_tls_free_global_ca_store();
    }
    free(o.ca);
    free(o.cert);
    free(o.key);
    bundle_cleanup();
    return status;
}
