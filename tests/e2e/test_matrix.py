# SPDX-License-Identifier: BSD-2-Clause
"""The variant matrix (matrix.py): every capture of matrix_*.py gives exactly the
findings its Case states, with their causes, severities and evidence frames,
and the near misses stay silent. A rule that only fits one capture fails here
on the others."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matrix  # noqa: E402
import swtest  # noqa: E402


def describe(found):
    return [(f["kind"], f["cause"], f["severity"], [e["frame"] for e in f["evidence"]])
            for f in found]


class Matrix(unittest.TestCase):
    def check(self, case):
        args, paths = [], []
        for f in case.files:
            paths.append(swtest.pcap(*f.split("/")))
            args += ["-r", paths[-1]]
        r = swtest.run(*args, *case.args, "--json", timeout=300)
        self.assertEqual(r.rc, 0, f"{case.name()}: exit {r.rc}: {r.err}")
        found = r.objects("finding")
        for want in case.expect:
            match = [f for f in found if f["kind"] == want.kind and
                     (want.cause is None or f["cause"] == want.cause)]
            self.assertTrue(match, f"{case.name()} ({case.variant}): no {want.kind}/{want.cause}; "
                                   f"got {describe(found)}")
            f = match[0]
            self.assertEqual(f["severity"], want.severity,
                             f"{case.name()}: {want.kind}/{f['cause']} severity; {f['summary']}")
            if want.suspected is not None:
                self.assertEqual(bool(f.get("suspected")), want.suspected,
                                 f"{case.name()}: {want.kind} suspected")
            for n, frames in ((0, want.frames), (1, want.frames2)):
                if not frames:
                    continue
                listed = {e["frame"] for e in f["evidence"] if e["file"] == paths[n]}
                for fr in frames:
                    self.assertIn(fr, listed, f"{case.name()}: {want.kind}/{f['cause']} evidence "
                                              f"(file {n}) lacks frame {fr}: {sorted(listed)}")
            for k, v in want.facts.items():
                self.assertEqual(str(f["facts"].get(k)), str(v),
                                 f"{case.name()}: {want.kind} fact {k}")
            for key in ("summary", "explanation", "advice"):
                self.assertTrue(f.get(key), f"{case.name()}: {want.kind} has no {key}")

        def listed(pairs, f):
            return any(k == f["kind"] and (c is None or c == f["cause"]) for k, c in pairs)

        # Every account's history is told in time order.
        for reg in r.objects("registration"):
            times = [h["time"] for h in reg.get("history", [])]
            self.assertEqual(times, sorted(times), f"{case.name()}: {reg['aor']} history out of order")
        wanted = [(w.kind, w.cause) for w in case.expect]
        for f in found:
            self.assertFalse(listed(case.forbid, f),
                             f"{case.name()} ({case.variant}): forbidden {f['severity']} "
                             f"{f['kind']}/{f['cause']}: {f['summary']}")
            if f["severity"] in ("warning", "error"):
                self.assertTrue(listed(wanted, f) or listed(case.allow, f),
                                f"{case.name()} ({case.variant}): unexpected {f['severity']} "
                                f"{f['kind']}/{f['cause']}: {f['summary']}")

    def test_every_rule_proven(self):
        """Every kind and cause (register.rejected's status codes together) has
        at least three positive captures and two near misses that must stay
        silent (issue 10, "Proof: a variant matrix")."""
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
        import matrix_table
        pos, neg = matrix_table.counts()
        rules = [("register.no_response", c) for c in ("icmp_port_unreachable", "icmp_host_unreachable",
                                                       "dns_failure", "silence", "fragments_lost",
                                                       "tcp_refused")]
        rules += [("call.no_response", c) for c in ("icmp_port_unreachable", "icmp_host_unreachable",
                                                   "silence", "fragments_lost")]
        rules += [("register.flood_ban", ""), ("nat.return_path_blocked", ""),
                  ("nat.return_path_blocked", "path_loss"), ("nat.stale_binding", ""),
                  ("nat.binding_expired", ""), ("register.forbidden", "bad_credentials"),
                  ("register.forbidden", "policy"), ("register.forbidden", "user_agent"),
                  ("auth.rejected_credentials", ""), ("register.rejected", "<status>"),
                  ("transport.tcp_required", "udp_refused_tcp_ok"),
                  ("transport.tcp_required", "server_requests_tcp"),
                  ("transport.tcp_required", "oversize_udp"),
                  ("keepalive.options_unanswered", ""), ("register.flapping", ""),
                  ("register.expired", ""), ("capture.no_sip", "")]
        rules += [("alg.rewrite", c) for c in ("content_length_mismatch", "via_mismatch",
                                               "contact_rewritten", "received_private", "path_diff")]
        for rule in rules:
            with self.subTest(rule=rule):
                self.assertGreaterEqual(len(pos.get(rule, [])), 3, f"{rule}: positives")
                self.assertGreaterEqual(len(neg.get(rule, [])), 2, f"{rule}: near misses")

    def test_cases(self):
        cases = matrix.all_cases()
        self.assertTrue(cases)
        for case in cases:
            with self.subTest(case=case.name()):
                self.check(case)


if __name__ == "__main__":
    swtest.main()
