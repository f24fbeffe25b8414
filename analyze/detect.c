/* Detectors for the vendor note's failure modes (../shared/docs/failure-modes.md):
 * each turns what the transaction and account layers saw into a finding with
 * a stable kind and cause, the frames that prove it, and the fix in the
 * phone's own settings. Registration failures: RFC 3261 sections 10 and 17;
 * NAT: RFC 3581; keepalives: RFC 5626; UDP size: RFC 3261 section 18.1.1. */
#include "analyze/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/timefmt.h"

#define FLOOD_WINDOW_NS (60 * INT64_C(1000000000))
#define FLOOD_MIN_ATTEMPTS 10u   /* REGISTER attempts within the window */
#define FLAP_MIN 2u              /* registered -> lost -> registered cycles */
#define OPTIONS_UNANSWERED_MIN 2u
#define UDP_SIZE_LIMIT 1300u     /* RFC 3261 section 18.1.1: MTU 1500 - 200 */
#define END_WAIT_MIN_NS (4 * INT64_C(1000000000)) /* shorter waits at the end prove nothing */

static const char *addr(const struct sw_addr *x, char *buf)
{
	return x->family ? sw_addr_fmt(x, buf) : "-";
}

static double secs(int64_t ns)
{
	return (double)ns / 1e9;
}

static struct sw_finding *open_f(struct sw_analyze *a, const char *kind, const char *cause,
				 struct acct *ac, enum sw_severity sev, bool *created)
{
	struct sw_finding *f =
		sw_fnd_get(a, kind, cause, ac ? ac->pub.id : UINT32_MAX, UINT32_MAX, created);
	if (*created || sev > f->severity)
		f->severity = sev;
	return f;
}

static const char *ua_of(const struct acct *ac)
{
	return ac->pub.user_agent ? ac->pub.user_agent : "-";
}

/* ICMP error kinds in words, for texts (JSON keeps sw_icmp_kind_name's ids). */
static const char *icmp_words(const struct sw_analyze *a, enum sw_icmp_kind k)
{
	switch (k) {
	case SW_ICMP_PORT_UNREACH: return sw_an_tr(a, N_("port unreachable"));
	case SW_ICMP_HOST_UNREACH: return sw_an_tr(a, N_("host unreachable"));
	case SW_ICMP_NET_UNREACH: return sw_an_tr(a, N_("network unreachable"));
	case SW_ICMP_ADMIN_PROHIB: return sw_an_tr(a, N_("administratively prohibited"));
	case SW_ICMP_PROTO_UNREACH: return sw_an_tr(a, N_("protocol unreachable"));
	case SW_ICMP_FRAG_NEEDED: return sw_an_tr(a, N_("fragmentation needed"));
	case SW_ICMP_TIME_EXCEEDED: return sw_an_tr(a, N_("time exceeded"));
	case SW_ICMP_OTHER: break;
	}
	return sw_an_tr(a, N_("error"));
}

/* ---- 1. REGISTER never answered ------------------------------------------ */

static void no_response(struct sw_analyze *a, struct acct *ac, struct attempt *at,
			const struct reg_result *r)
{
	char s1[SW_ADDRSTRLEN], s2[SW_ADDRSTRLEN];
	int64_t waited = sw_ns_sub(at->end_ns, at->start_ns);
	if (r->end_of_capture && at->n_icmp == 0 && waited < END_WAIT_MIN_NS)
		return; /* the capture simply stopped right after the request */
	const char *cause = "silence";
	if (at->n_icmp && at->icmp_kind == SW_ICMP_TIME_EXCEEDED && at->fragmented)
		cause = "fragments_lost"; /* RFC 792: fragment reassembly time exceeded */
	else if (at->n_icmp)
		cause = at->icmp_kind == SW_ICMP_PORT_UNREACH ? "icmp_port_unreachable"
							      : "icmp_host_unreachable";
	bool suspected = r->end_of_capture && at->n_icmp == 0;
	bool created;
	struct sw_finding *f = open_f(a, "register.no_response", cause, ac,
				      suspected ? SW_SEV_WARNING : SW_SEV_ERROR, &created);
	if (!suspected)
		f->suspected = false;
	else if (created)
		f->suspected = true;
	sw_fnd_evidence(f, &at->first);
	sw_fnd_evidence(f, &at->last_req);
	if (at->n_icmp)
		sw_fnd_evidence(f, &at->icmp_ev);
	f->server = at->server;
	f->client = at->client;
	sw_fnd_fact(f, "server", "%s", addr(&at->server, s1));
	sw_fnd_fact(f, "transport", "%s", sw_transport_name(at->transport));
	sw_fnd_fact(f, "requests_sent", "%u", at->n_msgs);
	if (!strcmp(cause, "icmp_port_unreachable")) {
		sw_fnd_text(a, &f->summary,
			    N_("REGISTER for %s to %s was answered by ICMP port unreachable: nothing listens on that port"),
			    ac->pub.aor, addr(&at->server, s1));
		sw_fnd_text(a, &f->explanation,
			    N_("The phone (%s) sent REGISTER over %s to %s; the host answered with ICMP port unreachable quoting that REGISTER, so the host is up but no SIP service listens on that port and transport. Either the server port is wrong, or the server only accepts another transport (TCP or TLS)."),
			    addr(&at->client, s2), sw_transport_name(at->transport), addr(&at->server, s1));
		sw_fnd_text(a, &f->advice,
			    N_("Check the server port (VoIP > Account > Server Port, 服务器端口) against the provider's settings; if the provider requires TCP, set Transport (传输类型, VoIP > SIP Settings) to TCP."));
	} else if (!strcmp(cause, "fragments_lost")) {
		sw_fnd_fact(f, "size", "%u", at->req_size);
		sw_fnd_text(a, &f->summary,
			    N_("REGISTER for %s to %s (%u bytes, in IP fragments) arrived incomplete: the server gave up reassembling it"),
			    ac->pub.aor, addr(&at->server, s1), at->req_size);
		sw_fnd_text(a, &f->explanation,
			    N_("The REGISTER was larger than the network's packet size, so it left in IP fragments. The server answered with ICMP time exceeded (fragment reassembly): it got part of the datagram and never the rest, because a router or firewall on the way drops fragments. The server never saw a whole REGISTER."));
		sw_fnd_text(a, &f->advice,
			    N_("Set 传输类型 (Transport) to TCP in VoIP > SIP 设置 so that large requests are not fragmented; or shorten the request (fewer or shorter headers)."));
	} else if (!strcmp(cause, "icmp_host_unreachable")) {
		sw_fnd_fact(f, "icmp", "%s", sw_icmp_kind_name(at->icmp_kind));
		sw_fnd_text(a, &f->summary,
			    N_("REGISTER for %s to %s was answered by ICMP %s: the server cannot be reached"),
			    ac->pub.aor, addr(&at->server, s1), icmp_words(a, at->icmp_kind));
		sw_fnd_text(a, &f->explanation,
			    N_("The phone's REGISTER to %s was answered by an ICMP error (%s) quoting it: a router or firewall on the way says the server's host or network cannot be reached, or that traffic to it is forbidden. The request never reached a SIP server."),
			    addr(&at->server, s1), icmp_words(a, at->icmp_kind));
		sw_fnd_text(a, &f->advice,
			    N_("Check the server address (服务器地址) and the network route: run 管理 > 诊断 > PING 测试 to the server; ask the network administrator whether a firewall blocks SIP (UDP/TCP 5060)."));
	} else if (suspected) {
		sw_fnd_text(a, &f->summary,
			    N_("REGISTER for %s to %s got no response before the capture ended (%.1f s, %u sent)"),
			    ac->pub.aor, addr(&at->server, s1), secs(waited), at->n_msgs);
		sw_fnd_text(a, &f->explanation,
			    N_("The phone sent REGISTER to %s and retransmitted it, but the capture ended before the 32 s transaction timeout (RFC 3261 timer F), so it is not certain that no answer came."),
			    addr(&at->server, s1));
		sw_fnd_text(a, &f->advice,
			    N_("Capture for at least 40 s after the phone starts registering (管理 > 诊断 > 报文追踪), then check again."));
		sw_fnd_text(a, &f->confirm,
			    N_("A longer capture showing the REGISTER retransmitted until timer F (32 s) without any response."));
	} else {
		bool priv = sw_ip_is_private(&at->client);
		sw_fnd_text(a, &f->summary,
			    N_("REGISTER for %s to %s was never answered (%u requests incl. retransmissions, no ICMP error)"),
			    ac->pub.aor, addr(&at->server, s1), at->n_msgs);
		sw_fnd_text(a, &f->explanation,
			    priv ? N_("The phone sent REGISTER to %s and retransmitted it on RFC 3261 timer E until timer F (32 s) expired, without any response and without an ICMP error. Either the server address or port is wrong or the server is down, the network drops the traffic, the account is temporarily banned, or the server's responses cannot get back through the NAT router to the phone (its address %s is private).")
				 : N_("The phone sent REGISTER to %s and retransmitted it on RFC 3261 timer E until timer F (32 s) expired, without any response and without an ICMP error. Either the server address or port is wrong or the server is down, the network drops the traffic, or the account is temporarily banned (phone address %s)."),
			    addr(&at->server, s1), addr(&at->client, s2));
		sw_fnd_text(a, &f->advice,
			    N_("Run 管理 > 诊断 > PING 测试 to the server; check the server address and port (服务器地址/端口); make sure the router does not block SIP (some routers need SIP ALG switched on, others off)."));
	}
	sw_fnd_publish(a, f);
}

/* ---- 3. and 4. NAT -------------------------------------------------------- */

static void stale_binding(struct sw_analyze *a, struct acct *ac, struct attempt *at,
			  const struct reg_result *r)
{
	char s1[SW_ADDRSTRLEN], s2[SW_ADDRSTRLEN], s3[SW_ADDRSTRLEN], s4[SW_ADDRSTRLEN];
	bool created;
	bool new_public = r->have_public && r->old_public.family &&
			  !sw_ip_eq(&r->old_public, &r->public_addr);
	struct sw_finding *f = open_f(a, "nat.stale_binding", "", ac,
				      new_public ? SW_SEV_ERROR : SW_SEV_WARNING, &created);
	f->suspected = !new_public;
	sw_fnd_evidence(f, &r->old_ok_ev);
	sw_fnd_evidence(f, &r->first_stale_timeout);
	sw_fnd_evidence(f, &at->final);
	sw_fnd_fact(f, "old_local", "%s", addr(&r->old_client, s1));
	sw_fnd_fact(f, "new_local", "%s", addr(&at->client, s2));
	if (r->old_public.family)
		sw_fnd_fact(f, "old_public", "%s", addr(&r->old_public, s3));
	if (r->have_public)
		sw_fnd_fact(f, "new_public", "%s", addr(&r->public_addr, s4));
	sw_fnd_text(a, &f->summary,
		    N_("%s: REGISTERs from %s stopped getting answers after working (%u unanswered); from a new port (%s) the phone registered at once, seen by the server as %s instead of %s"),
		    ac->pub.aor, addr(&r->old_client, s1), r->stale_timeouts, addr(&at->client, s2),
		    r->have_public ? addr(&r->public_addr, s4) : "?",
		    r->old_public.family ? addr(&r->old_public, s3) : "?");
	sw_fnd_text(a, &f->explanation,
		    N_("The registration worked from %s, and the server saw the phone at public address %s. Later refreshes from the same local port got no answer at all, while a REGISTER from a new local port succeeded immediately and the server reported a different public address. This is the router keeping an old NAT mapping after its public IP changed (for example after a reconnect): packets from the old local port still leave with the old source address, so the answers never come back."),
		    addr(&r->old_client, s1), r->old_public.family ? addr(&r->old_public, s3) : "?");
	sw_fnd_text(a, &f->advice,
		    N_("Enable 使用随机SIP端口 (random local SIP port, 50000-60000) in VoIP > 帐号 > SIP高级设置, so that a failed registration retries from a new port; update the firmware if the option is missing. Rebooting the phone or the router clears it for now."));
	if (f->suspected)
		sw_fnd_text(a, &f->confirm,
			    N_("The server reporting a different public address (Via received/rport) for the new port."));
	sw_fnd_publish(a, f);
	struct sw_finding *rp = sw_fnd_find(a, "nat.return_path_blocked", "", ac->pub.id);
	if (rp && rp->suspected && rp->severity > SW_SEV_INFO) {
		rp->severity = SW_SEV_INFO;
		sw_fnd_text(a, &rp->summary,
			    N_("%s: the answers that did not get back were the stale NAT binding's (see nat.stale_binding)"),
			    ac->pub.aor);
		rp->revision++;
	}
}

static void stale_suspect(struct sw_analyze *a, struct acct *ac)
{
	char s1[SW_ADDRSTRLEN], s2[SW_ADDRSTRLEN];
	bool created;
	struct sw_finding *f = open_f(a, "nat.stale_binding", "", ac, SW_SEV_WARNING, &created);
	if (!created)
		return;
	f->suspected = true;
	sw_fnd_evidence(f, &ac->last_ok_ev);
	sw_fnd_evidence(f, &ac->stale_first_timeout);
	sw_fnd_fact(f, "local", "%s", addr(&ac->last_ok_client, s1));
	if (ac->last_ok_has_public)
		sw_fnd_fact(f, "old_public", "%s", addr(&ac->last_ok_public, s2));
	sw_fnd_text(a, &f->summary,
		    N_("%s: registered fine from %s, then %u refreshes from the same local port got no answer"),
		    ac->pub.aor, addr(&ac->last_ok_client, s1), ac->timeouts_same_port);
	sw_fnd_text(a, &f->explanation,
		    N_("The phone was registered through NAT (the server saw it as %s), then its refreshes from the same local port went unanswered. The usual cause is a router that keeps sending with its old public address after that address changed, so the answers go nowhere."),
		    ac->last_ok_has_public ? addr(&ac->last_ok_public, s2) : "?");
	sw_fnd_text(a, &f->advice,
		    N_("Enable 使用随机SIP端口 (random local SIP port, 50000-60000) in VoIP > 帐号 > SIP高级设置, so that a failed registration retries from a new port; update the firmware if the option is missing. Rebooting the phone or the router clears it for now."));
	sw_fnd_text(a, &f->confirm,
		    N_("Re-registering from another local port (or after rebooting the phone) succeeds and the server reports a different public address in Via received/rport."));
	sw_fnd_publish(a, f);
}

/* One capture can only suspect a blocked return path: the phone is behind NAT,
 * its REGISTERs get no answer, yet the server is alive (it sent the phone
 * requests, or accepted a TCP connection, or answered other accounts). */
static void return_path_suspect(struct sw_analyze *a, struct acct *ac, const char *why,
				const struct evref *alive)
{
	char s1[SW_ADDRSTRLEN], s2[SW_ADDRSTRLEN];
	bool created;
	struct sw_finding *f =
		open_f(a, "nat.return_path_blocked", "", ac, SW_SEV_WARNING, &created);
	if (!created)
		return;
	f->suspected = true;
	struct attempt *last = sw_acct_attempt(ac, ac->n_recent_total);
	if (last) {
		sw_fnd_evidence(f, &last->first);
		sw_fnd_evidence(f, &last->last_req);
	}
	sw_fnd_evidence(f, alive);
	sw_fnd_fact(f, "phone", "%s", addr(&ac->pub.client, s1));
	why = sw_an_tr(a, why);
	sw_fnd_fact(f, "server_alive", "%s", why);
	sw_fnd_text(a, &f->summary,
		    N_("%s: the phone at private address %s gets no answer to REGISTER although the server %s is alive (%s)"),
		    ac->pub.aor, addr(&ac->pub.client, s1), addr(&ac->pub.registrar, s2), why);
	sw_fnd_text(a, &f->explanation,
		    N_("The phone is behind NAT and its REGISTERs go unanswered, but the server shows signs of life, so the server may be answering while the router drops or misroutes the answers on the way back."));
	sw_fnd_text(a, &f->advice,
		    N_("Make sure the router does not block SIP; some routers need SIP ALG switched on, others off. Compare with a capture taken at the server side."));
	sw_fnd_text(a, &f->confirm,
		    N_("A capture at the server side (run sipwatch with both files) showing the server's responses leaving and never reaching the phone."));
	sw_fnd_publish(a, f);
}

/* ---- 2. Banned for registering too often ---------------------------------- */

/* The flood pattern in the recent attempts ending with `at`: a burst, or
 * several devices registering one account alternately. Returns the number of
 * attempts in the burst window (0 when there is no pattern). */
static uint32_t flood_pattern(struct acct *ac, const struct attempt *at, uint32_t *switches,
			      const struct attempt **first)
{
	uint32_t n = 0;
	*switches = 0;
	*first = at;
	const struct attempt *prev = NULL;
	for (uint64_t s = at->seq; s > 0; s--) {
		const struct attempt *x = sw_acct_attempt(ac, s);
		if (!x || sw_ns_sub(at->start_ns, x->start_ns) > FLOOD_WINDOW_NS)
			break;
		n++;
		*first = x;
		if (prev && !sw_addr_eq(&prev->client, &x->client))
			(*switches)++;
		prev = x;
	}
	if (n >= FLOOD_MIN_ATTEMPTS)
		return n;
	if (*switches >= 3 && n >= 4)
		return n;
	/* Another device holds a binding for the same account (the 2xx listed
	 * it) and this phone refreshes far faster than the expiry needs: the
	 * two keep re-registering over each other. */
	if (ac->n_other_contacts_max && n >= 4 && ac->pub.granted_expires > 0 &&
	    ac->pub.refresh_count >= 2 &&
	    ac->pub.refresh_sum_ns / ac->pub.refresh_count <
		    (int64_t)ac->pub.granted_expires * INT64_C(1000000000) / 4)
		return n;
	return 0;
}

static bool flood_ban(struct sw_analyze *a, struct acct *ac, struct attempt *at,
		      const struct reg_result *r)
{
	uint32_t switches;
	const struct attempt *first;
	uint32_t n = flood_pattern(ac, at, &switches, &first);
	if (!n)
		return false;
	bool banned = r->timeout || r->status == 403 || r->status == 503;
	bool created;
	struct sw_finding *f = open_f(a, "register.flood_ban", "", ac,
				      banned ? SW_SEV_ERROR : SW_SEV_WARNING, &created);
	f->suspected = !banned && f->severity < SW_SEV_ERROR;
	sw_fnd_evidence(f, &first->first);
	sw_fnd_evidence(f, &at->first);
	if (banned)
		sw_fnd_evidence(f, r->timeout ? &at->last_req : &at->final);
	sw_fnd_fact(f, "attempts_in_60s", "%u", n);
	if (switches)
		sw_fnd_fact(f, "device_switches", "%u", switches);
	if (ac->n_other_contacts_max)
		sw_fnd_fact(f, "other_devices", "%u", ac->n_other_contacts_max);
	if (!created && !banned)
		return true;
	char s1[SW_ADDRSTRLEN];
	if (switches < 3 && ac->n_other_contacts_max && n < FLOOD_MIN_ATTEMPTS)
		sw_fnd_text(a, &f->summary,
			    banned ? N_("%s: another device registers the same account and this phone refreshes every %.0f s (expiry %d s), then the server stopped accepting it")
				   : N_("%s: another device registers the same account and this phone refreshes every %.0f s (expiry %d s); the server may ban the account"),
			    ac->pub.aor,
			    (double)ac->pub.refresh_sum_ns / 1e9 / (ac->pub.refresh_count ? ac->pub.refresh_count : 1),
			    ac->pub.granted_expires);
	else if (switches >= 3)
		sw_fnd_text(a, &f->summary,
			    banned ? N_("%s: %u REGISTERs in 60 s from several devices alternating (%u switches), then the server stopped accepting them")
				   : N_("%s: %u REGISTERs in 60 s from several devices alternating (%u switches); the server may ban the account"),
			    ac->pub.aor, n, switches);
	else
		sw_fnd_text(a, &f->summary,
			    banned ? N_("%s: %u REGISTERs in 60 s, then the server stopped accepting them (%s)")
				   : N_("%s: %u REGISTERs in 60 s; the server may ban the account for this (%s)"),
			    ac->pub.aor, n, addr(&ac->pub.registrar, s1));
	sw_fnd_text(a, &f->explanation,
		    N_("The account registers far more often than its expiry requires, or several phones register the same account in turn. IMS and other carrier servers treat this as abuse and ban the account for a while (typically about 10 minutes): they stop answering its REGISTERs or answer 403/503, while other traffic still works."));
	sw_fnd_text(a, &f->advice,
		    N_("Wait about 10 minutes before registering again; do not register one account on several phones; set 注册刷新时间 (registration refresh time) to the provider's value instead of a few seconds."));
	if (f->suspected)
		sw_fnd_text(a, &f->confirm,
			    N_("The server no longer answering this account's REGISTERs (or answering 403/503) while it still answers other requests."));
	sw_fnd_publish(a, f);
	return banned;
}

/* ---- 5. 403 and other rejections ------------------------------------------ */

static void forbidden(struct sw_analyze *a, struct acct *ac, struct attempt *at,
		      const struct reg_result *r)
{
	char s1[SW_ADDRSTRLEN];
	char mac[24] = "-";
	if (ac->pub.has_mac)
		snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", ac->pub.mac[0],
			 ac->pub.mac[1], ac->pub.mac[2], ac->pub.mac[3], ac->pub.mac[4],
			 ac->pub.mac[5]);
	bool created;
	if (at->has_auth) {
		struct sw_finding *f = open_f(a, "register.forbidden", "bad_credentials", ac,
					      SW_SEV_ERROR, &created);
		sw_fnd_evidence(f, &at->first);
		sw_fnd_evidence(f, &at->final);
		if (ac->auth_user)
			sw_fnd_fact(f, "auth_username", "%s", ac->auth_user);
		if (ac->auth_realm)
			sw_fnd_fact(f, "realm", "%s", ac->auth_realm);
		if (r->server)
			sw_fnd_fact(f, "server_header", "%s", r->server);
		if (r->warning)
			sw_fnd_fact(f, "warning", "%s", r->warning);
		sw_fnd_text(a, &f->summary,
			    N_("%s: 403 Forbidden after the phone answered the digest challenge (user \"%s\")"),
			    ac->pub.aor, ac->auth_user ? ac->auth_user : "?");
		sw_fnd_text(a, &f->explanation,
			    N_("The server challenged the REGISTER, the phone answered with credentials, and the server refused them with 403 Forbidden: the username or password is wrong, or the account is disabled on the server."));
		sw_fnd_text(a, &f->advice,
			    N_("Re-enter the account's 用户名 (username), 认证用户名 (authentication username) and 密码 (password) in VoIP > 帐号, and ask the administrator whether the account is enabled."));
		sw_fnd_publish(a, f);
		return;
	}
	/* No credentials were offered: a policy. If another User-Agent of
	 * this account ever registered fine, the User-Agent is the rule. */
	const struct ua_rec *good = NULL, *bad = at->ua_idx < ac->n_ua ? &ac->ua[at->ua_idx] : NULL;
	for (size_t i = 0; i < ac->n_ua; i++)
		if (&ac->ua[i] != bad && ac->ua[i].n_ok)
			good = &ac->ua[i];
	const char *cause = good ? "user_agent" : "policy";
	struct sw_finding *f = open_f(a, "register.forbidden", cause, ac, SW_SEV_ERROR, &created);
	sw_fnd_evidence(f, &at->first);
	sw_fnd_evidence(f, &at->final);
	sw_fnd_fact(f, "user_agent", "%s", bad ? bad->ua : ua_of(ac));
	sw_fnd_fact(f, "mac", "%s", mac);
	if (r->server)
		sw_fnd_fact(f, "server_header", "%s", r->server);
	if (r->warning)
		sw_fnd_fact(f, "warning", "%s", r->warning);
	if (r->reason_hdr)
		sw_fnd_fact(f, "reason", "%s", r->reason_hdr);
	if (good) {
		sw_fnd_evidence(f, &good->first_ok);
		sw_fnd_fact(f, "accepted_user_agent", "%s", good->ua);
		sw_fnd_text(a, &f->summary,
			    N_("%s: 403 Forbidden without a challenge for User-Agent \"%s\"; the same account registered with User-Agent \"%s\""),
			    ac->pub.aor, bad ? bad->ua : "?", good->ua);
		sw_fnd_text(a, &f->explanation,
			    N_("The server refused the REGISTER outright (no digest challenge) while the phone sent one User-Agent, and accepted the same account with another: the server only admits devices with a particular User-Agent."));
		sw_fnd_text(a, &f->advice,
			    N_("Set VoIP > SIP 设置 > SIP 用户代理头域名称 (SIP User-Agent name) to the value the server expects (the one that worked: see accepted_user_agent; Huawei servers typically want \"huawei\")."));
	} else {
		sw_fnd_text(a, &f->summary,
			    N_("%s: 403 Forbidden without any challenge from %s (server policy: MAC binding, User-Agent or address rule)"),
			    ac->pub.aor, addr(&at->server, s1));
		sw_fnd_text(a, &f->explanation,
			    N_("The server refused the REGISTER with 403 before asking for credentials, so the password was never checked: a server policy rejects this device. Common rules: binding to the phone's MAC address (this phone: %s), a required User-Agent (this phone sends \"%s\"; the server says \"%s\"), or an address ACL."),
			    mac, bad ? bad->ua : ua_of(ac), r->server ? r->server : "-");
		sw_fnd_text(a, &f->advice,
			    N_("Ask the PBX administrator whether the server binds accounts to a MAC address or requires a User-Agent; if so, register the phone's MAC, or set VoIP > SIP 设置 > SIP 用户代理头域名称 to the required name (Huawei servers: \"huawei\")."));
		sw_fnd_text(a, &f->confirm,
			    N_("The same account registering with another User-Agent or from another device."));
		f->suspected = true;
	}
	sw_fnd_publish(a, f);
}

/* A later success under another User-Agent turns a 403 "policy" finding into
 * the User-Agent rule it was: the user_agent finding is made, and the policy
 * one stays as information pointing to it. */
static void upgrade_policy(struct sw_analyze *a, struct acct *ac, struct attempt *at)
{
	bool any403 = false;
	for (size_t i = 0; i < ac->n_ua; i++)
		any403 |= ac->ua[i].n_fail403 > 0;
	if (!any403)
		return; /* the common case: nothing to upgrade, no lookup */
	struct sw_finding *pol = sw_fnd_find(a, "register.forbidden", "policy", ac->pub.id);
	if (!pol || pol->severity == SW_SEV_INFO || at->ua_idx >= ac->n_ua)
		return;
	for (size_t i = 0; i < ac->n_ua; i++) {
		if (i == at->ua_idx || !ac->ua[i].n_fail403)
			continue;
		struct attempt fake;
		memset(&fake, 0, sizeof fake);
		fake.ua_idx = (uint32_t)i;
		fake.first = ac->ua[i].first_403;
		fake.final = ac->ua[i].first_403;
		fake.server = ac->pub.registrar;
		struct reg_result r;
		memset(&r, 0, sizeof r);
		r.status = 403;
		r.server = ac->pub.server;
		forbidden(a, ac, &fake, &r);
		pol->severity = SW_SEV_INFO;
		pol->suspected = false;
		free(pol->confirm);
		pol->confirm = NULL;
		sw_fnd_text(a, &pol->summary,
			    N_("%s: the earlier 403 was the server's User-Agent rule (see register.forbidden/user_agent)"),
			    ac->pub.aor);
		pol->revision++;
		return;
	}
}

static void rejected_credentials(struct sw_analyze *a, struct acct *ac, struct attempt *at)
{
	if (ac->answered_challenge_rejects < 2)
		return;
	bool created;
	struct sw_finding *f = open_f(a, "auth.rejected_credentials", "", ac, SW_SEV_ERROR, &created);
	sw_fnd_evidence(f, &ac->first_reject);
	sw_fnd_evidence(f, &at->first);
	sw_fnd_evidence(f, &ac->last_reject);
	sw_fnd_fact(f, "rejections", "%u", ac->answered_challenge_rejects);
	if (ac->auth_user)
		sw_fnd_fact(f, "auth_username", "%s", ac->auth_user);
	if (ac->auth_realm)
		sw_fnd_fact(f, "realm", "%s", ac->auth_realm);
	sw_fnd_text(a, &f->summary,
		    N_("%s: credentials rejected %u times in a row (401/407 to REGISTERs that answered the challenge, user \"%s\", realm \"%s\")"),
		    ac->pub.aor, ac->answered_challenge_rejects, ac->auth_user ? ac->auth_user : "?",
		    ac->auth_realm ? ac->auth_realm : "?");
	sw_fnd_text(a, &f->explanation,
		    N_("Each time the phone answered the digest challenge, the server challenged it again instead of accepting it: the password, the authentication username or the realm does not match the account on the server."));
	sw_fnd_text(a, &f->advice,
		    N_("Re-enter 认证用户名 (authentication username) and 密码 (password) in VoIP > 帐号 exactly as the provider gave them; ask the administrator to check the account."));
	sw_fnd_publish(a, f);
}

static void rejected(struct sw_analyze *a, struct acct *ac, struct attempt *at,
		     const struct reg_result *r)
{
	char cause[16];
	snprintf(cause, sizeof cause, "%d", r->status);
	bool created;
	struct sw_finding *f = open_f(a, "register.rejected", cause, ac, SW_SEV_ERROR, &created);
	sw_fnd_evidence(f, &at->first);
	sw_fnd_evidence(f, &at->final);
	sw_fnd_fact(f, "status", "%d", r->status);
	if (r->server)
		sw_fnd_fact(f, "server_header", "%s", r->server);
	if (r->warning)
		sw_fnd_fact(f, "warning", "%s", r->warning);
	if (r->retry_after >= 0)
		sw_fnd_fact(f, "retry_after", "%d", r->retry_after);
	if (r->min_expires >= 0)
		sw_fnd_fact(f, "min_expires", "%d", r->min_expires);
	if (!created)
		return;
	switch (r->status) {
	case 404:
		sw_fnd_text(a, &f->summary, N_("%s: 404 Not Found: the server does not know this account"),
			    ac->pub.aor);
		sw_fnd_text(a, &f->explanation,
			    N_("The server answered REGISTER with 404: the user part or the domain of the account does not exist on this server."));
		sw_fnd_text(a, &f->advice,
			    N_("Check 注册名/用户名 (the account number) and the SIP domain (服务器地址) in VoIP > 帐号."));
		break;
	case 423:
		sw_fnd_text(a, &f->summary,
			    N_("%s: 423 Interval Too Brief: the server wants an expiry of at least %d s (phone asked for %d s)"),
			    ac->pub.aor, r->min_expires, at->requested_expires);
		sw_fnd_text(a, &f->explanation,
			    N_("The phone asked for a registration expiry shorter than the server allows; the server answered 423 with its minimum in Min-Expires. Phones normally retry with the larger value."));
		sw_fnd_text(a, &f->advice,
			    N_("Set 注册刷新时间 (registration refresh time) to at least the server's Min-Expires."));
		break;
	default:
		if (r->status >= 500 || r->status == 408 || r->status == 480) {
			sw_fnd_text(a, &f->summary,
				    N_("%s: server answered REGISTER with %d (temporary failure%s)"),
				    ac->pub.aor, r->status,
				    r->retry_after >= 0 ? sw_an_tr(a, N_(", retry later")) : "");
			sw_fnd_text(a, &f->explanation,
				    N_("The server (or a proxy in front of it) could not handle the registration right now: it is overloaded, in maintenance, or cannot reach the registrar behind it. With Retry-After it says when to try again."));
			sw_fnd_text(a, &f->advice,
				    N_("Wait and retry; if it persists, contact the provider with the time and the server's Server/Warning headers."));
		} else {
			sw_fnd_text(a, &f->summary, N_("%s: server rejected REGISTER with %d"),
				    ac->pub.aor, r->status);
			sw_fnd_text(a, &f->explanation,
				    N_("The server refused the registration with a final response that is neither a challenge nor 403. The Warning and Reason headers, when present, say why."));
			sw_fnd_text(a, &f->advice,
				    N_("Compare the account settings (VoIP > 帐号) with the provider's instructions; report the status code and the server's headers to the provider."));
		}
	}
	sw_fnd_publish(a, f);
}

/* ---- 6. Transport -------------------------------------------------------- */

static void tcp_required(struct sw_analyze *a, struct acct *ac, const char *cause,
			 const struct evref *e1, const struct evref *e2,
			 const char *detail)
{
	char s1[SW_ADDRSTRLEN];
	bool created;
	enum sw_severity sev = strcmp(cause, "server_requests_tcp") ? SW_SEV_ERROR : SW_SEV_WARNING;
	struct sw_finding *f = open_f(a, "transport.tcp_required", cause, ac, sev, &created);
	sw_fnd_evidence(f, e1);
	sw_fnd_evidence(f, e2);
	if (!created)
		return;
	detail = sw_an_tr(a, detail);
	sw_fnd_fact(f, "detail", "%s", detail);
	if (!strcmp(cause, "udp_refused_tcp_ok")) {
		sw_fnd_text(a, &f->summary,
			    N_("%s: the server %s refuses or ignores SIP over UDP but accepts TCP (%s)"),
			    ac->pub.aor, addr(&ac->pub.registrar, s1), detail);
		sw_fnd_text(a, &f->explanation,
			    N_("REGISTERs over UDP got no answer or an ICMP port unreachable, while a TCP connection to the same server was accepted: the server only takes SIP over TCP."));
	} else if (!strcmp(cause, "server_requests_tcp")) {
		sw_fnd_text(a, &f->summary, N_("%s: the server asks for TCP (%s)"), ac->pub.aor,
			    detail);
		sw_fnd_text(a, &f->explanation,
			    N_("The server's own headers name TCP as the transport to use (transport=tcp in its Contact or Record-Route, or a redirect), while the phone uses UDP."));
	} else {
		sw_fnd_text(a, &f->summary,
			    N_("%s: SIP messages over UDP are too large (%s) and get no answer"),
			    ac->pub.aor, detail);
		sw_fnd_text(a, &f->explanation,
			    N_("RFC 3261 section 18.1.1 says a request within 200 bytes of the path MTU (over about 1300 bytes) must go over TCP. These went over UDP in IP fragments, which NAT routers and firewalls often drop, and the server never answered."));
	}
	sw_fnd_text(a, &f->advice,
		    N_("Set 传输类型 (Transport) to TCP in VoIP > SIP 设置, save and re-register."));
	sw_fnd_publish(a, f);
}

/* ---- 8. ALG, one capture: a registered Contact the phone never sent -------- */

/* The user part of "sip:user@host..." (or of the key "user@host:port"). */
static size_t user_part(const char *s, const char **out)
{
	const char *colon = strchr(s, ':');
	const char *at = strchr(s, '@');
	if (!at)
		return 0;
	const char *u = (colon && colon < at && strncmp(s, "sip", 3) == 0) ? colon + 1 : s;
	*out = u;
	return (size_t)(at - u);
}

static void contact_rewritten(struct sw_analyze *a, struct acct *ac, struct attempt *at,
			      const struct reg_result *r)
{
	const char *u1, *u2;
	size_t n1 = user_part(at->contact_key, &u1), n2 = user_part(r->other_contact, &u2);
	if (!n1 || n1 != n2 || strncasecmp(u1, u2, n1) != 0)
		return; /* another device's binding, not a rewrite of ours */
	bool created;
	struct sw_finding *f =
		open_f(a, "alg.rewrite", "contact_rewritten", ac, SW_SEV_WARNING, &created);
	f->suspected = true;
	sw_fnd_evidence(f, &at->first);
	sw_fnd_evidence(f, &at->final);
	if (!created) {
		sw_fnd_publish(a, f);
		return;
	}
	sw_fnd_fact(f, "sent", "%s", at->contact_key);
	sw_fnd_fact(f, "registered", "%s", r->other_contact);
	sw_fnd_text(a, &f->summary,
		    N_("%s: the phone registered Contact %s but the server lists %s instead"),
		    ac->pub.aor, at->contact_key, r->other_contact);
	sw_fnd_text(a, &f->explanation,
		    N_("The 2xx to REGISTER lists the bindings the server stored. The phone's own Contact is not among them; a Contact for the same user with another address is. Something between the phone and the server rewrote the Contact: typically a router's SIP ALG (some servers also rewrite Contacts themselves for NAT traversal)."));
	sw_fnd_text(a, &f->advice,
		    N_("Switch SIP ALG off on the router (or on, where the server relies on it), then re-test."));
	sw_fnd_text(a, &f->confirm,
		    N_("A capture at the server side showing the REGISTER arriving with the rewritten Contact (give both files to sipwatch)."));
	sw_fnd_publish(a, f);
}

/* ---- dispatch per attempt ------------------------------------------------- */

void sw_detect_on_attempt(struct sw_analyze *a, struct acct *ac, struct attempt *at,
			  const struct reg_result *r)
{
	if (r->status == -2) {
		/* The binding lapsed and the phone did not try to refresh. */
		char t1[SW_TIMESTRLEN];
		bool created;
		struct sw_finding *f =
			open_f(a, "register.expired", "", ac, SW_SEV_WARNING, &created);
		sw_fnd_evidence(f, &ac->last_ok_ev);
		sw_fnd_fact(f, "granted_expires", "%d", r->granted_expires);
		sw_fnd_text(a, &f->summary,
			    N_("%s: the registration lapsed at %s (granted %d s) before the phone refreshed it"),
			    ac->pub.aor,
			    sw_time_iso(sw_ns_add(ac->last_ok_ns, (int64_t)r->granted_expires * INT64_C(1000000000)), t1),
			    r->granted_expires);
		sw_fnd_text(a, &f->explanation,
			    N_("The server granted the registration for a limited time and the phone sent no refresh before it ran out, so for a while the server could not reach the phone (incoming calls fail) until it registered again."));
		sw_fnd_text(a, &f->advice,
			    N_("Set 注册刷新时间 (registration refresh time, VoIP > 帐号 > SIP高级设置) below the expiry the server grants (it may grant less than asked)."));
		sw_fnd_publish(a, f);
		return;
	}
	if (r->status > 0 && r->status < 300) {
		if (r->stale_recovered)
			stale_binding(a, ac, at, r);
		if (!r->our_contact_listed && r->other_contacts && at->contact_key[0] &&
		    at->requested_expires != 0)
			contact_rewritten(a, ac, at, r);
		if (ac->flaps >= FLAP_MIN) {
			bool created;
			struct sw_finding *f =
				open_f(a, "register.flapping", "", ac, SW_SEV_WARNING, &created);
			sw_fnd_evidence(f, &at->final);
			sw_fnd_fact(f, "cycles", "%u", ac->flaps);
			sw_fnd_text(a, &f->summary,
				    N_("%s: registered, lost the registration and registered again %u times"),
				    ac->pub.aor, ac->flaps);
			sw_fnd_text(a, &f->explanation,
				    N_("The registration keeps dropping and coming back. When the server checks the phone with SIP OPTIONS and the phone keeps the NAT binding with UDP/CRLF keepalives instead, the two do not match: the server declares the phone gone while the phone believes it is registered."));
			sw_fnd_text(a, &f->advice,
				    N_("Enable SIP OPTIONS使能 (VoIP > 帐号 > SIP高级设置) and set NAT保活间隔 (NAT keepalive interval) to what the server expects."));
			sw_fnd_publish(a, f);
		}
		upgrade_policy(a, ac, at);
		/* TCP after UDP failures to the same server */
		if (at->transport == SW_TP_TCP) {
			for (uint64_t s = at->seq - 1; s > 0; s--) {
				struct attempt *x = sw_acct_attempt(ac, s);
				if (!x)
					break;
				if (x->transport == SW_TP_UDP && x->status == -1 &&
				    sw_ip_eq(&x->server, &at->server)) {
					tcp_required(a, ac, "udp_refused_tcp_ok", &x->first, &at->final,
						     x->n_icmp ? N_("ICMP port unreachable over UDP, TCP REGISTER answered")
							       : N_("no answer over UDP, TCP REGISTER answered"));
					break;
				}
			}
		}
		return;
	}
	if (r->status == 401 || r->status == 407) {
		rejected_credentials(a, ac, at);
		return;
	}
	if (r->contact_tcp && at->transport == SW_TP_UDP)
		tcp_required(a, ac, "server_requests_tcp", &at->first, &at->final,
			     N_("transport=tcp in the server's Contact or Record-Route"));
	if (flood_ban(a, ac, at, r))
		return;
	if (r->timeout) {
		if (at->transport == SW_TP_UDP && (at->fragmented || at->req_size > UDP_SIZE_LIMIT) &&
		    !r->end_of_capture) {
			char d[96];
			if (at->fragmented)
				snprintf(d, sizeof d, sw_an_tr(a, N_("%u bytes, IP-fragmented")), at->req_size);
			else
				snprintf(d, sizeof d, sw_an_tr(a, N_("%u bytes")), at->req_size);
			tcp_required(a, ac, "oversize_udp", &at->first, &at->last_req, d);
		}
		no_response(a, ac, at, r);
		return;
	}
	if (r->status == 403)
		forbidden(a, ac, at, r);
	else if (r->status >= 300)
		rejected(a, ac, at, r);
}

/* ---- per message: ALG traces and OPTIONS answers --------------------------- */

/* Does a Via's sent-by equal "host:port" as the request carried it? Without
 * formatting: this runs for every response. */
static bool via_same(const struct sw_sip_via *v, const char *sent)
{
	size_t hl = v->host.len > 80 ? 80 : v->host.len;
	if (hl && strncasecmp(sent, v->host.p, hl) != 0)
		return false;
	if (sent[hl] != ':')
		return false;
	int port = v->port > 0 ? v->port : 5060;
	const char *p = sent + hl + 1;
	int got = 0;
	for (; *p >= '0' && *p <= '9' && got < 100000; p++)
		got = got * 10 + (*p - '0');
	return *p == '\0' && got == port;
}

static bool only_padding(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != '\r' && p[i] != '\n' && p[i] != '\0' && p[i] != ' ')
			return false;
	return true;
}

static struct acct *acct_of_txn(struct sw_analyze *a, struct txn *t, const struct sw_ev *ev)
{
	if (t && t->account != UINT32_MAX)
		return sw_acct_get(a, t->account);
	return sw_acct_by_flow(a, &ev->pkt.src, &ev->pkt.dst);
}

/* One capture at the server side: the server answered, yet the client keeps
 * retransmitting the request: the answers do not reach it (RFC 3261 section
 * 17.1.2.2: a client stops retransmitting once it gets a final response). */
static void answered_but_retransmitted(struct sw_analyze *a, struct txn *t,
				       const struct sw_ev *ev, uint32_t msg_id)
{
	/* A private client talking to a public server: this capture was taken
	 * on the phone's side of the NAT, where the answers are seen arriving;
	 * the phone itself ignores them, the network did not lose them. */
	struct sw_addr server = t->dst;
	if (sw_ip_is_private(&t->src) && !sw_ip_is_private(&server))
		return;
	const struct sw_sip_msg *m = ev->u.sip;
	char s1[SW_ADDRSTRLEN], s2[SW_ADDRSTRLEN];
	struct acct *ac = acct_of_txn(a, t, ev);
	bool created;
	struct sw_finding *f =
		open_f(a, "nat.return_path_blocked", "", ac, SW_SEV_WARNING, &created);
	f->suspected = true;
	struct evref e;
	sw_fnd_evidence(f, &t->first_req);
	sw_fnd_evidence(f, &t->final);
	sw_an_evidence(a, &e, &ev->pkt, msg_id, "retransmission after the answer");
	sw_fnd_evidence(f, &e);
	if (!created) {
		sw_fnd_publish(a, f);
		return;
	}
	f->client = t->src;
	f->server = t->dst;
	bool behind_nat = false;
	if (m->n_via) {
		struct sw_addr via;
		if (sw_ip_parse(m->via[0].host.p, m->via[0].host.len, &via) == 0 &&
		    sw_ip_is_private(&via) && !sw_ip_eq(&via, &ev->pkt.src)) {
			behind_nat = true;
			sw_fnd_fact(f, "via_sent_by", "%.*s", (int)(m->via[0].host.len > 64 ? 64 : m->via[0].host.len), m->via[0].host.p);
		}
	}
	sw_fnd_fact(f, "client", "%s", addr(&t->src, s1));
	sw_fnd_fact(f, "answered_with", "%d", t->final_status);
	/* Seen from the server, a stale NAT binding looks like this until the
	 * phone comes back from another port: remember it for that moment. */
	if (ac && t->is_register && ac->ever_ok && sw_addr_eq(&t->src, &ac->last_ok_client) &&
	    !ac->timeouts_same_port++)
		ac->stale_first_timeout = t->first_req;
	sw_fnd_text(a, &f->summary,
		    N_("%s from %s was answered (%d) but the client kept retransmitting it: the answers do not reach %s"),
		    t->method, addr(&t->src, s1), t->final_status, addr(&t->src, s2));
	sw_fnd_text(a, &f->explanation,
		    behind_nat ? N_("A client stops retransmitting a request as soon as it receives a final response. The server answered, yet copies of the request kept arriving: the answers are lost on the way back. The client's Via names a private address, so it is behind NAT, and the NAT router is the usual place where they are dropped.")
			       : N_("A client stops retransmitting a request as soon as it receives a final response. The server answered, yet copies of the request kept arriving: the answers are lost on the way back (a router or firewall between the server and the client)."));
	sw_fnd_text(a, &f->advice,
		    N_("Make sure the router does not block SIP; some routers need SIP ALG switched on, others off. Compare with a capture taken at the server side."));
	sw_fnd_text(a, &f->confirm,
		    N_("A capture on the phone at the same time (give both files to sipwatch) showing the answers never arriving."));
	sw_fnd_publish(a, f);
}

void sw_detect_on_sip(struct sw_analyze *a, struct txn *t, const struct sw_ev *ev,
		      uint32_t msg_id, bool retrans)
{
	const struct sw_sip_msg *m = ev->u.sip;
	char s1[SW_ADDRSTRLEN];
	struct evref e;
	if (retrans && m->is_request && t->req_after_final >= 3 && t->final_status >= 200)
		answered_but_retransmitted(a, t, ev, msg_id);
	/* OPTIONS that the server sends to the phone, answered */
	if (t->is_options && !m->is_request && m->status >= 200 && !t->response_only) {
		struct acct *ac = sw_acct_by_flow(a, &t->dst, &t->dst);
		if (ac && sw_addr_eq(&ac->pub.client, &t->dst))
			ac->options_in_answered++;
	}
	if (t->is_options && m->is_request && t->n_req == 1) {
		struct acct *ac = sw_acct_by_flow(a, &ev->pkt.dst, &ev->pkt.dst);
		if (ac && sw_addr_eq(&ac->pub.client, &ev->pkt.dst))
			ac->options_in++;
	}
	/* alg.rewrite / content_length_mismatch: a declared length that does
	 * not match the body (UDP only: on streams the length frames the
	 * message). Trailing padding alone is not a mismatch. */
	if (m->content_length_mismatch && ev->pkt.transport == SW_TP_UDP && m->content_length >= 0) {
		size_t declared = (size_t)m->content_length;
		const char *body = m->raw.p + m->header_len;
		bool pad = declared < m->body_len && only_padding(body + declared, m->body_len - declared);
		if (!pad) {
			struct acct *ac = acct_of_txn(a, t, ev);
			bool created;
			struct sw_finding *f = open_f(a, "alg.rewrite", "content_length_mismatch", ac,
						      SW_SEV_WARNING, &created);
			f->suspected = true;
			sw_an_evidence(a, &e, &ev->pkt, msg_id, "Content-Length");
			sw_fnd_evidence(f, &e);
			if (created) {
				sw_fnd_fact(f, "declared", "%lld", (long long)m->content_length);
				sw_fnd_fact(f, "actual", "%zu", m->body_len);
				sw_fnd_text(a, &f->summary,
					    N_("Content-Length says %lld bytes but the body has %zu (message from %s)"),
					    (long long)m->content_length, m->body_len,
					    addr(&ev->pkt.src, s1));
				sw_fnd_text(a, &f->explanation,
					    N_("A SIP message whose Content-Length does not match its body is what a router's SIP ALG leaves behind when it rewrites addresses in the SDP without fixing the length. The receiver may cut the body or reject the message."));
				sw_fnd_text(a, &f->advice,
					    N_("Switch SIP ALG off on the router (or on, where the server relies on it), then re-test."));
				sw_fnd_text(a, &f->confirm,
					    N_("A capture on the other side of the router (both files given to sipwatch) showing the message as it was sent."));
			}
			sw_fnd_publish(a, f);
		}
	}
	/* alg.rewrite / via_mismatch: the response's top Via is not the one
	 * the request carried (beyond received/rport, RFC 3581). */
	if (!m->is_request && m->n_via && t->via_sent_by && !t->response_only &&
	    sw_addr_eq(&ev->pkt.dst, &t->src)) {
		if (!via_same(&m->via[0], t->via_sent_by)) {
			char got[96];
			snprintf(got, sizeof got, "%.*s:%d",
				 (int)(m->via[0].host.len > 80 ? 80 : m->via[0].host.len),
				 m->via[0].host.p ? m->via[0].host.p : "",
				 m->via[0].port > 0 ? m->via[0].port : 5060);
			struct acct *ac = acct_of_txn(a, t, ev);
			bool created;
			struct sw_finding *f =
				open_f(a, "alg.rewrite", "via_mismatch", ac, SW_SEV_WARNING, &created);
			f->suspected = true;
			sw_fnd_evidence(f, &t->first_req);
			sw_an_evidence(a, &e, &ev->pkt, msg_id, "Via");
			sw_fnd_evidence(f, &e);
			if (created) {
				sw_fnd_fact(f, "sent", "%s", t->via_sent_by);
				sw_fnd_fact(f, "returned", "%s", got);
				sw_fnd_text(a, &f->summary,
					    N_("%s from %s carried Via %s but its response came back with Via %s"),
					    t->method, addr(&t->src, s1), t->via_sent_by, got);
				sw_fnd_text(a, &f->explanation,
					    N_("A server copies the request's Via into its response, adding only received/rport. A different sent-by in the response means something on the path rewrote the Via: typically a router's SIP ALG."));
				sw_fnd_text(a, &f->advice,
					    N_("Switch SIP ALG off on the router (or on, where the server relies on it), then re-test."));
				sw_fnd_text(a, &f->confirm,
					    N_("A capture on the other side of the router (both files given to sipwatch) showing the message as it was sent."));
			}
			sw_fnd_publish(a, f);
		}
	}
}

void sw_detect_on_options_timeout(struct sw_analyze *a, struct txn *t)
{
	struct acct *ac = sw_acct_by_flow(a, &t->dst, &t->dst);
	if (!ac || !sw_addr_eq(&ac->pub.client, &t->dst))
		return; /* OPTIONS to something that is not a registered phone */
	if (!ac->options_in_unanswered++)
		ac->options_first_unanswered = t->first_req;
	if (ac->options_in_unanswered < OPTIONS_UNANSWERED_MIN)
		return;
	char s1[SW_ADDRSTRLEN];
	bool created;
	struct sw_finding *f =
		open_f(a, "keepalive.options_unanswered", "", ac, SW_SEV_WARNING, &created);
	sw_fnd_evidence(f, &ac->options_first_unanswered);
	sw_fnd_evidence(f, &t->first_req);
	sw_fnd_evidence(f, &t->last_req);
	sw_fnd_fact(f, "options_unanswered", "%u", ac->options_in_unanswered);
	sw_fnd_fact(f, "phone_keepalives", "%llu", (unsigned long long)ac->ka_from_phone);
	sw_fnd_text(a, &f->summary,
		    N_("%s: the server's OPTIONS keepalives to the phone go unanswered (%u so far); the phone sends %llu keepalives of its own"),
		    ac->pub.aor, ac->options_in_unanswered, (unsigned long long)ac->ka_from_phone);
	sw_fnd_text(a, &f->explanation,
		    N_("The server (%s) checks that the phone is alive with SIP OPTIONS and gets no answer, while the phone keeps its NAT binding with its own keepalives. The keepalive methods do not match: the server will soon consider the phone gone and drop its registration, so the phone shows registered, then failed, then registered again."),
		    addr(&t->src, s1));
	sw_fnd_text(a, &f->advice,
		    N_("Enable SIP OPTIONS使能 (VoIP > 帐号 > SIP高级设置) and set NAT保活间隔 (NAT keepalive interval) to what the server expects."));
	sw_fnd_publish(a, f);
}

/* ---- at the end ------------------------------------------------------------ */

static bool looks_like_registrar(struct sw_analyze *a, const char *name)
{
	if (!strncmp(name, "_sip", 4) || strstr(name, "sip") || strstr(name, "voip") ||
	    strstr(name, "ims") || strstr(name, "pbx") || strstr(name, "proxy") ||
	    strstr(name, "registrar"))
		return true;
	for (size_t i = 0; i < a->accounts.n; i++) {
		const char *aor = ((struct acct *)a->accounts.p[i])->pub.aor;
		const char *at = strchr(aor, '@');
		const char *host = at ? at + 1 : strchr(aor, ':') + 1;
		if (!strcasecmp(host, name))
			return true;
	}
	return false;
}

static void dns_findings(struct sw_analyze *a)
{
	size_t pos = 0;
	void *v;
	while (sw_map_next(&a->dns_names, &pos, NULL, NULL, &v)) {
		struct dns_name *dn = v;
		if (!dn->failures || dn->last_ok || !looks_like_registrar(a, dn->name))
			continue;
		struct acct *ac = NULL;
		for (size_t i = 0; i < a->accounts.n && !ac; i++) {
			struct acct *x = a->accounts.p[i];
			const char *at = strchr(x->pub.aor, '@');
			if (at && !strcasecmp(at + 1, dn->name))
				ac = x;
		}
		bool created;
		struct sw_finding *f = open_f(a, "register.no_response", "dns_failure", ac,
					      SW_SEV_ERROR, &created);
		sw_fnd_evidence(f, &dn->first_query);
		sw_fnd_evidence(f, &dn->last_fail);
		sw_fnd_fact(f, "name", "%s", dn->name);
		sw_fnd_fact(f, "rcode", "%d", dn->last_rcode);
		const char *what = dn->last_rcode == 3 ? "NXDOMAIN" : dn->last_rcode == 2 ? "SERVFAIL"
				   : dn->last_rcode ? N_("error") : N_("no answer");
		sw_fnd_text(a, &f->summary,
			    N_("The DNS lookup of the server name %s failed (%s, %u times), so the phone could not send REGISTER"),
			    dn->name, sw_an_tr(a, what), dn->failures);
		sw_fnd_text(a, &f->explanation,
			    N_("Before registering the phone must resolve the server's name; every lookup of it failed, so no REGISTER could be sent. The name is misspelt, does not exist, or the DNS server configured on the phone cannot resolve it."));
		sw_fnd_text(a, &f->advice,
			    N_("Check the server address (服务器地址) spelling in VoIP > 帐号, and the DNS servers in 网络 settings; try 管理 > 诊断 > PING 测试 with the name."));
		if (!ac)
			f->aor = NULL;
		sw_fnd_publish(a, f);
	}
}

/* Is the server alive for this phone, although its REGISTERs go unanswered? */
static bool server_alive(struct sw_analyze *a, struct acct *ac, const char **why,
			 struct evref *ev)
{
	struct tcp_conn *c = sw_side_tcp_to(a, &ac->pub.registrar);
	if (c && c->synack) {
		*why = N_("it accepts TCP connections");
		*ev = c->first_synack;
		return true;
	}
	for (size_t i = 0; i < a->accounts.n; i++) {
		struct acct *x = a->accounts.p[i];
		if (x != ac && x->ever_ok && sw_ip_eq(&x->pub.registrar, &ac->pub.registrar)) {
			*why = N_("it answers other accounts");
			*ev = x->last_ok_ev;
			return true;
		}
	}
	if (ac->options_in) {
		*why = N_("it sends OPTIONS to the phone");
		memset(ev, 0, sizeof *ev);
		return true;
	}
	return false;
}

static void resolve(struct sw_analyze *a)
{
	for (size_t i = 0; i < a->findings.n; i++) {
		struct sw_finding *f = a->findings.p[i];
		struct acct *ac = sw_acct_get(a, f->account);
		if (!ac || f->severity != SW_SEV_ERROR)
			continue;
		bool ok_now = ac->pub.state == SW_REG_REGISTERED ||
			      ac->pub.state == SW_REG_REFRESHING;
		if (!ok_now || ac->last_ok_ns < f->last_ns)
			continue;
		/* Registered at the end, after the failure: it happened, but
		 * it is not what keeps the phone from working now. */
		if (!strcmp(f->kind, "register.rejected") && !strcmp(f->cause, "423")) {
			f->severity = SW_SEV_INFO;
		} else if (strcmp(f->kind, "nat.stale_binding") != 0) {
			f->severity = SW_SEV_WARNING;
		}
		f->resolved = true;
		f->revision++;
	}
}

void sw_detect_finish(struct sw_analyze *a)
{
	dns_findings(a);
	for (size_t i = 0; i < a->accounts.n; i++) {
		struct acct *ac = a->accounts.p[i];
		bool failing = ac->pub.state == SW_REG_FAILED || ac->pub.state == SW_REG_REGISTERING;
		if (ac->ever_ok && ac->timeouts_same_port >= 2 && failing)
			stale_suspect(a, ac);
		else if (!ac->ever_ok && ac->pub.n_timeout && sw_ip_is_private(&ac->pub.client)) {
			const char *why;
			struct evref ev;
			if (server_alive(a, ac, &why, &ev))
				return_path_suspect(a, ac, why, &ev);
		}
		/* UDP failures earlier, TCP accepted by the same server later */
		if (!ac->ever_ok && ac->pub.n_timeout && ac->pub.transport == SW_TP_UDP) {
			struct tcp_conn *c = sw_side_tcp_to(a, &ac->pub.registrar);
			struct attempt *last = sw_acct_attempt(ac, ac->n_recent_total);
			if (c && c->synack && last)
				tcp_required(a, ac, "udp_refused_tcp_ok", &last->first, &c->first_synack,
					     N_("no answer over UDP, TCP connection accepted"));
		}
	}
	resolve(a);
	/* Two captures proved what one capture could only suspect: the proven
	 * finding stands, the suspicion becomes a pointer to it. */
	for (size_t i = 0; i < a->findings.n; i++) {
		struct sw_finding *f = a->findings.p[i];
		if (strcmp(f->kind, "nat.return_path_blocked") != 0 || f->cause[0] ||
		    f->severity == SW_SEV_INFO)
			continue;
		struct sw_finding *proof = sw_fnd_find(a, f->kind, "path_loss", f->account);
		if (!proof)
			continue;
		f->severity = SW_SEV_INFO;
		sw_fnd_text(a, &f->summary,
			    N_("%s: confirmed by the second capture (see nat.return_path_blocked/path_loss)"),
			    f->aor ? f->aor : "-");
		f->revision++;
	}
	/* Re-stream what changed since it was first handed out. */
	for (size_t i = 0; i < a->findings.n; i++) {
		struct sw_finding *f = a->findings.p[i];
		sw_fnd_establish(a, f);
		if (a->opts.on_finding && f->summary && f->streamed_revision != f->revision) {
			f->streamed_revision = f->revision;
			a->opts.on_finding(a->opts.user, f);
		}
	}
}
