/* SPDX-License-Identifier: BSD-2-Clause */
/* Open-addressing hash map with copied byte-string keys, iterated in
 * insertion order. Keys come from the wire (Call-ID, branch, addresses), so
 * slots are chosen with SipHash-1-3 under a key drawn once per process from
 * getrandom(2): whoever crafts the packets cannot know which keys collide,
 * and a flood of chosen Call-IDs costs what any flood costs. The entries live
 * in a dense array in insertion order and the probe table holds indexes into
 * it (as CPython's dict), so iteration, and with it every result derived
 * from it, does not depend on the per-process key. */
#include "common/map.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/mem.h"

/* Keys up to MAP_INLINE bytes (endpoint pairs, hashes, most Call-IDs) live
 * in the entry: no allocation, no second cache miss to compare them. */
#define MAP_INLINE 40u

struct sw_map_ent {
	uint64_t hash;
	void *value;
	uint32_t klen;
	uint32_t live; /* 0: taken (a hole until the next rebuild) */
	union {
		unsigned char in[MAP_INLINE];
		unsigned char *p; /* owned copy, klen > MAP_INLINE */
	} k;
};

/* A probe slot: entry index + 1 (0 empty, SLOT_TOMB taken) and the high
 * half of the entry's hash, so a probe reads an entry only when it likely
 * holds the key. */
struct sw_map_slot {
	uint32_t idx1;
	uint32_t tag;
};

#define SLOT_EMPTY 0u
#define SLOT_TOMB UINT32_MAX
#define MAP_MIN_CAP 16u

static inline const unsigned char *ent_key(const struct sw_map_ent *e)
{
	return e->klen > MAP_INLINE ? e->k.p : e->k.in;
}

static inline uint32_t tag_of(uint64_t h)
{
	return (uint32_t)(h >> 32);
}

/* ---- the keyed hash ---------------------------------------------------------- */

/* SipHash-1-3 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012; one compression and three finalisation rounds, as Rust's and
 * CPython's hash tables use it). */
#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND(v0, v1, v2, v3)                                                          \
	do {                                                                              \
		v0 += v1;                                                                 \
		v1 = ROTL(v1, 13);                                                        \
		v1 ^= v0;                                                                 \
		v0 = ROTL(v0, 32);                                                        \
		v2 += v3;                                                                 \
		v3 = ROTL(v3, 16);                                                        \
		v3 ^= v2;                                                                 \
		v0 += v3;                                                                 \
		v3 = ROTL(v3, 21);                                                        \
		v3 ^= v0;                                                                 \
		v2 += v1;                                                                 \
		v1 = ROTL(v1, 17);                                                        \
		v1 ^= v2;                                                                 \
		v2 = ROTL(v2, 32);                                                        \
	} while (0)

static uint64_t siphash13(uint64_t k0, uint64_t k1, const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t v0 = k0 ^ UINT64_C(0x736f6d6570736575), v1 = k1 ^ UINT64_C(0x646f72616e646f6d);
	uint64_t v2 = k0 ^ UINT64_C(0x6c7967656e657261), v3 = k1 ^ UINT64_C(0x7465646279746573);
	uint64_t b = (uint64_t)len << 56;
	size_t n = len;
	while (n >= 8) {
		uint64_t m = 0;
		for (int i = 0; i < 8; i++) /* little-endian whatever the host */
			m |= (uint64_t)s[i] << (8 * i);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
		s += 8;
		n -= 8;
	}
	for (size_t i = 0; i < n; i++)
		b |= (uint64_t)s[i] << (8 * i);
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* The per-process key: the one mutable global of common/, written once
 * before main() runs (no threads yet) and only read afterwards. */
static uint64_t map_k0, map_k1;

__attribute__((constructor)) static void map_seed(void)
{
	uint64_t k[2] = {0, 0};
	ssize_t n = getrandom(k, sizeof k, GRND_NONBLOCK);
	if (n != (ssize_t)sizeof k) {
		/* Early boot (pool not ready) or no getrandom: weaker, but still
		 * not something a remote sender can predict. */
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		k[0] ^= (uint64_t)ts.tv_nsec * UINT64_C(0x9e3779b97f4a7c15) ^ (uint64_t)ts.tv_sec;
		clock_gettime(CLOCK_REALTIME, &ts);
		k[1] ^= (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32) ^
		        (uint64_t)(uintptr_t)&ts;
	}
	map_k0 = k[0];
	map_k1 = k[1];
}

static uint64_t map_hash(const void *key, size_t klen)
{
	return siphash13(map_k0, map_k1, key, klen);
}

uint64_t sw_map_keyed_hash(const void *p, size_t len)
{
	return map_hash(p, len);
}

/* ---- the deterministic hash ---------------------------------------------------- */

/* 8 bytes at a time, multiply-xorshift mixing (in the spirit of wyhash and
 * splitmix64). Not keyed, so not for tables of wire keys: the same input
 * gives the same value in every run (record keys, identities). */
static inline uint64_t mix(uint64_t h)
{
	h ^= h >> 32;
	h *= UINT64_C(0xd6e8feb86659fd93);
	h ^= h >> 32;
	return h;
}

/* sw_hash of len bytes at p, from state h (the words before them done). */
static uint64_t hash_words(uint64_t h, const unsigned char *s, size_t len)
{
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = mix(h ^ w) + UINT64_C(0x2545f4914f6cdd1d);
		s += 8;
		len -= 8;
	}
	uint64_t w = 0;
	for (size_t i = 0; i < len; i++)
		w |= (uint64_t)s[i] << (8 * i);
	h = mix(h ^ w ^ UINT64_C(0x165667b19e3779f9));
	return mix(h);
}

static uint64_t hash_init(size_t len)
{
	return UINT64_C(0x9e3779b97f4a7c15) ^ (len * UINT64_C(0xff51afd7ed558ccd));
}

uint64_t sw_hash(const void *p, size_t len)
{
	return hash_words(hash_init(len), p, len);
}

uint64_t sw_hash_salted(const unsigned char salt[16], const void *p, size_t len)
{
	uint64_t h = hash_init(16 + len);
	for (int i = 0; i < 2; i++) {
		uint64_t w;
		memcpy(&w, salt + 8 * i, 8);
		h = mix(h ^ w) + UINT64_C(0x2545f4914f6cdd1d);
	}
	return hash_words(h, p, len);
}

/* ---- the table ------------------------------------------------------------------- */

void sw_map_init(struct sw_map *m, void (*free_value)(void *))
{
	memset(m, 0, sizeof *m);
	m->free_value = free_value;
}

void sw_map_free(struct sw_map *m)
{
	for (size_t i = 0; i < m->nents; i++) {
		struct sw_map_ent *e = &m->ents[i];
		if (!e->live)
			continue;
		if (e->klen > MAP_INLINE)
			free(e->k.p);
		if (m->free_value)
			m->free_value(e->value);
	}
	free(m->ents);
	free(m->slots);
	m->ents = NULL;
	m->slots = NULL;
	m->cap = m->count = m->used = m->nents = 0;
}

/* The index slot that holds key, or NULL. */
static struct sw_map_slot *find(const struct sw_map *m, const void *key, size_t klen, uint64_t h)
{
	if (!m->count)
		return NULL;
	size_t mask = m->cap - 1;
	uint32_t tag = tag_of(h);
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct sw_map_slot *s = &m->slots[i];
		if (s->idx1 == SLOT_EMPTY)
			return NULL;
		if (s->idx1 == SLOT_TOMB || s->tag != tag)
			continue;
		const struct sw_map_ent *e = &m->ents[s->idx1 - 1];
		if (e->hash == h && e->klen == klen && memcmp(ent_key(e), key, klen) == 0)
			return s;
	}
}

/* A new probe table of cap slots over the live entries, holes squeezed out
 * (the order of the rest is kept). */
static void rebuild(struct sw_map *m, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < m->nents; i++)
		if (m->ents[i].live)
			m->ents[k++] = m->ents[i];
	m->nents = k;
	/* Under 3/4 of the slots are ever used: entries need no more room. */
	m->ents = sw_realloc(m->ents, (cap * 3 / 4 + 1) * sizeof *m->ents);
	free(m->slots);
	m->slots = sw_calloc(cap, sizeof *m->slots);
	m->cap = cap;
	m->used = m->nents;
	size_t mask = cap - 1;
	for (size_t i = 0; i < m->nents; i++) {
		size_t j = m->ents[i].hash & mask;
		while (m->slots[j].idx1 != SLOT_EMPTY)
			j = (j + 1) & mask;
		m->slots[j].idx1 = (uint32_t)(i + 1);
		m->slots[j].tag = tag_of(m->ents[i].hash);
	}
}

void *sw_map_get(const struct sw_map *m, const void *key, size_t klen)
{
	if (!m->count)
		return NULL;
	struct sw_map_slot *s = find(m, key, klen, map_hash(key, klen));
	return s ? m->ents[s->idx1 - 1].value : NULL;
}

void sw_map_put(struct sw_map *m, const void *key, size_t klen, void *value)
{
	uint64_t h = map_hash(key, klen);
	struct sw_map_slot *s = find(m, key, klen, h);
	if (s) {
		struct sw_map_ent *e = &m->ents[s->idx1 - 1];
		if (m->free_value && e->value != value)
			m->free_value(e->value);
		e->value = value;
		return;
	}
	/* Tombstones count as used (and every used slot has its entry, live
	 * or a hole): a table full of tombstones is rebuilt at the same size,
	 * one full of entries at twice the size. */
	if ((m->used + 1) * 4 >= m->cap * 3) {
		size_t cap = m->cap ? m->cap : MAP_MIN_CAP;
		if ((m->count + 1) * 2 >= cap)
			cap *= 2;
		rebuild(m, cap);
	}
	size_t mask = m->cap - 1;
	size_t i = h & mask;
	while (m->slots[i].idx1 != SLOT_EMPTY)
		i = (i + 1) & mask;
	struct sw_map_ent *e = &m->ents[m->nents];
	e->hash = h;
	e->klen = (uint32_t)klen; /* keys are bounded far below 4 GiB */
	e->live = 1;
	unsigned char *kp = e->k.in;
	if (klen > MAP_INLINE)
		kp = e->k.p = sw_malloc(klen);
	if (klen)
		memcpy(kp, key, klen);
	e->value = value;
	m->slots[i].idx1 = (uint32_t)(++m->nents);
	m->slots[i].tag = tag_of(h);
	m->used++;
	m->count++;
}

void *sw_map_take(struct sw_map *m, const void *key, size_t klen)
{
	if (!m->count)
		return NULL;
	struct sw_map_slot *s = find(m, key, klen, map_hash(key, klen));
	if (!s)
		return NULL;
	struct sw_map_ent *e = &m->ents[s->idx1 - 1];
	void *v = e->value;
	if (e->klen > MAP_INLINE)
		free(e->k.p);
	e->live = 0;
	e->value = NULL;
	s->idx1 = SLOT_TOMB;
	m->count--;
	return v;
}

bool sw_map_next(const struct sw_map *m, size_t *pos, const void **key, size_t *klen,
		 void **value)
{
	for (size_t i = *pos; i < m->nents; i++) {
		const struct sw_map_ent *e = &m->ents[i];
		if (!e->live)
			continue;
		if (key)
			*key = ent_key(e);
		if (klen)
			*klen = e->klen;
		if (value)
			*value = e->value;
		*pos = i + 1;
		return true;
	}
	*pos = m->nents;
	return false;
}
