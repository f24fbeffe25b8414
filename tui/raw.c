/* SPDX-License-Identifier: BSD-2-Clause */
/* Raw screen (F6, as sngrep's call raw window): the text of every message of
 * the chosen items one after the other, each under a line with its time,
 * addresses and frame, for reading and copying them all at once rather than
 * one at a time. Wire bytes are escaped as everywhere; long lines wrap at the
 * screen's edge with nothing in the margin, so a terminal's selection copies
 * the text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "tui/tui_int.h"

struct raw_view {
	struct tui_view base;
	uint32_t *ids;
	size_t n;
	char title[160];
	struct tui_lines lines;
	int built_w;
	uint64_t built_gen;
	size_t top;
	int page;
};

static struct raw_view *RV(struct tui_view *v)
{
	return (struct raw_view *)v;
}

static void build(struct tui *t, struct raw_view *rv, int w)
{
	tui_lines_clear(&rv->lines);
	rv->built_w = w;
	rv->built_gen = t->gen;
	struct sw_buf b = SW_BUF_INIT, e = SW_BUF_INIT;
	for (size_t i = 0; i < rv->n; i++) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(t->an, rv->ids[i], &m_rec);
		if (!m)
			continue;
		sw_buf_reset(&b);
		tui_msg_heading(t, m, &b);
		tui_lines_wrap(&rv->lines, b.p, b.len, w, true, TR_HNAME, false, NULL);
		sw_buf_reset(&b);
		if (tui_msg_raw(t, m, &b) < 0 || !b.len) {
			sw_buf_reset(&e);
			sw_tr_label(t->cat, m->label, &e);
			sw_buf_printf(&e, "  %s", tui_tr(t, "(the text of this message is not available)"));
			tui_lines_add(&rv->lines, e.p, e.len, TR_DIM, false);
		} else {
			if (m->kind == SW_MSG_ICMP) {
				const char *q = tui_tr(t, "The packet this ICMP error quotes:");
				tui_lines_add(&rv->lines, q, strlen(q), TR_ICMP, false);
			}
			const char *p = b.p, *end = b.p + b.len;
			while (p < end) {
				const char *eol = memchr(p, '\n', (size_t)(end - p));
				const char *next = eol ? eol + 1 : end;
				const char *le = eol ? eol : end;
				if (le > p && le[-1] == '\r')
					le--;
				sw_buf_reset(&e);
				tui_wire_line(&e, p, (size_t)(le - p));
				tui_lines_wrap(&rv->lines, e.p, e.len, w, false, TR_NORMAL, false, NULL);
				p = next;
			}
		}
		tui_lines_add(&rv->lines, "", 0, TR_NORMAL, false);
	}
	sw_buf_free(&b);
	sw_buf_free(&e);
	if (!rv->lines.n) {
		const char *s = tui_tr(t, "(the text of these messages is not available)");
		tui_lines_add(&rv->lines, s, strlen(s), TR_DIM, false);
	}
}

static void raw_draw(struct tui *t, struct tui_view *v)
{
	struct raw_view *rv = RV(v);
	int cols = COLS, rows = LINES;
	if (rv->built_w != cols || rv->built_gen != t->gen)
		build(t, rv, cols);
	char title[256];
	snprintf(title, sizeof title, "%s", rv->title);
	tui_draw_title(t, title);
	int h = rows - 3;
	rv->page = h;
	size_t max = rv->lines.n > (size_t)h ? rv->lines.n - (size_t)h : 0;
	if (rv->top > max)
		rv->top = max;
	for (int r = 0; r < h; r++) {
		size_t i = rv->top + (size_t)r;
		if (i >= rv->lines.n)
			break;
		const struct tui_line *ln = &rv->lines.v[i];
		tui_text(t, 1 + r, 0, cols, ln->text, tui_a(t, ln->role));
	}
	tui_draw_status(t, rows - 2);
	tui_draw_keybar(t, v->scr->hints);
}

static bool raw_key(struct tui *t, struct tui_view *v, int k)
{
	struct raw_view *rv = RV(v);
	switch (k) {
	case TK(KEY_F(2)):
	case 's':
	case 'S':
		tui_save_ask(t, rv->ids, rv->n);
		return true;
	}
	return tui_scroll_key(k, &rv->top, rv->lines.n, rv->page);
}

static void raw_destroy(struct tui_view *v)
{
	struct raw_view *rv = RV(v);
	tui_lines_clear(&rv->lines);
	free(rv->ids);
	free(rv);
}

static const char *const raw_hints[] = {
    N_("Esc\tBack"),
    N_("Up/Down\tScroll"),
    N_("F2\tSave"),
    N_("F1\tHelp"),
    NULL,
};

static const char *const raw_help[] = {
    N_("Up/Down, PgUp/PgDn\tScroll; Home/End: first / last message"),
    N_("F2, s\tSave these messages: pcap, pcapng with findings, this text, or HTML"),
    N_("\\xNN \\uNNNN\tA byte or a format control from the wire the terminal must not see"),
    N_("Esc, q\tBack"),
    NULL,
};

static const struct tui_screen raw_screen = {
    .name = "raw",
    .draw = raw_draw,
    .key = raw_key,
    .destroy = raw_destroy,
    .help_title = N_("Raw messages"),
    .help = raw_help,
    .hints = raw_hints,
};

struct tui_view *tui_raw_new(struct tui *t, const uint32_t *ids, size_t n, const char *title)
{
	if (!n)
		return NULL;
	struct raw_view *rv = sw_calloc(1, sizeof *rv);
	rv->base.scr = &raw_screen;
	rv->ids = sw_malloc(n * sizeof *ids);
	memcpy(rv->ids, ids, n * sizeof *ids);
	rv->n = n;
	rv->built_w = -1;
	if (title)
		snprintf(rv->title, sizeof rv->title, "%s", title);
	else
		snprintf(rv->title, sizeof rv->title,
		         tui_trn(t, "Raw: %zu message", "Raw: %zu messages", n), n);
	return &rv->base;
}
