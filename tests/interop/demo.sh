#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# demo.sh ESP_TLS_TOOL: `make demo`. Generates the test PKI in build/demo-certs
# (tests/certs/gen.sh), then runs `esp-tls demo` on it (tools/cli/demo.c): an esp-tls server
# (TLS 1.3, client certificate required) and an esp-tls client on 127.0.0.1, the session's
# summary, then a name mismatch, its explanation and the fix. Exits non-zero if a step failed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 ESP_TLS_TOOL (the esp-tls executable, e.g. build/install/bin/esp-tls)" >&2
    exit 2
fi
D=$ROOT/build/demo-certs
sh "$ROOT/tests/certs/gen.sh" "$D" || { echo "DEMO FAILED: certificate generation failed"; exit 1; }
exec "$1" demo --certs "$D"
