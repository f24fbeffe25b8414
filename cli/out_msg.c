/* SPDX-License-Identifier: BSD-2-Clause */
/* --messages: one line (or one JSON object, docs/json.md) per SIP message,
 * malformed SIP message and ICMP error. Wire strings pass through
 * sw_buf_put_text / sw_buf_put_json: nothing from a packet reaches the
 * terminal as a control sequence. The digest response is never printed. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/timefmt.h"

const char *sw_out_file_name(const struct sw_app *app, uint32_t file_idx)
{
	const struct sw_capture_source *s = sw_capture_source(app->cap, file_idx);
	return s ? s->name : "?";
}

static const char *base_name(const char *p)
{
	const char *b = strrchr(p, '/');
	return b && b[1] ? b + 1 : p;
}

const char *sw_out_file_label(const struct sw_app *app, uint32_t file_idx)
{
	const char *name = sw_out_file_name(app, file_idx);
	const char *base = base_name(name);
	/* The short name, unless another input has the same one. */
	for (size_t i = 0; i < sw_capture_nsources(app->cap); i++)
		if (i != file_idx && strcmp(base_name(sw_out_file_name(app, (uint32_t)i)), base) == 0)
			return name;
	return base;
}

void sw_out_flush_line(struct sw_app *app)
{
	fwrite(app->line.p, 1, app->line.len, app->out);
	sw_buf_reset(&app->line);
	if (app->stream_findings)
		fflush(app->out);
}

static void put_frame_ref(struct sw_app *app, struct sw_buf *b, uint32_t file_idx, uint64_t frame)
{
	if (sw_capture_nsources(app->cap) > 1) {
		sw_buf_put_text(b, sw_str_c(sw_out_file_label(app, file_idx)));
		sw_buf_printf(b, ":%llu", (unsigned long long)frame);
	} else {
		sw_buf_printf(b, "%llu", (unsigned long long)frame);
	}
}

/* "0c:38:3e:1a:2b:3c" */
static void put_mac(struct sw_buf *b, const uint8_t *m)
{
	sw_buf_printf(b, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void text_head(struct sw_app *app, const struct sw_pkt *p)
{
	struct sw_buf *b = &app->line;
	char t[SW_TIMESTRLEN], s[SW_ADDRSTRLEN], d[SW_ADDRSTRLEN];
	put_frame_ref(app, b, p->file_idx, p->frame_no);
	sw_buf_printf(b, " %s ", sw_time_iso(p->ts_ns, t));
	/* -e, as tcpdump: the link-level header before the addresses. */
	if (app->opts->link_header && p->has_mac) {
		put_mac(b, p->src_mac);
		sw_buf_puts(b, " > ");
		put_mac(b, p->dst_mac);
		for (unsigned i = 0; i < p->n_vlan && i < 2; i++)
			sw_buf_printf(b, " vlan %u", p->vlan[i]);
		sw_buf_puts(b, ", ");
	}
	sw_buf_printf(b, "%s > %s %s ", sw_addr_fmt(&p->src, s), sw_addr_fmt(&p->dst, d),
		      sw_transport_name(p->transport));
}

/* -v: the whole message under its line, each line indented and escaped as
 * all wire text is (the digest response is already masked in raw). */
static void text_full(struct sw_buf *b, struct sw_str raw)
{
	size_t i = 0;
	while (i < raw.len) {
		size_t j = i;
		while (j < raw.len && raw.p[j] != '\n')
			j++;
		size_t e = j > i && raw.p[j - 1] == '\r' ? j - 1 : j;
		sw_buf_puts(b, "    ");
		sw_buf_put_text(b, (struct sw_str){ raw.p + i, e - i });
		sw_buf_putc(b, '\n');
		i = j + 1;
	}
}

void sw_out_message_text(struct sw_app *app, const struct sw_ev *ev, const struct sw_msg_note *n)
{
	struct sw_buf *b = &app->line;
	text_head(app, &ev->pkt);
	if (ev->type == SW_EV_SIP) {
		const struct sw_sip_msg *m = ev->u.sip;
		if (m->is_request) {
			sw_buf_put_text(b, m->method);
			sw_buf_putc(b, ' ');
			sw_buf_put_text(b, m->ruri.raw);
		} else {
			sw_buf_printf(b, "%d ", m->status);
			sw_buf_put_text(b, m->reason);
		}
		sw_buf_printf(b, " CSeq %lld ", (long long)m->cseq);
		sw_buf_put_text(b, m->cseq_method);
		sw_buf_puts(b, " Call-ID ");
		sw_buf_put_text(b, m->call_id);
		if (n && n->retrans)
			sw_buf_puts(b, " [retransmission]");
		if (ev->pkt.first_frame_no != ev->pkt.frame_no)
			sw_buf_printf(b, " [reassembled from frame %llu]",
				      (unsigned long long)ev->pkt.first_frame_no);
	} else if (ev->type == SW_EV_SIP_BAD) {
		sw_buf_puts(b, "MALFORMED \"");
		struct sw_str fl = ev->u.bad.first_line;
		if (fl.len > 100)
			fl.len = 100;
		sw_buf_put_text(b, fl);
		sw_buf_puts(b, "\" (");
		sw_buf_put_text(b, ev->u.bad.reason);
		sw_buf_putc(b, ')');
	} else {
		const struct sw_icmp *ic = &ev->u.icmp;
		char s[SW_ADDRSTRLEN], d[SW_ADDRSTRLEN];
		sw_buf_printf(b, "ICMP %s for %s %s > %s", sw_icmp_kind_name(ic->kind),
			      ic->quoted_proto == 17 ? "UDP" : ic->quoted_proto == 6 ? "TCP" : "IP",
			      sw_addr_fmt(&ic->quoted_src, s), sw_addr_fmt(&ic->quoted_dst, d));
		if (ic->quoted_sip) {
			sw_buf_puts(b, " (quoting ");
			if (ic->quoted_is_request)
				sw_buf_put_text(b, ic->quoted_method);
			else
				sw_buf_printf(b, "%d", ic->quoted_status);
			if (ic->quoted_cseq >= 0)
				sw_buf_printf(b, " CSeq %lld", (long long)ic->quoted_cseq);
			if (ic->quoted_call_id.len) {
				sw_buf_puts(b, " Call-ID ");
				sw_buf_put_text(b, ic->quoted_call_id);
			}
			sw_buf_putc(b, ')');
		}
	}
	sw_buf_putc(b, '\n');
	if (app->opts->verbose && ev->type == SW_EV_SIP && ev->u.sip->raw.len)
		text_full(b, ev->u.sip->raw);
	sw_out_flush_line(app);
}

void sw_out_json_addr(struct sw_buf *b, const char *key, const struct sw_addr *a)
{
	char ip[SW_IPSTRLEN];
	sw_buf_put_key(b, key);
	sw_buf_putc(b, '"');
	sw_buf_puts(b, sw_ip_fmt(a, ip));
	sw_buf_putc(b, '"');
}

static void jstr(struct sw_buf *b, const char *key, struct sw_str s)
{
	if (!s.p)
		return;
	sw_buf_put_key(b, key);
	sw_buf_put_json_str(b, s);
}

static void jint(struct sw_buf *b, const char *key, long long v)
{
	if (v >= 0) {
		sw_buf_put_key(b, key);
		sw_buf_put_i64(b, v);
	}
}


static void json_pkt(struct sw_app *app, struct sw_buf *b, const struct sw_pkt *p)
{
	char t[SW_TIMESTRLEN];
	sw_buf_puts(b, ",\"file\":");
	sw_buf_put_json_str(b, sw_str_c(sw_out_file_name(app, p->file_idx)));
	sw_json_uint(b, "frame", p->frame_no);
	if (p->first_frame_no != p->frame_no)
		sw_json_uint(b, "first_frame", p->first_frame_no);
	sw_buf_puts(b, ",\"time\":\"");
	sw_buf_puts(b, sw_time_iso(p->ts_ns, t));
	/* "ts": seconds.microseconds, the same instant */
	int64_t sec = p->ts_ns / SW_NS_PER_SEC, rem = p->ts_ns % SW_NS_PER_SEC;
	if (rem < 0) {
		rem += SW_NS_PER_SEC;
		sec--;
	}
	sw_buf_puts(b, "\",\"ts\":");
	sw_buf_put_i64(b, sec);
	char us[8];
	int64_t u = rem / 1000;
	us[0] = '.';
	for (int i = 6; i >= 1; i--) {
		us[i] = (char)('0' + u % 10);
		u /= 10;
	}
	sw_buf_put(b, us, 7);
	sw_out_json_addr(b, "src", &p->src);
	sw_json_uint(b, "sport", p->src.port);
	sw_out_json_addr(b, "dst", &p->dst);
	sw_json_uint(b, "dport", p->dst.port);
	sw_buf_puts(b, ",\"transport\":\"");
	sw_buf_puts(b, sw_transport_name(p->transport));
	sw_buf_putc(b, '"');
	if (app->opts->link_header && p->has_mac) {
		sw_buf_puts(b, ",\"src_mac\":\"");
		put_mac(b, p->src_mac);
		sw_buf_puts(b, "\",\"dst_mac\":\"");
		put_mac(b, p->dst_mac);
		sw_buf_putc(b, '"');
	}
	if (p->n_vlan) {
		sw_buf_printf(b, ",\"vlan\":[%u", p->vlan[0]);
		if (p->n_vlan > 1)
			sw_buf_printf(b, ",%u", p->vlan[1]);
		sw_buf_putc(b, ']');
	}
	if (p->ip_reassembled)
		sw_buf_printf(b, ",\"ip_fragments\":%u", p->ip_frags);
}

static void json_uri(struct sw_buf *b, const char *key, const char *tag_key,
		     const struct sw_sip_nameaddr *na)
{
	if (!na->uri.raw.p)
		return;
	jstr(b, key, na->uri.raw);
	jstr(b, tag_key, na->tag);
}

static void json_auth(struct sw_buf *b, const char *name, const struct sw_sip_auth *a, bool *first)
{
	if (!a->present)
		return;
	sw_buf_puts(b, *first ? "{" : ",{");
	*first = false;
	sw_buf_puts(b, "\"header\":\"");
	sw_buf_puts(b, name);
	sw_buf_putc(b, '"');
	jstr(b, "scheme", a->scheme);
	jstr(b, "realm", a->realm);
	jstr(b, "username", a->username);
	jstr(b, "nonce", a->nonce);
	jstr(b, "algorithm", a->algorithm);
	if (a->stale)
		sw_buf_puts(b, ",\"stale\":true");
	if (a->has_response)
		sw_buf_puts(b, ",\"has_response\":true");
	sw_buf_putc(b, '}');
}

static void json_sip(struct sw_buf *b, const struct sw_sip_msg *m)
{
	sw_buf_puts(b, m->is_request ? ",\"request\":true" : ",\"request\":false");
	if (m->is_request) {
		jstr(b, "method", m->method);
		jstr(b, "ruri", m->ruri.raw);
	} else {
		jint(b, "status", m->status);
		jstr(b, "reason", m->reason);
	}
	jint(b, "cseq", m->cseq);
	jstr(b, "cseq_method", m->cseq_method);
	jstr(b, "call_id", m->call_id);
	json_uri(b, "from", "from_tag", &m->from);
	json_uri(b, "to", "to_tag", &m->to);
	sw_buf_puts(b, ",\"via\":[");
	for (size_t i = 0; i < m->n_via && i < SW_SIP_MAX_VIAS; i++) {
		const struct sw_sip_via *v = &m->via[i];
		sw_buf_puts(b, i ? ",{" : "{");
		sw_buf_puts(b, "\"transport\":");
		sw_buf_put_json_str(b, v->protocol.p ? v->protocol : SW_STR_LIT(""));
		jstr(b, "host", v->host);
		jint(b, "port", v->port);
		jstr(b, "branch", v->branch);
		jstr(b, "received", v->received);
		if (v->has_rport)
			jint(b, "rport", v->rport > 0 ? v->rport : 0);
		sw_buf_putc(b, '}');
	}
	sw_buf_putc(b, ']');
	if (m->n_via > SW_SIP_MAX_VIAS)
		sw_buf_printf(b, ",\"via_count\":%zu", m->n_via);
	if (m->n_contact || m->contact_star) {
		sw_buf_puts(b, ",\"contact\":[");
		if (m->contact_star)
			sw_buf_puts(b, "\"*\"");
		for (size_t i = 0; i < m->n_contact && i < SW_SIP_MAX_CONTACTS; i++) {
			const struct sw_sip_contact *c = &m->contact[i];
			sw_buf_puts(b, (i || m->contact_star) ? ",{" : "{");
			sw_buf_puts(b, "\"uri\":");
			sw_buf_put_json_str(b, c->uri.raw.p ? c->uri.raw : SW_STR_LIT(""));
			jint(b, "expires", c->expires);
			jstr(b, "instance", c->instance);
			jint(b, "reg_id", c->reg_id);
			sw_buf_putc(b, '}');
		}
		sw_buf_putc(b, ']');
	}
	jint(b, "expires", m->expires);
	jint(b, "min_expires", m->min_expires);
	jint(b, "retry_after", m->retry_after);
	jstr(b, "user_agent", m->user_agent);
	jstr(b, "server", m->server);
	jstr(b, "warning", m->warning);
	jstr(b, "reason_header", m->reason_hdr);
	bool first = true;
	if (m->www_auth.present || m->proxy_auth.present || m->authorization.present ||
	    m->proxy_authz.present) {
		sw_buf_puts(b, ",\"auth\":[");
		json_auth(b, "WWW-Authenticate", &m->www_auth, &first);
		json_auth(b, "Proxy-Authenticate", &m->proxy_auth, &first);
		json_auth(b, "Authorization", &m->authorization, &first);
		json_auth(b, "Proxy-Authorization", &m->proxy_authz, &first);
		sw_buf_putc(b, ']');
	}
	jint(b, "content_length", m->content_length);
	sw_json_uint(b, "body_length", m->body_len);
	sw_json_uint(b, "size", m->raw.len);
	if (m->content_length_mismatch)
		sw_buf_puts(b, ",\"content_length_mismatch\":true");
	if (m->sdp.present) {
		sw_buf_puts(b, ",\"sdp\":{");
		sw_buf_puts(b, "\"origin\":");
		sw_buf_put_json_str(b, m->sdp.origin_addr);
		sw_buf_puts(b, ",\"connection\":");
		sw_buf_put_json_str(b, m->sdp.conn_addr);
		sw_buf_puts(b, ",\"media\":[");
		for (size_t i = 0; i < m->sdp.n_media && i < SW_SIP_MAX_MEDIA; i++) {
			const struct sw_sdp_media *md = &m->sdp.media[i];
			sw_buf_puts(b, i ? ",{\"media\":" : "{\"media\":");
			sw_buf_put_json_str(b, md->media);
			sw_buf_printf(b, ",\"port\":%d", md->port);
			jstr(b, "proto", md->proto);
			jstr(b, "connection", md->conn);
			sw_buf_putc(b, '}');
		}
		sw_buf_puts(b, "]}");
	}
}

/* ,"response_time":S.UUUUUU as printf("%.6f", ns / 1e9) writes it: by
 * integers unless the nanoseconds are a tie (xxx500) or so large that the
 * double's error could reach a rounding boundary (then printf itself). */
static void json_response_time(struct sw_buf *b, int64_t ns)
{
	if (ns % 1000 == 500 || ns >= INT64_C(1000000000000000)) {
		sw_buf_printf(b, ",\"response_time\":%.6f", (double)ns / 1e9);
		return;
	}
	int64_t us = (ns + 500) / 1000;
	sw_buf_puts(b, ",\"response_time\":");
	sw_buf_put_i64(b, us / 1000000);
	char frac[7];
	int64_t f = us % 1000000;
	frac[0] = '.';
	for (int i = 6; i >= 1; i--) {
		frac[i] = (char)('0' + f % 10);
		f /= 10;
	}
	sw_buf_put(b, frac, 7);
}

void sw_out_message_json(struct sw_app *app, const struct sw_ev *ev, const struct sw_msg_note *n)
{
	struct sw_buf *b = &app->line;
	if (ev->type == SW_EV_ICMP) {
		const struct sw_icmp *ic = &ev->u.icmp;
		sw_buf_puts(b, "{\"type\":\"icmp\"");
		json_pkt(app, b, &ev->pkt);
		sw_buf_printf(b, ",\"kind\":\"%s\",\"icmp_type\":%u,\"icmp_code\":%u",
			      sw_icmp_kind_name(ic->kind), ic->type, ic->code);
		if (ic->mtu)
			sw_buf_printf(b, ",\"mtu\":%u", ic->mtu);
		sw_buf_printf(b, ",\"quoted_proto\":%u", ic->quoted_proto);
		sw_out_json_addr(b, "quoted_src", &ic->quoted_src);
		sw_buf_printf(b, ",\"quoted_sport\":%u", ic->quoted_src.port);
		sw_out_json_addr(b, "quoted_dst", &ic->quoted_dst);
		sw_buf_printf(b, ",\"quoted_dport\":%u", ic->quoted_dst.port);
		if (ic->quoted_sip) {
			sw_buf_puts(b, ",\"quoted_sip\":{");
			if (ic->quoted_is_request) {
				sw_buf_puts(b, "\"method\":");
				sw_buf_put_json_str(b, ic->quoted_method);
			} else {
				sw_buf_printf(b, "\"status\":%d", ic->quoted_status);
			}
			jstr(b, "call_id", ic->quoted_call_id);
			jint(b, "cseq", ic->quoted_cseq);
			jstr(b, "branch", ic->quoted_branch);
			sw_buf_putc(b, '}');
		}
		sw_buf_puts(b, "}\n");
		sw_out_flush_line(app);
		return;
	}
	sw_buf_puts(b, "{\"type\":\"message\"");
	json_pkt(app, b, &ev->pkt);
	if (ev->type == SW_EV_SIP_BAD) {
		sw_buf_puts(b, ",\"malformed\":true,\"error\":");
		sw_buf_put_json_str(b, ev->u.bad.reason);
		jstr(b, "first_line", ev->u.bad.first_line);
		jstr(b, "call_id", ev->u.bad.call_id);
		sw_buf_printf(b, ",\"size\":%zu", ev->u.bad.raw.len);
	} else {
		json_sip(b, ev->u.sip);
		sw_buf_puts(b, n && n->retrans ? ",\"retrans\":true" : ",\"retrans\":false");
		if (n && n->response_time_ns >= 0)
			json_response_time(b, n->response_time_ns);
	}
	sw_buf_puts(b, "}\n");
	sw_out_flush_line(app);
}
