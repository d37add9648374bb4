// SPDX-License-Identifier: Apache-2.0
/*
 * The emulated flash between its two files: flash_file.c (the mapped file) and
 * partition.c (the partition table and the partition API). Used by src/ota/.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "esp_flash_partitions.h"
#include "esp_partition.h"

/** Size of an OTA data slot copy kept from the moment the flash was first loaded. */
#define FLASH_OTADATA_SNAPSHOT_LEN (2 * sizeof(esp_ota_select_entry_t))

/** Base address of the mapped flash (maps it on first use), or NULL on failure. */
uint8_t *flash_base(void);

/** Size of the mapped flash in bytes (0 if unmapped). */
size_t flash_size(void);

/** Called by flash_file.c before it unmaps: forget the partition table. */
void flash_partitions_forget(void);

/**
 * Write the built-in "factory app, two OTA definitions" table (with its MD5 entry, then 0xFF)
 * into @p out (ESP_PARTITION_TABLE_MAX_LEN bytes).
 */
void flash_default_table(uint8_t *out);

/**
 * Create @p path as an erased 4 MB flash holding the built-in table, unless it exists.
 * @return ESP_OK, ESP_ERR_NOT_FINISHED if it cannot be created
 */
esp_err_t flash_file_create_default(const char *path);

/**
 * The first entries of both otadata sectors as they were when the table was first loaded
 * in this process (what the bootloader saw), or NULL if there is no otadata partition.
 */
const esp_ota_select_entry_t *flash_boot_otadata(void);
