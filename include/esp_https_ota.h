// SPDX-License-Identifier: Apache-2.0
/*
 * HTTPS OTA of ESP-IDF v5.5.5 (components/esp_https_ota) on esp_http_client and the emulated
 * flash of esp_ota_ops.h: the image is downloaded into the next update partition, checked at
 * the end, and selected for the next boot. A truncated download, a broken connection or a bad
 * image leaves the boot partition unchanged.
 *
 * Server verification: esp_https_ota_begin() refuses (ESP_ERR_INVALID_ARG, log line "No option
 * for server verification is enabled in esp_http_client config.") an http_config without
 * cert_pem, use_global_ca_store or crt_bundle_attach, before any connection, unless the
 * library was built with CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP ("Component config -> ESP HTTPS OTA
 * -> Allow HTTP for OTA"), which logs a warning and proceeds (also for plain http:// URLs).
 *
 * Differences on a host (docs/COMPAT.md): pre-encrypted images (decrypt_cb) are refused with
 * ESP_ERR_NOT_SUPPORTED; ota_resumption restarts from the first byte; events are not posted
 * (no default event loop); signatures are not verified.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_app_desc.h"
#include "esp_err.h"
#include "esp_event.h"
#include "esp_http_client.h"
#include "esp_partition.h"

#ifdef __cplusplus
extern "C" {
#endif

ESP_EVENT_DECLARE_BASE(ESP_HTTPS_OTA_EVENT);

/** Events of the OTA process (ESP-IDF's order). */
typedef enum {
    ESP_HTTPS_OTA_START,                 /**< OTA started */
    ESP_HTTPS_OTA_CONNECTED,             /**< connected to the server */
    ESP_HTTPS_OTA_GET_IMG_DESC,          /**< image description read */
    ESP_HTTPS_OTA_VERIFY_CHIP_ID,        /**< chip id of the image checked */
    ESP_HTTPS_OTA_VERIFY_CHIP_REVISION,  /**< chip revision of the image checked */
    ESP_HTTPS_OTA_DECRYPT_CB,            /**< decryption callback called */
    ESP_HTTPS_OTA_WRITE_FLASH,           /**< data written to flash */
    ESP_HTTPS_OTA_UPDATE_BOOT_PARTITION, /**< boot partition updated */
    ESP_HTTPS_OTA_FINISH,                /**< OTA finished */
    ESP_HTTPS_OTA_ABORT,                 /**< OTA aborted */
} esp_https_ota_event_t;

/** Handle of an OTA in progress. */
typedef void *esp_https_ota_handle_t;

/** Called after esp_http_client_init(), to add headers for example. */
typedef esp_err_t (*http_client_init_cb_t)(esp_http_client_handle_t);

/** Arguments of a decryption callback (pre-encrypted images: not supported here). */
typedef struct {
    const char *data_in; /**< encrypted data */
    size_t data_in_len;  /**< its length */
    char *data_out;      /**< decrypted data, allocated by the callback */
    size_t data_out_len; /**< its length */
} decrypt_cb_arg_t;

/** Decryption callback of pre-encrypted OTA (not supported here). */
typedef esp_err_t (*decrypt_cb_t)(decrypt_cb_arg_t *args, void *user_ctx);

/** OTA configuration (ESP-IDF's member order; every member present in every build). */
typedef struct {
    const esp_http_client_config_t *http_config; /**< the HTTP client configuration */
    http_client_init_cb_t http_client_init_cb;   /**< called after the client is made */
    bool bulk_flash_erase;          /**< erase the image's room (or the partition) at once */
    bool partial_http_download;     /**< download in Range requests */
    int max_http_request_size;      /**< bytes per Range request (default 64 KB) */
    uint32_t buffer_caps;           /**< memory capabilities of the buffer (ignored on a host) */
    bool ota_resumption;            /**< resume a download (restarts from 0 on a host) */
    size_t ota_image_bytes_written; /**< bytes written before, for ota_resumption */
    decrypt_cb_t decrypt_cb;        /**< pre-encrypted images: must be NULL here */
    void *decrypt_user_ctx;         /**< argument of decrypt_cb */
    uint16_t enc_img_header_size;   /**< header size of a pre-encrypted image */
} esp_https_ota_config_t;

#define ESP_ERR_HTTPS_OTA_BASE (0x9000)                            /**< first HTTPS OTA error */
#define ESP_ERR_HTTPS_OTA_IN_PROGRESS (ESP_ERR_HTTPS_OTA_BASE + 1) /**< call perform again */

/**
 * Whole OTA: begin, perform until done, finish (or abort on error).
 * @return ESP_OK (the new image boots next), ESP_FAIL if begin failed, or the error of
 *         perform / finish (ESP_ERR_OTA_VALIDATE_FAILED for a bad image)
 */
esp_err_t esp_https_ota(const esp_https_ota_config_t *ota_config);

/**
 * Connect, send the request and read the response headers; pick the update partition.
 * @return ESP_OK with *handle set; ESP_ERR_INVALID_ARG (NULL argument, or no server
 *         verification option, see above); ESP_ERR_NOT_SUPPORTED (decrypt_cb); ESP_FAIL
 *         (connection, HTTP status, no update partition); ESP_ERR_NO_MEM
 */
esp_err_t esp_https_ota_begin(const esp_https_ota_config_t *ota_config,
                              esp_https_ota_handle_t *handle);

/**
 * Read the next piece of the image and write it to flash.
 * @return ESP_ERR_HTTPS_OTA_IN_PROGRESS (call again), ESP_OK (all data received), or an
 *         error (broken connection, flash write, first byte not 0xE9)
 */
esp_err_t esp_https_ota_perform(esp_https_ota_handle_t https_ota_handle);

/** true once every byte of the image has been received. */
bool esp_https_ota_is_complete_data_received(esp_https_ota_handle_t https_ota_handle);

/**
 * Check the image and, if the whole image was received and is valid, select it for the next
 * boot; release the handle in every case. Right after begin (no perform) nothing was written:
 * ESP_OK and the boot partition is unchanged, as in ESP-IDF.
 * @return ESP_OK, ESP_ERR_INVALID_ARG, ESP_FAIL (image incomplete),
 *         ESP_ERR_OTA_VALIDATE_FAILED
 */
esp_err_t esp_https_ota_finish(esp_https_ota_handle_t https_ota_handle);

/**
 * Stop the OTA and release the handle; the boot partition is unchanged.
 * @return ESP_OK, ESP_ERR_INVALID_ARG, ESP_FAIL
 */
esp_err_t esp_https_ota_abort(esp_https_ota_handle_t https_ota_handle);

/**
 * Read the image's app description (the first 288 bytes of the image), before perform.
 * @return ESP_OK, ESP_ERR_INVALID_ARG, ESP_FAIL (not in the begun state, or the download
 *         ended before the description)
 */
esp_err_t esp_https_ota_get_img_desc(esp_https_ota_handle_t https_ota_handle,
                                     esp_app_desc_t *new_app_info);

/** Bytes of the image received (and written) so far, -1 for a NULL handle. */
int esp_https_ota_get_image_len_read(esp_https_ota_handle_t https_ota_handle);

/** Size of the image announced by the server, -1 if unknown or for a NULL handle. */
int esp_https_ota_get_image_size(esp_https_ota_handle_t https_ota_handle);

/** HTTP status code of the last response, -1 for a NULL handle. */
int esp_https_ota_get_status_code(esp_https_ota_handle_t https_ota_handle);

#ifdef __cplusplus
}
#endif
