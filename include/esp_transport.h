// SPDX-License-Identifier: Apache-2.0
/**
 * @file esp_transport.h
 * @brief esp_transport: one connect/read/write/poll/close interface over several transports.
 *
 * Source compatible with ESP-IDF's tcp_transport component (v5.x line): the same names,
 * types, return conventions and error values. The tcp and ssl transports
 * (esp_transport_tcp.h, esp_transport_ssl.h) run on esp_tls; a custom transport is a bare
 * handle from esp_transport_init() with its functions installed by esp_transport_set_func().
 */
#pragma once

#include <stdbool.h>

#include "esp_err.h"
#include "esp_tls_errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * TCP keep-alive settings. The layout is that of tls_keep_alive_cfg_t (esp_tls.h): the ssl and
 * tcp transports hand a pointer to it to esp_tls unchanged, so it must stay valid while the
 * transport connects.
 */
typedef struct esp_transport_keepalive {
    bool keep_alive_enable;  /**< Enable SO_KEEPALIVE */
    int keep_alive_idle;     /**< Idle time before the first probe (s) */
    int keep_alive_interval; /**< Interval between probes (s) */
    int keep_alive_count;    /**< Probes before the connection is dropped */
} esp_transport_keep_alive_t;

/** A list of transports, each found by its scheme (e.g. "http", "https"). */
typedef struct esp_transport_list_t *esp_transport_list_handle_t;

/** A transport handle. */
typedef struct esp_transport_item_t *esp_transport_handle_t;

/** Connect hook of a transport: 0 connected, -1 failed. */
typedef int (*connect_func)(esp_transport_handle_t t, const char *host, int port, int timeout_ms);
/** Write hook of a transport. */
typedef int (*io_func)(esp_transport_handle_t t, const char *buffer, int len, int timeout_ms);
/** Read hook of a transport. */
typedef int (*io_read_func)(esp_transport_handle_t t, char *buffer, int len, int timeout_ms);
/** Close or destroy hook of a transport. */
typedef int (*trans_func)(esp_transport_handle_t t);
/** Poll hook of a transport: >0 ready, 0 timeout, -1 error. */
typedef int (*poll_func)(esp_transport_handle_t t, int timeout_ms);
/** Non-blocking connect hook: 1 connected, 0 in progress, -1 failed. */
typedef int (*connect_async_func)(esp_transport_handle_t t, const char *host, int port,
                                  int timeout_ms);
/** Returns the transport that carries the payload of @p t (by default @p t itself). */
typedef esp_transport_handle_t (*payload_transfer_func)(esp_transport_handle_t);

/**
 * Results of esp_transport_read() that are not byte counts. Numbers are ESP-IDF's: note that
 * ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT is 0.
 */
enum esp_tcp_transport_err_t {
    ERR_TCP_TRANSPORT_NO_MEM = -3,                   /**< Out of memory */
    ERR_TCP_TRANSPORT_CONNECTION_FAILED = -2,        /**< Poll or receive failed */
    ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN = -1, /**< The peer closed the connection */
    ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT = 0,        /**< Nothing arrived within the timeout */
};

#define ESP_ERR_TCP_TRANSPORT_BASE 0xe000 /**< Start of the esp_transport esp_err_t codes */
/** Connection timed out */
#define ESP_ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT (ESP_ERR_TCP_TRANSPORT_BASE + 1)
/** The peer closed the connection cleanly (FIN) */
#define ESP_ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN (ESP_ERR_TCP_TRANSPORT_BASE + 2)
/** Connecting or receiving failed */
#define ESP_ERR_TCP_TRANSPORT_CONNECTION_FAILED (ESP_ERR_TCP_TRANSPORT_BASE + 3)
/** Out of memory */
#define ESP_ERR_TCP_TRANSPORT_NO_MEM (ESP_ERR_TCP_TRANSPORT_BASE + 4)

/**
 * @brief Create an empty transport list.
 * @return the list, or NULL when out of memory
 */
esp_transport_list_handle_t esp_transport_list_init(void);

/**
 * @brief Destroy every transport of the list (esp_transport_destroy()), then the list.
 * @return ESP_OK; ESP_FAIL if @p list is NULL
 */
esp_err_t esp_transport_list_destroy(esp_transport_list_handle_t list);

/**
 * @brief Append @p t to @p list under @p scheme (a copy of the string is kept).
 *
 * A transport belongs to at most one list; the list then owns it.
 * @return ESP_OK; ESP_ERR_INVALID_ARG if an argument is NULL; ESP_ERR_NO_MEM
 */
esp_err_t esp_transport_list_add(esp_transport_list_handle_t list, esp_transport_handle_t t,
                                 const char *scheme);

/**
 * @brief Destroy every transport of the list and leave the list empty.
 * @return ESP_OK; ESP_ERR_INVALID_ARG if @p list is NULL
 */
esp_err_t esp_transport_list_clean(esp_transport_list_handle_t list);

/**
 * @brief Find a transport by scheme (case-insensitive).
 * @param scheme  the scheme given to esp_transport_list_add(); NULL returns the first transport
 * @return the transport, or NULL if none matches or @p list is NULL
 */
esp_transport_handle_t esp_transport_list_get_transport(esp_transport_list_handle_t list,
                                                        const char *scheme);

/**
 * @brief Allocate a bare transport without functions (see esp_transport_set_func()).
 * @return the handle, or NULL when out of memory
 */
esp_transport_handle_t esp_transport_init(void);

/**
 * @brief Close the transport (through its destroy hook) and free it. NULL is accepted.
 * @return ESP_OK
 */
esp_err_t esp_transport_destroy(esp_transport_handle_t t);

/** @brief The transport's default port (0 until set); -1 if @p t is NULL. */
int esp_transport_get_default_port(esp_transport_handle_t t);

/**
 * @brief Set the transport's default port (kept for the caller; connect takes its own port).
 * @return ESP_OK; ESP_FAIL if @p t is NULL
 */
esp_err_t esp_transport_set_default_port(esp_transport_handle_t t, int port);

/**
 * @brief Connect, blocking until connected, failed or @p timeout_ms passed.
 *
 * A connection still open on @p t is closed first. On failure the cause is in
 * esp_transport_get_error_handle() and esp_transport_get_errno().
 * @param host        NUL-terminated host name or address
 * @param port        1..65535
 * @param timeout_ms  bound of the whole connect; also the socket timeout of later reads and
 *                    writes. 0 or negative means esp_tls's 10 s default.
 * @return 0 connected; -1 failed (also for NULL @p t or @p host, or a transport without connect)
 */
int esp_transport_connect(esp_transport_handle_t t, const char *host, int port, int timeout_ms);

/**
 * @brief Advance a non-blocking connect by one step.
 *
 * The first call opens the connection with a non-blocking socket; call again (with the same
 * arguments) while it returns 0. After -1, esp_transport_close() before trying again.
 * @param timeout_ms  used by the first call: later calls fail once it has passed
 * @return 1 connected; 0 in progress; -1 failed (also for NULL arguments or a transport
 *         without an async connect)
 */
int esp_transport_connect_async(esp_transport_handle_t t, const char *host, int port,
                                int timeout_ms);

/**
 * @brief Wait up to @p timeout_ms for data, then read up to @p len bytes.
 *
 * Records that carry no application data (TLS 1.3 session tickets) do not end the wait.
 * @param timeout_ms  negative waits without limit
 * @return bytes read (> 0); ERR_TCP_TRANSPORT_CONNECTION_TIMEOUT (0) when nothing arrived;
 *         ERR_TCP_TRANSPORT_CONNECTION_CLOSED_BY_FIN (-1) when the peer closed;
 *         ERR_TCP_TRANSPORT_CONNECTION_FAILED (-2) when polling or receiving failed; for the
 *         ssl transport another negative esp_tls/Mbed TLS code. -1 also for a NULL @p t, a
 *         negative @p len, or a NULL @p buffer with @p len > 0; 0 for @p len 0.
 */
int esp_transport_read(esp_transport_handle_t t, char *buffer, int len, int timeout_ms);

/**
 * @brief Wait until the transport has data to read.
 * @param timeout_ms  negative waits without limit
 * @return > 0 readable (the number of bytes already decrypted and buffered, or 1); 0 timeout;
 *         -1 error (not connected, or a socket error, whose SO_ERROR is captured)
 */
int esp_transport_poll_read(esp_transport_handle_t t, int timeout_ms);

/**
 * @brief Wait up to @p timeout_ms until the socket is writable, then write.
 * @return bytes written; 0 if the socket did not become writable in time; -1 on a poll error,
 *         for a NULL @p t or @p buffer or a negative @p len; another negative esp_tls code if
 *         the write failed (captured in the error handle)
 */
int esp_transport_write(esp_transport_handle_t t, const char *buffer, int len, int timeout_ms);

/**
 * @brief Wait until the socket is writable.
 * @return > 0 writable; 0 timeout; -1 error (not connected, or a socket error, captured)
 */
int esp_transport_poll_write(esp_transport_handle_t t, int timeout_ms);

/**
 * @brief Close the connection; the transport can connect again.
 * @return 0 closed; -1 if nothing was open (as in ESP-IDF); 0 for a NULL @p t or a transport
 *         without a close hook
 */
int esp_transport_close(esp_transport_handle_t t);

/** @brief The user context of a custom transport (NULL for NULL). */
void *esp_transport_get_context_data(esp_transport_handle_t t);

/**
 * @brief The transport carrying the payload of @p t (by default @p t itself).
 * @return NULL for NULL or a transport without functions
 */
esp_transport_handle_t esp_transport_get_payload_transport_handle(esp_transport_handle_t t);

/**
 * @brief Set the user context of a custom transport.
 * @return ESP_OK; ESP_FAIL if @p t is NULL
 */
esp_err_t esp_transport_set_context_data(esp_transport_handle_t t, void *data);

/**
 * @brief Install the functions of a custom transport (any may be NULL).
 *
 * Also clears the async connect hook and resets the payload hook to the default.
 * @return ESP_OK; ESP_FAIL if @p t is NULL
 */
esp_err_t esp_transport_set_func(esp_transport_handle_t t, connect_func _connect,
                                 io_read_func _read, io_func _write, trans_func _close,
                                 poll_func _poll_read, poll_func _poll_write, trans_func _destroy);

/**
 * @brief Install the non-blocking connect of a custom transport.
 * @return ESP_OK; ESP_FAIL if @p t is NULL
 */
esp_err_t esp_transport_set_async_connect_func(esp_transport_handle_t t,
                                               connect_async_func _connect_async_func);

/**
 * @brief Install the payload-transport getter of a custom transport.
 * @return ESP_OK; ESP_FAIL if @p t is NULL
 */
esp_err_t esp_transport_set_parent_transport_func(esp_transport_handle_t t,
                                                  payload_transfer_func _parent_transport);

/**
 * @brief The error tracker of the tcp and ssl transports, for esp_tls_get_and_clear_last_error().
 *
 * It holds the esp_tls errors of the last failed connect, read or write (and
 * ESP_ERR_ESP_TLS_TCP_CLOSED_FIN when the peer closed). Valid until esp_transport_destroy().
 * @return the handle; NULL for NULL or a custom transport
 */
esp_tls_error_handle_t esp_transport_get_error_handle(esp_transport_handle_t t);

/**
 * @brief Return and clear the last captured socket errno (connect, poll, read or write).
 * @return the errno (0 if none); -1 for NULL or a custom transport
 */
int esp_transport_get_errno(esp_transport_handle_t t);

/**
 * @brief Map a read result (enum esp_tcp_transport_err_t) to an ESP_ERR_TCP_TRANSPORT_* code.
 * @return the code; ESP_FAIL for a value outside the enum
 */
esp_err_t esp_transport_translate_error(enum esp_tcp_transport_err_t error);

/**
 * @brief The socket of the transport: the connected one, or the one being connected.
 *
 * ESP-IDF declares this in a private header; applications there declare it themselves, which
 * still compiles against this declaration.
 * @return the file descriptor, or -1 (NULL, nothing open, or a custom transport)
 */
int esp_transport_get_socket(esp_transport_handle_t t);

#ifdef __cplusplus
}
#endif
