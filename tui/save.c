/* SPDX-License-Identifier: BSD-2-Clause */
/* F2 / s: save the chosen messages, after asking what to save and the file's
 * name: the frames as a pcap, as a pcapng with the findings as comments on
 * their evidence frames, or an HTML report of the items they belong to. The
 * pipeline's callbacks re-read the frames or write the page (cli/). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/mem.h"
#include "tui/tui_int.h"

enum save_what { SAVE_PCAP, SAVE_PCAPNG, SAVE_HTML, SAVE_N };

struct save_req {
	uint32_t *ids;
	size_t n;
	enum save_what what;
};

static void save_free(void *u)
{
	struct save_req *r = u;
	free(r->ids);
	free(r);
}

static void save_done(struct tui *t, const char *path, void *u)
{
	struct save_req *r = u;
	if (!path[0]) {
		tui_note(t, "%s", tui_tr(t, "Not saved: no file name."));
		return;
	}
	char err[256] = "";
	int (*fn)(void *, const uint32_t *, size_t, const char *, char *, size_t) =
	    r->what == SAVE_HTML ? t->src->save_html
	    : r->what == SAVE_PCAPNG ? t->src->save_pcapng
	                             : t->src->save;
	if (!fn || fn(t->src->ctx, r->ids, r->n, path, err, sizeof err) < 0) {
		struct sw_buf b = SW_BUF_INIT;
		tui_wire_c(&b, err[0] ? err : "?");
		tui_note(t, tui_tr(t, "Not saved: %s"), b.p);
		sw_buf_free(&b);
		return;
	}
	struct sw_buf b = SW_BUF_INIT;
	tui_wire_c(&b, path);
	tui_note(t,
	         r->what == SAVE_HTML ? tui_tr(t, "Wrote the HTML report of %zu messages' items to %s")
	                              : tui_tr(t, "Saved %zu messages to %s"),
	         r->n, b.p);
	sw_buf_free(&b);
}

/* The file name prompt for r (owned by the prompt from here on). */
static void ask_name(struct tui *t, struct save_req *r)
{
	static const char *const ext[SAVE_N] = {"pcap", "pcapng", "html"};
	/* Default name from the first message's capture time: the same capture
	 * gives the same name. */
	char name[64];
	snprintf(name, sizeof name, "sipwatch.%s", ext[r->what]);
	const struct sw_msg *m = sw_analyze_msg(t->an, r->ids[0]);
	if (m) {
		time_t s = (time_t)(m->ts_ns / 1000000000);
		struct tm tm;
		char stamp[32];
		if (gmtime_r(&s, &tm) && strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm))
			snprintf(name, sizeof name, "sipwatch-%s.%s", stamp, ext[r->what]);
	}
	char label[160];
	snprintf(label, sizeof label,
	         r->what == SAVE_HTML ? tui_tr(t, "HTML report of these %zu messages' items, to file:")
	         : r->what == SAVE_PCAPNG ? tui_tr(t, "Save %zu messages to pcapng file (findings as comments):")
	                                  : tui_tr(t, "Save %zu messages to pcap file:"),
	         r->n);
	tui_push(t, tui_prompt_new(t, label, name, save_done, r, save_free));
}

/* ---- the chooser: what to save. */

struct choose_view {
	struct tui_view base;
	struct save_req *r;
	int cur;
};

static const char *const choice_keys = "pnh";
static const char *const choice_text[SAVE_N] = {
    N_("pcap: the packets of these messages"),
    N_("pcapng with findings: each finding a comment on its evidence frames"),
    N_("HTML report of the selected items: findings, ladders, messages"),
};

static void choose_draw(struct tui *t, struct tui_view *v)
{
	struct choose_view *c = (struct choose_view *)v;
	int cols = COLS, h = SAVE_N + 5;
	int w = cols - 4 > 76 ? 76 : cols - 4;
	int x = (cols - w) / 2, y = LINES - h - 1;
	char title[96];
	snprintf(title, sizeof title, tui_tr(t, "Save %zu messages as"), c->r->n);
	tui_box(t, y, x, h, w, title);
	for (int i = 0; i < SAVE_N; i++) {
		char line[200];
		snprintf(line, sizeof line, "%c  %s", choice_keys[i], tui_tr(t, choice_text[i]));
		attr_t a = i == c->cur ? tui_a(t, TR_CURSOR) : A_NORMAL;
		if (i == c->cur)
			tui_fill(y + 2 + i, x + 1, w - 2, a);
		tui_text(t, y + 2 + i, x + 2, w - 4, line, a);
	}
	tui_text(t, y + h - 2, x + 2, w - 4, tui_tr(t, "p/n/h or Up/Down and Enter: choose   Esc: cancel"),
	         tui_a(t, TR_DIM));
}

static bool choose_key(struct tui *t, struct tui_view *v, int k)
{
	struct choose_view *c = (struct choose_view *)v;
	if (k == TK(KEY_UP) || k == 'k') {
		c->cur = (c->cur + SAVE_N - 1) % SAVE_N;
		return true;
	}
	if (k == TK(KEY_DOWN) || k == 'j' || k == '\t') {
		c->cur = (c->cur + 1) % SAVE_N;
		return true;
	}
	if (k == TK_ESC || k == 'q') {
		tui_pop(t);
		return true;
	}
	int pick = -1;
	if (tui_key_enter(k))
		pick = c->cur;
	else if (k > 0 && k < 128 && strchr(choice_keys, k))
		pick = (int)(strchr(choice_keys, k) - choice_keys);
	if (pick < 0)
		return true; /* an overlay takes every key */
	struct save_req *r = c->r;
	c->r = NULL; /* handed to the prompt */
	r->what = (enum save_what)pick;
	tui_pop(t);
	ask_name(t, r);
	return true;
}

static void choose_destroy(struct tui_view *v)
{
	struct choose_view *c = (struct choose_view *)v;
	if (c->r)
		save_free(c->r);
	free(c);
}

static const struct tui_screen choose_screen = {
    .name = "save",
    .overlay = true,
    .draw = choose_draw,
    .key = choose_key,
    .destroy = choose_destroy,
};

void tui_save_ask(struct tui *t, const uint32_t *ids, size_t n)
{
	if (!t->src->save) {
		tui_note(t, "%s", tui_tr(t, "Saving is not available for this input."));
		return;
	}
	if (!n) {
		tui_note(t, "%s", tui_tr(t, "Nothing to save."));
		return;
	}
	struct save_req *r = sw_calloc(1, sizeof *r);
	r->ids = sw_malloc(n * sizeof *r->ids);
	memcpy(r->ids, ids, n * sizeof *ids);
	r->n = n;
	struct choose_view *c = sw_calloc(1, sizeof *c);
	c->base.scr = &choose_screen;
	c->r = r;
	tui_push(t, &c->base);
}
