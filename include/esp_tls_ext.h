// SPDX-License-Identifier: Apache-2.0
/**
 * @file esp_tls_ext.h
 * @brief POSIX extras that ESP-IDF's esp-tls does not have.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_tls.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief What a connection in progress waits for, so that a poll() loop watches the right event.
 *
 * Call after esp_tls_conn_new_async() returned 0 (or a read/write returned WANT_READ/WRITE).
 * @param fd      out: the socket to poll (-1 if none)
 * @param events  out: POLLIN or POLLOUT (0 if nothing is awaited)
 * @return ESP_OK, or ESP_ERR_INVALID_ARG for NULL arguments
 */
esp_err_t esp_tls_get_poll_target(esp_tls_t *tls, int *fd, short *events);

/**
 * @brief How long a poll() loop may wait before calling the library again, in ms.
 *
 * While a connection is being opened this is the time to the next DNS retransmission or to the
 * connection's deadline, whichever comes first; -1 means no limit.
 */
int esp_tls_get_poll_timeout(esp_tls_t *tls);

/**
 * @brief Send DNS queries to these servers instead of those in /etc/resolv.conf.
 *
 * Applies to connections that start resolving afterwards. Addresses are c-ares' CSV form:
 * "127.0.0.1:5353,[::1]:53". NULL or "" goes back to /etc/resolv.conf.
 * @return ESP_OK, or ESP_ERR_INVALID_ARG for a list that does not parse
 */
esp_err_t esp_tls_set_dns_servers(const char *servers);

/**
 * @brief Did the handshake of this connection resume a saved session (cfg.client_session)?
 *
 * True when the connection is up, verifies the peer with a CA or bundle, and received no
 * certificate because the handshake was abbreviated. False otherwise (also for PSK).
 */
bool esp_tls_session_resumed(esp_tls_t *tls);

/** How the peer ended a connection, as seen by esp_tls_conn_read(). */
typedef enum {
    ESP_TLS_CLOSE_NONE = 0, /**< No end of the connection seen yet */
    ESP_TLS_CLOSE_NOTIFY,   /**< A close_notify alert: the peer's data is complete */
    ESP_TLS_CLOSE_EOF,      /**< A TCP end of file without close_notify: the data may be cut */
} esp_tls_close_kind_t;

/**
 * @brief Was the last end of the connection a clean close_notify or a bare TCP FIN?
 *
 * esp_tls_conn_read() returns 0 for both, as ESP-IDF does (with
 * CONFIG_ESP_TLS_REQUIRE_CLOSE_NOTIFY a bare FIN is an error, MBEDTLS_ERR_SSL_CONN_EOF, instead).
 * An application that reads "until the server closes" asks this after the 0 to know whether
 * the reply can have been truncated by an attacker (RFC 8446 s6.1). Plain TCP: ESP_TLS_CLOSE_EOF
 * after recv() returned 0.
 * @return the kind; ESP_TLS_CLOSE_NONE for NULL or while the connection is open
 */
esp_tls_close_kind_t esp_tls_get_close_kind(esp_tls_t *tls);

/** One line of the library's view of the public structures (esp_tls_get_abi_layout()). */
typedef struct {
    const char *name; /**< "esp_tls_cfg_t" (then value is its size) or "esp_tls_cfg_t.timeout_ms"
                           (then value is the member's offset) */
    size_t value;     /**< sizeof or offsetof, as compiled into the library */
} esp_tls_abi_entry_t;

/**
 * @brief The size of every public structure and the offset of every member, as the library was
 *        compiled.
 *
 * The layouts never depend on the configuration (sdkconfig.h) of the library or of the
 * application; an application can compare its own sizeof/offsetof with this table to catch a
 * header from another version.
 * @param count out: number of entries (may be NULL)
 * @return the table (static storage)
 */
const esp_tls_abi_entry_t *esp_tls_get_abi_layout(size_t *count);

/** Heap used by the library (esp-tls and Mbed TLS), process-wide. The counters are atomic:
 * they may be read, and the peak reset, from any thread while connections run. The state set up
 * once per process and kept until exit (see esp_tls_global_init()) is counted apart, in
 * esp_tls_get_global_mem_bytes(): a connection, the first one included, that leaves nothing
 * behind brings current_bytes back to where it was. */
typedef struct {
    size_t current_bytes; /**< Bytes allocated now, without the process-wide state */
    size_t peak_bytes;    /**< Highest value of current_bytes since start or the last reset */
    size_t allocations;   /**< Number of allocations since start */
} esp_tls_mem_stats_t;

/**
 * @brief Set up the process-wide state now rather than in the first connection (optional).
 *
 * PSA Crypto's key store and random generator, about 2.9 KB on a 64-bit host, live until the
 * process exits and are shared by every connection. The first connection (client or server)
 * sets them up if this was not called; either way they are counted in
 * esp_tls_get_global_mem_bytes(), not in any connection's figures. Calling it first keeps
 * the set-up out of the first connection's time. Thread-safe; later calls do nothing.
 *
 * @return ESP_OK, or ESP_FAIL if PSA Crypto cannot be initialised
 */
esp_err_t esp_tls_global_init(void);

/**
 * @brief Turn the allocation counters on or off for this process (optional).
 *
 * The default is CONFIG_ESP_TLS_MEM_STATS (on). Counting puts a 16-byte header before every
 * block of esp-tls and Mbed TLS and updates three counters per allocation; off, Mbed TLS uses
 * the C library's calloc/free directly and esp_tls_get_mem_stats() and
 * esp_tls_get_global_mem_bytes() report zero. Blocks esp-tls itself frees are wiped either way.
 * The choice is fixed at the library's first allocation: call this before any other esp-tls
 * function.
 *
 * @param enable true to count, false not to
 * @return ESP_OK, or ESP_ERR_INVALID_STATE if the library already allocated in the other mode
 */
esp_err_t esp_tls_mem_set_counting(bool enable);

/** @brief Read the allocation counters. Counting starts with the first esp_tls_init(); with
 * counting off (esp_tls_mem_set_counting()) every field is zero. */
void esp_tls_get_mem_stats(esp_tls_mem_stats_t *stats);

/** @brief Restart peak tracking from the current usage. */
void esp_tls_reset_mem_peak(void);

/** @brief Bytes held by the process-wide state (PSA Crypto), which current_bytes leaves out. */
size_t esp_tls_get_global_mem_bytes(void);

/* ------------------------------------------------------------------------------------------------
 * Diagnostics: explanations, the peer's chain, certificate summaries, verification, tracing.
 * ---------------------------------------------------------------------------------------------- */

/** A cause and a fix for an error, in plain words. Both are NUL-terminated. */
typedef struct {
    char cause[384]; /**< What went wrong, with the values that matter (sizes, names, alert) */
    char fix[384];   /**< What to change; "" when there is nothing to change (e.g. WANT_READ) */
} esp_tls_explanation_t;

/**
 * @brief Explain the error captured in a connection's error handle.
 *
 * Uses what the connection saw as well as the codes: for a name mismatch, the expected name and
 * the names the certificate holds; for a fatal alert, the alert received.
 * @return ESP_OK, or ESP_ERR_INVALID_ARG if @p h or @p out is NULL
 */
esp_err_t esp_tls_explain(esp_tls_error_handle_t h, esp_tls_explanation_t *out);

/**
 * @brief Explain raw codes: an esp_err_t, an Mbed TLS code (either sign) and X.509 verify flags.
 *
 * Any of them may be 0. The most specific one wins: flags, then the Mbed TLS code, then err.
 * @return ESP_OK if at least one code is known, ESP_ERR_NOT_FOUND if none is (the text then says
 *         so), ESP_ERR_INVALID_ARG if @p out is NULL
 */
esp_err_t esp_tls_explain_codes(esp_err_t err, int mbedtls_code, uint32_t flags,
                                esp_tls_explanation_t *out);

/** One certificate, summarised for people. All strings are NUL-terminated, possibly cut short. */
typedef struct {
    char subject[256];
    char issuer[256];
    char san[512];       /**< "DNS:a.example, IP:127.0.0.1" or "" */
    char not_before[24]; /**< "2026-01-31 12:00:00" (UTC) */
    char not_after[24];
    char key[32];     /**< "EC P-256", "RSA 2048" */
    char sig_alg[48]; /**< "ECDSA with SHA256" */
    char sha256[96];  /**< SHA-256 of the DER, "AB:CD:..." */
    int version;      /**< X.509 version, 1..3 */
    bool is_ca;
} esp_tls_cert_info_t;

/**
 * @brief Number of certificates the peer sent, as received (leaf first).
 *
 * Kept after a successful handshake and after a failed verification, until the connection is
 * destroyed, when CONFIG_ESP_TLS_KEEP_PEER_CHAIN is set or esp_tls_set_keep_peer_chain(true)
 * was called before the handshake. 0 if nothing was kept.
 */
int esp_tls_get_peer_chain_len(esp_tls_t *tls);

/** @brief DER of certificate @p index (0 = leaf) of the peer's chain. Stays owned by @p tls. */
esp_err_t esp_tls_get_peer_cert_der(esp_tls_t *tls, int index, const unsigned char **der,
                                    size_t *len);

/** @brief Keep (or stop keeping) peer chains for handshakes that start afterwards. */
void esp_tls_set_keep_peer_chain(bool keep);

/** @brief Summarise one DER certificate. ESP_ERR_INVALID_ARG for NULL, parse failure -> ESP_FAIL.
 */
esp_err_t esp_tls_cert_describe(const unsigned char *der, size_t len, esp_tls_cert_info_t *info);

/**
 * @brief Write a DER certificate as PEM ("-----BEGIN CERTIFICATE-----").
 * @param olen out: bytes written, not counting the NUL (or needed, with ESP_ERR_NO_MEM)
 * @return ESP_OK, ESP_ERR_NO_MEM if @p buf is too small, ESP_ERR_INVALID_ARG for NULL
 */
esp_err_t esp_tls_cert_to_pem(const unsigned char *der, size_t len, char *buf, size_t buf_len,
                              size_t *olen);

/** What to verify a chain against, as in esp_tls_cfg_t. */
typedef struct {
    const unsigned char *cacert_buf; /**< PEM (NUL included in bytes) or DER, or NULL */
    unsigned int cacert_bytes;
    esp_err_t (*crt_bundle_attach)(void *conf); /**< e.g. esp_crt_bundle_attach, or NULL */
    bool use_global_ca_store;
    const char *common_name; /**< Name the leaf must hold (DNS or IP); NULL: no name check;
                                  "" is refused (ESP_ERR_INVALID_ARG), as in a handshake */
    int64_t at_time;         /**< Validation time, seconds since 1970 UTC; 0 = now */
} esp_tls_verify_cfg_t;

/**
 * @brief Verify a chain as a client handshake would: same anchors, same policy, same callback.
 *
 * @param chain     leaf first, then untrusted intermediates: PEM blocks (NUL-terminated, the NUL
 *                  counted in @p chain_len) or concatenated DER
 * @param flags     out: X.509 verify flags (0 when verified), may be NULL
 * @param h         optional error handle; receives the codes a handshake would capture
 * @return ESP_OK if verified; ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED if @p chain or the CA does
 *         not parse; ESP_FAIL if verification failed (Mbed TLS code -0x2700 and the flags are
 *         captured); ESP_ERR_INVALID_ARG for NULL or nothing to verify against
 */
esp_err_t esp_tls_verify_chain(const esp_tls_verify_cfg_t *cfg, const unsigned char *chain,
                               size_t chain_len, uint32_t *flags, esp_tls_error_handle_t h);

/**
 * @brief Mbed TLS debug threshold (0 none .. 4 verbose) for handshakes that start afterwards.
 *
 * The default is CONFIG_MBEDTLS_DEBUG_LEVEL, or the environment variable ESP_TLS_MBEDTLS_DEBUG.
 * Output goes to esp_log with tag "mbedtls". No effect without CONFIG_MBEDTLS_DEBUG.
 */
void esp_tls_set_mbedtls_debug_level(int level);

/**
 * @brief Apply a log specification "tag:level,tag:level" (level: none, error, warn, info, debug,
 * verbose or 0..5; tag "*" for all). The library applies $ESP_TLS_LOG the same way at start.
 * @return ESP_OK, or ESP_ERR_INVALID_ARG for a malformed specification (nothing is applied)
 */
esp_err_t esp_tls_log_configure(const char *spec);

/**
 * @brief Write TLS secrets in the NSS key log format to @p path (append), for Wireshark.
 *
 * NULL stops. Without a call, $SSLKEYLOGFILE is used when CONFIG_ESP_TLS_KEYLOG is set. Applies
 * to handshakes that start afterwards. Anyone who can read the file can decrypt the sessions.
 * @return ESP_OK, ESP_ERR_NOT_SUPPORTED without CONFIG_ESP_TLS_KEYLOG
 */
esp_err_t esp_tls_set_keylog_file(const char *path);

/** Negotiated parameters of an open connection, for tools and logs. */
typedef struct {
    char version[16];     /**< "TLSv1.3" */
    char ciphersuite[64]; /**< IANA-like name from Mbed TLS */
    char alpn[32];        /**< "" if none */
    char group[24];       /**< key exchange group, "" if unknown */
    bool resumed;
    /** Largest record (bytes of data) the peer may send: the negotiated max_fragment_length
     *  (esp_tls_cfg_t.peer_record_size), else MBEDTLS_SSL_IN_CONTENT_LEN */
    size_t peer_record_limit;
} esp_tls_conn_info_t;

/** @brief Fill @p info for a connection whose handshake is done. */
esp_err_t esp_tls_get_conn_info(esp_tls_t *tls, esp_tls_conn_info_t *info);

#ifdef __cplusplus
}
#endif
