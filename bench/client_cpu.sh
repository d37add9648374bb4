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

# cg_fn FUNCTION CMD...: instructions under FUNCTION in one run of CMD (summed over its files)
cg_fn() {
    fn=$1
    shift
    rm -f "$tmp"/cg.*
    valgrind --tool=callgrind --toggle-collect="$fn" \
        --callgrind-out-file="$tmp/cg.%p" "$@" >"$tmp/out" 2>/dev/null || true
    cat "$tmp"/cg.* 2>/dev/null | sed -n 's/^summary: *//p' | awk '{ s += $1 } END { print s + 0 }'
}
# cg CMD...: instructions under mbedtls_ssl_handshake_step in one run of CMD
cg() { cg_fn mbedtls_ssl_handshake_step "$@"; }

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
# ---- Host crypto acceleration (CONFIG_MBEDTLS_HOST_CRYPTO_OPENSSL, src/hostcrypto/) ----------
# The same handshake with Mbed TLS accelerated (BUILD), pure (BENCH_PURE, default the folder
# nohostcrypto beside BUILD: bench/hostcrypto_pure.sh) and OpenSSL's libssl (bench/ossl_client:
# instructions under SSL_connect), then per-primitive speed (bench/hc_prim) and the memory the
# acceleration costs. CSV and SVG into BENCH_OUT (default build/bench).
pure=${BENCH_PURE:-$(dirname "$build")/nohostcrypto}
ossl=$build/bench/ossl_client
out_dir=${BENCH_OUT:-build/bench}
grep -q CONFIG_MBEDTLS_HOST_CRYPTO_OPENSSL "$build/config/sdkconfig.h" 2>/dev/null || {
    echo "(host crypto acceleration is off in $build: no comparison)"
    exit 0
}
[ -x "$ossl" ] && [ -x "$pure/bench/mem_client" ] && [ -x "$pure/bench/hc_prim" ] || {
    echo "(host crypto comparison skipped: run bench/hostcrypto_pure.sh $build $pure first)"
    exit 0
}
mkdir -p "$out_dir"
CPU_N=${BENCH_CPU_HANDSHAKES:-400}

ossl_cg() { # VER
    set -- "$ossl" --port $port --ca "$certs/ca-ec.crt" --cycles "$N"
    [ "$v" = tls12 ] && set -- "$@" --tls12
    n=$(cg_fn SSL_connect "$@")
    grep -q '^result=1' "$tmp/out" && echo "$n" | awk -v n="$N" '{ printf "%.3f", $1 / n / 1e6 }' || printf -
}

# cpu_us CMD...: user + system CPU time of CMD per handshake (CPU_N handshakes), microseconds
cpu_us() {
    [ -x /usr/bin/time ] || { printf -; return; }
    /usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >"$tmp/out" 2>/dev/null || { printf -; return; }
    grep -q '^result=1' "$tmp/out" || { printf -; return; }
    awk -v n="$CPU_N" '{ printf "%.0f", ($1 + $2) * 1e6 / n }' "$tmp/time"
}

hs_csv=$out_dir/hostcrypto_handshake.csv
echo "version,client,M_instr,cpu_us" >"$hs_csv"
echo
echo "Host crypto acceleration: instructions per client handshake (M, callgrind; esp-tls under"
echo "mbedtls_ssl_handshake_step, OpenSSL under SSL_connect; mean of $N) and CPU time per"
echo "handshake (user + system over $CPU_N connections incl. a 16 KB response, microseconds),"
echo "ECDSA P-256 server certificate checked against its CA, Python/OpenSSL server, 127.0.0.1."
echo "Target: accelerated TLS 1.3 handshake within 1.5x of OpenSSL's instructions."
echo
printf '| %-7s | %-24s | %8s | %10s | %10s | %10s |\n' version client "M instr" "vs OpenSSL" "CPU us" \
    "vs OpenSSL"
echo "|---------|--------------------------|----------|------------|------------|------------|"
for v in tls13 tls12; do
    o_m=$(ossl_cg $v)
    set -- "$ossl" --port $port --ca "$certs/ca-ec.crt" --cycles "$CPU_N"
    [ $v = tls12 ] && set -- "$@" --tls12
    o_cpu=$(cpu_us "$@")
    for c in accelerated pure openssl; do
        case $c in
        accelerated) b=$build ;;
        pure) b=$pure ;;
        esac
        if [ $c = openssl ]; then
            m=$o_m cpu=$o_cpu
        else
            m=$(ours "$b/bench/mem_client" $v --no-count)
            cpu=$(cpu_us "$b/bench/mem_client" --host 127.0.0.1 --port $port --ca "$certs/ca-ec.crt" \
                --"$v" --cycles "$CPU_N" --no-count)
        fi
        printf '| %-7s | %-24s | %8s | %10s | %10s | %10s |\n' $v "esp-tls $c" "$m" \
            "$(ratio "$m" "$o_m")" "$cpu" "$(ratio "$cpu" "$o_cpu")"
        echo "$v,$c,$m,$cpu" >>"$hs_csv"
    done
done
sed -i 's/,esp-tls openssl,/,openssl,/' "$hs_csv"

pr_csv=$out_dir/hostcrypto_primitives.csv
"$pure/bench/hc_prim" >"$tmp/pure.tsv"
"$build/bench/hc_prim" >"$tmp/acc.tsv"
echo
echo "Per primitive (bench/hc_prim; Mbed TLS through PSA, OpenSSL through EVP; MB/s or op/s,"
echo "higher is better; best of three 200 ms runs per cell on a shared machine):"
echo
printf '| %-38s | %-4s | %10s | %11s | %10s | %9s | %11s |\n' primitive unit "Mbed TLS" accelerated \
    OpenSSL "acc/pure" "acc/OpenSSL"
echo "|----------------------------------------|------|------------|-------------|------------|-----------|-------------|"
echo "primitive,unit,mbedtls_pure,mbedtls_accelerated,openssl" >"$pr_csv"
paste "$tmp/pure.tsv" "$tmp/acc.tsv" | awk -F'\t' '{
    printf "| %-38s | %-4s | %10.1f | %11.1f | %10.1f | %9.2f | %11.2f |\n", $1, $2, $3, $7, $8,
        ($3 > 0 ? $7 / $3 : 0), ($8 > 0 ? $7 / $8 : 0) }'
paste "$tmp/pure.tsv" "$tmp/acc.tsv" | awk -F'\t' '{ printf "%s,%s,%s,%s,%s\n", $1, $2, $3, $7, $8 }' \
    >>"$pr_csv"

# memory: whole-process heap peak (massif) and maximum resident set, one TLS 1.3 connection
heap_peak() {
    rm -f "$tmp/massif"
    valgrind --tool=massif --pages-as-heap=no --massif-out-file="$tmp/massif" "$@" \
        >"$tmp/out" 2>/dev/null || true
    grep -q '^result=1' "$tmp/out" || { printf -; return; }
    sed -n 's/^mem_heap_B=//p' "$tmp/massif" | sort -n | tail -1
}
maxrss() {
    [ -x /usr/bin/time ] || { printf -; return; }
    /usr/bin/time -f '%M' -o "$tmp/time" "$@" >"$tmp/out" 2>/dev/null || { printf -; return; }
    awk '{ print $1 * 1024 }' "$tmp/time"
}
echo
echo "Memory of one TLS 1.3 client connection (bench/mem_client, whole process): heap peak ="
echo "Valgrind massif mem_heap_B at its peak (libcrypto's own allocations included), max RSS ="
echo "/usr/bin/time %M (shared libraries' touched pages included), bytes."
echo
printf '| %-24s | %10s | %12s |\n' client "heap peak" "max RSS"
echo "|--------------------------|------------|--------------|"
mem_csv=$out_dir/hostcrypto_memory.csv
echo "client,heap_peak_B,max_rss_B" >"$mem_csv"
for c in accelerated pure; do
    b=$build
    [ $c = pure ] && b=$pure
    set -- "$b/bench/mem_client" --tls13 --host 127.0.0.1 --port $port --ca "$certs/ca-ec.crt" --no-count
    h=$(heap_peak "$@")
    r=$(maxrss "$@")
    printf '| %-24s | %10s | %12s |\n' "esp-tls $c" "$h" "$r"
    echo "$c,$h,$r" >>"$mem_csv"
done
echo "CSV: $hs_csv $pr_csv $mem_csv"

awk -F, 'NR > 1 { v[$1 "," $2] = $3 } END {
    n = split("accelerated pure openssl", c, " ")
    for (i = 1; i <= n; i++) print c[i], v["tls13," c[i]], v["tls12," c[i]] }' "$hs_csv" >"$tmp/plot"
bars_svg "$tmp/plot" "$out_dir/hostcrypto_handshake.svg" \
    "Client handshake instructions (M, callgrind), ECDSA P-256 server" "M instructions per handshake" \
    linear "TLS 1.3" "TLS 1.2"
