#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Print the variant matrix (tests/e2e/matrix_*.py) as the Markdown table of
docs/findings.md: per kind/cause, the captures that prove it and the near
misses that must stay silent. Synthetic captures are marked with *.

  tests/tools/matrix_table.py            the table
  tests/tools/matrix_table.py --update   rewrite it into docs/findings.md
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "e2e"))
import matrix  # noqa: E402

MARK = "<!-- matrix table: tests/tools/matrix_table.py -->"


def label(case):
    names = " + ".join(os.path.basename(f) for f in case.files)
    star = "*" if case.synthetic or any("synthetic" in f for f in case.files) else ""
    return f"`{names}`{star} ({case.variant})"


def row_key(kind, cause):
    """A table row: register.rejected's causes are status codes, one row."""
    if kind == "register.rejected":
        return (kind, "<status>")
    return (kind, cause or "")


def counts():
    """(positives, near misses) per kind/cause: the cases of each. A near
    miss of a whole kind (cause None) counts for each of its causes."""
    pos, neg = {}, {}
    cases = matrix.all_cases()
    for c in cases:
        for f in c.expect:
            if f.severity in ("warning", "error"):
                pos.setdefault(row_key(f.kind, f.cause), []).append(c)
    for c in cases:
        if not c.near_miss_of:
            continue
        k, cause = c.near_miss_of
        if cause is None and any(kk == k for kk, _ in pos):
            for key in [key for key in pos if key[0] == k]:
                neg.setdefault(key, []).append(c)
        else:
            neg.setdefault(row_key(k, cause), []).append(c)
    return pos, neg


def table():
    pos, neg = counts()
    keys = sorted(set(pos) | set(neg))
    out = ["| kind / cause | positives | near misses (silent) |", "|---|---|---|"]
    for k in keys:
        p = pos.get(k, [])
        n = neg.get(k, [])
        name = k[0] + ("/" + k[1] if k[1] else "")
        out.append(f"| `{name}` ({len(p)}, {len(n)}) | " + "<br>".join(label(c) for c in p) +
                   " | " + "<br>".join(label(c) for c in n) + " |")
    healthy = [c for c in matrix.all_cases() if not c.expect and not c.near_miss_of]
    out.append("")
    out.append(f"Healthy captures that must stay silent: " +
               ", ".join(label(c) for c in healthy) + ".")
    return "\n".join(out) + "\n"


def main():
    t = table()
    if "--update" in sys.argv:
        path = os.path.join(TOP, "docs", "findings.md")
        doc = open(path, encoding="utf-8").read()
        head = doc.split(MARK)[0]
        open(path, "w", encoding="utf-8").write(head + MARK + "\n\n" + t)
    else:
        sys.stdout.write(t)


if __name__ == "__main__":
    main()
