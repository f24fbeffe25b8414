# SPDX-License-Identifier: BSD-2-Clause
"""The command line as a user meets it: usage errors, unreadable or broken
input (one clear line naming the file and the problem, exit 2), damaged
captures analysed up to the damage, text and JSON output, exit codes."""
import gzip
import os
import shutil
import struct
import tempfile
import unittest

import swtest

UDP_REGISTER = swtest.pcap("decode", "udp_register.pcap")


class Cli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="swcli-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def path(self, name, data=None):
        p = os.path.join(self.tmp, name)
        if data is not None:
            with open(p, "wb") as f:
                f.write(data)
        return p

    def assertFails(self, args, *needles):
        r = swtest.run(*args)
        self.assertEqual(r.rc, 2, f"exit status for {args}: {r.err}")
        lines = [l for l in r.err.splitlines() if l.strip()]
        self.assertTrue(lines, "no error message")
        for n in needles:
            self.assertIn(n.lower(), r.err.lower())
        self.assertEqual(r.out, "", "nothing on stdout when the input is unreadable")
        return r

    # --- usage ---------------------------------------------------------------
    def test_no_input(self):
        self.assertFails([], "nothing to read")

    def test_unknown_option(self):
        self.assertFails(["--bogus", "-r", UDP_REGISTER], "--bogus")

    def test_bad_count(self):
        self.assertFails(["-c", "x", "-r", UDP_REGISTER], "-c")

    def test_bad_fail_on(self):
        self.assertFails(["--fail-on", "fatal", "-r", UDP_REGISTER], "fatal")

    def test_help_and_version(self):
        r = swtest.run("--help")
        self.assertEqual(r.rc, 0)
        for opt in ("-r FILE", "-i INTERFACE", "-w FILE", "-c COUNT", "-s SNAPLEN", "-Z USER",
                    "-D", "--json", "--fail-on"):
            self.assertIn(opt, r.out)
        r = swtest.run("--version")
        self.assertEqual(r.rc, 0)
        self.assertRegex(r.out, r"^sipwatch \d+\.\d+")

    # --- unreadable input --------------------------------------------------
    def test_missing_file(self):
        p = self.path("does-not-exist.pcap")
        self.assertFails(["-r", p], p, "No such file")

    def test_directory(self):
        self.assertFails(["-r", self.tmp], self.tmp, "directory")

    def test_empty_file(self):
        p = self.path("empty.pcap", b"")
        self.assertFails(["-r", p], p, "empty")

    def test_not_a_capture(self):
        p = self.path("page.pcap", b"<html><body>not a capture</body></html>\n")
        self.assertFails(["-r", p], p, "not a")

    def test_truncated_header(self):
        with open(UDP_REGISTER, "rb") as f:
            head = f.read(10)
        p = self.path("short.pcap", head)
        self.assertFails(["-r", p], p)

    def test_unsupported_link_type(self):
        hdr = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 147)  # USER0
        rec = struct.pack("<IIII", 1, 0, 4, 4) + b"abcd"
        p = self.path("user0.pcap", hdr + rec)
        self.assertFails(["-r", p], p, "link type 147")

    def test_bad_filter(self):
        self.assertFails(["-r", UDP_REGISTER, "udp", "port", "notaport"], "notaport")

    def test_one_bad_file_among_good(self):
        p = self.path("missing2.pcap")
        self.assertFails(["-r", UDP_REGISTER, "-r", p], p)

    # --- damaged input: analysed up to the damage ------------------------
    def test_truncated_capture_is_analysed_up_to_the_damage(self):
        with open(UDP_REGISTER, "rb") as f:
            data = f.read()
        p = self.path("cut.pcap", data[:-40])
        r = swtest.run("-r", p, "--json")
        self.assertEqual(r.rc, 0, r.err)
        msgs = r.objects("message")
        self.assertEqual([m.get("method") or m.get("status") for m in msgs],
                         ["REGISTER", 401, "REGISTER"])
        s = r.summary()
        self.assertFalse(s["complete"])
        inp = s["inputs"][0]
        self.assertTrue(inp["damaged"])
        self.assertEqual(inp["packets"], 3)
        self.assertIn("truncated", inp["error"])
        self.assertIn(p, r.err, "damage is reported on stderr with the file name")
        rep = swtest.run("-r", p, "--report")
        self.assertIn("damaged", rep.out)

    # --- inputs ------------------------------------------------------------
    def test_gzip_by_content_and_stdin(self):
        with open(UDP_REGISTER, "rb") as f:
            raw = f.read()
        p = self.path("noext", gzip.compress(raw))
        a = swtest.run("-r", p, "--json").objects("message")
        with open(p, "rb") as f:
            b = swtest.run("-r", "-", "--json", stdin=f).objects("message")
        self.assertEqual(len(a), 4)
        self.assertEqual([m["frame"] for m in a], [m["frame"] for m in b])
        self.assertEqual(b[0]["file"], "-")

    def test_merge_two_files_in_time_order(self):
        a = swtest.pcap("decode", "udp_register.pcap")
        b = swtest.pcap("decode", "keepalives.pcap")
        r = swtest.run("-r", b, "-r", a, "--json")
        msgs = r.objects("message")
        ts = [m["ts"] for m in msgs]
        self.assertEqual(ts, sorted(ts), "merged output is in capture-time order")
        self.assertEqual({m["file"] for m in msgs}, {a, b}, "each message names its file")
        one = len(swtest.run("-r", a, "--json").objects("message"))
        two = len(swtest.run("-r", b, "--json").objects("message"))
        self.assertEqual(len(msgs), one + two)

    def test_count_and_filter(self):
        r = swtest.run("-r", UDP_REGISTER, "-c", "2", "--json")
        self.assertEqual(r.summary()["packets"], 2)
        r = swtest.run("-r", UDP_REGISTER, "--json", "src", "port", "5060", "and", "dst",
                       "host", "192.168.77.1")
        self.assertEqual([m["method"] for m in r.objects("message")], ["REGISTER", "REGISTER"])

    def test_write_copies_what_was_read(self):
        out = self.path("copy.pcap")
        r = swtest.run("-r", UDP_REGISTER, "-w", out, "-c", "3", "--json")
        self.assertEqual(r.rc, 0, r.err)
        again = swtest.run("-r", out, "--json")
        self.assertEqual(len(again.objects("message")), 3)

    # --- output --------------------------------------------------------------
    def test_messages_text_line(self):
        r = swtest.run("-r", UDP_REGISTER, "--messages")
        self.assertEqual(r.rc, 0)
        lines = r.out.splitlines()
        self.assertEqual(len(lines), 4)
        self.assertRegex(lines[0], r"^1 \d{4}-\d\d-\d\dT[\d:.]+Z 192\.168\.77\.10:5060 > "
                                   r"192\.168\.77\.1:5060 UDP REGISTER sip:\S+ CSeq 1 REGISTER "
                                   r"Call-ID reg-base@sipwatch\.test$")
        self.assertIn("401 Unauthorized", lines[1])
        self.assertIn("4 SIP messages", r.err)

    def test_json_never_prints_digest_response(self):
        r = swtest.run("-r", UDP_REGISTER, "--json")
        auth = [a for m in r.objects("message") for a in m.get("auth", [])
                if a["header"] == "Authorization"]
        self.assertTrue(auth and auth[0]["has_response"])
        self.assertNotIn("response=", r.out)
        with open(UDP_REGISTER, "rb") as f:
            raw = f.read()
        i = raw.find(b'response="')
        self.assertGreater(i, 0)
        digest = raw[i + 10:raw.index(b'"', i + 10)].decode()
        self.assertNotIn(digest, r.out)
        self.assertNotIn(digest, swtest.run("-r", UDP_REGISTER, "--report").out)

    def test_fail_on_exit_codes(self):
        bad = swtest.pcap("decode", "icmp_port_unreachable.pcap")
        self.assertEqual(swtest.run("-r", bad, "--report", "--fail-on", "error").rc, 1)
        self.assertEqual(swtest.run("-r", bad, "--report").rc, 0)
        self.assertEqual(swtest.run("-r", UDP_REGISTER, "--report", "--fail-on", "warning").rc, 0)


if __name__ == "__main__":
    swtest.main()
