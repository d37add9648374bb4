// SPDX-License-Identifier: Apache-2.0
/*
 * Cross-signed mode (ESP-IDF's CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_CROSS_SIGNED_VERIFY): Mbed TLS
 * asks this trusted-CA callback for the trusted parents of each certificate of the chain, so that a
 * chain ends at the first bundled root it reaches, even when the server sends a cross-signed copy
 * of that root issued by a root the bundle does not hold.
 *
 * A trusted parent handed to Mbed TLS is a heap certificate (about 0.8 KB besides its key),
 * so it is only built when it changes the outcome. For a certificate whose issuer is bundled:
 *   - the peer's chain has no certificate of that name: none is returned; Mbed TLS finds no
 *     parent, flags the certificate "not trusted", and the verify callback anchors it with
 *     the bundled key, as in the default mode;
 *   - the peer's chain has the bundled root itself (same name and key; e.g. ISRG Root X1
 *     cross-signed by DST Root CA X3): none is returned either; Mbed TLS climbs to that
 *     certificate, and the verify callback accepts it as the anchor (this thread is marked
 *     as verifying in cross-signed mode);
 *   - the peer's chain has another certificate of that name (another key): the bundled roots
 *     of that name are returned as heap certificates (subject, key, CA bit, no dates), and
 *     Mbed TLS prefers them. It frees them before it asks again.
 */
#include <stdint.h>
#include <string.h>

#include "../backend/mbedtls/reach/reach.h"
#include "bundle_internal.h"
#include "esp_log.h"
#include "mbedtls/oid.h"
#include "mbedtls/platform.h"

#if defined(MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK)

static const char *TAG = ESP_CRT_BUNDLE_TAG;

/* @p p pointed into @p from (the child's issuer); the same byte of @p to (equal bytes). */
static unsigned char *rebase(unsigned char *p, const mbedtls_x509_buf *from, const uint8_t *to)
{
    uintptr_t at = (uintptr_t)p, start = (uintptr_t)from->p;
    if (p == NULL || at < start || at - start >= from->len) {
        return p;
    }
    return (unsigned char *)to + (at - start);
}

/* The root's subject is the child's issuer (same DER bytes): copy the child's parsed name
 * list, pointing into the bundle. Nodes after the first are freed by mbedtls_x509_crt_free(). */
static int copy_subject(mbedtls_x509_crt *root, const mbedtls_x509_crt *child, const uint8_t *name)
{
    const mbedtls_x509_name *src = &child->issuer;
    mbedtls_x509_name *dst = &root->subject;
    for (;;) {
        *dst = *src;
        dst->next = NULL;
        dst->oid.p = rebase(src->oid.p, &child->issuer_raw, name);
        dst->val.p = rebase(src->val.p, &child->issuer_raw, name);
        if (src->next == NULL) {
            return 0;
        }
        dst->next = mbedtls_calloc(1, sizeof(*dst->next));
        if (dst->next == NULL) {
            return MBEDTLS_ERR_X509_ALLOC_FAILED;
        }
        dst = dst->next;
        src = src->next;
    }
}

/* A trusted root made of a bundle entry: CA, version 3, no path limit, valid forever (the
 * bundle has no dates: a root is trusted for as long as it is in the bundle). */
static int make_root(const mbedtls_x509_crt *child, const esp_crt_bundle_entry_t *e,
                     mbedtls_x509_crt *root)
{
    root->version = 3;
    esp_tls_reach_crt_make_ca(root);
    root->subject_raw.tag = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE;
    root->subject_raw.p = (unsigned char *)e->name;
    root->subject_raw.len = e->name_len;
    root->issuer_raw = root->subject_raw;
    root->valid_from = (mbedtls_x509_time){.year = 1970, .mon = 1, .day = 1};
    root->valid_to = (mbedtls_x509_time){9999, 12, 31, 23, 59, 59};
    int ret = copy_subject(root, child, e->name);
    if (ret != 0) {
        return ret;
    }
    return mbedtls_pk_parse_public_key(&root->pk, e->key, e->key_len);
}

static void free_list(mbedtls_x509_crt *list)
{
    mbedtls_x509_crt_free(list); /* frees the elements after the first */
    mbedtls_free(list);
}

/* Appends a root for @p e to *@p tail. A key Mbed TLS cannot parse is skipped. */
static int append_root(const mbedtls_x509_crt *child, const esp_crt_bundle_entry_t *e,
                       mbedtls_x509_crt ***tail)
{
    /* Mbed TLS frees the candidates with mbedtls_free(): allocate with its allocator (the
     * library's counting allocator, installed into Mbed TLS). */
    mbedtls_x509_crt *root = mbedtls_calloc(1, sizeof(*root));
    if (root == NULL) {
        return MBEDTLS_ERR_X509_ALLOC_FAILED;
    }
    mbedtls_x509_crt_init(root);
    int ret = make_root(child, e, root);
    if (ret == MBEDTLS_ERR_X509_ALLOC_FAILED || ret == MBEDTLS_ERR_PK_ALLOC_FAILED) {
        free_list(root);
        return MBEDTLS_ERR_X509_ALLOC_FAILED;
    }
    if (ret != 0) {
        ESP_LOGD(TAG, "a bundled root's key does not parse (-0x%04x); skipped", (unsigned)-ret);
        free_list(root);
        return 0;
    }
    **tail = root;
    *tail = &root->next;
    return 0;
}

static bool same(const mbedtls_x509_buf *a, const mbedtls_x509_buf *b)
{
    return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* Whether the peer's chain above @p child holds a certificate named as its issuer that is not
 * a bundled root (the one case where a heap root must be handed to Mbed TLS). */
static bool needs_heap_root(const esp_crt_bundle_t *b, const mbedtls_x509_crt *child)
{
    esp_crt_bundle_cursor_t cur = {0};
    esp_crt_bundle_entry_t e;
    if (!esp_crt_bundle_find_next(b, child->issuer_raw.p, child->issuer_raw.len, &cur, &e)) {
        return false; /* the issuer is not bundled */
    }
    bool other = false;
    for (const mbedtls_x509_crt *p = child->next; p != NULL && p->raw.p != NULL; p = p->next) {
        if (same(&p->subject_raw, &child->issuer_raw)) {
            if (esp_crt_bundle_holds(b, p)) {
                return false;
            }
            other = true;
        }
    }
    return other;
}

int esp_crt_bundle_ca_cb(void *ctx, const mbedtls_x509_crt *child, mbedtls_x509_crt **candidates)
{
    (void)ctx;
    *candidates = NULL;
    esp_crt_bundle_note_cross_signed();
    esp_crt_bundle_t b;
    if (child == NULL || !esp_crt_bundle_snapshot(&b) || !needs_heap_root(&b, child)) {
        return 0;
    }
    mbedtls_x509_crt *head = NULL, **tail = &head;
    esp_crt_bundle_cursor_t cur = {0};
    esp_crt_bundle_entry_t e;
    while (esp_crt_bundle_find_next(&b, child->issuer_raw.p, child->issuer_raw.len, &cur, &e)) {
        int ret = append_root(child, &e, &tail);
        if (ret != 0) {
            if (head != NULL) {
                free_list(head);
            }
            return ret;
        }
    }
    *candidates = head;
    return 0;
}

esp_err_t esp_crt_bundle_install_ca_cb(mbedtls_ssl_config *conf)
{
    mbedtls_ssl_conf_ca_cb(conf, esp_crt_bundle_ca_cb, NULL);
    return ESP_OK;
}

void esp_crt_bundle_remove_ca_cb(mbedtls_ssl_config *conf)
{
    if (esp_tls_reach_conf_ca_cb(conf) == esp_crt_bundle_ca_cb) {
        mbedtls_ssl_conf_ca_cb(conf, NULL, NULL);
    }
}

#else /* !MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK */

int esp_crt_bundle_ca_cb(void *ctx, const mbedtls_x509_crt *child, mbedtls_x509_crt **candidates)
{
    (void)ctx;
    (void)child;
    *candidates = NULL;
    return 0;
}

esp_err_t esp_crt_bundle_install_ca_cb(mbedtls_ssl_config *conf)
{
    (void)conf;
    return ESP_ERR_NOT_SUPPORTED;
}

void esp_crt_bundle_remove_ca_cb(mbedtls_ssl_config *conf)
{
    (void)conf;
}

#endif
