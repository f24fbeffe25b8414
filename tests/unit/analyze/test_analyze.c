/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for analyze/: transactions, retransmissions, timer F on capture
 * time, ICMP errors tied to the request they quote, registration states, and
 * the detectors' kind, cause and evidence frames on hand-built sequences. */
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

struct fx {
	struct sw_decode *dec;
	struct sw_analyze *an;
	struct sw_account_buf abuf; /* sw_analyze_account's copy */
	uint64_t frame;
	struct sw_addr phone, server;
	int streamed;
};

static void on_finding(void *user, const struct sw_finding *f)
{
	(void)f;
	((struct fx *)user)->streamed++;
}

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	x->dec = sw_decode_new(NULL);
	struct sw_analyze_opts o;
	memset(&o, 0, sizeof o);
	o.keep_messages = true;
	o.on_finding = on_finding;
	o.user = x;
	x->an = sw_analyze_new(&o);
	sw_ip_parse("192.168.1.100", 13, &x->phone);
	x->phone.port = 5060;
	sw_ip_parse("198.51.100.10", 13, &x->server);
	x->server.port = 5060;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	sw_analyze_free(x->an);
	sw_decode_free(x->dec);
	free(x);
	return 0;
}

static struct sw_pkt pkt(struct fx *x, int64_t t, bool from_phone)
{
	struct sw_pkt p;
	memset(&p, 0, sizeof p);
	p.ts_ns = t;
	p.frame_no = p.first_frame_no = ++x->frame;
	p.src = from_phone ? x->phone : x->server;
	p.dst = from_phone ? x->server : x->phone;
	p.transport = SW_TP_UDP;
	return p;
}

/* Feeds one SIP message given as text; returns its annotation. */
static struct sw_msg_note sip(struct fx *x, int64_t t, bool from_phone, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static struct sw_msg_note sip(struct fx *x, int64_t t, bool from_phone, const char *fmt, ...)
{
	char text[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	struct sw_sip_msg m;
	const char *why = NULL;
	int rc = sw_decode_sip(x->dec, text, strlen(text), &m, &why);
	if (rc != 0)
		fail_msg("test message rejected: %s", why ? why : "?");
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.type = SW_EV_SIP;
	ev.pkt = pkt(x, t, from_phone);
	ev.u.sip = &m;
	struct sw_msg_note n;
	sw_analyze_event(x->an, &ev, &n);
	return n;
}

#define HDRS(branch, cseq, method) \
	"Via: SIP/2.0/UDP 192.168.1.100:5060;branch=" branch ";rport\r\n" \
	"From: <sip:100@example.com>;tag=f1\r\nTo: <sip:100@example.com>%s\r\n" \
	"Call-ID: reg-1@phone\r\nCSeq: " cseq " " method "\r\n"

static struct sw_msg_note reg(struct fx *x, int64_t t, const char *branch, int cseq,
			      const char *extra)
{
	return sip(x, t, true,
		   "REGISTER sip:example.com SIP/2.0\r\n"
		   "Via: SIP/2.0/UDP 192.168.1.100:5060;branch=%s;rport\r\n"
		   "From: <sip:100@example.com>;tag=f1\r\nTo: <sip:100@example.com>\r\n"
		   "Call-ID: reg-1@phone\r\nCSeq: %d REGISTER\r\n"
		   "Contact: <sip:100@192.168.1.100:5060>\r\nExpires: 60\r\n"
		   "User-Agent: FIP11W 2.0\r\n%sContent-Length: 0\r\n\r\n",
		   branch, cseq, extra ? extra : "");
}

static struct sw_msg_note resp(struct fx *x, int64_t t, const char *branch, int cseq,
			       int status, const char *reason, const char *extra)
{
	return sip(x, t, false,
		   "SIP/2.0 %d %s\r\n"
		   "Via: SIP/2.0/UDP 192.168.1.100:5060;branch=%s;received=203.0.113.7;rport=40000\r\n"
		   "From: <sip:100@example.com>;tag=f1\r\nTo: <sip:100@example.com>;tag=s1\r\n"
		   "Call-ID: reg-1@phone\r\nCSeq: %d REGISTER\r\n%sContent-Length: 0\r\n\r\n",
		   status, reason, branch, cseq, extra ? extra : "");
}

#define AUTHZ "Authorization: Digest username=\"100\", realm=\"example.com\", nonce=\"n1\", " \
	      "uri=\"sip:example.com\", response=\"0123456789abcdef0123456789abcdef\"\r\n"
#define CHALLENGE "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n1\"\r\n"
#define OK_CONTACT "Contact: <sip:100@192.168.1.100:5060>;expires=60\r\n"

static const struct sw_finding *find(struct fx *x, const char *kind, const char *cause)
{
	for (size_t i = 0; i < sw_analyze_nfindings(x->an); i++) {
		const struct sw_finding *f = sw_analyze_finding(x->an, i);
		if (!strcmp(sw_kind_name(f->kind), kind) && (!cause || !strcmp(sw_finding_cause(f), cause)))
			return f;
	}
	return NULL;
}

static bool has_evidence(const struct sw_finding *f, uint64_t frame)
{
	for (size_t i = 0; i < f->n_evidence; i++)
		if (f->evidence[i].frame_no == frame)
			return true;
	return false;
}

static size_t count_at_least(struct fx *x, enum sw_severity s)
{
	size_t n = 0;
	for (size_t i = 0; i < sw_analyze_nfindings(x->an); i++)
		n += sw_analyze_finding(x->an, i)->severity >= s;
	return n;
}

/* REGISTER -> 401 -> REGISTER(auth) -> 200, then a refresh: registered, no
 * warning or error, retransmissions marked, refresh interval measured. */
static void healthy_registration(void **state)
{
	struct fx *x = *state;
	assert_false(reg(x, T0, "z9hG4bK-1", 1, NULL).retrans);
	assert_true(reg(x, T0 + SEC / 2, "z9hG4bK-1", 1, NULL).retrans); /* timer E */
	struct sw_msg_note n = resp(x, T0 + SEC, "z9hG4bK-1", 1, 401, "Unauthorized", CHALLENGE);
	assert_false(n.retrans);
	assert_int_equal(n.response_time_ns, SEC);
	assert_true(resp(x, T0 + SEC + 1000, "z9hG4bK-1", 1, 401, "Unauthorized", CHALLENGE).retrans);
	reg(x, T0 + 2 * SEC, "z9hG4bK-2", 2, AUTHZ);
	resp(x, T0 + 2 * SEC + SEC / 10, "z9hG4bK-2", 2, 200, "OK", OK_CONTACT);
	const struct sw_account *ac = sw_analyze_account(x->an, 0, &x->abuf);
	assert_non_null(ac);
	assert_string_equal(ac->aor, "sip:100@example.com");
	assert_int_equal(ac->state, SW_REG_REGISTERED);
	assert_int_equal(ac->granted_expires, 60);
	assert_int_equal(ac->n_public, 1);
	/* refresh at 30 s */
	reg(x, T0 + 32 * SEC, "z9hG4bK-3", 3, AUTHZ);
	assert_int_equal(sw_analyze_account(x->an, 0, &x->abuf)->state, SW_REG_REFRESHING);
	resp(x, T0 + 32 * SEC + SEC / 10, "z9hG4bK-3", 3, 200, "OK", OK_CONTACT);
	sw_analyze_finish(x->an, T0 + 40 * SEC);
	ac = sw_analyze_account(x->an, 0, &x->abuf);
	assert_int_equal(ac->state, SW_REG_REGISTERED);
	assert_int_equal(ac->refresh_count, 1);
	assert_int_equal(ac->n_ok, 2);
	assert_int_equal(ac->n_challenge, 1);
	assert_int_equal(count_at_least(x, SW_SEV_WARNING), 0);
	struct sw_analyze_stats st;
	sw_analyze_get_stats(x->an, &st);
	assert_int_equal(st.retransmissions, 2);
	assert_int_equal(st.timeouts, 0);
}

/* A REGISTER retransmitted with no answer: timer F fires 32 s after the
 * first copy on capture time (the next frame's time), not at the end. */
static void timer_f_silence(void **state)
{
	struct fx *x = *state;
	int64_t t = 0;
	for (int i = 0; i < 11; i++) {
		reg(x, T0 + t, "z9hG4bK-s", 1, NULL);
		t += i < 3 ? (SEC / 2) << i : 4 * SEC;
	}
	sw_analyze_tick(x->an, T0 + 31 * SEC);
	assert_null(find(x, "register.no_response", NULL));
	sw_analyze_tick(x->an, T0 + 33 * SEC);
	const struct sw_finding *f = find(x, "register.no_response", "silence");
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_ERROR);
	assert_false(f->suspected);
	assert_true(has_evidence(f, 1));  /* first REGISTER */
	assert_true(has_evidence(f, 11)); /* last retransmission */
	assert_int_equal(x->streamed, 1);
	assert_int_equal(sw_analyze_account(x->an, 0, &x->abuf)->state, SW_REG_FAILED);
}

/* The same, cut short by the end of the capture after 6 s: a suspicion. */
static void end_of_capture_is_a_suspicion(void **state)
{
	struct fx *x = *state;
	reg(x, T0, "z9hG4bK-e", 1, NULL);
	reg(x, T0 + SEC / 2, "z9hG4bK-e", 1, NULL);
	reg(x, T0 + 6 * SEC, "z9hG4bK-e", 1, NULL);
	sw_analyze_finish(x->an, T0 + 6 * SEC);
	const struct sw_finding *f = find(x, "register.no_response", "silence");
	assert_non_null(f);
	assert_true(f->suspected);
	assert_int_equal(f->severity, SW_SEV_WARNING);
	struct sw_finding_texts tx;
	sw_finding_texts(x->an, f, SW_TEXT_ALL, &tx);
	assert_non_null(tx.confirm); /* what would confirm the suspicion */
	sw_finding_texts_free(&tx);
}

/* ICMP port unreachable quoting the REGISTER's branch. */
static void icmp_tied_to_register(void **state)
{
	struct fx *x = *state;
	reg(x, T0, "z9hG4bK-i", 1, NULL);
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.type = SW_EV_ICMP;
	ev.pkt = pkt(x, T0 + 1000, false);
	ev.u.icmp.kind = SW_ICMP_PORT_UNREACH;
	ev.u.icmp.quoted_proto = 17;
	ev.u.icmp.quoted_src = x->phone;
	ev.u.icmp.quoted_dst = x->server;
	ev.u.icmp.quoted_sip = true;
	ev.u.icmp.quoted_is_request = true;
	ev.u.icmp.quoted_method = SW_STR_LIT("REGISTER");
	ev.u.icmp.quoted_cseq = 1;
	ev.u.icmp.quoted_branch = SW_STR_LIT("z9hG4bK-i");
	sw_analyze_event(x->an, &ev, NULL);
	sw_analyze_tick(x->an, T0 + 40 * SEC);
	const struct sw_finding *f = find(x, "register.no_response", "icmp_port_unreachable");
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_ERROR);
	assert_true(has_evidence(f, 2)); /* the ICMP frame */
	struct sw_analyze_stats st;
	sw_analyze_get_stats(x->an, &st);
	assert_int_equal(st.icmp_matched, 1);
}

/* 403 after an answered challenge: bad credentials; without a challenge
 * and later success under another User-Agent: the User-Agent rule. */
static void forbidden_causes(void **state)
{
	struct fx *x = *state;
	reg(x, T0, "z9hG4bK-a", 1, NULL);
	resp(x, T0 + SEC / 10, "z9hG4bK-a", 1, 401, "Unauthorized", CHALLENGE);
	reg(x, T0 + SEC, "z9hG4bK-b", 2, AUTHZ);
	resp(x, T0 + SEC + SEC / 10, "z9hG4bK-b", 2, 403, "Forbidden", "Server: TestPBX\r\n");
	const struct sw_finding *f = find(x, "register.forbidden", "bad_credentials");
	assert_non_null(f);
	assert_true(has_evidence(f, 3));
	assert_true(has_evidence(f, 4));
	assert_int_equal(sw_analyze_account(x->an, 0, &x->abuf)->state, SW_REG_FAILED);
}

static void forbidden_user_agent(void **state)
{
	struct fx *x = *state;
	reg(x, T0, "z9hG4bK-u1", 1, NULL);
	resp(x, T0 + SEC / 10, "z9hG4bK-u1", 1, 403, "Forbidden", NULL);
	assert_non_null(find(x, "register.forbidden", "policy"));
	sip(x, T0 + 10 * SEC, true,
	    "REGISTER sip:example.com SIP/2.0\r\n" HDRS("z9hG4bK-u2", "2", "REGISTER")
	    "Contact: <sip:100@192.168.1.100:5060>\r\nUser-Agent: huawei\r\nContent-Length: 0\r\n\r\n",
	    "");
	resp(x, T0 + 10 * SEC + SEC / 10, "z9hG4bK-u2", 2, 200, "OK", OK_CONTACT);
	const struct sw_finding *f = find(x, "register.forbidden", "user_agent");
	assert_non_null(f);
	assert_true(has_evidence(f, 2)); /* the 403 */
	const struct sw_finding *pol = find(x, "register.forbidden", "policy");
	assert_non_null(pol);
	assert_int_equal(pol->severity, SW_SEV_INFO);
}

/* Expiry on capture time: granted 60 s, no refresh: expired at 60 s. */
static void binding_expires(void **state)
{
	struct fx *x = *state;
	reg(x, T0, "z9hG4bK-x", 1, NULL);
	resp(x, T0 + SEC / 10, "z9hG4bK-x", 1, 200, "OK", OK_CONTACT);
	sw_analyze_tick(x->an, T0 + 50 * SEC);
	assert_int_equal(sw_analyze_account(x->an, 0, &x->abuf)->state, SW_REG_REGISTERED);
	sw_analyze_tick(x->an, T0 + 70 * SEC);
	assert_int_equal(sw_analyze_account(x->an, 0, &x->abuf)->state, SW_REG_EXPIRED);
	assert_non_null(find(x, "register.expired", ""));
}

/* A flood of REGISTER attempts then silence: an account ban. */
static void flood_then_silence(void **state)
{
	struct fx *x = *state;
	char b[32];
	for (int i = 1; i <= 12; i++) {
		snprintf(b, sizeof b, "z9hG4bK-f%d", i);
		reg(x, T0 + i * 3 * SEC, b, i, NULL);
		if (i < 12)
			resp(x, T0 + i * 3 * SEC + SEC / 10, b, i, 200, "OK", OK_CONTACT);
	}
	sw_analyze_tick(x->an, T0 + 80 * SEC);
	const struct sw_finding *f = find(x, "register.flood_ban", "");
	assert_non_null(f);
	assert_int_equal(f->severity, SW_SEV_ERROR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(healthy_registration, setup, teardown),
		cmocka_unit_test_setup_teardown(timer_f_silence, setup, teardown),
		cmocka_unit_test_setup_teardown(end_of_capture_is_a_suspicion, setup, teardown),
		cmocka_unit_test_setup_teardown(icmp_tied_to_register, setup, teardown),
		cmocka_unit_test_setup_teardown(forbidden_causes, setup, teardown),
		cmocka_unit_test_setup_teardown(forbidden_user_agent, setup, teardown),
		cmocka_unit_test_setup_teardown(binding_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(flood_then_silence, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
