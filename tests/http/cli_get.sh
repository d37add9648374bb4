#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# cli_get.sh ESP_TLS CERTDIR: `esp-tls get` (tools/cli/get.c, on esp_http_client) against
# tests/http/peer.py, plain and TLS. The peer's /kv* pages answer key=value lines, so the body
# the tool prints on stdout is checked like a key; the TLS summary is on stderr.
. "$(dirname "$0")/../interop/lib.sh"
it_init "$@"
D=$(cd "$D" && pwd) # servers run from other directories
HPEER=$(cd "$(dirname "$0")" && pwd)/peer.py
hpeer() { exec "$PY" "$HPEER" 127.0.0.1 "$PORT"; }
hpeertls() { exec "$PY" "$HPEER" 127.0.0.1 "$PORT" --tls "$D/$1.crt" "$D/$1.key"; }
U='http://127.0.0.1:$PORT'
S='https://localhost:$PORT'

run_table <<EOF
get_tls_ca        | hpeertls server-rsa | get --ca $D/ca-rsa.crt $S/kv | answer=42 stderr~version: stderr~verified%20(--ca) stderr~200,%2010%20body%20bytes exit=0
get_post          | hpeer | get --post a=1 $U/kv-echo | echo=POST%20a=1 exit=0
get_header        | hpeer | get --header "X-Probe: yes" $U/kv-header | xprobe=yes exit=0
get_no_follow     | hpeer | get $U/kv-moved | stderr~status:%20%20%20%20%20%20301 exit=0
get_follow        | hpeer | get -L $U/kv-moved | answer=42 exit=0
get_output        | hpeer | get --output $IT_TMP/out.txt $U/kv | stderr~10%20body%20bytes exit=0
get_untrusted     | hpeertls other-server | get --ca $D/ca-rsa.crt $S/kv | stderr~ESP_ERR_HTTP_CONNECT stderr~0x801a exit=1
get_refused       | none | get $U/kv | stderr~ESP_ERR_HTTP_CONNECT exit=3
get_not_found     | hpeer | get $U/missing | stderr~404 exit=1
get_bad_url       | none | get not-a-url | exit=2
EOF
it_finish
