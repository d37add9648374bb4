#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gen-bundle.sh OUTDIR: a throw-away PKI for the certificate bundle tests (unit tests in
# tests/unit/bundle, interop tests/interop/bundle.sh, bench/bundle_mem.sh). POSIX sh + the
# openssl CLI only; nothing here is committed. Idempotent: if OUTDIR/.done exists and no
# certificate expires within a day, it does nothing. Prints nothing on success.
#
# Chains (leaf CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1, 30 days; roots 10 years):
#   root.crt            "esp-tls Bundle Test Root" (RSA-2048)
#     int.crt           intermediate, SHA-256           leaf.crt/.key      chain: chain.pem
#     int-pss.crt       intermediate signed RSASSA-PSS  leaf-pss.crt/.key  chain: chain-pss.pem
#     int-sha1.crt      intermediate signed with SHA-1  leaf-sha1.crt/.key chain: chain-sha1.pem
#     leaf-direct.crt   leaf signed by the root itself
#     leaf-weak.crt     leaf signed by int with SHA-1 (a weak hash below the anchored link)
#   root-ec.crt         "esp-tls Bundle Test Root EC" (P-256)
#     int-ec.crt                                        leaf-ec.crt/.key   chain: chain-ec.pem
#   other-root.crt      "esp-tls Bundle Other Root" (RSA), never in a bundle
#     other-int.crt                                     other-leaf.crt/.key chain: other-chain.pem
#   Cross-signed: r1.crt "esp-tls Bundle Old Root R1" (not in bundles), r2.crt self-signed
#   "esp-tls Bundle New Root R2" (P-256), r2-cross.crt = R2's name and key issued by R1,
#     x-int.crt issued by R2                           x-leaf.crt/.key
#   r2b.crt, r2c.crt: more self-signed "esp-tls Bundle New Root R2", each with another key
#     (re-keyed roots: one name, several keys)
#     x-chain.pem = x-int + r2-cross (what the server sends after its leaf, as public servers
#     did with ISRG Root X1 cross-signed by DST Root CA X3)
#     x-chain-other.pem = x-int + r2c (a certificate named R2 that no bundle holds)
# Every chain-*.pem holds the certificates a server sends after its leaf (openssl s_server
# -cert_chain); full-*.pem hold leaf + chain.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
OUT=$1
VALID="root int int-pss int-sha1 leaf leaf-pss leaf-sha1 leaf-direct leaf-weak root-ec int-ec
leaf-ec other-root other-int other-leaf r1 r2 r2b r2c r2-cross x-int x-leaf"

up_to_date() {
    [ -f "$OUT/.done" ] || return 1
    for c in $VALID; do
        [ -f "$OUT/$c.crt" ] || return 1
        openssl x509 -noout -checkend 86400 -in "$OUT/$c.crt" >/dev/null 2>&1 || return 1
    done
    return 0
}

up_to_date && exit 0

mkdir -p "$OUT"
LOG="$OUT/gen.log"
: >"$LOG"
rm -f "$OUT/.done"

fail() {
    echo "gen-bundle.sh: $*" >&2
    echo "--- $LOG:" >&2
    cat "$LOG" >&2
    exit 1
}

run() {
    echo "+ $*" >>"$LOG"
    "$@" >>"$LOG" 2>&1 || fail "failed: $*"
}

newkey() { # ALG FILE
    case $1 in
    rsa) run openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$2" ;;
    ec) run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
        -pkeyopt ec_param_enc:named_curve -out "$2" ;;
    *) fail "unknown key type $1" ;;
    esac
}

CA_EXT="basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash"

selfsigned() { # NAME "CN" (key NAME.key exists)
    run openssl req -new -x509 -key "$OUT/$1.key" -out "$OUT/$1.crt" -days 3650 -sha256 \
        -subj "/O=esp-tls tests/CN=$2" -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" -addext "subjectKeyIdentifier=hash"
}

# issue NAME "CN" ISSUER KIND [openssl x509 signing options]: NAME.key must exist; KIND is
# ca or leaf. Signs a CSR of NAME.key with ISSUER.crt/.key.
issue() {
    name=$1 cn=$2 issuer=$3 kind=$4
    shift 4
    if [ "$kind" = ca ]; then
        printf '%s\nauthorityKeyIdentifier=keyid\n' "$CA_EXT" >"$OUT/$name.ext"
        days=3650
    else
        cat >"$OUT/$name.ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
EOF
        days=30
    fi
    run openssl req -new -key "$OUT/$name.key" -out "$OUT/$name.csr" -subj "/O=esp-tls tests/CN=$cn"
    run openssl x509 -req -in "$OUT/$name.csr" -CA "$OUT/$issuer.crt" -CAkey "$OUT/$issuer.key" \
        -CAcreateserial -CAserial "$OUT/$issuer.srl" -days $days -extfile "$OUT/$name.ext" \
        -out "$OUT/$name.crt" "$@"
    rm -f "$OUT/$name.csr" "$OUT/$name.ext"
}

chain() { # FILE CERT...: concatenated certificates
    f=$1
    shift
    : >"$OUT/$f"
    for c in "$@"; do
        cat "$OUT/$c.crt" >>"$OUT/$f"
    done
}

# RSA root and its chains
newkey rsa "$OUT/root.key"
selfsigned root "esp-tls Bundle Test Root"
newkey rsa "$OUT/int.key"
issue int "esp-tls Bundle Test Intermediate" root ca -sha256
newkey rsa "$OUT/leaf.key"
issue leaf localhost int leaf -sha256
newkey rsa "$OUT/int-pss.key"
issue int-pss "esp-tls Bundle Test Intermediate PSS" root ca -sha256 \
    -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
newkey rsa "$OUT/leaf-pss.key"
issue leaf-pss localhost int-pss leaf -sha256
newkey rsa "$OUT/int-sha1.key"
issue int-sha1 "esp-tls Bundle Test Intermediate SHA1" root ca -sha1
newkey rsa "$OUT/leaf-sha1.key"
issue leaf-sha1 localhost int-sha1 leaf -sha256
newkey rsa "$OUT/leaf-direct.key"
issue leaf-direct localhost root leaf -sha256
newkey rsa "$OUT/leaf-weak.key"
issue leaf-weak localhost int leaf -sha1

# EC root
newkey ec "$OUT/root-ec.key"
selfsigned root-ec "esp-tls Bundle Test Root EC"
newkey ec "$OUT/int-ec.key"
issue int-ec "esp-tls Bundle Test Intermediate EC" root-ec ca -sha256
newkey ec "$OUT/leaf-ec.key"
issue leaf-ec localhost int-ec leaf -sha256

# A root that no bundle holds
newkey rsa "$OUT/other-root.key"
selfsigned other-root "esp-tls Bundle Other Root"
newkey rsa "$OUT/other-int.key"
issue other-int "esp-tls Bundle Other Intermediate" other-root ca -sha256
newkey rsa "$OUT/other-leaf.key"
issue other-leaf localhost other-int leaf -sha256

# Cross-signed: R2 self-signed, and R2 issued by R1
newkey rsa "$OUT/r1.key"
selfsigned r1 "esp-tls Bundle Old Root R1"
newkey ec "$OUT/r2.key"
selfsigned r2 "esp-tls Bundle New Root R2"
cp "$OUT/r2.key" "$OUT/r2-cross.key" # the same key: R2 cross-signed by R1
issue r2-cross "esp-tls Bundle New Root R2" r1 ca -sha256
newkey ec "$OUT/r2b.key"
selfsigned r2b "esp-tls Bundle New Root R2"
newkey ec "$OUT/r2c.key"
selfsigned r2c "esp-tls Bundle New Root R2"
newkey ec "$OUT/x-int.key"
issue x-int "esp-tls Bundle Cross Intermediate" r2 ca -sha256
newkey ec "$OUT/x-leaf.key"
issue x-leaf localhost x-int leaf -sha256

chain chain.pem int
chain chain-pss.pem int-pss
chain chain-sha1.pem int-sha1
chain chain-ec.pem int-ec
chain other-chain.pem other-int
chain x-chain.pem x-int r2-cross
chain x-chain-other.pem x-int r2c
chain full.pem leaf int
chain full-x.pem x-leaf x-int r2-cross

rm -f "$OUT"/*.srl
chmod 600 "$OUT"/*.key
: >"$OUT/.done"
up_to_date || fail "generated certificates do not verify as valid"
rm -f "$LOG"
exit 0
