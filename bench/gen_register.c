/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gen_register - deterministic synthetic SIP capture for the sipwatch benchmark.
 *
 * Writes a classic pcap (microsecond timestamps, Ethernet / IPv4 / UDP) with
 * no dependencies beyond libc.  Same arguments and seed -> same bytes.
 *
 *   gen_register [-m register|onecall|mix|day] [-n N] [-s SEED] -o FILE
 *   (day: one phone for N hours, default 24)
 *
 * register  N phones (default 100000), each REGISTER -> 401 (Digest
 *           challenge) -> REGISTER with Authorization -> 200 OK: 4*N SIP
 *           messages.  Phones 10.1.0.2... , registrar 10.0.0.10:5060.
 * onecall   one phone refreshing its registration every 60 s in ONE Call-ID,
 *           N SIP messages in total (default 86400).  The nonce goes stale
 *           every hour (401 stale=true, then a fresh Authorization).
 * mix       N phones (default 12000) over 10 minutes: registrations and
 *           refreshes (3% wrong password -> 403, 1% registrar silent ->
 *           retransmissions), calls with proxy authentication (INVITE 407 ACK
 *           INVITE 100 180 200 ACK ... BYE 200, some 486), OPTIONS qualify
 *           pings from the registrar, CRLF keepalives from the phones.
 *
 * Prints on stdout: "packets=P sip=S bytes=B" (S = SIP messages written).
 * Messages are built in memory, sorted by time and then written.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DOMAIN "voip.example.net"
#define REG_IP 0x0a00000aU /* 10.0.0.10 */
#define REG_PORT 5060
#define SERVER_HDR "Server: kamailio (5.6.4 (x86_64/linux))\r\n"
#define T0 1700000000ULL /* 2023-11-14 22:13:20 UTC */

/* ---- random numbers: splitmix64 ---------------------------------------- */
static uint64_t rs;
static uint64_t rnd(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
static uint32_t rndr(uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(rnd() % ((uint64_t)hi - lo + 1));
}
static void hex(char *o, int n)
{
	static const char h[] = "0123456789abcdef";
	for (int i = 0; i < n; i++)
		o[i] = h[rnd() & 15];
	o[n] = 0;
}
static void uuid(char *o)
{
	hex(o, 32);
	char t[37];
	snprintf(t, sizeof t, "%.8s-%.4s-4%.3s-a%.3s-%.12s", o, o + 8, o + 12, o + 16, o + 20);
	memcpy(o, t, 37);
}

/* ---- message store ------------------------------------------------------- */
struct msg {
	uint64_t ts; /* microseconds since T0 */
	uint32_t seq;
	uint32_t src, dst;
	uint16_t sport, dport;
	uint32_t len;
	uint64_t off;
	int sip;
};
static struct msg *msgs;
static size_t nmsg, capmsg;
static char *arena;
static size_t alen, acap;

static void emit_raw(uint64_t ts, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		     const char *p, size_t len, int sip)
{
	if (nmsg == capmsg) {
		capmsg = capmsg ? capmsg * 2 : 65536;
		msgs = realloc(msgs, capmsg * sizeof *msgs);
	}
	if (alen + len > acap) {
		while (alen + len > acap)
			acap = acap ? acap * 2 : (1u << 24);
		arena = realloc(arena, acap);
	}
	if (!msgs || !arena) {
		fprintf(stderr, "gen_register: out of memory\n");
		exit(1);
	}
	memcpy(arena + alen, p, len);
	msgs[nmsg] = (struct msg){ ts, (uint32_t)nmsg, src, dst, sport, dport, (uint32_t)len, alen, sip };
	alen += len;
	nmsg++;
}

/* string builder for one message */
static char sb[8192];
static size_t sbn;
static void sbf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(sb + sbn, sizeof sb - sbn, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof sb - sbn) {
		fprintf(stderr, "gen_register: message too long\n");
		exit(1);
	}
	sbn += (size_t)n;
}
static void sb_emit(uint64_t ts, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport)
{
	emit_raw(ts, src, sport, dst, dport, sb, sbn, 1);
	sbn = 0;
}
/* body: appends Content-Length and the blank line, then the body */
static void sb_body(const char *type, const char *body)
{
	size_t bl = body ? strlen(body) : 0;
	if (bl)
		sbf("Content-Type: %s\r\n", type);
	sbf("Content-Length: %zu\r\n\r\n%s", bl, body ? body : "");
}

/* ---- phones -------------------------------------------------------------- */
static const char *const user_agents[] = {
	"Yealink SIP-T46S 66.86.0.15",
	"Yealink SIP-T54W 96.86.0.100",
	"PolycomVVX-VVX_411-UA/6.4.3.5018",
	"Grandstream GXP2170 1.0.11.23",
	"Cisco/SPA504G-7.6.2c",
	"snom D785/10.1.141.13",
	"Fanvil X4U 2.12.4.1 0c383e123456",
	"OBIHAI/OBi202-3.2.2.5921EX",
};
#define NUA (sizeof user_agents / sizeof user_agents[0])

struct phone {
	uint32_t ip;
	uint16_t port;
	char ips[16];
	char user[16];
	const char *ua;
	char inst[37];
};

static void ipstr(char *o, uint32_t ip)
{
	snprintf(o, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

static void make_phone(struct phone *p, uint32_t i)
{
	uint32_t net = i / 253, host = i % 253 + 2;
	p->ip = (10u << 24) | ((1 + (net >> 8)) << 16) | ((net & 255) << 8) | host;
	/* above 5060, so that port-based dissectors (tshark) pick SIP by the registrar port */
	p->port = (rnd() & 1) ? 5060 : (uint16_t)rndr(10000, 65000);
	ipstr(p->ips, p->ip);
	snprintf(p->user, sizeof p->user, "%u", 2000000 + i);
	p->ua = user_agents[rnd() % NUA];
	if (rnd() % 3 == 0) /* RFC 5626 outbound: a third of the phones */
		uuid(p->inst);
	else
		p->inst[0] = 0;
}

/* ---- REGISTER transactions ---------------------------------------------- */
struct reg {
	struct phone *p;
	char callid[48], ftag[16], nonce[33], opaque[17], cnonce[17];
	uint32_t cseq, nc;
	int expires;
	int have_nonce;
};

static void reg_init(struct reg *r, struct phone *p)
{
	memset(r, 0, sizeof *r);
	r->p = p;
	char h[17];
	hex(h, 16);
	snprintf(r->callid, sizeof r->callid, "%s@%s", h, p->ips);
	hex(r->ftag, 10);
	hex(r->cnonce, 16);
	static const int ex[] = { 300, 600, 1800, 3600, 3600, 3600 };
	r->expires = ex[rnd() % 6];
}

static void reg_request(struct reg *r, uint64_t ts, const char *branch, int auth)
{
	struct phone *p = r->p;
	sbf("REGISTER sip:" DOMAIN " SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK%s;rport\r\n"
	    "Max-Forwards: 70\r\n"
	    "From: <sip:%s@" DOMAIN ">;tag=%s\r\n"
	    "To: <sip:%s@" DOMAIN ">\r\n"
	    "Call-ID: %s\r\n"
	    "CSeq: %u REGISTER\r\n"
	    "Contact: <sip:%s@%s:%u;transport=udp>",
	    p->ips, p->port, branch, p->user, r->ftag, p->user, r->callid, r->cseq, p->user,
	    p->ips, p->port);
	if (p->inst[0])
		sbf(";+sip.instance=\"<urn:uuid:%s>\"", p->inst);
	sbf("\r\n");
	if (auth) {
		char resp[33];
		hex(resp, 32);
		sbf("Authorization: Digest username=\"%s\", realm=\"" DOMAIN "\", nonce=\"%s\", "
		    "uri=\"sip:" DOMAIN "\", response=\"%s\", algorithm=MD5, cnonce=\"%s\", "
		    "opaque=\"%s\", qop=auth, nc=%08x\r\n",
		    p->user, r->nonce, resp, r->cnonce, r->opaque, r->nc);
	} else {
		sbf("Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, OPTIONS, INFO, MESSAGE, UPDATE\r\n"
		    "Supported: path, gruu, outbound\r\n");
	}
	sbf("Expires: %d\r\nUser-Agent: %s\r\n", r->expires, p->ua);
	sb_body(NULL, NULL);
	sb_emit(ts, p->ip, p->port, REG_IP, REG_PORT);
}

static void date_hdr(uint64_t ts)
{
	time_t t = (time_t)(T0 + ts / 1000000);
	struct tm tm;
	gmtime_r(&t, &tm);
	char d[64];
	strftime(d, sizeof d, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	sbf("Date: %s\r\n", d);
}

/* code 401: challenge (stale: stale=true); 200: Contact with expires */
static void reg_response(struct reg *r, uint64_t ts, const char *branch, int code, int stale)
{
	struct phone *p = r->p;
	const char *reason = code == 200 ? "OK" : code == 401 ? "Unauthorized" : "Forbidden";
	char ttag[33];
	hex(ttag, 32);
	sbf("SIP/2.0 %d %s\r\n"
	    "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK%s;rport=%u;received=%s\r\n"
	    "From: <sip:%s@" DOMAIN ">;tag=%s\r\n"
	    "To: <sip:%s@" DOMAIN ">;tag=%s\r\n"
	    "Call-ID: %s\r\n"
	    "CSeq: %u REGISTER\r\n",
	    code, reason, p->ips, p->port, branch, p->port, p->ips, p->user, r->ftag, p->user, ttag,
	    r->callid, r->cseq);
	if (code == 401) {
		hex(r->nonce, 32);
		if (!r->have_nonce)
			hex(r->opaque, 16);
		r->have_nonce = 1;
		r->nc = 0;
		sbf("WWW-Authenticate: Digest realm=\"" DOMAIN "\", nonce=\"%s\", opaque=\"%s\", "
		    "algorithm=MD5, qop=\"auth\"%s\r\n",
		    r->nonce, r->opaque, stale ? ", stale=true" : "");
	} else if (code == 200) {
		sbf("Contact: <sip:%s@%s:%u;transport=udp>;expires=%d\r\n", p->user, p->ips, p->port,
		    r->expires);
		date_hdr(ts);
	}
	sbf(SERVER_HDR);
	sb_body(NULL, NULL);
	sb_emit(ts, REG_IP, REG_PORT, p->ip, p->port);
}

static uint64_t rtt(void)
{
	return rndr(800, 4000);
}

/* Full registration: REGISTER -> 401 -> REGISTER(auth) -> final. Returns time of last. */
static uint64_t reg_challenged(struct reg *r, uint64_t t, int final, int stale)
{
	char br[17];
	hex(br, 16);
	r->cseq++;
	if (stale) {
		r->nc++;
		reg_request(r, t, br, 1);
	} else {
		reg_request(r, t, br, 0);
	}
	t += rtt();
	reg_response(r, t, br, 401, stale);
	t += rndr(2000, 15000);
	hex(br, 16);
	r->cseq++;
	r->nc++;
	reg_request(r, t, br, 1);
	t += rtt();
	reg_response(r, t, br, final, 0);
	return t;
}

/* Refresh reusing the nonce: REGISTER(auth) -> 200. */
static uint64_t reg_refresh(struct reg *r, uint64_t t)
{
	char br[17];
	hex(br, 16);
	r->cseq++;
	r->nc++;
	reg_request(r, t, br, 1);
	t += rtt();
	reg_response(r, t, br, 200, 0);
	return t;
}

/* Unanswered REGISTER: RFC 3261 timer E retransmissions for 32 s. */
static void reg_unanswered(struct reg *r, uint64_t t)
{
	char br[17];
	hex(br, 16);
	r->cseq++;
	uint64_t iv = 500000;
	for (uint64_t el = 0; el < 32000000; el += iv, iv = iv * 2 > 4000000 ? 4000000 : iv * 2)
		reg_request(r, t + el, br, 0);
}

/* ---- calls, OPTIONS, keepalives (mix mode) ------------------------------ */
static const char *sdp(char *o, size_t n, const char *ip, unsigned port, unsigned sess)
{
	snprintf(o, n,
		 "v=0\r\no=- %u %u IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
		 "m=audio %u RTP/AVP 0 8 9 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
		 "a=rtpmap:9 G722/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"
		 "a=ptime:20\r\na=sendrecv\r\n",
		 sess, sess, ip, ip, port);
	return o;
}

struct call {
	struct phone *p;
	char to[16], callid[48], ftag[16], ttag[16];
	uint32_t cseq;
};

static void call_req(struct call *c, uint64_t ts, const char *method, const char *branch,
		     uint32_t cseq, int totag, const char *auth_nonce, const char *body)
{
	struct phone *p = c->p;
	sbf("%s sip:%s@" DOMAIN " SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK%s;rport\r\n"
	    "Max-Forwards: 70\r\n"
	    "From: <sip:%s@" DOMAIN ">;tag=%s\r\n"
	    "To: <sip:%s@" DOMAIN ">%s%s\r\n"
	    "Call-ID: %s\r\n"
	    "CSeq: %u %s\r\n",
	    method, c->to, p->ips, p->port, branch, p->user, c->ftag, c->to, totag ? ";tag=" : "",
	    totag ? c->ttag : "", c->callid, cseq, method);
	if (!strcmp(method, "INVITE"))
		sbf("Contact: <sip:%s@%s:%u;transport=udp>\r\n"
		    "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, OPTIONS, INFO, UPDATE\r\n",
		    p->user, p->ips, p->port);
	if (auth_nonce) {
		char resp[33];
		hex(resp, 32);
		sbf("Proxy-Authorization: Digest username=\"%s\", realm=\"" DOMAIN "\", "
		    "nonce=\"%s\", uri=\"sip:%s@" DOMAIN "\", response=\"%s\", algorithm=MD5\r\n",
		    p->user, auth_nonce, c->to, resp);
	}
	sbf("User-Agent: %s\r\n", p->ua);
	sb_body("application/sdp", body);
	sb_emit(ts, p->ip, p->port, REG_IP, REG_PORT);
}

static void call_resp(struct call *c, uint64_t ts, int code, const char *reason,
		      const char *branch, uint32_t cseq, const char *method, int totag,
		      const char *extra, const char *body)
{
	struct phone *p = c->p;
	sbf("SIP/2.0 %d %s\r\n"
	    "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK%s;rport=%u;received=%s\r\n"
	    "From: <sip:%s@" DOMAIN ">;tag=%s\r\n"
	    "To: <sip:%s@" DOMAIN ">%s%s\r\n"
	    "Call-ID: %s\r\n"
	    "CSeq: %u %s\r\n%s",
	    code, reason, p->ips, p->port, branch, p->port, p->ips, p->user, c->ftag, c->to,
	    totag ? ";tag=" : "", totag ? c->ttag : "", c->callid, cseq, method, extra ? extra : "");
	if (code >= 180 && code < 300 && !strcmp(method, "INVITE"))
		sbf("Contact: <sip:%s@10.0.0.10:5060>\r\n", c->to);
	sbf(SERVER_HDR);
	sb_body("application/sdp", body);
	sb_emit(ts, REG_IP, REG_PORT, p->ip, p->port);
}

static void do_call(struct phone *p, uint32_t nphones, uint64_t t)
{
	struct call c = { .p = p };
	snprintf(c.to, sizeof c.to, "%u", 2000000 + (uint32_t)(rnd() % nphones));
	char h[25], br[17], nonce[33], body[512], extra[256];
	hex(h, 24);
	snprintf(c.callid, sizeof c.callid, "%s", h);
	hex(c.ftag, 10);
	hex(c.ttag, 10);
	hex(nonce, 32);
	unsigned sess = (unsigned)rndr(100000, 999999), rtp = rndr(5000, 5999) * 2;
	sdp(body, sizeof body, p->ips, rtp, sess);
	/* INVITE -> 407 -> ACK */
	hex(br, 16);
	call_req(&c, t, "INVITE", br, 1, 0, NULL, body);
	t += rtt();
	snprintf(extra, sizeof extra,
		 "Proxy-Authenticate: Digest realm=\"" DOMAIN "\", nonce=\"%s\", algorithm=MD5\r\n", nonce);
	call_resp(&c, t, 407, "Proxy Authentication Required", br, 1, "INVITE", 1, extra, NULL);
	t += rndr(200, 2000);
	call_req(&c, t, "ACK", br, 1, 1, NULL, NULL);
	/* INVITE with credentials */
	t += rndr(1000, 5000);
	hex(br, 16);
	call_req(&c, t, "INVITE", br, 2, 0, nonce, body);
	t += rndr(300, 1500);
	call_resp(&c, t, 100, "Trying", br, 2, "INVITE", 0, NULL, NULL);
	t += rndr(20000, 200000);
	call_resp(&c, t, 180, "Ringing", br, 2, "INVITE", 1, NULL, NULL);
	t += rndr(1000000, 15000000);
	if (rnd() % 10 == 0) {
		call_resp(&c, t, 486, "Busy Here", br, 2, "INVITE", 1, NULL, NULL);
		t += rndr(200, 2000);
		call_req(&c, t, "ACK", br, 2, 1, NULL, NULL);
		return;
	}
	char body2[512];
	sdp(body2, sizeof body2, "10.0.0.10", rndr(10000, 19999) * 2, sess + 1);
	call_resp(&c, t, 200, "OK", br, 2, "INVITE", 1, NULL, body2);
	t += rtt();
	hex(br, 16);
	call_req(&c, t, "ACK", br, 2, 1, NULL, NULL);
	t += rndr(5000000, 180000000);
	hex(br, 16);
	call_req(&c, t, "BYE", br, 3, 1, NULL, NULL);
	t += rtt();
	call_resp(&c, t, 200, "OK", br, 3, "BYE", 1, NULL, NULL);
}

static void do_options(struct phone *p, uint64_t t)
{
	char br[17], tag[11], cid[25];
	hex(br, 16);
	hex(tag, 10);
	hex(cid, 24);
	sbf("OPTIONS sip:%s@%s:%u SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 10.0.0.10:5060;branch=z9hG4bK%s\r\n"
	    "To: <sip:%s@%s:%u>\r\n"
	    "From: <sip:pinger@" DOMAIN ">;tag=%s\r\n"
	    "CSeq: 10 OPTIONS\r\nCall-ID: %s-10.0.0.10\r\nMax-Forwards: 70\r\n"
	    "User-Agent: kamailio (5.6.4 (x86_64/linux))\r\n",
	    p->user, p->ips, p->port, br, p->user, p->ips, p->port, tag, cid);
	sb_body(NULL, NULL);
	sb_emit(t, REG_IP, REG_PORT, p->ip, p->port);
	t += rtt();
	char ttag[11];
	hex(ttag, 10);
	sbf("SIP/2.0 200 OK\r\n"
	    "Via: SIP/2.0/UDP 10.0.0.10:5060;branch=z9hG4bK%s\r\n"
	    "To: <sip:%s@%s:%u>;tag=%s\r\n"
	    "From: <sip:pinger@" DOMAIN ">;tag=%s\r\n"
	    "CSeq: 10 OPTIONS\r\nCall-ID: %s-10.0.0.10\r\n"
	    "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, OPTIONS, INFO, UPDATE\r\n"
	    "Accept: application/sdp\r\nUser-Agent: %s\r\n",
	    br, p->user, p->ips, p->port, ttag, tag, cid, p->ua);
	sb_body(NULL, NULL);
	sb_emit(t, p->ip, p->port, REG_IP, REG_PORT);
}

/* ---- modes --------------------------------------------------------------- */
static void mode_register(uint32_t n)
{
	uint64_t t = 0;
	struct phone p;
	struct reg r;
	for (uint32_t i = 0; i < n; i++) {
		make_phone(&p, i);
		reg_init(&r, &p);
		reg_challenged(&r, t, 200, 0);
		t += rndr(400, 1600); /* next phone; ~4 packets per ms on average */
	}
}

static void mode_onecall(uint32_t n)
{
	struct phone p;
	struct reg r;
	make_phone(&p, 0);
	reg_init(&r, &p);
	r.expires = 120;
	uint64_t t = 0;
	reg_challenged(&r, t, 200, 0);
	for (uint32_t k = 1; nmsg < n; k++) {
		t = (uint64_t)k * 60000000 + rndr(0, 20000);
		if (k % 60 == 0)
			reg_challenged(&r, t, 200, 1); /* hourly: nonce stale */
		else
			reg_refresh(&r, t);
	}
}

static void mode_mix(uint32_t n)
{
	const uint64_t win = 600000000; /* 10 minutes */
	struct phone *ph = malloc(sizeof *ph * n);
	if (!ph)
		exit(1);
	for (uint32_t i = 0; i < n; i++) {
		struct phone *p = &ph[i];
		make_phone(p, i);
		struct reg r;
		reg_init(&r, p);
		if (r.expires > 300)
			r.expires = 300;
		uint64_t t = rndr(0, 60000000);
		uint32_t fate = (uint32_t)(rnd() % 100);
		if (fate < 3) { /* wrong password: 403, retried every 60 s */
			for (; t < win; t += 60000000 + rndr(0, 1000000))
				reg_challenged(&r, t, 403, 0);
			continue;
		}
		if (fate < 4) { /* registrar never answers */
			for (; t < win; t += 64000000)
				reg_unanswered(&r, t);
			continue;
		}
		uint64_t start = t;
		reg_challenged(&r, t, 200, 0);
		for (t = start + (uint64_t)r.expires * 500000; t < win; t += (uint64_t)r.expires * 500000)
			reg_refresh(&r, t + rndr(0, 1000000));
		for (t = start + rndr(1000000, 60000000); t < win; t += 60000000)
			do_options(p, t);
		for (t = start + rndr(1000000, 30000000); t < win; t += 30000000)
			emit_raw(t, p->ip, p->port, REG_IP, REG_PORT, "\r\n\r\n", 4, 0);
		for (t = start + rndr(1000000, 300000000); t < win - 200000000 && rnd() % 2;
		     t += rndr(60000000, 200000000))
			do_call(p, n, t);
	}
	free(ph);
}

/* One phone for `hours` hours (default 24): registration refreshed every 60 s
 * (Expires 120), the server's OPTIONS every 15 s, CRLF keepalives every 15 s,
 * a call every 2 hours. For the flat-memory check of a long run. */
static void mode_day(uint32_t hours)
{
	const uint64_t end = (uint64_t)hours * 3600000000u;
	struct phone p;
	struct reg r;
	make_phone(&p, 0);
	reg_init(&r, &p);
	r.expires = 120;
	reg_challenged(&r, 0, 200, 0);
	for (uint64_t t = 60000000; t < end; t += 60000000)
		reg_refresh(&r, t + rndr(0, 20000));
	for (uint64_t t = 7000000; t < end; t += 15000000)
		do_options(&p, t);
	for (uint64_t t = 3000000; t < end; t += 15000000)
		emit_raw(t, p.ip, p.port, REG_IP, REG_PORT, "\r\n\r\n", 4, 0);
	for (uint64_t t = 1800000000; t < end; t += 7200000000u)
		do_call(&p, 1, t);
}

/* ---- pcap writer --------------------------------------------------------- */
static int cmp_msg(const void *a, const void *b)
{
	const struct msg *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}
static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}
static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}
static void mac(uint8_t *m, uint32_t ip)
{
	if (ip == REG_IP) {
		static const uint8_t r[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
		memcpy(m, r, 6);
		return;
	}
	m[0] = 0x80;
	m[1] = 0x5e;
	m[2] = 0xc0;
	m[3] = (uint8_t)(ip >> 16);
	m[4] = (uint8_t)(ip >> 8);
	m[5] = (uint8_t)ip;
}

static void write_pcap(FILE *f, size_t limit_sip, unsigned long long *pk, unsigned long long *sip,
		       unsigned long long *bytes)
{
	static char iobuf[1 << 20];
	setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
	uint8_t gh[24] = { 0 };
	uint32_t g[] = { 0xa1b2c3d4, 0, 0, 0, 262144, 1 };
	memcpy(gh, &g[0], 4); /* host byte order, as libpcap writes */
	uint16_t ver[2] = { 2, 4 };
	memcpy(gh + 4, ver, 4);
	memcpy(gh + 16, &g[4], 4);
	memcpy(gh + 20, &g[5], 4);
	fwrite(gh, 1, 24, f);
	uint16_t ipid = 1;
	*pk = *sip = *bytes = 0;
	for (size_t i = 0; i < nmsg; i++) {
		const struct msg *m = &msgs[i];
		if (limit_sip && m->sip && *sip >= limit_sip)
			break;
		uint8_t h[16 + 14 + 20 + 8];
		uint32_t caplen = 14 + 20 + 8 + m->len;
		uint64_t abs = T0 * 1000000 + m->ts;
		uint32_t rec[4] = { (uint32_t)(abs / 1000000), (uint32_t)(abs % 1000000), caplen, caplen };
		memcpy(h, rec, 16);
		uint8_t *e = h + 16, *ip = e + 14, *udp = ip + 20;
		mac(e, m->dst);
		mac(e + 6, m->src);
		put16(e + 12, 0x0800);
		ip[0] = 0x45;
		ip[1] = 0;
		put16(ip + 2, 20 + 8 + m->len);
		put16(ip + 4, ipid++);
		put16(ip + 6, 0);
		ip[8] = 64;
		ip[9] = 17;
		put16(ip + 10, 0);
		put32(ip + 12, m->src);
		put32(ip + 16, m->dst);
		put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
		put16(udp, m->sport);
		put16(udp + 2, m->dport);
		put16(udp + 4, 8 + m->len);
		put16(udp + 6, 0);
		uint32_t s = csum_add(0, ip + 12, 8) + 17 + 8 + m->len;
		s = csum_add(s, udp, 8);
		s = csum_add(s, (const uint8_t *)arena + m->off, m->len);
		uint16_t c = csum_fold(s);
		put16(udp + 6, c ? c : 0xffff);
		fwrite(h, 1, sizeof h, f);
		fwrite(arena + m->off, 1, m->len, f);
		(*pk)++;
		*sip += (unsigned long long)m->sip;
		*bytes += m->len;
	}
}

int main(int argc, char **argv)
{
	const char *mode = "register", *out = NULL;
	long n = -1;
	unsigned long long seed = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-m") && i + 1 < argc)
			mode = argv[++i];
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			n = atol(argv[++i]);
		else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else {
			fprintf(stderr,
				"usage: gen_register [-m register|onecall|mix|day] [-n N] [-s SEED] -o FILE\n");
			return 2;
		}
	}
	if (!out) {
		fprintf(stderr, "gen_register: -o FILE is required\n");
		return 2;
	}
	rs = seed;
	size_t limit = 0;
	if (!strcmp(mode, "register")) {
		mode_register(n > 0 ? (uint32_t)n : 100000);
	} else if (!strcmp(mode, "onecall")) {
		limit = n > 0 ? (size_t)n : 86400;
		mode_onecall((uint32_t)limit);
	} else if (!strcmp(mode, "mix")) {
		mode_mix(n > 0 ? (uint32_t)n : 12000);
	} else if (!strcmp(mode, "day")) {
		mode_day(n > 0 ? (uint32_t)n : 24);
	} else {
		fprintf(stderr, "gen_register: unknown mode %s\n", mode);
		return 2;
	}
	qsort(msgs, nmsg, sizeof *msgs, cmp_msg);
	FILE *f = fopen(out, "wb");
	if (!f) {
		perror(out);
		return 1;
	}
	unsigned long long pk, sip, bytes;
	write_pcap(f, limit, &pk, &sip, &bytes);
	if (fclose(f) != 0) {
		perror(out);
		return 1;
	}
	printf("packets=%llu sip=%llu bytes=%llu\n", pk, sip, bytes);
	free(msgs);
	free(arena);
	return 0;
}
