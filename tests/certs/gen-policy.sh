#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gen-policy.sh OUTDIR: a throw-away EC P-256 PKI for the certificate policy tests (unit test
# unit.policy, interop policy.sh). POSIX sh + the openssl CLI; nothing is committed.
# Idempotent: does nothing if OUTDIR/.done-2 exists and is less than a day old.
#
# root.crt                       the trust anchor
# nc-ca.crt    (root)            critical nameConstraints: permitted DNS good.example and
#                                IP 10.0.0.0/8, excluded DNS bad.good.example
# dn-ca.crt    (root)            permitted directoryName O=Good
# ica.crt      (root)            a plain intermediate
# noski-ca / bcnc-ca             an intermediate without SKI / with non-critical
#                                basicConstraints
# under nc-ca:  nc-good (www.good.example) nc-evil (www.evil.example) nc-excl
#               (x.bad.good.example) nc-ip-good (10.1.2.3) nc-ip-evil (192.168.1.1)
# under dn-ca:  dn-good (O=Good) dn-evil (O=Evil)
# under ica:    leaf (ok.example) nosan (CN ok.example only) kcs (keyCertSign) noaki
#               wild (*.ok.example) badwild (f*o.ok.example) ipdns (DNS:10.0.0.1)
#               caleaf (CA:TRUE) eku-client (clientAuth only)
# under noski-ca, bcnc-ca: leaf-noski, leaf-bcnc (ok.example)
# nc-twin.crt  (root)            nc-ca's subject and key, without nameConstraints; with it,
#                                nc-twin.chain.pem (nc-ca.crt then nc-twin.crt): two
#                                candidate issuers, the first one forbids www.evil.example
#                                (path building must go back and take the second);
#                                nc-alt.chain.pem: nc-evil then both
# loop1..6.crt                   self-issued CAs of one name and key; loop-leaf under loop1,
#                                loop-leaf.chain.pem holds all seven (candidate paths loop)
# Every NAME.crt has NAME.key; chains are leaf then its intermediate (NAME.chain.pem).
set -eu
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
OUT=$1
if [ -f "$OUT/.done-2" ] && [ -z "$(find "$OUT/.done-2" -mmin +1380)" ]; then
    exit 0
fi
mkdir -p "$OUT"
cd "$OUT"
rm -f .done .done-2
LOG=gen.log
: >$LOG

cat >ext.cnf <<'CNF'
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[nc]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
nameConstraints = critical,permitted;DNS:good.example,permitted;IP:10.0.0.0/255.0.0.0,excluded;DNS:bad.good.example
[dn]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
nameConstraints = critical,permitted;dirName:dn_good
[dn_good]
O = Good
[noski]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign
subjectKeyIdentifier = none
[bcnc]
basicConstraints = CA:TRUE
keyUsage = critical,keyCertSign
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $ENV::SAN
[nosan]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
[kcs]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyCertSign
subjectAltName = DNS:ok.example
[noaki]
basicConstraints = critical,CA:FALSE
subjectAltName = DNS:ok.example
authorityKeyIdentifier = none
[caleaf]
basicConstraints = critical,CA:TRUE
subjectAltName = DNS:ok.example
[ekuclient]
basicConstraints = critical,CA:FALSE
extendedKeyUsage = clientAuth
subjectAltName = DNS:ok.example
CNF

run() {
    echo "+ $*" >>$LOG
    "$@" >>$LOG 2>&1 || { echo "gen-policy.sh: failed: $*" >&2; cat $LOG >&2; exit 1; }
}

# cert NAME SUBJECT ISSUER SECTION [SAN]: NAME.key/.crt signed by ISSUER (self for "self")
cert() {
    SAN=${5:-DNS:unused.example}
    export SAN
    run openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
        -out "$1.csr" -subj "$2"
    if [ "$3" = self ]; then
        run openssl x509 -req -in "$1.csr" -signkey "$1.key" -out "$1.crt" -days 30 \
            -extfile ext.cnf -extensions "$4"
    else
        run openssl x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial \
            -out "$1.crt" -days 30 -extfile ext.cnf -extensions "$4"
        cat "$1.crt" "$3.crt" >"$1.chain.pem"
    fi
    rm -f "$1.csr"
}

cert root "/CN=policy root" self ca
for ca in nc dn noski bcnc; do
    cert "$ca-ca" "/CN=policy $ca CA" root "$ca"
done
cert ica "/CN=policy intermediate" root ca
run openssl req -new -key nc-ca.key -out nc-twin.csr -subj "/CN=policy nc CA"
run openssl x509 -req -in nc-twin.csr -CA root.crt -CAkey root.key -CAcreateserial \
    -out nc-twin.crt -days 30 -extfile ext.cnf -extensions ca
rm -f nc-twin.csr
cat nc-ca.crt nc-twin.crt >nc-twin.chain.pem
# six self-issued CAs of one name and key, and a leaf under them: candidate paths loop
run openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout loop.key \
    -out loop.csr -subj "/CN=policy loop CA"
for i in 1 2 3 4 5 6; do
    run openssl x509 -req -in loop.csr -signkey loop.key -set_serial "$i" -out "loop$i.crt" \
        -days 30 -extfile ext.cnf -extensions ca
    cp loop.key "loop$i.key"
done
rm -f loop.csr
cert nc-good "/CN=www.good.example" nc-ca leaf DNS:www.good.example
cert nc-evil "/CN=www.evil.example" nc-ca leaf DNS:www.evil.example
cert nc-excl "/CN=x.bad.good.example" nc-ca leaf DNS:x.bad.good.example
cert nc-ip-good "/CN=10.1.2.3" nc-ca leaf IP:10.1.2.3
cert nc-ip-evil "/CN=192.168.1.1" nc-ca leaf IP:192.168.1.1
cert dn-good "/O=Good/CN=ok.example" dn-ca leaf DNS:ok.example
cert dn-evil "/O=Evil/CN=ok.example" dn-ca leaf DNS:ok.example
cert leaf "/CN=ok.example" ica leaf DNS:ok.example
cert nosan "/CN=ok.example" ica nosan
cert kcs "/CN=ok.example" ica kcs
cert noaki "/CN=ok.example" ica noaki
cert wild "/CN=wild" ica leaf "DNS:*.ok.example"
cert loop-leaf "/CN=ok.example" loop1 leaf DNS:ok.example
cat loop-leaf.crt loop1.crt loop2.crt loop3.crt loop4.crt loop5.crt loop6.crt >loop-leaf.chain.pem
cat nc-evil.crt nc-twin.chain.pem >nc-alt.chain.pem
cert badwild "/CN=badwild" ica leaf "DNS:f*o.ok.example"
cert ipdns "/CN=ipdns" ica leaf "DNS:10.0.0.1"
cert caleaf "/CN=ok.example" ica caleaf
cert eku-client "/CN=ok.example" ica ekuclient
cert leaf-noski "/CN=ok.example" noski-ca leaf DNS:ok.example
cert leaf-bcnc "/CN=ok.example" bcnc-ca leaf DNS:ok.example
touch .done-2
