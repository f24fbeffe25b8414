/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for common/: escaping for terminals and JSON, the hash map,
 * strict integer parsing, address classification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/addr.h"
#include "common/buf.h"
#include "common/map.h"
#include "common/str.h"
#include "common/timefmt.h"

static void text_escapes_controls(void **state)
{
	(void)state;
	struct sw_buf b = SW_BUF_INIT;
	const char in[] = "ok\x1b[2Jx\x07\\ \xc2\x9b \xe4\xb8\xad\xff";
	sw_buf_put_text(&b, sw_str_make(in, sizeof in - 1));
	assert_string_equal(b.p, "ok\\x1B[2Jx\\x07\\\\ \\xC2\\x9B \xe4\xb8\xad\\xFF");
	for (size_t i = 0; i < b.len; i++)
		assert_true((unsigned char)b.p[i] >= 0x20 && b.p[i] != 0x7f);
	sw_buf_free(&b);
}

static void json_escapes(void **state)
{
	(void)state;
	struct sw_buf b = SW_BUF_INIT;
	const char in[] = "a\"b\\c\r\n\x01\xff\xe4\xb8\xad";
	sw_buf_put_json_str(&b, sw_str_make(in, sizeof in - 1));
	assert_string_equal(b.p, "\"a\\\"b\\\\c\\r\\n\\u0001\\u00ff\xe4\xb8\xad\"");
	sw_buf_reset(&b);
	sw_buf_put_json_str(&b, SW_STR_NULL);
	assert_string_equal(b.p, "null");
	sw_buf_free(&b);
}

/* Escapes grow the output past the input's length: plain runs after them
 * must still fit (a heap overflow the fuzzers found). */
static void json_escapes_then_plain_text(void **state)
{
	(void)state;
	char in[512];
	for (size_t i = 0; i < sizeof in; i++)
		in[i] = (char)(i % 2 ? 'a' : 0x01);
	for (int round = 0; round < 3; round++) {
		struct sw_buf b = SW_BUF_INIT;
		sw_buf_puts(&b, "x");
		sw_buf_put_json(&b, sw_str_make(in, sizeof in));
		assert_int_equal(b.len, 1 + 256 * 6 + 256);
		assert_int_equal(strlen(b.p), b.len);
		sw_buf_free(&b);
	}
}

static void map_put_get_take(void **state)
{
	(void)state;
	struct sw_map m;
	sw_map_init(&m, NULL);
	char key[32];
	for (intptr_t i = 0; i < 10000; i++) {
		int n = snprintf(key, sizeof key, "k%ld", (long)i);
		sw_map_put(&m, key, (size_t)n, (void *)(i + 1));
	}
	assert_int_equal(m.count, 10000);
	for (intptr_t i = 0; i < 10000; i += 2) {
		int n = snprintf(key, sizeof key, "k%ld", (long)i);
		assert_ptr_equal(sw_map_take(&m, key, (size_t)n), (void *)(i + 1));
	}
	assert_int_equal(m.count, 5000);
	for (intptr_t i = 0; i < 10000; i++) {
		int n = snprintf(key, sizeof key, "k%ld", (long)i);
		void *v = sw_map_get(&m, key, (size_t)n);
		assert_ptr_equal(v, (i % 2) ? (void *)(i + 1) : NULL);
	}
	size_t pos = 0, seen = 0;
	while (sw_map_next(&m, &pos, NULL, NULL, NULL))
		seen++;
	assert_int_equal(seen, 5000);
	sw_map_free(&m);
}

static void parse_u64_strict(void **state)
{
	(void)state;
	uint64_t v = 0;
	assert_int_equal(sw_parse_u64(SW_STR_LIT("3600"), 4294967295u, &v), 0);
	assert_int_equal(v, 3600);
	assert_int_equal(sw_parse_u64(SW_STR_LIT("4294967296"), 4294967295u, &v), -1);
	assert_int_equal(sw_parse_u64(SW_STR_LIT("99999999999999999999999"), UINT64_MAX, &v), -1);
	assert_int_equal(sw_parse_u64(SW_STR_LIT("-1"), 100, &v), -1);
	assert_int_equal(sw_parse_u64(SW_STR_LIT(" 1"), 100, &v), -1);
	assert_int_equal(sw_parse_u64(SW_STR_NULL, 100, &v), -1);
}

static void addr_private_and_format(void **state)
{
	(void)state;
	struct sw_addr a;
	char buf[SW_ADDRSTRLEN];
	assert_int_equal(sw_ip_parse("192.168.1.20", 12, &a), 0);
	assert_true(sw_ip_is_private(&a));
	a.port = 5060;
	assert_string_equal(sw_addr_fmt(&a, buf), "192.168.1.20:5060");
	assert_int_equal(sw_ip_parse("100.64.0.1", 10, &a), 0);
	assert_true(sw_ip_is_private(&a));
	assert_int_equal(sw_ip_parse("203.0.113.5", 11, &a), 0);
	assert_false(sw_ip_is_private(&a));
	assert_int_equal(sw_ip_parse("[2001:db8::1]", 13, &a), 0);
	a.port = 5061;
	assert_string_equal(sw_addr_fmt(&a, buf), "[2001:db8::1]:5061");
	assert_int_equal(sw_ip_parse("1.2.3", 5, &a), -1);
}

static void time_format(void **state)
{
	(void)state;
	char buf[SW_TIMESTRLEN];
	assert_string_equal(sw_time_iso(INT64_C(1700000000123456789), buf),
			    "2023-11-14T22:13:20.123456Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_escapes_controls), cmocka_unit_test(json_escapes),
		cmocka_unit_test(json_escapes_then_plain_text),
		cmocka_unit_test(map_put_get_take),      cmocka_unit_test(parse_u64_strict),
		cmocka_unit_test(addr_private_and_format), cmocka_unit_test(time_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
