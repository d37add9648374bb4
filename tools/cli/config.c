// SPDX-License-Identifier: Apache-2.0
/*
 * esp-tls config: the configuration this tool (and its library) was compiled with: the
 * CONFIG_ESP_TLS_* and CONFIG_MBEDTLS_* values of the generated sdkconfig.h (the table is
 * generated from that header by tools/cli/CMakeLists.txt) and the Mbed TLS version.
 */
#include <string.h>

#include "cli.h"
#include "mbedtls/version.h"

typedef struct {
    const char *name;
    const char *value;
} cli_config_entry_t;

/* generated: config_table.c */
extern const cli_config_entry_t cli_config_table[];
extern const size_t cli_config_count;

#ifndef ESP_TLS_CLI_VERSION
#define ESP_TLS_CLI_VERSION "unknown"
#endif

static const char s_help[] = "usage: esp-tls config [--json]\n"
                             "Print the compiled configuration: the esp-tls version, the Mbed "
                             "TLS version, and the\nCONFIG_ESP_TLS_* and CONFIG_MBEDTLS_* values "
                             "of sdkconfig.h (\"y\" for booleans).\n"
                             "Exit: 0, or 2 for a usage error.\n";

/* Booleans are 1 in sdkconfig.h; show them as sdkconfig does. */
static const char *shown(const char *value)
{
    return strcmp(value, "1") == 0 ? "y" : value;
}

static void print_json(void)
{
    cli_json_t j;
    cli_json_begin(&j, stdout);
    cli_json_str(&j, "command", "config");
    cli_json_str(&j, "esp_tls_version", ESP_TLS_CLI_VERSION);
    cli_json_str(&j, "mbedtls_version", MBEDTLS_VERSION_STRING);
    cli_json_int(&j, "mbedtls_version_number", MBEDTLS_VERSION_NUMBER);
    cli_json_object(&j, "config");
    for (size_t i = 0; i < cli_config_count; i++) {
        const char *v = shown(cli_config_table[i].value);
        size_t len = strlen(v);
        if (len >= 2 && v[0] == '"') { /* a string: without its quotes */
            cli_json_strn(&j, cli_config_table[i].name, v + 1, len - 2);
        } else {
            cli_json_str(&j, cli_config_table[i].name, v);
        }
    }
    cli_json_close(&j, '}');
    cli_json_end(&j);
}

int cli_config(int argc, char **argv)
{
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(s_help, stdout);
            return CLI_OK;
        }
        if (strcmp(argv[i], "--json") != 0) {
            return cli_usage_error("config", "unexpected argument %s", argv[i]);
        }
        json = true;
    }
    if (json) {
        print_json();
        return CLI_OK;
    }
    printf("esp-tls %s, Mbed TLS %s\n", ESP_TLS_CLI_VERSION, MBEDTLS_VERSION_STRING);
    for (size_t i = 0; i < cli_config_count; i++) {
        printf("%s=%s\n", cli_config_table[i].name, shown(cli_config_table[i].value));
    }
    return CLI_OK;
}
