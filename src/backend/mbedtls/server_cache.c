// SPDX-License-Identifier: Apache-2.0
/*
 * Server credentials parsed once per configuration. ESP-IDF servers pass the same
 * esp_tls_cfg_server_t to every accepted socket; parsing its certificate chain and key and
 * checking that they match (mbedtls_pk_check_pair) cost more than the rest of a session's
 * setup, so sessions share one parsed copy, reference counted.
 *
 * The rule: sessions whose configurations hold the same certificate, key and password bytes
 * (lengths and SHA-256 of the contents, computed at every session start) share the parsed
 * objects. A configuration whose buffers changed, in place or by pointer, gets a parse and a
 * pair check of its own; the buffers are read only while a session is set up, as before.
 * An entry is freed with the last session using it, except the entry used last, which is kept
 * for the next session (servers accept one connection at a time) until another configuration
 * takes its place or the process exits. Its memory is counted as process-wide state
 * (esp_tls_get_global_mem_bytes).
 *
 * Sharing is safe across threads: the parsed chain is only read during handshakes, an EC key is
 * only read when signing, and an RSA key's blinding values are guarded by its mutex
 * (MBEDTLS_THREADING_C, always on here).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../../mem/mem.h"
#include "mbedtls/platform.h"
#include "mbedtls/sha256.h"
#include "mbedtls_backend.h"

struct esp_tls_server_creds {
    esp_tls_server_creds_t *next;
    unsigned refs; /* sessions, and the cache while it is the one kept */
    size_t cert_len, key_len, pwd_len;
    unsigned char digest[32];
    esp_tls_mbedtls_own_t own;
};

static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t s_once = PTHREAD_ONCE_INIT;
static esp_tls_server_creds_t *s_list; /* every entry with references */
static esp_tls_server_creds_t *s_kept; /* the entry used last */

static void hash_part(mbedtls_sha256_context *sha, const void *buf, size_t len)
{
    unsigned char n[8];
    for (int i = 0; i < 8; i++) {
        n[i] = (unsigned char)((uint64_t)len >> (8 * i));
    }
    mbedtls_sha256_update(sha, n, sizeof(n)); /* lengths keep the parts apart */
    if (len > 0) {
        mbedtls_sha256_update(sha, buf, len);
    }
}

static void digest_of(const esp_tls_cfg_server_t *cfg, unsigned char out[32])
{
    mbedtls_sha256_context sha;
    mbedtls_sha256_init(&sha);
    mbedtls_sha256_starts(&sha, 0);
    hash_part(&sha, cfg->servercert_buf, cfg->servercert_bytes);
    hash_part(&sha, cfg->serverkey_buf, cfg->serverkey_bytes);
    hash_part(&sha, cfg->serverkey_password, cfg->serverkey_password_len);
    mbedtls_sha256_finish(&sha, out);
    mbedtls_sha256_free(&sha);
}

static bool same(const esp_tls_server_creds_t *c, const esp_tls_cfg_server_t *cfg,
                 const unsigned char digest[32])
{
    return c->cert_len == cfg->servercert_bytes && c->key_len == cfg->serverkey_bytes &&
           c->pwd_len == cfg->serverkey_password_len && memcmp(c->digest, digest, 32) == 0;
}

static void creds_free(esp_tls_server_creds_t *c)
{
    if (c != NULL) {
        mbedtls_x509_crt_free(&c->own.cert);
        mbedtls_pk_free(&c->own.key);
        esp_tls_mem_free(c);
    }
}

/* Under the lock: drop a reference; the entry to free (outside the lock) if it was the last. */
static esp_tls_server_creds_t *unref_locked(esp_tls_server_creds_t *c)
{
    if (--c->refs > 0) {
        return NULL;
    }
    for (esp_tls_server_creds_t **pp = &s_list; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    return c;
}

/* Under the lock: a reference for the caller, and @p c becomes the entry kept. */
static esp_tls_server_creds_t *take_locked(esp_tls_server_creds_t *c)
{
    c->refs++;
    if (s_kept == c) {
        return NULL;
    }
    esp_tls_server_creds_t *old = s_kept;
    s_kept = c;
    c->refs++;
    return old != NULL ? unref_locked(old) : NULL;
}

static esp_tls_server_creds_t *lookup(const esp_tls_cfg_server_t *cfg,
                                      const unsigned char digest[32])
{
    esp_tls_server_creds_t *found = NULL, *dead = NULL;
    pthread_mutex_lock(&s_lock);
    for (esp_tls_server_creds_t *c = s_list; c != NULL && found == NULL; c = c->next) {
        found = same(c, cfg, digest) ? c : NULL;
    }
    if (found != NULL) {
        dead = take_locked(found);
    }
    pthread_mutex_unlock(&s_lock);
    creds_free(dead);
    return found;
}

/* At exit the entry kept goes (sessions still open keep theirs). */
static void release_kept(void)
{
    pthread_mutex_lock(&s_lock);
    esp_tls_server_creds_t *dead = s_kept != NULL ? unref_locked(s_kept) : NULL;
    s_kept = NULL;
    pthread_mutex_unlock(&s_lock);
    creds_free(dead);
}

static void register_exit(void)
{
    atexit(release_kept);
}

static void insert(esp_tls_server_creds_t *c)
{
    pthread_once(&s_once, register_exit);
    pthread_mutex_lock(&s_lock);
    c->next = s_list;
    s_list = c;
    esp_tls_server_creds_t *dead = take_locked(c);
    pthread_mutex_unlock(&s_lock);
    creds_free(dead);
}

/* Parse and check @p cfg's credentials into a new entry, counted as process-wide state. */
static esp_err_t parse_new(esp_tls_t *tls, const esp_tls_cfg_server_t *cfg,
                           const unsigned char digest[32], esp_tls_server_creds_t **out)
{
    esp_tls_mem_global_begin();
    esp_tls_server_creds_t *c = esp_tls_mem_calloc(1, sizeof(*c));
    esp_err_t rc = ESP_ERR_NO_MEM;
    if (c != NULL) {
        mbedtls_x509_crt_init(&c->own.cert);
        mbedtls_pk_init(&c->own.key);
        rc = esp_tls_mbedtls_parse_own(
            tls, &c->own, "server", cfg->servercert_buf, cfg->servercert_bytes, cfg->serverkey_buf,
            cfg->serverkey_bytes, cfg->serverkey_password, cfg->serverkey_password_len);
    }
    esp_tls_mem_global_end();
    if (rc != ESP_OK) {
        creds_free(c);
        return rc;
    }
    c->cert_len = cfg->servercert_bytes;
    c->key_len = cfg->serverkey_bytes;
    c->pwd_len = cfg->serverkey_password_len;
    memcpy(c->digest, digest, 32);
    insert(c);
    *out = c;
    return ESP_OK;
}

esp_err_t esp_tls_server_creds_use(esp_tls_t *tls, const esp_tls_cfg_server_t *cfg)
{
    esp_tls_mbedtls_t *p = esp_tls_mbedtls(tls);
    unsigned char digest[32];
    digest_of(cfg, digest);
    esp_tls_server_creds_t *c = lookup(cfg, digest);
    if (c == NULL) {
        ESP_GUARD(parse_new(tls, cfg, digest, &c));
    }
    p->shared = c;
    p->own = &c->own;
    return esp_tls_mbedtls_use_own(tls);
}

void esp_tls_server_creds_put(esp_tls_server_creds_t *c)
{
    pthread_mutex_lock(&s_lock);
    esp_tls_server_creds_t *dead = unref_locked(c);
    pthread_mutex_unlock(&s_lock);
    creds_free(dead);
}
