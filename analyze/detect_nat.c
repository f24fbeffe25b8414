/* SPDX-License-Identifier: BSD-2-Clause */
/* Rules on NAT (docs/findings.md): the stale mapping after the router's
 * public address changed (vendor note, failure mode 4), the mapping that
 * lapses between refreshes (RFC 4787 section 4.3, failure mode 7), answers
 * that do not get back (mode 3), and the server's OPTIONS keepalives
 * (RFC 3261 section 11, RFC 5626 section 3.5). NAT is shown by a private
 * client address, a Via sent-by that differs from the source or from what the
 * server saw (RFC 3581 received/rport), or two captures. */
#include "analyze/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STALE_SUSPECT_MIN 2u   /* failed refreshes from the old port, no recovery */
#define OPTIONS_UNANSWERED_MIN 2u
#define OPTIONS_LATE_MIN 2u    /* late OPTIONS lost, early ones answered */

static struct sw_finding *open_acct(struct sw_analyze *a, enum sw_kind kind, struct acct *ac,
				    enum sw_severity sev, bool *created)
{
	return sw_fnd_open(a, kind, SW_C_NONE, 0, ac ? ac->pub.id : UINT32_MAX, UINT32_MAX, sev,
			   created);
}

/* The account's REGISTER timeouts and lost answers are the stale mapping's. */
static void explain_failures(struct sw_analyze *a, struct acct *ac, const struct sw_finding *by)
{
	sw_fnd_explain(a, ac->pub.id, SW_K_REGISTER_NO_RESPONSE, SW_C_SILENCE, by);
	struct sw_finding *rp = sw_fnd_find(a, SW_K_NAT_RETURN_PATH_BLOCKED, SW_C_NONE, 0, ac->pub.id);
	if (rp && rp->suspected)
		sw_fnd_explained(a, rp, by);
}

/* ---- 4. The stale mapping ------------------------------------------------- */

/* Old flow `o` worked, then got no answer back; flow `n` (another local
 * endpoint) worked after o's failures began, and the server saw it at another
 * public IP: the router renumbered and kept o's mapping with the old address.
 * The order of the two does not matter (o's last timer may fire after n's
 * success), nor whether the registration lapsed in between. */
static bool stale_pair(const struct nat_flow *o, const struct nat_flow *n)
{
	return o != n && o->nat && o->udp && o->ok && o->fails && n->ok &&
	       n->last_ok_ns >= o->fail_start_ns &&
	       o->ok_have_public && n->ok_have_public && !sw_ip_eq(&o->ok_public, &n->ok_public);
}

static void stale_binding(struct sw_analyze *a, struct acct *ac, const struct nat_flow *o,
			  const struct nat_flow *n)
{
	bool created;
	struct sw_finding *f = open_acct(a, SW_K_NAT_STALE_BINDING, ac, SW_SEV_ERROR, &created);
	f->suspected = false;
	f->variant = TV_DEFAULT;
	sw_fnd_evidence(a, f, &o->first_ok);
	sw_fnd_evidence(a, f, &o->last_ok);
	sw_fnd_evidence(a, f, &o->fail->first);
	sw_fnd_evidence(a, f, &o->fail->last_req);
	sw_fnd_evidence(a, f, &o->fail->last);
	sw_fnd_evidence(a, f, &n->first_ok_req); /* the new flow's first success */
	sw_fnd_evidence(a, f, &n->first_ok);
	sw_fnd_addr_fact(f, "old_local", &o->key);
	sw_fnd_addr_fact(f, "new_local", &n->key);
	sw_fnd_addr_fact(f, "old_public", &o->ok_public);
	sw_fnd_addr_fact(f, "new_public", &n->ok_public);
	sw_fnd_fact(f, "unanswered", "%u", o->fails);
	sw_fnd_publish(a, f);
	explain_failures(a, ac, f);
}

void sw_detect_nat_attempt(struct sw_analyze *a, struct acct *ac, struct attempt *at)
{
	for (uint32_t i = 0; i < ac->n_flows; i++)
		for (uint32_t j = 0; j < ac->n_flows; j++)
			if (stale_pair(&ac->flows[i], &ac->flows[j])) {
				stale_binding(a, ac, &ac->flows[i], &ac->flows[j]);
				return;
			}
	/* ---- 7. The mapping lapsed between refreshes: the same local
	 * endpoint, a new public port at the same public IP (UDP: a TCP
	 * connection gets a new port by itself). */
	if (at->outcome != AT_ANSWERED || at->status < 200 || at->status >= 300 ||
	    at->undelivered || at->transport != SW_TP_UDP || !at->have_public)
		return;
	const struct nat_flow *fl = sw_acct_flow(ac, at->sent_by.family ? &at->sent_by : &at->client);
	if (!fl || !ev_same_frame(&fl->last_ok, &at->final) || !fl->prev_ok_have_public ||
	    !fl->ok_have_public || !sw_ip_eq(&fl->prev_ok_public, &fl->ok_public) ||
	    fl->prev_ok_public.port == fl->ok_public.port)
		return;
	bool created;
	struct sw_finding *f = open_acct(a, SW_K_NAT_BINDING_EXPIRED, ac, SW_SEV_WARNING, &created);
	if (created)
		f->variant = TV_DEFAULT;
	sw_fnd_evidence(a, f, &fl->prev_ok);
	sw_fnd_evidence(a, f, &fl->last_ok);
	if (f->variant != TV_DEFAULT) {
		sw_fnd_publish(a, f);
		return;
	}
	sw_fnd_addr_fact(f, "local", &fl->key);
	sw_fnd_addr_fact(f, "old_public", &fl->prev_ok_public);
	sw_fnd_addr_fact(f, "new_public", &fl->ok_public);
	sw_fnd_fact(f, "gap", "%.0f", (double)fl->gap_before_ok_ns / 1e9);
	sw_fnd_publish(a, f);
}

/* ---- 3. Answers that do not get back --------------------------------------- */

/* One capture at the server side: the server answered, yet the client keeps
 * retransmitting the request: the answers do not reach it (RFC 3261 section
 * 17.1.2.2: a client stops retransmitting once it gets a final response). */
void sw_detect_nat_undelivered(struct sw_analyze *a, struct acct *ac, struct txn *t)
{
	/* A private client talking to a public server: this capture was taken
	 * on the phone's side of the NAT, where the answers are seen arriving;
	 * the phone itself ignores them, the network did not lose them. */
	if (sw_ip_is_private(&t->src) && !sw_ip_is_private(&t->dst))
		return;
	bool created;
	struct sw_finding *f = open_acct(a, SW_K_NAT_RETURN_PATH_BLOCKED, ac, SW_SEV_WARNING,
					 &created);
	if (f->explained_by != UINT32_MAX) {
		sw_fnd_evidence(a, f, &t->first_req);
		return;
	}
	f->suspected = true;
	sw_fnd_evidence(a, f, &t->first_req);
	sw_fnd_evidence(a, f, &t->final);
	sw_fnd_evidence(a, f, t->icmp_on_answer ? &t->icmp_ev : &t->last_req);
	if (created) {
		f->client = t->src;
		f->server = t->dst;
		bool behind_nat = t->sent_by.family && sw_ip_is_private(&t->sent_by) &&
				  !sw_ip_eq(&t->sent_by, &t->src);
		f->variant = t->icmp_on_answer ? TV_ICMP
			     : behind_nat ? TV_UNDELIVERED_NAT : TV_UNDELIVERED;
		if (t->icmp_on_answer)
			sw_fnd_addr_fact(f, "icmp_from", &t->icmp_from);
		if (behind_nat)
			sw_fnd_addr_fact(f, "via_sent_by", &t->sent_by);
		sw_fnd_addr_fact(f, "client", &t->src);
		sw_fnd_fact(f, "answered_with", "%d", t->final_status);
		sw_fnd_fact(f, "method", "%s", t->method);
	}
	sw_fnd_publish(a, f);
}


/* The accounts that registered, by their registrar's IP: the first two ids
 * of each, plus one, in the low and high 32 bits. Made at the first
 * question, at the end of the capture, when accounts no longer change. */
static void index_registrars(struct sw_analyze *a)
{
	struct sw_account_buf buf;
	for (uint32_t i = 0; i < a->accounts.n; i++) {
		const struct acct *x = sw_acct_peek(a, i, &buf);
		if (!x->ever_ok)
			continue;
		int64_t *v = sw_hashtab_put(&a->ok_registrars, sw_an_addr_hash(&x->pub.registrar, false));
		uint64_t u = (uint64_t)*v;
		if (!(u & UINT32_MAX))
			u = i + UINT64_C(1);
		else if (!(u >> 32))
			u |= (i + UINT64_C(1)) << 32;
		*v = (int64_t)u;
	}
	a->ok_registrars_built = true;
}

/* One capture can only suspect a blocked return path: the phone is behind NAT,
 * its REGISTERs get no answer, yet the server is alive (it accepted TCP on a
 * SIP port, answered other accounts, or sent the phone requests). */
static bool server_alive(struct sw_analyze *a, struct acct *ac, const char **why,
			 struct evref *ev)
{
	struct tcp_conn *c = sw_side_tcp_sip(a, &ac->pub.registrar);
	if (c && c->synack && ac->pub.transport == SW_TP_UDP) { /* not the REGISTERs' own */
		*why = N_("it accepts TCP connections on its SIP port");
		*ev = c->first_synack;
		return true;
	}
	if (!a->ok_registrars_built)
		index_registrars(a);
	const int64_t *v = sw_hashtab_get(&a->ok_registrars, sw_an_addr_hash(&ac->pub.registrar, false));
	if (v) {
		uint64_t u = (uint64_t)*v;
		uint32_t first = (uint32_t)u - 1, second = (uint32_t)(u >> 32) - 1;
		struct sw_account_buf buf;
		const struct acct *x = sw_acct_peek(a, first != ac->pub.id ? first : second, &buf);
		if (x && x->ever_ok && sw_ip_eq(&x->pub.registrar, &ac->pub.registrar)) {
			*why = N_("it answers other accounts");
			*ev = x->last_ok_ev;
			return true;
		}
	}
	if (sw_acct_xr(ac)->options_in) {
		*why = N_("it sends OPTIONS to the phone");
		memset(ev, 0, sizeof *ev);
		return true;
	}
	return false;
}

static void return_path_suspect(struct sw_analyze *a, struct acct *ac)
{
	const char *why;
	struct evref alive;
	if (!server_alive(a, ac, &why, &alive))
		return;
	bool created;
	struct sw_finding *f = open_acct(a, SW_K_NAT_RETURN_PATH_BLOCKED, ac, SW_SEV_WARNING,
					 &created);
	if (!created)
		return;
	f->suspected = true;
	struct attempt *last = sw_acct_attempt(ac, ac->n_recent_total);
	if (last) {
		sw_fnd_evidence(a, f, &last->first);
		sw_fnd_evidence(a, f, &last->last_req);
	}
	sw_fnd_evidence(a, f, &alive);
	sw_fnd_addr_fact(f, "phone", &ac->pub.client);
	sw_fnd_fact(f, "server_alive", "%s", sw_an_tr(a, why));
	sw_fnd_publish(a, f);
}

/* ---- 7. The server's OPTIONS ----------------------------------------------- */

/* Was the capture taken behind the NAT (where the phone is)? Its REGISTERs
 * then leave with the source their Via names. */
static bool at_phone(const struct acct *ac)
{
	const struct attempt *lt = ac->recent ? &ac->recent[(ac->n_recent_total + SW_ACCT_RECENT - 1) %
							    SW_ACCT_RECENT] : NULL;
	return lt && !lt->after_nat;
}

static bool behind_nat(const struct acct *ac)
{
	for (uint32_t i = 0; i < ac->n_flows; i++)
		if (ac->flows[i].nat)
			return true;
	return false;
}

void sw_detect_on_options(struct sw_analyze *a, struct acct *ac, struct txn *t)
{
	bool created;
	/* Refused by the phone's public address itself: the NAT had no mapping
	 * for the port any more (RFC 4787 section 4.3). */
	if (sw_acct_xr(ac)->options_in_refused && t->n_icmp && t->icmp_kind == SW_ICMP_PORT_UNREACH &&
	    sw_ip_eq(&t->icmp_from, &t->dst) && behind_nat(ac)) {
		struct sw_finding *f = open_acct(a, SW_K_NAT_BINDING_EXPIRED, ac, SW_SEV_WARNING,
						 &created);
		if (created || f->variant == TV_TIMING)
			f->variant = TV_ICMP;
		sw_fnd_evidence(a, f, &t->first_req);
		sw_fnd_evidence(a, f, &t->icmp_ev);
		if (f->variant == TV_ICMP) {
			sw_fnd_addr_fact(f, "public", &t->dst);
			sw_fnd_addr_fact(f, "icmp_from", &t->icmp_from);
			sw_fnd_fact(f, "refused", "%u", sw_acct_xr(ac)->options_in_refused);
		}
		sw_fnd_publish(a, f);
		return;
	}
	if (sw_acct_xr(ac)->options_in_unanswered < OPTIONS_UNANSWERED_MIN)
		return;
	/* Answered soon after a refresh and lost later: the mapping lapses. */
	if (sw_acct_xr(ac)->options_in_answered && sw_acct_xr(ac)->options_in_unanswered >= OPTIONS_LATE_MIN &&
	    sw_acct_xr(ac)->options_fail_min_ns > sw_acct_xr(ac)->options_ok_max_ns && behind_nat(ac) && !at_phone(ac)) {
		struct sw_finding *f = open_acct(a, SW_K_NAT_BINDING_EXPIRED, ac, SW_SEV_WARNING,
						 &created);
		if (created) {
			f->variant = TV_TIMING;
			f->suspected = true;
		}
		sw_fnd_evidence(a, f, &sw_acct_xr(ac)->options_first_unanswered);
		sw_fnd_evidence(a, f, &t->first_req);
		if (f->variant == TV_TIMING) {
			sw_fnd_fact(f, "answered_within", "%.0f", (double)sw_acct_xr(ac)->options_ok_max_ns / 1e9);
			sw_fnd_fact(f, "lost_after", "%.0f", (double)sw_acct_xr(ac)->options_fail_min_ns / 1e9);
		}
		sw_fnd_publish(a, f);
		return;
	}
	/* The OPTIONS reach the phone (seen on its side) or its keepalives keep
	 * the mapping open (seen at the server): the phone does not answer. */
	if (!at_phone(ac) && !sw_acct_xr(ac)->ka_from_phone)
		return;
	struct sw_finding *f = open_acct(a, SW_K_KEEPALIVE_OPTIONS_UNANSWERED, ac, SW_SEV_WARNING,
					 &created);
	sw_fnd_evidence(a, f, &sw_acct_xr(ac)->options_first_unanswered);
	sw_fnd_evidence(a, f, &t->first_req);
	sw_fnd_evidence(a, f, &t->last_req);
	sw_fnd_evidence(a, f, &sw_acct_xr(ac)->ka_first); /* the phone's own keepalives */
	sw_fnd_fact(f, "options_unanswered", "%u", sw_acct_xr(ac)->options_in_unanswered);
	sw_fnd_fact(f, "phone_keepalives", "%llu", (unsigned long long)sw_acct_xr(ac)->ka_from_phone);
	sw_fnd_addr_fact(f, "pinger", &t->src);
	sw_fnd_publish(a, f);
}

/* ---- at the end ------------------------------------------------------------ */

void sw_detect_nat_finish(struct sw_analyze *a, struct acct *ac)
{
	bool failing = ac->pub.state == SW_REG_FAILED || ac->pub.state == SW_REG_REGISTERING ||
		       ac->pub.state == SW_REG_EXPIRED;
	if (!ac->ever_ok && ac->pub.n_timeout && sw_ip_is_private(&ac->pub.client))
		return_path_suspect(a, ac);
	if (!failing || sw_fnd_find(a, SW_K_NAT_STALE_BINDING, SW_C_NONE, 0, ac->pub.id))
		return;
	struct sw_finding *ban = sw_fnd_find(a, SW_K_REGISTER_FLOOD_BAN, SW_C_NONE, 0, ac->pub.id);
	if (ban && ban->severity == SW_SEV_ERROR)
		return; /* the server stopped answering: the ban, not the NAT */
	/* Worked through NAT from a flow, then its refreshes got no answer, and
	 * nothing worked since: the stale mapping, suspected. */
	for (uint32_t i = 0; i < ac->n_flows; i++) {
		const struct nat_flow *o = &ac->flows[i];
		if (!o->nat || !o->udp || !o->ok || o->fails < STALE_SUSPECT_MIN ||
		    o->last_ok_ns < ac->last_ok_ns)
			continue;
		bool created;
		struct sw_finding *f = open_acct(a, SW_K_NAT_STALE_BINDING, ac, SW_SEV_WARNING,
						 &created);
		f->suspected = true;
		f->variant = TV_NO_RECOVERY;
		sw_fnd_evidence(a, f, &o->last_ok);
		sw_fnd_evidence(a, f, &o->fail->first);
		sw_fnd_evidence(a, f, &o->fail->last);
		sw_fnd_addr_fact(f, "old_local", &o->key);
		sw_fnd_addr_fact(f, "old_public", o->ok_have_public ? &o->ok_public : NULL);
		sw_fnd_fact(f, "unanswered", "%u", o->fails);
		sw_fnd_publish(a, f);
		return;
	}
}
