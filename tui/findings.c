/* SPDX-License-Identifier: BSD-2-Clause */
/* Findings screen: one finding at a time with its summary, explanation,
 * advice and what would confirm it (in the catalog's language, Chinese with
 * --lang zh or a Chinese locale), its facts and evidence frames. Left/Right
 * step through the findings; Enter opens the ladder at the first evidence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/timefmt.h"
#include "tui/tui_int.h"

struct findings_view {
	struct tui_view base;
	uint32_t *ids; /* NULL: every established finding */
	size_t n, cur, top;
	bool all;
	struct tui_lines lines;
	int built_w;
	size_t built_cur;
	uint64_t built_gen;
	int page;
};

static struct findings_view *FV(struct tui_view *v)
{
	return (struct findings_view *)v;
}

static void collect_all(struct tui *t, struct findings_view *fv)
{
	free(fv->ids);
	size_t nf = sw_analyze_nfindings(t->an), k = 0;
	fv->ids = sw_malloc((nf ? nf : 1) * sizeof *fv->ids);
	for (size_t i = 0; i < nf; i++) {
		const struct sw_finding *f = sw_analyze_finding(t->an, i);
		if (tui_finding_live(f))
			fv->ids[k++] = f->id;
	}
	fv->n = k;
	if (fv->cur >= fv->n)
		fv->cur = fv->n ? fv->n - 1 : 0;
}

static void heading(struct tui *t, struct tui_lines *l, const char *msgid)
{
	const char *s = tui_tr(t, msgid);
	tui_lines_add(l, "", 0, TR_NORMAL, false);
	tui_lines_add(l, s, strlen(s), TR_HNAME, false);
}

static void para(struct tui_lines *l, const char *wire, int w, enum tui_role role)
{
	struct sw_buf b = SW_BUF_INIT;
	tui_wire_c(&b, wire);
	tui_lines_wrap(l, b.p, b.len, w - 2, true, role, false, NULL);
	sw_buf_free(&b);
}

static void build(struct tui *t, struct findings_view *fv, int w)
{
	struct tui_lines *l = &fv->lines;
	tui_lines_clear(l);
	fv->built_w = w;
	fv->built_cur = fv->cur;
	fv->built_gen = t->gen;
	if (!fv->n) {
		const char *s = t->ended ? tui_tr(t, "No findings: nothing wrong was found.")
		                         : tui_tr(t, "No findings yet.");
		tui_lines_add(l, s, strlen(s), TR_NORMAL, false);
		return;
	}
	const struct sw_finding *f = sw_analyze_finding(t->an, fv->ids[fv->cur]);
	if (!f)
		return;
	struct sw_buf b = SW_BUF_INIT;
	sw_buf_printf(&b, "[%s] %s",
	              tui_tr(t, f->severity == SW_SEV_ERROR     ? N_("ERROR")
	                        : f->severity == SW_SEV_WARNING ? N_("WARNING")
	                                                        : N_("INFO")),
	              sw_kind_name(f->kind));
	if (sw_finding_cause(f)[0])
		sw_buf_printf(&b, " (%s)", sw_finding_cause(f));
	if (f->suspected)
		sw_buf_printf(&b, "  %s", tui_tr(t, "[suspected]"));
	if (f->resolved)
		sw_buf_printf(&b, "  %s", tui_tr(t, "[resolved later]"));
	tui_lines_add(l, b.p, b.len, tui_sev_role(f->severity), false);
	sw_buf_reset(&b);
	char s1[SW_ADDRSTRLEN], s2[SW_ADDRSTRLEN], t1[SW_TIMESTRLEN], t2[SW_TIMESTRLEN];
	if (f->aor) {
		sw_buf_printf(&b, "%s ", tui_tr(t, "Account:"));
		tui_wire_c(&b, f->aor);
		tui_lines_add(l, b.p, b.len, TR_NORMAL, false);
		sw_buf_reset(&b);
	}
	if (f->client.family || f->server.family) {
		sw_buf_printf(&b, tui_tr(t, "Phone %s, server %s"),
		              f->client.family ? sw_addr_fmt(&f->client, s1) : "-",
		              f->server.family ? sw_addr_fmt(&f->server, s2) : "-");
		tui_lines_add(l, b.p, b.len, TR_NORMAL, false);
		sw_buf_reset(&b);
	}
	if (f->first_ns != INT64_MAX) {
		sw_buf_printf(&b, tui_tr(t, "From %s to %s"), sw_time_iso(f->first_ns, t1),
		              sw_time_iso(f->last_ns, t2));
		tui_lines_add(l, b.p, b.len, TR_DIM, false);
		sw_buf_reset(&b);
	}
	tui_lines_add(l, "", 0, TR_NORMAL, false);
	struct sw_finding_texts tx;
	sw_finding_texts(t->an, f, SW_TEXT_ALL, &tx);
	para(l, tx.summary, w, TR_HNAME);
	if (tx.explanation) {
		heading(t, l, N_("Why:"));
		para(l, tx.explanation, w, TR_NORMAL);
	}
	if (tx.advice) {
		heading(t, l, N_("What to do:"));
		para(l, tx.advice, w, TR_OK);
	}
	if (tx.confirm) {
		heading(t, l, N_("To confirm:"));
		para(l, tx.confirm, w, TR_NORMAL);
	}
	sw_finding_texts_free(&tx);
	if (f->n_facts) {
		heading(t, l, N_("Facts:"));
		for (size_t i = 0; i < f->n_facts; i++) {
			if (f->facts[i].hidden)
				continue; /* words for the texts, as the report */
			sw_buf_reset(&b);
			sw_buf_printf(&b, "  %s: ", sw_tr_fact(t->cat, f->facts[i].key));
			sw_tr_fact_value(t->cat, f->facts[i].key, f->facts[i].value, &b);
			tui_lines_wrap(l, b.p, b.len, w, false, TR_NORMAL, false, "    ");
		}
	}
	if (f->n_evidence) {
		sw_buf_reset(&b);
		sw_buf_printf(&b,
		              tui_trn(t, "Evidence (%zu of %zu frame; Enter shows the ladder):",
		                      "Evidence (%zu of %zu frames; Enter shows the ladder):",
		                      f->evidence_total),
		              f->n_evidence, f->evidence_total);
		tui_lines_add(l, "", 0, TR_NORMAL, false);
		tui_lines_add(l, b.p, b.len, TR_HNAME, false);
		for (size_t i = 0; i < f->n_evidence; i++) {
			const struct sw_evidence *e = &f->evidence[i];
			sw_buf_reset(&b);
			sw_buf_printf(&b, tui_tr(t, "  frame %-6llu %s  "),
			              (unsigned long long)e->frame_no, sw_time_hms(e->ts_ns, t1));
			sw_tr_label(t->cat, e->label, &b);
			tui_put_file(t, &b, e->file_idx);
			tui_lines_add(l, b.p, b.len, TR_NORMAL, false);
		}
	}
	const char *hl = tui_hl_headers(f->kind, f->cause);
	if (hl) {
		sw_buf_reset(&b);
		sw_buf_printf(&b, "%s ", tui_tr(t, "Headers highlighted in its messages:"));
		for (const char *p = hl; *p; p++) {
			if (*p == '|')
				sw_buf_puts(&b, ", ");
			else if (strncmp(p, TUI_HL_START, strlen(TUI_HL_START)) == 0) {
				sw_buf_puts(&b, tui_tr(t, "start line"));
				p += strlen(TUI_HL_START) - 1;
			} else
				sw_buf_putc(&b, *p);
		}
		tui_lines_add(l, "", 0, TR_NORMAL, false);
		tui_lines_wrap(l, b.p, b.len, w, true, TR_DIM, false, "  ");
	}
	sw_buf_free(&b);
}

static void findings_refresh(struct tui *t, struct tui_view *v)
{
	struct findings_view *fv = FV(v);
	if (fv->all)
		collect_all(t, fv);
}

static void findings_draw(struct tui *t, struct tui_view *v)
{
	struct findings_view *fv = FV(v);
	int cols = COLS, rows = LINES, w = cols - 3;
	if (fv->built_w != w || fv->built_cur != fv->cur || fv->built_gen != t->gen) {
		if (fv->built_cur != fv->cur)
			fv->top = 0;
		build(t, fv, w);
	}
	char title[128];
	if (fv->n)
		snprintf(title, sizeof title, tui_tr(t, "Finding %zu of %zu"), fv->cur + 1, fv->n);
	else
		snprintf(title, sizeof title, "%s", tui_tr(t, "Findings"));
	tui_draw_title(t, title);
	int h = rows - 3;
	fv->page = h;
	size_t max = fv->lines.n > (size_t)h ? fv->lines.n - (size_t)h : 0;
	if (fv->top > max)
		fv->top = max;
	tui_lines_draw(t, &fv->lines, fv->top, 1, h);
	tui_draw_status(t, rows - 2);
	tui_draw_keybar(t, v->scr->hints);
}

static bool findings_key(struct tui *t, struct tui_view *v, int k)
{
	struct findings_view *fv = FV(v);
	switch (k) {
	case TK(KEY_LEFT):
	case 'h':
	case 'p':
		if (fv->cur)
			fv->cur--;
		return true;
	case TK(KEY_RIGHT):
	case 'l':
	case 'n':
		if (fv->cur + 1 < fv->n)
			fv->cur++;
		return true;
	}
	if (tui_key_enter(k) && fv->n) {
		const struct sw_finding *f = sw_analyze_finding(t->an, fv->ids[fv->cur]);
		uint32_t item = f ? tui_finding_item(t, f) : UINT32_MAX;
		if (f && item == UINT32_MAX) /* of no item: the ladder of its evidence */
			item = TUI_ITEM_FINDING(f->id);
		if (item != UINT32_MAX) {
			uint32_t focus = f->n_evidence ? f->evidence[0].msg_id : UINT32_MAX;
			tui_push(t, tui_ladder_new(t, &item, 1, focus));
		}
		return true;
	}
	return tui_scroll_key(k, &fv->top, fv->lines.n, fv->page);
}

static void findings_destroy(struct tui_view *v)
{
	struct findings_view *fv = FV(v);
	tui_lines_clear(&fv->lines);
	free(fv->ids);
	free(fv);
}

static const char *const findings_hints[] = {
    N_("Esc\tBack"), N_("Left/Right\tPrev/Next"), N_("Enter\tLadder"), N_("F1\tHelp"), NULL,
};

static const char *const findings_help[] = {
    N_("Up/Down, PgUp/PgDn\tScroll"),
    N_("Left/Right, p/n\tPrevious / next finding"),
    N_("Enter\tLadder of the finding's account, at its first evidence"),
    N_("Esc, q\tBack"),
    NULL,
};

static const struct tui_screen findings_screen = {
    .name = "findings",
    .draw = findings_draw,
    .key = findings_key,
    .update = findings_refresh,
    .destroy = findings_destroy,
    .help_title = N_("Findings: explanation and advice"),
    .help = findings_help,
    .hints = findings_hints,
};

struct tui_view *tui_findings_new(struct tui *t, const uint32_t *ids, size_t n, size_t cur)
{
	struct findings_view *fv = sw_calloc(1, sizeof *fv);
	fv->base.scr = &findings_screen;
	fv->built_w = -1;
	if (ids && n) {
		fv->ids = sw_malloc(n * sizeof *ids);
		memcpy(fv->ids, ids, n * sizeof *ids);
		fv->n = n;
		fv->cur = cur < n ? cur : 0;
	} else {
		fv->all = true;
		collect_all(t, fv);
	}
	return &fv->base;
}
