# SPDX-License-Identifier: BSD-2-Clause
"""Matrix cases for the lab's variant captures (tests/lab/run.sh, pcaps/lab/MANIFEST.md).

Expectations follow the detector rules of issue 10 (RULES-DRAFT), not what a given build
prints. Frames are 1-based frame numbers of the first file (frames) and of the second file
(frames2), as in tshark; MANIFEST.md explains each capture frame by frame."""
from matrix import Case, F

CASES = [
    # ---------------------------------------------------------------- nat.stale_binding
    Case("lab/stale_nat_late.pcap",
         "phone side, refresh 10 s < expiry 30 s, two timeouts from the old port (second one a new "
         "Call-ID), new port 45 s after the binding lapsed, SIPp",
         expect=[F("nat.stale_binding", None, "error", frames=[4, 9, 22, 37, 38])]),
    Case(["lab/stale_nat_late.pcap", "lab/stale_nat_late-server.pcap"],
         "both sides: the stale refreshes reach the server from the old address and are answered",
         # In a pair each message's evidence is its first copy in time: the
         # server's 200s, the phone's unanswered REGISTERs.
         expect=[F("nat.stale_binding", None, "error", frames=[9, 22, 37],
                   frames2=[5, 9, 67])],
         # answers to the old address lost on the way back: a second view of it
         allow=[("nat.return_path_blocked", "path_loss")]),
    Case("lab/stale_nat_early.pcap",
         "phone side, new port 9 s after the first unanswered refresh, old transaction's timer F "
         "fires after the new port's 200, two SIPp instances",
         expect=[F("nat.stale_binding", None, "error", frames=[4, 9, 16, 17])]),
    Case(["lab/stale_nat_early.pcap", "lab/stale_nat_early-server.pcap"],
         "both sides, early rebinding",
         expect=[F("nat.stale_binding", None, "error", frames=[9, 16],
                   frames2=[4, 8, 24])],
         # answers to the old address lost on the way back: a second view of it
         allow=[("nat.return_path_blocked", "path_loss")]),
    Case("lab/stale_nat_baresip.pcap",
         "phone side, baresip (new nonce every refresh), reboot onto port 5070",
         expect=[F("nat.stale_binding", None, "error", frames=[4, 11, 26, 27])]),
    Case(["lab/stale_nat_baresip.pcap", "lab/stale_nat_baresip-server.pcap"],
         "both sides, baresip: the server answers the stale refresh with 401 each time",
         expect=[F("nat.stale_binding", None, "error", frames=[11, 26],
                   frames2=[4, 10, 42])],
         # answers to the old address lost on the way back: a second view of it
         allow=[("nat.return_path_blocked", "path_loss")]),
    Case("lab/public_phone_outage.pcap",
         "public phone (no NAT), server outage of ~73 s, re-registration from another port",
         near_miss_of=("nat.stale_binding", None),
         expect=[F("register.no_response", "silence", "warning", frames=[12, 25, 41])],
         forbid=[("nat.stale_binding", None)]),
    Case("lab/registrar_restart.pcap",
         "registrar restarted during a refresh: ICMP port unreachable, then a new challenge, 200",
         near_miss_of=("nat.stale_binding", None),
         forbid=[("nat.stale_binding", None)]),

    # ---------------------------------------------------------------- nat.binding_expired
    Case("lab/nat_udp_timeout.pcap",
         "phone side, baresip, conntrack UDP timeout 10 s < refresh 25 s, SNAT --random: "
         "the server reports a new public port at each refresh",
         expect=[F("nat.binding_expired", None, "warning", frames=[4, 13])]),
    Case("lab/nat_udp_timeout-server.pcap",
         "server side: OPTIONS between refreshes refused by ICMP port unreachable from the "
         "phone's public address; source port changes at each refresh",
         expect=[F("nat.binding_expired", None, "warning", frames=[10, 11])]),
    # No ALG: the NAT changes addresses and ports only (path_diff silent).
    Case(["lab/nat_udp_timeout.pcap", "lab/nat_udp_timeout-server.pcap"], "both sides",
         expect=[F("nat.binding_expired", None, "warning", frames2=[5, 10, 11, 15])],
         near_miss_of=("alg.rewrite", "path_diff"), forbid=[("alg.rewrite", "path_diff")]),
    Case("lab/nat_udp_timeout_preserving.pcap",
         "phone side, port-preserving SNAT, mapping lapses after 3 s: nothing shows",
         near_miss_of=("nat.binding_expired", None),
         forbid=[("nat.binding_expired", None)]),
    Case("lab/nat_udp_timeout_preserving-server.pcap",
         "server side, port-preserving SNAT: OPTIONS refused (ICMP) between refreshes",
         expect=[F("nat.binding_expired", None, "warning", frames=[10, 11])]),
    Case(["lab/nat_udp_timeout_preserving.pcap", "lab/nat_udp_timeout_preserving-server.pcap"],
         "both sides, port-preserving SNAT",
         expect=[F("nat.binding_expired", None, "warning", frames2=[10, 11])]),
    Case("lab/nat_udp_timeout_preserving_clash.pcap",
         "phone side, port-preserving SNAT but the refresh clashes with the refused OPTIONS' "
         "conntrack entry: public port 5060 -> 3963 -> 5060",
         expect=[F("nat.binding_expired", None, "warning", frames=[4, 13])]),
    Case(["lab/nat_udp_timeout_preserving_clash.pcap",
          "lab/nat_udp_timeout_preserving_clash-server.pcap"], "both sides, clash",
         expect=[F("nat.binding_expired", None, "warning", frames2=[4, 10, 11, 15])]),
    Case("lab/nat_udp_timeout_ok.pcap",
         "phone side, conntrack UDP timeout 60 s > refresh and OPTIONS intervals",
         near_miss_of=("nat.binding_expired", None),
         forbid=[("nat.binding_expired", None)]),
    Case(["lab/nat_udp_timeout_ok.pcap", "lab/nat_udp_timeout_ok-server.pcap"],
         "both sides, mapping kept: one public port, every OPTIONS answered",
         near_miss_of=("nat.binding_expired", None),
         forbid=[("nat.binding_expired", None)]),

    # ---------------------------------------------------------------- DNS
    Case("lab/dns_no_answer.pcap",
         "baresip, DNS server drops every query: NAPTR retransmitted, no answer, no REGISTER",
         expect=[F("register.no_response", "dns_failure", "error", frames=[1, 11],
                   facts={"result": "no answer"})]),
    Case("lab/dns_servfail.pcap",
         "baresip, validating resolver answers SERVFAIL to NAPTR, SRV (3 prefixes) and A",
         expect=[F("register.no_response", "dns_failure", "error", frames=[1, 2, 9, 10],
                   facts={"result": "SERVFAIL"})]),
    Case("lab/dns_srv_fallback.pcap",
         "baresip, NAPTR empty and SRV NXDOMAIN, A answered, REGISTER 200 (RFC 3263 fallback)",
         near_miss_of=("register.no_response", "dns_failure"),
         forbid=[("register.no_response", "dns_failure")]),
    Case("lab/dns_srv_ok.pcap", "baresip, NAPTR -> SRV -> A, registered",
         forbid=[("register.no_response", "dns_failure")]),

    # ---------------------------------------------------------------- size, fragments, MTU
    Case("lab/oversize_invite.pcap",
         "phone side, 1,835-byte INVITE in two fragments, non-first fragments dropped, "
         "REGISTERs on the same socket answered before and after",
         expect=[F("call.no_response", "fragments_lost", "error", frames=[6, 7, 22]),
                 F("transport.tcp_required", "oversize_udp", "error", frames=[6, 7])]),
    Case(["lab/oversize_invite.pcap", "lab/oversize_invite-server.pcap"],
         "both sides: only first fragments reach the registrar",
         expect=[F("call.no_response", "fragments_lost", "error", frames=[6, 7],
                   frames2=[15]),
                 F("transport.tcp_required", "oversize_udp", "error", frames=[6, 7])]),
    Case("lab/big_register_ok.pcap",
         "1,221/1,449-byte REGISTERs under the 1500 MTU, not fragmented, answered",
         near_miss_of=("transport.tcp_required", "oversize_udp"),
         forbid=[("transport.tcp_required", None)]),
    Case("lab/big_register_blackhole.pcap",
         "1,411-byte REGISTER (not fragmented) to a server that drops everything",
         near_miss_of=("transport.tcp_required", "oversize_udp"),
         expect=[F("register.no_response", "silence", "error", frames=[2, 16])],
         forbid=[("transport.tcp_required", None)]),
    Case("lab/icmp_frag_needed.pcap",
         "ICMP fragmentation needed (MTU 1200), the phone's kernel fragments the retransmission, "
         "answered",
         near_miss_of=("transport.tcp_required", "oversize_udp"),
         forbid=[("transport.tcp_required", None)]),
    Case(["lab/icmp_frag_needed.pcap", "lab/icmp_frag_needed-server.pcap"],
         "both sides: fragments reach the registrar and are reassembled",
         near_miss_of=("transport.tcp_required", "oversize_udp"),
         forbid=[("transport.tcp_required", None)]),
    Case("lab/icmp_frag_needed_dropped.pcap",
         "ICMP fragmentation needed (MTU 1200), then the fragmented REGISTER with credentials "
         "loses its second fragments",
         expect=[F("transport.tcp_required", "oversize_udp", "error", frames=[3, 7, 8],
                   facts={"mtu": 1200}),
                 F("register.no_response", "fragments_lost", "error", frames=[7, 8, 29])]),
    Case(["lab/icmp_frag_needed_dropped.pcap", "lab/icmp_frag_needed_dropped-server.pcap"],
         "both sides",
         expect=[F("transport.tcp_required", "oversize_udp", "error", frames=[3, 7, 8],
                   facts={"mtu": 1200}),
                 F("register.no_response", "fragments_lost", "error", frames=[7, 8],
                   frames2=[16])]),

    # ---------------------------------------------------------------- transport
    Case("lab/https_lookalike.pcap",
         "UDP 5060 dropped, TCP 443 (TLS) accepted on the registrar's host",
         near_miss_of=("transport.tcp_required", "udp_refused_tcp_ok"),
         expect=[F("register.no_response", "silence", "error", frames=[1, 49])],
         forbid=[("transport.tcp_required", None), ("nat.return_path_blocked", None)]),
    Case("lab/tcp_only_silent.pcap",
         "UDP 5060 dropped silently (no ICMP), TCP 5060 accepted, the phone falls back to TCP",
         expect=[F("transport.tcp_required", "udp_refused_tcp_ok", "warning",
                   frames=[1, 17, 24, 25])],
         allow=[("register.no_response", "silence")]),

    # ---------------------------------------------------------------- registrar answers
    Case("lab/transient_503.pcap",
         "503 to a refresh while the binding is valid, retry 2 s later registers; twice",
         near_miss_of=("register.flapping", None),
         expect=[F("register.rejected", "503", "info", frames=[10, 11, 15])],
         forbid=[("register.flapping", None)]),
    Case("lab/min_expires_423.pcap",
         "SIPp asks 20 s, 423 Min-Expires 30, corrected at once; again at every refresh",
         near_miss_of=("register.flapping", None),
         expect=[F("register.rejected", "423", "info", frames=[4, 5, 6])],
         forbid=[("register.flapping", None)]),
    Case("lab/min_expires_423_baresip.pcap",
         "baresip asks 20 s, 423 Min-Expires 30 once, it asks 30 from then on",
         near_miss_of=("register.flapping", None),
         expect=[F("register.rejected", "423", "info", frames=[4, 5, 6])],
         forbid=[("register.flapping", None)]),

    # ---------------------------------------------------------------- auth, proxy
    Case("lab/healthy_baresip.pcap", "healthy: baresip, Kamailio, NAT, phone side"),
    Case("lab/wrong_password_baresip.pcap",
         "baresip, wrong password: 16 challenge/credentials rounds in 6 ms, then it stops",
         expect=[F("auth.rejected_credentials", None, "error", frames=[3, 4, 5, 6])],
         # 16 new CSeqs in 6 ms meet the flood_ban rule's count (a second view of the loop)
         allow=[("register.flood_ban", None)]),
    Case("lab/outbound_proxy.pcap",
         "baresip through a record-routing outbound proxy (second Kamailio), healthy",
         near_miss_of=("alg.rewrite", "via_mismatch"),
         forbid=[("alg.rewrite", None)]),
    Case("lab/outbound_proxy_wrong_password.pcap",
         "baresip through the outbound proxy, wrong password",
         expect=[F("auth.rejected_credentials", None, "error", frames=[3, 4, 5, 6])],
         allow=[("register.flood_ban", None)],
         forbid=[("alg.rewrite", None)]),

    # ---------------------------------------------------------------- ALG
    Case("lab/alg_port5080.pcap",
         "phone side, kernel SIP ALG on UDP 5080: the 200's Via received= is the phone's "
         "private address",
         expect=[F("alg.rewrite", "received_private", "warning", frames=[5])]),
    Case(["lab/alg_port5080.pcap", "lab/alg_port5080-server.pcap"],
         "both sides, ALG on 5080: Via/Contact rewritten on the way",
         expect=[F("alg.rewrite", "path_diff", "warning", frames=[2, 5], frames2=[2, 5])],
         allow=[("alg.rewrite", None)]),
    Case("lab/registrar_fixes_contact.pcap",
         "no ALG; Kamailio fix_nated_contact(): the 2xx lists the public address",
         near_miss_of=("alg.rewrite", "contact_rewritten"),
         forbid=[("alg.rewrite", None)]),
    Case("lab/registrar_alias_contact.pcap",
         "no ALG; Kamailio set_contact_alias(): the 2xx Contact carries ;alias=public~port~1",
         near_miss_of=("alg.rewrite", "contact_rewritten"),
         forbid=[("alg.rewrite", None)]),

    # ---------------------------------------------------------------- no SIP
    Case("lab/no_sip.pcap", "ping, DNS lookup of www.example.org, HTTP fetch; no SIP at all",
         expect=[F("capture.no_sip", None, "warning")]),
]
