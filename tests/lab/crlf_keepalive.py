#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""sipwatch lab: send a phone's RFC 5626 CRLF keepalives ("\r\n\r\n" over UDP) from the SIP
port that SIPp has already bound, the way a phone keeps its NAT binding open.

SIPp cannot send a bare CRLF and owns the socket on the phone's SIP port, so this sender
builds the UDP header itself on a raw socket (the kernel adds the IP header): the packets
leave with source port = the phone's SIP port and go through the router's NAT like SIPp's.
Nothing is bound, so no reply can be stolen from SIPp.

usage: crlf_keepalive.py SRC_IP SRC_PORT DST_IP DST_PORT INTERVAL_S COUNT
"""
import socket
import struct
import sys
import time


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def udp_packet(src, sport, dst, dport, payload: bytes) -> bytes:
    length = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, length)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    csum = checksum(pseudo + hdr + payload) or 0xFFFF
    return struct.pack("!HHHH", sport, dport, length, csum) + payload


def main(argv):
    if len(argv) != 7:
        sys.stderr.write(__doc__)
        return 2
    src, sport, dst, dport = argv[1], int(argv[2]), argv[3], int(argv[4])
    interval, count = float(argv[5]), int(argv[6])
    if not (0 < interval <= 120 and 0 < count <= 1000):
        sys.stderr.write("interval must be in (0,120] s and count in (0,1000]\n")
        return 2
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    s.bind((src, 0))
    pkt = udp_packet(src, sport, dst, dport, b"\r\n\r\n")
    for i in range(count):
        if i:
            time.sleep(interval)
        s.sendto(pkt, (dst, 0))
        print("%.3f sent CRLF keepalive %s:%d -> %s:%d" % (time.time(), src, sport, dst, dport),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
