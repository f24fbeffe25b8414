/* SPDX-License-Identifier: BSD-2-Clause */
#include "common/intern.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

/* The text follows its header: a held pointer leads back to the header. */
struct sw_interned {
	size_t refs;
	size_t len;
	char text[];
};

static struct sw_interned *header_of(const char *s)
{
	return (struct sw_interned *)(void *)((char *)(uintptr_t)s -
					      offsetof(struct sw_interned, text));
}

void sw_intern_init(struct sw_intern *t)
{
	sw_map_init(&t->by_text, free);
}

void sw_intern_free(struct sw_intern *t)
{
	sw_map_free(&t->by_text);
}

const char *sw_intern_take(struct sw_intern *t, const char *s, size_t len)
{
	if (!s)
		len = 0;
	struct sw_interned *x = sw_map_get(&t->by_text, s ? s : "", len);
	if (!x) {
		x = sw_malloc(sizeof *x + len + 1);
		x->refs = 0;
		x->len = len;
		if (len)
			memcpy(x->text, s, len);
		x->text[len] = '\0';
		sw_map_put(&t->by_text, x->text, len, x);
	}
	x->refs++;
	return x->text;
}

void sw_intern_drop(struct sw_intern *t, const char *s)
{
	if (!s)
		return;
	struct sw_interned *x = header_of(s);
	if (--x->refs)
		return;
	sw_map_take(&t->by_text, x->text, x->len);
	free(x);
}
