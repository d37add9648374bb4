#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/fleet.sh DEFAULT_BUILD LEAN_BUILD: fleet scale, one process holding many TLS connections.
#
#  1. Idle clients: BENCH_FLEET_N (10000) concurrent TLS 1.3 client connections from one process,
#     kept open and idle once established, against nginx (OpenSSL; one worker holding them all):
#     esp-tls (examples/async_many --hold: esp_tls_conn_new_async(), default and lean build)
#     beside OpenSSL's libssl (bench/ossl_many --hold: non-blocking SSL_connect(), same CA).
#  2. Server sessions: BENCH_FLEET_N established TLS 1.3 sessions held by one server process:
#     esp-tls (bench/mem_server_many: esp_tls_server_session_create(), default and lean) beside
#     OpenSSL (bench/ossl_many --server --hold: our own libssl server, measured the same way;
#     openssl s_server serves one connection at a time and nginx's figures would come from
#     another method), clients from bench/ossl_many --hold --until-closed.
#  3. Handshakes per CPU-second, TLS 1.3 and 1.2, ECDSA P-256, BENCH_FLEET_RATE_N (400)
#     handshakes each: clients against nginx (esp-tls default and lean, ossl_many, and
#     `openssl s_time -new`, which prints connections per user-CPU second), servers with an
#     ossl_many client (esp-tls default and lean, ossl_many --server).
#
# Memory: heap in use by malloc in the measured process (glibc mallinfo2(): uordblks + hblkhd,
# the whole process, malloc's chunk headers included) once all N are up minus once the first one
# was up, divided by N - 1; for esp-tls the library's own counter (esp_tls_get_mem_stats()
# current_bytes: esp-tls and Mbed TLS allocations) the same way. CPU: client and server run on the
# same machine (2 cores, shared), so each measured program reads its own user + system time
# (getrusage) and the rate is handshakes per CPU-second of that side alone.
# At most BENCH_FLEET_C (64) handshakes are in progress at a time; established ones stay open.
# Writes OUT/fleet.csv, OUT/fleet.svg (bytes per connection) and OUT/fleet-rate.svg
# (handshakes per CPU-second); OUT is BENCH_OUT or build/bench. Not a test: nothing fails on a
# number.
set -eu
build=${1:-build/release}
lean=${2:-build/lean}
here=$(cd "$(dirname "$0")" && pwd)
N=${BENCH_FLEET_N:-10000}
R=${BENCH_FLEET_RATE_N:-400}
C=${BENCH_FLEET_C:-64}
out_dir=${BENCH_OUT:-build/bench}
. "$here/plot.sh"
ossl=$build/bench/ossl_many
for f in "$build/examples/async_many" "$lean/examples/async_many" "$build/bench/mem_server_many" \
    "$lean/bench/mem_server_many" "$ossl"; do
    [ -x "$f" ] || { echo "fleet.sh: $f missing (make; make PRESET=lean; libssl-dev for ossl_many)" >&2; exit 2; }
done
command -v nginx >/dev/null || { echo "fleet.sh: nginx missing (apt-get install nginx-light)" >&2; exit 2; }
# one process holds N sockets (nginx too): raise the soft limit as far as the hard one allows
need=$((N + 200))
# shellcheck disable=SC3045 # dash, bash and busybox sh all take -H and -S
hard=$(ulimit -H -n)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$need" ]; then
    echo "fleet.sh: ulimit -Hn is $hard, $need needed for BENCH_FLEET_N=$N" >&2
    exit 2
fi
# shellcheck disable=SC3045
ulimit -S -n "$need"
certs=$build/bench-certs
sh "$here/../tests/certs/gen.sh" "$certs" >/dev/null
certs=$(cd "$certs" && pwd)
mkdir -p "$out_dir"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/esp-tls-fleet.XXXXXX")
pids=""
# shellcheck disable=SC2154 # p: the trap's own loop variable
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$tmp"' EXIT INT TERM
kv() { sed -n "s/^$2=//p" "$1" | head -n 1; }
listening() { # PORT: waits until something listens on 127.0.0.1:PORT (30 s at most)
    i=0
    while ! ss -Hltn "sport = :$1" | grep -q . && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
}

# nginx: one worker without a master, every connection in that worker, no request ever sent, so
# client_header_timeout is how long it keeps an idle connection
port=$((37900 + $$ % 1000))
wc=$((N + 100))
[ $wc -ge 10100 ] || wc=10100
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile $((wc + 100));
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections $wc; }
http {
    access_log off;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    client_header_timeout 1800s;
    keepalive_timeout 1800s;
    server {
        listen 127.0.0.1:$port ssl backlog=4096;
        ssl_certificate $certs/server-ec.crt;
        ssl_certificate_key $certs/server-ec.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        return 200 "fleet\n";
    }
}
EOF
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
pids="$pids $!"
listening $port

csv=$out_dir/fleet.csv
echo "test,side,implementation,version,connections,failed,seconds,cpu_s,hs_per_cpu_s,heap_per_conn_B,lib_per_conn_B" >"$csv"
# record TEST SIDE IMPL VERSION FILE: one CSV line from a program's key=value output
record() {
    f=$5
    heap=$(kv "$f" heap_per_conn)
    [ -n "$heap" ] || heap=$(kv "$f" heap_per_session)
    lib=$(kv "$f" lib_per_conn)
    [ -n "$lib" ] || lib=$(kv "$f" lib_per_session)
    [ "$1" = idle ] || { heap=-; lib=-; } # a rate run measures no memory
    conns=$(kv "$f" connections)
    [ -n "$conns" ] || conns=$(kv "$f" sessions)
    echo "$1,$2,$3,$4,${conns:--},$(kv "$f" failed),$(kv "$f" seconds),$(kv "$f" cpu_s),$(kv "$f" hs_per_cpu_s),${heap:--},${lib:--}" |
        sed 's/,,/,-,/g; s/,,/,-,/g; s/,$/,-/' >>"$csv"
}

client() { # TEST IMPL VERSION COUNT [--hold]
    t=$1 impl=$2 v=$3 n=$4
    shift 4
    case $impl in
    esp-tls) set -- "$build/examples/async_many" --host 127.0.0.1 --ca "$certs/ca-ec.crt" "$@" ;;
    esp-tls-lean) set -- "$lean/examples/async_many" --host 127.0.0.1 --ca "$certs/ca-ec.crt" "$@" ;;
    openssl) set -- "$ossl" --host 127.0.0.1 --ca "$certs/ca-ec.crt" "$@" ;;
    openssl-rb) set -- "$ossl" --host 127.0.0.1 --ca "$certs/ca-ec.crt" --release-buffers "$@" ;;
    esac
    timeout 1800 "$@" --port $port --"$v" -n "$n" -c "$C" >"$tmp/out" 2>"$tmp/err" || true
    record "$t" client "$impl" "$v" "$tmp/out"
}

server() { # TEST IMPL VERSION COUNT
    t=$1 impl=$2 v=$3 n=$4
    sp=$((port + 1))
    case $impl in
    esp-tls) set -- "$build/bench/mem_server_many" $sp "$certs/server-ec.crt" "$certs/server-ec.key" "$n" "$v" ;;
    esp-tls-lean) set -- "$lean/bench/mem_server_many" $sp "$certs/server-ec.crt" "$certs/server-ec.key" "$n" "$v" ;;
    openssl*) set -- "$ossl" --server --hold --port $sp --cert "$certs/server-ec.crt" \
        --key "$certs/server-ec.key" --"$v" -n "$n" -c "$C" ;;
    esac
    [ "$impl" = openssl-rb ] && set -- "$@" --release-buffers
    timeout 1800 "$@" >"$tmp/srv" 2>"$tmp/srv.err" &
    spid=$!
    listening $sp
    timeout 1800 "$ossl" --host 127.0.0.1 --port $sp --ca "$certs/ca-ec.crt" --"$v" -n "$n" -c "$C" \
        --hold --until-closed >"$tmp/out" 2>"$tmp/err" || true
    # the server is done once the client is (it closed every session); if the client failed
    # early the server still waits for connections: 60 s, then it is stopped
    i=0
    while kill -0 $spid 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
    kill $spid 2>/dev/null || true
    wait $spid || true
    record "$t" server "$impl" "$v" "$tmp/srv"
}

s_time() { # VERSION: openssl s_time -new for 10 s against nginx (its connections per user-second)
    ver=$1
    o=$(timeout 120 openssl s_time -connect "127.0.0.1:$port" -new -time 10 -"$(echo "$ver" | sed 's/tls1/tls1_/')" \
        -CAfile "$certs/ca-ec.crt" 2>/dev/null | sed -n 's/^\([0-9]*\) connections in \([0-9.]*\)s; \([0-9.]*\) connections\/user sec.*/\1 \2 \3/p' | head -n 1)
    # shellcheck disable=SC2086 # three words
    set -- ${o:-- - -}
    echo "rate,client,openssl s_time,$ver,$1,-,-,-,$3,-,-" >>"$csv"
}

idle="esp-tls esp-tls-lean openssl openssl-rb"
for impl in $idle; do
    client idle "$impl" tls13 "$N" --hold
done
for impl in $idle; do
    server idle "$impl" tls13 "$N"
done
for v in tls13 tls12; do
    for impl in esp-tls esp-tls-lean openssl; do
        client rate "$impl" "$v" "$R"
    done
    s_time "$v"
    for impl in esp-tls esp-tls-lean openssl; do
        server rate "$impl" "$v" "$R"
    done
done

field() { awk -F, -v t="$1" -v s="$2" -v i="$3" -v v="$4" -v c="$5" \
    '$1 == t && $2 == s && $3 == i && $4 == v { x = $c } END { print (x == "" ? "-" : x) }' "$csv"; }
echo
echo "Fleet scale: $N concurrent idle TLS 1.3 connections in one process (ECDSA P-256, 127.0.0.1,"
echo "at most $C handshakes in progress). Clients against nginx (one worker); servers with an"
echo "ossl_many client. heap/conn: whole-process heap in use (mallinfo2) with all N up minus with"
echo "the first up, / (N - 1); lib/conn: esp_tls_get_mem_stats() the same way. hs/CPU-s: handshakes"
echo "per CPU-second (user + system) of the measured process alone. openssl-rb: libssl with"
echo "SSL_MODE_RELEASE_BUFFERS (record buffers freed while idle; nginx sets it, libssl's default is off)."
echo
printf '| %-6s | %-14s | %7s | %10s | %9s | %8s | %8s |\n' side implementation conns heap/conn lib/conn "wall s" hs/CPU-s
echo "|--------|----------------|---------|------------|-----------|----------|----------|"
for side in client server; do
    for impl in $idle; do
        printf '| %-6s | %-14s | %7s | %10s | %9s | %8s | %8s |\n' "$side" "$impl" \
            "$(field idle "$side" "$impl" tls13 5)" "$(field idle "$side" "$impl" tls13 10)" \
            "$(field idle "$side" "$impl" tls13 11)" "$(field idle "$side" "$impl" tls13 7)" \
            "$(field idle "$side" "$impl" tls13 9)"
    done
done
echo
echo "Handshakes per CPU-second of one side, $R handshakes, ECDSA P-256 (s_time: 10 s, its own"
echo "'connections/user sec', user time only). Client and server share the 2 cores; each side's"
echo "CPU time is its own (getrusage), so the other side's load does not count."
echo
printf '| %-6s | %-15s | %9s | %9s |\n' side implementation "TLS 1.3" "TLS 1.2"
echo "|--------|-----------------|-----------|-----------|"
for side in client server; do
    for impl in esp-tls esp-tls-lean openssl "openssl s_time"; do
        [ "$side" = server ] && [ "$impl" = "openssl s_time" ] && continue
        printf '| %-6s | %-15s | %9s | %9s |\n' "$side" "$impl" "$(field rate "$side" "$impl" tls13 9)" \
            "$(field rate "$side" "$impl" tls12 9)"
    done
done
echo "CSV: $csv"

for side in client server; do
    for impl in $idle; do
        echo "\"$side $impl\" $(field idle "$side" "$impl" tls13 10) $(field idle "$side" "$impl" tls13 11)"
    done
done >"$tmp/mem.dat"
bars_svg "$tmp/mem.dat" "$out_dir/fleet.svg" "Bytes per idle TLS 1.3 connection, $N in one process" \
    "bytes per connection" linear "whole process (mallinfo2)" "library counter"
for side in client server; do
    for impl in esp-tls esp-tls-lean openssl "openssl s_time"; do
        [ "$side" = server ] && [ "$impl" = "openssl s_time" ] && continue
        echo "\"$side $impl\" $(field rate "$side" "$impl" tls13 9) $(field rate "$side" "$impl" tls12 9)"
    done
done >"$tmp/rate.dat"
bars_svg "$tmp/rate.dat" "$out_dir/fleet-rate.svg" "Handshakes per CPU-second of one side, ECDSA P-256" \
    "handshakes / CPU-second" log "TLS 1.3" "TLS 1.2"
