/* SPDX-License-Identifier: BSD-2-Clause */
/* Open-addressing hash map with copied byte-string keys. */
#include "common/map.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

struct sw_map_slot {
	uint64_t hash;
	void *key; /* NULL = empty; TOMB = deleted */
	size_t klen;
	void *value;
};

static char tomb_marker;
#define TOMB ((void *)&tomb_marker)

/* 8 bytes at a time, multiply-xorshift mixing (in the spirit of wyhash and
 * splitmix64); not cryptographic: keys come from the wire, so the table also
 * bounds its probe work by keeping the load factor under 3/4. */
static inline uint64_t mix(uint64_t h)
{
	h ^= h >> 32;
	h *= UINT64_C(0xd6e8feb86659fd93);
	h ^= h >> 32;
	return h;
}

uint64_t sw_hash(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ (len * UINT64_C(0xff51afd7ed558ccd));
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

void sw_map_init(struct sw_map *m, void (*free_value)(void *))
{
	memset(m, 0, sizeof *m);
	m->free_value = free_value;
}

void sw_map_free(struct sw_map *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		struct sw_map_slot *s = &m->slots[i];
		if (s->key && s->key != TOMB) {
			free(s->key);
			if (m->free_value)
				m->free_value(s->value);
		}
	}
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = m->used = 0;
}

static struct sw_map_slot *find(const struct sw_map *m, const void *key, size_t klen,
				uint64_t h)
{
	if (!m->cap)
		return NULL;
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct sw_map_slot *s = &m->slots[i];
		if (!s->key)
			return NULL;
		if (s->key != TOMB && s->hash == h && s->klen == klen &&
		    memcmp(s->key, key, klen) == 0)
			return s;
	}
}

static void rehash(struct sw_map *m, size_t cap)
{
	struct sw_map_slot *old = m->slots;
	size_t ocap = m->cap;
	m->slots = sw_calloc(cap, sizeof *m->slots);
	m->cap = cap;
	m->used = m->count;
	for (size_t i = 0; i < ocap; i++) {
		struct sw_map_slot *s = &old[i];
		if (!s->key || s->key == TOMB)
			continue;
		size_t j = s->hash & (cap - 1);
		while (m->slots[j].key)
			j = (j + 1) & (cap - 1);
		m->slots[j] = *s;
	}
	free(old);
}

void *sw_map_get(const struct sw_map *m, const void *key, size_t klen)
{
	struct sw_map_slot *s = find(m, key, klen, sw_hash(key, klen));
	return s ? s->value : NULL;
}

void sw_map_put(struct sw_map *m, const void *key, size_t klen, void *value)
{
	uint64_t h = sw_hash(key, klen);
	struct sw_map_slot *s = find(m, key, klen, h);
	if (s) {
		if (m->free_value && s->value != value)
			m->free_value(s->value);
		s->value = value;
		return;
	}
	if ((m->used + 1) * 4 >= m->cap * 3) {
		size_t cap = m->cap ? m->cap : 16;
		if ((m->count + 1) * 2 >= cap)
			cap *= 2;
		rehash(m, cap);
	}
	size_t mask = m->cap - 1;
	size_t i = h & mask;
	while (m->slots[i].key && m->slots[i].key != TOMB)
		i = (i + 1) & mask;
	s = &m->slots[i];
	if (!s->key)
		m->used++;
	s->hash = h;
	s->key = sw_malloc(klen ? klen : 1);
	if (klen)
		memcpy(s->key, key, klen);
	s->klen = klen;
	s->value = value;
	m->count++;
}

void *sw_map_take(struct sw_map *m, const void *key, size_t klen)
{
	struct sw_map_slot *s = find(m, key, klen, sw_hash(key, klen));
	if (!s)
		return NULL;
	void *v = s->value;
	free(s->key);
	s->key = TOMB;
	s->value = NULL;
	m->count--;
	return v;
}

bool sw_map_next(const struct sw_map *m, size_t *pos, const void **key, size_t *klen,
		 void **value)
{
	for (size_t i = *pos; i < m->cap; i++) {
		struct sw_map_slot *s = &m->slots[i];
		if (s->key && s->key != TOMB) {
			if (key)
				*key = s->key;
			if (klen)
				*klen = s->klen;
			if (value)
				*value = s->value;
			*pos = i + 1;
			return true;
		}
	}
	*pos = m->cap;
	return false;
}
