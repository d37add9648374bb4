#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""tlsfuzzer scripts against `esp-tls server --www` and `openssl s_server -www` (docs/tlsfuzzer.md).

    run.py [--esp-tls PATH] [--servers esp,openssl[,gnutls]] [--only TAG,...] [--strict]
           [--timeout S] [--csv FILE] [--work DIR] [--certs DIR] [--seed N] [--tickets]
           [--script-args ARGS]

The tlsfuzzer snapshot and its list of scripts live outside this repository, in
../shared/testdata/tlsfuzzer/ beside the checkout (`tlsfuzzer-*.tar.xz` and `scripts.txt`,
`tag;script;common args;esp-tls args;openssl args;gnutls args`). The snapshot is extracted
once into WORK (build/tlsfuzzer); nothing of it is ever part of the repository.

Each script runs against a fresh server on a free port of 127.0.0.1 (RSA-2048 certificate
from tests/certs/gen.sh) with a deadline per script; its summary lines (TOTAL, PASS, FAIL,
XFAIL, XPASS, SKIP) are parsed. A probe counts as passed when the script reports it PASS or
XFAIL. Scripts that sample their probes (-n) are run with Python's random module seeded
(--seed), so every server gets the same probes. Output: a line per script with the servers
side by side, totals in percent, a CSV (--csv) and a log per script and server in
WORK/logs/SERVER/TAG.log (the script's output, then the server's).

--strict (the ctest subset): every selected script must end with exit status 0 and no FAIL or
XPASS, against every selected server, and the server must print no sanitizer error; otherwise
the exit status is 1.
--script-args: more arguments for every selected script, after the list's (shell words), e.g.
probe names, which make a tlsfuzzer script run only those probes (and its sanity probes).
Exit status 77: the snapshot or python3-ecdsa is missing (the test is skipped).
"""
import argparse
import csv
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tarfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from failures import probes  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SKIP = 77
FIELDS = ("TOTAL", "PASS", "FAIL", "XFAIL", "XPASS", "SKIP")
SERVERS = ("esp", "openssl", "gnutls")
# python -c: seeds `random` (the -n sampling) and runs the script as __main__
LAUNCH = ("import random, runpy, sys; random.seed(int(sys.argv[1])); p = sys.argv[2]; "
          "sys.argv = sys.argv[2:]; runpy.run_path(p, run_name='__main__')")


def say(*a):
    print(*a, flush=True)


def skip(msg):
    say("tlsfuzzer: SKIP: " + msg)
    sys.exit(SKIP)


def read_list(path):
    """scripts.txt -> [{tag, script, common, esp, openssl, gnutls}]"""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = (line.split(";") + [""] * 6)[:6]
            rows.append(dict(zip(("tag", "script", "common", "esp", "openssl", "gnutls"),
                                 (c.strip() for c in cols))))
    return rows


def extract(testdata, work):
    """Extracts the snapshot into WORK once (a marker names the archive extracted)."""
    tars = sorted(f for f in os.listdir(testdata) if f.startswith("tlsfuzzer") and
                  f.endswith(".tar.xz"))
    if not tars:
        skip(f"no tlsfuzzer-*.tar.xz in {testdata}")
    tar = os.path.join(testdata, tars[-1])
    marker = os.path.join(work, ".extracted")
    fuzzer = os.path.join(work, "tlsfuzzer")
    try:
        with open(marker, encoding="utf-8") as f:
            if f.read().strip() == tars[-1] and os.path.isdir(os.path.join(fuzzer, "scripts")):
                return fuzzer
    except OSError:
        pass
    os.makedirs(work, exist_ok=True)
    with tarfile.open(tar) as t:
        if hasattr(tarfile, "data_filter"):
            t.extractall(work, filter="data")
        else:
            t.extractall(work)
    with open(marker, "w", encoding="utf-8") as f:
        f.write(tars[-1] + "\n")
    say(f"tlsfuzzer: extracted {tars[-1]} into {work}")
    return fuzzer


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, deadline):
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


class Server:
    """One server process for one script; its output goes to a temporary log."""

    def __init__(self, kind, args, certs, log):
        self.kind, self.log = kind, log
        crt = os.path.join(certs, "server-rsa.crt")
        key = os.path.join(certs, "server-rsa.key")
        self.out = open(log, "w+b")
        self.port = 0
        if kind == "esp":
            cmd = [args.esp_tls, "server", "--cert", crt, "--key", key, "--port", "0", "--www"]
            if args.tickets:
                cmd.append("--tickets")
        elif kind == "openssl":
            self.port = free_port()
            cmd = ["openssl", "s_server", "-accept", f"127.0.0.1:{self.port}", "-cert", crt,
                   "-key", key, "-www"]
        else:
            self.port = free_port()
            cmd = ["gnutls-serv", "--http", "--disable-client-cert", "--port", str(self.port),
                   "--x509certfile", crt, "--x509keyfile", key]
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def ready(self):
        deadline = time.monotonic() + 10
        if self.kind == "esp":
            # "listening on 127.0.0.1:PORT" on stdout
            while time.monotonic() < deadline and self.proc.poll() is None:
                self.out.seek(0)
                m = re.search(rb"listening on [^\s]*:(\d+)", self.out.read())
                if m:
                    self.port = int(m.group(1))
                    return True
                time.sleep(0.05)
            return False
        if self.kind == "openssl":
            # "ACCEPT" once it listens; no probe connection needed
            while time.monotonic() < deadline and self.proc.poll() is None:
                self.out.seek(0)
                if b"ACCEPT" in self.out.read():
                    return True
                time.sleep(0.05)
            return False
        return wait_port(self.port, self.proc, deadline)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.out.seek(0)
        text = self.out.read().decode("utf-8", "replace")
        self.out.close()
        return text


def parse_summary(text):
    got = {}
    for field in FIELDS:
        m = re.findall(rf"^{field}: (\d+)\s*$", text, re.M)
        if m:
            got[field] = int(m[-1])
    if "TOTAL" not in got or "PASS" not in got:
        return None
    # a script that repeats its probes counts runs in PASS/FAIL and probes in TOTAL
    # (tls13-serverhello-random: TOTAL 8, PASS 256): the runs are the probes then
    runs = sum(got.get(k, 0) for k in ("PASS", "FAIL", "XFAIL", "XPASS"))
    got["TOTAL"] = max(got["TOTAL"], runs)
    return got


def failed_probes(text):
    """The names under FAILED: / XPASSED: at the end of a script's output"""
    names, on = [], False
    for line in text.splitlines():
        if line in ("FAILED:", "XPASSED:"):
            on = True
        elif on and line.startswith("\t"):
            names.append(line.strip())
        else:
            on = False
    return names


def label(kind, args):
    """the server's name in the table, the CSV and the log folder"""
    if kind == "esp":
        return "esp-tls+tickets" if args.tickets else "esp-tls"
    return kind


def evaluate(res, text, rc):
    """Fills RES from a script's output: its summary, or, without one (killed at the
    deadline), the probes that ended with OK so far, the unfinished ones counted as failed."""
    res["rc"] = rc
    summary = parse_summary(text)
    if summary:
        res.update(summary)
        res["failed"] = failed_probes(text)
        clean = not summary.get("FAIL") and not summary.get("XPASS")
        res["status"] = "ok" if clean and rc in (0, "") else "fail"
        return
    done = probes(text)
    res["PASS"] = sum(1 for name, lines in done if any(x.strip() == "OK" for x in lines))
    res["FAIL"] = len(done) - res["PASS"]
    res["failed"] = [name for name, lines in done if not any(x.strip() == "OK" for x in lines)]
    res["status"] = "timeout" if rc == "timeout" else f"no summary (exit {rc})"


def run_script(row, kind, args, fuzzer, logdir):
    os.makedirs(logdir, exist_ok=True)
    log = os.path.join(logdir, row["tag"] + ".log")
    srv = Server(kind, args, args.certs, log + ".server")
    t0 = time.monotonic()
    res = {"tag": row["tag"], "script": row["script"], "server": label(kind, args),
           "rc": "", "seconds": 0, "status": "", "failed": []}
    try:
        if not srv.ready():
            res["status"] = "server did not start"
            return res, log
        extra = shlex.split(row["common"]) + shlex.split(row[kind]) + \
            shlex.split(args.script_args or "")
        script = os.path.join(fuzzer, "scripts", row["script"])
        cmd = [sys.executable, "-c", LAUNCH, str(args.seed), script,
               "-h", "127.0.0.1", "-p", str(srv.port)] + extra
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([fuzzer, os.path.join(os.path.dirname(fuzzer),
                                                                  "tlslite-ng")])
        env["PYTHONUNBUFFERED"] = "1"
        with open(log, "w+b") as out:
            out.write(("$ " + " ".join(shlex.quote(c) for c in cmd[3:]) + "\n").encode())
            out.flush()
            p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=subprocess.STDOUT, env=env, cwd=fuzzer,
                                 start_new_session=True)
            try:
                rc = p.wait(args.timeout)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
                rc = "timeout"
            out.seek(0)
            text = out.read().decode("utf-8", "replace")
        evaluate(res, text, rc)
    finally:
        res["seconds"] = round(time.monotonic() - t0, 1)
        server_text = srv.stop()
        if re.search(r"ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:", server_text):
            res["status"] = "sanitizer error in the server"
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"\n=== exit: {res['rc']}, {res['seconds']} s\n"
                    "=== server: " + " ".join(srv.cmd) + "\n" + server_text)
        os.unlink(log + ".server")
    return res, log


def from_log(row, name, work):
    """--report: the result of an earlier run, from its log"""
    log = os.path.join(work, "logs", name, row["tag"] + ".log")
    res = {"tag": row["tag"], "script": row["script"], "server": name, "rc": "",
           "seconds": "", "status": "not run", "failed": []}
    try:
        with open(log, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return res
    script_out, _, tail = text.partition("\n=== exit: ")
    m = re.match(r"(\S+?), ([\d.]+) s", tail)
    rc = ""
    if m:
        rc = int(m.group(1)) if m.group(1).isdigit() else m.group(1)
        res["seconds"] = float(m.group(2))
    evaluate(res, script_out.split("\n=== server: ")[0], rc)
    return res


def cell(res):
    if res is None:
        return "-"
    ok = res.get("PASS", 0) + res.get("XFAIL", 0)
    if "TOTAL" in res:
        return f"{ok}/{res['TOTAL']}"
    if res["status"] == "timeout":
        return f"{ok}/?(t/o)"
    if "PASS" in res and res["status"].startswith("no summary"):
        return f"{ok}/?(err)"
    return res["status"]


def summarize(rows, columns, table, elapsed, workdir):
    """totals per column: probes passed, probes, scripts passing entirely. A script without a
    summary on one server counts with the largest number of probes another server reported."""
    totals = {c: [0, 0, 0] for c in columns}
    for row in rows:
        mine = [table[(row["tag"], c)] for c in columns]
        denom = max([r.get("TOTAL", 0) for r in mine] + [0])
        for c, r in zip(columns, mine):
            t = totals[c]
            t[0] += r.get("PASS", 0) + r.get("XFAIL", 0)
            t[1] += r.get("TOTAL", denom)
            t[2] += 1 if r["status"] == "ok" else 0
    say(f"{'probes passed':<36}" + "".join(f"{f'{totals[c][0]}/{totals[c][1]}':>16}"
                                            for c in columns))
    say(f"{'percent':<36}" + "".join(
        f"{100.0 * totals[c][0] / max(totals[c][1], 1):>15.1f}%" for c in columns))
    say(f"{'scripts passing entirely':<36}" + "".join(f"{f'{totals[c][2]}/{len(rows)}':>16}"
                                                       for c in columns))
    if elapsed is not None:
        say(f"tlsfuzzer: {elapsed:.0f} s; logs in {os.path.join(workdir, 'logs')}")
    return totals


def write_csv(path, rows, columns, table):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["tag", "script", "server", "total", "pass", "fail", "xfail", "xpass",
                    "skip", "passed", "exit", "seconds", "status", "failed_probes"])
        for row in rows:
            for c in columns:
                r = table[(row["tag"], c)]
                w.writerow([r["tag"], r["script"], r["server"]] +
                           [r.get(k, "") for k in FIELDS] +
                           [r.get("PASS", 0) + r.get("XFAIL", 0), r["rc"], r["seconds"],
                            r["status"], " | ".join(r["failed"])])
    say(f"tlsfuzzer: CSV in {path}")


def write_markdown(path, rows, columns, table, totals):
    with open(path, "w", encoding="utf-8") as f:
        f.write("| script | " + " | ".join(columns) + " |\n")
        f.write("|---|" + "---:|" * len(columns) + "\n")
        for row in rows:
            f.write(f"| {row['tag']} | " +
                    " | ".join(cell(table[(row['tag'], c)]) for c in columns) + " |\n")
        f.write("| **probes passed** | " + " | ".join(
            f"**{totals[c][0]}/{totals[c][1]} ({100.0 * totals[c][0] / max(totals[c][1], 1):.1f} %)**"
            for c in columns) + " |\n")
        f.write("| scripts passing entirely | " + " | ".join(
            f"{totals[c][2]}/{len(rows)}" for c in columns) + " |\n")
    say(f"tlsfuzzer: Markdown table in {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--esp-tls", default=os.path.join(ROOT, "build", "release", "esp-tls"))
    ap.add_argument("--testdata", default=os.path.join(os.path.dirname(ROOT), "shared",
                                                        "testdata", "tlsfuzzer"))
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "tlsfuzzer"))
    ap.add_argument("--certs", help="a tests/certs/gen.sh folder (default: WORK/certs)")
    ap.add_argument("--servers", default="esp,openssl", help="esp, openssl, gnutls")
    ap.add_argument("--only", help="comma-separated tags of scripts.txt")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per script")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--csv", help="default: WORK/results.csv (none with --strict)")
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--script-args", help="more arguments for every selected script")
    ap.add_argument("--tickets", action="store_true",
                    help="esp-tls server --tickets (TLS 1.3 tickets, TLS 1.2 session tickets)")
    ap.add_argument("--report", metavar="NAMES",
                    help="run nothing: the table from the logs of earlier runs, e.g. "
                         "esp-tls,esp-tls+tickets,openssl (CSV default: WORK/report.csv)")
    ap.add_argument("--markdown", metavar="FILE", help="also write the table as Markdown")
    args = ap.parse_args()
    # the scripts run in the snapshot's folder: every path absolute
    args.work, args.esp_tls = os.path.abspath(args.work), os.path.abspath(args.esp_tls)
    args.testdata = os.path.abspath(args.testdata)
    if args.certs:
        args.certs = os.path.abspath(args.certs)

    servers = [s for s in args.servers.split(",") if s]
    for s in servers:
        if s not in SERVERS:
            ap.error(f"unknown server {s} (esp, openssl, gnutls)")
    list_file = os.path.join(args.testdata, "scripts.txt")
    if not os.path.isfile(list_file):
        skip(f"{list_file} is missing (tlsfuzzer is kept in ../shared/testdata beside the "
             "checkout, not in the repository)")
    rows = read_list(list_file)
    if args.only:
        want = [t for t in args.only.split(",") if t]
        by_tag = {r["tag"]: r for r in rows}
        missing = [t for t in want if t not in by_tag]
        if missing:
            sys.exit(f"tlsfuzzer: not in {list_file}: {', '.join(missing)}")
        rows = [by_tag[t] for t in want]

    if args.report:
        columns = [c for c in args.report.split(",") if c]
        table = {(row["tag"], c): from_log(row, c, args.work) for row in rows for c in columns}
        say(f"{'script':<36}" + "".join(f"{c:>16}" for c in columns))
        for row in rows:
            say(f"{row['tag']:<36}" + "".join(f"{cell(table[(row['tag'], c)]):>16}"
                                              for c in columns))
        totals = summarize(rows, columns, table, None, args.work)
        write_csv(args.csv or os.path.join(args.work, "report.csv"), rows, columns, table)
        if args.markdown:
            write_markdown(args.markdown, rows, columns, table, totals)
        return

    try:
        import ecdsa  # noqa: F401  tlslite-ng needs it
    except ImportError:
        skip(f"python3-ecdsa is not installed for {sys.executable} "
             "(scripts/bootstrap.sh test installs it)")
    if "esp" in servers and not os.access(args.esp_tls, os.X_OK):
        sys.exit(f"tlsfuzzer: {args.esp_tls} is not built (make)")
    for s, tool in (("openssl", "openssl"), ("gnutls", "gnutls-serv")):
        if s in servers and subprocess.run(["sh", "-c", f"command -v {tool}"],
                                           stdout=subprocess.DEVNULL).returncode != 0:
            say(f"tlsfuzzer: {tool} is not installed, leaving it out")
            servers.remove(s)

    fuzzer = extract(args.testdata, args.work)
    if not args.certs:
        args.certs = os.path.join(args.work, "certs")
        subprocess.run(["sh", os.path.join(ROOT, "tests", "certs", "gen.sh"), args.certs],
                       check=True)
    if args.csv is None and not args.strict:
        args.csv = os.path.join(args.work, "results.csv")

    columns = [label(s, args) for s in servers]
    say(f"tlsfuzzer: {len(rows)} scripts, servers: {', '.join(columns)}, "
        f"{args.timeout:.0f} s each, seed {args.seed}")
    hdr = f"{'script':<36}" + "".join(f"{c:>16}" for c in columns)
    say(hdr)
    say("-" * len(hdr))
    table = {}
    bad = []
    t_start = time.monotonic()
    for row in rows:
        for s, c in zip(servers, columns):
            res, log = run_script(row, s, args, fuzzer, os.path.join(args.work, "logs", c))
            table[(row["tag"], c)] = res
            if args.strict and res["status"] != "ok":
                bad.append((row["tag"], c, res, log))
        line = [table[(row["tag"], c)] for c in columns]
        say(f"{row['tag']:<36}" + "".join(f"{cell(r):>16}" for r in line) +
            "   (" + ", ".join(f"{r['seconds']:.0f} s" for r in line) + ")")
    say("-" * len(hdr))
    totals = summarize(rows, columns, table, time.monotonic() - t_start, args.work)
    if args.csv:
        write_csv(args.csv, rows, columns, table)
    if args.markdown:
        write_markdown(args.markdown, rows, columns, table, totals)

    if args.strict and bad:
        for tag, c, res, log in bad:
            say(f"FAILED: {tag} against {c}: {res['status']}, {cell(res)} "
                f"{res['failed'][:10]} (log {log})")
            with open(log, encoding="utf-8", errors="replace") as f:
                say("".join(f.readlines()[-40:]))
        sys.exit(1)


if __name__ == "__main__":
    main()
