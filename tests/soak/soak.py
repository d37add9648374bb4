#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Soak test: good and hostile clients at once against two servers for DURATION seconds.

    soak.py --esp-tls TOOL --https-server EXAMPLE --certs DIR --duration S --out DIR

Servers: `esp-tls server --www` (the tool: one poll loop, concurrent sessions, handshake,
idle and request deadlines) and examples/https_server (the library's asynchronous server API,
esp_tls_server_session_init() + esp_tls_server_session_continue_async()).

Load, against each server at once: a good client every 0.2 s (Python ssl, TLS 1.3 and 1.2 in
turn, GET /, expects a 200 answer) and HOSTILE_WORKERS threads that each play one hostile
client after another: floods of warning alerts (TLS 1.2) and of ChangeCipherSpec records
(TLS 1.3) after a ClientHello, slowloris (a request one byte a second after the handshake),
half-open connections (half a ClientHello, then silence until the server gives up), TLS 1.2
renegotiation requests (openssl s_client "R"), and a ClientHello in 1-byte records.

Each second the RSS (VmRSS) and the open descriptors of both servers are sampled
(OUT/samples.csv). Pass: no good client failed; both servers still run; RSS over the last
quarter of the run at most RSS_SLACK_KB above the RSS just after the warm-up (the first fifth
of the run, at most 60 s); once the load stops, the descriptors come back to their count
before the load (within FD_SLACK) within QUIESCE_S seconds. Exit 0 pass, 1 fail.
"""
import argparse
import csv
import os
import random
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
from tlspeer import client_hello, https_get  # noqa: E402 (tests/interop/tlspeer.py)

HOSTILE_WORKERS = 6  # per server: well below both servers' 64 sessions at once
RSS_SLACK_KB = 4096
FD_SLACK = 2
QUIESCE_S = 40  # longer than the servers' idle and handshake deadlines
WARNING_ALERT = bytes.fromhex("15030300020170")
CCS_RECORD = bytes.fromhex("140303000101")


class Server:
    """A server process on 127.0.0.1, its stdout drained to a log file."""

    def __init__(self, name, argv, out_dir, port_of):
        self.name = name
        self.log = open(os.path.join(out_dir, f"{name}.log"), "w", encoding="utf-8")
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.port = None
        for line in self.p.stdout:
            self.log.write(line)
            self.port = port_of(line)
            if self.port:
                break
        if not self.port:
            raise RuntimeError(f"{name}: no listening line")
        threading.Thread(target=self.drain, daemon=True).start()

    def drain(self):
        for line in self.p.stdout:
            self.log.write(line)

    def sample(self):
        """(RSS in KB, open descriptors), or None once the process is gone."""
        try:
            with open(f"/proc/{self.p.pid}/status", encoding="ascii") as f:
                rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
            return rss, len(os.listdir(f"/proc/{self.p.pid}/fd"))
        except (OSError, StopIteration):
            return None

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.log.close()


def port_esp_tls(line):
    return int(line.rsplit(":", 1)[1]) if line.startswith("listening on ") else None


def port_https_server(line):
    return int(line.split("=", 1)[1]) if line.startswith("listening=") else None


# --- clients ---------------------------------------------------------------------------------

def good_client(port, ca, tls12):
    reply = https_get(port, ca, b"\r\n\r\n", 20,
                      ssl.TLSVersion.TLSv1_2 if tls12 else None)
    return reply.startswith(b"HTTP/1.") and b" 200 " in reply.split(b"\r\n", 1)[0]


def flood(port, hello, rec, seconds=10.0):
    burst = rec * (16384 // len(rec))
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as s:
        s.sendall(hello)
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                s.sendall(burst)
        except OSError:
            pass


def slowloris(port, ca, stop, seconds=15):
    ctx = ssl.create_default_context(cafile=ca)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        with ctx.wrap_socket(s, server_hostname="localhost") as t:
            for b in b"GET / HTTP/1.0\r\nX-Slow: " + b"a" * seconds:
                if stop.is_set():
                    return
                t.sendall(bytes([b]))
                time.sleep(1)


def half_open(port, hello, stop, seconds=15):
    with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
        s.sendall(hello[: len(hello) // 2])
        end = time.monotonic() + seconds
        while time.monotonic() < end and not stop.is_set():
            try:
                if s.recv(4096) == b"":
                    return  # the server gave up on it
            except socket.timeout:
                pass


def renegotiate(port, ca):
    p = subprocess.Popen(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-tls1_2",
                          "-CAfile", ca], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        p.communicate(b"R\n", timeout=5)
    except (subprocess.TimeoutExpired, OSError):
        p.kill()
        p.wait()


def one_byte_records(port, hello):
    """The ClientHello's handshake bytes, one per record."""
    body = hello[5:5 + struct.unpack(">H", hello[3:5])[0]]
    recs = b"".join(struct.pack(">BHHB", 22, 0x0301, 1, b) for b in body)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        try:
            s.sendall(recs)
            while s.recv(4096):
                pass
        except OSError:
            pass


class Load:
    """Good and hostile clients against one server, counted."""

    def __init__(self, server, ca):
        self.server, self.ca = server, ca
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.good_ok = self.good_failed = 0
        self.failures = []
        self.hostile = {}
        self.hello12 = client_hello(ssl.TLSVersion.TLSv1_2)
        self.hello13 = client_hello()
        self.threads = [threading.Thread(target=self.good_loop, daemon=True)]
        self.threads += [threading.Thread(target=self.hostile_loop, args=(i,), daemon=True)
                         for i in range(HOSTILE_WORKERS)]

    def start(self):
        for t in self.threads:
            t.start()

    def join(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)

    def good_loop(self):
        n = 0
        while not self.stop.is_set():
            n += 1
            try:
                ok, why = good_client(self.server.port, self.ca, n % 2 == 0), "no 200 answer"
            except (OSError, ssl.SSLError) as e:
                ok, why = False, str(e)
            with self.lock:
                self.good_ok += ok
                self.good_failed += not ok
                if not ok and len(self.failures) < 10:
                    self.failures.append(f"{time.strftime('%H:%M:%S')} {why}")
            self.stop.wait(0.2)

    def hostile_kinds(self):
        port, ca, stop = self.server.port, self.ca, self.stop
        return {
            "alert_flood": lambda: flood(port, self.hello12, WARNING_ALERT),
            "ccs_flood": lambda: flood(port, self.hello13, CCS_RECORD),
            "slowloris": lambda: slowloris(port, ca, stop),
            "half_open": lambda: half_open(port, self.hello13, stop),
            "renegotiation": lambda: renegotiate(port, ca),
            "one_byte_records": lambda: one_byte_records(port, self.hello12),
        }

    def hostile_loop(self, i):
        kinds = self.hostile_kinds()
        rnd = random.Random(i)
        while not self.stop.is_set():
            name = rnd.choice(sorted(kinds))
            try:
                kinds[name]()
            except (OSError, ssl.SSLError, ValueError):
                pass  # the server refusing a hostile client is the point
            with self.lock:
                self.hostile[name] = self.hostile.get(name, 0) + 1
            self.stop.wait(0.1)


# --- measurement -----------------------------------------------------------------------------

def sample_loop(servers, writer, rows, stop, phase):
    t0 = time.monotonic()
    while not stop.wait(1.0 - (time.monotonic() - t0) % 1.0):
        t = round(time.monotonic() - t0, 1)
        for s in servers:
            v = s.sample()
            row = (t, phase[0], s.name, v[0] if v else -1, v[1] if v else -1)
            rows.append(row)
            writer.writerow(row)


def summarize(name, rows, duration, warmup):
    load = [r for r in rows if r[2] == name and r[1] == "load" and r[3] >= 0]
    before = [r for r in rows if r[2] == name and r[1] == "before"]
    after = [r for r in rows if r[2] == name and r[1] == "after"]
    start = [r for r in load if warmup <= r[0] <= warmup + 30] or load[:1]
    late = [r for r in load if r[0] >= warmup + (duration - warmup) * 0.75] or load[-1:]
    return {
        "rss_before": before[-1][3] if before else -1,
        "rss_start": max(r[3] for r in start), "rss_end": load[-1][3],
        "rss_max": max(r[3] for r in load), "rss_late_max": max(r[3] for r in late),
        "fd_before": before[-1][4] if before else -1, "fd_max": max(r[4] for r in load),
        "fd_after": after[-1][4] if after else -1,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--esp-tls", required=True)
    ap.add_argument("--https-server", required=True)
    ap.add_argument("--certs", required=True)
    ap.add_argument("--duration", type=int, default=3600)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    crt, key, ca = (os.path.join(args.certs, f) for f in
                    ("server-ec.crt", "server-ec.key", "ca-ec.crt"))
    servers = [
        Server("esp-tls-server", [args.esp_tls, "server", "--cert", crt, "--key", key, "--port",
                                  "0", "--www", "--timeout", "3000", "--idle-timeout", "5000",
                                  "--request-timeout", "3000"], args.out, port_esp_tls),
        Server("https_server", [args.https_server, "--port", "0", "--cert", crt, "--key", key,
                                "--timeout", "3000"], args.out, port_https_server),
    ]
    warmup = min(60, args.duration // 5)
    rows, phase, stop = [], ["before"], threading.Event()
    with open(os.path.join(args.out, "samples.csv"), "w", newline="", encoding="ascii") as f:
        writer = csv.writer(f)
        writer.writerow(("t_s", "phase", "server", "rss_kb", "fds"))
        sampler = threading.Thread(target=sample_loop, args=(servers, writer, rows, stop, phase),
                                   daemon=True)
        sampler.start()
        time.sleep(2.5)
        loads = [Load(s, ca) for s in servers]
        phase[0] = "load"
        t_load = time.monotonic()
        for ld in loads:
            ld.start()
        time.sleep(args.duration)
        for ld in loads:
            ld.join()
        phase[0] = "after"
        quiesce_end = time.monotonic() + QUIESCE_S
        fds_back = False
        while time.monotonic() < quiesce_end and not fds_back:
            time.sleep(1)
            fds_back = all(s.sample() and s.sample()[1] <= before_fds(rows, s.name) + FD_SLACK
                           for s in servers)
        time.sleep(1.5)
        stop.set()
        sampler.join()
    alive = [s.p.poll() is None for s in servers]
    for s in servers:
        s.stop()
    return report(servers, loads, rows, alive, args, time.monotonic() - t_load, warmup)


def before_fds(rows, name):
    before = [r for r in rows if r[2] == name and r[1] == "before"]
    return before[-1][4] if before else 0


def report(servers, loads, rows, alive, args, elapsed, warmup):
    ok = True
    print(f"soak: {args.duration} s of load ({elapsed:.0f} s with the quiesce), "
          f"warm-up {warmup} s, samples in {args.out}/samples.csv")
    for s, ld, up in zip(servers, loads, alive):
        m = summarize(s.name, rows, args.duration, warmup)
        growth = m["rss_late_max"] - m["rss_start"]
        checks = {
            "no good client failed": ld.good_failed == 0,
            "still running": up,
            f"RSS growth after warm-up <= {RSS_SLACK_KB} KB": growth <= RSS_SLACK_KB,
            f"descriptors back to {m['fd_before']} (+{FD_SLACK})":
                0 <= m["fd_after"] <= m["fd_before"] + FD_SLACK,
        }
        ok = ok and all(checks.values())
        print(f"{s.name}: RSS KB before load {m['rss_before']}, after warm-up {m['rss_start']}, "
              f"end {m['rss_end']}, max {m['rss_max']}, max in the last quarter "
              f"{m['rss_late_max']} (growth {growth:+d}); fds before {m['fd_before']}, max "
              f"{m['fd_max']}, after {m['fd_after']}")
        print(f"{s.name}: good clients {ld.good_ok} ok, {ld.good_failed} failed; hostile "
              f"{sum(ld.hostile.values())}: " +
              ", ".join(f"{k} {v}" for k, v in sorted(ld.hostile.items())))
        for why in ld.failures:
            print(f"{s.name}: good client failed: {why}")
        for what, good in checks.items():
            print(f"  {'PASS' if good else 'FAIL'} {what}")
    print(f"soak: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
