// SPDX-License-Identifier: Apache-2.0
/*
 * The binary partition table at 0x8000 (esp_flash_partitions.h): parsed as ESP-IDF does
 * (entries of magic 0x50AA, an optional MD5 entry checked against the preceding entries, end
 * at an erased entry), and the built-in "factory app, two OTA definitions" table used when no
 * table file is given. MD5 comes from Mbed TLS, which the library already links.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../flash/partition_table.h"
#include "esp_log.h"
#include "esp_private/partition_linux.h"
#include "mbedtls/md5.h"

static const char *TAG = "partition";

#define ENTRY_LEN ((size_t)sizeof(esp_partition_info_t))

_Static_assert(sizeof(esp_partition_info_t) == 32, "partition table entries are 32 bytes");
_Static_assert(sizeof(esp_ota_select_entry_t) == 32, "otadata entries are 32 bytes");

typedef struct {
    const char *label;
    uint8_t type;
    uint8_t subtype;
    uint32_t offset;
    uint32_t size;
} default_entry_t;

/* ESP-IDF's partitions_two_ota.csv, placed at the offsets its generator computes. */
static const default_entry_t k_two_ota[] = {
    {"nvs", ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_NVS, 0x9000, 0x4000},
    {"otadata", ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_OTA, 0xd000, 0x2000},
    {"phy_init", ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_PHY, 0xf000, 0x1000},
    {"factory", ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_APP_FACTORY, 0x10000, 0x100000},
    {"ota_0", ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_APP_OTA_0, 0x110000, 0x100000},
    {"ota_1", ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_APP_OTA_1, 0x210000, 0x100000},
};

static void put_entry(uint8_t *out, const default_entry_t *e)
{
    esp_partition_info_t info;
    memset(&info, 0, sizeof(info));
    info.magic = ESP_PARTITION_MAGIC;
    info.type = e->type;
    info.subtype = e->subtype;
    info.pos.offset = e->offset;
    info.pos.size = e->size;
    memcpy(info.label, e->label, strlen(e->label));
    memcpy(out, &info, sizeof(info));
}

static void md5_of(const uint8_t *data, size_t len, uint8_t digest[16])
{
    mbedtls_md5(data, len, digest);
}

void flash_default_table(uint8_t *out)
{
    memset(out, 0xFF, ESP_PARTITION_TABLE_MAX_LEN);
    size_t n = sizeof(k_two_ota) / sizeof(k_two_ota[0]);
    for (size_t i = 0; i < n; i++) {
        put_entry(out + i * ENTRY_LEN, &k_two_ota[i]);
    }
    uint8_t *md5 = out + n * ENTRY_LEN;
    md5[0] = 0xEB;
    md5[1] = 0xEB;
    md5_of(out, n * ENTRY_LEN, md5 + 16);
}

static void to_partition(const esp_partition_info_t *info, esp_partition_t *p)
{
    memset(p, 0, sizeof(*p));
    p->flash_chip = NULL;
    p->type = (esp_partition_type_t)info->type;
    p->subtype = (esp_partition_subtype_t)info->subtype;
    p->address = info->pos.offset;
    p->size = info->pos.size;
    p->erase_size = ESP_PARTITION_EMULATED_SECTOR_SIZE;
    memcpy(p->label, info->label, sizeof(info->label));
    p->label[sizeof(info->label)] = '\0';
    p->encrypted = false; /* no flash encryption on a host */
    p->readonly = (info->flags & PART_FLAG_READONLY) != 0;
}

static bool md5_matches(const uint8_t *table, size_t entries_len)
{
    uint8_t digest[16];
    md5_of(table, entries_len, digest);
    return memcmp(digest, table + entries_len + 16, sizeof(digest)) == 0;
}

static bool fits(const esp_partition_info_t *info, size_t flash_len)
{
    return info->pos.offset <= flash_len && info->pos.size <= flash_len - info->pos.offset;
}

esp_err_t flash_parse_table(const uint8_t *table, size_t flash_len, esp_partition_t *out,
                            size_t *count)
{
    *count = 0;
    for (size_t i = 0; i < ESP_PARTITION_TABLE_MAX_ENTRIES; i++) {
        esp_partition_info_t info;
        memcpy(&info, table + i * ENTRY_LEN, sizeof(info));
        if (info.magic == 0xFFFF) {
            return ESP_OK;
        }
        if (info.magic == ESP_PARTITION_MAGIC_MD5) {
            if (!md5_matches(table, i * ENTRY_LEN)) {
                ESP_LOGE(TAG, "partition table: incorrect MD5 checksum");
                return ESP_ERR_INVALID_STATE;
            }
            continue;
        }
        if (info.magic != ESP_PARTITION_MAGIC) {
            ESP_LOGE(TAG, "partition table: entry %zu has invalid magic 0x%04x", i, info.magic);
            return ESP_ERR_INVALID_STATE;
        }
        if (!fits(&info, flash_len)) {
            ESP_LOGE(TAG, "partition table: entry %zu (0x%x + 0x%x) is beyond the %zu-byte flash",
                     i, (unsigned)info.pos.offset, (unsigned)info.pos.size, flash_len);
            return ESP_ERR_INVALID_STATE;
        }
        to_partition(&info, &out[(*count)++]);
    }
    return ESP_OK;
}

const char *esp_partition_type_to_str(const uint32_t type)
{
    switch (type) {
    case ESP_PARTITION_TYPE_APP: return "app";
    case ESP_PARTITION_TYPE_DATA: return "data";
    default: return "unknown";
    }
}

static const char *app_subtype_str(uint32_t subtype)
{
    if (subtype == ESP_PARTITION_SUBTYPE_APP_FACTORY) {
        return "factory";
    }
    if (subtype >= ESP_PARTITION_SUBTYPE_APP_OTA_MIN &&
        subtype < ESP_PARTITION_SUBTYPE_APP_OTA_MAX) {
        return "ota";
    }
    return subtype == ESP_PARTITION_SUBTYPE_APP_TEST ? "test" : "unknown";
}

static const char *data_subtype_str(uint32_t subtype)
{
    switch (subtype) {
    case ESP_PARTITION_SUBTYPE_DATA_OTA: return "data_ota";
    case ESP_PARTITION_SUBTYPE_DATA_PHY: return "data_rf";
    case ESP_PARTITION_SUBTYPE_DATA_NVS: return "nvs";
    case ESP_PARTITION_SUBTYPE_DATA_COREDUMP: return "coredump";
    case ESP_PARTITION_SUBTYPE_DATA_NVS_KEYS: return "nvs_keys";
    case ESP_PARTITION_SUBTYPE_DATA_EFUSE_EM: return "efuse_em";
    case ESP_PARTITION_SUBTYPE_DATA_FAT: return "fat";
    case ESP_PARTITION_SUBTYPE_DATA_SPIFFS: return "spiffs";
    case ESP_PARTITION_SUBTYPE_DATA_LITTLEFS: return "littlefs";
    default: return "unknown";
    }
}

const char *esp_partition_subtype_to_str(const uint32_t type, const uint32_t subtype)
{
    switch (type) {
    case ESP_PARTITION_TYPE_APP: return app_subtype_str(subtype);
    case ESP_PARTITION_TYPE_DATA: return data_subtype_str(subtype);
    default: return "unknown";
    }
}
