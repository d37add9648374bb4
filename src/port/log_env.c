// SPDX-License-Identifier: Apache-2.0
/*
 * Log levels from a specification string: esp_tls_log_configure("esp-tls:debug,*:warn") and
 * the same from $ESP_TLS_LOG at the first log-level query (src/port/log.c), so that tracing
 * needs no recompile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "esp_log.h"
#include "esp_tls_ext.h"

#define SPEC_MAX_ITEMS 32
#define SPEC_TAG_LEN 32

typedef struct {
    char tag[SPEC_TAG_LEN];
    esp_log_level_t level;
} spec_item_t;

static bool parse_level(const char *text, size_t len, esp_log_level_t *out)
{
    static const char *const names[] = {"none", "error", "warn", "info", "debug", "verbose"};
    for (int i = 0; i <= ESP_LOG_VERBOSE; i++) {
        bool digit = len == 1 && text[0] == (char)('0' + i);
        if (digit || (strlen(names[i]) == len && strncasecmp(text, names[i], len) == 0)) {
            *out = (esp_log_level_t)i;
            return true;
        }
    }
    return false;
}

/* One "tag:level" item of @p len bytes. */
static bool parse_item(const char *item, size_t len, spec_item_t *out)
{
    const char *colon = memchr(item, ':', len);
    if (colon == NULL || colon == item || (size_t)(colon - item) >= SPEC_TAG_LEN) {
        return false;
    }
    size_t tag_len = (size_t)(colon - item);
    memcpy(out->tag, item, tag_len);
    out->tag[tag_len] = '\0';
    return parse_level(colon + 1, len - tag_len - 1, &out->level);
}

/* Parse all of @p spec before applying any of it. Returns the item count, or -1. */
static int parse_spec(const char *spec, spec_item_t *items)
{
    int n = 0;
    const char *p = spec;
    while (*p != '\0') {
        p += strspn(p, " \t");
        size_t len = strcspn(p, ",");
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t')) {
            len--;
        }
        size_t skip = strcspn(p, ",");
        if (len > 0) {
            if (n == SPEC_MAX_ITEMS || !parse_item(p, len, &items[n])) {
                return -1;
            }
            n++;
        }
        p += skip + (p[skip] == ',');
    }
    return n;
}

esp_err_t esp_tls_log_configure(const char *spec)
{
    spec_item_t items[SPEC_MAX_ITEMS];
    int n = spec != NULL ? parse_spec(spec, items) : -1;
    if (n < 0) {
        ESP_LOGE("esp-tls",
                 "log specification \"%s\" is malformed: use tag:level[,tag:level] "
                 "with level none, error, warn, info, debug, verbose or 0..5",
                 spec ? spec : "(null)");
        return ESP_ERR_INVALID_ARG;
    }
    /* "*" first: it resets the per-tag levels */
    for (int i = 0; i < n; i++) {
        if (strcmp(items[i].tag, "*") == 0) {
            esp_log_level_set("*", items[i].level);
        }
    }
    for (int i = 0; i < n; i++) {
        if (strcmp(items[i].tag, "*") != 0) {
            esp_log_level_set(items[i].tag, items[i].level);
        }
    }
    return ESP_OK;
}
