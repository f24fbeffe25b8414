/* SPDX-License-Identifier: BSD-2-Clause */
/* The decoder context: frames in, events out (decode.h). Owns the fragment
 * and TCP tables, the SIP parser and the bounded set of endpoints seen
 * speaking SIP; delivers datagram payloads as SIP (RFC 3261 section 18.3:
 * one message per UDP datagram) or keepalives (RFC 5626 section 3.5.1). */
#include "decode/decode.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "decode/internal.h"
#include "decode/sip_osip.h"

static const uint16_t default_sip_ports[] = {5060, 5061, 5062};

struct sw_decode *sw_decode_new(const struct sw_decode_opts *opts)
{
	struct sw_decode *d = sw_calloc(1, sizeof *d);
	d->bad_declared = -1;
	d->sp = sw_sip_parser_new();
	for (size_t i = 0; i < sizeof default_sip_ports / sizeof default_sip_ports[0]; i++)
		d->sip_ports[d->n_sip_ports++] = default_sip_ports[i];
	if (opts && opts->sip_ports) {
		for (const uint16_t *p = opts->sip_ports; *p; p++) {
			if (sw_dec_is_sip_port(d, *p))
				continue;
			if (d->n_sip_ports == SW_MAX_SIP_PORTS)
				break;
			d->sip_ports[d->n_sip_ports++] = *p;
		}
	}
	sw_addrtab_init(&d->peers);
	sw_map_init(&d->sctp, free);
	sw_frag_init(&d->frag);
	sw_tcp_init(&d->tcp);
	return d;
}

void sw_decode_free(struct sw_decode *d)
{
	if (!d)
		return;
	sw_tcp_free(&d->tcp);
	sw_frag_free(&d->frag);
	sw_sctp_free(d);
	sw_addrtab_free(&d->peers);
	if (d->sp)
		sw_sip_parser_free(d->sp);
	free(d);
}

bool sw_decode_link_supported(int linktype)
{
	switch (linktype) {
	case SW_LINK_NULL:
	case SW_LINK_ETHERNET:
	case 12: /* LINKTYPE_RAW on some systems (DLT_RAW) */
	case 14: /* DLT_RAW on OpenBSD */
	case SW_LINK_RAW:
	case SW_LINK_LOOP:
	case SW_LINK_LINUX_SLL:
	case SW_LINK_IPV4:
	case SW_LINK_IPV6:
	case SW_LINK_LINUX_SLL2:
		return true;
	default:
		return false;
	}
}

void sw_decode_frame(struct sw_decode *d, const struct sw_frame *f, sw_decode_sink sink, void *user)
{
	d->st.frames++;
	d->sink = sink;
	d->user = user;
	memset(&d->pkt, 0, sizeof d->pkt);
	d->pkt.ts_ns = f->ts_ns;
	d->pkt.file_idx = f->file_idx;
	d->pkt.frame_no = f->frame_no;
	d->pkt.first_frame_no = f->frame_no;
	d->pkt.offset = f->offset;
	d->fl_used = d->fl_trunc = d->fl_bad = d->fl_unsupported = d->fl_ip = false;

	sw_link_decode(d, f->linktype, f->data, f->data ? f->caplen : 0);

	d->st.traffic.frames++;
	if (!d->fl_ip && d->fl_trunc)
		d->st.traffic.cut++;
	else if (!d->fl_ip)
		d->st.traffic.non_ip++;

	if (d->fl_trunc)
		d->st.truncated++;
	if (d->fl_bad)
		d->st.bad_headers++;
	if (d->fl_unsupported)
		d->st.unsupported_link++;
	else if (!d->fl_used && !d->fl_trunc && !d->fl_bad)
		d->st.non_sip++;
}

void sw_decode_finish(struct sw_decode *d, sw_decode_sink sink, void *user)
{
	d->sink = sink;
	d->user = user;
	sw_tcp_finish(d);
	sw_frag_finish(d);
}

const struct sw_decode_stats *sw_decode_get_stats(const struct sw_decode *d)
{
	return &d->st;
}

static int parse_sip(struct sw_sip_parser *sp, const char *buf, size_t len,
		     struct sw_sip_msg *msg, const char **why)
{
	static const char *const too_big = "message larger than SW_MAX_SIP_MSG";
	if (len > SW_MAX_SIP_MSG) {
		if (why)
			*why = too_big;
		return -1;
	}
	const char *reason = NULL;
	int rc = sw_sip_parser_parse(sp, buf, len, msg, &reason);
	if (rc != 0 && why)
		*why = reason ? reason : "rejected by the SIP parser";
	return rc == 0 ? 0 : -1;
}

int sw_decode_sip(struct sw_decode *d, const char *buf, size_t len, struct sw_sip_msg *msg,
                  const char **why)
{
	return parse_sip(d->sp, buf, len, msg, why);
}

/* The event of one SIP message p[0..len): parsed into *msg, or rejected
 * (bad: already known to be unusable, with its declared and present body). */
static void sip_event(struct sw_sip_parser *sp, struct sw_sip_msg *msg, struct sw_ev *ev,
		      const char *p, size_t len, const char *bad, int64_t declared,
		      size_t body)
{
	const char *why = bad;
	if (!bad && parse_sip(sp, p, len, msg, &why) == 0) {
		ev->type = SW_EV_SIP;
		ev->u.sip = msg;
		return;
	}
	struct sw_sip_light l;
	sw_sip_scan_light(p, len, &l);
	ev->type = SW_EV_SIP_BAD;
	ev->u.bad.reason = sw_str_c(why);
	ev->u.bad.raw = sw_str_make(p, len);
	ev->u.bad.call_id = l.call_id;
	ev->u.bad.first_line = l.first_line;
	ev->u.bad.declared_length = declared;
	ev->u.bad.body_length = body;
}

void sw_decode_set_defer(struct sw_decode *d, bool (*defer)(void *user), void *user)
{
	d->defer = defer;
	d->defer_user = user;
}

void sw_decode_add_deferred(struct sw_decode *d, uint64_t parsed, uint64_t rejected)
{
	d->st.sip += parsed;
	d->st.sip_bad += rejected;
}

struct sw_decode_deferred {
	struct sw_sip_parser *sp;
	struct sw_sip_msg msg;
};

struct sw_decode_deferred *sw_decode_deferred_new(void)
{
	struct sw_decode_deferred *p = sw_calloc(1, sizeof *p);
	p->sp = sw_sip_parser_new();
	return p;
}

void sw_decode_deferred_free(struct sw_decode_deferred *p)
{
	if (!p)
		return;
	sw_sip_parser_free(p->sp);
	free(p);
}

bool sw_decode_deferred_parse(struct sw_decode_deferred *p, const struct sw_ev *raw,
			      struct sw_ev *out)
{
	memset(out, 0, sizeof *out);
	out->pkt = raw->pkt;
	sip_event(p->sp, &p->msg, out, raw->u.bad.raw.p, raw->u.bad.raw.len, NULL,
		  raw->u.bad.declared_length, raw->u.bad.body_length);
	return out->type == SW_EV_SIP;
}

const char *sw_transport_name(enum sw_transport t)
{
	switch (t) {
	case SW_TP_UDP:
		return "UDP";
	case SW_TP_TCP:
		return "TCP";
	case SW_TP_TLS:
		return "TLS";
	case SW_TP_SCTP:
		return "SCTP";
	case SW_TP_WS:
		return "WS";
	case SW_TP_NONE:
		break;
	}
	return "-";
}

const char *sw_icmp_kind_name(enum sw_icmp_kind k)
{
	switch (k) {
	case SW_ICMP_PORT_UNREACH:
		return "port_unreachable";
	case SW_ICMP_HOST_UNREACH:
		return "host_unreachable";
	case SW_ICMP_NET_UNREACH:
		return "net_unreachable";
	case SW_ICMP_ADMIN_PROHIB:
		return "admin_prohibited";
	case SW_ICMP_PROTO_UNREACH:
		return "proto_unreachable";
	case SW_ICMP_FRAG_NEEDED:
		return "frag_needed";
	case SW_ICMP_TIME_EXCEEDED:
		return "time_exceeded";
	case SW_ICMP_REASSEMBLY:
		return "reassembly_time_exceeded";
	case SW_ICMP_OTHER:
		break;
	}
	return "other";
}

const char *sw_keepalive_kind_name(enum sw_keepalive_kind k)
{
	switch (k) {
	case SW_KA_CRLF_PING:
		return "crlf_ping";
	case SW_KA_CRLF_PONG:
		return "crlf_pong";
	case SW_KA_STUN_REQUEST:
		return "stun_request";
	case SW_KA_STUN_RESPONSE:
		return "stun_response";
	case SW_KA_OTHER:
		break;
	}
	return "other";
}

void sw_dec_emit(struct sw_decode *d, struct sw_ev *ev)
{
	d->fl_used = true;
	switch (ev->type) {
	case SW_EV_SIP:
		d->st.sip++;
		break;
	case SW_EV_SIP_BAD:
		d->st.sip_bad++;
		break;
	case SW_EV_ICMP:
		d->st.icmp_errors++;
		break;
	case SW_EV_KEEPALIVE:
		d->st.keepalives++;
		break;
	case SW_EV_DNS:
		d->st.dns++;
		break;
	case SW_EV_TCP:
	case SW_EV_SIP_RAW: /* counted by sw_decode_add_deferred */
		break;
	}
	if (d->sink)
		d->sink(d->user, ev);
}

bool sw_dec_is_sip_port(const struct sw_decode *d, uint16_t port)
{
	for (size_t i = 0; i < d->n_sip_ports; i++)
		if (d->sip_ports[i] == port)
			return true;
	return false;
}

bool sw_dec_peer_known(const struct sw_decode *d, const struct sw_addr *a)
{
	return d->peers.count && sw_addrtab_get(&d->peers, a) != SW_IDTAB_NONE;
}

void sw_dec_peer_add(struct sw_decode *d, const struct sw_addr *a)
{
	if (!a->family)
		return;
	/* Most messages have the server at one end: the last two endpoints
	 * added are remembered to skip the table. */
	if (sw_addr_eq(a, &d->peer_recent[0]) || sw_addr_eq(a, &d->peer_recent[1]))
		return;
	if (sw_addrtab_get(&d->peers, a) == SW_IDTAB_NONE) {
		if (d->peers.count >= SW_MAX_SIP_PEERS) {
			/* Full: start a new generation. The set only widens
			 * keepalive recognition to non-SIP ports; recent
			 * endpoints matter most, and no packet is lost by
			 * forgetting old ones. */
			sw_addrtab_clear(&d->peers);
			memset(d->peer_recent, 0, sizeof d->peer_recent);
		}
		sw_addrtab_put(&d->peers, a, 0);
	}
	d->peer_recent[1] = d->peer_recent[0];
	d->peer_recent[0] = *a;
}

void sw_dec_sip(struct sw_decode *d, const char *p, size_t len, const char *bad)
{
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.pkt = d->pkt;
	ev.pkt.payload_len = (uint32_t)len;
	sw_dec_peer_add(d, &d->pkt.src);
	sw_dec_peer_add(d, &d->pkt.dst);
	if (!bad && d->defer && d->defer(d->defer_user)) {
		ev.type = SW_EV_SIP_RAW;
		ev.u.bad.raw = sw_str_make(p, len);
		ev.u.bad.declared_length = d->bad_declared;
		ev.u.bad.body_length = d->bad_body;
	} else {
		sip_event(d->sp, &d->msg, &ev, p, len, bad, d->bad_declared, d->bad_body);
	}
	sw_dec_emit(d, &ev);
}

/* One SIP message per datagram (RFC 3261 section 18.3): trailing CRLF or
 * NUL padding after a Content-Length-delimited message is not part of it; a
 * Content-Length larger than the body present makes the message unusable
 * (*bad is set). Returns the message length. */
static size_t datagram_sip_len(const char *s, size_t len, const char **bad, int64_t *declared,
			       size_t *body)
{
	size_t h;
	int64_t cl;
	long fl = sw_sip_frame_scan(s, len, &h, &cl);
	if (fl == 0 && h && cl > 0 && (uint64_t)cl > len - h) {
		*bad = "Content-Length larger than the body present (RFC 3261 section 18.3)";
		*declared = cl;
		*body = len - h;
		return len;
	}
	if (fl > 0 && (size_t)fl < len) {
		size_t i = (size_t)fl;
		while (i < len && (s[i] == '\r' || s[i] == '\n' || s[i] == '\0'))
			i++;
		if (i == len)
			return (size_t)fl;
	}
	while (len && s[len - 1] == '\0')
		len--;
	return len;
}

bool sw_dec_datagram(struct sw_decode *d, const uint8_t *p, size_t len, bool cut)
{
	const char *s = (const char *)p;
	if (sw_sip_looks_like(s, len)) {
		if (cut) {
			sw_dec_sip(d, s, len, SW_REASON_CUT);
		} else {
			const char *bad = NULL;
			int64_t declared = -1;
			size_t body = 0;
			size_t n = datagram_sip_len(s, len, &bad, &declared, &body);
			d->bad_declared = declared;
			d->bad_body = body;
			sw_dec_sip(d, s, n, bad);
			d->bad_declared = -1;
		}
		return true;
	}
	if (cut)
		return false;
	bool flow = sw_dec_is_sip_port(d, d->pkt.src.port) ||
	            sw_dec_is_sip_port(d, d->pkt.dst.port) || sw_dec_peer_known(d, &d->pkt.src) ||
	            sw_dec_peer_known(d, &d->pkt.dst);
	enum sw_keepalive_kind kind;
	if (sw_keepalive_classify(p, len, flow, &kind)) {
		struct sw_ev ev;
		memset(&ev, 0, sizeof ev);
		ev.type = SW_EV_KEEPALIVE;
		ev.pkt = d->pkt;
		ev.pkt.payload_len = (uint32_t)len;
		ev.u.keepalive.kind = kind;
		ev.u.keepalive.len = (uint32_t)len;
		sw_dec_emit(d, &ev);
		return true;
	}
	return false;
}
