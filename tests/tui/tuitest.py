# SPDX-License-Identifier: BSD-2-Clause
"""Drive the real sipwatch binary in a tmux pane (Python 3 stdlib only).

Each Pane runs on its own tmux server (socket swtui-<pid>-<n>), started with
no configuration file, and is always killed at the end. The command runs in
a wrapper that prints SWEXIT=<status> once sipwatch exits and keeps the pane
open, so a test can check the exit status and that the terminal came back.
Waiting is a bounded poll of capture-pane, never a fixed sleep.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
import unittest

SIPWATCH = os.environ.get("SIPWATCH", "sipwatch")
PCAPS = os.environ.get("SW_PCAPS", os.path.join(os.path.dirname(__file__), "..", "..", "pcaps"))
PUBLIC = os.environ.get("SW_PUBLIC_PCAPS",
                        os.path.join(PCAPS, "public"))
SKIP = 77  # CTest SKIP_RETURN_CODE
_count = 0


def pcap(*parts):
    return os.path.join(PCAPS, *parts)


def public(*parts):
    return os.path.join(PUBLIC, *parts)


class Pane:
    """One tmux server with one pane running `sipwatch args` in a wrapper."""

    def __init__(self, args, width=80, height=24, env=None, term="screen", prefix=()):
        global _count
        _count += 1
        self.sock = "swtui-%d-%d" % (os.getpid(), _count)
        self.tmp = tempfile.TemporaryDirectory(prefix="swtui-")
        self.err = os.path.join(self.tmp.name, "stderr")
        # The TUI's settings file goes to the pane's own directory: the
        # tester's ~/.config is neither read nor written.
        self.config = os.path.join(self.tmp.name, "config")
        envs = {"TERM": term, "LANG": "C.UTF-8", "LC_ALL": "", "LANGUAGE": "",
                "XDG_CONFIG_HOME": self.config}
        envs.update(env or {})
        assign = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in envs.items())
        unset = "-u NO_COLOR " if "NO_COLOR" not in envs else ""
        cmd = "%senv %s%s %s %s 2>%s; echo SWEXIT=$?; sleep 120" % (
            "".join(shlex.quote(a) + " " for a in prefix), unset, assign, shlex.quote(SIPWATCH), " ".join(shlex.quote(a) for a in args),
            shlex.quote(self.err))
        self.width, self.height = width, height
        tenv = dict(os.environ)
        tenv.setdefault("TERM", "xterm")
        self.tenv = tenv
        last = None
        for _ in range(3):  # a server that dies while starting is retried
            r = self.tmux("new-session", "-d", "-x", str(width), "-y", str(height),
                          "sh -c %s" % shlex.quote(cmd), check=False)
            if r.returncode == 0:
                break
            last = r.stderr
            time.sleep(0.2)
        else:
            raise RuntimeError("tmux new-session failed: %s" % last)
        # Keep the window at the size asked for, whatever clients come.
        self.tmux("set-option", "-g", "window-size", "manual", check=False)

    def tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null", *args],
                              capture_output=True, text=True, env=self.tenv, check=check,
                              errors="surrogateescape")

    def close(self):
        self.tmux("kill-server", check=False)
        self.tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def keys(self, *keys):
        """send-keys: tmux key names ("Enter", "F2", "Down") or literal text."""
        self.tmux("send-keys", "-t", "0", *keys)

    def text(self, s):
        self.tmux("send-keys", "-t", "0", "-l", s)

    def screen(self, escapes=False):
        args = ["capture-pane", "-p", "-t", "0"]
        if escapes:
            args.insert(1, "-e")
        return self.tmux(*args).stdout

    def lines(self):
        return self.screen().split("\n")

    def wait(self, what, timeout=20.0, escapes=False):
        """Wait until `what` (a string, a compiled regex or a predicate on the
        screen text) holds; returns the screen, or fails with it."""
        end = time.monotonic() + timeout
        prev = None
        while True:
            s = self.screen(escapes)
            if callable(what):
                ok = what(s)
            elif isinstance(what, re.Pattern):
                ok = what.search(s) is not None
            else:
                ok = what in s
            # A screen caught in the middle of a redraw must not count: the
            # same text twice in a row, 30 ms apart, means the update is done.
            if ok and s == prev:
                return s
            prev = s if ok else None
            if time.monotonic() > end:
                raise AssertionError("timed out waiting for %r; screen:\n%s\nstderr:\n%s"
                                     % (what, s, self.stderr()))
            time.sleep(0.03)

    def wait_gone(self, what, timeout=20.0):
        return self.wait(lambda s: what not in s, timeout)

    def resize(self, width, height):
        self.tmux("resize-window", "-t", "0", "-x", str(width), "-y", str(height))
        self.width, self.height = width, height

    def stderr(self):
        try:
            with open(self.err, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def quit(self, test, keys=("q",)):
        """Quit and check: exit status 0, the normal screen back, nothing bad
        on stderr (sanitizer reports included)."""
        for k in keys:
            self.keys(k)
        s = self.wait(re.compile(r"SWEXIT=\d+"), timeout=15)
        m = re.search(r"SWEXIT=(\d+)", s)
        err = self.stderr()
        test.assertEqual(m.group(1), "0", "exit status; stderr:\n" + err)
        test.assertNotIn("Sanitizer", err)
        test.assertNotIn("runtime error", err)
        return s


def row(screen, needle):
    """The first screen line containing needle (fails when none)."""
    for ln in screen.split("\n"):
        if needle in ln:
            return ln
    raise AssertionError("no line with %r in:\n%s" % (needle, screen))


def main():
    if not os.path.exists(SIPWATCH) and "/" in SIPWATCH:
        print("sipwatch binary not found: %s" % SIPWATCH)
        sys.exit(1)
    if subprocess.run(["sh", "-c", "command -v tmux"], capture_output=True).returncode:
        print("SKIP: tmux is not installed")
        sys.exit(SKIP)
    unittest.main(verbosity=2, argv=[sys.argv[0]] + sys.argv[1:])


_SGR = re.compile(r"\x1b\[([0-9;]*)m")


def styled_lines(screen_e):
    """Parse capture-pane -e output: for each line, its text and the SGR
    state (a dict: bold, dim, reverse, underline, fg, bg) of each character.
    tmux carries the state across line ends, so the parse does too."""
    state = {}
    out = []
    for raw in screen_e.split("\n"):
        text, attrs, i = [], [], 0
        while i < len(raw):
            m = _SGR.match(raw, i)
            if m:
                params = [p for p in m.group(1).split(";")] if m.group(1) else ["0"]
                j = 0
                while j < len(params):
                    p = int(params[j] or 0)
                    if p == 0:
                        state = {}
                    elif p == 1:
                        state["bold"] = True
                    elif p == 2:
                        state["dim"] = True
                    elif p == 4:
                        state["underline"] = True
                    elif p == 7:
                        state["reverse"] = True
                    elif p == 22:
                        state.pop("bold", None)
                        state.pop("dim", None)
                    elif p == 24:
                        state.pop("underline", None)
                    elif p == 27:
                        state.pop("reverse", None)
                    elif 30 <= p <= 37 or 90 <= p <= 97:
                        state["fg"] = p
                    elif p == 39:
                        state.pop("fg", None)
                    elif 40 <= p <= 47 or 100 <= p <= 107:
                        state["bg"] = p
                    elif p == 49:
                        state.pop("bg", None)
                    elif p in (38, 48) and j + 2 < len(params) and params[j + 1] == "5":
                        state["fg" if p == 38 else "bg"] = "%d;5;%s" % (p, params[j + 2])
                        j += 2
                    j += 1
                i = m.end()
                continue
            if raw[i] == "\x1b":
                raise AssertionError("escape other than SGR in pane output: %r" % raw[i:i + 12])
            text.append(raw[i])
            attrs.append(dict(state))
            i += 1
        out.append(("".join(text), attrs))
    return out


def attrs_at(screen_e, needle):
    """SGR state of the first character of the first occurrence of needle."""
    for text, attrs in styled_lines(screen_e):
        k = text.find(needle)
        if k >= 0:
            return attrs[k]
    raise AssertionError("%r not on screen" % needle)
