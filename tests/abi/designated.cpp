// SPDX-License-Identifier: Apache-2.0
/*
 * C++20 designated initialisers name members in declaration order, or the program does not
 * compile. Each public structure is initialised here with every member, in ESP-IDF v5.5.5's
 * order for ESP-IDF's structures (esp_tls.h, esp_transport.h, esp_http_client.h, esp_partition.h,
 * esp_https_ota.h) and in header order for the
 * extensions (esp_tls_ext.h): code written for ESP-IDF in that style compiles here.
 */
#include <cstdio>

#include "esp_crt_bundle.h"
#include "esp_http_client.h"
#include "esp_https_ota.h"
#include "esp_ota_ops.h"
#include "esp_private/partition_linux.h"
#include "esp_app_format.h"
#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "esp_transport.h"
#include "esp_transport_socks_proxy.h"
#include "esp_transport_ssl.h"
#include "esp_transport_tcp.h"
#include "esp_transport_ws.h"

static const char *s_alpn[] = {"h2", nullptr};
static const unsigned char s_buf[] = "x";
static const int s_suites[] = {0};
static const uint8_t s_key[] = {1, 2, 3};

static int select_cb(mbedtls_ssl_context *ssl)
{
    (void)ssl;
    return 0;
}

int main()
{
    psk_hint_key_t psk = {.key = s_key, .key_size = sizeof(s_key), .hint = "id"};
    tls_keep_alive_cfg_t ka = {
        .keep_alive_enable = true, .keep_alive_idle = 5, .keep_alive_interval = 5,
        .keep_alive_count = 3};
    esp_transport_keep_alive_t tka = {
        .keep_alive_enable = true, .keep_alive_idle = 5, .keep_alive_interval = 5,
        .keep_alive_count = 3};
    static char s_resp[64];
    esp_transport_ws_config_t wcfg = {.ws_path = "/", .sub_protocol = "chat", .user_agent = "ua",
                                      .headers = "X: y\r\n", .auth = "Basic eA==",
                                      .response_headers = s_resp,
                                      .response_headers_len = sizeof(s_resp),
                                      .propagate_control_frames = false};
    esp_transport_socks_proxy_config_t socks = {.version = SOCKS4, .address = "proxy", .port = 1080};
    esp_tls_client_session_t session = {.saved_session = {}};
    esp_tls_server_session_ticket_ctx_t ticket = {.entropy = {}, .ctr_drbg = {}, .ticket_ctx = {}};
    esp_tls_cfg_t cfg = {
        .alpn_protos = s_alpn,
        .cacert_buf = s_buf,
        .cacert_bytes = sizeof(s_buf),
        .clientcert_buf = s_buf,
        .clientcert_bytes = sizeof(s_buf),
        .clientkey_buf = s_buf,
        .clientkey_bytes = sizeof(s_buf),
        .clientkey_password = s_buf,
        .clientkey_password_len = 1,
        .use_ecdsa_peripheral = false,
        .ecdsa_key_efuse_blk = 0,
        .ecdsa_key_efuse_blk_high = 0,
        .ecdsa_curve = ESP_TLS_ECDSA_CURVE_SECP256R1,
        .non_block = false,
        .use_secure_element = false,
        .timeout_ms = 1000,
        .use_global_ca_store = false,
        .common_name = "localhost",
        .skip_common_name = false,
        .keep_alive_cfg = &ka,
        .psk_hint_key = &psk,
        .crt_bundle_attach = esp_crt_bundle_attach,
        .ds_data = nullptr,
        .is_plain_tcp = false,
        .if_name = nullptr,
        .client_session = &session,
        .addr_family = ESP_TLS_AF_UNSPEC,
        .ciphersuites_list = s_suites,
        .tls_version = ESP_TLS_VER_ANY,
        .esp_tls_dyn_buf_strategy = ESP_TLS_DYN_BUF_RX_STATIC,
        .peer_record_size = 0,
    };
    esp_tls_cfg_server_t server = {
        .alpn_protos = s_alpn,
        .cacert_buf = s_buf,
        .cacert_bytes = sizeof(s_buf),
        .client_cert_authmode_optional = false,
        .servercert_buf = s_buf,
        .servercert_bytes = sizeof(s_buf),
        .serverkey_buf = s_buf,
        .serverkey_bytes = sizeof(s_buf),
        .serverkey_password = s_buf,
        .serverkey_password_len = 1,
        .use_ecdsa_peripheral = false,
        .ecdsa_key_efuse_blk = 0,
        .ecdsa_key_efuse_blk_high = 0,
        .ecdsa_curve = ESP_TLS_ECDSA_CURVE_SECP256R1,
        .use_secure_element = false,
        .tls_handshake_timeout_ms = 1000,
        .ticket_ctx = &ticket,
        .userdata = nullptr,
        .cert_select_cb = select_cb,
        .psk_hint_key = &psk,
        .tls_version = ESP_TLS_VER_TLS_1_3,
        .ciphersuites_list = s_suites,
    };
    esp_tls_last_error_t last = {.last_error = 0, .esp_tls_error_code = 0, .esp_tls_flags = 0};
    esp_tls_mem_stats_t mem = {.current_bytes = 0, .peak_bytes = 0, .allocations = 0};
    esp_tls_explanation_t ex = {.cause = "", .fix = ""};
    esp_tls_cert_info_t info = {.subject = "", .issuer = "", .san = "", .not_before = "",
                                .not_after = "", .key = "", .sig_alg = "", .sha256 = "",
                                .version = 3, .is_ca = false};
    esp_tls_verify_cfg_t vcfg = {.cacert_buf = s_buf, .cacert_bytes = sizeof(s_buf),
                                 .crt_bundle_attach = nullptr, .use_global_ca_store = false,
                                 .common_name = "localhost", .at_time = 0};
    esp_tls_conn_info_t ci = {.version = "", .ciphersuite = "", .alpn = "", .group = "",
                              .resumed = false, .peer_record_limit = 0};
    esp_tls_abi_entry_t abi = {.name = "x", .value = 0};
    esp_http_client_config_t http = {
        .url = "https://localhost/", .host = nullptr, .port = 0, .username = nullptr,
        .password = nullptr, .auth_type = HTTP_AUTH_TYPE_NONE, .path = nullptr, .query = nullptr,
        .cert_pem = nullptr, .cert_len = 0, .client_cert_pem = nullptr, .client_cert_len = 0,
        .client_key_pem = nullptr, .client_key_len = 0, .client_key_password = nullptr,
        .client_key_password_len = 0, .tls_version = ESP_HTTP_CLIENT_TLS_VER_ANY,
        .use_ecdsa_peripheral = false, .ecdsa_key_efuse_blk = 0, .ecdsa_key_efuse_blk_high = 0,
        .ecdsa_curve = ESP_HTTP_CLIENT_ECDSA_CURVE_SECP256R1, .user_agent = nullptr,
        .method = HTTP_METHOD_GET, .timeout_ms = 0, .disable_auto_redirect = false,
        .max_redirection_count = 0, .max_authorization_retries = 0, .event_handler = nullptr,
        .transport_type = HTTP_TRANSPORT_UNKNOWN, .buffer_size = 0, .buffer_size_tx = 0,
        .user_data = nullptr, .is_async = false, .use_global_ca_store = false,
        .skip_cert_common_name_check = false, .common_name = nullptr,
        .crt_bundle_attach = esp_crt_bundle_attach, .keep_alive_enable = false,
        .keep_alive_idle = 0, .keep_alive_interval = 0, .keep_alive_count = 0, .if_name = nullptr,
        .alpn_protos = s_alpn, .use_secure_element = false, .ds_data = nullptr,
        .save_client_session = false, .transport = nullptr, .addr_type = HTTP_ADDR_TYPE_UNSPEC,
        .tls_dyn_buf_strategy = HTTP_TLS_DYN_BUF_RX_STATIC};
    esp_http_client_event_t hev = {.event_id = HTTP_EVENT_ON_DATA, .client = nullptr,
                                   .data = nullptr, .data_len = 0, .user_data = nullptr,
                                   .header_key = nullptr, .header_value = nullptr};
    esp_https_ota_config_t ota = {.http_config = &http, .http_client_init_cb = nullptr,
                                  .bulk_flash_erase = false, .partial_http_download = true,
                                  .max_http_request_size = 4096, .buffer_caps = 0,
                                  .ota_resumption = false, .ota_image_bytes_written = 0,
                                  .decrypt_cb = nullptr, .decrypt_user_ctx = nullptr,
                                  .enc_img_header_size = 0};
    esp_partition_t part = {.flash_chip = nullptr, .type = ESP_PARTITION_TYPE_APP,
                            .subtype = ESP_PARTITION_SUBTYPE_APP_OTA_0, .address = 0x110000,
                            .size = 0x100000, .erase_size = 0x1000, .label = "ota_0",
                            .encrypted = false, .readonly = false};
    esp_ota_select_entry_t sel = {.ota_seq = 1, .seq_label = {0}, .ota_state = 0, .crc = 0};
    esp_image_segment_header_t seg = {.load_addr = 0, .data_len = 4};
    std::printf("PASS: every public structure initialised in declaration order (%zu bytes of "
                "esp_tls_cfg_t, %zu of esp_tls_cfg_server_t)\n",
                sizeof(cfg), sizeof(server));
    (void)tka, (void)wcfg, (void)socks, (void)last, (void)mem, (void)ex, (void)info, (void)vcfg;
    (void)ci, (void)abi, (void)http, (void)hev;
    (void)ota, (void)part, (void)sel, (void)seg;
    return 0;
}
