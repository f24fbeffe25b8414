/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for analyze/pair.c on hand-built message sequences: two files
 * (0 = next to the phone, 1 = at the server, unless swapped) holding the same
 * SIP traffic through a NAT, with the server's clock off, retransmissions,
 * losses in each direction, normalisation that must not report a change, SIP
 * ALG rewrites that must, a rewritten Call-ID, unrelated files, and a
 * message with more lines than the limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyze/analyze.h"
#include "analyze/pair.h"
#include "decode/decode.h"

#define MS INT64_C(1000000)
#define SEC INT64_C(1000000000)
#define T0 (INT64_C(1700000000) * SEC)
#define MAX_EVS 128
#define TEXT_MAX 16384

struct qev {
	uint32_t file;
	int64_t ts;
	bool up;               /* phone -> server */
	char *text;
};

struct fx {
	struct sw_decode *dec;
	struct sw_analyze *an;
	struct sw_addr phone, pub, server;
	int64_t offset, delay; /* server clock - phone clock; one-way delay */
	uint32_t phone_file;   /* file index of the phone side */
	struct qev q[MAX_EVS];
	size_t nq;
	uint64_t frames[2];
	uint32_t first_msg[MAX_EVS]; /* msg id per queued event, in queue order */
};

static struct fx *fx_new(bool pair)
{
	struct fx *x = calloc(1, sizeof *x);
	x->dec = sw_decode_new(NULL);
	struct sw_analyze_opts o;
	memset(&o, 0, sizeof o);
	o.keep_messages = true;
	o.pair = pair;
	x->an = sw_analyze_new(&o);
	sw_ip_parse("192.168.1.100", 13, &x->phone);
	x->phone.port = 5060;
	sw_ip_parse("203.0.113.7", 11, &x->pub);
	x->pub.port = 40000;
	sw_ip_parse("198.51.100.10", 13, &x->server);
	x->server.port = 5060;
	return x;
}

static int setup(void **state)
{
	*state = fx_new(true);
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	sw_analyze_free(x->an);
	sw_decode_free(x->dec);
	for (size_t i = 0; i < x->nq; i++)
		free(x->q[i].text);
	free(x);
	return 0;
}

static void queue(struct fx *x, uint32_t side, int64_t ts, bool up, const char *text)
{
	assert_true(x->nq < MAX_EVS);
	struct qev *e = &x->q[x->nq++];
	e->file = side == SW_SIDE_PHONE ? x->phone_file : 1 - x->phone_file;
	e->ts = ts;
	e->up = up;
	e->text = strdup(text);
}

/* One message on the wire: sent at t (phone clock) by its sender, captured on
 * the sender's side at once and on the other side after the delay, on that
 * side's clock; `seen` says which sides captured it (bit 0 phone, bit 1 server). */
static void wire(struct fx *x, int64_t t, bool up, unsigned seen, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void wire(struct fx *x, int64_t t, bool up, unsigned seen, const char *fmt, ...)
{
	char text[TEXT_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	int64_t at_phone = up ? t : t + x->delay;
	int64_t at_server = (up ? t + x->delay : t) + x->offset;
	if (seen & 1)
		queue(x, SW_SIDE_PHONE, T0 + at_phone, up, text);
	if (seen & 2)
		queue(x, SW_SIDE_SERVER, T0 + at_server, up, text);
}

/* The server side's copy differs (an ALG): queue both copies explicitly. */
static void wire2(struct fx *x, int64_t t, bool up, const char *phone_text,
		  const char *server_text)
{
	int64_t at_phone = up ? t : t + x->delay;
	int64_t at_server = (up ? t + x->delay : t) + x->offset;
	queue(x, SW_SIDE_PHONE, T0 + at_phone, up, phone_text);
	queue(x, SW_SIDE_SERVER, T0 + at_server, up, server_text);
}

static int qcmp(const void *a, const void *b)
{
	const struct qev *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->file < y->file ? -1 : x->file > y->file;
}

/* Feeds the queue in capture order (as the capture merges the files), then
 * ends the analysis. */
static const struct sw_pair *run(struct fx *x)
{
	qsort(x->q, x->nq, sizeof *x->q, qcmp);
	int64_t last = 0;
	for (size_t i = 0; i < x->nq; i++) {
		struct qev *e = &x->q[i];
		struct sw_sip_msg m;
		const char *why = NULL;
		if (sw_decode_sip(x->dec, e->text, strlen(e->text), &m, &why) != 0)
			fail_msg("test message rejected: %s", why ? why : "?");
		struct sw_ev ev;
		memset(&ev, 0, sizeof ev);
		ev.type = SW_EV_SIP;
		ev.pkt.ts_ns = e->ts;
		ev.pkt.file_idx = e->file;
		ev.pkt.frame_no = ev.pkt.first_frame_no = ++x->frames[e->file];
		ev.pkt.transport = SW_TP_UDP;
		bool on_phone_side = e->file == x->phone_file;
		const struct sw_addr *ph = on_phone_side ? &x->phone : &x->pub;
		ev.pkt.src = e->up ? *ph : x->server;
		ev.pkt.dst = e->up ? x->server : *ph;
		ev.u.sip = &m;
		struct sw_msg_note n;
		sw_analyze_event(x->an, &ev, &n);
		x->first_msg[i] = n.msg_id;
		if (e->ts > last)
			last = e->ts;
	}
	sw_analyze_finish(x->an, last);
	const struct sw_pair *p = sw_analyze_pair(x->an);
	assert_non_null(p);
	return p;
}

#define VIA_PH "Via: SIP/2.0/UDP 192.168.1.100:5060;branch=%s;rport\r\n"
#define FROM_TO "From: <sip:100@example.com>;tag=f1\r\nTo: <sip:100@example.com>\r\n"

static void reg(struct fx *x, int64_t t, unsigned seen, const char *branch, int cseq)
{
	wire(x, t, true, seen,
	     "REGISTER sip:example.com SIP/2.0\r\n" VIA_PH "Max-Forwards: 70\r\n" FROM_TO
	     "Call-ID: reg-1@192.168.1.100\r\nCSeq: %d REGISTER\r\n"
	     "Contact: <sip:100@192.168.1.100:5060>\r\nExpires: 60\r\n"
	     "User-Agent: FIP11W 2.0\r\nContent-Length: 0\r\n\r\n",
	     branch, cseq);
}

static void resp(struct fx *x, int64_t t, unsigned seen, const char *branch, int cseq, int status,
		 const char *reason)
{
	wire(x, t, false, seen,
	     "SIP/2.0 %d %s\r\n"
	     "Via: SIP/2.0/UDP 192.168.1.100:5060;branch=%s;received=203.0.113.7;rport=40000\r\n"
	     "From: <sip:100@example.com>;tag=f1\r\nTo: <sip:100@example.com>;tag=s1\r\n"
	     "Call-ID: reg-1@192.168.1.100\r\nCSeq: %d REGISTER\r\n"
	     "Contact: <sip:100@192.168.1.100:5060>;expires=60\r\nContent-Length: 0\r\n\r\n",
	     status, reason, branch, cseq);
}

static const struct sw_finding *finding(struct fx *x, const char *kind, const char *cause)
{
	for (size_t i = 0; i < sw_analyze_nfindings(x->an); i++) {
		const struct sw_finding *f = sw_analyze_finding(x->an, i);
		if (!strcmp(sw_kind_name(f->kind), kind) && !strcmp(sw_finding_cause(f), cause))
			return f;
	}
	return NULL;
}

static const char *fact(const struct sw_finding *f, const char *key)
{
	for (size_t i = 0; i < f->n_facts; i++)
		if (!strcmp(f->facts[i].key, key))
			return f->facts[i].value;
	return NULL;
}

static const struct sw_pair_diff *diff(const struct sw_pair_match *m, const char *field,
				       unsigned idx)
{
	for (size_t i = 0; i < m->n_diffs; i++)
		if (!strcmp(m->diffs[i].field, field) && m->diffs[i].index == idx)
			return &m->diffs[i];
	return NULL;
}

/* ---- clock offset, roles, mappings, lookups -------------------------------- */

static void test_offset_roles(void **state)
{
	struct fx *x = *state;
	x->offset = 3500 * MS;
	x->delay = 20 * MS;
	char br[32];
	for (int k = 0; k < 4; k++) {
		snprintf(br, sizeof br, "z9hG4bK-r%d", k);
		reg(x, k * 10 * SEC, 3, br, k + 1);
		resp(x, k * 10 * SEC + 45 * MS, 3, br, k + 1, 200, "OK");
	}
	const struct sw_pair *p = run(x);
	const struct sw_pair_summary *s = sw_pair_summary(p);
	assert_int_equal(s->status, SW_PAIR_PAIRED);
	assert_int_equal(s->file[SW_SIDE_PHONE], 0);
	assert_int_equal(s->confidence, SW_CONF_HIGH);
	assert_int_equal(s->cues_for, SW_CUE_PRIVATE | SW_CUE_VIA | SW_CUE_TIMING);
	assert_int_equal(s->cues_against, 0);
	assert_true(s->offset.known);
	assert_false(s->offset.one_direction);
	assert_true(llabs(s->offset.offset_ns - 3500 * MS) < MS);
	assert_true(llabs(s->offset.delay_ns - 20 * MS) < MS);
	assert_int_equal(s->matched, 8);
	assert_int_equal(s->delivered[SW_DIR_TO_SERVER], 4);
	assert_int_equal(s->delivered[SW_DIR_TO_PHONE], 4);
	assert_int_equal(s->lost[0] + s->lost[1], 0);
	assert_int_equal(s->changed, 0);
	assert_int_equal(sw_pair_nmappings(p), 1);
	const struct sw_pair_mapping *mp = sw_pair_mapping(p, 0);
	assert_int_equal(mp->role, SW_SIDE_PHONE);
	assert_true(sw_addr_eq(&mp->inside, &x->phone));
	assert_true(sw_addr_eq(&mp->outside, &x->pub));
	assert_int_equal(mp->messages, 8);
	/* matches in the phone side's order, with both copies */
	assert_int_equal(sw_pair_nmatches(p), 8);
	for (size_t i = 0; i < 8; i++) {
		const struct sw_pair_match *m = sw_pair_match(p, i);
		assert_int_equal(m->id, i);
		assert_int_equal(m->dir, i % 2 ? SW_DIR_TO_PHONE : SW_DIR_TO_SERVER);
		assert_int_equal(m->copy[SW_SIDE_PHONE].frame_no, i + 1);
		assert_int_equal(m->copy[SW_SIDE_SERVER].frame_no, i + 1);
		assert_true(llabs(m->transit_ns - 20 * MS) < MS);
		assert_true(m->compared);
		assert_int_equal(m->n_diffs, 0);
		assert_non_null(m->copy[SW_SIDE_PHONE].text);
		assert_ptr_equal(sw_pair_match_of_msg(p, m->copy[SW_SIDE_PHONE].msg_id), m);
		assert_ptr_equal(sw_pair_match_of_msg(p, m->copy[SW_SIDE_SERVER].msg_id), m);
		assert_ptr_equal(sw_pair_match_of_frame(p, 1, i + 1), m);
	}
	assert_string_equal(sw_pair_match(p, 1)->label, "200 OK");
	assert_null(sw_pair_match_of_msg(p, UINT32_MAX));
	assert_null(sw_pair_match_of_frame(p, 0, 99));
	assert_null(finding(x, "alg.rewrite", "path_diff"));
	assert_null(finding(x, "nat.return_path_blocked", "path_loss"));
}

/* The same with file 0 taken at the server: detected, reported by side. */
static void test_swapped_files(void **state)
{
	struct fx *x = *state;
	x->phone_file = 1;
	x->offset = -2 * SEC;
	x->delay = 5 * MS;
	reg(x, 0, 3, "z9hG4bK-a", 1);
	resp(x, 10 * MS, 3, "z9hG4bK-a", 1, 200, "OK");
	reg(x, 5 * SEC, 3, "z9hG4bK-b", 2);
	resp(x, 5 * SEC + 10 * MS, 3, "z9hG4bK-b", 2, 200, "OK");
	const struct sw_pair *p = run(x);
	const struct sw_pair_summary *s = sw_pair_summary(p);
	assert_int_equal(s->status, SW_PAIR_PAIRED);
	assert_int_equal(s->file[SW_SIDE_PHONE], 1);
	assert_int_equal(s->file[SW_SIDE_SERVER], 0);
	assert_true(llabs(s->offset.offset_ns + 2 * SEC) < MS);
	assert_true(llabs(s->offset.delay_ns - 5 * MS) < MS);
	const struct sw_pair_match *m = sw_pair_match(p, 0);
	assert_int_equal(m->copy[SW_SIDE_PHONE].file_idx, 1);
	assert_true(sw_addr_eq(&m->copy[SW_SIDE_PHONE].src, &x->phone));
	assert_true(sw_addr_eq(&sw_pair_mapping(p, 0)->inside, &x->phone));
}

/* ---- retransmissions and losses ------------------------------------------------ */

/* The k-th copy on one side goes with the k-th copy that arrived, by time,
 * not by rank: the first REGISTER never reached the server, the first 401
 * never reached the phone. */
static void test_retransmissions(void **state)
{
	struct fx *x = *state;
	x->offset = 1200 * MS;
	x->delay = 30 * MS;
	reg(x, 0, 3, "z9hG4bK-1", 1);
	resp(x, 40 * MS, 3, "z9hG4bK-1", 1, 200, "OK");
	reg(x, 10 * SEC, 1, "z9hG4bK-2", 2);              /* lost on the way */
	reg(x, 10500 * MS, 3, "z9hG4bK-2", 2);
	resp(x, 10540 * MS, 2, "z9hG4bK-2", 2, 401, "Unauthorized"); /* lost */
	reg(x, 11500 * MS, 3, "z9hG4bK-2", 2);
	resp(x, 11540 * MS, 3, "z9hG4bK-2", 2, 401, "Unauthorized");
	reg(x, 20 * SEC, 3, "z9hG4bK-3", 3);
	resp(x, 20040 * MS, 3, "z9hG4bK-3", 3, 200, "OK");
	const struct sw_pair *p = run(x);
	const struct sw_pair_summary *s = sw_pair_summary(p);
	assert_int_equal(s->status, SW_PAIR_PAIRED);
	assert_true(llabs(s->offset.offset_ns - 1200 * MS) < MS);
	assert_int_equal(s->matched, 7);
	assert_int_equal(s->lost[SW_DIR_TO_SERVER], 1);
	assert_int_equal(s->lost[SW_DIR_TO_PHONE], 1);
	/* phone frames: 1 REG, 2 200, 3-4 REG copies 1-2, 5 401, 6 REG copy 3, 7 401... */
	const struct sw_pair_match *m = sw_pair_match_of_frame(p, 0, 4);
	assert_non_null(m);
	assert_int_equal(m->copy[SW_SIDE_SERVER].frame_no, 3); /* its first copy there */
	assert_null(sw_pair_match_of_frame(p, 0, 3));
	const struct sw_pair_loss *l = sw_pair_loss_of_frame(p, 0, 3);
	assert_non_null(l);
	assert_int_equal(l->dir, SW_DIR_TO_SERVER);
	assert_int_equal(l->side, SW_SIDE_PHONE);
	assert_string_equal(l->label, "REGISTER");
	l = sw_pair_loss_of_frame(p, 1, 4);
	assert_non_null(l);
	assert_int_equal(l->dir, SW_DIR_TO_PHONE);
	assert_int_equal(l->side, SW_SIDE_SERVER);
	assert_int_equal(l->cseq, 2);
	assert_true(llabs(l->expected_ns - (T0 + 10570 * MS)) < MS);
	assert_int_equal(sw_pair_nlosses(p), 2);
	assert_ptr_equal(sw_pair_loss(p, 0), sw_pair_loss_of_frame(p, 0, 3));
	/* one of each is no pattern */
	assert_null(finding(x, "nat.return_path_blocked", "path_loss"));
}

/* Every answer lost: the pattern, with the lost frames and the phone's
 * retransmissions as evidence. Only phone->server samples: one direction. */
static void test_return_path_blocked(void **state)
{
	struct fx *x = *state;
	x->offset = -700 * MS;
	x->delay = 15 * MS;
	int64_t at[] = { 0, 500, 1500, 3500, 7500 };
	for (int k = 0; k < 5; k++) {
		reg(x, at[k] * MS, 3, "z9hG4bK-x", 1);
		resp(x, at[k] * MS + 16 * MS, 2, "z9hG4bK-x", 1, 401, "Unauthorized");
	}
	const struct sw_pair *p = run(x);
	const struct sw_pair_summary *s = sw_pair_summary(p);
	assert_int_equal(s->status, SW_PAIR_PAIRED);
	assert_int_equal(s->file[SW_SIDE_PHONE], 0);
	assert_true(s->offset.one_direction);
	assert_int_equal(s->matched, 5);
	/* the last 401 is due after the phone's capture ends */
	assert_int_equal(s->lost[SW_DIR_TO_PHONE], 4);
	assert_int_equal(s->outside_window[SW_DIR_TO_PHONE], 1);
	const struct sw_finding *f = finding(x, "nat.return_path_blocked", "path_loss");
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_ERROR);
	assert_false(f->suspected);
	assert_string_equal(fact(f, "lost_to_phone"), "4");
	assert_string_equal(fact(f, "delivered_to_phone"), "0");
	assert_string_equal(fact(f, "public"), "203.0.113.7:40000");
	assert_string_equal(fact(f, "phone"), "192.168.1.100:5060");
	assert_true(sw_addr_eq(&f->client, &x->phone));
	/* 4 lost 401s on the server side + the 5 REGISTER copies on the phone side */
	assert_int_equal(f->evidence_total, 9);
	size_t on_server = 0;
	for (size_t i = 0; i < f->n_evidence; i++)
		on_server += f->evidence[i].file_idx == 1;
	assert_int_equal(on_server, 4);
	struct sw_finding_texts tx;
	sw_finding_texts(x->an, f, SW_TEXT_ALL, &tx);
	assert_non_null(tx.summary);
	assert_non_null(tx.explanation);
	assert_non_null(tx.advice);
	sw_finding_texts_free(&tx);
}

/* ---- diffs ---------------------------------------------------------------------- */

/* Compact header forms, other case and spacing, folding, another header
 * order, and received= rewritten back (NAT traversal, RFC 3581): the same
 * message, no rewrite, no finding. */
static void test_normalisation(void **state)
{
	struct fx *x = *state;
	x->delay = 10 * MS;
	reg(x, 0, 3, "z9hG4bK-n0", 1);
	resp(x, 20 * MS, 3, "z9hG4bK-n0", 1, 200, "OK");
	wire2(x, 5 * SEC, true,
	      "REGISTER sip:example.com SIP/2.0\r\n"
	      "Via: SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bK-n1;rport\r\n"
	      "Max-Forwards: 70\r\n" FROM_TO
	      "Call-ID: reg-1@192.168.1.100\r\nCSeq: 2 REGISTER\r\n"
	      "Contact: <sip:100@192.168.1.100:5060>, <sip:100@192.168.1.100:5062>\r\n"
	      "Supported: path, outbound\r\nContent-Length: 0\r\n\r\n",
	      "REGISTER sip:example.com SIP/2.0\r\n"
	      "v:  SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bK-n1;rport\r\n"
	      "f: <sip:100@example.com>;tag=f1\r\nt: <sip:100@example.com>\r\n"
	      "MAX-FORWARDS:70\r\n"
	      "i: reg-1@192.168.1.100\r\ncseq: 2\r\n  REGISTER\r\n"
	      "m: <sip:100@192.168.1.100:5060>\r\nContact: <sip:100@192.168.1.100:5062>\r\n"
	      "k: path,outbound\r\nl: 0\r\n\r\n");
	wire2(x, 5 * SEC + 20 * MS, false,
	      "SIP/2.0 200 OK\r\n"
	      "Via: SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bK-n1;received=192.168.1.100;rport=5060\r\n"
	      "From: <sip:100@example.com>;tag=f1\r\nTo: <sip:100@example.com>;tag=s1\r\n"
	      "Call-ID: reg-1@192.168.1.100\r\nCSeq: 2 REGISTER\r\nContent-Length: 0\r\n\r\n",
	      "SIP/2.0 200 OK\r\n"
	      "Via: SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bK-n1;received=203.0.113.7;rport=40000\r\n"
	      "From: <sip:100@example.com>;tag=f1\r\nTo: <sip:100@example.com>;tag=s1\r\n"
	      "Call-ID: reg-1@192.168.1.100\r\nCSeq: 2 REGISTER\r\nContent-Length: 0\r\n\r\n");
	const struct sw_pair *p = run(x);
	const struct sw_pair_summary *s = sw_pair_summary(p);
	assert_int_equal(s->matched, 4);
	assert_int_equal(s->changed, 0);
	assert_int_equal(s->rewrites, 0);
	const struct sw_pair_match *m = sw_pair_match(p, 2);
	assert_true(m->compared);
	assert_int_equal(m->n_diffs, 0);
	m = sw_pair_match(p, 3);
	assert_int_equal(m->n_diffs, 1);
	const struct sw_pair_diff *d = diff(m, "Via", 0);
	assert_non_null(d);
	assert_int_equal(d->cls, SW_DIFF_NAT);
	/* sender's copy (the server's) before, the phone's after */
	assert_non_null(strstr(d->before, "received=203.0.113.7"));
	assert_non_null(strstr(d->after, "received=192.168.1.100"));
	assert_null(finding(x, "alg.rewrite", "path_diff"));
}

#define SDP(ip, port) \
	"v=0\r\no=- 1 1 IN IP4 " ip "\r\ns=-\r\nc=IN IP4 " ip "\r\nt=0 0\r\n" \
	"m=audio " port " RTP/AVP 0 8\r\na=sendrecv\r\n"

static void invite(char *buf, size_t cap, const char *via_host, const char *callid,
		   const char *contact_host, const char *sdp)
{
	snprintf(buf, cap,
		 "INVITE sip:200@example.com SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP %s;branch=z9hG4bK-inv;rport\r\n"
		 "From: <sip:100@example.com>;tag=c1\r\nTo: <sip:200@example.com>\r\n"
		 "Call-ID: %s\r\nCSeq: 1 INVITE\r\nContact: <sip:100@%s>\r\n"
		 "User-Agent: FIP11W 2.0\r\nContent-Type: application/sdp\r\n"
		 "Content-Length: %zu\r\n\r\n%s",
		 via_host, callid, contact_host, strlen(sdp), sdp);
}

/* A SIP ALG: Via, Contact, SDP c=/o=/m= and Content-Length rewritten on the
 * way to the server; reported with before/after, lines located in each copy. */
static void test_alg_rewrite(void **state)
{
	struct fx *x = *state;
	x->delay = 10 * MS;
	reg(x, 0, 3, "z9hG4bK-a0", 1);
	resp(x, 20 * MS, 3, "z9hG4bK-a0", 1, 200, "OK");
	char a[2048], b[2048];
	invite(a, sizeof a, "192.168.1.100:5060", "call-9@192.168.1.100", "192.168.1.100:5060",
	       SDP("192.168.1.100", "40000"));
	invite(b, sizeof b, "203.0.113.7:40000", "call-9@192.168.1.100", "203.0.113.7:40000",
	       SDP("203.0.113.7", "1028"));
	wire2(x, 3 * SEC, true, a, b);
	const struct sw_pair *p = run(x);
	const struct sw_pair_summary *s = sw_pair_summary(p);
	assert_int_equal(s->matched, 3);
	assert_int_equal(s->changed, 1);
	const struct sw_pair_match *m = sw_pair_match(p, 2);
	assert_string_equal(m->label, "INVITE");
	assert_int_equal(m->dir, SW_DIR_TO_SERVER);
	const struct sw_pair_diff *d = diff(m, "Via", 0);
	assert_non_null(d);
	assert_int_equal(d->cls, SW_DIFF_REWRITE);
	assert_true(d->nat_translated);
	assert_string_equal(d->before, "SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bK-inv;rport");
	assert_string_equal(d->after, "SIP/2.0/UDP 203.0.113.7:40000;branch=z9hG4bK-inv;rport");
	d = diff(m, "Contact", 0);
	assert_non_null(d);
	assert_string_equal(d->after, "<sip:100@203.0.113.7:40000>");
	d = diff(m, "SDP c=", 0);
	assert_non_null(d);
	assert_string_equal(d->before, "IN IP4 192.168.1.100");
	assert_string_equal(d->after, "IN IP4 203.0.113.7");
	/* the line, located in each copy's text */
	const struct sw_pair_copy *cp = &m->copy[SW_SIDE_PHONE], *cs = &m->copy[SW_SIDE_SERVER];
	assert_true(d->len[SW_SIDE_PHONE] > 0 && d->len[SW_SIDE_SERVER] > 0);
	assert_memory_equal(cp->text + d->off[SW_SIDE_PHONE], "c=IN IP4 192.168.1.100",
			    d->len[SW_SIDE_PHONE]);
	assert_memory_equal(cs->text + d->off[SW_SIDE_SERVER], "c=IN IP4 203.0.113.7",
			    d->len[SW_SIDE_SERVER]);
	d = diff(m, "SDP m=", 0);
	assert_non_null(d);
	assert_string_equal(d->after, "audio 1028 RTP/AVP 0 8");
	assert_false(d->nat_translated);
	assert_non_null(diff(m, "SDP o=", 0));
	assert_non_null(diff(m, "Content-Length", 0));
	assert_null(diff(m, "User-Agent", 0));
	assert_null(diff(m, "SDP a=", 0));
	/* in the sender's order: Via first, SDP m= after SDP c= */
	assert_string_equal(m->diffs[0].field, "Via");
	const struct sw_finding *f = finding(x, "alg.rewrite", "path_diff");
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_WARNING);
	assert_false(f->suspected);
	assert_string_equal(fact(f, "sdp_c"), "IN IP4 192.168.1.100 => IN IP4 203.0.113.7");
	assert_string_equal(fact(f, "changed_messages"), "1 of 3");
	assert_int_equal(f->evidence_total, 2);
}

/* An ALG that also rewrites the Call-ID's host part: pass A misses it, pass
 * B (Call-ID local part, From tag, CSeq) on the mapped flow finds it. */
static void test_callid_rewritten(void **state)
{
	struct fx *x = *state;
	x->delay = 10 * MS;
	reg(x, 0, 3, "z9hG4bK-c0", 1);
	resp(x, 20 * MS, 3, "z9hG4bK-c0", 1, 200, "OK");
	char a[2048], b[2048];
	invite(a, sizeof a, "192.168.1.100:5060", "call-7@192.168.1.100", "192.168.1.100:5060",
	       SDP("192.168.1.100", "40000"));
	invite(b, sizeof b, "192.168.1.100:5060", "call-7@203.0.113.7", "192.168.1.100:5060",
	       SDP("192.168.1.100", "40000"));
	wire2(x, 2 * SEC, true, a, b);
	const struct sw_pair *p = run(x);
	const struct sw_pair_summary *s = sw_pair_summary(p);
	assert_int_equal(s->matched, 3);
	assert_int_equal(s->lost[0] + s->lost[1], 0);
	const struct sw_pair_match *m = sw_pair_match(p, 2);
	assert_int_equal(m->n_diffs, 1);
	const struct sw_pair_diff *d = diff(m, "Call-ID", 0);
	assert_non_null(d);
	assert_int_equal(d->cls, SW_DIFF_REWRITE);
	assert_true(d->nat_translated);
}

/* ---- not a pair ------------------------------------------------------------------- */

static void test_unrelated(void **state)
{
	struct fx *x = *state;
	reg(x, 0, 1, "z9hG4bK-u1", 1);
	resp(x, 20 * MS, 1, "z9hG4bK-u1", 1, 200, "OK");
	wire(x, SEC, true, 2,
	     "REGISTER sip:example.com SIP/2.0\r\n" VIA_PH FROM_TO
	     "Call-ID: other@host\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n",
	     "z9hG4bK-u2");
	const struct sw_pair *p = run(x);
	const struct sw_pair_summary *s = sw_pair_summary(p);
	assert_int_equal(s->status, SW_PAIR_UNRELATED);
	assert_non_null(s->reason);
	assert_int_equal(sw_pair_nmatches(p), 0);
	assert_int_equal(sw_pair_nlosses(p), 0);
	assert_int_equal(sw_pair_nmappings(p), 0);
}

static void test_off_without_opt(void **state)
{
	(void)state;
	struct fx *x = fx_new(false);
	assert_null(sw_analyze_pair(x->an));
	reg(x, 0, 3, "z9hG4bK-o", 1);
	qsort(x->q, x->nq, sizeof *x->q, qcmp);
	sw_analyze_finish(x->an, T0);
	assert_null(sw_analyze_pair(x->an));
	teardown((void **)&x);
}

/* ---- limits ------------------------------------------------------------------------ */

/* More lines than SW_PAIR_MAX_LINES, all different, long values: bounded. */
static void test_many_lines(void **state)
{
	struct fx *x = *state;
	x->delay = 10 * MS;
	reg(x, 0, 3, "z9hG4bK-l0", 1);
	resp(x, 20 * MS, 3, "z9hG4bK-l0", 1, 200, "OK");
	static char a[TEXT_MAX], b[TEXT_MAX];
	int na = snprintf(a, sizeof a,
			  "OPTIONS sip:example.com SIP/2.0\r\n" VIA_PH FROM_TO
			  "Call-ID: opt-1\r\nCSeq: 1 OPTIONS\r\n",
			  "z9hG4bK-l1");
	int nb = snprintf(b, sizeof b, "%s", a);
	for (int i = 0; i < 300; i++) {
		na += snprintf(a + na, sizeof a - (size_t)na, "X-H%d: a\r\n", i);
		nb += snprintf(b + nb, sizeof b - (size_t)nb, "X-H%d: b\r\n", i);
	}
	char longv[600];
	memset(longv, 'v', sizeof longv - 1);
	longv[sizeof longv - 1] = '\0';
	snprintf(a + na, sizeof a - (size_t)na, "X-Long: %s\r\nContent-Length: 0\r\n\r\n", longv);
	snprintf(b + nb, sizeof b - (size_t)nb, "Content-Length: 0\r\n\r\n");
	wire2(x, SEC, true, a, b);
	const struct sw_pair *p = run(x);
	const struct sw_pair_match *m = sw_pair_match(p, 2);
	assert_non_null(m);
	assert_true(m->compared);
	assert_int_equal(m->n_diffs, SW_PAIR_MAX_DIFFS);
	assert_true(m->diffs_total > SW_PAIR_MAX_DIFFS);
	for (size_t i = 0; i < m->n_diffs; i++) {
		const struct sw_pair_diff *d = &m->diffs[i];
		assert_true(!d->before || strlen(d->before) < SW_PAIR_MAX_VALUE);
		assert_true(!d->after || strlen(d->after) < SW_PAIR_MAX_VALUE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_offset_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_swapped_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retransmissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_return_path_blocked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_normalisation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alg_rewrite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callid_rewritten, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unrelated, setup, teardown),
		cmocka_unit_test(test_off_without_opt),
		cmocka_unit_test_setup_teardown(test_many_lines, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
