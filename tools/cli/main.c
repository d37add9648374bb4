// SPDX-License-Identifier: Apache-2.0
/*
 * esp-tls: the command-line tool of esp-tls for POSIX (s_client, s_server and verify of this
 * library). One subcommand per file; docs/cli.md describes them, their exit codes and --json.
 */
#include <string.h>

#include "cli.h"
#include "mbedtls/version.h"

#ifndef ESP_TLS_CLI_VERSION
#define ESP_TLS_CLI_VERSION "unknown"
#endif

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *what;
    bool quiet; /* explains failures itself: the library's log lines off unless asked for */
} command_t;

static const command_t s_commands[] = {
    {"client", cli_client, "connect to a TLS server (s_client)", true},
    {"get", cli_get, "fetch a URL with esp_http_client (curl)", true},
    {"server", cli_server, "accept TLS connections (s_server)", true},
    {"verify", cli_verify, "verify a certificate chain as a handshake would", true},
    {"bundle", cli_bundle, "build, list or check a certificate bundle", false},
    {"explain", cli_explain, "explain an error code and X.509 flags", false},
    {"config", cli_config, "the compiled configuration", false},
    {"ota", cli_ota, "esp_https_ota into a flash file (--flash FILE)", false},
    {"demo", cli_demo, "a loopback mutual-TLS session and a failure, explained", false},
};

#define COMMAND_COUNT (sizeof(s_commands) / sizeof(s_commands[0]))

static void help(FILE *f)
{
    fprintf(f, "usage: esp-tls COMMAND [options]   (esp-tls COMMAND --help for its options)\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        fprintf(f, "  %-8s %s\n", s_commands[i].name, s_commands[i].what);
    }
    fprintf(f, "  --version  the versions of esp-tls and Mbed TLS\n");
    fprintf(f, "Exit: 0 ok, 1 TLS or verification failure, 2 usage, 3 network.\n");
    fprintf(f, "Environment: ESP_TLS_LOG=tag:level,...  ESP_TLS_MBEDTLS_DEBUG=0..4  "
               "SSLKEYLOGFILE=FILE\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        help(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        help(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("esp-tls %s (Mbed TLS %s)\n", ESP_TLS_CLI_VERSION, MBEDTLS_VERSION_STRING);
        return CLI_OK;
    }
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(argv[1], s_commands[i].name) == 0) {
            cli_logs_from_env(s_commands[i].quiet);
            return s_commands[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "esp-tls: unknown command '%s'\n", argv[1]);
    help(stderr);
    return CLI_USAGE;
}
