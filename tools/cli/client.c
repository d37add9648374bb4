// SPDX-License-Identifier: Apache-2.0
/* esp-tls client: options and the flow of a client run (see client_io.c for data and output). */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "esp_crt_bundle.h"

static const char s_help[] =
    "usage: esp-tls client [options] HOST:PORT | URL\n"
    "Open a TLS connection with esp-tls, print what was negotiated, then copy stdin to the\n"
    "connection and the connection to stdout (or send --request and print the response).\n"
    "Trust (default: the built-in certificate bundle):\n"
    "  --ca FILE            CA certificates, PEM or DER (repeatable: all are trusted)\n"
    "  --bundle[=FILE]      certificate bundle: the built-in one, or FILE (esp_crt_bundle_set)\n"
    "  --global-ca FILE     load FILE into the global CA store and use it\n"
    "  --insecure           do not verify the server (only in a build with\n"
    "                       CONFIG_ESP_TLS_INSECURE and CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY)\n"
    "Identity and handshake:\n"
    "  --cert FILE --key FILE [--pass PASS]   client certificate and key\n"
    "  --alpn LIST          ALPN protocols, comma-separated (h2,http/1.1)\n"
    "  --tls1.2 | --tls1.3  only this version\n"
    "  --ciphers LIST       IANA suite names or numbers (TLS_AES_128_GCM_SHA256,0xC02B)\n"
    "  --sni NAME           server name to send and check instead of HOST\n"
    "  --skip-cn            do not check the server's name (sends no SNI)\n"
    "  --nonblock           connect with esp_tls_conn_new_async() and poll()\n"
    "  --timeout MS         connect deadline and I/O timeout (default 10000)\n"
    "  --max-record N       ask for records of at most N = 512|1024|2048|4096 bytes\n"
    "                       (TLS 1.2 max_fragment_length; esp_tls_cfg_t.peer_record_size)\n"
    "Output:\n"
    "  --show-chain [--pem] the certificates the server sent (with their PEM)\n"
    "  --stats              handshake time, peak and idle heap of the library\n"
    "  --request STRING     send STRING (\\r \\n \\t \\xHH understood), print the response\n"
    "  --resume             reconnect with the saved session and report if it was resumed\n"
    "                       (TLS 1.3: the ticket is read with the response of --request)\n"
    "  --json               one JSON object on stdout (docs/cli.md); no stdin relay\n"
    "  --debug LEVEL        Mbed TLS debug level 0..4 and debug logs on stderr\n"
    "  --keylog FILE        append TLS secrets (NSS key log format) for Wireshark\n"
    "Exit: 0 ok, 1 TLS or verification failure, 2 usage, 3 network (DNS, TCP, timeout).\n";

enum {
    OPT_CA = 256,
    OPT_BUNDLE,
    OPT_GLOBAL_CA,
    OPT_INSECURE,
    OPT_CERT,
    OPT_KEY,
    OPT_PASS,
    OPT_ALPN,
    OPT_TLS12,
    OPT_TLS13,
    OPT_CIPHERS,
    OPT_SNI,
    OPT_SKIP_CN,
    OPT_NONBLOCK,
    OPT_TIMEOUT,
    OPT_MAX_RECORD,
    OPT_SHOW_CHAIN,
    OPT_PEM,
    OPT_DEBUG,
    OPT_KEYLOG,
    OPT_STATS,
    OPT_REQUEST,
    OPT_RESUME,
    OPT_JSON,
    OPT_HELP,
};

static const struct option s_opts[] = {
    {"ca", 1, 0, OPT_CA},
    {"bundle", 2, 0, OPT_BUNDLE},
    {"global-ca", 1, 0, OPT_GLOBAL_CA},
    {"insecure", 0, 0, OPT_INSECURE},
    {"cert", 1, 0, OPT_CERT},
    {"key", 1, 0, OPT_KEY},
    {"pass", 1, 0, OPT_PASS},
    {"alpn", 1, 0, OPT_ALPN},
    {"tls1.2", 0, 0, OPT_TLS12},
    {"tls1.3", 0, 0, OPT_TLS13},
    {"ciphers", 1, 0, OPT_CIPHERS},
    {"sni", 1, 0, OPT_SNI},
    {"skip-cn", 0, 0, OPT_SKIP_CN},
    {"nonblock", 0, 0, OPT_NONBLOCK},
    {"timeout", 1, 0, OPT_TIMEOUT},
    {"max-record", 1, 0, OPT_MAX_RECORD},
    {"show-chain", 0, 0, OPT_SHOW_CHAIN},
    {"pem", 0, 0, OPT_PEM},
    {"debug", 1, 0, OPT_DEBUG},
    {"keylog", 1, 0, OPT_KEYLOG},
    {"stats", 0, 0, OPT_STATS},
    {"request", 1, 0, OPT_REQUEST},
    {"resume", 0, 0, OPT_RESUME},
    {"json", 0, 0, OPT_JSON},
    {"help", 0, 0, OPT_HELP},
    {0, 0, 0, 0},
};

/* A PEM file for cfg: the length counts the NUL that cli_read_file() put after it. */
static bool load_pem_or_der(const char *path, cli_buf_t *b)
{
    if (!cli_read_file(path, b)) {
        return false;
    }
    b->len += cli_is_pem(b) ? 1 : 0;
    return true;
}

#if CONFIG_ESP_TLS_INSECURE && CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY
static int opt_insecure(client_opts_t *o)
{
    o->insecure = true;
    return CLI_OK;
}
#else
static int opt_insecure(client_opts_t *o)
{
    (void)o;
    return cli_usage_error("client", "--insecure: this build lacks CONFIG_ESP_TLS_INSECURE and "
                                     "CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY");
}
#endif

/* --bundle[=FILE]; "--bundle FILE" too, when the next word is a readable file. */
static int opt_bundle(client_opts_t *o, const char *arg, int argc, char **argv)
{
    o->use_bundle = true;
    if (arg == NULL && optind < argc && argv[optind][0] != '-' && access(argv[optind], R_OK) == 0) {
        arg = argv[optind++];
    }
    if (arg != NULL && !cli_read_file(arg, &o->bundle)) {
        return CLI_USAGE;
    }
    return CLI_OK;
}

static int opt_alpn(client_opts_t *o, char *list)
{
    if (cli_split_list(list, o->alpn, CLIENT_MAX_ALPN) <= 0) {
        return cli_usage_error("client", "--alpn: a comma list of at most %d names",
                               CLIENT_MAX_ALPN);
    }
    o->cfg.alpn_protos = o->alpn;
    return CLI_OK;
}

static int opt_number(const char *name, const char *arg, long min, long max, int *out)
{
    long v;
    if (!cli_parse_decimal(arg, min, max, &v)) {
        return cli_usage_error("client", "%s wants a number %ld..%ld", name, min, max);
    }
    *out = (int)v;
    return CLI_OK;
}

static int opt_max_record(client_opts_t *o, const char *arg)
{
    int n = 0;
    int rc = opt_number("--max-record", arg, 512, 4096, &n);
    if (rc == CLI_OK && (n & (n - 1)) != 0) {
        rc = cli_usage_error("client", "--max-record: 512, 1024, 2048 or 4096");
    }
    o->cfg.peer_record_size = (uint16_t)n;
    return rc;
}

static int opt_keylog(client_opts_t *o, const char *path)
{
    esp_err_t rc = esp_tls_set_keylog_file(path);
    o->keylog = rc == ESP_OK;
    if (rc == ESP_ERR_NOT_SUPPORTED) {
        return cli_usage_error("client", "--keylog: this build lacks CONFIG_ESP_TLS_KEYLOG");
    }
    return rc == ESP_OK ? CLI_OK
                        : cli_usage_error("client", "--keylog %s: %s", path, esp_err_to_name(rc));
}

/* Options that configure the handshake. Returns -1 if @p c is not one of them. */
static int opt_tls(client_opts_t *o, int c, char *arg)
{
    switch (c) {
    case OPT_CA: return cli_certs_load(&o->ca, arg) ? CLI_OK : CLI_USAGE;
    case OPT_GLOBAL_CA:
        o->global_ca = true;
        return cli_certs_load(&o->ca, arg) ? CLI_OK : CLI_USAGE;
    case OPT_CERT: return load_pem_or_der(arg, &o->cert) ? CLI_OK : CLI_USAGE;
    case OPT_KEY: return load_pem_or_der(arg, &o->key) ? CLI_OK : CLI_USAGE;
    case OPT_PASS:
        o->cfg.clientkey_password = (const unsigned char *)arg;
        o->cfg.clientkey_password_len = (unsigned)strlen(arg);
        return CLI_OK;
    case OPT_ALPN: return opt_alpn(o, arg);
    case OPT_TLS12: o->cfg.tls_version = ESP_TLS_VER_TLS_1_2; return CLI_OK;
    case OPT_TLS13: o->cfg.tls_version = ESP_TLS_VER_TLS_1_3; return CLI_OK;
    case OPT_CIPHERS:
        o->cfg.ciphersuites_list = o->suites;
        return cli_parse_ciphers("client", arg, o->suites, CLIENT_MAX_SUITES) ? CLI_OK : CLI_USAGE;
    case OPT_SNI: o->cfg.common_name = arg; return CLI_OK;
    case OPT_SKIP_CN: o->cfg.skip_common_name = true; return CLI_OK;
    case OPT_NONBLOCK: o->nonblock = o->cfg.non_block = true; return CLI_OK;
    case OPT_TIMEOUT: return opt_number("--timeout", arg, 1, 3600000, &o->cfg.timeout_ms);
    case OPT_MAX_RECORD: return opt_max_record(o, arg);
    default: return -1;
    }
}

/* Options about output and behaviour. Returns -1 if @p c is not one of them. */
static int opt_output(client_opts_t *o, int c, char *arg)
{
    switch (c) {
    case OPT_SHOW_CHAIN: o->show_chain = true; return CLI_OK;
    case OPT_PEM: o->pem = o->show_chain = true; return CLI_OK;
    case OPT_STATS: o->stats = true; return CLI_OK;
    case OPT_RESUME: o->resume = true; return CLI_OK;
    case OPT_JSON: o->json = true; return CLI_OK;
    case OPT_REQUEST:
        o->request = arg;
        o->request_len = cli_unescape(arg);
        return CLI_OK;
    case OPT_DEBUG: return cli_set_debug("client", arg) ? CLI_OK : CLI_USAGE;
    case OPT_KEYLOG: return opt_keylog(o, arg);
    case OPT_INSECURE: return opt_insecure(o);
    default: return -1;
    }
}

static int parse_target(client_opts_t *o, int argc, char **argv)
{
    if (optind != argc - 1) {
        return cli_usage_error("client", optind == argc ? "HOST:PORT or URL missing"
                                                        : "one HOST:PORT or URL, not more");
    }
    o->target = argv[optind];
    bool is_url = false;
    if (!cli_parse_target(o->target, o->host, sizeof(o->host), &o->port, &is_url)) {
        return cli_usage_error("client", "%s: want HOST:PORT, [IPv6]:PORT or an http(s) URL",
                               o->target);
    }
    o->url = is_url ? o->target : NULL;
    if (o->cfg.skip_common_name && o->cfg.common_name != NULL) {
        return cli_usage_error("client", "--sni and --skip-cn exclude each other");
    }
    if ((o->cert.data == NULL) != (o->key.data == NULL)) {
        return cli_usage_error("client", "--cert and --key go together");
    }
    return CLI_OK;
}

static int parse(client_opts_t *o, int argc, char **argv)
{
    int c, rc = CLI_OK;
    optind = 1;
    opterr = 0; /* the messages below name the subcommand */
    while (rc == CLI_OK && (c = getopt_long(argc, argv, ":h", s_opts, NULL)) != -1) {
        if (c == OPT_HELP || c == 'h') {
            fputs(s_help, stdout);
            return -1;
        }
        if (c == OPT_BUNDLE) {
            rc = opt_bundle(o, optarg, argc, argv);
            continue;
        }
        rc = opt_tls(o, c, optarg);
        rc = rc == -1 ? opt_output(o, c, optarg) : rc;
        rc = rc == -1 ? cli_bad_option("client", c, argc, argv) : rc;
    }
    return rc == CLI_OK ? parse_target(o, argc, argv) : rc;
}

/* Trust: --ca, --global-ca, --bundle, --insecure; nothing given means the built-in bundle. */
static int configure_trust(client_opts_t *o, cli_buf_t *pem)
{
    if (o->ca.count > 0 && !cli_certs_to_pem(&o->ca, pem)) {
        return cli_usage_error("client", "cannot convert the CA certificates");
    }
    if (o->global_ca) {
        esp_err_t rc = esp_tls_set_global_ca_store(pem->data, (unsigned)pem->len);
        if (rc != ESP_OK) {
            return cli_usage_error("client", "--global-ca: %s", esp_err_to_name(rc));
        }
        o->cfg.use_global_ca_store = true;
    } else if (o->ca.count > 0) {
        o->cfg.cacert_buf = pem->data;
        o->cfg.cacert_bytes = (unsigned)pem->len;
    }
    if (o->bundle.data != NULL && esp_crt_bundle_set(o->bundle.data, o->bundle.len) != ESP_OK) {
        return cli_usage_error("client", "--bundle: not a valid certificate bundle");
    }
    if (o->use_bundle || (o->ca.count == 0 && !o->insecure)) {
        o->use_bundle = true;
        o->cfg.crt_bundle_attach = esp_crt_bundle_attach;
    }
    o->cfg.clientcert_buf = o->cert.data;
    o->cfg.clientcert_bytes = (unsigned)o->cert.len;
    o->cfg.clientkey_buf = o->key.data;
    o->cfg.clientkey_bytes = (unsigned)o->key.len;
    return CLI_OK;
}

/* After the connect: send, relay or just report; then --resume. */
static int session(client_opts_t *o, esp_tls_t *tls, client_result_t *r)
{
    if (!o->json) {
        client_report(o, r);
    }
    int rc = CLI_OK;
    if (o->request != NULL) {
        rc = client_request(o, tls, r);
    } else if (!o->json) {
        rc = client_relay(o, tls, r);
    } else {
        rc = client_settle(o, tls, r);
    }
    client_report_io_failure(o, r);
    if (o->resume) {
        client_resume(o, tls, r);
        tls = NULL;
    }
    esp_tls_conn_destroy(tls);
    return rc;
}

static void cleanup(client_opts_t *o, client_result_t *r, cli_buf_t *pem)
{
    if (o->global_ca) {
        esp_tls_free_global_ca_store();
    }
    if (o->use_bundle) {
        esp_crt_bundle_detach(NULL);
    }
    if (o->keylog) {
        esp_tls_set_keylog_file(NULL); /* closes the file */
    }
    cli_certs_free(&o->ca);
    cli_certs_free(&r->chain);
    cli_buf_free(&o->bundle);
    cli_buf_free(&o->cert);
    cli_buf_free(&o->key);
    cli_buf_free(&r->response);
    cli_buf_free(pem);
}

int cli_client(int argc, char **argv)
{
    client_opts_t o = {0};
    client_result_t r = {0};
    cli_buf_t pem = {0};
    signal(SIGPIPE, SIG_IGN);
    int rc = parse(&o, argc, argv);
    rc = rc == CLI_OK ? configure_trust(&o, &pem) : rc;
    if (rc != CLI_OK) {
        cleanup(&o, &r, &pem);
        return rc < 0 ? CLI_OK : rc;
    }
    esp_tls_t *tls = client_connect(&o, &r);
    if (r.rc == 1) {
        rc = session(&o, tls, &r);
    } else {
        rc = cli_error_exit(&r.error);
        if (!o.json) {
            client_report(&o, &r);
        }
        esp_tls_conn_destroy(tls);
    }
    if (o.json) {
        client_report_json(&o, &r, rc);
    }
    cleanup(&o, &r, &pem);
    return rc;
}
