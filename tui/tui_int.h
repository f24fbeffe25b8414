/* SPDX-License-Identifier: BSD-2-Clause */
/* Private to tui/: the screen vtable, the context every screen gets, drawing
 * helpers, and the constructors of each screen. */
#ifndef SW_TUI_INT_H
#define SW_TUI_INT_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "po/i18n.h"
#include "po/words.h"
#include "tui/tui.h"
#include "view/ladder.h"

#define TUI_MAX_DEPTH 8u /* screens stacked at once (list, ladder, message, help...) */
#define TUI_MIN_ROWS 10
#define TUI_MIN_COLS 40
#define TUI_FILTER_MAX 128u /* bytes of one filter field */

/* Keys: characters are their code point; curses function keys are offset
 * past the Unicode range so the two never collide. */
#define TK(k) ((k) + 0x1000000)
#define TK_CTRL(c) ((c)&0x1f)
#define TK_ESC 27
bool tui_key_enter(int k);
bool tui_key_back(int k); /* Esc, q, Q */
bool tui_key_help(int k); /* F1, ?, H */

/* Attributes by role; filled for colour or monochrome terminals. */
enum tui_role {
	TR_NORMAL = 0,
	TR_TITLE,  /* top line */
	TR_HEADER, /* column headers */
	TR_STATUS, /* status bar */
	TR_KEY,    /* key names in the key bar */
	TR_KEYTEXT,
	TR_CURSOR,   /* line under the cursor */
	TR_SELECTED, /* selected with Space */
	TR_ERROR,    /* severity badges */
	TR_WARNING,
	TR_INFO,
	TR_OK,        /* registered */
	TR_HIGHLIGHT, /* header a finding points at */
	TR_REQUEST,   /* ladder arrows */
	TR_RESPONSE,
	TR_ICMP,
	TR_KEEPALIVE,
	TR_DIM,   /* gaps, retransmissions, secondary text */
	TR_HNAME, /* header names in the message screen */
	TR_COUNT
};

struct tui;
struct tui_view;

/* ---- The list's columns and the user's settings (config.c). */
enum tui_col {
	TC_IDX = 0,
	TC_TYPE,
	TC_NAME,
	TC_ADDR,
	TC_STATE,
	TC_LAST,
	TC_MSGS,
	TC_BADGE,
	TC_FIRST,  /* hidden by default */
	TC_UA,     /* hidden by default */
	TC_CALLID, /* hidden by default */
	TC_N
};
#define TUI_COL_MAXW 200 /* widest a column can be made */
struct tui_colpref {
	uint8_t col; /* enum tui_col */
	bool shown;
	int width; /* 0: automatic */
};
struct sw_tui_prefs {
	struct tui_colpref cols[TC_N]; /* in display order */
	int raw_width;                 /* the ladder's raw pane, columns; 0: automatic */
	char *path;                    /* the settings file, NULL when no home */
};
const char *tui_col_key(enum tui_col c);   /* its name in the file: "finding" */
const char *tui_col_title(enum tui_col c); /* msgid of its heading */
void tui_prefs_defaults(struct sw_tui_prefs *p);
/* Writes p to p->path, creating its directory; 0, or -1 with err. */
int tui_prefs_save(const struct sw_tui_prefs *p, char *err, size_t errlen);

/* One screen: a vtable filled with designated initializers. */
struct tui_screen {
	const char *name;
	bool overlay; /* drawn over the screen below it */
	void (*draw)(struct tui *t, struct tui_view *v);
	/* Returns true when the key was used. */
	bool (*key)(struct tui *t, struct tui_view *v, int key);
	/* The analysis has grown (live capture, offline pump). May be NULL. */
	void (*update)(struct tui *t, struct tui_view *v);
	void (*destroy)(struct tui_view *v);
	const char *help_title;   /* msgid */
	const char *const *help;  /* msgids "KEYS\tWHAT", NULL-terminated */
	const char *const *hints; /* key bar: "KEY\tWHAT" msgids, NULL-terminated */
};

struct tui_view {
	const struct tui_screen *scr;
};

/* List filter: every non-empty field must match (case-insensitive substring). */
struct tui_filter {
	char text[TUI_FILTER_MAX]; /* free text: any field of the item or its findings */
	char aor[TUI_FILTER_MAX];
	char callid[TUI_FILTER_MAX];
	char addr[TUI_FILTER_MAX];
	char method[TUI_FILTER_MAX];
};

struct tui {
	const struct sw_tui_source *src;
	const struct sw_catalog *cat;
	struct sw_analyze *an;
	struct tui_view *stack[TUI_MAX_DEPTH];
	size_t depth;
	struct tui_view *list; /* bottom of the stack, lives as long as t */
	attr_t attr[TR_COUNT];
	bool color, utf8;
	bool quit;
	bool ended;      /* input ended: analysis finished */
	bool redraw;     /* something on screen changed */
	uint64_t gen;    /* bumped whenever the analysis grew */
	uint64_t frames; /* frames pumped so far */
	char note[256];  /* transient line for the status bar */
	int64_t note_until_ms;
	struct sw_buf err_text; /* what went to stderr while the screen was up */
	int err_fd;             /* read end of the stderr pipe, or -1 */
	struct tui_filter filter;
	char **files; /* base names of the inputs, escaped */
	size_t nfiles;
	struct sw_tui_prefs *prefs;
	bool own_prefs;
	bool paused;         /* p: no packet is read (live: the kernel buffers them) */
	bool autoscroll;     /* A: the list follows the newest item */
	uint32_t clear_from; /* F5: messages before this id are cleared from view */
	int64_t clear_ns;    /* ... and findings that ended before this time */
	bool saved;          /* a save was made (F2): quitting loses nothing */
	int raw_pane;        /* ladder's raw pane: -1 automatic, 0 off, 1 on */
};

static inline attr_t tui_a(const struct tui *t, enum tui_role r)
{
	return t->attr[r];
}
const char *tui_tr(const struct tui *t, const char *msgid) __attribute__((format_arg(2)));
/* With a count: the English singular for n == 1 (po/i18n.h sw_trn). */
const char *tui_trn(const struct tui *t, const char *msgid, const char *plural,
                    unsigned long long n) __attribute__((format_arg(2), format_arg(3)));
/* A short word in a context (po/i18n.h sw_trc). */
const char *tui_trc(const struct tui *t, const char *ctx, const char *msgid)
    __attribute__((format_arg(3)));
int64_t tui_now_ms(void);
void tui_note(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Screen stack (tui.c). push takes ownership; pop destroys the top. */
void tui_push(struct tui *t, struct tui_view *v);
void tui_pop(struct tui *t);

/* ---- draw.c: everything that reaches the terminal goes through these. */

/* Draw UTF-8 `s` at (y, x) clipped to w columns; code points that are not
 * printable (C0, DEL, C1, invalid UTF-8) become '?', so even an unescaped
 * string cannot emit a control sequence. Returns the columns used. */
int tui_text(struct tui *t, int y, int x, int w, const char *s, attr_t a);
int tui_textn(struct tui *t, int y, int x, int w, const char *s, size_t len, attr_t a);
/* Same, centred in w columns. */
void tui_text_center(struct tui *t, int y, int x, int w, const char *s, attr_t a);
/* Display width of UTF-8 s (non-printables count 1). */
int tui_width(const char *s, size_t len);
/* Byte length of the longest prefix of s that fits in w columns. */
size_t tui_fit(const char *s, size_t len, int w);
void tui_fill(int y, int x, int w, attr_t a);
/* printf and draw (our own text only: never wire bytes). */
int tui_printf(struct tui *t, int y, int x, int w, attr_t a, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Append wire bytes to b escaped for the terminal (sw_buf_put_text). */
void tui_wire(struct sw_buf *b, const char *p, size_t len);
void tui_wire_c(struct sw_buf *b, const char *s);
/* One line of wire text: tabs become four spaces, the rest as tui_wire(). */
void tui_wire_line(struct sw_buf *b, const char *p, size_t len);
/* Title line (row 0) and key bar (last row) from the screen's hints. */
void tui_draw_title(struct tui *t, const char *title);
void tui_draw_keybar(struct tui *t, const char *const *hints);
/* Status bar on row y: input, mode, counts, findings, progress, note. */
void tui_draw_status(struct tui *t, int y);
/* A framed box; returns the inner rectangle through the pointers. */
void tui_box(struct tui *t, int y, int x, int h, int w, const char *title);

/* Word wrap of UTF-8 text to width w: calls emit(line, len) per line. Breaks
 * at spaces when there is one on the line, else anywhere (CJK). */
void tui_wrap(const char *s, size_t len, int w, bool words,
              void (*emit)(void *u, const char *line, size_t len), void *u);

/* Lines of text for scrolling screens (message, findings, help). */
struct tui_line {
	char *text; /* owned, UTF-8, already escaped */
	enum tui_role role;
	bool mark; /* gutter mark: a highlighted header */
};
struct tui_lines {
	struct tui_line *v;
	size_t n, cap;
};
void tui_lines_add(struct tui_lines *l, const char *s, size_t len, enum tui_role role, bool mark);
/* Wraps s (already escaped) to w columns and adds each piece. */
void tui_lines_wrap(struct tui_lines *l, const char *s, size_t len, int w, bool words,
                    enum tui_role role, bool mark, const char *indent);
void tui_lines_clear(struct tui_lines *l);
/* Draws lines [top, top + h) at rows y.. with a 2-column gutter for marks. */
void tui_lines_draw(struct tui *t, const struct tui_lines *l, size_t top, int y, int h);
/* Scrolling keys shared by the text screens; returns true when used. */
bool tui_scroll_key(int key, size_t *top, size_t total, int page);

/* ---- Analysis helpers (model.c). */

/* Findings of list item `item`, established ones only; returns the count and
 * fills up to cap ids. */
size_t tui_item_findings(const struct tui *t, uint32_t item, uint32_t *ids, size_t cap);
/* Worst established finding of an item, or NULL. */
const struct sw_finding *tui_item_worst(const struct tui *t, uint32_t item);
uint32_t tui_finding_item(const struct tui *t, const struct sw_finding *f);
bool tui_finding_live(const struct sw_finding *f);
bool tui_finding_has_msg(const struct sw_finding *f, const struct sw_msg *m);
const char *tui_sev_letter(enum sw_severity s);
enum tui_role tui_sev_role(enum sw_severity s);
/* Message ids of items (in capture order, merged, deduplicated), those
 * cleared with F5 left out. The pseudo item UINT32_MAX - 1 collects the
 * messages that belong to no item; TUI_ITEM_FINDING(id) the evidence of a
 * finding tied to no account or dialog (a DNS failure, no SIP at all). */
#define TUI_ITEM_UNASSIGNED SW_LADDER_UNASSIGNED
#define TUI_ITEM_FINDING_BIT SW_LADDER_FINDING_BIT
#define TUI_ITEM_FINDING(fid) SW_LADDER_FINDING(fid)
#define tui_item_is_finding sw_ladder_is_finding
void tui_collect_msgs(const struct tui *t, const uint32_t *items, size_t n, uint32_t **ids,
                      size_t *nids);
/* " (name)" of the input file a frame came from, when there are several. */
void tui_put_file(const struct tui *t, struct sw_buf *b, uint32_t file_idx);
/* Short kind for badges: "register.forbidden" -> "forbidden" (translated). */
const char *tui_kind_short(const struct tui *t, const char *kind);

/* ---- highlight.c: which headers a finding points at. */
#define TUI_HL_START "@start" /* pseudo header: the start line */
/* Does the finding (kind, cause) point at header `name` (full or compact
 * form, case-insensitive)? name "@start" asks about the start line. */
bool tui_hl_match(enum sw_kind kind, enum sw_cause cause, const char *name, size_t len);
/* "Via, Contact" for display; NULL when the kind has no entry. */
const char *tui_hl_headers(enum sw_kind kind, enum sw_cause cause);

/* ---- pair.c: two captures of one path (analyze/pair.h). */
struct sw_pair;
/* The pair results when the two inputs are two views of one path, else NULL
 * (one input, live, not compared yet, unrelated or identical files). */
const struct sw_pair *tui_pair(const struct tui *t);
enum tui_pmark {
	TUI_PM_NONE = 0, /* no pair, not SIP, or not seen on the other side */
	TUI_PM_SAME,     /* seen on both sides, nothing rewritten */
	TUI_PM_CHANGED,  /* seen on both sides, the path rewrote it */
	TUI_PM_LOST,     /* left one side, never reached the other */
};
enum tui_pmark tui_pair_mark(const struct tui *t, const struct sw_msg *m);
/* The list's line about the pair (roles, offset, losses, changes); false
 * when there are not two files. *role: the attribute it deserves. */
bool tui_pair_summary(struct tui *t, struct sw_buf *b, enum tui_role *role);
/* One line about m's copy on the other side (or its loss); false when there
 * is no pair or m is not SIP. */
bool tui_pair_describe(struct tui *t, const struct sw_msg *m, struct sw_buf *b,
                       enum tui_role *role);
/* The "both sides" screen on message ids[cur] (Left/Right step through the
 * others of ids); when it has no other copy, a note says why instead. */
void tui_pair_open(struct tui *t, const uint32_t *ids, size_t n, size_t cur);

/* ---- row.c: the list's rows. A row is small; its text is made from the
 * analysis only when it is drawn or sorted. */
enum {
	TUI_ROW_MORE = 1,     /* the item has more than one finding */
	TUI_ROW_FLAPPING = 2, /* an unresolved flapping finding: the state says so */
};
struct tui_row {
	uint32_t item;   /* item id, TUI_ITEM_UNASSIGNED or TUI_ITEM_FINDING() */
	uint32_t n_msgs; /* messages F5 did not clear (evidence of a finding's row) */
	uint32_t worst;  /* finding id of the badge, or UINT32_MAX */
	uint8_t flags;   /* TUI_ROW_* */
};
/* The text of a row, as shown. */
struct tui_cells {
	char type[16];
	char *name; /* owned, escaped for the terminal */
	char *addr;
	char *ua, *callid; /* owned, escaped, "" when none */
	char state[48];
	enum tui_role state_role;
	int64_t first_ns, last_ns;
	int sev; /* badge severity, -1 when none */
	bool resolved;
	char badge[48];
};
/* Fills c (owned strings: free with tui_cells_free) for row r from the
 * analysis as it is now; unassigned_last is the newest message time of the
 * unassigned row. */
void tui_row_cells(struct tui *t, const struct tui_row *r, int64_t unassigned_last,
                   struct tui_cells *c);
void tui_cells_free(struct tui_cells *c);

/* ---- Screens. */
struct tui_view *tui_list_new(struct tui *t);
/* Items selected with Space, or the one under the cursor; returns count. */
size_t tui_list_chosen(struct tui *t, uint32_t **items);
bool tui_filter_match(struct tui *t, uint32_t item);
void tui_list_filter_changed(struct tui *t);
/* Ladder of the items' messages; the cursor starts on message id `focus`
 * when it is there (UINT32_MAX: the first message). With `extended`, every
 * message to or from the items' phones (sngrep's extended flow, F4). */
struct tui_view *tui_ladder_new(struct tui *t, const uint32_t *items, size_t n, uint32_t focus);
struct tui_view *tui_ladder_new_ext(struct tui *t, const uint32_t *items, size_t n,
                                    uint32_t focus, bool extended);
/* Messages to or from the phones of these items (the extended flow). */
void tui_collect_ext(const struct tui *t, const uint32_t *items, size_t n, uint32_t **ids,
                     size_t *nids);
/* F6: the text of every message of ids, one after the other, for copying. */
struct tui_view *tui_raw_new(struct tui *t, const uint32_t *ids, size_t n, const char *title);
/* The raw text of message m, or -1 when it is not available. */
int tui_msg_raw(const struct tui *t, const struct sw_msg *m, struct sw_buf *out);
/* The heading of a message in raw and diff screens: time, addresses, frame. */
void tui_msg_heading(const struct tui *t, const struct sw_msg *m, struct sw_buf *out);
/* Space, Space in the ladder: two messages side by side, the lines one does
 * not have highlighted (sngrep's message diff). */
struct tui_view *tui_diff_new(struct tui *t, uint32_t a, uint32_t b);
/* F10: which columns the list shows, their order and width. */
struct tui_view *tui_columns_new(struct tui *t);
void tui_list_columns_changed(struct tui *t);
/* A yes/no question; yes(t) runs on y (or Enter), nothing on n or Esc. */
struct tui_view *tui_confirm_new(struct tui *t, const char *question, void (*yes)(struct tui *t));
/* q on the list: quits, or asks first when packets would be lost. */
void tui_quit_ask(struct tui *t);
/* The lines of message m for a screen w columns wide: with `full`, a line
 * about where it came from and the findings that point at it first; then the
 * text, escaped, with the headers those findings point at marked. */
void tui_msg_lines(struct tui *t, const struct sw_msg *m, int w, bool full, struct tui_lines *out);
/* Findings (established) whose evidence includes m: count, ids up to cap. */
size_t tui_msg_findings(const struct tui *t, const struct sw_msg *m, uint32_t *ids, size_t cap);
/* Message screen over a sequence of message ids, starting at index cur. */
struct tui_view *tui_message_new(struct tui *t, const uint32_t *ids, size_t n, size_t cur);
/* Findings screen over finding ids (NULL/0 = all), starting at index cur. */
struct tui_view *tui_findings_new(struct tui *t, const uint32_t *ids, size_t n, size_t cur);
struct tui_view *tui_help_new(struct tui *t, const struct tui_screen *of);
/* Line prompt: calls done(t, text, u) on Enter (not on Esc); u is freed
 * with free_u (may be NULL) when the prompt closes either way. */
struct tui_view *tui_prompt_new(struct tui *t, const char *label, const char *initial,
                                void (*done)(struct tui *t, const char *text, void *u), void *u,
                                void (*free_u)(void *u));
/* One-line editor shared by the prompt and the filter form. */
struct tui_edit {
	char buf[TUI_FILTER_MAX];
	size_t len;
};
void tui_edit_set(struct tui_edit *e, const char *s);
/* Printable characters, Backspace, Ctrl-U/Ctrl-W; true when used. */
bool tui_edit_key(struct tui_edit *e, int k);
void tui_edit_draw(struct tui *t, const struct tui_edit *e, int y, int x, int w, attr_t a);
struct tui_view *tui_filter_form_new(struct tui *t);
/* Save messages to a pcap after asking for the file name. */
void tui_save_ask(struct tui *t, const uint32_t *ids, size_t n);

#endif
