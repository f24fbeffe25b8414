/* SPDX-License-Identifier: BSD-2-Clause */
/* --html FILE and the TUI's "HTML report": one self-contained page for a
 * ticket. The inputs and time span; each finding with its severity, summary,
 * explanation, advice and its evidence frames as links into the ladders;
 * per failing (or selected) account its story and its ladder as inline SVG,
 * drawn as the TUI draws it (view/ladder.c: columns, time and delta, triple
 * heads for retransmissions, ICMP errors, keepalives, gap lines, evidence in
 * the finding's colour); a click on an arrow shows that message's text; with
 * two captures of one path, the messages the path rewrote or lost, both
 * copies side by side with the rewritten lines highlighted; healthy accounts
 * in one table; and what a size bound left out (docs/artefacts.md).
 *
 * Safety: every byte from the wire goes through esc(), which escapes HTML's
 * five characters and shows controls, bidi and other invisible format
 * characters and invalid UTF-8 as inert text ("\x1B", "\u{202E}"); wire data
 * never reaches a URL, an event handler or the script, which is static and,
 * with the style sheet, allowed by hash in a Content-Security-Policy that
 * forbids every load (no network, no other script). The digest response= is
 * masked in every message text, as decode masks it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/pair.h"
#include "cli/cli.h"
#include "cli/sha256.h"
#include "common/mem.h"
#include "view/ladder.h"

#define _(s) sw_tr(app->cat, s)
#define _n(s, p, n) sw_trn(app->cat, s, p, n)

/* Size bounds: the page stays under HTML_PAGE_BOUND whatever the capture. */
#define HTML_PAGE_BOUND (5u << 20)     /* the documented bound */
#define HTML_SOFT_LIMIT (4u << 20)     /* optional parts stop here */
#define HTML_MAX_FINDINGS 300u         /* findings told in full */
#define HTML_EXAMPLES 3u               /* accounts' findings shown beside a summary finding */
#define HTML_MAX_ACCOUNTS 200u         /* account sections */
#define HTML_MAX_HEALTHY 1000u         /* rows of the healthy accounts' table */
#define HTML_MAX_LADDERS 60u           /* ladders drawn */
#define HTML_LADDER_MSGS 400u          /* arrows per ladder; the rest folded */
#define HTML_MAX_ARROWS 4000u          /* arrows in the whole page */
#define HTML_TEXT_MAX 6144u            /* bytes of one message's text */
#define HTML_TEXT_BUDGET (1200u << 10) /* bytes of message text in all */
#define HTML_MAX_PAIR 30u              /* messages shown side by side */
#define HTML_MAX_HISTORY 40u           /* state changes listed per account */

/* SVG geometry (px). */
#define SV_GUTTER 128
#define SV_COLW 200
#define SV_MARKW 76
#define SV_HEAD 50
#define SV_ROW 34
#define SV_GAP 20

/* ---- escaping ------------------------------------------------------------- */

enum esc_mode { ESC_TEXT, ESC_PRE, ESC_ATTR };

/* Length of the valid UTF-8 sequence at p (no overlongs, no surrogates) and
 * its code point, or 0. */
static size_t utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char c = p[0];
	size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
	                                                  : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
	if (!len || len > n)
		return 0;
	uint32_t v = len == 1 ? c : c & (0x3F >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3F);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

/* Code points shown as their number: C1 controls, bidi and other invisible
 * format characters (which could reorder or hide what the page says), line
 * and paragraph separators, non-characters. */
static bool cp_inert(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9F) || cp == 0xAD || cp == 0x061C || cp == 0x180E ||
	       (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
	       (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
	       (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE ||
	       (cp >= 0xE0000 && cp <= 0xE007F);
}

/* Shows a byte (\xNN) or a code point (\u{NNNN}) as inert text. */
static void esc_mark(struct sw_buf *b, enum esc_mode m, bool cp, uint32_t v)
{
	if (m != ESC_ATTR)
		sw_buf_puts(b, "<span class=\"x\">");
	if (cp)
		sw_buf_printf(b, "\\u{%04X}", v);
	else
		sw_buf_printf(b, "\\x%02X", v);
	if (m != ESC_ATTR)
		sw_buf_puts(b, "</span>");
}

/* Appends bytes (from the wire or anywhere) as HTML text, <pre> text
 * (newlines and tabs kept, CR before LF dropped) or a double-quoted
 * attribute value. The output is valid UTF-8 with no markup of its own
 * except the spans that show escapes (never in attributes). */
static void esc(struct sw_buf *b, const char *s, size_t len, enum esc_mode m)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];
		if (c < 0x80) {
			switch (c) {
			case '&': sw_buf_puts(b, "&amp;"); break;
			case '<': sw_buf_puts(b, "&lt;"); break;
			case '>': sw_buf_puts(b, "&gt;"); break;
			case '"': sw_buf_puts(b, "&quot;"); break;
			case '\'': sw_buf_puts(b, "&#39;"); break;
			default:
				if (m == ESC_PRE && (c == '\n' || c == '\t'))
					sw_buf_putc(b, (char)c);
				else if (m == ESC_PRE && c == '\r' && i + 1 < len && p[i + 1] == '\n')
					; /* CRLF: the LF ends the line */
				else if (c < 0x20 || c == 0x7F)
					esc_mark(b, m, false, c);
				else
					sw_buf_putc(b, (char)c);
			}
			i++;
			continue;
		}
		uint32_t cp = 0;
		size_t n = utf8_seq(p + i, len - i, &cp);
		if (!n) {
			esc_mark(b, m, false, c);
			i++;
		} else if (cp_inert(cp)) {
			esc_mark(b, m, true, cp);
			i += n;
		} else {
			sw_buf_put(b, p + i, n);
			i += n;
		}
	}
}

static void esc_c(struct sw_buf *b, const char *s)
{
	if (s)
		esc(b, s, strlen(s), ESC_TEXT);
}

/* Masks the value of every digest response= parameter on Authorization and
 * Proxy-Authorization lines of text (decode masks SIP it parses; a
 * malformed message or the copy an ICMP error quotes did not go through it). */
static void mask_response(char *t, size_t len)
{
	size_t ls = 0;
	while (ls < len) {
		char *nl = memchr(t + ls, '\n', len - ls);
		size_t le = nl ? (size_t)(nl - t) : len;
		bool auth = (le - ls > 14 && strncasecmp(t + ls, "authorization:", 14) == 0) ||
		            (le - ls > 20 && strncasecmp(t + ls, "proxy-authorization:", 20) == 0);
		for (size_t i = ls; auth && i + 9 <= le; i++) {
			if (strncasecmp(t + i, "response", 8) != 0)
				continue;
			if (i > ls && t[i - 1] != ' ' && t[i - 1] != ',' && t[i - 1] != '\t')
				continue;
			size_t k = i + 8;
			while (k < le && (t[k] == ' ' || t[k] == '\t'))
				k++;
			if (k >= le || t[k] != '=')
				continue;
			for (k++; k < le && t[k] != ','; k++)
				if (t[k] != '"' && t[k] != ' ' && t[k] != '\t' && t[k] != '\r')
					t[k] = '*';
			i = k;
		}
		ls = le + 1;
	}
}

/* ---- the page's static parts ------------------------------------------------ */

static const char page_css[] =
    ":root{--err:#c62828;--warn:#e65100;--info:#1565c0;--ok:#2e7d32;--fg:#1a1a1a;--dim:#666;"
    "--line:#d0d0d0;--bg:#fff;--hl:#fff3c4}"
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI','Noto Sans','Noto Sans CJK SC',"
    "'Microsoft YaHei',sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;"
    "max-width:1200px;padding:0 1.2em 3em}"
    "h1{font-size:1.6em;margin:.8em 0 .2em}h2{border-bottom:2px solid var(--line);"
    "padding-bottom:.2em;margin-top:1.6em}h3{margin:.3em 0}"
    "code,pre,.mono{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;"
    "font-size:12.5px}"
    "pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}"
    "nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4em 1.2em}"
    "dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;margin:.5em 0}"
    "dl.kv dt{color:var(--dim)}dl.kv dd{margin:0}"
    "table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid var(--line);"
    "padding:.15em .5em;text-align:left;vertical-align:top}th{background:#f4f4f4}"
    ".sev{display:inline-block;color:#fff;border-radius:3px;padding:0 .45em;font-size:.85em;"
    "font-weight:600}"
    ".sev.error{background:var(--err)}.sev.warning{background:var(--warn)}"
    ".sev.info{background:var(--info)}"
    "article.finding{border-left:5px solid var(--line);padding:.3em .9em;margin:1em 0;"
    "background:#fafafa}"
    "article.finding.error{border-color:var(--err)}article.finding.warning{border-color:"
    "var(--warn)}article.finding.info{border-color:var(--info)}"
    "article.finding:target{background:var(--hl)}"
    ".summary{font-weight:600}.resolved,.dim{color:var(--dim)}"
    "ul.ev{margin:0;padding-left:1.2em}"
    "article.account,article.dialog{border-top:1px solid var(--line);margin-top:1.4em}"
    ".state.registered{color:var(--ok)}.state.failed,.state.expired{color:var(--err)}"
    "figure.ladder{margin:.8em 0;overflow-x:auto}figure.ladder figcaption{color:var(--dim)}"
    "svg.ladder{font:12px system-ui,sans-serif;max-width:none}"
    "svg .lt{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:11px;fill:#444}"
    "svg .role{fill:var(--dim);text-anchor:middle}svg .addr{font-weight:600;text-anchor:middle}"
    "svg .life{stroke:#888;stroke-width:1}svg .dots{stroke:#aaa;stroke-dasharray:2 3}"
    "svg .lbl{text-anchor:middle}svg .a{stroke:#333;stroke-width:1.5;fill:none}"
    "svg .h{fill:#333}svg .resp .a{stroke:#2e6b30}svg .resp .h{fill:#2e6b30}"
    "svg .icmp .a{stroke:#8e24aa;stroke-dasharray:5 3}svg .icmp .h{fill:#8e24aa}"
    "svg .ka .a{stroke:#888;stroke-dasharray:1 3}svg .ka .h{fill:#888}"
    "svg .bad .a{stroke:var(--err);stroke-width:3}"
    "svg .retrans .lbl{fill:#777}"
    "svg .ev.error .a{stroke:var(--err);stroke-width:3}svg .ev.error .h{fill:var(--err)}"
    "svg .ev.warning .a{stroke:var(--warn);stroke-width:3}svg .ev.warning .h{fill:var(--warn)}"
    "svg .ev.info .a{stroke:var(--info);stroke-width:3}svg .ev.info .h{fill:var(--info)}"
    "svg .lost .a{stroke:var(--err);stroke-dasharray:6 3}"
    "svg .badge{font-weight:700}svg .badge.error{fill:var(--err)}svg .badge.warning{fill:"
    "var(--warn)}svg .badge.info{fill:var(--info)}svg .pm{fill:var(--warn);font-weight:700}"
    "svg .pm.lostm{fill:var(--err)}"
    "svg .gap{fill:var(--dim);text-anchor:middle;font-style:italic}svg .gap.to{fill:var(--warn)}"
    "svg .gapbg{fill:#fff}"
    "svg .hit{fill:transparent;cursor:pointer}svg .m:hover .hit,svg .m:focus .hit{fill:#eef4ff}"
    "svg .m:target .hit,svg .m.sel .hit{fill:var(--hl)}svg .m:focus{outline:none}"
    ".x{color:#b00020;background:#fde7ea;border-radius:2px;font-family:monospace}"
    "#pane{position:fixed;right:0;top:0;bottom:0;width:min(46em,48vw);background:#fff;"
    "border-left:2px solid var(--line);box-shadow:-4px 0 12px rgba(0,0,0,.12);"
    "padding:.6em 1em;overflow:auto;z-index:9}"
    "#pane-head{font-weight:600;margin:0 2em .5em 0}#pane-close{position:absolute;right:.6em;"
    "top:.4em;font-size:1.2em;border:0;background:none;cursor:pointer}"
    ".sides{display:grid;grid-template-columns:1fr 1fr;gap:1em;margin:.5em 0 1.5em}"
    ".sides>div{border:1px solid var(--line);padding:.4em;overflow:auto}"
    ".sides h4{margin:0 0 .3em}.rw{background:#ffe0a3;display:block}"
    "article.pm:target{background:var(--hl)}"
    "footer{margin-top:3em;color:var(--dim);font-size:.9em}"
    "@media print{body{max-width:none;font-size:11pt}#pane,nav,.noprint{display:none!important}"
    "article.account,article.dialog{break-before:page;break-inside:avoid-page}"
    "article.finding,tr,.sides{break-inside:avoid}figure.ladder{overflow:visible}"
    "svg.ladder{max-width:100%;height:auto}svg .hit{fill:none}"
    "a{color:inherit;text-decoration:none}}";

/* The page's only script: a click (or Enter) on an arrow shows that
 * message's text in the pane, cloned from the page's own escaped copy (it
 * never parses text as markup); #m<id> in the address opens it too. */
static const char page_js[] =
    "(function(){"
    "var pane=document.getElementById('pane'),head=document.getElementById('pane-head'),"
    "body=document.getElementById('pane-body'),none=document.getElementById('no-text');"
    "function show(g){var t=document.getElementById(g.getAttribute('data-t'))||none;"
    "var ti=g.querySelector('title');head.textContent=ti?ti.textContent:'';"
    "var c=t.cloneNode(true);c.removeAttribute('id');c.hidden=false;body.replaceChildren(c);"
    "pane.hidden=false;var s=document.querySelector('.m.sel');if(s)s.classList.remove('sel');"
    "g.classList.add('sel');}"
    "function fromHash(){var id=location.hash.slice(1);if(!/^m[0-9]+$/.test(id))return;"
    "var g=document.getElementById(id);if(g)show(g);}"
    "document.addEventListener('click',function(e){var t=e.target;"
    "if(t.id==='pane-close'){pane.hidden=true;return;}"
    "var g=t.closest?t.closest('g.m'):null;if(g&&!t.closest('a'))show(g);});"
    "document.addEventListener('keydown',function(e){if(e.key==='Escape'){pane.hidden=true;"
    "return;}var g=e.target.closest?e.target.closest('g.m'):null;"
    "if(g&&(e.key==='Enter'||e.key===' ')){e.preventDefault();show(g);}});"
    "window.addEventListener('hashchange',fromHash);fromHash();"
    "})();";

/* ---- the writer's state ----------------------------------------------------- */

struct ladder_plan {
	uint32_t item;
	uint32_t *ids, *folded;
	size_t n, total;
};

struct html {
	struct sw_app *app;
	struct sw_buf *b;
	const struct sw_pair *pair;
	uint8_t *drawn;          /* per message id: its arrow is on the page */
	size_t nmsgs;
	uint8_t *item_ladder;    /* per item: it has a ladder (and a section) */
	struct ladder_plan *plans;
	size_t nplans;
	uint32_t *pair_shown;    /* match ids listed side by side (sorted as listed) */
	size_t npair_shown;
	uint32_t *loss_shown;
	size_t nloss_shown;
	size_t arrows, text_bytes;
	/* What the bounds left out, said at the end. */
	size_t left_findings, left_accounts, left_healthy, left_ladders, left_texts, left_pair;
	uint64_t left_folded;
	bool soft_limit_hit;
};

static const char *sev_class(enum sw_severity s)
{
	return s == SW_SEV_ERROR ? "error" : s == SW_SEV_WARNING ? "warning" : "info";
}

static bool over(struct html *h)
{
	if (h->b->len > HTML_SOFT_LIMIT)
		h->soft_limit_hit = true;
	return h->soft_limit_hit;
}

/* "wrong_port.pcap:#21" or "#21": a frame as the report names it. */
static void put_frame(struct html *h, uint32_t file_idx, uint64_t frame_no)
{
	if (sw_capture_nsources(h->app->cap) > 1) {
		esc_c(h->b, sw_out_file_label(h->app, file_idx));
		sw_buf_putc(h->b, ':');
	}
	sw_buf_printf(h->b, "#%llu", (unsigned long long)frame_no);
}

/* ---- planning: which ladders, which arrows ----------------------------------- */

static void plan_ladders(struct html *h, const uint32_t *items, size_t nitems)
{
	struct sw_app *app = h->app;
	h->plans = sw_calloc(nitems ? nitems : 1, sizeof *h->plans);
	for (size_t i = 0; i < nitems; i++) {
		if (h->nplans == HTML_MAX_LADDERS || h->arrows >= HTML_MAX_ARROWS) {
			h->left_ladders++;
			continue;
		}
		struct ladder_plan *p = &h->plans[h->nplans];
		uint32_t *all;
		sw_ladder_collect(app->an, &items[i], 1, 0, &all, &p->total);
		size_t room = HTML_MAX_ARROWS - h->arrows;
		size_t max = room < HTML_LADDER_MSGS ? room : HTML_LADDER_MSGS;
		if (max < 16)
			max = 16;
		p->ids = sw_malloc((p->total ? p->total : 1) * sizeof *p->ids);
		p->folded = sw_malloc((p->total ? p->total : 1) * sizeof *p->folded);
		p->n = sw_ladder_fold(app->an, all, p->total, max, p->ids, p->folded);
		free(all);
		p->item = items[i];
		h->left_folded += p->total - p->n;
		h->arrows += p->n;
		for (size_t k = 0; k < p->n; k++)
			if (p->ids[k] < h->nmsgs)
				h->drawn[p->ids[k]] = 1;
		if (items[i] < sw_analyze_nitems(app->an))
			h->item_ladder[items[i]] = 1;
		h->nplans++;
	}
}

static const struct ladder_plan *plan_of(const struct html *h, uint32_t item)
{
	for (size_t i = 0; i < h->nplans; i++)
		if (h->plans[i].item == item)
			return &h->plans[i];
	return NULL;
}

/* ---- head, summary ----------------------------------------------------------- */

static void page_head(struct html *h)
{
	struct sw_app *app = h->app;
	struct sw_buf *b = h->b;
	char css_hash[45], js_hash[45];
	sw_sha256_b64(page_css, sizeof page_css - 1, css_hash);
	sw_sha256_b64(page_js, sizeof page_js - 1, js_hash);
	sw_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
	              sw_catalog_is_zh(app->cat) ? "zh-CN" : "en");
	/* Nothing may be loaded: no network, no file, no frame, no other
	 * script or style than these two. */
	sw_buf_printf(b,
	              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	              "script-src 'sha256-%s'; style-src 'sha256-%s'; img-src 'none'; "
	              "font-src 'none'; connect-src 'none'; frame-src 'none'; object-src 'none'; "
	              "base-uri 'none'; form-action 'none'\">\n",
	              js_hash, css_hash);
	sw_buf_puts(b, "<meta name=\"referrer\" content=\"no-referrer\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	               "<meta name=\"generator\" content=\"sipwatch " SW_VERSION "\">\n<title>");
	esc_c(b, _("sipwatch report"));
	sw_buf_puts(b, ": ");
	for (size_t i = 0; i < sw_capture_nsources(app->cap); i++) {
		if (i)
			sw_buf_puts(b, ", ");
		esc_c(b, sw_out_file_label(app, (uint32_t)i));
	}
	sw_buf_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n", page_css);
}

static void overview(struct html *h, size_t n_failing, size_t n_healthy)
{
	struct sw_app *app = h->app;
	struct sw_buf *b = h->b;
	struct sw_analyze_stats as;
	sw_analyze_get_stats(app->an, &as);
	char t1[SW_TIMESTRLEN], t2[SW_TIMESTRLEN];
	sw_buf_puts(b, "<header id=\"top\">\n<h1>");
	esc_c(b, _("sipwatch report"));
	sw_buf_puts(b, "</h1>\n<dl class=\"kv\">\n<dt>");
	esc_c(b, _("Inputs"));
	sw_buf_puts(b, "</dt><dd>");
	for (size_t i = 0; i < sw_capture_nsources(app->cap); i++) {
		const struct sw_capture_source *s = sw_capture_source(app->cap, i);
		if (i)
			sw_buf_puts(b, "<br>");
		sw_buf_puts(b, "<code>");
		esc_c(b, strcmp(s->name, "-") ? s->name : "stdin");
		sw_buf_printf(b, "</code> (%s%s, %llu ", s->format, s->gzip ? ", gzip" : "",
		              (unsigned long long)s->frames);
		esc_c(b, _("packets"));
		sw_buf_putc(b, ')');
		if (s->damaged) {
			sw_buf_puts(b, " <strong>");
			esc_c(b, _("damaged, read up to the damage:"));
			sw_buf_puts(b, "</strong> ");
			esc_c(b, s->error);
		}
	}
	sw_buf_puts(b, "</dd>\n");
	if (as.last_ns) {
		sw_buf_puts(b, "<dt>");
		esc_c(b, _("Time span"));
		sw_buf_printf(b, "</dt><dd>%s &ndash; %s (%.1f s)</dd>\n", sw_time_iso(as.first_ns, t1),
		              sw_time_iso(as.last_ns, t2),
		              ((double)as.last_ns - (double)as.first_ns) / 1e9);
	}
	const struct sw_decode_stats *ds = sw_decode_get_stats(app->dec);
	sw_buf_puts(b, "<dt>");
	esc_c(b, _("Messages"));
	sw_buf_puts(b, "</dt><dd>");
	struct sw_buf t = SW_BUF_INIT;
	sw_buf_printf(&t, _("%llu SIP messages, %llu malformed, %llu ICMP errors, %llu keepalives"),
	              (unsigned long long)ds->sip, (unsigned long long)ds->sip_bad,
	              (unsigned long long)ds->icmp_errors, (unsigned long long)ds->keepalives);
	esc_c(b, t.p);
	sw_buf_puts(b, "</dd>\n<dt>");
	esc_c(b, _("Accounts"));
	sw_buf_puts(b, "</dt><dd>");
	sw_buf_reset(&t);
	sw_buf_printf(&t, _("%zu with findings, %zu without"), n_failing, n_healthy);
	esc_c(b, t.p);
	sw_buf_puts(b, "</dd>\n<dt>");
	esc_c(b, _("Findings"));
	sw_buf_puts(b, "</dt><dd>");
	size_t cnt[3] = {0, 0, 0};
	for (size_t i = 0; i < sw_analyze_nfindings(app->an); i++) {
		const struct sw_finding *f = sw_analyze_finding(app->an, i);
		if (sw_ladder_finding_live(f))
			cnt[f->severity]++;
	}
	for (int s = SW_SEV_ERROR; s >= SW_SEV_INFO; s--) {
		sw_buf_printf(b, "<span class=\"sev %s\">%zu ", sev_class((enum sw_severity)s), cnt[s]);
		esc_c(b, sw_out_sev_label(app, (enum sw_severity)s));
		sw_buf_puts(b, "</span> ");
	}
	sw_buf_puts(b, "</dd>\n");
	const struct sw_pair *p = sw_analyze_pair(app->an);
	if (p && sw_pair_summary(p)->status != SW_PAIR_PENDING) {
		const struct sw_pair_summary *s = sw_pair_summary(p);
		sw_buf_puts(b, "<dt>");
		esc_c(b, _("Two captures"));
		sw_buf_printf(b, "</dt><dd>%s", sw_pair_status_name(s->status));
		if (s->status == SW_PAIR_PAIRED) {
			sw_buf_reset(&t);
			sw_buf_printf(&t, _(": phone side %s, server side %s; %u matched, %u lost, %u rewritten"),
			              sw_out_file_label(app, s->file[SW_SIDE_PHONE]),
			              sw_out_file_label(app, s->file[SW_SIDE_SERVER]), s->matched,
			              s->lost[0] + s->lost[1], s->changed);
			esc_c(b, t.p);
		}
		sw_buf_puts(b, "</dd>\n");
	}
	sw_buf_free(&t);
	sw_buf_puts(b, "</dl>\n</header>\n<nav class=\"noprint\"><ul>");
	static const struct {
		const char *id, *label;
	} toc[] = {{"findings", N_("Findings")},
	           {"accounts", N_("Accounts with findings")},
	           {"dialogs", N_("Calls and other dialogs")},
	           {"healthy", N_("Healthy accounts")},
	           {"sides", N_("Both sides")},
	           {"left-out", N_("Left out")}};
	for (size_t i = 0; i < sizeof toc / sizeof *toc; i++) {
		if (!h->pair && strcmp(toc[i].id, "sides") == 0)
			continue;
		sw_buf_printf(b, "<li><a href=\"#%s\">", toc[i].id);
		esc_c(b, _(toc[i].label));
		sw_buf_puts(b, "</a></li>");
	}
	sw_buf_puts(b, "</ul></nav>\n");
}

/* ---- findings ---------------------------------------------------------------- */

static void para(struct html *h, const char *label, const char *text)
{
	if (!text)
		return;
	sw_buf_puts(h->b, "<dt>");
	esc_c(h->b, label);
	sw_buf_puts(h->b, "</dt><dd>");
	esc_c(h->b, text);
	sw_buf_puts(h->b, "</dd>\n");
}

static void finding(struct html *h, const struct sw_finding *f)
{
	struct sw_app *app = h->app;
	struct sw_buf *b = h->b;
	const char *cls = sev_class(f->severity), *cause = sw_finding_cause(f);
	char t[SW_TIMESTRLEN];
	struct sw_finding_texts tx;
	sw_finding_texts(app->an, f, SW_TEXT_ALL, &tx);
	sw_buf_printf(b, "<article class=\"finding %s\" id=\"f%u\">\n<h3><span class=\"sev %s\">", cls,
	              f->id, cls);
	esc_c(b, sw_out_sev_label(app, f->severity));
	sw_buf_printf(b, "</span> #%u <code>%s</code>", f->id, sw_kind_name(f->kind));
	if (cause[0]) {
		sw_buf_puts(b, " <code>(");
		esc_c(b, cause);
		sw_buf_puts(b, ")</code>");
	}
	sw_buf_puts(b, "</h3>\n<p class=\"summary\">");
	esc_c(b, tx.summary);
	sw_buf_puts(b, "</p>\n");
	if (f->suspected) {
		sw_buf_puts(b, "<p class=\"dim\">");
		esc_c(b, _("(suspected: the evidence allows only a suspicion)"));
		sw_buf_puts(b, "</p>\n");
	}
	if (f->resolved) {
		sw_buf_puts(b, "<p class=\"resolved\">");
		esc_c(b, _("(the account registered successfully afterwards)"));
		sw_buf_puts(b, "</p>\n");
	}
	sw_buf_puts(b, "<dl class=\"kv\">\n");
	if (f->first_ns != INT64_MAX && f->first_ns) {
		sw_buf_puts(b, "<dt>");
		esc_c(b, _("When"));
		sw_buf_printf(b, "</dt><dd>%s</dd>\n", sw_time_iso(f->first_ns, t));
	}
	uint32_t it = sw_ladder_finding_item(app->an, f);
	if (f->aor) {
		sw_buf_puts(b, "<dt>");
		esc_c(b, f->account != UINT32_MAX ? _("Account") : _("AOR"));
		sw_buf_puts(b, "</dt><dd>");
		bool link = it < sw_analyze_nitems(app->an) && h->item_ladder[it];
		if (link)
			sw_buf_printf(b, "<a href=\"#i%u\">", it);
		esc_c(b, f->aor);
		if (link)
			sw_buf_puts(b, "</a>");
		sw_buf_puts(b, "</dd>\n");
	}
	sw_buf_puts(b, "<dt>");
	esc_c(b, _("Evidence"));
	sw_buf_puts(b, "</dt><dd><ul class=\"ev\">");
	for (size_t i = 0; i < f->n_evidence; i++) {
		const struct sw_evidence *e = &f->evidence[i];
		bool link = e->msg_id < h->nmsgs && h->drawn[e->msg_id];
		sw_buf_puts(b, "<li>");
		if (link)
			sw_buf_printf(b, "<a class=\"evl\" href=\"#m%u\">", e->msg_id);
		put_frame(h, e->file_idx, e->frame_no);
		sw_buf_putc(b, ' ');
		esc_c(b, e->label);
		if (link)
			sw_buf_puts(b, "</a>");
		sw_buf_printf(b, " <span class=\"dim\">%s</span></li>", sw_time_hms(e->ts_ns, t));
	}
	sw_buf_puts(b, "</ul>");
	if (f->evidence_total > f->n_evidence) {
		struct sw_buf x = SW_BUF_INIT;
		sw_buf_printf(&x, _n(" (%zu frame in all)", " (%zu frames in all)", f->evidence_total), f->evidence_total);
		esc_c(b, x.p);
		sw_buf_free(&x);
	}
	sw_buf_puts(b, "</dd>\n");
	for (size_t i = 0; i < f->n_facts; i++) {
		if (f->facts[i].hidden)
			continue;
		sw_buf_printf(b, "<dt><code>%s</code></dt><dd>", f->facts[i].key);
		esc_c(b, f->facts[i].value);
		sw_buf_puts(b, "</dd>\n");
	}
	para(h, _("Why"), tx.explanation);
	para(h, _("Fix"), tx.advice);
	para(h, _("To confirm"), tx.confirm);
	sw_finding_texts_free(&tx);
	sw_buf_puts(b, "</dl>\n</article>\n");
}

static void findings(struct html *h)
{
	struct sw_app *app = h->app;
	struct sw_buf *b = h->b;
	size_t nf = sw_analyze_nfindings(app->an), live = 0;
	for (size_t i = 0; i < nf; i++)
		live += sw_ladder_finding_live(sw_analyze_finding(app->an, i));
	sw_buf_puts(b, "<section id=\"findings\">\n<h2>");
	esc_c(b, _("Findings"));
	sw_buf_printf(b, " (%zu)</h2>\n", live);
	if (!live) {
		sw_buf_puts(b, "<p>");
		esc_c(b, _("none: nothing wrong was found"));
		sw_buf_puts(b, "</p>\n");
	}
	/* Errors first; a kind and cause that a summary finding tells for many
	 * accounts shows a few of the accounts' own findings as examples. */
	uint32_t shown[SW_K_COUNT][SW_C_COUNT];
	bool summarised[SW_K_COUNT][SW_C_COUNT];
	memset(shown, 0, sizeof shown);
	memset(summarised, 0, sizeof summarised);
	for (size_t i = 0; i < nf; i++) {
		const struct sw_finding *f = sw_analyze_finding(app->an, i);
		if (f->aggregate)
			summarised[f->kind][f->cause] = true;
	}
	size_t told = 0;
	for (int sev = SW_SEV_ERROR; sev >= SW_SEV_INFO; sev--)
		for (size_t i = 0; i < nf; i++) {
			const struct sw_finding *f = sw_analyze_finding(app->an, i);
			if ((int)f->severity != sev || !sw_ladder_finding_live(f))
				continue;
			if (summarised[f->kind][f->cause] && !f->aggregate &&
			    shown[f->kind][f->cause]++ >= HTML_EXAMPLES) {
				h->left_findings++;
				continue;
			}
			if (told >= HTML_MAX_FINDINGS || over(h)) {
				h->left_findings++;
				continue;
			}
			told++;
			finding(h, f);
		}
	sw_buf_puts(b, "</section>\n");
}

/* ---- the SVG ladder ------------------------------------------------------------ */

struct svg {
	struct html *h;
	struct sw_ladder lay;
	int xs[SW_LADDER_MAX_EPS];
	size_t nc;
	bool merged;
	int width, right;
};

static void svg_head(struct svg *S, int height)
{
	struct html *h = S->h;
	struct sw_app *app = h->app;
	struct sw_buf *b = h->b;
	sw_buf_printf(b,
	              "<svg class=\"ladder\" width=\"%d\" "
	              "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
	              S->width, height, S->width, height);
	for (size_t c = 0; c < S->nc; c++) {
		char addr[SW_ADDRSTRLEN] = "";
		const char *role = "";
		const struct sw_ladder_ep *ep = c < S->lay.neps ? &S->lay.eps[c] : NULL;
		if (ep) {
			if (ep->ports)
				sw_ip_fmt(&ep->a, addr);
			else
				sw_addr_fmt(&ep->a, addr);
			role = _(sw_ladder_role_msgid(ep->role));
		}
		if (S->merged && c == S->nc - 1) {
			role = _("others");
			snprintf(addr, sizeof addr, "+%zu", S->lay.neps - S->nc + 1);
		}
		sw_buf_printf(b, "<text class=\"role\" x=\"%d\" y=\"14\">", S->xs[c]);
		esc_c(b, role);
		if (ep && ep->ports && !(S->merged && c == S->nc - 1))
			sw_buf_printf(b, " :%u", ep->a.port);
		sw_buf_printf(b, "</text><text class=\"addr\" x=\"%d\" y=\"31\">", S->xs[c]);
		esc_c(b, addr);
		sw_buf_printf(b,
		              "</text><line class=\"life\" x1=\"%d\" y1=\"40\" x2=\"%d\" y2=\"%d\"/>"
		              "<line class=\"life\" x1=\"%d\" y1=\"40\" x2=\"%d\" y2=\"40\"/>\n",
		              S->xs[c], S->xs[c], height - 4, S->xs[c] - SV_COLW / 2 + 6,
		              S->xs[c] + SV_COLW / 2 - 6);
	}
}

static void fmt_delta(char *buf, size_t cap, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	snprintf(buf, cap, "+%lld.%06lld", (long long)(ns / SW_NS_PER_SEC),
	         (long long)((ns % SW_NS_PER_SEC) / 1000));
}

/* An arrow head at x pointing in direction dir (+1 right, -1 left). */
static void head(struct sw_buf *b, int x, int y, int dir)
{
	sw_buf_printf(b, "<path class=\"h\" d=\"M%d %dl%d -5v10z\"/>", x, y, -9 * dir);
}

static void svg_message(struct svg *S, size_t i, int y)
{
	struct html *h = S->h;
	struct sw_app *app = h->app;
	struct sw_buf *b = h->b;
	struct sw_msg m_rec;
	const struct sw_msg *m = sw_analyze_msg(app->an, S->lay.ids[i], &m_rec);
	if (!m)
		return;
	const char *kind = m->kind == SW_MSG_ICMP        ? "icmp"
	                   : m->kind == SW_MSG_KEEPALIVE ? "ka"
	                   : m->kind == SW_MSG_SIP_BAD   ? "bad"
	                   : m->is_request               ? "req"
	                                                 : "resp";
	const struct sw_finding *f =
	    S->lay.mark[i] == UINT32_MAX ? NULL : sw_analyze_finding(app->an, S->lay.mark[i]);
	bool lost = S->lay.pmark[i] == SW_LPM_LOST, changed = S->lay.pmark[i] == SW_LPM_CHANGED;
	sw_buf_printf(b, "<g class=\"m %s%s%s%s%s%s\" id=\"m%u\" data-t=\"t%u\" tabindex=\"0\">", kind,
	              m->retrans ? " retrans" : "", f ? " ev " : "", f ? sev_class(f->severity) : "",
	              lost ? " lost" : "", changed ? " changed" : "", m->id, m->id);
	/* The tooltip, and the pane's heading. */
	char s1[SW_ADDRSTRLEN], s2[SW_ADDRSTRLEN], ts[SW_TIMESTRLEN];
	sw_buf_puts(b, "<title>");
	struct sw_buf x = SW_BUF_INIT;
	sw_buf_printf(&x, _("frame %llu"), (unsigned long long)m->frame_no);
	esc_c(b, x.p);
	sw_buf_free(&x);
	if (sw_capture_nsources(app->cap) > 1) {
		sw_buf_puts(b, " (");
		esc_c(b, sw_out_file_label(app, m->file_idx));
		sw_buf_putc(b, ')');
	}
	sw_buf_printf(b, " %s %s \xe2\x86\x92 %s %s ", sw_time_hms(m->ts_ns, ts), sw_addr_fmt(&m->src, s1),
	              sw_addr_fmt(&m->dst, s2), sw_transport_name((enum sw_transport)m->transport));
	esc_c(b, m->label);
	if (m->cseq >= 0)
		sw_buf_printf(b, " CSeq %lld", (long long)m->cseq);
	if (f) {
		sw_buf_printf(b, " \xe2\x80\x94 #%u ", f->id);
		char *summary = sw_finding_summary(app->an, f);
		esc_c(b, summary);
		free(summary);
	}
	sw_buf_printf(b, "</title><rect class=\"hit\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>", y,
	              S->width, SV_ROW);
	sw_buf_printf(b, "<text class=\"lt\" x=\"4\" y=\"%d\">%s</text>", y + 13, ts);
	if (i > 0) {
		struct sw_msg p_rec;
		const struct sw_msg *p = sw_analyze_msg(app->an, S->lay.ids[i - 1], &p_rec);
		char d[32];
		fmt_delta(d, sizeof d, p ? m->ts_ns - p->ts_ns : 0);
		sw_buf_printf(b, "<text class=\"lt\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
		              SV_GUTTER - 12, y + 28, d);
	}
	size_t sc = S->lay.src[i] < S->nc ? S->lay.src[i] : S->nc - 1;
	size_t dc = S->lay.dst[i] < S->nc ? S->lay.dst[i] : S->nc - 1;
	int xa = S->xs[sc], xb = S->xs[dc], ay = y + 24;
	int lo = xa < xb ? xa : xb, hi = xa < xb ? xb : xa;
	sw_buf_printf(b, "<text class=\"lbl\" x=\"%d\" y=\"%d\">", lo == hi ? lo + 40 : (lo + hi) / 2,
	              y + 14);
	esc_c(b, m->label);
	if (lost)
		esc_c(b, _(" (lost)"));
	else if (m->retrans)
		esc_c(b, _(" (retransmission)"));
	sw_buf_puts(b, "</text>");
	if (lo == hi) { /* to itself */
		sw_buf_printf(b, "<path class=\"a\" d=\"M%d %dh22v8h-18\"/>", lo, ay - 6);
		head(b, lo + 2, ay + 2, -1);
	} else {
		int dir = xb > xa ? 1 : -1;
		sw_buf_printf(b, "<path class=\"a\" d=\"M%d %dH%d\"/>", xa, ay, xb - dir * 2);
		if (lost) {
			/* It never arrived: the arrow ends in an X. */
			int cx = xb - dir * 10;
			sw_buf_printf(b, "<path class=\"a\" d=\"M%d %dl10 10m0 -10l-10 10\"/>", cx - 5,
			              ay - 5);
		} else {
			for (int k = 0; k < (m->retrans ? 3 : 1); k++)
				head(b, xb - dir * (1 + 7 * k), ay, dir);
		}
		if (m->kind == SW_MSG_ICMP) /* the error bounces off the reporter */
			sw_buf_printf(b, "<path class=\"a\" d=\"M%d %dl8 8m0 -8l-8 8\"/>",
			              xa + dir * 4 - 4, ay - 4);
	}
	int mx = S->right + 6;
	if (changed || lost) {
		/* Two captures: [~] rewritten, [X] lost; linked to both copies. */
		const struct sw_pair_match *pm = changed ? sw_pair_match_of_msg(h->pair, m->id) : NULL;
		const struct sw_pair_loss *pl =
		    lost ? sw_pair_loss_of_frame(h->pair, m->file_idx, m->frame_no) : NULL;
		bool link = false;
		for (size_t k = 0; pm && k < h->npair_shown && !link; k++)
			link = h->pair_shown[k] == pm->id;
		for (size_t k = 0; pl && k < h->nloss_shown && !link; k++)
			link = h->loss_shown[k] == pl->id;
		if (link)
			sw_buf_printf(b, "<a href=\"#%c%u\">", pm ? 'p' : 'q', pm ? pm->id : pl->id);
		sw_buf_printf(b, "<text class=\"pm%s\" x=\"%d\" y=\"%d\">%s</text>", lost ? " lostm" : "", mx,
		              y + 14, lost ? "[X]" : "[~]");
		if (link)
			sw_buf_puts(b, "</a>");
	}
	if (f) {
		size_t others = 0;
		for (size_t k = 0; k < sw_analyze_nfindings(app->an); k++) {
			const struct sw_finding *o = sw_analyze_finding(app->an, k);
			if (o != f && sw_ladder_finding_live(o) && sw_ladder_finding_has_msg(o, m))
				others++;
		}
		sw_buf_printf(b,
		              "<a href=\"#f%u\"><text class=\"badge %s\" x=\"%d\" y=\"%d\">%s#%u%s</text></a>",
		              f->id, sev_class(f->severity), mx, ay + 4,
		              f->severity == SW_SEV_ERROR ? "E" : f->severity == SW_SEV_WARNING ? "W" : "i",
		              f->id, others ? "+" : "");
	}
	sw_buf_puts(b, "</g>\n");
}

static void svg_gap(struct svg *S, const struct sw_ladder_entry *e, int y)
{
	struct html *h = S->h;
	struct sw_app *app = h->app;
	struct sw_buf *b = h->b;
	sw_buf_printf(b, "<g class=\"g\"><rect class=\"gapbg\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
	              SV_GUTTER - 4, y, S->right - SV_GUTTER + 8, SV_GAP);
	for (size_t c = 0; c < S->nc; c++)
		sw_buf_printf(b, "<line class=\"life dots\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", S->xs[c],
		              y, S->xs[c], y + SV_GAP);
	struct sw_buf t = SW_BUF_INIT;
	if (e->timeout) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(app->an, S->lay.ids[e->idx], &m_rec);
		struct sw_buf lb = SW_BUF_INIT;
		sw_buf_puts(&lb, m && m->label ? m->label : "?");
		sw_buf_printf(&t, _("no response to %s (CSeq %lld)"), lb.p, m ? (long long)m->cseq : -1LL);
		sw_buf_free(&lb);
		if (e->gap_ns) {
			sw_buf_puts(&t, " - ");
			sw_buf_printf(&t, _("%.1f s of silence"), (double)e->gap_ns / (double)SW_NS_PER_SEC);
		}
	} else if (e->folded) {
		sw_buf_printf(&t, _("%u messages not shown (%.1f s)"), e->folded,
		              (double)e->gap_ns / (double)SW_NS_PER_SEC);
	} else {
		sw_buf_printf(&t, _("%.1f s of silence"), (double)e->gap_ns / (double)SW_NS_PER_SEC);
	}
	sw_buf_printf(b, "<text class=\"gap%s\" x=\"%d\" y=\"%d\">", e->timeout ? " to" : "",
	              (SV_GUTTER + S->right) / 2, y + 14);
	esc_c(b, t.p);
	sw_buf_puts(b, "</text></g>\n");
	sw_buf_free(&t);
}

static void ladder_svg(struct html *h, const struct ladder_plan *p)
{
	struct sw_app *app = h->app;
	struct svg S;
	memset(&S, 0, sizeof S);
	S.h = h;
	sw_ladder_build(&S.lay, app->an, h->pair, &p->item, 1, p->ids, p->n, p->folded);
	S.nc = S.lay.neps < 2 ? 2 : S.lay.neps;
	if (S.nc > 8) { /* as the TUI on a wide terminal: the rest share a column */
		S.nc = 8;
		S.merged = true;
	}
	S.right = SV_GUTTER + (int)S.nc * SV_COLW;
	S.width = S.right + SV_MARKW;
	for (size_t c = 0; c < S.nc; c++)
		S.xs[c] = SV_GUTTER + SV_COLW * (int)c + SV_COLW / 2;
	int height = SV_HEAD + 8;
	for (size_t e = 0; e < S.lay.nent; e++)
		height += S.lay.ent[e].gap ? SV_GAP : SV_ROW;
	sw_buf_puts(h->b, "<figure class=\"ladder\"><figcaption>");
	struct sw_buf t = SW_BUF_INIT;
	sw_buf_printf(&t, _n("Ladder: %zu message", "Ladder: %zu messages", p->total), p->total);
	if (p->n < p->total) {
		sw_buf_puts(&t, " ");
		sw_buf_printf(&t, _("(%zu drawn: the first, the last and those around the evidence)"), p->n);
	}
	esc_c(h->b, t.p);
	sw_buf_puts(h->b, " \xc2\xb7 ");
	esc_c(h->b, _("click an arrow for the message"));
	sw_buf_puts(h->b, "</figcaption>\n");
	sw_buf_free(&t);
	svg_head(&S, height);
	int y = SV_HEAD;
	for (size_t e = 0; e < S.lay.nent; e++) {
		if (S.lay.ent[e].gap) {
			svg_gap(&S, &S.lay.ent[e], y);
			y += SV_GAP;
		} else {
			svg_message(&S, S.lay.ent[e].idx, y);
			y += SV_ROW;
		}
	}
	sw_buf_puts(h->b, "</svg></figure>\n");
	sw_ladder_free(&S.lay);
}

/* ---- accounts, dialogs ------------------------------------------------------------ */

static void kv(struct html *h, const char *k, const char *v)
{
	sw_buf_puts(h->b, "<dt>");
	esc_c(h->b, k);
	sw_buf_puts(h->b, "</dt><dd>");
	esc_c(h->b, v);
	sw_buf_puts(h->b, "</dd>\n");
}

static void account_story(struct html *h, const struct sw_account *ac)
{
	struct sw_app *app = h->app;
	struct sw_buf *b = h->b;
	char t[SW_TIMESTRLEN], s1[SW_ADDRSTRLEN];
	struct sw_buf x = SW_BUF_INIT;
	sw_buf_printf(b, "<article class=\"account\" id=\"i%u\">\n<h3>", ac->item);
	esc_c(b, ac->aor);
	sw_buf_printf(b, " <span class=\"state %s\">", sw_reg_state_name(ac->state));
	esc_c(b, sw_out_state_label(app, ac->state));
	sw_buf_puts(b, "</span></h3>\n<dl class=\"kv\">\n");
	sw_buf_printf(&x, "%s %s", ac->client.family ? sw_addr_fmt(&ac->client, s1) : "-",
	              sw_transport_name(ac->transport));
	kv(h, _("phone"), x.p);
	kv(h, _("server"), ac->registrar.family ? sw_addr_fmt(&ac->registrar, s1) : "-");
	if (ac->user_agent)
		kv(h, "User-Agent", ac->user_agent);
	if (ac->server)
		kv(h, "Server", ac->server);
	if (ac->has_mac) {
		sw_buf_reset(&x);
		sw_buf_printf(&x, "%02x:%02x:%02x:%02x:%02x:%02x", ac->mac[0], ac->mac[1], ac->mac[2],
		              ac->mac[3], ac->mac[4], ac->mac[5]);
		kv(h, "MAC", x.p);
	}
	if (ac->contact)
		kv(h, "Contact", ac->contact);
	struct sw_analyze_stats as;
	sw_analyze_get_stats(app->an, &as);
	double span = as.last_ns > ac->first_ns ? ((double)as.last_ns - (double)ac->first_ns) / 1e9 : 0;
	sw_buf_reset(&x);
	sw_buf_printf(&x, _("%u REGISTER attempts (%u messages): %u OK, %u challenged, %u rejected, %u unanswered; registered %.0f s of %.0f s"),
	              ac->n_register, ac->n_register_msgs, ac->n_ok, ac->n_challenge, ac->n_fail,
	              ac->n_timeout, (double)ac->registered_total_ns / 1e9, span);
	kv(h, _("Attempts"), x.p);
	if (ac->requested_expires >= 0 || ac->granted_expires >= 0) {
		sw_buf_reset(&x);
		if (ac->requested_expires >= 0)
			sw_buf_printf(&x, _("asked %d s"), ac->requested_expires);
		if (ac->granted_expires >= 0)
			sw_buf_printf(&x, _("%sgranted %d s"), x.len ? ", " : "", ac->granted_expires);
		if (ac->refresh_count)
			sw_buf_printf(&x, _n("; refreshed every %.0f s on average (%u refresh)",
			                 "; refreshed every %.0f s on average (%u refreshes)", ac->refresh_count),
			              (double)ac->refresh_sum_ns / 1e9 / ac->refresh_count, ac->refresh_count);
		kv(h, _("Expiry"), x.p);
	}
	sw_buf_puts(b, "</dl>\n");
	if (ac->n_public) {
		sw_buf_puts(b, "<table class=\"public\"><caption>");
		esc_c(b, _("Public addresses the server saw"));
		sw_buf_puts(b, "</caption><tr><th>");
		esc_c(b, _("address"));
		sw_buf_puts(b, "</th><th>");
		esc_c(b, _("first seen"));
		sw_buf_puts(b, "</th><th>");
		esc_c(b, _("last seen"));
		sw_buf_puts(b, "</th></tr>\n");
		for (size_t i = 0; i < ac->n_public; i++) {
			const struct sw_public_addr *p = &ac->public_addrs[i];
			sw_buf_printf(b, "<tr><td><code>%s</code></td><td>%s ", sw_addr_fmt(&p->addr, s1),
			              sw_time_iso(p->first_ns, t));
			put_frame(h, p->file_idx, p->first_frame);
			sw_buf_printf(b, "</td><td>%s ", sw_time_iso(p->last_ns, t));
			put_frame(h, p->file_idx, p->last_frame);
			sw_buf_puts(b, "</td></tr>\n");
		}
		sw_buf_puts(b, "</table>\n");
	}
	if (ac->n_changes) {
		sw_buf_puts(b, "<table class=\"history\"><caption>");
		esc_c(b, _("State over time"));
		sw_buf_puts(b, "</caption><tr><th>");
		esc_c(b, _("time"));
		sw_buf_puts(b, "</th><th>");
		esc_c(b, _("state"));
		sw_buf_puts(b, "</th><th>");
		esc_c(b, _("cause"));
		sw_buf_puts(b, "</th><th>");
		esc_c(b, _("frame"));
		sw_buf_puts(b, "</th></tr>\n");
		size_t from = ac->n_changes > HTML_MAX_HISTORY ? ac->n_changes - HTML_MAX_HISTORY : 0;
		if (from)
			sw_buf_printf(b, "<tr><td colspan=\"4\" class=\"dim\">&hellip; %zu</td></tr>\n", from);
		for (size_t i = from; i < ac->n_changes; i++) {
			const struct sw_reg_change *c = &ac->changes[i];
			sw_buf_printf(b, "<tr><td>%s</td><td class=\"state %s\">", sw_time_iso(c->ts_ns, t),
			              sw_reg_state_name(c->state));
			esc_c(b, sw_out_state_label(app, c->state));
			sw_buf_puts(b, "</td><td>");
			if (c->status)
				sw_buf_printf(b, "%d", c->status);
			else if (c->state == SW_REG_FAILED || c->state == SW_REG_EXPIRED)
				esc_c(b, _("no answer / lapse"));
			sw_buf_puts(b, "</td><td>");
			if (c->frame_no)
				put_frame(h, c->file_idx, c->frame_no);
			sw_buf_puts(b, "</td></tr>\n");
		}
		sw_buf_puts(b, "</table>\n");
	}
	bool any = false;
	for (uint32_t k = 0; k < ac->n_findings; k++) {
		const struct sw_finding *f = sw_analyze_finding(app->an, ac->findings[k]);
		if (!sw_ladder_finding_live(f))
			continue;
		if (!any) {
			sw_buf_puts(b, "<p>");
			esc_c(b, _("Findings:"));
		}
		any = true;
		sw_buf_printf(b, " <a href=\"#f%u\"><span class=\"sev %s\">#%u %s</span></a>", f->id,
		              sev_class(f->severity), f->id, sw_kind_name(f->kind));
	}
	if (any)
		sw_buf_puts(b, "</p>\n");
	sw_buf_free(&x);
	const struct ladder_plan *p = plan_of(h, ac->item);
	if (p)
		ladder_svg(h, p);
	sw_buf_puts(b, "</article>\n");
}

static void dialog_story(struct html *h, uint32_t item, const struct ladder_plan *p)
{
	struct sw_app *app = h->app;
	struct sw_buf *b = h->b;
	const struct sw_item *it = item == SW_LADDER_UNASSIGNED ? NULL : sw_analyze_item(app->an, item);
	const struct sw_dialog *d = it ? sw_analyze_dialog(app->an, it->ref) : NULL;
	sw_buf_printf(b, "<article class=\"dialog\" id=\"i%u\">\n<h3>", item);
	if (!d) {
		esc_c(b, _("messages of no account or dialog"));
	} else {
		esc_c(b, d->method);
		sw_buf_putc(b, ' ');
		if (d->call_id) {
			esc_c(b, d->from);
			sw_buf_puts(b, " &rarr; ");
			esc_c(b, d->to);
		} else {
			char s1[SW_ADDRSTRLEN], s2[SW_ADDRSTRLEN];
			sw_buf_printf(b, "%s &rarr; %s", sw_addr_fmt(&d->caller, s1), sw_addr_fmt(&d->callee, s2));
		}
		sw_buf_printf(b, " <span class=\"dim\">%s", sw_dialog_state_name(d->state));
		if (d->final_status)
			sw_buf_printf(b, " %d", d->final_status);
		sw_buf_puts(b, "</span>");
	}
	sw_buf_puts(b, "</h3>\n");
	if (d && d->call_id) {
		sw_buf_puts(b, "<p class=\"dim\">Call-ID <code>");
		esc_c(b, d->call_id);
		sw_buf_puts(b, "</code></p>\n");
	}
	ladder_svg(h, p);
	sw_buf_puts(b, "</article>\n");
}

/* Accounts with findings or named by the selection first (worst first),
 * each with its story and ladder; the others in one table. */
static void accounts(struct html *h, const uint32_t *items, size_t nitems)
{
	struct sw_app *app = h->app;
	struct sw_buf *b = h->b;
	size_t na = sw_analyze_naccounts(app->an);
	sw_buf_puts(b, "<section id=\"accounts\">\n<h2>");
	esc_c(b, _("Accounts with findings"));
	sw_buf_puts(b, "</h2>\n");
	size_t told = 0;
	struct sw_account_buf abuf;
	for (int sev = SW_SEV_ERROR; sev >= SW_SEV_INFO - 1; sev--)
		for (size_t i = 0; i < na; i++) {
			const struct sw_account *ac = sw_analyze_account(app->an, i, &abuf);
			bool laddered = plan_of(h, ac->item) != NULL;
			bool featured = ac->has_findings || laddered;
			if (!featured)
				continue;
			int rank = ac->has_findings ? (int)ac->worst : SW_SEV_INFO - 1;
			if (rank != sev)
				continue;
			if (told >= HTML_MAX_ACCOUNTS || (over(h) && !laddered)) {
				h->left_accounts++;
				continue;
			}
			told++;
			account_story(h, ac);
		}
	if (!told) {
		sw_buf_puts(b, "<p>");
		esc_c(b, _("none"));
		sw_buf_puts(b, "</p>\n");
	}
	sw_buf_puts(b, "</section>\n<section id=\"dialogs\">\n<h2>");
	esc_c(b, _("Calls and other dialogs"));
	sw_buf_puts(b, "</h2>\n");
	size_t nd = 0;
	for (size_t i = 0; i < nitems; i++) {
		const struct sw_item *it =
		    items[i] == SW_LADDER_UNASSIGNED ? NULL : sw_analyze_item(app->an, items[i]);
		if (it && it->kind == SW_ITEM_ACCOUNT)
			continue;
		const struct ladder_plan *p = plan_of(h, items[i]);
		if (!p)
			continue;
		dialog_story(h, items[i], p);
		nd++;
	}
	if (!nd) {
		sw_buf_puts(b, "<p>");
		esc_c(b, _("none with findings"));
		sw_buf_puts(b, "</p>\n");
	}
	sw_buf_puts(b, "</section>\n<section id=\"healthy\">\n<h2>");
	esc_c(b, _("Healthy accounts"));
	sw_buf_puts(b, "</h2>\n");
	size_t rows = 0;
	for (size_t i = 0; i < na; i++) {
		const struct sw_account *ac = sw_analyze_account(app->an, i, &abuf);
		if (ac->has_findings || plan_of(h, ac->item))
			continue;
		if (rows >= HTML_MAX_HEALTHY || over(h)) {
			h->left_healthy++;
			continue;
		}
		if (!rows++) {
			sw_buf_puts(b, "<table class=\"healthy\"><tr><th>AOR</th><th>");
			esc_c(b, _("state"));
			sw_buf_puts(b, "</th><th>");
			esc_c(b, _("phone"));
			sw_buf_puts(b, "</th><th>");
			esc_c(b, _("server"));
			sw_buf_puts(b, "</th><th>User-Agent</th><th>REGISTER</th><th>");
			esc_c(b, _("registered"));
			sw_buf_puts(b, "</th></tr>\n");
		}
		char s1[SW_ADDRSTRLEN], s2[SW_ADDRSTRLEN];
		sw_buf_puts(b, "<tr><td>");
		esc_c(b, ac->aor);
		sw_buf_printf(b, "</td><td class=\"state %s\">", sw_reg_state_name(ac->state));
		esc_c(b, sw_out_state_label(app, ac->state));
		sw_buf_printf(b, "</td><td><code>%s</code></td><td><code>%s</code></td><td>",
		              ac->client.family ? sw_addr_fmt(&ac->client, s1) : "-",
		              ac->registrar.family ? sw_addr_fmt(&ac->registrar, s2) : "-");
		esc_c(b, ac->user_agent);
		struct sw_analyze_stats as;
		sw_analyze_get_stats(app->an, &as);
		double span = as.last_ns > ac->first_ns ? ((double)as.last_ns - (double)ac->first_ns) : 0;
		sw_buf_printf(b, "</td><td>%u / %u OK</td><td>%.0f%%</td></tr>\n", ac->n_ok, ac->n_register,
		              span > 0 ? 100.0 * (double)ac->registered_total_ns / span : 0.0);
	}
	if (rows)
		sw_buf_puts(b, "</table>\n");
	else {
		sw_buf_puts(b, "<p>");
		esc_c(b, _("none"));
		sw_buf_puts(b, "</p>\n");
	}
	sw_buf_puts(b, "</section>\n");
}

/* ---- two captures: both copies side by side --------------------------------------- */

/* A copy's text, its lines inside the ranges of diffs highlighted. */
static void side_text(struct html *h, const struct sw_pair_copy *c, const struct sw_pair_match *pm,
                      int side)
{
	struct sw_buf *b = h->b;
	if (!c->text) {
		sw_buf_puts(b, "<p class=\"dim\">");
		esc_c(b, sw_tr(h->app->cat, "(text not kept)"));
		sw_buf_puts(b, "</p>");
		return;
	}
	size_t len = c->text_len > HTML_TEXT_MAX ? HTML_TEXT_MAX : c->text_len;
	char *t = sw_malloc(len + 1);
	memcpy(t, c->text, len);
	mask_response(t, len);
	sw_buf_puts(b, "<pre>");
	size_t ls = 0;
	while (ls < len) {
		char *nl = memchr(t + ls, '\n', len - ls);
		size_t le = nl ? (size_t)(nl - t) + 1 : len;
		bool rw = false;
		for (size_t k = 0; pm && k < pm->n_diffs && !rw; k++) {
			const struct sw_pair_diff *d = &pm->diffs[k];
			if (d->cls != SW_DIFF_REWRITE || !d->len[side])
				continue;
			rw = d->off[side] < le && d->off[side] + d->len[side] > ls;
		}
		if (rw)
			sw_buf_puts(b, "<span class=\"rw\">");
		esc(b, t + ls, le - ls, ESC_PRE);
		if (rw)
			sw_buf_puts(b, "</span>");
		ls = le;
	}
	sw_buf_puts(b, "</pre>");
	free(t);
}

static void side_head(struct html *h, const char *side, const struct sw_pair_copy *c)
{
	char ts[SW_TIMESTRLEN];
	sw_buf_puts(h->b, "<h4>");
	esc_c(h->b, side);
	sw_buf_puts(h->b, " ");
	put_frame(h, c->file_idx, c->frame_no);
	sw_buf_printf(h->b, " %s</h4>", sw_time_hms(c->ts_ns, ts));
}

static void both_sides(struct html *h)
{
	struct sw_app *app = h->app;
	struct sw_buf *b = h->b;
	if (!h->pair)
		return;
	sw_buf_puts(b, "<section id=\"sides\">\n<h2>");
	esc_c(b, _("Both sides"));
	sw_buf_puts(b, "</h2>\n<p>");
	esc_c(b, _("Messages the path between the two captures rewrote (the rewritten lines highlighted) or lost, as each side captured them."));
	sw_buf_puts(b, "</p>\n");
	for (size_t i = 0; i < h->npair_shown; i++) {
		const struct sw_pair_match *pm = sw_pair_match(h->pair, h->pair_shown[i]);
		if (!pm)
			continue;
		sw_buf_printf(b, "<article class=\"pm\" id=\"p%u\"><h3>[~] ", pm->id);
		esc_c(b, pm->label);
		if (pm->cseq >= 0)
			sw_buf_printf(b, " CSeq %lld", (long long)pm->cseq);
		sw_buf_puts(b, " <span class=\"dim\">");
		struct sw_buf x = SW_BUF_INIT;
		sw_buf_printf(&x, _("%u lines rewritten"), pm->rewrites);
		esc_c(b, x.p);
		sw_buf_free(&x);
		sw_buf_puts(b, "</span></h3>\n<div class=\"sides\"><div>");
		side_head(h, _("phone side"), &pm->copy[SW_SIDE_PHONE]);
		side_text(h, &pm->copy[SW_SIDE_PHONE], pm, SW_SIDE_PHONE);
		sw_buf_puts(b, "</div><div>");
		side_head(h, _("server side"), &pm->copy[SW_SIDE_SERVER]);
		side_text(h, &pm->copy[SW_SIDE_SERVER], pm, SW_SIDE_SERVER);
		sw_buf_puts(b, "</div></div></article>\n");
	}
	for (size_t i = 0; i < h->nloss_shown; i++) {
		const struct sw_pair_loss *pl = sw_pair_loss(h->pair, h->loss_shown[i]);
		if (!pl)
			continue;
		sw_buf_printf(b, "<article class=\"pm\" id=\"q%u\"><h3>[X] ", pl->id);
		esc_c(b, pl->label);
		if (pl->cseq >= 0)
			sw_buf_printf(b, " CSeq %lld", (long long)pl->cseq);
		sw_buf_puts(b, "</h3>\n<div class=\"sides\"><div>");
		bool from_phone = pl->side == SW_SIDE_PHONE;
		const char *ph = _("phone side"), *sv = _("server side");
		if (from_phone) {
			side_head(h, ph, &pl->copy);
			side_text(h, &pl->copy, NULL, SW_SIDE_PHONE);
			sw_buf_puts(b, "</div><div><h4>");
			esc_c(b, sv);
			sw_buf_puts(b, "</h4><p><strong>");
			esc_c(b, _("never arrived"));
			sw_buf_puts(b, "</strong></p>");
		} else {
			sw_buf_puts(b, "<h4>");
			esc_c(b, ph);
			sw_buf_puts(b, "</h4><p><strong>");
			esc_c(b, _("never arrived"));
			sw_buf_puts(b, "</strong></p></div><div>");
			side_head(h, sv, &pl->copy);
			side_text(h, &pl->copy, NULL, SW_SIDE_SERVER);
		}
		sw_buf_puts(b, "</div></div></article>\n");
	}
	if (!h->npair_shown && !h->nloss_shown) {
		sw_buf_puts(b, "<p>");
		esc_c(b, _("Nothing was rewritten or lost between the two captures."));
		sw_buf_puts(b, "</p>\n");
	}
	sw_buf_puts(b, "</section>\n");
}

/* Which matches and losses get a side-by-side entry: those of drawn
 * arrows first, then others, up to HTML_MAX_PAIR. */
static void plan_pair(struct html *h)
{
	if (!h->pair)
		return;
	size_t nm = sw_pair_nmatches(h->pair), nl = sw_pair_nlosses(h->pair);
	h->pair_shown = sw_malloc((nm ? nm : 1) * sizeof *h->pair_shown);
	h->loss_shown = sw_malloc((nl ? nl : 1) * sizeof *h->loss_shown);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < nm; i++) {
			const struct sw_pair_match *pm = sw_pair_match(h->pair, i);
			if (!pm->rewrites)
				continue;
			bool drawn = false;
			for (int s = 0; s < 2; s++)
				drawn = drawn || (pm->copy[s].msg_id < h->nmsgs && h->drawn[pm->copy[s].msg_id]);
			if (drawn != (pass == 0))
				continue;
			if (h->npair_shown + h->nloss_shown >= HTML_MAX_PAIR) {
				h->left_pair++;
				continue;
			}
			h->pair_shown[h->npair_shown++] = pm->id;
		}
		for (size_t i = 0; i < nl; i++) {
			const struct sw_pair_loss *pl = sw_pair_loss(h->pair, i);
			bool drawn = pl->copy.msg_id < h->nmsgs && h->drawn[pl->copy.msg_id];
			if (drawn != (pass == 0))
				continue;
			if (h->npair_shown + h->nloss_shown >= HTML_MAX_PAIR) {
				h->left_pair++;
				continue;
			}
			h->loss_shown[h->nloss_shown++] = pl->id;
		}
	}
}

/* ---- message texts, what was left out, the end ------------------------------------- */

static void texts(struct html *h)
{
	struct sw_app *app = h->app;
	struct sw_buf *b = h->b;
	sw_buf_puts(b, "<div id=\"texts\" hidden>\n<p id=\"no-text\" class=\"dim\">");
	esc_c(b, _("The text of this message is not in the page (not kept, or over the page's size bound)."));
	sw_buf_puts(b, "</p>\n");
	struct sw_buf raw = SW_BUF_INIT;
	for (size_t p = 0; p < h->nplans; p++)
		for (size_t i = 0; i < h->plans[p].n; i++) {
			struct sw_msg m_rec;
			const struct sw_msg *m = sw_analyze_msg(app->an, h->plans[p].ids[i], &m_rec);
			if (!m || m->kind == SW_MSG_KEEPALIVE)
				continue;
			if (h->text_bytes >= HTML_TEXT_BUDGET || over(h)) {
				h->left_texts++;
				continue;
			}
			sw_buf_reset(&raw);
			if (sw_app_raw(app, m, &raw) < 0 || !raw.len)
				continue;
			bool cut = raw.len > HTML_TEXT_MAX;
			size_t len = cut ? HTML_TEXT_MAX : raw.len;
			mask_response(raw.p, len);
			size_t before = b->len;
			sw_buf_printf(b, "<pre id=\"t%u\">", m->id);
			if (m->kind == SW_MSG_ICMP) {
				sw_buf_puts(b, "<span class=\"dim\">");
				esc_c(b, _("The packet the ICMP error quotes:"));
				sw_buf_puts(b, "</span>\n");
			}
			esc(b, raw.p, len, ESC_PRE);
			if (cut) {
				struct sw_buf x = SW_BUF_INIT;
				sw_buf_printf(&x, _("[... %zu more bytes not in the page]"), raw.len - len);
				sw_buf_puts(b, "\n<span class=\"dim\">");
				esc_c(b, x.p);
				sw_buf_puts(b, "</span>");
				sw_buf_free(&x);
			}
			sw_buf_puts(b, "</pre>\n");
			h->text_bytes += b->len - before;
		}
	sw_buf_free(&raw);
	sw_buf_puts(b, "</div>\n");
}

static void left_out(struct html *h)
{
	struct sw_app *app = h->app;
	struct sw_buf *b = h->b;
	sw_buf_puts(b, "<section id=\"left-out\">\n<h2>");
	esc_c(b, _("Left out"));
	sw_buf_puts(b, "</h2>\n<p>");
	struct sw_buf x = SW_BUF_INIT;
	sw_buf_printf(&x, _("The page stays under %u MB whatever the capture: ladders are drawn for the accounts and dialogs with findings and those a selection names (--aor, --call-id, --select), long ladders show the first and last messages and those around the evidence."),
	              HTML_PAGE_BOUND >> 20);
	esc_c(b, x.p);
	sw_buf_puts(b, "</p>\n<ul>\n");
	size_t any = 0;
#define LEFT(n, fmt)                                                                               \
	do {                                                                                       \
		if (n) {                                                                           \
			sw_buf_reset(&x);                                                          \
			sw_buf_printf(&x, fmt, n);                                                 \
			sw_buf_puts(b, "<li>");                                                    \
			esc_c(b, x.p);                                                             \
			sw_buf_puts(b, "</li>\n");                                                 \
			any++;                                                                     \
		}                                                                                  \
	} while (0)
	LEFT(h->left_findings, _("%zu findings not told in full (the summary findings and --report or --json tell them)"));
	LEFT(h->left_accounts, _("%zu accounts with findings not described"));
	LEFT(h->left_healthy, _("%zu healthy accounts not listed"));
	LEFT(h->left_ladders, _("%zu ladders not drawn"));
	LEFT((size_t)h->left_folded, _("%zu messages not drawn in long ladders"));
	LEFT(h->left_texts, _("%zu message texts not included"));
	LEFT(h->left_pair, _("%zu rewritten or lost messages not shown side by side"));
#undef LEFT
	struct sw_analyze_stats as;
	sw_analyze_get_stats(app->an, &as);
	if (as.findings_dropped) {
		sw_buf_reset(&x);
		sw_buf_printf(&x, _("%llu findings were not kept by the analysis (over %u)"),
		              (unsigned long long)as.findings_dropped, (unsigned)SW_MAX_FINDINGS);
		sw_buf_puts(b, "<li>");
		esc_c(b, x.p);
		sw_buf_puts(b, "</li>\n");
		any++;
	}
	if (!any) {
		sw_buf_puts(b, "<li>");
		esc_c(b, _("nothing: the whole analysis is in the page"));
		sw_buf_puts(b, "</li>\n");
	}
	sw_buf_puts(b, "</ul>\n</section>\n");
	sw_buf_free(&x);
}

int sw_out_html(struct sw_app *app, const char *path, const uint32_t *items, size_t nitems,
                char *err, size_t errlen)
{
	struct sw_buf page = SW_BUF_INIT;
	struct html h;
	memset(&h, 0, sizeof h);
	h.app = app;
	h.b = &page;
	h.nmsgs = sw_analyze_nmsgs(app->an);
	h.drawn = sw_calloc(h.nmsgs + 1, 1);
	size_t ni = sw_analyze_nitems(app->an);
	h.item_ladder = sw_calloc(ni + 1, 1);
	h.pair = sw_analyze_pair(app->an);
	if (h.pair && sw_pair_summary(h.pair)->status != SW_PAIR_PAIRED)
		h.pair = NULL;
	/* The ladders: the items asked for, then those with findings. */
	uint32_t *sel = NULL;
	bool named = false;
	size_t nsel = sw_app_items(app, &sel, &named);
	uint32_t *want = sw_malloc((nitems + nsel + 1) * sizeof *want);
	size_t nwant = 0;
	for (size_t i = 0; i < nitems; i++)
		want[nwant++] = items[i];
	for (size_t i = 0; i < nsel; i++) {
		bool dup = false;
		for (size_t k = 0; k < nitems && !dup; k++)
			dup = items[k] == sel[i];
		if (!dup)
			want[nwant++] = sel[i];
	}
	if (named) {
		/* A selection adds to the items with findings. */
		uint32_t *fi = NULL;
		size_t nfi = sw_app_items_with_findings(app, &fi);
		want = sw_realloc(want, (nwant + nfi + 1) * sizeof *want);
		for (size_t i = 0; i < nfi; i++) {
			bool dup = false;
			for (size_t k = 0; k < nwant && !dup; k++)
				dup = want[k] == fi[i];
			if (!dup)
				want[nwant++] = fi[i];
		}
		free(fi);
	}
	plan_ladders(&h, want, nwant);
	plan_pair(&h);
	size_t n_fail = 0, n_ok = 0;
	struct sw_account_buf abuf;
	for (size_t i = 0; i < sw_analyze_naccounts(app->an); i++) {
		if (sw_analyze_account(app->an, i, &abuf)->has_findings)
			n_fail++;
		else
			n_ok++;
	}
	page_head(&h);
	overview(&h, n_fail, n_ok);
	sw_buf_puts(&page, "<main>\n");
	findings(&h);
	accounts(&h, want, nwant);
	both_sides(&h);
	left_out(&h);
	sw_buf_puts(&page, "</main>\n<aside id=\"pane\" hidden><button id=\"pane-close\" type=\"button\" "
	                   "aria-label=\"close\">&times;</button><p id=\"pane-head\"></p>"
	                   "<div id=\"pane-body\"></div></aside>\n");
	texts(&h);
	sw_buf_puts(&page, "<footer>");
	struct sw_buf foot = SW_BUF_INIT;
	sw_buf_printf(&foot, _("Written by sipwatch %s; the digest response= of every message is masked."),
	              SW_VERSION);
	esc_c(&page, foot.p);
	sw_buf_free(&foot);
	sw_buf_printf(&page, "</footer>\n<script>%s</script>\n</body>\n</html>\n", page_js);
	/* Write. */
	int rc = 0;
	FILE *fp = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (!fp) {
		snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
		rc = -1;
	} else {
		if (fwrite(page.p, 1, page.len, fp) != page.len)
			rc = -1;
		if (fp == stdout ? fflush(fp) != 0 : fclose(fp) != 0)
			rc = -1;
		if (rc < 0)
			snprintf(err, errlen, "%s: write failed", path);
	}
	for (size_t i = 0; i < h.nplans; i++) {
		free(h.plans[i].ids);
		free(h.plans[i].folded);
	}
	free(h.plans);
	free(h.drawn);
	free(h.item_ladder);
	free(h.pair_shown);
	free(h.loss_shown);
	free(sel);
	free(want);
	sw_buf_free(&page);
	return rc;
}
