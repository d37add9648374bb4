// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target for the server's record path: the input (after one options byte) is everything
 * a client sends, handshake records then application data, followed by end of file, into
 * esp_tls_server_session_create() on one end of a socketpair; after a handshake, reads until
 * an error or EOF. Whatever the bytes: no memory error, no leak, no hang, and a failure
 * leaves a code in the error handle.
 *
 * Options byte: bits 0-1 TLS version (any, 1.2, 1.3, any), bit 2 ALPN, bit 3 mutual TLS
 * (a CA for client certificates: the client's Certificate message is parsed).
 *
 * libFuzzer:  tests/fuzz/run.sh [seconds] fuzz_server_record
 * Replay:     built with -DFUZZ_REPLAY (ctest unit.backend.fuzz_server_record_replay)
 */
#include <stdio.h>
#include <stdlib.h>

#include "esp_tls.h"
#include "fuzz_common.h"

static const char *s_alpn[] = {"h2", "http/1.1", NULL};

static esp_tls_cfg_server_t server_cfg(uint8_t opt)
{
    static const esp_tls_proto_ver_t ver[] = {ESP_TLS_VER_ANY, ESP_TLS_VER_TLS_1_2,
                                              ESP_TLS_VER_TLS_1_3, ESP_TLS_VER_ANY};
    esp_tls_cfg_server_t cfg = {
        .servercert_buf = s_fuzz_crt,
        .servercert_bytes = sizeof(s_fuzz_crt),
        .serverkey_buf = s_fuzz_key,
        .serverkey_bytes = sizeof(s_fuzz_key),
        .tls_version = ver[opt & 3],
        .alpn_protos = (opt & 4) ? s_alpn : NULL,
        .tls_handshake_timeout_ms = 2000,
    };
    if (opt & 8) {
        cfg.cacert_buf = s_fuzz_crt;
        cfg.cacert_bytes = sizeof(s_fuzz_crt);
    }
    return cfg;
}

static void check_captured(esp_tls_t *tls)
{
    esp_tls_error_handle_t h;
    int code = 0, flags = 0;
    if (esp_tls_get_error_handle(tls, &h) != ESP_OK ||
        esp_tls_get_and_clear_last_error(h, &code, &flags) == ESP_OK) {
        fprintf(stderr, "fuzz_server_record: a failure left no error code\n");
        abort();
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
    esp_tls_cfg_server_t cfg = server_cfg(data[0]);
    esp_tls_t *tls = esp_tls_init();
    if (tls != NULL) {
        int rc = esp_tls_server_session_create(&cfg, sv[0], tls);
        if (rc < 0) {
            check_captured(tls);
        }
        char buf[512];
        for (int i = 0; rc == 0 && i < 64 && esp_tls_conn_read(tls, buf, sizeof(buf)) > 0; i++) {
        }
        esp_tls_server_session_delete(tls); /* leaves the socket open */
    }
    close(sv[0]);
    close(sv[1]);
    return 0;
}

#ifdef FUZZ_REPLAY
#define FUZZ_NAME "fuzz_server_record"
#include "replay_main.h"
#endif
