// SPDX-License-Identifier: Apache-2.0
/*
 * The bundle generator as a library function: certificates (PEM files with many certificates,
 * DER files, directories of them) in, a bundle in ESP-IDF's format out. The output is
 * byte-identical to ESP-IDF's gen_crt_bundle.py for the same certificates: each root's DER
 * subject and SubjectPublicKeyInfo, stably sorted by subject.
 *
 * Used by the build (tools/bundle/esp_crt_bundle_gen) and by the tests; a future
 * `esp-tls bundle build` command can call it as well.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle_format.h"
#include "esp_err.h"

/** Severity of a generator message. */
typedef enum {
    ESP_CRT_BUNDLE_MSG_INFO = 0, /**< progress ("added 142 certificates from ...") */
    ESP_CRT_BUNDLE_MSG_WARNING,  /**< something was skipped */
    ESP_CRT_BUNDLE_MSG_ERROR,    /**< why the build failed; names the file (and line) */
} esp_crt_bundle_msg_level_t;

/** Receives the generator's messages (one line each, no newline). */
typedef void (*esp_crt_bundle_msg_fn)(void *ctx, esp_crt_bundle_msg_level_t level, const char *msg);

/** One input: a certificate file or a directory of them. */
typedef struct {
    const char *path;
    /**
     * The filter applies to this input (ESP-IDF applies it to its root list, not to custom
     * certificates).
     */
    bool filtered;
} esp_crt_bundle_input_t;

/** What to build. Zero-initialise, then set the inputs. */
typedef struct {
    const esp_crt_bundle_input_t *inputs; /**< files or directories, in order */
    size_t input_count;
    /**
     * CSV file whose second column lists certificate labels (first line: a header). When set,
     * only certificates of filtered inputs whose label is listed are kept. A certificate's
     * label is the line above its "====" underline in a curl/ESP-IDF style PEM list
     * (cacrt_all.pem), or, for a file holding one certificate, the file name without its
     * extension (Debian's /usr/share/ca-certificates/mozilla/<Label>.crt, where the label's
     * spaces are '_' and its parentheses '='). A listed label that matches no certificate is an
     * error.
     */
    const char *filter_csv;
    size_t max_certs;               /**< more certificates is an error; 0 means 200 */
    esp_crt_bundle_format_t format; /**< output format (default: the offset table) */
    bool allow_empty;               /**< no certificate at all gives an empty output */
    /**
     * Keep certificates that are not CA certificates (with a warning). A bundle entry is only a
     * name and a key: whatever that key signs is trusted, for any name, with no
     * basicConstraints, path length or key usage left to limit it. Off: such an input is an
     * error.
     */
    bool allow_non_ca;
    esp_crt_bundle_msg_fn msg; /**< messages; NULL drops them */
    void *msg_ctx;
} esp_crt_bundle_build_cfg_t;

/**
 * @brief Build a bundle in memory.
 *
 * Directories are read in name order (only *.pem, *.crt, *.cer and *.der, other files are
 * skipped with a warning); a file named explicitly must have one of these extensions.
 * .der holds one DER certificate; .pem PEM certificates; .crt and .cer either.
 *
 * @param out      receives the bundle, allocated with esp_tls_mem_calloc() (free with
 *                 esp_crt_bundle_build_free()); NULL with *out_len 0 for an allowed empty
 *                 bundle
 * @param out_len  its size
 * @param count    receives the number of certificates (may be NULL)
 * @return ESP_OK; ESP_ERR_INVALID_ARG for bad input (a file that is not a certificate, a
 *         broken PEM or DER, an unknown label in the filter, no certificate);
 *         ESP_ERR_INVALID_SIZE for more than max_certs certificates or an oversized field;
 *         ESP_ERR_NOT_FOUND for a missing input; ESP_ERR_NO_MEM; ESP_FAIL for a read error.
 *         The message callback says which file and why.
 */
esp_err_t esp_crt_bundle_build(const esp_crt_bundle_build_cfg_t *cfg, uint8_t **out,
                               size_t *out_len, size_t *count);

/** @brief Free a bundle returned by esp_crt_bundle_build() (NULL is allowed). */
void esp_crt_bundle_build_free(uint8_t *bundle);

/**
 * @brief Build a bundle and write it to @p path.
 *
 * The file is written to a temporary file next to @p path and renamed over it, so @p path is
 * either the complete new bundle or left as it was, never partial.
 * @return as esp_crt_bundle_build(); ESP_FAIL if writing fails
 */
esp_err_t esp_crt_bundle_build_file(const esp_crt_bundle_build_cfg_t *cfg, const char *path,
                                    size_t *count);

/**
 * @brief Write @p len bytes to @p path atomically (temporary file, then rename).
 * @return ESP_OK, or ESP_FAIL with the reason passed to @p msg
 */
esp_err_t esp_crt_bundle_write_file(const char *path, const void *data, size_t len,
                                    esp_crt_bundle_msg_fn msg, void *msg_ctx);
