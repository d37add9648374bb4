// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target for esp_http_client's response path (src/http: http_parser callbacks, framing,
 * chunked decoding, 1xx/HEAD/204/304, redirects, 401 challenges with Basic and Digest, the
 * read/flush loops). The input (after two options bytes) is everything the server sends,
 * followed by end of file, delivered through a custom transport registered as the only one
 * (scheme "fuzz"), so that nothing reaches the network: a redirect to http:// fails with
 * ESP_ERR_HTTP_INVALID_TRANSPORT. Whatever the bytes: no memory error, no leak, no hang.
 *
 * Options byte 0: bit 0 HEAD, bit 1 open/fetch_headers/read instead of perform, bit 2
 * disable_auto_redirect, bits 3-5 the size of each transport read (1 to 4096 bytes).
 * Byte 1: buffer_size = 32 + 4 * byte.
 *
 * libFuzzer:  tests/fuzz/run.sh [seconds] fuzz_http_response
 * Replay:     built with -DFUZZ_REPLAY (ctest unit.backend.fuzz_http_response_replay)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_http_client.h"
#include "esp_log.h"
#include "esp_transport.h"
#include "http/http_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const uint8_t *data;
    size_t len, pos;
    int slice;
} fuzz_input_t;

static fuzz_input_t s_in;

static int f_connect(esp_transport_handle_t t, const char *host, int port, int timeout_ms)
{
    (void)t, (void)host, (void)port, (void)timeout_ms;
    return 0;
}

static int f_read(esp_transport_handle_t t, char *buf, int len, int timeout_ms)
{
    (void)t, (void)timeout_ms;
    size_t left = s_in.len - s_in.pos;
    if (left == 0) {
        return ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN;
    }
    size_t n = (size_t)len < left ? (size_t)len : left;
    n = n < (size_t)s_in.slice ? n : (size_t)s_in.slice;
    memcpy(buf, s_in.data + s_in.pos, n);
    s_in.pos += n;
    return (int)n;
}

static int f_write(esp_transport_handle_t t, const char *buf, int len, int timeout_ms)
{
    (void)t, (void)buf, (void)timeout_ms;
    return len;
}

static int f_poll_read(esp_transport_handle_t t, int timeout_ms)
{
    (void)t, (void)timeout_ms;
    return s_in.pos < s_in.len;
}

static int f_poll_write(esp_transport_handle_t t, int timeout_ms)
{
    (void)t, (void)timeout_ms;
    return 1;
}

static int f_close(esp_transport_handle_t t)
{
    (void)t;
    return 0;
}

static void stream(esp_http_client_handle_t c)
{
    if (esp_http_client_open(c, 0) != ESP_OK || esp_http_client_fetch_headers(c) < 0) {
        return;
    }
    char buf[100];
    while (esp_http_client_read(c, buf, (int)sizeof(buf)) > 0) {
    }
    int len = 0;
    esp_http_client_get_chunk_length(c, &len);
    esp_http_client_flush_response(c, &len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int slices[] = {1, 3, 7, 16, 64, 200, 512, 4096};
    if (size < 2) {
        return 0;
    }
    esp_log_level_set("*", ESP_LOG_NONE);
    s_in = (fuzz_input_t){.data = data + 2, .len = size - 2, .slice = slices[(data[0] >> 3) & 7]};
    esp_http_client_config_t cfg = {
        .url = "fuzz://device.local/path?q=1",
        .username = "user",
        .password = "passwd",
        .method = (data[0] & 1) ? HTTP_METHOD_HEAD : HTTP_METHOD_GET,
        .disable_auto_redirect = (data[0] & 4) != 0,
        .buffer_size = 32 + 4 * data[1],
        .timeout_ms = 100,
    };
    esp_http_client_handle_t c = esp_http_client_init(&cfg);
    if (!c) {
        return 0;
    }
    esp_transport_list_clean(c->transports); /* no tcp or ssl: nothing reaches the network */
    esp_transport_handle_t t = esp_transport_init();
    esp_transport_set_func(t, f_connect, f_read, f_write, f_close, f_poll_read, f_poll_write, NULL);
    esp_transport_list_add(c->transports, t, "fuzz");
    if (data[0] & 2) {
        stream(c);
    } else {
        esp_http_client_perform(c);
    }
    esp_http_client_get_status_code(c);
    esp_http_client_get_content_length(c);
    esp_http_client_cleanup(c);
    return 0;
}

#ifdef FUZZ_REPLAY
#define FUZZ_NAME "fuzz_http_response"
#include "replay_main.h"
#endif
