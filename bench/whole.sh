#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/whole.sh DEFAULT_BUILD LEAN_BUILD: whole-process heap peak of one TLS 1.3 client
# connection that receives a 16 KB response, for esp-tls (default and lean build) and every peer
# (openssl s_client, gnutls-cli, curl, stock Mbed TLS 3.6 ssl_client2), all measured the same
# way: Valgrind massif, --pages-as-heap=no, the snapshot with the largest mem_heap_B (bytes
# the program asked malloc for; mem_heap_extra_B, malloc's headers and rounding at that
# snapshot, is printed beside it). By host name ("localhost": resolver included) and by IP
# literal (127.0.0.1, the certificate still checked as "localhost"); ECDSA P-256 server
# certificate, server-only and mutual authentication. For esp-tls the library's own counter
# (esp_tls_get_mem_stats() peak: esp-tls and Mbed TLS allocations only) is a second column.
# Writes BUILD/bench/whole.csv and, with gnuplot, BUILD/bench/whole.svg.
# Not a test: nothing fails on a number.
set -eu
build=${1:-build/release}
lean=${2:-build/lean}
here=$(cd "$(dirname "$0")" && pwd)
out_dir=${BENCH_OUT:-build/bench}
for f in "$build/bench/mem_client" "$lean/bench/mem_client"; do
    [ -x "$f" ] || { echo "whole.sh: $f missing (make; make PRESET=lean)" >&2; exit 2; }
done
. "$here/stock.sh"
. "$here/plot.sh"
stock=$(stock_prog ssl_client2)
certs=$build/bench-certs
sh "$here/../tests/certs/gen.sh" "$certs" >/dev/null
mkdir -p "$out_dir"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/esp-tls-whole.XXXXXX")
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$tmp"' EXIT INT TERM

port=$((33600 + $$ % 1500)) # server-only; port + 1: mutual
for m in ca mutual; do
    p=$port
    set --
    [ $m = mutual ] && p=$((port + 1)) && set -- --client-ca "$certs/ca-ec.crt"
    /usr/bin/python3 "$here/mem_server.py" $p "$certs/server-ec.crt" "$certs/server-ec.key" --tls13 "$@" &
    pids="$pids $!"
done
i=0
while [ "$(ss -Hltn "sport = :$port or sport = :$((port + 1))" | wc -l)" -lt 2 ] && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
kv() { printf '%s\n' "$1" | sed -n "s/^$2=//p" | head -n 1; }

# massif CMD...: runs CMD under massif (stdin from $tmp/in), stdout to $tmp/out;
# prints "heap_B extra_B" of the snapshot with the largest mem_heap_B
massif() {
    rm -f "$tmp/massif"
    valgrind --tool=massif --pages-as-heap=no --peak-inaccuracy=0.0 --massif-out-file="$tmp/massif" \
        "$@" <"$tmp/in" >"$tmp/out" 2>"$tmp/err" || true
    awk -F= '/^mem_heap_B=/ { h = $2 } /^mem_heap_extra_B=/ { if (h + 0 > best) { best = h; x = $2 } }
        END { if (best > 0) print best, x; else print "- -" }' "$tmp/massif" 2>/dev/null || echo "- -"
}
got16k() { [ "$(wc -c <"$tmp/out")" -ge 16384 ] && grep -q 'xxxxxxxxxxxxxxxx' "$tmp/out"; }

# client NAME HOST AUTH -> "heap_B extra_B counter" ("-" where the connection failed)
client() {
    name=$1 host=$2 auth=$3
    p=$port
    [ "$auth" = mutual ] && p=$((port + 1))
    cert=$certs/client-ec.crt key=$certs/client-ec.key ca=$certs/ca-ec.crt
    printf 'GET\n' >"$tmp/in"
    counter=-
    case $name in
    esp-tls*)
        b=$build
        [ "$name" = esp-tls-lean ] && b=$lean
        set -- "$b/bench/mem_client" --tls13 --host "$host" --port $p --ca "$ca"
        [ "$auth" = mutual ] && set -- "$@" --cert "$cert" --key "$key"
        r=$(massif "$@")
        o=$(cat "$tmp/out")
        [ "$(kv "$o" result)" = 1 ] && counter=$(kv "$o" peak) || r="- -"
        ;;
    openssl)
        set -- openssl s_client -connect "$host:$p" -servername localhost -verify_return_error \
            -verify_hostname localhost -CAfile "$ca" -tls1_3 -quiet -ign_eof
        [ "$auth" = mutual ] && set -- "$@" -cert "$cert" -key "$key"
        r=$(massif "$@")
        got16k || r="- -"
        ;;
    gnutls)
        set -- gnutls-cli --x509cafile="$ca" --priority=NORMAL:-VERS-ALL:+VERS-TLS1.3 -p $p \
            --sni-hostname=localhost --verify-hostname=localhost
        [ "$auth" = mutual ] && set -- "$@" --x509certfile="$cert" --x509keyfile="$key"
        r=$(massif "$@" "$host")
        got16k || r="- -"
        ;;
    curl)
        # the bench server answers raw bytes, no HTTP header: --http0.9. By IP: --connect-to
        # gives curl the address, so it resolves nothing and still checks "localhost"
        set -- curl -sS --http0.9 --tlsv1.3 --cacert "$ca" -o "$tmp/out"
        [ "$auth" = mutual ] && set -- "$@" --cert "$cert" --key "$key"
        [ "$host" != localhost ] && set -- "$@" --connect-to "localhost:$p:$host:$p"
        r=$(massif "$@" "https://localhost:$p/")
        got16k || r="- -"
        ;;
    ssl_client2)
        set -- "$stock" server_name=localhost server_addr="$host" server_port=$p ca_file="$ca" \
            force_version=tls13
        [ "$auth" = mutual ] && set -- "$@" crt_file="$cert" key_file="$key"
        r=$(massif "$@")
        grep -q 'bytes read' "$tmp/out" || r="- -"
        ;;
    esac
    echo "$r $counter"
}

csv=$out_dir/whole.csv
echo "client,target,auth,heap_B,heap_extra_B,esp_tls_counter_B" >"$csv"
echo
echo "Whole-process heap peak, one TLS 1.3 client connection receiving one 16384-byte record"
echo "(ECDSA P-256 server, Python/OpenSSL bench server). Valgrind massif --pages-as-heap=no:"
echo "heap = mem_heap_B at its peak snapshot (bytes asked of malloc), +extra = mem_heap_extra_B"
echo "there (malloc's own headers/rounding). counter = esp_tls_get_mem_stats() peak (esp-tls +"
echo "Mbed TLS allocations only). 'localhost' is resolved by each client; 127.0.0.1 is not."
echo
printf '| %-12s | %-9s | %-6s | %8s | %6s | %8s |\n' client target auth heap +extra counter
echo "|--------------|-----------|--------|----------|--------|----------|"
for auth in ca mutual; do
    for host in localhost 127.0.0.1; do
        for c in esp-tls esp-tls-lean ssl_client2 openssl gnutls curl; do
            # shellcheck disable=SC2046 # three words
            set -- $(client $c $host $auth)
            printf '| %-12s | %-9s | %-6s | %8s | %6s | %8s |\n' $c $host $auth "$1" "$2" "$3"
            echo "$c,$host,$auth,$1,$2,$3" >>"$csv"
        done
    done
done
echo "CSV: $csv"
# one bar group per client, four bars: by name / by IP x server-only / mutual
awk -F, 'NR > 1 { v[$1 "," $2 "," $3] = $4; if (!($1 in seen)) { seen[$1] = 1; order[n++] = $1 } }
    END { for (i = 0; i < n; i++) { c = order[i]; print c, v[c ",localhost,ca"], v[c ",127.0.0.1,ca"],
          v[c ",localhost,mutual"], v[c ",127.0.0.1,mutual"] } }' "$csv" >"$tmp/plot"
bars_svg "$tmp/plot" "$out_dir/whole.svg" \
    "Whole-process heap peak (massif mem_heap_B), one TLS 1.3 connection + 16 KB record" \
    "bytes (log scale)" log "by name, ECDSA" "by IP, ECDSA" "by name, mutual" "by IP, mutual"
