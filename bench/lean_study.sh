#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/lean_study.sh DEFAULT_BUILD [NAME...]: what each option of configs/sdkconfig.lean costs
# and saves when moved alone into the default configuration. For each variant it builds
# bench/mem_client in build/study/NAME (sdkconfig.defaults + the variant's lines) and measures,
# like bench/whole.sh and bench/client_cpu.sh: the whole-process heap peak (massif mem_heap_B)
# of one TLS 1.3 connection by host name receiving one 16 KB record, the library's counter, and
# the instructions per client handshake (callgrind, under mbedtls_ssl_handshake_step, mean of
# N). Slow (one build per variant). Writes OUT/lean_study.csv and OUT/lean_study.svg (OUT:
# BENCH_OUT or build/bench). Not a test: nothing fails on a number.
set -eu
build=${1:-build/release}
shift || true
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
N=${BENCH_HANDSHAKES:-3}
out_dir=${BENCH_OUT:-build/bench}
. "$here/plot.sh"
mkdir -p "$out_dir"
csv=$out_dir/lean_study.csv
echo "variant,heap_B,counter_B,M_instr" >"$csv"
[ $# -gt 0 ] || set -- default dynbuf dynbuf_freecfg asym psa dynbuf_freepeer ecpw2 combo
certs=$build/bench-certs
sh "$here/../tests/certs/gen.sh" "$certs" >/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/esp-tls-study.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
port=$((36800 + $$ % 1000))
/usr/bin/python3 "$here/mem_server.py" $port "$certs/server-ec.crt" "$certs/server-ec.key" --tls13 &
pid=$!
i=0
while ! ss -Hltn "sport = :$port" | grep -q . && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

lines() { # NAME: the variant's sdkconfig lines
    case $1 in
    default) ;;
    asym) printf '%s\n' CONFIG_MBEDTLS_ASYMMETRIC_CONTENT_LEN=y CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN=16384 \
        CONFIG_MBEDTLS_SSL_OUT_CONTENT_LEN=4096 ;;
    dynbuf) echo CONFIG_MBEDTLS_DYNAMIC_BUFFER=y ;;
    dynbuf_freecfg) printf '%s\n' CONFIG_MBEDTLS_DYNAMIC_BUFFER=y CONFIG_MBEDTLS_DYNAMIC_FREE_CONFIG_DATA=y \
        CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT=y ;;
    dynbuf_freepeer) printf '%s\n' CONFIG_MBEDTLS_DYNAMIC_BUFFER=y CONFIG_MBEDTLS_DYNAMIC_FREE_PEER_CERT=y ;;
    psa) printf '%s\n' CONFIG_MBEDTLS_USE_PSA_CRYPTO=y CONFIG_MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS=y ;;
    ecpw2) echo CONFIG_MBEDTLS_ECP_WINDOW_SIZE=2 ;;
    combo) # the ones that cost no CPU and keep the peer certificate, together
        lines dynbuf_freecfg
        lines psa ;;
    *) echo "lean_study.sh: unknown variant $1" >&2; exit 2 ;;
    esac
}

variant_client() { # NAME -> path of its mem_client ("default": DEFAULT_BUILD's)
    d=$root/build/study/$1
    mkdir -p "$d"
    lines "$1" >"$d/variant.cfg"
    rm -f "$d/sdkconfig"
    cmake -S "$root" -B "$d" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSDKCONFIG="$d/sdkconfig" \
        -DSDKCONFIG_DEFAULTS="$root/sdkconfig.defaults;$d/variant.cfg" >"$d/configure.log" 2>&1
    cmake --build "$d" -j"${JOBS:-2}" --target mem_client >"$d/build.log" 2>&1
    echo "$d/bench/mem_client"
}

echo
echo "Each option of configs/sdkconfig.lean alone on top of the default configuration. heap:"
echo "whole-process peak (massif mem_heap_B), TLS 1.3 by host name, ECDSA P-256 server, one 16 KB"
echo "record; counter: esp_tls_get_mem_stats() peak; M instr: per client handshake (callgrind,"
echo "mean of $N)."
echo
printf '| %-16s | %8s | %8s | %8s |\n' variant heap counter "M instr"
echo "|------------------|----------|----------|----------|"
for v in "$@"; do
    if [ "$v" = default ]; then mc=$build/bench/mem_client; else mc=$(variant_client "$v"); fi
    set -- "$mc" --tls13 --host localhost --port $port --ca "$certs/ca-ec.crt"
    valgrind --tool=massif --pages-as-heap=no --peak-inaccuracy=0.0 --massif-out-file="$tmp/massif" \
        "$@" >"$tmp/out" 2>/dev/null || true
    heap=$(sed -n 's/^mem_heap_B=//p' "$tmp/massif" | sort -n | tail -n 1)
    counter=$(sed -n 's/^peak=//p' "$tmp/out")
    rm -f "$tmp"/cg.*
    valgrind --tool=callgrind --toggle-collect=mbedtls_ssl_handshake_step --callgrind-out-file="$tmp/cg.%p" \
        "$@" --cycles "$N" >/dev/null 2>&1 || true
    instr=$(cat "$tmp"/cg.* | sed -n 's/^summary: *//p' | awk -v n="$N" '{ s += $1 } END { printf "%.2f", s / n / 1e6 }')
    printf '| %-16s | %8s | %8s | %8s |\n' "$v" "${heap:--}" "${counter:--}" "$instr"
    echo "$v,${heap:--},${counter:--},$instr" >>"$csv"
done
echo "CSV: $csv"
awk -F, 'NR > 1 { print $1, $2, $3 }' "$csv" >"$tmp/plot"
bars_svg "$tmp/plot" "$out_dir/lean_study.svg" \
    "Each lean option alone on the default: TLS 1.3 by name, one 16 KB record (M instr: the CSV)" \
    "bytes" linear "whole-process heap peak (massif)" "library counter peak"
