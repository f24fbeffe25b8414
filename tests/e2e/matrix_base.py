# SPDX-License-Identifier: BSD-2-Clause
"""Matrix cases for the captures that predate the matrix: the first lab runs
(pcaps/lab, real Kamailio/SIPp/kernel NAT, ground truth in MANIFEST.md). See
matrix.py for what a Case asserts."""
from matrix import Case, F

NR = "register.no_response"

CASES = [
    Case("lab/healthy.pcap", "healthy: SIPp through NAT, Kamailio, phone side"),
    Case("lab/healthy_pair.pcap", "healthy, phone side"),
    Case("lab/healthy_pair-server.pcap", "healthy, server side"),
    # The path only NATs: addresses and Via received/rport differ, nothing else.
    Case(["lab/healthy_pair.pcap", "lab/healthy_pair-server.pcap"], "healthy, both sides",
         near_miss_of=("alg.rewrite", "path_diff"), forbid=[("alg.rewrite", "path_diff")]),
    Case("lab/call.pcap", "a call with proxy authentication, phone side"),
    Case("lab/call-server.pcap", "a call with proxy authentication, server side"),
    Case("lab/wrong_port.pcap", "UDP to a closed port: ICMP port unreachable, phone side",
         expect=[F(NR, "icmp_port_unreachable", "error", frames=[1, 2, 21])]),
    Case("lab/blackhole.pcap", "the server drops everything, phone side",
         expect=[F(NR, "silence", "error", frames=[1, 11])]),
    Case("lab/host_unreachable.pcap", "ICMP host unreachable from the ISP router",
         expect=[F(NR, "icmp_host_unreachable", "error", frames=[1, 2], facts={"icmp": "host_unreachable"})]),
    Case("lab/admin_prohibited.pcap", "ICMP administratively prohibited from the home router",
         expect=[F(NR, "icmp_host_unreachable", "error", frames=[1, 2], facts={"icmp": "admin_prohibited"})]),
    Case("lab/dns_failure.pcap", "NXDOMAIN for the registrar's name, no SIP",
         expect=[F(NR, "dns_failure", "error", frames=[1], facts={"result": "NXDOMAIN"})]),
    Case("lab/wrong_password.pcap", "401 to every answered challenge",
         expect=[F("auth.rejected_credentials", None, "error", frames=[4])]),
    Case("lab/wrong_password_403.pcap", "403 to the answered challenge",
         expect=[F("register.forbidden", "bad_credentials", "error", frames=[3, 4])]),
    # The phone registered with the new User-Agent in the end: the rule is
    # found and resolved (warning); the earlier policy suspicion points to it.
    Case("lab/user_agent.pcap", "403 without challenge, then registered with User-Agent huawei",
         expect=[F("register.forbidden", "user_agent", "warning", frames=[2])]),
    Case("lab/flood_ban.pcap", "ten registrations in 8 s, then silence",
         expect=[F("register.flood_ban", None, "error", frames=[1, 21])]),
    Case("lab/flood_ban_two_phones.pcap", "two phones alternating on one account, phone side",
         expect=[F("register.flood_ban", None, "error", frames=[11])]),
    Case("lab/flood_ban_two_phones-server.pcap", "two phones alternating, server side",
         expect=[F("register.flood_ban", None, "error", frames=[1])]),
    # The old port's REGISTER timeouts are the stale mapping's (info).
    Case("lab/stale_nat.pcap", "router renumbered, rebinding from port 54557, phone side",
         expect=[F("nat.stale_binding", None, "error", frames=[6, 7, 21],
                   facts={"old_public": "203.0.113.2:5060"})]),
    Case("lab/stale_nat-server.pcap", "router renumbered, server side",
         expect=[F("nat.stale_binding", None, "error", frames=[7])]),
    Case("lab/options_unanswered.pcap", "the phone ignores the server's OPTIONS, keeps CRLF keepalives",
         expect=[F("keepalive.options_unanswered", None, "warning", frames=[5])]),
    Case("lab/options_unanswered-server.pcap", "the same, server side",
         expect=[F("keepalive.options_unanswered", None, "warning")]),
    # The ICMP-refused UDP attempts are explained by the TCP-only server.
    Case("lab/tcp_only.pcap", "UDP refused by ICMP, TCP registers",
         expect=[F("transport.tcp_required", "udp_refused_tcp_ok", "warning", frames=[1, 31])]),
    Case("lab/nat_return_blocked.pcap", "the server's answers dropped by the router, phone side",
         expect=[F(NR, "silence", "error", frames=[1, 11])]),
    Case("lab/nat_return_blocked-server.pcap", "the same, server side: answered, retransmitted",
         expect=[F("nat.return_path_blocked", None, "warning", frames=[2])]),
    # Flapping from late refreshes only is explained by register.expired.
    Case("lab/expired.pcap", "registrar grants 10 s, phone refreshes every 20 s",
         expect=[F("register.expired", None, "warning", frames=[4])]),
    Case("lab/redirect_tcp.pcap", "302 with a transport=tcp Contact",
         expect=[F("transport.tcp_required", "server_requests_tcp", "warning", frames=[2]),
                 F("register.rejected", "302", "error", frames=[1, 2])]),
    Case("lab/oversize_udp.pcap", "2 KB REGISTER in fragments, reassembly time exceeded",
         expect=[F("transport.tcp_required", "oversize_udp", "error", frames=[2]),
                 F(NR, "fragments_lost", "error", frames=[2, 21])]),
    Case("lab/alg.pcap", "kernel SIP ALG, phone side: received= names the private address",
         expect=[F("alg.rewrite", "received_private", "warning", frames=[4])]),
    Case("lab/alg-server.pcap", "kernel SIP ALG, server side: nothing shows from here"),
    Case(["lab/alg.pcap", "lab/alg-server.pcap"], "kernel SIP ALG, both sides",
         expect=[F("alg.rewrite", "path_diff", "warning"),
                 F("alg.rewrite", "received_private", "warning", frames=[4])]),
]
