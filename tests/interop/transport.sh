#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# transport.sh CLIENT CERTDIR: esp_transport (examples/transport_client) against real peers:
# openssl s_server -www for the ssl transport, listener.py for the tcp transport, a closed
# port and a silent server. CLIENT prints result= (esp_transport_connect: 0/-1; with --async
# the last esp_transport_connect_async: 1/-1), written=, read_result= (the read that ended
# the read loop: 0 timeout, -1 closed by FIN), expect=, and the transport's error handle:
# last_error=, tls_code=, tls_flags=, errno= (esp_transport_get_errno).
#   0x8004 ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST  0x8006 ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT
#   0x8008 ESP_ERR_ESP_TLS_TCP_CLOSED_FIN          0x801a ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED
#   0x8019 ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED     errno 111 ECONNREFUSED
. "$(dirname "$0")/lib.sh"
it_init "$@"

# DER forms of the client credentials (gen.sh makes DER only for the roots)
openssl x509 -in "$D/client-rsa.crt" -outform DER -out "$IT_TMP/client-rsa.crt.der" 2>/dev/null &&
    openssl pkey -in "$D/client-rsa.key" -outform DER -out "$IT_TMP/client-rsa.key.der" 2>/dev/null ||
    { echo "transport.sh: cannot convert the client credentials to DER" >&2; exit 1; }

run_table <<'EOF'
# --- ssl transport, blocking connect: the CA as PEM (set_cert_data) and DER (set_cert_data_der)
ssl_pem_ca           | ossl server-rsa | --ssl --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --send "$GET" --expect "HTTP/1.0 200" \
  | result=0 written=18 expect=found exit=0 last_error=0x0 errno=0 socket_valid=yes close=0
ssl_der_ca           | ossl server-rsa | --ssl --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.der --send "$GET" --expect "HTTP/1.0 200" \
  | result=0 written=18 expect=found exit=0 last_error=0x0
ssl_pem_ca_ec_tls13  | ossl server-ec -tls1_3 | --ssl --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --tls13 --send "$GET" --expect "HTTP/1.0 200" \
  | result=0 expect=found exit=0
ssl_der_ca_ec_tls12  | ossl server-ec -tls1_2 | --ssl --host 127.0.0.1 --port $PORT --ca $D/ca-ec.der --tls12 --send "$GET" --expect "HTTP/1.0 200" \
  | result=0 expect=found exit=0
ssl_global_ca        | ossl server-rsa | --ssl --host 127.0.0.1 --port $PORT --global-ca $D/ca-rsa.crt --send "$GET" --expect "HTTP/1.0 200" \
  | global_ca_store=ESP_OK result=0 expect=found exit=0
ssl_ipv6             | ossl6 server-rsa | --ssl --host ::1 --port $PORT --ca $D/ca-rsa.crt --send "$GET" --expect "HTTP/1.0 200" \
  | result=0 expect=found exit=0
# after the page, s_server sends close_notify: a read for more ends with CLOSED_BY_FIN
ssl_peer_close       | ossl server-rsa | --ssl --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --send "$GET" --expect never-sent \
  | result=0 expect=missing read_result=-1 last_error=0x8008 exit=1 maxms=5000

# --- ssl transport, non-blocking connect (esp_transport_connect_async until 1)
ssl_async_pem_ca     | ossl server-rsa | --ssl --async --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 written=18 expect=found exit=0 last_error=0x0
ssl_async_der_ca     | ossl server-ec  | --ssl --async --host 127.0.0.1 --port $PORT --ca $D/ca-ec.der --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 expect=found exit=0
ssl_async_untrusted  | ossl other-server | --ssl --async --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x8

# --- mutual TLS: client certificate and key as PEM, DER, and an encrypted PEM key
ssl_mtls_pem         | ossl server-rsa -Verify 1 -verify_return_error -CAfile $D/ca-rsa.crt | --ssl --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-rsa.key --send "$GET" --expect "HTTP/1.0 200" \
  | result=0 expect=found exit=0 server~CN%20=%20esp-tls-client
ssl_mtls_der         | ossl server-rsa -Verify 1 -verify_return_error -CAfile $D/ca-rsa.crt | --ssl --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.der --cert $IT_TMP/client-rsa.crt.der --key $IT_TMP/client-rsa.key.der --send "$GET" --expect "HTTP/1.0 200" \
  | result=0 expect=found exit=0 server~CN%20=%20esp-tls-client
ssl_mtls_async       | ossl server-rsa -Verify 1 -verify_return_error -CAfile $D/ca-rsa.crt | --ssl --async --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-rsa.key --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 expect=found exit=0 server~CN%20=%20esp-tls-client
ssl_mtls_enc_key     | ossl server-rsa -Verify 1 -verify_return_error -CAfile $D/ca-rsa.crt | --ssl --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-rsa-enc.key --key-pass esp-tls-pass --send "$GET" --expect "HTTP/1.0 200" \
  | result=0 expect=found exit=0 server~CN%20=%20esp-tls-client
ssl_mtls_wrong_pass  | ossl server-rsa -Verify 1 -verify_return_error -CAfile $D/ca-rsa.crt | --ssl --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-rsa-enc.key --key-pass wrong-pass \
  | result=-1 exit=1 last_error=0x8019 tls_code=0x3b80

# --- server verification failures land in the transport's error handle
ssl_cn_mismatch      | ossl server-rsa | --ssl --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --common-name wrong.example \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x4 socket_valid=no close=-1
ssl_skip_cn          | ossl server-rsa | --ssl --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --common-name wrong.example --skip-cn --send "$GET" --expect "HTTP/1.0 200" \
  | result=0 expect=found exit=0
ssl_untrusted        | ossl other-server | --ssl --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x8
ssl_to_plain_server  | reply | --ssl --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --timeout 3000 \
  | result=-1 exit=1 last_error=0x801a tls_code!=0x0 maxms=5000

# --- tcp transport against a plain listener that answers "PONG:" + data
tcp_sync             | reply | --tcp --host 127.0.0.1 --port $PORT --send hello --expect PONG:hello \
  | result=0 written=5 expect=found exit=0 last_error=0x0 errno=0 socket_valid=yes close=0
tcp_async            | reply | --tcp --async --host 127.0.0.1 --port $PORT --send hello --expect PONG:hello \
  | result=1 written=5 expect=found exit=0 last_error=0x0
tcp_ipv6             | reply6 | --tcp --host ::1 --port $PORT --send v6 --expect PONG:v6 \
  | result=0 expect=found exit=0
# a peer that says nothing: the read times out (0) after --timeout
tcp_read_timeout     | silent | --tcp --host 127.0.0.1 --port $PORT --timeout 500 --send hello --expect PONG \
  | result=0 written=5 read_result=0 expect=missing exit=1 minms=450 maxms=5000
# a peer that reads and closes: CLOSED_BY_FIN (-1) with ESP_ERR_ESP_TLS_TCP_CLOSED_FIN
tcp_peer_fin         | drop | --tcp --host 127.0.0.1 --port $PORT --timeout 3000 --send hello --expect PONG \
  | result=0 read_result=-1 expect=missing last_error=0x8008 exit=1 maxms=5000

# --- nothing listens: refused at once, errno 111 from esp_transport_get_errno()
tcp_refused          | none | --tcp --host 127.0.0.1 --port $PORT --timeout 5000 \
  | result=-1 exit=1 last_error=0x8004 errno=111 maxms=3000 socket_valid=no close=-1
tcp_async_refused    | none | --tcp --async --host 127.0.0.1 --port $PORT --timeout 5000 \
  | result=-1 exit=1 last_error=0x8004 errno=111 maxms=3000 close=0
ssl_refused          | none | --ssl --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --timeout 5000 \
  | result=-1 exit=1 last_error=0x8004 errno=111 maxms=3000

# --- a server that accepts and never answers: the connect gives up after --timeout
ssl_silent_timeout   | silent | --ssl --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --timeout 1000 \
  | result=-1 exit=1 last_error=0x8006 minms=900 maxms=5000 server~connection%20from
ssl_async_silent     | silent | --ssl --async --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --timeout 1000 \
  | result=-1 exit=1 last_error=0x8006 minms=900 maxms=5000 server~connection%20from
EOF

it_finish
