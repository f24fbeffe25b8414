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
	size_t k = sw_fmt_i64(num, cseq);
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

/* The keys of a->txns and a->attempts live in the transactions: the tables
 * keep 32 bits of each key's hash beside the pointer and confirm against the
 * transaction. */
static bool txn_has_key(const void *rec, const void *key, size_t klen)
{
	const struct txn *t = rec;
	return t->klen == klen && memcmp(t->key, key, klen) == 0;
}

/* A REGISTER attempt is its Call-ID (up to a NUL) and CSeq number. */
struct attempt_id {
	const char *call_id;
	size_t len;
	int64_t cseq;
};

static bool txn_is_attempt(const void *rec, const void *key, size_t klen)
{
	const struct txn *t = rec;
	const struct attempt_id *id = key;
	(void)klen;
	return t->call_id && t->cseq == id->cseq && t->cid_len == id->len &&
	       memcmp(t->call_id, id->call_id, id->len) == 0;
}

/* The hash of t's attempt: its Call-ID (bounded by SW_KEY_PART at copy
 * time), '|', its CSeq in decimal (as the string key it replaces). */
static uint64_t attempt_hash(const struct txn *t)
{
	char k[SW_KEY_PART + 32];
	size_t n = t->cid_len;
	memcpy(k, t->call_id, n);
	k[n++] = '|';
	n += sw_fmt_i64(k + n, t->cseq);
	return sw_reftab_hash(k, n);
}

static struct txn *attempt_get(const struct sw_analyze *a, const struct txn *t, uint64_t h)
{
	struct attempt_id id = { t->call_id, t->cid_len, t->cseq };
	return sw_reftab_get(&a->attempts, h, &id, sizeof id, txn_is_attempt);
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

/* A zeroed block of at least size bytes for a transaction. Transactions
 * come and go by the hundred thousand on a registrar's capture: blocks of
 * the same size class are reused (a freed one is still warm, and malloc's
 * free and calloc's clearing of cold memory cost more than the memset). */
static struct txn *txn_alloc(struct sw_analyze *a, size_t size)
{
	size_t cls = (size + SW_TXN_POOL_STEP - 1) / SW_TXN_POOL_STEP;
	if (cls >= SW_TXN_POOL_CLASSES)
		return sw_calloc(1, size); /* pool_class 0: freed, not kept */
	struct txn *t = a->txn_pool[cls];
	if (t) {
		a->txn_pool[cls] = t->next;
		a->txn_pooled--;
		memset(t, 0, size);
	} else {
		t = sw_calloc(1, cls * SW_TXN_POOL_STEP);
	}
	t->pool_class = (uint8_t)cls;
	return t;
}

static void txn_release(struct sw_analyze *a, struct txn *t)
{
	if (!t->pool_class || a->txn_pooled >= SW_TXN_POOL_KEEP) {
		free(t);
		return;
	}
	t->next = a->txn_pool[t->pool_class];
	a->txn_pool[t->pool_class] = t;
	a->txn_pooled++;
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
	sw_reftab_del(&a->txns, t->h, t);
	if (t->is_primary && t->call_id)
		sw_reftab_del(&a->attempts, t->ahash, t);
	txn_release(a, t);
	a->ntxns--;
}

/* ---- tombstones: transactions freed before their client could stop sending */

#define TOMB_MIN_CAP 64u

#define TOMB_H_MASK ((UINT64_C(1) << 48) - 1)
#define TOMB_UNTIL_MAX TOMB_H_MASK /* "until the end": past 2^48 ns (78 hours) after base */
#define TOMB_REBASE_NS (INT64_C(1) << 46) /* rebase well before until can overflow */

/* 48 bits of the transaction's keyed hash (0 marks an empty slot). */
static uint64_t tomb_h(uint64_t h)
{
	h &= TOMB_H_MASK;
	return h ? h : 1;
}

static uint64_t tomb_get_h(const struct tomb *x)
{
	return (uint64_t)x->h_hi << 32 | x->h_lo;
}

static void tomb_set_h(struct tomb *x, uint64_t h)
{
	x->h_lo = (uint32_t)h;
	x->h_hi = (uint16_t)(h >> 32);
}

static int64_t tomb_until(const struct tombs *tb, const struct tomb *x)
{
	uint64_t rel = (uint64_t)x->until_hi << 32 | x->until_lo;
	return rel == TOMB_UNTIL_MAX ? INT64_MAX : tb->base_ns + (int64_t)rel;
}

/* until_ns >= base_ns (the tombs are added with until after now). */
static void tomb_set_until(const struct tombs *tb, struct tomb *x, int64_t until_ns)
{
	int64_t d = sw_ns_sub(until_ns, tb->base_ns);
	uint64_t rel = d > 0 ? (uint64_t)d : 0;
	if (until_ns == INT64_MAX || rel >= TOMB_UNTIL_MAX)
		rel = TOMB_UNTIL_MAX;
	x->until_lo = (uint32_t)rel;
	x->until_hi = (uint16_t)(rel >> 32);
}

static struct tomb *tomb_find(const struct tombs *tb, uint64_t h)
{
	if (!tb->cap)
		return NULL;
	size_t mask = tb->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		uint64_t x = tomb_get_h(&tb->p[i]);
		if (!x)
			return NULL;
		if (x == h)
			return &tb->p[i];
	}
}

/* Rebuilds the table without the tombstones expired at now_ns, with room;
 * their times are kept from now_ns on. */
static void tomb_rebuild(struct tombs *tb, int64_t now_ns, size_t max)
{
	size_t live = 0;
	for (size_t i = 0; i < tb->cap; i++)
		if (tomb_get_h(&tb->p[i]) && tomb_until(tb, &tb->p[i]) >= now_ns)
			live++;
	/* At least 2.5 slots a live tombstone: half full no sooner than after
	 * a quarter as many again (rebuilds stay amortised), and a table that
	 * stays small enough to be cached (reg400k: 2 MiB instead of 4). */
	size_t cap = TOMB_MIN_CAP;
	while (2 * cap < 5 * (live + 1) && cap < 4 * max)
		cap *= 2;
	struct tombs old = *tb;
	tb->p = sw_calloc(cap, sizeof *tb->p);
	tb->cap = cap;
	tb->n = 0;
	tb->base_ns = now_ns;
	for (size_t i = 0; i < old.cap; i++) {
		uint64_t h = tomb_get_h(&old.p[i]);
		int64_t until = h ? tomb_until(&old, &old.p[i]) : 0;
		if (!h || until < now_ns)
			continue;
		size_t j = h & (cap - 1);
		while (tomb_get_h(&tb->p[j]))
			j = (j + 1) & (cap - 1);
		tb->p[j] = old.p[i];
		tomb_set_until(tb, &tb->p[j], until);
		tb->n++;
	}
	free(old.p);
}

/* Remembers a transaction freed early (before its deadline, so after
 * now_ns). Bounded by the transaction limit: past it a late copy of the
 * request starts a transaction of its own. */
static void tomb_add(struct sw_analyze *a, const struct txn *t, int64_t now_ns)
{
	struct tombs *tb = &a->tombs;
	if ((tb->n + 1) * 2 > tb->cap || sw_ns_sub(now_ns, tb->base_ns) > TOMB_REBASE_NS) {
		tomb_rebuild(tb, now_ns, a->max_txns);
		if ((tb->n + 1) * 2 > tb->cap)
			return;
	}
	uint64_t h = tomb_h(t->h);
	struct tomb *x = tomb_find(tb, h);
	if (!x) {
		size_t j = h & (tb->cap - 1);
		while (tomb_get_h(&tb->p[j]))
			j = (j + 1) & (tb->cap - 1);
		x = &tb->p[j];
		tomb_set_h(x, h);
		tb->n++;
	}
	/* Copies come until the client's timer F; answers to them a little later. */
	tomb_set_until(tb, x, sw_ns_add(t->deadline_ns, SW_END_GRACE_NS));
	x->account = t->is_register ? t->account : UINT32_MAX;
}

/* A message of a transaction freed early: a late copy, counted with its
 * account. True when it was one. */
static bool tomb_hit(struct sw_analyze *a, uint64_t h, const struct sw_ev *ev, uint32_t msg_id,
		     struct sw_msg_note *note)
{
	struct tomb *x = tomb_find(&a->tombs, tomb_h(h));
	if (!x || tomb_until(&a->tombs, x) < ev->pkt.ts_ns)
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

/* The top Via's sent-by as "host:port" (host cut at 80 bytes or a NUL,
 * port 5060 when absent) into out (96 bytes); returns its length. */
static size_t sent_by_text(char *out, const struct sw_sip_via *v)
{
	size_t n = v->host.len > 80 ? 80 : v->host.len;
	const char *nul = n ? memchr(v->host.p, '\0', n) : NULL;
	if (nul)
		n = (size_t)(nul - v->host.p);
	if (n)
		memcpy(out, v->host.p, n);
	out[n++] = ':';
	return n + sw_fmt_i64(out + n, v->port > 0 ? v->port : 5060);
}

/* A new transaction under key (hash h), in one block with its key, Call-ID
 * and Via sent-by (owned by a->txns' queue: freed by txn_free). */
static struct txn *txn_new(struct sw_analyze *a, const char *key, size_t klen, uint64_t h,
			   const struct sw_ev *ev, struct sw_str method)
{
	const struct sw_sip_msg *m = ev->u.sip;
	size_t cid_len = m->call_id.len > SW_KEY_PART ? SW_KEY_PART : m->call_id.len;
	char vb[96];
	size_t vb_len = m->is_request && m->n_via ? sent_by_text(vb, &m->via[0]) : 0;
	size_t extra = klen + (m->call_id.p ? cid_len + 1 : 0) + (vb_len ? vb_len + 1 : 0);
	struct txn *t = txn_alloc(a, sizeof *t + extra);
	memcpy(t->key, key, klen);
	t->klen = (uint16_t)klen;
	t->h = h;
	char *tail = t->key + klen;
	if (m->call_id.p) {
		if (cid_len)
			memcpy(tail, m->call_id.p, cid_len);
		tail[cid_len] = '\0';
		t->call_id = tail;
		/* as a C string: up to a NUL */
		const char *nul = cid_len ? memchr(m->call_id.p, '\0', cid_len) : NULL;
		t->cid_len = (uint16_t)(nul ? (size_t)(nul - m->call_id.p) : cid_len);
		tail += cid_len + 1;
	}
	if (vb_len) {
		memcpy(tail, vb, vb_len);
		tail[vb_len] = '\0';
		t->via_sent_by = tail;
	}
	method_copy(t->method, method);
	t->cseq = m->cseq;
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
	sw_reftab_add(&a->txns, h, t);
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
	uint64_t h = attempt_hash(t);
	struct txn *p = attempt_get(a, t, h);
	if (!p) {
		t->is_primary = true;
		t->ahash = h;
		sw_reftab_add(&a->attempts, h, t);
	}
}

struct txn *sw_txn_primary(struct sw_analyze *a, struct txn *t)
{
	if (t->is_primary || !t->call_id)
		return t;
	struct txn *p = attempt_get(a, t, attempt_hash(t));
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
	uint64_t h = sw_reftab_hash(key, klen);
	struct txn *t = sw_reftab_get(&a->txns, h, key, klen, txn_has_key);
	*is_new = false;
	*is_final = false;
	if (!t && a->tombs.n && tomb_hit(a, h, ev, msg_id, note))
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
		t = txn_new(a, key, klen, h, ev, method);
		*is_new = true;
		t->src = ev->pkt.src;
		t->dst = ev->pkt.dst;
		t->n_req = 1;
		t->has_auth = m->authorization.present || m->proxy_authz.present;
		t->fragmented = ev->pkt.ip_reassembled;
		t->req_size = (uint32_t)(m->raw.len > UINT32_MAX ? UINT32_MAX : m->raw.len);
		if (m->n_via) {
			/* via_sent_by was made with the block (txn_new) */
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
		t = txn_new(a, key, klen, h, ev, method);
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
	char label[48]; /* "<status> <method>", without printf (hot path) */
	size_t ll = sw_fmt_i64(label, m->status);
	label[ll++] = ' ';
	size_t ml = strlen(t->method); /* at most 15 */
	memcpy(label + ll, t->method, ml + 1);
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
		t = sw_reftab_get(&a->txns, sw_reftab_hash(key, klen), key, klen, txn_has_key);
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
		sw_acct_rest(a); /* accounts are not in use between transactions */
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
		free(t);
		t = n;
	}
	for (size_t c = 0; c < SW_TXN_POOL_CLASSES; c++) {
		for (t = a->txn_pool[c]; t;) {
			struct txn *n = t->next;
			free(t);
			t = n;
		}
		a->txn_pool[c] = NULL;
	}
	a->txn_pooled = 0;
	a->q_head = a->q_tail = a->q_cursor = NULL;
	a->done_head = a->done_tail = NULL;
	a->ntxns = 0;
	free(a->tombs.p);
	memset(&a->tombs, 0, sizeof a->tombs);
}
