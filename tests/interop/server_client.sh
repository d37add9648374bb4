#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# server_client.sh KIND [ARGS...]: one client of the server tests (server_lib.sh runs it, with
# PORT, D, ESP_CLIENT and PY in the environment). Every client connects to 127.0.0.1:$PORT,
# sends an HTTP/1.0 GET and reads the answer. A tool's own output is printed with a "| "
# prefix, followed by key=value lines in the example client's terms:
#   result=1 (handshake done) or result=-1, version=TLSv1.x, cipher=, alpn=NAME|none,
#   peer_cert[0]=SUBJECT (Mbed TLS style "O=..., CN=..."), verify=0 (the tool trusted the
#   server), reused=New|Reused, expect=found|missing ("hello from esp-tls" received),
#   alert=N (a TLS alert the tool reported), tool_exit=N.
# Kinds:
#   esp ARGS      examples/client/esp_tls_client --host 127.0.0.1 --port $PORT (under
#                 $ESP_TLS_WRAP); it prints key=value lines itself
#   ossl ARGS     openssl s_client -ign_eof -state ARGS. result=1: it wrote its Finished and
#                 no handshake state failed. Also sigtype= (the server's signature) and
#                 tickets=N (session tickets that arrived after a TLS 1.3 handshake).
#   gnutls ARGS   gnutls-cli ARGS 127.0.0.1; also desc= ("(TLS1.3-X.509)-(ECDHE-...)-...")
#   curl ARGS     curl -v https://127.0.0.1:$PORT/ ARGS
#   gnutls and curl exit with 77 (the case is skipped) when they are not installed.
#   raw MODE ...  a python3 socket client that misbehaves (see raw_client below)
GET=$(printf 'GET / HTTP/1.0\r\n\r\nX')
GET=${GET%X}
HELLO="hello from esp-tls"

show() { printf '%s\n' "$1" | sed 's/^/| /'; }

ossl_keys() { # stdin: s_client's output
    awk -v hello="$HELLO" '
    /^SSL_connect:SSLv3\/TLS write finished/ { finished = 1 }
    /^SSL_connect:error in / { failed = 1 }
    /New Session Ticket arrived/ { tickets++ }
    /^(New|Reused), / {
        split($0, f, ", "); reused = f[1]; version = f[2]
        cipher = $0; sub(/.*Cipher is /, "", cipher)
    }
    /^ALPN protocol: / && alpn == "" { alpn = $3 }
    /^No ALPN negotiated/ && alpn == "" { alpn = "none" }
    /^subject=/ && subject == "" { subject = substr($0, 9); gsub(/ = /, "=", subject) }
    /^ *Verify return code: / && verify == "" { verify = $4 }
    /^Peer signature type: / && sigtype == "" { sigtype = $4 }
    /SSL alert number [0-9]+/ { alert = $0; sub(/.*SSL alert number /, "", alert) }
    index($0, hello) { found = 1 }
    END {
        done = finished && !failed
        print "result=" (done ? 1 : -1)
        if (done) print "version=" version "\ncipher=" cipher "\nreused=" reused
        print "tickets=" tickets + 0
        if (alpn != "") print "alpn=" alpn
        if (subject != "") print "peer_cert[0]=" subject
        if (verify != "") print "verify=" verify
        if (sigtype != "") print "sigtype=" sigtype
        if (alert != "") print "alert=" alert
        print "expect=" (found ? "found" : "missing")
    }'
}

gnutls_keys() {
    awk -v hello="$HELLO" '
    /^- Description: \(TLS1\.[0-9]/ {
        desc = $3; v = substr($3, 2, 6); version = "TLSv" substr(v, 4)
        cipher = $3; sub(/.*\)-\(/, "", cipher); sub(/\)$/, "", cipher)
    }
    /Handshake was completed/ { ok = 1 }
    /^- Application protocol: / { alpn = $4 }
    /^ - subject `/ && subject == "" {
        subject = $0; sub(/^ - subject `/, "", subject); sub(/'"'"'.*/, "", subject)
    }
    /^- Status: The certificate is trusted/ { verify = 0 }
    /^- Status: The certificate is NOT trusted/ { verify = 1 }
    /This is a resumed session/ { reused = 1 }
    /Received alert \[[0-9]+\]/ {
        alert = $0; sub(/.*Received alert \[/, "", alert); sub(/\].*/, "", alert)
    }
    index($0, hello) { found = 1 }
    END {
        print "result=" (ok ? 1 : -1)
        if (ok) print "version=" version "\ncipher=" cipher "\nreused=" (reused ? "Reused" : "New")
        if (desc != "") print "desc=" desc
        print "alpn=" (alpn != "" ? alpn : "none")
        if (subject != "") print "peer_cert[0]=" subject
        if (verify != "") print "verify=" verify
        if (alert != "") print "alert=" alert
        print "expect=" (found ? "found" : "missing")
    }'
}

curl_keys() {
    awk -v hello="$HELLO" '
    /^\* SSL connection using / { version = $5; cipher = $7 }
    /^\* ALPN: server accepted / { alpn = $5 }
    /^\* ALPN: server did not agree/ { alpn = "none" }
    /^\*  subject: / && subject == "" { subject = substr($0, 13); gsub(/; /, ", ", subject) }
    /^\*  SSL certificate verify ok/ { verify = 0 }
    index($0, hello) { found = 1 }
    END {
        print "result=" (version != "" ? 1 : -1)
        if (version != "") print "version=" version "\ncipher=" cipher
        if (alpn != "") print "alpn=" alpn
        if (subject != "") print "peer_cert[0]=" subject
        if (verify != "") print "verify=" verify
        print "expect=" (found ? "found" : "missing")
    }'
}

# raw MODE [ARG]: a client that is not a good TLS client. It connects, misbehaves, then reads
# what the server says (for 1 s unless told otherwise) and prints server_bytes=N, alert=N (a
# plaintext alert record), closed=1 (the server closed the connection) and held_ms (until
# the server closed it or the client gave up).
#   silent SECS     says nothing; closes after SECS unless the server closes first
#   garbage         a plain HTTP request (not TLS)
#   truncated N     the first N bytes of a real ClientHello (made by Python's ssl), closes
#   truncated_hold N SECS   the same, but keeps the connection open for SECS
#   trickle GAP     a real ClientHello one byte at a time, GAP seconds apart, until the
#                   server closes (sent=N: the bytes sent until then)
#   oversized LEN   a handshake record header claiming LEN bytes, and 64 bytes of it
#   drop            a full ClientHello, reads the server's first flight, closes (mid-handshake)
raw_client() {
    exec "$PY" - "$PORT" "$@" <<'EOF'
import socket, ssl, struct, sys, time

port, mode, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]


def hello_bytes():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    data = outgoing.read()
    assert data[0] == 0x16, "not a handshake record"
    return data


def read_reply(s, secs):
    s.settimeout(0.2)
    got, closed, end = b"", 0, time.time() + secs
    while time.time() < end:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            closed = 1
            break
        if not chunk:
            closed = 1
            break
        got += chunk
    return got, closed


s = socket.create_connection(("127.0.0.1", port))
t0 = time.time()
hold = 1.0  # how long to wait for the server's reaction
got, closed = b"", 0
if mode == "silent":
    hold = float(args[0])
elif mode == "garbage":
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
elif mode in ("truncated", "truncated_hold"):
    hello = hello_bytes()
    n = int(args[0])
    print("hello_bytes=%d\nsent=%d" % (len(hello), n))
    s.sendall(hello[:n])
    hold = float(args[1]) if mode == "truncated_hold" else 0
elif mode == "trickle":
    hello, gap = hello_bytes(), float(args[0])
    s.settimeout(gap)
    sent = 0
    for i in range(len(hello)):
        try:
            s.sendall(hello[i:i + 1])
            sent += 1
            if s.recv(65536) == b"":
                closed = 1
                break
        except socket.timeout:
            continue
        except OSError:
            closed = 1
            break
    print("sent=%d" % sent)
    hold = 0 if closed else 1.0
elif mode == "oversized":
    n = int(args[0], 0)
    s.sendall(struct.pack("!BHH", 0x16, 0x0303, n) + b"\x01" + b"\x00" * 63)
elif mode == "drop":
    s.sendall(hello_bytes())
    s.settimeout(3)
    print("server_flight=%d" % len(s.recv(65536)))
    hold = 0
else:
    sys.exit("raw: unknown mode " + mode)
if hold > 0:
    got, closed = read_reply(s, hold)
if len(got) >= 7 and got[0] == 0x15:
    print("alert=%d" % got[6])
print("server_bytes=%d\nclosed=%d\nheld_ms=%d" % (len(got), closed, (time.time() - t0) * 1000))
s.close()
EOF
}

kind=$1
shift
case $kind in
esp)
    # shellcheck disable=SC2086
    exec ${ESP_TLS_WRAP:-} "$ESP_CLIENT" --host 127.0.0.1 --port "$PORT" --send "$GET" \
        --expect "$HELLO" "$@"
    ;;
ossl)
    out=$(printf '%s' "$GET" |
        openssl s_client -connect "127.0.0.1:$PORT" -ign_eof -state "$@" 2>&1)
    rc=$?
    show "$out"
    printf '%s\n' "$out" | ossl_keys
    ;;
gnutls)
    command -v gnutls-cli >/dev/null || exit 77
    out=$(printf '%s' "$GET" | gnutls-cli -p "$PORT" "$@" 127.0.0.1 2>&1)
    rc=$?
    show "$out"
    printf '%s\n' "$out" | gnutls_keys
    ;;
curl)
    command -v curl >/dev/null || exit 77
    out=$(curl -sS -v --max-time 20 "https://127.0.0.1:$PORT/" "$@" 2>&1)
    rc=$?
    show "$out"
    printf '%s\n' "$out" | curl_keys
    ;;
raw) raw_client "$@" ;;
*)
    echo "server_client.sh: unknown client kind $kind" >&2
    exit 2
    ;;
esac
echo "tool_exit=$rc"
exit 0
