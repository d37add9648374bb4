// SPDX-License-Identifier: Apache-2.0
/*
 * esp_tls_verify_chain(): a chain verified outside a handshake, with what a client handshake
 * uses: the anchors chosen by esp_tls_mbedtls_client_verify() (bundle, global store, CA
 * buffer, in that order), the config's certificate profile, its verify callback (the bundle's,
 * then ours) and the name set by the client config. Mbed TLS' handshake runs the same
 * mbedtls_x509_crt_verify_* call on the same config fields, then checks the leaf's key usage
 * for a TLS 1.3 / ECDHE server; so does this.
 */
#include <string.h>

#include "../../policy/policy.h"
#include "../../port/port.h"
#include "esp_log.h"
#include "esp_tls_ext.h"
#include "mbedtls/oid.h"
#include "mbedtls_backend.h"
#include "reach/reach.h"

static const char *TAG = "esp-tls-verify";

/* Concatenated DER certificates, one after the other. */
static int parse_der_chain(mbedtls_x509_crt *chain, const unsigned char *buf, size_t len)
{
    size_t off = 0;
    while (off < len) {
        size_t one = esp_tls_mbedtls_der_length(buf + off, len - off);
        if (one == 0 || one > len - off) {
            ESP_LOGE(TAG, "chain: no complete DER certificate at byte offset %zu", off);
            return MBEDTLS_ERR_X509_INVALID_FORMAT;
        }
        int ret = esp_tls_policy_parse_der(chain, buf + off, one, 1); /* as the handshake */
        if (ret != 0) {
            ESP_LOGE(TAG, "chain: the DER certificate at byte offset %zu does not parse", off);
            return ret;
        }
        off += one;
    }
    return 0;
}

static int parse_chain(mbedtls_x509_crt *chain, const unsigned char *buf, size_t len)
{
    if (esp_tls_mbedtls_looks_like_pem(buf, len)) {
        int ret = esp_tls_mbedtls_parse_crt(chain, buf, len, "chain");
        return ret > 0 ? MBEDTLS_ERR_X509_INVALID_FORMAT : ret;
    }
    return parse_der_chain(chain, buf, len);
}

/* The key usage a TLS 1.3 or ECDHE server certificate needs (as the handshake checks). */
static uint32_t usage_flags(const mbedtls_x509_crt *leaf)
{
    uint32_t flags = 0;
    if (mbedtls_x509_crt_check_key_usage(leaf, MBEDTLS_X509_KU_DIGITAL_SIGNATURE) != 0) {
        flags |= MBEDTLS_X509_BADCERT_KEY_USAGE;
    }
    if (mbedtls_x509_crt_check_extended_key_usage(leaf, MBEDTLS_OID_SERVER_AUTH,
                                                  MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH)) != 0) {
        flags |= MBEDTLS_X509_BADCERT_EXT_KEY_USAGE;
    }
    return flags;
}

/* The verification call of Mbed TLS' handshake, on the fields the client config set. */
static uint32_t run_verify(esp_tls_mbedtls_t *p, mbedtls_x509_crt *chain)
{
    const char *name = mbedtls_ssl_get_hostname(&p->ssl);
    if (name != NULL && name[0] == '\0') {
        name = NULL; /* Mbed TLS' mark for "set to NULL on purpose": no name check */
    }
    uint32_t flags = 0;
    int ret = esp_tls_reach_verify_as_handshake(&p->conf, chain, name, &flags);
    if (ret != 0 && flags == 0) {
        flags = MBEDTLS_X509_BADCERT_OTHER; /* a fatal error without a flag */
    }
    return flags | usage_flags(chain);
}

static void fill_cfg(esp_tls_cfg_t *tc, const esp_tls_verify_cfg_t *cfg)
{
    memset(tc, 0, sizeof(*tc));
    tc->cacert_buf = cfg->cacert_buf;
    tc->cacert_bytes = cfg->cacert_bytes;
    tc->crt_bundle_attach = cfg->crt_bundle_attach;
    tc->use_global_ca_store = cfg->use_global_ca_store;
    tc->common_name = cfg->common_name;
    tc->skip_common_name = cfg->common_name == NULL;
}

static esp_err_t verify_with(esp_tls_t *tls, const esp_tls_verify_cfg_t *cfg,
                             mbedtls_x509_crt *chain, uint32_t *flags)
{
    ESP_ENSURE_LOG(cfg->cacert_buf != NULL || cfg->use_global_ca_store ||
                       cfg->crt_bundle_attach != NULL,
                   ESP_ERR_INVALID_ARG,
                   "esp_tls_verify_chain: set cacert_buf, use_global_ca_store or "
                   "crt_bundle_attach");
    esp_tls_cfg_t tc;
    fill_cfg(&tc, cfg);
    const char *host = cfg->common_name ? cfg->common_name : "verify.invalid";
    ESP_GUARD(tls->ops->client_create(tls, host, strlen(host), &tc));
    ESP_ENSURE_LOG(esp_tls_set_validation_time(cfg->at_time), ESP_ERR_NOT_SUPPORTED,
                   "esp_tls_verify_chain: at_time needs CONFIG_MBEDTLS_HAVE_TIME");
    *flags = run_verify(esp_tls_mbedtls(tls), chain);
    esp_tls_set_validation_time(0);
    if (*flags == 0) {
        return ESP_OK;
    }
    esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_MBEDTLS,
                    -MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
    esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_MBEDTLS_CERT_FLAGS, (int)*flags);
    return ESP_FAIL;
}

static esp_err_t verify_parsed(esp_tls_t *tls, const esp_tls_verify_cfg_t *cfg,
                               const unsigned char *buf, size_t len, uint32_t *flags)
{
    mbedtls_x509_crt chain;
    mbedtls_x509_crt_init(&chain);
    esp_err_t rc = ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED;
    int ret = parse_chain(&chain, buf, len);
    if (ret != 0) {
        esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_MBEDTLS, -ret);
    } else {
        rc = verify_with(tls, cfg, &chain, flags);
    }
    mbedtls_x509_crt_free(&chain);
    return rc;
}

esp_err_t esp_tls_mbedtls_verify_chain(esp_tls_t *tls, const esp_tls_verify_cfg_t *cfg,
                                       const unsigned char *chain, size_t chain_len,
                                       uint32_t *flags)
{
    ESP_GUARD(esp_tls_mbedtls_psa_init());
    return verify_parsed(tls, cfg, chain, chain_len, flags);
}
