// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target for the URL splitter (src/core/url.c), which every esp_tls_conn_http_new_*()
 * call runs on the application's URL. Whatever the input: no read outside the string, and an
 * accepted URL gives a non-empty host inside the string and a port in 1..65535.
 *
 * libFuzzer:  tests/fuzz/run.sh [seconds] fuzz_url
 * Replay:     built with -DFUZZ_REPLAY (ctest unit.core.fuzz_url_replay)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/url.h"
#include "esp_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int s_quiet;
    if (!s_quiet) {
        esp_log_level_set("*", ESP_LOG_NONE);
        s_quiet = 1;
    }
    char *url = malloc(size + 1); /* exact size + NUL, so that an over-read shows */
    if (url == NULL) {
        return 0;
    }
    memcpy(url, data, size);
    url[size] = '\0';
    esp_tls_url_t u;
    if (esp_tls_url_parse(url, &u) == ESP_OK) {
        size_t len = strlen(url);
        if (u.host_len == 0 || u.host < url || u.host + u.host_len > url + len || u.port < 1 ||
            u.port > 65535) {
            fprintf(stderr, "bad parse of \"%s\"\n", url);
            abort();
        }
    }
    free(url);
    return 0;
}

#ifdef FUZZ_REPLAY
#define FUZZ_NAME "fuzz_url"
#include "replay_main.h"
#endif
