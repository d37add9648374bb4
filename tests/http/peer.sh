#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# peer.sh PROBE CERTDIR: esp_http_client (tests/http/http_probe) against tests/http/peer.py
# (plain and TLS, 127.0.0.1 and ::1) and openssl s_server -WWW: framing (Content-Length,
# chunked, until close), 1xx/204/304 without a body, keep-alive, redirects, Digest and Basic
# authentication, is_async, the event order, and the hostile cases, each with its documented
# esp_err_t and the log line naming the cause. Results: 0x7001 MAX_REDIRECT, 0x7002 CONNECT,
# 0x7004 FETCH_HEADER, 0x700b READ_TIMEOUT, 0x700c INCOMPLETE_DATA, 0xffffffff ESP_FAIL.
. "$(dirname "$0")/../interop/lib.sh"
it_init "$@"
D=$(cd "$D" && pwd) # servers run from other directories
HPEER=$(cd "$(dirname "$0")" && pwd)/peer.py
hpeer() { exec "$PY" "$HPEER" 127.0.0.1 "$PORT" "$@"; }
hpeer6() { exec "$PY" "$HPEER" ::1 "$PORT" "$@"; }
hpeertls() { exec "$PY" "$HPEER" 127.0.0.1 "$PORT" --tls "$D/$1.crt" "$D/$1.key"; }
# s_server -WWW serves files relative to its working directory
mkdir -p "$IT_TMP/www" && printf 'file served by s_server\n' >"$IT_TMP/www/page.txt"
wwwsrv() { cd "$IT_TMP/www" && exec openssl s_server -accept "127.0.0.1:$PORT" -cert "$D/$1.crt" -key "$D/$1.key" -WWW; }
U='http://127.0.0.1:$PORT'
EV="ON_CONNECTED,HEADERS_SENT,ON_HEADER,ON_DATA,ON_FINISH"

run_table <<EOF
# --- framing and events (ESP-IDF's order: CONNECTED, HEADERS_SENT, ON_HEADER..., ON_DATA..., ON_FINISH, DISCONNECTED)
events_keepalive   | hpeer | --url $U/hello | result=0x0 status=200 body=hello content_length=5 complete=1 persistent=1 events=$EV x_probe_len=3 exit=0
events_close       | hpeer | --url $U/close | result=0x0 status=200 body=bye persistent=0 events=$EV,DISCONNECTED exit=0
chunked            | hpeer | --url $U/chunked | result=0x0 chunked=1 content_length=-1 body=alpha-beta-gamma complete=1 exit=0
chunked_stream     | hpeer | --stream --url $U/chunked | result=0x0 chunked=1 body=alpha-beta-gamma complete=1 exit=0
eof_body           | hpeer | --url $U/eof-body | result=0x0 body=until%20the%20end complete=1 persistent=0 exit=0
informational      | hpeer | --url $U/continue | result=0x0 status=200 body=after%201xx exit=0
no_content_204     | hpeer | --url $U/204 | result=0x0 status=204 body_len=0 complete=1 exit=0
not_modified_304   | hpeer | --url $U/304 --timeout 2000 | result=0x0 status=304 body_len=0 complete=1 exit=0 maxms=1500
head_no_body       | hpeer | --method HEAD --url $U/hello | result=0x0 status=200 body_len=0 complete=1 exit=0
chunked_request    | hpeer | --method POST --chunked --post abcdefgh --url $U/echo | result=0x0 body=POST%20abcdefgh exit=0
post_body          | hpeer | --method POST --post a=1 --url $U/echo | result=0x0 body=POST%20a=1 exit=0 server~POST%20/echo
long_header_small_buffer | hpeer | --buffer 256 --url $U/long-header | result=0x0 x_probe_len=3000 body=long exit=0
ipv6               | hpeer6 | --url http://[::1]:\$PORT/hello | result=0x0 body=hello url~http://[::1]: exit=0
# --- keep-alive: two requests, one connection (the peer counts accepts)
keepalive_reuse    | hpeer | --url $U/hello --url $U/chunked | result=0x0 result2=0x0 body2=alpha-beta-gamma server~conn=1%20req=2%20GET%20/chunked server!~accept%20conn=2 exit=0
after_close_reconnect | hpeer | --url $U/close --url $U/hello | result2=0x0 body2=hello server~conn=2%20req=1%20GET%20/hello exit=0
# --- redirects: relative Location, 303 -> GET, 307 keeps the method and body, loop -> MAX_REDIRECT
redirect_relative  | hpeer | --url $U/rel | result=0x0 status=200 body=target url~/sub/target?q=1 exit=0
redirect_303_get   | hpeer | --method POST --post x=1 --url $U/see-other | result=0x0 body=GET exit=0
redirect_307_post  | hpeer | --method POST --post x=1 --url $U/temp | result=0x0 body=POST%20x=1 exit=0
redirect_loop      | hpeer | --max-redirect 3 --url $U/loop | result=0x7001 exit=1 stderr~reach%20max_redirection_count
redirect_disabled  | hpeer | --no-redirect --url $U/loop | result=0x0 status=302 events~REDIRECT exit=0
# --- authentication
digest_md5         | hpeer | --user user --pass passwd --url $U/digest-md5 | result=0x0 status=200 body=digest%20ok%20MD5 server~authorization=Digest exit=0
digest_sha256      | hpeer | --user user --pass passwd --url $U/digest-sha256 | result=0x0 status=200 body=digest%20ok%20SHA-256 exit=0
digest_wrong_pass  | hpeer | --user user --pass wrong --url $U/digest-md5 | result=0x0 status=401 exit=0
digest_no_creds    | hpeer | --url $U/digest-md5 | result=0x0 status=401 exit=0 stderr~requires%20authentication
# --- is_async over TLS: perform returns ESP_ERR_HTTP_EAGAIN until done
async_tls          | hpeertls server-rsa | --async --ca $D/ca-rsa.crt --url https://localhost:\$PORT/delay | result=0x0 body=delayed eagain>=1 exit=0
tls_peer           | hpeertls server-rsa | --ca $D/ca-rsa.crt --url https://127.0.0.1:\$PORT/hello --url https://127.0.0.1:\$PORT/chunked | result=0x0 result2=0x0 body2=alpha-beta-gamma server!~accept%20conn=2 exit=0
s_server_www       | wwwsrv server-rsa | --ca $D/ca-rsa.crt --url https://127.0.0.1:\$PORT/page.txt | result=0x0 status=200 body~file%20served%20by%20s_server complete=1 exit=0
# --- hostile peers: documented esp_err_t and a log line naming the cause
bad_status         | hpeer | --url $U/bad-status | result=0x7004 exit=1 stderr~Malformed%20response%20head stderr~HPE_INVALID_STATUS
bad_header         | hpeer | --url $U/bad-header | result=0x7004 exit=1 stderr~Malformed%20response%20head
oversized_header   | hpeer | --url $U/big-header | result=0x7004 exit=1 stderr~HPE_HEADER_OVERFLOW
chunk_overflow     | hpeer | --url $U/chunk-overflow | result=0xffffffff exit=1 stderr~Malformed%20chunked%20body
short_content_length | hpeer | --url $U/short-cl | result=0x700c complete=0 exit=1 stderr~Connection%20closed%20after%2010%20of%20100
long_content_length | hpeer | --url $U/long-cl --url $U/hello | result=0x0 body=01234 result2=0x0 body2=hello persistent=0 stderr~5%20bytes%20after%20the%20end server~accept%20conn=2 exit=0
tls_short_content_length | hpeertls server-rsa | --ca $D/ca-rsa.crt --url https://localhost:\$PORT/short-cl | result=0x700c complete=0 exit=1 stderr~Connection%20closed%20after%2010%20of%20100
tls_eof_body       | hpeertls server-rsa | --ca $D/ca-rsa.crt --url https://localhost:\$PORT/eof-body | result=0x0 body=until%20the%20end complete=1 exit=0
stop_mid_body      | hpeer | --url $U/stop-mid | result=0x700c complete=0 exit=1 stderr~Connection%20closed%20after
slow_head          | hpeer | --timeout 1000 --url $U/slow-head | result=0x7004 exit=1 stderr~No%20response%20headers%20within%201000%20ms maxms=2900
slow_body          | hpeer | --timeout 1000 --url $U/slow-body | result=0x700b exit=1 stderr~No%20body%20data%20within%201000%20ms maxms=2900
refused            | none  | --url $U/hello | result=0x7002 errno=111 tls_error=0x8004 exit=1 stderr~Connection%20failed
EOF
it_finish
