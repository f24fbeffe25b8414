/* SPDX-License-Identifier: BSD-2-Clause */
/* Registrations per account (AOR) over time: RFC 3261 section 10 (REGISTER,
 * Contact expires, 2xx lists the current bindings), RFC 3581 (Via received and
 * rport: the public address the registrar saw), RFC 5626 (instance ids). */
#include "analyze/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/mem.h"

/* Room for cap elements of `size` at *p, which holds n and may be the
 * account's inline storage `in` (left in place: a copy moves out). */
static void *acct_grow(void *p, const void *in, size_t n, size_t cap, size_t size)
{
	if (p != in)
		return sw_realloc(p, cap * size);
	void *q = sw_malloc(cap * size);
	if (n)
		memcpy(q, in, n * size);
	return q;
}

struct acct_extra *sw_acct_xw(struct acct *ac)
{
	if (!ac->x)
		ac->x = sw_calloc(1, sizeof *ac->x);
	return ac->x;
}

struct attempt *sw_acct_attempt(struct acct *ac, uint64_t seq)
{
	if (!ac->recent || seq == 0)
		return NULL;
	/* A slot holds the attempt it was last numbered for: a later attempt
	 * overwrote an older one, and a ring let go and taken again holds
	 * none of the attempts before. */
	size_t i = (size_t)((seq - 1) % SW_ACCT_RECENT);
	if (i >= ac->recent_cap || ac->recent[i].seq != seq)
		return NULL;
	return &ac->recent[i];
}

/* A ring *p of `size`-byte entries, *cap of them allocated, grown to hold
 * index i: the next power of two above i, at most max; new entries zeroed. */
static void *ring_grow(void *p, uint8_t *cap, size_t i, size_t max, size_t size)
{
	if (i < *cap)
		return p;
	size_t n = 2;
	while (n <= i)
		n *= 2;
	if (n > max)
		n = max;
	unsigned char *q = sw_realloc(p, n * size);
	memset(q + *cap * size, 0, (n - *cap) * size);
	*cap = (uint8_t)n;
	return q;
}

/* The slot of the account's next attempt, cleared and numbered: the ring
 * grows to hold it (2, 4, then SW_ACCT_RECENT slots). Pointers into the
 * ring do not survive this call. */
static struct attempt *ring_next(struct acct *ac)
{
	size_t i = (size_t)(ac->n_recent_total % SW_ACCT_RECENT);
	ac->recent = ring_grow(ac->recent, &ac->recent_cap, i, SW_ACCT_RECENT, sizeof *ac->recent);
	struct attempt *at = &ac->recent[i];
	memset(at, 0, sizeof *at);
	at->seq = ++ac->n_recent_total;
	return at;
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* "sip:user@host[:port]" from a To URI; host lower-cased (RFC 3261 section
 * 19.1.4: host comparison is case-insensitive, user is not). */
static size_t aor_of(const struct sw_sip_uri *u, char *buf, size_t cap)
{
	/* cap >= SW_AOR_MAX: scheme (8) + user (128) + host (128) + port fit */
	size_t n = 0;
	if (u->scheme.len)
		for (size_t i = 0; i < u->scheme.len && i < 8; i++)
			buf[n++] = lower(u->scheme.p[i]);
	else
		n = (size_t)(memcpy(buf, "sip", 3), 3);
	buf[n++] = ':';
	if (u->user.len) {
		size_t l = u->user.len > 128 ? 128 : u->user.len;
		memcpy(buf + n, u->user.p, l);
		n += l;
		buf[n++] = '@';
	}
	for (size_t i = 0; i < u->host.len && i < 128; i++)
		buf[n++] = lower(u->host.p[i]);
	if (u->port > 0 && u->port != 5060)
		n += (size_t)snprintf(buf + n, cap - n, ":%d", u->port);
	buf[n < cap ? n : cap - 1] = '\0';
	return n < cap ? n : cap - 1;
}

static void contact_key(const struct sw_sip_msg *m, char *buf, size_t cap)
{
	buf[0] = '\0';
	if (!m->n_contact)
		return;
	/* "user@host:port", user cut at 40 bytes and host at 60 (the parser
	 * lets no NUL into headers), lower case: at most 113 bytes and the NUL */
	_Static_assert(sizeof(((struct attempt *)0)->contact_key) >= 40 + 1 + 60 + 1 + 10 + 1,
		       "contact_key holds the longest key");
	if (cap < 40 + 1 + 60 + 1 + 10 + 1)
		return;
	const struct sw_sip_uri *u = &m->contact[0].uri;
	size_t n = 0;
	size_t ul = u->user.p ? (u->user.len > 40 ? 40 : u->user.len) : 0;
	for (size_t i = 0; i < ul; i++)
		buf[n++] = lower(u->user.p[i]);
	buf[n++] = '@';
	size_t hl = u->host.p ? (u->host.len > 60 ? 60 : u->host.len) : 0;
	for (size_t i = 0; i < hl; i++)
		buf[n++] = lower(u->host.p[i]);
	buf[n++] = ':';
	n += sw_fmt_i64(buf + n, u->port > 0 ? u->port : 5060);
	buf[n] = '\0';
}

static void set_state(struct acct *ac, enum sw_reg_state st, const struct evref *e,
		      int status)
{
	if (ac->pub.state == st)
		return;
	ac->pub.state = st;
	if (ac->pub.n_changes == ac->changes_cap && ac->changes_cap < SW_ACCT_MAX_CHANGES) {
		ac->changes_cap = ac->changes_cap * 2;
		ac->pub.changes = acct_grow(ac->pub.changes, ac->change0, ac->pub.n_changes,
					    ac->changes_cap, sizeof *ac->pub.changes);
	}
	if (ac->pub.n_changes == SW_ACCT_MAX_CHANGES) {
		/* Keep the first entry and the recent history. */
		size_t drop = SW_ACCT_MAX_CHANGES / 4;
		memmove(&ac->pub.changes[1], &ac->pub.changes[1 + drop],
			(SW_ACCT_MAX_CHANGES - 1 - drop) * sizeof *ac->pub.changes);
		ac->pub.n_changes -= drop;
	}
	/* The timeline stays in time order: a change judged late (a lapse at
	 * its expiry, found after the grace) goes before later entries. */
	size_t i = ac->pub.n_changes++;
	for (; i > 0 && ac->pub.changes[i - 1].ts_ns > e->ts_ns; i--)
		ac->pub.changes[i] = ac->pub.changes[i - 1];
	struct sw_reg_change *c = &ac->pub.changes[i];
	c->ts_ns = e->ts_ns;
	c->state = st;
	c->file_idx = e->file_idx;
	c->frame_no = ev_frame(e);
	c->status = (uint16_t)(status < 0 ? 0 : status > 999 ? 999 : status);
}

static void heap_push(struct sw_analyze *a, int64_t until, uint32_t account)
{
	struct exp_heap *h = &a->expiries;
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->p = sw_realloc(h->p, h->cap * sizeof *h->p);
	}
	size_t i = h->n++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (h->p[parent].until_ns <= until)
			break;
		h->p[i] = h->p[parent];
		i = parent;
	}
	h->p[i].until_ns = until;
	h->p[i].account = account;
}

static void heap_pop(struct sw_analyze *a)
{
	struct exp_heap *h = &a->expiries;
	struct exp_ent last = h->p[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->p[c + 1].until_ns < h->p[c].until_ns)
			c++;
		if (last.until_ns <= h->p[c].until_ns)
			break;
		h->p[i] = h->p[c];
		i = c;
	}
	if (h->n)
		h->p[i] = last;
}

/* Recent attempts are what the flood, refresh and transport detectors look
 * back at; they matter for a few minutes. At most SW_MAX_RINGS accounts hold
 * a ring: past that, the ring of the account that got one first goes, if it
 * has been idle for SW_RING_IDLE_NS (else it is re-queued; after a few tries
 * the oldest goes anyway, so memory stays bounded under a flood).
 * Each queued id carries a last_ns its account had: when that one is recent
 * the account's own is too (it only grows), and the account, likely packed
 * and out of cache, is not read. */
static bool ring_spared(int64_t now, int64_t last_ns, int tries)
{
	return tries < 4 && sw_ns_sub(now, last_ns) < SW_RING_IDLE_NS;
}

static void ring_take(struct sw_analyze *a, struct acct *ac, int64_t now)
{
	struct ring_queue *q = &a->rings;
	if (ac->recent)
		return;
	ac->recent = ring_grow(NULL, &ac->recent_cap, 0, SW_ACCT_RECENT, sizeof *ac->recent);
	sw_rq_push_at(q, ac->pub.id, ac->pub.last_ns);
	for (int tries = 0; q->len > SW_MAX_RINGS; tries++) {
		int64_t last_ns;
		uint32_t id = sw_rq_pop_at(q, &last_ns);
		bool keep = id == ac->pub.id || ring_spared(now, last_ns, tries);
		if (!keep) {
			if (id >= a->accounts.n || !sw_acct_has_ring(a, id, &last_ns))
				continue;
			keep = ring_spared(now, last_ns, tries);
		}
		if (keep) {
			sw_rq_push_at(q, id, last_ns);
			continue;
		}
		sw_acct_drop_ring(a, id);
	}
}

/* sw_idtab_eq for acct_by_aor: the account's stored AOR is the key. */
static bool aor_is(const void *ctx, uint32_t id, const void *key, size_t klen)
{
	char buf[SW_AOR_MAX];
	const char *aor = sw_acct_aor(ctx, id, buf);
	return strlen(aor) == klen && memcmp(aor, key, klen) == 0;
}

static struct acct *acct_for(struct sw_analyze *a, const struct sw_sip_msg *m)
{
	char aor[SW_AOR_MAX];
	size_t n = aor_of(&m->to.uri, aor, sizeof aor);
	uint32_t id = sw_idtab_get(&a->acct_by_aor, aor, n, aor_is, a);
	if (id != SW_IDTAB_NONE)
		return sw_acct_get(a, id);
	if (a->accounts.n >= a->max_accounts) {
		a->st.accounts_untracked++;
		return NULL;
	}
	size_t room = m->is_request && m->n_contact && m->contact[0].uri.raw.p
			      ? sw_an_wire_len(m->contact[0].uri.raw) + 1 : 0;
	struct acct *ac = sw_calloc(1, sizeof *ac + n + 1 + room);
	ac->pub.id = (uint32_t)a->accounts.n;
	ac->contact_room = (uint16_t)room;
	memcpy(ac->aor, aor, n);
	ac->pub.aor = ac->aor;
	ac->flows = &ac->flow0;
	ac->ua = &ac->ua0;
	ac->pub.public_addrs = &ac->public0;
	ac->public_cap = 1;
	ac->pub.changes = ac->change0;
	ac->changes_cap = 2;
	ac->pub.requested_expires = ac->pub.granted_expires = -1;
	ac->pub.first_ns = INT64_MAX;
	ac->pub.worst = SW_SEV_INFO;
	ac->pub.item = sw_an_item_new(a, SW_ITEM_ACCOUNT, ac->pub.id);
	sw_acct_add(a, ac);
	sw_idtab_add(&a->acct_by_aor, aor, n, ac->pub.id);
	return ac;
}

struct acct *sw_acct_by_uri(struct sw_analyze *a, const char *uri)
{
	/* "sip:user@host[:port][;params]": the form aor_of() makes */
	char aor[SW_AOR_MAX];
	size_t n = 0;
	const char *p = uri ? uri : "";
	const char *colon = strchr(p, ':');
	if (!colon || colon - p > 8)
		return NULL;
	for (; p < colon; p++)
		aor[n++] = lower(*p);
	aor[n++] = ':';
	p++;
	const char *at = strchr(p, '@');
	if (at) {
		size_t l = (size_t)(at - p) > 128 ? 128 : (size_t)(at - p);
		memcpy(aor + n, p, l);
		n += l;
		aor[n++] = '@';
		p = at + 1;
	}
	size_t h = strcspn(p, ":;?>");
	for (size_t i = 0; i < h && i < 128; i++)
		aor[n++] = lower(p[i]);
	if (p[h] == ':') {
		int port = atoi(p + h + 1);
		if (port > 0 && port != 5060 && port < 65536)
			n += (size_t)snprintf(aor + n, sizeof aor - n, ":%d", port);
	}
	uint32_t id = sw_idtab_get(&a->acct_by_aor, aor, n, aor_is, a);
	return id != SW_IDTAB_NONE ? sw_acct_get(a, id) : NULL;
}

static void remember_client(struct sw_analyze *a, struct acct *ac, const struct sw_addr *c)
{
	*sw_hashtab_put(&a->acct_by_client, sw_an_addr_hash(c, true)) = ac->pub.id;
}

struct acct *sw_acct_by_flow(struct sw_analyze *a, const struct sw_addr *x,
			     const struct sw_addr *y)
{
	const int64_t *id = sw_hashtab_get(&a->acct_by_client, sw_an_addr_hash(x, true));
	if (!id)
		id = sw_hashtab_get(&a->acct_by_client, sw_an_addr_hash(y, true));
	return id ? sw_acct_get(a, (uint32_t)*id) : NULL;
}

/* The account's contact room: after the AOR in its own block. */
static char *contact_room(struct acct *ac)
{
	return ac->aor + strlen(ac->aor) + 1;
}

/* The phone's last Contact: kept in the account's room when it fits. */
static void set_contact(struct acct *ac, struct sw_str s)
{
	char **dst = &ac->pub.contact;
	if (!s.p)
		return;
	if (*dst && sw_str_eq(sw_str_c(*dst), s))
		return;
	char *room = ac->contact_room ? contact_room(ac) : NULL;
	if (*dst != room)
		free(*dst);
	size_t n = sw_an_wire_len(s);
	if (room && n < ac->contact_room) {
		memcpy(room, s.p, n);
		room[n] = '\0';
		*dst = room;
	} else {
		*dst = sw_an_strdup_wire(s);
	}
}

static uint32_t ua_index(struct sw_analyze *a, struct acct *ac, struct sw_str ua)
{
	if (ua.len > 200)
		ua.len = 200; /* as stored */
	for (size_t i = 0; i < ac->n_ua; i++)
		if (sw_str_eq(sw_str_c(ac->ua[i].ua), ua))
			return (uint32_t)i;
	if (ac->n_ua < SW_ACCT_MAX_UA) {
		if (ac->n_ua)
			ac->ua = acct_grow(ac->ua, &ac->ua0, ac->n_ua, ac->n_ua + 1u, sizeof *ac->ua);
		memset(&ac->ua[ac->n_ua], 0, sizeof ac->ua[0]);
		ac->ua[ac->n_ua].ua = sw_intern_take(&a->strings, ua.p, ua.len);
		return (uint32_t)ac->n_ua++;
	}
	return SW_ACCT_MAX_UA - 1;
}

struct nat_flow *sw_acct_flow(struct acct *ac, const struct sw_addr *key)
{
	for (uint32_t i = 0; i < ac->n_flows; i++)
		if (sw_addr_eq(&ac->flows[i].key, key))
			return &ac->flows[i];
	return NULL;
}

/* The flow of a local endpoint, made when new (the least recently used one
 * goes when all are taken). */
static struct nat_flow *flow_for(struct acct *ac, const struct sw_addr *key, int64_t now)
{
	struct nat_flow *fl = sw_acct_flow(ac, key);
	if (fl)
		return fl;
	if (ac->n_flows < SW_ACCT_MAX_FLOWS) {
		if (ac->n_flows)
			ac->flows = acct_grow(ac->flows, &ac->flow0, ac->n_flows,
					      ac->n_flows + 1u, sizeof *ac->flows);
		fl = &ac->flows[ac->n_flows++];
	} else {
		fl = &ac->flows[0];
		for (uint32_t i = 1; i < ac->n_flows; i++)
			if (ac->flows[i].used_ns < fl->used_ns)
				fl = &ac->flows[i];
		free(fl->fail);
	}
	memset(fl, 0, sizeof *fl);
	fl->key = *key;
	fl->used_ns = now;
	return fl;
}

/* The phone sent on the flow at ts: the silence before it may have let the
 * NAT's mapping lapse (RFC 4787 section 4.3: at least 2 minutes, often less). */
static void note_tx(struct nat_flow *fl, int64_t ts)
{
	if (fl->last_tx_ns && ts > fl->last_tx_ns) {
		int64_t idle = sw_ns_sub(ts, fl->last_tx_ns);
		if (idle > fl->max_idle_ns)
			fl->max_idle_ns = idle;
	}
	if (ts > fl->last_tx_ns)
		fl->last_tx_ns = ts;
}

static const struct sw_addr *flow_key_of(const struct attempt *at)
{
	return at->sent_by.family ? &at->sent_by : &at->client;
}

bool sw_acct_registered(const struct acct *ac)
{
	return ac->pub.state == SW_REG_REGISTERED || ac->pub.state == SW_REG_REFRESHING;
}

/* The state follows the newest attempt: the outcome of an attempt that
 * started before the one that set the current state (an old transaction
 * whose timer fires after a newer one succeeded) does not change it. */
static void set_state_of(struct acct *ac, const struct attempt *at, enum sw_reg_state st,
			 const struct evref *e, int status)
{
	int64_t from = at ? at->start_ns : e->ts_ns;
	if (from < ac->state_from_ns)
		return;
	ac->state_from_ns = from;
	set_state(ac, st, e, status);
}

void sw_acct_on_request(struct sw_analyze *a, struct txn *t, const struct sw_ev *ev,
			uint32_t msg_id)
{
	const struct sw_sip_msg *m = ev->u.sip;
	struct acct *ac = acct_for(a, m);
	if (!ac)
		return;
	struct sw_account *p = &ac->pub;
	t->account = p->id;
	t->item = p->item;
	sw_an_item_add_msg(a, p->item, msg_id, ev->pkt.ts_ns);
	if (ev->pkt.ts_ns < p->first_ns)
		p->first_ns = ev->pkt.ts_ns;
	if (ev->pkt.ts_ns > p->last_ns)
		p->last_ns = ev->pkt.ts_ns;
	if (!m->is_request)
		return; /* a response whose request was not captured */
	p->n_register_msgs++;
	if (!t->is_primary)
		return; /* another hop of an attempt already counted */
	sw_an_share_wire(a, &p->user_agent, m->user_agent);
	if (m->n_contact)
		set_contact(ac, m->contact[0].uri.raw);
	p->client = ev->pkt.src;
	p->registrar = ev->pkt.dst;
	p->transport = ev->pkt.transport;
	remember_client(a, ac, &ev->pkt.src);
	/* The link layer's source is the phone only where nothing routed the
	 * packet: no proxy (one Via) and no NAT (the source is its sent-by). */
	if (ev->pkt.has_mac && m->n_via <= 1 &&
	    (!t->sent_by.family || sw_ip_eq(&t->sent_by, &ev->pkt.src))) {
		p->has_mac = true;
		memcpy(p->mac, ev->pkt.src_mac, 6);
	}
	p->requested_expires = t->requested_expires;
	p->n_register++;
	const struct sw_sip_auth *cred = m->authorization.present ? &m->authorization
					 : m->proxy_authz.present ? &m->proxy_authz : NULL;
	if (cred) {
		struct sw_str u = cred->username;
		u.len = sw_an_wire_len(u);
		if (!ac->auth_user || !u.p || !sw_str_eq(sw_str_c(ac->auth_user), u)) {
			if (!ac->auth_inline)
				free(ac->auth_user);
			ac->auth_inline = false;
			ac->auth_user = sw_an_strdup_wire(cred->username);
		}
		if (cred->realm.p)
			sw_an_share_wire(a, &ac->auth_realm, cred->realm);
		else {
			sw_intern_drop(&a->strings, ac->auth_realm);
			ac->auth_realm = NULL;
		}
	}

	ring_take(a, ac, ev->pkt.ts_ns);
	struct attempt *at = ring_next(ac);
	t->attempt_seq = at->seq;
	at->start_ns = ev->pkt.ts_ns;
	at->client = ev->pkt.src;
	at->server = ev->pkt.dst;
	at->sent_by = t->sent_by;
	at->after_nat = t->sent_by.family && !sw_ip_eq(&t->sent_by, &ev->pkt.src);
	at->transport = ev->pkt.transport;
	at->has_auth = t->has_auth;
	at->requested_expires = t->requested_expires;
	at->ua_idx = ua_index(a, ac, m->user_agent);
	at->first = t->first_req;
	at->last_req = t->first_req;
	at->first_frag = t->first_frag;
	at->fragmented = t->fragmented;
	at->req_size = t->req_size;
	contact_key(m, at->contact_key, sizeof at->contact_key);
	struct nat_flow *fl = flow_for(ac, flow_key_of(at), at->start_ns);
	fl->source = at->client;
	fl->used_ns = at->start_ns;
	note_tx(fl, at->start_ns);

	/* A refresh starts with the first attempt after a success (the 401
	 * round trip that follows belongs to the same refresh). */
	struct attempt *prev = sw_acct_attempt(ac, at->seq - 1);
	if (prev && prev->outcome == AT_ANSWERED && prev->status >= 200 && prev->status < 300 &&
	    prev->requested_expires != 0) {
		int64_t iv = sw_ns_sub(ev->pkt.ts_ns, prev->end_ns);
		if (iv > 0) {
			if (!p->refresh_count || iv < p->refresh_min_ns)
				p->refresh_min_ns = iv;
			if (iv > p->refresh_max_ns)
				p->refresh_max_ns = iv;
			p->refresh_sum_ns = sw_ns_add(p->refresh_sum_ns, iv);
			p->refresh_count++;
		}
	}
	if (sw_acct_registered(ac))
		set_state_of(ac, at, SW_REG_REFRESHING, &t->first_req, 0);
	else
		set_state_of(ac, at, SW_REG_REGISTERING, &t->first_req, 0);
}

/* The public address the registrar saw: Via received (or sent-by host) and
 * rport (or sent-by port), RFC 3581 section 4. */
static bool public_of(const struct sw_sip_msg *m, struct sw_addr *out)
{
	if (!m->n_via)
		return false;
	const struct sw_sip_via *v = &m->via[0];
	if (!v->received.len && v->rport <= 0)
		return false;
	struct sw_str host = v->received.len ? v->received : v->host;
	if (sw_ip_parse(host.p, host.len, out) != 0)
		return false;
	out->port = (uint16_t)(v->rport > 0 ? v->rport : (v->port > 0 ? v->port : 5060));
	return true;
}

static void note_public(struct acct *ac, const struct sw_addr *pa, const struct evref *e)
{
	struct sw_account *p = &ac->pub;
	if (p->n_public && sw_addr_eq(&p->public_addrs[p->n_public - 1].addr, pa)) {
		p->public_addrs[p->n_public - 1].last_ns = e->ts_ns;
		p->public_addrs[p->n_public - 1].last_frame = ev_frame(e);
		return;
	}
	if (p->n_public == ac->public_cap && ac->public_cap < SW_ACCT_MAX_PUBLIC) {
		ac->public_cap = ac->public_cap * 2;
		p->public_addrs = acct_grow(p->public_addrs, &ac->public0, p->n_public,
					    ac->public_cap, sizeof *p->public_addrs);
	}
	if (p->n_public == SW_ACCT_MAX_PUBLIC) {
		memmove(&p->public_addrs[1], &p->public_addrs[2],
			(SW_ACCT_MAX_PUBLIC - 2) * sizeof *p->public_addrs);
		p->n_public--;
	}
	struct sw_public_addr *x = &p->public_addrs[p->n_public++];
	x->addr = *pa;
	x->first_ns = x->last_ns = e->ts_ns;
	x->first_frame = x->last_frame = ev_frame(e);
	x->file_idx = e->file_idx;
}

static bool contact_matches(const struct sw_sip_contact *c, const char *key)
{
	char k[128];
	snprintf(k, sizeof k, "%.*s@%.*s:%d", (int)(c->uri.user.len > 40 ? 40 : c->uri.user.len),
		 c->uri.user.p ? c->uri.user.p : "",
		 (int)(c->uri.host.len > 60 ? 60 : c->uri.host.len),
		 c->uri.host.p ? c->uri.host.p : "", c->uri.port > 0 ? c->uri.port : 5060);
	for (char *p = k; *p; p++)
		*p = lower(*p);
	return strcmp(k, key) == 0;
}

/* The phone's own binding from another port (an older NAT mapping, a
 * restart): the same user at the same host. Two phones behind one NAT whose
 * contacts a registrar rewrote look the same: counted as one, the cautious
 * side for the flood rule. */
static bool same_device(const struct sw_sip_contact *c, const char *key)
{
	char k[128];
	snprintf(k, sizeof k, "%.*s@%.*s:", (int)(c->uri.user.len > 40 ? 40 : c->uri.user.len),
		 c->uri.user.p ? c->uri.user.p : "",
		 (int)(c->uri.host.len > 60 ? 60 : c->uri.host.len),
		 c->uri.host.p ? c->uri.host.p : "");
	for (char *p = k; *p; p++)
		*p = lower(*p);
	return strncmp(k, key, strlen(k)) == 0;
}

static void fill_result(struct reg_result *r, const struct sw_sip_msg *m, const struct attempt *at)
{
	memset(r, 0, sizeof *r);
	r->status = m->status;
	r->granted_expires = -1;
	r->min_expires = m->min_expires;
	r->retry_after = m->retry_after;
	if (m->status >= 300) {
		/* Only the failure detectors quote these. */
		r->server = sw_an_strdup_wire(m->server);
		r->warning = sw_an_strdup_wire(m->warning);
		r->reason_hdr = sw_an_strdup_wire(m->reason_hdr);
	}
	r->stale_nonce = m->www_auth.stale || m->proxy_auth.stale;
	r->have_public = public_of(m, &r->public_addr);
	for (size_t i = 0; i < m->n_contact && i < SW_SIP_MAX_CONTACTS; i++) {
		const struct sw_sip_contact *c = &m->contact[i];
		if (sw_str_ieq_c(c->uri.transport, "tcp"))
			r->contact_tcp = true;
		if (at && at->contact_key[0] && contact_matches(c, at->contact_key)) {
			r->our_contact_listed = true;
			r->granted_expires = c->expires;
		} else {
			if (!at || !at->contact_key[0] || !same_device(c, at->contact_key))
				r->other_devices++;
			if (!r->other_contacts++)
				snprintf(r->other_contact, sizeof r->other_contact, "%.*s",
					 (int)(c->uri.raw.len > 150 ? 150 : c->uri.raw.len),
					 c->uri.raw.p ? c->uri.raw.p : "");
		}
	}
	/* The Record-Route entry next to the phone decides how it must send
	 * (RFC 3261 section 12.1.2); a proxy bridging UDP and TCP puts
	 * transport=tcp on the entry facing the other side. */
	if (sw_rr_wants_tcp(m))
		r->contact_tcp = true;
	if (r->granted_expires < 0 && m->status >= 200 && m->status < 300) {
		/* One binding listed: it is ours (a registrar may rewrite the
		 * Contact, and the ALG detector looks at that separately). */
		if (m->n_contact == 1 && m->contact[0].expires >= 0)
			r->granted_expires = m->contact[0].expires;
		else if (m->expires >= 0)
			r->granted_expires = m->expires;
		else if (at)
			r->granted_expires = at->requested_expires;
	}
}

static void free_result(struct reg_result *r)
{
	free(r->server);
	free(r->warning);
	free(r->reason_hdr);
}

/* What the outcome of an attempt says about its flow: it worked (a 2xx got
 * back), or it failed to get any answer back after the flow had worked. */
static void flow_outcome(struct acct *ac, const struct attempt *at)
{
	struct nat_flow *fl = flow_for(ac, flow_key_of(at), at->start_ns);
	fl->source = at->client;
	if (at->after_nat || sw_ip_is_private(&at->client) ||
	    (at->have_public && !sw_ip_eq(&at->public, &at->client)))
		fl->nat = true;
	if (at->have_public) {
		fl->public = at->public;
		fl->have_public = true;
	}
	fl->udp = at->transport == SW_TP_UDP;
	bool ok = at->outcome == AT_ANSWERED && at->status >= 200 && at->status < 300 &&
		  !at->undelivered;
	bool lost = at->outcome == AT_TIMEOUT || at->undelivered;
	if (ok) {
		if (at->start_ns < fl->fail_start_ns && fl->fails)
			return; /* an older attempt answered late: the failures stand */
		fl->prev_ok_public = fl->ok_public;
		fl->prev_ok_have_public = fl->ok_have_public;
		fl->prev_ok_end_ns = fl->last_ok_ns;
		fl->prev_ok = fl->last_ok;
		if (!fl->ok++) {
			fl->first_ok = at->final;
			fl->first_ok_req = at->first;
		}
		fl->last_ok_ns = at->end_ns;
		fl->last_ok_start_ns = at->start_ns;
		fl->last_ok = at->final;
		fl->last_ok_req = at->first;
		fl->ok_public = at->public;
		fl->ok_have_public = at->have_public;
		fl->gap_before_ok_ns = fl->max_idle_ns;
		fl->max_idle_ns = 0;
		fl->fails = 0;
	} else if (lost && fl->ok && at->start_ns > fl->last_ok_start_ns) {
		if (!fl->fail)
			fl->fail = sw_calloc(1, sizeof *fl->fail);
		if (!fl->fails++) {
			fl->fail_start_ns = at->start_ns;
			fl->fail->first = at->first;
		}
		fl->fail->last = at->undelivered ? at->final : at->last_req;
		fl->fail->last_req = at->first;
	}
}

/* The ICMP error that answered the attempt's transaction, if any. */
static void take_icmp(struct attempt *at, const struct txn *t)
{
	at->n_icmp = t->n_icmp;
	at->icmp_kind = t->icmp_kind;
	at->icmp_mtu = t->icmp_mtu;
	at->icmp_from = t->icmp_from;
	at->icmp_ev = t->icmp_ev;
}

/* The flood rule counts registrations: every attempt that ended, except
 * the 401/407 half of a challenged one. */
static void flood_note(struct acct *ac, const struct attempt *at)
{
	if (at->outcome == AT_ANSWERED && (at->status == 401 || at->status == 407))
		return;
	/* A registration starts with the REGISTER that got the challenge. */
	const struct attempt *start = at;
	const struct attempt *prev = sw_acct_attempt(ac, at->seq - 1);
	if (prev && prev->outcome == AT_ANSWERED && (prev->status == 401 || prev->status == 407) &&
	    sw_ns_sub(at->start_ns, prev->end_ns) < SW_TIMER_F_NS)
		start = prev;
	size_t i = ac->n_flood % SW_ACCT_FLOOD;
	/* grown to use: 2, 4, 8, then SW_ACCT_FLOOD entries */
	ac->flood = ring_grow(ac->flood, &ac->flood_cap, i, SW_ACCT_FLOOD, sizeof *ac->flood);
	ac->n_flood++;
	struct flood_ent *e = &ac->flood[i];
	e->start_ns = start->start_ns;
	e->frame_no = ev_frame(&start->first);
	e->file_idx = start->first.file_idx;
	e->src = (uint32_t)sw_hash(&at->client, sizeof at->client);
}

/* A success: the binding holds until the granted expiry (RFC 3261 section
 * 10.2.1, 3600 s when none is given); a binding lost before is recovered. */
static void on_success(struct sw_analyze *a, struct acct *ac, struct attempt *at, struct txn *t,
		       const struct reg_result *r, int64_t now)
{
	struct sw_account *p = &ac->pub;
	p->n_ok++;
	int req = at ? at->requested_expires : t->requested_expires;
	int granted = r->granted_expires;
	if (granted >= 0)
		p->granted_expires = granted;
	if (req == 0 || granted == 0) {
		if (ac->cov_until_ns > now)
			ac->cov_until_ns = now;
		p->registered_until_ns = 0;
		set_state_of(ac, at, SW_REG_UNREGISTERED, &t->final, r->status);
	} else {
		int64_t secs = granted > 0 ? granted : 3600;
		int64_t until = sw_ns_add(now, secs * INT64_C(1000000000));
		if (sw_ns_add(ac->cov_until_ns, SW_EXPIRY_GRACE_NS) < now || !ac->reg_since_ns) {
			if (ac->reg_since_ns)
				p->registered_total_ns = sw_ns_add(p->registered_total_ns, sw_ns_sub(ac->cov_until_ns, ac->reg_since_ns));
			ac->reg_since_ns = now;
		}
		ac->cov_until_ns = until;
		p->registered_until_ns = until;
		heap_push(a, until, p->id);
		if (ac->n_losses) {
			struct loss *l = &ac->losses[(ac->n_losses - 1) % SW_ACCT_LOSSES];
			if (!l->back_ns) {
				l->back_ns = now;
				l->back = t->final;
			}
		}
		set_state_of(ac, at, SW_REG_REGISTERED, &t->final, r->status);
	}
	ac->ever_ok = true;
	ac->last_ok_ns = now;
	ac->last_ok_ev = t->final;
	if (ac->x)
		ac->x->answered_challenge_rejects = 0;
	if (r->other_devices > sw_acct_xr(ac)->other_contacts_max)
		sw_acct_xw(ac)->other_contacts_max = (uint32_t)r->other_devices;
	if (at && at->ua_idx < ac->n_ua && !ac->ua[at->ua_idx].n_ok++)
		ac->ua[at->ua_idx].first_ok = t->final;
}

void sw_acct_on_final(struct sw_analyze *a, struct txn *t, const struct sw_ev *ev)
{
	const struct sw_sip_msg *m = ev->u.sip;
	struct acct *ac;
	if (t->account == UINT32_MAX) {
		/* Response to a REGISTER the capture missed: still tells the state. */
		ac = acct_for(a, m);
		if (!ac)
			return;
		t->account = ac->pub.id;
		t->item = ac->pub.item;
		sw_an_item_add_msg(a, ac->pub.item, t->final.msg_id, ev->pkt.ts_ns);
		ac->pub.client = ev->pkt.dst;
		ac->pub.registrar = ev->pkt.src;
		remember_client(a, ac, &ev->pkt.dst);
	} else {
		ac = sw_acct_get(a, t->account);
	}
	if (!ac || !t->is_primary)
		return;
	struct sw_account *p = &ac->pub;
	int64_t now = ev->pkt.ts_ns;
	if (now > p->last_ns)
		p->last_ns = now;
	struct attempt *at = sw_acct_attempt(ac, t->attempt_seq);
	if (!at && t->response_only && !t->attempt_seq) {
		/* The REGISTER itself was not captured (the capture started late,
		 * or only one direction was seen): the answer still tells what the
		 * server decided, so it gets an attempt of its own. */
		ring_take(a, ac, now);
		at = ring_next(ac);
		t->attempt_seq = at->seq;
		at->start_ns = now;
		at->client = ev->pkt.dst;
		at->server = ev->pkt.src;
		at->transport = ev->pkt.transport;
		at->requested_expires = -1;
		at->ua_idx = SW_ACCT_MAX_UA;
		at->first = t->final;
		at->last_req = t->final;
		ac->pub.n_register++;
	}
	struct reg_result r;
	fill_result(&r, m, at);
	sw_an_share_wire(a, &p->server, m->server);
	bool late = at && at->outcome == AT_TIMEOUT;
	if (at) {
		at->outcome = AT_ANSWERED;
		at->status = (uint16_t)m->status;
		at->end_ns = now;
		at->final = t->final;
		at->n_msgs = t->n_req;
		take_icmp(at, t);
		at->last_req = t->last_req;
		if (r.have_public) {
			at->public = r.public_addr;
			at->have_public = true;
		} else if (at->after_nat) {
			at->public = at->client; /* captured after the NAT: the source is it */
			at->have_public = true;
		}
	}
	if (r.have_public) {
		note_public(ac, &r.public_addr, &t->final);
		/* the server will send to the phone there (OPTIONS, calls) */
		remember_client(a, ac, &r.public_addr);
	}
	int status = m->status;
	if (status >= 200 && status < 300) {
		on_success(a, ac, at, t, &r, now);
	} else if (status == 401 || status == 407) {
		p->n_challenge++;
		if (at && at->has_auth && !r.stale_nonce) {
			struct acct_extra *x = sw_acct_xw(ac);
			if (!x->answered_challenge_rejects++) {
				x->first_reject = t->final;
				x->first_reject_req = at->first;
			}
			x->last_reject = t->final;
		}
	} else if (status >= 300) {
		p->n_fail++;
		if (status == 403 && at && at->ua_idx < ac->n_ua &&
		    !ac->ua[at->ua_idx].n_fail403++)
			ac->ua[at->ua_idx].first_403 = t->final;
		set_state_of(ac, at, SW_REG_FAILED, &t->final, status);
	}
	if (at) {
		flow_outcome(ac, at);
		flood_note(ac, at);
		if (late)
			sw_detect_on_late_answer(a, ac, at);
		sw_detect_on_attempt(a, ac, at, &r);
	}
	free_result(&r);
}

void sw_acct_on_timeout(struct sw_analyze *a, struct txn *t)
{
	struct acct *ac = sw_acct_get(a, t->account);
	if (!ac || !t->is_primary || t->response_only)
		return;
	struct attempt *at = sw_acct_attempt(ac, t->attempt_seq);
	if (!at)
		return;
	at->outcome = t->end_of_capture ? AT_CUT : AT_TIMEOUT;
	at->end_ns = t->last_req_ns;
	at->n_msgs = t->n_req;
	take_icmp(at, t);
	at->last_req = t->last_req;
	/* Cut short by the end of the capture, the attempt is undecided unless
	 * an ICMP error already answered it. */
	if (at->outcome == AT_TIMEOUT || t->n_icmp) {
		ac->pub.n_timeout++;
		set_state_of(ac, at, SW_REG_FAILED, &t->last_req, 0);
	}
	flow_outcome(ac, at);
	if (at->outcome == AT_TIMEOUT)
		flood_note(ac, at);
	sw_detect_on_attempt(a, ac, at, NULL);
}

void sw_acct_on_late_icmp(struct sw_analyze *a, struct txn *t)
{
	struct acct *ac = sw_acct_get(a, t->account);
	struct attempt *at = ac && t->is_primary ? sw_acct_attempt(ac, t->attempt_seq) : NULL;
	if (!at || at->outcome != AT_TIMEOUT)
		return;
	take_icmp(at, t);
	sw_detect_on_late_icmp(a, ac, at);
}

void sw_acct_on_undelivered(struct sw_analyze *a, struct txn *t)
{
	struct acct *ac = sw_acct_get(a, t->account);
	struct txn *pt = sw_txn_primary(a, t);
	struct attempt *at = ac ? sw_acct_attempt(ac, pt->attempt_seq) : NULL;
	if (!at || at->undelivered)
		return;
	at->undelivered = true;
	at->last_req = t->last_req;
	struct nat_flow *fl = sw_acct_flow(ac, flow_key_of(at));
	if (fl && at->status >= 200 && at->status < 300 && ev_same_frame(&fl->last_ok, &at->final)) {
		/* Counted as the flow's success when answered: it was not one. */
		fl->ok--;
		fl->last_ok = fl->prev_ok;
		fl->last_ok_ns = fl->prev_ok_end_ns;
		fl->ok_public = fl->prev_ok_public;
		fl->ok_have_public = fl->prev_ok_have_public;
		fl->last_ok_start_ns = 0;
	}
	flow_outcome(ac, at);
	sw_detect_nat_undelivered(a, ac, t);
	sw_detect_nat_attempt(a, ac, at);
}

void sw_acct_on_keepalive(struct sw_analyze *a, struct acct *ac, const struct sw_ev *ev)
{
	if (!sw_addr_eq(&ac->pub.client, &ev->pkt.src))
		return;
	struct acct_extra *x = sw_acct_xw(ac);
	if (!x->ka_from_phone++)
		sw_an_evidence(a, &x->ka_first, &ev->pkt, UINT32_MAX, "keepalive");
	for (uint32_t i = 0; i < ac->n_flows; i++)
		if (sw_addr_eq(&ac->flows[i].source, &ev->pkt.src))
			note_tx(&ac->flows[i], ev->pkt.ts_ns);
}

void sw_acct_on_options(struct sw_analyze *a, struct txn *t, enum sw_opt_event what)
{
	/* To an address a phone registered from (an older one too: the
	 * server pings the mapping it learned). */
	struct acct *ac = sw_acct_by_flow(a, &t->dst, &t->dst);
	if (!ac)
		return; /* OPTIONS to something that is not a registered phone */
	struct acct_extra *x = sw_acct_xw(ac);
	if (what == SW_OPT_SENT) {
		x->options_in++;
		return;
	}
	int64_t since = ac->last_ok_ns && t->first_ns >= ac->last_ok_ns
				? sw_ns_sub(t->first_ns, ac->last_ok_ns) : -1;
	if (what == SW_OPT_ANSWERED) {
		x->options_in_answered++;
		if (since >= 0 && since > x->options_ok_max_ns)
			x->options_ok_max_ns = since;
		return;
	}
	if (t->n_icmp && t->icmp_kind == SW_ICMP_PORT_UNREACH) {
		x->options_in_refused++;
	} else if (!t->end_of_capture) {
		if (!x->options_in_unanswered++)
			x->options_first_unanswered = t->first_req;
		if (since >= 0 && (!x->options_fail_min_ns || since < x->options_fail_min_ns))
			x->options_fail_min_ns = since;
	} else {
		return;
	}
	sw_detect_on_options(a, ac, t);
}

/* Bindings lapse at their expiry on capture time (RFC 3261 section 10.2.1),
 * judged after a short grace: registrars purge expired contacts on a timer,
 * so a refresh that starts a moment late does not lose the registration. */
void sw_acct_tick(struct sw_analyze *a, int64_t now_ns)
{
	struct exp_heap *h = &a->expiries;
	while (h->n && sw_ns_add(h->p[0].until_ns, SW_EXPIRY_GRACE_NS) < now_ns) {
		sw_acct_rest(a);
		struct exp_ent e = h->p[0];
		heap_pop(a);
		struct acct *ac = sw_acct_get(a, e.account);
		if (!ac || ac->pub.registered_until_ns != e.until_ns)
			continue; /* refreshed or unregistered since */
		struct evref ev = ac->last_ok_ev;
		ev.ts_ns = e.until_ns;
		ac->pub.registered_until_ns = 0;
		set_state(ac, SW_REG_EXPIRED, &ev, 0);
		ac->state_from_ns = e.until_ns;
		/* Did the phone even try to refresh before the binding lapsed? */
		struct attempt *lt = sw_acct_attempt(ac, ac->n_recent_total);
		bool tried = lt && lt->start_ns > ac->last_ok_ns;
		/* A phone seen refreshing in time before: not its timer. */
		bool in_time_before = ac->pub.refresh_count && ac->pub.granted_expires > 0 &&
				      ac->pub.refresh_min_ns <
					      (int64_t)ac->pub.granted_expires * INT64_C(1000000000);
		if (!ac->losses)
			ac->losses = sw_calloc(SW_ACCT_LOSSES, sizeof *ac->losses);
		struct loss *l = &ac->losses[ac->n_losses++ % SW_ACCT_LOSSES];
		memset(l, 0, sizeof *l);
		l->lost_ns = e.until_ns;
		l->how = tried ? LOSS_REFRESH_FAILED : in_time_before ? LOSS_SILENT : LOSS_NO_REFRESH;
		sw_detect_on_lapse(a, ac, l);
	}
}

void sw_acct_close(struct sw_analyze *a, struct acct *ac)
{
	sw_acct_close_at(ac, a->now_ns);
}

void sw_acct_close_at(struct acct *ac, int64_t now_ns)
{
	if (!ac->reg_since_ns)
		return;
	int64_t end = ac->cov_until_ns < now_ns ? ac->cov_until_ns : now_ns;
	if (end > ac->reg_since_ns)
		ac->pub.registered_total_ns = sw_ns_add(ac->pub.registered_total_ns, sw_ns_sub(end, ac->reg_since_ns));
	ac->reg_since_ns = 0;
}

