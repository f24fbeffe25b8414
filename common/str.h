/* SPDX-License-Identifier: BSD-2-Clause */
/* Length-delimited string slices over untrusted buffers (Kamailio's `str`).
 * A slice never owns its bytes and is never assumed to be NUL-terminated. */
#ifndef SW_COMMON_STR_H
#define SW_COMMON_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct sw_str {
	const char *p; /* may be NULL when len == 0 */
	size_t len;
};

#define SW_STR_NULL ((struct sw_str){ NULL, 0 })
#define SW_STR_LIT(s) ((struct sw_str){ (s), sizeof(s) - 1 })

static inline struct sw_str sw_str_make(const char *p, size_t len)
{
	return (struct sw_str){ p, len };
}

/* Slice of a NUL-terminated C string (NULL gives the empty slice). */
struct sw_str sw_str_c(const char *s);

bool sw_str_eq(struct sw_str a, struct sw_str b);
/* ASCII case-insensitive comparison. */
bool sw_str_ieq(struct sw_str a, struct sw_str b);
/* The same against a C string (NULL: empty); inline, so a literal's length
 * is known at compile time and most mismatches cost one comparison. */
static inline bool sw_str_ieq_c(struct sw_str a, const char *c)
{
	size_t n = c ? strlen(c) : 0;
	return a.len == n && sw_str_ieq(a, sw_str_make(c, n));
}
bool sw_str_istarts(struct sw_str a, const char *prefix);
/* First occurrence of `needle` (case-sensitive) in `hay`, or NULL. */
const char *sw_memmem(const char *hay, size_t hlen, const char *needle, size_t nlen);
/* Remove leading/trailing SP and HTAB. */
struct sw_str sw_str_trim(struct sw_str s);

/* Strict unsigned decimal: digits only, no sign, no spaces, no overflow past `max`.
 * Returns 0 and sets *out on success, -1 otherwise. */
int sw_parse_u64(struct sw_str s, uint64_t max, uint64_t *out);
/* v in decimal at out (a '-' first when negative), no NUL: at most 20 bytes.
 * Returns the length. */
size_t sw_fmt_i64(char *out, int64_t v);

#endif
