# SPDX-License-Identifier: BSD-2-Clause
"""Languages: Chinese output holds no English of sipwatch's own, English
output names a phone setting by its English path with the Chinese label in
brackets, and counts agree with their nouns.

- Every capture in pcaps/ (and the pairs of two captures) gives a Chinese
  report in which every Latin word is data from the capture, a finding's
  identifier, a protocol term or a key name (tests/tools/zhcheck.py).
- The catalog's English texts name settings one way: "VoIP > Account >
  Server Port (服务器端口)": the full English path, then the web UI's
  Chinese label of that setting alone in brackets; the same setting always
  with the same label; no Chinese path ("VoIP → 帐号 → ...") in English.
- No "1 errors": the English reports hold no "1 <plural>".
"""
import glob
import os
import re
import sys
import unittest

import swtest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import zhcheck  # noqa: E402
from test_catalog import entries  # noqa: E402

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

# The phone's settings as its web UI names them (../shared/seed): English
# path, Chinese label.
SETTINGS = {
    "Server Port": ("VoIP > Account > Server Port", "服务器端口"),
    "Server Address": ("VoIP > Account > Server Address", "服务器地址"),
    "Register Name": ("VoIP > Account > Register Name", "注册名"),
    "Username": ("VoIP > Account > Username", "用户名"),
    "Authentication Username": ("VoIP > Account > Authentication Username", "认证用户名"),
    "Password": ("VoIP > Account > Password", "密码"),
    "Account": ("VoIP > Account", "帐号"),
    "Random SIP Port": ("VoIP > Account > Advanced SIP Settings > Random SIP Port",
                        "使用随机SIP端口"),
    "NAT Keepalive Interval": ("VoIP > Account > Advanced SIP Settings > NAT Keepalive Interval",
                               "NAT保活间隔"),
    "Registration Refresh Time": ("VoIP > Account > Advanced SIP Settings > "
                                  "Registration Refresh Time", "注册刷新时间"),
    "SIP OPTIONS Enable": ("VoIP > Account > Advanced SIP Settings > SIP OPTIONS Enable",
                           "SIP OPTIONS使能"),
    "Transport": ("VoIP > SIP Settings > Transport", "传输类型"),
    "SIP User-Agent Name": ("VoIP > SIP Settings > SIP User-Agent Name", "SIP 用户代理头域名称"),
    "Ping Test": ("Management > Diagnostics > Ping Test", "PING 测试"),
    "Packet Trace": ("Management > Diagnostics > Packet Trace", "报文追踪"),
    "DNS Server": ("Network > DNS Server", "DNS 服务器"),
}


def captures():
    """Every capture of the repository, and the pairs of two captures."""
    files = sorted(glob.glob(os.path.join(swtest.PCAPS, "*", "*.pcap*")) +
                   glob.glob(os.path.join(swtest.PUBLIC, "*", "*.pcap*")))
    files = [f for f in files if not f.endswith(".md")]
    pairs = []
    for srv in files:
        base = os.path.basename(srv)
        if "-server" not in base:
            continue
        for phone in (srv.replace("-server", ""), srv.replace("-server", "-phone")):
            if phone != srv and os.path.exists(phone):
                pairs.append((phone, srv))
                break
    return files, pairs


def setting_problems(text):
    """How an English text breaks the rule for naming settings."""
    bad = []
    if "→" in text:
        bad.append("a Chinese menu path (→) in English")
    for m in re.finditer(r"\(([^()]*)\)", text):
        inner = m.group(1)
        if not CJK.search(inner):
            continue
        before = text[:m.start()].rstrip()
        leaf = next((k for k in sorted(SETTINGS, key=len, reverse=True)
                     if before.endswith(k)), None)
        if not leaf:
            bad.append("(%s) follows no setting name: ...%s" % (inner, before[-40:]))
            continue
        path, label = SETTINGS[leaf]
        if inner != label:
            bad.append("%s is (%s), not (%s)" % (leaf, inner, label))
        if not before.endswith(path):
            bad.append("%s without its path %s" % (leaf, path))
    outside = CJK.sub("", re.sub(r"\([^()]*\)", "", text))
    if CJK.search(re.sub(r"\([^()]*\)", "", text)):
        bad.append("Chinese outside brackets")
    del outside
    return bad


class Languages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.files, cls.pairs = captures()
        # Under the sanitizers (ten times slower) a quarter of the captures
        # tell the same about the catalog.
        cls.some = cls.files[::4] if swtest.sanitized() else cls.files

    def test_zh_reports_hold_no_english(self):
        self.assertGreater(len(self.files), 100)
        for f in self.some:
            r = swtest.run("-r", f, "--report", "--lang", "zh", timeout=120)
            words = zhcheck.english_words(r.out, f)
            self.assertEqual(words, [], "%s: English in the Chinese report:\n%s" % (
                f, "\n".join(l for l in r.out.split("\n") if any(w in l for w in words))[:3000]))

    def test_zh_pair_reports_hold_no_english(self):
        self.assertGreater(len(self.pairs), 5)
        for phone, srv in self.pairs:
            r = swtest.run("-r", phone, "-r", srv, "--report", "--lang", "zh", timeout=120)
            words = sorted(set(zhcheck.english_words(r.out, phone)) &
                           set(zhcheck.english_words(r.out, srv)))
            self.assertEqual(words, [], "%s + %s: English in the Chinese report" % (phone, srv))

    def test_the_checker_sees_english(self):
        """The check has teeth: English prose, a fact key, a state are found."""
        cap = swtest.pcap("lab", "wrong_port.pcap")
        self.assertEqual(zhcheck.english_words("帐号 (1)\n  话机 192.168.1.100:5060 -> "
                                               "198.51.100.10:5070 UDP, User-Agent \"FIP11W 1.0\"\n"
                                               "  #0 错误 register.no_response "
                                               "(icmp_port_unreachable)\n  证据：#1 REGISTER", cap), [])
        self.assertEqual(zhcheck.english_words("     requests_sent: 11", cap), ["requests", "sent"])
        self.assertEqual(zhcheck.english_words("  INVITE a -> b  confirmed 200, 3 msgs", cap),
                         ["confirmed", "msgs"])
        self.assertEqual(zhcheck.english_words("证据：#2 ICMP port_unreachable", cap),
                         ["port", "unreachable"])

    def test_english_names_the_setting_path_first(self):
        n = 0
        for msgid, _ in entries():
            if not CJK.search(msgid):
                continue
            n += 1
            self.assertEqual(setting_problems(msgid), [], msgid)
        self.assertGreater(n, 20)

    def test_english_reports(self):
        """Chinese only in brackets (after a setting's English path), and no
        "1 <plural>"."""
        plural = re.compile(r"(?<![\d.,:#/=+-])\b1 ([a-z]+s)\b")
        for f in self.some:
            r = swtest.run("-r", f, "--report", "--lang", "en", timeout=120)
            bad = [m.group(0) for m in plural.finditer(r.out) if m.group(1) not in ("ms",)]
            self.assertEqual(bad, [], f)
            # Paragraphs are wrapped: join the continuation lines first.
            text = re.sub(r"\n {10,}", " ", r.out)
            for line in text.split("\n"):
                if not CJK.search(line) or '"' in line:
                    continue  # quoted wire data may be Chinese
                stripped = re.sub(r"\([^()]*\)", "", line)
                self.assertFalse(CJK.search(stripped), "%s: %s" % (f, line))
        # A capture with one of each: one packet, one SIP message, one
        # REGISTER attempt, one query.
        r = swtest.run("-r", swtest.pcap("decode", "dns.pcap"), "--report")
        self.assertNotRegex(r.out, r"\b1 (packets|SIP messages|REGISTER attempts|queries)\b")


if __name__ == "__main__":
    swtest.main()
