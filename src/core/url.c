// SPDX-License-Identifier: Apache-2.0
/*
 * URL splitting: only what a connection needs (scheme, host, port). Where the host ends and
 * the path begins follows the WHATWG URL Standard (what browsers and curl agree on), so that a
 * URL cannot name one host to a checker and another to this library:
 *   - in the special schemes (http, https, ws, wss, ftp, file) a backslash ends the authority
 *     like a slash: "https://good:1\@evil/" is host "good", port 1;
 *   - the user info ends at the last '@' of the authority;
 *   - a bracketed host must be an IPv6 address (no zone id, as in WHATWG);
 *   - a host that ends in a number is an IPv4 address: WHATWG reads "0x7f.1" or "2130706433"
 *     as 127.0.0.1, so anything but the dotted-quad form is refused rather than read otherwise;
 *   - no percent escapes in a host (WHATWG decodes them; refused here, never sent to DNS).
 * A refused URL is logged without its user info, with control characters escaped.
 * Stricter than ESP-IDF, which ignored http_parser's result; see docs/COMPAT.md.
 */
#include <arpa/inet.h>
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

static bool scheme_is(const char *scheme, size_t len, const char *name)
{
    return len == strlen(name) && strncasecmp(scheme, name, len) == 0;
}

/* WHATWG "special" schemes: a backslash is a path separator there. */
static bool special_scheme(const char *scheme, size_t len)
{
    static const char *const special[] = {"http", "https", "ws", "wss", "ftp", "file"};
    for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
        if (scheme_is(scheme, len, special[i])) {
            return true;
        }
    }
    return false;
}

static int default_port(const char *scheme, size_t len)
{
    if (scheme_is(scheme, len, "https")) {
        return 443;
    }
    if (scheme_is(scheme, len, "http")) {
        return 80;
    }
    return 0;
}

/* Port digits up to the end of the authority; 1..65535, decimal (leading zeros allowed, as in
 * WHATWG); empty means the scheme's default. */
static esp_err_t parse_port(const char *p, const char *end, int *port)
{
    long value = 0;
    if (p == end) {
        return ESP_OK;
    }
    while (p < end - 1 && *p == '0') {
        p++;
    }
    ESP_ENSURE(end - p <= 5, ESP_ERR_INVALID_ARG);
    for (; p < end; p++) {
        ESP_ENSURE(isdigit((unsigned char)*p), ESP_ERR_INVALID_ARG);
        value = value * 10 + (*p - '0');
    }
    ESP_ENSURE(value >= 1 && value <= 65535, ESP_ERR_INVALID_ARG);
    *port = (int)value;
    return ESP_OK;
}

/* Characters a host name may hold here: no WHATWG forbidden domain code point, no '%'. */
static bool host_char_ok(char c)
{
    return isalnum((unsigned char)c) || strchr("-._~!$&'()*+,;=", c) != NULL;
}

/* WHATWG "ends in a number": the last label (ignoring one trailing dot) is all digits, or
 * "0x"/"0X" followed by hex digits. Such a host is an IPv4 address there. */
static bool ends_in_number(const char *host, size_t len)
{
    if (len > 0 && host[len - 1] == '.') {
        len--;
    }
    size_t start = len;
    while (start > 0 && host[start - 1] != '.') {
        start--;
    }
    const char *label = host + start;
    size_t n = len - start;
    if (n == 0) {
        return false;
    }
    size_t i = 0;
    bool hex = n >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X');
    for (i = hex ? 2 : 0; i < n; i++) {
        if (!(hex ? isxdigit((unsigned char)label[i]) : isdigit((unsigned char)label[i]))) {
            return false;
        }
    }
    return true;
}

/* A numeric host is accepted only in the one form every parser reads the same way. */
static esp_err_t check_ipv4(const char *host, size_t len)
{
    char text[INET_ADDRSTRLEN];
    struct in_addr a;
    ESP_ENSURE(len < sizeof(text), ESP_ERR_INVALID_ARG);
    memcpy(text, host, len);
    text[len] = '\0';
    ESP_ENSURE(inet_pton(AF_INET, text, &a) == 1, ESP_ERR_INVALID_ARG);
    return ESP_OK;
}

static esp_err_t check_ipv6(const char *host, size_t len)
{
    char text[INET6_ADDRSTRLEN];
    struct in6_addr a;
    ESP_ENSURE(len > 0 && len < sizeof(text), ESP_ERR_INVALID_ARG);
    memcpy(text, host, len);
    text[len] = '\0';
    ESP_ENSURE(inet_pton(AF_INET6, text, &a) == 1, ESP_ERR_INVALID_ARG);
    return ESP_OK;
}

static esp_err_t check_name(const char *host, size_t len)
{
    ESP_ENSURE(len > 0, ESP_ERR_INVALID_ARG);
    for (size_t i = 0; i < len; i++) {
        ESP_ENSURE(host_char_ok(host[i]), ESP_ERR_INVALID_ARG);
    }
    return ends_in_number(host, len) ? check_ipv4(host, len) : ESP_OK;
}

/* host and optional port inside [start, end): "[v6]:port", "name:port", "name". */
static esp_err_t parse_host_port(const char *start, const char *end, esp_tls_url_t *out)
{
    const char *host_end;
    if (start < end && *start == '[') {
        host_end = memchr(start, ']', (size_t)(end - start));
        ESP_ENSURE(host_end != NULL, ESP_ERR_INVALID_ARG);
        out->host = start + 1;
        out->host_len = (size_t)(host_end - start - 1);
        ESP_GUARD(check_ipv6(out->host, out->host_len));
        host_end++;
        ESP_ENSURE(host_end == end || *host_end == ':', ESP_ERR_INVALID_ARG);
    } else {
        host_end = memchr(start, ':', (size_t)(end - start));
        host_end = host_end ? host_end : end;
        out->host = start;
        out->host_len = (size_t)(host_end - start);
        ESP_GUARD(check_name(out->host, out->host_len));
    }
    if (host_end < end) {
        return parse_port(host_end + 1, end, &out->port);
    }
    return ESP_OK;
}

/* The authority "[userinfo@]host[:port]" of @p url starting at @p p: [*host, returned end). */
static const char *authority(const char *p, bool special, const char **host)
{
    const char *end = p + strcspn(p, special ? "/\\?#" : "/?#");
    const char *at = NULL;
    for (const char *c = p; c < end; c++) {
        at = *c == '@' ? c : at; /* the last '@' ends the user info */
    }
    *host = at ? at + 1 : p;
    return end;
}

/* For the log: the URL without its user info (it may hold a password), control characters and
 * other bytes outside printable ASCII escaped, at most about 96 characters. */
const char *esp_tls_url_loggable(const char *url, char *buf, size_t size)
{
    size_t scheme_len = 0, n = 0;
    const char *rest = parse_scheme(url, &scheme_len);
    const char *host = NULL;
    const char *skip_from = NULL;
    if (rest != NULL) {
        (void)authority(rest, special_scheme(url, scheme_len), &host);
        skip_from = host != rest ? rest : NULL;
    }
    for (const char *c = url; *c != '\0' && n + 8 < size; c++) {
        if (skip_from != NULL && c == skip_from) {
            n += (size_t)snprintf(buf + n, size - n, "***@");
            c = host - 1;
        } else if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f) {
            n += (size_t)snprintf(buf + n, size - n, "\\x%02x", (unsigned char)*c);
        } else {
            buf[n++] = *c;
        }
    }
    buf[n] = '\0';
    return buf;
}

esp_err_t esp_tls_url_authority(const char *url, esp_tls_url_t *out)
{
    ESP_ENSURE(url != NULL && out != NULL, ESP_ERR_INVALID_ARG);
    memset(out, 0, sizeof(*out));
    char shown[112];
    size_t scheme_len = 0;
    const char *rest = parse_scheme(url, &scheme_len);
    ESP_ENSURE_LOG(rest != NULL, ESP_ERR_INVALID_ARG,
                   "malformed URL \"%s\": expected scheme://host",
                   esp_tls_url_loggable(url, shown, sizeof(shown)));
    const char *host = NULL;
    const char *end = authority(rest, special_scheme(url, scheme_len), &host);
    ESP_ENSURE_LOG(parse_host_port(host, end, out) == ESP_OK, ESP_ERR_INVALID_ARG,
                   "malformed URL \"%s\": bad host or port",
                   esp_tls_url_loggable(url, shown, sizeof(shown)));
    return ESP_OK;
}

esp_err_t esp_tls_url_parse(const char *url, esp_tls_url_t *out)
{
    ESP_GUARD(esp_tls_url_authority(url, out));
    if (out->port == 0) {
        size_t scheme_len = 0;
        (void)parse_scheme(url, &scheme_len);
        out->port = default_port(url, scheme_len);
    }
    char shown[112];
    ESP_ENSURE_LOG(out->port != 0, ESP_ERR_INVALID_ARG,
                   "URL \"%s\" has no port and its scheme has no default (http, https)",
                   esp_tls_url_loggable(url, shown, sizeof(shown)));
    return ESP_OK;
}
