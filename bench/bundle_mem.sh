#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/bundle_mem.sh [BUILD_DIR [INSECURE_BUILD_DIR]]: peak heap of one client connection
# (the library's counter, esp_tls_get_mem_stats(); the example client prints heap_peak=)
# by how the server is verified, as a table. Not a test: nothing here fails on a number
# (the 2 KB budget is asserted by ctest unit.bundle.tls).
#
#   no CA         no verification: the client of a build with
#                 CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY (INSECURE_BUILD_DIR, default
#                 build/insecure; the row is skipped if it is not there)
#   bundle        crt_bundle_attach with every ca-certificates root plus the test root
#                 (esp_crt_bundle_set() of a bundle made by esp_crt_bundle_gen)
#   one CA        cacert_buf holding only the test root
#   all roots     cacert_buf holding every ca-certificates root plus the test root, the
#                 alternative to the bundle
# Server: openssl s_server on 127.0.0.1 sending leaf + intermediate (tests/certs/gen-bundle.sh).
set -eu
build=${1:-build/release}
insecure=${2:-build/insecure}
here=$(cd "$(dirname "$0")" && pwd)
client=$build/examples/esp_tls_client
gen=$build/esp_crt_bundle_gen
for f in "$client" "$gen"; do
    [ -x "$f" ] || { echo "bundle_mem.sh: $f not found (build first: make)" >&2; exit 2; }
done
no_ca_client=$insecure/examples/esp_tls_client
[ -x "$no_ca_client" ] || no_ca_client=""

certs=$build/bench-bundle-certs
sh "$here/../tests/certs/gen-bundle.sh" "$certs"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/esp-tls-bundle-mem.XXXXXX")
srv=""
trap '[ -z "$srv" ] || kill $srv 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM

if [ -d /usr/share/ca-certificates/mozilla ]; then
    roots=/usr/share/ca-certificates/mozilla
    cat "$roots"/*.crt "$certs/root.crt" "$certs/root-ec.crt" >"$tmp/all.pem"
else
    roots=/etc/ssl/certs/ca-certificates.crt
    cat "$roots" "$certs/root.crt" "$certs/root-ec.crt" >"$tmp/all.pem"
fi
"$gen" -q -o "$tmp/bundle" "$roots" --add "$certs/root.crt" --add "$certs/root-ec.crt"
nroots=$(grep -c "BEGIN CERTIFICATE" "$tmp/all.pem")

kv() { printf '%s\n' "$1" | sed -n "s/^$2=//p" | head -n 1; }

# measure VERSION LABEL CLIENT ARGS...: one table row (CLIENT "" skips it)
base=""
measure() {
    version=$1 label=$2 cl=$3
    shift 3
    if [ -z "$cl" ]; then
        printf '| %-12s | %-34s | %9s | %8s |\n' "$version" "$label" "skipped" "-"
        return
    fi
    out=$("$cl" --host localhost --port "$port" "--$version" "$@" 2>/dev/null || true)
    if [ "$(kv "$out" result)" != 1 ]; then
        printf '| %-12s | %-34s | %9s | %8s |\n' "$version" "$label" "failed" "-"
        return
    fi
    peak=$(kv "$out" heap_peak)
    extra=-
    [ -n "$base" ] && extra=$(printf '%+d' $((peak - base)))
    [ "$label" = "no CA (no verification)" ] && base=$peak && extra=0
    printf '| %-12s | %-34s | %9s | %8s |\n' "$version" "$label" "$peak" "$extra"
}

server() { # LEAF CHAIN: start s_server on a free port
    port=$((30000 + ($$ + $(od -An -N1 -tu1 /dev/urandom)) % 2000))
    openssl s_server -accept "127.0.0.1:$port" -cert "$certs/$1.crt" -key "$certs/$1.key" \
        -cert_chain "$certs/$2" -www -quiet >/dev/null 2>&1 &
    srv=$!
    i=0
    while ! ss -Hltn "sport = :$port" 2>/dev/null | grep -q . && [ $i -lt 100 ]; do
        sleep 0.05
        i=$((i + 1))
    done
}

echo
echo "Peak heap of one connection (bytes, library + Mbed TLS), by verification method."
echo "Bundle and 'all roots': $nroots roots ($(wc -c <"$tmp/bundle") byte bundle,"
echo "$(wc -c <"$tmp/all.pem") byte PEM). Extra: over the no-CA row of the same server."
for spec in "leaf chain.pem root.crt RSA-2048" "leaf-ec chain-ec.pem root-ec.crt ECDSA-P256"; do
    # shellcheck disable=SC2086 # four words
    set -- $spec
    server "$1" "$2"
    one_root=$certs/$3
    echo
    echo "Server chain: leaf + intermediate, $4"
    echo
    printf '| %-12s | %-34s | %9s | %8s |\n' "TLS" "verification" "heap peak" "extra"
    echo "|--------------|------------------------------------|-----------|----------|"
    for version in tls13 tls12; do
        base=""
        measure "$version" "no CA (no verification)" "$no_ca_client"
        measure "$version" "bundle (crt_bundle_attach)" "$client" --bundle "$tmp/bundle"
        measure "$version" "cacert_buf, one root" "$client" --ca "$one_root"
        measure "$version" "cacert_buf, all $nroots roots" "$client" --ca "$tmp/all.pem"
    done
    kill "$srv" 2>/dev/null
    wait "$srv" 2>/dev/null || true
    srv=""
done
echo
[ -n "$no_ca_client" ] || echo "(no-CA rows skipped: build $insecure with tests/sdkconfig.insecure, as make test does)"
