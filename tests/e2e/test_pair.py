# SPDX-License-Identifier: BSD-2-Clause
"""Two captures of one path (analyze/pair.c, docs/pairs.md), end to end on the
lab's pairs (pcaps/lab/MANIFEST.md: the same traffic captured next to the phone
and at the server, through real Linux NAT): the clean pairs report the NAT
mapping and nothing else; the blocked return path and the kernel's SIP ALG are
found with the frames that prove them. Synthetic variants made on the fly by
tests/tools/mkpair.py (server clock off by seconds, a message lost on the way
to the server) check the clock offset and the loss direction."""
import os
import subprocess
import sys
import tempfile
import unittest

import swtest

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools")
PHONE, SERVER = "192.168.1.100:5060", "203.0.113.2:5060"


def lab(name):
    return swtest.pcap("lab", name)


def pair_run(*files, extra=()):
    args = []
    for f in files:
        args += ["-r", f]
    return swtest.run(*args, "--json", *extra)


def one(objs):
    if len(objs) != 1:
        raise AssertionError(f"expected one object, got {len(objs)}")
    return objs[0]


def mkpair(*args):
    subprocess.run([sys.executable, os.path.join(TOOLS, "mkpair.py"), *args], check=True)


class Pair(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def tmpfile(self, name):
        return os.path.join(self.tmp.name, name)

    def assertClean(self, r):
        """Nothing reported beyond the NAT translation itself."""
        self.assertEqual(r.rc, 0, r.err)
        bad = [(f["kind"], f["cause"]) for f in r.objects("finding")
               if f["severity"] != "info"]
        self.assertEqual(bad, [])
        p = one(r.objects("pair"))
        self.assertEqual(p["status"], "paired")
        self.assertEqual(p["lost"], {"to_server": 0, "to_phone": 0})
        self.assertEqual(p["changed"], 0)
        self.assertEqual(p["rewrites"], 0)
        self.assertEqual(r.objects("path_loss"), [])
        for m in r.objects("path_match"):
            self.assertEqual(m["diffs"], [], m)
        return p

    def assertRoles(self, p, phone_file, confidence="high"):
        self.assertEqual(p["phone"]["file"], phone_file)
        self.assertEqual(p["confidence"], confidence)

    # ---- clean pairs ---------------------------------------------------------

    def test_healthy_pair(self):
        r = pair_run(lab("healthy_pair.pcap"), lab("healthy_pair-server.pcap"))
        p = self.assertClean(r)
        self.assertRoles(p, lab("healthy_pair.pcap"))
        self.assertEqual(set(p["cues_for"]), {"private_address", "via_sent_by", "timing"})
        self.assertEqual(p["matched"], 6)
        self.assertEqual(p["delivered"], {"to_server": 3, "to_phone": 3})
        self.assertEqual([(m["role"], m["inside"], m["outside"], m["messages"])
                          for m in p["mappings"]], [("phone", PHONE, SERVER, 6)])
        off = p["clock_offset"]
        self.assertLess(abs(off["seconds"]), 0.001)
        self.assertGreater(off["one_way_delay"], 0)
        # manifest: frames 1-6 in both, same numbers
        ms = r.objects("path_match")
        self.assertEqual([(m["phone"]["frame"], m["server"]["frame"]) for m in ms],
                         [(i, i) for i in range(1, 7)])
        self.assertEqual([m["direction"] for m in ms], ["to_server", "to_phone"] * 3)
        self.assertEqual(ms[0]["server"]["src"], SERVER)
        self.assertEqual(ms[0]["phone"]["src"], PHONE)

    def test_order_of_files_does_not_matter(self):
        r = pair_run(lab("healthy_pair-server.pcap"), lab("healthy_pair.pcap"))
        p = self.assertClean(r)
        self.assertRoles(p, lab("healthy_pair.pcap"))
        self.assertEqual(p["mappings"][0]["inside"], PHONE)

    def test_sides_given(self):
        r = swtest.run("--sides", lab("healthy_pair.pcap") + "," + lab("healthy_pair-server.pcap"),
                       "--json")
        p = self.assertClean(r)
        self.assertRoles(p, lab("healthy_pair.pcap"), "given")
        self.assertEqual(p["cues_against"], [])
        # given the wrong way round: obeyed, and the cues say so
        r = swtest.run("-r", lab("healthy_pair.pcap"), "-r", lab("healthy_pair-server.pcap"),
                       "--sides", lab("healthy_pair-server.pcap") + "," + lab("healthy_pair.pcap"),
                       "--json")
        p = one(r.objects("pair"))
        self.assertRoles(p, lab("healthy_pair-server.pcap"), "given")
        self.assertEqual(set(p["cues_against"]), {"private_address", "via_sent_by", "timing"})

    def test_call_pair(self):
        p = self.assertClean(pair_run(lab("call.pcap"), lab("call-server.pcap")))
        self.assertRoles(p, lab("call.pcap"))
        self.assertEqual(p["matched"], 14)  # the phone's 14 messages; the relayed leg is not
        self.assertEqual(p["unsent"], {"to_server": 0, "to_phone": 0})

    def test_options_pair(self):
        """The phone ignores the server's OPTIONS: both views together say so
        (as each alone does), and the path itself changed and lost nothing."""
        r = pair_run(lab("options_unanswered.pcap"), lab("options_unanswered-server.pcap"))
        self.assertEqual(r.rc, 0, r.err)
        bad = [(f["kind"], f["cause"]) for f in r.objects("finding") if f["severity"] != "info"]
        self.assertEqual(bad, [("keepalive.options_unanswered", None)])
        p = one(r.objects("pair"))
        self.assertEqual(p["status"], "paired")
        self.assertEqual(p["matched"], 22)

    def test_clock_offset_synthetic(self):
        shifted = self.tmpfile("healthy_pair-server-clock+7.25s-synthetic.pcap")
        mkpair("shift", lab("healthy_pair-server.pcap"), shifted, "7.25")
        r = pair_run(shifted, lab("healthy_pair.pcap"))
        p = self.assertClean(r)
        self.assertRoles(p, lab("healthy_pair.pcap"))
        off = p["clock_offset"]
        self.assertAlmostEqual(off["seconds"], 7.25, delta=0.001)
        self.assertLess(off["one_way_delay"], 0.001)
        self.assertEqual(p["matched"], 6)
        for m in r.objects("path_match"):
            self.assertLess(abs(m["transit"]), 0.001, m)

    # ---- losses --------------------------------------------------------------

    def test_nat_return_blocked(self):
        r = pair_run(lab("nat_return_blocked.pcap"), lab("nat_return_blocked-server.pcap"))
        self.assertEqual(r.rc, 0, r.err)
        p = one(r.objects("pair"))
        self.assertRoles(p, lab("nat_return_blocked.pcap"))
        self.assertEqual(p["matched"], 11)  # every REGISTER arrived
        self.assertEqual(p["lost"]["to_server"], 0)
        # every 401 but the last, which would have arrived after the phone's capture ended
        self.assertEqual(p["lost"]["to_phone"], 10)
        self.assertEqual(p["outside_window"]["to_phone"], 1)
        self.assertTrue(p["clock_offset"]["one_direction"])
        losses = r.objects("path_loss")
        self.assertEqual([(x["seen"], x["direction"], x["what"], x["frame"]) for x in losses],
                         [("server", "to_phone", "401 Unauthorized", f) for f in range(2, 21, 2)])
        f = one([x for x in r.objects("finding")
                 if (x["kind"], x["cause"]) == ("nat.return_path_blocked", "path_loss")])
        self.assertEqual(f["severity"], "error")
        self.assertFalse(f["suspected"])
        ev = {(os.path.basename(e["file"]), e["frame"]) for e in f["evidence"]}
        srv = {("nat_return_blocked-server.pcap", n) for n in range(2, 21, 2)}
        ph = {("nat_return_blocked.pcap", n) for n in range(1, 12)}
        self.assertLessEqual(srv | ph, ev)
        self.assertEqual(f["facts"]["lost_to_phone"], "10")
        self.assertEqual(f["facts"]["direction"], "server -> phone")
        self.assertEqual(f["facts"]["public"], SERVER)
        self.assertEqual(f["facts"]["phone"], PHONE)
        self.assertEqual(f["client"], PHONE)

    def test_request_lost_synthetic(self):
        """The server capture misses the phone's second REGISTER (and so never
        sends its 200): one loss phone -> server, one arrival never sent."""
        lossy = self.tmpfile("healthy_pair-server-drop3,4-synthetic.pcap")
        mkpair("drop", lab("healthy_pair-server.pcap"), lossy, "3,4")
        r = pair_run(lab("healthy_pair.pcap"), lossy)
        p = one(r.objects("pair"))
        self.assertEqual(p["status"], "paired")
        self.assertRoles(p, lab("healthy_pair.pcap"))
        self.assertEqual(p["matched"], 4)
        self.assertEqual(p["lost"], {"to_server": 1, "to_phone": 0})
        self.assertEqual(p["unsent"], {"to_server": 0, "to_phone": 1})
        loss = one(r.objects("path_loss"))
        self.assertEqual((loss["seen"], loss["direction"], loss["what"], loss["cseq"],
                          loss["frame"]), ("phone", "to_server", "REGISTER", 2, 3))
        self.assertEqual([f for f in r.objects("finding")
                          if f["kind"] == "nat.return_path_blocked"], [])

    # ---- SIP ALG -------------------------------------------------------------

    def test_alg(self):
        r = pair_run(lab("alg.pcap"), lab("alg-server.pcap"))
        self.assertEqual(r.rc, 0, r.err)
        p = one(r.objects("pair"))
        self.assertRoles(p, lab("alg.pcap"))
        self.assertIn("private_address", p["cues_for"])
        self.assertNotIn("via_sent_by", p["cues_for"])  # the ALG rewrote Via: no cue
        self.assertEqual(p["lost"], {"to_server": 0, "to_phone": 0})
        self.assertEqual(p["changed"], p["matched"])
        ms = {(m["phone"]["frame"], m["server"]["frame"]): m for m in r.objects("path_match")}

        def diffs(m):
            return {(d["field"], d["index"]): d for d in m["diffs"]}

        # REGISTER, phone 1 -> server 5: Via sent-by and Contact
        d = diffs(ms[(1, 5)])
        self.assertEqual(ms[(1, 5)]["direction"], "to_server")
        self.assertIn("SIP/2.0/UDP 192.168.1.100:5060;", d[("Via", 0)]["before"])
        self.assertIn("SIP/2.0/UDP 203.0.113.2:5060;", d[("Via", 0)]["after"])
        self.assertEqual(d[("Via", 0)]["class"], "rewrite")
        self.assertTrue(d[("Via", 0)]["nat_translated"])
        self.assertEqual((d[("Contact", 0)]["before"], d[("Contact", 0)]["after"]),
                         ("<sip:1001@192.168.1.100:5060>", "<sip:1001@203.0.113.2:5060>"))
        # INVITE, phone 8 -> server 12: SDP o= and c=, Content-Length; m= unchanged
        d = diffs(ms[(8, 12)])
        self.assertEqual((d[("Content-Length", 0)]["before"], d[("Content-Length", 0)]["after"]),
                         ("246", "242"))
        self.assertEqual((d[("SDP c=", 0)]["before"], d[("SDP c=", 0)]["after"]),
                         ("IN IP4 192.168.1.100", "IN IP4 203.0.113.2"))
        self.assertTrue(d[("SDP o=", 0)]["after"].endswith("IN IP4 203.0.113.2"))
        self.assertNotIn(("SDP m=", 0), d)
        # 200 to the REGISTER, server 8 -> phone 4: rewritten back
        m = ms[(4, 8)]
        self.assertEqual(m["direction"], "to_phone")
        d = diffs(m)
        self.assertIn("203.0.113.2:5060", d[("Via", 0)]["before"])
        self.assertIn("192.168.1.100:5060", d[("Via", 0)]["after"])
        f = one([x for x in r.objects("finding")
                 if (x["kind"], x["cause"]) == ("alg.rewrite", "path_diff")])
        self.assertEqual(f["severity"], "warning")
        self.assertFalse(f["suspected"])
        self.assertEqual(f["facts"]["content_length"], "246 => 242")
        self.assertEqual(f["facts"]["sdp_c"], "IN IP4 192.168.1.100 => IN IP4 203.0.113.2")
        for key in ("via", "contact", "sdp_o"):
            self.assertIn(key, f["facts"])
        ev = {(os.path.basename(e["file"]), e["frame"]) for e in f["evidence"]}
        self.assertLessEqual({("alg.pcap", 1), ("alg-server.pcap", 5)}, ev)

    def test_report_section(self):
        r = swtest.run("-r", lab("alg.pcap"), "-r", lab("alg-server.pcap"), "--report")
        self.assertIn("Path between the captures", r.out)
        self.assertIn("NAT: phone 192.168.1.100:5060 <-> 203.0.113.2:5060", r.out)
        self.assertIn("Changed on the way (14 messages):", r.out)
        self.assertIn("=> IN IP4 203.0.113.2", r.out)
        r = swtest.run("-r", lab("nat_return_blocked.pcap"), "-r",
                       lab("nat_return_blocked-server.pcap"), "--report")
        self.assertIn("Lost on the way server -> phone (10):", r.out)
        self.assertIn("nat.return_path_blocked (path_loss)", r.out)

    # ---- not a pair ------------------------------------------------------------

    def test_unrelated_files_are_merged(self):
        r = pair_run(lab("healthy.pcap"), lab("wrong_port.pcap"))
        p = one(r.objects("pair"))
        self.assertEqual(p["status"], "unrelated")
        self.assertIn(p["reason"], ("no message appears in both files",
                                    "too few messages appear in both files"))
        self.assertEqual(r.objects("path_match"), [])
        self.assertEqual(r.objects("path_loss"), [])
        merged = swtest.run("-r", lab("healthy.pcap"), "-r", lab("wrong_port.pcap"), "--json",
                            "--no-pair")
        key = lambda o: (o["kind"], o["cause"], o["severity"])  # noqa: E731
        self.assertEqual(sorted(map(key, r.objects("finding"))),
                         sorted(map(key, merged.objects("finding"))))
        self.assertEqual(merged.objects("pair"), [])
        rep = swtest.run("-r", lab("healthy.pcap"), "-r", lab("wrong_port.pcap"), "--report")
        self.assertIn("do not look like two views of one path", rep.out)

    def test_same_file_twice(self):
        p = one(pair_run(lab("healthy_pair.pcap"), lab("healthy_pair.pcap")).objects("pair"))
        self.assertEqual(p["status"], "identical")

    def test_one_file_no_pair(self):
        self.assertEqual(pair_run(lab("healthy_pair.pcap")).objects("pair"), [])

    def test_bad_sides(self):
        for args in (["--sides", lab("healthy_pair.pcap")],
                     ["--sides", lab("healthy_pair.pcap") + "," + lab("healthy_pair.pcap")],
                     ["-r", lab("healthy.pcap"), "--sides",
                      lab("healthy_pair.pcap") + "," + lab("healthy_pair-server.pcap")],
                     ["--no-pair", "--sides",
                      lab("healthy_pair.pcap") + "," + lab("healthy_pair-server.pcap")]):
            r = swtest.run(*args, "--json")
            self.assertEqual(r.rc, 2, args)
            self.assertEqual(len(r.err.strip().splitlines()), 1, r.err)


if __name__ == "__main__":
    swtest.main()
