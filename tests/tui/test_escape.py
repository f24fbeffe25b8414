# SPDX-License-Identifier: BSD-2-Clause
"""Bytes from the wire never reach the terminal as control sequences: a
User-Agent carrying ESC[2J (clear screen) and an OSC title sequence shows as
escaped text, the screen is not cleared, the pane title is not changed; the
malformed messages' raw bytes show as \\xNN too; Unicode format controls
(a right-to-left override, isolates, zero-width characters) show as \\uNNNN
instead of reordering or hiding the text around them."""
import re
import unittest

import tuitest
from tuitest import Pane, row

MAL = tuitest.pcap("decode", "malformed.pcap")
ESC = tuitest.pcap("regress", "terminal-escapes.pcap")  # tests/e2e/test_terminal_safety.py


def invisible(c):
    """Format controls a terminal obeys without showing (common/buf.c)."""
    return (c in (0x00AD, 0x061C, 0x180E, 0xFEFF, 0xE0001) or 0x200B <= c <= 0x200F or
            0x2028 <= c <= 0x202E or 0x2060 <= c <= 0x2064 or 0x2066 <= c <= 0x206F or
            0xFFF9 <= c <= 0xFFFB or 0xE0020 <= c <= 0xE007F)


class Escaping(unittest.TestCase):
    def test_user_agent_with_escape_sequences(self):
        p = Pane(["-r", MAL, "--tui"])
        self.addCleanup(p.close)
        s = p.wait(lambda s: "10 packets, 6 SIP, 3 malformed" in s and "reading" not in s)
        self.assertIn("OPTIONS", row(s, "192.168.77.10:5060"))
        self.assertIn("3/3 answered", s)
        self.assertIn("outside any dialog", s)
        p.keys("Enter")
        p.wait("Ladder: 6 messages")
        p.keys("Down", "Down", "Enter")
        s = p.wait("Message 3 of 6: OPTIONS")
        self.assertIn(r"User-Agent: evil\x1B[2J\x1B]0;pwned\x07phone/1.0", s)
        # Nothing was cleared: the title, the headers around and the bars
        # are all still there.
        lines = s.split("\n")
        self.assertIn("Message 3 of 6", lines[0])
        self.assertIn("Call-ID: mal-e-mal@sipwatch.test", s)
        self.assertTrue(lines[23].startswith("Esc Back"), lines[23])
        e = p.screen(escapes=True)
        self.assertNotIn("\x1b[2J", e)
        self.assertNotIn("\x1b]", e)
        self.assertNotIn("\x07", e)
        title = p.tmux("display-message", "-p", "-t", "0", "#{pane_title}").stdout
        self.assertNotIn("pwned", title)
        p.quit(self, keys=("q", "q", "q"))

    def test_bidi_and_zero_width_escaped(self):
        p = Pane(["-r", ESC, "--tui"], width=200, height=40)
        self.addCleanup(p.close)
        p.wait(lambda s: "13 packets" in s and "reading" not in s)
        p.keys("Enter")
        p.wait("Ladder: 4 messages")
        p.keys("Enter")
        s = p.wait("Message 1 of 4: REGISTER")
        s = s.replace("\n  ", "")
        self.assertIn(r"\xFE\u202Egnp.exe\u202C\u2066\u2069\u200B\u200D\u2060\uFEFF\U000E0001",
                      s)
        for screen in (s, p.screen(escapes=True)):
            bad = [hex(ord(c)) for c in screen if invisible(ord(c))]
            self.assertEqual(bad, [], "format controls reached the terminal")
        p.quit(self, keys=("q", "q", "q"))

    def test_malformed_bytes_escaped(self):
        p = Pane(["-r", MAL, "--tui"])
        self.addCleanup(p.close)
        s = p.wait(lambda s: "outside any dialog" in s and "reading" not in s)
        # The malformed message's own finding has a row of its own (it
        # belongs to no dialog); the messages outside every dialog come last.
        self.assertIn("[W] rewrite", row(s, "FINDING"))
        p.keys("End", "Enter")
        s = p.wait("Ladder: 3 messages")
        self.assertEqual(len(re.findall(r"=+>", s)), 3, s)  # malformed arrows
        p.keys("Down", "Enter")
        s = p.wait("Message 2 of 3: malformed REGISTER sip:x SIP/2.0\\x80\\x81")
        self.assertIn(r"REGISTER sip:x SIP/2.0\x80\x81\x82\x83", s)
        self.assertIn(r"\x00\x01garbage", s.replace("\n  ", ""))
        e = p.screen(escapes=True)
        self.assertNotIn("\x00", e)
        p.quit(self, keys=("q", "q", "q"))


if __name__ == "__main__":
    tuitest.main()
