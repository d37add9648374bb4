#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# cli.sh ESP_TLS_TOOL CERTDIR: the esp-tls command-line tool, run as a user would, against
# openssl s_server/s_client, gnutls-serv/gnutls-cli and openssl verify on loopback. Each case
# checks the exit status and output patterns; it prints PASS/FAIL per case and fails if any
# case failed. A case marked KF (known failure, with the reason) is run and reported, but does
# not fail the script; when it passes, the report says to remove the mark.
# Environment: CLI_CASES='glob ...' runs only matching cases; INTEROP_KEEP=1 keeps the temp dir.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../interop/lib.sh
. "$HERE/../interop/lib.sh"
IT_DIR=$(cd "$HERE/../interop" && pwd) # lib.sh's peers (listener.py) live there
LISTENER=$IT_DIR/listener.py

it_init "$1" "$2"
E=$CLIENT
T=$IT_TMP
PASS=0
FAIL=0
KF_COUNT=0
FAILED=""
HAVE_GNUTLS=0
command -v gnutls-serv >/dev/null && command -v gnutls-cli >/dev/null && HAVE_GNUTLS=1

# --- case helpers -----------------------------------------------------------------------
# case NAME [KF reason]: starts a case; run/expect_* record unmet expectations in $BAD
case_() {
    NAME=$1
    KF=${2:-}
    BAD=""
    SKIP=""
    CASE_T0=$(now_ms)
}
selected_case() {
    [ -z "${CLI_CASES:-}" ] && return 0
    for pat in $CLI_CASES; do
        # shellcheck disable=SC2254
        case $NAME in $pat) return 0 ;; esac
    done
    return 1
}
# run CMD...: stdout -> $T/out, stderr -> $T/err, exit status -> $RC
run() {
    printf '%s\n' "$*" >"$T/cmd"
    timeout 30 "$@" >"$T/out" 2>"$T/err" </dev/null
    RC=$?
}
run_in() { # INPUT CMD...: as run, with INPUT on stdin
    input=$1
    shift
    printf '%s\n' "$*" >"$T/cmd"
    printf '%b' "$input" | timeout 30 "$@" >"$T/out" 2>"$T/err"
    RC=$?
}
bad() { BAD="$BAD
    unmet: $*"; }
expect_exit() { [ "$RC" -eq "$1" ] || bad "exit $1 (got $RC)"; }
expect_out() { grep -Eq -- "$1" "$T/out" || bad "stdout ~ /$1/"; }
expect_err() { grep -Eq -- "$1" "$T/err" || bad "stderr ~ /$1/"; }
expect_any() { cat "$T/out" "$T/err" | grep -Eq -- "$1" || bad "output ~ /$1/"; }
expect_none() { cat "$T/out" "$T/err" | grep -Eq -- "$1" && bad "output !~ /$1/"; }
expect_file() { grep -Eq -- "$2" "$1" || bad "$(basename "$1") ~ /$2/"; }
# expect_json 'PYTHON EXPRESSION on d': stdout is one JSON object and the expression is true
expect_json() {
    "$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$T/out" "$1" 2>>"$T/err" || bad "json: $1"
}
end() {
    ms=$(($(now_ms) - CASE_T0))
    if [ -n "$SKIP" ]; then
        echo "SKIP $NAME ($SKIP)"
    elif [ -z "$BAD" ] && [ -z "$KF" ]; then
        PASS=$((PASS + 1))
        echo "PASS $NAME ($ms ms)"
    elif [ -z "$BAD" ]; then
        PASS=$((PASS + 1))
        echo "PASS $NAME ($ms ms) -- was a known failure ($KF): remove the KF mark"
    elif [ -n "$KF" ]; then
        KF_COUNT=$((KF_COUNT + 1))
        echo "KNOWN-FAIL $NAME: $KF"
    else
        FAIL=$((FAIL + 1))
        FAILED="$FAILED $NAME"
        echo "FAIL $NAME$BAD"
        echo "    command: $(cat "$T/cmd" 2>/dev/null)"
        echo "    exit=$RC after $ms ms"
        sed 's/^/    stdout| /' "$T/out" | head -n 30
        sed 's/^/    stderr| /' "$T/err" | head -n 30
        [ -s "$T/peer" ] && tail -n 15 "$T/peer" | sed 's/^/    peer| /'
    fi
    server_stop
    tool_server_stop
    hostile_stop
    : >"$T/peer"
}

# --- peers ------------------------------------------------------------------------------
# peer SERVER...: a lib.sh server (ossl, gnutls, silent, ...) on $PORT, log in $T/peer
peer() { server_start "$T/peer" "$*" || bad "peer did not start: $*"; }

# tool_server ARGS...: `esp-tls server --port 0 ARGS` in the background; sets PORT from its
# "listening on ADDR:PORT" line. Its stdout goes to $T/srv.out, stderr to $T/srv.err.
TOOL_PID=""
tool_server() {
    : >"$T/srv.out"
    "$E" server --port 0 "$@" >"$T/srv.out" 2>"$T/srv.err" </dev/null &
    TOOL_PID=$!
    tool_server_port
}
# tool_server_port: wait for the "listening on" line of the server started as $TOOL_PID
tool_server_port() {
    i=0
    while [ $i -lt 100 ] && ! grep -q '^listening on ' "$T/srv.out"; do
        sleep 0.05
        i=$((i + 1))
    done
    PORT=$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$T/srv.out")
    [ -n "$PORT" ] || bad "esp-tls server did not print 'listening on ADDR:PORT'"
}
# tool_server_wait: the server's exit status (it must exit by itself within 10 s) -> $SRV_RC
tool_server_wait() {
    i=0
    while [ $i -lt 200 ] && kill -0 "$TOOL_PID" 2>/dev/null; do
        sleep 0.05
        i=$((i + 1))
    done
    if kill -0 "$TOOL_PID" 2>/dev/null; then
        bad "esp-tls server did not exit"
        SRV_RC=999
    else
        wait "$TOOL_PID"
        SRV_RC=$?
    fi
    TOOL_PID=""
}
tool_server_stop() {
    if [ -n "$TOOL_PID" ]; then
        kill "$TOOL_PID" 2>/dev/null
        wait "$TOOL_PID" 2>/dev/null
        TOOL_PID=""
    fi
}
need_gnutls() { [ "$HAVE_GNUTLS" = 1 ] || SKIP="gnutls-serv/gnutls-cli not installed"; }

REQ='GET / HTTP/1.0\r\n\r\n'

# A chain with an intermediate for verify: root -> intermediate -> leaf (leaf.example)
make_chain() {
    C=$T/chain
    mkdir -p "$C"
    (
        cd "$C" || exit 1
        ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
        # shellcheck disable=SC2086
        openssl req -x509 $ec -keyout root.key -out root.crt -days 3650 -subj "/CN=CLI Test Root" \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" &&
            openssl req $ec -keyout int.key -out int.csr -subj "/CN=CLI Test Intermediate" &&
            printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' >int.ext &&
            openssl x509 -req -in int.csr -CA root.crt -CAkey root.key -CAcreateserial \
                -out int.crt -days 3650 -extfile int.ext &&
            openssl req $ec -keyout leaf.key -out leaf.csr -subj "/CN=leaf.example" &&
            printf 'subjectAltName=DNS:leaf.example\nextendedKeyUsage=serverAuth\n' >leaf.ext &&
            openssl x509 -req -in leaf.csr -CA int.crt -CAkey int.key -CAcreateserial \
                -out leaf.crt -days 30 -extfile leaf.ext &&
            openssl x509 -in leaf.crt -outform DER -out leaf.der
    ) >"$T/chain.log" 2>&1 || { cat "$T/chain.log"; echo "cli: cannot make the test chain"; exit 1; }
}

# --- cases: help and usage --------------------------------------------------------------
c_help() {
    run "$E" --help
    expect_exit 0
    expect_out 'client' && expect_out 'verify'
    for sub in client server verify bundle explain config demo; do
        run "$E" $sub --help
        expect_exit 0
        expect_out "usage: esp-tls $sub"
    done
    run "$E" bundle build --help
    expect_exit 0
    expect_out 'esp_crt_bundle_gen'
}
c_usage_errors() {
    for args in "" "nosuch" "client" "client --bogus x:1" "client a:1 b:2" "client host-without-port" \
        "client --sni a --skip-cn x:1" "client --tls1.3 --ciphers NO_SUCH_SUITE x:1" \
        "client --timeout abc x:1" "client --cert $D/client-ec.crt x:1" "server" \
        "server --cert $D/server-ec.crt" "server --port 70000 --cert x --key y" "verify" \
        "verify --time yesterday $D/server-ec.crt" "explain" "explain zz" "explain 1 2 3" \
        "config --bogus" "bundle" "bundle list" "bundle frobnicate" "demo --certs /nonexistent"; do
        # shellcheck disable=SC2086
        run "$E" $args
        [ "$RC" -eq 2 ] || bad "'esp-tls $args' exits 2 (got $RC)"
    done
    run "$E" client --ca /nonexistent.crt x:1
    expect_exit 2
    expect_err 'cannot open /nonexistent.crt'
}
c_insecure_needs_config() {
    if "$E" config | grep -q '^CONFIG_ESP_TLS_INSECURE=y'; then
        SKIP="this build has CONFIG_ESP_TLS_INSECURE"
        return
    fi
    run "$E" client --insecure 127.0.0.1:1
    expect_exit 2
    expect_err 'lacks CONFIG_ESP_TLS_INSECURE'
}

c_insecure_skips_verification() { # a build with CONFIG_ESP_TLS_INSECURE (label insecure)
    if ! "$E" config | grep -q '^CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY=y'; then
        SKIP="this build verifies servers always"
        return
    fi
    peer ossl other-server
    run "$E" client --insecure --json --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 0
    expect_json 'd["connected"] and not d["verified"] and d["response"].startswith("HTTP/1.0 200")'
    run "$E" client --insecure --request "$REQ" "127.0.0.1:$PORT"
    expect_err 'not verified \(--insecure\)'
}

# --- cases: client, network failures ----------------------------------------------------
c_client_closed_port() {
    PORT=$(free_port)
    run "$E" client --ca "$D/ca-ec.crt" "127.0.0.1:$PORT"
    expect_exit 3
    expect_err 'ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST'
    expect_err '^cause: ' && expect_err '^fix: '
    run "$E" client --json --ca "$D/ca-ec.crt" "127.0.0.1:$PORT"
    expect_exit 3
    expect_json 'd["connected"] is False and d["exit"] == 3 and d["error"]["esp_err"] == "0x8004" and d["error"]["errno"] == 111 and d["error"]["fix"]'
}
c_client_timeout() {
    peer silent
    run "$E" client --timeout 800 --ca "$D/ca-ec.crt" "127.0.0.1:$PORT"
    expect_exit 3
    expect_err 'ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT'
}
c_client_timeout_nonblock() {
    peer silent
    run "$E" client --nonblock --timeout 800 --ca "$D/ca-ec.crt" "127.0.0.1:$PORT"
    expect_exit 3
    expect_err 'ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT'
}

# --- cases: client against openssl s_server and gnutls-serv ----------------------------
MUTUAL="--ca $D/ca-ec.crt --cert $D/client-ec.crt --key $D/client-ec.key"
c_client_openssl_mtls13() {
    peer ossl server-ec -tls1_3 -Verify 1 -verify_return_error -CAfile "$D/ca-ec.crt"
    # shellcheck disable=SC2086
    run "$E" client $MUTUAL --tls1.3 --show-chain --stats --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 0
    expect_err '^version: +TLSv1\.3$'
    expect_err '^ciphersuite: +TLS1-3-'
    expect_err '^server: +verified \(--ca\)'
    expect_err '\[0\] subject: O=esp-tls tests, CN=localhost'
    expect_err '^stats: +handshake [0-9]+ ms, peak heap [1-9][0-9]* B, idle heap [0-9]+ B'
    expect_out '^HTTP/1\.0 200'
    server_stop
    expect_file "$T/peer" 'CN = esp-tls-client'
}
c_client_openssl_tls12_ciphers() {
    peer ossl server-ec -tls1_2
    run "$E" client --ca "$D/ca-ec.crt" --tls1.2 --ciphers TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 \
        --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 0
    expect_err '^version: +TLSv1\.2$'
    expect_err '^ciphersuite: +TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384$'
    expect_out 'Cipher is ECDHE-ECDSA-AES256-GCM-SHA384'
}
c_client_openssl_alpn_url() {
    peer ossl server-ec -alpn http/1.1
    run "$E" client --ca "$D/ca-ec.crt" --alpn h2,http/1.1 --request "$REQ" \
        "https://localhost:$PORT/index.html"
    expect_exit 0
    expect_err '^alpn: +http/1\.1$'
}
c_client_port_decimal() { # "host:0PORT" is decimal PORT, never octal; hex is refused
    peer ossl server-ec
    run "$E" client --ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:0$PORT"
    expect_exit 0
    expect_err '^version: +TLSv1\.3$'
    run "$E" client --ca "$D/ca-ec.crt" --timeout 0x10 "127.0.0.1:$PORT"
    expect_exit 2
    expect_err 'wants a number'
}
# A hostile certificate: an ESC sequence in its CN and in a SAN. Every line the tool prints from
# it (summary, chain, the mismatch explanation, JSON) carries "\x1b", never the byte itself.
esc_cert() {
    esc=$(printf '\033')
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/esc.key" \
        -out "$T/esc.csr" -subj "/O=esp-tls tests/CN=evil${esc}[2J" \
        -addext "subjectAltName=DNS:localhost,DNS:evil${esc}[31mserver: verified,IP:127.0.0.1" \
        >/dev/null 2>&1 &&
        openssl x509 -req -in "$T/esc.csr" -CA "$D/ca-ec.crt" -CAkey "$D/ca-ec.key" -days 2 \
            -copy_extensions copy -out "$T/esc.crt" >/dev/null 2>&1
}
no_esc_byte() { cat "$T/out" "$T/err" | grep -q "$(printf '\033')" && bad "a raw ESC byte in the output"; }
c_client_escapes_certificate_text() {
    esc_cert || { bad "openssl could not make the certificate"; return; }
    peer "exec openssl s_server -accept 127.0.0.1:\$PORT -cert $T/esc.crt -key $T/esc.key -www -quiet"
    run "$E" client --show-chain --ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 0
    expect_err 'san: +DNS:localhost, DNS:evil\\x1b\[31mserver: verified, IP:127\.0\.0\.1'
    expect_err 'CN=evil\\1B\[2J'
    no_esc_byte
    run "$E" client --ca "$D/ca-ec.crt" --sni wrong.example "127.0.0.1:$PORT"
    expect_exit 1
    expect_err 'holds: .*evil\\x1b\[31m'
    no_esc_byte
    run "$E" client --json --ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:$PORT"
    expect_json '"\\x1b" in d["chain"][0]["san"] and "\x1b" not in json.dumps(d)'
    no_esc_byte
}
c_client_json() {
    peer ossl server-ec -tls1_3
    run "$E" client --json --pem --ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 0
    expect_json 'd["command"] == "client" and d["connected"] and d["verified"] and d["exit"] == 0'
    expect_json 'd["version"] == "TLSv1.3" and d["ciphersuite"].startswith("TLS1-3-") and d["error"] is None'
    expect_json 'd["chain"][0]["subject"].endswith("CN=localhost") and "IP:127.0.0.1" in d["chain"][0]["san"] and d["chain"][0]["pem"].startswith("-----BEGIN CERTIFICATE-----")'
    expect_json 'd["stats"]["heap_peak"] > 0 and d["stats"]["handshake_ms"] >= 0 and d["response"].startswith("HTTP/1.0 200")'
    [ "$(wc -l <"$T/out")" -eq 1 ] || bad "one JSON line on stdout"
}
c_client_max_record() {
    peer ossl server-ec -tls1_2
    run "$E" client --ca "$D/ca-ec.crt" --max-record 1024 --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 0
    expect_err '^records in: +up to 1024 bytes \(asked for 1024\)$'
    expect_out 'HTTP/1.0 200'
    server_stop
    peer ossl server-ec -tls1_2
    run "$E" client --json --ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:$PORT"
    expect_json 'd["peer_record_limit"] == 16384 and d["response"].startswith("HTTP/1.0 200")'
    server_stop
    peer ossl server-ec -tls1_2
    run "$E" client --json --ca "$D/ca-ec.crt" --max-record 512 --request "$REQ" "127.0.0.1:$PORT"
    expect_json 'd["peer_record_limit"] == 512 and d["response"].startswith("HTTP/1.0 200")'
    run "$E" client --max-record 1000 127.0.0.1:1
    expect_exit 2
    expect_err '512, 1024, 2048 or 4096'
}
c_client_name_mismatch() {
    peer ossl noip-rsa
    run "$E" client --ca "$D/ca-rsa.crt" --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 1
    expect_err 'mbedtls -0x2700, flags 0x4$'
    expect_err '^cause: .*CN_MISMATCH.*127\.0\.0\.1.*DNS:localhost'
    expect_err '^fix: .*common_name'
    expect_err '\[0\] subject: O=esp-tls tests, CN=localhost'
    run "$E" client --json --ca "$D/ca-rsa.crt" "127.0.0.1:$PORT"
    expect_exit 1
    expect_json 'd["exit"] == 1 and d["error"]["mbedtls_code"] == "-0x2700" and d["error"]["flags"] == "0x4" and "common_name" in d["error"]["fix"] and len(d["chain"]) == 1'
}
c_client_name_fixed() {
    peer ossl noip-rsa
    run "$E" client --ca "$D/ca-rsa.crt" --sni localhost --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 0
    expect_out '^HTTP/1\.0 200'
    run "$E" client --ca "$D/ca-rsa.crt" --skip-cn --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 0
}
c_client_untrusted() {
    peer ossl other-server
    run "$E" client --ca "$D/ca-rsa.crt" --sni localhost "127.0.0.1:$PORT"
    expect_exit 1
    expect_err 'flags 0x8$'
    expect_err '^cause: .*NOT_TRUSTED'
}
c_client_two_ca_files() { # --ca twice (PEM + DER): both roots are trusted
    peer ossl server-rsa
    run "$E" client --ca "$D/ca-ec.crt" --ca "$D/ca-rsa.der" --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 0
    sys=/etc/ssl/certs/ca-certificates.crt # ~150 roots in one file, then ours
    if [ -f "$sys" ]; then
        run "$E" client --ca "$sys" --ca "$D/ca-rsa.crt" --request "$REQ" "127.0.0.1:$PORT"
        expect_exit 0
    fi
}
c_client_global_ca() {
    peer ossl server-ec
    run "$E" client --global-ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 0
    expect_err 'verified \(global CA store\)'
}
c_client_nonblock() {
    peer ossl server-ec
    run "$E" client --nonblock --ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 0
    expect_out '^HTTP/1\.0 200'
}
c_client_resume() {
    peer ossl server-ec
    for v in --tls1.2 --tls1.3; do
        run "$E" client $v --resume --ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:$PORT"
        expect_exit 0
        expect_err '^resume: +session saved, reconnect connected in [0-9]+ ms, resumed: yes'
    done
    run "$E" client --json --resume --ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:$PORT"
    expect_json 'd["resume"]["session_saved"] and d["resume"]["resumed"]'
}
c_client_stdin_relay() {
    peer ossl server-ec
    run_in 'GET / HTTP/1.0\r\n\r\n' "$E" client --ca "$D/ca-ec.crt" "127.0.0.1:$PORT"
    expect_exit 0
    expect_out '^HTTP/1\.0 200'
}
c_client_bundle_file() {
    run "$E" bundle build -q -o "$T/ec.bundle" "$D/ca-ec.crt"
    expect_exit 0
    peer ossl server-ec
    run "$E" client --bundle="$T/ec.bundle" --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 0
    expect_err 'verified \(bundle file\)'
    run "$E" client --bundle "$T/ec.bundle" --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 0
}
c_client_default_bundle_rejects_test_root() {
    peer ossl server-ec
    run "$E" client "127.0.0.1:$PORT"
    expect_exit 1
    expect_err 'NOT_TRUSTED'
}
c_client_idle_after_response() { # a peer that keeps the connection open after answering
    tool_server --cert "$D/server-ec.crt" --key "$D/server-ec.key" --echo --once
    run "$E" client --timeout 700 --ca "$D/ca-ec.crt" --request 'ping\n' "127.0.0.1:$PORT"
    expect_exit 0
    expect_out '^ping$'
    expect_err '^idle: +no more data for 700 ms'
    [ $(($(now_ms) - CASE_T0)) -lt 2500 ] || bad "done within one idle timeout"
}
# pypeer ARGS: tests/interop/peer.py (Python's ssl) on $PORT with the EC server certificate
pypeer() { peer "exec \"\$PY\" \"\$IT_DIR/peer.py\" \$PORT $D/server-ec.crt $D/server-ec.key $*"; }
c_client_close_kind() { # 0 at the end either way (ESP-IDF); the tool says which end it was
    pypeer --close-after-reply fin
    run "$E" client --ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:$PORT"
    expect_out '^HTTP/1.0 200 OK'
    if "$E" config | grep -q '^CONFIG_ESP_TLS_REQUIRE_CLOSE_NOTIFY=y'; then
        # the strict rule of this build: a bare FIN is an error (-0x7280)
        expect_exit 1
        run "$E" client --json --ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:$PORT"
        expect_json 'd["error"]["esp_err"] == "0x801d" and "0x7280" in d["error"]["mbedtls_code"] and d["response"].startswith("HTTP/1.0 200")'
    else
        expect_exit 0
        expect_err '^closed: +by the peer without close_notify \(TCP FIN only\)'
        run "$E" client --json --ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:$PORT"
        expect_json 'd["closed"] == "eof" and d["error"] is None and d["response"].startswith("HTTP/1.0 200")'
    fi
    server_stop
    pypeer --close-after-reply notify
    run "$E" client --json --ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 0
    expect_json 'd["closed"] == "close_notify" and d["error"] is None'
}
c_client_keylog_debug() {
    if ! "$E" config | grep -q '^CONFIG_ESP_TLS_KEYLOG=y'; then
        run "$E" client --keylog "$T/keys" 127.0.0.1:1
        expect_exit 2
        expect_err 'lacks CONFIG_ESP_TLS_KEYLOG'
        return
    fi
    peer ossl server-ec -tls1_3
    run "$E" client --keylog "$T/keys" --debug 1 --ca "$D/ca-ec.crt" --request "$REQ" \
        "127.0.0.1:$PORT"
    expect_exit 0
    expect_file "$T/keys" '^CLIENT_TRAFFIC_SECRET_0 [0-9a-f]{64} [0-9a-f]{64}$'
    expect_err 'CLIENT_HELLO'
    run "$E" client --ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:$PORT"
    expect_none 'CLIENT_HELLO' # no tracing without --debug
}
c_client_gnutls() {
    need_gnutls
    [ -n "$SKIP" ] && return
    peer gnutls server-rsa
    for v in --tls1.2 --tls1.3; do
        run "$E" client $v --ca "$D/ca-rsa.crt" --request "$REQ" "127.0.0.1:$PORT"
        expect_exit 0
        expect_err "^version: +TLSv1\\.${v#--tls1.}\$"
        expect_out '^HTTP/1\.0 200'
    done
}

# --- cases: failures after the handshake, credentials, options, environment -------------
# A TLS 1.3 server that requires a client certificate refuses a client without one only after
# the client's handshake has ended: the alert comes with the first read. Text output says so
# and why; --json says so too, also without --request.
c_client_refused_after_handshake() {
    peer ossl server-ec -tls1_3 -Verify 1 -verify_return_error -CAfile "$D/ca-ec.crt"
    run "$E" client --ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 1
    expect_err '^failed: +after the handshake'
    expect_err '^cause: .*certificate_required'
    run_in '' "$E" client --ca "$D/ca-ec.crt" "127.0.0.1:$PORT" # the stdin relay
    expect_exit 1
    expect_err '^cause: .*certificate_required'
    run "$E" client --json --ca "$D/ca-ec.crt" "127.0.0.1:$PORT"
    expect_exit 1
    expect_json 'd["connected"] and d["exit"] == 1 and "certificate_required" in d["error"]["cause"]'
    # shellcheck disable=SC2086
    run "$E" client --json $MUTUAL "127.0.0.1:$PORT"
    expect_exit 0
    expect_json 'd["exit"] == 0 and d["error"] is None'
}
# mosq: a mosquitto broker with TLS on $PORT that requires client certificates (docs/guide.md's
# MQTT case; tests/interop/mqtt.sh has the full set). It gets readable copies of the PKI.
mosq() {
    dir=$T/mosq
    mkdir -p "$dir"
    cp "$D/server-ec.crt" "$D/server-ec.key" "$D/ca-ec.crt" "$dir/" || exit 1
    chmod 711 "$T"
    chmod 755 "$dir"
    chmod 644 "$dir/server-ec.crt" "$dir/server-ec.key" "$dir/ca-ec.crt"
    printf 'per_listener_settings true\nlistener %s 127.0.0.1\ncafile %s\ncertfile %s\nkeyfile %s\nrequire_certificate true\nallow_anonymous true\n' \
        "$PORT" "$dir/ca-ec.crt" "$dir/server-ec.crt" "$dir/server-ec.key" >"$dir/mosquitto.conf"
    exec mosquitto -c "$dir/mosquitto.conf"
}
MQTT_CONNECT='\x10\x13\x00\x04MQTT\x04\x02\x00\x3c\x00\x07esp-tls'
c_client_mqtt_refused_tls13() {
    command -v mosquitto >/dev/null || { SKIP="mosquitto not installed"; return; }
    peer mosq
    run "$E" client --tls1.3 --ca "$D/ca-ec.crt" --request "$MQTT_CONNECT" "127.0.0.1:$PORT"
    expect_exit 1
    expect_err '^failed: +after the handshake'
    expect_err '^cause: '
    run "$E" client --tls1.3 --json --ca "$D/ca-ec.crt" "127.0.0.1:$PORT"
    expect_exit 1
    expect_json 'd["connected"] and d["exit"] == 1 and d["error"]["mbedtls_code"] != "0x0"'
    # shellcheck disable=SC2086
    run "$E" client --tls1.3 --timeout 1000 $MUTUAL --request "$MQTT_CONNECT" "127.0.0.1:$PORT"
    expect_exit 0
    od -An -tx1 "$T/out" | tr -d ' \n' | grep -q '^20020000' || bad "CONNACK accepted on stdout"
}
c_client_timeout_after_handshake() { # the server never answers: exit 3, and why
    # shellcheck disable=SC2086
    tool_server $SRV_EC --once
    run "$E" client --timeout 500 --ca "$D/ca-ec.crt" --request 'x' "127.0.0.1:$PORT"
    expect_exit 3
    expect_err '^failed: +after the handshake, no data within --timeout'
    expect_err '^cause: .*MBEDTLS_ERR_SSL_TIMEOUT'
}
c_usage_names_the_option() {
    run "$E" verify -CAfile "$C/root.crt" "$C/leaf.crt"
    expect_exit 2
    expect_err "^esp-tls verify: unknown option -CAfile for 'esp-tls verify' \(openssl's -CAfile is --ca\)"
    expect_none 'unknown option.*: verify$'
    run "$E" client --bogus 127.0.0.1:1
    expect_exit 2
    expect_err "unknown option --bogus for 'esp-tls client'"
    run "$E" server -Q
    expect_exit 2
    expect_err "unknown option -Q for 'esp-tls server'"
    run "$E" verify --ca
    expect_exit 2
    expect_err '^esp-tls verify: option --ca needs a value'
}
# A key of another certificate (same type: EC; other type: RSA): the cause says the key does not
# belong to the certificate, not "ECP - Bad input parameters"; the server refuses to start.
c_key_mismatch() {
    peer ossl server-ec -Verify 1 -CAfile "$D/ca-ec.crt"
    for key in server-ec client-rsa; do
        run "$E" client --ca "$D/ca-ec.crt" --cert "$D/client-ec.crt" --key "$D/$key.key" \
            --request "$REQ" "127.0.0.1:$PORT"
        expect_exit 1
        expect_err '^cause: the private key does not belong to the certificate'
        expect_none 'ECP - Bad input'
    done
    run "$E" server --port 0 --cert "$D/server-ec.crt" --key "$D/client-ec.key" --www
    expect_exit 2
    expect_err 'not started'
    expect_err '^cause: the private key does not belong to the certificate'
    expect_none '^listening on'
}
c_mbedtls_debug_env() { # the "fix:" lines recommend it: it must work in the tool
    peer ossl server-ec
    run env ESP_TLS_MBEDTLS_DEBUG=3 "$E" client --ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 0
    expect_err '^D \([0-9]+\) mbedtls: .*handshake'
    run "$E" client --ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:$PORT"
    expect_none 'mbedtls: '
    run env ESP_TLS_MBEDTLS_DEBUG=9 "$E" client --ca "$D/ca-ec.crt" --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 0
    expect_err 'ESP_TLS_MBEDTLS_DEBUG=9 ignored'
}
c_version() {
    run "$E" --version
    expect_exit 0
    expect_out '^esp-tls [0-9]+\.[0-9]+\.[0-9]+ \(Mbed TLS 3\.6\.[0-9]+\)$'
    v=$(sed -n 's/^esp-tls \([^ ]*\) .*/\1/p' "$T/out")
    run "$E" config
    expect_out "^esp-tls $v, Mbed TLS"
}
c_input_file_limit() { # certificates, keys and bundles: at most 1 MiB each
    head -c 2097152 /dev/zero >"$T/big"
    for args in "client --ca $T/big 127.0.0.1:1" "client --bundle=$T/big 127.0.0.1:1" \
        "server --port 0 --cert $T/big --key $D/server-ec.key" "verify $T/big" "bundle check $T/big"; do
        # shellcheck disable=SC2086
        run "$E" $args
        [ "$RC" -eq 2 ] || bad "'esp-tls $args' exits 2 (got $RC)"
        expect_err "big: larger than 1 MiB"
    done
}

# --- cases: server against openssl s_client and gnutls-cli -----------------------------
# ossl_client ARGS...: openssl s_client to the tool's server, a GET on stdin. The server ends a
# session with close_notify (c_server_close_notify checks it); -ignore_unexpected_eof keeps the
# other cases about what they test.
ossl_client() {
    printf 'GET / HTTP/1.0\r\n\r\n' | timeout 10 openssl s_client -connect "127.0.0.1:$PORT" \
        -ign_eof -ignore_unexpected_eof "$@" >"$T/out" 2>"$T/err"
    RC=$?
    printf 'openssl s_client -connect 127.0.0.1:%s %s\n' "$PORT" "$*" >"$T/cmd"
}
c_server_www_openssl() {
    tool_server --cert "$D/server-ec.crt" --key "$D/server-ec.key" --www --once
    expect_file "$T/srv.out" '^listening on 127\.0\.0\.1:[0-9]+$'
    ossl_client -CAfile "$D/ca-ec.crt" -verify_return_error -tls1_3
    expect_exit 0
    expect_out '^HTTP/1\.0 200 OK'
    expect_out '^Protocol: +TLSv1\.3$'
    expect_out '^Ciphersuite: +TLS1-3-'
    expect_any 'Verify return code: 0 \(ok\)'
    tool_server_wait
    [ "$SRV_RC" -eq 0 ] || bad "server exit 0 (got $SRV_RC)"
    expect_file "$T/srv.err" '^accepted: +127\.0\.0\.1:'
    expect_file "$T/srv.err" '^version: +TLSv1\.3$'
}
c_server_mtls_openssl() {
    tool_server --cert "$D/server-rsa.crt" --key "$D/server-rsa.key" --verify-client "$D/ca-ec.crt" \
        --tls1.3 --www --once
    ossl_client -CAfile "$D/ca-rsa.crt" -cert "$D/client-ec.crt" -key "$D/client-ec.key"
    expect_exit 0
    expect_out '^Client cert: +verified: .*CN=esp-tls-client'
    tool_server_wait
    [ "$SRV_RC" -eq 0 ] || bad "server exit 0 (got $SRV_RC)"
}
c_server_mtls_rejects_anonymous() {
    tool_server --cert "$D/server-rsa.crt" --key "$D/server-rsa.key" --verify-client "$D/ca-ec.crt" \
        --tls1.2 --www --once
    ossl_client -CAfile "$D/ca-rsa.crt"
    expect_none '^HTTP/1\.0 200'
    tool_server_wait
    [ "$SRV_RC" -eq 1 ] || bad "server exit 1 (got $SRV_RC)"
    expect_file "$T/srv.err" '^handshake: 127\.0\.0\.1:[0-9]+ failed'
    expect_file "$T/srv.err" '^cause: '
}
c_server_alpn_tls12_openssl() {
    tool_server --cert "$D/server-ec.crt" --key "$D/server-ec.key" --alpn h2,http/1.1 --tls1.2 \
        --ciphers TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 --www --once
    ossl_client -CAfile "$D/ca-ec.crt" -alpn http/1.1
    expect_exit 0
    expect_any 'ALPN protocol: http/1\.1'
    expect_out '^Protocol: +TLSv1\.2$'
    expect_out '^Ciphersuite: +TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256$'
}
c_server_tickets_openssl() {
    tool_server --cert "$D/server-ec.crt" --key "$D/server-ec.key" --tickets --www
    ossl_client -CAfile "$D/ca-ec.crt" -tls1_2 -sess_out "$T/sess"
    expect_exit 0
    ossl_client -CAfile "$D/ca-ec.crt" -tls1_2 -sess_in "$T/sess"
    expect_exit 0
    expect_any '^Reused, '
}
c_server_echo_gnutls() {
    need_gnutls
    [ -n "$SKIP" ] && return
    tool_server --cert "$D/server-rsa.crt" --key "$D/server-rsa.key" --echo --once
    printf 'echo-me-%s\n' 42 | timeout 10 gnutls-cli --x509cafile "$D/ca-rsa.crt" -p "$PORT" \
        127.0.0.1 >"$T/out" 2>"$T/err"
    RC=$?
    echo "gnutls-cli -p $PORT 127.0.0.1" >"$T/cmd"
    expect_out '^echo-me-42$'
    tool_server_wait
    [ "$SRV_RC" -eq 0 ] || bad "server exit 0 (got $SRV_RC)"
}
c_server_close_notify() {
    # esp_tls_conn_destroy() ends an established connection with close_notify
    tool_server --cert "$D/server-ec.crt" --key "$D/server-ec.key" --www --once
    printf 'GET / HTTP/1.0\r\n\r\n' | timeout 10 openssl s_client -connect "127.0.0.1:$PORT" \
        -ign_eof -CAfile "$D/ca-ec.crt" >"$T/out" 2>"$T/err"
    RC=$?
    expect_exit 0
    expect_none 'unexpected eof'
}
c_server_psk_needs_config() {
    if "$E" config | grep -q '^CONFIG_ESP_TLS_PSK_VERIFICATION=y'; then
        SKIP="this build has CONFIG_ESP_TLS_PSK_VERIFICATION"
        return
    fi
    run "$E" server --psk id:00112233 --port 0
    expect_exit 2
    expect_err 'lacks CONFIG_ESP_TLS_PSK_VERIFICATION'
}
c_server_psk_openssl() { # a build with CONFIG_ESP_TLS_PSK_VERIFICATION (label insecure)
    if ! "$E" config | grep -q '^CONFIG_ESP_TLS_PSK_VERIFICATION=y'; then
        SKIP="this build has no CONFIG_ESP_TLS_PSK_VERIFICATION"
        return
    fi
    tool_server --psk cli-id:00112233445566778899aabbccddeeff --tls1.2 --www --once
    ossl_client -psk 00112233445566778899aabbccddeeff -psk_identity cli-id -tls1_2
    expect_exit 0
    expect_out '^Protocol: +TLSv1\.2$'
    expect_out '^Ciphersuite: +TLS-(ECDHE-)?PSK-'
    tool_server_wait
    [ "$SRV_RC" -eq 0 ] || bad "server exit 0 (got $SRV_RC)"
}
c_server_port_in_use() {
    tool_server --cert "$D/server-ec.crt" --key "$D/server-ec.key" --www
    run "$E" server --port "$PORT" --cert "$D/server-ec.crt" --key "$D/server-ec.key"
    expect_exit 3
    expect_err 'cannot listen'
}
c_client_to_tool_server() { # both ends are this library
    tool_server --cert "$D/server-ec.crt" --key "$D/server-ec.key" --verify-client "$D/ca-ec.crt" \
        --www --once
    # shellcheck disable=SC2086
    run "$E" client $MUTUAL --request "$REQ" "127.0.0.1:$PORT"
    expect_exit 0
    expect_out '^Client cert: +verified: .*CN=esp-tls-client'
    tool_server_wait
    [ "$SRV_RC" -eq 0 ] || bad "server exit 0 (got $SRV_RC)"
}

# --- cases: the server under slow, idle and greedy clients -------------------------------
# hostile MODE ARGS: a TLS client (Python's ssl) against the tool's server on $PORT that
#   idle SECONDS   completes the handshake, then says nothing
#   noread         sends without end and never reads (the echo cannot be written back)
#   slowloris      sends a request head one line every 200 ms and never ends it
# It prints how long the server let it hold the connection.
hostile_py() {
    cat >"$T/hostile.py" <<'PY'
import socket, ssl, sys, time
mode, port, ca = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost")
t0 = time.time()
try:
    if mode == "idle":
        time.sleep(float(sys.argv[4]))
    elif mode == "noread":
        s.settimeout(8)
        while time.time() - t0 < 8:
            s.sendall(b"x" * 65536)
    elif mode == "slowloris":
        s.sendall(b"GET / HTTP/1.0\r\n")
        while time.time() - t0 < 8:
            s.sendall(b"X-a: b\r\n")
            time.sleep(0.2)
except OSError:
    pass
print("held %.1f s" % (time.time() - t0))
PY
}
HOSTILE_PIDS=""
hostile_bg() { # MODE ARGS: in the background
    "$PY" "$T/hostile.py" "$1" "$PORT" "$D/ca-ec.crt" "${2:-}" >>"$T/hostile.out" 2>&1 &
    HOSTILE_PIDS="$HOSTILE_PIDS $!"
}
hostile_stop() {
    for pid in $HOSTILE_PIDS; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    HOSTILE_PIDS=""
}
SRV_EC="--cert $D/server-ec.crt --key $D/server-ec.key"
# elapsed_below MS: the case has run for less than MS
elapsed_below() { [ $(($(now_ms) - CASE_T0)) -lt "$1" ] || bad "done within $1 ms"; }
c_server_concurrent() { # two idle clients do not keep a third from being served
    # shellcheck disable=SC2086
    tool_server $SRV_EC --echo
    hostile_bg idle 6
    hostile_bg idle 6
    sleep 0.3
    run "$E" client --timeout 1500 --ca "$D/ca-ec.crt" --request 'ping\n' "127.0.0.1:$PORT"
    expect_exit 0
    expect_out '^ping$'
    elapsed_below 4000
    hostile_stop
}
# hostile_once MODE EXIT CLOSED WITHIN_MS SERVER_ARGS...: `esp-tls server --once SERVER_ARGS`
# and one hostile client; the server must end the session by itself, with exit EXIT ("any":
# whichever) and "closed: PEER (CLOSED)", within WITHIN_MS of the case's start.
hostile_once() {
    mode=$1 want=$2 closed=$3 within=$4
    shift 4
    # shellcheck disable=SC2086
    tool_server $SRV_EC --once "$@"
    hostile_bg "$mode" 8
    tool_server_wait
    [ "$want" = any ] || [ "$SRV_RC" -eq "$want" ] || bad "server exit $want (got $SRV_RC)"
    expect_file "$T/srv.err" "^closed: +127\\.0\\.0\\.1:[0-9]+ \\($closed\\)"
    elapsed_below "$within"
    hostile_stop
}
c_server_relay_idle() { # relay mode: a client that says nothing is closed after --idle-timeout
    hostile_once idle 0 'idle for 1000 ms' 4000 --idle-timeout 1000
}
c_server_echo_blocked_write() { # --echo to a client that never reads: no endless retry
    hostile_once noread any 'idle for 1000 ms' 6000 --echo --idle-timeout 1000
}
c_server_slowloris() { # --www: the request head must be complete within --request-timeout
    hostile_once slowloris 1 'request not complete within 1500 ms' 5000 --www --request-timeout 1500
}
c_server_request_too_large() { # --www: a request head of more than 32 KiB is refused
    # shellcheck disable=SC2086
    tool_server $SRV_EC --www --once
    big=$("$PY" -c 'print("GET / HTTP/1.0\\r\\n" + "X-a: b\\r\\n" * 4500, end="")')
    run "$E" client --ca "$D/ca-ec.crt" --request "$big" "127.0.0.1:$PORT"
    expect_none '^HTTP/1\.0 200'
    tool_server_wait
    [ "$SRV_RC" -eq 1 ] || bad "server exit 1 (got $SRV_RC)"
    expect_file "$T/srv.err" 'more than 32768 bytes'
}
c_server_max_clients() { # one slot: a second client waits until the first has gone
    # shellcheck disable=SC2086
    tool_server $SRV_EC --echo --max-clients 1
    hostile_bg idle 2
    sleep 0.3
    run "$E" client --timeout 800 --ca "$D/ca-ec.crt" --request 'one\n' "127.0.0.1:$PORT"
    expect_exit 3
    hostile_stop
    run "$E" client --timeout 800 --ca "$D/ca-ec.crt" --request 'two\n' "127.0.0.1:$PORT"
    expect_exit 0
    expect_out '^two$'
}
c_server_handshake_deadline() { # a TCP client that never starts the handshake
    # shellcheck disable=SC2086
    tool_server $SRV_EC --once --timeout 500
    "$PY" -c 'import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
time.sleep(3)' "$PORT" &
    HOSTILE_PIDS="$HOSTILE_PIDS $!"
    tool_server_wait
    [ "$SRV_RC" -eq 1 ] || bad "server exit 1 (got $SRV_RC)"
    expect_file "$T/srv.err" 'ESP_ERR_ESP_TLS_SERVER_HANDSHAKE_TIMEOUT'
    expect_file "$T/srv.err" '^closed: .*\(handshake not done within 500 ms\)'
    elapsed_below 2500
}
c_server_relay_both_ways() { # relay: the client's data to stdout, stdin to the client
    : >"$T/srv.out"
    (sleep 1 && echo to-client) |
        "$E" server --port 0 $SRV_EC --once --idle-timeout 1500 >"$T/srv.out" 2>"$T/srv.err" &
    TOOL_PID=$!
    tool_server_port
    run_in 'to-server\n' "$E" client --timeout 3000 --ca "$D/ca-ec.crt" "127.0.0.1:$PORT"
    expect_exit 0
    expect_out '^to-client$'
    tool_server_wait
    [ "$SRV_RC" -eq 0 ] || bad "server exit 0 (got $SRV_RC)"
    expect_file "$T/srv.out" '^to-server$'
}
c_server_options_checked() {
    for args in "--idle-timeout 0" "--request-timeout x" "--max-clients 0" "--max-clients 1025"; do
        # shellcheck disable=SC2086
        run "$E" server --port 0 $SRV_EC $args
        [ "$RC" -eq 2 ] || bad "'esp-tls server $args' exits 2 (got $RC)"
    done
}

# --- cases: verify, compared with openssl verify ---------------------------------------
# agree NAME EXPECTED_EXIT OPENSSL_VERIFY_ARGS...: openssl verify must agree (0 = OK)
agree() {
    want=$1
    shift
    if openssl verify "$@" >"$T/ossl" 2>&1; then o=0; else o=1; fi
    [ "$o" -eq "$want" ] || bad "openssl verify $* gives $o, expected $want: $(tail -n 2 "$T/ossl")"
}
c_verify_good() {
    run "$E" verify --ca "$C/root.crt" --untrusted "$C/int.crt" --host leaf.example "$C/leaf.crt"
    expect_exit 0
    expect_out '^verified for leaf\.example$'
    expect_out '\[0\] subject: CN=leaf\.example'
    expect_out '\[1\] subject: CN=CLI Test Intermediate'
    agree 0 -CAfile "$C/root.crt" -untrusted "$C/int.crt" -verify_hostname leaf.example "$C/leaf.crt"
}
c_verify_good_der_leaf() {
    run "$E" verify --ca "$C/root.crt" --untrusted "$C/int.crt" --host leaf.example "$C/leaf.der"
    expect_exit 0
}
c_verify_no_host() {
    run "$E" verify --ca "$C/root.crt" --untrusted "$C/int.crt" "$C/leaf.crt"
    expect_exit 0
    agree 0 -CAfile "$C/root.crt" -untrusted "$C/int.crt" "$C/leaf.crt"
}
c_verify_expired_by_time() {
    run "$E" verify --ca "$C/root.crt" --untrusted "$C/int.crt" --host leaf.example \
        --time 2040-01-01T00:00:00Z "$C/leaf.crt"
    expect_exit 1
    expect_out '^not verified: flags 0x1$'
    expect_out '^cause: .*EXPIRED'
    agree 1 -CAfile "$C/root.crt" -untrusted "$C/int.crt" -attime 2208988800 "$C/leaf.crt"
    run "$E" verify --ca "$C/root.crt" --untrusted "$C/int.crt" --host leaf.example \
        --time 2000-01-01 "$C/leaf.crt"
    expect_exit 1
    expect_out 'FUTURE'
}
c_verify_expired_now() {
    run "$E" verify --ca "$D/ca-rsa.crt" --host localhost "$D/expired-rsa.crt"
    expect_exit 1
    expect_out 'EXPIRED'
    agree 1 -CAfile "$D/ca-rsa.crt" "$D/expired-rsa.crt"
}
c_verify_wrong_host() {
    run "$E" verify --ca "$C/root.crt" --untrusted "$C/int.crt" --host other.example "$C/leaf.crt"
    expect_exit 1
    expect_out '^not verified: flags 0x4$'
    expect_out '^cause: .*CN_MISMATCH'
    agree 1 -CAfile "$C/root.crt" -untrusted "$C/int.crt" -verify_hostname other.example "$C/leaf.crt"
}
# An empty name is refused, as a handshake with an empty common_name is (issue 15): not
# taken as "no name check"
c_verify_empty_host() {
    run "$E" verify --ca "$C/root.crt" --untrusted "$C/int.crt" --host "" "$C/leaf.crt"
    expect_exit 2
    expect_err 'the name is empty'
    expect_none '^verified'
}
c_verify_missing_intermediate() {
    run "$E" verify --ca "$C/root.crt" --host leaf.example "$C/leaf.crt"
    expect_exit 1
    expect_out '^not verified: flags 0x8$'
    expect_out 'NOT_TRUSTED'
    agree 1 -CAfile "$C/root.crt" "$C/leaf.crt"
}
c_verify_json() {
    run "$E" verify --json --ca "$C/root.crt" --untrusted "$C/int.crt" --host leaf.example "$C/leaf.crt"
    expect_exit 0
    expect_json 'd["command"] == "verify" and d["verified"] and d["flags"] == "0x0" and len(d["chain"]) == 2 and d["chain"][1]["is_ca"] and d["error"] is None'
    run "$E" verify --json --ca "$C/root.crt" --host leaf.example "$C/leaf.crt"
    expect_exit 1
    expect_json 'not d["verified"] and d["exit"] == 1 and d["flags"] == "0x8" and d["error"]["mbedtls_code"] == "-0x2700" and d["error"]["cause"]'
}
c_verify_bundle() {
    run "$E" bundle build -q -o "$T/root.bundle" "$C/root.crt"
    run "$E" verify --bundle="$T/root.bundle" --untrusted "$C/int.crt" --host leaf.example "$C/leaf.crt"
    expect_exit 0
    run "$E" verify --host leaf.example --untrusted "$C/int.crt" "$C/leaf.crt"
    expect_exit 1 # the built-in bundle does not hold the test root
}

# --- cases: explain, config, bundle, demo ------------------------------------------------
c_explain() {
    run "$E" explain -0x7200
    expect_exit 0
    expect_out '^cause: .*INVALID_RECORD' && expect_out '^fix: '
    run "$E" explain 0x2700 0x04
    expect_exit 0
    expect_out '^cause: .*CN_MISMATCH'
    expect_out '^fix: .*common_name'
    run "$E" explain 0x8006
    expect_exit 0
    expect_out 'CONNECTION_TIMEOUT'
    run "$E" explain 32774 # 0x8006 in decimal
    expect_exit 0
    expect_out 'CONNECTION_TIMEOUT'
    run "$E" explain --json 0x2700 8
    expect_exit 0
    expect_json 'd["command"] == "explain" and d["known"] and d["mbedtls_code"] == "-0x2700" and d["flags"] == "0x8" and "NOT_TRUSTED" in d["cause"] and d["fix"]'
}
c_config() {
    run "$E" config
    expect_exit 0
    expect_out '^esp-tls [0-9.]+, Mbed TLS 3\.6\.[0-9]+$'
    expect_out '^CONFIG_ESP_TLS_USING_MBEDTLS=y$'
    expect_out '^CONFIG_MBEDTLS_SSL_PROTO_TLS1_3=y$'
    run "$E" config --json
    expect_exit 0
    expect_json 'd["command"] == "config" and d["mbedtls_version"].startswith("3.6.") and d["config"]["CONFIG_MBEDTLS_SSL_PROTO_TLS1_2"] == "y" and all(k.startswith(("CONFIG_ESP_TLS_", "CONFIG_MBEDTLS_")) for k in d["config"])'
}
c_bundle() {
    run "$E" bundle build -q -o "$T/two.bundle" "$C/root.crt" "$D/ca-rsa.crt"
    expect_exit 0
    run "$E" bundle list "$T/two.bundle"
    expect_exit 0
    expect_out 'EC P-256 +CN=CLI Test Root$'
    expect_out 'RSA 2048 +O=esp-tls tests, CN=esp-tls Test Root RSA$'
    expect_out '^2 roots \(offset-table format\)$'
    run "$E" bundle check "$T/two.bundle"
    expect_exit 0
    expect_out 'valid bundle'
    head -c 40 "$T/two.bundle" >"$T/cut.bundle"
    run "$E" bundle check "$T/cut.bundle"
    expect_exit 1
    expect_err 'not a valid certificate bundle'
    run "$E" bundle build -q -o "$T/none.bundle" "$T/nonexistent.pem"
    expect_exit 1
}
# bundle check --certs: an entry whose certificate is not a CA (kept with --allow-non-ca) is
# reported and fails the check; without --certs the check says it cannot tell.
c_bundle_check_ca() {
    run "$E" bundle build -q --allow-non-ca -o "$T/nonca.bundle" "$C/root.crt" "$D/server-ec.crt"
    expect_exit 0
    run "$E" bundle check "$T/nonca.bundle"
    expect_exit 0
    expect_out '^CA status not checked'
    run "$E" bundle check "$T/nonca.bundle" --certs "$C/root.crt" --certs "$D/server-ec.crt"
    expect_exit 1
    expect_out 'NOT A CA \(its basicConstraints do not say cA TRUE\)'
    expect_out '^1 CA, 1 not a CA, 0 without a certificate$'
    run "$E" bundle check "$T/nonca.bundle" --certs "$C/root.crt"
    expect_exit 0
    expect_out 'no certificate with this name and key among --certs'
    expect_out '^1 CA, 0 not a CA, 1 without a certificate$'
    run "$E" bundle check "$T/nonca.bundle" --certs
    expect_exit 2
}
c_demo() {
    run "$E" demo --certs "$D"
    expect_exit 0
    expect_out '^Demo OK'
    expect_out '^version: +TLSv1\.3$'
    expect_out 'mbedtls -0x2700, flags 0x4$'
    expect_out '^cause: .*CN_MISMATCH'
    [ $(($(now_ms) - CASE_T0)) -lt 10000 ] || bad "demo within 10 s"
}

# The man page renders without warnings and names every option of every command's --help.
c_man_page() {
    command -v man >/dev/null || { SKIP="man not installed"; return; }
    page=$HERE/../../docs/esp-tls.1
    run env MANWIDTH=100 man --warnings -E UTF-8 -l "$page"
    expect_exit 0
    [ -s "$T/err" ] && bad "man printed warnings"
    expect_out '^EXIT STATUS' && expect_out '^ENVIRONMENT'
    tr -d '\255' <"$T/out" | sed 's/‐//g' >"$T/man.txt"
    for sub in client server verify bundle "bundle build" explain config demo ota ""; do
        # shellcheck disable=SC2086
        "$E" $sub --help 2>&1 | grep -o -- '--[a-z][a-z0-9.-]*' | sort -u >"$T/opts"
        while read -r opt; do
            grep -q -- "$opt" "$T/man.txt" || bad "the man page lacks '$sub' $opt"
        done <"$T/opts"
    done
}

# --- run --------------------------------------------------------------------------------
CASES="help usage_errors usage_names_the_option version input_file_limit
insecure_needs_config insecure_skips_verification
client_closed_port client_timeout client_timeout_nonblock
client_openssl_mtls13 client_openssl_tls12_ciphers client_openssl_alpn_url client_json client_port_decimal client_escapes_certificate_text
client_max_record
client_name_mismatch client_name_fixed client_untrusted client_two_ca_files client_global_ca
client_nonblock client_resume client_stdin_relay client_bundle_file client_idle_after_response
client_default_bundle_rejects_test_root client_keylog_debug client_gnutls client_close_kind
client_refused_after_handshake client_mqtt_refused_tls13 client_timeout_after_handshake
key_mismatch mbedtls_debug_env
server_www_openssl server_mtls_openssl server_mtls_rejects_anonymous server_alpn_tls12_openssl
server_tickets_openssl server_close_notify server_echo_gnutls server_psk_needs_config server_psk_openssl server_port_in_use
server_concurrent server_relay_idle server_echo_blocked_write server_slowloris
server_request_too_large server_max_clients server_handshake_deadline server_relay_both_ways
server_options_checked
client_to_tool_server
verify_good verify_good_der_leaf verify_no_host verify_expired_by_time verify_expired_now
verify_wrong_host verify_empty_host verify_missing_intermediate verify_json verify_bundle
explain config bundle bundle_check_ca demo man_page"

make_chain
hostile_py
T0=$(now_ms)
for c in $CASES; do
    case_ "$c"
    selected_case || continue
    "c_$c"
    end
done
echo "cli: $PASS passed, $FAIL failed, $KF_COUNT known failures, in $(($(now_ms) - T0)) ms"
if [ "$FAIL" -ne 0 ]; then
    echo "cli: failed:$FAILED"
    exit 1
fi
[ "$PASS" -gt 0 ] || { echo "cli: no case ran"; exit 1; }
exit 0
