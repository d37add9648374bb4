#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# server_valgrind.sh HTTPS_SERVER ESP_TLS_CLIENT CERTDIR: the example server's whole life, with
# sessions that succeed and sessions that fail half-way, ending by itself (--max N) with exit
# status 0. With ESP_TLS_WRAP set (tests/run-all.sh: valgrind --error-exitcode=99
# --leak-check=full --errors-for-leak-kinds=definite,indirect,possible) the server runs under
# it, so a leak or a memory error makes it exit with 99 (srvexit=0 fails); the example client
# steps run under it too. Without ESP_TLS_WRAP the same cases run natively.
# shellcheck source-path=SCRIPTDIR source=server_lib.sh
. "$(dirname "$0")/server_lib.sh"
srv_init "$@"
SRV_WRAP=${ESP_TLS_WRAP:-}

srv_table <<'EOF'
# asynchronous: mutual TLS (optional), tickets, ALPN, SNI; good clients, a resumed one, and
# clients that fail in the middle; 9 sessions, then the server exits
async_life | hs server-ec --ca $D/ca-ec.crt --optional --tickets --alpn h2,http/1.1 \
               --sni wrong.example:$D/wrong-rsa.crt:$D/wrong-rsa.key --timeout 5000 --max 9 \
  | esp --ca $D/ca-ec.crt --cert $D/client-ec.crt --key $D/client-ec.key --alpn http/1.1 --timeout 20000 \
    :: ossl -tls1_2 -CAfile $D/ca-ec.crt -sess_out $W/sess :: ossl -tls1_2 -CAfile $D/ca-ec.crt -sess_in $W/sess \
    :: ossl -servername wrong.example -CAfile $D/ca-rsa.crt :: raw garbage :: raw truncated 20 :: raw drop \
    :: ossl -alpn spdy/3 -CAfile $D/ca-ec.crt :: raw oversized 0x4801 \
  | c1.result=1 c1.expect=found c3.reused=Reused c4.peer_cert[0]~CN=wrong.example c8.alert=120 \
    s1.result=0 s1.client_cert~CN=esp-tls-client s5.result!=0 s6.result!=0 s7.result!=0 s8.result!=0 \
    s9.tls_code=0x7100 srvexit=0
# mutual TLS required: refused (no certificate, untrusted root) then accepted
mtls_life  | hs server-rsa --ca $D/ca-rsa.crt --tls12 --max 3 \
  | ossl -CAfile $D/ca-rsa.crt :: esp --ca $D/ca-rsa.crt --cert $D/other-client.crt --key $D/other-client.key --timeout 20000 \
    :: esp --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-rsa.key --timeout 20000 \
  | result=1 expect=found s1.tls_code=0x7480 s2.tls_code=0x2700 s3.result=0 srvexit=0
# only the certificate-select hook provides certificates: an unknown name fails; a partial
# ClientHello is dropped at the loop's own deadline (the session freed mid-handshake)
sni_life   | https --sni localhost:$D/server-ec.crt:$D/server-ec.key --timeout 3000 --max 3 \
  | ossl -servername other.example -CAfile $D/ca-ec.crt :: bg raw truncated_hold 60 10 \
    :: esp --ca $D/ca-ec.crt --common-name localhost --timeout 20000 \
  | c1.result=-1 result=1 expect=found s1.cert=none s1.result!=0 s2.result=0 s3.result=32777 srvexit=0
# blocking: a handshake timeout, a failed handshake and a good one
blocking_life | hs server-ec --blocking --timeout 1500 --max 3 \
  | raw silent 10 :: raw garbage :: esp --ca $D/ca-ec.crt --timeout 20000 \
  | c1.closed=1 result=1 expect=found s1.last_error=0x8009 s2.result!=0 s3.result=0 srvexit=0
EOF

it_finish
