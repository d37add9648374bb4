# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=sh
# Sourced by the bench scripts: stock_prog NAME prints the path of Mbed TLS's own
# programs/ssl/NAME (ssl_client2, ssl_server2), built once from build/deps/mbedtls-src with its
# stock configuration into $BENCH_STOCK_DIR (default build/bench-stock).
stock_prog() {
    _dir=${BENCH_STOCK_DIR:-build/bench-stock}
    if [ ! -x "$_dir/programs/ssl/$1" ]; then
        cmake -S build/deps/mbedtls-src -B "$_dir" -DCMAKE_BUILD_TYPE=Release -DENABLE_TESTING=OFF \
            -DENABLE_PROGRAMS=ON -DUSE_SHARED_MBEDTLS_LIBRARY=OFF >/dev/null
        cmake --build "$_dir" -j"${JOBS:-2}" --target "$1" >/dev/null
    fi
    echo "$_dir/programs/ssl/$1"
}
