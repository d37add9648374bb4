// SPDX-License-Identifier: Apache-2.0
/*
 * Options that client and server share: --ciphers and --debug.
 *
 * --ciphers takes IANA names or numbers. Mapping Mbed TLS's own names needs
 * mbedtls_ssl_get_ciphersuite_id(), which is not esp-tls API, so the tool keeps this table of
 * the suites people ask for by name; any other suite can be given by number (0xC0AC). Either
 * way the suite must be in esp_tls_get_ciphersuites_list() (built into Mbed TLS).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "esp_log.h"

typedef struct {
    int id;
    const char *name;
} suite_name_t;

static const suite_name_t s_suites[] = {
    {0x1301, "TLS_AES_128_GCM_SHA256"},
    {0x1302, "TLS_AES_256_GCM_SHA384"},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256"},
    {0x1304, "TLS_AES_128_CCM_SHA256"},
    {0x1305, "TLS_AES_128_CCM_8_SHA256"},
    {0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
    {0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
    {0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"},
    {0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"},
    {0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"},
    {0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"},
    {0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"},
    {0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384"},
    {0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0x00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256"},
    {0x00A9, "TLS_PSK_WITH_AES_256_GCM_SHA384"},
};

const char *cli_cipher_name(int id)
{
    for (size_t i = 0; i < sizeof(s_suites) / sizeof(s_suites[0]); i++) {
        if (s_suites[i].id == id) {
            return s_suites[i].name;
        }
    }
    return NULL;
}

static int suite_id(const char *name)
{
    long v;
    if (cli_parse_long(name, 1, 0xFFFF, &v)) {
        return (int)v;
    }
    for (size_t i = 0; i < sizeof(s_suites) / sizeof(s_suites[0]); i++) {
        if (strcasecmp(s_suites[i].name, name) == 0) {
            return s_suites[i].id;
        }
    }
    return 0;
}

static bool built_in(int id)
{
    for (const int *p = esp_tls_get_ciphersuites_list(); p != NULL && *p != 0; p++) {
        if (*p == id) {
            return true;
        }
    }
    return false;
}

bool cli_parse_ciphers(const char *cmd, char *list, int *ids, int max)
{
    const char *names[33];
    int n = cli_split_list(list, names, max < 32 ? max : 32);
    if (n <= 0) {
        cli_usage_error(cmd, "--ciphers: a comma list of at most %d suites", max);
        return false;
    }
    for (int i = 0; i < n; i++) {
        ids[i] = suite_id(names[i]);
        if (ids[i] == 0) {
            cli_usage_error(cmd, "--ciphers: unknown suite %s (IANA name or number, e.g. 0x1301)",
                            names[i]);
            return false;
        }
        if (!built_in(ids[i])) {
            cli_usage_error(cmd, "--ciphers: %s (0x%04X) is not built into this Mbed TLS", names[i],
                            (unsigned)ids[i]);
            return false;
        }
    }
    ids[n] = 0;
    return true;
}

void cli_logs_from_env(bool quiet)
{
    const char *spec = getenv("ESP_TLS_LOG");
    bool applied = spec != NULL && spec[0] != '\0' && esp_tls_log_configure(spec) == ESP_OK;
    if (quiet && !applied) {
        esp_log_level_set("*", ESP_LOG_NONE);
    }
    const char *debug = getenv("ESP_TLS_MBEDTLS_DEBUG");
    long level;
    if (debug == NULL || debug[0] == '\0') {
        return;
    }
    if (!cli_parse_decimal(debug, 0, 4, &level)) {
        fprintf(stderr, "esp-tls: ESP_TLS_MBEDTLS_DEBUG=%s ignored: want 0..4\n", debug);
        return;
    }
    esp_tls_set_mbedtls_debug_level((int)level);
}

bool cli_set_debug(const char *cmd, const char *level)
{
    long v;
    if (!cli_parse_long(level, 0, 4, &v)) {
        cli_usage_error(cmd, "--debug wants a level 0..4 (Mbed TLS debug threshold)");
        return false;
    }
    esp_tls_set_mbedtls_debug_level((int)v);
    esp_tls_log_configure(v > 0 ? "*:debug" : "*:info");
    return true;
}
