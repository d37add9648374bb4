// SPDX-License-Identifier: Apache-2.0
/*
 * The layout of the public structures as this library was compiled (core/abi_layout.h), so
 * that an application, or the test in tests/abi, can check that it sees the same.
 */
#include <stddef.h>

#include "abi_layout.h"
#include "esp_app_format.h"
#include "esp_http_client.h"
#include "esp_https_ota.h"
#include "esp_ota_ops.h"
#include "esp_private/partition_linux.h"
#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "esp_transport.h"
#include "esp_transport_socks_proxy.h"
#include "esp_transport_ws.h"

static const esp_tls_abi_entry_t s_layout[] = ESP_TLS_ABI_TABLE;

const esp_tls_abi_entry_t *esp_tls_get_abi_layout(size_t *count)
{
    if (count != NULL) {
        *count = sizeof(s_layout) / sizeof(s_layout[0]);
    }
    return s_layout;
}
