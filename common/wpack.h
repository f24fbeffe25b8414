/* SPDX-License-Identifier: BSD-2-Clause */
/* A small packer for records at rest: an array of 32-bit words (a struct's
 * bytes) as a byte stream of runs of words as in a template record (records
 * of one kind are much alike), runs of zeros, small values, literal words
 * and copies of earlier words of the same record. Records of counters,
 * times and addresses, many of them zero, shared or repeated (a success's
 * time in three places), pack to a fraction of their size.
 *
 * The stream is the packer's own, for this process: words are in host
 * order, and nothing read from outside is ever unpacked. Unpacking still
 * checks every length against both buffers. The template, when there is
 * one, must be the same n words when unpacking as when packing. */
#ifndef SW_COMMON_WPACK_H
#define SW_COMMON_WPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_WPACK_MAX_WORDS 256u       /* words in one record (copies reach 255 back) */
#define SW_WPACK_BOUND(n) (5u * (n))  /* packed bytes of n words, at most */

/* Packs the n words at rec (4n bytes, any alignment; n <= SW_WPACK_MAX_WORDS)
 * into out, which has room for SW_WPACK_BOUND(n) bytes, against the n words
 * at tmpl (NULL: none). Returns the bytes written. */
size_t sw_wpack(const void *rec, const void *tmpl, size_t n, uint8_t *out);

/* Unpacks the len bytes at in into exactly n words at rec, with the
 * template they were packed against. Returns false when the stream does
 * not make exactly n words (rec is then partly written). */
bool sw_wunpack(const uint8_t *in, size_t len, const void *tmpl, void *rec, size_t n);

#endif
