/* SPDX-License-Identifier: BSD-2-Clause */
/* The ladder's layout, shared by every view that draws one (the TUI's
 * ladder screen, the text ladder of --ladder, the SVG ladder of --html):
 * one column per endpoint (the phone, the public addresses the server saw it
 * as behind NAT, the server, then any other), each message's source and
 * destination column, the worst finding that names it as evidence, its mark
 * when two captures of one path are compared (analyze/pair.h), and the
 * entries in drawing order: messages, long silences and requests never
 * answered (gap lines), and runs of messages a bounded view left out (fold
 * lines). Drawing is the views' business; this only decides what goes where.
 *
 * Ownership: a layout borrows the analysis and the id array it was built
 * from; both must outlive it. sw_ladder_free() releases what it allocated. */
#ifndef SW_VIEW_LADDER_H
#define SW_VIEW_LADDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/analyze.h"
#include "common/timefmt.h"

struct sw_pair;

#define SW_LADDER_MAX_EPS 16u /* endpoints tracked; more share the last column */
/* Silence shown as a gap line: longer than any retransmission interval
 * (RFC 3261 timer E stops doubling at T2 = 4 s). */
#define SW_LADDER_GAP_NS (5 * SW_NS_PER_SEC)
#define SW_LADDER_ANSWER_NS (2 * SW_TIMER_F_NS) /* answers later than this do not count */

enum sw_ladder_role {
	SW_LR_OTHER = 0,
	SW_LR_PHONE,
	SW_LR_NAT,    /* a public address the server reported (Via received/rport) */
	SW_LR_SERVER,
};

/* Two captures of one path: what became of a message (same values as the
 * TUI's enum tui_pmark). */
enum sw_ladder_pmark {
	SW_LPM_NONE = 0, /* no pair, not SIP, or not seen on the other side */
	SW_LPM_SAME,     /* seen on both sides, nothing rewritten */
	SW_LPM_CHANGED,  /* seen on both sides, the path rewrote it */
	SW_LPM_LOST,     /* left one side, never reached the other */
};

struct sw_ladder_ep {
	struct sw_addr a;
	enum sw_ladder_role role;
	bool ports; /* the phone or the server seen on several ports: show the IP */
};

/* A visual entry: a message, or a line between messages. */
struct sw_ladder_entry {
	uint32_t idx;     /* index into ids: the message, or the one the line follows
	                   * (timeout: the request; gap, fold: the next message) */
	bool gap;         /* a line, not a message */
	bool timeout;     /* the line says a request was never answered */
	int64_t gap_ns;   /* silence before the next message, 0 when none */
	uint32_t folded;  /* messages left out here (a fold line), 0 when none */
};

struct sw_ladder {
	const uint32_t *ids; /* borrowed: messages in capture order */
	size_t nids;
	uint8_t *src, *dst;  /* endpoint index per message */
	uint32_t *mark;      /* worst finding id per message, UINT32_MAX none */
	uint8_t *pmark;      /* enum sw_ladder_pmark per message */
	struct sw_ladder_ep eps[SW_LADDER_MAX_EPS];
	size_t neps;
	struct sw_ladder_entry *ent;
	size_t nent, ent_cap;
};

/* The msgid of a column's role ("phone", "public (NAT)", "server"; "" for
 * any other endpoint): the caller translates it. */
const char *sw_ladder_role_msgid(enum sw_ladder_role r);
/* A finding the views show: published, with its texts (a finding created but
 * not yet established while live has none). */
bool sw_ladder_finding_live(const struct sw_finding *f);
/* The list item f belongs to (its account's or dialog's), UINT32_MAX when
 * none (a DNS failure, no SIP at all). */
uint32_t sw_ladder_finding_item(const struct sw_analyze *an, const struct sw_finding *f);
/* Does finding f name message m as evidence (by record, else by frame)? */
bool sw_ladder_finding_has_msg(const struct sw_finding *f, const struct sw_msg *m);
/* The mark of message m when pair is the result of two captures of one path
 * (NULL: no pair, SW_LPM_NONE). */
enum sw_ladder_pmark sw_ladder_pair_mark(const struct sw_pair *pair, const struct sw_msg *m);

/* (Re)builds l over the messages ids[0..nids) of list items items[0..nitems)
 * (the items' accounts give the phone, NAT and server columns first). pair:
 * the paired captures or NULL. folded: NULL, or per message the number of
 * messages left out just before it (a fold line is drawn there). Keeps the
 * memory of an earlier build of l (zero-initialise l before the first). */
void sw_ladder_build(struct sw_ladder *l, const struct sw_analyze *an, const struct sw_pair *pair,
                     const uint32_t *items, size_t nitems, const uint32_t *ids, size_t nids,
                     const uint32_t *folded);
void sw_ladder_free(struct sw_ladder *l);

/* Message ids of list items in capture order, merged and deduplicated
 * (*ids owned by the caller, never NULL), those with an id below first_id
 * left out (the TUI's F5 clearing; 0: all). The pseudo item
 * SW_LADDER_UNASSIGNED collects the messages that belong to no item;
 * SW_LADDER_FINDING(id) the kept evidence of a finding tied to no account
 * or dialog (a DNS failure, no SIP at all). */
#define SW_LADDER_UNASSIGNED (UINT32_MAX - 1)
#define SW_LADDER_FINDING_BIT 0x80000000u
#define SW_LADDER_FINDING(fid) (SW_LADDER_FINDING_BIT | (uint32_t)(fid))
static inline bool sw_ladder_is_finding(uint32_t item)
{
	return item != SW_LADDER_UNASSIGNED && item != UINT32_MAX && (item & SW_LADDER_FINDING_BIT);
}
void sw_ladder_collect(const struct sw_analyze *an, const uint32_t *items, size_t n,
                       uint32_t first_id, uint32_t **ids, size_t *nids);

/* A bounded view of a long ladder: of ids[0..n), at most about max messages
 * (max >= 16): the first and the last quarter of max, and each message that
 * is a finding's evidence with two on either side while the budget lasts.
 * Writes the kept ids to out_ids and, per kept message, how many were left
 * out just before it to out_folded (both of n entries); returns the count. */
size_t sw_ladder_fold(const struct sw_analyze *an, const uint32_t *ids, size_t n, size_t max,
                      uint32_t *out_ids, uint32_t *out_folded);

#endif
