// SPDX-License-Identifier: Apache-2.0
/*
 * WebSocket frame headers (RFC 6455 section 5.2): encoding of the client's masked headers and
 * parsing of the server's. Pure functions on byte buffers, fuzzed by tests/fuzz/fuzz_ws_frame.c.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WS_FRAME_HEADER_MAX 14 /* 2 + 8 (64-bit length) + 4 (mask key) */

typedef struct {
    bool fin;
    uint8_t opcode; /* low 4 bits of the first byte */
    bool masked;
    uint8_t mask[4];
    uint64_t payload_len;
    size_t header_len; /* bytes of the header, mask key included */
} ws_frame_header_t;

typedef enum {
    WS_FRAME_OK = 0,
    WS_FRAME_NEED_MORE,        /* fewer bytes than the header needs */
    WS_FRAME_RESERVED_BITS,    /* RSV1..3 set, no extension was negotiated */
    WS_FRAME_BAD_OPCODE,       /* opcodes 3-7 and 0xB-0xF are reserved */
    WS_FRAME_CONTROL_TOO_LONG, /* control frame with more than 125 bytes */
    WS_FRAME_CONTROL_FRAGMENT, /* control frame without FIN */
    WS_FRAME_LENGTH_MSB,       /* 64-bit length with the most significant bit set */
} ws_frame_status_t;

/* Bytes the header starting with @p b0, @p b1 occupies (2..14). */
size_t ws_frame_header_size(uint8_t b0, uint8_t b1);

/* Parse the header at @p buf (@p len bytes available) into @p h. */
ws_frame_status_t ws_frame_parse(const uint8_t *buf, size_t len, ws_frame_header_t *h);

/* A short text for a parse status, for log lines. */
const char *ws_frame_status_text(ws_frame_status_t st);

/* Write a header (FIN/opcode byte @p first, @p len payload bytes, mask key @p mask or NULL for
 * none) into @p out. @return its length */
size_t ws_frame_encode(uint8_t first, uint64_t len, const uint8_t mask[4],
                       uint8_t out[WS_FRAME_HEADER_MAX]);

/* XOR @p n bytes at @p data with @p mask, starting at payload offset @p offset. */
void ws_frame_mask(uint8_t *data, size_t n, const uint8_t mask[4], uint64_t offset);

/* Is @p opcode a control frame (CLOSE, PING, PONG)? */
static inline bool ws_frame_is_control(uint8_t opcode)
{
    return (opcode & 0x08) != 0;
}
