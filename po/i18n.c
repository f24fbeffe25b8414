/* SPDX-License-Identifier: BSD-2-Clause */
/* GNU .mo catalog lookup over the embedded Chinese catalog (the .mo layout:
 * https://www.gnu.org/software/gettext/manual/html_node/MO-Files.html),
 * embedded gzip'd and inflated once when Chinese is chosen. */
#include "po/i18n.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "common/mem.h"

extern const unsigned char sw_mo_zh_gz[];
extern const unsigned long sw_mo_zh_gz_len;

/* The inflated catalog is at most this big (it is ~110 KB). */
#define SW_MO_MAX (4u << 20)

struct sw_catalog {
	unsigned char *buf; /* owned: the inflated .mo */
	const unsigned char *mo;
	size_t len;
	bool swap;
	uint32_t n;
	uint32_t orig_off, trans_off;
};

static uint32_t rd32(const struct sw_catalog *c, size_t off)
{
	uint32_t v;
	memcpy(&v, c->mo + off, 4);
	return c->swap ? __builtin_bswap32(v) : v;
}

/* Validates the header and both tables once, so lookups need no checks
 * beyond the entry bounds. */
static bool load(struct sw_catalog *c, const unsigned char *mo, size_t len)
{
	uint32_t magic;
	c->mo = mo;
	c->len = len;
	if (len < 28)
		return false;
	memcpy(&magic, mo, 4);
	if (magic == 0x950412deu)
		c->swap = false;
	else if (magic == 0xde120495u)
		c->swap = true;
	else
		return false;
	c->n = rd32(c, 8);
	c->orig_off = rd32(c, 12);
	c->trans_off = rd32(c, 16);
	if (c->n > len / 16 || c->orig_off > len || c->trans_off > len ||
	    (size_t)c->n * 8 > len - c->orig_off || (size_t)c->n * 8 > len - c->trans_off)
		return false;
	for (uint32_t i = 0; i < c->n; i++) {
		for (int t = 0; t < 2; t++) {
			size_t e = (t ? c->trans_off : c->orig_off) + (size_t)i * 8;
			uint32_t l = rd32(c, e), o = rd32(c, e + 4);
			if (o > len || l >= len - o || mo[o + l] != '\0')
				return false;
		}
	}
	return true;
}

/* The embedded gzip member, inflated; its size from the trailer's ISIZE
 * (RFC 1952), held to SW_MO_MAX and to what inflate() really gives. */
static unsigned char *inflate_mo(size_t *len)
{
	size_t n = sw_mo_zh_gz_len;
	if (n < 18)
		return NULL;
	const unsigned char *t = sw_mo_zh_gz + n - 4;
	size_t want = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
	if (want == 0 || want > SW_MO_MAX)
		return NULL;
	unsigned char *out = sw_malloc(want);
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		free(out);
		return NULL;
	}
	z.next_in = (unsigned char *)sw_mo_zh_gz;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)want;
	int rc = inflate(&z, Z_FINISH);
	bool ok = rc == Z_STREAM_END && z.total_out == want;
	inflateEnd(&z);
	if (!ok) {
		free(out);
		return NULL;
	}
	*len = want;
	return out;
}

const struct sw_catalog *sw_catalog_pick(const char *lang)
{
	static const char *const vars[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };
	if (!lang) {
		for (size_t i = 0; i < sizeof vars / sizeof vars[0] && !lang; i++) {
			const char *v = getenv(vars[i]);
			if (v && *v)
				lang = v;
		}
	}
	if (!lang || strncmp(lang, "zh", 2) != 0)
		return NULL;
	struct sw_catalog *c = sw_calloc(1, sizeof *c);
	size_t len = 0;
	c->buf = inflate_mo(&len);
	if (!c->buf || !load(c, c->buf, len)) {
		free(c->buf);
		free(c);
		return NULL;
	}
	return c;
}

void sw_catalog_free(const struct sw_catalog *c)
{
	if (!c)
		return;
	free(c->buf);
	free((void *)c);
}

bool sw_catalog_is_zh(const struct sw_catalog *c)
{
	return c != NULL;
}

/* The translation of key (msgid, or "ctx\004msgid"), or NULL. A plural
 * entry's original is "singular\0plural", found by its singular (strcmp
 * stops at the NUL), and its translation "form0\0form1...": Chinese has
 * one form, the first. */
static const char *lookup(const struct sw_catalog *c, const char *key)
{
	uint32_t lo = 0, hi = c->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		size_t e = c->orig_off + (size_t)mid * 8;
		const char *orig = (const char *)c->mo + rd32(c, e + 4);
		int cmp = strcmp(key, orig);
		if (cmp == 0) {
			size_t t = c->trans_off + (size_t)mid * 8;
			const char *tr = (const char *)c->mo + rd32(c, t + 4);
			return rd32(c, t) ? tr : NULL;
		}
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *sw_tr(const struct sw_catalog *c, const char *msgid)
{
	if (!c || !msgid || !msgid[0])
		return msgid; /* "" is the catalog's header, not a text */
	const char *tr = lookup(c, msgid);
	return tr ? tr : msgid;
}

const char *sw_trn(const struct sw_catalog *c, const char *msgid, const char *msgid_plural,
                   unsigned long long n)
{
	const char *tr = c && msgid && msgid[0] ? lookup(c, msgid) : NULL;
	if (tr)
		return tr;
	return n == 1 ? msgid : msgid_plural;
}

#define CTX_KEY_MAX 256u /* context + msgid of a short word */

static const char *lookup_ctx(const struct sw_catalog *c, const char *ctx, const char *msgid)
{
	if (!c || !ctx || !msgid || !msgid[0])
		return NULL;
	char key[CTX_KEY_MAX];
	size_t a = strlen(ctx), b = strlen(msgid);
	if (a + 1 + b + 1 > sizeof key)
		return NULL;
	memcpy(key, ctx, a);
	key[a] = '\004'; /* gettext's separator between msgctxt and msgid */
	memcpy(key + a + 1, msgid, b + 1);
	return lookup(c, key);
}

const char *sw_trc(const struct sw_catalog *c, const char *ctx, const char *msgid)
{
	const char *tr = lookup_ctx(c, ctx, msgid);
	return tr ? tr : msgid;
}

bool sw_trc_has(const struct sw_catalog *c, const char *ctx, const char *msgid)
{
	return lookup_ctx(c, ctx, msgid) != NULL;
}
