/* SPDX-License-Identifier: BSD-2-Clause */
/* JSON objects after the messages: findings, registrations, dialogs and the
 * summary (docs/json.md). One object per line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/timefmt.h"

/* Inputs as a bit mask: all of them. */
static uint64_t all_files(const struct sw_app *app)
{
	size_t n = sw_capture_nsources(app->cap);
	return n >= 64 ? UINT64_MAX : (((uint64_t)1 << n) - 1);
}

/* The inputs whose messages belong to list item `item` (all of them when
 * only one input, or before the end, or when unknown). */
static uint64_t item_files(struct sw_app *app, uint32_t item)
{
	if (sw_capture_nsources(app->cap) <= 1 || !app->ended)
		return all_files(app);
	if (!app->item_files_done) {
		app->item_files_done = true;
		app->n_item_files = sw_analyze_nitems(app->an);
		app->item_files = calloc(app->n_item_files ? app->n_item_files : 1, sizeof(uint64_t));
		if (!app->item_files)
			app->n_item_files = 0;
		for (size_t id = 0; id < sw_analyze_nmsgs(app->an); id++) {
			struct sw_msg m_rec;
			const struct sw_msg *m = sw_analyze_msg(app->an, (uint32_t)id, &m_rec);
			if (m && m->item < app->n_item_files && m->file_idx < 64)
				app->item_files[m->item] |= (uint64_t)1 << m->file_idx;
		}
	}
	if (item < app->n_item_files && app->item_files[item])
		return app->item_files[item];
	return all_files(app);
}

/* ,"files":["a.pcap","b.pcap"] in input order. */
static void json_files(struct sw_app *app, struct sw_buf *b, uint64_t mask)
{
	sw_buf_puts(b, ",\"files\":[");
	bool first = true;
	for (size_t i = 0; i < sw_capture_nsources(app->cap) && i < 64; i++) {
		if (!(mask & ((uint64_t)1 << i)))
			continue;
		if (!first)
			sw_buf_putc(b, ',');
		first = false;
		sw_buf_put_json_str(b, sw_str_c(sw_out_file_name(app, (uint32_t)i)));
	}
	sw_buf_putc(b, ']');
}

/* A finding came from the files of its evidence; without evidence, from
 * those of its account or dialog, else from all. */
static uint64_t finding_files(struct sw_app *app, const struct sw_finding *f)
{
	uint64_t mask = 0;
	for (size_t i = 0; i < f->n_evidence; i++)
		if (f->evidence[i].file_idx < 64)
			mask |= (uint64_t)1 << f->evidence[i].file_idx;
	if (mask)
		return mask;
	struct sw_account_buf abuf;
	if (f->account != UINT32_MAX && f->account < sw_analyze_naccounts(app->an))
		return item_files(app, sw_analyze_account(app->an, f->account, &abuf)->item);
	if (f->dialog != UINT32_MAX && f->dialog < sw_analyze_ndialogs(app->an) &&
	    sw_analyze_dialog(app->an, f->dialog))
		return item_files(app, sw_analyze_dialog(app->an, f->dialog)->item);
	return all_files(app);
}

void sw_out_finding_json(struct sw_app *app, const struct sw_finding *f)
{
	sw_out_finding_json_to(app, &app->line, f);
	sw_buf_putc(&app->line, '\n');
	sw_out_flush_line(app);
}

void sw_out_finding_json_to(struct sw_app *app, struct sw_buf *b, const struct sw_finding *f)
{
	sw_buf_printf(b, "{\"type\":\"finding\",\"id\":%u,\"kind\":\"%s\"", f->id,
		      sw_kind_name(f->kind));
	const char *cause = sw_finding_cause(f);
	sw_json_cstr(b, "cause", cause[0] ? cause : NULL);
	sw_buf_printf(b, ",\"severity\":\"%s\",\"suspected\":%s,\"resolved\":%s",
		      sw_severity_name(f->severity), f->suspected ? "true" : "false",
		      f->resolved ? "true" : "false");
	if (f->explained_by != UINT32_MAX)
		sw_buf_printf(b, ",\"explained_by\":%u", f->explained_by);
	if (f->aggregate)
		sw_buf_puts(b, ",\"aggregate\":true");
	sw_json_cstr(b, "aor", f->aor);
	json_files(app, b, finding_files(app, f));
	sw_json_endpoint(b, "client", &f->client);
	sw_json_endpoint(b, "server", &f->server);
	sw_json_time(b, "first", f->first_ns);
	sw_json_time(b, "last", f->last_ns);
	sw_buf_puts(b, ",\"evidence\":[");
	for (size_t i = 0; i < f->n_evidence; i++) {
		const struct sw_evidence *e = &f->evidence[i];
		char t[SW_TIMESTRLEN];
		sw_buf_puts(b, i ? ",{\"file\":" : "{\"file\":");
		sw_buf_put_json_str(b, sw_str_c(sw_out_file_name(app, e->file_idx)));
		sw_buf_printf(b, ",\"frame\":%llu,\"time\":\"%s\",\"what\":",
			      (unsigned long long)e->frame_no, sw_time_iso(e->ts_ns, t));
		sw_buf_put_json_str(b, sw_str_c(e->label));
		sw_buf_putc(b, '}');
	}
	sw_buf_printf(b, "],\"evidence_total\":%zu,\"facts\":{", f->evidence_total);
	for (size_t i = 0, n = 0; i < f->n_facts; i++) {
		if (f->facts[i].hidden)
			continue;
		sw_buf_printf(b, "%s\"%s\":", n++ ? "," : "", f->facts[i].key);
		sw_buf_put_json_str(b, sw_str_c(f->facts[i].value));
	}
	sw_buf_putc(b, '}');
	struct sw_finding_texts tx;
	sw_finding_texts(app->an, f, SW_TEXT_ALL, &tx);
	sw_json_cstr(b, "summary", tx.summary);
	sw_json_cstr(b, "explanation", tx.explanation);
	sw_json_cstr(b, "advice", tx.advice);
	sw_json_cstr(b, "confirm", tx.confirm);
	sw_finding_texts_free(&tx);
	sw_buf_putc(b, '}');
}

static void registration_json(struct sw_app *app, const struct sw_account *ac)
{
	struct sw_buf *b = &app->line;
	sw_buf_puts(b, "{\"type\":\"registration\"");
	sw_json_uint(b, "id", ac->id);
	sw_json_cstr(b, "aor", ac->aor);
	json_files(app, b, item_files(app, ac->item));
	sw_json_lit(b, "state", sw_reg_state_name(ac->state));
	sw_json_endpoint(b, "client", &ac->client);
	sw_json_endpoint(b, "registrar", &ac->registrar);
	sw_json_lit(b, "transport", sw_transport_name(ac->transport));
	sw_json_cstr(b, "user_agent", ac->user_agent);
	sw_json_cstr(b, "server", ac->server);
	sw_json_cstr(b, "contact", ac->contact);
	if (ac->has_mac) {
		static const char hex[] = "0123456789abcdef";
		char mac[18];
		for (int i = 0; i < 6; i++) {
			mac[i * 3] = hex[ac->mac[i] >> 4];
			mac[i * 3 + 1] = hex[ac->mac[i] & 15];
			mac[i * 3 + 2] = i < 5 ? ':' : '\0';
		}
		sw_json_lit(b, "mac", mac);
	}
	sw_json_time(b, "registered_until", ac->registered_until_ns);
	sw_json_secs(b, "registered_seconds", ac->registered_total_ns);
	if (ac->requested_expires >= 0)
		sw_json_uint(b, "requested_expires", (uint64_t)ac->requested_expires);
	if (ac->granted_expires >= 0)
		sw_json_uint(b, "granted_expires", (uint64_t)ac->granted_expires);
	if (ac->refresh_count) {
		sw_buf_puts(b, ",\"refresh\":{\"count\":");
		sw_buf_put_u64(b, ac->refresh_count);
		sw_json_secs(b, "min", ac->refresh_min_ns);
		sw_json_secs(b, "avg", ac->refresh_sum_ns / ac->refresh_count);
		sw_json_secs(b, "max", ac->refresh_max_ns);
		sw_buf_putc(b, '}');
	}
	sw_json_uint(b, "register_attempts", ac->n_register);
	sw_json_uint(b, "register_messages", ac->n_register_msgs);
	sw_json_uint(b, "ok", ac->n_ok);
	sw_json_uint(b, "challenges", ac->n_challenge);
	sw_json_uint(b, "failures", ac->n_fail);
	sw_json_uint(b, "timeouts", ac->n_timeout);
	sw_json_time(b, "first", ac->first_ns);
	sw_json_time(b, "last", ac->last_ns);
	sw_buf_puts(b, ",\"public_addresses\":[");
	for (size_t i = 0; i < ac->n_public; i++) {
		const struct sw_public_addr *p = &ac->public_addrs[i];
		char s[SW_ADDRSTRLEN];
		sw_buf_puts(b, i ? ",{\"addr\":\"" : "{\"addr\":\"");
		sw_buf_puts(b, sw_addr_fmt(&p->addr, s));
		sw_buf_putc(b, '"');
		sw_json_time(b, "first", p->first_ns);
		sw_json_time(b, "last", p->last_ns);
		sw_json_uint(b, "first_frame", p->first_frame);
		sw_buf_putc(b, '}');
	}
	sw_buf_puts(b, "],\"history\":[");
	for (size_t i = 0; i < ac->n_changes; i++) {
		const struct sw_reg_change *c = &ac->changes[i];
		char t[SW_TIMESTRLEN];
		sw_buf_puts(b, i ? ",{\"time\":\"" : "{\"time\":\"");
		sw_buf_puts(b, sw_time_iso(c->ts_ns, t));
		sw_buf_putc(b, '"');
		sw_json_lit(b, "state", sw_reg_state_name(c->state));
		sw_json_uint(b, "frame", c->frame_no);
		if (c->status)
			sw_json_uint(b, "status", (uint64_t)c->status);
		sw_buf_putc(b, '}');
	}
	sw_buf_puts(b, "],\"findings\":[");
	for (uint32_t i = 0; i < ac->n_findings; i++) {
		if (i)
			sw_buf_putc(b, ',');
		sw_buf_put_u64(b, ac->findings[i]);
	}
	sw_buf_puts(b, "]}\n");
	sw_out_flush_line(app);
}

static void dialog_json(struct sw_app *app, const struct sw_dialog *d)
{
	struct sw_buf *b = &app->line;
	sw_buf_printf(b, "{\"type\":\"dialog\",\"id\":%u", d->id);
	sw_json_cstr(b, "method", d->method);
	sw_json_cstr(b, "call_id", d->call_id);
	sw_json_cstr(b, "from", d->from);
	sw_json_cstr(b, "to", d->to);
	json_files(app, b, item_files(app, d->item));
	sw_json_endpoint(b, "caller", &d->caller);
	sw_json_endpoint(b, "callee", &d->callee);
	sw_buf_printf(b, ",\"state\":\"%s\"", sw_dialog_state_name(d->state));
	if (d->final_status)
		sw_buf_printf(b, ",\"final_status\":%d", d->final_status);
	sw_json_time(b, "first", d->first_ns);
	sw_json_time(b, "last", d->last_ns);
	sw_buf_printf(b, ",\"messages\":%u", d->n_msgs);
	if (!d->call_id)
		sw_buf_printf(b, ",\"requests\":%u,\"answered\":%u,\"unanswered\":%u", d->n_requests,
			      d->n_answered, d->n_unanswered);
	sw_buf_puts(b, "}\n");
	sw_out_flush_line(app);
}

static void summary_json(struct sw_app *app)
{
	struct sw_buf *b = &app->line;
	const struct sw_decode_stats *s = sw_decode_get_stats(app->dec);
	struct sw_analyze_stats as;
	sw_analyze_get_stats(app->an, &as);
	struct sw_capture_stats cs;
	sw_capture_get_stats(app->cap, &cs);
	sw_buf_printf(b, "{\"type\":\"summary\",\"schema_version\":%d,\"sipwatch_version\":",
		      SW_JSON_SCHEMA_VERSION);
	sw_buf_put_json_str(b, sw_str_c(SW_VERSION));
	sw_json_cstr(b, "commit", app->commit);
	sw_buf_printf(b,
		      ",\"packets\":%llu,\"sip_messages\":%llu,"
		      "\"malformed_sip\":%llu,\"oversize_sip\":%llu,\"non_sip\":%llu,"
		      "\"icmp_errors\":%llu,\"keepalives\":%llu,\"dns\":%llu,\"tls\":%llu,"
		      "\"truncated\":%llu,\"bad_headers\":%llu,\"unsupported_link\":%llu,"
		      "\"ip_fragments\":%llu,\"ip_reassembled\":%llu,\"ip_fragments_dropped\":%llu,"
		      "\"tcp_reassembled\":%llu,\"tcp_retransmissions\":%llu,\"tcp_gaps\":%llu,"
		      "\"transactions\":%llu,\"retransmissions\":%llu,\"timeouts\":%llu",
		      (unsigned long long)app->frames, (unsigned long long)s->sip,
		      (unsigned long long)s->sip_bad, (unsigned long long)s->sip_oversize,
		      (unsigned long long)s->non_sip, (unsigned long long)s->icmp_errors,
		      (unsigned long long)s->keepalives, (unsigned long long)s->dns,
		      (unsigned long long)s->tls, (unsigned long long)s->truncated,
		      (unsigned long long)s->bad_headers, (unsigned long long)s->unsupported_link,
		      (unsigned long long)s->ip_fragments, (unsigned long long)s->ip_reassembled,
		      (unsigned long long)s->ip_frag_dropped, (unsigned long long)s->tcp_reassembled,
		      (unsigned long long)s->tcp_retrans, (unsigned long long)s->tcp_gaps,
		      (unsigned long long)as.transactions, (unsigned long long)as.retransmissions,
		      (unsigned long long)as.timeouts);
	if (sw_capture_is_live(app->cap))
		sw_buf_printf(b, ",\"kernel_received\":%llu,\"kernel_dropped\":%llu",
			      (unsigned long long)cs.received, (unsigned long long)cs.dropped);
	if (cs.not_written)
		sw_buf_printf(b, ",\"not_written\":%llu", (unsigned long long)cs.not_written);
	if (cs.filtered_out)
		sw_buf_printf(b, ",\"filtered_out\":%llu", (unsigned long long)cs.filtered_out);
	sw_json_time(b, "first", as.first_ns);
	sw_json_time(b, "last", as.last_ns);
	size_t nf[3] = { 0, 0, 0 };
	for (size_t i = 0; i < sw_analyze_nfindings(app->an); i++)
		nf[sw_analyze_finding(app->an, i)->severity]++;
	sw_buf_printf(b, ",\"findings\":{\"error\":%zu,\"warning\":%zu,\"info\":%zu}", nf[2], nf[1],
		      nf[0]);
	sw_buf_printf(b, ",\"findings_dropped\":%llu", (unsigned long long)as.findings_dropped);
	sw_cli_hep_summary_json(app, b);
	bool complete = true;
	sw_buf_puts(b, ",\"inputs\":[");
	for (size_t i = 0; i < sw_capture_nsources(app->cap); i++) {
		const struct sw_capture_source *src = sw_capture_source(app->cap, i);
		sw_buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
		sw_buf_put_json_str(b, sw_str_c(src->name));
		sw_buf_printf(b, ",\"format\":\"%s\",\"gzip\":%s,\"link_type\":%d,\"packets\":%llu",
			      src->format, src->gzip ? "true" : "false", src->linktype,
			      (unsigned long long)src->frames);
		if (src->skipped)
			sw_buf_printf(b, ",\"skipped\":%llu", (unsigned long long)src->skipped);
		if (src->damaged) {
			complete = false;
			sw_buf_printf(b, ",\"damaged\":true,\"stopped_at\":%llu,\"error\":",
				      (unsigned long long)src->damage_offset);
			sw_buf_put_json_str(b, sw_str_c(src->error));
		}
		sw_buf_putc(b, '}');
	}
	sw_buf_printf(b, "],\"complete\":%s}\n", complete ? "true" : "false");
	sw_out_flush_line(app);
}

void sw_out_end_json(struct sw_app *app)
{
	struct sw_account_buf abuf;
	for (size_t i = 0; i < sw_analyze_naccounts(app->an); i++)
		registration_json(app, sw_analyze_account(app->an, i, &abuf));
	for (size_t i = 0; i < sw_analyze_ndialogs(app->an); i++)
		if (sw_analyze_dialog(app->an, i))
			dialog_json(app, sw_analyze_dialog(app->an, i));
	summary_json(app);
}
