# SPDX-License-Identifier: BSD-2-Clause
"""Resizing redraws every screen at the new size: bars on the first and last
lines, nothing left over from the previous layout, the preview pane only
where it fits, a notice below the minimum size, and back again."""
import os
import unittest

import tuitest
from tuitest import Pane

AAA = tuitest.public("irontec__sngrep", "aaa.pcap")


def bars_ok(s, w, h, top, bottom):
    lines = s.split("\n")
    if len(lines) < h or any(len(ln) > w for ln in lines):
        return False
    lines = lines[:h]
    if top not in lines[0] or not lines[h - 1].startswith(bottom):
        return False
    # Exactly one key bar and one status bar: no stale copies left behind.
    return (sum(ln.startswith(bottom) for ln in lines) == 1 and
            sum("Offline" in ln for ln in lines) == 1)


@unittest.skipUnless(os.path.exists(AAA), "public captures not available")
class Resize(unittest.TestCase):
    def test_resize_every_screen(self):
        p = Pane(["-r", AAA, "--tui"])
        self.addCleanup(p.close)
        p.wait(lambda s: "691 packets" in s and "reading" not in s)
        # List.
        p.resize(120, 40)
        s = p.wait(lambda s: bars_ok(s, 120, 40, "registration diagnosis", "q Quit"))
        self.assertEqual(s.split("\n")[0].index("sipwatch"),
                         (120 - len("sipwatch - SIP registration diagnosis")) // 2)
        p.resize(60, 20)
        p.wait(lambda s: bars_ok(s, 60, 20, "registration diagnosis", "q Quit"))
        # Ladder: the preview of the message under the cursor appears on a
        # wide terminal and goes away on a narrow one.
        p.keys("Enter")
        p.wait("Ladder: 9 messages")
        p.resize(140, 40)
        s = p.wait(lambda s: bars_ok(s, 140, 40, "Ladder: 9", "Esc List") and "Via: SIP/2.0" in s)
        self.assertIn("│ REGISTER sip:sip.cybercity.dk SIP/2.0", s)
        p.resize(70, 22)
        s = p.wait(lambda s: bars_ok(s, 70, 22, "Ladder: 9", "Esc List"))
        self.assertNotIn("Via:", s)
        # Below the minimum size: a notice, then the ladder again.
        p.resize(30, 8)
        p.wait("Terminal too small")
        p.resize(80, 24)
        s = p.wait(lambda s: bars_ok(s, 80, 24, "Ladder: 9", "Esc List"))
        self.assertNotIn("too small", s)
        self.assertIn("401 Unauthorized", s)
        # Message: re-wrapped at the new width, nothing cut.
        p.keys("n", "Enter")
        p.wait("Message 3 of 9")
        p.resize(50, 30)
        s = p.wait(lambda s: bars_ok(s, 50, 30, "Message 3 of 9", "Esc Back"))
        flat = "".join(ln[2:] for ln in s.split("\n"))
        self.assertIn('Authorization: Digest username="voi18063"', flat)
        p.resize(80, 24)
        p.wait(lambda s: bars_ok(s, 80, 24, "Message 3 of 9", "Esc Back"))
        # Help overlay survives a resize too.
        p.keys("F1")
        p.wait("Press any key to continue")
        p.resize(100, 30)
        s = p.wait(lambda s: "Press any key to continue" in s and len(s.split("\n")[0]) <= 100
                   and s.split("\n")[29].startswith("Esc Back"))
        p.keys("x")
        p.wait_gone("Press any key")
        p.quit(self, keys=("q", "q", "q"))


if __name__ == "__main__":
    tuitest.main()
