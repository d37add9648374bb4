// SPDX-License-Identifier: Apache-2.0
/*
 * Certificate summaries for people (esp_tls_cert_describe) and DER -> PEM (esp_tls_cert_to_pem).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "../../diag/escape.h"
#include "../../mem/mem.h"
#include "../../policy/policy.h"
#include "esp_tls_ext.h"
#include "mbedtls/base64.h"
#include "mbedtls/ecp.h"
#include "mbedtls/oid.h"
#include "mbedtls/pem.h"
#include "mbedtls/sha256.h"
#include "mbedtls_backend.h"

static void format_time(char *out, size_t size, const mbedtls_x509_time *t)
{
    snprintf(out, size, "%04d-%02d-%02d %02d:%02d:%02d", t->year, t->mon, t->day, t->hour, t->min,
             t->sec);
}

static void format_key(char *out, size_t size, const mbedtls_pk_context *pk)
{
#if defined(MBEDTLS_PK_HAVE_ECC_KEYS) && defined(MBEDTLS_ECP_C)
    if (mbedtls_pk_can_do(pk, MBEDTLS_PK_ECKEY)) {
        mbedtls_ecp_group_id id = mbedtls_ecp_keypair_get_group_id(mbedtls_pk_ec(*pk));
        const mbedtls_ecp_curve_info *info = mbedtls_ecp_curve_info_from_grp_id(id);
        snprintf(out, size, "EC %s", info ? info->name : "(unknown curve)");
        return;
    }
#endif
    snprintf(out, size, "%s %zu", mbedtls_pk_get_name(pk), mbedtls_pk_get_bitlen(pk));
}

static void format_fingerprint(char *out, size_t size, const unsigned char *der, size_t len)
{
    unsigned char digest[32];
    out[0] = '\0';
    if (mbedtls_sha256(der, len, digest, 0) != 0) {
        return;
    }
    size_t used = 0;
    for (size_t i = 0; i < sizeof(digest) && used + 3 < size; i++) {
        used += (size_t)snprintf(out + used, size - used, i ? ":%02X" : "%02X", digest[i]);
    }
}

/* "PREFIX:value" with the value escaped (diag/escape.h): it is the peer's text. */
static bool format_text_san(char *out, size_t size, const char *prefix, const mbedtls_x509_buf *v)
{
    int n = snprintf(out, size, "%s:", prefix);
    esp_tls_escape_text(out + n, size - (size_t)n, (const char *)v->p, v->len, false);
    return true;
}

/* One subjectAltName entry as "DNS:name" or "IP:addr"; false for types not shown. */
static bool format_san(char *out, size_t size, const mbedtls_x509_subject_alternative_name *san)
{
    const mbedtls_x509_buf *v = &san->san.unstructured_name;
    char ip[INET6_ADDRSTRLEN];
    switch (san->type) {
    case MBEDTLS_X509_SAN_DNS_NAME: return format_text_san(out, size, "DNS", v);
    case MBEDTLS_X509_SAN_RFC822_NAME: return format_text_san(out, size, "email", v);
    case MBEDTLS_X509_SAN_UNIFORM_RESOURCE_IDENTIFIER: return format_text_san(out, size, "URI", v);
    case MBEDTLS_X509_SAN_IP_ADDRESS:
        if ((v->len == 4 && inet_ntop(AF_INET, v->p, ip, sizeof(ip))) ||
            (v->len == 16 && inet_ntop(AF_INET6, v->p, ip, sizeof(ip)))) {
            snprintf(out, size, "IP:%s", ip);
            return true;
        }
        return false;
    default: return false;
    }
}

void esp_tls_mbedtls_format_sans(char *out, size_t size, const mbedtls_x509_crt *crt)
{
    size_t used = 0;
    out[0] = '\0';
    for (const mbedtls_x509_sequence *cur = &crt->subject_alt_names; cur; cur = cur->next) {
        mbedtls_x509_subject_alternative_name san;
        if (cur->buf.p == NULL || mbedtls_x509_parse_subject_alt_name(&cur->buf, &san) != 0) {
            continue;
        }
        char one[300];
        if (format_san(one, sizeof(one), &san) && used + 1 < size) {
            used += (size_t)snprintf(out + used, size - used, "%s%s", used ? ", " : "", one);
        }
        mbedtls_x509_free_subject_alt_name(&san);
    }
}

static void fill_info(const mbedtls_x509_crt *crt, const unsigned char *der, size_t len,
                      esp_tls_cert_info_t *info)
{
    memset(info, 0, sizeof(*info));
    if (mbedtls_x509_dn_gets(info->subject, sizeof(info->subject), &crt->subject) < 0) {
        info->subject[0] = '\0';
    }
    if (mbedtls_x509_dn_gets(info->issuer, sizeof(info->issuer), &crt->issuer) < 0) {
        info->issuer[0] = '\0';
    }
    esp_tls_mbedtls_format_sans(info->san, sizeof(info->san), crt);
    format_time(info->not_before, sizeof(info->not_before), &crt->valid_from);
    format_time(info->not_after, sizeof(info->not_after), &crt->valid_to);
    format_key(info->key, sizeof(info->key), &crt->pk);
    const char *desc = NULL;
    snprintf(info->sig_alg, sizeof(info->sig_alg), "%s",
             mbedtls_oid_get_sig_alg_desc(&crt->sig_oid, &desc) == 0 ? desc : "unknown");
    format_fingerprint(info->sha256, sizeof(info->sha256), der, len);
    info->version = crt->version;
    info->is_ca = mbedtls_x509_crt_get_ca_istrue(crt) == 1;
}

esp_err_t esp_tls_mbedtls_cert_describe(const unsigned char *der, size_t len,
                                        esp_tls_cert_info_t *info)
{
    esp_tls_mem_install();
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    esp_err_t rc = ESP_FAIL;
    if (esp_tls_policy_parse_der(&crt, der, len, 1) == 0) {
        fill_info(&crt, der, len, info);
        rc = ESP_OK;
    }
    mbedtls_x509_crt_free(&crt);
    return rc;
}

esp_err_t esp_tls_mbedtls_cert_to_pem(const unsigned char *der, size_t len, char *buf,
                                      size_t buf_len, size_t *olen)
{
    size_t written = 0;
    int ret =
        mbedtls_pem_write_buffer("-----BEGIN CERTIFICATE-----\n", "-----END CERTIFICATE-----\n",
                                 der, len, (unsigned char *)buf, buf_len, &written);
    /* Mbed TLS counts the NUL in its length */
    *olen = written > 0 ? written - 1 : 0;
    if (ret == MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL) {
        return ESP_ERR_NO_MEM;
    }
    return ret == 0 ? ESP_OK : ESP_FAIL;
}
