// SPDX-License-Identifier: Apache-2.0
/*
 * WebSocket frame header encoding and parsing (RFC 6455 section 5.2). Every length is checked
 * against what is available before it is read; nothing here allocates.
 */
#include "ws_frame.h"

#include <string.h>

#define WS_LEN16 126
#define WS_LEN64 127

size_t ws_frame_header_size(uint8_t b0, uint8_t b1)
{
    (void)b0;
    size_t n = 2;
    uint8_t len7 = b1 & 0x7f;
    n += len7 == WS_LEN16 ? 2 : len7 == WS_LEN64 ? 8 : 0;
    return n + ((b1 & 0x80) ? 4 : 0);
}

static bool opcode_known(uint8_t op)
{
    return op <= 0x02 || (op >= 0x08 && op <= 0x0a);
}

static uint64_t read_be(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

/* The extended length. A length not in its shortest form is accepted, as ESP-IDF does. */
static ws_frame_status_t extended_length(const uint8_t *buf, ws_frame_header_t *h)
{
    uint8_t len7 = buf[1] & 0x7f;
    if (len7 < WS_LEN16) {
        h->payload_len = len7;
        return WS_FRAME_OK;
    }
    if (len7 == WS_LEN16) {
        h->payload_len = read_be(buf + 2, 2);
        return WS_FRAME_OK;
    }
    h->payload_len = read_be(buf + 2, 8);
    return (h->payload_len >> 63) ? WS_FRAME_LENGTH_MSB : WS_FRAME_OK;
}

static ws_frame_status_t check_first_byte(uint8_t b0, const ws_frame_header_t *h)
{
    if (b0 & 0x70) {
        return WS_FRAME_RESERVED_BITS;
    }
    if (!opcode_known(h->opcode)) {
        return WS_FRAME_BAD_OPCODE;
    }
    if (ws_frame_is_control(h->opcode) && !h->fin) {
        return WS_FRAME_CONTROL_FRAGMENT;
    }
    return WS_FRAME_OK;
}

ws_frame_status_t ws_frame_parse(const uint8_t *buf, size_t len, ws_frame_header_t *h)
{
    memset(h, 0, sizeof(*h));
    if (len < 2 || len < ws_frame_header_size(buf[0], buf[1])) {
        return WS_FRAME_NEED_MORE;
    }
    h->fin = (buf[0] & 0x80) != 0;
    h->opcode = buf[0] & 0x0f;
    h->masked = (buf[1] & 0x80) != 0;
    h->header_len = ws_frame_header_size(buf[0], buf[1]);
    ws_frame_status_t st = check_first_byte(buf[0], h);
    if (st == WS_FRAME_OK) {
        st = extended_length(buf, h);
    }
    if (st == WS_FRAME_OK && ws_frame_is_control(h->opcode) && h->payload_len > 125) {
        st = WS_FRAME_CONTROL_TOO_LONG;
    }
    if (h->masked) {
        memcpy(h->mask, buf + h->header_len - 4, 4);
    }
    return st;
}

const char *ws_frame_status_text(ws_frame_status_t st)
{
    switch (st) {
    case WS_FRAME_OK: return "ok";
    case WS_FRAME_NEED_MORE: return "truncated header";
    case WS_FRAME_RESERVED_BITS: return "reserved bits set (no extension negotiated)";
    case WS_FRAME_BAD_OPCODE: return "reserved opcode";
    case WS_FRAME_CONTROL_TOO_LONG: return "control frame longer than 125 bytes";
    case WS_FRAME_CONTROL_FRAGMENT: return "fragmented control frame";
    case WS_FRAME_LENGTH_MSB: return "64-bit length with the top bit set";
    }
    return "unknown";
}

size_t ws_frame_encode(uint8_t first, uint64_t len, const uint8_t mask[4],
                       uint8_t out[WS_FRAME_HEADER_MAX])
{
    uint8_t mask_bit = mask ? 0x80 : 0;
    size_t n = 0;
    out[n++] = first;
    if (len < WS_LEN16) {
        out[n++] = (uint8_t)(mask_bit | len);
    } else {
        size_t bytes = len <= 0xffff ? 2 : 8;
        out[n++] = (uint8_t)(mask_bit | (bytes == 2 ? WS_LEN16 : WS_LEN64));
        for (size_t i = bytes; i-- > 0;) {
            out[n++] = (uint8_t)(len >> (8 * i));
        }
    }
    if (mask != NULL) {
        memcpy(out + n, mask, 4);
        n += 4;
    }
    return n;
}

void ws_frame_mask(uint8_t *data, size_t n, const uint8_t mask[4], uint64_t offset)
{
    for (size_t i = 0; i < n; i++) {
        data[i] ^= mask[(offset + i) & 3];
    }
}
