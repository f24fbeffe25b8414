# SPDX-License-Identifier: BSD-2-Clause
"""English words left in Chinese output (Python 3 stdlib only).

A Chinese report or TUI screen may hold Latin letters only where they are
not English prose: data from the capture (the words a capture's own bytes
hold, quoted strings, URIs, addresses, file names), the stable identifiers
of findings (register.no_response, icmp_port_unreachable), protocol names
and abbreviations (SIP, REGISTER, UDP, NAT, Via ...), and key names in the
TUI. english_words(text, capture) returns every other word: each is a text
of sipwatch's own that skipped the catalog.
"""
import os
import re
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")

# Protocol names, abbreviations, SIP methods and header names, units: the
# same in a Chinese text (the catalog itself writes them so).
TECH = set("""
SIP SIPS UDP TCP TLS SCTP ICMP ICMPv IPv IP DNS SRV NAPTR AAAA NXDOMAIN SERVFAIL NOERROR
NAT ALG MTU MAC URI AOR VoIP PING RFC STUN CRLF SDP RTP WAN LAN PBX IMS ID TTL SYN ACK RST
JSON HTML ACL ping pcap pcapng tcpdump tshark sipwatch sngrep gzip WebSocket WS WSS GRE VXLAN ERSPAN GTP
REGISTER INVITE BYE CANCEL OPTIONS SUBSCRIBE NOTIFY PUBLISH MESSAGE INFO PRACK UPDATE REFER
OK Trying Ringing Unauthorized Forbidden
Via From To Contact Call CSeq Expires Min Retry After User Agent Server Warning Reason Record
Route Content Length Type WWW Proxy Authenticate Authorization Max Forwards Allow Supported
Require Path Service Event Accept Digest realm nonce received rport branch tag transport
expires tcp udp tls sip Huawei huawei FIP
Enter Esc Tab PgUp PgDn Home End Ctrl Backspace Del Shift Alt
aor callid addr method
ms KB MB
""".split())

# Terms that are two words: Via's sent-by (RFC 3261 section 18.2.2).
TECH_CHUNKS = {"sent-by"}

_KINDS = None


def kinds_and_causes():
    """The finding registry's identifiers (analyze/kinds.c)."""
    global _KINDS
    if _KINDS is None:
        with open(os.path.join(ROOT, "analyze", "kinds.c"), encoding="utf-8") as f:
            src = f.read()
        _KINDS = set(re.findall(r'"([a-z]+\.[a-z_]+|[a-z]+_[a-z_]+)"', src))
        _KINDS |= set(re.findall(r'\] = "([a-z_]+)"', src))
    return _KINDS


_WIRE = {}


def wire_words(path):
    """The words a capture's bytes hold (case-sensitive): a reason phrase,
    a host name, a User-Agent is data even when it reads as English."""
    if path not in _WIRE:
        data = b""
        if path and os.path.exists(path):
            with open(path, "rb") as f:
                data = f.read()
            if data[:2] == b"\x1f\x8b":
                d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                try:
                    data = d.decompress(data)
                except zlib.error:  # a damaged capture: what precedes the damage
                    data = b""
        _WIRE[path] = set(w.decode() for w in re.findall(rb"[A-Za-z]{2,}", data))
    return _WIRE[path]


QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”|‘[^’\n]*’|\'[^\'\n]*\'')
# A run of Latin letters, digits and the punctuation of identifiers,
# addresses, URIs and paths.
CHUNK = re.compile(r"[A-Za-z0-9_.:@/\\\[\]%+=;<>~#-]+")


def english_words(text, capture=None, extra=(), wrapped=True):
    """The English words in text that are not data, identifiers or terms.
    With wrapped (screens), a word cut by the edge of a line or a column
    (│) counts as data when it is the start or the end of a word of the
    capture."""
    kinds = kinds_and_causes()
    wire = wire_words(capture) if capture else set()
    allowed = TECH | set(extra)
    found = []
    for line in text.split("\n"):
        line = QUOTED.sub(" ", line)
        for seg in line.split("│"):
            chunks = CHUNK.findall(seg)
            for n, chunk in enumerate(chunks):
                edge_end = wrapped and n == len(chunks) - 1
                edge_start = wrapped and n == 0
                found += _chunk_words(chunk, kinds, wire, allowed, edge_start, edge_end)
    return found


def _chunk_words(chunk, kinds, wire, allowed, edge_start, edge_end):
    c = chunk.strip(".:;,=<>[]")
    if c.startswith("-") or c in TECH_CHUNKS:  # an option (--json), a term
        return []
    if not re.search(r"[A-Za-z]{2,}", c):
        return []
    # URIs, addresses, paths, files, host names, escapes.
    if (re.search(r"\.(pcap|pcapng|gz|json|txt|html)\b", c) or "@" in c or "/" in c or
            "\\" in c or c.startswith("sip:") or
            re.search(r"\.[a-z]{2,}$", c) and c.split("/")[0] not in kinds and
            not re.fullmatch(r"[a-z]+\.[a-z_]+", c)):
        return []
    if re.fullmatch(r"[0-9a-fA-F:.\[\]]+|[1-6]xx", c):  # IPv6, MACs, 4xx
        return []
    # Finding identifiers: kind, kind/cause, cause.
    parts = re.split(r"[/()]", c)
    if all(p in kinds or p.isdigit() or p == "" for p in parts):
        return []
    words = re.findall(r"[A-Za-z]{2,}", c)
    found = []
    for i, w in enumerate(words):
        if w in allowed or w in wire:
            continue
        if edge_end and i == len(words) - 1 and any(x.startswith(w) for x in wire):
            continue
        if edge_start and i == 0 and any(x.endswith(w) for x in wire):
            continue
        found.append(w)
    return found
