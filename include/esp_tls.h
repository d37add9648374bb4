// SPDX-License-Identifier: Apache-2.0
/**
 * @file esp_tls.h
 * @brief ESP-TLS: one call opens a verified TLS (or plain TCP) connection.
 *
 * Source compatible with ESP-IDF's esp_tls.h (v5.5 line, Mbed TLS 3.6): the members of every
 * structure come in ESP-IDF's order, so designated initialisers written for ESP-IDF compile
 * (also in C++20). Unlike ESP-IDF's, no layout here depends on the configuration: members of
 * features that a build leaves out are always present, and setting one makes the connection
 * fail with ESP_ERR_NOT_SUPPORTED and a log line naming the option (docs/COMPAT.md, "ABI").
 * Deviations from ESP-IDF are listed in docs/COMPAT.md. Configuration structures must be
 * zero-initialised;
 * the buffers they point to are not copied and must stay valid while a connection is
 * opened (and, for ALPN, ciphersuites, PSK and keep-alive, for the whole connection).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "esp_err.h"
#include "esp_tls_errors.h"
#include "sdkconfig.h"

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_ticket.h"
#include "mbedtls/x509_crt.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ifreq;

/** Connection state, as driven by esp_tls_conn_new_sync()/esp_tls_conn_new_async(). */
typedef enum esp_tls_conn_state {
    ESP_TLS_INIT = 0,   /**< Nothing done yet */
    ESP_TLS_CONNECTING, /**< TCP connection in progress */
    ESP_TLS_HANDSHAKE,  /**< TLS handshake in progress */
    ESP_TLS_FAIL,       /**< Failed; destroy the handle */
    ESP_TLS_DONE,       /**< Connected */
} esp_tls_conn_state_t;

/** Role of a handle. */
typedef enum esp_tls_role {
    ESP_TLS_CLIENT = 0,
    ESP_TLS_SERVER,
} esp_tls_role_t;

/** Address family filter for name resolution. */
typedef enum esp_tls_addr_family {
    ESP_TLS_AF_UNSPEC = 0, /**< IPv4 or IPv6, in the resolver's order */
    ESP_TLS_AF_INET,       /**< IPv4 only */
    ESP_TLS_AF_INET6,      /**< IPv6 only */
} esp_tls_addr_family_t;

/** TLS protocol version to negotiate. Nothing older than TLS 1.2 is ever negotiated. */
typedef enum {
    ESP_TLS_VER_ANY = 0,       /**< TLS 1.2 or 1.3, the newest both sides support */
    ESP_TLS_VER_TLS_1_2 = 0x1, /**< TLS 1.2 only */
    ESP_TLS_VER_TLS_1_3 = 0x2, /**< TLS 1.3 only */
    ESP_TLS_VER_TLS_MAX,       /**< Sentinel, not a version */
} esp_tls_proto_ver_t;

/** Dynamic buffer strategy (only with CONFIG_MBEDTLS_DYNAMIC_BUFFER). */
typedef enum {
    ESP_TLS_DYN_BUF_RX_STATIC = 1, /**< Keep the RX buffer once the handshake is done */
    ESP_TLS_DYN_BUF_STRATEGY_MAX,  /**< Sentinel */
} esp_tls_dyn_buf_strategy_t;

/** ECDSA curve of the hardware peripheral (hardware only; unsupported on a host). */
typedef enum {
    ESP_TLS_ECDSA_CURVE_SECP256R1 = 0,
    ESP_TLS_ECDSA_CURVE_MAX,
} esp_tls_ecdsa_curve_t;

/** Pre-shared key and identity. Must stay valid for the connection. */
typedef struct psk_key_hint {
    const uint8_t *key; /**< Binary key */
    size_t key_size;    /**< Key length in bytes */
    const char *hint;   /**< NUL-terminated identity */
} psk_hint_key_t;

/** TCP keep-alive settings (layout shared with esp_transport_keep_alive_t). */
typedef struct tls_keep_alive_cfg {
    bool keep_alive_enable;  /**< Enable SO_KEEPALIVE */
    int keep_alive_idle;     /**< Idle time before the first probe (s) */
    int keep_alive_interval; /**< Interval between probes (s) */
    int keep_alive_count;    /**< Probes before the connection is dropped */
} tls_keep_alive_cfg_t;

/** A saved client session (TLS 1.2 session or TLS 1.3 ticket) for resumption
 *  (CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS). */
typedef struct esp_tls_client_session {
    mbedtls_ssl_session saved_session; /**< Mbed TLS session */
} esp_tls_client_session_t;

/** Opaque connection handle. */
typedef struct esp_tls esp_tls_t;

/** Client configuration. Zero-initialise, then set what you need. */
typedef struct esp_tls_cfg {
    /** NULL-terminated list of NUL-terminated ALPN names, e.g. {"h2", "http/1.1", NULL} */
    const char **alpn_protos;

    union {
        const unsigned char *cacert_buf;     /**< CA certificate(s): PEM chain or one DER */
        const unsigned char *cacert_pem_buf; /**< Legacy alias of cacert_buf */
    };
    union {
        unsigned int cacert_bytes;     /**< Length; for PEM it includes the NUL */
        unsigned int cacert_pem_bytes; /**< Legacy alias of cacert_bytes */
    };
    union {
        const unsigned char *clientcert_buf;     /**< Client certificate (PEM or DER) */
        const unsigned char *clientcert_pem_buf; /**< Legacy alias */
    };
    union {
        unsigned int clientcert_bytes;     /**< Length; for PEM it includes the NUL */
        unsigned int clientcert_pem_bytes; /**< Legacy alias */
    };
    union {
        const unsigned char *clientkey_buf;     /**< Client private key (PEM or DER) */
        const unsigned char *clientkey_pem_buf; /**< Legacy alias */
    };
    union {
        unsigned int clientkey_bytes;     /**< Length; for PEM it includes the NUL */
        unsigned int clientkey_pem_bytes; /**< Legacy alias */
    };
    const unsigned char *clientkey_password; /**< Passphrase of an encrypted key */
    unsigned int clientkey_password_len;     /**< Passphrase length (no NUL) */

    bool use_ecdsa_peripheral;         /**< Hardware only: ESP_FAIL on a host */
    uint8_t ecdsa_key_efuse_blk;       /**< Hardware only */
    uint8_t ecdsa_key_efuse_blk_high;  /**< Hardware only */
    esp_tls_ecdsa_curve_t ecdsa_curve; /**< Hardware only */

    bool non_block;          /**< Non-blocking socket for connect, handshake and I/O */
    bool use_secure_element; /**< Hardware only: ESP_FAIL on a host */

    /**
     * Network timeout in ms: socket send/receive timeout, connect bound and the deadline of
     * esp_tls_conn_new_sync(). 0 or negative means the 10 s default (see docs/COMPAT.md).
     */
    int timeout_ms;

    bool use_global_ca_store; /**< Verify with the global CA store */
    const char *common_name;  /**< Name for SNI and certificate check instead of the host */
    bool skip_common_name;    /**< Skip the name check (also sends no SNI) */

    tls_keep_alive_cfg_t *keep_alive_cfg; /**< TCP keep-alive, or NULL */
    const psk_hint_key_t *psk_hint_key;   /**< PSK (needs CONFIG_ESP_TLS_PSK_VERIFICATION) */

    /** Certificate bundle attach function, usually esp_crt_bundle_attach */
    esp_err_t (*crt_bundle_attach)(void *conf);

    void *ds_data;         /**< Hardware only: ESP_FAIL on a host */
    bool is_plain_tcp;     /**< No TLS: a plain TCP connection */
    struct ifreq *if_name; /**< Bind to this interface (SO_BINDTODEVICE), or NULL */
    /** Session to resume (from esp_tls_get_client_session()); the server and config must match.
     *  Needs CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS. Not a verification option by itself. */
    esp_tls_client_session_t *client_session;

    esp_tls_addr_family_t addr_family; /**< Address family for name resolution */
    const int *ciphersuites_list;      /**< Zero-terminated IANA ciphersuite IDs, or NULL */
    esp_tls_proto_ver_t tls_version;   /**< Version to negotiate */
    /** Dynamic buffer strategy (0: the default; needs CONFIG_MBEDTLS_DYNAMIC_BUFFER) */
    esp_tls_dyn_buf_strategy_t esp_tls_dyn_buf_strategy;
    /** esp-tls for POSIX: ask the server for records of at most 512, 1024, 2048 or 4096 bytes
     *  (TLS 1.2 max_fragment_length; not requested in TLS 1.3); 0 takes
     *  CONFIG_ESP_TLS_PEER_RECORD_SIZE (0 there: no request). Larger records from a server
     *  that ignores it are still received. */
    uint16_t peer_record_size;
} esp_tls_cfg_t;

/** Server session ticket keys (esp_tls_cfg_server_session_tickets_init(); ESP-IDF v5.5 layout). */
typedef struct esp_tls_server_session_ticket_ctx {
    mbedtls_entropy_context entropy;       /**< Entropy source that seeds ctr_drbg */
    mbedtls_ctr_drbg_context ctr_drbg;     /**< Random generator of the ticket keys */
    mbedtls_ssl_ticket_context ticket_ctx; /**< Mbed TLS ticket keys */
} esp_tls_server_session_ticket_ctx_t;

/** Called after the ClientHello is parsed; may call mbedtls_ssl_set_hs_own_cert()
 *  (CONFIG_ESP_TLS_SERVER_CERT_SELECT_HOOK). */
typedef mbedtls_ssl_hs_cb_t esp_tls_handshake_callback;

/** Server configuration. Zero-initialise, then set what you need. Members in ESP-IDF's order. */
typedef struct esp_tls_cfg_server {
    const char **alpn_protos; /**< NULL-terminated ALPN names the server accepts */
    union {
        const unsigned char *cacert_buf;     /**< CA for client certificates (mutual TLS) */
        const unsigned char *cacert_pem_buf; /**< Legacy alias */
    };
    union {
        unsigned int cacert_bytes;     /**< Length; for PEM it includes the NUL */
        unsigned int cacert_pem_bytes; /**< Legacy alias */
    };
    /** With a CA: request, but do not require, a client certificate; check
     *  mbedtls_ssl_get_verify_result() afterwards (CONFIG_ESP_TLS_SERVER_MIN_AUTH_MODE_OPTIONAL) */
    bool client_cert_authmode_optional;
    union {
        const unsigned char *servercert_buf;     /**< Server certificate (chain) */
        const unsigned char *servercert_pem_buf; /**< Legacy alias */
    };
    union {
        unsigned int servercert_bytes;     /**< Length; for PEM it includes the NUL */
        unsigned int servercert_pem_bytes; /**< Legacy alias */
    };
    union {
        const unsigned char *serverkey_buf;     /**< Server private key */
        const unsigned char *serverkey_pem_buf; /**< Legacy alias */
    };
    union {
        unsigned int serverkey_bytes;     /**< Length; for PEM it includes the NUL */
        unsigned int serverkey_pem_bytes; /**< Legacy alias */
    };
    const unsigned char *serverkey_password; /**< Passphrase of an encrypted key */
    unsigned int serverkey_password_len;     /**< Passphrase length */
    bool use_ecdsa_peripheral;               /**< Hardware only: ESP_FAIL on a host */
    uint8_t ecdsa_key_efuse_blk;             /**< Hardware only */
    uint8_t ecdsa_key_efuse_blk_high;        /**< Hardware only */
    esp_tls_ecdsa_curve_t ecdsa_curve;       /**< Hardware only */
    bool use_secure_element;                 /**< Hardware only: ESP_FAIL on a host */
    /** Deadline of esp_tls_server_session_create() in ms (0: 10000) */
    uint32_t tls_handshake_timeout_ms;
    /** From esp_tls_cfg_server_session_tickets_init() (CONFIG_ESP_TLS_SERVER_SESSION_TICKETS) */
    esp_tls_server_session_ticket_ctx_t *ticket_ctx;
    void *userdata;                            /**< mbedtls_ssl_conf_get_user_data_p() */
    esp_tls_handshake_callback cert_select_cb; /**< CONFIG_ESP_TLS_SERVER_CERT_SELECT_HOOK */
    /** Server PSK, when no certificate is given (CONFIG_ESP_TLS_PSK_VERIFICATION) */
    const psk_hint_key_t *psk_hint_key;
    esp_tls_proto_ver_t tls_version; /**< Version to accept */
    const int *ciphersuites_list;    /**< Zero-terminated IANA ciphersuite IDs, or NULL */
} esp_tls_cfg_server_t;

/**
 * @brief Allocate a connection handle.
 * @return the handle, or NULL when out of memory
 */
esp_tls_t *esp_tls_init(void);

/**
 * @brief Open a connection and block until it is established, fails, or times out.
 *
 * @param hostname  host name or address; need not be NUL-terminated
 * @param hostlen   length of @p hostname (at most 253)
 * @param port      1..65535
 * @param cfg       configuration
 * @param tls       handle from esp_tls_init()
 * @return 1 connected; -1 bad arguments, failure or the cfg->timeout_ms deadline expired
 *         (the cause is captured in the error tracker: ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT for
 *         the deadline)
 */
int esp_tls_conn_new_sync(const char *hostname, int hostlen, int port, const esp_tls_cfg_t *cfg,
                          esp_tls_t *tls);

/**
 * @brief Like esp_tls_conn_new_sync(), with host and port taken from a URL.
 *
 * The port defaults to 443 for https and 80 for http. Path, query and user info are ignored.
 * @return as esp_tls_conn_new_sync(); -1 for NULL arguments or a malformed URL
 */
int esp_tls_conn_http_new_sync(const char *url, const esp_tls_cfg_t *cfg, esp_tls_t *tls);

/**
 * @brief Advance a connection one step without blocking (with cfg->non_block).
 * @return 1 connected; 0 in progress, call again when the socket is ready; -1 failed
 */
int esp_tls_conn_new_async(const char *hostname, int hostlen, int port, const esp_tls_cfg_t *cfg,
                           esp_tls_t *tls);

/** @brief URL form of esp_tls_conn_new_async(). */
int esp_tls_conn_http_new_async(const char *url, const esp_tls_cfg_t *cfg, esp_tls_t *tls);

/**
 * @brief Deprecated: allocate a handle and connect to a URL.
 * @return the connected handle, or NULL (the handle is destroyed on failure)
 */
esp_tls_t *esp_tls_conn_http_new(const char *url, const esp_tls_cfg_t *cfg)
    __attribute__((deprecated("use esp_tls_init() and esp_tls_conn_http_new_sync()")));

/**
 * @brief Write application data.
 * @return bytes written (fewer than @p datalen only with non_block); ESP_TLS_ERR_SSL_WANT_READ or
 *         _WANT_WRITE; another negative Mbed TLS code on failure (captured); -1 if @p tls or
 *         @p data is NULL or the handle is not connected. Plain TCP: send()'s result.
 */
ssize_t esp_tls_conn_write(esp_tls_t *tls, const void *data, size_t datalen);

/**
 * @brief Read application data.
 * TLS 1.3 session tickets and other post-handshake messages are taken in here: on a blocking
 * connection the call returns data (or 0, or an error), never WANT_READ because of them.
 * @return bytes read; 0 when the peer closed the connection (close_notify, or a TCP end of
 *         file without it: esp_tls_get_close_kind() tells which; with
 *         CONFIG_ESP_TLS_REQUIRE_CLOSE_NOTIFY the latter is MBEDTLS_ERR_SSL_CONN_EOF);
 *         0 also for @p datalen 0 once a record was processed; ESP_TLS_ERR_SSL_WANT_READ or
 *         _WANT_WRITE; another negative Mbed TLS code on failure (captured); -1 if @p tls is
 *         NULL, @p data is NULL with a non-zero length, or the handle is not connected.
 *         Plain TCP: recv()'s result.
 */
ssize_t esp_tls_conn_read(esp_tls_t *tls, void *data, size_t datalen);

/**
 * @brief Close the connection (closing its socket) and free the handle.
 * @return 0, or close()'s result; -1 for NULL
 */
int esp_tls_conn_destroy(esp_tls_t *tls);

/**
 * @brief Decrypted bytes that are buffered and can be read without touching the socket.
 * @return the count (0 for plain TCP); -1 for NULL
 */
ssize_t esp_tls_get_bytes_avail(esp_tls_t *tls);

/** @brief The socket of the connection (-1 if none). ESP_ERR_INVALID_ARG on NULL. */
esp_err_t esp_tls_get_conn_sockfd(esp_tls_t *tls, int *sockfd);

/** @brief Replace the recorded socket. ESP_ERR_INVALID_ARG for NULL or a negative fd. */
esp_err_t esp_tls_set_conn_sockfd(esp_tls_t *tls, int sockfd);

/** @brief The connection state. ESP_ERR_INVALID_ARG on NULL. */
esp_err_t esp_tls_get_conn_state(esp_tls_t *tls, esp_tls_conn_state_t *conn_state);

/** @brief Set the connection state. ESP_ERR_INVALID_ARG for NULL or a state out of range. */
esp_err_t esp_tls_set_conn_state(esp_tls_t *tls, esp_tls_conn_state_t conn_state);

/** @brief The backend context (an mbedtls_ssl_context *), or NULL for NULL. */
void *esp_tls_get_ssl_context(esp_tls_t *tls);

/**
 * @brief Create the global CA store if it does not exist yet.
 * @return ESP_OK, or ESP_ERR_NO_MEM
 */
esp_err_t esp_tls_init_global_ca_store(void);

/**
 * @brief Parse certificates and append them to the global CA store (created if needed).
 *
 * @param cacert_pem_buf    PEM (length includes the NUL) or one DER certificate
 * @param cacert_pem_bytes  length
 * @return ESP_OK; ESP_ERR_MBEDTLS_CERT_PARTLY_OK if some certificates failed (the good ones
 *         are kept); ESP_FAIL if parsing failed (the whole store is freed) or with
 *         CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT; ESP_ERR_INVALID_ARG for NULL or zero length.
 */
esp_err_t esp_tls_set_global_ca_store(const unsigned char *cacert_pem_buf,
                                      const unsigned int cacert_pem_bytes);

/**
 * @brief The global CA store, or NULL if none.
 *
 * The pointer stays valid until esp_tls_free_global_ca_store().
 */
mbedtls_x509_crt *esp_tls_get_global_ca_store(void);

/**
 * @brief Free the global CA store. Connections opened with it keep working (see COMPAT.md).
 */
void esp_tls_free_global_ca_store(void);

/** @brief The ciphersuites Mbed TLS supports, zero-terminated. */
const int *esp_tls_get_ciphersuites_list(void);

/**
 * @brief The error tracker of a connection.
 * @return ESP_OK; ESP_ERR_INVALID_ARG if either argument is NULL
 */
esp_err_t esp_tls_get_error_handle(esp_tls_t *tls, esp_tls_error_handle_t *error_handle);

/**
 * @brief Open only the TCP connection (blocking, bounded by cfg->timeout_ms).
 *
 * @param cfg           may be NULL: no socket options, 10 s bound, socket left non-blocking
 * @param error_handle  tracker storage followed by an int errno slot (see esp_tls_errors.h);
 *                      the errno slot is written, the ESP slot is left to the caller
 * @param sockfd        out: the connected socket
 * @return ESP_OK or an ESP_ERR_ESP_TLS_* code; ESP_ERR_INVALID_ARG if @p sockfd or
 *         @p error_handle is NULL, or the host or port is invalid
 */
esp_err_t esp_tls_plain_tcp_connect(const char *host, int hostlen, int port,
                                    const esp_tls_cfg_t *cfg, esp_tls_error_handle_t error_handle,
                                    int *sockfd);

/**
 * @brief Take a copy of the connection's session, to resume a later connection to the same
 *        server with cfg.client_session.
 *
 * TLS 1.2: the session of the handshake. TLS 1.3: the newest ticket the server sent, which
 * arrives after the handshake and is taken in by esp_tls_conn_read(): call this after reading
 * the first response, not right after connecting.
 * @return a new session the caller frees with esp_tls_free_client_session(); NULL if there is
 *         none (yet), on NULL, out of memory, or without CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS
 */
esp_tls_client_session_t *esp_tls_get_client_session(esp_tls_t *tls);

/** @brief Free a session from esp_tls_get_client_session(). NULL-safe. */
void esp_tls_free_client_session(esp_tls_client_session_t *client_session);

/**
 * @brief Set up a server session on an accepted socket (no handshake yet).
 *
 * The socket is used as it is (blocking or not). esp_tls_server_session_delete() leaves it open;
 * esp_tls_conn_destroy() closes it.
 * @return ESP_OK; ESP_ERR_INVALID_ARG for NULL arguments; ESP_ERR_INVALID_STATE if @p tls
 *         already holds a session (the first one is kept); ESP_FAIL on a setup error (captured
 *         in the tracker; state ESP_TLS_FAIL), ESP_ERR_NOT_SUPPORTED captured for a member of
 *         a feature this build lacks. A bad socket makes the handshake fail.
 */
esp_err_t esp_tls_server_session_init(esp_tls_cfg_server_t *cfg, int sockfd, esp_tls_t *tls);

/**
 * @brief One handshake step of a server session.
 * @return 0 done; ESP_TLS_ERR_SSL_WANT_READ/_WANT_WRITE: call again when the socket is ready;
 *         another negative Mbed TLS code on failure (captured; state ESP_TLS_FAIL)
 */
int esp_tls_server_session_continue_async(esp_tls_t *tls);

/**
 * @brief Set up a server session and complete its handshake within cfg->tls_handshake_timeout_ms.
 *
 * The deadline holds on blocking and non-blocking sockets alike.
 * @return 0 connected; ESP_FAIL or ESP_ERR_INVALID_ARG (positive) if setup failed; the
 *         positive ESP_ERR_ESP_TLS_SERVER_HANDSHAKE_TIMEOUT at the deadline; a negative Mbed TLS
 *         code on a handshake error. Test the result with != 0.
 */
int esp_tls_server_session_create(esp_tls_cfg_server_t *cfg, int sockfd, esp_tls_t *tls);

/** @brief Free a server session without closing its socket (the caller owns it). NULL-safe. */
void esp_tls_server_session_delete(esp_tls_t *tls);

/**
 * @brief Create session ticket keys for a server configuration (RFC 5077 / TLS 1.3 tickets).
 * @return ESP_OK; ESP_ERR_INVALID_ARG if @p cfg is NULL or already has a ticket_ctx;
 *         ESP_ERR_NO_MEM; ESP_ERR_MBEDTLS_SSL_TICKET_SETUP_FAILED (cfg->ticket_ctx stays NULL);
 *         ESP_ERR_NOT_SUPPORTED without CONFIG_ESP_TLS_SERVER_SESSION_TICKETS
 */
esp_err_t esp_tls_cfg_server_session_tickets_init(esp_tls_cfg_server_t *cfg);

/** @brief Free the ticket keys of @p cfg and set cfg->ticket_ctx to NULL. NULL-safe. */
void esp_tls_cfg_server_session_tickets_free(esp_tls_cfg_server_t *cfg);

#ifdef __cplusplus
}
#endif
