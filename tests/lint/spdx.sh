#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# spdx.sh [SOURCE_DIR]: every source file of the tree carries the licence line.
#   C, C++ and headers (*.c, *.cpp, *.h): line 1 is "// SPDX-License-Identifier: Apache-2.0".
#   Every other file: line 1 is "# SPDX-License-Identifier: Apache-2.0", or line 2 after a
#   "#!" line (shell, python, cmake, CMakeLists.txt, Makefile, Kconfig, *.in, sdkconfig files,
#   dotfiles). A file of a new kind is checked as such unless an exemption below covers it.
# Exempt (generated or data files, and the licence texts themselves, see LICENSE and NOTICE):
#   LICENSE, NOTICE; prose (*.md, *.txt but CMakeLists.txt); certificates and keys (*.pem,
#   *.der, *.crt); binary and table fixtures (*.bin, *.csv); the fuzz corpora
#   (tests/fuzz/corpus/, tests/fuzz/upstream/).
# Files: the ones git tracks, or every file but build/ outside a git checkout.
set -eu
root=${1:-$(dirname "$0")/../..}
cd "$root"

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    list() { git ls-files; }
else
    list() { find . -path ./build -prune -o -path ./.git -prune -o -type f -print | sed 's|^\./||'; }
fi

C_LINE='// SPDX-License-Identifier: Apache-2.0'
HASH_LINE='# SPDX-License-Identifier: Apache-2.0'
bad=0
checked=0
for f in $(list); do
    case "$f" in
    LICENSE | NOTICE | *.md | *.pem | *.der | *.crt | *.bin | *.csv) continue ;;
    */CMakeLists.txt | CMakeLists.txt) ;;
    *.txt) continue ;;
    tests/fuzz/corpus/* | tests/fuzz/upstream/*) continue ;;
    esac
    [ -f "$f" ] || continue # deleted in the working tree, not yet committed
    checked=$((checked + 1))
    first=$(sed -n 1p "$f")
    case "$f" in
    *.c | *.h | *.cpp)
        [ "$first" = "$C_LINE" ] && continue
        echo "$f:1: first line is not '$C_LINE'"
        ;;
    *.[1-8])
        [ "$first" = ".\\\" SPDX-License-Identifier: Apache-2.0" ] && continue
        echo "$f:1: first line of a man page is not '.\\\" SPDX-License-Identifier: Apache-2.0'"
        ;;
    *)
        [ "$first" = "$HASH_LINE" ] && continue
        case "$first" in
        '#!'*) [ "$(sed -n 2p "$f")" = "$HASH_LINE" ] && continue ;;
        esac
        echo "$f:1: neither line 1 nor line 2 after a '#!' line is '$HASH_LINE'"
        ;;
    esac
    bad=$((bad + 1))
done
if [ "$bad" -ne 0 ]; then
    echo "spdx: $bad of $checked source files lack the SPDX line"
    exit 1
fi
echo "spdx: $checked source files carry the SPDX line"
