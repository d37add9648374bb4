// SPDX-License-Identifier: Apache-2.0
/*
 * Generator inputs: files (PEM with many certificates, DER with one) and directories.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../mem/mem.h"
#include "bundle_gen_priv.h"
#include "mbedtls/base64.h"

#define MAX_INPUT_FILE (16u * 1024 * 1024)
#define PEM_BEGIN "-----BEGIN "
#define PEM_END "-----END "
#define PEM_DASHES "-----"

typedef enum { KIND_NONE, KIND_PEM, KIND_DER, KIND_EITHER } file_kind_t;

/* PEM parsing state for one file. */
typedef struct {
    gen_ctx_t *g;
    const char *path;
    bool filtered;
    unsigned line;       /* current line number */
    unsigned begin_line; /* line of the open block's BEGIN, 0 outside a block */
    char *b64;           /* base64 of the open block */
    size_t b64_len;
    char label[256]; /* label waiting for its certificate ("Name" over "====") */
    char prev[256];  /* previous non-empty line outside blocks */
    struct pem_cert {
        char *label; /* NULL: none */
        uint8_t *der;
        size_t der_len;
        unsigned line; /* of its BEGIN */
    } * certs;         /* the certificates found */
    size_t found;
    size_t cap;
} pem_t;

esp_err_t gen_read_file(const gen_ctx_t *g, const char *path, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? ESP_ERR_NOT_FOUND : ESP_FAIL;
    }
    struct stat st;
    esp_err_t rc = ESP_OK;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0 || (size_t)st.st_size > MAX_INPUT_FILE) {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR, "%s: cannot size the file, or larger than %u bytes",
                path, MAX_INPUT_FILE);
        rc = ESP_ERR_INVALID_SIZE;
    }
    uint8_t *buf = rc == ESP_OK ? esp_tls_mem_calloc(1, (size_t)st.st_size + 1) : NULL;
    if (rc == ESP_OK && buf == NULL) {
        rc = ESP_ERR_NO_MEM;
    }
    if (rc == ESP_OK && fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR, "%s: read error", path);
        rc = ESP_FAIL;
    }
    fclose(f);
    if (rc != ESP_OK) {
        esp_tls_mem_free(buf);
        return rc;
    }
    *out = buf;
    *len = (size_t)st.st_size;
    return ESP_OK;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

static file_kind_t kind_of(const char *path)
{
    const char *dot = strrchr(base_name(path), '.');
    if (dot == NULL) {
        return KIND_NONE;
    }
    if (strcmp(dot, ".pem") == 0) {
        return KIND_PEM;
    }
    if (strcmp(dot, ".der") == 0) {
        return KIND_DER;
    }
    return strcmp(dot, ".crt") == 0 || strcmp(dot, ".cer") == 0 ? KIND_EITHER : KIND_NONE;
}

/* The label a lone certificate gets from its file name: the name without its extension. */
static char *file_label(const char *path)
{
    const char *name = base_name(path);
    const char *dot = strrchr(name, '.');
    return gen_strdup(name, dot != NULL ? (size_t)(dot - name) : strlen(name));
}

/* ---- PEM ---------------------------------------------------------------------------------- */

static bool line_is(const char *line, size_t len, const char *text)
{
    return len == strlen(text) && memcmp(line, text, len) == 0;
}

static bool line_starts(const char *line, size_t len, const char *prefix)
{
    return len >= strlen(prefix) && memcmp(line, prefix, strlen(prefix)) == 0;
}

static bool line_all(const char *line, size_t len, char c)
{
    for (size_t i = 0; i < len; i++) {
        if (line[i] != c) {
            return false;
        }
    }
    return len > 0;
}

static esp_err_t pem_fail(pem_t *s, const char *what)
{
    gen_msg(s->g, ESP_CRT_BUNDLE_MSG_ERROR, "%s:%u: %s", s->path, s->line, what);
    return ESP_ERR_INVALID_ARG;
}

static esp_err_t pem_grow(pem_t *s)
{
    if (s->found < s->cap) {
        return ESP_OK;
    }
    size_t cap = s->cap ? s->cap * 2 : 16;
    struct pem_cert *certs = esp_tls_mem_calloc(cap, sizeof(*certs));
    if (certs == NULL) {
        return ESP_ERR_NO_MEM;
    }
    if (s->found > 0) {
        memcpy(certs, s->certs, s->found * sizeof(*certs));
    }
    esp_tls_mem_free(s->certs);
    s->certs = certs;
    s->cap = cap;
    return ESP_OK;
}

/* The END line of a block: decode its base64 into a new certificate. */
static esp_err_t pem_close(pem_t *s)
{
    size_t der_len = 0;
    int ret = mbedtls_base64_decode(NULL, 0, &der_len, (unsigned char *)s->b64, s->b64_len);
    if ((ret != 0 && ret != MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL) || der_len == 0) {
        return pem_fail(s, "invalid base64 in the PEM certificate that ends here");
    }
    if (pem_grow(s) != ESP_OK) {
        return ESP_ERR_NO_MEM;
    }
    uint8_t *der = esp_tls_mem_calloc(1, der_len);
    if (der == NULL) {
        return ESP_ERR_NO_MEM;
    }
    mbedtls_base64_decode(der, der_len, &der_len, (unsigned char *)s->b64, s->b64_len);
    char *label = s->label[0] ? gen_strdup(s->label, strlen(s->label)) : NULL;
    s->certs[s->found++] = (struct pem_cert){label, der, der_len, s->begin_line};
    s->label[0] = '\0';
    s->begin_line = 0;
    s->b64_len = 0;
    return ESP_OK;
}

/* A line inside a block: base64 text, checked for non-ASCII bytes. */
static esp_err_t pem_body_line(pem_t *s, const char *line, size_t len)
{
    if (line_starts(line, len, PEM_END)) {
        if (!line_is(line, len, PEM_END "CERTIFICATE" PEM_DASHES)) {
            return pem_fail(s, "the END line does not match BEGIN CERTIFICATE");
        }
        return pem_close(s);
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c >= 0x80 || c == 0) {
            return pem_fail(s, "non-ASCII byte inside a PEM certificate");
        }
        if (c != ' ' && c != '\t') {
            s->b64[s->b64_len++] = (char)c;
        }
    }
    return ESP_OK;
}

/* A line outside blocks: a BEGIN line, a "====" label underline, or text. */
static esp_err_t pem_text_line(pem_t *s, const char *line, size_t len)
{
    if (line_starts(line, len, PEM_BEGIN)) {
        if (!line_is(line, len, PEM_BEGIN "CERTIFICATE" PEM_DASHES)) {
            return pem_fail(s, "a PEM block that is not a certificate (only BEGIN CERTIFICATE "
                               "blocks are allowed)");
        }
        s->begin_line = s->line;
        return ESP_OK;
    }
    if (len == 0) {
        return ESP_OK;
    }
    if (line_all(line, len, '=') && s->prev[0] != '\0') {
        snprintf(s->label, sizeof(s->label), "%s", s->prev);
    }
    snprintf(s->prev, sizeof(s->prev), "%.*s", (int)len, line);
    return ESP_OK;
}

static esp_err_t pem_lines(pem_t *s, char *text, size_t text_len)
{
    char *p = text, *end = text + text_len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *next = nl != NULL ? nl + 1 : end;
        size_t len = (size_t)((nl != NULL ? nl : end) - p);
        if (len > 0 && p[len - 1] == '\r') {
            len--;
        }
        s->line++;
        esp_err_t rc = s->begin_line ? pem_body_line(s, p, len) : pem_text_line(s, p, len);
        if (rc != ESP_OK) {
            return rc;
        }
        p = next;
    }
    if (s->begin_line != 0) {
        s->line = s->begin_line;
        return pem_fail(s, "PEM certificate without an END line");
    }
    if (s->found == 0) {
        gen_msg(s->g, ESP_CRT_BUNDLE_MSG_ERROR, "%s: no PEM certificate in the file", s->path);
        return ESP_ERR_INVALID_ARG;
    }
    return ESP_OK;
}

static void pem_free(pem_t *s)
{
    for (size_t i = 0; i < s->found; i++) {
        esp_tls_mem_free(s->certs[i].label);
        esp_tls_mem_free(s->certs[i].der);
    }
    esp_tls_mem_free(s->certs);
    esp_tls_mem_free(s->b64);
}

/* Adds the certificates found; a file with a single unlabelled one gives it its name. */
static esp_err_t pem_commit(pem_t *s)
{
    if (s->found == 1 && s->certs[0].label == NULL) {
        s->certs[0].label = file_label(s->path);
    }
    for (size_t i = 0; i < s->found; i++) {
        const struct pem_cert *c = &s->certs[i];
        gen_item_t it = {c->der, c->der_len, c->label, s->path, i + 1, c->line};
        esp_err_t rc = gen_add_item(s->g, &it, s->filtered);
        if (rc != ESP_OK) {
            return rc;
        }
    }
    gen_msg(s->g, ESP_CRT_BUNDLE_MSG_INFO, "%s: %zu certificate(s)", s->path, s->found);
    return ESP_OK;
}

static esp_err_t add_pem(gen_ctx_t *g, const char *path, uint8_t *text, size_t len, bool filtered)
{
    pem_t s = {.g = g, .path = path, .filtered = filtered};
    s.b64 = esp_tls_mem_calloc(1, len + 1);
    if (s.b64 == NULL) {
        return ESP_ERR_NO_MEM;
    }
    /* The line loop never writes more base64 than the file has bytes. */
    esp_err_t rc = pem_lines(&s, (char *)text, len);
    if (rc == ESP_OK) {
        rc = pem_commit(&s);
    }
    pem_free(&s);
    return rc;
}

/* ---- files and directories ------------------------------------------------------------------ */

static esp_err_t add_file(gen_ctx_t *g, const char *path, bool filtered)
{
    file_kind_t kind = kind_of(path);
    if (kind == KIND_NONE) {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR,
                "%s: unsupported file type (expected .pem, .crt, .cer or .der)", path);
        return ESP_ERR_INVALID_ARG;
    }
    uint8_t *data = NULL;
    size_t len = 0;
    esp_err_t rc = gen_read_file(g, path, &data, &len);
    if (rc != ESP_OK) {
        return rc;
    }
    bool pem = kind == KIND_PEM || (kind == KIND_EITHER && strstr((char *)data, PEM_BEGIN));
    if (pem) {
        rc = add_pem(g, path, data, len, filtered);
    } else {
        char *label = file_label(path);
        gen_item_t it = {data, len, label, path, 1, 0};
        rc = label == NULL ? ESP_ERR_NO_MEM : gen_add_item(g, &it, filtered);
        esp_tls_mem_free(label);
    }
    esp_tls_mem_free(data);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of @p dir, sorted by name (readdir's order is arbitrary). */
static esp_err_t list_dir(const gen_ctx_t *g, const char *dir, char ***names, size_t *count)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR, "%s: %s", dir, strerror(errno));
        return ESP_FAIL;
    }
    size_t n = 0, cap = 0;
    char **v = NULL;
    esp_err_t rc = ESP_OK;
    for (struct dirent *e; rc == ESP_OK && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.') {
            continue;
        }
        if (n == cap) {
            char **bigger = esp_tls_mem_calloc(cap ? cap * 2 : 64, sizeof(*bigger));
            if (bigger == NULL) {
                rc = ESP_ERR_NO_MEM;
                break;
            }
            if (n > 0) {
                memcpy(bigger, v, n * sizeof(*v));
            }
            esp_tls_mem_free(v);
            v = bigger;
            cap = cap ? cap * 2 : 64;
        }
        v[n] = gen_strdup(e->d_name, strlen(e->d_name));
        rc = v[n] != NULL ? ESP_OK : ESP_ERR_NO_MEM;
        n += v[n] != NULL;
    }
    closedir(d);
    if (n > 0) {
        qsort(v, n, sizeof(*v), by_name);
    }
    *names = v;
    *count = n;
    return rc;
}

/* One directory entry: certificate files are added, anything else is skipped. */
static esp_err_t add_dir_entry(gen_ctx_t *g, const char *path, bool filtered, size_t *files)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || kind_of(path) == KIND_NONE) {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_WARNING, "%s: skipped (not a .pem, .crt, .cer or .der file)",
                path);
        return ESP_OK;
    }
    (*files)++;
    return add_file(g, path, filtered);
}

static esp_err_t add_dir(gen_ctx_t *g, const char *dir, bool filtered)
{
    char **names = NULL;
    size_t n = 0, files = 0;
    esp_err_t rc = list_dir(g, dir, &names, &n);
    for (size_t i = 0; rc == ESP_OK && i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = esp_tls_mem_calloc(1, len);
        if (path == NULL) {
            rc = ESP_ERR_NO_MEM;
            break;
        }
        snprintf(path, len, "%s/%s", dir, names[i]);
        rc = add_dir_entry(g, path, filtered, &files);
        esp_tls_mem_free(path);
    }
    for (size_t i = 0; i < n; i++) {
        esp_tls_mem_free(names[i]);
    }
    esp_tls_mem_free(names);
    if (rc == ESP_OK && files == 0) {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR, "%s: no .pem, .crt, .cer or .der file in it", dir);
        rc = ESP_ERR_INVALID_ARG;
    }
    return rc;
}

esp_err_t gen_add_path(gen_ctx_t *g, const char *path, bool filtered)
{
    struct stat st;
    if (path == NULL || stat(path, &st) != 0) {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR, "%s: %s", path ? path : "(null)",
                path ? strerror(errno) : "no path");
        return path != NULL && errno == ENOENT ? ESP_ERR_NOT_FOUND : ESP_ERR_INVALID_ARG;
    }
    if (S_ISDIR(st.st_mode)) {
        return add_dir(g, path, filtered);
    }
    return add_file(g, path, filtered);
}
