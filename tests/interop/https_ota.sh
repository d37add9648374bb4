#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# esp_https_ota (through `esp-tls ota`) against nginx over HTTPS (127.0.0.1 and ::1), serving
# images written by tools/ota/mkimage.py: a full OTA, an OTA after a "restart" (the next
# partition), one over IPv6, a partial download in Range requests (checked in nginx's access
# log), a truncated image, a server dying mid-image, a corrupt image (boot partition unchanged
# in all three), examples/https_ota (an update, then its same-version check), and the server
# verification rule: without --ca the default build refuses before connecting; a build with
# CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP (mode "insecure") downloads over plain http://.
#   https_ota.sh ESP_TLS_CLI CERTDIR strict|insecure [EXAMPLE_BINARY]
set -u
. "$(dirname "$0")/lib.sh"
MODE=${3:-strict}
EXAMPLE=${4:-}
it_init "$1" "$2"
D=$(cd "$D" && pwd) # nginx resolves relative paths against its prefix
SRC=$(cd "$(dirname "$0")/../.." && pwd)
command -v nginx >/dev/null || { echo "https_ota: nginx not installed" >&2; exit 77; }
W=$IT_TMP/www
mkdir -p "$W" "$IT_TMP/nginx"
chmod 755 "$IT_TMP" "$W" # nginx's workers run as another user when the tests run as root
mk() {
    f=$1
    shift
    python3 "$SRC/tools/ota/mkimage.py" "$W/$f" "$@" 2>/dev/null || exit 1
}
mk v1.bin --version 1.0.0 --segments 4096,60000
mk v2.bin --version 2.0.0 --segments 4096,60000
mk big.bin --version 3.0.0 --segments 65536,130000
mk trunc.bin --version 9.9.9 --corrupt truncate
mk bad.bin --version 9.9.9 --segments 4096,60000 --corrupt checksum
find "$W" -type f -exec chmod 644 {} +
HTTP_PORT=$(free_port)

nginx_run() {
    cat >"$IT_TMP/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $IT_TMP/nginx/nginx.pid;
error_log $IT_TMP/nginx/error.log;
events { worker_connections 64; }
http {
    log_format ota '\$request range="\$http_range" \$status \$body_bytes_sent';
    access_log $IT_TMP/nginx/access.log ota;
    client_body_temp_path $IT_TMP/nginx/body;
    proxy_temp_path $IT_TMP/nginx/proxy;
    fastcgi_temp_path $IT_TMP/nginx/fastcgi;
    uwsgi_temp_path $IT_TMP/nginx/uwsgi;
    scgi_temp_path $IT_TMP/nginx/scgi;
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$PORT ssl;
        listen [::1]:$PORT ssl;
        ssl_certificate $D/server-rsa.crt;
        ssl_certificate_key $D/server-rsa.key;
        root $W;
    }
    server {
        listen 127.0.0.1:$HTTP_PORT;
        root $W;
    }
}
CONF
    exec nginx -e "$IT_TMP/nginx/error.log" -p "$IT_TMP/nginx" -c "$IT_TMP/nginx/nginx.conf"
}
server_start "$IT_TMP/nginx.out" nginx_run || exit 1
HTTPS_PORT=$PORT

FAILS=0
fail() { echo "FAIL $CASE: $*"; sed 's/^/    | /' "$OUT"; FAILS=$((FAILS + 1)); }
expect() { # KEY VALUE
    grep -qx "$1=$2" "$OUT" || fail "expected $1=$2"
}
ota() { # CASE FLASH URL ARGS...: runs esp-tls ota, output in $OUT, exit code in $RC
    CASE=$1
    flash=$2
    url=$3
    shift 3
    OUT=$IT_TMP/$CASE.out
    ${ESP_TLS_WRAP:-} "$CLIENT" ota "$url" --flash "$flash" --timeout 20000 "$@" >"$OUT" 2>&1
    RC=$?
}
served() { # PATTERN: lines of nginx's access log matching it
    grep -c -- "$1" "$IT_TMP/nginx/access.log" 2>/dev/null || true
}
CA="--ca $D/ca-rsa.crt"
F=$IT_TMP/flash.bin
U=https://localhost:$HTTPS_PORT

if [ "$MODE" = strict ]; then
    # shellcheck disable=SC2086
    ota full "$F" "$U/v1.bin" $CA
    [ $RC -eq 0 ] || fail "exit $RC"
    expect result ESP_OK
    expect running factory
    expect boot_before factory
    expect partition ota_0
    expect boot ota_0
    expect version 1.0.0
    expect project ota_reference
    expect image_size "$(wc -c <"$W/v1.bin")"
    expect complete 1

    # the same flash file again: it "boots" ota_0 now, so the next update goes to ota_1
    # shellcheck disable=SC2086
    ota restart "$F" "$U/v2.bin" $CA --bulk-erase
    [ $RC -eq 0 ] || fail "exit $RC"
    expect running ota_0
    expect partition ota_1
    expect boot ota_1
    expect version 2.0.0

    # over IPv6 into a fresh flash
    # shellcheck disable=SC2086
    ota ipv6 "$IT_TMP/flash-v6.bin" "https://[::1]:$HTTPS_PORT/v2.bin" $CA
    [ $RC -eq 0 ] || fail "exit $RC"
    expect result ESP_OK
    expect boot ota_0
    expect version 2.0.0

    # partial download: Range requests of 16000 bytes, as many as the image needs
    before=$(served 'GET /big.bin HTTP/1.1 range="bytes=')
    # shellcheck disable=SC2086
    ota partial "$IT_TMP/flash-partial.bin" "$U/big.bin" $CA --partial 16000
    [ $RC -eq 0 ] || fail "exit $RC"
    expect result ESP_OK
    expect boot ota_0
    size=$(wc -c <"$W/big.bin")
    want=$(((size + 15999) / 16000))
    got=$(($(served 'GET /big.bin HTTP/1.1 range="bytes=.* 206 ') - before))
    [ "$got" -eq "$want" ] || { CASE=partial; fail "expected $want Range requests, nginx logged $got"; }
    [ "$(served 'HEAD /big.bin')" -ge 1 ] || fail "no HEAD request"
    [ "$(served 'range="bytes=0-15999" 206')" -ge 1 ] || fail "no first range"
    last=$(((want - 1) * 16000))
    [ "$(served "range=\"bytes=$last-$((size - 1))\" 206")" -ge 1 ] || fail "no last range"

    # a truncated image, a corrupt one, a server dying mid-image: boot partition unchanged
    # under a memory checker (ESP_TLS_WRAP) the image checks are left to the unit tests
    BAD_CASES="trunc bad"
    [ -n "${ESP_TLS_WRAP:-}" ] && BAD_CASES=""
    for c in $BAD_CASES; do
        # shellcheck disable=SC2086
        ota "$c" "$F" "$U/$c.bin" $CA
        [ $RC -eq 1 ] || fail "exit $RC (expected 1)"
        expect result ESP_ERR_OTA_VALIDATE_FAILED
        expect boot ota_1
    done
    # no server verification option: refused before any connection
    requests=$(served ' HTTP/1.1 ')
    ota refused "$F" "$U/v1.bin"
    [ "$(served ' HTTP/1.1 ')" -eq "$requests" ] || fail "a request reached nginx"
    [ $RC -eq 1 ] || fail "exit $RC (expected 1)"
    expect result ESP_ERR_INVALID_ARG
    expect boot ota_1
    grep -q "No option for server verification is enabled in esp_http_client config." "$OUT" ||
        fail "no refusal line"

    # examples/https_ota, written as an ESP-IDF application: v1 over the running v2 (ota_1),
    # then v1 again over the running v1: refused by its version check
    if [ -n "$EXAMPLE" ] && [ -z "${ESP_TLS_WRAP:-}" ]; then
        for c in example example_same; do
            CASE=$c
            OUT=$IT_TMP/$c.out
            ${ESP_TLS_WRAP:-} "$EXAMPLE" "$U/v1.bin" "$D/ca-rsa.crt" "$F" >"$OUT" 2>&1
            RC=$?
            if [ $c = example ]; then
                [ $RC -eq 0 ] || fail "exit $RC"
                expect result ESP_OK
                expect boot ota_0
            else
                [ $RC -eq 1 ] || fail "exit $RC (expected 1)"
                grep -q "Current running version is the same as a new" "$OUT" || fail "no check"
                expect boot ota_0
            fi
        done
    fi
    server_stop
    server_start "$IT_TMP/cut.out" exec python3 "$SRC/tests/interop/ota_server.py" cut '$PORT' \
        "$D/server-rsa.crt" "$D/server-rsa.key" "$W/v1.bin" 30000 || exit 1
    # shellcheck disable=SC2086
    ota cut "$F" "https://localhost:$PORT/v1.bin" $CA
    [ $RC -eq 1 ] || fail "exit $RC (expected 1)"
    expect result ESP_FAIL
    expect complete 0
    expect boot "$(sed -n 's/^boot_before=//p' "$OUT")" # unchanged
    grep -q "Connection closed" "$OUT" || fail "no cause logged"
    server_stop

    # partial download from a server without HEAD: the length from a GET's headers, then Range
    RLOG=$IT_TMP/nohead.log
    server_start "$IT_TMP/nohead.out" exec python3 "$SRC/tests/interop/ota_server.py" nohead \
        '$PORT' "$D/server-rsa.crt" "$D/server-rsa.key" "$W/v1.bin" "$RLOG" || exit 1
    # shellcheck disable=SC2086
    ota nohead "$IT_TMP/flash-nohead.bin" "https://localhost:$PORT/v1.bin" $CA --partial 30000
    [ $RC -eq 0 ] || fail "exit $RC"
    expect result ESP_OK
    expect boot ota_0
    size=$(wc -c <"$W/v1.bin")
    grep -q "^HEAD /v1.bin HTTP/1.1 range=-" "$RLOG" || fail "no HEAD tried"
    grep -q "^GET /v1.bin HTTP/1.1 range=Range: bytes=0-29999" "$RLOG" || fail "no first range"
    grep -q "^GET /v1.bin HTTP/1.1 range=Range: bytes=60000-$((size - 1))" "$RLOG" ||
        fail "no last range"
    server_stop

    # the same server dying in the middle of the second range: boot partition unchanged
    server_start "$IT_TMP/cutrange.out" exec python3 "$SRC/tests/interop/ota_server.py" \
        cutrange '$PORT' "$D/server-rsa.crt" "$D/server-rsa.key" "$W/v2.bin" "$RLOG" || exit 1
    # shellcheck disable=SC2086
    ota cutrange "$IT_TMP/flash-nohead.bin" "https://localhost:$PORT/v2.bin" $CA --partial 30000
    [ $RC -eq 1 ] || fail "exit $RC (expected 1)"
    expect result ESP_FAIL
    expect complete 0
    expect boot ota_0
    server_stop
else
    # CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP: plain http:// proceeds, with the warning
    ota plain_http "$F" "http://127.0.0.1:$HTTP_PORT/v1.bin"
    [ $RC -eq 0 ] || fail "exit $RC"
    expect result ESP_OK
    expect boot ota_0
    grep -q "Continuing with insecure option because CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP is set." \
        "$OUT" || fail "no warning"
    [ "$(served 'GET /v1.bin HTTP/1.1 range="-" 200')" -ge 1 ] || fail "nginx served nothing"
fi
if [ "$FAILS" -ne 0 ]; then
    echo "https_ota ($MODE): $FAILS failure(s)"
    exit 1
fi
echo "https_ota ($MODE): all cases passed"
