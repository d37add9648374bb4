#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# nginx.sh PROBE CERTDIR: esp_http_client (tests/http/http_probe) against nginx (nginx-light),
# plain and TLS, on 127.0.0.1 and ::1, started per case from a generated configuration in a
# temporary directory (daemon off, master_process off). nginx's access log (appended to the
# case's server output) prints "reqs=N" ($connection_requests): reqs=2 on the second
# request proves one TCP/TLS connection carried both.
. "$(dirname "$0")/../interop/lib.sh"
it_init "$@"
D=$(cd "$D" && pwd) # servers run from other directories
. "$(dirname "$0")/nginx_lib.sh"
U='http://127.0.0.1:$PORT'
S='https://localhost:$PORT'
IMS='If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT'

run_table <<EOF
get_small          | ngx plain | --url $U/small.txt | result=0x0 status=200 content_length=11 body~small%20file complete=1 persistent=1 exit=0 server~reqs=1%20GET%20/small.txt
keepalive_two      | ngx plain | --url $U/small.txt --url $U/page.html | result2=0x0 status2=200 server~reqs=2%20GET%20/page.html exit=0
chunked_sub_filter | ngx plain | --url $U/page.html | result=0x0 chunked=1 content_length=-1 body~line%200%20of%20a%20PAGE complete=1 exit=0
head               | ngx plain | --method HEAD --url $U/big.bin | result=0x0 status=200 content_length=1048576 body_len=0 complete=1 exit=0
not_modified       | ngx plain | --header "$IMS" --url $U/small.txt | result=0x0 status=304 body_len=0 complete=1 exit=0
redirect_301       | ngx plain | --url $U/moved | result=0x0 status=200 body~small%20file url~/small.txt server~reqs=2%20GET%20/small.txt exit=0
redirect_302_abs   | ngx plain | --url $U/found | result=0x0 status=200 body~small%20file exit=0
basic_preemptive   | ngx plain | --auth basic --user user --pass passwd --url $U/basic/ | result=0x0 status=200 body~protected server!~401 exit=0
basic_challenge    | ngx plain | --user user --pass passwd --url $U/basic/ | result=0x0 status=200 body~protected server~reqs=1%20GET%20/basic/%20HTTP/1.1%20401 server~reqs=2%20GET%20/basic/%20HTTP/1.1%20200 exit=0
basic_wrong        | ngx plain | --auth basic --user user --pass nope --url $U/basic/ | result=0x0 status=401 exit=0
ipv6               | ngx6 plain | --url http://[::1]:\$PORT/small.txt | result=0x0 status=200 body~small%20file exit=0
tls_keepalive_1mib | ngx tls | --ca $D/ca-rsa.crt --url $S/big.bin --url $S/small.txt | result=0x0 body_len=1048576 complete=1 result2=0x0 server~reqs=2%20GET%20/small.txt exit=0
tls_stream         | ngx tls | --stream --ca $D/ca-rsa.crt --url $S/page.html | result=0x0 chunked=1 complete=1 exit=0
tls_ipv6           | ngx6 tls | --ca $D/ca-rsa.crt --url https://[::1]:\$PORT/small.txt | result=0x0 status=200 exit=0
tls_wrong_ca       | ngx tls | --ca $D/other-ca.crt --url $S/small.txt | result=0x7002 tls_error=0x801a tls_flags&0x8 exit=1 stderr~Connection%20failed
tls_cn_mismatch    | ngx tls | --ca $D/ca-rsa.crt --cn wrong.example --url $S/small.txt | result=0x7002 tls_flags&0x4 exit=1
tls_bundle_unknown | ngx tls | --bundle --url $S/small.txt | result=0x7002 exit=1
EOF
it_finish
