/* SPDX-License-Identifier: BSD-2-Clause */
/* The pipeline: capture -> decode -> analyze -> writers, driven by one loop
 * that polls the capture and a signalfd (no signal handler, no globals). */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/queue.h"
#include "common/mem.h"
#include "decode/evrec.h"

#define PUMP_BATCH 4096
/* The two-thread queue: 16 blocks of 64 KiB (1 MiB at most, allocated as
 * needed), about 100 reg400k messages a block. It is the number of blocks
 * that lets the threads overlap (reg400k: 8 blocks of 256 KiB are slower
 * than 16 of 64); their size is memory (issue 15: 64 MiB on reg400k). */
#define QUEUE_BLOCK (64u << 10)
#define QUEUE_BLOCKS 16u
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
	bool dropped = false;
	if (drop) {
		bool was_root = geteuid() == 0;
		if (sw_capture_drop_privileges(o->user, err, errlen) < 0) {
			sw_capture_close(app->cap);
			app->cap = NULL;
			return -1;
		}
		dropped = was_root && geteuid() != 0;
	}
	/* -w --annotate writes the pcapng at the end, reading the frames again:
	 * from the files, or from a spool when the input cannot be read twice
	 * (live, stdin). */
	const char *out_path = o->write_path;
	if (o->annotate) {
		out_path = NULL;
		bool again = !live;
		for (size_t i = 0; i < o->nfiles; i++)
			again = again && strcmp(o->files[i], "-") != 0;
		if (!again) {
			struct sw_buf sp = SW_BUF_INIT;
			sw_buf_printf(&sp, "%s.spool", o->write_path);
			app->spool = sp.p;
			out_path = app->spool;
		}
	}
	if (out_path && !o->annotate) {
		rc = sw_capture_open_output_ring(app->cap, out_path, &o->ring, err, errlen);
		if (rc < 0) {
			/* The file is made by the user sipwatch dropped to, as with
			 * tcpdump: say so, that is the surprise. */
			if (dropped && (rc == -EACCES || rc == -EPERM || rc == -EROFS)) {
				size_t n = strlen(err);
				snprintf(err + n, errlen - n,
					 " (dropped privileges to %s; use -Z root or a writable directory)",
					 o->user);
			}
			sw_capture_close(app->cap);
			app->cap = NULL;
			return -1;
		}
	} else if (out_path && sw_capture_open_output(app->cap, out_path, err, errlen) < 0) {
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
	/* The ladders need the message records; the page and the TUI their
	 * texts too; an annotated selection the records of its items; several
	 * inputs in JSON say which file fed which registration and dialog
	 * ("files", docs/json.md). */
	ao.keep_messages = tui || o->html_path || o->mode == SW_MODE_LADDER ||
	                   (o->annotate && !sw_select_empty(&o->sel)) ||
	                   (o->json && o->nfiles > 1);
	ao.keep_raw = tui || o->html_path;
	/* The view reads and sorts accounts all the time: it keeps them open. */
	ao.compact_accounts = !tui;
	/* Plain files are re-read by offset for the text of a whole-datagram
	 * message (issue 7: memory per message); gzip and stdin are not. */
	bool seekable = !live;
	for (size_t i = 0; i < sw_capture_nsources(app->cap); i++) {
		const struct sw_capture_source *s = sw_capture_source(app->cap, i);
		if (s->gzip || strcmp(s->name, "-") == 0 || strcmp(s->name, "stdin") == 0)
			seekable = false;
	}
	ao.raw_reread = ao.keep_raw && seekable;
	ao.max_messages = o->max_messages ? o->max_messages : (live ? LIVE_MAX_MESSAGES : 0);
	ao.pair = !live && o->nfiles == 2 && !o->no_pair;
	ao.pair_sides_given = o->sides_given;
	ao.pair_phone_file = o->phone_file;
	app->an = sw_analyze_new(&ao);
	app->sigfd = make_sigfd();
	return 0;
}

static void finish_analysis(struct sw_app *app)
{
	sw_analyze_set_traffic(app->an, &sw_decode_get_stats(app->dec)->traffic);
	sw_analyze_finish(app->an, app->last_ts);
	sw_cli_hep_finish(app); /* the last findings reach the collector */
}

/* -G with -W: tcpdump's message when the last file is full. */
static void say_file_limit(const struct sw_app *app)
{
	struct sw_capture_stats cs;
	sw_capture_get_stats(app->cap, &cs);
	if (cs.file_limit && !app->opts->quiet)
		fprintf(stderr, "sipwatch: maximum file limit reached: %u (-W)\n",
			app->opts->ring.files);
}

static void finish(struct sw_app *app)
{
	if (app->ended)
		return;
	app->ended = true;
	say_file_limit(app);
	sw_decode_finish(app->dec, on_event, app);
	finish_analysis(app);
}

/* One frame read: what the analysis does before the frame's events. */
static void frame_seen(struct sw_app *app, int64_t ts_ns)
{
	app->frames++;
	if (ts_ns > app->last_ts)
		app->last_ts = ts_ns;
	sw_analyze_tick(app->an, ts_ns);
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
			frame_seen(app, f.ts_ns);
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

/* ---- two threads --------------------------------------------------------
 * The reading thread (producer) owns the capture and the decoder: it reads
 * frames, decodes them, parses SIP and writes, for each frame, a FRAME record
 * (its time) and one EVENT record per event (decode/evrec.h: the event with
 * every byte it points to). This thread (consumer) owns the analysis and the
 * output: it replays the records in the order they were written, doing
 * exactly what the single thread does between and with them, so the output
 * is the same byte for byte. The decoder's statistics and the capture's
 * sources are read here only after the reading thread has ended (joined). */

enum rec_tag { REC_FRAME = 1, REC_EVENT };

/* The balance between the threads: SIP parsing (the larger part of the
 * reading thread's work) is left to this thread while it keeps up, i.e.
 * while at most DEFER_BACKLOG blocks wait for it. Either thread's parse
 * gives the same message, so the output does not depend on the split. */
#define DEFER_BACKLOG 1u

static bool defer_parse(void *user)
{
	return sw_queue_backlog(user) <= DEFER_BACKLOG;
}

static void produce_event(void *user, const struct sw_ev *ev)
{
	struct sw_queue *q = user;
	size_t n = sw_evrec_size(ev);
	void *rec = sw_queue_reserve(q, n);
	sw_evrec_pack_sized(ev, rec, n); /* sized just above */
	sw_queue_commit(q, REC_EVENT, n);
}

static void produce_frame(struct sw_queue *q, int64_t ts_ns)
{
	int64_t *rec = sw_queue_reserve(q, sizeof *rec);
	*rec = ts_ns;
	sw_queue_commit(q, REC_FRAME, sizeof *rec);
}

/* The reading thread: as sw_app_pump() and the live loop of sw_app_run(),
 * with records instead of analysis. Signals (SIGINT/SIGTERM, blocked in
 * every thread, read from the signalfd) are seen here: the capture stops,
 * the decoder finishes, the queue closes, the consumer drains it. */
static void *producer_main(void *arg)
{
	struct sw_app *app = arg;
	struct sw_queue *q = app->queue;
	bool live = sw_capture_is_live(app->cap);
	bool end = false;
	sw_decode_set_defer(app->dec, defer_parse, q);
	while (!end) {
		if (live) {
			struct pollfd p[2] = {
				{ .fd = sw_capture_fd(app->cap), .events = POLLIN },
				{ .fd = app->sigfd, .events = POLLIN },
			};
			if (poll(p, 2, 1000) < 0 && errno != EINTR)
				break;
		}
		struct sw_frame f;
		for (int n = 0; n < PUMP_BATCH; n++) {
			int rc = sw_capture_next(app->cap, &f);
			if (rc == SW_CAP_FRAME) {
				produce_frame(q, f.ts_ns);
				sw_decode_frame(app->dec, &f, produce_event, q);
				continue;
			}
			if (rc == SW_CAP_AGAIN)
				break;
			if (rc == SW_CAP_ERROR)
				fprintf(stderr, "sipwatch: %s\n", sw_capture_error(app->cap));
			end = true;
			break;
		}
		if (!end && signalled(app)) {
			sw_capture_stop(app->cap);
			/* files and interfaces end here; a HEP collector (-L)
			 * first hands out the frames it holds for ordering */
			while (sw_capture_next(app->cap, &f) == SW_CAP_FRAME) {
				produce_frame(q, f.ts_ns);
				sw_decode_frame(app->dec, &f, produce_event, q);
			}
			end = true;
		}
		if (live)
			sw_queue_flush(q); /* a quiet line is not held back */
	}
	sw_decode_finish(app->dec, produce_event, q);
	sw_decode_set_defer(app->dec, NULL, NULL);
	sw_queue_close(q);
	return NULL;
}

/* Runs the pipeline on two threads; false when the second thread could not
 * be started (nothing done yet: the caller runs on one). */
static bool run_two_threads(struct sw_app *app)
{
	app->queue = sw_queue_new(QUEUE_BLOCK, QUEUE_BLOCKS);
	pthread_t th;
	if (pthread_create(&th, NULL, producer_main, app) != 0) {
		sw_queue_free(app->queue);
		app->queue = NULL;
		return false;
	}
	bool live = sw_capture_is_live(app->cap);
	bool flush = live && (app->stream_findings || app->print_messages);
	/* As the single thread's loop: output flushed and the HEP sender (-H)
	 * polled when nothing is ready, at least once a second, and every
	 * PUMP_BATCH frames. */
	unsigned frames = 0;
	struct sw_decode_deferred *dp = sw_decode_deferred_new();
	uint64_t parsed = 0, rejected = 0;
	for (;;) {
		uint32_t tag;
		size_t n;
		bool end;
		const void *rec = sw_queue_next(app->queue, 0, &tag, &n, &end);
		if (!rec && !end) {
			if (flush)
				fflush(app->out);
			sw_cli_hep_poll(app);
			rec = sw_queue_next(app->queue, (live || app->hep) ? 1000 : -1, &tag, &n, &end);
			if (!rec && !end)
				continue;
		}
		if (!rec)
			break;
		if (tag == REC_FRAME) {
			frame_seen(app, *(const int64_t *)rec);
			if (++frames % PUMP_BATCH == 0)
				sw_cli_hep_poll(app);
		} else if (sw_evrec_event(rec)->type == SW_EV_SIP_RAW) {
			struct sw_ev ev;
			if (sw_decode_deferred_parse(dp, sw_evrec_event(rec), &ev))
				parsed++;
			else
				rejected++;
			on_event(app, &ev);
		} else {
			on_event(app, sw_evrec_event(rec));
		}
	}
	pthread_join(th, NULL);
	sw_decode_deferred_free(dp);
	sw_decode_add_deferred(app->dec, parsed, rejected);
	app->ended = true;
	say_file_limit(app);
	finish_analysis(app);
	sw_queue_free(app->queue);
	app->queue = NULL;
	return true;
}

void sw_app_run(struct sw_app *app)
{
	if (app->opts->threads >= 2 && run_two_threads(app))
		return;
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

bool sw_app_counts_for_fail_on(const struct sw_app *app, const struct sw_finding *f)
{
	if (app->opts->fail_on < 0 || (int)f->severity < app->opts->fail_on)
		return false;
	return !(app->opts->ignore_resolved && f->resolved);
}

int sw_app_exit_status(const struct sw_app *app)
{
	for (size_t i = 0; i < sw_analyze_nfindings(app->an); i++)
		if (sw_app_counts_for_fail_on(app, sw_analyze_finding(app->an, i)))
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
	if (app->spool)
		unlink(app->spool);
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
	free(app->item_files);
	if (app->spool)
		unlink(app->spool);
	free(app->spool);
}
