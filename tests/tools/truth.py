#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""truth: an independent reference decoder for the decode corpus.

    truth.py show FILE         print the events and counts this oracle finds
    truth.py manifest DIR      write DIR/truth/*.tsv and DIR/MANIFEST.md, each
                               list checked against tshark (differences noted)

It decodes link layers (Ethernet with 802.1Q/802.1ad tags, PPPoE session,
LINUX_SLL, LINUX_SLL2, NULL, RAW), reassembles IPv4 and IPv6 fragments
(RFC 791, RFC 8200 4.5), reassembles TCP byte streams by sequence number
(duplicates dropped, out-of-order held) and frames SIP in them by
Content-Length (RFC 3261 18.3), and recognises CRLF keepalives and STUN
(RFC 5626 3.5.1, RFC 5389), ICMP/ICMPv6 errors, DNS and TLS records.
It is deliberately simple and strict: a SIP message is one that has a valid
start line, the end of its headers, Via, From, To, Call-ID and CSeq, and at
least Content-Length bytes of body; anything that starts like SIP but fails
is "malformed".  Standard library only.
"""

import os
import re
import struct
import subprocess
import sys
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaplib as pl  # noqa: E402

SIP_PORTS = {5060, 5061}
TLS_PORTS = {5061}
REQ_RE = re.compile(rb"^([A-Z][A-Z0-9._!%*+`'~-]*) (\S+) SIP/2\.0$")
RESP_RE = re.compile(rb"^SIP/2\.0 ([1-6][0-9][0-9]) ?(.*)$")
COMPACT = {b"i": b"call-id", b"v": b"via", b"f": b"from", b"t": b"to", b"l": b"content-length",
           b"m": b"contact"}


@dataclass
class SipMsg:
    frame: int              # frame that completed the message
    first: int              # first frame that contributed
    src: str
    dst: str
    transport: str
    what: str               # method or status code
    cseq: str
    call_id: str
    notes: str = ""


@dataclass
class Result:
    linktype: str = ""
    frames: int = 0
    sip: list = field(default_factory=list)
    malformed: list = field(default_factory=list)    # (frame, src, dst, reason, what, cseq, cid, tp)
    keepalives: list = field(default_factory=list)   # (frame, kind)
    icmp: list = field(default_factory=list)         # (frame, text)
    dns: list = field(default_factory=list)          # (frame, text)
    tls_records: int = 0
    tls_conns: int = 0
    ip_fragments: int = 0
    ip_reassembled: int = 0
    ip_frag_dups: int = 0
    ip_frag_incomplete: int = 0
    tcp_reassembled: int = 0
    tcp_retrans: int = 0
    tcp_ooo: int = 0
    tcp_incomplete: int = 0
    truncated_frames: int = 0
    truncated_sip: list = field(default_factory=list)  # (frame, src, dst, first line)
    file_truncated: bool = False
    non_sip_on_sip_port: list = field(default_factory=list)
    tcp_flags: list = field(default_factory=list)     # (frame, SYN|SYNACK|FIN|RST, src, dst)
    tls_streams: list = field(default_factory=list)   # (first frame, src, dst, key)
    other: int = 0


def addr(ip, port):
    return "[%s]:%d" % (ip, port) if ":" in ip else "%s:%d" % (ip, port)


def ip_str(b):
    import ipaddress
    return str(ipaddress.ip_address(b))


# ------------------------------------------------------------------ SIP parsing

def parse_sip(msg):
    """-> (ok, what, cseq, call_id, reason) for one complete SIP message."""
    head, sep, body = msg.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    m = REQ_RE.match(lines[0])
    r = RESP_RE.match(lines[0])
    if not sep:
        return False, first_word(msg), "", "", "no end of headers (CRLFCRLF)"
    if not m and not r:
        return False, first_word(msg), "", "", "bad start line"
    what = m.group(1).decode() if m else r.group(1).decode()
    hdrs = {}
    for line in lines[1:]:
        if not line or line[:1] in b" \t":
            continue
        if b":" not in line:
            return False, what, "", "", "header line without colon"
        n, v = line.split(b":", 1)
        n = n.strip().lower()
        n = COMPACT.get(n, n)
        hdrs.setdefault(n, v.strip())
    cseq = hdrs.get(b"cseq", b"").decode("latin-1")
    cid = hdrs.get(b"call-id", b"").decode("latin-1")
    for need in (b"via", b"from", b"to", b"call-id", b"cseq"):
        if need not in hdrs:
            name = {b"call-id": "Call-ID", b"cseq": "CSeq"}.get(need, need.decode().title())
            return False, what, cseq, cid, "missing %s" % name
    if not re.match(r"^\d+ [A-Za-z]+$", cseq):
        return False, what, cseq, cid, "bad CSeq"
    return True, what, cseq, cid, ""


def first_word(b):
    w = b.split(b" ", 1)[0][:16]
    return w.decode("latin-1") if w.isascii() and w.isalpha() else "?"


def looks_sip(payload):
    """Starts like a SIP start line (a method token and ' sip:' or 'SIP/2.0 ')."""
    return bool(re.match(rb"^(SIP/2\.0 [0-9]{3}|[A-Z]{3,16} (sips?|tel):)", payload))


# ------------------------------------------------------------------ decoder

class Oracle:
    def __init__(self):
        self.res = Result()
        self.frags = {}           # key -> dict(frames, pieces{off: bytes}, total, first)
        self.tcp = {}             # (src, sport, dst, dport) -> stream state

    # -------- link layer
    def frame(self, n, p):
        r = self.res
        r.frames += 1
        if p.orig_len >= 0 and len(p.data) < p.orig_len:
            r.truncated_frames += 1
        lt, d = p.linktype, p.data
        try:
            if lt == pl.LINKTYPE_ETHERNET:
                _, _, _, et, payload = pl.strip_ethernet(d)
                if et == pl.ETH_P_PPPOE_SESS:
                    proto = struct.unpack(">H", payload[6:8])[0]
                    et = {pl.PPP_IP: pl.ETH_P_IP, pl.PPP_IPV6: pl.ETH_P_IPV6}.get(proto, 0)
                    payload = payload[8:]
            elif lt == pl.LINKTYPE_LINUX_SLL:
                _, _, et, payload = pl.strip_sll(d)
            elif lt == pl.LINKTYPE_LINUX_SLL2:
                et, payload = struct.unpack(">H", d[:2])[0], d[20:]
            elif lt == pl.LINKTYPE_NULL:
                af = struct.unpack("<I", d[:4])[0]
                if af > 0xFFFF:
                    af = struct.unpack(">I", d[:4])[0]
                et = pl.ETH_P_IP if af == 2 else pl.ETH_P_IPV6 if af in (24, 28, 30) else 0
                payload = d[4:]
            elif lt == pl.LINKTYPE_RAW:
                et = pl.ETH_P_IP if d[0] >> 4 == 4 else pl.ETH_P_IPV6
                payload = d
            else:
                r.other += 1
                return
        except (struct.error, IndexError):
            r.other += 1
            return
        if et == pl.ETH_P_IP:
            self.ipv4(n, payload, p.wire_len() < 0 or len(p.data) < p.wire_len())
        elif et == pl.ETH_P_IPV6:
            self.ipv6(n, payload)
        else:
            r.other += 1

    # -------- IP
    def ipv4(self, n, ip, _cut):
        if len(ip) < 20:
            self.res.other += 1
            return
        ihl = (ip[0] & 15) * 4
        tot = struct.unpack(">H", ip[2:4])[0]
        ff = struct.unpack(">H", ip[6:8])[0]
        proto = ip[9]
        src, dst = ip_str(ip[12:16]), ip_str(ip[16:20])
        body = ip[ihl:tot]
        if ff & 0x3FFF:
            key = (4, src, dst, ip[4:6], proto)
            body = self.reassemble(n, key, (ff & 0x1FFF) * 8, bool(ff & 0x2000), body)
            if body is None:
                return
        self.l4(n, proto, src, dst, body, 4, len(ip) < tot)

    def ipv6(self, n, ip):
        if len(ip) < 40:
            self.res.other += 1
            return
        plen = struct.unpack(">H", ip[4:6])[0]
        nh = ip[6]
        src, dst = ip_str(ip[8:24]), ip_str(ip[24:40])
        cut = len(ip) < 40 + plen
        body = ip[40:40 + plen]
        while nh in (0, 43, 60, 44):
            if nh == 44:
                fo = struct.unpack(">H", body[2:4])[0]
                ident = body[4:8]
                key = (6, src, dst, ident, body[0])
                nxt = body[0]
                body = self.reassemble(n, key, fo & 0xFFF8, bool(fo & 1), body[8:])
                if body is None:
                    return
                nh = nxt
                continue
            hlen = (body[1] + 1) * 8
            nh, body = body[0], body[hlen:]
        self.l4(n, nh, src, dst, body, 6, cut)

    def reassemble(self, n, key, off, more, data):
        r = self.res
        r.ip_fragments += 1
        st = self.frags.setdefault(key, {"pieces": {}, "total": None, "frames": []})
        if off in st["pieces"]:
            r.ip_frag_dups += 1
            return None
        st["pieces"][off] = data
        st["frames"].append(n)
        if not more:
            st["total"] = off + len(data)
        if st["total"] is None:
            return None
        have, pos = b"", 0
        for o in sorted(st["pieces"]):
            if o != pos:
                return None
            have += st["pieces"][o]
            pos += len(st["pieces"][o])
        if pos != st["total"]:
            return None
        del self.frags[key]
        r.ip_reassembled += 1
        self.frag_info = (min(st["frames"]), len(st["pieces"]))
        return have

    # -------- transport
    def l4(self, n, proto, src, dst, body, ver, cut):
        self.frag_info_now = getattr(self, "frag_info", None)
        self.frag_info = None
        if proto == 17 and len(body) >= 8:
            sport, dport, ulen = struct.unpack(">HHH", body[:6])
            self.udp(n, src, sport, dst, dport, body[8:ulen] if ulen >= 8 else body[8:], cut)
        elif proto == 6 and len(body) >= 20:
            self.tcp_seg(n, src, dst, body)
        elif (proto == 1 and ver == 4) or (proto == 58 and ver == 6):
            self.icmp(n, ver, src, dst, body)
        else:
            self.res.other += 1

    def udp(self, n, src, sport, dst, dport, pay, cut):
        r = self.res
        s, d = addr(src, sport), addr(dst, dport)
        fi = self.frag_info_now
        first = fi[0] if fi else n
        notes = "IP-reassembled from %d fragments" % fi[1] if fi else ""
        if 53 in (sport, dport):
            r.dns.append((n, dns_text(pay)))
            return
        on_sip = sport in SIP_PORTS or dport in SIP_PORTS
        if pay == b"\r\n\r\n":
            r.keepalives.append((n, "crlf_ping", s, d))
            return
        if pay == b"\r\n":
            r.keepalives.append((n, "crlf_pong", s, d))
            return
        if len(pay) >= 20 and pay[4:8] == b"\x21\x12\xa4\x42" and pay[0] & 0xC0 == 0:
            typ = struct.unpack(">H", pay[:2])[0]
            kind = {0x0001: "stun_request", 0x0101: "stun_response"}.get(typ, "stun_other")
            r.keepalives.append((n, kind, s, d))
            return
        if cut:
            if looks_sip(pay):
                r.truncated_sip.append((n, s, d, pay.split(b"\r\n", 1)[0].decode("latin-1")))
            return
        if looks_sip(pay) or REQ_RE.match(pay.split(b"\r\n", 1)[0]) or pay.startswith(b"SIP/2.0"):
            ok, what, cseq, cid, why = parse_sip(pay)
            if ok:
                head, _, body = pay.partition(b"\r\n\r\n")
                cl = header(head, b"content-length")
                if cl is not None and int(cl) > len(body):
                    ok, why = False, "Content-Length %s > body %d (RFC 3261 18.3)" % (cl, len(body))
            if ok:
                r.sip.append(SipMsg(n, first, s, d, "UDP", what, cseq, cid, notes))
            else:
                r.malformed.append((n, s, d, why, what, cseq, cid, "UDP"))
            return
        if on_sip:
            r.non_sip_on_sip_port.append((n, s, d, len(pay)))
        else:
            r.other += 1

    def icmp(self, n, ver, src, dst, body):
        r = self.res
        t, c = body[0], body[1]
        is_err = (ver == 4 and t in (3, 4, 5, 11, 12)) or (ver == 6 and t in (1, 2, 3, 4))
        if not is_err:
            r.other += 1
            return
        names4 = {(3, 3): "port_unreachable", (3, 1): "host_unreachable",
                  (3, 4): "frag_needed", (3, 13): "admin_prohibited"}
        names6 = {(1, 4): "port_unreachable", (1, 3): "host_unreachable",
                  (1, 1): "admin_prohibited", (2, 0): "packet_too_big"}
        kind = (names4 if ver == 4 else names6).get((t, c), "type%d/code%d" % (t, c))
        q = body[8:]
        quoted = ""
        try:
            if ver == 4:
                qihl = (q[0] & 15) * 4
                qproto, qs, qd = q[9], ip_str(q[12:16]), ip_str(q[16:20])
                ql4 = q[qihl:]
            else:
                qproto, qs, qd = q[6], ip_str(q[8:24]), ip_str(q[24:40])
                ql4 = q[40:]
            if qproto == 17:
                sp, dp = struct.unpack(">HH", ql4[:4])
                qpay = ql4[8:]
                desc = "%s -> %s UDP" % (addr(qs, sp), addr(qd, dp))
                if looks_sip(qpay):
                    _, what, cseq, cid, _ = parse_sip(qpay)
                    desc += " quoting SIP %s CSeq '%s' Call-ID %s (%d bytes)" % (
                        what, cseq, cid or "-", len(qpay))
                quoted = desc
        except (IndexError, struct.error):
            quoted = "(quote cut)"
        r.icmp.append((n, "ICMPv%d %s from %s: %s" % (ver if ver == 6 else 4, kind, src, quoted)))

    # -------- TCP
    def tcp_seg(self, n, src, dst, seg):
        r = self.res
        sport, dport, seq, ack, offflags = struct.unpack(">HHIIH", seg[:14])
        doff = (offflags >> 12) * 4
        flags = offflags & 0x3F
        pay = seg[doff:]
        key = (src, sport, dst, dport)
        st = self.tcp.get(key)
        fl = "RST" if flags & 0x04 else "SYNACK" if flags & 0x12 == 0x12 else "SYN" \
            if flags & 0x02 else "FIN" if flags & 0x01 else None
        if fl:
            r.tcp_flags.append((n, fl, addr(src, sport), addr(dst, dport)))
        if flags & 0x02:                                   # SYN
            self.tcp[key] = {"next": (seq + 1) & 0xFFFFFFFF, "buf": b"", "owner": [],
                             "ooo": {}, "sip": None, "tls": False, "segs": 0}
            return
        if not pay:
            return
        if st is None:                                     # joined mid-stream
            st = self.tcp[key] = {"next": seq, "buf": b"", "owner": [], "ooo": {}, "sip": None,
                                  "tls": False, "segs": 0}
        rel = (seq - st["next"]) & 0xFFFFFFFF
        if rel >= 0x80000000:                              # starts before next: old data
            overlap = (st["next"] - seq) & 0xFFFFFFFF
            if overlap >= len(pay):
                r.tcp_retrans += 1
                return
            pay, seq = pay[overlap:], st["next"]
            rel = 0
        if rel > 0:                                        # a gap: hold it
            if seq in st["ooo"]:
                r.tcp_retrans += 1
            else:
                st["ooo"][seq] = (n, pay)
                r.tcp_ooo += 1
            return
        self.tcp_append(st, n, pay)
        while st["next"] in st["ooo"]:
            on, op = st["ooo"].pop(st["next"])
            self.tcp_append(st, on, op)    # bytes keep the frame that carried them
        self.tcp_frame(key, st)

    def tcp_append(self, st, n, pay):
        st["buf"] += pay
        st["owner"] += [n] * len(pay)
        st["next"] = (st["next"] + len(pay)) & 0xFFFFFFFF

    def tcp_frame(self, key, st):
        r = self.res
        src, sport, dst, dport = key
        s, d = addr(src, sport), addr(dst, dport)
        b = st["buf"]
        if st["sip"] is None and b:
            if b[0] in (20, 21, 22, 23) and b[1:2] == b"\x03":
                st["sip"] = "tls"
                st["tls_idx"] = len(r.tls_streams)
                r.tls_streams.append([min(st["owner"]), s, d, 0])
                r.tls_conns += 1
            else:
                st["sip"] = "sip" if (sport in SIP_PORTS or dport in SIP_PORTS or looks_sip(b)) \
                    else "other"
        kind = st["sip"]
        while b:
            used = 0
            if kind == "tls":
                if len(b) < 5:
                    break
                rl = struct.unpack(">H", b[3:5])[0]
                if len(b) < 5 + rl:
                    break
                r.tls_records += 1
                r.tls_streams[st["tls_idx"]][3] += 1
                used = 5 + rl
            elif kind == "sip":
                if b.startswith(b"\r\n\r\n"):
                    r.keepalives.append((max(st["owner"][:4]), "crlf_ping", s, d))
                    used = 4
                elif b == b"\r\n\r":
                    break                      # a ping still arriving
                elif b.startswith(b"\r\n"):
                    r.keepalives.append((max(st["owner"][:2]), "crlf_pong", s, d))
                    used = 2
                else:
                    he = b.find(b"\r\n\r\n")
                    if he < 0:
                        break
                    head = b[:he]
                    cl = header(head, b"content-length")
                    cl = int(cl) if cl is not None and cl.isdigit() else 0
                    end = he + 4 + cl
                    if len(b) < end:
                        break
                    msg = b[:end]
                    owners = st["owner"][:end]
                    ok, what, cseq, cid, why = parse_sip(msg)
                    segs = len(set(owners))
                    notes = ""
                    if segs > 1:
                        r.tcp_reassembled += 1
                        notes = "TCP-reassembled from frames %s" % ",".join(
                            str(x) for x in sorted(set(owners)))
                    if ok:
                        # completed by the latest frame among its bytes (a frame that
                        # fills a gap completes bytes that arrived before it)
                        r.sip.append(SipMsg(max(owners), min(owners), s, d, "TCP", what, cseq,
                                            cid, notes))
                    else:
                        r.malformed.append((max(owners), s, d, why, what, cseq, cid, "TCP"))
                    used = end
            else:
                used = len(b)
            b = b[used:]
            st["owner"] = st["owner"][used:]
        st["buf"] = b

    def finish(self):
        self.res.ip_frag_incomplete = len(self.frags)
        for st in self.tcp.values():
            if st["buf"] or st["ooo"]:
                self.res.tcp_incomplete += 1
        return self.res


def header(head, name):
    for line in head.split(b"\r\n")[1:]:
        if b":" in line:
            n, v = line.split(b":", 1)
            n = n.strip().lower()
            if COMPACT.get(n, n) == name:
                return v.strip().decode("latin-1")
    return None


def dns_text(p):
    if len(p) < 12:
        return "short DNS"
    qid, flags, qd, an = struct.unpack(">HHHH", p[:8])
    off, labels = 12, []
    while off < len(p) and p[off] and len(labels) < 64:
        labels.append(p[off + 1:off + 1 + p[off]].decode("latin-1"))
        off += 1 + p[off]
    qtype = struct.unpack(">H", p[off + 1:off + 3])[0] if off + 3 <= len(p) else 0
    tname = {1: "A", 28: "AAAA", 33: "SRV", 35: "NAPTR"}.get(qtype, str(qtype))
    if flags & 0x8000:
        rc = {0: "NOERROR", 3: "NXDOMAIN", 2: "SERVFAIL"}.get(flags & 15, str(flags & 15))
        return "response id 0x%04x %s %s %s answers=%d" % (qid, ".".join(labels), tname, rc, an)
    return "query id 0x%04x %s %s" % (qid, ".".join(labels), tname)


def decode_file(path):
    cap = pl.read(path)
    o = Oracle()
    for i, p in enumerate(cap.packets, 1):
        o.frame(i, p)
    res = o.finish()
    lts = sorted({pl.LINKTYPE_NAMES.get(p.linktype, str(p.linktype)) for p in cap.packets}) \
        or [pl.LINKTYPE_NAMES.get(cap.linktype, str(cap.linktype))]
    res.linktype = "+".join(lts)
    res.file_truncated = cap.truncated_tail
    res.fmt = cap.fmt + (" (gzip)" if cap.gzipped else "")
    return res


# ------------------------------------------------------------------ tshark

def tshark_sip(path, extra=()):
    """[(frame, what, cseq, call_id)] as tshark 4.x sees SIP (several per frame split)."""
    cmd = ["tshark", "-n", "-r", path, "-Y", "sip", "-T", "fields", "-E", "separator=\t",
           "-e", "frame.number", "-e", "sip.Method", "-e", "sip.Status-Code", "-e", "sip.CSeq",
           "-e", "sip.Call-ID"] + list(extra)
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    out = []
    for line in p.stdout.splitlines():
        f = (line.split("\t") + [""] * 5)[:5]
        fr, meth, st, cseq, cid = f
        cseqs, cids = cseq.split(","), cid.split(",")
        # one "what" per CSeq: a request's method is its CSeq method unless it is a response
        whats = [None] * len(cseqs)
        meths = [m for m in meth.split(",") if m]
        sts = [s for s in st.split(",") if s]
        mi = si = 0
        for i, c in enumerate(cseqs):
            cm = c.split(" ")[-1] if c else ""
            if mi < len(meths) and meths[mi] == cm and (si >= len(sts) or len(meths) - mi > 0):
                whats[i] = meths[mi]
                mi += 1
            elif si < len(sts):
                whats[i] = sts[si]
                si += 1
            elif mi < len(meths):
                whats[i] = meths[mi]
                mi += 1
        if not cseq:
            whats = meths + sts or ["?"]
            cseqs = [""] * len(whats)
            cids = (cids + [""] * len(whats))[:len(whats)]
        for i, w in enumerate(whats):
            out.append((int(fr), w or "?", cseqs[i] if i < len(cseqs) else "",
                        cids[i] if i < len(cids) else ""))
    return out, p.stderr.strip()


def tshark_counts(path):
    """ICMP errors, DNS messages, IP fragment frames, STUN messages and TLS records as
    tshark counts them (outermost header only, so quoted packets in ICMP do not count)."""
    fields = ["frame.number", "icmp.type", "icmpv6.type", "dns.id", "ip.flags.mf",
              "ip.frag_offset", "ipv6.fraghdr.offset", "stun.type", "tls.record.content_type",
              "tls.record.opaque_type"]
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t"]
    for f in fields:
        cmd += ["-e", f]
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    c = {"icmp_errors": 0, "dns": 0, "ip_fragments": 0, "stun": 0, "tls_records": 0}
    for line in p.stdout.splitlines():
        v = dict(zip(fields, [x.split(",") if x else [] for x in (line.split("\t") + [""] * len(fields))]))
        icmp4 = v["icmp.type"][:1]
        icmp6 = v["icmpv6.type"][:1]
        if (icmp4 and int(icmp4[0]) in (3, 4, 5, 11, 12)) or (icmp6 and 1 <= int(icmp6[0]) <= 4):
            c["icmp_errors"] += 1
            continue
        if v["dns.id"]:
            c["dns"] += 1
        mf = v["ip.flags.mf"][:1]
        off = v["ip.frag_offset"][:1]
        if (mf and mf[0] in ("1", "True")) or (off and off[0] != "0") or v["ipv6.fraghdr.offset"]:
            c["ip_fragments"] += 1
        if v["stun.type"]:
            c["stun"] += 1
        # TLS 1.3 encrypted records show their outer type as opaque_type
        c["tls_records"] += len(v["tls.record.content_type"]) + len(v["tls.record.opaque_type"])
    return c


# ------------------------------------------------------------------ output

def show(path):
    r = decode_file(path)
    print("%s: %s, link %s, %d frames%s" % (path, r.fmt, r.linktype, r.frames,
                                            ", file cut mid-record" if r.file_truncated else ""))
    for m in r.sip:
        print("  SIP  %3d %-22s -> %-22s %s %-9s %-12s %s %s" % (
            m.frame, m.src, m.dst, m.transport, m.what, m.cseq, m.call_id, m.notes))
    for x in r.malformed:
        print("  BAD  %3d %s -> %s %s (%s %s %s %s)" % x)
    for x in r.truncated_sip:
        print("  CUT  %3d %s -> %s %s" % x)
    for x in r.keepalives:
        print("  KA   %3d %s %s -> %s" % x)
    for x in r.icmp:
        print("  ICMP %3d %s" % x)
    for x in r.dns:
        print("  DNS  %3d %s" % x)
    for x in r.non_sip_on_sip_port:
        print("  NONSIP %3d %s -> %s %d bytes" % x)
    print("  counts:", counts(r))


def counts(r):
    return {"sip": len(r.sip), "malformed": len(r.malformed), "keepalives": len(r.keepalives),
            "icmp_errors": len(r.icmp), "dns": len(r.dns), "ip_fragments": r.ip_fragments,
            "ip_reassembled": r.ip_reassembled, "ip_frag_duplicates": r.ip_frag_dups,
            "ip_frag_incomplete": r.ip_frag_incomplete, "tcp_reassembled": r.tcp_reassembled,
            "tcp_retrans": r.tcp_retrans, "tcp_out_of_order": r.tcp_ooo,
            "tcp_incomplete_streams": r.tcp_incomplete, "tls_streams": r.tls_conns,
            "tls_records": r.tls_records, "truncated_frames": r.truncated_frames,
            "truncated_sip": len(r.truncated_sip), "non_sip_on_sip_port": len(r.non_sip_on_sip_port)}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "show":
        show(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "manifest":
        import manifest
        manifest.write(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
