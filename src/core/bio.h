// SPDX-License-Identifier: Apache-2.0
/*
 * Socket I/O callbacks the core hands to a TLS backend, with ESP-IDF's semantics:
 * EAGAIN and EINTR mean "want read/write" whether or not the socket is
 * blocking, a reset is NET_CONN_RESET, and a send never raises SIGPIPE.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Results, numerically equal to Mbed TLS's codes so that a backend can pass them through. */
#define ESP_TLS_BIO_WANT_READ (-0x6900)
#define ESP_TLS_BIO_WANT_WRITE (-0x6880)
#define ESP_TLS_BIO_CONN_RESET (-0x0050)
#define ESP_TLS_BIO_RECV_FAILED (-0x004C)
#define ESP_TLS_BIO_SEND_FAILED (-0x004E)
#define ESP_TLS_BIO_INVALID_CONTEXT (-0x0045)
/* A flood of ignorable records, or a CCS after the TLS 1.3 handshake
 * (MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE) */
#define ESP_TLS_BIO_UNEXPECTED_MESSAGE (-0x7700)

/** Bytes one API call may receive before the BIO answers WANT_READ ("call again"). */
#define ESP_TLS_BIO_CALL_BUDGET (64 * 1024)
/** Alert or ChangeCipherSpec records in a row, with nothing else between them, tolerated. */
#define ESP_TLS_BIO_MAX_IGNORABLE 32

struct esp_tls;

/** At the start of each API call that may read (handshake step, read, write): the call's
 * byte budget starts again, and on a blocking socket with no connection deadline its read
 * deadline is now + SO_RCVTIMEO. */
void esp_tls_bio_begin_call(struct esp_tls *tls);

/** The handshake is over; @p tls13: with TLS 1.3, after which a ChangeCipherSpec record ends
 * the connection (RFC 8446 §5: unexpected_message; Mbed TLS 3.6 ignores it at any time). */
void esp_tls_bio_handshake_done(struct esp_tls *tls, bool tls13);

/** True when the BIO ended the connection itself (a flood, a CCS after the TLS 1.3
 * handshake): the backend answers with a fatal unexpected_message alert. */
bool esp_tls_bio_refused(const struct esp_tls *tls);

/** Before a last message on an established connection (close_notify): the socket is made
 *  non-blocking, so that the message is sent only if it fits; false if there is no socket or it
 *  cannot be made non-blocking (then nothing should be sent). */
bool esp_tls_bio_prepare_goodbye(struct esp_tls *tls);

/** Receive into @p buf; @p ctx is the esp_tls_t. Returns bytes, 0 at EOF, or a code above. */
int esp_tls_bio_recv(void *ctx, unsigned char *buf, size_t len);

/** Send from @p buf; @p ctx is the esp_tls_t. Returns bytes or a code above. */
int esp_tls_bio_send(void *ctx, const unsigned char *buf, size_t len);
