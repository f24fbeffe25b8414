/* SPDX-License-Identifier: BSD-2-Clause */
/* Growable array of pointers. The vector owns its array, not the pointees. */
#ifndef SW_COMMON_VEC_H
#define SW_COMMON_VEC_H

#include <stddef.h>

struct sw_vec {
	void **p;
	size_t n, cap;
};

#define SW_VEC_INIT ((struct sw_vec){ NULL, 0, 0 })

void sw_vec_push(struct sw_vec *v, void *item);
void sw_vec_free(struct sw_vec *v); /* frees the array only */

#endif
