# SPDX-License-Identifier: BSD-2-Clause
"""-w FILE --annotate: a pcapng for Wireshark with each finding as a comment
on each of its evidence frames and the report's summary as the section
header's comment. tshark (frame.comment) lists the comments on exactly the
evidence frames; sipwatch reads the file back to the same findings; stdin
(spooled) and a selection (--aor) work too."""
import os
import shutil
import subprocess
import tempfile
import unittest

import swtest

CAPTURES = ["wrong_port.pcap", "wrong_password.pcap", "transient_503.pcap", "stale_nat.pcap",
            "icmp_frag_needed.pcap", "flood_ban.pcap", "healthy.pcap"]


def tshark_comments(path):
    """{frame number: [comments]} as tshark shows them."""
    r = subprocess.run(["tshark", "-r", path, "-Y", "frame.comment", "-T", "fields",
                        "-E", "occurrence=a", "-E", "aggregator=\x1f", "-e", "frame.number",
                        "-e", "frame.comment"],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise AssertionError(f"tshark -r {path}: {r.stderr}")
    out = {}
    for line in r.stdout.splitlines():
        num, _, comments = line.partition("\t")
        out[int(num)] = comments.split("\x1f")
    return out


def section_comment(path):
    r = subprocess.run(["capinfos", "-k", path], capture_output=True, text=True, timeout=60)
    return r.stdout


def findings(*args):
    r = swtest.run(*args, "--json")
    return sorted((f["severity"], f["kind"], f.get("cause") or "", f.get("aor") or "")
                  for f in r.objects("finding")), r.objects("finding")


class Annotate(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="swann-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def annotate(self, name, *extra, stdin=None):
        out = os.path.join(self.tmp, name + ".pcapng")
        args = ["-w", out, "--annotate", *extra]
        if stdin is None:
            args = ["-r", swtest.pcap("lab", name)] + args
        r = swtest.run(*args, "-q", stdin=stdin)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out, "", "--annotate alone prints nothing on stdout")
        return out

    def test_comments_on_exactly_the_evidence_frames(self):
        for name in CAPTURES:
            with self.subTest(capture=name):
                src = swtest.pcap("lab", name)
                out = self.annotate(name)
                _, fs = findings("-r", src)
                want = {}
                for f in fs:
                    cause = f.get("cause") or ""
                    head = "sipwatch #%d %s %s%s" % (f["id"], f["severity"], f["kind"],
                                                     "/" + cause if cause else "")
                    for e in f["evidence"]:
                        want.setdefault(e["frame"], set()).add(head + ": " + f["summary"])
                got = {n: set(c) for n, c in tshark_comments(out).items()}
                self.assertEqual(got, want)
                # Every frame is there (no selection), in order.
                r = subprocess.run(["capinfos", "-c", "-M", src, out], capture_output=True,
                                   text=True, timeout=60)
                counts = [l.split(":")[1].strip() for l in r.stdout.splitlines()
                          if "Number of packets" in l]
                self.assertEqual(len(set(counts)), 1, r.stdout)
                shb = section_comment(out)
                self.assertIn("sipwatch", shb)
                self.assertIn("%d findings" % len(fs), shb)
                for f in fs:
                    self.assertIn(f["kind"], shb)

    def test_read_back_to_the_same_findings(self):
        for name in CAPTURES:
            with self.subTest(capture=name):
                out = self.annotate(name)
                want, _ = findings("-r", swtest.pcap("lab", name))
                got, _ = findings("-r", out)
                self.assertEqual(got, want)

    def test_stdin_is_spooled(self):
        with open(swtest.pcap("lab", "wrong_port.pcap"), "rb") as f:
            out = self.annotate("stdin", "-r", "-", stdin=f)
        self.assertEqual(sorted(tshark_comments(out)), [1, 2, 21])
        self.assertFalse(os.path.exists(out + ".spool"), "the spool is removed")

    def test_selection(self):
        src = swtest.pcap("lab", "call-server.pcap")
        r = swtest.run("-r", src, "--json")
        regs = r.objects("registration")
        aor = regs[0]["aor"]
        out = self.annotate("call-server.pcap", "--aor", aor)
        r2 = swtest.run("-r", out, "--json")
        got = {o["aor"] for o in r2.objects("registration")}
        self.assertEqual(got, {aor}, "only the selected account's frames")
        self.assertLess(len(r2.objects("message")), len(r.objects("message")))

    def test_needs_w(self):
        r = swtest.run("-r", swtest.pcap("lab", "wrong_port.pcap"), "--annotate")
        self.assertEqual(r.rc, 2)
        self.assertIn("-w", r.err)


if __name__ == "__main__":
    swtest.main()
