// SPDX-License-Identifier: Apache-2.0
/*
 * esp_crt_bundle_gen: build a certificate bundle (ESP-IDF's x509_crt_bundle format) from PEM
 * and DER certificates. A thin front end to esp_crt_bundle_build() (src/bundle/bundle_gen.h);
 * the options follow ESP-IDF's gen_crt_bundle.py.
 *
 *   esp_crt_bundle_gen [-q] [--filter CSV] [--max-certs N] [--legacy] [-o FILE]
 *                      [--c-source FILE [--symbol NAME]] [--allow-empty]
 *                      [--allow-non-ca]
 *                      [--input] PATH... [--add PATH]...
 *
 * Exit status: 0 success, 1 the bundle could not be built (the message names the file),
 * 2 usage error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle_gen.h"

#define PROG "esp_crt_bundle_gen"
#define MAX_INPUTS 256

typedef struct {
    esp_crt_bundle_build_cfg_t cfg;
    esp_crt_bundle_input_t inputs[MAX_INPUTS];
    const char *output;
    const char *c_source;
    const char *symbol;
    bool quiet;
} tool_opts_t;

static void usage(void)
{
    fprintf(stderr,
            "usage: " PROG " [options] [--input] PATH... [--add PATH]...\n"
            "  -i, --input PATH      certificate file or directory (.pem, .crt, .cer, .der);\n"
            "                        the filter applies to it (plain arguments are inputs too)\n"
            "  -a, --add PATH        like --input, but never filtered (custom certificates)\n"
            "  -f, --filter CSV      keep only certificates whose label is in the CSV's\n"
            "                        second column (first line: header)\n"
            "  -m, --max-certs N     fail if there are more than N certificates (default 200)\n"
            "  -o, --output FILE     bundle to write (default: x509_crt_bundle)\n"
            "      --c-source FILE   also write a C source that defines the bundle\n"
            "      --symbol NAME     its array name (default: esp_crt_bundle_default)\n"
            "      --legacy          write the legacy format (ESP-IDF v4.x)\n"
            "      --allow-empty     no certificate is not an error (empty bundle)\n"
            "      --allow-non-ca    keep inputs that are not CA certificates (warning: a\n"
            "                        bundle entry trusts whatever its key signs, any name)\n"
            "  -q, --quiet           print errors and warnings only\n");
    exit(2);
}

static void on_message(void *ctx, esp_crt_bundle_msg_level_t level, const char *msg)
{
    const tool_opts_t *o = ctx;
    static const char *const prefix[] = {"", "warning: ", "error: "};
    if (level == ESP_CRT_BUNDLE_MSG_INFO && o->quiet) {
        return;
    }
    fprintf(stderr, PROG ": %s%s\n", prefix[level], msg);
}

static void add_input(tool_opts_t *o, const char *path, bool filtered)
{
    if (o->cfg.input_count >= MAX_INPUTS) {
        fprintf(stderr, PROG ": error: more than %d inputs\n", MAX_INPUTS);
        exit(2);
    }
    o->inputs[o->cfg.input_count++] = (esp_crt_bundle_input_t){path, filtered};
}

enum { OPT_C_SOURCE = 256, OPT_SYMBOL, OPT_LEGACY, OPT_ALLOW_EMPTY, OPT_ALLOW_NON_CA };

static const struct option s_opts[] = {
    {"input", 1, 0, 'i'},
    {"add", 1, 0, 'a'},
    {"filter", 1, 0, 'f'},
    {"max-certs", 1, 0, 'm'},
    {"output", 1, 0, 'o'},
    {"quiet", 0, 0, 'q'},
    {"c-source", 1, 0, OPT_C_SOURCE},
    {"symbol", 1, 0, OPT_SYMBOL},
    {"legacy", 0, 0, OPT_LEGACY},
    {"allow-empty", 0, 0, OPT_ALLOW_EMPTY},
    {"allow-non-ca", 0, 0, OPT_ALLOW_NON_CA},
    {"help", 0, 0, 'h'},
    {0, 0, 0, 0},
};

static size_t max_certs(const char *arg)
{
    char *end;
    unsigned long n = strtoul(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || n == 0) {
        fprintf(stderr, PROG ": error: --max-certs needs a positive number\n");
        exit(2);
    }
    return (size_t)n;
}

static void parse_args(int argc, char **argv, tool_opts_t *o)
{
    int c;
    /* "-" first: plain arguments come back in order (code 1), so inputs keep their order. */
    while ((c = getopt_long(argc, argv, "-i:a:f:m:o:qh", s_opts, NULL)) != -1) {
        switch (c) {
        case 1:
        case 'i': add_input(o, optarg, true); break;
        case 'a': add_input(o, optarg, false); break;
        case 'f': o->cfg.filter_csv = optarg; break;
        case 'm': o->cfg.max_certs = max_certs(optarg); break;
        case 'o': o->output = optarg; break;
        case 'q': o->quiet = true; break;
        case OPT_C_SOURCE: o->c_source = optarg; break;
        case OPT_SYMBOL: o->symbol = optarg; break;
        case OPT_LEGACY: o->cfg.format = ESP_CRT_BUNDLE_FMT_LEGACY; break;
        case OPT_ALLOW_EMPTY: o->cfg.allow_empty = true; break;
        case OPT_ALLOW_NON_CA: o->cfg.allow_non_ca = true; break;
        default: usage();
        }
    }
    if (o->cfg.input_count == 0 && !o->cfg.allow_empty) {
        usage();
    }
}

/* C source: the bundle as a const array and its size, for the library's default bundle. */
static char *c_source_text(const char *sym, const uint8_t *data, size_t len, size_t *text_len)
{
    /* per byte: "0x%02x," and a separator of at most 5 characters ("\n    ") */
    size_t cap = 512 + 4 * strlen(sym) + len * 10;
    char *text = malloc(cap);
    if (text == NULL) {
        return NULL;
    }
    size_t n = (size_t)snprintf(text, cap,
                                "/* Generated by " PROG ". Do not edit. */\n"
                                "#include <stddef.h>\n#include <stdint.h>\n\n"
                                "extern const uint8_t %s[];\nextern const size_t %s_size;\n\n"
                                "const uint8_t %s[%zu] = {",
                                sym, sym, sym, len ? len : 1);
    for (size_t i = 0; i < len; i++) {
        n += (size_t)snprintf(text + n, cap - n, "%s0x%02x,", i % 16 ? " " : "\n    ", data[i]);
    }
    n += (size_t)snprintf(text + n, cap - n, "%s};\nconst size_t %s_size = %zu;\n",
                          len ? "\n" : "0", sym, len);
    *text_len = n;
    return text;
}

static int write_outputs(tool_opts_t *o, const uint8_t *data, size_t len)
{
    if (esp_crt_bundle_write_file(o->output, data, len, on_message, o) != ESP_OK) {
        return 1;
    }
    if (o->c_source == NULL) {
        return 0;
    }
    size_t text_len = 0;
    char *text = c_source_text(o->symbol, data, len, &text_len);
    if (text == NULL) {
        fprintf(stderr, PROG ": error: out of memory\n");
        return 1;
    }
    esp_err_t rc = esp_crt_bundle_write_file(o->c_source, text, text_len, on_message, o);
    free(text);
    return rc == ESP_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    static tool_opts_t o = {.output = "x509_crt_bundle", .symbol = "esp_crt_bundle_default"};
    parse_args(argc, argv, &o);
    o.cfg.inputs = o.inputs;
    o.cfg.msg = on_message;
    o.cfg.msg_ctx = &o;
    uint8_t *data = NULL;
    size_t len = 0, count = 0;
    if (esp_crt_bundle_build(&o.cfg, &data, &len, &count) != ESP_OK) {
        fprintf(stderr, PROG ": error: no bundle written\n");
        return 1;
    }
    int status = write_outputs(&o, data, len);
    if (status == 0 && !o.quiet) {
        fprintf(stderr, PROG ": wrote %s (%zu certificates)\n", o.output, count);
    }
    esp_crt_bundle_build_free(data);
    return status;
}
