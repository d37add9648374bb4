# SPDX-License-Identifier: Apache-2.0
"""Peer for mem_stress --record-sizes (Debian's /usr/bin/python3, stdlib ssl = OpenSSL).

    record_sizes.py PORT CERT KEY

Accepts one TLS connection on 127.0.0.1:PORT and sends one record of every size from 1 to
16384 bytes, in order (one SSL_write each, so one record each); every byte of the record of
size n is n % 251. Then closes.
"""
import socket
import ssl
import sys

port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(1)
print("ready", flush=True)
conn, _ = srv.accept()
with ctx.wrap_socket(conn, server_side=True) as tls:
    for n in range(1, 16385):
        tls.sendall(bytes([n % 251]) * n)
