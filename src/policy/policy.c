// SPDX-License-Identifier: Apache-2.0
/*
 * The certificate policy's entry points: the profile, the parser that accepts the extensions
 * the policy enforces, and the per-path state of the verify callback (docs/COMPAT.md,
 * "Certificate policy").
 */
#include <string.h>

#include "mbedtls/error.h"
#include "mbedtls/oid.h"
#include "mbedtls/pem.h"
#include "policy.h"
#include "sdkconfig.h"

#if CONFIG_ESP_TLS_CERT_POLICY_MBEDTLS
#define DEFAULT_PROFILE ESP_TLS_POLICY_MBEDTLS
#else
#define DEFAULT_PROFILE ESP_TLS_POLICY_WEBPKI
#endif

static int s_profile = -1; /* -1: the Kconfig default */

esp_tls_policy_profile_t esp_tls_policy_profile(void)
{
    return s_profile < 0 ? DEFAULT_PROFILE : (esp_tls_policy_profile_t)s_profile;
}

void esp_tls_policy_set_profile(esp_tls_policy_profile_t profile)
{
    s_profile = (int)profile;
}

/* Extensions Mbed TLS does not know are accepted here and judged when a path is verified:
 * nameConstraints is enforced (name_constraints.c); any other critical one fails the path it
 * is in (RFC 5280 §4.2), not the parse, so an unused intermediate the server sends along
 * cannot break a valid path. Critical certificatePolicies that Mbed TLS cannot read still
 * fail the parse, as without a callback. */
static int ext_cb(void *ctx, const mbedtls_x509_crt *crt, const mbedtls_x509_buf *oid, int critical,
                  const unsigned char *p, const unsigned char *end)
{
    (void)ctx;
    (void)crt;
    (void)p;
    (void)end;
    if (critical && MBEDTLS_OID_CMP(MBEDTLS_OID_CERTIFICATE_POLICIES, oid) == 0) {
        return MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE; /* policies Mbed TLS cannot enforce */
    }
    return 0;
}

int esp_tls_policy_parse_der(mbedtls_x509_crt *chain, const unsigned char *buf, size_t len,
                             int make_copy)
{
    bool strict = esp_tls_policy_profile() == ESP_TLS_POLICY_WEBPKI;
    return mbedtls_x509_crt_parse_der_with_ext_cb(chain, buf, len, make_copy,
                                                  strict ? ext_cb : NULL, NULL);
}

int esp_tls_policy_peer_parse_der(mbedtls_x509_crt *chain, const unsigned char *buf, size_t len)
{
    return esp_tls_policy_parse_der(chain, buf, len, 1);
}

int esp_tls_policy_peer_parse_der_nocopy(mbedtls_x509_crt *chain, const unsigned char *buf,
                                         size_t len)
{
    return esp_tls_policy_parse_der(chain, buf, len, 0);
}

/* One PEM block at *p, advanced past it. @return 0 parsed, >0 or <0 the block's error
 * (MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT: no block left). */
static int parse_pem_block(mbedtls_x509_crt *chain, const unsigned char **p, size_t *left)
{
    mbedtls_pem_context pem;
    size_t used = 0;
    mbedtls_pem_init(&pem);
    int ret = mbedtls_pem_read_buffer(&pem, "-----BEGIN CERTIFICATE-----",
                                      "-----END CERTIFICATE-----", *p, NULL, 0, &used);
    if (ret == 0 || (ret != MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT &&
                     ret != MBEDTLS_ERR_PEM_BAD_INPUT_DATA)) {
        *p += used;
        *left -= used;
    }
    if (ret == 0) {
        size_t dlen;
        const unsigned char *der = mbedtls_pem_get_buffer(&pem, &dlen);
        ret = esp_tls_policy_parse_der(chain, der, dlen, 1);
    }
    mbedtls_pem_free(&pem);
    return ret;
}

/* As mbedtls_x509_crt_parse(): PEM (NUL counted in @p len) or one DER certificate; returns
 * the number of blocks that failed when one parsed, else the first error. */
int esp_tls_policy_parse(mbedtls_x509_crt *chain, const unsigned char *buf, size_t len)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    if (chain == NULL || buf == NULL) {
        return MBEDTLS_ERR_X509_BAD_INPUT_DATA;
    }
    if (len == 0 || buf[len - 1] != '\0' || strstr((const char *)buf, begin) == NULL) {
        return esp_tls_policy_parse_der(chain, buf, len, 1);
    }
    int failed = 0, first_error = 0;
    bool success = false;
    while (len > 1) {
        int ret = parse_pem_block(chain, &buf, &len);
        if (ret == MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT) {
            break;
        }
        if (ret == MBEDTLS_ERR_PEM_BAD_INPUT_DATA || ret == MBEDTLS_ERR_X509_ALLOC_FAILED) {
            return ret;
        }
        success = success || ret == 0;
        failed += ret != 0;
        first_error = first_error == 0 ? ret : first_error;
    }
    if (success) {
        return failed;
    }
    return first_error != 0 ? first_error : MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT;
}

/*
 * The path of one verification, in the order Mbed TLS calls the verify callback: from the top
 * (depth len-1) down to the leaf (0), synchronously on the verifying thread. A call whose depth
 * does not follow the previous one starts a new path.
 */
typedef struct {
    int next_depth;
    int n;
    const mbedtls_x509_crt *above[MBEDTLS_X509_MAX_VERIFY_CHAIN_SIZE];
} path_state_t;

static _Thread_local path_state_t s_path = {.next_depth = -1};

void esp_tls_policy_reset(void)
{
    s_path.n = 0;
    s_path.next_depth = -1;
}

/* The state for a call at @p depth: a new path unless it continues the previous call's. */
static path_state_t *path_at(int depth)
{
    path_state_t *st = &s_path;
    if (depth != st->next_depth || st->n >= MBEDTLS_X509_MAX_VERIFY_CHAIN_SIZE) {
        st->n = 0;
    }
    st->next_depth = depth - 1;
    return st;
}

/* After the checks of @p c: the leaf ends the path, a CA joins the certificates above. */
static void path_done(path_state_t *st, const policy_cert_t *c)
{
    if (c->leaf) {
        esp_tls_policy_reset();
    } else {
        st->above[st->n++] = c->crt;
    }
}

void esp_tls_policy_check(const mbedtls_x509_crt *crt, int depth, const char *name, uint32_t *flags)
{
    if (esp_tls_policy_profile() != ESP_TLS_POLICY_WEBPKI) {
        return;
    }
    path_state_t *st = path_at(depth);
    if (crt->raw.p == NULL) {
        return; /* a bundle root built from name and key: trusted as it is */
    }
    policy_cert_t c = {crt, depth == 0, st->n == 0};
    *flags |= esp_tls_policy_cert_rules(&c);
    *flags |= esp_tls_policy_path_rules(&c, st->above, st->n);
    if (c.leaf) {
        *flags |= esp_tls_policy_leaf_name(crt, name, c.top);
    }
    path_done(st, &c);
}

/* A server verifying client certificates: the Web PKI server rules do not apply, but what the
 * policy's parser lets through must not go unchecked: nameConstraints and critical extensions
 * nobody enforces. */
int esp_tls_policy_client_cert_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    (void)ctx;
    if (esp_tls_policy_profile() != ESP_TLS_POLICY_WEBPKI) {
        return 0;
    }
    path_state_t *st = path_at(depth);
    policy_cert_t c = {crt, depth == 0, st->n == 0};
    if (esp_tls_x509_unknown_critical(crt)) {
        *flags |= MBEDTLS_X509_BADCERT_OTHER;
    }
    *flags |= esp_tls_policy_path_rules(&c, st->above, st->n);
    path_done(st, &c);
    return 0;
}
