/* SPDX-License-Identifier: BSD-2-Clause */
/* The bounded single-producer / single-consumer record queue (queue.h):
 * blocks of records, handed over whole under one mutex, so the threads
 * synchronise once per block (hundreds of records), not per record. */
#include "cli/queue.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/mem.h"

struct blk {
	struct blk *next;
	size_t cap;          /* bytes of data */
	size_t used;         /* bytes written (producer) */
	size_t rd;           /* bytes read (consumer) */
	bool own;            /* a block of its own for one large record: freed when read */
	_Alignas(16) unsigned char data[];
};

struct rec_head {
	uint32_t tag;
	uint32_t pad;
	uint64_t len;        /* payload bytes (aligned) */
};
_Static_assert(sizeof(struct rec_head) == SW_QUEUE_ALIGN, "record head is one alignment unit");

struct sw_queue {
	pthread_mutex_t mu;
	pthread_cond_t can_read;   /* a block was handed over, or the end */
	pthread_cond_t can_write;  /* a block was given back */
	size_t block_size;
	size_t nblocks;            /* blocks that may exist */
	size_t made;               /* blocks allocated so far (<= nblocks) */
	struct blk *free_list;     /* given back, reusable */
	struct blk *full_head, *full_tail; /* handed over, not yet read */
	size_t backlog;            /* blocks on that list */
	bool closed;
	/* producer only */
	struct blk *wr;
	size_t backlog_seen;       /* backlog at the last hand-over */
	/* consumer only */
	struct blk *rdb;
};

static size_t align_up(size_t n)
{
	return (n + SW_QUEUE_ALIGN - 1) & ~(size_t)(SW_QUEUE_ALIGN - 1);
}

static struct blk *blk_new(size_t cap, bool own)
{
	/* The data's _Alignas(16) holds only if the block itself is aligned:
	 * 32-bit glibc's malloc gives 8. */
	struct blk *b = sw_malloc_aligned(SW_QUEUE_ALIGN, sizeof *b + cap);
	b->next = NULL;
	b->cap = cap;
	b->used = b->rd = 0;
	b->own = own;
	return b;
}

struct sw_queue *sw_queue_new(size_t block_size, size_t nblocks)
{
	struct sw_queue *q = sw_calloc(1, sizeof *q);
	pthread_mutex_init(&q->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* timed waits: not the wall clock */
	pthread_cond_init(&q->can_read, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&q->can_write, NULL);
	q->block_size = align_up(block_size < 4096 ? 4096 : block_size);
	q->nblocks = nblocks < 2 ? 2 : nblocks;
	return q;
}

static void free_chain(struct blk *b)
{
	while (b) {
		struct blk *n = b->next;
		free(b);
		b = n;
	}
}

void sw_queue_free(struct sw_queue *q)
{
	if (!q)
		return;
	free_chain(q->free_list);
	free_chain(q->full_head);
	free(q->wr);
	free(q->rdb);
	pthread_cond_destroy(&q->can_read);
	pthread_cond_destroy(&q->can_write);
	pthread_mutex_destroy(&q->mu);
	free(q);
}

/* Producer: hand the current block over (if it holds anything). */
static void hand_over(struct sw_queue *q)
{
	struct blk *b = q->wr;
	if (!b || !b->used)
		return;
	q->wr = NULL;
	pthread_mutex_lock(&q->mu);
	if (q->full_tail)
		q->full_tail->next = b;
	else
		q->full_head = b;
	q->full_tail = b;
	q->backlog_seen = ++q->backlog;
	pthread_cond_signal(&q->can_read);
	pthread_mutex_unlock(&q->mu);
}

/* Producer: a block with room, waiting for one to come back if all exist. */
static struct blk *take_block(struct sw_queue *q)
{
	struct blk *b = NULL;
	pthread_mutex_lock(&q->mu);
	while (!q->free_list && q->made >= q->nblocks)
		pthread_cond_wait(&q->can_write, &q->mu);
	if (q->free_list) {
		b = q->free_list;
		q->free_list = b->next;
	} else {
		q->made++;
	}
	pthread_mutex_unlock(&q->mu);
	if (!b)
		b = blk_new(q->block_size, false);
	b->next = NULL;
	b->used = b->rd = 0;
	return b;
}

void *sw_queue_reserve(struct sw_queue *q, size_t n)
{
	size_t need = sizeof(struct rec_head) + align_up(n);
	if (q->wr && q->wr->cap - q->wr->used >= need)
		return q->wr->data + q->wr->used + sizeof(struct rec_head);
	hand_over(q);
	if (need > q->block_size)
		q->wr = blk_new(need, true); /* sized from bytes present: evrec.h */
	else
		q->wr = take_block(q);
	return q->wr->data + sizeof(struct rec_head);
}

void sw_queue_commit(struct sw_queue *q, uint32_t tag, size_t n)
{
	struct blk *b = q->wr;
	struct rec_head *h = (struct rec_head *)(b->data + b->used);
	h->tag = tag;
	h->pad = 0;
	h->len = align_up(n);
	b->used += sizeof *h + h->len;
	if (b->own)
		hand_over(q);
}

size_t sw_queue_backlog(const struct sw_queue *q)
{
	return q->backlog_seen;
}

void sw_queue_flush(struct sw_queue *q)
{
	hand_over(q);
}

void sw_queue_close(struct sw_queue *q)
{
	hand_over(q);
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_cond_signal(&q->can_read);
	pthread_mutex_unlock(&q->mu);
}

/* Consumer: give a read block back (or free a block of its own). */
static void give_back(struct sw_queue *q, struct blk *b)
{
	if (b->own) {
		free(b);
		return;
	}
	pthread_mutex_lock(&q->mu);
	b->next = q->free_list;
	q->free_list = b;
	pthread_cond_signal(&q->can_write);
	pthread_mutex_unlock(&q->mu);
}

const void *sw_queue_next(struct sw_queue *q, int wait_ms, uint32_t *tag, size_t *n, bool *end)
{
	*end = false;
	struct timespec until = { 0, 0 };
	if (wait_ms > 0) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += wait_ms / 1000;
		until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
	}
	for (;;) {
		struct blk *b = q->rdb;
		if (b && b->rd < b->used) {
			const struct rec_head *h = (const struct rec_head *)(b->data + b->rd);
			b->rd += sizeof *h + h->len;
			*tag = h->tag;
			*n = h->len;
			return h + 1;
		}
		if (b) {
			q->rdb = NULL;
			give_back(q, b);
		}
		pthread_mutex_lock(&q->mu);
		while (wait_ms != 0 && !q->full_head && !q->closed) {
			if (wait_ms < 0) {
				pthread_cond_wait(&q->can_read, &q->mu);
			} else if (pthread_cond_timedwait(&q->can_read, &q->mu, &until) != 0) {
				break; /* timed out */
			}
		}
		b = q->full_head;
		if (b) {
			q->backlog--;
			q->full_head = b->next;
			if (!q->full_head)
				q->full_tail = NULL;
		}
		bool closed = q->closed;
		pthread_mutex_unlock(&q->mu);
		if (!b) {
			*end = closed;
			return NULL;
		}
		q->rdb = b;
	}
}
