/* SPDX-License-Identifier: BSD-2-Clause */
/* Diffs the two copies of each matched message, sender against receiver,
 * header by header: decode's header lines (decode/hdrname.h), list headers
 * split into their elements, SDP lines, whitespace normalised; what NAT
 * traversal legitimately changes (Via received/rport) is told apart from
 * what an ALG rewrites, and private <-> public swaps of a NAT mapping are
 * marked. RFC 3261 sections 7.3.1 (folding, comma-separated lists), 7.3.3
 * (compact forms, through decode), 20.42 (Via); RFC 3581 (received/rport);
 * RFC 4566 (SDP lines). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/pair_int.h"
#include "common/mem.h"
#include "decode/hdrname.h"

void sw_pair_diff_free(struct sw_pair_match *m)
{
	for (size_t k = 0; k < m->n_diffs; k++) {
		free(m->diffs[k].before);
		free(m->diffs[k].after);
	}
	free(m->diffs);
}

/* Canonical header name: decode's spelling for the headers it knows (compact
 * forms expanded), else each '-'-separated word capitalised. */
static void canon_name(struct sw_str name, enum sw_hdr id, char *out, size_t cap)
{
	const char *known = sw_hdr_name(id);
	if (known) {
		snprintf(out, cap, "%s", known);
		return;
	}
	size_t k = 0;
	bool start = true;
	for (size_t i = 0; i < name.len && k + 1 < cap; i++) {
		char c = name.p[i];
		if ((unsigned char)c < 0x21 || (unsigned char)c > 0x7e)
			c = '?';
		if (c >= 'a' && c <= 'z' && start)
			c = (char)(c - 32);
		else if (c >= 'A' && c <= 'Z' && !start)
			c = (char)(c + 32);
		out[k++] = c;
		start = c == '-';
	}
	out[k] = '\0';
}

/* Header values that are comma-separated lists (RFC 3261 section 7.3.1): each
 * element is compared on its own, so one header line with two Vias and two
 * Via lines are the same thing. */
static bool is_list_header(enum sw_hdr id)
{
	switch (id) {
	case SW_HDR_VIA: case SW_HDR_CONTACT: case SW_HDR_ROUTE: case SW_HDR_RECORD_ROUTE:
	case SW_HDR_PATH: case SW_HDR_SERVICE_ROUTE: case SW_HDR_ALLOW: case SW_HDR_SUPPORTED:
	case SW_HDR_REQUIRE: case SW_HDR_PROXY_REQUIRE: case SW_HDR_UNSUPPORTED:
	case SW_HDR_ACCEPT: case SW_HDR_ACCEPT_ENCODING: case SW_HDR_ACCEPT_LANGUAGE:
	case SW_HDR_ALLOW_EVENTS:
		return true;
	default:
		return false;
	}
}

struct item {
	char name[40];
	enum sw_hdr id;               /* SW_HDR_OTHER for the start line, SDP and the body */
	uint16_t occ;
	const char *v;                /* raw value (within the text) */
	uint32_t vlen;
	uint32_t off, len;            /* the whole line(s) in the text */
	uint32_t seq;                 /* order of appearance */
};

struct items {
	struct item it[SW_PAIR_MAX_LINES];
	size_t n;
	bool full;
};

static void item_add(struct items *L, const char *name, enum sw_hdr id, const char *v,
		     size_t vlen, size_t off, size_t len)
{
	if (L->n == SW_PAIR_MAX_LINES) {
		L->full = true;
		return;
	}
	struct item *x = &L->it[L->n];
	snprintf(x->name, sizeof x->name, "%s", name);
	x->id = id;
	x->occ = 0; /* numbered once sorted (number_items) */
	x->v = v;
	x->vlen = (uint32_t)vlen;
	x->off = (uint32_t)off;
	x->len = (uint32_t)len;
	x->seq = (uint32_t)L->n++;
}

/* Splits a list header's value at commas outside quotes and <> brackets. */
static void add_list(struct items *L, const char *name, enum sw_hdr id, const char *v,
		     size_t vlen, size_t off, size_t len)
{
	size_t start = 0;
	bool q = false;
	int angle = 0;
	for (size_t i = 0; i <= vlen; i++) {
		char c = i < vlen ? v[i] : ',';
		if (q) {
			if (c == '\\' && i + 1 < vlen)
				i++;
			else if (c == '"')
				q = false;
			continue;
		}
		if (c == '"')
			q = true;
		else if (c == '<')
			angle++;
		else if (c == '>' && angle)
			angle--;
		else if (c == ',' && !angle) {
			item_add(L, name, id, v + start, i - start, off, len);
			start = i + 1;
		}
	}
}

static size_t line_end(const char *t, size_t n, size_t i, size_t *next)
{
	size_t e = i;
	while (e < n && t[e] != '\n')
		e++;
	*next = e < n ? e + 1 : n;
	if (e > i && t[e - 1] == '\r')
		e--;
	return e;
}

/* Cuts a message into its start line, headers (decode's header lines:
 * unfolded, canonical names) and SDP lines (or one "body" item for any other
 * body). */
static void parse_items(const char *t, size_t n, struct items *L)
{
	L->n = 0;
	L->full = false;
	struct sw_sip_layout lay;
	sw_sip_layout(t, n, &lay);
	const char *sl = t + lay.start;
	size_t sl_len = lay.start_end - lay.start;
	bool resp = sl_len >= 8 && memcmp(sl, "SIP/2.0 ", 8) == 0;
	item_add(L, resp ? "Status-Line" : "Request-Line", SW_HDR_OTHER, sl, sl_len, lay.start,
		 sl_len);
	struct sw_hdr_iter it;
	struct sw_hdr_line h;
	sw_hdr_begin(&it, t, &lay);
	while (sw_hdr_next(&it, &h)) {
		char name[40];
		if (!h.has_colon || !h.name.len)
			snprintf(name, sizeof name, "?");
		else
			canon_name(h.name, h.id, name, sizeof name);
		const char *v = h.has_colon ? h.value.p : t + h.end;
		size_t vlen = h.has_colon ? h.value.len : 0;
		if (is_list_header(h.id))
			add_list(L, name, h.id, v, vlen, h.start, h.end - h.start);
		else
			item_add(L, name, h.id, v, vlen, h.start, h.end - h.start);
	}
	size_t body = lay.body, i, e, next;
	if (body >= n)
		return;
	if (n - body >= 2 && t[body] == 'v' && t[body + 1] == '=') {
		for (i = body; i < n;) {
			size_t ls = i;
			e = line_end(t, n, i, &next);
			if (e - ls >= 2 && t[ls + 1] == '=') {
				char name[8] = "SDP ?=";
				name[4] = (unsigned char)t[ls] >= 0x21 && (unsigned char)t[ls] <= 0x7e
						  ? t[ls] : '?';
				item_add(L, name, SW_HDR_OTHER, t + ls + 2, e - ls - 2, ls, e - ls);
			} else if (e > ls) {
				item_add(L, "SDP", SW_HDR_OTHER, t + ls, e - ls, ls, e - ls);
			}
			i = next;
		}
	} else {
		item_add(L, "body", SW_HDR_OTHER, t + body, n - body, body, n - body);
	}
}

static bool lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The value with whitespace runs collapsed to one space and trimmed, into out
 * (at most cap - 1 bytes); returns the full normalised length. */
static size_t norm(const char *v, size_t n, char *out, size_t cap)
{
	size_t k = 0, full = 0;
	bool sp = false;
	for (size_t i = 0; i < n; i++) {
		if (lws(v[i])) {
			sp = full > 0;
			continue;
		}
		if (sp) {
			if (out && k + 1 < cap)
				out[k++] = ' ';
			full++;
			sp = false;
		}
		if (out && k + 1 < cap)
			out[k++] = v[i];
		full++;
	}
	if (out && cap)
		out[k] = '\0';
	return full;
}

/* Compares two values after normalisation, without copying. */
static bool norm_eq(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;
	for (;;) {
		while (i < an && lws(a[i]))
			i++;
		while (j < bn && lws(b[j]))
			j++;
		if (i == an || j == bn)
			return i == an && j == bn;
		bool wa = i > 0 && lws(a[i - 1]), wb = j > 0 && lws(b[j - 1]);
		/* a whitespace run inside a value counts as one space */
		if (wa != wb && i > 0 && j > 0)
			return false;
		if (a[i] != b[j])
			return false;
		i++, j++;
	}
}

/* The Via value without received= and rport params (RFC 3581): what a server
 * adds is not the path's doing. Params are ';'-separated after the sent-by. */
static size_t via_strip(const char *v, size_t n, char *out, size_t cap)
{
	char *tmp = sw_malloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		if (v[i] == ';') {
			size_t j = i + 1;
			while (j < n && v[j] != ';')
				j++;
			struct sw_str prm = sw_str_trim(sw_str_make(v + i + 1, j - i - 1));
			if (sw_str_istarts(prm, "received") || sw_str_istarts(prm, "rport")) {
				i = j;
				continue;
			}
			memcpy(tmp + k, v + i, j - i);
			k += j - i;
			i = j;
			continue;
		}
		tmp[k++] = v[i++];
	}
	size_t r = norm(tmp, k, out, cap);
	free(tmp);
	return r;
}

static bool via_nat_only(const struct item *a, const struct item *b)
{
	size_t cap = (a->vlen > b->vlen ? a->vlen : b->vlen) + 1;
	char *x = sw_malloc(cap), *y = sw_malloc(cap);
	via_strip(a->v, a->vlen, x, cap);
	via_strip(b->v, b->vlen, y, cap);
	bool eq = strcmp(x, y) == 0;
	free(x);
	free(y);
	return eq;
}

static bool has_ip(const char *s, const struct sw_addr *ip)
{
	char buf[SW_IPSTRLEN];
	sw_ip_fmt(ip, buf);
	const char *h = s ? strstr(s, buf) : NULL;
	if (!h)
		return false;
	/* not a prefix of a longer address: 192.168.1.10 in 192.168.1.100 */
	char c = h[strlen(buf)];
	return !(c >= '0' && c <= '9') && !(c == '.' && h[strlen(buf) + 1] >= '0' &&
					    h[strlen(buf) + 1] <= '9');
}

/* Does the change swap the phone's private address for its public one (or
 * back), as a NAT mapping says? */
static bool nat_translated(const struct sw_pair *p, const char *before, const char *after)
{
	if (!before || !after)
		return false;
	for (size_t i = 0; i < p->nmap; i++) {
		const struct epmap *x = &p->map[i];
		if (x->role != SW_SIDE_PHONE || sw_ip_eq(&x->ep[0], &x->ep[1]))
			continue;
		const struct sw_addr *in = &x->ep[p->pf], *out = &x->ep[p->sf];
		if (has_ip(before, in) && has_ip(after, out) && !has_ip(after, in))
			return true;
		if (has_ip(before, out) && has_ip(after, in) && !has_ip(after, out))
			return true;
	}
	return false;
}

static char *value_copy(const struct item *x, bool *cut)
{
	if (!x)
		return NULL;
	char *s = sw_malloc(SW_PAIR_MAX_VALUE);
	if (norm(x->v, x->vlen, s, SW_PAIR_MAX_VALUE) >= SW_PAIR_MAX_VALUE)
		*cut = true;
	return s;
}

static int item_cmp(const void *x, const void *y)
{
	const struct item *a = *(const struct item *const *)x, *b = *(const struct item *const *)y;
	int c = strcmp(a->name, b->name);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Sorts by name, then order of appearance, and numbers each name's
 * occurrences: the k-th Via of one copy is compared with the k-th of the other. */
static void number_items(struct items *L, struct item **ps)
{
	for (size_t i = 0; i < L->n; i++)
		ps[i] = &L->it[i];
	sort_n(ps, L->n, sizeof *ps, item_cmp);
	for (size_t i = 0; i < L->n; i++)
		ps[i]->occ = i && strcmp(ps[i]->name, ps[i - 1]->name) == 0 ? ps[i - 1]->occ + 1 : 0;
}

static int item_key_cmp(const struct item *a, const struct item *b)
{
	int c = strcmp(a->name, b->name);
	if (c)
		return c;
	return a->occ < b->occ ? -1 : a->occ > b->occ;
}

struct diffctx {
	struct sw_pair *p;
	struct sw_pair_match *m;
	int snd, rcv;                 /* side of the sender and of the receiver copy */
	size_t cap;
	uint64_t *order;              /* sort key per diff */
};

static void diff_add(struct diffctx *c, const struct item *s, const struct item *r)
{
	struct sw_pair_match *m = c->m;
	m->diffs_total++;
	const char *name = s ? s->name : r->name;
	uint8_t cls = SW_DIFF_REWRITE;
	if (s && r && s->id == SW_HDR_VIA && via_nat_only(s, r))
		cls = SW_DIFF_NAT;
	if (cls == SW_DIFF_REWRITE)
		m->rewrites++;
	if (m->n_diffs == SW_PAIR_MAX_DIFFS)
		return;
	if (m->n_diffs == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		m->diffs = sw_realloc(m->diffs, c->cap * sizeof *m->diffs);
		c->order = sw_realloc(c->order, c->cap * sizeof *c->order);
	}
	struct sw_pair_diff *d = &m->diffs[m->n_diffs];
	memset(d, 0, sizeof *d);
	snprintf(d->field, sizeof d->field, "%s", name);
	d->index = s ? s->occ : r->occ;
	d->cls = cls;
	d->before = value_copy(s, &d->cut);
	d->after = value_copy(r, &d->cut);
	d->nat_translated = nat_translated(c->p, d->before, d->after);
	if (s) {
		d->off[c->snd] = s->off;
		d->len[c->snd] = s->len;
	}
	if (r) {
		d->off[c->rcv] = r->off;
		d->len[c->rcv] = r->len;
	}
	/* sender's order; what only the receiver has goes after, in its order */
	c->order[m->n_diffs] = s ? (uint64_t)s->seq : ((uint64_t)1 << 32) + r->seq;
	m->n_diffs++;
}

/* Diffs the two copies of a match, sender against receiver. */
static void diff_match(struct sw_pair *p, struct sw_pair_match *m, struct items *ls,
		       struct items *lr)
{
	int snd = m->dir == SW_DIR_TO_SERVER ? SW_SIDE_PHONE : SW_SIDE_SERVER, rcv = 1 - snd;
	const struct sw_pair_copy *cs = &m->copy[snd], *cr = &m->copy[rcv];
	if (!cs->text || !cr->text || cs->text_cut || cr->text_cut) {
		p->sum.not_compared++;
		return;
	}
	m->compared = true;
	if (cs->text_len == cr->text_len && memcmp(cs->text, cr->text, cs->text_len) == 0)
		return;
	parse_items(cs->text, cs->text_len, ls);
	parse_items(cr->text, cr->text_len, lr);
	struct item *ps[SW_PAIR_MAX_LINES], *pr[SW_PAIR_MAX_LINES];
	number_items(ls, ps);
	number_items(lr, pr);
	struct diffctx c = { p, m, snd, rcv, 0, NULL };
	size_t i = 0, j = 0;
	while (i < ls->n || j < lr->n) {
		int k = i == ls->n ? 1 : j == lr->n ? -1 : item_key_cmp(ps[i], pr[j]);
		if (k < 0) {
			diff_add(&c, ps[i++], NULL);
		} else if (k > 0) {
			diff_add(&c, NULL, pr[j++]);
		} else {
			if (!norm_eq(ps[i]->v, ps[i]->vlen, pr[j]->v, pr[j]->vlen))
				diff_add(&c, ps[i], pr[j]);
			i++, j++;
		}
	}
	/* in the sender's order (insertion sort: a few entries) */
	for (size_t a = 1; a < m->n_diffs; a++)
		for (size_t b = a; b > 0 && c.order[b] < c.order[b - 1]; b--) {
			struct sw_pair_diff t = m->diffs[b];
			m->diffs[b] = m->diffs[b - 1];
			m->diffs[b - 1] = t;
			uint64_t o = c.order[b];
			c.order[b] = c.order[b - 1];
			c.order[b - 1] = o;
		}
	free(c.order);
	if (m->rewrites)
		p->sum.changed++;
	p->sum.rewrites += m->rewrites;
}

void sw_pair_diff_all(struct sw_pair *p)
{
	struct items *ls = sw_malloc(sizeof *ls), *lr = sw_malloc(sizeof *lr);
	for (size_t i = 0; i < p->nm; i++)
		diff_match(p, &p->m[i], ls, lr);
	free(ls);
	free(lr);
}
