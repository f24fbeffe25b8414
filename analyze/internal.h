/* Private to analyze/: the analysis context and the records behind the public
 * views. One analysis is single-threaded and owns everything here. */
#ifndef SW_ANALYZE_INTERNAL_H
#define SW_ANALYZE_INTERNAL_H

#include "analyze/analyze.h"
#include "common/map.h"
#include "common/vec.h"
#include "po/i18n.h"

#define SW_TXN_LINGER_NS SW_TIMER_F_NS /* keep a transaction that timed out this long
                                        * to match a late answer */
#define SW_TXN_MAX_RESP 8u              /* distinct responses remembered per transaction */
#define SW_TXN_MAX_VIEWS 4u             /* other views (NAT'd copies) of one request */
#define SW_ACCT_RECENT 16u              /* recent REGISTER attempts kept per account */
#define SW_MAX_RINGS 8192u              /* accounts holding recent attempts at once */
#define SW_RING_IDLE_NS (120 * INT64_C(1000000000)) /* a ring idle this long may go */
#define SW_ACCT_MAX_CHANGES 256u        /* state timeline entries per account */
#define SW_ACCT_MAX_PUBLIC 16u          /* distinct public addresses per account */
#define SW_ACCT_MAX_UA 4u               /* distinct User-Agents remembered per account */
#define SW_END_GRACE_NS (2 * INT64_C(1000000000)) /* timer F judged this close to its end */
#define SW_EXPIRY_GRACE_NS (5 * INT64_C(1000000000))
#define SW_KEY_PART 200u                /* bytes of a wire string used in a key */
#define SW_MAX_FLOWS 65536u
#define SW_MAX_LABELS 4096u            /* distinct interned labels */
#define SW_MAX_FINDINGS 10000u         /* findings kept; more are counted */             /* keepalive flows / TCP connections tracked */

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

/* A reference to an evidence frame, kept compact in transactions and
 * accounts; turned into a public struct sw_evidence when a finding takes it. */
struct evref {
	uint32_t file_idx;
	uint32_t msg_id;     /* UINT32_MAX when not a kept message */
	uint64_t frame_no;   /* 0 = none */
	int64_t ts_ns;
	const char *label;   /* interned (analysis labels) or static */
};

enum txn_state {
	TX_OPEN = 0,  /* no final response yet */
	TX_DONE,      /* final response seen */
	TX_TIMEOUT,   /* timer F/B fired, or the capture ended first */
};

struct resp_seen {
	uint16_t status;
	uint32_t dir;  /* hash of source and destination endpoints */
};

/* A client transaction as seen on the wire (RFC 3261 section 17.1). */
struct txn {
	char *key;
	size_t klen;
	char method[16];
	int64_t cseq;
	char *call_id;                /* owned, bounded copy */
	bool is_register, is_invite, is_options, is_ack;
	bool response_only;           /* the request was never seen */
	enum txn_state state;
	bool timer_fired;             /* timer F/B (or end of capture) has been judged */
	bool end_of_capture;          /* judged at the end, before 32 s elapsed */
	int64_t first_ns, last_req_ns, final_ns;
	int64_t deadline_ns, free_ns;
	struct sw_addr src, dst;      /* first request's direction */
	enum sw_transport transport;
	uint32_t n_req;               /* request messages incl. retransmissions */
	uint8_t n_views;
	uint32_t view_src[SW_TXN_MAX_VIEWS]; /* hashes of other views' sources */
	struct evref first_req, last_req, final;
	int final_status;
	uint8_t n_resp;
	struct resp_seen resp[SW_TXN_MAX_RESP];
	uint32_t n_prov;
	uint16_t req_after_final;     /* request copies that arrived after the final response */
	bool has_auth;                /* the request carried credentials */
	/* ICMP errors that quote this transaction's request */
	uint32_t n_icmp;
	enum sw_icmp_kind icmp_kind;
	struct evref icmp_ev;
	/* Links */
	uint32_t account;             /* UINT32_MAX when none */
	uint32_t dialog;
	uint32_t item;
	bool is_primary;              /* first hop seen of a REGISTER attempt (other
	                               * hops share its Call-ID and CSeq) */
	struct txn *next;             /* timer queue, in creation order */
	uint64_t attempt_seq;         /* REGISTER: the account's attempt number */
	/* REGISTER specifics copied from the request */
	int requested_expires;
	bool fragmented;              /* the request came in IP fragments */
	uint32_t req_size;
	char *via_sent_by;            /* the request's top Via sent-by, "host:port" (owned) */
};

/* Per-attempt result handed from transactions to the account layer. */
struct reg_result {
	int status;                   /* final status, 0 for a timeout */
	bool timeout;
	bool end_of_capture;
	int granted_expires;          /* from the 2xx, -1 when unknown */
	bool our_contact_listed;      /* the 2xx lists the phone's Contact */
	size_t other_contacts;        /* bindings of other devices in the 2xx */
	bool have_public;
	struct sw_addr public_addr;   /* from the response's Via received/rport */
	bool stale_nonce;
	int min_expires, retry_after;
	char *server, *warning, *reason_hdr; /* owned copies for failures, else NULL */
	bool contact_tcp;             /* transport=tcp in the response's Contact / Record-Route */
	/* stale NAT pattern, judged before the success updates the account */
	bool stale_recovered;         /* timeouts from the old port, success from a new one */
	struct sw_addr old_client, old_public;
	struct evref old_ok_ev, first_stale_timeout;
	uint32_t stale_timeouts;
	char other_contact[160];      /* a listed Contact that is not the phone's */
};

/* One REGISTER attempt: a new CSeq (not a retransmission, not another hop). */
struct attempt {
	uint64_t seq;                 /* attempt number within the account */
	int64_t start_ns, end_ns;
	struct sw_addr client, server;
	enum sw_transport transport;
	bool has_auth;
	int requested_expires;
	int status;                   /* 0 pending, or final status, or -1 timeout */
	bool end_of_capture;
	uint32_t n_msgs;
	uint32_t ua_idx;
	struct evref first, last_req, final;
	enum sw_icmp_kind icmp_kind;
	uint32_t n_icmp;
	struct evref icmp_ev;
	bool fragmented;
	uint32_t req_size;
	char contact_key[128];        /* user@host:port of the phone's first Contact */
};

struct ua_rec {
	char *ua;
	uint32_t n_ok, n_fail403, n_fail_other;
	struct evref first_ok, first_403;
};

struct acct {
	struct sw_account pub;
	/* recent attempts (ring) */
	struct attempt *recent;       /* ring of SW_ACCT_RECENT, NULL when idle (bounded) */
	size_t changes_cap, public_cap;
	size_t n_recent_total;        /* attempts ever; ring index = total % RECENT */
	struct attempt *pending;      /* last attempt while it has no result */
	/* last success */
	bool ever_ok;
	int64_t last_ok_ns;
	struct sw_addr last_ok_client; /* phone address:port of the last success */
	struct sw_addr last_ok_public; /* public address the server reported then */
	bool last_ok_has_public;
	struct evref last_ok_ev;
	int64_t last_ok_start_ns;     /* start of the attempt that succeeded */
	int64_t reg_since_ns;         /* start of the current registered stretch */
	int64_t cov_until_ns;         /* end of the current registered stretch */
	char *auth_user, *auth_realm; /* from the phone's last credentials */
	/* counters for detectors */
	uint32_t consec_fail;
	uint32_t answered_challenge_rejects; /* consecutive 401/407 to requests with credentials */
	struct evref first_reject, last_reject;
	uint32_t n_403_auth, n_403_noauth;
	struct evref ev_403;
	uint32_t flaps;               /* registered -> failed/expired -> registered cycles */
	bool was_lost;                /* registered before, then failed/expired */
	uint32_t cur_ua;
	size_t n_ua;
	struct ua_rec ua[SW_ACCT_MAX_UA];
	uint32_t n_other_contacts_max;
	/* keepalive view */
	uint64_t ka_from_phone;
	int64_t ka_first_ns, ka_last_ns;
	/* OPTIONS the server sent to this phone */
	uint32_t options_in, options_in_answered, options_in_unanswered;
	struct evref options_first_unanswered;
	/* stale NAT tracking */
	uint32_t timeouts_same_port;  /* timeouts from the port of the last success */
	struct evref stale_first_timeout;
	int64_t last_timeout_ns;
};

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

struct dns_name {
	char *name;
	uint32_t queries, failures, answers;
	int last_rcode;
	bool last_ok;
	struct evref first_query, last_fail;
	int64_t last_fail_ns;
};

struct tcp_conn {
	struct sw_addr client, server;
	uint32_t syn, synack, rst;
	struct evref first_syn, first_synack, first_rst;
	bool sip_answered;            /* a SIP response came back over this connection */
};

struct sw_analyze {
	struct sw_analyze_opts opts;
	const struct sw_catalog *cat;
	size_t max_accounts, max_txns; /* SW_MAX_* or, bounded, SW_BOUNDED_* */
	int64_t now_ns;
	bool finished;
	/* message records: ids are dense; msgs[i] has id msgs_base + i */
	struct sw_msg **msgs;
	size_t nmsgs, msgs_cap, msgs_base;
	uint32_t next_msg_id;
	struct sw_map labels;         /* interned labels */
	/* transactions */
	struct sw_map txns;
	struct txn *q_head, *q_tail;
	struct txn *q_cursor;         /* first transaction whose timer is not judged */
	size_t ntxns;
	struct sw_map attempts;       /* "Call-ID|CSeq" -> primary REGISTER txn */
	/* accounts, dialogs, items, findings */
	struct sw_vec accounts;       /* struct acct * */
	struct sw_map acct_by_aor;
	struct sw_map acct_by_client; /* phone address:port -> account id + 1 */
	struct ring_queue {           /* accounts holding a ring, oldest first */
		uint32_t *p;
		size_t head, len, cap;
	} rings;
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
	struct sw_map finding_keys;   /* "kind|cause|account" -> finding */
	struct sw_finding scratch;    /* handed out past SW_MAX_FINDINGS, never kept */
	/* side channels */
	struct sw_map ka_flows;
	struct sw_map dns_names;
	struct sw_map tcp_conns;
	uint64_t fragmented_udp_sip;  /* SIP messages that came in IP fragments */
	uint64_t oversize_udp_sip;    /* UDP SIP over 1300 bytes (RFC 3261 section 18.1.1) */
	struct sw_analyze_stats st;
	struct sw_pair *pair;         /* two captures of one path, NULL when off */
};

/* analyze.c */
uint32_t sw_an_item_new(struct sw_analyze *a, enum sw_item_kind kind, uint32_t ref);
void sw_an_item_add_msg(struct sw_analyze *a, uint32_t item, uint32_t msg_id, int64_t ts);
struct sw_msg *sw_an_msg_mut(struct sw_analyze *a, uint32_t id);
void sw_an_evidence(struct sw_analyze *a, struct evref *e, const struct sw_pkt *p,
		    uint32_t msg_id, const char *label);
/* Interned copy of a label (bounded table: past SW_MAX_LABELS the fallback). */
const char *sw_an_label(struct sw_analyze *a, const char *s, size_t len);
char *sw_an_strdup_wire(struct sw_str s); /* bounded copy of a wire string, NULL for absent */

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
void sw_acct_tick(struct sw_analyze *a, int64_t now_ns);
struct acct *sw_acct_get(struct sw_analyze *a, uint32_t id);
struct acct *sw_acct_by_flow(struct sw_analyze *a, const struct sw_addr *x,
			     const struct sw_addr *y);
void sw_acct_finish(struct sw_analyze *a); /* close the registered-time accounts */
void sw_acct_free_all(struct sw_analyze *a);

/* dialog.c */
void sw_dlg_on_sip(struct sw_analyze *a, struct txn *t, const struct sw_ev *ev, uint32_t msg_id,
		   bool is_final);
void sw_dlg_on_timeout(struct sw_analyze *a, struct txn *t);
void sw_dlg_free_all(struct sw_analyze *a);

/* side.c: keepalives, DNS, TCP connections */
void sw_side_on_keepalive(struct sw_analyze *a, const struct sw_ev *ev, uint32_t msg_id);
void sw_side_on_dns(struct sw_analyze *a, const struct sw_ev *ev);
void sw_side_on_tcp(struct sw_analyze *a, const struct sw_ev *ev);
struct tcp_conn *sw_side_tcp_to(struct sw_analyze *a, const struct sw_addr *server);
void sw_side_free_all(struct sw_analyze *a);

/* finding.c */
struct sw_finding *sw_fnd_get(struct sw_analyze *a, const char *kind, const char *cause,
			      uint32_t account, uint32_t dialog, bool *created);
bool sw_fnd_is_kept(const struct sw_analyze *a, const struct sw_finding *f);
struct sw_finding *sw_fnd_find(struct sw_analyze *a, const char *kind, const char *cause,
			       uint32_t account);
void sw_fnd_evidence(struct sw_finding *f, const struct evref *e);
void sw_fnd_fact(struct sw_finding *f, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sw_fnd_text(struct sw_analyze *a, char **dst, const char *fmt_msgid, ...);
void sw_fnd_establish(struct sw_analyze *a, struct sw_finding *f);
/* A finding was made or changed: establish it, and stream it the first time
 * (live; the end of the analysis re-streams what changed since). */
void sw_fnd_publish(struct sw_analyze *a, struct sw_finding *f);
void sw_fnd_free_all(struct sw_analyze *a);
const char *sw_an_tr(const struct sw_analyze *a, const char *msgid) __attribute__((format_arg(2)));

/* pair.c: two captures of one path (pair.h) */
struct sw_pair *sw_pair_new(bool sides_given, uint32_t phone_file);
void sw_pair_free(struct sw_pair *p);
/* Records one SIP message of file 0 or 1 (others are ignored). */
void sw_pair_on_sip(struct sw_analyze *a, const struct sw_ev *ev, uint32_t msg_id,
		    uint32_t account);
/* Matches the two files and makes the pair findings; before sw_detect_finish. */
void sw_pair_finish(struct sw_analyze *a);

/* detect.c: the failure-mode detectors */
void sw_detect_on_attempt(struct sw_analyze *a, struct acct *ac, struct attempt *at,
			  const struct reg_result *r);
void sw_detect_on_options_timeout(struct sw_analyze *a, struct txn *t);
void sw_detect_on_sip(struct sw_analyze *a, struct txn *t, const struct sw_ev *ev,
		      uint32_t msg_id, bool retrans);
void sw_detect_finish(struct sw_analyze *a);

#endif
