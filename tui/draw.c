/* SPDX-License-Identifier: BSD-2-Clause */
/* Drawing helpers: every string reaches the terminal through tui_textn(),
 * which clips by display width and replaces any non-printable code point
 * (controls, and the invisible format controls that reorder a line), so
 * no byte from the wire can become a control sequence even if a caller forgot
 * to escape it (wire text is escaped first with sw_buf_put_text()). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "common/mem.h"
#include "tui/tui_int.h"

#define TUI_TEXT_CHUNK 256 /* wide characters drawn per addnwstr() call */

/* Decodes one UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at
 * most U+10FFFF). Returns its length; *cp = 0xFFFD when invalid (length 1). */
static size_t utf8_next(const unsigned char *p, size_t len, uint32_t *cp)
{
	unsigned char c = p[0];
	size_t n;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2, v = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3, v = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	if (n > len) {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (p[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = 0xFFFD;
		return 1;
	}
	*cp = v;
	return n;
}

/* The character actually drawn for cp and its width (0 = skip). */
static wchar_t glyph(bool utf8, uint32_t cp, int *w)
{
	if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0xFFFD ||
	    sw_cp_invisible(cp)) {
		*w = 1;
		return L'?';
	}
	if (cp < 0x80) {
		*w = 1;
		return (wchar_t)cp;
	}
	if (!utf8) {
		*w = 1;
		return L'?';
	}
	int cw = wcwidth((wchar_t)cp);
	if (cw < 0) {
		*w = 1;
		return L'?';
	}
	*w = cw;
	return (wchar_t)cp;
}

int tui_width(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	int w = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		i += utf8_next(p + i, len - i, &cp);
		int cw;
		glyph(true, cp, &cw);
		w += cw;
	}
	return w;
}

size_t tui_fit(const char *s, size_t len, int w)
{
	const unsigned char *p = (const unsigned char *)s;
	int used = 0;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_next(p + i, len - i, &cp);
		int cw;
		glyph(true, cp, &cw);
		if (used + cw > w)
			break;
		used += cw;
		i += n;
	}
	return i;
}

int tui_textn(struct tui *t, int y, int x, int w, const char *s, size_t len, attr_t a)
{
	if (w <= 0 || !s || y < 0 || x < 0)
		return 0;
	const unsigned char *p = (const unsigned char *)s;
	wchar_t buf[TUI_TEXT_CHUNK + 1];
	int nb = 0, used = 0, start = x;
	attrset(a);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		i += utf8_next(p + i, len - i, &cp);
		int cw;
		wchar_t g = glyph(t->utf8, cp, &cw);
		if (cw == 0)
			continue; /* combining marks: dropped rather than misplaced */
		if (used + cw > w)
			break;
		buf[nb++] = g;
		used += cw;
		if (nb == TUI_TEXT_CHUNK) {
			buf[nb] = 0;
			mvaddnwstr(y, start, buf, nb);
			start = x + used;
			nb = 0;
		}
	}
	if (nb) {
		buf[nb] = 0;
		mvaddnwstr(y, start, buf, nb);
	}
	attrset(A_NORMAL);
	return used;
}

int tui_text(struct tui *t, int y, int x, int w, const char *s, attr_t a)
{
	return s ? tui_textn(t, y, x, w, s, strlen(s), a) : 0;
}

void tui_text_center(struct tui *t, int y, int x, int w, const char *s, attr_t a)
{
	size_t len = strlen(s);
	int tw = tui_width(s, len);
	int off = tw < w ? (w - tw) / 2 : 0;
	tui_textn(t, y, x + off, w - off, s, len, a);
}

void tui_fill(int y, int x, int w, attr_t a)
{
	if (w <= 0)
		return;
	attrset(a);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

int tui_printf(struct tui *t, int y, int x, int w, attr_t a, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return tui_text(t, y, x, w, buf, a);
}

void tui_wire(struct sw_buf *b, const char *p, size_t len)
{
	if (!p)
		return;
	sw_buf_put_text(b, sw_str_make(p, len));
	if (!b->p)
		sw_buf_puts(b, "");
}

void tui_wire_line(struct sw_buf *b, const char *p, size_t len)
{
	size_t s = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || p[i] == '\t') {
			tui_wire(b, p + s, i - s);
			if (i < len)
				sw_buf_puts(b, "    ");
			s = i + 1;
		}
	}
	if (!b->p)
		sw_buf_puts(b, "");
}

void tui_wire_c(struct sw_buf *b, const char *s)
{
	if (s)
		tui_wire(b, s, strlen(s));
	else
		sw_buf_puts(b, "");
}

void tui_draw_title(struct tui *t, const char *title)
{
	int cols = COLS;
	tui_fill(0, 0, cols, tui_a(t, TR_TITLE));
	tui_text_center(t, 0, 0, cols, title, tui_a(t, TR_TITLE));
}

void tui_draw_keybar(struct tui *t, const char *const *hints)
{
	int y = LINES - 1, x = 0, cols = COLS;
	tui_fill(y, 0, cols, tui_a(t, TR_KEYTEXT));
	for (size_t i = 0; hints && hints[i] && x < cols; i++) {
		const char *h = tui_tr(t, hints[i]);
		const char *tab = strchr(h, '\t');
		if (!tab)
			continue;
		int kw = tui_width(h, (size_t)(tab - h));
		int dw = tui_width(tab + 1, strlen(tab + 1));
		if (x + kw + 1 + dw > cols)
			break;
		x += tui_textn(t, y, x, cols - x, h, (size_t)(tab - h), tui_a(t, TR_KEY));
		x += 1;
		x += tui_text(t, y, x, cols - x, tab + 1, tui_a(t, TR_KEYTEXT));
		x += 2;
	}
}

void tui_draw_status(struct tui *t, int y)
{
	int cols = COLS, x = 1;
	attr_t a = tui_a(t, TR_STATUS);
	tui_fill(y, 0, cols, a);
	if (t->note[0] && tui_now_ms() < t->note_until_ms) {
		tui_text(t, y, 1, cols - 2, t->note, a | A_BOLD);
		return;
	}
	const char *mode = t->src->live ? tui_tr(t, "Live") : tui_tr(t, "Offline");
	x += tui_text(t, y, x, cols - x, mode, a | A_BOLD);
	x += tui_text(t, y, x, cols - x, " ", a);
	/* The input's base names: the path rarely fits. */
	struct sw_buf b = SW_BUF_INIT;
	for (size_t i = 0; i < t->nfiles; i++)
		sw_buf_printf(&b, "%s%s", i ? "," : "", t->files[i]);
	x += tui_text(t, y, x, cols / 3 > 12 ? cols / 3 : 12, b.p ? b.p : "", a);
	sw_buf_reset(&b);
	if (t->src->status) {
		sw_buf_puts(&b, " | ");
		t->src->status(t->src->ctx, &b);
	}
	size_t nf = 0, ne = 0;
	for (size_t i = 0; i < sw_analyze_nfindings(t->an); i++) {
		const struct sw_finding *f = sw_analyze_finding(t->an, i);
		if (!tui_finding_live(f))
			continue;
		nf++;
		if (f->severity == SW_SEV_ERROR)
			ne++;
	}
	sw_buf_printf(&b, " | ");
	sw_buf_printf(&b, tui_tr(t, "findings: %zu"), nf);
	if (ne)
		sw_buf_printf(&b, tui_trn(t, " (%zu error)", " (%zu errors)", ne), ne);
	if (!t->ended && t->paused)
		sw_buf_printf(&b, " | %s", tui_tr(t, "paused"));
	else if (!t->ended)
		sw_buf_printf(&b, " | %s",
		              t->src->live ? tui_tr(t, "capturing") : tui_tr(t, "reading"));
	if (t->clear_from)
		sw_buf_printf(&b, " | %s", tui_tr(t, "cleared"));
	tui_text(t, y, x, cols - x - 1, b.p, a);
	sw_buf_free(&b);
}

void tui_box(struct tui *t, int y, int x, int h, int w, const char *title)
{
	attr_t a = tui_a(t, TR_NORMAL);
	for (int r = 0; r < h; r++)
		tui_fill(y + r, x, w, a);
	attrset(a);
	mvaddch(y, x, ACS_ULCORNER);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	attrset(A_NORMAL);
	if (title && *title) {
		int tw = tui_width(title, strlen(title)) + 2;
		int tx = x + (w - tw) / 2;
		if (tx < x + 1)
			tx = x + 1;
		tui_fill(y, tx, tw < w - 2 ? tw : w - 2, a | A_BOLD);
		tui_text(t, y, tx + 1, w - 4, title, a | A_BOLD);
	}
}

void tui_wrap(const char *s, size_t len, int w, bool words,
              void (*emit)(void *u, const char *line, size_t len), void *u)
{
	const unsigned char *p = (const unsigned char *)s;
	if (w < 1)
		w = 1;
	size_t start = 0;
	if (len == 0) {
		emit(u, s, 0);
		return;
	}
	while (start < len) {
		size_t i = start, brk = 0;
		int used = 0;
		while (i < len) {
			uint32_t cp;
			size_t n = utf8_next(p + i, len - i, &cp);
			int cw;
			glyph(true, cp, &cw);
			if (used + cw > w)
				break;
			used += cw;
			i += n;
			if (cp == ' ')
				brk = i;
		}
		if (i >= len) {
			emit(u, s + start, len - start);
			return;
		}
		if (i == start) { /* a character wider than the line */
			uint32_t cp;
			i += utf8_next(p + i, len - i, &cp);
		} else if (words && brk > start && p[i] != ' ') {
			i = brk;
		}
		size_t end = i;
		while (words && end > start && p[end - 1] == ' ')
			end--;
		emit(u, s + start, end - start);
		start = i;
		while (words && start < len && p[start] == ' ')
			start++;
	}
}

void tui_lines_add(struct tui_lines *l, const char *s, size_t len, enum tui_role role, bool mark)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = sw_realloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = (struct tui_line){
	    .text = sw_strndup(s ? s : "", s ? len : 0), .role = role, .mark = mark};
}

struct wrap_ctx {
	struct tui_lines *l;
	enum tui_role role;
	bool mark;
	const char *indent;
	bool first;
	struct sw_buf b;
};

static void wrap_emit(void *u, const char *line, size_t len)
{
	struct wrap_ctx *c = u;
	sw_buf_reset(&c->b);
	if (!c->first && c->indent)
		sw_buf_puts(&c->b, c->indent);
	sw_buf_put(&c->b, line, len);
	tui_lines_add(c->l, c->b.p ? c->b.p : "", c->b.len, c->role, c->mark);
	c->first = false;
}

void tui_lines_wrap(struct tui_lines *l, const char *s, size_t len, int w, bool words,
                    enum tui_role role, bool mark, const char *indent)
{
	struct wrap_ctx c = {
	    .l = l, .role = role, .mark = mark, .indent = indent, .first = true, .b = SW_BUF_INIT};
	int iw = indent ? tui_width(indent, strlen(indent)) : 0;
	/* Every line gets the width of the continuation lines: simpler, and the
	 * first line is only a few columns shorter. */
	tui_wrap(s, len, w - iw > 8 ? w - iw : w, words, wrap_emit, &c);
	sw_buf_free(&c.b);
}

void tui_lines_clear(struct tui_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

void tui_lines_draw(struct tui *t, const struct tui_lines *l, size_t top, int y, int h)
{
	int cols = COLS;
	for (int r = 0; r < h; r++) {
		size_t i = top + (size_t)r;
		if (i >= l->n)
			break;
		const struct tui_line *ln = &l->v[i];
		attr_t a = tui_a(t, ln->role);
		if (ln->mark) {
			a = tui_a(t, TR_HIGHLIGHT);
			tui_fill(y + r, 0, cols, a);
			tui_text(t, y + r, 0, 2, ">", a);
		}
		tui_text(t, y + r, 2, cols - 2, ln->text, a);
	}
}

bool tui_scroll_key(int key, size_t *top, size_t total, int page)
{
	size_t max = total > (size_t)page ? total - (size_t)page : 0;
	size_t p = page > 1 ? (size_t)page - 1 : 1;
	switch (key) {
	case TK(KEY_UP):
	case 'k':
		if (*top)
			(*top)--;
		return true;
	case TK(KEY_DOWN):
	case 'j':
		if (*top < max)
			(*top)++;
		return true;
	case TK(KEY_PPAGE):
	case TK_CTRL('B'):
		*top = *top > p ? *top - p : 0;
		return true;
	case TK(KEY_NPAGE):
	case TK_CTRL('F'):
	case ' ':
		*top = *top + p < max ? *top + p : max;
		return true;
	case TK_CTRL('U'):
		*top = *top > p / 2 ? *top - p / 2 : 0;
		return true;
	case TK_CTRL('D'):
		*top = *top + p / 2 < max ? *top + p / 2 : max;
		return true;
	case TK(KEY_HOME):
	case TK_CTRL('A'):
		*top = 0;
		return true;
	case TK(KEY_END):
	case TK_CTRL('E'):
		*top = max;
		return true;
	}
	return false;
}
