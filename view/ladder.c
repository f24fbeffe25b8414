/* SPDX-License-Identifier: BSD-2-Clause */
/* The ladder's layout (view/ladder.h): columns, marks and entries, as the
 * TUI's ladder screen has drawn them since it was first written (moved here
 * so that the text and HTML ladders are the same ladder). */
#include "view/ladder.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/pair.h"
#include "common/mem.h"
#include "po/i18n.h"

const char *sw_ladder_role_msgid(enum sw_ladder_role r)
{
	switch (r) {
	case SW_LR_PHONE:
		return N_("phone");
	case SW_LR_NAT:
		return N_("public (NAT)");
	case SW_LR_SERVER:
		return N_("server");
	case SW_LR_OTHER:
		break;
	}
	return "";
}

bool sw_ladder_finding_live(const struct sw_finding *f)
{
	/* Created but not yet published findings have no texts yet. */
	return f && f->revision > 0 && f->has_texts;
}

uint32_t sw_ladder_finding_item(const struct sw_analyze *an, const struct sw_finding *f)
{
	if (f->account != UINT32_MAX) {
		struct sw_account_buf abuf;
		const struct sw_account *ac = sw_analyze_account(an, f->account, &abuf);
		return ac ? ac->item : UINT32_MAX;
	}
	if (f->dialog != UINT32_MAX) {
		const struct sw_dialog *d = sw_analyze_dialog(an, f->dialog);
		return d ? d->item : UINT32_MAX;
	}
	return UINT32_MAX;
}

bool sw_ladder_finding_has_msg(const struct sw_finding *f, const struct sw_msg *m)
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

enum sw_ladder_pmark sw_ladder_pair_mark(const struct sw_pair *p, const struct sw_msg *m)
{
	if (!p || !m || m->kind != SW_MSG_SIP)
		return SW_LPM_NONE;
	const struct sw_pair_match *x = sw_pair_match_of_msg(p, m->id);
	if (x && (x->copy[0].msg_id == m->id || x->copy[1].msg_id == m->id))
		return x->rewrites ? SW_LPM_CHANGED : SW_LPM_SAME;
	const struct sw_pair_loss *l = sw_pair_loss_of_frame(p, m->file_idx, m->frame_no);
	if (l && (l->copy.msg_id == m->id || l->copy.msg_id == UINT32_MAX))
		return SW_LPM_LOST;
	return SW_LPM_NONE;
}

static int ep_find(struct sw_ladder *l, const struct sw_addr *a, bool add, enum sw_ladder_role role)
{
	if (!a->family)
		return -1;
	for (size_t i = 0; i < l->neps; i++)
		if (sw_addr_eq(&l->eps[i].a, a))
			return (int)i;
	if (a->port == 0) /* ICMP: the reporting host, by address only */
		for (size_t i = 0; i < l->neps; i++)
			if (sw_ip_eq(&l->eps[i].a, a))
				return (int)i;
	/* The phone (or the server) on another port is still the phone: one
	 * column per host, so a phone that moves to a new local port (stale NAT
	 * recovery) keeps its arrows in its own column. */
	for (size_t i = 0; i < l->neps; i++)
		if ((l->eps[i].role == SW_LR_PHONE || l->eps[i].role == SW_LR_SERVER) &&
		    sw_ip_eq(&l->eps[i].a, a)) {
			l->eps[i].ports = true;
			return (int)i;
		}
	if (!add)
		return -1;
	if (l->neps == SW_LADDER_MAX_EPS)
		return (int)SW_LADDER_MAX_EPS - 1;
	l->eps[l->neps] = (struct sw_ladder_ep){.a = *a, .role = role};
	return (int)l->neps++;
}

static void build_endpoints(struct sw_ladder *l, const struct sw_analyze *an,
                            const uint32_t *items, size_t nitems)
{
	l->neps = 0;
	for (size_t i = 0; i < nitems; i++) {
		const struct sw_item *it = sw_analyze_item(an, items[i]);
		if (!it || it->kind != SW_ITEM_ACCOUNT)
			continue;
		struct sw_account_buf abuf;
		const struct sw_account *ac = sw_analyze_account(an, it->ref, &abuf);
		if (!ac)
			continue;
		ep_find(l, &ac->client, true, SW_LR_PHONE);
		for (size_t k = 0; k < ac->n_public; k++)
			ep_find(l, &ac->public_addrs[k].addr, true, SW_LR_NAT);
		ep_find(l, &ac->registrar, true, SW_LR_SERVER);
	}
	for (size_t i = 0; i < l->nids; i++) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(an, l->ids[i], &m_rec);
		int s = -1, d = -1;
		if (m) {
			/* ICMP quotes the phone's packet: the phone is the destination
			 * and is known already; place the reporter after it. */
			if (m->kind == SW_MSG_ICMP) {
				d = ep_find(l, &m->dst, true, SW_LR_OTHER);
				s = ep_find(l, &m->src, true, SW_LR_OTHER);
			} else {
				s = ep_find(l, &m->src, true, SW_LR_OTHER);
				d = ep_find(l, &m->dst, true, SW_LR_OTHER);
			}
		}
		l->src[i] = (uint8_t)(s < 0 ? 0 : s);
		l->dst[i] = (uint8_t)(d < 0 ? 0 : d);
	}
}

struct id_pos {
	uint32_t id;
	uint32_t pos;
};

static int cmp_id_pos(const void *a, const void *b)
{
	const struct id_pos *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Marks each message with the worst finding that names it as evidence. */
static void build_marks(struct sw_ladder *l, const struct sw_analyze *an, const struct sw_pair *pair)
{
	for (size_t i = 0; i < l->nids; i++) {
		l->mark[i] = UINT32_MAX;
		struct sw_msg rec;
		l->pmark[i] = (uint8_t)sw_ladder_pair_mark(pair, sw_analyze_msg(an, l->ids[i], &rec));
	}
	if (!l->nids)
		return;
	struct id_pos *v = sw_malloc(l->nids * sizeof *v);
	for (size_t i = 0; i < l->nids; i++)
		v[i] = (struct id_pos){l->ids[i], (uint32_t)i};
	qsort(v, l->nids, sizeof *v, cmp_id_pos);
	for (size_t i = 0; i < sw_analyze_nfindings(an); i++) {
		const struct sw_finding *f = sw_analyze_finding(an, i);
		if (!sw_ladder_finding_live(f))
			continue;
		for (size_t e = 0; e < f->n_evidence; e++) {
			struct id_pos key = {f->evidence[e].msg_id, 0};
			if (key.id == UINT32_MAX)
				continue;
			struct id_pos *hit = bsearch(&key, v, l->nids, sizeof *v, cmp_id_pos);
			if (!hit)
				continue;
			uint32_t *mk = &l->mark[hit->pos];
			const struct sw_finding *old =
			    *mk == UINT32_MAX ? NULL : sw_analyze_finding(an, *mk);
			if (!old || f->severity > old->severity)
				*mk = f->id;
		}
	}
	free(v);
}

/* A request is unanswered when no response with its CSeq comes back from
 * its destination, and it is the last copy sent (retransmissions). */
static bool unanswered(const struct sw_ladder *l, const struct sw_analyze *an, size_t i)
{
	struct sw_msg m_rec;
	const struct sw_msg *m = sw_analyze_msg(an, l->ids[i], &m_rec);
	if (!m || m->kind != SW_MSG_SIP || !m->is_request || m->cseq < 0 ||
	    (m->label && strcmp(m->label, "ACK") == 0))
		return false;
	for (size_t j = i + 1; j < l->nids; j++) {
		struct sw_msg r_rec;
		const struct sw_msg *r = sw_analyze_msg(an, l->ids[j], &r_rec);
		if (r && r->ts_ns - m->ts_ns > SW_LADDER_ANSWER_NS)
			break; /* far past timer F: bounds the scan on long ladders */
		if (!r || r->kind != SW_MSG_SIP || r->cseq != m->cseq)
			continue;
		if (r->is_request && sw_addr_eq(&r->src, &m->src) && sw_addr_eq(&r->dst, &m->dst) &&
		    r->label == m->label)
			return false; /* a later copy carries the verdict */
		if (!r->is_request && sw_ip_eq(&r->src, &m->dst))
			return false;
	}
	return true;
}

static void push_ent(struct sw_ladder *l, struct sw_ladder_entry e)
{
	if (l->nent == l->ent_cap) {
		l->ent_cap = l->ent_cap ? l->ent_cap * 2 : 64;
		l->ent = sw_realloc(l->ent, l->ent_cap * sizeof *l->ent);
	}
	l->ent[l->nent++] = e;
}

static void build_entries(struct sw_ladder *l, const struct sw_analyze *an, const uint32_t *folded)
{
	l->nent = 0;
	int64_t prev = 0;
	size_t pending = SIZE_MAX; /* unanswered request whose line is due */
	for (size_t i = 0; i < l->nids; i++) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(an, l->ids[i], &m_rec);
		int64_t ts = m ? m->ts_ns : prev;
		uint32_t fold = folded ? folded[i] : 0;
		/* The "no response" line goes after the ICMP errors that answer
		 * the request, before the next message of any other kind. */
		bool silence = i && ts - prev >= SW_LADDER_GAP_NS;
		if (pending != SIZE_MAX && (fold || !(m && m->kind == SW_MSG_ICMP))) {
			/* One line says both: no answer, then the silence. */
			push_ent(l, (struct sw_ladder_entry){.idx = (uint32_t)pending,
			                                     .gap = true,
			                                     .timeout = true,
			                                     .gap_ns = silence && !fold ? ts - prev : 0});
			pending = SIZE_MAX;
			silence = false;
		}
		if (fold) /* the messages left out, and the time they took */
			push_ent(l, (struct sw_ladder_entry){.idx = (uint32_t)i,
			                                     .gap = true,
			                                     .gap_ns = i ? ts - prev : 0,
			                                     .folded = fold});
		else if (silence)
			push_ent(l, (struct sw_ladder_entry){.idx = (uint32_t)i,
			                                     .gap = true,
			                                     .gap_ns = ts - prev});
		push_ent(l, (struct sw_ladder_entry){.idx = (uint32_t)i});
		if (unanswered(l, an, i))
			pending = i;
		prev = ts;
	}
	if (pending != SIZE_MAX)
		push_ent(l, (struct sw_ladder_entry){.idx = (uint32_t)pending,
		                                     .gap = true,
		                                     .timeout = true});
}

void sw_ladder_build(struct sw_ladder *l, const struct sw_analyze *an, const struct sw_pair *pair,
                     const uint32_t *items, size_t nitems, const uint32_t *ids, size_t nids,
                     const uint32_t *folded)
{
	l->ids = ids;
	l->nids = nids;
	size_t n = nids ? nids : 1;
	l->src = sw_realloc(l->src, n);
	l->dst = sw_realloc(l->dst, n);
	l->mark = sw_realloc(l->mark, n * sizeof *l->mark);
	l->pmark = sw_realloc(l->pmark, n);
	build_endpoints(l, an, items, nitems);
	build_marks(l, an, pair);
	build_entries(l, an, folded);
}

void sw_ladder_free(struct sw_ladder *l)
{
	free(l->src);
	free(l->dst);
	free(l->mark);
	free(l->pmark);
	free(l->ent);
	memset(l, 0, sizeof *l);
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

void sw_ladder_collect(const struct sw_analyze *an, const uint32_t *items, size_t n,
                       uint32_t first_id, uint32_t **ids, size_t *nids)
{
	size_t cap = 64, k = 0;
	struct msg_key *v = sw_malloc(cap * sizeof *v);
	for (size_t i = 0; i < n; i++) {
		if (sw_ladder_is_finding(items[i])) {
			const struct sw_finding *f =
			    sw_analyze_finding(an, items[i] & ~SW_LADDER_FINDING_BIT);
			for (size_t e = 0; f && e < f->n_evidence; e++) {
				struct sw_msg m_rec;
				const struct sw_msg *m =
				    f->evidence[e].msg_id == UINT32_MAX
				        ? NULL
				        : sw_analyze_msg(an, f->evidence[e].msg_id, &m_rec);
				if (!m || m->id < first_id)
					continue;
				if (k == cap)
					v = sw_realloc(v, (cap *= 2) * sizeof *v);
				v[k++] = (struct msg_key){m->ts_ns, m->id};
			}
			continue;
		}
		if (items[i] == SW_LADDER_UNASSIGNED) {
			size_t total = sw_analyze_nmsgs(an);
			for (size_t id = first_id; id < total; id++) {
				struct sw_msg m_rec;
				const struct sw_msg *m = sw_analyze_msg(an, (uint32_t)id, &m_rec);
				if (!m || m->item != UINT32_MAX)
					continue;
				if (k == cap)
					v = sw_realloc(v, (cap *= 2) * sizeof *v);
				v[k++] = (struct msg_key){m->ts_ns, m->id};
			}
			continue;
		}
		const struct sw_item *it = sw_analyze_item(an, items[i]);
		if (!it)
			continue;
		for (size_t j = 0; j < it->n_ids; j++) {
			struct sw_msg m_rec;
			const struct sw_msg *m = sw_analyze_msg(an, it->msgs[j], &m_rec);
			if (!m || m->id < first_id)
				continue; /* aged out (bounded live mode), or cleared (F5) */
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

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

size_t sw_ladder_fold(const struct sw_analyze *an, const uint32_t *ids, size_t n, size_t max,
                      uint32_t *out_ids, uint32_t *out_folded)
{
	if (n <= max) {
		memcpy(out_ids, ids, n * sizeof *ids);
		memset(out_folded, 0, n * sizeof *out_folded);
		return n;
	}
	/* The evidence, as a sorted set of message ids. */
	size_t ne = 0, cap = 64;
	uint32_t *ev = sw_malloc(cap * sizeof *ev);
	for (size_t i = 0; i < sw_analyze_nfindings(an); i++) {
		const struct sw_finding *f = sw_analyze_finding(an, i);
		if (!sw_ladder_finding_live(f))
			continue;
		for (size_t e = 0; e < f->n_evidence; e++) {
			if (f->evidence[e].msg_id == UINT32_MAX)
				continue;
			if (ne == cap)
				ev = sw_realloc(ev, (cap *= 2) * sizeof *ev);
			ev[ne++] = f->evidence[e].msg_id;
		}
	}
	qsort(ev, ne, sizeof *ev, cmp_u32);
	uint8_t *keep = sw_calloc(n, 1);
	size_t quarter = max / 4, budget = max - 2 * quarter;
	for (size_t i = 0; i < quarter; i++)
		keep[i] = keep[n - 1 - i] = 1;
	for (size_t i = quarter; i + quarter < n && budget; i++) {
		if (!bsearch(&ids[i], ev, ne, sizeof *ev, cmp_u32))
			continue;
		size_t lo = i >= 2 ? i - 2 : 0, hi = i + 2 < n ? i + 2 : n - 1;
		for (size_t j = lo; j <= hi && budget; j++)
			if (!keep[j]) {
				keep[j] = 1;
				budget--;
			}
	}
	size_t k = 0;
	uint32_t skipped = 0;
	for (size_t i = 0; i < n; i++) {
		if (!keep[i]) {
			skipped++;
			continue;
		}
		out_ids[k] = ids[i];
		out_folded[k++] = skipped;
		skipped = 0;
	}
	free(keep);
	free(ev);
	return k;
}
