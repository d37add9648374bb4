#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/client_cpu.sh BUILD [MEM_CLIENT...]: instructions per client handshake (Valgrind
# callgrind), esp-tls (bench/mem_client; with the counting allocator and with it off,
# --no-count) beside stock Mbed TLS 3.6's programs/ssl/ssl_client2 (same source package, stock
# configuration), TLS 1.3 and 1.2, ECDSA P-256 server certificate, one Python/OpenSSL bench
# server. Counted: everything under mbedtls_ssl_handshake_step() (callgrind --toggle-collect),
# which both clients call once per handshake message: the handshake's work, allocations
# included, without each program's set-up (files, configuration, CA parsing). esp-tls makes N
# connections in one process; ssl_client2 runs N times. Several mem_client binaries may be given
# (e.g. before and after a change). Writes OUT/client_cpu.csv and OUT/client_cpu.svg (OUT:
# BENCH_OUT or build/bench). Not a test: nothing fails on a number.
set -eu
build=${1:-build/release}
shift || true
[ $# -gt 0 ] || set -- "$build/bench/mem_client"
here=$(cd "$(dirname "$0")" && pwd)
N=${BENCH_HANDSHAKES:-5}
. "$here/stock.sh"
stock=$(stock_prog ssl_client2)
certs=$build/bench-certs
sh "$here/../tests/certs/gen.sh" "$certs" >/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/esp-tls-ccpu.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
port=$((35200 + $$ % 1500))
/usr/bin/python3 "$here/mem_server.py" $port "$certs/server-ec.crt" "$certs/server-ec.key" &
pid=$!
i=0
while ! ss -Hltn "sport = :$port" | grep -q . && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

# cg CMD...: instructions under mbedtls_ssl_handshake_step in one run of CMD (summed over its files)
cg() {
    rm -f "$tmp"/cg.*
    valgrind --tool=callgrind --toggle-collect=mbedtls_ssl_handshake_step \
        --callgrind-out-file="$tmp/cg.%p" "$@" >"$tmp/out" 2>/dev/null || true
    cat "$tmp"/cg.* 2>/dev/null | sed -n 's/^summary: *//p' | awk '{ s += $1 } END { print s + 0 }'
}

ours() { # MEM_CLIENT VER [--no-count]
    b=$1 v=$2
    shift 2
    n=$(cg "$b" --host 127.0.0.1 --port $port --ca "$certs/ca-ec.crt" --"$v" --cycles "$N" "$@")
    grep -q '^result=1' "$tmp/out" && echo "$n" | awk -v n="$N" '{ printf "%.3f", $1 / n / 1e6 }' || printf -
}

stock_run() { # VER
    sum=0
    j=0
    while [ $j -lt "$N" ]; do
        n=$(cg "$stock" server_name=localhost server_addr=127.0.0.1 server_port=$port \
            ca_file="$certs/ca-ec.crt" force_version="$1")
        grep -q 'bytes read' "$tmp/out" || { printf -; return; }
        sum=$((sum + n))
        j=$((j + 1))
    done
    echo "$sum" | awk -v n="$N" '{ printf "%.3f", $1 / n / 1e6 }'
}

echo
echo "Instructions per client handshake (M, callgrind, inclusive under mbedtls_ssl_handshake_step),"
echo "mean of $N handshakes, TLS 1.3 / 1.2, ECDSA P-256 server (Python/OpenSSL), 127.0.0.1."
echo "ssl_client2: stock Mbed TLS 3.6 (stock configuration). no-count: the library's counting"
echo "allocator off (Mbed TLS calls calloc/free directly: raw Mbed TLS under the same configuration)."
echo "vs ssl_client2, vs no-count: ratios (the second isolates the allocator's cost)."
echo
printf '| %-7s | %-48s | %10s | %13s | %11s |\n' version client "M instr" "vs ssl_client2" "vs no-count"
echo "|---------|--------------------------------------------------|------------|----------------|-------------|"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.4f", a / b; else print "-" }'; }
for v in tls13 tls12; do
    ref=$(stock_run $v)
    for bin in "$@"; do
        off=$(ours "$bin" $v --no-count)
        for mode in count no-count; do
            if [ $mode = count ]; then m=$(ours "$bin" $v); else m=$off; fi
            printf '| %-7s | %-48s | %10s | %14s | %11s |\n' $v "$bin ($mode)" "$m" "$(ratio "$m" "$ref")" \
                "$(ratio "$m" "$off")"
            echo "$v,$bin ($mode),$m,$(ratio "$m" "$ref"),$(ratio "$m" "$off")" >>"$tmp/csv"
        done
    done
    printf '| %-7s | %-48s | %10s | %14s | %11s |\n' $v ssl_client2 "$ref" 1 -
    echo "$v,ssl_client2,$ref,1,-" >>"$tmp/csv"
done

# CSV and SVG (bench/plot.sh): one bar group per client, TLS 1.3 and 1.2 side by side
out_dir=${BENCH_OUT:-build/bench}
mkdir -p "$out_dir"
csv=$out_dir/client_cpu.csv
{ echo "version,client,M_instr,vs_ssl_client2,vs_no_count"; cat "$tmp/csv"; } >"$csv"
echo "CSV: $csv"
. "$here/plot.sh"
awk -F, 'NR > 1 { v[$1 "," $2] = $3; if (!($2 in seen)) { seen[$2] = 1; order[n++] = $2 } }
    END { for (i = 0; i < n; i++) { c = order[i]; gsub(/.*\//, "", c); sub(/^/, "\"", c); sub(/$/, "\"", c)
          print c, v["tls13," order[i]], v["tls12," order[i]] } }' "$csv" >"$tmp/plot"
bars_svg "$tmp/plot" "$out_dir/client_cpu.svg" "Instructions per client handshake (callgrind), ECDSA P-256" \
    "million instructions" linear "TLS 1.3" "TLS 1.2"
