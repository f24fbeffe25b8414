/* SPDX-License-Identifier: BSD-2-Clause */
/* Private to analyze/pair*.c: the records of the two captures and the pair
 * state that the matching (pair_match.c), the header diff (pair_diff.c) and
 * the findings (pair_findings.c) share; pair.c is the public face (pair.h). */
#ifndef SW_ANALYZE_PAIR_INT_H
#define SW_ANALYZE_PAIR_INT_H

#include <stdlib.h>

#include "analyze/internal.h"
#include "analyze/pair.h"

#define LABEL_LEN 48u                 /* bytes of a record's label */

/* qsort() with n < 2 (and its NULL base when empty) left out: C11 7.22.5
 * requires a valid pointer even for zero elements. */
static inline void sort_n(void *base, size_t n, size_t size,
			  int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* One SIP message of one file, as much as matching and diffing need. */
struct prec {
	int64_t ts_ns;
	uint64_t frame_no;
	uint32_t msg_id, account;
	struct sw_addr src, dst;
	int64_t cseq;
	bool is_request, is_register, via_is_src, text_cut;
	uint8_t dir;                  /* enum sw_pair_dir, or DIR_OTHER (set at the end) */
	/* Keys, hashed (64 bits: a collision only pairs two unrelated copies):
	 * keya = Call-ID, CSeq, method or status, top Via branch; keyb = the
	 * Call-ID's local part, From tag, CSeq, method or status; reqkey = keya
	 * of the request a response answers (0 for requests). */
	uint64_t keya, keyb, reqkey;
	char *text;                   /* owned, NULL when over the budget */
	uint32_t text_len;
	uint32_t match, loss;         /* indexes, UINT32_MAX when none */
	uint32_t copy_no;             /* 0 for the first copy of its key in its file */
	char label[LABEL_LEN];
};
#define DIR_OTHER 2u

struct pfile {
	struct prec *r;
	size_t n, cap;
	uint64_t not_recorded;
	int64_t first_ns, last_ns;
	struct sw_addr server_ip;     /* the registrar's address in this file (family 0: unknown) */
	struct sw_addr phone_ip;      /* without REGISTERs: the first requester's */
};

/* An endpoint as seen in each file (by file index, not by side). */
struct epmap {
	uint8_t role;                 /* enum sw_pair_side */
	struct sw_addr ep[2];
	uint32_t messages;
	int64_t first_ns, last_ns;
};

struct sw_pair {
	bool sides_given;
	uint32_t given_phone_file;
	bool done;
	struct pfile f[2];
	uint64_t text_bytes;
	struct sw_pair_summary sum;
	uint32_t pf, sf;              /* file index of the phone side and of the server side */
	int64_t off01, half;          /* t(file1) - t(file0): offset and signed one-way delay */
	int64_t tol_ns;
	struct sw_pair_match *m;
	size_t nm;
	struct sw_pair_loss *l;
	size_t nl;
	struct epmap map[SW_PAIR_MAX_MAPPINGS];
	size_t nmap;
	struct sw_pair_mapping pubmap[SW_PAIR_MAX_MAPPINGS];
	size_t npubmap;
};

/* pair_match.c: recording (sw_pair_on_sip, internal.h) and, at the end,
 * matching both files: keys, time alignment, clock offset, roles, NAT
 * mappings, losses. False when the files are not two views of one path
 * (p->sum says why); then there is nothing to diff. */
bool sw_pair_match_all(struct sw_pair *p);

/* pair_diff.c: diffs every match's two copies, header by header (the
 * match's diffs, p->sum.changed, rewrites, not_compared). */
void sw_pair_diff_all(struct sw_pair *p);
/* Frees what the diff allocated in a match. */
void sw_pair_diff_free(struct sw_pair_match *m);

/* pair_findings.c: nat.return_path_blocked (path_loss) from the losses and
 * alg.rewrite (path_diff) from the diffs. */
void sw_pair_loss_findings(struct sw_analyze *a, struct sw_pair *p);
void sw_pair_diff_findings(struct sw_analyze *a, struct sw_pair *p);

#endif
