#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fetches Mbed TLS 3.6 from Debian's source package with apt's ordinary client under a private
# configuration in $1 (the build folder), checks it against the pinned checksums, unpacks it
# with dpkg-source (Debian's patches applied) and checks that it is a 3.6.x release. The
# system's apt sources are never touched. Then applies our own fixes, patches/mbedtls/*.patch in
# name order (patches/mbedtls/README.md), each of which must apply exactly or the script fails.
# Reused when the requested version is already unpacked with the same patch set (the stamp
# records the SHA-256 of the concatenated patches: a changed, added or removed patch unpacks the
# pristine source again); the downloaded package is kept and reused when it is the pinned one.
#
# Pinned: the version below, by the SHA-256 of its .dsc and of the upstream tarball (the .dsc
# lists the checksums of the other files, which dpkg-source verifies). The memory figures, the
# RSA-PSS retry and the reaches into Mbed TLS (src/backend/mbedtls/reach/) were measured and
# reviewed on it. To build with another 3.6.x (an upgrade to try):
#   ESP_TLS_MBEDTLS_VERSION=3.6.7-3 ESP_TLS_MBEDTLS_SUITE=sid   (or VERSION=newest: the suite's)
# in the environment or as CMake cache variables, with their own deps folder, e.g.
#   cmake -B build/mbed-sid -DESP_TLS_DEPS_DIR=$PWD/build/deps-sid \
#         -DESP_TLS_MBEDTLS_VERSION=newest -DESP_TLS_MBEDTLS_SUITE=sid
# The script and the build then say loudly that this is not the pinned Mbed TLS.
set -eu

patch_dir=$(cd "$(dirname "$0")/../patches/mbedtls" && pwd)

PINNED_VERSION=3.6.6-0.1~deb13u1
PINNED_SUITE=trixie
PINNED_DSC_SHA256=eb9ed1adbbddcb0d00276fac6fcee0056c64ce01481c2522a16dca75792eb5eb
PINNED_ORIG=mbedtls_3.6.6.orig.tar.bz2
PINNED_ORIG_SHA256=8fb65fae8dcae5840f793c0a334860a411f884cc537ea290ce1c52bb64ca007a

version=${ESP_TLS_MBEDTLS_VERSION:-$PINNED_VERSION}
suite=${ESP_TLS_MBEDTLS_SUITE:-$PINNED_SUITE}
out=${1:?usage: fetch-mbedtls.sh BUILD_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
src="$out/mbedtls-src"
stamp="$src/.esp-tls-ok"
patches=$(find "$patch_dir" -maxdepth 1 -name '*.patch' | LC_ALL=C sort)
# the list is split at newlines only (a checkout path may hold spaces)
IFS='
'
# shellcheck disable=SC2086
patch_set=$( { [ -z "$patches" ] || cat $patches; } | sha256sum | cut -d' ' -f1)
unset IFS
if [ -f "$stamp" ] && grep -qxF "patches=$patch_set" "$stamp" &&
    { grep -qxF "requested=$version" "$stamp" ||
      { [ "$version" = "$PINNED_VERSION" ] && grep -qxF "package=mbedtls_$PINNED_VERSION" "$stamp"; }; }; then
    exit 0
fi

loud() {
    echo "fetch-mbedtls: ************************************************************" >&2
    for line in "$@"; do echo "fetch-mbedtls: * $line" >&2; done
    echo "fetch-mbedtls: ************************************************************" >&2
}

apt_dir="$out/apt"
sha_of() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }
# the pinned package downloaded before (a patch changed): verified again, not downloaded again
have_pinned() {
    [ "$version" = "$PINNED_VERSION" ] &&
        [ "$(sha_of "$apt_dir/dl/mbedtls_$PINNED_VERSION.dsc")" = "$PINNED_DSC_SHA256" ] &&
        [ "$(sha_of "$apt_dir/dl/$PINNED_ORIG")" = "$PINNED_ORIG_SHA256" ]
}
download() {
    rm -rf "$apt_dir/dl"
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/etc" "$apt_dir/dl"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
        > "$apt_dir/etc/sources.list"
    apt_opts="-o Dir::Etc::SourceList=$apt_dir/etc/sources.list -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State::Lists=$apt_dir/lists -o Dir::Cache=$apt_dir/cache -o Debug::NoLocking=1 \
    -o APT::Sandbox::User=root"

    pkg=mbedtls
    [ "$version" = newest ] || pkg="mbedtls=$version"
    echo "fetch-mbedtls: downloading Debian's source package $pkg ($suite)"
    # shellcheck disable=SC2086
    apt-get -q $apt_opts update >"$apt_dir/update.log" 2>&1 || { cat "$apt_dir/update.log"; exit 1; }
    # shellcheck disable=SC2086
    (cd "$apt_dir/dl" && apt-get -q $apt_opts source --download-only "$pkg" >"$apt_dir/source.log" 2>&1) || {
        cat "$apt_dir/source.log"
        [ "$version" != "$PINNED_VERSION" ] ||
            loud "the pinned Mbed TLS $PINNED_VERSION is no longer in Debian $suite." \
                 "Update PINNED_* in scripts/fetch-mbedtls.sh after building and testing the" \
                 "newer one (ESP_TLS_MBEDTLS_VERSION=newest), or fetch it from snapshot.debian.org."
        exit 1
    }
}
if have_pinned; then
    echo "fetch-mbedtls: reusing the downloaded source package mbedtls_$PINNED_VERSION"
else
    download
fi

dsc=$(ls "$apt_dir"/dl/mbedtls_3.6.*.dsc 2>/dev/null | tail -n 1)
if [ -z "$dsc" ]; then
    echo "fetch-mbedtls: no mbedtls 3.6.x source package in $suite:" >&2
    ls "$apt_dir/dl" >&2
    exit 1
fi
dsc_sha=$(sha256sum "$dsc" | cut -d' ' -f1)
pinned=no
if [ "$(basename "$dsc")" = "mbedtls_$PINNED_VERSION.dsc" ]; then
    [ "$dsc_sha" = "$PINNED_DSC_SHA256" ] || {
        loud "$(basename "$dsc") does not have the pinned SHA-256:" \
             "  got      $dsc_sha" "  expected $PINNED_DSC_SHA256" "refusing to build with it."
        exit 1
    }
    orig_sha=$(sha256sum "$apt_dir/dl/$PINNED_ORIG" | cut -d' ' -f1)
    [ "$orig_sha" = "$PINNED_ORIG_SHA256" ] || {
        loud "$PINNED_ORIG does not have the pinned SHA-256 ($orig_sha); refusing it."
        exit 1
    }
    pinned=yes
else
    loud "NOT THE PINNED MBED TLS: building with $(basename "$dsc" .dsc) from Debian $suite" \
         "(pinned: $PINNED_VERSION from $PINNED_SUITE). Memory figures and the reaches into" \
         "Mbed TLS internals were checked on the pinned one: run the unit and interop tests."
fi
rm -rf "$src"
# dpkg-source verifies the tarballs against the .dsc's checksums (no --no-check, which would
# skip that); an unverifiable signature only warns (the .dsc itself is pinned or fetched from
# Debian's signed index by apt)
dpkg-source -x "$dsc" "$src" >"$apt_dir/unpack.log" 2>&1 || { cat "$apt_dir/unpack.log"; exit 1; }

# our fixes (patches/mbedtls/README.md): exactly (no fuzz, no backup files), or not at all
IFS='
'
for p in $patches; do
    unset IFS
    patch -p1 --batch --forward --fuzz=0 --no-backup-if-mismatch -d "$src" -i "$p" \
        >"$apt_dir/patch.log" 2>&1 || {
        cat "$apt_dir/patch.log" >&2
        rm -rf "$src"
        loud "patches/mbedtls/$(basename "$p") does not apply to $(basename "$dsc" .dsc)." \
             "Refresh it against this version (patches/mbedtls/README.md) or remove it."
        exit 1
    }
    echo "fetch-mbedtls: applied $(basename "$p")"
done
unset IFS

ver=$(sed -n 's/^#define MBEDTLS_VERSION_NUMBER *\(0x[0-9A-Fa-f]*\).*/\1/p' "$src/include/mbedtls/build_info.h")
case "$ver" in
    0x0306*) ;;
    *) echo "fetch-mbedtls: expected Mbed TLS 3.6.x, found version number $ver" >&2; exit 1 ;;
esac
printf 'requested=%s\npackage=%s\npinned=%s\ndsc_sha256=%s\nsuite=%s\npatches=%s\n' "$version" \
    "$(basename "$dsc" .dsc)" "$pinned" "$dsc_sha" "$suite" "$patch_set" > "$stamp"
IFS='
'
for p in $patches; do echo "patch=$(basename "$p")" >> "$stamp"; done
unset IFS
echo "fetch-mbedtls: Mbed TLS $(basename "$dsc" .dsc) unpacked in $src ($ver, pinned: $pinned)"
