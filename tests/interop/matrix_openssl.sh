#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# matrix_openssl.sh CLIENT CERTDIR: the client against `openssl s_server -www`:
# TLS 1.2/1.3 x RSA-2048/ECDSA P-256 x server-auth/mutual-auth on 127.0.0.1, and a
# subset on ::1. Mutual auth: the server requires a client certificate (-Verify 1) and
# its log must name the client (its verify callback prints the client's subject).
. "$(dirname "$0")/lib.sh"
it_init "$@"

run_table <<'EOF'
# name             | server                                        | client args | expectations
ossl_tls12_rsa     | ossl server-rsa                               | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --tls12 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.2 ciphersuite~-RSA- peer_cert[0]~CN=localhost written=18 expect=found last_error=0x0 server!~esp-tls-client
ossl_tls13_rsa     | ossl server-rsa                               | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --tls13 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.3 ciphersuite~TLS1-3- peer_cert[0]~CN=localhost written=18 expect=found last_error=0x0 server!~esp-tls-client
ossl_tls12_ec      | ossl server-ec                                | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --tls12 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.2 ciphersuite~-ECDSA- peer_cert[0]~CN=localhost written=18 expect=found last_error=0x0 server!~esp-tls-client
ossl_tls13_ec      | ossl server-ec                                | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --tls13 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.3 ciphersuite~TLS1-3- peer_cert[0]~CN=localhost written=18 expect=found last_error=0x0 server!~esp-tls-client
ossl_tls12_rsa_mtls | ossl server-rsa -Verify 1 -CAfile $D/ca-rsa.crt | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-rsa.key --tls12 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.2 ciphersuite~-RSA- expect=found last_error=0x0 server~CN%20=%20esp-tls-client
ossl_tls13_rsa_mtls | ossl server-rsa -Verify 1 -CAfile $D/ca-rsa.crt | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-rsa.key --tls13 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.3 ciphersuite~TLS1-3- expect=found last_error=0x0 server~CN%20=%20esp-tls-client
ossl_tls12_ec_mtls | ossl server-ec -Verify 1 -CAfile $D/ca-ec.crt     | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --cert $D/client-ec.crt --key $D/client-ec.key --tls12 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.2 ciphersuite~-ECDSA- expect=found last_error=0x0 server~CN%20=%20esp-tls-client
ossl_tls13_ec_mtls | ossl server-ec -Verify 1 -CAfile $D/ca-ec.crt     | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --cert $D/client-ec.crt --key $D/client-ec.key --tls13 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.3 ciphersuite~TLS1-3- expect=found last_error=0x0 server~CN%20=%20esp-tls-client

# IPv6 (::1): the server certificate has IP:::1 in its subjectAltName
ossl6_tls13_rsa    | ossl6 server-rsa                              | --host ::1 --port $PORT --ca $D/ca-rsa.crt --tls13 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.3 peer_cert[0]~CN=localhost expect=found last_error=0x0
ossl6_tls12_ec_mtls | ossl6 server-ec -Verify 1 -CAfile $D/ca-ec.crt   | --host ::1 --port $PORT --ca $D/ca-ec.crt --cert $D/client-ec.crt --key $D/client-ec.key --tls12 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.2 ciphersuite~-ECDSA- expect=found last_error=0x0 server~CN%20=%20esp-tls-client
ossl6_tls13_rsa_mtls | ossl6 server-rsa -Verify 1 -CAfile $D/ca-rsa.crt | --host ::1 --port $PORT --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-rsa.key --tls13 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.3 expect=found last_error=0x0 server~CN%20=%20esp-tls-client
EOF

it_finish
