// SPDX-License-Identifier: Apache-2.0
/*
 * On-flash formats of the partition table and of the OTA data partition, as ESP-IDF v5.5.5
 * defines them (components/bootloader_support): every field little-endian, as on a chip.
 *
 * Partition table at 0x8000: 32-byte entries (magic 0x50AA), optionally followed by an MD5
 * entry (magic 0xEBEB, 14 bytes 0xFF, then the MD5 of all preceding entries), ended by an
 * entry of 0xFF bytes; at most 0xC00 bytes.
 *
 * OTA data ("otadata", data/ota, two 4 KB sectors): each sector starts with one
 * esp_ota_select_entry_t. An entry is valid if ota_seq != 0xFFFFFFFF and crc is the CRC-32
 * of the 4 bytes of ota_seq (standard reflected CRC-32, polynomial 0xEDB88320, initial value
 * 0xFFFFFFFF passed to a CRC function that inverts on entry and exit: zlib's
 * crc32(0xFFFFFFFF, &ota_seq, 4)). The valid entry with the highest ota_seq selects the boot
 * partition: ota_<(ota_seq - 1) % number of OTA app partitions>; no valid entry: factory.
 */
#pragma once

#include <stdint.h>

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Magic of a partition table entry. */
#define ESP_PARTITION_MAGIC 0x50AA
/** Magic of the MD5 entry. */
#define ESP_PARTITION_MAGIC_MD5 0xEBEB
/** Where the table is (CONFIG_PARTITION_TABLE_OFFSET). */
#define ESP_PARTITION_TABLE_OFFSET 0x8000
/** The table's maximum length. */
#define ESP_PARTITION_TABLE_MAX_LEN 0xC00
/** The most entries a table holds. */
#define ESP_PARTITION_TABLE_MAX_ENTRIES (ESP_PARTITION_TABLE_MAX_LEN / 32)
/** Entry flag: encrypted. */
#define PART_FLAG_ENCRYPTED (1 << 0)
/** Entry flag: read-only. */
#define PART_FLAG_READONLY (1 << 1)

/** OTA image states (ota_state of esp_ota_select_entry_t). */
typedef enum {
    ESP_OTA_IMG_NEW = 0x0U,             /**< new, not yet booted */
    ESP_OTA_IMG_PENDING_VERIFY = 0x1U,  /**< booted once, not yet confirmed */
    ESP_OTA_IMG_VALID = 0x2U,           /**< confirmed */
    ESP_OTA_IMG_INVALID = 0x3U,         /**< rejected */
    ESP_OTA_IMG_ABORTED = 0x4U,         /**< not confirmed before a reboot */
    ESP_OTA_IMG_UNDEFINED = 0xFFFFFFFFU /**< rollback not used */
} esp_ota_img_states_t;

/** One OTA data slot (32 bytes, at the start of each otadata sector). */
typedef struct {
    uint32_t ota_seq;      /**< sequence number, 0xFFFFFFFF when erased */
    uint8_t seq_label[20]; /**< unused (0xFF) */
    uint32_t ota_state;    /**< esp_ota_img_states_t */
    uint32_t crc;          /**< CRC-32 of ota_seq only */
} esp_ota_select_entry_t;

/** Position of a partition. */
typedef struct {
    uint32_t offset; /**< start address */
    uint32_t size;   /**< size */
} esp_partition_pos_t;

/** One partition table entry (32 bytes). */
typedef struct {
    uint16_t magic;          /**< ESP_PARTITION_MAGIC */
    uint8_t type;            /**< esp_partition_type_t */
    uint8_t subtype;         /**< esp_partition_subtype_t */
    esp_partition_pos_t pos; /**< where */
    uint8_t label[16];       /**< label, zero-padded (not terminated when 16 long) */
    uint32_t flags;          /**< PART_FLAG_* */
} esp_partition_info_t;

#ifdef __cplusplus
}
#endif
