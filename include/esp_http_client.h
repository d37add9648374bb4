// SPDX-License-Identifier: Apache-2.0
/**
 * @file esp_http_client.h
 * @brief esp_http_client: ESP-IDF v5.5.5's HTTP/1.1 client, on this library's esp_transport.
 *
 * Source compatible with ESP-IDF v5.5.5: the same names, types, enum values, error codes and
 * member order of esp_http_client_config_t. Unlike ESP-IDF, every member of the config is
 * present whatever the configuration (members for ESP32 hardware are accepted and ignored, or
 * make the connection fail where ESP-IDF would need the hardware). See docs/http.md.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "esp_err.h"
#include "esp_event.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default size of the receive buffer and of the transmit buffer (bytes). */
#define DEFAULT_HTTP_BUF_SIZE (512)

/** The event base of the HTTP client's events (no event loop here: see esp_event.h). */
ESP_EVENT_DECLARE_BASE(ESP_HTTP_CLIENT_EVENT);

/** A client: one request at a time, possibly over one kept-alive connection. */
typedef struct esp_http_client *esp_http_client_handle_t;
/** An event as passed to the event handler. */
typedef struct esp_http_client_event *esp_http_client_event_handle_t;

struct esp_transport_item_t;
struct ifreq;

/** What happened (esp_http_client_event_t::event_id). */
typedef enum {
    HTTP_EVENT_ERROR = 0,    /**< An error occurred while performing the request */
    HTTP_EVENT_ON_CONNECTED, /**< Connected to the server, nothing sent yet */
    HTTP_EVENT_HEADERS_SENT, /**< The request line and headers were sent */
    HTTP_EVENT_HEADER_SENT = HTTP_EVENT_HEADERS_SENT, /**< Old name of HTTP_EVENT_HEADERS_SENT */
    HTTP_EVENT_ON_HEADER,    /**< One response header (header_key, header_value) */
    HTTP_EVENT_ON_DATA,      /**< Some response body (data, data_len), possibly in several parts */
    HTTP_EVENT_ON_FINISH,    /**< The whole response was received */
    HTTP_EVENT_DISCONNECTED, /**< The connection was closed */
    HTTP_EVENT_REDIRECT,     /**< A redirect arrived while disable_auto_redirect is set */
} esp_http_client_event_id_t;

/** An event. The pointers are valid only during the handler call. */
typedef struct esp_http_client_event {
    esp_http_client_event_id_t event_id; /**< Which event */
    esp_http_client_handle_t client;     /**< The client */
    void *data;                          /**< Event data (body bytes for HTTP_EVENT_ON_DATA) */
    int data_len;                        /**< Length of data */
    void *user_data;                     /**< The config's user_data */
    char *header_key;                    /**< HTTP_EVENT_ON_HEADER: the header's name */
    char *header_value;                  /**< HTTP_EVENT_ON_HEADER: the header's value */
} esp_http_client_event_t;

/** Event data of HTTP_EVENT_ON_DATA in ESP-IDF's event loop. */
typedef struct esp_http_client_on_data {
    esp_http_client_handle_t client; /**< The client */
    int64_t data_process;            /**< Body bytes processed so far */
} esp_http_client_on_data_t;

/** Event data of HTTP_EVENT_REDIRECT in ESP-IDF's event loop. */
typedef struct esp_http_client_redirect_event_data {
    esp_http_client_handle_t client; /**< The client */
    int status_code;                 /**< The redirect's status code */
} esp_http_client_redirect_event_data_t;

/** Transport: plain TCP or TLS. */
typedef enum {
    HTTP_TRANSPORT_UNKNOWN = 0x0, /**< Taken from the URL's scheme */
    HTTP_TRANSPORT_OVER_TCP,      /**< http */
    HTTP_TRANSPORT_OVER_SSL,      /**< https */
} esp_http_client_transport_t;

/** TLS version of the connection. */
typedef enum {
    ESP_HTTP_CLIENT_TLS_VER_ANY = 0,       /**< TLS 1.2 or 1.3 */
    ESP_HTTP_CLIENT_TLS_VER_TLS_1_2 = 0x1, /**< TLS 1.2 only */
    ESP_HTTP_CLIENT_TLS_VER_TLS_1_3 = 0x2, /**< TLS 1.3 only */
    ESP_HTTP_CLIENT_TLS_VER_MAX,           /**< Upper bound */
} esp_http_client_proto_ver_t;

/** The event handler: called synchronously from the client's functions. */
typedef esp_err_t (*http_event_handle_cb)(esp_http_client_event_t *evt);

/** Curve of a key in the ECDSA peripheral (ESP32 only; always present here). */
typedef enum {
    ESP_HTTP_CLIENT_ECDSA_CURVE_SECP256R1 = 0, /**< P-256 */
    ESP_HTTP_CLIENT_ECDSA_CURVE_SECP384R1,     /**< P-384 */
    ESP_HTTP_CLIENT_ECDSA_CURVE_MAX,           /**< Upper bound */
} esp_http_client_ecdsa_curve_t;

/** Request method. */
typedef enum {
    HTTP_METHOD_GET = 0,     /**< GET */
    HTTP_METHOD_POST,        /**< POST */
    HTTP_METHOD_PUT,         /**< PUT */
    HTTP_METHOD_PATCH,       /**< PATCH */
    HTTP_METHOD_DELETE,      /**< DELETE */
    HTTP_METHOD_HEAD,        /**< HEAD */
    HTTP_METHOD_NOTIFY,      /**< NOTIFY */
    HTTP_METHOD_SUBSCRIBE,   /**< SUBSCRIBE */
    HTTP_METHOD_UNSUBSCRIBE, /**< UNSUBSCRIBE */
    HTTP_METHOD_OPTIONS,     /**< OPTIONS */
    HTTP_METHOD_COPY,        /**< COPY */
    HTTP_METHOD_MOVE,        /**< MOVE */
    HTTP_METHOD_LOCK,        /**< LOCK */
    HTTP_METHOD_UNLOCK,      /**< UNLOCK */
    HTTP_METHOD_PROPFIND,    /**< PROPFIND */
    HTTP_METHOD_PROPPATCH,   /**< PROPPATCH */
    HTTP_METHOD_MKCOL,       /**< MKCOL */
    HTTP_METHOD_REPORT,      /**< REPORT */
    HTTP_METHOD_MAX,         /**< Upper bound */
} esp_http_client_method_t;

/** HTTP authentication scheme. */
typedef enum {
    HTTP_AUTH_TYPE_NONE = 0, /**< None */
    HTTP_AUTH_TYPE_BASIC,    /**< Basic (RFC 7617) */
    HTTP_AUTH_TYPE_DIGEST,   /**< Digest, MD5 or SHA-256 (RFC 7616) */
} esp_http_client_auth_type_t;

/** Address family used to resolve the host. */
typedef enum {
    HTTP_ADDR_TYPE_UNSPEC = AF_UNSPEC, /**< Any */
    HTTP_ADDR_TYPE_INET = AF_INET,     /**< IPv4 only */
    HTTP_ADDR_TYPE_INET6 = AF_INET6,   /**< IPv6 only */
} esp_http_client_addr_type_t;

/** TLS dynamic buffer strategy (CONFIG_MBEDTLS_DYNAMIC_BUFFER). */
typedef enum {
    HTTP_TLS_DYN_BUF_RX_STATIC = 1, /**< Keep the receive buffer allocated after the handshake */
    HTTP_TLS_DYN_BUF_STRATEGY_MAX,  /**< Upper bound */
} esp_http_client_tls_dyn_buf_strategy_t;

/**
 * Client configuration, read by esp_http_client_init(). Zero means the default. Member order
 * is ESP-IDF v5.5.5's; every member is present in every build. Strings are copied, except
 * cert/key buffers and alpn_protos, which must outlive the client.
 */
typedef struct {
    const char *url;      /**< Full URL; overrides host/port/path/query when set */
    const char *host;     /**< Host name or address (when url is not set) */
    int port;             /**< Port; default 80 (http) or 443 (https) */
    const char *username; /**< User name for authentication (also taken from the URL) */
    const char *password; /**< Password for authentication (also taken from the URL) */
    esp_http_client_auth_type_t auth_type; /**< Authentication scheme to use from the start */
    const char *path;                      /**< Path; default "/" */
    const char *query;                     /**< Query string without '?' */
    union {
        const char *cert_pem; /**< CA certificate(s) to verify the server, PEM */
        const char *cert_der; /**< CA certificate to verify the server, DER */
    };
    size_t cert_len; /**< Length of cert_pem including the NUL (or 0: NUL-terminated), or DER */
    union {
        const char *client_cert_pem; /**< Client certificate, PEM */
        const char *client_cert_der; /**< Client certificate, DER */
    };
    size_t client_cert_len;                  /**< As cert_len, for the client certificate */
    const char *client_key_pem;              /**< Client private key, PEM (or DER with a length) */
    size_t client_key_len;                   /**< As cert_len, for the client key */
    const char *client_key_password;         /**< Passphrase of an encrypted client key */
    size_t client_key_password_len;          /**< Length of client_key_password */
    esp_http_client_proto_ver_t tls_version; /**< TLS version; default: any */
    bool use_ecdsa_peripheral;               /**< ESP32 ECDSA peripheral (fails here) */
    uint8_t ecdsa_key_efuse_blk;             /**< ESP32 eFuse block of the ECDSA key */
    uint8_t ecdsa_key_efuse_blk_high;        /**< ESP32 high eFuse block (P-384) */
    esp_http_client_ecdsa_curve_t ecdsa_curve; /**< Curve of the ECDSA peripheral key */
    const char *user_agent;                    /**< User-Agent; default "ESP32 HTTP Client/1.0" */
    esp_http_client_method_t method;           /**< Method; default GET */
    int timeout_ms;                            /**< Network timeout (ms); default 5000 */
    bool disable_auto_redirect;                /**< Do not follow redirects (HTTP_EVENT_REDIRECT) */
    int max_redirection_count;                 /**< Redirects followed at most; default 10 */
    int max_authorization_retries;             /**< 401 retries; default 1, -1 disables */
    http_event_handle_cb event_handler;        /**< Event handler */
    esp_http_client_transport_t transport_type; /**< Transport when the URL has no scheme */
    int buffer_size;                            /**< Receive buffer; default 512 */
    int buffer_size_tx;                         /**< Transmit buffer (request head); default 512 */
    void *user_data;                            /**< Passed in every event */
    bool is_async;                    /**< Non-blocking perform (ESP_ERR_HTTP_EAGAIN), https */
    bool use_global_ca_store;         /**< Verify the server with the global CA store */
    bool skip_cert_common_name_check; /**< Do not check the server's name */
    const char *common_name;          /**< Name the server certificate must carry (default host) */
    esp_err_t (*crt_bundle_attach)(void *conf); /**< esp_crt_bundle_attach to use the bundle */
    bool keep_alive_enable;                     /**< TCP keep-alive */
    int keep_alive_idle;                        /**< Keep-alive idle time (s); default 5 */
    int keep_alive_interval;                    /**< Keep-alive interval (s); default 5 */
    int keep_alive_count;                       /**< Keep-alive probes; default 3 */
    struct ifreq *if_name;                      /**< Interface to bind to (SO_BINDTODEVICE) */
    const char **alpn_protos;                   /**< ALPN list, NULL-terminated */
    bool use_secure_element;                    /**< ESP32 secure element (fails here) */
    void *ds_data;                              /**< ESP32 DS peripheral data (fails here) */
    bool save_client_session;                   /**< Resume the TLS session on reconnect */
    struct esp_transport_item_t *transport;     /**< A custom transport to use instead */
    esp_http_client_addr_type_t addr_type;      /**< Address family; default any */
    esp_http_client_tls_dyn_buf_strategy_t tls_dyn_buf_strategy; /**< TLS dynamic buffers */
} esp_http_client_config_t;

/** HTTP status codes the client knows by name. */
typedef enum {
    HttpStatus_Ok = 200,
    HttpStatus_MultipleChoices = 300,
    HttpStatus_MovedPermanently = 301,
    HttpStatus_Found = 302,
    HttpStatus_SeeOther = 303,
    HttpStatus_NotModified = 304,
    HttpStatus_TemporaryRedirect = 307,
    HttpStatus_PermanentRedirect = 308,
    HttpStatus_BadRequest = 400,
    HttpStatus_Unauthorized = 401,
    HttpStatus_Forbidden = 403,
    HttpStatus_NotFound = 404,
    HttpStatus_RangeNotSatisfiable = 416,
    HttpStatus_InternalError = 500
} HttpStatus_Code;

#define ESP_ERR_HTTP_BASE (0x7000)                             /**< First HTTP error code */
#define ESP_ERR_HTTP_MAX_REDIRECT (ESP_ERR_HTTP_BASE + 1)      /**< Too many redirects */
#define ESP_ERR_HTTP_CONNECT (ESP_ERR_HTTP_BASE + 2)           /**< Could not connect */
#define ESP_ERR_HTTP_WRITE_DATA (ESP_ERR_HTTP_BASE + 3)        /**< Could not send the request */
#define ESP_ERR_HTTP_FETCH_HEADER (ESP_ERR_HTTP_BASE + 4)      /**< Could not read the headers */
#define ESP_ERR_HTTP_INVALID_TRANSPORT (ESP_ERR_HTTP_BASE + 5) /**< No transport for the scheme */
#define ESP_ERR_HTTP_CONNECTING (ESP_ERR_HTTP_BASE + 6) /**< Connection not established yet */
#define ESP_ERR_HTTP_EAGAIN (ESP_ERR_HTTP_BASE + 7)     /**< Would block (is_async), call again */
#define ESP_ERR_HTTP_CONNECTION_CLOSED (ESP_ERR_HTTP_BASE + 8)      /**< The server closed */
#define ESP_ERR_HTTP_NOT_MODIFIED (ESP_ERR_HTTP_BASE + 9)           /**< 304 Not Modified */
#define ESP_ERR_HTTP_RANGE_NOT_SATISFIABLE (ESP_ERR_HTTP_BASE + 10) /**< 416 */
#define ESP_ERR_HTTP_READ_TIMEOUT (ESP_ERR_HTTP_BASE + 11)          /**< Read timed out */
#define ESP_ERR_HTTP_INCOMPLETE_DATA (ESP_ERR_HTTP_BASE + 12) /**< Body shorter than announced */

/**
 * @brief Create a client from @p config. Free it with esp_http_client_cleanup().
 * @return the client, or NULL (bad URL or config, out of memory; logged)
 */
esp_http_client_handle_t esp_http_client_init(const esp_http_client_config_t *config);

/**
 * @brief Perform the request: connect (or reuse the kept-alive connection), send, read the
 *        whole response through the event handler, follow redirects and authentication.
 * @return ESP_OK; ESP_ERR_HTTP_CONNECT, ESP_ERR_HTTP_WRITE_DATA, ESP_ERR_HTTP_FETCH_HEADER,
 *         ESP_ERR_HTTP_MAX_REDIRECT, ESP_ERR_HTTP_EAGAIN (is_async: call again),
 *         ESP_ERR_HTTP_READ_TIMEOUT, ESP_ERR_HTTP_INCOMPLETE_DATA,
 *         ESP_ERR_HTTP_CONNECTION_CLOSED, ESP_FAIL
 */
esp_err_t esp_http_client_perform(esp_http_client_handle_t client);

/** @brief Abort the request under way: close the connection (a new one is made next time). */
esp_err_t esp_http_client_cancel_request(esp_http_client_handle_t client);

/** @brief Replace the URL; a relative URL ("/x", "x") resolves against the current one. */
esp_err_t esp_http_client_set_url(esp_http_client_handle_t client, const char *url);

/**
 * @brief Body to send (kept by pointer, not copied). Sets Content-Type to
 *        application/x-www-form-urlencoded unless a Content-Type header is set.
 */
esp_err_t esp_http_client_set_post_field(esp_http_client_handle_t client, const char *data,
                                         int len);

/** @brief The body set by esp_http_client_set_post_field(); returns its length. */
int esp_http_client_get_post_field(esp_http_client_handle_t client, char **data);

/** @brief Set (or replace) a request header. */
esp_err_t esp_http_client_set_header(esp_http_client_handle_t client, const char *key,
                                     const char *value);

/** @brief A request header's value (*value NULL when absent). */
esp_err_t esp_http_client_get_header(esp_http_client_handle_t client, const char *key,
                                     char **value);

/** @brief The user name in use (*value NULL when none). */
esp_err_t esp_http_client_get_username(esp_http_client_handle_t client, char **value);

/** @brief Set the user name (NULL clears it). */
esp_err_t esp_http_client_set_username(esp_http_client_handle_t client, const char *username);

/** @brief The password in use (*value NULL when none). */
esp_err_t esp_http_client_get_password(esp_http_client_handle_t client, char **value);

/** @brief Set the password (NULL clears it). */
esp_err_t esp_http_client_set_password(esp_http_client_handle_t client, const char *password);

/** @brief Set the authentication scheme. */
esp_err_t esp_http_client_set_authtype(esp_http_client_handle_t client,
                                       esp_http_client_auth_type_t auth_type);

/** @brief The user_data pointer. */
esp_err_t esp_http_client_get_user_data(esp_http_client_handle_t client, void **data);

/** @brief Set the user_data pointer passed in events. */
esp_err_t esp_http_client_set_user_data(esp_http_client_handle_t client, void *data);

/** @brief errno of the last transport failure (-1 for a NULL client). */
int esp_http_client_get_errno(esp_http_client_handle_t client);

/**
 * @brief The last ESP-TLS error of the connection, then clear it.
 * @param esp_tls_error_code  Mbed TLS error code (may be NULL)
 * @param esp_tls_flags       certificate verification flags (may be NULL)
 * @return ESP_OK (no error), the ESP_ERR_ESP_TLS_* / ESP_ERR_MBEDTLS_* code, or ESP_FAIL
 */
esp_err_t esp_http_client_get_and_clear_last_tls_error(esp_http_client_handle_t client,
                                                       int *esp_tls_error_code, int *esp_tls_flags);

/** @brief Set the method of the next request. */
esp_err_t esp_http_client_set_method(esp_http_client_handle_t client,
                                     esp_http_client_method_t method);

/** @brief Set the network timeout (ms). */
esp_err_t esp_http_client_set_timeout_ms(esp_http_client_handle_t client, int timeout_ms);

/** @brief Remove a request header. */
esp_err_t esp_http_client_delete_header(esp_http_client_handle_t client, const char *key);

/** @brief Remove every request header (including the defaults Host and User-Agent). */
esp_err_t esp_http_client_delete_all_headers(esp_http_client_handle_t client);

/**
 * @brief Connect (or reuse the connection) and send the request line and headers.
 * @param write_len  body length to announce (Content-Length); -1 for a chunked body sent with
 *                   esp_http_client_write() in chunk format by the caller
 */
esp_err_t esp_http_client_open(esp_http_client_handle_t client, int write_len);

/** @brief Send body bytes after esp_http_client_open(). @return bytes sent, or -1 */
int esp_http_client_write(esp_http_client_handle_t client, const char *buffer, int len);

/**
 * @brief Read the response status line and headers.
 * @return the Content-Length, 0 when there is none or the body is chunked, ESP_FAIL, or
 *         -ESP_ERR_HTTP_EAGAIN (is_async or timeout before any data)
 */
int64_t esp_http_client_fetch_headers(esp_http_client_handle_t client);

/** @brief Whether the response body is chunked. */
bool esp_http_client_is_chunked_response(esp_http_client_handle_t client);

/**
 * @brief Read up to @p len body bytes (chunked encoding removed).
 * @return bytes read, 0 at the end of the body, -1 on error, -ESP_ERR_HTTP_EAGAIN on timeout
 */
int esp_http_client_read(esp_http_client_handle_t client, char *buffer, int len);

/** @brief Status code of the last response. */
int esp_http_client_get_status_code(esp_http_client_handle_t client);

/** @brief Content-Length of the last response; -1 when chunked. */
int64_t esp_http_client_get_content_length(esp_http_client_handle_t client);

/** @brief Close the connection; the client stays usable. */
esp_err_t esp_http_client_close(esp_http_client_handle_t client);

/** @brief Close and free the client. */
esp_err_t esp_http_client_cleanup(esp_http_client_handle_t client);

/** @brief Transport of the current URL. */
esp_http_client_transport_t esp_http_client_get_transport_type(esp_http_client_handle_t client);

/** @brief Make the last response's Location the URL of the next request. */
esp_err_t esp_http_client_set_redirection(esp_http_client_handle_t client);

/** @brief Reset the count of redirects followed. */
esp_err_t esp_http_client_reset_redirect_counter(esp_http_client_handle_t client);

/**
 * @brief Set the authentication challenge (the WWW-Authenticate value) from a header the
 *        application received itself.
 */
esp_err_t esp_http_client_set_auth_data(esp_http_client_handle_t client, const char *auth_data,
                                        int len);

/**
 * @brief After a 401, prepare the Authorization for the next request from the challenge.
 * @return ESP_OK, ESP_ERR_INVALID_ARG, ESP_ERR_NO_MEM, ESP_ERR_NOT_SUPPORTED (scheme), ESP_FAIL
 */
esp_err_t esp_http_client_add_auth(esp_http_client_handle_t client);

/** @brief Whether the whole body of the last response was read. */
bool esp_http_client_is_complete_data_received(esp_http_client_handle_t client);

/** @brief Read the body until @p buffer is full or the body ends. @return bytes read or -1 */
int esp_http_client_read_response(esp_http_client_handle_t client, char *buffer, int len);

/** @brief Read and discard the rest of the body; @p len (may be NULL) gets the bytes dropped. */
esp_err_t esp_http_client_flush_response(esp_http_client_handle_t client, int *len);

/** @brief Copy the current URL into @p url (@p len bytes with the NUL). */
esp_err_t esp_http_client_get_url(esp_http_client_handle_t client, char *url, const int len);

/** @brief Length of the current chunk of a chunked body (ESP_FAIL when not chunked). */
esp_err_t esp_http_client_get_chunk_length(esp_http_client_handle_t client, int *len);

/** @brief Whether the connection stays open after this response (keep-alive). */
bool esp_http_client_is_persistent_connection(esp_http_client_handle_t client);

/** @brief Socket of the connection, or -1. */
int esp_http_client_get_socket(esp_http_client_handle_t client);

#ifdef __cplusplus
}
#endif
