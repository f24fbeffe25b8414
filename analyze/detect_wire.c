/* SPDX-License-Identifier: BSD-2-Clause */
/* Rules on what one message shows (docs/findings.md, alg.rewrite): traces
 * only a middlebox on the path leaves. A server copies the request's Via
 * into its response adding only received/rport (RFC 3261 section 8.2.6.2,
 * RFC 3581), writes into received= the source it saw, and a message's
 * Content-Length counts its body (section 20.14). */
#include "analyze/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

static struct acct *acct_of_txn(struct sw_analyze *a, struct txn *t, const struct sw_ev *ev)
{
	if (t && t->account != UINT32_MAX)
		return sw_acct_get(a, t->account);
	return sw_acct_by_flow(a, &ev->pkt.src, &ev->pkt.dst);
}

static struct sw_finding *open_alg(struct sw_analyze *a, enum sw_cause cause, struct acct *ac,
				   bool *created)
{
	struct sw_finding *f = sw_fnd_open(a, SW_K_ALG_REWRITE, cause, 0,
					   ac ? ac->pub.id : UINT32_MAX, UINT32_MAX, SW_SEV_WARNING,
					   created);
	f->suspected = true;
	return f;
}

static bool only_padding(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != '\r' && p[i] != '\n' && p[i] != '\0' && p[i] != ' ')
			return false;
	return true;
}

/* A declared length that does not match the body (UDP only: on streams the
 * length frames the message). Trailing padding alone is not a mismatch. */
static void content_length(struct sw_analyze *a, struct txn *t, const struct sw_ev *ev,
			   uint32_t msg_id)
{
	const struct sw_sip_msg *m = ev->u.sip;
	if (!m->content_length_mismatch || ev->pkt.transport != SW_TP_UDP || m->content_length < 0)
		return;
	size_t declared = (size_t)m->content_length;
	const char *body = m->raw.p + m->header_len;
	if (declared < m->body_len && only_padding(body + declared, m->body_len - declared))
		return;
	bool created;
	struct sw_finding *f = open_alg(a, SW_C_CONTENT_LENGTH_MISMATCH, acct_of_txn(a, t, ev),
					&created);
	struct evref e;
	sw_an_evidence(a, &e, &ev->pkt, msg_id, "Content-Length");
	sw_fnd_evidence(a, f, &e);
	if (created) {
		sw_fnd_fact(f, "declared", "%lld", (long long)m->content_length);
		sw_fnd_fact(f, "actual", "%zu", m->body_len);
		sw_fnd_addr_fact(f, "from", &ev->pkt.src);
	}
	sw_fnd_publish(a, f);
}

void sw_detect_on_short_body(struct sw_analyze *a, const struct sw_ev *ev, uint32_t msg_id)
{
	if (ev->pkt.transport != SW_TP_UDP)
		return;
	struct acct *ac = sw_acct_by_flow(a, &ev->pkt.src, &ev->pkt.dst);
	bool created;
	struct sw_finding *f = open_alg(a, SW_C_CONTENT_LENGTH_MISMATCH, ac, &created);
	struct evref e;
	sw_an_evidence(a, &e, &ev->pkt, msg_id, "Content-Length");
	sw_fnd_evidence(a, f, &e);
	if (created) {
		f->variant = TV_DISCARDED;
		sw_fnd_fact(f, "declared", "%lld", (long long)ev->u.bad.declared_length);
		sw_fnd_fact(f, "actual", "%zu", ev->u.bad.body_length);
		sw_fnd_addr_fact(f, "from", &ev->pkt.src);
	}
	sw_fnd_publish(a, f);
}

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

/* The response's top Via is not the one the request carried (beyond
 * received/rport), where the capture saw the request leave and its answer
 * come back to the same endpoint. Judged per flow at the end: an ALG
 * rewrites every message of a flow alike, so a flow whose other answers keep
 * their Via shows a user agent's own quirk, not a device on the path. */
struct via_flow {
	uint32_t intact, changed;
	uint32_t account;
	struct evref req, resp;
	char sent[96], returned[96], method[16];
	struct sw_addr client, server;
};

static void via_mismatch(struct sw_analyze *a, struct txn *t, const struct sw_ev *ev,
			 uint32_t msg_id)
{
	const struct sw_sip_msg *m = ev->u.sip;
	if (m->is_request || !m->n_via || !t->via_sent_by || t->response_only ||
	    !sw_addr_eq(&ev->pkt.dst, &t->src))
		return;
	struct sw_addr k[2] = { t->src, t->dst };
	struct via_flow *vf = sw_map_get(&a->via_flows, k, sizeof k);
	if (via_same(&m->via[0], t->via_sent_by)) {
		/* The common case: a flow's answers keep their Via. Only a
		 * 64-bit hash of the flow is kept for it. */
		if (vf) {
			vf->intact++;
		} else {
			uint64_t h = sw_reftab_hash(k, sizeof k);
			if (!sw_hashtab_get(&a->via_intact, h) &&
			    a->via_intact.count < SW_MAX_FLOWS)
				(void)sw_hashtab_put(&a->via_intact, h);
		}
		return;
	}
	if (!vf) {
		if (a->via_flows.count >= SW_MAX_FLOWS)
			return;
		vf = sw_calloc(1, sizeof *vf);
		vf->client = t->src;
		vf->server = t->dst;
		sw_map_put(&a->via_flows, k, sizeof k, vf);
	}
	if (vf->changed++)
		return;
	struct acct *ac = acct_of_txn(a, t, ev);
	vf->account = ac ? ac->pub.id : UINT32_MAX;
	vf->req = t->first_req;
	sw_an_evidence(a, &vf->resp, &ev->pkt, msg_id, "Via");
	snprintf(vf->sent, sizeof vf->sent, "%s", t->via_sent_by);
	snprintf(vf->returned, sizeof vf->returned, "%.*s:%d",
		 (int)(m->via[0].host.len > 80 ? 80 : m->via[0].host.len),
		 m->via[0].host.p ? m->via[0].host.p : "", m->via[0].port > 0 ? m->via[0].port : 5060);
	snprintf(vf->method, sizeof vf->method, "%s", t->method);
}

void sw_detect_wire_finish(struct sw_analyze *a)
{
	size_t pos = 0;
	void *v;
	while (sw_map_next(&a->via_flows, &pos, NULL, NULL, &v)) {
		const struct via_flow *vf = v;
		struct sw_addr k[2] = { vf->client, vf->server };
		uint64_t h = sw_reftab_hash(k, sizeof k);
		if (!vf->changed || vf->intact || sw_hashtab_get(&a->via_intact, h))
			continue;
		bool created;
		struct sw_finding *f = sw_fnd_open(a, SW_K_ALG_REWRITE, SW_C_VIA_MISMATCH, 0,
						   vf->account, UINT32_MAX, SW_SEV_WARNING, &created);
		f->suspected = true;
		sw_fnd_evidence(a, f, &vf->req);
		sw_fnd_evidence(a, f, &vf->resp);
		if (created) {
			sw_fnd_fact(f, "sent", "%s", vf->sent);
			sw_fnd_fact(f, "returned", "%s", vf->returned);
			sw_fnd_fact(f, "method", "%s", vf->method);
			sw_fnd_addr_fact(f, "client", &vf->client);
			sw_fnd_fact(f, "answers_changed", "%u", vf->changed);
		}
		sw_fnd_publish(a, f);
	}
}

/* RFC 6598 shared address space (100.64/10): a carrier's own servers (an
 * IMS P-CSCF) see phones behind carrier-grade NAT at these addresses. */
static bool shared_space(const struct sw_addr *x)
{
	return x->family == 4 && x->ip[0] == 100 && (x->ip[1] & 0xC0) == 64;
}

/* A server on a public address writes into received= the source it saw: a
 * public address. A private one in a response that comes from a public
 * server was put there on the way back (an ALG mapping the router's public
 * address back to the phone's). */
static void received_private(struct sw_analyze *a, struct txn *t, const struct sw_ev *ev,
			     uint32_t msg_id)
{
	const struct sw_sip_msg *m = ev->u.sip;
	if (m->is_request || !m->n_via || !m->via[0].received.len ||
	    sw_ip_is_private(&ev->pkt.src))
		return;
	struct sw_addr rcv;
	if (sw_ip_parse(m->via[0].received.p, m->via[0].received.len, &rcv) != 0 ||
	    !sw_ip_is_private(&rcv) || shared_space(&rcv))
		return;
	bool created;
	struct sw_finding *f = open_alg(a, SW_C_RECEIVED_PRIVATE, acct_of_txn(a, t, ev), &created);
	struct evref e;
	if (!t->response_only)
		sw_fnd_evidence(a, f, &t->first_req);
	sw_an_evidence(a, &e, &ev->pkt, msg_id, "Via received");
	sw_fnd_evidence(a, f, &e);
	if (created) {
		char ip[SW_IPSTRLEN];
		sw_fnd_fact(f, "received", "%s", sw_ip_fmt(&rcv, ip));
		sw_fnd_addr_fact(f, "server", &ev->pkt.src);
		sw_fnd_fact(f, "method", "%s", t->method);
		f->client = ev->pkt.dst;
		f->server = ev->pkt.src;
	}
	sw_fnd_publish(a, f);
}

bool sw_rr_wants_tcp(const struct sw_sip_msg *m)
{
	struct sw_str rr = m->record_route_last;
	return sw_memmem(rr.p, rr.len, "transport=tcp", 13) ||
	       sw_memmem(rr.p, rr.len, "transport=TCP", 13);
}

/* The answer to a call over UDP routes the rest of the dialog over TCP: the
 * Record-Route entry next to the phone says transport=tcp. (REGISTER
 * answers are judged with the registration, detect_reg.c.) */
static void dialog_wants_tcp(struct sw_analyze *a, struct txn *t, const struct sw_ev *ev,
			     uint32_t msg_id)
{
	const struct sw_sip_msg *m = ev->u.sip;
	if (m->is_request || t->is_register || ev->pkt.transport != SW_TP_UDP || m->status < 200 ||
	    m->status >= 300 || !sw_rr_wants_tcp(m) || !sw_addr_eq(&ev->pkt.dst, &t->src))
		return;
	struct acct *ac = sw_acct_by_flow(a, &t->src, &t->src);
	bool created;
	struct sw_finding *f = sw_fnd_open(a, SW_K_TRANSPORT_TCP_REQUIRED, SW_C_SERVER_REQUESTS_TCP,
					   0, ac ? ac->pub.id : UINT32_MAX,
					   ac ? UINT32_MAX : t->dialog, SW_SEV_WARNING, &created);
	struct evref e;
	sw_an_evidence(a, &e, &ev->pkt, msg_id, "Record-Route");
	sw_fnd_evidence(a, f, &t->first_req);
	sw_fnd_evidence(a, f, &e);
	if (created) {
		sw_fnd_fact(f, "detail", "%s",
			    sw_an_tr(a, N_("transport=tcp in the server's Contact or Record-Route")));
		f->client = t->src;
		f->server = t->dst;
	}
	sw_fnd_publish(a, f);
}

void sw_detect_on_sip(struct sw_analyze *a, struct txn *t, const struct sw_ev *ev,
		      uint32_t msg_id)
{
	dialog_wants_tcp(a, t, ev, msg_id);
	content_length(a, t, ev, msg_id);
	via_mismatch(a, t, ev, msg_id);
	received_private(a, t, ev, msg_id);
}
