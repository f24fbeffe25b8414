/* SPDX-License-Identifier: BSD-2-Clause */
/* Matches every SIP message of the two captures of one path across them:
 * records each message compactly (keys, label, text), groups the copies by
 * key, aligns them in time (the k-th copy of a retransmitted message with the
 * k-th), estimates the clock offset and one-way delay, decides which file is
 * the phone side, learns the NAT mappings and lists per direction the
 * messages lost on the way (docs/pairs.md).
 * RFC 3261 sections 8.1.1.4 (Call-ID), 17 (Via branch, retransmissions),
 * 18.2.1 (sent-by and source), 20.42 (Via); RFC 3581 (rport); RFC 1918 and
 * RFC 6598 (private addresses). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/pair_int.h"
#include "common/mem.h"
#include "common/timefmt.h"

#define MS SW_NS_PER_MS
#define SEC SW_NS_PER_SEC
#define MIN_MATCHES 2u               /* fewer matched messages: not two views of one path */
#define MIN_SHARE_DIV 50u            /* ... nor fewer than 1/50 of the smaller side */
#define TOL_MIN_NS (250 * MS)        /* half the shortest retransmission interval (T1) */
#define TOL_MAX_NS (2 * SEC)
#define EDGE_MIN_NS (100 * INT64_C(1000)) /* least margin inside the other capture's span */
#define MAX_ADDRS 16u                /* distinct REGISTER destinations counted per file */
#define KEY_PART_MAX 200u            /* bytes of a wire string in a key */

/* ---- recording -------------------------------------------------------------- */

#define KEY_BUF (5 * (KEY_PART_MAX + 8) + 8)

/* Appends "<len>:<bytes>" (bounded, no printf: once per message): length
 * prefixes keep the parts from running into each other whatever they hold. */
static void key_put(char *buf, size_t *n, struct sw_str s)
{
	size_t l = s.len > KEY_PART_MAX ? KEY_PART_MAX : s.len;
	char digits[8];
	size_t k = 0;
	do {
		digits[k++] = (char)('0' + l % 10);
	} while ((l /= 10) && k < sizeof digits);
	while (k)
		buf[(*n)++] = digits[--k];
	buf[(*n)++] = ':';
	l = s.len > KEY_PART_MAX ? KEY_PART_MAX : s.len;
	if (l)
		memcpy(buf + *n, s.p, l);
	*n += l;
}

/* The Call-ID's local part: an ALG may rewrite a host part holding the
 * phone's private address (RFC 3261 section 8.1.1.4 suggests one). */
static struct sw_str callid_local(struct sw_str c)
{
	for (size_t i = 0; i < c.len; i++)
		if (c.p[i] == '@')
			return sw_str_make(c.p, i);
	return c;
}

static uint64_t make_key(char tag, struct sw_str callid, struct sw_str from_tag, int64_t cseq,
			 struct sw_str cseq_method, struct sw_str what, struct sw_str branch)
{
	char buf[KEY_BUF];
	size_t n = 0;
	buf[n++] = tag;
	key_put(buf, &n, callid);
	if (from_tag.p)
		key_put(buf, &n, from_tag);
	uint64_t c = (uint64_t)cseq; /* -1 when absent: any fixed value will do */
	memcpy(buf + n, &c, sizeof c);
	n += sizeof c;
	key_put(buf, &n, cseq_method);
	key_put(buf, &n, what);
	if (branch.p)
		key_put(buf, &n, branch);
	return sw_hash(buf, n) | 1; /* never 0: 0 means "none" */
}

static void make_label(const struct sw_sip_msg *m, char *buf)
{
	if (m->is_request)
		snprintf(buf, LABEL_LEN, "%.*s", (int)(m->method.len > 32 ? 32 : m->method.len),
			 m->method.p ? m->method.p : "");
	else
		snprintf(buf, LABEL_LEN, "%d %.*s", m->status,
			 (int)(m->reason.len > 40 ? 40 : m->reason.len), m->reason.p ? m->reason.p : "");
	/* Labels reach terminals through sw_buf_put_text(); keep them one line. */
	for (char *c = buf; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
}

/* RFC 3261 section 18.2.1: does the top Via's sent-by name the packet's source? */
static bool via_names_source(const struct sw_sip_msg *m, const struct sw_addr *src)
{
	if (!m->n_via || !m->via[0].host.p)
		return false;
	struct sw_addr h;
	if (sw_ip_parse(m->via[0].host.p, m->via[0].host.len, &h) != 0 || !sw_ip_eq(&h, src))
		return false;
	int port = m->via[0].port > 0 ? m->via[0].port : 5060;
	return port == src->port;
}

void sw_pair_on_sip(struct sw_analyze *a, const struct sw_ev *ev, uint32_t msg_id,
		    uint32_t account)
{
	struct sw_pair *p = a->pair;
	if (!p || p->done || ev->pkt.file_idx > 1)
		return;
	struct pfile *f = &p->f[ev->pkt.file_idx];
	if (f->n >= SW_PAIR_MAX_MSGS) {
		f->not_recorded++;
		return;
	}
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 256;
		f->r = sw_realloc(f->r, f->cap * sizeof *f->r);
	}
	const struct sw_sip_msg *m = ev->u.sip;
	struct prec *r = &f->r[f->n++];
	memset(r, 0, sizeof *r);
	r->ts_ns = ev->pkt.ts_ns;
	r->frame_no = ev->pkt.frame_no;
	r->msg_id = msg_id;
	if (account == UINT32_MAX) { /* a call or OPTIONS of a registered phone */
		struct acct *ac = sw_acct_by_flow(a, &ev->pkt.src, &ev->pkt.dst);
		if (ac)
			account = ac->pub.id;
	}
	r->account = account;
	r->src = ev->pkt.src;
	r->dst = ev->pkt.dst;
	r->cseq = m->cseq;
	r->is_request = m->is_request;
	r->is_register = m->is_request && sw_str_ieq_c(m->method, "REGISTER");
	r->via_is_src = via_names_source(m, &ev->pkt.src);
	r->match = r->loss = UINT32_MAX;
	make_label(m, r->label);
	char st[8];
	struct sw_str what = m->method;
	if (!m->is_request) {
		int k = snprintf(st, sizeof st, "%d", m->status);
		what = sw_str_make(st, (size_t)k);
	}
	struct sw_str branch = m->n_via && m->via[0].branch.p ? m->via[0].branch : SW_STR_LIT("");
	r->keya = make_key('A', m->call_id, SW_STR_NULL, m->cseq, m->cseq_method, what, branch);
	r->keyb = make_key('B', callid_local(m->call_id),
			   m->from.tag.p ? m->from.tag : SW_STR_LIT(""), m->cseq, m->cseq_method,
			   what, SW_STR_NULL);
	if (!m->is_request)
		r->reqkey = make_key('A', m->call_id, SW_STR_NULL, m->cseq, m->cseq_method,
				     m->cseq_method, branch);
	size_t n = m->raw.len;
	if (n > SW_PAIR_MAX_TEXT) {
		n = SW_PAIR_MAX_TEXT;
		r->text_cut = true;
	}
	if (p->text_bytes + n <= SW_PAIR_MAX_TEXT_TOTAL && m->raw.p) {
		r->text = sw_malloc(n ? n : 1);
		if (n)
			memcpy(r->text, m->raw.p, n);
		r->text_len = (uint32_t)n;
		p->text_bytes += n;
	} else {
		p->sum.text_dropped++;
	}
	if (r->ts_ns < f->first_ns)
		f->first_ns = r->ts_ns;
	if (r->ts_ns > f->last_ns)
		f->last_ns = r->ts_ns;
}

/* ---- grouping by key ------------------------------------------------------------ */

struct ent {
	uint64_t key;
	uint32_t file, idx;
	int64_t ts;
};

static int ent_cmp(const void *x, const void *y)
{
	const struct ent *a = x, *b = y;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* A run of equal keys: file 0's copies at e[0..n0), file 1's at e[n0..n0+n1),
 * each in capture order. */
struct grp {
	struct ent *e;
	uint32_t n0, n1;
};

/* Sorts the entries and cuts them into groups; returns the number of groups
 * (the array is owned by the caller). */
static size_t make_groups(struct ent *e, size_t n, struct grp **out)
{
	sort_n(e, n, sizeof *e, ent_cmp);
	struct grp *g = NULL;
	size_t ng = 0, cap = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && e[j].key == e[i].key)
			j++;
		if (ng == cap) {
			cap = cap ? cap * 2 : 64;
			g = sw_realloc(g, cap * sizeof *g);
		}
		uint32_t n0 = 0;
		while (i + n0 < j && e[i + n0].file == 0)
			n0++;
		g[ng++] = (struct grp){ e + i, n0, (uint32_t)(j - i - n0) };
		i = j;
	}
	*out = g;
	return ng;
}

static struct prec *rec(struct sw_pair *p, const struct ent *e)
{
	return &p->f[e->file].r[e->idx];
}

/* ---- direction, offset and roles --------------------------------------------------- */

/* The registrar's address in a file: the most frequent REGISTER destination
 * (among the first MAX_ADDRS distinct ones: one server, many phones). Without
 * REGISTERs, the phone's address is the first request's source instead. */
static void find_ends(struct pfile *f)
{
	struct sw_addr ips[MAX_ADDRS];
	uint32_t cnt[MAX_ADDRS];
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++) {
		const struct prec *r = &f->r[i];
		if (!r->is_register)
			continue;
		size_t k;
		for (k = 0; k < n; k++)
			if (sw_ip_eq(&ips[k], &r->dst))
				break;
		if (k == n) {
			if (n == MAX_ADDRS)
				continue;
			ips[n] = r->dst;
			ips[n].port = 0;
			cnt[n++] = 0;
		}
		cnt[k]++;
	}
	size_t best = 0;
	for (size_t k = 1; k < n; k++)
		if (cnt[k] > cnt[best])
			best = k;
	if (n) {
		f->server_ip = ips[best];
		return;
	}
	for (size_t i = 0; i < f->n; i++)
		if (f->r[i].is_request) {
			f->phone_ip = f->r[i].src;
			f->phone_ip.port = 0;
			return;
		}
}

/* A message's direction in its own file, before any matching. */
static uint8_t dir_in_file(const struct pfile *f, const struct prec *r)
{
	if (f->server_ip.family) {
		if (sw_ip_eq(&r->dst, &f->server_ip))
			return SW_DIR_TO_SERVER;
		if (sw_ip_eq(&r->src, &f->server_ip))
			return SW_DIR_TO_PHONE;
		return DIR_OTHER;
	}
	if (!f->phone_ip.family)
		return DIR_OTHER;
	if (sw_ip_eq(&r->src, &f->phone_ip))
		return SW_DIR_TO_SERVER;
	if (sw_ip_eq(&r->dst, &f->phone_ip))
		return SW_DIR_TO_PHONE;
	return DIR_OTHER;
}

static int i64_cmp(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

static int64_t median(int64_t *v, size_t n)
{
	sort_n(v, n, sizeof *v, i64_cmp);
	if (n % 2)
		return v[n / 2];
	return v[n / 2 - 1] / 2 + v[n / 2] / 2;
}

/* Samples of t(file1) - t(file0), per direction. */
struct samples {
	int64_t *d[2];
	size_t n[2], cap[2];
};

static void sample_add(struct samples *s, uint8_t dir, int64_t d)
{
	if (dir > SW_DIR_TO_PHONE)
		dir = SW_DIR_TO_SERVER; /* direction unknown: taken as one direction */
	if (s->n[dir] == s->cap[dir]) {
		s->cap[dir] = s->cap[dir] ? s->cap[dir] * 2 : 64;
		s->d[dir] = sw_realloc(s->d[dir], s->cap[dir] * sizeof *s->d[dir]);
	}
	s->d[dir][s->n[dir]++] = d;
}

static void samples_free(struct samples *s)
{
	free(s->d[0]);
	free(s->d[1]);
	memset(s, 0, sizeof *s);
}

/* Offset = midpoint of the two directions' medians, signed one-way delay =
 * half their difference (positive when file 0 is the phone side); spread =
 * median absolute deviation from each direction's own median. */
static bool estimate(struct samples *s, int64_t *off, int64_t *half, int64_t *spread,
		     bool *one_dir)
{
	if (!s->n[0] && !s->n[1])
		return false;
	int64_t med[2] = { 0, 0 };
	for (int d = 0; d < 2; d++)
		if (s->n[d])
			med[d] = median(s->d[d], s->n[d]);
	*one_dir = !s->n[0] || !s->n[1];
	if (*one_dir) {
		*off = s->n[0] ? med[0] : med[1];
		*half = 0;
	} else {
		*off = med[0] / 2 + med[1] / 2;
		*half = med[0] / 2 - med[1] / 2;
	}
	size_t n = s->n[0] + s->n[1];
	int64_t *dev = sw_malloc(n * sizeof *dev);
	size_t k = 0;
	for (int d = 0; d < 2; d++)
		for (size_t i = 0; i < s->n[d]; i++) {
			int64_t x = sw_ns_sub(s->d[d][i], med[d]);
			dev[k++] = x < 0 ? (x == INT64_MIN ? INT64_MAX : -x) : x;
		}
	*spread = median(dev, n);
	free(dev);
	return true;
}

static int64_t tolerance(int64_t spread)
{
	int64_t t = sw_ns_add(TOL_MIN_NS, spread > TOL_MAX_NS ? TOL_MAX_NS : 4 * spread);
	return t > TOL_MAX_NS ? TOL_MAX_NS : t;
}

/* Expected t(file1) - t(file0) for a message in direction dir. */
static int64_t expected(const struct sw_pair *p, uint8_t dir)
{
	if (dir == SW_DIR_TO_PHONE)
		return sw_ns_sub(p->off01, p->half);
	return sw_ns_add(p->off01, p->half);
}

/* The direction of two copies of one message: the NAT translates the phone's
 * endpoint, so the endpoint that differs between the copies is the phone's
 * (a server capture holds many phones; its REGISTER sources say little).
 * Without NAT, the registrar's address in either file decides. */
static uint8_t pair_dir(struct sw_pair *p, const struct prec *r0, const struct prec *r1)
{
	(void)p;
	bool ss = sw_addr_eq(&r0->src, &r1->src), dd = sw_addr_eq(&r0->dst, &r1->dst);
	if (dd && !ss)
		return SW_DIR_TO_SERVER;
	if (ss && !dd)
		return SW_DIR_TO_PHONE;
	return r0->dir != DIR_OTHER ? r0->dir : r1->dir;
}

/* Aligns one group's copies in time order: the copies of a retransmitted
 * message pair up k-th with k-th, and a copy with no partner near its
 * expected time is left alone (lost, or outside the other capture). With
 * no estimate yet, copies pair up by rank. Calls link(r0, r1). */
static void align(struct sw_pair *p, const struct grp *g, bool by_rank,
		  void (*link)(struct sw_pair *, struct prec *, struct prec *, void *), void *u)
{
	uint32_t i = 0, j = 0;
	while (i < g->n0 && j < g->n1) {
		struct prec *r0 = rec(p, &g->e[i]), *r1 = rec(p, &g->e[g->n0 + j]);
		if (r0->match != UINT32_MAX) {
			i++;
			continue;
		}
		if (r1->match != UINT32_MAX) {
			j++;
			continue;
		}
		if (by_rank) {
			link(p, r0, r1, u);
			i++, j++;
			continue;
		}
		int64_t e = sw_ns_sub(sw_ns_sub(r1->ts_ns, r0->ts_ns), expected(p, pair_dir(p, r0, r1)));
		if (e >= -p->tol_ns && e <= p->tol_ns) {
			link(p, r0, r1, u);
			i++, j++;
		} else if (e > p->tol_ns) {
			i++; /* file 1's copy is far later: file 0's has no partner */
		} else {
			j++;
		}
	}
}

static void link_sample(struct sw_pair *p, struct prec *r0, struct prec *r1, void *u)
{
	sample_add(u, pair_dir(p, r0, r1), sw_ns_sub(r1->ts_ns, r0->ts_ns));
}

/* Provisional links during estimation use match = 0 as "taken"; undone after. */
static void link_tmp(struct sw_pair *p, struct prec *r0, struct prec *r1, void *u)
{
	r0->match = r1->match = 0;
	link_sample(p, r0, r1, u);
}

static void clear_tmp(struct sw_pair *p)
{
	for (int f = 0; f < 2; f++)
		for (size_t i = 0; i < p->f[f].n; i++)
			p->f[f].r[i].match = UINT32_MAX;
}

/* ---- matches --------------------------------------------------------------------- */

static void copy_of(const struct sw_pair *p, uint32_t file, const struct prec *r,
		    struct sw_pair_copy *c)
{
	(void)p;
	c->file_idx = file;
	c->frame_no = r->frame_no;
	c->ts_ns = r->ts_ns;
	c->msg_id = r->msg_id;
	c->src = r->src;
	c->dst = r->dst;
	c->text = r->text;
	c->text_len = r->text ? r->text_len : 0;
	c->text_cut = r->text_cut;
}

static void link_final(struct sw_pair *p, struct prec *r0, struct prec *r1, void *u)
{
	struct sw_pair_match *m;
	size_t *cap = u;
	if (p->nm == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		p->m = sw_realloc(p->m, *cap * sizeof *p->m);
	}
	m = &p->m[p->nm];
	memset(m, 0, sizeof *m);
	r0->match = r1->match = (uint32_t)p->nm++;
	m->dir = pair_dir(p, r0, r1);
	if (m->dir > SW_DIR_TO_PHONE)
		m->dir = SW_DIR_TO_SERVER;
}

/* Fills the public fields of every match once roles are known. */
static void finish_matches(struct sw_pair *p)
{
	struct prec **by[2];
	for (int f = 0; f < 2; f++) {
		by[f] = sw_calloc(p->nm ? p->nm : 1, sizeof *by[f]);
		for (size_t i = 0; i < p->f[f].n; i++) {
			struct prec *r = &p->f[f].r[i];
			if (r->match != UINT32_MAX)
				by[f][r->match] = r;
		}
	}
	for (size_t i = 0; i < p->nm; i++) {
		struct sw_pair_match *m = &p->m[i];
		const struct prec *ph = by[p->pf][i], *sv = by[p->sf][i];
		copy_of(p, p->pf, ph, &m->copy[SW_SIDE_PHONE]);
		copy_of(p, p->sf, sv, &m->copy[SW_SIDE_SERVER]);
		const struct prec *sender = m->dir == SW_DIR_TO_SERVER ? ph : sv;
		m->label = sender->label;
		m->cseq = sender->cseq;
		m->account = ph->account != UINT32_MAX ? ph->account : sv->account;
		/* transit on the receiver's clock minus departure on the sender's */
		int64_t off = p->sum.offset.offset_ns;
		if (m->dir == SW_DIR_TO_SERVER)
			m->transit_ns = sw_ns_sub(sw_ns_sub(sv->ts_ns, off), ph->ts_ns);
		else
			m->transit_ns = sw_ns_sub(ph->ts_ns, sw_ns_sub(sv->ts_ns, off));
	}
	free(by[0]);
	free(by[1]);
}

/* ---- NAT mappings ------------------------------------------------------------------- */

static void map_add(struct sw_pair *p, uint8_t role, const struct sw_addr *e0,
		    const struct sw_addr *e1, int64_t ts)
{
	for (size_t i = 0; i < p->nmap; i++) {
		struct epmap *x = &p->map[i];
		if (x->role == role && sw_addr_eq(&x->ep[0], e0) && sw_addr_eq(&x->ep[1], e1)) {
			x->messages++;
			if (ts < x->first_ns)
				x->first_ns = ts;
			if (ts > x->last_ns)
				x->last_ns = ts;
			return;
		}
	}
	if (p->nmap == SW_PAIR_MAX_MAPPINGS)
		return;
	p->map[p->nmap++] = (struct epmap){ role, { *e0, *e1 }, 1, ts, ts };
}

/* The phone's and the server's endpoint in each copy of a match. */
static void learn_mappings(struct sw_pair *p)
{
	p->nmap = 0;
	for (int f = 0; f < 2; f++)
		for (size_t i = 0; i < p->f[f].n; i++)
			p->f[f].r[i].loss = UINT32_MAX;
	struct prec **by0 = sw_calloc(p->nm ? p->nm : 1, sizeof *by0);
	for (size_t i = 0; i < p->f[0].n; i++)
		if (p->f[0].r[i].match != UINT32_MAX)
			by0[p->f[0].r[i].match] = &p->f[0].r[i];
	for (size_t i = 0; i < p->f[1].n; i++) {
		const struct prec *r1 = &p->f[1].r[i];
		if (r1->match == UINT32_MAX || !by0[r1->match])
			continue;
		const struct prec *r0 = by0[r1->match];
		bool up = p->m[r1->match].dir == SW_DIR_TO_SERVER;
		int64_t ts = p->pf == 0 ? r0->ts_ns : r1->ts_ns;
		map_add(p, SW_SIDE_PHONE, up ? &r0->src : &r0->dst, up ? &r1->src : &r1->dst, ts);
		map_add(p, SW_SIDE_SERVER, up ? &r0->dst : &r0->src, up ? &r1->dst : &r1->src, ts);
	}
	free(by0);
}

static bool is_mapped(const struct sw_pair *p, uint8_t role, uint32_t file,
		      const struct sw_addr *ep, bool ip_only)
{
	for (size_t i = 0; i < p->nmap; i++) {
		const struct epmap *x = &p->map[i];
		if (x->role != role)
			continue;
		if (ip_only ? sw_ip_eq(&x->ep[file], ep) : sw_addr_eq(&x->ep[file], ep))
			return true;
	}
	return false;
}

/* Directions again, from the mappings: a message from a phone endpoint goes
 * to the server, one to it goes to the phone (matched ones keep theirs). */
static void refine_dirs(struct sw_pair *p)
{
	for (uint32_t f = 0; f < 2; f++)
		for (size_t i = 0; i < p->f[f].n; i++) {
			struct prec *r = &p->f[f].r[i];
			if (r->match != UINT32_MAX) {
				r->dir = p->m[r->match].dir;
				continue;
			}
			bool ip_only = f == p->pf;
			if (is_mapped(p, SW_SIDE_PHONE, f, &r->src, ip_only))
				r->dir = SW_DIR_TO_SERVER;
			else if (is_mapped(p, SW_SIDE_PHONE, f, &r->dst, ip_only))
				r->dir = SW_DIR_TO_PHONE;
			else
				r->dir = DIR_OTHER;
		}
}

/* Is r (in file f) on a flow between the mapped phone and server endpoints?
 * On the phone side the phone may change its local port, so its address
 * alone counts; on the server side the public address is shared by other
 * phones behind the same NAT, so address and port must both match. */
static bool on_path(const struct sw_pair *p, uint32_t f, const struct prec *r)
{
	if (r->dir == DIR_OTHER)
		return false;
	const struct sw_addr *phone = r->dir == SW_DIR_TO_SERVER ? &r->src : &r->dst;
	const struct sw_addr *server = r->dir == SW_DIR_TO_SERVER ? &r->dst : &r->src;
	if (!is_mapped(p, SW_SIDE_SERVER, f, server, false))
		return false;
	return is_mapped(p, SW_SIDE_PHONE, f, phone, f == p->pf);
}

/* ---- roles -------------------------------------------------------------------------- */

static void decide_roles(struct sw_pair *p, int64_t spread)
{
	int vote[3] = { 0, 0, 0 }; /* per cue: +1 file 0 is the phone side, -1 file 1, 0 none */
	/* The phone's endpoint in the two copies of each match: private on
	 * one side only (RFC 1918, RFC 6598) for most matches. */
	const struct prec **by1 = sw_calloc(p->nm ? p->nm : 1, sizeof *by1);
	for (size_t i = 0; i < p->f[1].n; i++)
		if (p->f[1].r[i].match != UINT32_MAX)
			by1[p->f[1].r[i].match] = &p->f[1].r[i];
	uint32_t priv0 = 0, priv1 = 0, nm = 0;
	for (size_t i = 0; i < p->f[0].n; i++) {
		const struct prec *r0 = &p->f[0].r[i];
		if (r0->match == UINT32_MAX || !by1[r0->match])
			continue;
		const struct prec *r1 = by1[r0->match];
		bool up = p->m[r0->match].dir == SW_DIR_TO_SERVER;
		bool a = sw_ip_is_private(up ? &r0->src : &r0->dst);
		bool b = sw_ip_is_private(up ? &r1->src : &r1->dst);
		nm++;
		priv0 += a && !b;
		priv1 += b && !a;
	}
	free(by1);
	if (priv0 * 2 > nm && !priv1)
		vote[0] = 1;
	else if (priv1 * 2 > nm && !priv0)
		vote[0] = -1;
	/* Via sent-by = packet source holds before the NAT, not after it */
	uint32_t n = 0, v0 = 0, v1 = 0;
	for (size_t i = 0; i < p->f[0].n; i++) {
		const struct prec *r0 = &p->f[0].r[i];
		if (r0->match == UINT32_MAX || !r0->is_request ||
		    p->m[r0->match].dir != SW_DIR_TO_SERVER)
			continue;
		n++;
		v0 += r0->via_is_src;
	}
	for (size_t i = 0; i < p->f[1].n; i++) {
		const struct prec *r1 = &p->f[1].r[i];
		if (r1->match != UINT32_MAX && r1->is_request &&
		    p->m[r1->match].dir == SW_DIR_TO_SERVER)
			v1 += r1->via_is_src;
	}
	if (n) {
		if (v0 * 5 >= n * 4 && v1 * 5 <= n)
			vote[1] = 1;
		else if (v1 * 5 >= n * 4 && v0 * 5 <= n)
			vote[1] = -1;
	}
	/* The phone's messages reach the server later than they left, the
	 * server's reach the phone later: half > 0 when file 0 is the phone's. */
	const struct sw_pair_offset *o = &p->sum.offset;
	if (o->known && !o->one_direction) {
		int64_t h = p->half < 0 ? -p->half : p->half;
		if (h > 2 * spread && h >= 2000)
			vote[2] = p->half > 0 ? 1 : -1;
	}
	int sum = vote[0] + vote[1] + vote[2];
	uint32_t phone;
	if (p->sides_given)
		phone = p->given_phone_file;
	else
		phone = sum < 0 ? 1 : 0;
	int want = phone == 0 ? 1 : -1;
	unsigned cue[3] = { SW_CUE_PRIVATE, SW_CUE_VIA, SW_CUE_TIMING };
	unsigned fo = 0, ag = 0;
	int nfor = 0, nag = 0;
	for (int c = 0; c < 3; c++) {
		if (vote[c] == want) {
			fo |= cue[c];
			nfor++;
		} else if (vote[c]) {
			ag |= cue[c];
			nag++;
		}
	}
	p->sum.cues_for = fo;
	p->sum.cues_against = ag;
	if (p->sides_given)
		p->sum.confidence = SW_CONF_GIVEN;
	else if (!nfor)
		p->sum.confidence = SW_CONF_NONE;
	else if (nag)
		p->sum.confidence = SW_CONF_LOW;
	else
		p->sum.confidence = nfor >= 2 ? SW_CONF_HIGH : SW_CONF_MEDIUM;
	p->pf = phone;
	p->sf = 1 - phone;
	p->sum.file[SW_SIDE_PHONE] = p->pf;
	p->sum.file[SW_SIDE_SERVER] = p->sf;
}

/* ---- losses ------------------------------------------------------------------------ */

struct lossent {
	int64_t ts_phone;             /* on the phone side's clock, for ordering */
	uint32_t file, idx;
};

static int lossent_cmp(const void *x, const void *y)
{
	const struct lossent *a = x, *b = y;
	if (a->ts_phone != b->ts_phone)
		return a->ts_phone < b->ts_phone ? -1 : 1;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Unmatched messages on the path: lost when they left the sender's side and
 * would have reached the receiver's side within its capture's span; outside
 * the span they prove nothing. The receiver's capture was running from its
 * first message to its last, so the margin inside that span only covers the
 * uncertainty of the expected time: the spread of the estimate and the
 * one-way delay (twice: with one direction only it is not known). */
static void find_losses(struct sw_pair *p)
{
	struct sw_pair_summary *s = &p->sum;
	struct lossent *le = NULL;
	size_t nle = 0, cap = 0;
	int64_t off = s->offset.offset_ns;
	int64_t delay = s->offset.delay_ns < 0 ? -s->offset.delay_ns : s->offset.delay_ns;
	int64_t edge = sw_ns_add(sw_ns_add(delay, delay), s->offset.spread_ns > SEC ? 4 * SEC
									   : 4 * s->offset.spread_ns);
	if (edge < EDGE_MIN_NS)
		edge = EDGE_MIN_NS;
	for (uint32_t f = 0; f < 2; f++) {
		const struct pfile *me = &p->f[f], *other = &p->f[1 - f];
		for (size_t i = 0; i < me->n; i++) {
			struct prec *r = &me->r[i];
			if (r->match != UINT32_MAX || !on_path(p, f, r))
				continue;
			bool sender = (f == p->pf) == (r->dir == SW_DIR_TO_SERVER);
			/* expected time on the other file's clock */
			int64_t d = expected(p, r->dir);
			int64_t exp = f == 0 ? sw_ns_add(r->ts_ns, d) : sw_ns_sub(r->ts_ns, d);
			bool inside = exp >= sw_ns_add(other->first_ns, edge) &&
				      exp <= sw_ns_sub(other->last_ns, edge);
			if (!sender) {
				if (inside)
					s->unsent[r->dir]++;
				continue;
			}
			if (!inside) {
				s->outside_window[r->dir]++;
				continue;
			}
			if (nle == cap) {
				cap = cap ? cap * 2 : 64;
				le = sw_realloc(le, cap * sizeof *le);
			}
			le[nle++] = (struct lossent){ f == p->pf ? r->ts_ns : sw_ns_sub(r->ts_ns, off), f,
						      (uint32_t)i };
		}
	}
	sort_n(le, nle, sizeof *le, lossent_cmp);
	p->l = nle ? sw_calloc(nle, sizeof *p->l) : NULL;
	for (size_t k = 0; k < nle; k++) {
		struct prec *r = &p->f[le[k].file].r[le[k].idx];
		struct sw_pair_loss *l = &p->l[k];
		l->id = (uint32_t)k;
		l->dir = r->dir;
		l->side = le[k].file == p->pf ? SW_SIDE_PHONE : SW_SIDE_SERVER;
		l->label = r->label;
		l->cseq = r->cseq;
		l->account = r->account;
		copy_of(p, le[k].file, r, &l->copy);
		int64_t d = expected(p, r->dir);
		l->expected_ns = le[k].file == 0 ? sw_ns_add(r->ts_ns, d) : sw_ns_sub(r->ts_ns, d);
		r->loss = (uint32_t)k;
		s->lost[r->dir]++;
	}
	p->nl = nle;
	free(le);
}

/* ---- the matching run ------------------------------------------------------------------ */

struct mkey {
	int64_t ts;
	uint64_t frame;
	uint32_t idx;
};

static int mkey_cmp(const void *x, const void *y)
{
	const struct mkey *a = x, *b = y;
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	if (a->frame != b->frame)
		return a->frame < b->frame ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Puts the matches in the phone side's capture order; ids follow. */
static void order_matches(struct sw_pair *p)
{
	if (!p->nm)
		return;
	struct mkey *k = sw_malloc(p->nm * sizeof *k);
	for (size_t i = 0; i < p->nm; i++)
		k[i] = (struct mkey){ p->m[i].copy[SW_SIDE_PHONE].ts_ns,
				      p->m[i].copy[SW_SIDE_PHONE].frame_no, (uint32_t)i };
	sort_n(k, p->nm, sizeof *k, mkey_cmp);
	uint32_t *pos = sw_malloc(p->nm * sizeof *pos);
	struct sw_pair_match *m = sw_malloc(p->nm * sizeof *m);
	for (size_t i = 0; i < p->nm; i++) {
		pos[k[i].idx] = (uint32_t)i;
		m[i] = p->m[k[i].idx];
		m[i].id = (uint32_t)i;
	}
	for (int f = 0; f < 2; f++)
		for (size_t i = 0; i < p->f[f].n; i++)
			if (p->f[f].r[i].match != UINT32_MAX)
				p->f[f].r[i].match = pos[p->f[f].r[i].match];
	free(p->m);
	p->m = m;
	free(pos);
	free(k);
}

/* One matching pass over the records selected by `want`, keyed by keya or
 * keyb: estimate (when asked) then align on time. */
static size_t collect(struct sw_pair *p, bool keyb, bool (*want)(struct sw_pair *, uint32_t,
								  const struct prec *),
		      struct ent **out)
{
	size_t n = 0;
	struct ent *e = sw_malloc((p->f[0].n + p->f[1].n + 1) * sizeof *e);
	for (uint32_t f = 0; f < 2; f++)
		for (size_t i = 0; i < p->f[f].n; i++) {
			const struct prec *r = &p->f[f].r[i];
			if (want && !want(p, f, r))
				continue;
			e[n++] = (struct ent){ keyb ? r->keyb : r->keya, f, (uint32_t)i, r->ts_ns };
		}
	*out = e;
	return n;
}

static bool want_leftover(struct sw_pair *p, uint32_t f, const struct prec *r)
{
	return r->match == UINT32_MAX && on_path(p, f, r);
}

static void set_unrelated(struct sw_pair *p, enum sw_pair_status st, const char *why)
{
	for (size_t i = 0; i < p->nm; i++)
		sw_pair_diff_free(&p->m[i]);
	p->nm = 0;
	for (int f = 0; f < 2; f++)
		for (size_t i = 0; i < p->f[f].n; i++)
			p->f[f].r[i].match = UINT32_MAX;
	p->sum.status = st;
	p->sum.reason = why;
	p->sum.matched = 0;
}

static void fill_summary_spans(struct sw_pair *p)
{
	struct sw_pair_summary *s = &p->sum;
	for (int side = 0; side < 2; side++) {
		const struct pfile *f = &p->f[side == SW_SIDE_PHONE ? p->pf : p->sf];
		s->file[side] = side == SW_SIDE_PHONE ? p->pf : p->sf;
		s->messages[side] = f->n;
		s->not_recorded[side] = f->not_recorded;
		s->first_ns[side] = f->n ? f->first_ns : 0;
		s->last_ns[side] = f->n ? f->last_ns : 0;
	}
}

bool sw_pair_match_all(struct sw_pair *p)
{
	struct sw_pair_summary *s = &p->sum;
	p->pf = p->sides_given ? p->given_phone_file : 0;
	p->sf = 1 - p->pf;
	for (int f = 0; f < 2; f++) {
		find_ends(&p->f[f]);
		for (size_t i = 0; i < p->f[f].n; i++)
			p->f[f].r[i].dir = dir_in_file(&p->f[f], &p->f[f].r[i]);
	}
	fill_summary_spans(p);
	if (!p->f[0].n || !p->f[1].n) {
		set_unrelated(p, SW_PAIR_UNRELATED, N_("one of the two files has no SIP message"));
		return false;
	}

	/* Pass A: Call-ID, CSeq, method or status, top Via branch. */
	struct ent *e;
	size_t ne = collect(p, false, NULL, &e);
	struct grp *g;
	size_t ng = make_groups(e, ne, &g);
	for (size_t i = 0; i < ng; i++) {
		for (uint32_t k = 0; k < g[i].n0; k++)
			rec(p, &g[i].e[k])->copy_no = k;
		for (uint32_t k = 0; k < g[i].n1; k++)
			rec(p, &g[i].e[g[i].n0 + k])->copy_no = k;
	}
	/* First estimate from groups with as many copies on each side (ranks
	 * pair up whatever the offset), else from every group's ranks. */
	struct samples smp = { { NULL, NULL }, { 0, 0 }, { 0, 0 } };
	for (size_t i = 0; i < ng; i++)
		if (g[i].n0 == g[i].n1)
			align(p, &g[i], true, link_tmp, &smp);
	if (!smp.n[0] && !smp.n[1])
		for (size_t i = 0; i < ng; i++)
			align(p, &g[i], true, link_tmp, &smp);
	clear_tmp(p);
	int64_t spread = 0;
	bool one_dir = false;
	if (!estimate(&smp, &p->off01, &p->half, &spread, &one_dir)) {
		samples_free(&smp);
		free(g);
		free(e);
		set_unrelated(p, SW_PAIR_UNRELATED, N_("no message appears in both files"));
		return false;
	}
	/* Refine twice on time-aligned copies. */
	for (int it = 0; it < 2; it++) {
		p->tol_ns = tolerance(spread);
		samples_free(&smp);
		for (size_t i = 0; i < ng; i++)
			align(p, &g[i], false, link_tmp, &smp);
		clear_tmp(p);
		if (!estimate(&smp, &p->off01, &p->half, &spread, &one_dir))
			break;
	}
	p->tol_ns = tolerance(spread);
	s->offset.samples[0] = (uint32_t)smp.n[0];
	s->offset.samples[1] = (uint32_t)smp.n[1];
	samples_free(&smp);
	size_t mcap = 0;
	for (size_t i = 0; i < ng; i++)
		align(p, &g[i], false, link_final, &mcap);
	free(g);
	free(e);

	size_t small = p->f[0].n < p->f[1].n ? p->f[0].n : p->f[1].n;
	if (p->nm < MIN_MATCHES || p->nm < small / MIN_SHARE_DIV) {
		set_unrelated(p, SW_PAIR_UNRELATED, N_("too few messages appear in both files"));
		return false;
	}
	/* The same packets twice? */
	bool same = p->f[0].n == p->f[1].n && p->nm == p->f[0].n;
	for (size_t i = 0; same && i < p->f[0].n; i++) {
		const struct prec *r0 = &p->f[0].r[i];
		same = r0->match != UINT32_MAX;
	}
	if (same && p->off01 == 0 && p->half == 0 && spread == 0) {
		bool addr_same = true;
		for (size_t i = 0; addr_same && i < p->f[1].n; i++) {
			const struct prec *r1 = &p->f[1].r[i];
			addr_same = sw_addr_eq(&r1->src, &p->f[0].r[i].src) &&
				    sw_addr_eq(&r1->dst, &p->f[0].r[i].dst);
		}
		if (addr_same) {
			set_unrelated(p, SW_PAIR_IDENTICAL, N_("the two files hold the same packets"));
			return false;
		}
	}

	s->offset.known = true;
	s->offset.one_direction = one_dir;
	s->offset.spread_ns = spread;
	decide_roles(p, spread);
	s->offset.offset_ns = p->pf == 0 ? p->off01 : -p->off01;
	s->offset.delay_ns = p->pf == 0 ? p->half : -p->half;
	learn_mappings(p);
	refine_dirs(p);

	/* Pass B: what pass A left on the mapped flows, without the Via branch
	 * and the Call-ID's host part (an ALG may rewrite them). */
	ne = collect(p, true, want_leftover, &e);
	ng = make_groups(e, ne, &g);
	for (size_t i = 0; i < ng; i++)
		align(p, &g[i], false, link_final, &mcap);
	free(g);
	free(e);
	learn_mappings(p);
	refine_dirs(p);

	finish_matches(p);
	order_matches(p);
	s->status = SW_PAIR_PAIRED;
	s->matched = (uint32_t)p->nm;
	fill_summary_spans(p);
	for (size_t i = 0; i < p->nm; i++)
		s->delivered[p->m[i].dir]++;
	find_losses(p);
	/* Public mappings: the phone's always, the server's when translated. */
	for (size_t i = 0; i < p->nmap; i++) {
		const struct epmap *x = &p->map[i];
		if (x->role == SW_SIDE_SERVER && sw_addr_eq(&x->ep[0], &x->ep[1]))
			continue;
		p->pubmap[p->npubmap++] = (struct sw_pair_mapping){
			x->role, x->ep[p->pf], x->ep[p->sf], x->messages, x->first_ns, x->last_ns
		};
	}
	return true;
}

