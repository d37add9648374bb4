#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# keylog.sh CLIENT CERTDIR: the NSS key log (SSLKEYLOGFILE) decrypts a real capture. tshark
# records the loopback traffic between the example client and openssl s_server -www; tshark
# then finds the client's HTTP request (a unique path) inside the TLS records only when given
# the key log. TLS 1.3 and TLS 1.2. Needs tshark and the right to capture on lo (root).
. "$(dirname "$0")/lib.sh"
it_init "$@"
command -v tshark >/dev/null || { echo "interop: tshark not installed, skipped"; exit 77; }

# capture_session NAME VERSION_FLAG: one session under capture; leaves $IT_TMP/NAME.{pcap,keys}
capture_session() {
    dir=$IT_TMP/$1
    mkdir -p "$dir"
    server_start "$dir/server" ossl server-ec || return 1
    tshark -q -i lo -f "tcp port $PORT" -w "$dir/cap.pcap" -F pcap >"$dir/tshark.log" 2>&1 &
    tpid=$!
    i=0
    until grep -q "Capture started" "$dir/tshark.log" 2>/dev/null || [ $i -ge 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    sleep 1 # dumpcap says it started a moment before its filter sees packets
    req=$(printf 'GET /esp-tls-keylog-%s HTTP/1.0\r\n\r\nX' "$1")
    SSLKEYLOGFILE=$dir/keys $ESP_TLS_WRAP "$CLIENT" --host localhost --port "$PORT" \
        --ca "$D/ca-ec.crt" "$2" --send "${req%X}" --expect "HTTP/1.0 200" >"$dir/out" 2>"$dir/err"
    IT_EXIT=$?
    sleep 1 # let tshark write the last packets
    kill -INT "$tpid" 2>/dev/null
    wait "$tpid" 2>/dev/null
    server_stop
}

# decrypted_uri PCAP [KEYS]: the HTTP request paths tshark can read
decrypted_uri() {
    if [ -n "${2:-}" ]; then
        tshark -r "$1" -o "tls.keylog_file:$2" -Y http.request -T fields -e http.request.uri
    else
        tshark -r "$1" -Y http.request -T fields -e http.request.uri
    fi 2>/dev/null
}

check_case() { # NAME VERSION_FLAG LABEL
    IT_MS=0
    dir=$IT_TMP/$1
    tries=0
    while [ $tries -lt 3 ]; do # an empty capture is tshark starting late, not the library
        tries=$((tries + 1))
        if ! capture_session "$1" "$2"; then
            it_fail "$1" "could not start the server" "$dir"
            return
        fi
        [ "$(tshark -r "$dir/cap.pcap" 2>/dev/null | wc -l)" -gt 0 ] && break
        echo "note $1: tshark captured nothing, capturing again"
        rm -f "$dir/keys"
    done
    if [ "$IT_EXIT" -ne 0 ]; then
        it_fail "$1" "the client failed" "$dir"
    elif ! grep -q "^$3 " "$dir/keys" 2>/dev/null; then
        it_fail "$1" "no $3 line in the key log" "$dir"
    elif [ "$(decrypted_uri "$dir/cap.pcap")" != "" ]; then
        it_fail "$1" "the request was readable without the key log (not encrypted?)" "$dir"
    elif [ "$(decrypted_uri "$dir/cap.pcap" "$dir/keys")" != "/esp-tls-keylog-$1" ]; then
        it_fail "$1" "tshark did not decrypt the request with the key log" "$dir"
    else
        IT_PASS=$((IT_PASS + 1))
        echo "PASS $1"
    fi
}

check_case tls13 --tls13 CLIENT_TRAFFIC_SECRET_0
check_case tls12 --tls12 CLIENT_RANDOM
it_finish
