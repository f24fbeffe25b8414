/* SPDX-License-Identifier: BSD-2-Clause */
/* Two captures of one path in the interactive view (analyze/pair.h): the
 * list's summary line, the ladder's marks for messages the path changed or
 * lost, one line about a message's other copy, and the "both sides" screen:
 * a message as the phone side and the server side captured it, side by side
 * (or interleaved on request), with the lines the path changed highlighted
 * on both sides. Lines are aligned on the differences the matcher located
 * and on identical lines (longest common subsequence); header forms and
 * folding: RFC 3261 sections 7.3.1 and 7.3.3, SDP lines: RFC 4566. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/pair.h"
#include "common/mem.h"
#include "common/timefmt.h"
#include "tui/tui_int.h"
#include "view/ladder.h"

#define PAIR_LCS_MAX_CELLS (1u << 20) /* bigger messages are aligned line by line */
#define PAIR_SUMMARY_ROWS 2           /* rows of the summary above the two sides */

/* ---- lookups ------------------------------------------------------------------ */

struct pentry {
	const struct sw_pair_match *m;
	const struct sw_pair_loss *l;
};

const struct sw_pair *tui_pair(const struct tui *t)
{
	if (t->src->live)
		return NULL;
	const struct sw_pair *p = sw_analyze_pair(t->an);
	if (!p)
		return NULL;
	const struct sw_pair_summary *s = sw_pair_summary(p);
	return s && s->status == SW_PAIR_PAIRED ? p : NULL;
}

static struct pentry lookup(const struct sw_pair *p, const struct sw_msg *m)
{
	struct pentry e = {NULL, NULL};
	if (!p || !m || m->kind != SW_MSG_SIP)
		return e;
	const struct sw_pair_match *x = sw_pair_match_of_msg(p, m->id);
	if (x && (x->copy[0].msg_id == m->id || x->copy[1].msg_id == m->id)) {
		e.m = x;
		return e;
	}
	const struct sw_pair_loss *l = sw_pair_loss_of_frame(p, m->file_idx, m->frame_no);
	if (l && (l->copy.msg_id == m->id || l->copy.msg_id == UINT32_MAX))
		e.l = l;
	return e;
}

/* The same for message id (its record unpacked here). */
static struct pentry lookup_id(const struct tui *t, const struct sw_pair *p, uint32_t id)
{
	struct sw_msg rec;
	return lookup(p, sw_analyze_msg(t->an, id, &rec));
}

enum tui_pmark tui_pair_mark(const struct tui *t, const struct sw_msg *m)
{
	/* The ladder layout's verdict (view/ladder.h: the same values). */
	return (enum tui_pmark)sw_ladder_pair_mark(tui_pair(t), m);
}

/* "alg.pcap:#5" (the base name, escaped when the title was split). */
static void put_frame(const struct tui *t, struct sw_buf *b, uint32_t file_idx, uint64_t frame)
{
	if (file_idx < t->nfiles)
		sw_buf_puts(b, t->files[file_idx]);
	else
		sw_buf_printf(b, "%u", file_idx + 1);
	sw_buf_printf(b, ":#%llu", (unsigned long long)frame);
}

static double secs(int64_t ns)
{
	return (double)ns / (double)SW_NS_PER_SEC;
}

/* "left the server at 18:42:40.748821, never reached the phone" */
static void put_loss(const struct tui *t, struct sw_buf *b, const struct sw_pair_loss *l)
{
	char ts[SW_TIMESTRLEN];
	sw_time_hms(l->copy.ts_ns, ts);
	sw_buf_printf(b,
	              l->side == SW_SIDE_SERVER
	                  ? tui_tr(t, "left the server at %s, never reached the phone")
	                  : tui_tr(t, "left the phone at %s, never reached the server"),
	              ts);
}

bool tui_pair_summary(struct tui *t, struct sw_buf *b, enum tui_role *role)
{
	if (t->src->live)
		return false;
	const struct sw_pair *p = sw_analyze_pair(t->an);
	if (!p)
		return false;
	const struct sw_pair_summary *s = sw_pair_summary(p);
	*role = TR_DIM;
	switch (s->status) {
	case SW_PAIR_PENDING:
		sw_buf_puts(b, tui_tr(t, "Two captures: compared once both are read"));
		return true;
	case SW_PAIR_UNRELATED:
		sw_buf_printf(b,
		              tui_tr(t, "Two captures, not two views of one path (%s): shown "
		                        "merged"),
		              s->reason ? tui_tr(t, s->reason) : "-");
		return true;
	case SW_PAIR_IDENTICAL:
		sw_buf_puts(b, tui_tr(t, "Two captures of the same packets: shown merged"));
		return true;
	case SW_PAIR_PAIRED:
		break;
	}
	uint32_t lost = s->lost[SW_DIR_TO_PHONE] + s->lost[SW_DIR_TO_SERVER];
	*role = lost ? TR_ERROR : s->changed ? TR_WARNING : TR_OK;
	sw_buf_printf(b,
	              tui_tr(t, "Path: %u lost to the phone, %u lost to the server, %u changed, %u "
	                        "on both sides; clock offset %+.6f s"),
	              s->lost[SW_DIR_TO_PHONE], s->lost[SW_DIR_TO_SERVER], s->changed, s->matched,
	              secs(s->offset.offset_ns));
	sw_buf_puts(b, "; ");
	sw_buf_printf(b, tui_tr(t, "phone: %s"),
	              s->file[SW_SIDE_PHONE] < t->nfiles ? t->files[s->file[SW_SIDE_PHONE]] : "?");
	sw_buf_puts(b, " (");
	if (s->confidence == SW_CONF_GIVEN)
		sw_buf_puts(b, tui_tr(t, "roles given with --sides"));
	else if (s->confidence == SW_CONF_NONE)
		sw_buf_puts(b, tui_tr(t, "roles assumed: use --sides"));
	else
		sw_buf_printf(b, tui_tr(t, "roles detected, %s confidence"),
		              tui_tr(t, sw_pair_confidence_name(s->confidence)));
	sw_buf_puts(b, ")");
	return true;
}

bool tui_pair_describe(struct tui *t, const struct sw_msg *m, struct sw_buf *b, enum tui_role *role)
{
	const struct sw_pair *p = tui_pair(t);
	if (!p || !m || m->kind != SW_MSG_SIP)
		return false;
	struct pentry e = lookup(p, m);
	if (e.l) {
		*role = TR_ERROR;
		sw_buf_printf(b, "%s ", tui_tr(t, "Lost on the way:"));
		put_loss(t, b, e.l);
		sw_buf_printf(b, " (%s)", tui_tr(t, "d: both sides"));
		return true;
	}
	if (!e.m) {
		*role = TR_DIM;
		sw_buf_puts(b, tui_tr(t, "Not seen in the other capture (outside its time span, "
		                         "or not between the phone and the server)"));
		return true;
	}
	int other = e.m->copy[SW_SIDE_PHONE].msg_id == m->id ? SW_SIDE_SERVER : SW_SIDE_PHONE;
	const struct sw_pair_copy *c = &e.m->copy[other];
	struct sw_buf f = SW_BUF_INIT;
	put_frame(t, &f, c->file_idx, c->frame_no);
	sw_buf_printf(b,
	              other == SW_SIDE_SERVER
	                  ? tui_tr(t, "Also on the server side: %s, transit %.3f ms")
	                  : tui_tr(t, "Also on the phone side: %s, transit %.3f ms"),
	              f.p, secs(e.m->transit_ns) * 1e3);
	sw_buf_free(&f);
	sw_buf_puts(b, "; ");
	if (e.m->rewrites) {
		*role = TR_WARNING;
		sw_buf_printf(b, tui_trn(t, "the path changed %u line", "the path changed %u lines",
		                         e.m->rewrites),
		              e.m->rewrites);
	} else {
		*role = TR_OK;
		sw_buf_puts(b, e.m->compared ? tui_tr(t, "unchanged by the path")
		                             : tui_tr(t, "not compared (too long)"));
	}
	sw_buf_printf(b, " (%s)", tui_tr(t, "d: both sides"));
	return true;
}

/* ---- one side's text, cut into lines ---------------------------------------------- */

enum rk {
	RK_PLAIN = 0,
	RK_START,   /* the start line */
	RK_NAT,     /* a difference of class nat (Via received/rport) */
	RK_REWRITE, /* a line the path rewrote */
	RK_NOTE,    /* our own text: why a side is empty */
	RK_LOST,    /* our own text: the message never arrived */
};

struct pline {
	size_t off, len; /* in the side's text, without the line end */
	uint8_t kind;    /* enum rk */
	long partner;    /* the other side's line the same difference is on, or -1 */
};

struct side {
	struct sw_buf own; /* text re-read through the raw callback */
	const char *p;
	size_t len;
	bool exact; /* the pair's own copy: difference offsets refer to it */
	struct pline *ln;
	size_t n;
};

static void side_text(struct tui *t, const struct sw_pair_copy *c, struct side *sd)
{
	if (c->text && !c->text_cut) {
		sd->p = c->text;
		sd->len = c->text_len;
		sd->exact = true;
		return;
	}
	/* Not kept for the comparison, or cut: the whole message if the
	 * analysis or the capture file still has it. */
	struct sw_msg m_rec;
	const struct sw_msg *m = c->msg_id != UINT32_MAX ? sw_analyze_msg(t->an, c->msg_id, &m_rec) : NULL;
	int rc = -1;
	if (m && t->src->raw)
		rc = t->src->raw(t->src->ctx, m, &sd->own);
	else if (m && m->raw) {
		sw_buf_put(&sd->own, m->raw, m->raw_len);
		rc = 0;
	}
	if (rc == 0 && sd->own.len) {
		sd->p = sd->own.p;
		sd->len = sd->own.len;
	} else if (c->text) {
		sd->p = c->text;
		sd->len = c->text_len;
		sd->exact = true;
	}
}

static void split_lines(struct side *sd)
{
	size_t cap = 0;
	const char *p = sd->p, *end = sd->p + sd->len;
	while (p && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *next = eol ? eol + 1 : end;
		const char *le = eol ? eol : end;
		if (le > p && le[-1] == '\r')
			le--;
		if (sd->n == cap) {
			cap = cap ? cap * 2 : 64;
			sd->ln = sw_realloc(sd->ln, cap * sizeof *sd->ln);
		}
		sd->ln[sd->n++] = (struct pline){.off = (size_t)(p - sd->p),
		                                 .len = (size_t)(le - p),
		                                 .kind = sd->n == 0 ? RK_START : RK_PLAIN,
		                                 .partner = -1};
		p = next;
	}
}

/* Index of the line holding byte off, or -1. */
static long line_at(const struct side *sd, size_t off)
{
	size_t lo = 0, hi = sd->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sd->ln[mid].off <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? (long)lo - 1 : -1;
}

/* Marks the lines each difference covers on each side, and links the first
 * line of a difference on one side with its first line on the other. */
static void mark_diffs(const struct sw_pair_match *m, struct side sd[2])
{
	for (size_t i = 0; i < m->n_diffs; i++) {
		const struct sw_pair_diff *d = &m->diffs[i];
		long first[2] = {-1, -1};
		for (int s = 0; s < 2; s++) {
			if (!sd[s].exact || !d->len[s] || d->off[s] >= sd[s].len)
				continue;
			size_t a = d->off[s], b = a + d->len[s];
			for (long k = line_at(&sd[s], a); k >= 0 && (size_t)k < sd[s].n; k++) {
				struct pline *pl = &sd[s].ln[k];
				if (pl->off >= b)
					break;
				if (first[s] < 0)
					first[s] = k;
				if (d->cls == SW_DIFF_REWRITE)
					pl->kind = RK_REWRITE;
				else if (pl->kind != RK_REWRITE)
					pl->kind = RK_NAT;
			}
		}
		if (first[0] >= 0 && first[1] >= 0 && sd[0].ln[first[0]].partner < 0)
			sd[0].ln[first[0]].partner = first[1];
	}
}

static bool changed(uint8_t k)
{
	return k == RK_REWRITE || k == RK_NAT;
}

static bool lines_eq(const struct side sd[2], size_t i, size_t j)
{
	const struct pline *a = &sd[0].ln[i], *b = &sd[1].ln[j];
	if (a->partner >= 0)
		return (size_t)a->partner == j;
	if (changed(a->kind) || changed(b->kind) || a->len != b->len)
		return false;
	return memcmp(sd[0].p + a->off, sd[1].p + b->off, a->len) == 0;
}

/* ---- alignment ------------------------------------------------------------------ */

struct apair {
	long l, r; /* line on each side, -1 for none */
};

struct aligned {
	struct apair *v;
	size_t n, cap;
	long *gl, *gr; /* lines of the current gap on each side */
	size_t ngl, ngr;
};

static void apush(struct aligned *a, long l, long r)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = sw_realloc(a->v, a->cap * sizeof *a->v);
	}
	a->v[a->n++] = (struct apair){l, r};
}

/* The lines between two anchors go side by side in their order. */
static void flush_gap(struct aligned *a)
{
	size_t k = a->ngl > a->ngr ? a->ngl : a->ngr;
	for (size_t i = 0; i < k; i++)
		apush(a, i < a->ngl ? a->gl[i] : -1, i < a->ngr ? a->gr[i] : -1);
	a->ngl = a->ngr = 0;
}

static void align(const struct side sd[2], struct aligned *a)
{
	size_t n = sd[0].n, m = sd[1].n;
	a->gl = sw_malloc((n ? n : 1) * sizeof *a->gl);
	a->gr = sw_malloc((m ? m : 1) * sizeof *a->gr);
	if ((uint64_t)(n + 1) * (m + 1) > PAIR_LCS_MAX_CELLS) {
		for (size_t i = 0; i < n; i++)
			a->gl[a->ngl++] = (long)i;
		for (size_t j = 0; j < m; j++)
			a->gr[a->ngr++] = (long)j;
		flush_gap(a);
		return;
	}
	/* dp[i][j]: longest common subsequence of lines i.. and j.. (values
	 * fit: min(n, m) is at most the square root of the cell limit). */
	size_t w = m + 1;
	uint16_t *dp = sw_calloc((n + 1) * w, sizeof *dp);
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;) {
			uint16_t v;
			if (lines_eq(sd, i, j))
				v = (uint16_t)(dp[(i + 1) * w + j + 1] + 1);
			else {
				uint16_t x = dp[(i + 1) * w + j], y = dp[i * w + j + 1];
				v = x > y ? x : y;
			}
			dp[i * w + j] = v;
		}
	size_t i = 0, j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && lines_eq(sd, i, j) &&
		    dp[i * w + j] == dp[(i + 1) * w + j + 1] + 1) {
			flush_gap(a);
			apush(a, (long)i++, (long)j++);
		} else if (j == m || (i < n && dp[(i + 1) * w + j] >= dp[i * w + j + 1])) {
			a->gl[a->ngl++] = (long)i++;
		} else {
			a->gr[a->ngr++] = (long)j++;
		}
	}
	flush_gap(a);
	free(dp);
}

/* ---- rows on the screen --------------------------------------------------------- */

struct prow {
	char *text[2];   /* escaped, one screen row each; NULL: nothing on that side */
	uint8_t kind[2]; /* enum rk */
	char side;       /* interleaved layout: 'P', 'S', or ' ' for both */
	uint32_t src;    /* the aligned line pair it shows (keeps the place on resize) */
};

struct rows {
	struct prow *v;
	size_t n, cap;
};

static struct prow *rpush(struct rows *r)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = sw_realloc(r->v, r->cap * sizeof *r->v);
	}
	struct prow *x = &r->v[r->n++];
	memset(x, 0, sizeof *x);
	return x;
}

static void rows_clear(struct rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].text[0]);
		free(r->v[i].text[1]);
	}
	free(r->v);
	memset(r, 0, sizeof *r);
}

struct pieces {
	char **v;
	size_t n, cap;
};

static void piece_emit(void *u, const char *s, size_t len)
{
	struct pieces *p = u;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 8;
		p->v = sw_realloc(p->v, p->cap * sizeof *p->v);
	}
	p->v[p->n++] = sw_strndup(s, len);
}

/* Escapes and wraps text (wire bytes when wire, else our own) to w columns. */
static void cut(const char *s, size_t len, bool wire, int w, struct pieces *out)
{
	struct sw_buf b = SW_BUF_INIT;
	if (wire)
		tui_wire_line(&b, s, len);
	else
		sw_buf_put(&b, s, len);
	tui_wrap(b.p ? b.p : "", b.len, w, !wire, piece_emit, out);
	sw_buf_free(&b);
}

/* One side's content at aligned position: a line of the text or a note. */
struct cell {
	const char *s;
	size_t len;
	bool wire;
	uint8_t kind;
	bool present;
};

static struct cell cell_of(const struct side *sd, long k)
{
	struct cell c = {0};
	if (k < 0)
		return c;
	const struct pline *pl = &sd->ln[k];
	c.s = sd->p + pl->off;
	c.len = pl->len;
	c.wire = true;
	c.kind = pl->kind;
	c.present = true;
	return c;
}

/* Side by side: each cell wrapped to its half, the row as tall as the
 * taller of the two. */
static void emit_side_by_side(struct rows *r, const struct cell c[2], int w, uint32_t src)
{
	struct pieces p[2] = {{0}, {0}};
	for (int s = 0; s < 2; s++)
		if (c[s].present)
			cut(c[s].s, c[s].len, c[s].wire, w, &p[s]);
	size_t h = p[0].n > p[1].n ? p[0].n : p[1].n;
	for (size_t i = 0; i < h; i++) {
		struct prow *x = rpush(r);
		for (int s = 0; s < 2; s++) {
			if (!c[s].present)
				continue;
			/* Below a shorter cell: blank, unmarked. */
			x->text[s] = i < p[s].n ? p[s].v[i] : sw_strdup("");
			x->kind[s] = i < p[s].n ? c[s].kind : RK_PLAIN;
		}
		x->side = ' ';
		x->src = src;
	}
	for (int s = 0; s < 2; s++) {
		for (size_t i = h; i < p[s].n; i++)
			free(p[s].v[i]);
		free(p[s].v);
	}
}

static void emit_one(struct rows *r, const struct cell *c, char side, int w, uint32_t src)
{
	struct pieces p = {0};
	cut(c->s, c->len, c->wire, w, &p);
	for (size_t i = 0; i < p.n; i++) {
		struct prow *x = rpush(r);
		x->text[0] = p.v[i];
		x->kind[0] = c->kind;
		x->side = side;
		x->src = src;
	}
	free(p.v);
}

/* Interleaved: a line both sides have alike once, a changed line as the
 * phone side's then the server side's. */
static void emit_interleaved(struct rows *r, const struct cell c[2], int w, uint32_t src)
{
	if (c[0].present && c[1].present && !changed(c[0].kind) && !changed(c[1].kind) &&
	    c[0].wire == c[1].wire && c[0].len == c[1].len &&
	    memcmp(c[0].s, c[1].s, c[0].len) == 0) {
		emit_one(r, &c[0], ' ', w, src);
		return;
	}
	for (int s = 0; s < 2; s++)
		if (c[s].present)
			emit_one(r, &c[s], s == SW_SIDE_PHONE ? 'P' : 'S', w, src);
}

/* ---- the screen ------------------------------------------------------------------ */

struct pair_view {
	struct tui_view base;
	uint32_t *ids;
	size_t n, cur;
	bool interleaved;
	struct rows rows;
	size_t top;
	int page;
	int built_w;
	size_t built_cur;
	uint64_t built_gen;
	bool built_il;
};

static struct pair_view *PV(struct tui_view *v)
{
	return (struct pair_view *)v;
}

static struct pentry cur_entry(struct tui *t, const struct pair_view *pv)
{
	return lookup_id(t, tui_pair(t), pv->ids[pv->cur]);
}

/* Notes for the side a lost message never reached. */
static void loss_notes(struct tui *t, const struct sw_pair_loss *l, struct sw_buf notes[4],
                       size_t *nn)
{
	char ts[SW_TIMESTRLEN];
	size_t k = 0;
	sw_buf_puts(&notes[k++], tui_tr(t, "LOST ON THE WAY: not in this capture."));
	put_loss(t, &notes[k++], l);
	sw_buf_printf(&notes[k++], tui_tr(t, "It was due here at about %s (this capture's clock)."),
	              sw_time_hms(l->expected_ns, ts));
	*nn = k;
}

static void build(struct tui *t, struct pair_view *pv, int cols)
{
	rows_clear(&pv->rows);
	pv->built_w = cols;
	pv->built_cur = pv->cur;
	pv->built_gen = t->gen;
	pv->built_il = pv->interleaved;
	struct pentry e = cur_entry(t, pv);
	int half = (cols - 1) / 2;
	int w = pv->interleaved ? cols - 4 : half - 2;
	if (w < 4)
		w = 4;
	struct side sd[2];
	memset(sd, 0, sizeof sd);
	if (e.m) {
		for (int s = 0; s < 2; s++) {
			side_text(t, &e.m->copy[s], &sd[s]);
			split_lines(&sd[s]);
		}
		if (e.m->compared)
			mark_diffs(e.m, sd);
	} else if (e.l) {
		side_text(t, &e.l->copy, &sd[e.l->side]);
		split_lines(&sd[e.l->side]);
	}
	/* A side without text says why. */
	struct sw_buf notes[2][4];
	size_t nn[2] = {0, 0};
	memset(notes, 0, sizeof notes);
	for (int s = 0; s < 2; s++) {
		if (e.l && e.l->side != s) {
			loss_notes(t, e.l, notes[s], &nn[s]);
		} else if (!sd[s].n) {
			sw_buf_puts(&notes[s][0],
			            tui_tr(t, "(the text of this message is not available)"));
			nn[s] = 1;
		} else if (e.m && e.m->copy[s].text_cut && !sd[s].own.len) {
			sw_buf_puts(&notes[s][0],
			            tui_tr(t, "(cut: longer than the part kept for comparing)"));
			nn[s] = 1;
		}
	}
	/* The notes of an empty side stand beside the other side's first
	 * lines (interleaved: before them). */
	struct aligned a = {0};
	align(sd, &a);
	size_t used[2] = {0, 0};
	for (int s = 0; s < 2 && pv->interleaved; s++)
		for (; used[s] < nn[s]; used[s]++) {
			struct cell c = {.s = notes[s][used[s]].p,
			                 .len = notes[s][used[s]].len,
			                 .kind = e.l ? RK_LOST : RK_NOTE,
			                 .present = true};
			emit_one(&pv->rows, &c, s == SW_SIDE_PHONE ? 'P' : 'S', w, 0);
		}
	for (size_t i = 0; i < a.n || used[0] < nn[0] || used[1] < nn[1]; i++) {
		struct cell c[2] = {{0}, {0}};
		if (i < a.n) {
			c[0] = cell_of(&sd[0], a.v[i].l);
			c[1] = cell_of(&sd[1], a.v[i].r);
		}
		for (int s = 0; s < 2; s++) {
			if (c[s].present || used[s] >= nn[s] || (sd[s].n && i < a.n))
				continue;
			struct sw_buf *nb = &notes[s][used[s]++];
			c[s] = (struct cell){.s = nb->p,
			                     .len = nb->len,
			                     .wire = false,
			                     .kind = e.l ? RK_LOST : RK_NOTE,
			                     .present = true};
		}
		if (pv->interleaved)
			emit_interleaved(&pv->rows, c, w, (uint32_t)i);
		else
			emit_side_by_side(&pv->rows, c, w, (uint32_t)i);
	}
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < 4; i++)
			sw_buf_free(&notes[s][i]);
	free(a.v);
	free(a.gl);
	free(a.gr);
	for (int s = 0; s < 2; s++) {
		free(sd[s].ln);
		sw_buf_free(&sd[s].own);
	}
}

/* Role and address line of one side's copy, or of the side it never reached. */
static void side_header(struct tui *t, const struct pentry *e, int s, struct sw_buf *h1,
                        struct sw_buf *h2)
{
	const struct sw_pair_summary *sum = sw_pair_summary(tui_pair(t));
	const struct sw_pair_copy *c = NULL;
	if (e->m)
		c = &e->m->copy[s];
	else if (e->l && e->l->side == s)
		c = &e->l->copy;
	sw_buf_printf(h1, "%s  ", s == SW_SIDE_PHONE ? tui_tr(t, "phone") : tui_tr(t, "server"));
	char ts[SW_TIMESTRLEN], a1[SW_ADDRSTRLEN], a2[SW_ADDRSTRLEN];
	if (c) {
		put_frame(t, h1, c->file_idx, c->frame_no);
		sw_buf_printf(h1, "  %s", sw_time_hms(c->ts_ns, ts));
		sw_buf_printf(h2, "%s -> %s", sw_addr_fmt(&c->src, a1), sw_addr_fmt(&c->dst, a2));
	} else {
		uint32_t f = sum->file[s];
		sw_buf_puts(h1, f < t->nfiles ? t->files[f] : "?");
		if (e->l)
			sw_buf_printf(h2, tui_tr(t, "never arrived (due %s)"),
			              sw_time_hms(e->l->expected_ns, ts));
	}
}

static void draw_header(struct tui *t, struct pair_view *pv, const struct pentry *e, int *y)
{
	int cols = COLS;
	const struct sw_pair_summary *sum = sw_pair_summary(tui_pair(t));
	struct sw_buf b = SW_BUF_INIT;
	enum tui_role role = TR_OK;
	const char *label = e->m ? e->m->label : e->l ? e->l->label : NULL;
	int64_t cseq = e->m ? e->m->cseq : e->l ? e->l->cseq : -1;
	uint8_t dir = e->m ? e->m->dir : e->l ? e->l->dir : 0;
	tui_wire_c(&b, label ? label : "?");
	if (cseq >= 0)
		sw_buf_printf(&b, " (CSeq %lld)", (long long)cseq);
	sw_buf_printf(&b, ", %s: ",
	              dir == SW_DIR_TO_SERVER ? tui_tr(t, "phone -> server")
	                                      : tui_tr(t, "server -> phone"));
	if (e->m) {
		sw_buf_printf(&b, tui_tr(t, "transit %.3f ms"), secs(e->m->transit_ns) * 1e3);
		if (sum->offset.one_direction)
			sw_buf_puts(&b, tui_tr(t, " (not measurable: one direction only)"));
		sw_buf_puts(&b, "; ");
		if (e->m->rewrites) {
			role = TR_WARNING;
			sw_buf_printf(&b,
			              tui_trn(t, "the path changed %u line",
			                      "the path changed %u lines", e->m->rewrites),
			              e->m->rewrites);
		} else if (e->m->n_diffs) {
			sw_buf_puts(&b, tui_tr(t, "only Via received/rport differ"));
		} else {
			sw_buf_puts(&b, e->m->compared ? tui_tr(t, "unchanged by the path")
			                               : tui_tr(t, "not compared (too long)"));
		}
	} else if (e->l) {
		role = TR_ERROR;
		sw_buf_printf(&b, "%s ", tui_tr(t, "LOST:"));
		put_loss(t, &b, e->l);
	}
	sw_buf_puts(&b, "; ");
	sw_buf_printf(&b, tui_tr(t, "clock offset %+.6f s (server minus phone)"),
	              secs(sum->offset.offset_ns));
	struct pieces p = {0};
	tui_wrap(b.p, b.len, cols - 2, true, piece_emit, &p);
	for (size_t i = 0; i < p.n; i++) {
		if (i < PAIR_SUMMARY_ROWS)
			tui_text(t, (*y)++, 1, cols - 2, p.v[i], tui_a(t, role));
		free(p.v[i]);
	}
	free(p.v);
	sw_buf_free(&b);
	/* The two sides' headings. */
	struct sw_buf h[2][2] = {{SW_BUF_INIT, SW_BUF_INIT}, {SW_BUF_INIT, SW_BUF_INIT}};
	for (int s = 0; s < 2; s++)
		side_header(t, e, s, &h[s][0], &h[s][1]);
	attr_t ha = tui_a(t, TR_HEADER);
	if (pv->interleaved) {
		for (int s = 0; s < 2; s++) {
			tui_fill(*y, 0, cols, ha);
			sw_buf_reset(&b);
			sw_buf_printf(&b, "%c  %s  %s", s == SW_SIDE_PHONE ? 'P' : 'S',
			              h[s][0].p ? h[s][0].p : "", h[s][1].p ? h[s][1].p : "");
			tui_text(t, (*y)++, 1, cols - 2, b.p, ha);
		}
	} else {
		int half = (cols - 1) / 2;
		for (int r = 0; r < 2; r++) {
			tui_fill(*y, 0, cols, ha);
			for (int s = 0; s < 2; s++) {
				int x = s ? half + 1 : 0, wd = s ? cols - half - 1 : half;
				const char *txt = h[s][r].p ? h[s][r].p : "";
				tui_text(t, *y, x + 2, wd - 2, txt, ha | (r == 0 ? A_BOLD : 0));
			}
			attrset(ha);
			mvaddch(*y, half, ACS_VLINE);
			attrset(A_NORMAL);
			(*y)++;
		}
	}
	sw_buf_free(&b);
	for (int s = 0; s < 2; s++) {
		sw_buf_free(&h[s][0]);
		sw_buf_free(&h[s][1]);
	}
}

static attr_t kind_attr(struct tui *t, uint8_t k)
{
	switch (k) {
	case RK_START:
		return tui_a(t, TR_HNAME);
	case RK_NAT:
		return tui_a(t, TR_INFO);
	case RK_REWRITE:
		return tui_a(t, TR_HIGHLIGHT);
	case RK_NOTE:
		return tui_a(t, TR_DIM);
	case RK_LOST:
		return tui_a(t, TR_ERROR);
	}
	return A_NORMAL;
}

/* The gutter mark: '*' a rewritten line, '~' only Via received/rport,
 * '!' the side a lost message never reached. */
static const char *kind_mark(uint8_t k)
{
	return k == RK_REWRITE ? "*" : k == RK_NAT ? "~" : k == RK_LOST ? "!" : "";
}

static void draw_cell(struct tui *t, int y, int x, int w, const char *s, uint8_t k)
{
	attr_t a = kind_attr(t, k);
	if (k == RK_REWRITE)
		tui_fill(y, x, w, a);
	tui_text(t, y, x, 1, kind_mark(k), a | A_BOLD);
	tui_text(t, y, x + 2, w - 2, s, a);
}

static void pair_draw(struct tui *t, struct tui_view *v)
{
	struct pair_view *pv = PV(v);
	int cols = COLS, rows = LINES;
	struct pentry e = cur_entry(t, pv);
	struct sw_msg m_rec;
	const struct sw_msg *m = sw_analyze_msg(t->an, pv->ids[pv->cur], &m_rec);
	struct sw_buf b = SW_BUF_INIT;
	sw_buf_printf(&b, "%s: ", tui_tr(t, "Both sides"));
	sw_tr_label(t->cat, m ? m->label : "?", &b);
	tui_draw_title(t, b.p);
	sw_buf_free(&b);
	if (!e.m && !e.l) {
		tui_text(t, 2, 2, cols - 4,
		         tui_tr(t, "This message was not seen in the other capture."), A_NORMAL);
		tui_draw_status(t, rows - 2);
		tui_draw_keybar(t, v->scr->hints);
		return;
	}
	if (pv->built_w != cols || pv->built_cur != pv->cur || pv->built_gen != t->gen ||
	    pv->built_il != pv->interleaved) {
		bool same = pv->built_cur == pv->cur && pv->built_il == pv->interleaved;
		/* Same message, other width: keep the line at the top (or the end). */
		size_t h0 = pv->page > 0 ? (size_t)pv->page : 1;
		bool at_end = pv->rows.n > h0 && pv->top + h0 >= pv->rows.n;
		uint32_t anchor = pv->top < pv->rows.n ? pv->rows.v[pv->top].src : 0;
		build(t, pv, cols);
		pv->top = 0;
		if (same && at_end)
			pv->top = SIZE_MAX; /* clamped below */
		else if (same)
			while (pv->top + 1 < pv->rows.n && pv->rows.v[pv->top].src < anchor)
				pv->top++;
	}
	int y = 1;
	draw_header(t, pv, &e, &y);
	int h = rows - 2 - y;
	if (h < 1)
		h = 1;
	pv->page = h;
	size_t max = pv->rows.n > (size_t)h ? pv->rows.n - (size_t)h : 0;
	if (pv->top > max)
		pv->top = max;
	int half = (cols - 1) / 2;
	for (int r = 0; r < h && y + r < rows - 2; r++) {
		size_t i = pv->top + (size_t)r;
		if (!pv->interleaved) {
			attrset(A_NORMAL);
			mvaddch(y + r, half, ACS_VLINE);
		}
		if (i >= pv->rows.n)
			continue;
		const struct prow *x = &pv->rows.v[i];
		if (pv->interleaved) {
			char sl[2] = {x->side, '\0'};
			tui_text(t, y + r, 0, 1, sl, A_BOLD);
			draw_cell(t, y + r, 1, cols - 1, x->text[0], x->kind[0]);
			continue;
		}
		for (int s = 0; s < 2; s++) {
			if (!x->text[s])
				continue;
			int cx = s ? half + 1 : 0, cw = s ? cols - half - 1 : half;
			draw_cell(t, y + r, cx, cw, x->text[s], x->kind[s]);
		}
	}
	tui_draw_status(t, rows - 2);
	tui_draw_keybar(t, v->scr->hints);
}

static bool same_entry(const struct pentry *a, const struct pentry *b)
{
	return a->m == b->m && a->l == b->l;
}

/* To the previous / next message of the list with another entry in the pair
 * (and, with notable, one the path changed or lost). */
static bool step(struct tui *t, struct pair_view *pv, int dir, bool notable)
{
	const struct sw_pair *p = tui_pair(t);
	struct pentry e0 = cur_entry(t, pv);
	for (size_t i = pv->cur; dir > 0 ? i + 1 < pv->n : i > 0;) {
		i = dir > 0 ? i + 1 : i - 1;
		struct pentry e = lookup_id(t, p, pv->ids[i]);
		if ((!e.m && !e.l) || same_entry(&e, &e0))
			continue;
		if (notable && !e.l && !e.m->rewrites)
			continue;
		pv->cur = i;
		return true;
	}
	return false;
}

static bool pair_key(struct tui *t, struct tui_view *v, int k)
{
	struct pair_view *pv = PV(v);
	switch (k) {
	case TK(KEY_LEFT):
	case 'h':
		step(t, pv, -1, false);
		return true;
	case TK(KEY_RIGHT):
	case 'l':
		step(t, pv, 1, false);
		return true;
	case 'n':
		if (!step(t, pv, 1, true))
			tui_note(t, "%s",
			         tui_tr(t, "No further message changed or lost on the way"));
		return true;
	case 'p':
		if (!step(t, pv, -1, true))
			tui_note(t, "%s",
			         tui_tr(t, "No earlier message changed or lost on the way"));
		return true;
	case 'v':
	case 'V':
		pv->interleaved = !pv->interleaved;
		return true;
	case TK(KEY_F(2)):
	case 's':
	case 'S': {
		struct pentry e = cur_entry(t, pv);
		uint32_t ids[2];
		size_t n = 0;
		if (e.m) {
			const struct sw_pair_copy *c = e.m->copy;
			/* Capture order, so the file reads naturally. */
			int first = c[0].ts_ns <= c[1].ts_ns ? 0 : 1;
			for (int s = 0; s < 2; s++)
				if (c[s ^ first].msg_id != UINT32_MAX)
					ids[n++] = c[s ^ first].msg_id;
		} else if (e.l && e.l->copy.msg_id != UINT32_MAX) {
			ids[n++] = e.l->copy.msg_id;
		}
		if (n)
			tui_save_ask(t, ids, n);
		return true;
	}
	}
	if (tui_scroll_key(k, &pv->top, pv->rows.n, pv->page))
		return true;
	return false;
}

static void pair_destroy(struct tui_view *v)
{
	struct pair_view *pv = PV(v);
	rows_clear(&pv->rows);
	free(pv->ids);
	free(pv);
}

static const char *const pair_hints[] = {
    N_("Esc\tBack"),        N_("Left/Right\tPrev/Next"),
    N_("n/p\tNext change"), N_("v\tLayout"),
    N_("F1\tHelp"),         NULL,
};

static const char *const pair_help[] = {
    N_("Left | right\tThe phone side's copy | the server side's"),
    N_("*  highlighted\tA line the path rewrote (Via, Contact, SDP ...)"),
    N_("~\tOnly what NAT traversal changes (Via received/rport)"),
    N_("!\tThe side a lost message never reached"),
    N_("Up/Down, PgUp/PgDn\tScroll"),
    N_("Left/Right, h/l\tPrevious / next message seen on both sides or lost"),
    N_("n / p\tNext / previous message the path changed or lost"),
    N_("v\tSide by side or interleaved (P: phone, S: server)"),
    N_("F2, s\tSave: both copies (pcap, pcapng with findings, text or HTML), or the whole capture"),
    N_("Esc, q\tBack"),
    NULL,
};

static const struct tui_screen pair_screen = {
    .name = "pair",
    .draw = pair_draw,
    .key = pair_key,
    .destroy = pair_destroy,
    .help_title = N_("Both sides (two captures)"),
    .help = pair_help,
    .hints = pair_hints,
};

void tui_pair_open(struct tui *t, const uint32_t *ids, size_t n, size_t cur)
{
	if (!n || cur >= n)
		return;
	const struct sw_pair *p = t->src->live ? NULL : sw_analyze_pair(t->an);
	const struct sw_pair_summary *s = p ? sw_pair_summary(p) : NULL;
	const char *why = NULL;
	if (!p)
		why = tui_tr(t, "Both sides need two captures of one path: sipwatch -r phone.pcap "
		                "-r server.pcap");
	else if (s->status == SW_PAIR_PENDING)
		why = tui_tr(t, "The two captures are compared once both are read");
	else if (s->status != SW_PAIR_PAIRED)
		why = tui_tr(t, "The two captures are not two views of one path");
	else {
		struct pentry e = lookup_id(t, p, ids[cur]);
		if (!e.m && !e.l)
			why = tui_tr(t, "This message was not seen in the other capture.");
	}
	if (why) {
		tui_note(t, "%s", why);
		return;
	}
	struct pair_view *pv = sw_calloc(1, sizeof *pv);
	pv->base.scr = &pair_screen;
	pv->ids = sw_malloc(n * sizeof *ids);
	memcpy(pv->ids, ids, n * sizeof *ids);
	pv->n = n;
	pv->cur = cur;
	pv->built_w = -1;
	tui_push(t, &pv->base);
}
