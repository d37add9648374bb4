#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A TLS HTTP server that dies in the middle of an OTA image: it announces the whole image
(Content-Length) and sends only the first CUT bytes, then closes the connection.

  ota_cut_server.py PORT CERT KEY IMAGE CUT
"""
import socket
import ssl
import sys


def main():
    port, cert, key, image, cut = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
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
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                request += chunk
            head = ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                    f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n")
            conn.sendall(head.encode() + data[:cut])
            conn.close()
        except (OSError, ssl.SSLError):
            raw.close()


if __name__ == "__main__":
    main()
