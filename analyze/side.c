/* Side channels that explain registrations: keepalives per flow (RFC 5626
 * section 3.5.1 CRLF, RFC 5389 STUN, vendor pings), DNS lookups of the
 * registrar's name (RFC 1035, RFC 3263), and TCP connection attempts. */
#include "analyze/internal.h"

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
	if (sw_addr_eq(&ac->pub.client, &ev->pkt.src)) {
		if (!ac->ka_from_phone++)
			ac->ka_first_ns = ev->pkt.ts_ns;
		ac->ka_last_ns = ev->pkt.ts_ns;
	}
	sw_an_item_add_msg(a, ac->pub.item, msg_id, ev->pkt.ts_ns);
}

static bool is_failure(const struct sw_dns *d)
{
	if (d->rcode != 0)
		return true;
	/* NOERROR without an answer for an address or SRV query: nothing to use. */
	return d->n_answers == 0;
}

void sw_side_on_dns(struct sw_analyze *a, const struct sw_ev *ev)
{
	const struct sw_dns *d = ev->u.dns;
	size_t n = strnlen(d->qname, sizeof d->qname);
	if (!n)
		return;
	struct dns_name *dn = sw_map_get(&a->dns_names, d->qname, n);
	if (!dn) {
		if (a->dns_names.count >= SW_MAX_FLOWS)
			return;
		dn = sw_calloc(1, sizeof *dn);
		dn->name = sw_strndup(d->qname, n);
		sw_map_put(&a->dns_names, d->qname, n, dn);
	}
	if (!d->is_response) {
		if (!dn->queries++)
			sw_an_evidence(a, &dn->first_query, &ev->pkt, UINT32_MAX, "DNS query");
		return;
	}
	dn->last_rcode = d->rcode;
	if (is_failure(d)) {
		dn->failures++;
		dn->last_ok = false;
		char label[48];
		snprintf(label, sizeof label, "DNS %s",
			 d->rcode == 3 ? "NXDOMAIN" : d->rcode == 2 ? "SERVFAIL"
			 : d->rcode ? "error" : "no answer");
		sw_an_evidence(a, &dn->last_fail, &ev->pkt, UINT32_MAX, label);
		dn->last_fail_ns = ev->pkt.ts_ns;
	} else {
		dn->answers++;
		dn->last_ok = true;
	}
}

void sw_side_on_tcp(struct sw_analyze *a, const struct sw_ev *ev)
{
	enum sw_tcp_flag_event w = ev->u.tcp.what;
	const struct sw_addr *client = w == SW_TCP_SYNACK ? &ev->pkt.dst : &ev->pkt.src;
	const struct sw_addr *server = w == SW_TCP_SYNACK ? &ev->pkt.src : &ev->pkt.dst;
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
		if (sw_addr_eq(&ev->pkt.src, server) && !c->rst++)
			sw_an_evidence(a, &c->first_rst, &ev->pkt, UINT32_MAX, "TCP RST");
		break;
	case SW_TCP_FIN:
		break;
	}
}

/* The TCP connection record from any client host to this server address
 * (IP and port), or NULL. */
struct tcp_conn *sw_side_tcp_to(struct sw_analyze *a, const struct sw_addr *server)
{
	size_t pos = 0;
	void *v;
	struct tcp_conn *best = NULL;
	while (sw_map_next(&a->tcp_conns, &pos, NULL, NULL, &v)) {
		struct tcp_conn *c = v;
		if (sw_ip_eq(&c->server, server) && (!best || c->synack > best->synack))
			best = c;
	}
	return best;
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
}
