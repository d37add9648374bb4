// SPDX-License-Identifier: Apache-2.0
/* A streaming JSON writer: enough for one object per run, written as it is built. */
#include <string.h>

#include "cli.h"

#define MAX_DEPTH ((int)(sizeof(((cli_json_t *)0)->need_comma)))

static void escaped(FILE *f, const char *s, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                fprintf(f, "\\u%04x", c);
            } else {
                fputc(c, f);
            }
        }
    }
    fputc('"', f);
}

/* The comma before a member and its key ("key":), if any. */
static void member(cli_json_t *j, const char *key)
{
    if (j->need_comma[j->depth]) {
        fputc(',', j->f);
    }
    j->need_comma[j->depth] = true;
    if (key != NULL) {
        escaped(j->f, key, strlen(key));
        fputc(':', j->f);
    }
}

static void open_container(cli_json_t *j, const char *key, char bracket)
{
    member(j, key);
    fputc(bracket, j->f);
    if (j->depth + 1 < MAX_DEPTH) {
        j->depth++;
    }
    j->need_comma[j->depth] = false;
}

void cli_json_begin(cli_json_t *j, FILE *f)
{
    memset(j, 0, sizeof(*j));
    j->f = f;
    fputc('{', f);
}

void cli_json_end(cli_json_t *j)
{
    fputs("}\n", j->f);
    fflush(j->f);
}

void cli_json_object(cli_json_t *j, const char *key)
{
    open_container(j, key, '{');
}

void cli_json_array(cli_json_t *j, const char *key)
{
    open_container(j, key, '[');
}

void cli_json_close(cli_json_t *j, char bracket)
{
    fputc(bracket, j->f);
    if (j->depth > 0) {
        j->depth--;
    }
}

void cli_json_strn(cli_json_t *j, const char *key, const char *value, size_t len)
{
    member(j, key);
    escaped(j->f, value, len);
}

void cli_json_str(cli_json_t *j, const char *key, const char *value)
{
    if (value == NULL) {
        cli_json_null(j, key);
        return;
    }
    cli_json_strn(j, key, value, strlen(value));
}

void cli_json_int(cli_json_t *j, const char *key, long long value)
{
    member(j, key);
    fprintf(j->f, "%lld", value);
}

void cli_json_bool(cli_json_t *j, const char *key, bool value)
{
    member(j, key);
    fputs(value ? "true" : "false", j->f);
}

void cli_json_null(cli_json_t *j, const char *key)
{
    member(j, key);
    fputs("null", j->f);
}

void cli_json_hex(cli_json_t *j, const char *key, long long value)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%s0x%llx", value < 0 ? "-" : "",
             (unsigned long long)(value < 0 ? -value : value));
    cli_json_str(j, key, buf);
}
