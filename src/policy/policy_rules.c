// SPDX-License-Identifier: Apache-2.0
/*
 * Web PKI rules that Mbed TLS 3.6 does not check (docs/COMPAT.md, "Certificate policy").
 * RFC 5280 section numbers say where each rule comes from; CA/B Forum Baseline Requirements
 * (BR) where RFC 5280 allows more.
 */
#include <string.h>

#include "esp_log.h"
#include "mbedtls/asn1.h"
#include "mbedtls/oid.h"
#include "policy.h"

static const char *TAG = "esp-tls-policy";

#define BAD MBEDTLS_X509_BADCERT_OTHER

static bool ext(const mbedtls_x509_crt *crt, const char *oid, size_t len, bool *critical)
{
    mbedtls_x509_buf value;
    return esp_tls_x509_find_ext(crt, oid, len, &value, critical);
}

#define EXT(crt, oid, crit) ext(crt, oid, MBEDTLS_OID_SIZE(oid), crit)

/* A self-signed trust anchor is a root; a pinned self-signed server certificate is one too. */
static bool is_root(const policy_cert_t *c)
{
    return c->top && esp_tls_x509_self_issued(c->crt);
}

/* §4.2.1.1: AKI non-critical, with a keyIdentifier, on every certificate below the trust
 * anchor (BR 7.1.2). A self-signed root's AKI, if any, holds only its own key identifier. */
static uint32_t aki_rules(const policy_cert_t *c)
{
    const mbedtls_x509_authority *aki = &c->crt->authority_key_id;
    bool critical = false;
    if (!EXT(c->crt, MBEDTLS_OID_AUTHORITY_KEY_IDENTIFIER, &critical)) {
        return c->top ? 0 : BAD; /* a trust anchor is its name and key */
    }
    if (critical || aki->keyIdentifier.p == NULL) {
        return BAD;
    }
    if (!is_root(c)) {
        return 0;
    }
    const mbedtls_x509_buf *ski = &c->crt->subject_key_id;
    bool same = ski->p != NULL && ski->len == aki->keyIdentifier.len &&
                memcmp(ski->p, aki->keyIdentifier.p, ski->len) == 0;
    bool extra = aki->authorityCertIssuer.buf.p != NULL || aki->authorityCertSerialNumber.p != NULL;
    return same && !extra ? 0 : BAD;
}

/* §4.2.1.2: SKI non-critical, present on every CA certificate. */
static uint32_t ski_rules(const policy_cert_t *c)
{
    bool critical = false;
    if (!EXT(c->crt, MBEDTLS_OID_SUBJECT_KEY_IDENTIFIER, &critical)) {
        return c->leaf ? 0 : BAD;
    }
    return critical ? BAD : 0;
}

/* §4.2.1.9: a CA has basicConstraints, critical, cA TRUE. §4.2.1.3: keyCertSign only for CAs.
 * §4.2.1.10: nameConstraints only in CA certificates. A leaf that is itself the trust anchor
 * (a pinned self-signed certificate) is exempt from the leaf rules. */
static uint32_t ca_rules(const policy_cert_t *c)
{
    const mbedtls_x509_crt *crt = c->crt;
    bool critical = false, has_bc = EXT(crt, MBEDTLS_OID_BASIC_CONSTRAINTS, &critical);
    if (!c->leaf) {
        /* an extKeyUsage in a CA limits what it may issue for (BR 7.1.2.2.g) */
        uint32_t eku = mbedtls_x509_crt_check_extended_key_usage(
                           crt, MBEDTLS_OID_SERVER_AUTH, MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH))
                           ? MBEDTLS_X509_BADCERT_EXT_KEY_USAGE
                           : 0;
        return (has_bc && critical && mbedtls_x509_crt_get_ca_istrue(crt) == 1 ? 0 : BAD) | eku;
    }
    if (c->top) {
        return 0;
    }
    uint32_t flags = mbedtls_x509_crt_get_ca_istrue(crt) == 1 ? BAD : 0;
    if (mbedtls_x509_crt_check_key_usage(crt, MBEDTLS_X509_KU_KEY_CERT_SIGN) == 0 &&
        mbedtls_x509_crt_has_ext_type(crt, MBEDTLS_X509_EXT_KEY_USAGE)) {
        flags |= MBEDTLS_X509_BADCERT_KEY_USAGE;
    }
    if (EXT(crt, MBEDTLS_OID_NAME_CONSTRAINTS, &critical)) {
        flags |= BAD;
    }
    return flags;
}

/* §4.1.2.4 / §4.1.2.6: non-empty issuer; a CA has a non-empty subject, and a leaf without one
 * needs a critical subjectAltName (§4.2.1.6). */
static uint32_t name_rules(const policy_cert_t *c)
{
    const mbedtls_x509_crt *crt = c->crt;
    bool critical = false;
    if (crt->issuer_raw.len <= 2) {
        return BAD;
    }
    if (crt->subject_raw.len > 2) {
        return 0;
    }
    if (!c->leaf) {
        return BAD;
    }
    return EXT(crt, MBEDTLS_OID_SUBJECT_ALT_NAME, &critical) && critical ? 0 : BAD;
}

/* id-pe-authorityInfoAccess (RFC 5280 §4.2.2.1) */
#define OID_AIA MBEDTLS_OID_PKIX "\x01\x01"

/* §4.2.2.1: AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF AccessDescription. */
static bool aia_valid(const policy_cert_t *c)
{
    mbedtls_x509_buf value;
    bool critical;
    if (!esp_tls_x509_find_ext(c->crt, OID_AIA, MBEDTLS_OID_SIZE(OID_AIA), &value, &critical)) {
        return true;
    }
    unsigned char *p = value.p;
    size_t len;
    return !critical &&
           mbedtls_asn1_get_tag(&p, value.p + value.len, &len,
                                MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) == 0 &&
           len > 0 && p + len == value.p + value.len;
}

/* §4.2: a critical extension nobody enforces fails the path; §4.2.1.11: policyConstraints
 * MUST be critical; AIA well-formed. */
static uint32_t ext_rules(const policy_cert_t *c)
{
    bool critical = false;
    if (esp_tls_x509_unknown_critical(c->crt) || !aia_valid(c)) {
        return BAD;
    }
    return EXT(c->crt, MBEDTLS_OID_POLICY_CONSTRAINTS, &critical) && !critical ? BAD : 0;
}

/* §4.1.2.2: a positive serial of at most 20 octets, below the trust anchor (roots with serial
 * 0 are in the Web PKI: Starfield and Go Daddy G2). BR 6.1.5: an RSA modulus a whole number
 * of bytes long. */
static uint32_t number_rules(const policy_cert_t *c)
{
    const mbedtls_x509_buf *serial = &c->crt->serial;
    size_t skip = 0;
    while (skip < serial->len && serial->p[skip] == 0) {
        skip++;
    }
    if (!c->top && (serial->len - skip > 20 || skip == serial->len)) {
        return BAD;
    }
    const mbedtls_pk_context *pk = &c->crt->pk;
    if (mbedtls_pk_get_type(pk) == MBEDTLS_PK_RSA && mbedtls_pk_get_bitlen(pk) % 8 != 0) {
        return MBEDTLS_X509_BADCERT_BAD_KEY;
    }
    return 0;
}

/* Each rule's flags, logged by name at debug level when it fails the certificate. */
static uint32_t rule(const char *name, const policy_cert_t *c, uint32_t flags)
{
    if (flags != 0 && esp_log_level_get(TAG) >= ESP_LOG_DEBUG) {
        char subject[128];
        if (mbedtls_x509_dn_gets(subject, sizeof(subject), &c->crt->subject) < 0) {
            subject[0] = '\0';
        }
        ESP_LOGD(TAG, "certificate policy: '%s' fails rule %s (flags 0x%x)", subject, name,
                 (unsigned)flags);
    }
    return flags;
}

uint32_t esp_tls_policy_cert_rules(const policy_cert_t *c)
{
    if (c->crt->version != 3 && !(c->leaf && c->top)) {
        /* BR 7.1.1: X.509 v3 only; a v1 certificate cannot say it is a CA. A certificate
         * pinned as the trust anchor and presented as the leaf is trusted as it is, whatever
         * its version (as Mbed TLS does; ESP-IDF's examples pin v1 self-signed servers). */
        return rule("version 3", c, BAD);
    }
    uint32_t flags = rule("authorityKeyIdentifier", c, aki_rules(c)) |
                     rule("subjectKeyIdentifier", c, ski_rules(c)) |
                     rule("CA/leaf", c, ca_rules(c)) | rule("issuer/subject", c, name_rules(c)) |
                     rule("critical extensions", c, ext_rules(c)) |
                     rule("serial/key size", c, number_rules(c));
    if (c->leaf && !c->top) {
        flags |= rule("leaf EKU/CN/SAN", c, esp_tls_policy_leaf_rules(c->crt));
    }
    return flags;
}

/* §6.1.3 (b)-(c): each CA's nameConstraints bind every certificate below it, except
 * self-issued intermediates; the leaf is always checked. */
uint32_t esp_tls_policy_path_rules(const policy_cert_t *c, const mbedtls_x509_crt *const *above,
                                   int n)
{
    if (!c->leaf && esp_tls_x509_self_issued(c->crt)) {
        return 0;
    }
    for (int i = 0; i < n; i++) {
        if (esp_tls_nc_check(above[i], c->crt) != 0) {
            return rule("nameConstraints", c, BAD);
        }
    }
    return 0;
}
