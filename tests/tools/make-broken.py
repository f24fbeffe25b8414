#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The broken-capture corpus: pcaps/broken/*, with MANIFEST.md.

    tests/tools/make-broken.py [repo-dir]

Each file is damaged in one named way (tcpdump's *-trunc / *-invalid tests
in spirit). The manifest says what sipwatch must do with it, and
tests/e2e/test_broken.py checks exactly that:

  error     the input is unreadable: exit 2, nothing on stdout, one line on
            stderr naming the file and the problem (the "needle");
  partial   analysed up to the damage: exit 0, the JSON summary says
            "complete": false, the input "damaged" with the byte offset where
            reading stopped, stderr names the file and the problem; the
            packets before the damage are all analysed;
  complete  odd but readable: exit 0, "complete": true.

Frames come from pcaps/decode/udp_register.pcap (a REGISTER, its 401, the
REGISTER with credentials, its 200) or are built here; everything is
deterministic, so re-running gives the same bytes. Big inputs (a directory,
/dev/zero, a 4 GB sparse file, a gzip bomb of empty records) are made by the
test at run time instead of being committed.
"""
import bz2
import gzip
import lzma
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaplib  # noqa: E402

REPO = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(REPO, "pcaps", "broken")
BASE = pcaplib.read(os.path.join(REPO, "pcaps", "decode", "udp_register.pcap")).packets
T0 = BASE[0].ts_ns

PHONE_MAC = pcaplib.mac("02:00:00:00:00:10")
SERVER_MAC = pcaplib.mac("02:00:00:00:00:01")
PHONE = bytes([192, 168, 77, 10])
SERVER = bytes([192, 168, 77, 1])

CASES = []  # (file, what is broken, result, packets or None, needle)


def case(name, data, what, result, packets=None, needle=""):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    CASES.append((name, what, result, packets, needle))


# ------------------------------------------------------------ building blocks

def pcap_hdr(magic=0xA1B2C3D4, major=2, minor=4, snaplen=262144, linktype=1, e="<"):
    return struct.pack(e + "IHHiIII", magic, major, minor, 0, 0, snaplen, linktype)


def rec(data, ts_ns=T0, caplen=None, wirelen=None, e="<", nsec=False):
    sec, rem = divmod(ts_ns, 10**9)
    caplen = len(data) if caplen is None else caplen
    wirelen = caplen if wirelen is None else wirelen
    return struct.pack(e + "IIII", sec, rem if nsec else rem // 1000, caplen, wirelen) + data


def good_records(e="<"):
    return b"".join(rec(p.data, p.ts_ns, e=e) for p in BASE)


def udp_frame(payload, sport=5060, dport=5060, src=PHONE, dst=SERVER, ident=1):
    udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    return (pcaplib.eth_header(SERVER_MAC, PHONE_MAC, pcaplib.ETH_P_IP) +
            pcaplib.ipv4_header(src, dst, 17, len(udp), ident=ident) + udp)


def udp_fragments(payload, ident, sport=5060, dport=5060):
    """An IPv4 datagram too big for one frame, as Ethernet fragments."""
    udp = struct.pack(">HHHH", sport, dport, (8 + len(payload)) & 0xFFFF, 0) + payload
    ip = pcaplib.ipv4_header(PHONE, SERVER, 17, len(udp), ident=ident) + udp
    ip = ip[:2] + struct.pack(">H", min(len(ip), 0xFFFF)) + ip[4:]
    return [pcaplib.eth_header(SERVER_MAC, PHONE_MAC, pcaplib.ETH_P_IP) + f
            for f in pcaplib.ipv4_fragments(ip, 1480)]


def tcp_frame(payload, seq, flags=0x18, sport=40000, dport=5060):
    tcp = struct.pack(">HHIIBBHHH", sport, dport, seq, 1, 5 << 4, flags, 65535, 0, 0) + payload
    return (pcaplib.eth_header(SERVER_MAC, PHONE_MAC, pcaplib.ETH_P_IP) +
            pcaplib.ipv4_header(PHONE, SERVER, 6, len(tcp)) + tcp)


def sip_request(call_id=b"broken-1@192.168.77.10", extra=b"", method=b"REGISTER",
                body=b"", clen=None):
    clen = str(len(body)).encode() if clen is None else clen
    return (method + b" sip:example.test SIP/2.0\r\n"
            b"Via: SIP/2.0/UDP 192.168.77.10:5060;branch=z9hG4bK-broken;rport\r\n"
            b"Max-Forwards: 70\r\n"
            b"From: <sip:1001@example.test>;tag=b1\r\n"
            b"To: <sip:1001@example.test>\r\n"
            b"Call-ID: " + call_id + b"\r\n"
            b"CSeq: 1 " + method + b"\r\n"
            b"Contact: <sip:1001@192.168.77.10:5060>\r\n" + extra +
            b"Content-Length: " + clen + b"\r\n\r\n" + body)


def gz(data):
    return gzip.compress(data, 9, mtime=0)


def pcap_of(frames, e="<"):
    return pcap_hdr(e=e) + b"".join(rec(f, T0 + i * 10**7, e=e) for i, f in enumerate(frames))


def blk(btype, body, e="<", length=None, trailer=None):
    body = body + b"\0" * ((4 - len(body) % 4) % 4)
    n = len(body) + 12 if length is None else length
    t = n if trailer is None else trailer
    return struct.pack(e + "II", btype, n) + body + struct.pack(e + "I", t)


def shb(e="<", major=1, minor=0, bom=0x1A2B3C4D):
    return blk(0x0A0D0D0A, struct.pack(e + "IHHq", bom, major, minor, -1), e)


def idb(linktype=1, e="<", opts=b"", snaplen=262144):
    return blk(1, struct.pack(e + "HHI", linktype, 0, snaplen) + opts + struct.pack(e + "HH", 0, 0), e)


def epb(data, ts_us, ifid=0, e="<", caplen=None):
    caplen = len(data) if caplen is None else caplen
    return blk(6, struct.pack(e + "IIIII", ifid, ts_us >> 32, ts_us & 0xFFFFFFFF, caplen,
                              len(data)) + data, e)


def good_epbs(e="<", ifid=0):
    return b"".join(epb(p.data, p.ts_ns // 1000, ifid, e) for p in BASE)


# ------------------------------------------------------------ the corpus

def make_pcap():
    good = pcap_hdr() + good_records()
    case("empty.pcap", b"", "empty file", "error", needle="empty")
    case("magic-only.pcap", good[:4], "only the 4-byte magic", "error",
         needle="truncated pcap file header")
    case("header-10-bytes.pcap", good[:10], "file header cut at 10 of 24 bytes", "error",
         needle="truncated pcap file header")
    case("header-23-bytes.pcap", good[:23], "file header cut at 23 of 24 bytes", "error",
         needle="truncated pcap file header")
    case("header-only.pcap", good[:24], "a valid file header and no record", "complete", 0)
    case("bad-magic.pcap", b"\xd4\xc3\xb2\xa2" + good[4:], "magic with one byte wrong", "error",
         needle="not a pcap or pcapng capture")
    case("html-page.pcap", b"<html><body>502 Bad Gateway</body></html>\n",
         "an HTML error page saved as .pcap", "error", needle="not a pcap or pcapng capture")
    case("text-upload.pcap", b"REGISTER sip:x SIP/2.0\r\n\r\n", "a SIP message, not a capture",
         "error", needle="not a pcap or pcapng capture")
    case("version-3.0.pcap", pcap_hdr(major=3, minor=0) + good_records(),
         "file header version 3.0", "error", needle="unsupported pcap version 3.0")
    case("version-2.1.pcap", pcap_hdr(minor=1) + good_records(), "file header version 2.1",
         "error", needle="unsupported pcap version 2.1")
    case("linktype-147.pcap", pcap_hdr(linktype=147) + good_records(),
         "link type USER0, which sipwatch cannot decode", "error", needle="link type 147")
    case("linktype-fcs-bits.pcap", pcap_hdr(linktype=0x14000001) + good_records(),
         "Ethernet with the FCS-length bits of the link type field set", "complete", 4)
    n1 = 24 + 16 + len(BASE[0].data)
    case("truncated-record-header.pcap", good[:n1 + 8],
         "cut 8 bytes into the second record header", "partial", 1,
         "truncated record header")
    case("truncated-record-data.pcap", good[:n1 + 16 + 100],
         "cut 100 bytes into the second record's data", "partial", 1, "truncated record")
    case("trailing-3-bytes.pcap", good + b"\0\0\0", "3 stray bytes after the last record",
         "partial", 4, "truncated record header")
    case("caplen-gt-file.pcap", pcap_hdr() + rec(BASE[0].data, caplen=4000),
         "first record says 4000 bytes, 467 present", "partial", 0, "truncated record")
    case("caplen-gt-snaplen.pcap",
         pcap_hdr(snaplen=128) + good_records(),
         "records longer than the file's snaplen (128), data present", "complete", 4)
    case("caplen-huge.pcap", pcap_hdr() + rec(BASE[0].data) +
         struct.pack("<IIII", 1, 0, 0xFFFFFFF0, 0xFFFFFFF0) + b"x" * 64,
         "second record says 4294967280 bytes", "partial", 1, "more than the 262144-byte limit")
    case("caplen-262145.pcap", pcap_hdr() + rec(BASE[0].data) +
         struct.pack("<IIII", 1, 0, 262145, 262145) + b"x" * 64,
         "second record one byte over the 262144-byte limit", "partial", 1,
         "more than the 262144-byte limit")
    big = udp_frame(b"\r\n\r\n") + b"\0" * (262144 - len(udp_frame(b"\r\n\r\n")))
    case("caplen-262144.pcap.gz", gzip.compress(pcap_hdr() + rec(big) + good_records(), 9,
                                                mtime=0),
         "a record of exactly 262144 bytes (the limit), gzip-compressed", "complete", 5)
    case("zero-length-records.pcap", pcap_hdr() + b"".join(
        rec(b"", T0 + i) for i in range(1000)) + good_records(),
         "1000 records of 0 bytes, then the 4 good ones", "complete", 1004)
    case("wirelen-lt-caplen.pcap", pcap_hdr() + b"".join(
        rec(p.data, p.ts_ns, wirelen=10) for p in BASE),
         "wire length 10, smaller than the captured length", "complete", 4)
    case("snaplen-zero.pcap", pcap_hdr(snaplen=0) + good_records(), "snaplen 0 in the header",
         "complete", 4)
    case("ts-extremes.pcap", pcap_hdr() + rec(BASE[0].data, 0) +
         struct.pack("<IIII", 0xFFFFFFFF, 0xFFFFFFFF, len(BASE[1].data), len(BASE[1].data)) +
         BASE[1].data + rec(BASE[2].data, 0) + rec(BASE[3].data, T0),
         "timestamps 0, 2^32-1 s with 2^32-1 us (out of range), back to 0", "complete", 4)
    case("ns-fraction-overflow.pcap", pcap_hdr(magic=0xA1B23C4D) + b"".join(
        struct.pack("<IIII", 1795631520, 0xFFFFFFFF, len(p.data), len(p.data)) + p.data
        for p in BASE), "nanosecond file with a fraction of 4294967295 ns", "complete", 4)
    case("big-endian-truncated.pcap", (pcap_hdr(e=">") + good_records(e=">"))[:-200],
         "big-endian file cut inside its last record", "partial", 3, "truncated record")
    kuz = pcap_hdr(magic=0xA1B2CD34) + b"".join(
        struct.pack("<IIIIIHBB", p.ts_ns // 10**9, 0, len(p.data), len(p.data), 1, 8, 0, 0) +
        p.data for p in BASE)
    case("kuznetzov-truncated.pcap", kuz[:-300],
         "Kuznetzov (a1b2cd34) file cut inside its last record", "partial", 3, "truncated record")
    rnd = random.Random(7)
    frames = [bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 400))) for _ in range(200)]
    case("random-frames.pcap", pcap_of(frames), "200 records of random bytes", "complete", 200)
    ipbad = []
    eth = pcaplib.eth_header(SERVER_MAC, PHONE_MAC, pcaplib.ETH_P_IP)
    good_ip = udp_frame(sip_request())[14:]
    ipbad.append(eth + bytes([0x44]) + good_ip[1:])               # IHL 4
    ipbad.append(eth + bytes([0x4F]) + good_ip[1:30])             # IHL 15, frame too short
    ipbad.append(eth + good_ip[:2] + b"\xff\xff" + good_ip[4:])   # total length 65535
    ipbad.append(eth + good_ip[:2] + b"\x00\x05" + good_ip[4:])   # total length 5
    ipbad.append(eth + bytes([0x65]) + good_ip[1:])               # version 6 in an IPv4 frame
    ipbad.append(eth + good_ip[:24] + b"\x00\x03" + good_ip[26:])  # UDP length 3
    ipbad.append(eth + good_ip[:24] + b"\xff\xff" + good_ip[26:])  # UDP length 65535
    ipbad.append(eth[:12])                                          # cut inside Ethernet
    ipbad.append(pcaplib.eth_tagged(SERVER_MAC, PHONE_MAC, [(0x8100, 1)] * 12,
                                    pcaplib.ETH_P_IP) + good_ip)   # 12 VLAN tags
    case("malformed-headers.pcap", pcap_of(ipbad),
         "bad IHL, total and UDP lengths, a cut Ethernet header, 12 VLAN tags", "complete", 9)


def make_gzip():
    plain = pcap_hdr() + good_records()
    z = gzip.compress(plain, 9, mtime=0)
    case("gzip-truncated.pcap.gz", z[:len(z) // 2], "gzip stream cut in half", "partial", None,
         "truncated gzip stream")
    bad = bytearray(z)
    for i in range(len(bad) // 2, len(bad) // 2 + 16):
        bad[i] ^= 0x5A
    case("gzip-corrupt.pcap.gz", bytes(bad), "16 bytes flipped in the middle of the deflate data",
         "partial", None, "gzip")
    case("gzip-header-only.pcap.gz", z[:10], "only the 10-byte gzip header", "error",
         needle="truncated gzip stream")
    case("gzip-crc-wrong.pcap.gz", z[:-8] + bytes([z[-8] ^ 1]) + z[-7:],
         "CRC-32 in the gzip trailer wrong", "partial", 4, "gzip")
    case("gzip-garbage-after.pcap.gz", z + b"GARBAGE!", "8 bytes of garbage after the member",
         "partial", 4, "corrupt gzip data")
    case("gzip-zeros-then-garbage.pcap.gz", z + b"\0" * 100 + b"GARBAGE!",
         "zero padding, then garbage", "partial", 4, "garbage after gzip data")
    case("gzip-zero-padding.pcap.gz", z + b"\0" * 512, "zero padding after the member (as tape"
         " blocks)", "complete", 4)
    case("gzip-two-members.pcap.gz", gzip.compress(plain[:100], mtime=0) +
         gzip.compress(plain[100:], mtime=0), "two gzip members (cat a.gz b.gz)", "complete", 4)
    case("gzip-of-html.pcap.gz", gzip.compress(b"<html>not found</html>", mtime=0),
         "gzip of an HTML page", "error", needle="not a pcap or pcapng capture (gzip-compressed)")
    case("gzip-empty.pcap.gz", gzip.compress(b"", mtime=0), "gzip of an empty file", "error",
         needle="empty file (gzip-compressed)")
    case("gzip-inside-gzip.pcap.gz", gzip.compress(z, mtime=0), "a gzip-compressed .gz",
         "error", needle="not a pcap or pcapng capture (gzip-compressed)")
    case("xz.pcap.xz", lzma.compress(plain), "xz-compressed", "error", needle="xz-compressed")
    case("bzip2.pcap.bz2", bz2.compress(plain), "bzip2-compressed", "error",
         needle="bzip2-compressed")
    case("zip.zip", b"PK\x03\x04" + b"\0" * 60, "a zip archive", "error", needle="zip")


def make_pcapng():
    good = shb() + idb() + good_epbs()
    case("pcapng-shb-8-bytes.pcapng", good[:8], "section header cut at 8 bytes", "error",
         needle="truncated pcapng section header")
    case("pcapng-shb-cut.pcapng", good[:20], "section header cut at 20 bytes", "error",
         needle="truncated section header")
    case("pcapng-bad-bom.pcapng", shb(bom=0x11223344) + idb() + good_epbs(),
         "byte-order magic 11223344", "error", needle="bad byte-order magic")
    case("pcapng-version-2.0.pcapng", shb(major=2) + idb() + good_epbs(), "version 2.0",
         "error", needle="unsupported pcapng version 2.0")
    case("pcapng-shb-len-odd.pcapng", b"\x0a\x0d\x0d\x0a" + struct.pack("<I", 29) +
         good[8:], "section header length 29 (not a multiple of 4)", "error",
         needle="not a multiple of 4")
    unknown = (blk(0x12345678, b"unknown block") + blk(0x00000BAD, b"\0\0\0\0custom") +
               blk(0x40000BAD, b"\0\0\0\0do not copy") + blk(0x0A, b"secrets") +
               blk(4, b"\1\0\4\0\xc0\xa8\x4d\x01pbx\0\0\0\0\0") + blk(5, b"\0" * 12))
    case("pcapng-unknown-blocks.pcapng", shb() + idb() + unknown + good_epbs() + unknown,
         "unknown, custom, DSB, NRB and ISB blocks around the packets", "complete", 4)
    case("pcapng-block-len-8.pcapng", shb() + idb() + epb(BASE[0].data, 1) +
         struct.pack("<II", 6, 8) + good_epbs(), "a block of total length 8 (< 12)", "partial", 1,
         "less than the minimum")
    case("pcapng-block-len-huge.pcapng", shb() + idb() + epb(BASE[0].data, 1) +
         struct.pack("<II", 6, 0xFFFFFFF0) + b"\0" * 64, "a block of total length 4294967280",
         "partial", 1, "more than the 16777216-byte limit")
    case("pcapng-block-len-unaligned.pcapng", shb() + idb() + epb(BASE[0].data, 1) +
         struct.pack("<II", 0x0BAD, 30) + b"\0" * 22, "a block of total length 30",
         "partial", 1, "not a multiple of 4")
    e = epb(BASE[1].data, 2)
    case("pcapng-trailer-mismatch.pcapng", shb() + idb() + epb(BASE[0].data, 1) + e[:-4] +
         struct.pack("<I", len(e) + 4), "trailing block length differs from the leading one",
         "partial", 1, "trailing block length")
    case("pcapng-epb-caplen-too-big.pcapng", shb() + idb() + epb(BASE[0].data, 1) +
         epb(BASE[1].data, 2, caplen=60000), "packet block whose captured length exceeds the block",
         "partial", 1, "exceeds the block")
    case("pcapng-unknown-interface.pcapng", shb() + idb() + good_epbs(ifid=7),
         "packets on interface 7, only interface 0 described", "complete", 0)
    case("pcapng-no-idb.pcapng", shb() + good_epbs(), "packets before any interface block",
         "complete", 0)
    badopts = struct.pack("<HH", 9, 60) + b"\x09\0\0\0" + struct.pack("<HH", 14, 8)
    case("pcapng-idb-bad-options.pcapng", shb() + idb(opts=badopts) + good_epbs(),
         "interface options whose lengths run past the block", "complete", 4)
    res = (struct.pack("<HH", 9, 1) + b"\x7f\0\0\0" + struct.pack("<HHq", 14, 8, -(2**62)))
    case("pcapng-tsresol-extreme.pcapng", shb() + idb(opts=res) + good_epbs(),
         "if_tsresol 10^-127 and if_tsoffset -2^62 s", "complete", 4)
    res2 = struct.pack("<HH", 9, 1) + b"\xff\0\0\0" + struct.pack("<HHq", 14, 8, 2**62)
    case("pcapng-tsresol-pow2-extreme.pcapng", shb() + idb(opts=res2) + good_epbs(),
         "if_tsresol 2^-127 and if_tsoffset +2^62 s", "complete", 4)
    case("pcapng-truncated-mid-block.pcapng", good[:-100], "cut inside the last packet block",
         "partial", 3, "truncated block")
    many = shb() + b"".join(idb(linktype=1) for _ in range(300)) + good_epbs(ifid=299) + \
        good_epbs(ifid=0)
    case("pcapng-300-interfaces.pcapng", many,
         "300 interfaces (the table holds 256); packets on the 300th and the first",
         "complete", 4)
    case("pcapng-second-section-bad.pcapng", good + shb(bom=0x0BADF00D) + idb() + good_epbs(),
         "a second section whose header is broken", "partial", 4, "bad byte-order magic")
    gbe = shb(">") + idb(e=">") + good_epbs(">")
    case("pcapng-big-endian-truncated.pcapng", gbe[:-50], "big-endian, cut inside the last block",
         "partial", 3, "truncated block")
    case("pcapng-linktype-147.pcapng", shb() + idb(linktype=147) + good_epbs(),
         "one interface of link type USER0", "complete", 4)
    spb = blk(3, struct.pack("<I", 100000) + BASE[0].data)
    case("pcapng-spb-origlen-huge.pcapng", shb() + idb(snaplen=0) + spb + good_epbs(),
         "simple packet block claiming 100000 original bytes", "complete", 5)


def make_sip():
    """Captures that are fine as files but carry hostile SIP (the sngrep
    CVE classes): they must be analysed without a crash. The big ones are
    gzip-compressed to keep the repository small."""
    huge_cid = b"c" * 60000
    frames = udp_fragments(sip_request(call_id=huge_cid), 0x100)
    case("sip-callid-60k-udp.pcap.gz", gz(pcap_of(frames)),
         "a REGISTER with a 60000-byte Call-ID in IP fragments", "complete", len(frames))
    big = sip_request(call_id=b"d" * 200000)
    segs = [tcp_frame(b"", 0, 0x02)] + [tcp_frame(big[i:i + 1400], 1 + i)
                                        for i in range(0, len(big), 1400)]
    case("sip-callid-200k-tcp.pcap.gz", gz(pcap_of(segs)),
         "a REGISTER with a 200000-byte Call-ID over TCP (over the 131072-byte limit)",
         "complete", len(segs))
    msgs = [
        sip_request(extra=b"Warning:\r\n"),
        sip_request(extra=b"Warning: \r\n"),
        sip_request(extra=b"Warning: 399\r\n"),
        sip_request(call_id=b""),
        sip_request(clen=b"-1"),
        sip_request(clen=b"99999999999999999999999"),
        sip_request(clen=b"4294967296", body=b"v=0\r\n"),
        sip_request(extra=b"Via: SIP/2.0/UDP " + b"[" * 2000 + b"\r\n"),
        sip_request(extra=b"".join(b"Via: SIP/2.0/UDP 10.0.0.%d;branch=z9hG4bK%d\r\n" % (i % 250, i)
                                   for i in range(1000))),
        sip_request(extra=b"Contact: " + b",".join(b"<sip:a@10.0.0.%d>" % (i % 250)
                                                   for i in range(500)) + b"\r\n"),
        sip_request(extra=b"From: \"" + b"\\" * 3000 + b"\r\n"),
        sip_request(extra=b"Authorization: Digest response=\"" + b"a" * 5000 + b"\r\n"),
        sip_request(extra=b"WWW-Authenticate: Digest realm=" + b"\"" * 999 + b"\r\n"),
        sip_request(extra=b"CSeq: 99999999999999999999 REGISTER\r\n"),
        sip_request(extra=b"Expires: -5\r\nMin-Expires: 4294967296\r\nRetry-After: 99999999999\r\n"),
        sip_request(method=b"INVITE", body=b"v=0\r\n" + b"m=audio 99999999 RTP/AVP 0\r\n" * 300 +
                    b"c=IN IP4 " + b"9" * 500 + b"\r\n"),
        sip_request(method=b"I" * 1000),
        b"SIP/2.0 999 Weird\r\nCall-ID: x\r\n\r\n",
        b"SIP/2.0 20\r\n\r\n",
        b"REGISTER sip:x SIP/2.0\r\n" + b"X: y\r\n" * 5000 + b"\r\n",
        b"REGISTER sip:x SIP/2.0\r\nCall-ID: a\0b\r\n\r\n",
        b"REGISTER sip:x SIP/2.0\r\n" + b" " * 8000,
        b"\r\n" * 100 + sip_request(),
        b"SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP 192.168.77.10:5060;branch=z9hG4bK-broken\r\n"
        b"From: <sip:1001@example.test>;tag=b1\r\nTo: <sip:1001@example.test>;tag=x\r\n"
        b"Call-ID: broken-1@192.168.77.10\r\nCSeq: 1 REGISTER\r\n"
        b"WWW-Authenticate: Digest\r\nWWW-Authenticate: ,,,,,\r\nContent-Length: 0\r\n\r\n",
    ]
    frames = []
    for i, m in enumerate(msgs):
        if len(m) > 1400:
            frames += udp_fragments(m, 0x200 + i)
        else:
            frames.append(udp_frame(m, ident=0x200 + i))
    case("sip-hostile-headers.pcap.gz", gz(pcap_of(frames)),
         "empty Warning, empty Call-ID, negative and huge lengths, 1000 Vias, 500 Contacts, "
         "unterminated quotes, NUL in a header, a 999 status", "complete", len(frames))
    # Fragments that overlap, repeat and never complete; a TCP stream
    # whose segments overlap and jump.
    base = sip_request(body=b"x" * 3000)
    fr = udp_fragments(base, 0x300)
    odd = fr + fr[:1] + [fr[1][:-8]] + udp_fragments(base, 0x301)[:-1]
    tcp = [tcp_frame(b"", 0, 0x02), tcp_frame(base[:500], 1), tcp_frame(base[200:900], 201),
           tcp_frame(base[5000:], 5001), tcp_frame(base[:100], 0xFFFFFF00),
           tcp_frame(b"", 0, 0x04)]
    case("fragments-and-segments.pcap", pcap_of(odd + tcp),
         "repeated, cut and never-completed IP fragments; overlapping, wrapping TCP segments",
         "complete", len(odd) + len(tcp))


def write_manifest():
    lines = [
        "# Broken captures: what sipwatch must do with each",
        "",
        "Made by `tests/tools/make-broken.py` (deterministic: re-running it gives the same",
        "bytes), checked by `tests/e2e/test_broken.py`, which also makes the big ones at run",
        "time: a directory, `/dev/zero`, a 4 GB sparse file (zeros, and a pcap header followed",
        "by zeros), a gzip bomb of empty records, a FIFO, and stdin.",
        "",
        "Results: **error** = exit 2, nothing on stdout, one line on stderr naming the file",
        "and the problem; **partial** = exit 0, analysed up to the damage: the JSON summary",
        "says `\"complete\": false` and where reading stopped, stderr names the file and the",
        "problem; **complete** = exit 0, readable despite the oddity. *packets* = frames",
        "analysed (empty when it depends on where the compressed stream breaks); *needle* =",
        "text the error or damage message contains.",
        "",
        "| file | what is broken | result | packets | needle |",
        "|---|---|---|---:|---|",
    ]
    for name, what, result, packets, needle in CASES:
        lines.append("| %s | %s | %s | %s | %s |" % (
            name, what.replace("|", "\\|"), result, "" if packets is None else packets,
            needle.replace("|", "\\|")))
    with open(os.path.join(OUT, "MANIFEST.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.unlink(os.path.join(OUT, f))
    make_pcap()
    make_gzip()
    make_pcapng()
    make_sip()
    write_manifest()
    print("%d broken captures in %s" % (len(CASES), OUT))


if __name__ == "__main__":
    main()
