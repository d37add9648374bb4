#!/bin/sh
# demo.sh CLIENT_BINARY: `make demo`. Generates a test PKI in build/demo-certs, starts
# openssl s_server on 127.0.0.1 (TLS 1.3 only, client certificate required), connects with
# the ESP-TLS example client, shows what happened, stops the server. Exits non-zero if the
# session failed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/lib.sh"

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 CLIENT_BINARY (an executable esp_tls_client)" >&2
    exit 2
fi
CLIENT=$1
D=$ROOT/build/demo-certs
IT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/esp-tls-demo.XXXXXX")
trap it_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE # e.g. output piped to head: still clean up

step() { printf '\n== %s\n' "$*"; }
show() { printf '   %-13s %s\n' "$1" "$2"; }
die() {
    printf '\nDEMO FAILED: %s\n' "$*"
    exit 1
}
subject_cn() { openssl x509 -noout -subject -nameopt multiline -in "$1" | sed -n 's/^ *commonName *= *//p'; }

step "1. Test PKI (tests/certs/gen.sh -> build/demo-certs)"
sh "$ROOT/tests/certs/gen.sh" "$D" || die "certificate generation failed"
show "root CA:" "$(subject_cn "$D/ca-ec.crt") (ECDSA P-256)"
show "server:" "CN=$(subject_cn "$D/server-ec.crt"), $(openssl x509 -noout -enddate -in "$D/server-ec.crt" | sed 's/notAfter=/valid until /')"
show "client:" "CN=$(subject_cn "$D/client-ec.crt") (extendedKeyUsage clientAuth)"

step "2. Server: openssl s_server, TLS 1.3 only, client certificate required"
server_start "$IT_TMP/server.log" ossl server-ec -tls1_3 -Verify 1 -verify_return_error \
    -CAfile "$D/ca-ec.crt" || die "openssl s_server did not start"
show "listening:" "127.0.0.1:$PORT (pid $SERVER_PID)"

step "3. Client: esp_tls_conn_new_sync() with cacert_buf, clientcert_buf/clientkey_buf, TLS 1.3"
OUT=$IT_TMP/client.out
"$CLIENT" --host 127.0.0.1 --port "$PORT" --ca "$D/ca-ec.crt" --cert "$D/client-ec.crt" \
    --key "$D/client-ec.key" --tls13 --send "$GET" --expect "HTTP/1.0 200" >"$OUT" 2>"$IT_TMP/client.err" </dev/null
rc=$?
server_stop

get() { kv_get "$OUT" "$1"; }
result=$(get result)
case $result in
1) show "handshake:" "result=1 (connected)" ;;
0) show "handshake:" "result=0 (timed out)" ;;
*) show "handshake:" "result=${result:-none} (failed)" ;;
esac
if [ "$result" = 1 ]; then
    show "version:" "$(get version)"
    show "ciphersuite:" "$(get ciphersuite)"
    show "ALPN:" "$(get alpn)"
    echo "   server chain (as received):"
    grep '^peer_cert\[' "$OUT" | sed 's/^peer_cert\[\([0-9]*\)\]=/     [\1] /'
    flags=$(get tls_flags)
    if [ "$flags" = 0x0 ]; then
        show "verification:" "server certificate chains to $(subject_cn "$D/ca-ec.crt"), name 127.0.0.1 matches its IP SAN"
    else
        show "verification:" "flags $flags"
    fi
    show "request:" "GET / HTTP/1.0 ($(get written) bytes written)"
    if [ "$(get expect)" = found ]; then
        show "response:" "\"HTTP/1.0 200\" received"
    else
        show "response:" "no \"HTTP/1.0 200\" (read_result=$(get read_result))"
    fi
fi
show "memory:" "peak heap $(get heap_peak) B for this connection (library + Mbed TLS, esp_tls_get_mem_stats), $(get heap_in_use) B held while connected"
show "last error:" "$(get last_error), tls_code=$(get tls_code), tls_flags=$(get tls_flags), errno=$(get errno)"
if [ -s "$IT_TMP/client.err" ]; then
    echo "   client log:"
    sed 's/^/     /' "$IT_TMP/client.err"
fi

step "4. Server's view of the client"
if grep -q "depth=0.*CN = esp-tls-client" "$IT_TMP/server.log" &&
    ! grep -q "verify error" "$IT_TMP/server.log"; then
    show "client cert:" "CN=esp-tls-client, verified by s_server against the same root"
else
    show "client cert:" "not seen or not verified; server log:"
    sed 's/^/     /' "$IT_TMP/server.log"
fi

if [ "$rc" -ne 0 ] || [ "$result" != 1 ] || [ "$(get expect)" != found ] ||
    ! grep -q "CN = esp-tls-client" "$IT_TMP/server.log"; then
    die "the session did not complete (client exit status $rc)"
fi
printf '\nDemo OK: mutual TLS 1.3 session with openssl s_server completed.\n'
exit 0
