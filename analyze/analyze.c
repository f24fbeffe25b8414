/* SPDX-License-Identifier: BSD-2-Clause */
/* Analysis context: dispatches decoded events to the transaction, account,
 * dialog and side-channel layers, keeps message records and list items, and
 * drives every timer from capture time. */
#include "analyze/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"


const char *sw_severity_name(enum sw_severity s)
{
	switch (s) {
	case SW_SEV_INFO: return "info";
	case SW_SEV_WARNING: return "warning";
	case SW_SEV_ERROR: return "error";
	}
	return "info";
}

int sw_severity_parse(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "info") == 0)
		return SW_SEV_INFO;
	if (strcmp(s, "warning") == 0 || strcmp(s, "warn") == 0)
		return SW_SEV_WARNING;
	if (strcmp(s, "error") == 0)
		return SW_SEV_ERROR;
	return -1;
}

const char *sw_reg_state_name(enum sw_reg_state s)
{
	switch (s) {
	case SW_REG_UNKNOWN: return "unknown";
	case SW_REG_REGISTERING: return "registering";
	case SW_REG_REGISTERED: return "registered";
	case SW_REG_REFRESHING: return "refreshing";
	case SW_REG_FAILED: return "failed";
	case SW_REG_EXPIRED: return "expired";
	case SW_REG_UNREGISTERED: return "unregistered";
	}
	return "unknown";
}

const char *sw_dialog_state_name(enum sw_dialog_state s)
{
	switch (s) {
	case SW_DLG_TRYING: return "trying";
	case SW_DLG_EARLY: return "early";
	case SW_DLG_CONFIRMED: return "confirmed";
	case SW_DLG_TERMINATED: return "terminated";
	case SW_DLG_FAILED: return "failed";
	case SW_DLG_CANCELLED: return "cancelled";
	}
	return "trying";
}

char *sw_an_strdup_wire(struct sw_str s)
{
	if (!s.p)
		return NULL;
	return sw_strndup(s.p, s.len > SW_WIRE_COPY_MAX ? SW_WIRE_COPY_MAX : s.len);
}

void sw_an_share_wire(struct sw_analyze *a, const char **dst, struct sw_str s)
{
	if (!s.p)
		return;
	size_t n = s.len > SW_WIRE_COPY_MAX ? SW_WIRE_COPY_MAX : s.len;
	if (*dst && strlen(*dst) == n && memcmp(*dst, s.p, n) == 0)
		return;
	sw_intern_drop(&a->strings, *dst);
	*dst = sw_intern_take(&a->strings, s.p, n);
}

static void labels_init(struct sw_analyze *a);
static void labels_free(struct sw_analyze *a);

void sw_an_evidence(struct sw_analyze *a, struct evref *e, const struct sw_pkt *p,
		    uint32_t msg_id, const char *label)
{
	ev_set_file(e, p->file_idx);
	ev_set_frame(e, p->frame_no);
	e->ts_ns = p->ts_ns;
	e->msg_id = msg_id;
	e->label = label ? sw_an_label_idx(a, label, strlen(label)) : 0;
}

struct sw_analyze *sw_analyze_new(const struct sw_analyze_opts *opts)
{
	struct sw_analyze *a = sw_calloc(1, sizeof *a);
	if (opts)
		a->opts = *opts;
	a->cat = a->opts.catalog;
	bool bounded = a->opts.max_messages > 0;
	a->max_accounts = bounded ? SW_BOUNDED_ACCOUNTS : SW_MAX_ACCOUNTS;
	a->max_txns = bounded ? SW_BOUNDED_TXNS : SW_MAX_TXNS;
	labels_init(a);
	sw_intern_init(&a->strings);
	sw_reftab_init(&a->txns);
	sw_reftab_init(&a->attempts);
	sw_idtab_init(&a->acct_by_aor);
	sw_hashtab_init(&a->acct_by_client);
	sw_map_init(&a->dlg_by_callid, NULL);
	sw_map_init(&a->opt_groups, NULL);
	sw_map_init(&a->finding_keys, NULL);
	sw_map_init(&a->ka_flows, free);
	sw_map_init(&a->dns_names, NULL);
	sw_map_init(&a->tcp_conns, free);
	sw_hashtab_init(&a->answered_flows);
	sw_hashtab_init(&a->ok_registrars);
	sw_map_init(&a->path_mtus, free);
	sw_map_init(&a->srv_targets, NULL);
	sw_map_init(&a->via_flows, free);
	sw_hashtab_init(&a->via_intact);
	sw_map_init(&a->dropped_keys, NULL);
	a->st.first_ns = INT64_MAX;
	a->st.last_ns = INT64_MIN;
	if (a->opts.pair)
		a->pair = sw_pair_new(a->opts.pair_sides_given, a->opts.pair_phone_file);
	return a;
}

void sw_analyze_free(struct sw_analyze *a)
{
	if (!a)
		return;
	sw_txn_free_all(a);
	sw_acct_free_all(a);
	sw_dlg_free_all(a);
	sw_side_free_all(a);
	sw_fnd_free_all(a);
	sw_pair_free(a->pair);
	sw_an_msgs_free(a);
	for (size_t i = 0; i < a->items.n; i++) {
		sw_an_item_free(a->items.p[i]);
	}
	sw_vec_free(&a->items);
	labels_free(a);
	sw_intern_free(&a->strings);
	sw_reftab_free(&a->txns);
	sw_reftab_free(&a->attempts);
	sw_idtab_free(&a->acct_by_aor);
	sw_hashtab_free(&a->acct_by_client);
	free(a->expiries.p);
	sw_map_free(&a->dlg_by_callid);
	sw_map_free(&a->opt_groups);
	sw_map_free(&a->finding_keys);
	sw_map_free(&a->ka_flows);
	sw_map_free(&a->tcp_conns);
	sw_map_free(&a->via_flows);
	sw_hashtab_free(&a->via_intact);
	sw_hashtab_free(&a->ok_registrars);
	free(a);
}

/* Index 0 is "", index 1 the fallback past SW_MAX_LABELS. */
static void labels_init(struct sw_analyze *a)
{
	sw_map_init(&a->labels, NULL);
	a->label_strs = SW_VEC_INIT;
	sw_vec_push(&a->label_strs, sw_strdup(""));
	sw_vec_push(&a->label_strs, sw_strdup("SIP"));
	sw_map_put(&a->labels, "", 0, (void *)(uintptr_t)1);
	sw_map_put(&a->labels, "SIP", 3, (void *)(uintptr_t)2);
}

static void labels_free(struct sw_analyze *a)
{
	for (size_t i = 0; i < a->label_strs.n; i++)
		free(a->label_strs.p[i]);
	sw_vec_free(&a->label_strs);
	sw_map_free(&a->labels);
}

uint16_t sw_an_label_idx(struct sw_analyze *a, const char *s, size_t len)
{
	void *v = sw_map_get(&a->labels, s, len);
	if (v)
		return (uint16_t)((uintptr_t)v - 1);
	if (a->label_strs.n >= SW_MAX_LABELS)
		return 1; /* hostile variety: stop interning */
	uint16_t idx = (uint16_t)a->label_strs.n;
	sw_vec_push(&a->label_strs, sw_strndup(s, len));
	sw_map_put(&a->labels, s, len, (void *)(uintptr_t)(idx + 1));
	return idx;
}

const char *sw_an_label_at(const struct sw_analyze *a, uint16_t idx)
{
	return idx < a->label_strs.n ? a->label_strs.p[idx] : "";
}

const char *sw_an_label(struct sw_analyze *a, const char *s, size_t len)
{
	return sw_an_label_at(a, sw_an_label_idx(a, s, len));
}

static uint32_t new_msg(struct sw_analyze *a, const struct sw_ev *ev, enum sw_msg_kind kind,
			const char *label, size_t label_len)
{
	if (!a->opts.keep_messages)
		return UINT32_MAX;
	return sw_an_msg_add(a, &ev->pkt, kind, label, label_len);
}

uint64_t sw_an_addr_hash(const struct sw_addr *x, bool port)
{
	struct {
		uint8_t family;
		uint8_t ip[16];
		uint16_t port;
	} k;
	memset(&k, 0, sizeof k);
	k.family = x->family;
	memcpy(k.ip, x->ip, x->family == 4 ? 4 : 16);
	k.port = port ? x->port : 0;
	return sw_reftab_hash(&k, sizeof k);
}

uint32_t sw_an_item_new(struct sw_analyze *a, enum sw_item_kind kind, uint32_t ref)
{
	if (!a->opts.keep_messages)
		return UINT32_MAX; /* only the readers of message records use the list */
	struct sw_item *it = sw_calloc(1, sizeof *it);
	it->id = (uint32_t)a->items.n;
	it->kind = kind;
	it->ref = ref;
	it->msgs = it->inline_ids;
	it->msgs_cap = SW_ITEM_INLINE_IDS;
	sw_vec_push(&a->items, it);
	return it->id;
}

void sw_an_item_add_msg(struct sw_analyze *a, uint32_t item, uint32_t msg_id, int64_t ts)
{
	if (item == UINT32_MAX || item >= a->items.n)
		return;
	struct sw_item *it = a->items.p[item];
	if (!it)
		return; /* retired */
	it->n_msgs++;
	if (ts > it->last_ns)
		it->last_ns = ts;
	if (!sw_an_msg_set_item(a, msg_id, item))
		return;
	if (it->n_ids == it->msgs_cap) {
		/* Ids of records aged out are dropped before the array grows. */
		size_t keep = 0;
		for (size_t i = 0; i < it->n_ids; i++)
			if (it->msgs[i] >= a->msgs_base)
				it->msgs[keep++] = it->msgs[i];
		it->n_ids = (uint32_t)keep;
	}
	if (it->n_ids == it->msgs_cap) {
		uint32_t cap = it->msgs_cap > UINT32_MAX / 2 ? UINT32_MAX : it->msgs_cap * 2;
		if (it->msgs == it->inline_ids) {
			it->msgs = sw_malloc(cap * sizeof *it->msgs);
			memcpy(it->msgs, it->inline_ids, it->n_ids * sizeof *it->msgs);
		} else {
			it->msgs = sw_realloc(it->msgs, cap * sizeof *it->msgs);
		}
		it->msgs_cap = cap;
	}
	it->msgs[it->n_ids++] = msg_id;
}

void sw_an_item_free(struct sw_item *it)
{
	if (!it)
		return;
	if (it->msgs != it->inline_ids)
		free(it->msgs);
	free(it);
}

static void sip_label(const struct sw_sip_msg *m, char *buf, size_t cap, size_t *len)
{
	int n;
	if (m->is_request)
		n = snprintf(buf, cap, "%.*s", (int)(m->method.len > 32 ? 32 : m->method.len),
			     m->method.p ? m->method.p : "");
	else
		n = snprintf(buf, cap, "%d %.*s", m->status,
			     (int)(m->reason.len > 40 ? 40 : m->reason.len),
			     m->reason.p ? m->reason.p : "");
	*len = n < 0 ? 0 : ((size_t)n >= cap ? cap - 1 : (size_t)n);
}

static void on_sip(struct sw_analyze *a, const struct sw_ev *ev, struct sw_msg_note *note)
{
	const struct sw_sip_msg *m = ev->u.sip;
	uint32_t msg_id = UINT32_MAX;
	a->sip_msgs++;
	if (a->opts.keep_messages) {
		char label[64];
		size_t llen;
		sip_label(m, label, sizeof label, &llen);
		msg_id = new_msg(a, ev, SW_MSG_SIP, label, llen);
	}
	if (msg_id != UINT32_MAX) {
		sw_an_msg_set_sip(a, msg_id, m->is_request, (uint16_t)(m->is_request ? 0 : m->status),
				  m->cseq);
		bool rereadable = a->opts.raw_reread && ev->pkt.transport == SW_TP_UDP &&
				  !ev->pkt.ip_reassembled && ev->pkt.first_frame_no == ev->pkt.frame_no;
		if (a->opts.keep_raw && m->raw.len && !rereadable)
			sw_an_msg_set_raw(a, msg_id, m->raw.p,
					  m->raw.len > SW_MAX_SIP_MSG ? SW_MAX_SIP_MSG : m->raw.len);
	}
	bool is_new = false, is_final = false;
	struct sw_msg_note local;
	if (!note)
		note = &local;
	note->retrans = false;
	note->msg_id = msg_id;
	note->response_time_ns = -1;
	struct txn *t = sw_txn_on_sip(a, ev, msg_id, note, &is_new, &is_final);
	if (note->retrans)
		sw_an_msg_set_retrans(a, msg_id, true);
	if (!t) {
		sw_pair_on_sip(a, ev, msg_id, UINT32_MAX);
		return;
	}
	if (t->is_register) {
		if (is_new && m->is_request)
			sw_acct_on_request(a, t, ev, msg_id);
		else if (t->account != UINT32_MAX) {
			struct acct *ac = sw_acct_get(a, t->account);
			sw_an_item_add_msg(a, ac->pub.item, msg_id, ev->pkt.ts_ns);
			if (m->is_request)
				ac->pub.n_register_msgs++; /* retransmission or another hop */
		}
		if (is_final)
			sw_acct_on_final(a, t, ev);
	} else {
		sw_dlg_on_sip(a, t, ev, msg_id, is_final);
	}
	if (t->is_options && !t->response_only) {
		if (m->is_request && t->n_req == 1)
			sw_acct_on_options(a, t, SW_OPT_SENT);
		else if (is_final)
			sw_acct_on_options(a, t, SW_OPT_ANSWERED);
	}
	/* Answered, yet copies keep coming: the answers do not get back. */
	if (note->retrans && m->is_request && t->req_after_final == 3 && t->final_status >= 200) {
		if (t->is_register)
			sw_acct_on_undelivered(a, t);
		else
			sw_detect_nat_undelivered(a, sw_acct_by_flow(a, &t->src, &t->src), t);
	}
	sw_detect_on_sip(a, t, ev, msg_id);
	sw_pair_on_sip(a, ev, msg_id, t->account);
}

static void on_bad(struct sw_analyze *a, const struct sw_ev *ev)
{
	a->sip_msgs++;
	struct sw_str fl = ev->u.bad.first_line;
	size_t n = fl.len > 40 ? 40 : fl.len;
	char label[64];
	int k = snprintf(label, sizeof label, "malformed %.*s", (int)n, fl.p ? fl.p : "");
	uint32_t id = new_msg(a, ev, SW_MSG_SIP_BAD, label,
			      k < 0 ? 0 : (size_t)k >= sizeof label ? sizeof label - 1 : (size_t)k);
	if (ev->u.bad.declared_length >= 0)
		sw_detect_on_short_body(a, ev, id);
}

void sw_analyze_event(struct sw_analyze *a, const struct sw_ev *ev, struct sw_msg_note *note)
{
	if (note) {
		note->retrans = false;
		note->msg_id = UINT32_MAX;
		note->response_time_ns = -1;
	}
	if (a->finished)
		return;
	sw_analyze_tick(a, ev->pkt.ts_ns);
	switch (ev->type) {
	case SW_EV_SIP:
		on_sip(a, ev, note);
		break;
	case SW_EV_SIP_BAD:
		on_bad(a, ev);
		break;
	case SW_EV_ICMP: {
		char label[48];
		int k = snprintf(label, sizeof label, "ICMP %s", sw_icmp_kind_name(ev->u.icmp.kind));
		uint32_t id = new_msg(a, ev, SW_MSG_ICMP, label, (size_t)k);
		sw_txn_on_icmp(a, ev, id);
		break;
	}
	case SW_EV_KEEPALIVE: {
		char label[48];
		int k = snprintf(label, sizeof label, "keepalive %s",
				 sw_keepalive_kind_name(ev->u.keepalive.kind));
		uint32_t id = new_msg(a, ev, SW_MSG_KEEPALIVE, label, (size_t)k);
		sw_side_on_keepalive(a, ev, id);
		break;
	}
	case SW_EV_DNS:
		sw_side_on_dns(a, ev);
		break;
	case SW_EV_TCP:
		sw_side_on_tcp(a, ev);
		break;
	case SW_EV_SIP_RAW:
		break; /* parsed before it gets here (sw_decode_deferred_parse) */
	}
}

void sw_analyze_set_traffic(struct sw_analyze *a, const struct sw_traffic *t)
{
	if (t)
		a->traffic = *t;
}

void sw_analyze_tick(struct sw_analyze *a, int64_t now_ns)
{
	if (a->finished)
		return;
	sw_acct_rest(a); /* no account is in use between events */
	if (now_ns < a->st.first_ns)
		a->st.first_ns = now_ns;
	if (now_ns > a->st.last_ns)
		a->st.last_ns = now_ns;
	/* Capture time only moves forward for timers; a frame stamped earlier
	 * than one before it (broken clocks) does not rewind them. */
	if (now_ns <= a->now_ns)
		return;
	a->now_ns = now_ns;
	sw_txn_tick(a, now_ns, false);
	sw_acct_tick(a, now_ns);
}

void sw_analyze_finish(struct sw_analyze *a, int64_t end_ns)
{
	if (a->finished)
		return;
	if (end_ns > a->now_ns)
		sw_analyze_tick(a, end_ns);
	a->closing = true;
	sw_txn_tick(a, a->now_ns, true);
	sw_acct_tick(a, a->now_ns);
	sw_pair_finish(a);
	sw_detect_finish(a); /* closes each account's registered time too */
	sw_acct_rest(a);
	a->finished = true;
}

size_t sw_analyze_naccounts(const struct sw_analyze *a)
{
	return a->accounts.n;
}

const struct sw_account *sw_analyze_account(const struct sw_analyze *a, size_t id,
					    struct sw_account_buf *buf)
{
	const struct acct *ac = id < a->accounts.n ? sw_acct_peek(a, (uint32_t)id, buf) : NULL;
	return ac ? &ac->pub : NULL;
}

size_t sw_analyze_ndialogs(const struct sw_analyze *a)
{
	return a->dialogs.n;
}

const struct sw_dialog *sw_analyze_dialog(const struct sw_analyze *a, size_t id)
{
	struct dlg *d = id < a->dialogs.n ? a->dialogs.p[id] : NULL;
	return d ? &d->pub : NULL;
}

size_t sw_analyze_nfindings(const struct sw_analyze *a)
{
	return a->findings.n;
}

const struct sw_finding *sw_analyze_finding(const struct sw_analyze *a, size_t id)
{
	return id < a->findings.n ? a->findings.p[id] : NULL;
}

size_t sw_analyze_nitems(const struct sw_analyze *a)
{
	return a->items.n;
}

const struct sw_item *sw_analyze_item(const struct sw_analyze *a, size_t id)
{
	return id < a->items.n ? a->items.p[id] : NULL;
}

void sw_analyze_get_stats(const struct sw_analyze *a, struct sw_analyze_stats *st)
{
	*st = a->st;
	if (st->first_ns == INT64_MAX)
		st->first_ns = st->last_ns = 0;
}
