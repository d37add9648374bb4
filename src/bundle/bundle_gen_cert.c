// SPDX-License-Identifier: Apache-2.0
/*
 * Generator: from one DER certificate to a bundle entry (subject name + public key).
 *
 * The two fields are cut out of the certificate's TBSCertificate (RFC 5280 §4.1) with a small
 * DER walk rather than a full X.509 parse, so that a root Mbed TLS cannot fully parse still
 * lands in the bundle, as it would with ESP-IDF's generator. The bytes are the certificate's
 * own, which is what ESP-IDF's generator re-encodes for DER-valid certificates.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../mem/mem.h"
#include "bundle_gen_priv.h"
#include "mbedtls/asn1.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"

#define SEQ (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)
#define EXPLICIT_0 (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | 0)
#define FIELD_MAX 0xffff

typedef struct {
    const uint8_t *p;
    size_t len;
} span_t;

void gen_msg(const gen_ctx_t *g, esp_crt_bundle_msg_level_t level, const char *fmt, ...)
{
    if (g->cfg->msg == NULL) {
        return;
    }
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    g->cfg->msg(g->cfg->msg_ctx, level, buf);
}

char *gen_strdup(const char *s, size_t len)
{
    char *d = esp_tls_mem_calloc(1, len + 1);
    if (d != NULL) {
        memcpy(d, s, len);
    }
    return d;
}

/* Skip one element with tag @p tag; its whole TLV in *@p out if asked. */
static int skip(unsigned char **p, const unsigned char *end, int tag, span_t *out)
{
    unsigned char *start = *p;
    size_t len;
    int ret = mbedtls_asn1_get_tag(p, end, &len, tag);
    if (ret != 0) {
        return ret;
    }
    *p += len;
    if (out != NULL) {
        out->p = start;
        out->len = (size_t)(*p - start);
    }
    return 0;
}

/* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } spanning the
 * whole input; tbsCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature,
 * issuer, validity, subject, subjectPublicKeyInfo, ... }. */
static const char *cert_fields(const uint8_t *der, size_t der_len, span_t *name, span_t *key)
{
    unsigned char *p = (unsigned char *)der;
    const unsigned char *end = der + der_len;
    size_t len;
    if (mbedtls_asn1_get_tag(&p, end, &len, SEQ) != 0 || p + len != end) {
        return "not a DER certificate (the outer SEQUENCE does not span the data: truncated, "
               "or bytes after it)";
    }
    unsigned char *tbs = p;
    if (mbedtls_asn1_get_tag(&tbs, end, &len, SEQ) != 0) {
        return "not a DER certificate (no TBSCertificate)";
    }
    const unsigned char *tbs_end = tbs + len;
    if (tbs < tbs_end && *tbs == EXPLICIT_0 && skip(&tbs, tbs_end, EXPLICIT_0, NULL) != 0) {
        return "broken DER in the version field";
    }
    if (skip(&tbs, tbs_end, MBEDTLS_ASN1_INTEGER, NULL) != 0 ||
        skip(&tbs, tbs_end, SEQ, NULL) != 0 || skip(&tbs, tbs_end, SEQ, NULL) != 0 ||
        skip(&tbs, tbs_end, SEQ, NULL) != 0) {
        return "broken DER before the subject (serial, algorithm, issuer or validity)";
    }
    if (skip(&tbs, tbs_end, SEQ, name) != 0 || skip(&tbs, tbs_end, SEQ, key) != 0) {
        return "broken DER in the subject or the public key";
    }
    p = (unsigned char *)tbs_end;
    if (skip(&p, end, SEQ, NULL) != 0 || skip(&p, end, MBEDTLS_ASN1_BIT_STRING, NULL) != 0 ||
        p != end) {
        return "broken DER after the TBSCertificate (signature algorithm or value)";
    }
    return NULL;
}

static esp_err_t grow(gen_ctx_t *g)
{
    if (g->count < g->cap) {
        return ESP_OK;
    }
    size_t cap = g->cap ? g->cap * 2 : 64;
    gen_cert_t *certs = esp_tls_mem_calloc(cap, sizeof(*certs));
    if (certs == NULL) {
        return ESP_ERR_NO_MEM;
    }
    if (g->count > 0) {
        memcpy(certs, g->certs, g->count * sizeof(*certs));
    }
    esp_tls_mem_free(g->certs);
    g->certs = certs;
    g->cap = cap;
    return ESP_OK;
}

/* A root whose key Mbed TLS cannot load is kept (as ESP-IDF would) but can never anchor. */
static void warn_unusable_key(const gen_ctx_t *g, const gen_item_t *it, span_t key)
{
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    int ret = mbedtls_pk_parse_public_key(&pk, key.p, key.len);
    mbedtls_pk_free(&pk);
    if (ret != 0) {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_WARNING,
                "%s: certificate #%zu: its public key type is not supported by Mbed TLS "
                "(-0x%04x); it is kept but cannot verify anything",
                it->path, it->index, (unsigned)-ret);
    }
}

static esp_err_t store(gen_ctx_t *g, const gen_item_t *it, span_t name, span_t key)
{
    if (g->count >= g->max_certs) {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR,
                "%s: certificate #%zu is one more than the maximum of %zu certificates "
                "(--max-certs, CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_MAX_CERTS)",
                it->path, it->index, g->max_certs);
        return ESP_ERR_INVALID_SIZE;
    }
    if (grow(g) != ESP_OK) {
        return ESP_ERR_NO_MEM;
    }
    uint8_t *data = esp_tls_mem_calloc(1, name.len + key.len);
    if (data == NULL) {
        return ESP_ERR_NO_MEM;
    }
    memcpy(data, name.p, name.len);
    memcpy(data + name.len, key.p, key.len);
    g->certs[g->count] = (gen_cert_t){data, name.len, key.len, g->count};
    g->count++;
    return ESP_OK;
}

/* A CA: v3 with basicConstraints cA TRUE, and keyCertSign if it has a keyUsage. NULL if so, else
 * why not. A certificate Mbed TLS cannot parse is not judged (it cannot anchor anything). */
static const char *not_ca_reason(const gen_item_t *it, char *subject, size_t size)
{
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    const char *why = NULL;
    subject[0] = '\0';
    if (mbedtls_x509_crt_parse_der(&crt, it->der, it->der_len) == 0) {
        if (mbedtls_x509_dn_gets(subject, size, &crt.subject) < 0) {
            subject[0] = '\0';
        }
        if (crt.version != 3) {
            why = "an X.509 v1/v2 certificate cannot say it is a CA";
        } else if (mbedtls_x509_crt_get_ca_istrue(&crt) != 1) {
            why = "its basicConstraints do not say cA TRUE (a server or client certificate?)";
        } else if (mbedtls_x509_crt_check_key_usage(&crt, MBEDTLS_X509_KU_KEY_CERT_SIGN) != 0) {
            why = "its keyUsage does not allow keyCertSign";
        }
    }
    mbedtls_x509_crt_free(&crt);
    return why;
}

static esp_err_t check_ca(const gen_ctx_t *g, const gen_item_t *it)
{
    char subject[256];
    const char *why = not_ca_reason(it, subject, sizeof(subject));
    if (why == NULL) {
        return ESP_OK;
    }
    if (g->cfg->allow_non_ca) {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_WARNING,
                "%s: certificate #%zu (%s) is not a CA: %s; kept because of --allow-non-ca: "
                "anything its key signs will be trusted, for any name",
                it->path, it->index, subject, why);
        return ESP_OK;
    }
    gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR,
            "%s: certificate #%zu (%s) is not a CA: %s. A bundle keeps only a name and a key, so "
            "it would trust anything that key signs, for any name; add only root CAs "
            "(--allow-non-ca keeps it anyway)",
            it->path, it->index, subject, why);
    return ESP_ERR_INVALID_ARG;
}

esp_err_t gen_add_item(gen_ctx_t *g, const gen_item_t *it, bool filtered)
{
    if (filtered && g->labels != NULL && !gen_filter_keeps(g, it->label)) {
        return ESP_OK;
    }
    span_t name, key;
    const char *why = cert_fields(it->der, it->der_len, &name, &key);
    if (why != NULL) {
        if (it->line != 0) {
            gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR, "%s:%u: certificate #%zu: %s", it->path, it->line,
                    it->index, why);
        } else {
            gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR, "%s: %s", it->path, why);
        }
        return ESP_ERR_INVALID_ARG;
    }
    if (name.len > FIELD_MAX || key.len > FIELD_MAX) {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR,
                "%s: certificate #%zu: its subject or key is longer than 65535 bytes", it->path,
                it->index);
        return ESP_ERR_INVALID_SIZE;
    }
    esp_err_t rc = check_ca(g, it);
    if (rc != ESP_OK) {
        return rc;
    }
    warn_unusable_key(g, it, key);
    return store(g, it, name, key);
}
