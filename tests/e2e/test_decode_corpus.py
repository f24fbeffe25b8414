# SPDX-License-Identifier: BSD-2-Clause
"""Decoding, end to end: for every capture in pcaps/decode (real traffic through
network namespaces, or rewrapped and named "synthetic"), the SIP messages,
malformed messages, ICMP errors and counters sipwatch reports must be exactly
the ground truth written beside it (pcaps/decode/truth/*.tsv, produced by an
independent decoder and checked against tshark; see pcaps/decode/MANIFEST.md).
"""
import glob
import os
import re
import unittest

import swtest


def load_truth(path):
    counts, rows = {}, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# counts:"):
                for kv in line[len("# counts:"):].split():
                    k, v = kv.split("=")
                    counts[k] = int(v)
                continue
            if line.startswith("#") or line.startswith("frame\t") or not line:
                continue
            cols = line.split("\t")
            cols += [""] * (9 - len(cols))
            rows.append(dict(zip(["frame", "kind", "src", "dst", "transport", "what", "cseq",
                                  "call_id", "notes"], cols)))
    return counts, rows


def endpoint(ip, port):
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


class DecodeCorpus(unittest.TestCase):
    def check(self, name):
        truth = swtest.pcap("decode", "truth", name + ".tsv")
        counts, rows = load_truth(truth)
        r = swtest.run("-r", swtest.pcap("decode", name), "--json")
        self.assertEqual(r.rc, 0, r.err)
        msgs = r.objects("message")
        good = [m for m in msgs if not m.get("malformed")]
        bad = [m for m in msgs if m.get("malformed")]

        want = [(int(x["frame"]), x["src"], x["dst"], x["transport"], x["what"], x["cseq"],
                 x["call_id"]) for x in rows if x["kind"] == "sip"]
        got = [(m["frame"], endpoint(m["src"], m["sport"]), endpoint(m["dst"], m["dport"]),
                m["transport"], m.get("method") or str(m.get("status")),
                f'{m.get("cseq")} {m.get("cseq_method")}', m.get("call_id")) for m in good]
        self.assertEqual(got, want, "SIP messages differ from the ground truth")

        # A SIP message cut by the snap length is reported as malformed SIP.
        want_bad = sorted(int(x["frame"]) for x in rows
                          if x["kind"] in ("malformed", "truncated_sip"))
        self.assertEqual(sorted(m["frame"] for m in bad), want_bad, "malformed SIP frames")

        icmp = [x for x in rows if x["kind"] == "icmp"]
        got_icmp = r.objects("icmp")
        self.assertEqual([o["frame"] for o in got_icmp], [int(x["frame"]) for x in icmp])
        for o, x in zip(got_icmp, icmp):
            m = re.search(r"quoting SIP (\S+) CSeq '(\d+) \S+' Call-ID (\S+)", x["notes"])
            if m:
                q = o.get("quoted_sip", {})
                self.assertEqual(q.get("method"), m.group(1), x["notes"])
                self.assertEqual(q.get("cseq"), int(m.group(2)), x["notes"])
                self.assertEqual(q.get("call_id"), m.group(3), x["notes"])

        s = r.summary()
        self.assertEqual(s["keepalives"], counts["keepalives"], "keepalives")
        self.assertEqual(s["ip_reassembled"], counts["ip_reassembled"], "IP datagrams reassembled")
        self.assertEqual(s["tcp_reassembled"], counts["tcp_reassembled"], "TCP-reassembled messages")
        self.assertEqual(s["icmp_errors"], counts["icmp_errors"], "ICMP errors")
        self.assertEqual(s["dns"], counts["dns"], "DNS messages")
        self.assertEqual(s["truncated"], counts["truncated_frames"], "truncated frames")
        self.assertEqual(s["tls"] > 0, counts["tls_streams"] > 0, "TLS recognised")
        self.assertEqual(s["sip_messages"], counts["sip"])


def add_cases():
    for truth in sorted(glob.glob(swtest.pcap("decode", "truth", "*.tsv"))):
        name = os.path.basename(truth)[:-4]
        safe = re.sub(r"\W", "_", name)
        setattr(DecodeCorpus, "test_" + safe, lambda self, n=name: self.check(n))


add_cases()

if __name__ == "__main__":
    swtest.main()
