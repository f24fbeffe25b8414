# SPDX-License-Identifier: BSD-2-Clause
"""synthnet: the packet layer of the scenario generator (scenarios.py).

Standard library only. Builds IPv4/IPv6, UDP, TCP, ICMP/ICMPv6 errors, IP
fragments, DNS and ARP the way a Linux host or a phone's IP stack writes them,
and places every packet in the capture points ("taps") of a scenario: the
phone's side of its NAT router, the server's side (after NAT: public address
and NAT'd port), or both, each with its own clock.

A Flow is one UDP or TCP 5-tuple as both sides see it: the phone's local
address:port, the public address:port the NAT gave it (the same for a phone
without NAT) and the server's. Times passed to Flow methods are "true" time in
seconds from the scenario's start; each tap adds its clock offset, and a
packet reaches the far side `delay` seconds later (when it is not lost).
"""
import ipaddress
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaplib  # noqa: E402

IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_FRAG6, IPPROTO_ICMPV6 = 1, 6, 17, 44, 58


def packed(ip):
    return ipaddress.ip_address(ip).packed


def is_v6(ip):
    return ":" in ip


# ------------------------------------------------------------------ L3 / L4

def ipv4(src, dst, proto, payload, ident, ttl=64, df=True, tos=0):
    return pcaplib.ipv4_header(packed(src), packed(dst), proto, len(payload), ident & 0xFFFF,
                               0x4000 if df else 0, ttl, tos) + payload


def ipv6(src, dst, nh, payload, hlim=64, flow=0, tclass=0):
    first = (6 << 28) | (tclass << 20) | (flow & 0xFFFFF)
    return struct.pack(">IHBB", first, len(payload), nh, hlim) + packed(src) + packed(dst) + \
        payload


def pseudo(src, dst, proto, length):
    if is_v6(src):
        return packed(src) + packed(dst) + struct.pack(">IxxxB", length, proto)
    return packed(src) + packed(dst) + struct.pack(">xBH", proto, length)


def udp(src, dst, sport, dport, payload):
    h = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0)
    c = pcaplib.csum(pseudo(src, dst, IPPROTO_UDP, 8 + len(payload)) + h + payload) or 0xFFFF
    return h[:6] + struct.pack(">H", c) + payload


TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b"", win=64240, opts=b""):
    opts += b"\x00" * ((4 - len(opts) % 4) % 4)
    off = (20 + len(opts)) // 4
    h = struct.pack(">HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, off << 4,
                    flags, win, 0, 0) + opts
    c = pcaplib.csum(pseudo(src, dst, IPPROTO_TCP, len(h) + len(payload)) + h + payload)
    return h[:16] + struct.pack(">H", c) + h[18:] + payload


def syn_opts(mss=1460, wscale=7):
    # MSS, SACK permitted, NOP, window scale (a stack without timestamps)
    return struct.pack(">BBH", 2, 4, mss) + b"\x01\x01\x04\x02" + struct.pack(">BBBB", 1, 3, 3,
                                                                              wscale)


def icmp4(src, dst, typ, code, quoted, ident, mtu=0, ttl=64):
    """An ICMP error as Linux sends it: as much of the offending datagram as
    fits in 576 bytes (RFC 1812 4.3.2.3)."""
    quoted = quoted[:576 - 28]
    rest = struct.pack(">HH", 0, mtu) if typ == 3 and code == 4 else b"\0\0\0\0"
    body = struct.pack(">BBH", typ, code, 0) + rest + quoted
    body = body[:2] + struct.pack(">H", pcaplib.csum(body)) + body[4:]
    return ipv4(src, dst, IPPROTO_ICMP, body, ident, ttl=ttl, df=False, tos=0xC0)


def icmp6(src, dst, typ, code, quoted, mtu=0, hlim=64):
    """An ICMPv6 error: as much of the invoking packet as fits in 1280 bytes
    (RFC 4443 2.4 (c))."""
    quoted = quoted[:1280 - 48]
    rest = struct.pack(">I", mtu) if typ == 2 else b"\0\0\0\0"
    body = struct.pack(">BBH", typ, code, 0) + rest + quoted
    c = pcaplib.csum(pseudo(src, dst, IPPROTO_ICMPV6, len(body)) + body)
    body = body[:2] + struct.pack(">H", c) + body[4:]
    return ipv6(src, dst, IPPROTO_ICMPV6, body, hlim=hlim)


def fragments(packet, mtu, ident):
    """Split an IP packet (v4 with a 20-byte header, or v6 without extension
    headers) the way the sending host does for a path MTU of `mtu`."""
    if packet[0] >> 4 == 4:
        per = (mtu - 20) // 8 * 8
        return pcaplib.ipv4_fragments(packet, per)
    hdr, body = packet[:40], packet[40:]
    nh = hdr[6]
    per = (mtu - 48) // 8 * 8
    out = []
    for off in range(0, len(body), per):
        chunk = body[off:off + per]
        more = 1 if off + per < len(body) else 0
        fh = struct.pack(">BBHI", nh, 0, off | more, ident)
        pl = fh + chunk
        out.append(hdr[:4] + struct.pack(">H", len(pl)) + bytes([IPPROTO_FRAG6]) + hdr[7:] + pl)
    return out


# ------------------------------------------------------------------ DNS

TYPE = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "AAAA": 28, "SRV": 33, "NAPTR": 35}
RCODE = {"NOERROR": 0, "SERVFAIL": 2, "NXDOMAIN": 3, "REFUSED": 5}


def dns_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns_query(qid, name, qtype, rd=True, edns=False):
    msg = struct.pack(">HHHHHH", qid, 0x0100 if rd else 0, 1, 0, 0, 1 if edns else 0)
    msg += dns_name(name) + struct.pack(">HH", TYPE[qtype], 1)
    if edns:
        msg += b"\0" + struct.pack(">HHIH", 41, 1232, 0, 0)
    return msg


def _rdata(rtype, value):
    if rtype == "A" or rtype == "AAAA":
        return packed(value)
    if rtype == "CNAME":
        return dns_name(value)
    if rtype == "SRV":
        prio, weight, port, target = value
        return struct.pack(">HHH", prio, weight, port) + dns_name(target)
    if rtype == "NAPTR":
        order, pref, flags, service, regexp, repl = value
        out = struct.pack(">HH", order, pref)
        for s in (flags, service, regexp):
            out += bytes([len(s)]) + s.encode()
        return out + dns_name(repl)
    if rtype == "SOA":
        mname, rname, serial, minimum = value
        return dns_name(mname) + dns_name(rname) + struct.pack(">IIIII", serial, 7200, 3600,
                                                              1209600, minimum)
    raise ValueError(rtype)


def dns_response(query, rcode="NOERROR", answers=(), authority=(), additional=(), ra=True,
                 aa=False):
    """answers/authority/additional: (name, type, ttl, value). The question is
    copied from the query; a name equal to the question's is compressed."""
    qid, qflags = struct.unpack(">HH", query[:4])
    qend = 12
    while query[qend]:
        qend += 1 + query[qend]
    qend += 5
    question = query[12:qend]
    qname = query[12:qend - 4]
    flags = 0x8000 | (qflags & 0x0100) | (0x0080 if ra else 0) | (0x0400 if aa else 0) | \
        RCODE[rcode]
    msg = struct.pack(">HHHHHH", qid, flags, 1, len(answers), len(authority), len(additional))
    msg += question
    for sect in (answers, authority, additional):
        for name, rtype, ttl, value in sect:
            n = dns_name(name)
            n = b"\xc0\x0c" if n == qname else n
            rd = _rdata(rtype, value)
            msg += n + struct.pack(">HHIH", TYPE[rtype], 1, ttl, len(rd)) + rd
    return msg


def soa(zone, minimum=300, serial=2024031201):
    return (zone, "SOA", minimum, ("ns1." + zone, "hostmaster." + zone, serial, minimum))


# ------------------------------------------------------------------ RTP / TLS filler

def rtp(seq, ts, ssrc, pt=0, marker=False, payload_len=160, fill=0xFF):
    return struct.pack(">BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF,
                       ts & 0xFFFFFFFF, ssrc) + bytes([fill]) * payload_len


def tls_record(ctype, body, version=0x0303):
    return struct.pack(">BHH", ctype, version, len(body)) + body


def tls_client_hello(rng, sni):
    sni_b = sni.encode()
    ext_sni = struct.pack(">HHHBH", 0, len(sni_b) + 5, len(sni_b) + 3, 0, len(sni_b)) + sni_b
    ext_alpn = struct.pack(">HHH", 16, 14, 12) + b"\x02h2\x08http/1.1"
    ext_ver = struct.pack(">HHB", 43, 5, 4) + b"\x03\x04\x03\x03"
    ext_groups = struct.pack(">HHH", 10, 8, 6) + b"\x00\x1d\x00\x17\x00\x18"
    ext_sig = struct.pack(">HHH", 13, 10, 8) + b"\x04\x03\x08\x04\x04\x01\x05\x03"
    ks = bytes(rng.getrandbits(8) for _ in range(32))
    ext_ks = struct.pack(">HHHHH", 51, 38, 36, 0x1d, 32) + ks
    exts = ext_sni + ext_alpn + ext_ver + ext_groups + ext_sig + ext_ks
    suites = b"\x13\x01\x13\x02\x13\x03\xc0\x2b\xc0\x2f\xc0\x2c\xc0\x30"
    body = b"\x03\x03" + bytes(rng.getrandbits(8) for _ in range(32)) + b"\x20" + \
        bytes(rng.getrandbits(8) for _ in range(32)) + struct.pack(">H", len(suites)) + \
        suites + b"\x01\x00" + struct.pack(">H", len(exts)) + exts
    hs = b"\x01" + struct.pack(">I", len(body))[1:] + body
    return tls_record(22, hs, 0x0301)


def tls_opaque(rng, ctype, n):
    return tls_record(ctype, bytes(rng.getrandbits(8) for _ in range(n)))


# ------------------------------------------------------------------ taps

class Tap:
    """One capture point: packets with their capture time, wrapped in the
    tap's link layer. macs: IP -> MAC of hosts on this link; any other
    address is reached through `gw` (the router's MAC on this link)."""

    def __init__(self, name, macs, gw, clock=0.0, linktype=pcaplib.LINKTYPE_ETHERNET,
                 local=(), nanosec=False):
        self.name = name
        self.macs = {k: pcaplib.mac(v) for k, v in macs.items()}
        self.gw = pcaplib.mac(gw)
        self.clock = clock
        self.linktype = linktype
        self.local = set(local)          # addresses of the capturing host (SLL direction)
        self.nanosec = nanosec
        self.frames = []                 # (t, seq, bytes, marks)
        self.seq = 0

    def _mac(self, ip):
        return self.macs.get(ip, self.gw)

    def link(self, packet, src, dst, ethertype):
        if self.linktype == pcaplib.LINKTYPE_ETHERNET:
            return pcaplib.eth_header(self._mac(dst), self._mac(src), ethertype) + packet
        if self.linktype == pcaplib.LINKTYPE_LINUX_SLL2:
            out = src in self.local
            return pcaplib.sll2_header(ethertype, 2, 1, 4 if out else 0, self._mac(src)) + packet
        if self.linktype == pcaplib.LINKTYPE_LINUX_SLL:
            out = src in self.local
            return pcaplib.sll_header(4 if out else 0, 1, self._mac(src), ethertype) + packet
        if self.linktype == pcaplib.LINKTYPE_RAW:
            return packet
        raise ValueError(self.linktype)

    def add(self, t, packet, mark=None):
        """An IP packet seen here at true time t."""
        v6 = packet[0] >> 4 == 6
        if v6:
            src = str(ipaddress.IPv6Address(packet[8:24]))
            dst = str(ipaddress.IPv6Address(packet[24:40]))
        else:
            src = str(ipaddress.IPv4Address(packet[12:16]))
            dst = str(ipaddress.IPv4Address(packet[16:20]))
        frame = self.link(packet, src, dst, pcaplib.ETH_P_IPV6 if v6 else pcaplib.ETH_P_IP)
        self.seq += 1
        self.frames.append([t + self.clock, self.seq, frame, [mark] if mark else []])
        return self.frames[-1]

    def add_raw(self, t, frame, mark=None):
        self.seq += 1
        self.frames.append([t + self.clock, self.seq, frame, [mark] if mark else []])
        return self.frames[-1]

    def ordered(self):
        return sorted(self.frames, key=lambda f: (f[0], f[1]))

    def marks(self):
        """mark -> 1-based frame number (the first frame that carries it)."""
        out = {}
        for n, f in enumerate(self.ordered(), 1):
            for m in f[3]:
                out.setdefault(m, n)
        return out

    def packets(self, t0):
        out = []
        for f in self.ordered():
            ts = int(round((t0 + f[0]) * 1e6)) * 1000
            out.append(pcaplib.Packet(ts, f[2], self.linktype))
        return out


def arp_request(sender_mac, sender_ip, target_ip):
    body = struct.pack(">HHBBH", 1, 0x0800, 6, 4, 1) + pcaplib.mac(sender_mac) + \
        packed(sender_ip) + b"\0" * 6 + packed(target_ip)
    return pcaplib.eth_header(b"\xff" * 6, pcaplib.mac(sender_mac), pcaplib.ETH_P_ARP) + body \
        + b"\0" * 18


def arp_reply(sender_mac, sender_ip, target_mac, target_ip):
    body = struct.pack(">HHBBH", 1, 0x0800, 6, 4, 2) + pcaplib.mac(sender_mac) + \
        packed(sender_ip) + pcaplib.mac(target_mac) + packed(target_ip)
    return pcaplib.eth_header(pcaplib.mac(target_mac), pcaplib.mac(sender_mac),
                              pcaplib.ETH_P_ARP) + body + b"\0" * 18


# ------------------------------------------------------------------ the world

class World:
    """The taps of one scenario and the hosts' IP identification counters."""

    def __init__(self, seed, delay=0.018, hops=6):
        self.rng = random.Random(seed)
        self.taps = {}
        self.delay = delay
        self.hops = hops                 # routers between the NAT and the server
        self.ident = {}

    def tap(self, name, **kw):
        self.taps[name] = Tap(name, **kw)
        return self.taps[name]

    def next_ident(self, host):
        if host not in self.ident:
            self.ident[host] = self.rng.randrange(1, 0xFFFF)
        self.ident[host] = (self.ident[host] + 1) & 0xFFFF
        return self.ident[host]

    def jitter(self, ms=3.0):
        return self.rng.uniform(0, ms) / 1000.0

    def emit(self, view, t, packet, mark=None):
        tap = self.taps.get(view)
        if tap is None:
            return None
        return tap.add(t, packet, mark)

    def emit_raw(self, view, t, frame, mark=None):
        tap = self.taps.get(view)
        if tap is None:
            return None
        return tap.add_raw(t, frame, mark)


class Sent:
    """One datagram or segment of a flow: the packet as each side saw it."""

    def __init__(self, phone_pkts, server_pkts):
        self.phone_pkts = phone_pkts     # IP packets (fragments) on the phone's side
        self.server_pkts = server_pkts   # the same after NAT, as they left the NAT
        self.phone = phone_pkts[0] if len(phone_pkts) == 1 else None
        self.server = server_pkts[0] if len(server_pkts) == 1 else None


class Flow:
    """A 5-tuple through the NAT. local/public/server: (ip, port)."""

    def __init__(self, w, local, public, server, proto="udp", phone_ttl=64, server_ttl=64,
                 nat_hops=1, views=("phone", "server")):
        self.w = w
        self.views = views               # the taps this flow's packets pass
        self.local, self.public, self.server = local, public, server
        self.proto = proto
        self.phone_ttl, self.server_ttl = phone_ttl, server_ttl
        self.nat_hops = nat_hops         # 1 when a NAT router sits between phone and WAN
        self.v6 = is_v6(local[0])

    def at_server_ttl(self):
        return self.phone_ttl - self.nat_hops - self.w.hops

    # -- building
    def _l4(self, src, dst, sport, dport, payload, tcpf=None):
        if self.proto == "udp":
            return IPPROTO_UDP, udp(src, dst, sport, dport, payload)
        seq, ack, flags, win, opts = tcpf
        return IPPROTO_TCP, tcp(src, dst, sport, dport, seq, ack, flags, payload, win, opts)

    def _ip(self, src, dst, proto, l4, ident, ttl, df=True):
        if self.v6:
            return ipv6(src, dst, proto, l4, hlim=ttl)
        return ipv4(src, dst, proto, l4, ident, ttl=ttl, df=df)

    def build_up(self, payload, ident, tcpf=None, df=True):
        (lip, lport), (pip, pport), (sip_, sport) = self.local, self.public, self.server
        proto, l4a = self._l4(lip, sip_, lport, sport, payload, tcpf)
        _, l4b = self._l4(pip, sip_, pport, sport, payload, tcpf)
        a = self._ip(lip, sip_, proto, l4a, ident, self.phone_ttl, df)
        b = self._ip(pip, sip_, proto, l4b, ident, self.at_server_ttl(), df)
        return a, b

    def build_down(self, payload, ident, tcpf=None, df=True):
        (lip, lport), (pip, pport), (sip_, sport) = self.local, self.public, self.server
        proto, l4b = self._l4(sip_, pip, sport, pport, payload, tcpf)
        _, l4a = self._l4(sip_, lip, sport, lport, payload, tcpf)
        b = self._ip(sip_, pip, proto, l4b, ident, self.server_ttl, df)
        a = self._ip(sip_, lip, proto, l4a, ident, self.server_ttl - self.nat_hops - self.w.hops,
                     df)
        return a, b

    # -- sending
    def up(self, t, payload, reach=True, mark=None, mtu=1500, lose_frags=False, df=True,
           tcpf=None, payload_server=None, seen_phone=True):
        """The phone sends payload at t; the server's tap sees it at t+delay
        unless reach is False. A packet above mtu leaves in fragments (the
        sending host fragments: IPv4 without DF, IPv6 fragment header);
        lose_frags: only the first fragment arrives. payload_server: what
        arrives when a middlebox on the way rewrote it."""
        ident = self.w.next_ident(self.local[0])
        a, b = self.build_up(payload, ident, tcpf=tcpf, df=df)
        if payload_server is not None:
            _, b = self.build_up(payload_server, ident, tcpf=tcpf, df=df)
        if len(a) > mtu:
            a, b = self.build_up(payload, ident, tcpf=tcpf, df=False)
            pa = fragments(a, mtu, self._frag_id(ident))
            pb = fragments(b, mtu, self._frag_id(ident))
        else:
            pa, pb = [a], [b]
        if seen_phone:
            self._emit_all("phone", t, pa, mark)
        if reach:
            if lose_frags and len(pb) > 1:
                self._emit_all("server", t + self.w.delay, pb[:1], mark, complete=False)
            else:
                self._emit_all("server", t + self.w.delay, pb, mark)
        return Sent(pa, pb)

    def down(self, t, payload, reach=True, mark=None, tcpf=None, payload_phone=None):
        ident = self.w.next_ident(self.server[0])
        a, b = self.build_down(payload, ident, tcpf=tcpf)
        if payload_phone is not None:
            a, _ = self.build_down(payload_phone, ident, tcpf=tcpf)
        self._emit_all("server", t, [b], mark)
        if reach:
            self._emit_all("phone", t + self.w.delay, [a], mark)
        return Sent([a], [b])

    def _frag_id(self, ident):
        return ident if not self.v6 else (0x5A000000 | ident)

    def _emit_all(self, view, t, pkts, mark, complete=True):
        out = []
        if view not in self.views:
            return out
        for i, p in enumerate(pkts):
            m = None
            if mark:
                if len(pkts) == 1:
                    m = mark
                elif i == len(pkts) - 1 and complete:
                    m = mark                      # the fragment that completes it
                elif i == 0:
                    m = mark + ".frag1"
            out.append(self.w.emit(view, t + i * 0.00002, p, m))
        return out

    # -- ICMP
    def icmp_from_server(self, t, sent, typ=None, code=None, mark=None):
        """The server host refuses what arrived (default: port unreachable, ICMP
        3/3 or ICMPv6 1/4): the server's tap sees it leave, the phone gets it
        with the quoted header translated back by the NAT's conntrack."""
        sip_ = self.server[0]
        if self.v6:
            typ, code = (1, 4) if typ is None else (typ, code)
            b = icmp6(sip_, self.public[0], typ, code, sent.server_pkts[0])
            a = icmp6(sip_, self.local[0], typ, code, self._requote(sent), hlim=64 - self.w.hops)
        else:
            typ, code = (3, 3) if typ is None else (typ, code)
            ident = self.w.next_ident(sip_)
            b = icmp4(sip_, self.public[0], typ, code, sent.server_pkts[0], ident)
            a = icmp4(sip_, self.local[0], typ, code, self._requote(sent), ident,
                      ttl=64 - self.nat_hops - self.w.hops)
        self.w.emit("server", t, b, mark)
        self.w.emit("phone", t + self.w.delay, a, mark)

    def _requote(self, sent):
        """What the phone gets quoted: the server-side packet with the NAT's
        translation undone in the quoted header (Linux nf_nat_icmp_reply_translation):
        the phone's own packet as it arrived, TTL included."""
        if self.v6:
            return sent.phone_pkts[0]
        return _retll(sent.phone_pkts[0], self.at_server_ttl())

    def icmp_from_router(self, t, router_ip, sent, typ, code, mark=None, mtu=0,
                         hops_from_phone=1, view="phone"):
        """A router on the way to the server refuses the phone's packet (type
        and code of the packet's family): the home router (hops_from_phone=0)
        or an ISP router; the phone's side sees it (translated back)."""
        q = sent.phone_pkts[0]
        if self.v6:
            p = icmp6(router_ip, self.local[0], typ, code, q, mtu=mtu, hlim=64 - hops_from_phone)
        else:
            q = _retll(q, self.phone_ttl - hops_from_phone)
            p = icmp4(router_ip, self.local[0], typ, code, q, self.w.next_ident(router_ip),
                      mtu=mtu, ttl=64 - hops_from_phone)
        self.w.emit(view, t, p, mark)

    def icmp_to_server(self, t, origin_ip, sent, typ=3, code=3, mark=None):
        """The server's packet to the public address is refused on the way or
        by the NAT router itself (no mapping): only the server's side sees it."""
        if self.v6:
            p = icmp6(origin_ip, self.server[0], typ, code, sent.server_pkts[0],
                      hlim=64 - self.w.hops)
        else:
            p = icmp4(origin_ip, self.server[0], typ, code, sent.server_pkts[0],
                      self.w.next_ident(origin_ip), ttl=64 - self.w.hops)
        self.w.emit("server", t, p, mark)

    def icmp_reassembly_from_server(self, t, sent, mark=None):
        """Fragment reassembly time exceeded (ICMP 11/1, ICMPv6 3/1) from the
        server, quoting the first fragment it kept."""
        sip_ = self.server[0]
        first_b = sent.server_pkts[0]
        if self.v6:
            b = icmp6(sip_, self.public[0], 3, 1, first_b)
            a = icmp6(sip_, self.local[0], 3, 1, sent.phone_pkts[0], hlim=64 - 7)
        else:
            ident = self.w.next_ident(sip_)
            b = icmp4(sip_, self.public[0], 11, 1, first_b, ident)
            a = icmp4(sip_, self.local[0], 11, 1, _retll(sent.phone_pkts[0], self.at_server_ttl()),
                      ident, ttl=64 - self.nat_hops - self.w.hops)
        self.w.emit("server", t, b, mark)
        self.w.emit("phone", t + self.w.delay, a, mark)


def _retll(pkt, ttl):
    """The same IPv4 packet with another TTL (header checksum recomputed)."""
    h = bytearray(pkt[:20])
    h[8] = ttl & 0xFF
    h[10:12] = b"\0\0"
    h[10:12] = struct.pack(">H", pcaplib.csum(bytes(h)))
    return bytes(h) + pkt[20:]


class TcpConn:
    """A TCP connection on a Flow: handshake, data with correct seq/ack, FIN, RST."""

    def __init__(self, flow, rng):
        self.f = flow
        self.c_isn = rng.getrandbits(32)
        self.s_isn = rng.getrandbits(32)
        self.c = self.c_isn              # next seq the client sends
        self.s = self.s_isn
        self.win_c, self.win_s = 502, 509   # scaled windows after the handshake

    def syn(self, t, mark=None, reach=True):
        return self.f.up(t, b"", reach=reach, mark=mark,
                         tcpf=(self.c_isn, 0, TCP_SYN, 64240, syn_opts(1460, 7)))

    def syn_ack(self, t, mark=None):
        self.c = self.c_isn + 1
        r = self.f.down(t, b"", mark=mark,
                        tcpf=(self.s_isn, self.c, TCP_SYN | TCP_ACK, 65160, syn_opts(1460, 7)))
        self.s = self.s_isn + 1
        return r

    def rst_to_syn(self, t, mark=None):
        return self.f.down(t, b"", mark=mark, tcpf=(0, self.c_isn + 1, TCP_RST | TCP_ACK, 0, b""))

    def ack_c(self, t, mark=None):
        return self.f.up(t, b"", mark=mark, tcpf=(self.c, self.s, TCP_ACK, self.win_c, b""))

    def ack_s(self, t, mark=None):
        return self.f.down(t, b"", mark=mark, tcpf=(self.s, self.c, TCP_ACK, self.win_s, b""))

    def handshake(self, t, mark=None):
        self.syn(t, mark=mark)
        rtt = 2 * self.f.w.delay
        self.syn_ack(t + self.f.w.delay + 0.0001)
        self.ack_c(t + rtt + 0.0002)
        return t + rtt + 0.0003

    def send_c(self, t, data, mark=None, mss=1460):
        """Data from the client (the phone), in MSS-sized segments."""
        out = None
        for i in range(0, len(data), mss):
            chunk = data[i:i + mss]
            fl = TCP_ACK | (TCP_PSH if i + mss >= len(data) else 0)
            r = self.f.up(t + i // mss * 0.00005, chunk,
                          mark=mark if i + mss >= len(data) else None,
                          tcpf=(self.c, self.s, fl, self.win_c, b""))
            self.c += len(chunk)
            out = r
        return out

    def send_s(self, t, data, mark=None, mss=1460):
        out = None
        for i in range(0, len(data), mss):
            chunk = data[i:i + mss]
            fl = TCP_ACK | (TCP_PSH if i + mss >= len(data) else 0)
            r = self.f.down(t + i // mss * 0.00005, chunk,
                            mark=mark if i + mss >= len(data) else None,
                            tcpf=(self.s, self.c, fl, self.win_s, b""))
            self.s += len(chunk)
            out = r
        return out

    def fin_c(self, t, mark=None):
        r = self.f.up(t, b"", mark=mark, tcpf=(self.c, self.s, TCP_FIN | TCP_ACK, self.win_c, b""))
        self.c += 1
        return r

    def fin_s(self, t, mark=None):
        r = self.f.down(t, b"", mark=mark,
                        tcpf=(self.s, self.c, TCP_FIN | TCP_ACK, self.win_s, b""))
        self.s += 1
        return r

    def close_c(self, t):
        """Client-initiated close: FIN, FIN-ACK, ACK."""
        d = self.f.w.delay
        self.fin_c(t)
        self.fin_s(t + d + 0.0002)
        self.ack_c(t + 2 * d + 0.0003)
