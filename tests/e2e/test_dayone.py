# SPDX-License-Identifier: BSD-2-Clause
"""Day one for a tcpdump user (issue 14): --version as tcpdump prints it, the
tcpdump options they type by habit (-n -v -U -e, options after the filter,
ring buffers -C -G -W), and what scripts read (files of every object, the
schema and version in the summary, --fail-on with --quiet)."""
import glob
import os
import re
import shutil
import struct
import subprocess
import tempfile
import time
import unittest

import swtest

REPO = os.path.abspath(os.path.join(swtest.PCAPS, ".."))
UDP_REGISTER = swtest.pcap("decode", "udp_register.pcap")
WRONG_PORT = swtest.pcap("lab", "wrong_port.pcap")


def pkg_upstream(name):
    """Upstream version of an installed Debian package ("1:1.2.13.dfsg-1" ->
    "1.2.13"), or None."""
    try:
        v = subprocess.run(["dpkg-query", "-W", "-f=${Version}", name], capture_output=True,
                           text=True).stdout.strip()
    except OSError:
        return None
    if not v:
        return None
    v = v.split(":", 1)[-1].rsplit("-", 1)[0]
    m = re.match(r"\d+(\.\d+)*", v)
    return m.group(0) if m else None


def git_head():
    try:
        p = subprocess.run(["git", "-C", REPO, "rev-parse", "--short=12", "HEAD"],
                           capture_output=True, text=True)
    except OSError:
        return None
    return p.stdout.strip() if p.returncode == 0 else None


def built_before_head(commit):
    """True when commit is an ancestor of HEAD and the binary is older than
    HEAD's commit: a build left from before the last commit."""
    try:
        anc = subprocess.run(["git", "-C", REPO, "merge-base", "--is-ancestor", commit, "HEAD"],
                             capture_output=True).returncode == 0
        t = int(subprocess.run(["git", "-C", REPO, "log", "-1", "--format=%ct", "HEAD"],
                               capture_output=True, text=True).stdout.strip() or 0)
    except OSError:
        return False
    return anc and os.path.getmtime(swtest.SIPWATCH) < t


class Version(unittest.TestCase):
    def test_version_names_commit_and_runtime_libraries(self):
        for opt in ("--version", "-V"):
            r = swtest.run(opt)
            self.assertEqual(r.rc, 0, r.err)
            lines = r.out.splitlines()
            self.assertEqual(len(lines), 5, r.out)
            m = re.fullmatch(r"sipwatch (\d+\.\d+\.\d+) \(commit ([0-9a-f]{12}|unknown)\)",
                             lines[0])
            self.assertTrue(m, lines[0])
            head = git_head()
            if head and m.group(2) != head and built_before_head(m.group(2)):
                self.skipTest(f"the binary was built at {m.group(2)}, before HEAD {head}: rebuild")
            if head:
                self.assertEqual(m.group(2), head, "the commit the binary was built from")
            self.assertRegex(lines[1], r"^libpcap version \d+\.\d+\.\d+")
            self.assertRegex(lines[2], r"^libosip2 \d+\.\d+\.\d+ \(libosipparser2\.so\.[\d.]+\)$")
            self.assertRegex(lines[3], r"^ncurses \d+\.\d+")
            self.assertRegex(lines[4], r"^zlib \d+\.\d+")
            # The versions are those of the libraries installed (Debian 12).
            for line, pkg in ((lines[1], "libpcap0.8"), (lines[2], "libosip2-15"),
                              (lines[3], "libncursesw6"), (lines[4], "zlib1g")):
                v = pkg_upstream(pkg)
                if v:
                    self.assertIn(" " + ".".join(v.split(".")[:2]), line, f"{pkg} {v}")


def pcap_frames(path):
    """(seconds, caplen) of each record of a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    out, off = [], 24
    while off + 16 <= len(data):
        sec, _, cap, _ = struct.unpack(end + "IIII", data[off:off + 16])
        out.append((sec, cap))
        off += 16 + cap
    assert off == len(data), f"{path}: {len(data) - off} stray bytes"
    return out


BIG = swtest.pcap("lab", "outbound_proxy_wrong_password.pcap")


class TcpdumpHabits(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="swday-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def dir(self, name):
        d = os.path.join(self.tmp, name)
        os.makedirs(d)
        return d

    def test_options_after_the_filter(self):
        # GNU order, as tcpdump on Linux: the filter first, options after.
        r = swtest.run("-r", UDP_REGISTER, "src", "port", "5060", "and", "dst", "host",
                       "192.168.77.1", "--json", "-c", "10")
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual([m["method"] for m in r.objects("message")], ["REGISTER", "REGISTER"])
        self.assertEqual(r.summary()["filtered_out"], 2)
        # "--" still ends the options.
        r = swtest.run("-r", UDP_REGISTER, "--json", "--", "udp")
        self.assertEqual(len(r.objects("message")), 4, r.err)

    def test_n_is_accepted_and_changes_nothing(self):
        a = swtest.run("-r", WRONG_PORT, "--messages")
        b = swtest.run("-n", "-r", WRONG_PORT, "--messages")
        self.assertEqual(b.rc, 0, b.err)
        self.assertEqual(a.out, b.out)
        self.assertIn("resolves no names", swtest.run("--help").out)

    def test_e_prints_the_link_header(self):
        r = swtest.run("-r", WRONG_PORT, "-m", "-e", "-c", "1")
        self.assertRegex(r.out, r"^1 \S+Z 0c:38:3e:1a:2b:3c > 02:00:00:00:01:01, "
                                r"192\.168\.1\.100:5060 > 198\.51\.100\.10:5070 UDP REGISTER")
        m = swtest.run("-r", WRONG_PORT, "-j", "-e", "-c", "1").objects("message")[0]
        self.assertEqual((m["src_mac"], m["dst_mac"]), ("0c:38:3e:1a:2b:3c", "02:00:00:00:01:01"))
        m = swtest.run("-r", WRONG_PORT, "-j", "-c", "1").objects("message")[0]
        self.assertNotIn("src_mac", m)

    def test_v_prints_each_message_in_full(self):
        r = swtest.run("-r", UDP_REGISTER, "-m", "-v")
        self.assertEqual(r.rc, 0, r.err)
        lines = r.out.splitlines()
        self.assertRegex(lines[0], r"^1 .* UDP REGISTER sip:sipwatch\.test CSeq 1 REGISTER")
        self.assertEqual(lines[1], "    REGISTER sip:sipwatch.test SIP/2.0")
        self.assertIn("    Call-ID: reg-base@sipwatch.test", lines)
        auth = [l for l in lines if l.startswith("    Authorization:")]
        self.assertTrue(auth)
        # The digest response stays masked, as everywhere.
        with open(UDP_REGISTER, "rb") as f:
            raw = f.read()
        i = raw.find(b'response="')
        digest = raw[i + 10:raw.index(b'"', i + 10)].decode()
        self.assertNotIn(digest, r.out)
        self.assertNotIn("\r", r.out)

    def test_U_writes_each_packet_at_once(self):
        # stdin stays open: sipwatch has read every packet and waits for more.
        with open(UDP_REGISTER, "rb") as f:
            data = f.read()
        want = len(data)
        sizes = {}
        for flag in ("-U", None):
            out = os.path.join(self.tmp, f"u{flag or ''}.pcap")
            args = [swtest.SIPWATCH, "-r", "-", "-w", out, "--json"] + ([flag] if flag else [])
            p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            try:
                p.stdin.write(data)
                p.stdin.flush()
                for _ in range(100):
                    if os.path.exists(out) and os.path.getsize(out) >= want:
                        break
                    time.sleep(0.05)
                sizes[flag] = os.path.getsize(out) if os.path.exists(out) else 0
            finally:
                p.stdin.close()
                p.wait(timeout=30)
            self.assertEqual(p.returncode, 0)
            self.assertEqual(os.path.getsize(out), want, "complete once the input ends")
        self.assertEqual(sizes["-U"], want, "-U: every packet in the file while reading")
        self.assertLess(sizes[None], want, "without -U the file is buffered (else the test "
                                           "proves nothing)")

    # --- ring buffers -------------------------------------------------------
    def test_C_splits_by_size_with_tcpdump_names(self):
        d = self.dir("C")
        w = os.path.join(d, "sip.pcap")
        r = swtest.run("-r", BIG, "-w", w, "-C", "8k", "-q", "--report")
        self.assertEqual(r.rc, 0, r.err)
        names = sorted(os.listdir(d), key=lambda n: (len(n), n))
        n = len(names)
        self.assertGreaterEqual(n, 4)
        self.assertEqual(names, ["sip.pcap"] + [f"sip.pcap{i}" for i in range(1, n)])
        total, biggest = [], max(c for _, c in pcap_frames(BIG))
        for name in names:
            fr = pcap_frames(os.path.join(d, name))
            total += fr
            size = os.path.getsize(os.path.join(d, name))
            self.assertLessEqual(size, 8192 + 16 + biggest, f"{name}: over -C by more than a frame")
        self.assertEqual(total, pcap_frames(BIG), "every frame once, in order")

    def test_C_W_ring_reuses_names(self):
        for files, names in ((3, ["sip.pcap0", "sip.pcap1", "sip.pcap2"]),
                             (12, [f"sip.pcap{i:02d}" for i in range(12)])):
            d = self.dir(f"CW{files}")
            r = swtest.run("-r", BIG, "-w", os.path.join(d, "sip.pcap"), "-C", "4k", "-W",
                           str(files), "-q", "--report")
            self.assertEqual(r.rc, 0, r.err)
            got = sorted(os.listdir(d))
            if files == 3:
                self.assertEqual(got, names, "a ring of three files")
                # The ring holds the newest frames: the last frame is in it.
                last = pcap_frames(BIG)[-1]
                self.assertIn(last, sum((pcap_frames(os.path.join(d, x)) for x in got), []))
            else:
                self.assertTrue(set(got) <= set(names) and "sip.pcap00" in got, got)

    def test_G_splits_by_time_with_strftime_names(self):
        d = self.dir("G")
        w = os.path.join(d, "sip-%H%M%S.pcap")
        r = swtest.run("-r", WRONG_PORT, "-w", w, "-G", "10", "-q", "--report",
                       env={"TZ": "UTC"})
        self.assertEqual(r.rc, 0, r.err)
        # tcpdump's rule: a new file when 10 s have passed since the current
        # one began, named by that time.
        want, start = {}, None
        for sec, cap in pcap_frames(WRONG_PORT):
            if start is None or sec - start >= 10:
                start = sec
            want.setdefault(time.strftime("sip-%H%M%S.pcap", time.gmtime(start)), []).append(
                (sec, cap))
        self.assertGreaterEqual(len(want), 3)
        self.assertEqual(sorted(os.listdir(d)), sorted(want))
        for name, fr in want.items():
            self.assertEqual(pcap_frames(os.path.join(d, name)), fr, name)

    def test_G_W_ends_after_W_files(self):
        d = self.dir("GW")
        r = swtest.run("-r", WRONG_PORT, "-w", os.path.join(d, "t%S.pcap"), "-G", "10", "-W",
                       "2", "--json", env={"TZ": "UTC"})
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(len(os.listdir(d)), 2, os.listdir(d))
        self.assertIn("maximum file limit reached: 2", r.err)
        kept = sum(len(pcap_frames(os.path.join(d, x))) for x in os.listdir(d))
        self.assertEqual(r.summary()["packets"], kept)
        self.assertLess(kept, len(pcap_frames(WRONG_PORT)))

    def test_ring_usage_errors(self):
        for args, needle in ((["-C", "1"], "give -w FILE"), (["-G", "5"], "give -w FILE"),
                             (["-w", "x.pcap", "-W", "3"], "-W counts the files"),
                             (["-w", "x.pcap", "-C", "0"], "invalid size"),
                             (["-w", "x.pcap", "-C", "lots"], "invalid size"),
                             (["-w", "x.pcap", "-G", "0"], "above 0"),
                             (["-w", "-", "-C", "1"], "not standard output")):
            r = swtest.run("-r", UDP_REGISTER, *args)
            self.assertEqual(r.rc, 2, f"{args}: {r.err}")
            self.assertIn(needle, r.err, args)


class Scripts(unittest.TestCase):
    def objs(self, r):
        return [o for o in r.objects() if o["type"] in ("registration", "finding", "dialog")]

    def test_every_object_names_its_file(self):
        r = swtest.run("-r", WRONG_PORT, "--json")
        objs = self.objs(r)
        self.assertTrue(objs and {"registration", "finding"} <= {o["type"] for o in objs})
        for o in objs:
            self.assertEqual(o["files"], [WRONG_PORT], o["type"])
        with open(WRONG_PORT, "rb") as f:
            r = swtest.run("-r", "-", "--json", stdin=f)
        self.assertTrue(all(o["files"] == ["-"] for o in self.objs(r)))

    def test_two_inputs_each_object_names_its_own(self):
        r = swtest.run("-r", UDP_REGISTER, "-r", WRONG_PORT, "--json")
        by_aor = {}
        for o in self.objs(r):
            by_aor.setdefault(o.get("aor"), set()).update(o["files"])
            if o["type"] == "finding":
                self.assertTrue({e["file"] for e in o["evidence"]} <= set(o["files"]))
        self.assertEqual(by_aor["sip:1001@sipwatch.test"], {UDP_REGISTER})
        self.assertEqual(by_aor["sip:1001@198.51.100.10"], {WRONG_PORT})

    def test_a_call_seen_in_two_captures_names_both(self):
        phone, server = swtest.pcap("lab", "call.pcap"), swtest.pcap("lab", "call-server.pcap")
        r = swtest.run("-r", phone, "-r", server, "--json")
        dialogs = r.objects("dialog")
        self.assertTrue(dialogs)
        self.assertEqual(dialogs[0]["files"], [phone, server])
        regs = {o["aor"]: o["files"] for o in r.objects("registration")}
        self.assertEqual(regs["sip:1001@198.51.100.10"], [phone, server])
        # The callee registers behind the server: only the server saw it.
        self.assertEqual(regs["sip:1002@198.51.100.10"], [server])

    def test_summary_names_schema_and_version(self):
        s = swtest.run("-r", UDP_REGISTER, "--json").summary()
        self.assertEqual(s["schema_version"], 1)
        first = swtest.run("--version").out.splitlines()[0]
        self.assertEqual(f"sipwatch {s['sipwatch_version']} (commit {s['commit']})", first)

    def test_fail_on_quiet_prints_nothing(self):
        for out in ([], ["--json"], ["--messages"], ["--report"]):
            r = swtest.run("-r", WRONG_PORT, "--fail-on", "error", "-q", *out)
            self.assertEqual((r.rc, r.out, r.err), (1, "", ""), out)
            r = swtest.run("-r", UDP_REGISTER, "--fail-on", "error", "-q", *out)
            self.assertEqual((r.rc, r.out, r.err), (0, "", ""), out)
        # A capture damaged midway: still only the status.
        with open(WRONG_PORT, "rb") as f:
            data = f.read()
        cut = os.path.join(tempfile.mkdtemp(prefix="swday-"), "cut.pcap")
        with open(cut, "wb") as f:
            f.write(data[:len(data) - 30])
        r = swtest.run("-r", cut, "--fail-on", "error", "-q", "--json")
        self.assertEqual((r.rc, r.out, r.err), (1, "", ""))
        shutil.rmtree(os.path.dirname(cut))
        # Without -q the report still comes.
        r = swtest.run("-r", WRONG_PORT, "--fail-on", "error", "--report")
        self.assertEqual(r.rc, 1)
        self.assertIn("register.no_response", r.out)

    def test_ignore_resolved(self):
        outage = swtest.pcap("lab", "public_phone_outage.pcap")
        fs = swtest.run("-r", outage, "--json").objects("finding")
        self.assertTrue(fs and all(f["resolved"] for f in fs if f["severity"] != "info"))
        self.assertEqual(swtest.run("-r", outage, "--fail-on", "warning", "-q").rc, 1)
        self.assertEqual(
            swtest.run("-r", outage, "--fail-on", "warning", "--ignore-resolved", "-q").rc, 0)
        # An unresolved one still counts.
        flap = swtest.pcap("synth", "flapping_timeouts-phone-synthetic.pcap")
        self.assertEqual(
            swtest.run("-r", flap, "--fail-on", "warning", "--ignore-resolved", "-q").rc, 1)
        self.assertEqual(
            swtest.run("-r", WRONG_PORT, "--fail-on", "error", "--ignore-resolved", "-q").rc, 1)


if __name__ == "__main__":
    swtest.main()
