#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""HTTP/1.1 test peer for esp_http_client, for what nginx cannot do: Digest authentication
(MD5 and SHA-256), 1xx responses, redirect loops, malformed status lines and headers,
oversized headers, chunk sizes that overflow, Content-Length mismatches, a server that stops
mid-body, slow servers. Keep-alive aware; prints one line per connection and request:

    accept conn=N
    conn=N req=M METHOD PATH [authorization=...]

Usage: peer.py HOST PORT [--tls CERT KEY]
"""
import hashlib
import socket
import socketserver
import ssl
import sys
import threading
import time

CONN = 0
LOCK = threading.Lock()
USER, PASSWORD, REALM = "user", "passwd", "esp-test"
NONCE = "dcd98b7102dd2f0e8b11d0f600bfb0c093"


def log(line):
    print(line, flush=True)


def response(status, body=b"", headers=(), reason="OK"):
    head = "HTTP/1.1 %d %s\r\n" % (status, reason)
    head += "Content-Length: %d\r\n" % len(body)
    for h in headers:
        head += h + "\r\n"
    return head.encode() + b"\r\n" + body


def digest_ok(auth, method, algo):
    if not auth.startswith("Digest "):
        return False
    params = {}
    for part in auth[7:].split(","):
        k, _, v = part.strip().partition("=")
        params[k] = v.strip('"')
    h = hashlib.md5 if algo == "MD5" else hashlib.sha256
    hx = lambda s: h(s.encode()).hexdigest()
    ha1 = hx("%s:%s:%s" % (USER, REALM, PASSWORD))
    ha2 = hx("%s:%s" % (method, params.get("uri", "")))
    want = hx("%s:%s:%s:%s:%s:%s" % (ha1, NONCE, params.get("nc"), params.get("cnonce"),
                                     "auth", ha2))
    return params.get("response") == want and params.get("username") == USER


class Handler(socketserver.BaseRequestHandler):
    def setup(self):
        global CONN
        with LOCK:
            CONN += 1
            self.conn = CONN
        log("accept conn=%d" % self.conn)
        self.buf = b""
        self.reqs = 0

    def read_request(self):
        while b"\r\n\r\n" not in self.buf:
            data = self.request.recv(65536)
            if not data:
                return None
            self.buf += data
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            return method, path, headers, self.read_chunked()
        n = int(headers.get("content-length", "0"))
        while len(self.buf) < n:
            self.buf += self.request.recv(65536)
        body, self.buf = self.buf[:n], self.buf[n:]
        return method, path, headers, body

    def read_line(self):
        while b"\r\n" not in self.buf:
            self.buf += self.request.recv(65536)
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line

    def read_chunked(self):
        body = b""
        while True:
            size = int(self.read_line().split(b";")[0], 16)
            if size == 0:
                while self.read_line():  # trailers up to the empty line
                    pass
                return body
            while len(self.buf) < size + 2:
                self.buf += self.request.recv(65536)
            body, self.buf = body + self.buf[:size], self.buf[size + 2:]

    def handle(self):
        while True:
            req = self.read_request()
            if req is None:
                return
            method, path, headers, body = req
            self.reqs += 1
            extra = ""
            if "authorization" in headers:
                extra = " authorization=" + headers["authorization"].split(" ")[0]
            log("conn=%d req=%d %s %s%s" % (self.conn, self.reqs, method, path, extra))
            if not self.route(method, path, headers, body):
                return

    def send(self, data):
        self.request.sendall(data)
        return True

    def route(self, method, path, headers, body):
        p = path.split("?")[0]
        if p == "/hello":
            return self.send(response(200, b"hello", ["X-Probe: abc"]))
        if p == "/kv":
            return self.send(response(200, b"answer=42\n"))
        if p == "/kv-echo":
            return self.send(response(200, ("echo=%s %s\n" % (method, body.decode())).encode()))
        if p == "/kv-header":
            return self.send(response(200, ("xprobe=%s\n" % headers.get("x-probe")).encode()))
        if p == "/kv-moved":
            return self.send(response(301, b"", ["Location: /kv"], "Moved Permanently"))
        if p == "/echo":
            return self.send(response(200, ("%s %s" % (method, body.decode())).encode()))
        if p == "/method":
            return self.send(response(200, method.encode()))
        if p in ("/digest-md5", "/digest-sha256"):
            algo = "MD5" if p.endswith("md5") else "SHA-256"
            if digest_ok(headers.get("authorization", ""), method, algo):
                return self.send(response(200, b"digest ok " + algo.encode()))
            chal = 'WWW-Authenticate: Digest realm="%s", qop="auth", nonce="%s", ' \
                   'opaque="5ccc069c403ebaf9f0171e9517f40e41", algorithm=%s' % (REALM, NONCE, algo)
            return self.send(response(401, b"denied", [chal], "Unauthorized"))
        if p == "/continue":
            return self.send(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n"
                             b"Link: </x>\r\n\r\n" + response(200, b"after 1xx"))
        if p == "/204":
            return self.send(b"HTTP/1.1 204 No Content\r\n\r\n")
        if p == "/304":
            return self.send(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 1000\r\n\r\n")
        if p == "/loop":
            return self.send(response(302, b"", ["Location: /loop"], "Found"))
        if p == "/rel":
            return self.send(response(302, b"moved", ["Location: sub/target?q=1"], "Found"))
        if p == "/sub/target":
            return self.send(response(200, b"target"))
        if p == "/see-other":
            return self.send(response(303, b"", ["Location: /method"], "See Other"))
        if p == "/temp":
            return self.send(response(307, b"", ["Location: /echo"], "Temporary Redirect"))
        if p == "/bad-status":
            self.send(b"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n")
            return False
        if p == "/bad-header":
            self.send(b"HTTP/1.1 200 OK\r\nBad Header Line\r\nContent-Length: 0\r\n\r\n")
            return False
        if p == "/big-header":
            self.send(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n")
            return False
        if p == "/long-header":
            return self.send(response(200, b"long", ["X-Probe: " + "b" * 3000]))
        if p == "/chunk-overflow":
            self.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"fffffffffffffffffffff\r\nabc\r\n0\r\n\r\n")
            return False
        if p == "/chunked":
            parts = [b"%x\r\n%s\r\n" % (len(c), c) for c in (b"alpha-", b"beta-", b"gamma")]
            return self.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
                             b"".join(parts) + b"0\r\n\r\n")
        if p == "/short-cl":
            self.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
            return False
        if p == "/long-cl":
            return self.send(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n0123456789")
        if p == "/stop-mid":
            self.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n01234")
            return False
        if p == "/eof-body":
            self.send(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end")
            return False
        if p == "/close":
            self.send(response(200, b"bye", ["Connection: close"]))
            return False
        if p == "/slow-head":
            time.sleep(3)
            return self.send(response(200, b"late"))
        if p == "/slow-body":
            self.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
            time.sleep(3)
            return False
        if p == "/delay":
            time.sleep(0.3)
            return self.send(response(200, b"delayed"))
        return self.send(response(404, b"not found", [], "Not Found"))


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    Server.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
    srv = Server((host, port), Handler)
    if "--tls" in sys.argv:
        i = sys.argv.index("--tls")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[i + 1], sys.argv[i + 2])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
