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
]
