# SPDX-License-Identifier: BSD-2-Clause
"""The variant matrix: which captures prove which finding, and which near misses
must stay silent (docs/findings.md, "Proof").

A Case is one run of sipwatch on one capture (or two captures of one path) with
what it must report. The data lives in matrix_*.py beside this file, one module
per source of captures (matrix_base: the captures that predate the matrix,
matrix_lab: tests/lab scenarios, matrix_synth: the scenario generator); the test
is test_matrix.py, and tests/tools/matrix_table.py prints the table for the docs.

Rules a Case is checked against (test_matrix.py):
- every F in `expect` is reported: same kind, same cause (None = any), the same
  severity, `suspected` when given, each frame of `frames` among its evidence
  (frame numbers of the first file given; `frames2` for the second file);
- no other finding of severity warning or error is reported, unless its
  (kind, cause) is in `allow` (cause None = any);
- no finding at all (any severity) of a (kind, cause) in `forbid`.
A near miss names the finding it looks like in `near_miss_of`; a positive case
is positive for each (kind, cause) of its `expect`.
"""


class F:
    """One expected finding."""

    def __init__(self, kind, cause, severity, frames=(), frames2=(), suspected=None,
                 facts=None):
        self.kind = kind
        self.cause = cause
        self.severity = severity
        self.frames = list(frames)
        self.frames2 = list(frames2)
        self.suspected = suspected
        self.facts = dict(facts or {})

    def key(self):
        return (self.kind, self.cause or "")


class Case:
    """One capture (or pair) and its ground truth."""

    def __init__(self, files, variant, expect=(), allow=(), forbid=(), near_miss_of=None,
                 args=(), synthetic=False, note=""):
        self.files = [files] if isinstance(files, str) else list(files)
        self.variant = variant
        self.expect = list(expect)
        self.allow = [tuple(x) for x in allow]
        self.forbid = [tuple(x) for x in forbid]
        self.near_miss_of = tuple(near_miss_of) if near_miss_of else None
        self.args = list(args)
        self.synthetic = synthetic
        self.note = note

    def name(self):
        return " + ".join(self.files) + (" " + " ".join(self.args) if self.args else "")


def all_cases():
    """Every Case of every matrix_*.py module, in file order."""
    import importlib
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    cases = []
    for fn in sorted(os.listdir(here)):
        if fn.startswith("matrix_") and fn.endswith(".py"):
            mod = importlib.import_module(fn[:-3])
            cases.extend(getattr(mod, "CASES", []))
    return cases
