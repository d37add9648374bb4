// SPDX-License-Identifier: Apache-2.0
/*
 * The TLS layer parses the peer's Certificate message itself: ssl_tls.c (TLS 1.2, and the
 * copies of a session's peer certificate) and ssl_tls13_generic.c (TLS 1.3) call
 * mbedtls_x509_crt_parse_der(_nocopy). So that the server's intermediates are parsed as the
 * policy parses the CAs a user loads (nameConstraints accepted, then enforced; policy.c), these
 * two Mbed TLS source files are compiled a second time here, into esp-tls itself, with the two
 * calls renamed by the preprocessor to the policy's parser. The compiler checks the rename
 * against the prototype in policy.h; no object file is edited afterwards.
 *
 * One translation unit holds both files (their file-local names must not clash: the one that
 * does is renamed below), so that a static link that takes any function of
 * ssl_tls.c from libesp_tls.a takes the TLS 1.3 parse with it (two objects could be split
 * between libesp_tls.a and libmbedtls.a). These definitions come first in every link of
 * esp-tls, so the plain ssl_tls.o and ssl_tls13_generic.o of libmbedtls.a are never pulled in;
 * the installed libmbedtls.a stays a plain build of Mbed TLS.
 *
 * Review on an Mbed TLS update: the parse calls must still be in these two files (the unit test
 * policy.peer_parse_hooked and tests/lint/reach.sh check that they are renamed).
 */
/* Mbed TLS's common.h first: it makes the private fields visible by name before any Mbed TLS
 * header is read, as ssl_tls.c expects them */
#include "common.h"

#include "../../../policy/policy.h" /* the renamed calls' prototypes: the compiler checks each call */

#define mbedtls_x509_crt_parse_der esp_tls_policy_peer_parse_der
#define mbedtls_x509_crt_parse_der_nocopy esp_tls_policy_peer_parse_der_nocopy

/* the one file-local name both files define (with MBEDTLS_USE_PSA_CRYPTO) gets one per file */
#define local_err_translation ssl_tls_local_err_translation
#include "ssl_tls.c"
#undef local_err_translation
#undef PSA_TO_MBEDTLS_ERR
#define local_err_translation ssl_tls13_generic_local_err_translation
#include "ssl_tls13_generic.c"
