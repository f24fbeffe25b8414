/* SPDX-License-Identifier: BSD-2-Clause */
/* Two captures of one path: the phone's (报文追踪, a tcpdump on the LAN) and the
 * server operator's. Every SIP message is matched across the two files (same
 * Call-ID, CSeq, method or status and top Via branch; tolerant of NAT and of
 * the SIP ALG rewrites it is looking for; the k-th copy of a retransmitted
 * message matches the k-th copy), which gives:
 *   - the clock offset between the captures and the one-way delay,
 *   - the NAT mappings (private address:port <-> public address:port),
 *   - per direction, the messages that left one side and never arrived,
 *   - per matched message, every header the path changed, before and after.
 * Method: docs/pairs.md. Via: RFC 3261 section 20.42, received/rport: RFC 3581,
 * SDP: RFC 4566, header forms: RFC 3261 sections 7.3.1 and 7.3.3.
 *
 * Ownership: everything here belongs to the analysis and stays valid until
 * sw_analyze_free(). The results exist after sw_analyze_finish(); before it
 * sw_pair_summary() reports SW_PAIR_PENDING and the lists are empty.
 *
 * For a side-by-side view: a match holds both copies (file, frame, kept
 * message id, the message text), and each difference holds the byte range of
 * the changed line in each copy's text, so both can be shown with the changes
 * highlighted. sw_pair_match_of_msg() finds the match of a message record. */
#ifndef SW_ANALYZE_PAIR_H
#define SW_ANALYZE_PAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"

/* Named limits. */
#define SW_PAIR_MAX_MSGS 200000u          /* SIP messages recorded per side; more are counted */
#define SW_PAIR_MAX_TEXT 16384u           /* bytes of one message kept for diffs */
#define SW_PAIR_MAX_TEXT_TOTAL (64u << 20) /* bytes of message text kept, both sides */
#define SW_PAIR_MAX_LINES 256u            /* header/SDP lines compared per message */
#define SW_PAIR_MAX_DIFFS 32u             /* differences kept per message; more are counted */
#define SW_PAIR_MAX_VALUE 256u            /* bytes of a before/after value kept */
#define SW_PAIR_MAX_MAPPINGS 64u          /* distinct NAT mappings kept */

enum sw_pair_side {
	SW_SIDE_PHONE = 0,  /* the capture taken next to the phone (inside the NAT) */
	SW_SIDE_SERVER = 1, /* the capture taken at the server */
};

enum sw_pair_status {
	SW_PAIR_PENDING = 0, /* not computed yet (before sw_analyze_finish) */
	SW_PAIR_PAIRED,      /* the two files are two views of one path */
	SW_PAIR_UNRELATED,   /* too few messages match: analysed as merged only */
	SW_PAIR_IDENTICAL,   /* the same packets twice (same addresses, same times) */
};
const char *sw_pair_status_name(enum sw_pair_status s); /* "paired", "unrelated" ... */

enum sw_pair_confidence {
	SW_CONF_NONE = 0,  /* no cue: the order of the files was assumed */
	SW_CONF_LOW,       /* cues disagree; the majority decided */
	SW_CONF_MEDIUM,    /* one cue */
	SW_CONF_HIGH,      /* two or three cues agree, none disagrees */
	SW_CONF_GIVEN,     /* --sides */
};
const char *sw_pair_confidence_name(enum sw_pair_confidence c); /* "high" ... */

/* Cues that tell which file is the phone side (bit per cue). */
enum {
	SW_CUE_PRIVATE = 1u << 0, /* the phone's address is private on one side only */
	SW_CUE_VIA = 1u << 1,     /* Via sent-by equals the packet source on one side only */
	SW_CUE_TIMING = 1u << 2,  /* requests from the phone appear first on one side */
};

enum sw_pair_dir {
	SW_DIR_TO_SERVER = 0, /* sent by the phone */
	SW_DIR_TO_PHONE = 1,  /* sent by the server */
};
const char *sw_pair_dir_name(enum sw_pair_dir d); /* "to_server", "to_phone" */

/* Clock offset: server capture clock minus phone capture clock. For a message
 * to the server, t_server - t_phone = offset + delay; to the phone, offset -
 * delay. Each direction's median gives offset (their midpoint) and the one-way
 * delay (half their difference, assuming a symmetric path). */
struct sw_pair_offset {
	bool known;
	bool one_direction;       /* samples in one direction only: delay taken as 0 */
	int64_t offset_ns;
	int64_t delay_ns;         /* one-way delay */
	int64_t spread_ns;        /* median absolute deviation of the samples */
	uint32_t samples[2];      /* matches used, by enum sw_pair_dir */
};

struct sw_pair_summary {
	enum sw_pair_status status;
	const char *reason;              /* static English text: why unrelated / identical */
	uint32_t file[2];                /* file index of each side (enum sw_pair_side) */
	enum sw_pair_confidence confidence;
	unsigned cues_for, cues_against; /* SW_CUE_* bits agreeing / disagreeing with the roles */
	struct sw_pair_offset offset;
	uint64_t messages[2];            /* SIP messages recorded per side */
	int64_t first_ns[2], last_ns[2]; /* span of each side's SIP messages, its own clock */
	uint32_t matched;
	uint32_t lost[2];                /* by enum sw_pair_dir */
	uint32_t delivered[2];           /* matched, by direction */
	uint32_t outside_window[2];      /* unmatched, but would have arrived outside the
	                                  * other capture's time span: not counted as lost */
	uint32_t unsent[2];              /* seen arriving, not seen leaving: the sender
	                                  * side's capture missed them (by direction) */
	uint32_t changed;                /* matches with at least one rewrite */
	uint32_t rewrites;               /* differences of class SW_DIFF_REWRITE, in all */
	uint32_t not_compared;           /* matches not diffed (text cut or not kept) */
	uint64_t not_recorded[2];        /* messages over SW_PAIR_MAX_MSGS (per side) */
	uint64_t text_dropped;           /* messages recorded without text (budget) */
};

struct sw_pair_copy {
	uint32_t file_idx;
	uint64_t frame_no;
	int64_t ts_ns;                /* that capture's own clock */
	uint32_t msg_id;              /* sw_analyze_msg() id, UINT32_MAX when not kept */
	struct sw_addr src, dst;
	const char *text;             /* the message as captured (owned by the analysis),
	                               * NULL when not kept; not NUL-safe: use text_len */
	uint32_t text_len;
	bool text_cut;                /* longer than SW_PAIR_MAX_TEXT */
};

enum sw_diff_class {
	SW_DIFF_NAT = 0,     /* what NAT traversal legitimately changes (Via received/rport) */
	SW_DIFF_REWRITE = 1, /* anything else: an ALG or another middlebox */
};

/* One header (or start line, or SDP line) the path changed. "before" is the
 * sender's copy, "after" the receiver's (so for a message to the phone,
 * before is the server side's copy). */
struct sw_pair_diff {
	char field[40];          /* canonical: "Via", "Contact", "Request-Line", "SDP c=",
	                          * "Content-Length", "body" ... (full header names) */
	uint16_t index;          /* occurrence of that field in the message, 0-based */
	uint8_t cls;             /* enum sw_diff_class */
	bool nat_translated;     /* the change swaps the phone's private address for its
	                          * public one of a NAT mapping (or back): an ALG at work */
	char *before, *after;    /* normalised values (owned), NULL when absent on that side */
	bool cut;                /* a value was longer than SW_PAIR_MAX_VALUE */
	uint32_t off[2], len[2]; /* the line in each side's copy text (by enum
	                          * sw_pair_side); len 0 when absent there */
};

struct sw_pair_match {
	uint32_t id;                     /* its index: sw_pair_match(p, id) */
	uint8_t dir;                     /* enum sw_pair_dir */
	const char *label;               /* "REGISTER", "401 Unauthorized" (owned by the pair) */
	int64_t cseq;
	uint32_t account;                /* account id, UINT32_MAX when none */
	struct sw_pair_copy copy[2];     /* by enum sw_pair_side */
	int64_t transit_ns;              /* arrival - departure, after the clock offset */
	size_t n_diffs;
	struct sw_pair_diff *diffs;      /* in the order of the sender's copy */
	uint32_t diffs_total;            /* may exceed n_diffs (SW_PAIR_MAX_DIFFS) */
	uint32_t rewrites;               /* diffs of class SW_DIFF_REWRITE */
	bool compared;                   /* false: a text was cut or not kept */
};

/* A message seen leaving on one side that the other side did not capture,
 * although it fell inside that capture's time span. */
struct sw_pair_loss {
	uint32_t id;                     /* its index: sw_pair_loss(p, id) */
	uint8_t dir;                     /* enum sw_pair_dir */
	uint8_t side;                    /* where it was seen: the sender's side */
	const char *label;
	int64_t cseq;
	uint32_t account;
	struct sw_pair_copy copy;
	int64_t expected_ns;             /* when it should have arrived, other side's clock */
};

/* A NAT mapping: the same endpoint as seen on each side. role SW_SIDE_PHONE
 * for the phone's address (private inside, public outside), SW_SIDE_SERVER for
 * the server's when that differs too (NAT or a load balancer in front of it). */
struct sw_pair_mapping {
	uint8_t role;                    /* enum sw_pair_side */
	struct sw_addr inside;           /* as seen in the phone side's capture */
	struct sw_addr outside;          /* as seen in the server side's capture */
	uint32_t messages;
	int64_t first_ns, last_ns;       /* phone side's clock */
};

struct sw_pair;
struct sw_analyze;

/* The pair results of an analysis opened with opts.pair, or NULL. */
const struct sw_pair *sw_analyze_pair(const struct sw_analyze *a);

const struct sw_pair_summary *sw_pair_summary(const struct sw_pair *p);
size_t sw_pair_nmatches(const struct sw_pair *p);
const struct sw_pair_match *sw_pair_match(const struct sw_pair *p, size_t i); /* capture order */
size_t sw_pair_nlosses(const struct sw_pair *p);
const struct sw_pair_loss *sw_pair_loss(const struct sw_pair *p, size_t i);   /* capture order */
size_t sw_pair_nmappings(const struct sw_pair *p);
const struct sw_pair_mapping *sw_pair_mapping(const struct sw_pair *p, size_t i);

/* The match holding the kept message record msg_id (either copy), or NULL. */
const struct sw_pair_match *sw_pair_match_of_msg(const struct sw_pair *p, uint32_t msg_id);
/* The match holding frame frame_no of file file_idx, or NULL. */
const struct sw_pair_match *sw_pair_match_of_frame(const struct sw_pair *p, uint32_t file_idx,
						   uint64_t frame_no);
/* The loss entry of that frame, or NULL. */
const struct sw_pair_loss *sw_pair_loss_of_frame(const struct sw_pair *p, uint32_t file_idx,
						 uint64_t frame_no);

#endif
