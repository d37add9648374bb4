#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Convert x509-limbo's limbo.json(.xz) into the line format limbo_run.c reads.

One case per block (certificates as base64 DER, one per line):
    case <id>
    expect SUCCESS|FAILURE
    time <seconds since 1970 UTC, 0 = now>
    name DNS|IP|NONE <value>
    trusted <base64 DER>        (one line per trusted certificate)
    chain <base64 DER>          (peer certificate first, then the untrusted intermediates)
    end
Cases the harness cannot express are written as "skip <id> <reason>" lines, so that the
summary counts them separately.
"""
import argparse
import base64
import datetime
import json
import lzma
import re
import sys

PEM_RE = re.compile(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", re.S)


def der_b64(pem):
    """One PEM certificate -> its base64 DER on one line (re-encoded: no whitespace)."""
    m = PEM_RE.search(pem)
    if m is None:
        raise ValueError("no certificate in PEM")
    return base64.b64encode(base64.b64decode("".join(m.group(1).split()))).decode()


def skip_reason(tc):
    """Why a case cannot run as a client verifying a server chain, or None."""
    if tc["validation_kind"] != "SERVER":
        return "client-validation"
    if tc.get("crls"):
        return "crl"
    depth = tc.get("max_chain_depth")
    if depth is not None and depth < 16:
        return "max-chain-depth"  # no per-call depth limit in esp_tls_verify_chain
    conflicts = tc.get("conflicts_with") or []
    if conflicts and not tc["id"].startswith("webpki::"):
        return "conflicts-with-webpki"  # a TLS client takes the webpki:: side
    return None


def epoch(text):
    if not text:
        return 0
    return int(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def write_case(out, tc):
    name = tc.get("expected_peer_name")
    out.write(f"case {tc['id']}\nexpect {tc['expected_result']}\n")
    out.write(f"time {epoch(tc.get('validation_time'))}\n")
    if name:
        out.write(f"name {name['kind']} {name['value']}\n")
    else:
        out.write("name NONE -\n")
    for pem in tc["trusted_certs"]:
        out.write(f"trusted {der_b64(pem)}\n")
    for pem in [tc["peer_certificate"]] + list(tc["untrusted_intermediates"]):
        out.write(f"chain {der_b64(pem)}\n")
    out.write("end\n")


# The BetterTLS path-building cases whose valid path is not the one Mbed TLS builds first: they
# pass only with path building with backtracking (src/policy/policy_path.c).
BACKTRACKING_CASES = {f"bettertls::pathbuilding::tc{n}"
                      for n in (2, 23, 30, 31, 32, 35, 56, 57, 58, 59, 60)}


def in_subset(index, tc, every):
    """The fixed subset: every case outside BetterTLS, the BetterTLS cases that need path
    building with backtracking, and every <every>th other BetterTLS case."""
    return (not tc["id"].startswith("bettertls::") or tc["id"] in BACKTRACKING_CASES or
            index % every == 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("limbo", help="limbo.json or limbo.json.xz")
    ap.add_argument("out")
    ap.add_argument("--subset-every", type=int, default=0,
                    help="write only the subset: non-BetterTLS cases + every Nth BetterTLS case")
    args = ap.parse_args()
    opener = lzma.open if args.limbo.endswith(".xz") else open
    with opener(args.limbo, "rt", encoding="utf-8") as f:
        suite = json.load(f)
    if suite.get("version") != 1:
        sys.exit(f"limbo_convert: unsupported schema version {suite.get('version')}")
    n = 0
    with open(args.out + ".tmp", "w", encoding="ascii") as out:
        for i, tc in enumerate(suite["testcases"]):
            if args.subset_every and not in_subset(i, tc, args.subset_every):
                continue
            reason = skip_reason(tc)
            if reason:
                out.write(f"skip {tc['id']} {reason}\n")
            else:
                write_case(out, tc)
            n += 1
    import os
    os.replace(args.out + ".tmp", args.out)
    print(f"limbo_convert: {n} cases -> {args.out}")


if __name__ == "__main__":
    main()
