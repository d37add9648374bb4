/*
 * The one allocator of the library: counts bytes in use and the peak, for Mbed TLS
 * (installed with mbedtls_platform_set_calloc_free before main()) and for esp-tls itself.
 */
#pragma once

#include <stddef.h>

void *esp_tls_mem_calloc(size_t n, size_t size);
void esp_tls_mem_free(void *ptr);
