/* SPDX-License-Identifier: BSD-2-Clause */
/* Read-only helpers over the analysis for the screens: findings of an item,
 * messages of a set of items in capture order (or of their phones: the
 * extended flow), a message's text and heading, badges. */
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/timefmt.h"
#include "tui/tui_int.h"
#include "view/ladder.h"

bool tui_finding_live(const struct sw_finding *f)
{
	return sw_ladder_finding_live(f);
}

uint32_t tui_finding_item(const struct tui *t, const struct sw_finding *f)
{
	return sw_ladder_finding_item(t->an, f);
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
	return sw_ladder_finding_has_msg(f, m);
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
	sw_ladder_collect(t->an, items, n, t->clear_from, ids, nids);
}

void tui_put_file(const struct tui *t, struct sw_buf *b, uint32_t file_idx)
{
	if (t->nfiles > 1 && file_idx < t->nfiles)
		sw_buf_printf(b, " (%s)", t->files[file_idx]);
}

/* The phones of the items: an account's client address; for a dialog or an
 * OPTIONS group, the end that is not a registrar some account uses (the
 * caller when both or neither are). Addresses only: a phone moves ports. */
static size_t phones_of(const struct tui *t, const uint32_t *items, size_t n, struct sw_addr *out,
                        size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k < cap; i++) {
		struct sw_addr a = {0};
		if (tui_item_is_finding(items[i])) {
			const struct sw_finding *f =
			    sw_analyze_finding(t->an, items[i] & ~TUI_ITEM_FINDING_BIT);
			if (f)
				a = f->client;
		} else if (items[i] != TUI_ITEM_UNASSIGNED) {
			const struct sw_item *it = sw_analyze_item(t->an, items[i]);
			if (it && it->kind == SW_ITEM_ACCOUNT) {
				struct sw_account_buf abuf;
				const struct sw_account *ac = sw_analyze_account(t->an, it->ref, &abuf);
				if (ac)
					a = ac->client;
			} else if (it) {
				const struct sw_dialog *d = sw_analyze_dialog(t->an, it->ref);
				if (d) {
					a = d->caller;
					struct sw_account_buf abuf;
					for (size_t j = 0; j < sw_analyze_naccounts(t->an); j++) {
						const struct sw_account *ac = sw_analyze_account(t->an, j, &abuf);
						if (ac && ac->registrar.family &&
						    sw_ip_eq(&ac->registrar, &d->caller) && d->callee.family) {
							a = d->callee;
							break;
						}
					}
				}
			}
		}
		if (!a.family)
			continue;
		a.port = 0;
		bool dup = false;
		for (size_t j = 0; j < k; j++)
			dup |= sw_ip_eq(&out[j], &a);
		if (!dup)
			out[k++] = a;
	}
	return k;
}

#define EXT_MAX_PHONES 64u

void tui_collect_ext(const struct tui *t, const uint32_t *items, size_t n, uint32_t **ids,
                     size_t *nids)
{
	struct sw_addr ph[EXT_MAX_PHONES];
	size_t np = phones_of(t, items, n, ph, EXT_MAX_PHONES);
	if (!np) {
		tui_collect_msgs(t, items, n, ids, nids);
		return;
	}
	size_t total = sw_analyze_nmsgs(t->an), k = 0, cap = 64;
	uint32_t *v = sw_malloc(cap * sizeof *v);
	/* Ids grow in capture order within one input; merged inputs are put
	 * in time order as tui_collect_msgs() does. */
	struct msg_key *mk = sw_malloc(cap * sizeof *mk);
	for (size_t id = t->clear_from; id < total; id++) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(t->an, (uint32_t)id, &m_rec);
		if (!m)
			continue;
		bool hit = false;
		for (size_t j = 0; j < np && !hit; j++)
			hit = sw_ip_eq(&m->src, &ph[j]) || sw_ip_eq(&m->dst, &ph[j]);
		if (!hit)
			continue;
		if (k == cap) {
			cap *= 2;
			mk = sw_realloc(mk, cap * sizeof *mk);
		}
		mk[k++] = (struct msg_key){m->ts_ns, m->id};
	}
	qsort(mk, k, sizeof *mk, cmp_msg_key);
	v = sw_realloc(v, (k ? k : 1) * sizeof *v);
	for (size_t i = 0; i < k; i++)
		v[i] = mk[i].id;
	free(mk);
	*ids = v;
	*nids = k;
}

int tui_msg_raw(const struct tui *t, const struct sw_msg *m, struct sw_buf *out)
{
	if (t->src->raw)
		return t->src->raw(t->src->ctx, m, out);
	if (!m->raw)
		return -1;
	sw_buf_put(out, m->raw, m->raw_len);
	return 0;
}

void tui_msg_heading(const struct tui *t, const struct sw_msg *m, struct sw_buf *out)
{
	char ts[SW_TIMESTRLEN], s1[SW_ADDRSTRLEN], s2[SW_ADDRSTRLEN];
	sw_buf_printf(out, "%s %s -> %s %s ", sw_time_iso(m->ts_ns, ts), sw_addr_fmt(&m->src, s1),
	              sw_addr_fmt(&m->dst, s2), sw_transport_name((enum sw_transport)m->transport));
	sw_buf_printf(out, tui_tr(t, "frame %llu"), (unsigned long long)m->frame_no);
	tui_put_file(t, out, m->file_idx);
}
