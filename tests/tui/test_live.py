# SPDX-License-Identifier: BSD-2-Clause
"""Live mode: sipwatch -i on one end of a veth pair between two throwaway
network namespaces, a registrar behind it and a phone on the other end.
The list must fill and update while the capture runs; A follows the newest
item, p pauses the capture, F5 clears the list; q asks before quitting while
the capture runs or when its packets were not saved. Root only (SKIP)."""
import os
import subprocess
import sys
import re
import select
import shutil
import tempfile
import unittest

import tuitest
from tuitest import Pane, row

HERE = os.path.dirname(os.path.abspath(__file__))
SIM = os.path.join(HERE, "sipsim.py")


def sh(*args, check=True):
    return subprocess.run(args, capture_output=True, text=True, check=check)


class Live(unittest.TestCase):
    def setUp(self):
        pid = os.getpid()
        self.ns_a, self.ns_b = "swtuiA%d" % pid, "swtuiB%d" % pid
        self.if_a, self.if_b = "swta%d" % pid, "swtb%d" % pid
        net = "10.%d.%d" % (200 + pid % 50, pid // 50 % 250)
        self.ip_a, self.ip_b = net + ".1", net + ".2"
        self.addCleanup(self.teardown_net)
        sh("ip", "netns", "add", self.ns_a)
        sh("ip", "netns", "add", self.ns_b)
        sh("ip", "link", "add", self.if_a, "netns", self.ns_a, "type", "veth",
           "peer", "name", self.if_b, "netns", self.ns_b)
        for ns, ifc, ip in ((self.ns_a, self.if_a, self.ip_a), (self.ns_b, self.if_b, self.ip_b)):
            sh("ip", "-n", ns, "addr", "add", ip + "/24", "dev", ifc)
            sh("ip", "-n", ns, "link", "set", ifc, "up")
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        self.server = subprocess.Popen(["ip", "netns", "exec", self.ns_a, sys.executable, SIM,
                                        "server", self.ip_a, "5060", "60"],
                                       stdout=subprocess.PIPE, text=True)
        self.addCleanup(self.stop_server)
        # Bounded wait for the registrar's socket.
        ready, _, _ = select.select([self.server.stdout], [], [], 10)
        self.assertTrue(ready and self.server.stdout.readline().strip() == "ready",
                        "registrar did not start")

    def stop_server(self):
        self.server.kill()
        self.server.wait()

    def teardown_net(self):
        sh("ip", "netns", "del", self.ns_a, check=False)
        sh("ip", "netns", "del", self.ns_b, check=False)

    def phone(self, n, user="1001"):
        r = sh("ip", "netns", "exec", self.ns_b, sys.executable, SIM, "phone", self.ip_b, "5060",
               self.ip_a, "5060", str(n), user, check=False)
        self.assertEqual(r.returncode, 0, "phone got no 200 OK: " + r.stderr)

    def test_list_updates_while_capturing(self):
        p = Pane(["-i", self.if_a, "--tui", "udp port 5060"],
                 prefix=["ip", "netns", "exec", self.ns_a])
        self.addCleanup(p.close)
        s = p.wait("Waiting for SIP traffic")
        self.assertIn("Live", s)
        self.assertIn("capturing", s)
        # The capture is open before the screen is drawn: send right away.
        self.phone(1)
        s = p.wait(lambda s: "1001@swtui.test" in s and " registered " in row(s, "1001@swtui"))
        self.assertRegex(row(s, "1001@swtui"), r"REGISTER\s+1001@swtui\.test.*registered\s+\S+\s+2\b")
        self.assertIn("2 SIP", s)
        self.phone(2)
        s = p.wait(re.compile(r"REGISTER\s+1001@swtui\.test.*registered\s+\S+\s+6\b"))
        self.assertIn("6 SIP", s)
        self.assertIn("Live", s)
        self.assertIn("capturing", s)
        # The ladder is live too.
        p.keys("Enter")
        s = p.wait("Ladder: 6 messages")
        self.assertEqual(s.count("200 OK"), 3, s)
        # q on the list while the capture runs asks first; n stays.
        p.keys("q", "q")
        p.wait("The live capture is still running. Stop it and quit?")
        p.keys("n")
        p.wait_gone("Stop it and quit?")
        self.assertIn("capturing", p.screen())
        p.quit(self, keys=("q", "y"))

    def ladder_title(self, p):
        """The AOR under the cursor, by opening its ladder."""
        p.keys("Enter")
        s = p.wait(re.compile(r"Ladder: \d+ messages? - sip:(\d+)@"))
        aor = re.search(r"Ladder: \d+ messages? - sip:(\d+)@", s).group(1)
        p.keys("Escape")
        p.wait("Display filter")
        return aor

    def test_autoscroll_pause_and_clear(self):
        p = Pane(["-i", self.if_a, "--tui", "udp port 5060"],
                 prefix=["ip", "netns", "exec", self.ns_a], width=100)
        self.addCleanup(p.close)
        p.wait("Waiting for SIP traffic")
        self.phone(1, "1001")
        p.wait(lambda s: "1001@swtui" in s)
        self.phone(1, "1002")
        p.wait(lambda s: "1002@swtui" in s)
        # Live, the list follows the newest item (A is on).
        self.assertEqual(self.ladder_title(p), "1002")
        p.keys("A")
        p.wait("Autoscroll off")
        self.phone(1, "1003")
        p.wait(lambda s: "1003@swtui" in s)
        self.assertEqual(self.ladder_title(p), "1002")
        # p: nothing is read while paused; the kernel keeps the packets.
        p.keys("p")
        p.wait(lambda s: "Capture paused" in s)
        self.phone(1, "1004")
        s = p.wait(lambda s: "Capture paused" not in s and "| paused" in s)
        self.assertNotIn("1004@swtui", s)
        p.keys("p")
        s = p.wait(lambda s: "1004@swtui" in s and "capturing" in s)
        self.assertIn("4 of 4 items", s)
        # F5: the list starts again from the traffic to come.
        p.keys("F5")
        s = p.wait("List cleared")
        self.assertIn("Waiting for SIP traffic", s)
        self.phone(1, "1002")
        # The REGISTER and its answer since the clearing, not the earlier ones.
        s = p.wait(lambda s: "1002@swtui" in s and
                   re.search(r"registered\s+\S+\s+2\b", row(s, "1002@swtui")))
        self.assertIn("1 of 1 item", s)
        self.assertNotIn("1001@swtui", s)
        p.quit(self, keys=("q", "y"))

    def test_quit_asks_when_the_packets_are_not_saved(self):
        # -c 2: the capture ends after the REGISTER and its answer.
        p = Pane(["-i", self.if_a, "--tui", "-c", "2", "udp port 5060"],
                 prefix=["ip", "netns", "exec", self.ns_a])
        self.addCleanup(p.close)
        p.wait("Waiting for SIP traffic")
        self.phone(1)
        p.wait(lambda s: "1001@swtui" in s and "capturing" not in s)
        p.keys("q")
        s = p.wait("Nothing of this capture was saved (-w keeps the packets, F2 the text).")
        self.assertIn("Quit anyway?", s)
        p.keys("Escape")
        p.wait_gone("Quit anyway?")
        # Live packets are not kept for a pcap; their text is (F2, t), and
        # once saved, q quits without asking.
        p.keys("F2")
        p.wait("Save")
        p.keys("p")
        p.wait("Save 2 messages to pcap file:")
        p.keys("Enter")
        p.wait("Not saved: live packets are not kept; capture with -w FILE to save them")
        d = tempfile.mkdtemp(prefix="swlive-")
        self.addCleanup(shutil.rmtree, d, True)
        os.chmod(d, 0o777)  # written after dropping to nobody
        txt = os.path.join(d, "live.txt")
        p.keys("F2")
        p.wait("Save")
        p.keys("t")
        p.wait("Save the text of 2 messages to file:")
        p.keys("C-u")
        p.text(txt)
        p.keys("Enter")
        p.wait("Saved 2 messages to")
        with open(txt) as f:
            self.assertIn("SIP/2.0 200 OK", f.read())
        p.quit(self, keys=("q",))

    def test_quit_does_not_ask_when_written_with_w(self):
        d = tempfile.mkdtemp(prefix="swlive-")
        self.addCleanup(shutil.rmtree, d, True)
        out = os.path.join(d, "live.pcap")
        os.chmod(os.path.dirname(out), 0o777)  # written after dropping to nobody
        p = Pane(["-i", self.if_a, "--tui", "-c", "2", "-w", out, "udp port 5060"],
                 prefix=["ip", "netns", "exec", self.ns_a])
        self.addCleanup(p.close)
        p.wait("Waiting for SIP traffic")
        self.phone(1)
        p.wait(lambda s: "1001@swtui" in s and "capturing" not in s)
        p.quit(self, keys=("q",))
        self.assertTrue(os.path.getsize(out) > 24)


if __name__ == "__main__":
    if os.geteuid() != 0:
        print("SKIP: live capture in network namespaces needs root")
        sys.exit(tuitest.SKIP)
    if sh("ip", "netns", "list", check=False).returncode != 0:
        print("SKIP: no network namespaces (ip netns)")
        sys.exit(tuitest.SKIP)
    tuitest.main()
