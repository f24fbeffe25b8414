/* SPDX-License-Identifier: BSD-2-Clause */
/* Compact lookup tables for records held elsewhere, keyed by wire values:
 *
 * - struct sw_idtab: key -> record id, where the key is stored in the record
 *   itself (an account's AOR): each slot holds the id and a hash, 8 bytes, and
 *   the caller's eq() confirms a match against the record, so no key is copied.
 * - struct sw_addrtab: endpoint (struct sw_addr) -> id, the key inline in the
 *   slot (24 bytes), nothing allocated per entry.
 * - struct sw_reftab: key -> pointer to a record that holds its own key (an
 *   open transaction): each slot holds the record's address and 32 bits of
 *   its key's hash, and the caller's eq() confirms a match against the
 *   record. The caller computes the hash once (sw_reftab_hash, SipHash under
 *   the process key of common/map) and passes it to each call, so one message
 *   hashes its key once for a lookup, an insertion and a tombstone check.
 *   Records are removed (backward shift, no tombstones: a table with heavy
 *   churn stays as fast as a fresh one).
 *
 * Slots are chosen by a hash keyed with random bytes drawn per table (per
 * process for sw_reftab), so a sender cannot choose keys that collide. Ids
 * are below UINT32_MAX. Tables grow by doubling (load under 1/2) and never
 * shrink; sw_idtab and sw_addrtab entries are not removed. Single-threaded. */
#ifndef SW_COMMON_IDTAB_H
#define SW_COMMON_IDTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"

#define SW_IDTAB_NONE UINT32_MAX

struct sw_idslot;

struct sw_idtab {
	struct sw_idslot *slots;
	size_t cap, count;
	unsigned char salt[16];
};

/* Does record `id` have this key? */
typedef bool (*sw_idtab_eq)(const void *ctx, uint32_t id, const void *key, size_t klen);

void sw_idtab_init(struct sw_idtab *t);
void sw_idtab_free(struct sw_idtab *t);
/* The id whose record has key, or SW_IDTAB_NONE. */
uint32_t sw_idtab_get(const struct sw_idtab *t, const void *key, size_t klen, sw_idtab_eq eq,
		      const void *ctx);
/* Adds id under key; the key must not be in the table yet. */
void sw_idtab_add(struct sw_idtab *t, const void *key, size_t klen, uint32_t id);

struct sw_addrslot;

struct sw_addrtab {
	struct sw_addrslot *slots;
	size_t cap, count;
	unsigned char salt[16];
};

void sw_addrtab_init(struct sw_addrtab *t);
void sw_addrtab_free(struct sw_addrtab *t);
/* The id stored for the endpoint, or SW_IDTAB_NONE. */
uint32_t sw_addrtab_get(const struct sw_addrtab *t, const struct sw_addr *key);
/* Stores id for the endpoint, replacing what was there. */
void sw_addrtab_put(struct sw_addrtab *t, const struct sw_addr *key, uint32_t id);

/* Forgets every endpoint; the slots are kept for reuse. */
void sw_addrtab_clear(struct sw_addrtab *t);

struct sw_refslot;

struct sw_reftab {
	struct sw_refslot *slots;
	size_t cap, count;
};

/* Does the record have this key? */
typedef bool (*sw_reftab_eq)(const void *rec, const void *key, size_t klen);

void sw_reftab_init(struct sw_reftab *t);
/* Frees the table, not the records (the caller owns them). */
void sw_reftab_free(struct sw_reftab *t);
/* The keyed hash of a key, for the calls below (never 0). */
uint64_t sw_reftab_hash(const void *key, size_t klen);
/* The record stored under key (h = sw_reftab_hash(key, klen)), or NULL. */
void *sw_reftab_get(const struct sw_reftab *t, uint64_t h, const void *key, size_t klen,
		    sw_reftab_eq eq);
/* Adds rec under hash h; its key must not be in the table yet. The table
 * keeps the pointer only (rec stays the caller's). */
void sw_reftab_add(struct sw_reftab *t, uint64_t h, void *rec);
/* Removes rec, stored under hash h; true when it was there. */
bool sw_reftab_del(struct sw_reftab *t, uint64_t h, const void *rec);

/* A 64-bit keyed hash (sw_reftab_hash of the caller's key) -> a 64-bit value,
 * 16 bytes a slot: for large sets of flows where a false match at 1 in 2^64
 * per pair of keys does not matter. Entries are not removed; the caller
 * bounds the count. */
struct sw_hashslot;

struct sw_hashtab {
	struct sw_hashslot *slots;
	size_t cap, count;
};

void sw_hashtab_init(struct sw_hashtab *t);
void sw_hashtab_free(struct sw_hashtab *t);
/* The value stored under h (never 0), or NULL. */
int64_t *sw_hashtab_get(const struct sw_hashtab *t, uint64_t h);
/* The value stored under h, added as 0 when absent; valid until the next
 * sw_hashtab_put. */
int64_t *sw_hashtab_put(struct sw_hashtab *t, uint64_t h);

#endif
