#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# matrix_gnutls.sh CLIENT CERTDIR: the client against `gnutls-serv --http`:
# TLS 1.2/1.3 x RSA-2048/ECDSA P-256 x server-auth/mutual-auth on 127.0.0.1, and a
# subset on ::1. Mutual auth: --require-client-cert --verify-client-cert, and the
# server's log must show the client's certificate (Subject: CN=esp-tls-client,...).
. "$(dirname "$0")/lib.sh"
command -v gnutls-serv >/dev/null || { echo "gnutls-serv not installed: skipped"; exit 77; }
it_init "$@"

run_table <<'EOF'
# name               | server                | client args | expectations
gnutls_tls12_rsa     | gnutls server-rsa     | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --tls12 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.2 ciphersuite~-RSA- peer_cert[0]~CN=localhost written=18 expect=found last_error=0x0 server!~esp-tls-client
gnutls_tls13_rsa     | gnutls server-rsa     | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --tls13 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.3 ciphersuite~TLS1-3- peer_cert[0]~CN=localhost written=18 expect=found last_error=0x0 server!~esp-tls-client
gnutls_tls12_ec      | gnutls server-ec      | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --tls12 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.2 ciphersuite~-ECDSA- peer_cert[0]~CN=localhost written=18 expect=found last_error=0x0 server!~esp-tls-client
gnutls_tls13_ec      | gnutls server-ec      | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --tls13 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.3 ciphersuite~TLS1-3- peer_cert[0]~CN=localhost written=18 expect=found last_error=0x0 server!~esp-tls-client
gnutls_tls12_rsa_mtls | gnutls server-rsa --require-client-cert --verify-client-cert --x509cafile $D/ca-rsa.crt \
  | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-rsa.key --tls12 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.2 ciphersuite~-RSA- expect=found last_error=0x0 server~CN=esp-tls-client
gnutls_tls13_rsa_mtls | gnutls server-rsa --require-client-cert --verify-client-cert --x509cafile $D/ca-rsa.crt \
  | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-rsa.key --tls13 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.3 ciphersuite~TLS1-3- expect=found last_error=0x0 server~CN=esp-tls-client
gnutls_tls12_ec_mtls | gnutls server-ec --require-client-cert --verify-client-cert --x509cafile $D/ca-ec.crt \
  | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --cert $D/client-ec.crt --key $D/client-ec.key --tls12 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.2 ciphersuite~-ECDSA- expect=found last_error=0x0 server~CN=esp-tls-client
gnutls_tls13_ec_mtls | gnutls server-ec --require-client-cert --verify-client-cert --x509cafile $D/ca-ec.crt \
  | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --cert $D/client-ec.crt --key $D/client-ec.key --tls13 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.3 ciphersuite~TLS1-3- expect=found last_error=0x0 server~CN=esp-tls-client

# IPv6 (::1)
# --host ::1: no SNI is sent for an IP address (RFC 6066 s3); the address is matched
# against the certificate's iPAddress SAN. gnutls-serv rejects an IP as SNI.
gnutls6_tls13_ec     | gnutls6 server-ec      | --host ::1 --port $PORT --ca $D/ca-ec.crt --tls13 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.3 peer_cert[0]~CN=localhost expect=found last_error=0x0
gnutls6_tls13_ec_cn  | gnutls6 server-ec      | --host ::1 --port $PORT --common-name localhost --ca $D/ca-ec.crt --tls13 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.3 peer_cert[0]~CN=localhost expect=found last_error=0x0 server~IPv6%20::1
gnutls6_tls12_rsa_mtls_cn | gnutls6 server-rsa --require-client-cert --verify-client-cert --x509cafile $D/ca-rsa.crt \
  | --host ::1 --port $PORT --common-name localhost --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-rsa.key --tls12 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.2 expect=found last_error=0x0 server~CN=esp-tls-client server~IPv6%20::1
EOF

it_finish
