#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fetches Mbed TLS 3.6 from Debian's source package (suite trixie) with apt's ordinary
# client under a private configuration in $1 (the build folder), unpacks it with
# dpkg-source (Debian's patches applied) and checks that it is a 3.6.x release.
# The system's apt sources are never touched. Reused when already unpacked.
set -eu

out=${1:?usage: fetch-mbedtls.sh BUILD_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
src="$out/mbedtls-src"
if [ -f "$src/.esp-tls-ok" ]; then
    exit 0
fi

apt_dir="$out/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/etc" "$apt_dir/dl"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
    > "$apt_dir/etc/sources.list"
apt_opts="-o Dir::Etc::SourceList=$apt_dir/etc/sources.list -o Dir::Etc::SourceParts=/dev/null \
-o Dir::State::Lists=$apt_dir/lists -o Dir::Cache=$apt_dir/cache -o Debug::NoLocking=1 \
-o APT::Sandbox::User=root"

echo "fetch-mbedtls: downloading Debian's mbedtls source package (trixie)"
# shellcheck disable=SC2086
apt-get -q $apt_opts update >"$apt_dir/update.log" 2>&1 || { cat "$apt_dir/update.log"; exit 1; }
# shellcheck disable=SC2086
(cd "$apt_dir/dl" && apt-get -q $apt_opts source --download-only mbedtls >"$apt_dir/source.log" 2>&1) ||
    { cat "$apt_dir/source.log"; exit 1; }

dsc=$(ls "$apt_dir"/dl/mbedtls_3.6.*.dsc 2>/dev/null | tail -n 1)
if [ -z "$dsc" ]; then
    echo "fetch-mbedtls: no mbedtls 3.6.x source package in trixie:" >&2
    ls "$apt_dir/dl" >&2
    exit 1
fi
rm -rf "$src"
dpkg-source --no-check -x "$dsc" "$src" >"$apt_dir/unpack.log" 2>&1 || { cat "$apt_dir/unpack.log"; exit 1; }

ver=$(sed -n 's/^#define MBEDTLS_VERSION_NUMBER *\(0x[0-9A-Fa-f]*\).*/\1/p' "$src/include/mbedtls/build_info.h")
case "$ver" in
    0x0306*) ;;
    *) echo "fetch-mbedtls: expected Mbed TLS 3.6.x, found version number $ver" >&2; exit 1 ;;
esac
echo "$dsc" > "$src/.esp-tls-ok"
echo "fetch-mbedtls: Mbed TLS $(basename "$dsc" .dsc) unpacked in $src ($ver)"
