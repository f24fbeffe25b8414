/* The pipeline: capture -> decode -> analyze -> writers, driven by one loop
 * that polls the capture and a signalfd (no signal handler, no globals). */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/mem.h"

#define PUMP_BATCH 4096
#define LIVE_MAX_MESSAGES ((size_t)SW_LIVE_MAX_MESSAGES) /* default bound when live (cli.h) */

struct sink_ctx {
	struct sw_app *app;
};

static void on_event(void *user, const struct sw_ev *ev)
{
	struct sw_app *app = user;
	struct sw_msg_note note;
	sw_analyze_event(app->an, ev, &note);
	if (app->hep)
		sw_cli_hep_event(app, ev);
	if (!app->print_messages)
		return;
	if (ev->type != SW_EV_SIP && ev->type != SW_EV_SIP_BAD && ev->type != SW_EV_ICMP)
		return;
	if (app->opts->json)
		sw_out_message_json(app, ev, &note);
	else
		sw_out_message_text(app, ev, &note);
}

static void on_finding(void *user, const struct sw_finding *f)
{
	struct sw_app *app = user;
	if (app->hep)
		sw_cli_hep_finding(app, f);
	if (!app->stream_findings)
		return;
	if (app->opts->json)
		sw_out_finding_json(app, f);
	else
		sw_out_finding_text(app, f, true);
}

static int make_sigfd(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static bool signalled(struct sw_app *app)
{
	struct signalfd_siginfo si;
	if (app->sigfd < 0)
		return false;
	return read(app->sigfd, &si, sizeof si) == (ssize_t)sizeof si;
}

int sw_app_open(struct sw_app *app, const struct sw_opts *o, char *err, size_t errlen)
{
	memset(app, 0, sizeof *app);
	app->opts = o;
	app->out = stdout;
	app->sigfd = -1;
	app->cat = sw_catalog_pick(o->lang);
	struct sw_capture_opts co;
	memset(&co, 0, sizeof co);
	co.snaplen = o->snaplen;
	co.promisc = !o->no_promisc;
	co.buffer_kib = o->buffer_kib;
	co.filter = o->filter;
	co.count = o->count;
	int rc;
	err[0] = '\0';
	bool live = sw_opts_live(o);
	if (sw_cli_hep_open(app, err, errlen) < 0)
		return -1;
	if (o->nhep_listen)
		rc = sw_capture_open_hep(&app->cap, o->hep_listen, o->nhep_listen, o->hep_pass, &co,
					 err, errlen);
	else if (o->iface)
		rc = sw_capture_open_live(&app->cap, o->iface, &co, err, errlen);
	else
		rc = sw_capture_open_files(&app->cap, o->files, o->nfiles, &co, err, errlen);
	if (rc < 0)
		return -1;
	if (o->iface && err[0])
		fprintf(stderr, "sipwatch: warning: %s\n", err); /* pcap_activate warning */
	err[0] = '\0';
	/* A file whose link type we cannot decode is unreadable for us. */
	for (size_t i = 0; i < sw_capture_nsources(app->cap); i++) {
		const struct sw_capture_source *s = sw_capture_source(app->cap, i);
		if (strcmp(s->format, "pcap") == 0 && !sw_decode_link_supported(s->linktype)) {
			snprintf(err, errlen, "%s: unsupported link type %d",
				 strcmp(s->name, "-") ? s->name : "stdin", s->linktype);
			sw_capture_close(app->cap);
			app->cap = NULL;
			return -1;
		}
	}
	/* tcpdump -Z: after opening the capture, before the first packet. A
	 * phone may have no "nobody": without -Z, say so and stay root rather
	 * than refuse to capture (-Z USER names another; -Z root is quiet). */
	bool drop = live || o->user_given;
	if (drop && !o->user_given && geteuid() == 0 && !getpwnam(o->user)) {
		fprintf(stderr,
			"sipwatch: warning: no user '%s' to drop privileges to: capturing as root "
			"(-Z USER to name another)\n", o->user);
		drop = false;
	}
	if (drop) {
		if (sw_capture_drop_privileges(o->user, err, errlen) < 0) {
			sw_capture_close(app->cap);
			app->cap = NULL;
			return -1;
		}
	}
	if (o->write_path && sw_capture_open_output(app->cap, o->write_path, err, errlen) < 0) {
		sw_capture_close(app->cap);
		app->cap = NULL;
		return -1;
	}
	app->dec = sw_decode_new(NULL);
	struct sw_analyze_opts ao;
	memset(&ao, 0, sizeof ao);
	ao.catalog = app->cat;
	ao.on_finding = on_finding;
	ao.user = app;
	bool tui = o->mode == SW_MODE_TUI;
	ao.keep_messages = tui;
	ao.keep_raw = tui;
	/* Plain files are re-read by offset for the text of a whole-datagram
	 * message (issue 7: memory per message); gzip and stdin are not. */
	bool seekable = !live;
	for (size_t i = 0; i < sw_capture_nsources(app->cap); i++) {
		const struct sw_capture_source *s = sw_capture_source(app->cap, i);
		if (s->gzip || strcmp(s->name, "-") == 0 || strcmp(s->name, "stdin") == 0)
			seekable = false;
	}
	ao.raw_reread = tui && seekable;
	ao.max_messages = o->max_messages ? o->max_messages : (live ? LIVE_MAX_MESSAGES : 0);
	ao.pair = !live && o->nfiles == 2 && !o->no_pair;
	ao.pair_sides_given = o->sides_given;
	ao.pair_phone_file = o->phone_file;
	app->an = sw_analyze_new(&ao);
	app->sigfd = make_sigfd();
	return 0;
}

static void finish(struct sw_app *app)
{
	if (app->ended)
		return;
	app->ended = true;
	sw_decode_finish(app->dec, on_event, app);
	sw_analyze_set_traffic(app->an, &sw_decode_get_stats(app->dec)->traffic);
	sw_analyze_finish(app->an, app->last_ts);
	sw_cli_hep_finish(app); /* the last findings reach the collector */
}

int sw_app_pump(struct sw_app *app, int max)
{
	if (app->ended)
		return -1;
	int n = 0;
	struct sw_frame f;
	while (n < max) {
		int rc = sw_capture_next(app->cap, &f);
		if (rc == SW_CAP_FRAME) {
			n++;
			app->frames++;
			if (f.ts_ns > app->last_ts)
				app->last_ts = f.ts_ns;
			sw_analyze_tick(app->an, f.ts_ns);
			sw_decode_frame(app->dec, &f, on_event, app);
			continue;
		}
		if (rc == SW_CAP_AGAIN)
			break;
		if (rc == SW_CAP_ERROR)
			fprintf(stderr, "sipwatch: %s\n", sw_capture_error(app->cap));
		finish(app);
		return n ? n : -1;
	}
	sw_cli_hep_poll(app);
	if (signalled(app)) {
		sw_capture_stop(app->cap);
		/* files and interfaces end here; a HEP collector (-L) first hands
		 * out the frames it holds for ordering (a fraction of a second) */
		int more = sw_app_pump(app, INT_MAX);
		finish(app);
		return more > 0 ? n + more : n;
	}
	return n;
}

void sw_app_run(struct sw_app *app)
{
	if (!sw_capture_is_live(app->cap)) {
		while (sw_app_pump(app, PUMP_BATCH) >= 0 && !app->ended)
			;
		return;
	}
	while (!app->ended) {
		struct pollfd p[2] = {
			{ .fd = sw_capture_fd(app->cap), .events = POLLIN },
			{ .fd = app->sigfd, .events = POLLIN },
		};
		int rc = poll(p, 2, 1000);
		if (rc < 0 && errno != EINTR)
			break;
		if (sw_app_pump(app, PUMP_BATCH) < 0)
			break;
		if (app->stream_findings || app->print_messages)
			fflush(app->out);
	}
	finish(app);
}

int sw_app_exit_status(const struct sw_app *app)
{
	if (app->opts->fail_on < 0)
		return SW_EXIT_OK;
	for (size_t i = 0; i < sw_analyze_nfindings(app->an); i++)
		if ((int)sw_analyze_finding(app->an, i)->severity >= app->opts->fail_on)
			return SW_EXIT_FINDINGS;
	return SW_EXIT_OK;
}

void sw_app_close(struct sw_app *app)
{
#ifndef SW_FREE_AT_EXIT
	/* The process ends next: the kernel takes the memory back at once,
	 * while freeing a big analysis piece by piece costs about a tenth of
	 * the run. Sanitizer builds free everything, so leaks still show. */
	if (app->cap)
		sw_capture_close(app->cap); /* flushes -w */
	if (app->sigfd >= 0)
		close(app->sigfd);
	sw_cli_hep_free(app);
	return;
#endif
	sw_cli_hep_free(app);
	sw_analyze_free(app->an);
	sw_decode_free(app->dec);
	if (app->cap)
		sw_capture_close(app->cap);
	if (app->sigfd >= 0)
		close(app->sigfd);
	sw_catalog_free(app->cat);
	sw_buf_free(&app->line);
}
