# SPDX-License-Identifier: BSD-2-Clause
"""The scenarios of pcaps/synth (see scenarios.py). One function per capture
(or pair of captures); its docstring is what the manifest says it shows.

Addresses are from the documentation ranges (RFC 5737 192.0.2/24, 198.51.100/24,
203.0.113/24; RFC 3849 2001:db8::/32), private ones from RFC 1918 and CGNAT
100.64/10; names under example.com/.net/.org. Marks name the key frames:
<label>.reg / .401 / .auth / .200 of a registration, <label> and <label>.last
for the first and last copy of an unanswered request, .q/.r for DNS.
"""
import calendar

import pcaplib
import synthnet as net
import synthsip as sip
from scenarios import scenario


def T(y, mo, d, h=0, mi=0, s=0):
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))


# home routers (LAN MAC) and server-side gateways
TPLINK = "50:c7:bf:0a:1b:2c"
FRITZ = "3c:a6:2f:4e:71:90"
HUAWEI_CPE = "00:e0:fc:38:91:07"
MIKROTIK = "e4:8d:8c:12:34:56"
KVM = "52:54:00:c3:5e:01"
KVM2 = "52:54:00:9d:20:7a"
JUNIPER = "2c:6b:f5:a0:10:01"
ARISTA = "00:1c:73:4f:22:e8"
SLL2 = pcaplib.LINKTYPE_LINUX_SLL2
SLL = pcaplib.LINKTYPE_LINUX_SLL


def pmac(model):
    return sip.PHONES[model]["mac"]


def a_rec(name, ip, ttl=300):
    return (name, "AAAA" if ":" in ip else "A", ttl, ip)


# ====================================================================== 1. stale NAT

@scenario("stale_nat_new_port_before_lapse", "nat.stale_binding", t0=T(2024, 3, 12, 6, 0, 0))
def stale_before_lapse(c):
    """Yealink T46U behind a home router registers 1001@voip.example.net at Kamailio
    (Expires 3600, refresh every 1800 s; the refresh's cached nonce is stale, so each
    refresh is 401 stale=true then 200). The ISP renumbers the router's WAN address
    (203.0.113.45 -> 203.0.113.78) at about 45 min; the conntrack entry of the SIP flow
    keeps the old address, so the refresh at 3600 s from local port 5060 is never answered
    (11 copies, timer E). After timer F the phone re-registers from a new random local
    port 11762 (new Call-ID), BEFORE the binding granted at 1800 s lapses (5400 s): the
    200 reports received=203.0.113.78 and still lists the old binding. Refreshed again
    at 5433 s."""
    PH, RT, A, B = "192.168.1.23", "192.168.1.1", "203.0.113.45", "203.0.113.78"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1001", "voip.example.net", (PH, 5060), reg_port=5060,
                   password="Yl-7731")
    srv = c.server("kamailio", S, "voip.example.net")
    dns = c.flow((PH, 40213), server=(RT, 53), views=("phone",))
    c.dns(dns, 0.0, "voip.example.net", "A", [a_rec("voip.example.net", S[0])], mark="dns")
    f1 = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, f1, srv, 0.06, 3600, mark="r0")
    c.register(ph, f1, srv, 1800.31, 3600, mark="r1", stale=True)
    c.unanswered(f1, ph.register(3600, auth=True), 3600.27, mark="stale")
    dns2 = c.flow((PH, 40219), server=(RT, 53), views=("phone",))
    c.dns(dns2, 3632.30, "voip.example.net", "A", [a_rec("voip.example.net", S[0])])
    ph.new_registration(local=(PH, 11762))
    f2 = c.flow((PH, 11762), (B, 11762), S)
    t = c.register(ph, f2, srv, 3632.36, 3600, mark="new", stale=True)
    c.register(ph, f2, srv, t + 1800.0, 3600, mark="new2", stale=True)


@scenario("stale_nat_new_port_after_lapse", "nat.stale_binding", t0=T(2024, 4, 2, 21, 14, 9))
def stale_after_lapse(c):
    """Grandstream GXP2170 registers 2001@pbx.example.org at FreeSWITCH (Expires 3600,
    refresh at 90 %, 3240 s). The router's WAN address changes (192.0.2.133 ->
    192.0.2.201) at about 70 min and the old conntrack mapping of local port 5060 is kept
    alive by the phone's own retries: the refresh at 6480 s and every retry from port
    5060 (each 11 copies, 20 s retry wait) go unanswered; the binding granted at 3240 s
    lapses at 6840 s. At 6950 s the phone re-initialises its SIP stack on a random port
    (53122) and registers at once: 200 with received=192.0.2.201."""
    PH, RT, A, B = "192.168.0.105", "192.168.0.1", "192.0.2.133", "192.0.2.201"
    S = ("203.0.113.50", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, HUAWEI_CPE)
    ph = c.phone("grandstream", "2001", "pbx.example.org", (PH, 5060),
                   password="gs!2001")
    srv = c.server("freeswitch", S, "pbx.example.org")
    f1 = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, f1, srv, 0.0, 3600, mark="r0")
    c.register(ph, f1, srv, 3240.02, 3600, mark="r1", stale=True)
    t = 6480.02
    n = 0
    while t < 6900:
        n += 1
        _, last = c.unanswered(f1, ph.register(3600, auth=True), t,
                               mark="stale" if n == 1 else "retry%d" % n)
        t = last + 0.5 + 20.0
    ph.new_registration(local=(PH, 53122))
    f2 = c.flow((PH, 53122), (B, 53122), S)
    c.register(ph, f2, srv, 6950.4, 3600, mark="new", stale=True)


@scenario("stale_nat_answers_lost", "nat.stale_binding", views=("server",),
          t0=T(2024, 5, 7, 2, 3, 44))
def stale_answers_lost(c):
    """Server side only (tcpdump -i any on the Kamailio registrar, SLL2). A Fanvil X4U
    behind NAT registers 3001@sip.example.com from 203.0.113.9:5060 (Expires 3600,
    refresh 1800 s). At 3600 s the refresh arrives again from 203.0.113.9:5060 (the
    router was renumbered; its stale conntrack entry still uses the old address, which no
    longer routes back): Kamailio challenges each of the 11 copies (stateless 401
    stale=true, a new nonce each) and the phone never answers the challenge: it keeps
    retransmitting. At 3632 s a new flow arrives from 203.0.113.114:61027 (Via sent-by
    10.0.7.21:5062: the phone moved to a new local port) and registers; refreshed at
    5433 s."""
    S = ("198.51.100.10", 5060)
    PH, A, B = "10.0.7.21", "203.0.113.9", "203.0.113.114"
    c.server_side(S[0], KVM, JUNIPER, linktype=SLL2)
    ph = c.phone("fanvil", "3001", "sip.example.com", (PH, 5060), password="fv3001!")
    srv = c.server("kamailio", S, "sip.example.com")
    f1 = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, f1, srv, 0.0, 3600, mark="r0")
    c.register(ph, f1, srv, 1800.44, 3600, mark="r1", stale=True)
    req = ph.register(3600, auth=True)

    def answer(ts, sent, i):
        f1.down(ts, srv.reg_challenge(req, f1.public, ts, stale=True), reach=False,
                mark="stale.401" if i == 0 else None)
    c.unanswered(f1, req, 3600.41, mark="stale", answer_srv=answer)
    ph.new_registration(local=(PH, 5062))
    f2 = c.flow((PH, 5062), (B, 61027), S)
    t = c.register(ph, f2, srv, 3632.47, 3600, mark="new", stale=True)
    c.register(ph, f2, srv, t + 1800.0, 3600, mark="new2", stale=True)


@scenario("stale_nat_icmp_asterisk", "nat.stale_binding", views=("server",),
          t0=T(2024, 6, 18, 9, 30, 0))
def stale_icmp_asterisk(c):
    """Server side only, Asterisk 20 (chan_pjsip) on 192.0.2.10: a snom D785 behind a
    FRITZ!Box registers 4001 (Expires 3600, refresh 1800 s). After the box's WAN address
    changed (198.51.100.77 -> 198.51.100.142), the refresh at 3600 s still arrives from
    198.51.100.77:5060; Asterisk answers 401 (stale nonce) and the ISP's router answers
    each 401 with ICMP host unreachable (3/1) from 198.51.100.1: the old address is no
    longer assigned. Every retransmission gets the same 401 and the same ICMP. At 3632 s
    the phone registers from a new local port (5062) through 198.51.100.142:5062."""
    S = ("192.0.2.10", 5060)
    PH, A, B = "192.168.178.40", "198.51.100.77", "198.51.100.142"
    c.server_side(S[0], KVM2, ARISTA)
    ph = c.phone("snom", "4001", "192.0.2.10", (PH, 5060), password="snom-4001",
                   display="Reception")
    srv = c.server("asterisk", S, "asterisk")
    f1 = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, f1, srv, 0.0, 3600, mark="r0")
    c.register(ph, f1, srv, 1800.12, 3600, mark="r1", stale=True)
    req = ph.register(3600, auth=True)
    a401 = srv.reg_challenge(req, f1.public, 3600.2, stale=True)

    def answer(ts, sent, i):
        s = f1.down(ts, a401, reach=False, mark="stale.401" if i == 0 else None)
        f1.icmp_to_server(ts + c.d() * 0.6, "198.51.100.1", s, 3, 1,
                          mark="stale.icmp" if i == 0 else None)
    c.unanswered(f1, req, 3600.13, mark="stale", answer_srv=answer)
    ph.new_registration(local=(PH, 5062))
    f2 = c.flow((PH, 5062), (B, 5062), S)
    c.register(ph, f2, srv, 3632.2, 3600, mark="new", stale=True)


@scenario("stale_nat_pair", "nat.stale_binding", views=("phone", "server"),
          t0=T(2024, 7, 1, 15, 0, 0))
def stale_pair(c):
    """Both ends of one path: the phone's capture (Yealink T54W at 172.16.5.20 behind a
    MikroTik) and the Kamailio registrar's (server clock 2.347 s ahead). Registered as
    203.0.113.200:5060 (Expires 3600, refresh 1800 s). The WAN address changes to
    203.0.113.201; the refresh at 3600 s still leaves as 203.0.113.200:5060 and reaches the
    server (the third copy is lost on the way), which challenges every copy; none of the
    401s reaches the phone. After timer F the phone registers from local port 5064
    (203.0.113.201:5064) and succeeds."""
    PH, RT, A, B = "172.16.5.20", "172.16.5.1", "203.0.113.200", "203.0.113.201"
    S = ("198.51.100.10", 5060)
    c.w.delay = 0.023
    c.phone_side(PH, pmac("yealink_t54"), RT, MIKROTIK)
    c.server_side(S[0], KVM, JUNIPER, clock=2.347)
    ph = c.phone("yealink_t54", "1003", "voip.example.net", (PH, 5060), reg_port=5060,
                   password="t54-1003")
    srv = c.server("kamailio56", S, "voip.example.net")
    f1 = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, f1, srv, 0.0, 3600, mark="r0")
    c.register(ph, f1, srv, 1800.08, 3600, mark="r1", stale=True)
    req = ph.register(3600, auth=True)

    def answer(ts, sent, i):
        f1.down(ts, srv.reg_challenge(req, f1.public, ts, stale=True), reach=False,
                mark="stale.401" if i == 0 else None)
    c.unanswered(f1, req, 3600.05, mark="stale", answer_srv=answer, reach=lambda i: i != 2)
    ph.new_registration(local=(PH, 5064))
    f2 = c.flow((PH, 5064), (B, 5064), S)
    c.register(ph, f2, srv, 3632.1, 3600, mark="new", stale=True)


@scenario("public_phone_outage_new_port", "nat.stale_binding", t0=T(2024, 3, 20, 10, 0, 0))
def public_outage(c):
    """Near miss. A Fanvil X4U with a public address (192.0.2.77, no NAT: Via received
    equals sent-by) registers at FreeSWITCH 203.0.113.60 (Expires 3600, refresh 1800 s).
    The server is down from about 3550 s: the refresh at 3600 s and a retry at 3663 s go
    unanswered. The user power-cycles the phone; at 3714 s it registers from another port
    (5062) and gets 200 with the same received address. The binding granted at 1800 s
    (until 5400 s) never lapsed."""
    PH, RT = "192.0.2.77", "192.0.2.65"
    S = ("203.0.113.60", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, JUNIPER)
    ph = c.phone("fanvil", "3007", "sip.example.org", (PH, 5060), password="x4u#3007")
    srv = c.server("freeswitch", S, "sip.example.org")
    f1 = c.flow((PH, 5060), (PH, 5060), S, nat=False)
    c.register(ph, f1, srv, 0.0, 3600, mark="r0")
    c.register(ph, f1, srv, 1800.2, 3600, mark="r1", stale=True)
    _, last = c.unanswered(f1, ph.register(3600, auth=True), 3600.2, mark="outage")
    c.unanswered(f1, ph.register(3600, auth=True), last + 31.0, mark="retry")
    ph.new_registration(local=(PH, 5062))
    f2 = c.flow((PH, 5062), (PH, 5062), S, nat=False)
    c.register(ph, f2, srv, 3714.5, 3600, mark="new", stale=True)


@scenario("outage_new_port_also_fails", "nat.stale_binding", t0=T(2024, 8, 9, 13, 0, 0))
def outage_new_port_fails(c):
    """Near miss. Grandstream GXP2170 behind NAT (203.0.113.30, port preserving) at
    Asterisk 198.51.100.40 (Expires 1800, refresh at 50 %). The server is down from about
    1750 s to 2900 s: the refresh at 1800 s from port 5060 fails (timer F), the phone
    switches to local port 5064 and every attempt from it fails too (every 52 s); the
    binding lapses at 2700 s. When the server is back, the next attempt from port 5064 is
    answered: 200 with received=203.0.113.30, the same public address as before."""
    PH, RT, A = "192.168.2.50", "192.168.2.1", "203.0.113.30"
    S = ("198.51.100.40", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, TPLINK)
    ph = c.phone("grandstream", "2050", "198.51.100.40", (PH, 5060), password="gs2050")
    srv = c.server("asterisk", S, "asterisk")
    f1 = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, f1, srv, 0.0, 1800, mark="r0")
    c.register(ph, f1, srv, 900.1, 1800, mark="r1", stale=True)
    _, last = c.unanswered(f1, ph.register(1800, auth=True), 1800.1, mark="outage")
    ph.new_registration(local=(PH, 5064))
    f2 = c.flow((PH, 5064), (A, 5064), S)
    t = last + 20.5
    n = 0
    while t < 2900:
        n += 1
        _, last = c.unanswered(f2, ph.register(1800, auth=True), t,
                               mark="newport" if n == 1 else None)
        t = last + 20.5
    c.register(ph, f2, srv, t, 1800, mark="back", stale=True)


@scenario("renumbered_same_port_ok", "nat.stale_binding", t0=T(2024, 9, 3, 4, 0, 0))
def renumbered_ok(c):
    """Near miss. Yealink T46U behind NAT at Kamailio (Expires 3600, refresh 1800 s). The
    ISP renumbers the router (203.0.113.45 -> 203.0.113.91) and the router flushes its
    conntrack table, so the refresh at 1800 s from the same local port 5060 leaves with the
    new address and is answered at once (received=203.0.113.91); so is the next one. No
    request ever fails."""
    PH, RT, A, B = "192.168.1.23", "192.168.1.1", "203.0.113.45", "203.0.113.91"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1001", "voip.example.net", (PH, 5060), reg_port=5060,
                   password="Yl-7731")
    srv = c.server("kamailio", S, "voip.example.net")
    c.register(ph, c.flow((PH, 5060), (A, 5060), S), srv, 0.0, 3600, mark="r0")
    f2 = c.flow((PH, 5060), (B, 5060), S)
    c.register(ph, f2, srv, 1800.2, 3600, mark="r1", stale=True)
    c.register(ph, f2, srv, 3600.3, 3600, mark="r2", stale=True)


# ====================================================================== 2. NAT binding expiry

@scenario("binding_expired_rport_changes", "nat.binding_expired", t0=T(2024, 3, 14, 8, 0, 0))
def binding_expired_phone(c):
    """Fanvil X4U at 192.168.10.31:5060 behind a router whose NAT does not preserve ports
    and drops idle UDP mappings after 120 s; the phone sends no keepalives. It registers
    at OpenSIPS (Expires 1800, refresh every 900 s). Every refresh leaves through a new
    mapping: the 200s report rport 31744, 40962, 18305, 52011 (received=203.0.113.88
    each time) while the phone's local port stays 5060."""
    PH, RT, A = "192.168.10.31", "192.168.10.1", "203.0.113.88"
    S = ("198.51.100.25", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, HUAWEI_CPE)
    ph = c.phone("fanvil", "3101", "sip.example.net", (PH, 5060), password="fv-3101")
    srv = c.server("opensips", S, "sip.example.net")
    for i, (t, port) in enumerate([(0.0, 31744), (900.3, 40962), (1800.5, 18305),
                                   (2700.8, 52011)]):
        c.register(ph, c.flow((PH, 5060), (A, port), S), srv, t, 1800, mark="r%d" % i,
                   stale=i > 0)


@scenario("binding_expired_source_port_changes", "nat.binding_expired", views=("server",),
          t0=T(2024, 4, 22, 18, 45, 0))
def binding_expired_server(c):
    """Server side (Kamailio, Ethernet). A Grandstream GXP2170 behind NAT registers
    2044@voip.example.net with Expires 3600 and refreshes every 1800 s. Each refresh
    arrives from 192.0.2.150 but from another source port (1024, 1731, 2270): the NAT's
    mapping timed out between refreshes. The Via sent-by (192.168.0.50:5060) and the
    Call-ID never change."""
    S = ("198.51.100.10", 5060)
    PH, A = "192.168.0.50", "192.0.2.150"
    c.server_side(S[0], KVM, JUNIPER)
    ph = c.phone("grandstream", "2044", "voip.example.net", (PH, 5060),
                   password="gxp2044")
    srv = c.server("kamailio", S, "voip.example.net")
    for i, (t, port) in enumerate([(0.0, 1024), (1800.2, 1731), (3600.4, 2270)]):
        c.register(ph, c.flow((PH, 5060), (A, port), S), srv, t, 3600, mark="r%d" % i,
                   stale=i > 0)


@scenario("binding_expired_options_icmp", "nat.binding_expired", views=("server",),
          t0=T(2024, 5, 29, 11, 0, 0))
def binding_expired_options(c):
    """Server side, Asterisk 20 on 203.0.113.60 (SLL). A Yealink T46U behind a
    port-preserving NAT (198.51.100.90:5060) registers 1201 with Expires 600 and refreshes
    every 300 s; the router drops idle UDP mappings after 90 s and the phone sends no
    keepalives. Asterisk qualifies the contact with OPTIONS every 120 s (pjsip
    retransmits on timer E): OPTIONS that come within 90 s of the last packet are answered
    200; the others get ICMP port unreachable (3/3) from 198.51.100.90 for every copy (no
    mapping), until the next refresh recreates it."""
    S = ("203.0.113.60", 5060)
    PH, A = "192.168.1.41", "198.51.100.90"
    c.server_side(S[0], KVM2, ARISTA, linktype=SLL)
    ph = c.phone("yealink", "1201", "203.0.113.60", (PH, 5060), password="yl1201")
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)
    events = [("reg", 300.0 * i + 0.2 * i) for i in range(4)] + \
        [("opt", 45.0 + 120.0 * i) for i in range(8)]
    events.sort(key=lambda e: e[1])
    last_activity = -1e9
    nopt = 0
    cseq = 26175
    for kind, t in events:
        if kind == "reg":
            c.register(ph, fl, srv, t, 600, mark="r%d" % int(t // 300), stale=t > 0)
            last_activity = t
            continue
        nopt += 1
        cseq += 1
        opt = srv.request("OPTIONS", "sip:1201@%s:5060" % A, "<sip:1201@%s>" % A,
                          "%s" % sip.hexs(c.rng, 32), cseq, from_uri="sip:1201@203.0.113.60")
        if t - last_activity < 90.0:
            fl.down(t, opt, mark="opt%d" % nopt)
            ts = t + c.d() + 0.004
            fl.up(ts, ph.answer(opt, 200, "OK", to_tag=ph.new_tag()), mark="opt%d.200" % nopt)
            last_activity = t
        else:
            for k, dt in enumerate(c.timer_e(0.0)):
                s = fl.down(t + dt, opt, reach=False,
                            mark=("opt%d" % nopt) if k == 0 else None)
                fl.icmp_to_server(t + dt + 2 * c.d(), A, s, 3, 3,
                                  mark=("opt%d.icmp" % nopt) if k == 0 else None)


@scenario("rport_changes_local_port_changed", "nat.binding_expired",
          t0=T(2024, 6, 2, 7, 0, 0))
def rport_local_changed(c):
    """Near miss. Linphone Desktop on a laptop (192.168.50.12) opens a new random local
    port at each re-registration after the Wi-Fi roams (ports 46210, 51877, 38090); the
    port-preserving NAT maps each one to the same port on 203.0.113.17, so the rport in
    the 200 changes with the local port. Every REGISTER is answered (FreeSWITCH, Expires
    600, refresh at 300 s)."""
    PH, RT, A = "192.168.50.12", "192.168.50.1", "203.0.113.17"
    S = ("192.0.2.44", 5060)
    c.phone_side(PH, pmac("linphone"), RT, FRITZ)
    ph = c.phone("linphone", "alice", "sip.example.org", (PH, 46210),
                   password="wonderland")
    srv = c.server("freeswitch", S, "sip.example.org")
    for i, (t, port) in enumerate([(0.0, 46210), (300.4, 51877), (600.9, 38090)]):
        ph.local = (PH, port)
        c.register(ph, c.flow((PH, port), (A, port), S), srv, t, 600, mark="r%d" % i,
                   stale=i > 0)


@scenario("public_ip_changed_ok", "nat.binding_expired", views=("server",),
          t0=T(2024, 7, 15, 3, 30, 0))
def public_ip_changed(c):
    """Near miss, server side (FreeSWITCH). A snom D785 behind a port-preserving NAT
    refreshes every 1800 s (Expires 3600); between the first and the second refresh the
    ISP renumbers the router (198.51.100.77 -> 198.51.100.142), so refreshes arrive from a
    new address (same port 5060) and are answered at once. Nothing fails."""
    S = ("203.0.113.80", 5060)
    PH = "192.168.178.40"
    c.server_side(S[0], KVM, JUNIPER)
    ph = c.phone("snom", "4100", "pbx.example.com", (PH, 5060), password="snom4100")
    srv = c.server("freeswitch", S, "pbx.example.com")
    for i, (t, pub) in enumerate([(0.0, "198.51.100.77"), (1800.1, "198.51.100.77"),
                                  (3600.3, "198.51.100.142"), (5400.4, "198.51.100.142")]):
        c.register(ph, c.flow((PH, 5060), (pub, 5060), S), srv, t, 3600, mark="r%d" % i,
                   stale=i > 0)


# ====================================================================== 3. registration over time

@scenario("flapping_timeouts", "register.flapping", t0=T(2024, 3, 25, 9, 0, 0))
def flapping_timeouts(c):
    """Fanvil X4U behind NAT at Asterisk (Expires 600, refresh at 50 %). Twice within 40
    minutes the path to the server drops everything (for about 6 and 11 minutes): the
    refresh and every retry (each 11 copies on timer E, retried 30 s after timer F) go
    unanswered, the binding lapses (at about 905 s and 1877 s), and when the path is back
    the next retry registers again (200 at about 972 s and 2262 s)."""
    PH, RT, A = "192.168.1.60", "192.168.1.1", "203.0.113.61"
    S = ("198.51.100.40", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, TPLINK)
    ph = c.phone("fanvil", "3160", "198.51.100.40", (PH, 5060), password="fv3160")
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 600, mark="r0")
    c.register(ph, fl, srv, 300.1, 600, mark="r1", stale=True)
    cyc = 0
    t = 600.2
    for outage_end in (960.0, 2250.0):
        cyc += 1
        n = 0
        while t < outage_end:
            n += 1
            _, last = c.unanswered(fl, ph.register(600, auth=True), t,
                                   mark="down%d" % cyc if n == 1 else None)
            t = last + 0.5 + 30.0
        t = c.register(ph, fl, srv, t, 600, mark="back%d" % cyc, stale=True)
        if cyc == 1:
            t = c.register(ph, fl, srv, t + 300.0, 600, mark="r2", stale=True)
            t += 300.0
    c.register(ph, fl, srv, t + 300.0, 600, mark="r3", stale=True)


@scenario("flapping_options_unanswered", "register.flapping", views=("server",),
          t0=T(2024, 4, 11, 14, 0, 0))
def flapping_options(c):
    """Server side (Kamailio with nathelper pinging every 30 s, single OPTIONS, From
    sip:pinger@voip.example.net). A Yealink T54W on Wi-Fi registers with Expires 600
    (refresh 300 s) and answers the pings. Twice the phone drops off the network for
    about 11 minutes (at 400 s and 1900 s): the pings go unanswered, its refreshes never
    arrive, the binding lapses (905 s, 2405 s); when it is back it registers again (the
    CSeq jumped: its attempts were lost on the way) and answers the pings again."""
    S = ("198.51.100.10", 5060)
    PH, A = "192.168.1.77", "203.0.113.77"
    c.server_side(S[0], KVM, JUNIPER)
    ph = c.phone("yealink_t54", "1077", "voip.example.net", (PH, 5060),
                   reg_port=5060, password="t54-1077")
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    down = [(400.0, 1050.0), (1900.0, 2550.0)]
    regs = [0.0, 300.1, 1050.3, 1350.4, 1650.5, 2550.2, 2850.3]

    def is_down(t):
        return any(a <= t < b for a, b in down)
    events = [("reg", t) for t in regs] + [("opt", 15.0 + 30.0 * i) for i in range(105)]
    events.sort(key=lambda e: e[1])
    cyc = 0
    for kind, t in events:
        if kind == "reg":
            if t in (1050.3, 2550.2):
                cyc += 1
                ph.cseq["REGISTER"] += 7 if cyc == 1 else 9   # attempts lost while away
                c.register(ph, fl, srv, t, 600, mark="back%d" % cyc, stale=True)
            else:
                c.register(ph, fl, srv, t, 600, mark="r%d" % regs.index(t), stale=t > 0)
            continue
        opt = srv.request("OPTIONS", "sip:1077@%s:5060" % PH, "<sip:1077@%s:5060>" % PH,
                          "%s-%d@198.51.100.10" % (sip.hexs(c.rng, 8), int(t)), 1,
                          from_uri="sip:pinger@voip.example.net")
        if is_down(t):
            fl.down(t, opt, reach=False, mark="lost%d" % (1 if t < 1500 else 2)
                    if t in (405.0, 1905.0) else None)
        else:
            fl.down(t, opt)
            fl.up(t + 2 * c.d() + 0.003, ph.answer(opt, 200, "OK", to_tag=ph.new_tag()))


@scenario("flapping_late_refreshes", "register.flapping", t0=T(2024, 5, 2, 16, 0, 0))
def flapping_late(c):
    """Yealink T46U asks Expires 3600 from a Huawei IMS core, which grants 900 (Contact
    expires=900); the phone keeps its own timer (refresh at 50 % of what it asked, every
    1800 s), so the binding lapses 905 s after each registration and comes back at the
    next refresh: lost at about 905 s and 2705 s, back at 1800 s and 3600 s."""
    PH, RT, A = "192.168.8.20", "192.168.8.1", "100.72.18.9"
    S = ("192.0.2.100", 5060)
    c.phone_side(PH, pmac("yealink"), RT, HUAWEI_CPE)
    ph = c.phone("yealink", "+861087654321", "ims.example.cn", (PH, 5060),
                   password="ims-8765", auth_user="861087654321@ims.example.cn")
    srv = c.server("huawei", S, "ims.example.cn")
    fl = c.flow((PH, 5060), (A, 5060), S)
    for i, t in enumerate((0.0, 1800.2, 3600.3)):
        c.register(ph, fl, srv, t, 3600, mark="r%d" % i, granted=900)


@scenario("refresh_5xx_retried", "register.flapping", t0=T(2024, 6, 5, 0, 0, 0))
def refresh_5xx(c):
    """Near miss. Grandstream GXP2170 at a Huawei IMS core (Expires 3600, refresh at 50 %).
    The refresh at 1800 s gets 503 Service Unavailable (Retry-After: 60); the phone retries
    60 s later and registers. Hours later (7260 s) a refresh gets 500 Server Internal
    Error; the retry 32 s later registers. The binding never lapsed."""
    PH, RT, A = "192.168.1.90", "192.168.1.1", "203.0.113.190"
    S = ("192.0.2.100", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, HUAWEI_CPE)
    ph = c.phone("grandstream", "+861012345678", "ims.example.cn", (PH, 5060),
                   password="gs-ims", auth_user="861012345678@ims.example.cn")
    srv = c.server("huawei", S, "ims.example.cn")
    fl = c.flow((PH, 5060), (A, 5060), S)
    t = c.register(ph, fl, srv, 0.0, 3600, mark="r0")
    req = ph.register(3600, auth=True)
    t, _ = c.exchange(fl, req, 1800.1, lambda ts: srv.respond(
        req, 503, "Service Unavailable", fl.public, extra=[("Retry-After", "60")]), mark="e503")
    t = c.register(ph, fl, srv, t + 60.0, 3600, mark="retry503")
    t = c.register(ph, fl, srv, t + 1800.0, 3600, mark="r2")
    t = c.register(ph, fl, srv, t + 1800.0, 3600, mark="r3")
    req = ph.register(3600, auth=True)
    t, _ = c.exchange(fl, req, t + 1800.0, lambda ts: srv.respond(
        req, 500, "Server Internal Error", fl.public), mark="e500")
    t = c.register(ph, fl, srv, t + 32.0, 3600, mark="retry500")
    c.register(ph, fl, srv, t + 1800.0, 3600, mark="r5")


@scenario("interval_too_brief_corrected", "register.flapping", t0=T(2024, 6, 20, 12, 0, 0))
def interval_423(c):
    """Near miss. Fanvil X4U configured with a registration expiry of 300 s at Kamailio
    with min_expires 600: every REGISTER asking 300 gets 423 Interval Too Brief with
    Min-Expires: 600 and the phone retries at once asking 600, which is granted. It then
    refreshes after 300 s asking 300 again: the same 423 and correction on every refresh,
    for an hour."""
    PH, RT, A = "10.1.1.50", "10.1.1.1", "198.51.100.150"
    S = ("203.0.113.10", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, MIKROTIK)
    ph = c.phone("fanvil", "3050", "voip.example.com", (PH, 5060), password="fv3050")
    srv = c.server("kamailio", S, "voip.example.com")
    fl = c.flow((PH, 5060), (A, 5060), S)
    t = 0.0
    for i in range(13):
        r1 = ph.register(300, auth=ph.challenge is not None)
        if ph.challenge is None:
            t, a = c.exchange(fl, r1, t, lambda ts: srv.reg_challenge(r1, fl.public, ts),
                              mark="c%d" % i)
            ph.learn(a)
            r1 = ph.register(300, auth=True)
            t += 0.006
        t, _ = c.exchange(fl, r1, t, lambda ts: srv.respond(
            r1, 423, "Interval Too Brief", fl.public, extra=[("Min-Expires", "600")]),
            mark="e423_%d" % i)
        r2 = ph.register(600, auth=True)
        t, _ = c.exchange(fl, r2, t + 0.005, lambda ts: srv.reg_ok(r2, fl.public, ts),
                          mark="ok%d" % i)
        t += 300.0 + c.w.jitter(50)


@scenario("challenge_every_refresh", "register.flapping", t0=T(2024, 7, 9, 6, 0, 0))
def challenge_every(c):
    """Near miss. snom D785 at a Huawei IMS core that never accepts a reused nonce and
    does not mark it stale: every refresh (Expires 3600, every 1800 s, for 3 hours) is
    answered 401 without stale=true, then 200 to the new credentials."""
    PH, RT, A = "192.168.178.41", "192.168.178.1", "198.51.100.78"
    S = ("192.0.2.100", 5060)
    c.phone_side(PH, pmac("snom"), RT, FRITZ)
    ph = c.phone("snom", "+861055512345", "ims.example.cn", (PH, 5060),
                   password="snom-ims", auth_user="861055512345@ims.example.cn")
    srv = c.server("huawei", S, "ims.example.cn")
    fl = c.flow((PH, 5060), (A, 5060), S)
    t = 0.0
    for i in range(7):
        t = c.register(ph, fl, srv, t, 3600, mark="r%d" % i) + 1800.0 - 0.05


@scenario("expired_refresh_timer_too_long", "register.expired", t0=T(2024, 8, 1, 8, 0, 0))
def expired_phone(c):
    """Grandstream GXP2170 asks Expires 3600; Kamailio (max_expires 600) grants 600 in the
    200's Contact; the phone ignores it and refreshes after 3600 s ("re-register before
    expiration" 0). The binding lapses at 605 s with no refresh started; the refresh at
    3600 s registers again."""
    PH, RT, A = "192.168.0.120", "192.168.0.1", "203.0.113.120"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, TPLINK)
    ph = c.phone("grandstream", "2120", "voip.example.net", (PH, 5060),
                   password="gs2120")
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 3600, mark="r0", granted=600)
    c.register(ph, fl, srv, 3600.1, 3600, mark="r1", granted=600, stale=True)


@scenario("expired_server_forces_300", "register.expired", views=("server",),
          t0=T(2024, 8, 19, 20, 0, 0))
def expired_server(c):
    """Server side, FreeSWITCH with sip-force-expires=300 (SLL2). A Yealink T46U behind NAT
    asks 3600 and refreshes every 1800 s: each binding lapses 300 s after it was granted
    and the phone comes back 1500 s later: lapses at about 305 s and 2105 s, back at
    1800 s and 3600 s."""
    S = ("203.0.113.50", 5060)
    PH, A = "192.168.1.23", "198.51.100.123"
    c.server_side(S[0], KVM2, ARISTA, linktype=SLL2)
    ph = c.phone("yealink", "1023", "pbx.example.org", (PH, 5060), password="yl1023")
    srv = c.server("freeswitch", S, "pbx.example.org")
    fl = c.flow((PH, 5060), (A, 5060), S)
    for i, t in enumerate((0.0, 1800.1, 3600.2)):
        c.register(ph, fl, srv, t, 3600, mark="r%d" % i, granted=300, stale=i > 0)


@scenario("refresh_within_grace", "register.expired", t0=T(2024, 9, 10, 10, 0, 0))
def refresh_grace(c):
    """Near miss. Fanvil X4U asks Expires 600 at Kamailio and refreshes only when the
    granted time is up: 602.5 s after each 200 (2.5 s late, inside the 5 s grace), four
    times; every refresh is answered at once (401 stale=true, then 200)."""
    PH, RT, A = "192.168.1.61", "192.168.1.1", "203.0.113.161"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, TPLINK)
    ph = c.phone("fanvil", "3161", "voip.example.net", (PH, 5060), password="fv3161")
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    t = c.register(ph, fl, srv, 0.0, 600, mark="r0")
    for i in range(1, 5):
        t = c.register(ph, fl, srv, t + 602.5, 600, mark="r%d" % i, stale=True)


# ====================================================================== 4. no response

V6_PHONE, V6_ROUTER = "2001:db8:3c4d:15::1a2b", "2001:db8:3c4d:15::1"
V6_SERVER = "2001:db8:85a3::8a2e:370:7334"


@scenario("ipv6_icmp6_port_unreachable", "register.no_response", t0=T(2024, 3, 5, 9, 12, 0))
def v6_port_unreach(c):
    """IPv6, no NAT. A Yealink T46U (2001:db8:3c4d:15::1a2b) registers to
    [2001:db8:85a3::8a2e:370:7334]:5070, where nothing listens (the provider uses 5060):
    each of the 11 copies is answered by ICMPv6 destination unreachable, port
    unreachable (1/4) from the server, quoting the REGISTER."""
    c.phone_side(V6_PHONE, pmac("yealink"), V6_ROUTER, FRITZ)
    S = (V6_SERVER, 5070)
    ph = c.phone("yealink", "1001", "sip6.example.net", (V6_PHONE, 5060), reg_port=5070)
    fl = c.flow((V6_PHONE, 5060), server=S, nat=False)
    c.unanswered(fl, ph.register(3600), 0.0, mark="reg",
                 icmp=lambda t, s, i: fl.icmp_from_server(t, s, mark="icmp" if i == 0 else
                                                          ("icmp.last" if i == 10 else None)))


@scenario("ipv6_icmp6_admin_prohibited", "register.no_response", t0=T(2024, 3, 6, 17, 40, 0))
def v6_admin(c):
    """IPv6, no NAT. Linphone on 2001:db8:3c4d:15::1a2b registers to FreeSWITCH at
    [2001:db8:85a3::8a2e:370:7334]:5060; the home router's IPv6 firewall rejects
    outgoing SIP (a "block SIP" rule): each copy gets ICMPv6 destination
    unreachable, communication administratively prohibited (1/1) from the router
    2001:db8:3c4d:15::1."""
    c.phone_side(V6_PHONE, pmac("linphone"), V6_ROUTER, FRITZ)
    S = (V6_SERVER, 5060)
    ph = c.phone("linphone", "bob", "sip6.example.org", (V6_PHONE, 5060))
    fl = c.flow((V6_PHONE, 5060), server=S, nat=False)
    c.unanswered(fl, ph.register(600), 0.0, mark="reg",
                 icmp=lambda t, s, i: fl.icmp_from_router(
                     t - c.d() + 0.0002, V6_ROUTER, s, 1, 1, hops_from_phone=0,
                     mark="icmp" if i == 0 else None))


@scenario("ipv6_silence", "register.no_response", t0=T(2024, 3, 7, 8, 0, 0))
def v6_silence(c):
    """IPv6, no NAT. snom D785 registers to Asterisk at [2001:db8:85a3::8a2e:370:7334]:5060
    and nothing comes back: 11 copies over 31.5 s, then the next attempt 30 s later,
    also unanswered."""
    c.phone_side(V6_PHONE, pmac("snom"), V6_ROUTER, FRITZ)
    S = (V6_SERVER, 5060)
    ph = c.phone("snom", "4006", "sip6.example.com", (V6_PHONE, 5060))
    fl = c.flow((V6_PHONE, 5060), server=S, nat=False)
    _, last = c.unanswered(fl, ph.register(3600), 0.0, mark="reg")
    c.unanswered(fl, ph.register(3600), last + 30.5, mark="reg2")


@scenario("silence_server_side", "register.no_response", views=("server",),
          t0=T(2024, 4, 3, 12, 0, 0))
def silence_server(c):
    """Server side (Kamailio, SLL2). A Grandstream GXP2170 behind NAT (192.0.2.151:1029)
    sends REGISTER for 2151@sip.example.com; this Kamailio serves voip.example.com only and
    drops requests for other domains without answering (to give scanners nothing). The
    capture shows the 11 copies arriving and nothing leaving; the phone retries 20 s
    after timer F, with the same result."""
    S = ("198.51.100.10", 5060)
    c.server_side(S[0], KVM, JUNIPER, linktype=SLL2)
    ph = c.phone("grandstream", "2151", "sip.example.com", ("192.168.1.151", 5060))
    fl = c.flow(("192.168.1.151", 5060), ("192.0.2.151", 1029), S)
    _, last = c.unanswered(fl, ph.register(3600), 0.0, mark="reg")
    c.unanswered(fl, ph.register(3600), last + 20.5, mark="reg2")


@scenario("silence_t1_1s", "register.no_response", t0=T(2024, 4, 9, 7, 30, 0))
def silence_t1(c):
    """A Grandstream GXP2170 with "SIP T1 Timeout" set to 1 s (T2 4 s) registers to an
    address where nothing answers: 18 copies at 0, 1, 3, 7, 11 ... 63 s (its own timer F is
    64 s; RFC timer F for the default T1 is 32 s)."""
    PH, RT, A = "192.168.0.150", "192.168.0.1", "203.0.113.150"
    S = ("192.0.2.200", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, TPLINK)
    ph = c.phone("grandstream", "2150", "192.0.2.200", (PH, 5060))
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.unanswered(fl, ph.register(3600), 0.0, mark="reg", T1=1.0)


@scenario("tcp_refused_rst", "register.no_response", t0=T(2024, 4, 16, 10, 0, 0))
def tcp_rst(c):
    """A Grandstream GXP2170 set to TCP registers to FreeSWITCH at 203.0.113.50, whose
    profile listens on UDP only: every SYN to port 5060 is answered RST/ACK by the host.
    The phone retries every 20 s from a new ephemeral port (3 attempts). No SIP is ever
    sent."""
    PH, RT, A = "192.168.0.160", "192.168.0.1", "198.51.100.160"
    S = ("203.0.113.50", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, TPLINK)
    dns = c.flow((PH, 34512), server=(RT, 53), views=("phone",))
    c.dns(dns, 0.0, "pbx.example.org", "A", [a_rec("pbx.example.org", S[0], 600)], mark="dns")
    t = 0.1
    for i, port in enumerate((41234, 41892, 42517)):
        fl = c.flow((PH, port), (A, port), S, proto="tcp")
        con = net.TcpConn(fl, c.rng)
        con.syn(t, mark="syn%d" % i)
        con.rst_to_syn(t + c.d() + 0.0003, mark="rst%d" % i)
        t += 20.0 + c.w.jitter(20)


@scenario("tcp_established_unanswered", "register.no_response", t0=T(2024, 4, 23, 9, 0, 0))
def tcp_unanswered(c):
    """A Yealink T46U registers over TCP to Kamailio 198.51.100.10:5060: the handshake
    works and the server's kernel ACKs the REGISTER, but no SIP answer ever comes (the
    registrar's TCP workers are stuck). After timer F (32 s) the phone sends a new REGISTER
    on the same connection at 62 s: ACKed, unanswered. Capture ends at 100 s."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "203.0.113.45"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1001", "voip.example.net", (PH, 5060), transport="TCP",
                 reg_port=5060)
    fl = c.flow((PH, 39812), (A, 39812), S, proto="tcp")
    con = net.TcpConn(fl, c.rng)
    t = con.handshake(0.0, mark="syn")
    con.send_c(t + 0.001, ph.register(3600), mark="reg")
    con.ack_s(t + 0.001 + c.d() + 0.04, mark="reg.ack")
    con.send_c(62.0, ph.register(3600), mark="reg2")
    con.ack_s(62.0 + c.d() + 0.04)
    c.w.taps["phone"].add_raw(100.0, net.arp_request(pmac("yealink"), PH, RT))


def invite_sdp(c, ph, ip, **kw):
    return sip.sdp(c.rng, ip, **kw)


@scenario("invite_timer_b_register_ok", "call.no_response", t0=T(2024, 5, 13, 15, 0, 0))
def invite_timer_b(c):
    """Fanvil X4U registers 3010 at Asterisk (200 at once), then calls 2002 at 25 s: the
    INVITE (with SDP) is sent 7 times on timer A (0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s)
    and nothing comes back, not even 100 Trying (the router's SIP ALG drops INVITEs).
    Timer B fires at 57 s. The registration refresh at 90 s is answered."""
    PH, RT, A = "192.168.1.110", "192.168.1.1", "203.0.113.110"
    S = ("198.51.100.40", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, HUAWEI_CPE)
    ph = c.phone("fanvil", "3010", "198.51.100.40", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 180, mark="r0")
    inv = ph.request("INVITE", "sip:2002@198.51.100.40", "sip:2002@198.51.100.40",
                     ph.new_call_id(), ph.new_tag(), 1, body=invite_sdp(c, ph, PH))
    c.unanswered(fl, inv, 25.0, mark="inv", invite=True)
    c.register(ph, fl, srv, 90.0, 180, mark="r1", stale=True)


@scenario("invite_fragments_lost", "call.no_response", t0=T(2024, 5, 20, 11, 0, 0))
def invite_frags(c):
    """Yealink T54W registers at Kamailio (about 800-byte REGISTERs, answered) and keeps
    its NAT binding with SIP OPTIONS every 30 s (answered 200). At 70 s it calls 1010 with
    an SDP offering SRTP and ICE candidates: the INVITE is 1,693 bytes and leaves in two
    IPv4 fragments; a firewall on the way drops fragments, so no copy ever arrives (7
    copies on timer A, 14 fragments). The OPTIONS at 90 s on the same flow is answered."""
    PH, RT, A = "192.168.1.54", "192.168.1.1", "203.0.113.54"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink_t54"), RT, MIKROTIK)
    ph = c.phone("yealink_t54", "1054", "voip.example.net", (PH, 5060), reg_port=5060)
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 600, mark="r0")
    for i in range(1, 3):
        t = 30.0 * i + 0.03 * i
        opt = ph.request("OPTIONS", "sip:voip.example.net:5060", "sip:1054@voip.example.net",
                         ph.new_call_id(), ph.new_tag(), 1)
        c.exchange(fl, opt, t, lambda ts: srv.respond(opt, 200, "OK", fl.public),
                   mark="ka%d" % i)
    body = sip.sdp(c.rng, PH, 11800)
    crypto = ["a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%s" % sip.alnum(c.rng, 40),
              "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:%s" % sip.alnum(c.rng, 40),
              "a=crypto:3 AEAD_AES_256_GCM inline:%s" % sip.alnum(c.rng, 60)]
    ice = ["a=ice-ufrag:%s" % sip.alnum(c.rng, 8), "a=ice-pwd:%s" % sip.alnum(c.rng, 24)]
    cands = ["a=candidate:%d 1 UDP %d %s %d typ %s" % (
        n, 2130706431 - n * 16777216, ip, port, typ) for n, (ip, port, typ) in enumerate(
        [(PH, 11800, "host"), (A, 11800, "srflx raddr %s rport 11800" % PH),
         (PH, 11801, "host"), (A, 11801, "srflx raddr %s rport 11801" % PH)], 1)]
    text = body.decode().replace("RTP/AVP", "RTP/SAVP").rstrip("\r\n").split("\r\n")
    text += crypto + ice + cands + ["a=rtcp-mux", "a=rtcp:11801 IN IP4 %s" % PH]
    body = ("\r\n".join(text) + "\r\n").encode()
    inv = ph.request("INVITE", "sip:1010@voip.example.net:5060", "sip:1010@voip.example.net",
                     ph.new_call_id(), ph.new_tag(), 1, body=body,
                     extra=[("Supported", "replaces, timer"), ("Session-Expires", "1800"),
                            ("Min-SE", "90"), ("P-Preferred-Identity",
                                               '"1054" <sip:1054@voip.example.net>'),
                            ("Allow-Events", "talk,hold,conference,refer,check-sync")])
    c.unanswered(fl, inv, 70.0, mark="inv", invite=True, reach=False)
    t = 90.09
    opt = ph.request("OPTIONS", "sip:voip.example.net:5060", "sip:1054@voip.example.net",
                     ph.new_call_id(), ph.new_tag(), 1)
    c.exchange(fl, opt, t, lambda ts: srv.respond(opt, 200, "OK", fl.public), mark="ka3")
    opt = ph.request("OPTIONS", "sip:voip.example.net:5060", "sip:1054@voip.example.net",
                     ph.new_call_id(), ph.new_tag(), 1)
    c.exchange(fl, opt, 120.12, lambda ts: srv.respond(opt, 200, "OK", fl.public), mark="ka4")


@scenario("invite_ringing_60s", "call.no_response", t0=T(2024, 5, 27, 16, 20, 0))
def invite_ringing(c):
    """Near miss. Grandstream GXP2170 registered at FreeSWITCH calls 2010: INVITE -> 407
    -> ACK -> INVITE with credentials -> 100 Trying -> 180 Ringing; the callee answers
    after 58 s (200 with SDP) -> ACK; the phone hangs up at 80 s (BYE -> 200)."""
    PH, RT, A = "192.168.0.170", "192.168.0.1", "198.51.100.170"
    S = ("203.0.113.50", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, TPLINK)
    ph = c.phone("grandstream", "2170", "pbx.example.org", (PH, 5060))
    srv = c.server("freeswitch", S, "pbx.example.org")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 3600, mark="r0")
    cid, ftag = ph.new_call_id(), ph.new_tag()
    ruri = "sip:2010@pbx.example.org"
    br = ph.new_branch()
    body = sip.sdp(c.rng, PH, 5004)
    inv = ph.request("INVITE", ruri, ruri, cid, ftag, 21, branch=br, body=body)
    t, a407 = c.exchange(fl, inv, 12.0, lambda ts: srv.respond(
        inv, 407, "Proxy Authentication Required", fl.public,
        extra=[srv.challenge_value(srv.nonce(ts), header_name="Proxy-Authenticate")]),
        mark="inv1")
    tag407 = sip.param(sip.header(a407, "To"), "tag")
    ack = ph.request("ACK", ruri, ruri, cid, ftag, 21, branch=br, to_tag=tag407)
    fl.up(t + 0.002, ack)
    ph.learn(a407)
    br = ph.new_branch()
    inv2 = ph.request("INVITE", ruri, ruri, cid, ftag, 22, branch=br, body=body,
                      extra=[ph.authorization("INVITE", ruri, "Proxy-Authorization")])
    t = t + 0.012
    fl.up(t, inv2, mark="inv2")
    ts = t + c.d() + 0.001
    fl.down(ts, srv.respond(inv2, 100, "Trying", fl.public), mark="inv2.100")
    tag = srv.to_tag()
    fl.down(ts + 0.4, srv.respond(inv2, 180, "Ringing", fl.public, to_tag=tag,
                                  contact="<sip:2010@203.0.113.50:5060>"), mark="inv2.180")
    sdp_b = sip.sdp(c.rng, S[0], 24680, name="FreeSWITCH")
    fl.down(ts + 58.0, srv.respond(inv2, 200, "OK", fl.public, to_tag=tag,
                                   contact="<sip:2010@203.0.113.50:5060;transport=udp>",
                                   extra=[("Content-Type", "application/sdp")], body=sdp_b),
            mark="inv2.200")
    t = ts + 58.0 + c.d() + 0.01
    fl.up(t, ph.request("ACK", "sip:2010@203.0.113.50:5060;transport=udp", ruri, cid, ftag, 22,
                        to_tag=tag), mark="ack")
    bye = ph.request("BYE", "sip:2010@203.0.113.50:5060;transport=udp", ruri, cid, ftag, 23,
                     to_tag=tag)
    c.exchange(fl, bye, 80.0, lambda ts: srv.respond(bye, 200, "OK", fl.public, to_tag=tag),
               mark="bye")


@scenario("register_answered_5th_copy", "register.no_response", t0=T(2024, 6, 3, 8, 0, 0))
def answered_5th(c):
    """Near miss. Fanvil X4U registers at OpenSIPS; the first four copies of the REGISTER
    (0, 0.5, 1.5, 3.5 s) are lost on the way, the fifth (7.5 s) arrives and is challenged;
    the authenticated REGISTER gets 200 at once."""
    PH, RT, A = "192.168.1.65", "192.168.1.1", "203.0.113.165"
    S = ("198.51.100.25", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, TPLINK)
    ph = c.phone("fanvil", "3165", "sip.example.net", (PH, 5060))
    srv = c.server("opensips", S, "sip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    req = ph.register(3600)
    times = c.timer_e(0.0)[:5]
    c.unanswered(fl, req, 0.0, mark="reg", times=times, reach=lambda i: i == 4)
    ts = times[-1] + c.d() + 0.001
    a401 = srv.reg_challenge(req, fl.public, ts)
    fl.down(ts, a401, mark="reg.401")
    ph.learn(a401)
    r2 = ph.register(3600, auth=True)
    t = ts + c.d() + 0.008
    fl.up(t, r2, mark="auth")
    fl.down(t + c.d() + 0.002, srv.reg_ok(r2, fl.public, t + c.d()), mark="auth.200")


# ====================================================================== 5. DNS

def dns_flow(c, PH, RT, port):
    return c.flow((PH, port), server=(RT, 53), views=("phone",), nat=False)


@scenario("dns_srv_nxdomain_a_ok", "register.no_response", t0=T(2024, 3, 18, 9, 0, 0))
def dns_srv_nx(c):
    """Near miss (RFC 3263 fallback). Yealink T46U resolves its registrar
    voip.example.net: the SRV query _sip._udp.voip.example.net gets NXDOMAIN, the A query
    gets 198.51.100.10; it registers there (401, 200)."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "203.0.113.45"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1001", "voip.example.net", (PH, 5060))
    srv = c.server("kamailio", S, "voip.example.net")
    d = dns_flow(c, PH, RT, 38211)
    t = c.dns(d, 0.0, "_sip._udp.voip.example.net", "SRV", rcode="NXDOMAIN",
              authority=[net.soa("example.net")], mark="srv")
    t = c.dns(d, t + 0.001, "voip.example.net", "A", [a_rec("voip.example.net", S[0])],
              mark="a")
    c.register(ph, c.flow((PH, 5060), (A, 5060), S), srv, t + 0.005, 3600, mark="r0")


@scenario("dns_naptr_empty_srv_a_ok", "register.no_response", t0=T(2024, 3, 19, 9, 0, 0))
def dns_naptr_empty(c):
    """Near miss (RFC 3263). snom D785 with account 4020@example.org: NAPTR example.org
    answers NOERROR with no records (SOA in authority), SRV _sip._udp.example.org gives
    "10 60 5060 sip1.example.org", A sip1.example.org gives 192.0.2.40; REGISTER to it:
    401, 200."""
    PH, RT, A = "192.168.178.42", "192.168.178.1", "198.51.100.79"
    S = ("192.0.2.40", 5060)
    c.phone_side(PH, pmac("snom"), RT, FRITZ)
    ph = c.phone("snom", "4020", "example.org", (PH, 5060))
    srv = c.server("opensips", S, "example.org")
    d = dns_flow(c, PH, RT, 52344)
    t = c.dns(d, 0.0, "example.org", "NAPTR", authority=[net.soa("example.org")], mark="naptr")
    t = c.dns(d, t + 0.001, "_sip._udp.example.org", "SRV",
              [("_sip._udp.example.org", "SRV", 3600, (10, 60, 5060, "sip1.example.org"))],
              mark="srv")
    t = c.dns(d, t + 0.001, "sip1.example.org", "A", [a_rec("sip1.example.org", S[0])],
              mark="a")
    c.register(ph, c.flow((PH, 5060), (A, 5060), S), srv, t + 0.004, 3600, mark="r0")


@scenario("dns_aaaa_empty_a_ok", "register.no_response", t0=T(2024, 3, 21, 9, 0, 0))
def dns_aaaa_empty(c):
    """Near miss. Linphone asks AAAA and A for sip.example.com at once: AAAA answers
    NOERROR with no records, A answers 203.0.113.10; it registers (401, 200)."""
    PH, RT, A = "192.168.50.12", "192.168.50.1", "203.0.113.17"
    S = ("203.0.113.10", 5060)
    c.phone_side(PH, pmac("linphone"), RT, FRITZ)
    ph = c.phone("linphone", "carol", "sip.example.com", (PH, 47122))
    srv = c.server("freeswitch", S, "sip.example.com")
    d = dns_flow(c, PH, RT, 49833)
    qa, qb = 0x3d2a, 0x91f0
    q1 = net.dns_query(qa, "sip.example.com", "AAAA")
    q2 = net.dns_query(qb, "sip.example.com", "A")
    d.up(0.0, q1, mark="aaaa.q")
    d.up(0.0002, q2, mark="a.q")
    d.down(0.031, net.dns_response(q1, authority=[net.soa("example.com")]), mark="aaaa.r")
    d.down(0.033, net.dns_response(q2, answers=[a_rec("sip.example.com", S[0])]), mark="a.r")
    c.register(ph, c.flow((PH, 47122), (A, 47122), S), srv, 0.06, 3600, mark="r0")


@scenario("dns_srv_target_nxdomain", "register.no_response", t0=T(2024, 3, 26, 9, 0, 0))
def dns_srv_target(c):
    """Grandstream GXP2170 with account 2030@example.net: SRV _sip._udp.example.net
    answers "0 5 5060 sbc1.example.net" (a decommissioned SBC), A sbc1.example.net
    answers NXDOMAIN. No REGISTER can be sent; the phone retries every 20 s (3 rounds)."""
    PH, RT = "192.168.0.130", "192.168.0.1"
    c.phone_side(PH, pmac("grandstream"), RT, TPLINK)
    d = dns_flow(c, PH, RT, 40331)
    t = 0.0
    for i in range(3):
        t = c.dns(d, t, "_sip._udp.example.net", "SRV",
                  [("_sip._udp.example.net", "SRV", 3600, (0, 5, 5060, "sbc1.example.net"))],
                  mark="srv%d" % i)
        c.dns(d, t + 0.001, "sbc1.example.net", "A", rcode="NXDOMAIN",
              authority=[net.soa("example.net")], mark="a%d" % i)
        t += 20.0


@scenario("dns_servfail", "register.no_response", t0=T(2024, 3, 27, 9, 0, 0))
def dns_servfail(c):
    """Fanvil X4U: every A query for sip.example.com gets SERVFAIL (the ISP resolver's
    DNSSEC validation fails for the zone). The phone tries every 30 s (4 rounds, 2
    queries each); no SIP."""
    PH, RT = "192.168.1.66", "192.168.1.1"
    c.phone_side(PH, pmac("fanvil"), RT, TPLINK)
    d = dns_flow(c, PH, RT, 1046)
    t = 0.0
    for i in range(4):
        t2 = c.dns(d, t, "sip.example.com", "A", rcode="SERVFAIL", mark="q%d" % i, think=0.9)
        c.dns(d, t2 + 0.001, "sip.example.com", "A", rcode="SERVFAIL", think=0.85)
        t += 30.0


@scenario("dns_no_answer", "register.no_response", t0=T(2024, 3, 28, 9, 0, 0))
def dns_no_answer(c):
    """Yealink T46U: its DNS queries (A voip.example.org) to the router 192.168.1.1 and then
    to the secondary server 9.9.9.9 are never answered: 4 queries 5 s apart per round,
    one round every 30 s (3 rounds). No SIP."""
    PH, RT = "192.168.1.23", "192.168.1.1"
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    d1 = dns_flow(c, PH, RT, 36001)
    d2 = c.flow((PH, 36003), ("203.0.113.45", 36003), ("9.9.9.9", 53), views=("phone",))
    t = 0.0
    for i in range(3):
        for k, fl in enumerate((d1, d1, d2, d2)):
            c.dns(fl, t + 5.0 * k, "voip.example.org", "A", answered=False,
                  mark="q%d" % i if k == 0 else None)
        t += 50.0


@scenario("dns_unrelated_name_fails", "register.no_response", t0=T(2024, 3, 29, 9, 0, 0))
def dns_unrelated(c):
    """Near miss. Yealink T46U at boot: A ntp.example.com gets NXDOMAIN (a typo in the NTP
    server setting, retried twice), A rps.yealink.com (the vendor's redirect service) gets
    SERVFAIL; A sip.example.com answers 198.51.100.10 and the phone registers (401, 200)."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "203.0.113.45"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1001", "sip.example.com", (PH, 5060))
    srv = c.server("kamailio", S, "sip.example.com")
    d = dns_flow(c, PH, RT, 41000)
    t = c.dns(d, 0.0, "rps.yealink.com", "A", rcode="SERVFAIL", mark="rps", think=1.2)
    t = c.dns(d, t + 0.2, "ntp.example.com", "A", rcode="NXDOMAIN",
              authority=[net.soa("example.com")], mark="ntp")
    t = c.dns(d, t + 0.01, "sip.example.com", "A", [a_rec("sip.example.com", S[0])],
              mark="sip")
    t = c.register(ph, c.flow((PH, 5060), (A, 5060), S), srv, t + 0.004, 3600, mark="r0")
    for i in range(2):
        c.dns(d, 64.0 * (i + 1), "ntp.example.com", "A", rcode="NXDOMAIN",
              authority=[net.soa("example.com")])


@scenario("dns_servfail_then_ok", "register.no_response", t0=T(2024, 4, 1, 6, 0, 0))
def dns_servfail_ok(c):
    """Fanvil X4U after a power cut: the ISP resolver answers SERVFAIL for voip.example.com
    for the first minute and a half (3 rounds, 30 s apart); at 90 s A is answered and the
    phone registers (401, 200)."""
    PH, RT, A = "192.168.1.67", "192.168.1.1", "203.0.113.167"
    S = ("203.0.113.10", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, TPLINK)
    ph = c.phone("fanvil", "3167", "voip.example.com", (PH, 5060))
    srv = c.server("kamailio", S, "voip.example.com")
    d = dns_flow(c, PH, RT, 1050)
    for i in range(3):
        c.dns(d, 30.0 * i, "voip.example.com", "A", rcode="SERVFAIL", mark="q%d" % i,
              think=0.4)
    t = c.dns(d, 90.0, "voip.example.com", "A", [a_rec("voip.example.com", S[0])], mark="ok")
    c.register(ph, c.flow((PH, 5060), (A, 5060), S), srv, t + 0.004, 3600, mark="r0")


# ====================================================================== 6. transport

@scenario("udp_refused_tcp_ok_ipv6", "transport.tcp_required", t0=T(2024, 4, 4, 10, 0, 0))
def udp_refused_v6(c):
    """IPv6. Linphone registers over UDP to [2001:db8:85a3::8a2e:370:7334]:5060, where
    Kamailio listens on TCP only: 11 copies, each answered by ICMPv6 port unreachable
    (1/4). The user switches the transport to TCP: SYN, SYN-ACK, ACK to the same address
    and port, REGISTER over TCP -> 401 -> REGISTER -> 200."""
    c.phone_side(V6_PHONE, pmac("linphone"), V6_ROUTER, FRITZ)
    S = (V6_SERVER, 5060)
    ph = c.phone("linphone", "dave", "sip6.example.net", (V6_PHONE, 5060))
    srv = c.server("kamailio", S, "sip6.example.net", transport="TCP")
    fl = c.flow((V6_PHONE, 5060), server=S, nat=False)
    _, last = c.unanswered(fl, ph.register(600), 0.0, mark="udp",
                           icmp=lambda t, s, i: fl.icmp_from_server(
                               t, s, mark="udp.icmp" if i == 0 else None))
    ph.transport = "TCP"
    ph.local = (V6_PHONE, 45021)
    ft = c.flow((V6_PHONE, 45021), server=S, proto="tcp", nat=False)
    con = net.TcpConn(ft, c.rng)
    t = con.handshake(last + 14.0, mark="syn")
    r1 = ph.register(600)
    con.send_c(t + 0.001, r1, mark="tcp.reg")
    ts = t + 0.001 + c.d() + 0.001
    a = srv.reg_challenge(r1, ft.public, ts)
    con.send_s(ts, a, mark="tcp.401")
    ph.learn(a)
    r2 = ph.register(600, auth=True)
    t = ts + c.d() + 0.005
    con.send_c(t, r2, mark="tcp.auth")
    ts = t + c.d() + 0.002
    con.send_s(ts, srv.reg_ok(r2, ft.public, ts), mark="tcp.200")
    con.ack_c(ts + c.d() + 0.03)


@scenario("server_requests_tcp_302", "transport.tcp_required", t0=T(2024, 4, 5, 10, 0, 0))
def redirect_302(c):
    """Yealink T46U registers over UDP; Kamailio answers 302 Moved Temporarily with
    Contact <sip:voip.example.net;transport=tcp>. The phone follows: TCP handshake to
    198.51.100.10:5060, REGISTER over TCP -> 401 -> REGISTER -> 200."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "203.0.113.45"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1001", "voip.example.net", (PH, 5060), reg_port=5060)
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    req = ph.register(3600)
    t, _ = c.exchange(fl, req, 0.0, lambda ts: srv.respond(
        req, 302, "Moved Temporarily", fl.public,
        contact="<sip:voip.example.net;transport=tcp>"), mark="udp")
    ph.transport = "TCP"
    ph.local = (PH, 5060)
    ft = c.flow((PH, 43117), (A, 43117), S, proto="tcp")
    con = net.TcpConn(ft, c.rng)
    t = con.handshake(t + 0.01, mark="syn")
    r1 = ph.register(3600)
    con.send_c(t + 0.001, r1, mark="tcp.reg")
    ts = t + 0.001 + c.d() + 0.001
    a = srv.reg_challenge(r1, ft.public, ts)
    con.send_s(ts, a, mark="tcp.401")
    ph.learn(a)
    r2 = ph.register(3600, auth=True)
    t = ts + c.d() + 0.006
    con.send_c(t, r2, mark="tcp.auth")
    ts = t + c.d() + 0.002
    con.send_s(ts, srv.reg_ok(r2, ft.public, ts), mark="tcp.200")
    con.ack_c(ts + c.d() + 0.04)


@scenario("server_requests_tcp_record_route", "transport.tcp_required",
          t0=T(2024, 4, 8, 10, 0, 0))
def record_route_tcp(c):
    """Grandstream GXP2170 registers over UDP at an OpenSIPS proxy (200), then calls 2099:
    100 Trying, 180, and a 200 whose Record-Route is <sip:198.51.100.26;transport=tcp;lr>:
    the proxy asks for the rest of the dialog over TCP while the phone uses UDP. The phone
    sends ACK and, at 20 s, BYE over UDP anyway (200)."""
    PH, RT, A = "192.168.0.199", "192.168.0.1", "203.0.113.199"
    S = ("198.51.100.26", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, TPLINK)
    ph = c.phone("grandstream", "2199", "sip.example.net", (PH, 5060))
    srv = c.server("opensips", S, "sip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 3600, mark="r0")
    cid, ftag = ph.new_call_id(), ph.new_tag()
    ruri = "sip:2099@sip.example.net"
    inv = ph.request("INVITE", ruri, ruri, cid, ftag, 1, body=sip.sdp(c.rng, PH, 5004))
    fl.up(5.0, inv, mark="inv")
    ts = 5.0 + c.d() + 0.001
    fl.down(ts, srv.respond(inv, 100, "Trying", fl.public), mark="inv.100")
    tag = sip.hexs(c.rng, 8)
    rr = [("Record-Route", "<sip:198.51.100.26;transport=tcp;lr>")]
    fl.down(ts + 0.9, srv.respond(inv, 180, "Ringing", fl.public, to_tag=tag,
                                  contact="<sip:2099@192.0.2.99:5060;transport=tcp>",
                                  extra=rr), mark="inv.180")
    fl.down(ts + 4.2, srv.respond(inv, 200, "OK", fl.public, to_tag=tag,
                                  contact="<sip:2099@192.0.2.99:5060;transport=tcp>",
                                  extra=rr + [("Content-Type", "application/sdp")],
                                  body=sip.sdp(c.rng, "192.0.2.99", 30000)), mark="inv.200")
    rt = [("Route", "<sip:198.51.100.26;transport=tcp;lr>")]
    fl.up(ts + 4.2 + c.d() + 0.01, ph.request("ACK", "sip:2099@192.0.2.99:5060;transport=tcp",
                                             ruri, cid, ftag, 1, to_tag=tag, extra=rt),
          mark="ack")
    bye = ph.request("BYE", "sip:2099@192.0.2.99:5060;transport=tcp", ruri, cid, ftag, 2,
                     to_tag=tag, extra=rt)
    c.exchange(fl, bye, 20.0, lambda ts: srv.respond(bye, 200, "OK", fl.public, to_tag=tag),
               mark="bye")


@scenario("https_443_udp_unanswered", "transport.tcp_required", t0=T(2024, 4, 10, 10, 0, 0))
def https_443(c):
    """Near miss. At boot a Fanvil X4U fetches its configuration over HTTPS from
    203.0.113.70:443 (TCP handshake, TLS ClientHello, server records, close): that host
    is up. Its REGISTERs over UDP to the same host, port 5060, are never answered (11
    copies, then again 30 s later)."""
    PH, RT, A = "192.168.1.68", "192.168.1.1", "203.0.113.168"
    S = ("203.0.113.70", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, TPLINK)
    ph = c.phone("fanvil", "3168", "203.0.113.70", (PH, 5060))
    fh = c.flow((PH, 50122), (A, 50122), ("203.0.113.70", 443), proto="tcp")
    con = net.TcpConn(fh, c.rng)
    t = con.handshake(0.0, mark="https.syn")
    con.send_c(t + 0.001, net.tls_client_hello(c.rng, "prov.example.com"), mark="https.hello")
    t = t + 0.001 + c.d() + 0.01
    con.send_s(t, net.tls_opaque(c.rng, 22, 2900), mark="https.server")
    con.ack_c(t + c.d() + 0.001)
    con.send_c(t + c.d() + 0.02, net.tls_opaque(c.rng, 23, 120))
    con.send_s(t + 2 * c.d() + 0.05, net.tls_opaque(c.rng, 23, 1800))
    con.close_c(t + 3 * c.d() + 0.1)
    fl = c.flow((PH, 5060), (A, 5060), S)
    _, last = c.unanswered(fl, ph.register(3600), 3.0, mark="reg")
    c.unanswered(fl, ph.register(3600), last + 30.5, mark="reg2")


BIG_HEADERS = [
    ("Accept", "application/sdp, application/dialog-info+xml, application/simple-message-summary,"
               " message/sipfrag, application/pidf+xml, application/xpidf+xml"),
    ("Accept-Language", "en, de;q=0.8, fr;q=0.5"),
    ("P-Preferred-Identity", '"Reception Desk" <sip:4030@voip.example.com>'),
    ("X-Serialnumber", "000413AB8A90"),
]


@scenario("oversize_frag_needed_mtu", "transport.tcp_required", t0=T(2024, 4, 12, 10, 0, 0))
def frag_needed(c):
    """snom D785 on a DSL line with a 1400-byte tunnel MTU upstream. Its first REGISTER
    is 1,457 bytes of SIP (long Contact with feature tags, Accept, identity headers; IP
    packet 1,485 bytes, DF set, as Linux sends UDP with path MTU discovery). The ISP's
    tunnel router 100.64.0.1 answers each copy with ICMP fragmentation needed (3/4,
    next-hop MTU 1400) quoting it; the phone keeps sending the same 1,485-byte packet
    with DF (11 copies) and never gets an answer."""
    PH, RT, A = "192.168.178.43", "192.168.178.1", "100.64.12.43"
    S = ("192.0.2.10", 5060)
    c.phone_side(PH, pmac("snom"), RT, FRITZ)
    ph = c.phone("snom", "4030", "voip.example.com", (PH, 5060), display="Reception Desk")
    extra = BIG_HEADERS + [("X-Snom-Line-Id", sip.hexs(c.rng, 32))]
    req = ph.register(3600, extra=extra)
    pad = 1452 - len(req)
    req = ph.register(3600, extra=extra + [("X-Snom-Prov", "cfg-" + "a" * (pad - 14))]) \
        if pad > 14 else req
    ph.cseq["REGISTER"] = 1
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.unanswered(fl, req, 0.0, mark="reg",
                 icmp=lambda t, s, i: fl.icmp_from_router(
                     t - c.d() + 0.006, "100.64.0.1", s, 3, 4, mtu=1400, hops_from_phone=1,
                     mark="icmp" if i == 0 else None))


@scenario("ipv6_fragments_dropped", "transport.tcp_required", t0=T(2024, 4, 15, 10, 0, 0))
def v6_frags(c):
    """IPv6, no NAT. snom D785 sends a 1,532-byte REGISTER to FreeSWITCH at
    [2001:db8:85a3::8a2e:370:7334]:5060: the IPv6 packet (1,580 bytes) leaves in two
    fragments (fragment header, MTU 1500). A firewall on the way drops non-first
    fragments; the server gets only first fragments and 60 s after each answers ICMPv6
    time exceeded, fragment reassembly time exceeded (3/1) quoting it. 11 copies (22
    fragments); the phone tries again at 62 s. Capture ends at 96 s."""
    c.phone_side(V6_PHONE, pmac("snom"), V6_ROUTER, FRITZ)
    S = (V6_SERVER, 5060)
    ph = c.phone("snom", "4031", "sip6.example.com", (V6_PHONE, 5060))
    extra = BIG_HEADERS + [("X-Snom-Line-Id", sip.hexs(c.rng, 32))]
    req = ph.register(3600, extra=extra)
    pad = 1530 - len(req)
    ph.cseq["REGISTER"] -= 1
    req = ph.register(3600, extra=extra + [("X-Snom-Prov", "cfg-" + "b" * (pad - 17))])
    fl = c.flow((V6_PHONE, 5060), server=S, nat=False)
    sents, _ = c.unanswered(fl, req, 0.0, mark="reg", lose_frags=True)
    for i, (s, t) in enumerate(zip(sents, c.timer_e(0.0))):
        if t + 60.0 < 96.0:
            fl.icmp_reassembly_from_server(t + c.d() + 60.0, s, mark="icmp" if i == 0 else None)
    req2 = ph.register(3600, extra=extra + [("X-Snom-Prov", "cfg-" + "b" * (pad - 17))])
    c.unanswered(fl, req2, 62.0, mark="reg2", lose_frags=True)


@scenario("register_1400_unfragmented_ok", "transport.tcp_required",
          t0=T(2024, 4, 17, 10, 0, 0))
def reg_1400(c):
    """Near miss. Yealink T46U with long headers: the first REGISTER is 1,150 bytes, the
    one with credentials 1,400 bytes (UDP, one 1,428-byte IP packet, no fragments);
    both are answered (401, 200)."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "203.0.113.45"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1001", "voip.example.net", (PH, 5060), reg_port=5060)
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    probe = ph.register(3600, extra=BIG_HEADERS)
    ph.cseq["REGISTER"] -= 1
    extra = BIG_HEADERS + [("X-Yealink-Cfg", "v" * (1150 - len(probe) - 17))]
    req = ph.register(3600, extra=extra)
    ts = c.d() + 0.001
    fl.up(0.0, req, mark="r0.reg")
    a = srv.reg_challenge(req, fl.public, ts)
    fl.down(ts, a, mark="r0.401")
    ph.learn(a)
    probe = ph.register(3600, auth=True, extra=extra)
    ph.cseq["REGISTER"] -= 1
    ph.nc -= 1
    r2 = ph.register(3600, auth=True, extra=extra[:-1] + [
        ("X-Yealink-Cfg", "v" * (len(extra[-1][1]) + 1400 - len(probe)))])
    t = ts + c.d() + 0.007
    fl.up(t, r2, mark="r0.auth")
    fl.down(t + c.d() + 0.002, srv.reg_ok(r2, fl.public, t + c.d()), mark="r0.200")


@scenario("fragmented_register_answered", "transport.tcp_required",
          t0=T(2024, 4, 19, 10, 0, 0))
def frag_ok(c):
    """Near miss. snom D785 sends 1,533- and 1,785-byte REGISTERs (two IPv4 fragments each); the
    path keeps fragments, Asterisk reassembles and answers: 401, then 200 to the
    fragmented REGISTER with credentials."""
    PH, RT, A = "192.168.178.44", "192.168.178.1", "198.51.100.44"
    S = ("192.0.2.10", 5060)
    c.phone_side(PH, pmac("snom"), RT, FRITZ)
    ph = c.phone("snom", "4032", "192.0.2.10", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)
    extra = BIG_HEADERS + [("X-Snom-Prov", "cfg-" + "c" * 420)]
    c.register(ph, fl, srv, 0.0, 3600, mark="r0", extra=extra)


# ====================================================================== 7. ALG

def blind_alg(public, private):
    """A router's SIP ALG on the way back: every occurrence of the public address
    in the answer becomes the phone's private one (received= included)."""
    return lambda m: m.replace(public.encode(), private.encode())


@scenario("alg_received_private_kamailio", "alg.rewrite", t0=T(2024, 5, 6, 10, 0, 0))
def alg_rcv_kam(c):
    """Yealink T46U behind a router with a SIP ALG, registering at Kamailio (public,
    198.51.100.10). The ALG rewrites the answers on their way back, replacing the public
    address 203.0.113.45 with the phone's 192.168.1.23 everywhere: the 401 and 200 reach
    the phone with Via received=192.168.1.23 and the 200's Contact with
    received="sip:192.168.1.23:5060", which a public server cannot have seen."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "203.0.113.45"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1001", "voip.example.net", (PH, 5060), reg_port=5060)
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    t = c.register(ph, fl, srv, 0.0, 3600, mark="r0", alg_down=blind_alg(A, PH))
    c.register(ph, fl, srv, t + 1800.0, 3600, mark="r1", stale=True,
               alg_down=blind_alg(A, PH))


@scenario("alg_received_private_asterisk", "alg.rewrite", t0=T(2024, 5, 8, 10, 0, 0))
def alg_rcv_ast(c):
    """Grandstream GXP2170 behind a router with a SIP ALG, registering at Asterisk
    (public, 203.0.113.60). The answers arrive with Via
    "rport=5060;received=192.168.0.105;branch=..." (pjsip's parameter order): the ALG
    replaced the public address 192.0.2.133 with the phone's private one."""
    PH, RT, A = "192.168.0.105", "192.168.0.1", "192.0.2.133"
    S = ("203.0.113.60", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, HUAWEI_CPE)
    ph = c.phone("grandstream", "2001", "203.0.113.60", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 3600, mark="r0", alg_down=blind_alg(A, PH))


@scenario("lan_pbx_received_private", "alg.rewrite", t0=T(2024, 5, 10, 10, 0, 0))
def lan_pbx(c):
    """Near miss. Fanvil X4U in the phone VLAN (192.168.20.33) registers at a FreePBX
    (Asterisk) in the server VLAN, 192.168.10.5: no NAT, a routed LAN. Asterisk adds
    rport and received=192.168.20.33 (RFC 3581) to every answer: a private server
    answering with a private received address is normal."""
    PH, RT = "192.168.20.33", "192.168.20.1"
    S = ("192.168.10.5", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, MIKROTIK)
    ph = c.phone("fanvil", "233", "192.168.10.5", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), server=S, nat=False)
    t = c.register(ph, fl, srv, 0.0, 3600, mark="r0")
    c.register(ph, fl, srv, t + 1800.0, 3600, mark="r1", stale=True)


@scenario("registrar_contact_alias", "alg.rewrite", t0=T(2024, 5, 14, 10, 0, 0))
def contact_alias(c):
    """Near miss. snom D785 behind NAT (198.51.100.77) at Kamailio doing NAT traversal
    itself (nathelper add_contact_alias): the 200's Contact is
    <sip:4001@192.168.178.40:5060;alias=198.51.100.77~5060~1>;expires=600. The phone's own
    Via comes back intact (received/rport only)."""
    PH, RT, A = "192.168.178.40", "192.168.178.1", "198.51.100.77"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("snom"), RT, FRITZ)
    ph = c.phone("snom", "4001", "voip.example.net", (PH, 5060), display="Reception")
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    t = c.register(ph, fl, srv, 0.0, 600, mark="r0", contact_style="alias")
    c.register(ph, fl, srv, t + 300.0, 600, mark="r1", stale=True, contact_style="alias")


@scenario("registrar_public_contact", "alg.rewrite", t0=T(2024, 5, 15, 10, 0, 0))
def contact_public(c):
    """Near miss. Yealink T54W behind NAT (203.0.113.54) at Asterisk with
    rewrite_contact=yes: the 200 lists the contact as <sip:1054@203.0.113.54:5060>, the
    public address the server saw, not the one the phone sent."""
    PH, RT, A = "192.168.1.54", "192.168.1.1", "203.0.113.54"
    S = ("198.51.100.40", 5060)
    c.phone_side(PH, pmac("yealink_t54"), RT, MIKROTIK)
    ph = c.phone("yealink_t54", "1054", "198.51.100.40", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 3600, mark="r0", contact_style="public")


def via_rewritten(req, old, new):
    """A request with its top Via sent-by rewritten (what an ALG sends on)."""
    head, sep, body = req.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    for i, l in enumerate(lines):
        if l.lower().startswith(b"via:"):
            lines[i] = l.replace(old.encode(), new.encode(), 1)
            break
    return b"\r\n".join(lines) + sep + body


@scenario("via_mismatch_tcp", "alg.rewrite", t0=T(2024, 5, 16, 10, 0, 0))
def via_tcp(c):
    """Yealink T46U registers over TCP (local port 39812, Via sent-by 192.168.1.23:5060)
    through a firewall whose SIP inspection rewrites the request's Via sent-by to its
    public address 203.0.113.45:5060 and does not restore it: Kamailio's 401 and 200 come
    back with top Via "SIP/2.0/TCP 203.0.113.45:5060;...;rport=39812;received=203.0.113.45",
    not the Via the phone sent."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "203.0.113.45"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1001", "voip.example.net", (PH, 5060), transport="TCP",
                 reg_port=5060)
    srv = c.server("kamailio", S, "voip.example.net", transport="TCP")
    fl = c.flow((PH, 39812), (A, 39812), S, proto="tcp")
    con = net.TcpConn(fl, c.rng)
    t = con.handshake(0.0, mark="syn")
    r1 = ph.register(3600)
    con.send_c(t + 0.001, r1, mark="reg")
    ts = t + 0.001 + c.d() + 0.001
    a = srv.reg_challenge(via_rewritten(r1, PH + ":5060", A + ":5060"), fl.public, ts)
    con.send_s(ts, a, mark="401")
    ph.learn(a)
    r2 = ph.register(3600, auth=True)
    t = ts + c.d() + 0.006
    con.send_c(t, r2, mark="auth")
    ts = t + c.d() + 0.002
    con.send_s(ts, srv.reg_ok(via_rewritten(r2, PH + ":5060", A + ":5060"), fl.public, ts),
               mark="200")
    con.ack_c(ts + c.d() + 0.04)


@scenario("via_mismatch_ipv6", "alg.rewrite", t0=T(2024, 5, 17, 10, 0, 0))
def via_v6(c):
    """IPv6, no NAT. Linphone (Via sent-by [2001:db8:3c4d:15::1a2b]:5060) registers at
    FreeSWITCH through an IPv6 firewall whose SIP helper rewrites the Via port to the
    pinhole it opened (65100) and leaves it so: the 401 and 200 come back with top Via
    sent-by [2001:db8:3c4d:15::1a2b]:65100."""
    c.phone_side(V6_PHONE, pmac("linphone"), V6_ROUTER, FRITZ)
    S = (V6_SERVER, 5060)
    ph = c.phone("linphone", "erin", "sip6.example.org", (V6_PHONE, 5060))
    srv = c.server("freeswitch", S, "sip6.example.org")
    fl = c.flow((V6_PHONE, 5060), server=S, nat=False)
    sb, nb = "[%s]:5060" % V6_PHONE, "[%s]:65100" % V6_PHONE
    r1 = ph.register(600)
    t, a = c.exchange(fl, r1, 0.0, lambda ts: srv.reg_challenge(via_rewritten(r1, sb, nb),
                                                                 fl.public, ts), mark="r0")
    ph.learn(a)
    r2 = ph.register(600, auth=True)
    c.exchange(fl, r2, t + 0.007, lambda ts: srv.reg_ok(via_rewritten(r2, sb, nb), fl.public,
                                                        ts), mark="r0b")


def sbc_forward(req, sbc, phone_src, branch):
    """What an edge proxy (SBC) sends on: its own Via on top, received/rport on the
    phone's Via, a Path header, Max-Forwards decremented."""
    head, sep, body = req.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    out = [lines[0], "Via: SIP/2.0/UDP %s:5060;branch=%s" % (sbc, branch)]
    for l in lines[1:]:
        if l.lower().startswith("via:"):
            v = l[4:].strip().replace(";rport", ";rport=%d" % phone_src[1], 1)
            out.append("Via: %s;received=%s" % (v, phone_src[0]))
        elif l.lower().startswith("max-forwards:"):
            out.append("Max-Forwards: 69")
            out.append("Path: <sip:%s;lr;received=sip:%s:%d>" % (sbc, phone_src[0],
                                                                 phone_src[1]))
        else:
            out.append(l)
    return "\r\n".join(out).encode() + sep + body


@scenario("proxy_adds_via", "alg.rewrite", views=("server",), t0=T(2024, 5, 21, 10, 0, 0))
def proxy_via(c):
    """Near miss, captured at a Kamailio registrar (198.51.100.30) behind an edge proxy
    (OpenSIPS SBC 198.51.100.5): the REGISTERs of a Fanvil X4U (behind NAT 203.0.113.71)
    arrive from the SBC with the SBC's Via on top, the phone's Via beneath (with the SBC's
    received/rport) and a Path header; the registrar's 401 and 200 carry both Vias back,
    top Via unchanged."""
    S = ("198.51.100.30", 5060)
    SBC = "198.51.100.5"
    c.server_side(S[0], KVM, JUNIPER)
    ph = c.phone("fanvil", "3171", "sip.example.com", ("192.168.1.71", 5060))
    srv = c.server("kamailio", S, "sip.example.com")
    fl = c.flow((SBC, 5060), server=S, nat=False)
    psrc = ("203.0.113.71", 5060)
    t = 0.0
    for i in range(2):
        r1 = sbc_forward(ph.register(3600, auth=i > 0), SBC, psrc,
                         "z9hG4bK%s.0" % sip.hexs(c.rng, 8))
        t, a = c.exchange(fl, r1, t, lambda ts: srv.reg_challenge(r1, fl.public, ts,
                                                                   stale=i > 0),
                          mark="r%d.a" % i)
        ph.learn(a)
        r2 = sbc_forward(ph.register(3600, auth=True), SBC, psrc,
                         "z9hG4bK%s.0" % sip.hexs(c.rng, 8))
        t, _ = c.exchange(fl, r2, t + 0.03, lambda ts: srv.reg_ok(r2, fl.public, ts),
                          mark="r%d.b" % i)
        t += 1800.0


# ====================================================================== 8. OPTIONS

@scenario("options_unanswered_crlf", "keepalive.options_unanswered",
          t0=T(2024, 6, 4, 10, 0, 0))
def options_crlf(c):
    """Fanvil X4U behind NAT registered at Asterisk (rewrite_contact, qualify_frequency
    60): Asterisk's OPTIONS reach the phone every 60 s (each retransmitted on timer E,
    11 copies) and are never answered (the phone's "SIP OPTIONS" answer is off), while the
    phone keeps its NAT binding with CRLF keepalives every 30 s. Registration refreshes
    (Expires 600, every 300 s) are answered."""
    PH, RT, A = "192.168.1.70", "192.168.1.1", "203.0.113.170"
    S = ("198.51.100.40", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, TPLINK)
    ph = c.phone("fanvil", "3170", "198.51.100.40", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 600, contact_style="public", mark="r0")
    c.register(ph, fl, srv, 300.2, 600, contact_style="public", mark="r1", stale=True)
    for i in range(1, 20):
        c.crlf(fl, 30.0 * i + 0.011 * i, mark="crlf%d" % i)
    cseq = 4128
    for i in range(1, 9):
        cseq += 1
        opt = srv.request("OPTIONS", "sip:3170@%s:5060" % A, "<sip:3170@%s>" % A,
                          sip.hexs(c.rng, 8) + "-" + sip.hexs(c.rng, 4) + "-" +
                          sip.hexs(c.rng, 12), cseq, from_uri="sip:3170@198.51.100.40")
        t0 = 60.0 * i + 7.3
        for k, dt in enumerate(c.timer_e(0.0)):
            fl.down(t0 + dt, opt, mark=("opt%d" % i) if k == 0 else None)


@scenario("options_unanswered_server_crlf", "keepalive.options_unanswered",
          views=("server",), t0=T(2024, 6, 6, 10, 0, 0))
def options_server(c):
    """Server side (Kamailio with nathelper: one OPTIONS every 30 s to the registered
    contact's received address, From sip:pinger@voip.example.net). A Grandstream GXP2170
    behind NAT (198.51.100.88:1031) never answers them, while its CRLF keepalives keep
    arriving from 198.51.100.88:1031 every 20 s and its refreshes (Expires 600, 300 s) are
    answered."""
    S = ("198.51.100.10", 5060)
    PH, A = "192.168.0.88", "198.51.100.88"
    c.server_side(S[0], KVM, JUNIPER, linktype=SLL2)
    ph = c.phone("grandstream", "2088", "voip.example.net", (PH, 5060))
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 1031), S)
    c.register(ph, fl, srv, 0.0, 600, mark="r0")
    c.register(ph, fl, srv, 300.3, 600, mark="r1", stale=True)
    for i in range(1, 30):
        c.crlf(fl, 20.0 * i + 0.004 * i, mark="crlf%d" % i)
    for i in range(1, 20):
        opt = srv.request("OPTIONS", "sip:2088@%s:5060" % PH, "<sip:2088@%s:5060>" % PH,
                          "%s-%d@198.51.100.10" % (sip.hexs(c.rng, 8), i), 1,
                          from_uri="sip:pinger@voip.example.net")
        fl.down(30.0 * i - 14.5, opt, mark="opt%d" % i)


@scenario("options_answered", "keepalive.options_unanswered", t0=T(2024, 6, 10, 10, 0, 0))
def options_ok(c):
    """Near miss. Yealink T46U behind NAT at Asterisk (qualify every 60 s): every OPTIONS
    is answered 200 at once; the phone also sends CRLF keepalives every 30 s."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "203.0.113.45"
    S = ("198.51.100.40", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1023", "198.51.100.40", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 600, contact_style="public", mark="r0")
    for i in range(1, 14):
        c.crlf(fl, 30.0 * i + 0.01 * i, mark="crlf%d" % i)
    for i in range(1, 7):
        opt = srv.request("OPTIONS", "sip:1023@%s:5060" % A, "<sip:1023@%s>" % A,
                          sip.hexs(c.rng, 32), 9000 + i, from_uri="sip:1023@198.51.100.40")
        t = 60.0 * i + 3.1
        fl.down(t, opt, mark="opt%d" % i)
        fl.up(t + c.d() + 0.004, ph.answer(opt, 200, "OK", to_tag=ph.new_tag()),
              mark="opt%d.200" % i)


@scenario("options_to_gateway_not_phone", "keepalive.options_unanswered", views=("server",),
          t0=T(2024, 6, 12, 10, 0, 0))
def options_gateway(c):
    """Near miss, server side (Kamailio). The dispatcher module pings a PSTN gateway,
    198.51.100.200:5060, with OPTIONS every 30 s (From sip:dispatcher@voip.example.net);
    the gateway is down and never answers. It is not a registered phone. A Yealink behind
    NAT registers and keeps its binding with CRLF keepalives every 25 s."""
    S = ("198.51.100.10", 5060)
    GW = ("198.51.100.200", 5060)
    c.server_side(S[0], KVM, JUNIPER)
    ph = c.phone("yealink", "1099", "voip.example.net", ("192.168.1.99", 5060))
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow(("192.168.1.99", 5060), ("203.0.113.99", 5060), S)
    gw = c.flow(GW, server=S, nat=False)
    c.register(ph, fl, srv, 0.0, 600, mark="r0")
    for i in range(1, 12):
        c.crlf(fl, 25.0 * i + 0.007 * i, mark="crlf%d" % i)
    for i in range(1, 10):
        opt = srv.request("OPTIONS", "sip:198.51.100.200:5060", "<sip:198.51.100.200:5060>",
                          "%s-%d@198.51.100.10" % (sip.hexs(c.rng, 8), i), 10,
                          from_uri="sip:dispatcher@voip.example.net")
        for k, dt in enumerate(c.timer_e(0.0)):
            if 30.0 * i + dt < 300:
                gw.down(30.0 * i + dt - 20.0, opt, mark=("gw%d" % i) if k == 0 else None)


# ====================================================================== 9. flood ban

def tcp_register(c, con, ph, srv, t, expires, mark=None, challenge=True, answered=True):
    """REGISTER (-> 401 -> REGISTER) -> 200 over a TCP connection; answered=False: the
    server's kernel ACKs the REGISTER and no SIP answer follows."""
    fl = con.f
    r1 = ph.register(expires, auth=ph.challenge is not None)
    con.send_c(t, r1, mark=mark and mark + ".reg")
    ts = t + c.d() + 0.001
    if not answered:
        con.ack_s(ts + 0.04)
        return ts + c.d()
    if challenge:
        a = srv.reg_challenge(r1, fl.public, ts)
        con.send_s(ts, a, mark=mark and mark + ".401")
        ph.learn(a)
        t = ts + c.d() + 0.006
        r1 = ph.register(expires, auth=True)
        con.send_c(t, r1, mark=mark and mark + ".auth")
        ts = t + c.d() + 0.002
    con.send_s(ts, srv.reg_ok(r1, fl.public, ts), mark=mark and mark + ".200")
    con.ack_c(ts + c.d() + 0.04)                 # delayed ACK: nothing else to send
    return ts + c.d()


@scenario("flood_ban_tcp", "register.flood_ban", t0=T(2024, 7, 2, 10, 0, 0))
def flood_tcp(c):
    """Yealink T46U over TCP to Kamailio: a provisioning error makes it re-register every
    4 s (asking Expires 3600), each a 401 round trip then 200 (the server does not accept
    a reused nonce). After 10 registrations within 40 s Kamailio's pike/htable ban drops
    its REGISTERs without answering (the kernel still ACKs): the 11th and, after timer F,
    the 12th and 13th get nothing."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "203.0.113.45"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1001", "voip.example.net", (PH, 5060), transport="TCP",
                 reg_port=5060)
    srv = c.server("kamailio", S, "voip.example.net", transport="TCP")
    con = net.TcpConn(c.flow((PH, 40552), (A, 40552), S, proto="tcp"), c.rng)
    t = con.handshake(0.0, mark="syn")
    for i in range(10):
        ph.challenge = None
        tcp_register(c, con, ph, srv, t + 0.001, 3600, mark="r%d" % i)
        t += 4.0 + c.w.jitter(30)
    for i in range(3):
        ph.challenge = None
        tcp_register(c, con, ph, srv, t, 3600, mark="ban%d" % i, answered=False)
        t += 32.0 + (4.0 if i == 0 else 0.0)


@scenario("flood_ban_server_side", "register.flood_ban", views=("server",),
          t0=T(2024, 7, 3, 10, 0, 0))
def flood_server(c):
    """Server side (Huawei IMS, SLL2). A Fanvil X4U behind NAT (198.51.100.66:5060) asks
    Expires 3600 but refreshes every 5 s with its cached credentials; after 10 answered
    REGISTERs within 50 s the core stops answering it: the 11th REGISTER arrives 11 times
    (timer E) with no answer, and so does the next attempt."""
    S = ("192.0.2.100", 5060)
    PH, A = "192.168.1.66", "198.51.100.66"
    c.server_side(S[0], KVM, ARISTA, linktype=SLL2)
    ph = c.phone("fanvil", "+861066600066", "ims.example.cn", (PH, 5060),
                 auth_user="861066600066@ims.example.cn")
    srv = c.server("huawei", S, "ims.example.cn")
    fl = c.flow((PH, 5060), (A, 5060), S)
    t = c.register(ph, fl, srv, 0.0, 3600, mark="r0")
    for i in range(1, 10):
        t = c.register(ph, fl, srv, 5.0 * i, 3600, mark="r%d" % i, challenge=False)
    _, last = c.unanswered(fl, ph.register(3600, auth=True), 50.0, mark="ban")
    c.unanswered(fl, ph.register(3600, auth=True), last + 5.5, mark="ban2")


@scenario("flood_ban_503", "register.flood_ban", t0=T(2024, 7, 4, 10, 0, 0))
def flood_503(c):
    """Grandstream GXP2170 refreshes every 3 s (each with a 401 round trip) at OpenSIPS.
    After 10 registrations in 30 s the pike module answers the next REGISTER 503 Service
    Unavailable (Retry-After: 600) before authentication; the phone ignores Retry-After
    and gets 503 every 3 s (5 times)."""
    PH, RT, A = "192.168.0.140", "192.168.0.1", "198.51.100.140"
    S = ("198.51.100.25", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, TPLINK)
    ph = c.phone("grandstream", "2140", "sip.example.net", (PH, 5060))
    srv = c.server("opensips", S, "sip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    for i in range(10):
        ph.challenge = None
        c.register(ph, fl, srv, 3.0 * i, 3600, mark="r%d" % i)
    for i in range(5):
        req = ph.register(3600)
        c.exchange(fl, req, 30.0 + 3.0 * i, lambda ts: srv.respond(
            req, 503, "Service Unavailable", fl.public, extra=[("Retry-After", "600")]),
            mark="ban%d" % i)


@scenario("flood_ban_403", "register.flood_ban", t0=T(2024, 7, 5, 10, 0, 0))
def flood_403(c):
    """snom D785 configured to re-register every 2 s (Expires 60) at Kamailio; after 10
    REGISTERs within 20 s an htable ban answers 403 Forbidden with
    Warning: 399 sip.example.com "Too many registrations, blocked for 600 s", to every
    further REGISTER (6 more)."""
    PH, RT, A = "192.168.178.45", "192.168.178.1", "198.51.100.45"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("snom"), RT, FRITZ)
    ph = c.phone("snom", "4045", "sip.example.com", (PH, 5060))
    srv = c.server("kamailio", S, "sip.example.com")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 60, mark="r0")
    for i in range(1, 10):
        c.register(ph, fl, srv, 2.0 * i, 60, mark="r%d" % i, challenge=False)
    for i in range(6):
        req = ph.register(60, auth=True)
        c.exchange(fl, req, 20.0 + 2.0 * i, lambda ts: srv.respond(
            req, 403, "Forbidden", fl.public,
            extra=[("Warning", '399 sip.example.com "Too many registrations, blocked for '
                               '600 s"')]), mark="ban%d" % i)


@scenario("pbx_50_accounts_one_minute", "register.flood_ban", t0=T(2024, 7, 8, 7, 0, 0))
def pbx_50(c):
    """Near miss. An Asterisk PBX (192.168.1.2, behind NAT 203.0.113.2) starts and
    registers its 50 trunk accounts (DIDs 7001-7050) with the provider's Kamailio within
    40 s, each REGISTER -> 401 -> REGISTER -> 200, one Call-ID per account."""
    PH, RT, A = "192.168.1.2", "192.168.1.1", "203.0.113.2"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("asterisk_trunk"), RT, TPLINK)
    srv = c.server("kamailio", S, "sip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    for i in range(50):
        ph = c.phone("asterisk_trunk", "%d" % (7001 + i), "sip.example.net", (PH, 5060),
                     password="trunk%04d" % i)
        ph.cseq["REGISTER"] = c.rng.randrange(10000, 60000)
        c.register(ph, fl, srv, 0.8 * i + c.w.jitter(50), 3600, mark="a%d" % (7001 + i),
                   contact="<sip:s@192.168.1.2:5060>")


@scenario("refresh_60s_with_401", "register.flood_ban", t0=T(2024, 7, 10, 7, 0, 0))
def refresh_60(c):
    """Near miss. Grandstream GXP2170 asks Expires 120 at FreeSWITCH and refreshes every
    60 s for 20 minutes; FreeSWITCH challenges every refresh (401, then 200)."""
    PH, RT, A = "192.168.0.160", "192.168.0.1", "198.51.100.160"
    S = ("203.0.113.50", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, TPLINK)
    ph = c.phone("grandstream", "2160", "pbx.example.org", (PH, 5060))
    srv = c.server("freeswitch", S, "pbx.example.org")
    fl = c.flow((PH, 5060), (A, 5060), S)
    for i in range(21):
        c.register(ph, fl, srv, 60.0 * i + c.w.jitter(40), 120, mark="r%d" % i, stale=i > 0)


# ====================================================================== 10. no SIP

@scenario("no_sip_https_dns", "capture.no_sip", t0=T(2024, 8, 5, 10, 0, 0))
def no_sip_https(c):
    """A phone capture with no SIP at all: at boot the Yealink resolves dm.example.com (A
    and AAAA answered) and fetches its configuration over HTTPS (TCP handshake, TLS
    records, close), twice 60 s apart. Its SIP account is not configured yet."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "203.0.113.45"
    HS = ("192.0.2.80", 443)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    d = dns_flow(c, PH, RT, 43001)
    for k in range(2):
        t = 60.0 * k
        c.dns(d, t, "dm.example.com", "A", [a_rec("dm.example.com", HS[0])], mark="dns%d" % k)
        c.dns(d, t + 0.001, "dm.example.com", "AAAA",
              [a_rec("dm.example.com", "2001:db8:80::80")])
        fl = c.flow((PH, 51000 + k), (A, 51000 + k), HS, proto="tcp")
        con = net.TcpConn(fl, c.rng)
        t = con.handshake(t + 0.06, mark="tls%d" % k)
        con.send_c(t + 0.001, net.tls_client_hello(c.rng, "dm.example.com"))
        t += c.d() + 0.02
        con.send_s(t, net.tls_opaque(c.rng, 22, 3100))
        con.ack_c(t + c.d() + 0.0005)
        con.send_c(t + c.d() + 0.01, net.tls_opaque(c.rng, 23, 200))
        con.send_s(t + 2 * c.d() + 0.05, net.tls_opaque(c.rng, 23, 2400))
        con.close_c(t + 3 * c.d() + 0.2)


@scenario("no_sip_rtp_only", "capture.no_sip", t0=T(2024, 8, 6, 10, 0, 0))
def no_sip_rtp(c):
    """A capture started in the middle of a call: only RTP (PCMA, 20 ms, both directions)
    between the phone 192.168.1.23:11780 and a media relay 198.51.100.12:24680 for 6 s.
    No SIP."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "203.0.113.45"
    c.phone_side(PH, pmac("yealink"), RT, TPLINK, arp=False)
    fl = c.flow((PH, 11780), (A, 11780), ("198.51.100.12", 24680))
    s1, s2 = c.rng.getrandbits(32), c.rng.getrandbits(32)
    q1, q2 = c.rng.randrange(0, 30000), c.rng.randrange(0, 30000)
    ts1, ts2 = c.rng.getrandbits(31), c.rng.getrandbits(31)
    for i in range(300):
        t = 0.02 * i
        fl.up(t + c.w.jitter(1), net.rtp(q1 + i, ts1 + 160 * i, s1, pt=8, fill=0xD5),
              mark="rtp" if i == 0 else None)
        fl.down(t + 0.007 + c.w.jitter(4), net.rtp(q2 + i, ts2 + 160 * i, s2, pt=8,
                                                    fill=0x55))


@scenario("sip_port_5080", "capture.no_sip", t0=T(2024, 8, 7, 10, 0, 0))
def sip_5080(c):
    """Near miss. Grandstream GXP2170 registers to FreeSWITCH's external profile on port
    5080 (REGISTER, 401, REGISTER, 200) from local port 5070, and refreshes at 1800 s."""
    PH, RT, A = "192.168.0.180", "192.168.0.1", "198.51.100.180"
    S = ("203.0.113.50", 5080)
    c.phone_side(PH, pmac("grandstream"), RT, TPLINK)
    ph = c.phone("grandstream", "2180", "pbx.example.org", (PH, 5070))
    srv = c.server("freeswitch", S, "pbx.example.org")
    fl = c.flow((PH, 5070), (A, 5070), S)
    t = c.register(ph, fl, srv, 0.0, 3600, mark="r0")
    c.register(ph, fl, srv, t + 1800.0, 3600, mark="r1", stale=True)


@scenario("sip_port_15060", "capture.no_sip", t0=T(2024, 8, 8, 10, 0, 0))
def sip_15060(c):
    """Near miss. Fanvil X4U registers from local port 15060 to a provider's Kamailio on
    port 15060 (REGISTER, 401, REGISTER, 200) and refreshes at 300 s."""
    PH, RT, A = "192.168.1.150", "192.168.1.1", "203.0.113.151"
    S = ("198.51.100.10", 15060)
    c.phone_side(PH, pmac("fanvil"), RT, TPLINK)
    ph = c.phone("fanvil", "3150", "voip.example.net", (PH, 15060))
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 15060), (A, 15060), S)
    t = c.register(ph, fl, srv, 0.0, 600, mark="r0")
    c.register(ph, fl, srv, t + 300.0, 600, mark="r1", stale=True)


# ====================================================================== 11. scale

MODELS = ("yealink", "grandstream", "fanvil", "snom")


def scale_scenario(c, phones, lapsed):
    """Server side of a Kamailio registrar with `phones` phones behind their own NATs
    (public addresses from 198.18.0.0/15). Every phone refreshes with valid cached
    credentials at the start (200, granted 300 s, spread over 120 s); `lapsed` of them
    refresh only 600 s later (their timer follows the 600 s they asked for), so each of
    those bindings lapses once and comes back; the others refresh every 150 s."""
    S = ("198.51.100.10", 5060)
    c.server_side(S[0], KVM, JUNIPER, linktype=SLL2)
    srv = c.server("kamailio", S, "voip.example.net")
    step = 120.0 / phones
    for i in range(phones):
        priv = "192.168.%d.%d" % (1 + (i * 7) % 250, 10 + (i * 13) % 240)
        net24, host = divmod(i, 254)
        pub = "198.%d.%d.%d" % (18 + net24 // 256, net24 % 256, host + 1)
        model = MODELS[i % len(MODELS)]
        ph = c.phone(model, "%d" % (100000 + i), "voip.example.net", (priv, 5060),
                     password="p%06d" % i)
        ph.challenge = {"realm": "voip.example.net", "nonce": sip.hexs(c.rng, 32)}
        fl = c.flow((priv, 5060), (pub, 20000 + (i * 37) % 40000), S)
        t = i * step
        mark = "p%d" % i if i < 3 or i == phones - 1 else None
        c.register(ph, fl, srv, t, 600, granted=300, challenge=False,
                   mark=mark and mark + ".r0")
        if i < lapsed:
            c.register(ph, fl, srv, t + 600.0, 600, granted=300, challenge=False,
                       mark=mark and mark + ".late")
        else:
            for k in range(1, 5):
                c.register(ph, fl, srv, t + 150.0 * k, 600, granted=300, challenge=False)


@scenario("scale_200_phones_lapse", "scale", views=("server",), t0=T(2024, 9, 2, 6, 0, 0))
def scale_small(c):
    """The committed small variant of the scale capture: 200 phones at one Kamailio
    registrar (server side), granted 300 s; 192 of them refresh only after 600 s, so 192
    of 200 bindings lapse once (and come back at their late refresh); 8 refresh every
    150 s."""
    scale_scenario(c, 200, 192)


def write_scale(d, phones=20000, lapsed=None):
    """The big scale capture (not committed): written at test time."""
    import scenarios as S
    lapsed = phones * 24 // 25 if lapsed is None else lapsed
    name = "scale_%d_phones_lapse" % phones

    def fn(c):
        scale_scenario(c, phones, lapsed)
    sc = S.Scenario(fn, name, "scale", ("server",), 20000 + phones, T(2024, 9, 2, 6, 0, 0))
    fname, data, _, _ = S.render(sc)["server"]
    path = "%s/%s" % (d, fname)
    with open(path, "wb") as f:
        f.write(data)
    return path
