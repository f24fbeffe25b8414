/* SPDX-License-Identifier: BSD-2-Clause */
/* Growable byte buffer, always NUL-terminated, used to build output lines. */
#ifndef SW_COMMON_BUF_H
#define SW_COMMON_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/str.h"

struct sw_buf {
	char *p;    /* owned; NUL-terminated when cap > 0 */
	size_t len;
	size_t cap;
};

#define SW_BUF_INIT ((struct sw_buf){ NULL, 0, 0 })

void sw_buf_free(struct sw_buf *b);
void sw_buf_reset(struct sw_buf *b); /* len = 0, keeps memory */
void sw_buf_put(struct sw_buf *b, const void *p, size_t len);
/* (inline: a literal's length is known at compile time) */
static inline void sw_buf_puts(struct sw_buf *b, const char *s)
{
	sw_buf_put(b, s, strlen(s));
}
/* sw_buf_putc when the buffer must grow first (called by the inline part). */
void sw_buf_putc_slow(struct sw_buf *b, char c);
/* One byte; in place while there is room (a NUL always follows). */
static inline void sw_buf_putc(struct sw_buf *b, char c)
{
	if (b->len + 2 <= b->cap) {
		b->p[b->len++] = c;
		b->p[b->len] = '\0';
	} else {
		sw_buf_putc_slow(b, c);
	}
}
void sw_buf_printf(struct sw_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Decimal integers without printf (hot output paths). */
void sw_buf_put_u64(struct sw_buf *b, uint64_t v);
void sw_buf_put_i64(struct sw_buf *b, int64_t v);
/* ,"key": — key is a literal known to need no escaping. */
void sw_buf_put_key_n(struct sw_buf *b, const char *key, size_t n);
static inline void sw_buf_put_key(struct sw_buf *b, const char *key)
{
	sw_buf_put_key_n(b, key, strlen(key));
}

/* Unicode format controls that a terminal obeys without showing them: bidi
 * embeddings, overrides and isolates (U+202A-202E, U+2066-2069, marks),
 * zero-width characters, line and paragraph separators, the BOM, tag
 * characters, soft hyphen. */
bool sw_cp_invisible(uint32_t cp);

/* Append wire bytes for a terminal: printable ASCII and valid UTF-8 pass,
 * every control byte (C0, DEL, C1, ESC) and every invalid UTF-8 byte becomes
 * "\xNN", an invisible format control (sw_cp_invisible) "\uNNNN" (or
 * "\UNNNNNNNN"), and a backslash becomes "\\". Nothing from a packet can
 * start an escape sequence or reorder the line around it. */
void sw_buf_put_text(struct sw_buf *b, struct sw_str s);
/* Append as the inside of a JSON string (RFC 8259 section 7): quotes,
 * backslash and controls escaped; a byte that is not part of valid UTF-8
 * becomes "\u00NN" (its value as a code point), so output is always valid. */
void sw_buf_put_json(struct sw_buf *b, struct sw_str s);
/* Append "\"...\"" JSON string, or null when s.p == NULL. */
void sw_buf_put_json_str(struct sw_buf *b, struct sw_str s);

#endif
