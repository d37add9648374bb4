# SPDX-License-Identifier: Apache-2.0
# lib.sh: shared helpers for the interop tests (POSIX sh; sourced, not run).
#
#   . "$(dirname "$0")/lib.sh"
#   it_init CLIENT CERTDIR         # checks the inputs, sets up a temp dir and cleanup traps
#   run_table <<'EOF'              # runs the cases (see below)
#   ...
#   EOF
#   it_finish                      # prints the summary, exits non-zero if any case failed
#
# A table line is   name | server | client args | expectations
#   - Blank lines and lines starting with '#' are ignored. A line ending in '\' continues
#     on the next one (the table is read with `read`, so do not use other backslashes).
#   - A line starting with '#KF ' is a known failure: it is skipped (and counted) unless
#     INTEROP_KNOWN_FAIL=1. Put a "# KNOWN-FAIL: why" comment above it.
#   - server: one of the functions below, followed by its arguments; a name ending in 6
#     listens on ::1 (or, for gnutls6, is waited for on IPv6), the others on 127.0.0.1:
#       ossl CERT [s_server args]     openssl s_server -www, certificate $D/CERT.crt/.key
#       gnutls CERT [gnutls-serv args] gnutls-serv --http; it binds both 0.0.0.0 and ::, so
#                                     it suits a client connecting to "localhost" (which may
#                                     resolve to either first). Skipped if not installed.
#       silent                        accepts connections and never says anything
#       drop / garbage                reads the ClientHello, then closes / answers non-TLS bytes
#       reply                         plain TCP, answers each chunk with "PONG:" + chunk
#       none                          nothing listens on $PORT (a free port)
#       peer CERT [options]           tests/interop/peer.py: TLS server (Python ssl) and, with
#                                     --dns-delay-ms, a DNS responder on UDP $PORT
#   - client args: shell words for the client (eval'd after the server has started), with
#     $PORT (the server's port), $D (the certificate directory) and $GET (an HTTP/1.0 GET
#     request with real CRLFs).
#   - expectations: whitespace-separated tokens; %20 in a value stands for a space.
#       key=value     the client printed "key=value" (or "key=value (...)", so
#                     last_error=0x801a matches "last_error=0x801a (ESP_ERR_...)")
#       key!=value    the client printed key, with another value
#       key~text      the client printed key, its value contains text
#       key&mask      the client printed key, value & mask != 0 (e.g. tls_flags&0x04)
#       key<=N key>=N the client printed key with a number <= N / >= N
#       exit=N        the client's exit status is N (exit!=N: is not N)
#       maxms=N       the client finished within N ms (minms=N: took at least N ms)
#       server~text   the server's output contains text (server!~text: does not)
#       stderr~text   the client's stderr contains text (stderr!~text: does not)
# Environment: INTEROP_CASES='glob ...' runs only the matching case names;
# INTEROP_KEEP=1 keeps the temp dir with every case's output.

PY=/usr/bin/python3
IT_DIR=$(cd "$(dirname "$0")" && pwd)
LISTENER=$IT_DIR/listener.py
IT_PASS=0
IT_FAIL=0
IT_KNOWN=0
IT_SKIP=0
IT_FAILED_NAMES=""
IT_SEQ=0
SERVER_PID=""
PORT=""
GET=$(printf 'GET / HTTP/1.0\r\n\r\nX')
GET=${GET%X}

it_cleanup() {
    server_stop
    if [ -n "${IT_TMP:-}" ] && [ -d "$IT_TMP" ]; then
        if [ "${INTEROP_KEEP:-0}" = 1 ]; then
            echo "interop: outputs kept in $IT_TMP"
        else
            rm -rf "$IT_TMP"
        fi
    fi
}

it_init() { # CLIENT CERTDIR
    if [ $# -ne 2 ]; then
        echo "usage: $0 CLIENT_BINARY CERTDIR" >&2
        exit 2
    fi
    CLIENT=$1
    D=$2
    [ -x "$CLIENT" ] || { echo "interop: client $CLIENT is not executable" >&2; exit 2; }
    [ -f "$D/.done" ] || { echo "interop: no certificates in $D (run tests/certs/gen.sh)" >&2; exit 2; }
    command -v openssl >/dev/null || { echo "interop: openssl not found" >&2; exit 2; }
    set -f # no globbing: expectations contain brackets (peer_cert[0]~...)
    IT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/esp-tls-interop.XXXXXX")
    trap it_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
    trap 'exit 141' PIPE # e.g. output piped to head: still clean up
}

# --- ports and servers ------------------------------------------------------------------

now_ms() { echo $(($(date +%s%N) / 1000000)); }

random_port() { # in 20000..31999: below the Linux ephemeral range
    r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
    echo $((20000 + r % 12000))
}

port_in_use() { # PORT: something listens on it (any family)
    if command -v ss >/dev/null; then
        [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
    else
        "$PY" -c 'import socket,sys
for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    s = socket.socket(fam)
    try:
        s.bind((host, int(sys.argv[1])))
    except OSError:
        sys.exit(0)
    finally:
        s.close()
sys.exit(1)' "$1"
    fi
}

free_port() {
    while :; do
        p=$(random_port)
        port_in_use "$p" || { echo "$p"; return 0; }
    done
}

# listening PORT PID FAMILY: process PID listens on PORT (IPv4 or IPv6)
listening() {
    if command -v ss >/dev/null; then
        ss -Hltnp "-$3" "sport = :$1" 2>/dev/null | grep -q "pid=$2,"
    else
        host=127.0.0.1
        [ "$3" = 6 ] && host=::1
        "$PY" -c 'import socket,sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam)
s.settimeout(1)
sys.exit(s.connect_ex((sys.argv[1], int(sys.argv[2]))) != 0)' "$host" "$1"
    fi
}

# Server functions: run in a subshell by server_start, they exec the server so that its
# pid is the subshell's.
ossl() {
    c=$1
    shift
    exec openssl s_server -accept "127.0.0.1:$PORT" -cert "$D/$c.crt" -key "$D/$c.key" -www "$@"
}
# osslrev: s_server answering each line reversed (-rev), for a session whose data must not
# hold the session's details (the -www page prints the TLS 1.2 master key)
osslrev() {
    c=$1
    shift
    exec openssl s_server -accept "127.0.0.1:$PORT" -cert "$D/$c.crt" -key "$D/$c.key" -rev "$@"
}
ossl6() {
    c=$1
    shift
    exec openssl s_server -accept "[::1]:$PORT" -cert "$D/$c.crt" -key "$D/$c.key" -www "$@"
}
gnutls() {
    c=$1
    shift
    exec gnutls-serv --http -p "$PORT" --x509certfile "$D/$c.crt" --x509keyfile "$D/$c.key" "$@"
}
gnutls6() { gnutls "$@"; }
silent() { exec "$PY" "$LISTENER" silent 127.0.0.1 "$PORT"; }
silent6() { exec "$PY" "$LISTENER" silent ::1 "$PORT"; }
drop() { exec "$PY" "$LISTENER" drop 127.0.0.1 "$PORT"; }
garbage() { exec "$PY" "$LISTENER" garbage 127.0.0.1 "$PORT"; }
reply() { exec "$PY" "$LISTENER" reply 127.0.0.1 "$PORT"; }
reply6() { exec "$PY" "$LISTENER" reply ::1 "$PORT"; }

# server_start LOG SERVER...: starts the server on a free port (sets PORT and SERVER_PID),
# waits until it listens. A server that exits (port taken meanwhile) is retried on another
# port. Returns 1 if no server could be started.
server_start() {
    log=$1
    shift
    kind=${1%% *}
    fam=4
    case $kind in *6) fam=6 ;; esac
    tries=0
    while [ $tries -lt 10 ]; do
        tries=$((tries + 1))
        PORT=$(free_port)
        # shellcheck disable=SC2294
        (eval "$*") >"$log" 2>&1 </dev/null &
        pid=$!
        i=0
        while [ $i -lt 200 ]; do # up to ~10 s
            if listening "$PORT" "$pid" "$fam"; then
                SERVER_PID=$pid
                return 0
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
            i=$((i + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then # alive but not listening: give up
            kill "$pid" 2>/dev/null
            wait "$pid" 2>/dev/null
            break
        fi
        wait "$pid" 2>/dev/null # it exited (port taken?): try another port
    done
    echo "interop: could not start server: $*" >&2
    sed 's/^/    server| /' "$log" >&2
    return 1
}

server_stop() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
        SERVER_PID=""
    fi
}

# --- client output checks ---------------------------------------------------------------

kv_has() { # FILE KEY: the client printed KEY=
    awk -v k="$2=" 'index($0, k) == 1 { found = 1 } END { exit !found }' "$1"
}
kv_get() { # FILE KEY: prints the first value of KEY
    awk -v k="$2=" 'index($0, k) == 1 { print substr($0, length(k) + 1); exit }' "$1"
}
kv_is() { # FILE KEY VALUE: KEY=VALUE or KEY=VALUE followed by a space and more
    awk -v l="$2=$3" '$0 == l || index($0, l " ") == 1 { found = 1 } END { exit !found }' "$1"
}
unesc() { printf '%s\n' "$1" | sed 's/%20/ /g'; }

# check TOKEN DIR: 0 if the expectation holds
check() {
    tok=$1
    dir=$2
    case $tok in
    exit=*) [ "$IT_EXIT" -eq "${tok#exit=}" ] ;;
    exit!=*) [ "$IT_EXIT" -ne "${tok#exit!=}" ] ;;
    maxms=*) [ "$IT_MS" -le "${tok#maxms=}" ] ;;
    minms=*) [ "$IT_MS" -ge "${tok#minms=}" ] ;;
    server~*) grep -Fq -- "$(unesc "${tok#server~}")" "$dir/server" ;;
    server!~*) ! grep -Fq -- "$(unesc "${tok#server!~}")" "$dir/server" ;;
    stderr~*) grep -Fq -- "$(unesc "${tok#stderr~}")" "$dir/err" ;;
    stderr!~*) ! grep -Fq -- "$(unesc "${tok#stderr!~}")" "$dir/err" ;;
    *\<=*) # key<=N: the client printed key with a number no greater than N
        k=${tok%%<=*}
        kv_has "$dir/out" "$k" || return 1
        [ "$(kv_get "$dir/out" "$k")" -le "${tok#*<=}" ] 2>/dev/null
        ;;
    *\>=*)
        k=${tok%%>=*}
        kv_has "$dir/out" "$k" || return 1
        [ "$(kv_get "$dir/out" "$k")" -ge "${tok#*>=}" ] 2>/dev/null
        ;;
    *!=*)
        k=${tok%%!=*}
        kv_has "$dir/out" "$k" && ! kv_is "$dir/out" "$k" "$(unesc "${tok#*!=}")"
        ;;
    *~*)
        k=${tok%%~*}
        kv_has "$dir/out" "$k" || return 1
        v=$(kv_get "$dir/out" "$k")
        case $v in *"$(unesc "${tok#*~}")"*) return 0 ;; *) return 1 ;; esac
        ;;
    *\&*)
        k=${tok%%&*}
        kv_has "$dir/out" "$k" || return 1
        v=$(kv_get "$dir/out" "$k")
        case $v in 0x[0-9a-fA-F]* | [0-9]*) ;; *) return 1 ;; esac
        [ $((v & ${tok#*&})) -ne 0 ]
        ;;
    *=*) kv_is "$dir/out" "${tok%%=*}" "$(unesc "${tok#*=}")" ;;
    *)
        echo "interop: bad expectation token '$tok'" >&2
        return 1
        ;;
    esac
}

# --- cases ------------------------------------------------------------------------------

have_ipv6() { # ::1 is configured
    grep -q "^00000000000000000000000000000001 " /proc/net/if_inet6 2>/dev/null
}

trim() { printf '%s' "$1" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'; }

selected() { # NAME: matches INTEROP_CASES (all if unset)
    [ -z "${INTEROP_CASES:-}" ] && return 0
    for pat in $INTEROP_CASES; do
        # shellcheck disable=SC2254
        case $1 in $pat) return 0 ;; esac
    done
    return 1
}

# run_case NAME SERVER ARGS EXPECTATIONS
run_case() {
    name=$(trim "$1")
    srv=$(trim "$2")
    args=$3
    exp=$4
    selected "$name" || return 0
    IT_EXIT="?"
    IT_MS="?"
    IT_SEQ=$((IT_SEQ + 1))
    dir=$IT_TMP/$IT_SEQ-$name
    mkdir -p "$dir"
    : >"$dir/server"
    v6=0
    case ${srv%% *} in *6) v6=1 ;; esac
    case $args in *::1*) v6=1 ;; esac
    if [ $v6 = 1 ]; then
        if ! have_ipv6; then
            IT_SKIP=$((IT_SKIP + 1))
            echo "SKIP $name (no IPv6 loopback)"
            return 0
        fi
    fi
    case $srv in
    gnutls*)
        if ! command -v gnutls-serv >/dev/null; then
            IT_SKIP=$((IT_SKIP + 1))
            echo "SKIP $name (gnutls-serv is not installed)"
            return 0
        fi
        ;;
    esac
    case $srv in
    none | none6) PORT=$(free_port) ;;
    *)
        if ! server_start "$dir/server" "$srv"; then
            it_fail "$name" "server did not start: $srv" "$dir"
            return 0
        fi
        ;;
    esac
    # Inside a function, `set --` only changes the function's own arguments.
    if ! eval "set -- $args"; then
        server_stop
        it_fail "$name" "bad client args: $args" "$dir"
        return 0
    fi
    # the command line for failure reports, with CR and LF shown as \r and \n
    printf '%s\n' "$CLIENT $*" |
        awk 'BEGIN { ORS = "" } { gsub(/\r/, "\\r"); if (NR > 1) print "\\n"; print } END { print "\n" }' \
            >"$dir/cmd"
    t0=$(now_ms)
    # ESP_TLS_WRAP (e.g. valgrind with --error-exitcode=99) runs the client under a checker.
    # shellcheck disable=SC2086
    timeout 60 ${ESP_TLS_WRAP:-} "$CLIENT" "$@" >"$dir/out" 2>"$dir/err" </dev/null
    IT_EXIT=$?
    IT_MS=$(($(now_ms) - t0))
    server_stop # also flushes the server's output
    bad=""
    [ "$IT_EXIT" -eq 99 ] && [ -n "${ESP_TLS_WRAP:-}" ] && bad=" memory-checker-error(see err)"
    for tok in $exp; do
        check "$tok" "$dir" || bad="$bad $tok"
    done
    if [ -z "$bad" ]; then
        IT_PASS=$((IT_PASS + 1))
        echo "PASS $name (${IT_MS} ms)"
    else
        it_fail "$name" "unmet:$bad" "$dir"
    fi
}

it_fail() { # NAME WHY DIR
    IT_FAIL=$((IT_FAIL + 1))
    IT_FAILED_NAMES="$IT_FAILED_NAMES $1"
    echo "FAIL $1: $2"
    [ -f "$3/cmd" ] && printf "    command: %s\n" "$(cat "$3/cmd")"
    echo "    exit=$IT_EXIT after $IT_MS ms"
    [ -f "$3/out" ] && sed 's/^/    stdout| /' "$3/out"
    [ -f "$3/err" ] && sed 's/^/    stderr| /' "$3/err" | head -n 20
    [ -s "$3/server" ] && tail -n 25 "$3/server" | sed 's/^/    server| /'
    return 0
}

# Builds that release data after the handshake (tests/interop/CMakeLists.txt sets these):
#   INTEROP_NO_PEER_CERT=1 (CONFIG_MBEDTLS_DYNAMIC_FREE_PEER_CERT): no peer certificate to
#     print afterwards, so peer_cert[N] and client_cert expectations are dropped;
#   INTEROP_NO_GLOBAL_CA=1 (CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT): no global CA store, so the
#     cases that use it (named *global_ca*) are skipped.
lean_skip() { # NAME
    case $1 in
    *global_ca*)
        if [ "${INTEROP_NO_GLOBAL_CA:-0}" = 1 ] && selected "$1"; then
            IT_SKIP=$((IT_SKIP + 1))
            echo "SKIP $1 (no global CA store: CONFIG_MBEDTLS_DYNAMIC_FREE_CA_CERT)"
            return 0
        fi
        ;;
    esac
    return 1
}

lean_exp() { # EXPECTATIONS
    if [ "${INTEROP_NO_PEER_CERT:-0}" != 1 ]; then
        printf '%s' "$1"
        return
    fi
    out=""
    for tok in $1; do
        case $tok in
        peer_cert\[* | *client_cert~* | *client_cert=*) ;;
        *) out="$out $tok" ;;
        esac
    done
    printf '%s' "$out"
}

# run_table: reads the case table on stdin
run_table() { table_loop run_case; }

# table_loop CASE_FN: reads a case table on stdin and calls CASE_FN NAME SERVER ARGS EXPECT for
# each case (known failures and comments handled here; server_lib.sh runs its cases with it too)
table_loop() {
    # Without -r: a backslash at the end of a line continues the case on the next line.
    # shellcheck disable=SC2162
    while IFS='|' read name srv args exp; do
        case $name in
        '#KF '*)
            if [ "${INTEROP_KNOWN_FAIL:-0}" = 1 ]; then
                name=${name#'#KF '}
            else
                n=$(trim "${name#'#KF '}")
                if selected "$n"; then
                    IT_KNOWN=$((IT_KNOWN + 1))
                    echo "SKIP $n (known failure; INTEROP_KNOWN_FAIL=1 runs it)"
                fi
                continue
            fi
            ;;
        '#'* | '') continue ;;
        esac
        [ -z "$(trim "$name")" ] && continue
        if lean_skip "$(trim "$name")"; then
            continue
        fi
        "$1" "$name" "$srv" "$args" "$(lean_exp "$exp")" </dev/null
    done
}

it_finish() {
    echo "interop: $IT_PASS passed, $IT_FAIL failed, $IT_KNOWN known failures skipped," \
        "$IT_SKIP skipped (no gnutls-serv or no IPv6)"
    if [ "$IT_FAIL" -ne 0 ]; then
        echo "interop: failed:$IT_FAILED_NAMES"
        exit 1
    fi
    if [ "$IT_PASS" -eq 0 ]; then
        echo "interop: no case ran" >&2
        exit 1
    fi
    exit 0
}

# peer CERT [peer.py options]: tests/interop/peer.py (TLS server on TCP, optional slow DNS
# responder on UDP, both on $PORT)
peer() {
    c=$1
    shift
    exec "$PY" "$IT_DIR/peer.py" "$PORT" "$D/$c.crt" "$D/$c.key" "$@"
}

# osslpsk HEXKEY IDENTITY [s_server args]: openssl s_server with a pre-shared key, no certificate
osslpsk() {
    k=$1
    i=$2
    shift 2
    exec openssl s_server -accept "127.0.0.1:$PORT" -nocert -psk "$k" -psk_identity "$i" -www "$@"
}
