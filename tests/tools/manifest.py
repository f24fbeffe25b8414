# SPDX-License-Identifier: BSD-2-Clause
"""manifest: write pcaps/decode/MANIFEST.md and pcaps/decode/truth/*.tsv.

Called by `truth.py manifest DIR`.  The lists come from truth.py's oracle;
each is compared with tshark and every difference is printed in the manifest
next to the reason (NOTES below, checked by hand when the corpus was made).
"""

import os
import subprocess

import truth

# name: (real|synthetic, how it was made, extra tshark options, notes on tshark)
FILES = [
    ("udp_register.pcap", "real",
     "The phone (`sipgen.py phone register`, namespace swgen-p) registers with Kamailio 5.6 "
     "(namespace swgen-s, digest auth, user 1001/secret) over UDP; captured on the registrar's "
     "veth. Source of the rewrapped files below.", [], ""),
    ("udp_fragmented.pcap", "real",
     "veth MTU 576. A REGISTER with a 1.1 KB `X-Sipwatch-Padding` header (sent twice: 401 "
     "challenge) and an INVITE with a 2 KB SDP are fragmented by the phone's kernel (3, 3 and "
     "5 IPv4 fragments); Kamailio answers 401, 200, 486 (unfragmented); the phone ACKs the 486.",
     [], ""),
    ("udp_fragmented_reordered-synthetic.pcap", "synthetic",
     "From udp_fragmented.pcap: every fragmented datagram's fragments written last-first, and "
     "the INVITE's second fragment written twice (duplicate right after its first copy). "
     "Frame timestamps are reassigned in file order so the clock runs forward.", [], ""),
    ("ipv6.pcap", "real",
     "veth MTU 1280, IPv6 only: REGISTER/401/REGISTER/200, OPTIONS/200 with Kamailio, then an "
     "INVITE with a 1.8 KB SDP that the sending host splits into 2 fragments (Fragment header, "
     "RFC 8200 4.5), 486, ACK.", [], ""),
    ("tcp_split_coalesced.pcap", "real",
     "Phone over TCP (port 40123, TCP_NODELAY, offloads off) to Kamailio tcp:5060: REGISTER -> "
     "401; (a) REGISTER + OPTIONS in ONE write, one segment; (c) CRLFCRLF ping -> Kamailio's "
     "CRLF pong (tcp_crlf_ping); (b) an OPTIONS written in 4 pieces 150 ms apart; ping/pong; an "
     "OPTIONS whose last 10 bytes share a segment with the next CRLFCRLF ping; FIN.", [], ""),
    ("tcp_ooo_retrans-synthetic.pcap", "synthetic",
     "From tcp_split_coalesced.pcap: pieces 2 and 3 of the 4-piece OPTIONS swapped (piece 3 "
     "arrives first, out of order), and the coalesced REGISTER+OPTIONS segment repeated three "
     "frames later (exact retransmission).",
     ["-o", "tcp.reassemble_out_of_order:TRUE"],
     "With its defaults tshark 4.0 does not reassemble out-of-order TCP segments "
     "(`tcp.reassemble_out_of_order` is FALSE) and loses OPTIONS CSeq 2; with "
     "`-o tcp.reassemble_out_of_order:TRUE` (second comparison) it agrees."),
    ("vlan-synthetic.pcap", "synthetic",
     "udp_register.pcap with one 802.1Q tag inserted (TPID 0x8100, VID 1, PCP 0), like the "
     "phone's eth2.1 (this kernel has no 8021q module).", [], ""),
    ("qinq-synthetic.pcap", "synthetic",
     "udp_register.pcap with two tags: outer 802.1ad (TPID 0x88a8, VID 100), inner 802.1Q "
     "(0x8100, VID 1).", [], ""),
    ("pppoe-synthetic.pcap", "synthetic",
     "udp_register.pcap's IPv4 packets in Ethernet 0x8864 / PPPoE session (ver 1, type 1, code "
     "0, session 0x2a5c, RFC 2516) / PPP protocol 0x0021. No discovery stage. Not real: this "
     "kernel has no PPP support (no /dev/ppp), so pppd cannot run.", [], ""),
    ("sll.pcap", "real", "`tcpdump -i any -y LINUX_SLL` in the phone's namespace during a "
     "registration (libpcap 1.10 would pick LINUX_SLL2 for `any` by default).", [], ""),
    ("sll2.pcap", "real", "`tcpdump -i any -y LINUX_SLL2` in the phone's namespace during a "
     "registration.", [], ""),
    ("null-loopback-synthetic.pcap", "synthetic",
     "LINKTYPE_NULL: the IPv4 packets of udp_register.pcap with family 2, then the IPv6 packets "
     "of raw-ip.pcap with family 30 (macOS AF_INET6); the family word is little-endian, as a "
     "little-endian host writes it.", [], ""),
    ("raw-ip.pcap", "real",
     "LINKTYPE_RAW: tcpdump on a tun device. One tun per namespace, joined by `sipgen.py "
     "tunrelay` (a point-to-point \"VPN\"); REGISTER flows over IPv4 (198.51.100.0/24) then "
     "IPv6 (fd00:78::/64) with Kamailio.", [], ""),
    ("udp_register.pcapng", "real", "`editcap -F pcapng udp_register.pcap`.", [], ""),
    ("pcapng_two_interfaces-synthetic.pcapng", "synthetic",
     "pcapng with IDB 0 Ethernet (packets of udp_register.pcap) and IDB 1 LINUX_SLL (packets of "
     "sll.pcap), EPBs alternating between the two, nanosecond if_tsresol.", [], ""),
    ("pcapng_custom_block-synthetic.pcapng", "synthetic",
     "The 4 packets of udp_register.pcap in pcapng; between packets 2 and 3 a Custom Block "
     "(type 0x00000BAD, PEN 32473) and a block of an unassigned local-use type 0x80005357.",
     [], "tshark 4.0 shows the Custom Block as a frame of its own (frame 3, protocol `data`), so "
     "its frame numbers after it are one higher; it skips the unknown block silently. The truth "
     "counts packet blocks (EPB/SPB) only."),
    ("udp_register.pcap.gz", "real", "gzip -9 of udp_register.pcap (no name, mtime 0).", [], ""),
    ("udp_register.pcapng.gz", "real", "gzip -9 of udp_register.pcapng.", [], ""),
    ("gzip-without-extension.pcap", "real",
     "gzip of udp_fragmented.pcap under a .pcap name: the reader must go by the magic bytes "
     "(1f 8b), not the name.", [], ""),
    ("icmp_port_unreachable.pcap", "real",
     "A REGISTER to 192.168.77.1:5070, where nothing listens, sent 3 times (timer A: 0.5 s, "
     "1 s), each answered by the registrar kernel's ICMP port unreachable quoting the whole "
     "REGISTER (icmp_ratelimit=0 in that namespace); then the same over IPv6 (ICMPv6 type 1 "
     "code 4). The REGISTERs themselves are SIP messages (to port 5070).", [],
     "tshark's `sip` filter also matches the ICMP frames, because it dissects the REGISTER "
     "quoted inside each error; those frames are ICMP errors, not SIP messages."),
    ("keepalives.pcap", "real",
     "Phone vs `sipgen.py uas`, a small Python UDP peer standing in for an edge proxy (Kamailio "
     "drops UDP datagrams under 20 bytes, so it cannot answer CRLF pings on UDP): REGISTER "
     "401/200, CRLFCRLF ping -> CRLF pong twice, STUN Binding request -> success response "
     "(RFC 5389, XOR-MAPPED-ADDRESS), ping/pong, REGISTER refresh 401/200.", [],
     "tshark shows the pings/pongs as plain UDP (no SIP); it agrees on the SIP list."),
    ("malformed.pcap", "real",
     "UDP datagrams from the phone to `sipgen.py uas` (which answers only what it can parse): "
     "OPTIONS/200; (a) REGISTER without Call-ID; (b) `REGISTER sip:x SIP/2.0` followed by bytes "
     "0x80-0xbf, NUL, SOH and `garbage`, no CRLF anywhere; (c) OPTIONS with Content-Length: 500 "
     "and a 35-byte body; (d) 96 pseudo-random bytes; (e) OPTIONS whose User-Agent carries "
     "`ESC[2J` and `ESC]0;pwned BEL` (framing is fine, so it is a SIP message here and the peer "
     "answers 200; its bytes must be escaped on output); OPTIONS/200.", [],
     "tshark decodes (a) as a REGISTER (it does not require Call-ID) and (c) as an OPTIONS (it "
     "ignores the Content-Length overrun on UDP that RFC 3261 18.3 says to discard); (b) and "
     "(d) are plain UDP to tshark. (d) is not SIP-like at all: counted here as non-SIP on the "
     "SIP port, not as malformed. Strict RFC 3261 grammar would also reject (e): ESC and BEL "
     "are not allowed in TEXT-UTF8char."),
    ("truncated_mid_record.pcap", "real, cut",
     "`head -c 5811 udp_fragmented.pcap`: the file ends half-way through record 11 (the INVITE's "
     "third of five fragments). Records 1-10 are whole; the INVITE can never be reassembled.",
     [], "tshark reads the 10 whole records and then reports `appears to have been cut short in "
     "the middle of a packet`; it agrees on the list."),
    ("truncated_snaplen200.pcap", "real",
     "`tcpdump -s 200` during a registration with Kamailio: every frame is cut at 200 bytes "
     "(caplen 200 < length), so each SIP message has its start line but not its Call-ID.", [],
     "tshark lists the 4 frames as SIP with method/status but no CSeq or Call-ID (beyond byte "
     "200); the truth lists them as truncated SIP, not as complete messages."),
    ("tls_5061.pcap", "real",
     "UDP REGISTER/401/REGISTER/200 with Kamailio; a TLS 1.3 connection from the phone "
     "(port 40561) to `openssl s_server` on 5061 (throwaway self-signed EC cert) carrying an "
     "encrypted REGISTER and a 200 OK; then OPTIONS/200 over UDP. The TLS must be counted as "
     "encrypted SIP, not decoded.", [], "tshark shows the TLS records as TLSv1.3, not SIP: "
     "agrees."),
    ("dns.pcap", "real",
     "The phone asks `sipgen.py dns` (registrar namespace, UDP 53): A registar.sipwatch.test -> "
     "NXDOMAIN, SRV _sip._udp.sipwatch.test -> 1 answer, A registrar.sipwatch.test -> "
     "192.168.77.1; then registers with Kamailio.", [], ""),
]

COUNT_KEYS = ["sip", "malformed", "keepalives", "icmp_errors", "dns", "ip_fragments",
              "ip_reassembled", "ip_frag_duplicates", "ip_frag_incomplete", "tcp_reassembled",
              "tcp_retrans", "tcp_out_of_order", "tcp_incomplete_streams", "tls_streams",
              "tls_records", "truncated_frames", "truncated_sip", "non_sip_on_sip_port"]


ALSO = ["dns", "ip_frag_duplicates", "ip_frag_incomplete", "tcp_retrans", "tcp_out_of_order",
        "tls_records", "truncated_frames", "truncated_sip", "non_sip_on_sip_port"]


def events(r):
    """All events in frame order: (frame, kind, src, dst, transport, what, cseq, call_id, notes)."""
    ev = []
    for m in r.sip:
        ev.append((m.frame, "sip", m.src, m.dst, m.transport, m.what, m.cseq, m.call_id,
                   m.notes if m.first == m.frame or m.notes else "first frame %d" % m.first))
    for f, s, d, why, what, cseq, cid, tp in r.malformed:
        ev.append((f, "malformed", s, d, tp, what, cseq, cid, why))
    for f, s, d, line in r.truncated_sip:
        ev.append((f, "truncated_sip", s, d, "UDP", line.split(" ")[0] if not line.startswith(
            "SIP/") else line.split(" ")[1], "", "", "cut by snaplen: " + line))
    for f, kind, s, d in r.keepalives:
        ev.append((f, "keepalive", s, d, "", kind, "", "", ""))
    for f, text in r.icmp:
        ev.append((f, "icmp", "", "", "", "", "", "", text))
    for f, text in r.dns:
        ev.append((f, "dns", "", "", "UDP", "", "", "", text))
    for f, fl, s, d in r.tcp_flags:
        ev.append((f, "tcp", s, d, "TCP", fl, "", "", ""))
    for f, s, d, nrec in r.tls_streams:
        ev.append((f, "tls", s, d, "TLS", "", "", "",
                   "first TLS record of this direction; %d records in all (not decoded)" % nrec))
    for f, s, d, n in r.non_sip_on_sip_port:
        ev.append((f, "non_sip", s, d, "UDP", "", "", "", "%d bytes, not SIP-like" % n))
    kind_order = {"sip": 0, "malformed": 0, "truncated_sip": 0}
    ev.sort(key=lambda e: (e[0], kind_order.get(e[1], 1)))
    return ev


def compare(path, r, opts):
    mine = [(m.frame, m.what, m.cseq, m.call_id) for m in r.sip]
    theirs, err = truth.tshark_sip(path, opts)
    err = err.replace(os.path.dirname(path) + "/", "")
    only_mine = [x for x in mine if x not in theirs]
    only_theirs = [x for x in theirs if x not in mine]
    return only_mine, only_theirs, err


def fmt_diff(only_mine, only_theirs, err):
    out = []
    for f, w, c, i in only_mine:
        out.append("  - truth has frame %d %s `%s` %s; tshark does not" % (f, w, c, i or "-"))
    for f, w, c, i in only_theirs:
        out.append("  - tshark has frame %d %s `%s` %s; truth does not" % (f, w, c, i or "-"))
    err = "\n".join(l for l in err.splitlines() if "Running as user" not in l).strip()
    if err:
        out.append("  - tshark said: `%s`" % err.replace("\n", " "))
    return out


def write(d):
    tdir = os.path.join(d, "truth")
    os.makedirs(tdir, exist_ok=True)
    ver = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout
    ver = ver.split()[2] if ver else "?"
    ver = "tshark " + ver
    summary, sections = [], []
    for name, origin, how, opts, note in FILES:
        path = os.path.join(d, name)
        if not os.path.exists(path):
            print("manifest: missing %s" % name)
            continue
        r = truth.decode_file(path)
        c = truth.counts(r)
        ev = events(r)
        with open(os.path.join(tdir, name + ".tsv"), "w") as f:
            f.write("# %s: ground truth from tests/tools/truth.py (see ../MANIFEST.md)\n" % name)
            f.write("# counts: %s\n" % " ".join("%s=%d" % (k, c[k]) for k in COUNT_KEYS))
            f.write("frame\tkind\tsrc\tdst\ttransport\twhat\tcseq\tcall_id\tnotes\n")
            for e in ev:
                f.write("\t".join(str(x) for x in e) + "\n")
        diff = compare(path, r, [])
        lines = fmt_diff(*diff)
        agrees = not diff[0] and not diff[1]
        if opts:
            d2 = compare(path, r, opts)
            lines.append("  - with `%s`: %s" % (" ".join(opts), "agrees" if not d2[0] and not d2[1]
                                                else "; ".join(fmt_diff(*d2)).replace("  - ", "")))
        summary.append("| [%s](#%s) | %s | %s | %s | %d | %d | %d | %d | %d | %d | %s | %s |" % (
            name, anchor(name), origin, r.fmt, r.linktype, c["sip"], c["malformed"],
            c["keepalives"], c["icmp_errors"], c["ip_reassembled"], c["tcp_reassembled"],
            ", ".join("%s %d" % (k, c[k]) for k in ALSO if c[k]),
            "yes" if agrees else "no, see notes"))
        s = ["### %s" % name, "",
             "- made: **%s**. %s" % (origin, how),
             "- format: %s; link type: %s; %d frames%s; %d bytes" % (
                 r.fmt, r.linktype, r.frames,
                 " (file cut in the middle of the next record)" if r.file_truncated else "",
                 os.path.getsize(path)),
             "- counts: " + ", ".join("%s %d" % (k, c[k]) for k in COUNT_KEYS if c[k]),
             "- truth file: [truth/%s.tsv](truth/%s.tsv)" % (name, name), ""]
        s += ["| frame | kind | src -> dst | tp | method/status | CSeq | Call-ID | notes |",
              "|---:|---|---|---|---|---|---|---|"]
        for e in ev:
            f, kind, src, dst, tp, what, cseq, cid, notes = e
            sd = "%s -> %s" % (src, dst) if src else ""
            s.append("| %d | %s | %s | %s | %s | %s | %s | %s |" % (
                f, kind, sd, tp, what, cseq, cid, notes.replace("|", "\\|")))
        s.append("")
        s.append("tshark (`-Y sip`): %s" % ("agrees with the SIP list." if agrees
                                              else "differs:"))
        s += lines
        tc = truth.tshark_counts(path)
        mine = {"icmp_errors": c["icmp_errors"], "dns": c["dns"],
                "ip_fragments": c["ip_fragments"], "tls_records": c["tls_records"],
                "stun": sum(1 for k in r.keepalives if k[1].startswith("stun"))}
        checks = ["%s %d%s" % (k, mine[k], "" if mine[k] == tc[k] else
                                " (**tshark: %d**)" % tc[k]) for k in sorted(mine)]
        s.append("")
        s.append("Other counts against tshark (%s): %s." % (
            "all equal" if all(mine[k] == tc[k] for k in mine) else "differ",
            ", ".join(checks)))
        if note:
            s += ["", "Why: " + note]
        s.append("")
        sections.append("\n".join(s))
    head = HEADER % ver
    with open(os.path.join(d, "MANIFEST.md"), "w") as f:
        f.write(head)
        f.write("| file | made | format | link | SIP | malformed | keepalives | ICMP | "
                "IP reasm | TCP reasm | also | tshark agrees |\n")
        f.write("|---|---|---|---|---:|---:|---:|---:|---:|---:|---|---|\n")
        f.write("\n".join(summary) + "\n\n")
        f.write(DEFINITIONS)
        f.write("\n## Files\n\n")
        f.write("\n".join(sections))
    print("manifest: %d files" % len(summary))


def anchor(name):
    return "".join(ch for ch in name.lower() if ch.isalnum() or ch in "-_ ").replace(" ", "-")


HEADER = """# Decode corpus: ground truth

Captures for the end-to-end decode tests. Regenerate everything (root needed:
network namespaces, veth, tun, tcpdump) with

    sudo tests/tools/make-decode-pcaps.sh           # all scenarios, then this file
    sudo tests/tools/make-decode-pcaps.sh manifest  # only re-derive truth + this file

**real** = traffic that went through the Linux network stack between two network
namespaces (swgen-p-PID, the phone, 192.168.77.10 / fd00:77::10; swgen-s-PID, the
registrar, 192.168.77.1 / fd00:77::1) joined by a veth pair, captured by tcpdump.
Peers: Kamailio 5.6 (registrar with digest auth), or the small Python peers in
tests/tools/sipgen.py where Kamailio cannot play the part (said per file).
**synthetic** = real captured packets rewrapped, reordered or cut by
tests/tools/rewrap.py. Identifiers (Call-ID, tags, branches, ports) are fixed, so a
regenerated corpus has the same lists; timestamps, Kamailio nonces and TLS bytes differ.

The lists below and in truth/*.tsv are written by tests/tools/truth.py, an
independent decoder (see its header), and each SIP list is compared with
%s, as `tshark -r F -Y sip -T fields -e frame.number -e sip.Method
-e sip.Status-Code -e sip.CSeq -e sip.Call-ID`; every difference is listed with its reason.

## Summary

"""

DEFINITIONS = """## Definitions

- **frame**: 1-based index of the packet record (pcap record, pcapng EPB/SPB; other
  pcapng blocks are not frames). For a message it is the frame that **completes** it:
  the last IP fragment to arrive, or the TCP segment that supplies its last missing
  byte (for out-of-order TCP, the segment that fills the gap).
- **sip**: a complete, well-formed SIP message: valid start line, CRLFCRLF, Via, From,
  To, Call-ID and CSeq present, and (on UDP) at least Content-Length body bytes.
- **malformed**: starts like SIP (`METHOD sip:` or `SIP/2.0 NNN`) but fails the above.
- **non_sip_on_sip_port**: UDP payload to/from 5060 that neither looks like SIP nor is a
  keepalive or STUN.
- **keepalives**: CRLFCRLF ping and CRLF pong (UDP datagrams or between messages in a
  TCP stream, RFC 5626 3.5.1), STUN Binding request/response (RFC 5389).
- **ip_fragments**: fragment frames seen; **ip_reassembled**: datagrams completed;
  **ip_frag_duplicates**: fragments seen twice; **ip_frag_incomplete**: datagrams never
  completed. **tcp_reassembled**: SIP messages whose bytes came in more than one segment;
  **tcp_retrans**: segments whose bytes had all been seen; **tcp_out_of_order**: segments
  held until a gap was filled. **tls_streams**: TCP directions carrying TLS records
  (so one connection = 2); **tls_records**: TLS records in them (handshake included).
- **truncated_frames**: frames with caplen < length; **truncated_sip**: SIP messages cut
  by the snap length (start line known, the rest not).
- In a `src -> dst` the port is the transport port; IPv6 addresses are in brackets.
"""
