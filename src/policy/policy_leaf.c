// SPDX-License-Identifier: Apache-2.0
/*
 * Rules for the server's own certificate under the Web PKI profile (CA/Browser Forum Baseline
 * Requirements, BR; RFC 5280 section numbers where it decides), and its name check.
 */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "mbedtls/oid.h"
#include "policy.h"
#include "sdkconfig.h"

#define BAD MBEDTLS_X509_BADCERT_OTHER

#if CONFIG_ESP_TLS_CERT_POLICY_CN_FALLBACK
#define CN_FALLBACK 1
#else
#define CN_FALLBACK 0
#endif

/* BR 7.1.2.7.10: extKeyUsage, if present, non-critical and naming serverAuth itself
 * (anyExtendedKeyUsage does not count). A leaf without it passes: private PKIs omit it. */
static uint32_t eku_rules(const mbedtls_x509_crt *leaf)
{
    mbedtls_x509_buf value;
    bool critical = false;
    if (!esp_tls_x509_find_ext(leaf, MBEDTLS_OID_EXTENDED_KEY_USAGE,
                               MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE), &value,
                               &critical)) {
        return 0;
    }
    if (critical) {
        return MBEDTLS_X509_BADCERT_EXT_KEY_USAGE;
    }
    for (const mbedtls_x509_sequence *s = &leaf->ext_key_usage; s != NULL; s = s->next) {
        if (MBEDTLS_OID_CMP(MBEDTLS_OID_SERVER_AUTH, &s->buf) == 0) {
            return 0;
        }
    }
    return MBEDTLS_X509_BADCERT_EXT_KEY_USAGE;
}

/* The address a CN spells in any form inet_aton() / inet_pton() read (hex, octal, leading
 * zeros, upper case, uncompressed), and whether that text is the canonical one (dotted quad,
 * RFC 5952), as BR 7.1.4.3 asks. 0: not an address. */
static size_t cn_address(const mbedtls_x509_buf *cn, unsigned char ip[16], bool *canonical)
{
    char text[64], back[INET6_ADDRSTRLEN];
    size_t n = 0;
    struct in_addr v4;
    if (cn->len == 0 || cn->len >= sizeof(text)) {
        return 0;
    }
    memcpy(text, cn->p, cn->len);
    text[cn->len] = '\0';
    if (inet_pton(AF_INET6, text, ip) == 1) {
        n = 16;
    } else if (inet_aton(text, &v4) != 0) {
        memcpy(ip, &v4, 4);
        n = 4;
    } else {
        return 0;
    }
    inet_ntop(n == 4 ? AF_INET : AF_INET6, ip, back, sizeof(back));
    *canonical = strcmp(back, text) == 0;
    return n;
}

/* BR 7.1.4.3: a CN that names what a subjectAltName entry holds is its exact copy: the same
 * bytes as the dNSName (not another case), the canonical text of the iPAddress. A CN that
 * names nothing in the subjectAltName is not judged (see docs/COMPAT.md). */
static bool cn_bad_copy(const mbedtls_x509_crt *leaf, const mbedtls_x509_buf *cn)
{
    unsigned char ip[16];
    bool canonical = true;
    size_t ip_len = cn_address(cn, ip, &canonical);
    for (const mbedtls_x509_sequence *s = &leaf->subject_alt_names; s != NULL; s = s->next) {
        int type = s->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK;
        if (s->buf.p == NULL || (s->buf.tag & MBEDTLS_ASN1_CONSTRUCTED)) {
            continue;
        }
        if (ip_len != 0 && type == MBEDTLS_X509_SAN_IP_ADDRESS && s->buf.len == ip_len &&
            memcmp(s->buf.p, ip, ip_len) == 0) {
            return !canonical;
        }
        if (type == MBEDTLS_X509_SAN_DNS_NAME && s->buf.len == cn->len &&
            strncasecmp((const char *)s->buf.p, (const char *)cn->p, cn->len) == 0) {
            return memcmp(s->buf.p, cn->p, cn->len) != 0;
        }
    }
    return ip_len != 0 && !canonical; /* an address in a non-canonical form */
}

/* RFC 5280 §4.2.1.6: the subjectAltName is critical exactly when the subject is empty. */
static uint32_t cn_san_rules(const mbedtls_x509_crt *leaf)
{
    mbedtls_x509_buf value;
    bool critical = false;
    bool has_san =
        esp_tls_x509_find_ext(leaf, MBEDTLS_OID_SUBJECT_ALT_NAME,
                              MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), &value, &critical);
    if (!has_san) {
        return 0; /* the name check decides (no CN fallback unless configured) */
    }
    if (critical && leaf->subject_raw.len > 2) {
        return BAD;
    }
    for (const mbedtls_x509_name *n = &leaf->subject; n != NULL; n = n->next) {
        if (n->oid.p != NULL && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0 &&
            cn_bad_copy(leaf, &n->val)) {
            return MBEDTLS_X509_BADCERT_CN_MISMATCH;
        }
    }
    return 0;
}

uint32_t esp_tls_policy_leaf_rules(const mbedtls_x509_crt *leaf)
{
    return eku_rules(leaf) | cn_san_rules(leaf);
}

uint32_t esp_tls_policy_leaf_name(const mbedtls_x509_crt *leaf, const char *name, bool pinned)
{
    if (name == NULL || name[0] == '\0') {
        return 0; /* no name check asked for (skip_common_name) */
    }
    if (!mbedtls_x509_crt_has_ext_type(leaf, MBEDTLS_X509_EXT_SUBJECT_ALT_NAME)) {
        /* Mbed TLS checked the CN; a pinned certificate is trusted as it is */
        return CN_FALLBACK || pinned ? 0 : MBEDTLS_X509_BADCERT_CN_MISMATCH;
    }
    return esp_tls_policy_name_matches(leaf, name) ? 0 : MBEDTLS_X509_BADCERT_CN_MISMATCH;
}
