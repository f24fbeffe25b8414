/* SPDX-License-Identifier: BSD-2-Clause */
#include "common/idtab.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "common/map.h"
#include "common/mem.h"

#define MIN_CAP 64u
#define KEY_MAX 512u /* longer keys are hashed on their first KEY_MAX bytes */

struct sw_idslot {
	uint32_t hash; /* low bits of the keyed hash */
	uint32_t id1;  /* id + 1; 0 = empty */
};

struct sw_addrslot {
	struct sw_addr key;
	uint32_t id1;  /* id + 1; 0 = empty */
};

static void draw_salt(unsigned char salt[16])
{
	if (getrandom(salt, 16, GRND_NONBLOCK) == 16)
		return;
	/* No entropy yet (early boot): still not known to a remote sender. */
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)(uintptr_t)salt;
	memcpy(salt, &x, sizeof x);
	memcpy(salt + 8, &x, sizeof x);
}

static uint64_t keyed_hash(const unsigned char salt[16], const void *key, size_t klen)
{
	return sw_hash_salted(salt, key, klen > KEY_MAX ? KEY_MAX : klen);
}

/* ---- sw_idtab ----------------------------------------------------------------- */

void sw_idtab_init(struct sw_idtab *t)
{
	memset(t, 0, sizeof *t);
	draw_salt(t->salt);
}

void sw_idtab_free(struct sw_idtab *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->count = 0;
}

uint32_t sw_idtab_get(const struct sw_idtab *t, const void *key, size_t klen, sw_idtab_eq eq,
		      const void *ctx)
{
	if (!t->cap)
		return SW_IDTAB_NONE;
	uint32_t h = (uint32_t)keyed_hash(t->salt, key, klen);
	size_t mask = t->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		const struct sw_idslot *s = &t->slots[i];
		if (!s->id1)
			return SW_IDTAB_NONE;
		if (s->hash == h && eq(ctx, s->id1 - 1, key, klen))
			return s->id1 - 1;
	}
}

static void idtab_place(struct sw_idslot *slots, size_t cap, uint32_t h, uint32_t id1)
{
	size_t mask = cap - 1;
	size_t i = h & mask;
	while (slots[i].id1)
		i = (i + 1) & mask;
	slots[i].hash = h;
	slots[i].id1 = id1;
}

void sw_idtab_add(struct sw_idtab *t, const void *key, size_t klen, uint32_t id)
{
	if ((t->count + 1) * 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : MIN_CAP;
		struct sw_idslot *slots = sw_calloc(cap, sizeof *slots);
		for (size_t i = 0; i < t->cap; i++)
			if (t->slots[i].id1)
				idtab_place(slots, cap, t->slots[i].hash, t->slots[i].id1);
		free(t->slots);
		t->slots = slots;
		t->cap = cap;
	}
	idtab_place(t->slots, t->cap, (uint32_t)keyed_hash(t->salt, key, klen), id + 1);
	t->count++;
}

/* ---- sw_addrtab --------------------------------------------------------------- */

/* The key as hashed and compared: family, address and port, never padding. */
static void addr_bytes(const struct sw_addr *a, unsigned char out[19])
{
	out[0] = a->family;
	memcpy(out + 1, a->ip, 16);
	out[17] = (unsigned char)(a->port >> 8);
	out[18] = (unsigned char)a->port;
}

static uint64_t addr_hash(const struct sw_addrtab *t, const struct sw_addr *a)
{
	unsigned char k[19];
	addr_bytes(a, k);
	return keyed_hash(t->salt, k, sizeof k);
}

static bool addr_same(const struct sw_addr *x, const struct sw_addr *y)
{
	return x->family == y->family && x->port == y->port && memcmp(x->ip, y->ip, 16) == 0;
}

void sw_addrtab_init(struct sw_addrtab *t)
{
	memset(t, 0, sizeof *t);
	draw_salt(t->salt);
}

void sw_addrtab_free(struct sw_addrtab *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->count = 0;
}

static struct sw_addrslot *addr_find(const struct sw_addrtab *t, const struct sw_addr *key,
				     uint64_t h)
{
	size_t mask = t->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct sw_addrslot *s = &t->slots[i];
		if (!s->id1 || addr_same(&s->key, key))
			return s;
	}
}

uint32_t sw_addrtab_get(const struct sw_addrtab *t, const struct sw_addr *key)
{
	if (!t->cap)
		return SW_IDTAB_NONE;
	const struct sw_addrslot *s = addr_find(t, key, addr_hash(t, key));
	return s->id1 ? s->id1 - 1 : SW_IDTAB_NONE;
}

void sw_addrtab_put(struct sw_addrtab *t, const struct sw_addr *key, uint32_t id)
{
	if ((t->count + 1) * 2 > t->cap) {
		size_t ocap = t->cap;
		struct sw_addrslot *old = t->slots;
		t->cap = ocap ? ocap * 2 : MIN_CAP;
		t->slots = sw_calloc(t->cap, sizeof *t->slots);
		for (size_t i = 0; i < ocap; i++)
			if (old[i].id1)
				*addr_find(t, &old[i].key, addr_hash(t, &old[i].key)) = old[i];
		free(old);
	}
	struct sw_addrslot *s = addr_find(t, key, addr_hash(t, key));
	if (!s->id1) {
		memset(&s->key, 0, sizeof s->key);
		s->key.family = key->family;
		memcpy(s->key.ip, key->ip, 16);
		s->key.port = key->port;
		t->count++;
	}
	s->id1 = id + 1;
}

void sw_addrtab_clear(struct sw_addrtab *t)
{
	if (t->slots)
		memset(t->slots, 0, t->cap * sizeof *t->slots);
	t->count = 0;
}

/* ---- sw_reftab ---------------------------------------------------------------- */

struct sw_refslot {
	uint32_t hash; /* low 32 bits of the key's hash: home slot and first check */
	void *rec;     /* NULL = empty */
};

void sw_reftab_init(struct sw_reftab *t)
{
	memset(t, 0, sizeof *t);
}

void sw_reftab_free(struct sw_reftab *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->count = 0;
}

uint64_t sw_reftab_hash(const void *key, size_t klen)
{
	uint64_t h = sw_map_keyed_hash(key, klen);
	return h ? h : 1;
}

void *sw_reftab_get(const struct sw_reftab *t, uint64_t h, const void *key, size_t klen,
		    sw_reftab_eq eq)
{
	if (!t->count)
		return NULL;
	uint32_t h32 = (uint32_t)h;
	size_t mask = t->cap - 1;
	for (size_t i = h32 & mask;; i = (i + 1) & mask) {
		const struct sw_refslot *s = &t->slots[i];
		if (!s->rec)
			return NULL;
		if (s->hash == h32 && eq(s->rec, key, klen))
			return s->rec;
	}
}

static void ref_place(struct sw_refslot *slots, size_t cap, uint32_t h32, void *rec)
{
	size_t mask = cap - 1;
	size_t i = h32 & mask;
	while (slots[i].rec)
		i = (i + 1) & mask;
	slots[i].hash = h32;
	slots[i].rec = rec;
}

void sw_reftab_add(struct sw_reftab *t, uint64_t h, void *rec)
{
	if ((t->count + 1) * 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : MIN_CAP;
		struct sw_refslot *slots = sw_calloc(cap, sizeof *slots);
		for (size_t i = 0; i < t->cap; i++)
			if (t->slots[i].rec)
				ref_place(slots, cap, t->slots[i].hash, t->slots[i].rec);
		free(t->slots);
		t->slots = slots;
		t->cap = cap;
	}
	ref_place(t->slots, t->cap, (uint32_t)h, rec);
	t->count++;
}

bool sw_reftab_del(struct sw_reftab *t, uint64_t h, const void *rec)
{
	if (!t->count)
		return false;
	size_t mask = t->cap - 1;
	size_t i = (uint32_t)h & mask;
	while (t->slots[i].rec != rec) {
		if (!t->slots[i].rec)
			return false;
		i = (i + 1) & mask;
	}
	/* Backward shift (Knuth's algorithm R for linear probing): move up each
	 * later entry of the run whose home slot is not between the hole and it. */
	size_t hole = i;
	for (size_t j = (i + 1) & mask; t->slots[j].rec; j = (j + 1) & mask) {
		size_t home = t->slots[j].hash & mask;
		bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
		if (stays)
			continue;
		t->slots[hole] = t->slots[j];
		hole = j;
	}
	t->slots[hole].rec = NULL;
	t->slots[hole].hash = 0;
	t->count--;
	return true;
}

/* ---- sw_hashtab ---------------------------------------------------------- */

struct sw_hashslot {
	uint64_t h; /* 0: empty */
	int64_t v;
};

void sw_hashtab_init(struct sw_hashtab *t)
{
	memset(t, 0, sizeof *t);
}

void sw_hashtab_free(struct sw_hashtab *t)
{
	free(t->slots);
	memset(t, 0, sizeof *t);
}

static struct sw_hashslot *hash_slot(struct sw_hashslot *slots, size_t cap, uint64_t h)
{
	size_t mask = cap - 1;
	size_t i = (size_t)(h ^ (h >> 32)) & mask;
	while (slots[i].h && slots[i].h != h)
		i = (i + 1) & mask;
	return &slots[i];
}

int64_t *sw_hashtab_get(const struct sw_hashtab *t, uint64_t h)
{
	if (!t->count)
		return NULL;
	struct sw_hashslot *s = hash_slot(t->slots, t->cap, h);
	return s->h ? &s->v : NULL;
}

int64_t *sw_hashtab_put(struct sw_hashtab *t, uint64_t h)
{
	if ((t->count + 1) * 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : MIN_CAP;
		struct sw_hashslot *slots = sw_calloc(cap, sizeof *slots);
		for (size_t i = 0; i < t->cap; i++)
			if (t->slots[i].h)
				*hash_slot(slots, cap, t->slots[i].h) = t->slots[i];
		free(t->slots);
		t->slots = slots;
		t->cap = cap;
	}
	struct sw_hashslot *s = hash_slot(t->slots, t->cap, h);
	if (!s->h) {
		s->h = h;
		s->v = 0;
		t->count++;
	}
	return &s->v;
}
