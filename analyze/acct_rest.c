/* SPDX-License-Identifier: BSD-2-Clause */
/* Accounts at rest (issue 15: memory per phone). An account not used lately
 * is kept packed: its AOR and its Contact when that is in the block, then
 * the block's words through common/wpack, against a template (the first
 * account packed: phones of one capture are much alike). Pointers into the
 * block are left out and made again when it is unpacked; pointers to its
 * own allocations (a grown timeline, findings) stay as they are, owned by
 * the packed account. Its attempt and flood rings, when it holds them, are
 * kept beside the words, so that ring_take can read and let go of them
 * without unpacking it. Which accounts stay unpacked is a clock over the
 * accounts used since the last pack point (a second chance for the ones
 * used again), with room for a budget of them that grows when they come
 * back too often: phones that refresh or send keepalives faster than the
 * clock goes round (a miss costs an unpack and a pack, some 2 us; an
 * account kept unpacked some 700 bytes).
 *
 * a->accounts.p[id] holds an unpacked struct acct *, or a struct acct_blob *
 * with its low bit set. */
#include "analyze/internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/wpack.h"

#define SW_ACCT_HOT 256u       /* accounts left unpacked at a pack point, at first */
#define SW_ACCT_HOT_MAX 65536u /* ... at most, however often they come back */
#define NWORDS (sizeof(struct acct) / 4)

_Static_assert(sizeof(struct acct) % 4 == 0, "an account is whole words");
_Static_assert(NWORDS <= SW_WPACK_MAX_WORDS, "an account fits the packer");
_Static_assert(sizeof(struct acct) + SW_AOR_MAX + 2 * (SW_WIRE_COPY_MAX + 1) <=
		       sizeof(struct sw_account_buf),
	       "a copy of any account fits struct sw_account_buf");

enum { S_CONTACT = 1, S_CHANGES = 2, S_PUBLIC = 4, S_FLOWS = 8, S_UA = 16, S_RING = 32,
       S_AUTH = 64 };

/* A packed account. Its strings are kept short by what most accounts of a
 * capture share: the AOR's end (the domain) with the template's AOR; the
 * Contact's start (scheme and user) with its own AOR, its end (port and
 * parameters) with the template's Contact. */
struct acct_blob {
	uint16_t code_len;    /* bytes of packed words (at the end) */
	uint16_t contact_room;
	uint8_t self;         /* S_*: pointers that pointed into the block; S_RING */
	char s[];             /* S_RING: a struct ring_part (unaligned: memcpy);
	                       * the AOR: a byte, how many of its last bytes are the
	                       * template AOR's, then the rest, NUL;
	                       * S_CONTACT: a byte, how many of its first bytes are
	                       * the AOR's, a byte, how many of its last bytes are
	                       * the template Contact's, then the rest, NUL;
	                       * S_AUTH: the credentials' user, NUL; the words */
};

/* The rings of a packed account, and pub.last_ns for ring_take. In the
 * words these are zero. */
struct ring_part {
	struct attempt *recent;
	struct flood_ent *flood;
	int64_t last_ns;
	uint32_t n_flood;
	uint8_t recent_cap, flood_cap;
};

/* A blob's parts, found once. */
struct blob_view {
	const char *aor;          /* the AOR's own bytes (aor_own of them) */
	size_t aor_own, aor_tail; /* its length is aor_own + aor_tail */
	const char *contact;      /* the Contact's own bytes, when S_CONTACT */
	size_t c_own, c_head, c_tail; /* head from the AOR, tail from the template's */
	const char *auth;         /* when S_AUTH */
	size_t auth_n;            /* with its NUL */
	const uint8_t *code;
};

static bool is_packed(const void *p)
{
	return (uintptr_t)p & 1u;
}

static struct acct_blob *blob_of(const void *p)
{
	return (struct acct_blob *)((uintptr_t)p & ~(uintptr_t)1);
}

static void view(const struct acct_blob *b, struct blob_view *v)
{
	const char *s = b->s + (b->self & S_RING ? sizeof(struct ring_part) : 0);
	v->aor_tail = (uint8_t)*s++;
	v->aor = s;
	v->aor_own = strlen(s);
	s += v->aor_own + 1;
	v->contact = NULL;
	v->c_own = v->c_head = v->c_tail = 0;
	if (b->self & S_CONTACT) {
		v->c_head = (uint8_t)*s++;
		v->c_tail = (uint8_t)*s++;
		v->contact = s;
		v->c_own = strlen(s);
		s += v->c_own + 1;
	}
	v->auth = NULL;
	v->auth_n = 0;
	if (b->self & S_AUTH) {
		v->auth = s;
		v->auth_n = strlen(s) + 1;
		s += v->auth_n;
	}
	v->code = (const uint8_t *)s;
}

/* The AOR of a packed account into dst (SW_AOR_MAX bytes). */
static char *aor_into(const struct sw_analyze *a, const struct blob_view *v, char *dst)
{
	memcpy(dst, v->aor, v->aor_own);
	memcpy(dst + v->aor_own, a->tmpl_aor + a->tmpl_aor_n - v->aor_tail, v->aor_tail);
	dst[v->aor_own + v->aor_tail] = '\0';
	return dst;
}

/* How many of the last bytes of x (n) are y's (m), at most 255. */
static size_t same_tail(const char *x, size_t n, const char *y, size_t m)
{
	size_t k = 0;
	while (k < n && k < m && k < UINT8_MAX && x[n - 1 - k] == y[m - 1 - k])
		k++;
	return k;
}

const char *sw_acct_aor(const struct sw_analyze *a, uint32_t id, char buf[SW_AOR_MAX])
{
	const void *p = a->accounts.p[id];
	if (!is_packed(p))
		return ((const struct acct *)p)->pub.aor;
	struct blob_view v;
	view(blob_of(p), &v);
	return aor_into(a, &v, buf);
}

static void rq_grow(struct ring_queue *q, bool timed)
{
	size_t cap = q->cap ? q->cap * 2 : 64;
	uint32_t *p = sw_malloc(cap * sizeof *p);
	int64_t *t = timed ? sw_malloc(cap * sizeof *t) : NULL;
	for (size_t i = 0; i < q->len; i++) {
		p[i] = q->p[(q->head + i) % q->cap];
		if (t)
			t[i] = q->t[(q->head + i) % q->cap];
	}
	free(q->p);
	free(q->t);
	q->p = p;
	q->t = t;
	q->cap = cap;
	q->head = 0;
}

void sw_rq_push(struct ring_queue *q, uint32_t id)
{
	if (q->len == q->cap)
		rq_grow(q, false);
	q->p[(q->head + q->len++) % q->cap] = id;
}

void sw_rq_push_at(struct ring_queue *q, uint32_t id, int64_t t)
{
	if (q->len == q->cap)
		rq_grow(q, true);
	size_t i = (q->head + q->len++) % q->cap;
	q->p[i] = id;
	q->t[i] = t;
}

uint32_t sw_rq_pop(struct ring_queue *q)
{
	uint32_t id = q->p[q->head];
	q->head = (q->head + 1) % q->cap;
	q->len--;
	return id;
}

uint32_t sw_rq_pop_at(struct ring_queue *q, int64_t *t)
{
	*t = q->t[q->head];
	return sw_rq_pop(q);
}

/* Unpacks b into d, which has room for the block (the account's size plus
 * its AOR, contact room and credentials' user). */
static struct acct *unpack(const struct sw_analyze *a, const struct acct_blob *b, void *d)
{
	struct blob_view v;
	view(b, &v);
	if (!sw_wunpack(v.code, b->code_len, a->acct_tmpl, d, NWORDS))
		abort(); /* our own packing, in our own memory: never */
	struct acct *ac = d;
	ac->pub.aor = aor_into(a, &v, ac->aor);
	char *room = ac->aor + v.aor_own + v.aor_tail + 1;
	if (b->self & S_CONTACT) {
		memcpy(room, ac->aor, v.c_head);
		memcpy(room + v.c_head, v.contact, v.c_own);
		memcpy(room + v.c_head + v.c_own, a->tmpl_contact + a->tmpl_contact_n - v.c_tail,
		       v.c_tail);
		room[v.c_head + v.c_own + v.c_tail] = '\0';
		ac->pub.contact = room;
	}
	if (b->self & S_AUTH) {
		ac->auth_user = memcpy(room + b->contact_room, v.auth, v.auth_n);
		ac->auth_inline = true;
	}
	if (b->self & S_CHANGES)
		ac->pub.changes = ac->change0;
	if (b->self & S_PUBLIC)
		ac->pub.public_addrs = &ac->public0;
	if (b->self & S_FLOWS)
		ac->flows = &ac->flow0;
	if (b->self & S_UA)
		ac->ua = &ac->ua0;
	if (b->self & S_RING) {
		struct ring_part r;
		memcpy(&r, b->s, sizeof r);
		ac->recent = r.recent;
		ac->flood = r.flood;
		ac->n_flood = r.n_flood;
		ac->recent_cap = r.recent_cap;
		ac->flood_cap = r.flood_cap;
	}
	if (a->close_on_unpack)
		sw_acct_close_at(ac, a->now_ns);
	return ac;
}

/* The size of the block b unpacks into. */
static size_t block_size(const struct acct_blob *b)
{
	struct blob_view v;
	view(b, &v);
	return sizeof(struct acct) + v.aor_own + v.aor_tail + 1 + b->contact_room + v.auth_n;
}

/* The first account packed is the template: its words, AOR and Contact. */
static void set_template(struct sw_analyze *a, const struct acct *ac, const char *contact)
{
	a->acct_tmpl = memcpy(sw_malloc(sizeof *ac), ac, sizeof *ac);
	a->tmpl_aor_n = strlen(ac->aor);
	a->tmpl_aor = memcpy(sw_malloc(a->tmpl_aor_n + 1), ac->aor, a->tmpl_aor_n + 1);
	a->tmpl_contact_n = contact ? strlen(contact) : 0;
	a->tmpl_contact = memcpy(sw_malloc(a->tmpl_contact_n + 1), contact ? contact : "",
				 a->tmpl_contact_n + 1);
}

static void pack(struct sw_analyze *a, uint32_t id)
{
	struct acct *ac = a->accounts.p[id];
	size_t aor_n = strlen(ac->aor);
	const char *room = ac->aor + aor_n + 1;
	const char *contact = NULL;
	uint8_t self = 0;
	/* pointers into the block: left out, made again by unpack() */
	ac->pub.aor = NULL;
	if (ac->contact_room && ac->pub.contact == room) {
		self |= S_CONTACT;
		contact = room;
		ac->pub.contact = NULL;
	}
	if (ac->pub.changes == ac->change0) {
		self |= S_CHANGES;
		ac->pub.changes = NULL;
	}
	if (ac->pub.public_addrs == &ac->public0) {
		self |= S_PUBLIC;
		ac->pub.public_addrs = NULL;
	}
	if (ac->flows == &ac->flow0) {
		self |= S_FLOWS;
		ac->flows = NULL;
	}
	if (ac->ua == &ac->ua0) {
		self |= S_UA;
		ac->ua = NULL;
	}
	const char *auth = ac->auth_user;
	bool auth_own = auth && !ac->auth_inline;
	size_t auth_n = 0;
	if (auth) {
		self |= S_AUTH;
		auth_n = strlen(auth) + 1;
		ac->auth_user = NULL;
		ac->auth_inline = false;
	}
	struct ring_part r = { ac->recent, ac->flood, ac->pub.last_ns, ac->n_flood,
			       ac->recent_cap, ac->flood_cap };
	size_t ring_n = 0;
	if (ac->recent || ac->flood) {
		self |= S_RING;
		ring_n = sizeof r;
		ac->recent = NULL;
		ac->flood = NULL;
		ac->n_flood = 0;
		ac->recent_cap = ac->flood_cap = 0;
	}
	ac->hot_ref = false;
	if (!a->acct_tmpl)
		set_template(a, ac, contact);
	/* the strings' shared parts */
	size_t aor_tail = same_tail(ac->aor, aor_n, a->tmpl_aor, a->tmpl_aor_n);
	size_t c_n = contact ? strlen(contact) : 0, c_head = 0, c_tail = 0;
	while (c_head < c_n && c_head < aor_n && c_head < UINT8_MAX && contact[c_head] == ac->aor[c_head])
		c_head++;
	if (contact)
		c_tail = same_tail(contact + c_head, c_n - c_head, a->tmpl_contact, a->tmpl_contact_n);
	size_t c_own = c_n - c_head - c_tail;
	uint8_t code[SW_WPACK_BOUND(NWORDS)];
	size_t code_n = sw_wpack(ac, a->acct_tmpl, NWORDS, code);
	size_t aor_own = aor_n - aor_tail;
	size_t n = offsetof(struct acct_blob, s) + ring_n + 1 + aor_own + 1 +
		   (contact ? 2 + c_own + 1 : 0) + auth_n + code_n;
	struct acct_blob *b = sw_malloc(n);
	b->code_len = (uint16_t)code_n;
	b->contact_room = ac->contact_room;
	b->self = self;
	char *s = b->s;
	memcpy(s, &r, ring_n);
	s += ring_n;
	*s++ = (char)aor_tail;
	memcpy(s, ac->aor, aor_own);
	s[aor_own] = '\0';
	s += aor_own + 1;
	if (contact) {
		*s++ = (char)c_head;
		*s++ = (char)c_tail;
		memcpy(s, contact + c_head, c_own);
		s[c_own] = '\0';
		s += c_own + 1;
	}
	if (auth_n)
		memcpy(s, auth, auth_n);
	memcpy(s + auth_n, code, code_n);
	if (auth_own)
		free((void *)auth);
	free(ac);
	a->accounts.p[id] = (void *)((uintptr_t)b | 1u);
}

void sw_acct_add(struct sw_analyze *a, struct acct *ac)
{
	sw_vec_push(&a->accounts, ac);
	if (a->opts.compact_accounts) {
		ac->hot_ref = true;
		sw_rq_push(&a->hot, ac->pub.id);
	}
}

struct acct *sw_acct_get(struct sw_analyze *a, uint32_t id)
{
	if (id >= a->accounts.n)
		return NULL;
	void *p = a->accounts.p[id];
	if (is_packed(p)) {
		struct acct_blob *b = blob_of(p);
		struct acct *ac = unpack(a, b, sw_malloc(block_size(b)));
		free(b);
		a->accounts.p[id] = p = ac;
		sw_rq_push(&a->hot, id);
		a->hot_misses++;
	}
	struct acct *ac = p;
	ac->hot_ref = true;
	return ac;
}

const struct acct *sw_acct_peek(const struct sw_analyze *a, uint32_t id,
				struct sw_account_buf *buf)
{
	if (id >= a->accounts.n)
		return NULL;
	const void *p = a->accounts.p[id];
	return is_packed(p) ? unpack(a, blob_of(p), buf->u.b) : p;
}

bool sw_acct_is_packed(const struct sw_analyze *a, uint32_t id)
{
	return is_packed(a->accounts.p[id]);
}

bool sw_acct_has_ring(const struct sw_analyze *a, uint32_t id, int64_t *last_ns)
{
	const void *p = a->accounts.p[id];
	if (!is_packed(p)) {
		const struct acct *ac = p;
		*last_ns = ac->pub.last_ns;
		return ac->recent != NULL;
	}
	const struct acct_blob *b = blob_of(p);
	if (!(b->self & S_RING))
		return false;
	struct ring_part r;
	memcpy(&r, b->s, sizeof r);
	*last_ns = r.last_ns;
	return r.recent != NULL;
}

void sw_acct_drop_ring(struct sw_analyze *a, uint32_t id)
{
	void *p = a->accounts.p[id];
	if (!is_packed(p)) {
		struct acct *ac = p;
		free(ac->recent);
		ac->recent = NULL;
		ac->recent_cap = 0;
		free(ac->flood);
		ac->flood = NULL;
		ac->flood_cap = 0;
		ac->n_flood = 0;
		return;
	}
	struct acct_blob *b = blob_of(p);
	if (!(b->self & S_RING))
		return;
	struct ring_part r;
	memcpy(&r, b->s, sizeof r);
	free(r.recent);
	free(r.flood);
	/* the same blob without them: the words already hold none */
	struct blob_view v;
	view(b, &v);
	size_t head = offsetof(struct acct_blob, s);
	size_t n = (size_t)(v.code - (const uint8_t *)b) + b->code_len - head - sizeof r;
	struct acct_blob *nb = sw_malloc(head + n);
	memcpy(nb, b, head);
	nb->self = (uint8_t)(b->self & ~S_RING);
	memcpy(nb->s, b->s + sizeof r, n);
	free(b);
	a->accounts.p[id] = (void *)((uintptr_t)nb | 1u);
}

/* The budget doubles when, over as many pack points as it holds, at least
 * one in eight unpacked an account packed before (not at the end, where
 * each account is unpacked once in turn). */
static size_t hot_budget(struct sw_analyze *a)
{
	if (a->opts.compact_keep)
		return a->opts.compact_keep;
	if (!a->hot_budget)
		a->hot_budget = SW_ACCT_HOT;
	if (a->closing)
		return a->hot_budget;
	if (++a->hot_points >= a->hot_budget) {
		if (a->hot_misses * 8 >= a->hot_points && a->hot_budget < SW_ACCT_HOT_MAX)
			a->hot_budget *= 2;
		a->hot_points = a->hot_misses = 0;
	}
	return a->hot_budget;
}

void sw_acct_rest(struct sw_analyze *a)
{
	if (!a->opts.compact_accounts)
		return;
	struct ring_queue *q = &a->hot;
	size_t keep = hot_budget(a);
	/* Each pass over the queue clears the marks it passes: at most two
	 * passes before the oldest unmarked one goes. */
	while (q->len > keep) {
		uint32_t id = sw_rq_pop(q);
		struct acct *ac = a->accounts.p[id];
		if (ac->hot_ref) {
			ac->hot_ref = false;
			sw_rq_push(q, id);
		} else {
			pack(a, id);
		}
	}
}

/* What an account owns besides its block. */
static void free_owned(struct sw_analyze *a, const struct acct *ac)
{
	sw_intern_drop(&a->strings, ac->pub.user_agent);
	sw_intern_drop(&a->strings, ac->pub.server);
	if (!ac->contact_room || ac->pub.contact != ac->aor + strlen(ac->aor) + 1)
		free(ac->pub.contact);
	if (ac->pub.changes != ac->change0)
		free(ac->pub.changes);
	if (ac->pub.public_addrs != &ac->public0)
		free(ac->pub.public_addrs);
	if (!ac->auth_inline)
		free(ac->auth_user);
	sw_intern_drop(&a->strings, ac->auth_realm);
	free(ac->recent);
	free(ac->flood);
	for (uint32_t f = 0; f < ac->n_flows; f++)
		free(ac->flows[f].fail);
	if (ac->flows != &ac->flow0)
		free(ac->flows);
	free(ac->losses);
	free(ac->x);
	free(ac->pub.findings);
	for (size_t u = 0; u < ac->n_ua; u++)
		sw_intern_drop(&a->strings, ac->ua[u].ua);
	if (ac->ua != &ac->ua0)
		free(ac->ua);
}

void sw_acct_free_all(struct sw_analyze *a)
{
	struct sw_account_buf buf;
	for (size_t i = 0; i < a->accounts.n; i++) {
		free_owned(a, sw_acct_peek(a, (uint32_t)i, &buf));
		free(blob_of(a->accounts.p[i]));
	}
	sw_vec_free(&a->accounts);
	free(a->rings.p);
	free(a->rings.t);
	free(a->hot.p);
	free(a->acct_tmpl);
	free(a->tmpl_aor);
	free(a->tmpl_contact);
}
