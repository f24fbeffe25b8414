/* SPDX-License-Identifier: BSD-2-Clause */
/* Growable pointer array. */
#include "common/vec.h"

#include <stdlib.h>

#include "common/mem.h"

void sw_vec_push(struct sw_vec *v, void *item)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 16;
		v->p = sw_realloc(v->p, v->cap * sizeof *v->p);
	}
	v->p[v->n++] = item;
}

void sw_vec_free(struct sw_vec *v)
{
	free(v->p);
	*v = SW_VEC_INIT;
}
