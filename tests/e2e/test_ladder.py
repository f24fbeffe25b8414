# SPDX-License-Identifier: BSD-2-Clause
"""--ladder: the TUI's ladder as text for mails and tickets. Golden files in
golden/ladder/ (regenerate with `python3 test_ladder.py --write` after a
deliberate change, and read the diff) on lab captures, one and two per case,
ASCII and box-drawing, 80 and 100 columns; besides the exact text: no line
wider than asked, the same text whatever the time zone or locale, the
evidence arrows marked with their finding's number and that finding's
summary under the ladder, and the selections (--aor, --call-id, --select)."""
import json
import os
import sys
import unicodedata
import unittest

import swtest

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "ladder")

CASES = {
    "wrong_port": ["lab/wrong_port.pcap"],
    "wrong_password": ["lab/wrong_password.pcap"],
    "transient_503": ["lab/transient_503.pcap"],
    "icmp_frag_needed": ["lab/icmp_frag_needed.pcap"],
    "stale_nat_pair": ["lab/stale_nat.pcap", "lab/stale_nat-server.pcap"],
    "alg_pair": ["lab/alg.pcap", "lab/alg-server.pcap"],
    "healthy": ["lab/healthy.pcap"],
}
STYLES = {"ascii": "--ladder", "utf8": "--ladder=utf8"}
WIDTHS = (80, 100)


def args_of(files):
    out = []
    for f in files:
        out += ["-r", swtest.pcap(*f.split("/"))]
    return out


def ladder(files, style="ascii", width=None, extra=(), env=None):
    a = args_of(files) + [STYLES[style]]
    if width:
        a += ["--width", str(width)]
    r = swtest.run(*a, *extra, env=env)
    if r.rc != 0:
        raise AssertionError(f"sipwatch {a}: exit {r.rc}: {r.err}")
    return r.out


def cols(line):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def golden_path(name, style, width):
    return os.path.join(GOLDEN, f"{name}.{style}.{width}.txt")


class Ladder(unittest.TestCase):
    def test_golden(self):
        for name, files in CASES.items():
            for style in STYLES:
                for width in WIDTHS:
                    with self.subTest(case=name, style=style, width=width):
                        out = ladder(files, style, width)
                        with open(golden_path(name, style, width), encoding="utf-8") as f:
                            want = f.read()
                        self.assertEqual(out, want, f"{name} {style} {width}: "
                                         "rerun with --write after checking the change")

    def test_width_and_default(self):
        for name, files in CASES.items():
            out = ladder(files, "utf8")
            self.assertEqual(out, ladder(files, "utf8", 100), "the default is 100 columns")
            for w in (60, 80, 100, 132):
                for line in ladder(files, "utf8", w).splitlines():
                    if line.startswith("  #") or line.startswith("Ladder:"):
                        continue  # the findings' summaries and titles are not drawn
                    self.assertLessEqual(cols(line), w, f"{name} at {w}: {line!r}")
            for line in ladder(files, "ascii").splitlines():
                if not line.startswith(("  #", "Ladder:")):
                    self.assertTrue(line.isascii(), f"{name}: non-ASCII in {line!r}")

    def test_deterministic(self):
        files = CASES["stale_nat_pair"]
        a = ladder(files, "utf8", env={"TZ": "Asia/Shanghai", "LANG": "C.UTF-8"})
        b = ladder(files, "utf8", env={"TZ": "America/New_York", "LANG": "en_US.UTF-8"})
        self.assertEqual(a, b)

    def test_evidence_marked_with_the_finding(self):
        files = CASES["wrong_port"]
        out = ladder(files)
        js = swtest.run(*args_of(files), "--json").objects("finding")
        self.assertEqual(len(js), 1)
        f = js[0]
        marks = [l for l in out.splitlines() if l.rstrip().endswith("[E#0]")]
        # One mark per evidence frame: the first REGISTER, its ICMP error,
        # the last retransmission.
        self.assertEqual(len(marks), len(f["evidence"]), out)
        self.assertIn("#0 error register.no_response/icmp_port_unreachable: " + f["summary"], out)
        self.assertIn("no response to REGISTER (CSeq 1)", out)
        # Retransmissions and ICMP errors in their own arrow styles.
        self.assertIn("--->>>|", out)
        self.assertIn("|<~~~", out)

    def test_two_captures_marked(self):
        out = ladder(CASES["alg_pair"], "ascii", 100)
        self.assertIn("[~]", out)
        self.assertIn("public (NAT)", out)

    def test_selection(self):
        files = ["lab/call-server.pcap"]
        r = swtest.run(*args_of(files), "--json")
        aors = sorted({o["aor"] for o in r.objects("registration")})
        self.assertGreaterEqual(len(aors), 2, r.out[:500])
        dialog = r.objects("dialog")[0]
        call = ladder(files, extra=["--call-id", dialog["call_id"]])
        self.assertEqual(call.count("Ladder: "), 1, call)
        self.assertIn(dialog["call_id"], call.splitlines()[0])
        self.assertIn("INVITE", call)
        one = ladder(files, extra=["--aor", aors[0]])
        # The account, and the call it made (the TUI's aor: matches From/To).
        titles = [l for l in one.splitlines() if l.startswith("Ladder: ")]
        self.assertIn(aors[0], titles[0])
        self.assertFalse([t for t in titles if aors[1] in t], titles)
        same = ladder(files, extra=["--select", "aor:" + aors[0]])
        self.assertEqual(one, same, "--aor X is --select aor:X")
        none = swtest.run(*args_of(files), "--ladder", "--aor", "nobody-at-all")
        self.assertEqual(none.rc, 0)
        self.assertIn("No account or dialog matches the selection.", none.out)

    def test_chinese(self):
        out = ladder(CASES["wrong_port"], extra=["--lang", "zh"])
        self.assertIn("话机", out.splitlines()[1])  # the phone's column

    def test_bad_usage(self):
        r = swtest.run("-r", swtest.pcap("lab", "wrong_port.pcap"), "--ladder=fancy")
        self.assertEqual(r.rc, 2)
        self.assertIn("--ladder", r.err)
        r = swtest.run("-r", swtest.pcap("lab", "wrong_port.pcap"), "--ladder", "--width", "20")
        self.assertEqual(r.rc, 2)
        self.assertIn("--width", r.err)


def write():
    os.makedirs(GOLDEN, exist_ok=True)
    for name, files in CASES.items():
        for style in STYLES:
            for width in WIDTHS:
                with open(golden_path(name, style, width), "w", encoding="utf-8") as f:
                    f.write(ladder(files, style, width))
    print("written to", GOLDEN)


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write()
    else:
        swtest.main()
