# SPDX-License-Identifier: BSD-2-Clause
"""synthsip: SIP messages as real phones and servers write them, for the
scenario generator (scenarios.py). Standard library only.

Phones: Yealink, Grandstream, Fanvil, snom, Linphone (the header order, Via
parameter order, Call-ID/tag/branch shapes and User-Agent of each, from their
own traces). Servers: Kamailio, Asterisk (chan_pjsip), FreeSWITCH (mod_sofia),
a Huawei IMS core: their Via handling (RFC 3581 rport/received), challenges,
Contact lists, Server/User-Agent headers. Every identifier comes from the
scenario's seeded random generator, so a regenerated capture is identical.
"""
import base64
import hashlib

PHONES = {
    "yealink": dict(ua="Yealink SIP-T46U 108.86.0.45", mac="80:5e:c0:3a:19:7b"),
    "yealink_t54": dict(ua="Yealink SIP-T54W 96.86.0.100", mac="24:9a:d8:4c:02:e1"),
    "grandstream": dict(ua="Grandstream GXP2170 1.0.11.44", mac="00:0b:82:91:4c:2e"),
    "fanvil": dict(ua="Fanvil X4U 2.12.1.0 0c383e5d22a1", mac="0c:38:3e:5d:22:a1"),
    "snom": dict(ua="snom D785/10.1.141.13", mac="00:04:13:4b:8a:90"),
    "linphone": dict(ua="Linphone Desktop/5.2.1 (Debian GNU/Linux 12 (bookworm), Qt 5.15.8) "
                        "LinphoneCore/5.3.0", mac="3c:52:82:6e:11:d4"),
    "asterisk_trunk": dict(ua="Asterisk PBX 20.5.2", mac="52:54:00:7a:31:0c"),
}

SERVERS = {
    "kamailio": "Server: kamailio (5.7.4 (x86_64/linux))",
    "kamailio56": "Server: kamailio (5.6.3 (x86_64/linux))",
    "asterisk": "Server: Asterisk PBX 20.5.2",
    "freeswitch": "User-Agent: FreeSWITCH-mod_sofia/1.10.11-release~64bit",
    "huawei": "Server: Huawei SoftX3000 V300R010C10",
    "opensips": "Server: OpenSIPS (3.4.3 (x86_64/linux))",
}

ALLOW = {
    "yealink": "INVITE, INFO, PRACK, ACK, BYE, CANCEL, OPTIONS, NOTIFY, REGISTER, SUBSCRIBE, "
               "REFER, PUBLISH, UPDATE, MESSAGE",
    "grandstream": "INVITE, ACK, OPTIONS, CANCEL, BYE, SUBSCRIBE, NOTIFY, INFO, REFER, UPDATE, "
                   "MESSAGE",
    "fanvil": "INVITE, ACK, OPTIONS, BYE, CANCEL, INFO, NOTIFY, PRACK, REFER, UPDATE, MESSAGE, "
              "SUBSCRIBE",
    "snom": "INVITE, ACK, CANCEL, BYE, REFER, OPTIONS, NOTIFY, SUBSCRIBE, PRACK, MESSAGE, INFO, "
            "UPDATE",
    "linphone": "INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, INFO, "
                "PRACK, UPDATE",
    "asterisk_trunk": "OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, PUBLISH, INVITE, ACK, BYE, CANCEL, "
                      "UPDATE, PRACK, INFO, MESSAGE, REFER",
}


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def hosturi(ip):
    return "[%s]" % ip if ":" in ip else ip


def digits(rng, n):
    return "%d" % rng.randrange(10 ** (n - 1), 10 ** n)


def alnum(rng, n, alphabet="abcdefghijklmnopqrstuvwxyz0123456789"):
    return "".join(rng.choice(alphabet) for _ in range(n))


def hexs(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def gs_host(ip):
    """Grandstream writes its IP into the Call-ID host part as letters (0 -> A)."""
    return "".join(chr(ord("A") + int(c)) if c.isdigit() else c for c in ip)


# ------------------------------------------------------------------ parsing

def split(msg):
    head, _, body = msg.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    return lines[0], [tuple(x.split(":", 1)) for x in lines[1:]], body


def header(msg, name, all_=False):
    _, hs, _ = split(msg)
    out = [v.strip() for n, v in hs if n.strip().lower() == name.lower()]
    return out if all_ else (out[0] if out else None)


def param(value, name):
    for part in value.split(";")[1:]:
        k, _, v = part.partition("=")
        if k.strip().lower() == name:
            return v.strip()
    return None


def build(start, headers, body=b"", cl_spaces=" "):
    lines = [start] + ["%s: %s" % (n, v) for n, v in headers]
    if not any(n.lower() == "content-length" for n, _ in headers):
        lines.append("Content-Length:%s%d" % (cl_spaces, len(body)))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


# ------------------------------------------------------------------ phone

class Phone:
    """One SIP account on one phone. local: (ip, port) of its SIP socket."""

    def __init__(self, rng, model, user, domain, local, password="s3cr3t", transport="UDP",
                 registrar=None, display=None, auth_user=None, reg_port=None, outbound=None):
        self.rng = rng
        self.model = model
        self.kind = model.split("_")[0] if model != "asterisk_trunk" else model
        self.ua = PHONES[model]["ua"]
        self.mac = PHONES[model]["mac"]
        self.user, self.domain = user, domain
        self.local = local
        self.password = password
        self.transport = transport
        self.registrar = registrar or domain      # host part of the REGISTER R-URI
        self.reg_port = reg_port                  # port written in the R-URI (Yealink writes it)
        self.display = display
        self.auth_user = auth_user or user
        self.challenge = None
        self.nc = 0
        self.cnonce = hexs(rng, 8)
        self.cseq = {"REGISTER": self._first_cseq()}
        self.new_registration()
        self.instance = "00000000-0000-1000-8000-%s" % self.mac.replace(":", "").upper()

    def _first_cseq(self):
        return 2000 if self.kind == "grandstream" else 0

    # -- identifiers
    def new_branch(self):
        k = self.kind
        if k == "yealink" or k == "grandstream" or k == "fanvil":
            return "z9hG4bK" + digits(self.rng, 10)
        if k == "snom":
            return "z9hG4bK-" + alnum(self.rng, 12)
        if k == "linphone":
            return "z9hG4bK." + alnum(self.rng, 9, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                                                   "qrstuvwxyz0123456789-~")
        return "z9hG4bKPj" + "%s-%s-%s-%s-%s" % (hexs(self.rng, 8), hexs(self.rng, 4),
                                                 hexs(self.rng, 4), hexs(self.rng, 4),
                                                 hexs(self.rng, 12))

    def new_tag(self):
        k = self.kind
        if k in ("yealink", "grandstream", "fanvil"):
            return digits(self.rng, 10)
        if k == "snom":
            return alnum(self.rng, 10)
        if k == "linphone":
            return alnum(self.rng, 9, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz~")
        return "%s-%s-%s-%s-%s" % (hexs(self.rng, 8), hexs(self.rng, 4), hexs(self.rng, 4),
                                   hexs(self.rng, 4), hexs(self.rng, 12))

    def new_call_id(self):
        k, ip, port = self.kind, self.local[0], self.local[1]
        if k == "yealink":
            return "0_%s@%s" % (digits(self.rng, 10), ip)
        if k == "grandstream":
            return "%s-%d-1@%s" % (digits(self.rng, 10), port, gs_host(ip))
        if k == "fanvil":
            return "%s@%s" % (digits(self.rng, 10), hosturi(ip))
        if k == "snom":
            return "%s-%s" % (hexs(self.rng, 12), alnum(self.rng, 12))
        if k == "linphone":
            return alnum(self.rng, 10, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123"
                                       "456789-_~")
        return "%s-%s-%s-%s-%s" % (hexs(self.rng, 8), hexs(self.rng, 4), hexs(self.rng, 4),
                                   hexs(self.rng, 4), hexs(self.rng, 12))

    def new_registration(self, local=None):
        """A new registration dialog (new Call-ID and From tag), e.g. after the
        phone moved to another local port."""
        if local:
            self.local = local
        self.reg_call_id = self.new_call_id()
        self.reg_tag = self.new_tag()

    # -- header pieces
    def aor(self):
        if self.kind == "yealink" and self.reg_port:
            return "sip:%s@%s:%d" % (self.user, self.domain, self.reg_port)
        return "sip:%s@%s" % (self.user, self.domain)

    def named(self, uri):
        if self.kind in ("yealink", "fanvil") or self.display:
            return '"%s" <%s>' % (self.display or self.user, uri)
        return "<%s>" % uri

    def via(self, branch, transport=None):
        t = transport or self.transport
        sb = "%s:%d" % (hosturi(self.local[0]), self.local[1])
        if self.kind in ("fanvil", "asterisk_trunk"):
            return "SIP/2.0/%s %s;rport;branch=%s" % (t, sb, branch)
        return "SIP/2.0/%s %s;branch=%s;rport" % (t, sb, branch)

    def contact_uri(self, transport=None):
        t = (transport or self.transport).lower()
        u = "sip:%s@%s:%d" % (self.user, hosturi(self.local[0]), self.local[1])
        if t != "udp":
            u += ";transport=%s" % t
        return u

    def contact(self, transport=None, expires=None):
        k = self.kind
        uri = "<%s>" % self.contact_uri(transport)
        if k == "grandstream":
            return uri + ';reg-id=1;+sip.instance="<urn:uuid:%s>"' % self.instance
        if k == "snom":
            return uri + ';reg-id=1;q=1.0;+sip.instance="<urn:uuid:%s>";audio;mobility="fixed";' \
                         'duplex="full";description="snom D785";actor="principal";' \
                         'events="dialog";methods="INVITE,ACK,CANCEL,BYE,REFER,OPTIONS,' \
                         'NOTIFY,SUBSCRIBE,PRACK,MESSAGE,INFO,UPDATE"' % self.instance.lower()
        if k == "linphone":
            return uri + ';+org.linphone.specs="lime";+sip.instance="<urn:uuid:%s>"' % \
                self.instance.lower()
        if k == "fanvil" and expires is not None:
            return uri + ";expires=%d" % expires
        return uri

    def ruri(self):
        if self.reg_port and self.kind == "yealink":
            return "sip:%s:%d" % (self.registrar, self.reg_port)
        return "sip:%s" % self.registrar

    def authorization(self, method, uri, hname="Authorization"):
        ch = self.challenge
        realm, nonce = ch["realm"], ch["nonce"]
        self.nc += 1
        nc = "%08x" % self.nc
        ha1 = md5("%s:%s:%s" % (self.auth_user, realm, self.password))
        ha2 = md5("%s:%s" % (method, uri))
        resp = md5("%s:%s:%s:%s:auth:%s" % (ha1, nonce, nc, self.cnonce, ha2))
        op = ch.get("opaque")
        k = self.kind
        if k == "yealink":
            v = ('Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", '
                 'algorithm=MD5, cnonce="%s", %sqop=auth, nc=%s'
                 % (self.auth_user, realm, nonce, uri, resp, self.cnonce,
                    'opaque="%s", ' % op if op else "", nc))
        elif k == "grandstream":
            v = ('Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", '
                 'algorithm=MD5, cnonce="%s", %sqop=auth, nc=%s'
                 % (self.auth_user, realm, nonce, uri, resp, self.cnonce,
                    'opaque="%s", ' % op if op else "", nc))
        elif k == "snom":
            v = ('Digest username="%s",realm="%s",nonce="%s",uri="%s",qop=auth,nc=%s,'
                 'cnonce="%s",response="%s",%salgorithm=md5'
                 % (self.auth_user, realm, nonce, uri, nc, self.cnonce, resp,
                    'opaque="%s",' % op if op else ""))
        elif k == "linphone":
            v = ('Digest realm="%s", nonce="%s", algorithm=MD5, %susername="%s",  uri="%s", '
                 'response="%s", cnonce="%s", nc=%s, qop=auth'
                 % (realm, nonce, 'opaque="%s", ' % op if op else "", self.auth_user, uri, resp,
                    self.cnonce, nc))
        else:
            v = ('Digest username="%s",realm="%s",nonce="%s",uri="%s",response="%s",'
                 'cnonce="%s",nc=%s,qop=auth,%salgorithm=MD5'
                 % (self.auth_user, realm, nonce, uri, resp, self.cnonce, nc,
                    'opaque="%s",' % op if op else ""))
        return (hname, v)

    def learn(self, response):
        """Keep the challenge of a 401/407 for the next request."""
        h = header(response, "WWW-Authenticate") or header(response, "Proxy-Authenticate")
        if not h:
            return
        params = {}
        for part in h.split(" ", 1)[1].split(","):
            k, _, v = part.strip().partition("=")
            params[k.strip().lower()] = v.strip().strip('"')
        self.challenge = params
        self.nc = 0
        self.cnonce = hexs(self.rng, 8)

    # -- requests
    def register(self, expires=3600, auth=None, extra=(), branch=None, transport=None,
                 contact=None, pad=0):
        """A REGISTER with the next CSeq; auth: True to answer the last challenge."""
        self.cseq["REGISTER"] += 1
        br = branch or self.new_branch()
        ruri = self.ruri()
        aor = self.aor()
        k = self.kind
        via = ("Via", self.via(br, transport))
        frm = ("From", "%s;tag=%s" % (self.named(aor), self.reg_tag))
        to = ("To", self.named(aor))
        cid = ("Call-ID", self.reg_call_id)
        cseq = ("CSeq", "%d REGISTER" % self.cseq["REGISTER"])
        ct = ("Contact", contact or self.contact(transport, expires))
        ua = ("User-Agent", self.ua)
        mf = ("Max-Forwards", "70")
        al = ("Allow", ALLOW[k])
        ex = ("Expires", "%d" % expires)
        au = [self.authorization("REGISTER", ruri)] if auth and self.challenge else []
        if k == "yealink":
            hs = [via, frm, to, cid, cseq, ct] + au + [
                al, mf, ua, ex, ("Allow-Events", "talk,hold,conference,refer,check-sync")]
        elif k == "grandstream":
            hs = [via, frm, to, cid, cseq, ct] + au + [mf, ua, ("Supported", "path"), ex, al]
        elif k == "fanvil":
            hs = [via, mf, frm, to, cid, cseq, ct] + au + [
                ua, ("Supported", "100rel, replaces, timer"), al, ex]
        elif k == "snom":
            hs = [via, frm, to, cid, cseq, mf, ct] + au + [
                ua, ("Allow-Events", "dialog"), ("X-Real-IP", self.local[0]),
                ("Supported", "path, gruu, outbound"), ex, al]
        elif k == "linphone":
            hs = [via, frm, to, cseq, cid, mf, ("Supported", "replaces, outbound, gruu, path"),
                  ct] + au + [ex, ua]
        else:
            hs = [via, frm, to, cid, cseq, ct] + au + [ex, al, mf, ua]
        hs += list(extra)
        if pad:
            hs.append(("X-Padding", "x" * pad))
        return build("REGISTER %s SIP/2.0" % ruri, hs)

    def request(self, method, ruri, to_uri, call_id, from_tag, cseq, branch=None, to_tag=None,
                extra=(), body=b"", ctype="application/sdp", transport=None):
        br = branch or self.new_branch()
        aor = self.aor()
        hs = [("Via", self.via(br, transport)), ("Max-Forwards", "70"),
              ("From", "%s;tag=%s" % (self.named(aor), from_tag)),
              ("To", "<%s>%s" % (to_uri, ";tag=" + to_tag if to_tag else "")),
              ("Call-ID", call_id), ("CSeq", "%d %s" % (cseq, method))]
        if method in ("INVITE", "OPTIONS", "SUBSCRIBE"):
            hs.append(("Contact", "<%s>" % self.contact_uri(transport)))
        hs += list(extra)
        hs.append(("User-Agent", self.ua))
        if method == "INVITE":
            hs.append(("Allow", ALLOW[self.kind]))
        if body:
            hs.append(("Content-Type", ctype))
        return build("%s %s SIP/2.0" % (method, ruri), hs, body)

    def answer(self, req, code, reason, to_tag=None, extra=(), body=b""):
        """The phone's response to a request it got (OPTIONS, BYE ...)."""
        _, hs, _ = split(req)
        out = []
        for n, v in hs:
            nl = n.strip().lower()
            v = v.strip()
            if nl in ("via", "from", "call-id", "cseq"):
                out.append((n.strip(), v))
            elif nl == "to":
                out.append(("To", v if "tag=" in v or not to_tag else v + ";tag=" + to_tag))
        out += [("Contact", "<%s>" % self.contact_uri()), ("User-Agent", self.ua)]
        if code == 200 and header(req, "CSeq").endswith("OPTIONS"):
            out += [("Allow", ALLOW[self.kind]), ("Accept", "application/sdp"),
                    ("Supported", "replaces, timer")]
        out += list(extra)
        if body:
            out.append(("Content-Type", "application/sdp"))
        return build("SIP/2.0 %d %s" % (code, reason), out, body)


def sdp(rng, ip, port=11780, session=None, pad_candidates=0, name="-"):
    fam = "IP6" if ":" in ip else "IP4"
    sid = session or digits(rng, 9)
    lines = ["v=0", "o=%s %s %s IN %s %s" % (name, sid, sid, fam, ip), "s=SIP Call",
             "c=IN %s %s" % (fam, ip), "t=0 0",
             "m=audio %d RTP/AVP 9 0 8 18 101" % port,
             "a=rtpmap:9 G722/8000", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
             "a=rtpmap:18 G729/8000", "a=fmtp:18 annexb=no",
             "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15", "a=ptime:20",
             "a=sendrecv"]
    for n in range(1, pad_candidates + 1):
        lines.insert(-1, "a=candidate:%d 1 UDP %d %s %d typ host generation 0"
                     % (n, 2130706431 - n * 256, ip, port + 2 * n))
    return ("\r\n".join(lines) + "\r\n").encode()


# ------------------------------------------------------------------ server

class Server:
    """A registrar / proxy with one software's habits. addr: (ip, port)."""

    def __init__(self, rng, software, addr, realm, transport="UDP", nonce_life=300):
        self.rng = rng
        self.sw = software
        self.kind = software.rstrip("0123456789") if software != "kamailio56" else "kamailio"
        self.header = SERVERS[software]
        self.addr = addr
        self.realm = realm
        self.transport = transport
        self.bindings = {}               # aor -> {contact uri: (expires_at, received, params)}
        self.opaque = hexs(rng, 16)
        self.t0 = 1710230400             # the capture's start (epoch), for Date and nonces

    def to_tag(self):
        k = self.kind
        if k == "kamailio":
            return "%s.%s" % (hexs(self.rng, 32), hexs(self.rng, 8))
        if k == "asterisk":
            return "z9hG4bKPj%s-%s-%s-%s-%s" % (hexs(self.rng, 8), hexs(self.rng, 4),
                                                hexs(self.rng, 4), hexs(self.rng, 4),
                                                hexs(self.rng, 12))
        if k == "freeswitch":
            return alnum(self.rng, 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                       "0123456789")
        if k == "opensips":
            return "%s.%s" % (hexs(self.rng, 32), hexs(self.rng, 8))
        return "h%sr%s" % (hexs(self.rng, 10), digits(self.rng, 6))

    def nonce(self, t):
        k = self.kind
        if k == "kamailio" or k == "opensips":
            return base64.b64encode(bytes(self.rng.getrandbits(8) for _ in range(24))).decode() \
                .replace("+", "a").replace("/", "b")
        if k == "asterisk":
            return "%d/%s" % (int(self.t0 + t), hexs(self.rng, 32))
        if k == "freeswitch":
            return "%s-%s-%s-%s-%s" % (hexs(self.rng, 8), hexs(self.rng, 4), hexs(self.rng, 4),
                                       hexs(self.rng, 4), hexs(self.rng, 12))
        return hexs(self.rng, 32).upper()

    def challenge_value(self, nonce, stale=False, header_name="WWW-Authenticate"):
        k = self.kind
        if k in ("kamailio", "opensips"):
            v = 'Digest realm="%s", nonce="%s", qop="auth"%s' % (
                self.realm, nonce, ", stale=true" if stale else "")
        elif k == "asterisk":
            v = 'Digest realm="%s",nonce="%s",opaque="%s",algorithm=md5,qop="auth"%s' % (
                self.realm, nonce, self.opaque, ",stale=true" if stale else "")
        elif k == "freeswitch":
            v = 'Digest realm="%s", nonce="%s", algorithm=MD5, qop="auth"%s' % (
                self.realm, nonce, ", stale=true" if stale else "")
        else:
            v = 'Digest realm="%s",nonce="%s",algorithm=MD5,qop="auth"%s' % (
                self.realm, nonce, ",stale=TRUE" if stale else "")
        return (header_name, v)

    def via_reply(self, via, src, rport=True):
        """RFC 3581: fill rport, add received (always with rport, else when the
        source differs from sent-by). pjsip rebuilds the parameter order."""
        proto_sb, _, params = via.partition(";")
        sb = proto_sb.split()[-1]
        host = sb.rsplit(":", 1)[0].strip("[]") if sb.count(":") <= 1 or sb.startswith("[") \
            else sb
        ps = [p for p in params.split(";") if p]
        has_rport = any(p.split("=")[0] == "rport" for p in ps)
        need_received = has_rport or host != src[0]
        if self.kind == "asterisk":
            branch = [p for p in ps if p.startswith("branch=")]
            others = [p for p in ps if not p.startswith(("branch=", "rport", "received="))]
            out = []
            if has_rport:
                out.append("rport=%d" % src[1])
            if need_received:
                out.append("received=%s" % src[0])
            out += branch + others
        else:
            out = []
            for p in ps:
                if p == "rport" or p.startswith("rport="):
                    out.append("rport=%d" % src[1])
                elif not p.startswith("received="):
                    out.append(p)
            if need_received:
                out.append("received=%s" % src[0])
        return proto_sb + ";" + ";".join(out)

    def respond(self, req, code, reason, src, to_tag=None, extra=(), body=b"", contact=None,
                via_override=None):
        """The response to req as it arrived from src (ip, port)."""
        _, hs, _ = split(req)
        vias = [v.strip() for n, v in hs if n.strip().lower() in ("via", "v")]
        frm = header(req, "From")
        to = header(req, "To")
        cid = header(req, "Call-ID")
        cseq = header(req, "CSeq")
        tag = to_tag if to_tag is not None else (self.to_tag() if code > 100 else None)
        if tag and "tag=" not in to:
            to = to + ";tag=" + tag
        top = via_override or self.via_reply(vias[0], src)
        vlines = [("Via", top)] + [("Via", v) for v in vias[1:]]
        k = self.kind
        if k == "asterisk":
            out = vlines + [("Call-ID", cid), ("From", frm), ("To", to), ("CSeq", cseq)]
        else:
            out = vlines + [("From", frm), ("To", to), ("Call-ID", cid), ("CSeq", cseq)]
        if contact:
            out += [("Contact", c) for c in (contact if isinstance(contact, list) else [contact])]
        out += list(extra)
        if k == "freeswitch":
            out += [("User-Agent", self.header.split(": ", 1)[1])]
            if code == 200 or code >= 400:
                out += [("Allow", "INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE, INFO, UPDATE, "
                                  "REGISTER, REFER, NOTIFY, PUBLISH, SUBSCRIBE"),
                        ("Supported", "timer, path, replaces")]
        else:
            out += [tuple(self.header.split(": ", 1))]
        return build("SIP/2.0 %d %s" % (code, reason), out, body,
                     cl_spaces="  " if k == "asterisk" else " ")

    # -- registrar
    def reg_challenge(self, req, src, t, stale=False, to_tag=None):
        n = self.nonce(t)
        extra = [self.challenge_value(n, stale)]
        return self.respond(req, 401, "Unauthorized", src, to_tag=to_tag, extra=extra)

    def reg_ok(self, req, src, t, granted=None, contact_style=None, extra=(), max_expires=None):
        """200 to a REGISTER: records the binding, lists the AOR's live bindings."""
        aor = header(req, "To").split("<", 1)[-1].split(">", 1)[0].split(";")[0]
        cv = header(req, "Contact")
        curi = cv.split("<", 1)[1].split(">", 1)[0]
        asked = param(cv, "expires")
        asked = int(asked) if asked else int(header(req, "Expires") or 3600)
        exp = asked if granted is None else min(asked, granted) if asked else 0
        if max_expires:
            exp = min(exp, max_expires)
        b = self.bindings.setdefault(aor, {})
        if exp == 0:
            b.pop(curi, None)
        else:
            b[curi] = (t + exp, src, cv)
        for u in list(b):
            if b[u][0] <= t:
                del b[u]
        contacts = []
        for u, (until, rsrc, _) in b.items():
            left = int(round(until - t))
            contacts.append(self.binding_contact(u, left, rsrc, contact_style))
        k = self.kind
        ex = list(extra)
        if k == "asterisk":
            ex = [("Date", self.date(t))] + [("Contact", x) for x in contacts] + \
                [("Expires", "%d" % exp)] + ex
            return self.respond(req, 200, "OK", src, extra=ex)
        if k == "freeswitch":
            return self.respond(req, 200, "OK", src,
                                extra=[("Date", self.date(t))] + ex, contact=contacts)
        if k == "huawei":
            ex = [("P-Associated-URI", "<%s>" % aor),
                  ("Service-Route", "<sip:orig@scscf.%s:5060;lr>" % self.realm)] + ex
            return self.respond(req, 200, "OK", src, extra=ex, contact=contacts)
        return self.respond(req, 200, "OK", src, extra=ex, contact=[", ".join(contacts)])

    def binding_contact(self, uri, left, src, style=None):
        k = self.kind
        rcv = "sip:%s:%d" % (hosturi(src[0]), src[1])
        if style == "alias":
            return "<%s;alias=%s~%d~1>;expires=%d" % (uri, src[0], src[1], left)
        if style == "public":          # Asterisk rewrite_contact=yes
            return "<sip:%s@%s:%d>;expires=%d" % (uri.split("@")[0][4:], hosturi(src[0]),
                                                  src[1], left)
        if k in ("kamailio", "opensips"):
            return '<%s>;expires=%d;received="%s"' % (uri, left, rcv)
        if k == "asterisk":
            return "<%s>;expires=%d" % (uri, max(left - 1, 0))
        if k == "freeswitch":
            return "<%s>;expires=%d" % (uri, left)
        return "<%s>;expires=%d" % (uri, left)

    def date(self, t):
        import time
        return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(self.t0 + int(t)))

    def request(self, method, ruri, to_hdr, call_id, cseq, from_uri=None, from_tag=None,
                branch=None, extra=()):
        """A request the server sends (OPTIONS qualify/nathelper ping ...)."""
        br = branch or ("z9hG4bK" + hexs(self.rng, 8) + ".0" if self.kind == "kamailio" else
                        "z9hG4bKPj" + hexs(self.rng, 32) if self.kind == "asterisk" else
                        "z9hG4bK" + alnum(self.rng, 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl"
                                                        "mnopqrstuvwxyz0123456789"))
        via = "SIP/2.0/%s %s:%d;branch=%s" % (self.transport, hosturi(self.addr[0]),
                                              self.addr[1], br)
        if self.kind == "asterisk":
            via += ";rport"
        ftag = from_tag or self.to_tag()
        furi = from_uri or "sip:%s" % hosturi(self.addr[0])
        hs = [("Via", via), ("From", "<%s>;tag=%s" % (furi, ftag)), ("To", to_hdr),
              ("Call-ID", call_id), ("CSeq", "%d %s" % (cseq, method)), ("Max-Forwards", "70")]
        if self.kind == "asterisk":
            hs.insert(1, ("Contact", "<%s:%d>" % (furi, self.addr[1])))
        hs += list(extra)
        if self.kind != "kamailio":      # nathelper's pings carry no Server/User-Agent
            hs.append(("User-Agent", self.header.split(": ", 1)[1]))
        return build("%s %s SIP/2.0" % (method, ruri), hs,
                     cl_spaces="  " if self.kind == "asterisk" else " ")
