# SPDX-License-Identifier: BSD-2-Clause
"""The Chinese catalog (po/zh_CN.po): every text is translated, and every
translation names the same facts in braces as its English text, so a Chinese
finding says what the English one says (msgfmt -c checks printf formats, not
these). {name:one:many} in English (the number and its noun) is {name} in
Chinese, which has no plural."""
import os
import re
import unittest

import swtest

PO = os.path.join(os.path.dirname(__file__), "..", "..", "po", "zh_CN.po")
NAME = re.compile(r"\{([a-z_0-9]+)(?::[^:{}]*:[^:{}]*)?\}")


def unescape(s):
    """The C escapes of a PO string (\\n, \\t, \\", \\\\)."""
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def entries():
    """(msgid, msgstr) pairs of the catalog, the header left out (a plural
    entry gives its singular and its one Chinese form)."""
    text = open(PO, encoding="utf-8").read()
    for block in text.split("\n\n"):
        cur, parts = None, {"msgid": "", "msgstr": ""}
        for line in block.splitlines():
            m = re.match(r'^(msgid|msgstr|msgstr\[0\]|msgctxt|msgid_plural) (".*")$', line)
            if m and m.group(1) == "msgstr[0]":
                m = re.match(r'^(msgstr)\[0\] (".*")$', line)
            elif m and m.group(1) in ("msgctxt", "msgid_plural"):
                cur = None
                continue
            if m:
                cur = m.group(1)
                line = m.group(2)
            elif not line.startswith('"'):
                cur = None
                continue
            if cur:
                parts[cur] += unescape(line[1:-1])
        if parts["msgid"]:
            yield parts["msgid"], parts["msgstr"]


class Catalog(unittest.TestCase):
    def test_translated_with_the_same_facts(self):
        n = 0
        for msgid, msgstr in entries():
            n += 1
            self.assertTrue(msgstr, f"untranslated: {msgid!r}")
            self.assertEqual(sorted(NAME.findall(msgstr)), sorted(NAME.findall(msgid)),
                             f"facts differ: {msgid!r} -> {msgstr!r}")
        self.assertGreater(n, 300)


if __name__ == "__main__":
    swtest.main()
