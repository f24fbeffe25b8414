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
#include <time.h>

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

/* Bidi overrides and isolates, zero-width characters, tag characters: valid
 * UTF-8 that reorders or hides text on a terminal, shown as \uNNNN. */
static void text_escapes_format_controls(void **state)
{
	(void)state;
	struct sw_buf b = SW_BUF_INIT;
	const char in[] = "ua\xe2\x80\xae" "evil\xe2\x81\xa6x\xe2\x80\x8b\xef\xbb\xbf\xf3\xa0\x80\x81"
			  "\xe2\x80\x94ok\xe4\xb8\xad";
	sw_buf_put_text(&b, sw_str_make(in, sizeof in - 1));
	assert_string_equal(b.p, "ua\\u202Eevil\\u2066x\\u200B\\uFEFF\\U000E0001\xe2\x80\x94ok\xe4\xb8\xad");
	sw_buf_reset(&b);
	sw_buf_put_json_str(&b, sw_str_make(in, sizeof in - 1));
	assert_string_equal(b.p, "\"ua\\u202eevil\\u2066x\\u200b\\ufeff\\udb40\\udc01\xe2\x80\x94ok\xe4\xb8\xad\"");
	for (uint32_t cp = 0x202A; cp <= 0x202E; cp++)
		assert_true(sw_cp_invisible(cp));
	for (uint32_t cp = 0x2066; cp <= 0x2069; cp++)
		assert_true(sw_cp_invisible(cp));
	assert_false(sw_cp_invisible(0x2014)); /* em dash: shown as is */
	assert_false(sw_cp_invisible(0x4E2D));
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

/* Iteration follows insertion, whatever the per-process hash key: results
 * that walk a map (findings per DNS name, per flow) come out the same in
 * every run. */
static void map_iterates_in_insertion_order(void **state)
{
	(void)state;
	struct sw_map m;
	sw_map_init(&m, NULL);
	char key[32];
	for (intptr_t i = 0; i < 3000; i++) {
		int n = snprintf(key, sizeof key, "call-%ld@x", (long)i);
		sw_map_put(&m, key, (size_t)n, (void *)(i + 1));
	}
	for (intptr_t i = 0; i < 3000; i += 3) {
		int n = snprintf(key, sizeof key, "call-%ld@x", (long)i);
		sw_map_take(&m, key, (size_t)n);
	}
	for (intptr_t i = 3000; i < 6000; i++) { /* forces rebuilds over the holes */
		int n = snprintf(key, sizeof key, "call-%ld@x", (long)i);
		sw_map_put(&m, key, (size_t)n, (void *)(i + 1));
	}
	size_t pos = 0;
	void *v;
	intptr_t prev = 0, seen = 0;
	while (sw_map_next(&m, &pos, NULL, NULL, &v)) {
		intptr_t x = (intptr_t)v;
		assert_true(x > prev);
		assert_true((x - 1) >= 3000 || (x - 1) % 3 != 0);
		prev = x;
		seen++;
	}
	assert_int_equal(seen, 2000 + 3000);
	sw_map_free(&m);
}

/* ---- hash flooding ------------------------------------------------------------
 * The map's first hash was unkeyed (the sw_hash() that stays for identities):
 * anyone could compute keys that all land in one probe chain, and every
 * insert then walks the whole chain (quadratic). The keys below are built by
 * inverting that hash; the map must stay linear on them. */

static uint64_t inv_mul(uint64_t a) /* a^-1 mod 2^64 for odd a (Newton) */
{
	uint64_t x = a;
	for (int i = 0; i < 6; i++)
		x *= 2 - a * x;
	return x;
}

static uint64_t unmix(uint64_t h) /* inverse of sw_hash's mix() */
{
	h ^= h >> 32;
	h *= inv_mul(UINT64_C(0xd6e8feb86659fd93));
	h ^= h >> 32;
	return h;
}

/* The 8-byte key whose sw_hash() is target. */
static uint64_t old_hash_preimage(uint64_t target)
{
	uint64_t h0 = UINT64_C(0x9e3779b97f4a7c15) ^ (8 * UINT64_C(0xff51afd7ed558ccd));
	/* sw_hash = mix(mix(mix(h0 ^ w) + C) ^ D) for one 8-byte word w. */
	uint64_t x = unmix(unmix(target)) ^ UINT64_C(0x165667b19e3779f9);
	x -= UINT64_C(0x2545f4914f6cdd1d);
	return unmix(x) ^ h0;
}

#define FLOOD_BITS 20 /* the keys agree on this many low bits of the old hash */

static void flood_keys(uint64_t *k, size_t n, bool colliding)
{
	uint64_t s = UINT64_C(0x853c49e6748fea9b);
	for (size_t i = 0; i < n; i++) {
		s ^= s << 13, s ^= s >> 7, s ^= s << 17; /* xorshift64 */
		k[i] = colliding ? old_hash_preimage((uint64_t)(i + 1) << FLOOD_BITS) : s;
	}
}

/* Probes an insert-only linear-probing table with the old hash makes. */
static uint64_t old_table_probes(const uint64_t *k, size_t n)
{
	size_t cap = 16;
	while (n * 4 >= cap * 3)
		cap *= 2;
	uint8_t *used = calloc(cap, 1);
	uint64_t probes = 0;
	for (size_t i = 0; i < n; i++) {
		size_t j = sw_hash(&k[i], 8) & (cap - 1);
		while (used[j]) {
			j = (j + 1) & (cap - 1);
			probes++;
		}
		used[j] = 1;
	}
	free(used);
	return probes;
}

static double map_insert_secs(const uint64_t *k, size_t n)
{
	double best = 1e9;
	for (int round = 0; round < 5; round++) {
		struct timespec a, b;
		struct sw_map m;
		sw_map_init(&m, NULL);
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (size_t i = 0; i < n; i++)
			sw_map_put(&m, &k[i], 8, (void *)(uintptr_t)(i + 1));
		for (size_t i = 0; i < n; i++)
			assert_ptr_equal(sw_map_get(&m, &k[i], 8), (void *)(uintptr_t)(i + 1));
		clock_gettime(CLOCK_MONOTONIC, &b);
		sw_map_free(&m);
		double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		if (s < best)
			best = s;
	}
	return best;
}

static void map_resists_colliding_keys(void **state)
{
	(void)state;
	enum { N = 40000, NSIM = 4000 };
	uint64_t *bad = malloc(N * sizeof *bad), *good = malloc(N * sizeof *good);
	flood_keys(bad, N, true);
	flood_keys(good, N, false);
	/* The flood is real for the old hash: one chain, quadratic probing. */
	for (size_t i = 0; i < N; i++)
		assert_int_equal(sw_hash(&bad[i], 8) & ((1u << FLOOD_BITS) - 1), 0);
	uint64_t pb = old_table_probes(bad, NSIM), pg = old_table_probes(good, NSIM);
	assert_true(pb > 100 * (pg + NSIM));
	/* The map: the same keys cost about what random keys cost. */
	double tb = map_insert_secs(bad, N), tg = map_insert_secs(good, N);
	print_message("flood: old hash %llu probes vs %llu for random keys (%d keys); map %.4f s "
		      "vs %.4f s (%d keys)\n",
		      (unsigned long long)pb, (unsigned long long)pg, NSIM, tb, tg, N);
	assert_true(tb < 4 * tg + 0.002);
	free(bad);
	free(good);
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

/* sw_fmt_i64 writes what printf("%lld") writes, without the NUL. */
static void fmt_i64_as_printf(void **state)
{
	(void)state;
	static const int64_t vs[] = { 0, 7, 5060, -1, 65535, INT64_MAX, INT64_MIN };
	for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
		char got[21], want[32];
		size_t n = sw_fmt_i64(got, vs[i]);
		got[n] = '\0';
		snprintf(want, sizeof want, "%lld", (long long)vs[i]);
		assert_string_equal(got, want);
		assert_int_equal(n, strlen(want));
	}
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

/* sw_buf_printf formats the common conversions itself: the same bytes as
 * vsnprintf for each, and what it does not take still comes out right. */
#define SAME_AS_PRINTF(...)                                                     \
	do {                                                                    \
		char want[2048];                                                \
		snprintf(want, sizeof want, __VA_ARGS__);                       \
		struct sw_buf bb = SW_BUF_INIT;                                 \
		sw_buf_puts(&bb, "x");                                          \
		sw_buf_printf(&bb, __VA_ARGS__);                                \
		assert_string_equal(bb.p + 1, want);                            \
		assert_int_equal(bb.len, strlen(want) + 1);                     \
		sw_buf_free(&bb);                                               \
	} while (0)

static void buf_printf_as_printf(void **state)
{
	(void)state;
	static const double dv[] = { 0.0, -0.0, 0.4, -0.4, 0.5, -0.5, 1.5, 2.5, 2.5000001,
				     99.5, 100.49, 1e15 + 0.5, 4503599627370497.0, 1e18, -7.7 };
	for (size_t i = 0; i < sizeof dv / sizeof dv[0]; i++)
		SAME_AS_PRINTF("registered %.0f s of %.0f s", dv[i], dv[i] * 3);
	static const long long iv[] = { 0, 1, -1, 9, 10, 255, 65535, -2147483647LL - 1,
					2147483647, 4294967295LL, -9223372036854775807LL - 1,
					9223372036854775807LL };
	for (size_t i = 0; i < sizeof iv / sizeof iv[0]; i++) {
		SAME_AS_PRINTF("%d|%i|%u|%x|%X|%5d|%05d|%02x", (int)iv[i], (int)iv[i],
			       (unsigned)iv[i], (unsigned)iv[i], (unsigned)iv[i], (int)iv[i],
			       (int)iv[i], (unsigned)iv[i]);
		SAME_AS_PRINTF("%ld %lu %lld %llu %zu %zd %jd %08X", (long)iv[i], (unsigned long)iv[i],
			       iv[i], (unsigned long long)iv[i], (size_t)iv[i], (ssize_t)iv[i],
			       (intmax_t)iv[i], (unsigned)iv[i]);
	}
	SAME_AS_PRINTF("%zd %td %tu %tx %zx", (ssize_t)-1, (ptrdiff_t)-2, (ptrdiff_t)-3, (ptrdiff_t)-4,
		       (size_t)-5);
	SAME_AS_PRINTF("%s #%u %s %s%s%s", ",", 12u, "warning", "register", "/", "rejected");
	SAME_AS_PRINTF("%.*s:%d %.3s %c%%", 4, "hostname", 5060, "abcdef", 'q');
	SAME_AS_PRINTF("%.*s|", -1, "all");
	SAME_AS_PRINTF("%.10s|%s", "sh", "");
	/* taken by vsnprintf */
	SAME_AS_PRINTF("%-6s|%6s|%+d|% d|%#x|%hhu|%hd|%.2f|%e|%g|%p", "ab", "cd", 5, 5, 255, 300,
		       70000, 3.14159, 1.5, 0.1, (void *)0);
	SAME_AS_PRINTF("%2$s %1$s", "world", "hello");
	SAME_AS_PRINTF("%.0f %.0f", 1e300, -1e300);
	char big[400];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	SAME_AS_PRINTF("%s %d %s", big, 42, big + 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_escapes_controls), cmocka_unit_test(text_escapes_format_controls),
		cmocka_unit_test(json_escapes),
		cmocka_unit_test(buf_printf_as_printf),
		cmocka_unit_test(json_escapes_then_plain_text),
		cmocka_unit_test(map_put_get_take),      cmocka_unit_test(map_iterates_in_insertion_order),
		cmocka_unit_test(map_resists_colliding_keys), cmocka_unit_test(parse_u64_strict),
		cmocka_unit_test(fmt_i64_as_printf),
		cmocka_unit_test(addr_private_and_format), cmocka_unit_test(time_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
