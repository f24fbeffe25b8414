# SPDX-License-Identifier: BSD-2-Clause
"""Broken captures (pcaps/broken/MANIFEST.md, made by tests/tools/make-broken.py)
and hostile special files: each gets a clear error (exit 2, one line naming
the file) or an analysis up to the damage that says where it stopped (exit 0,
"complete": false), never a crash, a sanitizer report or a hang; the same in
every output mode and from stdin. Big inputs are made here, not committed:
a directory, /dev/zero, a FIFO, 4 GB sparse files, a gzip bomb."""
import gzip
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import swtest

BROKEN = swtest.pcap("broken")
TIME_LIMIT = 60  # seconds any single run may take (a hang fails the test)


def manifest():
    rows = []
    with open(os.path.join(BROKEN, "MANIFEST.md"), encoding="utf-8") as f:
        for line in f:
            if not line.startswith("| ") or line.startswith("| file ") or line.startswith("|---"):
                continue
            cells = [c.strip().replace("\\|", "|") for c in line.strip().strip("|").split(" | ")]
            name, what, result, packets, needle = cells
            rows.append((name, what, result, int(packets) if packets else None, needle))
    return rows


class Broken(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="swbroken-")
        cls.rows = manifest()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # --- helpers -------------------------------------------------------------
    def run_sw(self, *args, stdin=None, timeout=TIME_LIMIT):
        t = time.monotonic()
        r = swtest.run(*args, timeout=timeout, stdin=stdin)
        r.seconds = time.monotonic() - t
        self.assertGreaterEqual(r.rc, 0, f"{args}: killed by signal {-r.rc}\n{r.err[-2000:]}")
        for bad in ("AddressSanitizer", "LeakSanitizer", "runtime error:", "Segmentation",
                    "Aborted", "core dumped"):
            self.assertNotIn(bad, r.err, f"{args}: {r.err[-3000:]}")
        return r

    def names(self, r, shown):
        return [shown]

    def check_error(self, r, shown, needle):
        self.assertEqual(r.rc, 2, f"{r.args}: exit status {r.rc}, stderr {r.err!r}")
        self.assertEqual(r.out, "", f"{r.args}: stdout must stay empty on an unreadable input")
        lines = [l for l in r.err.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, f"{r.args}: one line on stderr, got {lines}")
        self.assertTrue(any(n in lines[0] for n in self.names(r, shown)),
                        f"{r.args}: the message names the input: {lines[0]}")
        self.assertIn(needle.lower(), lines[0].lower())

    def check_json(self, r, result, packets, needle, shown):
        self.assertEqual(r.rc, 0, f"{r.args}: {r.err[-2000:]}")
        s = r.summary()
        inp = s["inputs"][0]
        if result == "complete":
            self.assertTrue(s["complete"], f"{r.args}: {inp}")
            self.assertNotIn("damaged", inp)
        else:
            self.assertFalse(s["complete"], f"{r.args}: the summary must say it is incomplete")
            self.assertTrue(inp.get("damaged"))
            self.assertIn("stopped_at", inp)
            self.assertIn(needle.lower(), inp["error"].lower())
            # stderr: file, problem and where the analysis stopped.
            self.assertTrue(any(n in r.err for n in self.names(r, shown)), r.err)
            self.assertIn(needle.lower(), r.err.lower())
            self.assertIn("analysed up to byte %d" % inp["stopped_at"], r.err)
        if packets is not None:
            self.assertEqual(inp["packets"], packets, f"{r.args}: {inp}")
            self.assertEqual(s["packets"], packets)

    # --- the corpus ----------------------------------------------------------
    def test_corpus_is_big_enough(self):
        self.assertGreaterEqual(len(self.rows), 40)
        listed = {r[0] for r in self.rows}
        present = {f for f in os.listdir(BROKEN) if f != "MANIFEST.md"}
        self.assertEqual(listed, present, "MANIFEST.md and pcaps/broken/ disagree")

    def test_each_file_json(self):
        for name, what, result, packets, needle in self.rows:
            with self.subTest(file=name, what=what):
                path = os.path.join(BROKEN, name)
                r = self.run_sw("-r", path, "--json")
                if result == "error":
                    self.check_error(r, path, needle)
                else:
                    self.check_json(r, result, packets, needle, path)

    def test_each_file_report_and_messages(self):
        for name, what, result, packets, needle in self.rows:
            with self.subTest(file=name, what=what):
                path = os.path.join(BROKEN, name)
                rep = self.run_sw("-r", path, "--report")
                msg = self.run_sw("-r", path, "--messages")
                if result == "error":
                    self.check_error(rep, path, needle)
                    self.check_error(msg, path, needle)
                    continue
                self.assertEqual(rep.rc, 0)
                self.assertEqual(msg.rc, 0)
                if result == "partial":
                    # The report says it in its input section; --messages on stderr.
                    self.assertIn("damaged", rep.out)
                    self.assertIn(needle.lower(), rep.out.lower())
                    self.assertIn(path, msg.err)
                    self.assertIn(needle.lower(), msg.err.lower())

    def test_each_file_from_stdin(self):
        for name, what, result, packets, needle in self.rows:
            with self.subTest(file=name, what=what):
                with open(os.path.join(BROKEN, name), "rb") as f:
                    r = self.run_sw("-r", "-", "--json", stdin=f)
                if result == "error":
                    self.check_error(r, "stdin", needle)
                else:
                    self.check_json(r, result, packets, needle, "stdin")

    def test_merged_with_a_good_file(self):
        """A damaged file among good ones: the good one is analysed in full."""
        good = swtest.pcap("decode", "udp_register.pcap")
        for name, what, result, packets, needle in self.rows:
            if result != "partial":
                continue
            with self.subTest(file=name):
                r = self.run_sw("-r", good, "-r", os.path.join(BROKEN, name), "--json")
                self.assertEqual(r.rc, 0)
                s = r.summary()
                self.assertFalse(s["complete"])
                self.assertEqual(s["inputs"][0]["packets"], 4)
                self.assertNotIn("damaged", s["inputs"][0])
                self.assertTrue(s["inputs"][1]["damaged"])

    # --- regression captures (pcaps/regress) -------------------------------
    def test_regressions(self):
        d = swtest.pcap("regress")
        files = sorted(f for f in os.listdir(d) if f != "MANIFEST.md")
        with open(os.path.join(d, "MANIFEST.md"), encoding="utf-8") as f:
            listed = f.read()
        for name in files:
            with self.subTest(file=name):
                self.assertIn("| " + name + " |", listed, "not in pcaps/regress/MANIFEST.md")
                path = os.path.join(d, name)
                for mode in ("--json", "--report", "--messages"):
                    r = self.run_sw("-r", path, mode)
                    self.assertEqual(r.rc, 0, f"{name} {mode}: {r.err[-2000:]}")

    # --- special files, made at run time ---------------------------------
    def test_directory(self):
        r = self.run_sw("-r", self.tmp, "--report")
        self.check_error(r, self.tmp, "directory")

    def test_dev_zero(self):
        r = self.run_sw("-r", "/dev/zero", "--json")
        self.check_error(r, "/dev/zero", "first bytes 00 00 00 00")
        self.assertLess(r.seconds, 10)

    def test_dev_null(self):
        r = self.run_sw("-r", "/dev/null", "--json")
        self.check_error(r, "/dev/null", "empty")

    def test_sparse_4g_zeros(self):
        p = os.path.join(self.tmp, "sparse-zeros.pcap")
        with open(p, "wb") as f:
            f.truncate(4 << 30)
        r = self.run_sw("-r", p, "--json")
        self.check_error(r, p, "not a pcap or pcapng capture")
        self.assertLess(r.seconds, 10)

    def test_sparse_4g_pcap_header_then_zeros(self):
        """A pcap header, one good record, then 4 GB of zeros: each 16 zero
        bytes are a valid empty record (268 million of them). Reading must
        stay bounded in memory and end; -c shows it is interruptible."""
        p = os.path.join(self.tmp, "sparse-pcap.pcap")
        with open(os.path.join(swtest.PCAPS, "decode", "udp_register.pcap"), "rb") as f:
            head = f.read()
        with open(p, "wb") as f:
            f.write(head)
            f.truncate(4 << 30)
        r = self.run_sw("-r", p, "-c", "2000000", "--json", timeout=120)
        self.assertEqual(r.rc, 0, r.err)
        s = r.summary()
        self.assertEqual(s["packets"], 2000000)
        self.assertEqual(s["sip_messages"], 4)

    def test_pcapng_sparse_block(self):
        """A pcapng whose unknown block claims 16 MB (the limit) over a
        sparse file region of zeros, repeated until 1 GB: skipped, not
        buffered; then the damage at the end of file is reported."""
        p = os.path.join(self.tmp, "sparse.pcapng")
        with open(os.path.join(BROKEN, "pcapng-unknown-blocks.pcapng"), "rb") as f:
            good = f.read()
        with open(p, "wb") as f:
            f.write(good)
            f.write(struct.pack("<II", 0x0BAD, 16 << 20))
            f.truncate(1 << 30)
        r = self.run_sw("-r", p, "--json")
        self.assertEqual(r.rc, 0, r.err)
        s = r.summary()
        self.assertFalse(s["complete"])
        self.assertEqual(s["inputs"][0]["packets"], 4)

    def test_gzip_bomb_of_empty_records(self):
        """2^26 bytes of zeros after a pcap header, compressed to ~65 KB:
        4 million empty records. Bounded time, bounded memory."""
        p = os.path.join(self.tmp, "bomb.pcap.gz")
        with gzip.open(p, "wb", compresslevel=9) as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
            zeros = b"\0" * (1 << 20)
            for _ in range(64):
                f.write(zeros)
        r = self.run_sw("-r", p, "--json", timeout=120)
        self.assertEqual(r.rc, 0, r.err)
        s = r.summary()
        self.assertTrue(s["complete"])
        self.assertEqual(s["packets"], (64 << 20) // 16)

    def test_fifo_closed_midway(self):
        """A named pipe whose writer stops inside a record."""
        p = os.path.join(self.tmp, "pipe.pcap")
        os.mkfifo(p)
        with open(os.path.join(swtest.PCAPS, "decode", "udp_register.pcap"), "rb") as f:
            data = f.read()

        def writer():
            with open(p, "wb") as w:
                w.write(data[:-30])

        t = threading.Thread(target=writer)
        t.start()
        r = self.run_sw("-r", p, "--json")
        t.join()
        self.assertEqual(r.rc, 0, r.err)
        s = r.summary()
        self.assertFalse(s["complete"])
        self.assertEqual(s["inputs"][0]["packets"], 3)

    def test_tcp_stream_flood_memory(self):
        """1500 TCP connections to port 5060, each holding an unfinished
        REGISTER with a 129000-byte body: every direction within its own
        limit, together 190 MB. Buffered TCP bytes are capped in total
        (SW_MAX_TCP_TOTAL, 32 MB), so the peak RSS stays far below that."""
        if swtest.sanitized():
            self.skipTest("RSS under ASan measures its quarantine, not sipwatch")
        p = os.path.join(self.tmp, "tcp-flood.pcap")
        flood = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench",
                             "mem", "flood.py")
        subprocess.run([sys.executable, flood, "--tcp", "1500", "-o", p], check=True,
                       capture_output=True, timeout=300)
        probe = ("import resource, subprocess, sys\n"
                 "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
                 "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
        out = subprocess.run([sys.executable, "-c", probe, swtest.SIPWATCH, "-r", p, "--json"],
                             capture_output=True, text=True, timeout=TIME_LIMIT).stdout.split()
        os.unlink(p)
        self.assertEqual(out[0], "0")
        self.assertLess(int(out[1]), 120 * 1024, "peak RSS %s KiB" % out[1])

    def test_unreadable_file(self):
        """Permission denied, as seen by an unprivileged user."""
        if os.geteuid() == 0:
            self.skipTest("root reads anything")
        p = os.path.join(self.tmp, "secret.pcap")
        with open(p, "wb") as f:
            f.write(b"x")
        os.chmod(p, 0)
        self.check_error(self.run_sw("-r", p), p, "permission denied")


if __name__ == "__main__":
    swtest.main()
