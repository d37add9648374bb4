/**
 * @file esp_tls_ext.h
 * @brief POSIX extras that ESP-IDF's esp-tls does not have.
 */
#pragma once

#include <stddef.h>

#include "esp_tls.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Heap used by the library (esp-tls and Mbed TLS), process-wide. */
typedef struct {
    size_t current_bytes; /**< Bytes allocated now */
    size_t peak_bytes;    /**< Highest value of current_bytes since start or the last reset */
    size_t allocations;   /**< Number of allocations since start */
} esp_tls_mem_stats_t;

/** @brief Read the allocation counters. Counting starts with the first esp_tls_init(). */
void esp_tls_get_mem_stats(esp_tls_mem_stats_t *stats);

/** @brief Restart peak tracking from the current usage. */
void esp_tls_reset_mem_peak(void);

#ifdef __cplusplus
}
#endif
