// SPDX-License-Identifier: Apache-2.0
/*
 * esp_app_get_description(): the running partition's description if it holds one, else one
 * describing this host process.
 */
#define _GNU_SOURCE /* program_invocation_short_name */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "esp_app_desc.h"
#include "esp_ota_ops.h"

static esp_app_desc_t s_desc;
static pthread_once_t s_once = PTHREAD_ONCE_INIT;

static void describe(void)
{
    const esp_partition_t *running = esp_ota_get_running_partition();
    if (running != NULL && esp_ota_get_partition_description(running, &s_desc) == ESP_OK) {
        return;
    }
    memset(&s_desc, 0, sizeof(s_desc));
    s_desc.magic_word = ESP_APP_DESC_MAGIC_WORD;
    snprintf(s_desc.version, sizeof(s_desc.version), "%s", "host");
    snprintf(s_desc.project_name, sizeof(s_desc.project_name), "%s", program_invocation_short_name);
    snprintf(s_desc.idf_ver, sizeof(s_desc.idf_ver), "%s", "v5.5.5 (esp-tls POSIX)");
    s_desc.max_efuse_blk_rev_full = 0xFFFF;
}

const esp_app_desc_t *esp_app_get_description(void)
{
    pthread_once(&s_once, describe);
    return &s_desc;
}

int esp_app_get_elf_sha256(char *dst, size_t size)
{
    if (dst == NULL || size < 3) {
        return 0;
    }
    const esp_app_desc_t *d = esp_app_get_description();
    size_t n = 0;
    for (size_t i = 0; i < sizeof(d->app_elf_sha256) && n + 2 < size; i++) {
        snprintf(dst + n, 3, "%02x", d->app_elf_sha256[i]);
        n += 2;
    }
    dst[n] = '\0';
    return (int)n;
}
