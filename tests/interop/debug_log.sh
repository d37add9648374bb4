#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# debug_log.sh CLIENT CERTDIR: the most verbose log of a full session (every tag at VERBOSE,
# Mbed TLS debug level 4, turned on from the environment without a rebuild) shows the
# handshake trace and the server's certificate chain, and holds none of the session's secrets:
# each secret the key log records for that session is searched for in the log's hex. The server
# is s_server -rev: its -www page would print the TLS 1.2 master key itself, and the level-4
# dump of the decrypted page would show it (a false alarm seen in CI).
. "$(dirname "$0")/lib.sh"
it_init "$@"

check_session() { # NAME VERSION_FLAG
    dir=$IT_TMP/$1
    mkdir -p "$dir"
    server_start "$dir/server" osslrev server-ec || { it_fail "$1" "no server" "$dir"; return; }
    IT_MS=0
    SSLKEYLOGFILE=$dir/keys ESP_TLS_LOG='*:verbose' ESP_TLS_MBEDTLS_DEBUG=4 $ESP_TLS_WRAP \
        "$CLIENT" --host localhost --port "$PORT" --ca "$D/ca-ec.crt" "$2" \
        --send "$LINE" --expect "gol gubed slt-pse" >"$dir/out" 2>"$dir/err"
    IT_EXIT=$?
    server_stop
    why=$("$PY" - "$dir/err" "$dir/keys" <<'PY'
import re, sys
log = open(sys.argv[1], errors="replace").read()
flat = re.sub(r"[^0-9a-f]", "", log.lower())
secrets = [line.split() for line in open(sys.argv[2])]
if len(secrets) < 1:
    print("the key log is empty")
for label, _, secret in secrets:
    if secret[:16] in flat:
        print("secret %s appears in the log" % label)
for needed in ("esp-tls-trace: ", "handshake done", "peer chain depth 0", "dNSName", "mbedtls: "):
    if needed not in log:
        print("the log lacks %r" % needed)
PY
)
    if [ "$IT_EXIT" -ne 0 ]; then
        it_fail "$1" "the client failed" "$dir"
    elif [ -n "$why" ]; then
        it_fail "$1" "$why" "$dir"
    else
        IT_PASS=$((IT_PASS + 1))
        echo "PASS $1 ($(wc -l <"$dir/err") log lines, $(wc -l <"$dir/keys") secrets checked)"
    fi
}

LINE=$(printf 'esp-tls debug log\nX')
LINE=${LINE%X}
check_session no_secret_tls13 --tls13
check_session no_secret_tls12 --tls12
it_finish
