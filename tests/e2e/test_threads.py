#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""One thread or two, the same output (issue 15).

Runs sipwatch with --threads 1 and --threads 2 on every capture under
pcaps/ (decode/, lab/, broken/, regress/, public/, synth/ ...), each alone
and the two-capture pairs of lab/ (X.pcap with X-server.pcap), in --json,
--report and --messages: stdout, stderr and the exit status must be
identical byte for byte. With two threads, reading, decoding and SIP parsing
run on a second thread that hands self-contained records to the analysis
(cli/run.c, cli/queue.c, decode/evrec.c); a slice left pointing into the
decoder's reused buffers, or records replayed out of order, shows here.
Under the ASan+UBSan build this also runs both threads under the
sanitizers. Prints one line per difference and "N passed, N failed".
"""
import concurrent.futures
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "phone"))
from compare import captures, first_diff, pairs, run  # noqa: E402

MODES = [["--json"], ["--report"], ["--messages"]]


def main():
    binary = os.environ["SIPWATCH"]
    root = os.path.normpath(os.environ.get("SW_PCAPS") or os.path.join(HERE, "..", "..", "pcaps"))
    inputs = [[c] for c in captures(root)] + pairs(root)
    if not inputs:
        print("no captures under %s" % root)
        return 1
    jobs = []
    for files in inputs:
        rargs = []
        for f in files:
            rargs += ["-r", f]
        for m in MODES:
            jobs.append(rargs + m)

    def one(args):
        return args, run([binary, "--threads", "1"] + args), run([binary, "--threads", "2"] + args)

    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as ex:
        for args, want, got in ex.map(one, jobs):
            what = " ".join(os.path.relpath(x, root) if x.startswith(root) else x for x in args)
            if want == got:
                passed += 1
                continue
            failed += 1
            if want[0] != got[0]:
                print("DIFF %s: exit %d with 2 threads, %d with 1" % (what, got[0], want[0]))
            for name, w, g in (("stdout", want[1], got[1]), ("stderr", want[2], got[2])):
                if w != g:
                    i = first_diff(w, g)
                    print("DIFF %s: %s differs at byte %d: %r (2 threads) vs %r (1)"
                          % (what, name, i, g[max(0, i - 40):i + 40], w[max(0, i - 40):i + 40]))
    print("%d inputs (%d pairs), %d modes, --threads 1 vs 2" % (len(inputs), len(pairs(root)), len(MODES)))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
