// SPDX-License-Identifier: Apache-2.0
/*
 * OTA data: two 32-byte entries at the start of the otadata partition's two sectors. The CRC
 * is four bytes of standard CRC-32 (reflected, polynomial 0xEDB88320), computed bit by bit
 * here: a library dependency (zlib) for one 4-byte checksum would cost more than it saves.
 */
#include <string.h>

#include "../port/guard.h"
#include "esp_log.h"
#include "otadata.h"

static const char *TAG = "esp_ota_ops";

#define SECTOR 0x1000u

/* The bootloader passes 0xFFFFFFFF as the running value of a CRC function that inverts on
 * entry and exit, so the register starts at 0 and the result is inverted. */
uint32_t otadata_crc(const esp_ota_select_entry_t *e)
{
    uint8_t bytes[4];
    memcpy(bytes, &e->ota_seq, sizeof(bytes));
    uint32_t reg = 0;
    for (size_t i = 0; i < sizeof(bytes); i++) {
        reg ^= bytes[i];
        for (int bit = 0; bit < 8; bit++) {
            reg = (reg >> 1) ^ (0xEDB88320u & (0u - (reg & 1u)));
        }
    }
    return ~reg;
}

bool otadata_entry_valid(const esp_ota_select_entry_t *e)
{
    return e->ota_seq != UINT32_MAX && e->crc == otadata_crc(e);
}

int otadata_active(const esp_ota_select_entry_t two[2])
{
    bool v0 = otadata_entry_valid(&two[0]);
    bool v1 = otadata_entry_valid(&two[1]);
    if (v0 && v1) {
        return two[1].ota_seq > two[0].ota_seq ? 1 : 0;
    }
    return v0 ? 0 : (v1 ? 1 : -1);
}

const esp_partition_t *otadata_partition(void)
{
    return esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_OTA, NULL);
}

uint8_t otadata_app_count(void)
{
    uint8_t n = 0;
    for (int i = 0; i < 16; i++) {
        if (esp_partition_find_first(ESP_PARTITION_TYPE_APP, PART_SUBTYPE_OTA(i), NULL) != NULL) {
            n++;
        }
    }
    return n;
}

static const esp_partition_t *fallback_app(void)
{
    const esp_partition_t *p =
        esp_partition_find_first(ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_APP_FACTORY, NULL);
    return p != NULL ? p
                     : esp_partition_find_first(ESP_PARTITION_TYPE_APP,
                                                ESP_PARTITION_SUBTYPE_APP_OTA_0, NULL);
}

const esp_partition_t *otadata_selected(const esp_ota_select_entry_t two[2])
{
    uint8_t count = otadata_app_count();
    int active = two != NULL ? otadata_active(two) : -1;
    if (active < 0 || count == 0) {
        return fallback_app();
    }
    uint32_t slot = (two[active].ota_seq - 1) % count;
    return esp_partition_find_first(ESP_PARTITION_TYPE_APP, PART_SUBTYPE_OTA(slot), NULL);
}

esp_err_t otadata_read(const esp_partition_t *otadata, esp_ota_select_entry_t two[2])
{
    ESP_GUARD(esp_partition_read(otadata, 0, &two[0], sizeof(two[0])));
    return esp_partition_read(otadata, SECTOR, &two[1], sizeof(two[1]));
}

int otadata_entry_of_slot(const esp_ota_select_entry_t two[2], uint32_t slot)
{
    uint8_t count = otadata_app_count();
    for (int i = 0; i < 2 && count > 0; i++) {
        if (otadata_entry_valid(&two[i]) && (two[i].ota_seq - 1) % count == slot) {
            return i;
        }
    }
    return -1;
}

esp_err_t otadata_set_state(const esp_partition_t *otadata, esp_ota_select_entry_t two[2],
                            int index, uint32_t state)
{
    two[index].ota_state = state;
    ESP_GUARD(esp_partition_erase_range(otadata, (uint32_t)index * SECTOR, SECTOR));
    return esp_partition_write(otadata, (uint32_t)index * SECTOR, &two[index], sizeof(two[index]));
}

/* The smallest sequence number >= @p current that selects @p slot. */
static uint32_t next_seq(uint32_t current, uint32_t slot, uint32_t count)
{
    uint32_t seq = (slot + 1) % count;
    while (seq < current) {
        seq += count;
    }
    return seq;
}

esp_err_t otadata_select_slot(const esp_partition_t *otadata, uint32_t slot)
{
    uint8_t count = otadata_app_count();
    ESP_ENSURE_LOG(count > 0 && slot < count, ESP_ERR_INVALID_ARG, "no OTA app slot %u",
                   (unsigned)slot);
    esp_ota_select_entry_t two[2];
    ESP_GUARD(otadata_read(otadata, two));
    int active = otadata_active(two);
    esp_ota_select_entry_t entry;
    memset(&entry, 0xFF, sizeof(entry));
    entry.ota_seq = active < 0 ? slot + 1 : next_seq(two[active].ota_seq, slot, count);
    entry.ota_state = ESP_OTA_IMG_UNDEFINED; /* no rollback (CONFIG_BOOTLOADER_APP_ROLLBACK) */
    entry.crc = otadata_crc(&entry);
    uint32_t target = active < 0 ? 0 : (uint32_t)(1 - active);
    ESP_GUARD(esp_partition_erase_range(otadata, target * SECTOR, SECTOR));
    esp_err_t rc = esp_partition_write(otadata, target * SECTOR, &entry, sizeof(entry));
    if (rc == ESP_OK) {
        ESP_LOGD(TAG, "otadata slot %u: seq %u selects ota_%u", (unsigned)target,
                 (unsigned)entry.ota_seq, (unsigned)slot);
    }
    return rc;
}
