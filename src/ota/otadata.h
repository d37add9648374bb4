// SPDX-License-Identifier: Apache-2.0
/*
 * The OTA data partition (esp_flash_partitions.h): its two slots, their CRC, which slot is
 * active, which app partition it selects, and writing a new selection.
 */
#pragma once

#include <stdint.h>

#include "esp_flash_partitions.h"
#include "esp_partition.h"

/** CRC-32 of the entry's ota_seq, as the bootloader computes it. */
uint32_t otadata_crc(const esp_ota_select_entry_t *e);

/** true if the entry is in use and its CRC matches. */
bool otadata_entry_valid(const esp_ota_select_entry_t *e);

/** Index (0 or 1) of the valid entry with the highest sequence number, or -1. */
int otadata_active(const esp_ota_select_entry_t two[2]);

/** The otadata partition, or NULL. */
const esp_partition_t *otadata_partition(void);

/** Number of OTA app partitions (ota_0 ... ota_15) in the table. */
uint8_t otadata_app_count(void);

/** The app partition the entries select (factory, or ota_0 without factory), or NULL. */
const esp_partition_t *otadata_selected(const esp_ota_select_entry_t two[2]);

/** Read both entries from the otadata partition. */
esp_err_t otadata_read(const esp_partition_t *otadata, esp_ota_select_entry_t two[2]);

/** Index (0 or 1) of the valid entry that selects OTA slot @p slot, or -1. */
int otadata_entry_of_slot(const esp_ota_select_entry_t two[2], uint32_t slot);

/** Rewrite entry @p index (sector erased, entry written) with state @p state. */
esp_err_t otadata_set_state(const esp_partition_t *otadata, esp_ota_select_entry_t two[2],
                            int index, uint32_t state);

/** Select OTA app slot @p slot (0-based) by writing the next sequence number. */
esp_err_t otadata_select_slot(const esp_partition_t *otadata, uint32_t slot);
