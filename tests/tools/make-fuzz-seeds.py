#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Seed corpora for the structured fuzz targets (tests/fuzz/), made from the
captures in pcaps/decode and pcaps/lab.

    tests/tools/make-fuzz-seeds.py [repo-dir]

Writes tests/fuzz/corpus/{decode,sip,sipscan,analyze,reader}/seed-*; regression
inputs (regress-*) found by fuzzing are kept. The capture and reader
targets take the captures themselves as seeds (see tests/fuzz/CMakeLists.txt).

decode:  byte 0 link selector, byte 1 options, then per frame u16 length
         (big endian), u8 time step, the frame (fuzz_decode.c).
sip:     one SIP message (from the start line to the end of the frame).
sipscan: the SIP messages, plus keepalive, STUN, WebSocket, DNS and IPv6
         extension header samples.
analyze: programs for fuzz_analyze.c (a REGISTER challenge and success,
         an unanswered REGISTER, an ICMP-answered one, a call).
reader:  small captures in the rarer formats (see reader_seeds()).
"""
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaplib  # noqa: E402

LINK_SELECTOR = {1: 0, 0: 1, 101: 2, 108: 3, 113: 4, 228: 5, 229: 6, 276: 7, 12: 8, 14: 9}
START = re.compile(rb"((?:REGISTER|INVITE|OPTIONS|ACK|BYE|CANCEL|SUBSCRIBE|NOTIFY|"
                   rb"MESSAGE|PRACK|INFO|UPDATE|PUBLISH|REFER) sips?:[^\r\n ]{1,200} SIP/2\.0\r?\n|"
                   rb"SIP/2\.0 \d\d\d [^\r\n]*\r?\n)", re.S)
MAX_SEED = 60000


def clean(d):
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if f.startswith("seed-"):
            os.unlink(os.path.join(d, f))


def put(d, name, data):
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def decode_seed(packets):
    """One link type's frames as a fuzz_decode input."""
    lt = packets[0].linktype
    out = bytearray([LINK_SELECTOR[lt], 0])
    prev = packets[0].ts_ns
    for p in packets:
        if p.linktype != lt:
            continue
        step = max(0, min(0xfc, (p.ts_ns - prev) // 10_000_000))
        prev = p.ts_ns
        rec = struct.pack(">HB", min(len(p.data), 0xFFFF), step) + p.data[:0xFFFF]
        if len(out) + len(rec) > MAX_SEED:
            break
        out += rec
    return bytes(out)


def sip_messages(packets):
    for p in packets:
        m = START.search(p.data)
        if m:
            yield p.data[m.start(1):]


def analyze_programs():
    """Hand-written fuzz_analyze programs (see its header for the layout)."""
    progs = {}
    # REGISTER (op 0, method REGISTER) / 401 (op 3) / REGISTER with
    # Authorization / 200 with Expires; the same Call-ID (f1 bits 3-5).
    reg = lambda cseq, f2: bytes([0x00, 2, 0x00, 0x00, f2, 0x7D, cseq])          # noqa: E731
    resp = lambda cseq, st, f2: bytes([0x03, 2, 0x10, 0x00, f2, 0x7D, cseq, st])  # noqa: E731
    progs["register-401-200"] = (bytes([0x21]) + reg(1, 0) + resp(1, 7, 0) + reg(2, 8) +
                                 resp(2, 3, 0x80) + bytes([6, 0xff, 0]) + reg(3, 8))
    progs["register-timeout"] = bytes([0x01]) + reg(1, 0) + b"".join(
        bytes([0x06, 0x0a, 0]) for _ in range(8)) + bytes([6, 0xfd, 0])
    progs["register-icmp"] = (bytes([0x03]) + reg(1, 0) + bytes([0x04, 1, 0, 0x01, 0x00, 1]) +
                              reg(1, 0) + bytes([0x04, 1, 0, 0x01, 0x00, 1]))
    progs["register-403"] = bytes([0x00]) + reg(1, 8) + resp(1, 9, 0x40)
    progs["invite-call"] = (bytes([0x33]) + bytes([0x18, 1, 0, 0x08, 0, 0x1D, 1]) +
                            bytes([0x1b, 1, 0x10, 0x08, 4, 0x1D, 1, 1]) +
                            bytes([0x1b, 1, 0x10, 0x08, 4, 0x1D, 1, 3]) +
                            bytes([0x28, 1, 0, 0x08, 4, 0x1D, 1]) +
                            bytes([0x30, 50, 0, 0x08, 4, 0x1D, 2]) +
                            bytes([0x33, 1, 0x10, 0x08, 4, 0x1D, 2, 3]))
    progs["keepalive-dns-tcp"] = bytes([0x00, 0x05, 1, 0, 0x02, 0x15, 1, 0, 0x09,
                                        0x1d, 1, 0x08, 0x01])
    progs["raw"] = bytes([0x00, 0x07, 1, 0, 12]) + b"OPTIONS sip:x SIP/2.0\r\nCall-ID: a\r\n\r\n\0\0\0"
    return progs


def reader_seeds():
    """Small captures for the paths the corpus in pcaps/ lacks: big-endian,
    nanosecond, Kuznetzov and 2.2 pcap; pcapng in big-endian with Simple
    and obsolete Packet Blocks, if_tsresol as a power of two, if_tsoffset,
    two sections; gzip with two members and zero padding."""
    frame = (pcaplib.eth_header(pcaplib.mac("02:00:00:00:00:01"), pcaplib.mac("02:00:00:00:00:02"),
                                pcaplib.ETH_P_IP) +
             pcaplib.ipv4_header(bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]), 17, 8 + 4) +
             struct.pack(">HHHH", 5060, 5060, 12, 0) + b"\r\n\r\n")
    seeds = {}
    seeds["pcap-be-ns"] = (struct.pack(">IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 65535, 1) +
                           struct.pack(">IIII", 1, 999999999, len(frame), len(frame)) + frame)
    seeds["pcap-kuznetzov"] = (struct.pack("<IHHiIII", 0xA1B2CD34, 2, 4, 0, 0, 65535, 1) +
                               struct.pack("<IIIIIHBB", 1, 0, len(frame), len(frame), 2, 8, 0, 0) +
                               frame)
    seeds["pcap-2.2-swapped"] = (struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 2, 0, 0, 65535, 1) +
                                 struct.pack("<IIII", 1, 0, len(frame) + 10, len(frame)) + frame)

    def blk(be, btype, body):
        e = ">" if be else "<"
        body = body + b"\0" * ((4 - len(body) % 4) % 4)
        return struct.pack(e + "II", btype, len(body) + 12) + body + struct.pack(e + "I", len(body) + 12)

    def shb(be):
        return blk(be, 0x0A0D0D0A, struct.pack((">" if be else "<") + "IHHq", 0x1A2B3C4D, 1, 0, -1))

    def idb(be, opts=b""):
        e = ">" if be else "<"
        return blk(be, 1, struct.pack(e + "HHI", 1, 0, 96) + opts + struct.pack(e + "HH", 0, 0))

    be = True
    opt_pow2 = struct.pack(">HH", 9, 1) + bytes([0x80 | 20, 0, 0, 0])
    opt_off = struct.pack(">HHq", 14, 8, -3600)
    seeds["pcapng-be-spb-pb"] = (
        shb(be) + idb(be, opt_pow2 + opt_off) +
        blk(be, 6, struct.pack(">IIIII", 0, 0, 1 << 20, len(frame), len(frame)) + frame) +
        blk(be, 3, struct.pack(">I", len(frame) + 100) + frame) +
        blk(be, 2, struct.pack(">HHIIII", 0, 0, 0, 5 << 20, len(frame), len(frame)) + frame) +
        blk(be, 5, b"isb-stats") + shb(False) + idb(False) +
        blk(False, 6, struct.pack("<IIIII", 0, 0, 7, len(frame), len(frame)) + frame))
    plain = pcaplib.pcap_bytes([pcaplib.Packet(10**9, frame), pcaplib.Packet(2 * 10**9, frame)], 1)
    import gzip
    seeds["gzip-two-members"] = (gzip.compress(plain[:40]) + gzip.compress(plain[40:]) +
                                 b"\0" * 64)
    return seeds


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    pcaps = os.path.join(repo, "pcaps")
    corpus = os.path.join(repo, "tests", "fuzz", "corpus")
    dirs = {k: os.path.join(corpus, k) for k in ("decode", "sip", "sipscan", "analyze", "reader")}
    for d in dirs.values():
        clean(d)
    sips = {}
    for sub in ("decode", "lab"):
        base = os.path.join(pcaps, sub)
        for name in sorted(os.listdir(base)):
            path = os.path.join(base, name)
            if not os.path.isfile(path) or name.endswith((".md", ".tsv")):
                continue
            try:
                cap = pcaplib.read(path)
            except Exception:
                continue
            if not cap.packets:
                continue
            by_link = {}
            for p in cap.packets:
                by_link.setdefault(p.linktype, []).append(p)
            for lt, pk in by_link.items():
                if lt in LINK_SELECTOR and sub == "decode":
                    put(dirs["decode"], "%s-%d" % (name, lt), decode_seed(pk))
            for m in sip_messages(cap.packets):
                key = m.split(b"\n", 1)[0][:40]
                sips.setdefault((key, len(m) // 200), m)
    for i, m in enumerate(sorted(sips.values())[:80]):
        put(dirs["sip"], "%03d" % i, m)
        if i % 3 == 0:
            put(dirs["sipscan"], "sip-%03d" % i, m)
    extra = {
        "crlf-ping": b"\r\n\r\n",
        "crlf-pong": b"\r\n",
        "stun-binding": struct.pack(">HHI12s", 1, 0, 0x2112A442, b"0123456789ab"),
        "ws-frame": bytes([0x81, 0xFE, 0x01, 0x00, 1, 2, 3, 4]) + b"x" * 16,
        "http-upgrade": b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
                        b"Connection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n",
        "dns-response": bytes.fromhex("1234818000010001000000000370627807657861"
                                      "6d706c650000010001c00c000100010000003c0004c6336410"),
        "ipv6-ext": bytes([0, 0, 1, 4, 0, 0, 0, 0]) + bytes([17, 0] + [0] * 6),
        "frame-stream": b"INVITE sip:a SIP/2.0\r\nContent-Length: 5\r\n\r\nhello"
                        b"SIP/2.0 200 OK\r\nl: 0\r\n\r\n",
    }
    for k, v in extra.items():
        put(dirs["sipscan"], k, v)
    for k, v in analyze_programs().items():
        put(dirs["analyze"], k, v)
    for k, v in reader_seeds().items():
        put(dirs["reader"], k, v)
    for k, d in dirs.items():
        print("%s: %d seeds" % (k, len([f for f in os.listdir(d) if f.startswith("seed-")])))


if __name__ == "__main__":
    main()
