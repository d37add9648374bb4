// SPDX-License-Identifier: Apache-2.0
/* esp-tls server: options and set-up (sockets and sessions are in server_io.c). */
#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server.h"

static const char s_help[] =
    "usage: esp-tls server --cert FILE --key FILE [options]\n"
    "Accept TLS connections (esp_tls_server_session_init() and _continue_async() in one\n"
    "poll() loop) and print each session.\n"
    "  --cert FILE --key FILE [--pass PASS]   server certificate (chain) and key\n"
    "  --verify-client CAFILE [--optional]    require (or only request) a client certificate\n"
    "  --bind ADDR          address to listen on (default 127.0.0.1; 0.0.0.0 or :: for all)\n"
    "  --port N             port; 0 picks a free one (default 4433). Prints\n"
    "                       \"listening on ADDR:PORT\" on stdout once it listens\n"
    "  --tickets            issue session tickets (resumption)\n"
    "  --psk ID:HEX         pre-shared key (build with CONFIG_ESP_TLS_PSK_VERIFICATION)\n"
    "  --alpn LIST          ALPN protocols accepted, comma-separated\n"
    "  --tls1.2 | --tls1.3  only this version\n"
    "  --ciphers LIST       IANA suite names or numbers\n"
    "  --www                answer an HTTP GET with a page naming version and suite\n"
    "  --echo               send back what the client sends\n"
    "                       (default: the client's data to stdout, stdin to the client)\n"
    "  --once               serve one connection, then exit with its result\n"
    "  --timeout MS         handshake deadline (default 10000)\n"
    "  --idle-timeout MS    close a session that moved no data for MS (default 30000)\n"
    "  --request-timeout MS --www: the request head must arrive within MS of the\n"
    "                       handshake (default 10000)\n"
    "  --max-clients N      sessions at once, 1..1024 (default 64); more wait to be accepted\n"
    "  --debug LEVEL        Mbed TLS debug level 0..4 and debug logs on stderr\n"
    "Sessions run concurrently; each buffers at most 32 KiB of request (--www) and 64 KiB of\n"
    "data for the client.\n"
    "Exit: 0 ok, 1 TLS failure or deadline (--once), 2 usage or unusable certificate/key,\n"
    "3 cannot listen.\n";

enum {
    OPT_CERT = 256,
    OPT_KEY,
    OPT_PASS,
    OPT_VERIFY,
    OPT_OPTIONAL,
    OPT_BIND,
    OPT_PORT,
    OPT_TICKETS,
    OPT_PSK,
    OPT_ALPN,
    OPT_TLS12,
    OPT_TLS13,
    OPT_CIPHERS,
    OPT_WWW,
    OPT_ECHO,
    OPT_ONCE,
    OPT_TIMEOUT,
    OPT_IDLE,
    OPT_REQUEST,
    OPT_MAX_CLIENTS,
    OPT_DEBUG,
    OPT_HELP,
};

static const struct option s_opts[] = {
    {"cert", 1, 0, OPT_CERT},
    {"key", 1, 0, OPT_KEY},
    {"pass", 1, 0, OPT_PASS},
    {"verify-client", 1, 0, OPT_VERIFY},
    {"optional", 0, 0, OPT_OPTIONAL},
    {"bind", 1, 0, OPT_BIND},
    {"port", 1, 0, OPT_PORT},
    {"tickets", 0, 0, OPT_TICKETS},
    {"psk", 1, 0, OPT_PSK},
    {"alpn", 1, 0, OPT_ALPN},
    {"tls1.2", 0, 0, OPT_TLS12},
    {"tls1.3", 0, 0, OPT_TLS13},
    {"ciphers", 1, 0, OPT_CIPHERS},
    {"www", 0, 0, OPT_WWW},
    {"echo", 0, 0, OPT_ECHO},
    {"once", 0, 0, OPT_ONCE},
    {"timeout", 1, 0, OPT_TIMEOUT},
    {"idle-timeout", 1, 0, OPT_IDLE},
    {"request-timeout", 1, 0, OPT_REQUEST},
    {"max-clients", 1, 0, OPT_MAX_CLIENTS},
    {"debug", 1, 0, OPT_DEBUG},
    {"help", 0, 0, OPT_HELP},
    {0, 0, 0, 0},
};

static int load(const char *path, cli_buf_t *b, const unsigned char **buf, unsigned *len)
{
    if (!cli_read_file(path, b)) {
        return CLI_USAGE;
    }
    *buf = b->data;
    *len = (unsigned)(b->len + (cli_is_pem(b) ? 1 : 0)); /* PEM: count the NUL */
    return CLI_OK;
}

#if CONFIG_ESP_TLS_SERVER_MIN_AUTH_MODE_OPTIONAL
static int opt_optional(server_opts_t *o)
{
    o->cfg.client_cert_authmode_optional = o->optional_auth = true;
    return CLI_OK;
}
#else
static int opt_optional(server_opts_t *o)
{
    (void)o;
    return cli_usage_error(
        "server", "--optional: this build lacks CONFIG_ESP_TLS_SERVER_MIN_AUTH_MODE_OPTIONAL");
}
#endif

#if CONFIG_ESP_TLS_PSK_VERIFICATION
/* --psk ID:HEX */
static int opt_psk(server_opts_t *o, char *arg)
{
    char *colon = strrchr(arg, ':');
    int n = colon != NULL && colon != arg && strlen(colon + 1) / 2 <= sizeof(o->psk_key)
                ? cli_hex_decode(colon + 1)
                : -1;
    if (n <= 0) {
        return cli_usage_error("server", "--psk wants ID:HEXKEY (at most %zu bytes)",
                               sizeof(o->psk_key));
    }
    *colon = '\0';
    memcpy(o->psk_key, colon + 1, (size_t)n);
    o->psk = (psk_hint_key_t){.key = o->psk_key, .key_size = (size_t)n, .hint = arg};
    o->cfg.psk_hint_key = &o->psk;
    return CLI_OK;
}
#else
static int opt_psk(server_opts_t *o, char *arg)
{
    (void)o;
    (void)arg;
    return cli_usage_error("server", "--psk: this build lacks CONFIG_ESP_TLS_PSK_VERIFICATION");
}
#endif

static int opt_number(const char *name, const char *arg, long min, long max, int *out)
{
    long v;
    if (!cli_parse_decimal(arg, min, max, &v)) {
        return cli_usage_error("server", "%s wants a number %ld..%ld", name, min, max);
    }
    *out = (int)v;
    return CLI_OK;
}

static int opt_alpn(server_opts_t *o, char *list)
{
    if (cli_split_list(list, o->alpn, SERVER_MAX_ALPN) <= 0) {
        return cli_usage_error("server", "--alpn: a comma list of at most %d names",
                               SERVER_MAX_ALPN);
    }
    o->cfg.alpn_protos = o->alpn;
    return CLI_OK;
}

static int opt_one(server_opts_t *o, int c, char *arg)
{
    switch (c) {
    case OPT_CERT: return load(arg, &o->cert, &o->cfg.servercert_buf, &o->cfg.servercert_bytes);
    case OPT_KEY: return load(arg, &o->key, &o->cfg.serverkey_buf, &o->cfg.serverkey_bytes);
    case OPT_VERIFY: return load(arg, &o->ca, &o->cfg.cacert_buf, &o->cfg.cacert_bytes);
    case OPT_PASS:
        o->cfg.serverkey_password = (const unsigned char *)arg;
        o->cfg.serverkey_password_len = (unsigned)strlen(arg);
        return CLI_OK;
    case OPT_OPTIONAL: return opt_optional(o);
    case OPT_BIND: o->bind = arg; return CLI_OK;
    case OPT_PORT: return opt_number("--port", arg, 0, 65535, &o->port);
    case OPT_TICKETS: o->tickets = true; return CLI_OK;
    case OPT_PSK: return opt_psk(o, arg);
    case OPT_ALPN: return opt_alpn(o, arg);
    case OPT_TLS12: o->cfg.tls_version = ESP_TLS_VER_TLS_1_2; return CLI_OK;
    case OPT_TLS13: o->cfg.tls_version = ESP_TLS_VER_TLS_1_3; return CLI_OK;
    case OPT_CIPHERS:
        o->cfg.ciphersuites_list = o->suites;
        return cli_parse_ciphers("server", arg, o->suites, SERVER_MAX_SUITES) ? CLI_OK : CLI_USAGE;
    case OPT_WWW: o->mode = SERVER_WWW; return CLI_OK;
    case OPT_ECHO: o->mode = SERVER_ECHO; return CLI_OK;
    case OPT_ONCE: o->once = true; return CLI_OK;
    case OPT_TIMEOUT: return opt_number("--timeout", arg, 1, 3600000, &o->timeout_ms);
    case OPT_IDLE: return opt_number("--idle-timeout", arg, 1, 86400000, &o->idle_ms);
    case OPT_REQUEST: return opt_number("--request-timeout", arg, 1, 3600000, &o->request_ms);
    case OPT_MAX_CLIENTS:
        return opt_number("--max-clients", arg, 1, SERVER_MAX_CLIENTS, &o->max_clients);
    case OPT_DEBUG: return cli_set_debug("server", arg) ? CLI_OK : CLI_USAGE;
    default: return CLI_USAGE;
    }
}

static int check(server_opts_t *o, int argc)
{
    if (optind != argc) {
        return cli_usage_error("server", "no arguments besides options");
    }
    if ((o->cert.data == NULL) != (o->key.data == NULL)) {
        return cli_usage_error("server", "--cert and --key go together");
    }
    if (o->cert.data == NULL && o->psk.key == NULL) {
        return cli_usage_error("server", "--cert and --key (or --psk) are needed");
    }
    if (o->tickets) {
        esp_err_t rc = esp_tls_cfg_server_session_tickets_init(&o->cfg);
        if (rc != ESP_OK) {
            return cli_usage_error("server", "--tickets: %s", esp_err_to_name(rc));
        }
    }
    o->cfg.tls_handshake_timeout_ms = (uint32_t)o->timeout_ms;
    return CLI_OK;
}

static int parse(server_opts_t *o, int argc, char **argv)
{
    int c, rc = CLI_OK;
    optind = 1;
    opterr = 0; /* the messages below name the subcommand */
    while (rc == CLI_OK && (c = getopt_long(argc, argv, ":h", s_opts, NULL)) != -1) {
        if (c == OPT_HELP || c == 'h') {
            fputs(s_help, stdout);
            return -1;
        }
        rc = c == '?' || c == ':' ? cli_bad_option("server", c, argc, argv) : opt_one(o, c, optarg);
    }
    return rc == CLI_OK ? check(o, argc) : rc;
}

/*
 * A trial session on a socket pair before listening: esp_tls_server_session_init() loads the
 * certificate, key and CA as every connection will, so a key that does not belong to its
 * certificate stops the server at start instead of failing every client.
 */
static int check_credentials(server_opts_t *o)
{
    int sv[2];
    esp_tls_t *tls = esp_tls_init();
    if (tls == NULL || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        esp_tls_conn_destroy(tls);
        fprintf(stderr, "esp-tls server: cannot check the configuration: out of resources\n");
        return CLI_FAIL;
    }
    int rc = CLI_OK;
    if (esp_tls_server_session_init(&o->cfg, sv[0], tls) != ESP_OK) {
        esp_tls_error_handle_t h = NULL;
        cli_error_t e;
        esp_tls_get_error_handle(tls, &h);
        cli_error_capture(h, &e);
        fprintf(stderr, "esp-tls server: the certificate, key or CA cannot be used; not started\n");
        cli_error_print(stderr, &e);
        rc = CLI_USAGE;
    }
    esp_tls_conn_destroy(tls); /* closes sv[0] */
    close(sv[1]);
    return rc;
}

int cli_server(int argc, char **argv)
{
    server_opts_t o = {.bind = "127.0.0.1",
                       .port = 4433,
                       .timeout_ms = 10000,
                       .idle_ms = 30000,
                       .request_ms = 10000,
                       .max_clients = 64};
    signal(SIGPIPE, SIG_IGN);
    int rc = parse(&o, argc, argv);
    rc = rc == CLI_OK ? check_credentials(&o) : rc;
    if (rc == CLI_OK) {
        esp_tls_set_keep_peer_chain(true);
        int fd = server_listen(&o);
        rc = fd < 0 ? CLI_NET : server_run(&o, fd);
        if (fd >= 0) {
            close(fd);
        }
    }
    esp_tls_cfg_server_session_tickets_free(&o.cfg);
    cli_buf_free(&o.cert);
    cli_buf_free(&o.key);
    cli_buf_free(&o.ca);
    return rc < 0 ? CLI_OK : rc;
}
