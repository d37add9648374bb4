// SPDX-License-Identifier: Apache-2.0
/*
 * esp-tls verify: verify a certificate chain with esp_tls_verify_chain(), the code path of a
 * client handshake (same anchors, policy and callback), and say why it fails.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "esp_crt_bundle.h"

static const char s_help[] =
    "usage: esp-tls verify [options] CERT\n"
    "Verify CERT (a leaf, optionally followed by its intermediates; PEM or DER) as a client\n"
    "handshake would, print each certificate and \"verified\" or the flags and why.\n"
    "  --ca FILE            trusted CA certificates (repeatable)\n"
    "  --bundle[=FILE]      the built-in certificate bundle, or FILE (default when no --ca)\n"
    "  --untrusted FILE     intermediates to send along with CERT (repeatable)\n"
    "  --host NAME          the name (DNS or IP) the leaf must hold; no name check without it\n"
    "  --time RFC3339       validate at this time, e.g. 2020-01-15T12:00:00Z (default: now)\n"
    "  --pem                print each certificate's PEM too\n"
    "  --json               one JSON object on stdout (docs/cli.md)\n"
    "Exit: 0 verified, 1 not verified (or a certificate does not parse), 2 usage.\n";

typedef struct {
    cli_certs_t chain, untrusted, ca;
    cli_buf_t bundle, ca_pem, der;
    bool use_bundle, json, pem;
    esp_tls_verify_cfg_t cfg;
    const char *cert;
} verify_opts_t;

/* The error tracker's storage: the public slots and the errno slot after them. */
typedef struct {
    esp_tls_last_error_t last;
    int sys_errno;
} tracker_t;

/* RFC 3339: 2020-01-15T12:00:00Z, ...+02:00, fractions ignored, or a date alone. */
static bool parse_time(const char *s, int64_t *out)
{
    struct tm tm = {0};
    int used = 0, oh = 0, om = 0;
    char sign = 'Z';
    if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &used) != 3) {
        return false;
    }
    const char *p = s + used;
    if ((*p == 'T' || *p == 't' || *p == ' ') &&
        sscanf(p + 1, "%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) == 3) {
        p += 1 + used;
        p += (*p == '.') ? 1 + strspn(p + 1, "0123456789") : 0;
        if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &oh, &om) == 2) {
            sign = *p;
            p += 6;
        } else if (*p == 'Z' || *p == 'z') {
            p++;
        }
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    int64_t t = (int64_t)timegm(&tm);
    t += (sign == '+' ? -1 : sign == '-' ? 1 : 0) * (int64_t)(oh * 3600 + om * 60);
    *out = t;
    return *p == '\0' && t > 0;
}

static int opt_bundle(verify_opts_t *o, const char *arg, int argc, char **argv)
{
    o->use_bundle = true;
    /* "--bundle FILE" when FILE is not the last word (CERT) */
    if (arg == NULL && optind < argc - 1 && argv[optind][0] != '-' &&
        access(argv[optind], R_OK) == 0) {
        arg = argv[optind++];
    }
    return arg == NULL || cli_read_file(arg, &o->bundle) ? CLI_OK : CLI_USAGE;
}

static int opt_one(verify_opts_t *o, int c, char *arg, int argc, char **argv)
{
    switch (c) {
    case 'c': return cli_certs_load(&o->ca, arg) ? CLI_OK : CLI_USAGE;
    case 'b': return opt_bundle(o, arg, argc, argv);
    case 'u': return cli_certs_load(&o->untrusted, arg) ? CLI_OK : CLI_USAGE;
    case 'H':
        o->cfg.common_name = arg; /* the library refuses an empty name, as a handshake does */
        return arg[0] != '\0' ? CLI_OK
                              : cli_usage_error("verify", "--host: the name is empty; leave "
                                                          "--host out for no name check");
    case 't':
        return parse_time(arg, &o->cfg.at_time) ? CLI_OK
                                                : cli_usage_error("verify",
                                                                  "--time %s: want RFC 3339, e.g. "
                                                                  "2020-01-15T12:00:00Z",
                                                                  arg);
    case 'p': o->pem = true; return CLI_OK;
    case 'j': o->json = true; return CLI_OK;
    default: return cli_bad_option("verify", c, argc, argv);
    }
}

static int parse(verify_opts_t *o, int argc, char **argv)
{
    static const struct option opts[] = {
        {"ca", 1, 0, 'c'},   {"bundle", 2, 0, 'b'}, {"untrusted", 1, 0, 'u'},
        {"host", 1, 0, 'H'}, {"time", 1, 0, 't'},   {"pem", 0, 0, 'p'},
        {"json", 0, 0, 'j'}, {"help", 0, 0, 'h'},   {0, 0, 0, 0},
    };
    int c, rc = CLI_OK;
    optind = 1;
    opterr = 0; /* the messages below name the subcommand */
    while (rc == CLI_OK && (c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(s_help, stdout);
            return -1;
        }
        rc = opt_one(o, c, optarg, argc, argv);
    }
    if (rc == CLI_OK && optind != argc - 1) {
        return cli_usage_error("verify", "want one CERT file");
    }
    o->cert = rc == CLI_OK ? argv[optind] : NULL;
    return rc;
}

/* The chain: CERT's certificates, then the --untrusted ones, as concatenated DER. */
static int build_chain(verify_opts_t *o)
{
    if (!cli_certs_load(&o->chain, o->cert)) {
        return CLI_USAGE;
    }
    for (int i = 0; i < o->untrusted.count; i++) {
        if (!cli_certs_take(&o->chain, &o->untrusted.der[i])) {
            return CLI_USAGE;
        }
    }
    return cli_certs_to_der(&o->chain, &o->der) ? CLI_OK : CLI_FAIL;
}

static int configure(verify_opts_t *o)
{
    if (o->ca.count > 0) {
        if (!cli_certs_to_pem(&o->ca, &o->ca_pem)) {
            return CLI_FAIL;
        }
        o->cfg.cacert_buf = o->ca_pem.data;
        o->cfg.cacert_bytes = (unsigned)o->ca_pem.len;
    }
    if (o->bundle.data != NULL && esp_crt_bundle_set(o->bundle.data, o->bundle.len) != ESP_OK) {
        return cli_usage_error("verify", "--bundle: not a valid certificate bundle");
    }
    if (o->use_bundle || o->ca.count == 0) {
        o->use_bundle = true;
        o->cfg.crt_bundle_attach = esp_crt_bundle_attach;
    }
    return CLI_OK;
}

static void report_text(const verify_opts_t *o, esp_err_t rc, const cli_error_t *e)
{
    printf("chain: %d certificate%s, leaf first\n", o->chain.count, o->chain.count == 1 ? "" : "s");
    for (int i = 0; i < o->chain.count; i++) {
        cli_cert_print(stdout, i, o->chain.der[i].data, o->chain.der[i].len, o->pem);
    }
    if (rc == ESP_OK) {
        printf("verified%s%s\n", o->cfg.common_name ? " for " : "",
               o->cfg.common_name ? o->cfg.common_name : "");
        return;
    }
    printf("not verified: flags 0x%x\n", (unsigned)e->flags);
    cli_error_print(stdout, e);
}

static void report_json(const verify_opts_t *o, esp_err_t rc, const cli_error_t *e, int exit)
{
    cli_json_t j;
    cli_json_begin(&j, stdout);
    cli_json_str(&j, "command", "verify");
    cli_json_bool(&j, "verified", rc == ESP_OK);
    cli_json_int(&j, "exit", exit);
    cli_json_str(&j, "host", o->cfg.common_name);
    cli_json_int(&j, "time", o->cfg.at_time);
    cli_json_hex(&j, "flags", (unsigned)e->flags);
    cli_json_array(&j, "chain");
    for (int i = 0; i < o->chain.count; i++) {
        cli_cert_json(&j, o->chain.der[i].data, o->chain.der[i].len, o->pem);
    }
    cli_json_close(&j, ']');
    if (rc == ESP_OK) {
        cli_json_null(&j, "error");
    } else {
        cli_error_json(&j, "error", e);
    }
    cli_json_end(&j);
}

static int run(verify_opts_t *o)
{
    tracker_t t = {0};
    uint32_t flags = 0;
    esp_err_t rc = esp_tls_verify_chain(&o->cfg, o->der.data, o->der.len, &flags, &t.last);
    cli_error_t e;
    cli_error_capture(&t.last, &e);
    if (rc != ESP_OK && e.err == ESP_OK) {
        e.err = rc; /* not every failure is captured (e.g. INVALID_ARG) */
    }
    if (e.flags == 0) {
        e.flags = (int)flags;
    }
    int exit = rc == ESP_OK ? CLI_OK : rc == ESP_ERR_INVALID_ARG ? CLI_USAGE : CLI_FAIL;
    if (o->json) {
        report_json(o, rc, &e, exit);
    } else {
        report_text(o, rc, &e);
    }
    return exit;
}

int cli_verify(int argc, char **argv)
{
    verify_opts_t o = {0};
    int rc = parse(&o, argc, argv);
    rc = rc == CLI_OK ? build_chain(&o) : rc;
    rc = rc == CLI_OK ? configure(&o) : rc;
    rc = rc == CLI_OK ? run(&o) : rc;
    if (o.use_bundle) {
        esp_crt_bundle_detach(NULL);
    }
    cli_certs_free(&o.chain);
    cli_certs_free(&o.untrusted);
    cli_certs_free(&o.ca);
    cli_buf_free(&o.bundle);
    cli_buf_free(&o.ca_pem);
    cli_buf_free(&o.der);
    return rc < 0 ? CLI_OK : rc;
}
