#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/mem.sh DEFAULT_BUILD LEAN_BUILD: memory of one TLS client connection, one connection per
# process, {TLS 1.2, TLS 1.3} x {ECDSA P-256, RSA-2048 server} x {CA, bundle, mutual}, with
# peers measured in the same run. Writes BUILD/bench-mem.csv and, with gnuplot, bench-mem.svg.
# Not a test: nothing fails on a number.
set -eu
build=${1:-build/release}
lean=${2:-build/lean}
here=$(cd "$(dirname "$0")" && pwd)
for f in "$build/bench/mem_client" "$lean/bench/mem_client" "$build/esp_crt_bundle_gen"; do
    [ -x "$f" ] || { echo "mem.sh: $f missing (make; make PRESET=lean)" >&2; exit 2; }
done
certs=$build/bench-certs
sh "$here/../tests/certs/gen.sh" "$certs"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/esp-tls-mem.XXXXXX")
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$tmp"' EXIT INT TERM

# Stock Mbed TLS 3.6: programs/ssl/ssl_client2 from the same Debian source package, stock config
. "$here/stock.sh"
stock=$(stock_prog ssl_client2)
preload=$(cd "$build/bench" && pwd)/libmalloc_count.so

roots=/etc/ssl/certs/ca-certificates.crt
"$build/esp_crt_bundle_gen" -q -o "$tmp/bundle" "$roots" --add "$certs/ca-ec.crt" --add "$certs/ca-rsa.crt"
cat "$roots" "$certs/ca-ec.crt" "$certs/ca-rsa.crt" >"$tmp/all.pem"

port0=$((30000 + $$ % 1500)) # the first server: P-256, CA verification
port=$port0
start() { # PORT ALG [mutual]
    if [ "${3:-}" = mutual ]; then set -- "$1" "$2" --client-ca "$certs/ca-$2.crt"; else set -- "$1" "$2"; fi
    p=$1 alg=$2
    shift 2
    /usr/bin/python3 "$here/mem_server.py" "$p" "$certs/server-$alg.crt" "$certs/server-$alg.key" "$@" &
    pids="$pids $!"
}
for alg in ec rsa; do
    start $port $alg
    start $((port + 1)) $alg mutual
    port=$((port + 2))
done
sleep 1
kv() { printf '%s\n' "$1" | sed -n "s/^$2=//p" | head -n 1; }

mine() { # BUILD VER ALG VERIFY PORT -> "hs idle rx peak"
    b=$1 v=$2 alg=$3 how=$4 p=$5
    case $how in
    ca) set -- --ca "$certs/ca-$alg.crt" ;;
    bundle) set -- --bundle "$tmp/bundle" ;;
    mutual) set -- --ca "$certs/ca-$alg.crt" --cert "$certs/client-$alg.crt" --key "$certs/client-$alg.key" ;;
    esac
    out=$("$b/bench/mem_client" --port "$p" --"$v" "$@" 2>/dev/null || true)
    if [ "$(kv "$out" result)" = 1 ]; then
        echo "$(kv "$out" hs_peak) $(kv "$out" idle) $(kv "$out" rx_peak) $(kv "$out" peak)"
    else
        echo "- - - -"
    fi
}

stock_peak() { # VER ALG VERIFY PORT
    v=$1 alg=$2 how=$3 p=$4
    ca=$certs/ca-$alg.crt
    extra=""
    [ "$how" = bundle ] && ca=$tmp/all.pem
    [ "$how" = mutual ] && extra="crt_file=$certs/client-$alg.crt key_file=$certs/client-$alg.key"
    rm -f "$tmp/mc"
    # shellcheck disable=SC2086
    MALLOC_COUNT_OUT=$tmp/mc LD_PRELOAD=$preload "$stock" server_name=localhost server_addr=127.0.0.1 \
        server_port="$p" ca_file="$ca" force_version="$v" $extra >"$tmp/stock.out" 2>&1 || true
    if grep -q 'bytes read' "$tmp/stock.out" && [ -f "$tmp/mc" ]; then
        sed -n 's/^malloc_peak=//p' "$tmp/mc" | tail -n 1
    else
        echo -
    fi
}

ossl_peak() { # VER ALG VERIFY PORT
    v=$1 alg=$2 how=$3 p=$4
    ca=$certs/ca-$alg.crt
    [ "$how" = bundle ] && ca=$tmp/all.pem
    set -- -connect "127.0.0.1:$p" -servername localhost -verify_return_error -verify_hostname localhost \
        -CAfile "$ca" "-$(echo "$v" | sed 's/tls1\(.\)/tls1_\1/')" -quiet -ign_eof
    [ "$how" = mutual ] && set -- "$@" -cert "$certs/client-$alg.crt" -key "$certs/client-$alg.key"
    printf 'GET\n' | valgrind --tool=massif --massif-out-file="$tmp/massif" openssl s_client "$@" \
        >"$tmp/ossl.out" 2>/dev/null || true
    if [ "$(wc -c <"$tmp/ossl.out")" -ge 16384 ]; then
        sed -n 's/^mem_heap_B=//p' "$tmp/massif" | sort -n | tail -n 1
    else
        echo -
    fi
}

csv=$build/bench-mem.csv
echo "version,server,verify,default_hs,default_idle,default_rx,default_peak,lean_hs,lean_idle,lean_rx,lean_peak,stock_mbedtls_peak,openssl_peak" >"$csv"
echo
echo "Heap of one TLS client connection (bytes), 127.0.0.1, Python/OpenSSL server sending one 16384-byte record."
echo "esp-tls: the library's counting allocator (every esp-tls and Mbed TLS allocation), above the heap in"
echo "use before esp_tls_init(), after esp_tls_global_init() (process-wide state, shown below the table):"
echo "hs = peak during esp_tls_conn_new_sync(),"
echo "idle = held after the exchange, rx = peak while sending the request and receiving the 16 KB record,"
echo "peak = whole connection. Stock Mbed TLS 3.6.6 ssl_client2 (stock config, same source package):"
echo "whole-process peak of malloc'd bytes (LD_PRELOAD counter). openssl s_client: whole-process peak heap"
echo "(Valgrind massif, mem_heap_B). For bundle rows the peers load every system root + test roots as CA file."
echo
printf '| %-5s | %-3s | %-6s | %-27s | %-27s | %8s | %8s |\n' ver srv verify "default: hs/idle/rx/peak" "lean: hs/idle/rx/peak" "stock" "openssl"
echo "|-------|-----|--------|-----------------------------|-----------------------------|----------|----------|"
for v in tls13 tls12; do
    base=$port0
    for alg in ec rsa; do
        for how in ca bundle mutual; do
            p=$base
            [ "$how" = mutual ] && p=$((base + 1))
            d=$(mine "$build" $v $alg $how $p)
            l=$(mine "$lean" $v $alg $how $p)
            s=$(stock_peak $v $alg $how $p)
            o=$(ossl_peak $v $alg $how $p)
            name=$alg
            [ $alg = ec ] && name=P256 || name=RSA
            printf '| %-5s | %-4s| %-6s | %-27s | %-27s | %8s | %8s |\n' $v $name $how \
                "$(echo $d | tr ' ' /)" "$(echo $l | tr ' ' /)" "$s" "$o"
            echo "$v,$name,$how,$(echo $d | tr ' ' ,),$(echo $l | tr ' ' ,),$s,$o" >>"$csv"
        done
        base=$((base + 2))
    done
done
echo
# esp_tls_cfg_t.peer_record_size: the server (Python ssl = OpenSSL) honours TLS 1.2's
# max_fragment_length, so the 16 KB response comes in 1 KB records
for b in "$build" "$lean"; do
    out=$("$b/bench/mem_client" --port $port0 --tls12 --ca "$certs/ca-ec.crt" \
        --max-record 1024 2>/dev/null || true)
    echo "tls12 P256 ca, peer_record_size=1024, $(basename "$b"): hs/idle/rx/peak $(kv "$out" hs_peak)/$(kv "$out" idle)/$(kv "$out" rx_peak)/$(kv "$out" peak)"
done
for b in "$build" "$lean"; do
    pw=$(kv "$("$b/bench/mem_client" --port 1 --ca "$certs/ca-ec.crt" 2>/dev/null)" process_wide)
    echo "process-wide, once per process, $(basename "$b"): $pw bytes (esp_tls_global_init(): PSA Crypto's key store and RNG)"
done
echo "CSV: $csv"

# Server: 1000 idle sessions in one process (TLS 1.3, ECDSA P-256), default and lean
n=${BENCH_SESSIONS:-1000}
for b in "$build" "$lean"; do
    sp=$((port + 10))
    "$b/bench/mem_server_many" $sp "$certs/server-ec.crt" "$certs/server-ec.key" "$n" >"$tmp/srv.out" 2>/dev/null &
    spid=$!
    sleep 0.5
    /usr/bin/python3 - "$sp" "$n" "$certs/ca-ec.crt" <<'PY'
import socket, ssl, sys
port, n, ca = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
conns = []
for _ in range(n):
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost")
    conns.append(s)
import time; time.sleep(0.5)
PY
    wait $spid || true
    echo "server, $(basename "$b"): $n idle TLS 1.3 sessions, heap per session: $(kv "$(cat "$tmp/srv.out")" per_session) bytes"
    echo "server,$(basename "$b"),$(kv "$(cat "$tmp/srv.out")" per_session)" >>"$build/bench-mem-server.csv"
done

if command -v gnuplot >/dev/null; then
    svg=$build/bench-mem.svg
    gnuplot <<GP
set terminal svg size 1000,500 dynamic
set output "$svg"
set title "Peak heap, one TLS client connection receiving a 16 KB record (bytes; openssl s_client, 0.5-1 MB, left out)"
set datafile separator ","
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -40 font ",9"
set key top left
set yrange [0:*]
plot "$csv" using 7:xticlabels(sprintf("%s %s %s",stringcolumn(1),stringcolumn(2),stringcolumn(3))) title "esp-tls default", \
     "" using 11 title "esp-tls lean", \
     "" using 12 title "stock Mbed TLS ssl_client2 (whole process)"
GP
    echo "SVG: $svg"
else
    echo "(gnuplot not installed: no SVG)"
fi
