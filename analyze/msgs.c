/* SPDX-License-Identifier: BSD-2-Clause */
/* Kept message records (struct sw_msg), stored compactly: a 48-byte record
 * per message in blocks of SW_MSG_CHUNK, with what seldom fits (IPv6 or no
 * address, a message reassembled from several frames, a frame number or
 * file offset past 2^48, the 255th input file on) in a wide record and the
 * kept text in a text record, each array made for a block only when one of
 * its messages needs it. sw_analyze_msg() unpacks a record into the caller's
 * struct sw_msg. In bounded mode the oldest block goes as a whole. */
#include "analyze/internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

enum {
	MR_REQUEST = 1,  /* is_request */
	MR_RETRANS = 2,  /* retrans */
	MR_CSEQ = 4,     /* cseq holds the CSeq (else -1) */
	MR_WIDE = 8,     /* addresses, frames, offset and file index are in the wide record */
};
#define MR_FILE_MAX 254u               /* file indexes the record holds itself */
#define MR_48_MAX ((UINT64_C(1) << 48) - 1) /* frame numbers and offsets it holds */

/* Not MR_WIDE: the message came whole in frame frame_lo | frame_hi << 32,
 * at offset off_lo | off_hi << 32, between two IPv4 addresses. */
struct msg_rec {
	int64_t ts_ns;
	uint8_t src4[4], dst4[4];
	uint32_t item;
	uint32_t cseq;
	uint32_t frame_lo, off_lo;
	uint16_t frame_hi, off_hi;
	uint16_t sport, dport;
	uint16_t label;      /* index in the label table */
	uint16_t status;
	uint8_t file_idx;    /* not MR_WIDE */
	uint8_t kind;        /* enum sw_msg_kind */
	uint8_t transport;   /* enum sw_transport */
	uint8_t flags;       /* MR_* */
};

struct msg_wide {
	struct sw_addr src, dst;
	uint64_t frame_no, first_frame_no, offset;
	uint32_t file_idx;
};

struct msg_raw {
	char *p; /* owned, NULL when none */
	uint32_t len;
};

struct sw_msg_chunk {
	struct msg_rec rec[SW_MSG_CHUNK];
	struct msg_wide *wide; /* SW_MSG_CHUNK of them, or NULL while none is needed */
	struct msg_raw *raw;   /* the same for the texts */
};

_Static_assert(sizeof(struct msg_rec) == 48, "a kept message costs 48 bytes");

static void free_chunk(struct sw_msg_chunk *c)
{
	if (!c)
		return;
	if (c->raw)
		for (size_t i = 0; i < SW_MSG_CHUNK; i++)
			free(c->raw[i].p);
	free(c->raw);
	free(c->wide);
	free(c);
}

void sw_an_msgs_free(struct sw_analyze *a)
{
	for (size_t i = 0; i < a->nchunks; i++)
		free_chunk(a->chunks[i]);
	free(a->chunks);
	a->chunks = NULL;
	a->nchunks = a->chunks_cap = 0;
}

/* Drop the oldest block of records while the rest still hold the bound;
 * their ids stay reserved. */
static void age_msgs(struct sw_analyze *a)
{
	size_t max = a->opts.max_messages;
	while (max && a->nchunks > 1 && a->next_msg_id - a->msgs_base - SW_MSG_CHUNK >= max) {
		free_chunk(a->chunks[0]);
		memmove(a->chunks, a->chunks + 1, (a->nchunks - 1) * sizeof *a->chunks);
		a->nchunks--;
		a->chunk0++;
		a->msgs_base += SW_MSG_CHUNK;
		a->st.msgs_aged_out += SW_MSG_CHUNK;
	}
}

/* The block of a kept id, or NULL. */
static struct sw_msg_chunk *chunk_of(const struct sw_analyze *a, uint32_t id)
{
	if (id == UINT32_MAX || id < a->msgs_base || id >= a->next_msg_id)
		return NULL;
	return a->chunks[id / SW_MSG_CHUNK - a->chunk0];
}

static struct msg_rec *rec_of(const struct sw_analyze *a, uint32_t id)
{
	struct sw_msg_chunk *c = chunk_of(a, id);
	return c ? &c->rec[id % SW_MSG_CHUNK] : NULL;
}

static bool is_ip4(const struct sw_addr *x)
{
	static const uint8_t zero[12];
	return x->family == 4 && memcmp(x->ip + 4, zero, sizeof zero) == 0;
}

uint32_t sw_an_msg_add(struct sw_analyze *a, const struct sw_pkt *p, enum sw_msg_kind kind,
		       const char *label, size_t label_len)
{
	if (a->next_msg_id == UINT32_MAX - 1)
		return UINT32_MAX;
	uint32_t id = a->next_msg_id;
	size_t ci = id / SW_MSG_CHUNK - a->chunk0;
	if (ci == a->nchunks) {
		if (a->nchunks == a->chunks_cap) {
			a->chunks_cap = a->chunks_cap ? a->chunks_cap * 2 : 64;
			a->chunks = sw_realloc(a->chunks, a->chunks_cap * sizeof *a->chunks);
		}
		a->chunks[a->nchunks++] = sw_calloc(1, sizeof **a->chunks);
	}
	struct sw_msg_chunk *c = a->chunks[ci];
	struct msg_rec *r = &c->rec[id % SW_MSG_CHUNK];
	a->next_msg_id++;
	memset(r, 0, sizeof *r);
	r->kind = (uint8_t)kind;
	r->transport = (uint8_t)p->transport;
	r->ts_ns = p->ts_ns;
	r->item = UINT32_MAX;
	r->label = sw_an_label_idx(a, label, label_len);
	r->sport = p->src.port;
	r->dport = p->dst.port;
	bool narrow = is_ip4(&p->src) && is_ip4(&p->dst) && p->file_idx <= MR_FILE_MAX &&
		      p->first_frame_no == p->frame_no && p->frame_no <= MR_48_MAX &&
		      p->offset <= MR_48_MAX;
	if (narrow) {
		memcpy(r->src4, p->src.ip, 4);
		memcpy(r->dst4, p->dst.ip, 4);
		r->frame_lo = (uint32_t)p->frame_no;
		r->frame_hi = (uint16_t)(p->frame_no >> 32);
		r->off_lo = (uint32_t)p->offset;
		r->off_hi = (uint16_t)(p->offset >> 32);
		r->file_idx = (uint8_t)p->file_idx;
	} else {
		if (!c->wide)
			c->wide = sw_calloc(SW_MSG_CHUNK, sizeof *c->wide);
		struct msg_wide *w = &c->wide[id % SW_MSG_CHUNK];
		w->src = p->src;
		w->dst = p->dst;
		w->frame_no = p->frame_no;
		w->first_frame_no = p->first_frame_no;
		w->offset = p->offset;
		w->file_idx = p->file_idx;
		r->flags |= MR_WIDE;
	}
	age_msgs(a);
	return id;
}

void sw_an_msg_set_sip(struct sw_analyze *a, uint32_t id, bool is_request, uint16_t status,
		       int64_t cseq)
{
	struct msg_rec *r = rec_of(a, id);
	if (!r)
		return;
	r->flags = (uint8_t)(r->flags & ~(MR_REQUEST | MR_CSEQ));
	if (is_request)
		r->flags |= MR_REQUEST;
	r->status = status;
	/* The decoder's CSeq is 32-bit or -1 (none); anything else is not kept. */
	if (cseq >= 0 && cseq <= UINT32_MAX) {
		r->cseq = (uint32_t)cseq;
		r->flags |= MR_CSEQ;
	}
}

void sw_an_msg_set_retrans(struct sw_analyze *a, uint32_t id, bool retrans)
{
	struct msg_rec *r = rec_of(a, id);
	if (!r)
		return;
	if (retrans)
		r->flags |= MR_RETRANS;
	else
		r->flags = (uint8_t)(r->flags & ~MR_RETRANS);
}

void sw_an_msg_set_raw(struct sw_analyze *a, uint32_t id, const char *p, size_t n)
{
	struct sw_msg_chunk *c = chunk_of(a, id);
	if (!c || n > UINT32_MAX)
		return;
	if (!c->raw)
		c->raw = sw_calloc(SW_MSG_CHUNK, sizeof *c->raw);
	struct msg_raw *x = &c->raw[id % SW_MSG_CHUNK];
	free(x->p);
	x->p = sw_strndup(p, n);
	x->len = (uint32_t)n;
}

bool sw_an_msg_set_item(struct sw_analyze *a, uint32_t id, uint32_t item)
{
	struct msg_rec *r = rec_of(a, id);
	if (!r)
		return false;
	r->item = item;
	return true;
}

const struct sw_msg *sw_analyze_msg(const struct sw_analyze *a, uint32_t id, struct sw_msg *out)
{
	struct sw_msg_chunk *c = chunk_of(a, id);
	if (!c)
		return NULL;
	size_t i = id % SW_MSG_CHUNK;
	const struct msg_rec *r = &c->rec[i];
	memset(out, 0, sizeof *out);
	out->id = id;
	out->ts_ns = r->ts_ns;
	out->cseq = (r->flags & MR_CSEQ) ? (int64_t)r->cseq : -1;
	out->label = sw_an_label_at(a, r->label);
	out->item = r->item;
	out->status = r->status;
	out->kind = r->kind;
	out->transport = r->transport;
	out->is_request = r->flags & MR_REQUEST;
	out->retrans = r->flags & MR_RETRANS;
	if (r->flags & MR_WIDE) {
		const struct msg_wide *w = &c->wide[i];
		out->src = w->src;
		out->dst = w->dst;
		out->frame_no = w->frame_no;
		out->first_frame_no = w->first_frame_no;
		out->offset = w->offset;
		out->file_idx = w->file_idx;
	} else {
		out->src.family = 4;
		memcpy(out->src.ip, r->src4, 4);
		out->dst.family = 4;
		memcpy(out->dst.ip, r->dst4, 4);
		out->frame_no = (uint64_t)r->frame_hi << 32 | r->frame_lo;
		out->first_frame_no = out->frame_no;
		out->offset = (uint64_t)r->off_hi << 32 | r->off_lo;
		out->file_idx = r->file_idx;
	}
	out->src.port = r->sport;
	out->dst.port = r->dport;
	if (c->raw && c->raw[i].p) {
		out->raw = c->raw[i].p;
		out->raw_len = c->raw[i].len;
	}
	return out;
}

size_t sw_analyze_nmsgs(const struct sw_analyze *a)
{
	return a->next_msg_id;
}
