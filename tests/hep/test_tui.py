# SPDX-License-Identifier: BSD-2-Clause
"""The interactive view on a HEP stream (-L), as on -i: the list fills while
another sipwatch sends a capture with -H, the status line counts the SIP
messages, the finding is marked, the ladder opens. Loopback only."""
import os
import re
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tui"))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import heplib  # noqa: E402
import tuitest  # noqa: E402
from tuitest import Pane, row  # noqa: E402


class HepTui(unittest.TestCase):
    def test_list_fills_from_agents(self):
        port = heplib.free_port()
        p = Pane(["-L", "udp:127.0.0.1:%d" % port, "--tui"])
        self.addCleanup(p.close)
        s = p.wait("Waiting for SIP traffic")
        self.assertIn("HEP udp:127.0.0.1:%d" % port, s)
        r = subprocess.run([tuitest.SIPWATCH, "-r", tuitest.pcap("lab", "wrong_password.pcap"),
                            "-H", "udp:127.0.0.1:%d" % port, "-q", "--report"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        s = p.wait(lambda s: "12 SIP" in s and "1001@198.51.100.10" in s)
        self.assertRegex(row(s, "1001@198.51.100.10"), r"REGISTER\s+1001@198\.51\.100\.10")
        p.keys("Enter")
        s = p.wait(re.compile(r"Ladder: 12 messages"))
        self.assertIn("401", s)
        # The collector still runs: q on the list asks first.
        p.keys("q", "q")
        p.wait("Stop it and quit?")
        p.quit(self, keys=("y",))


if __name__ == "__main__":
    tuitest.main()
