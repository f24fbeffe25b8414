/* SPDX-License-Identifier: BSD-2-Clause */
/* Self-contained copies of decode events ("records"), so that an event can
 * cross from the thread that decodes to the thread that analyses (cli/: the
 * two-thread pipeline). An event borrowed from sw_decode_frame() points into
 * the frame, the decoder's reassembly buffers, the SIP parser's copy of the
 * message, its arena and libosip2's strings, all reused by the next frame; a
 * record holds the event, the SIP message or DNS answer it points to, and
 * every byte its slices reach, with the slices pointing inside the record.
 *
 * Size: sw_evrec_size() computes it from the event itself. For a SIP message
 * it is the struct, the message text (at most SW_MAX_SIP_MSG) and the slices
 * that point elsewhere (the parser's arena and libosip2's strings, each a
 * piece of that text, at most SW_EVREC_MAX in all); for other events the
 * struct and the slices (quoted or malformed payloads, at most one IP
 * datagram or SW_MAX_SIP_MSG). Nothing is sized from a length a packet
 * declares: only from bytes that are present. */
#ifndef SW_DECODE_EVREC_H
#define SW_DECODE_EVREC_H

#include <stddef.h>

#include "decode/decode.h"

/* Alignment of a record's start and of its size (max_align_t). */
#define SW_EVREC_ALIGN 16u
/* Upper bound of one record: the struct of a SIP message, its text, and the
 * slices outside the text (the arena is at most 3 times the text; libosip2's
 * strings are pieces of the header block, nested at most 4 deep: URI inside
 * name-addr). It holds by construction: sizes come from bytes present. */
#define SW_EVREC_MAX (sizeof(struct sw_ev) + sizeof(struct sw_sip_msg) + 16u * SW_MAX_SIP_MSG)

/* Bytes a record of ev needs (a multiple of SW_EVREC_ALIGN, at most
 * SW_EVREC_MAX). */
size_t sw_evrec_size(const struct sw_ev *ev);

/* Write ev as a record at dst (aligned to SW_EVREC_ALIGN, cap bytes, at least
 * sw_evrec_size(ev)). Returns the bytes written, or 0 when cap is too small.
 * The record's pointers point into dst itself: the record may be read from
 * another thread (after the usual hand-over synchronisation) but not moved. */
size_t sw_evrec_pack(const struct sw_ev *ev, void *dst, size_t cap);
/* The same without sizing ev again: n must be sw_evrec_size(ev) of this very
 * event, unchanged since (the two-thread producer sizes it to reserve the
 * room). Returns n. */
size_t sw_evrec_pack_sized(const struct sw_ev *ev, void *dst, size_t n);

/* The event inside a record written by sw_evrec_pack(); borrowed from the
 * record (valid while the record's memory is). */
static inline const struct sw_ev *sw_evrec_event(const void *rec)
{
	return (const struct sw_ev *)rec;
}

#endif
