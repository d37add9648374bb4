#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# debug_log.sh CLIENT CERTDIR: the most verbose log of a full session (every tag at VERBOSE,
# Mbed TLS debug level 4, turned on from the environment without a rebuild) shows the
# handshake trace and the server's certificate chain, and holds none of the session's secrets:
# each secret the key log records for that session is searched for in the log's hex. The server
# is s_server -rev: its -www page would print the TLS 1.2 master key itself, and the level-4
# dump of the decrypted page would show it (a false alarm seen in CI).
#
# debug_log.sh CLIENT CERTDIR [HTTPS_SERVER]: with the example server, also a TLS 1.3 session
# and its resumption, client and server both at level 4: neither log holds a secret of either
# side's key log, nor the resumption PSK (which the client writes out, test only).
SERVER=$3
. "$(dirname "$0")/lib.sh"
it_init "$1" "$2"

# secrets_in LOG... -- KEYLOG... [PSKFILE]: prints why, if a log holds a secret of a key log
# (or the hex PSK of PSKFILE, a file with a line of hex), or lacks the expected trace
secrets_in() {
    "$PY" - "$@" <<'PY'
import re, sys
args = sys.argv[1:]
cut = args.index("--")
logs, rest = args[:cut], args[cut + 1:]
secrets = []
for path in rest:
    for line in open(path):
        parts = line.split()
        if len(parts) == 3:
            secrets.append((parts[0], parts[2]))
        elif len(parts) == 1:
            secrets.append(("resumption PSK", parts[0]))
if not any(label != "resumption PSK" for label, _ in secrets):
    print("the key log is empty")
for path in logs:
    log = open(path, errors="replace").read()
    flat = re.sub(r"[^0-9a-f]", "", log.lower())
    for label, secret in secrets:
        if secret[:16].lower() in flat:
            print("secret %s appears in %s" % (label, path.rsplit("/", 1)[-1]))
    for needed in ("esp-tls-trace: ", "handshake done", "mbedtls: "):
        if needed not in log:
            print("%s lacks %r" % (path.rsplit("/", 1)[-1], needed))
    if path.endswith("err") and "peer chain depth 0" not in log:
        print("the client log lacks the peer chain")
PY
}

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
    why=$(secrets_in "$dir/err" -- "$dir/keys")
    if [ "$IT_EXIT" -ne 0 ]; then
        it_fail "$1" "the client failed" "$dir"
    elif [ -n "$why" ]; then
        it_fail "$1" "$why" "$dir"
    else
        IT_PASS=$((IT_PASS + 1))
        echo "PASS $1 ($(wc -l <"$dir/err") log lines, $(wc -l <"$dir/keys") secrets checked)"
    fi
}

# examples/https_server with session tickets, everything logged, writing its own key log
esptls_tickets() {
    export SSLKEYLOGFILE="$SKEYS" ESP_TLS_LOG='*:verbose' ESP_TLS_MBEDTLS_DEBUG=4
    exec $ESP_TLS_WRAP "$SERVER" --port "$PORT" --cert "$D/server-ec.crt" \
        --key "$D/server-ec.key" --tickets
}

check_resumption() { # NAME
    dir=$IT_TMP/$1
    mkdir -p "$dir"
    SKEYS=$dir/server-keys
    server_start "$dir/server" esptls_tickets || { it_fail "$1" "no server" "$dir"; return; }
    SSLKEYLOGFILE=$dir/keys ESP_TLS_LOG='*:verbose' ESP_TLS_MBEDTLS_DEBUG=4 $ESP_TLS_WRAP \
        "$CLIENT" --host localhost --port "$PORT" --ca "$D/ca-ec.crt" --tls13 --send "$GET" \
        --expect "hello from esp-tls" --resume-expect "hello from esp-tls" \
        --resumption-key-out "$dir/psk" >"$dir/out" 2>"$dir/err"
    IT_EXIT=$?
    server_stop
    why=$(secrets_in "$dir/err" "$dir/server" -- "$dir/keys" "$SKEYS" "$dir/psk" 2>&1)
    if [ "$IT_EXIT" -ne 0 ] || ! kv_is "$dir/out" second_resumed 1; then
        it_fail "$1" "the client failed or did not resume" "$dir"
    elif [ ! -s "$dir/psk" ]; then
        it_fail "$1" "no resumption PSK was written" "$dir"
    elif [ -n "$why" ]; then
        it_fail "$1" "$why" "$dir"
    else
        IT_PASS=$((IT_PASS + 1))
        echo "PASS $1 ($(cat "$dir/err" "$dir/server" | wc -l) log lines," \
            "$(cat "$dir/keys" "$SKEYS" "$dir/psk" | wc -l) secrets checked)"
    fi
}

LINE=$(printf 'esp-tls debug log\nX')
LINE=${LINE%X}
check_session no_secret_tls13 --tls13
check_session no_secret_tls12 --tls12
if [ -n "$SERVER" ]; then
    check_resumption no_secret_tls13_resumption
fi
it_finish
