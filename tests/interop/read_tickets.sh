#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# read_tickets.sh READ_TICKETS CERTDIR: tests/interop/read_tickets.c against
# openssl s_server -tls1_3 -www (two NewSessionTickets after every handshake).
. "$(dirname "$0")/lib.sh"
it_init "$@"
server_start "$IT_TMP/server.log" "exec openssl s_server -accept 127.0.0.1:\$PORT -cert $D/server-ec.crt -key $D/server-ec.key -tls1_3 -www -quiet" ||
    { echo "FAIL: openssl s_server did not start"; exit 1; }
rc=0
$ESP_TLS_WRAP "$CLIENT" "$PORT" "$D/ca-ec.crt" || rc=1
kill "$SERVER_PID" 2>/dev/null
wait "$SERVER_PID" 2>/dev/null
exit $rc
