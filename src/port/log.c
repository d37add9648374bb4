// SPDX-License-Identifier: Apache-2.0
/*
 * esp_log: per-tag levels and a replaceable sink (stderr by default).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "esp_log.h"
#include "esp_tls_ext.h"

#ifndef CONFIG_LOG_DEFAULT_LEVEL
#define CONFIG_LOG_DEFAULT_LEVEL ESP_LOG_INFO
#endif

#define LOG_MAX_TAGS 32
#define LOG_TAG_LEN 32

typedef struct {
    char tag[LOG_TAG_LEN];
    esp_log_level_t level;
} log_tag_level_t;

static pthread_mutex_t s_log_lock = PTHREAD_MUTEX_INITIALIZER;
static log_tag_level_t s_tags[LOG_MAX_TAGS];
static int s_tag_count;
static esp_log_level_t s_default_level = (esp_log_level_t)CONFIG_LOG_DEFAULT_LEVEL;
static vprintf_like_t s_sink;

/* $ESP_TLS_LOG ("tag:level,..."), applied once, at the first level query or change (every log
 * line queries the level), not at load time: a level the program sets itself comes later and
 * overrides it. esp_tls_log_configure() sets levels through esp_log_level_set(), hence the
 * per-thread flag that keeps the once routine from being entered again from within. */
static pthread_once_t s_env_once = PTHREAD_ONCE_INIT;
static _Thread_local bool s_env_applying;

static void log_from_env(void)
{
    const char *env = getenv("ESP_TLS_LOG");
    if (env != NULL && env[0] != '\0') {
        s_env_applying = true;
        (void)esp_tls_log_configure(env);
        s_env_applying = false;
    }
}

static void env_once(void)
{
    if (!s_env_applying) {
        pthread_once(&s_env_once, log_from_env);
    }
}

static int stderr_vprintf(const char *format, va_list args)
{
    return vfprintf(stderr, format, args);
}

static int find_tag(const char *tag)
{
    for (int i = 0; i < s_tag_count; i++) {
        if (strcmp(s_tags[i].tag, tag) == 0) {
            return i;
        }
    }
    return -1;
}

void esp_log_level_set(const char *tag, esp_log_level_t level)
{
    if (tag == NULL) {
        return;
    }
    env_once();
    pthread_mutex_lock(&s_log_lock);
    if (strcmp(tag, "*") == 0) {
        s_default_level = level;
        s_tag_count = 0;
    } else {
        int i = find_tag(tag);
        if (i < 0 && s_tag_count < LOG_MAX_TAGS) {
            i = s_tag_count++;
            snprintf(s_tags[i].tag, sizeof(s_tags[i].tag), "%s", tag);
        }
        if (i >= 0) {
            s_tags[i].level = level;
        }
    }
    pthread_mutex_unlock(&s_log_lock);
}

esp_log_level_t esp_log_level_get(const char *tag)
{
    env_once();
    pthread_mutex_lock(&s_log_lock);
    int i = tag ? find_tag(tag) : -1;
    esp_log_level_t level = i >= 0 ? s_tags[i].level : s_default_level;
    pthread_mutex_unlock(&s_log_lock);
    return level;
}

vprintf_like_t esp_log_set_vprintf(vprintf_like_t func)
{
    pthread_mutex_lock(&s_log_lock);
    vprintf_like_t old = s_sink ? s_sink : stderr_vprintf;
    s_sink = func;
    pthread_mutex_unlock(&s_log_lock);
    return old;
}

uint32_t esp_log_timestamp(void)
{
    static int64_t s_start_ms;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (s_start_ms == 0) {
        s_start_ms = now;
    }
    return (uint32_t)(now - s_start_ms);
}

static char level_letter(esp_log_level_t level)
{
    static const char letters[] = "NEWIDV";
    return (level >= ESP_LOG_NONE && level <= ESP_LOG_VERBOSE) ? letters[level] : '?';
}

/* Calls the sink with a format and variadic arguments. */
static void sink_printf(vprintf_like_t sink, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    sink(format, args);
    va_end(args);
}

void esp_log_writev(esp_log_level_t level, const char *tag, const char *format, va_list args)
{
    if (level == ESP_LOG_NONE || tag == NULL || level > esp_log_level_get(tag)) {
        return;
    }
    pthread_mutex_lock(&s_log_lock);
    vprintf_like_t sink = s_sink ? s_sink : stderr_vprintf;
    pthread_mutex_unlock(&s_log_lock);
    /* One line, built once so that concurrent writers do not interleave mid-line. */
    char line[1024];
    int n = snprintf(line, sizeof(line), "%c (%u) %s: ", level_letter(level),
                     (unsigned)esp_log_timestamp(), tag);
    if (n > 0 && (size_t)n < sizeof(line)) {
        vsnprintf(line + n, sizeof(line) - (size_t)n, format, args);
    }
    sink_printf(sink, "%s\n", line);
}

void esp_log_write(esp_log_level_t level, const char *tag, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    esp_log_writev(level, tag, format, args);
    va_end(args);
}

void esp_log_buffer_hex_internal(const char *tag, const void *buf, uint16_t len,
                                 esp_log_level_t level)
{
    const unsigned char *p = buf;
    for (uint16_t off = 0; off < len; off += 16) {
        char hex[16 * 3 + 1];
        size_t used = 0;
        for (uint16_t i = off; i < len && i < off + 16; i++) {
            used += (size_t)snprintf(hex + used, sizeof(hex) - used, "%02x ", p[i]);
        }
        esp_log_write(level, tag, "%s", hex);
    }
}
