#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Byte-for-byte comparison of a cross-built sipwatch with a native one.

    tests/phone/compare.py --target BIN --reference BIN [--emulator 'qemu-arm'] [PCAPS_DIR]

Runs both binaries on every capture under PCAPS_DIR (default: the
repository's pcaps/, the e2e suite's captures: decode/, lab/, broken/,
regress/, public/), each alone and the two-capture pairs of lab/ (X.pcap
with X-server.pcap), in each of the modes a user reads or scripts parse:
--json, --report, --report --lang zh and --messages. stdout, stderr and
the exit status must be identical. Prints one line per difference and a
closing line "N passed, N failed"; exit 1 on any difference or when no
capture was found.
"""
import argparse
import concurrent.futures
import os
import shlex
import subprocess
import sys

MODES = [["--json"], ["--report"], ["--report", "--lang", "zh"], ["--messages"]]
EXTS = (".pcap", ".pcapng", ".gz", ".cap")


def captures(root):
    found = []
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(EXTS) or ".pcap" in f:
                found.append(os.path.join(d, f))
    return found


def pairs(root):
    out = []
    lab = os.path.join(root, "lab")
    if os.path.isdir(lab):
        for f in sorted(os.listdir(lab)):
            if f.endswith("-server.pcap"):
                phone = os.path.join(lab, f[: -len("-server.pcap")] + ".pcap")
                if os.path.exists(phone):
                    out.append([phone, os.path.join(lab, f)])
    return out


def run(cmd):
    # The same environment for both: no locale, no terminal (report mode).
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "TERM": "dumb"}
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, timeout=600)
    return p.returncode, p.stdout, p.stderr


def first_diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def compare_all(root, modes, want_cmd, got_cmd, want_name, got_name, jobs):
    """Runs want_cmd + args and got_cmd + args for every input under root
    (each capture alone, then the pairs of lab/) and every mode; prints one
    line per difference and the counts. Returns the exit status: 1 on any
    difference or when nothing was compared."""
    inputs = [[c] for c in captures(root)] + pairs(root)
    if not inputs:
        print("no captures under %s" % root)
        return 1
    jobs_list = []
    for files in inputs:
        rargs = []
        for f in files:
            rargs += ["-r", f]
        for m in modes:
            jobs_list.append(rargs + m)

    def one(args):
        return args, run(want_cmd + args), run(got_cmd + args)

    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        for args, want, got in ex.map(one, jobs_list):
            what = " ".join(os.path.relpath(x, root) if x.startswith(root) else x for x in args)
            if want == got:
                passed += 1
                continue
            failed += 1
            if want[0] != got[0]:
                print("DIFF %s: exit %d %s, %d %s" % (what, got[0], got_name, want[0], want_name))
            for name, w, g in (("stdout", want[1], got[1]), ("stderr", want[2], got[2])):
                if w != g:
                    i = first_diff(w, g)
                    print("DIFF %s: %s differs at byte %d: %r (%s) vs %r (%s)"
                          % (what, name, i, g[max(0, i - 40):i + 40], got_name,
                             w[max(0, i - 40):i + 40], want_name))
    npairs = len(pairs(root))
    print("%d inputs (%d captures, %d pairs), %d modes, %s vs %s" %
          (len(inputs), len(inputs) - npairs, npairs, len(modes), got_name, want_name))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", required=True)
    ap.add_argument("--reference", required=True)
    ap.add_argument("--emulator", default="")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("pcaps", nargs="?",
                    default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "pcaps"))
    a = ap.parse_args()
    return compare_all(os.path.normpath(a.pcaps), MODES, [a.reference],
                       shlex.split(a.emulator) + [a.target], "native", "cross", a.jobs)


if __name__ == "__main__":
    sys.exit(main())
