// SPDX-License-Identifier: Apache-2.0
/*
 * Generator: collect the roots, sort them by subject, serialise them in the bundle format
 * (bundle_format.h), and write the file atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../mem/mem.h"
#include "bundle_gen_priv.h"

static int cert_cmp(const void *pa, const void *pb)
{
    const gen_cert_t *a = pa, *b = pb;
    int c = esp_crt_bundle_name_cmp(a->data, a->name_len, b->data, b->name_len);
    if (c != 0) {
        return c;
    }
    return a->seq < b->seq ? -1 : (a->seq > b->seq); /* stable, as ESP-IDF's sorted() */
}

static void put_u16(uint8_t *p, size_t v, bool big_endian)
{
    p[big_endian ? 0 : 1] = (uint8_t)(v >> 8);
    p[big_endian ? 1 : 0] = (uint8_t)v;
}

static void put_u32le(uint8_t *p, size_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static size_t header_size(const gen_ctx_t *g)
{
    return g->cfg->format == ESP_CRT_BUNDLE_FMT_LEGACY ? 2 : 4 * g->count;
}

static esp_err_t serialise(const gen_ctx_t *g, uint8_t **out, size_t *out_len)
{
    bool legacy = g->cfg->format == ESP_CRT_BUNDLE_FMT_LEGACY;
    size_t total = header_size(g);
    for (size_t i = 0; i < g->count; i++) {
        total += ESP_CRT_BUNDLE_RECORD_HDR + g->certs[i].name_len + g->certs[i].key_len;
    }
    if ((legacy && g->count > 0xffff) || (!legacy && total > UINT32_MAX)) {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR, "too many certificates for the bundle format");
        return ESP_ERR_INVALID_SIZE;
    }
    uint8_t *buf = esp_tls_mem_calloc(1, total);
    if (buf == NULL) {
        return ESP_ERR_NO_MEM;
    }
    size_t off = header_size(g);
    if (legacy) {
        put_u16(buf, g->count, true);
    }
    for (size_t i = 0; i < g->count; i++) {
        const gen_cert_t *c = &g->certs[i];
        if (!legacy) {
            put_u32le(buf + 4 * i, off);
        }
        put_u16(buf + off, c->name_len, legacy);
        put_u16(buf + off + 2, c->key_len, legacy);
        memcpy(buf + off + ESP_CRT_BUNDLE_RECORD_HDR, c->data, c->name_len + c->key_len);
        off += ESP_CRT_BUNDLE_RECORD_HDR + c->name_len + c->key_len;
    }
    *out = buf;
    *out_len = total;
    return ESP_OK;
}

/* The parser must accept what the generator writes: a last check before it is used. */
static esp_err_t self_check(const gen_ctx_t *g, const uint8_t *buf, size_t len)
{
    esp_crt_bundle_t b;
    char why[256];
    if (esp_crt_bundle_parse(buf, len, g->max_certs, &b, why, sizeof(why)) != ESP_OK ||
        b.count != g->count) {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR, "internal: the bundle written does not validate: %s",
                why);
        return ESP_FAIL;
    }
    return ESP_OK;
}

static esp_err_t collect(gen_ctx_t *g)
{
    const esp_crt_bundle_build_cfg_t *cfg = g->cfg;
    esp_err_t rc = ESP_OK;
    if (cfg->filter_csv != NULL) {
        rc = gen_filter_load(g, cfg->filter_csv);
    }
    for (size_t i = 0; rc == ESP_OK && i < cfg->input_count; i++) {
        rc = gen_add_path(g, cfg->inputs[i].path, cfg->inputs[i].filtered);
    }
    if (rc == ESP_OK && g->labels != NULL) {
        rc = gen_filter_check_used(g);
    }
    if (rc == ESP_OK && g->count == 0 && !cfg->allow_empty) {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR, "no certificate in the inputs");
        rc = ESP_ERR_INVALID_ARG;
    }
    return rc;
}

static void ctx_free(gen_ctx_t *g)
{
    for (size_t i = 0; i < g->count; i++) {
        esp_tls_mem_free(g->certs[i].data);
    }
    esp_tls_mem_free(g->certs);
    gen_filter_free(g);
}

esp_err_t esp_crt_bundle_build(const esp_crt_bundle_build_cfg_t *cfg, uint8_t **out,
                               size_t *out_len, size_t *count)
{
    if (cfg == NULL || out == NULL || out_len == NULL ||
        (cfg->input_count > 0 && cfg->inputs == NULL)) {
        return ESP_ERR_INVALID_ARG;
    }
    *out = NULL;
    *out_len = 0;
    gen_ctx_t g = {.cfg = cfg, .max_certs = cfg->max_certs};
    if (g.max_certs == 0) {
        g.max_certs = ESP_CRT_BUNDLE_DEFAULT_MAX_CERTS;
    }
    esp_err_t rc = collect(&g);
    if (rc == ESP_OK && g.count > 0) {
        qsort(g.certs, g.count, sizeof(*g.certs), cert_cmp);
        rc = serialise(&g, out, out_len);
        if (rc == ESP_OK && (rc = self_check(&g, *out, *out_len)) != ESP_OK) {
            esp_tls_mem_free(*out);
            *out = NULL;
            *out_len = 0;
        }
    }
    if (rc == ESP_OK) {
        gen_msg(&g, ESP_CRT_BUNDLE_MSG_INFO, "%zu certificates, %zu bytes", g.count, *out_len);
    }
    if (count != NULL) {
        *count = rc == ESP_OK ? g.count : 0;
    }
    ctx_free(&g);
    return rc;
}

void esp_crt_bundle_build_free(uint8_t *bundle)
{
    esp_tls_mem_free(bundle);
}

static esp_err_t write_all(int fd, const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return ESP_FAIL;
        }
        p += n;
        len -= (size_t)n;
    }
    return ESP_OK;
}

static void write_error(esp_crt_bundle_msg_fn msg, void *ctx, const char *path, const char *what)
{
    if (msg != NULL) {
        char buf[512];
        snprintf(buf, sizeof(buf), "%s: %s: %s", path, what, strerror(errno));
        msg(ctx, ESP_CRT_BUNDLE_MSG_ERROR, buf);
    }
}

esp_err_t esp_crt_bundle_write_file(const char *path, const void *data, size_t len,
                                    esp_crt_bundle_msg_fn msg, void *msg_ctx)
{
    size_t tmp_len = strlen(path) + sizeof(".tmp-XXXXXX");
    char *tmp = esp_tls_mem_calloc(1, tmp_len);
    if (tmp == NULL) {
        return ESP_ERR_NO_MEM;
    }
    snprintf(tmp, tmp_len, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    esp_err_t rc = fd >= 0 ? ESP_OK : ESP_FAIL;
    const char *step = "cannot create a temporary file next to it";
    if (rc == ESP_OK && (rc = write_all(fd, data, len)) != ESP_OK) {
        step = "write failed";
    }
    if (rc == ESP_OK && (fchmod(fd, 0644) != 0 || fsync(fd) != 0)) {
        step = "cannot flush the file";
        rc = ESP_FAIL;
    }
    if (fd >= 0 && close(fd) != 0 && rc == ESP_OK) {
        step = "close failed";
        rc = ESP_FAIL;
    }
    if (rc == ESP_OK && rename(tmp, path) != 0) {
        step = "cannot rename the temporary file over it";
        rc = ESP_FAIL;
    }
    if (rc != ESP_OK) {
        write_error(msg, msg_ctx, path, step);
        if (fd >= 0) {
            unlink(tmp);
        }
    }
    esp_tls_mem_free(tmp);
    return rc;
}

esp_err_t esp_crt_bundle_build_file(const esp_crt_bundle_build_cfg_t *cfg, const char *path,
                                    size_t *count)
{
    if (path == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    uint8_t *buf = NULL;
    size_t len = 0;
    esp_err_t rc = esp_crt_bundle_build(cfg, &buf, &len, count);
    if (rc == ESP_OK) {
        rc = esp_crt_bundle_write_file(path, buf, len, cfg->msg, cfg->msg_ctx);
    }
    esp_tls_mem_free(buf);
    return rc;
}
