#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""no_constructors.py LIBRARY [READELF] [NM]: nothing of ours runs when the library is loaded.

Every entry of .init_array and .preinit_array (filled by relative relocations in a shared
library) is resolved to its symbol; the only one allowed is the toolchain's frame_dummy
(crtbegin.o). esp-tls sets up its allocator, clock hook and environment settings at first use
(src/mem/mem.h, src/port/time.c, src/port/log.c, src/backend/mbedtls/debug.c).
"""
import re
import subprocess
import sys

TOOLCHAIN = {"frame_dummy"}


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def main():
    so = sys.argv[1]
    readelf = sys.argv[2] if len(sys.argv) > 2 else "readelf"
    nm = sys.argv[3] if len(sys.argv) > 3 else "nm"
    sections = {}
    for line in run(readelf, "-SW", so).splitlines():
        m = re.search(r"\]\s+(\.\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", line)
        if m:
            sections[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16))
    ranges = [sections[s] for s in (".init_array", ".preinit_array", ".ctors") if s in sections]
    entries = []
    for line in run(readelf, "-rW", so).splitlines():
        f = line.split()
        if len(f) >= 4 and re.fullmatch(r"[0-9a-f]{8,}", f[0]) and "RELATIVE" in f[2]:
            where = int(f[0], 16)
            if any(a <= where < a + n for a, n in ranges):
                entries.append(int(f[-1], 16))
    names = {}
    for line in run(nm, so).splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tT":
            names.setdefault(int(f[0], 16), f[2])
    if not names:
        print("no_constructors: %s has no symbol table (stripped?): cannot tell" % so)
        return 1
    bad = []
    for e in entries:
        name = names.get(e, hex(e))
        if name not in TOOLCHAIN:
            bad.append(name)
    for name in bad:
        print("runs at load time: " + name)
    print("no_constructors: %d load-time entries, %d of ours" % (len(entries), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
