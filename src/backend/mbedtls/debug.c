/*
 * Mbed TLS debug output into esp_log (tag "mbedtls"), enabled by CONFIG_MBEDTLS_DEBUG at
 * CONFIG_MBEDTLS_DEBUG_LEVEL. Level 3 shows each certificate the peer sends.
 */
#include <stdio.h>
#include <string.h>

#include "esp_log.h"
#include "mbedtls/debug.h"
#include "mbedtls/error.h"
#include "mbedtls_backend.h"

#if CONFIG_MBEDTLS_DEBUG
static void debug_cb(void *ctx, int level, const char *file, int line, const char *msg)
{
    (void)ctx;
    const char *base = strrchr(file, '/');
    size_t len = strlen(msg);
    if (len > 0 && msg[len - 1] == '\n') {
        len--;
    }
    esp_log_level_t esp_level = level <= 1   ? ESP_LOG_WARN
                                : level == 2 ? ESP_LOG_INFO
                                             : ESP_LOG_DEBUG;
    esp_log_write(esp_level, "mbedtls", "%s:%d %.*s", base ? base + 1 : file, line, (int)len, msg);
}

void esp_tls_mbedtls_debug_attach(mbedtls_ssl_config *conf)
{
    mbedtls_debug_set_threshold(CONFIG_MBEDTLS_DEBUG_LEVEL);
    mbedtls_ssl_conf_dbg(conf, debug_cb, NULL);
}
#else
void esp_tls_mbedtls_debug_attach(mbedtls_ssl_config *conf)
{
    (void)conf;
}
#endif

esp_err_t esp_tls_mbedtls_fail(esp_tls_t *tls, const char *what, int ret, esp_err_t code,
                               const char *hint)
{
    char msg[128];
    ESP_LOGE("esp-tls-mbedtls", "%s returned -0x%04X (%s)%s%s", what, (unsigned)-ret,
             esp_tls_mbedtls_strerror(ret, msg, sizeof(msg)), hint ? ": " : "", hint ? hint : "");
    esp_tls_capture(esp_tls_err(tls), ESP_TLS_ERR_TYPE_MBEDTLS, -ret);
    return code;
}

const char *esp_tls_mbedtls_strerror(int code, char *buf, size_t len)
{
    mbedtls_strerror(code, buf, len);
    return buf;
}
