// SPDX-License-Identifier: Apache-2.0
/*
 * The app image format of ESP-IDF v5.5.5 (components/esp_app_format), little-endian:
 *   esp_image_header_t (24 bytes, magic 0xE9, segment_count <= 16)
 *   segment_count x { esp_image_segment_header_t (8 bytes), data_len bytes of data }
 *     (the first segment's data starts with esp_app_desc_t)
 *   0xFF padding, then the checksum byte, so that the image up to and including the checksum
 *     is a multiple of 16 bytes; checksum = 0xEF XOR every byte of the segments' data
 *   if hash_appended == 1: the SHA-256 of everything before it (header to checksum).
 */
#pragma once

#include <stdint.h>

#include "esp_app_desc.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Chip the image is built for (ESP-IDF's values). */
typedef enum {
    ESP_CHIP_ID_ESP32 = 0x0000,
    ESP_CHIP_ID_ESP32S2 = 0x0002,
    ESP_CHIP_ID_ESP32C3 = 0x0005,
    ESP_CHIP_ID_ESP32S3 = 0x0009,
    ESP_CHIP_ID_ESP32C2 = 0x000C,
    ESP_CHIP_ID_ESP32C6 = 0x000D,
    ESP_CHIP_ID_ESP32H2 = 0x0010,
    ESP_CHIP_ID_ESP32P4 = 0x0012,
    ESP_CHIP_ID_ESP32C61 = 0x0014,
    ESP_CHIP_ID_ESP32C5 = 0x0017,
    ESP_CHIP_ID_INVALID = 0xFFFF
} __attribute__((packed)) esp_chip_id_t;

/** SPI flash mode (spi_mode). */
typedef enum {
    ESP_IMAGE_SPI_MODE_QIO,
    ESP_IMAGE_SPI_MODE_QOUT,
    ESP_IMAGE_SPI_MODE_DIO,
    ESP_IMAGE_SPI_MODE_DOUT,
    ESP_IMAGE_SPI_MODE_FAST_READ,
    ESP_IMAGE_SPI_MODE_SLOW_READ
} esp_image_spi_mode_t;

/** SPI flash clock divider (spi_speed). */
typedef enum {
    ESP_IMAGE_SPI_SPEED_DIV_2 = 0x0, /**< flash clock = APB / 2 */
    ESP_IMAGE_SPI_SPEED_DIV_3 = 0x1, /**< flash clock = APB / 3 */
    ESP_IMAGE_SPI_SPEED_DIV_4 = 0x2, /**< flash clock = APB / 4 */
    ESP_IMAGE_SPI_SPEED_DIV_1 = 0xF  /**< flash clock = APB */
} esp_image_spi_freq_t;

/** SPI flash size (spi_size). */
typedef enum {
    ESP_IMAGE_FLASH_SIZE_1MB = 0,
    ESP_IMAGE_FLASH_SIZE_2MB,
    ESP_IMAGE_FLASH_SIZE_4MB,
    ESP_IMAGE_FLASH_SIZE_8MB,
    ESP_IMAGE_FLASH_SIZE_16MB,
    ESP_IMAGE_FLASH_SIZE_32MB,
    ESP_IMAGE_FLASH_SIZE_64MB,
    ESP_IMAGE_FLASH_SIZE_128MB,
    ESP_IMAGE_FLASH_SIZE_MAX
} esp_image_flash_size_t;

#define ESP_IMAGE_HEADER_MAGIC 0xE9 /**< magic of esp_image_header_t */
#define ESP_IMAGE_MAX_SEGMENTS 16   /**< most segments in an image */

/** Image header (24 bytes). */
typedef struct {
    uint8_t magic;              /**< ESP_IMAGE_HEADER_MAGIC */
    uint8_t segment_count;      /**< number of segments */
    uint8_t spi_mode;           /**< esp_image_spi_mode_t */
    uint8_t spi_speed : 4;      /**< flash frequency */
    uint8_t spi_size : 4;       /**< esp_image_flash_size_t */
    uint32_t entry_addr;        /**< entry point */
    uint8_t wp_pin;             /**< WP pin (0xEE: disabled) */
    uint8_t spi_pin_drv[3];     /**< drive settings of the SPI flash pins */
    esp_chip_id_t chip_id;      /**< chip */
    uint8_t min_chip_rev;       /**< deprecated: minimal chip revision (major) */
    uint16_t min_chip_rev_full; /**< minimal chip revision (major * 100 + minor) */
    uint16_t max_chip_rev_full; /**< maximal chip revision (major * 100 + minor) */
    uint8_t reserved[4];        /**< reserved */
    uint8_t hash_appended;      /**< 1: a SHA-256 follows the checksum */
} __attribute__((packed)) esp_image_header_t;

/** Segment header (8 bytes). */
typedef struct {
    uint32_t load_addr; /**< load address */
    uint32_t data_len;  /**< length of the data that follows */
} esp_image_segment_header_t;

#ifdef __cplusplus
}
#endif
