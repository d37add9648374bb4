#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# server_psk.sh HTTPS_SERVER ESP_TLS_CLIENT CERTDIR: examples/https_server as a PSK server (no
# certificate; CONFIG_ESP_TLS_PSK_VERIFICATION) against openssl s_client -psk and the example
# client, TLS 1.2 PSK ciphersuites and TLS 1.3 PSK key exchange.
# shellcheck source-path=SCRIPTDIR source=server_lib.sh
. "$(dirname "$0")/server_lib.sh"
srv_init "$@"

srv_table <<'EOF2'
psk_ossl_tls12   | https --psk 000102030405060708090a0b0c0d0e0f:esp-tls-client --tls12 \
  | ossl -tls1_2 -psk 000102030405060708090a0b0c0d0e0f -psk_identity esp-tls-client \
  | result=1 version=TLSv1.2 expect=found s1.result=0 s1.version=TLSv1.2 s1.last_error=0x0
psk_ossl_tls13   | https --psk 000102030405060708090a0b0c0d0e0f:esp-tls-client --tls13 \
  | ossl -tls1_3 -psk 000102030405060708090a0b0c0d0e0f -psk_identity esp-tls-client \
  | result=1 version=TLSv1.3 expect=found s1.result=0 s1.version=TLSv1.3
psk_esp_tls12    | https --psk 000102030405060708090a0b0c0d0e0f:esp-tls-client \
  | esp --psk 000102030405060708090a0b0c0d0e0f:esp-tls-client --tls12 \
  | result=1 exit=0 version=TLSv1.2 expect=found s1.result=0
psk_esp_tls13    | https --psk 000102030405060708090a0b0c0d0e0f:esp-tls-client \
  | esp --psk 000102030405060708090a0b0c0d0e0f:esp-tls-client --tls13 \
  | result=1 exit=0 version=TLSv1.3 expect=found s1.result=0
psk_wrong_key    | https --psk 000102030405060708090a0b0c0d0e0f:esp-tls-client --tls12 \
  | esp --psk ff0102030405060708090a0b0c0d0e0f:esp-tls-client --tls12 \
  | result=-1 exit=1 s1.result!=0 s1.last_error=0x801a
EOF2

it_finish
