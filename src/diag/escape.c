// SPDX-License-Identifier: Apache-2.0
/*
 * Printable ASCII from the peer's text (escape.h).
 */
#include "escape.h"

#include <stdio.h>

static bool plain(unsigned char c, bool keep_newline)
{
    return (c >= 0x20 && c < 0x7f && c != '\\') || (keep_newline && c == '\n');
}

size_t esp_tls_escape_text(char *out, size_t size, const char *in, size_t len, bool keep_newline)
{
    size_t n = 0;
    if (size == 0) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        size_t need = plain(c, keep_newline) ? 1 : (c == '\\' ? 2 : 4);
        if (n + need >= size) {
            break;
        }
        if (need == 1) {
            out[n] = (char)c;
        } else if (need == 2) {
            out[n] = '\\';
            out[n + 1] = '\\';
        } else {
            snprintf(out + n, 5, "\\x%02x", c);
        }
        n += need;
    }
    out[n] = '\0';
    return n;
}
