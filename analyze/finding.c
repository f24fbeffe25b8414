/* Findings: one per (kind, cause, account or dialog), with bounded evidence,
 * facts copied from the wire, and texts in the selected language. */
#include "analyze/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

const char *sw_an_tr(const struct sw_analyze *a, const char *msgid)
{
	return sw_tr(a->cat, msgid);
}

static void finding_strings_free(struct sw_finding *f)
{
	free(f->aor);
	for (size_t k = 0; k < f->n_facts; k++)
		free(f->facts[k].value);
	free(f->summary);
	free(f->explanation);
	free(f->advice);
	free(f->confirm);
}

static void scratch_reset(struct sw_analyze *a)
{
	finding_strings_free(&a->scratch);
	memset(&a->scratch, 0, sizeof a->scratch);
	a->scratch.id = UINT32_MAX;
	a->scratch.first_ns = INT64_MAX;
	a->scratch.last_ns = INT64_MIN;
}

bool sw_fnd_is_kept(const struct sw_analyze *a, const struct sw_finding *f)
{
	return f != &a->scratch;
}

struct sw_finding *sw_fnd_get(struct sw_analyze *a, const char *kind, const char *cause,
			      uint32_t account, uint32_t dialog, bool *created)
{
	char key[128];
	int n = snprintf(key, sizeof key, "%s|%s|%u|%u", kind, cause ? cause : "", account, dialog);
	struct sw_finding *f = sw_map_get(&a->finding_keys, key, (size_t)n);
	if (created)
		*created = f == NULL;
	if (f)
		return f;
	if (a->findings.n >= SW_MAX_FINDINGS) {
		/* Bounded: detectors fill a scratch finding that is never kept. */
		scratch_reset(a);
		a->st.findings_dropped++;
		a->scratch.kind = kind;
		a->scratch.account = account;
		a->scratch.dialog = dialog;
		return &a->scratch;
	}
	f = sw_calloc(1, sizeof *f);
	f->id = (uint32_t)a->findings.n;
	f->kind = kind;
	snprintf(f->cause, sizeof f->cause, "%s", cause ? cause : "");
	f->account = account;
	f->dialog = dialog;
	f->first_ns = INT64_MAX;
	f->last_ns = INT64_MIN;
	if (account != UINT32_MAX) {
		struct acct *ac = sw_acct_get(a, account);
		if (ac) {
			f->aor = sw_strdup(ac->pub.aor);
			f->client = ac->pub.client;
			f->server = ac->pub.registrar;
		}
	}
	sw_vec_push(&a->findings, f);
	sw_map_put(&a->finding_keys, key, (size_t)n, f);
	return f;
}

struct sw_finding *sw_fnd_find(struct sw_analyze *a, const char *kind, const char *cause,
			       uint32_t account)
{
	char key[128];
	int n = snprintf(key, sizeof key, "%s|%s|%u|%u", kind, cause ? cause : "", account,
			 UINT32_MAX);
	return sw_map_get(&a->finding_keys, key, (size_t)n);
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
void sw_fnd_evidence(struct sw_finding *f, const struct evref *ref)
{
	if (!ref || !ref->frame_no)
		return;
	struct sw_evidence ev, *e = &ev;
	ev.file_idx = ref->file_idx;
	ev.frame_no = ref->frame_no;
	ev.ts_ns = ref->ts_ns;
	ev.msg_id = ref->msg_id;
	snprintf(ev.label, sizeof ev.label, "%s", ref->label ? ref->label : "");
	for (size_t i = 0; i < f->n_evidence; i++)
		if (f->evidence[i].frame_no == e->frame_no && f->evidence[i].file_idx == e->file_idx)
			return;
	f->evidence_total++;
	if (e->ts_ns < f->first_ns)
		f->first_ns = e->ts_ns;
	if (e->ts_ns > f->last_ns)
		f->last_ns = e->ts_ns;
	size_t i = f->n_evidence < SW_FINDING_MAX_EVIDENCE ? f->n_evidence++
							    : SW_FINDING_MAX_EVIDENCE - 1;
	f->evidence[i] = *e;
	/* Keep the list in capture order (time, then file and frame), so the
	 * latest frame stays in the last slot. */
	for (; i > 0 && ev_before(&f->evidence[i], &f->evidence[i - 1]); i--) {
		struct sw_evidence t = f->evidence[i];
		f->evidence[i] = f->evidence[i - 1];
		f->evidence[i - 1] = t;
	}
}

void sw_fnd_fact(struct sw_finding *f, const char *key, const char *fmt, ...)
{
	size_t i;
	for (i = 0; i < f->n_facts; i++)
		if (strcmp(f->facts[i].key, key) == 0)
			break;
	if (i == SW_FINDING_MAX_FACTS)
		return;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (i == f->n_facts) {
		f->facts[i].key = key;
		f->n_facts++;
	} else {
		free(f->facts[i].value);
	}
	f->facts[i].value = sw_strdup(buf);
}

/* Formats a translated printf format (msgfmt -c keeps translations'
 * conversions in step with the msgid). */
void sw_fnd_text(struct sw_analyze *a, char **dst, const char *fmt_msgid, ...)
{
	const char *fmt = sw_an_tr(a, fmt_msgid);
	char buf[2048];
	va_list ap;
	va_start(ap, fmt_msgid);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	vsnprintf(buf, sizeof buf, fmt, ap);
#pragma GCC diagnostic pop
	va_end(ap);
	free(*dst);
	*dst = sw_strdup(buf);
}

void sw_fnd_establish(struct sw_analyze *a, struct sw_finding *f)
{
	if (f == &a->scratch)
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
			if (!listed && ac->pub.n_findings < SW_ACCOUNT_FINDINGS)
				ac->pub.findings[ac->pub.n_findings++] = f->id;
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
}

void sw_fnd_publish(struct sw_analyze *a, struct sw_finding *f)
{
	if (!sw_fnd_is_kept(a, f))
		return;
	f->revision++;
	sw_fnd_establish(a, f);
	if (a->opts.on_finding && !a->finished && f->streamed_revision == 0) {
		f->streamed_revision = f->revision;
		a->opts.on_finding(a->opts.user, f);
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
}
