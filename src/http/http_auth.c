// SPDX-License-Identifier: Apache-2.0
/*
 * HTTP authentication of esp_http_client: Basic (RFC 7617) and Digest (RFC 7616: MD5 or
 * SHA-256, qop "auth" or none). Hashes and base64 come from Mbed TLS (through esp_tls_crypto
 * for base64), so the client adds no crypto of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "esp_log.h"
#include "esp_tls_crypto.h"
#include "http_internal.h"
#include "mbedtls/md.h"
#include "sdkconfig.h"

static const char *TAG = "HTTP_AUTH";

char *http_auth_basic(const char *user, const char *password)
{
    char *plain = http_str_printf("%s:%s", user ? user : "", password ? password : "");
    if (!plain) {
        return NULL;
    }
    size_t n = strlen(plain), cap = 4 * ((n + 2) / 3) + 1, olen = 0;
    char *out = malloc(cap + 6);
    if (out) {
        memcpy(out, "Basic ", 6);
        if (esp_crypto_base64_encode((unsigned char *)out + 6, cap, &olen,
                                     (const unsigned char *)plain, n) != 0) {
            free(out);
            out = NULL;
        }
    }
    http_str_free(plain);
    return out;
}

/* Value of parameter @p name in a challenge ("k=v, k2=\"v2\""), or NULL */
static char *param(const char *s, const char *name)
{
    size_t nl = strlen(name);
    while (*s) {
        s += strspn(s, " \t,");
        const char *eq = strchr(s, '=');
        if (!eq) {
            return NULL;
        }
        bool match = (size_t)(eq - s) == nl && strncasecmp(s, name, nl) == 0;
        const char *v = eq + 1, *end;
        if (*v == '"') {
            v++;
            end = strchr(v, '"');
            if (!end) {
                return NULL;
            }
            s = end + 1;
        } else {
            end = v + strcspn(v, " \t,");
            s = end;
        }
        if (match) {
            return strndup(v, (size_t)(end - v));
        }
    }
    return NULL;
}

/* lower-case hex digest of the NUL-terminated text @p in, or NULL */
static char *hash_hex(mbedtls_md_type_t type, const char *in)
{
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(type);
    if (!md) {
        return NULL;
    }
    unsigned char d[MBEDTLS_MD_MAX_SIZE];
    if (mbedtls_md(md, (const unsigned char *)in, strlen(in), d) != 0) {
        return NULL;
    }
    size_t n = mbedtls_md_get_size(md);
    char *hex = malloc(2 * n + 1);
    for (size_t i = 0; hex && i < n; i++) {
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    }
    return hex;
}

/* H(parts joined with ':') as hex */
static char *hash_join(mbedtls_md_type_t type, const char *const *parts, int n)
{
    size_t len = 1;
    for (int i = 0; i < n; i++) {
        len += strlen(parts[i]) + 1;
    }
    char *text = malloc(len);
    if (!text) {
        return NULL;
    }
    text[0] = '\0';
    for (int i = 0; i < n; i++) {
        strcat(strcat(text, i ? ":" : ""), parts[i]);
    }
    char *hex = hash_hex(type, text);
    free(text);
    return hex;
}

static bool md_of(const char *algorithm, mbedtls_md_type_t *type)
{
    if (!algorithm || strcasecmp(algorithm, "MD5") == 0) {
        *type = MBEDTLS_MD_MD5;
    } else if (strcasecmp(algorithm, "SHA-256") == 0) {
        *type = MBEDTLS_MD_SHA256;
    } else {
        return false;
    }
    return mbedtls_md_info_from_type(*type) != NULL;
}

typedef struct {
    char *realm, *nonce, *qop, *opaque, *algorithm;
} digest_challenge_t;

static void challenge_free(digest_challenge_t *d)
{
    free(d->realm);
    free(d->nonce);
    free(d->qop);
    free(d->opaque);
    free(d->algorithm);
}

static char *digest_response(const digest_challenge_t *d, mbedtls_md_type_t type, const char *ha1,
                             const char *ha2, const char *nc, const char *cnonce)
{
    if (!d->qop) {
        const char *parts[] = {ha1, d->nonce, ha2};
        return hash_join(type, parts, 3);
    }
    const char *parts[] = {ha1, d->nonce, nc, cnonce, "auth", ha2};
    return hash_join(type, parts, 6);
}

static char *digest_header(const char *user, const digest_challenge_t *d, const char *uri,
                           const char *response, const char *nc, const char *cnonce)
{
    char opaque[512] = "";
    if (d->opaque) {
        snprintf(opaque, sizeof(opaque), ", opaque=\"%s\"", d->opaque);
    }
    char qop[96] = "";
    if (d->qop) {
        snprintf(qop, sizeof(qop), ", qop=auth, nc=%s, cnonce=\"%s\"", nc, cnonce);
    }
    return http_str_printf("Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", "
                           "algorithm=%s, response=\"%s\"%s%s",
                           user, d->realm, d->nonce, uri, d->algorithm ? d->algorithm : "MD5",
                           response, qop, opaque);
}

char *http_auth_digest(const char *user, const char *password, const char *method, const char *uri,
                       const char *challenge, int nc_count)
{
    if (strncasecmp(challenge, "Digest", 6) == 0) {
        challenge += 6; /* the parameters follow the scheme's name */
    }
    digest_challenge_t d = {param(challenge, "realm"), param(challenge, "nonce"),
                            param(challenge, "qop"), param(challenge, "opaque"),
                            param(challenge, "algorithm")};
    mbedtls_md_type_t type;
    char *out = NULL, *ha1 = NULL, *ha2 = NULL, *resp = NULL;
    if (!d.realm || !d.nonce) {
        ESP_LOGE(TAG, "Digest challenge without realm or nonce");
    } else if (!md_of(d.algorithm, &type)) {
        ESP_LOGE(TAG, "Digest algorithm %s is not supported", d.algorithm);
    } else if (d.qop && !strstr(d.qop, "auth")) {
        ESP_LOGE(TAG, "Digest qop \"%s\" is not supported", d.qop);
    } else {
        unsigned char rnd[8] = {0};
        (void)!getrandom(rnd, sizeof(rnd), 0);
        char cnonce[17], nc[9];
        for (int i = 0; i < 8; i++) {
            snprintf(cnonce + 2 * i, 3, "%02x", rnd[i]);
        }
        snprintf(nc, sizeof(nc), "%08x", nc_count);
        const char *a1[] = {user, d.realm, password}, *a2[] = {method, uri};
        ha1 = hash_join(type, a1, 3);
        ha2 = hash_join(type, a2, 2);
        resp = ha1 && ha2 ? digest_response(&d, type, ha1, ha2, nc, cnonce) : NULL;
        out = resp ? digest_header(user, &d, uri, resp, nc, cnonce) : NULL;
    }
    http_str_free(ha1);
    http_str_free(ha2);
    free(resp);
    challenge_free(&d);
    return out;
}

/* The Authorization value for the next request, or NULL when none applies. */
static char *authorization(esp_http_client_handle_t c, const char *method, const char *uri)
{
    const http_connection_info_t *i = &c->info;
    if (!i->username || i->auth_type == HTTP_AUTH_TYPE_NONE) {
        return NULL;
    }
#if CONFIG_ESP_HTTP_CLIENT_ENABLE_BASIC_AUTH
    if (i->auth_type == HTTP_AUTH_TYPE_BASIC) {
        return http_auth_basic(i->username, i->password);
    }
#endif
#if CONFIG_ESP_HTTP_CLIENT_ENABLE_DIGEST_AUTH
    if (i->auth_type == HTTP_AUTH_TYPE_DIGEST && c->res.auth_challenge) {
        return http_auth_digest(i->username, i->password ? i->password : "", method, uri,
                                c->res.auth_challenge, ++c->digest_nc);
    }
#endif
    (void)method;
    (void)uri;
    ESP_LOGW(TAG, "This authentication method is not supported: %d", i->auth_type);
    return NULL;
}

esp_err_t http_auth_prepare(esp_http_client_handle_t c)
{
    http_str_free(c->auth_header);
    c->auth_header = NULL;
    char *uri = http_str_printf("%s%s%s", c->info.path ? c->info.path : "/",
                                c->info.query ? "?" : "", c->info.query ? c->info.query : "");
    ESP_ENSURE(uri, ESP_ERR_NO_MEM);
    c->auth_header = authorization(c, http_method_name(c->info.method), uri);
    free(uri);
    return ESP_OK;
}

esp_err_t http_auth_from_challenge(esp_http_client_handle_t c)
{
    const char *ch = c->res.auth_challenge;
    ESP_ENSURE_LOG(ch, ESP_FAIL, "401 without WWW-Authenticate");
    if (strncasecmp(ch, "Digest", 6) == 0) {
        c->info.auth_type = HTTP_AUTH_TYPE_DIGEST;
    } else if (strncasecmp(ch, "Basic", 5) == 0) {
        c->info.auth_type = HTTP_AUTH_TYPE_BASIC;
    } else {
        ESP_LOGE(TAG, "This authentication method is not supported: %.16s", ch);
        return ESP_ERR_NOT_SUPPORTED;
    }
    c->digest_nc = 0;
    return ESP_OK;
}
