// SPDX-License-Identifier: Apache-2.0
/*
 * esp-tls get URL: a curl-like client on esp_http_client (esp_http_client.h), as an ESP-IDF
 * application uses it (config, event handler, perform). Prints the body (stdout or --output)
 * and, on stderr, the same TLS summary and explanations as `esp-tls client`.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "esp_crt_bundle.h"
#include "esp_http_client.h"
#include "esp_http_client_ext.h"

#define GET_MAX_HEADERS 16

typedef struct {
    const char *url;
    const char *post;
    const char *output;
    const char *headers[GET_MAX_HEADERS];
    int n_headers;
    bool follow, json, insecure;
    int timeout_ms;
    cli_certs_t ca;
} get_opts_t;

typedef struct {
    FILE *out;
    long long bytes;
    bool tls;
    esp_tls_conn_info_t info;
    bool write_failed;
} get_state_t;

enum { OPT_POST = 256, OPT_HEADER, OPT_OUTPUT, OPT_JSON, OPT_CA, OPT_INSECURE, OPT_TIMEOUT };

static const struct option s_opts[] = {
    {"post", required_argument, NULL, OPT_POST},
    {"header", required_argument, NULL, OPT_HEADER},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"location", no_argument, NULL, 'L'},
    {"json", no_argument, NULL, OPT_JSON},
    {"ca", required_argument, NULL, OPT_CA},
    {"insecure", no_argument, NULL, OPT_INSECURE},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: esp-tls get [options] URL\n"
               "  --post DATA       POST DATA (application/x-www-form-urlencoded)\n"
               "  --header 'K: V'   add a request header (repeatable)\n"
               "  --output FILE     write the body to FILE instead of stdout\n"
               "  -L, --location    follow redirects\n"
               "  --json            a JSON summary on stdout (the body only with --output)\n"
               "  --ca FILE         verify the server with these CAs (default: the bundle)\n"
               "  --insecure        no verification (builds with the skip option only)\n"
               "  --timeout MS      network timeout (default 5000)\n");
}

static int parse_opt(get_opts_t *o, int c, const char *arg)
{
    switch (c) {
    case OPT_POST: o->post = arg; return CLI_OK;
    case OPT_OUTPUT: o->output = arg; return CLI_OK;
    case 'L': o->follow = true; return CLI_OK;
    case OPT_JSON: o->json = true; return CLI_OK;
    case OPT_INSECURE: o->insecure = true; return CLI_OK;
    case OPT_TIMEOUT:
        o->timeout_ms = atoi(arg);
        return o->timeout_ms > 0 ? CLI_OK : cli_usage_error("get", "--timeout wants ms > 0");
    case OPT_HEADER:
        if (o->n_headers == GET_MAX_HEADERS || !strchr(arg, ':')) {
            return cli_usage_error("get", "--header 'Name: value' (at most %d)", GET_MAX_HEADERS);
        }
        o->headers[o->n_headers++] = arg;
        return CLI_OK;
    case OPT_CA: {
        cli_buf_t buf = {0};
        bool ok = cli_read_file(arg, &buf) && cli_certs_parse(&o->ca, buf.data, buf.len);
        cli_buf_free(&buf);
        return ok ? CLI_OK : cli_usage_error("get", "--ca %s: no certificates", arg);
    }
    case 'h': usage(stdout); return -2;
    default: return -1;
    }
}

static int parse_args(get_opts_t *o, int argc, char **argv)
{
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":hL", s_opts, NULL)) != -1) {
        int rc = parse_opt(o, c, optarg);
        if (rc == -1) {
            return cli_bad_option("get", c, argc, argv);
        }
        if (rc != CLI_OK) {
            return rc;
        }
    }
    if (optind != argc - 1) {
        return cli_usage_error("get", "one URL expected");
    }
    o->url = argv[optind];
#if !(CONFIG_ESP_TLS_INSECURE && CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY)
    if (o->insecure) {
        return cli_usage_error("get", "--insecure: this build lacks CONFIG_ESP_TLS_INSECURE and "
                                      "CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY");
    }
#endif
    return CLI_OK;
}

static esp_err_t on_event(esp_http_client_event_t *evt)
{
    get_state_t *st = evt->user_data;
    if (evt->event_id == HTTP_EVENT_ON_CONNECTED) {
        esp_tls_t *tls = esp_http_client_get_esp_tls(evt->client);
        st->tls = tls && esp_tls_get_conn_info(tls, &st->info) == ESP_OK;
    } else if (evt->event_id == HTTP_EVENT_ON_DATA) {
        st->bytes += evt->data_len;
        if (st->out &&
            fwrite(evt->data, 1, (size_t)evt->data_len, st->out) != (size_t)evt->data_len) {
            st->write_failed = true;
        }
    }
    return ESP_OK;
}

/* The client's last esp_tls error, in the form `esp-tls client` explains. */
static void capture_error(esp_http_client_handle_t c, cli_error_t *e)
{
    struct {
        esp_tls_last_error_t last;
        int sock_errno;
    } store = {0};
    store.last.last_error = esp_http_client_get_and_clear_last_tls_error(
        c, &store.last.esp_tls_error_code, &store.last.esp_tls_flags);
    store.sock_errno = esp_http_client_get_errno(c);
    if (store.sock_errno < 0) {
        store.sock_errno = 0;
    }
    cli_error_capture(&store.last, e);
}

static void report_text(const get_opts_t *o, esp_http_client_handle_t c, esp_err_t err,
                        const get_state_t *st, const cli_error_t *e)
{
    if (st->tls) {
        fprintf(stderr, "version:     %s\nciphersuite: %s\n", st->info.version,
                st->info.ciphersuite);
        fprintf(stderr, "server:      %s\n",
                o->insecure && o->ca.count == 0 ? "not verified (--insecure)"
                : o->ca.count > 0               ? "verified (--ca)"
                                                : "verified (built-in bundle)");
    }
    if (err != ESP_OK) {
        fprintf(stderr, "request:     %s failed: %s\n", o->url, esp_err_to_name(err));
        if (e->err != ESP_OK) {
            cli_error_print(stderr, e);
        }
        return;
    }
    fprintf(stderr, "status:      %d, %lld body bytes%s\n", esp_http_client_get_status_code(c),
            st->bytes, esp_http_client_is_chunked_response(c) ? " (chunked)" : "");
}

static void report_json(const get_opts_t *o, esp_http_client_handle_t c, esp_err_t err,
                        const get_state_t *st, const cli_error_t *e)
{
    cli_json_t j;
    cli_json_begin(&j, stdout);
    cli_json_str(&j, "command", "get");
    cli_json_str(&j, "url", o->url);
    cli_json_str(&j, "result", esp_err_to_name(err));
    cli_json_int(&j, "status", esp_http_client_get_status_code(c));
    cli_json_int(&j, "bytes", st->bytes);
    cli_json_bool(&j, "chunked", esp_http_client_is_chunked_response(c));
    cli_json_bool(&j, "complete", esp_http_client_is_complete_data_received(c));
    if (st->tls) {
        cli_json_str(&j, "version", st->info.version);
        cli_json_str(&j, "ciphersuite", st->info.ciphersuite);
    }
    if (e->err != ESP_OK) {
        cli_error_json(&j, "error", e);
    }
    cli_json_end(&j);
}

static esp_http_client_handle_t make_client(const get_opts_t *o, cli_buf_t *pem, get_state_t *st)
{
    esp_http_client_config_t cfg = {
        .url = o->url,
        .event_handler = on_event,
        .user_data = st,
        .timeout_ms = o->timeout_ms,
        .disable_auto_redirect = !o->follow,
        .method = o->post ? HTTP_METHOD_POST : HTTP_METHOD_GET,
    };
    if (o->ca.count > 0 && cli_certs_to_pem(&o->ca, pem)) {
        cfg.cert_pem = (const char *)pem->data;
    } else if (!o->insecure) {
        cfg.crt_bundle_attach = esp_crt_bundle_attach;
    }
    esp_http_client_handle_t c = esp_http_client_init(&cfg);
    for (int i = 0; c && i < o->n_headers; i++) {
        const char *colon = strchr(o->headers[i], ':');
        char *key = strndup(o->headers[i], (size_t)(colon - o->headers[i]));
        if (key) {
            esp_http_client_set_header(c, key, colon + 1 + strspn(colon + 1, " "));
        }
        free(key);
    }
    if (c && o->post) {
        esp_http_client_set_post_field(c, o->post, (int)strlen(o->post));
    }
    return c;
}

static int run(const get_opts_t *o)
{
    get_state_t st = {.out = o->json ? NULL : stdout};
    if (o->output && !(st.out = fopen(o->output, "wb"))) {
        return cli_usage_error("get", "--output %s: cannot write", o->output);
    }
    cli_buf_t pem = {0};
    esp_http_client_handle_t c = make_client(o, &pem, &st);
    if (!c) {
        cli_buf_free(&pem);
        if (o->output) {
            fclose(st.out);
        }
        return cli_usage_error("get", "%s: not a usable http(s) URL", o->url);
    }
    esp_err_t err = esp_http_client_perform(c);
    cli_error_t e = {0};
    if (err != ESP_OK) {
        capture_error(c, &e);
    }
    (o->json ? report_json : report_text)(o, c, err, &st, &e);
    int status = esp_http_client_get_status_code(c);
    esp_http_client_cleanup(c);
    cli_buf_free(&pem);
    if (o->output && fclose(st.out) != 0) {
        st.write_failed = true;
    }
    if (err == ESP_ERR_HTTP_CONNECT) {
        return e.err != ESP_OK ? cli_error_exit(&e) : CLI_NET;
    }
    return err != ESP_OK || st.write_failed || status >= 400 ? CLI_FAIL : CLI_OK;
}

int cli_get(int argc, char **argv)
{
    get_opts_t o = {.timeout_ms = 5000};
    int rc = parse_args(&o, argc, argv);
    if (rc == CLI_OK) {
        rc = run(&o);
    }
    cli_certs_free(&o.ca);
    return rc == -2 ? CLI_OK : rc;
}
