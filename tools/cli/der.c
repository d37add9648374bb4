// SPDX-License-Identifier: Apache-2.0
/*
 * A minimal DER reader (X.690 definite lengths) for the names and keys of a bundle. Every read
 * is bounds-checked against the enclosing element; anything unexpected gives up politely.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "der.h"

typedef struct {
    const uint8_t *p, *end;
} der_t;

/* Read one element: its tag and a cursor over its contents. */
static bool der_next(der_t *d, uint8_t *tag, der_t *content)
{
    if (d->end - d->p < 2) {
        return false;
    }
    *tag = d->p[0];
    size_t len = d->p[1], hdr = 2;
    if (len & 0x80) {
        size_t n = len & 0x7f;
        if (n == 0 || n > 3 || (size_t)(d->end - d->p) < 2 + n) {
            return false;
        }
        len = 0;
        for (size_t i = 0; i < n; i++) {
            len = (len << 8) | d->p[2 + i];
        }
        hdr += n;
    }
    if ((size_t)(d->end - d->p) < hdr + len) {
        return false;
    }
    content->p = d->p + hdr;
    content->end = content->p + len;
    d->p = content->end;
    return true;
}

static bool der_enter(der_t *d, uint8_t want, der_t *content)
{
    uint8_t tag;
    return der_next(d, &tag, content) && tag == want;
}

static bool oid_is(const der_t *oid, const char *bytes, size_t len)
{
    return (size_t)(oid->end - oid->p) == len && memcmp(oid->p, bytes, len) == 0;
}

static const char *attr_name(const der_t *oid)
{
    static const struct {
        uint8_t last;
        const char *name;
    } attrs[] = {{3, "CN"}, {6, "C"},   {7, "L"},           {8, "ST"},
                 {10, "O"}, {11, "OU"}, {5, "serialNumber"}};
    if (oid->end - oid->p == 3 && oid->p[0] == 0x55 && oid->p[1] == 0x04) {
        for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
            if (attrs[i].last == oid->p[2]) {
                return attrs[i].name;
            }
        }
    }
    return NULL;
}

static void append(char *out, size_t out_len, size_t *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n && *w + 1 < out_len; i++) {
        unsigned char c = (unsigned char)s[i];
        out[(*w)++] = (c >= 0x20 && c != 0x7f) ? (char)c : '?';
    }
    out[*w] = '\0';
}

/* One AttributeTypeAndValue: "CN=value" (only known attributes). */
static bool name_attr(der_t *set, char *out, size_t out_len, size_t *w)
{
    der_t atv, oid, value;
    uint8_t tag;
    if (!der_enter(set, 0x30, &atv) || !der_enter(&atv, 0x06, &oid) ||
        !der_next(&atv, &tag, &value)) {
        return false;
    }
    const char *name = attr_name(&oid);
    if (name == NULL) {
        return true;
    }
    if (*w > 0) {
        append(out, out_len, w, ", ", 2);
    }
    append(out, out_len, w, name, strlen(name));
    append(out, out_len, w, "=", 1);
    append(out, out_len, w, (const char *)value.p, (size_t)(value.end - value.p));
    return true;
}

void der_name_string(const uint8_t *der, size_t len, char *out, size_t out_len)
{
    der_t d = {der, der + len}, name, set;
    size_t w = 0;
    out[0] = '\0';
    if (!der_enter(&d, 0x30, &name)) {
        snprintf(out, out_len, "(unparsable name)");
        return;
    }
    while (name.p < name.end) {
        if (!der_enter(&name, 0x31, &set)) {
            snprintf(out, out_len, "(unparsable name)");
            return;
        }
        while (set.p < set.end && name_attr(&set, out, out_len, &w)) {
        }
    }
}

/* Bits of the RSA modulus inside the BIT STRING of an RSA key. */
static int rsa_bits(der_t *bits)
{
    der_t seq, n;
    if (bits->end - bits->p < 1) {
        return 0;
    }
    der_t inner = {bits->p + 1, bits->end}; /* skip the unused-bits byte */
    if (!der_enter(&inner, 0x30, &seq) || !der_enter(&seq, 0x02, &n)) {
        return 0;
    }
    while (n.p < n.end && *n.p == 0) {
        n.p++;
    }
    return (int)(n.end - n.p) * 8;
}

void der_spki_string(const uint8_t *der, size_t len, char *out, size_t out_len)
{
    static const char rsa[] = "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01";
    static const char ec[] = "\x2a\x86\x48\xce\x3d\x02\x01";
    static const char p256[] = "\x2a\x86\x48\xce\x3d\x03\x01\x07";
    static const char p384[] = "\x2b\x81\x04\x00\x22";
    static const char p521[] = "\x2b\x81\x04\x00\x23";
    der_t d = {der, der + len}, spki, alg, oid, param, bits;
    uint8_t tag;
    snprintf(out, out_len, "?");
    if (!der_enter(&d, 0x30, &spki) || !der_enter(&spki, 0x30, &alg) ||
        !der_enter(&alg, 0x06, &oid) || !der_next(&alg, &tag, &param) ||
        !der_enter(&spki, 0x03, &bits)) {
        return;
    }
    if (oid_is(&oid, rsa, sizeof(rsa) - 1)) {
        snprintf(out, out_len, "RSA %d", rsa_bits(&bits));
    } else if (oid_is(&oid, ec, sizeof(ec) - 1)) {
        const char *curve = oid_is(&param, p256, sizeof(p256) - 1)   ? "P-256"
                            : oid_is(&param, p384, sizeof(p384) - 1) ? "P-384"
                            : oid_is(&param, p521, sizeof(p521) - 1) ? "P-521"
                                                                     : "?";
        snprintf(out, out_len, "EC %s", curve);
    }
}
