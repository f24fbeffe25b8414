# SPDX-License-Identifier: BSD-2-Clause
"""sngrep's keys, offline (the live ones are in test_live.py): Space on two
messages compares them, t shows the raw message beside the ladder and 9/0
resize it, F4/x the extended flow (e stays Explain), F6 the raw text of all
messages of the selection, F10/t the column chooser saved to
$XDG_CONFIG_HOME/sipwatch/config, the help over the terminal's width, and a
capture whose only finding belongs to no account shows it in the list."""
import os
import re
import unittest

import tuitest
from tuitest import Pane, row

AAA = tuitest.public("irontec__sngrep", "aaa.pcap")
DNS = tuitest.pcap("lab", "dns_failure.pcap")
NOSIP = tuitest.pcap("lab", "no_sip.pcap")


def loaded(s):
    return "691 packets, 81 SIP" in s and "reading" not in s


@unittest.skipUnless(os.path.exists(AAA), "public captures not available")
class Keys(unittest.TestCase):
    def open(self, *extra, **kw):
        p = Pane(["-r", AAA, "--tui", *extra], **kw)
        self.addCleanup(p.close)
        p.wait(loaded)
        return p

    def test_space_on_two_messages_compares_them(self):
        p = self.open(width=120, height=30)
        p.keys("Enter")
        p.wait("Ladder: 9 messages")
        p.keys("Space")
        s = p.wait("Space on another message compares the two")
        self.assertIn("[*]", s)  # the first one stays marked
        p.keys("Down", "Down", "Space")
        s = p.wait("Compare: REGISTER  <->  REGISTER")
        lines = s.split("\n")
        left = [ln[:ln.index("│")] if "│" in ln else ln for ln in lines]
        right = [ln[ln.index("│") + 1:] if "│" in ln else "" for ln in lines]
        self.assertTrue(any("frame 19" in ln for ln in left), s)
        self.assertTrue(any("frame 30" in ln for ln in right), s)
        # What differs is marked on its side, what both hold is not.
        self.assertTrue(any(ln.startswith("* CSeq: 68 REGISTER") for ln in left), s)
        self.assertTrue(any(ln.startswith("* CSeq: 69 REGISTER") for ln in right), s)
        self.assertTrue(any(ln.startswith("* Authorization: Digest") for ln in right), s)
        self.assertTrue(any(ln.startswith("  To: <sip:voi18063@sip.cybercity.dk>")
                            for ln in left), s)
        self.assertIn("(3 left, 4 right)", s)
        p.keys("Escape")
        p.wait("Ladder: 9 messages")
        p.quit(self, keys=("q", "q"))

    def test_raw_pane_toggles_and_resizes(self):
        p = self.open(width=110, height=30)
        p.keys("Enter")
        s = p.wait("Ladder: 9 messages")
        self.assertNotIn("REGISTER sip:sip.cybercity.dk SIP/2.0", s)  # narrow: no pane
        p.keys("t")
        s = p.wait("REGISTER sip:sip.cybercity.dk SIP/2.0")
        bar = s.split("\n")[1].rindex("│")
        p.keys("9")  # 4 columns wider each time
        p.wait(lambda s: s.split("\n")[1].rfind("│") == bar - 4)
        p.keys("9")
        p.wait(lambda s: s.split("\n")[1].rfind("│") == bar - 8)
        p.keys("0")
        p.wait(lambda s: s.split("\n")[1].rfind("│") == bar - 4)
        p.keys("T")  # the default width again
        p.wait(lambda s: s.split("\n")[1].rfind("│") == bar)
        p.keys("t")
        p.wait_gone("REGISTER sip:sip.cybercity.dk SIP/2.0")
        p.quit(self, keys=("q", "q"))

    def test_wide_terminal_shows_the_pane_and_t_hides_it(self):
        p = self.open(width=160, height=30)
        p.keys("Enter")
        s = p.wait("REGISTER sip:sip.cybercity.dk SIP/2.0")
        p.keys("t")
        p.wait_gone("sip:sip.cybercity.dk SIP/2.0")
        p.quit(self, keys=("q", "q"))

    def test_extended_flow_and_explain(self):
        p = self.open()
        p.keys("F4")
        s = p.wait("Extended ladder: 102 messages")
        self.assertIn("sip:voi18063@sip.cybercity.dk", s)
        p.keys("x")  # back to the account's own messages
        p.wait("Ladder: 9 messages")
        p.keys("e")
        s = p.wait("Finding 1 of 1")
        self.assertIn("register.forbidden", s)
        p.keys("Escape", "Escape")
        p.wait("7 of 7 items")
        p.keys("x")
        p.wait("Extended ladder: 102 messages")
        p.keys("Escape")
        p.wait("7 of 7 items")
        p.keys("e")
        p.wait("Finding 1 of 1")
        p.quit(self, keys=("q", "q"))

    def test_raw_text_of_the_selected_items(self):
        p = self.open(width=100, height=30)
        p.keys("F6")
        s = p.wait("Raw: 9 messages")
        lines = s.split("\n")
        self.assertTrue(lines[1].startswith("2005-07-04T09:32:52.844249Z 192.168.1.2:5060 -> "
                                            "212.242.33.35:5060 UDP frame 19"), lines[1])
        self.assertEqual(lines[2], "REGISTER sip:sip.cybercity.dk SIP/2.0")
        self.assertIn("SIP/2.0 401 Unauthorized", s)  # the next one follows
        p.keys("End")
        s = p.wait("SIP/2.0 401 nonce has changed")
        p.keys("Escape")
        p.wait("7 of 7 items")
        # Two items selected: all their messages, in capture order.
        p.keys("Space", "Down", "Space")
        p.wait("2 selected")
        p.keys("r")
        s = p.wait("Raw: 38 messages")
        p.quit(self, keys=("q", "q"))

    def test_column_chooser_saved_for_next_time(self):
        p = self.open(width=140)
        p.keys("F10")
        s = p.wait("List columns")
        for name in ("[*] Idx", "[*] Finding", "[ ] User-Agent"):
            self.assertIn(name, s)
        # Hide State (5th), widen Finding (8th) and move it up one place,
        # show User-Agent.
        p.keys("Down", "Down", "Down", "Down", "Space")
        p.wait("[ ] State")
        p.keys("Down", "Down", "Down")
        for _ in range(10):
            p.keys("Right")
        p.wait(re.compile(r"Finding\s+35"))
        p.keys("-")
        p.keys("Down", "Down", "Down", "Space")
        p.wait("[*] User-Agent")
        p.keys("s")
        s = p.wait("Columns saved to")
        path = os.path.join(p.config, "sipwatch", "config")
        with open(path) as f:
            text = f.read()
        self.assertIn("columns = idx type name address -state last finding:35 msgs -first "
                      "user_agent -call_id", text)
        header = s.split("\n")[2]
        self.assertNotIn("State", header)
        self.assertLess(header.index("Finding"), header.index("Msgs"))
        self.assertIn("User-Agent", header)
        self.assertIn("Nero SIPPS IP Phone", row(s, "voi18063@"))
        p.quit(self)
        # The next start reads them.
        q = Pane(["-r", AAA, "--tui"], env={"XDG_CONFIG_HOME": p.config}, width=140)
        self.addCleanup(q.close)
        s = q.wait(loaded)
        header = s.split("\n")[2]
        self.assertNotIn("State", header)
        self.assertLess(header.index("Finding"), header.index("Msgs"))
        # Esc in the chooser changes nothing.
        q.keys("t")
        q.wait("List columns")
        q.keys("Space", "Escape")
        s = q.wait_gone("List columns")
        self.assertIn("Idx", s.split("\n")[2])
        q.quit(self)

    def test_help_uses_the_terminal_width(self):
        p = self.open(width=150, height=40)
        p.keys("F1")
        s = p.wait("List of accounts and dialogs")
        box = [ln for ln in s.split("\n") if "│" in ln]
        self.assertTrue(all(ln.index("│") <= 2 and ln.rindex("│") >= 146 for ln in box), s)
        # Long lines are whole, not cut at 78 columns.
        self.assertIn("Quit (asks first while a live capture runs or its packets are not saved)",
                      s)
        for key in ("F4, x", "F5", "F6, r", "F10, t", "p ", "A "):
            self.assertTrue(any(ln[1:].lstrip("│ ").startswith(key) for ln in box), key)
        p.keys("q")
        p.wait_gone("List of accounts and dialogs")
        p.quit(self)


class ManPage(unittest.TestCase):
    def test_keys_section(self):
        man = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                           "sipwatch.1")
        with open(man) as f:
            text = f.read()
        self.assertIn(".SH KEYS", text)
        keys = text[text.index(".SH KEYS"):text.index(".SH FILES")]
        for key in ("F2", "F4", "F5", "F6", "F7", "F10", "Space", "Ctrl\\-C", "Enter"):
            self.assertIn(key, keys)
        for key in ("x", "t", "p", "A", "e", "9", "0", "T", "r"):
            self.assertRegex(keys, r"\\fB%s\\fR|\.BR? .*\b%s\b" % (key, key), key)
        self.assertIn("$XDG_CONFIG_HOME/sipwatch/config", text)


class FindingRows(unittest.TestCase):
    def test_dns_failure_is_a_row_of_the_list(self):
        p = Pane(["-r", DNS, "--tui"], width=120)
        self.addCleanup(p.close)
        s = p.wait(lambda s: "12 packets" in s and "reading" not in s)
        self.assertNotIn("No SIP registrations or dialogs match", s)
        r = row(s, "FINDING")
        self.assertIn("The DNS lookup of", r)
        self.assertIn("[E] no_response", r)
        self.assertIn("[E] register.no_response: The DNS lookup of the server name "
                      "sip.example.net failed", s)  # the line under the list
        self.assertIn("1 of 1 item", s)
        p.keys("Enter")
        s = p.wait("Finding 1 of 1")
        self.assertIn("register.no_response (dns_failure)", s)
        p.quit(self, keys=("q", "q"))

    def test_no_sip_is_a_row_of_the_list(self):
        p = Pane(["-r", NOSIP, "--tui"], width=120)
        self.addCleanup(p.close)
        s = p.wait(lambda s: "35 packets" in s and "reading" not in s)
        self.assertNotIn("No SIP registrations or dialogs match", s)
        r = row(s, "FINDING")
        self.assertIn("No SIP message in this capture", r)
        self.assertIn("[W] no_sip", r)
        p.quit(self)


if __name__ == "__main__":
    tuitest.main()
