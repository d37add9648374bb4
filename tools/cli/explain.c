// SPDX-License-Identifier: Apache-2.0
/*
 * esp-tls explain CODE [FLAGS]: what an error code means and what to change.
 * CODE >= 0x8000 is an esp_err_t (ESP_ERR_ESP_TLS_*), anything else an Mbed TLS code (either
 * sign); FLAGS are X.509 verification flags.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char s_help[] =
    "usage: esp-tls explain [--json] CODE [FLAGS]\n"
    "Explain an error: CODE >= 0x8000 is an esp_err_t (0x8006), others are Mbed TLS codes\n"
    "(-0x7200 or 0x7200); FLAGS are X.509 verification flags (0x04). Numbers may be hex (0x)\n"
    "or decimal. Examples: esp-tls explain -0x7200; esp-tls explain 0x2700 0x04\n"
    "Exit: 0 explained, 1 no code is known, 2 usage.\n";

static bool parse_code(const char *s, long *out)
{
    return cli_parse_long(s, -0xFFFFFFFL, 0xFFFFFFFL, out);
}

static void print_json(esp_err_t err, int code, uint32_t flags, esp_err_t rc,
                       const esp_tls_explanation_t *why)
{
    cli_json_t j;
    cli_json_begin(&j, stdout);
    cli_json_str(&j, "command", "explain");
    cli_json_hex(&j, "esp_err", err);
    cli_json_str(&j, "esp_err_name", err != 0 ? esp_err_to_name(err) : NULL);
    cli_json_hex(&j, "mbedtls_code", code == 0 ? 0 : -(long long)abs(code));
    cli_json_hex(&j, "flags", flags);
    cli_json_bool(&j, "known", rc == ESP_OK);
    cli_json_str(&j, "cause", why->cause);
    cli_json_str(&j, "fix", why->fix);
    cli_json_end(&j);
}

/* Options are few; no getopt, so that -0x7200 is taken as a code, not as options. */
static int parse_args(int argc, char **argv, bool *json, const char **args, int *n)
{
    *n = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(s_help, stdout);
            return -1;
        }
        if (strcmp(argv[i], "--json") == 0) {
            *json = true;
        } else if (strncmp(argv[i], "--", 2) == 0 || *n == 2) {
            return cli_usage_error("explain", "unexpected argument %s", argv[i]);
        } else {
            args[(*n)++] = argv[i];
        }
    }
    return CLI_OK;
}

int cli_explain(int argc, char **argv)
{
    bool json = false;
    const char *args[2];
    int n = 0;
    int rc0 = parse_args(argc, argv, &json, args, &n);
    if (rc0 != CLI_OK) {
        return rc0 < 0 ? CLI_OK : rc0;
    }
    long code = 0, flags = 0;
    if (n == 0 || !parse_code(args[0], &code) ||
        (n == 2 && !cli_parse_long(args[1], 0, 0xFFFFFFFFL, &flags))) {
        return cli_usage_error("explain", "want CODE [FLAGS] (numbers, e.g. -0x7200 0x04)");
    }
    esp_err_t err = code >= 0x8000 ? (esp_err_t)code : ESP_OK;
    int mbed = code >= 0x8000 ? 0 : (int)-labs(code);
    esp_tls_explanation_t why;
    esp_err_t rc = esp_tls_explain_codes(err, mbed, (uint32_t)flags, &why);
    if (json) {
        print_json(err, mbed, (uint32_t)flags, rc, &why);
    } else {
        printf("cause: %s\n", why.cause);
        printf("fix:   %s\n", why.fix[0] != '\0' ? why.fix : "(nothing to change)");
    }
    return rc == ESP_OK ? CLI_OK : CLI_FAIL;
}
