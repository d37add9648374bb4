// SPDX-License-Identifier: Apache-2.0
/*
 * Raw access to a parsed certificate's extensions. Mbed TLS 3.6 parses the extensions it knows
 * into fields but keeps neither their criticality nor the ones it does not know; the Web PKI
 * rules need both, so they read the DER that Mbed TLS keeps (v3_ext).
 */
#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/oid.h"
#include "policy.h"

/* One Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET
 * STRING } (RFC 5280 §4.1). Mbed TLS already checked the syntax when it parsed the
 * certificate; a failure here only ends the search. */
static int next_ext(unsigned char **p, const unsigned char *end, mbedtls_x509_buf *oid,
                    mbedtls_x509_buf *value, bool *critical)
{
    size_t len;
    int crit = 0;
    if (mbedtls_asn1_get_tag(p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0) {
        return -1;
    }
    const unsigned char *ext_end = *p + len;
    if (mbedtls_asn1_get_tag(p, ext_end, &oid->len, MBEDTLS_ASN1_OID) != 0) {
        return -1;
    }
    oid->p = *p;
    *p += oid->len;
    int ret = mbedtls_asn1_get_bool(p, ext_end, &crit);
    if (ret != 0 && ret != MBEDTLS_ERR_ASN1_UNEXPECTED_TAG) {
        return -1;
    }
    if (mbedtls_asn1_get_tag(p, ext_end, &value->len, MBEDTLS_ASN1_OCTET_STRING) != 0) {
        return -1;
    }
    value->p = *p;
    *p = (unsigned char *)ext_end;
    *critical = crit != 0;
    return 0;
}

/* What walk_exts() found: the visitor stopped it, it ran to the end, or the DER is malformed. */
typedef enum { EXT_HIT, EXT_END, EXT_MALFORMED } ext_walk_t;

/* Calls @p visit on each extension of @p crt until it returns true. */
static ext_walk_t walk_exts(const mbedtls_x509_crt *crt,
                            bool (*visit)(void *ctx, const mbedtls_x509_buf *oid,
                                          const mbedtls_x509_buf *value, bool critical),
                            void *ctx)
{
    if (crt->version != 3 || crt->v3_ext.p == NULL) {
        return EXT_END;
    }
    unsigned char *p = crt->v3_ext.p;
    const unsigned char *end = p + crt->v3_ext.len;
    size_t len;
    if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) !=
        0) {
        return EXT_MALFORMED;
    }
    end = p + len;
    while (p < end) {
        mbedtls_x509_buf id, value;
        bool critical;
        if (next_ext(&p, end, &id, &value, &critical) != 0) {
            return EXT_MALFORMED;
        }
        if (visit(ctx, &id, &value, critical)) {
            return EXT_HIT;
        }
    }
    return EXT_END;
}

typedef struct {
    const char *oid;
    size_t oid_len;
    mbedtls_x509_buf *value;
    bool *critical;
} find_ctx_t;

static bool is_wanted(void *ctx, const mbedtls_x509_buf *oid, const mbedtls_x509_buf *value,
                      bool critical)
{
    find_ctx_t *f = ctx;
    if (oid->len != f->oid_len || memcmp(oid->p, f->oid, f->oid_len) != 0) {
        return false;
    }
    *f->value = *value;
    *f->critical = critical;
    return true;
}

bool esp_tls_x509_find_ext(const mbedtls_x509_crt *crt, const char *oid, size_t oid_len,
                           mbedtls_x509_buf *value, bool *critical)
{
    find_ctx_t f = {oid, oid_len, value, critical};
    return walk_exts(crt, is_wanted, &f) == EXT_HIT;
}

/* Extensions whose meaning is enforced: by Mbed TLS (it parses them into fields), or by the
 * policy (nameConstraints). */
static bool known_ext(const mbedtls_x509_buf *oid)
{
    static const struct {
        const char *oid;
        size_t len;
    } known[] = {
#define K(o) {o, MBEDTLS_OID_SIZE(o)}
        K(MBEDTLS_OID_BASIC_CONSTRAINTS),      K(MBEDTLS_OID_KEY_USAGE),
        K(MBEDTLS_OID_EXTENDED_KEY_USAGE),     K(MBEDTLS_OID_SUBJECT_ALT_NAME),
        K(MBEDTLS_OID_NAME_CONSTRAINTS),       K(MBEDTLS_OID_CERTIFICATE_POLICIES),
        K(MBEDTLS_OID_SUBJECT_KEY_IDENTIFIER), K(MBEDTLS_OID_AUTHORITY_KEY_IDENTIFIER),
        K(MBEDTLS_OID_NS_CERT_TYPE),
#undef K
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (oid->len == known[i].len && memcmp(oid->p, known[i].oid, oid->len) == 0) {
            return true;
        }
    }
    return false;
}

static bool is_unknown_critical(void *ctx, const mbedtls_x509_buf *oid,
                                const mbedtls_x509_buf *value, bool critical)
{
    (void)ctx;
    (void)value;
    return critical && !known_ext(oid);
}

/* A malformed extension list counts as an unknown critical extension: fail closed. */
bool esp_tls_x509_unknown_critical(const mbedtls_x509_crt *crt)
{
    return walk_exts(crt, is_unknown_critical, NULL) != EXT_END;
}

bool esp_tls_x509_self_issued(const mbedtls_x509_crt *crt)
{
    return crt->issuer_raw.len == crt->subject_raw.len &&
           memcmp(crt->issuer_raw.p, crt->subject_raw.p, crt->subject_raw.len) == 0;
}
