#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/bulk.sh DEFAULT_BUILD [LEAN_BUILD [EXTRA_BUILD...]]: bulk receive and bulk send
# throughput of one TLS client connection on 127.0.0.1, esp-tls (each build given) beside
# OpenSSL 3 (Debian's libssl), both measured the same way: a C client (bench/bulk_client.c,
# bench/bulk_peer.c "client") reads or writes BULK_MIB MiB (default 256) with a 16 KB buffer
# from/to the OpenSSL bench server (bench/bulk_peer.c "server"), which allows only the suite
# measured: TLS 1.3 AES-128-GCM, TLS 1.3 ChaCha20-Poly1305, TLS 1.2 ECDHE-ECDSA-AES128-GCM
# (ECDSA P-256 certificate). MiB/s = wall clock of the transfer (handshake excluded), best of
# BULK_RUNS (default 3); CPU = user + system time of the client process over the transfer
# (getrusage) per MiB, the lowest of the runs. The server runs on the same (shared) machine.
# Writes BENCH_OUT/bulk.csv (default build/bench) and, with gnuplot, bulk.svg.
# Not a test: nothing fails on a number.
set -eu
build=${1:-build/release}
[ $# -gt 0 ] && shift
here=$(cd "$(dirname "$0")" && pwd)
out_dir=${BENCH_OUT:-build/bench}
mib=${BULK_MIB:-256}
runs=${BULK_RUNS:-3}
peer=$build/bench/bulk_peer
for f in "$build/bench/bulk_client" "$peer"; do
    [ -x "$f" ] || { echo "bulk.sh: $f missing (make; bulk_peer needs libssl-dev)" >&2; exit 2; }
done
# clients: label=binary; the first build is "esp-tls", the others esp-tls-FOLDER (build/lean:
# esp-tls-lean)
clients="esp-tls=$build/bench/bulk_client"
for b in "$@"; do
    [ -x "$b/bench/bulk_client" ] || { echo "bulk.sh: $b/bench/bulk_client missing" >&2; exit 2; }
    clients="$clients esp-tls-$(basename "$b")=$b/bench/bulk_client"
done
clients="$clients openssl=$peer"
certs=$build/bench-certs
sh "$here/../tests/certs/gen.sh" "$certs" >/dev/null
mkdir -p "$out_dir"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/esp-tls-bulk.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM

kv() { sed -n "s/^$2=//p" "$1" | head -n 1; }

# start_server SUITE: a bulk_peer server allowing only SUITE; sets pid and port
start_server() {
    if [ -n "$pid" ]; then
        kill $pid 2>/dev/null || true
        wait $pid 2>/dev/null || true
    fi
    rm -f "$tmp/port"
    "$peer" server "$certs/server-ec.crt" "$certs/server-ec.key" "$1" >"$tmp/port" &
    pid=$!
    i=0
    while ! grep -q '^port=' "$tmp/port" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    port=$(kv "$tmp/port" port)
    [ -n "$port" ] || { echo "bulk.sh: the bench server did not start ($1)" >&2; exit 1; }
}

# measure LABEL BINARY DIRECTION -> "MiB/s cpu_ms_per_MiB suite" (best of $runs; "-" on failure)
measure() {
    best=- cpu=- suite=-
    set -- "$2" --port "$port" --ca "$certs/ca-ec.crt" --"$3" --mib "$mib"
    [ "$1" = "$peer" ] && { p=$1; shift; set -- "$p" client "$@"; }
    r=0
    while [ $r -lt "$runs" ]; do
        r=$((r + 1))
        if timeout 300 "$@" >"$tmp/out" 2>"$tmp/err"; then
            best=$(awk -v a="$best" -v b="$(kv "$tmp/out" mib_s)" 'BEGIN { print (a == "-" || b + 0 > a + 0) ? b : a }')
            cpu=$(awk -v a="$cpu" -v b="$(kv "$tmp/out" cpu_ms_per_mib)" 'BEGIN { print (a == "-" || b + 0 < a + 0) ? b : a }')
            suite=$(kv "$tmp/out" suite)
        else
            sed 's/^/bulk.sh: /' "$tmp/err" >&2
        fi
    done
    echo "$best $cpu $suite"
}

csv=$out_dir/bulk.csv
echo "suite,direction,client,mib_s,cpu_ms_per_mib,negotiated" >"$csv"
echo
echo "Bulk throughput of one client connection on 127.0.0.1, $mib MiB each way, 16 KB reads/writes,"
echo "OpenSSL (libssl) bench server. MiB/s: wall clock of the transfer, best of $runs; CPU: user+sys"
echo "of the client process per MiB (getrusage), lowest of $runs. vs openssl: throughput ratio."
echo
printf '| %-15s | %-4s | %-20s | %8s | %10s | %10s |\n' suite dir client MiB/s "CPU ms/MiB" "vs openssl"
echo "|-----------------|------|----------------------|----------|------------|------------|"
for s in tls13-aes128gcm tls13-chacha20 tls12-aes128gcm; do
    start_server $s
    for dir in recv send; do
        rows=""
        ossl=-
        for c in $clients; do
            # shellcheck disable=SC2046 # three words
            set -- $(measure "${c%%=*}" "${c#*=}" $dir)
            rows="$rows ${c%%=*}=$1=$2=$3"
            [ "${c%%=*}" = openssl ] && ossl=$1
        done
        for row in $rows; do
            IFS='=' read -r label rate cpu neg <<EOF
$row
EOF
            ratio=$(awk -v a="$rate" -v b="$ossl" 'BEGIN { print (a == "-" || b == "-" || b + 0 == 0) ? "-" : sprintf("%.2f", a / b) }')
            printf '| %-15s | %-4s | %-20s | %8s | %10s | %10s |\n' $s $dir "$label" "$rate" "$cpu" "$ratio"
            echo "$s,$dir,$label,$rate,$cpu,$neg" >>"$csv"
        done
    done
done
echo "CSV: $csv"
if command -v gnuplot >/dev/null; then
    svg=$out_dir/bulk.svg
    # one bar group per suite and direction, one bar per client
    awk -F, 'NR > 1 { g = $1 " " $2; if (!(g in gs)) { gs[g] = 1; go[ng++] = g }
                      if (!($3 in cs)) { cs[$3] = 1; co[nc++] = $3 } v[g "," $3] = $4 }
        END { printf "group"; for (j = 0; j < nc; j++) printf " %s", co[j]; print ""
              for (i = 0; i < ng; i++) { g = go[i]; gsub(" ", "\\n", g); printf "\"%s\"", g
                  for (j = 0; j < nc; j++) { x = v[go[i] "," co[j]]; printf " %s", (x == "-" || x == "") ? "NaN" : x }
                  print "" } }' "$csv" >"$tmp/plot"
    ncols=$(head -n 1 "$tmp/plot" | wc -w)
    gnuplot <<GP
set terminal svg size 1000,500 dynamic
set output "$svg"
set title "Bulk throughput, one TLS connection on 127.0.0.1 ($mib MiB, best of $runs)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "MiB/s"
set key top right autotitle columnheader
plot for [i=2:$ncols] "$tmp/plot" using i:xticlabels(1)
GP
    echo "SVG: $svg"
fi
