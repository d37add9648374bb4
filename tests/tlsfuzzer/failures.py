#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Why probes failed: groups the failed probes of tlsfuzzer logs by the error they ended with.

    failures.py [--work DIR] [--server esp-tls] [TAG ...]

Reads WORK/logs/SERVER/TAG.log as tests/tlsfuzzer/run.py writes them (WORK defaults to
build/tlsfuzzer) and prints, per script, each distinct final error line with how many probes
ended with it and one probe name as an example. A probe's output starts with a line
"NAME ..." and ends with "OK" when it passed; otherwise the last exception line is its cause, after the
node of the conversation that failed ([ExpectClose]: the alert came, then something else).
"""
import argparse
import collections
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# the node of the conversation that failed: ExpectAlert, ExpectClose, ExpectServerHello, ...
NODE = re.compile(r"Error encountered while processing node (?:<[\w.]+\.(\w+) object|(\w+))")
ERR = re.compile(r"^(?:[\w.]*(?:Error|Exception)|tlslite\.errors\.\w+|socket\.timeout)(?:: (.*))?$")


def probes(text):
    """[(name, lines)] of one script's output, up to its summary"""
    text = text.split("\nTest end\n")[0]
    out, cur = [], None
    for line in text.splitlines():
        if line.endswith(" ...") and not line.startswith((" ", "\t")):
            cur = (line[:-4], [])
            out.append(cur)
        elif cur is not None:
            cur[1].append(line)
    return out


def cause(lines):
    if any(line.strip() == "OK" for line in lines):
        return None
    last, node = None, ""
    for line in lines:
        m = NODE.match(line)
        if m and not node:
            node = "[" + (m.group(1) or m.group(2)) + "] "
        m = ERR.match(line.strip())
        if m:
            last = line.strip()
    if last is None:
        return node + ("(no error line)" if lines else "(no output)")
    # the same error with other numbers is the same cause
    last = re.sub(r"0x[0-9a-f]+", "0x…", last)
    return (node + last)[:300]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "tlsfuzzer"))
    ap.add_argument("--server", default="esp-tls", help="esp-tls, esp-tls+tickets, openssl, gnutls")
    ap.add_argument("tags", nargs="*")
    a = ap.parse_args()
    d = os.path.join(a.work, "logs", a.server)
    if not os.path.isdir(d):
        sys.exit(f"no logs in {d} (run tests/tlsfuzzer/run.py first)")
    tags = a.tags or sorted(f[:-4] for f in os.listdir(d) if f.endswith(".log"))
    for tag in tags:
        with open(os.path.join(d, tag + ".log"), encoding="utf-8", errors="replace") as f:
            text = f.read()
        causes = collections.OrderedDict()
        for name, lines in probes(text):
            c = cause(lines)
            if c:
                causes.setdefault(c, []).append(name)
        if not causes:
            continue
        print(f"== {tag}")
        for c, names in sorted(causes.items(), key=lambda kv: -len(kv[1])):
            print(f"  {len(names):4d}  {c}\n        e.g. {names[0][:120]}")


if __name__ == "__main__":
    main()
