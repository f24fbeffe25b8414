/* SPDX-License-Identifier: BSD-2-Clause */
/* List screen: one row per account (registration story), dialog and OPTIONS
 * group, and per finding tied to none of them (a DNS failure, a capture
 * without SIP), with state, last event, message count and a badge for the
 * worst finding; sortable (< > z as in sngrep), filterable (/ and F7),
 * selectable (Space), its columns chosen with F10 (config.c), updated while
 * the capture is read (A follows the newest, F5 clears, p pauses); with two
 * captures, a summary of the path between them (losses, changes, clock
 * offset, roles) on top. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/timefmt.h"
#include "tui/tui_int.h"

/* State names come from the analysis in English; these marks let
 * xgettext see them for the catalog. */
static const char *const state_names[] __attribute__((unused)) = {
    N_("unknown"), N_("registering"), N_("registered"),   N_("refreshing"),
    N_("failed"),  N_("expired"),     N_("unregistered"), N_("trying"),
    N_("early"),   N_("confirmed"),   N_("terminated"),   N_("cancelled"),
};

struct list_view {
	struct tui_view base;
	struct tui_row *rows; /* filtered and sorted; their text is made when drawn */
	size_t n, cap;
	bool *sel; /* selected, by item id */
	size_t sel_cap;
	bool sel_unassigned;
	size_t cursor, top;
	uint32_t cursor_item;
	enum tui_col sort;
	bool desc;
	int page;                        /* rows visible at the last draw */
	size_t total;                    /* rows before filtering */
	size_t orphans, orphans_scanned; /* messages outside every item */
	uint64_t orphans_aged;
	int64_t orphans_last;
};

static struct list_view *LV(struct tui_view *v)
{
	return (struct list_view *)v;
}

static bool is_selected(const struct list_view *l, uint32_t item)
{
	if (item == TUI_ITEM_UNASSIGNED)
		return l->sel_unassigned;
	return item < l->sel_cap && l->sel[item];
}

static size_t count_selected(const struct list_view *l)
{
	size_t n = l->sel_unassigned;
	for (size_t i = 0; i < l->sel_cap; i++)
		n += l->sel[i];
	return n;
}

/* Per-item worst finding, from one pass over the findings. */
struct worst {
	const struct sw_finding *f;
	uint32_t count;
	bool flapping;
};

static int cmp_ns(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

/* qsort has no context argument: the sort key and order travel in each
 * entry. A string key (a column's text) is owned by the entry. */
struct sort_ent {
	struct tui_row r;
	const char *s; /* string columns */
	int64_t k;     /* number columns; the badge's severity */
	bool resolved; /* the badge */
	uint8_t col;   /* enum tui_col */
	bool desc;
};

static bool col_is_text(enum tui_col c)
{
	return c == TC_TYPE || c == TC_NAME || c == TC_ADDR || c == TC_STATE || c == TC_UA ||
	       c == TC_CALLID;
}

static int ent_cmp_col(const struct sort_ent *a, const struct sort_ent *b)
{
	switch ((enum tui_col)a->col) {
	case TC_IDX:
	case TC_N:
		return 0;
	case TC_TYPE:
	case TC_NAME:
	case TC_ADDR:
	case TC_STATE:
	case TC_UA:
	case TC_CALLID:
		return strcmp(a->s, b->s);
	case TC_LAST:
	case TC_FIRST:
	case TC_MSGS:
		return cmp_ns(a->k, b->k);
	case TC_BADGE:
		if (a->k != b->k)
			return a->k < b->k ? -1 : 1;
		return (int)b->resolved - (int)a->resolved;
	}
	return 0;
}

static int sort_cmp(const void *pa, const void *pb)
{
	const struct sort_ent *a = pa, *b = pb;
	int c = ent_cmp_col(a, b);
	if (c == 0)
		c = a->r.item < b->r.item ? -1 : a->r.item > b->r.item;
	return a->desc ? -c : c;
}

/* The key of row r for column c: the column's text (owned) or number. */
static void sort_key(struct tui *t, const struct list_view *l, struct sort_ent *e)
{
	enum tui_col c = (enum tui_col)e->col;
	if (c == TC_MSGS) {
		e->k = e->r.n_msgs;
		return;
	}
	struct tui_cells cl;
	tui_row_cells(t, &e->r, l->orphans_last, &cl);
	switch (c) {
	case TC_TYPE:
		e->s = sw_strdup(cl.type);
		break;
	case TC_STATE:
		e->s = sw_strdup(cl.state);
		break;
	case TC_NAME:
		e->s = cl.name;
		cl.name = NULL;
		break;
	case TC_ADDR:
		e->s = cl.addr;
		cl.addr = NULL;
		break;
	case TC_UA:
		e->s = cl.ua;
		cl.ua = NULL;
		break;
	case TC_CALLID:
		e->s = cl.callid;
		cl.callid = NULL;
		break;
	case TC_LAST:
		e->k = cl.last_ns;
		break;
	case TC_FIRST:
		e->k = cl.first_ns;
		break;
	case TC_BADGE:
		e->k = cl.sev;
		e->resolved = cl.resolved;
		break;
	case TC_IDX:
	case TC_MSGS:
	case TC_N:
		break;
	}
	tui_cells_free(&cl);
}

static int item_asc(const void *pa, const void *pb)
{
	const struct tui_row *a = pa, *b = pb;
	return a->item < b->item ? -1 : a->item > b->item;
}

static int item_desc(const void *pa, const void *pb)
{
	return item_asc(pb, pa);
}

static void sort_rows(struct tui *t, struct list_view *l)
{
	if (l->n < 2)
		return;
	if (l->sort == TC_IDX) {
		/* Item order needs no key: the rows sort in place. */
		qsort(l->rows, l->n, sizeof *l->rows, l->desc ? item_desc : item_asc);
		return;
	}
	struct sort_ent *e = sw_malloc(l->n * sizeof *e);
	for (size_t i = 0; i < l->n; i++) {
		e[i] = (struct sort_ent){.r = l->rows[i], .col = (uint8_t)l->sort, .desc = l->desc};
		sort_key(t, l, &e[i]);
	}
	qsort(e, l->n, sizeof *e, sort_cmp);
	for (size_t i = 0; i < l->n; i++) {
		l->rows[i] = e[i].r;
		if (col_is_text(l->sort))
			free((char *)e[i].s);
	}
	free(e);
}

static void push_row(struct list_view *l, const struct tui_row *r)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->rows = sw_realloc(l->rows, l->cap * sizeof *l->rows);
	}
	l->rows[l->n++] = *r;
}

/* Messages of an item that F5 did not clear (its ids grow with time). */
static uint32_t msgs_after(const struct tui *t, const struct sw_item *it)
{
	if (!t->clear_from)
		return it->n_msgs;
	uint32_t n = 0;
	for (size_t j = it->n_ids; j-- > 0 && it->msgs[j] >= t->clear_from;)
		n++;
	return n;
}

static void rebuild(struct tui *t, struct list_view *l)
{
	/* A with the cursor on the last row: it stays on the last row. */
	bool follow = t->autoscroll && (l->n == 0 || l->cursor + 1 >= l->n);
	l->n = 0;
	size_t ni = sw_analyze_nitems(t->an);
	if (ni > l->sel_cap) {
		size_t cap = ni + 64;
		l->sel = sw_realloc(l->sel, cap * sizeof *l->sel);
		memset(l->sel + l->sel_cap, 0, (cap - l->sel_cap) * sizeof *l->sel);
		l->sel_cap = cap;
	}
	struct worst *w = sw_calloc(ni ? ni : 1, sizeof *w);
	size_t total = 0;
	for (size_t i = 0; i < sw_analyze_nfindings(t->an); i++) {
		const struct sw_finding *f = sw_analyze_finding(t->an, i);
		if (!tui_finding_live(f))
			continue;
		uint32_t it = tui_finding_item(t, f);
		if (it == UINT32_MAX) {
			/* Tied to no account or dialog: a row of its own. */
			if (t->clear_from && f->first_ns != INT64_MAX && f->last_ns <= t->clear_ns)
				continue;
			total++;
			if (!tui_filter_match(t, TUI_ITEM_FINDING(f->id)))
				continue;
			struct tui_row r = {.item = TUI_ITEM_FINDING(f->id),
			                    .n_msgs = (uint32_t)f->evidence_total,
			                    .worst = f->id};
			push_row(l, &r);
			continue;
		}
		if (it >= ni)
			continue;
		struct worst *x = &w[it];
		x->count++;
		if (f->kind == SW_K_REGISTER_FLAPPING && !f->resolved)
			x->flapping = true;
		/* Unresolved first, then the most severe. */
		if (!x->f || (x->f->resolved && !f->resolved) ||
		    (x->f->resolved == f->resolved && f->severity > x->f->severity))
			x->f = f;
	}
	for (size_t i = 0; i < ni; i++) {
		const struct sw_item *it = sw_analyze_item(t->an, i);
		if (!it)
			continue;
		uint32_t nm = msgs_after(t, it);
		if (t->clear_from && !nm)
			continue; /* cleared (F5) and quiet since */
		total++;
		if (!tui_filter_match(t, (uint32_t)i))
			continue;
		struct tui_row r = {.item = (uint32_t)i,
		                    .n_msgs = nm,
		                    .worst = w[i].f ? w[i].f->id : UINT32_MAX,
		                    .flags = (uint8_t)((w[i].count > 1 ? TUI_ROW_MORE : 0) |
		                                       (w[i].flapping ? TUI_ROW_FLAPPING : 0))};
		push_row(l, &r);
	}
	free(w);
	/* Messages outside every item (malformed SIP, unmatched ICMP and
	 * keepalives) get one row, so that nothing captured is invisible. */
	/* Counted incrementally: a message gets its item while it is analysed,
	 * never later; only aging out (bounded mode) forces a recount. */
	struct sw_analyze_stats st;
	sw_analyze_get_stats(t->an, &st);
	size_t nm = sw_analyze_nmsgs(t->an);
	if (st.msgs_aged_out != l->orphans_aged) {
		l->orphans_aged = st.msgs_aged_out;
		l->orphans_scanned = 0;
		l->orphans = 0;
	}
	if (l->orphans_scanned < t->clear_from) { /* F5: count from the clearing on */
		l->orphans_scanned = t->clear_from;
		l->orphans = 0;
		l->orphans_last = 0;
	}
	for (size_t id = l->orphans_scanned; id < nm; id++) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(t->an, (uint32_t)id, &m_rec);
		if (m && m->item == UINT32_MAX) {
			l->orphans++;
			if (m->ts_ns > l->orphans_last)
				l->orphans_last = m->ts_ns;
		}
	}
	l->orphans_scanned = nm > l->orphans_scanned ? nm : l->orphans_scanned;
	size_t orphans = l->orphans;
	l->total = total + (orphans ? 1 : 0);
	if (orphans && tui_filter_match(t, TUI_ITEM_UNASSIGNED)) {
		struct tui_row r = {.item = TUI_ITEM_UNASSIGNED,
		                    .n_msgs = (uint32_t)orphans,
		                    .worst = UINT32_MAX};
		push_row(l, &r);
	}
	sort_rows(t, l);
	l->cursor = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (l->rows[i].item == l->cursor_item) {
			l->cursor = i;
			break;
		}
	}
	if (follow && l->n)
		l->cursor = l->n - 1;
	if (l->n && l->cursor < l->n)
		l->cursor_item = l->rows[l->cursor].item;
}

static void list_refresh(struct tui *t, struct tui_view *v)
{
	rebuild(t, LV(v));
}

void tui_list_filter_changed(struct tui *t)
{
	rebuild(t, LV(t->list));
	LV(t->list)->top = 0;
	t->redraw = true;
}

size_t tui_list_chosen(struct tui *t, uint32_t **items)
{
	struct list_view *l = LV(t->list);
	size_t n = count_selected(l), k = 0;
	uint32_t *v = sw_malloc((n ? n : 1) * sizeof *v);
	if (n) {
		for (size_t i = 0; i < l->sel_cap; i++)
			if (l->sel[i])
				v[k++] = (uint32_t)i;
		if (l->sel_unassigned)
			v[k++] = TUI_ITEM_UNASSIGNED;
	} else if (l->n) {
		v[k++] = l->rows[l->cursor].item;
	}
	*items = v;
	return k;
}

/* The columns shown, in order, with their widths for this terminal. */
struct lay {
	enum tui_col c[TC_N];
	int w[TC_N];
	int n;
};

static int auto_width(enum tui_col c, int digits)
{
	switch (c) {
	case TC_IDX:
		return digits + 2 > 5 ? digits + 2 : 5;
	case TC_TYPE:
		return 9;
	case TC_STATE:
		return 14;
	case TC_LAST:
	case TC_FIRST:
		return 9;
	case TC_MSGS:
		return 5;
	case TC_BADGE:
		return 15;
	case TC_UA:
		return 24;
	case TC_CALLID:
		return 28;
	case TC_NAME:
	case TC_ADDR:
	case TC_N:
		break;
	}
	return 0;
}

/* Fixed widths as chosen (F10) or by default; the name takes what is left,
 * and an automatic address column shows only on wide terminals. */
static void layout(const struct tui *t, int cols, size_t nitems, struct lay *L)
{
	int digits = 1;
	for (size_t n = nitems; n >= 10; n /= 10)
		digits++;
	int fixed = 4, name_i = -1, addr_i = -1;
	L->n = 0;
	for (int i = 0; i < TC_N; i++) {
		const struct tui_colpref *p = &t->prefs->cols[i];
		if (!p->shown || p->col >= TC_N)
			continue;
		enum tui_col c = (enum tui_col)p->col;
		int w = p->width ? p->width : auto_width(c, digits);
		if (c == TC_NAME && !p->width)
			name_i = L->n;
		if (c == TC_ADDR && !p->width)
			addr_i = L->n;
		L->c[L->n] = c;
		L->w[L->n++] = w;
		fixed += w;
	}
	int rest = cols - fixed;
	if (addr_i >= 0) {
		int w = 0;
		if (name_i < 0)
			w = rest > 10 ? (rest > 46 ? 46 : rest) : 0;
		else if (rest > 70)
			w = rest - 44 > 46 ? 46 : rest - 44;
		L->w[addr_i] = w;
		rest -= w;
	}
	if (name_i >= 0)
		L->w[name_i] = rest > 10 ? rest : 10;
	/* Columns too narrow to show anything go. */
	int k = 0;
	for (int i = 0; i < L->n; i++)
		if (L->w[i] > 0) {
			L->c[k] = L->c[i];
			L->w[k++] = L->w[i];
		}
	L->n = k;
}

/* The text of column c of row rw, whose text is cl (buf holds it when it is
 * made here). */
static const char *cell_text(const struct tui_row *rw, const struct tui_cells *cl, enum tui_col c,
                             char *buf, size_t cap)
{
	switch (c) {
	case TC_IDX:
		if (rw->item == TUI_ITEM_UNASSIGNED || tui_item_is_finding(rw->item))
			return "-";
		snprintf(buf, cap, "%u", rw->item + 1);
		return buf;
	case TC_TYPE:
		return cl->type;
	case TC_NAME:
		return cl->name;
	case TC_ADDR:
		return cl->addr;
	case TC_STATE:
		return cl->state;
	case TC_LAST:
	case TC_FIRST: {
		int64_t ns = c == TC_LAST ? cl->last_ns : cl->first_ns;
		if (!ns || cap < SW_TIMESTRLEN)
			return "-";
		sw_time_hms(ns, buf);
		buf[8] = '\0';
		return buf;
	}
	case TC_MSGS:
		snprintf(buf, cap, "%u", rw->n_msgs);
		return buf;
	case TC_BADGE:
		return cl->sev >= 0 ? cl->badge : "";
	case TC_UA:
		return cl->ua;
	case TC_CALLID:
		return cl->callid;
	case TC_N:
		break;
	}
	return "";
}

static void draw_cell(struct tui *t, int y, int *x, int w, const char *s, attr_t a)
{
	if (w <= 0)
		return;
	tui_text(t, y, *x, w - 1, s, a);
	*x += w;
}

#define LIST_PAIR_ROWS 2 /* rows for the two captures' summary */

struct pair_rows {
	struct tui *t;
	int y, n;
	attr_t a;
};

static void pair_row(void *u, const char *s, size_t len)
{
	struct pair_rows *r = u;
	if (r->n < LIST_PAIR_ROWS)
		tui_textn(r->t, r->y + r->n, 1, COLS - 2, s, len, r->a);
	r->n++;
}

/* Word-wrapped on at most LIST_PAIR_ROWS rows; returns the rows used. */
static int draw_pair_summary(struct tui *t, int y, const char *s, size_t len, attr_t a)
{
	struct pair_rows r = {t, y, 0, a};
	tui_wrap(s, len, COLS - 2, true, pair_row, &r);
	return r.n < LIST_PAIR_ROWS ? r.n : LIST_PAIR_ROWS;
}

static void list_draw(struct tui *t, struct tui_view *v)
{
	struct list_view *l = LV(v);
	int cols = COLS, rows = LINES;
	struct sw_buf tb = SW_BUF_INIT;
	sw_buf_printf(&tb, "%s", tui_tr(t, "sipwatch - SIP registration diagnosis"));
	tui_draw_title(t, tb.p);
	sw_buf_free(&tb);
	/* Row 1: filter and sort. */
	const struct tui_filter *f = &t->filter;
	struct sw_buf b = SW_BUF_INIT;
	sw_buf_printf(&b, "%s ", tui_tr(t, "Display filter:"));
	bool any = false;
	const struct {
		const char *label;
		const char *val;
	} fl[] = {{"", f->text},
	          {"aor:", f->aor},
	          {"callid:", f->callid},
	          {"addr:", f->addr},
	          {"method:", f->method}};
	for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++) {
		if (!fl[i].val[0])
			continue;
		sw_buf_printf(&b, "%s%s", any ? " " : "", fl[i].label);
		tui_wire_c(&b, fl[i].val);
		any = true;
	}
	if (!any)
		sw_buf_puts(&b, "-");
	int x = 1;
	x += tui_text(t, 1, x, cols / 2, b.p, A_NORMAL);
	sw_buf_reset(&b);
	sw_buf_printf(&b, tui_trn(t, "%zu of %zu item", "%zu of %zu items", l->total), l->n,
	              l->total);
	size_t nsel = count_selected(l);
	if (nsel)
		sw_buf_printf(&b, tui_tr(t, ", %zu selected"), nsel);
	tui_text(t, 1, cols / 2 + 2, cols / 2 - 3, b.p, A_NORMAL);
	/* Two captures: what the path between them did, on up to two rows. */
	int hy = 2;
	sw_buf_reset(&b);
	enum tui_role pr;
	if (tui_pair_summary(t, &b, &pr))
		hy += draw_pair_summary(t, 2, b.p, b.len, tui_a(t, pr));
	sw_buf_free(&b);
	/* Column headers, the sort column marked as sngrep does. */
	struct lay L;
	layout(t, cols, l->total, &L);
	attr_t ha = tui_a(t, TR_HEADER);
	tui_fill(hy, 0, cols, ha);
	x = 4;
	for (int i = 0; i < L.n && x < cols; i++) {
		enum tui_col c = L.c[i];
		char h[96];
		snprintf(h, sizeof h, "%s%s", c == l->sort ? (l->desc ? "v" : "^") : "",
		         tui_tr(t, tui_col_title(c)));
		draw_cell(t, hy, &x, L.w[i], h, ha | (c == l->sort ? A_BOLD : 0));
	}
	/* Rows. */
	int y0 = hy + 1, h = rows - 2 - y0;
	l->page = h > 0 ? h : 1;
	if (l->cursor < l->top)
		l->top = l->cursor;
	if (l->cursor >= l->top + (size_t)l->page)
		l->top = l->cursor - (size_t)l->page + 1;
	for (int r = 0; r < h; r++) {
		size_t i = l->top + (size_t)r;
		if (i >= l->n)
			break;
		const struct tui_row *rw = &l->rows[i];
		struct tui_cells cl;
		tui_row_cells(t, rw, l->orphans_last, &cl);
		int y = y0 + r;
		bool cur = i == l->cursor, sel = is_selected(l, rw->item);
		attr_t base = cur ? tui_a(t, TR_CURSOR) : (sel ? tui_a(t, TR_SELECTED) : A_NORMAL);
		if (cur)
			tui_fill(y, 0, cols, base);
		tui_text(t, y, 0, 4, sel ? "[*]" : "[ ]", base);
		x = 4;
		for (int k = 0; k < L.n && x < cols; k++) {
			enum tui_col c = L.c[k];
			char buf[SW_TIMESTRLEN + 16];
			const char *txt = cell_text(rw, &cl, c, buf, sizeof buf);
			attr_t a = base;
			if (c == TC_STATE && !cur)
				a = tui_a(t, cl.state_role) | base;
			if (c == TC_BADGE && !cur && cl.sev >= 0)
				a = cl.resolved ? tui_a(t, TR_DIM) : tui_a(t, tui_sev_role(cl.sev));
			/* The last column runs to the edge (a long badge). */
			if (k == L.n - 1) {
				tui_text(t, y, x, cols - x, txt, a);
				break;
			}
			draw_cell(t, y, &x, L.w[k], txt, a);
		}
		tui_cells_free(&cl);
	}
	if (l->n == 0) {
		const char *msg = t->ended ? tui_tr(t, "No SIP registrations or dialogs match.")
		                           : tui_tr(t, "Waiting for SIP traffic...");
		tui_text(t, y0 + 1, 4, cols - 8, msg, A_NORMAL);
	}
	/* The finding of the row under the cursor, one line. */
	if (l->n) {
		const struct tui_row *rw = &l->rows[l->cursor];
		const struct sw_finding *wf =
		    rw->item == TUI_ITEM_UNASSIGNED ? NULL
		    : tui_item_is_finding(rw->item)
		        ? sw_analyze_finding(t->an, rw->item & ~TUI_ITEM_FINDING_BIT)
		        : tui_item_worst(t, rw->item);
		if (wf && h > 3) {
			struct sw_buf s = SW_BUF_INIT;
			sw_buf_printf(&s, "[%s] %s: ", tui_sev_letter(wf->severity),
			              sw_kind_name(wf->kind));
			char *summary = sw_finding_summary(t->an, wf);
			tui_wire_c(&s, summary);
			free(summary);
			int y = rows - 3;
			tui_fill(y, 0, cols, A_NORMAL);
			tui_text(t, y, 1, cols - 2, s.p, tui_a(t, tui_sev_role(wf->severity)));
			sw_buf_free(&s);
		}
	}
	tui_draw_status(t, rows - 2);
	tui_draw_keybar(t, v->scr->hints);
}

static void open_ladder(struct tui *t, bool extended)
{
	uint32_t *items;
	size_t n = tui_list_chosen(t, &items);
	if (n == 1 && tui_item_is_finding(items[0]) && !extended) {
		/* A finding of the capture as a whole: its explanation. */
		uint32_t fid = items[0] & ~TUI_ITEM_FINDING_BIT;
		tui_push(t, tui_findings_new(t, &fid, 1, 0));
	} else if (n) {
		tui_push(t, tui_ladder_new_ext(t, items, n, UINT32_MAX, extended));
	}
	free(items);
}

/* F6: the text of every message of the chosen items, for copying. */
static void open_raw(struct tui *t)
{
	uint32_t *items, *ids;
	size_t n = tui_list_chosen(t, &items), nids = 0;
	if (n) {
		tui_collect_msgs(t, items, n, &ids, &nids);
		if (nids)
			tui_push(t, tui_raw_new(t, ids, nids, NULL));
		else
			tui_note(t, "%s", tui_tr(t, "No messages kept for these items."));
		free(ids);
	}
	free(items);
}

static void open_findings(struct tui *t, struct list_view *l)
{
	uint32_t item = l->n ? l->rows[l->cursor].item : TUI_ITEM_UNASSIGNED;
	if (tui_item_is_finding(item)) {
		uint32_t fid = item & ~TUI_ITEM_FINDING_BIT;
		tui_push(t, tui_findings_new(t, &fid, 1, 0));
		return;
	}
	if (item != TUI_ITEM_UNASSIGNED) {
		uint32_t ids[256];
		size_t n = tui_item_findings(t, item, ids, 256);
		if (n) {
			tui_push(t, tui_findings_new(t, ids, n < 256 ? n : 256, 0));
			return;
		}
	}
	tui_push(t, tui_findings_new(t, NULL, 0, 0));
}

/* F5 (live): the list starts again from the traffic to come. The analysis
 * keeps everything: findings stay, and F5 in a ladder is not needed. */
static void clear_list(struct tui *t, struct list_view *l)
{
	if (!t->src->live) {
		tui_note(t, "%s", tui_tr(t, "F5 clears the list of a live capture."));
		return;
	}
	uint32_t next = (uint32_t)sw_analyze_nmsgs(t->an);
	struct sw_analyze_stats st;
	sw_analyze_get_stats(t->an, &st);
	t->clear_from = next;
	t->clear_ns = st.last_ns;
	memset(l->sel, 0, l->sel_cap * sizeof *l->sel);
	l->sel_unassigned = false;
	rebuild(t, l);
	l->top = 0;
	tui_note(t, "%s", tui_tr(t, "List cleared: new traffic only (the diagnosis keeps all of it)."));
}

/* The sort column steps through the shown columns in their order. */
static void step_sort(struct tui *t, struct list_view *l, int dir)
{
	int pos = -1, n = 0;
	enum tui_col shown[TC_N];
	for (int i = 0; i < TC_N; i++)
		if (t->prefs->cols[i].shown) {
			if (t->prefs->cols[i].col == l->sort)
				pos = n;
			shown[n++] = (enum tui_col)t->prefs->cols[i].col;
		}
	if (!n)
		return;
	pos = pos < 0 ? 0 : (pos + n + dir) % n;
	l->sort = shown[pos];
	rebuild(t, l);
}

void tui_list_columns_changed(struct tui *t)
{
	struct list_view *l = LV(t->list);
	bool shown = false;
	for (int i = 0; i < TC_N; i++)
		shown |= t->prefs->cols[i].shown && t->prefs->cols[i].col == l->sort;
	if (!shown)
		l->sort = TC_IDX;
	rebuild(t, l);
	t->redraw = true;
}

static void save_chosen(struct tui *t)
{
	uint32_t *items, *ids;
	size_t n = tui_list_chosen(t, &items), nids = 0;
	tui_collect_msgs(t, items, n, &ids, &nids);
	tui_save_ask(t, ids, nids);
	free(ids);
	free(items);
}

static void filter_done(struct tui *t, const char *text, void *u)
{
	(void)u;
	struct tui_filter *f = &t->filter;
	/* "aor:", "callid:", "addr:", "method:" address one field; anything
	 * else is free text. */
	static const struct {
		const char *prefix;
		size_t off;
	} pf[] = {{"aor:", offsetof(struct tui_filter, aor)},
	          {"callid:", offsetof(struct tui_filter, callid)},
	          {"call-id:", offsetof(struct tui_filter, callid)},
	          {"addr:", offsetof(struct tui_filter, addr)},
	          {"method:", offsetof(struct tui_filter, method)}};
	for (size_t i = 0; i < sizeof pf / sizeof pf[0]; i++) {
		size_t pl = strlen(pf[i].prefix);
		if (strncasecmp(text, pf[i].prefix, pl) == 0) {
			snprintf((char *)f + pf[i].off, TUI_FILTER_MAX, "%s", text + pl);
			tui_list_filter_changed(t);
			return;
		}
	}
	snprintf(f->text, sizeof f->text, "%s", text);
	tui_list_filter_changed(t);
}

static void move_cursor(struct list_view *l, size_t to)
{
	if (!l->n)
		return;
	l->cursor = to >= l->n ? l->n - 1 : to;
	l->cursor_item = l->rows[l->cursor].item;
}

static bool list_key(struct tui *t, struct tui_view *v, int k)
{
	struct list_view *l = LV(v);
	size_t page = l->page > 1 ? (size_t)l->page - 1 : 1;
	switch (k) {
	case TK(KEY_UP):
	case 'k':
		move_cursor(l, l->cursor ? l->cursor - 1 : 0);
		return true;
	case TK(KEY_DOWN):
	case 'j':
		move_cursor(l, l->cursor + 1);
		return true;
	case TK(KEY_PPAGE):
	case TK_CTRL('B'):
		move_cursor(l, l->cursor > page ? l->cursor - page : 0);
		return true;
	case TK(KEY_NPAGE):
	case TK_CTRL('F'):
		move_cursor(l, l->cursor + page);
		return true;
	case TK_CTRL('U'):
		move_cursor(l, l->cursor > page / 2 ? l->cursor - page / 2 : 0);
		return true;
	case TK_CTRL('D'):
		move_cursor(l, l->cursor + page / 2);
		return true;
	case TK(KEY_HOME):
	case TK_CTRL('A'):
		move_cursor(l, 0);
		return true;
	case TK(KEY_END):
	case TK_CTRL('E'):
		move_cursor(l, l->n ? l->n - 1 : 0);
		return true;
	case ' ':
		if (l->n) {
			uint32_t it = l->rows[l->cursor].item;
			if (it == TUI_ITEM_UNASSIGNED)
				l->sel_unassigned = !l->sel_unassigned;
			else if (it < l->sel_cap)
				l->sel[it] = !l->sel[it];
		}
		return true;
	case '<':
		step_sort(t, l, -1);
		return true;
	case '>':
		step_sort(t, l, 1);
		return true;
	case 'z':
		l->desc = !l->desc;
		rebuild(t, l);
		return true;
	case TK(KEY_F(3)):
	case '/':
	case '\t':
		tui_push(
		    t, tui_prompt_new(t, tui_tr(t, "Filter (text, aor:, callid:, addr:, method:):"),
		                      t->filter.text, filter_done, NULL, NULL));
		return true;
	case TK(KEY_F(7)):
	case 'f':
	case 'F':
		tui_push(t, tui_filter_form_new(t));
		return true;
	case TK(KEY_F(2)):
	case 's':
	case 'S':
		save_chosen(t);
		return true;
	case TK(KEY_F(4)):
	case 'x':
	case 'X':
		open_ladder(t, true);
		return true;
	case TK(KEY_F(5)):
		clear_list(t, l);
		return true;
	case TK(KEY_F(6)):
	case 'r':
	case 'R':
		open_raw(t);
		return true;
	case TK(KEY_F(10)):
	case 't':
	case 'T':
		tui_push(t, tui_columns_new(t));
		return true;
	case 'e':
	case 'E':
		open_findings(t, l);
		return true;
	case 'p':
	case 'P':
		t->paused = !t->paused;
		tui_note(t, "%s",
		         t->paused ? (t->src->live ? tui_tr(t, "Capture paused: p resumes.")
		                                   : tui_tr(t, "Reading paused: p resumes."))
		                   : tui_tr(t, "Resumed."));
		return true;
	case 'A':
		t->autoscroll = !t->autoscroll;
		if (t->autoscroll && l->n)
			move_cursor(l, l->n - 1);
		tui_note(t, "%s",
		         t->autoscroll ? tui_tr(t, "Autoscroll on: the list follows the newest item.")
		                       : tui_tr(t, "Autoscroll off."));
		return true;
	case 'q':
	case 'Q':
		tui_quit_ask(t);
		return true;
	case TK_ESC:
		/* Esc first clears a filter, then quits as in sngrep. */
		if (t->filter.text[0] || t->filter.aor[0] || t->filter.callid[0] ||
		    t->filter.addr[0] || t->filter.method[0]) {
			memset(&t->filter, 0, sizeof t->filter);
			tui_list_filter_changed(t);
			return true;
		}
		tui_quit_ask(t);
		return true;
	}
	if (tui_key_enter(k)) {
		open_ladder(t, false);
		return true;
	}
	return false;
}

static void list_destroy(struct tui_view *v)
{
	struct list_view *l = LV(v);
	free(l->rows);
	free(l->sel);
	free(l);
}

static const char *const list_hints[] = {
    N_("q\tQuit"),      N_("Enter\tLadder"), N_("Space\tSelect"),  N_("e\tExplain"),
    N_("F1\tHelp"),     N_("F2\tSave"),      N_("F4\tExtended"),   N_("F5\tClear"),
    N_("F6\tRaw"),      N_("F7\tFilter"),    N_("F10\tColumns"),   NULL,
};

static const char *const list_help[] = {
    N_("Up/Down, j/k\tMove; PgUp/PgDn, Home/End to jump"),
    N_("Enter\tLadder (message flow) of the selected items; a finding's row: its explanation"),
    N_("Space\tSelect or unselect the item (several make one ladder)"),
    N_("e\tExplain the item's findings, with advice"),
    N_("F2, s\tSave: pcap of everything or of the selection, pcapng with findings, HTML report, or text"),
    N_("F3, /, Tab\tFilter: text, or aor:, callid:, addr:, method:"),
    N_("F4, x\tExtended ladder: every message to or from the items' phones"),
    N_("F5\tClear the list (live capture): show only the traffic to come"),
    N_("F6, r\tRaw text of all messages of the selected items, for copying"),
    N_("F7, f\tFilter form (AOR, Call-ID, address, method, text)"),
    N_("F10, t\tColumns: which, in what order, how wide (saved for next time)"),
    N_("p\tPause or resume the capture (or the reading of the files)"),
    N_("A\tAutoscroll: keep the cursor on the newest item"),
    N_("< >\tSort by the previous / next column; z reverses"),
    N_("Esc\tClear the filter; with no filter, quit"),
    N_("q\tQuit (asks first while a live capture runs or its packets are not saved)"),
    N_("Ctrl-L\tRedraw the screen"),
    NULL,
};

static const struct tui_screen list_screen = {
    .name = "list",
    .draw = list_draw,
    .key = list_key,
    .update = list_refresh,
    .destroy = list_destroy,
    .help_title = N_("List of accounts and dialogs"),
    .help = list_help,
    .hints = list_hints,
};

struct tui_view *tui_list_new(struct tui *t)
{
	struct list_view *l = sw_calloc(1, sizeof *l);
	l->base.scr = &list_screen;
	l->sort = TC_IDX;
	l->cursor_item = 0;
	rebuild(t, l);
	return &l->base;
}
