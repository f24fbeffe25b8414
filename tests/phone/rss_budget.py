#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Memory budget on the phone: one phone's traffic over 24 hours of capture
time must stay within SW_RSS_BUDGET_KIB (8 MiB) of resident memory.

    tests/phone/rss_budget.py SIPWATCH GEN_REGISTER BUDGET_KIB LIVE_MAX_MESSAGES

GEN_REGISTER (bench/gen_register.c) writes the day: registration refreshed
every 60 s, the server's OPTIONS every 15 s and their answers, CRLF
keepalives every 15 s, a call every 2 hours (20,276 packets, 14,516 SIP
messages). SIPWATCH, the static build, reads it:
  - --report, --json and --messages: peak RSS (GNU time's %M, the kernel's
    ru_maxrss of the process) and the summary a user reads;
  - the interactive view, in tmux, on the gzip'd day (not seekable, so
    every message's text is kept in memory, as in a live capture) with
    --max-messages LIVE_MAX_MESSAGES (the build's live default, 8000 in
    a static build): VmHWM once the status bar shows all 14,516
    messages, then again after opening the registration's ladder.
Prints every figure; exit 1 when one is over the budget, 77 (skip) when
GNU time or tmux is missing.
"""
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import time

SW = sys.argv[1]
GEN = sys.argv[2]
BUDGET = int(sys.argv[3])
LIVE_MAX = sys.argv[4]
TIME = "/usr/bin/time"


def vmhwm(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def tui(tmp, day_gz, failures):
    sock = "swrss-%d" % os.getpid()
    pidf = os.path.join(tmp, "pid")
    cmd = "echo $$ > %s; exec env TERM=screen LANG=C.UTF-8 %s -r %s --tui --max-messages %s" % (
        pidf, SW, day_gz, LIVE_MAX)

    def tmux(*a):
        return subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", *a],
                              capture_output=True, text=True)

    def wait(text, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            s = tmux("capture-pane", "-p", "-t", "0").stdout
            if text in s:
                return s
            time.sleep(0.1)
        print("the interactive view never showed %r; screen:\n%s" % (text, s))
        return None

    tmux("new-session", "-d", "-x", "120", "-y", "40", "sh -c '%s; sleep 60'" % cmd)
    try:
        if not wait("20276 packets, 14516 SIP"):
            failures.append("tui")
            return
        pid = int(open(pidf).read())
        peak = vmhwm(pid)
        print("interactive view, all 14516 messages listed: VmHWM %d KiB (budget %d)" % (peak, BUDGET))
        tmux("send-keys", "-t", "0", "Enter")
        if not wait("Ladder"):
            failures.append("tui ladder")
            return
        time.sleep(0.5)
        peak = vmhwm(pid)
        print("interactive view, registration ladder open: VmHWM %d KiB (budget %d)" % (peak, BUDGET))
        if peak > BUDGET:
            failures.append("tui %d KiB" % peak)
        tmux("send-keys", "-t", "0", "q", "q")
    finally:
        tmux("kill-server")


def main():
    if not os.path.exists(TIME) or not shutil.which("tmux"):
        print("SKIP: needs GNU time (%s) and tmux" % TIME)
        return 77
    failures = []
    with tempfile.TemporaryDirectory(prefix="sw-rss-") as tmp:
        day = os.path.join(tmp, "day.pcap")
        g = subprocess.run([GEN, "-m", "day", "-n", "24", "-o", day], capture_output=True, text=True)
        print("capture: %s" % g.stdout.strip())
        if g.returncode != 0:
            print(g.stderr)
            return 1
        for mode in ("--report", "--json", "--messages"):
            p = subprocess.run([TIME, "-f", "SWRSS %M", SW, "-r", day, mode],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            kib = [int(l.split()[1]) for l in p.stderr.splitlines() if l.startswith("SWRSS ")]
            print("%-10s exit %d, peak RSS %s KiB (budget %d)" % (mode, p.returncode,
                                                                  kib[0] if kib else "?", BUDGET))
            if p.returncode != 0 or not kib or kib[0] > BUDGET:
                failures.append(mode)
            # What a user reads: every message of the day was analysed.
            seen = p.stdout + p.stderr
            if "14516" not in seen:
                print("%s: the output does not mention the 14516 SIP messages" % mode)
                failures.append(mode + " output")
        day_gz = day + ".gz"
        with open(day, "rb") as fi, gzip.open(day_gz, "wb") as fo:
            shutil.copyfileobj(fi, fo)
        tui(tmp, day_gz, failures)
    if failures:
        print("FAIL: %s" % ", ".join(failures))
        return 1
    print("all within %d KiB" % BUDGET)
    return 0


if __name__ == "__main__":
    sys.exit(main())
