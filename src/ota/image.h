// SPDX-License-Identifier: Apache-2.0
/* Checking an app image in a partition as ESP-IDF does at esp_ota_end() (image.c). */
#pragma once

#include <stddef.h>

#include "esp_partition.h"

/**
 * Check the app image at the start of @p partition: header magic, segment count, segment
 * bounds and lengths, the app description's magic, the checksum byte and, if hash_appended,
 * the SHA-256. Each failure logs a line naming the check.
 * @return ESP_OK with the image length in *image_len (may be NULL), ESP_ERR_IMAGE_INVALID,
 *         or the error of a flash read
 */
esp_err_t ota_image_check(const esp_partition_t *partition, size_t *image_len);
