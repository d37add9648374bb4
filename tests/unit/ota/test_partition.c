// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of src/flash/: the flash file (esp_private/partition_linux.h), the partition
 * table (built-in two-OTA table, table files, MD5 entry) and esp_partition.h (find, read,
 * write with NOR semantics, erase, ESP-IDF's alignment and bounds errors).
 */
#include <sys/stat.h>

#include "ota_test_support.h"

#include "esp_flash_partitions.h"
#include "esp_partition.h"

typedef struct {
    const char *label;
    esp_partition_type_t type;
    esp_partition_subtype_t subtype;
    uint32_t address;
    uint32_t size;
} expected_t;

static const expected_t k_two_ota[] = {
    {"nvs", ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_NVS, 0x9000, 0x4000},
    {"otadata", ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_OTA, 0xd000, 0x2000},
    {"phy_init", ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_PHY, 0xf000, 0x1000},
    {"factory", ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_APP_FACTORY, 0x10000, 0x100000},
    {"ota_0", ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_APP_OTA_0, 0x110000, 0x100000},
    {"ota_1", ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_APP_OTA_1, 0x210000, 0x100000},
};

static void test_default_table(void **state)
{
    (void)state;
    esp_partition_file_mmap_ctrl_t *act = esp_partition_get_file_mmap_ctrl_act();
    assert_int_equal(act->flash_file_size, 0x400000);
    assert_non_null(strstr(act->flash_file_name, "/tmp/idf-partition-"));
    assert_string_equal(esp_partition_get_file_mmap_ctrl_input()->flash_file_name, "");
    esp_partition_iterator_t it =
        esp_partition_find(ESP_PARTITION_TYPE_ANY, ESP_PARTITION_SUBTYPE_ANY, NULL);
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(k_two_ota); i++) {
        assert_non_null(it);
        const esp_partition_t *p = esp_partition_get(it);
        assert_string_equal(p->label, k_two_ota[i].label);
        assert_int_equal(p->type, k_two_ota[i].type);
        assert_int_equal(p->subtype, k_two_ota[i].subtype);
        assert_int_equal(p->address, k_two_ota[i].address);
        assert_int_equal(p->size, k_two_ota[i].size);
        assert_int_equal(p->erase_size, 0x1000);
        assert_null(p->flash_chip);
        assert_false(p->encrypted);
        it = esp_partition_next(it);
    }
    assert_null(it); /* released by esp_partition_next at the end */
    /* the table in flash: six entries, the MD5 entry, then erased bytes */
    const uint8_t *base = NULL;
    assert_int_equal(esp_partition_file_mmap(&base), ESP_OK);
    assert_int_equal(base[0x8000], 0xAA);
    assert_int_equal(base[0x8001], 0x50);
    assert_int_equal(base[0x8000 + 6 * 32], 0xEB);
    assert_int_equal(base[0x8000 + 7 * 32], 0xFF);
    assert_int_equal(base[0x110000], 0xFF); /* erased flash */
}

static void test_find_filters(void **state)
{
    (void)state;
    const esp_partition_t *p =
        esp_partition_find_first(ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_ANY, "ota_1");
    assert_non_null(p);
    assert_int_equal(p->address, 0x210000);
    assert_null(
        esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY, "ota_1"));
    assert_null(
        esp_partition_find_first(ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_APP_TEST, NULL));
    /* ESP-IDF: a subtype with ESP_PARTITION_TYPE_ANY finds nothing */
    assert_null(esp_partition_find(ESP_PARTITION_TYPE_ANY, ESP_PARTITION_SUBTYPE_DATA_NVS, NULL));
    size_t apps = 0;
    esp_partition_iterator_t it =
        esp_partition_find(ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_ANY, NULL);
    for (; it != NULL; it = esp_partition_next(it)) {
        apps++;
    }
    assert_int_equal(apps, 3);
    it = esp_partition_find(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY, NULL);
    assert_non_null(it);
    esp_partition_iterator_release(it); /* released early: no leak */
    assert_ptr_equal(esp_partition_verify(p), p);
    esp_partition_t copy = *p;
    assert_ptr_equal(esp_partition_verify(&copy), p);
    copy.address += 0x1000;
    assert_null(esp_partition_verify(&copy));
    assert_string_equal(esp_partition_subtype_to_str(ESP_PARTITION_TYPE_DATA, 0), "data_ota");
    assert_string_equal(esp_partition_type_to_str(ESP_PARTITION_TYPE_APP), "app");
}

static void test_bounds_and_alignment(void **state)
{
    (void)state;
    const esp_partition_t *nvs =
        esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_NVS, NULL);
    assert_non_null(nvs);
    uint8_t buf[16] = {0};
    assert_int_equal(esp_partition_read(nvs, 0x4001, buf, 1), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_partition_read(nvs, 0x3FF8, buf, 16), ESP_ERR_INVALID_SIZE);
    assert_int_equal(esp_partition_read(nvs, 0x3FF0, buf, 16), ESP_OK);
    assert_int_equal(esp_partition_write(nvs, 0x4001, buf, 1), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_partition_write(nvs, 0x3FF8, buf, 16), ESP_ERR_INVALID_SIZE);
    assert_int_equal(esp_partition_erase_range(nvs, 0x800, 0x1000), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_partition_erase_range(nvs, 0x5000, 0x1000), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_partition_erase_range(nvs, 0, 0x800), ESP_ERR_INVALID_SIZE);
    assert_int_equal(esp_partition_erase_range(nvs, 0x3000, 0x2000), ESP_ERR_INVALID_SIZE);
    assert_int_equal(esp_partition_erase_range(nvs, 0, 0x4000), ESP_OK);
    assert_int_equal(esp_partition_read_raw(nvs, 0x3FF8, buf, 16), ESP_ERR_INVALID_SIZE);
    assert_int_equal(esp_partition_write_raw(nvs, 0x3FF8, buf, 16), ESP_ERR_INVALID_SIZE);
    const void *ptr = NULL;
    esp_partition_mmap_handle_t h = 0;
    assert_int_equal(esp_partition_mmap(nvs, 0x4001, 1, ESP_PARTITION_MMAP_DATA, &ptr, &h),
                     ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_partition_mmap(nvs, 1, 0x4000, ESP_PARTITION_MMAP_DATA, &ptr, &h),
                     ESP_ERR_INVALID_SIZE);
    assert_int_equal(esp_partition_get_main_flash_sector_size(), 0x1000);
}

static void test_nor_semantics(void **state)
{
    (void)state;
    const esp_partition_t *nvs =
        esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_NVS, NULL);
    uint8_t v = 0x0F;
    uint8_t out = 0;
    assert_int_equal(esp_partition_write(nvs, 0x10, &v, 1), ESP_OK);
    assert_int_equal(esp_partition_read(nvs, 0x10, &out, 1), ESP_OK);
    assert_int_equal(out, 0x0F);
    v = 0x05; /* only clears bits: allowed */
    assert_int_equal(esp_partition_write(nvs, 0x10, &v, 1), ESP_OK);
    assert_int_equal(esp_partition_read(nvs, 0x10, &out, 1), ESP_OK);
    assert_int_equal(out, 0x05);
    log_capture_start();
    v = 0xF0; /* would set bits: refused, flash unchanged */
    assert_int_equal(esp_partition_write(nvs, 0x10, &v, 1), ESP_ERR_FLASH_OP_FAIL);
    assert_logged("invalid flash operation detected");
    log_capture_stop();
    assert_int_equal(esp_partition_read(nvs, 0x10, &out, 1), ESP_OK);
    assert_int_equal(out, 0x05);
    assert_int_equal(esp_partition_erase_range(nvs, 0, 0x1000), ESP_OK);
    assert_int_equal(esp_partition_read(nvs, 0x10, &out, 1), ESP_OK);
    assert_int_equal(out, 0xFF);
    const esp_partition_t *phy =
        esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_PHY, NULL);
    uint8_t a[32];
    assert_int_equal(esp_partition_get_sha256(phy, a), ESP_OK);
    assert_true(esp_partition_check_identity(phy, phy));
    assert_false(esp_partition_check_identity(phy, nvs));
}

/* Drop the fixture's flash; the next use makes a @p flash_len flash holding @p table, written
 * to the file @p path (a mkstemp template). */
static void use_table_file(char *path, const uint8_t *table, size_t len, size_t flash_len)
{
    assert_int_equal(esp_partition_file_munmap(), ESP_OK);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, table, len), (ssize_t)len);
    close(fd);
    esp_partition_file_mmap_ctrl_t *in = esp_partition_get_file_mmap_ctrl_input();
    memset(in, 0, sizeof(*in));
    in->flash_file_size = flash_len;
    snprintf(in->partition_file_name, sizeof(in->partition_file_name), "%s", path);
    in->remove_dump = true;
}

static void put_entry(uint8_t *e, uint8_t type, uint8_t subtype, uint32_t off, uint32_t size,
                      const char *label, uint32_t flags)
{
    esp_partition_info_t info;
    memset(&info, 0, sizeof(info));
    info.magic = ESP_PARTITION_MAGIC;
    info.type = type;
    info.subtype = subtype;
    info.pos.offset = off;
    info.pos.size = size;
    memcpy(info.label, label, strlen(label));
    info.flags = flags;
    memcpy(e, &info, sizeof(info));
}

/* A table file without MD5 entry, in an 8 MB flash, with a read-only partition. */
static void test_table_file(void **state)
{
    (void)state;
    uint8_t table[3 * 32];
    memset(table, 0xFF, sizeof(table));
    put_entry(table, 1, 0x82, 0x10000, 0x600000, "storage", 0);
    put_entry(table + 32, 1, 0x02, 0x9000, 0x6000, "nvs_ro", PART_FLAG_READONLY);
    char path[] = "/tmp/ota-unit-table-XXXXXX";
    use_table_file(path, table, sizeof(table), 0x800000);
    const esp_partition_t *p =
        esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY, "storage");
    assert_non_null(p);
    assert_int_equal(p->size, 0x600000);
    assert_int_equal(esp_partition_get_file_mmap_ctrl_act()->flash_file_size, 0x800000);
    const esp_partition_t *ro =
        esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY, "nvs_ro");
    assert_non_null(ro);
    assert_true(ro->readonly);
    assert_int_equal(esp_partition_erase_range(ro, 0, 0x1000), ESP_ERR_NOT_ALLOWED);
    uint8_t z = 0;
    assert_int_equal(esp_partition_write(ro, 0, &z, 1), ESP_ERR_NOT_ALLOWED);
    unlink(path);
}

static void test_bad_md5(void **state)
{
    (void)state;
    uint8_t table[3 * 32];
    memset(table, 0xFF, sizeof(table));
    put_entry(table, 1, 0x02, 0x9000, 0x6000, "nvs", 0);
    table[32] = 0xEB;
    table[33] = 0xEB;
    memset(table + 48, 0x11, 16); /* not the MD5 of the entry */
    char path[] = "/tmp/ota-unit-table-XXXXXX";
    use_table_file(path, table, sizeof(table), 0x100000);
    log_capture_start();
    assert_null(esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY, NULL));
    assert_logged("incorrect MD5 checksum");
    log_capture_stop();
    unlink(path);
}

static void test_ctrl_rules(void **state)
{
    (void)state;
    assert_int_equal(esp_partition_file_munmap(), ESP_OK);
    assert_int_equal(esp_partition_file_munmap(), ESP_ERR_NO_MEM); /* nothing mapped */
    esp_partition_file_mmap_ctrl_t *in = esp_partition_get_file_mmap_ctrl_input();
    const uint8_t *base = NULL;
    log_capture_start();
    memset(in, 0, sizeof(*in));
    snprintf(in->flash_file_name, sizeof(in->flash_file_name), "/tmp/x");
    in->flash_file_size = 0x1000;
    assert_int_equal(esp_partition_file_mmap(&base), ESP_ERR_INVALID_ARG);
    memset(in, 0, sizeof(*in));
    in->flash_file_size = 0x400000; /* a size without a table file */
    assert_int_equal(esp_partition_file_mmap(&base), ESP_ERR_INVALID_ARG);
    memset(in, 0, sizeof(*in));
    snprintf(in->flash_file_name, sizeof(in->flash_file_name), "/nonexistent/flash.bin");
    assert_int_equal(esp_partition_file_mmap(&base), ESP_ERR_NOT_FOUND);
    assert_logged("/nonexistent/flash.bin");
    log_capture_stop();
    memset(in, 0, sizeof(*in));
    in->remove_dump = true;
    assert_int_equal(esp_partition_file_mmap(&base), ESP_OK); /* for the teardown */
}

/* A kept flash file is reopened with its contents; remove_dump deletes it. */
static void test_persistence(void **state)
{
    (void)state;
    esp_partition_get_file_mmap_ctrl_input()->remove_dump = false;
    const esp_partition_t *nvs =
        esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_NVS, NULL);
    const char msg[] = "kept";
    assert_int_equal(esp_partition_write(nvs, 0, msg, sizeof(msg)), ESP_OK);
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s", esp_partition_get_file_mmap_ctrl_act()->flash_file_name);
    assert_int_equal(esp_partition_file_munmap(), ESP_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 0x400000);
    esp_partition_file_mmap_ctrl_t *in = esp_partition_get_file_mmap_ctrl_input();
    snprintf(in->flash_file_name, sizeof(in->flash_file_name), "%s", path);
    in->remove_dump = true;
    nvs = esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_NVS, NULL);
    assert_non_null(nvs);
    char back[sizeof(msg)];
    assert_int_equal(esp_partition_read(nvs, 0, back, sizeof(back)), ESP_OK);
    assert_string_equal(back, "kept");
    assert_int_equal(esp_partition_file_munmap(), ESP_OK);
    assert_int_equal(stat(path, &st), -1); /* removed */
    const uint8_t *base = NULL;
    in->remove_dump = true;
    assert_int_equal(esp_partition_file_mmap(&base), ESP_OK); /* for the teardown */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_default_table, fresh_flash, drop_flash),
        cmocka_unit_test_setup_teardown(test_find_filters, fresh_flash, drop_flash),
        cmocka_unit_test_setup_teardown(test_bounds_and_alignment, fresh_flash, drop_flash),
        cmocka_unit_test_setup_teardown(test_nor_semantics, fresh_flash, drop_flash),
        cmocka_unit_test_setup_teardown(test_table_file, fresh_flash, drop_flash),
        cmocka_unit_test_setup_teardown(test_bad_md5, fresh_flash, drop_flash),
        cmocka_unit_test_setup_teardown(test_ctrl_rules, fresh_flash, drop_flash),
        cmocka_unit_test_setup_teardown(test_persistence, fresh_flash, drop_flash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
