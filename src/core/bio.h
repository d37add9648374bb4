// SPDX-License-Identifier: Apache-2.0
/*
 * Socket I/O callbacks the core hands to a TLS backend, with ESP-IDF's semantics
 * (reference §11.1): EAGAIN and EINTR mean "want read/write" whether or not the socket is
 * blocking, a reset is NET_CONN_RESET, and a send never raises SIGPIPE.
 */
#pragma once

#include <stddef.h>

/* Results, numerically equal to Mbed TLS's codes so that a backend can pass them through. */
#define ESP_TLS_BIO_WANT_READ (-0x6900)
#define ESP_TLS_BIO_WANT_WRITE (-0x6880)
#define ESP_TLS_BIO_CONN_RESET (-0x0050)
#define ESP_TLS_BIO_RECV_FAILED (-0x004C)
#define ESP_TLS_BIO_SEND_FAILED (-0x004E)
#define ESP_TLS_BIO_INVALID_CONTEXT (-0x0045)

/** Receive into @p buf; @p ctx is the esp_tls_t. Returns bytes, 0 at EOF, or a code above. */
int esp_tls_bio_recv(void *ctx, unsigned char *buf, size_t len);

/** Send from @p buf; @p ctx is the esp_tls_t. Returns bytes or a code above. */
int esp_tls_bio_send(void *ctx, const unsigned char *buf, size_t len);
