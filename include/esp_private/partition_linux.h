// SPDX-License-Identifier: Apache-2.0
/*
 * The file behind the emulated SPI flash, with the names of ESP-IDF v5.5.5's Linux target
 * (components/esp_partition, host tests): host tests written for ESP-IDF that set the flash
 * file, its size or a partition-table file compile and behave the same here.
 *
 * Rules (as on ESP-IDF's Linux target):
 *  - flash_file_name set: that existing file is the flash (its size is the flash size);
 *    flash_file_size and partition_file_name must then be 0 / empty (ESP_ERR_INVALID_ARG).
 *  - otherwise a temporary file /tmp/idf-partition-XXXXXX is created, filled with 0xFF (erased
 *    NOR flash) and the partition table is copied to offset 0x8000. Either both
 *    flash_file_size and partition_file_name are given, or neither: then the flash is 4 MB
 *    and the table is the built-in "factory app, two OTA definitions" table (nvs 0x9000,
 *    otadata 0xd000, phy_init 0xf000, factory 0x10000, ota_0 0x110000, ota_1 0x210000).
 *  - remove_dump: the file is deleted by esp_partition_file_munmap().
 * The flash is mapped on the first call of a partition function (or esp_partition_file_mmap)
 * and the input structure is cleared once the mapping succeeds.
 */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default size of the emulated flash (4 MB). */
#define ESP_PARTITION_DEFAULT_EMULATED_FLASH_SIZE 0x400000
/** Sector size of the emulated flash (the erase unit). */
#define ESP_PARTITION_EMULATED_SECTOR_SIZE 0x1000

/** Control structure of the flash file (ESP-IDF's member names and order). */
typedef struct {
    char flash_file_name[PATH_MAX]; /*!< existing flash file to use, or "" for a temporary one */
    size_t flash_file_size;         /*!< size of a new flash file in bytes (with a table file) */
    char
        partition_file_name[PATH_MAX]; /*!< binary partition table copied to 0x8000 of a new file */
    bool remove_dump;                  /*!< delete the flash file in esp_partition_file_munmap() */
} esp_partition_file_mmap_ctrl_t;

/** Name of a partition type ("app", "data" or "unknown"). */
const char *esp_partition_type_to_str(const uint32_t type);

/** Name of a partition subtype of @p type ("factory", "data_ota", ... or "unknown"). */
const char *esp_partition_subtype_to_str(const uint32_t type, const uint32_t subtype);

/**
 * Map the flash file (creating it as described above) and return its first byte.
 * @return ESP_OK (also if already mapped), ESP_ERR_INVALID_ARG for a contradictory control
 *         structure, ESP_ERR_NOT_FOUND if the flash or partition-table file cannot be opened,
 *         ESP_ERR_INVALID_SIZE if the table does not fit, ESP_ERR_NOT_FINISHED / ESP_ERR_NO_MEM
 *         if the file cannot be created or mapped.
 */
esp_err_t esp_partition_file_mmap(const uint8_t **part_desc_addr_start);

/**
 * Unmap the flash file (partition pointers become invalid), deleting it if remove_dump is set.
 * @return ESP_OK, ESP_ERR_NO_MEM if nothing is mapped, ESP_ERR_INVALID_RESPONSE on an I/O error.
 */
esp_err_t esp_partition_file_munmap(void);

/** The structure read by the next esp_partition_file_mmap() (set it before the first use). */
esp_partition_file_mmap_ctrl_t *esp_partition_get_file_mmap_ctrl_input(void);

/** The settings in use: flash file name, size, partition-table file (all zero when unmapped). */
esp_partition_file_mmap_ctrl_t *esp_partition_get_file_mmap_ctrl_act(void);

#ifdef __cplusplus
}
#endif
