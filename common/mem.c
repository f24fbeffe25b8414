/* SPDX-License-Identifier: BSD-2-Clause */
/* Allocation wrappers: one policy for running out of memory. */
#include "common/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sw_oom(size_t n)
{
	fprintf(stderr, "sipwatch: out of memory allocating %zu bytes\n", n);
	exit(2);
}

void *sw_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		sw_oom(n);
	return p;
}

void *sw_malloc_aligned(size_t align, size_t n)
{
	void *p = NULL;
	if (posix_memalign(&p, align, n ? n : 1) != 0)
		sw_oom(n);
	return p;
}

void *sw_calloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		sw_oom(count * size);
	return p;
}

void *sw_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		sw_oom(n);
	return q;
}

char *sw_strndup(const char *s, size_t len)
{
	char *d = sw_malloc(len + 1);
	if (len)
		memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *sw_strdup(const char *s)
{
	return sw_strndup(s, strlen(s));
}
