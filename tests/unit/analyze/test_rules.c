/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for the rules of docs/findings.md, each at its edges: just
 * inside and just outside every window and threshold, in both orders where
 * order could matter, seen from the phone's side and from the server's. The
 * messages are built as text and go through the real SIP decoder. */
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

#define SEC INT64_C(1000000000)
#define T0 (INT64_C(1700000000) * SEC)

struct rx {
	struct sw_decode *dec;
	struct sw_analyze *an;
	struct sw_account_buf abuf; /* sw_analyze_account's copy */
	uint64_t frame;
	struct sw_addr server;
};

static int setup(void **state)
{
	struct rx *x = calloc(1, sizeof *x);
	x->dec = sw_decode_new(NULL);
	struct sw_analyze_opts o;
	memset(&o, 0, sizeof o);
	o.keep_messages = true;
	x->an = sw_analyze_new(&o);
	sw_ip_parse("198.51.100.10", 13, &x->server);
	x->server.port = 5060;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct rx *x = *state;
	sw_analyze_free(x->an);
	sw_decode_free(x->dec);
	free(x);
	return 0;
}

static struct sw_addr ep(const char *ip, int port)
{
	struct sw_addr a;
	memset(&a, 0, sizeof a);
	if (sw_ip_parse(ip, strlen(ip), &a) != 0)
		fail_msg("bad address %s", ip);
	a.port = (uint16_t)port;
	return a;
}

static struct sw_pkt pkt(struct rx *x, int64_t t, struct sw_addr src, struct sw_addr dst,
			 enum sw_transport tp)
{
	struct sw_pkt p;
	memset(&p, 0, sizeof p);
	p.ts_ns = t;
	p.frame_no = p.first_frame_no = ++x->frame;
	p.src = src;
	p.dst = dst;
	p.transport = tp;
	return p;
}

static uint64_t sipx(struct rx *x, int64_t t, struct sw_addr src, struct sw_addr dst,
		     enum sw_transport tp, bool frag, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
static uint64_t sipx(struct rx *x, int64_t t, struct sw_addr src, struct sw_addr dst,
		     enum sw_transport tp, bool frag, const char *fmt, ...)
{
	char text[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	struct sw_sip_msg m;
	const char *why = NULL;
	if (sw_decode_sip(x->dec, text, strlen(text), &m, &why) != 0)
		fail_msg("test message rejected: %s", why ? why : "?");
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.type = SW_EV_SIP;
	ev.pkt = pkt(x, t, src, dst, tp);
	ev.pkt.ip_reassembled = frag;
	ev.u.sip = &m;
	sw_analyze_event(x->an, &ev, NULL);
	return ev.pkt.frame_no;
}

/* A phone as one capture sees it: `src` is the source of its packets where
 * the capture was taken, `sent_by` what its Via says (its own address). */
struct phone {
	const char *user;
	struct sw_addr src;
	const char *sent_by;   /* "192.168.1.100:5060" */
	const char *received;  /* what the server puts in received=, NULL = none */
	int rport;
	int expires;
	enum sw_transport tp;
	size_t pad;            /* extra bytes in the REGISTER */
	bool frag;
};

static uint64_t reg_req(struct rx *x, int64_t t, const struct phone *p, const char *branch,
			int cseq)
{
	char pad[2048];
	size_t n = p->pad < sizeof pad - 1 ? p->pad : sizeof pad - 1;
	memset(pad, 'a', n);
	pad[n] = '\0';
	return sipx(x, t, p->src, x->server, p->tp, p->frag,
		    "REGISTER sip:example.com SIP/2.0\r\n"
		    "Via: SIP/2.0/%s %s;branch=%s;rport\r\n"
		    "From: <sip:%s@example.com>;tag=f%s\r\nTo: <sip:%s@example.com>\r\n"
		    "Call-ID: reg-%s@phone\r\nCSeq: %d REGISTER\r\n"
		    "Contact: <sip:%s@%s>\r\nExpires: %d\r\n%s%s%s"
		    "Content-Length: 0\r\n\r\n",
		    p->tp == SW_TP_TCP ? "TCP" : "UDP", p->sent_by, branch, p->user, p->user, p->user,
		    p->user, cseq, p->user, p->sent_by, p->expires, n ? "X-Pad: " : "", pad,
		    n ? "\r\n" : "");
}

static uint64_t reg_resp(struct rx *x, int64_t t, const struct phone *p, const char *branch,
			 int cseq, int status, const char *extra)
{
	char via_params[128] = "";
	if (p->received)
		snprintf(via_params, sizeof via_params, ";received=%s;rport=%d", p->received,
			 p->rport);
	return sipx(x, t, x->server, p->src, p->tp, false,
		    "SIP/2.0 %d X\r\n"
		    "Via: SIP/2.0/%s %s;branch=%s%s\r\n"
		    "From: <sip:%s@example.com>;tag=f%s\r\nTo: <sip:%s@example.com>;tag=s\r\n"
		    "Call-ID: reg-%s@phone\r\nCSeq: %d REGISTER\r\n"
		    "%s%s%s%s%s"
		    "Content-Length: 0\r\n\r\n",
		    status, p->tp == SW_TP_TCP ? "TCP" : "UDP", p->sent_by, branch, via_params,
		    p->user, p->user, p->user, p->user, cseq,
		    status < 300 ? "Contact: <sip:" : "", status < 300 ? p->user : "",
		    status < 300 ? "@" : "", status < 300 ? p->sent_by : "", extra ? extra : "");
}

/* Appends the Contact's expires to a 2xx (reg_resp builds "Contact: <...").*/
static uint64_t reg_ok(struct rx *x, int64_t t, const struct phone *p, const char *branch,
		       int cseq)
{
	char extra[64];
	snprintf(extra, sizeof extra, ">;expires=%d\r\n", p->expires);
	return reg_resp(x, t, p, branch, cseq, 200, extra);
}

/* A whole successful attempt; returns the frame of the 200. */
static uint64_t attempt_ok(struct rx *x, int64_t t, const struct phone *p, int cseq)
{
	char b[32];
	snprintf(b, sizeof b, "z9hG4bK-%s-%d", p->user, cseq);
	reg_req(x, t, p, b, cseq);
	return reg_ok(x, t + SEC / 10, p, b, cseq);
}

/* A REGISTER retransmitted on timer E for `copies` copies (11 = up to 31.5 s). */
static uint64_t attempt_silent(struct rx *x, int64_t t, const struct phone *p, int cseq,
			       int copies)
{
	char b[32];
	snprintf(b, sizeof b, "z9hG4bK-%s-%d", p->user, cseq);
	uint64_t first = 0;
	int64_t at = 0;
	for (int i = 0; i < copies; i++) {
		uint64_t fr = reg_req(x, t + at, p, b, cseq);
		if (!first)
			first = fr;
		at += i < 3 ? (SEC / 2) << i : 4 * SEC;
	}
	return first;
}

static const struct sw_finding *find(struct rx *x, const char *kind, const char *cause)
{
	for (size_t i = 0; i < sw_analyze_nfindings(x->an); i++) {
		const struct sw_finding *f = sw_analyze_finding(x->an, i);
		if (!strcmp(sw_kind_name(f->kind), kind) &&
		    (!cause || !strcmp(sw_finding_cause(f), cause)))
			return f;
	}
	return NULL;
}

static size_t count_at_least(struct rx *x, enum sw_severity s)
{
	size_t n = 0;
	for (size_t i = 0; i < sw_analyze_nfindings(x->an); i++)
		n += sw_analyze_finding(x->an, i)->severity >= s;
	return n;
}

static bool has_evidence(const struct sw_finding *f, uint64_t frame)
{
	for (size_t i = 0; i < f->n_evidence; i++)
		if (f->evidence[i].frame_no == frame)
			return true;
	return false;
}

static const struct phone PHONE = { "100", { 0 }, "192.168.1.100:5060", "203.0.113.2", 5060,
				     3600, SW_TP_UDP, 0, false };

static struct phone phone_at(const char *src_ip, int src_port, const char *sent_by,
			     const char *received, int rport)
{
	struct phone p = PHONE;
	p.src = ep(src_ip, src_port);
	p.sent_by = sent_by;
	p.received = received;
	p.rport = rport;
	return p;
}

/* ---- register.no_response: timer F and the end of the capture ---------- */

static void timer_f_edge(void **state)
{
	struct rx *x = *state;
	struct phone p = phone_at("192.168.1.100", 5060, "192.168.1.100:5060", NULL, 0);
	attempt_silent(x, T0, &p, 1, 11);
	sw_analyze_tick(x->an, T0 + 32 * SEC - 1);
	assert_null(find(x, "register.no_response", NULL)); /* 1 ns inside timer F */
	sw_analyze_tick(x->an, T0 + 32 * SEC);
	const struct sw_finding *f = find(x, "register.no_response", "silence");
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_ERROR);
	assert_true(has_evidence(f, 1));
	assert_true(has_evidence(f, 11));
}

static void end_wait_edges(void **state)
{
	struct rx *x = *state;
	struct phone p = phone_at("192.168.1.100", 5060, "192.168.1.100:5060", NULL, 0);
	attempt_silent(x, T0, &p, 1, 4); /* 0, 0.5, 1.5, 3.5 s */
	sw_analyze_finish(x->an, T0 + 35 * SEC / 10);
	assert_null(find(x, "register.no_response", NULL)); /* 3.5 s: proves nothing */
}

static void end_wait_suspected(void **state)
{
	struct rx *x = *state;
	struct phone p = phone_at("192.168.1.100", 5060, "192.168.1.100:5060", NULL, 0);
	attempt_silent(x, T0, &p, 1, 5); /* ... 7.5 s */
	sw_analyze_finish(x->an, T0 + 75 * SEC / 10);
	const struct sw_finding *f = find(x, "register.no_response", "silence");
	assert_non_null(f);
	assert_true(f->suspected);
	assert_int_equal(f->severity, SW_SEV_WARNING);
}

/* One copy of a UDP request, then 40 s of other traffic: the capture missed
 * the retransmissions a UDP client sends; nothing is judged. */
static void udp_single_copy_not_judged(void **state)
{
	struct rx *x = *state;
	struct phone p = phone_at("192.168.1.100", 5060, "192.168.1.100:5060", NULL, 0);
	attempt_silent(x, T0, &p, 1, 1);
	sw_analyze_finish(x->an, T0 + 40 * SEC);
	assert_null(find(x, "register.no_response", NULL));
}

/* A phone with T1 = 1 s retransmits up to 64 s; its answer at 40 s comes
 * after the 32 s judgement: the timeout is withdrawn (information). */
static void late_answer_withdraws_timeout(void **state)
{
	struct rx *x = *state;
	struct phone p = phone_at("192.168.1.100", 5060, "192.168.1.100:5060", "203.0.113.2", 5060);
	for (int i = 0; i < 8; i++)
		reg_req(x, T0 + (i < 4 ? (SEC << i) - SEC : (8 + 8 * (i - 3)) * SEC), &p, "z9hG4bK-t1", 1);
	uint64_t ok = reg_ok(x, T0 + 40 * SEC, &p, "z9hG4bK-t1", 1);
	sw_analyze_finish(x->an, T0 + 45 * SEC);
	const struct sw_finding *f = find(x, "register.no_response", "silence");
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_INFO);
	assert_true(f->resolved);
	assert_true(has_evidence(f, ok));
	assert_int_equal(sw_analyze_account(x->an, 0, &x->abuf)->state, SW_REG_REGISTERED);
}

/* Attempts overlap while the account's attempt ring grows (2, then 4
 * slots): attempt 1 is never answered, 2 is still open when 3 starts and
 * answered after it. Attempt 1's timeout and 2's late answer each find
 * their own attempt across the growth. */
static void overlapping_attempts_across_ring_growth(void **state)
{
	struct rx *x = *state;
	struct phone p = phone_at("192.168.1.100", 5060, "192.168.1.100:5060", "203.0.113.2", 5060);
	uint64_t first = attempt_silent(x, T0, &p, 1, 11);
	reg_req(x, T0 + SEC / 10, &p, "z9hG4bK-o2", 2);
	attempt_ok(x, T0 + 2 * SEC / 10, &p, 3);
	reg_ok(x, T0 + 5 * SEC / 10, &p, "z9hG4bK-o2", 2);
	sw_analyze_finish(x->an, T0 + 45 * SEC);
	const struct sw_account *ac = sw_analyze_account(x->an, 0, &x->abuf);
	assert_int_equal(ac->n_register, 3);
	assert_int_equal(ac->n_ok, 2);
	assert_int_equal(ac->n_timeout, 1);
	assert_int_equal(ac->state, SW_REG_REGISTERED);
	const struct sw_finding *f = find(x, "register.no_response", "silence");
	assert_non_null(f);
	assert_true(has_evidence(f, first));
}

/* ---- nat.stale_binding ------------------------------------------------- */

/* Worked from :5060 (public A), refreshes time out, a new port registers
 * with public B. `early`: the new port's 200 comes while the old
 * transaction is still retransmitting (its timer fires after). */
static void stale_nat_run(struct rx *x, bool early, const char *new_public, bool nat)
{
	struct phone p1 = nat ? phone_at("192.168.1.100", 5060, "192.168.1.100:5060", "203.0.113.2", 5060)
			      : phone_at("198.51.100.77", 5060, "198.51.100.77:5060", "198.51.100.77", 5060);
	struct phone p2 = nat ? phone_at("192.168.1.100", 54557, "192.168.1.100:54557", new_public, 1024)
			      : phone_at("198.51.100.77", 54557, "198.51.100.77:54557", new_public, 54557);
	p1.expires = p2.expires = 60;
	attempt_ok(x, T0, &p1, 1);
	attempt_ok(x, T0 + 30 * SEC, &p1, 2);
	attempt_silent(x, T0 + 60 * SEC, &p1, 3, 11); /* 60 .. 91.5 s */
	if (early) {
		attempt_ok(x, T0 + 70 * SEC, &p2, 1);
		sw_analyze_finish(x->an, T0 + 100 * SEC);
		return;
	}
	sw_analyze_tick(x->an, T0 + 95 * SEC);
	attempt_silent(x, T0 + 100 * SEC, &p1, 4, 11);
	attempt_ok(x, T0 + 200 * SEC, &p2, 1); /* after the binding lapsed (90 + 60 s) */
	sw_analyze_finish(x->an, T0 + 240 * SEC);
}

static void stale_binding_late(void **state)
{
	struct rx *x = *state;
	stale_nat_run(x, false, "203.0.113.3", true);
	const struct sw_finding *f = find(x, "nat.stale_binding", NULL);
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_ERROR);
	assert_string_equal(sw_finding_fact(f, "old_public"), "203.0.113.2:5060");
	assert_string_equal(sw_finding_fact(f, "new_public"), "203.0.113.3:1024");
	/* the old port's timeouts are explained by it */
	const struct sw_finding *nr = find(x, "register.no_response", "silence");
	assert_non_null(nr);
	assert_int_equal(nr->severity, SW_SEV_INFO);
	assert_int_equal(nr->explained_by, f->id);
	assert_null(find(x, "register.flapping", NULL));
}

static void stale_binding_early(void **state)
{
	struct rx *x = *state;
	stale_nat_run(x, true, "203.0.113.3", true);
	const struct sw_finding *f = find(x, "nat.stale_binding", NULL);
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_ERROR);
	/* history in time order: the old timeout does not follow the new success */
	const struct sw_account *ac = sw_analyze_account(x->an, 0, &x->abuf);
	for (size_t i = 1; i < ac->n_changes; i++)
		assert_true(ac->changes[i].ts_ns >= ac->changes[i - 1].ts_ns);
	assert_int_equal(ac->state, SW_REG_REGISTERED);
}

/* The same public IP after the new port: an outage, not a stale mapping. */
static void stale_binding_same_public_silent(void **state)
{
	struct rx *x = *state;
	stale_nat_run(x, false, "203.0.113.2", true);
	assert_null(find(x, "nat.stale_binding", NULL));
}

/* A phone with a public address (no NAT evidence): silent. */
static void stale_binding_no_nat_silent(void **state)
{
	struct rx *x = *state;
	stale_nat_run(x, false, "198.51.100.77", false);
	assert_null(find(x, "nat.stale_binding", NULL));
}

/* Server side: the old public address keeps retransmitting after the
 * server's answer (the answer never gets back), then another address. */
static void stale_binding_server_side(void **state)
{
	struct rx *x = *state;
	struct phone p1 = phone_at("203.0.113.2", 5060, "192.168.1.100:5060", "203.0.113.2", 5060);
	struct phone p2 = phone_at("203.0.113.3", 1024, "192.168.1.100:54557", "203.0.113.3", 1024);
	p1.expires = p2.expires = 60;
	attempt_ok(x, T0, &p1, 1);
	reg_req(x, T0 + 30 * SEC, &p1, "z9hG4bK-100-2", 2);
	reg_ok(x, T0 + 30 * SEC + SEC / 10, &p1, "z9hG4bK-100-2", 2);
	for (int i = 1; i < 6; i++) /* copies after the answer */
		reg_req(x, T0 + 30 * SEC + i * SEC, &p1, "z9hG4bK-100-2", 2);
	attempt_ok(x, T0 + 50 * SEC, &p2, 1);
	sw_analyze_finish(x->an, T0 + 60 * SEC);
	const struct sw_finding *f = find(x, "nat.stale_binding", NULL);
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_ERROR);
	const struct sw_finding *rp = find(x, "nat.return_path_blocked", NULL);
	assert_non_null(rp);
	assert_int_equal(rp->severity, SW_SEV_INFO); /* explained by the stale mapping */
}

/* ---- nat.binding_expired ----------------------------------------------- */

static void binding_expired_run(struct rx *x, int port2, const char *sent_by2, int src_port2,
				enum sw_transport tp)
{
	struct phone p = phone_at("192.168.1.100", 5060, "192.168.1.100:5060", "203.0.113.2", 40001);
	p.expires = 60;
	p.tp = tp;
	attempt_ok(x, T0, &p, 1);
	struct phone q = phone_at("192.168.1.100", src_port2, sent_by2, "203.0.113.2", port2);
	q.expires = 60;
	q.tp = tp;
	attempt_ok(x, T0 + 40 * SEC, &q, 2);
	sw_analyze_finish(x->an, T0 + 50 * SEC);
}

static void binding_expired_port_change(void **state)
{
	struct rx *x = *state;
	binding_expired_run(x, 40517, "192.168.1.100:5060", 5060, SW_TP_UDP);
	const struct sw_finding *f = find(x, "nat.binding_expired", NULL);
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_WARNING);
	assert_string_equal(sw_finding_fact(f, "old_public"), "203.0.113.2:40001");
	assert_string_equal(sw_finding_fact(f, "new_public"), "203.0.113.2:40517");
	assert_string_equal(sw_finding_fact(f, "gap"), "40");
}

static void binding_expired_same_port_silent(void **state)
{
	struct rx *x = *state;
	binding_expired_run(x, 40001, "192.168.1.100:5060", 5060, SW_TP_UDP);
	assert_null(find(x, "nat.binding_expired", NULL));
}

/* The phone itself moved to another local port: not the NAT's doing. */
static void binding_expired_local_change_silent(void **state)
{
	struct rx *x = *state;
	binding_expired_run(x, 40517, "192.168.1.100:5062", 5062, SW_TP_UDP);
	assert_null(find(x, "nat.binding_expired", NULL));
}

/* Over TCP every new connection gets a new port. */
static void binding_expired_tcp_silent(void **state)
{
	struct rx *x = *state;
	binding_expired_run(x, 40517, "192.168.1.100:5060", 5060, SW_TP_TCP);
	assert_null(find(x, "nat.binding_expired", NULL));
}

/* ---- expiry, flapping, failures that never cost the binding ------------- */

/* Granted 60 s: a refresh 4.9 s after the expiry is within the grace. */
static void expiry_grace_inside(void **state)
{
	struct rx *x = *state;
	struct phone p = phone_at("192.168.1.100", 5060, "192.168.1.100:5060", "203.0.113.2", 5060);
	p.expires = 60;
	attempt_ok(x, T0, &p, 1);
	attempt_ok(x, T0 + 65 * SEC - SEC / 10 * 2, &p, 2); /* 200 at 64.9 s after the first 200 */
	sw_analyze_finish(x->an, T0 + 70 * SEC);
	assert_null(find(x, "register.expired", NULL));
}

static void expiry_grace_outside(void **state)
{
	struct rx *x = *state;
	struct phone p = phone_at("192.168.1.100", 5060, "192.168.1.100:5060", "203.0.113.2", 5060);
	p.expires = 60;
	attempt_ok(x, T0, &p, 1);
	attempt_ok(x, T0 + 66 * SEC, &p, 2);
	sw_analyze_finish(x->an, T0 + 70 * SEC);
	const struct sw_finding *f = find(x, "register.expired", NULL);
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_WARNING);
}

/* Two lapses within the window (here 1 h) where the refreshes failed:
 * flapping; the same two lapses 2 h apart: not. */
static void flapping_run(struct rx *x, int64_t apart)
{
	struct phone p = phone_at("192.168.1.100", 5060, "192.168.1.100:5060", "203.0.113.2", 5060);
	p.expires = 120;
	int cseq = 1;
	int64_t t = T0;
	for (int cycle = 0; cycle < 3; cycle++) {
		attempt_ok(x, t, &p, cseq++);
		if (cycle == 2)
			break;
		/* refreshes time out until the binding lapses */
		attempt_silent(x, t + 60 * SEC, &p, cseq++, 11);
		attempt_silent(x, t + 100 * SEC, &p, cseq++, 11);
		t += apart;
	}
	sw_analyze_finish(x->an, t + 10 * SEC);
}

static void flapping_within_window(void **state)
{
	struct rx *x = *state;
	flapping_run(x, 1200 * SEC);
	const struct sw_finding *f = find(x, "register.flapping", NULL);
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_WARNING);
	assert_string_equal(sw_finding_fact(f, "cycles"), "2");
}

static void flapping_outside_window(void **state)
{
	struct rx *x = *state;
	flapping_run(x, 7200 * SEC);
	assert_null(find(x, "register.flapping", NULL));
}

/* 503 to a refresh while the binding holds, the retry works before it
 * lapses, twice: information, and no flapping. */
static void transient_503_is_info(void **state)
{
	struct rx *x = *state;
	struct phone p = phone_at("192.168.1.100", 5060, "192.168.1.100:5060", "203.0.113.2", 5060);
	p.expires = 600;
	attempt_ok(x, T0, &p, 1);
	for (int k = 0; k < 2; k++) {
		int64_t t = T0 + (k + 1) * 3 * 3600 * SEC;
		attempt_ok(x, t - 300 * SEC, &p, 10 * k + 2);
		reg_req(x, t, &p, k ? "z9hG4bK-t2" : "z9hG4bK-t1", 10 * k + 3);
		reg_resp(x, t + SEC / 10, &p, k ? "z9hG4bK-t2" : "z9hG4bK-t1", 10 * k + 3, 503, NULL);
		attempt_ok(x, t + 30 * SEC, &p, 10 * k + 4);
	}
	sw_analyze_finish(x->an, T0 + 7 * 3600 * SEC);
	const struct sw_finding *f = find(x, "register.rejected", "503");
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_INFO);
	assert_null(find(x, "register.flapping", NULL));
}

/* 423 corrected within 32 s: information; corrected only later: resolved,
 * a warning. */
static void corrected_423_run(struct rx *x, int64_t later)
{
	struct phone p = phone_at("192.168.1.100", 5060, "192.168.1.100:5060", "203.0.113.2", 5060);
	p.expires = 30;
	reg_req(x, T0, &p, "z9hG4bK-m1", 1);
	reg_resp(x, T0 + SEC / 10, &p, "z9hG4bK-m1", 1, 423, "Min-Expires: 600\r\n");
	p.expires = 600;
	attempt_ok(x, T0 + later, &p, 2);
	sw_analyze_finish(x->an, T0 + later + 10 * SEC);
}

static void corrected_423_at_once(void **state)
{
	struct rx *x = *state;
	corrected_423_run(x, 31 * SEC);
	const struct sw_finding *f = find(x, "register.rejected", "423");
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_INFO);
	assert_int_equal(count_at_least(x, SW_SEV_WARNING), 0);
}

static void corrected_423_later(void **state)
{
	struct rx *x = *state;
	corrected_423_run(x, 33 * SEC);
	const struct sw_finding *f = find(x, "register.rejected", "423");
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_WARNING);
	assert_true(f->resolved);
}

/* ---- flood ---------------------------------------------------------------- */

static void flood_run(struct rx *x, int attempts, bool challenged)
{
	struct phone p = phone_at("192.168.1.100", 5060, "192.168.1.100:5060", "203.0.113.2", 5060);
	p.expires = 60;
	int cseq = 1;
	for (int i = 0; i < attempts; i++) {
		int64_t t = T0 + i * 5 * SEC;
		if (challenged) {
			char b[32];
			snprintf(b, sizeof b, "z9hG4bK-c%d", cseq);
			reg_req(x, t, &p, b, cseq);
			reg_resp(x, t + SEC / 20, &p, b, cseq, 401, "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\"\r\n");
			cseq++;
		}
		attempt_ok(x, t + SEC / 10, &p, cseq++);
	}
	sw_analyze_finish(x->an, T0 + 70 * SEC);
}

static void flood_nine_silent(void **state)
{
	struct rx *x = *state;
	flood_run(x, 9, false); /* 9 attempts within 45 s */
	assert_null(find(x, "register.flood_ban", NULL));
}

static void flood_ten(void **state)
{
	struct rx *x = *state;
	flood_run(x, 10, false);
	const struct sw_finding *f = find(x, "register.flood_ban", NULL);
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_WARNING);
	assert_true(f->suspected);
}

/* Nine registrations, each a 401 round trip (18 REGISTERs): still nine. */
static void flood_challenges_count_once(void **state)
{
	struct rx *x = *state;
	flood_run(x, 9, true);
	assert_null(find(x, "register.flood_ban", NULL));
}

/* ---- transport -------------------------------------------------------------- */

static void tcp_event(struct rx *x, int64_t t, struct sw_addr src, struct sw_addr dst,
		      enum sw_tcp_flag_event w)
{
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.type = SW_EV_TCP;
	ev.pkt = pkt(x, t, src, dst, SW_TP_TCP);
	ev.u.tcp.what = w;
	sw_analyze_event(x->an, &ev, NULL);
}

static void udp_refused_run(struct rx *x, int tcp_port)
{
	struct phone p = phone_at("192.168.1.100", 5060, "192.168.1.100:5060", NULL, 0);
	attempt_silent(x, T0, &p, 1, 11);
	struct sw_addr c = ep("192.168.1.100", 40000), s = ep("198.51.100.10", tcp_port);
	tcp_event(x, T0 + 40 * SEC, c, s, SW_TCP_SYN);
	tcp_event(x, T0 + 40 * SEC + 1000, s, c, SW_TCP_SYNACK);
	sw_analyze_finish(x->an, T0 + 45 * SEC);
}

static void tcp_on_sip_port_counts(void **state)
{
	struct rx *x = *state;
	udp_refused_run(x, 5060);
	assert_non_null(find(x, "transport.tcp_required", "udp_refused_tcp_ok"));
}

static void tcp_on_https_port_silent(void **state)
{
	struct rx *x = *state;
	udp_refused_run(x, 443);
	assert_null(find(x, "transport.tcp_required", NULL));
	assert_non_null(find(x, "register.no_response", "silence"));
}

/* A 1,400-byte REGISTER that is not fragmented and gets no answer: nothing
 * shows the size is the cause. Fragmented: it is. Unfragmented, while
 * smaller requests on the same path were answered: it is. */
static void oversize_run(struct rx *x, bool frag, bool smaller_first)
{
	struct phone p = phone_at("192.168.1.100", 5060, "192.168.1.100:5060", "203.0.113.2", 5060);
	if (smaller_first)
		attempt_ok(x, T0, &p, 1);
	p.pad = 1200;
	p.frag = frag;
	attempt_silent(x, T0 + 10 * SEC, &p, 2, 11);
	sw_analyze_finish(x->an, T0 + 50 * SEC);
}

static void oversize_unfragmented_silent(void **state)
{
	struct rx *x = *state;
	oversize_run(x, false, false);
	assert_null(find(x, "transport.tcp_required", NULL));
	assert_non_null(find(x, "register.no_response", "silence"));
}

static void oversize_fragmented(void **state)
{
	struct rx *x = *state;
	oversize_run(x, true, false);
	const struct sw_finding *f = find(x, "transport.tcp_required", "oversize_udp");
	assert_non_null(f);
	assert_string_equal(sw_finding_fact(f, "fragmented"), "yes");
	char *summary = sw_finding_summary(x->an, f);
	assert_non_null(strstr(summary, "fragments"));
	free(summary);
}

static void oversize_smaller_answered(void **state)
{
	struct rx *x = *state;
	oversize_run(x, false, true);
	const struct sw_finding *f = find(x, "transport.tcp_required", "oversize_udp");
	assert_non_null(f);
	char *summary = sw_finding_summary(x->an, f);
	assert_null(strstr(summary, "fragment"));
	free(summary);
}

/* ---- alg.rewrite/received_private ---------------------------------------- */

static void received_private_run(struct rx *x, const char *server_ip)
{
	x->server = ep(server_ip, 5060);
	struct phone p = phone_at("192.168.1.100", 5060, "192.168.1.100:5060", "192.168.1.100", 5060);
	attempt_ok(x, T0, &p, 1);
	sw_analyze_finish(x->an, T0 + 5 * SEC);
}

static void received_private_public_server(void **state)
{
	struct rx *x = *state;
	received_private_run(x, "198.51.100.10");
	const struct sw_finding *f = find(x, "alg.rewrite", "received_private");
	assert_non_null(f);
	assert_string_equal(sw_finding_fact(f, "received"), "192.168.1.100");
	assert_true(has_evidence(f, 2));
}

static void received_private_lan_server_silent(void **state)
{
	struct rx *x = *state;
	received_private_run(x, "192.168.1.1");
	assert_null(find(x, "alg.rewrite", NULL));
}

/* ---- DNS ------------------------------------------------------------------ */

static void dns(struct rx *x, int64_t t, const char *name, uint16_t qtype, bool response,
		int rcode, size_t answers)
{
	struct sw_dns d;
	memset(&d, 0, sizeof d);
	d.is_response = response;
	d.rcode = (uint8_t)rcode;
	snprintf(d.qname, sizeof d.qname, "%s", name);
	d.qtype = qtype;
	d.n_answers = answers;
	struct sw_addr ph = ep("192.168.1.100", 40000), ns = ep("192.168.1.1", 53);
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.type = SW_EV_DNS;
	ev.pkt = response ? pkt(x, t, ns, ph, SW_TP_UDP) : pkt(x, t, ph, ns, SW_TP_UDP);
	ev.u.dns = &d;
	sw_analyze_event(x->an, &ev, NULL);
}

static void dns_srv_fallback_silent(void **state)
{
	struct rx *x = *state;
	dns(x, T0, "_sip._udp.voip.example.com", 33, false, 0, 0);
	dns(x, T0 + SEC / 100, "_sip._udp.voip.example.com", 33, true, 3, 0);
	dns(x, T0 + SEC / 50, "voip.example.com", 28, false, 0, 0);
	dns(x, T0 + SEC / 40, "voip.example.com", 28, true, 0, 0); /* AAAA: no records */
	dns(x, T0 + SEC / 30, "voip.example.com", 1, false, 0, 0);
	dns(x, T0 + SEC / 20, "voip.example.com", 1, true, 0, 1);
	sw_analyze_finish(x->an, T0 + 10 * SEC);
	assert_null(find(x, "register.no_response", NULL));
}

static void dns_nxdomain(void **state)
{
	struct rx *x = *state;
	dns(x, T0, "_sip._udp.voip.example.com", 33, false, 0, 0);
	dns(x, T0 + SEC / 100, "_sip._udp.voip.example.com", 33, true, 3, 0);
	dns(x, T0 + SEC / 50, "voip.example.com", 1, false, 0, 0);
	dns(x, T0 + SEC / 20, "voip.example.com", 1, true, 3, 0);
	sw_analyze_finish(x->an, T0 + 10 * SEC);
	const struct sw_finding *f = find(x, "register.no_response", "dns_failure");
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_ERROR);
	assert_string_equal(sw_finding_fact(f, "result"), "NXDOMAIN");
	assert_string_equal(sw_finding_fact(f, "name"), "voip.example.com");
}

/* One query, no answer: judged only once the resolver's 5 s have passed. */
static void dns_no_answer_edges(void **state)
{
	struct rx *x = *state;
	dns(x, T0, "sip.example.com", 1, false, 0, 0);
	sw_analyze_finish(x->an, T0 + 49 * SEC / 10);
	assert_null(find(x, "register.no_response", NULL));
}

static void dns_no_answer(void **state)
{
	struct rx *x = *state;
	dns(x, T0, "sip.example.com", 1, false, 0, 0);
	sw_analyze_finish(x->an, T0 + 5 * SEC);
	const struct sw_finding *f = find(x, "register.no_response", "dns_failure");
	assert_non_null(f);
	assert_string_equal(sw_finding_fact(f, "result"), "no answer");
	assert_null(find(x, "capture.no_sip", NULL)); /* the DNS failure says why */
}

/* A failing lookup of a name that is not a SIP server's: silent. */
static void dns_other_name_silent(void **state)
{
	struct rx *x = *state;
	dns(x, T0, "ntp.example.org", 1, false, 0, 0);
	dns(x, T0 + SEC / 100, "ntp.example.org", 1, true, 3, 0);
	sw_analyze_finish(x->an, T0 + 10 * SEC);
	assert_null(find(x, "register.no_response", NULL));
}

/* ---- capture.no_sip ---------------------------------------------------------- */

static void no_sip(void **state)
{
	struct rx *x = *state;
	struct sw_traffic t;
	memset(&t, 0, sizeof t);
	t.frames = 120;
	t.tcp = 100;
	t.udp = 20;
	t.n_ports = 1;
	t.ports[0].proto = 6;
	t.ports[0].port = 443;
	t.ports[0].count = 100;
	sw_analyze_set_traffic(x->an, &t);
	sw_analyze_finish(x->an, T0);
	const struct sw_finding *f = find(x, "capture.no_sip", NULL);
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_WARNING);
	assert_string_equal(sw_finding_fact(f, "ports"), "tcp/443 100");
}

/* ---- summaries over many accounts ------------------------------------------ */

static void summary_run(struct rx *x, int accounts)
{
	char user[16], sent_by[32];
	for (int i = 0; i < accounts; i++) {
		snprintf(user, sizeof user, "u%d", i);
		snprintf(sent_by, sizeof sent_by, "192.168.1.%d:5060", 10 + i);
		struct phone p = phone_at("192.168.1.100", 5060, sent_by, "203.0.113.2", 5060);
		p.src.ip[3] = (uint8_t)(10 + i);
		p.user = user;
		p.expires = 60;
		attempt_ok(x, T0 + i * SEC / 100, &p, 1);
	}
	sw_analyze_finish(x->an, T0 + 100 * SEC);
}

static void summary_at_ten_accounts(void **state)
{
	struct rx *x = *state;
	summary_run(x, 10);
	const struct sw_finding *f = NULL;
	for (size_t i = 0; i < sw_analyze_nfindings(x->an); i++)
		if (sw_analyze_finding(x->an, i)->aggregate)
			f = sw_analyze_finding(x->an, i);
	assert_non_null(f);
	assert_int_equal(f->kind, SW_K_REGISTER_EXPIRED);
	assert_string_equal(sw_finding_fact(f, "accounts"), "10");
	char *summary = sw_finding_summary(x->an, f);
	assert_non_null(strstr(summary, "10 of 10 accounts"));
	free(summary);
}

static void no_summary_at_nine(void **state)
{
	struct rx *x = *state;
	summary_run(x, 9);
	for (size_t i = 0; i < sw_analyze_nfindings(x->an); i++)
		assert_false(sw_analyze_finding(x->an, i)->aggregate);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(timer_f_edge), T(end_wait_edges), T(end_wait_suspected),
		T(udp_single_copy_not_judged), T(late_answer_withdraws_timeout),
		T(overlapping_attempts_across_ring_growth),
		T(stale_binding_late), T(stale_binding_early), T(stale_binding_same_public_silent),
		T(stale_binding_no_nat_silent), T(stale_binding_server_side),
		T(binding_expired_port_change), T(binding_expired_same_port_silent),
		T(binding_expired_local_change_silent), T(binding_expired_tcp_silent),
		T(expiry_grace_inside), T(expiry_grace_outside),
		T(flapping_within_window), T(flapping_outside_window), T(transient_503_is_info),
		T(corrected_423_at_once), T(corrected_423_later),
		T(flood_nine_silent), T(flood_ten), T(flood_challenges_count_once),
		T(tcp_on_sip_port_counts), T(tcp_on_https_port_silent),
		T(oversize_unfragmented_silent), T(oversize_fragmented), T(oversize_smaller_answered),
		T(received_private_public_server), T(received_private_lan_server_silent),
		T(dns_srv_fallback_silent), T(dns_nxdomain), T(dns_no_answer_edges), T(dns_no_answer),
		T(dns_other_name_silent),
		T(no_sip),
		T(summary_at_ten_accounts), T(no_summary_at_nine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
