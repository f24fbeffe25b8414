/* SPDX-License-Identifier: BSD-2-Clause */
/* Analysis stage: decoded events in capture order -> SIP transactions
 * (RFC 3261 sections 17.1.3 and 17.2.3), registrations per account and binding
 * over time, dialogs, keepalives, ICMP errors tied to the requests they quote,
 * and findings that name the cause of a registration failure.
 *
 * Every timer runs on capture time (event timestamps and sw_analyze_tick()),
 * so a live run and a file holding the same packets give the same findings.
 *
 * Ownership: the analysis owns every structure it returns; pointers stay valid
 * until sw_analyze_free(), except message records, which may be aged out in
 * bounded mode (see sw_analyze_opts.max_messages). */
#ifndef SW_ANALYZE_H
#define SW_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/kinds.h"
#include "common/addr.h"
#include "decode/decode.h"

/* RFC 3261 section 17.1.1.1 / 17.1.2.1 */
#define SW_T1_NS (500 * INT64_C(1000000))
#define SW_T2_NS (4 * INT64_C(1000000000))
#define SW_T4_NS (5 * INT64_C(1000000000))
#define SW_TIMER_F_NS (64 * SW_T1_NS) /* also timer B: 32 s */
#define SW_FINDING_MAX_EVIDENCE 24u   /* evidence frames kept per finding (first ones + last) */
#define SW_FINDING_MAX_FACTS 16u
#define SW_ACCOUNT_FINDINGS 16u       /* finding ids listed per account */
#define SW_MAX_FINDINGS 10000u        /* findings kept; more are counted (findings_dropped)
                                       * and in the summary finding of their kind */
#define SW_MAX_ACCOUNTS 100000u       /* accounts tracked; more are counted, not tracked */
#define SW_MAX_TXNS 200000u           /* open transactions; oldest are aged out first */
/* Bounded mode (max_messages set, the default live): a phone's shell has
 * little memory, and a flood arrives in seconds of capture time. */
#define SW_BOUNDED_ACCOUNTS 20000u
#define SW_BOUNDED_TXNS 50000u

enum sw_severity {
	SW_SEV_INFO = 0,
	SW_SEV_WARNING = 1,
	SW_SEV_ERROR = 2,
};
const char *sw_severity_name(enum sw_severity s); /* "info", "warning", "error" */
/* Parse "info" / "warning" / "error"; returns -1 when unknown. */
int sw_severity_parse(const char *s);

/* Per-message annotation handed back by sw_analyze_event() for SW_EV_SIP. */
struct sw_msg_note {
	bool retrans;             /* a retransmission of an earlier message (same
	                           * transaction, direction and status) */
	uint32_t msg_id;          /* message record index, or UINT32_MAX when not kept */
	int64_t response_time_ns; /* final response: time since its request; else -1 */
};

enum sw_msg_kind {
	SW_MSG_SIP = 1,
	SW_MSG_SIP_BAD,
	SW_MSG_ICMP,
	SW_MSG_KEEPALIVE,
};

/* A kept record of one message (for the TUI, evidence and ladders), as
 * sw_analyze_msg() unpacks it. */
struct sw_msg {
	int64_t ts_ns;
	uint64_t frame_no, first_frame_no, offset;
	int64_t cseq;
	const char *label;            /* interned, owned by the analysis: "REGISTER",
	                               * "401 Unauthorized", "ICMP port unreachable" */
	const char *raw;              /* the message text when kept (owned by the analysis), else NULL */
	struct sw_addr src, dst;
	uint32_t id;
	uint32_t file_idx;
	uint32_t item;                /* index of the list item it belongs to, or UINT32_MAX */
	uint32_t raw_len;
	uint16_t status;
	uint8_t kind;                 /* enum sw_msg_kind */
	uint8_t transport;            /* enum sw_transport */
	bool is_request;
	bool retrans;
};

enum sw_reg_state {
	SW_REG_UNKNOWN = 0,
	SW_REG_REGISTERING,   /* REGISTER sent, no final answer yet */
	SW_REG_REGISTERED,    /* 2xx with a binding for the phone's contact */
	SW_REG_REFRESHING,    /* registered, refresh in progress */
	SW_REG_FAILED,        /* final error or timeout */
	SW_REG_EXPIRED,       /* binding lapsed without a successful refresh */
	SW_REG_UNREGISTERED,  /* expires=0 accepted */
};
const char *sw_reg_state_name(enum sw_reg_state s); /* "registered" ... */

struct sw_reg_change {
	int64_t ts_ns;
	uint64_t frame_no;
	uint32_t file_idx;
	uint16_t status;          /* response that caused it, 0 for timeouts */
	uint8_t state;            /* enum sw_reg_state */
};

/* The public address a server reported for the phone (Via received/rport). */
struct sw_public_addr {
	struct sw_addr addr;
	uint32_t file_idx;
	int64_t first_ns, last_ns;
	uint64_t first_frame, last_frame;
};

/* An account (AOR) as a registering client: the story of one phone's
 * registrations. Bindings (local address / contact) are summarised inside. */
struct sw_account {
	/* (fields grouped by size: one per phone, no padding between them) */
	uint32_t id;
	uint32_t item;                /* list item index */
	char *aor;                    /* "sip:100@example.com" */
	const char *user_agent;       /* last seen, NULL if none */
	const char *server;           /* server's Server header, last seen */
	char *contact;                /* last contact URI the phone sent */
	int64_t registered_until_ns;  /* when registered, else 0 */
	int64_t registered_total_ns;  /* time spent registered within the capture */
	int64_t refresh_min_ns, refresh_max_ns, refresh_sum_ns;
	int64_t first_ns, last_ns;
	struct sw_reg_change *changes; /* state timeline (bounded; oldest merged) */
	struct sw_public_addr *public_addrs; /* distinct public addresses over time */
	uint32_t *findings;           /* ids of its findings (first SW_ACCOUNT_FINDINGS),
	                               * NULL until it has one */
	struct sw_addr client;        /* phone address as seen in the capture (last) */
	struct sw_addr registrar;     /* where its REGISTERs go (last) */
	enum sw_transport transport;
	enum sw_reg_state state;      /* now (at the last analysed time) */
	enum sw_severity worst;       /* worst finding severity, SW_SEV_INFO if none */
	int requested_expires;        /* last requested, -1 unknown */
	int granted_expires;          /* last granted, -1 unknown */
	uint32_t refresh_count;
	uint32_t n_register;          /* REGISTER transactions (not retransmissions) */
	uint32_t n_register_msgs;     /* REGISTER messages incl. retransmissions */
	uint32_t n_ok, n_challenge, n_fail, n_timeout;
	uint32_t n_changes;
	uint32_t n_public;
	uint32_t n_findings;          /* entries of findings */
	bool has_mac;
	bool has_findings;
	uint8_t mac[6];
};

enum sw_dialog_state {
	SW_DLG_TRYING = 1,
	SW_DLG_EARLY,
	SW_DLG_CONFIRMED,
	SW_DLG_TERMINATED,
	SW_DLG_FAILED,
	SW_DLG_CANCELLED,
};
const char *sw_dialog_state_name(enum sw_dialog_state s);

/* A call (INVITE), subscription or other dialog-forming exchange, keyed by
 * Call-ID (RFC 3261 section 12). OPTIONS exchanges between the same two
 * endpoints are grouped into one item instead. */
struct sw_dialog {
	uint32_t id;
	uint32_t item;
	char *call_id;
	char *method;                 /* INVITE, SUBSCRIBE, OPTIONS (group) ... */
	char *from, *to;              /* URIs */
	struct sw_addr caller, callee;
	enum sw_dialog_state state;
	int final_status;
	int64_t first_ns, last_ns;
	uint32_t n_msgs;
	uint32_t n_requests, n_answered, n_unanswered; /* OPTIONS groups */
	enum sw_severity worst;
	bool has_findings;
};

struct sw_evidence {
	uint32_t file_idx;
	uint64_t frame_no;
	int64_t ts_ns;
	uint32_t msg_id;              /* UINT32_MAX when not a kept message */
	char label[48];               /* "REGISTER (retransmission 3)", "ICMP port unreachable" */
};

struct sw_fact {
	const char *key;              /* static: "user_agent", "server", "public_before" ... */
	char *value;                  /* owned, from the wire: escape when printing */
	bool hidden;                  /* a word for the texts only (already translated),
	                               * not written as a fact */
};

struct sw_finding {
	uint32_t id;
	enum sw_kind kind;            /* the registry (kinds.h): sw_kind_name() */
	enum sw_cause cause;          /* sw_finding_cause() for the printable id */
	uint16_t status;              /* SW_C_STATUS: the final status that is the cause */
	char status_text[4];          /* the same as text, for sw_finding_cause() */
	uint8_t variant;              /* which text of its kind/cause (analyze/texts.c) */
	enum sw_severity severity;
	bool suspected;               /* the evidence allows only a suspicion */
	bool aggregate;               /* a summary of one kind/cause over many accounts */
	uint32_t account;             /* account id, or UINT32_MAX */
	uint32_t dialog;              /* dialog id, or UINT32_MAX */
	uint32_t explained_by;        /* the finding that explains this one, or UINT32_MAX */
	char *aor;                    /* owned, may be NULL */
	struct sw_addr client, server;
	int64_t first_ns, last_ns;
	size_t n_evidence;
	size_t evidence_total;        /* frames that support it (may exceed n_evidence) */
	struct sw_evidence *evidence; /* owned: n_evidence of them, in capture order
	                               * (grown to use, at most SW_FINDING_MAX_EVIDENCE) */
	size_t n_facts;
	struct sw_fact *facts;        /* owned: n_facts of them (grown to use, at most
	                               * SW_FINDING_MAX_FACTS) */
	uint8_t evidence_cap, facts_cap; /* allocated entries of each */
	bool has_texts;               /* sw_finding_texts() has texts for it: once
	                               * published (made when asked for, not kept) */
	bool resolved;                /* the account registered fine afterwards */
	bool cost_binding;            /* the account's registration lapsed while it stood */
	uint32_t revision;            /* bumped on every change after creation */
	uint32_t streamed_revision;   /* revision last handed to on_finding (0 = never) */
};

/* The printable cause: the registry's name, or the status code for
 * SW_C_STATUS; "" when there is none. */
const char *sw_finding_cause(const struct sw_finding *f);
/* The value of fact `key` (hidden words included), or NULL. */
const char *sw_finding_fact(const struct sw_finding *f, const char *key);

struct sw_analyze;

/* A finding's texts (analyze/texts.c), in the analysis' language, made from
 * its facts when asked for: a finding keeps none (issue 15). */
enum sw_text_part {
	SW_TEXT_SUMMARY = 1,     /* one line */
	SW_TEXT_EXPLANATION = 2, /* a paragraph */
	SW_TEXT_ADVICE = 4,      /* the fix in the phone's own settings */
	SW_TEXT_CONFIRM = 8,     /* what would confirm a suspicion */
	SW_TEXT_ALL = 15,
};
struct sw_finding_texts {
	char *summary, *explanation, *advice, *confirm; /* owned; NULL: none */
};
/* Fills *t with the parts of f in `which` (SW_TEXT_*), the others NULL;
 * all NULL when f has no texts (!f->has_texts). advice and confirm may be
 * NULL (confirm only for a suspicion). Free with sw_finding_texts_free(). */
void sw_finding_texts(const struct sw_analyze *a, const struct sw_finding *f, unsigned which,
		      struct sw_finding_texts *t);
void sw_finding_texts_free(struct sw_finding_texts *t);
/* Its summary alone: owned by the caller (free()), NULL when it has none. */
char *sw_finding_summary(const struct sw_analyze *a, const struct sw_finding *f);

/* List items for the TUI: accounts, dialogs, OPTIONS groups, other. Made
 * only with opts.keep_messages (their readers need the records); without
 * it, item ids are UINT32_MAX and there are none. */
enum sw_item_kind {
	SW_ITEM_ACCOUNT = 1,
	SW_ITEM_DIALOG,
	SW_ITEM_OPTIONS,
	SW_ITEM_OTHER,
};

#define SW_ITEM_INLINE_IDS 4u /* message ids an item holds in itself */

struct sw_item {
	uint32_t id;
	enum sw_item_kind kind;
	uint32_t ref;                 /* account or dialog id */
	uint32_t n_msgs;              /* messages that belonged to it, ever */
	uint32_t n_ids;               /* entries in msgs: kept message ids, in capture
	                               * order; in bounded mode the oldest go */
	uint32_t msgs_cap;
	uint32_t *msgs;               /* inline_ids while they fit, else owned */
	int64_t last_ns;
	uint32_t inline_ids[SW_ITEM_INLINE_IDS]; /* a phone's first registration
	                               * (REGISTER, 401, REGISTER, 200) needs no more */
};

struct sw_catalog;

struct sw_analyze_opts {
	const struct sw_catalog *catalog; /* language of finding texts; NULL = English */
	/* Called when a finding is established, and again at the end for
	 * findings changed since (same id, higher revision). May be NULL. */
	void (*on_finding)(void *user, const struct sw_finding *f);
	void *user;
	bool keep_messages;   /* keep struct sw_msg records (TUI, evidence ids)
	                       * and the list items */
	bool keep_raw;        /* also keep each SIP message's text */
	bool raw_reread;      /* with keep_raw: skip the text of messages that came
	                       * whole in one UDP frame (the caller re-reads them
	                       * from the capture file by offset) */
	size_t max_messages;  /* 0 = unlimited; else oldest records are dropped */
	bool compact_accounts; /* keep accounts not used lately packed (a fraction
	                       * of the memory; sw_analyze_account then copies
	                       * them out) */
	size_t compact_keep;  /* with it: accounts left unpacked, fixed (0: 1024 at
	                       * first, more when they come back too often) */
	/* Two captures of one path (analyze/pair.h): files 0 and 1 are matched
	 * message by message at sw_analyze_finish(). pair_phone_file is the
	 * phone side's file index when pair_sides_given, else it is detected. */
	bool pair;
	bool pair_sides_given;
	uint32_t pair_phone_file;
};

struct sw_analyze;

struct sw_analyze *sw_analyze_new(const struct sw_analyze_opts *opts);
void sw_analyze_free(struct sw_analyze *a);

/* Feed one decoded event, in capture order. For SW_EV_SIP, *note (may be
 * NULL) receives the message's annotation. */
void sw_analyze_event(struct sw_analyze *a, const struct sw_ev *ev, struct sw_msg_note *note);

/* Advance timers to capture time now_ns (call with each frame's timestamp,
 * including frames that produced no event). */
void sw_analyze_tick(struct sw_analyze *a, int64_t now_ns);

/* What the capture held besides SIP (decode's counts), for a finding when it
 * holds no SIP at all. Call before sw_analyze_finish(); a copy is kept. */
void sw_analyze_set_traffic(struct sw_analyze *a, const struct sw_traffic *t);

/* End of input at capture time end_ns (the last frame's time): transactions
 * still open are judged as unanswered before the capture ended, and the
 * remaining findings are established. Call once. */
void sw_analyze_finish(struct sw_analyze *a, int64_t end_ns);

/* Results. Indexes are ids; arrays grow while analysing. */
size_t sw_analyze_naccounts(const struct sw_analyze *a);
/* Room for a copy of any account (sw_analyze_account). */
struct sw_account_buf {
	union {
		max_align_t align;
		unsigned char b[2560];
	} u;
};
/* Account id, or NULL past the last. The record is the analysis's own or a
 * copy in *buf (with opts.compact_accounts): either is good until the next
 * call that feeds or finishes the analysis, or that reuses buf. */
const struct sw_account *sw_analyze_account(const struct sw_analyze *a, size_t id,
					    struct sw_account_buf *buf);
size_t sw_analyze_ndialogs(const struct sw_analyze *a);
/* NULL for a dialog retired in bounded mode (its list item is NULL too). */
const struct sw_dialog *sw_analyze_dialog(const struct sw_analyze *a, size_t id);
size_t sw_analyze_nfindings(const struct sw_analyze *a);
const struct sw_finding *sw_analyze_finding(const struct sw_analyze *a, size_t id);
size_t sw_analyze_nitems(const struct sw_analyze *a);
/* NULL for an item retired with its dialog in bounded mode. */
const struct sw_item *sw_analyze_item(const struct sw_analyze *a, size_t id);
size_t sw_analyze_nmsgs(const struct sw_analyze *a);
/* The record of message id, unpacked into *buf (records are stored
 * compactly): returns buf, or NULL when the record was never kept or has
 * been aged out. buf->label and buf->raw point into the analysis: label
 * until sw_analyze_free(), raw until the record ages out. */
const struct sw_msg *sw_analyze_msg(const struct sw_analyze *a, uint32_t id, struct sw_msg *buf);

struct sw_analyze_stats {
	uint64_t transactions;
	uint64_t retransmissions;
	uint64_t timeouts;            /* client transactions without a final response */
	uint64_t icmp_matched;        /* ICMP errors tied to a request */
	uint64_t accounts_untracked;  /* over SW_MAX_ACCOUNTS (SW_BOUNDED_ACCOUNTS) */
	uint64_t msgs_aged_out;
	uint64_t dialogs_retired;     /* bounded mode: finished/idle dialogs let go */
	uint64_t findings_dropped;    /* over SW_MAX_FINDINGS (a flood of failures): counted
	                               * in the summary findings of their kind, not kept */
	int64_t first_ns, last_ns;
};
void sw_analyze_get_stats(const struct sw_analyze *a, struct sw_analyze_stats *st);

#endif
