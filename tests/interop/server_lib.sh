# SPDX-License-Identifier: Apache-2.0
# server_lib.sh: the table runner of lib.sh turned around, for the server tests: the server
# is examples/https_server and the clients are openssl s_client, gnutls-cli, curl, the example
# client and python3 socket clients (server_client.sh). POSIX sh; sourced, not run.
#
#   . "$(dirname "$0")/server_lib.sh"
#   srv_init HTTPS_SERVER ESP_TLS_CLIENT CERTDIR
#   srv_table <<'EOF'
#   name | server | client steps | expectations
#   EOF
#   it_finish
#
# A table line is read as in lib.sh (blank and '#' lines ignored, '\' continues a line, '#KF '
# marks a known failure), with:
#   - server: `hs CERT [https_server args]` runs the example server with $D/CERT.crt/.key on
#     127.0.0.1:$PORT; `https [args]` runs it with only the given arguments. Under $SRV_WRAP
#     (e.g. valgrind) if set. $D is expanded.
#   - client steps, separated by ` :: `, run one after the other against the same server:
#       esp|ossl|gnutls|curl|raw ARGS   a client of server_client.sh (see there); stdout and
#                                       stderr of step N go to cN.out and cN.err
#       bg STEP                         the same, in the background (waited for at the end)
#       wait N [SECS]                   until the server printed N session lines (default 10 s)
#       sleep SECS
#     A step exiting with 77 (tool not installed) skips the case. $W is the case's own
#     directory (for session files), $PORT and $D as in lib.sh.
#   - expectations: the tokens of lib.sh's check(), on these key=value lines:
#       KEY=...       printed by the last foreground client step (keys: server_client.sh)
#       cN.KEY=...    printed by client step N (steps are counted from 1, wait/sleep too);
#                     cN.ms is how long the step took, cN.exit its exit status
#       sN.KEY=...    field KEY of the server's "session=N ..." line (result, version, alpn,
#                     client_cert, verify, last_error, tls_code, tls_flags), and of the
#                     key=value lines the server printed before it (create_ms, handshake_ms,
#                     sni, cert); with several clients at once those may belong to another.
#                     The runner waits (up to 10 s) until the server printed the highest N
#                     the expectations refer to.
#       srvexit=N     the server exits by itself (--max) within 60 s, with status N
#     exit=, maxms= and minms= refer to the last foreground client step; server~text greps
#     the server's output as in lib.sh. PASS lines show the whole case's time.
# Environment: INTEROP_CASES, INTEROP_KEEP, INTEROP_KNOWN_FAIL as in lib.sh; ESP_TLS_WRAP runs
# the example client under a checker, SRV_WRAP the server.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

SRV_CLIENT=$IT_DIR/server_client.sh

srv_init() { # HTTPS_SERVER ESP_TLS_CLIENT CERTDIR
    if [ $# -ne 3 ]; then
        echo "usage: $0 HTTPS_SERVER ESP_TLS_CLIENT CERTDIR" >&2
        exit 2
    fi
    HTTPS_SERVER=$1
    [ -x "$HTTPS_SERVER" ] || { echo "interop: server $1 is not executable" >&2; exit 2; }
    it_init "$2" "$3"
    ESP_CLIENT=$2
    export ESP_CLIENT D PY PORT
}

# Server functions (run by server_start in a subshell: they exec the server).
https() {
    # shellcheck disable=SC2086
    exec ${SRV_WRAP:-} "$HTTPS_SERVER" --port "$PORT" "$@"
}
hs() {
    c=$1
    shift
    https --cert "$D/$c.crt" --key "$D/$c.key" "$@"
}

srv_sessions() { # number of session lines the server printed
    grep -c '^session=' "$1" 2>/dev/null || true
}

wait_sessions() { # LOG N SECS
    i=0
    while [ "$(srv_sessions "$1")" -lt "$2" ] && [ $i -lt $(($3 * 20)) ]; do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
        i=$((i + 1))
    done
}

# run_step DIR N STEP: one step; a foreground client step sets STEP_EXIT, STEP_MS and LAST_STEP
run_step() {
    sdir=$1
    n=$2
    step=$3
    STEP_EXIT=0
    STEP_MS=0
    bg=0
    case $step in bg\ *)
        bg=1
        step=${step#bg }
        ;;
    esac
    # shellcheck disable=SC2034 # $W is for the steps evaluated below
    W=$sdir
    eval "set -- $step" || return 2
    case $1 in
    wait)
        wait_sessions "$sdir/server" "$2" "${3:-10}"
        return 0
        ;;
    sleep)
        sleep "$2"
        return 0
        ;;
    esac
    printf '%s\n' "$*" >"$sdir/c$n.cmd"
    if [ $bg = 1 ]; then
        (
            t0=$(now_ms)
            timeout 60 sh "$SRV_CLIENT" "$@" >"$sdir/c$n.out" 2>"$sdir/c$n.err" </dev/null
            echo "exit=$?" >"$sdir/c$n.status"
            echo "ms=$(($(now_ms) - t0))" >>"$sdir/c$n.status"
        ) &
        BG_PIDS="$BG_PIDS $!"
        return 0
    fi
    t0=$(now_ms)
    timeout 60 sh "$SRV_CLIENT" "$@" >"$sdir/c$n.out" 2>"$sdir/c$n.err" </dev/null
    STEP_EXIT=$?
    STEP_MS=$(($(now_ms) - t0))
    printf 'exit=%s\nms=%s\n' "$STEP_EXIT" "$STEP_MS" >"$sdir/c$n.status"
    LAST_STEP=$n
}

kv_lines() { # FILE: the key=value lines of a client's output
    grep -E '^[A-Za-z_][][A-Za-z0-9_.]*=' "$1" 2>/dev/null
}

# session_keys LOG: sN.KEY=VALUE for every field of every "session=N ..." line, and for the
# key=value lines printed before it (back to the previous session line).
session_keys() {
    awk '
    function fields(line, prefix, out,   kv, k, v) {
        while (match(line, /[a-z_]+=("[^"]*"|[^ ]*)/)) {
            kv = substr(line, RSTART, RLENGTH)
            line = substr(line, RSTART + RLENGTH)
            k = substr(kv, 1, index(kv, "=") - 1)
            v = substr(kv, index(kv, "=") + 1)
            gsub(/"/, "", v)
            out = out prefix k "=" v "\n"
        }
        return out
    }
    /^session=[0-9]+ / {
        n = substr($1, 9)
        printf "%s", fields(pending, "s" n ".")
        printf "%s", fields($0, "s" n ".")
        pending = ""
        next
    }
    /^listening=/ { next }
    /^[a-z_]+=/ { pending = pending " " $0 }
    ' "$1"
}

max_session_ref() { # EXPECTATIONS: the highest N in sN.KEY tokens (nothing if none)
    printf '%s\n' "$1" | tr ' ' '\n' | sed -n 's/^s\([0-9][0-9]*\)\..*/\1/p' | sort -n | tail -n 1
}

# srv_wait_exit DIR: waits (60 s) for the server to exit by itself, records srvexit=
srv_wait_exit() {
    i=0
    while kill -0 "$SERVER_PID" 2>/dev/null && [ $i -lt 1200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "srvexit=running" >>"$1/out"
        return 0
    fi
    wait "$SERVER_PID"
    echo "srvexit=$?" >>"$1/out"
    SERVER_PID=""
}

# srv_case NAME SERVER STEPS EXPECTATIONS
srv_case() {
    name=$(trim "$1")
    srv=$(trim "$2")
    steps=$(trim "$3")
    exp=$4
    selected "$name" || return 0
    IT_EXIT="?"
    IT_MS="?"
    IT_SEQ=$((IT_SEQ + 1))
    dir=$IT_TMP/$IT_SEQ-$name
    mkdir -p "$dir"
    : >"$dir/server"
    : >"$dir/out"
    if ! server_start "$dir/server" "$srv"; then
        srv_fail "$name" "server did not start: $srv" "$dir"
        return 0
    fi
    case_t0=$(now_ms)
    BG_PIDS=""
    n=0
    LAST_STEP=0
    rest=$steps
    skip=0
    while [ -n "$rest" ]; do
        n=$((n + 1))
        step=$(trim "${rest%% :: *}")
        case $rest in *' :: '*) rest=${rest#* :: } ;; *) rest="" ;; esac
        if ! run_step "$dir" "$n" "$step"; then
            server_stop
            srv_fail "$name" "bad client step: $step" "$dir"
            return 0
        fi
        [ "$STEP_EXIT" = 77 ] && skip=1
    done
    for p in $BG_PIDS; do
        wait "$p"
    done
    if [ $skip = 1 ]; then
        server_stop
        IT_SKIP=$((IT_SKIP + 1))
        echo "SKIP $name (client tool not installed)"
        return 0
    fi
    IT_EXIT=$(kv_get "$dir/c$LAST_STEP.status" exit)
    IT_MS=$(kv_get "$dir/c$LAST_STEP.status" ms)
    need=$(max_session_ref "$exp")
    [ -n "$need" ] && wait_sessions "$dir/server" "$need" 10
    case " $exp " in *' srvexit='*) srv_wait_exit "$dir" ;; esac
    server_stop
    kv_lines "$dir/c$LAST_STEP.out" >>"$dir/out"
    i=1
    while [ $i -le "$n" ]; do
        if [ -f "$dir/c$i.status" ]; then
            { kv_lines "$dir/c$i.out"; cat "$dir/c$i.status"; } | sed "s/^/c$i./" >>"$dir/out"
        fi
        i=$((i + 1))
    done
    session_keys "$dir/server" >>"$dir/out"
    bad=""
    for tok in $exp; do
        check "$tok" "$dir" || bad="$bad $tok"
    done
    i=1
    while [ -n "${ESP_TLS_WRAP:-}" ] && [ $i -le "$n" ]; do
        grep -q '^exit=99$' "$dir/c$i.status" 2>/dev/null && bad="$bad memory-checker-error(c$i)"
        i=$((i + 1))
    done
    if [ -z "$bad" ]; then
        IT_PASS=$((IT_PASS + 1))
        echo "PASS $name ($(($(now_ms) - case_t0)) ms)"
    else
        srv_fail "$name" "unmet:$bad" "$dir"
    fi
}

srv_fail() { # NAME WHY DIR
    IT_FAIL=$((IT_FAIL + 1))
    IT_FAILED_NAMES="$IT_FAILED_NAMES $1"
    echo "FAIL $1: $2"
    echo "    server command: $srv"
    i=1
    while [ -f "$3/c$i.cmd" ] || [ $i -le "${n:-0}" ]; do
        c=$3/c$i
        i=$((i + 1))
        [ -f "$c.cmd" ] || continue
        echo "    client ${c##*/}: $(cat "$c.cmd") ($(tr '\n' ' ' <"$c.status" 2>/dev/null))"
        grep -v '^| ' "$c.out" 2>/dev/null | head -n 30 | sed 's/^/    stdout| /'
        grep '^| ' "$c.out" 2>/dev/null | tail -n 15 | sed 's/^/    tool/'
        head -n 15 "$c.err" 2>/dev/null | sed 's/^/    stderr| /'
    done
    grep '^s[0-9]' "$3/out" 2>/dev/null | sed 's/^/    parsed| /' | head -n 30
    tail -n 25 "$3/server" | sed 's/^/    server| /'
    return 0
}

# srv_table: reads the case table on stdin (the same syntax as lib.sh's run_table)
srv_table() { table_loop srv_case; }
