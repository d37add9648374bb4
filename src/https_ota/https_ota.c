// SPDX-License-Identifier: Apache-2.0
/*
 * esp_https_ota.h: the download loop into esp_ota_ops. The first 288 bytes (header, segment
 * header, app description) are read into the buffer by esp_https_ota_get_img_desc() or the
 * first perform; every later read goes to flash as it arrives.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../port/guard.h"
#include "esp_app_format.h"
#include "esp_log.h"
#include "https_ota_internal.h"
#include "sdkconfig.h"

static const char *TAG = "esp_https_ota";

ESP_EVENT_DEFINE_BASE(ESP_HTTPS_OTA_EVENT);

static bool verifies_server(const esp_http_client_config_t *c)
{
    return c->cert_pem != NULL || c->use_global_ca_store || c->crt_bundle_attach != NULL;
}

static esp_err_t check_config(const esp_https_ota_config_t *cfg)
{
    if (!verifies_server(cfg->http_config)) {
#if CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP
        ESP_LOGW(TAG, "Continuing with insecure option because CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP "
                      "is set.");
#else
        ESP_LOGE(TAG, "No option for server verification is enabled in esp_http_client config.");
        return ESP_ERR_INVALID_ARG;
#endif
    }
    ESP_ENSURE_LOG(cfg->decrypt_cb == NULL, ESP_ERR_NOT_SUPPORTED,
                   "pre-encrypted OTA images (decrypt_cb) are not supported by this library");
    if (cfg->ota_resumption && cfg->ota_image_bytes_written > 0) {
        ESP_LOGW(TAG, "OTA resumption is not supported: downloading from the first byte");
    }
    return ESP_OK;
}

static void release(https_ota_t *h)
{
    if (h->update_begun) {
        (void)esp_ota_abort(h->update);
    }
    if (h->client != NULL) {
        esp_http_client_close(h->client);
        esp_http_client_cleanup(h->client);
    }
    free(h);
}

static esp_err_t open_download(https_ota_t *h, const esp_https_ota_config_t *cfg)
{
    h->client = esp_http_client_init(cfg->http_config);
    ESP_ENSURE_LOG(h->client != NULL, ESP_FAIL, "Failed to initialise HTTP connection");
    if (cfg->http_client_init_cb != NULL) {
        esp_err_t err = cfg->http_client_init_cb(h->client);
        ESP_ENSURE_LOG(err == ESP_OK, err, "http_client_init_cb returned 0x%x", err);
    }
    if (h->partial) {
        ESP_GUARD(https_ota_prepare_partial(h));
    }
    ESP_GUARD(https_ota_connect(h));
    if (!h->partial) {
        int64_t len = esp_http_client_get_content_length(h->client);
        h->image_length = len > 0 && len <= INT32_MAX ? (int)len : -1;
    }
    h->partition = esp_ota_get_next_update_partition(NULL);
    ESP_ENSURE_LOG(h->partition != NULL, ESP_FAIL, "Passive OTA partition not found");
    ESP_ENSURE_LOG(h->image_length <= (int)h->partition->size, ESP_ERR_INVALID_SIZE,
                   "image of %d bytes does not fit partition %s", h->image_length,
                   h->partition->label);
    ESP_LOGI(TAG, "Writing to partition %s at offset 0x%x", h->partition->label,
             (unsigned)h->partition->address);
    return ESP_OK;
}

esp_err_t esp_https_ota_begin(const esp_https_ota_config_t *ota_config,
                              esp_https_ota_handle_t *handle)
{
    if (handle != NULL) {
        *handle = NULL;
    }
    ESP_ENSURE_LOG(handle != NULL && ota_config != NULL && ota_config->http_config != NULL,
                   ESP_ERR_INVALID_ARG, "esp_https_ota_begin: Invalid argument");
    ESP_GUARD(check_config(ota_config));
    https_ota_t *h = calloc(1, sizeof(*h));
    ESP_ENSURE_LOG(h != NULL, ESP_ERR_NO_MEM, "Couldn't allocate memory to upgrade data buffer");
    h->image_length = -1;
    h->partial = ota_config->partial_http_download;
    h->max_request = ota_config->max_http_request_size > 0 ? ota_config->max_http_request_size
                                                           : HTTPS_OTA_DEFAULT_REQUEST_SIZE;
    h->bulk_erase = ota_config->bulk_flash_erase;
    esp_err_t err = open_download(h, ota_config);
    if (err != ESP_OK) {
        release(h);
        return err;
    }
    h->state = HTTPS_OTA_BEGIN;
    *handle = h;
    return ESP_OK;
}

/* Read once from the response into @p dst; in a partial download, move to the next range when
 * one ends. *got is 0 at the end of the image. */
static esp_err_t read_some(https_ota_t *h, char *dst, int room, int *got)
{
    for (;;) {
        int n = esp_http_client_read(h->client, dst, room);
        ESP_ENSURE_LOG(n >= 0, ESP_FAIL, "data read error after %d bytes", h->received);
        *got = n;
        if (n > 0 || !h->partial || h->received + h->buffered >= h->image_length) {
            return ESP_OK;
        }
        ESP_ENSURE_LOG(esp_http_client_is_complete_data_received(h->client), ESP_FAIL,
                       "Connection closed in the middle of a range, errno = %d", errno);
        ESP_GUARD(https_ota_next_range(h));
    }
}

/* Fill the buffer up to the end of the app description (for get_img_desc and the first
 * perform). */
static esp_err_t read_description(https_ota_t *h)
{
    while (h->buffered < HTTPS_OTA_DESC_END) {
        int n = 0;
        ESP_GUARD(read_some(h, h->buf + h->buffered, HTTPS_OTA_DESC_END - h->buffered, &n));
        ESP_ENSURE_LOG(n > 0, ESP_FAIL, "download ended after %d bytes, before the app description",
                       h->buffered);
        h->buffered += n;
    }
    return ESP_OK;
}

esp_err_t esp_https_ota_get_img_desc(esp_https_ota_handle_t https_ota_handle,
                                     esp_app_desc_t *new_app_info)
{
    https_ota_t *h = https_ota_handle;
    ESP_ENSURE_LOG(h != NULL && new_app_info != NULL, ESP_ERR_INVALID_ARG,
                   "esp_https_ota_get_img_desc: Invalid argument");
    ESP_ENSURE_LOG(h->state == HTTPS_OTA_BEGIN, ESP_FAIL,
                   "esp_https_ota_get_img_desc: Invalid state");
    ESP_GUARD(read_description(h));
    memcpy(new_app_info, h->buf + HTTPS_OTA_DESC_END - sizeof(*new_app_info),
           sizeof(*new_app_info));
    return ESP_OK;
}

static esp_err_t write_flash(https_ota_t *h, const char *data, int len)
{
    esp_err_t err = esp_ota_write(h->update, data, (size_t)len);
    ESP_ENSURE_LOG(err == ESP_OK, err, "Error: esp_ota_write failed! err=0x%x", err);
    h->received += len;
    ESP_ENSURE_LOG(h->image_length < 0 || h->received <= h->image_length, ESP_FAIL,
                   "server sent more than the announced %d bytes", h->image_length);
    return ESP_ERR_HTTPS_OTA_IN_PROGRESS;
}

static esp_err_t start_update(https_ota_t *h)
{
    size_t size = OTA_WITH_SEQUENTIAL_WRITES;
    if (h->bulk_erase) {
        size = h->image_length > 0 ? (size_t)h->image_length : OTA_SIZE_UNKNOWN;
    }
    esp_err_t err = esp_ota_begin(h->partition, size, &h->update);
    ESP_ENSURE_LOG(err == ESP_OK, err, "esp_ota_begin failed (%s)", esp_err_to_name(err));
    h->update_begun = true;
    h->state = HTTPS_OTA_IN_PROGRESS;
    ESP_GUARD(read_description(h));
    int n = h->buffered;
    h->buffered = 0;
    return write_flash(h, h->buf, n);
}

static esp_err_t end_of_data(https_ota_t *h)
{
    bool complete = h->image_length >= 0 ? h->received == h->image_length
                                         : esp_http_client_is_complete_data_received(h->client);
    ESP_ENSURE_LOG(complete, ESP_FAIL,
                   "Connection closed before the image was complete (%d of %d bytes), "
                   "errno = %d",
                   h->received, h->image_length, errno);
    h->state = HTTPS_OTA_SUCCESS;
    return ESP_OK;
}

esp_err_t esp_https_ota_perform(esp_https_ota_handle_t https_ota_handle)
{
    https_ota_t *h = https_ota_handle;
    ESP_ENSURE_LOG(h != NULL, ESP_ERR_INVALID_ARG, "esp_https_ota_perform: Invalid argument");
    ESP_ENSURE_LOG(h->state >= HTTPS_OTA_BEGIN, ESP_FAIL, "esp_https_ota_perform: Invalid state");
    if (h->state == HTTPS_OTA_BEGIN) {
        return start_update(h);
    }
    if (h->state == HTTPS_OTA_SUCCESS) {
        return ESP_OK;
    }
    int n = 0;
    ESP_GUARD(read_some(h, h->buf, sizeof(h->buf), &n));
    return n > 0 ? write_flash(h, h->buf, n) : end_of_data(h);
}

bool esp_https_ota_is_complete_data_received(esp_https_ota_handle_t https_ota_handle)
{
    https_ota_t *h = https_ota_handle;
    if (h == NULL) {
        return false;
    }
    if (h->image_length >= 0) {
        return h->received == h->image_length;
    }
    return h->state == HTTPS_OTA_SUCCESS;
}

static esp_err_t finish_update(https_ota_t *h)
{
    h->update_begun = false;
    esp_err_t err = esp_ota_end(h->update);
    ESP_ENSURE_LOG(err == ESP_OK, err, "esp_ota_end failed (%s): boot partition unchanged",
                   esp_err_to_name(err));
    ESP_ENSURE_LOG(h->state == HTTPS_OTA_SUCCESS, ESP_FAIL,
                   "image incomplete: boot partition unchanged");
    err = esp_ota_set_boot_partition(h->partition);
    ESP_ENSURE_LOG(err == ESP_OK, err, "esp_ota_set_boot_partition failed! err=0x%x", err);
    ESP_LOGI(TAG, "boot partition is now %s", h->partition->label);
    return ESP_OK;
}

esp_err_t esp_https_ota_finish(esp_https_ota_handle_t https_ota_handle)
{
    https_ota_t *h = https_ota_handle;
    ESP_ENSURE(h != NULL, ESP_ERR_INVALID_ARG);
    /* as ESP-IDF: after begin only, nothing was written and nothing is selected (ESP_OK) */
    esp_err_t err = h->state >= HTTPS_OTA_IN_PROGRESS ? finish_update(h) : ESP_OK;
    release(h);
    return err;
}

esp_err_t esp_https_ota_abort(esp_https_ota_handle_t https_ota_handle)
{
    https_ota_t *h = https_ota_handle;
    ESP_ENSURE(h != NULL, ESP_ERR_INVALID_ARG);
    esp_err_t err = h->state >= HTTPS_OTA_BEGIN ? ESP_OK : ESP_FAIL;
    release(h);
    return err;
}

int esp_https_ota_get_image_len_read(esp_https_ota_handle_t https_ota_handle)
{
    https_ota_t *h = https_ota_handle;
    return h != NULL ? h->received + h->buffered : -1;
}

int esp_https_ota_get_image_size(esp_https_ota_handle_t https_ota_handle)
{
    https_ota_t *h = https_ota_handle;
    return h != NULL ? h->image_length : -1;
}

int esp_https_ota_get_status_code(esp_https_ota_handle_t https_ota_handle)
{
    https_ota_t *h = https_ota_handle;
    return h != NULL && h->client != NULL ? esp_http_client_get_status_code(h->client) : -1;
}

esp_err_t esp_https_ota(const esp_https_ota_config_t *ota_config)
{
    ESP_ENSURE_LOG(ota_config != NULL && ota_config->http_config != NULL, ESP_ERR_INVALID_ARG,
                   "esp_https_ota: Invalid argument");
    esp_https_ota_handle_t h = NULL;
    esp_err_t err = esp_https_ota_begin(ota_config, &h);
    if (h == NULL) {
        return ESP_FAIL; /* as ESP-IDF: the cause is in the log */
    }
    do {
        err = esp_https_ota_perform(h);
    } while (err == ESP_ERR_HTTPS_OTA_IN_PROGRESS);
    if (err != ESP_OK) {
        esp_https_ota_abort(h);
        return err;
    }
    return esp_https_ota_finish(h);
}
