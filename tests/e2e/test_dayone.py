"""Day one for a tcpdump user (issue 14): --version as tcpdump prints it, the
tcpdump options they type by habit (-n -v -U -e, options after the filter,
ring buffers -C -G -W), and what scripts read (files of every object, the
schema and version in the summary, --fail-on with --quiet)."""
import glob
import os
import re
import shutil
import struct
import subprocess
import tempfile
import unittest

import swtest

REPO = os.path.abspath(os.path.join(swtest.PCAPS, ".."))
UDP_REGISTER = swtest.pcap("decode", "udp_register.pcap")
WRONG_PORT = swtest.pcap("lab", "wrong_port.pcap")


def pkg_upstream(name):
    """Upstream version of an installed Debian package ("1:1.2.13.dfsg-1" ->
    "1.2.13"), or None."""
    try:
        v = subprocess.run(["dpkg-query", "-W", "-f=${Version}", name], capture_output=True,
                           text=True).stdout.strip()
    except OSError:
        return None
    if not v:
        return None
    v = v.split(":", 1)[-1].rsplit("-", 1)[0]
    m = re.match(r"\d+(\.\d+)*", v)
    return m.group(0) if m else None


def git_head():
    try:
        p = subprocess.run(["git", "-C", REPO, "rev-parse", "--short=12", "HEAD"],
                           capture_output=True, text=True)
    except OSError:
        return None
    return p.stdout.strip() if p.returncode == 0 else None


class Version(unittest.TestCase):
    def test_version_names_commit_and_runtime_libraries(self):
        for opt in ("--version", "-V"):
            r = swtest.run(opt)
            self.assertEqual(r.rc, 0, r.err)
            lines = r.out.splitlines()
            self.assertEqual(len(lines), 5, r.out)
            m = re.fullmatch(r"sipwatch (\d+\.\d+\.\d+) \(commit ([0-9a-f]{12}|unknown)\)",
                             lines[0])
            self.assertTrue(m, lines[0])
            head = git_head()
            if head:
                self.assertEqual(m.group(2), head, "the commit the binary was built from")
            self.assertRegex(lines[1], r"^libpcap version \d+\.\d+\.\d+")
            self.assertRegex(lines[2], r"^libosip2 \d+\.\d+\.\d+ \(libosipparser2\.so\.[\d.]+\)$")
            self.assertRegex(lines[3], r"^ncurses \d+\.\d+")
            self.assertRegex(lines[4], r"^zlib \d+\.\d+")
            # The versions are those of the libraries installed (Debian 12).
            for line, pkg in ((lines[1], "libpcap0.8"), (lines[2], "libosip2-15"),
                              (lines[3], "libncursesw6"), (lines[4], "zlib1g")):
                v = pkg_upstream(pkg)
                if v:
                    self.assertIn(" " + ".".join(v.split(".")[:2]), line, f"{pkg} {v}")


if __name__ == "__main__":
    swtest.main()
