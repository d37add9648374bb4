// SPDX-License-Identifier: Apache-2.0
/*
 * Mbed TLS debug output into esp_log (tag "mbedtls", DEBUG level), built with
 * CONFIG_MBEDTLS_DEBUG, at CONFIG_MBEDTLS_DEBUG_LEVEL or the level set at run time
 * (esp_tls_set_mbedtls_debug_level, $ESP_TLS_MBEDTLS_DEBUG, ESP_TLS_LOG=mbedtls:debug).
 * Level 3 shows each certificate the peer sends.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "esp_log.h"
#include "esp_tls_ext.h"
#include "mbedtls/debug.h"
#include "mbedtls/error.h"
#include "mbedtls_backend.h"

#if CONFIG_MBEDTLS_DEBUG
static _Atomic int s_debug_level = CONFIG_MBEDTLS_DEBUG_LEVEL;

/* Whether @p word occurs in [@p from, @p end), whatever the case. */
static bool contains_nocase(const char *from, const char *end, const char *word)
{
    size_t n = strlen(word);
    for (const char *at = from; at + n <= end; at++) {
        if (strncasecmp(at, word, n) == 0) {
            return true;
        }
    }
    return false;
}

/* Mbed TLS prints keys and secrets at levels 3-4 ("dumping 'master secret'", "value of
 * 'DHM: K '", "dumping 'Ticket-resumed PSK'"): such a dump is replaced by one line, whatever
 * the level. A label is matched by words, without regard to case, so that a label written
 * differently still matches; docs/DEBUG_REDACTION.md lists every label Mbed TLS 3.6 dumps,
 * whether it is secret, and why. */
static bool sensitive_label(const char *msg)
{
    static const char *const words[] = {"secret",
                                        "key",
                                        "iv",
                                        "DHM: K",
                                        "DHM: X",
                                        "ECDH",
                                        "padbuf",
                                        "psk",
                                        "PRF",
                                        "binder",
                                        "salt",
                                        "nonce",
                                        "payload",
                                        "decrypt",
                                        "context to load",
                                        "saved context",
                                        "remaining content"};
    /* the label is between the first and the last quote: a label may hold a quote itself */
    const char *q = strchr(msg, '\'');
    const char *end = q ? strrchr(msg, '\'') : NULL;
    if (end == NULL || end == q) {
        return true; /* an unexpected shape: redact rather than risk it */
    }
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (contains_nocase(q + 1, end, words[i])) {
            return true;
        }
    }
    return false;
}

/* A continuation line of a dump: "0010:  a1 b2 ..." or " a1 b2 c3" (hex and spaces). */
static bool dump_line(const char *msg)
{
    size_t hex = strspn(msg, "0123456789abcdefABCDEF ");
    return msg[hex] == ':' || msg[hex] == '\n' || msg[hex] == '\0';
}

/* Mbed TLS starts each message with the context's address: "0x55d0c8a1b2c0: ". */
static const char *skip_context(const char *msg)
{
    if (msg[0] == '0' && msg[1] == 'x') {
        const char *colon = strstr(msg, ": ");
        if (colon != NULL) {
            return colon + 2;
        }
    }
    return msg;
}

static void debug_cb(void *ctx, int level, const char *file, int line, const char *msg)
{
    (void)level;
    bool *redacting = ctx;
    const char *body = skip_context(msg);
    if (strncmp(body, "dumping '", 9) == 0 || strncmp(body, "value of '", 10) == 0) {
        *redacting = sensitive_label(body);
        if (*redacting) {
            esp_log_write(ESP_LOG_DEBUG, "mbedtls", "(a key or secret dump is not logged)");
            return;
        }
    } else if (*redacting && dump_line(body)) {
        return;
    } else {
        *redacting = false;
    }
    const char *base = strrchr(file, '/');
    size_t len = strlen(msg);
    if (len > 0 && msg[len - 1] == '\n') {
        len--;
    }
    esp_log_write(ESP_LOG_DEBUG, "mbedtls", "%s:%d %.*s", base ? base + 1 : file, line, (int)len,
                  msg);
}

static void set_level(int level)
{
    s_debug_level = level < 0 ? 0 : level > 4 ? 4 : level;
    esp_log_level_set("mbedtls", s_debug_level > 0 ? ESP_LOG_DEBUG : ESP_LOG_INFO);
}

/* ESP_TLS_MBEDTLS_DEBUG=0..4 in the environment, applied once, before the first connection's
 * configuration or the first esp_tls_set_mbedtls_debug_level() (which then overrides it), not
 * at load time. Its esp_log_level_set() applies ESP_TLS_LOG first (src/port/log.c), so this
 * one decides the "mbedtls" tag. */
static pthread_once_t s_env_once = PTHREAD_ONCE_INIT;

static void debug_from_env(void)
{
    const char *env = getenv("ESP_TLS_MBEDTLS_DEBUG");
    if (env != NULL && env[0] >= '0' && env[0] <= '4' && env[1] == '\0') {
        set_level(env[0] - '0');
    }
}

/* Mbed TLS formats its messages only up to the threshold: keep it at 0 unless the "mbedtls"
 * tag would show them, so that a build with debugging costs nothing until it is turned on. */
void esp_tls_mbedtls_debug_attach(mbedtls_ssl_config *conf, bool *redacting)
{
    pthread_once(&s_env_once, debug_from_env);
    static _Atomic int s_applied = -1;
    static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
    bool shown = esp_log_level_get("mbedtls") >= ESP_LOG_DEBUG;
    int want = shown ? s_debug_level : 0;
    /* Mbed TLS reads its threshold, a plain global, from every handshake: write it only when
     * the level changes, not on every connection. */
    if (want != s_applied) {
        pthread_mutex_lock(&s_lock);
        if (want != s_applied) {
            mbedtls_debug_set_threshold(want);
            s_applied = want;
        }
        pthread_mutex_unlock(&s_lock);
    }
    mbedtls_ssl_conf_dbg(conf, debug_cb, redacting);
}

void esp_tls_mbedtls_debug_level(int level)
{
    pthread_once(&s_env_once, debug_from_env);
    set_level(level);
}
#else
void esp_tls_mbedtls_debug_attach(mbedtls_ssl_config *conf, bool *redacting)
{
    (void)conf;
    (void)redacting;
}

void esp_tls_mbedtls_debug_level(int level)
{
    (void)level;
}
#endif

esp_err_t esp_tls_mbedtls_fail(esp_tls_t *tls, const char *what, int ret, esp_err_t code,
                               const char *hint)
{
    char msg[128];
    ESP_LOGE("esp-tls-mbedtls", "%s returned -0x%04X (%s)%s%s", what, (unsigned)-ret,
             esp_tls_mbedtls_strerror(ret, msg, sizeof(msg)), hint ? ": " : "", hint ? hint : "");
    esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_MBEDTLS, -ret);
    return code;
}

const char *esp_tls_mbedtls_strerror(int code, char *buf, size_t len)
{
    mbedtls_strerror(code, buf, len);
    return buf;
}
