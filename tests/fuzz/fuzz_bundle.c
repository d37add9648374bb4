// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target for the certificate bundle parser (src/bundle/bundle_format.c): any blob may be
 * handed to esp_crt_bundle_set(). Whatever the input, validation must not read outside it, and
 * a blob it accepts must give entries inside the blob, each found again by its own name.
 *
 * libFuzzer:  tests/fuzz/run.sh [seconds]     (clang -fsanitize=fuzzer,address,undefined)
 * Replay:     built with -DFUZZ_REPLAY as a normal program (ctest unit.bundle.fuzz_replay):
 *             fuzz_bundle_replay [FILE|DIR]...  (default: the committed corpus)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_bundle: invariant broken: %s\n", what);
        abort();
    }
}

static void check_bundle(const esp_crt_bundle_t *b, const uint8_t *data, size_t size)
{
    check(b->count > 0 && b->data == data && b->size == size, "bundle view");
    for (size_t i = 0; i < b->count; i++) {
        esp_crt_bundle_entry_t e, f;
        check(esp_crt_bundle_get(b, i, &e), "entry readable");
        check(e.name >= data && e.name_len > 0 && e.name + e.name_len <= data + size,
              "name inside the blob");
        check(e.key >= data && e.key_len > 0 && e.key + e.key_len <= data + size,
              "key inside the blob");
        esp_crt_bundle_cursor_t cur = {0};
        bool self = false;
        while (esp_crt_bundle_find_next(b, e.name, e.name_len, &cur, &f)) {
            check(f.name_len == e.name_len && memcmp(f.name, e.name, e.name_len) == 0,
                  "lookup returns the name asked for");
            self |= f.key == e.key;
        }
        check(self, "every entry is found by its own name");
    }
    /* a name that is probably absent: a prefix of the blob */
    esp_crt_bundle_cursor_t cur = {0};
    esp_crt_bundle_entry_t e;
    while (esp_crt_bundle_find_next(b, data, size < 40 ? size : 40, &cur, &e)) {
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t limits[] = {ESP_CRT_BUNDLE_DEFAULT_MAX_CERTS, 3};
    for (size_t k = 0; k < sizeof(limits) / sizeof(limits[0]); k++) {
        esp_crt_bundle_t b;
        char why[256];
        if (esp_crt_bundle_parse(data, size, limits[k], &b, why, sizeof(why)) == ESP_OK) {
            check(b.count <= limits[k], "count within the limit");
            check_bundle(&b, data, size);
        } else {
            check(why[0] != '\0', "a rejection says why");
        }
    }
    return 0;
}

#ifdef FUZZ_REPLAY
#define FUZZ_NAME "fuzz_bundle"
#include "replay_main.h"
#endif
