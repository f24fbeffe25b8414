/* SPDX-License-Identifier: BSD-2-Clause */
/* The interactive view's loop: one thread polls the keyboard, the capture and
 * the signal descriptor, pumps the analysis in small batches (offline: the
 * whole file, a slice at a time, so keys stay answered), and redraws the stack
 * of screens. No threads, no locks, no signal handlers of our own (ncurses
 * keeps its SIGWINCH handler, which turns a resize into KEY_RESIZE). */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "common/mem.h"
#include "tui/termrt.h"
#include "tui/tui_int.h"

#define PUMP_FRAMES 256    /* frames per pump() call */
#define PUMP_SLICE_MS 30   /* offline: pump this long between key checks */
#define LIVE_PUMP_CALLS 64 /* live: at most this many pump() calls per wakeup */
#define REFRESH_MS 150     /* rebuild screens from new data at most this often */
#define REFRESH_SHARE 8    /* ... and spend at most 1/8 of the time rebuilding */
#define LIVE_TICK_MS 500   /* live: redraw the status bar this often */
#define NOTE_MS 5000       /* how long a note stays in the status bar */
#define STDIN_EOF_TRIES 64 /* readable stdin without a key this often = EOF */
#define ERR_KEEP 65536u    /* bytes of stderr kept to replay after the screen */

const char *tui_tr(const struct tui *t, const char *msgid)
{
	return sw_tr(t->cat, msgid);
}

const char *tui_trn(const struct tui *t, const char *msgid, const char *plural,
                    unsigned long long n)
{
	return sw_trn(t->cat, msgid, plural, n);
}

const char *tui_trc(const struct tui *t, const char *ctx, const char *msgid)
{
	return sw_trc(t->cat, ctx, msgid);
}

int64_t tui_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts); /* screen pacing only, never protocol state */
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void tui_note(struct tui *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->note, sizeof t->note, fmt, ap);
	va_end(ap);
	t->note_until_ms = tui_now_ms() + NOTE_MS;
	t->redraw = true;
}

bool tui_key_enter(int k)
{
	return k == '\r' || k == '\n' || k == TK(KEY_ENTER);
}

bool tui_key_back(int k)
{
	return k == TK_ESC || k == 'q' || k == 'Q';
}

bool tui_key_help(int k)
{
	return k == TK(KEY_F(1)) || k == '?' || k == 'H';
}

void tui_push(struct tui *t, struct tui_view *v)
{
	if (!v)
		return;
	if (t->depth == TUI_MAX_DEPTH) {
		v->scr->destroy(v);
		return;
	}
	t->stack[t->depth++] = v;
	t->redraw = true;
}

static void quit_now(struct tui *t)
{
	t->quit = true;
}

void tui_quit_ask(struct tui *t)
{
	const char *q = NULL;
	if (t->src->live && !t->ended)
		q = tui_tr(t, "The live capture is still running. Stop it and quit?");
	else if (t->src->live && !t->src->saving && !t->saved && t->frames)
		q = tui_tr(t, "Nothing of this capture was saved (-w keeps the packets, F2 the "
		              "text). Quit anyway?");
	if (q)
		tui_push(t, tui_confirm_new(t, q, quit_now));
	else
		t->quit = true;
}

void tui_pop(struct tui *t)
{
	if (t->depth <= 1)
		return;
	struct tui_view *v = t->stack[--t->depth];
	v->scr->destroy(v);
	t->redraw = true;
}

/* ncursesw needs a UTF-8 LC_CTYPE to draw anything but ASCII; a phone's
 * shell often has no locale set, so fall back to C.UTF-8 when available,
 * and to the one sipwatch carries (termrt.c) when the machine has none. */
bool sw_tui_init_locale(char *notice, size_t noticelen)
{
	notice[0] = '\0';
	setlocale(LC_CTYPE, "");
	const char *cs = nl_langinfo(CODESET);
	if (cs && strcmp(cs, "UTF-8") == 0)
		return true;
	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		struct tui_rt rt;
		memset(&rt, 0, sizeof rt);
		char err[256] = "";
		if (tui_rt_utf8_locale(&rt, err, sizeof err) < 0) {
			setlocale(LC_CTYPE, "");
			snprintf(notice, noticelen,
			         "no UTF-8 locale: shown in English and ASCII (built-in C.UTF-8: %s)",
			         err);
		}
		/* glibc has mapped the table: the file can go. */
		tui_rt_done(&rt);
	}
	cs = nl_langinfo(CODESET);
	return cs && strcmp(cs, "UTF-8") == 0;
}

/* The screen for $TERM: from the machine's terminfo, else from the entry
 * sipwatch carries, else as a vt100 (saying so): then, in UTF-8, lines are
 * drawn with Unicode box characters, since many terminals in UTF-8 mode
 * ignore the vt100's shift-out to its line-drawing set. */
static SCREEN *open_screen(struct tui_rt *rt, bool utf8, char *notice, size_t noticelen)
{
	const char *term = getenv("TERM");
	SCREEN *scr;
	/* Only a newterm() that can succeed: a failed one leaks (ncurses). */
	if (tui_rt_system_has_terminfo(term) && (scr = newterm(NULL, stdout, stdin)) != NULL)
		return scr;
	char err[256] = "";
	if (tui_rt_has_terminfo(rt, term) && tui_rt_terminfo(rt, term, err, sizeof err) == 0 &&
	    (scr = newterm(NULL, stdout, stdin)) != NULL)
		return scr;
	if (utf8)
		setenv("NCURSES_NO_UTF8_ACS", "1", 0);
	if (tui_rt_terminfo(rt, "vt100", err, sizeof err) == 0 &&
	    (scr = newterm("vt100", stdout, stdin)) != NULL) {
		snprintf(notice, noticelen, "no terminfo entry for TERM=%s: drawing as a vt100",
		         term && *term ? term : "(unset)");
		return scr;
	}
	return NULL;
}

static void setup_attrs(struct tui *t)
{
	const char *nc = getenv("NO_COLOR"); /* https://no-color.org */
	t->color = has_colors() && !(nc && *nc);
	attr_t *a = t->attr;
	for (int i = 0; i < TR_COUNT; i++)
		a[i] = A_NORMAL;
	if (!t->color) {
		a[TR_TITLE] = A_REVERSE | A_BOLD;
		a[TR_HEADER] = A_REVERSE;
		a[TR_STATUS] = A_REVERSE;
		a[TR_KEY] = A_REVERSE | A_BOLD;
		a[TR_CURSOR] = A_REVERSE;
		a[TR_SELECTED] = A_BOLD;
		a[TR_ERROR] = A_BOLD;
		a[TR_WARNING] = A_BOLD;
		a[TR_HIGHLIGHT] = A_REVERSE | A_BOLD;
		a[TR_ICMP] = A_BOLD;
		a[TR_DIM] = A_DIM;
		a[TR_KEEPALIVE] = A_DIM;
		a[TR_HNAME] = A_BOLD;
		return;
	}
	start_color();
	short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
	static const struct {
		enum tui_role role;
		short fg, bg; /* bg -2: the terminal's default background */
		attr_t extra;
	} pairs[] = {
	    {TR_TITLE, COLOR_WHITE, COLOR_BLUE, A_BOLD},
	    {TR_HEADER, COLOR_BLACK, COLOR_CYAN, 0},
	    {TR_STATUS, COLOR_BLACK, COLOR_WHITE, 0},
	    {TR_KEY, COLOR_WHITE, COLOR_CYAN, A_BOLD},
	    {TR_CURSOR, COLOR_WHITE, COLOR_BLUE, A_BOLD},
	    {TR_SELECTED, COLOR_GREEN, -2, A_BOLD},
	    {TR_ERROR, COLOR_RED, -2, A_BOLD},
	    {TR_WARNING, COLOR_YELLOW, -2, A_BOLD},
	    {TR_INFO, COLOR_CYAN, -2, 0},
	    {TR_OK, COLOR_GREEN, -2, 0},
	    {TR_HIGHLIGHT, COLOR_BLACK, COLOR_YELLOW, A_BOLD},
	    {TR_RESPONSE, COLOR_GREEN, -2, 0},
	    {TR_ICMP, COLOR_RED, -2, A_BOLD},
	    {TR_KEEPALIVE, COLOR_BLUE, -2, A_BOLD},
	    {TR_HNAME, COLOR_GREEN, -2, 0},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		short n = (short)(i + 1);
		init_pair(n, pairs[i].fg, pairs[i].bg == -2 ? bg : pairs[i].bg);
		a[pairs[i].role] = COLOR_PAIR(n) | pairs[i].extra;
	}
	a[TR_DIM] = A_DIM;
	a[TR_KEYTEXT] = A_NORMAL;
}

/* stderr would scribble over the screen: send it through a pipe, show each
 * line in the status bar and replay it all once the terminal is restored. */
static int capture_stderr(struct tui *t)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	if (saved < 0 || dup2(p[1], STDERR_FILENO) < 0) {
		if (saved >= 0)
			close(saved);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(p[1]);
	t->err_fd = p[0];
	return saved;
}

static void drain_stderr(struct tui *t)
{
	if (t->err_fd < 0)
		return;
	char buf[4096];
	for (;;) {
		ssize_t n = read(t->err_fd, buf, sizeof buf);
		if (n <= 0)
			break;
		if (t->err_text.len < ERR_KEEP)
			sw_buf_put(&t->err_text, buf, (size_t)n);
		/* The last complete line becomes the note. */
		size_t end = t->err_text.len;
		while (end && (t->err_text.p[end - 1] == '\n' || t->err_text.p[end - 1] == '\r'))
			end--;
		size_t start = end;
		while (start && t->err_text.p[start - 1] != '\n')
			start--;
		struct sw_buf b = SW_BUF_INIT;
		tui_wire(&b, t->err_text.p + start, end - start);
		tui_note(t, "%s", b.p);
		sw_buf_free(&b);
	}
}

static void restore_stderr(struct tui *t, int saved)
{
	if (saved < 0)
		return;
	fflush(stderr);
	drain_stderr(t);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(t->err_fd);
	t->err_fd = -1;
	if (t->err_text.len)
		fwrite(t->err_text.p, 1, t->err_text.len, stderr);
}

/* Base names of the inputs from the title ("a.pcap, dir/b.pcap"). */
static void split_title(struct tui *t)
{
	const char *title = t->src->title ? t->src->title : "";
	for (const char *p = title; *p;) {
		const char *e = strstr(p, ", ");
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *base = p;
		for (const char *q = p; q < p + n; q++)
			if (*q == '/')
				base = q + 1;
		struct sw_buf b = SW_BUF_INIT;
		tui_wire(&b, base, (size_t)(p + n - base));
		t->files = sw_realloc(t->files, (t->nfiles + 1) * sizeof *t->files);
		t->files[t->nfiles++] = b.p;
		p += n;
		if (*p)
			p += 2;
	}
}

static bool fd_ready(int fd)
{
	if (fd < 0)
		return false;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

static void on_signal(struct tui *t)
{
	struct signalfd_siginfo si;
	if (read(t->src->signal_fd, &si, sizeof si) == (ssize_t)sizeof si)
		t->quit = true;
}

/* One pump() call; returns frames processed, -1 at the end of input. */
static int pump_once(struct tui *t, bool *changed)
{
	/* The pipeline's pump also reads the signal descriptor; look first so
	 * that a SIGTERM ends the view rather than only the capture. */
	if (fd_ready(t->src->signal_fd)) {
		on_signal(t);
		return 0;
	}
	int n = t->src->pump(t->src->ctx, PUMP_FRAMES);
	if (n < 0) {
		t->ended = true;
		*changed = true;
		return -1;
	}
	if (n > 0) {
		t->frames += (uint64_t)n;
		*changed = true;
	}
	return n;
}

static void draw(struct tui *t)
{
	erase();
	if (LINES < TUI_MIN_ROWS || COLS < TUI_MIN_COLS) {
		tui_printf(t, 0, 0, COLS, A_BOLD,
		           tui_tr(t, "Terminal too small (%dx%d); need %dx%d."), COLS, LINES,
		           TUI_MIN_COLS, TUI_MIN_ROWS);
		tui_text(t, 1, 0, COLS, tui_tr(t, "Enlarge it, or press q to quit."), A_NORMAL);
		refresh();
		return;
	}
	size_t base = t->depth - 1;
	while (base > 0 && t->stack[base]->scr->overlay)
		base--;
	for (size_t i = base; i < t->depth; i++)
		t->stack[i]->scr->draw(t, t->stack[i]);
	refresh();
}

static void refresh_views(struct tui *t)
{
	t->gen++;
	for (size_t i = 0; i < t->depth; i++)
		if (t->stack[i]->scr->update)
			t->stack[i]->scr->update(t, t->stack[i]);
	t->redraw = true;
}

static void handle_key(struct tui *t, int k)
{
	t->redraw = true;
	if (k == TK(KEY_RESIZE))
		return;
	if (k == TK_CTRL('C')) {
		t->quit = true;
		return;
	}
	if (k == TK_CTRL('L')) {
		clearok(curscr, TRUE);
		return;
	}
	if (LINES < TUI_MIN_ROWS || COLS < TUI_MIN_COLS) {
		if (tui_key_back(k))
			tui_quit_ask(t);
		return;
	}
	struct tui_view *top = t->stack[t->depth - 1];
	if (top->scr->key(t, top, k))
		return;
	if (tui_key_help(k)) {
		tui_push(t, tui_help_new(t, top->scr));
		return;
	}
	if (tui_key_back(k)) {
		if (t->depth > 1)
			tui_pop(t);
		else
			tui_quit_ask(t);
	}
}

/* Returns the number of keys handled. */
static int read_keys(struct tui *t)
{
	int n = 0;
	for (;;) {
		wint_t wc;
		int rc = get_wch(&wc);
		if (rc == ERR)
			return n;
		n++;
		handle_key(t, rc == KEY_CODE_YES ? TK((int)wc) : (int)wc);
		if (t->quit)
			return n;
	}
}

static void loop(struct tui *t)
{
	const struct sw_tui_source *src = t->src;
	int64_t last_refresh = 0, last_tick = tui_now_ms(), interval = REFRESH_MS;
	int idle_input = 0;
	bool changed = true;
	while (!t->quit) {
		bool pumping = !t->ended && !src->live && !t->paused;
		if (pumping) {
			int64_t start = tui_now_ms();
			while (!t->ended && !t->quit && tui_now_ms() - start < PUMP_SLICE_MS)
				pump_once(t, &changed);
			pumping = !t->ended;
		}
		int64_t now = tui_now_ms();
		int timeout = -1;
		if (pumping)
			timeout = 0;
		else if (changed)
			timeout = (int)(interval - (now - last_refresh) > 0
			                    ? interval - (now - last_refresh)
			                    : 0);
		else if (src->live && !t->ended)
			timeout = LIVE_TICK_MS;
		if (t->note[0] && !pumping) {
			int64_t left = t->note_until_ms - now;
			if (left > 0 && (timeout < 0 || left < timeout))
				timeout = (int)left + 1;
		}
		/* Paused: the capture is not read (the kernel keeps what fits
		 * in its buffer, and counts the drops). */
		int capfd = (!t->ended && !t->paused && src->capture_fd) ? src->capture_fd(src->ctx)
		                                                         : -1;
		struct pollfd p[4] = {
		    {.fd = STDIN_FILENO, .events = POLLIN},
		    {.fd = capfd, .events = POLLIN},
		    {.fd = src->signal_fd, .events = POLLIN},
		    {.fd = t->err_fd, .events = POLLIN},
		};
		int rc = poll(p, 4, timeout);
		if (rc < 0 && errno != EINTR)
			break;
		if (rc > 0 && (p[2].revents & POLLIN))
			on_signal(t);
		if (src->live && !t->ended && !t->paused) {
			/* Live: read what is there (immediate mode, non-blocking). */
			for (int i = 0; i < LIVE_PUMP_CALLS && !t->quit; i++)
				if (pump_once(t, &changed) <= 0)
					break;
		}
		drain_stderr(t);
		/* Also after EINTR: a resize arrives as a key. */
		int nkeys = read_keys(t);
		/* Input that is readable yet yields no key, again and again, has
		 * ended (the terminal hung up, or --tui reading from a file): no
		 * one can press q any more. */
		if (rc > 0 && (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)))
			t->quit = true;
		idle_input = (rc > 0 && (p[0].revents & POLLIN) && nkeys == 0) ? idle_input + 1 : 0;
		if (idle_input > STDIN_EOF_TRIES)
			t->quit = true;
		now = tui_now_ms();
		if (changed && (now - last_refresh >= interval || t->ended)) {
			refresh_views(t);
			/* Big captures make rebuilding the screens slow: rebuild less
			 * often then, so that reading the file keeps most of the time. */
			int64_t spent = tui_now_ms() - now;
			interval =
			    spent * REFRESH_SHARE > REFRESH_MS ? spent * REFRESH_SHARE : REFRESH_MS;
			last_refresh = now;
			changed = false;
		}
		if (src->live && now - last_tick >= LIVE_TICK_MS) {
			last_tick = now;
			t->redraw = true;
		}
		if (t->note[0] && now >= t->note_until_ms) {
			t->note[0] = '\0';
			t->redraw = true;
		}
		if (t->redraw && !t->quit) {
			draw(t);
			t->redraw = false;
		}
	}
}

int sw_tui_run(const struct sw_tui_source *src)
{
	struct tui t;
	memset(&t, 0, sizeof t);
	t.src = src;
	t.cat = src->cat;
	t.an = src->an;
	t.err_fd = -1;
	t.prefs = src->prefs;
	if (!t.prefs) {
		t.prefs = sw_tui_prefs_load();
		t.own_prefs = true;
	}
	t.autoscroll = src->live; /* live: follow the newest item, as sngrep */
	t.raw_pane = -1;
	split_title(&t);
	struct tui_rt rt;
	memset(&rt, 0, sizeof rt);
	char notice[2][320] = {"", ""};
	if (src->notice)
		snprintf(notice[0], sizeof notice[0], "%s", src->notice);
	const char *cs = nl_langinfo(CODESET);
	t.utf8 = cs && strcmp(cs, "UTF-8") == 0;
	SCREEN *scr = open_screen(&rt, t.utf8, notice[1], sizeof notice[1]);
	/* ncurses has read the entry and glibc has mapped the table: the
	 * files go now, whatever happens to the process later. */
	tui_rt_done(&rt);
	if (!scr) {
		const char *term = getenv("TERM");
		fprintf(stderr,
		        "sipwatch: cannot initialise the terminal (TERM=%s); use --report\n",
		        term ? term : "unset");
		for (size_t i = 0; i < t.nfiles; i++)
			free(t.files[i]);
		free(t.files);
		if (t.own_prefs)
			sw_tui_prefs_free(t.prefs);
		return -1;
	}
	set_term(scr);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	setup_attrs(&t);
	int saved_err = capture_stderr(&t);
	/* One line each, in the status bar now and on stderr after the view. */
	for (int i = 0; i < 2; i++)
		if (notice[i][0]) {
			fprintf(stderr, "sipwatch: %s\n", notice[i]);
			tui_note(&t, "%s", notice[i]);
		}
	t.list = tui_list_new(&t);
	tui_push(&t, t.list);
	t.redraw = true;
	loop(&t);
	while (t.depth > 1)
		tui_pop(&t);
	t.list->scr->destroy(t.list);
	erase();
	refresh();
	endwin();
	delscreen(scr);
	fflush(stdout);
	restore_stderr(&t, saved_err);
	sw_buf_free(&t.err_text);
	for (size_t i = 0; i < t.nfiles; i++)
		free(t.files[i]);
	free(t.files);
	if (t.own_prefs)
		sw_tui_prefs_free(t.prefs);
	return 0;
}
