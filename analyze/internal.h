/* SPDX-License-Identifier: BSD-2-Clause */
/* Private to analyze/: the analysis context and the records behind the public
 * views. One analysis is single-threaded and owns everything here. */
#ifndef SW_ANALYZE_INTERNAL_H
#define SW_ANALYZE_INTERNAL_H

#include "analyze/analyze.h"
#include "common/idtab.h"
#include "common/intern.h"
#include "common/map.h"
#include "common/vec.h"
#include "po/i18n.h"

#define SW_TXN_LINGER_NS SW_TIMER_F_NS /* keep a transaction that timed out this long
                                        * to match a late answer */
#define SW_TXN_ANSWERED_NS (2 * SW_T4_NS) /* keep an answered non-INVITE transaction
                                        * this long for copies of its request (a
                                        * client repeats it at most every T2 = 4 s,
                                        * RFC 3261 section 17.1.2.2); later copies
                                        * meet its tombstone */
#define SW_TXN_MAX_RESP 4u              /* distinct responses remembered per transaction */
#define SW_TXN_MAX_VIEWS 4u             /* other views (NAT'd copies) of one request */
#define SW_ACCT_RECENT 6u               /* recent REGISTER attempts kept per account */
#define SW_TXN_POOL_STEP 16u           /* transaction blocks come in these steps */
#define SW_TXN_POOL_CLASSES 128u       /* up to 127 steps (2,032 bytes) are kept */
#define SW_TXN_POOL_KEEP 256u          /* freed blocks kept, all sizes */
#define SW_MAX_RINGS 4096u              /* accounts holding recent attempts at once */
#define SW_RING_IDLE_NS (120 * INT64_C(1000000000)) /* a ring idle this long may go */
#define SW_ACCT_MAX_CHANGES 256u        /* state timeline entries per account */
#define SW_ACCT_MAX_PUBLIC 16u          /* distinct public addresses per account */
#define SW_ACCT_MAX_UA 4u               /* distinct User-Agents remembered per account */
#define SW_ACCT_MAX_FLOWS 4u            /* local endpoints (NAT flows) remembered per account */
#define SW_ACCT_LOSSES 8u               /* recent losses of the binding remembered per account */
#define SW_ACCT_FLOOD 12u               /* recent registrations remembered for the flood rule */
#define SW_END_GRACE_NS (2 * INT64_C(1000000000)) /* timer F judged this close to its end */
#define SW_EXPIRY_GRACE_NS (5 * INT64_C(1000000000))
#define SW_AOR_MAX 300u                 /* bytes of an AOR kept, NUL included */
#define SW_KEY_PART 200u                /* bytes of a wire string used in a key */
#define SW_MAX_FLOWS 65536u            /* keepalive flows, TCP connections, DNS names,
                                        * answered flows tracked */
#define SW_MSG_CHUNK 1024u             /* message records per block (aged out a block at a time) */
#define SW_MAX_LABELS 4096u            /* distinct interned labels */
#define SW_SUMMARY_MIN 10u             /* accounts with one kind/cause that get a summary finding */
#define SW_SUMMARY_EXAMPLES 5u         /* example accounts named in a summary finding */
#define SW_DIALOG_SUMMARY (UINT32_MAX - 1) /* the dialog id of summary findings' keys */

/* Capture timestamps come from files: arithmetic on them saturates. */
static inline int64_t sw_ns_add(int64_t a, int64_t b)
{
	int64_t r;
	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static inline int64_t sw_ns_sub(int64_t a, int64_t b)
{
	int64_t r;
	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? INT64_MAX : INT64_MIN;
	return r;
}

/* A reference to an evidence frame, kept compact (20 bytes) in transactions,
 * attempts, flows and accounts; turned into a public struct sw_evidence when
 * a finding takes it. Read and write it with the ev_* helpers. */
struct evref {
	int64_t ts_ns;
	uint32_t msg_id;     /* UINT32_MAX when not a kept message */
	uint32_t frame_lo;   /* frame number = frame_hi << 32 | frame_lo; 0 = none */
	uint8_t frame_hi;
	uint8_t file_idx;    /* saturates at 255 (SW_MAX_INPUT_FILES is 64) */
	uint16_t label;      /* index of an interned label (sw_an_label_at) */
} __attribute__((packed, aligned(4)));

#define SW_EV_FRAME_MAX ((UINT64_C(1) << 40) - 1)

static inline uint64_t ev_frame(const struct evref *e)
{
	return (uint64_t)e->frame_hi << 32 | e->frame_lo;
}

static inline bool ev_has(const struct evref *e)
{
	return e->frame_lo || e->frame_hi;
}

static inline void ev_set_frame(struct evref *e, uint64_t frame_no)
{
	if (frame_no > SW_EV_FRAME_MAX)
		frame_no = SW_EV_FRAME_MAX;
	e->frame_lo = (uint32_t)frame_no;
	e->frame_hi = (uint8_t)(frame_no >> 32);
}

static inline void ev_set_file(struct evref *e, uint32_t file_idx)
{
	e->file_idx = (uint8_t)(file_idx > UINT8_MAX ? UINT8_MAX : file_idx);
}

static inline bool ev_same_frame(const struct evref *x, const struct evref *y)
{
	return x->frame_lo == y->frame_lo && x->frame_hi == y->frame_hi &&
	       x->file_idx == y->file_idx;
}

enum txn_state {
	TX_OPEN = 0,  /* no final response yet */
	TX_DONE,      /* final response seen */
	TX_TIMEOUT,   /* timer F/B fired, or the capture ended first */
};

struct resp_seen {
	uint16_t status;
	uint32_t dir;  /* hash of source and destination endpoints */
};

/* A client transaction as seen on the wire (RFC 3261 section 17.1). One
 * allocation (txn.c): the record, then its key, Call-ID and Via sent-by.
 * Fields are grouped by size (8, 20, 4, 2, 1 bytes) so none pads. */
struct txn {
	uint64_t h;                   /* keyed hash of key (a->txns, its tombstone) */
	uint64_t ahash;               /* is_primary: keyed hash of Call-ID and CSeq (a->attempts) */
	int64_t cseq;
	const char *call_id;          /* bounded copy in this block, NULL when absent */
	const char *via_sent_by;      /* the request's top Via sent-by, "host:port" (in this
	                               * block), NULL when it had none */
	int64_t first_ns, last_req_ns, final_ns;
	int64_t deadline_ns, free_ns;
	struct txn *next, *prev;      /* timer queue, in creation order */
	struct txn *done_next, *done_prev; /* answered queue, in order of the answers */
	uint64_t attempt_seq;         /* REGISTER: the account's attempt number */
	struct evref first_req, last_req, final;
	struct evref first_frag;      /* the request's first IP fragment, when fragmented */
	struct sw_addr src, dst;      /* first request's direction */
	struct sw_addr sent_by;       /* the Via sent-by as an address, family 0 when not an
	                               * IP literal */
	enum txn_state state;
	enum sw_transport transport;
	uint32_t n_req;               /* request messages incl. retransmissions */
	uint32_t view_src[SW_TXN_MAX_VIEWS]; /* hashes of other views' sources */
	int final_status;
	struct resp_seen resp[SW_TXN_MAX_RESP];
	uint32_t n_prov;
	/* Links */
	uint32_t account;             /* UINT32_MAX when none */
	uint32_t dialog;
	uint32_t item;
	/* REGISTER specifics copied from the request */
	int requested_expires;
	uint32_t req_size;
	/* ICMP errors that quote this transaction's request */
	uint32_t n_icmp;
	enum sw_icmp_kind icmp_kind;
	uint32_t icmp_mtu;            /* fragmentation needed / packet too big */
	struct sw_addr icmp_from;     /* who sent the ICMP error */
	struct evref icmp_ev;
	uint16_t klen;                /* bytes of key */
	uint16_t cid_len;             /* strlen(call_id) */
	uint16_t req_after_final;     /* request copies that arrived after the final response */
	char method[16];
	bool is_register, is_invite, is_options, is_ack;
	bool response_only;           /* the request was never seen */
	bool timer_fired;             /* timer F/B (or end of capture) has been judged */
	bool end_of_capture;          /* judged at the end, before 32 s elapsed */
	uint8_t n_views;
	uint8_t n_resp;
	bool has_auth;                /* the request carried credentials */
	bool icmp_on_answer;          /* an ICMP error quoted this transaction's answer */
	bool is_primary;              /* first hop seen of a REGISTER attempt (other
	                               * hops share its Call-ID and CSeq) */
	bool in_done;                 /* on the answered queue (freed from there) */
	bool kept_long;               /* copies came after the answer: kept to its deadline */
	bool fragmented;              /* the request came in IP fragments */
	uint8_t pool_class;           /* its block's size in SW_TXN_POOL_STEP steps, or 0
	                               * when not from the pool (txn.c) */
	char key[];                   /* klen bytes of key, then the Call-ID and the Via
	                               * sent-by, each NUL-terminated */
};

/* Per-attempt result handed from transactions to the account layer. */
struct reg_result {
	int status;                   /* final status */
	int granted_expires;          /* from the 2xx, -1 when unknown */
	bool our_contact_listed;      /* the 2xx lists the phone's Contact */
	size_t other_contacts;        /* bindings in the 2xx other than the phone's Contact */
	size_t other_devices;         /* of those, on another host or user: not this
	                               * phone's own older binding (another port) */
	bool have_public;
	struct sw_addr public_addr;   /* from the response's Via received/rport */
	bool stale_nonce;
	int min_expires, retry_after;
	char *server, *warning, *reason_hdr; /* owned copies for failures, else NULL */
	bool contact_tcp;             /* transport=tcp in the response's Contact / Record-Route */
	char other_contact[160];      /* a listed Contact that is not the phone's */
};

/* How a REGISTER attempt ended. */
enum at_outcome {
	AT_PENDING = 0,   /* no final answer yet */
	AT_ANSWERED,      /* a final response (status) */
	AT_TIMEOUT,       /* timer F fired: no final response */
	AT_CUT,           /* the capture ended before timer F */
};

/* One REGISTER attempt: a new CSeq (not a retransmission, not another hop). */
struct attempt {
	uint64_t seq;                 /* attempt number within the account */
	int64_t start_ns, end_ns;
	struct sw_addr client, server;
	struct sw_addr sent_by;       /* the phone's own top Via sent-by (family 0: not an IP) */
	struct sw_addr public;        /* what the server saw: the answer's Via received/rport */
	bool have_public;
	bool after_nat;               /* captured behind the NAT as the server sees it:
	                               * the source differs from the Via sent-by */
	enum sw_transport transport;
	bool has_auth;
	int requested_expires;
	enum at_outcome outcome;
	uint16_t status;              /* AT_ANSWERED: the final status */
	bool undelivered;             /* answered, yet the client kept retransmitting */
	uint32_t n_msgs;
	uint32_t ua_idx;
	struct evref first, last_req, final;
	struct evref first_frag;
	enum sw_icmp_kind icmp_kind;
	uint32_t n_icmp, icmp_mtu;
	struct sw_addr icmp_from;
	struct evref icmp_ev;
	bool fragmented;
	uint32_t req_size;
	char contact_key[128];        /* user@host:port of the phone's first Contact */
};

/* One local endpoint of a phone (its Via sent-by, else its source address)
 * and what the server saw of it: the unit of a NAT mapping (RFC 3581). */
struct nat_flow {
	/* (fields grouped by size: no padding between them) */
	int64_t used_ns;
	int64_t last_tx_ns;           /* the phone last sent on it (request or keepalive) */
	int64_t max_idle_ns;          /* longest silence from the phone since its last success */
	int64_t last_ok_ns, last_ok_start_ns; /* 0 = never */
	int64_t prev_ok_end_ns;
	int64_t gap_before_ok_ns;     /* longest silence before the last success */
	int64_t fail_start_ns;        /* start of the first failure since the last success */
	struct flow_fail {            /* owned, made at the first failure */
		struct evref first, last, last_req;
	} *fail;
	/* successes: the first, the last one and the one before */
	struct evref first_ok, first_ok_req; /* the first success and its REGISTER */
	struct evref last_ok_req;     /* the REGISTER of the last success */
	struct evref last_ok, prev_ok;
	struct sw_addr key;           /* sent-by, or the source when sent-by is a name */
	struct sw_addr source;        /* the source address the capture saw, last */
	struct sw_addr public;        /* the public endpoint the server reported, last */
	struct sw_addr ok_public, prev_ok_public; /* what the server saw then */
	uint32_t ok;
	uint32_t fails;               /* failures since the last success (no answer got back) */
	bool have_public;
	bool nat;                     /* evidence of NAT on this flow */
	bool ok_have_public, prev_ok_have_public;
	bool udp;                     /* its REGISTERs go over UDP */
};

/* A registration attempt as the flood rule counts it (a 401/407 answer is
 * half of one and not counted). */
struct flood_ent {
	int64_t start_ns;
	uint64_t frame_no;
	uint32_t file_idx;
	uint32_t src;                 /* hash of the phone's address */
};

/* A binding of the account lost (its granted time ran out without a
 * successful refresh) and, once registered again, recovered. */
enum loss_how {
	LOSS_NO_REFRESH = 1,          /* the phone had not tried to refresh, and it never
	                               * refreshed within the granted time: its timer */
	LOSS_SILENT,                  /* the phone that refreshed in time before went
	                               * silent (off the network, or its packets lost) */
	LOSS_REFRESH_FAILED,          /* refreshes were sent and failed */
};

struct loss {
	int64_t lost_ns, back_ns;     /* back_ns 0 while not recovered */
	enum loss_how how;
	struct evref back;
};

struct ua_rec {
	const char *ua;               /* shared (a->strings) */
	uint32_t n_ok, n_fail403, n_fail_other;
	struct evref first_ok, first_403;
};

/* What few accounts have: rejected credentials, the server's OPTIONS to the
 * phone, the phone's own keepalives, other devices' bindings. Allocated at
 * the first such event (sw_acct_xw); read through sw_acct_xr. */
struct acct_extra {
	/* challenges answered and rejected again (RFC 3261 section 22.2) */
	uint32_t answered_challenge_rejects; /* in a row, to requests with credentials */
	struct evref first_reject, last_reject;
	struct evref first_reject_req; /* the request whose credentials were refused first */
	uint32_t other_contacts_max;  /* other devices' bindings listed in a 2xx (other_devices) */
	uint64_t ka_from_phone;       /* keepalives the phone sent (RFC 5626) */
	struct evref ka_first;
	/* OPTIONS the server sent to this phone */
	uint32_t options_in, options_in_answered, options_in_unanswered, options_in_refused;
	struct evref options_first_unanswered;
	int64_t options_ok_max_ns;    /* longest time after a refresh an OPTIONS was answered */
	int64_t options_fail_min_ns;  /* shortest time after a refresh one went unanswered */
};

struct acct {
	struct sw_account pub;
	/* recent attempts (ring) */
	struct attempt *recent;       /* ring of SW_ACCT_RECENT slots, NULL when idle
	                               * (bounded); only the first recent_cap exist:
	                               * grown as attempts come (most phones use 2) */
	uint64_t n_recent_total;      /* attempts ever; ring index = (seq - 1) % RECENT */
	int64_t state_from_ns;        /* start of the attempt that set the current state */
	/* last success */
	int64_t last_ok_ns;
	struct evref last_ok_ev;
	bool ever_ok;
	uint8_t n_flows;
	uint8_t n_ua;
	uint8_t recent_cap;           /* slots of `recent` allocated */
	uint8_t flood_cap;            /* entries of `flood` allocated */
	bool hot_ref;                 /* used since the last pack point (acct_rest.c) */
	uint16_t changes_cap, public_cap;
	bool auth_inline;             /* auth_user is in the block, after the contact
	                               * room (acct_rest.c), not its own allocation */
	int64_t reg_since_ns;         /* start of the current registered stretch */
	int64_t cov_until_ns;         /* end of the current registered stretch */
	char *auth_user;              /* from the phone's last credentials (owned
	                               * unless auth_inline) */
	const char *auth_realm;       /* the same, shared (a->strings) */
	/* local endpoints and what the server saw of them (owned, grown to
	 * SW_ACCT_MAX_FLOWS: most phones keep one) */
	struct nat_flow *flows;
	/* the binding lost and recovered (owned ring of SW_ACCT_LOSSES, made at
	 * the first loss) */
	struct loss *losses;
	uint32_t n_losses;            /* ever; ring index = n % SW_ACCT_LOSSES */
	uint32_t n_flood;             /* ring index = n % SW_ACCT_FLOOD */
	struct ua_rec *ua;            /* owned, grown to SW_ACCT_MAX_UA */
	/* recent registrations for the flood rule (owned ring of SW_ACCT_FLOOD,
	 * held with the attempt ring: let go with it when the account is idle) */
	struct flood_ent *flood;
	struct acct_extra *x;         /* owned, made at the first of these (most phones never) */
	/* What nearly every phone has one of lives in the account's own block:
	 * flows, ua, pub.public_addrs and pub.changes point here until they
	 * outgrow it (then to their own allocation: see acct_grow). */
	struct nat_flow flow0;
	struct ua_rec ua0;
	struct sw_public_addr public0;
	struct sw_reg_change change0[2];
	uint16_t contact_room;        /* bytes after the AOR for pub.contact (sized to
	                               * the first REGISTER's; a longer one goes to
	                               * its own allocation) */
	char aor[];                   /* pub.aor points here; then the contact room */
};

/* The account's rarer records, to read (zeros when it has none) and to
 * write (made at the first write). */
static inline const struct acct_extra *sw_acct_xr(const struct acct *ac)
{
	static const struct acct_extra none;
	return ac->x ? ac->x : &none;
}
struct acct_extra *sw_acct_xw(struct acct *ac);

struct dlg {
	struct sw_dialog pub;
	char *from_tag;
	bool cancelled;
};

struct ka_flow {
	struct sw_addr src, dst;
	uint64_t count;
	int64_t first_ns, last_ns;
	uint32_t kinds;               /* bit per enum sw_keepalive_kind */
	struct evref first;
};

/* Lookups of one name and query type (RFC 1035), judged per domain at the
 * end (RFC 3263: NAPTR, SRV, then A/AAAA of the same domain). */
struct dns_name {
	char *name;                   /* lower case, as queried */
	uint16_t qtype;
	uint32_t queries, responses;
	uint32_t usable;              /* NOERROR with an answer record */
	uint32_t nxdomain, servfail, empty, other_err;
	int64_t first_query_ns, last_query_ns;
	struct sw_addr server;        /* the DNS server asked, last */
	int64_t first_fail_ns, ok_after_fail_ns; /* a failure, then a usable answer */
	struct evref first_query, last_query, first_fail, last_fail;
};

struct tcp_conn {
	struct sw_addr client, server;
	uint32_t syn, synack, rst;
	struct evref first_syn, first_synack, first_rst;
};

struct sw_analyze {
	struct sw_analyze_opts opts;
	const struct sw_catalog *cat;
	size_t max_accounts, max_txns; /* SW_MAX_* or, bounded, SW_BOUNDED_* */
	int64_t now_ns;
	bool finished;
	/* message records: ids are dense; msgs[i] has id msgs_base + i */
	struct sw_msg_chunk **chunks; /* chunks[i] holds ids (chunk0 + i) * SW_MSG_CHUNK ... (msgs.c) */
	size_t nchunks, chunks_cap, chunk0;
	uint32_t msgs_base;           /* oldest id still kept (chunk0 * SW_MSG_CHUNK) */
	uint32_t next_msg_id;
	struct sw_map labels;         /* interned labels: text -> index + 1 */
	struct sw_vec label_strs;     /* index -> text (owned) */
	struct sw_intern strings;     /* values many accounts repeat: User-Agent, Server, realm */
	/* transactions */
	struct sw_reftab txns;        /* key -> struct txn (the key is the txn's own) */
	struct txn *q_head, *q_tail;
	struct txn *q_cursor;         /* first transaction whose timer is not judged */
	struct txn *done_head, *done_tail; /* answered non-INVITE transactions, by answer time */
	size_t ntxns;
	struct txn *txn_pool[SW_TXN_POOL_CLASSES]; /* freed blocks kept for the next
	                               * transactions of their size class, linked
	                               * through next (txn.c: txn_alloc) */
	size_t txn_pooled;            /* blocks in all of them */
	struct tombs {                /* transactions freed early: 48 bits of their key
	                               * hash and how long copies of them may still come */
		struct tomb {             /* 16 bytes (txn.c: tomb_set, tomb_until) */
			uint32_t h_lo;        /* h_hi << 32 | h_lo: 0 = empty slot */
			uint16_t h_hi;
			uint16_t until_hi;    /* until_hi << 32 | until_lo: ns after base_ns */
			uint32_t until_lo;
			uint32_t account;
		} *p;
		size_t n, cap;
		int64_t base_ns;          /* set when the table is rebuilt */
	} tombs;
	struct sw_reftab attempts;    /* Call-ID and CSeq -> primary REGISTER txn */
	/* accounts, dialogs, items, findings */
	struct sw_vec accounts;       /* struct acct * */
	struct sw_idtab acct_by_aor;  /* AOR -> account id (the key is the account's aor) */
	struct sw_hashtab acct_by_client; /* phone address:port (sw_an_addr_hash) -> account id */
	struct ring_queue {           /* accounts holding a ring, oldest first */
		uint32_t *p;
		int64_t *t;               /* beside p, for rings: a pub.last_ns the
		                           * account had when queued (never later than
		                           * its own: last_ns only grows); NULL in hot */
		size_t head, len, cap;
	} rings;
	struct ring_queue hot;        /* accounts unpacked, with opts.compact_accounts
	                               * (acct_rest.c) */
	void *acct_tmpl;              /* the words packed accounts are packed against */
	char *tmpl_aor, *tmpl_contact; /* and the strings (owned, with their lengths) */
	size_t tmpl_aor_n, tmpl_contact_n;
	size_t hot_budget;            /* accounts left unpacked (0: not yet set) */
	size_t hot_points, hot_misses; /* pack points and unpacks since it last changed */
	bool closing;                 /* in sw_analyze_finish */
	bool close_on_unpack;         /* from the end's pass over the accounts on
	                               * (sw_acct_close) */
	struct exp_heap {             /* registration expiry times, min-heap */
		struct exp_ent { int64_t until_ns; uint32_t account; } *p;
		size_t n, cap;
	} expiries;
	struct sw_vec dialogs;        /* struct dlg *, NULL once retired (bounded mode) */
	size_t dialogs_live, dlg_cursor;
	struct sw_map dlg_by_callid;
	struct sw_map opt_groups;
	struct sw_vec items;          /* struct sw_item * */
	struct sw_vec findings;       /* struct sw_finding * */
	struct sw_map finding_keys;   /* struct fnd_key -> finding */
	struct sw_finding scratch;    /* handed out past SW_MAX_FINDINGS, never kept */
	struct fnd_tally {            /* per kind and cause: accounts with such a finding */
		uint32_t accounts;
		uint32_t examples[SW_SUMMARY_EXAMPLES];
		uint32_t n_examples;
		enum sw_severity worst;
	} tally[SW_K_COUNT][SW_C_COUNT];
	struct sw_map dropped_keys;   /* keys of findings not kept (counted once each) */
	/* side channels */
	struct sw_map ka_flows;
	struct sw_map dns_names;
	struct sw_map tcp_conns;
	struct sw_map srv_targets;    /* names an SRV answer named: SIP servers */
	struct sw_map via_flows;      /* client -> server: answers whose Via changed */
	struct sw_hashtab via_intact; /* keyed hashes of the flows whose answers kept it */
	struct sw_map path_mtus;      /* client -> server endpoints: an ICMP's MTU */
	struct sw_hashtab ok_registrars; /* registrar IP -> first accounts that
	                               * registered there (detect_nat.c), made at
	                               * the end when first asked */
	bool ok_registrars_built;
	struct sw_hashtab answered_flows; /* keyed hash of client -> server endpoints:
	                               * last time an unfragmented request between
	                               * them was answered */
	uint64_t sip_msgs;            /* SIP messages seen, well-formed or not */
	struct sw_traffic traffic;    /* what the capture held (sw_analyze_set_traffic) */
	struct sw_analyze_stats st;
	struct sw_pair *pair;         /* two captures of one path, NULL when off */
};

/* msgs.c: the kept message records. sw_an_msg_add returns the new record's
 * id, or UINT32_MAX when ids ran out; it may age the oldest block out
 * (bounded mode). The setters ignore ids not kept; set_item returns false
 * for them. set_raw keeps a copy of the n bytes at p. */
uint32_t sw_an_msg_add(struct sw_analyze *a, const struct sw_pkt *p, enum sw_msg_kind kind,
		       const char *label, size_t label_len);
void sw_an_msg_set_sip(struct sw_analyze *a, uint32_t id, bool is_request, uint16_t status,
		       int64_t cseq);
void sw_an_msg_set_retrans(struct sw_analyze *a, uint32_t id, bool retrans);
void sw_an_msg_set_raw(struct sw_analyze *a, uint32_t id, const char *p, size_t n);
bool sw_an_msg_set_item(struct sw_analyze *a, uint32_t id, uint32_t item);
void sw_an_msgs_free(struct sw_analyze *a);

/* analyze.c */
/* The keyed hash of an endpoint (IP and port) or of its IP alone, for
 * sw_hashtab keys. */
uint64_t sw_an_addr_hash(const struct sw_addr *x, bool port);
uint32_t sw_an_item_new(struct sw_analyze *a, enum sw_item_kind kind, uint32_t ref);
void sw_an_item_add_msg(struct sw_analyze *a, uint32_t item, uint32_t msg_id, int64_t ts);
/* Frees an item and its message ids (NULL is fine). */
void sw_an_item_free(struct sw_item *it);
void sw_an_evidence(struct sw_analyze *a, struct evref *e, const struct sw_pkt *p,
		    uint32_t msg_id, const char *label);
/* Interned copy of a label (bounded table: past SW_MAX_LABELS the fallback). */
const char *sw_an_label(struct sw_analyze *a, const char *s, size_t len);
/* The same, as its index in the table (for struct evref), and back. */
uint16_t sw_an_label_idx(struct sw_analyze *a, const char *s, size_t len);
const char *sw_an_label_at(const struct sw_analyze *a, uint16_t idx);
#define SW_WIRE_COPY_MAX 512u /* longest wire string the analysis keeps */
char *sw_an_strdup_wire(struct sw_str s); /* bounded copy of a wire string, NULL for absent */
/* The length sw_an_strdup_wire keeps of s. */
static inline size_t sw_an_wire_len(struct sw_str s)
{
	return s.len > SW_WIRE_COPY_MAX ? SW_WIRE_COPY_MAX : s.len;
}
/* A shared bounded copy of a wire string (a->strings), NULL for absent:
 * *dst lets go of its old value. */
void sw_an_share_wire(struct sw_analyze *a, const char **dst, struct sw_str s);

/* txn.c */
struct txn *sw_txn_on_sip(struct sw_analyze *a, const struct sw_ev *ev, uint32_t msg_id,
			  struct sw_msg_note *note, bool *is_new, bool *is_final);
void sw_txn_on_icmp(struct sw_analyze *a, const struct sw_ev *ev, uint32_t msg_id);
void sw_txn_tick(struct sw_analyze *a, int64_t now_ns, bool end_of_capture);
/* The first-seen hop's transaction of the same REGISTER attempt (itself if none). */
struct txn *sw_txn_primary(struct sw_analyze *a, struct txn *t);
void sw_txn_free_all(struct sw_analyze *a);

/* account.c */
struct attempt *sw_acct_attempt(struct acct *ac, uint64_t seq); /* NULL when overwritten */
void sw_acct_on_request(struct sw_analyze *a, struct txn *t, const struct sw_ev *ev,
			uint32_t msg_id);
void sw_acct_on_final(struct sw_analyze *a, struct txn *t, const struct sw_ev *ev);
void sw_acct_on_timeout(struct sw_analyze *a, struct txn *t);
/* A REGISTER answered, yet copies keep arriving (a capture at the server side:
 * the answers do not reach the phone). */
void sw_acct_on_undelivered(struct sw_analyze *a, struct txn *t);
/* OPTIONS the server sent to a phone: sent, its final answer, or its timeout
 * (perhaps refused by an ICMP error). */
enum sw_opt_event { SW_OPT_SENT = 1, SW_OPT_ANSWERED, SW_OPT_FAILED };
void sw_acct_on_options(struct sw_analyze *a, struct txn *t, enum sw_opt_event what);
void sw_acct_on_keepalive(struct sw_analyze *a, struct acct *ac, const struct sw_ev *ev);
void sw_acct_on_late_icmp(struct sw_analyze *a, struct txn *t);
void sw_acct_tick(struct sw_analyze *a, int64_t now_ns);
/* acct_rest.c: accounts at rest. With opts.compact_accounts, an account not
 * used lately is packed at a pack point (sw_acct_rest) and unpacked by
 * sw_acct_get: a struct acct * is good until the next pack point, so hold
 * none across sw_acct_rest(), and loops over many accounts call it between
 * them. Without the option nothing is packed and pointers last. */
struct acct *sw_acct_get(struct sw_analyze *a, uint32_t id); /* NULL past the last */
/* A read-only copy, in buf when the account is packed (nothing unpacked
 * stays): good until the next change to the analysis or to buf. */
const struct acct *sw_acct_peek(const struct sw_analyze *a, uint32_t id,
				struct sw_account_buf *buf);
/* The account's AOR: its own, or made in buf when it is packed (id must exist). */
const char *sw_acct_aor(const struct sw_analyze *a, uint32_t id, char buf[SW_AOR_MAX]);
void sw_acct_add(struct sw_analyze *a, struct acct *ac); /* a new account, id = index */
void sw_acct_rest(struct sw_analyze *a); /* a pack point */
/* Whether the account holds an attempt ring, and its pub.last_ns, read
 * without unpacking it; and letting go of its attempt and flood rings. */
bool sw_acct_has_ring(const struct sw_analyze *a, uint32_t id, int64_t *last_ns);
void sw_acct_drop_ring(struct sw_analyze *a, uint32_t id);
void sw_rq_push(struct ring_queue *q, uint32_t id);
uint32_t sw_rq_pop(struct ring_queue *q); /* q must not be empty */
/* The same with a time beside each id (q->t); a queue uses one pair only. */
void sw_rq_push_at(struct ring_queue *q, uint32_t id, int64_t t);
uint32_t sw_rq_pop_at(struct ring_queue *q, int64_t *t); /* q must not be empty */
struct acct *sw_acct_by_flow(struct sw_analyze *a, const struct sw_addr *x,
			     const struct sw_addr *y);
/* The account whose AOR is this URI (a caller's From), or NULL. */
struct acct *sw_acct_by_uri(struct sw_analyze *a, const char *uri);
/* The account's flow for a local endpoint (NULL when it has none). */
struct nat_flow *sw_acct_flow(struct acct *ac, const struct sw_addr *key);
bool sw_acct_registered(const struct acct *ac); /* registered or refreshing now */
/* At the end: the registered stretch still open counts up to the end (or
 * its expiry). Nothing reads registered_total_ns before the results. Once
 * a->close_on_unpack is set (the end's pass over the accounts), a packed
 * account is closed as it is unpacked or peeked: the pass need not unpack
 * and pack again an account that only has this to do. */
void sw_acct_close(struct sw_analyze *a, struct acct *ac);
void sw_acct_close_at(struct acct *ac, int64_t now_ns);
void sw_acct_free_all(struct sw_analyze *a);
bool sw_acct_is_packed(const struct sw_analyze *a, uint32_t id); /* id < accounts.n */

/* dialog.c */
void sw_dlg_on_sip(struct sw_analyze *a, struct txn *t, const struct sw_ev *ev, uint32_t msg_id,
		   bool is_final);
void sw_dlg_on_timeout(struct sw_analyze *a, struct txn *t);
void sw_dlg_free_all(struct sw_analyze *a);

/* side.c: keepalives, DNS, TCP connections, answered flows */
void sw_side_on_keepalive(struct sw_analyze *a, const struct sw_ev *ev, uint32_t msg_id);
void sw_side_on_dns(struct sw_analyze *a, const struct sw_ev *ev);
void sw_side_on_tcp(struct sw_analyze *a, const struct sw_ev *ev);
/* The TCP connection record to the server's host on a SIP port (5060, 5061
 * or the server's own port), or NULL: a handshake on another port (HTTPS
 * provisioning ...) says nothing about SIP over TCP. */
struct tcp_conn *sw_side_tcp_sip(struct sw_analyze *a, const struct sw_addr *server);
/* An ICMP fragmentation needed / packet too big for a request from client to
 * server (RFC 1191, RFC 8201): the path's MTU, for later requests on it. */
void sw_side_frag_needed(struct sw_analyze *a, const struct sw_addr *client,
			 const struct sw_addr *server, uint32_t mtu, const struct evref *e);
/* The last such MTU (0 when none) and its ICMP frame. */
uint32_t sw_side_path_mtu(struct sw_analyze *a, const struct sw_addr *client,
			  const struct sw_addr *server, struct evref *e);
/* An unfragmented request from client to server was answered at ts. */
void sw_side_answered(struct sw_analyze *a, const struct sw_addr *client,
		      const struct sw_addr *server, int64_t ts);
/* Last time such a request was answered, or INT64_MIN. */
int64_t sw_side_last_answered(struct sw_analyze *a, const struct sw_addr *client,
			      const struct sw_addr *server);
void sw_side_free_all(struct sw_analyze *a);

/* finding.c: the store of findings (one per kind, cause, account, dialog) */
/* The finding for this key, made when absent (*created); its severity is
 * raised to sev. Past SW_MAX_FINDINGS a scratch finding that is never kept
 * (the tally still counts it). */
struct sw_finding *sw_fnd_open(struct sw_analyze *a, enum sw_kind kind, enum sw_cause cause,
			       uint16_t status, uint32_t account, uint32_t dialog,
			       enum sw_severity sev, bool *created);
struct sw_finding *sw_fnd_find(struct sw_analyze *a, enum sw_kind kind, enum sw_cause cause,
			       uint16_t status, uint32_t account);
bool sw_fnd_is_kept(const struct sw_analyze *a, const struct sw_finding *f);
void sw_fnd_evidence(struct sw_analyze *a, struct sw_finding *f, const struct evref *e);
void sw_fnd_evidence_at(struct sw_finding *f, uint32_t file_idx, uint64_t frame_no,
			int64_t ts_ns, uint32_t msg_id, const char *label);
void sw_fnd_fact(struct sw_finding *f, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A word for the texts only (translated msgid), not written as a fact. */
void sw_fnd_word(struct sw_analyze *a, struct sw_finding *f, const char *key, const char *msgid);
void sw_fnd_addr_fact(struct sw_finding *f, const char *key, const struct sw_addr *x);
/* A value for the texts only (from the wire: printed escaped), not a fact. */
void sw_fnd_hidden(struct sw_finding *f, const char *key, const char *value);
/* f is explained by `by`: lowered to info, pointing to it. */
void sw_fnd_explained(struct sw_analyze *a, struct sw_finding *f, const struct sw_finding *by);
/* The account's finding of kind/cause, if any, is explained by `by`. */
void sw_fnd_explain(struct sw_analyze *a, uint32_t account, enum sw_kind kind,
		    enum sw_cause cause, const struct sw_finding *by);
void sw_fnd_establish(struct sw_analyze *a, struct sw_finding *f);
/* A finding was made or changed: its texts are rendered (texts.c), it is
 * established, and streamed the first time (live; the end of the analysis
 * re-streams what changed since). */
void sw_fnd_publish(struct sw_analyze *a, struct sw_finding *f);
/* Summary findings for kinds/causes over many accounts; re-stream changes. */
void sw_fnd_finish(struct sw_analyze *a);
void sw_fnd_free_all(struct sw_analyze *a);
const char *sw_an_tr(const struct sw_analyze *a, const char *msgid) __attribute__((format_arg(2)));

/* texts.c: the texts of each kind/cause, apart from the rules. A rule picks
 * one of its kind's texts with f->variant; the texts name facts in braces. */
enum text_variant {
	TV_DEFAULT = 0,
	TV_SUSPECTED,       /* no_response: the capture ended before timer F */
	TV_PRIVATE,         /* no_response/silence: the phone is behind NAT */
	TV_FRAG_ANSWERED,   /* fragments_lost: smaller requests were answered */
	TV_FRAG_NEEDED,     /* fragments_lost / oversize_udp: ICMP fragmentation needed */
	TV_NO_ANSWER,       /* dns_failure: queries never answered */
	TV_BANNED,          /* flood_ban: the server stopped accepting it */
	TV_SWITCHES,        /* flood_ban: several devices alternating */
	TV_SWITCHES_BANNED,
	TV_OTHER_DEVICE,    /* flood_ban: another device's binding, fast refreshes */
	TV_OTHER_DEVICE_BANNED,
	TV_UNDELIVERED,     /* return_path: answered, the client kept retransmitting */
	TV_UNDELIVERED_NAT, /* the same, the client's Via names a private address */
	TV_NO_RECOVERY,     /* stale_binding: no recovery in the capture */
	TV_ICMP,            /* binding_expired: requests to the phone refused by ICMP */
	TV_TIMING,          /* binding_expired: requests lost only late after a refresh */
	TV_404,             /* rejected */
	TV_423,
	TV_423_CORRECTED,
	TV_TEMPORARY,
	TV_TRANSIENT,       /* a temporary failure retried while the binding held */
	TV_GOOD_UA,         /* forbidden/user_agent */
	TV_SIZE,            /* oversize_udp: smaller requests answered, no fragments seen */
	TV_OPTIONS,         /* flapping: the server's OPTIONS went unanswered */
	TV_LATE,            /* flapping: refreshes after the binding lapsed */
	TV_FAILURES,        /* flapping: refreshes failed */
	TV_TRANSLATED,      /* path_diff: private <-> public swaps */
	TV_CONTACT_PARAM,   /* received_private: in the Contact's received parameter */
	TV_DISCARDED,       /* content_length_mismatch: declared more than the body: discarded */
	TV_NO_NAT,          /* path_loss: the phone's address is its public one */
};
/* Readies f's texts (sw_finding_texts): whether it has any, and the title
 * fact of a summary finding. At each publish and at the end. */
void sw_texts_prepare(struct sw_analyze *a, struct sw_finding *f);

/* pair.c: two captures of one path (pair.h) */
struct sw_pair *sw_pair_new(bool sides_given, uint32_t phone_file);
void sw_pair_free(struct sw_pair *p);
/* Records one SIP message of file 0 or 1 (others are ignored). */
void sw_pair_on_sip(struct sw_analyze *a, const struct sw_ev *ev, uint32_t msg_id,
		    uint32_t account);
/* Matches the two files and makes the pair findings; before sw_detect_finish. */
void sw_pair_finish(struct sw_analyze *a);

/* The rules (docs/findings.md), one file per group:
 * detect_reg.c: registration outcomes, rejections, flood, expiry, flapping,
 *               unanswered requests (REGISTER and INVITE);
 * detect_nat.c: stale bindings, NAT mappings that lapse, the return path,
 *               OPTIONS keepalives;
 * detect_wire.c: what one message shows (ALG traces);
 * detect_end.c: what only the whole capture shows (DNS, TCP refused, no SIP),
 *               and the final pass. */
void sw_detect_on_attempt(struct sw_analyze *a, struct acct *ac, struct attempt *at,
			  const struct reg_result *r);
/* The account's binding lapsed (granted expiry and grace passed). */
void sw_detect_on_lapse(struct sw_analyze *a, struct acct *ac, const struct loss *l);
/* An ICMP error came for a REGISTER attempt already judged (an IPv6
 * reassembly timeout arrives after 60 s, RFC 8200 section 4.5). */
void sw_detect_on_late_icmp(struct sw_analyze *a, struct acct *ac, struct attempt *at);
/* A REGISTER attempt judged timed out got its final answer after all. */
void sw_detect_on_late_answer(struct sw_analyze *a, struct acct *ac, const struct attempt *at);
/* A non-REGISTER client transaction timed out (INVITE: call.no_response). */
void sw_detect_on_request_timeout(struct sw_analyze *a, struct txn *t);
void sw_detect_nat_attempt(struct sw_analyze *a, struct acct *ac, struct attempt *at);
void sw_detect_nat_undelivered(struct sw_analyze *a, struct acct *ac, struct txn *t);
void sw_detect_on_options(struct sw_analyze *a, struct acct *ac, struct txn *t);
void sw_detect_on_sip(struct sw_analyze *a, struct txn *t, const struct sw_ev *ev,
		      uint32_t msg_id);
/* A UDP message whose Content-Length exceeds its body: the receiver discards
 * it (RFC 3261 section 18.3); detect_wire.c. */
void sw_detect_on_short_body(struct sw_analyze *a, const struct sw_ev *ev, uint32_t msg_id);
/* The flows whose answers all changed the Via (detect_wire.c). */
void sw_detect_wire_finish(struct sw_analyze *a);
/* The Record-Route entry next to the UAC asks for TCP (detect_wire.c). */
bool sw_rr_wants_tcp(const struct sw_sip_msg *m);
void sw_detect_finish(struct sw_analyze *a);
/* detect_nat.c, for the final pass */
void sw_detect_nat_finish(struct sw_analyze *a, struct acct *ac);

#endif
