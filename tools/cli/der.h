// SPDX-License-Identifier: Apache-2.0
/* Just enough DER for `esp-tls bundle list`: a Name and a SubjectPublicKeyInfo as text. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** "CN=..., O=..., C=..." for a DER Name; "(unparsable name)" if it does not parse. */
void der_name_string(const uint8_t *der, size_t len, char *out, size_t out_len);

/** "RSA 2048", "EC P-256", "EC", "Ed25519" or "?" for a DER SubjectPublicKeyInfo. */
void der_spki_string(const uint8_t *der, size_t len, char *out, size_t out_len);
