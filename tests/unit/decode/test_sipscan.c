/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for decode/sipscan.c: start lines, stream framing by
 * Content-Length, CRLF runs, light scans of cut messages, keepalives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode/sipscan.h"

static bool looks(const char *s)
{
	/* A heap copy without NUL, so ASan sees any read past the end. */
	size_t n = strlen(s);
	char *c = malloc(n ? n : 1);
	memcpy(c, s, n);
	bool r = sw_sip_looks_like(c, n);
	free(c);
	return r;
}

static long frame(const char *s)
{
	size_t n = strlen(s);
	char *c = malloc(n ? n : 1);
	memcpy(c, s, n);
	long r = sw_sip_frame_len(c, n);
	free(c);
	return r;
}

static void start_lines(void **state)
{
	(void)state;
	assert_true(looks("REGISTER sip:example.com SIP/2.0\r\n"));
	assert_true(looks("INVITE sips:bob@example.com;transport=tls SIP/2.0\n"));
	assert_true(looks("SIP/2.0 200 OK\r\n"));
	assert_true(looks("SIP/2.0 401 Unauthorized\r\nVia: x\r\n"));
	assert_true(looks("SIP/2.0 200\r\n"));
	assert_true(looks("sip/2.0 180 Ringing\r\n"));
	assert_true(looks("X-CUSTOM.1 tel:+123 SIP/2.0\r\n"));
	/* cut first lines */
	assert_true(looks("SIP/2.0 "));
	assert_true(looks("SIP/2.0 4"));
	assert_true(looks("REGISTER sip:"));
	assert_true(looks("REGISTER sip:exa"));
	assert_true(looks("REGISTER sip:example.com SIP/2"));
	assert_false(looks("SIP/2.0"));
	assert_false(looks("REGISTER "));
	assert_false(looks("REGISTER sip"));
	/* not SIP */
	assert_false(looks(""));
	assert_false(looks("GET / HTTP/1.1\r\n"));
	assert_false(looks("HTTP/1.1 200 OK\r\n"));
	assert_false(looks("SIP/2.0 99 Low\r\n"));
	assert_false(looks("SIP/2.0 700 High\r\n"));
	assert_false(looks("SIP/2.0 20x OK\r\n"));
	assert_false(looks("SIP/2.0 2000 OK\r\n"));
	assert_true(looks("REGISTER sip:example.com SIP/2.0 extra\r\n")); /* malformed */
	assert_true(looks("REGISTER sip:x SIP/2.0\x80\x81garbage"));
	assert_false(looks("REGISTER sip:example.com HTTP/1.1\r\n"));
	assert_false(looks("REG(ISTER sip:example.com SIP/2.0\r\n"));
	assert_false(looks("REGISTER  sip:example.com SIP/2.0\r\n"));
	assert_false(looks("REGISTER sip:exa\x01mple.com SIP/2.0\r\n"));
	assert_false(looks("\r\n\r\n"));
	assert_false(looks("     "));
	assert_false(looks("jaK"));
	assert_false(looks("hello"));
	const char nul4[4] = {0, 0, 0, 0};
	assert_false(sw_sip_looks_like(nul4, 4));
	assert_false(sw_sip_looks_like(NULL, 0));
}

static void framing(void **state)
{
	(void)state;
	const char *m0 = "REGISTER sip:a SIP/2.0\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n";
	assert_int_equal(frame(m0), strlen(m0));
	/* several messages: the first one only */
	char two[512];
	snprintf(two, sizeof two, "%s%s", m0, m0);
	assert_int_equal(frame(two), strlen(m0));
	/* body, long and compact forms, any case and whitespace */
	const char *m1 = "SIP/2.0 200 OK\r\ncontent-LENGTH  :   4\r\n\r\nabcdEXTRA";
	assert_int_equal(frame(m1), strlen(m1) - 5);
	const char *m2 = "SIP/2.0 200 OK\r\nl: 4\r\n\r\nabcd";
	assert_int_equal(frame(m2), strlen(m2));
	const char *m3 = "SIP/2.0 200 OK\nL:4\n\nabcd";
	assert_int_equal(frame(m3), strlen(m3));
	const char *m3b = "SIP/2.0 200 OK\r\nContent-Length:\t7 \r\n\r\nabcdefg";
	assert_int_equal(frame(m3b), strlen(m3b));
	/* incomplete */
	assert_int_equal(frame("SIP/2.0 200 OK\r\nl: 4\r\n\r\nabc"), 0);
	assert_int_equal(frame("SIP/2.0 200 OK\r\nl: 4\r\n"), 0);
	assert_int_equal(frame("SIP/2.0 200 OK\r\nl: 4\r\n\r"), 0);
	assert_int_equal(frame("SIP/2.0 2"), 0);
	/* a start line still arriving on a stream */
	assert_int_equal(frame("OPTIONS s"), 0);
	assert_int_equal(frame("OPTIONS "), 0);
	assert_int_equal(frame("OPTI"), 0);
	assert_int_equal(frame("SIP/2"), 0);
	assert_int_equal(frame("OPTIONS s\r\n"), -1);
	assert_int_equal(frame("OPT\x01"), -1);
	assert_int_equal(frame("GET /"), -1);
	/* missing Content-Length: 0 */
	const char *m4 = "SIP/2.0 200 OK\r\nCall-ID: x\r\n\r\nrest";
	assert_int_equal(frame(m4), strlen(m4) - 4);
	/* invalid / multiple values */
	assert_int_equal(frame("SIP/2.0 200 OK\r\nContent-Length: x1\r\n\r\n"), -1);
	assert_int_equal(frame("SIP/2.0 200 OK\r\nContent-Length: -1\r\n\r\n"), -1);
	assert_int_equal(frame("SIP/2.0 200 OK\r\nContent-Length: \r\n\r\n"), -1);
	assert_int_equal(frame("SIP/2.0 200 OK\r\nContent-Length: 0\r\nl: 0\r\n\r\n"), -1);
	assert_int_equal(frame("SIP/2.0 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n"),
	                 -1);
	/* headers that only start like Content-Length */
	const char *m5 = "SIP/2.0 200 OK\r\nContent-Length-X: 9\r\nLx: 9\r\n\r\n";
	assert_int_equal(frame(m5), strlen(m5));
	/* not SIP */
	assert_int_equal(frame("HTTP/1.1 200 OK\r\n\r\n"), -1);
	/* over SW_MAX_SIP_MSG */
	assert_int_equal(frame("SIP/2.0 200 OK\r\nContent-Length: 200000\r\n\r\n"), -2);
	size_t big = SW_MAX_SIP_MSG + 100;
	char *b = malloc(big);
	memset(b, 'a', big);
	memcpy(b, "SIP/2.0 200 OK\r\nX: ", 19);
	assert_int_equal(sw_sip_frame_len(b, big), -2);
	assert_int_equal(sw_sip_frame_len(b, 1000), 0);
	free(b);
}

static void crlf_runs(void **state)
{
	(void)state;
	assert_int_equal(sw_sip_crlf_run("\r\n\r\nINVITE", 10), 4);
	assert_int_equal(sw_sip_crlf_run("\r\n", 2), 2);
	assert_int_equal(sw_sip_crlf_run("INVITE", 6), 0);
	assert_int_equal(sw_sip_crlf_run("", 0), 0);
}

static void light_scan(void **state)
{
	(void)state;
	const char *m = "REGISTER sip:example.com SIP/2.0\r\n"
	                "Via: SIP/2.0/UDP 192.0.2.1;rport ; Branch = z9hG4bK-77;received=x, "
	                "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-second\r\n"
	                "Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK-third\r\n"
	                "i: abc@host\r\n"
	                "CSeq:  42   REGISTER\r\n"
	                "Call-ID: second\r\n"
	                "\r\n";
	struct sw_sip_light l;
	assert_int_equal(sw_sip_scan_light(m, strlen(m), &l), 0);
	assert_true(l.is_request);
	assert_true(sw_str_eq(l.method, sw_str_c("REGISTER")));
	assert_true(sw_str_eq(l.first_line, sw_str_c("REGISTER sip:example.com SIP/2.0")));
	assert_true(sw_str_eq(l.call_id, sw_str_c("abc@host")));
	assert_int_equal(l.cseq, 42);
	assert_true(sw_str_eq(l.branch, sw_str_c("z9hG4bK-77")));

	const char *r = "SIP/2.0 401 Unauthorized\r\nCSeq: 7 INVITE\r\nCall-ID: q\r\n\r\n";
	assert_int_equal(sw_sip_scan_light(r, strlen(r), &l), 0);
	assert_false(l.is_request);
	assert_int_equal(l.status, 401);
	assert_true(sw_str_eq(l.method, sw_str_c("INVITE")));
	assert_int_equal(l.cseq, 7);
	assert_null(l.branch.p);

	/* Cut anywhere: never past the end, a cut value is not reported. */
	size_t n = strlen(m);
	for (size_t i = 0; i <= n; i++) {
		char *c = malloc(i ? i : 1);
		memcpy(c, m, i);
		int rc = sw_sip_scan_light(c, i, &l);
		if (rc == 0 && l.call_id.p)
			assert_true(sw_str_eq(l.call_id, sw_str_c("abc@host")));
		if (rc == 0 && l.branch.p)
			assert_true(sw_str_eq(l.branch, sw_str_c("z9hG4bK-77")));
		if (i >= 13)
			assert_int_equal(rc, 0);
		free(c);
	}
	assert_int_equal(sw_sip_scan_light("HTTP/1.1 200 OK\r\n", 17, &l), -1);
	assert_int_equal(l.cseq, -1);
}

static int ka(const void *p, size_t n, bool flow)
{
	enum sw_keepalive_kind k = 0;
	if (!sw_keepalive_classify(p, n, flow, &k))
		return 0;
	return (int)k;
}

static void keepalives(void **state)
{
	(void)state;
	assert_int_equal(ka("\r\n\r\n", 4, false), SW_KA_CRLF_PING);
	assert_int_equal(ka("\r\n", 2, false), SW_KA_CRLF_PONG);
	assert_int_equal(ka("\r\n\r\n", 4, true), SW_KA_CRLF_PING);
	assert_int_equal(ka("     ", 5, true), SW_KA_OTHER);
	assert_int_equal(ka("     ", 5, false), 0);
	assert_int_equal(ka("\0\0\0\0", 4, true), SW_KA_OTHER);
	assert_int_equal(ka("hello", 5, true), SW_KA_OTHER);
	assert_int_equal(ka("jaK\0", 4, true), SW_KA_OTHER);
	assert_int_equal(ka("0123456789abcdefX", 17, true), 0);
	assert_int_equal(ka("", 0, true), 0);
	/* STUN RFC 5389 binding request with a SOFTWARE attribute */
	uint8_t stun[28] = {0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xA4, 0x42};
	stun[20] = 0x80;
	stun[21] = 0x22;
	stun[23] = 4;
	memcpy(stun + 24, "test", 4);
	assert_int_equal(ka(stun, sizeof stun, true), SW_KA_STUN_REQUEST);
	assert_int_equal(ka(stun, sizeof stun, false), 0);
	stun[1] = 0x01;
	stun[0] = 0x01;
	assert_int_equal(ka(stun, sizeof stun, true), SW_KA_STUN_RESPONSE);
	stun[1] = 0x11;
	assert_int_equal(ka(stun, sizeof stun, true), SW_KA_STUN_RESPONSE);
	/* RFC 3489 classic: no cookie, 20-byte header only */
	uint8_t classic[20] = {0x00, 0x01, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef};
	assert_int_equal(ka(classic, sizeof classic, true), SW_KA_STUN_REQUEST);
	/* inconsistent length: not STUN, and too long for "other" */
	stun[0] = 0;
	stun[1] = 1;
	stun[3] = 12;
	assert_int_equal(ka(stun, sizeof stun, true), 0);
	/* SIP is never a keepalive */
	assert_int_equal(ka("SIP/2.0 200 OK\r\n", 16, true), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(start_lines), cmocka_unit_test(framing),
	    cmocka_unit_test(crlf_runs),   cmocka_unit_test(light_scan),
	    cmocka_unit_test(keepalives),
	};
	return cmocka_run_group_tests_name("sipscan", tests, NULL, NULL);
}
