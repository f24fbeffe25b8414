# SPDX-License-Identifier: BSD-2-Clause
"""HEP end to end with the real binary, on loopback (no root needed).

-H: what sipwatch sends, decoded chunk by chunk by an independent decoder
(tests/tools/heplib.py) and compared with the capture it read: payloads,
5-tuples, timestamps, capture id (big-endian), auth key; findings as HEP logs
(payload = the --json finding, correlation id = the Call-ID). A collector that
is down or stalls never blocks the run, and the queue stays bounded.
-L: a file sent through -H and received by -L gives the same messages and
findings as the file itself; malformed packets are counted by reason and
skipped; agents are kept apart; --hep-pass is checked; -w saves what came.
"""
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import heplib  # noqa: E402
import pcaplib  # noqa: E402
import swtest  # noqa: E402

SW = swtest.SIPWATCH


def frames_of(path):
    """(ts_ns, src, sport, dst, dport, payload) of each UDP frame of a plain
    Ethernet/IPv4/IPv6 capture."""
    out = []
    for p in pcaplib.read(path).packets:
        _, _, _, et, ip = pcaplib.strip_ethernet(p.data)
        if et == pcaplib.ETH_P_IP and ip[9] == 17:
            hl = (ip[0] & 15) * 4
            src, dst = socket.inet_ntop(socket.AF_INET, ip[12:16]), socket.inet_ntop(
                socket.AF_INET, ip[16:20])
            udp = ip[hl:]
        elif et == pcaplib.ETH_P_IPV6 and ip[6] == 17:
            src, dst = socket.inet_ntop(socket.AF_INET6, ip[8:24]), socket.inet_ntop(
                socket.AF_INET6, ip[24:40])
            udp = ip[40:]
        else:
            continue
        sport, dport, ulen = struct.unpack("!HHH", udp[:6])
        out.append((p.ts_ns, src, sport, dst, dport, udp[8:ulen]))
    return out


class Listener:
    """sipwatch -L running in the background."""

    def __init__(self, *specs, args=()):
        self.specs = specs
        a = []
        for s in specs:
            a += ["-L", s]
        self.proc = subprocess.Popen([SW, *a, "--json", "-q", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        # until every socket is bound (the process lists them in /proc)
        for _ in range(100):
            if self.bound():
                break
            time.sleep(0.05)

    def bound(self):
        """Every -L socket bound (UDP) or listening (TCP), as the kernel lists
        them: a socket merely created would still refuse datagrams."""
        for spec in self.specs:
            proto, _, port = spec.split(":")[0], None, int(spec.rsplit(":", 1)[1])
            want = "07" if proto == "udp" else "0A"
            found = False
            for table in (proto, proto + "6"):
                try:
                    rows = open(f"/proc/net/{table}").read().splitlines()[1:]
                except OSError:
                    continue
                for r in rows:
                    f = r.split()
                    if int(f[1].rsplit(":", 1)[1], 16) == port and f[3] == want:
                        found = True
            if not found:
                return False
        return True

    def stop(self, settle=0.5):
        time.sleep(settle)
        self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=20)
        self.rc = self.proc.returncode
        self.err = err
        self.objs = [json.loads(line) for line in out.splitlines() if line.strip()]
        return self

    def summary(self):
        s = [o for o in self.objs if o["type"] == "summary"]
        assert len(s) == 1, self.err
        return s[0]

    def of(self, kind):
        return [o for o in self.objs if o["type"] == kind]


def final_findings(objs):
    f = {}
    for o in objs:
        if o["type"] == "finding":
            f[o["id"]] = o
    return f


def finding_key(f):
    # frame numbers differ when the file holds non-SIP frames: times and labels do not
    return (f["kind"], f["cause"], f["severity"], f["suspected"], f["resolved"], f["summary"],
            tuple((e["time"], e["what"]) for e in f["evidence"]))


def message_key(o):
    return (o["time"], o.get("src"), o.get("sport"), o.get("dst"), o.get("dport"),
            o.get("transport"), o.get("method"), o.get("status"), o.get("call_id"),
            o.get("size"), o.get("retrans", False))


def free_port(tcp=False):
    return heplib.free_port(tcp)


def masked(payload):
    """The message as sipwatch outputs it anywhere, HEP included: the digest
    response= of an Authorization header masked (same length)."""
    return re.sub(rb'(response=")([^"]*)"', lambda m: m.group(1) + b"*" * len(m.group(2)) + b'"',
                  payload)


class Send(unittest.TestCase):
    def test_udp_chunks_payloads_and_findings(self):
        cap = swtest.pcap("lab", "wrong_password.pcap")
        col = heplib.Collector()
        try:
            r = swtest.run("-r", cap, "-H", col.spec(), "--hep-id", "4242", "--hep-pass",
                           "s3cret", "--json")
            self.assertEqual(r.rc, 0, r.err)
            hs = r.summary()["hep_send"]
            self.assertEqual((hs["messages"], hs["sent"], hs["dropped"], hs["errors"]),
                             (12, 12 + hs["findings"], 0, 0), hs)
            self.assertTrue(col.wait(hs["sent"]))
        finally:
            col.close()
        pk = [heplib.decode_v3(p) for p in col.packets]
        sip = [d.fields for d in pk if d.fields["ptype"] == heplib.PT_SIP]
        logs = [d for d in pk if d.fields["ptype"] == heplib.PT_LOG]
        frames = frames_of(cap)
        self.assertEqual(len(sip), len(frames))
        for f, (ts, src, sport, dst, dport, payload) in zip(sip, frames):
            self.assertEqual((f["family"], f["proto"], f["src"], f["sport"], f["dst"], f["dport"]),
                             (2, 17, src, sport, dst, dport))
            self.assertEqual(f["ts_sec"] * 10**9 + f["ts_usec"] * 1000, ts // 1000 * 1000)
            self.assertEqual(f["capture_id"], 4242)  # big-endian on the wire
            self.assertEqual(f["auth"], b"s3cret")
            self.assertEqual(f["payload"], masked(payload))
            self.assertIsNone(f["correlation"])
        # each finding (established, then revised) as a log; the last is the --json one
        final = final_findings(r.objects())
        self.assertTrue(logs)
        by_id = {}
        for d in logs:
            obj = json.loads(d.fields["payload"])
            self.assertEqual(obj["type"], "finding")
            self.assertEqual(d.fields["correlation"], b"1-26477@192.168.1.100")
            self.assertEqual((d.fields["src"], d.fields["sport"], d.fields["dst"], d.fields["dport"]),
                             ("192.168.1.100", 5060, "198.51.100.10", 5060))
            by_id[obj["id"]] = (obj, d)
        self.assertEqual(set(by_id), set(final))
        for i, (obj, d) in by_id.items():
            self.assertEqual(obj, final[i])
            last = obj["last"]
            self.assertEqual(time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(d.fields["ts_sec"])) +
                             ".%06dZ" % d.fields["ts_usec"], last)

    def test_tcp_and_ipv6(self):
        cap = swtest.pcap("decode", "ipv6.pcap")
        col = heplib.Collector(tcp=True)
        try:
            r = swtest.run("-r", cap, "-H", col.spec(), "--no-hep-findings", "--json")
            self.assertEqual(r.rc, 0, r.err)
            hs = r.summary()["hep_send"]
            self.assertEqual((hs["sent"], hs["findings"], hs["connects"], hs["unsent"]), (9, 0, 1, 0))
            self.assertTrue(col.wait(9))
        finally:
            col.close()
        got = [heplib.decode_v3(p).fields for p in col.packets]
        want = r.objects("message")
        self.assertEqual([(f["family"], f["src"], f["sport"], f["dst"], f["dport"], len(f["payload"]),
                           f["ts_sec"] + f["ts_usec"] / 1e6) for f in got],
                         [(10, m["src"], m["sport"], m["dst"], m["dport"], m["size"], m["ts"])
                          for m in want])

    def test_down_server_never_blocks(self):
        cap = swtest.pcap("lab", "wrong_password.pcap")
        plain = swtest.run("-r", cap, "--json")
        for proto in ("tcp", "udp"):
            t0 = time.time()
            r = swtest.run("-r", cap, "-H", f"{proto}:127.0.0.1:{free_port(proto == 'tcp')}",
                           "--json")
            took = time.time() - t0
            self.assertEqual(r.rc, 0, r.err)
            self.assertLess(took, 10, f"{proto}: {took:.1f} s")  # 2 s at most waiting at the end
            hs = r.summary()["hep_send"]
            if proto == "tcp":
                self.assertEqual((hs["sent"], hs["connects"]), (0, 0), hs)
                self.assertGreater(hs["unsent"], 0, hs)
            else:
                # ICMP port unreachable comes back as ECONNREFUSED on the next send
                self.assertGreater(hs["errors"], 0, hs)
            self.assertEqual(final_findings(r.objects()), final_findings(plain.objects()))
        # the text summary says it
        r = swtest.run("-r", cap, "-H", f"tcp:127.0.0.1:{free_port(True)}", "--report")
        self.assertRegex(r.out, r"HEP to tcp:127\.0\.0\.1:\d+: 12 SIP messages and \d+ findings, "
                                r"0 packets sent")
        self.assertRegex(r.out, r"bytes could not be sent before the end")

    def test_stalled_collector_bounded_queue(self):
        # a collector that accepts and never reads: the kernel buffers fill, then
        # the 4 MiB queue, then packets are dropped; the run ends in bounded time
        n = 30000
        with tempfile.TemporaryDirectory() as d:
            big = os.path.join(d, "big.pcap")
            pkts = []
            body = b"x" * 700
            for i in range(n):
                sipm = (b"OPTIONS sip:a@192.0.2.2 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK%d\r\n"
                        b"Call-ID: c%d\r\nCSeq: 1 OPTIONS\r\nFrom: <sip:b@x>;tag=1\r\nTo: <sip:a@x>\r\n"
                        b"Content-Length: %d\r\n\r\n" % (i, i, len(body))) + body
                udp = struct.pack("!HHHH", 5060, 5060, 8 + len(sipm), 0) + sipm
                ip = pcaplib.ipv4_header(bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2]), 17, len(udp))
                eth = pcaplib.eth_header(b"\x02" * 6, b"\x04" * 6, pcaplib.ETH_P_IP)
                pkts.append(pcaplib.Packet(1700000000 * 10**9 + i * 10**6, eth + ip + udp))
            pcaplib.write_pcap(big, pkts, pcaplib.LINKTYPE_ETHERNET)
            srv = socket.socket()
            srv.bind(("127.0.0.1", 0))
            srv.listen(1)
            try:
                t0 = time.time()
                r = swtest.run("-r", big, "-H", f"tcp:127.0.0.1:{srv.getsockname()[1]}", "--json",
                               timeout=120)
                took = time.time() - t0
            finally:
                srv.close()
        self.assertEqual(r.rc, 0, r.err)
        hs = r.summary()["hep_send"]
        self.assertEqual(hs["messages"], n)
        self.assertGreater(hs["dropped"], 0, hs)
        self.assertLessEqual(hs["queue_max"], 4 * 2**20 + 65535, hs)
        self.assertLess(took, 60, f"{took:.1f} s")  # 1 s waited, then drops; 2 s at the end


class Receive(unittest.TestCase):
    # SIP-only captures: HEP carries SIP, so their findings must not change
    SAME = ["wrong_password", "wrong_password_403", "expired", "flood_ban", "redirect_tcp",
            "stale_nat", "user_agent", "healthy", "blackhole", "call"]

    def roundtrip(self, cap, proto="udp", extra=()):
        port = free_port(proto == "tcp")
        lis = Listener(f"{proto}:127.0.0.1:{port}", args=extra)
        self.assertIsNone(lis.proc.poll(), "sipwatch -L did not start")
        r = swtest.run("-r", cap, "-H", f"{proto}:127.0.0.1:{port}", "--json")
        self.assertEqual(r.rc, 0, r.err)
        return r, lis.stop()

    def test_same_findings_as_the_file(self):
        for name in self.SAME:
            for proto in ("udp", "tcp"):
                with self.subTest(capture=name, proto=proto):
                    r, lis = self.roundtrip(swtest.pcap("lab", name + ".pcap"), proto)
                    self.assertEqual(lis.rc, 0, lis.err)
                    fm = [message_key(o) for o in r.objects("message")]
                    lm = [message_key(o) for o in lis.of("message")]
                    self.assertEqual(lm, fm)
                    self.assertEqual(sorted(finding_key(f) for f in final_findings(lis.objs).values()),
                                     sorted(finding_key(f) for f in final_findings(r.objects()).values()))
                    s = lis.summary()
                    hl = s["hep_listen"]
                    self.assertEqual(hl["sip"], len(fm))
                    self.assertEqual(hl["malformed"], 0)
                    self.assertEqual(s["inputs"][0]["name"], "hep:2001@127.0.0.1")
                    self.assertEqual(s["inputs"][0]["format"], "hep")
                    self.assertEqual(s["first"], r.summary()["first"])

    def test_tcp_messages_reassembled(self):
        cap = swtest.pcap("decode", "tcp_split_coalesced.pcap")
        r, lis = self.roundtrip(cap, "tcp")
        lm = lis.of("message")
        self.assertEqual([message_key(o) for o in lm], [message_key(o) for o in r.objects("message")])
        self.assertTrue(all(o["transport"] == "TCP" for o in lm))

    def test_icmp_evidence_is_not_carried(self):
        # documented difference: HEP carries SIP only, so a failure proven by an
        # ICMP error in the file is a silence on the HEP stream
        r, lis = self.roundtrip(swtest.pcap("lab", "wrong_port.pcap"))
        self.assertEqual([f["cause"] for f in final_findings(r.objects()).values()],
                         ["icmp_port_unreachable"])
        self.assertEqual([f["cause"] for f in final_findings(lis.objs).values()], ["silence"])

    def test_write_saves_the_stream(self):
        cap = swtest.pcap("lab", "redirect_tcp.pcap")
        with tempfile.TemporaryDirectory() as d:
            os.chmod(d, 0o1777)  # as root, -L drops to nobody before creating -w
            out = os.path.join(d, "hep.pcap")
            r, lis = self.roundtrip(cap, "udp", extra=("-w", out))
            saved = swtest.run("-r", out, "--json")
            self.assertEqual(saved.rc, 0, saved.err)
            self.assertEqual(pcaplib.read(out).linktype, pcaplib.LINKTYPE_RAW)
            self.assertEqual([message_key(o) for o in saved.objects("message")],
                             [message_key(o) for o in r.objects("message")])
            tsh = subprocess.run(["tshark", "-r", out, "-T", "fields", "-e", "ip.src", "-e",
                                  "tcp.srcport", "-e", "udp.srcport", "-e", "sip.Call-ID"],
                                 capture_output=True, text=True)
            if tsh.returncode == 0:
                rows = [line.split("\t") for line in tsh.stdout.splitlines()]
                self.assertEqual(len(rows), len(r.objects("message")))
                self.assertTrue(all(row[3] == "1-28137@192.168.1.100" for row in rows), rows[:3])

    def test_malformed_counted_and_skipped(self):
        up, tp = free_port(), free_port(True)
        lis = Listener(f"udp:127.0.0.1:{up}", f"tcp:127.0.0.1:{tp}")
        msg = (b"REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
               b"Call-ID: hep-test-1\r\nCSeq: 1 REGISTER\r\nFrom: <sip:1@example.com>;tag=a\r\n"
               b"To: <sip:1@example.com>\r\nContact: <sip:1@192.0.2.1>\r\nContent-Length: 0\r\n\r\n")
        good = heplib.v3(heplib.sip_chunks(msg, ts=1700000001.5, capture_id=11))
        C = heplib.chunk
        base = heplib.sip_chunks(msg, ts=1700000002.0, capture_id=11)
        bad = {
            "bad_version": b"XEP3\x00\x10" + bytes(10),
            "bad_length": heplib.v3(base, total=4000),
            "bad_chunk_length": heplib.v3(base[:3] + [C(7, b"\x13\xc4", length=0)] + base[4:]),
            "truncated_chunk": heplib.v3(base[:-1] + [C(15, msg, length=len(msg) + 60)]),
            "bad_chunk_size": heplib.v3([C(3, b"\x01\x02\x03")] + base[3:]),
            "duplicate_chunk": heplib.v3(base[:1] + base),
            "missing_chunk": heplib.v3(base[:-1]),
            "bad_family": heplib.v3([C(1, b"\x07")] + base[1:]),
            "compressed": heplib.v3(base[:-1] + [C(16, b"\x1f\x8b")]),
            "truncated": b"\x02\x10\x02",
        }
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        dst = ("127.0.0.1", up)
        s.sendto(good, dst)
        for p in bad.values():
            s.sendto(p, dst)
        # well formed but not analysed / with chunks skipped
        s.sendto(heplib.v3(heplib.sip_chunks(b'{"x":1}', ptype=heplib.PT_LOG, correlation=b"c")), dst)
        s.sendto(heplib.v3(heplib.sip_chunks(b"rtcp", ptype=5)), dst)
        s.sendto(heplib.v3(heplib.sip_chunks(b"")), dst)
        odd = heplib.sip_chunks(msg.replace(b"hep-test-1", b"hep-test-2"), ts=1700000003.0,
                                capture_id=11)
        s.sendto(heplib.v3(odd[:2] + [C(0x99, b"vendor", vendor=0x1234), C(0x7f, b"?")] + odd[2:]), dst)
        # HEP v2 from another agent (capture id 7, little-endian as agents write it)
        s.sendto(heplib.v2(msg.replace(b"hep-test-1", b"hep-test-3"), ts=1700000004.25), dst)
        s.close()
        # TCP: two packets in one write, one split in three, garbage then a packet,
        # and a packet cut by the end of the connection
        t1 = heplib.v3(heplib.sip_chunks(msg.replace(b"hep-test-1", b"tcp-1"), ts=1700000005.0,
                                         capture_id=12, proto=6))
        t2 = heplib.v3(heplib.sip_chunks(msg.replace(b"hep-test-1", b"tcp-2"), ts=1700000006.0,
                                         capture_id=12, proto=6))
        t3 = heplib.v3(heplib.sip_chunks(msg.replace(b"hep-test-1", b"tcp-3"), ts=1700000007.0,
                                         capture_id=12, proto=6))
        t4 = heplib.v3(heplib.sip_chunks(msg.replace(b"hep-test-1", b"tcp-4"), ts=1700000008.0,
                                         capture_id=12, proto=6))
        c = socket.create_connection(("127.0.0.1", tp))
        c.sendall(t1 + t2)
        for part in (t3[:5], t3[5:40], t3[40:]):
            time.sleep(0.05)
            c.sendall(part)
        c.sendall(b"garbage!" + t4 + t4[:30])
        time.sleep(0.2)
        c.close()
        lis.stop()
        self.assertEqual(lis.rc, 0, lis.err)
        hl = lis.summary()["hep_listen"]
        expect_by = {k: 1 for k in bad}
        expect_by["truncated"] = 2   # the v2 header above, and the TCP packet cut by the close
        expect_by["bad_version"] = 2  # and the TCP garbage
        self.assertEqual(hl["malformed_by"], expect_by)
        self.assertEqual(hl["malformed"], sum(expect_by.values()))
        self.assertEqual((hl["sip"], hl["logs"], hl["other_types"], hl["empty"], hl["unknown_chunks"],
                          hl["resyncs"], hl["tcp_connections"], hl["agents"]),
                         (7, 1, 1, 1, 2, 1, 1, 3))
        got = [(o["file"], o["call_id"], o["time"], o["transport"], o["src"], o["dport"])
               for o in lis.of("message")]
        self.assertEqual(got, [
            ("hep:11@127.0.0.1", "hep-test-1", "2023-11-14T22:13:21.500000Z", "UDP", "192.0.2.1", 5060),
            ("hep:11@127.0.0.1", "hep-test-2", "2023-11-14T22:13:23.000000Z", "UDP", "192.0.2.1", 5060),
            ("hep:7@127.0.0.1", "hep-test-3", "2023-11-14T22:13:24.250000Z", "UDP", "192.0.2.1", 5060),
            ("hep:12@127.0.0.1", "tcp-1", "2023-11-14T22:13:25.000000Z", "TCP", "192.0.2.1", 5060),
            ("hep:12@127.0.0.1", "tcp-2", "2023-11-14T22:13:26.000000Z", "TCP", "192.0.2.1", 5060),
            ("hep:12@127.0.0.1", "tcp-3", "2023-11-14T22:13:27.000000Z", "TCP", "192.0.2.1", 5060),
            ("hep:12@127.0.0.1", "tcp-4", "2023-11-14T22:13:28.000000Z", "TCP", "192.0.2.1", 5060),
        ])
        self.assertEqual(sorted(i["name"] for i in lis.summary()["inputs"]),
                         ["hep:11@127.0.0.1", "hep:12@127.0.0.1", "hep:7@127.0.0.1"])

    def test_auth_key_checked(self):
        port = free_port()
        lis = Listener(f"udp:127.0.0.1:{port}", args=("--hep-pass", "k1"))
        msg = (b"OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK2\r\n"
               b"Call-ID: auth-%d\r\nCSeq: 1 OPTIONS\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\n"
               b"Content-Length: 0\r\n\r\n")
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for i, key in enumerate((None, b"k2", b"k1", b"k1x", b"k1")):
            s.sendto(heplib.v3(heplib.sip_chunks(msg % i, auth=key, ts=1700000000 + i)),
                     ("127.0.0.1", port))
        s.sendto(heplib.v2(msg % 9), ("127.0.0.1", port))  # v2 has no key
        s.close()
        lis.stop()
        hl = lis.summary()["hep_listen"]
        self.assertEqual((hl["auth_failed"], hl["sip"]), (4, 2))
        self.assertEqual([o["call_id"] for o in lis.of("message")], ["auth-2", "auth-4"])
        # and sipwatch -H --hep-pass is accepted by sipwatch -L --hep-pass
        cap = swtest.pcap("lab", "healthy.pcap")
        lis = Listener(f"udp:127.0.0.1:{port}", args=("--hep-pass", "k1"))
        r = swtest.run("-r", cap, "-H", f"udp:127.0.0.1:{port}", "--hep-pass", "k1", "--json")
        lis.stop()
        self.assertEqual(lis.summary()["hep_listen"]["sip"], len(r.objects("message")))

    def test_two_agents_kept_apart(self):
        # the phone's and the server's capture of the same registrations, sent at
        # once by two agents: each message stays with its agent and its own addresses
        phone, server = swtest.pcap("lab", "healthy_pair.pcap"), swtest.pcap("lab", "healthy_pair-server.pcap")
        port = free_port()
        lis = Listener(f"udp:127.0.0.1:{port}")
        procs = [subprocess.Popen([SW, "-r", p, "-H", f"udp:127.0.0.1:{port}", "--hep-id", str(i),
                                   "--json", "-q"], stdout=subprocess.PIPE, text=True)
                 for i, p in ((101, phone), (102, server))]
        outs = [p.communicate(timeout=60)[0] for p in procs]
        lis.stop()
        want = {}
        for i, out in zip((101, 102), outs):
            want[f"hep:{i}@127.0.0.1"] = sorted(
                message_key(o) for o in map(json.loads, out.splitlines()) if o["type"] == "message")
        got = {}
        for o in lis.of("message"):
            got.setdefault(o["file"], []).append(message_key(o))
        self.assertEqual({k: sorted(v) for k, v in got.items()}, want)
        self.assertEqual({o.get("src") for o in lis.of("message") if o["file"].startswith("hep:101")},
                         {"192.168.1.100", "198.51.100.10"})
        self.assertIn("203.0.113.2", {o.get("src") for o in lis.of("message")
                                      if o["file"].startswith("hep:102")})
        ins = {i["name"]: i["packets"] for i in lis.summary()["inputs"]}
        self.assertEqual(ins, {k: len(v) for k, v in want.items()})

    def test_usage_errors(self):
        for args, msg in (
            (["-L", "udp:127.0.0.1:9", "-r", swtest.pcap("lab", "healthy.pcap")],
             "-L receives from HEP agents: give it without -i or -r"),
            (["-L", "sctp:127.0.0.1:9"], "give udp:HOST:PORT or tcp:HOST:PORT"),
            (["-L", "udp:127.0.0.1:0"], "the port must be a number from 1 to 65535"),
            (["-r", swtest.pcap("lab", "healthy.pcap"), "-H", "udp:no-such-host.invalid:9060"],
             "cannot resolve no-such-host.invalid"),
            (["-L", "udp:192.0.2.123:9060"], "cannot listen"),
        ):
            r = swtest.run(*args)
            self.assertEqual(r.rc, 2, (args, r.err))
            self.assertIn(msg, r.err)


if __name__ == "__main__":
    swtest.main()
