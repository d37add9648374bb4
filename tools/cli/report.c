// SPDX-License-Identifier: Apache-2.0
/* Reporting: captured error codes with their explanation, and certificate summaries. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define SSL_ALLOC_FAILED 0x7F00 /* MBEDTLS_ERR_SSL_ALLOC_FAILED, positive as captured */

/*
 * ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED with an Mbed TLS code other than "out of memory" is
 * the library's check that the key belongs to the certificate. The code is that of the check
 * (an EC key of another certificate gives -0x4F80, "ECP - Bad input parameters"), and
 * esp_tls_explain() explains the code, not the check: say what failed.
 */
static void explain_own_cert(cli_error_t *e)
{
    if (e->err != ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED || e->code == SSL_ALLOC_FAILED) {
        return;
    }
    snprintf(e->why.cause, sizeof(e->why.cause),
             "the private key does not belong to the certificate (the key pair check failed "
             "with -0x%04X)",
             (unsigned)e->code);
    snprintf(e->why.fix, sizeof(e->why.fix),
             "give the key of that certificate: `openssl x509 -noout -pubkey -in CERT` and "
             "`openssl pkey -pubout -in KEY` must print the same key");
}

void cli_error_capture(esp_tls_error_handle_t h, cli_error_t *e)
{
    memset(e, 0, sizeof(*e));
    /* explain first: reading the codes below clears them */
    esp_tls_explain(h, &e->why);
    esp_tls_get_and_clear_error_type(h, ESP_TLS_ERR_TYPE_SYSTEM, &e->sys);
    e->err = esp_tls_get_and_clear_last_error(h, &e->code, &e->flags);
    explain_own_cert(e);
}

int cli_error_exit(const cli_error_t *e)
{
    switch (e->err) {
    case ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME:
    case ESP_ERR_ESP_TLS_CANNOT_CREATE_SOCKET:
    case ESP_ERR_ESP_TLS_UNSUPPORTED_PROTOCOL_FAMILY:
    case ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST:
    case ESP_ERR_ESP_TLS_SOCKET_SETOPT_FAILED:
    case ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT: return CLI_NET;
    default: return CLI_FAIL;
    }
}

void cli_error_print(FILE *f, const cli_error_t *e)
{
    fprintf(f, e->err < 0 ? "error: %d (%s)" : "error: 0x%x (%s)", e->err, esp_err_to_name(e->err));
    if (e->code != 0) {
        fprintf(f, ", mbedtls -0x%04x", (unsigned)e->code);
    }
    if (e->flags != 0) {
        fprintf(f, ", flags 0x%x", (unsigned)e->flags);
    }
    if (e->sys != 0) {
        fprintf(f, ", errno %d (%s)", e->sys, strerror(e->sys));
    }
    fprintf(f, "\ncause: %s\n", e->why.cause);
    if (e->why.fix[0] != '\0') {
        fprintf(f, "fix:   %s\n", e->why.fix);
    }
}

void cli_error_json(cli_json_t *j, const char *key, const cli_error_t *e)
{
    cli_json_object(j, key);
    cli_json_hex(j, "esp_err", e->err);
    cli_json_str(j, "esp_err_name", esp_err_to_name(e->err));
    cli_json_hex(j, "mbedtls_code", -(long long)e->code);
    cli_json_hex(j, "flags", (unsigned)e->flags);
    cli_json_int(j, "errno", e->sys);
    cli_json_str(j, "cause", e->why.cause);
    cli_json_str(j, "fix", e->why.fix);
    cli_json_close(j, '}');
}

/* The PEM text of a certificate (malloc'd), or NULL. */
static char *to_pem(const unsigned char *der, size_t len)
{
    size_t need = 0;
    char none[1];
    esp_tls_cert_to_pem(der, len, none, 0, &need);
    char *pem = malloc(need + 1);
    size_t olen = 0;
    if (pem != NULL && esp_tls_cert_to_pem(der, len, pem, need + 1, &olen) != ESP_OK) {
        free(pem);
        pem = NULL;
    }
    return pem;
}

void cli_cert_print(FILE *f, int index, const unsigned char *der, size_t len, bool pem)
{
    esp_tls_cert_info_t i;
    if (esp_tls_cert_describe(der, len, &i) != ESP_OK) {
        fprintf(f, "  [%d] (%zu bytes, does not parse)\n", index, len);
        return;
    }
    fprintf(f, "  [%d] subject: %s\n", index, i.subject);
    fprintf(f, "      issuer:  %s\n", i.issuer);
    if (i.san[0] != '\0') {
        fprintf(f, "      san:     %s\n", i.san);
    }
    fprintf(f, "      valid:   %s .. %s UTC\n", i.not_before, i.not_after);
    fprintf(f, "      key:     %s, %s%s\n", i.key, i.sig_alg, i.is_ca ? ", CA" : "");
    fprintf(f, "      sha256:  %s\n", i.sha256);
    char *text = pem ? to_pem(der, len) : NULL;
    if (text != NULL) {
        fputs(text, f);
        free(text);
    }
}

void cli_cert_json(cli_json_t *j, const unsigned char *der, size_t len, bool pem)
{
    esp_tls_cert_info_t i;
    cli_json_object(j, NULL);
    bool ok = esp_tls_cert_describe(der, len, &i) == ESP_OK;
    cli_json_bool(j, "parsed", ok);
    if (ok) {
        cli_json_str(j, "subject", i.subject);
        cli_json_str(j, "issuer", i.issuer);
        cli_json_str(j, "san", i.san);
        cli_json_str(j, "not_before", i.not_before);
        cli_json_str(j, "not_after", i.not_after);
        cli_json_str(j, "key", i.key);
        cli_json_str(j, "sig_alg", i.sig_alg);
        cli_json_str(j, "sha256", i.sha256);
        cli_json_int(j, "version", i.version);
        cli_json_bool(j, "is_ca", i.is_ca);
    }
    char *text = pem ? to_pem(der, len) : NULL;
    if (text != NULL) {
        cli_json_str(j, "pem", text);
        free(text);
    }
    cli_json_close(j, '}');
}
