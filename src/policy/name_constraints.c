// SPDX-License-Identifier: Apache-2.0
/*
 * nameConstraints (RFC 5280 §4.2.1.10), which Mbed TLS 3.6 does not implement: the parser
 * (policy.c) only accepts the extension, and this file enforces it when a path is verified.
 *
 * Supported: dNSName, iPAddress and directoryName subtrees, permitted and excluded. Other
 * types (rfc822Name, URI, otherName, ...) are never ignored: a certificate below that holds a
 * name of a restricted, unsupported type fails (it cannot be shown to satisfy them).
 * Every check fails closed: a malformed extension is a violation.
 */
#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/oid.h"
#include "policy.h"

/* GeneralName tags (RFC 5280 §4.2.1.6), low five bits of the context-specific tag */
enum { GN_OTHER = 0, GN_RFC822 = 1, GN_DNS = 2, GN_DIR = 4, GN_URI = 6, GN_IP = 7 };

/* Work bound for one CA against one certificate (names x subtrees of the same type): the
 * pathological "nc-dos" chains of x509-limbo hold thousands of each; real ones need hundreds. */
#define NC_MAX_WORK 65536

typedef struct {
    int type;
    const unsigned char *p;
    size_t len;
} gname_t;

typedef struct {
    unsigned char *p;
    const unsigned char *end;
} subtrees_t;

/* Subtrees [which] (0 permitted, 1 excluded) of the NameConstraints value; empty if absent. */
static int find_subtrees(const mbedtls_x509_buf *nc, int which, subtrees_t *out)
{
    unsigned char *p = nc->p;
    const unsigned char *end = nc->p + nc->len;
    size_t len;
    out->p = NULL;
    out->end = NULL;
    if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) !=
            0 ||
        p + len != end) {
        return -1;
    }
    while (p < end) {
        int tag = *p;
        p++;
        if (mbedtls_asn1_get_len(&p, end, &len) != 0) {
            return -1;
        }
        if (tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED | which)) {
            out->p = p;
            out->end = p + len;
        }
        p += len;
    }
    return 0;
}

/* GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0] DEFAULT 0, maximum [1] OPTIONAL }
 * minimum must be 0 and maximum absent (§4.2.1.10): anything after the base is refused.
 * @return 1 with *base set, 0 at the end, -1 on malformed data. */
static int next_subtree(subtrees_t *it, gname_t *base)
{
    size_t len;
    if (it->p == NULL || it->p >= it->end) {
        return 0;
    }
    if (mbedtls_asn1_get_tag(&it->p, it->end, &len,
                             MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0) {
        return -1;
    }
    const unsigned char *sub_end = it->p + len;
    if (len < 2 || (*it->p & MBEDTLS_ASN1_TAG_CLASS_MASK) != MBEDTLS_ASN1_CONTEXT_SPECIFIC) {
        return -1;
    }
    base->type = *it->p & MBEDTLS_ASN1_TAG_VALUE_MASK;
    it->p++;
    if (mbedtls_asn1_get_len(&it->p, sub_end, &len) != 0 || it->p + len != sub_end) {
        return -1;
    }
    base->p = it->p;
    base->len = len;
    it->p += len;
    return 1;
}

/* The mask of an iPAddress constraint: ones, then zeros (a CIDR prefix). */
static bool ip_mask_valid(const unsigned char *mask, size_t n)
{
    size_t i = 0;
    while (i < n && mask[i] == 0xFF) {
        i++;
    }
    if (i < n) {
        unsigned inv = ~(unsigned)mask[i++] & 0xFFu; /* 0..01..1 for a valid byte */
        if ((inv & (inv + 1)) != 0) {
            return false;
        }
    }
    for (; i < n; i++) {
        if (mask[i] != 0) {
            return false;
        }
    }
    return true;
}

/* A DNS constraint: a host name, or empty (all names); no wildcard, no leading period. */
static bool base_valid(const gname_t *b)
{
    switch (b->type) {
    case GN_DNS: return b->len == 0 || esp_tls_dns_name_valid(b->p, b->len, false);
    case GN_IP:
        return (b->len == 8 || b->len == 32) && ip_mask_valid(b->p + b->len / 2, b->len / 2);
    default: return true;
    }
}

/* The whole extension: well-formed, not empty (§4.2.1.10: "MUST NOT ... an empty sequence"),
 * every base valid. */
static int nc_validate(const mbedtls_x509_buf *nc)
{
    subtrees_t lists[2];
    int total = 0;
    for (int which = 0; which < 2; which++) {
        if (find_subtrees(nc, which, &lists[which]) != 0) {
            return -1;
        }
        gname_t b;
        int n = 0, r;
        while ((r = next_subtree(&lists[which], &b)) == 1) {
            if (!base_valid(&b)) {
                return -1;
            }
            n++;
        }
        if (r < 0 || (lists[which].p != NULL && n == 0)) {
            return -1;
        }
        total += n;
    }
    return total > 0 ? 0 : -1;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool equal_nocase(const unsigned char *a, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

/* §4.2.1.10: a DNS name is in the subtree if labels added on its left give the name. */
static bool dns_in_subtree(const unsigned char *n, size_t nlen, const unsigned char *c, size_t clen)
{
    if (clen == 0) {
        return true;
    }
    if (nlen < clen || !equal_nocase(n + nlen - clen, c, clen)) {
        return false;
    }
    return nlen == clen || n[nlen - clen - 1] == '.';
}

/* A wildcard name "*.rest" could stand for the excluded name c when c is one label + ".rest". */
static bool wildcard_covers(const unsigned char *n, size_t nlen, const unsigned char *c,
                            size_t clen)
{
    if (nlen < 3 || n[0] != '*' || n[1] != '.' || clen <= nlen - 1) {
        return false;
    }
    size_t label = clen - (nlen - 1); /* c = label + ".rest" */
    return equal_nocase(c + label, n + 1, nlen - 1) && memchr(c, '.', label) == NULL;
}

static bool ip_in_subtree(const gname_t *ip, const gname_t *c)
{
    if (c->len != 2 * ip->len) {
        return false; /* the other address family */
    }
    const unsigned char *mask = c->p + ip->len;
    for (size_t i = 0; i < ip->len; i++) {
        if ((ip->p[i] & mask[i]) != (c->p[i] & mask[i])) {
            return false;
        }
    }
    return true;
}

/* Name content without its SEQUENCE header: the RDNs in order. */
static bool name_rdns(const unsigned char *p, size_t len, const unsigned char **rdns, size_t *n)
{
    unsigned char *q = (unsigned char *)p;
    if (mbedtls_asn1_get_tag(&q, p + len, n, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) !=
        0) {
        return false;
    }
    *rdns = q;
    return true;
}

/* A directory name is in the subtree if the base's RDNs begin it (compared as DER bytes:
 * equal encodings only, which is how CAs issue them). */
static bool dir_in_subtree(const gname_t *name, const gname_t *c)
{
    const unsigned char *n_rdns, *c_rdns;
    size_t nlen, clen;
    if (!name_rdns(name->p, name->len, &n_rdns, &nlen) ||
        !name_rdns(c->p, c->len, &c_rdns, &clen)) {
        return false;
    }
    return clen <= nlen && memcmp(n_rdns, c_rdns, clen) == 0;
}

/* Whether @p name matches subtree base @p c of the same type; @p excluded widens a wildcard
 * to every name it could stand for. -1: the name cannot be compared (fail closed). */
static int in_subtree(const gname_t *name, const gname_t *c, bool excluded)
{
    switch (name->type) {
    case GN_DNS:
        if (!esp_tls_dns_name_valid(name->p, name->len, true)) {
            return -1;
        }
        return dns_in_subtree(name->p, name->len, c->p, c->len) ||
               (excluded && wildcard_covers(name->p, name->len, c->p, c->len));
    case GN_IP:
        if (name->len != 4 && name->len != 16) {
            return -1;
        }
        return ip_in_subtree(name, c);
    case GN_DIR: return dir_in_subtree(name, c);
    default: return -1; /* a restricted type this library cannot compare */
    }
}

/* One name against the permitted and excluded subtrees. *work counts comparisons. */
static int check_name(const mbedtls_x509_buf *nc, const gname_t *name, int *work)
{
    for (int which = 0; which < 2; which++) {
        subtrees_t it;
        gname_t c;
        bool restricted = false, matched = false;
        (void)find_subtrees(nc, which, &it); /* validated before */
        while (next_subtree(&it, &c) == 1) {
            if (c.type != name->type) {
                continue;
            }
            if (++*work > NC_MAX_WORK) {
                return -1;
            }
            restricted = true;
            int r = in_subtree(name, &c, which == 1);
            if (r < 0) {
                return -1;
            }
            matched = matched || r;
        }
        if ((which == 0 && restricted && !matched) || (which == 1 && matched)) {
            return -1;
        }
    }
    return 0;
}

int esp_tls_nc_check(const mbedtls_x509_crt *ca, const mbedtls_x509_crt *crt)
{
    mbedtls_x509_buf nc;
    bool critical;
    if (!esp_tls_x509_find_ext(ca, MBEDTLS_OID_NAME_CONSTRAINTS,
                               MBEDTLS_OID_SIZE(MBEDTLS_OID_NAME_CONSTRAINTS), &nc, &critical)) {
        return 0;
    }
    if (nc_validate(&nc) != 0) {
        return -1;
    }
    int work = 0;
    /* §4.2.1.10: directoryName constraints apply to a non-empty subject too */
    gname_t subject = {GN_DIR, crt->subject_raw.p, crt->subject_raw.len};
    if (crt->subject_raw.len > 2 && check_name(&nc, &subject, &work) != 0) {
        return -1;
    }
    for (const mbedtls_x509_sequence *s = &crt->subject_alt_names; s != NULL; s = s->next) {
        if (s->buf.p == NULL) {
            continue;
        }
        gname_t name = {s->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK, s->buf.p, s->buf.len};
        if (check_name(&nc, &name, &work) != 0) {
            return -1;
        }
    }
    return 0;
}
