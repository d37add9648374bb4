// SPDX-License-Identifier: Apache-2.0
/*
 * Certificate files as the tool reads them: PEM (any number of CERTIFICATE blocks) or DER (one
 * or more concatenated certificates), held as DER. Base64 and the DER length are decoded here,
 * so that no Mbed TLS call is needed; the PEM form comes from esp_tls_cert_to_pem().
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"
#define PEM_END "-----END CERTIFICATE-----"

static int b64_value(unsigned char c)
{
    static const char *const alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c != '\0' ? strchr(alphabet, c) : NULL;
    return p != NULL ? (int)(p - alphabet) : -1;
}

/* Base64 text (whitespace ignored, '=' ends it) to bytes appended to @p out. */
static bool b64_decode(const char *s, size_t len, cli_buf_t *out)
{
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len && s[i] != '='; i++) {
        int v = b64_value((unsigned char)s[i]);
        if (v < 0) {
            if (s[i] == '\n' || s[i] == '\r' || s[i] == ' ' || s[i] == '\t') {
                continue;
            }
            return false;
        }
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            unsigned char byte = (unsigned char)(acc >> bits);
            if (!cli_buf_append(out, &byte, 1)) {
                return false;
            }
        }
    }
    return true;
}

/* Length of the DER element at @p p (tag, length, contents), or 0 if it does not fit. */
static size_t der_element_len(const unsigned char *p, size_t avail)
{
    if (avail < 2 || p[0] != 0x30) {
        return 0;
    }
    size_t len = p[1], hdr = 2;
    if (len & 0x80) {
        size_t n = len & 0x7f;
        if (n == 0 || n > 3 || avail < 2 + n) {
            return 0;
        }
        len = 0;
        for (size_t i = 0; i < n; i++) {
            len = (len << 8) | p[2 + i];
        }
        hdr += n;
    }
    return hdr + len <= avail ? hdr + len : 0;
}

bool cli_certs_take(cli_certs_t *set, cli_buf_t *der)
{
    if (set->count == CLI_MAX_CERTS) {
        fprintf(stderr, "esp-tls: more than %d certificates\n", CLI_MAX_CERTS);
        return false;
    }
    if (set->count == set->cap) {
        int cap = set->cap ? set->cap * 2 : 8;
        cli_buf_t *grown = realloc(set->der, (size_t)cap * sizeof(*grown));
        if (grown == NULL) {
            return false;
        }
        set->der = grown;
        set->cap = cap;
    }
    set->der[set->count++] = *der;
    *der = (cli_buf_t){0};
    return true;
}

static bool add_der(cli_certs_t *set, const unsigned char *der, size_t len)
{
    cli_buf_t b = {0};
    if (!cli_buf_append(&b, der, len) || !cli_certs_take(set, &b)) {
        cli_buf_free(&b);
        return false;
    }
    return true;
}

static bool parse_pem(cli_certs_t *set, const char *text)
{
    int before = set->count;
    for (const char *p = strstr(text, PEM_BEGIN); p != NULL; p = strstr(p, PEM_BEGIN)) {
        p += strlen(PEM_BEGIN);
        const char *end = strstr(p, PEM_END);
        cli_buf_t der = {0};
        if (end == NULL || !b64_decode(p, (size_t)(end - p), &der) ||
            der_element_len(der.data, der.len) != der.len || !add_der(set, der.data, der.len)) {
            cli_buf_free(&der);
            return false;
        }
        cli_buf_free(&der);
        p = end;
    }
    return set->count > before;
}

static bool parse_der(cli_certs_t *set, const unsigned char *data, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        size_t n = der_element_len(data + pos, len - pos);
        if (n == 0 || !add_der(set, data + pos, n)) {
            return false;
        }
        pos += n;
    }
    return len > 0;
}

bool cli_certs_parse(cli_certs_t *set, const unsigned char *data, size_t len)
{
    if (memmem(data, len, "-----BEGIN", 10) != NULL) {
        return parse_pem(set, (const char *)data);
    }
    return parse_der(set, data, len);
}

bool cli_certs_load(cli_certs_t *set, const char *path)
{
    cli_buf_t file;
    if (!cli_read_file(path, &file)) {
        return false;
    }
    bool ok = cli_certs_parse(set, file.data, file.len);
    cli_buf_free(&file);
    if (!ok) {
        fprintf(stderr, "esp-tls: %s: no certificate, or a broken one (PEM or DER expected)\n",
                path);
    }
    return ok;
}

void cli_certs_free(cli_certs_t *set)
{
    for (int i = 0; i < set->count; i++) {
        cli_buf_free(&set->der[i]);
    }
    free(set->der);
    *set = (cli_certs_t){0};
}

bool cli_certs_to_pem(const cli_certs_t *set, cli_buf_t *out)
{
    *out = (cli_buf_t){0};
    if (set->count == 0) {
        return false;
    }
    for (int i = 0; i < set->count; i++) {
        size_t need = 0;
        char small[1];
        esp_tls_cert_to_pem(set->der[i].data, set->der[i].len, small, 0, &need);
        char *pem = malloc(need + 1);
        size_t olen = 0;
        bool ok = pem != NULL &&
                  esp_tls_cert_to_pem(set->der[i].data, set->der[i].len, pem, need + 1, &olen) ==
                      ESP_OK &&
                  cli_buf_append(out, pem, olen);
        free(pem);
        if (!ok) {
            cli_buf_free(out);
            return false;
        }
    }
    out->len++; /* PEM lengths count the NUL */
    return true;
}

bool cli_certs_to_der(const cli_certs_t *set, cli_buf_t *out)
{
    *out = (cli_buf_t){0};
    for (int i = 0; i < set->count; i++) {
        if (!cli_buf_append(out, set->der[i].data, set->der[i].len)) {
            cli_buf_free(out);
            return false;
        }
    }
    return true;
}
