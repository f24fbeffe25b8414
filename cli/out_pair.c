/* SPDX-License-Identifier: BSD-2-Clause */
/* Two captures of one path (analyze/pair.h) in the output: the JSON objects
 * "pair", "path_match" and "path_loss" (docs/json.md), and the report's
 * "Path between the captures" section. Wire strings are escaped. */
#include <stdio.h>
#include <string.h>

#include "analyze/pair.h"
#include "cli/cli.h"
#include "common/timefmt.h"

#define _(s) sw_tr(app->cat, s)
#define _n(s, p, n) sw_trn(app->cat, s, p, n)
#define REPORT_MAX_LOSSES 20u   /* lost messages listed in the report per direction */
#define REPORT_MAX_CHANGED 10u  /* changed messages listed in the report */
#define REPORT_MAX_MAPPINGS 8u  /* NAT mappings listed in the report */

static double secs(int64_t ns)
{
	return (double)ns / 1e9;
}



static void jfile(struct sw_app *app, struct sw_buf *b, const char *key, uint32_t file_idx)
{
	sw_buf_printf(b, ",\"%s\":", key);
	sw_buf_put_json_str(b, sw_str_c(sw_out_file_name(app, file_idx)));
}

static void jcues(struct sw_buf *b, const char *key, unsigned cues)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ SW_CUE_PRIVATE, "private_address" },
		{ SW_CUE_VIA, "via_sent_by" },
		{ SW_CUE_TIMING, "timing" },
	};
	sw_buf_printf(b, ",\"%s\":[", key);
	bool first = true;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (cues & names[i].bit) {
			sw_buf_printf(b, "%s\"%s\"", first ? "" : ",", names[i].name);
			first = false;
		}
	sw_buf_putc(b, ']');
}

static void jdirs(struct sw_buf *b, const char *key, const uint32_t v[2])
{
	sw_buf_printf(b, ",\"%s\":{\"to_server\":%u,\"to_phone\":%u}", key, v[SW_DIR_TO_SERVER],
		      v[SW_DIR_TO_PHONE]);
}

static void side_json(struct sw_app *app, struct sw_buf *b, const struct sw_pair_summary *s,
		      int side)
{
	sw_buf_printf(b, ",\"%s\":{\"file\":", side == SW_SIDE_PHONE ? "phone" : "server");
	sw_buf_put_json_str(b, sw_str_c(sw_out_file_name(app, s->file[side])));
	sw_buf_printf(b, ",\"messages\":%llu", (unsigned long long)s->messages[side]);
	sw_json_time(b, "first", s->first_ns[side]);
	sw_json_time(b, "last", s->last_ns[side]);
	if (s->not_recorded[side])
		sw_buf_printf(b, ",\"not_recorded\":%llu", (unsigned long long)s->not_recorded[side]);
	sw_buf_putc(b, '}');
}

static void summary_json(struct sw_app *app, const struct sw_pair *p)
{
	struct sw_buf *b = &app->line;
	const struct sw_pair_summary *s = sw_pair_summary(p);
	sw_buf_printf(b, "{\"type\":\"pair\",\"status\":\"%s\"", sw_pair_status_name(s->status));
	sw_buf_puts(b, ",\"reason\":");
	sw_buf_put_json_str(b, s->reason ? sw_str_c(s->reason) : SW_STR_NULL);
	side_json(app, b, s, SW_SIDE_PHONE);
	side_json(app, b, s, SW_SIDE_SERVER);
	sw_buf_printf(b, ",\"roles\":\"%s\",\"confidence\":\"%s\"",
		      s->confidence == SW_CONF_GIVEN ? "given" : "detected",
		      sw_pair_confidence_name(s->confidence));
	jcues(b, "cues_for", s->cues_for);
	jcues(b, "cues_against", s->cues_against);
	const struct sw_pair_offset *o = &s->offset;
	if (o->known)
		sw_buf_printf(b,
			      ",\"clock_offset\":{\"seconds\":%.6f,\"one_way_delay\":%.6f,"
			      "\"spread\":%.6f,\"samples_to_server\":%u,\"samples_to_phone\":%u,"
			      "\"one_direction\":%s}",
			      secs(o->offset_ns), secs(o->delay_ns), secs(o->spread_ns),
			      o->samples[SW_DIR_TO_SERVER], o->samples[SW_DIR_TO_PHONE],
			      o->one_direction ? "true" : "false");
	else
		sw_buf_puts(b, ",\"clock_offset\":null");
	sw_buf_printf(b, ",\"matched\":%u", s->matched);
	jdirs(b, "delivered", s->delivered);
	jdirs(b, "lost", s->lost);
	jdirs(b, "outside_window", s->outside_window);
	jdirs(b, "unsent", s->unsent);
	sw_buf_printf(b, ",\"changed\":%u,\"rewrites\":%u,\"not_compared\":%u", s->changed,
		      s->rewrites, s->not_compared);
	if (s->text_dropped)
		sw_buf_printf(b, ",\"text_dropped\":%llu", (unsigned long long)s->text_dropped);
	sw_buf_puts(b, ",\"mappings\":[");
	for (size_t i = 0; i < sw_pair_nmappings(p); i++) {
		const struct sw_pair_mapping *m = sw_pair_mapping(p, i);
		sw_buf_printf(b, "%s{\"role\":\"%s\"", i ? "," : "",
			      m->role == SW_SIDE_PHONE ? "phone" : "server");
		sw_json_endpoint(b, "inside", &m->inside);
		sw_json_endpoint(b, "outside", &m->outside);
		sw_buf_printf(b, ",\"messages\":%u", m->messages);
		sw_json_time(b, "first", m->first_ns);
		sw_json_time(b, "last", m->last_ns);
		sw_buf_putc(b, '}');
	}
	sw_buf_puts(b, "]}\n");
	sw_out_flush_line(app);
}

static void copy_json(struct sw_app *app, struct sw_buf *b, const char *key,
		      const struct sw_pair_copy *c)
{
	sw_buf_printf(b, ",\"%s\":{\"file\":", key);
	sw_buf_put_json_str(b, sw_str_c(sw_out_file_name(app, c->file_idx)));
	sw_buf_printf(b, ",\"frame\":%llu", (unsigned long long)c->frame_no);
	sw_json_time(b, "time", c->ts_ns);
	sw_json_endpoint(b, "src", &c->src);
	sw_json_endpoint(b, "dst", &c->dst);
	sw_buf_putc(b, '}');
}

static void match_json(struct sw_app *app, const struct sw_pair_match *m)
{
	struct sw_buf *b = &app->line;
	sw_buf_printf(b, "{\"type\":\"path_match\",\"id\":%u,\"direction\":\"%s\",\"what\":", m->id,
		      sw_pair_dir_name(m->dir));
	sw_buf_put_json_str(b, sw_str_c(m->label));
	sw_buf_printf(b, ",\"cseq\":%lld", (long long)m->cseq);
	copy_json(app, b, "phone", &m->copy[SW_SIDE_PHONE]);
	copy_json(app, b, "server", &m->copy[SW_SIDE_SERVER]);
	sw_buf_printf(b, ",\"transit\":%.6f,\"compared\":%s,\"rewrites\":%u,\"diffs\":[",
		      secs(m->transit_ns), m->compared ? "true" : "false", m->rewrites);
	for (size_t i = 0; i < m->n_diffs; i++) {
		const struct sw_pair_diff *d = &m->diffs[i];
		sw_buf_puts(b, i ? ",{\"field\":" : "{\"field\":");
		sw_buf_put_json_str(b, sw_str_c(d->field));
		sw_buf_printf(b, ",\"index\":%u,\"class\":\"%s\",\"nat_translated\":%s,\"before\":",
			      d->index, d->cls == SW_DIFF_NAT ? "nat" : "rewrite",
			      d->nat_translated ? "true" : "false");
		sw_buf_put_json_str(b, d->before ? sw_str_c(d->before) : SW_STR_NULL);
		sw_buf_puts(b, ",\"after\":");
		sw_buf_put_json_str(b, d->after ? sw_str_c(d->after) : SW_STR_NULL);
		if (d->cut)
			sw_buf_puts(b, ",\"cut\":true");
		sw_buf_putc(b, '}');
	}
	sw_buf_printf(b, "],\"diffs_total\":%u}\n", m->diffs_total);
	sw_out_flush_line(app);
}

static void loss_json(struct sw_app *app, const struct sw_pair_loss *l)
{
	struct sw_buf *b = &app->line;
	sw_buf_printf(b, "{\"type\":\"path_loss\",\"id\":%u,\"direction\":\"%s\",\"what\":", l->id,
		      sw_pair_dir_name(l->dir));
	sw_buf_put_json_str(b, sw_str_c(l->label));
	sw_buf_printf(b, ",\"cseq\":%lld,\"seen\":\"%s\"", (long long)l->cseq,
		      l->side == SW_SIDE_PHONE ? "phone" : "server");
	jfile(app, b, "file", l->copy.file_idx);
	sw_buf_printf(b, ",\"frame\":%llu", (unsigned long long)l->copy.frame_no);
	sw_json_time(b, "time", l->copy.ts_ns);
	sw_json_endpoint(b, "src", &l->copy.src);
	sw_json_endpoint(b, "dst", &l->copy.dst);
	sw_json_time(b, "expected", l->expected_ns);
	sw_buf_puts(b, "}\n");
	sw_out_flush_line(app);
}

void sw_out_pair_json(struct sw_app *app)
{
	const struct sw_pair *p = sw_analyze_pair(app->an);
	if (!p)
		return;
	summary_json(app, p);
	for (size_t i = 0; i < sw_pair_nmatches(p); i++)
		match_json(app, sw_pair_match(p, i));
	for (size_t i = 0; i < sw_pair_nlosses(p); i++)
		loss_json(app, sw_pair_loss(p, i));
}

/* ---- report ------------------------------------------------------------------- */

static void put_text_c(struct sw_buf *b, const char *s)
{
	sw_buf_put_text(b, sw_str_c(s ? s : "-"));
}

static void put_cues(struct sw_app *app, struct sw_buf *b, unsigned cues)
{
	const char *names[3] = { _("private address"), _("Via sent-by"), _("timing") };
	unsigned bits[3] = { SW_CUE_PRIVATE, SW_CUE_VIA, SW_CUE_TIMING };
	bool first = true;
	for (int i = 0; i < 3; i++)
		if (cues & bits[i]) {
			sw_buf_printf(b, "%s%s", first ? "" : ", ", names[i]);
			first = false;
		}
}

static void put_frame(struct sw_app *app, struct sw_buf *b, const struct sw_pair_copy *c)
{
	put_text_c(b, sw_out_file_label(app, c->file_idx));
	sw_buf_printf(b, ":#%llu", (unsigned long long)c->frame_no);
}

static void report_losses(struct sw_app *app, const struct sw_pair *p, uint8_t dir)
{
	struct sw_buf *b = &app->line;
	const struct sw_pair_summary *s = sw_pair_summary(p);
	if (!s->lost[dir])
		return;
	sw_buf_printf(b, dir == SW_DIR_TO_PHONE ? _("  Lost on the way server -> phone (%u):\n")
						: _("  Lost on the way phone -> server (%u):\n"),
		      s->lost[dir]);
	uint32_t shown = 0;
	char t1[SW_TIMESTRLEN], t2[SW_TIMESTRLEN];
	for (size_t i = 0; i < sw_pair_nlosses(p); i++) {
		const struct sw_pair_loss *l = sw_pair_loss(p, i);
		if (l->dir != dir)
			continue;
		if (shown++ == REPORT_MAX_LOSSES) {
			sw_buf_printf(b, _("    ... and %u more\n"), s->lost[dir] - REPORT_MAX_LOSSES);
			break;
		}
		sw_buf_puts(b, "    ");
		put_frame(app, b, &l->copy);
		sw_buf_printf(b, " %s ", sw_time_hms(l->copy.ts_ns, t1));
		put_text_c(b, l->label);
		sw_buf_printf(b, _(" (CSeq %lld), due %s\n"), (long long)l->cseq,
			      sw_time_hms(l->expected_ns, t2));
	}
	sw_out_flush_line(app);
}

static void report_changes(struct sw_app *app, const struct sw_pair *p)
{
	struct sw_buf *b = &app->line;
	const struct sw_pair_summary *s = sw_pair_summary(p);
	if (!s->changed)
		return;
	sw_buf_printf(b, _n("  Changed on the way (%u message):\n", "  Changed on the way (%u messages):\n",
			    s->changed),
		      s->changed);
	uint32_t shown = 0;
	for (size_t i = 0; i < sw_pair_nmatches(p); i++) {
		const struct sw_pair_match *m = sw_pair_match(p, i);
		if (!m->rewrites)
			continue;
		if (shown++ == REPORT_MAX_CHANGED) {
			sw_buf_printf(b, _("    ... and %u more (see --json)\n"),
				      s->changed - REPORT_MAX_CHANGED);
			break;
		}
		int snd = m->dir == SW_DIR_TO_SERVER ? SW_SIDE_PHONE : SW_SIDE_SERVER;
		sw_buf_puts(b, "    ");
		put_text_c(b, m->label);
		sw_buf_printf(b, " (CSeq %lld) ", (long long)m->cseq);
		put_frame(app, b, &m->copy[snd]);
		sw_buf_puts(b, " -> ");
		put_frame(app, b, &m->copy[1 - snd]);
		sw_buf_putc(b, '\n');
		for (size_t k = 0; k < m->n_diffs; k++) {
			const struct sw_pair_diff *d = &m->diffs[k];
			if (d->cls != SW_DIFF_REWRITE)
				continue;
			sw_buf_puts(b, "      ");
			put_text_c(b, d->field);
			sw_buf_puts(b, ": ");
			put_text_c(b, d->before ? d->before : _("(absent)"));
			sw_buf_puts(b, "\n        => ");
			put_text_c(b, d->after ? d->after : _("(absent)"));
			sw_buf_putc(b, '\n');
		}
		if (m->diffs_total > m->n_diffs)
			sw_buf_printf(b, _n("      (%u difference in all)\n", "      (%u differences in all)\n",
					    m->diffs_total),
				      m->diffs_total);
		sw_out_flush_line(app);
	}
}

void sw_out_pair_report(struct sw_app *app)
{
	const struct sw_pair *p = sw_analyze_pair(app->an);
	if (!p)
		return;
	struct sw_buf *b = &app->line;
	const struct sw_pair_summary *s = sw_pair_summary(p);
	char a1[SW_ADDRSTRLEN], a2[SW_ADDRSTRLEN];
	sw_buf_printf(b, "%s\n", _("Path between the captures"));
	if (s->status != SW_PAIR_PAIRED) {
		sw_buf_puts(b, "  ");
		sw_buf_printf(b,
			      s->status == SW_PAIR_IDENTICAL
				      ? _("the two files hold the same packets: nothing to compare")
				      : _("the two files do not look like two views of one path (%s): analysed as one merged capture"),
			      s->reason ? _(s->reason) : "-");
		sw_buf_puts(b, "\n\n");
		sw_out_flush_line(app);
		return;
	}
	for (int side = 0; side < 2; side++) {
		sw_buf_printf(b, "  %s ", side == SW_SIDE_PHONE ? _("phone side: ") : _("server side:"));
		put_text_c(b, sw_out_file_name(app, s->file[side]));
		sw_buf_printf(b, _(" (%llu SIP messages)\n"), (unsigned long long)s->messages[side]);
	}
	if (s->confidence == SW_CONF_GIVEN) {
		sw_buf_printf(b, "  %s", _("roles given with --sides"));
		if (s->cues_against) {
			sw_buf_printf(b, "%s", _("; but these cues point the other way: "));
			put_cues(app, b, s->cues_against);
		}
	} else if (s->confidence == SW_CONF_NONE) {
		sw_buf_printf(b, "  %s", _("roles assumed from the order of the files (no cue tells them apart; use --sides)"));
	} else {
		sw_buf_printf(b, _("  roles detected, %s confidence: "),
			      _(sw_pair_confidence_name(s->confidence)));
		put_cues(app, b, s->cues_for);
		if (s->cues_against) {
			sw_buf_printf(b, "%s", _("; against: "));
			put_cues(app, b, s->cues_against);
		}
	}
	sw_buf_putc(b, '\n');
	const struct sw_pair_offset *o = &s->offset;
	sw_buf_printf(b,
		      _("  clock offset: the server capture's clock reads %+.6f s against the phone's (spread %.6f s); one-way delay %.3f ms%s\n"),
		      secs(o->offset_ns), secs(o->spread_ns), secs(o->delay_ns) * 1e3,
		      o->one_direction ? _(" (messages in one direction only: delay not measurable)") : "");
	/* Translated endpoints one by one (a few), the others counted. */
	size_t shown = 0, same = 0, more = 0;
	for (size_t i = 0; i < sw_pair_nmappings(p); i++) {
		const struct sw_pair_mapping *m = sw_pair_mapping(p, i);
		if (sw_addr_eq(&m->inside, &m->outside)) {
			same++;
			continue;
		}
		if (shown++ == REPORT_MAX_MAPPINGS) {
			more++;
			continue;
		}
		sw_buf_printf(b, _n("  %s %s <-> %s (%u message)\n", "  %s %s <-> %s (%u messages)\n",
				    m->messages),
			      m->role == SW_SIDE_PHONE ? _("NAT: phone") : _("NAT: server"),
			      sw_addr_fmt(&m->inside, a1), sw_addr_fmt(&m->outside, a2), m->messages);
	}
	if (more)
		sw_buf_printf(b, _n("  ... and %zu more NAT mapping (see --json)\n",
				    "  ... and %zu more NAT mappings (see --json)\n", more),
			      more);
	if (same)
		sw_buf_printf(b, _n("  %zu endpoint seen with the same address on both sides (no NAT)\n",
				    "  %zu endpoints seen with the same address on both sides (no NAT)\n",
				    same),
			      same);
	sw_buf_printf(b,
		      _n("  %u message seen on both sides; lost on the way: %u phone -> server, %u server -> phone\n",
			 "  %u messages seen on both sides; lost on the way: %u phone -> server, %u server -> phone\n",
			 s->matched),
		      s->matched, s->lost[SW_DIR_TO_SERVER], s->lost[SW_DIR_TO_PHONE]);
	if (s->outside_window[0] || s->outside_window[1])
		sw_buf_printf(b, _("  %u not seen on the other side but outside its capture's time span (not counted as lost)\n"),
			      s->outside_window[0] + s->outside_window[1]);
	if (s->unsent[0] || s->unsent[1])
		sw_buf_printf(b, _("  %u seen arriving but not leaving (the sender's capture missed them)\n"),
			      s->unsent[0] + s->unsent[1]);
	if (!s->changed)
		sw_buf_printf(b, "  %s\n", _("nothing changed on the way beyond the NAT's own address translation"));
	if (s->not_compared)
		sw_buf_printf(b, _n("  %u message too long to compare\n", "  %u messages too long to compare\n",
				    s->not_compared),
			      s->not_compared);
	sw_out_flush_line(app);
	report_losses(app, p, SW_DIR_TO_SERVER);
	report_losses(app, p, SW_DIR_TO_PHONE);
	report_changes(app, p);
	sw_buf_putc(b, '\n');
	sw_out_flush_line(app);
}
