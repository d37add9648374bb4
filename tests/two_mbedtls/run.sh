#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run.sh BUILD_DIR CERTDIR: Debian's Mbed TLS 2.28 (libmbedtls-dev, shared) and libesp_tls.so
# (shared, its Mbed TLS 3.6 private) in one process. The build is installed to a temporary
# prefix; hash_228.c is compiled against the system headers only, tls_client.c against the
# installed esp-tls headers only, and the program links the 2.28 libraries ahead of
# libesp_tls.so (so an Mbed TLS symbol exported or imported by libesp_tls.so would bind to
# 2.28). It must hash with 2.28 and complete a verified TLS 1.3 connection to openssl s_server.
set -eu
build=${1:?usage: run.sh BUILD_DIR CERTDIR}
D=${2:?usage: run.sh BUILD_DIR CERTDIR}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/lib.sh"

grep -qs '^#define MBEDTLS_VERSION_MAJOR *2$' /usr/include/mbedtls/version.h || {
    echo "two_mbedtls: Debian's Mbed TLS 2.28 headers are missing: install libmbedtls-dev" \
         "(sh scripts/bootstrap.sh test)"
    exit 1
}
[ -f "$D/.done" ] || { echo "two_mbedtls: no certificates in $D (run tests/certs/gen.sh)"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/esp-tls-two-mbedtls.XXXXXX")
trap 'server_stop || true; rm -rf "$tmp"' EXIT INT TERM
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
CFLAGS="-std=c11 -Wall -Wextra -Werror -I$here"

cc $CFLAGS -c "$here/hash_228.c" -o "$tmp/hash_228.o"
cc $CFLAGS $(pkg-config --cflags esp-tls) -c "$here/tls_client.c" -o "$tmp/tls_client.o"
cc $CFLAGS -c "$here/main.c" -o "$tmp/main.o"
cc -o "$tmp/two_mbedtls" "$tmp/main.o" "$tmp/hash_228.o" "$tmp/tls_client.o" \
    -Wl,--no-as-needed -lmbedtls -lmbedx509 -lmbedcrypto "$prefix/lib/libesp_tls.so" \
    -Wl,-rpath,"$prefix/lib"

ldd "$tmp/two_mbedtls" >"$tmp/ldd"
for lib in libmbedtls.so.14 libmbedcrypto.so.7 libesp_tls.so.0; do
    grep -q "$lib => " "$tmp/ldd" || { echo "two_mbedtls: $lib is not loaded:"; cat "$tmp/ldd"; exit 1; }
done

if ! server_start "$tmp/server.log" ossl server-rsa -tls1_3; then
    exit 1
fi
rc=0
"$tmp/two_mbedtls" "$PORT" "$D/ca-rsa.crt" || rc=$?
server_stop || true # its wait returns the killed server's status
[ "$rc" -eq 0 ] || { echo "two_mbedtls: FAILED (exit $rc)"; sed 's/^/    server| /' "$tmp/server.log"; exit 1; }
echo "two_mbedtls: Mbed TLS 2.28 and libesp_tls.so in one process: ok"
