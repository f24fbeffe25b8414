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
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "phone"))
from compare import compare_all  # noqa: E402

MODES = [["--json"], ["--report"], ["--messages"]]


def main():
    binary = os.environ["SIPWATCH"]
    root = os.path.normpath(os.environ.get("SW_PCAPS") or os.path.join(HERE, "..", "..", "pcaps"))
    return compare_all(root, MODES, [binary, "--threads", "1"], [binary, "--threads", "2"],
                       "1 thread", "2 threads", os.cpu_count() or 1)


if __name__ == "__main__":
    sys.exit(main())
