/* SPDX-License-Identifier: BSD-2-Clause */
/* String slice helpers; every function is bounded by the slice length. */
#include "common/str.h"

#include <string.h>

static inline char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

struct sw_str sw_str_c(const char *s)
{
	return s ? sw_str_make(s, strlen(s)) : SW_STR_NULL;
}

bool sw_str_eq(struct sw_str a, struct sw_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool sw_str_ieq(struct sw_str a, struct sw_str b)
{
	if (a.len != b.len)
		return false;
	for (size_t i = 0; i < a.len; i++)
		if (lower(a.p[i]) != lower(b.p[i]))
			return false;
	return true;
}

bool sw_str_istarts(struct sw_str a, const char *prefix)
{
	size_t n = strlen(prefix);
	return a.len >= n && sw_str_ieq(sw_str_make(a.p, n), sw_str_make(prefix, n));
}

const char *sw_memmem(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	if (nlen == 0)
		return hay;
	if (!hay || hlen < nlen)
		return NULL;
	const char *end = hay + (hlen - nlen);
	for (const char *p = hay; p <= end; p++) {
		p = memchr(p, needle[0], (size_t)(end - p) + 1);
		if (!p)
			return NULL;
		if (memcmp(p, needle, nlen) == 0)
			return p;
	}
	return NULL;
}

struct sw_str sw_str_trim(struct sw_str s)
{
	while (s.len && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.len--;
	}
	while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
		s.len--;
	return s;
}

int sw_parse_u64(struct sw_str s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (s.len == 0)
		return -1;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];
		if (c < '0' || c > '9')
			return -1;
		uint64_t d = (uint64_t)(c - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

size_t sw_fmt_i64(char *out, int64_t v)
{
	char tmp[20];
	size_t n = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	size_t k = 0;
	if (v < 0)
		out[k++] = '-';
	while (n)
		out[k++] = tmp[--n];
	return k;
}
