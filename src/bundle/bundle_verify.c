// SPDX-License-Identifier: Apache-2.0
/*
 * The bundle's verify callback (ESP-IDF's default bundle mode): Mbed TLS calls it for every
 * certificate of the chain it built, top first. The top certificate comes flagged "not trusted",
 * since the placeholder CA chain matches nothing; the callback anchors it by checking its signature
 * with the bundled key of its issuer. Only one public key is parsed at a time, and freed at once.
 */
#include <stdio.h>
#include <string.h>

#include "../backend/mbedtls/reach/reach.h"
#include "bundle_internal.h"
#include "esp_log.h"
#include "mbedtls/md.h"
#include "mbedtls/pk.h"

static const char *TAG = ESP_CRT_BUNDLE_TAG;

/* Flags that do not matter for a certificate that is itself a trust anchor: it needs no
 * issuer, and a bundled root has no dates and no signature to check. */
#define ANCHOR_FLAGS                                                                               \
    (MBEDTLS_X509_BADCERT_NOT_TRUSTED | MBEDTLS_X509_BADCERT_BAD_MD |                              \
     MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE)

/* Set by the trusted-CA callback for the verification in progress in this thread (Mbed TLS
 * calls the trusted-CA callback while it builds the chain, then the verify callback for each
 * certificate, depth 0 last, in the same thread). */
static _Thread_local bool s_cross_signed;

void esp_crt_bundle_note_cross_signed(void)
{
    s_cross_signed = true;
}

typedef enum {
    ANCHOR_OK = 0,
    ANCHOR_NO_ROOT, /* no bundled root has the issuer's name */
    ANCHOR_BAD_SIG, /* one or more have it, none verifies the signature */
} anchor_result_t;

static int verify_with_pk(const mbedtls_x509_crt *child, mbedtls_pk_context *pk)
{
    esp_tls_reach_sig_t sig = esp_tls_reach_crt_sig(child);
    if (!mbedtls_pk_can_do(pk, sig.pk)) {
        return MBEDTLS_ERR_PK_TYPE_MISMATCH;
    }
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(sig.md);
    if (md == NULL) {
        return MBEDTLS_ERR_MD_FEATURE_UNAVAILABLE;
    }
    unsigned char hash[MBEDTLS_MD_MAX_SIZE];
    int ret = mbedtls_md(md, child->tbs.p, child->tbs.len, hash);
    if (ret != 0) {
        return ret;
    }
    /* _ext with the certificate's options: RSASSA-PSS as well as PKCS#1 v1.5 and ECDSA (the
     * newest ESP-IDF bundle code verifies PKCS#1 v1.5 only and rejects RSA-PSS links). */
    return mbedtls_pk_verify_ext(sig.pk, sig.opts, pk, sig.md, hash, mbedtls_md_get_size(md),
                                 sig.value->p, sig.value->len);
}

int esp_crt_bundle_check_signature(const mbedtls_x509_crt *child, const uint8_t *key,
                                   size_t key_len)
{
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    int ret = mbedtls_pk_parse_public_key(&pk, key, key_len);
    if (ret == 0) {
        ret = verify_with_pk(child, &pk);
    } else {
        ESP_LOGD(TAG, "a bundled public key does not parse (-0x%04x)", (unsigned)-ret);
    }
    mbedtls_pk_free(&pk);
    return ret;
}

bool esp_crt_bundle_holds(const esp_crt_bundle_t *b, const mbedtls_x509_crt *crt)
{
    esp_crt_bundle_cursor_t cur = {0};
    esp_crt_bundle_entry_t e;
    while (esp_crt_bundle_find_next(b, crt->subject_raw.p, crt->subject_raw.len, &cur, &e)) {
        if (e.key_len == crt->pk_raw.len && memcmp(e.key, crt->pk_raw.p, e.key_len) == 0) {
            return true;
        }
    }
    return false;
}

static anchor_result_t anchor(const esp_crt_bundle_t *b, const mbedtls_x509_crt *crt)
{
    esp_crt_bundle_cursor_t cur = {0};
    esp_crt_bundle_entry_t e;
    anchor_result_t res = ANCHOR_NO_ROOT;
    while (esp_crt_bundle_find_next(b, crt->issuer_raw.p, crt->issuer_raw.len, &cur, &e)) {
        if (esp_crt_bundle_check_signature(crt, e.key, e.key_len) == 0) {
            return ANCHOR_OK;
        }
        res = ANCHOR_BAD_SIG;
    }
    return res;
}

static void log_failure(const mbedtls_x509_crt *crt, anchor_result_t res)
{
    char issuer[256];
    if (mbedtls_x509_dn_gets(issuer, sizeof(issuer), &crt->issuer) < 0) {
        snprintf(issuer, sizeof(issuer), "(unprintable)");
    }
    if (res == ANCHOR_NO_ROOT) {
        ESP_LOGE(TAG, "No matching trusted root certificate found (issuer: %s)", issuer);
    } else {
        ESP_LOGE(TAG, "Certificate matched but signature verification failed (issuer: %s)", issuer);
    }
    ESP_LOGE(TAG, "Failed to verify certificate");
}

/* Cross-signed mode: a certificate of the peer's chain that is itself a bundled root ends the
 * chain, whoever issued it (e.g. a root that the server sends cross-signed by an older root). */
static bool is_anchor(const esp_crt_bundle_t *b, const mbedtls_x509_crt *crt, uint32_t flags)
{
    return s_cross_signed && (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) &&
           esp_crt_bundle_holds(b, crt);
}

/*
 * The certificate's link to its issuer is anchored when a bundled root of the issuer's name
 * verifies its signature: that clears "not trusted". A weak hash (MD5, SHA-1) on this link
 * stays flagged (0x4000), as it is on a link to a cacert_buf anchor: one policy for both
 * paths (ESP-IDF cleared it here). Other flags (name mismatch, expiry, ...) stay too, so they
 * are reported as with a CA certificate instead of being hidden behind "not trusted".
 */
static int check_link(mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    const uint32_t link = MBEDTLS_X509_BADCERT_NOT_TRUSTED;
    esp_crt_bundle_t b;
    if ((*flags & link) == 0) {
        return 0;
    }
    if (!esp_crt_bundle_snapshot(&b)) {
        if (*flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
            ESP_LOGE(TAG, "No certificates in bundle: call esp_crt_bundle_attach() or "
                          "esp_crt_bundle_set() first");
        }
        return 0;
    }
    anchor_result_t res = anchor(&b, crt);
    if (res == ANCHOR_OK) {
        *flags &= ~link;
    } else if (is_anchor(&b, crt, *flags)) {
        ESP_LOGD(TAG, "depth %d is a bundled root (cross-signed verification)", depth);
        *flags &= ~(uint32_t)ANCHOR_FLAGS;
        res = ANCHOR_OK;
    }
    if (res == ANCHOR_OK) {
        ESP_LOGD(TAG, "depth %d anchored by the bundle (%zu roots), flags now 0x%x", depth, b.count,
                 (unsigned)*flags);
        if (*flags == 0) {
            ESP_LOGI(TAG, "Certificate validated");
        }
    } else if (*flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
        /* NOT_TRUSTED stays: Mbed TLS fails with X509_CERT_VERIFY_FAILED and the flags reach
         * the error handle (ESP-IDF v5.5 records no flags on this path). */
        log_failure(crt, res);
    }
    return 0;
}

int esp_crt_verify_callback(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    (void)ctx;
    if (crt == NULL || flags == NULL) {
        return MBEDTLS_ERR_X509_BAD_INPUT_DATA;
    }
    int ret = check_link(crt, depth, flags);
    if (depth == 0) {
        s_cross_signed = false; /* the last call of this verification */
    }
    return ret;
}
