/* SPDX-License-Identifier: BSD-2-Clause */
/* Message screen: the text of one message as it was on the wire, escaped
 * (control bytes appear as \xNN, never reach the terminal), with the headers
 * that a finding about this message points at highlighted and marked with
 * '>' in the gutter. Left/Right step through the ladder's messages; with two
 * captures, d shows the message as both sides captured it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/timefmt.h"
#include "tui/tui_int.h"

#define MSG_MAX_FINDINGS 16u /* findings consulted for one message */

struct message_view {
	struct tui_view base;
	uint32_t *ids;
	size_t n, cur;
	size_t top;
	struct tui_lines lines;
	int built_w;
	size_t built_cur;
	uint64_t built_gen;
	int page;
};

static struct message_view *MV(struct tui_view *v)
{
	return (struct message_view *)v;
}

static void add_finding_lines(struct tui *t, const struct sw_finding *f, int w,
                              struct tui_lines *out)
{
	struct sw_buf b = SW_BUF_INIT;
	sw_buf_printf(&b, "[%s] %s", tui_sev_letter(f->severity), sw_kind_name(f->kind));
	if (sw_finding_cause(f)[0])
		sw_buf_printf(&b, " (%s)", sw_finding_cause(f));
	sw_buf_puts(&b, ": ");
	char *summary = sw_finding_summary(t->an, f);
	tui_wire_c(&b, summary);
	free(summary);
	tui_lines_wrap(out, b.p, b.len, w, true, tui_sev_role(f->severity), false, "    ");
	const char *hl = tui_hl_headers(f->kind, f->cause);
	if (hl) {
		sw_buf_reset(&b);
		sw_buf_printf(&b, "    %s ", tui_tr(t, "points at:"));
		for (const char *p = hl; *p; p++) {
			if (*p == '|')
				sw_buf_puts(&b, ", ");
			else if (strncmp(p, TUI_HL_START, strlen(TUI_HL_START)) == 0) {
				sw_buf_puts(&b, tui_tr(t, "start line"));
				p += strlen(TUI_HL_START) - 1;
			} else
				sw_buf_putc(&b, *p);
		}
		tui_lines_wrap(out, b.p, b.len, w, true, TR_DIM, false, "    ");
	}
	sw_buf_free(&b);
}

void tui_msg_lines(struct tui *t, const struct sw_msg *m, int w, bool full, struct tui_lines *out)
{
	uint32_t fids[MSG_MAX_FINDINGS];
	size_t nf = tui_msg_findings(t, m, fids, MSG_MAX_FINDINGS);
	if (nf > MSG_MAX_FINDINGS)
		nf = MSG_MAX_FINDINGS;
	struct sw_buf b = SW_BUF_INIT;
	if (full) {
		char ts[SW_TIMESTRLEN], s1[SW_ADDRSTRLEN], s2[SW_ADDRSTRLEN];
		sw_buf_printf(&b, "%s  %s -> %s  %s  ", sw_time_iso(m->ts_ns, ts),
		              sw_addr_fmt(&m->src, s1), sw_addr_fmt(&m->dst, s2),
		              sw_transport_name((enum sw_transport)m->transport));
		sw_buf_printf(&b, tui_tr(t, "frame %llu"), (unsigned long long)m->frame_no);
		tui_put_file(t, &b, m->file_idx);
		if (m->first_frame_no && m->first_frame_no != m->frame_no)
			sw_buf_printf(&b, tui_tr(t, " (from frame %llu)"),
			              (unsigned long long)m->first_frame_no);
		if (m->retrans)
			sw_buf_puts(&b, tui_tr(t, " (retransmission)"));
		tui_lines_wrap(out, b.p, b.len, w, true, TR_HNAME, false, "  ");
		/* Two captures: where the other copy is, or that it never arrived. */
		sw_buf_reset(&b);
		enum tui_role pr;
		if (tui_pair_describe(t, m, &b, &pr))
			tui_lines_wrap(out, b.p, b.len, w, true, pr, false, "  ");
		for (size_t i = 0; i < nf; i++)
			add_finding_lines(t, sw_analyze_finding(t->an, fids[i]), w, out);
		tui_lines_add(out, "", 0, TR_NORMAL, false);
	}
	sw_buf_reset(&b);
	int rc = -1;
	if (t->src->raw)
		rc = t->src->raw(t->src->ctx, m, &b);
	else if (m->raw) {
		sw_buf_put(&b, m->raw, m->raw_len);
		rc = 0;
	}
	if (rc < 0 || !b.len) {
		struct sw_buf x = SW_BUF_INIT;
		sw_tr_label(t->cat, m->label, &x);
		tui_lines_add(out, x.p, x.len, TR_HNAME, false);
		sw_buf_free(&x);
		const char *why = tui_tr(t, "(the text of this message is not available)");
		tui_lines_add(out, why, strlen(why), TR_DIM, false);
		sw_buf_free(&b);
		return;
	}
	if (m->kind == SW_MSG_ICMP) {
		const char *q = tui_tr(t, "The packet this ICMP error quotes:");
		tui_lines_add(out, q, strlen(q), TR_ICMP, false);
	}
	/* Walk the lines: start line, headers (with folded continuations),
	 * then the body, which is never highlighted. */
	struct sw_buf e = SW_BUF_INIT;
	const char *p = b.p, *end = b.p + b.len;
	bool in_body = false, prev_mark = false;
	size_t lineno = 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *next = eol ? eol + 1 : end;
		if (!eol)
			eol = end;
		const char *le = eol;
		if (le > p && le[-1] == '\r')
			le--;
		size_t len = (size_t)(le - p);
		bool mark = false;
		enum tui_role role = TR_NORMAL;
		if (!in_body) {
			if (len == 0 && lineno > 0) {
				in_body = true;
			} else if (lineno == 0) {
				for (size_t i = 0; i < nf; i++) {
					const struct sw_finding *f =
					    sw_analyze_finding(t->an, fids[i]);
					mark |= tui_hl_match(f->kind, f->cause, TUI_HL_START,
					                     strlen(TUI_HL_START));
				}
				role = TR_HNAME;
			} else if (p[0] == ' ' || p[0] == '\t') {
				mark = prev_mark; /* folded header line (RFC 3261 7.3.1) */
			} else {
				const char *colon = memchr(p, ':', len);
				size_t nl = colon ? (size_t)(colon - p) : 0;
				while (nl && (p[nl - 1] == ' ' || p[nl - 1] == '\t'))
					nl--;
				for (size_t i = 0; i < nf && nl; i++) {
					const struct sw_finding *f =
					    sw_analyze_finding(t->an, fids[i]);
					mark |= tui_hl_match(f->kind, f->cause, p, nl);
				}
			}
			prev_mark = mark;
		}
		sw_buf_reset(&e);
		tui_wire_line(&e, p, len);
		tui_lines_wrap(out, e.p, e.len, w, false, role, mark, NULL);
		lineno++;
		p = next;
	}
	sw_buf_free(&e);
	sw_buf_free(&b);
}

static void build(struct tui *t, struct message_view *mv, int w)
{
	tui_lines_clear(&mv->lines);
	struct sw_msg m_rec;
	const struct sw_msg *m = sw_analyze_msg(t->an, mv->ids[mv->cur], &m_rec);
	if (m) {
		tui_msg_lines(t, m, w, true, &mv->lines);
	} else {
		const char *s = tui_tr(t, "(this message is no longer kept: see --max-messages)");
		tui_lines_add(&mv->lines, s, strlen(s), TR_DIM, false);
	}
	mv->built_w = w;
	mv->built_cur = mv->cur;
	mv->built_gen = t->gen;
}

static const char *const message_hints_pair[] = {
    N_("Esc\tBack"),
    N_("Left/Right\tPrev/Next"),
    N_("d\tBoth sides"),
    N_("e\tExplain"),
    N_("F1\tHelp"),
    N_("F2\tSave"),
    NULL,
};

static void message_draw(struct tui *t, struct tui_view *v)
{
	struct message_view *mv = MV(v);
	int cols = COLS, rows = LINES;
	int w = cols - 3;
	if (mv->built_w != w || mv->built_cur != mv->cur || mv->built_gen != t->gen) {
		if (mv->built_cur != mv->cur)
			mv->top = 0;
		build(t, mv, w);
	}
	struct sw_msg m_rec;
	const struct sw_msg *m = sw_analyze_msg(t->an, mv->ids[mv->cur], &m_rec);
	struct sw_buf b = SW_BUF_INIT;
	sw_buf_printf(&b, tui_tr(t, "Message %zu of %zu"), mv->cur + 1, mv->n);
	if (m) {
		sw_buf_puts(&b, ": ");
		sw_tr_label(t->cat, m->label, &b);
	}
	tui_draw_title(t, b.p);
	sw_buf_free(&b);
	int h = rows - 3;
	mv->page = h;
	size_t max = mv->lines.n > (size_t)h ? mv->lines.n - (size_t)h : 0;
	if (mv->top > max)
		mv->top = max;
	tui_lines_draw(t, &mv->lines, mv->top, 1, h);
	tui_draw_status(t, rows - 2);
	tui_draw_keybar(t, tui_pair(t) ? message_hints_pair : v->scr->hints);
}

static bool message_key(struct tui *t, struct tui_view *v, int k)
{
	struct message_view *mv = MV(v);
	switch (k) {
	case TK(KEY_LEFT):
	case 'h':
		if (mv->cur)
			mv->cur--;
		return true;
	case TK(KEY_RIGHT):
	case 'l':
		if (mv->cur + 1 < mv->n)
			mv->cur++;
		return true;
	case 'e':
	case 'E': {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(t->an, mv->ids[mv->cur], &m_rec);
		uint32_t ids[64];
		size_t n = m ? tui_msg_findings(t, m, ids, 64) : 0;
		if (!n && m && m->item != UINT32_MAX)
			n = tui_item_findings(t, m->item, ids, 64);
		tui_push(t, tui_findings_new(t, n ? ids : NULL, n > 64 ? 64 : n, 0));
		return true;
	}
	case TK(KEY_F(2)):
	case 's':
	case 'S':
		tui_save_ask(t, &mv->ids[mv->cur], 1);
		return true;
	case 'd':
	case 'D':
		tui_pair_open(t, mv->ids, mv->n, mv->cur);
		return true;
	}
	if (tui_scroll_key(k, &mv->top, mv->lines.n, mv->page))
		return true;
	return false;
}

static void message_destroy(struct tui_view *v)
{
	struct message_view *mv = MV(v);
	tui_lines_clear(&mv->lines);
	free(mv->ids);
	free(mv);
}

static const char *const message_hints[] = {
    N_("Esc\tBack"),  N_("Left/Right\tPrev/Next"),
    N_("e\tExplain"), N_("F1\tHelp"),
    N_("F2\tSave"),   NULL,
};

static const char *const message_help[] = {
    N_("Up/Down, PgUp/PgDn\tScroll the message"),
    N_("Left/Right, h/l\tPrevious / next message of the ladder"),
    N_(">  highlighted\tA header that a finding about this message points at"),
    N_("\\xNN \\uNNNN\tA byte or a format control from the wire the terminal must not see"),
    N_("e\tExplain the findings of this message"),
    N_("d\tBoth sides, side by side, the path's changes highlighted"),
    N_("F2, s\tSave: this message (pcap, pcapng with findings, text or HTML), or the whole capture"),
    N_("Esc, q\tBack"),
    NULL,
};

static const struct tui_screen message_screen = {
    .name = "message",
    .draw = message_draw,
    .key = message_key,
    .destroy = message_destroy,
    .help_title = N_("Message"),
    .help = message_help,
    .hints = message_hints,
};

struct tui_view *tui_message_new(struct tui *t, const uint32_t *ids, size_t n, size_t cur)
{
	(void)t;
	if (!n)
		return NULL;
	struct message_view *mv = sw_calloc(1, sizeof *mv);
	mv->base.scr = &message_screen;
	mv->ids = sw_malloc(n * sizeof *ids);
	memcpy(mv->ids, ids, n * sizeof *ids);
	mv->n = n;
	mv->cur = cur < n ? cur : 0;
	mv->built_w = -1;
	return &mv->base;
}
