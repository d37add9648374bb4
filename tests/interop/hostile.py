#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Hostile peers on 127.0.0.1 against the example client and the example server.

    hostile.py CLIENT HTTPS_SERVER CERTDIR CACHEDIR [CASE-GLOB ...]

Each case must end in a clean error: the example program prints the expected esp_err_t
(last_error) and Mbed TLS code (tls_code), within an upper bound of time that is measured and
asserted, and the next, good connection succeeds. Client cases: the example client
(esp_tls_conn_new_sync) against a python socket peer that writes crafted records, or against
openssl s_server with odd certificates. Server cases: one examples/https_server process
(asynchronous, --timeout 2000) serves every hostile client and a good client after each.

With ESP_TLS_WRAP set (tests/run-all.sh: valgrind --error-exitcode=99), both programs run under
it: exit status 99 (a leak or memory error) fails the case, and the time bounds are multiplied
by 8. Large certificates are generated with openssl once and kept in CACHEDIR.

Codes (Mbed TLS 3.6, library/include/mbedtls/ssl.h and net_sockets.h):
  0x7280 SSL_CONN_EOF            0x7200 SSL_INVALID_RECORD      0x7100 SSL_BAD_INPUT_DATA
  0x7300 SSL_DECODE_ERROR        0x6e80 SSL_BAD_PROTOCOL_VERSION 0x0050 NET_CONN_RESET
  0x7700 SSL_UNEXPECTED_MESSAGE (here: the BIO ended a flood of > 32 alert/CCS records, or
         a CCS record after the TLS 1.3 handshake)
  0x3000 X509_FATAL_ERROR (chain longer than MBEDTLS_X509_MAX_INTERMEDIATE_CA)
  0x2700 X509_CERT_VERIFY_FAILED (tls_flags 0x8: not trusted)
  last_error: 0x801a MBEDTLS_SSL_HANDSHAKE_FAILED, 0x801d MBEDTLS_SSL_READ_FAILED,
  0x8006 ESP_TLS_CONNECTION_TIMEOUT; server result 32777 = 0x8009 SERVER_HANDSHAKE_TIMEOUT.
A handshake message larger than the 16384-byte input buffer (a 100-certificate chain, a
certificate with 10,000 SANs, a 64 KB certificate) fails with 0x7100 before any parsing; the
same certificates given as the CA buffer are parsed.
"""
import fnmatch
import os
import re
import select
import shlex
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time

from tlspeer import client_hello, https_get

CLIENT, SERVER, D, CACHE = sys.argv[1:5]
PATTERNS = sys.argv[5:] or ["*"]
WRAP = shlex.split(os.environ.get("ESP_TLS_WRAP", ""))
SLOW = 8 if WRAP else 1  # time bounds under a memory checker
EXPLORE = os.environ.get("HOSTILE_EXPLORE") == "1"
REQUIRE_CLOSE_NOTIFY = os.environ.get("INTEROP_REQUIRE_CLOSE_NOTIFY") == "1"  # set by CMake
NO_RENEGOTIATION = os.environ.get("INTEROP_NO_RENEGOTIATION") == "1"  # set by CMake  # print outcomes, assert nothing
RESULTS = []

HANDSHAKE, ALERT, CCS, APPDATA = 22, 21, 20, 23


def record(ctype, body, version=0x0303):
    return struct.pack(">BHH", ctype, version, len(body)) + body


def handshake_msg(htype, body):
    return struct.pack(">B", htype) + len(body).to_bytes(3, "big") + body


def server_hello(version, suite=0xC02B):
    """A TLS 1.2-style ServerHello (no extensions) with the given legacy version."""
    body = struct.pack(">H", version) + bytes(range(32)) + b"\x00" + struct.pack(">HB", suite, 0)
    return record(HANDSHAKE, handshake_msg(2, body), version)


def recv_exact(sock, n, timeout=5.0):
    sock.settimeout(timeout)
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def read_record(sock):
    head = recv_exact(sock, 5)
    if len(head) < 5:
        return head
    return head + recv_exact(sock, struct.unpack(">H", head[3:5])[0])


def drain(sock, seconds=2.0):
    """Everything the peer sends until it closes (or seconds pass)."""
    sock.settimeout(seconds)
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data


def alerts_in(data):
    """The alert descriptions among the plaintext records of data."""
    out, i = [], 0
    while i + 5 <= len(data):
        ctype, _, n = struct.unpack(">BHH", data[i:i + 5])
        if ctype == ALERT and n == 2 and i + 7 <= len(data):
            out.append(data[i + 6])
        i += 5 + n
    return out


def reset(sock):
    """Close with a TCP RST (SO_LINGER 0)."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class RawPeer:
    """A listener on 127.0.0.1 that runs handler(sock, notes) for one connection."""

    def __init__(self, handler):
        self.handler, self.notes = handler, {}
        self.lsock = socket.socket()
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(4)
        self.port = self.lsock.getsockname()[1]
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        self.lsock.settimeout(60)
        try:
            conn, _ = self.lsock.accept()
        except OSError:
            return
        try:
            self.handler(conn, self.notes)
        except OSError as e:
            self.notes["peer_error"] = str(e)
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def stop(self):
        self.thread.join(10)
        self.lsock.close()


# --- hostile servers (the client's peer) ------------------------------------------------------

def srv_truncated(conn, notes):
    read_record(conn)  # the ClientHello
    hello = server_hello(0x0303)
    conn.sendall(hello[:5 + 20])  # a header that promises more than ever comes, then FIN
    conn.shutdown(socket.SHUT_WR)
    drain(conn)


def srv_oversized(conn, notes):
    read_record(conn)
    conn.sendall(struct.pack(">BHH", HANDSHAKE, 0x0303, 16384 + 2048 + 1) + b"\x02" * 4096)
    notes["alerts"] = alerts_in(drain(conn))


def srv_zero_handshake(conn, notes):
    read_record(conn)
    conn.sendall(record(HANDSHAKE, b""))
    notes["alerts"] = alerts_in(drain(conn))


def srv_garbage_header(conn, notes):
    read_record(conn)
    conn.sendall(b"\x99\x13\x37\x00\x10" + b"\x00" * 16)  # no such content type or version
    notes["alerts"] = alerts_in(drain(conn))


def srv_rst(conn, notes):
    read_record(conn)
    conn.sendall(server_hello(0x0303)[:30])  # part of a ServerHello, then a reset
    time.sleep(0.2)
    reset(conn)


def srv_old_version(version):
    def handler(conn, notes):
        read_record(conn)
        conn.sendall(server_hello(version))
        notes["alerts"] = alerts_in(drain(conn))

    return handler


def srv_hello_request_in_handshake(conn, notes):
    """A plaintext HelloRequest where the ServerHello belongs (RFC 5246 s7.4.1.1)."""
    read_record(conn)
    conn.sendall(record(HANDSHAKE, handshake_msg(0, b"")))
    notes["alerts"] = alerts_in(drain(conn))


def proxy_trickle(target_port):
    """Forwards the ClientHello to a real server, and its reply one byte per second."""
    def handler(conn, notes):
        up = socket.create_connection(("127.0.0.1", target_port))
        up.sendall(read_record(conn))
        up.settimeout(10)
        reply, sent, t0 = up.recv(65536), 0, time.monotonic()
        for b in reply:
            if closed(conn):
                break
            conn.sendall(bytes([b]))
            sent += 1
            time.sleep(1.0)
        notes["trickled"] = sent
        notes["held_ms"] = int((time.monotonic() - t0) * 1000)
        up.close()

    return handler


class RecordReader:
    """Splits a byte stream into TLS records (type, whole record bytes)."""

    def __init__(self):
        self.buf = b""

    def feed(self, data):
        self.buf += data
        out = []
        while len(self.buf) >= 5:
            n = 5 + struct.unpack(">H", self.buf[3:5])[0]
            if len(self.buf) < n:
                break
            out.append((self.buf[0], self.buf[:n]))
            self.buf = self.buf[n:]
        return out


def corrupt_relay(a, b, notes, seconds=3.0):
    """Relays a TLS 1.2 connection between a (the side under test) and b (a real peer). When b
    sends its first application-data record, a gets 40 bytes of garbage in one instead (its
    MAC cannot verify: a fatal bad_record_mac alert). notes["after"]: the records a sends from
    then on; RFC 8446 s6.2 / RFC 5246 s7.2.2 allow exactly one, the fatal alert."""
    ra, rb = RecordReader(), RecordReader()
    injected, after, t_end = False, 0, time.monotonic() + seconds * SLOW
    while time.monotonic() < t_end:
        ready = select.select([a, b], [], [], 0.1)[0]
        for s_in in ready:
            try:
                data = s_in.recv(65536)
            except OSError:
                data = b""
            if not data:
                notes["after"] = after
                return
            if s_in is a:
                after += len(ra.feed(data)) if injected else 0
                if not injected:
                    b.sendall(data)
                continue
            for ctype, rec in rb.feed(data):
                if ctype == APPDATA and not injected:
                    a.sendall(record(APPDATA, os.urandom(40)))
                    injected = True
                elif not injected:
                    a.sendall(rec)
    notes["after"] = after


def proxy_corrupt_reply(target_port):
    """The client under test against a real server, whose first reply is replaced."""
    def handler(conn, notes):
        with socket.create_connection(("127.0.0.1", target_port)) as up:
            corrupt_relay(conn, up, notes)

    return handler


# ignorable records: a TLS 1.2 warning alert (unsupported_certificate) and a TLS 1.3
# ChangeCipherSpec record, each repeated without end (CVE-2016-8610)
WARNING_ALERT = bytes.fromhex("15030300020170")
CCS_RECORD = bytes.fromhex("140303000101")


def flood(sock, rec, notes, seconds=30.0):
    """Send rec again and again until the peer goes away (or seconds pass)."""
    burst, sent, end = rec * (65536 // len(rec)), 0, time.monotonic() + seconds
    sock.settimeout(seconds)
    try:
        while time.monotonic() < end:
            sock.sendall(burst)
            sent += len(burst)
    except OSError:
        pass
    notes["flood_bytes"] = sent


def srv_flood(rec):
    """Answers the ClientHello with a flood of rec."""
    def handler(conn, notes):
        read_record(conn)
        flood(conn, rec, notes)

    return handler


def tls13_server_after_request(conn):
    """A real TLS 1.3 server on conn that has read the request: (raw socket, TLS socket)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(f"{D}/server-ec.crt", f"{D}/server-ec.key")
    raw = socket.socket(fileno=os.dup(conn.fileno()))
    tls = ctx.wrap_socket(conn, server_side=True)
    tls.recv(4096)
    return raw, tls


def tls13_server_then_ccs_flood(conn, notes):
    """A real TLS 1.3 server that reads the request, then floods plaintext CCS records on the
    connection (RFC 8446 s5: unexpected_message after the handshake)."""
    raw, _ = tls13_server_after_request(conn)
    flood(raw, CCS_RECORD, notes)
    raw.close()


def alert_after_ccs(tls, notes):
    """After the one CCS record: the peer's answer, read through the TLS object (the alert is
    encrypted): alert 10 (unexpected_message) in notes["alerts"] when it came."""
    tls.settimeout(5 * SLOW)
    try:
        tls.recv(4096)
    except ssl.SSLError as e:
        notes["alerts"] = [10] if "UNEXPECTED_MESSAGE" in str(e).upper() else [str(e)]
        notes["output"] = str(e)
    except OSError as e:
        notes["output"] = str(e)


def tls13_server_then_one_ccs(conn, notes):
    """A real TLS 1.3 server that reads the request, then sends one plaintext CCS record:
    RFC 8446 s5 makes it an unexpected_message after the handshake."""
    raw, tls = tls13_server_after_request(conn)
    raw.sendall(CCS_RECORD)
    alert_after_ccs(tls, notes)
    raw.close()


def cli_tls13_then_one_ccs(sock, notes):
    """A TLS 1.3 client that completes the handshake, then sends one plaintext CCS record
    instead of its request: the server must answer unexpected_message (RFC 8446 s5)."""
    ctx = ssl.create_default_context(cafile=f"{D}/ca-ec.crt")
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    raw = socket.socket(fileno=os.dup(sock.fileno()))
    tls = ctx.wrap_socket(sock, server_side=False, server_hostname="localhost")
    raw.sendall(CCS_RECORD)
    alert_after_ccs(tls, notes)
    raw.close()
    notes["must_see"] = "UNEXPECTED_MESSAGE"


def readable(sock):
    return bool(select.select([sock], [], [], 0)[0])


def closed(sock):
    """The other side closed (or reset) the connection."""
    if not readable(sock):
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def tls_server_close_notify(conn, notes):
    """The control: the same reply, then close_notify and FIN: a clean end of file (0)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(f"{D}/server-ec.crt", f"{D}/server-ec.key")
    tls = ctx.wrap_socket(conn, server_side=True)
    tls.recv(4096)
    tls.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
    time.sleep(0.2)
    tls.unwrap().shutdown(socket.SHUT_RDWR)


def tls_server_no_close_notify(conn, notes):
    """A real TLS server that sends part of a reply, then closes TCP without close_notify."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(f"{D}/server-ec.crt", f"{D}/server-ec.key")
    raw = socket.socket(fileno=os.dup(conn.fileno()))
    tls = ctx.wrap_socket(conn, server_side=True)
    tls.recv(4096)
    tls.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
    time.sleep(0.2)
    raw.shutdown(socket.SHUT_RDWR)  # FIN, and no close_notify alert before it
    raw.close()


# --- the example client -----------------------------------------------------------------------

def parse_kv(text):
    out = {}
    for line in text.splitlines():
        m = re.match(r"^([a-z_\[\]0-9.]+)=(\S*)", line)
        if m and m.group(1) not in out:
            out[m.group(1)] = m.group(2)
    return out


def run_client(args, limit_s=60):
    t0 = time.monotonic()
    try:
        p = subprocess.run(WRAP + [CLIENT] + args, capture_output=True, text=True,
                           timeout=limit_s * SLOW)
    except subprocess.TimeoutExpired as e:  # held: report it as a failed case
        p = subprocess.CompletedProcess(e.cmd, "killed", e.stdout or "", e.stderr or "")
        p.stdout = p.stdout.decode(errors="replace") if isinstance(p.stdout, bytes) else p.stdout
        p.stderr = p.stderr.decode(errors="replace") if isinstance(p.stderr, bytes) else p.stderr
    ms = int((time.monotonic() - t0) * 1000)
    kv = parse_kv(p.stdout)
    kv["exit"] = str(p.returncode)
    return kv, ms, p


def good_client_check(good_port):
    kv, _, _ = run_client(["--host", "127.0.0.1", "--port", str(good_port), "--ca",
                           f"{D}/ca-ec.crt", "--send", "GET / HTTP/1.0\r\n\r\n", "--expect",
                           "HTTP/1.0 200"])
    return kv.get("expect") == "found" and kv["exit"] == "0"


class OsslServer:
    """openssl s_server on a free port; stdin is a pipe (for the R command)."""

    def __init__(self, args):
        port = free_port()
        self.port = port
        self.p = subprocess.Popen(["openssl", "s_server", "-accept", f"127.0.0.1:{port}"] + args,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.lines = []
        threading.Thread(target=self.pump, daemon=True).start()
        wait_listening(port, self.p)

    def pump(self):
        for line in self.p.stdout:
            self.lines.append(line.decode(errors="replace"))

    def stop(self):
        self.p.kill()
        self.p.wait()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_listening(port, proc, seconds=10):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"server on {port} exited")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def check(name, kv, ms, expect, max_ms, extra_ok=True, extra=""):
    expect = dict(expect)
    min_ms = expect.pop("min_ms", 0)
    bad = [f"{k}={kv.get(k)} (want {v})" for k, v in expect.items() if kv.get(k) != v]
    if ms < min_ms:
        bad.append(f"took {ms} ms: the deadline fired early (want >= {min_ms})")
    if ms > max_ms * SLOW:
        bad.append(f"took {ms} ms (bound {max_ms * SLOW})")
    if WRAP and kv.get("exit") == "99":
        bad.append("memory checker error")
    if not extra_ok:
        bad.append(extra)
    codes = " ".join(f"{k}={kv.get(k)}" for k in ("result", "last_error", "tls_code", "tls_flags",
                                                  "errno")
                     if k in kv)
    RESULTS.append((name, codes, ms, not bad or EXPLORE))
    status = "PASS" if not bad else ("INFO" if EXPLORE else "FAIL")
    print(f"{status} {name}: {codes} {ms} ms{(' ' + extra) if extra and not bad else ''}")
    for b in bad:
        print(f"    {b}")


CLIENT_BASE = ["--host", "127.0.0.1", "--ca", f"{D}/ca-ec.crt"]


def client_case(name, handler, expect, max_ms, args=(), want_alert=None, max_call_ms=None,
                want_records_after=None):
    """The example client against RawPeer(handler); then a good connection. max_call_ms:
    the bound of the longest esp_tls_conn_new_async() call (--async)."""
    if not selected(name):
        return
    peer = RawPeer(handler)
    kv, ms, p = run_client(["--port", str(peer.port)] + CLIENT_BASE + list(args))
    peer.stop()
    ok, extra = True, ""
    if want_alert is not None:
        got = peer.notes.get("alerts", [])
        ok, extra = want_alert in got, f"peer received alerts {got} (want {want_alert})"
    if want_records_after is not None:
        got = peer.notes.get("after")
        ok, extra = got == want_records_after, f"records after the bad one: {got} " \
                                               f"(want {want_records_after}: the fatal alert)"
    if max_call_ms is not None and int(kv.get("async_max_call_ms", "99999")) > max_call_ms * SLOW:
        ok, extra = False, f"one async call took {kv.get('async_max_call_ms')} ms"
    if not good_client_check(GOOD.port):
        ok, extra = False, "the good connection after it failed"
    check(name, kv, ms, expect, max_ms, ok, extra)
    if EXPLORE or kv.get("exit") == "99":
        sys.stdout.write("".join("    | " + line + "\n" for line in p.stderr.splitlines()[-6:]))


def selected(name):
    return any(fnmatch.fnmatch(name, pat) for pat in PATTERNS)


# --- large certificates (openssl, cached) -----------------------------------------------------

def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True)


def write_conf(path, ext_lines):
    with open(path, "w") as f:
        f.write("[req]\ndistinguished_name=dn\n[dn]\n[ext]\nbasicConstraints=CA:FALSE\n")
        f.write("\n".join(ext_lines) + "\n")


def make_certs():
    """CACHE/hca.crt (root), chain100.pem (leaf + 99 CAs), sans.crt (10,000 SANs), big.crt
    (64 KB: a 65,000-byte extension); one P-256 key, hk.key, for all. Returns the dir."""
    c = CACHE
    if os.path.exists(f"{c}/.done-2"):
        return c
    os.makedirs(c, exist_ok=True)
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f"{c}/hk.key")
    openssl("req", "-new", "-x509", "-key", f"{c}/hk.key", "-subj", "/CN=Hostile Root",
            "-days", "3650", "-out", f"{c}/hca.crt")
    issuer = f"{c}/hca.crt"
    chain = []
    for i in range(1, 100):  # 99 intermediates, each signed by the one before
        out = f"{c}/i{i}.crt"
        openssl("req", "-new", "-x509", "-key", f"{c}/hk.key", "-subj", f"/CN=Hostile CA {i}",
                "-CA", issuer, "-CAkey", f"{c}/hk.key", "-days", "3650", "-addext",
                "basicConstraints=critical,CA:TRUE", "-out", out)
        chain.insert(0, out)
        issuer = out
    leaf_args = ["req", "-new", "-x509", "-key", f"{c}/hk.key", "-days", "3650",
                 "-CAkey", f"{c}/hk.key"]
    openssl(*leaf_args, "-subj", "/CN=chain leaf", "-CA", issuer, "-out", f"{c}/leaf100.crt")
    # 20 certificates (about 11 KB: one record) reach the verifier's depth limit instead
    openssl(*leaf_args, "-subj", "/CN=chain leaf 20", "-CA", f"{c}/i19.crt", "-out",
            f"{c}/leaf20.crt")
    with open(f"{c}/chain20.pem", "w") as f:
        for i in range(19, 0, -1):
            f.write(open(f"{c}/i{i}.crt").read())
    with open(f"{c}/chain100.pem", "w") as f:  # what the server sends after its certificate
        for path in chain:
            f.write(open(path).read())
    write_conf(f"{c}/sans.cnf", ["subjectAltName=@alt", "[alt]"] +
               [f"DNS.{i}=h{i}.example" for i in range(1, 10001)])
    openssl(*leaf_args, "-subj", "/CN=sans", "-CA", f"{c}/hca.crt", "-config", f"{c}/sans.cnf",
            "-extensions", "ext", "-out", f"{c}/sans.crt")
    write_conf(f"{c}/big.cnf", ["1.3.6.1.4.1.55555.1=ASN1:UTF8String:" + "A" * 65000])
    openssl(*leaf_args, "-subj", "/CN=big", "-CA", f"{c}/hca.crt", "-config", f"{c}/big.cnf",
            "-extensions", "ext", "-out", f"{c}/big.crt")
    open(f"{c}/.done-2", "w").close()
    return c


def big_cert_case(name, cert, chain, expect, max_ms, extra_args=()):
    if not selected(name):
        return
    c = make_certs()
    args = ["-cert", f"{c}/{cert}", "-key", f"{c}/hk.key", "-www"]
    if chain:
        args += ["-cert_chain", f"{c}/{chain}"]
    srv = OsslServer(args + list(extra_args))
    kv, ms, p = run_client(["--host", "127.0.0.1", "--port", str(srv.port), "--ca",
                            f"{c}/hca.crt", "--skip-cn", "--timeout", "5000"])
    srv.stop()
    good = good_client_check(GOOD.port)
    size = os.path.getsize(f"{c}/{cert}") + (os.path.getsize(f"{c}/{chain}") if chain else 0)
    check(name, kv, ms, expect, max_ms, good, f"PEM {size} bytes")
    if EXPLORE:
        sys.stdout.write("".join("    | " + l + "\n" for l in p.stderr.splitlines()[-4:]))


def wait_lines(srv, pred, seconds):
    end = time.monotonic() + seconds * SLOW
    while time.monotonic() < end and not pred(srv.lines):
        time.sleep(0.05)
    return pred(srv.lines)


def ca_buffer_case(name, cert, expect, max_ms):
    if not selected(name):
        return
    c = make_certs()
    kv, ms, _ = run_client(["--host", "127.0.0.1", "--port", str(GOOD.port), "--ca",
                            f"{c}/{cert}", "--timeout", "5000"])
    check(name, kv, ms, expect, max_ms, good_client_check(GOOD.port), "")


def renegotiation_case(name, command, max_ms):
    """openssl s_server (TLS 1.2) sends a HelloRequest after the request ("r" on its stdin; "R"
    also asks for a client certificate), then a line of data once the new handshake is done.
    The client renegotiates (CONFIG_MBEDTLS_SSL_RENEGOTIATION, as ESP-IDF: secure
    renegotiation, RFC 5746, only) and reads the line."""
    if not selected(name):
        return
    srv = OsslServer(["-cert", f"{D}/server-ec.crt", "-key", f"{D}/server-ec.key", "-tls1_2",
                      "-msg"])
    holder = {}

    def client():
        holder["r"] = run_client(["--port", str(srv.port)] + CLIENT_BASE +
                                 ["--tls12", "--send", "GET / HTTP/1.0\r\n\r\n", "--expect",
                                  "after-renegotiation", "--timeout", "5000"])

    t = threading.Thread(target=client)
    t.start()
    wait_lines(srv, lambda ls: any("GET / HTTP" in line for line in ls), 10)
    srv.p.stdin.write(command + b"\n")
    srv.p.stdin.flush()
    finished = lambda ls: sum("<<< TLS 1.2, Handshake" in line and "Finished" in line
                              for line in ls) >= 2
    renegotiated = wait_lines(srv, finished, 5)
    srv.p.stdin.write(b"after-renegotiation\n")
    srv.p.stdin.flush()
    t.join()
    srv.stop()
    kv, ms, p = holder["r"]
    good = good_client_check(GOOD.port)
    hello_request = any("HelloRequest" in line for line in srv.lines)
    if NO_RENEGOTIATION:
        # a build without renegotiation (the lean preset frees its config data) declines with
        # no_renegotiation; s_server then ends the session with a fatal alert: a clean error
        check(name, kv, ms, {"result": "1", "last_error": "0x801d", "tls_code": "0x7780"},
              max_ms, good and hello_request and not renegotiated,
              f"HelloRequest sent={hello_request}, renegotiated={renegotiated}")
        return
    check(name, kv, ms, {"result": "1", "expect": "found", "last_error": "0x0"}, max_ms,
          good and hello_request and renegotiated,
          f"HelloRequest sent={hello_request}, renegotiated={renegotiated}")


# --- hostile clients against examples/https_server --------------------------------------------

def legacy_client_hello(version):
    """A ClientHello of an old client: legacy version, two suites, no extensions."""
    body = struct.pack(">H", version) + bytes(32) + b"\x00" + struct.pack(">HHH", 4, 0xC013,
                                                                           0x002F) + b"\x01\x00"
    return record(HANDSHAKE, handshake_msg(1, body), 0x0301)


def sslv2_client_hello():
    """SSLv2-format ClientHello (RFC 5246 appendix E.2), offering TLS 1.2."""
    suites = b"\x00\x00\x2f\x00\x00\x35"
    body = b"\x01" + struct.pack(">HHHH", 0x0303, len(suites), 0, 16) + suites + bytes(range(16))
    return struct.pack(">H", 0x8000 | len(body)) + body


class HttpsServer:
    """examples/https_server: asynchronous, or with blocking=True one session at a time with
    esp_tls_server_session_create() (tls_handshake_timeout_ms 2000)."""

    def __init__(self, sessions, blocking=False):
        args = ["--port", "0", "--cert", f"{D}/server-ec.crt", "--key", f"{D}/server-ec.key",
                "--timeout", "2000", "--max", str(sessions)] + (["--blocking"] if blocking else [])
        self.p = subprocess.Popen(WRAP + [SERVER] + args, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        self.sessions, self.pending = [], ""
        self.lock = threading.Condition()
        threading.Thread(target=self.pump, daemon=True).start()
        with self.lock:
            self.lock.wait_for(lambda: self.port is not None, timeout=30 * SLOW)

    port = None

    def pump(self):
        hs = None
        for line in self.p.stdout:
            with self.lock:
                m = re.match(r"listening=(\d+)", line)
                if m:
                    self.port = int(m.group(1))
                m = re.match(r"(?:handshake|create)_ms=(\d+)", line)
                if m:
                    hs = m.group(1)
                if line.startswith("session="):
                    kv = dict(re.findall(r"(\w+)=(\S+)", line))
                    kv["handshake_ms"] = hs
                    self.sessions.append(kv)
                self.lock.notify_all()

    def next_session(self, count):
        with self.lock:
            self.lock.wait_for(lambda: len(self.sessions) >= count, timeout=20 * SLOW)
            return self.sessions[count - 1] if len(self.sessions) >= count else {}


def good_tls_client(port):
    try:
        reply = https_get(port, f"{D}/ca-ec.crt", b"hello from esp-tls", 10 * SLOW)
        return b"hello from esp-tls" in reply
    except (OSError, ssl.SSLError):
        return False


def cli_send_close(data, how="fin", pause=0.0):
    def run(sock, notes):
        sock.sendall(data)
        time.sleep(pause)
        notes["reply"] = b""
        if how == "rst":
            notes["reply"] = sock.recv(100)  # the server's flight has begun
            reset(sock)
            return
        if how == "fin":
            sock.shutdown(socket.SHUT_WR)
        notes["reply"] = drain(sock, 5 * SLOW)

    return run


def cli_flood(hello, rec):
    """A ClientHello, then a flood of rec."""
    def run(sock, notes):
        sock.sendall(hello)
        flood(sock, rec, notes)

    return run


def cli_trickle(data):
    def run(sock, notes):
        sent = 0
        for b in data:
            if closed(sock):
                break
            try:
                sock.sendall(bytes([b]))
            except OSError:
                break
            sent += 1
            time.sleep(1.0)
        notes["sent"] = sent

    return run


def server_case(srv, name, action, expect, max_ms, want_alert=None):
    """action(sock, notes) plays the client; expect: keys of the server's session line."""
    n = len(srv.sessions)
    notes = {}
    t0 = time.monotonic()
    if getattr(action, "external", False):
        action(srv.port, notes)
    else:
        with socket.create_connection(("127.0.0.1", srv.port)) as sock:
            try:
                action(sock, notes)
            except OSError as e:
                notes["client_error"] = str(e)
    kv = srv.next_session(n + 1)
    ms = int(kv.get("handshake_ms") or (time.monotonic() - t0) * 1000)
    good = good_tls_client(srv.port)
    ok2 = srv.next_session(n + 2).get("result") == "0"
    extra_ok, extra = good and ok2, "" if good and ok2 else "the good client after it failed"
    if "must_see" in notes:
        extra_ok = extra_ok and notes["must_see"] in notes.get("output", "")
        extra = f"client saw {notes['must_see']!r}: {notes['must_see'] in notes.get('output', '')}"
    if want_alert is not None:
        got = alerts_in(notes.get("reply", b""))
        extra_ok = extra_ok and want_alert in got
        extra = f"client received alerts {got} (want {want_alert})"
    if "want_after" in notes:
        extra_ok = extra_ok and notes.get("after") == notes["want_after"]
        extra = f"records after the bad one: {notes.get('after')} (want {notes['want_after']})"
    check(name, kv, ms, expect, max_ms, extra_ok, extra)


def cli_corrupt_request(port, notes):
    """openssl s_client (TLS 1.2) through a relay that replaces its request with a record whose
    MAC fails: the server sends one fatal alert and nothing after it (no close_notify)."""
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    p = subprocess.Popen(["openssl", "s_client", "-connect",
                          f"127.0.0.1:{lsock.getsockname()[1]}", "-tls1_2", "-quiet",
                          "-CAfile", f"{D}/ca-ec.crt"],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    lsock.settimeout(10 * SLOW)
    try:
        conn, _ = lsock.accept()
        p.stdin.write(b"GET / HTTP/1.0\r\n\r\n")
        p.stdin.flush()
        with conn, socket.create_connection(("127.0.0.1", port)) as up:
            corrupt_relay(up, conn, notes)
    finally:
        lsock.close()
        p.kill()
        p.wait()
    notes["want_after"] = 1


cli_corrupt_request.external = True


def cli_renegotiate(port, notes):
    """openssl s_client (TLS 1.2) asks for a renegotiation ("R") after the handshake: the
    server (Mbed TLS default: renegotiation disabled) answers no_renegotiation (RFC 5246
    s7.2.2), a warning, which OpenSSL then turns into a fatal handshake_failure."""
    p = subprocess.Popen(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_2",
                          "-CAfile", f"{D}/ca-ec.crt", "-msg"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    time.sleep(0.5 * SLOW)
    try:
        out, _ = p.communicate(b"R\n", timeout=5 * SLOW)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
    notes["output"] = out.decode(errors="replace")
    notes["must_see"] = "warning no_renegotiation"


cli_renegotiate.external = True


def run_server_cases(cases, blocking=False):
    if not cases:
        return
    srv = HttpsServer(2 * len(cases), blocking)
    for name, action, expect, max_ms, alert in cases:
        server_case(srv, name, action, expect, max_ms, alert)
    try:
        rc = srv.p.wait(timeout=30 * SLOW)
    except subprocess.TimeoutExpired:
        srv.p.kill()
        rc = "killed"
    err = srv.p.stderr.read()
    ok = rc == 0
    RESULTS.append(("server_exit", f"exit={rc}", 0, ok or EXPLORE))
    print(f"{'PASS' if ok else 'FAIL'} server_exit{'_blocking' if blocking else ''}: "
          f"https_server exit status {rc}")
    if not ok:
        sys.stdout.write("".join("    | " + l + "\n" for l in err.splitlines()[-30:]))


# --- the cases --------------------------------------------------------------------------------

HS_FAIL = {"result": "-1", "last_error": "0x801a"}


def hs_fail(code):
    return dict(HS_FAIL, tls_code=code)


def client_cases():
    tls12 = ["--tls12"]
    client_case("c_truncated_record", srv_truncated, hs_fail("0x7280"), 1500)
    client_case("c_oversized_record", srv_oversized, hs_fail("0x7100"), 1500)
    client_case("c_zero_length_handshake", srv_zero_handshake, hs_fail("0x7200"), 1500)
    client_case("c_garbage_header", srv_garbage_header, hs_fail("0x7200"), 1500)
    client_case("c_rst_mid_handshake", srv_rst, dict(hs_fail("0x50"), errno="104"), 1500)
    client_case("c_hello_request_in_handshake", srv_hello_request_in_handshake,
                hs_fail("0x7300"), 1500, tls12)
    client_case("c_server_tls10", srv_old_version(0x0301), hs_fail("0x6e80"), 1500,
                want_alert=70)
    client_case("c_server_tls11", srv_old_version(0x0302), hs_fail("0x6e80"), 1500,
                want_alert=70)
    # one byte per second: the 2000 ms connect deadline fires (result -1, CONNECTION_TIMEOUT)
    client_case("c_trickle_1_byte_per_s", proxy_trickle(GOOD.port),
                {"result": "-1", "last_error": "0x8006", "min_ms": 1900}, 3500, ["--timeout", "2000"])
    # TCP FIN in the middle of the reply, no close_notify: 0 as in ESP-IDF, and the close kind
    # says "eof"; with CONFIG_ESP_TLS_REQUIRE_CLOSE_NOTIFY an error (-0x7280) instead
    eof_strict = {"result": "1", "read_result": "-29312", "last_error": "0x801d",
                  "tls_code": "0x7280", "close_kind": "eof"}
    eof_default = {"result": "1", "read_result": "0", "last_error": "0x0", "close_kind": "eof"}
    client_case("c_close_without_close_notify", tls_server_no_close_notify,
                eof_strict if REQUIRE_CLOSE_NOTIFY else eof_default, 2500,
                ["--send", "GET / HTTP/1.0\r\n\r\n", "--expect", "never sent"])
    client_case("c_clean_close_notify", tls_server_close_notify,
                {"result": "1", "read_result": "0", "last_error": "0x0", "close_kind": "notify"},
                2500, ["--send", "GET / HTTP/1.0\r\n\r\n", "--expect", "never sent"])
    # a record whose MAC fails after the handshake: the client sends its fatal alert, and then
    # nothing (no close_notify from esp_tls_conn_destroy() after a fatal error)
    client_case("c_no_close_notify_after_fatal_alert", proxy_corrupt_reply(GOOD.port),
                {"result": "1", "read_result": "-29056", "last_error": "0x801d",
                 "tls_code": "0x7180"}, 2500,
                ["--tls12", "--send", "GET / HTTP/1.0\r\n\r\n", "--expect", "never sent"],
                want_records_after=1)
    renegotiation_case("c_renegotiation_tls12", b"r", 3000)
    renegotiation_case("c_renegotiation_cert_request_tls12", b"R", 3000)
    big_cert_case("c_chain_100_certificates", "leaf100.crt", "chain100.pem",
                  hs_fail("0x7100"), 3000)
    big_cert_case("c_chain_20_certificates", "leaf20.crt", "chain20.pem", hs_fail("0x3000"),
                  3000)
    big_cert_case("c_certificate_10000_sans", "sans.crt", None, hs_fail("0x7100"), 3000)
    big_cert_case("c_certificate_64k", "big.crt", None, hs_fail("0x7100"), 3000)
    # the same certificates as the client's CA buffer: parsed, then not the server's issuer
    untrusted = dict(hs_fail("0x2700"), tls_flags="0x8")
    ca_buffer_case("c_ca_buffer_10000_sans", "sans.crt", untrusted, 3000)
    ca_buffer_case("c_ca_buffer_64k", "big.crt", untrusted, 3000)
    # floods of ignorable records: more than 32 in a row end the connection (0x7700
    # UNEXPECTED_MESSAGE) long before the deadline; esp_tls_conn_new_sync() and one
    # esp_tls_conn_new_async() call both come back
    flood_fail = hs_fail("0x7700")
    client_case("c_flood_warning_alerts", srv_flood(WARNING_ALERT), flood_fail, 3000 + 3000,
                ["--timeout", "3000"])
    client_case("c_flood_ccs", srv_flood(CCS_RECORD), flood_fail, 3000 + 3000,
                ["--timeout", "3000"])
    client_case("c_flood_warning_alerts_async", srv_flood(WARNING_ALERT), flood_fail,
                2000 + 3000, ["--timeout", "2000", "--async"], max_call_ms=1000)
    client_case("c_flood_ccs_async", srv_flood(CCS_RECORD), flood_fail, 2000 + 3000,
                ["--timeout", "2000", "--async"], max_call_ms=1000)
    # after a TLS 1.3 handshake: the reader fails at once (read_result -0x7700)
    client_case("c_flood_ccs_after_tls13_handshake", tls13_server_then_ccs_flood,
                {"result": "1", "read_result": str(-0x7700), "last_error": "0x801d",
                 "tls_code": "0x7700"}, 3000 + 3000,
                ["--timeout", "3000", "--send", "GET / HTTP/1.0\r\n\r\n", "--expect",
                 "never sent"])
    # one CCS record after a TLS 1.3 handshake: the read fails at once with
    # unexpected_message, sent to the peer (not after the 3000 ms read timeout)
    client_case("c_one_ccs_after_tls13_handshake", tls13_server_then_one_ccs,
                {"result": "1", "read_result": str(-0x7700), "last_error": "0x801d",
                 "tls_code": "0x7700"}, 1500,
                ["--timeout", "3000", "--send", "GET / HTTP/1.0\r\n\r\n", "--expect",
                 "never sent"], want_alert=10)


def server_cases():
    hello = client_hello()

    def fail(code):  # the session's result is the Mbed TLS code itself
        return {"result": str(-int(code, 16)), "last_error": "0x801a", "tls_code": code}

    cases = [
        ("s_truncated_record", cli_send_close(hello[:100]), fail("0x7280"), 1000,
         None),
        ("s_oversized_record", cli_send_close(struct.pack(">BHH", 22, 0x0301, 0x4801) +
                                              bytes(4096), "hold"),
         fail("0x7100"), 1000, None),
        ("s_zero_length_handshake", cli_send_close(record(HANDSHAKE, b"", 0x0301), "hold"),
         fail("0x7200"), 1000, None),
        ("s_garbage_header", cli_send_close(b"\x99\x13\x37\x00\x10" + bytes(16), "hold"),
         fail("0x7200"), 1000, None),
        ("s_rst_mid_handshake", cli_send_close(hello, "rst", 0.2), fail("0x50"),
         1500, None),
        ("s_sslv2_client_hello", cli_send_close(sslv2_client_hello(), "hold"),
         fail("0x7200"), 1000, None),
        ("s_client_tls10_only", cli_send_close(legacy_client_hello(0x0301), "hold"),
         fail("0x6e80"), 1000, 70),
        ("s_client_tls11_only", cli_send_close(legacy_client_hello(0x0302), "hold"),
         fail("0x6e80"), 1000, 70),
        # the handshake succeeds (result 0); the renegotiation the client asks for afterwards
        # is refused
        ("s_client_renegotiation_tls12", cli_renegotiate, {"result": "0"}, 1000, None),
        # after the handshake a record whose MAC fails: one fatal alert, then nothing
        ("s_no_close_notify_after_fatal_alert", cli_corrupt_request, {"result": "0"}, 3000,
         None),
        # one byte per second: the server's 2000 ms handshake deadline fires
        ("s_trickle_1_byte_per_s", cli_trickle(hello),
         {"result": "32777", "min_ms": 1900}, 2600, None),
        # one CCS record after the TLS 1.3 handshake: the client receives unexpected_message
        ("s_one_ccs_after_tls13_handshake", cli_tls13_then_one_ccs, {"result": "0"}, 3000,
         None),
    ] + flood_server_cases("s")
    return [c for c in cases if selected(c[0])]


def flood_server_cases(prefix):
    """A ClientHello, then a flood of warning alerts (TLS 1.2: in TLS 1.3 a plaintext alert
    after the ServerHello fails decryption at once) or CCS records (TLS 1.3): the session
    fails with 0x7700 (UNEXPECTED_MESSAGE), well within the 2000 ms handshake deadline."""
    hello12 = client_hello(ssl.TLSVersion.TLSv1_2)
    code = {"result": str(-0x7700), "last_error": "0x801a", "tls_code": "0x7700"}
    return [(f"{prefix}_flood_warning_alerts", cli_flood(hello12, WARNING_ALERT), code, 5000,
             None),
            (f"{prefix}_flood_ccs", cli_flood(client_hello(), CCS_RECORD), code, 5000, None)]


def blocking_server_cases():
    """esp_tls_server_session_create() (blocking socket, tls_handshake_timeout_ms 2000)."""
    return [c for c in flood_server_cases("s_blocking") if selected(c[0])]


def main():
    global GOOD
    t0 = time.monotonic()
    GOOD = OsslServer(["-cert", f"{D}/server-ec.crt", "-key", f"{D}/server-ec.key", "-www"])
    try:
        client_cases()
    finally:
        GOOD.stop()
    run_server_cases(server_cases())
    run_server_cases(blocking_server_cases(), blocking=True)
    total = time.monotonic() - t0
    failed = [r[0] for r in RESULTS if not r[3]]
    print(f"hostile: {len(RESULTS) - len(failed)} passed, {len(failed)} failed, "
          f"{total:.1f} s{(': ' + ' '.join(failed)) if failed else ''}")
    if not RESULTS:
        print("hostile: no case selected", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
