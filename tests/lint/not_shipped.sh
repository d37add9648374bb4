#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# not_shipped.sh NM LIB...: the shipped libraries hold no test hook (*_for_test) and no part of
# the bundle generator (esp_crt_bundle_build*, esp_crt_bundle_write_file): those are the static
# libraries esp_tls_test_hooks and esp_tls_bundle_gen (docs/layout.md). Reads every symbol, local
# ones too (the .so is not stripped in the build tree).
set -eu
nm=${1:?usage: not_shipped.sh NM LIB...}
shift
bad=0
for lib in "$@"; do
    hits=$("$nm" "$lib" 2>/dev/null |
        grep -E ' [A-Za-z] ([A-Za-z0-9_]*_for_test|esp_crt_bundle_build[A-Za-z0-9_]*|esp_crt_bundle_write_file)$' ||
        true)
    if [ -n "$hits" ]; then
        echo "$hits" | sed "s|^|not_shipped: $lib holds |"
        bad=1
    fi
done
[ "$bad" -eq 0 ] && echo "not_shipped: no test hook or bundle generator in $*"
exit "$bad"
