/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for decode/hdrname.c: header names (full and compact forms, any
 * case, the table's order), the parts of a message and the walk over its
 * header lines (folding, lines without a colon, empty values, bare CR). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode/hdrname.h"

static enum sw_hdr look(const char *s)
{
	/* A heap copy without NUL, so ASan sees any read past the end. */
	size_t n = strlen(s);
	char *c = malloc(n ? n : 1);
	memcpy(c, s, n);
	enum sw_hdr h = sw_hdr_lookup(c, n);
	assert_int_equal(sw_hdr_is(c, n, h), h != SW_HDR_OTHER);
	free(c);
	return h;
}

static void full_names(void **state)
{
	(void)state;
	assert_int_equal(look("Via"), SW_HDR_VIA);
	assert_int_equal(look("via"), SW_HDR_VIA);
	assert_int_equal(look("VIA"), SW_HDR_VIA);
	assert_int_equal(look("call-id"), SW_HDR_CALL_ID);
	assert_int_equal(look("Call-Id"), SW_HDR_CALL_ID);
	assert_int_equal(look("cseq"), SW_HDR_CSEQ);
	assert_int_equal(look("CONTENT-LENGTH"), SW_HDR_CONTENT_LENGTH);
	assert_int_equal(look("www-authenticate"), SW_HDR_WWW_AUTHENTICATE);
	assert_int_equal(look("Proxy-Authorization"), SW_HDR_PROXY_AUTHORIZATION);
	assert_int_equal(look("p-preferred-identity"), SW_HDR_P_PREFERRED_IDENTITY);
	assert_int_equal(look("To"), SW_HDR_TO);
	assert_int_equal(look("Accept"), SW_HDR_ACCEPT);
	assert_int_equal(look("Www-Authenticate"), SW_HDR_WWW_AUTHENTICATE);
	/* not these */
	assert_int_equal(look(""), SW_HDR_OTHER);
	assert_int_equal(look("X-Custom"), SW_HDR_OTHER);
	assert_int_equal(look("Vias"), SW_HDR_OTHER);
	assert_int_equal(look("Vi"), SW_HDR_OTHER);
	assert_int_equal(look("Via "), SW_HDR_OTHER);   /* blanks are the caller's */
	assert_int_equal(look("Via:"), SW_HDR_OTHER);
	assert_int_equal(look("Content_Length"), SW_HDR_OTHER);
	assert_int_equal(look("Accep"), SW_HDR_OTHER);
	assert_int_equal(look("Accept-Contactx"), SW_HDR_OTHER);
	assert_int_equal(look("P-Preferred-Identity-"), SW_HDR_OTHER); /* over the longest */
	assert_int_equal(sw_hdr_lookup(NULL, 3), SW_HDR_OTHER);
}

static void compact_forms(void **state)
{
	(void)state;
	static const struct {
		char c;
		enum sw_hdr h;
	} forms[] = {
		{ 'v', SW_HDR_VIA },            { 'm', SW_HDR_CONTACT },
		{ 'l', SW_HDR_CONTENT_LENGTH }, { 'f', SW_HDR_FROM },
		{ 't', SW_HDR_TO },             { 'i', SW_HDR_CALL_ID },
		{ 'c', SW_HDR_CONTENT_TYPE },   { 'k', SW_HDR_SUPPORTED },
		{ 's', SW_HDR_SUBJECT },        { 'e', SW_HDR_CONTENT_ENCODING },
		{ 'o', SW_HDR_EVENT },          { 'r', SW_HDR_REFER_TO },
		{ 'u', SW_HDR_ALLOW_EVENTS },   { 'b', SW_HDR_REFERRED_BY },
		{ 'x', SW_HDR_SESSION_EXPIRES },{ 'a', SW_HDR_ACCEPT_CONTACT },
		{ 'j', SW_HDR_REJECT_CONTACT }, { 'd', SW_HDR_REQUEST_DISPOSITION },
		{ 'y', SW_HDR_IDENTITY },       { 'n', SW_HDR_IDENTITY_INFO },
	};
	size_t found = 0;
	for (char c = 'a'; c <= 'z'; c++) {
		char s[2] = { c, 0 }, u[2] = { (char)(c - 32), 0 };
		enum sw_hdr want = SW_HDR_OTHER;
		for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
			if (forms[i].c == c)
				want = forms[i].h;
		found += want != SW_HDR_OTHER;
		assert_int_equal(look(s), want);
		assert_int_equal(look(u), want);
	}
	assert_int_equal(found, sizeof forms / sizeof forms[0]);
	assert_int_equal(look("1"), SW_HDR_OTHER);
	assert_int_equal(look("@"), SW_HDR_OTHER);
	assert_int_equal(look("["), SW_HDR_OTHER);
	/* sw_hdr_is for one header, full or compact */
	assert_true(sw_hdr_is("l", 1, SW_HDR_CONTENT_LENGTH));
	assert_true(sw_hdr_is("content-LENGTH", 14, SW_HDR_CONTENT_LENGTH));
	assert_false(sw_hdr_is("content-type", 12, SW_HDR_CONTENT_LENGTH));
	assert_false(sw_hdr_is("c", 1, SW_HDR_CONTENT_LENGTH));
	assert_false(sw_hdr_is("via", 3, SW_HDR_OTHER));
	assert_false(sw_hdr_is("via", 3, SW_HDR_COUNT));
}

static int lower_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a;
		int y = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;
		if (x != y || !x)
			return x - y;
	}
}

/* Every name is found again in any case (through decode/hdrname.c's table
 * by length: a name missing there fails here), the table stays sorted, and
 * no name is over SW_HDR_MAX_NAME. */
static void table(void **state)
{
	(void)state;
	assert_null(sw_hdr_name(SW_HDR_OTHER));
	assert_null(sw_hdr_name(SW_HDR_COUNT));
	assert_string_equal(sw_hdr_name(SW_HDR_CALL_ID), "Call-ID");
	assert_string_equal(sw_hdr_name(SW_HDR_CSEQ), "CSeq");
	assert_string_equal(sw_hdr_name(SW_HDR_WWW_AUTHENTICATE), "WWW-Authenticate");
	assert_string_equal(sw_hdr_name(SW_HDR_CONTENT_LENGTH), "Content-Length");
	size_t longest = 0;
	for (int h = SW_HDR_OTHER + 1; h < SW_HDR_COUNT; h++) {
		const char *n = sw_hdr_name((enum sw_hdr)h);
		assert_non_null(n);
		size_t len = strlen(n);
		assert_true(len >= 2 && len <= SW_HDR_MAX_NAME);
		if (len > longest)
			longest = len;
		assert_int_equal(look(n), h);
		char up[32];
		for (size_t i = 0; i <= len; i++)
			up[i] = (char)(n[i] >= 'a' && n[i] <= 'z' ? n[i] - 32 : n[i]);
		assert_int_equal(look(up), h);
		if (h > SW_HDR_OTHER + 1)
			assert_true(lower_cmp(sw_hdr_name((enum sw_hdr)(h - 1)), n) < 0);
	}
	assert_int_equal(longest, SW_HDR_MAX_NAME);
}

/* The text as a heap copy without NUL, laid out. */
static char *laid(const char *s, size_t *n, struct sw_sip_layout *l)
{
	*n = strlen(s);
	char *c = malloc(*n ? *n : 1);
	memcpy(c, s, *n);
	sw_sip_layout(c, *n, l);
	return c;
}

static void layout(void **state)
{
	(void)state;
	struct sw_sip_layout l;
	size_t n;
	char *t = laid("\r\n\r\nOPTIONS sip:a SIP/2.0\r\nVia: x\r\n\r\nbody", &n, &l);
	assert_int_equal(l.start, 4);
	assert_int_equal(l.start_end, 25);
	assert_int_equal(l.hdr, 27);
	assert_int_equal(l.hdr_end, 35);
	assert_int_equal(l.body, 37);
	assert_memory_equal(t + l.body, "body", 4);
	free(t);
	/* LF only */
	t = laid("SIP/2.0 200 OK\nVia: x\n\nv=0\n", &n, &l);
	assert_int_equal(l.start, 0);
	assert_int_equal(l.start_end, 14);
	assert_int_equal(l.hdr, 15);
	assert_int_equal(l.hdr_end, 22);
	assert_int_equal(l.body, 23);
	free(t);
	/* cut short: all header block, no body */
	t = laid("SIP/2.0 200 OK\r\nVia: x\r\nTo: y", &n, &l);
	assert_int_equal(l.hdr, 16);
	assert_int_equal(l.hdr_end, n);
	assert_int_equal(l.body, n);
	free(t);
	/* no header at all, start line only */
	t = laid("SIP/2.0 200 OK", &n, &l);
	assert_int_equal(l.start_end, n);
	assert_int_equal(l.hdr, n);
	assert_int_equal(l.hdr_end, n);
	assert_int_equal(l.body, n);
	free(t);
	t = laid("", &n, &l);
	assert_int_equal(l.start, 0);
	assert_int_equal(l.body, 0);
	free(t);
	/* line ends */
	assert_int_equal(sw_sip_eol("ab\r\ncd", 0, 6), 2);
	assert_int_equal(sw_sip_eol("ab\ncd", 0, 5), 2);
	assert_int_equal(sw_sip_eol("ab\rcd\n", 0, 6), 2);
	assert_int_equal(sw_sip_eol("ab\0c\r\n", 0, 6), 4);
	assert_int_equal(sw_sip_eol("abcd", 0, 4), 4);
	assert_int_equal(sw_sip_eol("abcd", 5, 4), 4);
	assert_int_equal(sw_sip_skip_eol("\r\nx", 0, 3), 2);
	assert_int_equal(sw_sip_skip_eol("\rx", 0, 2), 1);
	assert_int_equal(sw_sip_skip_eol("\nx", 0, 2), 1);
	assert_int_equal(sw_sip_skip_eol("x", 0, 1), 0);
}

static void walk(void **state)
{
	(void)state;
	struct sw_sip_layout l;
	size_t n;
	char *t = laid("REGISTER sip:a SIP/2.0\r\n"
		       "v : SIP/2.0/UDP 1.2.3.4\r\n"
		       "  ;branch=z9\r\n"
		       "X-Foo:bar \r\n"
		       "no colon here\r\n"
		       "Subject:\r\n"
		       ": anonymous\r\n"
		       "CALL-ID:  c1@h\tx \r\n"
		       "l: 0\rTo: <sip:a>\r\n"
		       "\r\n"
		       "Via: in the body\r\n",
		       &n, &l);
	struct sw_hdr_iter it;
	struct sw_hdr_line h;
	sw_hdr_begin(&it, t, &l);

	assert_true(sw_hdr_next(&it, &h));
	assert_int_equal(h.id, SW_HDR_VIA);
	assert_true(h.has_colon);
	assert_true(h.folded);
	assert_int_equal(h.name.len, 1);
	assert_memory_equal(h.name.p, "v", 1);
	assert_int_equal(h.value.len, strlen("SIP/2.0/UDP 1.2.3.4\r\n  ;branch=z9"));
	assert_memory_equal(h.value.p, "SIP/2.0/UDP 1.2.3.4\r\n  ;branch=z9", h.value.len);
	assert_int_equal(h.start, 24);
	assert_int_equal(h.end, 24 + 25 + 12);

	assert_true(sw_hdr_next(&it, &h));
	assert_int_equal(h.id, SW_HDR_OTHER);
	assert_false(h.folded);
	assert_memory_equal(h.name.p, "X-Foo", 5);
	assert_int_equal(h.value.len, 3);
	assert_memory_equal(h.value.p, "bar", 3);
	assert_memory_equal(t + h.start, "X-Foo:bar ", h.end - h.start);

	assert_true(sw_hdr_next(&it, &h));
	assert_int_equal(h.id, SW_HDR_OTHER);
	assert_false(h.has_colon);
	assert_null(h.name.p);
	assert_null(h.value.p);
	assert_memory_equal(t + h.start, "no colon here", h.end - h.start);

	assert_true(sw_hdr_next(&it, &h));
	assert_int_equal(h.id, SW_HDR_SUBJECT);
	assert_non_null(h.value.p); /* present, empty */
	assert_int_equal(h.value.len, 0);

	assert_true(sw_hdr_next(&it, &h));
	assert_int_equal(h.id, SW_HDR_OTHER);
	assert_true(h.has_colon);
	assert_int_equal(h.name.len, 0);

	assert_true(sw_hdr_next(&it, &h));
	assert_int_equal(h.id, SW_HDR_CALL_ID);
	assert_int_equal(h.value.len, 6);
	assert_memory_equal(h.value.p, "c1@h\tx", 6);

	/* a bare CR ends a line, as libosip2 has it */
	assert_true(sw_hdr_next(&it, &h));
	assert_int_equal(h.id, SW_HDR_CONTENT_LENGTH);
	assert_memory_equal(h.value.p, "0", h.value.len);
	assert_true(sw_hdr_next(&it, &h));
	assert_int_equal(h.id, SW_HDR_TO);

	assert_false(sw_hdr_next(&it, &h)); /* the body is not headers */
	assert_false(sw_hdr_next(&it, &h));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(full_names), cmocka_unit_test(compact_forms),
	    cmocka_unit_test(table),      cmocka_unit_test(layout),
	    cmocka_unit_test(walk),
	};
	return cmocka_run_group_tests_name("hdrname", tests, NULL, NULL);
}
