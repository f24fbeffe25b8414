/* SPDX-License-Identifier: BSD-2-Clause */
/* List filtering: which items match the display filter (case-insensitive
 * substrings of AOR, Call-ID, address, method, or any text of the item and
 * its findings: view/select.c), and the F7 form that edits every field at
 * once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "tui/tui_int.h"
#include "view/select.h"

bool tui_filter_match(struct tui *t, uint32_t item)
{
	/* The matching is view/select.c's, shared with --aor/--call-id/--select. */
	const struct tui_filter *f = &t->filter;
	struct sw_select s;
	memcpy(s.text, f->text, sizeof s.text);
	memcpy(s.aor, f->aor, sizeof s.aor);
	memcpy(s.callid, f->callid, sizeof s.callid);
	memcpy(s.addr, f->addr, sizeof s.addr);
	memcpy(s.method, f->method, sizeof s.method);
	if (tui_item_is_finding(item))
		return sw_select_match_finding(t->an, &s, item & ~TUI_ITEM_FINDING_BIT);
	return sw_select_match(t->an, &s, item == TUI_ITEM_UNASSIGNED ? SW_SELECT_UNASSIGNED : item);
}

/* ---- F7: the filter form. */

enum { FF_AOR, FF_CALLID, FF_ADDR, FF_METHOD, FF_TEXT, FF_N };

static const char *const ff_labels[FF_N] = {
    [FF_AOR] = N_("AOR (From/To):"), [FF_CALLID] = N_("Call-ID:"), [FF_ADDR] = N_("Address:"),
    [FF_METHOD] = N_("Method:"),     [FF_TEXT] = N_("Any text:"),
};

struct form_view {
	struct tui_view base;
	struct tui_edit ed[FF_N];
	int cur;
};

static void form_draw(struct tui *t, struct tui_view *v)
{
	struct form_view *fv = (struct form_view *)v;
	int cols = COLS;
	int w = cols - 4 > 64 ? 64 : cols - 4, h = FF_N + 5;
	int x = (cols - w) / 2, y = (LINES - h) / 2;
	tui_box(t, y, x, h, w, tui_tr(t, "Filter options"));
	int lw = 16;
	for (int i = 0; i < FF_N; i++) {
		tui_text(t, y + 2 + i, x + 2, lw, tui_tr(t, ff_labels[i]),
		         i == fv->cur ? A_BOLD : A_NORMAL);
		tui_edit_draw(t, &fv->ed[i], y + 2 + i, x + 2 + lw, w - lw - 4,
		              i == fv->cur ? tui_a(t, TR_CURSOR) : tui_a(t, TR_DIM) | A_UNDERLINE);
	}
	tui_text(t, y + h - 2, x + 2, w - 4,
	         tui_tr(t, "Up/Down/Tab: field   Enter: apply   Esc: cancel"), tui_a(t, TR_DIM));
}

static bool form_key(struct tui *t, struct tui_view *v, int k)
{
	struct form_view *fv = (struct form_view *)v;
	if (k == TK(KEY_UP) || k == TK(KEY_BTAB)) {
		fv->cur = (fv->cur + FF_N - 1) % FF_N;
		return true;
	}
	if (k == TK(KEY_DOWN) || k == '\t') {
		fv->cur = (fv->cur + 1) % FF_N;
		return true;
	}
	if (k == TK_ESC) {
		tui_pop(t);
		return true;
	}
	if (tui_key_enter(k)) {
		struct tui_filter *f = &t->filter;
		snprintf(f->aor, sizeof f->aor, "%s", fv->ed[FF_AOR].buf);
		snprintf(f->callid, sizeof f->callid, "%s", fv->ed[FF_CALLID].buf);
		snprintf(f->addr, sizeof f->addr, "%s", fv->ed[FF_ADDR].buf);
		snprintf(f->method, sizeof f->method, "%s", fv->ed[FF_METHOD].buf);
		snprintf(f->text, sizeof f->text, "%s", fv->ed[FF_TEXT].buf);
		tui_pop(t);
		tui_list_filter_changed(t);
		return true;
	}
	tui_edit_key(&fv->ed[fv->cur], k);
	return true;
}

static void form_destroy(struct tui_view *v)
{
	free(v);
}

static const struct tui_screen form_screen = {
    .name = "filter",
    .overlay = true,
    .draw = form_draw,
    .key = form_key,
    .destroy = form_destroy,
};

struct tui_view *tui_filter_form_new(struct tui *t)
{
	struct form_view *fv = sw_calloc(1, sizeof *fv);
	fv->base.scr = &form_screen;
	tui_edit_set(&fv->ed[FF_AOR], t->filter.aor);
	tui_edit_set(&fv->ed[FF_CALLID], t->filter.callid);
	tui_edit_set(&fv->ed[FF_ADDR], t->filter.addr);
	tui_edit_set(&fv->ed[FF_METHOD], t->filter.method);
	tui_edit_set(&fv->ed[FF_TEXT], t->filter.text);
	return &fv->base;
}
