// SPDX-License-Identifier: Apache-2.0
/*
 * Partition API of ESP-IDF v5.5.5 (components/esp_partition) on the emulated flash file of
 * esp_private/partition_linux.h: names, enum values, struct member order and error codes of
 * ESP-IDF. Offsets are relative to the partition. Erased flash reads 0xFF; a write can only
 * clear bits, as on NOR flash: writing a 1 over a 0 fails with ESP_ERR_FLASH_OP_FAIL and the
 * log line "invalid flash operation detected" (as ESP-IDF's Linux target does).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ESP_ERR_FLASH_OP_FAIL
#define ESP_ERR_FLASH_OP_FAIL (ESP_ERR_FLASH_BASE + 1)    /**< flash operation failed */
#define ESP_ERR_FLASH_OP_TIMEOUT (ESP_ERR_FLASH_BASE + 2) /**< flash operation timed out */
#endif
#ifndef ESP_ERR_IMAGE_BASE
#define ESP_ERR_IMAGE_BASE 0x2000                         /**< app image errors */
#define ESP_ERR_IMAGE_FLASH_FAIL (ESP_ERR_IMAGE_BASE + 1) /**< flash read failed */
#define ESP_ERR_IMAGE_INVALID (ESP_ERR_IMAGE_BASE + 2)    /**< not a valid app image */
#endif

/** Where esp_partition_mmap() maps a partition (one address space on a host). */
typedef enum {
    ESP_PARTITION_MMAP_DATA, /**< data memory */
    ESP_PARTITION_MMAP_INST, /**< instruction memory */
} esp_partition_mmap_memory_t;

/** Handle of a mapping made by esp_partition_mmap(). */
typedef uint32_t esp_partition_mmap_handle_t;

/** Partition type. */
typedef enum {
    ESP_PARTITION_TYPE_APP = 0x00,             /**< application */
    ESP_PARTITION_TYPE_DATA = 0x01,            /**< data */
    ESP_PARTITION_TYPE_BOOTLOADER = 0x02,      /**< bootloader */
    ESP_PARTITION_TYPE_PARTITION_TABLE = 0x03, /**< partition table */
    ESP_PARTITION_TYPE_ANY = 0xff,             /**< any type (searches) */
} esp_partition_type_t;

/** Partition subtype. */
typedef enum {
    ESP_PARTITION_SUBTYPE_BOOTLOADER_PRIMARY = 0x00,
    ESP_PARTITION_SUBTYPE_BOOTLOADER_OTA = 0x01,
    ESP_PARTITION_SUBTYPE_BOOTLOADER_RECOVERY = 0x02,
    ESP_PARTITION_SUBTYPE_PARTITION_TABLE_PRIMARY = 0x00,
    ESP_PARTITION_SUBTYPE_PARTITION_TABLE_OTA = 0x01,
    ESP_PARTITION_SUBTYPE_APP_FACTORY = 0x00,
    ESP_PARTITION_SUBTYPE_APP_OTA_MIN = 0x10,
    ESP_PARTITION_SUBTYPE_APP_OTA_0 = ESP_PARTITION_SUBTYPE_APP_OTA_MIN + 0,
    ESP_PARTITION_SUBTYPE_APP_OTA_1 = ESP_PARTITION_SUBTYPE_APP_OTA_MIN + 1,
    ESP_PARTITION_SUBTYPE_APP_OTA_2 = ESP_PARTITION_SUBTYPE_APP_OTA_MIN + 2,
    ESP_PARTITION_SUBTYPE_APP_OTA_3 = ESP_PARTITION_SUBTYPE_APP_OTA_MIN + 3,
    ESP_PARTITION_SUBTYPE_APP_OTA_4 = ESP_PARTITION_SUBTYPE_APP_OTA_MIN + 4,
    ESP_PARTITION_SUBTYPE_APP_OTA_5 = ESP_PARTITION_SUBTYPE_APP_OTA_MIN + 5,
    ESP_PARTITION_SUBTYPE_APP_OTA_6 = ESP_PARTITION_SUBTYPE_APP_OTA_MIN + 6,
    ESP_PARTITION_SUBTYPE_APP_OTA_7 = ESP_PARTITION_SUBTYPE_APP_OTA_MIN + 7,
    ESP_PARTITION_SUBTYPE_APP_OTA_8 = ESP_PARTITION_SUBTYPE_APP_OTA_MIN + 8,
    ESP_PARTITION_SUBTYPE_APP_OTA_9 = ESP_PARTITION_SUBTYPE_APP_OTA_MIN + 9,
    ESP_PARTITION_SUBTYPE_APP_OTA_10 = ESP_PARTITION_SUBTYPE_APP_OTA_MIN + 10,
    ESP_PARTITION_SUBTYPE_APP_OTA_11 = ESP_PARTITION_SUBTYPE_APP_OTA_MIN + 11,
    ESP_PARTITION_SUBTYPE_APP_OTA_12 = ESP_PARTITION_SUBTYPE_APP_OTA_MIN + 12,
    ESP_PARTITION_SUBTYPE_APP_OTA_13 = ESP_PARTITION_SUBTYPE_APP_OTA_MIN + 13,
    ESP_PARTITION_SUBTYPE_APP_OTA_14 = ESP_PARTITION_SUBTYPE_APP_OTA_MIN + 14,
    ESP_PARTITION_SUBTYPE_APP_OTA_15 = ESP_PARTITION_SUBTYPE_APP_OTA_MIN + 15,
    ESP_PARTITION_SUBTYPE_APP_OTA_MAX = ESP_PARTITION_SUBTYPE_APP_OTA_MIN + 16,
    ESP_PARTITION_SUBTYPE_APP_TEST = 0x20,
    ESP_PARTITION_SUBTYPE_DATA_OTA = 0x00,
    ESP_PARTITION_SUBTYPE_DATA_PHY = 0x01,
    ESP_PARTITION_SUBTYPE_DATA_NVS = 0x02,
    ESP_PARTITION_SUBTYPE_DATA_COREDUMP = 0x03,
    ESP_PARTITION_SUBTYPE_DATA_NVS_KEYS = 0x04,
    ESP_PARTITION_SUBTYPE_DATA_EFUSE_EM = 0x05,
    ESP_PARTITION_SUBTYPE_DATA_UNDEFINED = 0x06,
    ESP_PARTITION_SUBTYPE_DATA_ESPHTTPD = 0x80,
    ESP_PARTITION_SUBTYPE_DATA_FAT = 0x81,
    ESP_PARTITION_SUBTYPE_DATA_SPIFFS = 0x82,
    ESP_PARTITION_SUBTYPE_DATA_LITTLEFS = 0x83,
    ESP_PARTITION_SUBTYPE_ANY = 0xff,
} esp_partition_subtype_t;

/** Subtype of the i-th OTA app partition. */
#define PART_SUBTYPE_OTA(i)                                                                        \
    ((esp_partition_subtype_t)(ESP_PARTITION_SUBTYPE_APP_OTA_MIN + ((i)&0xf)))

/** Opaque iterator of esp_partition_find(). */
typedef struct esp_partition_iterator_opaque_ *esp_partition_iterator_t;

/** Flash chip (only the main flash exists on a host: flash_chip is NULL). */
typedef struct esp_flash_t esp_flash_t;

/** A partition (ESP-IDF's member order). */
typedef struct {
    esp_flash_t *flash_chip;         /**< NULL: the main (emulated) flash */
    esp_partition_type_t type;       /**< type */
    esp_partition_subtype_t subtype; /**< subtype */
    uint32_t address;                /**< start address in the flash */
    uint32_t size;                   /**< size in bytes */
    uint32_t erase_size;             /**< erase unit (0x1000) */
    char label[17];                  /**< zero-terminated label */
    bool encrypted;                  /**< always false on a host */
    bool readonly;                   /**< the table's readonly flag */
} esp_partition_t;

/**
 * Iterator over the partitions matching @p type, @p subtype (ESP_PARTITION_SUBTYPE_ANY for
 * all) and @p label (NULL for any), in table order. With ESP_PARTITION_TYPE_ANY the subtype
 * must be ESP_PARTITION_SUBTYPE_ANY.
 * @return an iterator to release with esp_partition_iterator_release(), or NULL if none match
 */
esp_partition_iterator_t esp_partition_find(esp_partition_type_t type,
                                            esp_partition_subtype_t subtype, const char *label);

/** First partition matching as esp_partition_find(), or NULL. */
const esp_partition_t *esp_partition_find_first(esp_partition_type_t type,
                                                esp_partition_subtype_t subtype, const char *label);

/** Partition the iterator points at (iterator must not be NULL). */
const esp_partition_t *esp_partition_get(esp_partition_iterator_t iterator);

/**
 * Advance the iterator; when nothing follows it is released and NULL is returned.
 */
esp_partition_iterator_t esp_partition_next(esp_partition_iterator_t iterator);

/** Release an iterator (NULL is accepted). */
void esp_partition_iterator_release(esp_partition_iterator_t iterator);

/**
 * The partition of the table equal to @p partition (address, size, type, subtype and label
 * if set), or NULL.
 */
const esp_partition_t *esp_partition_verify(const esp_partition_t *partition);

/**
 * Read @p size bytes at @p src_offset.
 * @return ESP_OK; ESP_ERR_INVALID_ARG if src_offset is beyond the partition;
 *         ESP_ERR_INVALID_SIZE if the range ends beyond it.
 */
esp_err_t esp_partition_read(const esp_partition_t *partition, size_t src_offset, void *dst,
                             size_t size);

/**
 * Write @p size bytes at @p dst_offset (the range must have been erased).
 * @return ESP_OK; ESP_ERR_INVALID_ARG / ESP_ERR_INVALID_SIZE as esp_partition_read();
 *         ESP_ERR_NOT_ALLOWED on a read-only partition; ESP_ERR_FLASH_OP_FAIL if a bit would
 *         go from 0 to 1.
 */
esp_err_t esp_partition_write(const esp_partition_t *partition, size_t dst_offset, const void *src,
                              size_t size);

/** esp_partition_read() without flash decryption (the same on a host). */
esp_err_t esp_partition_read_raw(const esp_partition_t *partition, size_t src_offset, void *dst,
                                 size_t size);

/** esp_partition_write() without flash encryption (the same on a host). */
esp_err_t esp_partition_write_raw(const esp_partition_t *partition, size_t dst_offset,
                                  const void *src, size_t size);

/**
 * Erase (set to 0xFF) @p size bytes at @p offset, both multiples of the erase size (0x1000).
 * @return ESP_OK; ESP_ERR_INVALID_ARG if offset is unaligned or beyond the partition;
 *         ESP_ERR_INVALID_SIZE if size is unaligned or the range ends beyond the partition;
 *         ESP_ERR_NOT_ALLOWED on a read-only partition.
 */
esp_err_t esp_partition_erase_range(const esp_partition_t *partition, size_t offset, size_t size);

/**
 * Pointer to the partition's bytes in the mapped flash file (read-only use).
 * @return ESP_OK, ESP_ERR_INVALID_ARG / ESP_ERR_INVALID_SIZE as esp_partition_read()
 */
esp_err_t esp_partition_mmap(const esp_partition_t *partition, size_t offset, size_t size,
                             esp_partition_mmap_memory_t memory, const void **out_ptr,
                             esp_partition_mmap_handle_t *out_handle);

/** Release a mapping of esp_partition_mmap() (nothing to do on a host). */
void esp_partition_munmap(esp_partition_mmap_handle_t handle);

/**
 * SHA-256 of the whole partition (ESP-IDF hashes only the image of an app partition: see
 * docs/COMPAT.md).
 * @return ESP_OK or ESP_ERR_INVALID_ARG
 */
esp_err_t esp_partition_get_sha256(const esp_partition_t *partition, uint8_t *sha_256);

/** true if both partitions hold the same bytes (compared by esp_partition_get_sha256()). */
bool esp_partition_check_identity(const esp_partition_t *partition_1,
                                  const esp_partition_t *partition_2);

/** Erase unit of the main flash (0x1000). */
uint32_t esp_partition_get_main_flash_sector_size(void);

/** Forget the loaded partition table (pointers become invalid; the file stays mapped). */
void esp_partition_unload_all(void);

#ifdef __cplusplus
}
#endif
