/* SPDX-License-Identifier: BSD-2-Clause */
/* common/wpack: records packed and unpacked come back word for word, with
 * and without a template, at every length; each kind of run packs as small
 * as its token says; a stream that does not make the record is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/wpack.h"

#define N SW_WPACK_MAX_WORDS

static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)(*s >> 33);
}

/* A word like an account's: zero, small, repeated, like the template, or
 * anything, in runs. */
static void make(uint32_t *w, const uint32_t *t, size_t n, uint64_t *s)
{
	for (size_t i = 0; i < n;) {
		size_t run = 1 + rnd(s) % 40;
		unsigned kind = rnd(s) % 5;
		for (size_t k = 0; k < run && i < n; k++, i++)
			w[i] = kind == 0   ? 0
			       : kind == 1 ? rnd(s) % 70
			       : kind == 2 && i > 0 ? w[rnd(s) % i]
			       : kind == 3 && t ? t[i]
			                      : rnd(s);
	}
}

static void round_trips(void **state)
{
	(void)state;
	uint64_t s = 42;
	uint32_t t[N], w[N], back[N];
	uint8_t out[SW_WPACK_BOUND(N)];
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = 1 + rnd(&s) % N;
		bool with_t = iter % 2;
		make(t, NULL, n, &s);
		make(w, with_t ? t : NULL, n, &s);
		size_t len = sw_wpack(w, with_t ? t : NULL, n, out);
		assert_true(len <= SW_WPACK_BOUND(n));
		memset(back, 0xA5, sizeof back);
		assert_true(sw_wunpack(out, len, with_t ? t : NULL, back, n));
		assert_memory_equal(w, back, 4 * n);
	}
}

static void runs_pack_small(void **state)
{
	(void)state;
	uint32_t t[N], w[N];
	uint8_t out[SW_WPACK_BOUND(N)];
	for (size_t i = 0; i < N; i++)
		t[i] = 0x9E3779B9u * (uint32_t)(i + 1);
	/* the template itself: one byte per 32 words */
	assert_int_equal(sw_wpack(t, t, N, out), N / 32);
	/* zeros without a template: the same */
	memset(w, 0, sizeof w);
	assert_int_equal(sw_wpack(w, NULL, N, out), N / 32);
	/* small values: a byte each */
	for (size_t i = 0; i < 10; i++)
		w[i] = (uint32_t)(i % 32 + 1);
	assert_int_equal(sw_wpack(w, NULL, 10, out), 10);
	/* a repeated stretch of 8 words: literal once, then a 2-byte copy */
	for (size_t i = 0; i < 8; i++)
		w[i] = w[i + 8] = 0x01000000u + (uint32_t)i * 77777u;
	assert_int_equal(sw_wpack(w, NULL, 16, out), 1 + 32 + 2);
	/* nothing alike: the bound */
	uint64_t s = 7;
	for (size_t i = 0; i < N; i++)
		w[i] = rnd(&s) | 0x80000000u;
	assert_true(sw_wpack(w, NULL, N, out) <= 4 * N + N / 32);
}

static void bad_streams_refused(void **state)
{
	(void)state;
	uint32_t w[N], back[N];
	uint8_t out[SW_WPACK_BOUND(N)];
	uint64_t s = 9;
	make(w, NULL, 100, &s);
	size_t len = sw_wpack(w, NULL, 100, out);
	/* cut short, one word too many or too few */
	assert_false(sw_wunpack(out, len - 1, NULL, back, 100));
	assert_false(sw_wunpack(out, len, NULL, back, 99));
	assert_false(sw_wunpack(out, len, NULL, back, 101));
	/* a copy from before the start; a literal past the end; unused tags */
	const uint8_t copy0[] = { 0x80, 0x01 };
	assert_false(sw_wunpack(copy0, sizeof copy0, NULL, back, 1));
	const uint8_t lit[] = { 0x41, 1, 2, 3, 4 };
	assert_false(sw_wunpack(lit, sizeof lit, NULL, back, 2));
	for (unsigned tag = 0xA0; tag <= 0xE0; tag += 0x20) {
		const uint8_t odd[] = { (uint8_t)tag };
		assert_false(sw_wunpack(odd, 1, NULL, back, 1));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trips),
		cmocka_unit_test(runs_pack_small),
		cmocka_unit_test(bad_streams_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
