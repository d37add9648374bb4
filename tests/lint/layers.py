#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""layers.py SOURCE_DIR: the include layers of src/ (docs/layout.md, "Layers").

Fails on
  - an #include "..." of a file of a higher layer than the including file's,
  - an include cycle between the folders of src/ (a folder is a top-level directory of src/;
    its subdirectories belong to it, e.g. src/backend/mbedtls/reach/ to src/backend/),
  - a backend or policy file that assigns what the core alone writes on a connection: its
    socket (sockfd), wait state (wait), retry flag (retried) or state (conn_state).

Only quoted includes that name a file of src/ (resolved from the including file's folder) are
edges; public headers (include/), Mbed TLS and system headers are not. A script rather than a
Debian tool: Debian ships include-what-you-use and clang-include-cleaner (unused includes) and
graph drawers, none of which checks an order of layers or folder cycles.
"""
import os
import re
import sys

# Lowest first. A file belongs to the first layer one of whose prefixes its path starts with.
LAYERS = [
    ("hostcrypto", ["src/hostcrypto/"]),  # below Mbed TLS: its public headers and libcrypto only
    ("port", ["src/port/"]),
    ("mem", ["src/mem/"]),
    ("conn", ["src/conn/"]),
    ("core-internal", ["src/core/bio.h", "src/core/backend.h", "src/core/test_hooks.h"]),
    ("diag", ["src/diag/"]),
    ("policy", ["src/policy/"]),
    ("backend", ["src/backend/"]),
    ("bundle", ["src/bundle/"]),
    ("core", ["src/core/"]),
    ("flash", ["src/flash/"]),
    ("ota", ["src/ota/"]),
    ("transport", ["src/transport/"]),
    ("http", ["src/http/"]),
    ("https_ota", ["src/https_ota/"]),
]

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
CORE_OWNED = re.compile(r"(?:\btls|\bowner)\s*->\s*(sockfd|wait|retried|conn_state)\s*=(?!=)")


def layer_of(path):
    for rank, (name, prefixes) in enumerate(LAYERS):
        if any(path == p or (p.endswith("/") and path.startswith(p)) for p in prefixes):
            return rank, name
    return None, None


def folder_of(path):
    parts = path.split("/")
    return parts[1] if len(parts) > 2 else "."


def sources(root):
    for d, _, names in os.walk(os.path.join(root, "src")):
        for n in sorted(names):
            if n.endswith((".c", ".h")):
                yield os.path.relpath(os.path.join(d, n), root)


def includes(root, path):
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
        for lineno, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if m:
                target = os.path.normpath(os.path.join(os.path.dirname(path), m.group(1)))
                if os.path.isfile(os.path.join(root, target)) and target.startswith("src/"):
                    yield lineno, target


def find_cycle(graph):
    """One cycle of @graph (folder -> set of folders) as a list, or None."""
    state = {}
    stack = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    bad = []
    graph = {}
    for path in sources(root):
        rank, name = layer_of(path)
        if rank is None:
            bad.append(f"{path}: in no layer (add its folder to LAYERS and docs/layout.md)")
            continue
        for lineno, target in includes(root, path):
            trank, tname = layer_of(target)
            if trank is not None and trank > rank:
                bad.append(f"{path}:{lineno}: includes {target} upward ({name} < {tname})")
            if folder_of(target) != folder_of(path):
                graph.setdefault(folder_of(path), set()).add(folder_of(target))
        if name in ("backend", "policy"):
            with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
                for lineno, line in enumerate(f, 1):
                    m = CORE_OWNED.search(line)
                    if m:
                        bad.append(f"{path}:{lineno}: assigns tls->{m.group(1)}, which only "
                                   "the core writes")
    cycle = find_cycle(graph)
    if cycle:
        bad.append("include cycle between folders of src/: " + " -> ".join(cycle))
    for line in bad:
        print("layers: " + line)
    if not bad:
        order = " < ".join(name for name, _ in LAYERS)
        print(f"layers: no upward include, no folder cycle ({order})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
