// SPDX-License-Identifier: Apache-2.0
/*
 * URL splitting (RFC 3986 §3): only what a connection needs. Stricter than ESP-IDF, which
 * ignored http_parser's result and went on with an empty host; see docs/COMPAT.md.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "esp_log.h"
#include "url.h"

static const char *TAG = "esp-tls";

/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then "://" */
static const char *parse_scheme(const char *url, size_t *len)
{
    const char *p = url;
    if (!isalpha((unsigned char)*p)) {
        return NULL;
    }
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.') {
        p++;
    }
    if (strncmp(p, "://", 3) != 0) {
        return NULL;
    }
    *len = (size_t)(p - url);
    return p + 3;
}

static int default_port(const char *scheme, size_t len)
{
    if (len == 5 && strncasecmp(scheme, "https", 5) == 0) {
        return 443;
    }
    if (len == 4 && strncasecmp(scheme, "http", 4) == 0) {
        return 80;
    }
    return 0;
}

/* Port digits up to the end of the authority; 1..65535. */
static esp_err_t parse_port(const char *p, const char *end, int *port)
{
    long value = 0;
    ESP_ENSURE(p < end && end - p <= 5, ESP_ERR_INVALID_ARG);
    for (; p < end; p++) {
        ESP_ENSURE(isdigit((unsigned char)*p), ESP_ERR_INVALID_ARG);
        value = value * 10 + (*p - '0');
    }
    ESP_ENSURE(value >= 1 && value <= 65535, ESP_ERR_INVALID_ARG);
    *port = (int)value;
    return ESP_OK;
}

static bool host_char_ok(char c)
{
    return isalnum((unsigned char)c) || strchr("-._~%!$&'()*+,;=", c) != NULL;
}

/* host and optional port inside [start, end): "[v6]:port", "name:port", "name". */
static esp_err_t parse_host_port(const char *start, const char *end, esp_tls_url_t *out)
{
    const char *host_end;
    if (*start == '[') {
        host_end = memchr(start, ']', (size_t)(end - start));
        ESP_ENSURE(host_end != NULL, ESP_ERR_INVALID_ARG);
        out->host = start + 1;
        out->host_len = (size_t)(host_end - start - 1);
        host_end++;
        ESP_ENSURE(host_end == end || *host_end == ':', ESP_ERR_INVALID_ARG);
    } else {
        host_end = memchr(start, ':', (size_t)(end - start));
        host_end = host_end ? host_end : end;
        out->host = start;
        out->host_len = (size_t)(host_end - start);
        for (const char *c = start; c < host_end; c++) {
            ESP_ENSURE(host_char_ok(*c), ESP_ERR_INVALID_ARG);
        }
    }
    ESP_ENSURE(out->host_len > 0, ESP_ERR_INVALID_ARG);
    if (host_end < end) {
        return parse_port(host_end + 1, end, &out->port);
    }
    return ESP_OK;
}

esp_err_t esp_tls_url_parse(const char *url, esp_tls_url_t *out)
{
    ESP_ENSURE(url != NULL && out != NULL, ESP_ERR_INVALID_ARG);
    memset(out, 0, sizeof(*out));
    size_t scheme_len = 0;
    const char *authority = parse_scheme(url, &scheme_len);
    ESP_ENSURE_LOG(authority != NULL, ESP_ERR_INVALID_ARG,
                   "malformed URL \"%.64s\": expected scheme://host", url);
    const char *end = authority + strcspn(authority, "/?#");
    const char *at = memchr(authority, '@', (size_t)(end - authority));
    const char *host = at ? at + 1 : authority;
    ESP_ENSURE_LOG(parse_host_port(host, end, out) == ESP_OK, ESP_ERR_INVALID_ARG,
                   "malformed URL \"%.64s\": bad host or port", url);
    if (out->port == 0) {
        out->port = default_port(url, scheme_len);
    }
    ESP_ENSURE_LOG(out->port != 0, ESP_ERR_INVALID_ARG,
                   "URL \"%.64s\" has no port and its scheme has no default (http, https)", url);
    return ESP_OK;
}
