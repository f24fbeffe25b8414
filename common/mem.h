/* SPDX-License-Identifier: BSD-2-Clause */
/* The one out-of-memory policy: print a message naming the size and exit(2).
 * Every allocation in sipwatch goes through these wrappers. */
#ifndef SW_COMMON_MEM_H
#define SW_COMMON_MEM_H

#include <stddef.h>

void *sw_malloc(size_t n);
void *sw_calloc(size_t count, size_t size);
void *sw_realloc(void *p, size_t n);
/* n bytes at an address that is a multiple of align (a power of two, at
 * least sizeof(void *)), whatever the C library's malloc alignment (8 on
 * 32-bit ARM and MIPS); freed with free(). */
void *sw_malloc_aligned(size_t align, size_t n);
/* Copy of len bytes plus a terminating NUL. */
char *sw_strndup(const char *s, size_t len);
char *sw_strdup(const char *s);

#endif
