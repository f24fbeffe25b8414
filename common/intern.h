/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared copies of strings that many records repeat (User-Agent, Server,
 * realm): one copy per distinct value, counted by its holders and freed when
 * the last one lets go, so memory follows the values in use, not the values
 * ever seen. Single-threaded, like the analysis that owns it. */
#ifndef SW_COMMON_INTERN_H
#define SW_COMMON_INTERN_H

#include <stddef.h>

#include "common/map.h"

struct sw_intern {
	struct sw_map by_text; /* text -> struct sw_interned (owned) */
};

void sw_intern_init(struct sw_intern *t);
/* Frees every copy, held or not. */
void sw_intern_free(struct sw_intern *t);

/* A NUL-terminated copy of s[0..len) shared with other holders; the caller
 * holds one reference until sw_intern_drop(). Never NULL. */
const char *sw_intern_take(struct sw_intern *t, const char *s, size_t len);
/* Lets go of one reference taken with sw_intern_take (NULL is ignored). */
void sw_intern_drop(struct sw_intern *t, const char *s);

#endif
