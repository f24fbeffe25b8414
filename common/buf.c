/* SPDX-License-Identifier: BSD-2-Clause */
/* Growable output buffer with terminal-safe and JSON-safe appenders. */
#include "common/buf.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

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

void sw_buf_putc_slow(struct sw_buf *b, char c)
{
	sw_buf_put(b, &c, 1);
}

/* Appends v in decimal or hex (digits from "0123456789abcdef" or upper
 * case), at least width wide, padded with pad on the left. */
static void put_num(struct sw_buf *b, bool neg, uint64_t v, unsigned base, bool upper,
		    unsigned width, char pad)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	size_t n = sizeof tmp;
	do {
		tmp[--n] = dig[v % base];
		v /= base;
	} while (v);
	size_t len = sizeof tmp - n + (neg ? 1 : 0);
	grow(b, (width > len ? width : len));
	char *p = b->p + b->len;
	if (neg && pad == '0')
		*p++ = '-';
	for (size_t i = len; i < width; i++)
		*p++ = pad;
	if (neg && pad != '0')
		*p++ = '-';
	memcpy(p, tmp + n, sizeof tmp - n);
	p += sizeof tmp - n;
	b->len = (size_t)(p - b->p);
	b->p[b->len] = '\0';
}

/* The conversions the output code uses, without vsnprintf: %s (with an
 * optional precision, also .*), %c, %d %i %u %x %X with l/ll/z/j/t length, an optional width and '0' flag, %.0f of a finite value below
 * 2^63, and %%. Returns false at anything else (flags, positional
 * arguments in a translation, other precisions): the caller then takes
 * vsnprintf. Same bytes as glibc's printf for what it takes. */
static bool fast_format(struct sw_buf *b, const char *fmt, va_list ap)
{
	const char *f = fmt;
	while (*f) {
		const char *pct = strchr(f, '%');
		if (!pct) {
			sw_buf_put(b, f, strlen(f));
			return true;
		}
		if (pct > f)
			sw_buf_put(b, f, (size_t)(pct - f));
		f = pct + 1;
		char pad = ' ';
		if (*f == '0') {
			pad = '0';
			f++;
		}
		unsigned width = 0;
		while (*f >= '0' && *f <= '9') {
			width = width * 10 + (unsigned)(*f - '0');
			if (width > 64)
				return false;
			f++;
		}
		int prec = -1;
		if (*f == '.') {
			f++;
			if (*f == '*') {
				prec = va_arg(ap, int);
				f++;
			} else {
				prec = 0;
				while (*f >= '0' && *f <= '9') {
					prec = prec * 10 + (*f - '0');
					if (prec > 100000)
						return false;
					f++;
				}
			}
		}
		int len = 0; /* 0 int, 1 long, 2 long long, 3 size_t, 4 intmax_t, 5 ptrdiff_t */
		/* (h and hh narrow the value first: left to printf) */
		if (*f == 'h') {
			return false; /* the value is narrowed first: leave it to printf */
		} else if (*f == 'l') {
			f++;
			len = 1;
			if (*f == 'l') {
				f++;
				len = 2;
			}
		} else if (*f == 'z') {
			f++;
			len = 3;
		} else if (*f == 'j') {
			f++;
			len = 4;
		} else if (*f == 't') {
			f++;
			len = 5;
		}
		char c = *f++;
		switch (c) {
		case '%':
			if (pad != ' ' || width || prec >= 0 || len)
				return false;
			sw_buf_putc(b, '%');
			break;
		case 's': {
			if (pad != ' ' || width || len)
				return false;
			const char *sv = va_arg(ap, const char *);
			if (!sv)
				return false;
			size_t n = prec >= 0 ? strnlen(sv, (size_t)prec) : strlen(sv);
			sw_buf_put(b, sv, n);
			break;
		}
		case 'c':
			if (pad != ' ' || width || prec >= 0 || len)
				return false;
			sw_buf_putc(b, (char)(unsigned char)va_arg(ap, int));
			break;
		case 'd':
		case 'i': {
			if (prec >= 0)
				return false;
			int64_t v;
			switch (len) {
			case 1: v = va_arg(ap, long); break;
			case 2: v = va_arg(ap, long long); break;
			case 3: v = va_arg(ap, ssize_t); break; /* %zd */
			case 4: v = va_arg(ap, intmax_t); break;
			case 5: v = va_arg(ap, ptrdiff_t); break;
			default: v = va_arg(ap, int); break;
			}
			bool neg = v < 0;
			put_num(b, neg, neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 10, false, width, pad);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			if (prec >= 0)
				return false;
			uint64_t v;
			switch (len) {
			case 1: v = va_arg(ap, unsigned long); break;
			case 2: v = va_arg(ap, unsigned long long); break;
			case 3: v = va_arg(ap, size_t); break;
			case 4: v = va_arg(ap, uintmax_t); break;
			case 5: v = (size_t)va_arg(ap, ptrdiff_t); break; /* its own width */
			default: v = va_arg(ap, unsigned); break;
			}
			put_num(b, false, v, c == 'u' ? 10 : 16, c == 'X', width, pad);
			break;
		}
		case 'f': {
			if (prec != 0 || len > 1 || width || pad != ' ')
				return false;
			double v = va_arg(ap, double);
			if (!(v > -9.2e18 && v < 9.2e18)) /* also NaN */
				return false;
			/* To nearest, ties to even, as printf (no libm: the
			 * difference is exact below 2^52, zero above). */
			int64_t t = (int64_t)v;
			double fr = v - (double)t;
			double af = fr < 0 ? -fr : fr;
			if (af > 0.5 || (af == 0.5 && (t & 1)))
				t += fr < 0 ? -1 : 1;
			put_num(b, signbit(v) != 0, t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t, 10,
				false, 0, ' ');
			break;
		}
		default:
			return false;
		}
	}
	return true;
}

void sw_buf_printf(struct sw_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t start = b->len;
	va_list fast;
	va_copy(fast, ap);
	bool done = fast_format(b, fmt, fast);
	va_end(fast);
	if (done) {
		va_end(ap);
		return;
	}
	/* Something fast_format does not take: start again with vsnprintf. */
	b->len = start;
	if (b->p)
		b->p[start] = '\0';
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

void sw_buf_put_key_n(struct sw_buf *b, const char *key, size_t n)
{
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

/* Printable ASCII that JSON takes as is: 0x20-0x7E but '"' and '\\' (one
 * load a byte in the copy loop). */
static const unsigned char plain_tbl[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static inline int plain(unsigned char c)
{
	return plain_tbl[c];
}

/* Whether the 8 bytes at p are all plain: none below 0x20, none '"', '\\',
 * 0x7F or above (each test is exact about whether any byte matches). */
static inline bool plain8(const unsigned char *p)
{
	const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
	uint64_t w;
	memcpy(&w, p, 8);
	uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\'), del = w ^ (ones * 0x7F);
	uint64_t hit = ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((bs - ones) & ~bs) |
		       ((del - ones) & ~del) | w;
	return (hit & highs) == 0;
}

void sw_buf_put_json(struct sw_buf *b, struct sw_str s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0;
	while (i < s.len) {
		unsigned char c = p[i];
		if (plain(c)) {
			size_t j = i + 1;
			while (j + 8 <= s.len && plain8(p + j))
				j += 8;
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
	grow(b, s.len + 2); /* the common case (nothing escaped) in one go */
	b->p[b->len++] = '"';
	sw_buf_put_json(b, s);
	sw_buf_putc(b, '"');
}
