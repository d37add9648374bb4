// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target for the WebSocket frame reader: the header parser (src/transport/ws_frame.c)
 * and the read path of the ws transport (src/transport/transport_ws.c) on what a server sends
 * after the handshake. The parent is a custom transport that serves the input and then reports
 * the peer's FIN; writes (PONG, CLOSE echo) are checked to be well-formed masked frames.
 *
 * Input: byte 0 = options (bit 0: propagate_control_frames; bits 1-2: the read size, 1, 7, 125
 * or 4096 bytes; bit 3: the stream starts with the handshake response, parsed by a connect
 * into a 64-byte response_headers buffer), then the server's byte stream. Checked on every input: a
 * read never returns more than asked, the opcode it reports is a known one (a control opcode only
 * when control frames are propagated), the total payload returned does not exceed the input, a
 * parsed header re-encodes to a header that parses to the same fields, and the reads end (no hang).
 *
 * libFuzzer:  tests/fuzz/run.sh [seconds] fuzz_ws_frame
 * Replay:     built with -DFUZZ_REPLAY (ctest unit.backend.fuzz_ws_frame_replay)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_log.h"
#include "esp_transport.h"
#include "esp_transport_ws.h"
#include "transport/ws_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t pos;
} stream_t;

static stream_t s_in;
static int s_expect_payload; /* payload bytes of the frame being written */
static bool s_handshake;     /* the client writes its upgrade request, not frames */

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_ws_frame: check failed: %s (line %d)\n", #cond, __LINE__);       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static int in_read(esp_transport_handle_t t, char *buf, int len, int timeout_ms)
{
    (void)t;
    (void)timeout_ms;
    size_t left = s_in.size - s_in.pos;
    if (left == 0) {
        return ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN;
    }
    size_t n = left < (size_t)len ? left : (size_t)len;
    memcpy(buf, s_in.data + s_in.pos, n);
    s_in.pos += n;
    return (int)n;
}

/* What the client writes: one header write then the payload; each header must be masked. */
static int in_write(esp_transport_handle_t t, const char *buf, int len, int timeout_ms)
{
    (void)t;
    (void)timeout_ms;
    if (s_handshake) {
        return len;
    }
    if (s_expect_payload > 0) {
        CHECK(len <= s_expect_payload);
        s_expect_payload -= len;
        return len;
    }
    ws_frame_header_t h;
    CHECK(ws_frame_parse((const uint8_t *)buf, (size_t)len, &h) == WS_FRAME_OK);
    CHECK(h.masked && h.header_len == (size_t)len && h.payload_len <= 125);
    s_expect_payload = (int)h.payload_len;
    return len;
}

static int in_poll(esp_transport_handle_t t, int timeout_ms)
{
    (void)t;
    (void)timeout_ms;
    return 1; /* data, or the FIN that in_read() reports */
}

static int in_connect(esp_transport_handle_t t, const char *host, int port, int timeout_ms)
{
    (void)t;
    (void)host;
    (void)port;
    (void)timeout_ms;
    return 0;
}

static int in_close(esp_transport_handle_t t)
{
    (void)t;
    return 0;
}

/* A parsed header encodes to one that parses to the same fields. */
static void check_round_trip(const uint8_t *data, size_t size)
{
    ws_frame_header_t h;
    ws_frame_header_t h2;
    uint8_t out[WS_FRAME_HEADER_MAX];
    if (ws_frame_parse(data, size, &h) != WS_FRAME_OK) {
        return;
    }
    CHECK(h.header_len >= 2 && h.header_len <= WS_FRAME_HEADER_MAX && h.header_len <= size);
    size_t n = ws_frame_encode(data[0], h.payload_len, h.masked ? h.mask : NULL, out);
    CHECK(ws_frame_parse(out, n, &h2) == WS_FRAME_OK);
    CHECK(h2.payload_len == h.payload_len && h2.opcode == h.opcode && h2.fin == h.fin &&
          h2.masked == h.masked && memcmp(h2.mask, h.mask, 4) == 0);
}

static bool opcode_ok(ws_transport_opcodes_t op, bool propagate)
{
    switch (op) {
    case WS_TRANSPORT_OPCODES_CONT:
    case WS_TRANSPORT_OPCODES_TEXT:
    case WS_TRANSPORT_OPCODES_BINARY: return true;
    case WS_TRANSPORT_OPCODES_CLOSE:
    case WS_TRANSPORT_OPCODES_PING:
    case WS_TRANSPORT_OPCODES_PONG: return propagate;
    default: return false;
    }
}

static void read_all(esp_transport_handle_t ws, bool propagate, int size)
{
    static char buf[4096];
    size_t total = 0;
    for (int i = 0; i < 100000; i++) {
        int r = esp_transport_read(ws, buf, size, 0);
        CHECK(r <= size);
        if (r < 0) {
            return;
        }
        if (r > 0) {
            CHECK(opcode_ok(esp_transport_ws_get_read_opcode(ws), propagate));
            total += (size_t)r;
            CHECK(total <= s_in.size);
        }
    }
    CHECK(!"reads did not end");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int sizes[4] = {1, 7, 125, 4096};
    static int s_quiet;
    if (!s_quiet) {
        esp_log_level_set("*", ESP_LOG_NONE);
        s_quiet = 1;
    }
    if (size < 1) {
        return 0;
    }
    check_round_trip(data + 1, size - 1);
    s_expect_payload = 0;
    s_in = (stream_t){.data = data + 1, .size = size - 1, .pos = 0};
    esp_transport_handle_t parent = esp_transport_init();
    esp_transport_set_func(parent, in_connect, in_read, in_write, in_close, in_poll, in_poll, NULL);
    esp_transport_handle_t ws = esp_transport_ws_init(parent);
    CHECK(ws != NULL);
    bool propagate = data[0] & 1;
    char resp[64];
    esp_transport_ws_config_t cfg = {.sub_protocol = "chat, mqtt",
                                     .response_headers = resp,
                                     .response_headers_len = sizeof(resp),
                                     .propagate_control_frames = propagate};
    CHECK(esp_transport_ws_set_config(ws, &cfg) == ESP_OK);
    bool connected = true;
    if (data[0] & 8) {
        s_handshake = true;
        connected = esp_transport_connect(ws, "fuzz.example", 80, 0) == 0;
        s_handshake = false;
        CHECK(memchr(resp, '\0', sizeof(resp)) != NULL || !connected);
    }
    if (connected) {
        read_all(ws, propagate, sizes[(data[0] >> 1) & 3]);
    }
    esp_transport_destroy(ws);
    esp_transport_destroy(parent);
    return 0;
}

#ifdef FUZZ_REPLAY
#define FUZZ_NAME "fuzz_ws_frame"
#include "replay_main.h"
#endif
