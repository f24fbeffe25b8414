/* sipwatch: diagnose why a SIP phone does not register, from a capture file
 * or live traffic. Chooses the output mode and runs the pipeline. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
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

static int run_tui(struct sw_app *app, const struct sw_opts *o)
{
	struct sw_buf title = SW_BUF_INIT;
	if (o->iface)
		sw_buf_puts(&title, o->iface);
	for (size_t i = 0; i < o->nfiles; i++) {
		if (i)
			sw_buf_puts(&title, ", ");
		sw_buf_puts(&title, o->files[i]);
	}
	struct sw_tui_source src = {
		.an = app->an,
		.cat = app->cat,
		.title = title.p,
		.live = o->iface != NULL,
		.capture_fd = tui_capture_fd,
		.signal_fd = app->sigfd,
		.pump = tui_pump,
		.ctx = app,
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
	if (o.mode == SW_MODE_AUTO)
		o.mode = (!o.json && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO)) ? SW_MODE_TUI
										      : SW_MODE_REPORT;
	struct sw_app app;
	char err[512];
	if (sw_app_open(&app, &o, err, sizeof err) < 0) {
		fprintf(stderr, "sipwatch: %s\n", err);
		sw_app_close(&app);
		sw_opts_free(&o);
		return SW_EXIT_ERROR;
	}
	if (o.mode == SW_MODE_TUI) {
		if (run_tui(&app, &o) < 0) {
			sw_app_close(&app);
			sw_opts_free(&o);
			return SW_EXIT_ERROR;
		}
		rc = sw_app_exit_status(&app);
		sw_app_close(&app);
		sw_opts_free(&o);
		return rc;
	}
	bool live = o.iface != NULL;
	app.print_messages = o.mode == SW_MODE_MESSAGES || o.json;
	app.stream_findings = live;
	sw_app_run(&app);
	if (o.json) {
		if (!live)
			for (size_t i = 0; i < sw_analyze_nfindings(app.an); i++)
				sw_out_finding_json(&app, sw_analyze_finding(app.an, i));
		sw_out_end_json(&app);
	} else if (o.mode == SW_MODE_REPORT) {
		if (live)
			fputc('\n', app.out);
		sw_out_report(&app);
	} else if (!o.quiet) {
		fflush(app.out);
		sw_out_summary_text(&app, stderr);
	}
	fflush(app.out);
	/* Damage in an input is reported even when the summary is not shown. */
	if (o.json || o.mode == SW_MODE_MESSAGES) {
		for (size_t i = 0; i < sw_capture_nsources(app.cap); i++) {
			const struct sw_capture_source *s = sw_capture_source(app.cap, i);
			if (s->damaged && (o.quiet || o.json))
				fprintf(stderr, "sipwatch: %s: %s (analysed up to byte %llu)\n", s->name,
					s->error, (unsigned long long)s->damage_offset);
		}
	}
	rc = sw_app_exit_status(&app);
	sw_app_close(&app);
	sw_opts_free(&o);
	return rc;
}
