#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Regenerate the committed reference image with tools/ota/mkimage.py and compare bytes.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$src/tools/ota/mkimage.py" "$tmp/ref.bin" 2>/dev/null
cmp "$src/tests/ota/reference.bin" "$tmp/ref.bin"
size=$(wc -c <"$tmp/ref.bin")
[ "$size" -eq 656 ] || { echo "reference image is $size bytes, reference.txt says 656"; exit 1; }
echo "reference image regenerated identically (656 bytes)"
