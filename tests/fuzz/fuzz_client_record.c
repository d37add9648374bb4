// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target for the client's record path: the input (after one options byte) is everything
 * the server sends, handshake records then application data, followed by end of file. The
 * client runs on one end of a socketpair (attached with the test hook
 * esp_tls_client_attach_for_test(), core/test_hooks.h): handshake, then reads until an
 * error or EOF. Whatever the bytes: no memory error, no leak, no hang, and a failure leaves a
 * code in the error handle.
 *
 * Options byte: bits 0-1 TLS version (any, 1.2, 1.3, any), bit 2 ALPN, bit 3 PSK instead of a
 * CA (builds with CONFIG_ESP_TLS_PSK_VERIFICATION), bit 4 skip_common_name.
 *
 * libFuzzer:  tests/fuzz/run.sh [seconds] fuzz_client_record (library built with
 *             -fsanitize=fuzzer-no-link and tests/sdkconfig.insecure: no certificate check)
 * Replay:     built with -DFUZZ_REPLAY (ctest unit.backend.fuzz_client_record_replay)
 */
#include <stdio.h>
#include <stdlib.h>

#include "conn/conn.h"
#include "core/test_hooks.h"
#include "esp_tls.h"
#include "fuzz_common.h"
#include "sdkconfig.h"

static const char *s_alpn[] = {"h2", "http/1.1", NULL};
static const uint8_t s_psk_key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const psk_hint_key_t s_psk = {.key = s_psk_key, .key_size = 16, .hint = "fuzz"};

static esp_tls_cfg_t client_cfg(uint8_t opt)
{
    static const esp_tls_proto_ver_t ver[] = {ESP_TLS_VER_ANY, ESP_TLS_VER_TLS_1_2,
                                              ESP_TLS_VER_TLS_1_3, ESP_TLS_VER_ANY};
    esp_tls_cfg_t cfg = {
        .cacert_buf = s_fuzz_crt,
        .cacert_bytes = sizeof(s_fuzz_crt),
        .timeout_ms = 2000,
        .tls_version = ver[opt & 3],
        .alpn_protos = (opt & 4) ? s_alpn : NULL,
        .skip_common_name = (opt & 16) != 0,
    };
#if CONFIG_ESP_TLS_PSK_VERIFICATION
    if (opt & 8) {
        cfg.cacert_buf = NULL;
        cfg.cacert_bytes = 0;
        cfg.psk_hint_key = &s_psk;
    }
#else
    (void)s_psk;
#endif
    return cfg;
}

/* A failed handshake or read must say why. */
static void check_captured(esp_tls_t *tls)
{
    esp_tls_error_handle_t h;
    int code = 0, flags = 0;
    if (esp_tls_get_error_handle(tls, &h) != ESP_OK ||
        esp_tls_get_and_clear_last_error(h, &code, &flags) == ESP_OK) {
        fprintf(stderr, "fuzz_client_record: a failure left no error code\n");
        abort();
    }
}

static void run_client(esp_tls_t *tls, const esp_tls_cfg_t *cfg)
{
    int rc = 0;
    esp_tls_conn_state_t st = ESP_TLS_HANDSHAKE;
    /* one call runs a blocking handshake; a retry (restart to INIT) is not followed */
    for (int i = 0; i < 8 && rc == 0 && st == ESP_TLS_HANDSHAKE; i++) {
        rc = esp_tls_conn_new_async("fuzz.example", 12, 443, cfg, tls);
        (void)esp_tls_get_conn_state(tls, &st);
    }
    if (rc < 0) {
        check_captured(tls);
    }
    if (rc != 1) {
        return;
    }
    char buf[512];
    ssize_t n;
    for (int i = 0; i < 64 && (n = esp_tls_conn_read(tls, buf, sizeof(buf))) > 0; i++) {
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    fuzz_setup();
    int sv[2];
    if (fuzz_socketpair(sv, data + 1, size - 1) != 0) {
        return 0;
    }
    esp_tls_cfg_t cfg = client_cfg(data[0]);
    esp_tls_t *tls = esp_tls_init();
    if (tls != NULL &&
        esp_tls_client_attach_for_test(tls, sv[0], "fuzz.example", 12, &cfg) == ESP_OK) {
        run_client(tls, &cfg);
    }
    if (tls != NULL) {
        esp_tls_conn_destroy(tls); /* closes sv[0] */
    } else {
        close(sv[0]);
    }
    close(sv[1]);
    return 0;
}

#ifdef FUZZ_REPLAY
#define FUZZ_NAME "fuzz_client_record"
#include "replay_main.h"
#endif
