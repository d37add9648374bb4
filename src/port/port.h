// SPDX-License-Identifier: Apache-2.0
/*
 * The port: the clock the library reads (port/time.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/** Monotonic clock, in ms. */
int64_t esp_tls_time_ms(void);

/** Validate certificates at @p when (s since 1970) in this thread; 0 = the wall clock again.
 * False if the build cannot (no MBEDTLS_HAVE_TIME) and @p when is not 0. */
bool esp_tls_set_validation_time(int64_t when);
