# SPDX-License-Identifier: BSD-2-Clause
"""The interactive view in Chinese holds no English of its own: every screen
(list, help, ladder with the raw pane, message, raw text, compare, findings,
columns, filter form, a finding's row) is read off the terminal and each
Latin word must be data from the capture, a finding's identifier, a
protocol term or a key name (tests/tools/zhcheck.py)."""
import os
import sys
import unittest

import tuitest
from tuitest import Pane

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import zhcheck  # noqa: E402

AAA = tuitest.public("irontec__sngrep", "aaa.pcap")
DNS = tuitest.pcap("lab", "dns_failure.pcap")


@unittest.skipUnless(os.path.exists(AAA), "public captures not available")
class Chinese(unittest.TestCase):
    def check(self, p, what, capture):
        s = p.screen()
        words = zhcheck.english_words(s, capture)
        self.assertEqual(words, [], "English on the %s screen:\n%s" % (what, s))
        return s

    def test_every_screen(self):
        p = Pane(["-r", AAA, "--tui", "--lang", "zh"], width=160, height=40)
        self.addCleanup(p.close)
        p.wait(lambda s: "691 个报文" in s and "读取中" not in s)
        self.check(p, "list", AAA)
        screens = [
            ("F1", "帐号与会话列表", "list help"),
            ("F10", "列表的列", "column chooser"),
            ("F7", "过滤选项", "filter form"),
            ("/", "过滤（文本", "filter prompt"),
            ("F2", "抓包中的全部消息", "save menu"),
        ]
        for key, title, what in screens:
            p.keys(key)
            p.wait(title)
            self.check(p, what, AAA)
            p.keys("Escape")
            p.wait_gone(title)
        p.keys("Enter")  # the ladder with the raw pane (160 columns)
        p.wait("时序图：9 条消息")
        self.check(p, "ladder", AAA)
        p.keys("F1")
        p.wait("时序图（消息流程）")
        self.check(p, "ladder help", AAA)
        p.keys("Escape")
        p.wait_gone("时序图（消息流程）")
        p.keys("Space", "Down", "Down", "Space")
        p.wait("比较")
        self.check(p, "compare", AAA)
        p.keys("Escape")
        p.keys("F6")
        p.wait("原始消息：9 条")
        self.check(p, "raw", AAA)
        p.keys("Escape")
        p.keys("Enter")
        p.wait("消息 3 / 9")
        self.check(p, "message", AAA)
        p.keys("Escape")
        p.keys("F4")
        p.wait("扩展时序图")
        self.check(p, "extended ladder", AAA)
        p.keys("e")
        p.wait("问题 1 / 1")
        self.check(p, "findings", AAA)
        p.quit(self, keys=("q", "q", "q"))

    def test_a_finding_row(self):
        p = Pane(["-r", DNS, "--tui", "--lang", "zh"], width=120)
        self.addCleanup(p.close)
        p.wait(lambda s: "12 个报文" in s and "读取中" not in s)
        s = self.check(p, "list with a finding's row", DNS)
        self.assertIn("问题", s)
        p.keys("Enter")
        p.wait("问题 1 / 1")
        self.check(p, "the finding", DNS)
        p.quit(self, keys=("q", "q"))


if __name__ == "__main__":
    tuitest.main()
