// SPDX-License-Identifier: Apache-2.0
/* Small helpers of the esp-tls tool: files, numbers, escapes, lists, targets. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "esp-tls %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'esp-tls %s --help'.\n", cmd);
    va_end(ap);
    return CLI_USAGE;
}

/* openssl's spelling of options that the tool has under another name */
static const char *const s_openssl_names[][2] = {
    {"-CAfile", "--ca"},       {"-untrusted", "--untrusted"}, {"-verify_hostname", "--host"},
    {"-attime", "--time"},     {"-servername", "--sni"},      {"-cert", "--cert"},
    {"-key", "--key"},         {"-alpn", "--alpn"},           {"-accept", "--port"},
    {"-connect", "HOST:PORT"},
};

/* The word getopt_long() refused: a cluster it is still inside ("-CAfile" is read as -C -A ...,
 * optind still on it), else the word it has just passed. */
static const char *refused_word(int argc, char **argv)
{
    if (optopt > 0 && optopt < 256 && optind < argc && argv[optind][0] == '-' &&
        argv[optind][1] != '-' && strchr(argv[optind] + 1, optopt) != NULL) {
        return argv[optind];
    }
    return argv[optind - 1];
}

int cli_bad_option(const char *cmd, int c, int argc, char **argv)
{
    const char *word = refused_word(argc, argv);
    if (c == ':') {
        return cli_usage_error(cmd, "option %s needs a value", word);
    }
    for (size_t i = 0; i < sizeof(s_openssl_names) / sizeof(s_openssl_names[0]); i++) {
        if (strcmp(word, s_openssl_names[i][0]) == 0) {
            return cli_usage_error(cmd, "unknown option %s for 'esp-tls %s' (openssl's %s is %s)",
                                   word, cmd, word, s_openssl_names[i][1]);
        }
    }
    bool single_dash = word[0] == '-' && word[1] != '-' && word[1] != '\0' && word[2] != '\0';
    return cli_usage_error(cmd, "unknown option %s for 'esp-tls %s'%s", word, cmd,
                           single_dash ? " (long options take two dashes)" : "");
}

bool cli_buf_append(cli_buf_t *buf, const void *data, size_t len)
{
    unsigned char *p = realloc(buf->data, buf->len + len + 1);
    if (p == NULL) {
        return false;
    }
    memcpy(p + buf->len, data, len);
    buf->data = p;
    buf->len += len;
    p[buf->len] = '\0';
    return true;
}

void cli_buf_free(cli_buf_t *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = 0;
}

/* Append up to CLI_FILE_MAX + 1 bytes of @p f to @p out; false on a read error. */
static bool read_capped(FILE *f, cli_buf_t *out)
{
    unsigned char chunk[4096];
    size_t n;
    while (out->len <= CLI_FILE_MAX && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (!cli_buf_append(out, chunk, n)) {
            return false;
        }
    }
    return !ferror(f) && cli_buf_append(out, "", 0);
}

bool cli_read_file(const char *path, cli_buf_t *out)
{
    *out = (cli_buf_t){0};
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "esp-tls: cannot open %s: %s\n", path, strerror(errno));
        return false;
    }
    bool ok = read_capped(f, out);
    fclose(f);
    if (ok && out->len > CLI_FILE_MAX) {
        fprintf(stderr,
                "esp-tls: %s: larger than %d MiB, the limit for certificates, keys and bundles\n",
                path, CLI_FILE_MAX / (1024 * 1024));
        ok = false;
    } else if (!ok) {
        fprintf(stderr, "esp-tls: cannot read %s\n", path);
    }
    if (!ok) {
        cli_buf_free(out);
    }
    return ok;
}

bool cli_is_pem(const cli_buf_t *buf)
{
    return buf->data != NULL && strstr((const char *)buf->data, "-----BEGIN") != NULL;
}

bool cli_parse_long(const char *s, long min, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 0);
    if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

bool cli_parse_decimal(const char *s, long min, long max, long *out)
{
    const char *d = *s == '-' ? s + 1 : s;
    if (!isdigit((unsigned char)*d)) {
        return false; /* no sign but '-', no spaces, no "0x" */
    }
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || errno != 0 || v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* One escape after the backslash at s; writes the byte to *out, returns chars consumed. */
static size_t unescape_one(const char *s, char *out)
{
    switch (s[0]) {
    case 'r': *out = '\r'; return 1;
    case 'n': *out = '\n'; return 1;
    case 't': *out = '\t'; return 1;
    case '0': *out = '\0'; return 1;
    case '\\': *out = '\\'; return 1;
    case 'x':
        if (hex_digit(s[1]) >= 0 && hex_digit(s[2]) >= 0) {
            *out = (char)(hex_digit(s[1]) * 16 + hex_digit(s[2]));
            return 3;
        }
        break;
    default: break;
    }
    *out = '\\';
    return 0;
}

size_t cli_unescape(char *s)
{
    size_t r = 0, w = 0;
    while (s[r] != '\0') {
        if (s[r] == '\\' && s[r + 1] != '\0') {
            size_t used = unescape_one(s + r + 1, &s[w++]);
            r += 1 + used;
        } else {
            s[w++] = s[r++];
        }
    }
    s[w] = '\0';
    return w;
}

int cli_split_list(char *list, const char **items, int max)
{
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(list, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        if (n == max) {
            return -1;
        }
        items[n++] = t;
    }
    items[n] = NULL;
    return n;
}

int cli_hex_decode(char *hex)
{
    size_t len = strlen(hex);
    if (len == 0 || len % 2 != 0) {
        return -1;
    }
    for (size_t i = 0; i < len / 2; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return -1;
        }
        hex[i] = (char)(hi * 16 + lo);
    }
    return (int)(len / 2);
}

int64_t cli_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "host:port" or "[v6]:port" */
static bool parse_hostport(const char *arg, char *host, size_t host_len, int *port)
{
    const char *colon = strrchr(arg, ':');
    const char *start = arg, *end = colon;
    if (arg[0] == '[') {
        const char *close = strchr(arg, ']');
        if (close == NULL || close[1] != ':') {
            return false;
        }
        start = arg + 1;
        end = close;
        colon = close + 1;
    }
    long p;
    if (colon == NULL || end <= start || (size_t)(end - start) >= host_len ||
        !cli_parse_decimal(colon + 1, 1, 65535, &p)) {
        return false;
    }
    memcpy(host, start, (size_t)(end - start));
    host[end - start] = '\0';
    *port = (int)p;
    return true;
}

bool cli_parse_target(const char *arg, char *host, size_t host_len, int *port, bool *is_url)
{
    *is_url = strstr(arg, "://") != NULL;
    if (*is_url) {
        host[0] = '\0';
        *port = 0;
        return strncmp(arg, "https://", 8) == 0 || strncmp(arg, "http://", 7) == 0;
    }
    return parse_hostport(arg, host, host_len, port);
}
