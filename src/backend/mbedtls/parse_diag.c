// SPDX-License-Identifier: Apache-2.0
/*
 * Why a certificate or key buffer did not parse, in words: the PEM block and byte offset that
 * failed, a missing NUL, a truncated block, the wrong kind of object, DER/PEM confusion, an
 * algorithm this build lacks. Runs only after a parse failed, so it costs nothing otherwise.
 */
#include <stdio.h>
#include <string.h>

#include "../../mem/mem.h"
#include "esp_log.h"
#include "mbedtls/error.h"
#include "mbedtls/pk.h"
#include "mbedtls_backend.h"

static const char *TAG = "esp-tls-mbedtls";

static const char BEGIN[] = "-----BEGIN ";
static const char END[] = "-----END ";

/* The label of the PEM block at @p begin ("CERTIFICATE", "PRIVATE KEY"...), into @p out. */
static void block_label(const unsigned char *begin, const unsigned char *end, char *out,
                        size_t size)
{
    const unsigned char *p = begin + strlen(BEGIN);
    size_t n = 0;
    while (p + n < end && p[n] != '-' && p[n] != '\n' && n + 1 < size) {
        n++;
    }
    memcpy(out, p, n);
    out[n] = '\0';
}

static bool label_is_key(const char *label)
{
    return strstr(label, "PRIVATE KEY") != NULL;
}

/* A block that is not what the buffer was meant to hold. */
static void check_kind(const char *what, bool want_key, const char *label, int index, size_t off)
{
    bool is_key = label_is_key(label);
    bool is_cert = strcmp(label, "CERTIFICATE") == 0 || strcmp(label, "X509 CERTIFICATE") == 0;
    if (want_key && !is_key) {
        ESP_LOGE(TAG, "%s: PEM block %d (byte offset %zu) is a \"%s\", not a private key", what,
                 index, off, label);
    } else if (!want_key && !is_cert) {
        ESP_LOGE(TAG, "%s: PEM block %d (byte offset %zu) is a \"%s\", not a certificate%s", what,
                 index, off, label, is_key ? " (a key was given where a certificate belongs)" : "");
    }
}

/* Parse one certificate block alone, to name it if it is the one that fails. */
static void check_cert_block(const char *what, const unsigned char *b, size_t n, int index,
                             size_t off)
{
    unsigned char *copy = esp_tls_mem_calloc(1, n + 1);
    if (copy == NULL) {
        return;
    }
    memcpy(copy, b, n);
    mbedtls_x509_crt one;
    mbedtls_x509_crt_init(&one);
    int ret = mbedtls_x509_crt_parse(&one, copy, n + 1);
    if (ret != 0) {
        char msg[96];
        ESP_LOGE(TAG, "%s: PEM block %d (byte offset %zu) does not parse: -0x%04X (%s)%s", what,
                 index, off, (unsigned)-ret, esp_tls_mbedtls_strerror(ret, msg, sizeof(msg)),
                 (-ret & 0xFF80) == -MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG ||
                         (-ret & 0xFF80) == -MBEDTLS_ERR_PK_UNKNOWN_PK_ALG
                     ? ": it uses an algorithm this build does not support"
                     : "");
    }
    mbedtls_x509_crt_free(&one);
    esp_tls_mem_free(copy);
}

/* Walk the PEM blocks of @p buf: truncated ones, wrong kinds, and (certificates) bad ones. */
static void diagnose_pem(const char *what, bool want_key, const unsigned char *buf, size_t len)
{
    const unsigned char *p = buf, *stop = buf + len;
    int index = 0;
    while ((p = esp_tls_mbedtls_find(p, (size_t)(stop - p), BEGIN)) != NULL) {
        index++;
        size_t off = (size_t)(p - buf);
        const unsigned char *end = esp_tls_mbedtls_find(p + 1, (size_t)(stop - p - 1), END);
        const unsigned char *next = esp_tls_mbedtls_find(p + 1, (size_t)(stop - p - 1), BEGIN);
        char label[48];
        block_label(p, stop, label, sizeof(label));
        if (end == NULL || (next != NULL && next < end)) {
            ESP_LOGE(TAG,
                     "%s: PEM block %d (\"%s\", byte offset %zu) has no END line: the "
                     "data is truncated",
                     what, index, label, off);
            return;
        }
        check_kind(what, want_key, label, index, off);
        const unsigned char *eol = esp_tls_mbedtls_find(end, (size_t)(stop - end), "\n");
        size_t n = (size_t)((eol ? eol + 1 : stop) - p);
        if (!want_key && strcmp(label, "CERTIFICATE") == 0) {
            check_cert_block(what, p, n, index, off);
        }
        p += n;
    }
}

/* Not PEM: DER confusion, a DER cut short, or something else entirely. */
static void diagnose_binary(const char *what, const unsigned char *buf, size_t len)
{
    size_t claimed = esp_tls_mbedtls_der_length(buf, len);
    if (claimed > len) {
        ESP_LOGE(TAG, "%s: DER data is cut short: %zu bytes given, its length field says %zu", what,
                 len, claimed);
    } else if (claimed != 0 && claimed < len) {
        ESP_LOGE(TAG,
                 "%s: DER data holds %zu bytes but %zu were given: pass one DER object with "
                 "its exact length",
                 what, claimed, len);
    } else if (claimed == 0) {
        ESP_LOGE(TAG, "%s: the data is neither PEM nor DER (first byte 0x%02x)", what, buf[0]);
    }
}

void esp_tls_mbedtls_diagnose_buffer(const char *what, bool want_key, const unsigned char *buf,
                                     size_t len)
{
    if (buf == NULL || len == 0) {
        return;
    }
    if (esp_tls_mbedtls_looks_like_pem(buf, len)) {
        if (buf[len - 1] != '\0') {
            ESP_LOGE(TAG,
                     "%s: PEM data must end with a NUL byte counted in its length; pass "
                     "strlen(pem) + 1 (or sizeof of the array)",
                     what);
        }
        diagnose_pem(what, want_key, buf, len);
    } else {
        diagnose_binary(what, buf, len);
    }
}
