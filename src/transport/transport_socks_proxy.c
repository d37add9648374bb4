// SPDX-License-Identifier: Apache-2.0
/*
 * SOCKS proxy transport (esp_transport_socks_proxy.h): CONNECT through a SOCKS4/4a (RFC-less
 * de facto protocol, "SOCKS 4A" extension for host names) or SOCKS5 (RFC 1928, no
 * authentication) proxy over a parent tcp transport. The whole exchange shares the connect's
 * timeout; every failure closes the parent, sets errno and logs its cause.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>

#include "../mem/mem.h"
#include "esp_log.h"
#include "esp_transport_socks_proxy.h"
#include "transport_internal.h"

static const char *TAG = "transport_proxy";

#define SOCKS_CMD_CONNECT 0x01
#define SOCKS4_REPLY_LEN 8
#define SOCKS5_ATYP_IPV4 0x01
#define SOCKS5_ATYP_DOMAIN 0x03
#define SOCKS5_ATYP_IPV6 0x04
#define SOCKS_MAX_REQUEST (4 + 1 + 255 + 2 + 8) /* the longest request either version sends */

typedef struct {
    socks_version_t version;
    char *address;
    int port;
    esp_transport_handle_t parent;
    int64_t deadline; /* of the connect in progress, -1: none */
} transport_socks_t;

static int socks_connect(esp_transport_handle_t t, const char *host, int port, int timeout_ms);

static transport_socks_t *socks_of(esp_transport_handle_t t)
{
    return (t != NULL && t->_connect == socks_connect) ? t->data : NULL;
}

/* ---- time ---------------------------------------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left of the connect, -1 without a timeout, 0 when it has passed. */
static int time_left(const transport_socks_t *s)
{
    if (s->deadline < 0) {
        return -1;
    }
    int64_t left = s->deadline - now_ms();
    return left <= 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int)left;
}

/* ---- exchange with the proxy --------------------------------------------------------------- */

/* Fail the connect: close the parent, errno = @p code. @return -1 */
static int fail(transport_socks_t *s, esp_transport_handle_t t, int code)
{
    esp_transport_close(s->parent);
    esp_transport_capture_errno(t, code);
    errno = code;
    return -1;
}

/* @return 0, or an errno / socks_transport_error_t code (logged) */
static int send_all(transport_socks_t *s, const uint8_t *buf, int len)
{
    for (int done = 0; done < len;) {
        int left = time_left(s);
        int r = left == 0
                    ? 0
                    : esp_transport_write(s->parent, (const char *)buf + done, len - done, left);
        if (r <= 0) {
            ESP_LOGE(TAG, "Failed to write the request to the proxy (%s)",
                     r == 0 ? "timeout" : "write error");
            return r == 0 ? SOCKS_TIMEOUT : SOCKS_RESPONSE_PROXY_UNREACHABLE;
        }
        done += r;
    }
    return 0;
}

/* @return 0, or an errno / socks_transport_error_t code (logged) */
static int recv_all(transport_socks_t *s, uint8_t *buf, int len)
{
    for (int done = 0; done < len;) {
        int left = time_left(s);
        int r = left == 0 ? 0 : esp_transport_read(s->parent, (char *)buf + done, len - done, left);
        if (r == 0) {
            ESP_LOGE(TAG, "Connection Timeout: the proxy did not answer in time");
            return SOCKS_TIMEOUT;
        }
        if (r < 0) {
            ESP_LOGE(TAG,
                     "Failed to get a response: the proxy closed the connection after %d "
                     "of %d bytes",
                     done, len);
            return SOCKS_RESPONSE_PROXY_UNREACHABLE;
        }
        done += r;
    }
    return 0;
}

/* ---- SOCKS4 / 4a --------------------------------------------------------------------------- */

static const char *socks4_text(int code)
{
    switch (code) {
    case SOCKS_RESPONSE_REQUEST_REJECTED: return "request rejected or failed";
    case SOCKS_RESPONSE_NOT_RUNNING_IDENTD: return "the proxy cannot reach our identd";
    case SOCKS_RESPONSE_COULD_NOT_CONFIRM_ID: return "identd could not confirm the user";
    default: return "unknown reply code";
    }
}

static int socks4_request(const char *host, int port, uint8_t *req, int *len)
{
    struct in_addr a4;
    size_t hlen = strlen(host);
    bool literal = inet_pton(AF_INET, host, &a4) == 1;
    if (!literal && (strchr(host, ':') != NULL || hlen > 255)) {
        ESP_LOGE(TAG, "SOCKS4 cannot reach %s (IPv6, or a name over 255 bytes): use SOCKS5", host);
        return SOCKS_RESPONSE_TARGET_NOT_FOUND;
    }
    req[0] = SOCKS4;
    req[1] = SOCKS_CMD_CONNECT;
    req[2] = (uint8_t)(port >> 8);
    req[3] = (uint8_t)port;
    if (literal) {
        memcpy(req + 4, &a4, 4);
    } else {
        memcpy(req + 4, "\0\0\0\1", 4); /* 0.0.0.x: SOCKS4a, the name follows the user id */
    }
    req[8] = 0; /* empty user id */
    *len = 9;
    if (!literal) {
        memcpy(req + 9, host, hlen + 1);
        *len += (int)hlen + 1;
    }
    return 0;
}

static int socks4_connect(transport_socks_t *s, const char *host, int port)
{
    uint8_t req[SOCKS_MAX_REQUEST];
    uint8_t rep[SOCKS4_REPLY_LEN];
    int len = 0;
    int rc = socks4_request(host, port, req, &len);
    if (rc == 0) {
        rc = send_all(s, req, len);
    }
    if (rc == 0) {
        rc = recv_all(s, rep, SOCKS4_REPLY_LEN);
    }
    if (rc == 0 && rep[1] != SOCKS_RESPONSE_SUCCESS) {
        ESP_LOGE(TAG, "Request Rejected with : %02x (%s) for %s:%d", rep[1], socks4_text(rep[1]),
                 host, port);
        rc = rep[1];
    }
    return rc;
}

/* ---- SOCKS5 -------------------------------------------------------------------------------- */

static const char *socks5_text(int code)
{
    static const char *const texts[] = {
        "succeeded",
        "general SOCKS server failure",
        "connection not allowed by ruleset",
        "network unreachable",
        "host unreachable",
        "connection refused",
        "TTL expired",
        "command not supported",
        "address type not supported",
    };
    return code >= 0 && code <= 8 ? texts[code] : "unknown reply code";
}

static int socks5_greet(transport_socks_t *s)
{
    static const uint8_t hello[3] = {SOCKS5, 1, 0x00}; /* one method: no authentication */
    uint8_t rep[2];
    int rc = send_all(s, hello, sizeof(hello));
    if (rc == 0) {
        rc = recv_all(s, rep, sizeof(rep));
    }
    if (rc == 0 && (rep[0] != SOCKS5 || rep[1] != 0x00)) {
        ESP_LOGE(TAG,
                 "The SOCKS5 proxy refused the no-authentication method (version %u, "
                 "method 0x%02x)",
                 rep[0], rep[1]);
        rc = SOCKS_RESPONSE_REQUEST_REJECTED;
    }
    return rc;
}

static int socks5_request(const char *host, int port, uint8_t *req, int *len)
{
    size_t hlen = strlen(host);
    int n = 4;
    req[0] = SOCKS5;
    req[1] = SOCKS_CMD_CONNECT;
    req[2] = 0;
    if (inet_pton(AF_INET, host, req + 4) == 1) {
        req[3] = SOCKS5_ATYP_IPV4;
        n += 4;
    } else if (inet_pton(AF_INET6, host, req + 4) == 1) {
        req[3] = SOCKS5_ATYP_IPV6;
        n += 16;
    } else if (hlen >= 1 && hlen <= 255) {
        req[3] = SOCKS5_ATYP_DOMAIN;
        req[4] = (uint8_t)hlen;
        memcpy(req + 5, host, hlen);
        n += 1 + (int)hlen;
    } else {
        ESP_LOGE(TAG, "SOCKS5 cannot send a host name of %zu bytes (1..255)", hlen);
        return SOCKS_RESPONSE_TARGET_NOT_FOUND;
    }
    req[n++] = (uint8_t)(port >> 8);
    req[n++] = (uint8_t)port;
    *len = n;
    return 0;
}

/* Read the bound address of the reply, so that the tunnel starts right after it. */
static int socks5_skip_address(transport_socks_t *s, uint8_t atyp)
{
    uint8_t addr[255 + 2];
    int n = atyp == SOCKS5_ATYP_IPV4 ? 4 : atyp == SOCKS5_ATYP_IPV6 ? 16 : -1;
    if (atyp == SOCKS5_ATYP_DOMAIN) {
        int rc = recv_all(s, addr, 1);
        if (rc != 0) {
            return rc;
        }
        n = addr[0];
    }
    if (n < 0) {
        ESP_LOGE(TAG, "The SOCKS5 reply has an unknown address type %u", atyp);
        return SOCKS_RESPONSE_REQUEST_REJECTED;
    }
    return recv_all(s, addr, n + 2);
}

static int socks5_connect(transport_socks_t *s, const char *host, int port)
{
    uint8_t req[SOCKS_MAX_REQUEST];
    uint8_t rep[4];
    int len = 0;
    int rc = socks5_greet(s);
    if (rc == 0) {
        rc = socks5_request(host, port, req, &len);
    }
    if (rc == 0) {
        rc = send_all(s, req, len);
    }
    if (rc == 0) {
        rc = recv_all(s, rep, sizeof(rep));
    }
    if (rc == 0 && (rep[0] != SOCKS5 || rep[1] != 0)) {
        ESP_LOGE(TAG, "Request Rejected with : %02x (%s) for %s:%d", rep[1], socks5_text(rep[1]),
                 host, port);
        return rep[1] != 0 ? rep[1] : SOCKS_RESPONSE_REQUEST_REJECTED;
    }
    return rc == 0 ? socks5_skip_address(s, rep[3]) : rc;
}

/* ---- transport hooks ----------------------------------------------------------------------- */

static int socks_connect(esp_transport_handle_t t, const char *host, int port, int timeout_ms)
{
    transport_socks_t *s = t->data;
    if (host == NULL || port < 0 || port > 65535) {
        ESP_LOGE(TAG, "Invalid target %s:%d", host ? host : "(null)", port);
        return fail(s, t, SOCKS_RESPONSE_TARGET_NOT_FOUND);
    }
    s->deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    if (esp_transport_connect(s->parent, s->address, s->port, timeout_ms) < 0) {
        int e = esp_transport_get_errno(s->parent);
        ESP_LOGE(TAG, "Error connecting to proxy %s:%d (errno %d)", s->address, s->port, e);
        return fail(s, t, e > 0 ? e : SOCKS_RESPONSE_PROXY_UNREACHABLE);
    }
    int rc = s->version == SOCKS5 ? socks5_connect(s, host, port) : socks4_connect(s, host, port);
    if (rc != 0) {
        return fail(s, t, rc);
    }
    ESP_LOGD(TAG, "SOCKS%d proxy %s:%d connected to %s:%d", (int)s->version, s->address, s->port,
             host, port);
    return 0;
}

static int socks_read(esp_transport_handle_t t, char *buffer, int len, int timeout_ms)
{
    return esp_transport_read(socks_of(t)->parent, buffer, len, timeout_ms);
}

static int socks_write(esp_transport_handle_t t, const char *buffer, int len, int timeout_ms)
{
    return esp_transport_write(socks_of(t)->parent, buffer, len, timeout_ms);
}

static int socks_poll_read(esp_transport_handle_t t, int timeout_ms)
{
    return esp_transport_poll_read(socks_of(t)->parent, timeout_ms);
}

static int socks_poll_write(esp_transport_handle_t t, int timeout_ms)
{
    return esp_transport_poll_write(socks_of(t)->parent, timeout_ms);
}

static int socks_close(esp_transport_handle_t t)
{
    return esp_transport_close(socks_of(t)->parent);
}

static int socks_get_socket(esp_transport_handle_t t)
{
    transport_socks_t *s = socks_of(t);
    return s ? esp_transport_get_socket(s->parent) : -1;
}

static int socks_destroy(esp_transport_handle_t t)
{
    transport_socks_t *s = socks_of(t);
    if (s != NULL) {
        esp_tls_mem_free(s->address);
        esp_tls_mem_free(s);
        t->data = NULL;
        t->err = NULL;
    }
    return 0;
}

static esp_err_t apply_config(transport_socks_t *s, const esp_transport_socks_proxy_config_t *c)
{
    if (c->version != SOCKS4 && c->version != SOCKS5) {
        ESP_LOGE(TAG, "Unsupported SOCKS version %d (4 or 5)", (int)c->version);
        return ESP_ERR_INVALID_ARG;
    }
    size_t n = strlen(c->address) + 1;
    char *copy = esp_tls_mem_calloc(1, n);
    if (copy == NULL) {
        ESP_LOGE(TAG, "Failed to copy proxy address");
        return ESP_ERR_NO_MEM;
    }
    memcpy(copy, c->address, n);
    esp_tls_mem_free(s->address);
    s->address = copy;
    s->port = c->port;
    s->version = c->version;
    return ESP_OK;
}

esp_err_t esp_transport_socks_proxy_set_config(esp_transport_handle_t socks_transport,
                                               const esp_transport_socks_proxy_config_t *config)
{
    transport_socks_t *s = socks_of(socks_transport);
    ESP_ENSURE_LOG(s != NULL && config != NULL && config->address != NULL, ESP_ERR_INVALID_ARG,
                   "Invalid Configuration");
    return apply_config(s, config);
}

esp_transport_handle_t
esp_transport_socks_proxy_init(esp_transport_handle_t parent_handle,
                               const esp_transport_socks_proxy_config_t *config)
{
    if (parent_handle == NULL) {
        ESP_LOGE(TAG, "Parent transport is invalid");
        return NULL;
    }
    if (config == NULL || config->address == NULL) {
        ESP_LOGE(TAG, "Invalid Configuration");
        return NULL;
    }
    esp_transport_handle_t t = esp_transport_init();
    transport_socks_t *s = t ? esp_tls_mem_calloc(1, sizeof(*s)) : NULL;
    if (s == NULL) {
        ESP_LOGE(TAG, "Failed to allocate transport");
        esp_transport_destroy(t);
        return NULL;
    }
    s->parent = parent_handle;
    t->data = s;
    esp_transport_set_func(t, socks_connect, socks_read, socks_write, socks_close, socks_poll_read,
                           socks_poll_write, socks_destroy);
    t->_get_socket = socks_get_socket;
    t->err = parent_handle->err;
    if (apply_config(s, config) != ESP_OK) {
        esp_transport_destroy(t);
        return NULL;
    }
    return t;
}
