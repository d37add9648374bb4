// SPDX-License-Identifier: Apache-2.0
/*
 * Members of the public configuration structures whose feature a build can leave out. The
 * structures have one layout in every build (docs/COMPAT.md, "ABI"), so such a member can be
 * set in a build without its feature: the connection then fails with ESP_ERR_NOT_SUPPORTED and
 * a log line naming the option, instead of the member being ignored. This is the one place
 * that checks them.
 */
#include "features.h"

#include "esp_log.h"

static const char *TAG = "esp-tls";

/* Which of the options this build has (sdkconfig.h), as C constants. */
#if CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS
#define HAS_ESP_TLS_CLIENT_SESSION_TICKETS true
#else
#define HAS_ESP_TLS_CLIENT_SESSION_TICKETS false
#endif
#if CONFIG_ESP_TLS_PSK_VERIFICATION
#define HAS_ESP_TLS_PSK_VERIFICATION true
#else
#define HAS_ESP_TLS_PSK_VERIFICATION false
#endif
#if CONFIG_MBEDTLS_DYNAMIC_BUFFER
#define HAS_MBEDTLS_DYNAMIC_BUFFER true
#else
#define HAS_MBEDTLS_DYNAMIC_BUFFER false
#endif
#if CONFIG_ESP_TLS_SERVER_MIN_AUTH_MODE_OPTIONAL
#define HAS_ESP_TLS_SERVER_MIN_AUTH_MODE_OPTIONAL true
#else
#define HAS_ESP_TLS_SERVER_MIN_AUTH_MODE_OPTIONAL false
#endif
#if CONFIG_ESP_TLS_SERVER_SESSION_TICKETS
#define HAS_ESP_TLS_SERVER_SESSION_TICKETS true
#else
#define HAS_ESP_TLS_SERVER_SESSION_TICKETS false
#endif
#if CONFIG_ESP_TLS_SERVER_CERT_SELECT_HOOK
#define HAS_ESP_TLS_SERVER_CERT_SELECT_HOOK true
#else
#define HAS_ESP_TLS_SERVER_CERT_SELECT_HOOK false
#endif

/* One member: is it set, is its feature built, and which option builds it. */
typedef struct {
    bool set;
    bool built;
    const char *member;
    const char *option;
} feature_use_t;

static esp_err_t check(const char *cfg_name, const feature_use_t *uses, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (uses[i].set && !uses[i].built) {
            ESP_LOGE(TAG, "%s.%s is set, but this library was built without %s", cfg_name,
                     uses[i].member, uses[i].option);
            return ESP_ERR_NOT_SUPPORTED;
        }
    }
    return ESP_OK;
}

esp_err_t esp_tls_client_features_check(const esp_tls_cfg_t *cfg)
{
    const feature_use_t uses[] = {
        {cfg->client_session != NULL, HAS_ESP_TLS_CLIENT_SESSION_TICKETS, "client_session",
         "CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS"},
        {cfg->psk_hint_key != NULL, HAS_ESP_TLS_PSK_VERIFICATION, "psk_hint_key",
         "CONFIG_ESP_TLS_PSK_VERIFICATION"},
        {cfg->esp_tls_dyn_buf_strategy != 0, HAS_MBEDTLS_DYNAMIC_BUFFER, "esp_tls_dyn_buf_strategy",
         "CONFIG_MBEDTLS_DYNAMIC_BUFFER"},
    };
    return check("esp_tls_cfg_t", uses, sizeof(uses) / sizeof(uses[0]));
}

esp_err_t esp_tls_server_features_check(const esp_tls_cfg_server_t *cfg)
{
    const feature_use_t uses[] = {
        {cfg->client_cert_authmode_optional, HAS_ESP_TLS_SERVER_MIN_AUTH_MODE_OPTIONAL,
         "client_cert_authmode_optional", "CONFIG_ESP_TLS_SERVER_MIN_AUTH_MODE_OPTIONAL"},
        {cfg->ticket_ctx != NULL, HAS_ESP_TLS_SERVER_SESSION_TICKETS, "ticket_ctx",
         "CONFIG_ESP_TLS_SERVER_SESSION_TICKETS"},
        {cfg->cert_select_cb != NULL, HAS_ESP_TLS_SERVER_CERT_SELECT_HOOK, "cert_select_cb",
         "CONFIG_ESP_TLS_SERVER_CERT_SELECT_HOOK"},
        {cfg->psk_hint_key != NULL, HAS_ESP_TLS_PSK_VERIFICATION, "psk_hint_key",
         "CONFIG_ESP_TLS_PSK_VERIFICATION"},
    };
    return check("esp_tls_cfg_server_t", uses, sizeof(uses) / sizeof(uses[0]));
}
