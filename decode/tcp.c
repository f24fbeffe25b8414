/* SPDX-License-Identifier: BSD-2-Clause */
/* TCP (RFC 9293 section 3.1) for SIP: per-direction streams keyed by the
 * 4-tuple, in-order delivery with out-of-order segments held and
 * retransmitted bytes trimmed (serial arithmetic on 32-bit sequence numbers,
 * RFC 1982), gaps left by the capture skipped with a resynchronisation at the
 * next SIP start line, and SIP framing by Content-Length (RFC 3261 section
 * 18.3) with CRLF keepalives between messages (RFC 5626 section 3.5.1).
 * TLS streams on SIP ports are counted, not decoded. Also reports SYN,
 * SYN-ACK, RST and FIN on every TCP segment. */
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "decode/internal.h"

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10

static inline int32_t seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static void stream_free(void *v)
{
	struct sw_tcp_stream *s = v;
	if (!s)
		return;
	free(s->buf);
	free(s->marks);
	for (size_t i = 0; i < s->n_ooo; i++)
		free(s->ooo[i].data);
	free(s->ws_msg);
	free(s);
}

void sw_tcp_init(struct sw_tcp_table *t)
{
	sw_map_init(&t->map, stream_free);
	t->lru_head = t->lru_tail = NULL;
}

void sw_tcp_free(struct sw_tcp_table *t)
{
	sw_map_free(&t->map);
	t->lru_head = t->lru_tail = NULL;
}

static void lru_unlink(struct sw_tcp_table *t, struct sw_tcp_stream *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		t->lru_head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	else
		t->lru_tail = s->prev;
	s->prev = s->next = NULL;
}

static void lru_append(struct sw_tcp_table *t, struct sw_tcp_stream *s)
{
	s->prev = t->lru_tail;
	s->next = NULL;
	if (t->lru_tail)
		t->lru_tail->next = s;
	else
		t->lru_head = s;
	t->lru_tail = s;
}

static void make_key(const struct sw_addr *src, const struct sw_addr *dst, uint8_t k[SW_TCP_KEYLEN])
{
	k[0] = src->family;
	memcpy(k + 1, src->ip, 16);
	memcpy(k + 17, dst->ip, 16);
	k[33] = (uint8_t)(src->port >> 8);
	k[34] = (uint8_t)src->port;
	k[35] = (uint8_t)(dst->port >> 8);
	k[36] = (uint8_t)dst->port;
}

static void reverse_key(const uint8_t k[SW_TCP_KEYLEN], uint8_t r[SW_TCP_KEYLEN])
{
	r[0] = k[0];
	memcpy(r + 1, k + 17, 16);
	memcpy(r + 17, k + 1, 16);
	memcpy(r + 33, k + 35, 2);
	memcpy(r + 35, k + 33, 2);
}

/* Bytes buffered but never completed as a message. */
static bool holds_partial(const struct sw_tcp_stream *s)
{
	if (s->state == SW_TS_IGNORE || s->resync || s->len == 0)
		return false;
	return sw_sip_crlf_run((const char *)s->buf, s->len) < s->len;
}

/* Heap bytes a direction holds: its buffer, frame marks, held segments and
 * WebSocket message (SW_MAX_TCP_TOTAL counts these). */
static size_t footprint(const struct sw_tcp_stream *s)
{
	size_t n = s->cap + s->ws_cap + s->cap_marks * sizeof s->marks[0];
	for (size_t i = 0; i < s->n_ooo; i++)
		n += s->ooo[i].len;
	return n;
}

static void stream_remove(struct sw_decode *d, struct sw_tcp_stream *s)
{
	size_t fp = footprint(s);
	d->tcp.bytes = d->tcp.bytes > fp ? d->tcp.bytes - fp : 0;
	lru_unlink(&d->tcp, s);
	sw_map_take(&d->tcp.map, s->key, SW_TCP_KEYLEN);
	stream_free(s);
}

static struct sw_tcp_stream *stream_new(struct sw_decode *d, const uint8_t key[SW_TCP_KEYLEN],
                                        enum sw_tcp_state state)
{
	if (d->tcp.map.count >= SW_MAX_TCP_STREAMS && d->tcp.lru_head) {
		/* Full: the longest idle direction makes room. */
		d->st.limit_drops++;
		stream_remove(d, d->tcp.lru_head);
	}
	struct sw_tcp_stream *s = sw_calloc(1, sizeof *s);
	memcpy(s->key, key, SW_TCP_KEYLEN);
	s->state = state;
	s->last = d->pkt;
	s->last_ts = d->pkt.ts_ns;
	sw_map_put(&d->tcp.map, s->key, SW_TCP_KEYLEN, s);
	lru_append(&d->tcp, s);
	return s;
}

static void reset_buffers(struct sw_tcp_stream *s)
{
	s->base += s->len;
	s->len = 0;
	s->n_marks = 0;
	s->need = 0;
	s->skip = 0;
	s->ws_active = false;
	s->ws_len = 0;
	s->ws_frags = 0;
}

static void clear_ooo(struct sw_tcp_stream *s)
{
	for (size_t i = 0; i < s->n_ooo; i++)
		free(s->ooo[i].data);
	s->n_ooo = 0;
}

void sw_tcp_span(const struct sw_tcp_stream *s, size_t off, size_t n, uint64_t *first,
                 unsigned *nseg)
{
	uint64_t a = s->base + off, b = a + n, prev = 0;
	*first = s->last.frame_no;
	*nseg = 0;
	bool found = false;
	for (size_t i = 0; i < s->n_marks; i++) {
		const struct sw_tcp_mark *m = &s->marks[i];
		if (m->end > a && prev < b) {
			if (!found)
				*first = m->frame_no;
			found = true;
			(*nseg)++;
		}
		prev = m->end;
	}
	if (!*nseg)
		*nseg = 1;
}

/* Drop the first off bytes of the buffer (already delivered or skipped). */
static void compact(struct sw_tcp_stream *s, size_t off)
{
	if (!off)
		return;
	if (off < s->len)
		memmove(s->buf, s->buf + off, s->len - off);
	s->len -= off;
	s->base += off;
	size_t k = 0;
	while (k < s->n_marks && s->marks[k].end <= s->base)
		k++;
	if (k) {
		memmove(s->marks, s->marks + k, (s->n_marks - k) * sizeof s->marks[0]);
		s->n_marks -= k;
	}
}

/* Append in-order bytes; false when the buffer limit was hit. */
static bool append(struct sw_decode *d, struct sw_tcp_stream *s, const uint8_t *p, size_t n,
                   uint64_t frame_no)
{
	if (!n)
		return true;
	if (s->len + n > SW_MAX_TCP_BUF) {
		d->st.tcp_dropped++;
		reset_buffers(s);
		s->resync = true;
		if (n > SW_MAX_TCP_BUF) {
			s->base += n;
			return false;
		}
	}
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 2048;
		while (cap < s->len + n)
			cap *= 2;
		s->buf = sw_realloc(s->buf, cap);
		s->cap = cap;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	uint64_t end = s->base + s->len;
	if (s->n_marks && s->marks[s->n_marks - 1].frame_no == frame_no) {
		s->marks[s->n_marks - 1].end = end;
	} else {
		if (s->n_marks == s->cap_marks) {
			s->cap_marks = s->cap_marks ? s->cap_marks * 2 : 8;
			s->marks = sw_realloc(s->marks, s->cap_marks * sizeof s->marks[0]);
		}
		s->marks[s->n_marks].end = end;
		s->marks[s->n_marks].frame_no = frame_no;
		s->n_marks++;
	}
	return true;
}

void sw_tcp_emit(struct sw_decode *d, struct sw_tcp_stream *s, const char *p, size_t n,
                 uint64_t first, unsigned nseg)
{
	struct sw_pkt save = d->pkt;
	d->pkt = s->last;
	d->pkt.transport = s->state == SW_TS_WS ? SW_TP_WS : SW_TP_TCP;
	d->pkt.first_frame_no = first;
	size_t cr = sw_sip_crlf_run(p, n);
	if (cr && cr == n) {
		struct sw_ev ev;
		memset(&ev, 0, sizeof ev);
		ev.type = SW_EV_KEEPALIVE;
		ev.pkt = d->pkt;
		ev.pkt.payload_len = (uint32_t)n;
		ev.u.keepalive.kind = n >= 4 ? SW_KA_CRLF_PING : SW_KA_CRLF_PONG;
		ev.u.keepalive.len = (uint32_t)n;
		sw_dec_emit(d, &ev);
	} else if (sw_sip_looks_like(p, n)) {
		if (nseg > 1)
			d->st.tcp_reassembled++;
		sw_dec_sip(d, p, n, NULL);
	}
	d->pkt = save;
}

/* Find a SIP start line at a line start of b[0..n) (position 0 counts). */
static bool find_start(const char *b, size_t n, size_t *at)
{
	size_t i = 0;
	while (i < n) {
		if (sw_sip_looks_like(b + i, n - i)) {
			*at = i;
			return true;
		}
		const char *nl = memchr(b + i, '\n', n - i);
		if (!nl)
			break;
		i = (size_t)(nl - b) + 1;
	}
	return false;
}

static size_t sip_process(struct sw_decode *d, struct sw_tcp_stream *s)
{
	size_t off = 0;
	while (off < s->len) {
		const char *b = (const char *)s->buf + off;
		size_t n = s->len - off;
		if (s->skip) {
			size_t k = s->skip < n ? (size_t)s->skip : n;
			s->skip -= k;
			off += k;
			continue;
		}
		if (s->resync) {
			size_t at;
			if (find_start(b, n, &at)) {
				off += at;
				s->resync = false;
				continue;
			}
			/* Keep only a partial last line: it may become a start line. */
			size_t keep = 0;
			while (keep < n && keep < SW_MAX_RESYNC_LINE && b[n - 1 - keep] != '\n')
				keep++;
			if (keep == SW_MAX_RESYNC_LINE)
				keep = 0;
			off += n - keep;
			break;
		}
		size_t cr = sw_sip_crlf_run(b, n);
		if (cr) {
			uint64_t first;
			unsigned nseg;
			sw_tcp_span(s, off, cr, &first, &nseg);
			sw_tcp_emit(d, s, b, cr, first, nseg);
			off += cr;
			continue;
		}
		if (s->need && n < s->need)
			break;
		size_t hl;
		int64_t cl;
		long fl = sw_sip_frame_scan(b, n, &hl, &cl);
		if (fl > 0) {
			uint64_t first;
			unsigned nseg;
			sw_tcp_span(s, off, (size_t)fl, &first, &nseg);
			sw_tcp_emit(d, s, b, (size_t)fl, first, nseg);
			off += (size_t)fl;
			s->need = 0;
			continue;
		}
		if (fl == 0) {
			if (hl)
				s->need = hl + (size_t)(cl > 0 ? cl : 0);
			break;
		}
		s->need = 0;
		if (fl == -2) {
			d->st.sip_oversize++;
			if (hl && cl >= 0) {
				s->skip = hl + (uint64_t)cl; /* skip exactly this message */
				continue;
			}
		}
		/* Not a message start: skip this line, look for the next start. */
		const char *nl = memchr(b, '\n', n);
		off += nl ? (size_t)(nl - b) + 1 : n;
		s->resync = true;
	}
	return off;
}

static struct sw_tcp_stream *reverse_stream(struct sw_decode *d, const struct sw_tcp_stream *s)
{
	uint8_t r[SW_TCP_KEYLEN];
	reverse_key(s->key, r);
	return sw_map_get(&d->tcp.map, r, SW_TCP_KEYLEN);
}

static size_t http_process(struct sw_decode *d, struct sw_tcp_stream *s)
{
	size_t hl = sw_http_header_len(s->buf, s->len);
	if (!hl) {
		if (s->len > SW_MAX_HTTP_HDR)
			s->state = SW_TS_IGNORE;
		return s->len > SW_MAX_HTTP_HDR ? s->len : 0;
	}
	if (!s->client) {
		/* RFC 6455 section 4.2.2: "HTTP/1.1 101" accepts the upgrade. */
		static const char ok[] = "HTTP/1.1 101";
		if (s->len < sizeof ok - 1 || memcmp(s->buf, ok, sizeof ok - 1) != 0) {
			s->state = SW_TS_IGNORE;
			struct sw_tcp_stream *r = reverse_stream(d, s);
			if (r)
				r->state = SW_TS_IGNORE;
			return s->len;
		}
	}
	s->state = SW_TS_WS;
	return hl;
}

static void process(struct sw_decode *d, struct sw_tcp_stream *s)
{
	for (;;) {
		size_t off;
		enum sw_tcp_state st = s->state;
		switch (st) {
		case SW_TS_SIP:
			off = sip_process(d, s);
			break;
		case SW_TS_HTTP:
			off = http_process(d, s);
			break;
		case SW_TS_WS:
			off = sw_ws_process(d, s);
			break;
		default:
			off = s->len;
			break;
		}
		compact(s, off);
		if (s->state == st || !s->len)
			return;
	}
}

/* Move held segments that are now in order into the buffer. */
static void drain_ooo(struct sw_decode *d, struct sw_tcp_stream *s)
{
	while (s->n_ooo) {
		struct sw_tcp_ooo *o = &s->ooo[0];
		int32_t diff = seq_diff(o->seq, s->next_seq);
		if (diff > 0)
			return;
		uint32_t dup = (uint32_t)-diff;
		if (dup >= o->len) {
			d->st.tcp_retrans++;
		} else {
			if (dup)
				d->st.tcp_retrans++;
			append(d, s, o->data + dup, o->len - dup, o->frame_no);
			s->next_seq += o->len - dup;
		}
		free(o->data);
		memmove(s->ooo, s->ooo + 1, (s->n_ooo - 1) * sizeof s->ooo[0]);
		s->n_ooo--;
	}
}

/* The bytes before the first held segment were lost by the capture: count
 * them, drop the partial message and resynchronise after the hole. */
static void skip_gap(struct sw_decode *d, struct sw_tcp_stream *s)
{
	if (!s->n_ooo)
		return;
	d->st.tcp_gaps += (uint32_t)seq_diff(s->ooo[0].seq, s->next_seq);
	reset_buffers(s);
	s->resync = s->state == SW_TS_SIP;
	s->next_seq = s->ooo[0].seq;
	drain_ooo(d, s);
}

static void hold(struct sw_decode *d, struct sw_tcp_stream *s, uint32_t seq, const uint8_t *p,
                 size_t n)
{
	size_t i = 0;
	int32_t rel = seq_diff(seq, s->next_seq);
	while (i < s->n_ooo && seq_diff(s->ooo[i].seq, s->next_seq) < rel)
		i++;
	if (i < s->n_ooo && s->ooo[i].seq == seq) {
		d->st.tcp_retrans++;
		if (s->ooo[i].len >= n)
			return;
		free(s->ooo[i].data);
	} else {
		memmove(s->ooo + i + 1, s->ooo + i, (s->n_ooo - i) * sizeof s->ooo[0]);
		s->n_ooo++;
	}
	s->ooo[i].seq = seq;
	s->ooo[i].len = (uint32_t)n;
	s->ooo[i].data = sw_malloc(n);
	memcpy(s->ooo[i].data, p, n);
	s->ooo[i].frame_no = d->pkt.frame_no;
}

static bool is_tls_record(const uint8_t *p, size_t n)
{
	return n >= 3 && p[0] == 0x16 && p[1] == 0x03 && p[2] <= 0x04;
}

/* Count a direction carrying TLS once; from now on it is ignored. */
static void mark_tls(struct sw_decode *d, struct sw_tcp_stream *s)
{
	d->st.tls++;
	s->state = SW_TS_IGNORE;
	s->decided = true;
	reset_buffers(s);
}

/* First payload of a direction: what is it? Returns false when it is not
 * worth a stream. */
static bool classify(struct sw_decode *d, struct sw_tcp_stream **sp, const uint8_t key[],
                     const uint8_t *p, size_t n, bool sip_port, bool tls_port)
{
	struct sw_tcp_stream *s = *sp;
	const char *c = (const char *)p;
	enum sw_tcp_state st;
	bool tls = false, ws = false;
	if (sw_sip_looks_like(c, n))
		st = SW_TS_SIP;
	else if (is_tls_record(p, n) && (sip_port || tls_port))
		tls = true;
	else if (sw_ws_is_upgrade(p, n))
		ws = true;
	else if (tls_port)
		tls = true; /* port 5061 and not SIP text: encrypted SIP */
	else if (sip_port)
		st = SW_TS_SIP;
	else
		return false;
	if (!s)
		s = *sp = stream_new(d, key, SW_TS_SIP);
	s->decided = true;
	s->resync = true; /* the start line is found at 0 when it is there */
	if (tls) {
		mark_tls(d, s);
		return true;
	}
	uint8_t rk[SW_TCP_KEYLEN];
	reverse_key(s->key, rk);
	struct sw_tcp_stream *r = sw_map_get(&d->tcp.map, rk, SW_TCP_KEYLEN);
	if (ws) {
		s->state = SW_TS_HTTP;
		s->client = true;
		if (!r)
			r = stream_new(d, rk, SW_TS_HTTP);
		r->state = SW_TS_HTTP;
		r->client = false;
		r->decided = true;
		return true;
	}
	s->state = st;
	if (!r) {
		/* The other direction of a SIP connection carries SIP too. */
		r = stream_new(d, rk, SW_TS_SIP);
		r->resync = true;
	}
	r->decided = true;
	return true;
}

static void emit_flag(struct sw_decode *d, enum sw_tcp_flag_event what)
{
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.type = SW_EV_TCP;
	ev.pkt = d->pkt;
	ev.u.tcp.what = what;
	sw_dec_emit(d, &ev);
}

static void expire_idle(struct sw_decode *d, const struct sw_tcp_stream *keep)
{
	int64_t now = d->pkt.ts_ns;
	while (d->tcp.lru_head && d->tcp.lru_head != keep &&
	       now - d->tcp.lru_head->last_ts > SW_TCP_IDLE_NS) {
		if (holds_partial(d->tcp.lru_head))
			d->st.incomplete++;
		stream_remove(d, d->tcp.lru_head);
	}
}

/* A segment whose end is missing from the capture: deliver what is
 * complete, report a cut message, skip the missing bytes. */
static void cut_segment(struct sw_decode *d, struct sw_tcp_stream *s, size_t missing)
{
	if (s->state == SW_TS_SIP && !s->resync && !s->skip && s->len) {
		size_t cr = sw_sip_crlf_run((const char *)s->buf, s->len);
		const char *b = (const char *)s->buf + cr;
		if (sw_sip_looks_like(b, s->len - cr)) {
			struct sw_pkt save = d->pkt;
			d->pkt.transport = SW_TP_TCP;
			sw_tcp_span(s, cr, s->len - cr, &d->pkt.first_frame_no, &(unsigned){0});
			sw_dec_sip(d, b, s->len - cr, SW_REASON_CUT);
			d->pkt = save;
		}
	}
	d->st.tcp_gaps += missing;
	s->next_seq += (uint32_t)missing;
	reset_buffers(s);
	s->resync = s->state == SW_TS_SIP;
	drain_ooo(d, s);
	process(d, s);
}

/* Bytes at seq that do not start in the future: trim what was seen before,
 * append the rest, deliver. missing: bytes the capture cut off the end. */
static void in_order(struct sw_decode *d, struct sw_tcp_stream *s, uint32_t seq, const uint8_t *p,
                     size_t n, size_t missing)
{
	uint32_t dup = s->next_seq - seq;
	if (dup)
		d->st.tcp_retrans++;
	if (dup < n) {
		append(d, s, p + dup, n - dup, d->pkt.frame_no);
		s->next_seq += (uint32_t)(n - dup);
	}
	uint64_t declared = (uint64_t)n + missing;
	if (missing && dup < declared) {
		process(d, s);
		cut_segment(d, s, (size_t)(declared - (dup > n ? dup : n)));
		return;
	}
	drain_ooo(d, s);
	process(d, s);
}

/* Over SW_MAX_TCP_TOTAL: drop the longest idle directions (never `keep`,
 * the one just used), as when the table of streams is full. Without this
 * every direction may hold its own limits at once: 4096 times several
 * hundred kilobytes, from traffic anyone can send to port 5060. */
static void enforce_total(struct sw_decode *d, const struct sw_tcp_stream *keep)
{
	while (d->tcp.bytes > SW_MAX_TCP_TOTAL && d->tcp.lru_head && d->tcp.lru_head != keep) {
		d->st.limit_drops++;
		if (holds_partial(d->tcp.lru_head))
			d->st.incomplete++;
		stream_remove(d, d->tcp.lru_head);
	}
}

void sw_tcp_decode(struct sw_decode *d, const uint8_t *p, size_t len, bool cut)
{
	if (len < 20) {
		if (cut)
			d->fl_trunc = true;
		else
			d->fl_bad = true;
		return;
	}
	size_t doff = (size_t)(p[12] >> 4) * 4;
	if (doff < 20) {
		d->fl_bad = true;
		return;
	}
	if (doff > len) {
		if (cut)
			d->fl_trunc = true;
		else
			d->fl_bad = true;
		return;
	}
	uint8_t flags = p[13];
	uint32_t seq = sw_rd32(p + 4);
	d->pkt.src.port = sw_rd16(p);
	d->pkt.dst.port = sw_rd16(p + 2);
	d->pkt.transport = SW_TP_TCP;
	const uint8_t *pl = p + doff;
	size_t plen = len - doff;
	d->pkt.payload_len = (uint32_t)plen;

	if (flags & TH_SYN)
		emit_flag(d, (flags & TH_ACK) ? SW_TCP_SYNACK : SW_TCP_SYN);

	uint8_t key[SW_TCP_KEYLEN];
	make_key(&d->pkt.src, &d->pkt.dst, key);
	struct sw_tcp_stream *s = sw_map_get(&d->tcp.map, key, SW_TCP_KEYLEN);
	expire_idle(d, s);
	/* What s holds now; the change is added to the total below (a stream
	 * created here starts empty). */
	size_t held = s ? footprint(s) : 0;
	if (s && d->tcp.lru_tail != s) {
		/* Most recent from now on: creating its reverse direction below
		 * (classify) may evict the least recently used stream when the
		 * table is full, and that must not be s. */
		lru_unlink(&d->tcp, s);
		lru_append(&d->tcp, s);
	}
	bool sip_port =
	    sw_dec_is_sip_port(d, d->pkt.src.port) || sw_dec_is_sip_port(d, d->pkt.dst.port);
	bool tls_port = d->pkt.src.port == 5061 || d->pkt.dst.port == 5061;

	if (!s && (flags & TH_SYN) && sip_port)
		s = stream_new(d, key, SW_TS_SIP); /* decided by its first payload */
	if (s && (flags & TH_SYN)) {
		if (s->have_seq && s->next_seq != seq + 1) {
			/* A new connection on the same 4-tuple. */
			reset_buffers(s);
			clear_ooo(s);
		}
		s->have_seq = true;
		s->next_seq = seq + 1;
	}
	if (flags & TH_SYN)
		seq++; /* data after a SYN (RFC 7413) starts at ISN + 1 */
	if (plen && (!s || !s->decided)) {
		if (!classify(d, &s, key, pl, plen, sip_port, tls_port) && s) {
			s->decided = true; /* SYN on a SIP port: keep it as SIP */
			s->resync = true;
		}
	}
	if (s) {
		if (d->tcp.lru_tail != s) {
			lru_unlink(&d->tcp, s);
			lru_append(&d->tcp, s);
		}
		s->last_ts = d->pkt.ts_ns;
		s->last = d->pkt;
		d->fl_used = true;
	}
	if (s && plen && s->state != SW_TS_IGNORE) {
		d->st.tcp_segments++;
		if (!s->have_seq) {
			/* Capture started mid-stream: this segment sets the origin. */
			s->have_seq = true;
			s->next_seq = seq;
		}
		int32_t diff = seq_diff(seq, s->next_seq);
		if (diff > 0 && cut) {
			d->st.tcp_dropped++; /* out of order and cut: the hole stays */
		} else if (diff > 0) {
			while (diff > 0 && s->n_ooo == SW_MAX_TCP_OOO) {
				skip_gap(d, s);
				process(d, s);
				diff = seq_diff(seq, s->next_seq);
			}
			if (diff > 0)
				hold(d, s, seq, pl, plen);
			else
				in_order(d, s, seq, pl, plen, 0);
		} else {
			in_order(d, s, seq, pl, plen, cut ? d->ip_missing : 0);
		}
	}

	if (s) {
		size_t now = footprint(s);
		d->tcp.bytes = d->tcp.bytes >= held ? d->tcp.bytes - held + now : now;
		enforce_total(d, s);
	}

	if (flags & TH_RST)
		emit_flag(d, SW_TCP_RST);
	if (flags & TH_FIN)
		emit_flag(d, SW_TCP_FIN);
	if (s && (flags & TH_RST)) {
		if (holds_partial(s))
			d->st.incomplete++;
		stream_remove(d, s);
	}
}

void sw_tcp_finish(struct sw_decode *d)
{
	while (d->tcp.lru_head) {
		struct sw_tcp_stream *s = d->tcp.lru_head;
		struct sw_pkt save = d->pkt;
		d->pkt = s->last;
		while (s->n_ooo) {
			skip_gap(d, s);
			process(d, s);
		}
		if (holds_partial(s))
			d->st.incomplete++;
		d->pkt = save;
		stream_remove(d, s);
	}
}
