// SPDX-License-Identifier: Apache-2.0
/*
 * The Mbed TLS handshake loop: one mbedtls_ssl_handshake_step() at a time, so that the record
 * buffers can be sized before each step (dynbuf), the key exchange group noted from the
 * message just processed, and the state changes traced (esp-tls-trace at debug level).
 */
#include <stdio.h>

#include "dynbuf.h"
#include "esp_log.h"
#include "mbedtls_backend.h"
#include "reach/reach.h"

static const char *TAG = "esp-tls-trace";

static const char *const s_states[] = {
    "HELLO_REQUEST",
    "CLIENT_HELLO",
    "SERVER_HELLO",
    "SERVER_CERTIFICATE",
    "SERVER_KEY_EXCHANGE",
    "CERTIFICATE_REQUEST",
    "SERVER_HELLO_DONE",
    "CLIENT_CERTIFICATE",
    "CLIENT_KEY_EXCHANGE",
    "CERTIFICATE_VERIFY",
    "CLIENT_CHANGE_CIPHER_SPEC",
    "CLIENT_FINISHED",
    "SERVER_CHANGE_CIPHER_SPEC",
    "SERVER_FINISHED",
    "FLUSH_BUFFERS",
    "HANDSHAKE_WRAPUP",
    "NEW_SESSION_TICKET",
    "SERVER_HELLO_VERIFY_REQUEST_SENT",
    "HELLO_RETRY_REQUEST",
    "ENCRYPTED_EXTENSIONS",
    "END_OF_EARLY_DATA",
    "CLIENT_CERTIFICATE_VERIFY",
    "CLIENT_CCS_AFTER_SERVER_FINISHED",
    "CLIENT_CCS_BEFORE_2ND_CLIENT_HELLO",
    "SERVER_CCS_AFTER_SERVER_HELLO",
    "CLIENT_CCS_AFTER_CLIENT_HELLO",
    "SERVER_CCS_AFTER_HELLO_RETRY_REQUEST",
    "HANDSHAKE_OVER",
    "TLS1_3_NEW_SESSION_TICKET",
    "TLS1_3_NEW_SESSION_TICKET_FLUSH",
};

static const char *state_name(int state)
{
    int n = (int)(sizeof(s_states) / sizeof(s_states[0]));
    return state >= 0 && state < n ? s_states[state] : "?";
}

static const char *group_name(unsigned id)
{
    switch (id) {
    case 0x0017: return "secp256r1";
    case 0x0018: return "secp384r1";
    case 0x0019: return "secp521r1";
    case 0x001d: return "x25519";
    case 0x001e: return "x448";
    case 0x001a: return "brainpoolP256r1";
    case 0x0100: return "ffdhe2048";
    case 0x0101: return "ffdhe3072";
    default: return NULL;
    }
}

static unsigned be16(const unsigned char *b)
{
    return ((unsigned)b[0] << 8) | b[1];
}

/* A ServerHello (or HelloRetryRequest): the data of its extension @p type, or NULL. */
static const unsigned char *server_hello_ext(const unsigned char *m, size_t len, unsigned type,
                                             size_t *dlen)
{
    size_t off = 4 + 2 + 32; /* header, legacy_version, random */
    if (len < off + 1 || len < off + 1 + m[off] + 2 + 1 + 2) {
        return NULL;
    }
    off += 1 + m[off] + 2 + 1; /* session id, cipher suite, compression */
    size_t end = off + 2 + be16(m + off);
    for (off += 2; end <= len && off + 4 <= end; off += 4 + be16(m + off + 2)) {
        if (be16(m + off) == type && off + 4 + be16(m + off + 2) <= end) {
            *dlen = be16(m + off + 2);
            return m + off + 4;
        }
    }
    return NULL;
}

/* TLS 1.3 ServerHello: the group of its key_share extension (51); also notes the server's
 * answer to a max_fragment_length request (extension 1, TLS 1.2), which Mbed TLS checks but
 * does not keep. */
static int server_hello_params(esp_tls_mbedtls_t *p, const unsigned char *m, size_t len)
{
    size_t n = 0;
    const unsigned char *mfl = server_hello_ext(m, len, 1, &n);
    if (mfl != NULL && n == 1) {
        p->peer_mfl = mfl[0];
    }
    const unsigned char *ks = server_hello_ext(m, len, 51, &n);
    return ks != NULL && n >= 2 ? (int)be16(ks) : -1;
}

/* The key exchange group, read from the message just processed (TLS 1.3 ServerHello or
 * TLS 1.2 ECDHE ServerKeyExchange); best effort, for the trace and esp_tls_get_conn_info. */
static void note_group(esp_tls_mbedtls_t *p, int state)
{
    size_t len = 0;
    const unsigned char *m = esp_tls_reach_ssl_in_msg(&p->ssl, &len);
    int id = -1;
    if (m == NULL || len < 8 || len > MBEDTLS_SSL_IN_CONTENT_LEN) {
        return;
    }
    if (state == MBEDTLS_SSL_SERVER_HELLO && m[0] == 2) {
        id = server_hello_params(p, m, len);
    } else if (state == MBEDTLS_SSL_SERVER_KEY_EXCHANGE && m[0] == 12 && m[4] == 3) {
        id = (int)be16(m + 5); /* ECParameters: named_curve */
    }
    const char *name = id >= 0 ? group_name((unsigned)id) : NULL;
    if (name != NULL) {
        snprintf(p->group, sizeof(p->group), "%s", name);
    } else if (id >= 0) {
        snprintf(p->group, sizeof(p->group), "0x%04x", (unsigned)id);
    }
}

int esp_tls_mbedtls_handshake_steps(esp_tls_mbedtls_t *p)
{
    mbedtls_ssl_context *ssl = &p->ssl;
    bool trace = esp_log_level_get(TAG) >= ESP_LOG_DEBUG;
    int ret = 0;
    /* the condition of mbedtls_ssl_handshake(): a TLS 1.3 server goes on past
     * HANDSHAKE_OVER's value to send its tickets */
    while (esp_tls_reach_ssl_state(ssl) != MBEDTLS_SSL_HANDSHAKE_OVER) {
        int before = esp_tls_reach_ssl_state(ssl);
        ret = esp_tls_mbedtls_dynbuf_before_step(p->owner);
        if (ret == 0) {
            ret = mbedtls_ssl_handshake_step(ssl);
        }
        int after = esp_tls_reach_ssl_state(ssl);
        if (ret == 0 && p->owner->role == ESP_TLS_CLIENT && after != before) {
            note_group(p, before);
        }
        if (trace && after != before) {
            ESP_LOGD(TAG, "%s -> %s", state_name(before), state_name(after));
        }
        if (ret != 0) {
            break;
        }
    }
    return ret;
}
