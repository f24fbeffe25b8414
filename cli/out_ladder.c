/* SPDX-License-Identifier: BSD-2-Clause */
/* --ladder: the TUI's ladder as plain text for mails and ticket comments, one
 * per selected account or dialog (cli/pick.c), ASCII or box-drawing
 * (--ladder=utf8), at most --width columns (100), each evidence arrow marked
 * with its finding's number and the findings' summaries under the ladder.
 * The layout is view/ladder.c's, so the columns, the gap lines and the marks
 * are those of the TUI. Deterministic: times in UTC, nothing from the
 * machine that writes it. Wire text is escaped as in the report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/pair.h"
#include "cli/cli.h"
#include "common/mem.h"
#include "view/ladder.h"

#define _(s) sw_tr(app->cat, s)
#define _n(s, p, n) sw_trn(app->cat, s, p, n)
#define LT_WIDTH 100    /* default columns */
#define LT_GUTTER 17    /* "HH:MM:SS.uuuuuu " */
#define LT_MARK 8       /* "[E#123+]" at the right */
#define LT_MIN_COLW 14
#define LT_MAX_MSGS 300 /* messages drawn per ladder; the rest folded (view/ladder.h) */
#define LT_CONT 0xFFFFFFFFu /* the right half of a wide character */

/* Glyphs of one style. */
struct glyphs {
	uint32_t vline, hline, tee, dots;
};
static const struct glyphs ascii_g = {'|', '-', '+', ':'};
static const struct glyphs utf8_g = {0x2502, 0x2500, 0x252C, 0x250A}; /* │ ─ ┬ ┊ */

/* One line of cells, each a code point (LT_CONT after a wide one). */
struct row {
	uint32_t *c;
	int w;
};

/* Columns of code point cp: 2 for East Asian wide and full-width forms. */
static int cp_cols(uint32_t cp)
{
	if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD))
		return 2;
	return 1;
}

/* Next code point of valid UTF-8 s (text already escaped: sw_buf_put_text
 * lets only valid, printable UTF-8 through); *n its length. */
static uint32_t next_cp(const char *s, size_t *n)
{
	const unsigned char *p = (const unsigned char *)s;
	if (p[0] < 0x80) {
		*n = 1;
		return p[0];
	}
	size_t len = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : 2;
	uint32_t cp = p[0] & (0x3F >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*n = i;
			return '?';
		}
		cp = cp << 6 | (p[i] & 0x3F);
	}
	*n = len;
	return cp;
}

static int str_cols(const char *s)
{
	int w = 0;
	size_t n;
	for (; *s; s += n)
		w += cp_cols(next_cp(s, &n));
	return w;
}

static void row_clear(struct row *r)
{
	for (int i = 0; i < r->w; i++)
		r->c[i] = ' ';
}

static void put_cp(struct row *r, int x, uint32_t cp)
{
	if (x < 0 || x >= r->w)
		return;
	/* Overwriting half of a wide character blanks the other half. */
	if (r->c[x] == LT_CONT && x > 0)
		r->c[x - 1] = ' ';
	if (x + 1 < r->w && r->c[x + 1] == LT_CONT)
		r->c[x + 1] = ' ';
	r->c[x] = cp;
}

/* Draws UTF-8 s at x, clipped to w columns (a wide character that does not
 * fit is left out); returns the columns used. */
static int put_str(struct row *r, int x, int w, const char *s)
{
	int used = 0;
	size_t n;
	for (; *s; s += n) {
		uint32_t cp = next_cp(s, &n);
		int cw = cp_cols(cp);
		if (used + cw > w || x + used + cw > r->w)
			break;
		put_cp(r, x + used, cp);
		if (cw == 2)
			put_cp(r, x + used + 1, LT_CONT);
		used += cw;
	}
	return used;
}

static void put_center(struct row *r, int x, int w, const char *s)
{
	int tw = str_cols(s);
	put_str(r, tw < w ? x + (w - tw) / 2 : x, w, s);
}

static void utf8_put(struct sw_buf *b, uint32_t cp)
{
	char o[4];
	if (cp < 0x80) {
		sw_buf_putc(b, (char)cp);
		return;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		sw_buf_put(b, o, 2);
	} else if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		sw_buf_put(b, o, 3);
	} else {
		o[0] = (char)(0xF0 | (cp >> 18));
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[3] = (char)(0x80 | (cp & 0x3F));
		sw_buf_put(b, o, 4);
	}
}

/* The row as a line of b, trailing blanks dropped. */
static void row_emit(struct sw_buf *b, const struct row *r)
{
	int end = r->w;
	while (end > 0 && r->c[end - 1] == ' ')
		end--;
	for (int i = 0; i < end; i++)
		if (r->c[i] != LT_CONT)
			utf8_put(b, r->c[i]);
	sw_buf_putc(b, '\n');
}

struct lt {
	struct sw_app *app;
	const struct glyphs *g;
	struct sw_ladder lay;
	struct row r1, r2;
	int width, right, span;
	int xs[SW_LADDER_MAX_EPS];
	size_t nc;
	bool merged;
};

static void vlines(struct lt *L, struct row *r, bool dotted)
{
	for (size_t c = 0; c < L->nc; c++)
		put_cp(r, L->xs[c], dotted ? L->g->dots : L->g->vline);
}

static void put_wire(struct sw_buf *b, const char *s)
{
	sw_buf_put_text(b, sw_str_c(s ? s : "?"));
}

/* The finding marks of message m: "[E#3]", "[E#3+]" when others name it too. */
static void finding_mark(struct lt *L, size_t i, char *out, size_t cap)
{
	out[0] = '\0';
	uint32_t id = L->lay.mark[i];
	const struct sw_finding *f = id == UINT32_MAX ? NULL : sw_analyze_finding(L->app->an, id);
	if (!f)
		return;
	struct sw_msg m_rec;
	const struct sw_msg *m = sw_analyze_msg(L->app->an, L->lay.ids[i], &m_rec);
	size_t others = 0;
	for (size_t k = 0; m && k < sw_analyze_nfindings(L->app->an); k++) {
		const struct sw_finding *o = sw_analyze_finding(L->app->an, k);
		if (o != f && sw_ladder_finding_live(o) && sw_ladder_finding_has_msg(o, m))
			others++;
	}
	const char *sev = f->severity == SW_SEV_ERROR ? "E" : f->severity == SW_SEV_WARNING ? "W" : "i";
	snprintf(out, cap, "[%s#%u%s]", sev, f->id, others ? "+" : "");
}

static void header(struct lt *L, struct sw_buf *out)
{
	struct sw_app *app = L->app;
	struct row *r = &L->r1;
	for (int line = 0; line < 3; line++) {
		row_clear(r);
		for (size_t c = 0; c < L->nc; c++) {
			int cx = L->xs[c] - L->span / 2, cw = L->span - 1;
			char addr[SW_ADDRSTRLEN] = "", top[96], ip[SW_IPSTRLEN];
			const char *role = "";
			const struct sw_ladder_ep *ep = c < L->lay.neps ? &L->lay.eps[c] : NULL;
			if (ep) {
				if (ep->ports)
					sw_ip_fmt(&ep->a, addr);
				else
					sw_addr_fmt(&ep->a, addr);
				role = _(sw_ladder_role_msgid(ep->role));
			}
			bool others = L->merged && c == L->nc - 1;
			if (others) {
				role = _("others");
				snprintf(addr, sizeof addr, "+%zu", L->lay.neps - L->nc + 1);
			}
			snprintf(top, sizeof top, "%s", role);
			if (str_cols(addr) > cw && ep && !ep->ports && !others) {
				/* Too wide: the port goes up beside the role. */
				sw_ip_fmt(&ep->a, ip);
				snprintf(top, sizeof top, "%s%s:%u", role, role[0] ? " " : "", ep->a.port);
				snprintf(addr, sizeof addr, "%s", ip);
			}
			if (line == 0)
				put_center(r, cx, cw, top);
			else if (line == 1)
				put_center(r, cx, cw, addr);
			else {
				for (int x = cx; x < cx + cw; x++)
					put_cp(r, x, L->g->hline);
				put_cp(r, L->xs[c], L->g->tee);
			}
		}
		row_emit(out, r);
	}
}

static void fmt_delta(char *buf, size_t cap, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	snprintf(buf, cap, "+%lld.%06lld", (long long)(ns / SW_NS_PER_SEC),
	         (long long)((ns % SW_NS_PER_SEC) / 1000));
}

static void message(struct lt *L, size_t i, struct sw_buf *out)
{
	struct sw_app *app = L->app;
	struct sw_msg m_rec;
	const struct sw_msg *m = sw_analyze_msg(app->an, L->lay.ids[i], &m_rec);
	struct row *a = &L->r1, *b = &L->r2;
	row_clear(a);
	row_clear(b);
	vlines(L, a, false);
	vlines(L, b, false);
	if (!m) {
		row_emit(out, a);
		row_emit(out, b);
		return;
	}
	char ts[SW_TIMESTRLEN], d[32];
	put_str(a, 0, LT_GUTTER - 1, sw_time_hms(m->ts_ns, ts));
	if (i > 0) {
		struct sw_msg p_rec;
		const struct sw_msg *p = sw_analyze_msg(app->an, L->lay.ids[i - 1], &p_rec);
		fmt_delta(d, sizeof d, p ? m->ts_ns - p->ts_ns : 0);
		put_str(b, LT_GUTTER - 1 - (int)strlen(d), (int)strlen(d), d);
	}
	size_t sc = L->lay.src[i] < L->nc ? L->lay.src[i] : L->nc - 1;
	size_t dc = L->lay.dst[i] < L->nc ? L->lay.dst[i] : L->nc - 1;
	int xa = L->xs[sc], xb = L->xs[dc];
	uint32_t fill = L->g->hline;
	if (m->kind == SW_MSG_ICMP)
		fill = '~';
	else if (m->kind == SW_MSG_KEEPALIVE)
		fill = '.';
	else if (m->kind == SW_MSG_SIP_BAD)
		fill = '=';
	bool lost = L->lay.pmark[i] == SW_LPM_LOST;
	struct sw_buf lb = SW_BUF_INIT;
	put_wire(&lb, m->label);
	if (lost)
		sw_buf_puts(&lb, _(" (lost)"));
	else if (m->retrans)
		sw_buf_puts(&lb, _(" (retransmission)"));
	int lo = xa < xb ? xa : xb, hi = xa < xb ? xb : xa;
	if (lo == hi) { /* to itself */
		put_str(a, lo + 2, L->right - lo - 2, lb.p);
		put_str(b, lo + 1, 3, "<->");
	} else {
		int w = hi - lo - 1, tw = str_cols(lb.p);
		if (tw > w && m->retrans && !lost) {
			sw_buf_reset(&lb);
			put_wire(&lb, m->label);
			tw = str_cols(lb.p);
		}
		/* Centred over the arrow; a longer label spills over the
		 * neighbouring columns rather than lose its end. */
		int lx = lo + 1 + (w - tw) / 2;
		if (lx + tw > L->right - 1)
			lx = L->right - 1 - tw;
		if (lx < LT_GUTTER)
			lx = LT_GUTTER;
		put_str(a, lx, L->right - 1 - lx, lb.p);
		for (int x = lo + 1; x < hi; x++)
			put_cp(b, x, fill);
		int heads = m->retrans ? 3 : 1;
		if (heads > w)
			heads = w;
		for (int k = 0; k < heads; k++) {
			uint32_t head = lost && k == 0 ? 'X' : xb > xa ? '>' : '<';
			put_cp(b, xb > xa ? xb - 1 - k : xb + 1 + k, head);
		}
		if (m->kind == SW_MSG_ICMP) /* the error bounces off the reporter */
			put_cp(b, xa > xb ? xa - 1 : xa + 1, 'x');
	}
	sw_buf_free(&lb);
	/* Two captures: [~] the path rewrote it, [X] it never arrived. */
	if (L->lay.pmark[i] == SW_LPM_CHANGED)
		put_str(a, L->right + 1, LT_MARK - 1, "[~]");
	else if (lost)
		put_str(a, L->right + 1, LT_MARK - 1, "[X]");
	char mk[32];
	finding_mark(L, i, mk, sizeof mk);
	if (mk[0])
		put_str(b, L->right + 1, LT_MARK, mk);
	row_emit(out, a);
	row_emit(out, b);
}

static void gap(struct lt *L, const struct sw_ladder_entry *e, struct sw_buf *out)
{
	struct sw_app *app = L->app;
	struct row *r = &L->r1;
	row_clear(r);
	vlines(L, r, true);
	struct sw_buf t = SW_BUF_INIT;
	const char *gutter = "  :";
	if (e->timeout) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(app->an, L->lay.ids[e->idx], &m_rec);
		struct sw_buf lb = SW_BUF_INIT;
		put_wire(&lb, m ? m->label : "?");
		sw_buf_printf(&t, _("no response to %s (CSeq %lld)"), lb.p,
		              m ? (long long)m->cseq : -1LL);
		sw_buf_free(&lb);
		if (e->gap_ns) {
			sw_buf_puts(&t, " - ");
			sw_buf_printf(&t, _("%.1f s of silence"), (double)e->gap_ns / (double)SW_NS_PER_SEC);
		}
		gutter = "  x";
	} else if (e->folded) {
		sw_buf_printf(&t, _("%u messages not shown (%.1f s)"), e->folded,
		              (double)e->gap_ns / (double)SW_NS_PER_SEC);
		gutter = "  ~";
	} else {
		sw_buf_printf(&t, _("%.1f s of silence"), (double)e->gap_ns / (double)SW_NS_PER_SEC);
	}
	int x0 = L->xs[0] + 2, w = L->right - x0 - 1;
	int tw = str_cols(t.p);
	int off = tw < w ? (w - tw) / 2 : 0;
	for (int x = x0 + off - 1; x < x0 + off - 1 + (tw + 2 < w ? tw + 2 : w); x++)
		put_cp(r, x, ' ');
	put_str(r, x0 + off, w - off, t.p);
	put_str(r, 1, LT_GUTTER - 2, gutter);
	row_emit(out, r);
	sw_buf_free(&t);
}

/* "Ladder: 12 messages - sip:100@example.com" as the TUI's title. */
static void title(struct lt *L, uint32_t item, size_t total, struct sw_buf *out)
{
	struct sw_app *app = L->app;
	sw_buf_printf(out, _n("Ladder: %zu message", "Ladder: %zu messages", total), total);
	const struct sw_item *it = item == SW_LADDER_UNASSIGNED ? NULL : sw_analyze_item(app->an, item);
	if (item == SW_LADDER_UNASSIGNED) {
		sw_buf_printf(out, " - %s", _("messages of no account or dialog"));
	} else if (it && it->kind == SW_ITEM_ACCOUNT) {
		struct sw_account_buf abuf;
		const struct sw_account *ac = sw_analyze_account(app->an, it->ref, &abuf);
		sw_buf_puts(out, " - ");
		put_wire(out, ac ? ac->aor : "");
	} else if (it) {
		const struct sw_dialog *d = sw_analyze_dialog(app->an, it->ref);
		if (d) {
			sw_buf_puts(out, " - ");
			put_wire(out, d->method);
			if (d->call_id) {
				sw_buf_putc(out, ' ');
				put_wire(out, d->call_id);
			}
		}
	}
	sw_buf_putc(out, '\n');
}

/* The findings that mark an arrow of this ladder, or belong to its item. */
static void findings_under(struct lt *L, uint32_t item, struct sw_buf *out)
{
	struct sw_app *app = L->app;
	const struct sw_item *it = item == SW_LADDER_UNASSIGNED ? NULL : sw_analyze_item(app->an, item);
	bool any = false;
	for (size_t k = 0; k < sw_analyze_nfindings(app->an); k++) {
		const struct sw_finding *f = sw_analyze_finding(app->an, k);
		if (!sw_ladder_finding_live(f))
			continue;
		bool mine = it && ((it->kind == SW_ITEM_ACCOUNT && f->account == it->ref) ||
		                   (it->kind != SW_ITEM_ACCOUNT && f->dialog == it->ref));
		for (size_t i = 0; !mine && i < L->lay.nids; i++) {
			struct sw_msg m_rec;
			const struct sw_msg *m = sw_analyze_msg(app->an, L->lay.ids[i], &m_rec);
			mine = m && sw_ladder_finding_has_msg(f, m);
		}
		if (!mine)
			continue;
		if (!any)
			sw_buf_printf(out, "\n%s\n", _("Findings:"));
		any = true;
		const char *cause = sw_finding_cause(f);
		sw_buf_printf(out, "  #%u %s %s%s%s: ", f->id, sw_severity_name(f->severity),
		              sw_kind_name(f->kind), cause[0] ? "/" : "", cause);
		char *summary = sw_finding_summary(app->an, f);
		put_wire(out, summary);
		free(summary);
		sw_buf_putc(out, '\n');
	}
}

static void one_ladder(struct lt *L, uint32_t item, struct sw_buf *out)
{
	struct sw_app *app = L->app;
	uint32_t *all, *ids, *folded;
	size_t nall;
	sw_ladder_collect(app->an, &item, 1, 0, &all, &nall);
	ids = sw_malloc((nall ? nall : 1) * sizeof *ids);
	folded = sw_malloc((nall ? nall : 1) * sizeof *folded);
	size_t n = sw_ladder_fold(app->an, all, nall, LT_MAX_MSGS, ids, folded);
	const struct sw_pair *pair = sw_analyze_pair(app->an);
	if (pair && sw_pair_summary(pair)->status != SW_PAIR_PAIRED)
		pair = NULL;
	sw_ladder_build(&L->lay, app->an, pair, &item, 1, ids, n, folded);
	title(L, item, nall, out);
	/* Geometry, as the TUI's on a terminal `width` columns wide. */
	L->right = L->width - LT_MARK;
	size_t fit = (size_t)((L->right - LT_GUTTER) / LT_MIN_COLW);
	if (fit < 2)
		fit = 2;
	L->nc = L->lay.neps < 2 ? 2 : L->lay.neps;
	L->merged = L->nc > fit;
	if (L->merged)
		L->nc = fit;
	L->span = (L->right - LT_GUTTER) / (int)L->nc;
	for (size_t c = 0; c < L->nc; c++)
		L->xs[c] = LT_GUTTER + L->span * (int)c + L->span / 2;
	header(L, out);
	if (!n)
		sw_buf_printf(out, "  %s\n", _("No messages kept for these items."));
	for (size_t e = 0; e < L->lay.nent; e++) {
		if (L->lay.ent[e].gap)
			gap(L, &L->lay.ent[e], out);
		else
			message(L, L->lay.ent[e].idx, out);
		if (out->len > 65536)
			sw_out_flush_line(app);
	}
	findings_under(L, item, out);
	sw_buf_putc(out, '\n');
	sw_out_flush_line(app);
	free(all);
	free(ids);
	free(folded);
}

void sw_out_ladder(struct sw_app *app)
{
	struct lt L;
	memset(&L, 0, sizeof L);
	L.app = app;
	L.g = app->opts->ladder_utf8 ? &utf8_g : &ascii_g;
	L.width = app->opts->width ? app->opts->width : LT_WIDTH;
	L.r1.w = L.r2.w = L.width;
	L.r1.c = sw_malloc((size_t)L.width * sizeof *L.r1.c);
	L.r2.c = sw_malloc((size_t)L.width * sizeof *L.r2.c);
	uint32_t *items;
	bool named;
	size_t n = sw_app_items(app, &items, &named);
	if (!n && !named) {
		/* Nothing wrong: every account and dialog, as the TUI lists them. */
		size_t ni = sw_analyze_nitems(app->an);
		free(items);
		items = sw_malloc((ni ? ni : 1) * sizeof *items);
		for (size_t i = 0; i < ni; i++)
			if (sw_analyze_item(app->an, i))
				items[n++] = (uint32_t)i;
	}
	if (!n) {
		sw_buf_printf(&app->line, "%s\n",
		              named ? _("No account or dialog matches the selection.")
		                    : _("No SIP messages: nothing to draw."));
		sw_out_flush_line(app);
	}
	for (size_t i = 0; i < n; i++)
		one_ladder(&L, items[i], &app->line);
	free(items);
	sw_ladder_free(&L.lay);
	free(L.r1.c);
	free(L.r2.c);
}
