// SPDX-License-Identifier: Apache-2.0
/*
 * Private definition of a transport handle, shared by the generic layer (transport.c) and the
 * esp_tls based tcp and ssl transports (transport_esp_tls.c, transport_setters.c).
 */
#pragma once

#include <stdbool.h>

#include "../port/guard.h"
#include "esp_tls.h"
#include "esp_transport.h"

/*
 * Error storage: the public tracker slots followed by the hidden errno slot. esp_tls reaches
 * the errno slot behind any esp_tls_error_handle_t, so this layout is API
 * (ESP-IDF's esp_tls_last_error_t followed by an int, esp_transport_internal.h there).
 */
typedef struct {
    esp_tls_last_error_t parent;
    int sock_errno;
} esp_transport_error_storage_t;

/* State of the tcp and ssl transports: the esp_tls configuration and connection. */
typedef struct transport_esp_tls {
    esp_tls_cfg_t cfg;
    esp_tls_t *tls;                    /* the connection, or NULL when closed */
    bool async;                        /* tls was opened by esp_transport_connect_async() */
    esp_tls_client_session_t *session; /* saved by ESP_TRANSPORT_SESSION_TICKET_SAVE */
    esp_transport_error_storage_t err;
} transport_esp_tls_t;

struct esp_transport_item_t {
    int port;     /* default port, for the caller */
    char *scheme; /* set by esp_transport_list_add(), owned */
    void *data;   /* user context of a custom transport */
    connect_func _connect;
    io_read_func _read;
    io_func _write;
    trans_func _close;
    poll_func _poll_read;
    poll_func _poll_write;
    trans_func _destroy;
    connect_async_func _connect_async;
    payload_transfer_func _parent_transfer;
    int (*_get_socket)(esp_transport_handle_t t);
    transport_esp_tls_t *base;          /* tcp/ssl state, NULL for a custom transport */
    esp_transport_error_storage_t *err; /* error storage, NULL for a custom transport */
    struct esp_transport_item_t *next;  /* next in its list */
};

/* Record an errno in the transport's errno slot (no-op without storage). */
void esp_transport_capture_errno(esp_transport_handle_t t, int sock_errno);

/* Record the esp_tls code that matches a transport error in the ESP slot. */
void esp_transport_capture_error(esp_transport_handle_t t, enum esp_tcp_transport_err_t error);

/* Copy the errors of an esp_tls tracker (public slots and errno slot) into the transport's. */
void esp_transport_set_errors(esp_transport_handle_t t, esp_tls_error_handle_t error_handle);
