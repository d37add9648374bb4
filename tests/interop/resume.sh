#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# resume.sh CLIENT CERTDIR: client session resumption (CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS)
# proven by the server: openssl s_server -www says "New, ..." or "Reused, ..." in its page.
# The client reads the first response, takes esp_tls_get_client_session(), closes, and
# connects again with cfg.client_session.
. "$(dirname "$0")/lib.sh"
it_init "$@"

run_table <<'EOF2'
resume_tls12_ec      | ossl server-ec -tls1_2  | --host localhost --port $PORT --ca $D/ca-ec.crt --send "$GET" --expect "New, TLSv1.2" --resume-expect "Reused, TLSv1.2" \
  | result=1 exit=0 session_saved=1 resumed_result=1 expect=found session_resumed=0 second_resumed=1
resume_tls12_rsa     | ossl server-rsa -tls1_2 | --host localhost --port $PORT --ca $D/ca-rsa.crt --tls12 --send "$GET" --expect "New, TLSv1.2" --resume-expect "Reused, TLSv1.2" \
  | result=1 exit=0 session_saved=1 resumed_result=1 session_resumed=0 second_resumed=1
resume_tls13_ec      | ossl server-ec -tls1_3  | --host localhost --port $PORT --ca $D/ca-ec.crt --send "$GET" --expect "New, TLSv1.3" --resume-expect "Reused, TLSv1.3" \
  | result=1 exit=0 session_saved=1 resumed_result=1 session_resumed=0 second_resumed=1
resume_tls13_rsa     | ossl server-rsa -tls1_3 | --host localhost --port $PORT --ca $D/ca-rsa.crt --tls13 --send "$GET" --expect "New, TLSv1.3" --resume-expect "Reused, TLSv1.3" \
  | result=1 exit=0 session_saved=1 resumed_result=1 session_resumed=0 second_resumed=1
# a server that issues no tickets: nothing to resume, the second connection is a full one
no_tickets_tls13     | ossl server-ec -tls1_3 -num_tickets 0 | --host localhost --port $PORT --ca $D/ca-ec.crt --send "$GET" --expect "New, TLSv1.3" --resume-expect "New, TLSv1.3" \
  | result=1 exit=0 session_saved=0 resumed_result=1 expect=found second_resumed=0
no_tickets_tls12     | ossl server-ec -tls1_2 -no_ticket -no_cache | --host localhost --port $PORT --ca $D/ca-ec.crt --send "$GET" --expect "New, TLSv1.2" --resume-expect "New, TLSv1.2" \
  | result=1 exit=0 resumed_result=1 expect=found second_resumed=0
# Python's ssl (OpenSSL) as the server: the same keys resume; new ticket keys for every
# connection (a ticket from "another server") fall back to a full handshake
python_same_keys     | peer server-ec        | --host localhost --port $PORT --ca $D/ca-ec.crt --send "$GET" --expect "200 OK" --resume-expect "200 OK" \
  | result=1 exit=0 session_saved=1 resumed_result=1 second_resumed=1
ticket_from_other_server | peer server-ec --new-keys | --host localhost --port $PORT --ca $D/ca-ec.crt --send "$GET" --expect "200 OK" --resume-expect "200 OK" \
  | result=1 exit=0 session_saved=1 resumed_result=1 second_resumed=0 expect=found
# a damaged ticket: the server cannot decrypt it and does a full handshake; nothing crashes
corrupted_ticket_tls13 | ossl server-ec -tls1_3 | --host localhost --port $PORT --ca $D/ca-ec.crt --send "$GET" --expect "New, TLSv1.3" --resume-expect "New, TLSv1.3" --corrupt-ticket \
  | result=1 exit=0 ticket_corrupted=1 resumed_result=1 second_resumed=0 expect=found
corrupted_ticket_tls12 | ossl server-ec -tls1_2 -no_cache | --host localhost --port $PORT --ca $D/ca-ec.crt --send "$GET" --expect "New, TLSv1.2" --resume-expect "New, TLSv1.2" --corrupt-ticket \
  | result=1 exit=0 ticket_corrupted=1 resumed_result=1 second_resumed=0 expect=found
EOF2
it_finish
