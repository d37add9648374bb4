// SPDX-License-Identifier: Apache-2.0
/*
 * Shared by the flash and OTA unit tests: a fresh temporary flash per test (removed at the
 * end), and a log capture to assert which check produced an error.
 */
#pragma once

#include "unit_support.h"

#include "esp_log.h"
#include "esp_private/partition_linux.h"

static char g_log[8192];
static size_t g_log_len;

static inline int capture_log(const char *fmt, va_list ap)
{
    int n = vsnprintf(g_log + g_log_len, sizeof(g_log) - g_log_len, fmt, ap);
    if (n > 0) {
        g_log_len += (size_t)n;
        if (g_log_len >= sizeof(g_log)) {
            g_log_len = sizeof(g_log) - 1;
        }
    }
    return n;
}

static inline void log_capture_start(void)
{
    g_log_len = 0;
    g_log[0] = '\0';
    esp_log_set_vprintf(capture_log);
}

static inline void log_capture_stop(void)
{
    esp_log_set_vprintf(NULL);
}

#define assert_logged(text)                                                                        \
    do {                                                                                           \
        if (strstr(g_log, (text)) == NULL) {                                                       \
            fail_msg("log lacks \"%s\"; log was:\n%s", (text), g_log);                             \
        }                                                                                          \
    } while (0)

/* A fresh temporary 4 MB flash with the built-in table, deleted at teardown. */
static inline int fresh_flash(void **state)
{
    (void)state;
    esp_partition_file_mmap_ctrl_t *in = esp_partition_get_file_mmap_ctrl_input();
    memset(in, 0, sizeof(*in));
    in->remove_dump = true;
    const uint8_t *base = NULL;
    return esp_partition_file_mmap(&base) == ESP_OK && base != NULL ? 0 : -1;
}

static inline int drop_flash(void **state)
{
    (void)state;
    log_capture_stop();
    esp_partition_get_file_mmap_ctrl_input()->remove_dump = true;
    return esp_partition_file_munmap() == ESP_OK ? 0 : -1;
}
