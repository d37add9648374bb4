// SPDX-License-Identifier: Apache-2.0
/*
 * The verification call of an Mbed TLS 3.6 handshake (ssl_tls.c), on the configuration fields
 * the mbedtls_ssl_conf_*() setters filled: used to verify a chain outside a handshake exactly as
 * a handshake would (verify_chain.c).
 */
#include "reach.h"

#if defined(MBEDTLS_X509_CRT_PARSE_C)
int esp_tls_reach_verify_as_handshake(const mbedtls_ssl_config *c, mbedtls_x509_crt *chain,
                                      const char *name, uint32_t *flags)
{
#if defined(MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK)
    if (c->MBEDTLS_PRIVATE(f_ca_cb) != NULL) {
        return mbedtls_x509_crt_verify_with_ca_cb(
            chain, c->MBEDTLS_PRIVATE(f_ca_cb), c->MBEDTLS_PRIVATE(p_ca_cb),
            c->MBEDTLS_PRIVATE(cert_profile), name, flags, c->MBEDTLS_PRIVATE(f_vrfy),
            c->MBEDTLS_PRIVATE(p_vrfy));
    }
#endif
    return mbedtls_x509_crt_verify_with_profile(
        chain, c->MBEDTLS_PRIVATE(ca_chain), c->MBEDTLS_PRIVATE(ca_crl),
        c->MBEDTLS_PRIVATE(cert_profile), name, flags, c->MBEDTLS_PRIVATE(f_vrfy),
        c->MBEDTLS_PRIVATE(p_vrfy));
}
#endif
