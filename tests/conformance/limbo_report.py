#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Run limbo_run over a converted suite with both profiles and print the pass rates.

    limbo_report.py LIMBO_RUN CASES [--divergences FILE]

Pass rate = cases whose result (SUCCESS/FAILURE) is the expected one, over the cases run;
skipped cases (client validation, CRLs, a depth limit, the non-webpki side of a conflict) are
counted apart. "Mbed TLS only" is the same harness with the policy profile 'Mbed TLS default'.
"""
import argparse
import collections
import subprocess
import sys
import time

PROFILES = [("webpki", "Web PKI (strict)"), ("mbedtls", "Mbed TLS only")]


def run(binary, cases, profile):
    start = time.monotonic()
    out = subprocess.run([binary, "--profile", profile, cases], check=False,
                         capture_output=True, text=True).stdout
    results, skipped = {}, collections.Counter()
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == "R":
            results[f[1]] = (f[2], f[3], f[4])
        elif f and f[0] == "S":
            skipped[f[2] if len(f) > 2 else "?"] += 1
    return results, skipped, time.monotonic() - start


def namespace(case_id):
    parts = case_id.split("::")
    return "::".join(parts[:2]) if parts[0] == "bettertls" else parts[0]


def rate(res, pick=lambda i: True):
    ids = [i for i in res if pick(i)]
    ok = sum(1 for i in ids if res[i][0] == res[i][1])
    return ok, len(ids)


def fmt(ok, n):
    return f"{ok:5d}/{n:<5d} {100.0 * ok / n:6.2f} %" if n else "    -"


def table(runs):
    res0 = runs[0][1][0]
    spaces = sorted({namespace(i) for i in res0})
    head = f"{'namespace':28s}" + "".join(f"  {title:>22s}" for _, (_, _, _), title in
                                        [(r[0], r[1], r[2]) for r in runs])
    print(head)
    rows = [(ns, lambda i, ns=ns: namespace(i) == ns) for ns in spaces]
    rows += [("ALL", lambda i: True),
             ("ALL without BetterTLS", lambda i: not i.startswith("bettertls::"))]
    for label, pick in rows:
        print(f"{label:28s}" + "".join(f"  {fmt(*rate(r[1][0], pick)):>22s}" for r in runs))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("limbo_run")
    ap.add_argument("cases")
    ap.add_argument("--divergences", help="accepted divergences (id, then the reason)")
    args = ap.parse_args()
    runs = []
    for profile, title in PROFILES:
        runs.append((profile, run(args.limbo_run, args.cases, profile), title))
    table(runs)
    for profile, (res, skipped, secs), title in runs:
        print(f"{title}: {len(res)} run, {sum(skipped.values())} skipped "
              f"({', '.join(f'{k} {v}' for k, v in sorted(skipped.items()))}), {secs:.1f} s")
    accepted = set()
    if args.divergences:
        with open(args.divergences, encoding="utf-8") as f:
            accepted = {ln.split()[0] for ln in f if ln.strip() and not ln.startswith("#")}
    res = runs[0][1][0]
    wrong = sorted(i for i, (exp, got, _) in res.items() if exp != got)
    print(f"\nWeb PKI (strict): {len(wrong)} unexpected results "
          f"({len([i for i in wrong if i not in accepted])} not in the accepted divergences):")
    for i in wrong:
        exp, got, flags = res[i]
        mark = "" if i in accepted else "   <- NOT DOCUMENTED"
        print(f"  {i}: expected {exp}, got {got} (flags 0x{flags}){mark}")
    if len(wrong) > len([i for i in wrong if i in accepted]):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
