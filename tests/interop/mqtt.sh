#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# mqtt.sh CLIENT CERTDIR: the FAQ's MQTT questions against a real mosquitto broker with TLS on
# 127.0.0.1: mutual authentication (require_certificate), and a broker reached by its IP
# address whose certificate names only a host name (skip_common_name). The client sends an
# MQTT 3.1.1 CONNECT (client id "esp-tls") and expects the broker's CONNACK "accepted"
# (20 02 00 00).
. "$(dirname "$0")/lib.sh"
it_init "$@"
command -v mosquitto >/dev/null || { echo "interop: mosquitto not installed, skipped"; exit 77; }

CONNECT=101300044d5154540402003c00076573702d746c73
CONNACK=20020000

# mosq CERT CA: mosquitto with TLS on 127.0.0.1:$PORT, client certificates required. The broker
# may drop privileges to its own user, so it gets readable copies of the test PKI.
mosq() {
    dir=$IT_TMP/mosq-$PORT
    mkdir -p "$dir"
    cp "$D/$1.crt" "$D/$1.key" "$D/$2.crt" "$dir/" || exit 1
    chmod 711 "$IT_TMP" # the broker's own user must reach the copies
    chmod 755 "$dir"
    chmod 644 "$dir/$1.crt" "$dir/$1.key" "$dir/$2.crt"
    cat >"$dir/mosquitto.conf" <<CONF
per_listener_settings true
listener $PORT 127.0.0.1
cafile $dir/$2.crt
certfile $dir/$1.crt
keyfile $dir/$1.key
require_certificate true
use_identity_as_username true
allow_anonymous true
CONF
    exec mosquitto -c "$dir/mosquitto.conf"
}

run_table <<'EOF2'
# mutual TLS, broker certificate with an IP SAN: a plain connect to 127.0.0.1 works
mqtt_mutual_tls13    | mosq server-ec ca-ec | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --cert $D/client-ec.crt --key $D/client-ec.key --tls13 --send-hex $CONNECT --expect-hex $CONNACK \
  | result=1 exit=0 expect=found last_error=0x0
mqtt_mutual_tls12    | mosq server-ec ca-ec | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --cert $D/client-ec.crt --key $D/client-ec.key --tls12 --send-hex $CONNECT --expect-hex $CONNACK \
  | result=1 exit=0 version=TLSv1.2 expect=found
# the broker refuses a client without a certificate
mqtt_no_client_cert_tls12 | mosq server-ec ca-ec | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --tls12 --send-hex $CONNECT --expect-hex $CONNACK \
  | exit=1 last_error=0x801a tls_code!=0x0
# (TLS 1.3: the client's handshake ends first; the broker's refusal then fails the write
# (0x8018) or the read (0x801d), whichever comes first)
mqtt_no_client_cert_tls13 | mosq server-ec ca-ec | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --tls13 --send-hex $CONNECT --expect-hex $CONNACK \
  | exit=1 last_error!=0x0 tls_code!=0x0
# broker reached by IP, certificate for "localhost" only: MBEDTLS_ERR_X509_CERT_VERIFY_FAILED with
# CN mismatch (the FAQ's question) ...
mqtt_ip_name_mismatch | mosq noip-rsa ca-rsa | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-rsa.key --send-hex $CONNECT --expect-hex $CONNACK \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x4
# ... and its answer: skip_common_name (the chain is still verified)
mqtt_ip_skip_cn      | mosq noip-rsa ca-rsa | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-rsa.key --skip-cn --send-hex $CONNECT --expect-hex $CONNACK \
  | result=1 exit=0 expect=found
# ... or, better, common_name set to the name in the certificate
mqtt_ip_common_name  | mosq noip-rsa ca-rsa | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-rsa.key --common-name localhost --send-hex $CONNECT --expect-hex $CONNACK \
  | result=1 exit=0 expect=found
mqtt_skip_cn_untrusted | mosq noip-rsa ca-rsa | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --cert $D/client-rsa.crt --key $D/client-rsa.key --skip-cn --send-hex $CONNECT --expect-hex $CONNACK \
  | result=-1 exit=1 tls_flags&0x08
EOF2
it_finish
