# SPDX-License-Identifier: BSD-2-Clause
"""No byte from a packet reaches the terminal as a control sequence.

pcaps/regress/terminal-escapes.pcap (written by this file: `python3
test_terminal_safety.py --write PATH`) carries ANSI/VT escapes in every place
a wire string can surface: Call-ID, From display name and user, User-Agent,
Server, Warning, Reason phrase, Reason header, realm, username, Contact,
Via received, SDP addresses, a malformed start line, a Call-ID quoted by an
ICMP error, a DNS name; as 7-bit ESC sequences (CSI, OSC with BEL, DCS),
8-bit C1 controls (raw 0x9b, and U+009B as UTF-8), BEL, BS, a bare CR, DEL
and invalid UTF-8, and Unicode format controls that are valid UTF-8 yet
reorder or hide text (bidi overrides U+202A-202E and isolates U+2066-2069,
zero-width characters, the BOM, a tag character). sipwatch --report
(English and Chinese), --messages and --json must print none of those raw;
the JSON must still carry them, escaped, so nothing is lost. (The TUI is
tested with the same capture in tests/tui/test_escape.py.)"""
import json
import os
import struct
import sys
import tempfile
import unittest

import swtest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import pcaplib  # noqa: E402

CAPTURE = swtest.pcap("regress", "terminal-escapes.pcap")

ESC = b"\x1b"
CSI_RED = b"\x1b[31m"
CLEAR = b"\x1b[2J\x1b[H"
OSC_TITLE = b"\x1b]0;owned\x07"
DCS = b"\x1bP1$r\x1b\\"
C1_CSI = b"\x9b"            # 8-bit CSI, invalid UTF-8 on its own
C1_UTF8 = b"\xc2\x9b"       # U+009B as UTF-8
# Valid UTF-8 a terminal obeys without showing: a right-to-left override
# prints the rest of the line reversed, an isolate reorders it, zero-width
# characters hide a difference between two strings that look the same.
BIDI = "\u202e" "gnp.exe\u202c\u2066\u2069\u200b\u200d\u2060\ufeff\U000e0001".encode()
NASTY = CSI_RED + b"red" + CLEAR + OSC_TITLE + DCS + C1_CSI + b"2J" + C1_UTF8 + b"1m" + \
    b"\x07\x08\x7f\xff\xfe" + BIDI
CALL_ID = b"esc-" + CSI_RED + b"call" + C1_UTF8 + b"@192.168.77.10"

PHONE_MAC = pcaplib.mac("02:00:00:00:00:10")
SERVER_MAC = pcaplib.mac("02:00:00:00:00:01")
PHONE = bytes([192, 168, 77, 10])
SERVER = bytes([192, 168, 77, 1])
DNS = bytes([192, 168, 77, 53])
T0 = 1_795_631_520 * 10**9


def udp(payload, src=PHONE, dst=SERVER, sport=5060, dport=5060):
    u = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = pcaplib.ipv4_header(src, dst, 17, len(u)) + u
    smac, dmac = (PHONE_MAC, SERVER_MAC) if src == PHONE else (SERVER_MAC, PHONE_MAC)
    return pcaplib.eth_header(dmac, smac, pcaplib.ETH_P_IP) + ip


def icmp_port_unreachable(quoted_frame):
    quoted = quoted_frame[14:14 + 20 + 8 + 400]
    body = struct.pack(">BBHI", 3, 3, 0, 0) + quoted
    ip = pcaplib.ipv4_header(SERVER, PHONE, 1, len(body)) + body
    return pcaplib.eth_header(PHONE_MAC, SERVER_MAC, pcaplib.ETH_P_IP) + ip


def register(cseq, call_id, user=b"1001", auth=b"", tag=b"t1", ua=b"Phone " + NASTY):
    return (b"REGISTER sip:sipwatch.test SIP/2.0\r\n"
            b"Via: SIP/2.0/UDP 192.168.77.10:5060;branch=z9hG4bK-esc" + tag + b"-%d;rport\r\n"
            b"Max-Forwards: 70\r\n"
            b"From: \"" + NASTY.replace(b"\\", b"") + b"\" <sip:" + user + b"@sipwatch.test>;tag=" +
            tag + b"\r\n"
            b"To: <sip:" + user + b"@sipwatch.test>\r\n"
            b"Call-ID: " + call_id + b"\r\n"
            b"CSeq: %d REGISTER\r\n"
            b"Contact: <sip:" + user + b"@192.168.77.10:5060;x=" + CSI_RED + b">\r\n" + auth +
            b"User-Agent: " + ua + b"\r\n"
            b"Expires: 3600\r\nContent-Length: 0\r\n\r\n") % (cseq, cseq)


def response(req, status, reason, extra=b""):
    lines = req.split(b"\r\n")
    keep = [l for l in lines if l.split(b":")[0] in (b"Via", b"From", b"To", b"Call-ID", b"CSeq")]
    keep = [(l + b";tag=srv" if l.startswith(b"To:") else l) for l in keep]
    keep = [(l + b";received=10.0.0.1" if l.startswith(b"Via:") else l) for l in keep]
    return (b"SIP/2.0 %d " % status + reason + b"\r\n" + b"\r\n".join(keep) + b"\r\n" + extra +
            b"Server: PBX " + NASTY + b"\r\nContent-Length: 0\r\n\r\n")


def dns_query(name):
    q = b"".join(bytes([len(p)]) + p for p in name.split(b".")) + b"\0"
    return struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0) + q + struct.pack(">HH", 1, 1)


def build():
    frames = []
    # Account 1001: challenged, then refused with a hostile 403 (reason, Warning, Reason).
    r1 = register(1, CALL_ID)
    frames.append(udp(r1))
    frames.append(udp(response(r1, 401, b"Unauthorized " + CSI_RED,
                               b"WWW-Authenticate: Digest realm=\"pbx" + NASTY.replace(b"\\", b"") +
                               b"\", nonce=\"abc\", algorithm=MD5\r\n"), SERVER, PHONE))
    auth = (b"Authorization: Digest username=\"1001" + CSI_RED + b"\", realm=\"pbx\", nonce=\"abc\", "
            b"uri=\"sip:sipwatch.test\", response=\"0123456789abcdef0123456789abcdef\", "
            b"algorithm=MD5\r\n")
    r2 = register(2, CALL_ID, auth=auth)
    frames.append(udp(r2))
    frames.append(udp(response(r2, 403, b"Forbidden " + NASTY,
                               b"Warning: 399 pbx \"" + NASTY.replace(b"\\", b"") + b"\"\r\n"
                               b"Reason: SIP;cause=403;text=\"" + CLEAR + b"\"\r\n"),
                      SERVER, PHONE))
    # Account 1002: registered, with the phone's public address reported back.
    r3 = register(1, b"esc-2-" + OSC_TITLE + b"@x", user=b"1002", tag=b"t2")
    frames.append(udp(r3))
    frames.append(udp(response(r3, 200, b"OK " + C1_CSI + b"[0m",
                               b"Contact: <sip:1002@192.168.77.10:5060>;expires=3600\r\n"),
                      SERVER, PHONE))
    # A call whose SDP carries escapes.
    sdp = (b"v=0\r\no=- 1 1 IN IP4 192.168.77.10" + CSI_RED + b"\r\ns=-\r\nc=IN IP4 " + CLEAR +
           b"\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n")
    inv = (b"INVITE sip:1003@sipwatch.test SIP/2.0\r\n"
           b"Via: SIP/2.0/UDP 192.168.77.10:5060;branch=z9hG4bK-inv\r\n"
           b"From: \"" + CSI_RED + b"\" <sip:1002@sipwatch.test>;tag=i1\r\n"
           b"To: <sip:1003" + C1_UTF8 + b"@sipwatch.test>\r\n"
           b"Call-ID: inv-" + OSC_TITLE + b"\r\nCSeq: 1 INVITE\r\n"
           b"Contact: <sip:1002@192.168.77.10>\r\nContent-Type: application/sdp\r\n"
           b"Content-Length: %d\r\n\r\n" % len(sdp) + sdp)
    frames.append(udp(inv))
    frames.append(udp(response(inv, 486, b"Busy " + DCS), SERVER, PHONE))
    # A malformed message: escapes in the start line.
    frames.append(udp(b"REGISTER sip:bad SIP/2.0\r\nCall-ID: bad-" + CSI_RED +
                      b"\r\nFrom: " + CLEAR + b"\r\n\r\n"))
    frames.append(udp(b"SIP/2.0 200 " + NASTY + b"\r\n\r\n"))
    # An ICMP port unreachable quoting a REGISTER with escapes, to another port.
    r4 = register(1, b"icmp-" + CSI_RED + b"@x", user=b"1004", tag=b"t4")
    f4 = udp(r4, dport=5070)
    frames.append(f4)
    frames.append(icmp_port_unreachable(f4))
    # A DNS query for a name with an escape in it.
    frames.append(udp(dns_query(b"pbx" + CSI_RED + b".example"), PHONE, DNS, 40000, 53))
    return pcaplib.pcap_bytes([pcaplib.Packet(T0 + i * 10**7, f) for i, f in enumerate(frames)], 1)


# Format controls a terminal obeys without showing them (common/buf.c
# sw_cp_invisible).
def invisible(c):
    return (c in (0x00AD, 0x061C, 0x180E, 0xFEFF, 0xE0001) or 0x200B <= c <= 0x200F or
            0x2028 <= c <= 0x202E or 0x2060 <= c <= 0x2064 or 0x2066 <= c <= 0x206F or
            0xFFF9 <= c <= 0xFFFB or 0xE0020 <= c <= 0xE007F)


# What no terminal output may contain: C0 controls except LF, DEL, C1
# controls (U+0080..U+009F), bytes that are not valid UTF-8 (a lone 0x9b
# is CSI on an 8-bit terminal), and the invisible format controls.
def bad_bytes(data):
    text = data.decode("utf-8", errors="surrogateescape")
    found = []
    for i, ch in enumerate(text):
        c = ord(ch)
        if (c < 0x20 and c != 0x0A) or 0x7F <= c <= 0x9F or 0xDC80 <= c <= 0xDCFF or \
                invisible(c):
            found.append((i, c))
    return found


class TerminalSafety(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(CAPTURE, "rb") as f:
            cls.committed = f.read()

    def run_bytes(self, *args, env=None):
        import subprocess
        e = dict(os.environ)
        e.setdefault("LANG", "C.UTF-8")
        if env:
            e.update(env)
        p = subprocess.run([swtest.SIPWATCH, *args], capture_output=True, timeout=60, env=e)
        self.assertGreaterEqual(p.returncode, 0)
        self.assertIn(p.returncode, (0, 1), p.stderr[-2000:])
        return p

    def assertClean(self, data, what):
        bad = bad_bytes(data)
        if bad:
            i = bad[0][0]
            text = data.decode("utf-8", errors="surrogateescape")
            self.fail("%s: %d control bytes, first U+%04X at %d in %r" % (
                what, len(bad), bad[0][1], i, text[max(0, i - 60):i + 20]))

    def test_capture_is_current(self):
        self.assertEqual(self.committed, build(),
                         "regenerate: python3 tests/e2e/test_terminal_safety.py --write " + CAPTURE)

    def test_capture_reaches_every_surface(self):
        """The hostile strings are really decoded (else the test proves nothing)."""
        p = self.run_bytes("-r", CAPTURE, "--json")
        objs = [json.loads(l) for l in p.stdout.decode("utf-8").splitlines() if l.strip()]
        msgs = [o for o in objs if o["type"] == "message"]
        sip = [o for o in msgs if not o.get("malformed")]
        self.assertGreaterEqual(len(sip), 9, [o.get("error") for o in msgs])
        self.assertTrue(any(o.get("malformed") for o in msgs))
        self.assertTrue(any(o["type"] == "icmp" for o in objs))
        self.assertTrue(any(o["type"] == "finding" for o in objs))
        # The data is escaped, not dropped: JSON keeps the bytes as code points.
        cids = {o.get("call_id") for o in sip}
        self.assertIn("esc-\x1b[31mcall\u009b@192.168.77.10", cids)
        uas = {o.get("user_agent") for o in sip if o.get("user_agent")}
        self.assertTrue(any("\x1b]0;owned\x07" in u for u in uas), uas)
        self.assertTrue(any(BIDI.decode() in u for u in uas), uas)

    def test_report(self):
        for lang in ("en", "zh"):
            with self.subTest(lang=lang):
                p = self.run_bytes("-r", CAPTURE, "--report", "--lang", lang)
                self.assertIn(b"Findings" if lang == "en" else b"\n", p.stdout)
                self.assertClean(p.stdout, "--report stdout")
                self.assertClean(p.stderr, "--report stderr")
                # Shown escaped, so a support engineer sees what was sent.
                self.assertIn(b"\\x1B[31m", p.stdout)
                self.assertIn(b"\\u202Egnp.exe\\u202C\\u2066\\u2069\\u200B\\u200D\\u2060"
                              b"\\uFEFF\\U000E0001", p.stdout)

    def test_messages(self):
        p = self.run_bytes("-r", CAPTURE, "--messages")
        self.assertClean(p.stdout, "--messages stdout")
        self.assertClean(p.stderr, "--messages stderr")
        self.assertIn(b"\\x1B[31m", p.stdout)
        self.assertIn(b"\\u202Egnp.exe", p.stdout)
        self.assertGreaterEqual(len(p.stdout.splitlines()), 12)

    def test_json(self):
        p = self.run_bytes("-r", CAPTURE, "--json")
        self.assertClean(p.stdout, "--json stdout")
        self.assertClean(p.stderr, "--json stderr")
        for line in p.stdout.splitlines():
            json.loads(line.decode("utf-8"))  # valid UTF-8 and valid JSON

    def test_live_style_streaming(self):
        """Findings streamed one per line (what live mode prints) go through
        the same escaping: simulate with -q and the text modes."""
        p = self.run_bytes("-r", CAPTURE, "--messages", "-q")
        self.assertClean(p.stdout, "--messages -q stdout")

    def test_merged_names(self):
        """With several inputs the file name is printed too; a hostile
        upload name is escaped like packet bytes."""
        d = tempfile.mkdtemp(prefix="swterm-")
        name = os.path.join(d, "up\x1b[31mload.pcap")
        with open(name, "wb") as f:
            f.write(self.committed)
        p = self.run_bytes("-r", name, "-r", CAPTURE, "--messages")
        self.assertClean(p.stdout, "--messages stdout, two inputs")
        p = self.run_bytes("-r", name, "-r", CAPTURE, "--report")
        self.assertClean(p.stdout, "--report stdout, two inputs")
        # Damaged: the name is on stderr too.
        with open(name, "wb") as f:
            f.write(self.committed[:-10])
        p = self.run_bytes("-r", name, "--json")
        self.assertIn(b"analysed up to byte", p.stderr)
        self.assertClean(p.stderr, "--json stderr, damaged input with a hostile name")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--write":
        with open(sys.argv[2], "wb") as f:
            f.write(build())
        sys.exit(0)
    swtest.main()
