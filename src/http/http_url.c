// SPDX-License-Identifier: Apache-2.0
/*
 * URLs of esp_http_client: the config's url (or host/port/path/query), esp_http_client_set_url
 * and redirects (absolute, scheme-relative, absolute-path and relative Location values,
 * RFC 3986 §5.2 without dot-segment removal). Splitting uses http_parser_parse_url() from
 * Debian's libhttp-parser, the same parser the response goes through; the host and port are
 * those of esp_tls_url_authority() (core/url.c, the WHATWG reading esp_tls_conn_http_new uses),
 * and a URL the two parsers split differently is refused, so that no URL names one host to
 * an allow-list and another to this client.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/url.h"
#include "esp_log.h"
#include "http_internal.h"

static const char *TAG = "HTTP_CLIENT";

int http_default_port(const char *scheme)
{
    if (scheme && strcasecmp(scheme, "https") == 0) {
        return 443;
    }
    if (scheme && strcasecmp(scheme, "http") == 0) {
        return 80;
    }
    return 0;
}

static char *field(const char *url, const struct http_parser_url *u, int f)
{
    if (!(u->field_set & (1 << f))) {
        return NULL;
    }
    return strndup(url + u->field_data[f].off, u->field_data[f].len);
}

static esp_err_t set_field(char **dst, const char *url, const struct http_parser_url *u, int f)
{
    char *v = field(url, u, f);
    ESP_ENSURE(v || !(u->field_set & (1 << f)), ESP_ERR_NO_MEM);
    free(*dst);
    *dst = v;
    return ESP_OK;
}

/* user:password from the URL's userinfo */
static esp_err_t apply_userinfo(http_connection_info_t *info, const char *url,
                                const struct http_parser_url *u)
{
    char *ui = field(url, u, UF_USERINFO);
    if (!ui) {
        return ESP_OK;
    }
    char *colon = strchr(ui, ':');
    if (colon) {
        *colon = '\0';
    }
    esp_err_t err = http_str_set(&info->username, ui);
    if (err == ESP_OK && colon) {
        err = http_str_set(&info->password, colon + 1);
    }
    free(ui);
    return err;
}

/* http_parser's host and port are exactly those of the WHATWG split. */
static bool same_authority(const char *url, const struct http_parser_url *u, const esp_tls_url_t *a)
{
    bool has_port = u->field_set & (1 << UF_PORT);
    return a->host == url + u->field_data[UF_HOST].off &&
           a->host_len == u->field_data[UF_HOST].len && a->port == (has_port ? u->port : 0);
}

static esp_err_t split_absolute(const char *url, struct http_parser_url *u)
{
    char shown[112];
    esp_tls_url_t a;
    ESP_GUARD(esp_tls_url_authority(url, &a));
    http_parser_url_init(u);
    bool ok = http_parser_parse_url(url, strlen(url), 0, u) == 0 && (u->field_set & (1 << UF_HOST));
    ESP_ENSURE_LOG(ok, ESP_ERR_INVALID_ARG, "Error parse url %s",
                   esp_tls_url_loggable(url, shown, sizeof(shown)));
    ESP_ENSURE_LOG(same_authority(url, u, &a), ESP_ERR_INVALID_ARG,
                   "URL %s is ambiguous: its host or port reads differently to different "
                   "parsers; refused",
                   esp_tls_url_loggable(url, shown, sizeof(shown)));
    return ESP_OK;
}

static esp_err_t apply_absolute(esp_http_client_handle_t c, const char *url)
{
    struct http_parser_url u;
    ESP_GUARD(split_absolute(url, &u));
    http_connection_info_t *info = &c->info;
    ESP_GUARD(set_field(&info->scheme, url, &u, UF_SCHEMA));
    for (char *p = info->scheme; p && *p; p++) {
        *p = (char)tolower((unsigned char)*p);
    }
    ESP_GUARD(set_field(&info->host, url, &u, UF_HOST));
    info->port = (u.field_set & (1 << UF_PORT)) ? u.port : http_default_port(info->scheme);
    ESP_GUARD(set_field(&info->path, url, &u, UF_PATH));
    if (!info->path) {
        ESP_GUARD(http_str_set(&info->path, "/"));
    }
    ESP_GUARD(set_field(&info->query, url, &u, UF_QUERY));
    return apply_userinfo(info, url, &u);
}

/* "path?query#frag" relative to the current path: new path and query */
static esp_err_t apply_path(esp_http_client_handle_t c, const char *ref)
{
    size_t n = strcspn(ref, "?#");
    char *path;
    if (ref[0] == '/') {
        path = strndup(ref, n);
    } else {
        const char *cur = c->info.path ? c->info.path : "/";
        const char *slash = strrchr(cur, '/');
        int dir = slash ? (int)(slash - cur) + 1 : 0;
        path = http_str_printf("%.*s%.*s", dir, cur, (int)n, ref);
    }
    ESP_ENSURE(path, ESP_ERR_NO_MEM);
    free(c->info.path);
    c->info.path = path;
    char *query = NULL;
    if (ref[n] == '?') {
        query = strndup(ref + n + 1, strcspn(ref + n + 1, "#"));
        ESP_ENSURE(query, ESP_ERR_NO_MEM);
    }
    free(c->info.query);
    c->info.query = query;
    return ESP_OK;
}

static bool has_scheme(const char *url)
{
    size_t n = strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
    return n > 0 && strncmp(url + n, "://", 3) == 0;
}

esp_err_t http_url_apply(esp_http_client_handle_t c, const char *url)
{
    ESP_ENSURE(url && *url, ESP_ERR_INVALID_ARG);
    if (has_scheme(url)) {
        return apply_absolute(c, url);
    }
    if (url[0] == '/' && url[1] == '/' && c->info.host) {
        char *abs = http_str_printf("%s:%s", c->info.scheme ? c->info.scheme : "http", url);
        ESP_ENSURE(abs, ESP_ERR_NO_MEM);
        esp_err_t err = apply_absolute(c, abs);
        free(abs);
        return err;
    }
    if (!c->info.host) {
        char shown[112];
        ESP_LOGE(TAG, "Error parse url %s", esp_tls_url_loggable(url, shown, sizeof(shown)));
        return ESP_ERR_INVALID_ARG;
    }
    return apply_path(c, url);
}

static bool url_has_port(const char *url)
{
    struct http_parser_url u;
    http_parser_url_init(&u);
    return http_parser_parse_url(url, strlen(url), 0, &u) == 0 && (u.field_set & (1 << UF_PORT));
}

esp_err_t http_url_from_config(esp_http_client_handle_t c, const esp_http_client_config_t *cfg)
{
    http_connection_info_t *info = &c->info;
    if (cfg->url) {
        ESP_GUARD(http_url_apply(c, cfg->url));
        if (cfg->port && !url_has_port(cfg->url)) {
            info->port = cfg->port; /* the URL's own port wins */
        }
    } else {
        ESP_ENSURE_LOG(cfg->host, ESP_ERR_INVALID_ARG, "config needs url or host");
        const char *scheme = cfg->transport_type == HTTP_TRANSPORT_OVER_SSL ? "https" : "http";
        ESP_GUARD(http_str_set(&info->scheme, scheme));
        ESP_GUARD(http_str_set(&info->host, cfg->host));
        info->port = cfg->port ? cfg->port : http_default_port(scheme);
        ESP_GUARD(http_str_set(&info->path, cfg->path ? cfg->path : "/"));
        ESP_GUARD(http_str_set(&info->query, cfg->query));
    }
    if (cfg->username) {
        ESP_GUARD(http_str_set(&info->username, cfg->username));
    }
    if (cfg->password) {
        ESP_GUARD(http_str_set(&info->password, cfg->password));
    }
    return ESP_OK;
}

char *http_url_format(esp_http_client_handle_t c)
{
    const http_connection_info_t *i = &c->info;
    bool v6 = i->host && strchr(i->host, ':');
    bool dflt = i->port == http_default_port(i->scheme);
    char port[16] = "";
    if (!dflt) {
        snprintf(port, sizeof(port), ":%d", i->port);
    }
    return http_str_printf("%s://%s%s%s%s%s%s%s", i->scheme ? i->scheme : "http", v6 ? "[" : "",
                           i->host ? i->host : "", v6 ? "]" : "", port, i->path ? i->path : "/",
                           i->query ? "?" : "", i->query ? i->query : "");
}
