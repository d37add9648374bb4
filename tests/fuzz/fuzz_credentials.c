// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target for the certificate and key loading paths, as esp-tls drives them
 * (src/backend/mbedtls/credentials.c, ca_store.c, server_config.c, verify.c): the input is
 * one buffer handed to the public API in the place the first byte chooses; the other
 * credentials are a fixed valid certificate and key. Whatever the bytes: no memory error, no
 * leak, and a refusal leaves a code in the error handle.
 *
 * First byte: bits 0-2 the path
 *   0 esp_tls_set_global_ca_store()         4 server key, with a password
 *   1 server cacert_buf (client CA)         5 client cacert_buf
 *   2 server certificate                    6 client certificate
 *   3 server key, no password               7 client key, with a password
 * bit 7: append a NUL (PEM buffers count it in their length).
 * With a password (paths 4 and 7), the second byte is its length (at most 64), then the
 * password, then the key.
 *
 * libFuzzer:  tests/fuzz/run.sh [seconds] fuzz_credentials
 * Replay:     built with -DFUZZ_REPLAY (ctest unit.backend.fuzz_credentials_replay)
 */
#include <stdio.h>
#include <stdlib.h>

#include "conn/conn.h"
#include "core/test_hooks.h"
#include "esp_tls.h"
#include "fuzz_common.h"

typedef struct {
    const unsigned char *buf, *pwd;
    size_t len, pwd_len;
} fuzz_input_t;

static void check_refusal(esp_tls_t *tls, esp_err_t rc)
{
    esp_tls_error_handle_t h;
    int code = 0, flags = 0;
    if (rc != ESP_OK && (esp_tls_get_error_handle(tls, &h) != ESP_OK ||
                         esp_tls_get_and_clear_last_error(h, &code, &flags) == ESP_OK)) {
        fprintf(stderr, "fuzz_credentials: a refusal left no error code\n");
        abort();
    }
}

static void server_path(int path, const fuzz_input_t *in)
{
    esp_tls_cfg_server_t cfg = {
        .servercert_buf = s_fuzz_crt,
        .servercert_bytes = sizeof(s_fuzz_crt),
        .serverkey_buf = s_fuzz_key,
        .serverkey_bytes = sizeof(s_fuzz_key),
    };
    if (path == 1) {
        cfg.cacert_buf = in->buf;
        cfg.cacert_bytes = (unsigned)in->len;
    } else if (path == 2) {
        cfg.servercert_buf = in->buf;
        cfg.servercert_bytes = (unsigned)in->len;
    } else {
        cfg.serverkey_buf = in->buf;
        cfg.serverkey_bytes = (unsigned)in->len;
        cfg.serverkey_password = in->pwd;
        cfg.serverkey_password_len = (unsigned)in->pwd_len;
    }
    int sv[2];
    esp_tls_t *tls = esp_tls_init();
    if (tls != NULL && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
        check_refusal(tls, esp_tls_server_session_init(&cfg, sv[0], tls));
        close(sv[0]);
        close(sv[1]);
    }
    esp_tls_server_session_delete(tls);
}

static void client_path(int path, const fuzz_input_t *in)
{
    esp_tls_cfg_t cfg = {.cacert_buf = s_fuzz_crt, .cacert_bytes = sizeof(s_fuzz_crt)};
    if (path == 5) {
        cfg.cacert_buf = in->buf;
        cfg.cacert_bytes = (unsigned)in->len;
    } else {
        cfg.clientcert_buf = path == 6 ? in->buf : s_fuzz_crt;
        cfg.clientcert_bytes = path == 6 ? (unsigned)in->len : sizeof(s_fuzz_crt);
        cfg.clientkey_buf = path == 7 ? in->buf : s_fuzz_key;
        cfg.clientkey_bytes = path == 7 ? (unsigned)in->len : sizeof(s_fuzz_key);
        cfg.clientkey_password = in->pwd;
        cfg.clientkey_password_len = (unsigned)in->pwd_len;
    }
    int sv[2];
    esp_tls_t *tls = esp_tls_init();
    if (tls != NULL && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
        esp_err_t rc = esp_tls_client_attach_for_test(tls, sv[0], "fuzz.example", 12, &cfg);
        check_refusal(tls, rc);
        close(sv[1]);
    }
    esp_tls_conn_destroy(tls); /* the hook gave it sv[0], even on a refusal: closed here */
}

/* Split off the password of paths 4 and 7; false if the input is too short. */
static bool split_password(int path, const uint8_t **data, size_t *size, fuzz_input_t *in)
{
    in->pwd = NULL;
    in->pwd_len = 0;
    if (path != 4 && path != 7) {
        return true;
    }
    if (*size < 1 || (*data)[0] > 64 || *size < 1u + (*data)[0]) {
        return false;
    }
    in->pwd = *data + 1;
    in->pwd_len = (*data)[0];
    *data += 1 + in->pwd_len;
    *size -= 1 + in->pwd_len;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    fuzz_setup();
    int path = data[0] & 7;
    bool nul = (data[0] & 0x80) != 0;
    data++;
    size--;
    fuzz_input_t in;
    if (!split_password(path, &data, &size, &in) || size + nul == 0) {
        return 0;
    }
    /* exact size (plus the NUL), so that an over-read shows */
    unsigned char *buf = malloc(size + nul);
    if (buf == NULL) {
        return 0;
    }
    memcpy(buf, data, size);
    if (nul) {
        buf[size] = '\0';
    }
    in.buf = buf;
    in.len = size + nul;
    if (path == 0) {
        (void)esp_tls_set_global_ca_store(buf, (unsigned)in.len);
        esp_tls_free_global_ca_store();
    } else if (path <= 4) {
        server_path(path, &in);
    } else {
        client_path(path, &in);
    }
    free(buf);
    return 0;
}

#ifdef FUZZ_REPLAY
#define FUZZ_NAME "fuzz_credentials"
#include "replay_main.h"
#endif
