/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for decode/sip_osip.c: every field of struct sw_sip_msg a report
 * shows, the rejection reasons, and hostile input (truncation at every
 * offset, NULs, oversized and overflowing values, terminal escapes).
 * Inputs are copied into exactly-sized heap buffers so that ASan catches any
 * read past len. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "decode/sip_osip.h"

struct fx {
	struct sw_sip_parser *sp;
	struct sw_sip_msg msg;
	const char *why;
	char *buf;          /* exactly-sized copy of the last input */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	f->sp = sw_sip_parser_new();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	sw_sip_parser_free(f->sp);
	free(f->buf);
	free(f);
	return 0;
}

/* Parse len bytes from an exactly-sized heap copy. */
static int parse_n(struct fx *f, const char *s, size_t len)
{
	free(f->buf);
	f->buf = malloc(len ? len : 1);
	memcpy(f->buf, s, len);
	f->why = NULL;
	return sw_sip_parser_parse(f->sp, f->buf, len, &f->msg, &f->why);
}

static int parse(struct fx *f, const char *s)
{
	return parse_n(f, s, strlen(s));
}

static const struct sw_sip_msg *ok(struct fx *f, const char *s)
{
	int rc = parse(f, s);
	if (rc != 0)
		fail_msg("unexpected rejection: %s", f->why ? f->why : "(null)");
	return &f->msg;
}

/* len SIZE_MAX: strlen(s) */
static void rejected(struct fx *f, const char *s, size_t len, const char *why)
{
	assert_int_equal(parse_n(f, s, len == SIZE_MAX ? strlen(s) : len), -1);
	assert_non_null(f->why);
	assert_string_equal(f->why, why);
}

#define assert_str(s, exp) assert_str_((s), (exp), #s, __LINE__)
static void assert_str_(struct sw_str s, const char *exp, const char *what, int line)
{
	if (!exp) {
		if (s.p)
			fail_msg("line %d: %s: expected absent, got \"%.*s\"", line, what,
				 (int)s.len, s.p);
		return;
	}
	if (!s.p)
		fail_msg("line %d: %s: expected \"%s\", got absent", line, what, exp);
	if (s.len != strlen(exp) || memcmp(s.p, exp, s.len) != 0)
		fail_msg("line %d: %s: expected \"%s\", got \"%.*s\"", line, what, exp,
			 (int)s.len, s.p);
}

/* Every slice in the message, for "nothing leaks" checks. */
static size_t all_slices(const struct sw_sip_msg *m, struct sw_str *out)
{
	size_t n = 0;
#define U(u) do { out[n++] = (u).raw; out[n++] = (u).scheme; out[n++] = (u).user; \
		  out[n++] = (u).host; out[n++] = (u).transport; } while (0)
#define A(a) do { out[n++] = (a).scheme; out[n++] = (a).realm; out[n++] = (a).username; \
		  out[n++] = (a).nonce; out[n++] = (a).uri; out[n++] = (a).algorithm; \
		  out[n++] = (a).qop; } while (0)
	out[n++] = m->method; U(m->ruri); out[n++] = m->reason; out[n++] = m->call_id;
	out[n++] = m->cseq_method;
	out[n++] = m->from.display; U(m->from.uri); out[n++] = m->from.tag;
	out[n++] = m->to.display; U(m->to.uri); out[n++] = m->to.tag;
	for (size_t i = 0; i < SW_SIP_MAX_VIAS; i++) {
		out[n++] = m->via[i].protocol; out[n++] = m->via[i].host;
		out[n++] = m->via[i].branch; out[n++] = m->via[i].received;
	}
	for (size_t i = 0; i < SW_SIP_MAX_CONTACTS; i++) {
		U(m->contact[i].uri); out[n++] = m->contact[i].instance;
	}
	out[n++] = m->user_agent; out[n++] = m->server; out[n++] = m->warning;
	out[n++] = m->reason_hdr; out[n++] = m->supported; out[n++] = m->require;
	out[n++] = m->content_type; out[n++] = m->record_route; out[n++] = m->route;
	A(m->www_auth); A(m->proxy_auth); A(m->authorization); A(m->proxy_authz);
	out[n++] = m->sdp.origin_addr; out[n++] = m->sdp.conn_addr;
	for (size_t i = 0; i < SW_SIP_MAX_MEDIA; i++) {
		out[n++] = m->sdp.media[i].media; out[n++] = m->sdp.media[i].proto;
		out[n++] = m->sdp.media[i].conn;
	}
	out[n++] = m->raw;
#undef U
#undef A
	return n;
}

static bool struct_contains(const struct sw_sip_msg *m, const char *needle)
{
	struct sw_str s[256];
	size_t n = all_slices(m, s);
	for (size_t i = 0; i < n; i++)
		if (s[i].p && s[i].len >= strlen(needle) &&
		    sw_memmem(s[i].p, s[i].len, needle, strlen(needle)))
			return true;
	return false;
}

/* ------------------------------------------------------------------ */

static const char REGISTER_FULL[] =
	"REGISTER sip:registrar.example.com;transport=udp SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n"
	"Max-Forwards: 70\r\n"
	"From: \"Alice Smith\" <sip:alice@example.com>;tag=1928301774\r\n"
	"To: <sip:alice@example.com>\r\n"
	"Call-ID: a84b4c76e66710@pc33.example.com\r\n"
	"CSeq: 314159 REGISTER\r\n"
	"Contact: <sip:alice@192.0.2.10:5060;transport=udp>;expires=600;"
	"+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=1\r\n"
	"Expires: 3600\r\n"
	"User-Agent: Yealink SIP-T46S 66.86.0.15\r\n"
	"Supported: path, outbound, gruu\r\n"
	"Require: sec-agree\r\n"
	"Route: <sip:edge.example.com;lr>\r\n"
	"Authorization: Digest username=\"alice\", realm=\"example.com\", "
	"nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:registrar.example.com\", "
	"response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5, qop=auth, "
	"nc=00000001, cnonce=\"0a4f113b\"\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static void t_register_full(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f, REGISTER_FULL);

	assert_true(m->is_request);
	assert_str(m->method, "REGISTER");
	assert_str(m->ruri.raw, "sip:registrar.example.com;transport=udp");
	assert_str(m->ruri.scheme, "sip");
	assert_str(m->ruri.user, NULL);
	assert_str(m->ruri.host, "registrar.example.com");
	assert_int_equal(m->ruri.port, -1);
	assert_str(m->ruri.transport, "udp");
	assert_int_equal(m->status, -1);
	assert_str(m->reason, NULL);

	assert_str(m->call_id, "a84b4c76e66710@pc33.example.com");
	assert_int_equal(m->cseq, 314159);
	assert_str(m->cseq_method, "REGISTER");
	assert_str(m->from.display, "Alice Smith");
	assert_str(m->from.uri.raw, "sip:alice@example.com");
	assert_str(m->from.uri.user, "alice");
	assert_str(m->from.uri.host, "example.com");
	assert_str(m->from.tag, "1928301774");
	assert_str(m->to.display, NULL);
	assert_str(m->to.uri.raw, "sip:alice@example.com");
	assert_str(m->to.tag, NULL);

	assert_int_equal(m->n_via, 1);
	assert_str(m->via[0].protocol, "UDP");
	assert_str(m->via[0].host, "192.0.2.10");
	assert_int_equal(m->via[0].port, 5060);
	assert_str(m->via[0].branch, "z9hG4bK776asdhds");
	assert_str(m->via[0].received, NULL);
	assert_true(m->via[0].has_rport);
	assert_int_equal(m->via[0].rport, 0);
	assert_false(m->via[0].has_alias);

	assert_int_equal(m->n_contact, 1);
	assert_false(m->contact_star);
	assert_str(m->contact[0].uri.raw, "sip:alice@192.0.2.10:5060;transport=udp");
	assert_str(m->contact[0].uri.user, "alice");
	assert_str(m->contact[0].uri.host, "192.0.2.10");
	assert_int_equal(m->contact[0].uri.port, 5060);
	assert_str(m->contact[0].uri.transport, "udp");
	assert_int_equal(m->contact[0].expires, 600);
	assert_str(m->contact[0].instance, "urn:uuid:00000000-0000-1000-8000-000A95A0E128");
	assert_int_equal(m->contact[0].reg_id, 1);

	assert_int_equal(m->expires, 3600);
	assert_int_equal(m->min_expires, -1);
	assert_int_equal(m->retry_after, -1);
	assert_int_equal(m->max_forwards, 70);
	assert_str(m->user_agent, "Yealink SIP-T46S 66.86.0.15");
	assert_str(m->server, NULL);
	assert_str(m->warning, NULL);
	assert_str(m->reason_hdr, NULL);
	assert_str(m->supported, "path, outbound, gruu");
	assert_str(m->require, "sec-agree");
	assert_str(m->content_type, NULL);
	assert_str(m->record_route, NULL);
	assert_str(m->route, "<sip:edge.example.com;lr>");

	assert_false(m->www_auth.present);
	assert_false(m->proxy_auth.present);
	assert_false(m->proxy_authz.present);
	assert_true(m->authorization.present);
	assert_str(m->authorization.scheme, "Digest");
	assert_str(m->authorization.username, "alice");
	assert_str(m->authorization.realm, "example.com");
	assert_str(m->authorization.nonce, "dcd98b7102dd2f0e8b11d0f600bfb0c093");
	assert_str(m->authorization.uri, "sip:registrar.example.com");
	assert_str(m->authorization.algorithm, "MD5");
	assert_true(m->authorization.has_response);
	/* the digest response is nowhere, not even in raw */
	assert_false(struct_contains(m, "6629fae49393a05397450978507c4ef1"));
	assert_false(struct_contains(m, "6629fae4"));
	assert_true(struct_contains(m, "response=\"********************************\""));

	assert_int_equal(m->content_length, 0);
	assert_int_equal(m->body_len, 0);
	assert_false(m->content_length_mismatch);
	assert_false(m->sdp.present);
	assert_int_equal(m->raw.len, strlen(REGISTER_FULL));
	assert_int_equal(m->header_len, strlen(REGISTER_FULL));
}

/* Slices point into the parser's copy: the input may go away. */
static void t_input_freed_after_parse(void **state)
{
	struct fx *f = *state;
	assert_int_equal(parse(f, REGISTER_FULL), 0);
	free(f->buf);
	f->buf = NULL;
	assert_str(f->msg.call_id, "a84b4c76e66710@pc33.example.com");
	assert_str(f->msg.via[0].branch, "z9hG4bK776asdhds");
	assert_str(f->msg.contact[0].instance, "urn:uuid:00000000-0000-1000-8000-000A95A0E128");
	assert_int_equal(f->msg.raw.p[0], 'R');
}

static void t_401(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f,
		"SIP/2.0 401 Unauthorized\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5060;received=198.51.100.7\r\n"
		"From: <sip:alice@example.com>;tag=1928301774\r\n"
		"To: <sip:alice@example.com>;tag=37GkEhwl6\r\n"
		"Call-ID: a84b4c76e66710@pc33.example.com\r\n"
		"CSeq: 1 REGISTER\r\n"
		"WWW-Authenticate: Digest realm=\"example.com\", qop=\"auth,auth-int\", "
		"nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", opaque=\"\", stale=FALSE, algorithm=MD5\r\n"
		"Server: Kamailio (5.7.1 (x86_64/linux))\r\n"
		"Content-Length: 0\r\n\r\n");
	assert_false(m->is_request);
	assert_int_equal(m->status, 401);
	assert_str(m->reason, "Unauthorized");
	assert_str(m->method, NULL);
	assert_str(m->ruri.raw, NULL);
	assert_str(m->cseq_method, "REGISTER");
	assert_str(m->to.tag, "37GkEhwl6");
	assert_int_equal(m->via[0].rport, 5060);
	assert_true(m->via[0].has_rport);
	assert_str(m->via[0].received, "198.51.100.7");
	assert_true(m->www_auth.present);
	assert_str(m->www_auth.scheme, "Digest");
	assert_str(m->www_auth.realm, "example.com");
	assert_str(m->www_auth.nonce, "ea9c8e88df84f1cec4341ae6cbe5a359");
	assert_str(m->www_auth.algorithm, "MD5");
	assert_str(m->www_auth.qop, "auth,auth-int");
	assert_false(m->www_auth.stale);
	assert_false(m->www_auth.has_response);
	assert_str(m->www_auth.username, NULL);
	assert_false(m->proxy_auth.present);
	assert_str(m->server, "Kamailio (5.7.1 (x86_64/linux))");
}

static void t_407(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f,
		"SIP/2.0 407 Proxy Authentication Required\r\n"
		"Via: SIP/2.0/TLS [2001:db8::10]:5061;branch=z9hG4bKabc\r\n"
		"From: \"Bob\" <sips:bob@example.org>;tag=a\r\n"
		"To: <sips:carol@example.org>;tag=b\r\n"
		"Call-ID: 3848276298220188511@example.org\r\n"
		"CSeq: 2 INVITE\r\n"
		"Proxy-Authenticate: Digest realm=\"proxy \\\"one\\\"\", nonce=\"n0nc3\", "
		"algorithm=SHA-256, stale=true, qop=\"auth\"\r\n"
		"Content-Length: 0\r\n\r\n");
	assert_int_equal(m->status, 407);
	assert_str(m->reason, "Proxy Authentication Required");
	assert_true(m->proxy_auth.present);
	assert_false(m->www_auth.present);
	assert_str(m->proxy_auth.scheme, "Digest");
	assert_str(m->proxy_auth.realm, "proxy \"one\"");
	assert_str(m->proxy_auth.nonce, "n0nc3");
	assert_str(m->proxy_auth.algorithm, "SHA-256");
	assert_str(m->proxy_auth.qop, "auth");
	assert_true(m->proxy_auth.stale);
	assert_str(m->via[0].protocol, "TLS");
	assert_str(m->via[0].host, "2001:db8::10");
	assert_int_equal(m->via[0].port, 5061);
	assert_str(m->from.uri.scheme, "sips");
	assert_str(m->from.display, "Bob");
}

static void t_403_warning_server(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f,
		"SIP/2.0 403 Forbidden\r\n"
		"Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
		"From: <sip:100@pbx>;tag=x\r\n"
		"To: <sip:100@pbx>;tag=y\r\n"
		"Call-ID: c1\r\n"
		"CSeq: 5 REGISTER\r\n"
		"Warning: 399 pbx.example.com \"Wrong password, try again\"\r\n"
		"Warning: 301 other \"second\"\r\n"
		"Server: Asterisk PBX 18.9.0\r\n"
		"Reason: SIP;cause=403;text=\"Bad auth\"\r\n"
		"Content-Length: 0\r\n\r\n");
	assert_int_equal(m->status, 403);
	assert_str(m->reason, "Forbidden");
	assert_str(m->warning, "399 pbx.example.com \"Wrong password, try again\"");
	assert_str(m->server, "Asterisk PBX 18.9.0");
	assert_str(m->reason_hdr, "SIP;cause=403;text=\"Bad auth\"");
	assert_str(m->via[0].host, "10.0.0.1");
	assert_int_equal(m->via[0].port, -1);
	assert_false(m->via[0].has_rport);
	assert_int_equal(m->via[0].rport, -1);
}

static void t_423_min_expires(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f,
		"SIP/2.0 423 Interval Too Brief\r\n"
		"Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
		"From: <sip:100@pbx>;tag=x\r\n"
		"To: <sip:100@pbx>;tag=y\r\n"
		"Call-ID: c1\r\n"
		"CSeq: 6 REGISTER\r\n"
		"Min-Expires: 1800\r\n"
		"Content-Length: 0\r\n\r\n");
	assert_int_equal(m->status, 423);
	assert_str(m->reason, "Interval Too Brief");
	assert_int_equal(m->min_expires, 1800);
	assert_int_equal(m->expires, -1);
}

static void t_503_retry_after(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f,
		"SIP/2.0 503 Service Unavailable\r\n"
		"Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
		"From: <sip:100@pbx>;tag=x\r\n"
		"To: <sip:100@pbx>;tag=y\r\n"
		"Call-ID: c1\r\n"
		"CSeq: 7 REGISTER\r\n"
		"Retry-After: 120 (maintenance);duration=3600\r\n"
		"Content-Length: 0\r\n\r\n");
	assert_int_equal(m->status, 503);
	assert_int_equal(m->retry_after, 120);

	m = ok(f, "SIP/2.0 503 Busy\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@b>;tag=1\r\n"
		  "To: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\nRetry-After: 30\r\n\r\n");
	assert_int_equal(m->retry_after, 30);
	m = ok(f, "SIP/2.0 503 Busy\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@b>;tag=1\r\n"
		  "To: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\nRetry-After: soon\r\n\r\n");
	assert_int_equal(m->retry_after, -1);
	m = ok(f, "SIP/2.0 503 Busy\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@b>;tag=1\r\n"
		  "To: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n"
		  "Retry-After: 99999999999999999999999\r\n\r\n");
	assert_int_equal(m->retry_after, -1);
}

static void t_200_register_contacts(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f,
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bKnashds7;received=203.0.113.5;rport=61234\r\n"
		"From: <sip:bob@example.com>;tag=a73kszlfl\r\n"
		"To: <sip:bob@example.com>;tag=1410948204\r\n"
		"Call-ID: 1j9FpLxk3uxtm8tn@biloxi.example.com\r\n"
		"CSeq: 2 REGISTER\r\n"
		"Contact: <sip:bob@192.168.1.20:5060>;expires=3600, \"Desk, 2\" <sip:bob@10.0.0.2;transport=tcp>;expires=60\r\n"
		"m: <sip:bob@[2001:db8::20]:5080>;expires=0;reg-id=2\r\n"
		"Date: Sat, 13 Nov 2010 23:29:00 GMT\r\n"
		"Content-Length: 0\r\n\r\n");
	assert_int_equal(m->status, 200);
	assert_int_equal(m->n_via, 1);
	assert_str(m->via[0].received, "203.0.113.5");
	assert_true(m->via[0].has_rport);
	assert_int_equal(m->via[0].rport, 61234);
	assert_int_equal(m->n_contact, 3);
	assert_str(m->contact[0].uri.raw, "sip:bob@192.168.1.20:5060");
	assert_str(m->contact[0].uri.host, "192.168.1.20");
	assert_int_equal(m->contact[0].uri.port, 5060);
	assert_int_equal(m->contact[0].expires, 3600);
	assert_int_equal(m->contact[0].reg_id, -1);
	assert_str(m->contact[0].instance, NULL);
	assert_str(m->contact[1].uri.raw, "sip:bob@10.0.0.2;transport=tcp");
	assert_str(m->contact[1].uri.transport, "tcp");
	assert_int_equal(m->contact[1].expires, 60);
	assert_str(m->contact[2].uri.raw, "sip:bob@[2001:db8::20]:5080");
	assert_str(m->contact[2].uri.host, "2001:db8::20");
	assert_int_equal(m->contact[2].uri.port, 5080);
	assert_int_equal(m->contact[2].expires, 0);
	assert_int_equal(m->contact[2].reg_id, 2);
}

static void t_contacts_over_limit(void **state)
{
	struct fx *f = *state;
	char msg[4096];
	int n = snprintf(msg, sizeof(msg), "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
			 "From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n");
	for (int i = 0; i < 12; i++)
		n += snprintf(msg + n, sizeof(msg) - (size_t)n,
			      "Contact: <sip:a@10.0.0.%d>;expires=%d\r\n", i, 100 + i);
	snprintf(msg + n, sizeof(msg) - (size_t)n, "\r\n");
	const struct sw_sip_msg *m = ok(f, msg);
	assert_int_equal(m->n_contact, SW_SIP_MAX_CONTACTS);
	assert_str(m->contact[7].uri.host, "10.0.0.7");
	assert_int_equal(m->contact[7].expires, 107);
	assert_str(m->contact[7].uri.raw, "sip:a@10.0.0.7");
}

static const char INVITE_SDP_HDR[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
	"Max-Forwards: 70\r\n"
	"To: Bob <sip:bob@biloxi.example.com>\r\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Contact: <sip:alice@pc33.atlanta.example.com>\r\n"
	"Record-Route: <sip:p1.example.com;lr>\r\n"
	"Record-Route: <sip:p2.example.com;lr>\r\n"
	"Content-Type: application/sdp\r\n";
static const char INVITE_SDP_BODY[] =
	"v=0\r\n"
	"o=alice 2890844526 2890844526 IN IP4 198.51.100.1\r\n"
	"s=-\r\n"
	"c=IN IP4 198.51.100.2\r\n"
	"t=0 0\r\n"
	"m=audio 49170 RTP/AVP 0 8 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"m=video 51372/2 RTP/SAVP 31\r\n"
	"c=IN IP4 233.252.0.1/127\r\n"
	"a=rtpmap:31 H261/90000\r\n";

/* The last Record-Route entry is the hop next to the UAC (RFC 3261 section
 * 12.1.2): across headers and within one, commas inside <> not splitting. */
static void t_record_route_last(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f,
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bK-rr\r\n"
		"Record-Route: <sip:198.51.100.1;transport=tcp;lr>\r\n"
		"Record-Route: <sip:p2.example.com;lr;x=\"a,b\">, <sip:192.0.2.1;lr;r2=on>\r\n"
		"From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\n"
		"Call-ID: rr@x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
	assert_str(m->record_route, "<sip:198.51.100.1;transport=tcp;lr>");
	assert_str(m->record_route_last, "<sip:192.0.2.1;lr;r2=on>");
}

static void t_invite_sdp(void **state)
{
	struct fx *f = *state;
	char msg[2048];
	snprintf(msg, sizeof(msg), "%sContent-Length: %zu\r\n\r\n%s", INVITE_SDP_HDR,
		 strlen(INVITE_SDP_BODY), INVITE_SDP_BODY);
	const struct sw_sip_msg *m = ok(f, msg);
	assert_str(m->method, "INVITE");
	assert_str(m->to.display, "Bob");
	assert_str(m->from.display, "Alice");
	assert_str(m->record_route, "<sip:p1.example.com;lr>");
	assert_str(m->record_route_last, "<sip:p2.example.com;lr>");
	assert_str(m->content_type, "application/sdp");
	assert_int_equal(m->content_length, (int64_t)strlen(INVITE_SDP_BODY));
	assert_int_equal(m->body_len, strlen(INVITE_SDP_BODY));
	assert_int_equal(m->header_len, strlen(msg) - strlen(INVITE_SDP_BODY));
	assert_false(m->content_length_mismatch);
	assert_true(m->sdp.present);
	assert_str(m->sdp.origin_addr, "198.51.100.1");
	assert_str(m->sdp.conn_addr, "198.51.100.2");
	assert_int_equal(m->sdp.n_media, 2);
	assert_str(m->sdp.media[0].media, "audio");
	assert_int_equal(m->sdp.media[0].port, 49170);
	assert_str(m->sdp.media[0].proto, "RTP/AVP");
	assert_str(m->sdp.media[0].conn, NULL);
	assert_str(m->sdp.media[1].media, "video");
	assert_int_equal(m->sdp.media[1].port, 51372);
	assert_str(m->sdp.media[1].proto, "RTP/SAVP");
	assert_str(m->sdp.media[1].conn, "233.252.0.1");
}

static void t_sdp_limits(void **state)
{
	struct fx *f = *state;
	char body[2048], msg[4096];
	int n = snprintf(body, sizeof(body), "v=0\no=- 1 1 IN IP6 2001:db8::1\nc=IN IP6 2001:db8::2\n");
	for (int i = 0; i < 12; i++)
		n += snprintf(body + n, sizeof(body) - (size_t)n, "m=audio %d RTP/AVP 0\nc=IN IP4 10.0.0.%d\n",
			      4000 + 2 * i, i);
	n += snprintf(body + n, sizeof(body) - (size_t)n, "m=audio 99999 RTP/AVP 0\nm=x\n");
	snprintf(msg, sizeof(msg), "%s\r\n%s", INVITE_SDP_HDR, body);
	const struct sw_sip_msg *m = ok(f, msg);
	assert_int_equal(m->content_length, -1);
	assert_false(m->content_length_mismatch);
	assert_str(m->sdp.origin_addr, "2001:db8::1");
	assert_str(m->sdp.conn_addr, "2001:db8::2");
	assert_int_equal(m->sdp.n_media, SW_SIP_MAX_MEDIA);
	assert_int_equal(m->sdp.media[7].port, 4014);
	assert_str(m->sdp.media[7].conn, "10.0.0.7");
}

static void t_multipart_sdp(void **state)
{
	struct fx *f = *state;
	static const char body[] =
		"--unique-boundary-1\r\n"
		"Content-Type: application/isup;version=itu-t92+\r\n"
		"Content-Disposition: signal;handling=optional\r\n"
		"\r\n"
		"\x01\x00\x49\x00\x00\x03\x02\x00\x07\x04\x10\x00\x33\x63\x21\x43\x00\x00\x03\r\n"
		"--unique-boundary-1\r\n"
		"Content-Type: application/SDP\r\n"
		"\r\n"
		"v=0\r\n"
		"o=- 1 1 IN IP4 192.0.2.99\r\n"
		"c=IN IP4 192.0.2.98\r\n"
		"m=audio 20000 RTP/AVP 8\r\n"
		"\r\n"
		"--unique-boundary-1--\r\n";
	char msg[2048];
	int n = snprintf(msg, sizeof(msg),
		"INVITE sip:+15551234@gw.example.com;user=phone SIP/2.0\r\n"
		"Via: SIP/2.0/TCP 10.1.1.1:5060;branch=z9hG4bK4\r\n"
		"From: <sip:+15550000@example.com>;tag=9\r\n"
		"To: <sip:+15551234@example.com>\r\n"
		"Call-ID: mp1\r\n"
		"CSeq: 1 INVITE\r\n"
		"Content-Type: multipart/mixed;boundary=\"unique-boundary-1\"\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Length: %zu\r\n\r\n", sizeof(body) - 1);
	memcpy(msg + n, body, sizeof(body) - 1);
	assert_int_equal(parse_n(f, msg, (size_t)n + sizeof(body) - 1), 0);
	const struct sw_sip_msg *m = &f->msg;
	assert_int_equal(m->body_len, sizeof(body) - 1);
	assert_false(m->content_length_mismatch);
	assert_true(m->sdp.present);
	assert_str(m->sdp.origin_addr, "192.0.2.99");
	assert_str(m->sdp.conn_addr, "192.0.2.98");
	assert_int_equal(m->sdp.n_media, 1);
	assert_int_equal(m->sdp.media[0].port, 20000);
	assert_str(m->ruri.user, "+15551234");
	assert_str(m->via[0].protocol, "TCP");
}

/* As in OISF suricata-verify's sip-compact-form capture: compact v f t c l
 * m i k s, both t: and To:, a display name with stray backslashes. */
static void t_compact_form(void **state)
{
	struct fx *f = *state;
	static const char body[] = "v=0\r\no=SIPPS 1 1 IN IP4 192.168.1.2\r\nc=IN IP4 192.168.1.2\r\n"
				   "m=audio 30000 RTP/AVP 0 8\r\n";
	char msg[2048];
	snprintf(msg, sizeof(msg),
		"INVITE sip:97239287044@voip.brujula.net SIP/2.0\r\n"
		"v: SIP/2.0/UDP 192.168.1.2:5060;branch=z9hG4bKnp104984053-44ce4a41192.168.1.2;rport\r\n"
		"f: \\\"arik\\\" <sip:816666@voip.brurjula.net>;tag=6433ef9\r\n"
		"t: <sip:97239287044@voip.brujula.net>\r\n"
		"To: <sip:someone-else@voip.brujula.net>\r\n"
		"i: 105090259-446faf7a@192.168.1.2\r\n"
		"CSeq: 1 INVITE\r\n"
		"c: application/sdp\r\n"
		"k: 100rel, timer\r\n"
		"s: lunch, maybe\r\n"
		"e: identity\r\n"
		"o: presence\r\n"
		"m: <sip:816666@192.168.1.2>\r\n"
		"l: %zu\r\n\r\n%s", strlen(body), body);
	const struct sw_sip_msg *m = ok(f, msg);
	assert_int_equal(m->n_via, 1);
	assert_str(m->via[0].host, "192.168.1.2");
	assert_true(m->via[0].has_rport);
	assert_str(m->from.uri.user, "816666");
	assert_str(m->from.tag, "6433ef9");
	assert_str(m->from.display, "\\\"arik\\\"");
	assert_str(m->to.uri.raw, "sip:97239287044@voip.brujula.net"); /* first To wins */
	assert_str(m->call_id, "105090259-446faf7a@192.168.1.2");
	assert_str(m->content_type, "application/sdp");
	assert_str(m->supported, "100rel, timer");
	assert_int_equal(m->n_contact, 1);
	assert_str(m->contact[0].uri.host, "192.168.1.2");
	assert_int_equal(m->content_length, (int64_t)strlen(body));
	assert_false(m->content_length_mismatch);
	assert_true(m->sdp.present);
	assert_int_equal(m->sdp.media[0].port, 30000);
}

/* The real capture, when the public pcaps are present: UDP payload at a
 * fixed offset (one Ethernet/IPv4/UDP frame). */
static void t_compact_form_pcap(void **state)
{
	struct fx *f = *state;
	const char *dir = getenv("SW_PUBLIC_PCAPS");
	char path[1024];
	snprintf(path, sizeof(path), "%s/OISF__suricata-verify/sip-compact-form__sip_compact_form.pcap",
		 dir ? dir : "/nonexistent");
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		skip();
		return;
	}
	unsigned char d[4096];
	size_t n = fread(d, 1, sizeof(d), fp);
	fclose(fp);
	assert_true(n > 24 + 16 + 42);
	size_t incl = (size_t)d[32] | (size_t)d[33] << 8 | (size_t)d[34] << 16;
	const unsigned char *pkt = d + 40;
	size_t ihl = (size_t)(pkt[14] & 15) * 4;
	size_t off = 14 + ihl + 8;
	assert_true(incl <= n - 40 && incl > off);
	assert_int_equal(parse_n(f, (const char *)pkt + off, incl - off), 0);
	assert_str(f->msg.method, "INVITE");
	assert_str(f->msg.call_id, "105090259-446faf7a@192.168.1.2");
	assert_str(f->msg.from.uri.user, "816666");
	assert_int_equal(f->msg.n_via, 1);
	assert_true(f->msg.sdp.present);
	assert_int_equal(f->msg.sdp.media[0].port, 30000);
	/* the capture declares l: 272 for a longer body */
	assert_int_equal(f->msg.content_length, 272);
	assert_true(f->msg.content_length_mismatch);
}

static void t_via_comma_and_second_header(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f,
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/UDP proxy1.example.com:5060;branch=z9hG4bK1;received=10.0.0.1, "
		"SIP/2.0/TCP proxy2.example.com;branch=z9hG4bK2;alias\r\n"
		"v: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK3;rport=50001\r\n"
		"From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n\r\n");
	assert_int_equal(m->n_via, 3);
	assert_str(m->via[0].protocol, "UDP");
	assert_str(m->via[0].host, "proxy1.example.com");
	assert_int_equal(m->via[0].port, 5060);
	assert_str(m->via[0].branch, "z9hG4bK1");
	assert_str(m->via[0].received, "10.0.0.1");
	assert_str(m->via[1].protocol, "TCP");
	assert_str(m->via[1].host, "proxy2.example.com");
	assert_str(m->via[1].branch, "z9hG4bK2");
	assert_true(m->via[1].has_alias);
	assert_str(m->via[2].protocol, "WSS");
	assert_str(m->via[2].host, "df7jal23ls0d.invalid");
	assert_int_equal(m->via[2].rport, 50001);
}

static void t_vias_over_limit(void **state)
{
	struct fx *f = *state;
	char msg[8192];
	int n = snprintf(msg, sizeof(msg), "SIP/2.0 200 OK\r\n");
	for (int i = 0; i < 20; i++)
		n += snprintf(msg + n, sizeof(msg) - (size_t)n,
			      "Via: SIP/2.0/SCTP h%d.example.com:%d;branch=z9hG4bK%d\r\n", i, 5000 + i, i);
	snprintf(msg + n, sizeof(msg) - (size_t)n,
		 "From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n\r\n");
	const struct sw_sip_msg *m = ok(f, msg);
	assert_int_equal(m->n_via, 20);
	assert_str(m->via[15].host, "h15.example.com");
	assert_int_equal(m->via[15].port, 5015);
	assert_str(m->via[15].protocol, "SCTP");
}

static void t_ipv6(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f,
		"OPTIONS sip:[2001:db8::1]:5061;transport=tls SIP/2.0\r\n"
		"Via: SIP/2.0/TLS [2001:db8::2]:5062;branch=z9hG4bKv6;rport\r\n"
		"From: <sip:alice@[2001:db8::3]>;tag=v6\r\n"
		"To: <sip:[2001:db8::1]:5061>\r\n"
		"Call-ID: v6@[2001:db8::2]\r\n"
		"CSeq: 1 OPTIONS\r\n"
		"Contact: <sip:alice@[2001:db8::2]:5062;transport=tls>\r\n\r\n");
	assert_str(m->ruri.raw, "sip:[2001:db8::1]:5061;transport=tls");
	assert_str(m->ruri.host, "2001:db8::1");
	assert_int_equal(m->ruri.port, 5061);
	assert_str(m->ruri.transport, "tls");
	assert_str(m->via[0].host, "2001:db8::2");
	assert_int_equal(m->via[0].port, 5062);
	assert_true(m->via[0].has_rport);
	assert_int_equal(m->via[0].rport, 0);
	assert_str(m->from.uri.host, "2001:db8::3");
	assert_int_equal(m->from.uri.port, -1);
	assert_str(m->to.uri.host, "2001:db8::1");
	assert_str(m->contact[0].uri.host, "2001:db8::2");
	assert_int_equal(m->contact[0].uri.port, 5062);
	assert_str(m->call_id, "v6@[2001:db8::2]");
}

static void t_contact_star(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f,
		"REGISTER sip:example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 10.0.0.5;branch=z9hG4bKstar\r\n"
		"From: <sip:a@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\n"
		"Call-ID: star\r\nCSeq: 9 REGISTER\r\n"
		"Contact: *\r\nExpires: 0\r\nContent-Length: 0\r\n\r\n");
	assert_true(m->contact_star);
	assert_int_equal(m->n_contact, 0);
	assert_int_equal(m->expires, 0);
}

static const char CL_HDR[] =
	"MESSAGE sip:b@example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 10.0.0.5;branch=z9hG4bKcl\r\n"
	"From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\n"
	"Call-ID: cl\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\n";

static void t_content_length(void **state)
{
	struct fx *f = *state;
	char msg[1024];
	/* declared more than present (cut UDP datagram) */
	snprintf(msg, sizeof(msg), "%sContent-Length: 100\r\n\r\n0123456789", CL_HDR);
	const struct sw_sip_msg *m = ok(f, msg);
	assert_int_equal(m->content_length, 100);
	assert_int_equal(m->body_len, 10);
	assert_true(m->content_length_mismatch);
	/* declared less than present */
	snprintf(msg, sizeof(msg), "%sContent-Length: 5\r\n\r\n0123456789", CL_HDR);
	m = ok(f, msg);
	assert_int_equal(m->content_length, 5);
	assert_int_equal(m->body_len, 10);
	assert_true(m->content_length_mismatch);
	/* equal */
	snprintf(msg, sizeof(msg), "%sl: 10\r\n\r\n0123456789", CL_HDR);
	m = ok(f, msg);
	assert_int_equal(m->content_length, 10);
	assert_false(m->content_length_mismatch);
	/* absent */
	snprintf(msg, sizeof(msg), "%s\r\n0123456789", CL_HDR);
	m = ok(f, msg);
	assert_int_equal(m->content_length, -1);
	assert_int_equal(m->body_len, 10);
	assert_false(m->content_length_mismatch);
	/* declared with SDP content type but no body at all */
	snprintf(msg, sizeof(msg), "%sContent-Length: 300\r\n\r\n", INVITE_SDP_HDR);
	m = ok(f, msg);
	assert_int_equal(m->content_length, 300);
	assert_int_equal(m->body_len, 0);
	assert_true(m->content_length_mismatch);
	assert_false(m->sdp.present);
	/* duplicate Content-Length: the first counts */
	snprintf(msg, sizeof(msg), "%sContent-Length: 10\r\nl: 99\r\n\r\n0123456789", CL_HDR);
	m = ok(f, msg);
	assert_int_equal(m->content_length, 10);
	assert_false(m->content_length_mismatch);
}

static void t_bad_numbers(void **state)
{
	struct fx *f = *state;
	char msg[1024];
	static const char base[] = "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h:%s;branch=z9hG4bK1\r\n"
		"From: <sip:a@x>;tag=1\r\nTo: <sip:a@x>\r\nCall-ID: n\r\nCSeq: %s\r\n%s\r\n";

	snprintf(msg, sizeof(msg), base, "5060", "99999999999999999999 REGISTER", "");
	rejected(f, msg, strlen(msg), "invalid CSeq");
	snprintf(msg, sizeof(msg), base, "5060", "4294967296 REGISTER", "");
	rejected(f, msg, strlen(msg), "invalid CSeq");
	snprintf(msg, sizeof(msg), base, "5060", "-1 REGISTER", "");
	rejected(f, msg, strlen(msg), "invalid CSeq");
	snprintf(msg, sizeof(msg), base, "5060", "1", "");
	rejected(f, msg, strlen(msg), "invalid CSeq");
	snprintf(msg, sizeof(msg), base, "5060", "REGISTER", "");
	rejected(f, msg, strlen(msg), "invalid CSeq");
	snprintf(msg, sizeof(msg), base, "5060", "", "");
	rejected(f, msg, strlen(msg), "invalid CSeq");

	snprintf(msg, sizeof(msg), base, "5060", "4294967295 REGISTER", "");
	const struct sw_sip_msg *m = ok(f, msg);
	assert_int_equal(m->cseq, 4294967295LL);

	snprintf(msg, sizeof(msg), base, "99999999999", "1 REGISTER",
		 "Expires: -5\r\nMax-Forwards: 99999999999999\r\nContent-Length: 4294967296\r\n"
		 "Min-Expires: 2147483648\r\nRetry-After: -3\r\n");
	m = ok(f, msg);
	assert_int_equal(m->via[0].port, -1);
	assert_int_equal(m->expires, -1);
	assert_int_equal(m->max_forwards, -1);
	assert_int_equal(m->content_length, -1);
	assert_true(m->content_length_mismatch);
	assert_int_equal(m->min_expires, -1);
	assert_int_equal(m->retry_after, -1);

	snprintf(msg, sizeof(msg), base, "65535", "1 REGISTER",
		 "Expires: 2147483647\r\nContent-Length: abc\r\nMax-Forwards: 0\r\n");
	m = ok(f, msg);
	assert_int_equal(m->via[0].port, 65535);
	assert_int_equal(m->expires, 2147483647);
	assert_int_equal(m->content_length, -1);
	assert_true(m->content_length_mismatch);
	assert_int_equal(m->max_forwards, 0);

	snprintf(msg, sizeof(msg), base, "5060", "1 REGISTER", "Content-Length: 99999999999999999999999999\r\n");
	m = ok(f, msg);
	assert_int_equal(m->content_length, -1);
}

/* A Via port above 65535 gives port -1 and the message parses, on every
 * CPU: libosip2 reads the port with strtol() into a long (64 bits on
 * x86-64, 32 on ARM and MIPS) and rejected some of these on one CPU only.
 * URI ports of that size are rejected on every CPU. */
static void t_via_port_every_cpu(void **state)
{
	struct fx *f = *state;
	char msg[1024];
	static const char base[] = "REGISTER sip:x SIP/2.0\r\nVia: %s\r\n"
		"From: <sip:a@x>;tag=1\r\nTo: <sip:a@x>\r\nCall-ID: n\r\nCSeq: 1 REGISTER\r\n\r\n";
	static const char *big[] = {
		"SIP/2.0/UDP h:2147483647;branch=z9hG4bK1",
		"SIP/2.0/UDP h:2147483648;branch=z9hG4bK1",
		"SIP/2.0/UDP h:4294967296;branch=z9hG4bK1",
		"SIP/2.0/UDP h:99999999999999999999999;branch=z9hG4bK1",
		"SIP/2.0/UDP h : 99999999999 ;branch=z9hG4bK1",
		"SIP/2.0/UDP [2001:db8::1]:99999999999;branch=z9hG4bK1",
		"SIP/2.0/UDP h:65536",
	};
	for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
		snprintf(msg, sizeof msg, base, big[i]);
		const struct sw_sip_msg *m = ok(f, msg);
		assert_int_equal(m->n_via, 1);
		assert_int_equal(m->via[0].port, -1);
	}
	/* The second element of a line, and ports that are fine as they are. */
	snprintf(msg, sizeof msg, base,
		 "SIP/2.0/UDP h:0000005060;branch=z9hG4bK1, SIP/2.0/TCP g:3000000000;branch=z9hG4bK2,"
		 " SIP/2.0/UDP [::1]:5062;branch=z9hG4bK3, SIP/2.0/UDP k;branch=z9hG4bK4");
	const struct sw_sip_msg *m = ok(f, msg);
	assert_int_equal(m->n_via, 4);
	assert_int_equal(m->via[0].port, 5060);
	assert_int_equal(m->via[1].port, -1);
	assert_str(m->via[1].host, "g");
	assert_str(m->via[1].branch, "z9hG4bK2");
	assert_int_equal(m->via[2].port, 5062);
	assert_str(m->via[2].host, "::1");
	assert_int_equal(m->via[3].port, -1);
	assert_str(m->via[3].branch, "z9hG4bK4");
	/* A negative port is malformed everywhere. */
	snprintf(msg, sizeof msg, base, "SIP/2.0/UDP h:-5;branch=z9hG4bK1");
	rejected(f, msg, SIZE_MAX, "libosip2 could not parse the message");
	snprintf(msg, sizeof msg, "%s",
		 "REGISTER sip:x:2147483648 SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@x>;tag=1\r\n"
		 "To: <sip:a@x>\r\nCall-ID: n\r\nCSeq: 1 REGISTER\r\n\r\n");
	rejected(f, msg, SIZE_MAX, "libosip2 could not parse the message");
}

static const char *MANDATORY[] = {
	"REGISTER sip:x SIP/2.0\r\n",
	"Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n",
	"From: <sip:a@x>;tag=1\r\n",
	"To: <sip:a@x>\r\n",
	"Call-ID: m\r\n",
	"CSeq: 1 REGISTER\r\n",
};

static void t_missing_mandatory(void **state)
{
	struct fx *f = *state;
	static const char *why[] = { NULL, "no Via header", "no From header", "no To header",
				     "no Call-ID header", "no CSeq header" };
	for (size_t skip = 1; skip < 6; skip++) {
		char msg[512] = "";
		for (size_t i = 0; i < 6; i++)
			if (i != skip)
				strcat(msg, MANDATORY[i]);
		strcat(msg, "Content-Length: 0\r\n\r\n");
		rejected(f, msg, strlen(msg), why[skip]);
	}
	/* all present */
	char msg[512] = "";
	for (size_t i = 0; i < 6; i++)
		strcat(msg, MANDATORY[i]);
	strcat(msg, "\r\n");
	assert_int_equal(parse(f, msg), 0);

	/* present but empty */
	rejected(f, "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@x>\r\nTo: <sip:a@x>\r\n"
		    "Call-ID:\r\nCSeq: 1 REGISTER\r\n\r\n", SIZE_MAX, "empty Call-ID header");
}

static void t_empty_headers(void **state)
{
	struct fx *f = *state;
	static const char *cases[][2] = {
		{ "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom:\r\nTo: <sip:a@x>\r\n"
		  "Call-ID: c\r\nCSeq: 1 REGISTER\r\n\r\n", "empty From header" },
		{ "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@x>\r\nTo:  \r\n"
		  "Call-ID: c\r\nCSeq: 1 REGISTER\r\n\r\n", "empty To header" },
		{ "REGISTER sip:x SIP/2.0\r\nVia:\r\nFrom: <sip:a@x>\r\nTo: <sip:a@x>\r\n"
		  "Call-ID: c\r\nCSeq: 1 REGISTER\r\n\r\n", "no Via header" },
		{ "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@x>\r\nTo: <sip:a@x>\r\n"
		  "Call-ID: c\r\nCSeq:\r\n\r\n", "invalid CSeq" },
		{ "REGISTER sip:x SIP/2.0\r\nVia: garbage\r\nFrom: <sip:a@x>\r\nTo: <sip:a@x>\r\n"
		  "Call-ID: c\r\nCSeq: 1 REGISTER\r\n\r\n", "libosip2 could not parse the message" },
		{ "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@x>\r\nTo: <sip:a@x>\r\n"
		  "Call-ID: c\r\nCSeq: 1 REGISTER\r\nContact: <sip:broken\r\n\r\n",
		  "libosip2 could not parse the message" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(f, cases[i][0]), -1);
		assert_string_equal(f->why, cases[i][1]);
	}
	/* an empty Via next to a good one is fine */
	const struct sw_sip_msg *m = ok(f,
		"REGISTER sip:x SIP/2.0\r\nVia:\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		"From: <sip:a@x>;tag=1\r\nTo: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n\r\n");
	assert_int_equal(m->n_via, 1);
}

static void t_garbage(void **state)
{
	struct fx *f = *state;
	static const char *bad[] = {
		"hello world\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
		"HTTP/1.1 200 OK\r\n\r\n",
		"SIP/2.0 200\r\nVia: SIP/2.0/UDP h\r\n\r\n",
		"SIP/2.0 2000 OK\r\n\r\n",
		"SIP/2.0 OK\r\n\r\n",
		"REGISTER sip:x SIP/3.0\r\n\r\n",
		"REGISTER  sip:x SIP/2.0\r\n\r\n",
		"REGISTER sip:x\r\n\r\n",
		"REGISTER\r\n\r\n",
		"REG<ISTER sip:x SIP/2.0\r\n\r\n",
		"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
		"S",
		"SIP/2.0 ",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(f, bad[i]), -1);
		assert_string_equal(f->why, "not a SIP start line");
	}
	assert_int_equal(parse(f, "SIP/2.0 999 Weird\r\n\r\n"), -1);
	assert_string_equal(f->why, "invalid status code");
	assert_int_equal(parse(f, "SIP/2.0 099 Weird\r\n\r\n"), -1);
	assert_string_equal(f->why, "invalid status code");
	/* a bad Request-URI is libosip2's call */
	assert_int_equal(parse(f, "REGISTER sip:u@h:99999999999 SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
				  "From: <sip:a@x>\r\nTo: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n\r\n"), -1);
	assert_string_equal(f->why, "libosip2 could not parse the message");
}

static void t_empty(void **state)
{
	struct fx *f = *state;
	assert_int_equal(parse_n(f, "", 0), -1);
	assert_string_equal(f->why, "empty message");
	assert_int_equal(sw_sip_parser_parse(f->sp, NULL, 0, &f->msg, &f->why), -1);
	assert_string_equal(f->why, "empty message");
	assert_int_equal(parse(f, "\r\n\r\n"), -1);
	assert_string_equal(f->why, "empty message");
	/* why may be NULL */
	assert_int_equal(sw_sip_parser_parse(f->sp, "x", 1, &f->msg, NULL), -1);
}

static void t_size_limit(void **state)
{
	struct fx *f = *state;
	static const char hdr[] = "MESSAGE sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		"From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: big\r\nCSeq: 1 MESSAGE\r\n"
		"Content-Type: text/plain\r\n\r\n";
	char *msg = malloc(SW_MAX_SIP_MSG + 1);
	memcpy(msg, hdr, sizeof(hdr) - 1);
	memset(msg + sizeof(hdr) - 1, 'x', SW_MAX_SIP_MSG + 1 - (sizeof(hdr) - 1));
	rejected(f, msg, SW_MAX_SIP_MSG + 1, "message over 131072 bytes");
	assert_int_equal(parse_n(f, msg, SW_MAX_SIP_MSG), 0);
	assert_int_equal(f->msg.body_len, SW_MAX_SIP_MSG - (sizeof(hdr) - 1));
	free(msg);
}

static void t_nul_bytes(void **state)
{
	struct fx *f = *state;
	static const char in_hdr[] = "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
		"From: <sip:a@x>;tag=1\r\nTo: <sip:a@x>\r\nCall-ID: c\0evil\r\nCSeq: 1 REGISTER\r\n\r\n";
	rejected(f, in_hdr, sizeof(in_hdr) - 1, "NUL byte in headers");
	static const char in_start[] = "REGISTER sip:x\0 SIP/2.0\r\n\r\n";
	rejected(f, in_start, sizeof(in_start) - 1, "NUL byte in headers");
	static const char in_body[] = "MESSAGE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
		"From: <sip:a@x>;tag=1\r\nTo: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 1 MESSAGE\r\n"
		"Content-Type: application/octet-stream\r\nContent-Length: 6\r\n\r\nab\0\0cd";
	assert_int_equal(parse_n(f, in_body, sizeof(in_body) - 1), 0);
	assert_int_equal(f->msg.body_len, 6);
	assert_false(f->msg.content_length_mismatch);
	assert_str(f->msg.call_id, "c");
}

static void t_oversized_call_id(void **state)
{
	struct fx *f = *state;
	size_t n = 10240;
	char *msg = malloc(n + 512);
	int k = sprintf(msg, "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
			"From: <sip:a@x>;tag=1\r\nTo: <sip:a@x>\r\nCall-ID: ");
	memset(msg + k, 'A', n);
	k += (int)n;
	k += sprintf(msg + k, "@host\r\nCSeq: 1 REGISTER\r\nUser-Agent: ");
	memset(msg + k, 'U', 200);
	k += 200;
	k += sprintf(msg + k, "\r\n\r\n");
	assert_int_equal(parse_n(f, msg, (size_t)k), 0);
	assert_int_equal(f->msg.call_id.len, n + 5);
	assert_int_equal(f->msg.call_id.p[0], 'A');
	assert_int_equal(f->msg.user_agent.len, 200);
	free(msg);
}

static void t_warning_odd(void **state)
{
	struct fx *f = *state;
	static const char base[] = "SIP/2.0 488 Not Acceptable Here\r\nVia: SIP/2.0/UDP h\r\n"
		"From: <sip:a@x>;tag=1\r\nTo: <sip:a@x>;tag=2\r\nCall-ID: w\r\nCSeq: 1 INVITE\r\n";
	char msg[512];
	snprintf(msg, sizeof(msg), "%sWarning:\r\n\r\n", base);
	const struct sw_sip_msg *m = ok(f, msg);
	assert_non_null(m->warning.p); /* present, empty */
	assert_int_equal(m->warning.len, 0);
	snprintf(msg, sizeof(msg), "%sWarning:    \r\nWarning: 399 x \"y\"\r\n\r\n", base);
	m = ok(f, msg);
	assert_non_null(m->warning.p);
	assert_int_equal(m->warning.len, 0);
	snprintf(msg, sizeof(msg), "%sWarning: \x01\x7f\xff\"unterminated, 9999999999999 <<<\r\n\r\n", base);
	m = ok(f, msg);
	assert_str(m->warning, "\x01\x7f\xff\"unterminated, 9999999999999 <<<");
	snprintf(msg, sizeof(msg), "%sServer:\r\nUser-Agent:\r\nReason:\r\n\r\n", base);
	m = ok(f, msg);
	assert_int_equal(m->server.len, 0);
	assert_non_null(m->server.p);
	assert_non_null(m->user_agent.p);
	assert_non_null(m->reason_hdr.p);
}

static void t_escape_sequences_kept_raw(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f,
		"REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		"From: \"\x1b[2J\x1b[31mEvil\" <sip:a@x>;tag=1\r\nTo: <sip:a@x>\r\n"
		"Call-ID: \x1b]0;title\x07\r\nCSeq: 1 REGISTER\r\n"
		"User-Agent: \x1b[2J\x1b[1;1H\x1b[31mPwned\x1b[0m\r\n"
		"Server: \x9b" "31m\r\n\r\n");
	assert_str(m->user_agent, "\x1b[2J\x1b[1;1H\x1b[31mPwned\x1b[0m");
	assert_str(m->call_id, "\x1b]0;title\x07");
	assert_str(m->from.display, "\x1b[2J\x1b[31mEvil");
	assert_str(m->server, "\x9b" "31m");
}

static void t_truncation_every_offset(void **state)
{
	struct fx *f = *state;
	char msg[2048];
	snprintf(msg, sizeof(msg), "%s", REGISTER_FULL);
	/* with a body too, so that cuts land inside it */
	size_t hl = strlen(msg) - 2 - strlen("Content-Length: 0\r\n");
	snprintf(msg + hl, sizeof(msg) - hl, "Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n%s",
		 strlen(INVITE_SDP_BODY), INVITE_SDP_BODY);
	size_t len = strlen(msg);
	size_t accepted = 0;
	for (size_t cut = 0; cut <= len; cut++) {
		int rc = parse_n(f, msg, cut);
		if (rc == 0) {
			accepted++;
			assert_true(f->msg.header_len <= cut);
			assert_int_equal(f->msg.header_len + f->msg.body_len, cut);
			assert_true(f->msg.n_via >= 1);
			assert_int_equal(f->msg.cseq, 314159);
		} else {
			assert_non_null(f->why);
		}
	}
	assert_int_equal(parse_n(f, msg, len), 0);
	assert_false(f->msg.content_length_mismatch);
	assert_int_equal(f->msg.sdp.n_media, 2);
	assert_true(accepted > strlen(INVITE_SDP_BODY));
}

static void t_repeat_same_parser(void **state)
{
	struct fx *f = *state;
	char sdp[2048];
	snprintf(sdp, sizeof(sdp), "%sContent-Length: %zu\r\n\r\n%s", INVITE_SDP_HDR,
		 strlen(INVITE_SDP_BODY), INVITE_SDP_BODY);
	for (int i = 0; i < 100; i++) {
		switch (i % 4) {
		case 0:
			assert_int_equal(parse(f, REGISTER_FULL), 0);
			assert_str(f->msg.contact[0].instance,
				   "urn:uuid:00000000-0000-1000-8000-000A95A0E128");
			break;
		case 1:
			assert_int_equal(parse(f, sdp), 0);
			assert_int_equal(f->msg.sdp.n_media, 2);
			break;
		case 2:
			assert_int_equal(parse(f, "garbage"), -1);
			break;
		default:
			assert_int_equal(parse(f, "REGISTER sip:x SIP/2.0\r\nVia: garbage\r\n"
					 "From: <sip:a@x>\r\nTo: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 1 R\r\n\r\n"), -1);
			break;
		}
	}
}

static void t_folding_and_repeats(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f,
		"REGISTER sip:x SIP/2.0\r\n"
		"Via: SIP/2.0/UDP h;\r\n branch=z9hG4bKfold\r\n"
		"From: <sip:a@x>\r\n\t;tag=folded\r\nTo: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n"
		"Supported: path,\r\n   outbound\r\n"
		"k: gruu\r\n"
		"Require: a\r\nRequire: b\r\n"
		"User-Agent: Multi\r\n  Line   \r\n\r\n");
	assert_str(m->via[0].branch, "z9hG4bKfold");
	assert_str(m->from.tag, "folded");
	assert_str(m->supported, "path, outbound, gruu");
	assert_str(m->require, "a, b");
	assert_str(m->user_agent, "Multi Line");
}

static void t_case_and_line_endings(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f,
		"\r\n\r\nsip/2.0 180 Ringing\n"
		"VIA: SIP/2.0/udp h:5070;BRANCH=z9hG4bKcase\n"
		"fRoM : <sip:a@x>;tag=1\n"
		"TO: <sip:a@x>;TAG=2\n"
		"CALL-ID: case\n"
		"cseq:  7\tINVITE \n"
		"CONTENT-LENGTH: 0\n"
		"\n");
	assert_int_equal(m->status, 180);
	assert_str(m->reason, "Ringing");
	assert_str(m->via[0].protocol, "udp");
	assert_int_equal(m->via[0].port, 5070);
	assert_str(m->via[0].branch, "z9hG4bKcase");
	assert_str(m->from.tag, "1");
	assert_str(m->to.tag, "2");
	assert_str(m->call_id, "case");
	assert_int_equal(m->cseq, 7);
	assert_str(m->cseq_method, "INVITE");
	assert_int_equal(m->content_length, 0);
	assert_int_equal(m->body_len, 0);
	assert_int_equal(m->raw.len, f->msg.header_len);
}

static void t_param_name_case(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f,
		"REGISTER sip:x;TRANSPORT=TCP SIP/2.0\r\n"
		"Via: SIP/2.0/UDP h;BRANCH=z9hG4bK1;RPORT;Received=1.2.3.4;ALIAS\r\n"
		"From: <sip:a@x>;TAG=1\r\nTo: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n"
		"Contact: <sip:a@h;Transport=Tls>;EXPIRES=60;+SIP.INSTANCE=\"<urn:x>\";REG-ID=3\r\n"
		"WWW-Authenticate: DIGEST REALM=\"r\", NONCE=\"n\", STALE=TRUE\r\n\r\n");
	assert_str(m->ruri.transport, "TCP");
	assert_str(m->from.tag, "1");
	assert_str(m->via[0].branch, "z9hG4bK1");
	assert_str(m->via[0].received, "1.2.3.4");
	assert_true(m->via[0].has_rport);
	assert_true(m->via[0].has_alias);
	assert_str(m->contact[0].uri.transport, "Tls");
	assert_int_equal(m->contact[0].expires, 60);
	assert_str(m->contact[0].instance, "urn:x");
	assert_int_equal(m->contact[0].reg_id, 3);
	assert_str(m->www_auth.scheme, "DIGEST");
	assert_str(m->www_auth.realm, "r");
	assert_str(m->www_auth.nonce, "n");
	assert_true(m->www_auth.stale);
}

static void t_no_empty_line(void **state)
{
	struct fx *f = *state;
	/* cut right after the last header: kept, all header block, no body */
	const struct sw_sip_msg *m = ok(f,
		"REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@x>;tag=1\r\n"
		"To: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\nContent-Length: 12\r\n");
	assert_int_equal(m->body_len, 0);
	assert_int_equal(m->header_len, m->raw.len);
	assert_true(m->content_length_mismatch);
}

static void t_tel_and_other_uris(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f,
		"INVITE tel:+15551234567;phone-context=example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		"From: Anonymous <sip:anonymous@anonymous.invalid>;tag=1\r\n"
		"To: tel:+15551234567;tag=x\r\n"
		"Call-ID: tel\r\nCSeq: 1 INVITE\r\n\r\n");
	assert_str(m->ruri.scheme, "tel");
	assert_str(m->ruri.user, "+15551234567");
	assert_str(m->ruri.host, NULL);
	assert_str(m->ruri.raw, "tel:+15551234567;phone-context=example.com");
	assert_str(m->from.display, "Anonymous");
	assert_str(m->to.uri.raw, "tel:+15551234567");
	assert_str(m->to.uri.user, "+15551234567");
	assert_str(m->to.tag, "x");
}

static void t_other_auth(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f,
		"SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@x>;tag=1\r\n"
		"To: <sip:a@x>;tag=2\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n"
		"WWW-Authenticate: NTLM\r\n\r\n");
	assert_true(m->www_auth.present);
	assert_str(m->www_auth.scheme, "NTLM");

	m = ok(f, "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 2 REGISTER\r\n"
		  "Proxy-Authorization: Digest username=\"u\", realm=\"r\", nonce=\"n\", "
		  "uri=\"sip:x\", response=abcdef0123456789, algorithm=MD5\r\n"
		  "Authorization: Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\"\r\n\r\n");
	assert_true(m->proxy_authz.present);
	assert_true(m->proxy_authz.has_response);
	assert_str(m->proxy_authz.username, "u");
	assert_false(struct_contains(m, "abcdef0123456789"));
	assert_true(m->authorization.present);
	assert_false(m->authorization.has_response);
	assert_str(m->authorization.username, "u");

	/* unquoted values (libosip2 would read username as "r") and token68 */
	m = ok(f, "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 2 REGISTER\r\n"
		  "Authorization: Digest username=u, realm=\"r\",nonce=\"n\"\r\n"
		  "Proxy-Authorization: Bearer mF_9.B5f-4.1JqM==\r\n\r\n");
	assert_str(m->authorization.username, "u");
	assert_str(m->authorization.realm, "r");
	assert_str(m->authorization.nonce, "n");
	assert_str(m->proxy_authz.scheme, "Bearer");
	assert_false(m->proxy_authz.has_response);

	/* mangled response parameters are masked to the next comma */
	static const char *mangled[] = {
		"response\"=\"secret1\\\"x\", realm=r",
		"response \"secret1\", realm=r",
		"RESPONSE = secret1 ,realm=r",
		"realm=r,response=secret1",
	};
	for (size_t i = 0; i < sizeof(mangled) / sizeof(mangled[0]); i++) {
		char msg[512];
		snprintf(msg, sizeof(msg), "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
			 "From: <sip:a@x>;tag=1\r\nTo: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 2 REGISTER\r\n"
			 "Authorization: Digest %s\r\n\r\n", mangled[i]);
		m = ok(f, msg);
		assert_true(m->authorization.has_response);
		assert_false(struct_contains(m, "secret1"));
	}
	/* response= with nothing in it */
	m = ok(f, "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 2 REGISTER\r\n"
		  "Authorization: Digest username=\"u\", response=\"\"\r\n\r\n");
	assert_false(m->authorization.has_response);

	/* escaped quote inside the response: masked to its end, nothing leaks */
	m = ok(f, "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 2 REGISTER\r\n"
		  "Authorization: Digest response=\"se\\\"cret\", username=\"u\"\r\n\r\n");
	assert_true(m->authorization.has_response);
	assert_false(struct_contains(m, "cret"));

	/* the first line is read while it is masked; a second one and a folded
	 * first one are masked too, and the folded one read after unfolding */
	m = ok(f, "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 2 REGISTER\r\n"
		  "Authorization: Digest username=\"u1\", response=\"secret1\", realm=\"r1\"\r\n"
		  "Authorization: Digest username=\"u2\", response=\"secret2\"\r\n"
		  "Proxy-Authorization: Digest username=\"p\",\r\n response=\"secret3\",\r\n\trealm=\"r3\"\r\n\r\n");
	assert_str(m->authorization.username, "u1");
	assert_str(m->authorization.realm, "r1");
	assert_true(m->authorization.has_response);
	assert_str(m->proxy_authz.username, "p");
	assert_str(m->proxy_authz.realm, "r3");
	assert_true(m->proxy_authz.has_response);
	assert_false(struct_contains(m, "secret1"));
	assert_false(struct_contains(m, "secret2"));
	assert_false(struct_contains(m, "secret3"));
}

/* A REGISTER's To that is From's <URI> is read from From's parse: the same
 * fields, and no tag of From's; a To with anything more is parsed itself. */
static void t_to_same_as_from(void **state)
{
	struct fx *f = *state;
	const struct sw_sip_msg *m = ok(f,
		"REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
		"From: \"Desk\" <sip:1001@Example.com:5070;transport=tcp>;tag=f1\r\n"
		"To: <sip:1001@Example.com:5070;transport=tcp>\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n\r\n");
	assert_str(m->from.tag, "f1");
	assert_str(m->from.display, "Desk");
	assert_str(m->to.tag, NULL);
	assert_str(m->to.display, NULL);
	assert_str(m->to.uri.user, "1001");
	assert_str(m->to.uri.host, "Example.com");
	assert_int_equal(m->to.uri.port, 5070);
	assert_str(m->to.uri.transport, "tcp");
	assert_str(m->to.uri.raw, "sip:1001@Example.com:5070;transport=tcp");

	/* near misses: a To with its own tag, another port, a To before From */
	m = ok(f, "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:a@x>;tag=2\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n\r\n");
	assert_str(m->from.tag, "1");
	assert_str(m->to.tag, "2");
	m = ok(f, "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nTo: <sip:a@x:5061>\r\n"
		  "From: <sip:a@x>;tag=1\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n\r\n");
	assert_int_equal(m->to.uri.port, 5061);
	assert_int_equal(m->from.uri.port, -1);
	assert_str(m->to.tag, NULL);
	m = ok(f, "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nTo: <sip:b@x>\r\n"
		  "From: <sip:a@x>;tag=1\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n\r\n");
	assert_str(m->to.uri.user, "b");
	assert_str(m->from.uri.user, "a");
}

/* libosip2's parse errors must not reach stdout (they would corrupt the TUI). */
static void t_quiet(void **state)
{
	struct fx *f = *state;
	fflush(stdout);
	int saved = dup(1);
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	dup2(fileno(tmp), 1);
	parse(f, "REGISTER sip:x SIP/2.0\r\nVia: garbage\r\nFrom: <sip:a@x>\r\nTo: <sip:a@x>\r\n"
		 "Call-ID: c\r\nCSeq: 1 R\r\n\r\n");
	parse(f, "REGISTER sip:u@h:99999999999 SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
		 "From: <sip:a@x>\r\nTo: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\n\r\n");
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	assert_int_equal(lseek(fileno(tmp), 0, SEEK_END), 0);
	fclose(tmp);
}

static void t_two_parsers(void **state)
{
	(void)state;
	struct sw_sip_parser *a = sw_sip_parser_new(), *b = sw_sip_parser_new();
	struct sw_sip_msg ma, mb;
	const char *why;
	assert_int_equal(sw_sip_parser_parse(a, REGISTER_FULL, strlen(REGISTER_FULL), &ma, &why), 0);
	assert_int_equal(sw_sip_parser_parse(b, "garbage", 7, &mb, &why), -1);
	assert_str(ma.call_id, "a84b4c76e66710@pc33.example.com");
	sw_sip_parser_free(a);
	sw_sip_parser_free(b);
	sw_sip_parser_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(t_register_full),
		T(t_input_freed_after_parse),
		T(t_401),
		T(t_407),
		T(t_403_warning_server),
		T(t_423_min_expires),
		T(t_503_retry_after),
		T(t_200_register_contacts),
		T(t_contacts_over_limit),
		T(t_invite_sdp),
		T(t_record_route_last),
		T(t_sdp_limits),
		T(t_multipart_sdp),
		T(t_compact_form),
		T(t_compact_form_pcap),
		T(t_via_comma_and_second_header),
		T(t_vias_over_limit),
		T(t_ipv6),
		T(t_contact_star),
		T(t_content_length),
		T(t_bad_numbers),
		T(t_via_port_every_cpu),
		T(t_missing_mandatory),
		T(t_empty_headers),
		T(t_garbage),
		T(t_empty),
		T(t_size_limit),
		T(t_nul_bytes),
		T(t_oversized_call_id),
		T(t_warning_odd),
		T(t_escape_sequences_kept_raw),
		T(t_truncation_every_offset),
		T(t_repeat_same_parser),
		T(t_folding_and_repeats),
		T(t_case_and_line_endings),
		T(t_param_name_case),
		T(t_no_empty_line),
		T(t_tel_and_other_uris),
		T(t_other_auth),
		T(t_to_same_as_from),
		T(t_quiet),
		T(t_two_parsers),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
