/* SPDX-License-Identifier: BSD-2-Clause */
/* Help overlay (F1, ?): the keys of the screen below it, then the keys that
 * work everywhere. Any key closes it. */
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
};

static int key_width(struct tui *t, const char *msgid)
{
	const char *s = tui_tr(t, msgid);
	const char *tab = strchr(s, '\t');
	return tab ? tui_width(s, (size_t)(tab - s)) : 0;
}

static void help_line(struct tui *t, int y, int x, int w, int kw, const char *msgid)
{
	const char *s = tui_tr(t, msgid);
	const char *tab = strchr(s, '\t');
	if (!tab) {
		tui_text(t, y, x, w, s, A_NORMAL);
		return;
	}
	tui_textn(t, y, x, kw - 1, s, (size_t)(tab - s), A_BOLD);
	tui_text(t, y, x + kw, w - kw, tab + 1, A_NORMAL);
}

static void help_draw(struct tui *t, struct tui_view *v)
{
	struct help_view *h = (struct help_view *)v;
	size_t n = 0, g = 0;
	while (h->of->help && h->of->help[n])
		n++;
	while (global_help[g])
		g++;
	int cols = COLS, rows = LINES;
	int w = cols - 2 > 78 ? 78 : cols - 2;
	int hh = (int)(n + g) + 7;
	if (hh > rows - 1)
		hh = rows - 1;
	int x = (cols - w) / 2, y = (rows - hh) / 2;
	tui_box(t, y, x, hh, w, tui_tr(t, h->of->help_title ? h->of->help_title : N_("Help")));
	int kw = 0;
	for (size_t i = 0; i < n; i++)
		if (key_width(t, h->of->help[i]) > kw)
			kw = key_width(t, h->of->help[i]);
	for (size_t i = 0; i < g; i++)
		if (key_width(t, global_help[i]) > kw)
			kw = key_width(t, global_help[i]);
	kw += 2;
	if (kw > w / 3)
		kw = w / 3;
	int r = y + 2, last = y + hh - 3;
	for (size_t i = 0; i < n && r <= last; i++, r++)
		help_line(t, r, x + 2, w - 4, kw, h->of->help[i]);
	r++;
	for (size_t i = 0; i < g && r <= last; i++, r++)
		help_line(t, r, x + 2, w - 4, kw, global_help[i]);
	tui_text_center(t, y + hh - 2, x + 1, w - 2, tui_tr(t, "Press any key to continue"),
	                tui_a(t, TR_DIM));
}

static bool help_key(struct tui *t, struct tui_view *v, int k)
{
	if (k == TK(KEY_RESIZE))
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
