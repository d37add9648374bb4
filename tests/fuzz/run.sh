#!/bin/sh
# run.sh [SECONDS] [TARGET]: build a libFuzzer target with clang (-fsanitize=fuzzer,address,
# undefined) and fuzz it, starting from its committed corpus (tests/fuzz/corpus/TARGET).
# Default: 60 seconds of fuzz_bundle. New inputs go to build/fuzz/TARGET/corpus (the committed
# corpus is not changed); a crash leaves crash-* there: copy it into the corpus once fixed,
# so that the replay test (ctest unit.bundle.fuzz_replay) keeps it fixed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${1:-60}
target=${2:-fuzz_bundle}
CC=${CC:-clang}
command -v "$CC" >/dev/null || { echo "run.sh: $CC not found (Debian: clang)" >&2; exit 77; }
out=$top/build/fuzz/$target
mkdir -p "$out/corpus"
case $target in
fuzz_bundle) srcs="$top/src/bundle/bundle_format.c" corpus=$here/corpus/bundle ;;
fuzz_url)
    # url.c logs through esp_log, which needs the generated sdkconfig.h of a build
    cfg=$(ls -d "$top"/build/*/config 2>/dev/null | head -n 1)
    [ -n "$cfg" ] || { echo "run.sh: build the project first (make)" >&2; exit 2; }
    srcs="$top/src/core/url.c $top/src/port/log.c -I $cfg" corpus=$here/corpus/url
    ;;
*) echo "run.sh: unknown target $target" >&2; exit 2 ;;
esac
# shellcheck disable=SC2086 # srcs is a list
"$CC" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -I "$top/src" -I "$top/include" "$here/$target.c" $srcs -o "$out/$target"
cd "$out"
"./$target" -max_total_time="$secs" -max_len=4096 corpus "$corpus"
