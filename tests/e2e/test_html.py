# SPDX-License-Identifier: BSD-2-Clause
"""--html: the page a support engineer attaches to a ticket, loaded from a
file URL in headless Chromium (Debian's chromium, installed by .ci/deps
test) with networking off, as a person would open it. For each page the DOM
(--dump-dom, after the page's script ran) must hold every finding with its
evidence links into the ladder, one SVG arrow per message, the evidence
arrows marked, and the message text of an arrow shown in the pane when the
page is opened on it (#m<id>); the zh page is in Chinese; the file loads
nothing (a Content-Security-Policy that forbids it, no URL in it); a
screenshot of each page is kept in $SW_ARTEFACTS (default build's
artefacts/html).

pcaps/regress/html-hostile.pcap (written by this file: `python3 test_html.py
--write PATH`) carries HTML, script, event handler, javascript: URI, bidi
control and invalid UTF-8 payloads in SIP headers, a reason phrase, a display
name, a malformed message and the REGISTER an ICMP error quotes, with digest
responses: the DOM must hold them as text, no script from the capture may
run (the title stays), and no digest response may be in the file."""
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

import swtest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import pcaplib  # noqa: E402

HOSTILE = swtest.pcap("regress", "html-hostile.pcap")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTEFACTS = os.environ.get("SW_ARTEFACTS") or os.path.join(tempfile.gettempdir(),
                                                             "sipwatch-artefacts", "html")
SIZE_BOUND = 5 << 20

# ---- the hostile capture ------------------------------------------------------------

PWN = b"document.title='pwned'"
SCRIPT = b"<script>" + PWN + b"</script>"
SVG_ONLOAD = b"\"><svg onload=" + PWN + b">"
IMG = b"</pre></title></textarea><img src=x onerror=" + PWN + b">"
JS_URI = b"javascript:" + PWN
RLO = "\u202e".encode()          # right-to-left override
LRI = "\u2066".encode()          # left-to-right isolate
BAD_UTF8 = b"\xff\xfe"
DIGEST = b"0123456789abcdef0123456789abcdef"
PHONE_MAC = pcaplib.mac("02:00:00:00:00:10")
SERVER_MAC = pcaplib.mac("02:00:00:00:00:01")
PHONE = bytes([192, 168, 77, 10])
SERVER = bytes([192, 168, 77, 1])
T0 = 1_795_631_520 * 10**9


def udp(payload, src=PHONE, dst=SERVER, sport=5060, dport=5060):
    u = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = pcaplib.ipv4_header(src, dst, 17, len(u)) + u
    smac, dmac = (PHONE_MAC, SERVER_MAC) if src == PHONE else (SERVER_MAC, PHONE_MAC)
    return pcaplib.eth_header(dmac, smac, pcaplib.ETH_P_IP) + ip


def icmp_port_unreachable(quoted_frame):
    quoted = quoted_frame[14:14 + 20 + 8 + 900]
    body = struct.pack(">BBHI", 3, 3, 0, 0) + quoted
    ip = pcaplib.ipv4_header(SERVER, PHONE, 1, len(body)) + body
    return pcaplib.eth_header(PHONE_MAC, SERVER_MAC, pcaplib.ETH_P_IP) + ip


def register(cseq, user, tag, auth=b""):
    return (b"REGISTER sip:html.test SIP/2.0\r\n"
            b"Via: SIP/2.0/UDP 192.168.77.10:5060;branch=z9hG4bK-h" + tag + b"-%d;rport\r\n"
            b"Max-Forwards: 70\r\n"
            b"From: \"" + SVG_ONLOAD.replace(b"\"", b"'") + RLO + b"\" <sip:" + user +
            b"@html.test>;tag=" + tag + b"\r\n"
            b"To: <sip:" + user + b"@html.test>\r\n"
            b"Call-ID: h-" + tag + b"@192.168.77.10\r\n"
            b"CSeq: %d REGISTER\r\n"
            b"Contact: <sip:" + user + b"@192.168.77.10:5060>;x=\"" + JS_URI + b"\"\r\n" + auth +
            b"User-Agent: " + SCRIPT + b" " + RLO + b"evil" + LRI + b" " + BAD_UTF8 + b"\r\n"
            b"X-Evil: " + IMG + b"\r\n"
            b"Expires: 3600\r\nContent-Length: 0\r\n\r\n") % (cseq, cseq)


def response(req, status, reason, extra=b""):
    lines = req.split(b"\r\n")
    keep = [l for l in lines if l.split(b":")[0] in (b"Via", b"From", b"To", b"Call-ID", b"CSeq")]
    keep = [(l + b";tag=srv" if l.startswith(b"To:") else l) for l in keep]
    return (b"SIP/2.0 %d " % status + reason + b"\r\n" + b"\r\n".join(keep) + b"\r\n" + extra +
            b"Server: " + SCRIPT + b"\r\nContent-Length: 0\r\n\r\n")


def auth_header(user):
    return (b"Authorization: Digest username=\"" + user + b"\", realm=\"" + SCRIPT +
            b"\", nonce=\"abc\", uri=\"sip:html.test\", response=\"" + DIGEST +
            b"\", algorithm=MD5\r\n")


def build():
    frames = []
    # 1001: challenged, then refused (403) with hostile reason and Server.
    r1 = register(1, b"1001", b"a")
    frames.append(udp(r1))
    frames.append(udp(response(r1, 401, b"Unauthorized " + IMG,
                               b"WWW-Authenticate: Digest realm=\"" + SCRIPT.replace(b"\"", b"'") +
                               b"\", nonce=\"abc\", algorithm=MD5\r\n"), SERVER, PHONE))
    r2 = register(2, b"1001", b"a", auth_header(b"1001"))
    frames.append(udp(r2))
    frames.append(udp(response(r2, 403, b"Forbidden <b onmouseover=" + PWN + b">x</b>" + RLO,
                               b"Warning: 399 pbx \"" + JS_URI + b"\"\r\n"), SERVER, PHONE))
    # 1004: to a closed port; the ICMP error quotes the REGISTER with its digest.
    r3 = register(1, b"1004", b"b", auth_header(b"1004"))
    f3 = udp(r3, dport=5070)
    frames.append(f3)
    frames.append(icmp_port_unreachable(f3))
    # A malformed message with a digest response (decode does not parse it).
    frames.append(udp(b"REGISTER sip:bad SIP/2.0\r\nCall-ID: bad-" + SCRIPT + b"\r\n" +
                      auth_header(b"1009") + b"From: " + IMG + b"\r\n\r\n"))
    return pcaplib.pcap_bytes([pcaplib.Packet(T0 + i * 10**7, f) for i, f in enumerate(frames)], 1)


# ---- a small DOM from Chromium's serialisation ---------------------------------------

VOID = {"meta", "br", "hr", "img", "input", "link", "rect", "path", "line", "circle", "polygon",
        "source", "area", "base", "col", "embed", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def find_all(self, tag=None, cls=None):
        return [n for n in self.iter() if (tag is None or n.tag == tag) and
                (cls is None or cls in n.classes())]

    def by_id(self, ident):
        for n in self.iter():
            if n.attrs.get("id") == ident:
                return n
        return None


class Builder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(text):
    b = Builder()
    b.feed(text)
    b.close()
    return b.root


# ---- Chromium --------------------------------------------------------------------------

def _no_net_prefix():
    """unshare -n when we may (root): Chromium then has no network at all."""
    if shutil.which("unshare"):
        r = subprocess.run(["unshare", "-n", "true"], capture_output=True)
        if r.returncode == 0:
            return ["unshare", "-n"]
    return []


NO_NET = _no_net_prefix()


def chromium(*args, url):
    with tempfile.TemporaryDirectory(prefix="swchr-") as prof:
        cmd = NO_NET + [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", "--disable-quic",
                        "--disable-dev-shm-usage", "--user-data-dir=" + prof,
                        "--run-all-compositor-stages-before-draw",
                        "--virtual-time-budget=3000", *args, url]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                           errors="surrogateescape")
        if r.returncode != 0:
            raise AssertionError(f"chromium {args}: exit {r.returncode}: {r.stderr[-2000:]}")
        return r.stdout


def dom(path, frag=""):
    out = chromium("--dump-dom", url="file://" + os.path.abspath(path) + frag)
    if "<html" not in out:
        raise AssertionError("no DOM from chromium: " + out[:500])
    return out


def screenshot(path, name):
    os.makedirs(ARTEFACTS, exist_ok=True)
    png = os.path.join(ARTEFACTS, name + ".png")
    if os.path.exists(png):
        os.unlink(png)
    chromium("--screenshot=" + png, "--window-size=1280,2000",
             url="file://" + os.path.abspath(path))
    return png


# ---- the tests -----------------------------------------------------------------------------

LAB = {
    "wrong_port": ["lab/wrong_port.pcap"],
    "wrong_password": ["lab/wrong_password.pcap"],
    "transient_503": ["lab/transient_503.pcap"],
    "flood_ban": ["lab/flood_ban.pcap"],
    "healthy": ["lab/healthy.pcap"],
    "stale_nat_pair": ["lab/stale_nat.pcap", "lab/stale_nat-server.pcap"],
    "alg_pair": ["lab/alg.pcap", "lab/alg-server.pcap"],
}


SCREENSHOTS = ("wrong_port", "stale_nat_pair", "alg_pair")


def inputs(files):
    a = []
    for f in files:
        a += ["-r", f if os.path.isabs(f) else swtest.pcap(*f.split("/"))]
    return a


class Pages(unittest.TestCase):
    """What both test classes share: writing pages, checking what they load."""
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="swhtml-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def page(self, name, files, *extra):
        out = os.path.join(self.tmp, name + ".html")
        r = swtest.run(*inputs(files), "--html", out, "-q", *extra, timeout=600)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out, "", "--html alone prints nothing on stdout")
        with open(out, "rb") as f:
            raw = f.read()
        return out, raw

    def assert_loads_nothing(self, raw, root):
        text = raw.decode("utf-8")  # valid UTF-8, or this raises
        self.assertIsNone(re.search(r"(?i)(https?|ftp)://", text), "no URL in the page")
        metas = [m for m in root.find_all("meta")
                 if m.attrs.get("http-equiv", "").lower() == "content-security-policy"]
        self.assertEqual(len(metas), 1)
        csp = metas[0].attrs["content"]
        for d in ("default-src 'none'", "connect-src 'none'", "img-src 'none'",
                  "font-src 'none'", "base-uri 'none'"):
            self.assertIn(d, csp)
        self.assertNotIn("unsafe-inline", csp)
        for n in root.iter():
            self.assertNotIn("src", n.attrs, n.tag)
            for a in n.attrs:
                self.assertFalse(a.lower().startswith("on"), f"<{n.tag} {a}=...>")
            for v in n.attrs.values():
                self.assertIsNone(re.search(r"(?i)(https?|ftp|file|data|javascript):", v or ""),
                                  f"a URL in <{n.tag}>")
            if "href" in n.attrs:
                self.assertRegex(n.attrs["href"], r"^#[a-z][a-z0-9-]*$")
        self.assertEqual(len(root.find_all("script")), 1)


class HtmlWriter(Pages):
    """The page as written (no browser): run under ASan+UBSan too."""

    def test_every_message_is_an_arrow(self):
        """A one-account capture: its ladder holds every SIP message and ICMP error."""
        for name in ("wrong_port", "wrong_password", "transient_503"):
            files = LAB[name]
            r = swtest.run(*inputs(files), "--json")
            n = len(r.objects("message")) + len(r.objects("icmp"))
            path, raw = self.page(name + "-all", files)
            root = parse(raw.decode())
            self.assertEqual(len(root.find_all("g", "m")), n, name)

    def test_selection_adds_ladders(self):
        files = ["lab/call-server.pcap"]
        base_path, base = self.page("call", files)
        sel_path, sel = self.page("call-sel", files, "--select", "method:INVITE")
        nb = base.decode().count("<figure")
        ns = sel.decode().count("<figure")
        self.assertGreater(ns, nb, "the INVITE dialog gets its ladder")

    def test_size_bound_on_a_large_capture(self):
        """About 100,000 messages: under the bound, and the page says what it left out."""
        big = os.path.join(self.tmp, "big.pcap")
        gen = os.environ.get("SW_GEN_REGISTER")
        if not gen or not os.path.exists(gen):
            self.skipTest("gen_register not built")
        subprocess.run([gen, "-m", "mix", "-n", "2700", "-o", big], check=True,
                       capture_output=True, timeout=300)
        path, raw = self.page("big", [big])
        nmsg = int(re.search(rb"(\d+) SIP messages", raw).group(1))
        self.assertGreater(nmsg, 90000)
        self.assertLess(len(raw), SIZE_BOUND, f"{len(raw)} bytes for {nmsg} messages")
        d = parse(raw.decode())
        left = d.by_id("left-out").text()
        self.assertRegex(left, r"\d+ healthy accounts not listed|\d+ ladders not drawn")
        self.assertTrue(d.find_all("table", "healthy"))
        # Failing accounts come first, with their ladders.
        first = d.by_id("accounts").find_all("article", "account")[0]
        self.assertTrue(first.find_all("svg"))



    def test_hostile_file(self):
        path, raw = self.page("hostile-raw", [HOSTILE])
        self.assertNotIn(DIGEST, raw, "a digest response is in the page")
        text = raw.decode("utf-8")
        for c in ("\u202e", "\u2066"):
            self.assertNotIn(c, text)
        root = parse(text)
        self.assert_loads_nothing(raw, root)
        self.assertEqual(root.find_all("title")[0].text(), "sipwatch report: html-hostile.pcap")
        for tag in ("img", "iframe", "object", "embed", "b", "textarea"):
            self.assertEqual(root.find_all(tag), [], f"a <{tag}> from the capture")
        body = root.find_all("body")[0].text()
        for payload in (SCRIPT, b"<svg onload=", b"onerror=" + PWN, JS_URI, b"<b onmouseover="):
            self.assertIn(payload.decode(), body, "the payload is shown as text")


@unittest.skipIf(CHROMIUM is None, "chromium is not installed (.ci/deps test installs it)")
class Html(Pages):
    """The page in headless Chromium, as a person opens it."""

    def check_lab_page(self, name, files):
        path, raw = self.page(name, files)
        self.assertLess(len(raw), SIZE_BOUND)
        root = parse(dom(path))
        self.assert_loads_nothing(raw, root)
        title = root.find_all("title")[0].text()
        self.assertTrue(title.startswith("sipwatch report: "), title)
        self.assertIn(os.path.basename(files[0]), title)
        fs = swtest.run(*inputs(files), "--json").objects("finding")
        arrows = {g.attrs["id"]: g for g in root.find_all("g", "m")}
        for f in fs:
            art = root.by_id("f%d" % f["id"])
            self.assertIsNotNone(art, f"finding #{f['id']} {f['kind']} not on the page")
            self.assertIn(f["summary"], art.text())
            self.assertIn(f["kind"], art.text())
            links = art.find_all("a", "evl")
            if f.get("evidence") and f.get("aor"):
                self.assertTrue(links, f"finding #{f['id']} has no evidence link")
            for a in links:
                g = arrows.get(a.attrs["href"][1:])
                self.assertIsNotNone(g, a.attrs["href"])
                self.assertIn("ev", g.classes(), "an evidence arrow is marked")
                badge = [t for t in g.find_all("text", "badge")]
                self.assertTrue(badge, "the mark names a finding")
        # One arrow per message of each ladder (none folded on these).
        for fig in root.find_all("figure", "ladder"):
            cap = fig.find_all("figcaption")[0].text()
            n = int(re.search(r"(\d+)", cap).group(1))
            self.assertEqual(len(fig.find_all("g", "m")), n, cap)
        return path, root, fs

    def test_lab_pages(self):
        for name, files in LAB.items():
            with self.subTest(page=name):
                path, root, fs = self.check_lab_page(name, files)
                if name in SCREENSHOTS:
                    png = screenshot(path, name)
                    self.assertGreater(os.path.getsize(png), 20000, "a screenshot of a real page")

    def test_click_shows_the_message(self):
        path, raw = self.page("wrong_password-click", LAB["wrong_password"])
        root = parse(raw.decode())
        g = [g for g in root.find_all("g", "m") if "ev" in g.classes()][0]
        ident = g.attrs["id"]
        self.assertEqual(g.attrs["data-t"], "t" + ident[1:])
        want = root.by_id("t" + ident[1:]).text()
        d = parse(dom(path, "#" + ident))
        pane = d.by_id("pane")
        self.assertNotIn("hidden", pane.attrs, "the pane is open")
        self.assertEqual(d.by_id("pane-body").find_all("pre")[0].text(), want)
        self.assertIn("frame", d.by_id("pane-head").text())
        self.assertIn("sel", d.by_id(ident).classes())
        # Digest responses are masked in the texts.
        self.assertNotRegex(raw.decode(), r'response="[0-9a-f]{32}"')

    def test_chinese(self):
        path, raw = self.page("wrong_port-zh", LAB["wrong_port"], "--lang", "zh")
        d = parse(dom(path))
        self.assertEqual(d.find_all("html")[0].attrs.get("lang"), "zh-CN")
        h2 = [h.text() for h in d.find_all("h2")]
        self.assertTrue(h2[0].startswith("问题"), h2)
        f = swtest.run(*inputs(LAB["wrong_port"]), "--json", "--lang", "zh").objects("finding")[0]
        self.assertIn(f["summary"], d.by_id("f0").text())
        self.assertRegex(f["summary"], r"[\u4e00-\u9fff]")
        screenshot(path, "wrong_port-zh")

    def test_two_captures_side_by_side(self):
        path, raw = self.page("alg_pair-sides", LAB["alg_pair"])
        d = parse(dom(path))
        sides = d.by_id("sides")
        self.assertIsNotNone(sides)
        arts = sides.find_all("article", "pm")
        self.assertTrue(arts)
        for art in arts:
            cols = art.find_all("div")
            self.assertTrue(art.find_all("span", "rw"), "rewritten lines highlighted")
            self.assertIn("phone side", art.text())
            self.assertIn("server side", art.text())
        # The ladder marks the rewritten messages and links them.
        marks = [t for t in d.find_all("text", "pm") if t.text() == "[~]"]
        self.assertTrue(marks)

    def test_hostile_capture_is_inert(self):
        path, raw = self.page("hostile", [HOSTILE])
        self.assertNotIn(DIGEST, raw, "a digest response is in the page")
        text = raw.decode("utf-8")
        self.assertNotIn("\u202e", text)
        self.assertNotIn("\u2066", text)
        d = parse(dom(path))
        self.assert_loads_nothing(raw, d)
        self.assertEqual(d.find_all("title")[0].text(), "sipwatch report: html-hostile.pcap",
                         "no script from the capture ran")
        for tag in ("img", "iframe", "object", "embed", "b", "textarea"):
            self.assertEqual(d.find_all(tag), [], f"a <{tag}> from the capture")
        svgs = d.find_all("svg")
        self.assertTrue(svgs)
        for s in svgs:
            self.assertIn("ladder", s.classes())
        body = d.find_all("body")[0].text()
        for payload in (SCRIPT, b"<svg onload=", b"onerror=" + PWN, JS_URI,
                        b"<b onmouseover="):
            self.assertIn(payload.decode(), body, "the payload is shown as text")
        self.assertIn("\\u{202E}", body)
        self.assertIn("\\u{2066}", body)
        self.assertIn("\\xFF\\xFE", body)
        # Opened on the message the ICMP error quotes: its digest is masked.
        pre = [p for p in d.find_all("pre") if "quotes" in p.text()]
        self.assertTrue(pre, "the quoted REGISTER's text is in the page")
        ident = pre[0].attrs["id"][1:]
        d2 = parse(dom(path, "#m" + ident))
        shown = d2.by_id("pane-body").text()
        self.assertIn('response="********************************"', shown)
        self.assertEqual(d2.find_all("title")[0].text(), "sipwatch report: html-hostile.pcap")
        screenshot(path, "hostile")



def write(path):
    with open(path, "wb") as f:
        f.write(build())
    print("written", path)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--write"]:
        write(sys.argv[2] if len(sys.argv) > 2 else HOSTILE)
    else:
        swtest.main()
