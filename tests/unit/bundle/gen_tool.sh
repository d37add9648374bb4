#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gen_tool.sh GEN FIXTURES: the generator's command line (tools/bundle/esp_crt_bundle_gen):
# ESP-IDF's options give the committed fixtures byte for byte, errors exit 1 with a message
# that names the file, a failed run leaves the previous output untouched, bad usage exits 2.
set -u
gen=${1:?usage: gen_tool.sh GEN FIXTURES}
fx=${2:?usage: gen_tool.sh GEN FIXTURES}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/esp-tls-gen-tool.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
ok() { echo "PASS $1"; }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }

# expect NAME STATUS TEXT CMD...: exit status and a text in stderr ("" for none)
expect() {
    name=$1 want=$2 text=$3
    shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        bad "$name: exit $got, expected $want"
        sed 's/^/    | /' "$tmp/err"
    elif [ -n "$text" ] && ! grep -Fq -- "$text" "$tmp/err"; then
        bad "$name: no '$text' in stderr"
        sed 's/^/    | /' "$tmp/err"
    else
        ok "$name"
    fi
}
same() { # NAME FILE FIXTURE
    if cmp -s "$2" "$fx/$3"; then ok "$1"; else bad "$1: $2 differs from $3"; fi
}

cd "$tmp" || exit 1
six="$fx/root-a-rsa.pem $fx/root-b-ec.pem $fx/root-c-ec384.der $fx/root-d-rsa-pss.pem $fx/root-e1.pem $fx/root-e2.pem"
# shellcheck disable=SC2086 # a list of files
expect "default output name (x509_crt_bundle), --input with several paths" 0 "" "$gen" -q --input $six
same "offset-table bundle equals the fixture" x509_crt_bundle expected.bin
# shellcheck disable=SC2086
expect "--legacy" 0 "" "$gen" -q --legacy -o legacy.bin $six
same "legacy bundle equals the fixture" legacy.bin expected-legacy.bin
expect "--filter" 0 "" "$gen" -q -f "$fx/filter.csv" -i "$fx/list.pem" -o filtered.bin
same "filtered bundle equals the fixture" filtered.bin expected-filtered.bin
expect "a directory (README.txt skipped with a warning)" 0 "README.txt: skipped" \
    "$gen" -q -o dir.bin "$fx/dir"
same "directory bundle equals the fixture" dir.bin expected-dir.bin
expect "--c-source" 0 "" "$gen" -q -o c.bin --c-source c.c --symbol my_bundle "$fx/dir"
if grep -q "const uint8_t my_bundle\[588\]" c.c && grep -q "my_bundle_size = 588;" c.c; then
    ok "C source defines the array and its size"
else
    bad "C source: $(head -c 300 c.c)"
fi

cp dir.bin keep.bin
printf 'hello\n' >not-a-cert.pem
expect "non-certificate PEM names the file" 1 "not-a-cert.pem: no PEM certificate" \
    "$gen" -q -o keep.bin not-a-cert.pem
same "a failed run leaves the output untouched" keep.bin expected-dir.bin
if [ "$(find . -name 'keep.bin.tmp-*' | wc -l)" -eq 0 ]; then ok "no temporary file left"; else bad "temporary file left"; fi
expect "--max-certs exceeded names the file" 1 "list.pem: certificate #3 is one more than the maximum of 2" \
    "$gen" -q -m 2 -o x.bin "$fx/list.pem"
printf 'Owner,Label\nx,Nope\n' >f.csv
expect "unknown filter label names the CSV and line" 1 'f.csv:2: label "Nope" matches no certificate' \
    "$gen" -q -f f.csv -o x.bin "$fx/list.pem"
expect "missing input" 1 "nowhere.pem: No such file or directory" "$gen" -q nowhere.pem
expect "unsupported extension named explicitly" 1 "unsupported file type" "$gen" -q "$fx/README.md"
# A bundle entry is a name and a key with no constraints: only CA certificates go in
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key \
    -out leaf.pem -subj "/CN=server.example" -days 2 \
    -addext "basicConstraints=critical,CA:FALSE" >/dev/null 2>&1; then
    expect "a certificate that is not a CA is refused, named" 1 \
        "leaf.pem: certificate #1 (CN=server.example) is not a CA" "$gen" -q -o leaf.bin leaf.pem
    [ ! -e leaf.bin ] && ok "no output for a refused input" || bad "leaf.bin written"
    expect "--allow-non-ca keeps it, with a warning" 0 "kept because of --allow-non-ca" \
        "$gen" --allow-non-ca -o leaf.bin leaf.pem
    [ -s leaf.bin ] && ok "--allow-non-ca output written" || bad "no leaf.bin"
else
    bad "openssl could not make a test certificate"
fi
expect "no input is a usage error" 2 "usage:" "$gen"
expect "--max-certs 0 is a usage error" 2 "positive number" "$gen" -m 0 "$fx/list.pem"
expect "--allow-empty without inputs" 0 "" "$gen" -q --allow-empty -o empty.bin
if [ -f empty.bin ] && [ ! -s empty.bin ]; then ok "empty bundle written"; else bad "empty bundle"; fi

echo "gen_tool: $fails failed"
[ "$fails" -eq 0 ]
