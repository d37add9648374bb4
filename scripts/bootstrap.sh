#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages the build and the tests need, if any are missing.
# As root it runs apt-get; otherwise it prints the exact command and stops.
#   bootstrap.sh        what `make` needs
#   bootstrap.sh test   and what only `make test` needs (TEST_PKGS)
set -eu

# Building (the library, the tool, the examples and the test programs) and the demo: compilers,
# kconfiglib (sdkconfig), cmocka (unit test programs), c-ares, dpkg-dev/bzip2/xz-utils (Debian's
# Mbed TLS source package), openssl (the demo's and the tests' certificates), ca-certificates
# (the default bundle).
PKGS="cmake make gcc g++ pkg-config python3 python3-kconfiglib libcmocka-dev libssl-dev libc-ares-dev libhttp-parser-dev \
dpkg-dev bzip2 xz-utils openssl ca-certificates"
# Only for `make test` (and make bench / make tlsfuzzer): the peers and checkers the tests run.
# gnutls-bin, mosquitto, curl: interop peers; valgrind: leak checks; tshark: the key log test;
# gnuplot-nox: bench SVGs; libmbedtls-dev: Debian's Mbed TLS 2.28 beside libesp_tls.so
# (tests/two_mbedtls); python3-ecdsa: tlslite-ng, under tlsfuzzer (ctest interop_tlsfuzzer).
# nginx-light (and libssl-dev, a build package): the OpenSSL peers of the benches (bench/ossl_many.c, bench/fleet.sh,
# bench/bulk_peer.c, bench/ossl_client.c).
TEST_PKGS="gnutls-bin valgrind curl mosquitto tshark gnuplot-nox libmbedtls-dev python3-ecdsa nginx-light"
if [ "${1:-}" = test ]; then
    PKGS="$PKGS $TEST_PKGS"
fi

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "bootstrap: missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: run this, then try again:"
    echo "  sudo apt-get update && sudo apt-get install -y$missing"
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# One update per machine is enough; redo it only if the package lists are missing.
if [ -z "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -v -e lock -e partial -e auxfiles)" ]; then
    apt-get update -q
fi
apt-get install -y -q --no-install-recommends $missing || {
    apt-get update -q && apt-get install -y -q --no-install-recommends $missing
}
