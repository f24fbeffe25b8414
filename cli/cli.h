/* SPDX-License-Identifier: BSD-2-Clause */
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
#include "view/select.h"

/* docs/json.md: "schema_version" in the summary. It goes up when a field
 * changes meaning or goes away; new fields leave it as it is. */
#define SW_JSON_SCHEMA_VERSION 1

#define SW_EXIT_OK 0
#define SW_EXIT_FINDINGS 1 /* --fail-on matched */
#define SW_EXIT_ERROR 2    /* bad usage, unreadable input */

enum sw_mode {
	SW_MODE_AUTO = 0, /* TUI on a terminal, report otherwise */
	SW_MODE_REPORT,
	SW_MODE_MESSAGES,
	SW_MODE_TUI,
	SW_MODE_LADDER,   /* --ladder: text ladders on stdout */
	SW_MODE_NONE,     /* only files (--html, -w --annotate): nothing on stdout */
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
	/* tcpdump habits: -n (sipwatch resolves no names anyway), -v (--messages:
	 * each SIP message in full), -U (-w flushed per packet), -e (--messages
	 * and --json messages: MAC addresses and VLANs), -C -G -W (-w ring). */
	bool numeric;             /* -n */
	bool verbose;             /* -v */
	bool packet_buffered;     /* -U */
	bool link_header;         /* -e */
	struct sw_ring_opts ring; /* -C -G -W */
	bool ignore_resolved;     /* --ignore-resolved: --fail-on skips resolved findings */
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
	unsigned threads;         /* --threads: 1 or 2; 0 = not given (main: sw_opts_threads) */
	/* HEP (cli/hep.c, docs/hep.md): -H sends, -L receives. */
	const char *hep_send;     /* -H udp|tcp:HOST:PORT */
	const char *hep_listen[SW_HEP_MAX_LISTEN]; /* -L udp|tcp:ADDR:PORT */
	size_t nhep_listen;
	uint32_t hep_id;          /* --hep-id (capture agent id) */
	const char *hep_pass;     /* --hep-pass: auth key sent, and required on receipt */
	bool no_hep_findings;     /* --no-hep-findings */
	/* Artefacts for a ticket (docs/artefacts.md). */
	const char *html_path;    /* --html FILE */
	bool ladder_utf8;         /* --ladder=utf8: box-drawing characters */
	int width;                /* --width N: text ladder columns (0 = 100) */
	bool annotate;            /* -w FILE is a pcapng with the findings as comments */
	struct sw_select sel;     /* --aor, --call-id, --select */
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
/* Threads the pipeline uses: --threads N (above 2 counts as 2: there are two
 * stages), else 2 where there are two or more CPUs, 1 otherwise and in static
 * (phone) builds. The interactive view always uses 1. */
unsigned sw_opts_threads(const struct sw_opts *o);

/* version.c: sipwatch's version ("0.1.0"), the commit it was built from
 * (12 hex digits, or "unknown"), and --version's lines (sipwatch, libpcap,
 * libosip2, ncurses, zlib as they run) to fp. */
const char *sw_version(void);
const char *sw_version_commit(void);
void sw_version_print(FILE *fp);

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
	/* Two threads (run.c): reading, decoding and SIP parsing on a second
	 * thread, handing self-contained records (decode/evrec.h) over a
	 * bounded queue to this one, which analyses and writes, in capture
	 * order. NULL when single-threaded. */
	struct sw_queue *queue;
	uint64_t unsupported_link_frames;
	struct sw_cli_hep *hep;   /* -H, else NULL */
	/* "files" of the JSON objects (out_json.c): per list item, a bit per
	 * input (SW_MAX_INPUT_FILES <= 64), from the kept message records;
	 * built once the input has ended. */
	uint64_t *item_files;
	size_t n_item_files;
	bool item_files_done;
	const char *commit;       /* sw_version_commit() for the summary, or NULL */
	char *spool;              /* -w --annotate on live or stdin input: the frames
	                           * spooled here (pcap) to be read again at the end */
};

int sw_app_open(struct sw_app *app, const struct sw_opts *o, char *err, size_t errlen);
/* Process up to max frames that are ready; returns frames processed, or -1
 * at the end of input (after which the analysis is finished). */
int sw_app_pump(struct sw_app *app, int max);
/* Runs to the end of input (files) or until a signal (live). */
void sw_app_run(struct sw_app *app);
void sw_app_close(struct sw_app *app);
/* The text of message m: the kept copy, or the frame re-read from its file
 * and decoded again (the digest response masked by decode). 0, or -1 when
 * it cannot be had (live, keepalives, unreadable). */
int sw_app_raw(struct sw_app *app, const struct sw_msg *m, struct sw_buf *out);
/* Exit status from the findings and --fail-on: SW_EXIT_FINDINGS when a
 * finding counts (its severity reaches --fail-on's level and, with
 * --ignore-resolved, it was not resolved in the capture). */
int sw_app_exit_status(const struct sw_app *app);
bool sw_app_counts_for_fail_on(const struct sw_app *app, const struct sw_finding *f);

/* Writers (out_msg.c, out_report.c, out_json.c). */
void sw_out_message_text(struct sw_app *app, const struct sw_ev *ev, const struct sw_msg_note *n);
void sw_out_message_json(struct sw_app *app, const struct sw_ev *ev, const struct sw_msg_note *n);
void sw_out_finding_text(struct sw_app *app, const struct sw_finding *f, bool brief);
void sw_out_finding_json(struct sw_app *app, const struct sw_finding *f);
/* The finding object alone (no newline) appended to b. */
void sw_out_finding_json_to(struct sw_app *app, struct sw_buf *b, const struct sw_finding *f);
void sw_out_report(struct sw_app *app);
/* The report's words for a severity ("ERROR") and a registration state
 * ("registered"), in app's language; shared with the HTML page. */
const char *sw_out_sev_label(const struct sw_app *app, enum sw_severity s);
const char *sw_out_state_label(const struct sw_app *app, enum sw_reg_state s);
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
/* The list items the artefacts cover (pick.c): those --aor, --call-id and
 * --select name, else every item with a finding (*items owned by the caller).
 * *named: a selection was given. */
size_t sw_app_items(struct sw_app *app, uint32_t **items, bool *named);
/* Every item with a finding (and SW_LADDER_UNASSIGNED when a finding of no
 * item points at messages of no item). */
size_t sw_app_items_with_findings(struct sw_app *app, uint32_t **items);
/* --ladder (out_ladder.c): a text ladder per selected item on app->out. */
void sw_out_ladder(struct sw_app *app);
/* --html (out_html.c): the page, to `path` ("-" = stdout). items: the items
 * to draw ladders for beside those with findings (NULL: sw_app_items()).
 * 0, or -1 with err. */
int sw_out_html(struct sw_app *app, const char *path, const uint32_t *items, size_t nitems,
                char *err, size_t errlen);
/* -w FILE --annotate (out_pcapng.c): the frames of these messages (NULL: of
 * the selected items, or all frames when nothing is selected) as pcapng
 * with a comment per finding on its evidence frames; the report's summary
 * in the section header. 0, or -1 with err. */
int sw_out_annotated(struct sw_app *app, const char *path, const uint32_t *msg_ids, size_t n,
                     char *err, size_t errlen);

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
