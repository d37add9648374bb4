#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `make test`: every test, three ways.
#   1. the release build: unit + interop tests (ctest)
#   2. an ASan+UBSan build of the library, tests and client: the same ctest run
#   3. the insecure configuration (skip server verification), the lean preset
#      (configs/sdkconfig.lean: unit, interop and the Valgrind interop subset) and a build
#      against an existing Mbed TLS install
#   4. ThreadSanitizer over the threads test
#   5. Valgrind over the unit tests and an interop subset of the release build: a leak or
#      memory error fails the run
set -eu
cd "$(dirname "$0")/.."
JOBS=$(nproc)
fail=0

VG="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --show-leak-kinds=definite,indirect,possible"

step() { printf '\n=== %s ===\n' "$*"; }

step "release build: unit and interop tests"
ctest --test-dir build/release --output-on-failure -j"$JOBS" -LE valgrind || fail=1

step "ASan + UBSan build"
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DESP_TLS_SANITIZE=address,undefined \
    -DSDKCONFIG="$PWD/sdkconfig" >/dev/null
cmake --build build/asan -j"$JOBS" >/dev/null
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/asan --output-on-failure -j"$JOBS" -LE "valgrind|memstress" || fail=1

step "insecure configuration (CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY)"
cmake -S . -B build/test-insecure -DCMAKE_BUILD_TYPE=Debug -DSDKCONFIG="$PWD/build/test-insecure/sdkconfig" \
    -DSDKCONFIG_DEFAULTS="$PWD/sdkconfig.defaults;$PWD/tests/sdkconfig.insecure" >/dev/null
cmake --build build/test-insecure -j"$JOBS" >/dev/null
ctest --test-dir build/test-insecure --output-on-failure -j"$JOBS" -L insecure || fail=1

step "lean configuration (configs/sdkconfig.lean: dynamic buffers, data freed after use)"
cmake -S . -B build/lean -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSDKCONFIG="$PWD/build/lean/sdkconfig" \
    -DSDKCONFIG_DEFAULTS="$PWD/sdkconfig.defaults;$PWD/configs/sdkconfig.lean" >/dev/null
cmake --build build/lean -j"$JOBS" >/dev/null
ctest --test-dir build/lean --output-on-failure -j"$JOBS" -L 'unit|interop' -LE valgrind || fail=1
ESP_TLS_WRAP="$VG" ctest --test-dir build/lean --output-on-failure -L valgrind || fail=1

step "an existing Mbed TLS install (a build without dynamic buffers, installed)"
# the install and the build against it share one configuration: the defaults with dynamic
# buffers off (cmake/sdkconfig.extmbed), which a build against an install cannot have
cmake -S . -B build/extmbed-install -DCMAKE_BUILD_TYPE=RelWithDebInfo -DESP_TLS_BUILD_TESTS=OFF \
    -DSDKCONFIG="$PWD/build/extmbed-install/sdkconfig" \
    -DSDKCONFIG_DEFAULTS="$PWD/sdkconfig.defaults;$PWD/cmake/sdkconfig.extmbed" >/dev/null
cmake --build build/extmbed-install -j"$JOBS" >/dev/null
cmake --install build/extmbed-install --prefix "$PWD/build/extmbed-install/install" >/dev/null
# from scratch: the install's archives and their found paths are cached (find_library), and a
# build linked against another configuration's install crashes
rm -rf build/extmbed
cmake -S . -B build/extmbed -DCMAKE_BUILD_TYPE=Debug \
    -DESP_TLS_MBEDTLS_PREFIX="$PWD/build/extmbed-install/install" \
    -DSDKCONFIG="$PWD/build/extmbed/sdkconfig" >/dev/null
cmake --build build/extmbed -j"$JOBS" >/dev/null
ctest --test-dir build/extmbed --output-on-failure -j"$JOBS" -L unit || fail=1
ctest --test-dir build/extmbed --output-on-failure -R 'interop_(certs|matrix_openssl)' || fail=1

step "ThreadSanitizer: threads sharing the global CA store and the bundle"
cmake -S . -B build/tsan -DCMAKE_BUILD_TYPE=Debug -DESP_TLS_SANITIZE=thread \
    -DSDKCONFIG="$PWD/sdkconfig" >/dev/null
cmake --build build/tsan -j"$JOBS" --target unit_test_threads >/dev/null
TSAN_OPTIONS=halt_on_error=1 build/tsan/tests/unit/test_threads >/dev/null 2>build/tsan/threads.log ||
    { tail -n 60 build/tsan/threads.log; fail=1; }

step "Valgrind: unit tests and interop subset, zero leaks"
for t in $(find build/release/tests/unit -type f -perm -u+x -name 'test_*' | sort); do
    echo "valgrind $t"
    $VG "$t" >/dev/null || { echo "FAILED under valgrind: $t"; fail=1; }
done
ESP_TLS_WRAP="$VG" ctest --test-dir build/release --output-on-failure -L valgrind || fail=1

if [ "$fail" -ne 0 ]; then
    step "FAILED"
    exit 1
fi
step "all tests passed"
