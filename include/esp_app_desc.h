// SPDX-License-Identifier: Apache-2.0
/*
 * The application description of ESP-IDF v5.5.5 (components/esp_app_format): 256 bytes at
 * the start of an app image's first segment (offset 32 of the image).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ESP_APP_DESC_MAGIC_WORD (0xABCD5432) /**< magic_word of a valid description */

/** Description of an application image (ESP-IDF's member order, 256 bytes). */
typedef struct {
    uint32_t magic_word;             /**< ESP_APP_DESC_MAGIC_WORD */
    uint32_t secure_version;         /**< anti-rollback version */
    uint32_t reserv1[2];             /**< reserved */
    char version[32];                /**< application version */
    char project_name[32];           /**< project name */
    char time[16];                   /**< compile time */
    char date[16];                   /**< compile date */
    char idf_ver[32];                /**< ESP-IDF version */
    uint8_t app_elf_sha256[32];      /**< SHA-256 of the ELF file */
    uint16_t min_efuse_blk_rev_full; /**< minimal eFuse block revision (major * 100 + minor) */
    uint16_t max_efuse_blk_rev_full; /**< maximal eFuse block revision (major * 100 + minor) */
    uint8_t mmu_page_size;           /**< MMU page size, log2 */
    uint8_t reserv3[3];              /**< reserved */
    uint32_t reserv2[18];            /**< reserved */
} esp_app_desc_t;

/**
 * Description of the running application: the descriptor of the running partition's image
 * if it holds a valid one, otherwise one describing this host process (project_name is the
 * program name, version the library version).
 */
const esp_app_desc_t *esp_app_get_description(void);

/**
 * Hex string of the running application's ELF SHA-256 (app_elf_sha256), at most size - 1
 * characters (size >= 3), zero-terminated.
 * @return the number of characters written (without the terminator)
 */
int esp_app_get_elf_sha256(char *dst, size_t size);

#ifdef __cplusplus
}
#endif
