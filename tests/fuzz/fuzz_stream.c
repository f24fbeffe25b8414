/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target: the decoder's state across frames (TCP streams, IP
 * fragments, SCTP, WebSocket, table limits and timeouts), driven by a
 * structured program instead of raw frames, so that the fuzzer spends its
 * time on sequences (open 8 connections, send on the first...) rather than
 * on getting headers right. Built twice: against decode/ as shipped and
 * against decode/ with tiny tables (sw_decode_small), where a short program
 * fills every table.
 *
 * Input: byte 0 options (bit 0: extra SIP port 8080). Then operations, an
 * op byte and operands:
 *   op % 6 = 0  TCP segment: conn byte (bits 0-3 connection of 16, bit 4
 *               the server's direction, bit 5 IPv6), flags byte (SYN ACK
 *               FIN RST from bits 0-3; bits 4-6 sequence: in order,
 *               repeat the last, skip ahead, step back, absolute u32, wrap
 *               near 2^32), a payload (below)
 *            1  UDP datagram to or from port 5060, a payload
 *            2  the same datagram as IPv4 fragments: count byte, then per
 *               fragment an order byte (its index among the pieces) and
 *               whether it is repeated or cut
 *            3  time step byte: x 100 ms; 0xff one hour (idle timeouts),
 *               0xfe 31 s (fragment timeout), 0xfd one second back
 *            4  ICMP port unreachable quoting the last datagram or segment
 *            5  SCTP DATA chunk: flags byte (B/E bits, stream), TSN step,
 *               a payload
 * A payload is a kind byte and its operands: a SIP request head whose
 * Content-Length is given, body filler of n bytes, CRLF keepalives, a TLS
 * record start, the WebSocket upgrade request or the 101 answer, a
 * WebSocket frame header (opcode, FIN, mask, length), or bytes from the
 * input. Every event is read; sw_decode_finish() ends the program. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OPS 4000u
#define NCONN 16u
#define PBUF 70000u

struct conn {
	uint32_t seq[2]; /* next sequence number per direction */
	uint32_t last_seq[2];
	uint32_t tsn;
};

struct prog {
	struct fz z;
	struct sw_decode *d;
	int64_t ts;
	uint64_t frame_no;
	struct conn c[NCONN];
	uint8_t frame[PBUF + 200];
	size_t flen;
	uint8_t last_l3[600]; /* start of the last IPv4 datagram, for ICMP */
	size_t last_l3_len;
	uint64_t events;
};

static void sink(void *user, const struct sw_ev *ev)
{
	struct prog *p = user;
	p->events++;
	fz_touch_event(ev);
}

/* Hand the frame to the decoder in a buffer of its exact size. */
static void deliver(struct prog *p)
{
	uint8_t *copy = malloc(p->flen ? p->flen : 1);
	memcpy(copy, p->frame, p->flen);
	struct sw_frame f = {
	    .data = copy,
	    .caplen = (uint32_t)p->flen,
	    .wirelen = (uint32_t)p->flen,
	    .ts_ns = p->ts,
	    .linktype = SW_LINK_ETHERNET,
	    .frame_no = ++p->frame_no,
	    .offset = p->frame_no * 64,
	};
	sw_decode_frame(p->d, &f, sink, p);
	free(copy);
}

static void put16(uint8_t *b, unsigned v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void put32(uint8_t *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b + 2, v & 0xffff);
}

/* Payload into buf (at most cap bytes); returns its length. */
static size_t payload(struct prog *p, uint8_t *buf, size_t cap)
{
	uint8_t kind = fz_u8(&p->z);
	size_t n = 0;
	switch (kind % 8) {
	case 0: { /* SIP request head */
		unsigned cl = fz_u16(&p->z);
		static const char *const m[] = {"REGISTER", "INVITE", "OPTIONS", "BYE"};
		n = (size_t)snprintf(
		    (char *)buf, cap,
		    "%s sip:pbx SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK%u\r\n"
		    "From: <sip:a@pbx>;tag=1\r\nTo: <sip:a@pbx>\r\nCall-ID: c%u\r\n"
		    "CSeq: 1 %s\r\nContent-Length: %u\r\n\r\n",
		    m[kind >> 6], kind, kind >> 3, m[kind >> 6], cl);
		break;
	}
	case 1: { /* body filler */
		n = fz_u16(&p->z) % 20000u;
		memset(buf, 'x', n < cap ? n : cap);
		break;
	}
	case 2:
		n = (size_t)snprintf((char *)buf, cap, "%s", (kind & 8) ? "\r\n\r\n" : "\r\n");
		break;
	case 3: /* TLS handshake record */
		memcpy(buf, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
		n = 11;
		break;
	case 4:
		n = (size_t)snprintf(
		    (char *)buf, cap, "%s",
		    (kind & 8) ? "HTTP/1.1 101 Switching Protocols\r\nUpgrade: "
		                 "websocket\r\nConnection: Upgrade\r\n\r\n"
		               : "GET / HTTP/1.1\r\nHost: pbx\r\nUpgrade: websocket\r\n"
		                 "Connection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n");
		break;
	case 5: { /* WebSocket frame header (RFC 6455 5.2) */
		uint8_t b0 = fz_u8(&p->z), len = fz_u8(&p->z);
		buf[0] = (uint8_t)((b0 & 0x80) | (b0 & 0x0f));
		buf[1] = (uint8_t)((b0 & 0x40 ? 0x80 : 0) | (len & 0x7f));
		n = 2;
		if ((len & 0x7f) == 126) {
			put16(buf + 2, fz_u16(&p->z));
			n = 4;
		} else if ((len & 0x7f) == 127) {
			put32(buf + 2, 0);
			put32(buf + 6, fz_u32(&p->z));
			n = 10;
		}
		if (b0 & 0x40) {
			memset(buf + n, 0, 4); /* zero mask: the text stays readable */
			n += 4;
		}
		break;
	}
	default: { /* bytes from the input */
		struct sw_str s = fz_bytes(&p->z, fz_u8(&p->z) * 2u);
		memcpy(buf, s.p, s.len < cap ? s.len : cap);
		n = s.len;
		break;
	}
	}
	return n < cap ? n : cap;
}

static size_t eth(uint8_t *b, bool v6)
{
	memset(b, 0, 12);
	b[5] = 1;
	b[11] = 2;
	put16(b + 12, v6 ? 0x86dd : 0x0800);
	return 14;
}

/* Endpoints: clients 10.0.0.1-8 / fd00::1-8, servers .100 and .101. */
static size_t ip_hdr(uint8_t *b, bool v6, unsigned client, unsigned server, bool to_server,
                     uint8_t proto, size_t l4len)
{
	uint8_t cip[16] = {0}, sip[16] = {0};
	if (v6) {
		cip[0] = sip[0] = 0xfd;
		cip[15] = (uint8_t)(1 + client);
		sip[15] = (uint8_t)(100 + server);
		b[0] = 0x60;
		memset(b + 1, 0, 3);
		put16(b + 4, (unsigned)l4len);
		b[6] = proto;
		b[7] = 64;
		memcpy(b + 8, to_server ? cip : sip, 16);
		memcpy(b + 24, to_server ? sip : cip, 16);
		return 40;
	}
	cip[0] = sip[0] = 10;
	cip[3] = (uint8_t)(1 + client);
	sip[3] = (uint8_t)(100 + server);
	b[0] = 0x45;
	b[1] = 0;
	put16(b + 2, (unsigned)(20 + l4len));
	put32(b + 4, 0);
	b[8] = 64;
	b[9] = proto;
	put16(b + 10, 0);
	memcpy(b + 12, to_server ? cip : sip, 4);
	memcpy(b + 16, to_server ? sip : cip, 4);
	return 20;
}

static void remember_l3(struct prog *p, size_t l3)
{
	size_t n = p->flen - l3;
	if (n > sizeof p->last_l3)
		n = sizeof p->last_l3;
	memcpy(p->last_l3, p->frame + l3, n);
	p->last_l3_len = n;
}

static void op_tcp(struct prog *p)
{
	uint8_t cb = fz_u8(&p->z), fl = fz_u8(&p->z);
	unsigned ci = cb & 15u, client = ci & 7u, server = ci >> 3;
	bool to_server = !(cb & 0x10), v6 = (cb & 0x20) != 0;
	struct conn *c = &p->c[ci];
	int dir = to_server ? 0 : 1;
	static const uint16_t sports[] = {5060, 5061, 8080, 443};
	uint16_t sport = sports[(cb >> 6) & 3u];
	uint8_t *b = p->frame;
	size_t l2 = eth(b, v6);
	size_t iphl = v6 ? 40 : 20;
	uint8_t *t = b + l2 + iphl;
	size_t plen = payload(p, t + 20, PBUF);
	uint32_t seq = c->seq[dir];
	switch ((fl >> 4) & 7u) {
	case 0:
		break;
	case 1:
		seq = c->last_seq[dir];
		break;
	case 2:
		seq += fz_u16(&p->z);
		break;
	case 3:
		seq -= fz_u8(&p->z);
		break;
	case 4:
		seq = fz_u32(&p->z);
		break;
	default:
		seq = 0xffffffffu - fz_u8(&p->z);
		break;
	}
	static const uint8_t flagbits[] = {0x02, 0x10, 0x01, 0x04};
	uint8_t flags = 0x08; /* PSH */
	for (int i = 0; i < 4; i++)
		if (fl & (1u << i))
			flags |= flagbits[i];
	uint16_t cport = (uint16_t)(40000 + ci);
	put16(t, to_server ? cport : sport);
	put16(t + 2, to_server ? sport : cport);
	put32(t + 4, seq);
	put32(t + 8, c->seq[!dir]);
	t[12] = 5 << 4;
	t[13] = flags;
	put16(t + 14, 65535);
	put32(t + 16, 0);
	ip_hdr(b + l2, v6, client, server, to_server, 6, 20 + plen);
	p->flen = l2 + iphl + 20 + plen;
	c->last_seq[dir] = seq;
	c->seq[dir] = seq + (uint32_t)plen + ((flags & 0x03) ? 1u : 0u);
	remember_l3(p, l2);
	deliver(p);
}

/* A UDP datagram (IPv4) in p->frame after the Ethernet header; returns the
 * length of the IP datagram. */
static size_t udp_datagram(struct prog *p, size_t l2)
{
	uint8_t cb = fz_u8(&p->z);
	unsigned client = cb & 7u, server = (cb >> 3) & 1u;
	bool to_server = !(cb & 0x10);
	uint8_t *u = p->frame + l2 + 20;
	size_t plen = payload(p, u + 8, PBUF - 100);
	uint16_t cport = (cb & 0x20) ? 5060 : (uint16_t)(30000 + client);
	put16(u, to_server ? cport : 5060);
	put16(u + 2, to_server ? 5060 : cport);
	put16(u + 4, (unsigned)(8 + plen));
	put16(u + 6, 0);
	ip_hdr(p->frame + l2, false, client, server, to_server, 17, 8 + plen);
	return 20 + 8 + plen;
}

static void op_udp(struct prog *p)
{
	size_t l2 = eth(p->frame, false);
	p->flen = l2 + udp_datagram(p, l2);
	remember_l3(p, l2);
	deliver(p);
}

static void op_frag(struct prog *p)
{
	uint8_t cnt = fz_u8(&p->z);
	size_t l2 = eth(p->frame, false);
	size_t dlen = udp_datagram(p, l2);
	static uint8_t dgram[PBUF + 200];
	memcpy(dgram, p->frame + l2, dlen);
	size_t body = dlen - 20;
	unsigned k = 1 + cnt % 7u;
	size_t piece = ((body / k) + 7) & ~(size_t)7;
	if (!piece)
		piece = 8;
	uint16_t id = (uint16_t)(p->frame_no * 7 + cnt);
	unsigned n_pieces = (unsigned)((body + piece - 1) / piece);
	for (unsigned i = 0; i < n_pieces + 1 && p->z.n; i++) {
		uint8_t o = fz_u8(&p->z);
		unsigned idx = o % (n_pieces ? n_pieces : 1);
		size_t off = (size_t)idx * piece;
		size_t len = body - off < piece ? body - off : piece;
		if (o & 0x80 && len > 8)
			len -= 8; /* cut */
		uint8_t *ip = p->frame + l2;
		memcpy(ip, dgram, 20);
		put16(ip + 2, (unsigned)(20 + len));
		put16(ip + 4, id);
		bool more = off + piece < body;
		put16(ip + 6, (unsigned)((more ? 0x2000 : 0) | (off / 8)));
		memcpy(ip + 20, dgram + 20 + off, len);
		p->flen = l2 + 20 + len;
		deliver(p);
	}
}

static void op_time(struct prog *p)
{
	uint8_t s = fz_u8(&p->z);
	if (s == 0xff)
		p->ts += INT64_C(3600) * 1000000000;
	else if (s == 0xfe)
		p->ts += INT64_C(31) * 1000000000;
	else if (s == 0xfd)
		p->ts -= INT64_C(1000000000);
	else
		p->ts += (int64_t)s * 100000000;
}

static void op_icmp(struct prog *p)
{
	if (!p->last_l3_len || (p->last_l3[0] >> 4) != 4)
		return;
	uint8_t *b = p->frame;
	size_t l2 = eth(b, false);
	uint8_t *ic = b + l2 + 20;
	size_t q = p->last_l3_len;
	ic[0] = 3;
	ic[1] = (uint8_t)(fz_u8(&p->z) % 16u);
	put16(ic + 2, 0);
	put32(ic + 4, 0);
	memcpy(ic + 8, p->last_l3, q);
	uint8_t *ip = b + l2;
	ip_hdr(ip, false, 0, 0, false, 1, 8 + q);
	memcpy(ip + 12, p->last_l3 + 16, 4); /* from the quoted destination */
	memcpy(ip + 16, p->last_l3 + 12, 4);
	p->flen = l2 + 20 + 8 + q;
	deliver(p);
}

static void op_sctp(struct prog *p)
{
	uint8_t fl = fz_u8(&p->z), step = fz_u8(&p->z);
	struct conn *c = &p->c[fl & 15u];
	uint8_t *b = p->frame;
	size_t l2 = eth(b, false);
	uint8_t *s = b + l2 + 20;
	put16(s, 5060);
	put16(s + 2, 5060);
	put32(s + 4, 1);
	put32(s + 8, 0);
	uint8_t *ch = s + 12;
	size_t plen = payload(p, ch + 16, PBUF - 100);
	ch[0] = 0;                         /* DATA */
	ch[1] = (uint8_t)((fl >> 4) & 3u); /* B and E bits */
	put16(ch + 2, (unsigned)(16 + plen));
	c->tsn += step % 3u;
	put32(ch + 4, c->tsn);
	put16(ch + 8, (fl >> 6) & 1u);
	put16(ch + 10, 0);
	put32(ch + 12, 0); /* PPID */
	size_t clen = (16 + plen + 3) & ~(size_t)3;
	memset(ch + 16 + plen, 0, clen - 16 - plen);
	ip_hdr(b + l2, false, fl & 7u, 0, true, 132, 12 + clen);
	p->flen = l2 + 20 + 12 + clen;
	deliver(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct prog *p;
	if (!p)
		p = malloc(sizeof *p);
	memset(p, 0, sizeof *p);
	p->z = (struct fz){data, size};
	uint8_t opt = fz_u8(&p->z);
	static const uint16_t extra[] = {8080, 0};
	struct sw_decode_opts dopts = {.sip_ports = extra};
	p->d = sw_decode_new(opt & 1 ? &dopts : NULL);
	p->ts = INT64_C(1700000000) * 1000000000;
	for (unsigned n = 0; n < MAX_OPS && p->z.n; n++) {
		uint8_t op = fz_u8(&p->z);
		switch (op % 6u) {
		case 0:
			op_tcp(p);
			break;
		case 1:
			op_udp(p);
			break;
		case 2:
			op_frag(p);
			break;
		case 3:
			op_time(p);
			break;
		case 4:
			op_icmp(p);
			break;
		default:
			op_sctp(p);
			break;
		}
		p->ts += 1000; /* 1 us between frames */
	}
	sw_decode_finish(p->d, sink, p);
	const struct sw_decode_stats *st = sw_decode_get_stats(p->d);
	FZ_CHECK(st->frames == p->frame_no);
	sw_decode_free(p->d);
	return 0;
}
