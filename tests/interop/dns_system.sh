#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# dns_system.sh CLIENT: a blocking connection by name, resolved with the system's getaddrinfo()
# on a helper thread (src/core/resolve_gai.c), still ends at its deadline when the system's DNS
# server never answers (glibc alone would wait for resolv.conf's timeout:5 x attempts:2). The
# client runs in a private mount namespace whose /etc/resolv.conf names a silent server on
# 127.0.0.77:53. Skipped (77) where that cannot be set up (no unshare or mount rights, port 53
# taken). Bounds on the elapsed time, as tests/interop/async.sh's deadline cases.
set -u
client=$1
skip() {
    echo "dns_system: $1, skipped"
    exit 77
}
command -v unshare >/dev/null || skip "no unshare"
unshare -m sh -c 'mount --bind /dev/null /etc/hostname' 2>/dev/null || skip "no private mount namespace"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/esp-tls-dns.XXXXXX")
dns=""
trap '[ -n "$dns" ] && kill $dns 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
/usr/bin/python3 - "$tmp/ready" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.bind(("127.0.0.77", 53))
except OSError:
    sys.exit(1)
open(sys.argv[1], "w").close()
time.sleep(60)  # reads nothing: every query stays unanswered
PY
dns=$!
i=0
while [ ! -f "$tmp/ready" ] && [ $i -lt 50 ] && kill -0 $dns 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
[ -f "$tmp/ready" ] || skip "cannot bind 127.0.0.77:53"
printf 'nameserver 127.0.0.77\noptions timeout:5 attempts:2\n' >"$tmp/resolv.conf"

start=$(date +%s%N)
# shellcheck disable=SC2016 # expanded by the inner shell, inside the namespace
RESOLV=$tmp/resolv.conf CLIENT=$client unshare -m sh -c \
    'mount --bind "$RESOLV" /etc/resolv.conf && exec "$CLIENT" --host nowhere.test --port 443 --timeout 1000' \
    >"$tmp/out" 2>&1
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
if [ $rc -eq 1 ] && grep -q '^last_error=0x8006' "$tmp/out" && [ $ms -ge 900 ] && [ $ms -le 2900 ]; then
    echo "PASS sync_system_dns_deadline ($ms ms)"
    exit 0
fi
echo "FAIL sync_system_dns_deadline: exit=$rc after $ms ms (expected 1, last_error=0x8006, 900..2900 ms)"
sed 's/^/    out| /' "$tmp/out"
exit 1
