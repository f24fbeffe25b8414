/* SPDX-License-Identifier: BSD-2-Clause */
/* IP fragment reassembly: IPv4 (RFC 791 section 3.2, keyed by source,
 * destination, identification and protocol) and IPv6 (RFC 8200 section 4.5,
 * keyed by source, destination and identification). Fragments may arrive in
 * any order; exact duplicates are tolerated; overlapping fragments with
 * different bytes (IPv4) or any overlap other than an exact duplicate (IPv6,
 * RFC 5722) abandon the datagram. Timeouts run on capture time. */
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "decode/internal.h"

#define FRAG_KEYLEN 38u
#define SWEEP_NS INT64_C(1000000000) /* timeout sweeps at most once a second */

struct frag_range {
	uint32_t start, end;
};

struct sw_frag_dgram {
	uint8_t key[FRAG_KEYLEN];
	uint8_t version;
	uint8_t proto; /* from the first fragment (v6: offset 0 wins) */
	bool have_total;
	uint32_t total; /* payload length, known from the last fragment */
	uint8_t *buf;
	size_t cap;
	struct frag_range r[SW_MAX_FRAGS_PER_DATAGRAM];
	unsigned n;    /* fragments kept */
	unsigned seen; /* fragments seen, duplicates included */
	int64_t first_ts;
	uint64_t first_frame;
};

static void dgram_free(void *v)
{
	struct sw_frag_dgram *g = v;
	if (g) {
		free(g->buf);
		free(g);
	}
}

void sw_frag_init(struct sw_frag_table *t)
{
	sw_map_init(&t->map, dgram_free);
	t->last_sweep_ns = 0;
}

void sw_frag_free(struct sw_frag_table *t)
{
	sw_map_free(&t->map);
}

/* Abandon a datagram: its fragments count as dropped. */
static void drop(struct sw_decode *d, struct sw_frag_dgram *g)
{
	d->st.ip_frag_dropped += g->seen;
	dgram_free(sw_map_take(&d->frag.map, g->key, FRAG_KEYLEN));
}

static bool expired(const struct sw_frag_dgram *g, int64_t now)
{
	return now - g->first_ts > SW_FRAG_TIMEOUT_NS;
}

static void sweep(struct sw_decode *d, int64_t now)
{
	size_t pos = 0;
	const void *k;
	size_t kl;
	void *v;
	while (sw_map_next(&d->frag.map, &pos, &k, &kl, &v)) {
		if (expired(v, now))
			drop(d, v);
	}
	d->frag.last_sweep_ns = now;
}

static void evict_oldest(struct sw_decode *d)
{
	size_t pos = 0;
	const void *k;
	size_t kl;
	void *v;
	struct sw_frag_dgram *old = NULL;
	while (sw_map_next(&d->frag.map, &pos, &k, &kl, &v)) {
		struct sw_frag_dgram *g = v;
		if (!old || g->first_ts < old->first_ts)
			old = g;
	}
	if (old)
		drop(d, old);
}

static int cmp_range(const void *a, const void *b)
{
	const struct frag_range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static bool complete(const struct sw_frag_dgram *g)
{
	if (!g->have_total)
		return false;
	struct frag_range r[SW_MAX_FRAGS_PER_DATAGRAM];
	memcpy(r, g->r, g->n * sizeof r[0]);
	qsort(r, g->n, sizeof r[0], cmp_range);
	uint32_t covered = 0;
	for (unsigned i = 0; i < g->n; i++) {
		if (r[i].start > covered)
			return false; /* a hole */
		if (r[i].end > covered)
			covered = r[i].end;
	}
	return covered >= g->total;
}

void sw_frag_add(struct sw_decode *d, const struct sw_frag_in *fr, unsigned depth)
{
	int64_t now = d->pkt.ts_ns;
	d->st.ip_fragments++;
	d->fl_used = true;
	if (fr->cut) {
		/* Part of the fragment is missing from the capture; the datagram
		 * can only complete if the fragment is seen again. */
		d->st.ip_frag_dropped++;
		return;
	}
	uint64_t end = (uint64_t)fr->offset + fr->len;
	if ((fr->more && (fr->len == 0 || fr->len % 8)) || end > SW_MAX_IP_DATAGRAM) {
		d->fl_bad = true;
		d->st.ip_frag_dropped++;
		return;
	}

	if (now - d->frag.last_sweep_ns >= SWEEP_NS || now < d->frag.last_sweep_ns)
		sweep(d, now);

	uint8_t key[FRAG_KEYLEN];
	memset(key, 0, sizeof key);
	size_t alen = fr->version == 4 ? 4 : 16;
	key[0] = fr->version;
	memcpy(key + 1, fr->src, alen);
	memcpy(key + 17, fr->dst, alen);
	key[33] = (uint8_t)(fr->id >> 24);
	key[34] = (uint8_t)(fr->id >> 16);
	key[35] = (uint8_t)(fr->id >> 8);
	key[36] = (uint8_t)fr->id;
	key[37] = fr->version == 4 ? fr->proto : 0;

	struct sw_frag_dgram *g = sw_map_get(&d->frag.map, key, sizeof key);
	if (g && expired(g, now)) {
		drop(d, g);
		g = NULL;
	}
	if (!g) {
		if (d->frag.map.count >= SW_MAX_FRAG_DATAGRAMS) {
			sweep(d, now);
			if (d->frag.map.count >= SW_MAX_FRAG_DATAGRAMS)
				evict_oldest(d);
		}
		g = sw_calloc(1, sizeof *g);
		memcpy(g->key, key, sizeof key);
		g->version = fr->version;
		g->proto = fr->proto;
		g->first_ts = now;
		g->first_frame = d->pkt.frame_no;
		sw_map_put(&d->frag.map, g->key, sizeof key, g);
	}
	g->seen++;
	uint32_t start = fr->offset, stop = (uint32_t)end;

	/* Overlaps with what is already there. */
	for (unsigned i = 0; i < g->n; i++) {
		uint32_t os = g->r[i].start > start ? g->r[i].start : start;
		uint32_t oe = g->r[i].end < stop ? g->r[i].end : stop;
		if (os >= oe)
			continue;
		bool same = memcmp(g->buf + os, fr->data + (os - start), oe - os) == 0;
		bool exact = g->r[i].start == start && g->r[i].end == stop;
		if (!same || (g->version == 6 && !exact)) {
			drop(d, g);
			return;
		}
		if (exact)
			return; /* duplicate */
	}
	if (!fr->more) {
		if ((g->have_total && g->total != stop)) {
			drop(d, g);
			return;
		}
		g->have_total = true;
		g->total = stop;
	}
	if (g->have_total) {
		bool beyond = stop > g->total;
		for (unsigned i = 0; i < g->n && !beyond; i++)
			beyond = g->r[i].end > g->total;
		if (beyond) {
			drop(d, g);
			return;
		}
	}
	if (g->n == SW_MAX_FRAGS_PER_DATAGRAM) {
		drop(d, g);
		return;
	}
	if (stop > g->cap) {
		size_t cap = g->cap ? g->cap : 2048;
		while (cap < stop)
			cap *= 2;
		if (cap > SW_MAX_IP_DATAGRAM)
			cap = SW_MAX_IP_DATAGRAM;
		g->buf = sw_realloc(g->buf, cap);
		g->cap = cap;
	}
	if (fr->len)
		memcpy(g->buf + start, fr->data, fr->len);
	g->r[g->n].start = start;
	g->r[g->n].end = stop;
	g->n++;
	if (start == 0)
		g->proto = fr->proto;
	if (!complete(g))
		return;

	/* Whole: deliver it as if it had arrived in this frame. */
	sw_map_take(&d->frag.map, g->key, sizeof key);
	d->st.ip_reassembled++;
	d->pkt.ip_reassembled = true;
	d->pkt.ip_frags = (uint16_t)g->n;
	d->pkt.first_frame_no = g->first_frame;
	sw_ip_payload(d, g->version, g->proto, g->buf, g->total, false, depth);
	dgram_free(g);
}

void sw_frag_finish(struct sw_decode *d)
{
	size_t pos = 0;
	const void *k;
	size_t kl;
	void *v;
	while (sw_map_next(&d->frag.map, &pos, &k, &kl, &v)) {
		struct sw_frag_dgram *g = v;
		d->st.incomplete++;
		drop(d, g);
	}
}
