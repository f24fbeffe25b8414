# SPDX-License-Identifier: BSD-2-Clause
"""heplib: HEP v2/v3 packets for sipwatch's tests (Python 3 stdlib only).

An implementation independent of sipwatch's C code, written from the HEP3
specification: "HEP3", a 16-bit total length, chunks of (vendor, type,
length incl. the 6-byte chunk header, value), all big-endian. Used to check
what `sipwatch -H` sends (chunk by chunk) and to feed `sipwatch -L` well
formed and malformed packets.
"""

import socket
import struct
import threading
import time

# generic chunk types (vendor 0)
FAMILY, PROTO, IP4_SRC, IP4_DST, IP6_SRC, IP6_DST, SPORT, DPORT = 1, 2, 3, 4, 5, 6, 7, 8
TS_SEC, TS_USEC, PROTO_TYPE, CAPTURE_ID, KEEPALIVE, AUTH_KEY, PAYLOAD = 9, 10, 11, 12, 13, 14, 15
COMPRESSED, CORRELATION = 16, 17
PT_SIP, PT_LOG = 1, 100


def chunk(ctype, value, vendor=0, length=None):
    """One chunk; `length` overrides the length field (to build bad ones)."""
    n = len(value) + 6 if length is None else length
    return struct.pack("!HHH", vendor, ctype, n) + value


def v3(chunks, total=None):
    body = b"".join(chunks)
    n = len(body) + 6 if total is None else total
    return b"HEP3" + struct.pack("!H", n) + body


def sip_chunks(payload, src="192.0.2.1", sport=5060, dst="192.0.2.2", dport=5060,
               ts=1700000000.25, capture_id=2001, proto=17, ptype=PT_SIP, auth=None,
               correlation=None):
    """The chunks of one SIP (or log) packet, in the order agents write them."""
    fam6 = ":" in src
    af = socket.AF_INET6 if fam6 else socket.AF_INET
    sec = int(ts)
    usec = int(round((ts - sec) * 1e6))
    c = [chunk(FAMILY, bytes([10 if fam6 else 2])), chunk(PROTO, bytes([proto])),
         chunk(IP6_SRC if fam6 else IP4_SRC, socket.inet_pton(af, src)),
         chunk(IP6_DST if fam6 else IP4_DST, socket.inet_pton(af, dst)),
         chunk(SPORT, struct.pack("!H", sport)), chunk(DPORT, struct.pack("!H", dport)),
         chunk(TS_SEC, struct.pack("!I", sec)), chunk(TS_USEC, struct.pack("!I", usec)),
         chunk(PROTO_TYPE, bytes([ptype])), chunk(CAPTURE_ID, struct.pack("!I", capture_id))]
    if auth is not None:
        c.append(chunk(AUTH_KEY, auth))
    if correlation is not None:
        c.append(chunk(CORRELATION, correlation))
    c.append(chunk(PAYLOAD, payload))
    return c


def v2(payload, src="192.0.2.1", sport=5060, dst="192.0.2.2", dport=5060, ts=1700000000.25,
       capture_id=7, proto=17):
    """HEP v2 as Kamailio's siptrace and sngrep write it: ports big-endian,
    time and capture id in the sender's (little-endian) order, padded."""
    sec = int(ts)
    usec = int(round((ts - sec) * 1e6))
    hdr = struct.pack("!BBBBHH", 2, 16, 2, proto, sport, dport)
    ips = socket.inet_aton(src) + socket.inet_aton(dst)
    return hdr + ips + struct.pack("<IIHxx", sec, usec, capture_id) + payload


class Decoded:
    def __init__(self):
        self.chunks = []      # (vendor, type, value) in order
        self.fields = {}

    def get(self, ctype):
        for v, t, val in self.chunks:
            if v == 0 and t == ctype:
                return val
        return None

    def u(self, ctype):
        val = self.get(ctype)
        if val is None:
            return None
        return int.from_bytes(val, "big")


def decode_v3(data):
    """Strict decoding: raises ValueError on anything off."""
    if data[:4] != b"HEP3":
        raise ValueError("not HEP3")
    total = struct.unpack("!H", data[4:6])[0]
    if total != len(data):
        raise ValueError(f"total length {total} != packet {len(data)}")
    d = Decoded()
    pos = 6
    while pos < total:
        if total - pos < 6:
            raise ValueError("truncated chunk header")
        vendor, ctype, n = struct.unpack("!HHH", data[pos:pos + 6])
        if n < 6 or pos + n > total:
            raise ValueError(f"bad chunk length {n} at {pos}")
        d.chunks.append((vendor, ctype, data[pos + 6:pos + n]))
        pos += n
    fam = d.u(FAMILY)
    af = socket.AF_INET6 if fam == 10 else socket.AF_INET
    s = d.get(IP6_SRC if fam == 10 else IP4_SRC)
    t = d.get(IP6_DST if fam == 10 else IP4_DST)
    d.fields = {
        "family": fam, "proto": d.u(PROTO),
        "src": socket.inet_ntop(af, s) if s else None,
        "dst": socket.inet_ntop(af, t) if t else None,
        "sport": d.u(SPORT), "dport": d.u(DPORT),
        "ts_sec": d.u(TS_SEC), "ts_usec": d.u(TS_USEC),
        "ptype": d.u(PROTO_TYPE), "capture_id": d.u(CAPTURE_ID),
        "auth": d.get(AUTH_KEY), "correlation": d.get(CORRELATION),
        "payload": d.get(PAYLOAD),
    }
    return d


class Collector:
    """A HEP receiver on loopback (UDP or TCP) that keeps every packet."""

    def __init__(self, tcp=False, host="127.0.0.1", accept=True):
        self.tcp = tcp
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.port = self.sock.getsockname()[1]
        self.packets = []
        self.conns = 0
        self._stop = False
        if tcp:
            self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.accepting = accept
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def spec(self):
        return f"{'tcp' if self.tcp else 'udp'}:127.0.0.1:{self.port}"

    def _run(self):
        while not self._stop:
            try:
                if not self.tcp:
                    data, _ = self.sock.recvfrom(70000)
                    self.packets.append(data)
                    continue
                if not self.accepting:
                    time.sleep(0.05)
                    continue
                c, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.conns += 1
            threading.Thread(target=self._read, args=(c,), daemon=True).start()

    def _read(self, c):
        buf = b""
        c.settimeout(0.2)
        while not self._stop:
            try:
                d = c.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                break
            if not d:
                break
            buf += d
            while len(buf) >= 6:
                n = struct.unpack("!H", buf[4:6])[0]
                if len(buf) < n:
                    break
                self.packets.append(buf[:n])
                buf = buf[n:]
        c.close()

    def wait(self, n, secs=10):
        end = time.time() + secs
        while len(self.packets) < n and time.time() < end:
            time.sleep(0.05)
        return len(self.packets) >= n

    def close(self):
        self._stop = True
        self.sock.close()
        self.thread.join(2)


def free_port(tcp=False):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p
