// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of src/ota/: esp_ota_ops.h on the emulated flash with the committed reference
 * image (tests/ota/reference.bin, layout in reference.txt) and corrupt copies of it, one per
 * image check; otadata's two slots, their sequence numbers and CRCs as on a chip.
 */
#include "ota_test_support.h"

#include "esp_app_format.h"
#include "esp_ota_ops.h"

static uint8_t g_img[4096];
static size_t g_img_len;

static void load_reference(void)
{
    FILE *f = fopen(OTA_REFERENCE_IMAGE, "rb");
    assert_non_null(f);
    g_img_len = fread(g_img, 1, sizeof(g_img), f);
    fclose(f);
    assert_int_equal(g_img_len, 656);
}

static const esp_partition_t *app(esp_partition_subtype_t subtype)
{
    const esp_partition_t *p = esp_partition_find_first(ESP_PARTITION_TYPE_APP, subtype, NULL);
    assert_non_null(p);
    return p;
}

/* Write @p len bytes of @p img into @p p in chunks of 100 bytes; the result of esp_ota_end. */
static esp_err_t ota_image(const esp_partition_t *p, const uint8_t *img, size_t len,
                           size_t image_size)
{
    esp_ota_handle_t h = 0;
    assert_int_equal(esp_ota_begin(p, image_size, &h), ESP_OK);
    assert_int_not_equal(h, 0);
    for (size_t off = 0; off < len; off += 100) {
        size_t n = len - off < 100 ? len - off : 100;
        assert_int_equal(esp_ota_write(h, img + off, n), ESP_OK);
    }
    return esp_ota_end(h);
}

static void read_otadata(esp_ota_select_entry_t two[2])
{
    const esp_partition_t *od =
        esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_OTA, NULL);
    assert_int_equal(esp_partition_read(od, 0, &two[0], 32), ESP_OK);
    assert_int_equal(esp_partition_read(od, 0x1000, &two[1], 32), ESP_OK);
}

/* Write an otadata entry (sequence @p seq, @p state, @p crc) into sector @p sector. */
static void put_entry(int sector, uint32_t seq, uint32_t state, uint32_t crc)
{
    const esp_partition_t *od =
        esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_OTA, NULL);
    esp_ota_select_entry_t e;
    memset(&e, 0xFF, sizeof(e));
    e.ota_seq = seq;
    e.ota_state = state;
    e.crc = crc;
    assert_int_equal(esp_partition_erase_range(od, (size_t)sector * 0x1000, 0x1000), ESP_OK);
    assert_int_equal(esp_partition_write(od, (size_t)sector * 0x1000, &e, sizeof(e)), ESP_OK);
}

static void restart(void)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s", esp_partition_get_file_mmap_ctrl_act()->flash_file_name);
    esp_partition_get_file_mmap_ctrl_input()->remove_dump = false;
    assert_int_equal(esp_partition_file_munmap(), ESP_OK);
    esp_partition_file_mmap_ctrl_t *in = esp_partition_get_file_mmap_ctrl_input();
    snprintf(in->flash_file_name, sizeof(in->flash_file_name), "%s", path);
    in->remove_dump = true;
}

static void test_fresh_flash(void **state)
{
    (void)state;
    const esp_partition_t *factory = app(ESP_PARTITION_SUBTYPE_APP_FACTORY);
    assert_ptr_equal(esp_ota_get_running_partition(), factory);
    assert_ptr_equal(esp_ota_get_boot_partition(), factory);
    assert_ptr_equal(esp_ota_get_next_update_partition(NULL), app(ESP_PARTITION_SUBTYPE_APP_OTA_0));
    assert_ptr_equal(esp_ota_get_next_update_partition(app(ESP_PARTITION_SUBTYPE_APP_OTA_0)),
                     app(ESP_PARTITION_SUBTYPE_APP_OTA_1));
    assert_ptr_equal(esp_ota_get_next_update_partition(app(ESP_PARTITION_SUBTYPE_APP_OTA_1)),
                     app(ESP_PARTITION_SUBTYPE_APP_OTA_0));
    assert_int_equal(esp_ota_get_app_partition_count(), 2);
    esp_app_desc_t d;
    assert_int_equal(esp_ota_get_partition_description(factory, &d), ESP_ERR_NOT_FOUND);
}

/* Full update into ota_0, then ota_1, then ota_0 again, then back to factory: the otadata
 * entries (sequence numbers, CRCs, alternating sectors) are those a chip would hold. */
static void test_update_cycle(void **state)
{
    (void)state;
    load_reference();
    const esp_partition_t *factory = app(ESP_PARTITION_SUBTYPE_APP_FACTORY);
    const esp_partition_t *ota0 = app(ESP_PARTITION_SUBTYPE_APP_OTA_0);
    const esp_partition_t *ota1 = app(ESP_PARTITION_SUBTYPE_APP_OTA_1);
    assert_int_equal(ota_image(ota0, g_img, g_img_len, OTA_SIZE_UNKNOWN), ESP_OK);
    assert_ptr_equal(esp_ota_get_boot_partition(), factory); /* not yet selected */
    assert_int_equal(esp_ota_set_boot_partition(ota0), ESP_OK);
    assert_ptr_equal(esp_ota_get_boot_partition(), ota0);
    assert_ptr_equal(esp_ota_get_running_partition(), factory); /* no restart */
    esp_ota_select_entry_t two[2];
    read_otadata(two);
    assert_int_equal(two[0].ota_seq, 1);
    assert_int_equal(two[0].crc, 0x4743989a); /* CRC-32 of 01 00 00 00 as on a chip */
    assert_int_equal(two[0].ota_state, ESP_OTA_IMG_UNDEFINED);
    assert_int_equal(two[0].seq_label[0], 0xFF);
    assert_int_equal(two[1].ota_seq, 0xFFFFFFFF);
    esp_app_desc_t d;
    assert_int_equal(esp_ota_get_partition_description(ota0, &d), ESP_OK);
    assert_string_equal(d.version, "1.0.0");
    assert_string_equal(d.project_name, "ota_reference");
    assert_int_equal(ota_image(ota1, g_img, g_img_len, g_img_len), ESP_OK);
    assert_int_equal(esp_ota_set_boot_partition(ota1), ESP_OK);
    read_otadata(two);
    assert_int_equal(two[1].ota_seq, 2);
    assert_int_equal(two[1].crc, 0x55f63774);
    assert_ptr_equal(esp_ota_get_boot_partition(), ota1);
    esp_ota_img_states_t st;
    assert_int_equal(esp_ota_get_state_partition(ota1, &st), ESP_OK);
    assert_int_equal(st, ESP_OTA_IMG_UNDEFINED);
    assert_int_equal(esp_ota_set_boot_partition(ota0), ESP_OK);
    read_otadata(two);
    assert_int_equal(two[0].ota_seq, 3);
    assert_int_equal(two[0].crc, 0xed4a5011);
    assert_int_equal(two[1].ota_seq, 2);
    assert_ptr_equal(esp_ota_get_boot_partition(), ota0);
    assert_int_equal(esp_ota_set_boot_partition(factory), ESP_ERR_OTA_VALIDATE_FAILED);
    assert_ptr_equal(esp_ota_get_boot_partition(), ota0);
}

/* A corrupted CRC makes an entry invalid: the other entry (or factory) is selected. */
static void test_otadata_crc(void **state)
{
    (void)state;
    load_reference();
    const esp_partition_t *ota0 = app(ESP_PARTITION_SUBTYPE_APP_OTA_0);
    const esp_partition_t *ota1 = app(ESP_PARTITION_SUBTYPE_APP_OTA_1);
    assert_int_equal(ota_image(ota0, g_img, g_img_len, OTA_SIZE_UNKNOWN), ESP_OK);
    assert_int_equal(ota_image(ota1, g_img, g_img_len, OTA_SIZE_UNKNOWN), ESP_OK);
    assert_int_equal(esp_ota_set_boot_partition(ota0), ESP_OK);
    assert_int_equal(esp_ota_set_boot_partition(ota1), ESP_OK);
    assert_ptr_equal(esp_ota_get_boot_partition(), ota1);
    const esp_partition_t *od =
        esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_DATA_OTA, NULL);
    uint8_t zero = 0;
    assert_int_equal(esp_partition_write(od, 0x1000 + 28, &zero, 1), ESP_OK); /* crc byte */
    assert_ptr_equal(esp_ota_get_boot_partition(), ota0);
    assert_int_equal(esp_partition_write(od, 28, &zero, 1), ESP_OK);
    assert_ptr_equal(esp_ota_get_boot_partition(), app(ESP_PARTITION_SUBTYPE_APP_FACTORY));
}

/* After a "restart" (the flash mapped again) the running partition is the boot partition,
 * and esp_ota_begin refuses to overwrite it. */
static void test_running_after_restart(void **state)
{
    (void)state;
    load_reference();
    const esp_partition_t *ota0 = app(ESP_PARTITION_SUBTYPE_APP_OTA_0);
    assert_int_equal(ota_image(ota0, g_img, g_img_len, OTA_SIZE_UNKNOWN), ESP_OK);
    assert_int_equal(esp_ota_set_boot_partition(ota0), ESP_OK);
    restart();
    ota0 = app(ESP_PARTITION_SUBTYPE_APP_OTA_0);
    assert_ptr_equal(esp_ota_get_running_partition(), ota0);
    assert_ptr_equal(esp_ota_get_next_update_partition(NULL), app(ESP_PARTITION_SUBTYPE_APP_OTA_1));
    esp_ota_handle_t h = 0;
    log_capture_start();
    assert_int_equal(esp_ota_begin(ota0, OTA_SIZE_UNKNOWN, &h), ESP_ERR_OTA_PARTITION_CONFLICT);
    assert_logged("running partition");
    log_capture_stop();
    const esp_app_desc_t *d = esp_app_get_description();
    assert_string_equal(d->project_name, "ota_reference"); /* the running image's */
}

static void test_begin_args(void **state)
{
    (void)state;
    esp_ota_handle_t h = 0;
    const esp_partition_t *ota0 = app(ESP_PARTITION_SUBTYPE_APP_OTA_0);
    assert_int_equal(esp_ota_begin(NULL, 0, &h), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_ota_begin(ota0, 0, NULL), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_ota_begin(app(ESP_PARTITION_SUBTYPE_APP_FACTORY), 0, &h),
                     ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_ota_begin(ota0, 0x100001, &h), ESP_ERR_INVALID_SIZE);
    esp_partition_t bogus = *ota0;
    bogus.address = 0x300000;
    assert_int_equal(esp_ota_begin(&bogus, 0, &h), ESP_ERR_NOT_FOUND);
    assert_int_equal(esp_ota_end(12345), ESP_ERR_NOT_FOUND);
    assert_int_equal(esp_ota_abort(12345), ESP_ERR_NOT_FOUND);
    assert_int_equal(esp_ota_write(12345, "x", 1), ESP_ERR_INVALID_ARG);
    assert_int_equal(esp_ota_begin(ota0, OTA_SIZE_UNKNOWN, &h), ESP_OK);
    assert_int_equal(esp_ota_end(h), ESP_ERR_INVALID_ARG); /* nothing written */
    assert_int_equal(esp_ota_begin(ota0, OTA_SIZE_UNKNOWN, &h), ESP_OK);
    log_capture_start();
    assert_int_equal(esp_ota_write(h,
                                   "\x7f"
                                   "ELF",
                                   4),
                     ESP_ERR_OTA_VALIDATE_FAILED);
    assert_logged("invalid magic byte (expected 0xE9, saw 0x7f)");
    log_capture_stop();
    assert_int_equal(esp_ota_abort(h), ESP_OK);
    assert_int_equal(esp_ota_write(h, "\xe9", 1), ESP_ERR_INVALID_ARG); /* aborted */
}

/* Sequential erase and writes at offsets give the same valid image. */
static void test_sequential_and_offsets(void **state)
{
    (void)state;
    load_reference();
    const esp_partition_t *ota1 = app(ESP_PARTITION_SUBTYPE_APP_OTA_1);
    /* leftovers of an earlier image must be erased by the sequential mode */
    assert_int_equal(ota_image(ota1, g_img, g_img_len, OTA_SIZE_UNKNOWN), ESP_OK);
    assert_int_equal(ota_image(ota1, g_img, g_img_len, OTA_WITH_SEQUENTIAL_WRITES), ESP_OK);
    esp_ota_handle_t h = 0;
    assert_int_equal(esp_ota_begin(ota1, g_img_len, &h), ESP_OK);
    assert_int_equal(esp_ota_write_with_offset(h, g_img + 300, g_img_len - 300, 300), ESP_OK);
    assert_int_equal(esp_ota_write_with_offset(h, g_img, 300, 0), ESP_OK);
    assert_int_equal(esp_ota_end(h), ESP_OK);
    assert_int_equal(esp_ota_set_boot_partition(ota1), ESP_OK);
    assert_ptr_equal(esp_ota_get_boot_partition(), ota1);
}

/* Rollback helpers: an entry in PENDING_VERIFY is confirmed as VALID by the running app, an
 * INVALID one is reported, and a rollback needs another valid image. */
static void test_rollback_states(void **state)
{
    (void)state;
    load_reference();
    assert_false(esp_ota_check_rollback_is_possible()); /* factory runs, nothing else */
    assert_int_equal(esp_ota_mark_app_valid_cancel_rollback(), ESP_OK); /* factory: no-op */
    const esp_partition_t *ota0 = app(ESP_PARTITION_SUBTYPE_APP_OTA_0);
    assert_int_equal(ota_image(ota0, g_img, g_img_len, OTA_SIZE_UNKNOWN), ESP_OK);
    assert_true(esp_ota_check_rollback_is_possible());
    put_entry(0, 1, ESP_OTA_IMG_PENDING_VERIFY, 0x4743989a); /* ota_0, as after a first boot */
    restart();
    ota0 = app(ESP_PARTITION_SUBTYPE_APP_OTA_0);
    assert_ptr_equal(esp_ota_get_running_partition(), ota0);
    esp_ota_img_states_t st;
    assert_int_equal(esp_ota_get_state_partition(ota0, &st), ESP_OK);
    assert_int_equal(st, ESP_OTA_IMG_PENDING_VERIFY);
    assert_int_equal(esp_ota_mark_app_valid_cancel_rollback(), ESP_OK);
    assert_int_equal(esp_ota_get_state_partition(ota0, &st), ESP_OK);
    assert_int_equal(st, ESP_OTA_IMG_VALID);
    assert_false(esp_ota_check_rollback_is_possible()); /* factory holds no image */
    assert_null(esp_ota_get_last_invalid_partition());
    put_entry(1, 2, ESP_OTA_IMG_INVALID, 0x55f63774); /* ota_1 rejected */
    assert_ptr_equal(esp_ota_get_last_invalid_partition(), app(ESP_PARTITION_SUBTYPE_APP_OTA_1));
}

typedef struct {
    const char *name;
    size_t offset;
    uint32_t value; /* written as 1 byte, or 4 bytes when wide */
    bool wide;
    size_t cut; /* bytes removed from the end */
    const char *log;
} corruption_t;

static const corruption_t k_bad[] = {
    {"magic", 0x00, 0xE8, false, 0, NULL},
    {"segments", 0x01, 17, false, 0, "has 17 segments"},
    {"bounds", 0x164, 0x200000, true, 0, "ends beyond the partition"},
    {"align", 0x164, 0xFE, true, 0, "is not a multiple of 4"},
    {"desc", 0x20, 0x00, false, 0, "app description magic"},
    {"checksum", 0x26F, 0x9D, false, 0, "checksum 0x9d does not match the computed 0x9c"},
    {"data", 0x200, 0x00, false, 0, "does not match the computed"},
    {"hash", 0x270, 0x00, false, 0, "appended SHA-256 does not match"},
    {"padding", 0x268, 0x00, false, 0, "appended SHA-256 does not match"},
    {"truncated", 0, 0, false, 100, "does not match"},
};

/* Every image check fails on its own corruption with ESP_ERR_OTA_VALIDATE_FAILED, a log line
 * naming it, and the boot partition unchanged. */
static void test_bad_images(void **state)
{
    (void)state;
    load_reference();
    const esp_partition_t *ota0 = app(ESP_PARTITION_SUBTYPE_APP_OTA_0);
    const esp_partition_t *factory = app(ESP_PARTITION_SUBTYPE_APP_FACTORY);
    for (size_t i = 0; i < UNIT_ARRAY_SIZE(k_bad); i++) {
        const corruption_t *c = &k_bad[i];
        uint8_t img[sizeof(g_img)];
        memcpy(img, g_img, g_img_len);
        if (c->wide) {
            memcpy(img + c->offset, &c->value, 4);
        } else if (c->cut == 0) {
            img[c->offset] = (uint8_t)c->value;
        }
        log_capture_start();
        esp_ota_handle_t h = 0;
        assert_int_equal(esp_ota_begin(ota0, OTA_SIZE_UNKNOWN, &h), ESP_OK);
        esp_err_t rc = esp_ota_write(h, img, g_img_len - c->cut);
        if (c->log == NULL) { /* the first byte is checked by esp_ota_write */
            assert_int_equal(rc, ESP_ERR_OTA_VALIDATE_FAILED);
            assert_int_equal(esp_ota_abort(h), ESP_OK);
        } else {
            assert_int_equal(rc, ESP_OK);
            if (esp_ota_end(h) != ESP_ERR_OTA_VALIDATE_FAILED) {
                fail_msg("%s: image accepted", c->name);
            }
            assert_logged(c->log);
            assert_logged("failed validation");
        }
        log_capture_stop();
        assert_int_equal(esp_ota_set_boot_partition(ota0), ESP_ERR_OTA_VALIDATE_FAILED);
        assert_ptr_equal(esp_ota_get_boot_partition(), factory);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fresh_flash, fresh_flash, drop_flash),
        cmocka_unit_test_setup_teardown(test_update_cycle, fresh_flash, drop_flash),
        cmocka_unit_test_setup_teardown(test_otadata_crc, fresh_flash, drop_flash),
        cmocka_unit_test_setup_teardown(test_running_after_restart, fresh_flash, drop_flash),
        cmocka_unit_test_setup_teardown(test_begin_args, fresh_flash, drop_flash),
        cmocka_unit_test_setup_teardown(test_sequential_and_offsets, fresh_flash, drop_flash),
        cmocka_unit_test_setup_teardown(test_bad_images, fresh_flash, drop_flash),
        cmocka_unit_test_setup_teardown(test_rollback_states, fresh_flash, drop_flash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
