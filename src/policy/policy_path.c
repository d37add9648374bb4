// SPDX-License-Identifier: Apache-2.0
/*
 * Path building with backtracking (docs/COMPAT.md, "Certificate policy"). Mbed TLS 3.6 builds
 * one path: for each certificate it takes the first parent whose name, signature and validity
 * fit, and never goes back when a later check (the policy, a name constraint, a dead end) fails
 * that path. When the path it built fails, this looks for another one: depth first from the
 * leaf over the presented certificates and the trust anchors (issuer name = subject name),
 * anchors first at each step, and verifies each candidate path with Mbed TLS and the same
 * policy (a chain holding exactly that path, the one anchor as the trusted list). The first
 * candidate that holds wins. Only for a list of anchors (cacert_buf, the global CA store):
 * the certificate bundle anchors the top of whatever path Mbed TLS built in its own verify
 * callback, as on ESP-IDF (its cross-signed mode is the bundle's answer). The work is
 * bounded: certificates verified plus steps taken stay under PATH_WORK_BUDGET, and a path holds
 * at most PATH_MAX_LEN certificates below its anchor.
 */
#include <string.h>

#include "esp_log.h"
#include "policy.h"

#define PATH_MAX_LEN (MBEDTLS_X509_MAX_INTERMEDIATE_CA + 1) /* leaf and intermediates */
#define PATH_WORK_BUDGET 160 /* certificates checked (one signature each) + DFS steps */

static const char *TAG = "esp-tls-policy";

/* The path Mbed TLS built (index = depth; the top is its anchor when trusted), recorded as the
 * verify callback sees it, so that the search does not verify it a second time. */
typedef struct {
    const mbedtls_x509_crt *crt[PATH_MAX_LEN + 1];
    int len;
    int expect; /* the depth of the next call on the same path */
} first_path_t;

static _Thread_local first_path_t s_first = {.expect = -1};

static void first_path_add(const mbedtls_x509_crt *crt, int depth)
{
    if (depth != s_first.expect) {
        s_first.len = depth + 1 <= PATH_MAX_LEN + 1 ? depth + 1 : 0;
    }
    s_first.expect = depth - 1;
    if (depth < s_first.len) {
        s_first.crt[depth] = crt;
    }
}

typedef struct {
    const esp_tls_path_cfg_t *cfg;
    const mbedtls_x509_crt *chain; /* the presented certificates, leaf first */
    const mbedtls_x509_crt *path[PATH_MAX_LEN];
    int len;
    int work;
    int tried;
    bool exhausted;
} builder_t;

static bool issued_by(const mbedtls_x509_crt *child, const mbedtls_x509_crt *parent)
{
    return child->issuer_raw.len == parent->subject_raw.len &&
           memcmp(child->issuer_raw.p, parent->subject_raw.p, child->issuer_raw.len) == 0;
}

static bool same_crt(const mbedtls_x509_crt *a, const mbedtls_x509_crt *b)
{
    return a->raw.len == b->raw.len && memcmp(a->raw.p, b->raw.p, a->raw.len) == 0;
}

static bool in_path(const builder_t *b, const mbedtls_x509_crt *crt)
{
    for (int i = 0; i < b->len; i++) {
        if (same_crt(b->path[i], crt)) {
            return true;
        }
    }
    return false;
}

/* Charge @p cost units of work; false (and the builder stops) once the budget is spent. */
static bool charge(builder_t *b, int cost)
{
    if (b->exhausted || b->work + cost > PATH_WORK_BUDGET) {
        b->exhausted = true;
        return false;
    }
    b->work += cost;
    return true;
}

/* The candidate path as a chain of its own (the certificates are referenced, not copied). */
static int path_chain(const builder_t *b, mbedtls_x509_crt *chain)
{
    int ret = 0;
    for (int i = 0; i < b->len && ret == 0; i++) {
        ret = esp_tls_policy_parse_der(chain, b->path[i]->raw.p, b->path[i]->raw.len, 0);
    }
    return ret;
}

/* The candidate (the path in progress and @p anchor) is the path Mbed TLS built. */
static bool is_first_path(const builder_t *b, const mbedtls_x509_crt *anchor)
{
    if (s_first.len != b->len + 1 || s_first.crt[b->len] != anchor) {
        return false;
    }
    for (int i = 0; i < b->len; i++) {
        if (s_first.crt[i] != b->path[i]) {
            return false;
        }
    }
    return true;
}

/* Verify the path in progress up to @p anchor. */
static bool verify_path(builder_t *b, const mbedtls_x509_crt *anchor)
{
    if (is_first_path(b, anchor)) {
        return false; /* it failed already */
    }
    const esp_tls_path_cfg_t *cfg = b->cfg;
    mbedtls_x509_crt chain, trust;
    mbedtls_x509_crt_init(&chain);
    mbedtls_x509_crt_init(&trust);
    uint32_t flags = 0;
    b->tried++;
    int ret = path_chain(b, &chain);
    if (ret == 0) {
        ret = esp_tls_policy_parse_der(&trust, anchor->raw.p, anchor->raw.len, 0);
    }
    if (ret == 0) {
        ret = mbedtls_x509_crt_verify_with_profile(&chain, &trust, cfg->ca_crl, cfg->profile,
                                                   cfg->name, &flags, cfg->f_vrfy, cfg->p_vrfy);
    }
    mbedtls_x509_crt_free(&chain);
    mbedtls_x509_crt_free(&trust);
    return ret == 0 && flags == 0;
}

/* Close the path at an anchor that issued its top certificate. */
static bool try_anchors(builder_t *b)
{
    const mbedtls_x509_crt *top = b->path[b->len - 1];
    for (const mbedtls_x509_crt *a = b->cfg->ca_chain; a != NULL; a = a->next) {
        if (a->raw.p == NULL || !issued_by(top, a)) {
            continue;
        }
        if (!charge(b, b->len + 1)) {
            return false;
        }
        if (verify_path(b, a)) {
            return true;
        }
    }
    return false;
}

/* Depth first: the anchors for the top of the path, then each presented issuer in turn. */
static bool extend(builder_t *b)
{
    if (!charge(b, 1)) {
        return false;
    }
    if (try_anchors(b)) {
        return true;
    }
    const mbedtls_x509_crt *top = b->path[b->len - 1];
    for (const mbedtls_x509_crt *c = b->chain; c != NULL && !b->exhausted; c = c->next) {
        if (b->len >= PATH_MAX_LEN || c->raw.p == NULL || !issued_by(top, c) || in_path(b, c)) {
            continue;
        }
        b->path[b->len++] = c;
        bool ok = extend(b);
        b->len--;
        if (ok) {
            return true;
        }
    }
    return false;
}

bool esp_tls_policy_build_path(const mbedtls_x509_crt *leaf, const esp_tls_path_cfg_t *cfg)
{
    if (leaf == NULL || leaf->raw.p == NULL || cfg->ca_chain == NULL) {
        return false;
    }
    builder_t b = {.cfg = cfg, .chain = leaf->next, .path = {leaf}, .len = 1};
    bool ok = extend(&b);
    if (ok) {
        ESP_LOGI(TAG,
                 "path building: the first path failed, another path of %d certificates "
                 "holds (%d candidate paths verified)",
                 b.len, b.tried);
    } else if (b.exhausted) {
        ESP_LOGW(TAG,
                 "path building: work limit reached (%d units, %d candidate paths "
                 "verified); the chain is refused",
                 PATH_WORK_BUDGET, b.tried);
    }
    return ok;
}

void esp_tls_policy_path_step(uint32_t *held, const mbedtls_x509_crt *crt, int depth,
                              uint32_t *flags, const esp_tls_path_cfg_t *cfg)
{
    if (esp_tls_policy_profile() != ESP_TLS_POLICY_WEBPKI) {
        return;
    }
    first_path_add(crt, depth);
    if (depth > 0) {
        *held |= *flags; /* judged with the leaf, once every certificate has been seen */
        *flags = 0;
        return;
    }
    *flags |= *held;
    *held = 0;
    if (*flags != 0 && cfg != NULL && esp_tls_policy_build_path(crt, cfg)) {
        *flags = 0;
    }
    s_first.len = 0;
    s_first.expect = -1;
}
