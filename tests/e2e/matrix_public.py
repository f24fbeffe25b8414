# SPDX-License-Identifier: BSD-2-Clause
"""Matrix cases for the 30 public captures (pcaps/public, sources and licences in
its INDEX.md). The ground truth was read from each capture with tshark and the
rules of docs/findings.md, not taken from sipwatch's output; INDEX.md carries the
same verdict as an "Expected:" line per capture. Most of these captures are
healthy; the stitched and script-made ones (synthetic=True) are fragments whose
lone requests and responses must not be read as failures. See matrix.py for
what a Case asserts."""
from matrix import Case, F

H = "public/sipcapture__heplify/"
NG = "public/irontec__sngrep/"
SV = "public/OISF__suricata-verify/"
ZK = "public/zeek__zeek/"
ND = "public/ntop__nDPI/"
PP = "public/seladb__PcapPlusPlus/"

NR = "register.no_response"
CN = "call.no_response"
ARC = "auth.rejected_credentials"

# Fragments that are not failures: a lone or answered request, a challenge.
NO_TIMEOUTS = [(CN, None), (NR, None)]

CASES = [
    # --- sipcapture/heplify ---
    # Ivan@Verso.com is granted 20 s (frame 153) and refreshes 20.24 s later
    # (frame 2911): inside the 5 s grace. francisco's 20 s grant (frame 1727)
    # runs past the end of the capture. The second INVITE (frame 2964) has its
    # 100/180 when the capture ends.
    Case(H + "rtp_rtcp_sip_ipv4_udp.pcap",
         "SIP_CALL_RTP_G711: two phones register, 20 s grants refreshed in time, a G.711 call",
         forbid=[("register.expired", None), ("register.flapping", None), (CN, None),
                 ("nat.binding_expired", None)],
         near_miss_of=("register.expired", None)),
    Case(H + "sip_ipv4_tcp.pcap", "a complete call over TCP",
         forbid=NO_TIMEOUTS),
    # INVITE 125660930 (frame 47, From "unknown" <sip:maxus.lan>, P-Asserted-
    # Identity <sip:@maxus.lan>) is taken by the server's TCP (ACK, frame 48)
    # but never answered: the server's sequence number on that connection does
    # not move until the next INVITE (frames 104-112), 124 s of capture follow.
    # Over TCP one copy is all there is; the rest of the trunk (486, 487, 403 to
    # INVITE, 100/183 without a final answer yet) is normal.
    Case(H + "sip_ipv4_tcp_fragmented.pcap",
         "busy TCP trunk on port 6060: one INVITE taken by TCP, never answered by SIP",
         expect=[F(CN, "silence", "error", frames=[47])],
         forbid=[(NR, None), ("transport.tcp_required", None)]),
    # PJSIP over TCP to a proxy, forwarded over UDP: 401 then 200 on both legs.
    # The 200 of the UDP leg lists the proxy's own contact; frame 38 is a TCP
    # retransmission of the 200, not a second message.
    Case(H + "sip_ipv4_tcp_retrans.pcap", "REGISTER over TCP via a proxy, 401 then 200, one TCP retransmission",
         forbid=NO_TIMEOUTS + [("alg.rewrite", None), (ARC, None)]),
    # Every message once and answered in order; the timestamps are fabricated
    # (2012 ... 2092, all .251758): the years between them are not timeouts.
    Case(H + "sip_ipv6_udp.pcap", "IPv6 call, every message answered, timestamps years apart",
         forbid=NO_TIMEOUTS + [("nat.stale_binding", None), ("register.expired", None)],
         near_miss_of=(CN, "silence")),
    # 403 "The reason is nocallee" to an INVITE is the call being refused,
    # ACKed (frame 5); register.forbidden is about REGISTER only. The INVITE
    # offered no credentials, as a policy 403 to REGISTER would not.
    Case(H + "sip_sctp.pcap", "SIP-I INVITE over SCTP refused with 403, ACKed",
         forbid=NO_TIMEOUTS + [("register.forbidden", None)],
         near_miss_of=("register.forbidden", "policy")),
    # 200 OPTIONS (frame 2) has received=10.243.0.157 from a private server
    # (10.243.0.143): right for a LAN server. The call completes after a 407.
    Case(H + "sip_tcp_websocket.pcap", "WebRTC over WebSocket, 407 then a complete call, private servers",
         forbid=NO_TIMEOUTS + [("alg.rewrite", "received_private")],
         near_miss_of=("alg.rewrite", "received_private")),
    # The phone's 200s to NOTIFY (frames 7, 19, 43) carry Via
    # 101.231.48.19:5860;rport=5260 where the NOTIFY said :5260 (frames 6, 18,
    # 42). But on the same flow, in the same seconds, its responses to INVITE
    # and BYE keep the Via intact (frames 25/26, 68/70, 101/103, 136/137), and
    # only the NOTIFY responses lack the User-Agent: the phone's NOTIFY handler
    # writes its own port (5860, its Contact) into the Via; no device on the
    # path rewrites it. The PBX accepted them (no NOTIFY retransmission).
    # So no alg.rewrite/via_mismatch; an information finding would be fair.
    Case(H + "erspan_sip_ipv4_udp.pcapng",
         "GRE-mirrored PBX traffic: subscriptions, calls, REFER; the phone's NOTIFY answers alter the Via port",
         forbid=NO_TIMEOUTS + [("alg.rewrite", "received_private")],
         near_miss_of=("alg.rewrite", "via_mismatch")),
    # One fax call seen at three hops (one hop mirrored twice); 488 to the T.38
    # re-INVITE is the normal refusal before the next offer (frames 3112-3140);
    # in-dialog OPTIONS answered; the 200 BYE of one hop (frames 7208/7209)
    # carries another Call-ID.
    Case(H + "FAX-Call-t38-CA-TDM-SIP-FB-1.pcap", "fax call at several hops, T.38 re-INVITE refused with 488",
         forbid=NO_TIMEOUTS + [("keepalive.options_unanswered", None), ("alg.rewrite", "via_mismatch")]),
    # Polycom 1154 answers the challenge (CSeq 2, 3 with Authorization for the
    # server's nonce, no stale) and gets 401 twice (frames 6, 8). The scanner
    # INVITE (frame 1) is seen once in a 2 s capture; the 403 (frame 2) shares
    # its constant branch but answers another Call-ID.
    Case(H + "ipip0.pcap", "Polycom through an edge proxy: 401 to every answered challenge; a scanner INVITE",
         expect=[F(ARC, None, "error", frames=[6, 8])],
         forbid=NO_TIMEOUTS + [("alg.rewrite", "via_mismatch"), ("register.forbidden", None)],
         near_miss_of=("register.forbidden", "policy")),

    # --- irontec/sngrep ---
    # voi18063's REGISTER with credentials (frame 30) gets "403 Wrong password"
    # (frame 32); that account never registers (the user then switches to
    # voi18062 and 35104723, which register: frames 182, 527, 650). The "401
    # nonce has changed" answers (122, 155, 432, 454, 560) are stale nonces
    # after the phone waits 17 s to answer a challenge, never two in a row.
    # Calls end in 407, 403 "Wrong password or domain", 408, 480 from the proxy:
    # no rule for those.
    Case(NG + "aaa.pcap", "X-Lite behind NAT: 403 Wrong password, stale nonces, several accounts",
         expect=[F("register.forbidden", "bad_credentials", "error", frames=[30, 32])],
         forbid=NO_TIMEOUTS + [(ARC, None), ("register.flood_ban", None),
                               ("register.expired", None)],
         near_miss_of=(ARC, None)),
    # The INVITE leaves in two IPv6 fragments (frames 1-2, and 4-5 on the
    # next hop) and is answered at once (100 Trying, frame 3).
    Case(NG + "ipv6frag.pcap", "IPv6-fragmented call with 100rel, PRACK, UPDATE",
         forbid=NO_TIMEOUTS,
         near_miss_of=(CN, "fragments_lost")),
    # The BYE (frame 4) is the last frame: nothing to judge; the ACK is not in
    # the capture, the call went on for 32 s.
    Case(NG + "ipip.pcap", "TCP call, responses in IP-in-IP",
         forbid=NO_TIMEOUTS),

    # --- OISF/suricata-verify ---
    Case(SV + "sip-body-large__sip-body-large.pcap", "64 KB INVITE over TCP on loopback, 100 Trying",
         forbid=NO_TIMEOUTS + [("transport.tcp_required", None), ("alg.rewrite", None)]),
    Case(SV + "sip-tcp-method__sip-tcp.pcap", "REGISTER and 200 over TCP on loopback",
         forbid=NO_TIMEOUTS),
    # One INVITE and nothing else. Its `l: 272` against a 372-byte body is a
    # hand-edited SDP (lines added for a parser test): a suspected content-
    # length warning is what the wire shows, but proves no ALG.
    Case(SV + "sip-compact-form__sip_compact_form.pcap", "one INVITE with compact headers",
         allow=[("alg.rewrite", "content_length_mismatch")],
         forbid=NO_TIMEOUTS + [("nat.return_path_blocked", None)],
         synthetic=True),
    Case(SV + "sip-header-multi-value__sip_header_multi_val.pcap", "one INVITE with t: and To: both",
         allow=[("alg.rewrite", "content_length_mismatch")],
         forbid=NO_TIMEOUTS + [("nat.return_path_blocked", None)],
         synthetic=True),

    # --- zeek/zeek ---
    # A REGISTER without Via, Call-ID or CSeq, once: not a transaction to time
    # out; it is a SIP message, so the capture is not "without SIP".
    Case(ZK + "sip-junk-before-request.pcap", "4 NUL bytes, then a REGISTER without Via/Call-ID/CSeq",
         forbid=NO_TIMEOUTS + [("capture.no_sip", None)],
         near_miss_of=(NR, "silence"), synthetic=True),
    # Content-Length "bad" / "xyz" and no body: a malformed header, not a
    # number an ALG left stale.
    Case(ZK + "invalid-content-length.pcap", "INVITE/200 with a non-numeric Content-Length",
         forbid=NO_TIMEOUTS + [("alg.rewrite", "content_length_mismatch")],
         near_miss_of=("alg.rewrite", "content_length_mismatch"), synthetic=True),
    # 9.6 KB OPTIONS in one datagram, answered, the 20 Vias returned unchanged.
    Case(ZK + "sip-long-request-response-paths.pcap", "9.6 KB OPTIONS with 20 Vias, answered",
         forbid=NO_TIMEOUTS + [("transport.tcp_required", "oversize_udp"), ("alg.rewrite", "via_mismatch")],
         near_miss_of=("transport.tcp_required", "oversize_udp"), synthetic=True),

    # --- ntop/nDPI ---
    # CSeq 4: 11 copies 12.3-43.9 s (frames 409-585); CSeq 5: 11 copies from
    # 76.4 s (frames 911-1068), 41 s before the end. No response, no ICMP.
    Case(ND + "webex.pcap", "Zoiper over a VPN: two REGISTER attempts never answered",
         expect=[F(NR, "silence", "error", frames=[409, 585, 911, 1068])],
         forbid=[(NR, "icmp_port_unreachable"), (NR, "icmp_host_unreachable"),
                 ("nat.return_path_blocked", None)]),
    Case(ND + "sip_hello.pcapng", "401/200 and a re-registration after 300 s of a 600 s grant, 'hello' keepalives",
         forbid=NO_TIMEOUTS + [("register.expired", None), ("nat.binding_expired", None),
                               ("capture.no_sip", None)]),
    # One 100 Trying without its INVITE.
    Case(ND + "gre.pcapng", "one 100 Trying in VLAN/GRE/PPP",
         forbid=NO_TIMEOUTS + [("capture.no_sip", None)]),

    # --- NormB/sipnab ---
    # 404 to SUBSCRIBE (frames 12, 14) is presence refused, not registration.
    Case("public/NormB__sipnab/Asterisk_ZFONE_XLITE.pcap",
         "X-Lite to Asterisk: 401/200, qualify OPTIONS answered, SUBSCRIBE 404, a call",
         forbid=NO_TIMEOUTS + [("register.rejected", None), ("keepalive.options_unanswered", None)],
         near_miss_of=("register.rejected", None)),

    # --- MaryLS/Laborator09 ---
    # The 200s (frames 7, 194) list the same phone's earlier ports with
    # received= (OpenSIPS NAT traversal); the last REGISTER is a de-
    # registration (expires=0, frames 191-194). Both 2xx show rport 60959.
    Case("public/MaryLS__Laborator09/sip.pcap",
         "softphone behind NAT: 401/200, 407 call, de-registration; 200 lists its old ports",
         forbid=NO_TIMEOUTS + [("alg.rewrite", "contact_rewritten"), ("register.flood_ban", None),
                               ("nat.binding_expired", None), ("register.expired", None)],
         near_miss_of=("alg.rewrite", "contact_rewritten")),

    # --- MichalCab/ISA ---
    # The ICMP port unreachable (frames 173, 174) quote RTP 7078 -> 15264 sent
    # after the BYE, not SIP.
    Case("public/MichalCab__ISA/sip.pcap.pcapng", "INVITE 401 then a call; ICMP refuses RTP after the BYE",
         forbid=NO_TIMEOUTS + [("nat.binding_expired", None)],
         near_miss_of=(CN, "icmp_port_unreachable")),

    # --- arkime/arkime ---
    # IMS AKA: the UE answers the 401 32.6 s later and gets 200 (frame 29);
    # SUBSCRIBE 405 and MESSAGE 202; the last REGISTER is expires=0 (frame 100).
    Case("public/arkime__arkime/gtp-iphone.pcap", "VoLTE iPhone in GTP-U: AKA 401/200, call, SMS, de-registration",
         forbid=NO_TIMEOUTS + [("register.expired", None), (ARC, None), ("register.forbidden", None)]),

    # --- CESNET/ipfixprobe ---
    # SIPVicious (User-Agent friendly-scanner), not a phone. By the rules: the
    # INVITEs to .39/.40 refused by ICMP administratively prohibited from those
    # hosts (5/7, 8/10, 9/12, 11/14, 13/15); 6001's guesses answered by 401
    # over and over (32, 36, 38 ...) until one gets 200 (frame 48, expires 3599);
    # the guessing goes on after it (a 401 to answered credentials, frame 49),
    # so the failure is not over when the capture ends: error (the lead's call:
    # "resolved" means no failure after the success). The INVITEs to .38 (frames 1-3,
    # once each, no answer, 15 s of capture) prove nothing. The INVITEs are
    # From/To 100 and come before any REGISTER: not account 6001's.
    Case("public/CESNET__ipfixprobe/sip.pcap", "SIPVicious scan and REGISTER brute force on 6001, one guess accepted",
         expect=[F(CN, "icmp_host_unreachable", "error", frames=[5, 7]),
                 F(ARC, None, "error", frames=[32])],
         allow=[("register.flood_ban", None)],
         forbid=[(CN, "silence"), ("register.forbidden", None)]),

    # --- seladb/PcapPlusPlus (collages of single packets, 2005-2016) ---
    # 100/180/200 without their INVITE; two 401s of different accounts (one
    # each); 504 (frame 6) and 503 (frame 7) to REGISTER of user103/user155:
    # genuine rejections, so register.rejected for them is a fair reading,
    # but not required of a collage.
    Case(PP + "sip_resp.pcap", "seven lone responses from different captures",
         allow=[("register.rejected", "503"), ("register.rejected", "504")],
         forbid=NO_TIMEOUTS + [(ARC, None), ("alg.rewrite", "received_private")],
         synthetic=True),
    # A lone INVITE (2005), CANCEL and ACK (2011, PPPoE), BYE (2016): nothing
    # answers them because their answers are in other captures.
    Case(PP + "sip_reqs.pcap", "four lone requests from different captures",
         forbid=NO_TIMEOUTS,
         near_miss_of=(CN, "silence"), synthetic=True),
]
