// SPDX-License-Identifier: Apache-2.0
/*
 * esp_ota_ops.h: updates in progress (a list of handles), boot selection through otadata,
 * the running partition (what otadata selected when this process first loaded the flash).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../flash/flash_internal.h"
#include "../port/guard.h"
#include "esp_app_format.h"
#include "esp_log.h"
#include "esp_ota_ops.h"
#include "image.h"
#include "otadata.h"

static const char *TAG = "esp_ota_ops";

#define SECTOR 0x1000u

typedef struct ota_op {
    struct ota_op *next;
    esp_ota_handle_t handle;
    const esp_partition_t *part;
    size_t wrote_size;  /* highest offset written + 1 */
    size_t erased_size; /* sequential writes: bytes erased so far */
    bool sequential;
} ota_op_t;

static ota_op_t *s_ops;
static esp_ota_handle_t s_last_handle;
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;

static bool is_ota_app(const esp_partition_t *p)
{
    return p->type == ESP_PARTITION_TYPE_APP && p->subtype >= ESP_PARTITION_SUBTYPE_APP_OTA_MIN &&
           p->subtype < ESP_PARTITION_SUBTYPE_APP_OTA_MAX;
}

const esp_partition_t *esp_ota_get_running_partition(void)
{
    return otadata_selected(flash_boot_otadata());
}

const esp_partition_t *esp_ota_get_boot_partition(void)
{
    const esp_partition_t *otadata = otadata_partition();
    esp_ota_select_entry_t two[2];
    if (otadata == NULL || otadata_read(otadata, two) != ESP_OK) {
        return otadata_selected(NULL);
    }
    return otadata_selected(two);
}

uint8_t esp_ota_get_app_partition_count(void)
{
    return otadata_app_count();
}

static esp_err_t erase_for(const esp_partition_t *p, size_t image_size)
{
    if (image_size == 0 || image_size == OTA_SIZE_UNKNOWN) {
        return esp_partition_erase_range(p, 0, p->size);
    }
    size_t len = (image_size + SECTOR - 1) / SECTOR * SECTOR;
    return esp_partition_erase_range(p, 0, len);
}

static esp_err_t check_target(const esp_partition_t *p, size_t image_size)
{
    ESP_ENSURE_LOG(is_ota_app(p), ESP_ERR_INVALID_ARG, "partition %s is not an OTA app partition",
                   p->label);
    ESP_ENSURE_LOG(p != esp_ota_get_running_partition(), ESP_ERR_OTA_PARTITION_CONFLICT,
                   "partition %s is the running partition", p->label);
    bool known = image_size != OTA_SIZE_UNKNOWN && image_size != OTA_WITH_SEQUENTIAL_WRITES;
    ESP_ENSURE_LOG(!known || image_size <= p->size, ESP_ERR_INVALID_SIZE,
                   "image of %zu bytes does not fit partition %s (%u bytes)", image_size, p->label,
                   (unsigned)p->size);
    return ESP_OK;
}

esp_err_t esp_ota_begin(const esp_partition_t *partition, size_t image_size,
                        esp_ota_handle_t *out_handle)
{
    ESP_ENSURE(partition != NULL && out_handle != NULL, ESP_ERR_INVALID_ARG);
    const esp_partition_t *p = esp_partition_verify(partition);
    ESP_ENSURE_LOG(p != NULL, ESP_ERR_NOT_FOUND, "partition %s is not in the partition table",
                   partition->label);
    ESP_GUARD(check_target(p, image_size));
    bool sequential = image_size == OTA_WITH_SEQUENTIAL_WRITES;
    if (!sequential) {
        ESP_GUARD(erase_for(p, image_size));
    }
    ota_op_t *op = calloc(1, sizeof(*op));
    ESP_ENSURE(op != NULL, ESP_ERR_NO_MEM);
    op->part = p;
    op->sequential = sequential;
    pthread_mutex_lock(&s_lock);
    op->handle = ++s_last_handle == 0 ? ++s_last_handle : s_last_handle;
    op->next = s_ops;
    s_ops = op;
    pthread_mutex_unlock(&s_lock);
    *out_handle = op->handle;
    return ESP_OK;
}

static ota_op_t *find_op(esp_ota_handle_t handle, bool unlink_it)
{
    pthread_mutex_lock(&s_lock);
    ota_op_t **link = &s_ops;
    while (*link != NULL && (*link)->handle != handle) {
        link = &(*link)->next;
    }
    ota_op_t *op = *link;
    if (op != NULL && unlink_it) {
        *link = op->next;
    }
    pthread_mutex_unlock(&s_lock);
    return op;
}

/* Sequential mode: erase the sectors up to @p end that were not erased yet. */
static esp_err_t erase_ahead(ota_op_t *op, size_t end)
{
    if (!op->sequential || end <= op->erased_size) {
        return ESP_OK;
    }
    size_t upto = (end + SECTOR - 1) / SECTOR * SECTOR;
    ESP_ENSURE_LOG(upto <= op->part->size, ESP_ERR_INVALID_SIZE, "image grows beyond partition %s",
                   op->part->label);
    ESP_GUARD(esp_partition_erase_range(op->part, op->erased_size, upto - op->erased_size));
    op->erased_size = upto;
    return ESP_OK;
}

static esp_err_t write_at(ota_op_t *op, const void *data, size_t size, size_t offset)
{
    ESP_ENSURE_LOG(offset <= op->part->size && size <= op->part->size - offset,
                   ESP_ERR_INVALID_SIZE, "image grows beyond partition %s (%u bytes)",
                   op->part->label, (unsigned)op->part->size);
    ESP_GUARD(erase_ahead(op, offset + size));
    ESP_GUARD(esp_partition_write(op->part, offset, data, size));
    if (offset + size > op->wrote_size) {
        op->wrote_size = offset + size;
    }
    return ESP_OK;
}

static esp_err_t check_magic(const void *data, size_t size, size_t offset)
{
    const uint8_t *bytes = data;
    ESP_ENSURE_LOG(offset != 0 || size == 0 || bytes[0] == ESP_IMAGE_HEADER_MAGIC,
                   ESP_ERR_OTA_VALIDATE_FAILED,
                   "OTA image has invalid magic byte (expected 0xE9, saw 0x%02x)", bytes[0]);
    return ESP_OK;
}

esp_err_t esp_ota_write_with_offset(esp_ota_handle_t handle, const void *data, size_t size,
                                    uint32_t offset)
{
    ESP_ENSURE_LOG(data != NULL || size == 0, ESP_ERR_INVALID_ARG, "write data is invalid");
    ota_op_t *op = find_op(handle, false);
    ESP_ENSURE_LOG(op != NULL, ESP_ERR_INVALID_ARG, "not found the handle");
    if (size == 0) {
        return ESP_OK;
    }
    ESP_GUARD(check_magic(data, size, offset));
    return write_at(op, data, size, offset);
}

esp_err_t esp_ota_write(esp_ota_handle_t handle, const void *data, size_t size)
{
    ota_op_t *op = find_op(handle, false);
    ESP_ENSURE_LOG(op != NULL, ESP_ERR_INVALID_ARG, "not found the handle");
    return esp_ota_write_with_offset(handle, data, size, (uint32_t)op->wrote_size);
}

esp_err_t esp_ota_abort(esp_ota_handle_t handle)
{
    ota_op_t *op = find_op(handle, true);
    ESP_ENSURE(op != NULL, ESP_ERR_NOT_FOUND);
    free(op);
    return ESP_OK;
}

esp_err_t esp_ota_end(esp_ota_handle_t handle)
{
    ota_op_t *op = find_op(handle, true);
    ESP_ENSURE(op != NULL, ESP_ERR_NOT_FOUND);
    const esp_partition_t *p = op->part;
    size_t wrote = op->wrote_size;
    free(op);
    ESP_ENSURE_LOG(wrote > 0, ESP_ERR_INVALID_ARG, "no image data was written");
    size_t len = 0;
    esp_err_t rc = ota_image_check(p, &len);
    ESP_ENSURE_LOG(rc == ESP_OK, ESP_ERR_OTA_VALIDATE_FAILED, "image in %s failed validation",
                   p->label);
    ESP_LOGI(TAG, "image of %zu bytes in %s is valid", len, p->label);
    return ESP_OK;
}

esp_err_t esp_ota_set_boot_partition(const esp_partition_t *partition)
{
    ESP_ENSURE(partition != NULL, ESP_ERR_INVALID_ARG);
    const esp_partition_t *p = esp_partition_verify(partition);
    ESP_ENSURE(p != NULL && p->type == ESP_PARTITION_TYPE_APP, ESP_ERR_NOT_FOUND);
    ESP_ENSURE_LOG(ota_image_check(p, NULL) == ESP_OK, ESP_ERR_OTA_VALIDATE_FAILED,
                   "no valid app image in %s: boot partition unchanged", p->label);
    const esp_partition_t *otadata = otadata_partition();
    ESP_ENSURE_LOG(otadata != NULL, ESP_ERR_NOT_FOUND, "no otadata partition");
    if (p->subtype == ESP_PARTITION_SUBTYPE_APP_FACTORY) {
        return esp_partition_erase_range(otadata, 0, otadata->size);
    }
    ESP_ENSURE(is_ota_app(p), ESP_ERR_INVALID_ARG);
    return otadata_select_slot(otadata, (uint32_t)(p->subtype - ESP_PARTITION_SUBTYPE_APP_OTA_MIN));
}

const esp_partition_t *esp_ota_get_next_update_partition(const esp_partition_t *start_from)
{
    const esp_partition_t *from =
        start_from != NULL ? esp_partition_verify(start_from) : esp_ota_get_running_partition();
    const esp_partition_t *first = NULL;
    bool after = false;
    esp_partition_iterator_t it =
        esp_partition_find(ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_ANY, NULL);
    for (; it != NULL; it = esp_partition_next(it)) {
        const esp_partition_t *p = esp_partition_get(it);
        if (p == from) {
            after = true;
        } else if (is_ota_app(p)) {
            if (after) {
                esp_partition_iterator_release(it);
                return p;
            }
            first = first != NULL ? first : p;
        }
    }
    return first;
}

esp_err_t esp_ota_get_partition_description(const esp_partition_t *partition,
                                            esp_app_desc_t *app_desc)
{
    ESP_ENSURE(partition != NULL && app_desc != NULL, ESP_ERR_INVALID_ARG);
    ESP_GUARD(esp_partition_read(partition,
                                 sizeof(esp_image_header_t) + sizeof(esp_image_segment_header_t),
                                 app_desc, sizeof(*app_desc)));
    ESP_ENSURE(app_desc->magic_word == ESP_APP_DESC_MAGIC_WORD, ESP_ERR_NOT_FOUND);
    return ESP_OK;
}

esp_err_t esp_ota_get_state_partition(const esp_partition_t *partition,
                                      esp_ota_img_states_t *ota_state)
{
    ESP_ENSURE(partition != NULL && ota_state != NULL, ESP_ERR_INVALID_ARG);
    ESP_ENSURE(is_ota_app(partition), ESP_ERR_NOT_SUPPORTED);
    const esp_partition_t *otadata = otadata_partition();
    ESP_ENSURE(otadata != NULL, ESP_ERR_NOT_FOUND);
    esp_ota_select_entry_t two[2];
    ESP_GUARD(otadata_read(otadata, two));
    int i = otadata_entry_of_slot(two, partition->subtype - ESP_PARTITION_SUBTYPE_APP_OTA_MIN);
    ESP_ENSURE(i >= 0, ESP_ERR_NOT_FOUND);
    *ota_state = (esp_ota_img_states_t)two[i].ota_state;
    return ESP_OK;
}

esp_err_t esp_ota_mark_app_valid_cancel_rollback(void)
{
    const esp_partition_t *running = esp_ota_get_running_partition();
    const esp_partition_t *otadata = otadata_partition();
    if (running == NULL || !is_ota_app(running) || otadata == NULL) {
        return ESP_OK; /* the factory app: nothing to confirm */
    }
    esp_ota_select_entry_t two[2];
    ESP_GUARD(otadata_read(otadata, two));
    int i = otadata_entry_of_slot(two, running->subtype - ESP_PARTITION_SUBTYPE_APP_OTA_MIN);
    bool pending = i >= 0 && (two[i].ota_state == ESP_OTA_IMG_PENDING_VERIFY ||
                              two[i].ota_state == ESP_OTA_IMG_NEW);
    return pending ? otadata_set_state(otadata, two, i, ESP_OTA_IMG_VALID) : ESP_OK;
}

const esp_partition_t *esp_ota_get_last_invalid_partition(void)
{
    const esp_partition_t *otadata = otadata_partition();
    esp_ota_select_entry_t two[2];
    if (otadata == NULL || otadata_read(otadata, two) != ESP_OK) {
        return NULL;
    }
    uint8_t count = otadata_app_count();
    for (int i = 0; i < 2 && count > 0; i++) {
        bool bad =
            two[i].ota_state == ESP_OTA_IMG_INVALID || two[i].ota_state == ESP_OTA_IMG_ABORTED;
        if (otadata_entry_valid(&two[i]) && bad) {
            return esp_partition_find_first(ESP_PARTITION_TYPE_APP,
                                            PART_SUBTYPE_OTA((two[i].ota_seq - 1) % count), NULL);
        }
    }
    return NULL;
}

bool esp_ota_check_rollback_is_possible(void)
{
    const esp_partition_t *running = esp_ota_get_running_partition();
    bool possible = false;
    esp_partition_iterator_t it =
        esp_partition_find(ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_ANY, NULL);
    for (; it != NULL && !possible; it = esp_partition_next(it)) {
        const esp_partition_t *p = esp_partition_get(it);
        uint8_t magic = 0;
        possible = p != running && esp_partition_read(p, 0, &magic, 1) == ESP_OK &&
                   magic == ESP_IMAGE_HEADER_MAGIC && ota_image_check(p, NULL) == ESP_OK;
    }
    esp_partition_iterator_release(it);
    return possible;
}
