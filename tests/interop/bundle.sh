#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bundle.sh CLIENT CERTDIR GEN BUNDLECERTS MODE BUILTIN: the certificate bundle against real
# servers.
#   CLIENT       the example client (--bundle FILE: esp_crt_bundle_set(); --bundle-default: the
#                built-in bundle; both set crt_bundle_attach = esp_crt_bundle_attach)
#   CERTDIR      the interop PKI (tests/certs/gen.sh)
#   GEN          the generator tool (esp_crt_bundle_gen): the bundles are made here from the
#                test roots, the way a user makes a custom bundle
#   BUNDLECERTS  the bundle PKI (tests/certs/gen-bundle.sh): cross-signed chains
#   MODE         cross (CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_CROSS_SIGNED_VERIFY=y) or default
#   BUILTIN      builtin (the library has a built-in bundle) or none
# Servers listen on 127.0.0.1; the client connects to "localhost" so that Mbed TLS checks the
# name. Codes: 0x801a handshake failed, tls_code 0x2700 verification failed, flags 0x08 not
# trusted, 0x04 name mismatch, 0x01 expired.
if [ $# -ne 6 ]; then
    echo "usage: $0 CLIENT CERTDIR GEN BUNDLECERTS MODE BUILTIN" >&2
    exit 2
fi
GEN=$3
BC=$4
MODE=$5
BUILTIN=$6
set -- "$1" "$2"
. "$(dirname "$0")/lib.sh"
it_init "$@"
[ -x "$GEN" ] || { echo "interop: generator $GEN is not executable" >&2; exit 2; }
[ -f "$BC/.done" ] || { echo "interop: no bundle PKI in $BC (tests/certs/gen-bundle.sh)" >&2; exit 2; }

# openssl s_server with a leaf of the bundle PKI and the chain it sends after it
osslb() {
    leaf=$1
    chain=$2
    shift 2
    exec openssl s_server -accept "127.0.0.1:$PORT" -cert "$BC/$leaf.crt" -key "$BC/$leaf.key" \
        -cert_chain "$BC/$chain" -www "$@"
}

B=$IT_TMP/bundles
mkdir -p "$B"
mk() { # OUT ARGS...: a bundle made by the generator
    out=$1
    shift
    "$GEN" -q -o "$B/$out" "$@" || { echo "interop: esp_crt_bundle_gen failed: $*" >&2; exit 1; }
}
mk test.bundle "$D/ca-rsa.crt" "$D/ca-ec.der"
mk test-legacy.bundle --legacy "$D/ca-rsa.crt" "$D/ca-ec.der"
mk r2.bundle "$BC/r2.crt" "$BC/root.crt"
if [ -d /usr/share/ca-certificates/mozilla ]; then
    mk mozilla-and-test.bundle /usr/share/ca-certificates/mozilla --add "$D/ca-rsa.crt"
else
    mk mozilla-and-test.bundle /etc/ssl/certs/ca-certificates.crt --add "$D/ca-rsa.crt"
fi
head -c 100 "$B/test.bundle" >"$B/truncated.bundle"

if [ "$MODE" = cross ]; then
    CROSS="result=1 exit=0"
else
    CROSS="result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x8"
fi

# Without a built-in bundle, attach fails ("Failed to attach bundle") and Mbed TLS has no CA.
if [ "$BUILTIN" = builtin ]; then
    NOBUILTIN="result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x8 stderr~No%20matching%20trusted%20root"
else
    NOBUILTIN="result=-1 exit=1 last_error=0x801a stderr~Failed%20to%20attach%20bundle"
fi

run_table <<EOF
# --- a custom bundle holding the test roots ---
rsa_tls13            | ossl server-rsa      | --host localhost --port \$PORT --bundle $B/test.bundle --tls13 --send "\$GET" --expect HTTP/1.0 \
  | bundle_set=ESP_OK result=1 exit=0 version=TLSv1.3 expect=found
rsa_tls12            | ossl server-rsa      | --host localhost --port \$PORT --bundle $B/test.bundle --tls12 \
  | bundle_set=ESP_OK result=1 exit=0 version=TLSv1.2
ec_tls13             | ossl server-ec       | --host localhost --port \$PORT --bundle $B/test.bundle --tls13 \
  | result=1 exit=0 version=TLSv1.3
ec_tls12_gnutls      | gnutls server-ec     | --host localhost --port \$PORT --bundle $B/test.bundle --tls12 \
  | result=1 exit=0 version=TLSv1.2
legacy_format        | ossl server-rsa      | --host localhost --port \$PORT --bundle $B/test-legacy.bundle \
  | bundle_set=ESP_OK result=1 exit=0
all_mozilla_roots    | ossl server-rsa      | --host localhost --port \$PORT --bundle $B/mozilla-and-test.bundle \
  | bundle_set=ESP_OK result=1 exit=0
# --- the built-in bundle does not hold the test root ---
builtin_untrusted    | ossl server-rsa      | --host localhost --port \$PORT --bundle-default \
  | $NOBUILTIN
other_root           | ossl other-server    | --host localhost --port \$PORT --bundle $B/test.bundle \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x8
# --- other problems are still reported with the bundle ---
name_mismatch        | ossl server-rsa      | --host localhost --port \$PORT --bundle $B/test.bundle --common-name wrong.example \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x4
# an IP address: no SNI, and the address is checked against the leaf's iPAddress SAN, through
# the bundle's verify callback (verify.c chains its own after it)
ip_san_matches       | ossl server-rsa      | --host 127.0.0.1 --port \$PORT --bundle $B/test.bundle \
  | result=1 exit=0
ip_not_in_san        | ossl noip-rsa        | --host 127.0.0.1 --port \$PORT --bundle $B/test.bundle \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x4
chain_logged_at_debug | ossl server-rsa     | --host localhost --port \$PORT --bundle $B/test.bundle --debug \
  | result=1 exit=0 stderr~peer%20chain%20depth%200
expired              | ossl expired-rsa     | --host localhost --port \$PORT --bundle $B/test.bundle \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x1
# --- a malformed bundle is refused (and the built-in one stays in use) ---
malformed_bundle     | ossl server-rsa      | --host localhost --port \$PORT --bundle $B/truncated.bundle \
  | bundle_set=ESP_ERR_INVALID_ARG result=-1 exit=1 stderr~not%20a%20valid%20certificate%20bundle
# --- cross-signed: R2 is bundled, the server sends R2 cross-signed by R1 (not bundled) ---
cross_signed_root    | osslb x-leaf x-chain.pem | --host localhost --port \$PORT --bundle $B/r2.bundle \
  | $CROSS
cross_plain_chain    | osslb x-leaf x-int.crt   | --host localhost --port \$PORT --bundle $B/r2.bundle \
  | result=1 exit=0
EOF
it_finish
