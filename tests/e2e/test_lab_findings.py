"""Diagnosis, end to end, on the lab's captures of real Kamailio/SIPp traffic
through real namespaces and NAT (pcaps/lab/MANIFEST.md gives each capture's
ground truth): every failure mode yields its finding with the right kind,
cause and evidence frames; the healthy captures yield no warning or error.
Also the report and the Chinese advice for a few of them."""
import unittest

import swtest

# file -> [(kind, cause, min severity, evidence frames that must be listed)]
EXPECT = {
    "healthy.pcap": [],
    "healthy_pair.pcap": [],
    "healthy_pair-server.pcap": [],
    "call.pcap": [],
    "call-server.pcap": [],
    "wrong_port.pcap": [("register.no_response", "icmp_port_unreachable", "error", [1, 2])],
    "blackhole.pcap": [("register.no_response", "silence", "error", [1, 11])],
    "host_unreachable.pcap": [("register.no_response", "icmp_host_unreachable", "error", [1, 2])],
    "admin_prohibited.pcap": [("register.no_response", "icmp_host_unreachable", "error", [1, 2])],
    "dns_failure.pcap": [("register.no_response", "dns_failure", "error", [1])],
    "wrong_password.pcap": [("auth.rejected_credentials", None, "error", [4])],
    "wrong_password_403.pcap": [("register.forbidden", "bad_credentials", "error", [3, 4])],
    # The phone registered with the new User-Agent in the end: the rule is
    # found, and the failure is resolved (warning).
    "user_agent.pcap": [("register.forbidden", "user_agent", "warning", [2])],
    "flood_ban.pcap": [("register.flood_ban", None, "error", [1, 21])],
    "flood_ban_two_phones.pcap": [("register.flood_ban", None, "error", [11])],
    "flood_ban_two_phones-server.pcap": [("register.flood_ban", None, "error", [1])],
    "stale_nat.pcap": [("nat.stale_binding", None, "error", [7, 21])],
    "stale_nat-server.pcap": [("nat.stale_binding", None, "error", [7])],
    "options_unanswered.pcap": [("keepalive.options_unanswered", None, "warning", [5])],
    "options_unanswered-server.pcap": [("keepalive.options_unanswered", None, "warning", [])],
    "tcp_only.pcap": [("transport.tcp_required", "udp_refused_tcp_ok", "warning", [1, 31])],
    "nat_return_blocked.pcap": [("register.no_response", "silence", "error", [1, 11])],
    "nat_return_blocked-server.pcap": [("nat.return_path_blocked", None, "warning", [2])],
    "expired.pcap": [("register.expired", None, "warning", [4]),
                     ("register.flapping", None, "warning", [8])],
    "redirect_tcp.pcap": [("transport.tcp_required", "server_requests_tcp", "warning", [2]),
                          ("register.rejected", "302", "error", [1, 2])],
    "oversize_udp.pcap": [("transport.tcp_required", "oversize_udp", "error", [2]),
                          ("register.no_response", "fragments_lost", "error", [2, 21])],
}
# Findings that may accompany the expected ones (the same failure seen from
# another angle), by file.
ALSO_OK = {
    "stale_nat.pcap": {("register.no_response", "silence")},
    "tcp_only.pcap": {("register.no_response", "icmp_port_unreachable")},
}
RANK = {"info": 0, "warning": 1, "error": 2}


class LabFindings(unittest.TestCase):
    def check(self, name):
        r = swtest.run("-r", swtest.pcap("lab", name), "--json")
        self.assertEqual(r.rc, 0, r.err)
        found = r.objects("finding")
        for kind, cause, sev, frames in EXPECT[name]:
            match = [f for f in found if f["kind"] == kind and (cause is None or f["cause"] == cause)]
            self.assertTrue(match, f"{name}: no {kind}/{cause}; got "
                            f"{[(f['kind'], f['cause'], f['severity']) for f in found]}")
            f = match[0]
            self.assertGreaterEqual(RANK[f["severity"]], RANK[sev], f"{name}: {kind} severity")
            listed = {e["frame"] for e in f["evidence"]}
            for fr in frames:
                self.assertIn(fr, listed, f"{name}: {kind} evidence lacks frame {fr}: {sorted(listed)}")
            for key in ("summary", "explanation", "advice"):
                self.assertTrue(f.get(key), f"{name}: {kind} has no {key}")
        wanted = {(k, c) for k, c, _, _ in EXPECT[name]}
        for f in found:
            if RANK[f["severity"]] < 1:
                continue
            key = (f["kind"], f["cause"])
            if any(k == f["kind"] and (c is None or c == f["cause"]) for k, c in wanted):
                continue
            self.assertIn(key, ALSO_OK.get(name, set()),
                          f"{name}: unexpected {f['severity']} {key}: {f['summary']}")

    def test_forbidden_policy_before_the_user_agent_changes(self):
        """The user_agent capture cut after the two 403s (-c 4): no challenge was
        ever answered and nothing registered yet, so it is a server policy,
        reported with the phone's User-Agent and MAC and the server's header."""
        r = swtest.run("-r", swtest.pcap("lab", "user_agent.pcap"), "-c", "4", "--json")
        f = [x for x in r.objects("finding") if x["kind"] == "register.forbidden"]
        self.assertEqual([(x["cause"], x["severity"]) for x in f], [("policy", "error")])
        self.assertTrue(f[0]["suspected"])
        self.assertEqual(f[0]["facts"]["user_agent"], "FIP11W 1.0")
        self.assertEqual(f[0]["facts"]["mac"], "0c:38:3e:1a:2b:3c")
        self.assertIn("kamailio", f[0]["facts"]["server_header"])
        self.assertTrue({2, 4} & {e["frame"] for e in f[0]["evidence"]})

    def test_rejected_with_status_code(self):
        """register.rejected names the status as its cause: 503 and 504 answers
        to REGISTER (a public capture stitched from single packets; the
        requests were not captured, the answers are still judged)."""
        r = swtest.run("-r", swtest.public("seladb__PcapPlusPlus", "sip_resp.pcap"), "--json")
        got = sorted((x["cause"], x["severity"], [e["frame"] for e in x["evidence"]])
                     for x in r.objects("finding") if x["kind"] == "register.rejected")
        self.assertEqual(got, [("503", "error", [7]), ("504", "error", [6])])

    def test_alg_traces_in_one_capture(self):
        """What only a middlebox explains, from one capture: a response whose
        Via is not the one the request carried (a real ERSPAN capture: the
        NOTIFY's Via port 5260 comes back as 5860), a Content-Length that does
        not match the body (a public flowsynth capture, synthetic), and, with
        the kernel SIP ALG's REGISTER seen as the server got it, a Contact the
        phone never sent."""
        def find(args, kind, cause):
            r = swtest.run(*args, "--json")
            return [x for x in r.objects("finding") if x["kind"] == kind and x["cause"] == cause]
        via = find(["-r", swtest.public("sipcapture__heplify", "erspan_sip_ipv4_udp.pcapng")],
                   "alg.rewrite", "via_mismatch")
        self.assertEqual(len(via), 1)
        self.assertEqual((via[0]["facts"]["sent"], via[0]["facts"]["returned"]),
                         ("101.231.48.19:5260", "101.231.48.19:5860"))
        self.assertTrue(via[0]["suspected"])
        self.assertTrue({6, 7} <= {e["frame"] for e in via[0]["evidence"]})
        cl = find(["-r", swtest.public("OISF__suricata-verify",
                                       "sip-compact-form__sip_compact_form.pcap")],
                  "alg.rewrite", "content_length_mismatch")
        self.assertEqual([(x["facts"]["declared"], x["facts"]["actual"]) for x in cl],
                         [("272", "372")])
        ct = find(["-r", swtest.pcap("lab", "alg.pcap"), "-r", swtest.pcap("lab", "alg-server.pcap")],
                  "alg.rewrite", "contact_rewritten")
        self.assertEqual(len(ct), 1)
        self.assertEqual(ct[0]["facts"]["registered"], "sip:1001@203.0.113.2:5060")

    def test_report_tells_the_story(self):
        r = swtest.run("-r", swtest.pcap("lab", "wrong_port.pcap"), "--report")
        self.assertEqual(r.rc, 0)
        self.assertIn("sip:1001@198.51.100.10", r.out)
        self.assertIn("register.no_response (icmp_port_unreachable)", r.out)
        self.assertIn("Evidence: #1 REGISTER, #2 ICMP port_unreachable", r.out)
        self.assertIn("服务器端口", r.out)  # the phone's own setting name

    def test_chinese_advice(self):
        r = swtest.run("-r", swtest.pcap("lab", "stale_nat.pcap"), "--json", "--lang", "zh")
        f = [x for x in r.objects("finding") if x["kind"] == "nat.stale_binding"][0]
        self.assertIn("使用随机SIP端口", f["advice"])
        self.assertRegex(f["explanation"], r"[\u4e00-\u9fff]{4}")  # a Chinese explanation
        env = swtest.run("-r", swtest.pcap("lab", "stale_nat.pcap"), "--json",
                         env={"LANG": "zh_CN.UTF-8"})
        self.assertEqual([x["advice"] for x in env.objects("finding")],
                         [x["advice"] for x in r.objects("finding")])

    def test_fail_on(self):
        self.assertEqual(swtest.run("-r", swtest.pcap("lab", "blackhole.pcap"), "--report",
                                    "--fail-on", "error").rc, 1)
        self.assertEqual(swtest.run("-r", swtest.pcap("lab", "healthy.pcap"), "--report",
                                    "--fail-on", "warning").rc, 0)


for _name in EXPECT:
    setattr(LabFindings, "test_" + _name.replace(".", "_").replace("-", "_"),
            lambda self, n=_name: self.check(n))

if __name__ == "__main__":
    swtest.main()
