/* SPDX-License-Identifier: BSD-2-Clause */
/* A bounded single-producer / single-consumer queue of records, for the
 * two-thread pipeline (run.c): the reading thread writes records (a tag and
 * bytes) into blocks and hands over whole blocks; the analysing thread reads
 * them in the order they were written. At most nblocks blocks of block_size
 * bytes exist at once (allocated as first needed); a record larger than a
 * block gets a block of its own, freed when read. The producer waits when
 * every block is full, the consumer when none is.
 *
 * Threads: sw_queue_reserve, _commit, _flush and _close from one thread,
 * sw_queue_next from one other; _new and _free when neither runs. */
#ifndef SW_CLI_QUEUE_H
#define SW_CLI_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_QUEUE_ALIGN 16u /* records start and end aligned to this */

struct sw_queue;

/* A queue of nblocks (>= 2) blocks of block_size bytes. Never NULL (out of
 * memory ends the process, common/mem.h). */
struct sw_queue *sw_queue_new(size_t block_size, size_t nblocks);
/* Frees the queue and the blocks it holds, read or not. */
void sw_queue_free(struct sw_queue *q);

/* Producer: room for a record of n bytes (aligned to SW_QUEUE_ALIGN), valid
 * until sw_queue_commit; waits while every block is full. */
void *sw_queue_reserve(struct sw_queue *q, size_t n);
/* Producer: the reserved record is written (n <= the size reserved); tag is
 * the caller's. */
void sw_queue_commit(struct sw_queue *q, uint32_t tag, size_t n);
/* Producer: hand over the records written so far (otherwise a block is
 * handed over when full): for live captures, so that a quiet line is not
 * held back. */
void sw_queue_flush(struct sw_queue *q);
/* Producer: blocks handed over and not yet taken by the consumer, as of the
 * last hand-over (that block included): 1 or less means the consumer keeps
 * up. */
size_t sw_queue_backlog(const struct sw_queue *q);
/* Producer: flush and mark the end; nothing is written after it. */
void sw_queue_close(struct sw_queue *q);

/* Consumer: the next record (its tag and size through the out-parameters),
 * borrowed until the next call. Waits up to wait_ms milliseconds for one
 * (-1: as long as it takes, 0: not at all); returns NULL at the end (after
 * sw_queue_close and the last record: *end is true) or when none came in
 * time (*end is false). */
const void *sw_queue_next(struct sw_queue *q, int wait_ms, uint32_t *tag, size_t *n, bool *end);

#endif
