# SPDX-License-Identifier: BSD-2-Clause
"""HEP against real peers from Debian 12, inside a network namespace of this
test's own (unshare --net: loopback only, no port shared with anything else):

- Kamailio 5.6 sipcapture (a HOMER collector, SQLite storage) receives
  `sipwatch -H` and stores the same messages, addresses, ports, timestamps,
  transport and capture id; the findings land in logs_capture with the
  finding JSON and the Call-ID as correlation id. UDP with logs; TCP (which
  Kamailio 5.6 reads through its non-SIP hook) with SIP only.
- `sngrep -L` receives `sipwatch -H` and saves a pcap whose SIP payloads and
  5-tuples are those sipwatch read.
- `sngrep -H` (HEP v3, and v2 with its configuration) replays a capture into
  `sipwatch -L`: the same messages and findings as `sipwatch -r` on it;
  together with `sipwatch -H` as a second agent, both kept apart.
Needs root (a network namespace); exit 77 (skipped) otherwise.
"""
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))

if __name__ == "__main__":
    if os.geteuid() != 0:
        print("SKIP: a network namespace of the test's own needs root")
        sys.exit(77)
    missing = [t for t in ("kamailio", "sngrep", "unshare", "ip") if not shutil.which(t)]
    if not os.path.exists("/usr/lib/x86_64-linux-gnu/kamailio/modules/db_sqlite.so"):
        missing.append("kamailio-sqlite-modules")
    if missing:
        print(f"SKIP: missing {' '.join(missing)} (bash .ci/deps test installs them)")
        sys.exit(77)
    if not os.environ.get("SW_HEP_NETNS"):
        os.environ["SW_HEP_NETNS"] = "1"
        os.execvp("unshare", ["unshare", "--net", sys.executable, os.path.abspath(__file__),
                              *sys.argv[1:]])
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)

import heplib  # noqa: E402
import pcaplib  # noqa: E402
import swtest  # noqa: E402
from test_hep import (Listener, final_findings, finding_key, frames_of, masked,  # noqa: E402
                      message_key)

SW = swtest.SIPWATCH
SCHEMA = """
CREATE TABLE version (id INTEGER PRIMARY KEY, table_name TEXT, table_version INTEGER);
CREATE TABLE sip_capture (id INTEGER PRIMARY KEY AUTOINCREMENT, date TEXT, micro_ts INTEGER,
  method TEXT, reply_reason TEXT, ruri TEXT, ruri_user TEXT, ruri_domain TEXT, from_user TEXT,
  from_domain TEXT, from_tag TEXT, to_user TEXT, to_domain TEXT, to_tag TEXT, pid_user TEXT,
  contact_user TEXT, auth_user TEXT, callid TEXT, callid_aleg TEXT, via_1 TEXT,
  via_1_branch TEXT, cseq TEXT, diversion TEXT, reason TEXT, content_type TEXT, auth TEXT,
  user_agent TEXT, source_ip TEXT, source_port INTEGER, destination_ip TEXT,
  destination_port INTEGER, contact_ip TEXT, contact_port INTEGER, originator_ip TEXT,
  originator_port INTEGER, correlation_id TEXT, custom_field1 TEXT, custom_field2 TEXT,
  custom_field3 TEXT, proto INTEGER, family INTEGER, rtp_stat TEXT, type INTEGER, node TEXT,
  msg BLOB);
CREATE TABLE logs_capture (id INTEGER PRIMARY KEY AUTOINCREMENT, date TEXT, micro_ts INTEGER,
  correlation_id TEXT, source_ip TEXT, source_port INTEGER, destination_ip TEXT,
  destination_port INTEGER, proto INTEGER, family INTEGER, type INTEGER, node TEXT, msg BLOB);
"""


def wait_port(port, tcp, secs=10):
    want = ":%d " % port
    for _ in range(secs * 10):
        out = subprocess.run(["ss", "-H", "-tln" if tcp else "-uln"], capture_output=True,
                             text=True).stdout
        if any(want in line + " " for line in out.splitlines()):
            return True
        time.sleep(0.1)
    return False


class Kamailio:
    def __init__(self, tmp, port, tcp_hook=False):
        self.dir = os.path.join(tmp, "kam-%d" % port)
        os.makedirs(self.dir)
        self.db = os.path.join(self.dir, "homer.db")
        con = sqlite3.connect(self.db)
        con.executescript(SCHEMA)
        con.close()
        args = ["kamailio", "-f", os.path.join(HERE, "sipcapture.cfg"), "-DD", "-E", "-m", "32",
                "-M", "4", "-Y", self.dir, "-w", self.dir, "-a", "no",
                "-l", "udp:127.0.0.1:%d" % port, "-l", "tcp:127.0.0.1:%d" % port,
                "-A", 'DBURL="sqlite:///%s"' % self.db]  # sqlite:// + ///abs/path
        if tcp_hook:
            args += ["-A", "TCP_HOOK"]
        self.log = open(os.path.join(self.dir, "kamailio.log"), "w")
        # its own process group: stop() ends every process it forked, even
        # when it failed half-way through starting
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        ok = wait_port(port, False) and wait_port(port, True)
        time.sleep(0.5)  # the children connect to the database after binding
        if not ok or self.proc.poll() is not None or "unable to connect" in self.logtext():
            self.stop()
            raise AssertionError("kamailio did not start: " + self.logtext()[-2000:])

    def logtext(self):
        with open(self.log.name, errors="replace") as f:
            return f.read()

    def rows(self, table, n, secs=10):
        end = time.time() + secs
        time.sleep(0.3)  # let the inserts land before reading (SQLite locks)
        while True:
            con = sqlite3.connect(self.db)
            con.row_factory = sqlite3.Row
            rows = con.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            con.close()
            if len(rows) >= n or time.time() > end:
                return rows
            time.sleep(0.3)

    def stop(self):
        pgid = self.proc.pid
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(pgid, signal.SIGKILL)  # whatever of the group is left
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.log.close()


def iso_us(micro_ts):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(micro_ts // 10**6)) + \
        ".%06dZ" % (micro_ts % 10**6)


class Peers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sw-hep-peers.")
        os.chmod(cls.tmp, 0o755)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_kamailio_sipcapture_udp_messages_and_findings(self):
        kam = Kamailio(self.tmp, 9060)
        try:
            for cap, fam in ((swtest.pcap("lab", "wrong_password.pcap"), 2),
                             (swtest.pcap("decode", "ipv6.pcap"), 10)):
                before = len(kam.rows("sip_capture", 0, 0))
                r = swtest.run("-r", cap, "-H", "udp:127.0.0.1:9060", "--hep-id", "2001", "--json")
                self.assertEqual(r.rc, 0, r.err)
                msgs = r.objects("message")
                rows = kam.rows("sip_capture", before + len(msgs))[before:]
                self.assertEqual(len(rows), len(msgs))
                for row, m in zip(rows, msgs):
                    self.assertEqual(
                        (iso_us(row["micro_ts"]), row["source_ip"], row["source_port"],
                         row["destination_ip"], row["destination_port"], row["callid"],
                         row["node"], row["family"], row["proto"], len(row["msg"])),
                        (m["time"], m["src"], m["sport"], m["dst"], m["dport"], m["call_id"],
                         "homer01:2001", fam, 1, m["size"]))
                    self.assertEqual(row["method"], m.get("method") or str(m["status"]))
                if fam == 2:
                    frames = frames_of(cap)
                    self.assertEqual([bytes(row["msg"]) for row in rows],
                                     [masked(f[5]) for f in frames])
            # the findings of wrong_password, as logs beside its Call-ID
            logs = kam.rows("logs_capture", 1)
            self.assertTrue(logs)
            final = final_findings(swtest.run("-r", swtest.pcap("lab", "wrong_password.pcap"),
                                              "--json").objects())
            last = json.loads(bytes(logs[-1]["msg"]))
            self.assertEqual(last, final[last["id"]])
            for row in logs:
                self.assertEqual((row["correlation_id"], row["type"], row["node"], row["source_ip"],
                                  row["destination_ip"]),
                                 ("1-26477@192.168.1.100", 5, "homer01:2001", "192.168.1.100",
                                  "198.51.100.10"))
            self.assertEqual(iso_us(logs[-1]["micro_ts"]), last["last"])
        finally:
            kam.stop()

    def test_kamailio_sipcapture_tcp(self):
        kam = Kamailio(self.tmp, 9062, tcp_hook=True)
        try:
            cap = swtest.pcap("lab", "redirect_tcp.pcap")
            r = swtest.run("-r", cap, "-H", "tcp:127.0.0.1:9062", "--hep-id", "77",
                           "--no-hep-findings", "--json")
            self.assertEqual(r.rc, 0, r.err)
            self.assertEqual(r.summary()["hep_send"]["connects"], 1)
            msgs = r.objects("message")
            rows = kam.rows("sip_capture", len(msgs))
            self.assertEqual(
                [(iso_us(x["micro_ts"]), x["source_ip"], x["source_port"], x["destination_ip"],
                  x["destination_port"], x["node"], x["proto"]) for x in rows],
                [(m["time"], m["src"], m["sport"], m["dst"], m["dport"], "homer01:77",
                  2 if m["transport"] == "TCP" else 1) for m in msgs])
        finally:
            kam.stop()

    def test_sngrep_listen_saves_what_sipwatch_read(self):
        cap = swtest.pcap("lab", "wrong_password.pcap")
        out = os.path.join(self.tmp, "sngrep.pcap")
        sng = subprocess.Popen(["sngrep", "-L", "udp:127.0.0.1:9064", "-N", "-q", "-O", out],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self.assertTrue(wait_port(9064, False), "sngrep -L did not start")
            r = swtest.run("-r", cap, "-H", "udp:127.0.0.1:9064", "--json")
            self.assertEqual(r.rc, 0, r.err)
            time.sleep(1)
        finally:
            sng.send_signal(signal.SIGTERM)
            sng.wait(10)
        saved = []
        for p in pcaplib.read(out).packets:
            data = p.data
            if pcaplib.read(out).linktype == pcaplib.LINKTYPE_ETHERNET:
                data = pcaplib.strip_ethernet(data)[4]
            hl = (data[0] & 15) * 4
            udp = data[hl:]
            saved.append((socket.inet_ntoa(data[12:16]), int.from_bytes(udp[0:2], "big"),
                          socket.inet_ntoa(data[16:20]), int.from_bytes(udp[2:4], "big"), udp[8:]))
        sip = [s for s in saved if not s[4].startswith(b"{")]
        logs = [json.loads(s[4]) for s in saved if s[4].startswith(b"{")]
        self.assertEqual(sip, [(f[1], f[2], f[3], f[4], masked(f[5])) for f in frames_of(cap)])
        self.assertEqual({o["kind"] for o in logs}, {"auth.rejected_credentials"})

    def sngrep_into_listen(self, cap, port, rc_lines=()):
        lis = Listener("udp:127.0.0.1:%d" % port)
        args = ["sngrep", "-I", cap, "-N", "-q", "-H", "udp:127.0.0.1:%d" % port]
        if rc_lines:
            rc = os.path.join(self.tmp, "sngreprc-%d" % port)
            with open(rc, "w") as f:
                f.write("".join(line + "\n" for line in rc_lines))
            args[1:1] = ["-f", rc]
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60,
                       check=True)
        return lis.stop()

    def test_sngrep_send_v3_and_v2_same_findings_as_the_file(self):
        for name in ("wrong_password", "expired", "redirect_tcp"):
            cap = swtest.pcap("lab", name + ".pcap")
            ref = swtest.run("-r", cap, "--json")
            for ver, agent in (("3", "hep:131203072@127.0.0.1"), ("2", "hep:2002@127.0.0.1")):
                with self.subTest(capture=name, hep=ver):
                    lis = self.sngrep_into_listen(cap, 9066, ["set eep.send.version " + ver])
                    self.assertEqual(lis.rc, 0, lis.err)
                    self.assertEqual([message_key(o) for o in lis.of("message")],
                                     [message_key(o) for o in ref.objects("message")])
                    self.assertEqual(sorted(map(finding_key, final_findings(lis.objs).values())),
                                     sorted(map(finding_key, final_findings(ref.objects()).values())))
                    # sngrep 1.6 writes its capture id 2002 in host order: in v3
                    # that reads 131203072 (as Kamailio stores it), v2 is little-endian
                    self.assertEqual([i["name"] for i in lis.summary()["inputs"]], [agent])
                    self.assertEqual(lis.summary()["hep_listen"]["malformed"], 0)

    def test_two_real_agents_kept_apart(self):
        phone = swtest.pcap("lab", "healthy_pair.pcap")
        server = swtest.pcap("lab", "healthy_pair-server.pcap")
        lis = Listener("udp:127.0.0.1:9068")
        sw = subprocess.Popen([SW, "-r", server, "-H", "udp:127.0.0.1:9068", "--hep-id", "9",
                               "--json", "-q"], stdout=subprocess.PIPE, text=True)
        subprocess.run(["sngrep", "-I", phone, "-N", "-q", "-H", "udp:127.0.0.1:9068"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60, check=True)
        sw_out = sw.communicate(timeout=60)[0]
        lis.stop()
        ref_phone = swtest.run("-r", phone, "--json").objects("message")
        ref_server = [o for o in map(json.loads, sw_out.splitlines()) if o["type"] == "message"]
        got = {}
        for o in lis.of("message"):
            got.setdefault(o["file"], []).append(message_key(o))
        self.assertEqual({k: sorted(v) for k, v in got.items()},
                         {"hep:131203072@127.0.0.1": sorted(map(message_key, ref_phone)),
                          "hep:9@127.0.0.1": sorted(map(message_key, ref_server))})


if __name__ == "__main__":
    swtest.main()
