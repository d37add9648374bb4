// SPDX-License-Identifier: Apache-2.0
/* Parsing the binary partition table (partition_table.c). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../flash/flash_internal.h"

/**
 * Parse the table at @p table into @p out (room for ESP_PARTITION_TABLE_MAX_ENTRIES).
 * @return ESP_OK, or ESP_ERR_INVALID_STATE (bad magic, bad MD5, entry beyond the flash),
 *         with a log line naming the cause
 */
esp_err_t flash_parse_table(const uint8_t *table, size_t flash_len, esp_partition_t *out,
                            size_t *count);
