#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""flood.py: a capture of a SIP flood, for measuring sipwatch's memory.

    bench/mem/flood.py [-n CALLIDS] [-r RANDOM] [-d SECONDS] [-s SEED] -o FILE

Writes a classic pcap (Ethernet / IPv4 / UDP to port 5060) holding N SIP
requests with N distinct Call-IDs (default 1,000,000) spread evenly over D
seconds (default 3600), as a scanner or a misbehaving fleet sends them:
  40 % INVITE   to random extensions, from 65,536 source addresses, never
                answered (each one a dialog and a client transaction);
  30 % REGISTER from distinct users (user i), a third of them challenged
                (401 from the registrar) and never retried;
  20 % OPTIONS  from random sources, a quarter answered 200;
  10 % SUBSCRIBE / NOTIFY / MESSAGE / BYE for dialogs that do not exist;
plus R datagrams of random bytes to port 5060 (default N / 10), mixed in.

    bench/mem/flood.py --tcp STREAMS [-b BYTES] -o FILE

instead writes STREAMS TCP connections to port 5060, each sending a
REGISTER that declares a 130000-byte body and then BYTES of it (default
129000, rounded down to 1400-byte segments), never completing: the worst case for the
decoder's stream buffers (SW_MAX_TCP_BUF per direction).
Deterministic for a given seed. Standard library only.
"""
import argparse
import random
import struct
import sys
import zlib

T0 = 1_700_000_000
SERVER = bytes([10, 0, 0, 10])
SRC_MAC = bytes.fromhex("020000000001")
DST_MAC = bytes.fromhex("020000000002")


def csum(h):
    s = sum(struct.unpack("!10H", h))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def frame(src, sport, dst, dport, payload, ident):
    udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), ident & 0xFFFF, 0x4000, 64, 17, 0,
                     src, dst)
    ip = ip[:10] + struct.pack(">H", csum(ip)) + ip[12:]
    return DST_MAC + SRC_MAC + b"\x08\x00" + ip + udp


def request(method, ruri, user, src_ip, sport, call_id, branch, extra=b""):
    return (b"%s %s SIP/2.0\r\n"
            b"Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK%s;rport\r\n"
            b"Max-Forwards: 70\r\n"
            b"From: <sip:%s@flood.example>;tag=%s\r\n"
            b"To: <%s>\r\n"
            b"Call-ID: %s\r\n"
            b"CSeq: 1 %s\r\n"
            b"Contact: <sip:%s@%s:%d>\r\n%s"
            b"User-Agent: friendly-scanner\r\n"
            b"Content-Length: 0\r\n\r\n") % (
                method, ruri, src_ip, sport, branch, user, branch[:8], ruri, call_id, method,
                user, src_ip, sport, extra)


def response(status, reason, req, extra=b""):
    head, _ = req.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")[1:]
    keep = [l for l in lines if l.split(b":", 1)[0] in (b"Via", b"From", b"To", b"Call-ID",
                                                         b"CSeq")]
    keep = [l + b";tag=srv" if l.startswith(b"To:") else l for l in keep]
    return b"SIP/2.0 %d %s\r\n%s\r\n%sContent-Length: 0\r\n\r\n" % (
        status, reason, b"\r\n".join(keep), extra)


def tcp_frame(src, sport, seq, payload, flags=0x18):
    tcp = struct.pack(">HHIIBBHHH", sport, 5060, seq, 1, 5 << 4, flags, 65535, 0, 0) + payload
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, SERVER)
    ip = ip[:10] + struct.pack(">H", csum(ip)) + ip[12:]
    return DST_MAC + SRC_MAC + b"\x08\x00" + ip + tcp


def tcp_flood(a):
    out = open(a.o, "wb", buffering=1 << 20)
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    packets = 0
    t_us = 0
    hdr = (b"REGISTER sip:flood.example SIP/2.0\r\nVia: SIP/2.0/TCP 172.16.0.1;branch=z9hG4bKt\r\n"
           b"From: <sip:t@flood.example>;tag=t\r\nTo: <sip:t@flood.example>\r\n"
           b"Call-ID: tcp-%d\r\nCSeq: 1 REGISTER\r\nContent-Length: 130000\r\n\r\n")
    body = b"x" * 1400
    # Round-robin over the streams, so that all of them are open at once.
    for k in range(a.b // 1400 + 1):
        for i in range(a.tcp):
            src = bytes([172, 16 + (i >> 16), (i >> 8) & 255, i & 255])
            sport = 20000 + (i % 40000)
            h = hdr % i
            segs = [(0, b"", 0x02), (1, h, 0x18)] if k == 0 else [(1 + len(h) + (k - 1) * 1400,
                                                                   body, 0x18)]
            for seq, pl, fl in segs:
                t_us += 10
                f = tcp_frame(src, sport, seq, pl, fl)
                out.write(struct.pack("<IIII", T0 + t_us // 1_000_000, t_us % 1_000_000, len(f),
                                      len(f)))
                out.write(f)
                packets += 1
    out.close()
    print("packets=%d tcp_streams=%d body_bytes=%d" % (packets, a.tcp, a.b))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=1_000_000, help="distinct Call-IDs")
    ap.add_argument("-r", type=int, default=-1, help="random datagrams (default n/10)")
    ap.add_argument("-d", type=float, default=3600.0, help="seconds the flood lasts")
    ap.add_argument("-s", type=int, default=1)
    ap.add_argument("-o", required=True)
    ap.add_argument("--tcp", type=int, default=0, help="TCP streams instead (see above)")
    ap.add_argument("-b", type=int, default=129000, help="body bytes per TCP stream")
    a = ap.parse_args()
    if a.tcp:
        return tcp_flood(a)
    nrand = a.n // 10 if a.r < 0 else a.r
    rnd = random.Random(a.s)
    total = a.n + nrand
    step_us = max(1, int(a.d * 1e6 / max(1, total)))
    packets = sip = 0
    out = open(a.o, "wb", buffering=1 << 20)
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    t_us = 0

    def emit(src, sport, dst, dport, payload):
        nonlocal t_us, packets
        t_us += step_us
        f = frame(src, sport, dst, dport, payload, packets)
        out.write(struct.pack("<IIII", T0 + t_us // 1_000_000, t_us % 1_000_000, len(f), len(f)))
        out.write(f)
        packets += 1

    rand_every = a.n // nrand if nrand else 0
    for i in range(a.n):
        src = bytes([172, 16 + ((i >> 16) & 15), (i >> 8) & 255, i & 255])
        src_txt = b"%d.%d.%d.%d" % tuple(src)
        sport = 5060 + (i % 7)
        cid = b"%08x-%d@flood" % (zlib.crc32(b"%d" % i), i)
        br = b"%x" % (i * 2654435761 & 0xFFFFFFFFFFFF)
        k = i % 10
        if k < 4:
            req = request(b"INVITE", b"sip:%d@flood.example" % rnd.randrange(100, 100000),
                          b"%d" % rnd.randrange(100, 100000), src_txt, sport, cid, br)
            emit(src, sport, SERVER, 5060, req)
        elif k < 7:
            user = b"u%d" % i
            req = request(b"REGISTER", b"sip:flood.example", user, src_txt, sport, cid, br,
                          b"Expires: 3600\r\n")
            emit(src, sport, SERVER, 5060, req)
            if i % 3 == 0:
                emit(SERVER, 5060, src, sport, response(
                    401, b"Unauthorized", req,
                    b'WWW-Authenticate: Digest realm="flood.example", nonce="%x"\r\n' % i))
                sip += 1
        elif k < 9:
            req = request(b"OPTIONS", b"sip:flood.example", b"scan", src_txt, sport, cid, br)
            emit(src, sport, SERVER, 5060, req)
            if i % 4 == 0:
                emit(SERVER, 5060, src, sport, response(200, b"OK", req))
                sip += 1
        else:
            m = (b"SUBSCRIBE", b"NOTIFY", b"MESSAGE", b"BYE")[i % 4]
            emit(src, sport, SERVER, 5060,
                 request(m, b"sip:x@flood.example", b"y", src_txt, sport, cid, br))
        sip += 1
        if rand_every and i % rand_every == 0:
            n = rnd.randrange(1, 1400)
            emit(src, rnd.randrange(1024, 65535), SERVER, 5060, rnd.randbytes(n))
    out.close()
    print("packets=%d sip=%d callids=%d random=%d" % (packets, sip, a.n, nrand))


if __name__ == "__main__":
    sys.exit(main())
