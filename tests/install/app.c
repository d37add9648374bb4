// SPDX-License-Identifier: Apache-2.0
/* An ESP-IDF-style program built against the installed tree (pkg-config or CMake). */
#include <stdio.h>
#include <string.h>

#include "esp_log.h"
#include "esp_tls.h"

static const char *TAG = "install-app";

int main(void)
{
    esp_tls_t *tls = esp_tls_init();
    if (tls == NULL) {
        return 1;
    }
    esp_tls_cfg_t cfg = {.timeout_ms = 1000};
    /* Port 0 is refused before any network access: a pure API round trip. */
    int rc = esp_tls_conn_new_sync("localhost", 9, 0, &cfg, tls);
    esp_tls_error_handle_t h = NULL;
    esp_tls_get_error_handle(tls, &h);
    esp_err_t last = esp_tls_get_and_clear_last_error(h, NULL, NULL);
    ESP_LOGI(TAG, "rc=%d last_error=%s", rc, esp_err_to_name(last));
    printf("rc=%d last_error=%s ciphersuites=%s\n", rc, esp_err_to_name(last),
           esp_tls_get_ciphersuites_list()[0] != 0 ? "yes" : "no");
    esp_tls_conn_destroy(tls);
    return (rc == -1 && last == ESP_ERR_INVALID_ARG) ? 0 : 1;
}
