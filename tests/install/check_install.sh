#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_install.sh BUILD_DIR: installs the build into a temporary prefix and uses it as a
# distribution user would (cmake/install.cmake describes the layout):
#  1. the namespaced layout: include/esp-tls/..., lib/esp-tls/libmbed*.a, nothing of Mbed TLS
#     under its standard name in include/ or lib/;
#  2. the private Mbed TLS archives are plain: no esp-tls symbol in them, and a program that
#     uses only Mbed TLS's TLS layer links them without libesp_tls (with host crypto
#     acceleration: plus libhostcrypto.a and libcrypto);
#  3. a build with a relative PKG_CONFIG_PATH, run from another directory (absolute rpath);
#  4. pkg-config --static with the linker told to take archives: libesp_tls.so is not loaded
#     (readelf -d, ldd); and a fully static binary;
#  5. a program calling Mbed TLS itself, while Debian's Mbed TLS 2.28 headers are in
#     /usr/include: it gets the tree's 3.6 headers and archives;
#  6. the shared library through pkg-config, and CMake's find_package(esp_tls).
set -eu
build=${1:?usage: check_install.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/esp-tls-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "install: $*"; exit 1; }

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
P=$tmp/prefix
for f in include/esp-tls/esp_tls.h include/esp-tls/esp_tls_errors.h include/esp-tls/esp_err.h \
         include/esp-tls/esp_log.h include/esp-tls/sdkconfig.h include/esp-tls/mbedtls/ssl.h \
         include/esp-tls/psa/crypto.h lib/libesp_tls.a lib/libesp_tls.so lib/libesp_tls.so.0 \
         lib/esp-tls/libmbedtls.a lib/esp-tls/libmbedx509.a lib/esp-tls/libmbedcrypto.a \
         lib/pkgconfig/esp-tls.pc lib/cmake/esp_tls/esp_tlsConfig.cmake; do
    [ -e "$P/$f" ] || fail "missing in install tree: $f"
done
# every public header, subfolders included
(cd "$here/../../include" && find . -name '*.h') | while read -r h; do
    [ -e "$P/include/esp-tls/$h" ] || fail "public header not installed: include/esp-tls/$h"
done
for f in include/mbedtls include/psa include/esp_tls.h include/sdkconfig.h include/esp_err.h \
         lib/libmbedtls.a lib/libmbedx509.a lib/libmbedcrypto.a; do
    [ ! -e "$P/$f" ] || fail "$f would clash with a system package: it belongs under esp-tls/"
done
grep -q ESP_TLS_POSIX_MBEDTLS_CONFIG_GENERATED "$P/include/esp-tls/mbedtls/mbedtls_config.h" ||
    fail "installed mbedtls_config.h is not the generated one"
echo "layout: ok"

nm -A "$P"/lib/esp-tls/*.a 2>/dev/null | grep -i ' [UTDBR] esp_tls' &&
    fail "the private Mbed TLS archives refer to esp-tls symbols (they must be plain builds)"
cat >"$tmp/tls_only.c" <<'C'
#include "mbedtls/ssl.h"
int main(void)
{
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_ssl_init(&ssl);
    mbedtls_ssl_config_init(&conf);
    int rc = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT,
                                         MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    return rc != 0;
}
C
# with host crypto acceleration (CONFIG_MBEDTLS_HOST_CRYPTO_OPENSSL) libmbedcrypto.a needs the
# accelerator archive beside it (itself plain: Mbed TLS's public headers and libcrypto only)
hc=""
[ ! -e "$P/lib/esp-tls/libhostcrypto.a" ] || hc="-lhostcrypto -lmbedcrypto -lcrypto"
cc -o "$tmp/tls_only" "$tmp/tls_only.c" -I"$P/include/esp-tls" -L"$P/lib/esp-tls" \
    -lmbedtls -lmbedx509 -lmbedcrypto $hc -pthread || fail "libmbedtls.a does not link on its own"
"$tmp/tls_only" || fail "a program on the private Mbed TLS alone failed"
echo "private Mbed TLS archives are plain and link without libesp_tls: ok"

# 3. relative PKG_CONFIG_PATH, run elsewhere
(cd "$tmp" && PKG_CONFIG_PATH=prefix/lib/pkgconfig &&
    cc -o app-rel "$here/app.c" $(PKG_CONFIG_PATH=$PKG_CONFIG_PATH pkg-config --cflags --libs esp-tls)) ||
    fail "build with a relative PKG_CONFIG_PATH failed"
readelf -d "$tmp/app-rel" | grep -E 'R(UN)?PATH' | grep -q "\[$P/lib\]" ||
    { readelf -d "$tmp/app-rel" | grep -E 'R(UN)?PATH'; fail "relative-PKG_CONFIG_PATH build: rpath is not $P/lib"; }
(cd / && "$tmp/app-rel" >/dev/null) || fail "relative-PKG_CONFIG_PATH build does not run from /"
echo "relative PKG_CONFIG_PATH, run from /: ok"

export PKG_CONFIG_PATH="$P/lib/pkgconfig"
# 4. static: pkg-config --static lists what libesp_tls.a needs; -Bstatic makes ld take it
cc -o "$tmp/app-static" "$here/app.c" $(pkg-config --cflags esp-tls) \
    -Wl,-Bstatic $(pkg-config --static --libs esp-tls) -Wl,-Bdynamic || fail "static link failed"
readelf -d "$tmp/app-static" | grep NEEDED | grep -q libesp_tls &&
    fail "static link still needs libesp_tls.so"
ldd "$tmp/app-static" | grep -q libesp_tls && fail "static link still loads libesp_tls.so"
"$tmp/app-static" | grep -q "last_error=ESP_ERR_INVALID_ARG" || fail "static app failed"
echo "pkg-config --static (-Wl,-Bstatic): no libesp_tls.so loaded: ok"
cc -static -o "$tmp/app-full-static" "$here/app.c" $(pkg-config --static --cflags --libs esp-tls) \
    2>"$tmp/static.log" || { cat "$tmp/static.log"; fail "cc -static failed"; }
"$tmp/app-full-static" | grep -q "last_error=ESP_ERR_INVALID_ARG" || fail "fully static app failed"
echo "cc -static with pkg-config --static: ok"

# 5. beside Debian's Mbed TLS 2.28 headers
if grep -qs '^#define MBEDTLS_VERSION_MAJOR *2$' /usr/include/mbedtls/version.h; then
    cc -std=c11 -Wall -Werror -o "$tmp/app-mbedtls" "$here/app_mbedtls.c" \
        $(pkg-config --cflags esp-tls) -Wl,-Bstatic $(pkg-config --static --libs esp-tls) \
        -Wl,-Bdynamic || fail "a program calling Mbed TLS did not build against the tree"
    "$tmp/app-mbedtls" | grep -q '^mbedtls 3\.6\.' || fail "program calling Mbed TLS failed"
    ldd "$tmp/app-mbedtls" | grep -q 'libmbed' && fail "Debian's Mbed TLS got linked"
    echo "beside Debian's Mbed TLS 2.28 headers: 3.6 headers and archives: ok"
else
    echo "beside Debian's Mbed TLS 2.28 headers: skipped (libmbedtls-dev not installed)"
fi

# 6. shared, and CMake
cc -o "$tmp/app-shared" "$here/app.c" $(pkg-config --cflags --libs esp-tls)
"$tmp/app-shared" >/dev/null || fail "shared app failed"
ldd "$tmp/app-shared" | grep -q "libesp_tls.so" || fail "shared app does not use libesp_tls.so"
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
cmake -S "$tmp/cm" -B "$tmp/cm/build" -DCMAKE_PREFIX_PATH="$P" >/dev/null
cmake --build "$tmp/cm/build" >/dev/null
"$tmp/cm/build/app" >/dev/null || fail "find_package app failed"
"$tmp/cm/build/app_shared" >/dev/null || fail "find_package app (esp_tls::shared) failed"
ldd "$tmp/cm/build/app_shared" | grep -q "libesp_tls.so" || fail "esp_tls::shared is not shared"
echo "find_package(esp_tls): ok"
