#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/http_mem.sh BUILD: the heap esp_http_client adds to a TLS connection. nginx serves a
# 1 MiB file over TLS on 127.0.0.1; bench/http_mem (BUILD/bench/http_mem) fetches it
#   tls:  with esp_tls alone (request written, response read by hand), once;
#   http: with esp_http_client (buffer_size and buffer_size_tx 512), twice on one kept-alive
#         connection;
# each under bench/malloc_count.c (every malloc of the process, malloc_usable_size()). Prints
# both peaks and the difference, and writes BUILD/bench-http-mem.txt. Not a test: nothing
# fails on a number (the issue's bound, buffer_size + buffer_size_tx + 2 KB, is printed beside).
set -eu
build=${1:-build/release}
here=$(cd "$(dirname "$0")" && pwd)
prog=$build/bench/http_mem
preload=$(cd "$build/bench" && pwd)/libmalloc_count.so
[ -x "$prog" ] && [ -f "$preload" ] || { echo "http_mem.sh: build $build first (make)" >&2; exit 2; }
command -v nginx >/dev/null || { echo "http_mem.sh: nginx not installed (skipped)"; exit 0; }
certs=$build/bench-certs
sh "$here/../tests/certs/gen.sh" "$certs" >/dev/null
certs=$(cd "$certs" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/esp-tls-http-mem.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
head -c 1048576 /dev/urandom >"$tmp/big.bin"
port=$((31500 + $$ % 400))
cat >"$tmp/nginx.conf" <<CONF
daemon off;
master_process off;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 16; }
http {
    access_log off;
    client_body_temp_path $tmp/b; proxy_temp_path $tmp/p; fastcgi_temp_path $tmp/f;
    uwsgi_temp_path $tmp/u; scgi_temp_path $tmp/s;
    server {
        listen 127.0.0.1:$port ssl;
        ssl_certificate $certs/server-ec.crt; ssl_certificate_key $certs/server-ec.key;
        root $tmp;
    }
}
CONF
nginx -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" &
pid=$!
i=0
until /usr/bin/python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; do
    i=$((i + 1))
    [ $i -lt 100 ] || { echo "http_mem.sh: nginx did not start" >&2; cat "$tmp/error.log" >&2; exit 1; }
    sleep 0.1
done
peak() { # MODE
    rm -f "$tmp/count"
    MALLOC_COUNT_OUT=$tmp/count LD_PRELOAD=$preload "$prog" "$1" localhost "$port" /big.bin \
        "$certs/ca-ec.crt" >"$tmp/out.$1"
    grep -q '^body=1048576$' "$tmp/out.$1" || { echo "http_mem.sh: $1 did not get the file" >&2; exit 1; }
    sed -n 's/^malloc_peak=//p' "$tmp/count" | tail -n 1
}
tls=$(peak tls)
http=$(peak http)
out=$build/bench-http-mem.txt
{
    echo "keep-alive HTTPS GET of 1 MiB (nginx, TLS 1.3, P-256), peak heap of the process:"
    echo "  esp_tls connection alone:          $tls B"
    echo "  esp_http_client, 2 GETs kept alive: $http B"
    echo "  added by esp_http_client:           $((http - tls)) B (bound: 512 + 512 + 2048 = 3072 B)"
} | tee "$out"
