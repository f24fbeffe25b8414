#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Compare sipwatch's findings on a hold-out lab run with the committed matrix case(s) of the
scenario (tests/e2e/matrix_base.py, matrix_lab.py), or with an override where the run's
variation changes what docs/findings.md expects. Used by tests/lab/holdout.sh.

  holdout_compare.py --sipwatch BIN --dir DIR --scenario SC --variation V [--port P]
                     [--override SPEC] [--why TEXT]

DIR holds SC.pcap (phone side) and SC-server.pcap (server side, when the scenario writes
one). Every matrix case whose files are lab/SC.pcap and/or lab/SC-server.pcap is checked the
way tests/e2e/test_matrix.py checks it, without evidence frames (they differ run to run):
each expected finding present with its kind, cause, severity (and facts); no other warning or
error unless allowed; nothing forbidden. One line per case:
  scenario variation role  expected: ... | got: ... | OK/DIFF
and for a DIFF indented lines saying why, with the findings' evidence frames.

SPEC (from holdout.sh) replaces the matrix expectation of a role: "phone=K/C/S+K/C/S;pair=..."
with C "*" for any cause and an empty list for "no warning or error". Matrix `forbid` entries
that an override expects are dropped; `allow` is kept.
Exit status: 0 all OK, 1 any DIFF or missing capture.
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ in tests/e2e
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import matrix_base  # noqa: E402
import matrix_lab  # noqa: E402
from matrix import F  # noqa: E402


def role_of(files, sc):
    if len(files) == 2:
        return "pair"
    return "server" if files[0] == f"lab/{sc}-server.pcap" else "phone"


def cases_for(sc):
    mine = {f"lab/{sc}.pcap", f"lab/{sc}-server.pcap"}
    return [c for c in matrix_base.CASES + matrix_lab.CASES if set(c.files) <= mine]


def parse_override(spec):
    out = {}
    for part in filter(None, (spec or "").split(";")):
        role, _, lst = part.partition("=")
        fs = []
        for item in filter(None, lst.split("+")):
            k, c, s = item.split("/")
            fs.append(F(k, None if c == "*" else c, s))
        out[role.strip()] = fs
    return out


def fmt(kind, cause, sev=None):
    s = kind + ("/" + cause if cause else "")
    return s + (":" + sev if sev else "")


def rports(path):
    """Public ports (Via rport=) in the 2xx answers to REGISTER seen in a capture."""
    try:
        out = subprocess.run(["tshark", "-r", path, "-Y",
                              'sip.Status-Code == 200 && sip.CSeq.method == "REGISTER" && !icmp',
                              "-T", "fields", "-E", "occurrence=f", "-e", "sip.Via"],
                             capture_output=True, text=True, timeout=120).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [m.group(1) for m in (re.search(r"rport=(\d+)", ln) for ln in out.splitlines()) if m]


def dynamic(sc, role, path, notes):
    """Expectations that follow from what this run's NAT actually did (port-preserving SNAT
    moves a mapping to another port when a refresh clashes with the conntrack entry of a
    refused OPTIONS; docs/findings.md nat.binding_expired: two 2xx, same IP, other port)."""
    if role != "phone" or sc not in ("nat_udp_timeout_preserving",
                                     "nat_udp_timeout_preserving_clash"):
        return None
    ports = rports(path)
    moved = len(set(ports)) > 1
    notes.append(f"2xx rports {','.join(ports)}: " +
                 ("public port moved -> nat.binding_expired expected (as _clash)" if moved else
                  "public port kept -> silent (as _preserving)"))
    return [F("nat.binding_expired", None, "warning")] if moved else []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sipwatch", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--variation", required=True)
    ap.add_argument("--port", default="")
    ap.add_argument("--override", default="")
    ap.add_argument("--why", default="")
    a = ap.parse_args()
    sc, var = a.scenario, a.variation
    over = parse_override(a.override)
    cases = cases_for(sc)
    if not cases:
        print(f"{sc:34s} {var:2s} -      no matrix case | NOCASE")
        return 0
    bad = 0
    for case in cases:
        role = role_of(case.files, sc)
        paths = [os.path.join(a.dir, os.path.basename(f)) for f in case.files]
        head = f"{sc:34s} {var:2s} {role:6s}"
        missing = [p for p in paths if not os.path.isfile(p)]
        if missing:
            print(f"{head} no capture {' '.join(missing)} | DIFF")
            bad += 1
            continue
        notes = []
        expect, forbid, allow = case.expect, list(case.forbid), list(case.allow)
        dyn = dynamic(sc, role, paths[0], notes)
        if role in over or dyn is not None:
            expect = over[role] if role in over else dyn
            if role in over and a.why:
                notes.append("rules: " + a.why)
            forbid = [(k, c) for k, c in forbid
                      if not any(e.kind == k and (c is None or e.cause in (None, c)) for e in expect)]
        args = []
        for p in paths:
            args += ["-r", p]
        r = subprocess.run([a.sipwatch, *args, *case.args, "--json"], capture_output=True,
                           text=True, timeout=600, errors="surrogateescape",
                           env=dict(os.environ, LANG="C.UTF-8"))
        found = []
        for ln in r.stdout.splitlines():
            try:
                o = json.loads(ln)
            except ValueError:
                continue
            if o.get("type") == "finding":
                found.append(o)
        with open(os.path.join(a.dir, f"{sc}.{role}.findings.json"), "w") as fh:
            json.dump(found, fh, indent=1)
        why = []
        if r.returncode != 0:
            why.append(f"sipwatch exit {r.returncode}: {r.stderr.strip()[:200]}")

        def ev(f):
            fr = [f"{os.path.basename(e['file'])}#{e['frame']}" for e in f.get("evidence", [])]
            return ", ".join(fr[:10]) + (" ..." if len(fr) > 10 else "")

        def listed(pairs, f):
            return any(k == f["kind"] and (c is None or c == f["cause"]) for k, c in pairs)

        for w in expect:
            m = [f for f in found if f["kind"] == w.kind and (w.cause is None or f["cause"] == w.cause)]
            if not m:
                why.append(f"missing {fmt(w.kind, w.cause, w.severity)}")
                continue
            f = m[0]
            if f["severity"] != w.severity:
                why.append(f"{fmt(f['kind'], f['cause'])} is {f['severity']}, expected {w.severity}"
                           f" (resolved={f.get('resolved')}, explained_by={f.get('explained_by')}):"
                           f" {f['summary']} [{ev(f)}]")
            for k, v in w.facts.items():
                v = str(v)
                if a.port and a.port != "5060":
                    v = v.replace(":5060", ":" + a.port)
                if str(f["facts"].get(k)) != v:
                    why.append(f"{fmt(f['kind'], f['cause'])} fact {k}={f['facts'].get(k)}, "
                               f"expected {v}")
        wanted = [(w.kind, w.cause) for w in expect]
        for f in found:
            if listed(forbid, f):
                why.append(f"forbidden {fmt(f['kind'], f['cause'], f['severity'])}: {f['summary']} [{ev(f)}]")
            elif f["severity"] in ("warning", "error") and not (listed(wanted, f) or listed(allow, f)):
                why.append(f"unexpected {fmt(f['kind'], f['cause'], f['severity'])}: {f['summary']} [{ev(f)}]")
        exp_s = ", ".join(fmt(w.kind, w.cause, w.severity) for w in expect) or "none"
        if forbid:
            exp_s += " " + " ".join("!" + fmt(k, c) for k, c in forbid)
        got_s = ", ".join(fmt(f["kind"], f["cause"], f["severity"]) for f in found) or "none"
        print(f"{head} expected: {exp_s} | got: {got_s} | {'DIFF' if why else 'OK'}")
        for n in notes:
            print(f"    note: {n}")
        if why:
            bad += 1
            print(f"    files: {' '.join(paths)}")
            for w in why:
                print(f"    - {w}")
            for f in found:
                print(f"    . {fmt(f['kind'], f['cause'], f['severity'])}"
                      f"{' resolved' if f.get('resolved') else ''}"
                      f"{' explained_by=' + str(f['explained_by']) if f.get('explained_by') else ''}"
                      f": {f['summary']} [{ev(f)}]")
    sys.stdout.flush()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
