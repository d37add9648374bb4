#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs the build into a temporary prefix, then builds and runs an ESP-IDF-style program
# against it three ways: pkg-config --static, pkg-config with the shared library, and CMake's
# find_package(esp_tls).
set -eu
build=${1:?usage: check_install.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for f in include/esp_tls.h include/esp_tls_errors.h include/esp_err.h include/esp_log.h \
         include/esp_https_ota.h include/esp_private/partition_linux.h \
         include/sdkconfig.h include/mbedtls/ssl.h lib/libesp_tls.a lib/libesp_tls.so \
         lib/libmbedtls.a lib/libmbedx509.a lib/libmbedcrypto.a lib/pkgconfig/esp-tls.pc \
         lib/cmake/esp_tls/esp_tlsConfig.cmake; do
    [ -e "$tmp/prefix/$f" ] || { echo "missing in install tree: $f"; exit 1; }
done
grep -q ESP_TLS_POSIX_MBEDTLS_CONFIG_GENERATED "$tmp/prefix/include/mbedtls/mbedtls_config.h" ||
    { echo "installed mbedtls_config.h is not the generated one"; exit 1; }

export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
cc -o "$tmp/app" "$here/app.c" $(pkg-config --static --cflags --libs esp-tls)
"$tmp/app" | grep -q "last_error=ESP_ERR_INVALID_ARG" || { echo "app failed"; exit 1; }
echo "pkg-config --static: ok"

# A fully static binary proves that Libs.private lists everything libesp_tls.a needs.
cc -static -o "$tmp/app-static" "$here/app.c" $(pkg-config --static --cflags --libs esp-tls) \
    2>"$tmp/static.log" || { cat "$tmp/static.log"; exit 1; }
"$tmp/app-static" | grep -q "last_error=ESP_ERR_INVALID_ARG" || { echo "static app failed"; exit 1; }
echo "cc -static with pkg-config --static: ok"

cc -o "$tmp/app-shared" "$here/app.c" $(pkg-config --cflags --libs esp-tls)
"$tmp/app-shared" >/dev/null || { echo "shared app failed"; exit 1; }
ldd "$tmp/app-shared" | grep -q "libesp_tls.so" ||
    { echo "shared app does not use libesp_tls.so"; exit 1; }
echo "pkg-config shared: ok"

# examples/https_ota (esp_https_ota, esp_ota_ops, esp_private/partition_linux.h) with the shared
# library: every function it calls is exported (it prints its usage and exits 2 without args)
cc -o "$tmp/ota-shared" "$here/../../examples/https_ota/https_ota.c" \
    $(pkg-config --cflags --libs esp-tls)
rc=0
"$tmp/ota-shared" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || { echo "the OTA example linked to libesp_tls.so failed ($rc)"; exit 1; }
echo "OTA example with the shared library: ok"

mkdir -p "$tmp/cm"
cp "$here/app.c" "$tmp/cm/"
cp "$here/CMakeLists.txt.in" "$tmp/cm/CMakeLists.txt"
cmake -S "$tmp/cm" -B "$tmp/cm/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/cm/build" >/dev/null
"$tmp/cm/build/app" >/dev/null || { echo "find_package app failed"; exit 1; }
echo "find_package(esp_tls): ok"
