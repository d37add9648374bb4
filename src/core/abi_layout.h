// SPDX-License-Identifier: Apache-2.0
/*
 * Every public structure and member, as X-macro lists: S(type) for its size and F(type,
 * member) for its offset. The library reports them as it was compiled
 * (esp_tls_get_abi_layout(), core/abi.c); tests/abi compiles the same lists in an application
 * with another sdkconfig.h and compares. A member added to a public header belongs here.
 */
#pragma once

#define ESP_TLS_ABI_STRUCTS(S)                                                                     \
    S(psk_hint_key_t)                                                                              \
    S(tls_keep_alive_cfg_t)                                                                        \
    S(esp_tls_client_session_t)                                                                    \
    S(esp_tls_cfg_t)                                                                               \
    S(esp_tls_server_session_ticket_ctx_t)                                                         \
    S(esp_tls_cfg_server_t)                                                                        \
    S(esp_tls_last_error_t)                                                                        \
    S(esp_tls_mem_stats_t)                                                                         \
    S(esp_tls_explanation_t)                                                                       \
    S(esp_tls_cert_info_t)                                                                         \
    S(esp_tls_verify_cfg_t)                                                                        \
    S(esp_tls_conn_info_t)                                                                         \
    S(esp_tls_abi_entry_t)                                                                         \
    S(esp_transport_keep_alive_t)                                                                  \
    S(esp_transport_ws_config_t)                                                                   \
    S(esp_transport_socks_proxy_config_t)                                                          \
    S(esp_http_client_config_t)                                                                    \
    S(esp_http_client_event_t)                                                                     \
    S(esp_http_client_on_data_t)                                                                   \
    S(esp_http_client_redirect_event_data_t)                                                       \
    S(esp_partition_t)                                                                             \
    S(esp_partition_file_mmap_ctrl_t)                                                              \
    S(esp_partition_pos_t)                                                                         \
    S(esp_partition_info_t)                                                                        \
    S(esp_ota_select_entry_t)                                                                      \
    S(esp_app_desc_t)                                                                              \
    S(esp_image_header_t)                                                                          \
    S(esp_image_segment_header_t)                                                                  \
    S(decrypt_cb_arg_t)                                                                            \
    S(esp_https_ota_config_t)

#define ESP_TLS_ABI_FIELDS_SMALL(F)                                                                \
    F(psk_hint_key_t, key)                                                                         \
    F(psk_hint_key_t, key_size)                                                                    \
    F(psk_hint_key_t, hint)                                                                        \
    F(tls_keep_alive_cfg_t, keep_alive_enable)                                                     \
    F(tls_keep_alive_cfg_t, keep_alive_idle)                                                       \
    F(tls_keep_alive_cfg_t, keep_alive_interval)                                                   \
    F(tls_keep_alive_cfg_t, keep_alive_count)                                                      \
    F(esp_tls_client_session_t, saved_session)                                                     \
    F(esp_tls_server_session_ticket_ctx_t, entropy)                                                \
    F(esp_tls_server_session_ticket_ctx_t, ctr_drbg)                                               \
    F(esp_tls_server_session_ticket_ctx_t, ticket_ctx)                                             \
    F(esp_tls_last_error_t, last_error)                                                            \
    F(esp_tls_last_error_t, esp_tls_error_code)                                                    \
    F(esp_tls_last_error_t, esp_tls_flags)                                                         \
    F(esp_transport_keep_alive_t, keep_alive_enable)                                               \
    F(esp_transport_keep_alive_t, keep_alive_idle)                                                 \
    F(esp_transport_keep_alive_t, keep_alive_interval)                                             \
    F(esp_transport_keep_alive_t, keep_alive_count)                                                \
    F(esp_transport_ws_config_t, ws_path)                                                          \
    F(esp_transport_ws_config_t, sub_protocol)                                                     \
    F(esp_transport_ws_config_t, user_agent)                                                       \
    F(esp_transport_ws_config_t, headers)                                                          \
    F(esp_transport_ws_config_t, auth)                                                             \
    F(esp_transport_ws_config_t, response_headers)                                                 \
    F(esp_transport_ws_config_t, response_headers_len)                                             \
    F(esp_transport_ws_config_t, propagate_control_frames)                                         \
    F(esp_transport_socks_proxy_config_t, version)                                                 \
    F(esp_transport_socks_proxy_config_t, address)                                                 \
    F(esp_transport_socks_proxy_config_t, port)

#define ESP_TLS_ABI_FIELDS_CFG(F)                                                                  \
    F(esp_tls_cfg_t, alpn_protos)                                                                  \
    F(esp_tls_cfg_t, cacert_buf)                                                                   \
    F(esp_tls_cfg_t, cacert_bytes)                                                                 \
    F(esp_tls_cfg_t, clientcert_buf)                                                               \
    F(esp_tls_cfg_t, clientcert_bytes)                                                             \
    F(esp_tls_cfg_t, clientkey_buf)                                                                \
    F(esp_tls_cfg_t, clientkey_bytes)                                                              \
    F(esp_tls_cfg_t, clientkey_password)                                                           \
    F(esp_tls_cfg_t, clientkey_password_len)                                                       \
    F(esp_tls_cfg_t, use_ecdsa_peripheral)                                                         \
    F(esp_tls_cfg_t, ecdsa_key_efuse_blk)                                                          \
    F(esp_tls_cfg_t, ecdsa_key_efuse_blk_high)                                                     \
    F(esp_tls_cfg_t, ecdsa_curve)                                                                  \
    F(esp_tls_cfg_t, non_block)                                                                    \
    F(esp_tls_cfg_t, use_secure_element)                                                           \
    F(esp_tls_cfg_t, timeout_ms)                                                                   \
    F(esp_tls_cfg_t, use_global_ca_store)                                                          \
    F(esp_tls_cfg_t, common_name)                                                                  \
    F(esp_tls_cfg_t, skip_common_name)                                                             \
    F(esp_tls_cfg_t, keep_alive_cfg)                                                               \
    F(esp_tls_cfg_t, psk_hint_key)                                                                 \
    F(esp_tls_cfg_t, crt_bundle_attach)                                                            \
    F(esp_tls_cfg_t, ds_data)                                                                      \
    F(esp_tls_cfg_t, is_plain_tcp)                                                                 \
    F(esp_tls_cfg_t, if_name)                                                                      \
    F(esp_tls_cfg_t, client_session)                                                               \
    F(esp_tls_cfg_t, addr_family)                                                                  \
    F(esp_tls_cfg_t, ciphersuites_list)                                                            \
    F(esp_tls_cfg_t, tls_version)                                                                  \
    F(esp_tls_cfg_t, esp_tls_dyn_buf_strategy)                                                     \
    F(esp_tls_cfg_t, peer_record_size)

#define ESP_TLS_ABI_FIELDS_SERVER(F)                                                               \
    F(esp_tls_cfg_server_t, alpn_protos)                                                           \
    F(esp_tls_cfg_server_t, cacert_buf)                                                            \
    F(esp_tls_cfg_server_t, cacert_bytes)                                                          \
    F(esp_tls_cfg_server_t, client_cert_authmode_optional)                                         \
    F(esp_tls_cfg_server_t, servercert_buf)                                                        \
    F(esp_tls_cfg_server_t, servercert_bytes)                                                      \
    F(esp_tls_cfg_server_t, serverkey_buf)                                                         \
    F(esp_tls_cfg_server_t, serverkey_bytes)                                                       \
    F(esp_tls_cfg_server_t, serverkey_password)                                                    \
    F(esp_tls_cfg_server_t, serverkey_password_len)                                                \
    F(esp_tls_cfg_server_t, use_ecdsa_peripheral)                                                  \
    F(esp_tls_cfg_server_t, ecdsa_key_efuse_blk)                                                   \
    F(esp_tls_cfg_server_t, ecdsa_key_efuse_blk_high)                                              \
    F(esp_tls_cfg_server_t, ecdsa_curve)                                                           \
    F(esp_tls_cfg_server_t, use_secure_element)                                                    \
    F(esp_tls_cfg_server_t, tls_handshake_timeout_ms)                                              \
    F(esp_tls_cfg_server_t, ticket_ctx)                                                            \
    F(esp_tls_cfg_server_t, userdata)                                                              \
    F(esp_tls_cfg_server_t, cert_select_cb)                                                        \
    F(esp_tls_cfg_server_t, psk_hint_key)                                                          \
    F(esp_tls_cfg_server_t, tls_version)                                                           \
    F(esp_tls_cfg_server_t, ciphersuites_list)

#define ESP_TLS_ABI_FIELDS_EXT(F)                                                                  \
    F(esp_tls_mem_stats_t, current_bytes)                                                          \
    F(esp_tls_mem_stats_t, peak_bytes)                                                             \
    F(esp_tls_mem_stats_t, allocations)                                                            \
    F(esp_tls_explanation_t, cause)                                                                \
    F(esp_tls_explanation_t, fix)                                                                  \
    F(esp_tls_cert_info_t, subject)                                                                \
    F(esp_tls_cert_info_t, issuer)                                                                 \
    F(esp_tls_cert_info_t, san)                                                                    \
    F(esp_tls_cert_info_t, not_before)                                                             \
    F(esp_tls_cert_info_t, not_after)                                                              \
    F(esp_tls_cert_info_t, key)                                                                    \
    F(esp_tls_cert_info_t, sig_alg)                                                                \
    F(esp_tls_cert_info_t, sha256)                                                                 \
    F(esp_tls_cert_info_t, version)                                                                \
    F(esp_tls_cert_info_t, is_ca)                                                                  \
    F(esp_tls_verify_cfg_t, cacert_buf)                                                            \
    F(esp_tls_verify_cfg_t, cacert_bytes)                                                          \
    F(esp_tls_verify_cfg_t, crt_bundle_attach)                                                     \
    F(esp_tls_verify_cfg_t, use_global_ca_store)                                                   \
    F(esp_tls_verify_cfg_t, common_name)                                                           \
    F(esp_tls_verify_cfg_t, at_time)                                                               \
    F(esp_tls_conn_info_t, version)                                                                \
    F(esp_tls_conn_info_t, ciphersuite)                                                            \
    F(esp_tls_conn_info_t, alpn)                                                                   \
    F(esp_tls_conn_info_t, group)                                                                  \
    F(esp_tls_conn_info_t, resumed)                                                                \
    F(esp_tls_conn_info_t, peer_record_limit)                                                      \
    F(esp_tls_abi_entry_t, name)                                                                   \
    F(esp_tls_abi_entry_t, value)

#define ESP_TLS_ABI_FIELDS_HTTP(F)                                                                 \
    F(esp_http_client_config_t, url)                                                               \
    F(esp_http_client_config_t, host)                                                              \
    F(esp_http_client_config_t, port)                                                              \
    F(esp_http_client_config_t, username)                                                          \
    F(esp_http_client_config_t, password)                                                          \
    F(esp_http_client_config_t, auth_type)                                                         \
    F(esp_http_client_config_t, path)                                                              \
    F(esp_http_client_config_t, query)                                                             \
    F(esp_http_client_config_t, cert_pem)                                                          \
    F(esp_http_client_config_t, cert_der)                                                          \
    F(esp_http_client_config_t, cert_len)                                                          \
    F(esp_http_client_config_t, client_cert_pem)                                                   \
    F(esp_http_client_config_t, client_cert_der)                                                   \
    F(esp_http_client_config_t, client_cert_len)                                                   \
    F(esp_http_client_config_t, client_key_pem)                                                    \
    F(esp_http_client_config_t, client_key_len)                                                    \
    F(esp_http_client_config_t, client_key_password)                                               \
    F(esp_http_client_config_t, client_key_password_len)                                           \
    F(esp_http_client_config_t, tls_version)                                                       \
    F(esp_http_client_config_t, use_ecdsa_peripheral)                                              \
    F(esp_http_client_config_t, ecdsa_key_efuse_blk)                                               \
    F(esp_http_client_config_t, ecdsa_key_efuse_blk_high)                                          \
    F(esp_http_client_config_t, ecdsa_curve)                                                       \
    F(esp_http_client_config_t, user_agent)                                                        \
    F(esp_http_client_config_t, method)                                                            \
    F(esp_http_client_config_t, timeout_ms)                                                        \
    F(esp_http_client_config_t, disable_auto_redirect)                                             \
    F(esp_http_client_config_t, max_redirection_count)                                             \
    F(esp_http_client_config_t, max_authorization_retries)                                         \
    F(esp_http_client_config_t, event_handler)                                                     \
    F(esp_http_client_config_t, transport_type)                                                    \
    F(esp_http_client_config_t, buffer_size)                                                       \
    F(esp_http_client_config_t, buffer_size_tx)                                                    \
    F(esp_http_client_config_t, user_data)                                                         \
    F(esp_http_client_config_t, is_async)                                                          \
    F(esp_http_client_config_t, use_global_ca_store)                                               \
    F(esp_http_client_config_t, skip_cert_common_name_check)                                       \
    F(esp_http_client_config_t, common_name)                                                       \
    F(esp_http_client_config_t, crt_bundle_attach)                                                 \
    F(esp_http_client_config_t, keep_alive_enable)                                                 \
    F(esp_http_client_config_t, keep_alive_idle)                                                   \
    F(esp_http_client_config_t, keep_alive_interval)                                               \
    F(esp_http_client_config_t, keep_alive_count)                                                  \
    F(esp_http_client_config_t, if_name)                                                           \
    F(esp_http_client_config_t, alpn_protos)                                                       \
    F(esp_http_client_config_t, use_secure_element)                                                \
    F(esp_http_client_config_t, ds_data)                                                           \
    F(esp_http_client_config_t, save_client_session)                                               \
    F(esp_http_client_config_t, transport)                                                         \
    F(esp_http_client_config_t, addr_type)                                                         \
    F(esp_http_client_config_t, tls_dyn_buf_strategy)                                              \
    F(esp_http_client_event_t, event_id)                                                           \
    F(esp_http_client_event_t, client)                                                             \
    F(esp_http_client_event_t, data)                                                               \
    F(esp_http_client_event_t, data_len)                                                           \
    F(esp_http_client_event_t, user_data)                                                          \
    F(esp_http_client_event_t, header_key)                                                         \
    F(esp_http_client_event_t, header_value)                                                       \
    F(esp_http_client_on_data_t, client)                                                           \
    F(esp_http_client_on_data_t, data_process)                                                     \
    F(esp_http_client_redirect_event_data_t, client)                                               \
    F(esp_http_client_redirect_event_data_t, status_code)

#define ESP_TLS_ABI_FIELDS_OTA(F)                                                                  \
    F(esp_partition_t, flash_chip)                                                                 \
    F(esp_partition_t, type)                                                                       \
    F(esp_partition_t, subtype)                                                                    \
    F(esp_partition_t, address)                                                                    \
    F(esp_partition_t, size)                                                                       \
    F(esp_partition_t, erase_size)                                                                 \
    F(esp_partition_t, label)                                                                      \
    F(esp_partition_t, encrypted)                                                                  \
    F(esp_partition_t, readonly)                                                                   \
    F(esp_partition_file_mmap_ctrl_t, flash_file_name)                                             \
    F(esp_partition_file_mmap_ctrl_t, flash_file_size)                                             \
    F(esp_partition_file_mmap_ctrl_t, partition_file_name)                                         \
    F(esp_partition_file_mmap_ctrl_t, remove_dump)                                                 \
    F(esp_partition_info_t, magic)                                                                 \
    F(esp_partition_info_t, type)                                                                  \
    F(esp_partition_info_t, subtype)                                                               \
    F(esp_partition_info_t, pos)                                                                   \
    F(esp_partition_info_t, label)                                                                 \
    F(esp_partition_info_t, flags)                                                                 \
    F(esp_ota_select_entry_t, ota_seq)                                                             \
    F(esp_ota_select_entry_t, seq_label)                                                           \
    F(esp_ota_select_entry_t, ota_state)                                                           \
    F(esp_ota_select_entry_t, crc)                                                                 \
    F(esp_app_desc_t, magic_word)                                                                  \
    F(esp_app_desc_t, secure_version)                                                              \
    F(esp_app_desc_t, version)                                                                     \
    F(esp_app_desc_t, project_name)                                                                \
    F(esp_app_desc_t, time)                                                                        \
    F(esp_app_desc_t, date)                                                                        \
    F(esp_app_desc_t, idf_ver)                                                                     \
    F(esp_app_desc_t, app_elf_sha256)                                                              \
    F(esp_app_desc_t, min_efuse_blk_rev_full)                                                      \
    F(esp_app_desc_t, max_efuse_blk_rev_full)                                                      \
    F(esp_app_desc_t, mmu_page_size)                                                               \
    F(esp_image_header_t, entry_addr)                                                              \
    F(esp_image_header_t, chip_id)                                                                 \
    F(esp_image_header_t, min_chip_rev_full)                                                       \
    F(esp_image_header_t, max_chip_rev_full)                                                       \
    F(esp_image_header_t, hash_appended)                                                           \
    F(esp_image_segment_header_t, data_len)                                                        \
    F(decrypt_cb_arg_t, data_out_len)                                                              \
    F(esp_https_ota_config_t, http_config)                                                         \
    F(esp_https_ota_config_t, http_client_init_cb)                                                 \
    F(esp_https_ota_config_t, bulk_flash_erase)                                                    \
    F(esp_https_ota_config_t, partial_http_download)                                               \
    F(esp_https_ota_config_t, max_http_request_size)                                               \
    F(esp_https_ota_config_t, buffer_caps)                                                         \
    F(esp_https_ota_config_t, ota_resumption)                                                      \
    F(esp_https_ota_config_t, ota_image_bytes_written)                                             \
    F(esp_https_ota_config_t, decrypt_cb)                                                          \
    F(esp_https_ota_config_t, decrypt_user_ctx)                                                    \
    F(esp_https_ota_config_t, enc_img_header_size)

#define ESP_TLS_ABI_FIELDS(F)                                                                      \
    ESP_TLS_ABI_FIELDS_SMALL(F)                                                                    \
    ESP_TLS_ABI_FIELDS_CFG(F)                                                                      \
    ESP_TLS_ABI_FIELDS_SERVER(F)                                                                   \
    ESP_TLS_ABI_FIELDS_EXT(F)                                                                      \
    ESP_TLS_ABI_FIELDS_HTTP(F)                                                                     \
    ESP_TLS_ABI_FIELDS_OTA(F)

/* The initialiser of an esp_tls_abi_entry_t table, as seen by the file that expands it. */
#define ESP_TLS_ABI_SIZE(type) {#type, sizeof(type)},
#define ESP_TLS_ABI_OFFSET(type, member) {#type "." #member, offsetof(type, member)},
#define ESP_TLS_ABI_TABLE                                                                          \
    {                                                                                              \
        ESP_TLS_ABI_STRUCTS(ESP_TLS_ABI_SIZE) ESP_TLS_ABI_FIELDS(ESP_TLS_ABI_OFFSET)               \
    }
