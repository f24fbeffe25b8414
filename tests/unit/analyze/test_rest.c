/* SPDX-License-Identifier: BSD-2-Clause */
/* Accounts at rest (analyze/acct_rest.c): an analysis that packs every
 * account it can (one left unpacked) and one that adapts its budget must
 * give the results of one that packs none, read through the public API:
 * every field of every account, its timeline, public addresses and
 * findings, and every finding with its texts, evidence and facts.
 *
 * - Every capture of pcaps/ is analysed the three ways.
 * - So are 6,000 phones made here: more than SW_MAX_RINGS, so that rings are
 *   let go while their accounts are packed; with challenges, rejections,
 *   timeouts, NAT (received= and rport), keepalives, refreshes and lapses,
 *   over hours of capture time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyze/internal.h"
#include "capture/capture.h"
#include "common/buf.h"
#include "decode/decode.h"
#include "tests/unit/walk.h"

#define SEC INT64_C(1000000000)
#define T0 (INT64_C(1700000000) * SEC)

enum way { NONE, ALL, ADAPTIVE };
#define WAYS 3

static struct sw_analyze *make(enum way w)
{
	struct sw_analyze_opts o;
	memset(&o, 0, sizeof o);
	o.compact_accounts = w != NONE;
	o.compact_keep = w == ALL ? 1 : 0;
	return sw_analyze_new(&o);
}

static size_t n_packed(const struct sw_analyze *a)
{
	size_t n = 0;
	for (size_t i = 0; i < a->accounts.n; i++)
		n += (uintptr_t)a->accounts.p[i] & 1u;
	return n;
}

static void put_addr(struct sw_buf *b, const char *name, const struct sw_addr *x)
{
	char s[SW_ADDRSTRLEN];
	sw_buf_printf(b, " %s=%s", name, x->family ? sw_addr_fmt(x, s) : "-");
}

static void put_ev(struct sw_buf *b, const struct sw_evidence *e)
{
	sw_buf_printf(b, " [%u/%llu %lld %s]", e->file_idx, (unsigned long long)e->frame_no,
		      (long long)e->ts_ns, e->label);
}

/* Everything the public API says of the results, one line a record. */
static void signature(const struct sw_analyze *a, struct sw_buf *b)
{
	struct sw_account_buf abuf;
	for (size_t i = 0; i < sw_analyze_naccounts(a); i++) {
		const struct sw_account *ac = sw_analyze_account(a, i, &abuf);
		assert_non_null(ac);
		sw_buf_printf(b, "A%u %s ua=%s srv=%s ct=%s until=%lld total=%lld ref=%lld/%lld/%lld "
			      "t=%lld-%lld tp=%d st=%d worst=%d exp=%d/%d n=%u/%u/%u ok=%u ch=%u "
			      "fail=%u to=%u mac=%d",
			      ac->id, ac->aor, ac->user_agent ? ac->user_agent : "-",
			      ac->server ? ac->server : "-", ac->contact ? ac->contact : "-",
			      (long long)ac->registered_until_ns, (long long)ac->registered_total_ns,
			      (long long)ac->refresh_min_ns, (long long)ac->refresh_max_ns,
			      (long long)ac->refresh_sum_ns, (long long)ac->first_ns,
			      (long long)ac->last_ns, ac->transport, ac->state, ac->worst,
			      ac->requested_expires, ac->granted_expires, ac->refresh_count,
			      ac->n_register, ac->n_register_msgs, ac->n_ok, ac->n_challenge,
			      ac->n_fail, ac->n_timeout, ac->has_mac);
		put_addr(b, "client", &ac->client);
		put_addr(b, "registrar", &ac->registrar);
		for (uint32_t c = 0; c < ac->n_changes; c++)
			sw_buf_printf(b, " chg=%lld/%llu/%u/%u", (long long)ac->changes[c].ts_ns,
				      (unsigned long long)ac->changes[c].frame_no,
				      ac->changes[c].status, ac->changes[c].state);
		for (uint32_t p = 0; p < ac->n_public; p++) {
			put_addr(b, "pub", &ac->public_addrs[p].addr);
			sw_buf_printf(b, "/%lld-%lld", (long long)ac->public_addrs[p].first_ns,
				      (long long)ac->public_addrs[p].last_ns);
		}
		for (uint32_t f = 0; f < ac->n_findings; f++)
			sw_buf_printf(b, " f=%u", ac->findings[f]);
		sw_buf_puts(b, "\n");
	}
	for (size_t i = 0; i < sw_analyze_nfindings(a); i++) {
		const struct sw_finding *f = sw_analyze_finding(a, i);
		if (!f)
			continue;
		struct sw_finding_texts tx;
		sw_finding_texts(a, f, SW_TEXT_ALL, &tx);
		sw_buf_printf(b, "F%u %d %s sev=%d sus=%d acct=%u aor=%s res=%d cost=%d t=%lld-%lld ev=%zu\n"
			      " %s\n %s\n %s\n", f->id, f->kind, sw_finding_cause(f), f->severity,
			      f->suspected, f->account, f->aor ? f->aor : "-", f->resolved,
			      f->cost_binding, (long long)f->first_ns, (long long)f->last_ns,
			      f->evidence_total, tx.summary ? tx.summary : "-",
			      tx.explanation ? tx.explanation : "-", tx.advice ? tx.advice : "-");
		sw_finding_texts_free(&tx);
		for (size_t e = 0; e < f->n_evidence; e++)
			put_ev(b, &f->evidence[e]);
		for (size_t k = 0; k < f->n_facts; k++)
			sw_buf_printf(b, " %s=%s", f->facts[k].key, f->facts[k].value);
		sw_buf_puts(b, "\n");
	}
	for (size_t i = 0; i < sw_analyze_ndialogs(a); i++) {
		const struct sw_dialog *d = sw_analyze_dialog(a, i);
		if (d)
			sw_buf_printf(b, "D%u %s %d %d\n", d->id, d->method, d->state, d->final_status);
	}
}

struct capture_run {
	struct sw_analyze *an[WAYS];
};

static void feed(void *user, const struct sw_ev *ev)
{
	struct capture_run *r = user;
	for (int w = 0; w < WAYS; w++)
		sw_analyze_event(r->an[w], ev, NULL);
}

struct tally {
	size_t files, accounts, packed;
};

static void compare(struct sw_analyze *an[WAYS], const char *what, struct tally *t)
{
	struct sw_buf sig[WAYS];
	for (int w = 0; w < WAYS; w++) {
		memset(&sig[w], 0, sizeof sig[w]);
		signature(an[w], &sig[w]);
	}
	const char *none = sig[NONE].p ? sig[NONE].p : "";
	if (strcmp(none, sig[ALL].p ? sig[ALL].p : ""))
		fail_msg("%s: packed accounts read otherwise", what);
	if (strcmp(none, sig[ADAPTIVE].p ? sig[ADAPTIVE].p : ""))
		fail_msg("%s: accounts packed at the adaptive budget read otherwise", what);
	t->accounts += sw_analyze_naccounts(an[NONE]);
	t->packed += n_packed(an[ALL]);
	assert_int_equal(n_packed(an[NONE]), 0);
	for (int w = 0; w < WAYS; w++)
		sw_buf_free(&sig[w]);
}

static void check_capture(const char *path, struct tally *t)
{
	struct sw_capture *cap;
	char err[256];
	const char *p = path;
	if (sw_capture_open_files(&cap, &p, 1, NULL, err, sizeof err) < 0)
		return;
	struct capture_run r;
	for (int w = 0; w < WAYS; w++)
		r.an[w] = make((enum way)w);
	struct sw_decode *d = sw_decode_new(NULL);
	struct sw_frame f;
	int64_t last = 0;
	while (sw_capture_next(cap, &f) == SW_CAP_FRAME) {
		for (int w = 0; w < WAYS; w++)
			sw_analyze_tick(r.an[w], f.ts_ns);
		sw_decode_frame(d, &f, feed, &r);
		last = f.ts_ns;
	}
	sw_decode_finish(d, feed, &r);
	for (int w = 0; w < WAYS; w++)
		sw_analyze_finish(r.an[w], last);
	compare(r.an, path, t);
	t->files++;
	for (int w = 0; w < WAYS; w++)
		sw_analyze_free(r.an[w]);
	sw_decode_free(d);
	sw_capture_close(cap);
}

/* sw_test_walk's callback */
static void check_capture_one(const char *path, void *t)
{
	check_capture(path, t);
}

static void captures_read_the_same(void **state)
{
	(void)state;
	const char *dir = getenv("SW_PCAPS");
	if (!dir)
		skip();
	struct tally t = { 0 };
	sw_test_walk(dir, check_capture_one, &t, 0);
	printf("%zu captures, %zu accounts, %zu of them packed at the end\n", t.files, t.accounts,
	       t.packed);
	assert_true(t.files > 100);
	assert_true(t.packed > 100);
}

/* ---- many phones, made here -------------------------------------------- */

struct lab {
	struct sw_decode *dec;
	struct sw_analyze *an[WAYS];
	uint64_t frame;
};

static void send_sip(struct lab *l, int64_t t, struct sw_addr src, struct sw_addr dst,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void send_sip(struct lab *l, int64_t t, struct sw_addr src, struct sw_addr dst,
		     const char *fmt, ...)
{
	char text[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	struct sw_sip_msg m;
	const char *why = NULL;
	if (sw_decode_sip(l->dec, text, strlen(text), &m, &why) != 0)
		fail_msg("test message rejected: %s", why ? why : "?");
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.type = SW_EV_SIP;
	ev.pkt.ts_ns = t;
	ev.pkt.frame_no = ev.pkt.first_frame_no = ++l->frame;
	ev.pkt.src = src;
	ev.pkt.dst = dst;
	ev.pkt.transport = SW_TP_UDP;
	ev.u.sip = &m;
	for (int w = 0; w < WAYS; w++)
		sw_analyze_event(l->an[w], &ev, NULL);
}

static void send_keepalive(struct lab *l, int64_t t, struct sw_addr src, struct sw_addr dst)
{
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.type = SW_EV_KEEPALIVE;
	ev.pkt.ts_ns = t;
	ev.pkt.frame_no = ev.pkt.first_frame_no = ++l->frame;
	ev.pkt.src = src;
	ev.pkt.dst = dst;
	ev.pkt.transport = SW_TP_UDP;
	ev.u.keepalive.kind = SW_KA_CRLF_PING;
	for (int w = 0; w < WAYS; w++)
		sw_analyze_event(l->an[w], &ev, NULL);
}

static struct sw_addr ep(uint32_t ip, uint16_t port)
{
	struct sw_addr a;
	memset(&a, 0, sizeof a);
	a.family = 4;
	a.ip[0] = (uint8_t)(ip >> 24);
	a.ip[1] = (uint8_t)(ip >> 16);
	a.ip[2] = (uint8_t)(ip >> 8);
	a.ip[3] = (uint8_t)ip;
	a.port = port;
	return a;
}

#define REQ                                                                      \
	"REGISTER sip:example.com SIP/2.0\r\n"                                    \
	"Via: SIP/2.0/UDP %s;branch=z9hG4bK%u-%u-%d;rport\r\n"                    \
	"From: <sip:%u@example.com>;tag=f%u\r\nTo: <sip:%u@example.com>\r\n"      \
	"Call-ID: c%u-%u@phone\r\nCSeq: %u REGISTER\r\n"                          \
	"Contact: <sip:%u@%s;transport=udp>\r\nExpires: %d\r\n"                   \
	"User-Agent: Phone %u\r\n%s"                                              \
	"Content-Length: 0\r\n\r\n"

/* One registration of phone i, as the server sees it: challenged first;
 * some refused (403), some never answered, the rest granted `expires`. */
static void register_once(struct lab *l, int64_t t, unsigned i, unsigned round, int expires)
{
	struct sw_addr srv = ep(0xC6336401u, 5060);                    /* 198.51.100.1 */
	bool nat = i % 3 == 0;
	struct sw_addr src = ep(nat ? 0xCB007100u + i % 200 : 0x0A000000u + i,
				(uint16_t)(nat ? 20000 + i % 40000 : 5060));
	char local[32];
	snprintf(local, sizeof local, "10.%u.%u.%u:5060", i >> 16 & 255, i >> 8 & 255, i & 255);
	char via_rx[96] = "";
	if (nat)
		snprintf(via_rx, sizeof via_rx, ";received=203.0.113.%u;rport=%u", i % 200,
			 20000 + i % 40000);
	char authz[256];
	snprintf(authz, sizeof authz,
		 "Authorization: Digest username=\"u%u\", realm=\"example.com\", "
		 "nonce=\"n\", uri=\"sip:example.com\", response=\"r\"\r\n", i);
	send_sip(l, t, src, srv, REQ, local, i, round, 1, i, i, i, i, round, 2 * round + 1, i,
		 local, expires, i % 4, "");
	send_sip(l, t + SEC / 50, srv, src,
		 "SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%u-%u-1%s\r\n"
		 "From: <sip:%u@example.com>;tag=f%u\r\nTo: <sip:%u@example.com>;tag=s\r\n"
		 "Call-ID: c%u-%u@phone\r\nCSeq: %u REGISTER\r\n"
		 "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n\"\r\n"
		 "Content-Length: 0\r\n\r\n",
		 local, i, round, via_rx, i, i, i, i, round, 2 * round + 1);
	int64_t t2 = t + SEC / 10;
	send_sip(l, t2, src, srv, REQ, local, i, round, 2, i, i, i, i, round, 2 * round + 2, i,
		 local, expires, i % 4, authz);
	if (i % 97 == 5)
		return; /* never answered */
	if (i % 89 == 7) {
		send_sip(l, t2 + SEC / 50, srv, src,
			 "SIP/2.0 403 Forbidden\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%u-%u-2%s\r\n"
			 "From: <sip:%u@example.com>;tag=f%u\r\nTo: <sip:%u@example.com>;tag=s\r\n"
			 "Call-ID: c%u-%u@phone\r\nCSeq: %u REGISTER\r\nContent-Length: 0\r\n\r\n",
			 local, i, round, via_rx, i, i, i, i, round, 2 * round + 2);
		return;
	}
	send_sip(l, t2 + SEC / 50, srv, src,
		 "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%u-%u-2%s\r\n"
		 "From: <sip:%u@example.com>;tag=f%u\r\nTo: <sip:%u@example.com>;tag=s\r\n"
		 "Call-ID: c%u-%u@phone\r\nCSeq: %u REGISTER\r\n"
		 "Contact: <sip:%u@%s;transport=udp>;expires=%d\r\nServer: Registrar\r\n"
		 "Content-Length: 0\r\n\r\n",
		 local, i, round, via_rx, i, i, i, i, round, 2 * round + 2, i, local, expires);
	if (nat && i % 2)
		send_keepalive(l, t2 + 15 * SEC, src, srv);
}

static void many_phones_read_the_same(void **state)
{
	(void)state;
	enum { PHONES = 6000, ROUNDS = 3 };
	struct lab l;
	memset(&l, 0, sizeof l);
	l.dec = sw_decode_new(NULL);
	for (int w = 0; w < WAYS; w++)
		l.an[w] = make((enum way)w);
	/* Three rounds, 30 minutes apart: phones that are granted 3600 s
	 * refresh in time; those granted 600 s (every fifth) lapse between
	 * rounds; every seventh skips the second round. */
	for (unsigned round = 0; round < ROUNDS; round++)
		for (unsigned i = 0; i < PHONES; i++) {
			if (round == 1 && i % 7 == 0)
				continue;
			int64_t t = T0 + (int64_t)round * 1800 * SEC + (int64_t)i * (SEC / 100);
			register_once(&l, t, i, round, i % 5 == 0 ? 600 : 3600);
		}
	int64_t end = T0 + (int64_t)ROUNDS * 1800 * SEC;
	for (int w = 0; w < WAYS; w++)
		sw_analyze_finish(l.an[w], end);
	struct tally t = { 0 };
	compare(l.an, "6000 phones", &t);
	size_t nf = sw_analyze_nfindings(l.an[NONE]), lapsed = 0;
	struct sw_account_buf abuf;
	for (size_t i = 0; i < PHONES; i++)
		lapsed += sw_analyze_account(l.an[NONE], i, &abuf)->n_changes > 3;
	printf("%zu accounts, %zu packed at the end (one left), %zu findings, %zu with more than "
	       "3 state changes\n", t.accounts, t.packed, nf, lapsed);
	assert_true(nf >= 5);
	assert_true(lapsed > 100);
	assert_int_equal(t.accounts, PHONES);
	assert_true(t.packed >= PHONES - 1);
	assert_true(t.packed > SW_MAX_RINGS);
	for (int w = 0; w < WAYS; w++)
		sw_analyze_free(l.an[w]);
	sw_decode_free(l.dec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(captures_read_the_same),
		cmocka_unit_test(many_phones_read_the_same),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
