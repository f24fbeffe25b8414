/* SPDX-License-Identifier: BSD-2-Clause */
/* Message diff (Space on two messages of the ladder, as sngrep's compare):
 * the two messages side by side, each under its time, addresses and frame;
 * a line that the other message does not hold exactly is highlighted and
 * marked '*' (sngrep's rule: each line searched in the other message). For
 * the same message as two captures saw it, the ladder's d is the better tool
 * (pair.c aligns the lines and knows what NAT changes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "tui/tui_int.h"

struct dline {
	const char *p;
	size_t len;
	bool unique; /* not in the other message */
};

struct dside {
	struct sw_buf text;
	struct dline *ln;
	size_t n;
	bool missing;
};

struct drow {
	char *text; /* escaped, one screen row */
	bool mark;
	bool head;
};

struct dcol {
	struct drow *v;
	size_t n, cap;
};

struct diff_view {
	struct tui_view base;
	uint32_t id[2];
	struct dcol col[2];
	int built_w;
	uint64_t built_gen;
	size_t top;
	int page;
	size_t ndiff[2];
};

static struct diff_view *DV(struct tui_view *v)
{
	return (struct diff_view *)v;
}

static void split(struct dside *s)
{
	size_t cap = 0;
	const char *p = s->text.p, *end = s->text.p + s->text.len;
	while (p && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *next = eol ? eol + 1 : end;
		const char *le = eol ? eol : end;
		if (le > p && le[-1] == '\r')
			le--;
		if (s->n == cap) {
			cap = cap ? cap * 2 : 32;
			s->ln = sw_realloc(s->ln, cap * sizeof *s->ln);
		}
		s->ln[s->n++] = (struct dline){p, (size_t)(le - p), false};
		p = next;
	}
}

static void mark_unique(struct dside *a, const struct dside *b)
{
	for (size_t i = 0; i < a->n; i++) {
		bool found = false;
		for (size_t j = 0; j < b->n && !found; j++)
			found = a->ln[i].len == b->ln[j].len &&
			        memcmp(a->ln[i].p, b->ln[j].p, a->ln[i].len) == 0;
		a->ln[i].unique = !found;
	}
}

static void col_push(struct dcol *c, const char *s, size_t len, bool mark, bool head)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = sw_realloc(c->v, c->cap * sizeof *c->v);
	}
	c->v[c->n++] = (struct drow){sw_strndup(s, len), mark, head};
}

struct wrapc {
	struct dcol *c;
	bool mark, head;
};

static void wrap_emit(void *u, const char *s, size_t len)
{
	struct wrapc *w = u;
	col_push(w->c, s, len, w->mark, w->head);
}

static void cols_clear(struct diff_view *dv)
{
	for (int s = 0; s < 2; s++) {
		for (size_t i = 0; i < dv->col[s].n; i++)
			free(dv->col[s].v[i].text);
		free(dv->col[s].v);
		memset(&dv->col[s], 0, sizeof dv->col[s]);
	}
}

static void build(struct tui *t, struct diff_view *dv, int cols)
{
	cols_clear(dv);
	dv->built_w = cols;
	dv->built_gen = t->gen;
	int half = (cols - 1) / 2;
	int w[2] = {half - 2, cols - half - 3};
	struct dside sd[2];
	memset(sd, 0, sizeof sd);
	for (int s = 0; s < 2; s++) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(t->an, dv->id[s], &m_rec);
		struct sw_buf h = SW_BUF_INIT;
		if (m) {
			tui_msg_heading(t, m, &h);
			if (tui_msg_raw(t, m, &sd[s].text) < 0 || !sd[s].text.len)
				sd[s].missing = true;
		} else {
			sd[s].missing = true;
		}
		struct wrapc wc = {&dv->col[s], false, true};
		tui_wrap(h.p ? h.p : "", h.len, w[s] > 4 ? w[s] : 4, true, wrap_emit, &wc);
		col_push(&dv->col[s], "", 0, false, false);
		sw_buf_free(&h);
		split(&sd[s]);
	}
	mark_unique(&sd[0], &sd[1]);
	mark_unique(&sd[1], &sd[0]);
	struct sw_buf e = SW_BUF_INIT;
	for (int s = 0; s < 2; s++) {
		dv->ndiff[s] = 0;
		if (sd[s].missing) {
			const char *why = tui_tr(t, "(the text of this message is not available)");
			col_push(&dv->col[s], why, strlen(why), false, false);
		}
		for (size_t i = 0; i < sd[s].n; i++) {
			sw_buf_reset(&e);
			tui_wire_line(&e, sd[s].ln[i].p, sd[s].ln[i].len);
			struct wrapc wc = {&dv->col[s], sd[s].ln[i].unique, false};
			tui_wrap(e.p ? e.p : "", e.len, w[s] > 4 ? w[s] : 4, false, wrap_emit, &wc);
			dv->ndiff[s] += sd[s].ln[i].unique;
		}
		free(sd[s].ln);
		sw_buf_free(&sd[s].text);
	}
	sw_buf_free(&e);
}

static void diff_draw(struct tui *t, struct tui_view *v)
{
	struct diff_view *dv = DV(v);
	int cols = COLS, rows = LINES;
	if (dv->built_w != cols || dv->built_gen != t->gen)
		build(t, dv, cols);
	struct sw_buf b = SW_BUF_INIT;
	sw_buf_printf(&b, "%s: ", tui_tr(t, "Compare"));
	for (int s = 0; s < 2; s++) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(t->an, dv->id[s], &m_rec);
		if (s)
			sw_buf_puts(&b, "  <->  ");
		sw_tr_label(t->cat, m ? m->label : "?", &b);
	}
	tui_draw_title(t, b.p);
	sw_buf_reset(&b);
	sw_buf_printf(&b,
	              tui_tr(t, "* marks a line the other message does not have (%zu left, %zu right)"),
	              dv->ndiff[0], dv->ndiff[1]);
	tui_text(t, 1, 1, cols - 2, b.p, tui_a(t, TR_DIM));
	sw_buf_free(&b);
	int y0 = 2, h = rows - 2 - y0;
	dv->page = h > 0 ? h : 1;
	size_t total = dv->col[0].n > dv->col[1].n ? dv->col[0].n : dv->col[1].n;
	size_t max = total > (size_t)h ? total - (size_t)h : 0;
	if (dv->top > max)
		dv->top = max;
	int half = (cols - 1) / 2;
	for (int r = 0; r < h; r++) {
		size_t i = dv->top + (size_t)r;
		attrset(A_NORMAL);
		mvaddch(y0 + r, half, ACS_VLINE);
		for (int s = 0; s < 2; s++) {
			if (i >= dv->col[s].n)
				continue;
			const struct drow *x = &dv->col[s].v[i];
			int cx = s ? half + 1 : 0, cw = s ? cols - half - 1 : half;
			attr_t a = x->head ? tui_a(t, TR_HNAME) : A_NORMAL;
			if (x->mark) {
				a = tui_a(t, TR_HIGHLIGHT);
				tui_fill(y0 + r, cx, cw, a);
				tui_text(t, y0 + r, cx, 1, "*", a | A_BOLD);
			}
			tui_text(t, y0 + r, cx + 2, cw - 2, x->text, a);
		}
	}
	tui_draw_status(t, rows - 2);
	tui_draw_keybar(t, v->scr->hints);
}

static bool diff_key(struct tui *t, struct tui_view *v, int k)
{
	struct diff_view *dv = DV(v);
	size_t total = dv->col[0].n > dv->col[1].n ? dv->col[0].n : dv->col[1].n;
	if (k == TK(KEY_F(2)) || k == 's' || k == 'S') {
		tui_save_ask(t, dv->id, 2);
		return true;
	}
	return tui_scroll_key(k, &dv->top, total, dv->page);
}

static void diff_destroy(struct tui_view *v)
{
	struct diff_view *dv = DV(v);
	cols_clear(dv);
	free(dv);
}

static const char *const diff_hints[] = {
    N_("Esc\tLadder"),
    N_("Up/Down\tScroll"),
    N_("F2\tSave"),
    N_("F1\tHelp"),
    NULL,
};

static const char *const diff_help[] = {
    N_("*  highlighted\tA line the other message does not hold exactly"),
    N_("Up/Down, PgUp/PgDn\tScroll both messages"),
    N_("F2, s\tSave the two messages"),
    N_("Esc, q\tBack to the ladder"),
    NULL,
};

static const struct tui_screen diff_screen = {
    .name = "diff",
    .draw = diff_draw,
    .key = diff_key,
    .destroy = diff_destroy,
    .help_title = N_("Compare two messages"),
    .help = diff_help,
    .hints = diff_hints,
};

struct tui_view *tui_diff_new(struct tui *t, uint32_t a, uint32_t b)
{
	(void)t;
	struct diff_view *dv = sw_calloc(1, sizeof *dv);
	dv->base.scr = &diff_screen;
	/* The earlier message on the left. */
	dv->id[0] = a < b ? a : b;
	dv->id[1] = a < b ? b : a;
	dv->built_w = -1;
	return &dv->base;
}
