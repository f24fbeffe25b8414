# SPDX-License-Identifier: BSD-2-Clause
"""Shared helpers for sipwatch's end-to-end tests (Python 3 stdlib only).

The binary comes from the SIPWATCH environment variable (CTest sets it), the
repository's captures from SW_PCAPS, the public captures from SW_PUBLIC_PCAPS.
"""
import json
import os
import subprocess
import sys
import unittest

SIPWATCH = os.environ.get("SIPWATCH", "sipwatch")
PCAPS = os.environ.get("SW_PCAPS", os.path.join(os.path.dirname(__file__), "..", "..", "pcaps"))
PUBLIC = os.environ.get("SW_PUBLIC_PCAPS", os.path.join(PCAPS, "public"))


class Run:
    """The result of one sipwatch run."""

    def __init__(self, args, proc):
        self.args = args
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def objects(self, kind=None):
        """The JSON objects of stdout (NDJSON), optionally of one "type"."""
        objs = []
        for n, line in enumerate(self.out.splitlines(), 1):
            if not line.strip():
                continue
            try:
                o = json.loads(line)
            except ValueError as e:
                raise AssertionError(f"line {n} of {self.args} is not JSON: {e}: {line[:200]!r}")
            if kind is None or o.get("type") == kind:
                objs.append(o)
        return objs

    def summary(self):
        s = self.objects("summary")
        if len(s) != 1:
            raise AssertionError(f"expected one summary object, got {len(s)}")
        return s[0]


def run(*args, timeout=60, env=None, stdin=None):
    e = dict(os.environ)
    e.setdefault("LANG", "C.UTF-8")
    e.pop("LANGUAGE", None)
    if env:
        e.update(env)
    p = subprocess.run([SIPWATCH, *args], capture_output=True, text=True, timeout=timeout,
                       env=e, stdin=stdin, errors="surrogateescape")
    return Run(args, p)


def sanitized():
    """True when the binary is built with AddressSanitizer (static: the
    runtime's strings are in it; dynamic, as gcc links it: libasan)."""
    if b"AddressSanitizer" in open(SIPWATCH, "rb").read():
        return True
    try:
        out = subprocess.run(["ldd", SIPWATCH], capture_output=True, text=True).stdout
    except OSError:
        return False
    return "libasan" in out


def pcap(*parts):
    return os.path.join(PCAPS, *parts)


def public(*parts):
    return os.path.join(PUBLIC, *parts)


def main():
    unittest.main(verbosity=2, argv=[sys.argv[0]] + sys.argv[1:])
