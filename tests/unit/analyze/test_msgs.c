/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for the kept message records (analyze/msgs.c): what goes in
 * comes back from sw_analyze_msg() unchanged, whether it fits the compact
 * record (IPv4, one frame) or needs the wide one (IPv6, no address,
 * reassembled, frame or offset past 2^48, many files); CSeq at both ends of
 * its range; the kept text; bounded mode ages whole blocks out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyze/analyze.h"
#include "decode/decode.h"

#define T0 (INT64_C(1700000000) * INT64_C(1000000000))

static struct sw_analyze *new_an(bool keep_raw, size_t max_messages)
{
	struct sw_analyze_opts o;
	memset(&o, 0, sizeof o);
	o.keep_messages = true;
	o.keep_raw = keep_raw;
	o.max_messages = max_messages;
	return sw_analyze_new(&o);
}

static struct sw_addr addr(const char *ip, uint16_t port)
{
	struct sw_addr a;
	memset(&a, 0, sizeof a);
	if (ip)
		assert_int_equal(sw_ip_parse(ip, strlen(ip), &a), 0);
	a.port = port;
	return a;
}

/* A keepalive event with these packet fields; returns the record's id. */
static uint32_t keepalive(struct sw_analyze *an, const struct sw_pkt *p)
{
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.type = SW_EV_KEEPALIVE;
	ev.pkt = *p;
	ev.u.keepalive.kind = SW_KA_CRLF_PING;
	uint32_t before = (uint32_t)sw_analyze_nmsgs(an);
	sw_analyze_event(an, &ev, NULL);
	assert_int_equal(sw_analyze_nmsgs(an), before + 1);
	return before;
}

static void same_pkt(struct sw_analyze *an, uint32_t id, const struct sw_pkt *p)
{
	struct sw_msg buf;
	const struct sw_msg *m = sw_analyze_msg(an, id, &buf);
	assert_non_null(m);
	assert_ptr_equal(m, &buf);
	assert_int_equal(m->id, id);
	assert_int_equal(m->ts_ns, p->ts_ns);
	assert_int_equal(m->frame_no, p->frame_no);
	assert_int_equal(m->first_frame_no, p->first_frame_no);
	assert_int_equal(m->offset, p->offset);
	assert_int_equal(m->file_idx, p->file_idx);
	assert_int_equal(m->src.family, p->src.family);
	assert_int_equal(m->dst.family, p->dst.family);
	assert_memory_equal(m->src.ip, p->src.ip, sizeof p->src.ip);
	assert_memory_equal(m->dst.ip, p->dst.ip, sizeof p->dst.ip);
	assert_int_equal(m->src.port, p->src.port);
	assert_int_equal(m->dst.port, p->dst.port);
	assert_int_equal(m->transport, p->transport);
	assert_int_equal(m->kind, SW_MSG_KEEPALIVE);
	assert_string_equal(m->label, "keepalive crlf_ping");
	assert_int_equal(m->cseq, -1);
	assert_int_equal(m->item, UINT32_MAX);
	assert_null(m->raw);
}

static void packet_fields_round_trip(void **state)
{
	(void)state;
	struct sw_analyze *an = new_an(false, 0);
	struct sw_pkt p[8];
	memset(p, 0, sizeof p);
	for (size_t i = 0; i < 8; i++) {
		p[i].ts_ns = T0 + (int64_t)i;
		p[i].frame_no = p[i].first_frame_no = 10 + i;
		p[i].offset = 24 + 100 * i;
		p[i].src = addr("192.0.2.1", 5060);
		p[i].dst = addr("198.51.100.7", (uint16_t)(40000 + i));
		p[i].transport = SW_TP_UDP;
	}
	p[1].src = addr("2001:db8::1", 5062);                   /* IPv6 */
	p[2].dst = addr(NULL, 0);                               /* no address */
	p[3].first_frame_no = 2;                                /* reassembled */
	p[3].transport = SW_TP_TCP;
	p[4].frame_no = p[4].first_frame_no = (UINT64_C(1) << 48) + 5; /* past 48 bits */
	p[5].offset = UINT64_C(1) << 50;
	p[6].file_idx = 300;                                    /* many inputs */
	p[7].file_idx = 254;                                    /* the last the record holds */
	p[7].frame_no = p[7].first_frame_no = (UINT64_C(1) << 48) - 1;
	p[7].offset = (UINT64_C(1) << 48) - 1;
	uint32_t id[8];
	for (size_t i = 0; i < 8; i++)
		id[i] = keepalive(an, &p[i]);
	for (size_t i = 0; i < 8; i++)
		same_pkt(an, id[i], &p[i]);
	struct sw_msg buf;
	assert_null(sw_analyze_msg(an, 8, &buf));
	assert_null(sw_analyze_msg(an, UINT32_MAX, &buf));
	sw_analyze_free(an);
}

static uint32_t sip(struct sw_analyze *an, struct sw_decode *dec, uint64_t frame, const char *text)
{
	struct sw_sip_msg m;
	const char *why = NULL;
	if (sw_decode_sip(dec, text, strlen(text), &m, &why) != 0)
		fail_msg("test message rejected: %s", why ? why : "?");
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.type = SW_EV_SIP;
	ev.pkt.ts_ns = T0 + (int64_t)frame;
	ev.pkt.frame_no = ev.pkt.first_frame_no = frame;
	ev.pkt.src = addr("192.0.2.1", 5060);
	ev.pkt.dst = addr("198.51.100.7", 5060);
	ev.pkt.transport = SW_TP_UDP;
	ev.u.sip = &m;
	struct sw_msg_note n;
	sw_analyze_event(an, &ev, &n);
	return n.msg_id;
}

#define REG(cseq) \
	"REGISTER sip:example.com SIP/2.0\r\n" \
	"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-" cseq "\r\n" \
	"From: <sip:100@example.com>;tag=f1\r\nTo: <sip:100@example.com>\r\n" \
	"Call-ID: msgs-1@phone\r\nCSeq: " cseq " REGISTER\r\n" \
	"Contact: <sip:100@192.0.2.1:5060>\r\nContent-Length: 0\r\n\r\n"

static void sip_fields_and_text(void **state)
{
	(void)state;
	struct sw_analyze *an = new_an(true, 0);
	struct sw_decode *dec = sw_decode_new(NULL);
	uint32_t a = sip(an, dec, 1, REG("4294967295"));
	uint32_t b = sip(an, dec, 2, REG("0"));
	uint32_t c = sip(an, dec, 3,
			 "SIP/2.0 200 OK\r\n"
			 "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-0\r\n"
			 "From: <sip:100@example.com>;tag=f1\r\nTo: <sip:100@example.com>;tag=s\r\n"
			 "Call-ID: msgs-1@phone\r\nCSeq: 0 REGISTER\r\nContent-Length: 0\r\n\r\n");
	struct sw_msg buf;
	const struct sw_msg *m = sw_analyze_msg(an, a, &buf);
	assert_non_null(m);
	assert_int_equal(m->kind, SW_MSG_SIP);
	assert_true(m->is_request);
	assert_int_equal(m->cseq, INT64_C(4294967295));
	assert_int_equal(m->status, 0);
	assert_string_equal(m->label, "REGISTER");
	assert_non_null(m->raw);
	assert_int_equal(m->raw_len, strlen(REG("4294967295")));
	assert_memory_equal(m->raw, REG("4294967295"), m->raw_len);
	assert_int_not_equal(m->item, UINT32_MAX);
	m = sw_analyze_msg(an, b, &buf);
	assert_int_equal(m->cseq, 0);
	m = sw_analyze_msg(an, c, &buf);
	assert_false(m->is_request);
	assert_int_equal(m->status, 200);
	assert_string_equal(m->label, "200 OK");
	assert_int_equal(m->cseq, 0);
	assert_false(m->retrans);
	sw_decode_free(dec);
	sw_analyze_free(an);
}

/* Bounded mode: whole blocks go, wide records and texts with them. */
static void bounded_ages_blocks(void **state)
{
	(void)state;
	struct sw_analyze *an = new_an(true, 1500);
	struct sw_pkt p;
	memset(&p, 0, sizeof p);
	p.src = addr("2001:db8::1", 5060);
	p.dst = addr("2001:db8::2", 5060);
	p.transport = SW_TP_UDP;
	for (uint32_t i = 0; i < 5000; i++) {
		p.ts_ns = T0 + i;
		p.frame_no = p.first_frame_no = i + 1;
		keepalive(an, &p);
	}
	struct sw_msg buf;
	assert_null(sw_analyze_msg(an, 0, &buf));
	assert_null(sw_analyze_msg(an, 2047, &buf));
	p.ts_ns = T0 + 4999;
	p.frame_no = p.first_frame_no = 5000;
	same_pkt(an, 4999, &p);
	struct sw_analyze_stats st;
	sw_analyze_get_stats(an, &st);
	assert_true(st.msgs_aged_out > 0);
	assert_int_equal(st.msgs_aged_out % 1024, 0);
	sw_analyze_free(an);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(packet_fields_round_trip),
		cmocka_unit_test(sip_fields_and_text),
		cmocka_unit_test(bounded_ages_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
