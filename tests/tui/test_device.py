# SPDX-License-Identifier: BSD-2-Clause
"""The interactive view on a machine like a phone (issue 12): no terminfo
database, no locales. Each case runs sipwatch in a mount namespace where
/lib/terminfo, /usr/share/terminfo, /etc/terminfo and /usr/lib/locale are
empty, with LANG and LC_ALL unset, and reads the screen in tmux:
  - TERM=xterm-256color with --lang zh: the built-in entry and the built-in
    C.UTF-8 table: the Chinese headings and status bar are drawn, and the
    private files are gone once the view is up (TMPDIR is watched);
  - TERM=linux: the ladder's lines are box-drawing characters;
  - an unknown TERM: drawn as a vt100, a one-line notice in the status bar
    and on stderr after the view; lines in Unicode;
  - no writable temporary directory and no locale: English and ASCII, a
    one-line notice saying why.
Root only (mount namespaces); skipped otherwise."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import tuitest
from tuitest import Pane, row

WRONG_PORT = tuitest.pcap("lab", "wrong_port.pcap")

HIDE = r"""#!/bin/sh
# Empty the terminfo and locale directories; make READ_ONLY read-only.
for d in /lib/terminfo /usr/share/terminfo /etc/terminfo /usr/lib/locale; do
	[ -d "$d" ] && { mount -t tmpfs -o ro,size=4k none "$d" || exit 99; }
done
for d in READ_ONLY; do
	[ -d "$d" ] && { mount --bind "$d" "$d" && mount -o remount,ro,bind "$d" || exit 98; }
done
exec "$@"
"""


def usable():
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return "needs root and unshare(1)"
    r = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return None if r.returncode == 0 else "no mount namespaces: %s" % r.stderr.decode().strip()


class NoTerminfoNoLocale(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        why = usable()
        if why:
            raise unittest.SkipTest(why)
        cls.tmp = tempfile.TemporaryDirectory(prefix="swdev-")
        cls.hide = os.path.join(cls.tmp.name, "hide.sh")
        with open(cls.hide, "w") as f:
            f.write(HIDE.replace("READ_ONLY", ""))
        os.chmod(cls.hide, 0o755)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def pane(self, term, args, tmpdir=None):
        env = {"LANG": "", "LC_ALL": ""}
        if tmpdir:
            env["TMPDIR"] = tmpdir
        p = Pane(["-r", WRONG_PORT, "--tui"] + args, width=100, height=24, env=env, term=term,
                 prefix=("unshare", "-m", self.hide))
        self.addCleanup(p.close)
        return p

    def test_chinese_without_terminfo_or_locale(self):
        rt = tempfile.mkdtemp(prefix="swdev-tmp-")
        self.addCleanup(shutil.rmtree, rt, True)
        p = self.pane("xterm-256color", ["--lang", "zh"], tmpdir=rt)
        s = p.wait("离线 wrong_port.pcap")
        self.assertIn("帐号/会话", s)
        self.assertIn("失败", row(s, "1001@198.51.100.10"))
        self.assertNotIn("??", s)
        self.assertEqual(os.listdir(rt), [], "the built-in files must be gone once the view is up")
        p.quit(self)
        self.assertEqual(p.stderr(), "")

    def test_line_drawing_builtin_linux(self):
        p = self.pane("linux", [])
        p.wait("Offline wrong_port.pcap")
        p.keys("Enter")
        s = p.wait("Ladder: 22 messages")
        self.assertRegex(s, "─{10,}┬─{10,}")
        self.assertIn("│", row(s, "REGISTER"))
        p.quit(self, keys=("q", "q"))

    def test_unknown_term_falls_back_to_vt100(self):
        p = self.pane("no-such-terminal", [])
        note = "no terminfo entry for TERM=no-such-terminal: drawing as a vt100"
        s = p.wait(note)
        self.assertIn("1001@198.51.100.10", s)
        p.keys("Enter")
        s = p.wait("Ladder: 22 messages")
        self.assertIn("│", row(s, "REGISTER"))
        p.quit(self, keys=("q", "q"))
        self.assertEqual(p.stderr(), "sipwatch: %s\n" % note)

    def test_no_temp_dir_no_locale_english_ascii(self):
        # The machine's terminfo is there (TERM=screen); the locales are
        # not, and no temporary directory may be written: the built-in
        # table cannot be put anywhere.
        hide = os.path.join(self.tmp.name, "hide-locale.sh")
        with open(hide, "w") as f:
            f.write(HIDE.replace("/lib/terminfo /usr/share/terminfo /etc/terminfo ", "")
                    .replace("READ_ONLY", "/tmp /dev/shm /var/tmp"))
        os.chmod(hide, 0o755)
        env = {"LANG": "", "LC_ALL": ""}
        p = Pane(["-r", WRONG_PORT, "--tui", "--lang", "zh"], width=100, height=24, env=env,
                 term="screen", prefix=("unshare", "-m", hide))
        self.addCleanup(p.close)
        s = p.wait("no UTF-8 locale: shown in English and ASCII (built-in C.UTF-8: no writ")
        self.assertIn("Account / Dialog", s)
        self.assertNotIn("帐号", s)
        p.quit(self)
        self.assertRegex(p.stderr(), r"^sipwatch: no UTF-8 locale: shown in English and ASCII "
                                     r"\(built-in C\.UTF-8: no writable temporary directory: "
                                     r"Read-only file system\)\n$")


if __name__ == "__main__":
    tuitest.main()
