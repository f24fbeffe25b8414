/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for decode/evrec.c: a record is self-contained. Every slice of
 * a packed event points inside the record (checked word by word over the
 * packed structs, so a field added to struct sw_sip_msg and forgotten by the
 * packer fails here), and the record reads the same after the decoder that
 * produced the event has been freed and its input overwritten. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "decode/evrec.h"

/* Folded and repeated headers, escapes in a display name (the parser's
 * arena), Vias, Contacts with +sip.instance, every auth header, SDP. */
static const char INVITE[] =
	"INVITE sip:1002@example.com;transport=tcp SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-a;rport=5062;received=198.51.100.1\r\n"
	"Via: SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bK-b;alias\r\n"
	"From: \"Al \\\"the\\\" Phone\" <sip:1001@example.com>;tag=f1\r\n"
	"To: <sip:1002@example.com>\r\n"
	"Call-ID: abc@192.0.2.10\r\n"
	"CSeq: 2 INVITE\r\n"
	"Contact: <sip:1001@192.0.2.10:5062>;expires=60;+sip.instance=\"<urn:uuid:1234>\";reg-id=1,\r\n"
	" <sip:1001@10.0.0.2>\r\n"
	"Supported: replace\r\n"
	"Supported: timer\r\n"
	"Require: 100rel\r\n"
	"User-Agent: Yealink SIP-T46S\r\n"
	"Server: nothing\r\n"
	"Warning: 399 x \"y\"\r\n"
	"Reason: Q.850;cause=16\r\n"
	"Record-Route: <sip:p1;lr>, <sip:p2;lr>\r\n"
	"Route: <sip:p0;lr>\r\n"
	"Expires: 30\r\n"
	"WWW-Authenticate: Digest realm=\"r1\", nonce=\"n1\", algorithm=MD5, qop=\"auth\"\r\n"
	"Proxy-Authenticate: Digest realm=\"r2\", nonce=\"n2\", stale=true\r\n"
	"Authorization: Digest username=\"1001\", realm=\"r1\", nonce=\"n1\", uri=\"sip:example.com\",\r\n"
	"  response=\"0123456789abcdef0123456789abcdef\"\r\n"
	"Proxy-Authorization: Digest username=\"u2\", realm=\"r2\", nonce=\"n2\", uri=\"sip:x\", response=\"00\"\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 87\r\n"
	"\r\n"
	"v=0\r\n"
	"o=- 1 1 IN IP4 192.0.2.10\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.10\r\n"
	"t=0 0\r\n"
	"m=audio 4000 RTP/AVP 0\r\n";

/* No word of the struct at [p, p + n) is a pointer outside [lo, hi) (on
 * 64-bit CPUs: a 32-bit number and a 32-bit pointer look alike). A
 * pointer here is a word in [2^44, 2^47): where x86-64's PIE heap, mmap
 * and ASan's heap live; the numbers of these messages (ports, counts,
 * -1 for absent, ints side by side with bools) are below 2^44 or, with a -1
 * in the upper half, above 2^47. */
static void no_pointer_outside(const void *p, size_t n, const char *lo, const char *hi)
{
	const unsigned char *b = p;
	if (sizeof(void *) != 8)
		return; /* the address ranges are x86-64's: the 64-bit builds check */
	for (size_t off = 0; off + sizeof(uint64_t) <= n; off += sizeof(uint64_t)) {
		uint64_t w;
		memcpy(&w, b + off, sizeof w);
		if (w >= (uintptr_t)lo && w <= (uintptr_t)hi)
			continue;
		if ((w >> 44) != 0 && (w >> 47) == 0)
			fail_msg("word at offset %zu of the packed struct points outside the record", off);
	}
}

static struct sw_str str_in(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);
	assert_non_null(p);
	return sw_str_make(p, strlen(needle));
}

static void assert_str(struct sw_str s, const char *want)
{
	assert_non_null(s.p);
	assert_int_equal(s.len, strlen(want));
	assert_memory_equal(s.p, want, s.len);
}

static void test_sip_record(void **state)
{
	(void)state;
	struct sw_decode *d = sw_decode_new(NULL);
	char *in = strdup(INVITE);
	struct sw_sip_msg m;
	const char *why = NULL;
	assert_int_equal(sw_decode_sip(d, in, strlen(in), &m, &why), 0);
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.type = SW_EV_SIP;
	ev.pkt.frame_no = 7;
	ev.u.sip = &m;
	size_t n = sw_evrec_size(&ev);
	assert_true(n % SW_EVREC_ALIGN == 0 && n <= SW_EVREC_MAX);
	char *rec = aligned_alloc(SW_EVREC_ALIGN, n);
	assert_int_equal(sw_evrec_pack(&ev, rec, n - SW_EVREC_ALIGN), 0); /* too small */
	assert_int_equal(sw_evrec_pack(&ev, rec, n), n);
	/* The decoder parses something else, then goes; the input is wiped. */
	static const char OPTS[] = "OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
				   "From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: zz\r\nCSeq: 1 OPTIONS\r\n\r\n";
	assert_int_equal(sw_decode_sip(d, OPTS, sizeof OPTS - 1, &m, &why), 0);
	sw_decode_free(d);
	memset(in, 'X', strlen(in));
	free(in);

	const struct sw_ev *e = sw_evrec_event(rec);
	assert_int_equal(e->type, SW_EV_SIP);
	assert_int_equal(e->pkt.frame_no, 7);
	const struct sw_sip_msg *r = e->u.sip;
	assert_true((const char *)r > rec && (const char *)r < rec + n);
	no_pointer_outside(r, sizeof *r, rec, rec + n);
	assert_str(r->method, "INVITE");
	assert_str(r->ruri.user, "1002");
	assert_str(r->ruri.transport, "tcp");
	assert_str(r->call_id, "abc@192.0.2.10");
	assert_str(r->from.display, "Al \"the\" Phone");
	assert_str(r->from.tag, "f1");
	assert_int_equal(r->n_via, 2);
	assert_str(r->via[0].received, "198.51.100.1");
	assert_str(r->via[1].host, "2001:db8::1");
	assert_str(r->via[1].branch, "z9hG4bK-b");
	assert_int_equal(r->n_contact, 2);
	assert_str(r->contact[0].instance, "urn:uuid:1234");
	assert_str(r->contact[1].uri.host, "10.0.0.2");
	assert_str(r->supported, "replace, timer");
	assert_str(r->user_agent, "Yealink SIP-T46S");
	assert_str(r->www_auth.realm, "r1");
	assert_true(r->proxy_auth.stale);
	assert_str(r->authorization.username, "1001");
	assert_str(r->proxy_authz.uri, "sip:x");
	assert_str(r->sdp.conn_addr, "192.0.2.10");
	assert_int_equal(r->sdp.n_media, 1);
	assert_str(r->sdp.media[0].proto, "RTP/AVP");
	assert_str(r->record_route_last, "<sip:p2;lr>");
	assert_int_equal(r->raw.len, strlen(INVITE));
	assert_non_null(strstr(r->raw.p, "response=\"********************************\""));
	free(rec);
}

/* Malformed SIP and an ICMP error: slices into the frame move with the
 * payload; the static reason text is copied too. */
static void test_bad_and_icmp_records(void **state)
{
	(void)state;
	char *frame = calloc(1, 256);
	strcpy(frame, "REGISTER sip:x SIP/2.0\r\nCall-ID: q1\r\n");
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.type = SW_EV_SIP_BAD;
	ev.u.bad.reason = sw_str_c("no CSeq header");
	ev.u.bad.raw = sw_str_c(frame);
	ev.u.bad.call_id = str_in(frame, "q1");
	ev.u.bad.first_line = str_in(frame, "REGISTER sip:x SIP/2.0");
	ev.u.bad.declared_length = -1;
	size_t n = sw_evrec_size(&ev);
	char *rec = aligned_alloc(SW_EVREC_ALIGN, n);
	assert_int_equal(sw_evrec_pack(&ev, rec, n), n);
	memset(frame, 'X', strlen(frame));
	const struct sw_ev *e = sw_evrec_event(rec);
	no_pointer_outside(e, sizeof *e, rec, rec + n);
	assert_str(e->u.bad.reason, "no CSeq header");
	assert_str(e->u.bad.call_id, "q1");
	assert_str(e->u.bad.first_line, "REGISTER sip:x SIP/2.0");
	assert_int_equal(e->u.bad.raw.len, 37);
	assert_int_equal(e->u.bad.declared_length, -1);
	free(rec);

	strcpy(frame, "INVITE sip:y SIP/2.0\r\nCall-ID: c9\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKq\r\n");
	memset(&ev, 0, sizeof ev);
	ev.type = SW_EV_ICMP;
	ev.u.icmp.kind = SW_ICMP_PORT_UNREACH;
	ev.u.icmp.quoted_sip = true;
	ev.u.icmp.quoted_payload = sw_str_make(frame, 40); /* cut inside Call-ID */
	ev.u.icmp.quoted_method = str_in(frame, "INVITE");
	ev.u.icmp.quoted_call_id = SW_STR_NULL;
	ev.u.icmp.quoted_branch = str_in(frame, "z9hG4bKq"); /* outside what was quoted */
	n = sw_evrec_size(&ev);
	rec = aligned_alloc(SW_EVREC_ALIGN, n);
	assert_int_equal(sw_evrec_pack(&ev, rec, n), n);
	memset(frame, 'X', strlen(frame));
	free(frame);
	e = sw_evrec_event(rec);
	no_pointer_outside(e, sizeof *e, rec, rec + n);
	assert_int_equal(e->u.icmp.kind, SW_ICMP_PORT_UNREACH);
	assert_str(e->u.icmp.quoted_method, "INVITE");
	assert_null(e->u.icmp.quoted_call_id.p);
	assert_str(e->u.icmp.quoted_branch, "z9hG4bKq");
	assert_int_equal(e->u.icmp.quoted_payload.len, 40);
	free(rec);
}

/* A DNS answer is copied whole; events without pointers are the struct. */
static void test_dns_and_plain_records(void **state)
{
	(void)state;
	struct sw_dns *dns = calloc(1, sizeof *dns);
	strcpy(dns->qname, "_sip._udp.example.com");
	dns->n_targets = 1;
	strcpy(dns->targets[0], "sip1.example.com");
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.type = SW_EV_DNS;
	ev.u.dns = dns;
	size_t n = sw_evrec_size(&ev);
	char *rec = aligned_alloc(SW_EVREC_ALIGN, n);
	assert_int_equal(sw_evrec_pack(&ev, rec, n), n);
	free(dns);
	const struct sw_ev *e = sw_evrec_event(rec);
	assert_string_equal(e->u.dns->qname, "_sip._udp.example.com");
	assert_string_equal(e->u.dns->targets[0], "sip1.example.com");
	free(rec);

	memset(&ev, 0, sizeof ev);
	ev.type = SW_EV_KEEPALIVE;
	ev.u.keepalive.kind = SW_KA_CRLF_PING;
	ev.u.keepalive.len = 4;
	n = sw_evrec_size(&ev);
	rec = aligned_alloc(SW_EVREC_ALIGN, n);
	assert_int_equal(sw_evrec_pack(&ev, rec, n), n);
	assert_int_equal(sw_evrec_event(rec)->u.keepalive.len, 4);
	free(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sip_record),
		cmocka_unit_test(test_bad_and_icmp_records),
		cmocka_unit_test(test_dns_and_plain_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
