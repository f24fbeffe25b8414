/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for the decode stage's network half: every link type, VLAN,
 * PPPoE, tunnels, IPv6 extension headers, fragment reassembly, UDP/TCP/SCTP
 * SIP delivery, WebSocket, ICMP, DNS, keepalives, TLS, and truncation at
 * every offset. Frames are built by hand (pktbuild.c); each test asserts what
 * the analysis stage would see. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode/internal.h"
#include "tests/unit/decode/pktbuild.h"

struct ctx {
	struct sw_decode *d;
	struct recs *rs;
	uint64_t fno;
	int64_t ts;
};

static int setup(void **state)
{
	tb_reset();
	struct ctx *c = calloc(1, sizeof *c);
	c->d = sw_decode_new(NULL);
	c->rs = calloc(1, sizeof *c->rs);
	c->ts = INT64_C(1700000000) * 1000000000;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	sw_decode_free(c->d);
	free(c->rs);
	free(c);
	return 0;
}

#define CTX struct ctx *c = *state
#define ST (sw_decode_get_stats(c->d))

static uint64_t feed_lt(struct ctx *c, int lt, struct tb f)
{
	c->fno++;
	c->ts += 1000000; /* 1 ms apart */
	tb_feed(c->d, c->rs, lt, f, c->fno, c->ts);
	return c->fno;
}

static uint64_t feed(struct ctx *c, struct tb f)
{
	return feed_lt(c, SW_LINK_ETHERNET, f);
}

static void finish(struct ctx *c)
{
	sw_decode_finish(c->d, tb_sink, c->rs);
}

static struct sw_addr ip(const char *s, uint16_t port)
{
	struct sw_addr a;
	memset(&a, 0, sizeof a);
	if (strchr(s, ':')) {
		a.family = 6;
		inet_pton(AF_INET6, s, a.ip);
	} else {
		a.family = 4;
		inet_pton(AF_INET, s, a.ip);
	}
	a.port = port;
	return a;
}

static void assert_addr(struct sw_addr got, const char *s, uint16_t port)
{
	struct sw_addr want = ip(s, port);
	char g[SW_ADDRSTRLEN], w[SW_ADDRSTRLEN];
	if (!sw_addr_eq(&got, &want)) {
		print_error("address %s, want %s\n", sw_addr_fmt(&got, g), sw_addr_fmt(&want, w));
		fail();
	}
}

static struct tb udp4(struct tb pl)
{
	return tb_ip4(TB_A, TB_B, 17, tb_udp(5060, 5060, pl));
}

static struct tb udp6(struct tb pl)
{
	return tb_ip6(TB_A6, TB_B6, 17, tb_udp(5060, 5060, pl));
}

/* One SIP REGISTER event from A:5060 to B:5060 with Call-ID call. */
static void assert_one_register(struct ctx *c, const char *call)
{
	assert_int_equal(c->rs->n, 1);
	const struct rec *r = &c->rs->r[0];
	assert_int_equal(r->type, SW_EV_SIP);
	assert_true(r->is_request);
	assert_string_equal(r->method, "REGISTER");
	assert_string_equal(r->call_id, call);
}

/* ---------------------------------------------------------------- link */

static void ethernet_udp_sip(void **state)
{
	CTX;
	struct tb sip = tb_register(1, "c1@x", NULL);
	uint64_t f = feed(c, tb_eth(0x0800, udp4(sip)));
	assert_one_register(c, "c1@x");
	const struct sw_pkt *p = &c->rs->r[0].pkt;
	assert_int_equal(p->frame_no, f);
	assert_int_equal(p->first_frame_no, f);
	assert_int_equal(p->transport, SW_TP_UDP);
	assert_addr(p->src, TB_A, 5060);
	assert_addr(p->dst, TB_B, 5060);
	assert_true(p->has_mac);
	assert_memory_equal(p->src_mac, tb_mac_src, 6);
	assert_memory_equal(p->dst_mac, tb_mac_dst, 6);
	assert_int_equal(p->n_vlan, 0);
	assert_false(p->ip_reassembled);
	assert_int_equal(p->payload_len, sip.n);
	assert_int_equal(c->rs->r[0].raw_len, sip.n);
	assert_int_equal(ST->frames, 1);
	assert_int_equal(ST->sip, 1);
	assert_int_equal(ST->non_sip, 0);
	assert_int_equal(ST->truncated, 0);
}

static void all_link_types(void **state)
{
	CTX;
	struct tb s4 = udp4(tb_register(1, "l@x", NULL));
	struct tb s6 = udp6(tb_register(1, "l@x", NULL));
	struct {
		int lt;
		struct tb f;
		bool v6, mac;
	} cases[] = {
	    {SW_LINK_NULL, tb_null(2, false, s4), false, false},
	    {SW_LINK_NULL, tb_null(2, true, s4), false, false},
	    {SW_LINK_NULL, tb_null(24, false, s6), true, false},
	    {SW_LINK_NULL, tb_null(28, false, s6), true, false},
	    {SW_LINK_NULL, tb_null(30, false, s6), true, false},
	    {SW_LINK_NULL, tb_null(30, true, s6), true, false},
	    {SW_LINK_LOOP, tb_null(2, true, s4), false, false},
	    {SW_LINK_LOOP, tb_null(24, true, s6), true, false},
	    {SW_LINK_ETHERNET, tb_eth(0x86DD, s6), true, true},
	    {SW_LINK_RAW, s4, false, false},
	    {SW_LINK_RAW, s6, true, false},
	    {12, s4, false, false},
	    {14, s6, true, false},
	    {SW_LINK_IPV4, s4, false, false},
	    {SW_LINK_IPV6, s6, true, false},
	    {SW_LINK_LINUX_SLL, tb_sll(0x0800, s4), false, true},
	    {SW_LINK_LINUX_SLL, tb_sll(0x86DD, s6), true, true},
	    {SW_LINK_LINUX_SLL2, tb_sll2(0x0800, s4), false, true},
	    {SW_LINK_LINUX_SLL2, tb_sll2(0x86DD, s6), true, true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		c->rs->n = 0;
		assert_true(sw_decode_link_supported(cases[i].lt));
		feed_lt(c, cases[i].lt, cases[i].f);
		if (c->rs->n != 1)
			fail_msg("case %zu (linktype %d): %zu events", i, cases[i].lt, c->rs->n);
		const struct sw_pkt *p = &c->rs->r[0].pkt;
		assert_int_equal(c->rs->r[0].type, SW_EV_SIP);
		assert_addr(p->src, cases[i].v6 ? TB_A6 : TB_A, 5060);
		assert_addr(p->dst, cases[i].v6 ? TB_B6 : TB_B, 5060);
		assert_int_equal(p->has_mac, cases[i].mac);
		if (cases[i].mac)
			assert_memory_equal(p->src_mac, tb_mac_src, 6);
	}
	/* Unknown link types and AF values. */
	c->rs->n = 0;
	assert_false(sw_decode_link_supported(147));
	feed_lt(c, 147, s4);
	assert_int_equal(ST->unsupported_link, 1);
	feed_lt(c, SW_LINK_NULL, tb_null(7, false, s4));
	assert_int_equal(c->rs->n, 0);
	assert_int_equal(ST->non_sip, 1);
	assert_int_equal(ST->truncated, 0);
}

static void vlan_qinq(void **state)
{
	CTX;
	struct tb s4 = udp4(tb_register(1, "v@x", NULL));
	feed(c, tb_eth(0x8100, tb_vlan(142, 0x0800, s4)));
	assert_int_equal(c->rs->n, 1);
	assert_int_equal(c->rs->r[0].pkt.n_vlan, 1);
	assert_int_equal(c->rs->r[0].pkt.vlan[0], 142);

	/* QinQ 802.1ad outer, 802.1Q inner: outer first. */
	feed(c, tb_eth(0x88A8, tb_vlan(100, 0x8100, tb_vlan(200, 0x0800, s4))));
	assert_int_equal(c->rs->n, 2);
	assert_int_equal(c->rs->r[1].pkt.n_vlan, 2);
	assert_int_equal(c->rs->r[1].pkt.vlan[0], 100);
	assert_int_equal(c->rs->r[1].pkt.vlan[1], 200);

	/* 0x9100 and three tags: two recorded, still decoded. */
	feed(c, tb_eth(0x9100, tb_vlan(1, 0x8100, tb_vlan(2, 0x8100, tb_vlan(3, 0x0800, s4)))));
	assert_int_equal(c->rs->n, 3);
	assert_int_equal(c->rs->r[2].pkt.n_vlan, 2);
	assert_int_equal(c->rs->r[2].pkt.vlan[0], 1);
	assert_int_equal(c->rs->r[2].pkt.vlan[1], 2);

	/* A stack deeper than SW_MAX_LINK_DEPTH is dropped and counted. */
	struct tb deep = s4;
	uint16_t type = 0x0800;
	for (int i = 0; i < 12; i++) {
		deep = tb_vlan((uint16_t)(10 + i), type, deep);
		type = 0x8100;
	}
	feed(c, tb_eth(0x8100, deep));
	assert_int_equal(c->rs->n, 3);
	assert_int_equal(ST->limit_drops, 1);
}

static void pppoe_and_llc(void **state)
{
	CTX;
	feed(c, tb_eth(0x8864, tb_pppoe(0x0021, udp4(tb_register(1, "p4@x", NULL)))));
	feed(c, tb_eth(0x8864, tb_pppoe(0x0057, udp6(tb_register(1, "p6@x", NULL)))));
	assert_int_equal(c->rs->n, 2);
	assert_string_equal(c->rs->r[0].call_id, "p4@x");
	assert_string_equal(c->rs->r[1].call_id, "p6@x");
	assert_addr(c->rs->r[1].pkt.src, TB_A6, 5060);

	/* PPPoE length shorter than the frame (Ethernet padding): clamped. */
	struct tb f = tb_eth(0x8864, tb_pppoe(0x0021, udp4(tb_register(1, "pad@x", NULL))));
	f = tb_cat(f, tb_raw("\0\0\0\0", 4));
	feed(c, f);
	assert_int_equal(c->rs->n, 3);
	assert_int_equal(ST->truncated, 0);
	/* PPPoE length larger than what was captured: truncated. */
	struct tb g = tb_eth(0x8864, tb_pppoe(0x0021, udp4(tb_register(1, "big@x", NULL))));
	g.p[14 + 4] = 0xFF;
	g.p[14 + 5] = 0xF0;
	feed(c, g);
	assert_int_equal(ST->truncated, 1);
	assert_int_equal(c->rs->n, 4); /* the IP datagram inside is whole */

	/* 802.3 length + LLC/SNAP carrying IPv4. */
	struct tb s4 = udp4(tb_register(1, "snap@x", NULL));
	uint8_t snap[8] = {0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00};
	struct tb llc = tb_cat(tb_raw(snap, 8), s4);
	feed(c, tb_eth((uint16_t)llc.n, llc));
	assert_int_equal(c->rs->n, 5);
	assert_string_equal(c->rs->r[4].call_id, "snap@x");
	/* 802.3 with a non-SNAP LLC (STP): nothing. */
	uint8_t stp[3] = {0x42, 0x42, 0x03};
	feed(c, tb_eth(3, tb_raw(stp, 3)));
	assert_int_equal(c->rs->n, 5);
}

static void ipv6_ext_headers(void **state)
{
	CTX;
	struct tb u = tb_udp(5060, 5060, tb_register(1, "e6@x", NULL));
	/* hop-by-hop -> routing -> destination options -> UDP */
	struct tb chain = tb_ip6ext(43, tb_ip6ext(60, tb_ip6ext(17, u)));
	feed(c, tb_eth(0x86DD, tb_ip6(TB_A6, TB_B6, 0, chain)));
	assert_int_equal(c->rs->n, 1);
	assert_string_equal(c->rs->r[0].call_id, "e6@x");
	assert_addr(c->rs->r[0].pkt.dst, TB_B6, 5060);

	/* AH (length 4 = 24 bytes) is skipped. */
	struct tb ah = tb_new(24);
	ah.p[0] = 17;
	ah.p[1] = 4;
	feed(c, tb_eth(0x86DD, tb_ip6(TB_A6, TB_B6, 51, tb_cat(ah, u))));
	assert_int_equal(c->rs->n, 2);

	/* ESP stops: nothing, not an error. */
	feed(c, tb_eth(0x86DD, tb_ip6(TB_A6, TB_B6, 50, tb_cat(tb_new(8), u))));
	assert_int_equal(c->rs->n, 2);
	assert_int_equal(ST->non_sip, 1);

	/* More than SW_MAX_IPV6_EXT headers: counted at the limit. */
	struct tb many = u;
	uint8_t nh = 17;
	for (int i = 0; i < 10; i++) {
		many = tb_ip6ext(nh, many);
		nh = 60;
	}
	feed(c, tb_eth(0x86DD, tb_ip6(TB_A6, TB_B6, 60, many)));
	assert_int_equal(c->rs->n, 2);
	assert_int_equal(ST->limit_drops, 1);

	/* An extension header that runs past the payload length: bad header. */
	struct tb bad = tb_ip6(TB_A6, TB_B6, 0, tb_new(8));
	bad.p[40 + 1] = 5; /* claims 48 bytes */
	feed(c, tb_eth(0x86DD, bad));
	assert_int_equal(ST->bad_headers, 1);
}

/* ------------------------------------------------------------- tunnels */

static void tunnels(void **state)
{
	CTX;
	struct tb inner4 = udp4(tb_register(1, "t@x", NULL));
	struct tb inner6 = udp6(tb_register(1, "t@x", NULL));
	const char *O1 = "203.0.113.1", *O2 = "203.0.113.2";
	struct tb ipip = tb_eth(0x0800, tb_ip4(O1, O2, 4, inner4));
	struct tb sixin4 = tb_eth(0x0800, tb_ip4(O1, O2, 41, inner6));
	struct tb gre4 = tb_eth(0x0800, tb_ip4(O1, O2, 47, tb_gre(0, 0x0800, inner4)));
	struct tb gre6key = tb_eth(0x0800, tb_ip4(O1, O2, 47, tb_gre(0xB000, 0x86DD, inner6)));
	struct tb teb =
	    tb_eth(0x0800, tb_ip4(O1, O2, 47, tb_gre(0, 0x6558, tb_eth(0x0800, inner4))));
	/* RFC 2637 enhanced GRE (version 1, key, sequence) carrying PPP. */
	uint8_t ppp[4] = {0xFF, 0x03, 0x00, 0x21};
	struct tb pptp_gre = tb_new(12);
	pptp_gre.p[0] = 0x30; /* K, S */
	pptp_gre.p[1] = 0x01; /* version 1 */
	pptp_gre.p[2] = 0x88;
	pptp_gre.p[3] = 0x0B;
	struct tb pptp = tb_eth(
	    0x8100, tb_vlan(142, 0x0800,
	                    tb_ip4(O1, O2, 47, tb_cat(pptp_gre, tb_cat(tb_raw(ppp, 4), inner4)))));
	/* ERSPAN II: GRE with sequence number, 8-byte header version 1. */
	struct tb e2h = tb_new(8);
	e2h.p[0] = 0x10;
	struct tb erspan2 =
	    tb_eth(0x0800,
	           tb_ip4(O1, O2, 47, tb_gre(0x1000, 0x88BE, tb_cat(e2h, tb_eth(0x0800, inner4)))));
	/* ERSPAN III with the optional 8-byte subheader. */
	struct tb e3h = tb_new(20);
	e3h.p[0] = 0x20;
	e3h.p[11] = 0x01;
	struct tb erspan3 =
	    tb_eth(0x0800,
	           tb_ip4(O1, O2, 47, tb_gre(0x1000, 0x22EB, tb_cat(e3h, tb_eth(0x0800, inner4)))));
	/* GTP-U G-PDU with sequence number and one extension header. */
	struct tb gtph = tb_new(16);
	gtph.p[0] = 0x36; /* version 1, PT, E, S */
	gtph.p[1] = 0xFF;
	gtph.p[2] = (uint8_t)((8 + inner6.n) >> 8);
	gtph.p[3] = (uint8_t)(8 + inner6.n);
	gtph.p[11] = 0x85; /* next extension: PDU session container */
	gtph.p[12] = 1;    /* 4 bytes */
	gtph.p[15] = 0;    /* no more */
	struct tb gtp =
	    tb_eth(0x0800, tb_ip4(O1, O2, 17, tb_udp(2152, 2152, tb_cat(gtph, inner6))));
	struct tb vxh = tb_new(8);
	vxh.p[0] = 0x08;
	struct tb vxlan = tb_eth(
	    0x0800, tb_ip4(O1, O2, 17, tb_udp(40000, 4789, tb_cat(vxh, tb_eth(0x0800, inner4)))));
	struct {
		const char *name;
		struct tb f;
		bool v6;
	} cases[] = {
	    {"ipip", ipip, false},       {"6in4", sixin4, true},      {"gre4", gre4, false},
	    {"gre6key", gre6key, true},  {"teb", teb, false},         {"pptp", pptp, false},
	    {"erspan2", erspan2, false}, {"erspan3", erspan3, false}, {"gtp", gtp, true},
	    {"vxlan", vxlan, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		c->rs->n = 0;
		feed(c, cases[i].f);
		if (c->rs->n != 1 || c->rs->r[0].type != SW_EV_SIP)
			fail_msg("%s: %zu events", cases[i].name, c->rs->n);
		const struct sw_pkt *p = &c->rs->r[0].pkt;
		assert_addr(p->src, cases[i].v6 ? TB_A6 : TB_A, 5060);
		/* The outermost Ethernet header gives the MACs. */
		assert_true(p->has_mac);
		assert_memory_equal(p->src_mac, tb_mac_src, 6);
	}
	assert_int_equal(c->rs->r[0].pkt.n_vlan, 0);
	assert_int_equal(ST->truncated, 0);
	assert_int_equal(ST->bad_headers, 0);

	/* IP-in-IP nested deeper than SW_MAX_LINK_DEPTH. */
	struct tb deep = inner4;
	for (int i = 0; i < 12; i++)
		deep = tb_ip4(O1, O2, 4, deep);
	c->rs->n = 0;
	feed(c, tb_eth(0x0800, deep));
	assert_int_equal(c->rs->n, 0);
	assert_int_equal(ST->limit_drops, 1);
}

/* ----------------------------------------------------------- fragments */

/* A UDP datagram with a body, so that it needs several fragments. */
static struct tb big_udp(const char *call)
{
	char body[900];
	memset(body, 'x', sizeof body - 1);
	body[sizeof body - 1] = '\0';
	return tb_udp(5060, 5060, tb_register(1, call, body));
}

static struct tb frag4(struct tb dg, uint16_t id, size_t off, size_t len, bool more)
{
	uint16_t fo = (uint16_t)((more ? 0x2000 : 0) | (off / 8));
	return tb_eth(0x0800, tb_ip4x(TB_A, TB_B, 17, id, fo, tb_sub(dg, off, len)));
}

static struct tb frag6(struct tb dg, uint32_t id, size_t off, size_t len, bool more)
{
	return tb_eth(0x86DD,
	              tb_ip6(TB_A6, TB_B6, 44,
	                     tb_ip6frag(17, id, (uint16_t)off, more, tb_sub(dg, off, len))));
}

/* Feed fragments of dg (cut at the given offsets) in the order given. */
static void feed_frags(struct ctx *c, bool v6, struct tb dg, uint32_t id, const size_t *cuts,
                       size_t nfrag, const int *order, uint64_t *first, uint64_t *last)
{
	for (size_t k = 0; k < nfrag; k++) {
		int i = order[k];
		size_t off = cuts[i], end = (size_t)i + 1 < nfrag ? cuts[i + 1] : dg.n;
		bool more = (size_t)i + 1 < nfrag;
		uint64_t f = feed(c, v6 ? frag6(dg, id, off, end - off, more)
		                        : frag4(dg, (uint16_t)id, off, end - off, more));
		if (k == 0)
			*first = f;
		*last = f;
	}
}

static void check_frag_perms(struct ctx *c, bool v6, size_t nfrag)
{
	struct tb dg = big_udp("frag@x");
	size_t cuts4[4] = {0, 256, 512, 768};
	size_t cuts3[3] = {0, 336, 672};
	const size_t *cuts = nfrag == 4 ? cuts4 : cuts3;
	int order[4];
	uint32_t id = 100;
	size_t perms = 0;
	for (int a = 0; a < (int)nfrag; a++)
		for (int b = 0; b < (int)nfrag; b++)
			for (int e = 0; e < (int)nfrag; e++)
				for (int g = 0; g < (nfrag == 4 ? 4 : 1); g++) {
					int o[4] = {a, b, e, nfrag == 4 ? g : -1};
					bool ok = true;
					for (size_t i = 0; i < nfrag; i++)
						for (size_t j = i + 1; j < nfrag; j++)
							ok = ok && o[i] != o[j];
					if (!ok)
						continue;
					memcpy(order, o, sizeof order);
					size_t before = c->rs->n;
					uint64_t first, last;
					feed_frags(c, v6, dg, id++, cuts, nfrag, order, &first,
					           &last);
					assert_int_equal(c->rs->n, before + 1);
					const struct rec *r = &c->rs->r[before];
					assert_int_equal(r->type, SW_EV_SIP);
					assert_string_equal(r->call_id, "frag@x");
					assert_int_equal(r->body_len, 899);
					assert_true(r->pkt.ip_reassembled);
					assert_int_equal(r->pkt.ip_frags, nfrag);
					assert_int_equal(r->pkt.frame_no, last);
					assert_int_equal(r->pkt.first_frame_no, first);
					assert_addr(r->pkt.src, v6 ? TB_A6 : TB_A, 5060);
					perms++;
				}
	assert_int_equal(perms, nfrag == 4 ? 24 : 6);
	assert_int_equal(ST->ip_reassembled, perms);
	assert_int_equal(ST->ip_fragments, perms * nfrag);
	assert_int_equal(ST->ip_frag_dropped, 0);
	assert_int_equal(c->d->frag.map.count, 0);
}

static void frag_v4_all_orders(void **state)
{
	CTX;
	check_frag_perms(c, false, 4);
}

static void frag_v4_three_all_orders(void **state)
{
	CTX;
	check_frag_perms(c, false, 3);
}

static void frag_v6_all_orders(void **state)
{
	CTX;
	check_frag_perms(c, true, 4);
}

static void frag_duplicates_overlaps(void **state)
{
	CTX;
	struct tb dg = big_udp("dup@x");
	/* v4: duplicate of the first fragment, then an overlapping fragment
	 * with the same bytes: tolerated. */
	feed(c, frag4(dg, 1, 0, 512, true));
	feed(c, frag4(dg, 1, 0, 512, true));
	feed(c, frag4(dg, 1, 256, 512, true));
	assert_int_equal(c->rs->n, 0);
	feed(c, frag4(dg, 1, 768, dg.n - 768, false));
	assert_int_equal(c->rs->n, 1);
	assert_string_equal(c->rs->r[0].call_id, "dup@x");
	assert_int_equal(ST->ip_frag_dropped, 0);

	/* v4: overlap with different bytes drops the datagram. */
	feed(c, frag4(dg, 2, 0, 512, true));
	struct tb evil = frag4(dg, 2, 256, 512, true);
	evil.p[14 + 20 + 10] ^= 0xFF;
	feed(c, evil);
	feed(c, frag4(dg, 2, 768, dg.n - 768, false));
	feed(c, frag4(dg, 2, 512, 256, true));
	assert_int_equal(c->rs->n, 1);
	assert_int_equal(ST->ip_frag_dropped, 2);

	/* v6: an exact duplicate is fine ... */
	feed(c, frag6(dg, 3, 0, 512, true));
	feed(c, frag6(dg, 3, 0, 512, true));
	feed(c, frag6(dg, 3, 512, dg.n - 512, false));
	assert_int_equal(c->rs->n, 2);
	/* ... but any other overlap abandons the datagram (RFC 5722). */
	size_t dropped = ST->ip_frag_dropped;
	feed(c, frag6(dg, 4, 0, 512, true));
	feed(c, frag6(dg, 4, 256, 512, true));
	feed(c, frag6(dg, 4, 768, dg.n - 768, false));
	assert_int_equal(c->rs->n, 2);
	assert_int_equal(ST->ip_frag_dropped, dropped + 2);

	/* Conflicting last fragments (two different total lengths). */
	feed(c, frag4(dg, 5, 768, dg.n - 768, false));
	feed(c, frag4(dg, 5, 768, 64, false));
	assert_int_equal(ST->ip_frag_dropped, dropped + 4);
	/* A non-last fragment whose length is not a multiple of 8. */
	feed(c, frag4(dg, 6, 0, 100, true));
	assert_int_equal(ST->ip_frag_dropped, dropped + 5);
	assert_int_equal(ST->bad_headers, 1);
	/* A fragment beyond 65535 bytes. */
	feed(c, frag4(dg, 7, 0, 8, true));
	struct tb far = frag4(dg, 7, 8, 8, true);
	far.p[14 + 6] = 0x3F;
	far.p[14 + 7] = 0xFF;
	feed(c, far);
	assert_int_equal(ST->ip_frag_dropped, dropped + 6);
	assert_int_equal(ST->sip, 2);
}

static void frag_timeout(void **state)
{
	CTX;
	struct tb dg = big_udp("to@x");
	feed(c, frag4(dg, 9, 0, 512, true));
	c->ts += SW_FRAG_TIMEOUT_NS + 1;
	feed(c, frag4(dg, 9, 512, dg.n - 512, false));
	assert_int_equal(c->rs->n, 0);
	assert_int_equal(ST->ip_frag_dropped, 1);
	/* The late fragment started a new datagram; it completes in time. */
	c->ts += SW_FRAG_TIMEOUT_NS / 2;
	feed(c, frag4(dg, 9, 0, 512, true));
	assert_int_equal(c->rs->n, 1);
	/* Unrelated datagrams expire by capture time too (the sweep). */
	feed(c, frag4(dg, 10, 0, 512, true));
	c->ts += 2 * SW_FRAG_TIMEOUT_NS;
	feed(c, frag4(dg, 11, 0, 512, true));
	assert_int_equal(ST->ip_frag_dropped, 2);
	finish(c);
	assert_int_equal(ST->ip_frag_dropped, 3);
	assert_int_equal(ST->incomplete, 1);
	assert_int_equal(ST->truncated, 0);
}

static void frag_table_limit(void **state)
{
	CTX;
	struct tb dg = big_udp("lim@x");
	for (uint32_t i = 0; i < SW_MAX_FRAG_DATAGRAMS + 1; i++)
		feed(c, frag4(dg, (uint16_t)i, 0, 512, true));
	assert_int_equal(c->d->frag.map.count, SW_MAX_FRAG_DATAGRAMS);
	assert_int_equal(ST->ip_frag_dropped, 1); /* the oldest made room */
	/* The newest still completes. */
	feed(c, frag4(dg, (uint16_t)SW_MAX_FRAG_DATAGRAMS, 512, dg.n - 512, false));
	assert_int_equal(c->rs->n, 1);
	/* Too many fragments for one datagram. */
	for (uint32_t i = 0; i < SW_MAX_FRAGS_PER_DATAGRAM + 1; i++)
		feed(c, tb_eth(0x0800,
		               tb_ip4x(TB_A, TB_B, 17, 0x7777, (uint16_t)(0x2000 | i), tb_new(8))));
	assert_int_equal(ST->ip_frag_dropped, 1 + SW_MAX_FRAGS_PER_DATAGRAM + 1);
	finish(c);
	assert_int_equal(ST->incomplete, SW_MAX_FRAG_DATAGRAMS - 1);
	assert_int_equal(ST->truncated, 0);
}

/* ------------------------------------------------------------------ UDP */

static void udp_padding_and_bad(void **state)
{
	CTX;
	struct tb sip = tb_register(1, "pad@x", NULL);
	feed(c, tb_eth(0x0800, udp4(tb_cat(sip, tb_raw("\r\n\r\n\0\0\0", 7)))));
	assert_int_equal(c->rs->n, 1);
	assert_int_equal(c->rs->r[0].type, SW_EV_SIP);
	assert_int_equal(c->rs->r[0].raw_len, sip.n);

	/* Looks like SIP, rejected by the parser (no Call-ID, CSeq, Via). */
	feed(c, tb_eth(0x0800, udp4(tb_str("REGISTER sip:1.1.1.1:5060 SIP/2.0\r\n"
	                                   "Expires: 0\r\n\r\n"))));
	assert_int_equal(c->rs->n, 2);
	assert_int_equal(c->rs->r[1].type, SW_EV_SIP_BAD);
	assert_string_equal(c->rs->r[1].first_line, "REGISTER sip:1.1.1.1:5060 SIP/2.0");
	assert_true(strlen(c->rs->r[1].reason) > 0);
	assert_int_equal(ST->sip_bad, 1);

	/* Content-Length larger than the body on UDP (RFC 3261 18.3): bad. */
	feed(c, tb_eth(0x0800, udp4(tb_str("OPTIONS sip:x SIP/2.0\r\nCall-ID: cl@x\r\n"
	                                   "Content-Length: 500\r\n\r\nshort body"))));
	assert_int_equal(c->rs->r[2].type, SW_EV_SIP_BAD);
	assert_string_equal(c->rs->r[2].call_id, "cl@x");
	assert_non_null(strstr(c->rs->r[2].reason, "Content-Length"));
	/* A start line followed by binary garbage and no line end: bad SIP. */
	feed(c, tb_eth(0x0800, udp4(tb_str("REGISTER sip:x SIP/2.0\x80\x90\x01garbage"))));
	assert_int_equal(c->rs->r[3].type, SW_EV_SIP_BAD);
	assert_int_equal(ST->sip_bad, 3);
	c->rs->n = 2;

	/* UDP length larger than the IP datagram: bad header, clamped. */
	struct tb u = udp4(tb_register(2, "ulen@x", NULL));
	u.p[20 + 4] = 0xFF;
	feed(c, tb_eth(0x0800, u));
	assert_int_equal(ST->bad_headers, 1);
	/* UDP length < 8 */
	struct tb v = udp4(tb_str("x"));
	v.p[20 + 4] = 0;
	v.p[20 + 5] = 4;
	feed(c, tb_eth(0x0800, v));
	assert_int_equal(ST->bad_headers, 2);
	/* IPv4 header length < 5 words; bad version on raw IP */
	struct tb w = udp4(tb_str("x"));
	w.p[0] = 0x44;
	feed(c, tb_eth(0x0800, w));
	feed_lt(c, SW_LINK_RAW, tb_str("\x70zzzzzzzzzzzzzzzzzzzzzzzz"));
	assert_int_equal(ST->bad_headers, 4);
	/* Not SIP on other ports: non_sip. */
	feed(c,
	     tb_eth(0x0800, tb_ip4(TB_A, TB_B, 17,
	                           tb_udp(1000, 2000, tb_str("\x80\x00 rtp-ish payload here")))));
	assert_int_equal(ST->non_sip, 1);
	/* IPv4 options are skipped. */
	struct tb opt = tb_ip4(TB_A, TB_B, 17, tb_udp(5060, 5060, tb_register(3, "opt@x", NULL)));
	struct tb o2 = tb_new(opt.n + 4);
	memcpy(o2.p, opt.p, 20);
	memcpy(o2.p + 24, opt.p + 20, opt.n - 20);
	o2.p[0] = 0x46;
	o2.p[2] = (uint8_t)(o2.n >> 8);
	o2.p[3] = (uint8_t)o2.n;
	o2.p[20] = 1; /* NOP options */
	o2.p[21] = 1;
	o2.p[22] = 1;
	o2.p[23] = 0;
	feed(c, tb_eth(0x0800, o2));
	assert_string_equal(c->rs->r[c->rs->n - 1].call_id, "opt@x");
}

static void keepalives_udp(void **state)
{
	CTX;
	struct {
		const char *p;
		size_t n;
		enum sw_keepalive_kind k;
	} cases[] = {
	    {"\r\n\r\n", 4, SW_KA_CRLF_PING}, {"\r\n", 2, SW_KA_CRLF_PONG},
	    {"     ", 5, SW_KA_OTHER},        {"\0\0\0\0", 4, SW_KA_OTHER},
	    {"hello", 5, SW_KA_OTHER},        {"jaK\0", 4, SW_KA_OTHER},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		feed(c, tb_eth(0x0800, udp4(tb_raw(cases[i].p, cases[i].n))));
		assert_int_equal(c->rs->n, i + 1);
		assert_int_equal(c->rs->r[i].type, SW_EV_KEEPALIVE);
		assert_int_equal(c->rs->r[i].ka, cases[i].k);
		assert_int_equal(c->rs->r[i].ka_len, cases[i].n);
	}
	uint8_t stun[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42, 1, 2, 3};
	feed(c, tb_eth(0x0800, udp4(tb_raw(stun, 20))));
	assert_int_equal(c->rs->r[c->rs->n - 1].ka, SW_KA_STUN_REQUEST);
	assert_int_equal(ST->keepalives, 7);

	/* Off SIP ports, a short payload is a keepalive only once the
	 * endpoint has carried SIP (a NAT-mapped client port). */
	size_t n0 = c->rs->n;
	struct tb nul4 = tb_raw("\0\0\0\0", 4);
	feed(c, tb_eth(0x0800, tb_ip4(TB_B, TB_A, 17, tb_udp(7000, 41000, nul4))));
	assert_int_equal(c->rs->n, n0);
	feed(c, tb_eth(0x0800,
	               tb_ip4(TB_A, TB_B, 17, tb_udp(41000, 7000, tb_register(1, "nat@x", NULL)))));
	feed(c, tb_eth(0x0800, tb_ip4(TB_B, TB_A, 17, tb_udp(7000, 41000, nul4))));
	assert_int_equal(c->rs->n, n0 + 2);
	assert_int_equal(c->rs->r[n0 + 1].type, SW_EV_KEEPALIVE);
	assert_int_equal(c->rs->r[n0 + 1].ka, SW_KA_OTHER);
	assert_addr(c->rs->r[n0 + 1].pkt.dst, TB_A, 41000);
}

/* ------------------------------------------------------------------ TCP */

#define CLI_PORT 40000
static struct tb cli(uint32_t seq, uint8_t fl, struct tb pl)
{
	return tb_eth(0x0800, tb_ip4(TB_A, TB_B, 6, tb_tcp(CLI_PORT, 5060, seq, fl, pl)));
}

static struct tb srv(uint32_t seq, uint8_t fl, struct tb pl)
{
	return tb_eth(0x0800, tb_ip4(TB_B, TB_A, 6, tb_tcp(5060, CLI_PORT, seq, fl, pl)));
}

static struct tb none(void)
{
	return tb_new(0);
}

/* Handshake with client ISN isn and server ISN 5000. */
static void handshake(struct ctx *c, uint32_t isn)
{
	feed(c, cli(isn, TB_SYN, none()));
	feed(c, srv(5000, TB_SYN | TB_ACK, none()));
	feed(c, cli(isn + 1, TB_ACK, none()));
}

/* SIP and SIP_BAD events from index `from`; the first cap go to out. */
static size_t sip_events_n(const struct recs *rs, size_t from, const struct rec **out, size_t cap)
{
	size_t n = 0;
	for (size_t i = from; i < rs->n; i++)
		if (rs->r[i].type == SW_EV_SIP || rs->r[i].type == SW_EV_SIP_BAD) {
			if (n < cap)
				out[n] = &rs->r[i];
			n++;
		}
	return n;
}
#define sip_events(rs, from, out) sip_events_n(rs, from, out, sizeof(out) / sizeof((out)[0]))

static void tcp_three_in_one(void **state)
{
	CTX;
	handshake(c, 1000);
	assert_int_equal(c->rs->n, 2);
	assert_int_equal(c->rs->r[0].type, SW_EV_TCP);
	assert_int_equal(c->rs->r[0].tcp, SW_TCP_SYN);
	assert_int_equal(c->rs->r[1].tcp, SW_TCP_SYNACK);
	struct tb m = tb_cat(tb_register(1, "a@x", NULL),
	                     tb_cat(tb_register(2, "b@x", "hello"), tb_register(3, "c@x", NULL)));
	uint64_t f = feed(c, cli(1001, TB_ACK | TB_PSH, m));
	const struct rec *s[8];
	assert_int_equal(sip_events(c->rs, 0, s), 3);
	assert_string_equal(s[0]->call_id, "a@x");
	assert_string_equal(s[1]->call_id, "b@x");
	assert_int_equal(s[1]->body_len, 5);
	assert_string_equal(s[2]->call_id, "c@x");
	for (int i = 0; i < 3; i++) {
		assert_int_equal(s[i]->pkt.transport, SW_TP_TCP);
		assert_int_equal(s[i]->pkt.frame_no, f);
		assert_int_equal(s[i]->pkt.first_frame_no, f);
		assert_addr(s[i]->pkt.src, TB_A, CLI_PORT);
		assert_addr(s[i]->pkt.dst, TB_B, 5060);
	}
	assert_int_equal(ST->tcp_reassembled, 0);
	assert_int_equal(ST->tcp_segments, 1);
	/* The answer on the other direction. */
	feed(c, srv(5001, TB_ACK | TB_PSH, tb_ok(1, "a@x")));
	assert_int_equal(sip_events(c->rs, 0, s), 4);
	assert_int_equal(s[3]->status, 200);
	/* FIN and RST are reported. */
	feed(c, cli(1001 + (uint32_t)m.n, TB_FIN | TB_ACK, none()));
	feed(c, srv(5001, TB_RST, none()));
	assert_int_equal(c->rs->r[c->rs->n - 2].tcp, SW_TCP_FIN);
	assert_int_equal(c->rs->r[c->rs->n - 1].tcp, SW_TCP_RST);
	finish(c);
	assert_int_equal(ST->truncated, 0);
}

static void tcp_one_across_five(void **state)
{
	CTX;
	handshake(c, 77);
	struct tb m = tb_register(1, "five@x", "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\n");
	size_t step = m.n / 5 + 1, off = 0;
	uint64_t first = 0, last = 0;
	for (int i = 0; off < m.n; i++) {
		size_t n = m.n - off < step ? m.n - off : step;
		uint64_t f = feed(c, cli(78 + (uint32_t)off, TB_ACK, tb_sub(m, off, n)));
		if (i == 0)
			first = f;
		last = f;
		off += n;
		if (off < m.n)
			assert_int_equal(tb_count(c->rs, SW_EV_SIP), 0);
	}
	const struct rec *s[4];
	assert_int_equal(sip_events(c->rs, 0, s), 1);
	assert_int_equal(s[0]->type, SW_EV_SIP);
	assert_int_equal(s[0]->pkt.first_frame_no, first);
	assert_int_equal(s[0]->pkt.frame_no, last);
	assert_int_equal(s[0]->raw_len, m.n);
	assert_int_equal(ST->tcp_reassembled, 1);
	assert_int_equal(ST->tcp_segments, 5);
	/* A message still incomplete at the end of input. */
	feed(c, cli(78 + (uint32_t)m.n, TB_ACK, tb_sub(m, 0, 100)));
	finish(c);
	assert_int_equal(ST->incomplete, 1);
	assert_int_equal(ST->truncated, 0);
	assert_int_equal(tb_count(c->rs, SW_EV_SIP), 1);
}

static void tcp_out_of_order_and_retrans(void **state)
{
	CTX;
	handshake(c, 0);
	struct tb m1 = tb_register(1, "o1@x", NULL), m2 = tb_register(2, "o2@x", NULL);
	struct tb all = tb_cat(m1, m2);
	/* segments: [0,100) [100,m1.n+50) [m1.n+50,end) sent as 3,1,2 */
	size_t a = 100, b = m1.n + 50;
	uint64_t f3 = feed(c, cli(1 + (uint32_t)b, TB_ACK, tb_sub(all, b, all.n - b)));
	uint64_t f1 = feed(c, cli(1, TB_ACK, tb_sub(all, 0, a)));
	assert_int_equal(tb_count(c->rs, SW_EV_SIP), 0);
	uint64_t f2 = feed(c, cli(1 + (uint32_t)a, TB_ACK, tb_sub(all, a, b - a)));
	const struct rec *s[4];
	assert_int_equal(sip_events(c->rs, 0, s), 2);
	assert_string_equal(s[0]->call_id, "o1@x");
	assert_int_equal(s[0]->pkt.first_frame_no, f1);
	assert_int_equal(s[0]->pkt.frame_no, f2);
	assert_string_equal(s[1]->call_id, "o2@x");
	assert_int_equal(s[1]->pkt.first_frame_no, f2);
	assert_int_equal(s[1]->pkt.frame_no, f2);
	(void)f3;
	assert_int_equal(ST->tcp_retrans, 0);

	/* A full retransmission, then one overlapping new bytes. */
	struct tb m3 = tb_register(3, "o3@x", NULL);
	uint32_t base = 1 + (uint32_t)all.n;
	feed(c, cli(1, TB_ACK, tb_sub(all, 0, a)));
	assert_int_equal(ST->tcp_retrans, 1);
	struct tb tail = tb_cat(tb_sub(all, all.n - 30, 30), tb_sub(m3, 0, 60));
	feed(c, cli(base - 30, TB_ACK, tail));
	assert_int_equal(ST->tcp_retrans, 2);
	feed(c, cli(base + 60, TB_ACK, tb_sub(m3, 60, m3.n - 60)));
	assert_int_equal(sip_events(c->rs, 0, s), 3);
	assert_string_equal(s[2]->call_id, "o3@x");
	assert_int_equal(s[2]->raw_len, m3.n);
	/* An out-of-order segment received twice. */
	struct tb m4 = tb_register(4, "o4@x", NULL);
	uint32_t b4 = base + (uint32_t)m3.n;
	feed(c, cli(b4 + 10, TB_ACK, tb_sub(m4, 10, m4.n - 10)));
	feed(c, cli(b4 + 10, TB_ACK, tb_sub(m4, 10, m4.n - 10)));
	feed(c, cli(b4, TB_ACK, tb_sub(m4, 0, 20)));
	assert_int_equal(sip_events(c->rs, 0, s), 4);
	assert_string_equal(s[3]->call_id, "o4@x");
	assert_int_equal(ST->tcp_retrans, 4);
	assert_int_equal(ST->tcp_gaps, 0);
}

static void tcp_gap_resync(void **state)
{
	CTX;
	handshake(c, 1000);
	struct tb m1 = tb_register(1, "g1@x", NULL), m2 = tb_register(2, "g2@x", NULL),
	          m3 = tb_register(3, "g3@x", NULL);
	uint32_t s1 = 1001, s2 = s1 + (uint32_t)m1.n, s3 = s2 + (uint32_t)m2.n;
	feed(c, cli(s1, TB_ACK, m1));
	/* m2's first 40 bytes are lost; its rest and m3 arrive. */
	feed(c, cli(s2 + 40, TB_ACK, tb_sub(m2, 40, m2.n - 40)));
	feed(c, cli(s3, TB_ACK, m3));
	const struct rec *s[8];
	assert_int_equal(sip_events(c->rs, 0, s), 1);
	finish(c);
	assert_int_equal(sip_events(c->rs, 0, s), 2);
	assert_string_equal(s[1]->call_id, "g3@x");
	assert_int_equal(ST->tcp_gaps, 40);

	/* The queue fills: the gap is skipped without waiting for the end. */
	sw_decode_free(c->d);
	c->d = sw_decode_new(NULL);
	c->rs->n = 0;
	handshake(c, 1000);
	uint32_t seq = 1001;
	struct tb lost = tb_register(0, "lost@x", NULL);
	seq += (uint32_t)lost.n;
	for (int i = 0; i < (int)SW_MAX_TCP_OOO + 3; i++) {
		char id[32];
		snprintf(id, sizeof id, "q%d@x", i);
		struct tb m = tb_register(i + 1, id, NULL);
		feed(c, cli(seq, TB_ACK, m));
		seq += (uint32_t)m.n;
	}
	size_t n = sip_events(c->rs, 0, s);
	assert_true(n >= 1);
	assert_string_equal(s[0]->call_id, "q0@x");
	assert_int_equal(ST->tcp_gaps, lost.n);
	finish(c);
	size_t total = 0;
	for (size_t i = 0; i < c->rs->n; i++)
		total += c->rs->r[i].type == SW_EV_SIP;
	assert_int_equal(total, SW_MAX_TCP_OOO + 3);
}

static void tcp_keepalives_between(void **state)
{
	CTX;
	handshake(c, 1);
	struct tb m = tb_cat(tb_register(1, "k1@x", NULL),
	                     tb_cat(tb_str("\r\n\r\n"), tb_register(2, "k2@x", NULL)));
	feed(c, cli(2, TB_ACK, m));
	feed(c, cli(2 + (uint32_t)m.n, TB_ACK, tb_str("\r\n")));
	enum sw_ev_type want[] = {SW_EV_TCP,       SW_EV_TCP, SW_EV_SIP,
	                          SW_EV_KEEPALIVE, SW_EV_SIP, SW_EV_KEEPALIVE};
	assert_int_equal(c->rs->n, 6);
	for (int i = 0; i < 6; i++)
		assert_int_equal(c->rs->r[i].type, want[i]);
	assert_int_equal(c->rs->r[3].ka, SW_KA_CRLF_PING);
	assert_int_equal(c->rs->r[3].pkt.transport, SW_TP_TCP);
	assert_int_equal(c->rs->r[5].ka, SW_KA_CRLF_PONG);
	assert_int_equal(ST->keepalives, 2);
}

static void tcp_body_spanning(void **state)
{
	CTX;
	handshake(c, 500);
	char body[3000];
	memset(body, 'b', sizeof body - 1);
	body[sizeof body - 1] = '\0';
	struct tb m = tb_cat(tb_register(1, "body@x", body), tb_register(2, "after@x", NULL));
	size_t hdr = (size_t)(strstr((char *)m.p, "\r\n\r\n") - (char *)m.p) + 4;
	/* headers in one segment, the body in three, the next message after */
	size_t cuts[] = {0, hdr, hdr + 1000, hdr + 2000, m.n};
	for (int i = 0; i < 4; i++)
		feed(c, cli(501 + (uint32_t)cuts[i], TB_ACK,
		            tb_sub(m, cuts[i], cuts[i + 1] - cuts[i])));
	const struct rec *s[4];
	assert_int_equal(sip_events(c->rs, 0, s), 2);
	assert_int_equal(s[0]->body_len, 2999);
	assert_string_equal(s[1]->call_id, "after@x");
	assert_int_equal(ST->tcp_reassembled, 1);
}

static void tcp_seq_wrap(void **state)
{
	CTX;
	uint32_t isn = 0xFFFFFF00u;
	handshake(c, isn);
	struct tb m = tb_cat(tb_register(1, "w1@x", NULL), tb_register(2, "w2@x", NULL));
	/* segment boundaries straddle 2^32; sent out of order */
	feed(c, cli(isn + 1 + 300, TB_ACK, tb_sub(m, 300, m.n - 300)));
	feed(c, cli(isn + 1, TB_ACK, tb_sub(m, 0, 300)));
	const struct rec *s[4];
	assert_int_equal(sip_events(c->rs, 0, s), 2);
	assert_string_equal(s[0]->call_id, "w1@x");
	assert_string_equal(s[1]->call_id, "w2@x");
	/* a retransmission across the wrap is trimmed */
	feed(c, cli(isn + 1 + 200, TB_ACK, tb_sub(m, 200, 200)));
	assert_int_equal(sip_events(c->rs, 0, s), 2);
	assert_int_equal(ST->tcp_retrans, 1);
}

static void tcp_midstream_and_ports(void **state)
{
	CTX;
	/* No handshake: the capture starts mid-message on 5060. */
	struct tb m1 = tb_register(1, "m1@x", NULL), m2 = tb_register(2, "m2@x", NULL);
	feed(c, cli(7000, TB_ACK, tb_sub(m1, 50, m1.n - 50)));
	feed(c, cli(7000 + (uint32_t)(m1.n - 50), TB_ACK, m2));
	const struct rec *s[4];
	assert_int_equal(sip_events(c->rs, 0, s), 1);
	assert_string_equal(s[0]->call_id, "m2@x");

	/* SIP on a port that is not a SIP port is found by content. */
	struct tb x =
	    tb_eth(0x0800, tb_ip4(TB_A, TB_B, 6,
	                          tb_tcp(41000, 6060, 1, TB_ACK, tb_register(1, "p6060@x", NULL))));
	feed(c, x);
	assert_int_equal(sip_events(c->rs, 0, s), 2);
	assert_string_equal(s[1]->call_id, "p6060@x");
	/* and its other direction too, even when it starts mid-message */
	struct tb ok = tb_ok(1, "p6060@x");
	feed(c, tb_eth(0x0800, tb_ip4(TB_B, TB_A, 6,
	                              tb_tcp(6060, 41000, 9, TB_ACK,
	                                     tb_cat(tb_str("ontinued\r\n\r\n"), ok)))));
	assert_int_equal(sip_events(c->rs, 0, s), 3);
	assert_int_equal(s[2]->status, 200);
	/* Other TCP traffic is not tracked. */
	size_t before = c->d->tcp.map.count;
	feed(c, tb_eth(0x0800,
	               tb_ip4(TB_A, TB_B, 6,
	                      tb_tcp(41001, 80, 1, TB_ACK, tb_str("GET / HTTP/1.1\r\n\r\n")))));
	assert_int_equal(c->d->tcp.map.count, before);
	assert_int_equal(ST->non_sip, 1);
	/* custom SIP port from the options */
	sw_decode_free(c->d);
	const uint16_t ports[] = {5080, 0};
	struct sw_decode_opts o = {.sip_ports = ports};
	c->d = sw_decode_new(&o);
	feed(c, tb_eth(0x0800, tb_ip4(TB_A, TB_B, 17, tb_udp(5080, 9999, tb_raw("\0\0\0\0", 4)))));
	assert_int_equal(c->rs->r[c->rs->n - 1].type, SW_EV_KEEPALIVE);
}

static void tcp_oversize_and_limits(void **state)
{
	CTX;
	handshake(c, 1);
	struct tb big = tb_str("INVITE sip:b@x SIP/2.0\r\nCall-ID: big\r\n"
	                       "Content-Length: 140000\r\n\r\n");
	uint32_t seq = 2;
	feed(c, cli(seq, TB_ACK, big));
	seq += (uint32_t)big.n;
	struct tb chunk = tb_new(1400);
	memset(chunk.p, 'z', chunk.n);
	for (size_t left = 140000; left;) {
		size_t n = left < chunk.n ? left : chunk.n;
		feed(c, cli(seq, TB_ACK, tb_sub(chunk, 0, n)));
		seq += (uint32_t)n;
		left -= n;
	}
	feed(c, cli(seq, TB_ACK, tb_register(1, "next@x", NULL)));
	const struct rec *s[4];
	assert_int_equal(sip_events(c->rs, 0, s), 1);
	assert_string_equal(s[0]->call_id, "next@x");
	assert_int_equal(ST->sip_oversize, 1);

	/* Stream table limit: the longest idle direction makes room. */
	sw_decode_free(c->d);
	c->d = sw_decode_new(NULL);
	for (uint32_t i = 0; i < SW_MAX_TCP_STREAMS / 2 + 1; i++)
		feed(c, tb_eth(0x0800,
		               tb_ip4(TB_A, TB_B, 6,
		                      tb_tcp((uint16_t)(10000 + i), 5060, 1, TB_SYN, none()))));
	assert_true(c->d->tcp.map.count <= SW_MAX_TCP_STREAMS);
	/* Idle streams expire on capture time. */
	c->ts += SW_TCP_IDLE_NS + 1;
	feed(c, tb_eth(0x0800, tb_ip4(TB_A, TB_B, 6, tb_tcp(9999, 5060, 1, TB_SYN, none()))));
	assert_int_equal(c->d->tcp.map.count, 1);
}

static void tcp_tls_counted(void **state)
{
	CTX;
	uint8_t hello[16] = {0x16, 0x03, 0x01, 0x00, 0x0b, 0x01, 0, 0, 7, 3, 3};
	feed(c, tb_eth(0x0800, tb_ip4(TB_A, TB_B, 6, tb_tcp(40001, 5061, 1, TB_SYN, none()))));
	feed(c, tb_eth(0x0800,
	               tb_ip4(TB_A, TB_B, 6, tb_tcp(40001, 5061, 2, TB_ACK, tb_raw(hello, 16)))));
	feed(c, tb_eth(0x0800,
	               tb_ip4(TB_B, TB_A, 6, tb_tcp(5061, 40001, 9, TB_ACK, tb_raw(hello, 16)))));
	feed(c, tb_eth(0x0800,
	               tb_ip4(TB_A, TB_B, 6, tb_tcp(40001, 5061, 18, TB_ACK, tb_raw(hello, 16)))));
	assert_int_equal(ST->tls, 2); /* once per direction */
	/* TLS on 5060 counts as well; on 443 it is none of our business. */
	feed(c, tb_eth(0x0800,
	               tb_ip4(TB_A, TB_B, 6, tb_tcp(40002, 5060, 2, TB_ACK, tb_raw(hello, 16)))));
	feed(c, tb_eth(0x0800,
	               tb_ip4(TB_A, TB_B, 6, tb_tcp(40003, 443, 2, TB_ACK, tb_raw(hello, 16)))));
	assert_int_equal(ST->tls, 3);
	/* Not SIP text on 5061 (a record type other than handshake). */
	uint8_t appdata[8] = {0x17, 0x03, 0x03, 0, 3, 1, 2, 3};
	feed(c, tb_eth(0x0800,
	               tb_ip4(TB_A, TB_B, 6, tb_tcp(40004, 5061, 2, TB_ACK, tb_raw(appdata, 8)))));
	assert_int_equal(ST->tls, 4);
	assert_int_equal(tb_count(c->rs, SW_EV_SIP) + tb_count(c->rs, SW_EV_SIP_BAD), 0);
	/* SIP in clear on 5061 is SIP. */
	feed(c, tb_eth(0x0800,
	               tb_ip4(TB_A, TB_B, 6,
	                      tb_tcp(40005, 5061, 2, TB_ACK, tb_register(1, "clear@x", NULL)))));
	assert_int_equal(tb_count(c->rs, SW_EV_SIP), 1);
	assert_int_equal(ST->tls, 4);
}

/* ------------------------------------------------------------ WebSocket */

static struct tb ws_frame(bool fin, uint8_t op, bool masked, struct tb pl)
{
	uint8_t h[14];
	size_t n = 0;
	h[n++] = (uint8_t)((fin ? 0x80 : 0) | op);
	uint8_t m = masked ? 0x80 : 0;
	if (pl.n < 126) {
		h[n++] = (uint8_t)(m | pl.n);
	} else {
		h[n++] = m | 126;
		h[n++] = (uint8_t)(pl.n >> 8);
		h[n++] = (uint8_t)pl.n;
	}
	struct tb out = tb_cat(tb_raw(h, n), masked ? tb_raw("\x12\x34\x56\x78", 4) : tb_new(0));
	struct tb body = tb_raw(pl.p, pl.n);
	if (masked)
		for (size_t i = 0; i < body.n; i++)
			body.p[i] ^= (uint8_t) "\x12\x34\x56\x78"[i & 3];
	return tb_cat(out, body);
}

static struct tb wcli(uint32_t seq, struct tb pl)
{
	return tb_eth(0x0800, tb_ip4(TB_A, TB_B, 6, tb_tcp(50000, 8080, seq, TB_ACK, pl)));
}

static struct tb wsrv(uint32_t seq, struct tb pl)
{
	return tb_eth(0x0800, tb_ip4(TB_B, TB_A, 6, tb_tcp(8080, 50000, seq, TB_ACK, pl)));
}

static void websocket(void **state)
{
	CTX;
	struct tb req = tb_str("GET / HTTP/1.1\r\nHost: b\r\nUpgrade: websocket\r\n"
	                       "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZQ==\r\n"
	                       "Sec-WebSocket-Protocol: sip\r\nSec-WebSocket-Version: 13\r\n\r\n");
	struct tb resp = tb_str("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
	                        "Connection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n");
	uint32_t cs = 1, ss = 1;
	feed(c, wcli(cs, req));
	cs += (uint32_t)req.n;
	feed(c, wsrv(ss, resp));
	ss += (uint32_t)resp.n;
	/* masked client frame (16-bit length) */
	struct tb f1 = ws_frame(true, 1, true, tb_register(1, "ws1@x", NULL));
	feed(c, wcli(cs, f1));
	cs += (uint32_t)f1.n;
	/* unmasked server frame split over two segments, then a ping */
	struct tb f2 = tb_cat(ws_frame(true, 1, false, tb_ok(1, "ws1@x")),
	                      ws_frame(true, 9, false, tb_str("p")));
	uint64_t a = feed(c, wsrv(ss, tb_sub(f2, 0, 50)));
	uint64_t b = feed(c, wsrv(ss + 50, tb_sub(f2, 50, f2.n - 50)));
	ss += (uint32_t)f2.n;
	/* fragmented message: text + ping + continuation + continuation */
	struct tb m3 = tb_register(2, "ws3@x", NULL);
	struct tb f3 = tb_cat(ws_frame(false, 1, true, tb_sub(m3, 0, 100)),
	                      tb_cat(ws_frame(true, 9, true, tb_str("ping")),
	                             tb_cat(ws_frame(false, 0, true, tb_sub(m3, 100, 100)),
	                                    ws_frame(true, 0, true, tb_sub(m3, 200, m3.n - 200)))));
	feed(c, wcli(cs, f3));
	cs += (uint32_t)f3.n;
	/* close frame: nothing */
	feed(c, wcli(cs, ws_frame(true, 8, true, tb_raw("\x03\xe8", 2))));
	const struct rec *s[8];
	assert_int_equal(sip_events(c->rs, 0, s), 3);
	assert_string_equal(s[0]->call_id, "ws1@x");
	assert_int_equal(s[0]->pkt.transport, SW_TP_WS);
	assert_addr(s[0]->pkt.src, TB_A, 50000);
	assert_int_equal(s[1]->status, 200);
	assert_int_equal(s[1]->pkt.first_frame_no, a);
	assert_int_equal(s[1]->pkt.frame_no, b);
	assert_int_equal(s[1]->pkt.transport, SW_TP_WS);
	assert_string_equal(s[2]->call_id, "ws3@x");
	assert_int_equal(s[2]->raw_len, m3.n);

	/* A failed upgrade stops both directions. */
	feed(c, tb_eth(0x0800, tb_ip4(TB_A, TB_B, 6, tb_tcp(50001, 8080, 1, TB_ACK, req))));
	feed(c,
	     tb_eth(
	         0x0800,
	         tb_ip4(TB_B, TB_A, 6,
	                tb_tcp(8080, 50001, 1, TB_ACK,
	                       tb_str("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")))));
	feed(c, tb_eth(0x0800, tb_ip4(TB_A, TB_B, 6,
	                              tb_tcp(50001, 8080, 1 + (uint32_t)req.n, TB_ACK, f1))));
	assert_int_equal(sip_events(c->rs, 0, s), 3);
}

static void websocket_headers(void **state)
{
	(void)state;
	struct sw_ws_frame f;
	uint8_t h64[14] = {0x81, 0xFF, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 1, 2, 3, 4};
	assert_int_equal(sw_ws_parse_header(h64, 14, &f), 1);
	assert_int_equal(f.payload_len, 256);
	assert_int_equal(f.hdr_len, 14);
	assert_true(f.masked);
	assert_memory_equal(f.mask, "\x01\x02\x03\x04", 4);
	for (size_t i = 0; i < 14; i++)
		assert_int_equal(sw_ws_parse_header(h64, i, &f), 0);
	h64[2] = 0x80; /* 64-bit length with the top bit set */
	assert_int_equal(sw_ws_parse_header(h64, 14, &f), -1);
	uint8_t rsv[2] = {0xC1, 0x00};
	assert_int_equal(sw_ws_parse_header(rsv, 2, &f), -1);
	uint8_t fragping[2] = {0x09, 0x00};
	assert_int_equal(sw_ws_parse_header(fragping, 2, &f), -1);
	uint8_t h16[4] = {0x82, 126, 0x01, 0x00};
	assert_int_equal(sw_ws_parse_header(h16, 4, &f), 1);
	assert_int_equal(f.payload_len, 256);
	assert_int_equal(f.opcode, 2);
}

/* ---------------------------------------------------------------- SCTP */

static void sctp_data(void **state)
{
	CTX;
	feed_lt(
	    c, SW_LINK_LINUX_SLL,
	    tb_sll(0x0800, tb_ip4(TB_A, TB_B, 132,
	                          tb_sctp_data(5060, 5060, 0x03, tb_register(1, "sctp@x", NULL)))));
	assert_int_equal(c->rs->n, 1);
	assert_int_equal(c->rs->r[0].type, SW_EV_SIP);
	assert_int_equal(c->rs->r[0].pkt.transport, SW_TP_SCTP);
	assert_addr(c->rs->r[0].pkt.src, TB_A, 5060);
	/* first fragment of a user message: counted, skipped */
	feed(c,
	     tb_eth(0x0800, tb_ip4(TB_A, TB_B, 132,
	                           tb_sctp_data(5060, 5060, 0x02, tb_register(2, "f@x", NULL)))));
	assert_int_equal(c->rs->n, 1);
	assert_int_equal(ST->sctp_fragments, 1);
	/* a chunk length under 4 is a bad header */
	struct tb bad = tb_sctp_data(5060, 5060, 0x03, tb_str("x"));
	bad.p[14] = 0;
	bad.p[15] = 2;
	feed(c, tb_eth(0x0800, tb_ip4(TB_A, TB_B, 132, bad)));
	assert_int_equal(ST->bad_headers, 1);
}

/* ---------------------------------------------------------------- ICMP */

static void icmp_port_unreachable(void **state)
{
	CTX;
	struct tb reg = tb_register(7, "icmp-call@x", NULL);
	struct tb orig = tb_ip4(TB_A, TB_B, 17, tb_udp(5060, 5062, reg));
	/* the router quotes the start of the datagram, cut after CSeq */
	size_t cut = 28 + (size_t)(strstr((char *)reg.p, "Contact:") - (char *)reg.p) + 5;
	struct tb q = tb_sub(orig, 0, cut);
	uint64_t f = feed(c, tb_eth(0x0800, tb_ip4(TB_B, TB_A, 1, tb_icmp(3, 3, 0, q))));
	assert_int_equal(c->rs->n, 1);
	const struct rec *r = &c->rs->r[0];
	assert_int_equal(r->type, SW_EV_ICMP);
	assert_int_equal(r->pkt.frame_no, f);
	assert_int_equal(r->icmp.kind, SW_ICMP_PORT_UNREACH);
	assert_int_equal(r->icmp.version, 4);
	assert_int_equal(r->icmp.type, 3);
	assert_int_equal(r->icmp.code, 3);
	assert_addr(r->icmp.reporter, TB_B, 0);
	assert_int_equal(r->icmp.quoted_proto, 17);
	assert_addr(r->icmp.quoted_src, TB_A, 5060);
	assert_addr(r->icmp.quoted_dst, TB_B, 5062);
	assert_true(r->icmp.quoted_sip);
	assert_true(r->icmp.quoted_is_request);
	assert_string_equal(r->q_method, "REGISTER");
	assert_string_equal(r->q_call_id, "icmp-call@x");
	assert_int_equal(r->icmp.quoted_cseq, 7);
	assert_string_equal(r->q_branch, "z9hG4bK-7");
	assert_int_equal(ST->icmp_errors, 1);
	assert_int_equal(ST->truncated, 0);

	/* cut before Call-ID: the call-id is unknown */
	size_t cut2 = 28 + (size_t)(strstr((char *)reg.p, "Call-ID") - (char *)reg.p) + 4;
	feed(c, tb_eth(0x0800, tb_ip4(TB_B, TB_A, 1, tb_icmp(3, 10, 0, tb_sub(orig, 0, cut2)))));
	assert_int_equal(c->rs->r[1].icmp.kind, SW_ICMP_ADMIN_PROHIB);
	assert_true(c->rs->r[1].icmp.quoted_sip);
	assert_string_equal(c->rs->r[1].q_call_id, "");
	assert_int_equal(c->rs->r[1].icmp.quoted_cseq, -1);

	/* codes and MTU */
	struct {
		uint8_t type, code;
		enum sw_icmp_kind k;
	} codes[] = {
	    {3, 0, SW_ICMP_NET_UNREACH},    {3, 1, SW_ICMP_HOST_UNREACH},
	    {3, 2, SW_ICMP_PROTO_UNREACH},  {3, 6, SW_ICMP_NET_UNREACH},
	    {3, 7, SW_ICMP_HOST_UNREACH},   {3, 9, SW_ICMP_ADMIN_PROHIB},
	    {3, 13, SW_ICMP_ADMIN_PROHIB},  {3, 5, SW_ICMP_OTHER},
	    {11, 0, SW_ICMP_TIME_EXCEEDED}, {11, 1, SW_ICMP_REASSEMBLY},
	};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		size_t n = c->rs->n;
		feed(c, tb_eth(0x0800,
		               tb_ip4(TB_B, TB_A, 1, tb_icmp(codes[i].type, codes[i].code, 0, q))));
		assert_int_equal(c->rs->n, n + 1);
		assert_int_equal(c->rs->r[n].icmp.kind, codes[i].k);
	}
	feed(c, tb_eth(0x0800, tb_ip4(TB_B, TB_A, 1, tb_icmp(3, 4, 1400, q))));
	assert_int_equal(c->rs->r[c->rs->n - 1].icmp.kind, SW_ICMP_FRAG_NEEDED);
	assert_int_equal(c->rs->r[c->rs->n - 1].icmp.mtu, 1400);
	/* echo request: nothing */
	size_t n = c->rs->n;
	feed(c, tb_eth(0x0800, tb_ip4(TB_B, TB_A, 1, tb_icmp(8, 0, 0, tb_str("ping")))));
	assert_int_equal(c->rs->n, n);
}

static void icmp_quotes_never_feed_state(void **state)
{
	CTX;
	/* quoting a TCP segment to 5060 and an IP fragment */
	struct tb seg =
	    tb_ip4(TB_A, TB_B, 6, tb_tcp(40000, 5060, 1, TB_ACK, tb_register(1, "tq@x", NULL)));
	feed(c, tb_eth(0x0800, tb_ip4(TB_B, TB_A, 1, tb_icmp(3, 1, 0, seg))));
	struct tb frag = tb_ip4x(TB_A, TB_B, 17, 42, 0x2000, tb_udp(5060, 5060, tb_new(64)));
	feed(c, tb_eth(0x0800, tb_ip4(TB_B, TB_A, 1, tb_icmp(3, 1, 0, frag))));
	assert_int_equal(c->rs->n, 2);
	assert_int_equal(c->rs->r[0].icmp.quoted_proto, 6);
	assert_addr(c->rs->r[0].icmp.quoted_dst, TB_B, 5060);
	assert_true(c->rs->r[0].icmp.quoted_sip);
	assert_string_equal(c->rs->r[0].q_call_id, "tq@x");
	assert_int_equal(c->d->tcp.map.count, 0);
	assert_int_equal(ST->tcp_segments, 0);
	assert_int_equal(ST->ip_fragments, 0);
	assert_int_equal(ST->sip, 0);
}

static void icmp6_errors(void **state)
{
	CTX;
	struct tb orig = tb_ip6(TB_A6, TB_B6, 17, tb_udp(5060, 5060, tb_register(3, "v6@x", NULL)));
	struct tb q = tb_sub(orig, 0, 300);
	feed(c, tb_eth(0x86DD, tb_ip6(TB_B6, TB_A6, 58, tb_icmp6(1, 4, 0, q))));
	feed(c, tb_eth(0x86DD, tb_ip6(TB_B6, TB_A6, 58, tb_icmp6(2, 0, 1280, q))));
	feed(c, tb_eth(0x86DD, tb_ip6(TB_B6, TB_A6, 58, tb_icmp6(3, 0, 0, q))));
	feed(c, tb_eth(0x86DD, tb_ip6(TB_B6, TB_A6, 58, tb_icmp6(1, 0, 0, q))));
	feed(c, tb_eth(0x86DD, tb_ip6(TB_B6, TB_A6, 58, tb_icmp6(1, 1, 0, q))));
	feed(c, tb_eth(0x86DD, tb_ip6(TB_B6, TB_A6, 58, tb_icmp6(1, 3, 0, q))));
	feed(c, tb_eth(0x86DD, tb_ip6(TB_B6, TB_A6, 58, tb_icmp6(1, 5, 0, q))));
	feed(c, tb_eth(0x86DD, tb_ip6(TB_B6, TB_A6, 58, tb_icmp6(128, 0, 0, q)))); /* echo */
	enum sw_icmp_kind want[] = {
	    SW_ICMP_PORT_UNREACH, SW_ICMP_FRAG_NEEDED,  SW_ICMP_TIME_EXCEEDED, SW_ICMP_NET_UNREACH,
	    SW_ICMP_ADMIN_PROHIB, SW_ICMP_HOST_UNREACH, SW_ICMP_ADMIN_PROHIB};
	assert_int_equal(c->rs->n, 7);
	for (int i = 0; i < 7; i++) {
		assert_int_equal(c->rs->r[i].type, SW_EV_ICMP);
		assert_int_equal(c->rs->r[i].icmp.kind, want[i]);
		assert_int_equal(c->rs->r[i].icmp.version, 6);
	}
	assert_int_equal(c->rs->r[1].icmp.mtu, 1280);
	assert_addr(c->rs->r[0].icmp.quoted_src, TB_A6, 5060);
	assert_addr(c->rs->r[0].icmp.quoted_dst, TB_B6, 5060);
	assert_addr(c->rs->r[0].icmp.reporter, TB_B6, 0);
	assert_string_equal(c->rs->r[0].q_call_id, "v6@x");
	assert_int_equal(c->rs->r[0].icmp.quoted_cseq, 3);
}

/* ----------------------------------------------------------------- DNS */

static const uint8_t dns_resp[] = {
    0x12,
    0x34,
    0x81,
    0x80,
    0,
    1,
    0,
    3,
    0,
    0,
    0,
    0,
    3,
    'S',
    'I',
    'P',
    7,
    'e',
    'x',
    'a',
    'm',
    'p',
    'l',
    'e',
    3,
    'c',
    'o',
    'm',
    0,
    0,
    1,
    0,
    1,
    /* CNAME -> x.sip.example.com (label + pointer) */
    0xC0,
    12,
    0,
    5,
    0,
    1,
    0,
    0,
    0,
    60,
    0,
    4,
    1,
    'x',
    0xC0,
    12,
    0xC0,
    12,
    0,
    1,
    0,
    1,
    0,
    0,
    0,
    60,
    0,
    4,
    192,
    0,
    2,
    1,
    0xC0,
    12,
    0,
    28,
    0,
    1,
    0,
    0,
    0,
    60,
    0,
    16,
    0x20,
    0x01,
    0x0d,
    0xb8,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    1,
};

static void dns(void **state)
{
	CTX;
	struct sw_dns out;
	assert_int_equal(sw_dns_parse(dns_resp, sizeof dns_resp, &out), 0);
	assert_int_equal(out.id, 0x1234);
	assert_true(out.is_response);
	assert_int_equal(out.rcode, 0);
	assert_string_equal(out.qname, "sip.example.com");
	assert_int_equal(out.qtype, 1);
	assert_int_equal(out.n_answers, 3);
	assert_int_equal(out.n_addrs, 2);
	assert_addr(out.addrs[0], "192.0.2.1", 0);
	assert_addr(out.addrs[1], "2001:db8::1", 0);
	feed(c, tb_eth(0x0800, tb_ip4(TB_B, TB_A, 17,
	                              tb_udp(53, 33333, tb_raw(dns_resp, sizeof dns_resp)))));
	assert_int_equal(c->rs->n, 1);
	assert_int_equal(c->rs->r[0].type, SW_EV_DNS);
	assert_string_equal(c->rs->r[0].dns.qname, "sip.example.com");
	assert_int_equal(ST->dns, 1);

	/* SRV answer (RFC 2782): the target, written with a pointer back to
	 * the question's domain, is kept; a "." target (no service) is not. */
	uint8_t srv[] = {0, 2, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
	                 4, '_', 's', 'i', 'p', 4, '_', 'u', 'd', 'p', 2, 'e', 'x', 0, 0, 33, 0, 1,
	                 /* answer 1: name -> question, SRV, target "sbc1" + pointer to "ex" */
	                 0xC0, 12, 0, 33, 0, 1, 0, 0, 0, 60, 0, 13, 0, 10, 0, 5, 0x13, 0xC4,
	                 4, 's', 'b', 'c', '1', 0xC0, 22,
	                 /* answer 2: target "." */
	                 0xC0, 12, 0, 33, 0, 1, 0, 0, 0, 60, 0, 7, 0, 10, 0, 5, 0x13, 0xC4, 0};
	assert_int_equal(sw_dns_parse(srv, sizeof srv, &out), 0);
	assert_string_equal(out.qname, "_sip._udp.ex");
	assert_int_equal(out.n_answers, 2);
	assert_int_equal(out.n_targets, 1);
	assert_string_equal(out.targets[0], "sbc1.ex");
	/* a target cut short by its record's length is not kept */
	uint8_t cut[sizeof srv];
	memcpy(cut, srv, sizeof srv);
	cut[41] = 10; /* RDLENGTH 10: the target's label runs past it */
	assert_int_equal(sw_dns_parse(cut, sizeof cut, &out), 0);
	assert_int_equal(out.n_targets, 0);

	/* NXDOMAIN, odd characters escaped */
	uint8_t nx[] = {0, 1, 0x81, 0x83, 0,    1,   0, 0, 0,  0, 0,
	                0, 4, 'a',  '.',  0x07, 'B', 0, 0, 33, 0, 1};
	assert_int_equal(sw_dns_parse(nx, sizeof nx, &out), 0);
	assert_int_equal(out.rcode, 3);
	assert_int_equal(out.qtype, 33);
	assert_string_equal(out.qname, "a\\046\\007b");

	/* pointer loops and bad pointers */
	uint8_t self[] = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1};
	assert_int_equal(sw_dns_parse(self, sizeof self, &out), -1);
	uint8_t fwd[] = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 14, 1, 'a', 0, 0, 1, 0, 1};
	assert_int_equal(sw_dns_parse(fwd, sizeof fwd, &out), -1);
	/* a loop through a label: 12: "a" -> pointer to 12 */
	uint8_t lab[] = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0xC0, 12, 0, 1, 0, 1};
	assert_int_equal(sw_dns_parse(lab, sizeof lab, &out), -1);
	feed(c, tb_eth(0x0800, tb_ip4(TB_A, TB_B, 17, tb_udp(33333, 53, tb_raw(lab, sizeof lab)))));
	assert_int_equal(c->rs->n, 1);
	/* a loop in an answer: the answers before it are kept */
	uint8_t ans[sizeof dns_resp + 4];
	memcpy(ans, dns_resp, sizeof dns_resp);
	ans[7] = 4;
	ans[sizeof dns_resp] = 0xC0;
	ans[sizeof dns_resp + 1] = (uint8_t)sizeof dns_resp;
	assert_int_equal(sw_dns_parse(ans, sizeof dns_resp + 2, &out), 0);
	assert_int_equal(out.n_answers, 3);
	/* truncated header and name */
	for (size_t i = 0; i < 33; i++)
		assert_int_equal(sw_dns_parse(dns_resp, i, &out), -1);
	/* a name longer than 255 bytes */
	uint8_t lng[12 + 5 * 64 + 5] = {0, 1, 0, 0, 0, 1};
	size_t p = 12;
	for (int i = 0; i < 5; i++) {
		lng[p++] = 63;
		memset(lng + p, 'a', 63);
		p += 63;
	}
	lng[p++] = 0;
	assert_int_equal(sw_dns_parse(lng, p + 4, &out), -1);
}

/* ------------------------------------------------------ API odds and ends */

static void names_and_api(void **state)
{
	CTX;
	assert_string_equal(sw_transport_name(SW_TP_UDP), "UDP");
	assert_string_equal(sw_transport_name(SW_TP_TCP), "TCP");
	assert_string_equal(sw_transport_name(SW_TP_TLS), "TLS");
	assert_string_equal(sw_transport_name(SW_TP_SCTP), "SCTP");
	assert_string_equal(sw_transport_name(SW_TP_WS), "WS");
	assert_string_equal(sw_icmp_kind_name(SW_ICMP_PORT_UNREACH), "port_unreachable");
	assert_string_equal(sw_icmp_kind_name(SW_ICMP_FRAG_NEEDED), "frag_needed");
	assert_string_equal(sw_keepalive_kind_name(SW_KA_CRLF_PING), "crlf_ping");
	assert_string_equal(sw_keepalive_kind_name(SW_KA_STUN_RESPONSE), "stun_response");
	struct tb m = tb_register(1, "api@x", NULL);
	struct sw_sip_msg msg;
	const char *why = NULL;
	assert_int_equal(sw_decode_sip(c->d, (const char *)m.p, m.n, &msg, &why), 0);
	assert_true(sw_str_eq(msg.call_id, sw_str_c("api@x")));
	assert_int_equal(sw_decode_sip(c->d, "garbage", 7, &msg, &why), -1);
	assert_non_null(why);
	/* a frame with no data at all */
	struct sw_frame f = {.data = NULL, .caplen = 0, .linktype = SW_LINK_ETHERNET};
	sw_decode_frame(c->d, &f, NULL, NULL);
	assert_int_equal(ST->truncated, 1);
	sw_decode_free(NULL);
}

/* ---------------------------------------------------------- truncation */

/* Every strict prefix of a frame: decoded without reading past it, counted
 * as truncated, and no event the whole frame would not give (a cut SIP
 * message comes as SIP_BAD "cut short"). */
static void check_prefixes_slack(int lt, struct tb f, bool tcp_flags_ok, size_t slack)
{
	for (size_t n = 0; n < f.n; n++) {
		struct sw_decode *d = sw_decode_new(NULL);
		struct recs *rs = calloc(1, sizeof *rs);
		tb_feed(d, rs, lt, tb_sub(f, 0, n), 1, 1000);
		sw_decode_finish(d, tb_sink, rs);
		const struct sw_decode_stats *st = sw_decode_get_stats(d);
		if (st->truncated < 1)
			fail_msg("prefix %zu of %zu: not counted as truncated", n, f.n);
		if ((st->sip != 0 && n < f.n - slack) || st->bad_headers != 0)
			fail_msg("prefix %zu of %zu: sip %lu bad %lu", n, f.n,
			         (unsigned long)st->sip, (unsigned long)st->bad_headers);
		for (size_t i = 0; i < rs->n; i++) {
			const struct rec *r = &rs->r[i];
			if (r->type == SW_EV_SIP_BAD) {
				assert_string_equal(r->reason,
				                    "cut short by the capture's snaplen");
				assert_true(r->raw_len < f.n);
			} else if (r->type == SW_EV_TCP) {
				assert_true(tcp_flags_ok);
			} else if (r->type != SW_EV_ICMP && r->type != SW_EV_SIP) {
				fail_msg("prefix %zu: event %d", n, r->type);
			}
		}
		free(rs);
		sw_decode_free(d);
	}
}

static void check_prefixes(int lt, struct tb f, bool tcp_flags_ok)
{
	check_prefixes_slack(lt, f, tcp_flags_ok, 0);
}

static void truncation_every_offset(void **state)
{
	(void)state;
	struct tb reg = tb_register(1, "trunc@x", "v=0\r\n");
	check_prefixes(SW_LINK_ETHERNET, tb_eth(0x0800, udp4(reg)), false);
	check_prefixes(
	    SW_LINK_ETHERNET,
	    tb_eth(0x88A8, tb_vlan(1, 0x8100,
	                           tb_vlan(2, 0x86DD,
	                                   tb_ip6(TB_A6, TB_B6, 0,
	                                          tb_ip6ext(17, tb_udp(5060, 5060, reg)))))),
	    false);
	check_prefixes(
	    SW_LINK_LINUX_SLL,
	    tb_sll(0x0800, tb_ip4(TB_A, TB_B, 6, tb_tcp(40000, 5060, 1, TB_SYN | TB_ACK, reg))),
	    true);
	check_prefixes(SW_LINK_LINUX_SLL2,
	               tb_sll2(0x0800, tb_ip4(TB_A, TB_B, 6, tb_tcp(40000, 6060, 1, TB_ACK, reg))),
	               false);
	check_prefixes(SW_LINK_ETHERNET, tb_eth(0x8864, tb_pppoe(0x0021, udp4(reg))), false);
	check_prefixes(SW_LINK_NULL,
	               tb_null(2, false,
	                       tb_ip4("203.0.113.1", "203.0.113.2", 47,
	                              tb_gre(0x2000, 0x6558, tb_eth(0x0800, udp4(reg))))),
	               false);
	check_prefixes(
	    SW_LINK_ETHERNET,
	    tb_eth(0x0800, tb_ip4(TB_B, TB_A, 1, tb_icmp(3, 3, 0, tb_sub(udp4(reg), 0, 200)))),
	    false);
	/* SCTP: cutting only the chunk padding leaves the message whole. */
	struct tb sctp = tb_sctp_data(5060, 5060, 3, reg);
	check_prefixes_slack(SW_LINK_ETHERNET, tb_eth(0x0800, tb_ip4(TB_A, TB_B, 132, sctp)), false,
	                     sctp.n - 28 - reg.n);
	check_prefixes(SW_LINK_ETHERNET,
	               tb_eth(0x0800, tb_ip4(TB_B, TB_A, 17,
	                                     tb_udp(53, 3333, tb_raw(dns_resp, sizeof dns_resp)))),
	               false);
	check_prefixes(SW_LINK_ETHERNET, frag4(tb_udp(5060, 5060, reg), 5, 0, 256, true), false);
	check_prefixes(
	    SW_LINK_RAW,
	    tb_ip4("203.0.113.1", "203.0.113.2", 17,
	           tb_udp(2152, 2152, tb_cat(tb_raw("\x30\xff\x00\x00\0\0\0\1", 8), udp6(reg)))),
	    false);
}

/* A TCP segment cut by the snaplen in the middle of a stream. */
static void tcp_cut_segment(void **state)
{
	CTX;
	handshake(c, 1);
	struct tb m1 = tb_register(1, "cut1@x", NULL), m2 = tb_register(2, "cut2@x", NULL),
	          m3 = tb_register(3, "cut3@x", NULL);
	uint32_t seq = 2;
	struct tb f = cli(seq, TB_ACK, tb_cat(m1, m2));
	feed(c, tb_sub(f, 0, f.n - 40)); /* m2 loses its last 40 bytes */
	seq += (uint32_t)(m1.n + m2.n);
	feed(c, cli(seq, TB_ACK, m3));
	const struct rec *s[4];
	assert_int_equal(sip_events(c->rs, 0, s), 3);
	assert_string_equal(s[0]->call_id, "cut1@x");
	assert_int_equal(s[1]->type, SW_EV_SIP_BAD);
	assert_string_equal(s[1]->reason, "cut short by the capture's snaplen");
	assert_string_equal(s[1]->call_id, "cut2@x");
	assert_string_equal(s[2]->call_id, "cut3@x");
	assert_int_equal(ST->truncated, 1);
	assert_int_equal(ST->tcp_gaps, 40);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(ethernet_udp_sip),
	    T(all_link_types),
	    T(vlan_qinq),
	    T(pppoe_and_llc),
	    T(ipv6_ext_headers),
	    T(tunnels),
	    T(frag_v4_all_orders),
	    T(frag_v4_three_all_orders),
	    T(frag_v6_all_orders),
	    T(frag_duplicates_overlaps),
	    T(frag_timeout),
	    T(frag_table_limit),
	    T(udp_padding_and_bad),
	    T(keepalives_udp),
	    T(tcp_three_in_one),
	    T(tcp_one_across_five),
	    T(tcp_out_of_order_and_retrans),
	    T(tcp_gap_resync),
	    T(tcp_keepalives_between),
	    T(tcp_body_spanning),
	    T(tcp_seq_wrap),
	    T(tcp_midstream_and_ports),
	    T(tcp_oversize_and_limits),
	    T(tcp_tls_counted),
	    T(tcp_cut_segment),
	    T(websocket),
	    T(websocket_headers),
	    T(sctp_data),
	    T(icmp_port_unreachable),
	    T(icmp_quotes_never_feed_state),
	    T(icmp6_errors),
	    T(dns),
	    T(names_and_api),
	    T(truncation_every_offset),
	};
	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
