/* SPDX-License-Identifier: BSD-2-Clause */
/* Column chooser (F10 or t on the list, as sngrep's column selection): which
 * columns the list shows (Space), in what order (+ and -, as sngrep), and how
 * wide (Left/Right: the Finding column can be widened to hold the whole
 * badge). Enter applies for this session, s also saves to the settings file
 * (config.c), Esc leaves everything as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "tui/tui_int.h"

#define COL_WIDTH_STEP 2 /* Left/Right change a width by this much */
#define COL_WIDTH_MIN 3

struct columns_view {
	struct tui_view base;
	struct tui_colpref cols[TC_N]; /* the edited copy */
	int cur;
};

static struct columns_view *CV(struct tui_view *v)
{
	return (struct columns_view *)v;
}

static void columns_draw(struct tui *t, struct tui_view *v)
{
	struct columns_view *cv = CV(v);
	int cols = COLS, rows = LINES;
	int w = cols - 4 > 72 ? 72 : cols - 4, h = TC_N + 7;
	if (h > rows - 1)
		h = rows - 1;
	int x = (cols - w) / 2, y = (rows - h) / 2;
	tui_box(t, y, x, h, w, tui_tr(t, "List columns"));
	tui_text(t, y + 1, x + 2, w - 4,
	         tui_tr(t, "Space: show/hide  +/-: move down/up  Left/Right: narrower/wider"),
	         tui_a(t, TR_DIM));
	/* A short terminal shows the rows around the cursor. */
	int visible = h - 6 > 1 ? h - 6 : 1;
	int first = cv->cur >= visible ? cv->cur - visible + 1 : 0;
	int r = y + 3;
	for (int i = first; i < TC_N && r < y + 3 + visible; i++, r++) {
		const struct tui_colpref *c = &cv->cols[i];
		attr_t a = i == cv->cur ? tui_a(t, TR_CURSOR) : A_NORMAL;
		if (i == cv->cur)
			tui_fill(r, x + 1, w - 2, a);
		char width[32];
		if (c->width)
			snprintf(width, sizeof width, "%d", c->width);
		else
			snprintf(width, sizeof width, "%s", tui_tr(t, "auto"));
		struct sw_buf b = SW_BUF_INIT;
		sw_buf_printf(&b, "%s %s", c->shown ? "[*]" : "[ ]",
		              tui_tr(t, tui_col_title((enum tui_col)c->col)));
		tui_text(t, r, x + 2, w - 16, b.p, a);
		tui_text(t, r, x + w - 12, 10, width, a);
		sw_buf_free(&b);
	}
	tui_text(t, y + h - 2, x + 2, w - 4,
	         tui_tr(t, "Enter: apply  s: apply and save  Esc: cancel"), tui_a(t, TR_DIM));
}

/* The width a column has on screen now, to start from when it has none. */
static int current_width(enum tui_col c)
{
	switch (c) {
	case TC_BADGE:
		return 15;
	case TC_NAME:
		return 30;
	case TC_ADDR:
		return 40;
	default:
		return 10;
	}
}

static void apply(struct tui *t, struct columns_view *cv)
{
	memcpy(t->prefs->cols, cv->cols, sizeof cv->cols);
	tui_list_columns_changed(t);
}

static bool columns_key(struct tui *t, struct tui_view *v, int k)
{
	struct columns_view *cv = CV(v);
	struct tui_colpref *c = &cv->cols[cv->cur];
	switch (k) {
	case TK(KEY_UP):
	case 'k':
		if (cv->cur)
			cv->cur--;
		return true;
	case TK(KEY_DOWN):
	case 'j':
		if (cv->cur + 1 < TC_N)
			cv->cur++;
		return true;
	case ' ': {
		int shown = 0;
		for (int i = 0; i < TC_N; i++)
			shown += cv->cols[i].shown;
		if (c->shown && shown == 1)
			return true; /* one column at least */
		c->shown = !c->shown;
		return true;
	}
	case '+':
	case '-': {
		int to = cv->cur + (k == '+' ? 1 : -1);
		if (to < 0 || to >= TC_N)
			return true;
		struct tui_colpref tmp = cv->cols[to];
		cv->cols[to] = *c;
		cv->cols[cv->cur] = tmp;
		cv->cur = to;
		return true;
	}
	case TK(KEY_LEFT):
	case TK(KEY_RIGHT):
	case 'h':
	case 'l':
	case '<':
	case '>': {
		bool wider = k == TK(KEY_RIGHT) || k == 'l' || k == '>';
		int w = c->width ? c->width : current_width((enum tui_col)c->col);
		w += wider ? COL_WIDTH_STEP : -COL_WIDTH_STEP;
		c->width = w < COL_WIDTH_MIN ? COL_WIDTH_MIN : w > TUI_COL_MAXW ? TUI_COL_MAXW : w;
		return true;
	}
	case 'a':
	case 'A':
		c->width = 0; /* automatic again */
		return true;
	case 's':
	case 'S':
	case TK(KEY_F(2)): {
		apply(t, cv);
		char err[256] = "";
		if (tui_prefs_save(t->prefs, err, sizeof err) < 0) {
			struct sw_buf b = SW_BUF_INIT;
			tui_wire_c(&b, err);
			tui_note(t, tui_tr(t, "Columns applied, not saved: %s"), b.p);
			sw_buf_free(&b);
		} else {
			struct sw_buf b = SW_BUF_INIT;
			tui_wire_c(&b, t->prefs->path);
			tui_note(t, tui_tr(t, "Columns saved to %s"), b.p);
			sw_buf_free(&b);
		}
		tui_pop(t);
		return true;
	}
	case TK_ESC:
	case 'q':
	case 'Q':
		tui_pop(t);
		return true;
	}
	if (tui_key_enter(k)) {
		apply(t, cv);
		tui_pop(t);
		return true;
	}
	return true; /* a dialog takes every key */
}

static void columns_destroy(struct tui_view *v)
{
	free(v);
}

static const struct tui_screen columns_screen = {
    .name = "columns",
    .overlay = true,
    .draw = columns_draw,
    .key = columns_key,
    .destroy = columns_destroy,
};

struct tui_view *tui_columns_new(struct tui *t)
{
	struct columns_view *cv = sw_calloc(1, sizeof *cv);
	cv->base.scr = &columns_screen;
	memcpy(cv->cols, t->prefs->cols, sizeof cv->cols);
	return &cv->base;
}
