// SPDX-License-Identifier: Apache-2.0
/* The state of one HTTPS OTA, shared by https_ota.c (API, flash) and https_ota_http.c. */
#pragma once

#include <stdbool.h>

#include "esp_https_ota.h"
#include "esp_ota_ops.h"

/** Bytes read before the first flash write: header, segment header and description. */
#define HTTPS_OTA_DESC_END (24 + 8 + 256)
/** Read buffer size (ESP-IDF's 1 KB). */
#define HTTPS_OTA_BUF_SIZE 1024
/** Default bytes per Range request. */
#define HTTPS_OTA_DEFAULT_REQUEST_SIZE (64 * 1024)

typedef enum {
    HTTPS_OTA_INIT,
    HTTPS_OTA_BEGIN,
    HTTPS_OTA_IN_PROGRESS,
    HTTPS_OTA_SUCCESS,
} https_ota_state_t;

typedef struct {
    esp_http_client_handle_t client;
    const esp_partition_t *partition;
    esp_ota_handle_t update;
    bool update_begun;
    char buf[HTTPS_OTA_BUF_SIZE];
    int buffered;     /* bytes in buf not yet written (the description, before perform) */
    int received;     /* image bytes received */
    int image_length; /* announced size, -1 if unknown */
    int max_request;  /* partial download: bytes per Range request */
    bool partial;     /* partial_http_download */
    bool bulk_erase;  /* bulk_flash_erase */
    https_ota_state_t state;
} https_ota_t;

/** Send the request (with the handle's method and headers) and check the response status. */
esp_err_t https_ota_connect(https_ota_t *h);

/** Partial download: learn the image size with HEAD and set the first Range header. */
esp_err_t https_ota_prepare_partial(https_ota_t *h);

/** Partial download: request the next range after h->received. */
esp_err_t https_ota_next_range(https_ota_t *h);
