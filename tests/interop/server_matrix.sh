#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# server_matrix.sh HTTPS_SERVER ESP_TLS_CLIENT CERTDIR: examples/https_server (the ESP-TLS
# server API, asynchronous accept loop) against openssl s_client, gnutls-cli, curl and the
# example client, over TLS 1.2 and 1.3 with RSA and ECDSA certificates, with and without
# client certificates. Each case checks the client's view (handshake, version, the server's
# certificate verified against the right root, "hello from esp-tls" received) and the
# server's session line (result=0, the same version, no error).
# shellcheck source-path=SCRIPTDIR source=server_lib.sh
. "$(dirname "$0")/server_lib.sh"
srv_init "$@"

srv_table <<'EOF'
# --- openssl s_client: the client pins the version, the server accepts both ---
ossl_tls12_rsa   | hs server-rsa | ossl -tls1_2 -CAfile $D/ca-rsa.crt -verify_return_error \
  | result=1 version=TLSv1.2 cipher~ECDHE-RSA verify=0 expect=found peer_cert[0]~CN=localhost \
    s1.result=0 s1.version=TLSv1.2 s1.last_error=0x0 s1.tls_code=0x0
ossl_tls13_rsa   | hs server-rsa | ossl -tls1_3 -CAfile $D/ca-rsa.crt -verify_return_error \
  | result=1 version=TLSv1.3 sigtype=RSA-PSS verify=0 expect=found s1.result=0 s1.version=TLSv1.3
ossl_tls12_ec    | hs server-ec  | ossl -tls1_2 -CAfile $D/ca-ec.crt -verify_return_error \
  | result=1 version=TLSv1.2 cipher~ECDHE-ECDSA verify=0 expect=found s1.result=0 s1.version=TLSv1.2
ossl_tls13_ec    | hs server-ec  | ossl -tls1_3 -CAfile $D/ca-ec.crt -verify_return_error \
  | result=1 version=TLSv1.3 sigtype=ECDSA verify=0 expect=found s1.result=0 s1.version=TLSv1.3
# the server pins the version: a client that only speaks the other one is refused
ossl_srv_tls12_only | hs server-ec --tls12 | ossl -tls1_3 -CAfile $D/ca-ec.crt \
  | result=-1 expect=missing s1.result!=0 s1.version=none s1.tls_code!=0x0
ossl_srv_tls13_only | hs server-ec --tls13 | ossl -tls1_2 -CAfile $D/ca-ec.crt \
  | result=-1 expect=missing s1.result!=0 s1.tls_code!=0x0

# --- gnutls-cli: the server pins the version, the client offers both ---
gnutls_tls12_rsa | hs server-rsa --tls12 | gnutls --x509cafile $D/ca-rsa.crt \
  | result=1 version=TLSv1.2 desc~-(RSA verify=0 expect=found peer_cert[0]~CN=localhost \
    s1.result=0 s1.version=TLSv1.2 s1.last_error=0x0
gnutls_tls13_rsa | hs server-rsa --tls13 | gnutls --x509cafile $D/ca-rsa.crt \
  | result=1 version=TLSv1.3 desc~RSA-PSS verify=0 expect=found s1.result=0 s1.version=TLSv1.3
gnutls_tls12_ec  | hs server-ec --tls12  | gnutls --x509cafile $D/ca-ec.crt \
  | result=1 version=TLSv1.2 desc~ECDSA verify=0 expect=found s1.result=0 s1.version=TLSv1.2
gnutls_tls13_ec  | hs server-ec --tls13  | gnutls --x509cafile $D/ca-ec.crt \
  | result=1 version=TLSv1.3 desc~ECDSA verify=0 expect=found s1.result=0 s1.version=TLSv1.3

# --- curl (HTTP/1.1 over the example's HTTP/1.0 answer) ---
curl_tls12_rsa   | hs server-rsa | curl --cacert $D/ca-rsa.crt --tlsv1.2 --tls-max 1.2 \
  | result=1 version=TLSv1.2 cipher~ECDHE-RSA verify=0 expect=found tool_exit=0 \
    s1.result=0 s1.version=TLSv1.2
curl_tls13_rsa   | hs server-rsa | curl --cacert $D/ca-rsa.crt --tlsv1.3 \
  | result=1 version=TLSv1.3 verify=0 expect=found tool_exit=0 s1.result=0 s1.version=TLSv1.3
curl_tls12_ec    | hs server-ec  | curl --cacert $D/ca-ec.crt --tlsv1.2 --tls-max 1.2 \
  | result=1 version=TLSv1.2 cipher~ECDHE-ECDSA verify=0 expect=found tool_exit=0 \
    s1.result=0 s1.version=TLSv1.2
curl_tls13_ec    | hs server-ec  | curl --cacert $D/ca-ec.crt --tlsv1.3 \
  | result=1 version=TLSv1.3 verify=0 expect=found tool_exit=0 peer_cert[0]~CN=localhost \
    s1.result=0 s1.version=TLSv1.3
# the wrong root: curl refuses the server's certificate
curl_untrusted   | hs server-ec  | curl --cacert $D/ca-rsa.crt \
  | result=-1 expect=missing tool_exit=60 s1.result!=0

# --- the example client (esp_tls_conn_new_sync) against the example server ---
esp_tls12_rsa    | hs server-rsa | esp --ca $D/ca-rsa.crt --tls12 \
  | result=1 exit=0 version=TLSv1.2 ciphersuite~-RSA- expect=found peer_cert[0]~CN=localhost \
    s1.result=0 s1.version=TLSv1.2 s1.client_cert=none
esp_tls13_rsa    | hs server-rsa | esp --ca $D/ca-rsa.crt --tls13 \
  | result=1 exit=0 version=TLSv1.3 expect=found s1.result=0 s1.version=TLSv1.3
esp_tls12_ec     | hs server-ec  | esp --ca $D/ca-ec.crt --tls12 \
  | result=1 exit=0 version=TLSv1.2 ciphersuite~-ECDSA- expect=found s1.result=0 s1.version=TLSv1.2
esp_tls13_ec     | hs server-ec  | esp --ca $D/ca-ec.crt --tls13 \
  | result=1 exit=0 version=TLSv1.3 expect=found s1.result=0 s1.version=TLSv1.3
# the server pins the version, the client offers both
esp_srv_tls12    | hs server-ec --tls12 | esp --ca $D/ca-ec.crt \
  | result=1 exit=0 version=TLSv1.2 expect=found s1.version=TLSv1.2
esp_srv_tls13    | hs server-rsa --tls13 | esp --ca $D/ca-rsa.crt \
  | result=1 exit=0 version=TLSv1.3 expect=found s1.version=TLSv1.3
# mutual TLS (the server requires a certificate from the client CA): key types crossed
esp_mtls_tls12_rsa | hs server-rsa --ca $D/ca-ec.crt | esp --ca $D/ca-rsa.crt --tls12 --cert $D/client-ec.crt --key $D/client-ec.key \
  | result=1 exit=0 version=TLSv1.2 expect=found s1.result=0 s1.client_cert~CN=esp-tls-client s1.verify=0x0
esp_mtls_tls13_rsa | hs server-rsa --ca $D/ca-rsa.crt | esp --ca $D/ca-rsa.crt --tls13 --cert $D/client-rsa.crt --key $D/client-rsa.key \
  | result=1 exit=0 version=TLSv1.3 expect=found s1.result=0 s1.client_cert~CN=esp-tls-client s1.verify=0x0
esp_mtls_tls12_ec  | hs server-ec --ca $D/ca-ec.crt | esp --ca $D/ca-ec.crt --tls12 --cert $D/client-ec.crt --key $D/client-ec.key \
  | result=1 exit=0 version=TLSv1.2 expect=found s1.result=0 s1.client_cert~CN=esp-tls-client s1.verify=0x0
esp_mtls_tls13_ec  | hs server-ec --ca $D/ca-rsa.crt | esp --ca $D/ca-ec.crt --tls13 --cert $D/client-rsa.crt --key $D/client-rsa.key \
  | result=1 exit=0 version=TLSv1.3 expect=found s1.result=0 s1.client_cert~CN=esp-tls-client s1.verify=0x0
# ALPN between the two
esp_alpn_http11  | hs server-ec --alpn h2,http/1.1 | esp --ca $D/ca-ec.crt --alpn http/1.1 \
  | result=1 exit=0 alpn=http/1.1 expect=found s1.alpn=http/1.1
esp_alpn_h2_tls12 | hs server-rsa --alpn h2,http/1.1 --tls12 | esp --ca $D/ca-rsa.crt --alpn h2,http/1.1 \
  | result=1 exit=0 alpn=h2 version=TLSv1.2 s1.alpn=h2
EOF

it_finish
