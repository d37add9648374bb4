#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# policy.sh CLIENT CERTDIR: the certificate policy on real handshakes with openssl s_server,
# which sends the intermediate itself (-cert_chain): the TLS layer parses the server's chain
# through the policy's parser (cmake/peer_parse_hook.cmake), so an intermediate with critical
# nameConstraints is accepted and its constraints enforced. PKI: tests/certs/gen-policy.sh.
#   tls_flags: 0x04 CN mismatch, 0x100 policy (nameConstraints, ...); tls_code 0x2700
. "$(dirname "$0")/lib.sh"
it_init "$@"
sh "$IT_DIR/../certs/gen-policy.sh" "$D/policy"

run_table <<'TABLE'
# --- an intermediate with critical nameConstraints, sent by the server ---
nc_permitted_tls13 | ossl policy/nc-good -cert_chain $D/policy/nc-ca.crt | --host 127.0.0.1 --port $PORT --ca $D/policy/root.crt --common-name www.good.example --tls13 \
  | result=1 exit=0 version=TLSv1.3
nc_permitted_tls12 | ossl policy/nc-good -cert_chain $D/policy/nc-ca.crt | --host 127.0.0.1 --port $PORT --ca $D/policy/root.crt --common-name www.good.example --tls12 \
  | result=1 exit=0 version=TLSv1.2
nc_outside         | ossl policy/nc-evil -cert_chain $D/policy/nc-ca.crt | --host 127.0.0.1 --port $PORT --ca $D/policy/root.crt --common-name www.evil.example \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x100
nc_excluded_tls12  | ossl policy/nc-excl -cert_chain $D/policy/nc-ca.crt | --host 127.0.0.1 --port $PORT --ca $D/policy/root.crt --common-name x.bad.good.example --tls12 \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x100
nc_ip_permitted    | ossl policy/nc-ip-good -cert_chain $D/policy/nc-ca.crt | --host 127.0.0.1 --port $PORT --ca $D/policy/root.crt --common-name 10.1.2.3 \
  | result=1 exit=0
# --- path building: two issuers of the same name and key; the first one sent forbids the name
# (Mbed TLS takes it and fails with 0x100), the second has no constraints: the library goes
# back and takes it ---
nc_alternate_issuer_tls13 | ossl policy/nc-evil -cert_chain $D/policy/nc-twin.chain.pem | --host 127.0.0.1 --port $PORT --ca $D/policy/root.crt --common-name www.evil.example --tls13 \
  | result=1 exit=0 version=TLSv1.3
nc_alternate_issuer_tls12 | ossl policy/nc-evil -cert_chain $D/policy/nc-twin.chain.pem | --host 127.0.0.1 --port $PORT --ca $D/policy/root.crt --common-name www.evil.example --tls12 \
  | result=1 exit=0 version=TLSv1.2
# --- the leaf's name: subjectAltName only ---
no_cn_fallback     | ossl policy/nosan -cert_chain $D/policy/ica.crt | --host 127.0.0.1 --port $PORT --ca $D/policy/root.crt --common-name ok.example \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x4
chain_ok           | ossl policy/leaf -cert_chain $D/policy/ica.crt | --host 127.0.0.1 --port $PORT --ca $D/policy/root.crt --common-name ok.example \
  | result=1 exit=0
TABLE
it_finish
