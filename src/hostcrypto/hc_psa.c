// SPDX-License-Identifier: Apache-2.0
/*
 * PSA transparent driver of the accelerator: ECC key generation and public-key export
 * (hostcrypto.h; called from the driver wrappers of patches/mbedtls/0003). Mbed TLS's built-in
 * code computes the public point in both (two scalar multiplications per TLS 1.3 key share);
 * here generation only draws the private scalar and export does the one multiplication with
 * libcrypto. Keys keep PSA's export format, so Mbed TLS's own code reads them as before.
 */
#include "hc_internal.h"

#include <mbedtls/platform_util.h>
#include <openssl/err.h>
#include <string.h>

static const hc_curve_t *curve_of(const psa_key_attributes_t *attributes)
{
    psa_key_type_t type = psa_get_key_type(attributes);
    if (!PSA_KEY_TYPE_IS_ECC_KEY_PAIR(type)) {
        return NULL;
    }
    return hc_curve_by_psa(PSA_KEY_TYPE_ECC_GET_FAMILY(type), psa_get_key_bits(attributes));
}

/* Constant-time enough for rejection sampling: 1 when big-endian a < b (same length). */
static int less_than(const uint8_t *a, const uint8_t *b, size_t len)
{
    int lt = 0, decided = 0;
    for (size_t i = 0; i < len; i++) {
        int is_lt = a[i]<b[i], is_gt = a[i]> b[i];
        lt |= (!decided) & is_lt;
        decided |= is_lt | is_gt;
    }
    return lt;
}

static int is_zero(const uint8_t *a, size_t len)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < len; i++) {
        acc |= a[i];
    }
    return acc == 0;
}

/* A uniform scalar in [1, n-1]: random bytes cut to n's bit length, drawn again when too big. */
static psa_status_t weierstrass_scalar(const hc_curve_t *c, uint8_t *out)
{
    uint8_t order[HC_MAX_BYTES];
    ERR_set_mark();
    int rc = hc_order(c, order);
    ERR_pop_to_mark();
    if (rc != 0) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    unsigned top = order[0], mask = 0;
    while (top != 0) {
        mask = (mask << 1) | 1;
        top >>= 1;
    }
    for (int tries = 0; tries < 64; tries++) {
        psa_status_t st = psa_generate_random(out, c->bytes);
        if (st != PSA_SUCCESS) {
            return st;
        }
        out[0] &= (uint8_t)mask;
        if (less_than(out, order, c->bytes) && !is_zero(out, c->bytes)) {
            return PSA_SUCCESS;
        }
    }
    return PSA_ERROR_INSUFFICIENT_ENTROPY;
}

/* RFC 7748 section 5: random bytes with the curve's bits cleared and set. */
static psa_status_t montgomery_scalar(const hc_curve_t *c, uint8_t *out)
{
    psa_status_t st = psa_generate_random(out, c->bytes);
    if (st == PSA_SUCCESS && c->bits == 255) {
        out[0] &= 248;
        out[31] &= 127;
        out[31] |= 64;
    } else if (st == PSA_SUCCESS) {
        out[0] &= 252;
        out[55] |= 128;
    }
    return st;
}

psa_status_t hostcrypto_psa_generate_key(const psa_key_attributes_t *attributes,
                                         uint8_t *key_buffer, size_t key_buffer_size,
                                         size_t *key_buffer_length)
{
    const hc_curve_t *c = curve_of(attributes);
    if (c == NULL || hc_libctx() == NULL) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    if (key_buffer_size < c->bytes) {
        return PSA_ERROR_BUFFER_TOO_SMALL;
    }
    psa_status_t st =
        c->montgomery ? montgomery_scalar(c, key_buffer) : weierstrass_scalar(c, key_buffer);
    if (st != PSA_SUCCESS) {
        mbedtls_platform_zeroize(key_buffer, key_buffer_size);
        return st;
    }
    *key_buffer_length = c->bytes;
    hc_count(&hc_counts()->keygen);
    return PSA_SUCCESS;
}

psa_status_t hostcrypto_psa_export_public_key(const psa_key_attributes_t *attributes,
                                              const uint8_t *key_buffer, size_t key_buffer_size,
                                              uint8_t *data, size_t data_size, size_t *data_length)
{
    const hc_curve_t *c = curve_of(attributes);
    if (c == NULL || key_buffer_size != c->bytes || hc_libctx() == NULL) {
        return PSA_ERROR_NOT_SUPPORTED;
    }
    uint8_t pub[HC_MAX_POINT];
    size_t len = 0;
    ERR_set_mark();
    int rc = hc_pub_from_priv(c, key_buffer, pub, sizeof(pub), &len);
    ERR_pop_to_mark();
    if (rc != 0) {
        return PSA_ERROR_NOT_SUPPORTED; /* Mbed TLS's own code decides */
    }
    if (len > data_size) {
        return PSA_ERROR_BUFFER_TOO_SMALL;
    }
    memcpy(data, pub, len);
    *data_length = len;
    hc_count(&hc_counts()->export_pub);
    return PSA_SUCCESS;
}
