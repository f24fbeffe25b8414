# SPDX-License-Identifier: BSD-2-Clause
"""pcaps/synth/MANIFEST.md from the scenarios (what each shows, how it was made,
its key frames) and the variant matrix (tests/e2e/matrix_synth.py: what it must
give), and the consistency check behind `scenarios.py check`."""
import datetime
import gzip
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
E2E = os.path.join(HERE, "..", "e2e")

HEAD = """# pcaps/synth: synthetic scenario captures with ground truth

Every capture here is SYNTHETIC: written by `tests/tools/scenarios.py` (scenarios in
`scenarios_def.py` and `scenarios_gaps.py`, SIP text in `synthsip.py`, packets in
`synthnet.py`, files through `pcaplib.py`; Python 3 standard library only), not
captured. They are the variants the lab (`pcaps/lab`, real Kamailio/SIPp in namespaces)
cannot make: hour-long timings, IPv6, TCP, server-side-only views, other server software
(Asterisk/pjsip, FreeSWITCH/sofia, OpenSIPS, a Huawei IMS core), other phones (Yealink,
Grandstream, Fanvil, snom, Linphone, an Asterisk PBX as trunk client), scale, and the
near misses that must stay silent. What each must give is in `tests/e2e/matrix_synth.py`
(the variant matrix, checked by `e2e_matrix`); the expectations follow the rules of
docs/findings.md, not what today's binary prints. Captures the binary does not yet agree
with are listed there as `PENDING` (documented below, not run).

Regenerate everything (captures and this file; byte-identical output, fixed seeds):

```
python3 tests/tools/scenarios.py write            # all captures + MANIFEST.md into pcaps/synth
python3 tests/tools/scenarios.py write /tmp/x NAME  # one scenario elsewhere
python3 tests/tools/scenarios.py check            # regenerate in memory, compare with the files,
                                                  # check every frame the matrix names is a key frame
python3 tests/tools/scenarios.py list             # every file's key frames (marks)
python3 tests/tools/scenarios.py scale DIR [--phones 20000]   # the big scale capture (not committed)
```

## How the generator writes traffic

- **SIP** as the named software writes it: header order, Via parameter order (pjsip rebuilds
  it as `rport=..;received=..;branch=..`), Call-ID/tag/branch shapes (Grandstream encodes its
  IP as letters in the Call-ID host), User-Agent/Server headers (FreeSWITCH puts
  `User-Agent` in answers, pjsip writes `Content-Length:  0`), real MD5 digest responses,
  nonce reuse with `nc` counting, stale nonces (`stale=true`) on refreshes, registrar
  binding lists (a 200 lists every live binding of the AOR with its remaining expiry).
- **Timers**: RFC 3261 timer E for non-INVITE over UDP (T1 0.5 s doubling to T2 4 s: 11
  copies at 0, 0.5, 1.5, 3.5, 7.5, 11.5 ... 31.5 s, timer F 32 s), timer A for INVITE (7
  copies to 31.5 s, timer B 32 s); no retransmission over TCP. A few ms of seeded jitter.
- **NAT**: the phone's side shows its private address; the server's side the public address
  and the NAT's port, with the SIP text exactly as the phone wrote it (unless the entry says
  an ALG rewrote it). TTLs drop by the hops between the capture points.
- **ICMP/ICMPv6 errors** quote the offending datagram as the originator saw it, as much as
  fits in 576 (IPv4, RFC 1812) or 1280 bytes (IPv6, RFC 4443); on the phone's side the
  quoted header is translated back as Linux conntrack does. Fragments: the sending host
  splits above the MTU (IPv4 without DF, IPv6 fragment header); the fragment that completes
  a datagram carries its mark. TCP has correct sequence/acknowledgement numbers, MSS/SACK/
  window-scale options on SYNs.
- Addresses are documentation ranges (192.0.2/24, 198.51.100/24, 203.0.113/24,
  2001:db8::/32; 198.18/15 for the scale phones), private RFC 1918 and CGNAT 100.64/10
  behind NATs; names under example.com/.net/.org/.cn. MACs carry the vendors' real OUIs.
- Link types: Ethernet unless stated; "SLL2"/"SLL" are server captures taken with
  `tcpdump -i any`. Classic pcap, microsecond stamps; gzip above 200 KB (`.pcap.gz`).
- Frame numbers are 1-based (as tshark); "key frames" are the generator's marks:
  `L.reg`/`L.401`/`L.auth`/`L.200` of a registration L, `X` and `X.last` for the first and
  last copy of an unanswered request, `X.q`/`X.r` for DNS, `X.req`/`X.resp` for one
  exchange.
"""


def _cases():
    sys.path.insert(0, os.path.abspath(E2E))
    import matrix_synth
    return matrix_synth.CASES


def _pending():
    """Cases whose expectation under docs/findings.md the binary does not meet yet
    (matrix_synth.PENDING): documented here, not run by test_matrix.py."""
    sys.path.insert(0, os.path.abspath(E2E))
    import matrix_synth
    return getattr(matrix_synth, "PENDING", [])


def _fmt_f(f):
    s = "%s%s %s" % (f.kind, "/" + f.cause if f.cause else "", f.severity)
    if f.suspected is not None:
        s += " (suspected)" if f.suspected else " (not suspected)"
    if f.frames:
        s += ", frames %s" % ", ".join(map(str, f.frames))
    if f.frames2:
        s += "; server file frames %s" % ", ".join(map(str, f.frames2))
    if f.facts:
        s += ", facts " + ", ".join("%s=%s" % kv for kv in f.facts.items())
    return s


def expectation(case):
    parts = []
    if case.expect:
        parts.append("; ".join(_fmt_f(f) for f in case.expect))
    else:
        parts.append("no warning or error")
    if case.near_miss_of:
        k, c = case.near_miss_of
        parts.append("near miss of %s%s" % (k, "/" + c if c else ""))
    if case.forbid:
        parts.append("forbidden: " + ", ".join(k + ("/" + c if c else "") for k, c in case.forbid))
    if case.allow:
        parts.append("allowed: " + ", ".join(k + ("/" + c if c else "") for k, c in case.allow))
    return "; ".join(parts)


RETX = re.compile(r"\.\d{1,2}(\.frag1)?$")   # copies 2..11 of a retransmitted request


def key_frames(marks, needed=(), cap=28):
    items = sorted(((n, m) for m, n in marks.items() if not RETX.search(m) or n in needed),
                   key=lambda x: x[0])
    if len(items) > cap:
        keep = [x for x in items[:cap]] + [x for x in items[cap:] if x[0] in needed]
        more = len(items) - len(keep)
        out = ", ".join("%d %s" % x for x in keep)
        return out + (", ... (%d more: `scenarios.py list`)" % more if more else "")
    return ", ".join("%d %s" % x for x in items)


def build(scs, render):
    cases = _cases()
    by_file = {}
    for c in cases:
        if c.synthetic and hasattr(c, "_label"):
            continue
        for f in c.files:
            by_file.setdefault(f.split("/", 1)[1], []).append(c)
    pending = {}
    for c in _pending():
        for f in c.files:
            pending.setdefault(f.split("/", 1)[1], []).append(c)
    rows, entries = [], []
    for name, sc in scs.items():
        out = render(sc)
        files = [out[v][0] for v in sc.views]
        mycases, mypending = [], []
        for fn in files:
            for c in by_file.get(fn, []):
                if c not in mycases:
                    mycases.append(c)
            for c in pending.get(fn, []):
                if c not in mypending:
                    mypending.append(c)
        needed = {}
        for c in mycases + mypending:
            for f in c.expect:
                for i, fn in enumerate(c.files):
                    fr = f.frames if i == 0 else f.frames2
                    needed.setdefault(fn.split("/", 1)[1], set()).update(fr)
        exp = " / ".join(expectation(c) for c in mycases) or "(not in the matrix)"
        kinds = "; ".join(
            ("near miss of %s: " % "/".join(x for x in c.near_miss_of if x)
             if c.near_miss_of else "") +
            (", ".join(f.kind + ("/" + f.cause if f.cause else "") + " " + f.severity
                       for f in c.expect) or "no warning or error")
            for c in mycases)
        if mypending:
            kinds = (kinds + "; " if kinds else "") + "; ".join(
                "pending (binary disagrees): " +
                (("near miss of %s: " % "/".join(x for x in c.near_miss_of if x))
                 if c.near_miss_of else "") +
                (", ".join(f.kind + ("/" + f.cause if f.cause else "") + " " + f.severity
                           for f in c.expect) or "no warning or error")
                for c in mypending)
        kf = "; ".join("%s: %s" % (v, ", ".join(
            "%d %s" % (n, m) for m, n in sorted(out[v][2].items(), key=lambda x: x[1])
            if n in needed.get(out[v][0], ()))) for v in sc.views
            if needed.get(out[v][0]))
        rows.append("| %s | %s | %s |" % (" + ".join(files), kinds, kf or "-"))
        start = datetime.datetime.fromtimestamp(sc.t0, datetime.timezone.utc)
        e = ["### %s" % name, ""]
        e.append("- Files: %s (%s)." % (", ".join("`%s` (%s side, %d frames, %s)" % (
            out[v][0], v, out[v][3], LINK.get(v_lt(sc, v, out), "Ethernet")) for v in sc.views),
            "group " + sc.group))
        e.append("- Generated: `scenarios.py write pcaps/synth %s` (seed %d, capture starts "
                 "%s)." % (name, sc.seed, start.strftime("%Y-%m-%d %H:%M:%S UTC")))
        e.append("- Shows: %s" % sc.doc)
        for v in sc.views:
            e.append("- Key frames (%s side): %s." % (v, key_frames(out[v][2],
                                                                     needed.get(out[v][0], ()))))
        for c in mycases:
            e.append("- Expected (%s): %s.%s" % (c.variant, expectation(c),
                                                 " " + c.note if c.note else ""))
        for c in mypending:
            e.append("- Expected by docs/findings.md, not yet in the matrix "
                     "(`matrix_synth.PENDING`: the binary disagrees) (%s): %s.%s"
                     % (c.variant, expectation(c), " " + c.note if c.note else ""))
        entries.append("\n".join(e))
    table = ["## Summary", "", "| file | expected (kind/cause severity) | frames the matrix "
             "checks |", "| --- | --- | --- |"] + rows
    scale = [c for c in cases if hasattr(c, "_label")]
    extra = ""
    if scale:
        extra = "\n## Written at test time\n\n" + "\n".join(
            "- `%s`: %s. Expected: %s. %s Regenerate with `scenarios.py scale DIR` "
            "(about 20 s, 85,000 frames, 10 MB gzipped)." % (c._label, c.variant,
                                                             expectation(c), c.note)
            for c in scale) + "\n"
    return HEAD + "\n" + "\n".join(table) + "\n" + extra + "\n## Entries\n\n" + \
        "\n\n".join(entries) + "\n"


LINK = {1: "Ethernet", 113: "Linux SLL", 276: "Linux SLL2", 101: "raw IP"}


def v_lt(sc, v, out):
    data = out[v][1]
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    import struct
    return struct.unpack("<I", data[20:24])[0]


def write(path, scs, render):
    with open(path, "w") as f:
        f.write(build(scs, render))


def check(d, scs, render):
    """Regenerate in memory and compare; check the matrix's frames are key frames."""
    bad = 0
    marks = {}
    for name, sc in scs.items():
        for view, (fname, data, mk, n) in render(sc).items():
            marks[fname] = (mk, n)
            p = os.path.join(d, fname)
            if not os.path.exists(p):
                print("missing: %s" % p)
                bad += 1
                continue
            with open(p, "rb") as f:
                have = f.read()
            if gzip.decompress(have) != gzip.decompress(data) if fname.endswith(".gz") \
                    else have != data:
                print("differs from the generator: %s" % fname)
                bad += 1
    for c in _cases() + _pending():
        if not c.synthetic or hasattr(c, "_label"):
            continue
        for i, fn in enumerate(c.files):
            base = fn.split("/", 1)[1]
            if base not in marks:
                print("%s: %s is not a generated file" % (c.name(), fn))
                bad += 1
                continue
            mk, n = marks[base]
            keyf = set(mk.values())
            for f in c.expect:
                for fr in (f.frames if i == 0 else f.frames2):
                    if fr not in keyf:
                        print("%s: %s frame %d is not a key frame of %s" % (
                            c.name(), f.kind, fr, base))
                        bad += 1
    mf = os.path.join(d, "MANIFEST.md")
    if os.path.exists(mf):
        with open(mf) as f:
            if f.read() != build(scs, render):
                print("MANIFEST.md is out of date: scenarios.py write")
                bad += 1
    print("check: %s" % ("OK" if not bad else "%d problem(s)" % bad))
    return 1 if bad else 0
