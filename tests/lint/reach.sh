#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# reach.sh SOURCE_DIR [LIBESP_TLS_A LIBMBEDTLS_A NM]: every reach into Mbed TLS internals is in
# src/backend/mbedtls/reach/ (its README lists them). Fails on, anywhere else in the tree's
# C sources and build files:
#   MBEDTLS_PRIVATE(...) fields, MBEDTLS_ALLOW_PRIVATE_ACCESS, ESP_TLS_MBEDTLS_PRIVATE,
#   Mbed TLS's private library headers (ssl_misc.h, ssl_*.h, common.h ...) or sources (*.c),
#   a rename of Mbed TLS functions by #define (C files), and objcopy/--redefine-sym on a
#   library (build files too; CMakeLists.txt only grants the reach folder its include path).
# With the built libraries: the TLS layer inside libesp_tls.a parses the peer's chain with the
# policy's parser, and the private libmbedtls.a is a plain build (no esp-tls symbol).
set -eu
src=${1:?usage: reach.sh SOURCE_DIR [LIBESP_TLS_A LIBMBEDTLS_A NM]}
cd "$src"
reach=src/backend/mbedtls/reach/
files=$(git ls-files 'src/*.c' 'src/*.h' 'include/*.h' 'tools/*.c' 'tools/*.h' 'tests/*.c' \
    'tests/*.h' 'examples/*.c' 'examples/*.h' 'bench/*.c' 'bench/*.h' 'cmake/*' 'CMakeLists.txt' \
    '*/CMakeLists.txt' 2>/dev/null || true)
[ -n "$files" ] || files=$(find src include tools tests examples bench cmake -type f \
    \( -name '*.[ch]' -o -name '*.cmake' -o -name CMakeLists.txt \) 2>/dev/null)
code='MBEDTLS_PRIVATE *\(|MBEDTLS_ALLOW_PRIVATE_ACCESS|ESP_TLS_MBEDTLS_PRIVATE|#[[:space:]]*include[[:space:]]*"(ssl_misc|ssl_tls13_[a-z_]*|ssl_client|ssl_debug_helpers|ssl_ciphersuites_internal|x509_internal|pk_internal|psa_crypto_core|common|md_psa|bignum_core)\.h"|#[[:space:]]*include[[:space:]]*"[a-z_0-9]+\.c"|#[[:space:]]*define[[:space:]]+mbedtls_[a-z0-9_]+[[:space:]]+[a-z_]'
bad=0
for f in $files; do
    case "$f" in "$reach"*|tests/lint/reach.sh) continue ;; esac
    [ -f "$f" ] || continue
    case "$f" in
        *.c|*.h) pattern=$code ;;
        *) pattern='--redefine-sym|objcopy' ;; # build files: no binary surgery
    esac
    rc=0
    hits=$(grep -nE -e "$pattern" "$f") || rc=$?
    [ "$rc" -le 1 ] || { echo "reach: grep failed on $f"; exit 2; }
    if [ -n "$hits" ]; then
        echo "$hits" | sed "s|^|reach-in outside $reach: $f:|"
        bad=1
    fi
done
if [ $# -ge 4 ]; then
    esp_a=$2 mbed_a=$3 nm=$4
    "$nm" -A "$esp_a" 2>/dev/null | grep 'tls_hooked\.c\.o: *U esp_tls_policy_peer_parse_der' \
        >/dev/null || { echo "libesp_tls.a: the TLS layer does not call the policy's parser"; bad=1; }
    if "$nm" -A "$esp_a" 2>/dev/null | grep -E 'tls_hooked\.c\.o: *U mbedtls_x509_crt_parse_der'; then
        echo "libesp_tls.a: the TLS layer still parses the peer's chain with Mbed TLS's parser"
        bad=1
    fi
    if "$nm" "$mbed_a" 2>/dev/null | grep -i ' esp_tls'; then
        echo "$mbed_a refers to esp-tls: it must be a plain build of Mbed TLS"
        bad=1
    fi
fi
[ "$bad" -eq 0 ] && echo "reach: every reach into Mbed TLS internals is in $reach"
exit "$bad"
