#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gen.sh OUTDIR: generates a throw-away test PKI for the interop tests and the demo.
# POSIX sh + the openssl CLI only. Nothing here is ever committed: the files are made at
# test time. Idempotent: if OUTDIR/.done exists and no certificate that should be valid
# expires within a day, it does nothing. Prints nothing on success.
#
# Files (PEM unless noted), for ALG in rsa (RSA-2048) and ec (P-256):
#   ca-ALG.crt/.key/.der      root "esp-tls Test Root RSA" / "esp-tls Test Root EC"
#   server-ALG.crt/.key       CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1, 30 days
#   client-ALG.crt/.key       CN=esp-tls-client, extendedKeyUsage clientAuth
#   client-ALG-enc.key        client key, PKCS#8 encrypted (AES-256, "esp-tls-pass")
#   client-ALG-enc-trad.key   client key, legacy PEM encryption (AES-256-CBC, same password)
#                             (both fail the padding check with the password "wrong-pass")
#   expired-ALG.crt/.key      server cert valid 2020-01-01 .. 2020-02-01 (via `openssl ca`)
# and, RSA only:
#   noip-rsa.crt/.key         CN=localhost, SAN DNS:localhost only (no IP SAN)
#   wrong-rsa.crt/.key        CN=wrong.example, SAN DNS:wrong.example
#   other-ca.crt/.key         an untrusted root "esp-tls Test Other Root"
#   other-server.crt/.key     localhost server cert signed by the other root
#   other-client.crt/.key     client cert signed by the other root
# and, EC:
#   selfsigned-v1.crt/.key    an X.509 v1 self-signed certificate (no extensions, so no SAN),
#                             CN=localhost: what ESP-IDF's https_request example pins
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
OUT=$1
PASS=esp-tls-pass
# Certificates that must be currently valid (checked for idempotency).
VALID="ca-rsa ca-ec server-rsa server-ec client-rsa client-ec noip-rsa wrong-rsa other-ca
other-server other-client selfsigned-v1"

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
    echo "gen.sh: $*" >&2
    echo "--- $LOG:" >&2
    cat "$LOG" >&2
    exit 1
}

# run CMD...: runs an openssl command with its chatter going to the log.
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

newroot() { # ALG NAME "CN"
    newkey "$1" "$OUT/$2.key"
    run openssl req -new -x509 -key "$OUT/$2.key" -out "$OUT/$2.crt" -days 3650 -sha256 \
        -subj "/O=esp-tls tests/CN=$3" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash"
}

# ext file for leaf certificates
leafext() { # FILE KIND SAN ALG
    {
        echo "basicConstraints=critical,CA:FALSE"
        echo "subjectKeyIdentifier=hash"
        echo "authorityKeyIdentifier=keyid"
        if [ "$2" = server ]; then
            if [ "$4" = rsa ]; then
                echo "keyUsage=critical,digitalSignature,keyEncipherment"
            else
                echo "keyUsage=critical,digitalSignature"
            fi
            echo "extendedKeyUsage=serverAuth"
            echo "subjectAltName=$3"
        else
            echo "keyUsage=critical,digitalSignature"
            echo "extendedKeyUsage=clientAuth"
        fi
    } >"$1"
}

newleaf() { # ALG NAME CA KIND CN SAN
    newkey "$1" "$OUT/$2.key"
    leafext "$OUT/$2.ext" "$4" "${6:-}" "$1"
    run openssl req -new -key "$OUT/$2.key" -out "$OUT/$2.csr" -subj "/O=esp-tls tests/CN=$5"
    run openssl x509 -req -in "$OUT/$2.csr" -CA "$OUT/$3.crt" -CAkey "$OUT/$3.key" \
        -CAcreateserial -CAserial "$OUT/$3.srl" -days 30 -sha256 -extfile "$OUT/$2.ext" \
        -out "$OUT/$2.crt"
    rm -f "$OUT/$2.csr" "$OUT/$2.ext"
}

# An expired certificate: openssl 3.0 `x509 -req` cannot set dates in the past,
# `openssl ca` can (-startdate/-enddate).
newexpired() { # ALG NAME CA
    newkey "$1" "$OUT/$2.key"
    d="$OUT/ca-db-$3"
    rm -rf "$d"
    mkdir -p "$d/new"
    : >"$d/index.txt"
    echo 1000 >"$d/serial"
    cat >"$d/ca.cnf" <<EOF
[ ca ]
default_ca = testca
[ testca ]
dir = $d
database = $d/index.txt
new_certs_dir = $d/new
serial = $d/serial
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
email_in_dn = no
x509_extensions = expired_ext
[ anything ]
organizationName = optional
commonName = supplied
[ expired_ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
EOF
    run openssl req -new -key "$OUT/$2.key" -out "$d/$2.csr" -subj "/O=esp-tls tests/CN=localhost"
    run openssl ca -batch -config "$d/ca.cnf" -cert "$OUT/$3.crt" -keyfile "$OUT/$3.key" \
        -startdate 20200101000000Z -enddate 20200201000000Z -notext \
        -in "$d/$2.csr" -out "$OUT/$2.crt"
    rm -rf "$d"
}

# newv1 NAME CN: a self-signed X.509 v1 certificate (`x509 -req` without extensions gives v1).
newv1() {
    newkey ec "$OUT/$1.key"
    run openssl req -new -key "$OUT/$1.key" -out "$OUT/$1.csr" -subj "/O=esp-tls tests/CN=$2"
    run openssl x509 -req -in "$OUT/$1.csr" -signkey "$OUT/$1.key" -days 3650 -sha256 \
        -out "$OUT/$1.crt"
    rm -f "$OUT/$1.csr"
    openssl x509 -in "$OUT/$1.crt" -noout -text | grep -q "Version: 1 (0x0)" ||
        fail "$1.crt is not an X.509 v1 certificate"
}

# encrypt IN OUT [-traditional]: AES-256 encryption of a key with $PASS. With a wrong
# password the decrypted padding is invalid except by chance (about 1 in 256), and then a
# parser reports a format error instead of a password mismatch. So that the "wrong password"
# tests are deterministic, re-encrypt (new salt and IV) until the wrong password $WRONG
# fails the padding check ("bad decrypt" from openssl, the same check Mbed TLS makes).
WRONG=wrong-pass
# wrong_pad_passes FILE: a legacy-PEM key (DEK-Info AES-256-CBC) that the wrong password
# decrypts to a last byte of 0: OpenSSL calls that "bad decrypt", Mbed TLS takes it as a padding
# of length 0 and then reports a malformed key (-0x0062) instead of a password mismatch, about
# 1 time in 256.
wrong_pad_passes() {
    grep -q '^DEK-Info:' "$1" || return 1
    /usr/bin/python3 - "$1" "$WRONG" <<'PYEOF'
import base64, hashlib, subprocess, sys
lines = open(sys.argv[1]).read().splitlines()
iv = [l.split(",", 1)[1].strip() for l in lines if l.startswith("DEK-Info:")][0]
body = base64.b64decode("".join(l for l in lines if l and not l.startswith("-----") and ":" not in l))
pw, salt = sys.argv[2].encode(), bytes.fromhex(iv)[:8]
d1 = hashlib.md5(pw + salt).digest()  # EVP_BytesToKey, MD5, one round
key = d1 + hashlib.md5(d1 + pw + salt).digest()
out = subprocess.run(["openssl", "enc", "-d", "-aes-256-cbc", "-nopad", "-K", key.hex(), "-iv", iv],
                     input=body, capture_output=True).stdout
sys.exit(0 if out and out[-1] == 0 else 1)
PYEOF
}

encrypt() {
    i=0
    while [ $i -lt 20 ]; do
        # shellcheck disable=SC2086 # $3: an optional flag, absent or one word
        run openssl pkey -in "$1" ${3:-} -aes256 -passout "pass:$PASS" -out "$2"
        if ! openssl pkey -in "$2" -passin "pass:$WRONG" -noout >"$OUT/wrong.log" 2>&1 &&
            grep -q "bad decrypt" "$OUT/wrong.log" && ! wrong_pad_passes "$2"; then
            rm -f "$OUT/wrong.log"
            return 0
        fi
        i=$((i + 1))
    done
    fail "could not make $2 fail cleanly with a wrong password"
}

SAN_LOCAL="DNS:localhost,IP:127.0.0.1,IP:::1"

for alg in rsa ec; do
    case $alg in rsa) label=RSA ;; ec) label=EC ;; esac
    newroot $alg ca-$alg "esp-tls Test Root $label"
    run openssl x509 -in "$OUT/ca-$alg.crt" -outform DER -out "$OUT/ca-$alg.der"
    newleaf $alg server-$alg ca-$alg server localhost "$SAN_LOCAL"
    newleaf $alg client-$alg ca-$alg client esp-tls-client
    encrypt "$OUT/client-$alg.key" "$OUT/client-$alg-enc.key"
    encrypt "$OUT/client-$alg.key" "$OUT/client-$alg-enc-trad.key" -traditional
    newexpired $alg expired-$alg ca-$alg
done

newleaf rsa noip-rsa ca-rsa server localhost "DNS:localhost"
newleaf rsa wrong-rsa ca-rsa server wrong.example "DNS:wrong.example"
newroot rsa other-ca "esp-tls Test Other Root"
newleaf rsa other-server other-ca server localhost "$SAN_LOCAL"
newleaf rsa other-client other-ca client esp-tls-client
newv1 selfsigned-v1 localhost

rm -f "$OUT"/*.srl
chmod 600 "$OUT"/*.key
: >"$OUT/.done"
up_to_date || fail "generated certificates do not verify as valid"
rm -f "$LOG"
exit 0
