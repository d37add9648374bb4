// SPDX-License-Identifier: Apache-2.0
/*
 * Request headers of esp_http_client: an ordered list, names compared case-insensitively
 * (RFC 9110 §5.1), and the small string helpers the client uses.
 */
#define _GNU_SOURCE /* vasprintf */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_internal.h"

void http_str_free(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s)); /* user names, passwords, Authorization values */
        free(s);
    }
}

esp_err_t http_str_set(char **dst, const char *src)
{
    char *copy = NULL;
    if (src) {
        copy = strdup(src);
        ESP_ENSURE(copy, ESP_ERR_NO_MEM);
    }
    http_str_free(*dst);
    *dst = copy;
    return ESP_OK;
}

char *http_str_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *out = NULL;
    int n = vasprintf(&out, fmt, ap);
    va_end(ap);
    return n < 0 ? NULL : out;
}

static http_header_item_t *find(http_header_list_t list, const char *key)
{
    for (http_header_item_t *h = list; h; h = h->next) {
        if (strcasecmp(h->key, key) == 0) {
            return h;
        }
    }
    return NULL;
}

esp_err_t http_header_set(http_header_list_t *list, const char *key, const char *value)
{
    ESP_ENSURE(key && value, ESP_ERR_INVALID_ARG);
    http_header_item_t *h = find(*list, key);
    if (h) {
        return http_str_set(&h->value, value);
    }
    h = calloc(1, sizeof(*h));
    ESP_ENSURE(h, ESP_ERR_NO_MEM);
    h->key = strdup(key);
    h->value = strdup(value);
    if (!h->key || !h->value) {
        free(h->key);
        free(h->value);
        free(h);
        return ESP_ERR_NO_MEM;
    }
    http_header_item_t **tail = list;
    while (*tail) {
        tail = &(*tail)->next;
    }
    *tail = h;
    return ESP_OK;
}

const char *http_header_get(http_header_list_t list, const char *key)
{
    http_header_item_t *h = find(list, key);
    return h ? h->value : NULL;
}

static void item_free(http_header_item_t *h)
{
    free(h->key);
    free(h->value);
    free(h);
}

bool http_header_delete(http_header_list_t *list, const char *key)
{
    for (http_header_item_t **p = list; *p; p = &(*p)->next) {
        if (strcasecmp((*p)->key, key) == 0) {
            http_header_item_t *h = *p;
            *p = h->next;
            item_free(h);
            return true;
        }
    }
    return false;
}

void http_header_clear(http_header_list_t *list)
{
    while (*list) {
        http_header_item_t *h = *list;
        *list = h->next;
        item_free(h);
    }
}
