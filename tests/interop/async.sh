#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# async.sh CLIENT CERTDIR: esp_tls_conn_new_async() with non_block, driven by poll() on
# esp_tls_get_poll_target() / esp_tls_get_poll_timeout() (the client's --async). The client
# prints the number of calls, the longest single call and the total time; no call may block
# the loop (async_max_call_ms<=500), whatever the peer or the DNS server does. Every peer here
# that could block a call delays by 900 ms or more, so 500 ms tells a blocked call from a slow
# one; a call takes ~3 ms in a release build, more under ASan or Valgrind on a busy machine.
. "$(dirname "$0")/lib.sh"
it_init "$@"

run_table <<'EOF2'
# --- live servers ---
async_openssl_tls13  | ossl server-ec -tls1_3 | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --async --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.3 expect=found async_max_call_ms<=500 last_error=0x0
async_openssl_tls12  | ossl server-rsa -tls1_2 | --host 127.0.0.1 --port $PORT --ca $D/ca-rsa.crt --tls12 --async --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 version=TLSv1.2 expect=found async_max_call_ms<=500
async_gnutls_mtls    | gnutls server-ec --require-client-cert --verify-client-cert --x509cafile $D/ca-ec.crt \
  | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --cert $D/client-ec.crt --key $D/client-ec.key --async --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 expect=found async_max_call_ms<=500 server~CN=esp-tls-client
async_ipv6           | ossl6 server-ec        | --host ::1 --port $PORT --ca $D/ca-ec.crt --async --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 expect=found async_max_call_ms<=500

async_url            | ossl server-ec         | --url https://localhost:$PORT/index.html --ca $D/ca-ec.crt --async --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 expect=found async_max_call_ms<=500
async_url_malformed  | none                   | --url https://[::1 --ca $D/ca-ec.crt --async \
  | result=-1 exit=1 last_error=0x102 async_calls=1

# --- failures: fast, or bounded by timeout_ms, never a blocking call ---
async_closed_port    | none                   | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --async \
  | result=-1 exit=1 last_error=0x8004 errno=111 async_max_call_ms<=500 maxms=2000
async_silent_server  | silent                 | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --async --timeout 1000 \
  | result=-1 exit=1 last_error=0x8006 async_max_call_ms<=500 minms=900 maxms=5000
async_cn_mismatch    | ossl server-ec         | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --common-name wrong.example --async \
  | result=-1 exit=1 last_error=0x801a tls_code=0x2700 tls_flags=0x4 async_max_call_ms<=500

# --- DNS: a test-owned resolver on 127.0.0.1 (UDP $PORT) that answers after 2 s ---
async_slow_dns       | peer server-ec --dns-delay-ms 2000 --dns-a 127.0.0.1 \
  | --dns 127.0.0.1:$PORT --host slow.test --port $PORT --common-name localhost --ca $D/ca-ec.crt --async --timeout 8000 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 expect=found async_max_call_ms<=500 async_total_ms>=1900 async_calls>=2
sync_slow_dns        | peer server-ec --dns-delay-ms 2000 --dns-a 127.0.0.1 \
  | --dns 127.0.0.1:$PORT --host slow.test --port $PORT --common-name localhost --ca $D/ca-ec.crt --timeout 8000 --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 expect=found minms=1900
# the deadline covers name resolution too
async_slow_dns_deadline | peer server-ec --dns-delay-ms 3000 --dns-a 127.0.0.1 \
  | --dns 127.0.0.1:$PORT --host slow.test --port $PORT --common-name localhost --ca $D/ca-ec.crt --async --timeout 1000 \
  | result=-1 exit=1 last_error=0x8006 async_max_call_ms<=500 minms=900 maxms=2900
sync_slow_dns_deadline | peer server-ec --dns-delay-ms 3000 --dns-a 127.0.0.1 \
  | --dns 127.0.0.1:$PORT --host slow.test --port $PORT --common-name localhost --ca $D/ca-ec.crt --timeout 1000 \
  | result=-1 exit=1 last_error=0x8006 minms=900 maxms=2900
# two records, the first (::1, nothing listens there) refuses: the second is used
async_first_record_refuses | peer server-ec --dns-delay-ms 0 --dns-aaaa ::1 --dns-a 127.0.0.1 \
  | --dns 127.0.0.1:$PORT --host two.test --port $PORT --common-name localhost --ca $D/ca-ec.crt --async --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 expect=found async_max_call_ms<=500 errno=111
sync_first_record_refuses | peer server-ec --dns-delay-ms 0 --dns-aaaa ::1 --dns-a 127.0.0.1 \
  | --dns 127.0.0.1:$PORT --host two.test --port $PORT --common-name localhost --ca $D/ca-ec.crt --send "$GET" --expect "HTTP/1.0 200" \
  | result=1 exit=0 expect=found errno=111
async_nxdomain       | peer server-ec --dns-delay-ms 0 \
  | --dns 127.0.0.1:$PORT --host nothing.test --port $PORT --ca $D/ca-ec.crt --async \
  | result=-1 exit=1 last_error=0x8001 async_max_call_ms<=500

# --- non-blocking I/O after the handshake ---
# a read with nothing to read returns ESP_TLS_ERR_SSL_WANT_READ (-0x6900) at once
nonblock_read_want   | ossl server-ec         | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --async --probe-read \
  | result=1 probe_read=-26880 probe_read_ms<=50
# 10 bytes read of a 100-byte record: 90 wait decrypted inside the library while the socket
# has nothing to read (what esp_tls_get_bytes_avail() is for)
bytes_avail_pending  | peer server-ec --greeting 100 | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --async --partial 10 \
  | result=1 partial_read=10 bytes_avail=90 socket_readable=0
# a 16 MiB write to a peer that never reads: a partial count, then WANT_WRITE (-0x6880), fast
partial_write        | peer server-ec --no-read | --host 127.0.0.1 --port $PORT --ca $D/ca-ec.crt --async --big-write 16777216 \
  | result=1 big_write>=1 big_write<=16777215 big_write_again=-26752 big_write_ms<=1000
EOF2
it_finish
