/* SPDX-License-Identifier: BSD-2-Clause */
/* Transactions as seen on the wire: RFC 3261 section 17.1.3 (responses match
 * by top Via branch and CSeq method) and 17.2.3 (requests match by branch,
 * sent-by and method; RFC 2543 fallback when the branch lacks the magic
 * cookie), retransmissions, and timers B/F (64*T1) on capture time. */
#include "analyze/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

#define KEY_MAX (6 * SW_KEY_PART)
#define ICMP_SCAN_MAX 256u /* open transactions searched for an ICMP by 5-tuple */

/* Decimal digits of v without printf (hot path). Returns the length. */
static size_t fmt_i64(char *out, int64_t v)
{
	char tmp[24];
	size_t n = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	size_t k = 0;
	if (v < 0)
		out[k++] = '-';
	while (n)
		out[k++] = tmp[--n];
	return k;
}

static void key_part(char *buf, size_t *n, struct sw_str s)
{
	size_t l = s.len > SW_KEY_PART ? SW_KEY_PART : s.len;
	if (l)
		memcpy(buf + *n, s.p, l);
	*n += l;
	buf[(*n)++] = '|';
}

/* Builds the transaction key of a message: branch (magic cookie z9hG4bK,
 * RFC 3261 section 8.1.1.7) + method + CSeq, or the RFC 2543 tuple. ACK is
 * its own method here: it never gets a response, and ACK retransmissions are
 * still recognised. */
static size_t make_key(char *buf, struct sw_str branch, struct sw_str method, int64_t cseq,
		       const struct sw_sip_msg *m)
{
	size_t n = 0;
	char num[24];
	size_t k = fmt_i64(num, cseq);
	if (branch.len > 7 && memcmp(branch.p, "z9hG4bK", 7) == 0) {
		buf[n++] = '1';
		key_part(buf, &n, branch);
	} else {
		buf[n++] = '2';
		key_part(buf, &n, m->call_id);
		key_part(buf, &n, m->from.tag);
		key_part(buf, &n, branch);
		if (m->n_via)
			key_part(buf, &n, m->via[0].host);
	}
	key_part(buf, &n, method);
	key_part(buf, &n, sw_str_make(num, k));
	return n;
}

/* "Call-ID|CSeq" of a REGISTER attempt, the key of a->attempts. */
static size_t attempt_key(char *k, const struct txn *t)
{
	size_t n = strlen(t->call_id); /* bounded by SW_KEY_PART at copy time */
	memcpy(k, t->call_id, n);
	k[n++] = '|';
	return n + fmt_i64(k + n, t->cseq);
}

static void queue_push(struct sw_analyze *a, struct txn *t)
{
	t->next = NULL;
	t->prev = a->q_tail;
	if (a->q_tail)
		a->q_tail->next = t;
	else
		a->q_head = t;
	a->q_tail = t;
	if (!a->q_cursor)
		a->q_cursor = t;
	a->ntxns++;
}

/* The answered queue: non-INVITE transactions in order of their answers,
 * freed SW_TXN_ANSWERED_NS after them unless copies came (kept_long). */
static void done_push(struct sw_analyze *a, struct txn *t)
{
	t->done_next = NULL;
	t->done_prev = a->done_tail;
	if (a->done_tail)
		a->done_tail->done_next = t;
	else
		a->done_head = t;
	a->done_tail = t;
	t->in_done = true;
}

static void done_unlink(struct sw_analyze *a, struct txn *t)
{
	if (!t->in_done)
		return;
	if (t->done_prev)
		t->done_prev->done_next = t->done_next;
	else
		a->done_head = t->done_next;
	if (t->done_next)
		t->done_next->done_prev = t->done_prev;
	else
		a->done_tail = t->done_prev;
	t->in_done = false;
}

/* Frees t wherever it is in the queues. */
static void txn_free(struct sw_analyze *a, struct txn *t)
{
	done_unlink(a, t);
	if (a->q_cursor == t)
		a->q_cursor = t->next;
	if (t->prev)
		t->prev->next = t->next;
	else
		a->q_head = t->next;
	if (t->next)
		t->next->prev = t->prev;
	else
		a->q_tail = t->prev;
	sw_map_take(&a->txns, t->key, t->klen);
	if (t->is_primary && t->call_id) {
		char k[SW_KEY_PART + 32];
		size_t n = attempt_key(k, t);
		if (sw_map_get(&a->attempts, k, n) == t)
			sw_map_take(&a->attempts, k, n);
	}
	free(t->key);
	free(t->call_id);
	free(t->via_sent_by);
	free(t);
	a->ntxns--;
}

/* ---- tombstones: transactions freed before their client could stop sending */

#define TOMB_MIN_CAP 64u

static uint64_t tomb_hash(const struct sw_analyze *a, const char *key, size_t klen)
{
	/* A random prefix: which wire keys collide is not known to the sender. */
	unsigned char buf[sizeof a->tombs.salt + KEY_MAX + 64];
	size_t n = klen > KEY_MAX + 64 ? KEY_MAX + 64 : klen;
	memcpy(buf, a->tombs.salt, sizeof a->tombs.salt);
	memcpy(buf + sizeof a->tombs.salt, key, n);
	uint64_t h = sw_hash(buf, sizeof a->tombs.salt + n);
	return h ? h : 1; /* 0 marks an empty slot */
}

static struct tomb *tomb_find(const struct tombs *tb, uint64_t h)
{
	if (!tb->cap)
		return NULL;
	size_t mask = tb->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		if (!tb->p[i].h)
			return NULL;
		if (tb->p[i].h == h)
			return &tb->p[i];
	}
}

/* Rebuilds the table without the tombstones expired at now_ns, with room. */
static void tomb_rebuild(struct tombs *tb, int64_t now_ns, size_t max)
{
	size_t live = 0;
	for (size_t i = 0; i < tb->cap; i++)
		if (tb->p[i].h && tb->p[i].until_ns >= now_ns)
			live++;
	size_t cap = TOMB_MIN_CAP;
	while (cap < 4 * (live + 1) && cap < 4 * max)
		cap *= 2;
	struct tomb *old = tb->p;
	size_t ocap = tb->cap;
	tb->p = sw_calloc(cap, sizeof *tb->p);
	tb->cap = cap;
	tb->n = 0;
	for (size_t i = 0; i < ocap; i++) {
		if (!old[i].h || old[i].until_ns < now_ns)
			continue;
		size_t j = old[i].h & (cap - 1);
		while (tb->p[j].h)
			j = (j + 1) & (cap - 1);
		tb->p[j] = old[i];
		tb->n++;
	}
	free(old);
}

/* Remembers a transaction freed early. Bounded by the transaction limit:
 * past it a late copy of the request starts a transaction of its own. */
static void tomb_add(struct sw_analyze *a, const struct txn *t, int64_t now_ns)
{
	struct tombs *tb = &a->tombs;
	if ((tb->n + 1) * 2 > tb->cap) {
		tomb_rebuild(tb, now_ns, a->max_txns);
		if ((tb->n + 1) * 2 > tb->cap)
			return;
	}
	uint64_t h = tomb_hash(a, t->key, t->klen);
	struct tomb *x = tomb_find(tb, h);
	if (!x) {
		size_t j = h & (tb->cap - 1);
		while (tb->p[j].h)
			j = (j + 1) & (tb->cap - 1);
		x = &tb->p[j];
		x->h = h;
		tb->n++;
	}
	/* Copies come until the client's timer F; answers to them a little later. */
	x->until_ns = sw_ns_add(t->deadline_ns, SW_END_GRACE_NS);
	x->account = t->is_register ? t->account : UINT32_MAX;
}

/* A message of a transaction freed early: a late copy, counted with its
 * account. True when it was one. */
static bool tomb_hit(struct sw_analyze *a, const char *key, size_t klen, const struct sw_ev *ev,
		     uint32_t msg_id, struct sw_msg_note *note)
{
	struct tomb *x = tomb_find(&a->tombs, tomb_hash(a, key, klen));
	if (!x || x->until_ns < ev->pkt.ts_ns)
		return false;
	note->retrans = true;
	a->st.retransmissions++;
	if (x->account != UINT32_MAX) {
		struct acct *ac = sw_acct_get(a, x->account);
		if (ac) {
			sw_an_item_add_msg(a, ac->pub.item, msg_id, ev->pkt.ts_ns);
			if (ev->u.sip->is_request)
				ac->pub.n_register_msgs++;
		}
	}
	return true;
}

static void method_copy(char *dst, struct sw_str m)
{
	size_t n = m.len >= 16 ? 15 : m.len;
	if (n)
		memcpy(dst, m.p, n);
	dst[n] = '\0';
}

static struct txn *txn_new(struct sw_analyze *a, const char *key, size_t klen,
			   const struct sw_ev *ev, struct sw_str method)
{
	const struct sw_sip_msg *m = ev->u.sip;
	struct txn *t = sw_calloc(1, sizeof *t);
	t->key = sw_malloc(klen);
	memcpy(t->key, key, klen);
	t->klen = klen;
	method_copy(t->method, method);
	t->cseq = m->cseq;
	t->call_id = sw_an_strdup_wire(sw_str_make(m->call_id.p,
						   m->call_id.len > SW_KEY_PART ? SW_KEY_PART
									   : m->call_id.len));
	t->is_register = sw_str_ieq_c(method, "REGISTER");
	t->is_invite = sw_str_ieq_c(method, "INVITE");
	t->is_options = sw_str_ieq_c(method, "OPTIONS");
	t->is_ack = sw_str_ieq_c(method, "ACK");
	t->first_ns = t->last_req_ns = ev->pkt.ts_ns;
	t->deadline_ns = sw_ns_add(ev->pkt.ts_ns, SW_TIMER_F_NS);
	t->free_ns = sw_ns_add(t->deadline_ns, SW_TXN_LINGER_NS);
	t->transport = ev->pkt.transport;
	t->account = t->dialog = t->item = UINT32_MAX;
	t->requested_expires = -1;
	sw_map_put(&a->txns, t->key, t->klen, t);
	queue_push(a, t);
	a->st.transactions++;
	/* Bounded: the oldest transaction goes first (not judged: no finding
	 * comes from a transaction dropped for room). */
	while (a->ntxns > a->max_txns && a->q_head != t)
		txn_free(a, a->done_head ? a->done_head : a->q_head);
	return t;
}

static uint32_t addr_hash(const struct sw_addr *a)
{
	return (uint32_t)sw_hash(a, sizeof *a);
}

static uint32_t dir_hash(const struct sw_pkt *p)
{
	struct sw_addr two[2] = { p->src, p->dst };
	return (uint32_t)sw_hash(two, sizeof two);
}

static bool resp_seen(struct txn *t, const struct sw_ev *ev, int status)
{
	uint32_t dir = dir_hash(&ev->pkt);
	for (size_t i = 0; i < t->n_resp; i++)
		if (t->resp[i].status == status && t->resp[i].dir == dir)
			return true;
	if (t->n_resp < SW_TXN_MAX_RESP) {
		t->resp[t->n_resp].status = (uint16_t)status;
		t->resp[t->n_resp].dir = dir;
		t->n_resp++;
	}
	return false;
}

/* A request seen again: a retransmission when it travels the same way as the
 * first copy; another view (the same request captured on the other side of a
 * NAT or on another interface) otherwise. */
static bool req_is_retrans(struct txn *t, const struct sw_ev *ev)
{
	if (t->response_only)
		return false;
	if (sw_addr_eq(&t->src, &ev->pkt.src) && sw_addr_eq(&t->dst, &ev->pkt.dst))
		return true;
	uint32_t h = addr_hash(&ev->pkt.src);
	for (size_t i = 0; i < t->n_views; i++)
		if (t->view_src[i] == h)
			return true;
	if (t->n_views < SW_TXN_MAX_VIEWS)
		t->view_src[t->n_views++] = h;
	return false;
}

/* REGISTER attempts seen at several hops (a proxy forwards it with a new
 * branch but the same Call-ID and CSeq) are one attempt: link them. */
static void link_attempt(struct sw_analyze *a, struct txn *t)
{
	if (!t->call_id)
		return;
	char k[SW_KEY_PART + 32];
	size_t n = attempt_key(k, t);
	struct txn *p = sw_map_get(&a->attempts, k, n);
	if (!p || p == t) {
		t->is_primary = true;
		sw_map_put(&a->attempts, k, n, t);
	}
}

struct txn *sw_txn_primary(struct sw_analyze *a, struct txn *t)
{
	if (t->is_primary || !t->call_id)
		return t;
	char k[SW_KEY_PART + 32];
	struct txn *p = sw_map_get(&a->attempts, k, attempt_key(k, t));
	return p ? p : t;
}

struct txn *sw_txn_on_sip(struct sw_analyze *a, const struct sw_ev *ev, uint32_t msg_id,
			  struct sw_msg_note *note, bool *is_new, bool *is_final)
{
	const struct sw_sip_msg *m = ev->u.sip;
	char key[KEY_MAX + 64];
	struct sw_str branch = m->n_via ? m->via[0].branch : SW_STR_NULL;
	struct sw_str method = m->is_request ? m->method : m->cseq_method;
	if (!method.len)
		return NULL;
	size_t klen = make_key(key, branch, method, m->cseq, m);
	struct txn *t = sw_map_get(&a->txns, key, klen);
	*is_new = false;
	*is_final = false;
	if (!t && a->tombs.n && tomb_hit(a, key, klen, ev, msg_id, note))
		return NULL;
	if (m->is_request) {
		if (t) {
			if (req_is_retrans(t, ev)) {
				note->retrans = true;
				a->st.retransmissions++;
			}
			if (t->response_only) {
				/* The response came first (capture started late or
				 * two capture points): adopt the request. */
				t->response_only = false;
				t->src = ev->pkt.src;
				t->dst = ev->pkt.dst;
			}
			t->n_req++;
			/* Copies after the answer, on the first copy's path (the
			 * same request seen at another capture point is not a
			 * retransmission). */
			if (t->state == TX_DONE && ev_has(&t->final) && !t->is_ack &&
			    sw_addr_eq(&ev->pkt.src, &t->src) && sw_addr_eq(&ev->pkt.dst, &t->dst) &&
			    t->req_after_final < UINT16_MAX) {
				t->req_after_final++;
				if (t->in_done) {
					/* The answer may not get back: keep it to its
					 * client's timer F. */
					done_unlink(a, t);
					t->kept_long = true;
					t->free_ns = sw_ns_add(t->final_ns, SW_T4_NS);
					if (t->free_ns < t->deadline_ns)
						t->free_ns = t->deadline_ns;
				}
			}
			t->last_req_ns = ev->pkt.ts_ns;
			sw_an_evidence(a, &t->last_req, &ev->pkt, msg_id, t->method);
			return t;
		}
		t = txn_new(a, key, klen, ev, method);
		*is_new = true;
		t->src = ev->pkt.src;
		t->dst = ev->pkt.dst;
		t->n_req = 1;
		t->has_auth = m->authorization.present || m->proxy_authz.present;
		t->fragmented = ev->pkt.ip_reassembled;
		t->req_size = (uint32_t)(m->raw.len > UINT32_MAX ? UINT32_MAX : m->raw.len);
		if (m->n_via)
		{
			char vb[96];
			snprintf(vb, sizeof vb, "%.*s:%d",
				 (int)(m->via[0].host.len > 80 ? 80 : m->via[0].host.len),
				 m->via[0].host.p ? m->via[0].host.p : "",
				 m->via[0].port > 0 ? m->via[0].port : 5060);
			t->via_sent_by = sw_strdup(vb);
			if (sw_ip_parse(m->via[0].host.p, m->via[0].host.len, &t->sent_by) == 0)
				t->sent_by.port = (uint16_t)(m->via[0].port > 0 &&
							     m->via[0].port < 65536 ? m->via[0].port : 5060);
		}
		sw_an_evidence(a, &t->first_req, &ev->pkt, msg_id, t->method);
		t->last_req = t->first_req;
		if (ev->pkt.ip_reassembled && ev->pkt.first_frame_no != ev->pkt.frame_no) {
			char fl[40];
			snprintf(fl, sizeof fl, "%.16s (first fragment)", t->method);
			sw_an_evidence(a, &t->first_frag, &ev->pkt, UINT32_MAX, fl);
			ev_set_frame(&t->first_frag, ev->pkt.first_frame_no);
		}
		if (t->is_ack) {
			t->state = TX_DONE; /* no response expected */
			t->timer_fired = true;
		}
		if (t->is_register) {
			int exp = -1;
			for (size_t i = 0; i < m->n_contact && i < SW_SIP_MAX_CONTACTS; i++)
				if (m->contact[i].expires >= 0) {
					exp = m->contact[i].expires;
					break;
				}
			t->requested_expires = exp >= 0 ? exp : m->expires;
			link_attempt(a, t);
		}
		return t;
	}
	/* Response */
	if (!t) {
		t = txn_new(a, key, klen, ev, method);
		*is_new = true;
		t->response_only = true;
		t->src = ev->pkt.dst; /* the request would have gone the other way */
		t->dst = ev->pkt.src;
		t->timer_fired = true; /* nothing to time out: the request is unseen */
		sw_an_evidence(a, &t->first_req, &ev->pkt, msg_id, t->method);
		t->last_req = t->first_req;
		if (t->is_register)
			link_attempt(a, t);
	}
	if (resp_seen(t, ev, m->status)) {
		note->retrans = true;
		a->st.retransmissions++;
		return t;
	}
	if (m->status < 200) {
		t->n_prov++;
		return t;
	}
	char label[48];
	snprintf(label, sizeof label, "%d %s", m->status, t->method);
	if (t->state == TX_OPEN || t->state == TX_TIMEOUT) {
		/* A final response after timer F still ends the transaction; the
		 * timeout finding (if any) stays, with the late answer noted. */
		t->state = TX_DONE;
		t->final_status = m->status;
		t->final_ns = ev->pkt.ts_ns;
		sw_an_evidence(a, &t->final, &ev->pkt, msg_id, label);
		if (!t->response_only)
			note->response_time_ns = sw_ns_sub(ev->pkt.ts_ns, t->first_ns);
		if (!t->response_only && !t->fragmented)
			sw_side_answered(a, &t->src, &t->dst, ev->pkt.ts_ns);
		/* Answered: copies of the request can still come until the client's
		 * timer F (answers lost on the way), later only after T4. A
		 * non-INVITE request is repeated at least every T2 until then, so
		 * one without copies soon after its answer goes early (a tombstone
		 * catches a late copy); an INVITE's copies double without bound. */
		t->free_ns = sw_ns_add(ev->pkt.ts_ns, SW_T4_NS);
		if (t->free_ns < t->deadline_ns)
			t->free_ns = t->deadline_ns;
		if (!t->is_invite && !t->is_ack && !t->kept_long && !t->in_done &&
		    t->req_after_final == 0) {
			t->free_ns = sw_ns_add(ev->pkt.ts_ns, SW_TXN_ANSWERED_NS);
			done_push(a, t);
		}
		*is_final = true;
	}
	return t;
}

static bool icmp_matches_flow(const struct txn *t, const struct sw_icmp *ic)
{
	return sw_addr_eq(&t->src, &ic->quoted_src) && sw_addr_eq(&t->dst, &ic->quoted_dst);
}

/* RFC 792 / RFC 4443: the error quotes the offending packet. Tie it to the
 * transaction by the quoted Via branch when the quote reaches it, else by the
 * quoted 5-tuple (the youngest open request on that flow). */
void sw_txn_on_icmp(struct sw_analyze *a, const struct sw_ev *ev, uint32_t msg_id)
{
	const struct sw_icmp *ic = &ev->u.icmp;
	struct txn *t = NULL;
	if (ic->quoted_sip && ic->quoted_branch.len) {
		char key[KEY_MAX + 64];
		struct sw_sip_msg fake;
		memset(&fake, 0, sizeof fake);
		fake.call_id = ic->quoted_call_id;
		/* A quoted response names its method in CSeq (decode puts it in
		 * quoted_method either way). */
		size_t klen = make_key(key, ic->quoted_branch, ic->quoted_method, ic->quoted_cseq,
				       &fake);
		/* No flow check here: a NAT may have rewritten the quoted source. */
		t = sw_map_get(&a->txns, key, klen);
	}
	bool on_answer = false;
	if (t && ic->quoted_sip && !ic->quoted_is_request)
		on_answer = true;
	if (!t) {
		/* Youngest first, from the tail (at most ICMP_SCAN_MAX). A quoted
		 * answer travels the other way: the server's answer to the
		 * request's source. */
		size_t seen = 0;
		struct txn *best = NULL;
		bool best_answer = false;
		for (struct txn *x = a->q_tail; x && seen < ICMP_SCAN_MAX && !best;
		     x = x->prev, seen++) {
			if (x->is_ack || x->first_ns > ev->pkt.ts_ns)
				continue;
			if (!x->response_only && icmp_matches_flow(x, ic) &&
			    !(ic->quoted_sip && !ic->quoted_is_request)) {
				best = x;
				best_answer = false;
			} else if (x->state == TX_DONE && sw_addr_eq(&x->dst, &ic->quoted_src) &&
				   sw_addr_eq(&x->src, &ic->quoted_dst)) {
				best = x;
				best_answer = true;
			}
		}
		t = best;
		on_answer = best_answer;
	}
	if (!t)
		return;
	a->st.icmp_matched++;
	if (on_answer) {
		/* The error quotes the answer: it could not be delivered. */
		if (!t->icmp_on_answer) {
			t->icmp_on_answer = true;
			t->icmp_from = ev->pkt.src;
			sw_an_evidence(a, &t->icmp_ev, &ev->pkt, msg_id, "ICMP (answer)");
			if (t->is_register)
				sw_acct_on_undelivered(a, t);
			else
				sw_detect_nat_undelivered(a, sw_acct_by_flow(a, &t->src, &t->src), t);
		}
		return;
	}
	t->n_icmp++;
	if (t->n_icmp == 1 ||
	    (ic->kind == SW_ICMP_PORT_UNREACH && t->icmp_kind != SW_ICMP_PORT_UNREACH)) {
		t->icmp_kind = ic->kind;
		t->icmp_mtu = ic->mtu;
		t->icmp_from = ev->pkt.src;
		if (ic->kind == SW_ICMP_FRAG_NEEDED && ic->mtu) {
			struct evref e;
			sw_an_evidence(a, &e, &ev->pkt, msg_id, "ICMP fragmentation needed");
			sw_side_frag_needed(a, &t->src, &t->dst, ic->mtu, &e);
		}
		char label[48];
		snprintf(label, sizeof label, "ICMP %s", sw_icmp_kind_name(ic->kind));
		sw_an_evidence(a, &t->icmp_ev, &ev->pkt, msg_id, label);
	}
	if (t->state == TX_TIMEOUT && t->n_icmp == 1 && t->is_register)
		sw_acct_on_late_icmp(a, t);
	uint32_t item = t->item;
	if (item == UINT32_MAX && t->account != UINT32_MAX)
		item = sw_acct_get(a, t->account)->pub.item;
	sw_an_item_add_msg(a, item, msg_id, ev->pkt.ts_ns);
}

static void fire(struct sw_analyze *a, struct txn *t, bool end_of_capture)
{
	t->timer_fired = true;
	if (t->state != TX_OPEN)
		return;
	t->state = TX_TIMEOUT;
	t->end_of_capture = end_of_capture;
	a->st.timeouts++;
	if (t->is_register)
		sw_acct_on_timeout(a, t);
	else
		sw_dlg_on_timeout(a, t);
}

/* Timer B/F on capture time, in creation order (the cursor marks the first
 * transaction whose timer has not been judged). INVITE transactions that got a
 * provisional response wait for the final one without a timer (section
 * 17.1.1.2). A transaction is freed only after its timer was judged and it has
 * lingered long enough to recognise late retransmissions. At the end of the
 * capture every open transaction is judged, marked as cut short by the end
 * when 32 s had not elapsed. */
void sw_txn_tick(struct sw_analyze *a, int64_t now_ns, bool end_of_capture)
{
	while (a->q_cursor && (end_of_capture || now_ns >= a->q_cursor->deadline_ns)) {
		struct txn *t = a->q_cursor;
		if (t->is_invite && t->n_prov > 0)
			t->timer_fired = true;
		else
			/* The end of the capture: undecided unless the request
			 * went out over its whole timer E schedule (the last
			 * retransmission is at 31.5 s of the 32 s). */
			fire(a, t, now_ns < t->deadline_ns - SW_END_GRACE_NS);
		a->q_cursor = t->next;
	}
	if (end_of_capture)
		return;
	/* Answered ones first, in order of their answers. */
	while (a->done_head && now_ns >= a->done_head->free_ns) {
		struct txn *t = a->done_head;
		if (t->deadline_ns > now_ns)
			tomb_add(a, t, now_ns);
		txn_free(a, t);
	}
	/* The rest in creation order, once judged and lingered. */
	while (a->q_head && !a->q_head->in_done && a->q_head->timer_fired &&
	       now_ns >= a->q_head->free_ns)
		txn_free(a, a->q_head);
}

void sw_txn_free_all(struct sw_analyze *a)
{
	struct txn *t = a->q_head;
	while (t) {
		struct txn *n = t->next;
		free(t->key);
		free(t->call_id);
		free(t->via_sent_by);
		free(t);
		t = n;
	}
	a->q_head = a->q_tail = a->q_cursor = NULL;
	a->done_head = a->done_tail = NULL;
	a->ntxns = 0;
	free(a->tombs.p);
	memset(&a->tombs, 0, sizeof a->tombs);
}
