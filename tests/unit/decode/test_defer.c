/* SPDX-License-Identifier: BSD-2-Clause */
/* The two-thread pipeline's deferred parse (sw_decode_set_defer,
 * sw_decode_deferred_parse) gives the events the decoder gives itself: every
 * capture of pcaps/ is decoded once with every SIP message parsed in place,
 * once with every one deferred and parsed by a parser of its own, and once
 * with every other one deferred; the events (type, the SIP message's fields,
 * a rejected message's reason, lengths and light-scan fields) and the
 * decoder's SIP counts must be the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture/capture.h"
#include "common/buf.h"
#include "decode/decode.h"
#include "tests/unit/walk.h"

enum mode { PARSE_HERE, DEFER_ALL, DEFER_HALF };

struct run {
	enum mode mode;
	unsigned long n;            /* SIP messages offered to defer() */
	struct sw_decode_deferred *dp;
	struct sw_buf sig;          /* one line per event */
	unsigned long raw_seen;
};

static bool defer(void *user)
{
	struct run *r = user;
	return r->mode == DEFER_ALL || (r->mode == DEFER_HALF && r->n++ % 2);
}

static void put(struct sw_buf *b, const char *name, struct sw_str s)
{
	sw_buf_printf(b, " %s=%zu:%.*s", name, s.len, (int)(s.len > 80 ? 80 : s.len),
		      s.p ? s.p : "");
}

static void sig_sip(struct sw_buf *b, const struct sw_sip_msg *m)
{
	sw_buf_printf(b, "SIP req=%d status=%d cseq=%lld vias=%zu contacts=%zu exp=%d cl=%lld body=%zu hdr=%zu",
		      m->is_request, m->status, (long long)m->cseq, m->n_via, m->n_contact,
		      m->expires, (long long)m->content_length, m->body_len, m->header_len);
	put(b, "method", m->method);
	put(b, "ruri", m->ruri.raw);
	put(b, "callid", m->call_id);
	put(b, "from", m->from.uri.raw);
	put(b, "fromtag", m->from.tag);
	put(b, "to", m->to.uri.raw);
	put(b, "ua", m->user_agent);
	put(b, "raw", m->raw);
	if (m->n_via) {
		put(b, "branch", m->via[0].branch);
		put(b, "viahost", m->via[0].host);
	}
	if (m->n_contact)
		put(b, "contact", m->contact[0].uri.raw);
	put(b, "authuser", m->authorization.username);
	put(b, "realm", m->www_auth.realm);
}

static void sink(void *user, const struct sw_ev *in)
{
	struct run *r = user;
	struct sw_ev conv;
	const struct sw_ev *ev = in;
	if (in->type == SW_EV_SIP_RAW) {
		r->raw_seen++;
		sw_decode_deferred_parse(r->dp, in, &conv);
		ev = &conv;
	}
	struct sw_buf *b = &r->sig;
	sw_buf_printf(b, "%d ts=%lld len=%u ", (int)ev->type, (long long)ev->pkt.ts_ns,
		      ev->pkt.payload_len);
	if (ev->type == SW_EV_SIP) {
		sig_sip(b, ev->u.sip);
	} else if (ev->type == SW_EV_SIP_BAD) {
		sw_buf_printf(b, "BAD declared=%lld body=%zu", (long long)ev->u.bad.declared_length,
			      ev->u.bad.body_length);
		put(b, "reason", ev->u.bad.reason);
		put(b, "raw", ev->u.bad.raw);
		put(b, "callid", ev->u.bad.call_id);
		put(b, "first", ev->u.bad.first_line);
	}
	sw_buf_printf(b, "\n");
}

/* Decodes path in the given mode; false when the capture does not open. */
static bool decode(const char *path, enum mode mode, struct run *r, struct sw_decode_stats *st)
{
	struct sw_capture *cap;
	char err[256];
	const char *p = path;
	memset(r, 0, sizeof *r);
	r->mode = mode;
	if (sw_capture_open_files(&cap, &p, 1, NULL, err, sizeof err) < 0)
		return false;
	r->dp = sw_decode_deferred_new();
	struct sw_decode *d = sw_decode_new(NULL);
	if (mode != PARSE_HERE)
		sw_decode_set_defer(d, defer, r);
	struct sw_frame f;
	while (sw_capture_next(cap, &f) == SW_CAP_FRAME)
		sw_decode_frame(d, &f, sink, r);
	sw_decode_finish(d, sink, r);
	*st = *sw_decode_get_stats(d);
	sw_decode_free(d);
	sw_capture_close(cap);
	return true;
}

struct tally {
	size_t files, messages, deferred;
};

/* The three modes agree on one capture. */
static void check(const char *path, struct tally *t)
{
	struct run here, all, half;
	struct sw_decode_stats s0, s1, s2;
	if (!decode(path, PARSE_HERE, &here, &s0)) {
		sw_buf_free(&here.sig);
		return;
	}
	assert_true(decode(path, DEFER_ALL, &all, &s1));
	assert_true(decode(path, DEFER_HALF, &half, &s2));
	const char *a = here.sig.p ? here.sig.p : "";
	if (strcmp(a, all.sig.p ? all.sig.p : "") || strcmp(a, half.sig.p ? half.sig.p : ""))
		fail_msg("%s: deferred parse gives other events", path);
	/* the deferred ones are not counted by the decoder itself */
	assert_int_equal(s1.sip + s1.sip_bad + all.raw_seen, s0.sip + s0.sip_bad);
	t->files++;
	t->messages += s0.sip + s0.sip_bad;
	t->deferred += all.raw_seen;
	sw_decode_deferred_free(here.dp);
	sw_decode_deferred_free(all.dp);
	sw_decode_deferred_free(half.dp);
	sw_buf_free(&here.sig);
	sw_buf_free(&all.sig);
	sw_buf_free(&half.sig);
}

/* sw_test_walk's callback */
static void check_one(const char *path, void *t)
{
	check(path, t);
}

static void deferred_parse_matches(void **state)
{
	(void)state;
	const char *dir = getenv("SW_PCAPS");
	if (!dir)
		skip();
	struct tally t = { 0 };
	sw_test_walk(dir, check_one, &t, 0);
	printf("%zu captures, %zu SIP messages (valid or not), %zu deferred\n", t.files, t.messages,
	       t.deferred);
	assert_true(t.files > 100);
	assert_true(t.deferred > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deferred_parse_matches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
