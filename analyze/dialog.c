/* SPDX-License-Identifier: BSD-2-Clause */
/* Dialogs by Call-ID (RFC 3261 section 12: calls and subscriptions; forks
 * share the item), and OPTIONS pings grouped per pinger and target so that
 * they do not drown the rest (sngrep issues #25, #34). */
#include "analyze/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

#define SW_MAX_DIALOGS 200000u
#define SW_BOUNDED_DIALOGS 10000u /* dialogs kept at once in bounded (live) mode */
#define SW_RETIRE_IDLE_NS (60 * INT64_C(1000000000))

struct opt_key {
	uint8_t f1, f2;
	uint8_t ip1[16], ip2[16];
};

static struct opt_key opt_key_of(const struct sw_addr *src, const struct sw_addr *dst)
{
	struct opt_key k;
	memset(&k, 0, sizeof k);
	k.f1 = src->family;
	k.f2 = dst->family;
	memcpy(k.ip1, src->ip, 16);
	memcpy(k.ip2, dst->ip, 16);
	return k;
}

static void dlg_free(struct dlg *d)
{
	free(d->pub.call_id);
	free(d->pub.method);
	free(d->pub.from);
	free(d->pub.to);
	free(d->from_tag);
	free(d);
}

/* Bounded mode: when more than SW_BOUNDED_DIALOGS are kept, the oldest ones
 * without findings go (their slot and list item become NULL), finished ones
 * first; ids are never reused. Transactions that still name a retired
 * dialog start a new one. */
static void retire_old(struct sw_analyze *a, int64_t now)
{
	if (!a->opts.max_messages || a->dialogs_live <= SW_BOUNDED_DIALOGS)
		return;
	for (size_t scanned = 0; a->dialogs_live > SW_BOUNDED_DIALOGS &&
				 a->dlg_cursor < a->dialogs.n && scanned < 64;
	     scanned++) {
		struct dlg *d = a->dialogs.p[a->dlg_cursor];
		if (d && d->pub.has_findings) {
			a->dlg_cursor++;
			continue;
		}
		if (d) {
			bool done = d->pub.state == SW_DLG_TERMINATED || d->pub.state == SW_DLG_FAILED ||
				    d->pub.state == SW_DLG_CANCELLED ||
				    sw_ns_sub(now, d->pub.last_ns) > SW_RETIRE_IDLE_NS;
			if (!done && a->dialogs_live < 2 * SW_BOUNDED_DIALOGS)
				break; /* wait: the oldest is still active */
			if (d->pub.call_id) {
				size_t kl = strlen(d->pub.call_id);
				if (sw_map_get(&a->dlg_by_callid, d->pub.call_id, kl) == d)
					sw_map_take(&a->dlg_by_callid, d->pub.call_id, kl);
			} else {
				struct opt_key k = opt_key_of(&d->pub.caller, &d->pub.callee);
				if (sw_map_get(&a->opt_groups, &k, sizeof k) == d)
					sw_map_take(&a->opt_groups, &k, sizeof k);
			}
			struct sw_item *it = d->pub.item < a->items.n ? a->items.p[d->pub.item] : NULL;
			if (it) {
				sw_an_item_free(it);
				a->items.p[d->pub.item] = NULL;
			}
			dlg_free(d);
			a->dialogs.p[a->dlg_cursor] = NULL;
			a->dialogs_live--;
			a->st.dialogs_retired++;
		}
		a->dlg_cursor++;
	}
}

static struct dlg *dlg_new(struct sw_analyze *a, const char *key, size_t klen, bool options,
			   const struct sw_ev *ev, const struct txn *t)
{
	if (a->dialogs.n >= SW_MAX_DIALOGS)
		return NULL;
	const struct sw_sip_msg *m = ev->u.sip;
	struct dlg *d = sw_calloc(1, sizeof *d);
	d->pub.id = (uint32_t)a->dialogs.n;
	d->pub.call_id = options ? NULL : sw_an_strdup_wire(m->call_id);
	d->pub.method = sw_strdup(t->method);
	d->pub.from = sw_an_strdup_wire(m->from.uri.raw);
	d->pub.to = sw_an_strdup_wire(m->to.uri.raw);
	d->pub.caller = t->src;
	d->pub.callee = t->dst;
	d->pub.state = SW_DLG_TRYING;
	d->pub.first_ns = ev->pkt.ts_ns;
	d->pub.worst = SW_SEV_INFO;
	d->pub.item = sw_an_item_new(a, options ? SW_ITEM_OPTIONS : SW_ITEM_DIALOG, d->pub.id);
	sw_vec_push(&a->dialogs, d);
	sw_map_put(options ? &a->opt_groups : &a->dlg_by_callid, key, klen, d);
	a->dialogs_live++;
	retire_old(a, ev->pkt.ts_ns);
	return d;
}

/* OPTIONS outside a dialog: one item per (pinger IP, target IP). */
static struct dlg *options_group(struct sw_analyze *a, const struct sw_ev *ev, const struct txn *t)
{
	struct opt_key k = opt_key_of(&t->src, &t->dst);
	struct dlg *d = sw_map_get(&a->opt_groups, &k, sizeof k);
	return d ? d : dlg_new(a, (const char *)&k, sizeof k, true, ev, t);
}

void sw_dlg_on_sip(struct sw_analyze *a, struct txn *t, const struct sw_ev *ev, uint32_t msg_id,
		   bool is_final)
{
	const struct sw_sip_msg *m = ev->u.sip;
	struct dlg *d = NULL;
	if (t->dialog != UINT32_MAX && a->dialogs.p[t->dialog]) {
		d = a->dialogs.p[t->dialog];
	} else if (t->is_options && !m->to.tag.len) {
		d = options_group(a, ev, t);
	} else if (m->call_id.len) {
		size_t kl = m->call_id.len > SW_KEY_PART ? SW_KEY_PART : m->call_id.len;
		d = sw_map_get(&a->dlg_by_callid, m->call_id.p, kl);
		if (!d)
			d = dlg_new(a, m->call_id.p, kl, false, ev, t);
	}
	if (!d)
		return;
	struct sw_dialog *p = &d->pub;
	t->dialog = p->id;
	t->item = p->item;
	p->n_msgs++;
	if (ev->pkt.ts_ns > p->last_ns)
		p->last_ns = ev->pkt.ts_ns;
	sw_an_item_add_msg(a, p->item, msg_id, ev->pkt.ts_ns);
	if (p->call_id == NULL) { /* OPTIONS group */
		if (m->is_request && t->n_req == 1 && !t->response_only)
			p->n_requests++;
		if (is_final)
			p->n_answered++;
		return;
	}
	if (m->is_request) {
		if (sw_str_ieq_c(m->method, "CANCEL"))
			d->cancelled = true;
		else if (sw_str_ieq_c(m->method, "BYE") && p->state == SW_DLG_CONFIRMED)
			p->state = SW_DLG_TERMINATED;
		return;
	}
	if (!t->is_invite || strcmp(t->method, p->method) != 0) {
		if (!strcmp(t->method, "SUBSCRIBE") && is_final && m->status < 300)
			p->state = SW_DLG_CONFIRMED;
		else if (!strcmp(t->method, p->method) && is_final && m->status >= 300 &&
			 p->state != SW_DLG_CONFIRMED)
			p->state = SW_DLG_FAILED;
		return;
	}
	if (m->status < 200) {
		if (m->to.tag.len && p->state == SW_DLG_TRYING)
			p->state = SW_DLG_EARLY;
		return;
	}
	if (!is_final)
		return;
	if (m->status < 300) {
		if (p->state != SW_DLG_TERMINATED)
			p->state = SW_DLG_CONFIRMED;
		p->final_status = m->status;
	} else if (p->state != SW_DLG_CONFIRMED && p->state != SW_DLG_TERMINATED) {
		/* 401/407 to an INVITE is part of the call setup; keep trying. */
		if (m->status == 401 || m->status == 407)
			return;
		p->final_status = m->status;
		p->state = (m->status == 487 || d->cancelled) ? SW_DLG_CANCELLED : SW_DLG_FAILED;
	}
}

void sw_dlg_on_timeout(struct sw_analyze *a, struct txn *t)
{
	if (t->dialog == UINT32_MAX || !a->dialogs.p[t->dialog])
		return;
	struct dlg *d = a->dialogs.p[t->dialog];
	if (d->pub.call_id == NULL) {
		if (!t->end_of_capture)
			d->pub.n_unanswered++;
		if (t->is_options)
			sw_acct_on_options(a, t, SW_OPT_FAILED);
		return;
	}
	if (t->is_invite && d->pub.state == SW_DLG_TRYING && !t->end_of_capture)
		d->pub.state = SW_DLG_FAILED;
	sw_detect_on_request_timeout(a, t);
}

void sw_dlg_free_all(struct sw_analyze *a)
{
	for (size_t i = 0; i < a->dialogs.n; i++)
		if (a->dialogs.p[i])
			dlg_free(a->dialogs.p[i]);
	sw_vec_free(&a->dialogs);
}
