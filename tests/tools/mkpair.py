#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""mkpair: synthetic variants of a capture, for the tests of two captures of
one path (analyze/pair.c). Standard library only (pcaplib).

  mkpair.py shift SRC DST SECONDS      every timestamp moved by SECONDS (a capture
                                       taken on a machine whose clock is off)
  mkpair.py drop SRC DST FRAME[,FRAME] the frames (1-based) left out (messages lost
                                       before this capture point)

The output is a classic pcap with the input's link type and nanosecond stamps;
everything else is byte for byte the input. Such files are named "synthetic"
wherever they are kept."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaplib  # noqa: E402


def shift(src, dst, seconds):
    cap = pcaplib.read(src)
    delta = int(round(float(seconds) * 1e9))
    for p in cap.packets:
        p.ts_ns += delta
    pcaplib.write_pcap(dst, cap.packets, cap.linktype, cap.snaplen, nanosec=True)


def drop(src, dst, frames):
    cap = pcaplib.read(src)
    gone = {int(x) for x in str(frames).split(",") if x}
    kept = [p for i, p in enumerate(cap.packets, 1) if i not in gone]
    pcaplib.write_pcap(dst, kept, cap.linktype, cap.snaplen, nanosec=True)


def main(argv):
    if len(argv) != 5 or argv[1] not in ("shift", "drop"):
        sys.stderr.write(__doc__)
        return 2
    {"shift": shift, "drop": drop}[argv[1]](argv[2], argv[3], argv[4])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
