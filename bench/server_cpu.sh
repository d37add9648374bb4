#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/server_cpu.sh BUILD [ESP_TLS_BIN...]: instructions per server handshake (Valgrind
# callgrind), esp-tls server beside stock Mbed TLS 3.6's programs/ssl/ssl_server2 (same source
# package, stock configuration), TLS 1.2 and 1.3, ECDSA P-256 and RSA-2048 certificates.
# openssl s_client makes the handshakes (X25519 key exchange, AES-128-GCM); the server runs under callgrind,
# W handshakes warm it up, the counters are zeroed, N more are counted. Several esp-tls binaries
# may be given (e.g. before and after a change). Not a test: nothing fails on a number.
set -eu
build=${1:-build/release}
shift || true
[ $# -gt 0 ] || set -- "$build/esp-tls"
here=$(cd "$(dirname "$0")" && pwd)
W=${BENCH_WARM:-3}
N=${BENCH_HANDSHAKES:-10}
. "$here/stock.sh"
stock=$(stock_prog ssl_server2)
certs=$build/bench-certs
sh "$here/../tests/certs/gen.sh" "$certs" >/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/esp-tls-cpu.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
port=$((32000 + $$ % 1500))

handshakes() { # COUNT VER ALG
    i=0
    while [ $i -lt "$1" ]; do
        if [ "$2" = tls1_3 ]; then
            set -- "$1" "$2" "$3" -ciphersuites TLS_AES_128_GCM_SHA256
        else
            set -- "$1" "$2" "$3" -cipher "$([ "$3" = ec ] && echo ECDHE-ECDSA || echo ECDHE-RSA)-AES128-GCM-SHA256"
        fi
        openssl s_client -connect "127.0.0.1:$port" -"$2" -groups X25519:P-256 -CAfile "$certs/ca-$3.crt" \
            -servername localhost "$4" "$5" </dev/null >/dev/null 2>&1 || true
        set -- "$1" "$2" "$3"
        i=$((i + 1))
    done
}

measure() { # VER ALG server command...
    v=$1 alg=$2
    shift 2
    rm -f "$tmp"/cg.*
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.%p" "$@" >/dev/null 2>&1 &
    pid=$!
    i=0
    while ! ss -Hltn "sport = :$port" | grep -q . && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
    handshakes "$W" "$v" "$alg"
    callgrind_control -z "$pid" >/dev/null 2>&1
    handshakes "$N" "$v" "$alg"
    callgrind_control -d "$pid" >/dev/null 2>&1
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
    f=$(find "$tmp" -name "cg.*.1" | head -n 1)
    if [ -n "$f" ]; then
        sed -n 's/^summary: *//p' "$f" | awk -v n="$N" '{ printf "%.2f", $1 / n / 1e6 }'
    else
        printf -
    fi
}

echo
echo "Instructions per server handshake (M, callgrind), $N handshakes after $W, openssl s_client,"
echo "X25519, AES-128-GCM, 127.0.0.1. ssl_server2: stock Mbed TLS 3.6 (stock configuration)."
echo
printf '| %-7s | %-5s | %-40s | %10s |\n' version cert server "M instr"
echo "|---------|-------|------------------------------------------|------------|"
for v in tls1_3 tls1_2; do
    for alg in ec rsa; do
        for bin in "$@"; do
            m=$(measure $v $alg "$bin" server --cert "$certs/server-$alg.crt" --key "$certs/server-$alg.key" \
                --port $port --www)
            printf '| %-7s | %-5s | %-40s | %10s |\n' $v $alg "$bin" "$m"
        done
        m=$(measure $v $alg "$stock" server_port=$port crt_file="$certs/server-$alg.crt" \
            key_file="$certs/server-$alg.key" ca_file="$certs/ca-$alg.crt" auth_mode=none)
        printf '| %-7s | %-5s | %-40s | %10s |\n' $v $alg ssl_server2 "$m"
    done
done
