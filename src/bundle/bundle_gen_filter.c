// SPDX-License-Identifier: Apache-2.0
/*
 * Generator filter: a CSV whose second column lists the labels of the certificates to keep
 * (the first line is a header), as ESP-IDF's cmn_crt_authorities.csv.
 *
 * Labels are compared after mapping ' ', '/' and ',' to '_' and '(' and ')' to '=', the
 * mapping Debian uses to turn a root's label into its file name under
 * /usr/share/ca-certificates/mozilla/, so "GlobalSign Root CA - R3" in the CSV matches
 * GlobalSign_Root_CA_-_R3.crt as well as a "GlobalSign Root CA - R3" label in a PEM list.
 */
#include <string.h>

#include "../mem/mem.h"
#include "bundle_gen_priv.h"

static char fold(char c)
{
    switch (c) {
    case ' ':
    case '/':
    case ',': return '_';
    case '(':
    case ')': return '=';
    default: return c;
    }
}

static bool label_eq(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        if (fold(*a) != fold(*b)) {
            return false;
        }
    }
    return *a == *b;
}

/* Field @p want (0-based) of a CSV line into @p out (quotes and "" escapes honoured). */
static bool csv_field(const char *line, size_t len, unsigned want, char *out, size_t out_len)
{
    unsigned field = 0;
    size_t o = 0;
    bool quoted = false;
    for (size_t i = 0; i < len; i++) {
        char c = line[i];
        if (quoted && c == '"' && i + 1 < len && line[i + 1] == '"') {
            i++;
        } else if (c == '"') {
            quoted = !quoted;
            continue;
        } else if (c == ',' && !quoted) {
            field++;
            continue;
        }
        if (field == want && o + 1 < out_len) {
            out[o++] = c;
        }
    }
    out[o] = '\0';
    return field >= want;
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) {
        s[--n] = '\0';
    }
    size_t lead = strspn(s, " \t");
    memmove(s, s + lead, n - lead + 1);
}

static esp_err_t add_label(gen_ctx_t *g, const char *label, unsigned line)
{
    gen_label_t *v = esp_tls_mem_calloc(g->label_count + 1, sizeof(*v));
    char *copy = gen_strdup(label, strlen(label));
    if (v == NULL || copy == NULL) {
        esp_tls_mem_free(v);
        esp_tls_mem_free(copy);
        return ESP_ERR_NO_MEM;
    }
    if (g->label_count > 0) {
        memcpy(v, g->labels, g->label_count * sizeof(*v));
    }
    v[g->label_count++] = (gen_label_t){copy, line, false};
    esp_tls_mem_free(g->labels);
    g->labels = v;
    return ESP_OK;
}

static esp_err_t parse_line(gen_ctx_t *g, const char *path, const char *line, size_t len,
                            unsigned lineno)
{
    char label[256];
    if (!csv_field(line, len, 1, label, sizeof(label))) {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR, "%s:%u: no second column (label)", path, lineno);
        return ESP_ERR_INVALID_ARG;
    }
    trim(label);
    if (label[0] == '\0') {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR, "%s:%u: empty label", path, lineno);
        return ESP_ERR_INVALID_ARG;
    }
    return add_label(g, label, lineno);
}

esp_err_t gen_filter_load(gen_ctx_t *g, const char *csv_path)
{
    uint8_t *text = NULL;
    size_t len = 0;
    esp_err_t rc = gen_read_file(g, csv_path, &text, &len);
    const char *p = (const char *)text, *end = p + len;
    for (unsigned lineno = 1; rc == ESP_OK && p < end; lineno++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl != NULL ? nl : end;
        bool blank = strspn(p, " \t\r") >= (size_t)(stop - p);
        if (lineno > 1 && !blank) { /* line 1 is the header */
            rc = parse_line(g, csv_path, p, (size_t)(stop - p), lineno);
        }
        p = nl != NULL ? nl + 1 : end;
    }
    esp_tls_mem_free(text);
    if (rc == ESP_OK && g->label_count == 0) {
        gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR, "%s: no label in the filter", csv_path);
        rc = ESP_ERR_INVALID_ARG;
    }
    return rc;
}

bool gen_filter_keeps(gen_ctx_t *g, const char *label)
{
    bool keep = false;
    for (size_t i = 0; label != NULL && i < g->label_count; i++) {
        if (label_eq(g->labels[i].label, label)) {
            g->labels[i].used = true;
            keep = true;
        }
    }
    return keep;
}

esp_err_t gen_filter_check_used(const gen_ctx_t *g)
{
    esp_err_t rc = ESP_OK;
    for (size_t i = 0; i < g->label_count; i++) {
        if (!g->labels[i].used) {
            gen_msg(g, ESP_CRT_BUNDLE_MSG_ERROR,
                    "%s:%u: label \"%s\" matches no certificate of the filtered inputs",
                    g->cfg->filter_csv, g->labels[i].line, g->labels[i].label);
            rc = ESP_ERR_INVALID_ARG;
        }
    }
    return rc;
}

void gen_filter_free(gen_ctx_t *g)
{
    for (size_t i = 0; i < g->label_count; i++) {
        esp_tls_mem_free(g->labels[i].label);
    }
    esp_tls_mem_free(g->labels);
    g->labels = NULL;
    g->label_count = 0;
}
