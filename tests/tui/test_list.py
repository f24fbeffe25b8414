# SPDX-License-Identifier: BSD-2-Clause
"""List and ladder screens on sngrep's own sample capture (3 accounts, calls,
a 403 after the digest challenge): states, badges, status bar, filter,
sorting, the ladder's arrows in order with the finding's evidence marked,
saving to a pcap, and a clean exit."""
import json
import os
import re
import signal
import subprocess
import unittest

import tuitest
from tuitest import Pane, row

AAA = tuitest.public("irontec__sngrep", "aaa.pcap")


@unittest.skipUnless(os.path.exists(AAA), "public captures not available")
class ListScreen(unittest.TestCase):
    def open(self, *extra, **kw):
        p = Pane(["-r", AAA, "--tui", *extra], **kw)
        self.addCleanup(p.close)
        # The status bar says when the whole file has been read.
        p.wait(lambda s: "691 packets, 81 SIP" in s and "reading" not in s)
        return p

    def test_accounts_states_badges_and_exit(self):
        p = self.open()
        s = p.screen()
        r = row(s, "voi18063@")
        self.assertIn("REGISTER", r)
        self.assertIn("registering", r)
        self.assertIn("[E] forbidden", r)
        r = row(s, "voi18062@sip")
        self.assertIn("REGISTER", r)
        self.assertIn("refreshing", r)
        self.assertNotIn("[E]", r)
        r = row(s, "35104723@")
        self.assertIn("REGISTER", r)
        self.assertIn("registered", r)
        self.assertEqual(len(re.findall(r"REGISTER", s)), 3, s)
        self.assertEqual(len(re.findall(r"\bINVITE\b", s)), 4, s)
        self.assertIn("failed 403", s)
        self.assertIn("cancelled", s)
        # The finding of the row under the cursor and the status bar.
        self.assertIn("[E] register.forbidden:", s)
        status = p.lines()[22]
        for want in ("Offline", "aaa.pcap", "691 packets, 81 SIP", "findings: 1"):
            self.assertIn(want, status)
        self.assertTrue(p.lines()[23].startswith("q Quit"), p.lines()[23])
        # q quits with status 0 and the shell's screen comes back.
        s = p.quit(self)
        self.assertNotIn("registration diagnosis", s)
        self.assertNotIn("Quit", s)
        self.assertTrue(s.lstrip().startswith("SWEXIT=0"), s)

    def test_sigterm_restores_terminal(self):
        p = self.open()
        p.keys("Enter")
        p.wait("Ladder: 9 messages")
        sh = int(p.tmux("display-message", "-p", "-t", "0", "#{pane_pid}").stdout)
        with open("/proc/%d/task/%d/children" % (sh, sh)) as f:
            pid = int(f.read().split()[0])       # env has exec'd sipwatch
        os.kill(pid, signal.SIGTERM)
        s = p.wait(re.compile(r"SWEXIT=\d+"))
        self.assertTrue(s.lstrip().startswith("SWEXIT=0"), s)
        self.assertNotIn("Ladder", s)

    def test_ladder_arrows_in_order_with_evidence_marked(self):
        p = self.open()
        p.keys("Enter")
        s = p.wait("Ladder: 9 messages - sip:voi18063@sip.cybercity.dk")
        lines = s.split("\n")
        self.assertIn("phone", lines[1])
        self.assertIn("192.168.1.2:5060", lines[2])
        self.assertIn("212.242.33.35", lines[2])
        # The public address the server saw (Via received) has its column.
        self.assertIn("80.230.219.70", lines[2])
        labels = []
        for i, ln in enumerate(lines[4:-4], start=4):
            m = re.match(r"(\d\d:\d\d:\d\d\.\d{6})\s.*?│\s+(\S.*?)\s+│", ln)
            if m:
                arrow = lines[i + 1]
                labels.append((m.group(1), m.group(2), ">" in arrow, "[E]" in arrow))
        want = [("REGISTER", True), ("401 Unauthorized", False), ("REGISTER", True),
                ("100 Trying", False), ("403 Wrong password", False)]
        self.assertEqual([(l, d) for _, l, d, _ in labels[:5]], want, s)
        times = [t for t, _, _, _ in labels]
        self.assertEqual(times, sorted(times))
        # The REGISTER with credentials and the 403 are the evidence.
        self.assertEqual([m for _, _, _, m in labels[:5]], [False, False, True, False, True], s)
        self.assertIn("17.3 s of silence", s)
        self.assertIn("+17.278870", s)
        # n jumps to the first evidence; its finding shows below.
        p.keys("n")
        s = p.wait("3/9 frame 30")
        self.assertIn("[E] register.forbidden: sip:voi18063@sip.cybercity.dk: 403", s)
        p.quit(self, keys=("q", "q"))

    def test_filter_and_sort(self):
        p = self.open()
        p.keys("/")
        p.wait("Filter (text")
        p.text("35104723")
        p.keys("Enter")
        s = p.wait("3 of 7 items")
        self.assertNotIn("voi18063", s)
        self.assertEqual(len(re.findall(r"35104723@", s)), 3, s)
        p.keys("Escape")
        p.wait("7 of 7 items")
        p.keys("/")
        p.wait("Filter (text")
        p.keys("C-u")
        p.text("method:invite")
        p.keys("Enter")
        s = p.wait("4 of 7 items")
        self.assertNotIn("REGISTER ", s)
        p.keys("Escape")
        p.wait("7 of 7 items")
        # F7: the filter form, the Call-ID field.
        p.keys("F7")
        p.wait("Filter options")
        p.keys("Down")
        p.text("85216695-42dcdb1d")
        p.keys("Enter")
        s = p.wait("1 of 7 items")
        self.assertIn("voi18062@", s)
        self.assertIn("INVITE", s)
        p.keys("Escape")
        p.wait("7 of 7 items")
        # z reverses the order (sngrep's key): the last item comes first.
        p.keys("z")
        s = p.wait("vIdx")
        first = [ln for ln in s.split("\n") if ln.startswith("[")][0]
        self.assertRegex(first, r"^\[ \] 7 ")
        p.quit(self)

    def test_save_selection_to_pcap(self):
        p = self.open()
        out = os.path.join(p.tmp.name, "saved.pcap")
        p.keys("Space")              # select the first account
        p.wait("1 selected")
        p.keys("F2")                 # what to save, as sngrep asks
        s = p.wait("pcap: only these 9 messages (the selection)")
        self.assertIn("a  pcap: every message of the capture", s)
        self.assertIn("t  text: these 9 messages as they were sent", s)
        self.assertIn("n  pcapng: these 9 messages, findings as frame comments", s)
        self.assertIn("h  HTML report of the items of these 9 messages", s)
        p.keys("p")
        p.wait("Save 9 messages to pcap file:")
        p.keys("C-u")
        p.text(out)
        p.keys("Enter")
        p.wait("Saved 9 messages to")
        self.assertTrue(os.path.exists(out))
        r = subprocess.run([tuitest.SIPWATCH, "-r", out, "--json"], capture_output=True,
                           text=True, timeout=30)
        msgs = [json.loads(l) for l in r.stdout.splitlines() if '"type":"message"' in l]
        self.assertEqual(len(msgs), 9, r.stdout + r.stderr)
        finds = [json.loads(l) for l in r.stdout.splitlines() if '"type":"finding"' in l]
        self.assertEqual([f["kind"] for f in finds], ["register.forbidden"])
        p.quit(self)

    def test_save_pcapng_with_findings_and_html(self):
        """F2 offers the annotated pcapng and the HTML report beside pcap."""
        p = self.open()
        ng = os.path.join(p.tmp.name, "saved.pcapng")
        page = os.path.join(p.tmp.name, "saved.html")
        p.keys("Space")              # the account with the 403
        p.wait("1 selected")
        p.keys("F2")
        p.wait("pcap: only these 9 messages")
        p.keys("n")
        p.wait("Save 9 messages to pcapng file (findings as comments):")
        p.keys("C-u")
        p.text(ng)
        p.keys("Enter")
        p.wait("Saved 9 messages to")
        r = subprocess.run(["tshark", "-r", ng, "-Y", "frame.comment", "-T", "fields",
                            "-e", "frame.comment"], capture_output=True, text=True, timeout=60)
        self.assertIn("sipwatch #0 error register.forbidden", r.stdout, r.stderr)
        p.keys("F2")
        p.wait("pcap: only these 9 messages")
        p.keys("h")
        p.wait("HTML report of these 9 messages' items, to file:")
        p.keys("C-u")
        p.text(page)
        p.keys("Enter")
        p.wait("Wrote the HTML report")
        with open(page, encoding="utf-8") as f:
            html = f.read()
        self.assertIn('id="f0"', html)
        self.assertIn("register.forbidden", html)
        self.assertEqual(html.count('<g class="m '), 9)
        p.quit(self)

    def test_save_everything_and_text(self):
        p = self.open()
        out = os.path.join(p.tmp.name, "all.pcap")
        p.keys("F2")
        p.wait("Save")
        p.keys("a")
        s = p.wait(re.compile(r"Save all (\d+) messages to pcap file:"))
        n = int(re.search(r"Save all (\d+) messages", s).group(1))
        p.keys("C-u")
        p.text(out)
        p.keys("Enter")
        p.wait("Saved %d messages to" % n)
        r = subprocess.run([tuitest.SIPWATCH, "-r", out, "--json"], capture_output=True,
                           text=True, timeout=30)
        msgs = [json.loads(l) for l in r.stdout.splitlines() if '"type":"message"' in l]
        self.assertEqual(len(msgs), 81, r.stderr)  # every SIP message of the capture
        # The text of the selection (the cursor's row), as the wire had it.
        txt = os.path.join(p.tmp.name, "reg.txt")
        p.keys("s")
        p.wait("Save")
        p.keys("t")
        p.wait("Save the text of 9 messages to file:")
        p.keys("C-u")
        p.text(txt)
        p.keys("Enter")
        p.wait("Saved 9 messages to")
        with open(txt, "rb") as f:
            data = f.read()
        self.assertTrue(data.startswith(b"2005-07-04T09:32:52.844249Z 192.168.1.2:5060 -> "
                                        b"212.242.33.35:5060 UDP frame 19\nREGISTER sip:sip."
                                        b"cybercity.dk SIP/2.0\r\n"), data[:200])
        self.assertEqual(data.count(b" UDP frame "), 9)
        self.assertIn(b"SIP/2.0 403 Wrong password\r\n", data)
        p.quit(self)


if __name__ == "__main__":
    tuitest.main()
