# SPDX-License-Identifier: BSD-2-Clause
"""A tiny SIP registrar and phone over UDP for the live TUI test.

  sipsim.py server ADDR PORT SECONDS      answer every REGISTER with 200 OK
  sipsim.py phone SRC SPORT DST DPORT N [USER]
                                          send N REGISTERs (CSeq 1..N) for USER
                                          (1001), each waiting up to 2 s for the
                                          answer
"""
import os
import socket
import sys
import time


def register(src, sport, dst, dport, cseq, user="1001"):
    return ("REGISTER sip:%s SIP/2.0\r\n"
            "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-swtui-%d-%d;rport\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:%s@swtui.test>;tag=swtui\r\n"
            "To: <sip:%s@swtui.test>\r\n"
            "Call-ID: swtui-live-%s@%s\r\n"
            "CSeq: %d REGISTER\r\n"
            "Contact: <sip:%s@%s:%d>\r\n"
            "Expires: 120\r\n"
            "User-Agent: swtui-phone/1.0\r\n"
            "Content-Length: 0\r\n\r\n" % (dst, src, sport, os.getpid(), cseq, user, user, user, src, cseq,
                                              user, src, sport)
            ).encode()


def answer(req, peer):
    lines = req.decode("utf-8", "replace").split("\r\n")
    keep = [l for l in lines[1:] if l.split(":", 1)[0].lower() in
            ("via", "from", "to", "call-id", "cseq", "contact")]
    out = ["SIP/2.0 200 OK"]
    for l in keep:
        if l.lower().startswith("via:"):
            l = l.replace(";rport", ";received=%s;rport=%d" % peer)
        elif l.lower().startswith("to:"):
            l += ";tag=srv"
        elif l.lower().startswith("contact:"):
            l += ";expires=120"
        out.append(l)
    out += ["Server: swtui-registrar/1.0", "Content-Length: 0", "", ""]
    return "\r\n".join(out).encode()


def server(addr, port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    s.settimeout(0.5)
    print("ready", flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            data, peer = s.recvfrom(65535)
        except socket.timeout:
            continue
        if data.startswith(b"REGISTER "):
            s.sendto(answer(data, peer), peer)


def phone(src, sport, dst, dport, n, user="1001"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, sport))
    s.settimeout(2)
    ok = 0
    for cseq in range(1, n + 1):
        s.sendto(register(src, sport, dst, dport, cseq, user), (dst, dport))
        try:
            data, _ = s.recvfrom(65535)
            ok += data.startswith(b"SIP/2.0 200")
        except socket.timeout:
            pass
    return 0 if ok == n else 1


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[:1] == ["server"]:
        server(a[1], int(a[2]), float(a[3]))
    elif a[:1] == ["phone"]:
        sys.exit(phone(a[1], int(a[2]), a[3], int(a[4]), int(a[5]), *a[6:7]))
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)
