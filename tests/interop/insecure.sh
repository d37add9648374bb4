#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# insecure.sh CLIENT CERTDIR MODE: a client with no verification option, against a real
# server. MODE "skip" (CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY=y): it connects, but a CA that
# is configured is still enforced. MODE "strict" (the default build): setup fails with
# ESP_ERR_MBEDTLS_SSL_SETUP_FAILED (0x8017) before the handshake.
mode=$3
. "$(dirname "$0")/lib.sh"
it_init "$1" "$2"

if [ "$mode" = skip ]; then
    run_table <<'EOF2'
no_ca_connects       | ossl server-rsa   | --host 127.0.0.1 --port $PORT --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 expect=found last_error=0x0 stderr~NOT%20verified
configured_ca_kept   | ossl other-server | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x8
# a configuration with only a saved session: like no option at all, so it connects here
session_only_skips   | ossl server-ec -tls1_2 | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --send "$GET" --expect "New, TLSv1.2" --resume-expect "Reused, TLSv1.2" --resume-without-ca \
  | result=1 exit=0 session_saved=1 resumed_result=1 second_resumed=0
EOF2
else
    run_table <<'EOF2'
no_ca_refused        | ossl server-rsa   | --host 127.0.0.1 --port $PORT \
  | result=-1 exit=1 last_error=0x8017 stderr~No%20server%20verification%20option
# a saved session alone is no verification option (ESP-IDF v5.5.5): refused before resuming
session_only_refused | ossl server-ec -tls1_2 | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --send "$GET" --expect "New, TLSv1.2" --resume-expect "Reused, TLSv1.2" --resume-without-ca \
  | result=1 exit=1 session_saved=1 resumed_result=-1 resumed_last_error=0x8017
session_only_tls13_refused | ossl server-ec -tls1_3 | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --send "$GET" --expect "New, TLSv1.3" --resume-expect "Reused, TLSv1.3" --resume-without-ca \
  | result=1 exit=1 session_saved=1 resumed_result=-1 resumed_last_error=0x8017
EOF2
fi
it_finish
