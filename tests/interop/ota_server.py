#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Small TLS HTTP servers for esp_https_ota's edge cases, one response per connection.

  ota_server.py cut PORT CERT KEY IMAGE CUT
      announces the whole image (Content-Length) and sends only the first CUT bytes, then
      closes: a server dying in the middle of an image.
  ota_server.py nohead PORT CERT KEY IMAGE LOG
      answers HEAD with 405, GET with Range with 206 and that range, GET without Range with
      200; appends each request line and Range header to LOG.
  ota_server.py cutrange PORT CERT KEY IMAGE LOG
      as nohead, but every range after the first is cut in half (Content-Length announces it
      whole): a server dying in the middle of a partial download.
"""
import re
import socket
import ssl
import sys


def read_request(conn):
    request = b""
    while b"\r\n\r\n" not in request:
        chunk = conn.recv(4096)
        if not chunk:
            break
        request += chunk
    return request.decode("latin-1")


def response(status, headers, body=b""):
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    return (head + "Connection: close\r\n\r\n").encode() + body


def answer_cut(request, data, cut):
    del request
    return response("200 OK", [("Content-Length", len(data))], data[:cut])


def answer_nohead(request, data, log, cut_later=False):
    line = request.split("\r\n", 1)[0]
    m = re.search(r"^Range: bytes=(\d+)-(\d+)\r$", request, re.M | re.I)
    with open(log, "a") as f:
        f.write(f"{line} range={m.group(0).strip() if m else '-'}\n")
    if line.startswith("HEAD"):
        return response("405 Method Not Allowed", [("Content-Length", 0)])
    if not m:
        return response("200 OK", [("Content-Length", len(data))], data)
    first, last = int(m.group(1)), min(int(m.group(2)), len(data) - 1)
    part = data[first:last + 1]
    sent = part[:len(part) // 2] if cut_later and first > 0 else part
    return response("206 Partial Content", [("Content-Length", len(part)),
                    ("Content-Range", f"bytes {first}-{last}/{len(data)}")], sent)


def main():
    mode, port, cert, key, image, arg = sys.argv[1:7]
    data = open(image, "rb").read()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", int(port)))
    srv.listen(8)
    while True:
        raw, _ = srv.accept()
        raw.settimeout(30)
        try:
            conn = ctx.wrap_socket(raw, server_side=True)
            request = read_request(conn)
            if mode == "cut":
                conn.sendall(answer_cut(request, data, int(arg)))
            else:
                conn.sendall(answer_nohead(request, data, arg, mode == "cutrange"))
            conn.close()
        except (OSError, ssl.SSLError):
            raw.close()


if __name__ == "__main__":
    main()
