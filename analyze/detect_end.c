/* SPDX-License-Identifier: BSD-2-Clause */
/* Rules that need the whole capture (docs/findings.md): DNS lookups judged
 * per domain (RFC 3263 section 4: NAPTR, SRV, then A/AAAA of the same
 * domain), TCP connections refused on a SIP port, a capture without SIP, UDP
 * refused while TCP works; then the final pass: resolved failures, proven
 * suspicions, summaries over many accounts. */
#include "analyze/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DNS_TIMEOUT_NS (5 * INT64_C(1000000000)) /* a resolver's default wait (resolv.conf(5)) */
#define DNS_MAX_DOMAINS 64u                       /* failing domains judged */

/* The domain a lookup is for: SRV and NAPTR service labels (_sip._udp.)
 * stripped (RFC 2782, RFC 3263). */
static const char *domain_of(const char *name)
{
	while (name[0] == '_') {
		const char *dot = strchr(name, '.');
		if (!dot)
			break;
		name = dot + 1;
	}
	return name;
}

static bool has_word(const char *s, const char *w)
{
	return strstr(s, w) != NULL;
}

/* A name a phone looks up to register: an SRV/NAPTR SIP name, the domain of
 * an account, or a name that says it is a SIP server. */
static bool sip_name(struct sw_analyze *a, const char *name, const char *domain)
{
	if (sw_map_get(&a->srv_targets, name, strlen(name)))
		return true; /* an SRV answer for a SIP service named it */
	if (!strncmp(name, "_sip", 4) || has_word(domain, "sip") || has_word(domain, "voip") ||
	    has_word(domain, "ims") || has_word(domain, "pbx") || has_word(domain, "proxy") ||
	    has_word(domain, "registrar"))
		return true;
	for (uint32_t i = 0; i < a->accounts.n; i++) {
		char buf[SW_AOR_MAX];
		const char *aor = sw_acct_aor(a, i, buf);
		const char *at = strchr(aor, '@');
		const char *host = at ? at + 1 : strchr(aor, ':') + 1;
		size_t n = strcspn(host, ":;");
		if (strlen(domain) == n && !strncasecmp(host, domain, n))
			return true;
	}
	return false;
}

struct domain {
	const char *name;
	uint32_t queries, responses, usable, nxdomain, servfail, empty;
	int64_t first_query_ns, last_query_ns;
	int64_t failed_for_ns;        /* a lookup that failed this long before it worked */
	struct evref first_query, first_fail, last_fail, last_query;
	struct sw_addr server;
	bool sip;
};

/* The first account in the domain, or UINT32_MAX. */
static uint32_t account_of_domain(struct sw_analyze *a, const char *domain)
{
	for (uint32_t i = 0; i < a->accounts.n; i++) {
		char buf[SW_AOR_MAX];
		const char *at = strchr(sw_acct_aor(a, i, buf), '@');
		size_t n = at ? strcspn(at + 1, ":;") : 0;
		if (at && strlen(domain) == n && !strncasecmp(at + 1, domain, n))
			return i;
	}
	return UINT32_MAX;
}

/* Did SIP to the domain get answered anyway (a cached or configured
 * address): a REGISTER of an account in it, or a dialog towards it? */
static bool domain_answered(struct sw_analyze *a, const char *domain)
{
	size_t n = strlen(domain);
	struct sw_account_buf buf;
	for (uint32_t i = 0; i < a->accounts.n; i++) {
		char aor[SW_AOR_MAX];
		const char *at = strchr(sw_acct_aor(a, i, aor), '@');
		if (!at || strncasecmp(at + 1, domain, n) != 0 || !strchr(":;", at[1 + n]))
			continue;
		const struct acct *x = sw_acct_peek(a, i, &buf);
		if (x->ever_ok || x->pub.n_fail || x->pub.n_challenge)
			return true;
	}
	for (size_t i = 0; i < a->dialogs.n; i++) {
		const struct dlg *d = a->dialogs.p[i];
		const char *to = d && d->pub.to ? strchr(d->pub.to, '@') : NULL;
		if (to && strncasecmp(to + 1, domain, n) == 0 && strchr(":;>", to[1 + n]) &&
		    (d->pub.state != SW_DLG_TRYING || d->pub.final_status))
			return true;
	}
	return false;
}

/* The last time a REGISTER got an answer (INT64_MIN: never): one did after
 * `since` when this is at least `since`. */
static int64_t register_answered_last(struct sw_analyze *a)
{
	int64_t last = INT64_MIN;
	struct sw_account_buf buf;
	for (uint32_t i = 0; i < a->accounts.n; i++) {
		const struct acct *x = sw_acct_peek(a, i, &buf);
		if (x->ever_ok && x->last_ok_ns > last)
			last = x->last_ok_ns;
		if (x->pub.n_fail + x->pub.n_challenge && x->pub.last_ns > last)
			last = x->pub.last_ns;
	}
	return last;
}

static void dns_finding(struct sw_analyze *a, const struct domain *d)
{
	bool no_answer = d->responses == 0;
	const char *result = d->nxdomain ? "NXDOMAIN" : d->servfail ? "SERVFAIL"
			     : d->empty ? N_("no records") : N_("no answer");
	uint32_t account = account_of_domain(a, d->name);
	bool recovered = d->usable > 0;
	bool created;
	struct sw_finding *f = sw_fnd_open(a, SW_K_REGISTER_NO_RESPONSE, SW_C_DNS_FAILURE, 0,
					   account, UINT32_MAX,
					   recovered ? SW_SEV_WARNING : SW_SEV_ERROR, &created);
	f->variant = no_answer ? TV_NO_ANSWER : TV_DEFAULT;
	f->resolved = recovered;
	sw_fnd_evidence(a, f, &d->first_query);
	sw_fnd_evidence(a, f, &d->first_fail);
	sw_fnd_evidence(a, f, &d->last_query);
	sw_fnd_evidence(a, f, no_answer ? &d->last_query : &d->last_fail);
	sw_fnd_fact(f, "name", "%s", d->name);
	sw_fnd_fact(f, "result", "%s", no_answer || d->empty ? sw_an_tr(a, result) : result);
	sw_fnd_fact(f, "queries", "%u", d->queries);
	sw_fnd_addr_fact(f, "dns_server", &d->server);
	if (account == UINT32_MAX) {
		free(f->aor);
		f->aor = NULL;
	}
	sw_fnd_publish(a, f);
}

/* Per domain: fails when none of its lookups (any type) got a usable
 * answer, and they got failures or, judged after the resolver's timeout,
 * nothing at all. SRV/NAPTR NXDOMAIN then a working A is the normal fallback. */
static void dns_findings(struct sw_analyze *a)
{
	struct domain doms[DNS_MAX_DOMAINS];
	size_t nd = 0;
	size_t pos = 0;
	void *v;
	while (sw_map_next(&a->dns_names, &pos, NULL, NULL, &v)) {
		const struct dns_name *dn = v;
		const char *dom = domain_of(dn->name);
		size_t i;
		for (i = 0; i < nd && strcmp(doms[i].name, dom) != 0; i++)
			;
		if (i == nd) {
			if (nd == DNS_MAX_DOMAINS)
				continue;
			memset(&doms[nd], 0, sizeof doms[nd]);
			doms[nd].name = dom;
			doms[nd].first_query_ns = INT64_MAX;
			nd++;
		}
		struct domain *d = &doms[i];
		d->sip |= sip_name(a, dn->name, dom);
		d->queries += dn->queries;
		d->responses += dn->responses;
		d->usable += dn->usable;
		d->nxdomain += dn->nxdomain;
		d->servfail += dn->servfail;
		d->empty += dn->empty;
		if (dn->queries && dn->first_query_ns < d->first_query_ns) {
			d->first_query_ns = dn->first_query_ns;
			d->first_query = dn->first_query;
		}
		if (dn->queries && dn->last_query_ns >= d->last_query_ns) {
			d->last_query_ns = dn->last_query_ns;
			d->last_query = dn->last_query;
			d->server = dn->server;
		}
		if (ev_has(&dn->last_fail) && dn->last_fail.ts_ns >= d->last_fail.ts_ns)
			d->last_fail = dn->last_fail;
		if (ev_has(&dn->first_fail) &&
		    (!ev_has(&d->first_fail) || dn->first_fail.ts_ns < d->first_fail.ts_ns))
			d->first_fail = dn->first_fail;
		if (dn->ok_after_fail_ns &&
		    sw_ns_sub(dn->ok_after_fail_ns, dn->first_fail_ns) > d->failed_for_ns)
			d->failed_for_ns = sw_ns_sub(dn->ok_after_fail_ns, dn->first_fail_ns);
	}
	for (size_t i = 0; i < nd; i++) {
		const struct domain *d = &doms[i];
		if (!d->sip || !d->queries)
			continue;
		/* Answered in the end: a failure only when the same lookup
		 * failed for longer than a resolver's retry before it worked
		 * (not the RFC 3263 fallback from SRV to A). */
		if (d->usable) {
			if (d->failed_for_ns > DNS_TIMEOUT_NS)
				dns_finding(a, d);
			continue;
		}
		if (domain_answered(a, d->name))
			continue;
		bool failed = d->nxdomain + d->servfail + d->empty > 0;
		bool timed_out = !d->responses &&
				 (d->queries >= 2 ||
				  sw_ns_sub(a->now_ns, d->last_query_ns) >= DNS_TIMEOUT_NS);
		if (failed || timed_out)
			dns_finding(a, d);
	}
}

/* TCP connections to a SIP port answered by RST, never by SYN-ACK, and no
 * REGISTER answered afterwards (a phone falling back to UDP is fine). */
static void tcp_refused(struct sw_analyze *a)
{
	size_t pos = 0;
	void *v;
	bool have_last = false;
	int64_t answered_last = INT64_MIN;
	while (sw_map_next(&a->tcp_conns, &pos, NULL, NULL, &v)) {
		const struct tcp_conn *c = v;
		uint16_t p = c->server.port;
		if (!c->rst || c->synack || (p != 5060 && p != 5061))
			continue;
		if (!have_last) {
			answered_last = register_answered_last(a);
			have_last = true;
		}
		if (answered_last >= c->first_syn.ts_ns)
			continue;
		struct acct *ac = sw_acct_by_flow(a, &c->client, &c->client);
		bool created;
		struct sw_finding *f = sw_fnd_open(a, SW_K_REGISTER_NO_RESPONSE, SW_C_TCP_REFUSED, 0,
						   ac ? ac->pub.id : UINT32_MAX, UINT32_MAX,
						   SW_SEV_ERROR, &created);
		sw_fnd_evidence(a, f, &c->first_syn);
		sw_fnd_evidence(a, f, &c->first_rst);
		sw_fnd_addr_fact(f, "server", &c->server);
		sw_fnd_fact(f, "resets", "%u", c->rst);
		f->client = c->client;
		f->server = c->server;
		sw_fnd_publish(a, f);
	}
}

/* A capture without SIP, unless a finding already says why (DNS, TCP). */
static void no_sip(struct sw_analyze *a)
{
	if (a->sip_msgs || a->findings.n || !a->traffic.frames)
		return;
	bool created;
	struct sw_finding *f = sw_fnd_open(a, SW_K_CAPTURE_NO_SIP, SW_C_NONE, 0, UINT32_MAX,
					   UINT32_MAX, SW_SEV_WARNING, &created);
	const struct sw_traffic *t = &a->traffic;
	sw_fnd_fact(f, "frames", "%llu", (unsigned long long)t->frames);
	char buf[256];
	size_t n = 0;
	buf[0] = '\0';
#define PART(cond, ...)                                                                \
	do {                                                                           \
		if ((cond) && n < sizeof buf) {                                        \
			int w = snprintf(buf + n, sizeof buf - n, __VA_ARGS__);        \
			if (w > 0)                                                     \
				n += (size_t)w;                                        \
		}                                                                      \
	} while (0)
	PART(t->udp, "%sUDP %llu", n ? ", " : "", (unsigned long long)t->udp);
	PART(t->tcp, "%sTCP %llu", n ? ", " : "", (unsigned long long)t->tcp);
	PART(t->icmp, "%sICMP %llu", n ? ", " : "", (unsigned long long)t->icmp);
	PART(t->other_ip, "%s%s %llu", n ? ", " : "", sw_an_tr(a, N_("other IP")),
	     (unsigned long long)t->other_ip);
	PART(t->non_ip, "%s%s %llu", n ? ", " : "", sw_an_tr(a, N_("non-IP")),
	     (unsigned long long)t->non_ip);
	PART(t->cut, "%s%s %llu", n ? ", " : "", sw_an_tr(a, N_("cut short")),
	     (unsigned long long)t->cut);
	sw_fnd_fact(f, "protocols", "%s", n ? buf : "-");
	n = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < t->n_ports; i++)
		PART(1, "%s%s/%u %llu", n ? ", " : "", t->ports[i].proto == 6 ? "tcp" : "udp",
		     t->ports[i].port, (unsigned long long)t->ports[i].count);
#undef PART
	sw_fnd_fact(f, "ports", "%s", n ? buf : "-");
	sw_fnd_publish(a, f);
}

/* UDP failures earlier, TCP accepted on a SIP port of the same server. */
static void udp_refused_tcp_ok(struct sw_analyze *a, struct acct *ac)
{
	if (ac->ever_ok || !ac->pub.n_timeout || ac->pub.transport != SW_TP_UDP)
		return;
	struct tcp_conn *c = sw_side_tcp_sip(a, &ac->pub.registrar);
	struct attempt *last = sw_acct_attempt(ac, ac->n_recent_total);
	if (!c || !c->synack || !last)
		return;
	bool created;
	struct sw_finding *f = sw_fnd_open(a, SW_K_TRANSPORT_TCP_REQUIRED, SW_C_UDP_REFUSED_TCP_OK, 0,
					   ac->pub.id, UINT32_MAX, SW_SEV_ERROR, &created);
	sw_fnd_evidence(a, f, &last->first);
	sw_fnd_evidence(a, f, &c->first_synack);
	if (created)
		sw_fnd_fact(f, "detail", "%s", sw_an_tr(a, N_("no answer over UDP, TCP connection accepted")));
	sw_fnd_publish(a, f);
	sw_fnd_explain(a, ac->pub.id, SW_K_REGISTER_NO_RESPONSE, SW_C_ICMP_PORT_UNREACHABLE, f);
	sw_fnd_explain(a, ac->pub.id, SW_K_REGISTER_NO_RESPONSE, SW_C_SILENCE, f);
}

/* The first registration after the failure: its proof of recovery (the
 * account's history keeps the frames). */
static void recovery_evidence(struct sw_finding *f, const struct acct *ac)
{
	for (size_t i = 0; i < ac->pub.n_changes; i++) {
		const struct sw_reg_change *c = &ac->pub.changes[i];
		if (c->state == SW_REG_REGISTERED && c->ts_ns > f->last_ns) {
			sw_fnd_evidence_at(f, c->file_idx, c->frame_no, c->ts_ns, UINT32_MAX,
					   "200 REGISTER");
			return;
		}
	}
}

/* A call's failure is not undone by a registration. */
static bool about_calls(const struct sw_finding *f)
{
	const char *m = sw_finding_fact(f, "method");
	return f->kind == SW_K_CALL_NO_RESPONSE || (m && strcmp(m, "REGISTER") != 0);
}

/* Registered at the end, after the failure: it happened, but it is not what
 * keeps the phone from working now. A stale mapping stays an error: the
 * phone recovered only by changing its port, the setting still needs fixing. */
static void resolve(struct sw_analyze *a)
{
	struct sw_account_buf buf;
	for (size_t i = 0; i < a->findings.n; i++) {
		struct sw_finding *f = a->findings.p[i];
		const struct acct *ac = sw_acct_peek(a, f->account, &buf);
		if (!ac || f->severity != SW_SEV_ERROR || f->kind == SW_K_NAT_STALE_BINDING ||
		    about_calls(f))
			continue;
		if (!sw_acct_registered(ac) || ac->last_ok_ns < f->last_ns)
			continue;
		f->severity = SW_SEV_WARNING;
		f->resolved = true;
		recovery_evidence(f, ac);
		f->revision++;
	}
}

/* Two captures proved what one capture could only suspect; and the
 * messages a stale mapping or a mapping that lapsed between refreshes lost,
 * seen from both sides, are that mapping's doing. */
static void proven(struct sw_analyze *a)
{
	for (size_t i = 0; i < a->findings.n; i++) {
		struct sw_finding *f = a->findings.p[i];
		if (f->kind == SW_K_NAT_RETURN_PATH_BLOCKED && f->cause == SW_C_PATH_LOSS) {
			struct sw_finding *stale =
				sw_fnd_find(a, SW_K_NAT_STALE_BINDING, SW_C_NONE, 0, f->account);
			struct sw_finding *lapsed =
				sw_fnd_find(a, SW_K_NAT_BINDING_EXPIRED, SW_C_NONE, 0, f->account);
			if (stale && stale->severity == SW_SEV_ERROR)
				sw_fnd_explained(a, f, stale);
			else if (lapsed)
				sw_fnd_explained(a, f, lapsed);
			continue;
		}
		if (f->kind != SW_K_NAT_RETURN_PATH_BLOCKED || f->cause != SW_C_NONE ||
		    f->explained_by != UINT32_MAX)
			continue;
		struct sw_finding *proof = sw_fnd_find(a, f->kind, SW_C_PATH_LOSS, 0, f->account);
		if (proof)
			sw_fnd_explained(a, f, proof);
	}
}

/* Whether sw_detect_nat_finish or udp_refused_tcp_ok may do anything for
 * the account: a superset of what gets past their first tests (keep it so
 * when they change). The others are only closed. */
static bool end_may_act(const struct acct *ac)
{
	bool failing = ac->pub.state == SW_REG_FAILED || ac->pub.state == SW_REG_REGISTERING ||
		       ac->pub.state == SW_REG_EXPIRED;
	return failing || (!ac->ever_ok && ac->pub.n_timeout);
}

void sw_detect_finish(struct sw_analyze *a)
{
	dns_findings(a);
	tcp_refused(a);
	sw_detect_wire_finish(a);
	a->close_on_unpack = true; /* a packed account read from here on is closed */
	for (uint32_t i = 0; i < a->accounts.n; i++) {
		sw_acct_rest(a);
		struct sw_account_buf buf;
		if (sw_acct_is_packed(a, i) && !end_may_act(sw_acct_peek(a, i, &buf)))
			continue; /* closed as it is read */
		struct acct *ac = sw_acct_get(a, i);
		sw_detect_nat_finish(a, ac);
		udp_refused_tcp_ok(a, ac);
		sw_acct_close(a, ac); /* in the same pass: each account unpacked once */
	}
	no_sip(a);
	resolve(a);
	proven(a);
	sw_fnd_finish(a);
}
