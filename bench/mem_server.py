# SPDX-License-Identifier: Apache-2.0
"""Bench peer for bench/mem.sh (Debian's /usr/bin/python3, stdlib ssl, i.e. OpenSSL).

    mem_server.py PORT CERT KEY [--client-ca FILE] [--tls12|--tls13]

TLS server on 127.0.0.1:PORT and, where the host has IPv6, [::1]:PORT too, so that clients
connecting to "localhost" reach it at its first address. For each connection: handshake (with --client-ca a client
certificate is required), read a request line, answer 16384 bytes with one write (one
16384-byte record; the last byte is a newline, which ends ssl_client2's read) and close.
Default ticket settings of OpenSSL (TLS 1.3: two NewSessionTickets after the handshake).
"""
import socket
import ssl
import sys
import threading


def serve(conn, ctx):
    try:
        with ctx.wrap_socket(conn, server_side=True) as tls:
            tls.recv(64)
            tls.sendall(b"x" * 16383 + b"\n")
    except (OSError, ssl.SSLError):
        pass


def main():
    port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    args = sys.argv[4:]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    if "--client-ca" in args:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(args[args.index("--client-ca") + 1])
    if "--tls12" in args:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if "--tls13" in args:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    socks = [listen(socket.AF_INET, "127.0.0.1", port)]
    try:
        socks.append(listen(socket.AF_INET6, "::1", port))
    except OSError:
        pass  # no IPv6 loopback
    for srv in socks[1:]:
        threading.Thread(target=accept_loop, args=(srv, ctx), daemon=True).start()
    accept_loop(socks[0], ctx)


def listen(family, addr, port):
    srv = socket.socket(family)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1024)
    return srv


def accept_loop(srv, ctx):
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, ctx), daemon=True).start()


if __name__ == "__main__":
    main()
