#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run.sh [SECONDS] [TARGET]: build a libFuzzer target with clang (-fsanitize=fuzzer,address,
# undefined) and fuzz it, starting from its committed corpus (tests/fuzz/corpus/<name>, the
# target's name without "fuzz_"). Default: 60 seconds of fuzz_bundle. New inputs go to
# build/fuzz/TARGET/corpus (the committed corpus is not changed); a crash leaves crash-* there:
# copy it into the corpus once fixed, so that the replay test (ctest) keeps it fixed.
#
# The TLS targets (fuzz_credentials, fuzz_client_record, fuzz_server_record) link the whole
# library and Mbed TLS, built once with clang under build/fuzz/lib (-fsanitize=address,
# undefined,fuzzer-no-link, with tests/sdkconfig.insecure: no server certificate check, PSK).
# Extra libFuzzer options: FUZZ_ARGS (e.g. FUZZ_ARGS=-jobs=2).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${1:-60}
target=${2:-fuzz_bundle}
CC=${CC:-clang}
command -v "$CC" >/dev/null || { echo "run.sh: $CC not found (Debian: clang)" >&2; exit 77; }
out=$top/build/fuzz/$target
mkdir -p "$out/corpus"
corpus=$here/corpus/${target#fuzz_}
maxlen=4096

# The library and Mbed TLS with coverage instrumentation (reused once built).
fuzz_lib() {
    lib=$top/build/fuzz/lib
    if [ ! -f "$lib/CMakeCache.txt" ]; then
        # nonnull-attribute off: Mbed TLS 3.6.6 calls memcmp(NULL, NULL, 0) when it compares
        # two empty certificate names (x509_name_cmp; README.md, findings)
        CC=$CC cmake -S "$top" -B "$lib" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            "-DESP_TLS_SANITIZE=address,undefined,fuzzer-no-link;-fno-sanitize=nonnull-attribute" \
            -DESP_TLS_BUILD_TESTS=OFF \
            -DCMAKE_C_FLAGS=-Wno-error=format-nonliteral -DSDKCONFIG="$lib/sdkconfig" \
            "-DSDKCONFIG_DEFAULTS=$top/sdkconfig.defaults;$top/tests/sdkconfig.insecure" >/dev/null
    fi
    cmake --build "$lib" -j"${FUZZ_BUILD_JOBS:-2}" --target esp_tls esp_tls_test_hooks >/dev/null
    cares=$(pkg-config --libs libcares)
    srcs="-I $lib/config -I $top/build/deps/mbedtls-src/include $lib/libesp_tls_test_hooks.a \
$lib/libesp_tls.a \
$lib/libmbedtls.a $lib/libmbedx509.a $lib/libmbedcrypto.a $cares -lhttp_parser -lpthread"
}

case $target in
fuzz_bundle) srcs="$top/src/bundle/bundle_format.c" ;;
fuzz_url)
    # url.c logs through esp_log, which needs the generated sdkconfig.h of a build
    cfg=$(ls -d "$top"/build/*/config 2>/dev/null | head -n 1)
    [ -n "$cfg" ] || { echo "run.sh: build the project first (make)" >&2; exit 2; }
    srcs="$top/src/core/url.c $top/src/port/log.c -I $cfg"
    ;;
fuzz_credentials | fuzz_ws_frame | fuzz_http_response) fuzz_lib ;;
fuzz_client_record | fuzz_server_record) fuzz_lib && maxlen=16384 ;;
*) echo "run.sh: unknown target $target" >&2; exit 2 ;;
esac
# shellcheck disable=SC2086 # srcs is a list
"$CC" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -I "$top/src" -I "$top/include" "$here/$target.c" $srcs -o "$out/$target"
cd "$out"
# shellcheck disable=SC2086
"./$target" -max_total_time="$secs" -max_len="$maxlen" -timeout=20 ${FUZZ_ARGS:-} corpus "$corpus"
