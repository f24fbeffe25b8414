/* SPDX-License-Identifier: BSD-2-Clause */
/* Growable output buffer with terminal-safe and JSON-safe appenders. */
#include "common/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

static void grow(struct sw_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->p = sw_realloc(b->p, cap);
	b->cap = cap;
}

void sw_buf_free(struct sw_buf *b)
{
	free(b->p);
	*b = SW_BUF_INIT;
}

void sw_buf_reset(struct sw_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void sw_buf_put(struct sw_buf *b, const void *p, size_t len)
{
	grow(b, len);
	if (len)
		memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void sw_buf_puts(struct sw_buf *b, const char *s)
{
	sw_buf_put(b, s, strlen(s));
}

void sw_buf_putc(struct sw_buf *b, char c)
{
	sw_buf_put(b, &c, 1);
}

void sw_buf_printf(struct sw_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char tmp[256];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0) {
		va_end(ap2);
		return;
	}
	if ((size_t)n < sizeof tmp) {
		sw_buf_put(b, tmp, (size_t)n);
	} else {
		grow(b, (size_t)n);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap2);
		b->len += (size_t)n;
	}
	va_end(ap2);
}

void sw_buf_put_u64(struct sw_buf *b, uint64_t v)
{
	char tmp[24];
	size_t n = sizeof tmp;
	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sw_buf_put(b, tmp + n, sizeof tmp - n);
}

void sw_buf_put_i64(struct sw_buf *b, int64_t v)
{
	if (v < 0) {
		sw_buf_putc(b, '-');
		sw_buf_put_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		sw_buf_put_u64(b, (uint64_t)v);
	}
}

void sw_buf_put_key(struct sw_buf *b, const char *key)
{
	size_t n = strlen(key);
	grow(b, n + 4);
	char *p = b->p + b->len;
	*p++ = ',';
	*p++ = '"';
	memcpy(p, key, n);
	p += n;
	*p++ = '"';
	*p++ = ':';
	b->len += n + 4;
	b->p[b->len] = '\0';
}

bool sw_cp_invisible(uint32_t cp)
{
	return cp == 0x00AD || cp == 0x061C || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) ||
	       (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
	       (cp >= 0x2066 && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
	       cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F);
}

/* Length of a valid UTF-8 sequence at p (RFC 3629 section 4), or 0; its
 * code point in *cpo. */
static size_t utf8_len(const unsigned char *p, size_t n, uint32_t *cpo)
{
	unsigned char c = p[0];
	size_t len;
	uint32_t cp;
	if (c < 0x80) {
		*cpo = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	/* C1 controls (U+0080..U+009F) are terminal controls too. */
	if (cp >= 0x80 && cp <= 0x9F)
		return 0;
	*cpo = cp;
	return len;
}

void sw_buf_put_text(struct sw_buf *b, struct sw_str s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0;
	while (i < s.len) {
		unsigned char c = p[i];
		if (c >= 0x20 && c < 0x7F && c != '\\') {
			size_t j = i;
			while (j < s.len && p[j] >= 0x20 && p[j] < 0x7F && p[j] != '\\')
				j++;
			sw_buf_put(b, p + i, j - i);
			i = j;
			continue;
		}
		if (c == '\\') {
			sw_buf_put(b, "\\\\", 2);
			i++;
			continue;
		}
		uint32_t cp = 0;
		size_t u = c >= 0x80 ? utf8_len(p + i, s.len - i, &cp) : 0;
		if (u && sw_cp_invisible(cp)) {
			/* Valid, yet it reorders or hides what follows (a U+202E in a
			 * User-Agent prints the rest of the line reversed). */
			sw_buf_printf(b, cp > 0xFFFF ? "\\U%08X" : "\\u%04X", (unsigned)cp);
			i += u;
		} else if (u) {
			sw_buf_put(b, p + i, u);
			i += u;
		} else {
			sw_buf_printf(b, "\\x%02X", c);
			i++;
		}
	}
}

/* Printable ASCII that JSON takes as is (not '"', '\\'). */
static inline int plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

void sw_buf_put_json(struct sw_buf *b, struct sw_str s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0;
	while (i < s.len) {
		unsigned char c = p[i];
		if (plain(c)) {
			size_t j = i + 1;
			while (j < s.len && plain(p[j]))
				j++;
			grow(b, j - i); /* escapes before may have used the room */
			memcpy(b->p + b->len, p + i, j - i);
			b->len += j - i;
			b->p[b->len] = '\0';
			i = j;
			continue;
		}
		switch (c) {
		case '"': sw_buf_put(b, "\\\"", 2); i++; continue;
		case '\\': sw_buf_put(b, "\\\\", 2); i++; continue;
		case '\n': sw_buf_put(b, "\\n", 2); i++; continue;
		case '\r': sw_buf_put(b, "\\r", 2); i++; continue;
		case '\t': sw_buf_put(b, "\\t", 2); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7F) {
			sw_buf_printf(b, "\\u%04x", c);
			i++;
			continue;
		}
		uint32_t cp = 0;
		size_t u = utf8_len(p + i, s.len - i, &cp);
		if (u && sw_cp_invisible(cp)) {
			/* The same string once parsed, but not raw on a terminal that
			 * shows the file. */
			if (cp > 0xFFFF)
				sw_buf_printf(b, "\\u%04x\\u%04x", 0xD800 + ((cp - 0x10000) >> 10),
					      0xDC00 + ((cp - 0x10000) & 0x3FF));
			else
				sw_buf_printf(b, "\\u%04x", cp);
			i += u;
		} else if (u) {
			sw_buf_put(b, p + i, u);
			i += u;
		} else if (c == 0xC2 && i + 1 < s.len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F) {
			/* A C1 control as valid UTF-8: its code point, escaped
			 * (not the two bytes as two code points). */
			sw_buf_printf(b, "\\u%04x", p[i + 1]);
			i += 2;
		} else {
			/* Keep the byte visible but never emit invalid UTF-8. */
			sw_buf_printf(b, "\\u00%02x", c);
			i++;
		}
	}
}

void sw_buf_put_json_str(struct sw_buf *b, struct sw_str s)
{
	if (!s.p) {
		sw_buf_put(b, "null", 4);
		return;
	}
	sw_buf_putc(b, '"');
	sw_buf_put_json(b, s);
	sw_buf_putc(b, '"');
}
