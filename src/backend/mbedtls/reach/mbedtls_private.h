// SPDX-License-Identifier: Apache-2.0
/*
 * Mbed TLS' private library/ssl_misc.h (context internals, record buffer sizes), for the
 * modules that reach into them: dynbuf.c and dynfree.c. Available when this project builds
 * Mbed TLS from source (CMake defines ESP_TLS_MBEDTLS_PRIVATE then); include it before
 * any other header, so that it sees the Mbed TLS headers first.
 */
#pragma once

#if ESP_TLS_MBEDTLS_PRIVATE
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "ssl_misc.h"
#pragma GCC diagnostic pop
#endif
