// SPDX-License-Identifier: Apache-2.0
/*
 * App image check (layout in esp_app_format.h): one pass over the image, reading it through
 * the partition API, XOR-ing the segment data for the checksum and hashing everything before
 * the appended SHA-256 (Mbed TLS).
 */
#include <string.h>

#include "../port/guard.h"
#include "esp_app_format.h"
#include "esp_log.h"
#include "image.h"
#include "mbedtls/sha256.h"

static const char *TAG = "esp_image";

#define CHECKSUM_SEED 0xEF
#define CHUNK 4096

typedef struct {
    const esp_partition_t *part;
    size_t pos; /* next byte to read */
    uint8_t checksum;
    mbedtls_sha256_context sha;
} walk_t;

/* Read @p len bytes at the current position into @p out (or only hash them if out is NULL),
 * optionally XOR-ing them into the checksum. */
static esp_err_t take(walk_t *w, void *out, size_t len, bool data)
{
    ESP_ENSURE_LOG(len <= w->part->size - w->pos, ESP_ERR_IMAGE_INVALID,
                   "image in %s: 0x%zx bytes at offset 0x%zx end beyond the partition",
                   w->part->label, len, w->pos);
    uint8_t buf[CHUNK];
    while (len > 0) {
        size_t n = len < sizeof(buf) ? len : sizeof(buf);
        ESP_GUARD(esp_partition_read(w->part, w->pos, buf, n));
        mbedtls_sha256_update(&w->sha, buf, n);
        for (size_t i = 0; data && i < n; i++) {
            w->checksum ^= buf[i];
        }
        if (out != NULL) {
            memcpy(out, buf, n);
            out = (uint8_t *)out + n;
        }
        w->pos += n;
        len -= n;
    }
    return ESP_OK;
}

static esp_err_t check_header(walk_t *w, esp_image_header_t *h)
{
    ESP_GUARD(take(w, h, sizeof(*h), false));
    ESP_ENSURE_LOG(h->magic == ESP_IMAGE_HEADER_MAGIC, ESP_ERR_IMAGE_INVALID,
                   "image in %s has invalid magic byte 0x%02x (expected 0xe9)", w->part->label,
                   h->magic);
    ESP_ENSURE_LOG(h->segment_count >= 1 && h->segment_count <= ESP_IMAGE_MAX_SEGMENTS,
                   ESP_ERR_IMAGE_INVALID, "image in %s has %u segments (1 to %d allowed)",
                   w->part->label, h->segment_count, ESP_IMAGE_MAX_SEGMENTS);
    return ESP_OK;
}

static esp_err_t check_app_desc(walk_t *w, uint32_t data_len)
{
    esp_app_desc_t desc;
    ESP_ENSURE_LOG(data_len >= sizeof(desc), ESP_ERR_IMAGE_INVALID,
                   "image in %s: first segment (0x%x bytes) cannot hold the app description",
                   w->part->label, (unsigned)data_len);
    ESP_GUARD(take(w, &desc, sizeof(desc), true));
    ESP_ENSURE_LOG(desc.magic_word == ESP_APP_DESC_MAGIC_WORD, ESP_ERR_IMAGE_INVALID,
                   "image in %s: app description magic 0x%08x is not 0x%08x", w->part->label,
                   (unsigned)desc.magic_word, (unsigned)ESP_APP_DESC_MAGIC_WORD);
    return take(w, NULL, data_len - sizeof(desc), true);
}

static esp_err_t check_segment(walk_t *w, unsigned index)
{
    esp_image_segment_header_t seg;
    ESP_GUARD(take(w, &seg, sizeof(seg), false));
    ESP_ENSURE_LOG(seg.data_len <= w->part->size - w->pos, ESP_ERR_IMAGE_INVALID,
                   "image in %s: segment %u (0x%x bytes at offset 0x%zx) ends beyond the "
                   "partition",
                   w->part->label, index, (unsigned)seg.data_len, w->pos);
    ESP_ENSURE_LOG(seg.data_len % 4 == 0, ESP_ERR_IMAGE_INVALID,
                   "image in %s: segment %u length 0x%x is not a multiple of 4", w->part->label,
                   index, (unsigned)seg.data_len);
    return index == 0 ? check_app_desc(w, seg.data_len) : take(w, NULL, seg.data_len, true);
}

static esp_err_t check_checksum(walk_t *w)
{
    size_t pad = 15 - (w->pos % 16);
    ESP_GUARD(take(w, NULL, pad, false));
    uint8_t stored = 0;
    uint8_t computed = w->checksum;
    ESP_GUARD(take(w, &stored, 1, false));
    ESP_ENSURE_LOG(stored == computed, ESP_ERR_IMAGE_INVALID,
                   "image in %s: checksum 0x%02x does not match the computed 0x%02x",
                   w->part->label, stored, computed);
    return ESP_OK;
}

static esp_err_t check_hash(walk_t *w)
{
    uint8_t computed[32];
    uint8_t stored[32];
    ESP_ENSURE(mbedtls_sha256_finish(&w->sha, computed) == 0, ESP_FAIL);
    mbedtls_sha256_starts(&w->sha, 0); /* the stored hash is not part of itself */
    ESP_GUARD(take(w, stored, sizeof(stored), false));
    ESP_ENSURE_LOG(memcmp(stored, computed, sizeof(stored)) == 0, ESP_ERR_IMAGE_INVALID,
                   "image in %s: appended SHA-256 does not match the image", w->part->label);
    return ESP_OK;
}

static esp_err_t walk_image(walk_t *w)
{
    esp_image_header_t h;
    ESP_GUARD(check_header(w, &h));
    for (unsigned i = 0; i < h.segment_count; i++) {
        ESP_GUARD(check_segment(w, i));
    }
    ESP_GUARD(check_checksum(w));
    return h.hash_appended == 1 ? check_hash(w) : ESP_OK;
}

esp_err_t ota_image_check(const esp_partition_t *partition, size_t *image_len)
{
    ESP_ENSURE(partition != NULL, ESP_ERR_INVALID_ARG);
    walk_t w = {.part = partition, .pos = 0, .checksum = CHECKSUM_SEED};
    mbedtls_sha256_init(&w.sha);
    mbedtls_sha256_starts(&w.sha, 0);
    esp_err_t rc = walk_image(&w);
    mbedtls_sha256_free(&w.sha);
    if (rc == ESP_OK && image_len != NULL) {
        *image_len = w.pos;
    }
    return rc;
}

_Static_assert(sizeof(esp_app_desc_t) == 256, "esp_app_desc_t is 256 bytes");
_Static_assert(sizeof(esp_image_header_t) == 24, "esp_image_header_t is 24 bytes");
_Static_assert(sizeof(esp_chip_id_t) == 2, "esp_chip_id_t is 2 bytes");
