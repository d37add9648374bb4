// SPDX-License-Identifier: Apache-2.0
/*
 * Certificate and key parsing with diagnostics that say what is wrong with the buffer
 * (the FAQ's "certificate parse failure" and the -0x2180 of a PEM length without its NUL).
 */
#include <stdio.h>
#include <string.h>

#include "../../policy/policy.h"
#include "esp_log.h"
#include "mbedtls/error.h"
#include "mbedtls/pk.h"
#include "mbedtls/platform.h"
#include "mbedtls/platform_util.h"
#include "mbedtls_backend.h"
#include "psa/crypto.h"

static const char *TAG = "esp-tls-mbedtls";

const unsigned char *esp_tls_mbedtls_find(const unsigned char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(hay + i, needle, n) == 0) {
            return hay + i;
        }
    }
    return NULL;
}

bool esp_tls_mbedtls_looks_like_pem(const unsigned char *buf, size_t len)
{
    return esp_tls_mbedtls_find(buf, len, "-----BEGIN ") != NULL;
}

/* DER: the total length a SEQUENCE at @p buf claims (header included), or 0 if none. */
size_t esp_tls_mbedtls_der_length(const unsigned char *buf, size_t len)
{
    if (len < 2 || buf[0] != 0x30) {
        return 0;
    }
    if (buf[1] < 0x80) {
        return 2 + (size_t)buf[1];
    }
    size_t n = buf[1] & 0x7f; /* long form: n length bytes follow */
    if (n == 0 || n > 4 || len < 2 + n) {
        return 0;
    }
    size_t body = 0;
    for (size_t i = 0; i < n; i++) {
        body = (body << 8) | buf[2 + i];
    }
    return 2 + n + body;
}

int esp_tls_mbedtls_parse_crt(mbedtls_x509_crt *crt, const unsigned char *buf, size_t len,
                              const char *what)
{
    if (buf == NULL || len == 0) {
        ESP_LOGE(TAG, "%s: empty buffer", what);
        return MBEDTLS_ERR_X509_BAD_INPUT_DATA;
    }
    int ret = esp_tls_policy_parse(crt, buf, len); /* mbedtls_x509_crt_parse() + policy */
    if (ret < 0) {
        char msg[128];
        ESP_LOGE(TAG, "%s: mbedtls_x509_crt_parse returned -0x%04X (%s)", what, (unsigned)-ret,
                 esp_tls_mbedtls_strerror(ret, msg, sizeof(msg)));
        esp_tls_mbedtls_diagnose_buffer(what, false, buf, len);
    } else if (ret > 0) {
        ESP_LOGW(TAG, "%s: %d certificate(s) could not be parsed and were skipped", what, ret);
        esp_tls_mbedtls_diagnose_buffer(what, false, buf, len);
    }
    return ret;
}

esp_err_t esp_tls_mbedtls_load_crt(esp_tls_t *tls, mbedtls_x509_crt **slot,
                                   const unsigned char *buf, size_t len, const char *what)
{
    if (*slot == NULL && (*slot = mbedtls_calloc(1, sizeof(**slot))) != NULL) {
        mbedtls_x509_crt_init(*slot);
    }
    int ret = MBEDTLS_ERR_X509_ALLOC_FAILED;
    if (*slot == NULL) {
        ESP_LOGE(TAG, "%s: no memory", what);
    } else {
        ret = esp_tls_mbedtls_parse_crt(*slot, buf, len, what);
    }
    if (ret < 0) {
        esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_MBEDTLS, -ret);
        return ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED;
    }
    return ESP_OK;
}

void esp_tls_mbedtls_release_crt(mbedtls_x509_crt **slot)
{
    if (*slot != NULL) {
        mbedtls_x509_crt_free(*slot);
        mbedtls_free(*slot);
        *slot = NULL;
    }
}

void esp_tls_mbedtls_release_own(esp_tls_mbedtls_t *p)
{
    if (p->shared != NULL) { /* the configuration's, not this session's */
        esp_tls_server_creds_put(p->shared);
        p->shared = NULL;
        p->own = NULL;
    }
    if (p->own != NULL) {
        mbedtls_x509_crt_free(&p->own->cert);
        mbedtls_pk_free(&p->own->key);
        (void)psa_destroy_key(p->own->psa_key);            /* a no-op for 0 */
        mbedtls_platform_zeroize(p->own, sizeof(*p->own)); /* it held the key */
        mbedtls_free(p->own);
        p->own = NULL;
    }
}

/* A wrong password decrypts PKCS#8 to garbage whose padding is valid about once in 256 tries:
 * Mbed TLS then reports a malformed key, not a password mismatch. */
static bool bad_password(int ret, bool encrypted_with_pwd)
{
    return ret == MBEDTLS_ERR_PK_PASSWORD_MISMATCH ||
           (encrypted_with_pwd && (-ret & 0xFF80) == -MBEDTLS_ERR_PK_KEY_INVALID_FORMAT);
}

static void explain_key_error(const char *who, int ret, bool encrypted_with_pwd)
{
    if (ret == MBEDTLS_ERR_PK_PASSWORD_REQUIRED) {
        ESP_LOGE(TAG, "%s key: the key is encrypted; set %skey_password", who, who);
    } else if (bad_password(ret, encrypted_with_pwd)) {
        ESP_LOGE(TAG, "%s key: wrong password for the encrypted key", who);
    } else if (ret == MBEDTLS_ERR_PK_UNKNOWN_PK_ALG || ret == MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE) {
        ESP_LOGE(TAG,
                 "%s key: it uses an algorithm or curve this build does not support "
                 "(use RSA or EC P-256/P-384)",
                 who);
    }
}

static esp_err_t parse_key(esp_tls_t *tls, mbedtls_pk_context *pk, const char *who,
                           const unsigned char *key, size_t key_len, const unsigned char *pwd,
                           size_t pwd_len)
{
    int ret = mbedtls_pk_parse_key(pk, key, key_len, pwd, pwd_len, esp_tls_mbedtls_rng, NULL);
    if (ret != 0) {
        char what[32];
        snprintf(what, sizeof(what), "%s key", who);
        bool encrypted = esp_tls_mbedtls_find(key, key_len, "ENCRYPTED") != NULL;
        explain_key_error(who, ret, encrypted && pwd_len > 0);
        esp_tls_mbedtls_diagnose_buffer(what, true, key, key_len);
        return esp_tls_mbedtls_fail(tls, "mbedtls_pk_parse_key", ret,
                                    ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED, NULL);
    }
    return ESP_OK;
}

/*
 * A client's RSA key goes into PSA once. Left as parsed, Mbed TLS exports it to DER (a 5.7 KB
 * buffer) and imports it into PSA again for every TLS 1.3 signature
 * (mbedtls_pk_psa_rsa_sign_ext). PKCS#1 v1.5 is the key's first algorithm (TLS 1.2 signs with
 * that one), RSA-PSS its second (TLS 1.3 asks for PSS explicitly). Server keys stay as parsed:
 * TLS 1.2 RSA key exchange also decrypts with them.
 */
static int rsa_key_into_psa(esp_tls_mbedtls_own_t *own)
{
#if defined(MBEDTLS_USE_PSA_CRYPTO)
    if (mbedtls_pk_get_type(&own->key) != MBEDTLS_PK_RSA) {
        return 0;
    }
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    int ret = mbedtls_pk_get_psa_attributes(&own->key, PSA_KEY_USAGE_SIGN_HASH, &attr);
    psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_SIGN_HASH);
    psa_set_key_algorithm(&attr, PSA_ALG_RSA_PKCS1V15_SIGN(PSA_ALG_ANY_HASH));
    psa_set_key_enrollment_algorithm(&attr, PSA_ALG_RSA_PSS(PSA_ALG_ANY_HASH));
    mbedtls_svc_key_id_t id = MBEDTLS_SVC_KEY_ID_INIT;
    if (ret == 0) {
        ret = mbedtls_pk_import_into_psa(&own->key, &attr, &id);
    }
    psa_reset_key_attributes(&attr);
    if (ret != 0) {
        return ret;
    }
    mbedtls_pk_free(&own->key);
    ret = mbedtls_pk_setup_opaque(&own->key, id);
    if (ret != 0) {
        (void)psa_destroy_key(id);
        return ret;
    }
    own->psa_key = id;
    return 0;
#else
    (void)own;
    return 0;
#endif
}

esp_err_t esp_tls_mbedtls_parse_own(esp_tls_t *tls, esp_tls_mbedtls_own_t *own, const char *who,
                                    const unsigned char *cert, size_t cert_len,
                                    const unsigned char *key, size_t key_len,
                                    const unsigned char *pwd, size_t pwd_len)
{
    char what[32];
    snprintf(what, sizeof(what), "%s certificate", who);
    mbedtls_x509_crt *crt = &own->cert;
    ESP_GUARD(esp_tls_mbedtls_load_crt(tls, &crt, cert, cert_len, what));
    ESP_GUARD(parse_key(tls, &own->key, who, key, key_len, pwd, pwd_len));
    int ret = mbedtls_pk_check_pair(&own->cert.pk, &own->key, esp_tls_mbedtls_rng, NULL);
    if (ret != 0) {
        ESP_LOGE(TAG,
                 "%s key does not match the %s certificate's public key "
                 "(-0x%04X): check that both files belong together",
                 who, who, (unsigned)-ret);
        esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_MBEDTLS, -ret);
        return ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED;
    }
    return ESP_OK;
}

esp_err_t esp_tls_mbedtls_use_own(esp_tls_t *tls)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    int ret = mbedtls_ssl_conf_own_cert(&p->conf, &p->own->cert, &p->own->key);
    if (ret != 0) {
        return esp_tls_mbedtls_fail(tls, "mbedtls_ssl_conf_own_cert", ret,
                                    ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED, NULL);
    }
    return ESP_OK;
}

esp_err_t esp_tls_mbedtls_own_creds(esp_tls_t *tls, const char *who, const unsigned char *cert,
                                    size_t cert_len, const unsigned char *key, size_t key_len,
                                    const unsigned char *pwd, size_t pwd_len)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    if (p->own == NULL) {
        p->own = mbedtls_calloc(1, sizeof(*p->own));
        ESP_ENSURE_LOG(p->own != NULL, ESP_ERR_NO_MEM, "no memory for the %s certificate", who);
        mbedtls_x509_crt_init(&p->own->cert);
        mbedtls_pk_init(&p->own->key);
    }
    ESP_GUARD(
        esp_tls_mbedtls_parse_own(tls, p->own, who, cert, cert_len, key, key_len, pwd, pwd_len));
    int ret = tls->role == ESP_TLS_CLIENT ? rsa_key_into_psa(p->own) : 0;
    if (ret != 0) {
        return esp_tls_mbedtls_fail(tls, "mbedtls_pk_import_into_psa", ret,
                                    ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED, NULL);
    }
    return esp_tls_mbedtls_use_own(tls);
}
