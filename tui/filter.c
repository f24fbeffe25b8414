/* List filtering: which items match the display filter (case-insensitive
 * substrings of AOR, Call-ID, address, method, or any text of the item and
 * its findings), and the F7 form that edits every field at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "tui/tui_int.h"

static bool has(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

static bool has_addr(const struct sw_addr *a, const char *needle)
{
	char s[SW_ADDRSTRLEN];
	return a->family && has(sw_addr_fmt(a, s), needle);
}

/* Call-ID of the item's messages (accounts keep no Call-ID of their own):
 * look at the Call-ID / i header lines of the kept texts. */
static bool callid_in_msgs(const struct tui *t, const struct sw_item *it, const char *needle)
{
	size_t nm = it->n_ids;
	size_t nl = strlen(needle);
	for (size_t j = 0; j < nm; j++) {
		const struct sw_msg *m = sw_analyze_msg(t->an, it->msgs[j]);
		if (!m || !m->raw)
			continue;
		const char *p = m->raw, *end = m->raw + m->raw_len;
		while (p < end) {
			const char *eol = memchr(p, '\n', (size_t)(end - p));
			if (!eol)
				eol = end;
			if (eol == p || (eol == p + 1 && *p == '\r'))
				break; /* end of headers */
			size_t ll = (size_t)(eol - p);
			bool cid = (ll > 8 && strncasecmp(p, "Call-ID:", 8) == 0) ||
			           (ll > 2 && strncasecmp(p, "i:", 2) == 0);
			if (cid) {
				for (size_t k = 0; k + nl <= ll; k++)
					if (strncasecmp(p + k, needle, nl) == 0)
						return true;
			}
			p = eol + 1;
		}
	}
	return false;
}

static bool findings_text(const struct tui *t, uint32_t item, const char *needle)
{
	for (size_t i = 0; i < sw_analyze_nfindings(t->an); i++) {
		const struct sw_finding *f = sw_analyze_finding(t->an, i);
		if (!tui_finding_live(f) || tui_finding_item(t, f) != item)
			continue;
		if (has(sw_kind_name(f->kind), needle) || has(sw_finding_cause(f), needle) || has(f->summary, needle))
			return true;
	}
	return false;
}

static bool unassigned_match(const struct tui *t, const struct tui_filter *f)
{
	if (f->aor[0] || f->callid[0] || f->method[0])
		return false;
	size_t nm = sw_analyze_nmsgs(t->an);
	for (size_t id = 0; id < nm; id++) {
		const struct sw_msg *m = sw_analyze_msg(t->an, (uint32_t)id);
		if (!m || m->item != UINT32_MAX)
			continue;
		bool ok = true;
		if (f->addr[0])
			ok = has_addr(&m->src, f->addr) || has_addr(&m->dst, f->addr);
		if (ok && f->text[0])
			ok =
			    has(m->label, f->text) || has(m->raw, f->text) || has("OTHER", f->text);
		if (ok)
			return true;
	}
	return false;
}

bool tui_filter_match(struct tui *t, uint32_t item)
{
	const struct tui_filter *f = &t->filter;
	if (!f->text[0] && !f->aor[0] && !f->callid[0] && !f->addr[0] && !f->method[0])
		return true;
	if (item == TUI_ITEM_UNASSIGNED)
		return unassigned_match(t, f);
	if (tui_item_is_finding(item)) {
		/* A finding of no account or dialog: its kind, summary, addresses. */
		const struct sw_finding *fd = sw_analyze_finding(t->an, item & ~TUI_ITEM_FINDING_BIT);
		if (!fd || f->aor[0] || f->callid[0] || f->method[0])
			return false;
		if (f->addr[0] && !has_addr(&fd->client, f->addr) && !has_addr(&fd->server, f->addr))
			return false;
		return !f->text[0] || has(sw_kind_name(fd->kind), f->text) ||
		       has(sw_finding_cause(fd), f->text) || has(fd->summary, f->text);
	}
	const struct sw_item *it = sw_analyze_item(t->an, item);
	if (!it)
		return false;
	const struct sw_account *ac = NULL;
	const struct sw_dialog *d = NULL;
	if (it->kind == SW_ITEM_ACCOUNT)
		ac = sw_analyze_account(t->an, it->ref);
	else
		d = sw_analyze_dialog(t->an, it->ref);
	if (f->aor[0]) {
		bool ok =
		    ac ? has(ac->aor, f->aor) : d && (has(d->from, f->aor) || has(d->to, f->aor));
		if (!ok)
			return false;
	}
	if (f->callid[0]) {
		bool ok = (d && has(d->call_id, f->callid)) || callid_in_msgs(t, it, f->callid);
		if (!ok)
			return false;
	}
	if (f->addr[0]) {
		bool ok = false;
		if (ac) {
			ok = has_addr(&ac->client, f->addr) || has_addr(&ac->registrar, f->addr);
			for (size_t i = 0; !ok && i < ac->n_public; i++)
				ok = has_addr(&ac->public_addrs[i].addr, f->addr);
		} else if (d) {
			ok = has_addr(&d->caller, f->addr) || has_addr(&d->callee, f->addr);
		}
		if (!ok)
			return false;
	}
	const char *method = ac ? "REGISTER" : (d ? d->method : "OTHER");
	if (f->method[0] && !has(method, f->method))
		return false;
	if (f->text[0]) {
		const char *x = f->text;
		bool ok = has(method, x) || findings_text(t, item, x);
		if (!ok && ac) {
			ok = has(ac->aor, x) || has(ac->user_agent, x) || has(ac->server, x) ||
			     has(ac->contact, x) || has(sw_reg_state_name(ac->state), x) ||
			     has_addr(&ac->client, x) || has_addr(&ac->registrar, x);
			for (size_t i = 0; !ok && i < ac->n_public; i++)
				ok = has_addr(&ac->public_addrs[i].addr, x);
		}
		if (!ok && d)
			ok = has(d->call_id, x) || has(d->from, x) || has(d->to, x) ||
			     has(sw_dialog_state_name(d->state), x) || has_addr(&d->caller, x) ||
			     has_addr(&d->callee, x);
		if (!ok)
			ok = callid_in_msgs(t, it, x);
		if (!ok)
			return false;
	}
	return true;
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
