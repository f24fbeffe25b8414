/* SPDX-License-Identifier: BSD-2-Clause */
/* -H: sipwatch as a HEP agent. Each SIP message decoded (live or from a file,
 * with its capture time) goes out as one HEP v3 packet of protocol type SIP;
 * each finding, when established and again when revised, goes out as a HEP
 * log (protocol type 100) whose payload is the finding's --json object and
 * whose correlation id is the Call-ID of its evidence, so the collector shows
 * it beside the SIP flow it explains. Also the HEP lines of the summaries
 * (sender and, with -L, collector counters). Nothing here blocks capture or
 * analysis: see hep/send.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/map.h"
#include "common/mem.h"
#include "hep/hep.h"

#define CALLID_RING 32768u      /* recent frames remembered with their Call-ID */
#define CALLID_MAX 256u         /* longer Call-IDs are cut (HOMER indexes fewer) */
#define CLIENT_CALLIDS 4096u    /* phones remembered with their last REGISTER Call-ID */
#define OFFLINE_WAIT_MS 1000    /* -r: wait this long for a slow collector, then drop */
#define EXIT_DRAIN_MS 2000      /* at the end: wait this long for the TCP queue */

struct callid_ent {
	uint8_t key[12]; /* file_idx, frame_no */
	char *call_id;
};

struct sw_cli_hep {
	struct sw_hep_sender *tx;
	uint32_t capture_id;
	struct sw_str auth;
	bool findings;
	bool offline;
	bool stalled;       /* offline: the collector stopped reading; drop, don't wait */
	uint8_t *pkt;
	struct sw_buf json;
	uint64_t messages, findings_sent, too_big;
	struct callid_ent ring[CALLID_RING];
	size_t ring_pos;
	struct sw_map by_frame;   /* key -> struct callid_ent * */
	struct sw_map by_client;  /* struct sw_addr bytes -> owned Call-ID */
};

static void frame_key(uint8_t k[12], uint32_t file_idx, uint64_t frame_no)
{
	memcpy(k, &file_idx, 4);
	memcpy(k + 4, &frame_no, 8);
}

/* A phone's endpoint as a map key (no struct padding in it). */
static void client_key(uint8_t k[19], const struct sw_addr *a)
{
	k[0] = a->family;
	memcpy(k + 1, a->ip, 16);
	k[17] = (uint8_t)(a->port >> 8);
	k[18] = (uint8_t)a->port;
}

static void remember(struct sw_cli_hep *h, const struct sw_pkt *pkt, struct sw_str cid)
{
	if (!cid.len)
		return;
	if (cid.len > CALLID_MAX)
		cid.len = CALLID_MAX;
	struct callid_ent *e = &h->ring[h->ring_pos];
	h->ring_pos = (h->ring_pos + 1) % CALLID_RING;
	if (e->call_id) {
		/* the key may since point at a newer entry (several messages
		 * in one frame): only our own mapping goes */
		if (sw_map_get(&h->by_frame, e->key, sizeof e->key) == e)
			sw_map_take(&h->by_frame, e->key, sizeof e->key);
		free(e->call_id);
	}
	frame_key(e->key, pkt->file_idx, pkt->frame_no);
	e->call_id = sw_strndup(cid.p, cid.len);
	sw_map_put(&h->by_frame, e->key, sizeof e->key, e);
}

int sw_cli_hep_open(struct sw_app *app, char *err, size_t errlen)
{
	const struct sw_opts *o = app->opts;
	if (!o->hep_send)
		return 0;
	struct sw_cli_hep *h = sw_calloc(1, sizeof *h);
	char why[400];
	if (sw_hep_sender_open(&h->tx, o->hep_send, 0, why, sizeof why) != 0) {
		snprintf(err, errlen, "-H %s", why);
		free(h);
		return -1;
	}
	h->capture_id = o->hep_id;
	h->auth = sw_str_c(o->hep_pass);
	h->findings = !o->no_hep_findings;
	h->offline = !sw_opts_live(o);
	h->pkt = sw_malloc(SW_HEP_MAX_PACKET);
	sw_map_init(&h->by_frame, NULL);
	sw_map_init(&h->by_client, free);
	app->hep = h;
	return 0;
}

static void send_packet(struct sw_cli_hep *h, const struct sw_hep_msg *m)
{
	size_t n = sw_hep_encode(h->pkt, SW_HEP_MAX_PACKET, m);
	if (!n) {
		h->too_big++;
		return;
	}
	/* Offline there is no traffic to keep up with: a connected collector
	 * that reads slowly is waited for (TCP flow control), a stalled one
	 * not again until the queue has room. */
	if (h->offline && !h->stalled && sw_hep_sender_is_tcp(h->tx) &&
	    !sw_hep_sender_wait_room(h->tx, n, OFFLINE_WAIT_MS))
		h->stalled = true;
	else if (h->stalled && sw_hep_sender_wait_room(h->tx, n, 0))
		h->stalled = false;
	sw_hep_sender_send(h->tx, h->pkt, n);
}

static void fill_common(struct sw_cli_hep *h, struct sw_hep_msg *m, int64_t ts_ns)
{
	if (ts_ns < 0)
		ts_ns = 0;
	m->ts_sec = (uint32_t)(ts_ns / 1000000000);
	m->ts_usec = (uint32_t)(ts_ns % 1000000000 / 1000);
	m->has_time = true;
	m->capture_id = h->capture_id;
	m->has_capture_id = true;
	m->auth_key = h->auth;
}

void sw_cli_hep_event(struct sw_app *app, const struct sw_ev *ev)
{
	struct sw_cli_hep *h = app->hep;
	struct sw_str raw, cid;
	if (ev->type == SW_EV_SIP) {
		raw = ev->u.sip->raw;
		cid = ev->u.sip->call_id;
		/* the phone's last REGISTER: correlation of last resort */
		if (ev->u.sip->is_request && sw_str_ieq_c(ev->u.sip->method, "REGISTER") &&
		    cid.len) {
			if (h->by_client.count >= CLIENT_CALLIDS) {
				sw_map_free(&h->by_client);
				sw_map_init(&h->by_client, free);
			}
			uint8_t k[19];
			client_key(k, &ev->pkt.src);
			sw_map_put(&h->by_client, k, sizeof k,
				   sw_strndup(cid.p, cid.len > CALLID_MAX ? CALLID_MAX : cid.len));
		}
	} else if (ev->type == SW_EV_SIP_BAD) {
		raw = ev->u.bad.raw;
		cid = ev->u.bad.call_id;
	} else {
		if (ev->type == SW_EV_ICMP && h->findings)
			remember(h, &ev->pkt, ev->u.icmp.quoted_call_id);
		return;
	}
	if (h->findings)
		remember(h, &ev->pkt, cid);
	struct sw_hep_msg m;
	memset(&m, 0, sizeof m);
	switch (ev->pkt.transport) {
	case SW_TP_TCP:
	case SW_TP_TLS:
	case SW_TP_WS:
		m.ip_proto = 6;
		break;
	case SW_TP_SCTP:
		m.ip_proto = 132;
		break;
	default:
		m.ip_proto = 17;
		break;
	}
	m.src = ev->pkt.src;
	m.dst = ev->pkt.dst;
	fill_common(h, &m, ev->pkt.ts_ns);
	m.proto_type = SW_HEP_PT_SIP;
	m.payload = raw;
	h->messages++;
	send_packet(h, &m);
}

void sw_cli_hep_finding(struct sw_app *app, const struct sw_finding *f)
{
	struct sw_cli_hep *h = app->hep;
	if (!h->findings)
		return;
	const char *cid = NULL;
	for (size_t i = 0; i < f->n_evidence && !cid; i++) {
		uint8_t k[12];
		frame_key(k, f->evidence[i].file_idx, f->evidence[i].frame_no);
		const struct callid_ent *e = sw_map_get(&h->by_frame, k, sizeof k);
		if (e)
			cid = e->call_id;
	}
	if (!cid) {
		uint8_t k[19];
		client_key(k, &f->client);
		cid = sw_map_get(&h->by_client, k, sizeof k);
	}
	sw_buf_reset(&h->json);
	sw_out_finding_json_to(app, &h->json, f);
	struct sw_hep_msg m;
	memset(&m, 0, sizeof m);
	m.ip_proto = 17;
	m.src = f->client;
	m.dst = f->server;
	if (!m.src.family)
		m.src.family = m.dst.family ? m.dst.family : 4;
	if (!m.dst.family)
		m.dst.family = m.src.family;
	fill_common(h, &m, f->last_ns);
	m.proto_type = SW_HEP_PT_LOG;
	m.correlation = sw_str_c(cid);
	m.payload = sw_str_make(h->json.p, h->json.len);
	h->findings_sent++;
	send_packet(h, &m);
}

void sw_cli_hep_poll(struct sw_app *app)
{
	if (app->hep)
		sw_hep_sender_poll(app->hep->tx);
}

void sw_cli_hep_finish(struct sw_app *app)
{
	if (app->hep)
		(void)sw_hep_sender_drain(app->hep->tx, EXIT_DRAIN_MS);
}

void sw_cli_hep_free(struct sw_app *app)
{
	struct sw_cli_hep *h = app->hep;
	if (!h)
		return;
	sw_hep_sender_close(h->tx);
	for (size_t i = 0; i < CALLID_RING; i++)
		free(h->ring[i].call_id);
	sw_map_free(&h->by_frame);
	sw_map_free(&h->by_client);
	sw_buf_free(&h->json);
	free(h->pkt);
	free(h);
	app->hep = NULL;
}

/* ---- summaries ---- */

void sw_cli_hep_summary_json(struct sw_app *app, struct sw_buf *b)
{
	if (app->hep) {
		struct sw_hep_send_stats st;
		sw_hep_sender_stats(app->hep->tx, &st);
		sw_buf_puts(b, ",\"hep_send\":{\"server\":");
		sw_buf_put_json_str(b, sw_str_c(sw_hep_sender_spec(app->hep->tx)));
		sw_json_uint(b, "capture_id", app->hep->capture_id);
		sw_json_uint(b, "messages", app->hep->messages);
		sw_json_uint(b, "findings", app->hep->findings_sent);
		sw_json_uint(b, "sent", st.sent);
		sw_json_uint(b, "dropped", st.dropped + app->hep->too_big);
		sw_json_uint(b, "errors", st.errors);
		if (sw_hep_sender_is_tcp(app->hep->tx)) {
			sw_json_uint(b, "connects", st.connects);
			sw_json_uint(b, "unsent", st.queued);
			sw_json_uint(b, "queue_max", st.queue_max);
		}
		sw_buf_putc(b, '}');
	}
	struct sw_hep_listen_stats ls;
	if (!app->cap || !sw_capture_hep_stats(app->cap, &ls))
		return;
	sw_buf_puts(b, ",\"hep_listen\":{\"listen\":[");
	for (size_t i = 0; i < app->opts->nhep_listen; i++) {
		if (i)
			sw_buf_putc(b, ',');
		sw_buf_put_json_str(b, sw_str_c(app->opts->hep_listen[i]));
	}
	sw_buf_putc(b, ']');
	sw_json_uint(b, "agents", sw_capture_nsources(app->cap));
	sw_json_uint(b, "datagrams", ls.datagrams);
	sw_json_uint(b, "tcp_connections", ls.connections);
	sw_json_uint(b, "tcp_bytes", ls.tcp_bytes);
	sw_json_uint(b, "packets", ls.packets);
	sw_json_uint(b, "sip", ls.sip);
	sw_json_uint(b, "logs", ls.logs);
	sw_json_uint(b, "other_types", ls.other_types);
	sw_json_uint(b, "empty", ls.empty);
	sw_json_uint(b, "no_time", ls.no_time);
	sw_json_uint(b, "malformed", ls.malformed);
	sw_buf_puts(b, ",\"malformed_by\":{");
	bool first = true;
	for (int e = 1; e < SW_HEP_N_ERRORS; e++) {
		if (!ls.by_error[e])
			continue;
		sw_buf_printf(b, "%s\"%s\":", first ? "" : ",", sw_hep_error_name(-e));
		sw_buf_put_u64(b, ls.by_error[e]);
		first = false;
	}
	sw_buf_putc(b, '}');
	sw_json_uint(b, "resyncs", ls.resyncs);
	sw_json_uint(b, "auth_failed", ls.auth_failed);
	sw_json_uint(b, "unknown_chunks", ls.unknown_chunks);
	sw_json_uint(b, "other_transport", ls.other_transport);
	sw_json_uint(b, "oversize", ls.oversize);
	sw_json_uint(b, "agents_over_limit", ls.agents_over_limit);
	sw_json_uint(b, "connections_refused", ls.connections_refused);
	sw_json_uint(b, "kernel_dropped", ls.kernel_dropped);
	sw_json_uint(b, "reordered", ls.reordered);
	sw_json_uint(b, "late", ls.late);
	sw_buf_putc(b, '}');
}

void sw_cli_hep_summary_text(struct sw_app *app, FILE *fp)
{
	const struct sw_catalog *cat = app->cat;
	if (app->hep) {
		struct sw_hep_send_stats st;
		sw_hep_sender_stats(app->hep->tx, &st);
		struct sw_buf nb = SW_BUF_INIT;
		sw_buf_put_text(&nb, sw_str_c(sw_hep_sender_spec(app->hep->tx)));
		fprintf(fp,
			sw_tr(cat, "HEP to %s: %llu SIP messages and %llu findings, %llu packets sent, %llu dropped, %llu errors\n"),
			nb.p, (unsigned long long)app->hep->messages,
			(unsigned long long)app->hep->findings_sent, (unsigned long long)st.sent,
			(unsigned long long)(st.dropped + app->hep->too_big),
			(unsigned long long)st.errors);
		if (st.queued)
			fprintf(fp, sw_tr(cat, "HEP to %s: %llu bytes could not be sent before the end\n"),
				nb.p, (unsigned long long)st.queued);
		sw_buf_free(&nb);
	}
	struct sw_hep_listen_stats ls;
	if (!app->cap || !sw_capture_hep_stats(app->cap, &ls))
		return;
	fprintf(fp,
		sw_tr(cat, "HEP received: %llu packets from %zu agents, %llu SIP messages, %llu logs, %llu of other types, %llu malformed, %llu with a wrong key, %llu dropped by the kernel\n"),
		(unsigned long long)ls.packets, sw_capture_nsources(app->cap),
		(unsigned long long)ls.sip, (unsigned long long)ls.logs,
		(unsigned long long)ls.other_types, (unsigned long long)ls.malformed,
		(unsigned long long)ls.auth_failed, (unsigned long long)ls.kernel_dropped);
	if (ls.agents_over_limit)
		fprintf(fp, sw_tr(cat, "HEP received: %llu packets of agents beyond the first %u skipped\n"),
			(unsigned long long)ls.agents_over_limit, SW_HEP_MAX_AGENTS);
}
