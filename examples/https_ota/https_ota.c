// SPDX-License-Identifier: Apache-2.0
/*
 * HTTPS OTA as an ESP-IDF application writes it (the shape of ESP-IDF's advanced_https_ota
 * example): check the new image's description against the running one, download it in a
 * perform loop, finish and "restart". On a host the flash is a file (ESP-IDF's Linux-target
 * control structure) and the server certificate comes from a file instead of being embedded.
 *
 *   https_ota URL CA_PEM FLASH_FILE
 *
 * FLASH_FILE must exist (esp-tls ota creates one); run the example twice to see the second
 * run "boot" the first run's image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_app_desc.h"
#include "esp_err.h"
#include "esp_https_ota.h"
#include "esp_log.h"
#include "esp_ota_ops.h"
#include "esp_private/partition_linux.h"

static const char *TAG = "advanced_https_ota_example";

static esp_err_t validate_image_header(const esp_app_desc_t *new_app_info)
{
    if (new_app_info == NULL) {
        return ESP_ERR_INVALID_ARG;
    }
    const esp_partition_t *running = esp_ota_get_running_partition();
    esp_app_desc_t running_app_info;
    if (esp_ota_get_partition_description(running, &running_app_info) == ESP_OK) {
        ESP_LOGI(TAG, "Running firmware version: %s", running_app_info.version);
        if (memcmp(new_app_info->version, running_app_info.version,
                   sizeof(new_app_info->version)) == 0) {
            ESP_LOGW(TAG, "Current running version is the same as a new. We will not continue "
                          "the update.");
            return ESP_FAIL;
        }
    }
    return ESP_OK;
}

static char *read_pem(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    static char pem[16384];
    size_t n = fread(pem, 1, sizeof(pem) - 1, f);
    fclose(f);
    pem[n] = '\0';
    return pem;
}

static esp_err_t advanced_ota(const char *url, const char *server_cert_pem)
{
    ESP_LOGI(TAG, "Starting Advanced OTA example");
    esp_http_client_config_t config = {
        .url = url,
        .cert_pem = server_cert_pem,
        .timeout_ms = 30000, /* CONFIG_EXAMPLE_OTA_RECV_TIMEOUT in ESP-IDF's example */
        .keep_alive_enable = true,
    };
    esp_https_ota_config_t ota_config = {
        .http_config = &config,
    };
    esp_https_ota_handle_t https_ota_handle = NULL;
    esp_err_t err = esp_https_ota_begin(&ota_config, &https_ota_handle);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "ESP HTTPS OTA Begin failed");
        return err;
    }
    esp_app_desc_t app_desc;
    err = esp_https_ota_get_img_desc(https_ota_handle, &app_desc);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_https_ota_get_img_desc failed");
        goto ota_end;
    }
    err = validate_image_header(&app_desc);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "image header verification failed");
        goto ota_end;
    }
    while (1) {
        err = esp_https_ota_perform(https_ota_handle);
        if (err != ESP_ERR_HTTPS_OTA_IN_PROGRESS) {
            break;
        }
        ESP_LOGD(TAG, "Image bytes read: %d", esp_https_ota_get_image_len_read(https_ota_handle));
    }
    if (esp_https_ota_is_complete_data_received(https_ota_handle) != true) {
        ESP_LOGE(TAG, "Complete data was not received.");
    } else {
        esp_err_t ota_finish_err = esp_https_ota_finish(https_ota_handle);
        if ((err == ESP_OK) && (ota_finish_err == ESP_OK)) {
            ESP_LOGI(TAG, "ESP_HTTPS_OTA upgrade successful. Rebooting ...");
            return ESP_OK;
        }
        if (ota_finish_err == ESP_ERR_OTA_VALIDATE_FAILED) {
            ESP_LOGE(TAG, "Image validation failed, image is corrupted");
        }
        ESP_LOGE(TAG, "ESP_HTTPS_OTA upgrade failed 0x%x", ota_finish_err);
        return ota_finish_err;
    }
ota_end:
    esp_https_ota_abort(https_ota_handle);
    ESP_LOGE(TAG, "ESP_HTTPS_OTA upgrade failed");
    return err != ESP_OK ? err : ESP_FAIL;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s URL CA_PEM FLASH_FILE\n", argv[0]);
        return 2;
    }
    const char *pem = read_pem(argv[2]);
    if (pem == NULL) {
        fprintf(stderr, "cannot read %s\n", argv[2]);
        return 2;
    }
    esp_partition_file_mmap_ctrl_t *flash = esp_partition_get_file_mmap_ctrl_input();
    snprintf(flash->flash_file_name, sizeof(flash->flash_file_name), "%s", argv[3]);
    const esp_partition_t *running = esp_ota_get_running_partition();
    if (running == NULL) {
        fprintf(stderr, "cannot use flash file %s\n", argv[3]);
        return 2;
    }
    ESP_LOGI(TAG, "running partition: %s", running->label);
    esp_err_t err = advanced_ota(argv[1], pem);
    ESP_LOGI(TAG, "boot partition: %s", esp_ota_get_boot_partition()->label);
    printf("result=%s\nboot=%s\n", esp_err_to_name(err), esp_ota_get_boot_partition()->label);
    esp_partition_file_munmap();
    return err == ESP_OK ? 0 : 1;
}
