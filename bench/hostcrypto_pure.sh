#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/hostcrypto_pure.sh BUILD PURE_BUILD: configures PURE_BUILD as BUILD's configuration with
# host crypto acceleration off (CONFIG_MBEDTLS_HOST_CRYPTO_OPENSSL, src/hostcrypto/) and builds
# the bench programs there, so that make bench measures accelerated and pure Mbed TLS side by
# side (bench/client_cpu.sh, bench/bulk.sh). Reused when PURE_BUILD is configured already.
set -eu
build=${1:?usage: hostcrypto_pure.sh BUILD PURE_BUILD}
pure=${2:?usage: hostcrypto_pure.sh BUILD PURE_BUILD}
src=$(cd "$(dirname "$0")/.." && pwd)
cfg=$(sed -n 's/^SDKCONFIG:FILEPATH=//p' "$build/CMakeCache.txt")
[ -f "$cfg" ] || { echo "hostcrypto_pure.sh: no sdkconfig for $build" >&2; exit 2; }
mkdir -p "$pure"
sed 's/^CONFIG_MBEDTLS_HOST_CRYPTO_OPENSSL=y$/# CONFIG_MBEDTLS_HOST_CRYPTO_OPENSSL is not set/' \
    "$cfg" >"$pure/sdkconfig.new"
if ! cmp -s "$pure/sdkconfig.new" "$pure/sdkconfig"; then
    mv "$pure/sdkconfig.new" "$pure/sdkconfig"
else
    rm -f "$pure/sdkconfig.new"
fi
cmake -S "$src" -B "$pure" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSDKCONFIG="$pure/sdkconfig" \
    -DESP_TLS_BUILD_TESTS=OFF >/dev/null
cmake --build "$pure" -j"${JOBS:-2}" --target mem_client bulk_client hc_prim >/dev/null
grep -q 'CONFIG_MBEDTLS_HOST_CRYPTO_OPENSSL' "$pure/config/sdkconfig.h" &&
    { echo "hostcrypto_pure.sh: acceleration still on in $pure" >&2; exit 1; }
echo "pure Mbed TLS build (acceleration off): $pure"
