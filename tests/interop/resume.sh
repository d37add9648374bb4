#!/bin/sh
# resume.sh CLIENT CERTDIR: client session resumption (CONFIG_ESP_TLS_CLIENT_SESSION_TICKETS)
# proven by the server: openssl s_server -www says "New, ..." or "Reused, ..." in its page.
# The client reads the first response, takes esp_tls_get_client_session(), closes, and
# connects again with cfg.client_session.
. "$(dirname "$0")/lib.sh"
it_init "$@"

run_table <<'EOF2'
resume_tls12_ec      | ossl server-ec -tls1_2  | --host localhost --port $PORT --ca $D/ca-ec.crt --send "$GET" --expect "New, TLSv1.2" --resume-expect "Reused, TLSv1.2" \
  | result=1 exit=0 session_saved=1 resumed_result=1 expect=found
resume_tls12_rsa     | ossl server-rsa -tls1_2 | --host localhost --port $PORT --ca $D/ca-rsa.crt --tls12 --send "$GET" --expect "New, TLSv1.2" --resume-expect "Reused, TLSv1.2" \
  | result=1 exit=0 session_saved=1 resumed_result=1
resume_tls13_ec      | ossl server-ec -tls1_3  | --host localhost --port $PORT --ca $D/ca-ec.crt --send "$GET" --expect "New, TLSv1.3" --resume-expect "Reused, TLSv1.3" \
  | result=1 exit=0 session_saved=1 resumed_result=1
resume_tls13_rsa     | ossl server-rsa -tls1_3 | --host localhost --port $PORT --ca $D/ca-rsa.crt --tls13 --send "$GET" --expect "New, TLSv1.3" --resume-expect "Reused, TLSv1.3" \
  | result=1 exit=0 session_saved=1 resumed_result=1
# a server that issues no tickets: nothing to resume, the second connection is a full one
no_tickets_tls13     | ossl server-ec -tls1_3 -num_tickets 0 | --host localhost --port $PORT --ca $D/ca-ec.crt --send "$GET" --expect "New, TLSv1.3" --resume-expect "New, TLSv1.3" \
  | result=1 exit=0 session_saved=0 resumed_result=1 expect=found
no_tickets_tls12     | ossl server-ec -tls1_2 -no_ticket -no_cache | --host localhost --port $PORT --ca $D/ca-ec.crt --send "$GET" --expect "New, TLSv1.2" --resume-expect "New, TLSv1.2" \
  | result=1 exit=0 resumed_result=1 expect=found
EOF2
it_finish
