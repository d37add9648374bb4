// SPDX-License-Identifier: Apache-2.0
/*
 * x509-limbo harness: runs the SERVER cases written by limbo_convert.py through
 * esp_tls_verify_chain(), the verification path of a client handshake, with each case's
 * validation time and expected peer name.
 *
 *   limbo_run [--profile webpki|mbedtls] [--check DIVERGENCES] [--only ID] CASES
 *
 * Prints one line per case: "R <id> <expected> <result> <flags hex>" or "S <id> <reason>"
 * (limbo_report.py makes the tables). With --check, only mismatches are printed, and the exit
 * status is 1 if a case gives an unexpected result and is not listed in DIVERGENCES (one id
 * per line, then its reason; '#' starts a comment). --only runs one case, with the policy's
 * debug log (which rule failed which certificate) on stderr.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "esp_log.h"
#include "esp_tls.h"
#include "esp_tls_ext.h"

typedef struct {
    char *buf;
    size_t len, cap;
} text_t;

typedef struct {
    char id[256];
    bool expect_ok;
    int64_t at_time;
    char name[256];
    bool has_name;
    text_t trusted, chain;
} limbo_case_t;

static void put(text_t *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->buf = realloc(t->buf, t->cap);
        if (t->buf == NULL) {
            perror("limbo_run");
            exit(2);
        }
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

/* One base64 DER line as a PEM block (64 characters a line). */
static void put_pem(text_t *t, const char *b64)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----\n";
    static const char end[] = "-----END CERTIFICATE-----\n";
    size_t n = strcspn(b64, "\r\n");
    put(t, begin, sizeof(begin) - 1);
    for (size_t i = 0; i < n; i += 64) {
        put(t, b64 + i, n - i < 64 ? n - i : 64);
        put(t, "\n", 1);
    }
    put(t, end, sizeof(end) - 1);
}

static bool run_case(const limbo_case_t *c, uint32_t *flags)
{
    esp_tls_verify_cfg_t cfg = {
        .cacert_buf = (const unsigned char *)c->trusted.buf,
        .cacert_bytes = (unsigned int)c->trusted.len + 1, /* PEM: the NUL is counted */
        .common_name = c->has_name ? c->name : NULL,
        .at_time = c->at_time,
    };
    *flags = 0;
    esp_err_t rc = esp_tls_verify_chain(&cfg, (const unsigned char *)c->chain.buf, c->chain.len + 1,
                                        flags, NULL);
    return rc == ESP_OK;
}

/* Accepted divergences: the file's text; a case is listed if "\n<id> " or "\n<id>\n" occurs. */
static char *s_divergences;
static const char *s_only; /* --only: run just this case */

static bool listed(const char *id)
{
    if (s_divergences == NULL) {
        return false;
    }
    size_t n = strlen(id);
    for (const char *p = strstr(s_divergences, id); p != NULL; p = strstr(p + 1, id)) {
        bool starts = p == s_divergences || p[-1] == '\n';
        if (starts && (p[n] == ' ' || p[n] == '\t' || p[n] == '\n' || p[n] == '\0')) {
            return true;
        }
    }
    return false;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    text_t t = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        put(&t, chunk, n);
    }
    fclose(f);
    return t.buf;
}

/* Verify one parsed case and report it. @return 1 for an unexpected, unlisted result. */
static int finish_case(limbo_case_t *c, bool check)
{
    uint32_t flags;
    bool ok = run_case(c, &flags);
    bool good = ok == c->expect_ok;
    if (!check || !good) {
        printf("R %s %s %s %x%s\n", c->id, c->expect_ok ? "SUCCESS" : "FAILURE",
               ok ? "SUCCESS" : "FAILURE", (unsigned)flags,
               check && listed(c->id) ? " (accepted divergence)" : "");
    }
    return !good && !(check && listed(c->id));
}

static void reset_case(limbo_case_t *c)
{
    text_t trusted = c->trusted, chain = c->chain;
    memset(c, 0, sizeof(*c));
    trusted.len = chain.len = 0;
    c->trusted = trusted;
    c->chain = chain;
}

/* One input line into the case under construction; "end" runs it. */
static int handle_line(limbo_case_t *c, char *line, bool check, int *ran)
{
    line[strcspn(line, "\r\n")] = '\0';
    char kind[16] = "";
    if (strncmp(line, "case ", 5) == 0) {
        reset_case(c);
        snprintf(c->id, sizeof(c->id), "%s", line + 5);
    } else if (strncmp(line, "expect ", 7) == 0) {
        c->expect_ok = strcmp(line + 7, "SUCCESS") == 0;
    } else if (strncmp(line, "time ", 5) == 0) {
        c->at_time = strtoll(line + 5, NULL, 10);
    } else if (sscanf(line, "name %15s %255s", kind, c->name) == 2) {
        c->has_name = strcmp(kind, "NONE") != 0;
    } else if (strncmp(line, "trusted ", 8) == 0) {
        put_pem(&c->trusted, line + 8);
    } else if (strncmp(line, "chain ", 6) == 0) {
        put_pem(&c->chain, line + 6);
    } else if (strcmp(line, "end") == 0) {
        if (s_only != NULL && strcmp(s_only, c->id) != 0) {
            return 0;
        }
        ++*ran;
        return finish_case(c, check);
    } else if (strncmp(line, "skip ", 5) == 0) {
        if (!check) {
            printf("S %s\n", line + 5);
        }
    }
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: limbo_run [--profile webpki|mbedtls] [--check DIVERGENCES] "
                    "[--only ID] CASES\n");
    return 2;
}

/* Options into the statics; @return the cases file, or NULL for a usage error. */
static const char *parse_args(int argc, char **argv, bool *check)
{
    const char *cases = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
            i++;
            esp_tls_policy_set_profile(strcmp(argv[i], "mbedtls") == 0 ? ESP_TLS_POLICY_MBEDTLS
                                                                       : ESP_TLS_POLICY_WEBPKI);
        } else if (strcmp(argv[i], "--check") == 0 && i + 1 < argc) {
            s_divergences = slurp(argv[++i]);
            *check = true;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            s_only = argv[++i];
        } else if (cases == NULL && argv[i][0] != '-') {
            cases = argv[i];
        } else {
            return NULL;
        }
    }
    return cases;
}

int main(int argc, char **argv)
{
    bool check = false;
    const char *cases = parse_args(argc, argv, &check);
    if (cases == NULL) {
        return usage();
    }
    esp_log_level_set("*", ESP_LOG_NONE);
    if (s_only != NULL) {
        esp_log_level_set("esp-tls-policy", ESP_LOG_DEBUG);
    }
    FILE *f = fopen(cases, "r");
    if (f == NULL) {
        perror(cases);
        return 2;
    }
    limbo_case_t c = {0};
    char *line = NULL;
    size_t cap = 0;
    int bad = 0, ran = 0;
    while (getline(&line, &cap, f) > 0) {
        bad += handle_line(&c, line, check, &ran);
    }
    fclose(f);
    free(line);
    free(c.trusted.buf);
    free(c.chain.buf);
    free(s_divergences);
    if (check) {
        printf("limbo_run: %d cases, %d unexpected results\n", ran, bad);
    }
    return bad == 0 ? 0 : 1;
}
