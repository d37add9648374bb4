// SPDX-License-Identifier: Apache-2.0
/*
 * Text from certificates (names, subjectAltNames, Mbed TLS's certificate dumps) is the peer's
 * choice: before it reaches a log line, a terminal, JSON or an application it is made printable
 * ASCII, so that a hostile certificate can neither forge output lines nor carry terminal escape
 * sequences or invalid UTF-8 (escape.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/**
 * Copy @p len bytes of @p in to @p out (@p size bytes, always NUL-terminated) with every byte
 * below 0x20, 0x7f and every byte from 0x80 written as "\xNN" (a newline is kept when
 * @p keep_newline), and a backslash as "\\". The copy is cut before an escape that would not
 * fit whole.
 * @return the length written
 */
size_t esp_tls_escape_text(char *out, size_t size, const char *in, size_t len, bool keep_newline);
