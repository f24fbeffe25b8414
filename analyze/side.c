/* SPDX-License-Identifier: BSD-2-Clause */
/* Side channels that explain registrations: keepalives per flow (RFC 5626
 * section 3.5.1 CRLF, RFC 5389 STUN, vendor pings), DNS lookups per name and
 * type (RFC 1035, RFC 3263), TCP connection attempts, and the flows whose
 * requests were answered (to tell a size problem from a dead path). */
#include "analyze/internal.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

struct flow_key {
	struct sw_addr a, b;
};

static struct flow_key flow_of(const struct sw_addr *src, const struct sw_addr *dst)
{
	struct flow_key k;
	memset(&k, 0, sizeof k);
	k.a = *src;
	k.b = *dst;
	return k;
}

void sw_side_on_keepalive(struct sw_analyze *a, const struct sw_ev *ev, uint32_t msg_id)
{
	struct flow_key k = flow_of(&ev->pkt.src, &ev->pkt.dst);
	struct ka_flow *f = sw_map_get(&a->ka_flows, &k, sizeof k);
	if (!f) {
		if (a->ka_flows.count >= SW_MAX_FLOWS)
			return;
		f = sw_calloc(1, sizeof *f);
		f->src = ev->pkt.src;
		f->dst = ev->pkt.dst;
		f->first_ns = ev->pkt.ts_ns;
		sw_an_evidence(a, &f->first, &ev->pkt, msg_id, "keepalive");
		sw_map_put(&a->ka_flows, &k, sizeof k, f);
	}
	f->count++;
	f->last_ns = ev->pkt.ts_ns;
	f->kinds |= 1u << (ev->u.keepalive.kind & 31);
	struct acct *ac = sw_acct_by_flow(a, &ev->pkt.src, &ev->pkt.dst);
	if (!ac)
		return;
	sw_acct_on_keepalive(a, ac, ev);
	sw_an_item_add_msg(a, ac->pub.item, msg_id, ev->pkt.ts_ns);
}

struct dns_key {
	uint16_t qtype;
	char name[256];
};

void sw_side_on_dns(struct sw_analyze *a, const struct sw_ev *ev)
{
	const struct sw_dns *d = ev->u.dns;
	size_t n = strnlen(d->qname, sizeof d->qname);
	if (!n)
		return;
	struct dns_key k;
	memset(&k, 0, sizeof k);
	k.qtype = d->qtype;
	memcpy(k.name, d->qname, n);
	size_t klen = offsetof(struct dns_key, name) + n;
	struct dns_name *dn = sw_map_get(&a->dns_names, &k, klen);
	if (!dn) {
		if (a->dns_names.count >= SW_MAX_FLOWS)
			return;
		dn = sw_calloc(1, sizeof *dn);
		dn->name = sw_strndup(d->qname, n);
		dn->qtype = d->qtype;
		sw_map_put(&a->dns_names, &k, klen, dn);
	}
	if (!d->is_response) {
		if (!dn->queries++) {
			dn->first_query_ns = ev->pkt.ts_ns;
			sw_an_evidence(a, &dn->first_query, &ev->pkt, UINT32_MAX, "DNS query");
		}
		dn->last_query_ns = ev->pkt.ts_ns;
		dn->server = ev->pkt.dst;
		sw_an_evidence(a, &dn->last_query, &ev->pkt, UINT32_MAX, "DNS query");
		return;
	}
	dn->responses++;
	const char *what = NULL;
	for (size_t i = 0; i < d->n_targets; i++) {
		size_t tl = strnlen(d->targets[i], sizeof d->targets[i]);
		if (tl && !sw_map_get(&a->srv_targets, d->targets[i], tl) &&
		    a->srv_targets.count < SW_MAX_FLOWS)
			sw_map_put(&a->srv_targets, d->targets[i], tl, (void *)1);
	}
	if (d->rcode == 0 && d->n_answers) {
		if (dn->first_fail_ns && !dn->ok_after_fail_ns)
			dn->ok_after_fail_ns = ev->pkt.ts_ns;
		dn->usable++;
	}
	else if (d->rcode == 3)
		dn->nxdomain++, what = "DNS NXDOMAIN";
	else if (d->rcode == 2)
		dn->servfail++, what = "DNS SERVFAIL";
	else if (d->rcode == 0)
		dn->empty++, what = "DNS no records";
	else
		dn->other_err++, what = "DNS error";
	if (what) {
		sw_an_evidence(a, &dn->last_fail, &ev->pkt, UINT32_MAX, what);
		if (!dn->first_fail_ns) {
			dn->first_fail_ns = ev->pkt.ts_ns;
			dn->first_fail = dn->last_fail;
		}
	}
}

void sw_side_on_tcp(struct sw_analyze *a, const struct sw_ev *ev)
{
	enum sw_tcp_flag_event w = ev->u.tcp.what;
	const struct sw_addr *client = w == SW_TCP_SYNACK || w == SW_TCP_RST ? &ev->pkt.dst
									    : &ev->pkt.src;
	const struct sw_addr *server = w == SW_TCP_SYNACK || w == SW_TCP_RST ? &ev->pkt.src
									    : &ev->pkt.dst;
	struct flow_key k = flow_of(client, server);
	k.a.port = 0; /* one record per client host and server port */
	struct tcp_conn *c = sw_map_get(&a->tcp_conns, &k, sizeof k);
	if (!c) {
		if (w != SW_TCP_SYN || a->tcp_conns.count >= SW_MAX_FLOWS)
			return; /* only connections whose start we saw */
		c = sw_calloc(1, sizeof *c);
		c->client = *client;
		c->server = *server;
		sw_map_put(&a->tcp_conns, &k, sizeof k, c);
	}
	switch (w) {
	case SW_TCP_SYN:
		if (!c->syn++)
			sw_an_evidence(a, &c->first_syn, &ev->pkt, UINT32_MAX, "TCP SYN");
		break;
	case SW_TCP_SYNACK:
		if (!c->synack++)
			sw_an_evidence(a, &c->first_synack, &ev->pkt, UINT32_MAX, "TCP SYN-ACK");
		break;
	case SW_TCP_RST:
		if (!c->rst++)
			sw_an_evidence(a, &c->first_rst, &ev->pkt, UINT32_MAX, "TCP RST");
		break;
	case SW_TCP_FIN:
		break;
	}
}

static bool sip_port(uint16_t port, uint16_t own)
{
	return port == 5060 || port == 5061 || (own && port == own);
}

struct tcp_conn *sw_side_tcp_sip(struct sw_analyze *a, const struct sw_addr *server)
{
	size_t pos = 0;
	void *v;
	struct tcp_conn *best = NULL;
	while (sw_map_next(&a->tcp_conns, &pos, NULL, NULL, &v)) {
		struct tcp_conn *c = v;
		if (sw_ip_eq(&c->server, server) && sip_port(c->server.port, server->port) &&
		    (!best || c->synack > best->synack))
			best = c;
	}
	return best;
}

void sw_side_answered(struct sw_analyze *a, const struct sw_addr *client,
		      const struct sw_addr *server, int64_t ts)
{
	struct flow_key k = flow_of(client, server);
	uint64_t h = sw_reftab_hash(&k, sizeof k);
	int64_t *v = sw_hashtab_get(&a->answered_flows, h);
	if (!v) {
		if (a->answered_flows.count >= SW_MAX_FLOWS)
			return;
		v = sw_hashtab_put(&a->answered_flows, h);
	}
	*v = ts;
}

struct path_mtu {
	uint32_t mtu;
	struct evref icmp;
};

void sw_side_frag_needed(struct sw_analyze *a, const struct sw_addr *client,
			 const struct sw_addr *server, uint32_t mtu, const struct evref *e)
{
	struct flow_key k = flow_of(client, server);
	struct path_mtu *v = sw_map_get(&a->path_mtus, &k, sizeof k);
	if (!v) {
		if (a->path_mtus.count >= SW_MAX_FLOWS)
			return;
		v = sw_malloc(sizeof *v);
		sw_map_put(&a->path_mtus, &k, sizeof k, v);
	}
	v->mtu = mtu;
	v->icmp = *e;
}

uint32_t sw_side_path_mtu(struct sw_analyze *a, const struct sw_addr *client,
			  const struct sw_addr *server, struct evref *e)
{
	struct flow_key k = flow_of(client, server);
	const struct path_mtu *v = sw_map_get(&a->path_mtus, &k, sizeof k);
	if (!v)
		return 0;
	*e = v->icmp;
	return v->mtu;
}

int64_t sw_side_last_answered(struct sw_analyze *a, const struct sw_addr *client,
			      const struct sw_addr *server)
{
	struct flow_key k = flow_of(client, server);
	const int64_t *v = sw_hashtab_get(&a->answered_flows, sw_reftab_hash(&k, sizeof k));
	return v ? *v : INT64_MIN;
}

void sw_side_free_all(struct sw_analyze *a)
{
	size_t pos = 0;
	void *v;
	while (sw_map_next(&a->dns_names, &pos, NULL, NULL, &v)) {
		struct dns_name *dn = v;
		free(dn->name);
		free(dn);
	}
	sw_map_free(&a->dns_names);
	sw_hashtab_free(&a->answered_flows);
	sw_map_free(&a->path_mtus);
	sw_map_free(&a->srv_targets);
}
