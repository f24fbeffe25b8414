/* SPDX-License-Identifier: BSD-2-Clause */
/* Line prompt (filter text, file name to save to) as an overlay at the
 * bottom of the screen, the one-line editor it shares with the filter form,
 * and a yes/no question. Typed text is the user's, yet it is still drawn
 * through tui_text(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "common/mem.h"
#include "tui/tui_int.h"

void tui_edit_set(struct tui_edit *e, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n >= sizeof e->buf)
		n = sizeof e->buf - 1;
	/* Do not cut a UTF-8 sequence in half. */
	while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	if (n)
		memcpy(e->buf, s, n);
	e->buf[n] = '\0';
	e->len = n;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

bool tui_edit_key(struct tui_edit *e, int k)
{
	if (k == TK(KEY_BACKSPACE) || k == 127 || k == 8) {
		while (e->len && ((unsigned char)e->buf[e->len - 1] & 0xC0) == 0x80)
			e->len--;
		if (e->len)
			e->len--;
		e->buf[e->len] = '\0';
		return true;
	}
	if (k == TK_CTRL('U') || k == TK_CTRL('W')) {
		e->len = 0;
		e->buf[0] = '\0';
		return true;
	}
	if (k < 0x20 || k == 0x7F || k > 0x10FFFF || (k >= 0xD800 && k <= 0xDFFF) ||
	    (k >= 0x80 && !iswprint((wint_t)k)))
		return false;
	char u[4];
	size_t n = utf8_encode((uint32_t)k, u);
	if (e->len + n >= sizeof e->buf)
		return true;
	memcpy(e->buf + e->len, u, n);
	e->len += n;
	e->buf[e->len] = '\0';
	return true;
}

void tui_edit_draw(struct tui *t, const struct tui_edit *e, int y, int x, int w, attr_t a)
{
	tui_fill(y, x, w, a);
	/* Show the end of the text when it is longer than the field. */
	const char *s = e->buf;
	size_t len = e->len;
	while (len && tui_width(s, len) > w - 1) {
		size_t step = 1;
		while (step < len && ((unsigned char)s[step] & 0xC0) == 0x80)
			step++;
		s += step;
		len -= step;
	}
	int used = tui_textn(t, y, x, w - 1, s, len, a);
	tui_text(t, y, x + used, 1, "_", a | A_BLINK);
}

struct prompt_view {
	struct tui_view base;
	char label[160];
	struct tui_edit ed;
	void (*done)(struct tui *t, const char *text, void *u);
	void *u;
	void (*free_u)(void *u);
};

static void prompt_draw(struct tui *t, struct tui_view *v)
{
	struct prompt_view *p = (struct prompt_view *)v;
	int cols = COLS, y = LINES - 6;
	int w = cols - 4 > 76 ? 76 : cols - 4;
	int x = (cols - w) / 2;
	tui_box(t, y, x, 5, w, NULL);
	tui_text(t, y + 1, x + 2, w - 4, p->label, A_BOLD);
	tui_edit_draw(t, &p->ed, y + 2, x + 2, w - 4, tui_a(t, TR_CURSOR));
	tui_text(t, y + 3, x + 2, w - 4, tui_tr(t, "Enter: accept   Esc: cancel   Ctrl-U: clear"),
	         tui_a(t, TR_DIM));
}

static bool prompt_key(struct tui *t, struct tui_view *v, int k)
{
	struct prompt_view *p = (struct prompt_view *)v;
	if (tui_key_enter(k)) {
		char text[TUI_FILTER_MAX];
		memcpy(text, p->ed.buf, p->ed.len + 1);
		void (*done)(struct tui *, const char *, void *) = p->done;
		void *u = p->u;
		void (*free_u)(void *) = p->free_u;
		p->free_u = NULL; /* done() runs after the pop, with u still alive */
		tui_pop(t);
		done(t, text, u);
		if (free_u)
			free_u(u);
		return true;
	}
	if (k == TK_ESC) {
		tui_pop(t);
		return true;
	}
	tui_edit_key(&p->ed, k);
	return true; /* a prompt takes every key */
}

static void prompt_destroy(struct tui_view *v)
{
	struct prompt_view *p = (struct prompt_view *)v;
	if (p->free_u)
		p->free_u(p->u);
	free(p);
}

static const struct tui_screen prompt_screen = {
    .name = "prompt",
    .overlay = true,
    .draw = prompt_draw,
    .key = prompt_key,
    .destroy = prompt_destroy,
};

struct tui_view *tui_prompt_new(struct tui *t, const char *label, const char *initial,
                                void (*done)(struct tui *t, const char *text, void *u), void *u,
                                void (*free_u)(void *u))
{
	(void)t;
	struct prompt_view *p = sw_calloc(1, sizeof *p);
	p->base.scr = &prompt_screen;
	snprintf(p->label, sizeof p->label, "%s", label);
	tui_edit_set(&p->ed, initial);
	p->done = done;
	p->u = u;
	p->free_u = free_u;
	return &p->base;
}

/* ---- A yes/no question (quitting while packets would be lost). */

struct confirm_view {
	struct tui_view base;
	char question[256];
	void (*yes)(struct tui *t);
};

#define CONFIRM_LINES 4 /* lines of the question at most */

struct qlines {
	char *v[CONFIRM_LINES];
	int n;
};

static void qline(void *u, const char *s, size_t len)
{
	struct qlines *q = u;
	if (q->n < CONFIRM_LINES)
		q->v[q->n++] = sw_strndup(s, len);
}

static void confirm_draw(struct tui *t, struct tui_view *v)
{
	struct confirm_view *c = (struct confirm_view *)v;
	int cols = COLS;
	int w = cols - 4 > 76 ? 76 : cols - 4;
	struct qlines q = {.n = 0};
	tui_wrap(c->question, strlen(c->question), w - 4, true, qline, &q);
	int h = q.n + 4, x = (cols - w) / 2, y = LINES / 2 - h / 2;
	tui_box(t, y, x, h, w, NULL);
	for (int i = 0; i < q.n; i++) {
		tui_text(t, y + 1 + i, x + 2, w - 4, q.v[i], A_BOLD);
		free(q.v[i]);
	}
	tui_text(t, y + h - 2, x + 2, w - 4, tui_tr(t, "y, Enter: yes   n, Esc: no"),
	         tui_a(t, TR_DIM));
}

static bool confirm_key(struct tui *t, struct tui_view *v, int k)
{
	struct confirm_view *c = (struct confirm_view *)v;
	if (k == TK(KEY_RESIZE))
		return true;
	void (*yes)(struct tui *) = c->yes;
	bool ok = k == 'y' || k == 'Y' || tui_key_enter(k);
	if (ok || k == 'n' || k == 'N' || k == TK_ESC || k == 'q' || k == 'Q') {
		tui_pop(t);
		if (ok)
			yes(t);
	}
	return true; /* a question takes every key */
}

static void confirm_destroy(struct tui_view *v)
{
	free(v);
}

static const struct tui_screen confirm_screen = {
    .name = "confirm",
    .overlay = true,
    .draw = confirm_draw,
    .key = confirm_key,
    .destroy = confirm_destroy,
};

struct tui_view *tui_confirm_new(struct tui *t, const char *question, void (*yes)(struct tui *t))
{
	(void)t;
	struct confirm_view *c = sw_calloc(1, sizeof *c);
	c->base.scr = &confirm_screen;
	snprintf(c->question, sizeof c->question, "%s", question);
	c->yes = yes;
	return &c->base;
}
