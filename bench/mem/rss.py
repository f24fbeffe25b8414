#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""rss.py: run a command, sample its resident memory, report the peak.

    bench/mem/rss.py [--interval S] [--pid-file F] [--label L] -- COMMAND...

Samples VmRSS of the process every S seconds (default 0.2) from
/proc/PID/status; at the end prints one tab-separated line:
  label, exit status, wall seconds, peak RSS (KiB, from wait4's ru_maxrss),
  RSS at 25 %, 50 %, 75 % of the run and the last sample (KiB),
so growth over the run shows (a bounded process levels off). The command's
own output is passed through: wrap it as sh -c 'exec CMD >/dev/null' (exec,
so that the sampled PID is the command itself).
"""
import argparse
import os
import subprocess
import sys
import time


def vmrss(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interval", type=float, default=0.2)
    ap.add_argument("--label", default="run")
    ap.add_argument("--pid-file")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    t0 = time.monotonic()
    p = subprocess.Popen(cmd)
    if a.pid_file:
        with open(a.pid_file, "w") as f:
            f.write("%d\n" % p.pid)
    samples = []
    while True:
        r = vmrss(p.pid)
        if r is not None:
            samples.append((time.monotonic() - t0, r))
        try:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            break
        time.sleep(a.interval)
    wall = time.monotonic() - t0
    rc = os.waitstatus_to_exitcode(status)

    def at(frac):
        if not samples:
            return 0
        t = wall * frac
        best = samples[0][1]
        for ts, r in samples:
            if ts <= t:
                best = r
        return best

    print("%s\t%d\t%.1f\t%d\t%d\t%d\t%d\t%d" % (a.label, rc, wall, ru.ru_maxrss, at(0.25), at(0.5),
                                                  at(0.75), samples[-1][1] if samples else 0),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
