/* SPDX-License-Identifier: BSD-2-Clause */
/* Help overlay (F1, ?): the keys of the screen below it, then the keys that
 * work everywhere, over the terminal's whole width (long lines wrap under
 * their key); Up/Down and PgUp/PgDn scroll when it is taller than the
 * terminal, any other key closes it. */
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "tui/tui_int.h"

static const char *const global_help[] = {
    N_("F1, ?, H\tThis help"),
    N_("q, Esc\tBack to the previous screen; quit from the list"),
    N_("Ctrl-C\tQuit"),
    NULL,
};

struct help_view {
	struct tui_view base;
	const struct tui_screen *of;
	size_t top;
	int page;
	size_t total;
};

static int key_width(struct tui *t, const char *msgid)
{
	const char *s = tui_tr(t, msgid);
	const char *tab = strchr(s, '\t');
	return tab ? tui_width(s, (size_t)(tab - s)) : 0;
}

/* One help entry as screen lines: the key in the first kw columns, the
 * text wrapped in the rest. */
struct hline {
	char *key; /* NULL on continuation lines */
	char *text;
};

struct hlines {
	struct hline *v;
	size_t n, cap;
	const char *key;
};

static void hl_emit(void *u, const char *s, size_t len)
{
	struct hlines *h = u;
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 32;
		h->v = sw_realloc(h->v, h->cap * sizeof *h->v);
	}
	h->v[h->n++] = (struct hline){h->key ? sw_strdup(h->key) : NULL, sw_strndup(s, len)};
	h->key = NULL;
}

static void add_entry(struct tui *t, struct hlines *h, const char *msgid, int tw)
{
	const char *s = tui_tr(t, msgid);
	const char *tab = strchr(s, '\t');
	char *key = tab ? sw_strndup(s, (size_t)(tab - s)) : NULL;
	const char *text = tab ? tab + 1 : s;
	h->key = key ? key : "";
	tui_wrap(text, strlen(text), tw, true, hl_emit, h);
	free(key);
}

static void help_draw(struct tui *t, struct tui_view *v)
{
	struct help_view *hv = (struct help_view *)v;
	const struct tui_screen *of = hv->of;
	int cols = COLS, rows = LINES;
	int w = cols - 2;
	int x = 1;
	int kw = 0;
	for (size_t i = 0; of->help && of->help[i]; i++)
		if (key_width(t, of->help[i]) > kw)
			kw = key_width(t, of->help[i]);
	for (size_t i = 0; global_help[i]; i++)
		if (key_width(t, global_help[i]) > kw)
			kw = key_width(t, global_help[i]);
	kw += 2;
	if (kw > w / 3)
		kw = w / 3;
	int tw = w - 4 - kw;
	if (tw < 10)
		tw = 10;
	struct hlines h = {0};
	for (size_t i = 0; of->help && of->help[i]; i++)
		add_entry(t, &h, of->help[i], tw);
	size_t nscreen = h.n;
	for (size_t i = 0; global_help[i]; i++)
		add_entry(t, &h, global_help[i], tw);
	/* Box: the lines, a blank line between the two groups, a title, the
	 * frame and the closing line. */
	size_t body = h.n + 1;
	int hh = (int)body + 5;
	if (hh > rows - 1)
		hh = rows - 1;
	int y = (rows - hh) / 2;
	int page = hh - 5;
	hv->page = page > 0 ? page : 1;
	hv->total = body;
	size_t max = body > (size_t)hv->page ? body - (size_t)hv->page : 0;
	if (hv->top > max)
		hv->top = max;
	tui_box(t, y, x, hh, w, tui_tr(t, of->help_title ? of->help_title : N_("Help")));
	for (int r = 0; r < hv->page; r++) {
		size_t i = hv->top + (size_t)r;
		if (i >= body)
			break;
		if (i == nscreen)
			continue; /* the gap between the screen's keys and the global ones */
		const struct hline *l = &h.v[i > nscreen ? i - 1 : i];
		if (l->key)
			tui_text(t, y + 2 + r, x + 2, kw - 1, l->key, A_BOLD);
		tui_text(t, y + 2 + r, x + 2 + kw, tw, l->text, A_NORMAL);
	}
	const char *foot = max ? tui_tr(t, "Up/Down: scroll; any other key continues")
	                       : tui_tr(t, "Press any key to continue");
	tui_text_center(t, y + hh - 2, x + 1, w - 2, foot, tui_a(t, TR_DIM));
	for (size_t i = 0; i < h.n; i++) {
		free(h.v[i].key);
		free(h.v[i].text);
	}
	free(h.v);
}

static bool help_key(struct tui *t, struct tui_view *v, int k)
{
	struct help_view *hv = (struct help_view *)v;
	if (k == TK(KEY_RESIZE))
		return true;
	bool scrolls = hv->total > (size_t)hv->page;
	if (scrolls && k != ' ' && tui_scroll_key(k, &hv->top, hv->total, hv->page))
		return true;
	tui_pop(t);
	return true;
}

static void help_destroy(struct tui_view *v)
{
	free(v);
}

static const struct tui_screen help_screen = {
    .name = "help",
    .overlay = true,
    .draw = help_draw,
    .key = help_key,
    .destroy = help_destroy,
};

struct tui_view *tui_help_new(struct tui *t, const struct tui_screen *of)
{
	(void)t;
	if (of == &help_screen || of->overlay)
		return NULL;
	struct help_view *h = sw_calloc(1, sizeof *h);
	h->base.scr = &help_screen;
	h->of = of;
	return &h->base;
}
