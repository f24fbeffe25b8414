/* Private to cli/: options, the pipeline that ties capture, decode and
 * analyze together, and the text and JSON writers. */
#ifndef SW_CLI_H
#define SW_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze/analyze.h"
#include "capture/capture.h"
#include "common/buf.h"
#include "common/timefmt.h"
#include "decode/decode.h"
#include "po/i18n.h"

#define SW_EXIT_OK 0
#define SW_EXIT_FINDINGS 1 /* --fail-on matched */
#define SW_EXIT_ERROR 2    /* bad usage, unreadable input */

enum sw_mode {
	SW_MODE_AUTO = 0, /* TUI on a terminal, report otherwise */
	SW_MODE_REPORT,
	SW_MODE_MESSAGES,
	SW_MODE_TUI,
};

/* Messages kept in memory when live, unless --max-messages: set by the
 * build (CMakeLists.txt: 100000, or 8000 in static phone builds, whose
 * 8 MiB budget holds about 10000 messages with their text). */
#ifndef SW_LIVE_MAX_MESSAGES
#define SW_LIVE_MAX_MESSAGES 100000
#endif
#define SW_STR_(x) #x
#define SW_STR(x) SW_STR_(x)

struct sw_opts {
	const char *files[SW_MAX_INPUT_FILES];
	size_t nfiles;
	const char *iface;
	const char *write_path;
	const char *user;         /* -Z */
	bool user_given;
	uint64_t count;           /* -c */
	int snaplen;              /* -s */
	int buffer_kib;           /* -B */
	bool no_promisc;          /* -p */
	bool list_ifaces;         /* -D */
	bool json;
	bool quiet;               /* -q: no summary on stderr */
	enum sw_mode mode;
	int fail_on;              /* -1 = off, else enum sw_severity */
	const char *lang;
	size_t max_messages;
	char *filter;             /* trailing arguments joined, owned */
	/* Two captures of one path (analyze/pair.h): on with exactly two files;
	 * --sides PHONE,SERVER names the roles (sides holds the owned copy). */
	bool no_pair;
	bool sides_given;
	uint32_t phone_file;      /* file index of the phone side when sides_given */
	char *sides;
	/* HEP (cli/hep.c, docs/hep.md): -H sends, -L receives. */
	const char *hep_send;     /* -H udp|tcp:HOST:PORT */
	const char *hep_listen[SW_HEP_MAX_LISTEN]; /* -L udp|tcp:ADDR:PORT */
	size_t nhep_listen;
	uint32_t hep_id;          /* --hep-id (capture agent id) */
	const char *hep_pass;     /* --hep-pass: auth key sent, and required on receipt */
	bool no_hep_findings;     /* --no-hep-findings */
};

/* A live run: an interface (-i) or HEP agents (-L). */
static inline bool sw_opts_live(const struct sw_opts *o)
{
	return o->iface || o->nhep_listen;
}

/* Parses argv; on error prints a message and returns SW_EXIT_ERROR; on
 * --help/--version prints and returns -1 (exit 0); else 0. */
int sw_opts_parse(struct sw_opts *o, int argc, char **argv);
void sw_opts_free(struct sw_opts *o);

/* The pipeline. */
struct sw_app {
	const struct sw_opts *opts;
	const struct sw_catalog *cat;
	struct sw_capture *cap;
	struct sw_decode *dec;
	struct sw_analyze *an;
	FILE *out;
	struct sw_buf line;
	bool print_messages;      /* one line / object per SIP message */
	bool stream_findings;     /* findings printed as they are established */
	bool ended;
	int sigfd;
	int64_t last_ts;
	uint64_t frames;
	uint64_t unsupported_link_frames;
	struct sw_cli_hep *hep;   /* -H, else NULL */
};

int sw_app_open(struct sw_app *app, const struct sw_opts *o, char *err, size_t errlen);
/* Process up to max frames that are ready; returns frames processed, or -1
 * at the end of input (after which the analysis is finished). */
int sw_app_pump(struct sw_app *app, int max);
/* Runs to the end of input (files) or until a signal (live). */
void sw_app_run(struct sw_app *app);
void sw_app_close(struct sw_app *app);
/* Exit status from the findings and --fail-on. */
int sw_app_exit_status(const struct sw_app *app);

/* Writers (out_msg.c, out_report.c, out_json.c). */
void sw_out_message_text(struct sw_app *app, const struct sw_ev *ev, const struct sw_msg_note *n);
void sw_out_message_json(struct sw_app *app, const struct sw_ev *ev, const struct sw_msg_note *n);
void sw_out_finding_text(struct sw_app *app, const struct sw_finding *f, bool brief);
void sw_out_finding_json(struct sw_app *app, const struct sw_finding *f);
/* The finding object alone (no newline) appended to b. */
void sw_out_finding_json_to(struct sw_app *app, struct sw_buf *b, const struct sw_finding *f);
void sw_out_report(struct sw_app *app);
void sw_out_end_json(struct sw_app *app);
void sw_out_summary_text(struct sw_app *app, FILE *fp);
void sw_out_json_addr(struct sw_buf *b, const char *key, const struct sw_addr *a);
/* json.c: ,"key":value appenders shared by the JSON writers. */
void sw_json_time(struct sw_buf *b, const char *key, int64_t ns);      /* ISO or null */
void sw_json_cstr(struct sw_buf *b, const char *key, const char *s);   /* string or null */
void sw_json_endpoint(struct sw_buf *b, const char *key, const struct sw_addr *a);
void sw_json_lit(struct sw_buf *b, const char *key, const char *lit);  /* needs no escaping */
void sw_json_uint(struct sw_buf *b, const char *key, uint64_t v);
void sw_json_secs(struct sw_buf *b, const char *key, int64_t ns);     /* seconds, 3 decimals */
const char *sw_out_file_name(const struct sw_app *app, uint32_t file_idx);
/* For text: the file's base name unless two inputs share it. */
const char *sw_out_file_label(const struct sw_app *app, uint32_t file_idx);
void sw_out_flush_line(struct sw_app *app);
/* The pair of captures (out_pair.c): JSON objects, the report's section. */
void sw_out_pair_json(struct sw_app *app);
void sw_out_pair_report(struct sw_app *app);

/* hep.c: -H (sending to a HEP collector) and the HEP summary lines. */
int sw_cli_hep_open(struct sw_app *app, char *err, size_t errlen);
void sw_cli_hep_event(struct sw_app *app, const struct sw_ev *ev);
void sw_cli_hep_finding(struct sw_app *app, const struct sw_finding *f);
void sw_cli_hep_poll(struct sw_app *app);
void sw_cli_hep_finish(struct sw_app *app);
void sw_cli_hep_free(struct sw_app *app);
void sw_cli_hep_summary_json(struct sw_app *app, struct sw_buf *b);
void sw_cli_hep_summary_text(struct sw_app *app, FILE *fp);

#endif
