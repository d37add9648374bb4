#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# faq.sh PROBE CERTDIR skip|strict: the ESP-TLS FAQ's answer on skipping server verification,
# through esp_http_client against nginx over TLS.
#   strict (default build): no cert_pem, bundle or global store means no connection
#     (ESP_ERR_HTTP_CONNECT 0x7002, the esp_tls error captured); a right cert_pem connects.
#   skip (a build with CONFIG_ESP_TLS_INSECURE + CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY, e.g.
#     configs/sdkconfig.insecure): a client without any verification option connects to a
#     server nobody trusts; with cert_pem set (a CA that did not sign the server) the server
#     is still verified and refused.
. "$(dirname "$0")/../interop/lib.sh"
MODE=$3
set -- "$1" "$2"
it_init "$@"
D=$(cd "$D" && pwd) # servers run from other directories
. "$(dirname "$0")/nginx_lib.sh"
S='https://localhost:$PORT'

if [ "$MODE" = skip ]; then
    run_table <<EOF
no_option_connects  | ngx tls 4 other-server | --url $S/small.txt | result=0x0 status=200 body~small%20file exit=0
cert_pem_still_verified | ngx tls 4 other-server | --ca $D/ca-rsa.crt --url $S/small.txt | result=0x7002 tls_error=0x801a tls_flags&0x8 exit=1
cert_pem_right      | ngx tls 4 server-rsa | --ca $D/ca-rsa.crt --url $S/small.txt | result=0x0 status=200 exit=0
EOF
else
    run_table <<EOF
no_option_refused   | ngx tls 4 other-server | --url $S/small.txt | result=0x7002 tls_error!=0x0 exit=1 stderr~Connection%20failed
no_option_refused_trusted | ngx tls 4 server-rsa | --url $S/small.txt | result=0x7002 tls_error!=0x0 exit=1
cert_pem_wrong      | ngx tls 4 other-server | --ca $D/ca-rsa.crt --url $S/small.txt | result=0x7002 tls_error=0x801a tls_flags&0x8 exit=1
cert_pem_right      | ngx tls 4 server-rsa | --ca $D/ca-rsa.crt --url $S/small.txt | result=0x0 status=200 exit=0
EOF
fi
it_finish
