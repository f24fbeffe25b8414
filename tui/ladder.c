/* SPDX-License-Identifier: BSD-2-Clause */
/* Ladder timeline of the selected items, as sngrep's call flow: one column
 * per endpoint (the phone, the public address the server saw it as behind
 * NAT, the server, then any other), one arrow per message with its time and
 * the delta to the previous one, retransmissions drawn with a triple head,
 * ICMP errors and keepalives in their own line styles, long silences and
 * requests never answered as gap lines, and the frames that are a finding's
 * evidence marked with its severity; with two captures of one path, the
 * messages the path rewrote ([~]) or lost ([X], the arrow ends in an X), and
 * d shows a message as both sides captured it. The message under the cursor
 * is shown on the right as sngrep does (t toggles it, 9 and 0 resize it),
 * Space on two messages compares them (diff.c), F4 extends the ladder to
 * every message to or from the items' phones (sngrep's extended flow). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/timefmt.h"
#include "tui/tui_int.h"
#include "view/ladder.h"

#define LADDER_GUTTER 17   /* "HH:MM:SS.uuuuuu " */
#define LADDER_MARK 4      /* "[E] " at the right */
#define LADDER_MIN_COLW 14
#define LADDER_PREVIEW_COLS 130 /* terminals this wide get the raw pane */
#define LADDER_RAW_MIN 20       /* the raw pane is at least this wide */
#define LADDER_RAW_STEP 4       /* 9 and 0 resize it by this much */

struct ladder_view {
	struct tui_view base;
	uint32_t *items;
	size_t nitems;
	uint32_t *ids; /* messages in capture order */
	size_t nids;
	struct sw_ladder lay; /* columns, marks and entries (view/ladder.h) */
	size_t cur; /* message index under the cursor */
	size_t top; /* first entry drawn */
	int page;
	bool follow; /* live: keep the cursor on the newest message */
	bool extended;  /* F4: every message to or from the items' phones */
	uint32_t picked; /* Space: the message to compare, UINT32_MAX none */
	int pw;          /* raw pane width at the last draw (0: none) */
	struct tui_lines preview;
	size_t preview_for; /* message index the preview was built for */
	int preview_w;
	uint64_t preview_gen;
};

static struct ladder_view *LAD(struct tui_view *v)
{
	return (struct ladder_view *)v;
}

size_t tui_msg_findings(const struct tui *t, const struct sw_msg *m, uint32_t *ids, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < sw_analyze_nfindings(t->an); i++) {
		const struct sw_finding *f = sw_analyze_finding(t->an, i);
		if (!tui_finding_live(f) || !tui_finding_has_msg(f, m))
			continue;
		if (n < cap)
			ids[n] = f->id;
		n++;
	}
	return n;
}

static void rebuild(struct tui *t, struct ladder_view *l, uint32_t keep_id)
{
	free(l->ids);
	if (l->extended)
		tui_collect_ext(t, l->items, l->nitems, &l->ids, &l->nids);
	else
		tui_collect_msgs(t, l->items, l->nitems, &l->ids, &l->nids);
	sw_ladder_build(&l->lay, t->an, tui_pair(t), l->items, l->nitems, l->ids, l->nids, NULL);
	l->cur = 0;
	for (size_t i = 0; i < l->nids; i++)
		if (l->ids[i] == keep_id)
			l->cur = i;
	if (l->follow && l->nids)
		l->cur = l->nids - 1;
	l->preview_for = SIZE_MAX;
}

static void ladder_refresh(struct tui *t, struct tui_view *v)
{
	struct ladder_view *l = LAD(v);
	uint32_t keep = l->nids ? l->ids[l->cur] : UINT32_MAX;
	l->follow = t->src->live && l->nids && l->cur == l->nids - 1;
	rebuild(t, l, keep);
}

/* The entry of the message under the cursor. */
static size_t cur_entry(const struct ladder_view *l)
{
	for (size_t e = 0; e < l->lay.nent; e++)
		if (!l->lay.ent[e].gap && l->lay.ent[e].idx == l->cur)
			return e;
	return 0;
}

static int ent_height(const struct sw_ladder_entry *e)
{
	return e->gap ? 1 : 2;
}

static void scroll_to_cursor(struct ladder_view *l, int h)
{
	size_t ce = cur_entry(l);
	if (ce < l->top)
		l->top = ce;
	/* The gap lines right after the cursor belong to it ("no response"). */
	while (ce + 1 < l->lay.nent && l->lay.ent[ce + 1].gap)
		ce++;
	/* Move top down until the cursor's entry fits. */
	for (;;) {
		int used = 0;
		for (size_t e = l->top; e <= ce && e < l->lay.nent; e++)
			used += ent_height(&l->lay.ent[e]);
		if (used <= h || l->top >= ce)
			break;
		l->top++;
	}
	/* A gap line just above the cursor is worth showing. */
	size_t cm = cur_entry(l);
	if (l->top == cm && cm > 0 && l->lay.ent[cm - 1].gap && h >= 3)
		l->top--;
}

static void draw_vlines(struct tui *t, int y, const int *xs, size_t nc, bool dotted)
{
	for (size_t c = 0; c < nc; c++) {
		if (dotted) {
			tui_text(t, y, xs[c], 1, ":", tui_a(t, TR_DIM));
		} else {
			attrset(A_NORMAL);
			mvaddch(y, xs[c], ACS_VLINE);
		}
	}
}

static void fmt_delta(char *buf, size_t cap, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	snprintf(buf, cap, "+%lld.%06lld", (long long)(ns / SW_NS_PER_SEC),
	         (long long)((ns % SW_NS_PER_SEC) / 1000));
}

static void draw_message(struct tui *t, struct ladder_view *l, size_t i, int y, const int *xs,
                         size_t nc, int right)
{
	struct sw_msg m_rec;
	const struct sw_msg *m = sw_analyze_msg(t->an, l->ids[i], &m_rec);
	bool cur = i == l->cur;
	draw_vlines(t, y, xs, nc, false);
	draw_vlines(t, y + 1, xs, nc, false);
	if (!m)
		return;
	char ts[SW_TIMESTRLEN];
	sw_time_hms(m->ts_ns, ts);
	tui_text(t, y, 0, LADDER_GUTTER - 1, ts, cur ? tui_a(t, TR_CURSOR) : A_NORMAL);
	if (l->picked == l->ids[i]) /* Space: waiting for the second message */
		tui_text(t, y + 1, 0, 3, "[*]", tui_a(t, TR_SELECTED));
	if (i > 0) {
		struct sw_msg p_rec;
		const struct sw_msg *p = sw_analyze_msg(t->an, l->ids[i - 1], &p_rec);
		char d[32];
		fmt_delta(d, sizeof d, p ? m->ts_ns - p->ts_ns : 0);
		tui_text(t, y + 1, LADDER_GUTTER - 1 - (int)strlen(d), (int)strlen(d) + 1, d,
		         tui_a(t, TR_DIM));
	}
	size_t sc = l->lay.src[i] < nc ? l->lay.src[i] : nc - 1, dc = l->lay.dst[i] < nc ? l->lay.dst[i] : nc - 1;
	int xa = xs[sc], xb = xs[dc];
	enum tui_role role = TR_REQUEST;
	char fill = '-';
	if (m->kind == SW_MSG_ICMP) {
		role = TR_ICMP;
		fill = '~';
	} else if (m->kind == SW_MSG_KEEPALIVE) {
		role = TR_KEEPALIVE;
		fill = '.';
	} else if (m->kind == SW_MSG_SIP_BAD) {
		role = TR_ERROR;
		fill = '=';
	} else if (!m->is_request) {
		role = TR_RESPONSE;
	}
	attr_t a = cur ? tui_a(t, TR_CURSOR) : tui_a(t, role);
	/* Label on the first line, centred over the arrow. */
	bool lost = l->lay.pmark[i] == SW_LPM_LOST;
	if (lost && !cur)
		a = tui_a(t, TR_ERROR);
	struct sw_buf b = SW_BUF_INIT;
	sw_tr_label(t->cat, m->label, &b);
	if (lost)
		sw_buf_puts(&b, tui_tr(t, " (lost)"));
	else if (m->retrans)
		sw_buf_puts(&b, tui_tr(t, " (retransmission)"));
	int lo = xa < xb ? xa : xb, hi = xa < xb ? xb : xa;
	if (lo == hi) { /* to itself */
		tui_text(t, y, lo + 2, right - lo - 2, b.p, a);
		tui_text(t, y + 1, lo + 1, 3, "<->", a);
	} else {
		int w = hi - lo - 1;
		int tw = tui_width(b.p, b.len);
		if (tw > w && m->retrans && !lost) {
			sw_buf_reset(&b);
			sw_tr_label(t->cat, m->label, &b);
			tw = tui_width(b.p, b.len);
		}
		/* Centred over the arrow; a label longer than the arrow spills
		 * over the neighbouring columns rather than lose its end. */
		int lx = lo + 1 + (w - tw) / 2;
		if (lx + tw > right - 1)
			lx = right - 1 - tw;
		if (lx < LADDER_GUTTER)
			lx = LADDER_GUTTER;
		tui_textn(t, y, lx, right - 1 - lx, b.p, b.len, a);
		/* The arrow. */
		attrset(a);
		for (int x = lo + 1; x < hi; x++) {
			if (fill == '-')
				mvaddch(y + 1, x, ACS_HLINE);
			else
				mvaddch(y + 1, x, (chtype)fill);
		}
		int heads = m->retrans ? 3 : 1;
		if (heads > w)
			heads = w;
		/* A message lost on the way (two captures) ends in an X. */
		for (int k = 0; k < heads; k++) {
			chtype head = lost && k == 0 ? 'X' : xb > xa ? '>' : '<';
			if (xb > xa)
				mvaddch(y + 1, xb - 1 - k, head);
			else
				mvaddch(y + 1, xb + 1 + k, head);
		}
		if (m->kind == SW_MSG_ICMP) /* the error bounces off the reporter */
			mvaddch(y + 1, xa > xb ? xa - 1 : xa + 1, 'x');
		attrset(A_NORMAL);
	}
	sw_buf_free(&b);
	/* Two captures: [~] the path rewrote it, [X] it never arrived. */
	if (l->lay.pmark[i] == SW_LPM_CHANGED)
		tui_text(t, y, right + 1, LADDER_MARK - 1, "[~]", tui_a(t, TR_WARNING));
	else if (lost)
		tui_text(t, y, right + 1, LADDER_MARK - 1, "[X]", tui_a(t, TR_ERROR));
	if (l->lay.mark[i] != UINT32_MAX) {
		const struct sw_finding *f = sw_analyze_finding(t->an, l->lay.mark[i]);
		if (f) {
			char mk[8];
			snprintf(mk, sizeof mk, "[%s]", tui_sev_letter(f->severity));
			tui_text(t, y + 1, right + 1, LADDER_MARK - 1, mk,
			         tui_a(t, tui_sev_role(f->severity)));
		}
	}
}

static void draw_gap(struct tui *t, struct ladder_view *l, const struct sw_ladder_entry *e, int y,
                     const int *xs, size_t nc, int right)
{
	draw_vlines(t, y, xs, nc, true);
	char buf[160];
	if (e->timeout) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(t->an, l->ids[e->idx], &m_rec);
		struct sw_buf b = SW_BUF_INIT;
		sw_tr_label(t->cat, m ? m->label : "?", &b);
		int k = snprintf(buf, sizeof buf, tui_tr(t, "no response to %s (CSeq %lld)"), b.p,
		                 m ? (long long)m->cseq : -1LL);
		sw_buf_free(&b);
		if (e->gap_ns && k > 0 && (size_t)k < sizeof buf - 4) {
			snprintf(buf + k, sizeof buf - (size_t)k, " - ");
			snprintf(buf + k + 3, sizeof buf - (size_t)k - 3,
			         tui_tr(t, "%.1f s of silence"),
			         (double)e->gap_ns / (double)SW_NS_PER_SEC);
		}
	} else {
		snprintf(buf, sizeof buf, tui_tr(t, "%.1f s of silence"),
		         (double)e->gap_ns / (double)SW_NS_PER_SEC);
	}
	int x0 = xs[0] + 2, w = right - x0 - 1;
	int tw = tui_width(buf, strlen(buf));
	int off = tw < w ? (w - tw) / 2 : 0;
	tui_fill(y, x0 + off - 1, tw + 2 < w ? tw + 2 : w, A_NORMAL);
	tui_text(t, y, x0 + off, w - off, buf,
	         e->timeout ? tui_a(t, TR_WARNING) : tui_a(t, TR_DIM));
	tui_text(t, y, 1, LADDER_GUTTER - 2, e->timeout ? "  x" : "  :",
	         e->timeout ? tui_a(t, TR_WARNING) : tui_a(t, TR_DIM));
}

static void draw_preview(struct tui *t, struct ladder_view *l, int x, int y, int w, int h)
{
	attrset(A_NORMAL);
	mvvline(y, x, ACS_VLINE, h);
	if (!l->nids)
		return;
	if (l->preview_for != l->cur || l->preview_w != w || l->preview_gen != t->gen) {
		tui_lines_clear(&l->preview);
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(t->an, l->ids[l->cur], &m_rec);
		if (m)
			tui_msg_lines(t, m, w - 3, false, &l->preview);
		l->preview_for = l->cur;
		l->preview_w = w;
		l->preview_gen = t->gen;
	}
	for (int r = 0; r < h && (size_t)r < l->preview.n; r++) {
		const struct tui_line *ln = &l->preview.v[r];
		attr_t a = ln->mark ? tui_a(t, TR_HIGHLIGHT) : tui_a(t, ln->role);
		if (ln->mark)
			tui_fill(y + r, x + 1, w - 1, a);
		tui_text(t, y + r, x + 2, w - 3, ln->text, a);
	}
}

/* Key bar with two captures: d opens both sides. */
static const char *const ladder_hints_pair[] = {
    N_("Esc\tList"),  N_("Enter\tMessage"), N_("d\tBoth sides"), N_("n/p\tNext finding"),
    N_("e\tExplain"), N_("F1\tHelp"),       N_("F2\tSave"),      NULL,
};

static void ladder_draw(struct tui *t, struct tui_view *v)
{
	struct ladder_view *l = LAD(v);
	int cols = COLS, rows = LINES;
	/* Title. */
	struct sw_buf b = SW_BUF_INIT;
	if (l->extended)
		sw_buf_printf(&b,
		              tui_trn(t, "Extended ladder: %zu message", "Extended ladder: %zu messages",
		                      l->nids),
		              l->nids);
	else
		sw_buf_printf(&b, tui_trn(t, "Ladder: %zu message", "Ladder: %zu messages", l->nids),
		              l->nids);
	if (l->nitems == 1 && l->items[0] != TUI_ITEM_UNASSIGNED && !tui_item_is_finding(l->items[0])) {
		const struct sw_item *it = sw_analyze_item(t->an, l->items[0]);
		if (it && it->kind == SW_ITEM_ACCOUNT) {
			struct sw_account_buf abuf;
			const struct sw_account *ac = sw_analyze_account(t->an, it->ref, &abuf);
			sw_buf_puts(&b, " - ");
			tui_wire_c(&b, ac ? ac->aor : "");
		} else if (it) {
			const struct sw_dialog *d = sw_analyze_dialog(t->an, it->ref);
			if (d) {
				sw_buf_puts(&b, " - ");
				tui_wire_c(&b, d->method);
				if (d->call_id) {
					sw_buf_puts(&b, " ");
					tui_wire_c(&b, d->call_id);
				}
			}
		}
	} else if (l->nitems > 1) {
		sw_buf_printf(&b, tui_tr(t, " - %zu items"), l->nitems);
	}
	tui_draw_title(t, b.p);
	sw_buf_free(&b);
	/* Geometry: the raw pane on the right (t), as wide as chosen (9, 0)
	 * while the ladder keeps room for two columns. */
	int pw = 0;
	if (t->raw_pane == 1 || (t->raw_pane < 0 && cols >= LADDER_PREVIEW_COLS)) {
		int maxpw = cols - (LADDER_GUTTER + 2 * LADDER_MIN_COLW + LADDER_MARK);
		pw = t->prefs->raw_width ? t->prefs->raw_width : cols * 2 / 5;
		if (pw > maxpw)
			pw = maxpw;
		if (pw < LADDER_RAW_MIN)
			pw = maxpw >= LADDER_RAW_MIN ? LADDER_RAW_MIN : 0;
	}
	l->pw = pw;
	int lw = cols - pw;
	int right = lw - LADDER_MARK; /* marks live in [right, lw) */
	size_t fit = (size_t)((right - LADDER_GUTTER) / LADDER_MIN_COLW);
	if (fit < 2)
		fit = 2;
	size_t nc = l->lay.neps < 2 ? 2 : l->lay.neps;
	bool merged = nc > fit;
	if (merged)
		nc = fit;
	int xs[SW_LADDER_MAX_EPS];
	int span = (right - LADDER_GUTTER) / (int)nc;
	for (size_t c = 0; c < nc; c++)
		xs[c] = LADDER_GUTTER + span * (int)c + span / 2;
	/* Endpoint headers: role, address, and a tee into the column line. */
	for (size_t c = 0; c < nc; c++) {
		int cx = xs[c] - span / 2, cw = span - 1;
		char addr[SW_ADDRSTRLEN] = "";
		const char *role = "";
		if (c < l->lay.neps) {
			if (l->lay.eps[c].ports)
				sw_ip_fmt(&l->lay.eps[c].a, addr);
			else
				sw_addr_fmt(&l->lay.eps[c].a, addr);
			role = tui_tr(t, sw_ladder_role_msgid(l->lay.eps[c].role));
		}
		if (merged && c == nc - 1) {
			role = tui_tr(t, "others");
			addr[0] = '\0';
			snprintf(addr, sizeof addr, "+%zu", l->lay.neps - nc + 1);
		}
		char top[96], ip[SW_IPSTRLEN] = "";
		snprintf(top, sizeof top, "%s", role);
		if (tui_width(addr, strlen(addr)) > cw && c < l->lay.neps && !l->lay.eps[c].ports &&
		    !(merged && c == nc - 1)) {
			/* Too wide: the port goes up beside the role. */
			sw_ip_fmt(&l->lay.eps[c].a, ip);
			snprintf(top, sizeof top, "%s%s:%u", role, role[0] ? " " : "",
			         l->lay.eps[c].a.port);
			snprintf(addr, sizeof addr, "%s", ip);
		}
		tui_text_center(t, 1, cx, cw, top, tui_a(t, TR_DIM));
		tui_text_center(t, 2, cx, cw, addr, A_BOLD);
		attrset(A_NORMAL);
		mvhline(3, cx, ACS_HLINE, cw);
		mvaddch(3, xs[c], ACS_TTEE);
	}
	bool paired = tui_pair(t) != NULL;
	/* Two captures: a third info line about the other copy, where it fits. */
	int y0 = 4, info = paired && rows >= TUI_MIN_ROWS + 4 ? 3 : 2;
	int h = rows - y0 - info - 2;
	if (h < 2)
		h = 2;
	l->page = h;
	if (!l->nids) {
		tui_text(t, y0 + 1, 2, lw - 4, tui_tr(t, "No messages kept for these items."),
		         A_NORMAL);
	} else {
		scroll_to_cursor(l, h);
		int y = y0;
		for (size_t e = l->top; e < l->lay.nent; e++) {
			int eh = ent_height(&l->lay.ent[e]);
			if (y + eh > y0 + h)
				break;
			if (l->lay.ent[e].gap)
				draw_gap(t, l, &l->lay.ent[e], y, xs, nc, right);
			else
				draw_message(t, l, l->lay.ent[e].idx, y, xs, nc, right);
			y += eh;
		}
		for (; y < y0 + h; y++)
			draw_vlines(t, y, xs, nc, false);
	}
	if (pw)
		draw_preview(t, l, lw, 1, pw, rows - 3);
	/* Info lines: the message under the cursor and its finding. */
	int iy = rows - 2 - info;
	if (l->nids) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(t->an, l->ids[l->cur], &m_rec);
		if (m) {
			char s1[SW_ADDRSTRLEN], s2[SW_ADDRSTRLEN];
			struct sw_buf x = SW_BUF_INIT;
			sw_buf_printf(&x, tui_tr(t, "%zu/%zu frame %llu"), l->cur + 1, l->nids,
			              (unsigned long long)m->frame_no);
			tui_put_file(t, &x, m->file_idx);
			sw_buf_printf(&x, "  %s -> %s %s  ", sw_addr_fmt(&m->src, s1),
			              sw_addr_fmt(&m->dst, s2),
			              sw_transport_name((enum sw_transport)m->transport));
			sw_tr_label(t->cat, m->label, &x);
			if (m->cseq >= 0)
				sw_buf_printf(&x, " CSeq %lld", (long long)m->cseq);
			tui_text(t, iy, 1, cols - 2, x.p, A_BOLD);
			sw_buf_reset(&x);
			if (l->lay.mark[l->cur] != UINT32_MAX) {
				const struct sw_finding *f =
				    sw_analyze_finding(t->an, l->lay.mark[l->cur]);
				sw_buf_printf(&x, "[%s] %s: ", tui_sev_letter(f->severity),
				              sw_kind_name(f->kind));
				char *summary = sw_finding_summary(t->an, f);
				tui_wire_c(&x, summary);
				free(summary);
				tui_text(t, iy + 1, 1, cols - 2, x.p,
				         tui_a(t, tui_sev_role(f->severity)));
			} else {
				size_t nf = 0;
				for (size_t i = 0; i < l->nitems; i++)
					nf += tui_item_findings(t, l->items[i], NULL, 0);
				if (nf) {
					sw_buf_printf(
					    &x,
					    tui_tr(t, "findings: %zu; [E]/[W] mark their evidence: "
					              "n/p to jump, e to explain"),
					    nf);
					tui_text(t, iy + 1, 1, cols - 2, x.p, tui_a(t, TR_DIM));
				}
			}
			sw_buf_reset(&x);
			enum tui_role pr;
			if (info == 3 && tui_pair_describe(t, m, &x, &pr))
				tui_text(t, iy + 2, 1, cols - 2, x.p, tui_a(t, pr));
			sw_buf_free(&x);
		}
	}
	tui_draw_status(t, rows - 2);
	tui_draw_keybar(t, paired ? ladder_hints_pair : v->scr->hints);
}

static void jump_mark(struct ladder_view *l, bool fwd)
{
	if (!l->nids)
		return;
	for (size_t k = 1; k <= l->nids; k++) {
		size_t i = fwd ? (l->cur + k) % l->nids : (l->cur + l->nids - k) % l->nids;
		if (l->lay.mark[i] != UINT32_MAX) {
			l->cur = i;
			return;
		}
	}
}

static void open_findings(struct tui *t, struct ladder_view *l)
{
	uint32_t ids[256];
	size_t n = 0;
	if (l->nids) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(t->an, l->ids[l->cur], &m_rec);
		if (m)
			n = tui_msg_findings(t, m, ids, 256);
	}
	for (size_t i = 0; n == 0 && i < l->nitems; i++)
		n = tui_item_findings(t, l->items[i], ids, 256);
	tui_push(t, tui_findings_new(t, n ? ids : NULL, n > 256 ? 256 : n, 0));
}

static bool ladder_key(struct tui *t, struct tui_view *v, int k)
{
	struct ladder_view *l = LAD(v);
	size_t page = l->page > 3 ? (size_t)l->page / 2 - 1 : 1;
	size_t last = l->nids ? l->nids - 1 : 0;
	l->follow = false;
	switch (k) {
	case TK(KEY_UP):
	case 'k':
		if (l->cur)
			l->cur--;
		return true;
	case TK(KEY_DOWN):
	case 'j':
		if (l->cur < last)
			l->cur++;
		return true;
	case TK(KEY_PPAGE):
	case TK_CTRL('B'):
		l->cur = l->cur > page ? l->cur - page : 0;
		return true;
	case TK(KEY_NPAGE):
	case TK_CTRL('F'):
		l->cur = l->cur + page < last ? l->cur + page : last;
		return true;
	case TK(KEY_HOME):
	case TK_CTRL('A'):
		l->cur = 0;
		return true;
	case TK(KEY_END):
	case TK_CTRL('E'):
		l->cur = last;
		return true;
	case 'n':
		jump_mark(l, true);
		return true;
	case 'd':
	case 'D':
		if (l->nids)
			tui_pair_open(t, l->ids, l->nids, l->cur);
		return true;
	case 'p':
		jump_mark(l, false);
		return true;
	case 'e':
	case 'E':
		open_findings(t, l);
		return true;
	case TK(KEY_F(2)):
	case 's':
	case 'S':
		tui_save_ask(t, l->ids, l->nids);
		return true;
	case TK(KEY_F(4)):
	case 'x':
	case 'X': {
		uint32_t keep = l->nids ? l->ids[l->cur] : UINT32_MAX;
		l->extended = !l->extended;
		rebuild(t, l, keep);
		return true;
	}
	case TK(KEY_F(6)):
	case 'r':
	case 'R':
		if (l->nids)
			tui_push(t, tui_raw_new(t, l->ids, l->nids, NULL));
		return true;
	case ' ':
		if (!l->nids)
			return true;
		if (l->picked == UINT32_MAX) {
			l->picked = l->ids[l->cur];
			tui_note(t, "%s", tui_tr(t, "Space on another message compares the two."));
		} else if (l->picked == l->ids[l->cur]) {
			l->picked = UINT32_MAX;
		} else {
			uint32_t a = l->picked;
			l->picked = UINT32_MAX;
			tui_push(t, tui_diff_new(t, a, l->ids[l->cur]));
		}
		return true;
	case 't':
		/* The raw pane: on or off, whatever the width. */
		t->raw_pane = l->pw ? 0 : 1;
		return true;
	case '9':
	case '0': {
		/* sngrep: 9 widens the raw pane, 0 narrows it; T restores. */
		int w = l->pw ? l->pw : LADDER_RAW_MIN;
		w += k == '9' ? LADDER_RAW_STEP : -LADDER_RAW_STEP;
		t->prefs->raw_width = w < LADDER_RAW_MIN ? LADDER_RAW_MIN : w;
		t->raw_pane = 1;
		return true;
	}
	case 'T':
		t->prefs->raw_width = 0; /* the default width, the pane stays */
		return true;
	}
	if (tui_key_enter(k)) {
		if (l->nids)
			tui_push(t, tui_message_new(t, l->ids, l->nids, l->cur));
		return true;
	}
	return false;
}

static void ladder_destroy(struct tui_view *v)
{
	struct ladder_view *l = LAD(v);
	free(l->items);
	free(l->ids);
	sw_ladder_free(&l->lay);
	tui_lines_clear(&l->preview);
	free(l);
}

static const char *const ladder_hints[] = {
    N_("Esc\tList"),
    N_("Enter\tMessage"),
    N_("n/p\tNext finding"),
    N_("e\tExplain"),
    N_("F1\tHelp"),
    N_("F2\tSave"),
    NULL,
};

static const char *const ladder_help[] = {
    N_("Up/Down, j/k\tMove between messages; PgUp/PgDn, Home/End"),
    N_("Enter\tShow the message under the cursor"),
    N_("F6, r\tRaw text of all messages of this ladder, for copying"),
    N_("Space\tMark a message; Space on another compares the two side by side"),
    N_("t\tShow or hide the raw message on the right; 9 / 0: wider / narrower, T: default"),
    N_("F4, x\tExtended ladder: every message to or from the phones, or back"),
    N_("n / p\tNext / previous message that is a finding's evidence"),
    N_("e\tExplain the findings of this message or these items"),
    N_("F2, s\tSave: these messages (pcap, pcapng with findings, text or HTML), or the whole capture"),
    N_("Arrows\t>>> retransmission, ~~x ICMP error, ... keepalive, === malformed"),
    N_("Gap lines\tsilence of 5 s or more; x: a request never answered"),
    N_("[E] [W] [i]\tevidence of an error / warning / info finding"),
    N_("d\tBoth sides: as the phone side and the server side saw it"),
    N_("[~]\tTwo captures: the path rewrote this message (ALG)"),
    N_("[X], X<\tTwo captures: lost on the way, never arrived"),
    N_("Esc, q\tBack to the list"),
    NULL,
};

static const struct tui_screen ladder_screen = {
    .name = "ladder",
    .draw = ladder_draw,
    .key = ladder_key,
    .update = ladder_refresh,
    .destroy = ladder_destroy,
    .help_title = N_("Ladder (message flow)"),
    .help = ladder_help,
    .hints = ladder_hints,
};

struct tui_view *tui_ladder_new_ext(struct tui *t, const uint32_t *items, size_t n,
                                    uint32_t focus, bool extended)
{
	struct ladder_view *l = sw_calloc(1, sizeof *l);
	l->base.scr = &ladder_screen;
	l->items = sw_malloc((n ? n : 1) * sizeof *items);
	memcpy(l->items, items, n * sizeof *items);
	l->nitems = n;
	l->preview_for = SIZE_MAX;
	l->picked = UINT32_MAX;
	l->extended = extended;
	rebuild(t, l, focus);
	return &l->base;
}

struct tui_view *tui_ladder_new(struct tui *t, const uint32_t *items, size_t n, uint32_t focus)
{
	return tui_ladder_new_ext(t, items, n, focus, false);
}
