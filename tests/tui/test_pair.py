# SPDX-License-Identifier: BSD-2-Clause
"""Two captures of one path in the interactive view, on the lab's pairs
(pcaps/lab/MANIFEST.md): the list's summary line, the ladder's marks ([~]
the path rewrote the message, [X] it was lost) beside the findings'
evidence marks, and the "both sides" screen (d): the phone side's copy on
the left, the server side's on the right, the lines the kernel's SIP ALG
rewrote highlighted on both sides (colour, NO_COLOR, vt100), lost answers
shown as lost, nothing marked on a clean pair, resizing, help, and d on a
single capture."""
import os
import re
import subprocess
import sys
import tempfile
import unittest

import tuitest
from tuitest import Pane, attrs_at, row, styled_lines

LAB = tuitest.pcap("lab")
ALG = ["-r", os.path.join(LAB, "alg.pcap"), "-r", os.path.join(LAB, "alg-server.pcap")]
BLOCKED = ["-r", os.path.join(LAB, "nat_return_blocked.pcap"),
           "-r", os.path.join(LAB, "nat_return_blocked-server.pcap")]
HEALTHY = ["-r", os.path.join(LAB, "healthy_pair.pcap"),
           "-r", os.path.join(LAB, "healthy_pair-server.pcap")]
MKPAIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "mkpair.py")
MAL = tuitest.pcap("decode", "malformed.pcap")
COLOR_SGR = re.compile(r"\x1b\[[0-9;]*(?:3[0-7]|4[0-7]|38;5;\d+|48;5;\d+)m")


def halves(line, width):
    """The left and right halves of a side-by-side row (the layout of
    tui/pair.c: the separator at column (width - 1) // 2)."""
    mid = (width - 1) // 2
    return line[:mid], line[mid + 1:]


def has_side_row(s, left, right, width=80):
    return any(left in halves(ln, width)[0] and right in halves(ln, width)[1]
               for ln in s.split("\n"))


def side_row(s, left, right, width=80):
    """The row whose left half holds `left` and right half `right`."""
    for ln in s.split("\n"):
        lh, rh = halves(ln, width)
        if left in lh and right in rh:
            return lh, rh
    raise AssertionError("no row with %r | %r in:\n%s" % (left, right, s))


class PairScreens(unittest.TestCase):
    def open(self, args, done, **kw):
        p = Pane([*args, "--tui"], **kw)
        self.addCleanup(p.close)
        p.wait(lambda s: done in s and "reading" not in s)
        return p

    def open_invite_sides(self, **kw):
        """The ALG pair, the INVITE dialog's first INVITE on both sides,
        scrolled to the SDP."""
        p = self.open(ALG, "38 packets", **kw)
        p.keys("Down", "Down")
        p.wait(lambda s: row(s, "INVITE   1001@").startswith("[ ] 3"))
        p.keys("Enter")
        p.wait("Ladder: 26 messages")
        p.keys("d")
        p.wait("Both sides: INVITE")
        p.keys("C-e")               # End (vt100 has no End key)
        p.wait("a=sendrecv")
        return p

    def test_alg_list_ladder_and_message(self):
        p = self.open(ALG, "38 packets")
        s = p.screen()
        # The summary: no loss, every message rewritten, the offset, the
        # roles (wrapped on a second row at 80 columns).
        self.assertIn("Path: 0 lost to the phone, 0 lost to the server, 14 changed, 14 on both sides", s)
        self.assertIn("clock offset +0.000004 s", s)
        self.assertIn("phone: alg.pcap (roles detected, high confidence)", s)
        self.assertIn("^Idx", p.lines()[4])
        # The phone behind the ALG: every message rewritten, and evidence
        # of alg.rewrite/path_diff.
        p.keys("Down", "Enter")
        s = p.wait("Ladder: 8 messages - sip:1001@198.51.100.10")
        lines = s.split("\n")
        arrows = [i for i, ln in enumerate(lines) if "REGISTER" in ln or "Unauthorized" in ln
                  or "200 OK" in ln]
        self.assertGreaterEqual(len(arrows), 7, s)
        for i in arrows[:7]:
            self.assertTrue(lines[i].rstrip().endswith("[~]"), lines[i])
            self.assertTrue(lines[i + 1].rstrip().endswith("[W]"), lines[i + 1])
        self.assertNotIn("[X]", s)
        self.assertIn("Also on the server side: alg-server.pcap:#5, transit", s)
        self.assertIn("d Both sides", p.lines()[23])
        # Help lists the key and the marks.
        p.keys("F1")
        s = p.wait("Ladder (message flow)")
        # Taller than the terminal: it scrolls (End: its last lines).
        self.assertIn("Up/Down: scroll", s)
        p.keys("End")
        s = p.wait("[X], X<")
        self.assertIn("Both sides: as the phone side and the server side saw it", s)
        self.assertIn("[~]", s)
        p.keys("q")
        p.wait_gone("Ladder (message flow)")
        # Message screen: the other copy named, d opens both sides.
        p.keys("Enter")
        s = p.wait("Message 1 of 8: REGISTER")
        self.assertIn("Also on the server side: alg-server.pcap:#5", s)
        self.assertIn("changed 2 lines (d: both sides)", s)
        p.keys("d")
        s = p.wait("Both sides: REGISTER")
        self.assertIn("REGISTER (CSeq 1), phone -> server: transit", s)
        self.assertIn("the path changed 2", s)
        self.assertIn("clock offset +0.000004 s (server minus phone)", s)
        lh, rh = side_row(s, "phone  alg.pcap:#1", "server  alg-server.pcap:#5")
        self.assertIn("18:42:33.160943", lh)
        lh, rh = side_row(s, "192.168.1.100:5060 ->", "203.0.113.2:5060 -> 198.51.100.10:5060")
        # Contact, rewritten: both versions on one row, marked on both sides.
        lh, rh = side_row(s, "Contact: <sip:1001@192.168.1.100:5060", "Contact: <sip:1001@203.0.113.2:5060>")
        self.assertTrue(lh.startswith("* ") and rh.startswith("* "), (lh, rh))
        lh, rh = side_row(s, "Via: SIP/2.0/UDP 192.168.1.100:5060", "Via: SIP/2.0/UDP 203.0.113.2:5060")
        self.assertTrue(lh.startswith("* ") and rh.startswith("* "), (lh, rh))
        # Unchanged lines: alike on both sides, not marked.
        lh, rh = side_row(s, "CSeq: 1 REGISTER", "CSeq: 1 REGISTER")
        self.assertTrue(lh.startswith("  ") and rh.startswith("  "), (lh, rh))
        e = p.screen(escapes=True)
        self.assertEqual(attrs_at(e, "Contact: <sip:1001@203.0.113.2").get("bg"), 43)
        self.assertEqual(attrs_at(e, "Contact: <sip:1001@192.168.1.100").get("bg"), 43)
        self.assertNotIn("bg", attrs_at(e, "Max-Forwards: 70"))
        # Right: the next message on both sides (the 401), not the server
        # copy of the same REGISTER.
        p.keys("Right")
        s = p.wait("Both sides: 401 Unauthorized")
        self.assertIn("401 Unauthorized (CSeq 1), server -> phone", s)
        side_row(s, "phone  alg.pcap:#2", "server  alg-server.pcap:#6")
        p.keys("Left")
        p.wait("Both sides: REGISTER")
        p.quit(self, keys=("q", "q", "q", "q"))

    def test_alg_sdp_both_versions_highlighted(self):
        p = self.open_invite_sides()
        s = p.screen()
        self.assertIn("the path changed 5 lines", s)
        lh, rh = side_row(s, "c=IN IP4 192.168.1.100", "c=IN IP4 203.0.113.2")
        self.assertTrue(lh.startswith("* ") and rh.startswith("* "), (lh, rh))
        lh, rh = side_row(s, "Content-Length:   246", "Content-Length:   242")
        self.assertTrue(lh.startswith("* ") and rh.startswith("* "), (lh, rh))
        lh, rh = side_row(s, "m=audio 40000 RTP/AVP 0 8 101", "m=audio 40000 RTP/AVP 0 8 101")
        self.assertTrue(lh.startswith("  ") and rh.startswith("  "), (lh, rh))
        e = p.screen(escapes=True)
        for text in ("c=IN IP4 192.168.1.100", "c=IN IP4 203.0.113.2"):
            a = attrs_at(e, text)
            self.assertEqual(a.get("bg"), 43, (text, a))    # black on yellow
            self.assertTrue(a.get("bold"), (text, a))
        self.assertNotIn("bg", attrs_at(e, "s=SIP Call"))
        # Interleaved: the phone side's line, then the server side's.
        p.keys("v")
        p.wait("P* Via: SIP/2.0/UDP 192.168.1.100:5060")
        p.keys("C-e")
        s = p.wait("P* c=IN IP4 192.168.1.100")
        lines = s.split("\n")
        i = next(k for k, ln in enumerate(lines) if ln.startswith("P* c=IN IP4 192.168.1.100"))
        self.assertTrue(lines[i + 1].startswith("S* c=IN IP4 203.0.113.2"), lines[i + 1])
        self.assertTrue(row(s, "s=SIP Call").startswith("   s=SIP Call"))
        self.assertIn("P  phone  alg.pcap:#5", s)
        self.assertIn("S  server  alg-server.pcap:#9", s)
        # Help of this screen.
        p.keys("F1")
        s = p.wait("Both sides (two captures)")
        self.assertIn("A line the path rewrote", s)
        p.keys("q")
        p.wait_gone("Both sides (two captures)")
        p.quit(self, keys=("q", "q", "q", "q"))

    def test_alg_without_colour(self):
        for env, term in (({"NO_COLOR": "1"}, "screen"), ({}, "vt100")):
            with self.subTest(term=term, env=env):
                p = self.open_invite_sides(env=env, term=term)
                s = p.screen()
                lh, rh = side_row(s, "c=IN IP4 192.168.1.100", "c=IN IP4 203.0.113.2")
                self.assertTrue(lh.startswith("* ") and rh.startswith("* "), (lh, rh))
                e = p.screen(escapes=True)
                self.assertIsNone(COLOR_SGR.search(e), "colour used: %r" % e[:400])
                self.assertTrue(attrs_at(e, "c=IN IP4 192.168.1.100").get("reverse"))
                self.assertTrue(attrs_at(e, "c=IN IP4 203.0.113.2").get("reverse"))
                self.assertFalse(attrs_at(e, "s=SIP Call").get("reverse"))
                p.quit(self, keys=("q", "q", "q", "q"))
                p.close()

    def test_alg_resize(self):
        p = self.open_invite_sides()
        for w, h in ((120, 30), (60, 20), (80, 24)):
            p.resize(w, h)
            # Redrawn at the new size: the key bar on the last row, the
            # separator of the halves where this width puts it.
            s = p.wait(lambda s, w=w, h=h: len(s.split("\n")) >= h and
                       s.split("\n")[h - 1].startswith("Esc Back") and
                       all(len(ln) <= w for ln in s.split("\n")) and
                       has_side_row(s, "c=IN IP4 192.168.1.100", "c=IN IP4 203.0.113.2", w))
            lh, rh = side_row(s, "c=IN IP4 192.168.1.100", "c=IN IP4 203.0.113.2", width=w)
            self.assertTrue(lh.startswith("* ") and rh.startswith("* "), (w, lh, rh))
            self.assertEqual(sum("Both sides: INVITE" in ln for ln in s.split("\n")), 1, s)
        s = p.screen()
        self.assertIn("│", s.split("\n")[10])
        p.resize(30, 8)
        p.wait("Terminal too small")
        p.resize(80, 24)
        p.wait(lambda s: "c=IN IP4 203.0.113.2" in s and "too small" not in s)
        p.quit(self, keys=("q", "q", "q", "q"))

    def test_lost_answers(self):
        p = self.open(BLOCKED, "33 packets")
        s = p.screen()
        self.assertIn("Path: 10 lost to the phone, 0 lost to the server, 0 changed, 11 on both", s)
        p.keys("Enter")
        s = p.wait("Ladder: 33 messages")
        lines = s.split("\n")
        lost = [i for i, ln in enumerate(lines) if "401 Unauthorized (lost)" in ln]
        self.assertGreaterEqual(len(lost), 2, s)
        for i in lost:
            # [X] beside the label, the arrow ends in an X, and the
            # evidence mark of nat.return_path_blocked/path_loss below.
            self.assertTrue(lines[i].rstrip().endswith("[X]"), lines[i])
            self.assertIn("X", lines[i + 1])
            self.assertTrue(lines[i + 1].rstrip().endswith("[E]"), lines[i + 1])
        self.assertNotIn("[~]", s)
        # The phone's copies of the REGISTER reached the server: no [X].
        self.assertFalse(row(s, "REGISTER (retransmission)").rstrip().endswith("[X]"))
        p.keys("Down", "Down")
        s = p.wait("3/33 frame 2 (nat_return_blocked-server.pcap)")
        self.assertIn("Lost on the way: left the server at 18:42:40.748821, never reached the", s)
        p.keys("d")
        s = p.wait("Both sides: 401 Unauthorized")
        self.assertIn("401 Unauthorized (CSeq 1), server -> phone: LOST: left the server at", s)
        self.assertIn("never reached the phone", s)
        lh, rh = side_row(s, "never arrived (due 18:42:40.748773)",
                          "198.51.100.10:5060 -> 203.0.113.2:5060")
        lh, rh = side_row(s, "LOST ON THE WAY: not in this capture.", "SIP/2.0 401 Unauthorized")
        self.assertTrue(lh.startswith("! "), lh)
        side_row(s, "left the server at 18:42:40.748821", "Via: SIP/2.0/UDP")
        self.assertIn("It was due here at about", s)
        e = p.screen(escapes=True)
        self.assertEqual(attrs_at(e, "LOST ON THE WAY").get("fg"), 31)   # red
        # n: the next message changed or lost: the second 401.
        p.keys("n")
        s = p.wait("left the server at 18:42:41.250577")
        self.assertIn("Both sides: 401 Unauthorized", s)
        # Right from there: the REGISTER retransmission that did arrive.
        p.keys("Right")
        s = p.wait("Both sides: REGISTER")
        self.assertIn("unchanged by the path", s)
        self.assertIn("(not measurable: one", s)
        p.quit(self, keys=("q", "q", "q"))

    def test_healthy_pair_no_marks(self):
        p = self.open(HEALTHY, "12 packets")
        s = p.screen()
        self.assertIn("Path: 0 lost to the phone, 0 lost to the server, 0 changed, 6 on both sides", s)
        p.keys("Enter")
        s = p.wait("Ladder: 12 messages")
        for mark in ("[~]", "[X]", "(lost)", "[E]", "[W]"):
            self.assertNotIn(mark, s)
        self.assertIn("Also on the server side: healthy_pair-server.pcap:#1, transit", s)
        p.keys("d")
        s = p.wait("Both sides: REGISTER")
        self.assertIn("unchanged by the path", s)
        body = s.split("\n")[5:-3]
        for ln in body:
            lh, rh = halves(ln, 80)
            self.assertFalse(lh.startswith(("*", "~", "!")), ln)
            self.assertFalse(rh.startswith(("*", "~", "!")), ln)
        # The NAT shows in the addresses, not as a change.
        side_row(s, "192.168.1.100:5060 ->", "203.0.113.2:5060 ->")
        e = p.screen(escapes=True)
        for text, attrs in styled_lines(e)[5:-3]:
            self.assertFalse(any(a.get("bg") == 43 for a in attrs), text)
        p.quit(self, keys=("q", "q", "q"))

    def test_wire_bytes_escaped_on_both_sides(self):
        """malformed.pcap and a copy 0.5 ms later (synthetic: no NAT, roles
        from the order of the files): the User-Agent's ESC[2J and OSC title
        show as \\xNN on both sides, nothing reaches the terminal raw."""
        tmp = tempfile.TemporaryDirectory(prefix="swtui-")
        self.addCleanup(tmp.cleanup)
        later = os.path.join(tmp.name, "malformed-later.pcap")
        subprocess.run([sys.executable, MKPAIR, "shift", MAL, later, "0.0005"], check=True)
        p = self.open(["-r", MAL, "-r", later], "20 packets")
        s = p.screen()
        self.assertIn("phone: malformed.pcap (roles assumed: use --sides)", s)
        p.keys("Enter")
        p.wait("Ladder: 12 messages")
        p.keys("Down", "Down", "Down", "Down", "Enter")
        s = p.wait("Message 5 of 12: OPTIONS")
        self.assertIn(r"User-Agent: evil\x1B[2J", s)
        p.keys("d")
        s = p.wait("Both sides: OPTIONS")
        side_row(s, r"User-Agent: evil\x1B[2J\x1B]0;pwned", r"User-Agent: evil\x1B[2J\x1B]0;pwned")
        self.assertIn("unchanged by the path", s)
        e = p.screen(escapes=True)
        self.assertNotIn("\x1b[2J", e)
        self.assertNotIn("\x1b]", e)
        self.assertNotIn("\x07", e)
        styled_lines(e)                  # fails on any escape other than SGR
        title = p.tmux("display-message", "-p", "-t", "0", "#{pane_title}").stdout
        self.assertNotIn("pwned", title)
        p.quit(self, keys=("q", "q", "q", "q"))

    def test_single_capture(self):
        p = self.open(["-r", os.path.join(LAB, "healthy.pcap")], "packets")
        s = p.screen()
        self.assertNotIn("Path:", s)
        p.keys("Enter")
        s = p.wait("Ladder:")
        self.assertNotIn("d Both sides", s)
        p.keys("d")
        s = p.wait("Both sides need two captures of one path")
        self.assertNotIn("Both sides:", s.split("\n")[0])
        p.quit(self, keys=("q", "q"))


if __name__ == "__main__":
    tuitest.main()
