#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# example.sh EXAMPLE CERTDIR: examples/http_client (GET with perform, POST, streamed GET on one
# handle) against tests/http/peer.py over http and https: the three requests share one
# connection (the peer counts accepts).
. "$(dirname "$0")/../interop/lib.sh"
it_init "$@"
D=$(cd "$D" && pwd)
HPEER=$(cd "$(dirname "$0")" && pwd)/peer.py
hpeer() { exec "$PY" "$HPEER" 127.0.0.1 "$PORT"; }
hpeertls() { exec "$PY" "$HPEER" 127.0.0.1 "$PORT" --tls "$D/$1.crt" "$D/$1.key"; }

run_table <<EOF
example_http  | hpeer | http://127.0.0.1:\$PORT/echo | stderr~HTTP%20GET%20Status%20=%20200 stderr~HTTP%20POST%20Status%20=%20200 stderr~read%20=%204 server~conn=1%20req=2%20POST%20/echo server~conn=1%20req=3%20GET%20/echo server!~accept%20conn=2 exit=0
example_https | hpeertls server-rsa | https://localhost:\$PORT/echo $D/ca-rsa.crt | stderr~HTTP%20POST%20Status%20=%20200 server~conn=1%20req=3%20GET%20/echo server!~accept%20conn=2 exit=0
EOF
it_finish
