# SPDX-License-Identifier: Apache-2.0
"""Tiny TCP listeners for the interop tests (run with /usr/bin/python3, stdlib only).

    listener.py silent HOST PORT   accept connections, keep them open, never send a byte
    listener.py reply HOST PORT    plain TCP: answer every chunk received with b"PONG:" + chunk
    listener.py drop HOST PORT     read the ClientHello, then close: a peer that vanishes
                                   mid-handshake
    listener.py garbage HOST PORT  read the ClientHello, answer with bytes that are not TLS

Exits 1 if the port cannot be bound (the caller then retries with another port).
"""
import socket
import sys
import threading


def serve_reply(conn):
    with conn:
        while True:
            data = conn.recv(4096)
            if not data:
                return
            conn.sendall(b"PONG:" + data)


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        srv.bind((host, port))
    except OSError as e:
        print(f"listener: cannot bind {host}:{port}: {e}", file=sys.stderr)
        sys.exit(1)
    srv.listen(16)
    held = []
    while True:
        conn, peer = srv.accept()
        print(f"listener: {mode}: connection from {peer[0]}", flush=True)
        if mode == "silent":
            held.append(conn)  # keep it open, say nothing
        elif mode == "drop":
            conn.recv(4096)
            conn.close()
        elif mode == "garbage":
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" * 8)
            held.append(conn)
        elif mode == "reply":
            threading.Thread(target=serve_reply, args=(conn,), daemon=True).start()
        else:
            sys.exit(f"listener: unknown mode {mode}")


if __name__ == "__main__":
    main()
