/* SPDX-License-Identifier: BSD-2-Clause */
/* sipwatch: diagnose why a SIP phone does not register, from a capture file
 * or live traffic. Chooses the output mode and runs the pipeline. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/mem.h"
#include "tui/tui.h"

static int tui_capture_fd(void *ctx)
{
	struct sw_app *app = ctx;
	return app->ended ? -1 : sw_capture_fd(app->cap);
}

static int tui_pump(void *ctx, int max)
{
	return sw_app_pump(ctx, max);
}

static int tui_raw(void *ctx, const struct sw_msg *m, struct sw_buf *out)
{
	return sw_app_raw(ctx, m, out);
}

/* F2 in the TUI: the frames of the chosen messages, re-read from the files. */
static int tui_save(void *ctx, const uint32_t *ids, size_t n, const char *path, char *err,
		    size_t errlen)
{
	struct sw_app *app = ctx;
	if (sw_capture_is_live(app->cap)) {
		snprintf(err, errlen, "%s",
			 sw_tr(app->cat, "live packets are not kept; capture with -w FILE to save them"));
		return -1;
	}
	struct sw_pcap_writer *w = NULL;
	uint8_t *buf = sw_malloc(SW_MAX_FRAME);
	size_t written = 0;
	struct sw_msg prev_rec;
	const struct sw_msg *prev = NULL;
	for (size_t i = 0; i < n; i++) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(app->an, ids[i], &m_rec);
		if (!m || (prev && prev->file_idx == m->file_idx && prev->offset == m->offset))
			continue; /* one frame may carry several messages */
		prev_rec = *m;
		prev = &prev_rec;
		const struct sw_capture_source *s = sw_capture_source(app->cap, m->file_idx);
		uint32_t caplen;
		if (sw_capture_read_at(app->cap, m->file_idx, m->offset, buf, SW_MAX_FRAME, &caplen))
			continue;
		if (!w && !(w = sw_pcap_writer_open_prec(path, s->linktype, 0, s->nanosecond, err,
							 errlen)))
			break;
		struct sw_frame f = { .data = buf, .caplen = caplen, .wirelen = caplen,
				      .ts_ns = m->ts_ns, .linktype = s->linktype };
		if (sw_pcap_writer_write(w, &f) == 0)
			written++;
	}
	free(buf);
	if (!w) {
		if (!err[0])
			snprintf(err, errlen, "%s", sw_tr(app->cat, "none of these frames could be read again"));
		return -1;
	}
	if (sw_pcap_writer_close(w) < 0) {
		snprintf(err, errlen, "%s: write failed", path);
		return -1;
	}
	return written ? 0 : -1;
}

/* F2 -> "pcapng with findings": the frames of these messages, read again. */
static int tui_save_pcapng(void *ctx, const uint32_t *ids, size_t n, const char *path, char *err,
			   size_t errlen)
{
	return sw_out_annotated(ctx, path, ids, n, err, errlen);
}

/* F2 -> "HTML report": the page with ladders for the items of these messages. */
static int tui_save_html(void *ctx, const uint32_t *ids, size_t n, const char *path, char *err,
			 size_t errlen)
{
	struct sw_app *app = ctx;
	uint32_t *items = sw_malloc((n ? n : 1) * sizeof *items);
	size_t ni = 0;
	for (size_t i = 0; i < n; i++) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(app->an, ids[i], &m_rec);
		if (!m || m->item == UINT32_MAX)
			continue;
		bool dup = false;
		for (size_t k = 0; k < ni && !dup; k++)
			dup = items[k] == m->item;
		if (!dup)
			items[ni++] = m->item;
	}
	int rc = sw_out_html(app, path, items, ni, err, errlen);
	free(items);
	return rc;
}

/* Status bar: packets and SIP messages so far, drops, and how far into the
 * files the reading is. */
static void tui_status(void *ctx, struct sw_buf *out)
{
	struct sw_app *app = ctx;
	const struct sw_decode_stats *ds = sw_decode_get_stats(app->dec);
	sw_buf_printf(out, sw_trn(app->cat, "%llu packet, %llu SIP", "%llu packets, %llu SIP", app->frames),
		      (unsigned long long)app->frames, (unsigned long long)ds->sip);
	if (ds->sip_bad)
		sw_buf_printf(out, sw_tr(app->cat, ", %llu malformed"), (unsigned long long)ds->sip_bad);
	struct sw_capture_stats cs;
	sw_capture_get_stats(app->cap, &cs);
	if (cs.dropped)
		sw_buf_printf(out, sw_tr(app->cat, ", %llu dropped"), (unsigned long long)cs.dropped);
	if (app->ended || sw_capture_is_live(app->cap))
		return;
	uint64_t done = 0, total = 0;
	for (size_t i = 0; i < sw_capture_nsources(app->cap); i++) {
		const struct sw_capture_source *s = sw_capture_source(app->cap, i);
		struct stat st;
		if (s->gzip || strcmp(s->name, "-") == 0 || stat(s->name, &st) != 0)
			return; /* no meaningful size */
		done += s->bytes;
		total += (uint64_t)st.st_size;
	}
	if (total)
		sw_buf_printf(out, " (%llu%%)", (unsigned long long)(done * 100 / total));
}

/* --html FILE and -w FILE --annotate, once the analysis is finished: 0, or
 * SW_EXIT_ERROR with a line on stderr. */
static int write_artefacts(struct sw_app *app, const struct sw_opts *o)
{
	char err[512] = "";
	int rc = 0;
	if (o->html_path && sw_out_html(app, o->html_path, NULL, 0, err, sizeof err) < 0) {
		fprintf(stderr, "sipwatch: %s\n", err[0] ? err : o->html_path);
		rc = SW_EXIT_ERROR;
	}
	err[0] = '\0';
	if (o->annotate && sw_out_annotated(app, o->write_path, NULL, 0, err, sizeof err) < 0) {
		fprintf(stderr, "sipwatch: %s\n", err[0] ? err : o->write_path);
		rc = SW_EXIT_ERROR;
	}
	return rc;
}

static int run_tui(struct sw_app *app, const struct sw_opts *o, const char *notice,
		   struct sw_tui_prefs *prefs)
{
	struct sw_buf title = SW_BUF_INIT;
	if (o->iface)
		sw_buf_puts(&title, o->iface);
	for (size_t i = 0; i < o->nhep_listen; i++) {
		sw_buf_puts(&title, i ? ", " : "HEP ");
		sw_buf_puts(&title, o->hep_listen[i]);
	}
	for (size_t i = 0; i < o->nfiles; i++) {
		if (i)
			sw_buf_puts(&title, ", ");
		sw_buf_puts(&title, o->files[i]);
	}
	struct sw_tui_source src = {
		.an = app->an,
		.cat = app->cat,
		.title = title.p,
		.live = sw_opts_live(o),
		.saving = o->write_path != NULL,
		.prefs = prefs,
		.capture_fd = tui_capture_fd,
		.signal_fd = app->sigfd,
		.pump = tui_pump,
		.raw = tui_raw,
		.save = tui_save,
		.save_pcapng = tui_save_pcapng,
		.save_html = tui_save_html,
		.status = tui_status,
		.ctx = app,
		.notice = notice,
	};
	int rc = sw_tui_run(&src);
	sw_buf_free(&title);
	return rc;
}

int main(int argc, char **argv)
{
	struct sw_opts o;
	int rc = sw_opts_parse(&o, argc, argv);
	if (rc) {
		sw_opts_free(&o);
		return rc < 0 ? SW_EXIT_OK : rc;
	}
	if (o.list_ifaces) {
		char err[512];
		rc = sw_capture_list_interfaces(stdout, err, sizeof err);
		if (rc < 0)
			fprintf(stderr, "sipwatch: %s\n", err);
		sw_opts_free(&o);
		return rc < 0 ? SW_EXIT_ERROR : SW_EXIT_OK;
	}
	/* --fail-on with -q: the exit status alone, for scripts. */
	bool silent = o.quiet && o.fail_on >= 0 && o.mode != SW_MODE_TUI;
	if (silent)
		o.mode = SW_MODE_REPORT;
	if (o.mode == SW_MODE_AUTO && !o.json && (o.html_path || o.annotate))
		o.mode = SW_MODE_NONE; /* the files are the output */
	if (o.mode == SW_MODE_AUTO)
		o.mode = (!o.json && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO)) ? SW_MODE_TUI
										      : SW_MODE_REPORT;
	/* The view's locale first: without a UTF-8 one, English (no "??"). */
	char notice[320] = "";
	if (o.mode == SW_MODE_TUI && !sw_tui_init_locale(notice, sizeof notice))
		o.lang = "en";
	o.threads = sw_opts_threads(&o);
	struct sw_app app;
	char err[512];
	/* The TUI's settings are the user's: read before privileges drop. */
	struct sw_tui_prefs *prefs = o.mode == SW_MODE_TUI ? sw_tui_prefs_load() : NULL;
	if (sw_app_open(&app, &o, err, sizeof err) < 0) {
		sw_tui_prefs_free(prefs);
		fprintf(stderr, "sipwatch: %s\n", err);
		sw_app_close(&app);
		sw_opts_free(&o);
		return SW_EXIT_ERROR;
	}
	app.commit = sw_version_commit();
	if (o.mode == SW_MODE_TUI) {
		int trc = run_tui(&app, &o, notice, prefs);
		sw_tui_prefs_free(prefs);
		if (trc < 0) {
			sw_app_close(&app);
			sw_opts_free(&o);
			return SW_EXIT_ERROR;
		}
		rc = write_artefacts(&app, &o);
		if (!rc)
			rc = sw_app_exit_status(&app);
		sw_app_close(&app);
		sw_opts_free(&o);
		return rc;
	}
	bool live = sw_opts_live(&o);
	app.print_messages = !silent && (o.mode == SW_MODE_MESSAGES || o.json);
	app.stream_findings = live && !silent;
	sw_app_run(&app);
	if (silent) {
		rc = sw_app_exit_status(&app);
		sw_app_close(&app);
		sw_opts_free(&o);
		return rc;
	}
	if (o.json) {
		sw_out_pair_json(&app);
		if (!live)
			for (size_t i = 0; i < sw_analyze_nfindings(app.an); i++)
				sw_out_finding_json(&app, sw_analyze_finding(app.an, i));
		sw_out_end_json(&app);
	} else if (o.mode == SW_MODE_REPORT) {
		if (live)
			fputc('\n', app.out);
		sw_out_report(&app);
	} else if (o.mode == SW_MODE_LADDER) {
		sw_out_ladder(&app);
	} else if (!o.quiet) {
		fflush(app.out);
		sw_out_summary_text(&app, stderr);
	}
	fflush(app.out);
	/* Damage in an input is reported even when the summary is not shown. */
	if (o.json || o.mode == SW_MODE_MESSAGES) {
		for (size_t i = 0; i < sw_capture_nsources(app.cap); i++) {
			const struct sw_capture_source *s = sw_capture_source(app.cap, i);
			if (!s->damaged || !(o.quiet || o.json))
				continue;
			/* Named as in open errors ("stdin" for -), escaped like
			 * everything else printed (an upload's name is anyone's). */
			struct sw_buf nb = SW_BUF_INIT;
			sw_buf_put_text(&nb, sw_str_c(strcmp(s->name, "-") ? s->name : "stdin"));
			fprintf(stderr, "sipwatch: %s: %s (analysed up to byte %llu)\n", nb.p, s->error,
				(unsigned long long)s->damage_offset);
			sw_buf_free(&nb);
		}
	}
	rc = write_artefacts(&app, &o);
	if (!rc)
		rc = sw_app_exit_status(&app);
	sw_app_close(&app);
	sw_opts_free(&o);
	return rc;
}
