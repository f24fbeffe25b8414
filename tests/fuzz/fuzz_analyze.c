/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target: the analysis (analyze/) fed with a structured sequence
 * of events, so that the fuzzer spends its time on transactions,
 * registrations, dialogs, ICMP matching and timers rather than on getting
 * bytes through the link and IP layers.
 *
 * The input is a small program. Byte 0 sets the analysis options (bit 0
 * keep_messages, bit 1 keep_raw, bits 2-3 max_messages 0/1/7/64, bit 4 the
 * Chinese catalog, bit 5 an on_finding callback, bit 6 accounts packed at
 * rest with one left unpacked). Then each operation is an
 * op byte, a time step and an address byte, then operands:
 *   op % 8 = 0..2  a SIP request built from small pools (REGISTER mostly)
 *            3     a SIP response (status from a table or raw)
 *            4     an ICMP error quoting a request
 *            5     a keepalive, DNS answer or TCP flag event
 *            6     time passes (sw_analyze_tick only)
 *            7     raw SIP text from the input, parsed as the decoder does
 * SIP text is parsed by the real parser (sw_decode_sip), so the analysis
 * sees exactly what the decoder gives it; what the parser rejects becomes
 * SW_EV_SIP_BAD. Time mostly moves forward in steps of 50 ms, with jumps of
 * 40 s (timer F), an hour, and one step back. Every result the analysis
 * exposes is read at the end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "decode/sipscan.h"
#include "fuzz_util.h"
#include "po/i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OPS 3000u
#define NS INT64_C(1000000000)

static struct sw_decode *dec;

static const char *const methods[] = {
    "REGISTER",  "REGISTER", "REGISTER", "INVITE", "OPTIONS", "ACK",    "BYE",     "CANCEL",
    "SUBSCRIBE", "NOTIFY",   "MESSAGE",  "PRACK",  "INFO",    "UPDATE", "PUBLISH", "REFER",
};
static const int statuses[] = {
    100, 180, 183, 200, 200, 200, 202, 401, 401, 403, 404, 407, 408, 420, 423,
    480, 481, 486, 487, 488, 489, 494, 500, 502, 503, 504, 600, 603, 604, 699,
};
static const char *const users[] = {"1001", "1002", "1003", "alice\x1b[31m"};
static const char *const agents[] = {
    "Yealink SIP-T46S 66.86.0.15",
    "Grandstream GXP2170 1.0.11.23",
    "",
    "\x1b]0;pwned\x07",
    "Fanvil X4 2.4.0",
    "friendly-scanner",
};
static const char *const warnings[] = {
    "",
    "399 pbx \"Contact rewritten\"",
    "392 10.0.0.1:5060 \"Noisy feedback\"",
    "301 \x1b[2J \"x\"",
};

/* Endpoints: 4 phones (one IPv6), 3 servers (5060, 5070, IPv6). */
static void phone_addr(unsigned i, struct sw_addr *a)
{
	memset(a, 0, sizeof *a);
	if (i == 3) {
		a->family = 6;
		a->ip[0] = 0xfd;
		a->ip[15] = 0x10;
	} else {
		a->family = 4;
		a->ip[0] = 192, a->ip[1] = 168, a->ip[2] = 1, a->ip[3] = (uint8_t)(100 + i);
	}
	a->port = i == 2 ? 5062 : 5060;
}

static void server_addr(unsigned i, struct sw_addr *a)
{
	memset(a, 0, sizeof *a);
	if (i == 2 || i == 3) {
		a->family = 6;
		a->ip[0] = 0x20, a->ip[1] = 0x01, a->ip[2] = 0x0d, a->ip[3] = 0xb8;
		a->ip[15] = 1;
		a->port = 5060;
	} else {
		a->family = 4;
		a->ip[0] = 198, a->ip[1] = 51, a->ip[2] = 100, a->ip[3] = 10;
		a->port = i == 1 ? 5070 : 5060;
	}
}

static const char *ip_text(const struct sw_addr *a, char *buf)
{
	return sw_ip_fmt(a, buf);
}

struct run {
	struct sw_analyze *an;
	struct fz z;
	int64_t ts;
	int64_t last;
	uint64_t frame_no;
	struct sw_pkt pkt;
	struct sw_addr phone, server;
	bool from_phone;
	struct sw_buf text;
	uint64_t findings_seen;
};

static void on_finding(void *user, const struct sw_finding *f)
{
	struct run *r = user;
	r->findings_seen++;
	fz_touch_cstr(sw_kind_name(f->kind));
	fz_touch_cstr(sw_finding_cause(f));
	struct sw_finding_texts tx;
	sw_finding_texts(r->an, f, SW_TEXT_ALL, &tx);
	fz_touch_cstr(tx.summary);
	fz_touch_cstr(tx.explanation);
	fz_touch_cstr(tx.advice);
	fz_touch_cstr(tx.confirm);
	sw_finding_texts_free(&tx);
	fz_touch_cstr(f->aor);
	FZ_CHECK(f->n_evidence <= SW_FINDING_MAX_EVIDENCE);
	FZ_CHECK(f->n_facts <= SW_FINDING_MAX_FACTS);
}

/* Time step, then the packet's endpoints and transport. */
static void step_and_pkt(struct run *r)
{
	uint8_t step = fz_u8(&r->z);
	if (step == 0xff)
		r->ts += 3600 * NS;
	else if (step == 0xfe)
		r->ts -= 2 * NS;
	else if (step == 0xfd)
		r->ts += 40 * NS;
	else
		r->ts += (int64_t)step * 50000000;
	if (r->ts > r->last)
		r->last = r->ts;
	uint8_t a = fz_u8(&r->z);
	phone_addr(a & 3u, &r->phone);
	server_addr((a >> 2) & 3u, &r->server);
	r->from_phone = !(a & 0x10);
	static const enum sw_transport tps[] = {SW_TP_UDP, SW_TP_UDP,  SW_TP_UDP, SW_TP_TCP,
	                                        SW_TP_TLS, SW_TP_SCTP, SW_TP_WS,  SW_TP_UDP};
	memset(&r->pkt, 0, sizeof r->pkt);
	r->pkt.ts_ns = r->ts;
	r->pkt.frame_no = r->pkt.first_frame_no = ++r->frame_no;
	r->pkt.offset = r->frame_no * 100;
	r->pkt.src = r->from_phone ? r->phone : r->server;
	r->pkt.dst = r->from_phone ? r->server : r->phone;
	r->pkt.transport = tps[a >> 5];
	if (a & 0x20) {
		r->pkt.has_mac = true;
		r->pkt.src_mac[5] = (uint8_t)(a & 3u);
	}
	sw_analyze_tick(r->an, r->ts);
}

static void deliver_text(struct run *r)
{
	struct sw_sip_msg msg;
	const char *why = NULL;
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.pkt = r->pkt;
	ev.pkt.payload_len = (uint32_t)r->text.len;
	if (sw_decode_sip(dec, r->text.p, r->text.len, &msg, &why) == 0) {
		ev.type = SW_EV_SIP;
		ev.u.sip = &msg;
	} else {
		struct sw_sip_light l;
		sw_sip_scan_light(r->text.p, r->text.len, &l);
		ev.type = SW_EV_SIP_BAD;
		ev.u.bad.reason = sw_str_c(why);
		ev.u.bad.raw = sw_str_make(r->text.p, r->text.len);
		ev.u.bad.call_id = l.call_id;
		ev.u.bad.first_line = l.first_line;
	}
	struct sw_msg_note note;
	sw_analyze_event(r->an, &ev, &note);
	if (note.msg_id != UINT32_MAX) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(r->an, note.msg_id, &m_rec);
		if (m) {
			fz_touch_cstr(m->label);
			if (m->raw)
				fz_touch(m->raw, m->raw_len);
		}
	}
}

/* The headers both requests and responses carry. */
static void common_headers(struct run *r, const char *method, uint8_t f1, uint8_t f2, uint32_t cseq,
                           const char *user)
{
	struct sw_buf *b = &r->text;
	char pip[SW_IPSTRLEN], sip[SW_IPSTRLEN];
	ip_text(&r->phone, pip);
	ip_text(&r->server, sip);
	bool v6p = r->phone.family == 6, v6s = r->server.family == 6;
	sw_buf_printf(b, "Via: SIP/2.0/%s %s%s%s:%u;branch=z9hG4bK-%u",
	              r->pkt.transport == SW_TP_TCP ? "TCP" : "UDP", v6p ? "[" : "", pip,
	              v6p ? "]" : "", r->phone.port, (unsigned)(f1 & 7u) + cseq * 8u);
	if (f2 & 1)
		sw_buf_printf(b, ";rport=%u;received=203.0.113.%u", 40000u + (f2 >> 4),
		              (unsigned)(f2 >> 6));
	else
		sw_buf_puts(b, ";rport");
	sw_buf_puts(b, "\r\n");
	if (f2 & 2)
		sw_buf_puts(b, "Via: SIP/2.0/UDP 10.9.9.9:5060;branch=z9hG4bK-outer\r\n");
	sw_buf_printf(b, "From: <sip:%s@%s%s%s>;tag=ft%u\r\n", user, v6s ? "[" : "", sip,
	              v6s ? "]" : "", (unsigned)(f1 >> 6));
	sw_buf_printf(b, "To: <sip:%s@%s%s%s>", user, v6s ? "[" : "", sip, v6s ? "]" : "");
	if (!r->from_phone || (f2 & 4))
		sw_buf_printf(b, ";tag=tt%u", (unsigned)(f2 >> 5));
	sw_buf_puts(b, "\r\n");
	unsigned cid = (f1 >> 3) & 7u;
	if (cid == 7)
		sw_buf_printf(b, "Call-ID: %.*s\r\n", (int)(f2 & 31u),
		              "x\x1b[1mLONG-\x9b"
		              "call-id-0123456789abcdef");
	else
		sw_buf_printf(b, "Call-ID: cid-%u@%s\r\n", cid, v6p ? "phone6" : pip);
	sw_buf_printf(b, "CSeq: %u %s\r\n", cseq, method);
	sw_buf_puts(b, "Max-Forwards: 70\r\n");
}

static void contact(struct run *r, uint8_t sel, const char *user)
{
	struct sw_buf *b = &r->text;
	char pip[SW_IPSTRLEN];
	ip_text(&r->phone, pip);
	bool v6 = r->phone.family == 6;
	switch (sel & 7u) {
	case 0:
		return;
	case 1:
		sw_buf_puts(b, "Contact: *\r\n");
		return;
	case 2:
		sw_buf_printf(b, "Contact: <sip:%s@203.0.113.7:40001>\r\n", user);
		return;
	case 3:
		sw_buf_printf(b, "Contact: <sip:%s@%s%s%s:%u>;expires=%u\r\n", user, v6 ? "[" : "",
		              pip, v6 ? "]" : "", r->phone.port, (unsigned)(sel >> 3) * 30u);
		return;
	case 4:
		sw_buf_printf(b,
		              "Contact: <sip:%s@%s%s%s:%u;transport=tcp>;+sip.instance="
		              "\"<urn:uuid:0001>\";reg-id=1\r\n",
		              user, v6 ? "[" : "", pip, v6 ? "]" : "", r->phone.port);
		return;
	default:
		sw_buf_printf(b, "Contact: <sip:%s@%s%s%s:%u>\r\n", user, v6 ? "[" : "", pip,
		              v6 ? "]" : "", r->phone.port);
		return;
	}
}

static void op_request(struct run *r, uint8_t op)
{
	uint8_t f1 = fz_u8(&r->z), f2 = fz_u8(&r->z), f3 = fz_u8(&r->z);
	uint32_t cseq = fz_u8(&r->z);
	const char *method = methods[(op >> 3) & 15u];
	const char *user = users[f3 & 3u];
	char sip[SW_IPSTRLEN];
	ip_text(&r->server, sip);
	bool v6s = r->server.family == 6;
	sw_buf_reset(&r->text);
	sw_buf_printf(&r->text, "%s sip:%s%s%s%s%s SIP/2.0\r\n", method,
	              strcmp(method, "REGISTER") ? user : "", strcmp(method, "REGISTER") ? "@" : "",
	              v6s ? "[" : "", sip, v6s ? "]" : "");
	common_headers(r, method, f1, f2, cseq, user);
	contact(r, f3 >> 2, user);
	static const char *const exp[] = {NULL, "0", "60", "3600", "1", "120", NULL, "7200"};
	if (exp[(f3 >> 5) & 7u])
		sw_buf_printf(&r->text, "Expires: %s\r\n", exp[(f3 >> 5) & 7u]);
	if (f2 & 8)
		sw_buf_printf(&r->text,
		              "Authorization: Digest username=\"%s\", realm=\"pbx\", "
		              "nonce=\"n%u\", uri=\"sip:%s\", response=\"0123456789abcdef\", "
		              "algorithm=MD5\r\n",
		              user, (unsigned)(f1 & 3u), sip);
	sw_buf_printf(&r->text, "User-Agent: %s\r\n", agents[(f2 >> 4) % 6u]);
	sw_buf_puts(&r->text, "Content-Length: 0\r\n\r\n");
	deliver_text(r);
}

static void op_response(struct run *r, uint8_t op)
{
	uint8_t f1 = fz_u8(&r->z), f2 = fz_u8(&r->z), f3 = fz_u8(&r->z);
	uint32_t cseq = fz_u8(&r->z);
	uint8_t s = fz_u8(&r->z);
	int status = s < 240 ? statuses[s % (sizeof statuses / sizeof statuses[0])]
	                     : 100 + (int)(fz_u16(&r->z) % 600u);
	const char *method = methods[(op >> 3) & 15u];
	const char *user = users[f3 & 3u];
	sw_buf_reset(&r->text);
	sw_buf_printf(&r->text, "SIP/2.0 %d %s\r\n", status,
	              (f3 & 0x80) ? "Reason \x1b[5mblink" : "Whatever");
	common_headers(r, method, f1, f2, cseq, user);
	contact(r, f3 >> 2, user);
	if (status == 401 || status == 407)
		sw_buf_printf(
		    &r->text,
		    "%s: Digest realm=\"pbx\", nonce=\"n%u\", algorithm=MD5, qop=\"auth\"%s\r\n",
		    status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate", (unsigned)(f1 & 3u),
		    (f2 & 16) ? ", stale=true" : "");
	if (status == 423)
		sw_buf_printf(&r->text, "Min-Expires: %u\r\n", (unsigned)f3 * 10u);
	if (status == 503 || (f2 & 32))
		sw_buf_printf(&r->text, "Retry-After: %u\r\n", (unsigned)(f1 & 63u));
	if (f2 & 64)
		sw_buf_printf(&r->text, "Warning: %s\r\n", warnings[f1 & 3u]);
	if (status >= 200 && (f2 & 128))
		sw_buf_printf(&r->text, "Expires: %u\r\n", (unsigned)(f3 >> 4) * 60u);
	sw_buf_printf(&r->text, "Server: %s\r\n", agents[(f1 >> 2) % 6u]);
	sw_buf_puts(&r->text, "Content-Length: 0\r\n\r\n");
	deliver_text(r);
}

static void op_icmp(struct run *r)
{
	uint8_t k = fz_u8(&r->z), f1 = fz_u8(&r->z), cseq = fz_u8(&r->z);
	/* The error comes from the server (or a router) towards the phone,
	 * quoting the phone's request to the server. */
	char quoted[512];
	char pip[SW_IPSTRLEN];
	ip_text(&r->phone, pip);
	int n =
	    snprintf(quoted, sizeof quoted,
	             "REGISTER sip:example SIP/2.0\r\nVia: SIP/2.0/UDP %s:%u;branch=z9hG4bK-%u\r\n"
	             "Call-ID: cid-%u@%s\r\nCSeq: %u REGISTER\r\n",
	             pip, r->phone.port, (unsigned)(f1 & 7u) + cseq * 8u,
	             (unsigned)((f1 >> 3) & 7u), pip, cseq);
	size_t qlen = (size_t)n < sizeof quoted ? (size_t)n : sizeof quoted - 1;
	if (k & 0x80)
		qlen = (size_t)(f1 % (qlen + 1)); /* cut anywhere, as routers do */
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.type = SW_EV_ICMP;
	ev.pkt = r->pkt;
	ev.pkt.src = r->server;
	ev.pkt.src.port = 0;
	ev.pkt.dst = r->phone;
	ev.pkt.dst.port = 0;
	if (k & 0x40)
		ev.pkt.src.ip[3] ^= 1; /* a router, not the server */
	struct sw_icmp *ic = &ev.u.icmp;
	ic->kind = (enum sw_icmp_kind)(k & 7u);
	ic->version = r->phone.family;
	ic->type = 3;
	ic->code = 3;
	ic->mtu = (k & 8) ? 576 : 0;
	ic->reporter = ev.pkt.src;
	ic->quoted_proto = (k & 0x20) ? 6 : 17;
	ic->quoted_src = r->phone;
	ic->quoted_dst = r->server;
	ic->quoted_cseq = -1;
	ic->quoted_payload = sw_str_make(quoted, qlen);
	struct sw_sip_light l;
	if (sw_sip_scan_light(quoted, qlen, &l) == 0) {
		ic->quoted_sip = true;
		ic->quoted_is_request = l.is_request;
		ic->quoted_method = l.method;
		ic->quoted_status = l.status;
		ic->quoted_call_id = l.call_id;
		ic->quoted_cseq = l.cseq;
		ic->quoted_branch = l.branch;
	}
	sw_analyze_event(r->an, &ev, NULL);
}

static void op_other(struct run *r, uint8_t op)
{
	uint8_t k = fz_u8(&r->z);
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.pkt = r->pkt;
	struct sw_dns dns;
	switch ((op >> 3) & 3u) {
	case 0:
	case 1:
		ev.type = SW_EV_KEEPALIVE;
		ev.u.keepalive.kind = (enum sw_keepalive_kind)(1 + k % 5u);
		ev.u.keepalive.len = k;
		break;
	case 2:
		memset(&dns, 0, sizeof dns);
		ev.type = SW_EV_DNS;
		dns.id = k;
		dns.is_response = k & 1;
		dns.rcode = (k >> 1) & 3u ? 3 : 0;
		snprintf(dns.qname, sizeof dns.qname, "%s",
		         (k & 8) ? "_sip._udp.pbx.example" : "pbx.example");
		dns.qtype = (k & 8) ? 33 : 1;
		dns.n_answers = dns.rcode ? 0 : (k >> 4) & 3u;
		dns.n_addrs = dns.n_answers;
		for (size_t i = 0; i < dns.n_addrs; i++)
			server_addr((unsigned)i, &dns.addrs[i]);
		ev.u.dns = &dns;
		break;
	default:
		ev.type = SW_EV_TCP;
		ev.pkt.transport = SW_TP_TCP;
		ev.u.tcp.what = (enum sw_tcp_flag_event)(1 + (k & 3u));
		break;
	}
	sw_analyze_event(r->an, &ev, NULL);
}

static void op_raw(struct run *r)
{
	struct sw_str s = fz_bytes(&r->z, fz_u8(&r->z) * 4u);
	sw_buf_reset(&r->text);
	sw_buf_put(&r->text, s.p, s.len);
	if (!s.len)
		return;
	deliver_text(r);
}

static void read_results(struct run *r)
{
	struct sw_analyze *an = r->an;
	struct sw_account_buf abuf;
	for (size_t i = 0; i < sw_analyze_naccounts(an); i++) {
		const struct sw_account *a = sw_analyze_account(an, i, &abuf);
		FZ_CHECK(a && a->id == i);
		fz_touch_cstr(a->aor);
		fz_touch_cstr(a->user_agent);
		fz_touch_cstr(a->server);
		fz_touch_cstr(a->contact);
		if (a->n_changes)
			fz_touch(a->changes, a->n_changes * sizeof *a->changes);
		if (a->n_public)
			fz_touch(a->public_addrs, a->n_public * sizeof *a->public_addrs);
		fz_touch_cstr(sw_reg_state_name(a->state));
	}
	for (size_t i = 0; i < sw_analyze_ndialogs(an); i++) {
		const struct sw_dialog *d = sw_analyze_dialog(an, i);
		if (!d)
			continue; /* retired in bounded mode */
		FZ_CHECK(d->id == i);
		fz_touch_cstr(d->call_id);
		fz_touch_cstr(d->method);
		fz_touch_cstr(d->from);
		fz_touch_cstr(d->to);
	}
	for (size_t i = 0; i < sw_analyze_nfindings(an); i++) {
		const struct sw_finding *f = sw_analyze_finding(an, i);
		FZ_CHECK(f && f->id == i);
		on_finding(r, f);
		for (size_t k = 0; k < f->n_facts; k++) {
			fz_touch_cstr(f->facts[k].key);
			fz_touch_cstr(f->facts[k].value);
		}
		for (size_t k = 0; k < f->n_evidence; k++)
			FZ_CHECK(memchr(f->evidence[k].label, 0, sizeof f->evidence[k].label));
		FZ_CHECK(f->evidence_total >= f->n_evidence);
	}
	size_t nmsgs = sw_analyze_nmsgs(an);
	for (size_t i = 0; i < sw_analyze_nitems(an); i++) {
		const struct sw_item *it = sw_analyze_item(an, i);
		if (!it)
			continue; /* retired with its dialog */
		FZ_CHECK(it->id == i);
		FZ_CHECK(it->n_ids <= it->n_msgs);
		uint32_t prev = 0;
		for (uint32_t k = 0; k < it->n_ids; k++) {
			FZ_CHECK(k == 0 || it->msgs[k] > prev); /* capture order */
			prev = it->msgs[k];
			FZ_CHECK(it->msgs[k] < nmsgs);
			struct sw_msg m_rec;
			const struct sw_msg *m = sw_analyze_msg(an, it->msgs[k], &m_rec);
			if (m)
				fz_touch_cstr(m->label);
		}
	}
	for (size_t i = 0; i < nmsgs; i++) {
		struct sw_msg m_rec;
		const struct sw_msg *m = sw_analyze_msg(an, (uint32_t)i, &m_rec);
		if (!m)
			continue;
		FZ_CHECK(m->id == i);
		fz_touch_cstr(m->label);
		if (m->raw)
			fz_touch(m->raw, m->raw_len);
	}
	struct sw_analyze_stats st;
	sw_analyze_get_stats(an, &st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sw_catalog *zh;
	if (!dec) {
		dec = sw_decode_new(NULL);
		zh = sw_catalog_pick("zh"); /* lives until exit: pick once */
	}
	struct run r;
	memset(&r, 0, sizeof r);
	r.z = (struct fz){data, size};
	uint8_t o = fz_u8(&r.z);
	static const size_t maxm[] = {0, 1, 7, 64};
	struct sw_analyze_opts ao = {
	    .catalog = (o & 16) ? zh : NULL,
	    .on_finding = (o & 32) ? on_finding : NULL,
	    .user = &r,
	    .keep_messages = o & 1,
	    .keep_raw = (o & 2) != 0,
	    .max_messages = maxm[(o >> 2) & 3u],
	    .compact_accounts = (o & 64) != 0,
	    .compact_keep = 1,
	};
	r.an = sw_analyze_new(&ao);
	r.ts = r.last = INT64_C(1700000000) * NS;
	for (unsigned n = 0; n < MAX_OPS && r.z.n; n++) {
		uint8_t op = fz_u8(&r.z);
		step_and_pkt(&r);
		switch (op & 7u) {
		case 0:
		case 1:
		case 2:
			op_request(&r, op);
			break;
		case 3:
			op_response(&r, op);
			break;
		case 4:
			op_icmp(&r);
			break;
		case 5:
			op_other(&r, op);
			break;
		case 6:
			break;
		default:
			op_raw(&r);
			break;
		}
	}
	sw_analyze_finish(r.an, r.last);
	read_results(&r);
	sw_analyze_free(r.an);
	sw_buf_free(&r.text);
	return 0;
}
