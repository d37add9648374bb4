// SPDX-License-Identifier: Apache-2.0
/*
 * The file behind the emulated flash (esp_private/partition_linux.h): created or opened,
 * mapped shared so that writes reach the file, unmapped and optionally deleted.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../flash/flash_internal.h"
#include "esp_log.h"
#include "esp_private/partition_linux.h"

static const char *TAG = "linux_spiflash";

static esp_partition_file_mmap_ctrl_t s_input;
static esp_partition_file_mmap_ctrl_t s_act;
static uint8_t *s_buf;
static int s_fd = -1;
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;

esp_partition_file_mmap_ctrl_t *esp_partition_get_file_mmap_ctrl_input(void)
{
    return &s_input;
}

esp_partition_file_mmap_ctrl_t *esp_partition_get_file_mmap_ctrl_act(void)
{
    return &s_act;
}

static void copy_name(char *dst, const char *src)
{
    snprintf(dst, PATH_MAX, "%s", src);
}

static esp_err_t map_fd(void)
{
    void *p = mmap(NULL, s_act.flash_file_size, PROT_READ | PROT_WRITE, MAP_SHARED, s_fd, 0);
    if (p == MAP_FAILED) {
        ESP_LOGE(TAG, "cannot mmap flash file %s: %s", s_act.flash_file_name, strerror(errno));
        return ESP_ERR_NO_MEM;
    }
    s_buf = p;
    return ESP_OK;
}

static esp_err_t open_existing(void)
{
    copy_name(s_act.flash_file_name, s_input.flash_file_name);
    s_fd = open(s_act.flash_file_name, O_RDWR | O_CLOEXEC);
    if (s_fd < 0) {
        ESP_LOGE(TAG, "cannot open flash file %s: %s", s_act.flash_file_name, strerror(errno));
        return ESP_ERR_NOT_FOUND;
    }
    struct stat st;
    if (fstat(s_fd, &st) != 0 || st.st_size < ESP_PARTITION_TABLE_OFFSET + 0x1000) {
        ESP_LOGE(TAG, "flash file %s is too small to hold a partition table",
                 s_act.flash_file_name);
        return ESP_ERR_INVALID_SIZE;
    }
    s_act.flash_file_size = (size_t)st.st_size;
    return map_fd();
}

static esp_err_t load_table_file(uint8_t *dst, size_t room)
{
    FILE *f = fopen(s_act.partition_file_name, "rb");
    if (f == NULL) {
        ESP_LOGE(TAG, "cannot open partition table file %s: %s", s_act.partition_file_name,
                 strerror(errno));
        return ESP_ERR_NOT_FOUND;
    }
    uint8_t tmp[ESP_PARTITION_TABLE_MAX_LEN + 1];
    size_t n = fread(tmp, 1, sizeof(tmp), f);
    fclose(f);
    if (n > room || n > ESP_PARTITION_TABLE_MAX_LEN) {
        ESP_LOGE(TAG, "partition table file %s does not fit at 0x%x", s_act.partition_file_name,
                 ESP_PARTITION_TABLE_OFFSET);
        return ESP_ERR_INVALID_SIZE;
    }
    memcpy(dst, tmp, n);
    return ESP_OK;
}

static esp_err_t create_temporary(void)
{
    bool has_table = s_input.partition_file_name[0] != '\0';
    bool has_size = s_input.flash_file_size > 0;
    if (has_table != has_size) {
        ESP_LOGE(TAG, "give both the partition table file and the flash file size, or neither");
        return ESP_ERR_INVALID_ARG;
    }
    s_act.flash_file_size =
        has_size ? s_input.flash_file_size : ESP_PARTITION_DEFAULT_EMULATED_FLASH_SIZE;
    copy_name(s_act.partition_file_name, s_input.partition_file_name);
    if (s_act.flash_file_size < ESP_PARTITION_TABLE_OFFSET + ESP_PARTITION_TABLE_MAX_LEN) {
        ESP_LOGE(TAG, "flash size %zu cannot hold a partition table", s_act.flash_file_size);
        return ESP_ERR_INVALID_SIZE;
    }
    copy_name(s_act.flash_file_name, "/tmp/idf-partition-XXXXXX");
    s_fd = mkstemp(s_act.flash_file_name);
    if (s_fd < 0) {
        ESP_LOGE(TAG, "cannot create a flash file: %s", strerror(errno));
        return ESP_ERR_NOT_FINISHED;
    }
    if (ftruncate(s_fd, (off_t)s_act.flash_file_size) != 0) {
        ESP_LOGE(TAG, "cannot size flash file %s: %s", s_act.flash_file_name, strerror(errno));
        return ESP_ERR_INVALID_SIZE;
    }
    esp_err_t rc = map_fd();
    if (rc != ESP_OK) {
        return rc;
    }
    memset(s_buf, 0xFF, s_act.flash_file_size);
    uint8_t *table = s_buf + ESP_PARTITION_TABLE_OFFSET;
    if (!has_table) {
        flash_default_table(table);
        return ESP_OK;
    }
    return load_table_file(table, s_act.flash_file_size - ESP_PARTITION_TABLE_OFFSET);
}

static void undo_open(void)
{
    if (s_buf != NULL) {
        munmap(s_buf, s_act.flash_file_size);
        s_buf = NULL;
    }
    if (s_fd >= 0) {
        close(s_fd);
        s_fd = -1;
    }
    if (s_input.flash_file_name[0] == '\0' && s_act.flash_file_name[0] != '\0') {
        unlink(s_act.flash_file_name); /* a temporary file we made */
    }
    memset(&s_act, 0, sizeof(s_act));
}

static esp_err_t open_flash(void)
{
    bool existing = s_input.flash_file_name[0] != '\0';
    if (existing && (s_input.flash_file_size > 0 || s_input.partition_file_name[0] != '\0')) {
        ESP_LOGE(TAG, "flash file %s given with a size or a partition table file (use neither)",
                 s_input.flash_file_name);
        return ESP_ERR_INVALID_ARG;
    }
    esp_err_t rc = existing ? open_existing() : create_temporary();
    if (rc != ESP_OK) {
        undo_open();
        return rc;
    }
    bool keep_remove = s_input.remove_dump;
    memset(&s_input, 0, sizeof(s_input));
    s_input.remove_dump = keep_remove;
    return ESP_OK;
}

esp_err_t esp_partition_file_mmap(const uint8_t **part_desc_addr_start)
{
    pthread_mutex_lock(&s_lock);
    esp_err_t rc = s_buf != NULL ? ESP_OK : open_flash();
    pthread_mutex_unlock(&s_lock);
    if (rc == ESP_OK && part_desc_addr_start != NULL) {
        *part_desc_addr_start = s_buf;
    }
    return rc;
}

esp_err_t esp_partition_file_munmap(void)
{
    pthread_mutex_lock(&s_lock);
    if (s_buf == NULL) {
        pthread_mutex_unlock(&s_lock);
        return ESP_ERR_NO_MEM;
    }
    flash_partitions_forget();
    esp_err_t rc = ESP_OK;
    if (munmap(s_buf, s_act.flash_file_size) != 0 || close(s_fd) != 0) {
        ESP_LOGE(TAG, "cannot unmap flash file %s: %s", s_act.flash_file_name, strerror(errno));
        rc = ESP_ERR_INVALID_RESPONSE;
    }
    if (s_input.remove_dump && remove(s_act.flash_file_name) != 0) {
        ESP_LOGE(TAG, "cannot remove flash file %s: %s", s_act.flash_file_name, strerror(errno));
        rc = ESP_ERR_INVALID_RESPONSE;
    }
    s_buf = NULL;
    s_fd = -1;
    memset(&s_act, 0, sizeof(s_act));
    memset(&s_input, 0, sizeof(s_input));
    pthread_mutex_unlock(&s_lock);
    return rc;
}

uint8_t *flash_base(void)
{
    const uint8_t *base = NULL;
    return esp_partition_file_mmap(&base) == ESP_OK ? (uint8_t *)base : NULL;
}

size_t flash_size(void)
{
    return s_buf != NULL ? s_act.flash_file_size : 0;
}

esp_err_t flash_file_create_default(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (errno == EEXIST) {
            return ESP_OK;
        }
        ESP_LOGE(TAG, "cannot create flash file %s: %s", path, strerror(errno));
        return ESP_ERR_NOT_FINISHED;
    }
    uint8_t sector[0x1000];
    esp_err_t rc = ESP_OK;
    for (size_t off = 0; off < ESP_PARTITION_DEFAULT_EMULATED_FLASH_SIZE && rc == ESP_OK;
         off += sizeof(sector)) {
        memset(sector, 0xFF, sizeof(sector));
        if (off == ESP_PARTITION_TABLE_OFFSET) {
            flash_default_table(sector);
        }
        if (pwrite(fd, sector, sizeof(sector), (off_t)off) != (ssize_t)sizeof(sector)) {
            ESP_LOGE(TAG, "cannot write flash file %s: %s", path, strerror(errno));
            rc = ESP_ERR_NOT_FINISHED;
        }
    }
    close(fd);
    if (rc != ESP_OK) {
        unlink(path);
    }
    return rc;
}
