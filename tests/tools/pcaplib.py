# SPDX-License-Identifier: BSD-2-Clause
"""pcaplib: read and write pcap / pcapng files and build link-layer headers.

Standard library only (struct, gzip), so the decode corpus in pcaps/decode/
can be regenerated on any Debian box.  Used by rewrap.py (synthetic captures
made from real ones) and truth.py (the ground-truth oracle).

Formats: classic libpcap (both byte orders, micro- and nanosecond stamps),
pcapng (draft-ietf-opsawg-pcapng: SHB, IDB, EPB, SPB, OPB; other blocks are
skipped), either of them gzip-compressed (detected by magic, not by name).
"""

import gzip
import io
import struct
from dataclasses import dataclass, field

# LINKTYPE_* values (https://www.tcpdump.org/linktypes.html)
LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276
LINKTYPE_NAMES = {0: "NULL", 1: "ETHERNET", 101: "RAW", 113: "LINUX_SLL", 276: "LINUX_SLL2",
                  228: "IPV4", 229: "IPV6"}

ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
ETH_P_ARP = 0x0806
ETH_P_8021Q = 0x8100
ETH_P_8021AD = 0x88A8
ETH_P_PPPOE_DISC = 0x8863
ETH_P_PPPOE_SESS = 0x8864
PPP_IP = 0x0021
PPP_IPV6 = 0x0057

PCAP_MAGIC_US = 0xA1B2C3D4
PCAP_MAGIC_NS = 0xA1B23C4D
PCAPNG_SHB = 0x0A0D0D0A
PCAPNG_BOM = 0x1A2B3C4D


@dataclass
class Packet:
    ts_ns: int
    data: bytes
    linktype: int = LINKTYPE_ETHERNET
    orig_len: int = -1          # -1: same as len(data)
    ifidx: int = 0              # pcapng interface index

    def wire_len(self):
        return len(self.data) if self.orig_len < 0 else self.orig_len


@dataclass
class Capture:
    fmt: str                    # "pcap" or "pcapng"
    gzipped: bool
    linktype: int               # first interface's link type
    packets: list = field(default_factory=list)
    truncated_tail: bool = False  # file ends in the middle of a record
    snaplen: int = 262144


# ---------------------------------------------------------------- reading

def _open_bytes(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw), True
        except EOFError:         # truncated gzip: keep what inflates
            d = gzip.GzipFile(fileobj=io.BytesIO(raw))
            out = bytearray()
            try:
                while True:
                    chunk = d.read(65536)
                    if not chunk:
                        break
                    out += chunk
            except EOFError:
                pass
            return bytes(out), True
    return raw, False


def read(path):
    """Read a pcap or pcapng file (optionally gzipped) into a Capture."""
    raw, gz = _open_bytes(path)
    if len(raw) < 4:
        raise ValueError("%s: too short for a capture" % path)
    magic_le = struct.unpack("<I", raw[:4])[0]
    if magic_le == PCAPNG_SHB:
        cap = _read_pcapng(raw)
    else:
        cap = _read_pcap(raw)
    cap.gzipped = gz
    return cap


def _read_pcap(raw):
    for endian in "<>":
        magic = struct.unpack(endian + "I", raw[:4])[0]
        if magic in (PCAP_MAGIC_US, PCAP_MAGIC_NS):
            break
    else:
        raise ValueError("not a pcap file")
    nano = magic == PCAP_MAGIC_NS
    _, _, _, _, snaplen, linktype = struct.unpack(endian + "HHiIII", raw[4:24])
    linktype &= 0x0FFFFFFF
    cap = Capture("pcap", False, linktype, snaplen=snaplen)
    off = 24
    while off < len(raw):
        if off + 16 > len(raw):
            cap.truncated_tail = True
            break
        sec, frac, incl, orig = struct.unpack(endian + "IIII", raw[off:off + 16])
        off += 16
        if off + incl > len(raw):
            cap.truncated_tail = True
            break
        ts = sec * 10**9 + (frac if nano else frac * 1000)
        cap.packets.append(Packet(ts, raw[off:off + incl], linktype, orig))
        off += incl
    return cap


def _read_pcapng(raw):
    cap = Capture("pcapng", False, -1)
    ifaces = []                  # (linktype, ts_divisor)
    off = 0
    endian = "<"
    while off < len(raw):
        if off + 12 > len(raw):
            cap.truncated_tail = True
            break
        btype = struct.unpack(endian + "I", raw[off:off + 4])[0]
        if btype == PCAPNG_SHB:
            bom = struct.unpack("<I", raw[off + 8:off + 12])[0]
            endian = "<" if bom == PCAPNG_BOM else ">"
            ifaces = []
        blen = struct.unpack(endian + "I", raw[off + 4:off + 8])[0]
        if blen < 12 or off + blen > len(raw):
            cap.truncated_tail = True
            break
        body = raw[off + 8:off + blen - 4]
        if btype == 1:                       # IDB
            lt, _, snap = struct.unpack(endian + "HHI", body[:8])
            div = _idb_tsresol(body[8:], endian)
            ifaces.append((lt, div))
            if cap.linktype < 0:
                cap.linktype = lt
                cap.snaplen = snap
        elif btype == 6:                     # EPB
            ifid, tsh, tsl, incl, orig = struct.unpack(endian + "IIIII", body[:20])
            lt, div = ifaces[ifid]
            ts = ((tsh << 32) | tsl) * 10**9 // div
            cap.packets.append(Packet(ts, body[20:20 + incl], lt, orig, ifid))
        elif btype == 3:                     # SPB
            orig = struct.unpack(endian + "I", body[:4])[0]
            lt, _ = ifaces[0]
            cap.packets.append(Packet(0, body[4:4 + min(orig, cap.snaplen or orig)], lt, orig, 0))
        elif btype == 2:                     # obsolete Packet Block
            ifid, _, tsh, tsl, incl, orig = struct.unpack(endian + "HHIIII", body[:20])
            lt, div = ifaces[ifid]
            ts = ((tsh << 32) | tsl) * 10**9 // div
            cap.packets.append(Packet(ts, body[20:20 + incl], lt, orig, ifid))
        off += blen
    return cap


def _idb_tsresol(opts, endian):
    off = 0
    while off + 4 <= len(opts):
        code, olen = struct.unpack(endian + "HH", opts[off:off + 4])
        if code == 0:
            break
        if code == 9 and olen >= 1:
            v = opts[off + 4]
            return 2 ** (v & 0x7F) if v & 0x80 else 10 ** v
        off += 4 + ((olen + 3) & ~3)
    return 10**6


# ---------------------------------------------------------------- writing

def pcap_bytes(packets, linktype, snaplen=262144, nanosec=False):
    """Classic little-endian pcap, microsecond stamps unless nanosec."""
    out = bytearray(struct.pack("<IHHiIII", PCAP_MAGIC_NS if nanosec else PCAP_MAGIC_US,
                                2, 4, 0, 0, snaplen, linktype))
    for p in packets:
        sec, rem = divmod(p.ts_ns, 10**9)
        frac = rem if nanosec else rem // 1000
        out += struct.pack("<IIII", sec, frac, len(p.data), p.wire_len())
        out += p.data
    return bytes(out)


def write_pcap(path, packets, linktype, snaplen=262144, nanosec=False):
    with open(path, "wb") as f:
        f.write(pcap_bytes(packets, linktype, snaplen, nanosec))


def _pad4(b):
    return b + b"\0" * ((4 - len(b) % 4) % 4)


def _opt(code, value):
    return struct.pack("<HH", code, len(value)) + _pad4(value)


def pcapng_block(btype, body):
    body = _pad4(body)
    blen = len(body) + 12
    return struct.pack("<II", btype, blen) + body + struct.pack("<I", blen)


def pcapng_shb(app="sipwatch tests/tools/pcaplib.py"):
    body = struct.pack("<IHHq", PCAPNG_BOM, 1, 0, -1)
    body += _opt(4, app.encode()) + _opt(0, b"")
    return pcapng_block(PCAPNG_SHB, body)


def pcapng_idb(linktype, name, snaplen=262144, tsresol_ns=True):
    body = struct.pack("<HHI", linktype, 0, snaplen)
    body += _opt(2, name.encode())
    if tsresol_ns:
        body += _opt(9, b"\x09")
    body += _opt(0, b"")
    return pcapng_block(1, body)


def pcapng_epb(p, ns=True, comment=None):
    ts = p.ts_ns if ns else p.ts_ns // 1000
    body = struct.pack("<IIIII", p.ifidx, ts >> 32, ts & 0xFFFFFFFF, len(p.data), p.wire_len())
    body += _pad4(p.data)
    if comment:
        body += _opt(1, comment.encode()) + _opt(0, b"")
    return pcapng_block(6, body)


def pcapng_custom_block(pen, payload, copyable=True):
    """Custom Block (type 0x00000BAD copyable / 0x40000BAD not copyable)."""
    return pcapng_block(0x00000BAD if copyable else 0x40000BAD, struct.pack("<I", pen) + payload)


def pcapng_bytes(interfaces, packets, extra_blocks=None):
    """interfaces: list of (linktype, name); packets carry ifidx.
    extra_blocks: {index: bytes} inserted before the packet with that index."""
    extra_blocks = extra_blocks or {}
    out = bytearray(pcapng_shb())
    for lt, name in interfaces:
        out += pcapng_idb(lt, name)
    for i, p in enumerate(packets):
        if i in extra_blocks:
            out += extra_blocks[i]
        out += pcapng_epb(p)
    return bytes(out)


# ---------------------------------------------------------------- link headers

def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def eth_header(dst, src, ethertype):
    return dst + src + struct.pack(">H", ethertype)


def vlan_tag(tpid, vid, pcp=0):
    """TPID then TCI; the TPID is what the *previous* header's type field names,
    so a tagged frame is dst src 8100 TCI type: use with eth_tagged()."""
    return struct.pack(">HH", tpid, (pcp << 13) | (vid & 0x0FFF))


def eth_tagged(dst, src, tags, ethertype):
    """tags: list of (tpid, vid) outermost first."""
    out = dst + src
    for tpid, vid in tags:
        out += vlan_tag(tpid, vid)
    return out + struct.pack(">H", ethertype)


def pppoe_session(session_id, ppp_proto, payload):
    """RFC 2516 PPPoE session header (ver 1 type 1 code 0) + PPP protocol field."""
    return struct.pack(">BBHHH", 0x11, 0x00, session_id, len(payload) + 2, ppp_proto) + payload


def sll_header(pkttype, arphrd, addr, proto):
    """LINUX_SLL (cooked v1): packet type, ARPHRD, addr len, 8-byte addr, protocol."""
    return struct.pack(">HHH", pkttype, arphrd, len(addr)) + addr.ljust(8, b"\0")[:8] + \
        struct.pack(">H", proto)


def sll2_header(proto, ifindex, arphrd, pkttype, addr):
    """LINUX_SLL2: protocol, reserved, ifindex, ARPHRD, pkttype, addr len, 8-byte addr."""
    return struct.pack(">HHIHBB", proto, 0, ifindex, arphrd, pkttype, len(addr)) + \
        addr.ljust(8, b"\0")[:8]


def null_header(af, big_endian=False):
    """LINKTYPE_NULL: 4-byte address family in the *capturing host's* byte order."""
    return struct.pack(">I" if big_endian else "<I", af)


AF_INET = 2
AF_INET6_BSD = 24
AF_INET6_FREEBSD = 28
AF_INET6_DARWIN = 30


def strip_ethernet(frame):
    """Ethernet frame -> (dst, src, [(tpid, tci)], ethertype, payload)."""
    dst, src = frame[:6], frame[6:12]
    et = struct.unpack(">H", frame[12:14])[0]
    off = 14
    tags = []
    while et in (ETH_P_8021Q, ETH_P_8021AD, 0x9100) and off + 4 <= len(frame):
        tci, nxt = struct.unpack(">HH", frame[off:off + 4])
        tags.append((et, tci))
        et = nxt
        off += 4
    return dst, src, tags, et, frame[off:]


def strip_sll(frame):
    """LINUX_SLL frame -> (pkttype, addr, protocol, payload)."""
    pkttype, _, alen = struct.unpack(">HHH", frame[:6])
    return pkttype, frame[6:6 + min(alen, 8)], struct.unpack(">H", frame[14:16])[0], frame[16:]


# ---------------------------------------------------------------- IP helpers

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4_header(src, dst, proto, payload_len, ident=0, flags_frag=0, ttl=64, tos=0):
    h = struct.pack(">BBHHHBBH4s4s", 0x45, tos, 20 + payload_len, ident, flags_frag, ttl, proto,
                    0, src, dst)
    return h[:10] + struct.pack(">H", csum(h)) + h[12:]


def ipv4_fragments(packet, frag_payload):
    """Split an IPv4 packet (20-byte header, not yet fragmented) into fragments
    of at most frag_payload bytes of payload (multiple of 8)."""
    assert frag_payload % 8 == 0
    hdr, body = packet[:20], packet[20:]
    ver_ihl, tos, _, ident, _, ttl, proto, _, src, dst = struct.unpack(">BBHHHBBH4s4s", hdr)
    out = []
    for off in range(0, len(body), frag_payload):
        chunk = body[off:off + frag_payload]
        more = 0x2000 if off + frag_payload < len(body) else 0
        out.append(ipv4_header(src, dst, proto, len(chunk), ident, more | (off // 8), ttl, tos)
                   + chunk)
    return out
