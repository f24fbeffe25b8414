/* SPDX-License-Identifier: BSD-2-Clause */
/* -w FILE --annotate and the TUI's "pcapng with findings": the frames of the
 * selected items (or all) as pcapng, each finding as a comment on each of its
 * evidence frames ("sipwatch #0 register.no_response/icmp_port_unreachable:
 * REGISTER ... answered by ICMP port unreachable"), and the report's summary
 * as the section header's comment, for Wireshark and tshark (frame.comment)
 * and for sipwatch itself, which reads the file back to the same findings.
 * The frames are read a second time, after the analysis: from the input
 * files, or from the spool that run.c wrote when the input cannot be read
 * twice (live, stdin). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/mem.h"
#include "view/ladder.h"

#define AN_MAX_SHB_FINDINGS 60u /* findings listed in the section comment */

/* A frame as one sortable key: source index and record number. */
static uint64_t frame_key(uint32_t file_idx, uint64_t frame_no)
{
	return (uint64_t)file_idx << 48 | (frame_no & ((UINT64_C(1) << 48) - 1));
}

struct note {
	uint64_t key;
	uint32_t finding;
};

static int cmp_note(const void *a, const void *b)
{
	const struct note *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->finding < y->finding ? -1 : x->finding > y->finding;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

struct keys {
	uint64_t *v;
	size_t n, cap;
};

static void keys_add(struct keys *k, uint64_t key)
{
	if (k->n == k->cap)
		k->v = sw_realloc(k->v, (k->cap = k->cap ? k->cap * 2 : 256) * sizeof *k->v);
	k->v[k->n++] = key;
}

static void put_finding_line(struct sw_app *app, struct sw_buf *b, const struct sw_finding *f)
{
	const char *cause = sw_finding_cause(f);
	sw_buf_printf(b, "#%u %s %s%s%s: ", f->id, sw_severity_name(f->severity),
	              sw_kind_name(f->kind), cause[0] ? "/" : "", cause);
	char *summary = sw_finding_summary(app->an, f);
	sw_buf_put_text(b, sw_str_c(summary ? summary : ""));
	free(summary);
}

/* The report's summary for the section header: inputs, span, counts, the
 * findings with their evidence frames, the accounts' states. */
static void shb_comment(struct sw_app *app, struct sw_buf *b)
{
	struct sw_analyze_stats as;
	sw_analyze_get_stats(app->an, &as);
	char t1[SW_TIMESTRLEN], t2[SW_TIMESTRLEN];
	sw_buf_puts(b, "sipwatch " SW_VERSION ": ");
	for (size_t i = 0; i < sw_capture_nsources(app->cap); i++) {
		if (i)
			sw_buf_puts(b, ", ");
		sw_buf_put_text(b, sw_str_c(sw_out_file_label(app, (uint32_t)i)));
	}
	sw_buf_putc(b, '\n');
	if (as.last_ns)
		sw_buf_printf(b, "%s - %s\n", sw_time_iso(as.first_ns, t1), sw_time_iso(as.last_ns, t2));
	size_t nf = sw_analyze_nfindings(app->an), count[3] = {0, 0, 0};
	for (size_t i = 0; i < nf; i++)
		count[sw_analyze_finding(app->an, i)->severity]++;
	sw_buf_printf(b, "%zu findings: %zu error, %zu warning, %zu info\n", nf, count[SW_SEV_ERROR],
	              count[SW_SEV_WARNING], count[SW_SEV_INFO]);
	size_t shown = 0;
	for (int sev = SW_SEV_ERROR; sev >= SW_SEV_INFO; sev--)
		for (size_t i = 0; i < nf; i++) {
			const struct sw_finding *f = sw_analyze_finding(app->an, i);
			if ((int)f->severity != sev || !sw_ladder_finding_live(f))
				continue;
			if (shown++ >= AN_MAX_SHB_FINDINGS)
				continue;
			put_finding_line(app, b, f);
			sw_buf_puts(b, " [frames");
			for (size_t e = 0; e < f->n_evidence; e++) {
				if (sw_capture_nsources(app->cap) > 1)
					sw_buf_printf(b, " %u:%llu", f->evidence[e].file_idx + 1,
					              (unsigned long long)f->evidence[e].frame_no);
				else
					sw_buf_printf(b, " %llu",
					              (unsigned long long)f->evidence[e].frame_no);
			}
			sw_buf_puts(b, "]\n");
		}
	if (shown > AN_MAX_SHB_FINDINGS)
		sw_buf_printf(b, "... %zu more findings (sipwatch --report)\n", shown - AN_MAX_SHB_FINDINGS);
	size_t na = sw_analyze_naccounts(app->an);
	struct sw_account_buf abuf;
	for (size_t i = 0; i < na && i < 20; i++) {
		const struct sw_account *ac = sw_analyze_account(app->an, i, &abuf);
		sw_buf_puts(b, "account ");
		sw_buf_put_text(b, sw_str_c(ac->aor ? ac->aor : "-"));
		sw_buf_printf(b, ": %s, %u REGISTER, %u OK\n", sw_reg_state_name(ac->state),
		              ac->n_register, ac->n_ok);
	}
	if (na > 20)
		sw_buf_printf(b, "... %zu more accounts\n", na - 20);
}

int sw_out_annotated(struct sw_app *app, const char *path, const uint32_t *msg_ids, size_t n,
                     char *err, size_t errlen)
{
	const struct sw_opts *o = app->opts;
	if (!app->spool && sw_capture_is_live(app->cap)) {
		snprintf(err, errlen, "live packets are not kept; capture with -w FILE --annotate");
		return -1;
	}
	/* Which frames: those of the messages given or of the selected items
	 * (and their findings' evidence), else all. */
	struct keys want = {NULL, 0, 0};
	bool all = true;
	uint32_t *items = NULL, *ids = NULL;
	size_t nids = 0;
	bool named = false;
	if (msg_ids) {
		all = false;
		ids = sw_malloc((n ? n : 1) * sizeof *ids);
		memcpy(ids, msg_ids, n * sizeof *ids);
		nids = n;
	} else if (!sw_select_empty(&o->sel)) {
		all = false;
		size_t ni = sw_app_items(app, &items, &named);
		sw_ladder_collect(app->an, items, ni, 0, &ids, &nids);
	}
	if (!all) {
		for (size_t i = 0; i < nids; i++) {
			struct sw_msg m_rec;
			const struct sw_msg *m = sw_analyze_msg(app->an, ids[i], &m_rec);
			if (!m)
				continue;
			keys_add(&want, frame_key(m->file_idx, m->frame_no));
			if (m->first_frame_no && m->first_frame_no != m->frame_no)
				keys_add(&want, frame_key(m->file_idx, m->first_frame_no));
		}
		/* The evidence of the findings these messages support. */
		for (size_t k = 0; k < sw_analyze_nfindings(app->an); k++) {
			const struct sw_finding *f = sw_analyze_finding(app->an, k);
			if (!sw_ladder_finding_live(f))
				continue;
			bool mine = false;
			for (size_t i = 0; i < nids && !mine; i++) {
				struct sw_msg m_rec;
				const struct sw_msg *m = sw_analyze_msg(app->an, ids[i], &m_rec);
				mine = m && sw_ladder_finding_has_msg(f, m);
			}
			for (size_t e = 0; mine && e < f->n_evidence; e++)
				keys_add(&want, frame_key(f->evidence[e].file_idx, f->evidence[e].frame_no));
		}
		qsort(want.v, want.n, sizeof *want.v, cmp_u64);
	}
	free(items);
	free(ids);
	/* The comments: one per finding on each of its evidence frames. */
	size_t nn = 0, cap = 256;
	struct note *notes = sw_malloc(cap * sizeof *notes);
	for (size_t k = 0; k < sw_analyze_nfindings(app->an); k++) {
		const struct sw_finding *f = sw_analyze_finding(app->an, k);
		if (!sw_ladder_finding_live(f))
			continue;
		for (size_t e = 0; e < f->n_evidence; e++) {
			if (nn == cap)
				notes = sw_realloc(notes, (cap *= 2) * sizeof *notes);
			notes[nn++] = (struct note){
			    frame_key(f->evidence[e].file_idx, f->evidence[e].frame_no), f->id};
		}
	}
	qsort(notes, nn, sizeof *notes, cmp_note);
	/* Read the frames again. */
	struct sw_capture_opts co;
	memset(&co, 0, sizeof co);
	co.snaplen = o->snaplen;
	co.filter = app->spool ? NULL : o->filter; /* the spool holds what passed */
	co.count = app->spool ? 0 : o->count;
	const char *spool_path[1] = {app->spool};
	struct sw_capture *cap2 = NULL;
	int rc = -1;
	if (app->spool && sw_capture_close_output(app->cap) < 0) {
		snprintf(err, errlen, "%s: the spooled frames could not be written", app->spool);
		goto out;
	}
	if (sw_capture_open_files(&cap2, app->spool ? spool_path : o->files,
	                          app->spool ? 1 : o->nfiles, &co, err, errlen) < 0)
		goto out;
	struct sw_buf shb = SW_BUF_INIT;
	shb_comment(app, &shb);
	struct sw_pcapng_writer *w =
	    sw_pcapng_writer_open(path, shb.p, "sipwatch " SW_VERSION, err, errlen);
	sw_buf_free(&shb);
	if (!w)
		goto out;
	struct sw_frame f;
	struct sw_buf cb = SW_BUF_INIT;
	size_t maxc = 8, written = 0;
	char **cv = sw_malloc(maxc * sizeof *cv);
	size_t *co_off = sw_malloc(maxc * sizeof *co_off);
	bool failed = false;
	while (sw_capture_next(cap2, &f) == SW_CAP_FRAME) {
		uint64_t key = frame_key(f.file_idx, f.frame_no);
		if (!all && !bsearch(&key, want.v, want.n, sizeof *want.v, cmp_u64))
			continue;
		/* The notes of this frame: the first at or after (key, 0). */
		struct note probe = {key, 0};
		size_t lo = 0, hi = nn;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (cmp_note(&notes[mid], &probe) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t nc = 0;
		sw_buf_reset(&cb);
		for (size_t i = lo; i < nn && notes[i].key == key; i++) {
			if (i > lo && notes[i].finding == notes[i - 1].finding)
				continue; /* the same frame twice in one finding's evidence */
			if (nc == maxc) {
				maxc *= 2;
				cv = sw_realloc(cv, maxc * sizeof *cv);
				co_off = sw_realloc(co_off, maxc * sizeof *co_off);
			}
			co_off[nc++] = cb.len;
			sw_buf_puts(&cb, "sipwatch ");
			put_finding_line(app, &cb, sw_analyze_finding(app->an, notes[i].finding));
			sw_buf_putc(&cb, '\0');
		}
		for (size_t i = 0; i < nc; i++)
			cv[i] = cb.p + co_off[i];
		if (sw_pcapng_writer_write(w, &f, (const char *const *)cv, nc) != 0) {
			failed = true;
			break;
		}
		written++;
	}
	free(cv);
	free(co_off);
	sw_buf_free(&cb);
	if (sw_pcapng_writer_close(w) < 0 || failed) {
		snprintf(err, errlen, "%s: write failed", path);
		goto out;
	}
	rc = 0;
	(void)written;
out:
	if (cap2)
		sw_capture_close(cap2);
	free(notes);
	free(want.v);
	return rc;
}
