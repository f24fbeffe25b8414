/* SPDX-License-Identifier: BSD-2-Clause */
/* Interactive view (ncursesw): list of accounts, dialogs and OPTIONS groups,
 * ladder timeline, message, findings; sngrep's keys where sngrep has one.
 * One loop polls the capture, the keyboard and the signal descriptor: no
 * threads, no locks. */
#ifndef SW_TUI_H
#define SW_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/analyze.h"
#include "common/buf.h"

struct sw_catalog;
struct sw_tui_prefs;

/* The user's TUI settings (columns of the list, the ladder's raw pane),
 * from $XDG_CONFIG_HOME/sipwatch/config (~/.config/sipwatch/config). Read
 * it before dropping privileges: the file is the invoking user's. Never
 * fails: a missing or unreadable file gives the defaults. */
struct sw_tui_prefs *sw_tui_prefs_load(void);
void sw_tui_prefs_free(struct sw_tui_prefs *p);

/* What the TUI needs from the pipeline that the CLI runs. */
struct sw_tui_source {
	struct sw_analyze *an;        /* results, updated by pump() */
	const struct sw_catalog *cat; /* UI language; NULL = English */
	const char *title;            /* file names or interface */
	bool live;
	bool saving;                  /* live packets also go to a -w file */
	struct sw_tui_prefs *prefs;   /* from sw_tui_prefs_load(), or NULL (loaded
	                               * then); the TUI may change and save them */
	/* Descriptors to poll for input: the capture (-1 when none or ended)
	 * and a signalfd for SIGINT/SIGTERM (-1 when none). */
	int (*capture_fd)(void *ctx);
	int signal_fd;
	/* Process up to max_frames frames of input that are ready now; returns
	 * the number processed, or -1 once the input has ended (files read to
	 * the end, live capture stopped). Analysis is finished at the end. */
	int (*pump)(void *ctx, int max_frames);
	/* Append the raw text of message m to out (kept copy or re-read from
	 * the capture file); returns 0, or -1 when it is not available. */
	int (*raw)(void *ctx, const struct sw_msg *m, struct sw_buf *out);
	/* Save the frames of these messages to a pcap file; 0 or -1 with err. */
	int (*save)(void *ctx, const uint32_t *msg_ids, size_t n, const char *path, char *err,
	            size_t errlen);
	/* The same frames as a pcapng with the findings as comments on their
	 * evidence frames; an HTML report of the items these messages belong
	 * to. 0 or -1 with err; NULL when not available. */
	int (*save_pcapng)(void *ctx, const uint32_t *msg_ids, size_t n, const char *path, char *err,
	                   size_t errlen);
	int (*save_html)(void *ctx, const uint32_t *msg_ids, size_t n, const char *path, char *err,
	                 size_t errlen);
	/* One-line input summary for the status bar (packets, SIP, drops). */
	void (*status)(void *ctx, struct sw_buf *out);
	void *ctx;
	/* One line to show at the start (status bar, then stderr after the
	 * view), e.g. sw_tui_init_locale's notice; NULL or "" for none. */
	const char *notice;
};

/* Call before the analysis is made (its texts take the language): sets
 * LC_CTYPE to a UTF-8 locale, the environment's, C.UTF-8, or the table
 * sipwatch carries (termrt.h) on a machine with no locales, so that the view
 * can draw Chinese and lines. Returns false when none could be had: the
 * view then draws ASCII, the caller should use English, and notice says
 * why in one line. */
bool sw_tui_init_locale(char *notice, size_t noticelen);

/* Run the interactive view until the user quits (q) or a signal arrives.
 * It draws UTF-8 when LC_CTYPE is (sw_tui_init_locale), ASCII otherwise.
 * Restores the terminal before returning. Returns 0, or -1 when the terminal
 * cannot be initialised (message on stderr). */
int sw_tui_run(const struct sw_tui_source *src);

#endif
