// SPDX-License-Identifier: Apache-2.0
/*
 * The partition API (esp_partition.h) over the mapped flash file: the table is loaded on
 * first use; reads copy, writes AND into the flash (NOR semantics), erases set 0xFF.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../flash/partition_table.h"
#include "../port/guard.h"
#include "esp_log.h"
#include "esp_private/partition_linux.h"
#include "mbedtls/sha256.h"

static const char *TAG = "partition";

static esp_partition_t s_parts[ESP_PARTITION_TABLE_MAX_ENTRIES];
static size_t s_count;
static bool s_loaded;
static esp_ota_select_entry_t s_boot_otadata[2];
static bool s_have_otadata;
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;

struct esp_partition_iterator_opaque_ {
    esp_partition_type_t type;
    esp_partition_subtype_t subtype;
    bool any_label;
    char label[17];
    size_t next_index;
    const esp_partition_t *current;
};

static void snapshot_otadata(const uint8_t *base)
{
    s_have_otadata = false;
    for (size_t i = 0; i < s_count; i++) {
        const esp_partition_t *p = &s_parts[i];
        if (p->type == ESP_PARTITION_TYPE_DATA && p->subtype == ESP_PARTITION_SUBTYPE_DATA_OTA &&
            p->size >= 2 * ESP_PARTITION_EMULATED_SECTOR_SIZE) {
            memcpy(&s_boot_otadata[0], base + p->address, sizeof(s_boot_otadata[0]));
            memcpy(&s_boot_otadata[1], base + p->address + ESP_PARTITION_EMULATED_SECTOR_SIZE,
                   sizeof(s_boot_otadata[1]));
            s_have_otadata = true;
            return;
        }
    }
}

static bool load_locked(void)
{
    if (s_loaded) {
        return true;
    }
    uint8_t *base = flash_base();
    if (base == NULL) {
        return false;
    }
    if (flash_parse_table(base + ESP_PARTITION_TABLE_OFFSET, flash_size(), s_parts, &s_count) !=
        ESP_OK) {
        s_count = 0;
        return false;
    }
    snapshot_otadata(base);
    s_loaded = true;
    return true;
}

static bool ensure_loaded(void)
{
    pthread_mutex_lock(&s_lock);
    bool ok = load_locked();
    pthread_mutex_unlock(&s_lock);
    return ok;
}

void flash_partitions_forget(void)
{
    pthread_mutex_lock(&s_lock);
    s_loaded = false;
    s_count = 0;
    s_have_otadata = false;
    pthread_mutex_unlock(&s_lock);
}

void esp_partition_unload_all(void)
{
    flash_partitions_forget();
}

const esp_ota_select_entry_t *flash_boot_otadata(void)
{
    return ensure_loaded() && s_have_otadata ? s_boot_otadata : NULL;
}

static bool matches(const esp_partition_iterator_t it, const esp_partition_t *p)
{
    if (it->type != ESP_PARTITION_TYPE_ANY && p->type != it->type) {
        return false;
    }
    if (it->subtype != ESP_PARTITION_SUBTYPE_ANY && p->subtype != it->subtype) {
        return false;
    }
    return it->any_label || strncmp(p->label, it->label, sizeof(p->label)) == 0;
}

static bool advance(esp_partition_iterator_t it)
{
    while (it->next_index < s_count) {
        const esp_partition_t *p = &s_parts[it->next_index++];
        if (matches(it, p)) {
            it->current = p;
            return true;
        }
    }
    return false;
}

esp_partition_iterator_t esp_partition_find(esp_partition_type_t type,
                                            esp_partition_subtype_t subtype, const char *label)
{
    if (type == ESP_PARTITION_TYPE_ANY && subtype != ESP_PARTITION_SUBTYPE_ANY) {
        return NULL;
    }
    if (!ensure_loaded()) {
        return NULL;
    }
    esp_partition_iterator_t it = calloc(1, sizeof(*it));
    if (it == NULL) {
        return NULL;
    }
    it->type = type;
    it->subtype = subtype;
    it->any_label = label == NULL;
    if (label != NULL) {
        strncpy(it->label, label, sizeof(it->label) - 1);
    }
    if (!advance(it)) {
        free(it);
        return NULL;
    }
    return it;
}

const esp_partition_t *esp_partition_find_first(esp_partition_type_t type,
                                                esp_partition_subtype_t subtype, const char *label)
{
    esp_partition_iterator_t it = esp_partition_find(type, subtype, label);
    if (it == NULL) {
        return NULL;
    }
    const esp_partition_t *p = it->current;
    free(it);
    return p;
}

const esp_partition_t *esp_partition_get(esp_partition_iterator_t iterator)
{
    return iterator != NULL ? iterator->current : NULL;
}

esp_partition_iterator_t esp_partition_next(esp_partition_iterator_t iterator)
{
    if (iterator == NULL) {
        return NULL;
    }
    if (!advance(iterator)) {
        free(iterator);
        return NULL;
    }
    return iterator;
}

void esp_partition_iterator_release(esp_partition_iterator_t iterator)
{
    free(iterator);
}

static bool same_partition(const esp_partition_t *a, const esp_partition_t *b)
{
    return a->address == b->address && a->size == b->size && a->type == b->type &&
           a->subtype == b->subtype && (b->label[0] == '\0' || strcmp(a->label, b->label) == 0);
}

const esp_partition_t *esp_partition_verify(const esp_partition_t *partition)
{
    if (partition == NULL || !ensure_loaded()) {
        return NULL;
    }
    for (size_t i = 0; i < s_count; i++) {
        if (same_partition(&s_parts[i], partition)) {
            return &s_parts[i];
        }
    }
    return NULL;
}

uint32_t esp_partition_get_main_flash_sector_size(void)
{
    return ESP_PARTITION_EMULATED_SECTOR_SIZE;
}

/* Common checks of read/write: ESP-IDF's order and codes. On success *at points at the
 * partition's byte @p offset in the mapped flash. */
static esp_err_t locate(const esp_partition_t *p, size_t offset, size_t size, uint8_t **at)
{
    ESP_ENSURE(p != NULL, ESP_ERR_INVALID_ARG);
    ESP_ENSURE(offset <= p->size, ESP_ERR_INVALID_ARG);
    ESP_ENSURE(size <= p->size - offset, ESP_ERR_INVALID_SIZE);
    uint8_t *base = flash_base();
    ESP_ENSURE(base != NULL, ESP_ERR_INVALID_STATE);
    ESP_ENSURE_LOG(p->address <= flash_size() && p->size <= flash_size() - p->address,
                   ESP_ERR_INVALID_ARG, "partition %s lies beyond the flash", p->label);
    *at = base + p->address + offset;
    return ESP_OK;
}

esp_err_t esp_partition_read(const esp_partition_t *partition, size_t src_offset, void *dst,
                             size_t size)
{
    uint8_t *src = NULL;
    ESP_GUARD(locate(partition, src_offset, size, &src));
    if (size > 0) {
        memcpy(dst, src, size);
    }
    return ESP_OK;
}

esp_err_t esp_partition_write(const esp_partition_t *partition, size_t dst_offset, const void *src,
                              size_t size)
{
    ESP_ENSURE(partition != NULL, ESP_ERR_INVALID_ARG);
    ESP_ENSURE(!partition->readonly, ESP_ERR_NOT_ALLOWED);
    uint8_t *dst = NULL;
    ESP_GUARD(locate(partition, dst_offset, size, &dst));
    const uint8_t *in = src;
    for (size_t i = 0; i < size; i++) {
        if ((uint8_t)(~dst[i] & in[i]) != 0) {
            ESP_LOGW(TAG, "invalid flash operation detected: %s offset 0x%zx not erased",
                     partition->label, dst_offset + i);
            return ESP_ERR_FLASH_OP_FAIL;
        }
        dst[i] &= in[i];
    }
    return ESP_OK;
}

esp_err_t esp_partition_read_raw(const esp_partition_t *partition, size_t src_offset, void *dst,
                                 size_t size)
{
    return esp_partition_read(partition, src_offset, dst, size);
}

esp_err_t esp_partition_write_raw(const esp_partition_t *partition, size_t dst_offset,
                                  const void *src, size_t size)
{
    return esp_partition_write(partition, dst_offset, src, size);
}

esp_err_t esp_partition_erase_range(const esp_partition_t *partition, size_t offset, size_t size)
{
    ESP_ENSURE(partition != NULL, ESP_ERR_INVALID_ARG);
    ESP_ENSURE(!partition->readonly, ESP_ERR_NOT_ALLOWED);
    uint32_t unit =
        partition->erase_size != 0 ? partition->erase_size : ESP_PARTITION_EMULATED_SECTOR_SIZE;
    ESP_ENSURE(offset <= partition->size && offset % unit == 0, ESP_ERR_INVALID_ARG);
    ESP_ENSURE(size <= partition->size - offset && size % unit == 0, ESP_ERR_INVALID_SIZE);
    uint8_t *dst = NULL;
    ESP_GUARD(locate(partition, offset, size, &dst));
    memset(dst, 0xFF, size);
    return ESP_OK;
}

esp_err_t esp_partition_mmap(const esp_partition_t *partition, size_t offset, size_t size,
                             esp_partition_mmap_memory_t memory, const void **out_ptr,
                             esp_partition_mmap_handle_t *out_handle)
{
    (void)memory;
    ESP_ENSURE(out_ptr != NULL && out_handle != NULL, ESP_ERR_INVALID_ARG);
    uint8_t *at = NULL;
    ESP_GUARD(locate(partition, offset, size, &at));
    *out_ptr = at;
    *out_handle = 0;
    return ESP_OK;
}

void esp_partition_munmap(esp_partition_mmap_handle_t handle)
{
    (void)handle;
}

esp_err_t esp_partition_get_sha256(const esp_partition_t *partition, uint8_t *sha_256)
{
    ESP_ENSURE(partition != NULL && sha_256 != NULL, ESP_ERR_INVALID_ARG);
    uint8_t *at = NULL;
    ESP_GUARD(locate(partition, 0, partition->size, &at));
    ESP_ENSURE(mbedtls_sha256(at, partition->size, sha_256, 0) == 0, ESP_FAIL);
    return ESP_OK;
}

bool esp_partition_check_identity(const esp_partition_t *partition_1,
                                  const esp_partition_t *partition_2)
{
    uint8_t a[32];
    uint8_t b[32];
    return esp_partition_get_sha256(partition_1, a) == ESP_OK &&
           esp_partition_get_sha256(partition_2, b) == ESP_OK && memcmp(a, b, sizeof(a)) == 0;
}
