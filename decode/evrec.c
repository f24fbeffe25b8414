/* SPDX-License-Identifier: BSD-2-Clause */
/* Self-contained copies of decode events (decode/evrec.h): the event, the SIP
 * message or DNS answer it points to, and the bytes of every slice, relocated
 * into one block. */
#include "decode/evrec.h"

#include <string.h>

/* Calls fn on every slice of a SIP message (RFC 3261 fields as in sip.h).
 * Keep in step with struct sw_sip_msg: a slice missed here would point into
 * the decoder's buffers from another thread (tests/unit/test_evrec.c checks
 * that every slice of a packed message lies inside the record). */
typedef void (*slice_fn)(void *ctx, struct sw_str *s);

/* The visitors are inlined where they are called with a known fn (sizing,
 * moving), so each slice costs a direct, inlined step, not a call through
 * a pointer. */
#define VISITOR static inline __attribute__((always_inline)) void

VISITOR uri_slices(struct sw_sip_uri *u, slice_fn fn, void *ctx)
{
	fn(ctx, &u->raw);
	fn(ctx, &u->scheme);
	fn(ctx, &u->user);
	fn(ctx, &u->host);
	fn(ctx, &u->transport);
}

VISITOR nameaddr_slices(struct sw_sip_nameaddr *na, slice_fn fn, void *ctx)
{
	fn(ctx, &na->display);
	uri_slices(&na->uri, fn, ctx);
	fn(ctx, &na->tag);
}

VISITOR auth_slices(struct sw_sip_auth *a, slice_fn fn, void *ctx)
{
	fn(ctx, &a->scheme);
	fn(ctx, &a->realm);
	fn(ctx, &a->username);
	fn(ctx, &a->nonce);
	fn(ctx, &a->uri);
	fn(ctx, &a->algorithm);
	fn(ctx, &a->qop);
}

VISITOR sip_slices(struct sw_sip_msg *m, slice_fn fn, void *ctx)
{
	fn(ctx, &m->method);
	uri_slices(&m->ruri, fn, ctx);
	fn(ctx, &m->reason);
	fn(ctx, &m->call_id);
	fn(ctx, &m->cseq_method);
	nameaddr_slices(&m->from, fn, ctx);
	nameaddr_slices(&m->to, fn, ctx);
	for (size_t i = 0; i < m->n_via && i < SW_SIP_MAX_VIAS; i++) {
		struct sw_sip_via *v = &m->via[i];
		fn(ctx, &v->protocol);
		fn(ctx, &v->host);
		fn(ctx, &v->branch);
		fn(ctx, &v->received);
	}
	for (size_t i = 0; i < m->n_contact && i < SW_SIP_MAX_CONTACTS; i++) {
		uri_slices(&m->contact[i].uri, fn, ctx);
		fn(ctx, &m->contact[i].instance);
	}
	fn(ctx, &m->user_agent);
	fn(ctx, &m->server);
	fn(ctx, &m->warning);
	fn(ctx, &m->reason_hdr);
	fn(ctx, &m->supported);
	fn(ctx, &m->require);
	fn(ctx, &m->content_type);
	fn(ctx, &m->record_route);
	fn(ctx, &m->record_route_last);
	fn(ctx, &m->route);
	auth_slices(&m->www_auth, fn, ctx);
	auth_slices(&m->proxy_auth, fn, ctx);
	auth_slices(&m->authorization, fn, ctx);
	auth_slices(&m->proxy_authz, fn, ctx);
	fn(ctx, &m->sdp.origin_addr);
	fn(ctx, &m->sdp.conn_addr);
	for (size_t i = 0; i < m->sdp.n_media && i < SW_SIP_MAX_MEDIA; i++) {
		fn(ctx, &m->sdp.media[i].media);
		fn(ctx, &m->sdp.media[i].proto);
		fn(ctx, &m->sdp.media[i].conn);
	}
	/* m->raw last: the others are placed relative to it. */
}

VISITOR bad_slices(struct sw_ev *ev, slice_fn fn, void *ctx)
{
	fn(ctx, &ev->u.bad.raw);
	fn(ctx, &ev->u.bad.reason);
	fn(ctx, &ev->u.bad.call_id);
	fn(ctx, &ev->u.bad.first_line);
}

VISITOR icmp_slices(struct sw_ev *ev, slice_fn fn, void *ctx)
{
	fn(ctx, &ev->u.icmp.quoted_payload);
	fn(ctx, &ev->u.icmp.quoted_method);
	fn(ctx, &ev->u.icmp.quoted_call_id);
	fn(ctx, &ev->u.icmp.quoted_branch);
}

static size_t align_up(size_t n)
{
	return (n + SW_EVREC_ALIGN - 1) & ~(size_t)(SW_EVREC_ALIGN - 1);
}

/* Slices inside `base` (the message text, or the payload an ICMP error or a
 * malformed message carries) move with it; any other slice is copied. */
struct reloc {
	const char *base;     /* original block, NULL when none */
	size_t base_len;
	char *new_base;       /* its copy in the record */
	char *out;            /* next free byte for other slices */
	size_t extra;         /* sizing pass: bytes of other slices */
};

static bool inside(const struct reloc *r, struct sw_str s)
{
	return r->base && s.p >= r->base && (size_t)(s.p - r->base) <= r->base_len &&
	       s.len <= r->base_len - (size_t)(s.p - r->base);
}

static inline void size_slice(void *ctx, struct sw_str *s)
{
	struct reloc *r = ctx;
	if (s->p && !inside(r, *s))
		r->extra += s->len;
}

static inline void move_slice(void *ctx, struct sw_str *s)
{
	struct reloc *r = ctx;
	if (!s->p)
		return;
	if (inside(r, *s)) {
		s->p = r->new_base + (s->p - r->base);
		return;
	}
	if (s->len)
		memcpy(r->out, s->p, s->len);
	s->p = r->out;
	r->out += s->len;
}

/* The block that most slices of ev point into. */
static struct sw_str base_of(const struct sw_ev *ev)
{
	switch (ev->type) {
	case SW_EV_SIP:
		return ev->u.sip->raw;
	case SW_EV_SIP_BAD:
	case SW_EV_SIP_RAW:
		return ev->u.bad.raw;
	case SW_EV_ICMP:
		return ev->u.icmp.quoted_payload;
	default:
		return SW_STR_NULL;
	}
}

VISITOR visit(struct sw_ev *ev, struct sw_sip_msg *m, slice_fn fn, void *ctx)
{
	if (ev->type == SW_EV_SIP)
		sip_slices(m, fn, ctx);
	else if (ev->type == SW_EV_SIP_BAD || ev->type == SW_EV_SIP_RAW)
		bad_slices(ev, fn, ctx);
	else if (ev->type == SW_EV_ICMP)
		icmp_slices(ev, fn, ctx);
}

/* The parser leaves Via, Contact and media entries past the counts as they
 * were (decode/sip_osip.c msg_init): a record holds no such leftovers, no
 * pointer into a buffer it does not own. */
static void clear_unused(struct sw_sip_msg *m)
{
	if (m->n_via < SW_SIP_MAX_VIAS)
		memset(&m->via[m->n_via], 0, (SW_SIP_MAX_VIAS - m->n_via) * sizeof m->via[0]);
	if (m->n_contact < SW_SIP_MAX_CONTACTS)
		memset(&m->contact[m->n_contact], 0,
		       (SW_SIP_MAX_CONTACTS - m->n_contact) * sizeof m->contact[0]);
	if (m->sdp.n_media < SW_SIP_MAX_MEDIA)
		memset(&m->sdp.media[m->sdp.n_media], 0,
		       (SW_SIP_MAX_MEDIA - m->sdp.n_media) * sizeof m->sdp.media[0]);
}

size_t sw_evrec_size(const struct sw_ev *ev)
{
	size_t n = align_up(sizeof(struct sw_ev));
	struct sw_str base = base_of(ev);
	struct reloc r = { .base = base.p, .base_len = base.len };
	if (ev->type == SW_EV_SIP) {
		n += align_up(sizeof(struct sw_sip_msg));
		sip_slices((struct sw_sip_msg *)ev->u.sip, size_slice, &r); /* reads only */
	} else if (ev->type == SW_EV_DNS) {
		n += align_up(sizeof(struct sw_dns));
	} else {
		struct sw_ev copy = *ev;
		visit(&copy, NULL, size_slice, &r);
	}
	/* The base block is itself one of the slices visited when it is not
	 * SIP's raw (bad.raw, quoted_payload): counted once, as the base. */
	return n + align_up(base.len + 1) + align_up(r.extra);
}

size_t sw_evrec_pack(const struct sw_ev *ev, void *dst, size_t cap)
{
	size_t need = sw_evrec_size(ev);
	if (cap < need)
		return 0;
	return sw_evrec_pack_sized(ev, dst, need);
}

size_t sw_evrec_pack_sized(const struct sw_ev *ev, void *dst, size_t need)
{
	char *d = dst;
	struct sw_ev *e = (struct sw_ev *)d;
	*e = *ev;
	size_t off = align_up(sizeof(struct sw_ev));
	struct sw_sip_msg *m = NULL;
	if (ev->type == SW_EV_SIP) {
		m = (struct sw_sip_msg *)(d + off);
		*m = *ev->u.sip;
		clear_unused(m);
		e->u.sip = m;
		off += align_up(sizeof(struct sw_sip_msg));
	} else if (ev->type == SW_EV_DNS) {
		struct sw_dns *dns = (struct sw_dns *)(d + off);
		*dns = *ev->u.dns;
		e->u.dns = dns;
		off += align_up(sizeof(struct sw_dns));
	}
	struct sw_str base = base_of(ev);
	struct reloc r = { .base = base.p, .base_len = base.len, .new_base = d + off };
	if (base.len)
		memcpy(d + off, base.p, base.len);
	d[off + base.len] = '\0'; /* as the parser's copy: a guard no scan relies on */
	off += align_up(base.len + 1);
	r.out = d + off;
	visit(e, m, move_slice, &r);
	if (m)
		move_slice(&r, &m->raw);
	return need;
}
