#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make bench: performance figures, printed as a table, with peers measured in the same run.
# Not a test: nothing here passes or fails on a number.
#   bench/run.sh BUILD_DIR [LEAN_BUILD_DIR]
set -eu
build=${1:-build/release}
lean=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
certs="$build/bench-certs"
sh "$here/../tests/certs/gen.sh" "$certs"
many="$build/examples/async_many"
N=${BENCH_N:-1000}
C=${BENCH_CONCURRENCY:-64}

port=$(( 30000 + $$ % 2000 ))
openssl s_server -accept "127.0.0.1:$port" -cert "$certs/server-ec.crt" -key "$certs/server-ec.key" \
    -www -quiet >/dev/null 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null' EXIT INT TERM
i=0
while ! ss -Hltn "sport = :$port" | grep -q . && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done

kv() { printf '%s\n' "$1" | sed -n "s/^$2=//p"; }

row() { # label [--bin ASYNC_MANY] args...
    label=$1
    shift
    bin=$many
    if [ "${1:-}" = --bin ]; then
        bin=$2
        shift 2
    fi
    out=$("$bin" --host 127.0.0.1 --port "$port" --ca "$certs/ca-ec.crt" -n "$N" -c "$C" "$@")
    printf '| %-42s | %9s | %8s | %8s | %8s | %9s |\n' "$label" "$(kv "$out" conn_per_s)" \
        "$(kv "$out" call_p50_us)" "$(kv "$out" call_p99_us)" "$(kv "$out" call_max_us)" \
        "$(( $(kv "$out" heap_peak) / C ))"
}

echo
echo "Async connections: $N handshakes, $C at a time, one thread, openssl s_server (ECDSA P-256)"
echo "on 127.0.0.1; call = one esp_tls_conn_new_async() call."
echo
printf '| %-42s | %9s | %8s | %8s | %8s | %9s |\n' "client" "conn/s" "p50 us" "p99 us" "max us" "heap/conn"
echo "|--------------------------------------------|-----------|----------|----------|----------|-----------|"
row "esp-tls async_many, TLS 1.3" --tls13
row "esp-tls async_many, TLS 1.2" --tls12
if [ -n "$lean" ] && [ -x "$lean/examples/async_many" ]; then
    # the lean preset trades ECC speed for memory (CONFIG_MBEDTLS_ECP_WINDOW_SIZE=2, no
    # fixed-point table)
    row "esp-tls lean preset, TLS 1.3" --bin "$lean/examples/async_many" --tls13
    row "esp-tls lean preset, TLS 1.2" --bin "$lean/examples/async_many" --tls12
fi
for v in tls1_3 tls1_2; do
    # "N connections in S real seconds": the wall-clock rate, one connection at a time
    out=$(openssl s_time -connect "127.0.0.1:$port" -new -time 5 -"$v" -CAfile "$certs/ca-ec.crt" 2>/dev/null |
        sed -n 's/^\([0-9]*\) connections in \([0-9.]*\) real seconds.*/\1 \2/p' | tail -1)
    rate=$(printf '%s\n' "$out" | awk '{ if ($2 > 0) printf "%.1f", $1 / $2; else print "-" }')
    printf '| %-42s | %9s | %8s | %8s | %8s | %9s |\n' "openssl s_time -new (sequential), ${v}" "$rate" "-" "-" "-" "-"
done
echo
echo "heap/conn: the library's peak heap (esp_tls_get_mem_stats) divided by the concurrency."
