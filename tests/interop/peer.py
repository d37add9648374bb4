# SPDX-License-Identifier: Apache-2.0
"""A scriptable TLS peer for the async tests (Debian's /usr/bin/python3, stdlib only).

    peer.py PORT CERT KEY [--greeting N] [--no-read] [--new-keys] [--close] [--host ADDR]
            [--close-after-reply {fin,notify}] [--dns-delay-ms MS] [--dns-a IP] [--dns-aaaa IP]

TCP 127.0.0.1:PORT (--host: another address, e.g. ::1; PORT 0: one the kernel chooses, printed
as "peer: listening on PORT"): a TLS server (Python's ssl, i.e. OpenSSL). With --greeting N it
sends N bytes in one TLS record right after the handshake and keeps the connection open;
otherwise it answers each request with "HTTP/1.0 200 OK". With --close-after-reply it closes
the connection after its first answer: "fin" with a bare TCP FIN (Python's close() sends no
close_notify, as Python's http.server does), "notify" with a close_notify alert first; --close
is --close-after-reply fin. With --no-read it never reads after the handshake, so a client's
writes fill the socket buffers. UDP 127.0.0.1:PORT (same number): with
--dns-delay-ms, a DNS responder that answers every query after that delay with the given A and
AAAA records (in that order: AAAA first, then A, so that a client tries IPv6 first).
Exits 1 if the port cannot be bound.
"""
import argparse
import socket
import ssl
import struct
import sys
import threading
import time


def dns_answer(query, a, aaaa, qtype):
    qid = query[:2]
    end = 12
    while query[end] != 0:
        end += 1 + query[end]
    question = query[12:end + 5]
    records = []
    if qtype == 28 and aaaa:
        records.append((28, socket.inet_pton(socket.AF_INET6, aaaa)))
    if qtype == 1 and a:
        records.append((1, socket.inet_pton(socket.AF_INET, a)))
    header = qid + struct.pack(">HHHHH", 0x8180, 1, len(records), 0, 0)
    body = b"".join(struct.pack(">HHHIH", 0xC00C, t, 1, 60, len(rd)) + rd for t, rd in records)
    return header + question + body


def serve_dns(sock, delay, a, aaaa):
    while True:
        query, peer = sock.recvfrom(512)
        end = 12
        while query[end] != 0:
            end += 1 + query[end]
        qtype = struct.unpack(">H", query[end + 1:end + 3])[0]

        def reply(q=query, p=peer, t=qtype):
            time.sleep(delay / 1000.0)
            sock.sendto(dns_answer(q, a, aaaa, t), p)

        threading.Thread(target=reply, daemon=True).start()


def serve_tls(conn, ctx, greeting, no_read, close_after=None):
    try:
        with ctx.wrap_socket(conn, server_side=True) as tls:
            if no_read:
                while True:
                    time.sleep(60)  # handshake done; never read: the client's writes pile up
            if greeting:
                tls.sendall(b"g" * greeting)  # one write, one record
                while tls.recv(4096):
                    pass
                return
            while True:
                data = tls.recv(4096)
                if not data:
                    return
                tls.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
                if close_after == "notify":
                    tls.unwrap()  # close_notify, then the TCP close
                if close_after:
                    return  # SSLSocket.close() sends no close_notify: a bare FIN
    except (OSError, ssl.SSLError):
        pass


def make_context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    return ctx


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("cert")
    ap.add_argument("key")
    ap.add_argument("--greeting", type=int, default=0)
    ap.add_argument("--no-read", action="store_true")
    ap.add_argument("--close-after-reply", choices=["fin", "notify"], default=None)
    ap.add_argument("--new-keys", action="store_true",
                    help="a new TLS context (new ticket keys) for every connection")
    ap.add_argument("--close", action="store_true",
                    help="close after the first answer, without close_notify")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--dns-delay-ms", type=int, default=-1)
    ap.add_argument("--dns-a", default="")
    ap.add_argument("--dns-aaaa", default="")
    args = ap.parse_args()
    ctx = make_context(args)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        srv.bind((args.host, args.port))
        if args.dns_delay_ms >= 0:
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            udp.bind(("127.0.0.1", args.port))
            threading.Thread(target=serve_dns, args=(udp, args.dns_delay_ms, args.dns_a,
                                                     args.dns_aaaa), daemon=True).start()
    except OSError as e:
        print(f"peer: cannot bind {args.port}: {e}", file=sys.stderr)
        sys.exit(1)
    srv.listen(64)
    print(f"peer: listening on {srv.getsockname()[1]}", flush=True)
    while True:
        conn, _ = srv.accept()
        print("peer: connection", flush=True)
        if args.new_keys:
            ctx = make_context(args)
        close_after = args.close_after_reply or ("fin" if args.close else None)
        threading.Thread(target=serve_tls,
                         args=(conn, ctx, args.greeting, args.no_read, close_after),
                         daemon=True).start()


if __name__ == "__main__":
    main()
