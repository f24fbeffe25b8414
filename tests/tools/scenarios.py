#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""scenarios: the deterministic scenario generator for the variant matrix.

Writes the synthetic captures of pcaps/synth/ (and their MANIFEST.md): the
variants the lab (tests/lab, real Kamailio/SIPp in namespaces) cannot make:
hour-long timings, IPv6, TCP, server-side-only views, other server software,
scale. Each scenario is a timeline of what real phones and servers write
(synthsip.py) placed on the wire by a packet layer (synthnet.py): RFC 3261
timers E/A/F/B, NAT (public address and port on the server's side, the SIP
text unchanged unless an ALG rewrote it), ICMP/ICMPv6 errors quoting the
offending datagram, IP fragments, TCP, DNS, ARP. Fixed seeds: the same
command writes the same bytes. Standard library only.

  scenarios.py write [DIR] [NAME...]   write captures (default pcaps/synth) and MANIFEST.md
  scenarios.py check [DIR]             regenerate in memory, compare with DIR byte for byte,
                                       and check that every frame the variant matrix
                                       (tests/e2e/matrix_synth.py) names is a key frame
  scenarios.py list                    scenario names, files, key frames
  scenarios.py scale DIR [--phones N] [--lapsed M]
                                       the scale capture (20,000 phones by default) into DIR
"""
import argparse
import gzip
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pcaplib  # noqa: E402
import synthnet as net  # noqa: E402
import synthsip as sip  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(REPO, "pcaps", "synth")
GZIP_ABOVE = 200 * 1024

SCENARIOS = {}


class Scenario:
    def __init__(self, fn, name, group, views, seed, t0):
        self.fn, self.name, self.group, self.views = fn, name, group, views
        self.seed, self.t0 = seed, t0
        self.doc = " ".join((fn.__doc__ or "").split())

    def files(self):
        return {v: "%s-%s-synthetic.pcap" % (self.name, v) for v in self.views}


def scenario(name, group, views=("phone",), seed=None, t0=1710230400):
    """Register a scenario. t0: the capture's first second (epoch)."""
    def deco(fn):
        SCENARIOS[name] = Scenario(fn, name, group, tuple(views),
                                   seed if seed is not None else sum(map(ord, name)) * 7919, t0)
        return fn
    return deco


# ------------------------------------------------------------------ context

class Ctx:
    """What a scenario function builds on: the world, its taps, and helpers
    that play SIP transactions over a Flow with the phone's and the server's
    habits."""

    def __init__(self, sc):
        self.sc = sc
        self.w = net.World(sc.seed)
        self.rng = self.w.rng

    # -- capture points
    def phone_side(self, phone_ip, phone_mac, router_ip, router_mac, linktype=None,
                   nanosec=False, arp=True, extra_macs=None):
        if "phone" not in self.sc.views:
            return None
        macs = {phone_ip: phone_mac, router_ip: router_mac}
        macs.update(extra_macs or {})
        tap = self.w.tap("phone", macs=macs, gw=router_mac,
                         linktype=linktype or pcaplib.LINKTYPE_ETHERNET, local=[phone_ip],
                         nanosec=nanosec)
        if arp and not net.is_v6(phone_ip) and tap.linktype == pcaplib.LINKTYPE_ETHERNET:
            tap.add_raw(-0.004, net.arp_request(phone_mac, phone_ip, router_ip))
            tap.add_raw(-0.0035, net.arp_reply(router_mac, router_ip, phone_mac, phone_ip))
        return tap

    def server_side(self, server_ip, server_mac, gw_mac, clock=0.0, linktype=None,
                    nanosec=False):
        if "server" not in self.sc.views:
            return None
        return self.w.tap("server", macs={server_ip: server_mac}, gw=gw_mac, clock=clock,
                          linktype=linktype or pcaplib.LINKTYPE_ETHERNET, local=[server_ip],
                          nanosec=nanosec)

    def flow(self, local, public=None, server=None, proto="udp", nat=True,
             views=("phone", "server")):
        return net.Flow(self.w, local, public or local, server, proto=proto,
                        nat_hops=1 if nat else 0, views=views)

    def d(self):
        return self.w.delay

    def server(self, software, addr, realm, **kw):
        srv = sip.Server(self.rng, software, addr, realm, **kw)
        srv.t0 = self.sc.t0
        return srv

    def phone(self, model, user, domain, local, **kw):
        return sip.Phone(self.rng, model, user, domain, local, **kw)

    # -- timers
    @staticmethod
    def timer_e(t0, T1=0.5, T2=4.0, timeout=None):
        """Send times of a non-INVITE request over UDP with no answer
        (RFC 3261 17.1.2.2: timer E from T1 doubling to T2, until timer F = 64*T1)."""
        timeout = timeout if timeout is not None else 64 * T1
        out, t, iv = [], 0.0, T1
        while t < timeout:
            out.append(t0 + t)
            t += iv
            iv = min(iv * 2, T2)
        return out

    @staticmethod
    def timer_a(t0, T1=0.5, timeout=None):
        """Send times of an INVITE over UDP with no answer (timer A doubles, timer B = 64*T1)."""
        timeout = timeout if timeout is not None else 64 * T1
        out, t, iv = [], 0.0, T1
        while t < timeout:
            out.append(t0 + t)
            t += iv
            iv *= 2
        return out

    # -- transactions
    def unanswered(self, fl, msg, t, mark=None, T1=0.5, reach=True, icmp=None, times=None,
                   mtu=1500, lose_frags=False, invite=False, answer_srv=None, icmp_delay=0.0004,
                   df=True):
        """A request sent on timer E (or A) with no SIP answer reaching the
        phone. icmp: callable(t, sent, i) that emits the ICMP answer to copy i.
        answer_srv: callable(t_srv, sent, i): what the server does with each
        copy that reaches it (e.g. answers that never arrive).
        Marks: mark (first copy), mark.last (last copy)."""
        times = times or (self.timer_a(t, T1) if invite else self.timer_e(t, T1))
        sents = []
        for i, ts in enumerate(times):
            ts = ts + (self.w.jitter(2) if i else 0)
            m = mark if i == 0 else (mark + ".last" if mark and i == len(times) - 1 else
                                     (mark + ".%d" % (i + 1) if mark else None))
            r = reach(i) if callable(reach) else reach
            s = fl.up(ts, msg, reach=r, mark=m, mtu=mtu, lose_frags=lose_frags, df=df)
            sents.append(s)
            if icmp:
                icmp(ts + self.d() + icmp_delay, s, i)
            if answer_srv and r:
                answer_srv(ts + self.d() + 0.0008, s, i)
        return sents, times[-1]

    def exchange(self, fl, req, t, resp_fn, mark=None, think=0.0012, reach_up=True,
                 reach_down=True):
        """One request and its answer: returns (time the answer reaches the
        phone, answer bytes)."""
        fl.up(t, req, mark=(mark + ".req") if mark else None, reach=reach_up)
        ts = t + self.d() + think
        ans = resp_fn(ts)
        fl.down(ts, ans, mark=(mark + ".resp") if mark else None, reach=reach_down)
        return ts + self.d(), ans

    def register(self, ph, fl, srv, t, expires=3600, mark=None, challenge=True, stale=False,
                 granted=None, contact_style=None, reply_extra=(), to_tag=None, think=0.0015,
                 auth=None, extra=(), alg_down=None, contact=None, alg_up=None):
        """A registration or refresh as real phones do it. challenge: the server
        answers 401 first (a new nonce; stale=true when the phone's cached one
        expired), then 200. auth: whether the first REGISTER carries the cached
        credentials (default: when the phone has a challenge). Marks
        (mark.reg / .401 / .auth / .200). alg_down: what a SIP ALG on the way makes of
        the answers before the phone gets them; alg_up: what it makes of the REGISTERs
        on their way to the server (the server answers what it got). Returns the time
        the 200 arrives."""
        up = alg_up or (lambda m: m)
        auth = (ph.challenge is not None) if auth is None else auth
        r1 = ph.register(expires, auth=auth, extra=extra, contact=contact)
        if challenge:
            fl.up(t, r1, mark=mark and mark + ".reg",
                  payload_server=up(r1) if alg_up else None)
            ts = t + self.d() + 0.0008
            a401 = srv.reg_challenge(up(r1), fl.public, ts, stale=stale, to_tag=to_tag)
            fl.down(ts, a401, mark=mark and mark + ".401",
                    payload_phone=alg_down(a401) if alg_down else None)
            ph.learn(a401)
            t = ts + self.d() + 0.006 + self.w.jitter(10)
            r2 = ph.register(expires, auth=True, extra=extra, contact=contact)
            fl.up(t, r2, mark=mark and mark + ".auth",
                  payload_server=up(r2) if alg_up else None)
        else:
            r2 = r1
            fl.up(t, r2, mark=mark and (mark + ".reg"),
                  payload_server=up(r2) if alg_up else None)
        ts = t + self.d() + think + self.w.jitter(2)
        ok = srv.reg_ok(up(r2), fl.public, ts, granted=granted, contact_style=contact_style,
                        extra=reply_extra)
        fl.down(ts, ok, mark=mark and mark + ".200",
                payload_phone=alg_down(ok) if alg_down else None)
        return ts + self.d()

    def crlf(self, fl, t, mark=None, reach=True):
        return fl.up(t, b"\r\n\r\n", mark=mark, reach=reach)

    def dns(self, fl, t, name, qtype, answers=(), rcode="NOERROR", authority=(), mark=None,
            qid=None, answered=True, think=0.012, additional=()):
        """A DNS query from the phone and the resolver's answer (none when
        answered is False). fl: the phone's DNS flow (port 53)."""
        qid = qid if qid is not None else self.rng.randrange(1, 0xFFFF)
        q = net.dns_query(qid, name, qtype)
        fl.up(t, q, mark=mark and mark + ".q")
        if answered:
            r = net.dns_response(q, rcode, answers, authority, additional)
            fl.down(t + self.d() + think, r, mark=mark and mark + ".r")
        return t + 2 * self.d() + think


# ------------------------------------------------------------------ output

def render(sc):
    """Run a scenario: {view: (file name, bytes, marks)}."""
    ctx = Ctx(sc)
    sc.fn(ctx)
    out = {}
    for view, fname in sc.files().items():
        tap = ctx.w.taps[view]
        pkts = tap.packets(sc.t0)
        data = pcaplib.pcap_bytes(pkts, tap.linktype, nanosec=tap.nanosec)
        if len(data) > GZIP_ABOVE:
            data = gzip.compress(data, 9, mtime=0)
            fname += ".gz"
        out[view] = (fname, data, tap.marks(), len(pkts))
    return out


def load_all():
    import scenarios_def  # noqa: F401  (registers the scenarios in this module)
    import scenarios_gaps  # noqa: F401
    return SCENARIOS


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("dir", nargs="?", default=OUT)
    w.add_argument("names", nargs="*")
    c = sub.add_parser("check")
    c.add_argument("dir", nargs="?", default=OUT)
    sub.add_parser("list")
    s = sub.add_parser("scale")
    s.add_argument("dir")
    s.add_argument("--phones", type=int, default=20000)
    s.add_argument("--lapsed", type=int, default=None)
    a = ap.parse_args(argv[1:])
    scs = load_all()
    import scenarios_def as defs
    if a.cmd == "write":
        os.makedirs(a.dir, exist_ok=True)
        for name, sc in scs.items():
            if a.names and name not in a.names:
                continue
            for view, (fname, data, marks, n) in render(sc).items():
                with open(os.path.join(a.dir, fname), "wb") as f:
                    f.write(data)
                print("%-60s %6d frames %8d bytes" % (fname, n, len(data)))
        if not a.names:
            import manifest_synth
            manifest_synth.write(os.path.join(a.dir, "MANIFEST.md"), scs, render)
        return 0
    if a.cmd == "list":
        for name, sc in scs.items():
            for view, (fname, data, marks, n) in render(sc).items():
                print("%s  (%d frames)" % (fname, n))
                for m, fr in sorted(marks.items(), key=lambda x: x[1]):
                    print("    %5d  %s" % (fr, m))
        return 0
    if a.cmd == "check":
        import manifest_synth
        return manifest_synth.check(a.dir, scs, render)
    if a.cmd == "scale":
        os.makedirs(a.dir, exist_ok=True)
        path = defs.write_scale(a.dir, a.phones, a.lapsed)
        print(path)
        return 0
    return 2


if __name__ == "__main__":
    import scenarios  # one module instance for the registry and the definitions
    sys.exit(scenarios.main(sys.argv))
