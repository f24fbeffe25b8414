/* SPDX-License-Identifier: BSD-2-Clause */
/* The text report: per account a short story, then each finding with its
 * evidence and advice, then dialogs and the input summary. Labels are
 * translated through the catalog; wire strings are escaped. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/timefmt.h"
#include "po/words.h"

#define _(s) sw_tr(app->cat, s)
#define _n(s, p, n) sw_trn(app->cat, s, p, n)
#define REPORT_EVIDENCE 8u /* evidence frames a report line names */
#define REPORT_EXAMPLES 3u /* accounts' own findings shown beside a summary finding */

const char *sw_out_sev_label(const struct sw_app *app, enum sw_severity s)
{
	switch (s) {
	case SW_SEV_ERROR: return _("ERROR");
	case SW_SEV_WARNING: return _("WARNING");
	case SW_SEV_INFO: return _("INFO");
	}
	return "";
}

/* The lower-case severity of the account summary ("#0 error register.expired"). */
static const char *sev_word(const struct sw_app *app, enum sw_severity s)
{
	switch (s) {
	case SW_SEV_ERROR: return sw_trc(app->cat, "severity", "error");
	case SW_SEV_WARNING: return sw_trc(app->cat, "severity", "warning");
	case SW_SEV_INFO: return sw_trc(app->cat, "severity", "info");
	}
	return "";
}

static const char *dialog_state_label(const struct sw_app *app, enum sw_dialog_state s)
{
	switch (s) {
	case SW_DLG_TRYING: return _("trying");
	case SW_DLG_EARLY: return _("early");
	case SW_DLG_CONFIRMED: return _("confirmed");
	case SW_DLG_TERMINATED: return _("terminated");
	case SW_DLG_FAILED: return _("failed");
	case SW_DLG_CANCELLED: return _("cancelled");
	}
	return sw_dialog_state_name(s);
}

const char *sw_out_state_label(const struct sw_app *app, enum sw_reg_state s)
{
	switch (s) {
	case SW_REG_UNKNOWN: return _("unknown");
	case SW_REG_REGISTERING: return _("registering");
	case SW_REG_REGISTERED: return _("registered");
	case SW_REG_REFRESHING: return _("refreshing");
	case SW_REG_FAILED: return _("failed");
	case SW_REG_EXPIRED: return _("expired");
	case SW_REG_UNREGISTERED: return _("unregistered");
	}
	return "";
}

static void put_text_c(struct sw_buf *b, const char *s)
{
	sw_buf_put_text(b, sw_str_c(s ? s : "-"));
}

/* Display columns of one UTF-8 character starting at p (CJK and full-width
 * forms take 2), and its byte length in *n. */
static size_t char_cols(const char *p, size_t *n)
{
	unsigned char c = (unsigned char)p[0];
	if (c < 0x80) {
		*n = 1;
		return 1;
	}
	*n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	for (size_t i = 1; i < *n; i++)
		if (!p[i]) {
			*n = i;
			return 1;
		}
	if (c >= 0xE0) {
		unsigned cp = ((c & 0x0Fu) << 12) | (((unsigned char)p[1] & 0x3Fu) << 6) |
			      ((unsigned char)p[2] & 0x3Fu);
		if (c >= 0xF0 || (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
		    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
		    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
		    (cp >= 0xFFE0 && cp <= 0xFFE6))
			return 2;
	}
	return 1;
}

static size_t str_cols(const char *s)
{
	size_t cols = 0, n;
	for (; *s; s += n)
		cols += char_cols(s, &n);
	return cols;
}

/* Wraps a paragraph at 78 columns under its label. A line breaks at a space,
 * or before any wide (CJK) character, so Chinese text wraps too. */
static void put_para(struct sw_buf *b, const char *label, const char *text, int indent)
{
	if (!text)
		return;
	struct sw_buf t = SW_BUF_INIT;
	sw_buf_put_text(&t, sw_str_c(text));
	size_t lead = (size_t)indent + str_cols(label), width = 78, col = lead;
	sw_buf_printf(b, "%*s%s", indent, "", label);
	const char *p = t.p;
	while (*p) {
		/* the next unit: an ASCII word, or one wide character */
		size_t n, cols = char_cols(p, &n), len = n;
		if (cols == 1 && *p != ' ') {
			size_t k;
			while (p[len] && p[len] != ' ' && char_cols(p + len, &k) == 1) {
				cols++;
				len += k;
			}
		}
		if (*p == ' ') {
			if (col > lead)
				sw_buf_putc(b, ' ');
			col += col > lead;
			p++;
			continue;
		}
		if (col + cols > width && col > lead) {
			while (b->len && b->p[b->len - 1] == ' ')
				b->p[--b->len] = '\0';
			sw_buf_printf(b, "\n%*s", (int)lead, "");
			col = lead;
		}
		sw_buf_put(b, p, len);
		col += cols;
		p += len;
	}
	sw_buf_putc(b, '\n');
	sw_buf_free(&t);
}

static void put_evidence(struct sw_app *app, struct sw_buf *b, const struct sw_finding *f)
{
	bool multi = sw_capture_nsources(app->cap) > 1;
	sw_buf_printf(b, "     %s", _("Evidence: "));
	/* The first frames and the latest; JSON and the TUI list them all. */
	size_t shown = 0;
	for (size_t i = 0; i < f->n_evidence; i++) {
		const struct sw_evidence *e = &f->evidence[i];
		if (i >= REPORT_EVIDENCE - 1 && i + 1 < f->n_evidence) {
			if (i == REPORT_EVIDENCE - 1)
				sw_buf_puts(b, ", ...");
			continue;
		}
		if (shown++)
			sw_buf_puts(b, ", ");
		if (multi) {
			put_text_c(b, sw_out_file_label(app, e->file_idx));
			sw_buf_putc(b, ':');
		}
		sw_buf_printf(b, "#%llu ", (unsigned long long)e->frame_no);
		sw_tr_label(app->cat, e->label, b);
	}
	if (f->evidence_total > f->n_evidence)
		sw_buf_printf(b, _n(" (%zu frame in all)", " (%zu frames in all)", f->evidence_total),
			      f->evidence_total);
	sw_buf_putc(b, '\n');
}

void sw_out_finding_text(struct sw_app *app, const struct sw_finding *f, bool brief)
{
	struct sw_buf *b = &app->line;
	char t[SW_TIMESTRLEN];
	struct sw_finding_texts tx;
	sw_finding_texts(app->an, f, brief ? SW_TEXT_SUMMARY : SW_TEXT_ALL, &tx);
	if (brief) {
		/* Live streaming: one line per finding. */
		sw_buf_printf(b, "%s %s %s%s%s ", sw_time_iso(f->first_ns, t),
			      sw_severity_name(f->severity), sw_kind_name(f->kind),
			      sw_finding_cause(f)[0] ? "/" : "", sw_finding_cause(f));
		put_text_c(b, tx.summary);
		sw_buf_puts(b, " [");
		for (size_t i = 0; i < f->n_evidence && i < 6; i++)
			sw_buf_printf(b, "%s#%llu", i ? " " : "",
				      (unsigned long long)f->evidence[i].frame_no);
		sw_buf_puts(b, "]\n");
		sw_out_flush_line(app);
		sw_finding_texts_free(&tx);
		return;
	}
	const char *cause = sw_finding_cause(f);
	sw_buf_printf(b, "  #%u %s %s%s%s%s\n", f->id, sw_out_sev_label(app, f->severity),
		      sw_kind_name(f->kind), cause[0] ? " (" : "", cause, cause[0] ? ")" : "");
	if (f->suspected)
		sw_buf_printf(b, "     %s\n", _("(suspected: the evidence allows only a suspicion)"));
	sw_buf_puts(b, "     ");
	put_text_c(b, tx.summary);
	sw_buf_putc(b, '\n');
	if (f->first_ns != INT64_MAX)
		sw_buf_printf(b, "     %s%s\n", _("When: "), sw_time_iso(f->first_ns, t));
	put_evidence(app, b, f);
	for (size_t i = 0; i < f->n_facts; i++) {
		if (f->facts[i].hidden)
			continue;
		sw_buf_printf(b, "     %s: ", sw_tr_fact(app->cat, f->facts[i].key));
		sw_tr_fact_value(app->cat, f->facts[i].key, f->facts[i].value, b);
		sw_buf_putc(b, '\n');
	}
	put_para(b, _("Why: "), tx.explanation, 5);
	put_para(b, _("Fix: "), tx.advice, 5);
	if (tx.confirm)
		put_para(b, _("To confirm: "), tx.confirm, 5);
	sw_finding_texts_free(&tx);
	if (f->resolved)
		sw_buf_printf(b, "     %s\n", _("(the account registered successfully afterwards)"));
	sw_buf_putc(b, '\n');
	sw_out_flush_line(app);
}

static void account_story(struct sw_app *app, const struct sw_account *ac)
{
	struct sw_buf *b = &app->line;
	char t[SW_TIMESTRLEN], s1[SW_ADDRSTRLEN], s2[SW_ADDRSTRLEN];
	sw_buf_puts(b, "  ");
	put_text_c(b, ac->aor);
	sw_buf_printf(b, "  %s", sw_out_state_label(app, ac->state));
	if (ac->state == SW_REG_REGISTERED && ac->registered_until_ns)
		sw_buf_printf(b, _(" until %s"), sw_time_iso(ac->registered_until_ns, t));
	sw_buf_putc(b, '\n');
	sw_buf_printf(b, "    %s %s -> %s %s", _("phone"), ac->client.family ? sw_addr_fmt(&ac->client, s1) : "-",
		      ac->registrar.family ? sw_addr_fmt(&ac->registrar, s2) : "-",
		      sw_transport_name(ac->transport));
	if (ac->user_agent) {
		sw_buf_puts(b, ", User-Agent \"");
		put_text_c(b, ac->user_agent);
		sw_buf_putc(b, '"');
	}
	if (ac->has_mac)
		sw_buf_printf(b, ", MAC %02x:%02x:%02x:%02x:%02x:%02x", ac->mac[0], ac->mac[1],
			      ac->mac[2], ac->mac[3], ac->mac[4], ac->mac[5]);
	sw_buf_putc(b, '\n');
	if (ac->server) {
		sw_buf_puts(b, "    Server \"");
		put_text_c(b, ac->server);
		sw_buf_puts(b, "\"\n");
	}
	/* From the account's first message to the end of the capture. */
	struct sw_analyze_stats as;
	sw_analyze_get_stats(app->an, &as);
	double span = as.last_ns > ac->first_ns ? ((double)as.last_ns - (double)ac->first_ns) / 1e9 : 0;
	sw_buf_puts(b, "    ");
	sw_buf_printf(b, _n("%u REGISTER attempt", "%u REGISTER attempts", ac->n_register),
		      ac->n_register);
	sw_buf_printf(b, _n(" (%u message)", " (%u messages)", ac->n_register_msgs),
		      ac->n_register_msgs);
	sw_buf_printf(b, _(": %u OK, %u challenged, %u rejected, %u unanswered; registered %.0f s of %.0f s\n"),
		      ac->n_ok, ac->n_challenge, ac->n_fail, ac->n_timeout,
		      (double)ac->registered_total_ns / 1e9, span);
	if (ac->requested_expires >= 0)
		sw_buf_printf(b, _("    expiry asked %d s"), ac->requested_expires);
	if (ac->granted_expires >= 0 && ac->requested_expires >= 0)
		sw_buf_printf(b, _(", granted %d s"), ac->granted_expires);
	else if (ac->granted_expires >= 0)
		sw_buf_printf(b, _("    granted %d s"), ac->granted_expires);
	if (ac->refresh_count)
		sw_buf_printf(b, _n("; refreshed every %.0f s on average (%u refresh)",
				    "; refreshed every %.0f s on average (%u refreshes)", ac->refresh_count),
			      (double)ac->refresh_sum_ns / 1e9 / ac->refresh_count,
			      ac->refresh_count);
	if (ac->requested_expires >= 0 || ac->granted_expires >= 0 || ac->refresh_count)
		sw_buf_putc(b, '\n');
	for (size_t i = 0; i < ac->n_public; i++) {
		const struct sw_public_addr *p = &ac->public_addrs[i];
		sw_buf_printf(b, _("    server saw the phone as %s from %s (frame %llu)\n"),
			      sw_addr_fmt(&p->addr, s1), sw_time_iso(p->first_ns, t),
			      (unsigned long long)p->first_frame);
	}
	size_t from = ac->n_changes > 8 ? ac->n_changes - 8 : 0;
	if (ac->n_changes) {
		sw_buf_printf(b, "    %s", _("history:"));
		if (from)
			sw_buf_puts(b, " ...");
		for (size_t i = from; i < ac->n_changes; i++) {
			const struct sw_reg_change *c = &ac->changes[i];
			sw_buf_printf(b, " %s %s", sw_time_hms(c->ts_ns, t),
				      sw_out_state_label(app, c->state));
			if (c->status)
				sw_buf_printf(b, "(%d)", c->status);
		}
		sw_buf_putc(b, '\n');
	}
	bool any = false;
	for (uint32_t k = 0; k < ac->n_findings; k++) {
		const struct sw_finding *f = sw_analyze_finding(app->an, ac->findings[k]);
		if (!f)
			continue;
		sw_buf_printf(b, "%s #%u %s %s%s%s", any ? "," : _("    findings:"), f->id,
			      sev_word(app, f->severity), sw_kind_name(f->kind),
			      sw_finding_cause(f)[0] ? "/" : "", sw_finding_cause(f));
		any = true;
	}
	if (any)
		sw_buf_putc(b, '\n');
	sw_buf_putc(b, '\n');
	sw_out_flush_line(app);
}

void sw_out_summary_text(struct sw_app *app, FILE *fp)
{
	const struct sw_decode_stats *s = sw_decode_get_stats(app->dec);
	struct sw_capture_stats cs;
	sw_capture_get_stats(app->cap, &cs);
	/* One count per kind of input, each with its own plural. */
	int k = 0;
#define COUNT(fmt, n)                                                           \
	do {                                                                    \
		if (k++)                                                        \
			fputs(_(", "), fp);                                     \
		fprintf(fp, fmt, (unsigned long long)(n));                      \
	} while (0)
	COUNT(_n("%llu packet", "%llu packets", app->frames), app->frames);
	COUNT(_n("%llu SIP message", "%llu SIP messages", s->sip), s->sip);
	COUNT(_n("%llu malformed SIP", "%llu malformed SIP", s->sip_bad), s->sip_bad);
	COUNT(_n("%llu non-SIP skipped", "%llu non-SIP skipped", s->non_sip), s->non_sip);
	COUNT(_n("%llu ICMP error", "%llu ICMP errors", s->icmp_errors), s->icmp_errors);
	COUNT(_n("%llu keepalive", "%llu keepalives", s->keepalives), s->keepalives);
	COUNT(_n("%llu truncated", "%llu truncated", s->truncated), s->truncated);
	COUNT(_n("%llu IP datagram reassembled", "%llu IP datagrams reassembled", s->ip_reassembled),
	      s->ip_reassembled);
	COUNT(_n("%llu TCP-reassembled message", "%llu TCP-reassembled messages", s->tcp_reassembled),
	      s->tcp_reassembled);
	COUNT(_n("%llu TLS stream", "%llu TLS streams", s->tls), s->tls);
#undef COUNT
	fputc('\n', fp);
	if (sw_capture_is_live(app->cap)) {
		fprintf(fp, _n("%llu packet received by the kernel", "%llu packets received by the kernel",
			       cs.received), (unsigned long long)cs.received);
		fprintf(fp, _(", %llu dropped\n"), (unsigned long long)cs.dropped);
	}
	if (cs.not_written)
		fprintf(fp, _n("%llu packet not saved to the -w file (another link type)\n",
			       "%llu packets not saved to the -w file (another link type)\n",
			       cs.not_written),
			(unsigned long long)cs.not_written);
	if (s->unsupported_link)
		fprintf(fp, _n("%llu packet of a link type sipwatch cannot decode was skipped\n",
			       "%llu packets of a link type sipwatch cannot decode were skipped\n",
			       s->unsupported_link),
			(unsigned long long)s->unsupported_link);
	sw_cli_hep_summary_text(app, fp);
	for (size_t i = 0; i < sw_capture_nsources(app->cap); i++) {
		const struct sw_capture_source *src = sw_capture_source(app->cap, i);
		if (src->skipped) {
			struct sw_buf nb = SW_BUF_INIT;
			sw_buf_put_text(&nb, sw_str_c(src->name));
			fprintf(fp, _n("%s: %llu packet on an interface the file never declared was skipped\n",
				       "%s: %llu packets on an interface the file never declared were skipped\n",
				       src->skipped),
				nb.p, (unsigned long long)src->skipped);
			sw_buf_free(&nb);
		}
		if (!src->damaged)
			continue;
		struct sw_buf b = SW_BUF_INIT;
		sw_buf_put_text(&b, sw_str_c(src->name));
		fprintf(fp, _n("%s: damaged, read stopped at byte %llu after %llu packet: %s\n",
			       "%s: damaged, read stopped at byte %llu after %llu packets: %s\n",
			       src->frames), b.p,
			(unsigned long long)src->damage_offset, (unsigned long long)src->frames,
			src->error);
		sw_buf_free(&b);
	}
}

void sw_out_report(struct sw_app *app)
{
	struct sw_buf *b = &app->line;
	struct sw_analyze_stats as;
	sw_analyze_get_stats(app->an, &as);
	char t1[SW_TIMESTRLEN], t2[SW_TIMESTRLEN];
	sw_buf_puts(b, "sipwatch " SW_VERSION " - ");
	for (size_t i = 0; i < sw_capture_nsources(app->cap); i++) {
		if (i)
			sw_buf_puts(b, ", ");
		put_text_c(b, sw_capture_source(app->cap, i)->name);
	}
	sw_buf_putc(b, '\n');
	if (as.last_ns)
		sw_buf_printf(b, _("Capture from %s to %s (%.1f s)\n"), sw_time_iso(as.first_ns, t1),
			      sw_time_iso(as.last_ns, t2), ((double)as.last_ns - (double)as.first_ns) / 1e9);
	sw_buf_putc(b, '\n');
	sw_out_flush_line(app);

	size_t na = sw_analyze_naccounts(app->an);
	sw_buf_printf(b, "%s (%zu)\n", _("Accounts"), na);
	sw_out_flush_line(app);
	if (!na) {
		sw_buf_printf(b, "  %s\n\n", _("no REGISTER seen"));
		sw_out_flush_line(app);
	}
	struct sw_account_buf abuf;
	for (size_t i = 0; i < na; i++)
		account_story(app, sw_analyze_account(app->an, i, &abuf));

	size_t nf = sw_analyze_nfindings(app->an);
	sw_buf_printf(b, "%s (%zu)\n", _("Findings"), nf);
	sw_out_flush_line(app);
	if (!nf) {
		sw_buf_printf(b, "  %s\n\n", _("none: nothing wrong was found"));
		sw_out_flush_line(app);
	}
	/* Errors first, then warnings, then information. A kind and cause
	 * that many accounts share is told once by its summary finding, with
	 * a few of the accounts' own findings as examples. */
	uint32_t shown[SW_K_COUNT][SW_C_COUNT];
	memset(shown, 0, sizeof shown);
	bool summarised[SW_K_COUNT][SW_C_COUNT];
	memset(summarised, 0, sizeof summarised);
	for (size_t i = 0; i < nf; i++) {
		const struct sw_finding *f = sw_analyze_finding(app->an, i);
		if (f->aggregate)
			summarised[f->kind][f->cause] = true;
	}
	for (int sev = SW_SEV_ERROR; sev >= SW_SEV_INFO; sev--)
		for (size_t i = 0; i < nf; i++) {
			const struct sw_finding *f = sw_analyze_finding(app->an, i);
			if ((int)f->severity != sev)
				continue;
			if (summarised[f->kind][f->cause] && !f->aggregate &&
			    shown[f->kind][f->cause]++ >= REPORT_EXAMPLES)
				continue;
			sw_out_finding_text(app, f, false);
		}
	for (int k = 0; k < SW_K_COUNT; k++)
		for (int c = 0; c < SW_C_COUNT; c++)
			if (shown[k][c] > REPORT_EXAMPLES) {
				const char *cn = sw_cause_name((enum sw_cause)c);
				sw_buf_printf(b, _n("  ... %u more %s%s%s finding, one per account (all in --json)\n\n",
						    "  ... %u more %s%s%s findings, one per account (all in --json)\n\n",
						    shown[k][c] - REPORT_EXAMPLES),
					      shown[k][c] - REPORT_EXAMPLES, sw_kind_name((enum sw_kind)k),
					      cn[0] ? "/" : "", cn);
				sw_out_flush_line(app);
			}
	if (as.findings_dropped) {
		sw_buf_printf(b, _n("  %llu more finding was not kept (over the limit of %u): the summaries above count it\n\n",
				    "  %llu more findings were not kept (over the limit of %u): the summaries above count them\n\n",
				    as.findings_dropped),
			      (unsigned long long)as.findings_dropped, (unsigned)SW_MAX_FINDINGS);
		sw_out_flush_line(app);
	}

	sw_out_pair_report(app);

	size_t nd = sw_analyze_ndialogs(app->an);
	if (nd) {
		sw_buf_printf(b, "%s (%zu)\n", _("Calls and other dialogs"), nd);
		for (size_t i = 0; i < nd; i++) {
			const struct sw_dialog *d = sw_analyze_dialog(app->an, i);
			if (!d)
				continue; /* retired (live, bounded memory) */
			char s1[SW_ADDRSTRLEN], s2[SW_ADDRSTRLEN];
			sw_buf_printf(b, "  %s %s ", sw_time_hms(d->first_ns, t1),
				      d->method ? d->method : "?");
			if (d->call_id) {
				put_text_c(b, d->from);
				sw_buf_puts(b, " -> ");
				put_text_c(b, d->to);
				sw_buf_printf(b, "  %s", dialog_state_label(app, d->state));
				if (d->final_status)
					sw_buf_printf(b, " %d", d->final_status);
				sw_buf_puts(b, _(", "));
				sw_buf_printf(b, _n("%u msg", "%u msgs", d->n_msgs), d->n_msgs);
				sw_buf_putc(b, '\n');
			} else {
				sw_buf_printf(b, "%s -> %s: %u %s, %u %s, %u %s\n",
					      sw_addr_fmt(&d->caller, s1), sw_addr_fmt(&d->callee, s2),
					      d->n_requests, _("sent"), d->n_answered, _("answered"),
					      d->n_unanswered, _("unanswered"));
			}
			if (b->len > 4096)
				sw_out_flush_line(app);
		}
		sw_buf_putc(b, '\n');
		sw_out_flush_line(app);
	}
	sw_buf_printf(b, "%s\n", _("Input"));
	sw_out_flush_line(app);
	fflush(app->out);
	sw_out_summary_text(app, app->out);
}
