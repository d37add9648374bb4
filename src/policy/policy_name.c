// SPDX-License-Identifier: Apache-2.0
/*
 * The leaf's name under the Web PKI profile (CA/Browser Forum Baseline Requirements §7.1.2.7.12,
 * RFC 6125 §6.4): only subjectAltName counts (no CN fallback, unless
 * CONFIG_ESP_TLS_CERT_POLICY_CN_FALLBACK), DNS names in dNSName entries, IP addresses in
 * iPAddress entries, and a wildcard only as the whole leftmost label of a name with at least
 * two more labels.
 */
#include <arpa/inet.h>
#include <string.h>

#include "mbedtls/oid.h"
#include "policy.h"

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool ldh(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

/* RFC 1034 §3.5 preferred syntax, as RFC 5280 §4.2.1.6 asks: letters, digits and hyphens,
 * labels of 1..63 bytes not starting or ending with '-', 253 bytes at most. A name made only
 * of digits and dots (an IPv4 address) is not a DNS name. */
bool esp_tls_dns_name_valid(const unsigned char *name, size_t len, bool wildcard)
{
    size_t i = 0, label = 0;
    bool all_numeric = true;
    if (wildcard && len >= 2 && name[0] == '*' && name[1] == '.') {
        i = 2;
    }
    if (len == 0 || len > 253 || i >= len) {
        return false;
    }
    for (size_t start = i; i <= len; i++) {
        if (i == len || name[i] == '.') {
            label = i - start;
            if (label == 0 || label > 63 || name[start] == '-' || name[i - 1] == '-') {
                return false;
            }
            start = i + 1;
            continue;
        }
        if (!ldh(name[i])) {
            return false;
        }
        all_numeric = all_numeric && name[i] >= '0' && name[i] <= '9';
    }
    return !all_numeric;
}

static bool equal_nocase(const unsigned char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (lower(a[i]) != lower((unsigned char)b[i])) {
            return false;
        }
    }
    return true;
}

/* One dNSName entry against the host name; "*." stands for exactly one label, and needs two
 * labels after it ("*.com" matches nothing). */
static bool dns_matches(const mbedtls_x509_buf *san, const char *host, size_t hlen)
{
    if (!esp_tls_dns_name_valid(san->p, san->len, true)) {
        return false;
    }
    if (san->p[0] != '*') {
        return san->len == hlen && equal_nocase(san->p, host, hlen);
    }
    const unsigned char *rest = san->p + 1; /* ".example.com" */
    size_t rlen = san->len - 1;
    if (memchr(rest + 1, '.', rlen - 1) == NULL) {
        return false;
    }
    const char *dot = strchr(host, '.');
    return dot != NULL && dot != host && strlen(dot) == rlen && equal_nocase(rest, dot, rlen);
}

static size_t parse_ip(const char *text, unsigned char ip[16])
{
    if (inet_pton(AF_INET, text, ip) == 1) {
        return 4;
    }
    return inet_pton(AF_INET6, text, ip) == 1 ? 16 : 0;
}

bool esp_tls_policy_name_matches(const mbedtls_x509_crt *crt, const char *name)
{
    unsigned char ip[16];
    size_t ip_len = parse_ip(name, ip);
    size_t nlen = strlen(name);
    if (ip_len == 0 && !esp_tls_dns_name_valid((const unsigned char *)name, nlen, false)) {
        return false;
    }
    for (const mbedtls_x509_sequence *s = &crt->subject_alt_names; s != NULL; s = s->next) {
        int type = s->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK;
        if (s->buf.p == NULL || (s->buf.tag & MBEDTLS_ASN1_CONSTRUCTED)) {
            continue;
        }
        if (ip_len != 0 && type == MBEDTLS_X509_SAN_IP_ADDRESS && s->buf.len == ip_len &&
            memcmp(s->buf.p, ip, ip_len) == 0) {
            return true;
        }
        if (ip_len == 0 && type == MBEDTLS_X509_SAN_DNS_NAME && dns_matches(&s->buf, name, nlen)) {
            return true;
        }
    }
    return false;
}
