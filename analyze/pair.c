/* SPDX-License-Identifier: BSD-2-Clause */
/* Two captures of one path (pair.h, docs/pairs.md): the public face of the
 * pair analysis, i.e. the names, the lifetime, the end-of-capture run
 * (matching, then diffs, then findings) and the lookups by message and
 * frame; it implements no RFC itself (pair_match.c, pair_diff.c and
 * pair_findings.c name theirs). */
#include "analyze/pair.h"

#include <stdlib.h>

#include "analyze/pair_int.h"
#include "common/mem.h"

/* ---- names ---------------------------------------------------------------- */

const char *sw_pair_status_name(enum sw_pair_status s)
{
	switch (s) {
	case SW_PAIR_PENDING: return "pending";
	case SW_PAIR_PAIRED: return "paired";
	case SW_PAIR_UNRELATED: return "unrelated";
	case SW_PAIR_IDENTICAL: return "identical";
	}
	return "pending";
}

/* Stable ids for JSON; also msgids (N_), translated where they are shown. */
const char *sw_pair_confidence_name(enum sw_pair_confidence c)
{
	switch (c) {
	case SW_CONF_NONE: return N_("none");
	case SW_CONF_LOW: return N_("low");
	case SW_CONF_MEDIUM: return N_("medium");
	case SW_CONF_HIGH: return N_("high");
	case SW_CONF_GIVEN: return N_("given");
	}
	return N_("none");
}

const char *sw_pair_dir_name(enum sw_pair_dir d)
{
	return d == SW_DIR_TO_PHONE ? "to_phone" : "to_server";
}

/* ---- lifetime ------------------------------------------------------------- */

struct sw_pair *sw_pair_new(bool sides_given, uint32_t phone_file)
{
	struct sw_pair *p = sw_calloc(1, sizeof *p);
	p->sides_given = sides_given && phone_file <= 1;
	p->given_phone_file = phone_file <= 1 ? phone_file : 0;
	for (int i = 0; i < 2; i++) {
		p->f[i].first_ns = INT64_MAX;
		p->f[i].last_ns = INT64_MIN;
	}
	return p;
}

void sw_pair_free(struct sw_pair *p)
{
	if (!p)
		return;
	for (int i = 0; i < 2; i++) {
		for (size_t k = 0; k < p->f[i].n; k++) {
			struct prec *r = &p->f[i].r[k];
			free(r->text);
		}
		free(p->f[i].r);
	}
	for (size_t i = 0; i < p->nm; i++)
		sw_pair_diff_free(&p->m[i]);
	free(p->m);
	free(p->l);
	free(p);
}

/* ---- the end of the capture ------------------------------------------------------------ */

/* Matching first; the diffs and the findings only when the two files turn
 * out to be two views of one path. */
void sw_pair_finish(struct sw_analyze *a)
{
	struct sw_pair *p = a->pair;
	if (!p || p->done)
		return;
	p->done = true;
	if (!sw_pair_match_all(p))
		return;
	sw_pair_diff_all(p);
	sw_pair_loss_findings(a, p);
	sw_pair_diff_findings(a, p);
}

/* ---- results --------------------------------------------------------------------------- */

const struct sw_pair *sw_analyze_pair(const struct sw_analyze *a)
{
	return a ? a->pair : NULL;
}

const struct sw_pair_summary *sw_pair_summary(const struct sw_pair *p)
{
	return &p->sum;
}

size_t sw_pair_nmatches(const struct sw_pair *p)
{
	return p->nm;
}

const struct sw_pair_match *sw_pair_match(const struct sw_pair *p, size_t i)
{
	return i < p->nm ? &p->m[i] : NULL;
}

size_t sw_pair_nlosses(const struct sw_pair *p)
{
	return p->nl;
}

const struct sw_pair_loss *sw_pair_loss(const struct sw_pair *p, size_t i)
{
	return i < p->nl ? &p->l[i] : NULL;
}

size_t sw_pair_nmappings(const struct sw_pair *p)
{
	return p->npubmap;
}

const struct sw_pair_mapping *sw_pair_mapping(const struct sw_pair *p, size_t i)
{
	return i < p->npubmap ? &p->pubmap[i] : NULL;
}

/* Records are in their file's capture order: frame numbers and message ids
 * never decrease, so both lookups are binary searches. */
static const struct prec *by_frame(const struct pfile *f, uint64_t frame, bool want_match)
{
	size_t lo = 0, hi = f->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->r[mid].frame_no < frame)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < f->n && f->r[lo].frame_no == frame; lo++)
		if (want_match ? f->r[lo].match != UINT32_MAX : f->r[lo].loss != UINT32_MAX)
			return &f->r[lo];
	return NULL;
}

const struct sw_pair_match *sw_pair_match_of_frame(const struct sw_pair *p, uint32_t file_idx,
						   uint64_t frame_no)
{
	if (!p || file_idx > 1)
		return NULL;
	const struct prec *r = by_frame(&p->f[file_idx], frame_no, true);
	return r ? &p->m[r->match] : NULL;
}

const struct sw_pair_loss *sw_pair_loss_of_frame(const struct sw_pair *p, uint32_t file_idx,
						 uint64_t frame_no)
{
	if (!p || file_idx > 1)
		return NULL;
	const struct prec *r = by_frame(&p->f[file_idx], frame_no, false);
	return r ? &p->l[r->loss] : NULL;
}

const struct sw_pair_match *sw_pair_match_of_msg(const struct sw_pair *p, uint32_t msg_id)
{
	if (!p || msg_id == UINT32_MAX)
		return NULL;
	for (int f = 0; f < 2; f++) {
		const struct pfile *pf = &p->f[f];
		size_t lo = 0, hi = pf->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (pf->r[mid].msg_id < msg_id)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < pf->n && pf->r[lo].msg_id == msg_id)
			return pf->r[lo].match != UINT32_MAX ? &p->m[pf->r[lo].match] : NULL;
	}
	return NULL;
}
