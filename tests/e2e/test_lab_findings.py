# SPDX-License-Identifier: BSD-2-Clause
"""Diagnosis, end to end, beyond the variant matrix (test_matrix.py holds every
capture's expected findings): a cut capture, status codes as causes, the
one-capture ALG traces, the report's story, the Chinese advice, --fail-on."""
import unittest

import swtest

class LabFindings(unittest.TestCase):
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
        """What only a middlebox explains, from one capture: answers whose Via
        is not the one the requests carried, on every answer of the flow (a
        synthetic IPv6 capture: port 5060 comes back as 65100), while a user
        agent that changes the Via of one kind of answer only is not a
        middlebox (a real ERSPAN capture: the Alcatel phone's answers to NOTIFY
        say 5860 for 5260, its answers to INVITE and BYE on the same flow keep
        the Via); a Content-Length that does not match the body (a public
        flowsynth capture, synthetic); the kernel SIP ALG's received= naming
        the phone's private address."""
        def find(args, kind, cause):
            r = swtest.run(*args, "--json")
            return [x for x in r.objects("finding") if x["kind"] == kind and x["cause"] == cause]
        via = find(["-r", swtest.pcap("synth", "via_mismatch_ipv6-phone-synthetic.pcap")],
                   "alg.rewrite", "via_mismatch")
        self.assertEqual(len(via), 1)
        self.assertEqual(via[0]["facts"]["returned"].rsplit(":", 1)[1], "65100")
        self.assertEqual(via[0]["facts"]["sent"].rsplit(":", 1)[1], "5060")
        self.assertTrue(via[0]["suspected"])
        self.assertEqual(find(["-r", swtest.public("sipcapture__heplify",
                                                   "erspan_sip_ipv4_udp.pcapng")],
                              "alg.rewrite", "via_mismatch"), [])
        cl = find(["-r", swtest.public("OISF__suricata-verify",
                                       "sip-compact-form__sip_compact_form.pcap")],
                  "alg.rewrite", "content_length_mismatch")
        self.assertEqual([(x["facts"]["declared"], x["facts"]["actual"]) for x in cl],
                         [("272", "372")])
        # The kernel ALG at the phone's side: the registrar is public, yet
        # the 200's Via says it saw the phone's private address.
        rp = find(["-r", swtest.pcap("lab", "alg.pcap")], "alg.rewrite", "received_private")
        self.assertEqual([(x["facts"]["received"], x["facts"]["server"]) for x in rp],
                         [("192.168.1.100", "198.51.100.10:5060")])
        # A Contact the server lists with the public address it saw is what
        # registrars that fix NATed contacts do too: not evidence of an ALG
        # (the two captures together show the rewrite itself: path_diff).
        self.assertEqual(find(["-r", swtest.pcap("lab", "alg.pcap"), "-r",
                               swtest.pcap("lab", "alg-server.pcap")],
                              "alg.rewrite", "contact_rewritten"), [])

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


if __name__ == "__main__":
    swtest.main()
