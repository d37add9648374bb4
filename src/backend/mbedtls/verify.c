// SPDX-License-Identifier: Apache-2.0
/*
 * Server verification for a client: the first configured option wins, in ESP-IDF's order:
 * bundle, global CA store, CA buffer; otherwise the insecure skip option or an error.
 */
#include <stdint.h>
#include <string.h>

#include "../../diag/escape.h"
#include "../../policy/policy.h"
#include "esp_log.h"
#include "mbedtls/error.h"
#include "mbedtls/oid.h"
#include "mbedtls_backend.h"
#include "reach/reach.h"

/* PSK is used only with CONFIG_ESP_TLS_PSK_VERIFICATION, as on ESP-IDF */
#if CONFIG_ESP_TLS_PSK_VERIFICATION
#define PSK_VERIFICATION 1
#else
#define PSK_VERIFICATION 0
#endif

static const char *TAG = "esp-tls-mbedtls";

static esp_err_t use_bundle(esp_tls_t *tls, const esp_tls_cfg_t *cfg)
{
#if CONFIG_MBEDTLS_CERTIFICATE_BUNDLE
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    mbedtls_ssl_conf_authmode(&p->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_verify(&p->conf, NULL, NULL);
    (void)cfg->crt_bundle_attach(&p->conf); /* ESP-IDF ignores its result too */
    /* The attach function may install its own verify callback: ours calls it first. */
    p->inner_vrfy = esp_tls_reach_conf_vrfy(&p->conf);
    p->inner_vrfy_ctx = esp_tls_reach_conf_vrfy_ctx(&p->conf);
    p->verify_with_ca = true;
    return ESP_OK;
#else
    (void)tls;
    (void)cfg;
    ESP_LOGE(TAG, "crt_bundle_attach is set but CONFIG_MBEDTLS_CERTIFICATE_BUNDLE is off "
                  "(menuconfig: Component config -> mbedTLS -> Certificate Bundle)");
    return ESP_ERR_INVALID_STATE;
#endif
}

static esp_err_t use_global_store(esp_tls_t *tls)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    p->global_ca = esp_tls_ca_store_acquire();
    ESP_ENSURE_LOG(p->global_ca != NULL, ESP_ERR_INVALID_STATE,
                   "use_global_ca_store is set but the global CA store was never created; call "
                   "esp_tls_set_global_ca_store() first");
    mbedtls_ssl_conf_authmode(&p->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&p->conf, esp_tls_ca_store_chain(p->global_ca), NULL);
    p->verify_with_ca = true;
    return ESP_OK;
}

static esp_err_t use_cacert(esp_tls_t *tls, const esp_tls_cfg_t *cfg)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    ESP_GUARD(esp_tls_mbedtls_load_crt(tls, &p->cacert, cfg->cacert_buf, cfg->cacert_bytes,
                                       "CA certificate"));
    mbedtls_ssl_conf_authmode(&p->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&p->conf, p->cacert, NULL);
    p->verify_with_ca = true;
    return ESP_OK;
}

static esp_err_t no_verification(esp_tls_t *tls)
{
#if CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY
    ESP_LOGW(TAG, "the server's certificate is NOT verified "
                  "(CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY); never use this in production");
    mbedtls_ssl_conf_authmode(&esp_tls_mbedtls(tls)->conf, MBEDTLS_SSL_VERIFY_NONE);
    return ESP_OK;
#else
    (void)tls;
    ESP_LOGE(TAG, "No server verification option set in esp_tls_cfg_t structure: set "
                  "cacert_buf, use_global_ca_store or crt_bundle_attach (to skip verification "
                  "for tests only, enable Component config -> ESP-TLS -> Allow potentially "
                  "insecure options -> Skip server certificate verification by default)");
    return ESP_ERR_MBEDTLS_SSL_SETUP_FAILED;
#endif
}

bool esp_tls_mbedtls_crt_matches_ip(const mbedtls_x509_crt *crt, const unsigned char *ip,
                                    size_t ip_len, const char *text)
{
    if (!mbedtls_x509_crt_has_ext_type(crt, MBEDTLS_X509_EXT_SUBJECT_ALT_NAME)) {
        const mbedtls_x509_name *cn = &crt->subject;
        for (; cn != NULL; cn = cn->next) {
            if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &cn->oid) == 0) {
                return cn->val.len == strlen(text) && memcmp(cn->val.p, text, cn->val.len) == 0;
            }
        }
        return false;
    }
    for (const mbedtls_x509_sequence *cur = &crt->subject_alt_names; cur; cur = cur->next) {
        mbedtls_x509_subject_alternative_name san;
        if (cur->buf.p == NULL || mbedtls_x509_parse_subject_alt_name(&cur->buf, &san) != 0) {
            continue;
        }
        bool match = san.type == MBEDTLS_X509_SAN_IP_ADDRESS &&
                     san.san.unstructured_name.len == ip_len &&
                     memcmp(san.san.unstructured_name.p, ip, ip_len) == 0;
        mbedtls_x509_free_subject_alt_name(&san);
        if (match) {
            return true;
        }
    }
    return false;
}

/* The name the leaf must hold: the IP literal verify.c checks itself, or Mbed TLS's host name
 * ("" or NULL: none, skip_common_name). */
static const char *expected_name(esp_tls_mbedtls_t *p)
{
    return p->ip_len != 0 ? p->ip_text : mbedtls_ssl_get_hostname(&p->ssl);
}

/* The checks of one certificate: the bundle anchor, then the certificate policy (policy.c),
 * then an IP address against the leaf (see set_hostname). */
static int crt_checks(esp_tls_mbedtls_t *p, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    if (p->inner_vrfy != NULL) {
        int ret = p->inner_vrfy(p->inner_vrfy_ctx, crt, depth, flags);
        if (ret != 0) {
            esp_tls_policy_reset(); /* Mbed TLS stops here: the path ends */
            p->held_flags = 0;
            return ret;
        }
    }
    esp_tls_policy_check(crt, depth, expected_name(p), flags);
    if (depth == 0 && p->ip_len != 0 &&
        !esp_tls_mbedtls_crt_matches_ip(crt, p->ip, p->ip_len, p->ip_text)) {
        *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
    }
    return 0;
}

/* The callback of a candidate path that policy_path.c verifies: the same checks. */
static int alt_path_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    return crt_checks(ctx, crt, depth, flags);
}

/* What a candidate path is verified with: the anchors, profile and name of this handshake.
 * Paths are built over a list of anchors only (not the bundle: policy_path.c). */
static void path_cfg(esp_tls_mbedtls_t *p, esp_tls_path_cfg_t *cfg)
{
    const mbedtls_ssl_config *c = &p->conf;
    const char *name = mbedtls_ssl_get_hostname(&p->ssl);
    memset(cfg, 0, sizeof(*cfg));
    cfg->ca_chain = esp_tls_reach_conf_ca_chain_mut(c);
    cfg->ca_crl = esp_tls_reach_conf_ca_crl(c);
    cfg->profile = esp_tls_reach_conf_cert_profile(c);
    cfg->name = name != NULL && name[0] != '\0' ? name : NULL; /* "": no name check */
    cfg->f_vrfy = alt_path_cb;
    cfg->p_vrfy = p;
}

static void log_crt(const mbedtls_x509_crt *crt, int depth, uint32_t flags)
{
    if (esp_log_level_get(TAG) >= ESP_LOG_DEBUG) {
        char info[1024], shown[2048];
        int n = mbedtls_x509_crt_info(info, sizeof(info), "    ", crt);
        /* the dump holds the peer's names as they are: escaped before they reach the log */
        esp_tls_escape_text(shown, sizeof(shown), info, n > 0 ? (size_t)n : 0, true);
        ESP_LOGD(TAG, "peer chain depth %d, verify flags 0x%x:\n%s", depth, (unsigned)flags,
                 n > 0 ? shown : "    (unprintable)");
    }
}

/* Called by Mbed TLS for each certificate of the peer's chain, from the top down: the checks
 * above, then path building (policy_path.c: when the path Mbed TLS built fails, another one
 * may hold); logs the chain at debug level, also when verification fails, for the FAQ's
 * "compare the chain with the browser's". */
static int verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    esp_tls_mbedtls_t *p = ctx;
    p->certs_seen++;
    int ret = crt_checks(p, crt, depth, flags);
    if (ret != 0) {
        return ret;
    }
    log_crt(crt, depth, *flags);
    p->chain_flags |= *flags;
    if (depth == 0 && (*flags | p->held_flags) != 0 && p->inner_vrfy == NULL &&
        esp_tls_reach_conf_ca_chain(&p->conf) != NULL) {
        esp_tls_path_cfg_t cfg;
        path_cfg(p, &cfg);
        esp_tls_policy_path_step(&p->held_flags, crt, depth, flags, &cfg);
        p->chain_flags = *flags == 0 ? 0 : p->chain_flags;
    } else {
        esp_tls_policy_path_step(&p->held_flags, crt, depth, flags, NULL);
    }
    if (depth == 0) {
        esp_tls_mbedtls_diag_leaf(p, crt, *flags);
    }
    return 0;
}

static bool has_psk(const esp_tls_cfg_t *cfg)
{
    return PSK_VERIFICATION && cfg->psk_hint_key != NULL;
}

/* A pre-shared key authenticates the server (the authmode is left as it is, as on ESP-IDF). */
static esp_err_t use_psk(esp_tls_t *tls, const psk_hint_key_t *psk)
{
    ESP_ENSURE_LOG(psk->key != NULL && psk->key_size > 0 && psk->hint != NULL, ESP_ERR_INVALID_ARG,
                   "psk_hint_key needs a key, its size and a NUL-terminated hint");
    int ret = mbedtls_ssl_conf_psk(&esp_tls_mbedtls(tls)->conf, psk->key, psk->key_size,
                                   (const unsigned char *)psk->hint, strlen(psk->hint));
    if (ret != 0) {
        return esp_tls_mbedtls_fail(tls, "mbedtls_ssl_conf_psk", ret,
                                    ESP_ERR_MBEDTLS_SSL_CONF_PSK_FAILED, NULL);
    }
    return ESP_OK;
}

esp_err_t esp_tls_mbedtls_client_verify(esp_tls_t *tls, const esp_tls_cfg_t *cfg)
{
    esp_err_t rc;
    if (cfg->crt_bundle_attach != NULL) {
        rc = use_bundle(tls, cfg);
    } else if (cfg->use_global_ca_store) {
        rc = use_global_store(tls);
    } else if (cfg->cacert_buf != NULL) {
        rc = use_cacert(tls, cfg);
    } else if (has_psk(cfg)) {
        rc = use_psk(tls, cfg->psk_hint_key);
    } else {
        /* A session to resume is no verification option: the server is not authenticated
         * again on resumption, so a session alone would trust whoever issued it (ESP-IDF
         * v5.5.5 closed the same bypass). */
        rc = no_verification(tls);
    }
    mbedtls_ssl_conf_verify(&esp_tls_mbedtls(tls)->conf, verify_cb, esp_tls_mbedtls(tls));
    return rc;
}

void esp_tls_mbedtls_report_verify(esp_tls_t *tls)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    uint32_t flags = mbedtls_ssl_get_verify_result(&p->ssl);
    if (!p->verify_with_ca || flags == 0 || flags == UINT32_MAX) {
        return;
    }
    /* Taken from the verify result, not the peer certificate, which Mbed TLS 3 has not
     * stored yet when verification fails (ESP-IDF v5.5 reads them from the certificate
     * and so reports flags 0 for CN mismatch, unknown CA and expiry). */
    esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_MBEDTLS_CERT_FLAGS, (int)flags);
    char info[512];
    int n = mbedtls_x509_crt_verify_info(info, sizeof(info), "  ! ", flags);
    ESP_LOGE(TAG, "Failed to verify peer certificate! flags 0x%x:\n%s", (unsigned)flags,
             n > 0 ? info : "");
    if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) {
        ESP_LOGE(TAG, "the certificate is for another name: connect with the name it holds, "
                      "set common_name to it, or (IP brokers) set skip_common_name");
    }
    const char *peer = tls->role == ESP_TLS_SERVER ? "client" : "server";
    if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
        ESP_LOGE(TAG,
                 "no configured CA issued this chain: configure the root CA of the %s's "
                 "chain (enable debug logs to see the chain)",
                 peer);
    }
    if (flags & (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE)) {
        ESP_LOGE(TAG,
                 "a certificate is outside its validity period: check the %s's "
                 "certificate and this machine's clock",
                 peer);
    }
}

/* A server verifying client certificates: the policy's client-certificate rules, then what
 * diagnostics keep (the client's chain, for esp_tls_get_peer_cert_der()). */
static int server_verify_cb(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    esp_tls_mbedtls_t *p = ctx;
    p->certs_seen++;
    int ret = esp_tls_policy_client_cert_cb(NULL, crt, depth, flags);
    p->chain_flags |= *flags;
    if (depth == 0) {
        esp_tls_mbedtls_diag_leaf(p, crt, *flags);
    }
    return ret;
}

void esp_tls_mbedtls_server_verify(esp_tls_t *tls)
{
    mbedtls_ssl_conf_verify(&esp_tls_mbedtls(tls)->conf, server_verify_cb, esp_tls_mbedtls(tls));
}
