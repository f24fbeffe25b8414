/* SPDX-License-Identifier: BSD-2-Clause */
/* Findings: one per (kind, cause, account or dialog), with bounded evidence,
 * facts copied from the wire, a tally per kind and cause over all accounts
 * (summary findings at scale), and texts made by analyze/texts.c when read. */
#include "analyze/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

struct fnd_key {
	uint8_t kind, cause;
	uint16_t status;
	uint32_t account, dialog;
};

const char *sw_an_tr(const struct sw_analyze *a, const char *msgid)
{
	return sw_tr(a->cat, msgid);
}

const char *sw_finding_cause(const struct sw_finding *f)
{
	return f->cause == SW_C_STATUS ? f->status_text : sw_cause_name(f->cause);
}

const char *sw_finding_fact(const struct sw_finding *f, const char *key)
{
	for (size_t i = 0; i < f->n_facts; i++)
		if (strcmp(f->facts[i].key, key) == 0)
			return f->facts[i].value;
	return NULL;
}

static void finding_strings_free(struct sw_finding *f)
{
	free(f->aor);
	for (size_t k = 0; k < f->n_facts; k++)
		free(f->facts[k].value);
	free(f->facts);
	free(f->evidence);
}

static void init(struct sw_finding *f, enum sw_kind kind, enum sw_cause cause, uint16_t status,
		 uint32_t account, uint32_t dialog)
{
	f->kind = kind;
	f->cause = cause;
	f->status = status;
	if (cause == SW_C_STATUS && status)
		snprintf(f->status_text, sizeof f->status_text, "%u", status % 1000u);
	f->account = account;
	f->dialog = dialog;
	f->explained_by = UINT32_MAX;
	f->first_ns = INT64_MAX;
	f->last_ns = INT64_MIN;
}

bool sw_fnd_is_kept(const struct sw_analyze *a, const struct sw_finding *f)
{
	return f != &a->scratch;
}

static struct fnd_key key_of(enum sw_kind kind, enum sw_cause cause, uint16_t status,
			     uint32_t account, uint32_t dialog)
{
	struct fnd_key k;
	memset(&k, 0, sizeof k);
	k.kind = (uint8_t)kind;
	k.cause = (uint8_t)cause;
	k.status = cause == SW_C_STATUS ? status : 0;
	k.account = account;
	k.dialog = dialog;
	return k;
}

/* Counts the accounts of each kind and cause, kept findings or not, and
 * remembers the first few as examples. */
static void tally(struct sw_analyze *a, enum sw_kind kind, enum sw_cause cause,
		  uint32_t account)
{
	if (account == UINT32_MAX || (unsigned)kind >= SW_K_COUNT || (unsigned)cause >= SW_C_COUNT)
		return;
	struct fnd_tally *t = &a->tally[kind][cause];
	t->accounts++;
	if (t->n_examples < SW_SUMMARY_EXAMPLES)
		t->examples[t->n_examples++] = account;
}

struct sw_finding *sw_fnd_open(struct sw_analyze *a, enum sw_kind kind, enum sw_cause cause,
			       uint16_t status, uint32_t account, uint32_t dialog,
			       enum sw_severity sev, bool *created)
{
	struct fnd_key k = key_of(kind, cause, status, account, dialog);
	struct sw_finding *f = sw_map_get(&a->finding_keys, &k, sizeof k);
	*created = f == NULL;
	if (f) {
		/* Explained by another finding, it stays information. */
		if (sev > f->severity && f->explained_by == UINT32_MAX)
			f->severity = sev;
		return f;
	}
	if (a->findings.n >= SW_MAX_FINDINGS && dialog != SW_DIALOG_SUMMARY) {
		/* Bounded: the rule fills a scratch finding that is never kept;
		 * the tally (and so the summary finding) still counts it. The
		 * key is remembered so that it is counted once. */
		if (!sw_map_get(&a->dropped_keys, &k, sizeof k)) {
			if (a->dropped_keys.count < SW_MAX_FLOWS)
				sw_map_put(&a->dropped_keys, &k, sizeof k, (void *)1);
			a->st.findings_dropped++;
			tally(a, kind, cause, account);
			if (sev > a->tally[kind][cause].worst)
				a->tally[kind][cause].worst = sev;
		}
		finding_strings_free(&a->scratch);
		memset(&a->scratch, 0, sizeof a->scratch);
		a->scratch.id = UINT32_MAX;
		init(&a->scratch, kind, cause, status, account, dialog);
		a->scratch.severity = sev;
		*created = false; /* nothing to describe: it is not kept */
		return &a->scratch;
	}
	f = sw_calloc(1, sizeof *f);
	f->id = (uint32_t)a->findings.n;
	init(f, kind, cause, status, account, dialog);
	f->severity = sev;
	if (account != UINT32_MAX) {
		struct sw_account_buf buf;
		const struct acct *ac = sw_acct_peek(a, account, &buf);
		if (ac) {
			f->aor = sw_strdup(ac->pub.aor);
			f->client = ac->pub.client;
			f->server = ac->pub.registrar;
		}
	}
	tally(a, kind, cause, account);
	sw_vec_push(&a->findings, f);
	sw_map_put(&a->finding_keys, &k, sizeof k, f);
	return f;
}

struct sw_finding *sw_fnd_find(struct sw_analyze *a, enum sw_kind kind, enum sw_cause cause,
			       uint16_t status, uint32_t account)
{
	struct fnd_key k = key_of(kind, cause, status, account, UINT32_MAX);
	return sw_map_get(&a->finding_keys, &k, sizeof k);
}

static bool ev_before(const struct sw_evidence *a, const struct sw_evidence *b)
{
	if (a->ts_ns != b->ts_ns)
		return a->ts_ns < b->ts_ns;
	if (a->file_idx != b->file_idx)
		return a->file_idx < b->file_idx;
	return a->frame_no < b->frame_no;
}

/* Keeps the first SW_FINDING_MAX_EVIDENCE - 1 frames and always the latest in
 * the last slot; a frame already listed is not added twice. */
void sw_fnd_evidence(struct sw_analyze *a, struct sw_finding *f, const struct evref *ref)
{
	if (!ref || !ev_has(ref))
		return;
	sw_fnd_evidence_at(f, ref->file_idx, ev_frame(ref), ref->ts_ns, ref->msg_id,
			   sw_an_label_at(a, ref->label));
}

void sw_fnd_evidence_at(struct sw_finding *f, uint32_t file_idx, uint64_t frame_no,
			int64_t ts_ns, uint32_t msg_id, const char *label)
{
	if (!frame_no)
		return;
	struct sw_evidence ev;
	ev.file_idx = file_idx;
	ev.frame_no = frame_no;
	ev.ts_ns = ts_ns;
	ev.msg_id = msg_id;
	snprintf(ev.label, sizeof ev.label, "%s", label ? label : "");
	for (size_t i = 0; i < f->n_evidence; i++)
		if (f->evidence[i].frame_no == ev.frame_no && f->evidence[i].file_idx == ev.file_idx)
			return;
	f->evidence_total++;
	if (ev.ts_ns < f->first_ns)
		f->first_ns = ev.ts_ns;
	if (ev.ts_ns > f->last_ns)
		f->last_ns = ev.ts_ns;
	if (f->n_evidence == f->evidence_cap && f->evidence_cap < SW_FINDING_MAX_EVIDENCE) {
		size_t cap = f->evidence_cap ? 2u * f->evidence_cap : 4u;
		if (cap > SW_FINDING_MAX_EVIDENCE)
			cap = SW_FINDING_MAX_EVIDENCE;
		f->evidence = sw_realloc(f->evidence, cap * sizeof *f->evidence);
		f->evidence_cap = (uint8_t)cap;
	}
	size_t i = f->n_evidence < SW_FINDING_MAX_EVIDENCE ? f->n_evidence++
							    : SW_FINDING_MAX_EVIDENCE - 1;
	f->evidence[i] = ev;
	/* Keep the list in capture order (time, then file and frame), so the
	 * latest frame stays in the last slot. */
	for (; i > 0 && ev_before(&f->evidence[i], &f->evidence[i - 1]); i--) {
		struct sw_evidence t = f->evidence[i];
		f->evidence[i] = f->evidence[i - 1];
		f->evidence[i - 1] = t;
	}
}

static void set_fact(struct sw_finding *f, const char *key, const char *value, bool hidden)
{
	size_t i;
	for (i = 0; i < f->n_facts; i++)
		if (strcmp(f->facts[i].key, key) == 0)
			break;
	if (i == SW_FINDING_MAX_FACTS)
		return;
	if (i == f->facts_cap) {
		size_t cap = f->facts_cap ? 2u * f->facts_cap : 8u;
		if (cap > SW_FINDING_MAX_FACTS)
			cap = SW_FINDING_MAX_FACTS;
		f->facts = sw_realloc(f->facts, cap * sizeof *f->facts);
		f->facts_cap = (uint8_t)cap;
	}
	if (i == f->n_facts) {
		f->facts[i].key = key;
		f->n_facts++;
	} else {
		free(f->facts[i].value);
	}
	f->facts[i].value = sw_strdup(value);
	f->facts[i].hidden = hidden;
}

void sw_fnd_fact(struct sw_finding *f, const char *key, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	set_fact(f, key, buf, false);
}

void sw_fnd_word(struct sw_analyze *a, struct sw_finding *f, const char *key, const char *msgid)
{
	set_fact(f, key, sw_an_tr(a, msgid), true);
}

void sw_fnd_hidden(struct sw_finding *f, const char *key, const char *value)
{
	set_fact(f, key, value, true);
}

void sw_fnd_addr_fact(struct sw_finding *f, const char *key, const struct sw_addr *x)
{
	char s[SW_ADDRSTRLEN];
	set_fact(f, key, x && x->family ? sw_addr_fmt(x, s) : "-", false);
}

void sw_fnd_establish(struct sw_analyze *a, struct sw_finding *f)
{
	if (!sw_fnd_is_kept(a, f))
		return;
	if (f->account != UINT32_MAX) {
		struct acct *ac = sw_acct_get(a, f->account);
		if (ac) {
			ac->pub.has_findings = true;
			if (f->severity > ac->pub.worst)
				ac->pub.worst = f->severity;
			bool listed = false;
			for (uint32_t i = 0; i < ac->pub.n_findings && !listed; i++)
				listed = ac->pub.findings[i] == f->id;
			if (!listed && ac->pub.n_findings < SW_ACCOUNT_FINDINGS) {
				if (!ac->pub.findings)
					ac->pub.findings = sw_calloc(SW_ACCOUNT_FINDINGS,
								     sizeof *ac->pub.findings);
				ac->pub.findings[ac->pub.n_findings++] = f->id;
			}
		}
	}
	if (f->dialog != UINT32_MAX && f->dialog < a->dialogs.n) {
		struct dlg *d = a->dialogs.p[f->dialog];
		if (!d)
			return;
		d->pub.has_findings = true;
		if (f->severity > d->pub.worst)
			d->pub.worst = f->severity;
	}
	struct fnd_tally *t = &a->tally[f->kind][f->cause];
	if (f->account != UINT32_MAX && f->severity > t->worst)
		t->worst = f->severity;
}

void sw_fnd_publish(struct sw_analyze *a, struct sw_finding *f)
{
	if (!sw_fnd_is_kept(a, f))
		return;
	f->revision++;
	sw_texts_prepare(a, f);
	sw_fnd_establish(a, f);
	if (a->opts.on_finding && !a->finished && f->streamed_revision == 0) {
		f->streamed_revision = f->revision;
		a->opts.on_finding(a->opts.user, f);
	}
}

void sw_fnd_explained(struct sw_analyze *a, struct sw_finding *f, const struct sw_finding *by)
{
	if (!sw_fnd_is_kept(a, f) || !sw_fnd_is_kept(a, by) || f == by ||
	    f->explained_by == by->id)
		return;
	f->explained_by = by->id;
	f->severity = SW_SEV_INFO;
	f->suspected = false;
	sw_fnd_publish(a, f);
}

void sw_fnd_explain(struct sw_analyze *a, uint32_t account, enum sw_kind kind,
		    enum sw_cause cause, const struct sw_finding *by)
{
	struct sw_finding *f = sw_fnd_find(a, kind, cause, 0, account);
	if (f)
		sw_fnd_explained(a, f, by);
}

/* One summary finding per kind and cause that many accounts share: the
 * report names the count and a few examples instead of listing thousands. */
static void summaries(struct sw_analyze *a)
{
	for (int k = 1; k < SW_K_COUNT; k++) {
		for (int c = 0; c < SW_C_COUNT; c++) {
			struct fnd_tally *t = &a->tally[k][c];
			if (t->accounts < SW_SUMMARY_MIN || t->worst < SW_SEV_WARNING)
				continue;
			bool created;
			struct sw_finding *f = sw_fnd_open(a, (enum sw_kind)k, (enum sw_cause)c, 0,
							   UINT32_MAX, SW_DIALOG_SUMMARY, t->worst,
							   &created);
			if (!sw_fnd_is_kept(a, f))
				continue;
			f->aggregate = true;
			char ex[512], aor[SW_AOR_MAX];
			size_t n = 0;
			ex[0] = '\0';
			for (uint32_t i = 0; i < t->n_examples; i++) {
				if (t->examples[i] >= a->accounts.n)
					continue;
				int w = snprintf(ex + n, sizeof ex - n, "%s%s", n ? ", " : "",
						 sw_acct_aor(a, t->examples[i], aor));
				if (w < 0 || (size_t)w >= sizeof ex - n)
					break;
				n += (size_t)w;
				struct sw_finding *one = sw_fnd_find(a, (enum sw_kind)k, (enum sw_cause)c,
								     0, t->examples[i]);
				if (one && one->n_evidence)
					for (size_t e = 0; e < one->n_evidence && e < 2; e++) {
						const struct sw_evidence *r = &one->evidence[e];
						sw_fnd_evidence_at(f, r->file_idx, r->frame_no,
								   r->ts_ns, r->msg_id, r->label);
					}
			}
			sw_fnd_fact(f, "accounts", "%u", t->accounts);
			sw_fnd_fact(f, "of_accounts", "%zu",
				    a->accounts.n + (size_t)a->st.accounts_untracked);
			sw_fnd_fact(f, "examples", "%s", ex);
			if (c == SW_C_STATUS)
				sw_fnd_fact(f, "note", "%s", "several status codes");
			sw_fnd_publish(a, f);
		}
	}
}

void sw_fnd_finish(struct sw_analyze *a)
{
	summaries(a);
	/* Re-stream what changed since it was first handed out. */
	for (size_t i = 0; i < a->findings.n; i++) {
		struct sw_finding *f = a->findings.p[i];
		sw_acct_rest(a);
		sw_texts_prepare(a, f);
		sw_fnd_establish(a, f);
		if (a->opts.on_finding && f->has_texts && f->streamed_revision != f->revision) {
			f->streamed_revision = f->revision;
			a->opts.on_finding(a->opts.user, f);
		}
	}
}

void sw_fnd_free_all(struct sw_analyze *a)
{
	for (size_t i = 0; i < a->findings.n; i++) {
		finding_strings_free(a->findings.p[i]);
		free(a->findings.p[i]);
	}
	finding_strings_free(&a->scratch);
	sw_vec_free(&a->findings);
	sw_map_free(&a->dropped_keys);
}
