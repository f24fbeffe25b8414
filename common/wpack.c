/* SPDX-License-Identifier: BSD-2-Clause */
/* Token bytes (common/wpack.h): the top three bits say what follows, the
 * low five a count or value c (1 to 32, stored as c - 1):
 *   000: c words as in the template (zeros without one)
 *   001: c zero words
 *   010: c literal words, 4c bytes in host order
 *   011: one word of value c
 *   100: c words copied from d words back, d in the next byte (1 to 255)
 * The other tags do not occur. */
#include "common/wpack.h"

#include <string.h>

#define RUN_MAX 32u
#define HASH_BITS 8u

enum { T_TMPL = 0x00, T_ZERO = 0x20, T_LIT = 0x40, T_SMALL = 0x60, T_COPY = 0x80 };

static unsigned slot_of(uint32_t v)
{
	return (unsigned)((v * UINT32_C(2654435761)) >> (32 - HASH_BITS));
}

/* Word i of the record at p (any alignment). */
static uint32_t word(const unsigned char *p, size_t i)
{
	uint32_t v;
	memcpy(&v, p + 4 * i, 4);
	return v;
}

static size_t flush_lit(const unsigned char *w, size_t from, size_t to, uint8_t *out)
{
	size_t o = 0;
	while (from < to) {
		size_t k = to - from > RUN_MAX ? RUN_MAX : to - from;
		out[o++] = (uint8_t)(T_LIT | (k - 1));
		memcpy(out + o, w + 4 * from, 4 * k);
		o += 4 * k;
		from += k;
	}
	return o;
}

size_t sw_wpack(const void *rec, const void *tmpl, size_t n, uint8_t *out)
{
	static const uint32_t zeros[SW_WPACK_MAX_WORDS];
	const unsigned char *w = rec, *t = tmpl ? tmpl : (const void *)zeros;
	uint16_t last[1u << HASH_BITS]; /* position + 1 of a word with this hash */
	memset(last, 0, sizeof last);
	size_t o = 0, lit = 0, i = 0;
	while (i < n) {
		uint32_t v = word(w, i);
		size_t k = 0, d = 0;
		if (v == word(t, i)) { /* as in the template */
			while (i + k < n && k < RUN_MAX && word(w, i + k) == word(t, i + k))
				k++;
			o += flush_lit(w, lit, i, out + o);
			out[o++] = (uint8_t)(T_TMPL | (k - 1));
			i += k;
			lit = i;
			continue;
		}
		if (v == 0) {
			while (i + k < n && k < RUN_MAX && word(w, i + k) == 0)
				k++;
			o += flush_lit(w, lit, i, out + o);
			out[o++] = (uint8_t)(T_ZERO | (k - 1));
			i += k;
			lit = i;
			continue;
		}
		unsigned s = slot_of(v);
		if (last[s]) {
			size_t j = last[s] - 1u;
			d = i - j;
			if (d <= 255)
				while (i + k < n && k < RUN_MAX && word(w, j + k) == word(w, i + k))
					k++;
		}
		last[s] = (uint16_t)(i + 1);
		if (k >= 2 || (k == 1 && v > RUN_MAX)) {
			o += flush_lit(w, lit, i, out + o);
			out[o++] = (uint8_t)(T_COPY | (k - 1));
			out[o++] = (uint8_t)d;
			for (size_t x = 1; x < k; x++)
				last[slot_of(word(w, i + x))] = (uint16_t)(i + x + 1);
			i += k;
			lit = i;
		} else if (v <= RUN_MAX) {
			o += flush_lit(w, lit, i, out + o);
			out[o++] = (uint8_t)(T_SMALL | (v - 1));
			lit = ++i;
		} else {
			i++; /* joins the literal run */
		}
	}
	return o + flush_lit(w, lit, n, out + o);
}

bool sw_wunpack(const uint8_t *in, size_t len, const void *tmpl, void *rec, size_t n)
{
	unsigned char *w = rec; /* word o is at w + 4 * o */
	const unsigned char *t = tmpl;
	size_t i = 0, o = 0;
	while (i < len) {
		uint8_t tag = in[i] & 0xE0;
		size_t c = (size_t)(in[i++] & 0x1F) + 1;
		if (tag == T_SMALL ? o == n : c > n - o)
			return false;
		unsigned char *dst = w + 4 * o;
		switch (tag) {
		case T_TMPL:
			if (t) {
				for (size_t x = 0; x < c; x++) /* fixed-size copies: plain moves */
					memcpy(dst + 4 * x, t + 4 * (o + x), 4);
				break;
			}
			/* no template is all zeros */
			/* fall through */
		case T_ZERO:
			for (size_t x = 0; x < c; x++)
				memset(dst + 4 * x, 0, 4);
			break;
		case T_LIT:
			if (4 * c > len - i)
				return false;
			for (size_t x = 0; x < c; x++)
				memcpy(dst + 4 * x, in + i + 4 * x, 4);
			i += 4 * c;
			break;
		case T_SMALL: {
			uint32_t v = (uint32_t)c;
			memcpy(dst, &v, 4);
			c = 1;
			break;
		}
		case T_COPY: {
			if (i == len)
				return false;
			size_t d = in[i++];
			if (d == 0 || d > o)
				return false;
			for (size_t x = 0; x < c; x++) /* may overlap: word by word */
				memcpy(dst + 4 * x, dst + 4 * x - 4 * d, 4);
			break;
		}
		default:
			return false;
		}
		o += c;
	}
	return o == n;
}
