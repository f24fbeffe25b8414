# SPDX-License-Identifier: BSD-2-Clause
"""Message screen: the headers a finding points at are highlighted (text
mark and terminal attributes), with colours, with NO_COLOR and on a
terminal without colours; the findings screen explains the finding."""
import os
import re
import unittest

import tuitest
from tuitest import Pane, attrs_at, row, styled_lines

AAA = tuitest.public("irontec__sngrep", "aaa.pcap")
COLOR_SGR = re.compile(r"\x1b\[[0-9;]*(?:3[0-7]|4[0-7]|38;5;\d+|48;5;\d+)m")


@unittest.skipUnless(os.path.exists(AAA), "public captures not available")
class MessageScreen(unittest.TestCase):
    def open_evidence(self, **kw):
        """The REGISTER whose credentials the server refused (frame 30)."""
        p = Pane(["-r", AAA, "--tui"], **kw)
        self.addCleanup(p.close)
        p.wait(lambda s: "691 packets" in s and "reading" not in s)
        p.keys("Enter")
        p.wait("Ladder: 9 messages")
        p.keys("n")
        p.wait("3/9 frame 30")
        p.keys("Enter")
        p.wait("Message 3 of 9: REGISTER")
        return p

    def check_marks(self, s):
        # register.forbidden points at the start line, User-Agent, Server,
        # Warning, Authorization and WWW-Authenticate.
        self.assertIn("[E] register.forbidden (bad_credentials)", s)
        self.assertTrue(row(s, "REGISTER sip:sip.cybercity.dk SIP/2.0").startswith("> "))
        self.assertTrue(row(s, "Authorization: Digest").startswith("> "))
        for plain in ("From: <sip:voi18063", "Call-ID: 578222729", "CSeq: 69 REGISTER"):
            self.assertTrue(row(s, plain).startswith("  "), plain)

    def test_highlight_in_colour(self):
        p = self.open_evidence()
        self.check_marks(p.screen())
        e = p.screen(escapes=True)
        hl = attrs_at(e, "Authorization: Digest")
        self.assertEqual(hl.get("bg"), 43, hl)       # black on yellow
        self.assertTrue(hl.get("bold"), hl)
        self.assertEqual(attrs_at(e, "REGISTER sip:sip.cybercity.dk").get("bg"), 43)
        plain = attrs_at(e, "From: <sip:voi18063")
        self.assertNotIn("bg", plain)
        self.assertNotIn("reverse", plain)
        # Wrapped continuation of the Authorization line keeps the mark.
        lines = [t for t, _ in styled_lines(e)]
        i = next(k for k, t in enumerate(lines) if "Authorization: Digest" in t)
        self.assertTrue(lines[i + 1].startswith("> "), lines[i + 1])
        # Left/Right step through the ladder's messages.
        p.keys("Right")
        s = p.wait("Message 4 of 9: 100 Trying")
        self.assertIsNone(re.search(r"^> ", s, re.M), s)
        p.keys("Right")
        s = p.wait("Message 5 of 9: 403 Wrong password")
        self.assertTrue(row(s, "SIP/2.0 403 Wrong password").startswith("> "))
        # e explains: explanation and advice of the finding.
        p.keys("e")
        s = p.wait("Finding 1 of 1")
        self.assertIn("[ERROR] register.forbidden (bad_credentials)", s)
        self.assertIn("Why:", s)
        self.assertIn("What to do:", s)
        self.assertIn("password", s)
        p.quit(self, keys=("q", "q", "q", "q"))

    def test_highlight_without_colour(self):
        for env, term in (({"NO_COLOR": "1"}, "screen"), ({}, "vt100")):
            with self.subTest(term=term, env=env):
                p = self.open_evidence(env=env, term=term)
                self.check_marks(p.screen())
                e = p.screen(escapes=True)
                self.assertIsNone(COLOR_SGR.search(e), "colour used: %r" % e[:400])
                hl = attrs_at(e, "Authorization: Digest")
                self.assertTrue(hl.get("reverse"), hl)
                self.assertFalse(attrs_at(e, "From: <sip:voi18063").get("reverse"))
                p.quit(self, keys=("q", "q", "q"))
                p.close()


if __name__ == "__main__":
    tuitest.main()
