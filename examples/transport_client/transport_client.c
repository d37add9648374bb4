// SPDX-License-Identifier: Apache-2.0
/*
 * transport_client: an ESP-IDF-style client on esp_transport (tcp or ssl transport), used by
 * the interop tests. It prints key=value lines that the tests check:
 *   result=      esp_transport_connect() (0/-1) or the last esp_transport_connect_async() (1/-1)
 *   written=     esp_transport_write()'s result      read_result=  the read that ended the loop
 *   expect=      found / missing                      last_error=, tls_code=, tls_flags=, errno=
 *
 *   transport_client --host H --port P [--tcp|--ssl] [options]
 */
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_log.h"
#include "esp_tls.h"
#include "esp_transport.h"
#include "esp_transport_ssl.h"
#include "esp_transport_tcp.h"

typedef struct {
    const char *data; /* NUL-terminated file contents */
    int len;          /* file size (without the NUL) */
    bool pem;
} blob_t;

typedef struct {
    const char *host, *send, *expect, *common_name, *key_pass;
    int port, timeout_ms;
    bool tcp, async, skip_cn, global_ca;
    esp_tls_proto_ver_t version;
    const char *alpn[4];
    char alpn_buf[128];
    blob_t ca, cert, key;
} client_opts_t;

static blob_t read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    long size = ftell(f);
    rewind(f);
    char *buf = calloc(1, (size_t)size + 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    return (blob_t){.data = buf, .len = (int)size, .pem = strstr(buf, "-----BEGIN") != NULL};
}

/* "a,b,c" into o->alpn (at most 3 names, NULL-terminated). */
static void split_alpn(client_opts_t *o, const char *list)
{
    snprintf(o->alpn_buf, sizeof(o->alpn_buf), "%s", list);
    int n = 0;
    for (char *name = o->alpn_buf; name && *name && n < 3; n++) {
        o->alpn[n] = name;
        name = strchr(name, ',');
        if (name) {
            *name++ = '\0';
        }
    }
    o->alpn[n] = NULL;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: transport_client --host H --port P [--tcp|--ssl] [--async] [--timeout MS]\n"
            "  [--ca F | --global-ca F] [--cert F --key F [--key-pass P]] [--tls12|--tls13]\n"
            "  [--alpn a,b] [--common-name N] [--skip-cn] [--send TEXT] [--expect TEXT]\n"
            "  [--debug]      (certificates and keys: PEM or DER, told apart by content)\n");
    exit(2);
}

static void parse_args(int argc, char **argv, client_opts_t *o)
{
    static const struct option opts[] = {
        {"host", 1, 0, 'h'},        {"port", 1, 0, 'p'},
        {"tcp", 0, 0, 'T'},         {"ssl", 0, 0, 'L'},
        {"async", 0, 0, 'A'},       {"timeout", 1, 0, 't'},
        {"ca", 1, 0, 'c'},          {"global-ca", 1, 0, 'g'},
        {"cert", 1, 0, 'C'},        {"key", 1, 0, 'K'},
        {"key-pass", 1, 0, 'P'},    {"tls12", 0, 0, '2'},
        {"tls13", 0, 0, '3'},       {"alpn", 1, 0, 'a'},
        {"common-name", 1, 0, 'n'}, {"skip-cn", 0, 0, 's'},
        {"send", 1, 0, 'S'},        {"expect", 1, 0, 'e'},
        {"debug", 0, 0, 'd'},       {0, 0, 0, 0},
    };
    int c;
    o->timeout_ms = 5000;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'h': o->host = optarg; break;
        case 'p': o->port = (int)strtol(optarg, NULL, 10); break;
        case 'T': o->tcp = true; break;
        case 'L': o->tcp = false; break;
        case 'A': o->async = true; break;
        case 't': o->timeout_ms = (int)strtol(optarg, NULL, 10); break;
        case 'c': o->ca = read_file(optarg); break;
        case 'g':
            o->ca = read_file(optarg);
            o->global_ca = true;
            break;
        case 'C': o->cert = read_file(optarg); break;
        case 'K': o->key = read_file(optarg); break;
        case 'P': o->key_pass = optarg; break;
        case '2': o->version = ESP_TLS_VER_TLS_1_2; break;
        case '3': o->version = ESP_TLS_VER_TLS_1_3; break;
        case 'a': split_alpn(o, optarg); break;
        case 'n': o->common_name = optarg; break;
        case 's': o->skip_cn = true; break;
        case 'S': o->send = optarg; break;
        case 'e': o->expect = optarg; break;
        case 'd': esp_log_level_set("*", ESP_LOG_DEBUG); break;
        default: usage();
        }
    }
    if (!o->host || o->port == 0) {
        usage();
    }
}

/* The CA: in the global store, or on the transport as PEM (strlen) or DER (exact length). */
static void configure_ca(esp_transport_handle_t t, const client_opts_t *o)
{
    if (o->global_ca) {
        esp_err_t rc = esp_tls_set_global_ca_store((const unsigned char *)o->ca.data,
                                                   (unsigned)o->ca.len + (o->ca.pem ? 1 : 0));
        printf("global_ca_store=%s\n", esp_err_to_name(rc));
        esp_transport_ssl_enable_global_ca_store(t);
    } else if (o->ca.data && o->ca.pem) {
        esp_transport_ssl_set_cert_data(t, o->ca.data, o->ca.len);
    } else if (o->ca.data) {
        esp_transport_ssl_set_cert_data_der(t, o->ca.data, o->ca.len);
    }
}

static void configure_client_auth(esp_transport_handle_t t, const client_opts_t *o)
{
    if (o->cert.data && o->cert.pem) {
        esp_transport_ssl_set_client_cert_data(t, o->cert.data, o->cert.len);
    } else if (o->cert.data) {
        esp_transport_ssl_set_client_cert_data_der(t, o->cert.data, o->cert.len);
    }
    if (o->key.data && o->key.pem) {
        esp_transport_ssl_set_client_key_data(t, o->key.data, o->key.len);
    } else if (o->key.data) {
        esp_transport_ssl_set_client_key_data_der(t, o->key.data, o->key.len);
    }
    if (o->key_pass) {
        esp_transport_ssl_set_client_key_password(t, o->key_pass, (int)strlen(o->key_pass));
    }
}

static esp_transport_handle_t make_transport(client_opts_t *o)
{
    esp_transport_handle_t t = o->tcp ? esp_transport_tcp_init() : esp_transport_ssl_init();
    if (t == NULL || o->tcp) {
        return t;
    }
    configure_ca(t, o);
    configure_client_auth(t, o);
    esp_transport_ssl_set_tls_version(t, o->version);
    if (o->alpn[0]) {
        esp_transport_ssl_set_alpn_protocol(t, o->alpn);
    }
    if (o->common_name) {
        esp_transport_ssl_set_common_name(t, o->common_name);
    }
    if (o->skip_cn) {
        esp_transport_ssl_skip_common_name_check(t);
    }
    return t;
}

/*
 * esp_transport_connect_async() until it is done. Between calls the loop waits (at most 10 ms)
 * for the peer's next bytes, as an event loop would; ESP-IDF offers no finer wait target.
 */
static int connect_async(esp_transport_handle_t t, const client_opts_t *o)
{
    int rc, steps = 0;
    while ((rc = esp_transport_connect_async(t, o->host, o->port, o->timeout_ms)) == 0) {
        if (esp_transport_poll_read(t, 10) < 0) {
            poll(NULL, 0, 10); /* no socket to wait on yet */
        }
        steps++;
    }
    printf("async_steps=%d\n", steps);
    return rc;
}

/* Keep only the last @p keep bytes of a full buffer: a match may straddle two reads. */
static int slide(char *buf, int used, int keep)
{
    int tail = keep < used ? keep : used;
    memmove(buf, buf + used - tail, (size_t)tail);
    return tail;
}

/* Send o->send, then read until o->expect is seen, the peer closes or a read times out. */
static int exchange(esp_transport_handle_t t, const client_opts_t *o)
{
    if (o->send) {
        int n = esp_transport_write(t, o->send, (int)strlen(o->send), o->timeout_ms);
        printf("written=%d\n", n);
        if (n <= 0) {
            return 1;
        }
    }
    if (!o->expect) {
        return 0;
    }
    char buf[4096];
    int used = 0;
    for (;;) {
        if (used == (int)sizeof(buf) - 1) {
            used = slide(buf, used, (int)strlen(o->expect));
        }
        int n = esp_transport_read(t, buf + used, (int)sizeof(buf) - 1 - used, o->timeout_ms);
        if (n <= 0) {
            printf("read_result=%d\nexpect=missing\n", n);
            return 1;
        }
        used += n;
        buf[used] = '\0';
        if (strstr(buf, o->expect)) {
            printf("expect=found\n");
            return 0;
        }
    }
}

static void print_errors(esp_transport_handle_t t)
{
    int code = 0, flags = 0;
    esp_err_t last =
        esp_tls_get_and_clear_last_error(esp_transport_get_error_handle(t), &code, &flags);
    printf("last_error=0x%x (%s)\ntls_code=0x%x\ntls_flags=0x%x\nerrno=%d\n", (unsigned)last,
           esp_err_to_name(last), (unsigned)code, (unsigned)flags, esp_transport_get_errno(t));
}

int main(int argc, char **argv)
{
    client_opts_t o = {0};
    parse_args(argc, argv, &o);
    esp_transport_handle_t t = make_transport(&o);
    if (t == NULL) {
        return 1;
    }
    int rc =
        o.async ? connect_async(t, &o) : esp_transport_connect(t, o.host, o.port, o.timeout_ms);
    printf("result=%d\n", rc);
    bool connected = o.async ? rc == 1 : rc == 0;
    int status = connected ? exchange(t, &o) : 1;
    printf("socket_valid=%s\n", esp_transport_get_socket(t) >= 0 ? "yes" : "no");
    print_errors(t);
    printf("close=%d\n", esp_transport_close(t));
    esp_transport_destroy(t);
    if (o.global_ca) {
        esp_tls_free_global_ca_store();
    }
    free((void *)o.ca.data);
    free((void *)o.cert.data);
    free((void *)o.key.data);
    return status;
}
