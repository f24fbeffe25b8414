#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""rewrap: make the synthetic captures of the decode corpus from real ones.

    rewrap.py all DIR        read the real captures in DIR, write the synthetic ones

Every synthetic file carries packets captured for real by make-decode-pcaps.sh;
only their link-layer wrapping, their order or their file container changes
(or, for the truncated file, the file is cut).  Standard library only.
"""

import gzip
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaplib as pl  # noqa: E402

PPPOE_SESSION = 0x2A5C
PPPOE_AC_MAC = pl.mac("02:00:00:77:00:01")


def ipv4_frag_key(ip):
    """(src, dst, id, proto) when ip is an IPv4 fragment, else None."""
    if len(ip) < 20 or ip[0] >> 4 != 4:
        return None
    ff = struct.unpack(">H", ip[6:8])[0]
    if ff & 0x3FFF == 0:
        return None
    return (ip[12:16], ip[16:20], ip[4:6], ip[9])


def frag_reordered(src, dst):
    """Fragments of each datagram in reverse order (last first); the biggest
    datagram also gets its second fragment sent twice (a duplicate)."""
    cap = pl.read(src)
    groups, order = {}, []
    for i, p in enumerate(cap.packets):
        k = ipv4_frag_key(pl.strip_ethernet(p.data)[4])
        if k is None:
            order.append([i])
        else:
            if k not in groups:
                groups[k] = []
                order.append(groups[k])
            groups[k].append(i)
    biggest = max(groups.values(), key=len)
    out_idx = []
    for g in order:
        if len(g) == 1:
            out_idx += g
            continue
        rev = list(reversed(g))
        if g is biggest:
            rev.insert(2, g[1])   # duplicate of fragment 2, right after its first copy
        out_idx += rev
    # Keep the capture's clock running forward: frame i gets the i-th timestamp.
    stamps = sorted(p.ts_ns for p in cap.packets)
    stamps += [stamps[-1] + 1000 * (k + 1) for k in range(len(out_idx) - len(stamps))]
    out = [pl.Packet(stamps[n], cap.packets[i].data) for n, i in enumerate(out_idx)]
    pl.write_pcap(dst, out, pl.LINKTYPE_ETHERNET)


def tcp_payload(frame):
    _, _, _, et, ip = pl.strip_ethernet(frame)
    if et != pl.ETH_P_IP or ip[9] != 6:
        return None, None
    ihl = (ip[0] & 15) * 4
    tcp = ip[ihl:]
    doff = (tcp[12] >> 4) * 4
    return struct.unpack(">H", tcp[0:2])[0], tcp[doff:struct.unpack(">H", ip[2:4])[0] - ihl]


def tcp_ooo_retrans(src, dst):
    """From the real TCP capture: two middle pieces of the split OPTIONS swapped
    (out of order), and the coalesced REGISTER+OPTIONS segment retransmitted."""
    cap = pl.read(src)
    pk = cap.packets
    data_idx = []
    for i, p in enumerate(pk):
        sport, pay = tcp_payload(p.data)
        if pay and sport != 5060:
            data_idx.append(i)
    first = next(i for i in data_idx
                 if tcp_payload(pk[i].data)[1].startswith(b"OPTIONS ")
                 and b"\r\n\r\n" not in tcp_payload(pk[i].data)[1])
    k = data_idx.index(first)
    a, b = data_idx[k + 1], data_idx[k + 2]          # pieces 2 and 3
    coal = next(i for i in data_idx if b"REGISTER" in tcp_payload(pk[i].data)[1]
                and b"OPTIONS" in tcp_payload(pk[i].data)[1])
    order = list(range(len(pk)))
    order[a], order[b] = order[b], order[a]
    pos = order.index(coal)
    order.insert(pos + 3, coal)                      # retransmitted after the replies
    stamps = sorted(p.ts_ns for p in pk)
    stamps.append(stamps[-1] + 1000)
    stamps.sort()
    out = [pl.Packet(stamps[n], pk[i].data) for n, i in enumerate(order)]
    pl.write_pcap(dst, out, pl.LINKTYPE_ETHERNET)


def retag(src, dst, tags):
    cap = pl.read(src)
    out = []
    for p in cap.packets:
        d, s, _, et, payload = pl.strip_ethernet(p.data)
        out.append(pl.Packet(p.ts_ns, pl.eth_tagged(d, s, tags, et) + payload))
    pl.write_pcap(dst, out, pl.LINKTYPE_ETHERNET)


def pppoe(src, dst):
    """RFC 2516 session stage: Ethernet 0x8864, PPPoE session, PPP IPv4 (0x0021)."""
    cap = pl.read(src)
    out = []
    for p in cap.packets:
        d, s, _, et, payload = pl.strip_ethernet(p.data)
        proto = pl.PPP_IP if et == pl.ETH_P_IP else pl.PPP_IPV6
        frame = pl.eth_header(d, s, pl.ETH_P_PPPOE_SESS) + \
            pl.pppoe_session(PPPOE_SESSION, proto, payload)
        out.append(pl.Packet(p.ts_ns, frame))
    pl.write_pcap(dst, out, pl.LINKTYPE_ETHERNET)


def null_loopback(src4, src6raw, dst):
    """BSD loopback: AF_INET (2) for the IPv4 exchange, AF_INET6 as macOS writes
    it (30) for the IPv6 one; the family is little-endian, as written on x86."""
    out = []
    for p in pl.read(src4).packets:
        _, _, _, et, payload = pl.strip_ethernet(p.data)
        out.append(pl.Packet(p.ts_ns, pl.null_header(pl.AF_INET) + payload))
    last = out[-1].ts_ns
    raw = [p for p in pl.read(src6raw).packets if p.data[0] >> 4 == 6]
    base = raw[0].ts_ns
    for p in raw:
        out.append(pl.Packet(last + 100_000_000 + p.ts_ns - base,
                             pl.null_header(pl.AF_INET6_DARWIN) + p.data))
    pl.write_pcap(dst, out, pl.LINKTYPE_NULL)


def pcapng_two_ifaces(eth_src, sll_src, dst):
    """Interface 0 Ethernet, interface 1 LINUX_SLL, packets interleaved one by one."""
    a = pl.read(eth_src).packets
    b = pl.read(sll_src).packets
    base_a, base_b = a[0].ts_ns, b[0].ts_ns
    merged = []
    for i in range(max(len(a), len(b))):
        if i < len(a):
            merged.append(pl.Packet(base_a + 2 * i * 1000_000 + (a[i].ts_ns - base_a) // 1000,
                                    a[i].data, pl.LINKTYPE_ETHERNET, ifidx=0))
        if i < len(b):
            merged.append(pl.Packet(base_a + (2 * i + 1) * 1000_000 + (b[i].ts_ns - base_b) // 1000,
                                    b[i].data, b[i].linktype, ifidx=1))
    with open(dst, "wb") as f:
        f.write(pl.pcapng_bytes([(pl.LINKTYPE_ETHERNET, "eth0"), (b[0].linktype, "any")],
                                merged))


def pcapng_custom(src, dst):
    """The real exchange with a Custom Block (PEN 32473, RFC 5612's example
    number) and a block of an unassigned local-use type (0x80005357) in the middle."""
    pk = pl.read(src).packets
    mid = len(pk) // 2
    custom = pl.pcapng_custom_block(32473, b"sipwatch corpus: skip me")
    unknown = pl.pcapng_block(0x80005357, b"SWUNKNOWNBLOCK\0\0" + bytes(range(16)))
    with open(dst, "wb") as f:
        f.write(pl.pcapng_bytes([(pl.LINKTYPE_ETHERNET, "eth0")], pk,
                                extra_blocks={mid: custom + unknown}))


def gz(src, dst):
    with open(src, "rb") as f:
        data = f.read()
    with open(dst, "wb") as f:
        f.write(gzip.compress(data, 9, mtime=0))


def cut_mid_record(src, dst, frame):
    """The file up to half-way through record `frame` (1-based): `head -c N`."""
    with open(src, "rb") as f:
        raw = f.read()
    off = 24
    for _ in range(frame - 1):
        off += 16 + struct.unpack("<I", raw[off + 8:off + 12])[0]
    incl = struct.unpack("<I", raw[off + 8:off + 12])[0]
    n = off + 16 + incl // 2
    with open(dst, "wb") as f:
        f.write(raw[:n])
    return n


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "all":
        sys.exit(__doc__)
    d = sys.argv[2]
    j = lambda n: os.path.join(d, n)
    frag_reordered(j("udp_fragmented.pcap"), j("udp_fragmented_reordered-synthetic.pcap"))
    tcp_ooo_retrans(j("tcp_split_coalesced.pcap"), j("tcp_ooo_retrans-synthetic.pcap"))
    retag(j("udp_register.pcap"), j("vlan-synthetic.pcap"), [(pl.ETH_P_8021Q, 1)])
    retag(j("udp_register.pcap"), j("qinq-synthetic.pcap"),
          [(pl.ETH_P_8021AD, 100), (pl.ETH_P_8021Q, 1)])
    pppoe(j("udp_register.pcap"), j("pppoe-synthetic.pcap"))
    null_loopback(j("udp_register.pcap"), j("raw-ip.pcap"), j("null-loopback-synthetic.pcap"))
    subprocess.run(["editcap", "-F", "pcapng", j("udp_register.pcap"), j("udp_register.pcapng")],
                   check=True)
    pcapng_two_ifaces(j("udp_register.pcap"), j("sll.pcap"),
                      j("pcapng_two_interfaces-synthetic.pcapng"))
    pcapng_custom(j("udp_register.pcap"), j("pcapng_custom_block-synthetic.pcapng"))
    gz(j("udp_register.pcap"), j("udp_register.pcap.gz"))
    gz(j("udp_register.pcapng"), j("udp_register.pcapng.gz"))
    gz(j("udp_fragmented.pcap"), j("gzip-without-extension.pcap"))
    # Frame 11 of udp_fragmented.pcap is the INVITE's third fragment (of five).
    n = cut_mid_record(j("udp_fragmented.pcap"), j("truncated_mid_record.pcap"), 11)
    print("truncated_mid_record.pcap: head -c %d udp_fragmented.pcap" % n)


if __name__ == "__main__":
    main()
