/* SPDX-License-Identifier: BSD-2-Clause */
/* Frame builders and an event recorder for the decode tests. */
#include "tests/unit/decode/pktbuild.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t pool[1u << 23];
static size_t pool_used;

const uint8_t tb_mac_src[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};
const uint8_t tb_mac_dst[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x14};

void tb_reset(void)
{
	pool_used = 0;
}

struct tb tb_new(size_t n)
{
	if (pool_used + n > sizeof pool) {
		fprintf(stderr, "test pool exhausted\n");
		abort();
	}
	struct tb b = {pool + pool_used, n};
	memset(b.p, 0, n);
	pool_used += (n + 7) & ~(size_t)7;
	return b;
}

struct tb tb_raw(const void *p, size_t n)
{
	struct tb b = tb_new(n);
	if (n)
		memcpy(b.p, p, n);
	return b;
}

struct tb tb_str(const char *s)
{
	return tb_raw(s, strlen(s));
}

struct tb tb_cat(struct tb a, struct tb b)
{
	struct tb c = tb_new(a.n + b.n);
	if (a.n)
		memcpy(c.p, a.p, a.n);
	if (b.n)
		memcpy(c.p + a.n, b.p, b.n);
	return c;
}

struct tb tb_sub(struct tb a, size_t off, size_t n)
{
	return tb_raw(a.p + off, n);
}

static void w16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void w32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static struct tb hdr(size_t n, struct tb pl, uint8_t **h)
{
	struct tb b = tb_new(n + pl.n);
	if (pl.n)
		memcpy(b.p + n, pl.p, pl.n);
	*h = b.p;
	return b;
}

struct tb tb_udp(uint16_t sport, uint16_t dport, struct tb pl)
{
	uint8_t *h;
	struct tb b = hdr(8, pl, &h);
	w16(h, sport);
	w16(h + 2, dport);
	w16(h + 4, (uint32_t)b.n);
	return b;
}

struct tb tb_tcp(uint16_t sport, uint16_t dport, uint32_t seq, uint8_t flags, struct tb pl)
{
	uint8_t *h;
	struct tb b = hdr(20, pl, &h);
	w16(h, sport);
	w16(h + 2, dport);
	w32(h + 4, seq);
	h[12] = 5 << 4;
	h[13] = flags;
	w16(h + 14, 65535);
	return b;
}

struct tb tb_sctp_data(uint16_t sport, uint16_t dport, uint8_t flags, struct tb pl)
{
	size_t clen = 16 + pl.n, pad = (4 - clen % 4) % 4;
	struct tb b = tb_new(12 + clen + pad);
	w16(b.p, sport);
	w16(b.p + 2, dport);
	b.p[12] = 0; /* DATA */
	b.p[13] = flags;
	w16(b.p + 14, (uint32_t)clen);
	w32(b.p + 16, 1); /* TSN */
	w32(b.p + 24, 0); /* PPID */
	memcpy(b.p + 28, pl.p, pl.n);
	return b;
}

struct tb tb_ip4x(const char *src, const char *dst, uint8_t proto, uint16_t id, uint16_t frag,
                  struct tb pl)
{
	uint8_t *h;
	struct tb b = hdr(20, pl, &h);
	h[0] = 0x45;
	w16(h + 2, (uint32_t)b.n);
	w16(h + 4, id);
	w16(h + 6, frag);
	h[8] = 64;
	h[9] = proto;
	inet_pton(AF_INET, src, h + 12);
	inet_pton(AF_INET, dst, h + 16);
	return b;
}

struct tb tb_ip4(const char *src, const char *dst, uint8_t proto, struct tb pl)
{
	return tb_ip4x(src, dst, proto, 1, 0, pl);
}

struct tb tb_ip6(const char *src, const char *dst, uint8_t nh, struct tb pl)
{
	uint8_t *h;
	struct tb b = hdr(40, pl, &h);
	h[0] = 0x60;
	w16(h + 4, (uint32_t)pl.n);
	h[6] = nh;
	h[7] = 64;
	inet_pton(AF_INET6, src, h + 8);
	inet_pton(AF_INET6, dst, h + 24);
	return b;
}

struct tb tb_ip6ext(uint8_t nh, struct tb pl)
{
	uint8_t *h;
	struct tb b = hdr(8, pl, &h);
	h[0] = nh;
	h[1] = 0;
	h[2] = 1; /* PadN option */
	h[3] = 4;
	return b;
}

struct tb tb_ip6frag(uint8_t nh, uint32_t id, uint16_t offset, bool more, struct tb pl)
{
	uint8_t *h;
	struct tb b = hdr(8, pl, &h);
	h[0] = nh;
	w16(h + 2, (uint32_t)(offset & 0xFFF8) | (more ? 1u : 0u));
	w32(h + 4, id);
	return b;
}

struct tb tb_eth(uint16_t type, struct tb pl)
{
	uint8_t *h;
	struct tb b = hdr(14, pl, &h);
	memcpy(h, tb_mac_dst, 6);
	memcpy(h + 6, tb_mac_src, 6);
	w16(h + 12, type);
	return b;
}

struct tb tb_vlan(uint16_t id, uint16_t type, struct tb pl)
{
	uint8_t *h;
	struct tb b = hdr(4, pl, &h);
	w16(h, (5u << 13) | id);
	w16(h + 2, type);
	return b;
}

struct tb tb_pppoe(uint16_t ppp_proto, struct tb pl)
{
	uint8_t *h;
	struct tb b = hdr(8, pl, &h);
	h[0] = 0x11;
	h[1] = 0;
	w16(h + 2, 0x1234);
	w16(h + 4, (uint32_t)pl.n + 2);
	w16(h + 6, ppp_proto);
	return b;
}

struct tb tb_sll(uint16_t proto, struct tb pl)
{
	uint8_t *h;
	struct tb b = hdr(16, pl, &h);
	w16(h, 0);     /* to us */
	w16(h + 2, 1); /* ARPHRD_ETHER */
	w16(h + 4, 6);
	memcpy(h + 6, tb_mac_src, 6);
	w16(h + 14, proto);
	return b;
}

struct tb tb_sll2(uint16_t proto, struct tb pl)
{
	uint8_t *h;
	struct tb b = hdr(20, pl, &h);
	w16(h, proto);
	w32(h + 4, 2); /* ifindex */
	w16(h + 8, 1);
	h[10] = 0;
	h[11] = 6;
	memcpy(h + 12, tb_mac_src, 6);
	return b;
}

struct tb tb_null(uint32_t af, bool big_endian, struct tb pl)
{
	uint8_t *h;
	struct tb b = hdr(4, pl, &h);
	if (big_endian) {
		w32(h, af);
	} else {
		h[0] = (uint8_t)af;
		h[1] = (uint8_t)(af >> 8);
		h[2] = (uint8_t)(af >> 16);
		h[3] = (uint8_t)(af >> 24);
	}
	return b;
}

struct tb tb_gre(uint16_t flags, uint16_t proto, struct tb pl)
{
	size_t n = 4;
	if (flags & 0x8000)
		n += 4;
	if (flags & 0x2000)
		n += 4;
	if (flags & 0x1000)
		n += 4;
	uint8_t *h;
	struct tb b = hdr(n, pl, &h);
	w16(h, flags);
	w16(h + 2, proto);
	return b;
}

struct tb tb_icmp(uint8_t type, uint8_t code, uint32_t rest, struct tb quoted)
{
	uint8_t *h;
	struct tb b = hdr(8, quoted, &h);
	h[0] = type;
	h[1] = code;
	w32(h + 4, rest);
	return b;
}

struct tb tb_icmp6(uint8_t type, uint8_t code, uint32_t rest, struct tb quoted)
{
	return tb_icmp(type, code, rest, quoted);
}

struct tb tb_register(int cseq, const char *call_id, const char *body)
{
	char buf[4096];
	size_t bl = body ? strlen(body) : 0;
	int n = snprintf(buf, sizeof buf,
	                 "REGISTER sip:example.com SIP/2.0\r\n"
	                 "Via: SIP/2.0/UDP 192.0.2.10:5060;rport;branch=z9hG4bK-%d\r\n"
	                 "Max-Forwards: 70\r\n"
	                 "From: <sip:alice@example.com>;tag=a1\r\n"
	                 "To: <sip:alice@example.com>\r\n"
	                 "Call-ID: %s\r\n"
	                 "CSeq: %d REGISTER\r\n"
	                 "Contact: <sip:alice@192.0.2.10:5060>\r\n"
	                 "Expires: 3600\r\n"
	                 "Content-Length: %zu\r\n\r\n%s",
	                 cseq, call_id, cseq, bl, body ? body : "");
	return tb_raw(buf, (size_t)n);
}

struct tb tb_ok(int cseq, const char *call_id)
{
	char buf[2048];
	int n =
	    snprintf(buf, sizeof buf,
	             "SIP/2.0 200 OK\r\n"
	             "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-%d;received=192.0.2.10\r\n"
	             "From: <sip:alice@example.com>;tag=a1\r\n"
	             "To: <sip:alice@example.com>;tag=b2\r\n"
	             "Call-ID: %s\r\n"
	             "CSeq: %d REGISTER\r\n"
	             "Contact: <sip:alice@192.0.2.10:5060>;expires=3600\r\n"
	             "Content-Length: 0\r\n\r\n",
	             cseq, call_id, cseq);
	return tb_raw(buf, (size_t)n);
}

static void copy_str(char *dst, size_t cap, struct sw_str s)
{
	size_t n = s.len < cap - 1 ? s.len : cap - 1;
	if (n)
		memcpy(dst, s.p, n);
	dst[n] = '\0';
}

void tb_sink(void *user, const struct sw_ev *ev)
{
	struct recs *rs = user;
	if (rs->n == REC_MAX)
		abort();
	struct rec *r = &rs->r[rs->n++];
	memset(r, 0, sizeof *r);
	r->type = ev->type;
	r->pkt = ev->pkt;
	switch (ev->type) {
	case SW_EV_SIP:
		r->is_request = ev->u.sip->is_request;
		copy_str(r->method, sizeof r->method,
		         ev->u.sip->is_request ? ev->u.sip->method : ev->u.sip->cseq_method);
		r->status = ev->u.sip->status;
		copy_str(r->call_id, sizeof r->call_id, ev->u.sip->call_id);
		r->cseq = ev->u.sip->cseq;
		r->raw_len = ev->u.sip->raw.len;
		r->body_len = ev->u.sip->body_len;
		break;
	case SW_EV_SIP_BAD:
		copy_str(r->reason, sizeof r->reason, ev->u.bad.reason);
		copy_str(r->call_id, sizeof r->call_id, ev->u.bad.call_id);
		copy_str(r->first_line, sizeof r->first_line, ev->u.bad.first_line);
		r->raw_len = ev->u.bad.raw.len;
		break;
	case SW_EV_KEEPALIVE:
		r->ka = ev->u.keepalive.kind;
		r->ka_len = ev->u.keepalive.len;
		break;
	case SW_EV_ICMP:
		r->icmp = ev->u.icmp;
		copy_str(r->q_call_id, sizeof r->q_call_id, ev->u.icmp.quoted_call_id);
		copy_str(r->q_branch, sizeof r->q_branch, ev->u.icmp.quoted_branch);
		copy_str(r->q_method, sizeof r->q_method, ev->u.icmp.quoted_method);
		r->icmp.quoted_call_id = r->icmp.quoted_branch = r->icmp.quoted_method =
		    r->icmp.quoted_payload = SW_STR_NULL;
		break;
	case SW_EV_DNS:
		r->dns = *ev->u.dns;
		break;
	case SW_EV_TCP:
		r->tcp = ev->u.tcp.what;
		break;
	case SW_EV_SIP_RAW:
		break; /* no defer set here */
	}
}

void tb_feed(struct sw_decode *d, struct recs *rs, int linktype, struct tb f, uint64_t frame_no,
             int64_t ts_ns)
{
	/* A private copy, so that reads past the end are caught by ASan. */
	uint8_t *copy = malloc(f.n ? f.n : 1);
	if (f.n)
		memcpy(copy, f.p, f.n);
	struct sw_frame fr = {
	    .data = copy,
	    .caplen = (uint32_t)f.n,
	    .wirelen = (uint32_t)f.n,
	    .ts_ns = ts_ns,
	    .linktype = linktype,
	    .frame_no = frame_no,
	};
	sw_decode_frame(d, &fr, tb_sink, rs);
	free(copy);
}

size_t tb_count(const struct recs *rs, enum sw_ev_type t)
{
	size_t n = 0;
	for (size_t i = 0; i < rs->n; i++)
		n += rs->r[i].type == t;
	return n;
}
