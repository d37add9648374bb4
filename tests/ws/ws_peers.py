# SPDX-License-Identifier: Apache-2.0
"""ws_peers.py CLIENT CERTDIR GROUP: the WebSocket and SOCKS transports (tests/ws/ws_client.c)
against real peers and hostile ones, all on free loopback ports (127.0.0.1 and ::1).

GROUP ws:      python3-websockets (echo, headers, subprotocols, server ping, close codes, large
               and fragmented messages) over ws:// and wss://, websocketd, mosquitto's
               websockets listener (an MQTT CONNECT/CONNACK).
GROUP hostile: Python peers that break the handshake or the framing; each case checks the
               documented result and the log line that names the cause.
GROUP socks:   microsocks (SOCKS5), danted (SOCKS4 and SOCKS5, run unprivileged) and Python
               SOCKS4a/SOCKS5 peers with failure replies.
Each case runs the client with a deadline; ESP_TLS_WRAP (valgrind) wraps it. Exit 77: a peer
program is missing."""
import asyncio
import base64
import hashlib
import logging
import os
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time

CLIENT, CERTS, GROUP = sys.argv[1], sys.argv[2], sys.argv[3]
logging.getLogger("websockets").setLevel(logging.CRITICAL)  # peers' tracebacks on client exits
WRAP = os.environ.get("ESP_TLS_WRAP", "").split()
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
FAILED = []
PASSED = 0


def free_port(family=socket.AF_INET):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, host="127.0.0.1", secs=20, proc=None):
    end = time.monotonic() + secs
    while time.monotonic() < end and (proc is None or proc.poll() is None):
        try:
            socket.create_connection((host, port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def run(name, args, expect=(), stderr_has=(), exit_code=None, max_ms=None):
    """Run the client; every string of expect must be in its stdout, of stderr_has in stderr."""
    global PASSED
    cmd = WRAP + [CLIENT] + args
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=90, errors="replace")
    except subprocess.TimeoutExpired:
        FAILED.append(name)
        print(f"FAIL {name}: client hung (90 s)")
        return
    ms = (time.monotonic() - t0) * 1000
    bad = [e for e in expect if e not in p.stdout]
    bad += ["stderr:" + e for e in stderr_has if e not in p.stderr]
    if exit_code is not None and p.returncode != exit_code:
        bad.append(f"exit {p.returncode} != {exit_code}")
    if p.returncode == 99 and WRAP:
        bad.append("memory checker error")
    for sanitizer in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
        if sanitizer in p.stderr:
            bad.append(sanitizer)
    if max_ms is not None and ms > max_ms * (4 if WRAP else 1):
        bad.append(f"took {ms:.0f} ms > {max_ms}")
    if bad:
        FAILED.append(name)
        print(f"FAIL {name}: missing {bad}\n--- stdout\n{p.stdout}--- stderr\n{p.stderr[-3000:]}")
    else:
        PASSED += 1
        print(f"ok   {name} ({ms:.0f} ms)")


# ---- python3-websockets server (in a thread) ------------------------------------------------


class WsServer:
    def __init__(self, host="127.0.0.1", tls=False):
        import websockets  # python3-websockets

        self.ws = websockets
        self.host, self.tls = host, tls
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.seen = {}
        threading.Thread(target=self._main, daemon=True).start()
        if not self.ready.wait(20):
            raise RuntimeError("websockets server did not start")

    async def handler(self, ws, path):
        self.seen["headers"] = dict(ws.request_headers)
        if path == "/headers":
            h = ws.request_headers
            await ws.send(f"X-Test={h.get('X-Test')};Auth={h.get('Authorization')};"
                          f"UA={h.get('User-Agent')};Proto={ws.subprotocol};Host={h.get('Host')}")
        elif path == "/ping":
            waiter = await ws.ping(b"are-you-there")
            try:
                await asyncio.wait_for(waiter, 10)
                await ws.send("pong-received")
            except asyncio.TimeoutError:
                await ws.send("no-pong")
        elif path.startswith("/close"):
            await ws.close(code=int(path[6:]), reason="bye")
            return
        elif path == "/fragments":
            await ws.send(["frag", "ment", "ed"])
        async for msg in ws:
            await ws.send(msg)

    def _main(self):
        asyncio.set_event_loop(self.loop)
        ctx = None
        if self.tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(f"{CERTS}/server-rsa.crt", f"{CERTS}/server-rsa.key")
        start = self.ws.serve(self.handler, self.host, 0, ssl=ctx, max_size=None,
                              subprotocols=["chat", "superchat"], ping_interval=None)
        self.server = self.loop.run_until_complete(start)
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()


def group_ws():
    try:
        import websockets  # noqa: F401
    except ImportError:
        print("python3-websockets missing")
        sys.exit(77)
    for host, tls in (("127.0.0.1", False), ("::1", False), ("127.0.0.1", True), ("::1", True)):
        srv = WsServer(host, tls)
        tag = ("wss" if tls else "ws") + ("6" if ":" in host else "4")
        base = ["--host", host, "--port", str(srv.port)]
        if tls:
            base += ["--ssl", "--ca", f"{CERTS}/ca-rsa.crt"]
        run(f"{tag}_echo_text", base + ["--", "text:hello", "recv"],
            ["connect=0", "status=101", "recv=ok opcode=1 len=5 frames=1 match=yes data=hello"], exit_code=0)
        run(f"{tag}_echo_binary_64bit", base + ["--", "bin:1000000", "recv"],
            ["recv=ok opcode=2 len=1000000", "match=yes"], exit_code=0)
        run(f"{tag}_client_close_1000", base + ["--propagate", "--", "close:1000", "recv", "wait-closed"],
            ["close_sent=2", "close_code=1000", "closed=1"], exit_code=0)
        run(f"{tag}_server_close_handled", base + ["--path", "/close4000", "--", "recv"],
            ["recv=-1"], ["Got CLOSE frame with status code=4000", "Connection terminated gracefully"])
        if tls:
            continue
        hostport = f"[{host}]:{srv.port}" if ":" in host else f"{host}:{srv.port}"
        run(f"{tag}_host_header", base + ["--path", "/headers", "--", "recv"], [f"Host={hostport}"], exit_code=0)
        run(f"{tag}_echo_binary_16bit", base + ["--", "bin:300", "recv", "bin:65535", "recv"],
            ["recv=ok opcode=2 len=300 frames=1 match=yes", "recv=ok opcode=2 len=65535 frames=1 match=yes"], exit_code=0)
        run(f"{tag}_client_fragments", base + ["--", "frag:ab,cd,ef", "recv"],
            ["recv=ok opcode=1 len=6 frames=1 match=yes data=abcdef"], exit_code=0)
    srv = WsServer()
    base = ["--port", str(srv.port)]
    # websockets ends a fragmented message with an empty FIN continuation: 3 parts, 4 frames
    run("ws_server_fragments", base + ["--path", "/fragments", "--", "recv"],
        ["recv=ok opcode=1 len=10 frames=4", "data=fragmented"], exit_code=0)
    run("ws_headers_auth_subprotocol", base + ["--path", "/headers", "--header", "X-Test: 42",
        "--auth", "Basic dXNlcjpwYXNz", "--user-agent", "ws-test/1", "--subprotocol", "superchat", "--", "recv"],
        ["resp_protocol=superchat", "data=X-Test=42;Auth=Basic dXNlcjpwYXNz;UA=ws-test/1;Proto=superchat"],
        exit_code=0)
    run("ws_default_user_agent", base + ["--path", "/headers", "--", "recv"],
        ["UA=ESP32 Websocket Client;Proto=None", "resp_protocol=none"], exit_code=0)
    run("ws_server_ping_answered", base + ["--path", "/ping", "--", "recv"],
        ["data=pong-received"], exit_code=0)
    run("ws_server_ping_propagated", base + ["--path", "/ping", "--propagate", "--", "recv"],
        ["recv=ok opcode=9 len=13"], exit_code=0)
    run("ws_client_ping", base + ["--", "ping", "text:after-ping", "recv"], ["ping=0", "data=after-ping"], exit_code=0)
    run("ws_client_ping_propagate", base + ["--propagate", "--", "pingdata:hi", "recv"],
        ["recv=ok opcode=10 len=2 frames=1 match=yes"], exit_code=0)
    run("ws_server_close_4000_handled", base + ["--path", "/close4000", "--", "recv"],
        ["recv=-1"], ["Got CLOSE frame with status code=4000, reason 'bye'", "Connection terminated gracefully"])
    run("ws_server_close_4000_propagated", base + ["--path", "/close4000", "--propagate", "--", "recv", "close:4000", "wait-closed"],
        ["recv=ok opcode=8 len=5 frames=1", "close_code=4000", "closed=1"], exit_code=0)
    run("ws_client_close_1000", base + ["--propagate", "--", "close:1000", "recv", "wait-closed"],
        ["close_sent=2", "close_code=1000", "closed=1"], exit_code=0)
    run("ws_client_close_4001", base + ["--propagate", "--", "close:4001", "recv"], ["close_code=4001"], exit_code=0)
    group_websocketd()
    group_mosquitto()


def start(cmd, port, host="127.0.0.1", cwd=None):
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    if not wait_port(port, host, proc=p):
        p.kill()
        p.wait()
        raise RuntimeError(f"{cmd[0]} did not listen on {port}")
    return p


def group_websocketd():
    if not shutil.which("websocketd"):
        print("SKIP websocketd: not installed")
        return
    port = free_port()
    p = start(["websocketd", "--address", "127.0.0.1", "--port", str(port), "cat"], port)
    try:
        run("websocketd_cat", ["--port", str(port), "--", "text:hello websocketd", "recv", "text:second", "recv"],
            ["data=hello websocketd", "data=second"], exit_code=0)
    finally:
        p.kill()
        p.wait()


def upgrade_answered(port, path="/mqtt", proto="mqtt"):
    """Does a WebSocket upgrade request to 127.0.0.1:port get a 101?"""
    req = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
           f"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
           f"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: {proto}\r\n\r\n")
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(req.encode())
            return s.recv(64).startswith(b"HTTP/1.1 101")
    except OSError:
        return False


def group_mosquitto():
    mosq = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not os.path.exists(mosq):
        print("SKIP mosquitto: not installed")
        return
    d = tempfile.mkdtemp()
    port = free_port()
    with open(f"{d}/m.conf", "w") as f:
        f.write(f"listener {port} 127.0.0.1\nprotocol websockets\nallow_anonymous true\n")
    log = open(f"{d}/log", "w+")
    p = subprocess.Popen([mosq, "-c", f"{d}/m.conf"], stdout=log, stderr=subprocess.STDOUT)
    try:
        if not (wait_port(port, proc=p) and upgrade_answered(port)):
            p.wait(timeout=20)
            log.seek(0)
            if "Unable to start any listening sockets" in log.read():
                # Debian's mosquitto 2.0.11 is built without libwebsockets: its websockets
                # listener does not start
                print("SKIP mosquitto_ws_mqtt_connect: this mosquitto has no websockets listener")
                return
        # MQTT 3.1.1 CONNECT, client id "esp", clean session, keep-alive 60 s; CONNACK 20 02 00 00
        connect = "101000044d5154540402003c0003657370"
        run("mosquitto_ws_mqtt_connect", ["--port", str(port), "--path", "/mqtt", "--subprotocol", "mqtt",
            "--", "hex:" + connect, "recv"], ["resp_protocol=mqtt", "recv=ok opcode=2 len=4 frames=1 match=no hex=20020000"],
            exit_code=0)
    finally:
        p.kill()
        p.wait()
        log.close()
        shutil.rmtree(d, ignore_errors=True)


# ---- hostile peers ------------------------------------------------------------------------------


def accept_key(key):
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


class Hostile:
    """A one-connection-at-a-time TCP server: reads the upgrade request, then act(conn, key)."""

    def __init__(self, act, host="127.0.0.1"):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.act = act
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            conn, _ = self.sock.accept()
            conn.settimeout(30)
            try:
                req = b""
                while b"\r\n\r\n" not in req:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    req += chunk
                key = ""
                for line in req.decode(errors="replace").split("\r\n"):
                    if line.lower().startswith("sec-websocket-key:"):
                        key = line.split(":", 1)[1].strip()
                self.act(conn, key)
            except OSError:
                pass
            finally:
                conn.close()


def ok_response(key, extra=""):
    return (f"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept_key(key)}\r\n{extra}\r\n").encode()


def frame(b0, payload, mask=None, len_bytes=None):
    n = len(payload) if len_bytes is None else len_bytes
    if n < 126:
        h = bytes([b0, n | (0x80 if mask else 0)])
    elif n <= 0xFFFF:
        h = bytes([b0, 126 | (0x80 if mask else 0)]) + struct.pack(">H", n)
    else:
        h = bytes([b0, 127 | (0x80 if mask else 0)]) + struct.pack(">Q", n)
    if mask:
        h += mask
        payload = bytes(c ^ mask[i % 4] for i, c in enumerate(payload))
    return h + payload


def after_handshake(data, linger=True):
    """Handshake right, then send data; with linger, wait for the client to close."""
    def act(conn, key):
        conn.sendall(ok_response(key) + data)
        if linger:
            try:
                while conn.recv(4096):
                    pass
            except OSError:
                pass
    return act


def respond(raw):
    return lambda conn, key: (conn.sendall(raw(key)), time.sleep(0.2))


def group_hostile():
    cases = [
        # name, act, client actions, stdout expectations, stderr expectation
        ("bad_accept", respond(lambda k: ok_response("x" + k)), [], ["connect=-1", "status=101"],
         "Invalid websocket key: Sec-WebSocket-Accept does not match the key sent"),
        ("missing_accept", respond(lambda k: b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                            b"Connection: Upgrade\r\n\r\n"), [], ["connect=-1"], "Sec-WebSocket-Accept not found"),
        ("missing_upgrade", respond(lambda k: ok_response(k).replace(b"Upgrade: websocket\r\n", b"")), [],
         ["connect=-1"], "the response has no 'Upgrade: websocket' header"),
        ("status_200", respond(lambda k: b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), [],
         ["connect=-1", "status=200"], "status 200 instead of 101"),
        ("not_http", respond(lambda k: b"SSH-2.0-OpenSSH\r\n\r\n"), [], ["connect=-1", "status=-1"],
         "no HTTP status line"),
        ("redirect_302", respond(lambda k: b"HTTP/1.1 302 Found\r\nLocation: ws://127.0.0.1:1/elsewhere\r\n\r\n"),
         [], ["connect=302", "status=302", "redir=ws://127.0.0.1:1/elsewhere"], "redirected (status 302)"),
        ("redirect_no_location", respond(lambda k: b"HTTP/1.1 301 Moved Permanently\r\n\r\n"), [],
         ["connect=-1", "status=301", "redir=none"], "redirection (status 301) without a Location"),
        ("huge_headers", respond(lambda k: ok_response(k, "X-Pad: " + "p" * 2000 + "\r\n")), [],
         ["connect=-1"], "longer than the 1024-byte buffer"),
        ("unoffered_subprotocol", respond(lambda k: ok_response(k, "Sec-WebSocket-Protocol: evil\r\n")), [],
         ["connect=-1"], "chose subprotocol 'evil', which was not offered"),
        ("silent_after_request", lambda c, k: time.sleep(5), ["--timeout", "1500"], ["connect=-1"],
         "Error read response for Upgrade header: timeout"),
        ("vanish_in_handshake", lambda c, k: None, [], ["connect=-1"],
         "Error read response for Upgrade header: connection failed or closed"),
        ("frame_with_response", after_handshake(frame(0x81, b"early")), ["--", "recv"],
         ["recv=ok opcode=1 len=5 frames=1 match=no data=early"], None),
        ("masked_server_frame", after_handshake(frame(0x81, b"masked", mask=b"\x01\x02\x03\x04")), ["--", "recv"],
         ["recv=-1"], "masked (a server must not mask"),
        ("oversized_ping", after_handshake(frame(0x89, b"p" * 200)), ["--", "recv"], ["recv=-1"],
         "control frame longer than 125 bytes"),
        ("fragmented_ping", after_handshake(frame(0x09, b"p")), ["--", "recv"], ["recv=-1"],
         "fragmented control frame"),
        ("huge_64bit_length", after_handshake(frame(0x82, b"", len_bytes=1 << 40)), ["--", "recv"], ["recv=-1"],
         "payload longer than INT_MAX bytes"),
        ("length_top_bit", after_handshake(b"\x82\x7f\x80\x00\x00\x00\x00\x00\x00\x01"), ["--", "recv"],
         ["recv=-1"], "64-bit length with the top bit set"),
        ("reserved_bits", after_handshake(frame(0xC1, b"x")), ["--", "recv"], ["recv=-1"], "reserved bits set"),
        ("reserved_opcode", after_handshake(frame(0x83, b"x")), ["--", "recv"], ["recv=-1"], "reserved opcode"),
        ("orphan_continuation", after_handshake(frame(0x80, b"x")), ["--", "recv"], ["recv=-1"],
         "continuation without a message to continue"),
        ("message_inside_fragments", after_handshake(frame(0x01, b"a") + frame(0x81, b"b")), ["--", "recv"],
         ["recv=-1"], "new message inside a fragmented one"),
        ("truncated_header", after_handshake(b"\x82\x7f\x00\x00", linger=False), ["--", "recv"], ["recv=-1"],
         "Error read data: connection closed or failed after 2 of 8 bytes"),
        ("truncated_payload", after_handshake(b"\x81\x0aabc", linger=False), ["--", "recv"], ["recv=-1"],
         "Error reading payload data"),
        ("vanish_after_handshake", after_handshake(b"", linger=False), ["--", "recv"], ["recv=-1"],
         "Error read data: connection closed or failed after 0 of 2 bytes"),
        ("close_without_tcp_close", after_handshake(frame(0x88, struct.pack(">H", 1001))), ["--timeout", "1500", "--", "recv"],
         ["recv=-1"], "Connection cannot be terminated gracefully within timeout="),
    ]
    for host in ("127.0.0.1", "::1"):
        for name, act, args, expect, err in cases:
            if host == "::1" and name not in ("bad_accept", "masked_server_frame", "oversized_ping"):
                continue
            srv = Hostile(act, host)
            extra = args if args and args[0] != "--" else []
            rest = args[len(extra):] if extra else args
            if extra and "--" in extra:
                i = extra.index("--")
                extra, rest = extra[:i], extra[i:]
            run(("v6_" if host == "::1" else "") + name, ["--host", host, "--port", str(srv.port)] + extra + rest,
                expect, [err] if err else [], exit_code=0 if name == "frame_with_response" else 1,
                max_ms=15000)


# ---- SOCKS --------------------------------------------------------------------------------------


class TcpEcho:
    def __init__(self, host="127.0.0.1"):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            conn, _ = self.sock.accept()
            threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    @staticmethod
    def _echo(conn):
        with conn:
            while True:
                d = conn.recv(65536)
                if not d:
                    return
                conn.sendall(d)


def socks_peer(reply, seen=None):
    """A SOCKS peer: reads a request, records it, answers with reply(request)."""
    def act(conn, _key):
        pass
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)

    def serve():
        while True:
            conn, _ = srv.accept()
            with conn:
                conn.settimeout(30)
                try:
                    first = conn.recv(512)
                    if seen is not None:
                        seen.append(first)
                    out = reply(conn, first)
                    if out:
                        conn.sendall(out)
                    time.sleep(0.3)
                except OSError:
                    pass
    threading.Thread(target=serve, daemon=True).start()
    return srv.getsockname()[1]


def danted(port, d):
    conf = f"""logoutput: {d}/danted.log
internal: 127.0.0.1 port = {port}
external: 127.0.0.1
socksmethod: none
clientmethod: none
client pass {{ from: 127.0.0.0/8 to: 0.0.0.0/0 }}
socks pass {{ from: 127.0.0.0/8 to: 0.0.0.0/0 command: connect }}
"""
    with open(f"{d}/danted.conf", "w") as f:
        f.write(conf)
    return start(["/usr/sbin/danted", "-f", f"{d}/danted.conf", "-p", f"{d}/danted.pid", "-N", "1"], port)


def group_socks():
    echo = TcpEcho()
    echo6 = TcpEcho("::1")
    ws = WsServer()
    procs = []
    d = tempfile.mkdtemp()
    try:
        if shutil.which("microsocks"):
            mport = free_port()
            procs.append(start(["microsocks", "-i", "127.0.0.1", "-p", str(mport)], mport))
            px = ["--socks5", f"127.0.0.1:{mport}"]
            run("microsocks_socks5_ipv4", px + ["--raw", "--port", str(echo.port), "--", "raw:hello-socks5"],
                ["connect=0", "raw=hello-socks5"], exit_code=0)
            run("microsocks_socks5_domain", px + ["--raw", "--host", "localhost", "--port", str(echo.port), "--", "raw:by-name"],
                ["connect=0", "raw=by-name"], exit_code=0)
            run("microsocks_socks5_ipv6", px + ["--raw", "--host", "::1", "--port", str(echo6.port), "--", "raw:v6"],
                ["connect=0", "raw=v6"], exit_code=0)
            run("microsocks_ws_over_socks5", px + ["--port", str(ws.port), "--", "text:through-proxy", "recv"],
                ["connect=0", "status=101", "data=through-proxy"], exit_code=0)
            run("microsocks_refused_target", px + ["--raw", "--port", str(free_port())], ["connect=-1"],
                ["Request Rejected with"], exit_code=1)
        else:
            print("SKIP microsocks: not installed")
        dport = free_port()
        try:
            procs.append(danted(dport, d))
            for v in ("4", "5"):
                run(f"danted_socks{v}_ipv4", [f"--socks{v}", f"127.0.0.1:{dport}", "--raw", "--port", str(echo.port),
                    "--", "raw:dante" + v], ["connect=0", "raw=dante" + v], exit_code=0)
            run("danted_ws_over_socks4", ["--socks4", f"127.0.0.1:{dport}", "--port", str(ws.port), "--",
                "text:via-dante", "recv"], ["connect=0", "data=via-dante"], exit_code=0)
        except RuntimeError as e:
            print(f"SKIP danted: {e}")
        seen = []
        p4a = socks_peer(lambda c, req: b"\x00\x5a\x00\x00\x00\x00\x00\x00", seen)
        run("socks4a_sends_host_name", ["--socks4", f"127.0.0.1:{p4a}", "--raw", "--host", "example.invalid",
            "--port", "8080"], ["connect=0"])
        if not seen or not seen[-1].startswith(b"\x04\x01\x1f\x90\x00\x00\x00\x01\x00example.invalid\x00"):
            FAILED.append("socks4a_request_bytes")
            print(f"FAIL socks4a_request_bytes: {seen[-1:]!r}")
        for code, text in ((0x5B, "request rejected or failed"), (0x5C, "cannot reach our identd"),
                           (0x5D, "identd could not confirm")):
            port = socks_peer(lambda c, req, code=code: bytes([0, code, 0, 0, 0, 0, 0, 0]))
            run(f"socks4_reply_{code:02x}", ["--socks4", f"127.0.0.1:{port}", "--raw", "--port", "80"],
                ["connect=-1", f"errno={code}"], [f"Request Rejected with : {code:02x} (", text], exit_code=1)

        def socks5(code):
            def reply(conn, greet):
                conn.sendall(b"\x05\x00")
                conn.recv(512)
                return bytes([5, code, 0, 1, 127, 0, 0, 1, 0, 80])
            return reply
        for code, text in ((1, "general SOCKS server failure"), (2, "not allowed by ruleset"),
                           (4, "host unreachable"), (5, "connection refused"), (8, "address type not supported")):
            port = socks_peer(socks5(code))
            run(f"socks5_reply_{code}", ["--socks5", f"127.0.0.1:{port}", "--raw", "--port", "80"],
                ["connect=-1", f"errno={code}"], [text], exit_code=1)
        port = socks_peer(lambda c, g: b"\x05\x02")
        run("socks5_wants_auth", ["--socks5", f"127.0.0.1:{port}", "--raw", "--port", "80"],
            ["connect=-1", "errno=91"], ["refused the no-authentication method"], exit_code=1)
        port = socks_peer(lambda c, g: b"\x00")
        run("socks4_short_reply", ["--socks4", f"127.0.0.1:{port}", "--raw", "--port", "80"],
            ["connect=-1", "errno=241"], ["the proxy closed the connection after 1 of 8 bytes"], exit_code=1)
        port = socks_peer(lambda c, g: time.sleep(4))
        run("socks4_silent_proxy", ["--socks4", f"127.0.0.1:{port}", "--raw", "--port", "80", "--timeout", "1000"],
            ["connect=-1", "errno=242"], ["the proxy did not answer in time"], exit_code=1, max_ms=8000)
        run("socks_proxy_down", ["--socks5", f"127.0.0.1:{free_port()}", "--raw", "--port", "80"],
            ["connect=-1", "errno=111"], ["Error connecting to proxy"], exit_code=1)
    finally:
        for p in procs:
            p.kill()
            p.wait()
        shutil.rmtree(d, ignore_errors=True)


{"ws": group_ws, "hostile": group_hostile, "socks": group_socks}[GROUP]()
print(f"{PASSED} passed, {len(FAILED)} failed" + (f": {' '.join(FAILED)}" if FAILED else ""))
sys.exit(1 if FAILED else 0)
