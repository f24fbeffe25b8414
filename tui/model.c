/* Read-only helpers over the analysis for the screens: findings of an item,
 * messages of a set of items in capture order, badges. */
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "tui/tui_int.h"

bool tui_finding_live(const struct sw_finding *f)
{
	/* Created but not yet published findings have no texts yet. */
	return f && f->revision > 0 && f->summary;
}

uint32_t tui_finding_item(const struct tui *t, const struct sw_finding *f)
{
	if (f->account != UINT32_MAX) {
		const struct sw_account *ac = sw_analyze_account(t->an, f->account);
		return ac ? ac->item : UINT32_MAX;
	}
	if (f->dialog != UINT32_MAX) {
		const struct sw_dialog *d = sw_analyze_dialog(t->an, f->dialog);
		return d ? d->item : UINT32_MAX;
	}
	return UINT32_MAX;
}

size_t tui_item_findings(const struct tui *t, uint32_t item, uint32_t *ids, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < sw_analyze_nfindings(t->an); i++) {
		const struct sw_finding *f = sw_analyze_finding(t->an, i);
		if (!tui_finding_live(f) || tui_finding_item(t, f) != item)
			continue;
		if (n < cap)
			ids[n] = f->id;
		n++;
	}
	return n;
}

const struct sw_finding *tui_item_worst(const struct tui *t, uint32_t item)
{
	const struct sw_finding *w = NULL;
	for (size_t i = 0; i < sw_analyze_nfindings(t->an); i++) {
		const struct sw_finding *f = sw_analyze_finding(t->an, i);
		if (!tui_finding_live(f) || tui_finding_item(t, f) != item)
			continue;
		if (!w || f->severity > w->severity || (w->resolved && !f->resolved))
			w = f;
	}
	return w;
}

bool tui_finding_has_msg(const struct sw_finding *f, const struct sw_msg *m)
{
	for (size_t i = 0; i < f->n_evidence; i++) {
		const struct sw_evidence *e = &f->evidence[i];
		if (e->msg_id != UINT32_MAX
		        ? e->msg_id == m->id
		        : (e->file_idx == m->file_idx && e->frame_no == m->frame_no))
			return true;
	}
	return false;
}

const char *tui_sev_letter(enum sw_severity s)
{
	switch (s) {
	case SW_SEV_ERROR:
		return "E";
	case SW_SEV_WARNING:
		return "W";
	case SW_SEV_INFO:
		return "i";
	}
	return "i";
}

enum tui_role tui_sev_role(enum sw_severity s)
{
	switch (s) {
	case SW_SEV_ERROR:
		return TR_ERROR;
	case SW_SEV_WARNING:
		return TR_WARNING;
	case SW_SEV_INFO:
		return TR_INFO;
	}
	return TR_INFO;
}

/* The list's badges: the part of the kind after the dot, in the catalog's
 * language (the whole kind, an identifier, stays in English elsewhere). */
static const char *const badges[] __attribute__((unused)) = {
    NC_("badge", "no_response"),     NC_("badge", "flood_ban"),
    NC_("badge", "return_path_blocked"), NC_("badge", "stale_binding"),
    NC_("badge", "binding_expired"), NC_("badge", "forbidden"),
    NC_("badge", "rejected_credentials"), NC_("badge", "rejected"),
    NC_("badge", "tcp_required"),    NC_("badge", "options_unanswered"),
    NC_("badge", "flapping"),        NC_("badge", "expired"),
    NC_("badge", "rewrite"),         NC_("badge", "no_sip"),
};

const char *tui_kind_short(const struct tui *t, const char *kind)
{
	const char *dot = kind ? strchr(kind, '.') : NULL;
	return tui_trc(t, "badge", dot ? dot + 1 : (kind ? kind : ""));
}

struct msg_key {
	int64_t ts;
	uint32_t id;
};

static int cmp_msg_key(const void *a, const void *b)
{
	const struct msg_key *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

void tui_collect_msgs(const struct tui *t, const uint32_t *items, size_t n, uint32_t **ids,
                      size_t *nids)
{
	size_t cap = 64, k = 0;
	struct msg_key *v = sw_malloc(cap * sizeof *v);
	for (size_t i = 0; i < n; i++) {
		if (items[i] == TUI_ITEM_UNASSIGNED) {
			size_t total = sw_analyze_nmsgs(t->an);
			for (size_t id = 0; id < total; id++) {
				const struct sw_msg *m = sw_analyze_msg(t->an, (uint32_t)id);
				if (!m || m->item != UINT32_MAX)
					continue;
				if (k == cap)
					v = sw_realloc(v, (cap *= 2) * sizeof *v);
				v[k++] = (struct msg_key){m->ts_ns, m->id};
			}
			continue;
		}
		const struct sw_item *it = sw_analyze_item(t->an, items[i]);
		if (!it)
			continue;
		size_t nm = it->n_ids;
		for (size_t j = 0; j < nm; j++) {
			const struct sw_msg *m = sw_analyze_msg(t->an, it->msgs[j]);
			if (!m)
				continue; /* aged out (bounded live mode) */
			if (k == cap)
				v = sw_realloc(v, (cap *= 2) * sizeof *v);
			v[k++] = (struct msg_key){m->ts_ns, m->id};
		}
	}
	qsort(v, k, sizeof *v, cmp_msg_key);
	uint32_t *out = sw_malloc((k ? k : 1) * sizeof *out);
	size_t o = 0;
	for (size_t i = 0; i < k; i++)
		if (o == 0 || out[o - 1] != v[i].id)
			out[o++] = v[i].id;
	free(v);
	*ids = out;
	*nids = o;
}

void tui_put_file(const struct tui *t, struct sw_buf *b, uint32_t file_idx)
{
	if (t->nfiles > 1 && file_idx < t->nfiles)
		sw_buf_printf(b, " (%s)", t->files[file_idx]);
}
