/* SPDX-License-Identifier: BSD-2-Clause */
/* F2 / s: save, after asking what (sngrep's save dialog): every message of
 * the capture as a pcap, only the messages of the selection (the selected
 * items, this ladder, this message) as a pcap, as a pcapng with the findings
 * as comments on their evidence frames, their text as F6 shows it, or an
 * HTML report of the items they belong to. The menu is a table: one row per
 * choice, with its scope, its format and its writer, so another format is
 * one more row. Frames are re-read from the capture and the page is written
 * by the pipeline's callbacks (cli/); the text is written here. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/mem.h"
#include "tui/tui_int.h"

enum save_scope {
	SCOPE_THESE, /* the messages the screen was asked about */
	SCOPE_ALL,   /* every message kept (after F5's clearing) */
};

struct save_req;
typedef int (*save_writer)(struct tui *t, const struct save_req *r, const char *path, char *err,
                           size_t errlen);

static int write_pcap(struct tui *t, const struct save_req *r, const char *path, char *err,
                      size_t errlen);
static int write_pcapng(struct tui *t, const struct save_req *r, const char *path, char *err,
                        size_t errlen);
static int write_text(struct tui *t, const struct save_req *r, const char *path, char *err,
                      size_t errlen);
static int write_html(struct tui *t, const struct save_req *r, const char *path, char *err,
                      size_t errlen);

/* The choices, in the menu's order. %zu is the number of messages. */
static const struct save_kind {
	char key;
	enum save_scope scope;
	const char *ext;    /* of the default file name */
	const char *choice; /* msgid: the menu's line */
	const char *prompt; /* msgid: the file name prompt */
	save_writer write;
} kinds[] = {
    {'a', SCOPE_ALL, "pcap", N_("pcap: every message of the capture (%zu)"),
     N_("Save all %zu messages to pcap file:"), write_pcap},
    {'p', SCOPE_THESE, "pcap", N_("pcap: only these %zu messages (the selection)"),
     N_("Save %zu messages to pcap file:"), write_pcap},
    {'n', SCOPE_THESE, "pcapng", N_("pcapng: these %zu messages, findings as frame comments"),
     N_("Save %zu messages to pcapng file (findings as comments):"), write_pcapng},
    {'t', SCOPE_THESE, "txt", N_("text: these %zu messages as they were sent"),
     N_("Save the text of %zu messages to file:"), write_text},
    {'h', SCOPE_THESE, "html", N_("HTML report of the items of these %zu messages"),
     N_("HTML report of these %zu messages' items, to file:"), write_html},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

/* The table's texts each take one %zu (msgfmt -c holds the translations to
 * it): formatted here, where the compiler cannot see the literal. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void fmt_count(char *buf, size_t cap, const char *fmt, size_t n)
{
	snprintf(buf, cap, fmt, n);
}
#pragma GCC diagnostic pop

struct save_req {
	uint32_t *these; /* the screen's messages */
	size_t nthese;
	uint32_t *ids; /* what is saved: these, or all */
	size_t n;
	const struct save_kind *kind;
};

static void save_free(void *u)
{
	struct save_req *r = u;
	if (r->ids != r->these)
		free(r->ids);
	free(r->these);
	free(r);
}

static int write_pcap(struct tui *t, const struct save_req *r, const char *path, char *err,
                      size_t errlen)
{
	if (!t->src->save) {
		snprintf(err, errlen, "%s", tui_tr(t, "saving packets is not available for this input"));
		return -1;
	}
	return t->src->save(t->src->ctx, r->ids, r->n, path, err, errlen);
}

static int write_pcapng(struct tui *t, const struct save_req *r, const char *path, char *err,
                        size_t errlen)
{
	if (!t->src->save_pcapng) {
		snprintf(err, errlen, "%s", tui_tr(t, "saving packets is not available for this input"));
		return -1;
	}
	return t->src->save_pcapng(t->src->ctx, r->ids, r->n, path, err, errlen);
}

static int write_html(struct tui *t, const struct save_req *r, const char *path, char *err,
                      size_t errlen)
{
	if (!t->src->save_html) {
		snprintf(err, errlen, "%s", tui_tr(t, "the HTML report is not available for this input"));
		return -1;
	}
	return t->src->save_html(t->src->ctx, r->ids, r->n, path, err, errlen);
}

/* The text of each message under its heading, as the raw screen shows it,
 * but as the wire had it: a file is not a terminal. */
static int write_text(struct tui *t, const struct save_req *r, const char *path, char *err,
                      size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct sw_buf b = SW_BUF_INIT;
	size_t written = 0;
	int rc = 0;
	for (size_t i = 0; i < r->n && rc == 0; i++) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(t->an, r->ids[i], &m_rec);
		if (!m)
			continue;
		sw_buf_reset(&b);
		tui_msg_heading(t, m, &b);
		sw_buf_putc(&b, '\n');
		size_t head = b.len;
		if (tui_msg_raw(t, m, &b) < 0 || b.len == head) {
			sw_buf_puts(&b, m->label ? m->label : "?");
			sw_buf_printf(&b, "  %s\n", tui_tr(t, "(the text of this message is not available)"));
		} else if (b.p[b.len - 1] != '\n') {
			sw_buf_putc(&b, '\n');
		}
		sw_buf_putc(&b, '\n');
		for (size_t off = 0; off < b.len;) {
			ssize_t w = write(fd, b.p + off, b.len - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				snprintf(err, errlen, "%s: %s", path, strerror(w < 0 ? errno : EIO));
				rc = -1;
				break;
			}
			off += (size_t)w;
		}
		written++;
	}
	sw_buf_free(&b);
	if (close(fd) < 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && !written) {
		snprintf(err, errlen, "%s", tui_tr(t, "none of these messages is kept any more"));
		rc = -1;
	}
	return rc;
}

static void save_done(struct tui *t, const char *path, void *u)
{
	struct save_req *r = u;
	if (!path[0]) {
		tui_note(t, "%s", tui_tr(t, "Not saved: no file name."));
		return;
	}
	char err[256] = "";
	if (r->kind->write(t, r, path, err, sizeof err) < 0) {
		struct sw_buf b = SW_BUF_INIT;
		tui_wire_c(&b, err[0] ? err : "?");
		tui_note(t, tui_tr(t, "Not saved: %s"), b.p);
		sw_buf_free(&b);
		return;
	}
	t->saved = true;
	struct sw_buf b = SW_BUF_INIT;
	tui_wire_c(&b, path);
	if (r->kind->write == write_html)
		tui_note(t, tui_tr(t, "Wrote the HTML report of %zu messages' items to %s"), r->n, b.p);
	else
		tui_note(t, tui_trn(t, "Saved %zu message to %s", "Saved %zu messages to %s", r->n), r->n,
		         b.p);
	sw_buf_free(&b);
}

/* Every message kept, in capture order (F5's clearing respected). */
static void all_msgs(const struct tui *t, uint32_t **ids, size_t *n)
{
	size_t total = sw_analyze_nmsgs(t->an), k = 0;
	uint32_t *v = sw_malloc((total ? total : 1) * sizeof *v);
	for (size_t id = t->clear_from; id < total; id++) {
		struct sw_msg rec;
		if (sw_analyze_msg(t->an, (uint32_t)id, &rec))
			v[k++] = (uint32_t)id;
	}
	*ids = v;
	*n = k;
}

/* The file name prompt for r (owned by the prompt from here on). */
static void ask_name(struct tui *t, struct save_req *r)
{
	/* Default name from the first message's capture time: the same capture
	 * gives the same name. */
	char name[64];
	snprintf(name, sizeof name, "sipwatch.%s", r->kind->ext);
	struct sw_msg m_rec;
	const struct sw_msg *m = r->n ? sw_analyze_msg(t->an, r->ids[0], &m_rec) : NULL;
	if (m) {
		time_t s = (time_t)(m->ts_ns / 1000000000);
		struct tm tm;
		char stamp[32];
		if (gmtime_r(&s, &tm) && strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm))
			snprintf(name, sizeof name, "sipwatch-%s.%s", stamp, r->kind->ext);
	}
	char label[160];
	fmt_count(label, sizeof label, tui_tr(t, r->kind->prompt), r->n);
	tui_push(t, tui_prompt_new(t, label, name, save_done, r, save_free));
}

/* ---- the menu: what to save. */

struct choose_view {
	struct tui_view base;
	struct save_req *r;
	size_t nall;
	int cur;
};

static void choose_draw(struct tui *t, struct tui_view *v)
{
	struct choose_view *c = (struct choose_view *)v;
	int cols = COLS, h = (int)NKINDS + 5;
	int w = cols - 4 > 76 ? 76 : cols - 4;
	int x = (cols - w) / 2, y = LINES - h - 1;
	tui_box(t, y, x, h, w, tui_tr(t, "Save"));
	for (int i = 0; i < (int)NKINDS; i++) {
		char what[160], line[200];
		fmt_count(what, sizeof what, tui_tr(t, kinds[i].choice),
		          kinds[i].scope == SCOPE_ALL ? c->nall : c->r->nthese);
		snprintf(line, sizeof line, "%c  %s", kinds[i].key, what);
		attr_t a = i == c->cur ? tui_a(t, TR_CURSOR) : A_NORMAL;
		if (i == c->cur)
			tui_fill(y + 2 + i, x + 1, w - 2, a);
		tui_text(t, y + 2 + i, x + 2, w - 4, line, a);
	}
	tui_text(t, y + h - 2, x + 2, w - 4,
	         tui_tr(t, "A key, or Up/Down and Enter: choose   Esc: cancel"), tui_a(t, TR_DIM));
}

static bool choose_key(struct tui *t, struct tui_view *v, int k)
{
	struct choose_view *c = (struct choose_view *)v;
	if (k == TK(KEY_UP) || k == 'k') {
		c->cur = (c->cur + (int)NKINDS - 1) % (int)NKINDS;
		return true;
	}
	if (k == TK(KEY_DOWN) || k == 'j' || k == '\t') {
		c->cur = (c->cur + 1) % (int)NKINDS;
		return true;
	}
	if (k == TK_ESC || k == 'q' || k == 'Q') {
		tui_pop(t);
		return true;
	}
	int pick = -1;
	if (tui_key_enter(k))
		pick = c->cur;
	for (int i = 0; pick < 0 && i < (int)NKINDS; i++)
		if (k == kinds[i].key)
			pick = i;
	if (pick < 0)
		return true; /* an overlay takes every key */
	struct save_req *r = c->r;
	c->r = NULL; /* handed to the prompt */
	r->kind = &kinds[pick];
	if (r->kind->scope == SCOPE_ALL) {
		all_msgs(t, &r->ids, &r->n);
	} else {
		r->ids = r->these;
		r->n = r->nthese;
	}
	tui_pop(t);
	if (!r->n) {
		tui_note(t, "%s", tui_tr(t, "Nothing to save."));
		save_free(r);
		return true;
	}
	ask_name(t, r);
	return true;
}

static void choose_destroy(struct tui_view *v)
{
	struct choose_view *c = (struct choose_view *)v;
	if (c->r)
		save_free(c->r);
	free(c);
}

static const struct tui_screen choose_screen = {
    .name = "save",
    .overlay = true,
    .draw = choose_draw,
    .key = choose_key,
    .destroy = choose_destroy,
};

void tui_save_ask(struct tui *t, const uint32_t *ids, size_t n)
{
	struct save_req *r = sw_calloc(1, sizeof *r);
	r->these = sw_malloc((n ? n : 1) * sizeof *r->these);
	if (n)
		memcpy(r->these, ids, n * sizeof *ids);
	r->nthese = n;
	struct choose_view *c = sw_calloc(1, sizeof *c);
	c->base.scr = &choose_screen;
	c->r = r;
	uint32_t *all;
	all_msgs(t, &all, &c->nall);
	free(all);
	tui_push(t, &c->base);
}
