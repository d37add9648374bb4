// SPDX-License-Identifier: Apache-2.0
/**
 * @file esp_log.h
 * @brief ESP-IDF compatible logging: tags, levels, esp_log_level_set() and a stderr sink.
 *
 * Lines look like ESP-IDF's: "E (1234) esp-tls: message". The run-time level of a tag
 * starts at CONFIG_LOG_DEFAULT_LEVEL ("Component config -> Log output"); LOG_LOCAL_LEVEL
 * removes more verbose calls at compile time.
 */
#pragma once

#include <stdarg.h>
#include <stdint.h>

#include "sdkconfig.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Log levels, in ESP-IDF's order and values. */
typedef enum {
    ESP_LOG_NONE = 0,    /**< No output */
    ESP_LOG_ERROR = 1,   /**< Errors the program cannot recover from in this call */
    ESP_LOG_WARN = 2,    /**< Conditions that may be a problem */
    ESP_LOG_INFO = 3,    /**< Normal events */
    ESP_LOG_DEBUG = 4,   /**< Details for debugging */
    ESP_LOG_VERBOSE = 5, /**< Everything */
} esp_log_level_t;

/** A vprintf()-like sink for log output. */
typedef int (*vprintf_like_t)(const char *format, va_list args);

/**
 * @brief Set the run-time level of @p tag; "*" sets the default for every tag.
 *
 * Setting "*" also resets the tags set before it, as in ESP-IDF.
 */
void esp_log_level_set(const char *tag, esp_log_level_t level);

/** @brief The run-time level that applies to @p tag. */
esp_log_level_t esp_log_level_get(const char *tag);

/**
 * @brief Replace the sink (default: vfprintf to stderr).
 * @return the previous sink
 */
vprintf_like_t esp_log_set_vprintf(vprintf_like_t func);

/** @brief Milliseconds since the first log call (monotonic clock). */
uint32_t esp_log_timestamp(void);

/** @brief Write one message if @p level is enabled for @p tag. The format has no newline. */
void esp_log_write(esp_log_level_t level, const char *tag, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/** @brief va_list form of esp_log_write(). */
void esp_log_writev(esp_log_level_t level, const char *tag, const char *format, va_list args);

/** @brief Log @p len bytes of @p buf as hex lines at @p level. */
void esp_log_buffer_hex_internal(const char *tag, const void *buf, uint16_t len,
                                 esp_log_level_t level);

#ifndef LOG_LOCAL_LEVEL
#ifdef CONFIG_LOG_MAXIMUM_LEVEL
#define LOG_LOCAL_LEVEL CONFIG_LOG_MAXIMUM_LEVEL
#else
#define LOG_LOCAL_LEVEL ESP_LOG_VERBOSE
#endif
#endif

#define ESP_LOG_LEVEL_LOCAL(level, tag, format, ...)                                               \
    do {                                                                                           \
        if (LOG_LOCAL_LEVEL >= (level)) {                                                          \
            esp_log_write((level), (tag), format, ##__VA_ARGS__);                                  \
        }                                                                                          \
    } while (0)

#define ESP_LOGE(tag, format, ...) ESP_LOG_LEVEL_LOCAL(ESP_LOG_ERROR, tag, format, ##__VA_ARGS__)
#define ESP_LOGW(tag, format, ...) ESP_LOG_LEVEL_LOCAL(ESP_LOG_WARN, tag, format, ##__VA_ARGS__)
#define ESP_LOGI(tag, format, ...) ESP_LOG_LEVEL_LOCAL(ESP_LOG_INFO, tag, format, ##__VA_ARGS__)
#define ESP_LOGD(tag, format, ...) ESP_LOG_LEVEL_LOCAL(ESP_LOG_DEBUG, tag, format, ##__VA_ARGS__)
#define ESP_LOGV(tag, format, ...) ESP_LOG_LEVEL_LOCAL(ESP_LOG_VERBOSE, tag, format, ##__VA_ARGS__)

#define ESP_LOG_BUFFER_HEX_LEVEL(tag, buffer, buff_len, level)                                     \
    do {                                                                                           \
        if (LOG_LOCAL_LEVEL >= (level)) {                                                          \
            esp_log_buffer_hex_internal((tag), (buffer), (buff_len), (level));                     \
        }                                                                                          \
    } while (0)
#define ESP_LOG_BUFFER_HEX(tag, buffer, buff_len)                                                  \
    ESP_LOG_BUFFER_HEX_LEVEL(tag, buffer, buff_len, ESP_LOG_INFO)

#ifdef __cplusplus
}
#endif
