# SPDX-License-Identifier: BSD-2-Clause
"""Matrix cases for the synthetic captures of pcaps/synth (tests/tools/scenarios.py,
pcaps/synth/MANIFEST.md): the variants the lab cannot make (hour-long timings, IPv6,
TCP, server-side-only views, other server software, scale). Each expectation is what
the detector rules (issue 10 draft) say the capture must give; frame numbers are the
key frames the generator marks (`scenarios.py list`; `scenarios.py check` verifies them).
See matrix.py for what a Case asserts."""
import hashlib
import os
import sys
import tempfile

from matrix import Case, F

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(HERE, "..", "tools")


def S(name, view="phone", gz=False):
    return "synth/%s-%s-synthetic.pcap%s" % (name, view, ".gz" if gz else "")


class GeneratedCase(Case):
    """A Case whose capture is too big to commit: written by the generator the first
    time the test asks for its file, into a temporary directory keyed by the
    generator's source (so a changed generator writes it again)."""

    def __init__(self, label, make, variant, **kw):
        self._label, self._make, self._path = label, make, None
        super().__init__([], variant, **kw)

    @property
    def files(self):
        if self._path is None:
            self._path = self._make()
        return [self._path]

    @files.setter
    def files(self, value):
        pass

    def name(self):
        return self._label


def _scale_capture(phones, lapsed):
    def make():
        import swtest
        src = b""
        for f in ("scenarios.py", "scenarios_def.py", "synthsip.py", "synthnet.py", "pcaplib.py"):
            with open(os.path.join(TOOLS, f), "rb") as fh:
                src += fh.read()
        key = hashlib.sha1(src + b"%d/%d" % (phones, lapsed)).hexdigest()[:12]
        d = os.path.join(tempfile.gettempdir(), "sipwatch-synth-scale-" + key)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "scale_%d_phones_lapse-server-synthetic.pcap.gz" % phones)
        if not os.path.exists(path):
            sys.path.insert(0, os.path.abspath(TOOLS))
            import scenarios  # noqa: F401
            import scenarios_def
            tmp = scenarios_def.write_scale(d, phones, lapsed)
            assert tmp == path, (tmp, path)
        # test_matrix joins the name under SW_PCAPS: give it a path relative to that
        # directory as the kernel resolves ".." (physically: realpath)
        return os.path.relpath(os.path.realpath(path), os.path.realpath(swtest.PCAPS))
    return make


STALE_FORBID_NEAR = [("nat.stale_binding", None)]
NR = "register.no_response"
CN = "call.no_response"

CASES = [
    # ------------------------------------------------------------ 1. stale NAT binding
    Case(S("stale_nat_new_port_before_lapse"),
         "phone side, IPv4, Yealink/Kamailio, Expires 3600 refresh 1800, renumbered, new port "
         "before the binding lapsed", synthetic=True,
         expect=[F("nat.stale_binding", None, "error", frames=[12, 13, 29],
                   facts={"old_public": "203.0.113.45:5060",
                          "new_public": "203.0.113.78:11762"})],
         note="register.no_response/silence of the old port is explained by the stale "
              "binding: info."),
    Case(S("stale_nat_new_port_after_lapse"),
         "phone side, IPv4, Grandstream/FreeSWITCH, refresh at 90 %, retries from the old "
         "port until after the binding lapsed, then a new port", synthetic=True,
         expect=[F("nat.stale_binding", None, "error", frames=[10, 11, 113],
                   facts={"old_public": "192.0.2.133:5060", "new_public": "192.0.2.201:53122"})],
         note="One lapse and one recovery: not flapping (2 cycles needed)."),
    Case(S("stale_nat_answers_lost", "server"),
         "server side only (SLL2), Fanvil/Kamailio: old public address keeps retransmitting "
         "after the server's 401s, new flow from a new address and port", synthetic=True,
         expect=[F("nat.stale_binding", None, "error", frames=[8, 9, 34],
                   facts={"old_public": "203.0.113.9:5060",
                          "new_public": "203.0.113.114:61027"})],
         note="The server-side lost-answer pattern (nat.return_path_blocked) is explained by "
              "the stale binding: info."),
    Case(S("stale_nat_icmp_asterisk", "server"),
         "server side only, snom/Asterisk (pjsip Via order): ISP ICMP host unreachable quoting "
         "each 401 to the old address", synthetic=True,
         expect=[F("nat.stale_binding", None, "error", frames=[8, 9, 45],
                   facts={"old_public": "198.51.100.77:5060",
                          "new_public": "198.51.100.142:5062"})]),
    Case([S("stale_nat_pair"), S("stale_nat_pair", "server")],
         "both sides, server clock +2.347 s, one stale copy lost upstream, every 401 to the "
         "old address lost", synthetic=True,
         # server side: the 401 that answered the stale REGISTER and was lost
         expect=[F("nat.stale_binding", None, "error", frames=[10, 11, 25], frames2=[10])],
         near_miss_of=("alg.rewrite", "path_diff"), forbid=[("alg.rewrite", "path_diff")],
         note="The lost 401s (path_loss) are the stale binding seen from two captures: "
              "explained, info."),
    Case(S("public_phone_outage_new_port"),
         "near miss: public phone (no NAT evidence), server outage, later registers from "
         "another port with the same address; binding never lapsed", synthetic=True,
         near_miss_of=("nat.stale_binding", None),
         expect=[F("register.no_response", "silence", "info", frames=[11])],
         forbid=STALE_FORBID_NEAR + [("register.flapping", None)]),
    Case(S("outage_new_port_also_fails", gz=True),
         "near miss: NAT'd phone, server outage, the new port fails too, the server comes "
         "back with the same public address", synthetic=True,
         near_miss_of=("nat.stale_binding", None),
         expect=[F("register.no_response", "silence", "warning", frames=[11])],
         forbid=STALE_FORBID_NEAR,
         note="The binding lapsed during the outage, then registered again: resolved, "
              "warning."),
    Case(S("renumbered_same_port_ok"),
         "near miss: NAT renumbered, the refresh from the same port answered at once",
         synthetic=True, near_miss_of=("nat.stale_binding", None),
         forbid=STALE_FORBID_NEAR + [("nat.binding_expired", None)]),

    # ------------------------------------------------------------ 2. NAT binding expiry
    Case(S("binding_expired_rport_changes"),
         "phone side, Fanvil/OpenSIPS: rport changes at every refresh, local port 5060 "
         "unchanged", synthetic=True,
         expect=[F("nat.binding_expired", None, "warning", frames=[6, 10])]),
    Case(S("binding_expired_source_port_changes", "server"),
         "server side, Grandstream/Kamailio: source port changes between refreshes, Via "
         "sent-by unchanged", synthetic=True,
         expect=[F("nat.binding_expired", None, "warning", frames=[4, 8])]),
    Case(S("binding_expired_options_icmp", "server"),
         "server side (SLL), Asterisk qualify: OPTIONS within 90 s of a refresh answered, "
         "later ones refused by ICMP port unreachable from the phone's public address",
         synthetic=True,
         expect=[F("nat.binding_expired", None, "warning", frames=[7, 8])]),
    Case(S("rport_changes_local_port_changed"),
         "near miss: rport changes because the phone (Linphone) changed its local port",
         synthetic=True, near_miss_of=("nat.binding_expired", None),
         forbid=[("nat.binding_expired", None), ("nat.stale_binding", None)]),
    Case(S("public_ip_changed_ok", "server"),
         "near miss: server side, public IP changes (renumbering), nothing fails",
         synthetic=True, near_miss_of=("nat.binding_expired", None),
         forbid=[("nat.binding_expired", None), ("nat.stale_binding", None)]),

    # ------------------------------------------------------------ 3. registration over time
    Case(S("flapping_timeouts"),
         "phone side, Fanvil/Asterisk Expires 600: two outages make the binding lapse and "
         "come back within 40 min", synthetic=True,
         expect=[F("register.flapping", None, "warning", frames=[80, 209], facts={"cycles": 2}),
                 F("register.no_response", "silence", "warning", frames=[11])]),
    Case(S("flapping_options_unanswered", "server"),
         "server side, Kamailio nathelper pings: phone off the network twice, pings "
         "unanswered, refreshes missing, binding lapses and comes back", synthetic=True,
         expect=[F("register.flapping", None, "warning", frames=[60, 150], facts={"cycles": 2})],
         note="Not nat.binding_expired: no refresh worked in between (the phone was gone)."),
    Case(S("flapping_late_refreshes"),
         "phone side, Yealink/Huawei IMS: granted 900, refreshes every 1800", synthetic=True,
         # Flapping that is only late refreshes is explained by register.expired
         # (information pointing to it): one cause, one warning.
         expect=[F("register.expired", None, "warning", frames=[6])]),
    Case(S("refresh_5xx_retried"),
         "near miss: 503 and, hours later, 500 to refreshes; retried and registered while the "
         "binding was valid", synthetic=True, near_miss_of=("register.flapping", None),
         expect=[F("register.rejected", "503", "info", frames=[8]),
                 F("register.rejected", "500", "info", frames=[22])],
         forbid=[("register.flapping", None)]),
    Case(S("interval_too_brief_corrected"),
         "near miss: 423 with Min-Expires on every refresh, corrected at once",
         synthetic=True, near_miss_of=("register.flapping", None),
         expect=[F("register.rejected", "423", "info", frames=[6])],
         forbid=[("register.flapping", None), ("register.flood_ban", None)]),
    Case(S("challenge_every_refresh"),
         "near miss: 401 without stale=true on every refresh (nonce not reusable), then 200",
         synthetic=True, near_miss_of=("register.flapping", None),
         forbid=[("register.flapping", None), ("auth.rejected_credentials", None)]),
    Case(S("expired_refresh_timer_too_long"),
         "phone side, Grandstream/Kamailio: granted 600, refresh after 3600; one lapse",
         synthetic=True,
         expect=[F("register.expired", None, "warning", frames=[6])],
         forbid=[("register.flapping", None)]),
    Case(S("expired_server_forces_300", "server"),
         "server side (SLL2), FreeSWITCH sip-force-expires 300, refresh every 1800",
         synthetic=True,
         expect=[F("register.expired", None, "warning", frames=[4])]),
    Case(S("refresh_within_grace"),
         "near miss: each refresh 2.5 s after the granted expiry (inside the 5 s grace)",
         synthetic=True, near_miss_of=("register.expired", None),
         forbid=[("register.expired", None), ("register.flapping", None)]),

    # ------------------------------------------------------------ 4. no response
    Case(S("ipv6_icmp6_port_unreachable"), "IPv6, ICMPv6 port unreachable (1/4)",
         synthetic=True,
         expect=[F("register.no_response", "icmp_port_unreachable", "error", frames=[1, 2, 21])]),
    Case(S("ipv6_icmp6_admin_prohibited"),
         "IPv6, ICMPv6 administratively prohibited (1/1) from the home router", synthetic=True,
         expect=[F("register.no_response", "icmp_host_unreachable", "error", frames=[1, 2])]),
    Case(S("ipv6_silence"), "IPv6, silence, two transactions", synthetic=True,
         expect=[F("register.no_response", "silence", "error", frames=[1, 22])]),
    Case(S("silence_server_side", "server"),
         "server side (SLL2): REGISTERs arrive, nothing leaves", synthetic=True,
         expect=[F("register.no_response", "silence", "error", frames=[1, 22])]),
    Case(S("silence_t1_1s"), "phone with T1 = 1 s: 18 copies over 63 s", synthetic=True,
         expect=[F("register.no_response", "silence", "error", frames=[3])],
         note="Timer F is 32 s by the rules; this phone's own timer F is 64 s: which copy is "
              "'the last retransmission' is not settled, so only the first is required."),
    Case(S("tcp_refused_rst"), "TCP: SYN to 5060 answered RST/ACK, 3 attempts, no SIP",
         synthetic=True,
         expect=[F("register.no_response", "tcp_refused", "error", frames=[5, 6])],
         note="capture.no_sip is explained by tcp_refused (not a warning of its own)."),
    Case(S("tcp_established_unanswered"),
         "TCP: REGISTER over an established connection ACKed, never answered",
         synthetic=True,
         expect=[F("register.no_response", "silence", "error", frames=[6])],
         allow=[("nat.return_path_blocked", None)],
         note="The literal rule makes this a return_path_blocked suspicion (server accepts "
              "TCP); the TCP ACKs prove the return path: rule gap, allowed not required."),
    Case(S("invite_timer_b_register_ok"),
         "INVITE unanswered to timer B (7 copies, no 100) while REGISTER works",
         synthetic=True,
         expect=[F("call.no_response", "silence", "error", frames=[7, 13])]),
    Case(S("invite_fragments_lost"),
         "INVITE of 1,693 bytes in fragments, never answered, while OPTIONS on the same flow "
         "are answered", synthetic=True,
         expect=[F("call.no_response", "fragments_lost", "error", frames=[12]),
                 F("transport.tcp_required", "oversize_udp", "error", frames=[12])]),
    Case(S("invite_ringing_60s"),
         "near miss: INVITE -> 407 -> INVITE -> 100 -> 180, answered after 58 s",
         synthetic=True, near_miss_of=("call.no_response", None),
         forbid=[("call.no_response", None)]),
    Case(S("register_answered_5th_copy"),
         "near miss: REGISTER answered on its 5th copy (7.5 s)", synthetic=True,
         near_miss_of=("register.no_response", None),
         forbid=[("register.no_response", None)]),

    # ------------------------------------------------------------ 5. DNS
    Case(S("dns_srv_nxdomain_a_ok"), "near miss: SRV NXDOMAIN, A answered, 200",
         synthetic=True, near_miss_of=("register.no_response", "dns_failure"),
         forbid=[("register.no_response", "dns_failure")]),
    Case(S("dns_naptr_empty_srv_a_ok"), "near miss: NAPTR empty, SRV and A answered, 200",
         synthetic=True, near_miss_of=("register.no_response", "dns_failure"),
         forbid=[("register.no_response", "dns_failure")]),
    Case(S("dns_aaaa_empty_a_ok"), "near miss: AAAA empty, A answered, 200", synthetic=True,
         near_miss_of=("register.no_response", "dns_failure"),
         forbid=[("register.no_response", "dns_failure")]),
    Case(S("dns_srv_target_nxdomain"), "SRV answered, its target's A NXDOMAIN, no SIP",
         synthetic=True,
         expect=[F("register.no_response", "dns_failure", "error", frames=[5, 6],
                   facts={"result": "NXDOMAIN"})],
         note="sbc1.example.net is a SIP name only as the target of a _sip._udp SRV record."),
    Case(S("dns_servfail"), "SERVFAIL for the registrar's A, no SIP", synthetic=True,
         expect=[F("register.no_response", "dns_failure", "error", frames=[3, 4],
                   facts={"result": "SERVFAIL"})]),
    Case(S("dns_no_answer"), "queries retransmitted, never answered, no SIP", synthetic=True,
         expect=[F("register.no_response", "dns_failure", "error", frames=[3],
                   facts={"result": "no answer"})]),
    Case(S("dns_unrelated_name_fails"),
         "near miss: NTP and vendor redirect names fail, SIP name answered, 200",
         synthetic=True, near_miss_of=("register.no_response", "dns_failure"),
         forbid=[("register.no_response", "dns_failure")]),
    Case(S("dns_servfail_then_ok"), "SERVFAIL for 90 s, then answered and registered",
         synthetic=True,
         expect=[F("register.no_response", "dns_failure", "warning", frames=[3, 4],
                   facts={"result": "SERVFAIL"})]),

    # ------------------------------------------------------------ 6. transport
    Case(S("udp_refused_tcp_ok_ipv6"),
         "IPv6: UDP refused by ICMPv6 port unreachable, TCP to the same port registers",
         synthetic=True,
         expect=[F("transport.tcp_required", "udp_refused_tcp_ok", "warning",
                   frames=[1, 2, 29])],
         note="Resolved (TCP registration holds): warning; the UDP no_response is explained "
              "by it: info."),
    Case(S("server_requests_tcp_302"), "302 with transport=tcp, the phone follows over TCP",
         synthetic=True,
         expect=[F("transport.tcp_required", "server_requests_tcp", "warning", frames=[4])],
         allow=[("register.rejected", "302")],
         note="Whether a followed 3xx is a register.rejected at all is not settled by the "
              "rules: allowed."),
    Case(S("server_requests_tcp_record_route"),
         "INVITE's 200 with Record-Route ;transport=tcp while the phone uses UDP",
         synthetic=True,
         expect=[F("transport.tcp_required", "server_requests_tcp", "warning", frames=[10])]),
    Case(S("https_443_udp_unanswered"),
         "near miss: host answers TCP 443 (HTTPS provisioning), UDP REGISTERs unanswered",
         synthetic=True, near_miss_of=("transport.tcp_required", "udp_refused_tcp_ok"),
         expect=[F("register.no_response", "silence", "error", frames=[16, 37])],
         forbid=[("transport.tcp_required", "udp_refused_tcp_ok"),
                 ("nat.return_path_blocked", None)]),
    Case(S("oversize_frag_needed_mtu"),
         "1,457-byte REGISTER with DF answered by ICMP fragmentation needed, MTU 1400",
         synthetic=True,
         expect=[F("transport.tcp_required", "oversize_udp", "error", frames=[3, 4],
                   facts={"mtu": "1400"})]),
    Case(S("ipv6_fragments_dropped"),
         "IPv6 REGISTER in two fragments, second dropped, ICMPv6 reassembly time exceeded",
         synthetic=True,
         expect=[F("register.no_response", "fragments_lost", "error", frames=[2, 23]),
                 F("transport.tcp_required", "oversize_udp", "error", frames=[2])]),
    Case(S("register_1400_unfragmented_ok"),
         "near miss: 1,400-byte unfragmented REGISTER answered", synthetic=True,
         near_miss_of=("transport.tcp_required", "oversize_udp"),
         forbid=[("transport.tcp_required", "oversize_udp")]),
    Case(S("fragmented_register_answered"), "near miss: fragmented REGISTERs answered",
         synthetic=True, near_miss_of=("transport.tcp_required", "oversize_udp"),
         forbid=[("transport.tcp_required", "oversize_udp"),
                 ("register.no_response", "fragments_lost")]),

    # ------------------------------------------------------------ 7. ALG
    Case(S("alg_received_private_kamailio"),
         "public Kamailio's answers arrive with received=<phone's private address>",
         synthetic=True,
         expect=[F("alg.rewrite", "received_private", "warning", frames=[4])]),
    Case(S("alg_received_private_asterisk"),
         "public Asterisk's answers (rport;received;branch order) with received=private",
         synthetic=True,
         expect=[F("alg.rewrite", "received_private", "warning", frames=[4])]),
    Case(S("lan_pbx_received_private"),
         "near miss: LAN PBX (private address) answering with received=private",
         synthetic=True, near_miss_of=("alg.rewrite", "received_private"),
         forbid=[("alg.rewrite", None)]),
    Case(S("registrar_contact_alias"), "near miss: Kamailio adds ;alias= to the Contact",
         synthetic=True, near_miss_of=("alg.rewrite", None), forbid=[("alg.rewrite", None)]),
    Case(S("registrar_public_contact"),
         "near miss: Asterisk rewrite_contact lists the public address in the 200",
         synthetic=True, near_miss_of=("alg.rewrite", None), forbid=[("alg.rewrite", None)]),
    Case(S("via_mismatch_tcp"), "TCP: answers' top Via sent-by rewritten to the public address",
         synthetic=True,
         expect=[F("alg.rewrite", "via_mismatch", "warning", frames=[7], suspected=True)]),
    Case(S("via_mismatch_ipv6"), "IPv6: answers' top Via sent-by port 5060 -> 65100",
         synthetic=True,
         expect=[F("alg.rewrite", "via_mismatch", "warning", frames=[2], suspected=True)]),
    Case(S("proxy_adds_via", "server"),
         "near miss: registrar behind an SBC: two Vias (SBC's on top) and Path, unchanged "
         "in the answers", synthetic=True, near_miss_of=("alg.rewrite", "via_mismatch"),
         forbid=[("alg.rewrite", None)]),

    # ------------------------------------------------------------ 8. OPTIONS
    Case(S("options_unanswered_crlf"),
         "phone side: Asterisk qualify OPTIONS (timer E) unanswered, CRLF keepalives every 30 s",
         synthetic=True,
         expect=[F("keepalive.options_unanswered", None, "warning", frames=[9, 7])]),
    Case(S("options_unanswered_server_crlf", "server"),
         "server side (SLL2): nathelper OPTIONS unanswered, CRLF keepalives from the same "
         "public address", synthetic=True,
         expect=[F("keepalive.options_unanswered", None, "warning", frames=[5, 6])]),
    Case(S("options_answered"), "near miss: every OPTIONS answered 200", synthetic=True,
         near_miss_of=("keepalive.options_unanswered", None),
         forbid=[("keepalive.options_unanswered", None)]),
    Case(S("options_to_gateway_not_phone", "server"),
         "near miss: dispatcher OPTIONS to a dead gateway, not a registered phone",
         synthetic=True, near_miss_of=("keepalive.options_unanswered", None),
         forbid=[("keepalive.options_unanswered", None)]),

    # ------------------------------------------------------------ 9. flood ban
    Case(S("flood_ban_tcp"), "TCP: 10 registrations (401 round trips) in 40 s, then silence",
         synthetic=True, expect=[F("register.flood_ban", None, "error", frames=[6, 56])]),
    Case(S("flood_ban_server_side", "server"),
         "server side (SLL2), Huawei IMS: refresh every 5 s, then unanswered", synthetic=True,
         expect=[F("register.flood_ban", None, "error", frames=[1, 23])]),
    Case(S("flood_ban_503"), "OpenSIPS pike: 503 with Retry-After after 10 in 30 s",
         synthetic=True, expect=[F("register.flood_ban", None, "error", frames=[3, 44])]),
    Case(S("flood_ban_403"), "Kamailio htable ban: 403 with Warning after 10 in 20 s",
         synthetic=True, expect=[F("register.flood_ban", None, "error", frames=[3, 26])]),
    Case(S("pbx_50_accounts_one_minute"),
         "near miss: a PBX registers 50 different accounts within 40 s", synthetic=True,
         near_miss_of=("register.flood_ban", None), forbid=[("register.flood_ban", None)]),
    Case(S("refresh_60s_with_401"),
         "near miss: one account refreshing every 60 s with a 401 round trip each",
         synthetic=True, near_miss_of=("register.flood_ban", None),
         forbid=[("register.flood_ban", None)]),

    # ------------------------------------------------------------ 10. no SIP
    Case(S("no_sip_https_dns"), "only DNS and HTTPS", synthetic=True,
         expect=[F("capture.no_sip", None, "warning")]),
    Case(S("no_sip_rtp_only"), "only RTP (PCMA, both directions)", synthetic=True,
         expect=[F("capture.no_sip", None, "warning")]),
    Case(S("sip_port_5080"), "near miss: SIP on server port 5080 (local port 5070)",
         synthetic=True, near_miss_of=("capture.no_sip", None),
         forbid=[("capture.no_sip", None)]),
    Case(S("sip_port_15060"), "near miss: SIP on port 15060 at both ends", synthetic=True,
         near_miss_of=("capture.no_sip", None), forbid=[("capture.no_sip", None)]),

    # ------------------------------------------------------------ 11. scale
    Case(S("scale_200_phones_lapse", "server", gz=True),
         "scale (small, committed): 200 phones, 192 bindings lapse once", synthetic=True,
         expect=[F("register.expired", None, "warning")],
         forbid=[("register.flapping", None)],
         note="One summary finding for the (kind, cause): 192 of 200 registrations lapsed."),
    GeneratedCase("synth/scale_20000_phones_lapse-server-synthetic.pcap.gz (written at test "
                  "time)", _scale_capture(20000, 19200),
                  "scale: 20,000 phones at one registrar, 19,200 bindings lapse once",
                  synthetic=True,
                  expect=[F("register.expired", None, "warning")],
                  forbid=[("register.flapping", None)],
                  note="One summary finding for the (kind, cause): 19,200 of 20,000 "
                       "registrations lapsed, with examples."),

    # ------------------------------------------------------------ 12. three positives and two
    # near misses for every kind and cause (tests/tools/scenarios_gaps.py)
    # call.no_response
    Case(S("invite_icmp_host_unreachable"),
         "IPv4, INVITE to a peer by IP refused by ICMP host unreachable (3/1) from its edge "
         "router, REGISTER fine", synthetic=True,
         expect=[F(CN, "icmp_host_unreachable", "error", frames=[7, 8, 19],
                   facts={"icmp": "host_unreachable"})]),
    Case(S("invite_icmp6_time_exceeded"),
         "IPv6, no account: INVITE looped, ICMPv6 time exceeded in transit (3/0)", synthetic=True,
         expect=[F(CN, "icmp_host_unreachable", "error", frames=[1, 2, 13],
                   facts={"icmp": "time_exceeded"})]),
    Case(S("invite_icmp_first_copy_answered"),
         "near miss: ICMP network unreachable to the INVITE's first copy, the retransmission "
         "answered and the call completes", synthetic=True,
         near_miss_of=(CN, "icmp_host_unreachable"), forbid=[(CN, None)]),
    Case(S("rtp_icmp_host_unreachable"),
         "near miss: ICMP host unreachable quotes the phone's RTP to a dead gateway, the SIP "
         "of the call all answered", synthetic=True,
         near_miss_of=(CN, "icmp_host_unreachable"), forbid=[(CN, None), (NR, None)]),
    Case(S("invite_icmp_port_unreachable"),
         "IPv4, INVITE to the PBX's old port 5062: ICMP port unreachable to every copy",
         synthetic=True,
         expect=[F(CN, "icmp_port_unreachable", "error", frames=[7, 8, 19])]),
    Case(S("invite_icmp6_port_unreachable_p2p"),
         "IPv6, no account: direct call to a closed softphone, ICMPv6 port unreachable (1/4)",
         synthetic=True,
         expect=[F(CN, "icmp_port_unreachable", "error", frames=[1, 2, 13])]),
    Case(S("invite_to_phone_icmp_port_server", "server"),
         "server side (SLL2): Asterisk's INVITE to a registered public phone refused by ICMP "
         "port unreachable from the phone", synthetic=True,
         expect=[F(CN, "icmp_port_unreachable", "error", frames=[5, 6, 17])]),
    Case(S("rtp_icmp_port_unreachable_relay"),
         "near miss: ICMP port unreachable quotes RTP to a media relay that dropped the "
         "session; the call's SIP all answered", synthetic=True,
         near_miss_of=(CN, "icmp_port_unreachable"),
         forbid=[(CN, None), (NR, None), ("nat.binding_expired", None)]),
    Case(S("invite_unanswered_server_side", "server"),
         "server side (SLL2): INVITE arrives 7 times, nothing leaves; REGISTERs answered",
         synthetic=True,
         expect=[F(CN, "silence", "error", frames=[5, 11])]),
    Case(S("invite_fragments_old_answers"),
         "near miss: fragmented INVITE unanswered, no ICMP, the last answered request on that "
         "path 40 min old", synthetic=True,
         near_miss_of=(CN, "fragments_lost"),
         expect=[F(CN, "silence", "error", frames=[8, 20]),
                 F("transport.tcp_required", "oversize_udp", "error", frames=[8])],
         forbid=[(CN, "fragments_lost")],
         note="fragments_lost needs ICMP reassembly time exceeded, or unfragmented requests "
              "answered within the last 30 minutes, or ICMP fragmentation needed."),

    # register.no_response
    Case(S("register_fragments_no_evidence"),
         "near miss: fragmented REGISTER unanswered, no ICMP, nothing ever answered on that "
         "path", synthetic=True,
         near_miss_of=(NR, "fragments_lost"),
         expect=[F(NR, "silence", "error", frames=[4, 24]),
                 F("transport.tcp_required", "oversize_udp", "error", frames=[4])],
         forbid=[(NR, "fragments_lost")]),
    Case(S("register_fragments_port_unreachable"),
         "near miss: fragmented REGISTER reassembled and refused by ICMP port unreachable",
         synthetic=True,
         near_miss_of=(NR, "fragments_lost"),
         expect=[F(NR, "icmp_port_unreachable", "error", frames=[4, 5])],
         forbid=[(NR, "fragments_lost"), ("transport.tcp_required", "oversize_udp")],
         note="The ICMP port unreachable quotes the reassembled datagram: it arrived "
              "whole, so its size is not the cause (no oversize_udp)."),
    Case(S("register_icmp_host_first_copy"),
         "near miss: ICMP host unreachable to the REGISTER's first copy, the retransmission "
         "answered", synthetic=True,
         near_miss_of=(NR, "icmp_host_unreachable"), forbid=[(NR, None)]),
    Case(S("icmp_host_unreachable_syslog"),
         "near miss: ICMP host unreachable quotes the phone's syslog, REGISTERs answered",
         synthetic=True,
         near_miss_of=(NR, "icmp_host_unreachable"), forbid=[(NR, None)]),
    Case(S("register_icmp_port_server_side", "server"),
         "server side (SLL): the registrar host refuses every copy with ICMP port unreachable",
         synthetic=True,
         expect=[F(NR, "icmp_port_unreachable", "error", frames=[1, 2, 21])]),
    Case(S("register_icmp_port_then_answered"),
         "near miss: registrar restarting, ICMP port unreachable to three copies, the fourth "
         "answered", synthetic=True,
         near_miss_of=(NR, "icmp_port_unreachable"), forbid=[(NR, None)]),
    Case(S("icmp_port_unreachable_syslog_ipv6"),
         "near miss: IPv6, ICMPv6 port unreachable quotes syslog to the registrar's host, "
         "REGISTERs answered", synthetic=True,
         near_miss_of=(NR, "icmp_port_unreachable"), forbid=[(NR, None)]),
    Case(S("register_seen_once_export", "server"),
         "near miss: an export without retransmissions: one REGISTER copy, never answered, "
         "other phones fine", synthetic=True,
         near_miss_of=(NR, "silence"), forbid=[(NR, None)]),
    Case(S("tcp_refused_ipv6"), "IPv6: SYN to 5060 answered RST/ACK, 3 attempts, no SIP",
         synthetic=True,
         expect=[F(NR, "tcp_refused", "error", frames=[3, 4])]),
    Case(S("tcp_refused_tls_server_side", "server"),
         "server side (SLL2): SYNs to 5061 (TLS) from a NAT'd phone answered RST/ACK",
         synthetic=True,
         expect=[F(NR, "tcp_refused", "error", frames=[1, 2])]),
    Case(S("tcp_rst_then_accepted"),
         "near miss: SYN answered RST during a restart, the next connection registers",
         synthetic=True,
         near_miss_of=(NR, "tcp_refused"), forbid=[(NR, None)]),
    Case(S("tcp_reset_after_registered"),
         "near miss: registered connection reset by the server, the phone reconnects and "
         "registers", synthetic=True,
         near_miss_of=(NR, "tcp_refused"), forbid=[(NR, None)]),

    # register.rejected
    Case(S("rejected_404_unknown_user"), "404 Not Found to every REGISTER (mistyped user)",
         synthetic=True,
         expect=[F("register.rejected", "404", "error", frames=[3, 4])]),
    Case(S("rejected_423_not_corrected", "server"),
         "server side (SLL2): 423 Min-Expires 600, the phone asks 60 again each time",
         synthetic=True,
         expect=[F("register.rejected", "423", "error", frames=[3, 4],
                   facts={"min_expires": "600"})]),
    Case(S("rejected_480_ipv6_tcp"), "IPv6 over TCP: 401, then 480 to the credentials, 3 times",
         synthetic=True,
         expect=[F("register.rejected", "480", "error", frames=[6, 7])]),
    Case(S("invite_100_then_486"), "near miss: INVITE -> 100 -> 486 Busy Here -> ACK",
         synthetic=True, near_miss_of=("register.rejected", None),
         forbid=[("register.rejected", None), (CN, None)]),

    # register.forbidden
    Case(S("forbidden_wrong_password_server", "server"),
         "server side (SLL2), FreeSWITCH: 403 to the REGISTER that answered the challenge, twice",
         synthetic=True,
         expect=[F("register.forbidden", "bad_credentials", "error", frames=[3, 4])]),
    Case(S("invite_403_after_proxy_auth"),
         "near miss: INVITE with Proxy-Authorization refused 403 (calls abroad barred)",
         synthetic=True, near_miss_of=("register.forbidden", "bad_credentials"),
         forbid=[("register.forbidden", None)]),
    Case(S("subscribe_403_with_credentials"),
         "near miss: SUBSCRIBE with credentials refused 403, the registration fine",
         synthetic=True, near_miss_of=("register.forbidden", "bad_credentials"),
         forbid=[("register.forbidden", None)]),
    Case(S("forbidden_ua_then_upgraded"),
         "403 with Warning 'User-Agent not allowed', registered after a firmware upgrade "
         "(new User-Agent)", synthetic=True,
         expect=[F("register.forbidden", "user_agent", "warning", frames=[4, 10],
                   facts={"accepted_user_agent": "Yealink SIP-T46U 108.87.0.10"})]),
    Case(S("forbidden_ua_softphone_server", "server"),
         "server side (SLL2): MicroSIP gets 403, the same account registers from a desk phone",
         synthetic=True,
         expect=[F("register.forbidden", "user_agent", "warning", frames=[2, 8])]),
    Case(S("forbidden_ip_acl_then_same_ua"),
         "near miss of user_agent: 403 (address rule), then the same phone and User-Agent "
         "registers", synthetic=True,
         near_miss_of=("register.forbidden", "user_agent"),
         expect=[F("register.forbidden", "policy", "warning", frames=[3, 4], suspected=True)],
         forbid=[("register.forbidden", "user_agent")],
         note="Resolved (it registered in the end): warning."),
    Case(S("forbidden_other_account_other_ua"),
         "near miss of user_agent: 403 to one account, another account (another User-Agent) "
         "registers", synthetic=True,
         near_miss_of=("register.forbidden", "user_agent"),
         expect=[F("register.forbidden", "policy", "error", frames=[3, 4], suspected=True)],
         forbid=[("register.forbidden", "user_agent")]),
    Case(S("forbidden_mac_ipv6"), "IPv6: 403 'Terminal MAC not bound', never registered",
         synthetic=True,
         expect=[F("register.forbidden", "policy", "error", frames=[1, 2], suspected=True)]),

    # auth.rejected_credentials
    Case(S("auth_stale_twice_then_ok"),
         "near miss: two 401 stale=true in a row to answered credentials, then 200",
         synthetic=True, near_miss_of=("auth.rejected_credentials", None),
         forbid=[("auth.rejected_credentials", None)]),

    # nat.return_path_blocked (one capture)
    Case(S("return_path_alg_drops_answers"),
         "phone side: REGISTERs never answered while the server's OPTIONS arrive",
         synthetic=True,
         expect=[F(NR, "silence", "error", frames=[3, 15]),
                 F("nat.return_path_blocked", None, "warning", frames=[16], suspected=True,
                   facts={"server_alive": "it sends OPTIONS to the phone"})]),
    Case(S("return_path_server_asterisk", "server"),
         "server side (SLL), Asterisk: every copy answered 401, the phone keeps retransmitting",
         synthetic=True,
         expect=[F("nat.return_path_blocked", None, "warning", frames=[1, 2], suspected=True)]),
    Case(S("return_path_public_phone_options"),
         "near miss: the same with a public phone (no NAT evidence)", synthetic=True,
         near_miss_of=("nat.return_path_blocked", None),
         expect=[F(NR, "silence", "error", frames=[3, 15])],
         forbid=[("nat.return_path_blocked", None)]),
    Case(S("register_100_slow_401_server", "server"),
         "near miss: server side, 100 Trying at once and the 401 after 13 s; copies continue "
         "after the 100 only", synthetic=True,
         near_miss_of=("nat.return_path_blocked", None),
         forbid=[("nat.return_path_blocked", None)]),

    # nat.return_path_blocked/path_loss (two captures)
    Case([S("path_loss_pair_asterisk"), S("path_loss_pair_asterisk", "server")],
         "both sides, Asterisk (SLL, clock +5.1 s): every 401 lost on the way back",
         synthetic=True,
         expect=[F("nat.return_path_blocked", "path_loss", "error", frames=[3],
                   frames2=[2])]),
    Case([S("path_loss_pair_ipv6"), S("path_loss_pair_ipv6", "server")],
         "both sides, IPv6 (clock -3.2 s): registered, then every answer to the refresh lost",
         synthetic=True,
         expect=[F("nat.return_path_blocked", "path_loss", "error", frames=[5],
                   frames2=[6])]),
    Case([S("path_loss_pair_partial"), S("path_loss_pair_partial", "server")],
         "both sides, lossy return path: 5 answers lost, 4 delivered, registered in the end",
         synthetic=True,
         expect=[F("nat.return_path_blocked", "path_loss", "warning", frames=[3],
                   frames2=[2], facts={"lost_to_phone": "5", "delivered_to_phone": "4"})],
         note="Resolved (registered afterwards): warning."),
    Case([S("path_loss_pair_upstream_only"), S("path_loss_pair_upstream_only", "server")],
         "near miss: requests lost toward the server, answered on retransmission",
         synthetic=True, near_miss_of=("nat.return_path_blocked", "path_loss"),
         forbid=[("nat.return_path_blocked", None)]),
    Case([S("path_loss_pair_phone_capture_shorter"),
          S("path_loss_pair_phone_capture_shorter", "server")],
         "near miss: the phone's capture ends first; the server's later messages are outside "
         "it, not lost", synthetic=True, near_miss_of=("nat.return_path_blocked", "path_loss"),
         forbid=[("nat.return_path_blocked", None)]),

    # alg.rewrite
    Case(S("alg_contact_lan_address"),
         "the ALG writes the gateway's LAN address into the Contact; Asterisk lists it",
         synthetic=True,
         expect=[F("alg.rewrite", "contact_rewritten", "warning", frames=[6], suspected=True)]),
    Case(S("alg_contact_cgnat"),
         "home ALG behind CGNAT: the 200 lists the 100.64/10 address it wrote", synthetic=True,
         expect=[F("alg.rewrite", "contact_rewritten", "warning", frames=[6], suspected=True)]),
    Case(S("alg_contact_multiwan_tcp"),
         "TCP, dual-WAN router: Contact names the first WAN, the connection leaves by the "
         "second", synthetic=True,
         expect=[F("alg.rewrite", "contact_rewritten", "warning", frames=[9], suspected=True)]),
    Case([S("alg_nat_contact_sdp_pair"), S("alg_nat_contact_sdp_pair", "server")],
         "both sides: an ALG rewrites Contact and SDP to the mapped public address",
         synthetic=True, near_miss_of=("alg.rewrite", "contact_rewritten"),
         expect=[F("alg.rewrite", "path_diff", "warning", frames=[3, 7], frames2=[1, 5])],
         forbid=[("alg.rewrite", "contact_rewritten")],
         note="The 200 lists the public address the server saw: not contact_rewritten."),
    Case(S("alg_sdp_content_length_server", "server"),
         "server side (SLL2): INVITE whose SDP an ALG lengthened, Content-Length 10 short",
         synthetic=True,
         expect=[F("alg.rewrite", "content_length_mismatch", "warning", frames=[5],
                   suspected=True)]),
    Case(S("alg_hairpin_sdp_phone"),
         "phone side: incoming INVITE's SDP mapped back to a LAN address, Content-Length 6 "
         "short", synthetic=True,
         expect=[F("alg.rewrite", "content_length_mismatch", "warning", frames=[7],
                   suspected=True)]),
    Case(S("alg_sdp_cl_answer_compact_server", "server"),
         "server side: the phone's 200 (compact l:) lengthened by an ALG, 8 bytes over",
         synthetic=True,
         expect=[F("alg.rewrite", "content_length_mismatch", "warning", frames=[8],
                   suspected=True)]),
    Case(S("content_length_crlf_padding"),
         "near miss: correct Content-Length followed by CR/LF padding (UDP)", synthetic=True,
         near_miss_of=("alg.rewrite", "content_length_mismatch"),
         forbid=[("alg.rewrite", None)]),
    Case(S("content_length_tcp_coalesced"),
         "near miss: TCP, a 200 and an OPTIONS in one segment", synthetic=True,
         near_miss_of=("alg.rewrite", "content_length_mismatch"),
         forbid=[("alg.rewrite", None)]),
    Case(S("via_mismatch_udp_asterisk"),
         "UDP, Asterisk: every answer's top Via sent-by rewritten to the public address",
         synthetic=True,
         expect=[F("alg.rewrite", "via_mismatch", "warning", frames=[3, 4], suspected=True)]),

    # transport.tcp_required
    Case(S("record_route_tcp_far_side"),
         "near miss: double Record-Route, transport=tcp only on the far entry", synthetic=True,
         near_miss_of=("transport.tcp_required", "server_requests_tcp"),
         forbid=[("transport.tcp_required", None)]),
    Case(S("tcp_phone_record_route_tcp"),
         "near miss: the phone already uses TCP; Record-Route and Contact say transport=tcp",
         synthetic=True, near_miss_of=("transport.tcp_required", "server_requests_tcp"),
         forbid=[("transport.tcp_required", None)]),

    # register.flapping
    Case(S("flapping_icmp6", gz=True),
         "IPv6: refreshes refused by ICMPv6 admin prohibited twice within 45 min, the binding "
         "lapses and comes back", synthetic=True,
         expect=[F("register.flapping", None, "warning", frames=[122, 284], facts={"cycles": 2}),
                 F(NR, "icmp_host_unreachable", "warning", frames=[9, 10])],
         note="The ICMP failures resolved by the later registrations: warning."),
]

# Captures whose expectation under docs/findings.md the binary does not meet yet: kept out of
# CASES (test_matrix.py) until the detectors agree; pcaps/synth/MANIFEST.md lists them.

# Cases that first disagreed with the binary (see git log): the rules settled.
CASES += [
    Case(S("register_fragments_ttl_exceeded"),
         "fragmented REGISTER answered by ICMP time exceeded in transit (11/0), not "
         "reassembly (11/1)", synthetic=True,
         near_miss_of=(NR, "fragments_lost"),
         expect=[F(NR, "icmp_host_unreachable", "error", frames=[4, 5])],
         forbid=[(NR, "fragments_lost"), ("transport.tcp_required", "oversize_udp")],
         note="Only ICMP 11/1 proves lost fragments; a hop limit (11/0) is a routing "
              "problem about the whole datagram, not its size."),
    Case(S("alg_sdp_cl_short_body_dropped", "server"),
         "server side: INVITE whose SDP an ALG shortened, Content-Length 6 over the body, "
         "never answered", synthetic=True,
         expect=[F("alg.rewrite", "content_length_mismatch", "warning", frames=[5],
                   suspected=True)],
         note="A UDP message declaring more body than it has must be discarded (RFC 3261 "
              "section 18.3): it is no transaction, so no call.no_response; the finding "
              "says it is discarded."),
    Case(S("alg_contact_port"),
         "the ALG writes the public address with a port of its own (1025) into the Contact; "
         "the packets come from port 5060", synthetic=True,
         expect=[F("alg.rewrite", "contact_rewritten", "warning", frames=[6], suspected=True)]),
    Case([S("path_loss_pair_few_lost"), S("path_loss_pair_few_lost", "server")],
         "near miss: 3 answers lost, 6 delivered", synthetic=True,
         near_miss_of=("nat.return_path_blocked", "path_loss"),
         forbid=[("nat.return_path_blocked", None)]),
]
