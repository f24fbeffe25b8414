# SPDX-License-Identifier: BSD-2-Clause
"""More scenarios of pcaps/synth (see scenarios.py; the first ones are in
scenarios_def.py): the variants that give every kind and cause of the variant matrix
(tests/e2e/matrix_synth.py) at least three positives that differ in what a rule could
overfit to (timing, transport, side captured, one capture or two, IPv4/IPv6, server
software) and at least two near misses (look-alikes that must stay silent).

Same conventions as scenarios_def.py: documentation and private address ranges, one
function per capture (or pair), its docstring is what the manifest says it shows, marks
name the key frames.
"""
import synthnet as net
import synthsip as sip
from scenarios import scenario
from scenarios_def import (ARISTA, FRITZ, HUAWEI_CPE, JUNIPER, KVM, KVM2, MIKROTIK, SLL,
                           SLL2, TPLINK, BIG_HEADERS, V6_PHONE, V6_ROUTER, V6_SERVER, T,
                           a_rec, pmac)


# ------------------------------------------------------------------ helpers

def invite(c, ph, ruri, cseq=1, port=11780, extra=(), cid=None, ftag=None, body=None):
    """A phone's INVITE with an SDP offer: (message, Call-ID, From tag)."""
    cid = cid or ph.new_call_id()
    ftag = ftag or ph.new_tag()
    if body is None:
        body = sip.sdp(c.rng, ph.local[0], port)
    return ph.request("INVITE", ruri, ruri, cid, ftag, cseq, body=body, extra=extra), cid, ftag


def answered_call(c, ph, fl, srv, t, ruri, mark, talk=20.0, media=None, callee="2002",
                  inv=None):
    """INVITE -> 100 -> 180 -> 200 (SDP) -> ACK, BYE from the phone after `talk` s -> 200.
    Marks mark, .100, .180, .200, .ack, .bye.req/.resp. Returns (time of the ACK, time
    of the BYE, the remote media (ip, port))."""
    if inv is None:
        inv, cid, ftag = invite(c, ph, ruri)
    else:
        inv, cid, ftag = inv
    fl.up(t, inv, mark=mark)
    ts = t + c.d() + 0.001
    fl.down(ts, srv.respond(inv, 100, "Trying", fl.public), mark=mark + ".100")
    tag = srv.to_tag()
    curi = "sip:%s@%s:%d" % (callee, sip.hosturi(srv.addr[0]), srv.addr[1])
    fl.down(ts + 0.8, srv.respond(inv, 180, "Ringing", fl.public, to_tag=tag,
                                  contact="<%s>" % curi), mark=mark + ".180")
    media = media or (srv.addr[0], 30000 + 2 * c.rng.randrange(0, 5000))
    t200 = ts + 3.1
    fl.down(t200, srv.respond(inv, 200, "OK", fl.public, to_tag=tag, contact="<%s>" % curi,
                              extra=[("Content-Type", "application/sdp")],
                              body=sip.sdp(c.rng, media[0], media[1])), mark=mark + ".200")
    ta = t200 + c.d() + 0.01
    fl.up(ta, ph.request("ACK", curi, ruri, cid, ftag, 1, to_tag=tag), mark=mark + ".ack")
    tb = ta + talk
    bye = ph.request("BYE", curi, ruri, cid, ftag, 2, to_tag=tag)
    c.exchange(fl, bye, tb, lambda ts: srv.respond(bye, 200, "OK", fl.public, to_tag=tag),
               mark=mark + ".bye")
    return ta, tb, media


def rtp_stream(c, fl, t0, t1, mark=None, reach=True, icmp=None, every=0.02, pt=8):
    """The phone's RTP on flow fl from t0 to t1 (one packet every 20 ms); icmp(t, sent, i)
    answers packet i."""
    ssrc, seq, ts = c.rng.getrandbits(32), c.rng.randrange(0, 30000), c.rng.getrandbits(31)
    i, t = 0, t0
    while t < t1:
        s = fl.up(t + c.w.jitter(1), net.rtp(seq + i, ts + 160 * i, ssrc, pt=pt, fill=0xD5),
                  reach=reach, mark=mark if i == 0 else None)
        if icmp:
            icmp(t + c.d() + 0.0005, s, i)
        i += 1
        t = t0 + every * i


# ====================================================================== call.no_response

@scenario("invite_icmp_host_unreachable", "call.no_response", t0=T(2024, 10, 1, 9, 0, 0))
def invite_icmp_host(c):
    """Yealink T54W (192.168.1.54 behind a MikroTik, public 203.0.113.54) registered at
    Kamailio 198.51.100.10. At 20 s the user calls a branch office by IP,
    sip:2002@192.0.2.250 (its PBX was taken off the network): the INVITE goes straight to
    192.0.2.250:5060 and the branch's edge router 192.0.2.1 answers each of the 7 copies
    (timer A) with ICMP host unreachable (3/1). The registration refresh at 300 s is
    answered."""
    PH, RT, A = "192.168.1.54", "192.168.1.1", "203.0.113.54"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink_t54"), RT, MIKROTIK)
    ph = c.phone("yealink_t54", "1054", "voip.example.net", (PH, 5060), reg_port=5060)
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 600, mark="r0")
    peer = c.flow((PH, 5060), (A, 5060), ("192.0.2.250", 5060))
    inv, _, _ = invite(c, ph, "sip:2002@192.0.2.250")
    c.unanswered(peer, inv, 20.0, mark="inv", invite=True, reach=False,
                 icmp=lambda t, s, i: peer.icmp_from_router(
                     t + c.d() * 0.8, "192.0.2.1", s, 3, 1, hops_from_phone=7,
                     mark="inv.icmp" if i == 0 else None))
    c.register(ph, fl, srv, 300.2, 600, mark="r1", stale=True)


@scenario("invite_icmp6_time_exceeded", "call.no_response", t0=T(2024, 10, 2, 14, 30, 0))
def invite_icmp6_ttl(c):
    """IPv6, no NAT, no registration in the capture. snom D785 (2001:db8:3c4d:15::1a2b)
    calls another site's phone directly by address, sip:4100@[2001:db8:aa::10]: two
    routers on the way loop the packet (a static route pointing back), and
    2001:db8:ff::1 answers each of the 7 INVITE copies with ICMPv6 time exceeded, hop
    limit exceeded in transit (3/0)."""
    c.phone_side(V6_PHONE, pmac("snom"), V6_ROUTER, FRITZ)
    ph = c.phone("snom", "4006", "sip6.example.com", (V6_PHONE, 5060))
    peer = c.flow((V6_PHONE, 5060), server=("2001:db8:aa::10", 5060), nat=False)
    inv, _, _ = invite(c, ph, "sip:4100@[2001:db8:aa::10]")
    c.unanswered(peer, inv, 3.0, mark="inv", invite=True, reach=False,
                 icmp=lambda t, s, i: peer.icmp_from_router(
                     t + 0.041, "2001:db8:ff::1", s, 3, 0, hops_from_phone=5,
                     mark="inv.icmp" if i == 0 else None))


@scenario("invite_icmp_first_copy_answered", "call.no_response", t0=T(2024, 10, 3, 11, 0, 0))
def invite_icmp_first(c):
    """Near miss. Fanvil X4U registered at FreeSWITCH 203.0.113.50 calls 2010 while the
    ISP's routing reconverges: the first INVITE copy is answered by ICMP network
    unreachable (3/0) from the ISP router 100.64.0.1; the retransmission 0.5 s later gets
    through: 100 Trying, 180, 200, ACK; the phone hangs up after 30 s."""
    PH, RT, A = "192.168.1.66", "192.168.1.1", "100.64.9.66"
    S = ("203.0.113.50", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, TPLINK)
    ph = c.phone("fanvil", "3066", "pbx.example.org", (PH, 5060))
    srv = c.server("freeswitch", S, "pbx.example.org")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 3600, mark="r0")
    inv = invite(c, ph, "sip:2010@pbx.example.org")
    s = fl.up(30.0, inv[0], reach=False, mark="inv1")
    fl.icmp_from_router(30.0 + 0.009, "100.64.0.1", s, 3, 0, hops_from_phone=2,
                        mark="inv1.icmp")
    answered_call(c, ph, fl, srv, 30.5, "sip:2010@pbx.example.org", "inv", talk=30.0,
                  callee="2010", inv=inv)


@scenario("rtp_icmp_host_unreachable", "call.no_response", t0=T(2024, 10, 4, 16, 0, 0))
def rtp_icmp_host(c):
    """Near miss. Grandstream GXP2170 calls 2020 at Asterisk 198.51.100.40 with direct
    media: the 200's SDP names a gateway, 192.0.2.180:16400, that no longer exists, and
    the RTP the phone sends there is answered by ICMP host unreachable (3/1) from the
    router 192.0.2.1 (every fifth packet: the router rate-limits its ICMP). The call's SIP
    is all answered (100, 180, 200, ACK; BYE 200 after 4 s)."""
    PH, RT, A = "192.168.0.120", "192.168.0.1", "203.0.113.120"
    S = ("198.51.100.40", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, HUAWEI_CPE)
    ph = c.phone("grandstream", "2120", "198.51.100.40", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 600, mark="r0")
    ta, tb, media = answered_call(c, ph, fl, srv, 10.0, "sip:2020@198.51.100.40", "inv",
                                  talk=4.0, media=("192.0.2.180", 16400), callee="2020")
    rtp = c.flow((PH, 11780), (A, 11780), media)
    rtp_stream(c, rtp, ta + 0.02, tb, mark="rtp", reach=False,
               icmp=lambda t, s, i: rtp.icmp_from_router(
                   t + 0.01, "192.0.2.1", s, 3, 1, hops_from_phone=6,
                   mark="rtp.icmp" if i == 0 else None) if i % 5 == 0 else None)


@scenario("invite_icmp_port_unreachable", "call.no_response", t0=T(2024, 10, 7, 10, 0, 0))
def invite_icmp_port(c):
    """Grandstream GXP2170 registered at FreeSWITCH 203.0.113.50:5060 (401, 200). A speed
    dial still points at the old PBX port, sip:3001@203.0.113.50:5062, where nothing
    listens: each of the 7 INVITE copies is answered by ICMP port unreachable (3/3) from
    203.0.113.50."""
    PH, RT, A = "192.168.0.171", "192.168.0.1", "198.51.100.171"
    S = ("203.0.113.50", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, TPLINK)
    ph = c.phone("grandstream", "2171", "pbx.example.org", (PH, 5060))
    srv = c.server("freeswitch", S, "pbx.example.org")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 3600, mark="r0")
    old = c.flow((PH, 5060), (A, 5060), ("203.0.113.50", 5062))
    inv, _, _ = invite(c, ph, "sip:3001@203.0.113.50:5062")
    c.unanswered(old, inv, 15.0, mark="inv", invite=True,
                 icmp=lambda t, s, i: old.icmp_from_server(t, s, mark="inv.icmp" if i == 0
                                                           else None))


@scenario("invite_icmp6_port_unreachable_p2p", "call.no_response", t0=T(2024, 10, 8, 9, 0, 0))
def invite_icmp6_port(c):
    """IPv6, no NAT, no registration: Linphone (2001:db8:3c4d:15::1a2b) calls a colleague's
    softphone directly, sip:frank@[2001:db8:3c4d:16::77]; the softphone is closed and
    its host answers each of the 7 INVITE copies with ICMPv6 port unreachable (1/4)."""
    c.phone_side(V6_PHONE, pmac("linphone"), V6_ROUTER, FRITZ)
    ph = c.phone("linphone", "erin", "sip6.example.org", (V6_PHONE, 5060))
    peer = c.flow((V6_PHONE, 5060), server=("2001:db8:3c4d:16::77", 5060), nat=False)
    inv, _, _ = invite(c, ph, "sip:frank@[2001:db8:3c4d:16::77]")
    c.unanswered(peer, inv, 1.0, mark="inv", invite=True,
                 icmp=lambda t, s, i: peer.icmp_from_server(t, s, mark="inv.icmp" if i == 0
                                                            else None))


@scenario("invite_to_phone_icmp_port_server", "call.no_response", views=("server",),
          t0=T(2024, 10, 9, 13, 0, 0))
def invite_to_phone_icmp(c):
    """Server side (Asterisk 20 on 192.0.2.10, SLL2). A Yealink T46U with a public address
    (198.51.100.177, no NAT) registers 1077 (401, 200). At 95 s extension 1001 calls it:
    Asterisk sends the INVITE to the registered contact 198.51.100.177:5060, but the
    phone's SIP stack has crashed and its host answers each of the 7 copies with ICMP
    port unreachable (3/3)."""
    S = ("192.0.2.10", 5060)
    PH = "198.51.100.177"
    c.server_side(S[0], KVM2, ARISTA, linktype=SLL2)
    ph = c.phone("yealink", "1077", "192.0.2.10", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), server=S, nat=False)
    c.register(ph, fl, srv, 0.0, 3600, mark="r0")
    inv = srv.request("INVITE", "sip:1077@%s:5060" % PH, "<sip:1077@192.0.2.10>",
                      sip.hexs(c.rng, 8) + "-" + sip.hexs(c.rng, 4) + "-" + sip.hexs(c.rng, 12),
                      17022, from_uri="sip:1001@192.0.2.10",
                      extra=[("Allow", "OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, PUBLISH, "
                                       "INVITE, ACK, BYE, CANCEL, UPDATE, PRACK, MESSAGE, "
                                       "REFER")])
    for k, dt in enumerate(c.timer_a(0.0)):
        s = fl.down(95.0 + dt, inv, reach=False, mark="inv" if k == 0 else
                    ("inv.last" if k == 6 else None))
        fl.icmp_to_server(95.0 + dt + 2 * c.d() + 0.0003, PH, s, 3, 3,
                          mark="inv.icmp" if k == 0 else None)


@scenario("rtp_icmp_port_unreachable_relay", "call.no_response", t0=T(2024, 10, 10, 8, 0, 0))
def rtp_icmp_port(c):
    """Near miss. Yealink T46U calls 1030 through Kamailio 198.51.100.10 with an rtpengine
    relay 198.51.100.12:24680 in the SDP. The call is set up (100, 180, 200, ACK), but the
    relay dropped the session at once: every second RTP packet the phone sends to it is
    answered by ICMP port unreachable (3/3) from 198.51.100.12 (the kernel rate-limits
    them). The phone hangs up after 5 s: BYE, 200. No SIP request goes unanswered."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "203.0.113.45"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1023", "voip.example.net", (PH, 5060), reg_port=5060)
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 600, mark="r0")
    ta, tb, media = answered_call(c, ph, fl, srv, 8.0, "sip:1030@voip.example.net", "inv",
                                  talk=5.0, media=("198.51.100.12", 24680), callee="1030")
    rtp = c.flow((PH, 11780), (A, 11780), media)
    rtp_stream(c, rtp, ta + 0.02, tb, mark="rtp",
               icmp=lambda t, s, i: rtp.icmp_from_server(
                   t, s, mark="rtp.icmp" if i == 0 else None) if i % 2 == 0 else None)


@scenario("invite_unanswered_server_side", "call.no_response", views=("server",),
          t0=T(2024, 10, 11, 17, 0, 0))
def invite_unanswered_server(c):
    """Server side (Kamailio 198.51.100.10, SLL2). A Grandstream GXP2170 behind NAT
    (198.51.100.140:5060) registers (401, 200). At 40 s its INVITE to 2099 arrives 7
    times (timer A) and nothing leaves the server, not even 100 Trying (the proxy's
    worker processes are blocked on a database lock); the refresh at 120 s is answered
    again."""
    S = ("198.51.100.10", 5060)
    PH, A = "192.168.0.140", "198.51.100.140"
    c.server_side(S[0], KVM, JUNIPER, linktype=SLL2)
    ph = c.phone("grandstream", "2140", "voip.example.net", (PH, 5060))
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 180, mark="r0")
    inv, _, _ = invite(c, ph, "sip:2099@voip.example.net")
    c.unanswered(fl, inv, 40.0, mark="inv", invite=True)
    c.register(ph, fl, srv, 120.0, 180, mark="r1", stale=True)


@scenario("invite_fragments_old_answers", "call.no_response", t0=T(2024, 10, 14, 7, 0, 0))
def invite_frags_old(c):
    """Near miss of fragments_lost. Fanvil X4U registers at OpenSIPS 198.51.100.25 at 0 s
    (Expires 3600, no keepalives, nothing else on that path for 40 minutes). At 2400 s it
    calls 1099 with a 1,612-byte INVITE (SDP with SRTP keys and ICE candidates) that
    leaves in two IPv4 fragments, 7 copies on timer A, none answered and no ICMP. The
    last answered unfragmented request between these endpoints is 40 minutes old (more
    than the rule's 30), so nothing shows that the fragments were lost."""
    PH, RT, A = "192.168.1.99", "192.168.1.1", "203.0.113.99"
    S = ("198.51.100.25", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, TPLINK)
    ph = c.phone("fanvil", "3099", "sip.example.net", (PH, 5060))
    srv = c.server("opensips", S, "sip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 3600, mark="r0")
    body = sip.sdp(c.rng, PH, 11800, pad_candidates=6).decode().replace("RTP/AVP", "RTP/SAVP")
    body = body.rstrip("\r\n").split("\r\n")
    body += ["a=crypto:%d AES_CM_128_HMAC_SHA1_%d inline:%s" % (n, b, sip.alnum(c.rng, 40))
             for n, b in ((1, 80), (2, 32))]
    body = ("\r\n".join(body) + "\r\n").encode()
    inv, _, _ = invite(c, ph, "sip:1099@sip.example.net", body=body,
                       extra=[("Supported", "100rel, replaces, timer"),
                              ("Session-Expires", "1800"), ("Min-SE", "90")])
    c.unanswered(fl, inv, 2400.0, mark="inv", invite=True, reach=False)


# ====================================================================== register.no_response

def big_register(c, ph, size, extra=()):
    """A REGISTER of about `size` bytes (long headers, as a provisioned phone sends)."""
    extra = list(BIG_HEADERS) + list(extra)
    probe = ph.register(3600, extra=extra)
    ph.cseq["REGISTER"] -= 1
    return ph.register(3600, extra=extra + [("X-Prov-Profile",
                                              "p" * max(1, size - len(probe) - 18))])


@scenario("register_fragments_ttl_exceeded", "register.no_response", t0=T(2024, 10, 15, 9, 0, 0))
def reg_frag_ttl(c):
    """Near miss of fragments_lost. Yealink T46U with a long provisioned header set sends a
    1,620-byte REGISTER that leaves in two IPv4 fragments. Two ISP routers loop it (a
    wrong static route): 100.64.0.9 answers the first fragment of each of the 11 copies
    with ICMP time exceeded in transit (11/0, TTL), not fragment reassembly time exceeded
    (11/1). No request to this server was ever answered."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "100.64.20.23"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1001", "voip.example.net", (PH, 5060), reg_port=5060)
    fl = c.flow((PH, 5060), (A, 5060), S)
    req = big_register(c, ph, 1620)
    c.unanswered(fl, req, 0.0, mark="reg", reach=False,
                 icmp=lambda t, s, i: fl.icmp_from_router(
                     t - c.d() + 0.012, "100.64.0.9", s, 11, 0, hops_from_phone=3,
                     mark="reg.icmp" if i == 0 else None))


@scenario("register_fragments_no_evidence", "register.no_response", t0=T(2024, 10, 16, 9, 0, 0))
def reg_frag_silent(c):
    """Near miss of fragments_lost. snom D785 sends a 1,560-byte REGISTER to OpenSIPS
    198.51.100.25 in two IPv4 fragments; nothing comes back, no ICMP (the server never
    got the second fragments and does not report the reassembly timeout), and no request
    to this server was ever answered: nothing shows the fragments were what got lost.
    Two attempts (11 copies each, the second 20 s after timer F)."""
    PH, RT, A = "192.168.178.46", "192.168.178.1", "198.51.100.46"
    S = ("198.51.100.25", 5060)
    c.phone_side(PH, pmac("snom"), RT, FRITZ)
    ph = c.phone("snom", "4046", "sip.example.net", (PH, 5060))
    fl = c.flow((PH, 5060), (A, 5060), S)
    _, last = c.unanswered(fl, big_register(c, ph, 1560), 0.0, mark="reg", reach=False)
    c.unanswered(fl, big_register(c, ph, 1560), last + 20.5, mark="reg2", reach=False)


@scenario("register_icmp_host_first_copy", "register.no_response", t0=T(2024, 10, 17, 6, 0, 0))
def reg_icmp_host_first(c):
    """Near miss. A Grandstream GXP2170 boots while the router's WAN link is still coming
    up: the first copy of its REGISTER is answered by ICMP host unreachable (3/1) from the
    router 192.168.0.1; the retransmission 0.5 s later reaches Kamailio: 401, then 200."""
    PH, RT, A = "192.168.0.130", "192.168.0.1", "203.0.113.130"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, TPLINK)
    ph = c.phone("grandstream", "2130", "voip.example.net", (PH, 5060))
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    r1 = ph.register(3600)
    s = fl.up(0.0, r1, reach=False, mark="reg")
    fl.icmp_from_router(0.0011, RT, s, 3, 1, hops_from_phone=0, mark="reg.icmp")
    fl.up(0.5, r1, mark="reg.2")
    ts = 0.5 + c.d() + 0.0008
    a = srv.reg_challenge(r1, fl.public, ts)
    fl.down(ts, a, mark="reg.401")
    ph.learn(a)
    r2 = ph.register(3600, auth=True)
    t = ts + c.d() + 0.007
    fl.up(t, r2, mark="auth")
    fl.down(t + c.d() + 0.001, srv.reg_ok(r2, fl.public, t + c.d()), mark="auth.200")


@scenario("icmp_host_unreachable_syslog", "register.no_response", t0=T(2024, 10, 18, 6, 0, 0))
def icmp_host_syslog(c):
    """Near miss. Fanvil X4U sends its syslog (UDP 514) to the office's log server
    10.20.0.5 over a VPN that is down: the router 192.168.1.1 answers each syslog
    datagram with ICMP host unreachable (3/1). Its REGISTERs to FreeSWITCH 203.0.113.50
    are answered (401, 200; refresh at 300 s)."""
    PH, RT, A = "192.168.1.67", "192.168.1.1", "198.51.100.67"
    S = ("203.0.113.50", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, TPLINK)
    ph = c.phone("fanvil", "3067", "pbx.example.org", (PH, 5060))
    srv = c.server("freeswitch", S, "pbx.example.org")
    fl = c.flow((PH, 5060), (A, 5060), S)
    log = c.flow((PH, 514), (A, 514), ("10.20.0.5", 514))
    c.register(ph, fl, srv, 0.0, 600, mark="r0")
    for i in range(8):
        t = 1.0 + 40.0 * i
        msg = ("<14>Oct 18 06:%02d:%02d X4U sip: line 1 registered to %s" % (
            int(t // 60), int(t % 60), S[0])).encode()
        s = log.up(t, msg, reach=False, mark="syslog" if i == 0 else None)
        log.icmp_from_router(t + 0.0012, RT, s, 3, 1, hops_from_phone=0,
                             mark="syslog.icmp" if i == 0 else None)
    c.register(ph, fl, srv, 300.1, 600, mark="r1", stale=True)


@scenario("register_icmp_port_server_side", "register.no_response", views=("server",),
          t0=T(2024, 10, 21, 3, 0, 0))
def reg_icmp_port_server(c):
    """Server side (SLL), the registrar host 203.0.113.60 during an Asterisk upgrade: its
    SIP service is stopped, so each of the 11 copies of the REGISTER arriving from a
    Yealink behind NAT (198.51.100.90:5060, Via sent-by 192.168.1.41:5060) is answered by
    the host's ICMP port unreachable (3/3); the phone tries again 20 s after timer F,
    with the same result."""
    S = ("203.0.113.60", 5060)
    PH, A = "192.168.1.41", "198.51.100.90"
    c.server_side(S[0], KVM2, ARISTA, linktype=SLL)
    ph = c.phone("yealink", "1201", "203.0.113.60", (PH, 5060))
    fl = c.flow((PH, 5060), (A, 5060), S)
    _, last = c.unanswered(fl, ph.register(600), 0.0, mark="reg",
                           icmp=lambda t, s, i: fl.icmp_from_server(
                               t, s, mark="reg.icmp" if i == 0 else None))
    c.unanswered(fl, ph.register(600), last + 20.0, mark="reg2",
                 icmp=lambda t, s, i: fl.icmp_from_server(t, s))


@scenario("register_icmp_port_then_answered", "register.no_response", t0=T(2024, 10, 22, 3, 0, 0))
def reg_icmp_port_then_ok(c):
    """Near miss. Kamailio 198.51.100.10 is restarting: the first three copies of a
    Yealink's REGISTER (0, 0.5, 1.5 s) are answered by ICMP port unreachable (3/3), the
    fourth (3.5 s) by 401; the REGISTER with credentials gets 200."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "203.0.113.45"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1001", "voip.example.net", (PH, 5060), reg_port=5060)
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    r1 = ph.register(3600)
    times = c.timer_e(0.0)[:4]
    c.unanswered(fl, r1, 0.0, mark="reg", times=times[:3],
                 icmp=lambda t, s, i: fl.icmp_from_server(t, s, mark="reg.icmp" if i == 0
                                                          else None))
    fl.up(times[3], r1, mark="reg.4")
    ts = times[3] + c.d() + 0.0009
    a = srv.reg_challenge(r1, fl.public, ts)
    fl.down(ts, a, mark="reg.401")
    ph.learn(a)
    r2 = ph.register(3600, auth=True)
    t = ts + c.d() + 0.006
    fl.up(t, r2, mark="auth")
    fl.down(t + c.d() + 0.001, srv.reg_ok(r2, fl.public, t + c.d()), mark="auth.200")


@scenario("icmp_port_unreachable_syslog_ipv6", "register.no_response", t0=T(2024, 10, 23, 3, 0, 0))
def icmp_port_syslog_v6(c):
    """Near miss. IPv6, no NAT. snom D785 registers at Asterisk
    [2001:db8:85a3::8a2e:370:7334]:5060 (401, 200, refresh at 300 s) and sends its
    syslog (UDP 514) to the same host, where no syslog daemon listens: each syslog
    datagram is answered by ICMPv6 port unreachable (1/4) from the registrar host."""
    c.phone_side(V6_PHONE, pmac("snom"), V6_ROUTER, FRITZ)
    S = (V6_SERVER, 5060)
    ph = c.phone("snom", "4007", "sip6.example.com", (V6_PHONE, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((V6_PHONE, 5060), server=S, nat=False)
    log = c.flow((V6_PHONE, 514), server=(V6_SERVER, 514), nat=False)
    c.register(ph, fl, srv, 0.0, 600, mark="r0")
    for i in range(6):
        t = 2.0 + 50.0 * i
        s = log.up(t, b"<30>snom D785: SIP registration of 4007 ok", mark="syslog" if i == 0
                   else None)
        log.icmp_from_server(t + c.d() + 0.0002, s, mark="syslog.icmp" if i == 0 else None)
    c.register(ph, fl, srv, 300.2, 600, mark="r1", stale=True)


@scenario("register_seen_once_export", "register.no_response", views=("server",),
          t0=T(2024, 10, 24, 12, 0, 0))
def reg_seen_once(c):
    """Near miss. An export from a SIP capture server in front of Kamailio 198.51.100.10
    (SLL2) that keeps one copy of each message and drops the retransmissions: the REGISTER
    of 2155 (from 198.51.100.155:5060) appears once and never again, unanswered; the
    next 70 s show three other phones registering and refreshing (401, 200). What became
    of 2155's transaction the export does not show."""
    S = ("198.51.100.10", 5060)
    c.server_side(S[0], KVM, JUNIPER, linktype=SLL2)
    srv = c.server("kamailio", S, "voip.example.net")
    ph = c.phone("grandstream", "2155", "voip.example.net", ("192.168.0.155", 5060))
    fl = c.flow(("192.168.0.155", 5060), ("198.51.100.155", 5060), S)
    fl.up(0.0, ph.register(3600), mark="once")
    for k, (model, user, priv, pub) in enumerate([
            ("yealink", "1156", "192.168.1.56", "203.0.113.56"),
            ("fanvil", "3157", "192.168.1.57", "203.0.113.57"),
            ("snom", "4158", "192.168.178.58", "198.51.100.58")]):
        o = c.phone(model, user, "voip.example.net", (priv, 5060))
        of = c.flow((priv, 5060), (pub, 5060), S)
        t = c.register(o, of, srv, 3.0 + 7.0 * k, 60, mark="o%d" % k)
        c.register(o, of, srv, t + 30.0, 60, stale=True)
        c.register(o, of, srv, t + 60.0, 60, stale=True)


@scenario("tcp_refused_ipv6", "register.no_response", t0=T(2024, 10, 25, 8, 0, 0))
def tcp_refused_v6(c):
    """IPv6, no NAT. Linphone set to TCP looks up sip6.example.net (AAAA answered) and
    connects to [2001:db8:85a3::8a2e:370:7334]:5060: the host answers each SYN with
    RST/ACK (Kamailio listens on UDP only). Three attempts 30 s apart from new ephemeral
    ports; no SIP is ever sent."""
    c.phone_side(V6_PHONE, pmac("linphone"), V6_ROUTER, FRITZ)
    S = (V6_SERVER, 5060)
    d = c.flow((V6_PHONE, 40812), server=(V6_ROUTER, 53), nat=False, views=("phone",))
    c.dns(d, 0.0, "sip6.example.net", "AAAA", [a_rec("sip6.example.net", V6_SERVER)],
          mark="dns")
    t = 0.05
    for i, port in enumerate((45102, 45118, 45133)):
        fl = c.flow((V6_PHONE, port), server=S, proto="tcp", nat=False)
        con = net.TcpConn(fl, c.rng)
        con.syn(t, mark="syn%d" % i)
        con.rst_to_syn(t + c.d() + 0.0002, mark="rst%d" % i)
        t += 30.0 + c.w.jitter(30)


@scenario("tcp_refused_tls_server_side", "register.no_response", views=("server",),
          t0=T(2024, 10, 28, 8, 0, 0))
def tcp_refused_tls_server(c):
    """Server side (Kamailio host 198.51.100.10, SLL2) while its TLS listener is down after
    a certificate error: a snom D785 behind NAT (203.0.113.71) set to TLS connects to port
    5061 every 20 s from a new port; every SYN is answered RST/ACK by the host (4
    attempts). Nothing else."""
    S = ("198.51.100.10", 5061)
    c.server_side(S[0], KVM, JUNIPER, linktype=SLL2)
    t = 0.0
    for i, (lp, pp) in enumerate(((39001, 61201), (39013, 61217), (39020, 61240),
                                  (39034, 61262))):
        fl = c.flow(("192.168.178.71", lp), ("203.0.113.71", pp), S, proto="tcp")
        con = net.TcpConn(fl, c.rng)
        con.syn(t, mark="syn%d" % i)
        con.rst_to_syn(t + c.d() + 0.0002, mark="rst%d" % i)
        t += 20.0 + c.w.jitter(40)


@scenario("tcp_rst_then_accepted", "register.no_response", t0=T(2024, 10, 29, 8, 0, 0))
def tcp_rst_then_ok(c):
    """Near miss. Yealink T46U over TCP to Kamailio 198.51.100.10:5060 while Kamailio
    restarts: the first SYN is answered RST/ACK; 10 s later the next SYN is accepted and
    the REGISTER over that connection gets 401, then 200."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "203.0.113.45"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1001", "voip.example.net", (PH, 5060), transport="TCP",
                 reg_port=5060)
    srv = c.server("kamailio", S, "voip.example.net", transport="TCP")
    f1 = c.flow((PH, 40101), (A, 40101), S, proto="tcp")
    con = net.TcpConn(f1, c.rng)
    con.syn(0.0, mark="syn0")
    con.rst_to_syn(c.d() + 0.0002, mark="rst0")
    f2 = c.flow((PH, 40117), (A, 40117), S, proto="tcp")
    con = net.TcpConn(f2, c.rng)
    t = con.handshake(10.0, mark="syn1")
    tcp_reg(c, con, ph, srv, t + 0.001, 3600, mark="r0")


def tcp_reg(c, con, ph, srv, t, expires, mark=None, challenge=True, stale=False):
    """REGISTER (-> 401 -> REGISTER) -> 200 over a TCP connection."""
    fl = con.f
    r1 = ph.register(expires, auth=ph.challenge is not None)
    con.send_c(t, r1, mark=mark and mark + ".reg")
    ts = t + c.d() + 0.001
    if challenge:
        a = srv.reg_challenge(r1, fl.public, ts, stale=stale)
        con.send_s(ts, a, mark=mark and mark + ".401")
        ph.learn(a)
        t = ts + c.d() + 0.006
        r1 = ph.register(expires, auth=True)
        con.send_c(t, r1, mark=mark and mark + ".auth")
        ts = t + c.d() + 0.002
    con.send_s(ts, srv.reg_ok(r1, fl.public, ts), mark=mark and mark + ".200")
    con.ack_c(ts + c.d() + 0.04)
    return ts + c.d()


@scenario("tcp_reset_after_registered", "register.no_response", t0=T(2024, 10, 30, 8, 0, 0))
def tcp_reset_registered(c):
    """Near miss. Grandstream GXP2170 over TCP to FreeSWITCH 203.0.113.50:5060: the
    connection is accepted and the REGISTER answered (401, 200). At 600 s FreeSWITCH is
    restarted and resets the idle connection (RST); the phone reconnects at once (SYN
    accepted) and registers again (401, 200)."""
    PH, RT, A = "192.168.0.150", "192.168.0.1", "198.51.100.150"
    S = ("203.0.113.50", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, TPLINK)
    ph = c.phone("grandstream", "2150", "pbx.example.org", (PH, 5060), transport="TCP")
    srv = c.server("freeswitch", S, "pbx.example.org", transport="TCP")
    f1 = c.flow((PH, 41500), (A, 41500), S, proto="tcp")
    con = net.TcpConn(f1, c.rng)
    t = con.handshake(0.0, mark="syn0")
    tcp_reg(c, con, ph, srv, t + 0.001, 3600, mark="r0")
    f1.down(600.0, b"", mark="rst", tcpf=(con.s, con.c, net.TCP_RST | net.TCP_ACK, 0, b""))
    f2 = c.flow((PH, 41532), (A, 41532), S, proto="tcp")
    con = net.TcpConn(f2, c.rng)
    t = con.handshake(600.5, mark="syn1")
    ph.challenge = None
    tcp_reg(c, con, ph, srv, t + 0.001, 3600, mark="r1")


@scenario("register_fragments_port_unreachable", "register.no_response",
          t0=T(2024, 10, 31, 8, 0, 0))
def reg_frag_port(c):
    """Near miss of fragments_lost. snom D785 sends a 1,580-byte REGISTER in two IPv4
    fragments to 192.0.2.10:5070, where nothing listens (the provider moved to 5060): both
    fragments arrive, the host reassembles the datagram and answers each of the 11 copies
    with ICMP port unreachable (3/3) quoting the reassembled datagram. The fragments were
    not lost; the port is closed."""
    PH, RT, A = "192.168.178.47", "192.168.178.1", "198.51.100.47"
    S = ("192.0.2.10", 5070)
    c.phone_side(PH, pmac("snom"), RT, FRITZ)
    ph = c.phone("snom", "4047", "192.0.2.10", (PH, 5060))
    fl = c.flow((PH, 5060), (A, 5060), S)
    req = big_register(c, ph, 1580)

    def refuse(t, s, i):
        whole = fl.build_up(req, 0, df=False)[0]
        ip = s.phone_pkts[0]
        whole = whole[:4] + ip[4:6] + whole[6:]            # the datagram's own IP id
        whole = net._retll(whole, fl.at_server_ttl())
        p = net.icmp4(S[0], PH, 3, 3, whole, c.w.next_ident(S[0]),
                      ttl=64 - fl.nat_hops - c.w.hops)
        c.w.emit("phone", t + c.d(), p, mark="reg.icmp" if i == 0 else None)
    c.unanswered(fl, req, 0.0, mark="reg", icmp=refuse)


# ====================================================================== register.rejected

@scenario("rejected_404_unknown_user", "register.rejected", t0=T(2024, 11, 4, 9, 0, 0))
def rejected_404(c):
    """Fanvil X4U with a mistyped account (3l08 instead of 3108) at OpenSIPS 198.51.100.25:
    every REGISTER is answered 404 Not Found at once (the registrar checks the user before
    challenging); the phone tries again every 60 s (3 attempts)."""
    PH, RT, A = "192.168.1.108", "192.168.1.1", "203.0.113.108"
    S = ("198.51.100.25", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, TPLINK)
    ph = c.phone("fanvil", "3l08", "sip.example.net", (PH, 5060))
    srv = c.server("opensips", S, "sip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    for i in range(3):
        req = ph.register(3600)
        c.exchange(fl, req, 60.0 * i, lambda ts: srv.respond(req, 404, "Not Found", fl.public),
                   mark="r%d" % i)


@scenario("rejected_423_not_corrected", "register.rejected", views=("server",),
          t0=T(2024, 11, 5, 9, 0, 0))
def rejected_423(c):
    """Server side (Kamailio 198.51.100.10, SLL2, min_expires 600). A Grandstream GXP2170
    behind NAT (198.51.100.141:5060) asks Expires 60: 401, then 423 Interval Too Brief
    with Min-Expires: 600 to the REGISTER with credentials. The phone ignores Min-Expires
    and tries again 60 s later asking 60 again, three times: never registered."""
    S = ("198.51.100.10", 5060)
    PH, A = "192.168.0.141", "198.51.100.141"
    c.server_side(S[0], KVM, JUNIPER, linktype=SLL2)
    ph = c.phone("grandstream", "2141", "voip.example.net", (PH, 5060))
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    for i in range(3):
        ph.challenge = None
        r1 = ph.register(60)
        t, a = c.exchange(fl, r1, 60.0 * i, lambda ts: srv.reg_challenge(r1, fl.public, ts),
                          mark="c%d" % i)
        ph.learn(a)
        r2 = ph.register(60, auth=True)
        c.exchange(fl, r2, t + 0.006, lambda ts: srv.respond(
            r2, 423, "Interval Too Brief", fl.public, extra=[("Min-Expires", "600")]),
            mark="r%d" % i)


@scenario("rejected_480_ipv6_tcp", "register.rejected", t0=T(2024, 11, 6, 9, 0, 0))
def rejected_480(c):
    """IPv6 over TCP. Linphone registers to an IMS core's Kamailio S-CSCF at
    [2001:db8:85a3::8a2e:370:7334]:5060 whose HSS is unreachable: 401, then 480
    Temporarily Unavailable to the REGISTER with credentials; the same every 30 s on the
    same connection (3 attempts)."""
    c.phone_side(V6_PHONE, pmac("linphone"), V6_ROUTER, FRITZ)
    S = (V6_SERVER, 5060)
    ph = c.phone("linphone", "grace", "ims6.example.net", (V6_PHONE, 45300), transport="TCP")
    srv = c.server("kamailio", S, "ims6.example.net", transport="TCP")
    fl = c.flow((V6_PHONE, 45300), server=S, proto="tcp", nat=False)
    con = net.TcpConn(fl, c.rng)
    t = con.handshake(0.0, mark="syn")
    for i in range(3):
        ph.challenge = None
        r1 = ph.register(600)
        con.send_c(t + 0.001, r1, mark="r%d.reg" % i)
        ts = t + 0.001 + c.d() + 0.001
        a = srv.reg_challenge(r1, fl.public, ts)
        con.send_s(ts, a, mark="r%d.401" % i)
        ph.learn(a)
        r2 = ph.register(600, auth=True)
        t2 = ts + c.d() + 0.006
        con.send_c(t2, r2, mark="r%d.auth" % i)
        ts = t2 + c.d() + 0.35
        con.send_s(ts, srv.respond(r2, 480, "Temporarily Unavailable", fl.public,
                                   extra=[("Retry-After", "30")]), mark="r%d.480" % i)
        con.ack_c(ts + c.d() + 0.04)
        t += 30.0


@scenario("invite_100_then_486", "register.rejected", t0=T(2024, 11, 7, 9, 0, 0))
def invite_486(c):
    """Near miss. Yealink T46U registered at Kamailio calls 1040, who is busy: INVITE ->
    100 Trying -> 486 Busy Here -> ACK. A call refused with a final error, not a
    registration."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "203.0.113.45"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1001", "voip.example.net", (PH, 5060), reg_port=5060)
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 3600, mark="r0")
    inv, cid, ftag = invite(c, ph, "sip:1040@voip.example.net")
    fl.up(12.0, inv, mark="inv")
    ts = 12.0 + c.d() + 0.001
    fl.down(ts, srv.respond(inv, 100, "Trying", fl.public), mark="inv.100")
    tag = srv.to_tag()
    fl.down(ts + 0.7, srv.respond(inv, 486, "Busy Here", fl.public, to_tag=tag),
            mark="inv.486")
    fl.up(ts + 0.7 + c.d() + 0.003, ph.request("ACK", "sip:1040@voip.example.net",
                                                "sip:1040@voip.example.net", cid, ftag, 1,
                                                branch=sip.param(sip.header(inv, "Via"),
                                                                 "branch"), to_tag=tag),
          mark="ack")


# ====================================================================== register.forbidden

@scenario("forbidden_wrong_password_server", "register.forbidden", views=("server",),
          t0=T(2024, 11, 11, 9, 0, 0))
def forbidden_pw_server(c):
    """Server side (FreeSWITCH 203.0.113.50, SLL2). A Grandstream GXP2170 behind NAT
    (198.51.100.142:5060) with a wrong password: REGISTER -> 401, REGISTER with
    credentials -> 403 Forbidden (sofia's answer to a failed digest). The phone starts
    over 60 s later: the same 401 and 403."""
    S = ("203.0.113.50", 5060)
    PH, A = "192.168.0.142", "198.51.100.142"
    c.server_side(S[0], KVM2, ARISTA, linktype=SLL2)
    ph = c.phone("grandstream", "2142", "pbx.example.org", (PH, 5060), password="wrong")
    srv = c.server("freeswitch", S, "pbx.example.org")
    fl = c.flow((PH, 5060), (A, 5060), S)
    for i in range(2):
        ph.challenge = None
        r1 = ph.register(3600)
        t, a = c.exchange(fl, r1, 60.0 * i, lambda ts: srv.reg_challenge(r1, fl.public, ts),
                          mark="c%d" % i)
        ph.learn(a)
        r2 = ph.register(3600, auth=True)
        c.exchange(fl, r2, t + 0.007, lambda ts: srv.respond(r2, 403, "Forbidden", fl.public),
                   mark="r%d" % i)


@scenario("invite_403_after_proxy_auth", "register.forbidden", t0=T(2024, 11, 12, 9, 0, 0))
def invite_403_auth(c):
    """Near miss. Yealink T46U registered at FreeSWITCH calls an international number:
    INVITE -> 407, INVITE with Proxy-Authorization -> 403 Forbidden (the account may not
    call abroad) -> ACK. Credentials offered and refused with 403, but on a call."""
    PH, RT, A = "192.168.1.24", "192.168.1.1", "203.0.113.46"
    S = ("203.0.113.50", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1024", "pbx.example.org", (PH, 5060))
    srv = c.server("freeswitch", S, "pbx.example.org")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 3600, mark="r0")
    ruri = "sip:00861087654321@pbx.example.org"
    cid, ftag = ph.new_call_id(), ph.new_tag()
    body = sip.sdp(c.rng, PH, 11780)
    br = ph.new_branch()
    inv = ph.request("INVITE", ruri, ruri, cid, ftag, 1, branch=br, body=body)
    t, a407 = c.exchange(fl, inv, 9.0, lambda ts: srv.respond(
        inv, 407, "Proxy Authentication Required", fl.public,
        extra=[srv.challenge_value(srv.nonce(ts), header_name="Proxy-Authenticate")]),
        mark="inv1")
    tag = sip.param(sip.header(a407, "To"), "tag")
    fl.up(t + 0.002, ph.request("ACK", ruri, ruri, cid, ftag, 1, branch=br, to_tag=tag))
    ph.learn(a407)
    br = ph.new_branch()
    inv2 = ph.request("INVITE", ruri, ruri, cid, ftag, 2, branch=br, body=body,
                      extra=[ph.authorization("INVITE", ruri, "Proxy-Authorization")])
    t, a403 = c.exchange(fl, inv2, t + 0.01, lambda ts: srv.respond(
        inv2, 403, "Forbidden", fl.public), mark="inv2")
    tag = sip.param(sip.header(a403, "To"), "tag")
    fl.up(t + 0.002, ph.request("ACK", ruri, ruri, cid, ftag, 2, branch=br, to_tag=tag),
          mark="ack2")


@scenario("subscribe_403_with_credentials", "register.forbidden", t0=T(2024, 11, 13, 9, 0, 0))
def subscribe_403(c):
    """Near miss. snom D785 registered at Asterisk 192.0.2.10 subscribes to the dialog
    state of 4999 for a busy lamp: SUBSCRIBE -> 401, SUBSCRIBE with credentials -> 403
    Forbidden (4999 may not be watched). The registration itself is fine (refresh at 300
    s)."""
    PH, RT, A = "192.168.178.48", "192.168.178.1", "198.51.100.48"
    S = ("192.0.2.10", 5060)
    c.phone_side(PH, pmac("snom"), RT, FRITZ)
    ph = c.phone("snom", "4048", "192.0.2.10", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 600, mark="r0")
    ruri = "sip:4999@192.0.2.10"
    cid, ftag = ph.new_call_id(), ph.new_tag()
    ev = [("Event", "dialog"), ("Accept", "application/dialog-info+xml"), ("Expires", "3600")]
    sub = ph.request("SUBSCRIBE", ruri, ruri, cid, ftag, 1, extra=ev)
    t, a = c.exchange(fl, sub, 2.0, lambda ts: srv.reg_challenge(sub, fl.public, ts),
                      mark="sub1")
    ph.learn(a)
    sub2 = ph.request("SUBSCRIBE", ruri, ruri, cid, ftag, 2,
                      extra=ev + [ph.authorization("SUBSCRIBE", ruri)])
    c.exchange(fl, sub2, t + 0.008, lambda ts: srv.respond(sub2, 403, "Forbidden", fl.public),
               mark="sub2")
    c.register(ph, fl, srv, 300.1, 600, mark="r1", stale=True)


@scenario("forbidden_ua_then_upgraded", "register.forbidden", t0=T(2024, 11, 14, 9, 0, 0))
def forbidden_ua_upgrade(c):
    """Yealink T46U on old firmware at a provider's Kamailio that only admits current
    firmware: REGISTER (no credentials) -> 403 Forbidden with Warning: 399
    voip.example.net "User-Agent not allowed", twice, 60 s apart. The phone then upgrades
    (User-Agent "Yealink SIP-T46U 108.87.0.10") and registers: 401, 200."""
    PH, RT, A = "192.168.1.25", "192.168.1.1", "203.0.113.47"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1025", "voip.example.net", (PH, 5060), reg_port=5060)
    ph.ua = "Yealink SIP-T46U 66.85.0.5"
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    for i in range(2):
        req = ph.register(3600)
        c.exchange(fl, req, 60.0 * i, lambda ts: srv.respond(
            req, 403, "Forbidden", fl.public,
            extra=[("Warning", '399 voip.example.net "User-Agent not allowed"')]),
            mark="f%d" % i)
    ph.ua = "Yealink SIP-T46U 108.87.0.10"
    ph.new_registration()
    c.register(ph, fl, srv, 300.0, 3600, mark="r0")


@scenario("forbidden_ua_softphone_server", "register.forbidden", views=("server",),
          t0=T(2024, 11, 15, 9, 0, 0))
def forbidden_ua_server(c):
    """Server side (FreeSWITCH 203.0.113.50, SLL2, an ACL on the User-Agent). The user of
    account 2033 tries the MicroSIP softphone from 198.51.100.33 (home NAT): REGISTER ->
    403 Forbidden at once, twice. Five minutes later the same account registers from the
    office Grandstream GXP2170 (198.51.100.34): 401, 200."""
    S = ("203.0.113.50", 5060)
    c.server_side(S[0], KVM2, ARISTA, linktype=SLL2)
    srv = c.server("freeswitch", S, "pbx.example.org")
    soft = c.phone("asterisk_trunk", "2033", "pbx.example.org", ("192.168.2.33", 5060))
    soft.ua = "MicroSIP/3.21.3"
    f1 = c.flow(("192.168.2.33", 5060), ("198.51.100.33", 5060), S)
    for i in range(2):
        req = soft.register(300)
        c.exchange(f1, req, 40.0 * i, lambda ts: srv.respond(req, 403, "Forbidden", f1.public),
                   mark="f%d" % i)
    desk = c.phone("grandstream", "2033", "pbx.example.org", ("192.168.0.33", 5060))
    f2 = c.flow(("192.168.0.33", 5060), ("198.51.100.34", 5060), S)
    c.register(desk, f2, srv, 340.0, 3600, mark="r0")


@scenario("forbidden_ip_acl_then_same_ua", "register.forbidden", t0=T(2024, 11, 18, 9, 0, 0))
def forbidden_acl(c):
    """Fanvil X4U at a Huawei IMS core that admits registrations from listed addresses
    only: REGISTER from the new office line (203.0.113.180) -> 403 Forbidden with
    Warning: 399 ims.example.cn "Source address not allowed", no challenge; the phone
    retries every 60 s (3 times). The operator adds the address; the next REGISTER, same
    phone and User-Agent, gets 401, then 200."""
    PH, RT, A = "192.168.1.180", "192.168.1.1", "203.0.113.180"
    S = ("192.0.2.100", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, HUAWEI_CPE)
    ph = c.phone("fanvil", "+861011112222", "ims.example.cn", (PH, 5060),
                 auth_user="861011112222@ims.example.cn")
    srv = c.server("huawei", S, "ims.example.cn")
    fl = c.flow((PH, 5060), (A, 5060), S)
    for i in range(3):
        req = ph.register(3600)
        c.exchange(fl, req, 60.0 * i, lambda ts: srv.respond(
            req, 403, "Forbidden", fl.public,
            extra=[("Warning", '399 ims.example.cn "Source address not allowed"')]),
            mark="f%d" % i)
    c.register(ph, fl, srv, 240.0, 3600, mark="r0")


@scenario("forbidden_other_account_other_ua", "register.forbidden",
          t0=T(2024, 11, 19, 9, 0, 0))
def forbidden_other(c):
    """A capture at the office switch's mirror port, two phones at one Kamailio. The new
    snom D785 (account 4050) is not yet bound to its MAC address on the provider's side:
    each REGISTER gets 403 Forbidden with Warning: 399 voip.example.net "Device not
    provisioned", no challenge (3 attempts, 60 s apart). Meanwhile the Yealink T46U of
    another account (1051) registers fine (401, 200). Account 4050 never registers."""
    P1, P2, RT, A = "192.168.1.50", "192.168.1.51", "192.168.1.1", "203.0.113.150"
    S = ("198.51.100.10", 5060)
    c.phone_side(P1, pmac("snom"), RT, TPLINK, extra_macs={P2: pmac("yealink")})
    c.w.taps["phone"].local.add(P2)
    srv = c.server("kamailio", S, "voip.example.net")
    snom = c.phone("snom", "4050", "voip.example.net", (P1, 5060))
    yl = c.phone("yealink", "1051", "voip.example.net", (P2, 5060), reg_port=5060)
    f1 = c.flow((P1, 5060), (A, 5060), S)
    f2 = c.flow((P2, 5060), (A, 1029), S)
    for i in range(3):
        req = snom.register(3600)
        c.exchange(f1, req, 60.0 * i, lambda ts: srv.respond(
            req, 403, "Forbidden", f1.public,
            extra=[("Warning", '399 voip.example.net "Device not provisioned"')]),
            mark="f%d" % i)
    c.register(yl, f2, srv, 20.0, 3600, mark="r0")


@scenario("forbidden_mac_ipv6", "register.forbidden", t0=T(2024, 11, 20, 9, 0, 0))
def forbidden_mac_v6(c):
    """IPv6, no NAT. Grandstream GXP2170 (2001:db8:3c4d:15::2b) at a Huawei IMS core
    [2001:db8:85a3::8a2e:370:7334]:5060 that binds terminals to their MAC address: each
    REGISTER (no credentials) is answered 403 Forbidden with Warning: 399 ims.example.cn
    "Terminal MAC not bound" (3 attempts, 30 s apart). Never registered."""
    PH = "2001:db8:3c4d:15::2b"
    c.phone_side(PH, pmac("grandstream"), V6_ROUTER, FRITZ)
    S = (V6_SERVER, 5060)
    ph = c.phone("grandstream", "+861033334444", "ims.example.cn", (PH, 5060),
                 auth_user="861033334444@ims.example.cn")
    srv = c.server("huawei", S, "ims.example.cn")
    fl = c.flow((PH, 5060), server=S, nat=False)
    for i in range(3):
        req = ph.register(3600)
        c.exchange(fl, req, 30.0 * i, lambda ts: srv.respond(
            req, 403, "Forbidden", fl.public,
            extra=[("Warning", '399 ims.example.cn "Terminal MAC not bound"')]),
            mark="f%d" % i)


# ====================================================================== auth.rejected_credentials

@scenario("auth_stale_twice_then_ok", "auth.rejected_credentials", t0=T(2024, 11, 21, 9, 0, 0))
def auth_stale_twice(c):
    """Near miss. Yealink T46U at a Kamailio pair behind a load balancer whose clocks differ:
    the refresh with the cached nonce gets 401 stale=true; the REGISTER answering that
    challenge reaches the other node, which finds the nonce expired too: 401 stale=true
    again; the third REGISTER gets 200. Two 401s in a row to answered credentials, both
    stale: the password is right."""
    PH, RT, A = "192.168.1.26", "192.168.1.1", "203.0.113.48"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1026", "voip.example.net", (PH, 5060), reg_port=5060)
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 3600, mark="r0")
    t = 1800.1
    for k in range(2):
        req = ph.register(3600, auth=True)
        t, a = c.exchange(fl, req, t, lambda ts: srv.reg_challenge(req, fl.public, ts,
                                                                    stale=True),
                          mark="s%d" % k)
        ph.learn(a)
        t += 0.007
    req = ph.register(3600, auth=True)
    c.exchange(fl, req, t, lambda ts: srv.reg_ok(req, fl.public, ts), mark="ok")


# ====================================================================== nat.return_path_blocked

def qualify(c, srv, fl, ph, t, user, cseq, answer=True, mark=None):
    """Asterisk's qualify OPTIONS to the phone's registered contact; the phone answers 200."""
    opt = srv.request("OPTIONS", "sip:%s@%s:%d" % (user, fl.public[0], fl.public[1]),
                      "<sip:%s@%s>" % (user, fl.public[0]), sip.hexs(c.rng, 32), cseq,
                      from_uri="sip:%s@%s" % (user, srv.addr[0]))
    fl.down(t, opt, mark=mark)
    if answer:
        fl.up(t + c.d() + 0.004, ph.answer(opt, 200, "OK", to_tag=ph.new_tag()),
              mark=mark and mark + ".200")


@scenario("return_path_alg_drops_answers", "nat.return_path_blocked",
          t0=T(2024, 11, 25, 9, 0, 0))
def return_alg_drops(c):
    """Fanvil X4U (192.168.1.80) behind a router whose SIP ALG drops the registrar's
    responses on their way in (a firmware bug); requests from the server still pass.
    Asterisk 198.51.100.40 still has the phone's contact from before and qualifies it with
    OPTIONS every 60 s: they arrive and the phone answers 200. The phone's REGISTERs (11
    copies each, a new attempt 20 s after timer F) are never answered."""
    PH, RT, A = "192.168.1.80", "192.168.1.1", "203.0.113.80"
    S = ("198.51.100.40", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, TPLINK)
    ph = c.phone("fanvil", "3180", "198.51.100.40", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)
    _, last = c.unanswered(fl, ph.register(600), 0.0, mark="reg")
    c.unanswered(fl, ph.register(600), last + 20.5, mark="reg2")
    for i in range(2):
        qualify(c, srv, fl, ph, 25.0 + 60.0 * i, "3180", 5101 + i, mark="opt%d" % i)


@scenario("return_path_server_asterisk", "nat.return_path_blocked", views=("server",),
          t0=T(2024, 11, 26, 9, 0, 0))
def return_server_ast(c):
    """Server side (Asterisk 192.0.2.10, SLL). A Grandstream GXP2170 behind NAT
    (198.51.100.143:5060, Via sent-by 192.168.0.143:5060) whose router drops the answers:
    every copy of its REGISTER gets the same 401 from Asterisk (the transaction's cached
    response) and the phone keeps retransmitting (11 copies); 20 s after timer F it starts
    a new attempt, with the same result."""
    S = ("192.0.2.10", 5060)
    PH, A = "192.168.0.143", "198.51.100.143"
    c.server_side(S[0], KVM2, ARISTA, linktype=SLL)
    ph = c.phone("grandstream", "2143", "192.0.2.10", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)
    t = 0.0
    for k in range(2):
        req = ph.register(3600)
        a401 = srv.reg_challenge(req, fl.public, t + c.d())

        def answer(ts, sent, i, a401=a401, k=k):
            fl.down(ts, a401, reach=False, mark=("a%d.401" % k) if i == 0 else None)
        _, last = c.unanswered(fl, req, t, mark="a%d" % k, answer_srv=answer)
        t = last + 20.5


@scenario("return_path_public_phone_options", "nat.return_path_blocked",
          t0=T(2024, 11, 27, 9, 0, 0))
def return_public(c):
    """Near miss. Fanvil X4U with a public address (192.0.2.78, no NAT: Via sent-by is the
    source) registers at Asterisk 203.0.113.60: its REGISTERs are never answered (a
    firewall in front of the registrar drops them), while Asterisk's qualify OPTIONS to
    the statically configured contact arrive and are answered."""
    PH, RT = "192.0.2.78", "192.0.2.65"
    S = ("203.0.113.60", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, JUNIPER)
    ph = c.phone("fanvil", "3078", "203.0.113.60", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (PH, 5060), S, nat=False)
    _, last = c.unanswered(fl, ph.register(600), 0.0, mark="reg")
    c.unanswered(fl, ph.register(600), last + 20.5, mark="reg2")
    for i in range(2):
        qualify(c, srv, fl, ph, 25.0 + 60.0 * i, "3078", 7301 + i, mark="opt%d" % i)


@scenario("register_100_slow_401_server", "nat.return_path_blocked", views=("server",),
          t0=T(2024, 11, 28, 9, 0, 0))
def reg_100_slow(c):
    """Near miss, server side (a Huawei IMS P-CSCF, Ethernet). A Yealink T46U behind NAT
    (203.0.113.181:5060, Via sent-by 192.168.1.81) registers; the core answers 100 Trying at
    once and the 401 only after 13.2 s (the HSS is slow). A client keeps retransmitting a
    non-INVITE request after a provisional response (every T2 = 4 s, RFC 3261 17.1.2.2), so
    three copies arrive after the 100 and none after the 401; the REGISTER with
    credentials gets 200 at once."""
    S = ("192.0.2.100", 5060)
    PH, A = "192.168.1.81", "203.0.113.181"
    c.server_side(S[0], KVM, ARISTA)
    ph = c.phone("yealink", "+861081818181", "ims.example.cn", (PH, 5060),
                 auth_user="861081818181@ims.example.cn")
    srv = c.server("huawei", S, "ims.example.cn")
    fl = c.flow((PH, 5060), (A, 5060), S)
    req = ph.register(3600)
    fl.up(0.0, req, mark="reg")
    fl.down(c.d() + 0.002, srv.respond(req, 100, "Trying", fl.public), mark="reg.100")
    for k, t in enumerate((4.0, 8.0, 12.0)):
        fl.up(t + c.w.jitter(2), req, mark="reg.after%d" % (k + 1))
    ts = 13.2
    a = srv.reg_challenge(req, fl.public, ts)
    fl.down(ts, a, mark="reg.401")
    ph.learn(a)
    r2 = ph.register(3600, auth=True)
    t = ts + 2 * c.d() + 0.006
    fl.up(t, r2, mark="auth")
    fl.down(t + c.d() + 0.003, srv.reg_ok(r2, fl.public, t + c.d()), mark="auth.200")


# ====================================================================== path_loss (two captures)

@scenario("path_loss_pair_asterisk", "nat.return_path_blocked", views=("phone", "server"),
          t0=T(2024, 12, 2, 9, 0, 0))
def path_loss_ast(c):
    """Both ends of one path: the phone's capture (Grandstream GXP2170 at 192.168.0.66
    behind a TP-Link, Ethernet) and Asterisk's (192.0.2.10, SLL, clock 5.1 s ahead). After a
    firewall rule change the router drops everything coming back from the server: all 11
    copies of the REGISTER reach Asterisk, which answers each with its 401; none arrives.
    The phone starts again 20 s after timer F: the same."""
    PH, RT, A = "192.168.0.66", "192.168.0.1", "198.51.100.166"
    S = ("192.0.2.10", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, TPLINK)
    c.server_side(S[0], KVM2, ARISTA, clock=5.1, linktype=SLL)
    ph = c.phone("grandstream", "2166", "192.0.2.10", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)
    t = 0.0
    for k in range(2):
        req = ph.register(3600)
        a401 = srv.reg_challenge(req, fl.public, t + c.d())

        def answer(ts, sent, i, a401=a401, k=k):
            fl.down(ts, a401, reach=False, mark=("a%d.401" % k) if i == 0 else None)
        _, last = c.unanswered(fl, req, t, mark="a%d" % k, answer_srv=answer)
        t = last + 20.5


@scenario("path_loss_pair_ipv6", "nat.return_path_blocked", views=("phone", "server"),
          t0=T(2024, 12, 3, 9, 0, 0))
def path_loss_v6(c):
    """IPv6, both ends, no NAT: Linphone (2001:db8:3c4d:15::1a2b) and Kamailio
    [2001:db8:85a3::8a2e:370:7334]:5060 (server clock 3.2 s behind). It registers at 0 s
    (401, 200, Expires 600). At 300 s the home router's IPv6 firewall loses its state
    table and drops everything inbound from then on: the refresh's 11 copies reach
    Kamailio, each answered 401 (stale nonce), none arrives; the next attempt at 352 s
    too."""
    c.phone_side(V6_PHONE, pmac("linphone"), V6_ROUTER, FRITZ)
    S = (V6_SERVER, 5060)
    c.server_side(V6_SERVER, KVM, JUNIPER, clock=-3.2)
    ph = c.phone("linphone", "heidi", "sip6.example.net", (V6_PHONE, 5060))
    srv = c.server("kamailio", S, "sip6.example.net")
    fl = c.flow((V6_PHONE, 5060), server=S, nat=False)
    c.register(ph, fl, srv, 0.0, 600, mark="r0")
    t = 300.0
    for k in range(2):
        req = ph.register(600, auth=True)

        def answer(ts, sent, i, req=req, k=k):
            fl.down(ts, srv.reg_challenge(req, fl.public, ts, stale=True), reach=False,
                    mark=("a%d.401" % k) if i == 0 else None)
        _, last = c.unanswered(fl, req, t, mark="a%d" % k, answer_srv=answer)
        t = last + 20.5


@scenario("path_loss_pair_partial", "nat.return_path_blocked", views=("phone", "server"),
          t0=T(2024, 12, 4, 9, 0, 0))
def path_loss_partial(c):
    """Both ends (Fanvil X4U behind NAT 203.0.113.184; OpenSIPS 198.51.100.25, server clock
    0.8 s ahead) of a lossy return path: the first six copies of the REGISTER reach the
    server and each is answered 401, but only the sixth answer gets back (5 lost); then
    REGISTER with credentials, 200 (delivered); the refresh at 600 s gets 401 and 200
    (both delivered). 5 answers lost, 4 delivered; registered in the end."""
    PH, RT, A = "192.168.1.84", "192.168.1.1", "203.0.113.184"
    S = ("198.51.100.25", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, TPLINK)
    c.server_side(S[0], KVM, JUNIPER, clock=0.8)
    ph = c.phone("fanvil", "3184", "sip.example.net", (PH, 5060))
    srv = c.server("opensips", S, "sip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    req = ph.register(1200)
    times = c.timer_e(0.0)[:6]
    got = []

    def answer(ts, sent, i):
        a = srv.reg_challenge(req, fl.public, ts)
        fl.down(ts, a, reach=i == 5, mark="reg.401" if i == 0 else
                ("reg.401.got" if i == 5 else None))
        got.append((ts, a))
    c.unanswered(fl, req, 0.0, mark="reg", times=times, answer_srv=answer)
    ts, a = got[-1]
    ph.learn(a)
    r2 = ph.register(1200, auth=True)
    t = ts + c.d() + 0.006
    fl.up(t, r2, mark="auth")
    fl.down(t + c.d() + 0.002, srv.reg_ok(r2, fl.public, t + c.d()), mark="auth.200")
    c.register(ph, fl, srv, 600.0, 1200, mark="r1", stale=True)


@scenario("path_loss_pair_upstream_only", "nat.return_path_blocked",
          views=("phone", "server"), t0=T(2024, 12, 5, 9, 0, 0))
def path_loss_up(c):
    """Near miss, both ends (snom D785 behind NAT 198.51.100.49; Kamailio 198.51.100.10,
    server clock 1.4 s ahead). The upstream link drops a burst: the first two copies of
    the REGISTER never reach the server, the third does and is answered 401; REGISTER with
    credentials, 200; the refresh at 300 s and 600 s lose their first copy on the way up
    and are answered on the retransmission. Nothing the server sent is lost."""
    PH, RT, A = "192.168.178.49", "192.168.178.1", "198.51.100.49"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("snom"), RT, FRITZ)
    c.server_side(S[0], KVM, JUNIPER, clock=1.4)
    ph = c.phone("snom", "4049", "voip.example.net", (PH, 5060))
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    for k, (t0, lost) in enumerate(((0.0, 2), (300.0, 1), (600.0, 1))):
        req = ph.register(600, auth=k > 0)
        times = c.timer_e(t0)[:lost + 1]
        c.unanswered(fl, req, t0, mark="r%d" % k, times=times, reach=lambda i, n=lost: i >= n)
        ts = times[-1] + c.d() + 0.004                  # after the (jittered) copy arrived
        a = srv.reg_challenge(req, fl.public, ts, stale=k > 0)
        fl.down(ts, a, mark="r%d.401" % k)
        ph.learn(a)
        r2 = ph.register(600, auth=True)
        t = ts + c.d() + 0.006
        fl.up(t, r2, mark="r%d.auth" % k)
        fl.down(t + c.d() + 0.002, srv.reg_ok(r2, fl.public, t + c.d()), mark="r%d.200" % k)


@scenario("path_loss_pair_few_lost", "nat.return_path_blocked", views=("phone", "server"),
          t0=T(2024, 12, 6, 9, 0, 0))
def path_loss_few(c):
    """Near miss, both ends (Yealink T46U behind NAT 203.0.113.185; FreeSWITCH 203.0.113.50,
    server clock 0.3 s behind). Three registrations 300 s apart each lose the first 401 on
    the way back; the phone's retransmission gets the 401 again, then 200. 3 answers lost,
    6 delivered: fewer lost than delivered."""
    PH, RT, A = "192.168.1.85", "192.168.1.1", "203.0.113.185"
    S = ("203.0.113.50", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    c.server_side(S[0], KVM2, ARISTA, clock=-0.3)
    ph = c.phone("yealink", "1085", "pbx.example.org", (PH, 5060))
    srv = c.server("freeswitch", S, "pbx.example.org")
    fl = c.flow((PH, 5060), (A, 5060), S)
    for k in range(3):
        ph.challenge = None
        req = ph.register(600)
        times = c.timer_e(300.0 * k)[:2]
        got = []

        def answer(ts, sent, i, req=req, k=k, got=got):
            a = srv.reg_challenge(req, fl.public, ts)
            fl.down(ts, a, reach=i == 1, mark=("r%d.401lost" % k) if i == 0 else
                    ("r%d.401" % k))
            got.append((ts, a))
        c.unanswered(fl, req, 300.0 * k, mark="r%d" % k, times=times, answer_srv=answer)
        ts, a = got[-1]
        ph.learn(a)
        r2 = ph.register(600, auth=True)
        t = ts + c.d() + 0.006
        fl.up(t, r2, mark="r%d.auth" % k)
        fl.down(t + c.d() + 0.002, srv.reg_ok(r2, fl.public, t + c.d()), mark="r%d.200" % k)


@scenario("path_loss_pair_phone_capture_shorter", "nat.return_path_blocked",
          views=("phone", "server"), t0=T(2024, 12, 9, 9, 0, 0))
def path_loss_short(c):
    """Near miss, both ends (Grandstream GXP2170 behind NAT 198.51.100.186; Asterisk
    192.0.2.10, server clock 2.2 s ahead). The phone's capture covers only the first
    100 s (registration 401/200 at 0 s, a qualify OPTIONS answered at 60 s); the server's
    runs on for 20 minutes: refreshes at 300, 600 and 900 s (401, 200) and qualify OPTIONS
    every 60 s, all answered. What the server sent after the phone's capture ended is
    outside it, not lost."""
    PH, RT, A = "192.168.0.86", "192.168.0.1", "198.51.100.186"
    S = ("192.0.2.10", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, TPLINK)
    c.server_side(S[0], KVM2, ARISTA, clock=2.2, linktype=SLL)
    ph = c.phone("grandstream", "2186", "192.0.2.10", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    both = c.flow((PH, 5060), (A, 5060), S)
    late = c.flow((PH, 5060), (A, 5060), S, views=("server",))
    c.register(ph, both, srv, 0.0, 600, mark="r0")
    qualify(c, srv, both, ph, 60.0, "2186", 901, mark="opt0")
    for k in range(1, 4):
        c.register(ph, late, srv, 300.0 * k, 600, mark="r%d" % k, stale=True)
    for k in range(2, 20):
        qualify(c, srv, late, ph, 60.0 * k + 0.4, "2186", 900 + k)


# ====================================================================== alg.rewrite

def contact_to(host_port):
    """A router SIP ALG that rewrites the Contact host:port of what passes (and nothing
    else: Via, SDP and Content-Length stay)."""
    def f(m):
        head, sep, body = m.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        for i, l in enumerate(lines):
            if l.lower().startswith(b"contact:") and b"@" in l:
                pre, rest = l.split(b"@", 1)
                hp_end = min([x for x in (rest.find(b";"), rest.find(b">")) if x >= 0])
                lines[i] = pre + b"@" + host_port.encode() + rest[hp_end:]
        return b"\r\n".join(lines) + sep + body
    return f


@scenario("alg_contact_port", "alg.rewrite", t0=T(2024, 12, 10, 9, 0, 0))
def alg_contact_port(c):
    """A Yealink T46U (192.168.1.27) behind a router whose SIP ALG rewrites the REGISTER's
    Contact to its WAN address with a port of its own, 203.0.113.49:1025, while the
    packets leave port-preserved from 203.0.113.49:5060 (Via untouched: the answers say
    received=203.0.113.49;rport=5060). Asterisk 198.51.100.40 stores what it got: its 200
    lists <sip:1027@203.0.113.49:1025>, neither the phone's own contact nor the address
    and port it saw. Refreshed at 300 s."""
    PH, RT, A = "192.168.1.27", "192.168.1.1", "203.0.113.49"
    S = ("198.51.100.40", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1027", "198.51.100.40", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)
    alg = contact_to("203.0.113.49:1025")
    t = c.register(ph, fl, srv, 0.0, 600, mark="r0", alg_up=alg)
    c.register(ph, fl, srv, t + 300.0, 600, mark="r1", stale=True, alg_up=alg)


@scenario("alg_contact_lan_address", "alg.rewrite", t0=T(2024, 12, 10, 15, 0, 0))
def alg_contact_lan(c):
    """snom D785 (192.168.178.60) behind a home gateway whose SIP ALG writes the gateway's
    own LAN address into the Contact of the REGISTER: <sip:4060@192.168.178.1:5060>. Asterisk
    192.0.2.10 stores it as sent: its 200 lists a contact at 192.168.178.1:5060, neither
    the phone's address nor the public one it saw (198.51.100.60:5060). Refreshed at 300 s
    (401 stale, 200) with the same result."""
    PH, RT, A = "192.168.178.60", "192.168.178.1", "198.51.100.60"
    S = ("192.0.2.10", 5060)
    c.phone_side(PH, pmac("snom"), RT, FRITZ)
    ph = c.phone("snom", "4060", "192.0.2.10", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)
    alg = contact_to("192.168.178.1:5060")
    t = c.register(ph, fl, srv, 0.0, 600, mark="r0", alg_up=alg)
    c.register(ph, fl, srv, t + 300.0, 600, mark="r1", stale=True, alg_up=alg)


@scenario("alg_nat_contact_sdp_pair", "alg.rewrite", views=("phone", "server"),
          t0=T(2024, 12, 10, 18, 0, 0))
def alg_nat_pair(c):
    """Both ends: a Fanvil X4U (192.168.1.92) behind a router whose SIP ALG rewrites the
    Contact of every request to the mapped public address 203.0.113.92:5060 and, in the
    INVITE, the SDP o=/c= to 203.0.113.92, correcting Content-Length (Via untouched).
    Asterisk 198.51.100.40's capture (clock 1.7 s behind) shows what arrived. The 200 to
    REGISTER lists the contact as it arrived, the public address the server saw; the call
    is answered (100, 180, 200, ACK, BYE after 6 s)."""
    PH, RT, A = "192.168.1.92", "192.168.1.1", "203.0.113.92"
    S = ("198.51.100.40", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, TPLINK)
    c.server_side(S[0], KVM2, ARISTA, clock=-1.7)
    ph = c.phone("fanvil", "3192", "198.51.100.40", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)
    calg = contact_to("%s:5060" % A)

    def alg(m):
        head, sep, body = calg(m).partition(b"\r\n\r\n")
        if not body:
            return head + sep
        body = body.replace(PH.encode(), A.encode())
        head = b"\r\n".join(b"Content-Length: %d" % len(body)
                             if l.lower().startswith(b"content-length:") else l
                             for l in head.split(b"\r\n"))
        return head + sep + body
    t = c.register(ph, fl, srv, 0.0, 600, mark="r0", alg_up=alg)
    ruri = "sip:1010@198.51.100.40"
    inv, cid, ftag = invite(c, ph, ruri)
    fl.up(t + 10.0, inv, mark="inv", payload_server=alg(inv))
    ts = t + 10.0 + c.d() + 0.001
    fl.down(ts, srv.respond(alg(inv), 100, "Trying", fl.public), mark="inv.100")
    tag = srv.to_tag()
    curi = "sip:1010@192.0.2.77:5060"
    fl.down(ts + 0.9, srv.respond(alg(inv), 180, "Ringing", fl.public, to_tag=tag,
                                  contact="<%s>" % curi), mark="inv.180")
    fl.down(ts + 3.3, srv.respond(alg(inv), 200, "OK", fl.public, to_tag=tag,
                                  contact="<%s>" % curi,
                                  extra=[("Content-Type", "application/sdp")],
                                  body=sip.sdp(c.rng, "192.0.2.77", 26000)), mark="inv.200")
    ta = ts + 3.3 + c.d() + 0.01
    ack = ph.request("ACK", curi, ruri, cid, ftag, 1, to_tag=tag)
    fl.up(ta, ack, mark="ack", payload_server=alg(ack))
    bye = ph.request("BYE", curi, ruri, cid, ftag, 2, to_tag=tag)
    fl.up(ta + 6.0, bye, mark="bye", payload_server=alg(bye))
    fl.down(ta + 6.0 + c.d() + 0.001, srv.respond(alg(bye), 200, "OK", fl.public, to_tag=tag),
            mark="bye.200")


@scenario("alg_contact_cgnat", "alg.rewrite", t0=T(2024, 12, 11, 9, 0, 0))
def alg_contact_cgnat(c):
    """Fanvil X4U (192.168.1.90) behind a home router with a SIP ALG, behind the ISP's
    carrier-grade NAT: the home ALG writes its own WAN address into the Contact,
    <sip:3190@100.64.23.7:5060>; the CGNAT then maps the packets to 198.51.100.201:40211.
    FreeSWITCH 203.0.113.50 lists the binding as sent: a contact at 100.64.23.7:5060,
    neither the phone's address nor the one the server saw."""
    PH, RT = "192.168.1.90", "192.168.1.1"
    A = ("198.51.100.201", 40211)
    S = ("203.0.113.50", 5060)
    c.phone_side(PH, pmac("fanvil"), RT, HUAWEI_CPE)
    ph = c.phone("fanvil", "3190", "pbx.example.org", (PH, 5060))
    srv = c.server("freeswitch", S, "pbx.example.org")
    fl = c.flow((PH, 5060), A, S)
    c.register(ph, fl, srv, 0.0, 1800, mark="r0", alg_up=contact_to("100.64.23.7:5060"))


@scenario("alg_contact_multiwan_tcp", "alg.rewrite", t0=T(2024, 12, 12, 9, 0, 0))
def alg_contact_multiwan(c):
    """TCP. Yealink T54W (192.168.1.55) behind a dual-WAN router with a SIP ALG that writes
    its first WAN address into the Contact, <sip:1055@203.0.113.55:5060;transport=tcp>,
    while the connection leaves through the second WAN, 198.51.100.55:40123. The Huawei
    IMS core's 200 lists the Contact as written: neither the phone's own address nor the
    one the server saw."""
    PH, RT = "192.168.1.55", "192.168.1.1"
    S = ("192.0.2.100", 5060)
    c.phone_side(PH, pmac("yealink_t54"), RT, MIKROTIK)
    ph = c.phone("yealink_t54", "+861055555555", "ims.example.cn", (PH, 5060),
                 transport="TCP", auth_user="861055555555@ims.example.cn")
    srv = c.server("huawei", S, "ims.example.cn", transport="TCP")
    fl = c.flow((PH, 40123), ("198.51.100.55", 40123), S, proto="tcp")
    con = net.TcpConn(fl, c.rng)
    t = con.handshake(0.0, mark="syn")
    alg = contact_to("203.0.113.55:5060")
    r1 = ph.register(3600)
    con.send_c(t + 0.001, r1, mark="r0.reg")
    ts = t + 0.001 + c.d() + 0.001
    a = srv.reg_challenge(alg(r1), fl.public, ts)
    con.send_s(ts, a, mark="r0.401")
    ph.learn(a)
    r2 = ph.register(3600, auth=True)
    t = ts + c.d() + 0.006
    con.send_c(t, r2, mark="r0.auth")
    ts = t + c.d() + 0.002
    con.send_s(ts, srv.reg_ok(alg(r2), fl.public, ts), mark="r0.200")
    con.ack_c(ts + c.d() + 0.04)


def sdp_alg(old, new):
    """An ALG that rewrites an address in the SDP body and leaves Content-Length as it was."""
    def f(m):
        head, sep, body = m.partition(b"\r\n\r\n")
        return head + sep + body.replace(old.encode(), new.encode())
    return f


@scenario("alg_sdp_content_length_server", "alg.rewrite", views=("server",),
          t0=T(2024, 12, 13, 9, 0, 0))
def alg_cl_server(c):
    """Server side (Asterisk 192.0.2.10, SLL2). A Grandstream GXP2170 (10.0.0.5) behind a
    router whose SIP ALG rewrites the SDP's o= and c= addresses to the WAN address
    203.0.113.145 (5 characters longer each) without correcting Content-Length: the INVITE
    arrives with Content-Length 10 bytes short of its body. Asterisk answers 100, 180,
    200; the phone ACKs and hangs up after 10 s."""
    S = ("192.0.2.10", 5060)
    PH, A = "10.0.0.5", "203.0.113.145"
    c.server_side(S[0], KVM2, ARISTA, linktype=SLL2)
    ph = c.phone("grandstream", "2145", "192.0.2.10", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 3600, mark="r0")
    ruri = "sip:2010@192.0.2.10"
    inv, cid, ftag = invite(c, ph, ruri)
    fl.up(20.0, inv, mark="inv", payload_server=sdp_alg(PH, A)(inv))
    ts = 20.0 + c.d() + 0.001
    fl.down(ts, srv.respond(inv, 100, "Trying", fl.public), mark="inv.100")
    tag = srv.to_tag()
    curi = "sip:2010@192.0.2.10:5060"
    fl.down(ts + 0.6, srv.respond(inv, 180, "Ringing", fl.public, to_tag=tag,
                                  contact="<%s>" % curi), mark="inv.180")
    fl.down(ts + 2.9, srv.respond(inv, 200, "OK", fl.public, to_tag=tag, contact="<%s>" % curi,
                                  extra=[("Content-Type", "application/sdp")],
                                  body=sip.sdp(c.rng, S[0], 14600, name="-")), mark="inv.200")
    ta = ts + 2.9 + 2 * c.d() + 0.01
    fl.up(ta, ph.request("ACK", curi, ruri, cid, ftag, 1, to_tag=tag), mark="ack")
    bye = ph.request("BYE", curi, ruri, cid, ftag, 2, to_tag=tag)
    c.exchange(fl, bye, ta + 10.0, lambda t: srv.respond(bye, 200, "OK", fl.public, to_tag=tag),
               mark="bye")


@scenario("alg_hairpin_sdp_phone", "alg.rewrite", t0=T(2024, 12, 16, 9, 0, 0))
def alg_hairpin(c):
    """Phone side. Two phones behind the same router call each other through Kamailio
    198.51.100.10 with direct media. The caller's SDP reaches the server with the router's
    WAN address (c=192.0.2.45, an ALG on the way up); on the way back down to the callee,
    a Yealink T46U at 192.168.1.23, the ALG maps it back to the caller's private
    192.168.1.131 (three characters longer, in o= and c=) without correcting Content-Length:
    the INVITE arrives with Content-Length 6 bytes short of its body. The Yealink rings,
    answers and hangs up after 8 s."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "192.0.2.45"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1001", "voip.example.net", (PH, 5060), reg_port=5060)
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 3600, mark="r0")
    cid = sip.hexs(c.rng, 16) + "@192.168.1.131"
    ftag = sip.hexs(c.rng, 10)
    body = sip.sdp(c.rng, A, 12000)
    via = [("Via", "SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bK%s.0" % sip.hexs(c.rng, 8)),
           ("Via", "SIP/2.0/UDP 192.168.1.131:5060;received=203.0.113.45;rport=5062;"
                   "branch=z9hG4bK%s" % sip.digits(c.rng, 10))]
    hs = via + [("Record-Route", "<sip:198.51.100.10;lr>"),
                ("From", '"Front desk" <sip:1131@voip.example.net>;tag=%s' % ftag),
                ("To", "<sip:1001@voip.example.net>"), ("Call-ID", cid),
                ("CSeq", "1 INVITE"), ("Max-Forwards", "69"),
                ("Contact", "<sip:1131@192.0.2.45:5062>"),
                ("User-Agent", sip.PHONES["fanvil"]["ua"]),
                ("Content-Type", "application/sdp")]
    inv = sip.build("INVITE sip:1001@%s:5060 SIP/2.0" % A, hs, body)
    fl.down(15.0, inv, mark="inv", payload_phone=sdp_alg(A, "192.168.1.131")(inv))
    t = 15.0 + c.d() + 0.002
    tag = ph.new_tag()
    fl.up(t, ph.answer(inv, 180, "Ringing", to_tag=tag), mark="inv.180")
    ok = ph.answer(inv, 200, "OK", to_tag=tag, body=sip.sdp(c.rng, PH, 11780))
    fl.up(t + 3.0, ok, mark="inv.200")
    ack = sip.build("ACK sip:1001@192.168.1.23:5060 SIP/2.0", [
        ("Via", "SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bK%s.0" % sip.hexs(c.rng, 8)),
        ("From", '"Front desk" <sip:1131@voip.example.net>;tag=%s' % ftag),
        ("To", "<sip:1001@voip.example.net>;tag=%s" % tag), ("Call-ID", cid),
        ("CSeq", "1 ACK"), ("Max-Forwards", "69")])
    fl.down(t + 3.0 + 2 * c.d(), ack, mark="ack")
    bye = ph.request("BYE", "sip:1131@192.0.2.45:5062", "sip:1131@voip.example.net", cid,
                     tag, 1, to_tag=ftag, extra=[("Route", "<sip:198.51.100.10;lr>")])
    c.exchange(fl, bye, t + 11.0, lambda ts: srv.respond(bye, 200, "OK", fl.public,
                                                         to_tag=ftag), mark="bye")


@scenario("alg_sdp_cl_short_body_dropped", "alg.rewrite", views=("server",),
          t0=T(2024, 12, 17, 9, 0, 0))
def alg_cl_short(c):
    """Server side (OpenSIPS 198.51.100.25, Ethernet). A snom D785 (192.168.100.200) behind
    a router whose SIP ALG rewrites its SDP address to the WAN address 198.51.100.9 (3
    characters shorter, in o= and c=) without correcting Content-Length: each INVITE
    arrives with a body 6 bytes shorter than its Content-Length, and OpenSIPS discards it
    (RFC 3261 18.3) without answering: 7 copies, no answer. Its REGISTERs (no body) are
    answered."""
    S = ("198.51.100.25", 5060)
    PH, A = "192.168.100.200", "198.51.100.9"
    c.server_side(S[0], KVM, JUNIPER)
    ph = c.phone("snom", "4200", "sip.example.net", (PH, 5060))
    srv = c.server("opensips", S, "sip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 600, mark="r0")
    inv, _, _ = invite(c, ph, "sip:2200@sip.example.net")
    alg = sdp_alg(PH, A)
    for k, dt in enumerate(c.timer_a(0.0)):
        fl.up(30.0 + dt + (c.w.jitter(2) if k else 0), inv, payload_server=alg(inv),
              mark="inv" if k == 0 else ("inv.last" if k == 6 else None))


@scenario("content_length_crlf_padding", "alg.rewrite", t0=T(2024, 12, 18, 9, 0, 0))
def cl_padding(c):
    """Near miss. Grandstream GXP2170 at an Asterisk behind an SBC that pads every UDP
    message with two extra CRLF after the body: the 401 and 200 to REGISTER (Content-Length
    0), the qualify OPTIONS and the 200 with SDP to the phone's INVITE all carry a correct
    Content-Length followed by 4 bytes of CR/LF padding."""
    PH, RT, A = "192.168.0.91", "192.168.0.1", "198.51.100.191"
    S = ("198.51.100.40", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, TPLINK)
    ph = c.phone("grandstream", "2191", "198.51.100.40", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)

    def pad(m):
        return m + b"\r\n\r\n"
    r1 = ph.register(600)
    t, a = c.exchange(fl, r1, 0.0, lambda ts: pad(srv.reg_challenge(r1, fl.public, ts)),
                      mark="r0")
    ph.learn(a)
    r2 = ph.register(600, auth=True)
    c.exchange(fl, r2, t + 0.007, lambda ts: pad(srv.reg_ok(r2, fl.public, ts)), mark="r0b")
    opt = srv.request("OPTIONS", "sip:2191@%s:5060" % A, "<sip:2191@%s>" % A,
                      sip.hexs(c.rng, 32), 4401, from_uri="sip:2191@198.51.100.40")
    fl.down(20.0, pad(opt), mark="opt")
    fl.up(20.0 + c.d() + 0.004, ph.answer(opt, 200, "OK", to_tag=ph.new_tag()),
          mark="opt.200")
    ruri = "sip:2010@198.51.100.40"
    inv, cid, ftag = invite(c, ph, ruri)
    fl.up(30.0, inv, mark="inv")
    ts = 30.0 + c.d() + 0.001
    fl.down(ts, pad(srv.respond(inv, 100, "Trying", fl.public)), mark="inv.100")
    tag = srv.to_tag()
    curi = "sip:2010@198.51.100.40:5060"
    fl.down(ts + 2.0, pad(srv.respond(inv, 200, "OK", fl.public, to_tag=tag,
                                      contact="<%s>" % curi,
                                      extra=[("Content-Type", "application/sdp")],
                                      body=sip.sdp(c.rng, S[0], 14800))), mark="inv.200")
    ta = ts + 2.0 + c.d() + 0.01
    fl.up(ta, ph.request("ACK", curi, ruri, cid, ftag, 1, to_tag=tag), mark="ack")
    bye = ph.request("BYE", curi, ruri, cid, ftag, 2, to_tag=tag)
    c.exchange(fl, bye, ta + 6.0, lambda t: pad(srv.respond(bye, 200, "OK", fl.public,
                                                            to_tag=tag)), mark="bye")


@scenario("content_length_tcp_coalesced", "alg.rewrite", t0=T(2024, 12, 19, 9, 0, 0))
def cl_tcp_coalesced(c):
    """Near miss. Yealink T46U over TCP to Kamailio 198.51.100.10: the 200 to REGISTER and
    the first nathelper OPTIONS leave the server in one TCP segment (written back to back),
    so the segment holds more bytes than the 200's Content-Length (0); each message's
    Content-Length is right. The phone answers the OPTIONS."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "203.0.113.45"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1001", "voip.example.net", (PH, 5060), transport="TCP",
                 reg_port=5060)
    srv = c.server("kamailio", S, "voip.example.net", transport="TCP")
    fl = c.flow((PH, 39900), (A, 39900), S, proto="tcp")
    con = net.TcpConn(fl, c.rng)
    t = con.handshake(0.0, mark="syn")
    r1 = ph.register(3600)
    con.send_c(t + 0.001, r1, mark="reg")
    ts = t + 0.001 + c.d() + 0.001
    a = srv.reg_challenge(r1, fl.public, ts)
    con.send_s(ts, a, mark="401")
    ph.learn(a)
    r2 = ph.register(3600, auth=True)
    t = ts + c.d() + 0.006
    con.send_c(t, r2, mark="auth")
    ts = t + c.d() + 0.002
    opt = srv.request("OPTIONS", "sip:1001@%s:39900;transport=tcp" % A,
                      "<sip:1001@%s:39900;transport=tcp>" % A,
                      "%s-1@198.51.100.10" % sip.hexs(c.rng, 8), 1,
                      from_uri="sip:pinger@voip.example.net")
    con.send_s(ts, srv.reg_ok(r2, fl.public, ts) + opt, mark="200+opt")
    con.send_c(ts + c.d() + 0.004, ph.answer(opt, 200, "OK", to_tag=ph.new_tag()),
               mark="opt.200")
    con.ack_s(ts + 2 * c.d() + 0.04)


@scenario("via_mismatch_udp_asterisk", "alg.rewrite", t0=T(2024, 12, 20, 9, 0, 0))
def via_udp_ast(c):
    """IPv4 over UDP. Grandstream GXP2170 (192.168.0.107) behind a router whose SIP ALG
    rewrites the top Via sent-by of outgoing requests to the public address
    192.0.2.137:5060 and does not restore it in the answers: Asterisk 203.0.113.60's 401
    and 200, and its 200 to the phone's OPTIONS keepalive, all come back with top Via
    "SIP/2.0/UDP 192.0.2.137:5060;rport=5060;received=192.0.2.137;branch=...", not the
    Via the phone sent. Refreshed at 300 s, the same."""
    PH, RT, A = "192.168.0.107", "192.168.0.1", "192.0.2.137"
    S = ("203.0.113.60", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, HUAWEI_CPE)
    ph = c.phone("grandstream", "2107", "203.0.113.60", (PH, 5060))
    srv = c.server("asterisk", S, "asterisk")
    fl = c.flow((PH, 5060), (A, 5060), S)

    def alg(m):
        head, sep, body = m.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        for i, l in enumerate(lines):
            if l.lower().startswith(b"via:"):
                lines[i] = l.replace(("%s:5060" % PH).encode(), ("%s:5060" % A).encode(), 1)
                break
        return b"\r\n".join(lines) + sep + body
    t = c.register(ph, fl, srv, 0.0, 600, mark="r0", alg_up=alg)
    opt = ph.request("OPTIONS", "sip:203.0.113.60", "sip:2107@203.0.113.60",
                     ph.new_call_id(), ph.new_tag(), 1)
    fl.up(t + 30.0, opt, mark="ka", payload_server=alg(opt))
    fl.down(t + 30.0 + c.d() + 0.001, srv.respond(alg(opt), 200, "OK", fl.public),
            mark="ka.200")
    c.register(ph, fl, srv, t + 300.0, 600, mark="r1", stale=True, alg_up=alg)


@scenario("alg_sdp_cl_answer_compact_server", "alg.rewrite", views=("server",),
          t0=T(2025, 1, 9, 9, 0, 0))
def alg_cl_answer(c):
    """Server side (Kamailio 198.51.100.10, Ethernet). An incoming call for 3193, a Fanvil
    X4U (10.1.1.93) behind a router with a SIP ALG (public 203.0.113.193:5060). The phone
    writes compact headers in its answers (l: for Content-Length); the ALG rewrites the
    200's SDP o= and c= to 203.0.113.193 (4 characters longer each) and leaves l: as it
    was: the 200 arrives 8 bytes longer than it declares. The call goes on (ACK; the
    caller hangs up after 15 s, BYE 200)."""
    S = ("198.51.100.10", 5060)
    PH, A = "10.1.1.93", "203.0.113.193"
    c.server_side(S[0], KVM, JUNIPER)
    ph = c.phone("fanvil", "3193", "voip.example.net", (PH, 5060))
    srv = c.server("kamailio", S, "voip.example.net")
    fl = c.flow((PH, 5060), (A, 5060), S)
    c.register(ph, fl, srv, 0.0, 600, mark="r0")
    cid = "%s-%d@198.51.100.10" % (sip.hexs(c.rng, 12), 3193)
    inv = srv.request("INVITE", "sip:3193@%s:5060" % A, "<sip:3193@voip.example.net>", cid, 1,
                      from_uri="sip:+861012345678@voip.example.net")
    inv = inv.replace(b"Content-Length: 0\r\n\r\n", b"")
    inv = sip.build(inv.split(b"\r\n")[0].decode(), [
        tuple(x.split(": ", 1)) for x in inv.decode().split("\r\n")[1:] if x] +
        [("Content-Type", "application/sdp")], sip.sdp(c.rng, "198.51.100.12", 24000))
    fl.down(40.0, inv, mark="inv")

    def compact(m):
        return m.replace(b"\r\nContent-Length: ", b"\r\nl: ")
    t = 40.0 + 2 * c.d() + 0.003
    tag = ph.new_tag()
    fl.up(t, compact(ph.answer(inv, 100, "Trying")), mark="inv.100")
    fl.up(t + 0.2, compact(ph.answer(inv, 180, "Ringing", to_tag=tag)), mark="inv.180")
    ok = compact(ph.answer(inv, 200, "OK", to_tag=tag, body=sip.sdp(c.rng, PH, 11780)))
    fl.up(t + 2.6, ok, mark="inv.200", payload_server=sdp_alg(PH, A)(ok))
    ftag = sip.param(sip.header(inv, "From"), "tag")
    ack = srv.request("ACK", "sip:3193@%s:5060" % A, "<sip:3193@voip.example.net>;tag=%s" % tag,
                      cid, 1, from_tag=ftag, from_uri="sip:+861012345678@voip.example.net")
    fl.down(t + 2.6 + 2 * c.d() + 0.002, ack, mark="ack")
    bye = srv.request("BYE", "sip:3193@%s:5060" % A, "<sip:3193@voip.example.net>;tag=%s" % tag,
                      cid, 2, from_tag=ftag, from_uri="sip:+861012345678@voip.example.net")
    fl.down(t + 17.6, bye, mark="bye")
    fl.up(t + 17.6 + 2 * c.d() + 0.002, compact(ph.answer(bye, 200, "OK")), mark="bye.200")


# ====================================================================== transport.tcp_required

@scenario("record_route_tcp_far_side", "transport.tcp_required", t0=T(2025, 1, 6, 9, 0, 0))
def rr_far_tcp(c):
    """Near miss. Grandstream GXP2170 over UDP calls 2099 through its outbound proxy
    (OpenSIPS 198.51.100.26), which forwards over TCP to the core proxy 192.0.2.99. The
    200's Record-Route is <sip:192.0.2.99;transport=tcp;lr>, <sip:198.51.100.26;lr>: the
    entry next to the phone (the last) is the outbound proxy over UDP; TCP is only
    between the proxies. ACK and BYE go over UDP to the outbound proxy (200)."""
    PH, RT, A = "192.168.0.198", "192.168.0.1", "203.0.113.198"
    S = ("198.51.100.26", 5060)
    c.phone_side(PH, pmac("grandstream"), RT, TPLINK)
    ph = c.phone("grandstream", "2198", "sip.example.net", (PH, 5060))
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
    rr = [("Record-Route", "<sip:192.0.2.99;transport=tcp;lr>, <sip:198.51.100.26;lr>")]
    ct = "<sip:2099@192.0.2.150:5060>"
    fl.down(ts + 1.1, srv.respond(inv, 180, "Ringing", fl.public, to_tag=tag, contact=ct,
                                  extra=rr), mark="inv.180")
    fl.down(ts + 3.8, srv.respond(inv, 200, "OK", fl.public, to_tag=tag, contact=ct,
                                  extra=rr + [("Content-Type", "application/sdp")],
                                  body=sip.sdp(c.rng, "192.0.2.150", 30000)), mark="inv.200")
    rt = [("Route", "<sip:198.51.100.26;lr>, <sip:192.0.2.99;transport=tcp;lr>")]
    fl.up(ts + 3.8 + c.d() + 0.01, ph.request("ACK", "sip:2099@192.0.2.150:5060", ruri, cid,
                                             ftag, 1, to_tag=tag, extra=rt), mark="ack")
    bye = ph.request("BYE", "sip:2099@192.0.2.150:5060", ruri, cid, ftag, 2, to_tag=tag,
                     extra=rt)
    c.exchange(fl, bye, 25.0, lambda ts: srv.respond(bye, 200, "OK", fl.public, to_tag=tag),
               mark="bye")


@scenario("tcp_phone_record_route_tcp", "transport.tcp_required", t0=T(2025, 1, 7, 9, 0, 0))
def rr_tcp_phone(c):
    """Near miss. Yealink T46U registered over TCP at Kamailio 198.51.100.10 calls 1099 on
    the same connection: the 200's Contact and Record-Route say transport=tcp, which is
    what the phone already uses. ACK and BYE over TCP (200)."""
    PH, RT, A = "192.168.1.23", "192.168.1.1", "203.0.113.45"
    S = ("198.51.100.10", 5060)
    c.phone_side(PH, pmac("yealink"), RT, TPLINK)
    ph = c.phone("yealink", "1001", "voip.example.net", (PH, 5060), transport="TCP",
                 reg_port=5060)
    srv = c.server("kamailio", S, "voip.example.net", transport="TCP")
    fl = c.flow((PH, 40777), (A, 40777), S, proto="tcp")
    con = net.TcpConn(fl, c.rng)
    t = con.handshake(0.0, mark="syn")
    t = tcp_reg(c, con, ph, srv, t + 0.001, 3600, mark="r0")
    cid, ftag = ph.new_call_id(), ph.new_tag()
    ruri = "sip:1099@voip.example.net"
    inv = ph.request("INVITE", ruri, ruri, cid, ftag, 1, body=sip.sdp(c.rng, PH, 11780))
    con.send_c(6.0, inv, mark="inv")
    ts = 6.0 + c.d() + 0.001
    con.send_s(ts, srv.respond(inv, 100, "Trying", fl.public), mark="inv.100")
    tag = srv.to_tag()
    rr = [("Record-Route", "<sip:198.51.100.10;transport=tcp;lr>")]
    ct = "<sip:1099@192.0.2.199:5060;transport=tcp>"
    con.send_s(ts + 1.0, srv.respond(inv, 180, "Ringing", fl.public, to_tag=tag, contact=ct,
                                     extra=rr), mark="inv.180")
    con.send_s(ts + 4.0, srv.respond(inv, 200, "OK", fl.public, to_tag=tag, contact=ct,
                                     extra=rr + [("Content-Type", "application/sdp")],
                                     body=sip.sdp(c.rng, "192.0.2.199", 31000)), mark="inv.200")
    rt = [("Route", "<sip:198.51.100.10;transport=tcp;lr>")]
    con.send_c(ts + 4.0 + c.d() + 0.01, ph.request(
        "ACK", "sip:1099@192.0.2.199:5060;transport=tcp", ruri, cid, ftag, 1, to_tag=tag,
        extra=rt), mark="ack")
    bye = ph.request("BYE", "sip:1099@192.0.2.199:5060;transport=tcp", ruri, cid, ftag, 2,
                     to_tag=tag, extra=rt)
    con.send_c(30.0, bye, mark="bye")
    con.send_s(30.0 + c.d() + 0.002, srv.respond(bye, 200, "OK", fl.public, to_tag=tag),
               mark="bye.200")
    con.ack_c(30.0 + 2 * c.d() + 0.04)


# ====================================================================== register.flapping

@scenario("flapping_icmp6", "register.flapping", t0=T(2025, 1, 8, 9, 0, 0))
def flapping_v6(c):
    """IPv6, no NAT. Linphone registers at FreeSWITCH [2001:db8:85a3::8a2e:370:7334]:5060
    with Expires 600 and refreshes at 300 s. Twice within 45 minutes the home router's
    IPv6 firewall is reloaded with a rule that rejects outgoing SIP: every REGISTER (the
    refresh and the retries every 60 s, each 11 copies) is answered by ICMPv6
    administratively prohibited (1/1) from the router, the binding lapses, and when the
    rule is gone the next attempt registers again."""
    c.phone_side(V6_PHONE, pmac("linphone"), V6_ROUTER, FRITZ)
    S = (V6_SERVER, 5060)
    ph = c.phone("linphone", "ivan", "sip6.example.org", (V6_PHONE, 5060))
    srv = c.server("freeswitch", S, "sip6.example.org")
    fl = c.flow((V6_PHONE, 5060), server=S, nat=False)
    t = c.register(ph, fl, srv, 0.0, 600, mark="r0")
    t = c.register(ph, fl, srv, 300.0, 600, mark="r1", stale=True)
    t = 600.0
    cyc = 0
    for end in (1000.0, 2300.0):
        cyc += 1
        n = 0
        while t < end:
            n += 1
            _, last = c.unanswered(fl, ph.register(600, auth=True), t,
                                   mark="down%d" % cyc if n == 1 else None,
                                   icmp=lambda ti, s, i, n=n, cyc=cyc: fl.icmp_from_router(
                                       ti - c.d() + 0.0003, V6_ROUTER, s, 1, 1,
                                       hops_from_phone=0,
                                       mark="down%d.icmp" % cyc if n == 1 and i == 0 else None))
            t = last + 0.5 + 60.0
        t = c.register(ph, fl, srv, t, 600, mark="back%d" % cyc, stale=True)
        if cyc == 1:
            t = c.register(ph, fl, srv, t + 300.0, 600, mark="r2", stale=True)
            t += 300.0
    c.register(ph, fl, srv, t + 300.0, 600, mark="r3", stale=True)

