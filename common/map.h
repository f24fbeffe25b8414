/* SPDX-License-Identifier: BSD-2-Clause */
/* Hash map from byte-string keys to pointers (open addressing, linear
 * probing, tombstones), iterated in insertion order. Slots are chosen by a
 * hash keyed once per process (getrandom), so keys from the wire cannot be
 * chosen to collide; iteration order does not depend on that key. The map
 * owns copies of its keys (short ones inside its entries: a key pointer from
 * sw_map_next is valid until the next insertion); values are the caller's
 * unless a free callback is given. */
#ifndef SW_COMMON_MAP_H
#define SW_COMMON_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sw_map_ent;
struct sw_map_slot;

struct sw_map {
	struct sw_map_ent *ents; /* in insertion order, with holes where taken */
	size_t nents;            /* entries and holes */
	struct sw_map_slot *slots; /* probe table: entry index + 1 (0 empty, or tombstone)
	                          * and 32 bits of the entry's hash */
	size_t cap;              /* slots: power of two, or 0 */
	size_t count;            /* live entries */
	size_t used;             /* live + tombstones */
	void (*free_value)(void *value); /* may be NULL */
};

void sw_map_init(struct sw_map *m, void (*free_value)(void *));
/* Frees all keys and, with a free callback, all values. */
void sw_map_free(struct sw_map *m);

void *sw_map_get(const struct sw_map *m, const void *key, size_t klen);
/* Insert or replace; a replaced value is freed with the callback. */
void sw_map_put(struct sw_map *m, const void *key, size_t klen, void *value);
/* Remove; returns the value without freeing it (NULL when absent). */
void *sw_map_take(struct sw_map *m, const void *key, size_t klen);

/* Iteration in insertion order: start with *pos = 0; returns false at the
 * end. Do not insert while iterating; sw_map_take of the current key is
 * allowed. */
bool sw_map_next(const struct sw_map *m, size_t *pos, const void **key,
		 size_t *klen, void **value);

/* The map's keyed hash (SipHash-1-3 under the per-process key), for other
 * tables of wire keys that want the same protection (common/idtab's
 * sw_reftab). Not stable across runs: never for identities or ordering. */
uint64_t sw_map_keyed_hash(const void *p, size_t len);

/* A fast deterministic hash (the same in every run), for identities and
 * record keys; the map itself uses a keyed hash instead. */
uint64_t sw_hash(const void *p, size_t len);
/* sw_hash of the 16 bytes of salt followed by len bytes at p, without the
 * copy (common/idtab's per-table keyed hash). */
uint64_t sw_hash_salted(const unsigned char salt[16], const void *p, size_t len);

#endif
