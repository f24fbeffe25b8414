/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for cli/queue.c, the bounded single-producer / single-consumer
 * record queue of the two-thread pipeline: records come out in the order
 * they went in, with their tags and bytes, through blocks that are reused,
 * records larger than a block, waiting on both sides, flush and close.
 * Also built with -fsanitize=thread (test_queue_tsan) where the compiler
 * has it, so that a missing hand-over shows as a data race. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include "cli/queue.h"

#define NREC 20000u

/* Record i: tag i, (i * 37) % 700 + 8 bytes (every 997th 3 * the block
 * size: a block of its own), bytes (i + k) & 0xff, the first 4 the index. */
static size_t rec_len(uint32_t i, size_t block)
{
	return i % 997 == 5 ? 3 * block : (size_t)(i * 37u) % 700u + 8u;
}

struct prod {
	struct sw_queue *q;
	size_t block;
	bool flush_often;
};

static void *producer(void *arg)
{
	struct prod *p = arg;
	for (uint32_t i = 0; i < NREC; i++) {
		size_t n = rec_len(i, p->block);
		unsigned char *r = sw_queue_reserve(p->q, n);
		assert_true(((uintptr_t)r % SW_QUEUE_ALIGN) == 0);
		memcpy(r, &i, 4);
		for (size_t k = 4; k < n; k++)
			r[k] = (unsigned char)(i + k);
		sw_queue_commit(p->q, i, n);
		if (p->flush_often && i % 7 == 0)
			sw_queue_flush(p->q);
	}
	sw_queue_close(p->q);
	return NULL;
}

static void consume_all(struct sw_queue *q, size_t block, bool wait)
{
	uint32_t want = 0;
	for (;;) {
		uint32_t tag;
		size_t n;
		bool end;
		const unsigned char *r = sw_queue_next(q, wait ? -1 : 0, &tag, &n, &end);
		if (!r) {
			if (end)
				break;
			continue; /* nothing ready yet (no wait) */
		}
		assert_int_equal(tag, want);
		size_t len = rec_len(want, block);
		assert_true(n >= len && n - len < SW_QUEUE_ALIGN);
		uint32_t idx;
		memcpy(&idx, r, 4);
		assert_int_equal(idx, want);
		for (size_t k = 4; k < len; k++)
			if (r[k] != (unsigned char)(want + k))
				fail_msg("record %u byte %zu", want, k);
		want++;
	}
	assert_int_equal(want, NREC);
}

static void run_case(size_t block, size_t nblocks, bool flush_often, bool wait)
{
	struct sw_queue *q = sw_queue_new(block, nblocks);
	struct prod p = { q, block < 4096 ? 4096 : block, flush_often };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, producer, &p), 0);
	consume_all(q, p.block, wait);
	pthread_join(th, NULL);
	sw_queue_free(q);
}

/* Two small blocks: the producer waits for the consumer most of the time. */
static void test_order_small_blocks(void **state)
{
	(void)state;
	run_case(4096, 2, false, true);
}

/* The pipeline's sizes, and a consumer that polls without waiting (live). */
static void test_order_big_blocks_polling(void **state)
{
	(void)state;
	run_case(256u << 10, 16, false, false);
}

/* Partial blocks handed over often (live capture flushes after each read). */
static void test_flush_partial_blocks(void **state)
{
	(void)state;
	run_case(8192, 3, true, true);
}

/* One thread: records written, flushed, then read; nothing after close;
 * blocks not read are freed with the queue (ASan: no leak). */
static void test_single_thread_close(void **state)
{
	(void)state;
	struct sw_queue *q = sw_queue_new(4096, 4);
	uint32_t tag;
	size_t n;
	bool end;
	assert_null(sw_queue_next(q, 0, &tag, &n, &end));
	assert_false(end);
	assert_null(sw_queue_next(q, 30, &tag, &n, &end)); /* times out */
	assert_false(end);
	for (uint32_t i = 0; i < 3; i++) {
		char *r = sw_queue_reserve(q, 10);
		memcpy(r, "abcdefghij", 10);
		sw_queue_commit(q, 100 + i, 10);
	}
	assert_null(sw_queue_next(q, 0, &tag, &n, &end)); /* not handed over yet */
	assert_false(end);
	sw_queue_flush(q);
	const char *r = sw_queue_next(q, 0, &tag, &n, &end);
	assert_non_null(r);
	assert_int_equal(tag, 100);
	assert_int_equal(n, 16);
	assert_memory_equal(r, "abcdefghij", 10);
	sw_queue_close(q);
	assert_non_null(sw_queue_next(q, -1, &tag, &n, &end));
	assert_non_null(sw_queue_next(q, -1, &tag, &n, &end));
	assert_int_equal(tag, 102);
	assert_null(sw_queue_next(q, -1, &tag, &n, &end));
	assert_true(end);
	sw_queue_free(q);

	q = sw_queue_new(4096, 2);
	for (int i = 0; i < 2; i++) {
		sw_queue_reserve(q, 3000);
		sw_queue_commit(q, 1, 3000);
	}
	sw_queue_reserve(q, 9000); /* own block, handed over at commit */
	sw_queue_commit(q, 2, 9000);
	sw_queue_free(q); /* two full blocks and the big one, never read */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_small_blocks),
		cmocka_unit_test(test_order_big_blocks_polling),
		cmocka_unit_test(test_flush_partial_blocks),
		cmocka_unit_test(test_single_thread_close),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
