// SPDX-License-Identifier: Apache-2.0
/*
 * OTA update API of ESP-IDF v5.5.5 (components/app_update) on the emulated flash of
 * esp_partition.h. The running partition is the boot partition at the moment this process
 * first used the flash (the factory app on a fresh flash): an update without a restart goes
 * where it would go on a chip that was not rebooted. Images are checked as ESP-IDF checks an
 * app image (see esp_app_format.h); signatures (secure boot) are not checked.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_app_desc.h"
#include "esp_err.h"
#include "esp_flash_partitions.h"
#include "esp_partition.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OTA_SIZE_UNKNOWN 0xffffffff           /**< erase the whole partition in esp_ota_begin */
#define OTA_WITH_SEQUENTIAL_WRITES 0xfffffffe /**< erase sector by sector while writing */

#define ESP_ERR_OTA_BASE 0x1500                                   /**< OTA error base */
#define ESP_ERR_OTA_PARTITION_CONFLICT (ESP_ERR_OTA_BASE + 0x01)  /**< is the running partition */
#define ESP_ERR_OTA_SELECT_INFO_INVALID (ESP_ERR_OTA_BASE + 0x02) /**< otadata invalid */
#define ESP_ERR_OTA_VALIDATE_FAILED (ESP_ERR_OTA_BASE + 0x03)     /**< image check failed */
#define ESP_ERR_OTA_SMALL_SEC_VER (ESP_ERR_OTA_BASE + 0x04)       /**< secure version too low */
#define ESP_ERR_OTA_ROLLBACK_FAILED (ESP_ERR_OTA_BASE + 0x05)     /**< no app to roll back to */
/** The rollback state is invalid. */
#define ESP_ERR_OTA_ROLLBACK_INVALID_STATE (ESP_ERR_OTA_BASE + 0x06)

/** Handle of an update in progress (never 0). */
typedef uint32_t esp_ota_handle_t;

/**
 * Start writing an image into @p partition (an OTA app partition, not the running one) and
 * erase it: @p image_size bytes rounded up to the sector size, the whole partition with
 * OTA_SIZE_UNKNOWN (or 0), or sector by sector while writing with OTA_WITH_SEQUENTIAL_WRITES.
 * @return ESP_OK; ESP_ERR_INVALID_ARG (NULL argument, not an OTA app partition);
 *         ESP_ERR_NOT_FOUND (not in the table); ESP_ERR_OTA_PARTITION_CONFLICT (running);
 *         ESP_ERR_INVALID_SIZE (image larger than the partition); ESP_ERR_NO_MEM
 */
esp_err_t esp_ota_begin(const esp_partition_t *partition, size_t image_size,
                        esp_ota_handle_t *out_handle);

/**
 * Append @p size bytes to the image. The first byte must be 0xE9.
 * @return ESP_OK; ESP_ERR_INVALID_ARG (unknown handle); ESP_ERR_OTA_VALIDATE_FAILED (first
 *         byte is not the image magic); ESP_ERR_INVALID_SIZE (beyond the partition);
 *         ESP_ERR_FLASH_OP_FAIL
 */
esp_err_t esp_ota_write(esp_ota_handle_t handle, const void *data, size_t size);

/**
 * Write @p size bytes at @p offset of the image (the area must be erased).
 * @return as esp_ota_write()
 */
esp_err_t esp_ota_write_with_offset(esp_ota_handle_t handle, const void *data, size_t size,
                                    uint32_t offset);

/**
 * Finish the update and check the image; the handle is released in every case.
 * @return ESP_OK; ESP_ERR_NOT_FOUND (unknown handle); ESP_ERR_INVALID_ARG (nothing written);
 *         ESP_ERR_OTA_VALIDATE_FAILED (the image check failed: a log line names the check)
 */
esp_err_t esp_ota_end(esp_ota_handle_t handle);

/**
 * Give up an update and release its handle.
 * @return ESP_OK or ESP_ERR_NOT_FOUND
 */
esp_err_t esp_ota_abort(esp_ota_handle_t handle);

/**
 * Boot @p partition next: the factory app (otadata erased) or an OTA app partition (a new
 * otadata entry). The image there is checked first.
 * @return ESP_OK; ESP_ERR_INVALID_ARG; ESP_ERR_NOT_FOUND (no such partition or no otadata);
 *         ESP_ERR_OTA_VALIDATE_FAILED (no valid image there); ESP_ERR_FLASH_OP_FAIL
 */
esp_err_t esp_ota_set_boot_partition(const esp_partition_t *partition);

/** The partition the (emulated) bootloader would start now, or NULL. */
const esp_partition_t *esp_ota_get_boot_partition(void);

/** The partition this process "runs" from (see the file comment). */
const esp_partition_t *esp_ota_get_running_partition(void);

/**
 * The OTA app partition after @p start_from (the running partition if NULL) in table order,
 * wrapping around, or NULL if there is none.
 */
const esp_partition_t *esp_ota_get_next_update_partition(const esp_partition_t *start_from);

/**
 * Read the app description of the image in @p partition.
 * @return ESP_OK; ESP_ERR_INVALID_ARG; ESP_ERR_NOT_FOUND (no valid description there)
 */
esp_err_t esp_ota_get_partition_description(const esp_partition_t *partition,
                                            esp_app_desc_t *app_desc);

/** Number of OTA app partitions in the table. */
uint8_t esp_ota_get_app_partition_count(void);

/**
 * State of an OTA app partition as recorded in otadata.
 * @return ESP_OK; ESP_ERR_INVALID_ARG; ESP_ERR_NOT_SUPPORTED (not an OTA partition);
 *         ESP_ERR_NOT_FOUND (no otadata entry selects it)
 */
esp_err_t esp_ota_get_state_partition(const esp_partition_t *partition,
                                      esp_ota_img_states_t *ota_state);

/**
 * Confirm the running app. Without app rollback (as here: entries are written with
 * ESP_OTA_IMG_UNDEFINED) there is nothing to confirm, as in ESP-IDF without
 * CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE; an entry of the running slot found in
 * ESP_OTA_IMG_PENDING_VERIFY or ESP_OTA_IMG_NEW is rewritten as ESP_OTA_IMG_VALID.
 * @return ESP_OK, or the error of the otadata write
 */
esp_err_t esp_ota_mark_app_valid_cancel_rollback(void);

/** The OTA app partition that otadata marks ESP_OTA_IMG_INVALID or ABORTED, or NULL. */
const esp_partition_t *esp_ota_get_last_invalid_partition(void);

/** true if an app partition other than the running one holds a valid image. */
bool esp_ota_check_rollback_is_possible(void);

#ifdef __cplusplus
}
#endif
