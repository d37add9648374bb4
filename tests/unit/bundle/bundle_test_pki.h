// SPDX-License-Identifier: Apache-2.0
/*
 * The bundle tests' PKI (tests/certs/gen-bundle.sh, generated at test time into BUNDLE_CERTS)
 * and bundles built from it with the library's generator.
 */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle_gen.h"
#include "mbedtls/x509_crt.h"

#if !defined(BUNDLE_CERTS) || !defined(BUNDLE_GEN_SCRIPT)
#error "BUNDLE_CERTS and BUNDLE_GEN_SCRIPT must be defined"
#endif

/* Make sure the PKI exists (the ctest fixture made it; a direct run makes it here). */
static inline int bt_pki_ready(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "sh '%s' '%s'", BUNDLE_GEN_SCRIPT, BUNDLE_CERTS);
    return system(cmd) == 0 ? 0 : -1;
}

static inline const char *bt_pki(const char *name)
{
    static char path[8][512];
    static unsigned next;
    char *p = path[next++ % 8];
    snprintf(p, sizeof(path[0]), "%s/%s", BUNDLE_CERTS, name);
    return p;
}

/* A bundle (offset table, or legacy) of the PKI's certificates named in the NULL-terminated
 * list @p names (e.g. "root.crt"). Free with esp_crt_bundle_build_free(). */
static inline uint8_t *bt_pki_bundle(const char *const *names, esp_crt_bundle_format_t fmt,
                                     size_t *len)
{
    esp_crt_bundle_input_t in[16];
    size_t n = 0;
    for (; names[n] != NULL && n < 16; n++) {
        in[n] = (esp_crt_bundle_input_t){bt_pki(names[n]), true};
    }
    esp_crt_bundle_build_cfg_t cfg = {.inputs = in, .input_count = n, .format = fmt};
    uint8_t *out = NULL;
    *len = 0;
    if (esp_crt_bundle_build(&cfg, &out, len, NULL) != ESP_OK) {
        return NULL;
    }
    return out;
}

/* Parse PKI files (leaf first, then its chain) into one chain. 0 on success. */
static inline int bt_pki_chain(mbedtls_x509_crt *crt, const char *const *names)
{
    mbedtls_x509_crt_init(crt);
    for (size_t i = 0; names[i] != NULL; i++) {
        if (mbedtls_x509_crt_parse_file(crt, bt_pki(names[i])) != 0) {
            return -1;
        }
    }
    return 0;
}
