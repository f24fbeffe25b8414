/* SPDX-License-Identifier: BSD-2-Clause */
/* common/intern and common/idtab: the shared strings and compact id tables
 * the analysis keeps per account. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/idtab.h"
#include "common/intern.h"

static void intern_shares_and_frees(void **state)
{
	(void)state;
	struct sw_intern t;
	sw_intern_init(&t);
	const char *a = sw_intern_take(&t, "Yealink SIP-T46S", 16);
	const char *b = sw_intern_take(&t, "Yealink SIP-T46S 66.86", 16); /* same 16 bytes */
	const char *c = sw_intern_take(&t, "Polycom", 7);
	assert_ptr_equal(a, b);
	assert_ptr_not_equal(a, c);
	assert_string_equal(a, "Yealink SIP-T46S");
	assert_int_equal(t.by_text.count, 2);
	sw_intern_drop(&t, a);
	assert_int_equal(t.by_text.count, 2); /* b still holds it */
	assert_string_equal(b, "Yealink SIP-T46S");
	sw_intern_drop(&t, b);
	assert_int_equal(t.by_text.count, 1); /* the last holder let go */
	sw_intern_drop(&t, NULL);
	/* NULL and empty are the empty string; bytes after a NUL are kept apart */
	const char *e = sw_intern_take(&t, NULL, 5);
	assert_string_equal(e, "");
	const char *n1 = sw_intern_take(&t, "a\0b", 3), *n2 = sw_intern_take(&t, "a\0c", 3);
	assert_ptr_not_equal(n1, n2);
	sw_intern_free(&t);
}

struct keys {
	char k[20000][24];
};

static bool key_is(const void *ctx, uint32_t id, const void *key, size_t klen)
{
	const struct keys *ks = ctx;
	return strlen(ks->k[id]) == klen && memcmp(ks->k[id], key, klen) == 0;
}

static void idtab_finds_each_key(void **state)
{
	(void)state;
	static struct keys ks;
	struct sw_idtab t;
	sw_idtab_init(&t);
	for (uint32_t i = 0; i < 20000; i++) {
		snprintf(ks.k[i], sizeof ks.k[i], "sip:%u@example.net", i);
		assert_int_equal(sw_idtab_get(&t, ks.k[i], strlen(ks.k[i]), key_is, &ks),
				 SW_IDTAB_NONE);
		sw_idtab_add(&t, ks.k[i], strlen(ks.k[i]), i);
	}
	for (uint32_t i = 0; i < 20000; i++)
		assert_int_equal(sw_idtab_get(&t, ks.k[i], strlen(ks.k[i]), key_is, &ks), i);
	/* a prefix, a longer key and an unknown one are not found */
	assert_int_equal(sw_idtab_get(&t, "sip:1@example.ne", 16, key_is, &ks), SW_IDTAB_NONE);
	assert_int_equal(sw_idtab_get(&t, "sip:1@example.net;x", 19, key_is, &ks), SW_IDTAB_NONE);
	assert_int_equal(sw_idtab_get(&t, "sip:20000@example.net", 21, key_is, &ks),
			 SW_IDTAB_NONE);
	assert_int_equal(t.count, 20000);
	assert_true(t.cap >= 40000); /* load under 1/2 */
	sw_idtab_free(&t);
}

static struct sw_addr v4(uint32_t ip, uint16_t port, unsigned char pad)
{
	struct sw_addr a;
	memset(&a, pad, sizeof a); /* whatever the padding holds, it is not the key */
	a.family = 4;
	memset(a.ip, 0, sizeof a.ip);
	a.ip[0] = (uint8_t)(ip >> 24);
	a.ip[1] = (uint8_t)(ip >> 16);
	a.ip[2] = (uint8_t)(ip >> 8);
	a.ip[3] = (uint8_t)ip;
	a.port = port;
	return a;
}

static void addrtab_put_get_replace(void **state)
{
	(void)state;
	struct sw_addrtab t;
	sw_addrtab_init(&t);
	for (uint32_t i = 0; i < 10000; i++) {
		struct sw_addr a = v4(0x0a010000u + i, (uint16_t)(5060 + i % 7), 0);
		sw_addrtab_put(&t, &a, i);
	}
	for (uint32_t i = 0; i < 10000; i++) {
		struct sw_addr a = v4(0x0a010000u + i, (uint16_t)(5060 + i % 7), 0xff);
		assert_int_equal(sw_addrtab_get(&t, &a), i);
	}
	/* another port, the same bytes as IPv6: not found */
	struct sw_addr p = v4(0x0a010000u, 5061, 0);
	assert_int_equal(sw_addrtab_get(&t, &p), SW_IDTAB_NONE);
	struct sw_addr six = v4(0x0a010000u, 5060, 0);
	six.family = 6;
	assert_int_equal(sw_addrtab_get(&t, &six), SW_IDTAB_NONE);
	/* a later account takes the endpoint over */
	struct sw_addr a = v4(0x0a010005u, (uint16_t)(5060 + 5), 0);
	sw_addrtab_put(&t, &a, 777);
	assert_int_equal(sw_addrtab_get(&t, &a), 777);
	assert_int_equal(t.count, 10000);
	sw_addrtab_free(&t);
	assert_int_equal(sw_addrtab_get(&t, &a), SW_IDTAB_NONE);
}

/* sw_reftab: records holding their own key, added and removed in a
 * pseudo-random order against a plain array; every lookup agrees with it,
 * after removals too (backward shift keeps every remaining run reachable),
 * and an absent key is not found. */
struct rec {
	char key[24];
	size_t len;
	uint64_t h;
	bool in;
};

static bool rec_is(const void *r, const void *key, size_t klen)
{
	const struct rec *x = r;
	return x->len == klen && memcmp(x->key, key, klen) == 0;
}

static void reftab_run(bool clash)
{
	enum { N = 5000 };
	static struct rec r[N];
	struct sw_reftab t;
	sw_reftab_init(&t);
	assert_null(sw_reftab_get(&t, 1, "x", 1, rec_is));
	assert_false(sw_reftab_del(&t, 1, &r[0]));
	for (size_t i = 0; i < N; i++) {
		r[i].len = (size_t)snprintf(r[i].key, sizeof r[i].key, "z9hG4bK%zu|REG", i);
		/* clash: long runs of equal hashes ending at the top of the
		 * table and wrapping around */
		r[i].h = clash ? UINT32_MAX - i % 5 : sw_reftab_hash(r[i].key, r[i].len);
		r[i].in = false;
	}
	uint32_t x = 12345;
	for (int round = 0; round < (clash ? 6000 : 40000); round++) {
		x = x * 1103515245u + 12345u;
		size_t i = (x >> 8) % N;
		if (r[i].in) {
			assert_true(sw_reftab_del(&t, r[i].h, &r[i]));
			r[i].in = false;
		} else {
			sw_reftab_add(&t, r[i].h, &r[i]);
			r[i].in = true;
		}
		if (round % 997 == 0)
			for (size_t k = 0; k < N; k++)
				assert_ptr_equal(sw_reftab_get(&t, r[k].h, r[k].key, r[k].len, rec_is),
						 r[k].in ? &r[k] : NULL);
	}
	size_t live = 0;
	for (size_t k = 0; k < N; k++) {
		live += r[k].in;
		assert_ptr_equal(sw_reftab_get(&t, r[k].h, r[k].key, r[k].len, rec_is),
				 r[k].in ? &r[k] : NULL);
	}
	assert_int_equal(t.count, live);
	assert_null(sw_reftab_get(&t, sw_reftab_hash("absent", 6), "absent", 6, rec_is));
	sw_reftab_free(&t);
}

static void reftab_add_get_del(void **state)
{
	(void)state;
	reftab_run(false);
	reftab_run(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(intern_shares_and_frees),
		cmocka_unit_test(idtab_finds_each_key),
		cmocka_unit_test(addrtab_put_get_replace),
		cmocka_unit_test(reftab_add_get_del),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
