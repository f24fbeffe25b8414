/* SPDX-License-Identifier: BSD-2-Clause */
/* Rules on registration outcomes (docs/findings.md): unanswered requests
 * (REGISTER and INVITE, RFC 3261 section 17.1: timers B/F), rejections
 * (section 21, 22.2 challenges, 10.2.8 Min-Expires), the flood ban, expiry
 * and flapping (section 10.2.1: a binding holds for its granted expiry), and
 * the transport (section 18.1.1: requests near the MTU go over TCP). Each
 * rule sets kind, cause, severity, facts and evidence; the texts are in
 * texts.c. */
#include "analyze/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"

#define FLOOD_WINDOW_NS (60 * INT64_C(1000000000))
#define FLOOD_MIN_ATTEMPTS 10u   /* REGISTER attempts within the window */
#define FLOOD_MIN_SWITCHES 3u    /* devices alternating */
#define FLAP_MIN 2u              /* losses recovered within the window */
#define FLAP_WINDOW_MIN_NS (3600 * INT64_C(1000000000)) /* or 4 x the granted expiry */
#define UDP_SIZE_LIMIT 1300u     /* RFC 3261 section 18.1.1: MTU 1500 - 200 */
#define END_WAIT_MIN_NS (4 * INT64_C(1000000000)) /* shorter waits at the end prove nothing */
#define SMALLER_ANSWERED_NS (1800 * INT64_C(1000000000)) /* "on the same path at the time" */
#define CORRECTED_NS SW_TIMER_F_NS /* a 423 corrected "at once": next attempt within 32 s */
#define BAN_NS (600 * INT64_C(1000000000)) /* "a ban typically lasts about 10 minutes" (vendor note) */

static struct sw_finding *open_acct(struct sw_analyze *a, enum sw_kind kind,
				    enum sw_cause cause, uint16_t status, struct acct *ac,
				    enum sw_severity sev, bool *created)
{
	return sw_fnd_open(a, kind, cause, status, ac ? ac->pub.id : UINT32_MAX, UINT32_MAX,
			   sev, created);
}

/* ICMP error kinds in words, for texts (JSON keeps sw_icmp_kind_name's ids). */
static const char *icmp_words(enum sw_icmp_kind k)
{
	switch (k) {
	case SW_ICMP_PORT_UNREACH: return N_("port unreachable");
	case SW_ICMP_HOST_UNREACH: return N_("host unreachable");
	case SW_ICMP_NET_UNREACH: return N_("network unreachable");
	case SW_ICMP_ADMIN_PROHIB: return N_("administratively prohibited");
	case SW_ICMP_PROTO_UNREACH: return N_("protocol unreachable");
	case SW_ICMP_FRAG_NEEDED: return N_("fragmentation needed");
	case SW_ICMP_TIME_EXCEEDED: return N_("time exceeded");
	case SW_ICMP_REASSEMBLY: return N_("fragment reassembly time exceeded");
	case SW_ICMP_OTHER: break;
	}
	return N_("error");
}

/* ---- 1. Requests never answered (REGISTER and INVITE) -------------------- */

/* An unanswered client transaction, from a REGISTER attempt or an INVITE. */
struct unanswered {
	enum sw_kind kind;
	const char *method;
	struct acct *ac;              /* may be NULL (an INVITE of an unknown phone) */
	uint32_t dialog;              /* UINT32_MAX for REGISTER */
	struct sw_addr client, server;
	enum sw_transport transport;
	uint32_t n_msgs, req_size;
	bool fragmented, cut;
	int64_t start_ns, end_ns;
	enum sw_icmp_kind icmp_kind;
	uint32_t n_icmp, icmp_mtu;
	struct sw_addr icmp_from;
	struct evref first, last, icmp_ev, first_frag;
};

/* Were unfragmented requests between the same endpoints answered around the
 * time (so the path works, and the size is what does not get through)? */
static bool smaller_answered(struct sw_analyze *a, const struct unanswered *u)
{
	int64_t t = sw_side_last_answered(a, &u->client, &u->server);
	return t != INT64_MIN && t >= sw_ns_sub(u->start_ns, SMALLER_ANSWERED_NS);
}

static struct sw_finding *oversize(struct sw_analyze *a, const struct unanswered *u,
				   bool smaller_ok)
{
	bool frag_needed = u->n_icmp && u->icmp_kind == SW_ICMP_FRAG_NEEDED;
	if (u->transport != SW_TP_UDP || u->cut)
		return NULL;
	/* An ICMP error about the whole datagram (port or host unreachable
	 * quoting it): it arrived, its size was not the problem. */
	if (u->n_icmp && !frag_needed && u->icmp_kind != SW_ICMP_REASSEMBLY)
		return NULL;
	enum text_variant v;
	if (u->fragmented)
		v = TV_DEFAULT;
	else if (frag_needed)
		v = TV_FRAG_NEEDED;
	else if (u->req_size > UDP_SIZE_LIMIT && smaller_ok)
		v = TV_SIZE;
	else
		return NULL; /* nothing shows that the size is the problem */
	bool created;
	struct sw_finding *f = sw_fnd_open(a, SW_K_TRANSPORT_TCP_REQUIRED, SW_C_OVERSIZE_UDP, 0,
					   u->ac ? u->ac->pub.id : UINT32_MAX,
					   u->ac ? UINT32_MAX : u->dialog, SW_SEV_ERROR, &created);
	f->variant = v;
	sw_fnd_evidence(a, f, &u->first_frag);
	sw_fnd_evidence(a, f, &u->first);
	sw_fnd_evidence(a, f, &u->last);
	if (frag_needed)
		sw_fnd_evidence(a, f, &u->icmp_ev);
	sw_fnd_fact(f, "size", "%u", u->req_size);
	/* The path's MTU, from this request's ICMP error or an earlier one on
	 * the same path (the phone's kernel then fragments the next ones). */
	struct evref mtu_ev;
	uint32_t mtu = frag_needed && u->icmp_mtu ? u->icmp_mtu
						    : sw_side_path_mtu(a, &u->client, &u->server, &mtu_ev);
	if (!frag_needed && mtu)
		sw_fnd_evidence(a, f, &mtu_ev);
	if (mtu)
		sw_fnd_fact(f, "mtu", "%u", mtu);
	sw_fnd_fact(f, "fragmented", "%s", u->fragmented ? "yes" : "no");
	sw_fnd_word(a, f, "method", u->method);
	char who[SW_ADDRSTRLEN];
	sw_fnd_hidden(f, "who", u->ac ? u->ac->pub.aor : sw_addr_fmt(&u->client, who));
	if (!u->ac) {
		f->client = u->client;
		f->server = u->server;
	}
	sw_fnd_publish(a, f);
	return f;
}

static void unanswered(struct sw_analyze *a, const struct unanswered *u)
{
	int64_t waited = sw_ns_sub(u->end_ns, u->start_ns);
	if (u->cut && u->n_icmp == 0 && waited < END_WAIT_MIN_NS)
		return; /* the capture simply stopped right after the request */
	if (u->transport == SW_TP_UDP && u->n_msgs < 2 && u->n_icmp == 0)
		return; /* a UDP client retransmits (timers A/E, RFC 3261 section
			 * 17.1.1.2): one copy alone means the capture missed them */
	bool smaller_ok = !u->cut && u->req_size > 0 && smaller_answered(a, u);
	enum sw_cause cause = SW_C_SILENCE;
	enum text_variant v = TV_DEFAULT;
	if (u->n_icmp && u->icmp_kind == SW_ICMP_PORT_UNREACH) {
		cause = SW_C_ICMP_PORT_UNREACHABLE;
	} else if (u->n_icmp && u->icmp_kind == SW_ICMP_FRAG_NEEDED) {
		cause = SW_C_FRAGMENTS_LOST;
		v = TV_FRAG_NEEDED;
	} else if (u->n_icmp && u->icmp_kind == SW_ICMP_REASSEMBLY && u->fragmented) {
		cause = SW_C_FRAGMENTS_LOST; /* RFC 792: fragment reassembly time exceeded */
	} else if (u->n_icmp) {
		cause = SW_C_ICMP_HOST_UNREACHABLE;
	} else if (u->fragmented && smaller_ok) {
		cause = SW_C_FRAGMENTS_LOST;
		v = TV_FRAG_ANSWERED;
	} else if (u->cut) {
		v = TV_SUSPECTED;
	} else if (sw_ip_is_private(&u->client)) {
		v = TV_PRIVATE;
	}
	bool suspected = u->cut && u->n_icmp == 0;
	bool created;
	struct sw_finding *f = sw_fnd_open(a, u->kind, cause, 0, u->ac ? u->ac->pub.id : UINT32_MAX,
					   u->ac ? UINT32_MAX : u->dialog,
					   suspected ? SW_SEV_WARNING : SW_SEV_ERROR, &created);
	if (!suspected) {
		f->suspected = false;
		if (f->variant == TV_SUSPECTED || created)
			f->variant = v;
	} else if (created) {
		f->suspected = true;
		f->variant = v;
	}
	sw_fnd_evidence(a, f, &u->first_frag);
	sw_fnd_evidence(a, f, &u->first);
	sw_fnd_evidence(a, f, &u->last);
	if (u->n_icmp)
		sw_fnd_evidence(a, f, &u->icmp_ev);
	f->client = u->client;
	f->server = u->server;
	sw_fnd_word(a, f, "method", u->method);
	char who[SW_ADDRSTRLEN];
	sw_fnd_hidden(f, "who", u->ac ? u->ac->pub.aor : sw_addr_fmt(&u->client, who));
	sw_fnd_addr_fact(f, "server", &u->server);
	sw_fnd_fact(f, "transport", "%s", sw_transport_name(u->transport));
	sw_fnd_fact(f, "requests_sent", "%u", u->n_msgs);
	if (u->cut)
		sw_fnd_fact(f, "waited", "%.1f", (double)waited / 1e9);
	if (u->n_icmp) {
		sw_fnd_fact(f, "icmp", "%s", sw_icmp_kind_name(u->icmp_kind));
		sw_fnd_word(a, f, "icmp_words", icmp_words(u->icmp_kind));
		sw_fnd_addr_fact(f, "icmp_from", &u->icmp_from);
	}
	if (cause == SW_C_FRAGMENTS_LOST || u->req_size > UDP_SIZE_LIMIT)
		sw_fnd_fact(f, "size", "%u", u->req_size);
	if (v == TV_FRAG_NEEDED && u->icmp_mtu)
		sw_fnd_fact(f, "mtu", "%u", u->icmp_mtu);
	sw_fnd_publish(a, f);
	struct sw_finding *over = oversize(a, u, smaller_ok);
	/* Refused for its size: the size is the cause, nothing was lost. */
	if (over && v == TV_FRAG_NEEDED)
		sw_fnd_explained(a, f, over);
	/* A later ICMP error told what this attempt's silence was. */
	if (cause != SW_C_SILENCE) {
		struct sw_finding *s = sw_fnd_find(a, u->kind, SW_C_SILENCE, 0,
						   u->ac ? u->ac->pub.id : UINT32_MAX);
		if (s && s->first_ns >= u->start_ns && s->last_ns <= u->end_ns)
			sw_fnd_explained(a, s, f);
	}
}


void sw_detect_on_request_timeout(struct sw_analyze *a, struct txn *t)
{
	if (t->response_only || t->n_prov)
		return; /* only a request that got nothing back, not even 100 Trying */
	struct unanswered u;
	memset(&u, 0, sizeof u);
	u.kind = SW_K_CALL_NO_RESPONSE;
	u.method = t->is_invite ? "INVITE" : t->method;
	/* The caller's account: its From, not whoever registered from the
	 * same address (a scanner's INVITEs are not the phone's). */
	const struct sw_dialog *d = sw_analyze_dialog(a, t->dialog);
	u.ac = d ? sw_acct_by_uri(a, d->from) : NULL;
	u.dialog = t->dialog;
	u.client = t->src;
	u.server = t->dst;
	u.transport = t->transport;
	u.n_msgs = t->n_req;
	u.req_size = t->req_size;
	u.fragmented = t->fragmented;
	u.cut = t->end_of_capture;
	u.start_ns = t->first_ns;
	u.end_ns = t->last_req_ns;
	u.icmp_kind = t->icmp_kind;
	u.n_icmp = t->n_icmp;
	u.icmp_mtu = t->icmp_mtu;
	u.icmp_from = t->icmp_from;
	u.first = t->first_req;
	u.last = t->last_req;
	u.icmp_ev = t->icmp_ev;
	u.first_frag = t->first_frag;
	if (t->is_invite) {
		unanswered(a, &u);
		return;
	}
	/* Any other method (SUBSCRIBE, MESSAGE, NOTIFY ...): only its size
	 * (RFC 3261 section 18.1.1 is for every request). */
	if (u.n_msgs >= 2 || u.n_icmp)
		oversize(a, &u, !u.cut && smaller_answered(a, &u));
}

/* A REGISTER answered after timer F (a phone with a longer T1 keeps
 * retransmitting up to 64 x its T1): the timeout judged at 32 s was not one. */
void sw_detect_on_late_answer(struct sw_analyze *a, struct acct *ac, const struct attempt *at)
{
	struct sw_finding *f = sw_fnd_find(a, SW_K_REGISTER_NO_RESPONSE, SW_C_SILENCE, 0, ac->pub.id);
	if (!f || f->first_ns < at->start_ns || f->severity == SW_SEV_INFO)
		return; /* only when this attempt is all it holds */
	f->severity = SW_SEV_INFO;
	f->resolved = true;
	sw_fnd_evidence(a, f, &at->final);
	sw_fnd_publish(a, f);
}

static void register_unanswered(struct sw_analyze *a, struct acct *ac, const struct attempt *at)
{
	struct unanswered u;
	memset(&u, 0, sizeof u);
	u.kind = SW_K_REGISTER_NO_RESPONSE;
	u.method = "REGISTER";
	u.ac = ac;
	u.dialog = UINT32_MAX;
	u.client = at->client;
	u.server = at->server;
	u.transport = at->transport;
	u.n_msgs = at->n_msgs;
	u.req_size = at->req_size;
	u.fragmented = at->fragmented;
	u.cut = at->outcome == AT_CUT;
	u.start_ns = at->start_ns;
	u.end_ns = at->end_ns;
	u.icmp_kind = at->icmp_kind;
	u.n_icmp = at->n_icmp;
	u.icmp_mtu = at->icmp_mtu;
	u.icmp_from = at->icmp_from;
	u.first = at->first;
	u.last = at->last_req;
	u.icmp_ev = at->icmp_ev;
	u.first_frag = at->first_frag;
	unanswered(a, &u);
}

void sw_detect_on_late_icmp(struct sw_analyze *a, struct acct *ac, struct attempt *at)
{
	register_unanswered(a, ac, at);
}

/* ---- 2. Banned for registering too often ---------------------------------- */

static int flood_cmp(const void *x, const void *y)
{
	const struct flood_ent *p = x, *q = y;
	return p->start_ns < q->start_ns ? -1 : p->start_ns > q->start_ns;
}

/* The flood pattern in the account's recent registrations up to `at`: a
 * burst, or several devices registering one account alternately, or
 * another device's binding with refreshes far faster than the expiry needs.
 * Returns the number of registrations in the window (0 when there is no
 * pattern); *first is the earliest of them. */
static uint32_t flood_pattern(struct sw_analyze *a, struct acct *ac, const struct attempt *at,
			      uint32_t *switches, struct evref *first)
{
	struct flood_ent w[SW_ACCT_FLOOD];
	uint32_t n = 0;
	uint32_t have = ac->n_flood < SW_ACCT_FLOOD ? ac->n_flood : SW_ACCT_FLOOD;
	for (uint32_t i = 0; i < have; i++) {
		const struct flood_ent *e = &ac->flood[i];
		if (e->start_ns <= at->start_ns &&
		    sw_ns_sub(at->start_ns, e->start_ns) <= FLOOD_WINDOW_NS)
			w[n++] = *e;
	}
	qsort(w, n, sizeof w[0], flood_cmp);
	*switches = 0;
	for (uint32_t i = 1; i < n; i++)
		*switches += w[i].src != w[i - 1].src;
	memset(first, 0, sizeof *first);
	if (n) {
		ev_set_file(first, w[0].file_idx);
		ev_set_frame(first, w[0].frame_no);
		first->ts_ns = w[0].start_ns;
		first->msg_id = UINT32_MAX;
		first->label = sw_an_label_idx(a, "REGISTER", 8);
	}
	if (n >= FLOOD_MIN_ATTEMPTS)
		return n;
	if (*switches >= FLOOD_MIN_SWITCHES && n >= 4)
		return n;
	if (sw_acct_xr(ac)->other_contacts_max && n >= 4 && ac->pub.granted_expires > 0 &&
	    ac->pub.refresh_count >= 2 &&
	    ac->pub.refresh_sum_ns / ac->pub.refresh_count <
		    (int64_t)ac->pub.granted_expires * INT64_C(1000000000) / 4)
		return n;
	return 0;
}

/* Returns true when the server's reaction is the ban (nothing else to say). */
static bool flood_ban(struct sw_analyze *a, struct acct *ac, struct attempt *at)
{
	uint32_t switches;
	struct evref first;
	uint32_t n = flood_pattern(a, ac, at, &switches, &first);
	if (!n)
		return false;
	bool banned = at->outcome == AT_TIMEOUT ||
		      (at->outcome == AT_ANSWERED && (at->status == 403 || at->status == 503));
	bool created;
	struct sw_finding *f = open_acct(a, SW_K_REGISTER_FLOOD_BAN, SW_C_NONE, 0, ac,
					 banned ? SW_SEV_ERROR : SW_SEV_WARNING, &created);
	f->suspected = f->severity < SW_SEV_ERROR;
	sw_fnd_evidence(a, f, &first);
	sw_fnd_evidence(a, f, &at->first);
	if (banned)
		sw_fnd_evidence(a, f, at->outcome == AT_TIMEOUT ? &at->last_req : &at->final);
	if (banned) /* the silence after it is the ban */
		sw_fnd_explain(a, ac->pub.id, SW_K_REGISTER_NO_RESPONSE, SW_C_SILENCE, f);
	sw_fnd_fact(f, "attempts_in_60s", "%u", n);
	if (switches)
		sw_fnd_fact(f, "device_switches", "%u", switches);
	if (sw_acct_xr(ac)->other_contacts_max)
		sw_fnd_fact(f, "other_devices", "%u", sw_acct_xr(ac)->other_contacts_max);
	if (!created && !banned) {
		sw_fnd_publish(a, f);
		return false;
	}
	bool other = switches < FLOOD_MIN_SWITCHES && sw_acct_xr(ac)->other_contacts_max &&
		     n < FLOOD_MIN_ATTEMPTS;
	if (other) {
		sw_fnd_fact(f, "refresh", "%.0f", (double)ac->pub.refresh_sum_ns / 1e9 /
					(ac->pub.refresh_count ? ac->pub.refresh_count : 1));
		sw_fnd_fact(f, "expires", "%d", ac->pub.granted_expires);
		f->variant = banned ? TV_OTHER_DEVICE_BANNED : TV_OTHER_DEVICE;
	} else if (switches >= FLOOD_MIN_SWITCHES) {
		f->variant = banned ? TV_SWITCHES_BANNED : TV_SWITCHES;
	} else {
		f->variant = banned ? TV_BANNED : TV_DEFAULT;
	}
	sw_fnd_publish(a, f);
	return banned;
}

/* ---- 5. 403 and other rejections ------------------------------------------ */

static void server_facts(struct sw_finding *f, const struct reg_result *r)
{
	if (r->server)
		sw_fnd_fact(f, "server_header", "%s", r->server);
	if (r->warning)
		sw_fnd_fact(f, "warning", "%s", r->warning);
}

static void forbidden(struct sw_analyze *a, struct acct *ac, const struct attempt *at,
		      const struct reg_result *r)
{
	bool created;
	if (at->has_auth) {
		struct sw_finding *f = open_acct(a, SW_K_REGISTER_FORBIDDEN, SW_C_BAD_CREDENTIALS, 0,
						 ac, SW_SEV_ERROR, &created);
		sw_fnd_evidence(a, f, &at->first);
		sw_fnd_evidence(a, f, &at->final);
		sw_fnd_fact(f, "auth_username", "%s", ac->auth_user ? ac->auth_user : "?");
		if (ac->auth_realm)
			sw_fnd_fact(f, "realm", "%s", ac->auth_realm);
		server_facts(f, r);
		sw_fnd_publish(a, f);
		return;
	}
	/* No credentials were offered: a policy. If another User-Agent of
	 * this account ever registered fine, the User-Agent is the rule. */
	const struct ua_rec *good = NULL, *bad = at->ua_idx < ac->n_ua ? &ac->ua[at->ua_idx] : NULL;
	for (size_t i = 0; i < ac->n_ua; i++)
		if (&ac->ua[i] != bad && ac->ua[i].n_ok)
			good = &ac->ua[i];
	struct sw_finding *f = open_acct(a, SW_K_REGISTER_FORBIDDEN,
					 good ? SW_C_USER_AGENT : SW_C_POLICY, 0, ac, SW_SEV_ERROR,
					 &created);
	sw_fnd_evidence(a, f, &at->first);
	sw_fnd_evidence(a, f, &at->final);
	const char *ua = bad ? bad->ua : ac->pub.user_agent;
	sw_fnd_fact(f, "user_agent", "%s", ua ? ua : "-");
	char mac[24] = "-";
	if (ac->pub.has_mac)
		snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", ac->pub.mac[0],
			 ac->pub.mac[1], ac->pub.mac[2], ac->pub.mac[3], ac->pub.mac[4],
			 ac->pub.mac[5]);
	sw_fnd_fact(f, "mac", "%s", mac);
	sw_fnd_fact(f, "server_header", "%s", r->server ? r->server : "-");
	if (r->warning)
		sw_fnd_fact(f, "warning", "%s", r->warning);
	if (r->reason_hdr)
		sw_fnd_fact(f, "reason", "%s", r->reason_hdr);
	if (good) {
		sw_fnd_evidence(a, f, &good->first_ok);
		sw_fnd_fact(f, "accepted_user_agent", "%s", good->ua);
	} else {
		f->suspected = true;
	}
	sw_fnd_publish(a, f);
}

/* A later success under another User-Agent turns a 403 "policy" finding into
 * the User-Agent rule it was: the user_agent finding is made, and the policy
 * one stays as information pointing to it. */
static void upgrade_policy(struct sw_analyze *a, struct acct *ac, const struct attempt *at)
{
	bool any403 = false;
	for (size_t i = 0; i < ac->n_ua; i++)
		any403 |= ac->ua[i].n_fail403 > 0;
	if (!any403 || at->ua_idx >= ac->n_ua)
		return; /* the common case: nothing to upgrade, no lookup */
	struct sw_finding *pol = sw_fnd_find(a, SW_K_REGISTER_FORBIDDEN, SW_C_POLICY, 0, ac->pub.id);
	if (!pol || pol->explained_by != UINT32_MAX)
		return;
	for (size_t i = 0; i < ac->n_ua; i++) {
		if (i == at->ua_idx || !ac->ua[i].n_fail403)
			continue;
		struct attempt old;
		memset(&old, 0, sizeof old);
		old.ua_idx = (uint32_t)i;
		old.first = ac->ua[i].first_403;
		old.final = ac->ua[i].first_403;
		old.server = ac->pub.registrar;
		struct reg_result r;
		memset(&r, 0, sizeof r);
		r.status = 403;
		r.server = (char *)(uintptr_t)ac->pub.server; /* borrowed: r is not freed */
		forbidden(a, ac, &old, &r);
		struct sw_finding *ua = sw_fnd_find(a, SW_K_REGISTER_FORBIDDEN, SW_C_USER_AGENT, 0,
						    ac->pub.id);
		if (ua)
			sw_fnd_explained(a, pol, ua);
		return;
	}
}

static void rejected_credentials(struct sw_analyze *a, struct acct *ac, const struct attempt *at)
{
	if (sw_acct_xr(ac)->answered_challenge_rejects < 2)
		return;
	bool created;
	struct sw_finding *f = open_acct(a, SW_K_AUTH_REJECTED_CREDENTIALS, SW_C_NONE, 0, ac,
					 SW_SEV_ERROR, &created);
	sw_fnd_evidence(a, f, &sw_acct_xr(ac)->first_reject_req);
	sw_fnd_evidence(a, f, &sw_acct_xr(ac)->first_reject);
	sw_fnd_evidence(a, f, &at->first);
	sw_fnd_evidence(a, f, &sw_acct_xr(ac)->last_reject);
	sw_fnd_fact(f, "rejections", "%u", sw_acct_xr(ac)->answered_challenge_rejects);
	sw_fnd_fact(f, "auth_username", "%s", ac->auth_user ? ac->auth_user : "?");
	sw_fnd_fact(f, "realm", "%s", ac->auth_realm ? ac->auth_realm : "?");
	sw_fnd_publish(a, f);
}

static bool temporary(int status)
{
	return status >= 500 || status == 408 || status == 480;
}

static void rejected(struct sw_analyze *a, struct acct *ac, const struct attempt *at,
		     const struct reg_result *r)
{
	bool created;
	struct sw_finding *f = open_acct(a, SW_K_REGISTER_REJECTED, SW_C_STATUS, at->status, ac,
					 SW_SEV_ERROR, &created);
	sw_fnd_evidence(a, f, &at->first);
	sw_fnd_evidence(a, f, &at->final);
	sw_fnd_fact(f, "status", "%u", at->status);
	server_facts(f, r);
	if (r->retry_after >= 0)
		sw_fnd_fact(f, "retry_after", "%d", r->retry_after);
	if (r->min_expires >= 0)
		sw_fnd_fact(f, "min_expires", "%d", r->min_expires);
	sw_fnd_fact(f, "requested_expires", "%d", at->requested_expires);
	f->resolved = false;
	if (at->status == 404)
		f->variant = TV_404;
	else if (at->status == 423)
		f->variant = TV_423;
	else if (temporary(at->status)) {
		f->variant = TV_TEMPORARY;
		sw_fnd_word(a, f, "retry_words", r->retry_after >= 0 ? N_(", retry later") : "");
	} else
		f->variant = TV_DEFAULT;
	sw_fnd_publish(a, f);
}

/* ---- 6. Transport ---------------------------------------------------------- */

static void tcp_required(struct sw_analyze *a, struct acct *ac, enum sw_cause cause,
			 const struct evref *e1, const struct evref *e2, const char *detail)
{
	bool created;
	enum sw_severity sev = cause == SW_C_SERVER_REQUESTS_TCP ? SW_SEV_WARNING : SW_SEV_ERROR;
	struct sw_finding *f = open_acct(a, SW_K_TRANSPORT_TCP_REQUIRED, cause, 0, ac, sev,
					 &created);
	sw_fnd_evidence(a, f, e1);
	sw_fnd_evidence(a, f, e2);
	if (!sw_finding_fact(f, "detail"))
		sw_fnd_fact(f, "detail", "%s", sw_an_tr(a, detail));
	sw_fnd_publish(a, f);
	if (cause == SW_C_UDP_REFUSED_TCP_OK) {
		/* The UDP failures were the server refusing UDP. */
		sw_fnd_explain(a, ac->pub.id, SW_K_REGISTER_NO_RESPONSE, SW_C_ICMP_PORT_UNREACHABLE, f);
		sw_fnd_explain(a, ac->pub.id, SW_K_REGISTER_NO_RESPONSE, SW_C_SILENCE, f);
	}
}

static void tcp_required_evidence(struct sw_analyze *a, struct acct *ac, const struct evref *e)
{
	bool created;
	struct sw_finding *f = open_acct(a, SW_K_TRANSPORT_TCP_REQUIRED, SW_C_UDP_REFUSED_TCP_OK, 0,
					 ac, SW_SEV_ERROR, &created);
	sw_fnd_evidence(a, f, e);
}

/* REGISTER over TCP answered after UDP attempts to the same server failed. */
static void tcp_after_udp(struct sw_analyze *a, struct acct *ac, const struct attempt *at)
{
	if (at->transport != SW_TP_TCP)
		return;
	for (uint64_t s = at->seq - 1; s > 0; s--) {
		const struct attempt *x = sw_acct_attempt(ac, s);
		if (!x)
			break;
		if (x->transport == SW_TP_UDP && x->outcome == AT_TIMEOUT &&
		    sw_ip_eq(&x->server, &at->server)) {
			if (x->n_icmp)
				tcp_required_evidence(a, ac, &x->icmp_ev);
			struct tcp_conn *c = sw_side_tcp_sip(a, &at->server);
			if (c)
				tcp_required_evidence(a, ac, &c->first_syn);
			tcp_required_evidence(a, ac, &at->first);
			tcp_required(a, ac, SW_C_UDP_REFUSED_TCP_OK, &x->first, &at->final,
				     x->n_icmp ? N_("ICMP port unreachable over UDP, TCP REGISTER answered")
					       : N_("no answer over UDP, TCP REGISTER answered"));
			return;
		}
	}
}

/* ---- 8. ALG, one capture: a registered Contact the phone never sent -------- */

/* The user part of "sip:user@host..." (or of the key "user@host:port"). */
static size_t user_part(const char *s, const char **out)
{
	const char *colon = strchr(s, ':');
	const char *at = strchr(s, '@');
	*out = s;
	if (!at)
		return 0;
	const char *u = (colon && colon < at && strncmp(s, "sip", 3) == 0) ? colon + 1 : s;
	*out = u;
	return (size_t)(at - u);
}

/* A Contact a registrar rewrote itself for NAT traversal says so: an alias
 * parameter (Kamailio's add_contact_alias), or the address the REGISTER
 * came from (what a registrar that "fixes" NATed contacts stores). */
static bool registrar_fix(const struct attempt *at, const char *contact)
{
	if (strstr(contact, ";alias=") || strstr(contact, "received="))
		return true;
	/* the address and port the REGISTER came from, as the server saw it */
	char ep[SW_ADDRSTRLEN + 8];
	const struct sw_addr *seen = at->have_public ? &at->public : &at->client;
	char ip[SW_IPSTRLEN];
	snprintf(ep, sizeof ep, "%s%s%s:%u", seen->family == 6 ? "[" : "", sw_ip_fmt(seen, ip),
		 seen->family == 6 ? "]" : "", seen->port);
	const char *h = strchr(contact, '@');
	if (!h)
		return false;
	size_t n = strlen(ep);
	if (strncmp(h + 1, ep, n) == 0 && !(h[1 + n] >= '0' && h[1 + n] <= '9'))
		return true;
	/* no port written: the default 5060 */
	size_t il = strlen(ep) - strlen(strrchr(ep, ':'));
	return seen->port == 5060 && strncmp(h + 1, ep, il) == 0 &&
	       strchr(";>", h[1 + il] ? h[1 + il] : ';');
}

static void contact_rewritten(struct sw_analyze *a, struct acct *ac, const struct attempt *at,
			      const struct reg_result *r)
{
	const char *u1, *u2;
	size_t n1 = user_part(at->contact_key, &u1), n2 = user_part(r->other_contact, &u2);
	if (!n1 || n1 != n2 || strncasecmp(u1, u2, n1) != 0)
		return; /* another device's binding, not a rewrite of ours */
	if (registrar_fix(at, r->other_contact))
		return; /* the registrar's own NAT traversal, not an ALG */
	bool created;
	struct sw_finding *f = open_acct(a, SW_K_ALG_REWRITE, SW_C_CONTACT_REWRITTEN, 0, ac,
					 SW_SEV_WARNING, &created);
	f->suspected = true;
	sw_fnd_evidence(a, f, &at->first);
	sw_fnd_evidence(a, f, &at->final);
	if (created) {
		sw_fnd_fact(f, "sent", "%s", at->contact_key);
		sw_fnd_fact(f, "registered", "%s", r->other_contact);
	}
	sw_fnd_publish(a, f);
}

/* ---- 7. The registration over time ---------------------------------------- */

/* A failure of this account within the current registered stretch (since
 * `since`, the success that started it) that never saw the binding lapse
 * (cost_binding) was information: the binding held, and this success came
 * before it ran out. */
static void absorbed(struct sw_analyze *a, struct acct *ac, int64_t since)
{
	for (uint32_t i = 0; i < ac->pub.n_findings; i++) {
		struct sw_finding *f = a->findings.p[ac->pub.findings[i]];
		if (f->last_ns < since || f->cost_binding || f->severity == SW_SEV_INFO ||
		    f->resolved)
			continue;
		if (f->kind == SW_K_REGISTER_REJECTED && f->variant == TV_TEMPORARY)
			f->variant = TV_TRANSIENT;
		else if (!(f->kind == SW_K_REGISTER_NO_RESPONSE && f->cause != SW_C_DNS_FAILURE))
			continue;
		f->severity = SW_SEV_INFO;
		f->suspected = false;
		f->resolved = true;
		sw_fnd_evidence(a, f, &ac->last_ok_ev); /* the success that followed */
		sw_fnd_publish(a, f);
	}
}

/* 423 answered and corrected at once with the server's Min-Expires
 * (RFC 3261 section 10.2.8): the protocol working. */
static void corrected_423(struct sw_analyze *a, struct acct *ac, const struct attempt *at)
{
	const struct attempt *prev = sw_acct_attempt(ac, at->seq - 1);
	if (!prev || prev->outcome != AT_ANSWERED || prev->status != 423 ||
	    sw_ns_sub(at->start_ns, prev->end_ns) > CORRECTED_NS)
		return;
	struct sw_finding *f = sw_fnd_find(a, SW_K_REGISTER_REJECTED, SW_C_STATUS, 423, ac->pub.id);
	if (!f)
		return;
	f->variant = TV_423_CORRECTED;
	f->severity = SW_SEV_INFO;
	f->resolved = true;
	sw_fnd_evidence(a, f, &at->first); /* the corrected REGISTER and its answer */
	sw_fnd_evidence(a, f, &at->final);
	sw_fnd_publish(a, f);
}

static void flapping(struct sw_analyze *a, struct acct *ac)
{
	int64_t window = (int64_t)ac->pub.granted_expires * 4 * INT64_C(1000000000);
	if (window < FLAP_WINDOW_MIN_NS)
		window = FLAP_WINDOW_MIN_NS;
	uint32_t n = 0, late = 0, failed = 0;
	const struct loss *counted[SW_ACCT_LOSSES];
	for (uint32_t k = 0; k < ac->n_losses && k < SW_ACCT_LOSSES; k++) {
		const struct loss *l = &ac->losses[(ac->n_losses - 1 - k) % SW_ACCT_LOSSES];
		if (!l->back_ns)
			continue;
		if (n && sw_ns_sub(counted[0]->back_ns, l->back_ns) > window)
			break;
		counted[n++] = l;
		if (l->how == LOSS_NO_REFRESH)
			late++;
		else if (l->how == LOSS_REFRESH_FAILED)
			failed++;
	}
	if (n < FLAP_MIN)
		return;
	bool created;
	struct sw_finding *f = open_acct(a, SW_K_REGISTER_FLAPPING, SW_C_NONE, 0, ac,
					 SW_SEV_WARNING, &created);
	for (uint32_t k = 0; k < n; k++) /* each recovery counted */
		sw_fnd_evidence(a, f, &counted[k]->back);
	sw_fnd_fact(f, "cycles", "%u", n);
	sw_fnd_fact(f, "window_min", "%lld", (long long)(window / (60 * INT64_C(1000000000))));
	if (sw_acct_xr(ac)->options_in_unanswered + sw_acct_xr(ac)->options_in_refused)
		f->variant = TV_OPTIONS;
	else if (late == n)
		f->variant = TV_LATE;
	else if (failed == n)
		f->variant = TV_FAILURES;
	else
		f->variant = TV_DEFAULT;
	sw_fnd_publish(a, f);
	/* A phone that only refreshes late: register.expired names the cause. */
	struct sw_finding *exp = sw_fnd_find(a, SW_K_REGISTER_EXPIRED, SW_C_NONE, 0, ac->pub.id);
	if (f->variant == TV_LATE && exp)
		sw_fnd_explained(a, f, exp);
}

void sw_detect_on_lapse(struct sw_analyze *a, struct acct *ac, const struct loss *l)
{
	/* The failures standing now cost the binding. */
	for (uint32_t i = 0; i < ac->pub.n_findings; i++) {
		struct sw_finding *f = a->findings.p[ac->pub.findings[i]];
		if (f->severity > SW_SEV_INFO && !f->resolved)
			f->cost_binding = true;
	}
	if (l->how != LOSS_NO_REFRESH)
		return;
	/* The binding lapsed and the phone did not try to refresh. */
	char t1[SW_TIMESTRLEN];
	bool created;
	struct sw_finding *f = open_acct(a, SW_K_REGISTER_EXPIRED, SW_C_NONE, 0, ac, SW_SEV_WARNING,
					 &created);
	sw_fnd_evidence(a, f, &ac->last_ok_ev);
	sw_fnd_fact(f, "granted_expires", "%d", ac->pub.granted_expires);
	sw_fnd_fact(f, "lapsed_at", "%s", sw_time_iso(l->lost_ns, t1));
	sw_fnd_publish(a, f);
}

/* Failures of an account that the server banned for flooding, within the
 * ban's time, are the ban (the vendor note's failure mode 2). */
static void explained_by_ban(struct sw_analyze *a, struct acct *ac, const struct attempt *at)
{
	struct sw_finding *ban = sw_fnd_find(a, SW_K_REGISTER_FLOOD_BAN, SW_C_NONE, 0, ac->pub.id);
	if (!ban || ban->severity < SW_SEV_ERROR || sw_ns_sub(at->start_ns, ban->last_ns) > BAN_NS)
		return;
	sw_fnd_explain(a, ac->pub.id, SW_K_REGISTER_NO_RESPONSE, SW_C_SILENCE, ban);
	sw_fnd_explain(a, ac->pub.id, SW_K_REGISTER_FORBIDDEN, SW_C_POLICY, ban);
	if (at->outcome == AT_ANSWERED && at->status >= 300) {
		struct sw_finding *r = sw_fnd_find(a, SW_K_REGISTER_REJECTED, SW_C_STATUS, at->status,
						   ac->pub.id);
		if (r)
			sw_fnd_explained(a, r, ban);
	}
}

/* ---- dispatch per attempt ------------------------------------------------- */

static void on_attempt(struct sw_analyze *a, struct acct *ac, struct attempt *at,
		       const struct reg_result *r)
{
	if (at->outcome == AT_TIMEOUT || at->outcome == AT_CUT) {
		if (at->outcome == AT_TIMEOUT && flood_ban(a, ac, at))
			return;
		register_unanswered(a, ac, at);
		explained_by_ban(a, ac, at);
		return;
	}
	if (at->outcome != AT_ANSWERED || !r)
		return;
	if (at->status >= 200 && at->status < 300) {
		if (!r->our_contact_listed && r->other_contacts && at->contact_key[0] &&
		    at->requested_expires != 0)
			contact_rewritten(a, ac, at, r);
		upgrade_policy(a, ac, at);
		tcp_after_udp(a, ac, at);
		flood_ban(a, ac, at);
		corrected_423(a, ac, at);
		absorbed(a, ac, ac->reg_since_ns);
		flapping(a, ac);
		return;
	}
	if (at->status == 401 || at->status == 407) {
		rejected_credentials(a, ac, at);
		return;
	}
	if (r->contact_tcp && at->transport == SW_TP_UDP)
		tcp_required(a, ac, SW_C_SERVER_REQUESTS_TCP, &at->first, &at->final,
			     N_("transport=tcp in the server's Contact or Record-Route"));
	if (flood_ban(a, ac, at))
		return;
	if (at->status == 403)
		forbidden(a, ac, at, r);
	else if (at->status >= 300)
		rejected(a, ac, at, r);
	explained_by_ban(a, ac, at);
}

void sw_detect_on_attempt(struct sw_analyze *a, struct acct *ac, struct attempt *at,
			  const struct reg_result *r)
{
	on_attempt(a, ac, at, r);
	/* After the attempt's own findings: a stale mapping explains them. */
	sw_detect_nat_attempt(a, ac, at);
}
