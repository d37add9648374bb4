// SPDX-License-Identifier: Apache-2.0
/*
 * abi_check: compiled as an application with its own sdkconfig.h (CMakeLists.txt generates one
 * that contradicts the library's on every option that once changed a public layout, and an
 * empty one), it compares sizeof/offsetof of every public structure and member with what the
 * library was compiled with (esp_tls_get_abi_layout()). Any difference fails.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/abi_layout.h"
#include "esp_app_format.h"
#include "esp_http_client.h"
#include "esp_https_ota.h"
#include "esp_ota_ops.h"
#include "esp_private/partition_linux.h"
#include "esp_tls.h"
#include "esp_tls_ext.h"
#include "esp_transport.h"
#include "esp_transport_socks_proxy.h"
#include "esp_transport_ssl.h"
#include "esp_transport_ws.h"
#include "sdkconfig.h"

static const esp_tls_abi_entry_t s_mine[] = ESP_TLS_ABI_TABLE;

static const esp_tls_abi_entry_t *find(const esp_tls_abi_entry_t *t, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].name, name) == 0) {
            return &t[i];
        }
    }
    return NULL;
}

int main(void)
{
    size_t n = 0;
    const esp_tls_abi_entry_t *lib = esp_tls_get_abi_layout(&n);
    size_t mine_n = sizeof(s_mine) / sizeof(s_mine[0]);
    int bad = n != mine_n;
    if (bad) {
        printf("FAIL: the library reports %zu entries, this program %zu\n", n, mine_n);
    }
    for (size_t i = 0; i < mine_n; i++) {
        const esp_tls_abi_entry_t *l = find(lib, n, s_mine[i].name);
        if (l == NULL || l->value != s_mine[i].value) {
            printf("FAIL: %s: here %zu, in the library %s%zu\n", s_mine[i].name, s_mine[i].value,
                   l ? "" : "(missing) ", l ? l->value : 0);
            bad++;
        }
    }
    printf("%s: %zu sizes and offsets compared with sdkconfig.h of %s (%s)\n",
           bad ? "FAIL" : "PASS", mine_n, ABI_SDKCONFIG_KIND,
           ABI_SDKCONFIG_KIND[0] == 'c' ? "every option that once changed a layout inverted"
                                        : "no ESP-TLS option at all");
    return bad ? 1 : 0;
}
