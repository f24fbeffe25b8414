#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""sipwatch live on an emulated phone (issue 12): the static binary for ARM
(qemu-system-arm, virt machine, Debian's armmp kernel) or MIPS (qemu-system-
mipsel, Malta, Debian's 4kc-malta kernel), in a root that holds only busybox,
the static sipwatch, one terminfo entry (vt100), the test's capture and
init script: no /etc/passwd (no "nobody"), no locales.

    tools/cross/qemu-system/run.py [--out build-cross] [--timeout 600] armhf|mipsel ...

The guest's network card is a tap in a network namespace of our own
(swq-*); the host end is 192.0.2.1, the guest 192.0.2.2 on eth0 and
192.0.3.2 on eth0.1 (VLAN 1). The serial console runs in tmux; what it
prints is logged to OUT/qemu-system/ARCH/console.log. Steps, each checked
on what a user reads:
  1. boot: the modules load, eth0 and eth0.1 come up (SWREADY);
  2. -i eth0: the host sends three REGISTERs to 192.0.2.2:5070, where
     nothing listens; the guest's kernel answers ICMP port unreachable.
     `sipwatch -i eth0 --json` in the guest and the x86-64 build on the
     host's tap must report the same findings: register.no_response
     (icmp_port_unreachable). Without "nobody" it warns and stays root;
  3. -i eth0.1: the same, the REGISTERs sent 802.1Q-tagged (VLAN 1);
  4. the interactive view over the serial console, TERM=vt220 (not in the
     root: the built-in entry), no locale (the built-in C.UTF-8), --lang zh:
     live on eth0 while REGISTERs come; the list shows the account and the
     finding in Chinese, the ladder the ICMP error; q returns to the shell;
  5. memory: one phone's day (bench/gen_register -m day -n 24) read with
     --report and --json, and in the interactive view from a gzip'd copy
     with the live default bound: VmHWM sampled from /proc in the guest.
Each architecture must finish within --timeout seconds. Exit 0 when every
step passed; prints a summary either way.
"""
import argparse
import gzip
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
HERE = os.path.dirname(os.path.abspath(__file__))
GUEST_MAC = "52:54:00:5e:00:02"

ARCHS = {
    "armhf": {
        "kernel_pkg": "linux-image-armmp",
        "qemu": ["qemu-system-arm", "-M", "virt", "-cpu", "cortex-a15"],
        "console": "ttyAMA0",
        "nic": "virtio-net-device",
        "modules": ["virtio_mmio", "virtio_net", "8021q"],
    },
    "mipsel": {
        "kernel_pkg": "linux-image-4kc-malta",
        "qemu": ["qemu-system-mipsel", "-M", "malta", "-vga", "none"],
        "console": "ttyS0",
        "nic": "virtio-net-pci,romfile=",
        "modules": ["virtio", "virtio_ring", "virtio_pci", "virtio_net", "8021q"],
    },
}


class Fail(Exception):
    pass


def sh(*cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, **kw)


# ---- the guest's root ---------------------------------------------------

def kernel_root(arch, work):
    """Debian's kernel and busybox-static for arch, unpacked (mmdebstrap)."""
    root = os.path.join(work, "kernel-root")
    stamp = os.path.join(root, ".sipwatch-kernel")
    want = "%s busybox-static bookworm %s" % (ARCHS[arch]["kernel_pkg"], arch)
    if os.path.exists(stamp) and open(stamp).read() == want:
        return root
    shutil.rmtree(root, ignore_errors=True)
    print("   making the kernel root (mmdebstrap --variant=extract --arch=%s)" % arch, flush=True)
    with open(os.path.join(work, "mmdebstrap.log"), "w") as log:
        sh("mmdebstrap", "--quiet", "--variant=extract", "--arch=" + arch,
           "--include=%s,busybox-static" % ARCHS[arch]["kernel_pkg"], "bookworm", root,
           stdout=log, stderr=subprocess.STDOUT)
    with open(stamp, "w") as f:
        f.write(want)
    return root


def newc(entries):
    """A cpio archive (newc) of (name, mode, data) entries, data None for a dir."""
    out = bytearray()
    ino = 1
    for name, mode, data in entries + [("TRAILER!!!", 0, b"")]:
        data = data or b""
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out += hdr.encode() + nb
        out += b"\0" * ((4 - len(out) % 4) % 4)
        out += data
        out += b"\0" * ((4 - len(out) % 4) % 4)
        ino += 1
    return bytes(out)


def make_initrd(arch, work, kroot, sipwatch, day):
    kver = os.listdir(os.path.join(kroot, "lib", "modules"))[0]
    kdir = os.path.join(kroot, "lib", "modules", kver, "kernel")
    mods = {}
    for d, _, files in os.walk(kdir):
        for f in files:
            if f.endswith(".ko"):
                mods[f[:-3]] = os.path.join(d, f)
    entries = [(d, 0o40755, None) for d in
               ("bin", "dev", "proc", "sys", "tmp", "modules", "usr", "usr/share",
                "usr/share/terminfo", "usr/share/terminfo/v")]
    # The modules asked for and what they depend on (.modinfo "depends="),
    # dependencies first: no depmod was run in the unpacked root.
    order = []

    def need(m, seen=()):
        m = m.replace("-", "_")
        if m in order:
            return
        name = next((k for k in mods if k.replace("-", "_") == m), None)
        if name is None:
            raise Fail("kernel %s has no module %s" % (kver, m))
        data = open(mods[name], "rb").read()
        dep = re.search(rb"\0depends=([^\0]*)\0", data)
        for d in (dep.group(1).decode().split(",") if dep and dep.group(1) else []):
            if d not in seen:
                need(d, seen + (m,))
        if m not in order:
            order.append(m)
            entries.append(("modules/%s.ko" % m, 0o100644, data))
    for m in ARCHS[arch]["modules"]:
        need(m)
    entries.append(("modules/order", 0o100644, ("\n".join(order) + "\n").encode()))
    entries.append(("bin/busybox", 0o100755, open(os.path.join(kroot, "bin", "busybox"), "rb").read()))
    entries.append(("bin/sipwatch", 0o100755, open(sipwatch, "rb").read()))
    entries.append(("init", 0o100755, open(os.path.join(HERE, "init"), "rb").read()))
    vt100 = next(p for p in ("/lib/terminfo/v/vt100", "/usr/share/terminfo/v/vt100") if os.path.exists(p))
    entries.append(("usr/share/terminfo/v/vt100", 0o100644, open(vt100, "rb").read()))
    data = open(day, "rb").read()
    entries.append(("day.pcap", 0o100644, data))
    entries.append(("day.pcap.gz", 0o100644, gzip.compress(data, 6)))
    initrd = os.path.join(work, "initrd.gz")
    with open(initrd, "wb") as f:
        f.write(gzip.compress(newc(entries), 6))
    vmlinuz = os.path.join(kroot, "boot", "vmlinuz-" + kver)
    return vmlinuz, initrd, kver


# ---- traffic from the host side -----------------------------------------

REGISTER = ("REGISTER sip:{dst} SIP/2.0\r\n"
            "Via: SIP/2.0/UDP {src}:5060;branch=z9hG4bK-{tag};rport\r\n"
            "From: <sip:1001@{dst}>;tag={tag}\r\nTo: <sip:1001@{dst}>\r\n"
            "Call-ID: {tag}@{src}\r\nCSeq: 1 REGISTER\r\nUser-Agent: qemu-host\r\n"
            "Contact: <sip:1001@{src}:5060>\r\nExpires: 60\r\nContent-Length: 0\r\n\r\n")

SENDER = r'''
import socket, struct, sys, time
R = REGISTER_TEXT
mode, tag, ifname, hostmac, guestmac = sys.argv[1:6]
def mac(s): return bytes(int(x, 16) for x in s.split(":"))
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff
if mode == "plain":
    src, dst = "192.0.2.1", "192.0.2.2"
else:
    src, dst = "192.0.3.1", "192.0.3.2"
msg = R.format(src=src, dst=dst, tag=tag).encode()
if mode == "plain":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 5060))
    for i in range(3):
        s.sendto(msg, (dst, 5070)); time.sleep(0.5)
else:
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    udp = struct.pack("!HHHH", 5060, 5070, 8 + len(msg), 0) + msg
    for i in range(3):
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0x1000 + i, 0, 64, 17, 0,
                         socket.inet_aton(src), socket.inet_aton(dst))
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        frame = mac(guestmac) + mac(hostmac) + struct.pack("!HH", 0x8100, 1) + b"\x08\x00" + ip + udp
        s.send(frame); time.sleep(0.5)
'''


# ---- the console in tmux ------------------------------------------------

class Console:
    def __init__(self, name, cmd, log):
        self.sock = "swq-%s-%d" % (name, os.getpid())
        self.log = log
        open(log, "w").close()
        self.tmux("new-session", "-d", "-x", "80", "-y", "24", cmd)
        self.tmux("pipe-pane", "-o", "-t", "0", "cat >> %s" % log)
        self.mark = 0

    def tmux(self, *a):
        return subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null", *a],
                              capture_output=True, text=True, errors="replace")

    def text(self):
        with open(self.log, "rb") as f:
            return f.read().decode("utf-8", "replace").replace("\r", "")

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "0").stdout

    def type(self, line):
        self.tmux("send-keys", "-t", "0", "-l", line)
        self.tmux("send-keys", "-t", "0", "Enter")

    def keys(self, *k):
        self.tmux("send-keys", "-t", "0", *k)

    def wait_log(self, pattern, timeout, deadline):
        end = min(time.monotonic() + timeout, deadline)
        rx = re.compile(pattern)
        while time.monotonic() < end:
            t = self.text()
            m = rx.search(t, self.mark)
            if m:
                self.mark = m.end()
                return m
            time.sleep(0.2)
        raise Fail("timed out waiting for /%s/ on the console; last lines:\n%s"
                   % (pattern, "\n".join(self.text().split("\n")[-15:])))

    def wait_screen(self, what, timeout, deadline):
        end = min(time.monotonic() + timeout, deadline)
        while time.monotonic() < end:
            s = self.screen()
            if (what(s) if callable(what) else what in s):
                return s
            time.sleep(0.3)
        raise Fail("timed out waiting for %r on the screen:\n%s" % (what, self.screen()))

    def run(self, cmd, tag, timeout, deadline):
        """Type cmd; wait for it to finish; return what it printed."""
        self.type("%s; echo SW\"\"END-%s" % (cmd, tag))
        start = self.mark
        m = self.wait_log(r"\nSWEND-%s" % re.escape(tag), timeout, deadline)
        out = self.text()[start:m.start()]
        # drop the echoed command line
        return out.split("\n", 1)[1] if "\n" in out else ""

    def close(self):
        self.tmux("kill-server")


def send(ns, mode, tag, tap, hostmac):
    """Three REGISTERs from the host side: plain UDP, or 802.1Q-tagged frames."""
    code = SENDER.replace("REGISTER_TEXT", repr(REGISTER), 1)
    sh("ip", "netns", "exec", ns, sys.executable, "-c", code, mode, tag, tap, hostmac, GUEST_MAC)


def findings(lines):
    got = set()
    for ln in lines:
        ln = ln.strip()
        if not ln.startswith("{"):
            continue
        try:
            o = json.loads(ln)
        except ValueError:
            continue
        if o.get("type") == "finding":
            got.add((o.get("kind"), o.get("cause"), o.get("client"), o.get("server")))
    return got


def one_arch(arch, a, results):
    out = os.path.abspath(a.out)
    work = os.path.join(out, "qemu-system", arch)
    os.makedirs(work, exist_ok=True)
    sw = os.path.join(out, "sipwatch-" + arch)
    ref = os.path.join(out, "sipwatch-x86_64")
    gen = os.path.join(out, "x86_64", "tests", "phone", "sw_gen_register")
    # Up to date with the tree (incremental when it is).
    print("   building (tools/cross/build.sh %s)" % arch, flush=True)
    sh("bash", os.path.join(ROOT, "tools", "cross", "build.sh"), "--out", out, arch,
       stdout=subprocess.DEVNULL)
    start = time.monotonic()
    deadline = start + a.timeout
    day = os.path.join(work, "day.pcap")
    sh(gen, "-m", "day", "-n", "24", "-o", day, stdout=subprocess.DEVNULL)
    kroot = kernel_root(arch, work)
    vmlinuz, initrd, kver = make_initrd(arch, work, kroot, sw, day)
    ns = "swq-%s-%d" % (arch, os.getpid())
    tap = "swqtap"
    sh("ip", "netns", "add", ns)
    con = None
    ref_proc = None
    step = "boot"
    try:
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", ns, "tuntap", "add", "dev", tap, "mode", "tap")
        sh("ip", "-n", ns, "addr", "add", "192.0.2.1/24", "dev", tap)
        sh("ip", "-n", ns, "link", "set", tap, "up")
        hostmac = open("/sys/class/net/%s/address" % tap).read().strip() if False else \
            subprocess.run(["ip", "netns", "exec", ns, "cat", "/sys/class/net/%s/address" % tap],
                           capture_output=True, text=True, check=True).stdout.strip()
        spec = ARCHS[arch]
        qemu = spec["qemu"] + [
            "-m", "256", "-nographic", "-no-reboot", "-kernel", vmlinuz, "-initrd", initrd,
            "-append", "console=%s panic=-1 swhostmac=%s" % (spec["console"], hostmac),
            "-netdev", "tap,id=n0,ifname=%s,script=no,downscript=no" % tap,
            "-device", "%s,netdev=n0,mac=%s" % (spec["nic"], GUEST_MAC)]
        cmd = "ip netns exec %s %s; echo QEMU-EXIT=$?; sleep 600" % (
            ns, " ".join("'%s'" % x for x in qemu))
        con = Console(arch, cmd, os.path.join(work, "console.log"))
        m = con.wait_log(r"SWREADY ([^\n]*)", 420, deadline)
        boot_s = time.monotonic() - start
        t = con.text()
        if "SWFAIL" in t:
            raise Fail("boot: " + ", ".join(re.findall(r"SWFAIL [^\n]*", t)))
        results.append((arch, "boot", True, "%s, up in %.0f s (kernel %s)" % (m.group(1), boot_s, kver)))
        con.type("stty rows 24 cols 80")

        def live(iface, mode, tag):
            nonlocal ref_proc
            reff = os.path.join(work, "host-%s.json" % tag)
            ref_proc = subprocess.Popen(["ip", "netns", "exec", ns, ref, "-i", tap, "--json"],
                                        stdout=open(reff, "w"), stderr=subprocess.DEVNULL)
            con.run("sipwatch -i %s --json >/tmp/%s.json 2>/tmp/%s.err & sleep 3" % (iface, tag, tag),
                    tag + "-start", 60, deadline)
            time.sleep(1)
            send(ns, mode, "q" + tag, tap, hostmac)
            time.sleep(2)
            outp = con.run("kill -INT %%1; wait; echo rc=$?; cat /tmp/%s.err; cat /tmp/%s.json" % (tag, tag),
                           tag, 120, deadline)
            ref_proc.send_signal(signal.SIGINT)
            ref_proc.wait(timeout=20)
            ref_proc = None
            guest = findings(outp.split("\n"))
            host = findings(open(reff).read().split("\n"))
            want = [f for f in guest if f[0] == "register.no_response" and f[1] == "icmp_port_unreachable"]
            warn = "no user 'nobody' to drop privileges to: capturing as root" in outp
            rc0 = "rc=0" in outp
            ok = bool(want) and guest == host and warn and rc0
            detail = "guest %s; x86-64 on the host's tap %s; %s; %s" % (
                sorted(guest), "the same" if guest == host else sorted(host),
                "warned: no nobody, stays root" if warn else "NO nobody warning",
                "exit 0" if rc0 else "exit status not 0")
            results.append((arch, "-i %s" % iface, ok, detail))

        step = "-i eth0"
        live("eth0", "plain", "eth0")
        step = "-i eth0.1"
        live("eth0.1", "tagged", "vlan")

        step = "interactive view"
        con.type("clear; TERM=vt220 sipwatch -i eth0 --lang zh")
        con.wait_screen("实时", 60, deadline)
        send(ns, "plain", "qtui", tap, hostmac)
        s = con.wait_screen(lambda s: "no_response" in s and "1001@192.0.2.2" in s, 60, deadline)
        shot1 = s
        con.keys("Enter")
        s2 = con.wait_screen("ICMP 端口不可达", 30, deadline)  # the zh evidence label
        con.keys("q")
        time.sleep(1)
        con.keys("q")  # the list asks first while the live capture runs
        con.wait_screen("抓包仍在进行", 30, deadline)
        con.keys("y")
        back = con.run("echo rc=$?", "tui", 60, deadline)
        okv = "帐号/会话" in shot1 and "失败" in shot1 and "??" not in shot1 and "rc=0" in back
        with open(os.path.join(work, "screen-list.txt"), "w") as f:
            f.write(shot1)
        with open(os.path.join(work, "screen-ladder.txt"), "w") as f:
            f.write(s2)
        results.append((arch, "interactive view (serial console, TERM=vt220, --lang zh)", okv,
                        "list: %s; ladder: %s" % (
                            next((l.strip() for l in shot1.split("\n") if "1001@192.0.2.2" in l), "?"),
                            next((l.strip() for l in s2.split("\n") if "ICMP" in l), "?"))))

        step = "memory"
        rss = {}
        for mode in ("--report", "--json"):
            o = con.run("sipwatch -r /day.pcap %s >/tmp/o 2>&1 & p=$!; h=0; "
                        "while [ -d /proc/$p ]; do v=$(sed -n 's/^VmHWM:[^0-9]*\\([0-9]*\\).*/\\1/p' "
                        "/proc/$p/status 2>/dev/null); [ -n \"$v\" ] && h=$v; usleep 50000; done; "
                        "echo SWRSS=$h; grep -c 14516 /tmp/o" % mode, "rss" + mode.strip("-"), 300, deadline)
            m = re.search(r"SWRSS=(\d+)\n(\d+)", o)
            # the sample, and whether the output named all 14516 messages
            rss[mode] = int(m.group(1)) if m and m.group(2) != "0" else None
        # The view, from the gzip'd day (texts kept, as live) with the live bound.
        con.type("(while ! pidof sipwatch >/dev/null; do usleep 100000; done; p=$(pidof sipwatch); "
                 "while [ -d /proc/$p ]; do sed -n 's/^VmHWM:[^0-9]*\\([0-9]*\\).*/\\1/p' /proc/$p/status "
                 ">/tmp/tuirss 2>/dev/null; usleep 200000; done) & "
                 "clear; TERM=vt220 sipwatch -r /day.pcap.gz --tui --max-messages 8000")
        con.wait_screen("14516 SIP", 300, deadline)
        time.sleep(2)
        con.keys("q")
        time.sleep(2)
        o = con.run("cat /tmp/tuirss", "tuirss", 60, deadline)
        m = re.search(r"^(\d+)\s*$", o, re.M)
        rss["view"] = int(m.group(1)) if m else None
        okm = all(v is not None and v <= 8192 for v in rss.values())
        results.append((arch, "memory, one phone's day (budget 8192 KiB)", okm,
                        ", ".join("%s %s KiB" % (k, v) for k, v in rss.items())))
    except Fail as e:
        results.append((arch, step, False, str(e)))
    except subprocess.CalledProcessError as e:
        results.append((arch, step, False, "command failed: %s" % " ".join(map(str, e.cmd))))
    finally:
        if ref_proc:
            ref_proc.kill()
        if con:
            con.close()
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        results.append((arch, "time", time.monotonic() - start <= a.timeout,
                        "%.0f s (limit %d s)" % (time.monotonic() - start, a.timeout)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "build-cross"))
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("arch", nargs="+", choices=sorted(ARCHS))
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("needs root (network namespace, tap device)")
        return 2
    for tool in ["tmux", "mmdebstrap"] + [ARCHS[x]["qemu"][0] for x in a.arch]:
        if not shutil.which(tool):
            print("missing %s: bash .ci/deps qemu-system" % tool)
            return 2
    results = []
    for arch in a.arch:
        print("== %s" % arch, flush=True)
        one_arch(arch, a, results)
    print()
    failed = 0
    for arch, what, ok, detail in results:
        print("%s %-7s %s: %s" % ("ok  " if ok else "FAIL", arch, what, detail))
        failed += not ok
    print("%d passed, %d failed" % (len(results) - failed, failed))
    with open(os.path.join(os.path.abspath(a.out), "qemu-system", "result.txt"), "a") as f:
        f.write("%s\n" % time.strftime("%Y-%m-%d %H:%M:%S"))
        for arch, what, ok, detail in results:
            f.write("%s %-7s %s: %s\n" % ("ok  " if ok else "FAIL", arch, what, detail))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
