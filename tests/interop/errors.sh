#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# errors.sh CLIENT CERTDIR: failures and the codes they leave in the error handle
# (esp_tls_get_and_clear_last_error: last_error, tls_code = Mbed TLS error, tls_flags =
# X.509 verify flags; errno from ESP_TLS_ERR_TYPE_SYSTEM).
#   0x801a ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED    0x8015 ESP_ERR_MBEDTLS_X509_CRT_PARSE_FAILED
#   0x8019 ESP_ERR_MBEDTLS_PK_PARSE_KEY_FAILED     0x8016 ESP_ERR_MBEDTLS_SSL_CONF_OWN_CERT_FAILED
#   0x801d ESP_ERR_MBEDTLS_SSL_READ_FAILED         0x8004 ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST
#   0x8001 ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME 0x8006 ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT
#   tls_code: 0x2700 X509 verify failed, 0x2180 X509 invalid format, 0x3b80 PK password
#   mismatch, 0x3c00 PK password required, 0x7780 fatal alert received from the peer
#   tls_flags: 0x01 expired, 0x04 CN mismatch, 0x08 not trusted
. "$(dirname "$0")/lib.sh"
it_init "$@"

run_table <<'EOF'
# --- server certificate verification ---
cn_mismatch          | ossl server-rsa    | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --common-name wrong.example \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x4 explain_cause~Expected%20name%20"wrong.example" explain_cause~DNS:localhost explain_fix~skip_common_name
cn_mismatch_ec_tls13 | ossl server-ec     | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --common-name wrong.example --tls13 \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x4
untrusted_ca         | ossl other-server  | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x8
untrusted_ca_tls12   | ossl other-server  | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --tls12 \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x8
expired_rsa          | ossl expired-rsa   | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x1
expired_ec_tls12     | ossl expired-ec    | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --tls12 \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x1
# several problems at once: every flag is reported
expired_and_cn       | ossl expired-rsa   | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --common-name wrong.example \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x5

# --- client credentials (failures before any byte is exchanged with the server) ---
wrong_password_pkcs8_rsa | ossl server-rsa | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-rsa-enc.key --key-pass wrong-pass \
  | result=-1 exit=1 last_error=0x8019 tls_code=0x3b80
wrong_password_trad_rsa  | ossl server-rsa | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-rsa-enc-trad.key --key-pass wrong-pass \
  | result=-1 exit=1 last_error=0x8019 tls_code=0x3b80
wrong_password_pkcs8_ec  | ossl server-ec  | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --cert $D/client-ec.crt --key $D/client-ec-enc.key --key-pass wrong-pass \
  | result=-1 exit=1 last_error=0x8019 tls_code=0x3b80
missing_password     | ossl server-rsa    | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-rsa-enc.key \
  | result=-1 exit=1 last_error=0x8019 tls_code=0x3c00
key_mismatch_rsa     | ossl server-rsa    | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/other-client.key \
  | result=-1 exit=1 last_error=0x8016 tls_code!=0x0
key_mismatch_ec      | ossl server-ec     | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --cert $D/client-ec.crt --key $D/server-ec.key \
  | result=-1 exit=1 last_error=0x8016 tls_code!=0x0
key_type_mismatch    | ossl server-rsa    | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --cert $D/client-rsa.crt --key $D/client-ec.key \
  | result=-1 exit=1 last_error=0x8016 tls_code!=0x0
# PEM must be NUL-terminated, the NUL counted in the length
no_nul_ca            | ossl server-rsa    | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --no-nul \
  | result=-1 exit=1 last_error=0x8015 tls_code=0x2180
no_nul_client_cert   | ossl server-rsa    | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.der --cert $D/client-rsa.crt --key $D/client-rsa.key --no-nul \
  | result=-1 exit=1 last_error=0x8015 tls_code=0x2180
# a DER CA has no NUL to miss
no_nul_der_ca        | ossl server-rsa    | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.der --no-nul \
  | result=1 exit=0

# --- no common version: the server's alert is named in the explanation ---
version_alert        | ossl server-ec -tls1_3 | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --tls12 \
  | result=-1 exit=1 last_error=0x801a tls_code=0x7780 explain_cause~protocol_version explain_fix!=

# --- mutual auth: the server requires a certificate, the client has none ---
# TLS 1.2: the server refuses during the handshake. It closes while the rest of the
# client's flight is unread, so the client sees either its alert (0x7780) or a reset
# (0x0050): only a non-zero tls_code is required.
mtls_no_cert_tls12   | ossl server-rsa -Verify 1 -CAfile $D/ca-rsa.crt | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --tls12 \
  | result=-1 exit=1 last_error=0x801a tls_code!=0x0 server~peer%20did%20not%20return%20a%20certificate
# TLS 1.3: the client's handshake ends before the server has checked the client's (empty)
# Certificate (RFC 8446 s4.4.2.4), so the handshake succeeds and the first read gets the
# server's certificate_required alert.
mtls_no_cert_tls13   | ossl server-rsa -Verify 1 -CAfile $D/ca-rsa.crt | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --tls13 --expect HTTP/1.0 \
  | result=1 exit=1 version=TLSv1.3 expect=missing last_error=0x801d tls_code=0x7780 explain_cause~Alert%20received:%20116%20(certificate_required
mtls_no_cert_tls12_gnutls | gnutls server-ec --require-client-cert --verify-client-cert --x509cafile $D/ca-ec.crt | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --tls12 \
  | result=-1 exit=1 last_error=0x801a tls_code!=0x0 server~No%20certificate%20was%20found
mtls_no_cert_tls13_gnutls | gnutls server-ec --require-client-cert --verify-client-cert --x509cafile $D/ca-ec.crt | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --tls13 --expect HTTP/1.0 \
  | result=1 exit=1 version=TLSv1.3 expect=missing last_error=0x801d tls_code=0x7780
# a client certificate from a root the server does not trust (-verify_return_error: s_server
# would otherwise only log the verify error)
mtls_untrusted_client | ossl server-rsa -Verify 1 -verify_return_error -CAfile $D/ca-rsa.crt | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --cert $D/other-client.crt --key $D/other-client.key --tls12 \
  | result=-1 exit=1 last_error=0x801a tls_code!=0x0 server~unable%20to%20get%20local%20issuer%20certificate

# --- transport ---
refused              | none               | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt \
  | result=-1 exit=1 last_error=0x8004 errno=111
refused6             | none6              | --host ::1 --port $PORT --ca $D/ca-rsa.crt \
  | result=-1 exit=1 last_error=0x8004 errno=111
refused_plain        | none               | --host 127.0.0.1 --port $PORT --plain \
  | result=-1 exit=1 last_error=0x8004 errno=111
unresolvable         | none               | --host no-such-host.invalid --port $PORT --ca $D/ca-rsa.crt \
  | result=-1 exit=1 last_error=0x8001
unresolvable_url     | none               | --url https://no-such-host.invalid:$PORT/ --ca $D/ca-rsa.crt \
  | result=-1 exit=1 last_error=0x8001
# a server that accepts and never answers: esp_tls_conn_new_sync() gives up after
# timeout_ms with -1 and ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT, neither early nor much later
silent_timeout       | silent             | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --timeout 1000 \
  | result=-1 exit=1 last_error=0x8006 minms=900 maxms=5000 server~connection%20from
silent_timeout6      | silent6            | --host ::1 --port $PORT --ca $D/ca-rsa.crt --timeout 1000 --tls13 \
  | result=-1 exit=1 last_error=0x8006 minms=900 maxms=5000 server~connection%20from
# TLS to a plain TCP service: its answer is not a TLS record
tls_to_plain_server  | reply              | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --timeout 3000 \
  | result=-1 exit=1 last_error=0x801a tls_code!=0x0 maxms=5000
# the peer reads the ClientHello and closes: Mbed TLS's CONN_EOF (0x7280), at once, with a
# log line that says the peer closed during the handshake
peer_vanishes        | drop               | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --timeout 5000 \
  | result=-1 exit=1 last_error=0x801a tls_code=0x7280 maxms=3000 stderr~closed%20the%20connection%20during%20the%20handshake
# the peer answers with bytes that are not TLS records
peer_sends_garbage   | garbage            | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --timeout 5000 \
  | result=-1 exit=1 last_error=0x801a tls_code=0x7200 maxms=3000 stderr~not%20speaking%20TLS
EOF

it_finish
