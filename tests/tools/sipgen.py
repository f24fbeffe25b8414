#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""sipgen: the endpoints that make the real traffic of the decode corpus.

Run inside the swgen-* network namespaces by make-decode-pcaps.sh; every
command is bounded (socket timeouts, fixed counts) and exits by itself.
Standard library only.  Identifiers (Call-ID, tags, branches, ports) are
fixed so that a regenerated capture has the same ground truth.

  phone SCENARIO ...   the phone side: register, bigudp, ipv6, tcp, keepalive,
                       malformed, icmp, dns, tls
  uas ADDR PORT SECS   a small UDP SIP peer: REGISTER 401/200, OPTIONS 200,
                       INVITE 486, CRLFCRLF ping -> CRLF pong, STUN binding
  dns ADDR SECS        a tiny DNS responder for sipwatch.test (A/AAAA/SRV,
                       NXDOMAIN for anything else)
  tunrelay A B SECS    ties the tun devices swgen-tun in namespaces A and B
                       into a point-to-point link (RFC-less "VPN")
"""

import argparse
import ctypes
import fcntl
import hashlib
import os
import select
import socket
import struct
import sys
import time

DOMAIN = "sipwatch.test"
USER = "1001"
PASSWORD = "secret"
UA = "sipwatch-corpus-phone/1.0"
LOG = []   # what the phone sent and got, printed at the end (for the manifest)


def log(direction, msg):
    first = msg.split(b"\r\n", 1)[0].decode("latin-1")
    if msg in (b"\r\n", b"\r\n\r\n") or not (first.isascii() and first.isprintable()):
        first = "(%d bytes: %s)" % (len(msg), msg[:24].hex())
    LOG.append("%s %s" % (direction, first))


# ------------------------------------------------------------------ SIP text

def hdr(msg, name):
    """First value of header `name` (or its compact form) in a SIP message."""
    compact = {"call-id": "i", "via": "v", "from": "f", "to": "t", "contact": "m",
               "content-length": "l"}
    names = {name.lower(), compact.get(name.lower(), "")}
    for line in msg.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        if b":" in line:
            n, v = line.split(b":", 1)
            if n.strip().lower().decode("latin-1") in names:
                return v.strip().decode("latin-1")
    return None


def host_uri(ip):
    return "[%s]" % ip if ":" in ip else ip


def build_request(method, ruri, local, proto, call_id, cseq, branch, from_tag,
                  to_tag=None, extra=(), body=b"", ctype="application/sdp", to_user=None):
    lip, lport = local
    to_user = to_user or USER
    lines = [
        "%s %s SIP/2.0" % (method, ruri),
        "Via: SIP/2.0/%s %s:%d;branch=%s;rport" % (proto, host_uri(lip), lport, branch),
        "Max-Forwards: 70",
        "From: <sip:%s@%s>;tag=%s" % (USER, DOMAIN, from_tag),
        "To: <sip:%s@%s>%s" % (to_user, DOMAIN, ";tag=" + to_tag if to_tag else ""),
        "Call-ID: %s" % call_id,
        "CSeq: %d %s" % (cseq, method),
        "Contact: <sip:%s@%s:%d;transport=%s>" % (USER, host_uri(lip), lport, proto.lower()),
        "User-Agent: %s" % UA,
    ]
    lines += list(extra)
    if body:
        lines.append("Content-Type: %s" % ctype)
    lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def digest_auth(challenge, method, uri, header="Authorization"):
    """RFC 2617 / RFC 3261 22.4 digest response (MD5, with or without qop=auth)."""
    params = {}
    for part in challenge.split(" ", 1)[1].split(","):
        if "=" in part:
            k, v = part.strip().split("=", 1)
            params[k.strip()] = v.strip().strip('"')
    realm, nonce = params["realm"], params["nonce"]
    md5 = lambda s: hashlib.md5(s.encode()).hexdigest()
    ha1 = md5("%s:%s:%s" % (USER, realm, PASSWORD))
    ha2 = md5("%s:%s" % (method, uri))
    if "auth" in params.get("qop", "").split(","):
        nc, cnonce = "00000001", "0a4f113b"
        resp = md5("%s:%s:%s:%s:auth:%s" % (ha1, nonce, nc, cnonce, ha2))
        return ('%s: Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", '
                'algorithm=MD5, qop=auth, nc=%s, cnonce="%s"'
                % (header, USER, realm, nonce, uri, resp, nc, cnonce))
    resp = md5("%s:%s:%s" % (ha1, nonce, ha2))
    return ('%s: Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", '
            'algorithm=MD5' % (header, USER, realm, nonce, uri, resp))


def big_sdp(ip, size):
    """An SDP offer padded with real-looking ICE candidates to about `size` bytes."""
    fam = "IP6" if ":" in ip else "IP4"
    lines = ["v=0", "o=- 1700000000 1700000000 IN %s %s" % (fam, ip), "s=sipwatch corpus",
             "c=IN %s %s" % (fam, ip), "t=0 0",
             "m=audio 40000 RTP/AVP 0 8 9 18 101",
             "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", "a=rtpmap:9 G722/8000",
             "a=rtpmap:18 G729/8000", "a=fmtp:18 annexb=no", "a=rtpmap:101 telephone-event/8000",
             "a=fmtp:101 0-16", "a=ptime:20", "a=sendrecv",
             "a=ice-ufrag:sw0corpus", "a=ice-pwd:sipwatchcorpuspassword0000"]
    n = 1
    while len("\r\n".join(lines)) < size:
        lines.append("a=candidate:%d 1 UDP %d %s %d typ host generation 0"
                     % (n, 2130706431 - n, ip, 40000 + 2 * n))
        n += 1
    return ("\r\n".join(lines) + "\r\n").encode()


# ------------------------------------------------------------------ UDP phone

class UdpPhone:
    def __init__(self, local, server, tag):
        self.local, self.server, self.tag = local, server, tag
        fam = socket.AF_INET6 if ":" in local[0] else socket.AF_INET
        self.s = socket.socket(fam, socket.SOCK_DGRAM)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.s.bind(local)
        self.s.settimeout(2.0)
        self.n = 0

    def send(self, data, dst=None):
        log(">", data)
        self.s.sendto(data, dst or self.server)

    def recv(self, timeout=2.0):
        self.s.settimeout(timeout)
        try:
            data, _ = self.s.recvfrom(65535)
        except (socket.timeout, ConnectionRefusedError):
            return None
        log("<", data)
        return data

    def ids(self, what):
        self.n += 1
        return "%s-%s" % (self.tag, what), "z9hG4bK-%s-%d" % (self.tag, self.n)

    def register(self, extra=(), cseq=1, expires=3600):
        call_id = "reg-%s@%s" % (self.tag, DOMAIN)
        ruri = "sip:%s" % DOMAIN
        ext = ["Expires: %d" % expires, "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER"]
        ext += list(extra)
        _, br = self.ids("reg")
        self.send(build_request("REGISTER", ruri, self.local, "UDP", call_id, cseq, br,
                                "ft-" + self.tag, extra=ext))
        r = self.recv()
        if r and r.startswith(b"SIP/2.0 401"):
            auth = digest_auth(hdr(r, "WWW-Authenticate"), "REGISTER", ruri)
            _, br = self.ids("reg")
            self.send(build_request("REGISTER", ruri, self.local, "UDP", call_id, cseq + 1, br,
                                    "ft-" + self.tag, extra=ext + [auth]))
            r = self.recv()
        return r

    def options(self, cseq=1, call_id=None):
        call_id = call_id or "opt-%s-%d@%s" % (self.tag, cseq, DOMAIN)
        _, br = self.ids("opt")
        self.send(build_request("OPTIONS", "sip:%s" % DOMAIN, self.local, "UDP", call_id, cseq,
                                br, "fo-" + self.tag))
        return self.recv()

    def invite(self, sdp_size, to_user="2002", cseq=1):
        call_id = "inv-%s@%s" % (self.tag, DOMAIN)
        ruri = "sip:%s@%s" % (to_user, DOMAIN)
        _, br = self.ids("inv")
        body = big_sdp(self.local[0], sdp_size)
        req = build_request("INVITE", ruri, self.local, "UDP", call_id, cseq, br, "fi-" + self.tag,
                            to_user=to_user, body=body,
                            extra=["Allow: INVITE, ACK, CANCEL, BYE, OPTIONS"])
        self.send(req)
        r = self.recv()
        while r and r.startswith(b"SIP/2.0 1"):
            r = self.recv()
        if r:   # ACK for the final non-2xx response: same branch, To tag from the response
            to = hdr(r, "To")
            to_tag = to.split("tag=", 1)[1].split(";")[0] if "tag=" in to else None
            lip, lport = self.local
            ack = ("ACK %s SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=%s;rport\r\n"
                   "Max-Forwards: 70\r\nFrom: <sip:%s@%s>;tag=fi-%s\r\nTo: <sip:%s@%s>%s\r\n"
                   "Call-ID: %s\r\nCSeq: %d ACK\r\nContent-Length: 0\r\n\r\n"
                   % (ruri, host_uri(lip), lport, br, USER, DOMAIN, self.tag, to_user, DOMAIN,
                      ";tag=" + to_tag if to_tag else "", call_id, cseq)).encode()
            self.send(ack)
        return r


# ------------------------------------------------------------------ scenarios

def sc_register(a):
    p = UdpPhone((a.local, 5060), (a.server, 5060), a.tag)
    p.register()


def sc_bigudp(a):
    """REGISTER with a large header and an INVITE with a large SDP, both > MTU."""
    p = UdpPhone((a.local, 5060), (a.server, 5060), a.tag)
    big = ["X-Sipwatch-Padding: " + "-".join("pad%04d" % i for i in range(110)),
           "Supported: path, outbound, gruu, replaces, timer, norefersub, 100rel, histinfo"]
    p.register(extra=big)
    time.sleep(0.2)
    p.invite(a.sdp)


def sc_ipv6(a):
    p = UdpPhone((a.local, 5060), (a.server, 5060), a.tag)
    p.register()
    time.sleep(0.2)
    p.options(cseq=1)
    time.sleep(0.2)
    p.invite(a.sdp)   # > 1280 bytes: fragmented by the sending host (RFC 8200 section 4.5)


def sc_keepalive(a):
    p = UdpPhone((a.local, 5060), (a.server, 5060), a.tag)
    p.register(expires=120)
    for i in range(2):                       # RFC 5626 3.5.1 style CRLF keepalives
        time.sleep(0.3)
        p.send(b"\r\n\r\n")
        p.recv(1.0)
    time.sleep(0.3)                          # RFC 5389 Binding request, classic STUN keepalive
    txid = b"sipwatchSTUN"
    p.send(struct.pack(">HHI", 0x0001, 0, 0x2112A442) + txid)
    p.recv(1.0)
    time.sleep(0.3)
    p.send(b"\r\n\r\n")
    p.recv(1.0)
    time.sleep(0.3)
    p.register(cseq=3, expires=120)          # refresh: 401 then 200 again


def sc_malformed(a):
    p = UdpPhone((a.local, 5060), (a.server, 5060), a.tag)
    lip = a.local
    p.options(cseq=1)                                                  # good
    time.sleep(0.1)
    # (a) REGISTER without Call-ID
    m = build_request("REGISTER", "sip:" + DOMAIN, (lip, 5060), "UDP", "x", 1, "z9hG4bK-mal-a",
                      "fa-" + a.tag, extra=["Expires: 60"])
    m = b"\r\n".join(l for l in m.split(b"\r\n") if not l.startswith(b"Call-ID:"))
    p.send(m)
    time.sleep(0.1)
    # (b) a start line with no CRLF at all, followed by binary garbage
    p.send(b"REGISTER sip:x SIP/2.0" + bytes(range(0x80, 0xC0)) + b"\x00\x01garbage")
    time.sleep(0.1)
    # (c) Content-Length larger than the body (RFC 3261 18.3: discard on UDP)
    m = build_request("OPTIONS", "sip:" + DOMAIN, (lip, 5060), "UDP",
                      "mal-c-%s@%s" % (a.tag, DOMAIN), 1, "z9hG4bK-mal-c", "fc-" + a.tag,
                      body=b"v=0\r\no=- 1 1 IN IP4 %s\r\n" % lip.encode())
    body_len = len(m.split(b"\r\n\r\n", 1)[1])
    m = m.replace(b"Content-Length: %d" % body_len, b"Content-Length: 500")
    assert b"Content-Length: 500" in m
    p.send(m)
    time.sleep(0.1)
    # (d) random bytes (fixed, so regeneration is stable)
    rnd = bytes((i * 73 + 41) % 251 for i in range(96))
    p.send(rnd)
    time.sleep(0.1)
    # (e) terminal escape sequences in User-Agent: clear screen and set title
    m = build_request("OPTIONS", "sip:" + DOMAIN, (lip, 5060), "UDP",
                      "mal-e-%s@%s" % (a.tag, DOMAIN), 1, "z9hG4bK-mal-e", "fe-" + a.tag)
    m = m.replace(("User-Agent: " + UA).encode(),
                  b"User-Agent: evil\x1b[2J\x1b]0;pwned\x07phone/1.0")
    p.send(m)
    p.recv(1.0)
    time.sleep(0.1)
    p.options(cseq=2)                                                  # good again


def sc_icmp(a):
    """REGISTER to a port where nothing listens, with RFC 3261 timer A retransmissions."""
    p = UdpPhone((a.local, 5060), (a.server, a.port), a.tag)
    call_id = "reg-%s@%s" % (a.tag, DOMAIN)
    _, br = p.ids("reg")
    req = build_request("REGISTER", "sip:" + DOMAIN, p.local, "UDP", call_id, 1, br,
                        "ft-" + a.tag, extra=["Expires: 3600"])
    for t in (0.5, 1.0, 0.2):
        p.send(req)
        p.recv(t)


def sc_tcp(a):
    """(a) two messages in one segment, (b) one message over several segments,
    (c) CRLFCRLF ping / CRLF pong between messages.  The peer is Kamailio."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.bind((a.local, 40123))
    s.settimeout(3.0)
    s.connect((a.server, 5060))
    local = (a.local, 40123)
    buf = b""

    def read_msgs(n):
        nonlocal buf
        out = []
        deadline = time.time() + 3
        while len(out) < n and time.time() < deadline:
            while True:
                if buf.startswith(b"\r\n") and not buf.startswith(b"\r\n\r\n") \
                        and b"\r\n\r\n" not in buf[:4]:
                    out.append(b"\r\n")
                    log("<", b"(CRLF pong)")
                    buf = buf[2:]
                    continue
                if b"\r\n\r\n" in buf:
                    head, rest = buf.split(b"\r\n\r\n", 1)
                    cl = int(hdr(head + b"\r\n\r\n", "Content-Length") or 0)
                    if len(rest) >= cl:
                        m = head + b"\r\n\r\n" + rest[:cl]
                        buf = rest[cl:]
                        log("<", m)
                        out.append(m)
                        continue
                break
            if len(out) >= n:
                break
            try:
                chunk = s.recv(65535)
            except socket.timeout:
                break
            if not chunk:
                break
            buf += chunk
        return out

    ruri = "sip:" + DOMAIN
    call_id = "reg-%s@%s" % (a.tag, DOMAIN)
    ext = ["Expires: 3600"]
    r1 = build_request("REGISTER", ruri, local, "TCP", call_id, 1, "z9hG4bK-%s-1" % a.tag,
                       "ft-" + a.tag, extra=ext)
    log(">", r1)
    s.sendall(r1)
    resp = read_msgs(1)
    auth = digest_auth(hdr(resp[0], "WWW-Authenticate"), "REGISTER", ruri)
    r2 = build_request("REGISTER", ruri, local, "TCP", call_id, 2, "z9hG4bK-%s-2" % a.tag,
                       "ft-" + a.tag, extra=ext + [auth])
    o1 = build_request("OPTIONS", ruri, local, "TCP", "opt-%s-1@%s" % (a.tag, DOMAIN), 1,
                       "z9hG4bK-%s-3" % a.tag, "fo-" + a.tag)
    # (a) REGISTER + OPTIONS coalesced into one write -> one segment
    log(">", r2)
    log(">", o1)
    s.sendall(r2 + o1)
    read_msgs(2)
    time.sleep(0.2)
    # (c) keepalive ping, Kamailio answers CRLF (tcp_crlf_ping)
    log(">", b"(CRLFCRLF ping)")
    s.sendall(b"\r\n\r\n")
    read_msgs(1)
    time.sleep(0.2)
    # (b) one OPTIONS written in four pieces
    o2 = build_request("OPTIONS", ruri, local, "TCP", "opt-%s-2@%s" % (a.tag, DOMAIN), 2,
                       "z9hG4bK-%s-4" % a.tag, "fo-" + a.tag, body=b"x" * 0)
    log(">", o2)
    cuts = [0, 9, len(o2) // 3, 2 * len(o2) // 3, len(o2)]
    for i in range(4):
        s.sendall(o2[cuts[i]:cuts[i + 1]])
        time.sleep(0.15)
    read_msgs(1)
    time.sleep(0.2)
    # (c) another ping, then an OPTIONS whose last bytes ride with the next ping
    log(">", b"(CRLFCRLF ping)")
    s.sendall(b"\r\n\r\n")
    read_msgs(1)
    time.sleep(0.2)
    o3 = build_request("OPTIONS", ruri, local, "TCP", "opt-%s-3@%s" % (a.tag, DOMAIN), 3,
                       "z9hG4bK-%s-5" % a.tag, "fo-" + a.tag)
    log(">", o3)
    s.sendall(o3[:-10])
    time.sleep(0.15)
    log(">", b"(CRLFCRLF ping)")
    s.sendall(o3[-10:] + b"\r\n\r\n")
    read_msgs(2)
    time.sleep(0.2)
    s.close()


def sc_dns(a):
    """Resolve the registrar (NXDOMAIN for a typo first, then SRV, A), then register."""
    q = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    q.bind((a.local, 35353))
    q.settimeout(2.0)

    def query(qid, name, qtype):
        pkt = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
        for label in name.split("."):
            pkt += bytes([len(label)]) + label.encode()
        pkt += b"\0" + struct.pack(">HH", qtype, 1)
        q.sendto(pkt, (a.dns, 53))
        LOG.append("> DNS %s %d" % (name, qtype))
        try:
            r, _ = q.recvfrom(4096)
        except socket.timeout:
            return None
        LOG.append("< DNS rcode=%d ancount=%d" % (r[3] & 15, struct.unpack(">H", r[6:8])[0]))
        return r

    query(0x5701, "registar." + DOMAIN, 1)            # typo: NXDOMAIN
    query(0x5702, "_sip._udp." + DOMAIN, 33)          # SRV
    r = query(0x5703, "registrar." + DOMAIN, 1)       # A
    ip = socket.inet_ntoa(r[-4:]) if r else a.server
    q.close()
    p = UdpPhone((a.local, 5060), (ip, 5060), a.tag)
    p.register()


def sc_tls(a):
    """A TLS connection to 5061 carrying a REGISTER, next to a plain UDP REGISTER."""
    import ssl
    p = UdpPhone((a.local, 5060), (a.server, 5060), a.tag)
    p.register()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection((a.server, 5061), timeout=3, source_address=(a.local, 40561))
    t = ctx.wrap_socket(raw, server_hostname="registrar." + DOMAIN)
    local = (a.local, 40561)
    req = build_request("REGISTER", "sip:" + DOMAIN, local, "TLS", "reg-%s-tls@%s" % (a.tag, DOMAIN),
                        1, "z9hG4bK-%s-tls" % a.tag, "ft-tls-" + a.tag, extra=["Expires: 3600"])
    LOG.append("> (TLS) " + req.split(b"\r\n", 1)[0].decode())
    t.sendall(req)
    t.settimeout(3)
    try:
        got = t.recv(65535)
        LOG.append("< (TLS) %d bytes" % len(got))
    except (socket.timeout, ssl.SSLError):
        pass
    try:
        t.unwrap()
    except (OSError, ssl.SSLError):
        pass
    t.close()
    time.sleep(0.2)
    p.options(cseq=1)


SCENARIOS = {"register": sc_register, "bigudp": sc_bigudp, "ipv6": sc_ipv6, "tcp": sc_tcp,
             "keepalive": sc_keepalive, "malformed": sc_malformed, "icmp": sc_icmp,
             "dns": sc_dns, "tls": sc_tls}


# ------------------------------------------------------------------ peers

def cmd_uas(a):
    """UDP SIP peer.  Answers only what it can parse; ignores the rest."""
    fam = socket.AF_INET6 if ":" in a.addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.addr, a.port))
    end = time.time() + a.secs
    while time.time() < end:
        r, _, _ = select.select([s], [], [], 0.2)
        if not r:
            continue
        data, peer = s.recvfrom(65535)
        if data == b"\r\n\r\n":
            s.sendto(b"\r\n", peer)
            continue
        if len(data) >= 20 and data[4:8] == b"\x21\x12\xa4\x42" and data[:2] == b"\x00\x01":
            ip = socket.inet_pton(fam, peer[0])
            cookie = 0x2112A442
            port = peer[1] ^ (cookie >> 16)
            if fam == socket.AF_INET:
                xip = struct.pack(">I", struct.unpack(">I", ip)[0] ^ cookie)
                val = struct.pack(">BBH", 0, 1, port) + xip
            else:
                mask = struct.pack(">I", cookie) + data[8:20]
                xip = bytes(x ^ y for x, y in zip(ip, mask))
                val = struct.pack(">BBH", 0, 2, port) + xip
            attr = struct.pack(">HH", 0x0020, len(val)) + val
            s.sendto(struct.pack(">HH", 0x0101, len(attr)) + data[4:20] + attr, peer)
            continue
        try:
            first = data.split(b"\r\n", 1)[0].decode()
            method, ruri, ver = first.split(" ")
        except ValueError:
            continue
        if ver != "SIP/2.0" or b"\r\n\r\n" not in data:
            continue
        need = [hdr(data, h) for h in ("Via", "From", "To", "Call-ID", "CSeq")]
        if None in need:
            continue
        cl = hdr(data, "Content-Length")
        if cl is not None and int(cl) > len(data.split(b"\r\n\r\n", 1)[1]):
            continue                                   # RFC 3261 18.3
        if method == "ACK":
            continue
        via, frm, to, cid, cseq = need
        via += ";received=%s" % peer[0] if "received=" not in via else ""
        via = via.replace(";rport", ";rport=%d" % peer[1], 1)
        if "tag=" not in to:
            to += ";tag=uas-%s" % hashlib.md5(cid.encode()).hexdigest()[:8]
        extra = []
        if method == "REGISTER":
            if hdr(data, "Authorization") is None:
                code, reason = 401, "Unauthorized"
                extra.append('WWW-Authenticate: Digest realm="%s", nonce="c2lwd2F0Y2gtY29ycHVz", '
                             'algorithm=MD5' % DOMAIN)
            else:
                code, reason = 200, "OK"
                extra.append("%s;expires=%s" % ("Contact: " + hdr(data, "Contact"),
                                                hdr(data, "Expires") or "3600"))
        elif method == "OPTIONS":
            code, reason = 200, "OK"
        elif method == "INVITE":
            code, reason = 486, "Busy Here"
        else:
            code, reason = 405, "Method Not Allowed"
        resp = ["SIP/2.0 %d %s" % (code, reason), "Via: " + via, "From: " + frm, "To: " + to,
                "Call-ID: " + cid, "CSeq: " + cseq] + extra + \
            ["Server: sipwatch-corpus-uas/1.0", "Content-Length: 0"]
        s.sendto(("\r\n".join(resp) + "\r\n\r\n").encode(), peer)


def cmd_dns(a):
    """Authoritative answers for sipwatch.test; NXDOMAIN for other names."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a.addr, 53))
    table = {("registrar." + DOMAIN, 1): socket.inet_aton(a.answer),
             ("registrar." + DOMAIN, 28): socket.inet_pton(socket.AF_INET6, "fd00:77::1"),
             ("_sip._udp." + DOMAIN, 33): None}
    end = time.time() + a.secs
    while time.time() < end:
        r, _, _ = select.select([s], [], [], 0.2)
        if not r:
            continue
        q, peer = s.recvfrom(4096)
        if len(q) < 17:
            continue
        qid, flags = struct.unpack(">HH", q[:4])
        off, labels = 12, []
        while off < len(q) and q[off]:
            labels.append(q[off + 1:off + 1 + q[off]].decode("latin-1"))
            off += 1 + q[off]
        qtype = struct.unpack(">H", q[off + 1:off + 3])[0]
        question = q[12:off + 5]
        name = ".".join(labels).lower()
        ans = b""
        n = 0
        if (name, qtype) in table:
            if qtype == 33:
                target = b"".join(bytes([len(x)]) + x.encode()
                                  for x in ("registrar", "sipwatch", "test")) + b"\0"
                rdata = struct.pack(">HHH", 10, 60, 5060) + target
            else:
                rdata = table[(name, qtype)]
            ans = b"\xc0\x0c" + struct.pack(">HHIH", qtype, 1, 300, len(rdata)) + rdata
            n = 1
        known = any(k[0] == name for k in table)
        rcode = 0 if known else 3
        resp = struct.pack(">HHHHHH", qid, 0x8400 | 0x0100 | rcode, 1, n, 0, 0) + question + ans
        s.sendto(resp, peer)


TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
CLONE_NEWNET = 0x40000000


def open_tun_in(ns, name):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns " + ns)
    os.close(fd)
    t = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(t, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return t


def cmd_tunrelay(a):
    """Copy IP packets between the tun devices of two namespaces, for a.secs."""
    ta = open_tun_in(a.ns_a, a.dev)
    tb = open_tun_in(a.ns_b, a.dev)
    print("tunrelay ready", flush=True)
    end = time.time() + a.secs
    while time.time() < end:
        r, _, _ = select.select([ta, tb], [], [], 0.2)
        for fd in r:
            pkt = os.read(fd, 65535)
            try:
                os.write(tb if fd == ta else ta, pkt)
            except OSError:      # the other end is not up yet: drop, like a real link
                pass


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    ph = sub.add_parser("phone")
    ph.add_argument("scenario", choices=sorted(SCENARIOS))
    ph.add_argument("--local", required=True)
    ph.add_argument("--server", required=True)
    ph.add_argument("--tag", required=True)
    ph.add_argument("--port", type=int, default=5060)
    ph.add_argument("--sdp", type=int, default=2000)
    ph.add_argument("--dns", default=None)
    ua = sub.add_parser("uas")
    ua.add_argument("addr")
    ua.add_argument("port", type=int)
    ua.add_argument("secs", type=float)
    dn = sub.add_parser("dns")
    dn.add_argument("addr")
    dn.add_argument("answer")
    dn.add_argument("secs", type=float)
    tr = sub.add_parser("tunrelay")
    tr.add_argument("ns_a")
    tr.add_argument("ns_b")
    tr.add_argument("dev")
    tr.add_argument("secs", type=float)
    a = ap.parse_args()
    if a.cmd == "phone":
        try:
            SCENARIOS[a.scenario](a)
        finally:
            print("\n".join(LOG))
    elif a.cmd == "uas":
        cmd_uas(a)
    elif a.cmd == "dns":
        cmd_dns(a)
    elif a.cmd == "tunrelay":
        cmd_tunrelay(a)


if __name__ == "__main__":
    sys.exit(main())
