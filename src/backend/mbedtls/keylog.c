// SPDX-License-Identifier: Apache-2.0
/*
 * TLS secrets in the NSS key log format (one "LABEL <client_random> <secret>" line each), for
 * Wireshark: to the file set with esp_tls_set_keylog_file(), else to $SSLKEYLOGFILE. Built
 * only with CONFIG_ESP_TLS_KEYLOG; nothing is written unless a file is named.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "esp_log.h"
#include "esp_tls_ext.h"
#include "mbedtls/platform_util.h"
#include "mbedtls_backend.h"

#if CONFIG_ESP_TLS_KEYLOG
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static char s_path[4096];
static bool s_path_set; /* set by the API; else the environment decides */

esp_err_t esp_tls_mbedtls_keylog_file(const char *path)
{
    ESP_ENSURE(path == NULL || strlen(path) < sizeof(s_path), ESP_ERR_INVALID_ARG);
    pthread_mutex_lock(&s_lock);
    snprintf(s_path, sizeof(s_path), "%s", path ? path : "");
    s_path_set = true;
    pthread_mutex_unlock(&s_lock);
    return ESP_OK;
}

static bool keylog_path(char *out, size_t size)
{
    pthread_mutex_lock(&s_lock);
    const char *path = s_path_set ? s_path : getenv("SSLKEYLOGFILE");
    snprintf(out, size, "%s", path ? path : "");
    pthread_mutex_unlock(&s_lock);
    return out[0] != '\0';
}

static const char *label_of(mbedtls_ssl_key_export_type type)
{
    switch (type) {
    case MBEDTLS_SSL_KEY_EXPORT_TLS12_MASTER_SECRET: return "CLIENT_RANDOM";
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_EARLY_SECRET: return "CLIENT_EARLY_TRAFFIC_SECRET";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_EARLY_EXPORTER_SECRET: return "EARLY_EXPORTER_SECRET";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_HANDSHAKE_TRAFFIC_SECRET:
        return "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_HANDSHAKE_TRAFFIC_SECRET:
        return "SERVER_HANDSHAKE_TRAFFIC_SECRET";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_CLIENT_APPLICATION_TRAFFIC_SECRET:
        return "CLIENT_TRAFFIC_SECRET_0";
    case MBEDTLS_SSL_KEY_EXPORT_TLS1_3_SERVER_APPLICATION_TRAFFIC_SECRET:
        return "SERVER_TRAFFIC_SECRET_0";
#endif
    default: return NULL;
    }
}

static size_t put_hex(char *out, const unsigned char *in, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0f];
    }
    return 2 * len;
}

/* Append one line with a single write(), so that concurrent connections do not interleave. */
static void write_line(const char *path, const char *line, size_t len)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, line, len) != (ssize_t)len) {
        ESP_LOGW("esp-tls", "key log: cannot append to %s", path);
    }
    if (fd >= 0) {
        close(fd);
    }
}

static void export_cb(void *ctx, mbedtls_ssl_key_export_type type, const unsigned char *secret,
                      size_t secret_len, const unsigned char client_random[32],
                      const unsigned char server_random[32], mbedtls_tls_prf_types prf)
{
    (void)ctx;
    (void)server_random;
    (void)prf;
    const char *label = label_of(type);
    char path[sizeof(s_path)];
    if (label == NULL || secret_len > 64 || !keylog_path(path, sizeof(path))) {
        return;
    }
    char line[64 + 1 + 64 + 1 + 128 + 2];
    size_t n = (size_t)snprintf(line, sizeof(line), "%s ", label);
    n += put_hex(line + n, client_random, 32);
    line[n++] = ' ';
    n += put_hex(line + n, secret, secret_len);
    line[n++] = '\n';
    pthread_mutex_lock(&s_lock);
    write_line(path, line, n);
    pthread_mutex_unlock(&s_lock);
    mbedtls_platform_zeroize(line, sizeof(line));
}

void esp_tls_mbedtls_keylog_attach(mbedtls_ssl_context *ssl)
{
    char path[sizeof(s_path)];
    if (keylog_path(path, sizeof(path))) {
        mbedtls_ssl_set_export_keys_cb(ssl, export_cb, NULL);
    }
}
#else
esp_err_t esp_tls_mbedtls_keylog_file(const char *path)
{
    (void)path;
    return ESP_ERR_NOT_SUPPORTED;
}

void esp_tls_mbedtls_keylog_attach(mbedtls_ssl_context *ssl)
{
    (void)ssl;
}
#endif
