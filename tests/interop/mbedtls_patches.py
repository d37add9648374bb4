#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Our Mbed TLS source patches (patches/mbedtls/), each seen from the wire.

    mbedtls_patches.py ESP_TLS_CLI CERTDIR [CASE-GLOB ...]

Starts `esp-tls server --www` (TLS 1.2 and 1.3 on, RSA certificate) on a free port of
127.0.0.1, and plays raw clients against it. Each case names the patch it covers and fails on
the unpatched Mbed TLS 3.6:

  hello12_no_extensions  0001: a TLS 1.2 ClientHello with no extensions block at all
                         (RFC 5246 section 7.4.1.2) gets a TLS 1.2 ServerHello, not
                         decode_error (Mbed-TLS/mbedtls#9963)
  hello12_empty_extensions  the same with an empty extensions block (worked before; kept so
                         that the patch is seen not to change it)
  hello12_one_stray_byte one byte after the compression methods (half an extensions length)
                         still gets a fatal decode_error (50): the patch relaxed only the
                         absent block

With ESP_TLS_WRAP set (valgrind) the server runs under it. The server must end on SIGTERM
with status 0 (or by the signal) and print no sanitizer report.
"""
import fnmatch
import os
import re
import shlex
import signal
import socket
import struct
import subprocess
import sys
import threading

CLI, CERTS = sys.argv[1:3]
PATTERNS = sys.argv[3:] or ["*"]
WRAP = shlex.split(os.environ.get("ESP_TLS_WRAP", ""))
SLOW = 8 if WRAP else 1
HANDSHAKE, ALERT = 22, 21
# RSA key exchange and ECDHE-RSA suites: without the supported_groups extension an ECDHE suite
# has no curve, so the server picks one of the first two
SUITES = (0x009C, 0x002F, 0xC02F, 0xC013)


def client_hello_12(tail):
    """A TLS 1.2 ClientHello: legacy_version 0x0303, no session id, SUITES, null compression,
    then @tail (what comes where the extensions block would be)."""
    suites = b"".join(struct.pack(">H", s) for s in SUITES)
    body = (struct.pack(">H", 0x0303) + bytes(range(32)) + b"\x00" +
            struct.pack(">H", len(suites)) + suites + b"\x01\x00" + tail)
    msg = struct.pack(">B", 1) + len(body).to_bytes(3, "big") + body
    return struct.pack(">BHH", HANDSHAKE, 0x0301, len(msg)) + msg


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError(f"connection closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def first_record(port, hello):
    """Sends @hello, returns (content type, body) of the server's first record."""
    with socket.create_connection(("127.0.0.1", port), timeout=20 * SLOW) as sock:
        sock.sendall(hello)
        ctype, _version, length = struct.unpack(">BHH", recv_exact(sock, 5))
        return ctype, recv_exact(sock, length)


def server_hello_version(port, hello):
    ctype, body = first_record(port, hello)
    if ctype == HANDSHAKE and body[:1] == b"\x02" and len(body) >= 6:
        return f"ServerHello version 0x{struct.unpack('>H', body[4:6])[0]:04x}"
    if ctype == ALERT and len(body) >= 2:
        return f"alert level {body[0]} description {body[1]}"
    return f"record type {ctype}, {len(body)} bytes"


CASES = [
    ("hello12_no_extensions", client_hello_12(b""), "ServerHello version 0x0303"),
    ("hello12_empty_extensions", client_hello_12(b"\x00\x00"), "ServerHello version 0x0303"),
    ("hello12_one_stray_byte", client_hello_12(b"\x00"), "alert level 2 description 50"),
]


class Server:
    def __init__(self):
        cmd = WRAP + [CLI, "server", "--cert", os.path.join(CERTS, "server-rsa.crt"),
                      "--key", os.path.join(CERTS, "server-rsa.key"), "--port", "0", "--www"]
        self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
        self.port, self.lines = None, []
        self.ready = threading.Event()
        threading.Thread(target=self.pump, daemon=True).start()
        self.ready.wait(30 * SLOW)

    def pump(self):
        for line in self.p.stdout:
            self.lines.append(line.rstrip())
            m = re.search(r"listening on \S*:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                self.ready.set()
        self.ready.set()

    def stop(self):
        self.p.terminate()
        try:
            return self.p.wait(30 * SLOW)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return self.p.wait()


def main():
    srv = Server()
    if srv.port is None:
        print("esp-tls server did not start:\n" + "\n".join(srv.lines))
        srv.stop()
        return 1
    failed = 0
    for name, hello, want in CASES:
        if not any(fnmatch.fnmatch(name, p) for p in PATTERNS):
            continue
        try:
            got = server_hello_version(srv.port, hello)
        except (OSError, EOFError) as e:
            got = f"no record: {e}"
        ok = got == want
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {got} (want {want})")
    rc = srv.stop()
    print(f"server exit status {rc}")
    if rc not in (0, -signal.SIGTERM) or any("Sanitizer" in line for line in srv.lines):
        print("FAIL the server's end (a memory checker's report?):\n" + "\n".join(srv.lines[-30:]))
        failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
