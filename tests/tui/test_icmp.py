# SPDX-License-Identifier: BSD-2-Clause
"""A REGISTER answered by ICMP port unreachable: the account fails with the
register.no_response/icmp_port_unreachable badge, the ladder shows the ICMP
errors, the unanswered request and the evidence marks, and the findings
screen explains it, in Chinese with --lang zh."""
import json
import os
import re
import subprocess
import unittest

import tuitest
from tuitest import Pane, row

ICMP = tuitest.pcap("decode", "icmp_port_unreachable.pcap")
BLACKHOLE = tuitest.pcap("lab", "blackhole.pcap")


class Icmp(unittest.TestCase):
    def open(self, *extra):
        p = Pane(["-r", ICMP, "--tui", *extra])
        self.addCleanup(p.close)
        return p

    def test_ladder_and_explanation(self):
        p = self.open()
        s = p.wait(lambda s: "12 packets, 6 SIP" in s and "reading" not in s)
        r = row(s, "1001@sipwatch.test")
        self.assertIn("failed", r)
        self.assertIn("[E] no_response", r)
        p.keys("Enter")
        s = p.wait("Ladder: 12 messages")
        self.assertEqual(s.count("ICMP port_unreachable"), 3, s)   # first page
        self.assertEqual(len(re.findall(r"<~+x", s)), 3, s)
        self.assertIn("no response to REGISTER (CSeq 1)", s)
        self.assertIn(">>>", s)                                   # retransmissions
        self.assertGreaterEqual(s.count("[E]"), 2, s)
        p.keys("End")
        p.wait("12/12 frame 12")
        p.keys("p")                        # back to the last evidence
        s = p.wait("11/12 frame 11")
        self.assertIn("[E] register.no_response: REGISTER for sip:1001@sipwatch.test", s)
        p.keys("e")
        s = p.wait("Finding 1 of 1")
        self.assertIn("register.no_response (icmp_port_unreachable)", s)
        self.assertIn("Why:", s)
        self.assertIn("What to do:", s)
        self.assertIn("Server Port", s)
        p.quit(self, keys=("q", "q", "q"))

    @unittest.skipUnless(os.path.exists(BLACKHOLE), "lab captures not available")
    def test_timeout_without_answer(self):
        """Lab: the registrar drops everything; retransmissions until timer F."""
        p = Pane(["-r", BLACKHOLE, "--tui"])
        self.addCleanup(p.close)
        s = p.wait(lambda s: "11 SIP" in s and "reading" not in s)
        self.assertIn("[E] no_response", row(s, "1001@198.51.100.10"))
        p.keys("Enter")
        s = p.wait("Ladder: 11 messages")
        self.assertIn("REGISTER (retransmission)", s)
        self.assertIn(">>>", s)
        self.assertNotIn("no response", s)   # not yet: the last copy decides
        p.keys("End")
        s = p.wait("11/11 frame 11")
        lines = s.split("\n")
        i = next(k for k, ln in enumerate(lines) if "no response to REGISTER (CSeq 1)" in ln)
        self.assertIn("[E]", lines[i - 1])     # the last copy is evidence
        p.quit(self, keys=("q", "q"))

    def test_chinese(self):
        r = subprocess.run([tuitest.SIPWATCH, "-r", ICMP, "--json", "--lang", "zh"],
                           capture_output=True, text=True, timeout=30)
        f = [json.loads(l) for l in r.stdout.splitlines() if '"type":"finding"' in l][0]
        p = self.open("--lang", "zh")
        s = p.wait(lambda s: "12 个报文" in s and "读取中" not in s)
        self.assertIn("SIP 注册诊断", s)
        self.assertIn("失败", row(s, "1001@sipwatch.test"))
        p.keys("e")
        s = p.wait("问题 1 / 1")
        self.assertIn("原因：", s)
        self.assertIn("建议：", s)
        # The advice as the analysis wrote it for --lang zh, on screen
        # (wrapped: compare without line breaks and indentation).
        flat = re.sub(r"\s+", "", s)
        self.assertIn(re.sub(r"\s+", "", f["advice"])[:40], flat)
        self.assertRegex(f["advice"] + s, r"[\u4e00-\u9fff]")
        p.quit(self, keys=("q", "q"))


if __name__ == "__main__":
    tuitest.main()
