// SPDX-License-Identifier: Apache-2.0
/*
 * Helpers shared by the bundle unit tests: files, fixture paths, log capture.
 */
#pragma once

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_log.h"
#include "unit_support.h"

#ifndef BUNDLE_FIXTURES
#error "BUNDLE_FIXTURES (the fixtures directory) must be defined"
#endif

/* Whole file, malloc()ed, with a NUL after the data (not counted in *len). NULL if absent. */
static inline unsigned char *bt_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = size >= 0 ? malloc((size_t)size + 1) : NULL;
    if (buf != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf != NULL) {
        buf[size] = '\0';
        *len = (size_t)size;
    }
    return buf;
}

static inline const char *bt_fixture(const char *name)
{
    static char path[8][512];
    static unsigned next;
    char *p = path[next++ % 8];
    snprintf(p, sizeof(path[0]), "%s/%s", BUNDLE_FIXTURES, name);
    return p;
}

/* Log capture (unit_support.h): everything logged goes to a buffer (and nowhere else). */
static inline void bt_log_capture(void)
{
    (void)unit_log_capture();
}

static inline const char *bt_log_text(void)
{
    return unit_log_text();
}
