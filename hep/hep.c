/* SPDX-License-Identifier: BSD-2-Clause */
/* HEP v1/v2/v3 decoding and HEP v3 encoding (HEP3 Network Protocol
 * Specification; the v1/v2 fixed header as Kamailio's sipcapture and
 * captagent read it). The decoder reads field by field from (pointer,
 * length), checks every length before using it, trusts no declared length
 * beyond the bytes it was given, and allocates nothing. */
#include <string.h>

#include "hep/hep.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

const char *sw_hep_error_name(int e)
{
	static const char *const names[SW_HEP_N_ERRORS] = {
		"ok",           "truncated",     "bad_version",  "bad_length",
		"bad_chunk_length", "truncated_chunk", "bad_chunk_size", "duplicate_chunk",
		"missing_chunk", "bad_family",   "too_many_chunks", "bad_time",
		"compressed",
	};
	int i = -e;
	return i >= 0 && i < SW_HEP_N_ERRORS ? names[i] : "unknown";
}

long sw_hep_frame(const uint8_t *p, size_t len)
{
	static const uint8_t magic[4] = { 'H', 'E', 'P', '3' };
	if (len == 0)
		return 0;
	if (memcmp(p, magic, len < 4 ? len : 4) != 0)
		return -1;
	if (len < SW_HEP3_HEADER)
		return 0;
	uint16_t total = be16(p + 4);
	if (total < SW_HEP3_HEADER)
		return -1;
	return total <= len ? (long)total : 0;
}

static void set_ip(struct sw_addr *a, int family, const uint8_t *ip)
{
	uint16_t port = a->port;
	memset(a, 0, sizeof *a);
	a->family = (uint8_t)family;
	memcpy(a->ip, ip, family == 4 ? 4 : 16);
	a->port = port;
}

/* HEP v1/v2: the fixed header. */
static int decode_v12(const uint8_t *p, size_t len, struct sw_hep_msg *m)
{
	if (len < 8)
		return SW_HEP_E_SHORT;
	m->version = p[0];
	uint8_t fam = p[2];
	m->ip_proto = p[3];
	size_t iplen;
	if (fam == SW_HEP_AF_INET)
		iplen = 4;
	else if (fam == SW_HEP_AF_INET6)
		iplen = 16;
	else
		return SW_HEP_E_FAMILY;
	size_t off = 8 + 2 * iplen;
	if (len < off)
		return SW_HEP_E_SHORT;
	int f = iplen == 4 ? 4 : 6;
	m->src.port = be16(p + 4);
	m->dst.port = be16(p + 6);
	set_ip(&m->src, f, p + 8);
	set_ip(&m->dst, f, p + 8 + iplen);
	if (m->version == 2) {
		/* seconds, microseconds, 16-bit capture id, 2 bytes of padding:
		 * written in the sender's byte order, little endian in practice */
		if (len < off + 12)
			return SW_HEP_E_SHORT;
		m->has_time = true;
		m->ts_sec = le32(p + off);
		m->ts_usec = le32(p + off + 4);
		m->has_capture_id = true;
		m->capture_id = (uint32_t)(p[off + 8] | p[off + 9] << 8);
		off += 12;
		if (m->ts_usec >= 1000000u)
			return SW_HEP_E_TIME;
	}
	m->proto_type = SW_HEP_PT_SIP;
	m->payload = sw_str_make((const char *)p + off, len - off);
	m->used = len;
	return SW_HEP_OK;
}

/* Bit per generic chunk type seen (types 1..0x12). */
#define SEEN(t) (UINT32_C(1) << (t))

static int fixed_size(unsigned type)
{
	switch (type) {
	case SW_HEP_CH_IP_FAMILY:
	case SW_HEP_CH_IP_PROTO:
	case SW_HEP_CH_PROTO_TYPE:
		return 1;
	case SW_HEP_CH_SRC_PORT:
	case SW_HEP_CH_DST_PORT:
	case SW_HEP_CH_KEEPALIVE:
	case SW_HEP_CH_VLAN:
		return 2;
	case SW_HEP_CH_IPV4_SRC:
	case SW_HEP_CH_IPV4_DST:
	case SW_HEP_CH_TS_SEC:
	case SW_HEP_CH_TS_USEC:
	case SW_HEP_CH_CAPTURE_ID:
		return 4;
	case SW_HEP_CH_IPV6_SRC:
	case SW_HEP_CH_IPV6_DST:
		return 16;
	case SW_HEP_CH_AUTH_KEY:
	case SW_HEP_CH_PAYLOAD:
	case SW_HEP_CH_COMPRESSED:
	case SW_HEP_CH_CORRELATION:
		return -1; /* any length */
	default:
		return -2; /* not a type we read */
	}
}

static int decode_v3(const uint8_t *p, size_t len, struct sw_hep_msg *m)
{
	if (len < SW_HEP3_HEADER)
		return SW_HEP_E_SHORT;
	size_t total = be16(p + 4);
	if (total < SW_HEP3_HEADER || total > len)
		return SW_HEP_E_LENGTH;
	m->version = 3;
	m->used = total;
	uint32_t seen = 0;
	unsigned nchunks = 0;
	uint8_t fam = 0;
	const uint8_t *ip4[2] = { NULL, NULL }, *ip6[2] = { NULL, NULL };
	bool have_payload = false, have_compressed = false;
	size_t pos = SW_HEP3_HEADER;
	while (pos < total) {
		if (total - pos < SW_HEP_CHUNK_HEADER)
			return SW_HEP_E_CHUNK_TRUNC;
		uint16_t vendor = be16(p + pos), type = be16(p + pos + 2);
		size_t clen = be16(p + pos + 4);
		if (clen < SW_HEP_CHUNK_HEADER)
			return SW_HEP_E_CHUNK_LENGTH; /* 0 included: it would never advance */
		if (clen > total - pos)
			return SW_HEP_E_CHUNK_TRUNC;
		if (++nchunks > SW_HEP_MAX_CHUNKS)
			return SW_HEP_E_TOO_MANY;
		const uint8_t *v = p + pos + SW_HEP_CHUNK_HEADER;
		size_t vlen = clen - SW_HEP_CHUNK_HEADER;
		pos += clen;
		int want = vendor == 0 ? fixed_size(type) : -2;
		if (want == -2) {
			m->unknown_chunks++;
			continue;
		}
		if (want >= 0 && vlen != (size_t)want)
			return SW_HEP_E_CHUNK_SIZE;
		if (seen & SEEN(type))
			return SW_HEP_E_DUPLICATE;
		seen |= SEEN(type);
		switch (type) {
		case SW_HEP_CH_IP_FAMILY:
			fam = v[0];
			break;
		case SW_HEP_CH_IP_PROTO:
			m->ip_proto = v[0];
			break;
		case SW_HEP_CH_IPV4_SRC:
			ip4[0] = v;
			break;
		case SW_HEP_CH_IPV4_DST:
			ip4[1] = v;
			break;
		case SW_HEP_CH_IPV6_SRC:
			ip6[0] = v;
			break;
		case SW_HEP_CH_IPV6_DST:
			ip6[1] = v;
			break;
		case SW_HEP_CH_SRC_PORT:
			m->src.port = be16(v);
			break;
		case SW_HEP_CH_DST_PORT:
			m->dst.port = be16(v);
			break;
		case SW_HEP_CH_TS_SEC:
			m->has_time = true;
			m->ts_sec = be32(v);
			break;
		case SW_HEP_CH_TS_USEC:
			m->ts_usec = be32(v);
			break;
		case SW_HEP_CH_PROTO_TYPE:
			m->proto_type = v[0];
			break;
		case SW_HEP_CH_CAPTURE_ID:
			m->has_capture_id = true;
			m->capture_id = be32(v);
			break;
		case SW_HEP_CH_AUTH_KEY:
			m->auth_key = sw_str_make((const char *)v, vlen);
			break;
		case SW_HEP_CH_PAYLOAD:
			have_payload = true;
			m->payload = sw_str_make((const char *)v, vlen);
			break;
		case SW_HEP_CH_COMPRESSED:
			have_compressed = true;
			break;
		case SW_HEP_CH_CORRELATION:
			m->correlation = sw_str_make((const char *)v, vlen);
			break;
		default: /* keepalive timer, VLAN: read, not used */
			break;
		}
	}
	const uint32_t need = SEEN(SW_HEP_CH_IP_FAMILY) | SEEN(SW_HEP_CH_IP_PROTO) |
			      SEEN(SW_HEP_CH_SRC_PORT) | SEEN(SW_HEP_CH_DST_PORT);
	if (!have_payload)
		return have_compressed ? SW_HEP_E_COMPRESSED : SW_HEP_E_MISSING;
	if ((seen & need) != need)
		return SW_HEP_E_MISSING;
	if (fam == SW_HEP_AF_INET) {
		if (!ip4[0] || !ip4[1])
			return SW_HEP_E_MISSING;
		set_ip(&m->src, 4, ip4[0]);
		set_ip(&m->dst, 4, ip4[1]);
	} else if (fam == SW_HEP_AF_INET6) {
		if (!ip6[0] || !ip6[1])
			return SW_HEP_E_MISSING;
		set_ip(&m->src, 6, ip6[0]);
		set_ip(&m->dst, 6, ip6[1]);
	} else {
		return SW_HEP_E_FAMILY;
	}
	if (m->ts_usec >= 1000000u)
		return SW_HEP_E_TIME;
	if (!(seen & SEEN(SW_HEP_CH_PROTO_TYPE)))
		m->proto_type = SW_HEP_PT_SIP;
	return SW_HEP_OK;
}

int sw_hep_decode(const uint8_t *p, size_t len, struct sw_hep_msg *m)
{
	memset(m, 0, sizeof *m);
	if (len < 1)
		return SW_HEP_E_SHORT;
	if (p[0] == 1 || p[0] == 2)
		return decode_v12(p, len, m);
	if (len >= 4 && memcmp(p, "HEP3", 4) == 0)
		return decode_v3(p, len, m);
	return len < 4 && memcmp(p, "HEP3", len) == 0 ? SW_HEP_E_SHORT : SW_HEP_E_VERSION;
}

/* ---- encoding ---- */

struct enc {
	uint8_t *p;
	size_t cap, len;
	bool over;
};

static void put_bytes(struct enc *e, const void *v, size_t n)
{
	if (!n)
		return;
	if (e->over || n > e->cap - e->len) {
		e->over = true;
		return;
	}
	memcpy(e->p + e->len, v, n);
	e->len += n;
}

static void chunk(struct enc *e, uint16_t type, const void *v, size_t n)
{
	if (n > SW_HEP_MAX_PACKET - SW_HEP_CHUNK_HEADER) {
		e->over = true;
		return;
	}
	uint16_t clen = (uint16_t)(n + SW_HEP_CHUNK_HEADER);
	uint8_t h[6] = { 0, 0, (uint8_t)(type >> 8), (uint8_t)type, (uint8_t)(clen >> 8),
			 (uint8_t)clen };
	put_bytes(e, h, sizeof h);
	put_bytes(e, v, n);
}

static void chunk8(struct enc *e, uint16_t type, uint8_t v)
{
	chunk(e, type, &v, 1);
}

static void chunk16(struct enc *e, uint16_t type, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	chunk(e, type, b, 2);
}

static void chunk32(struct enc *e, uint16_t type, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	chunk(e, type, b, 4);
}

size_t sw_hep_encode(uint8_t *buf, size_t cap, const struct sw_hep_msg *m)
{
	if (cap > SW_HEP_MAX_PACKET)
		cap = SW_HEP_MAX_PACKET;
	struct enc e = { buf, cap, 0, false };
	put_bytes(&e, "HEP3\0\0", SW_HEP3_HEADER);
	bool v6 = m->src.family == 6 || m->dst.family == 6;
	chunk8(&e, SW_HEP_CH_IP_FAMILY, v6 ? SW_HEP_AF_INET6 : SW_HEP_AF_INET);
	chunk8(&e, SW_HEP_CH_IP_PROTO, m->ip_proto);
	if (v6) {
		/* an IPv4 endpoint beside an IPv6 one: as v4-mapped */
		uint8_t a[2][16];
		const struct sw_addr *ad[2] = { &m->src, &m->dst };
		for (int i = 0; i < 2; i++) {
			memset(a[i], 0, 16);
			if (ad[i]->family == 6) {
				memcpy(a[i], ad[i]->ip, 16);
			} else if (ad[i]->family == 4) {
				a[i][10] = a[i][11] = 0xff;
				memcpy(a[i] + 12, ad[i]->ip, 4);
			}
		}
		chunk(&e, SW_HEP_CH_IPV6_SRC, a[0], 16);
		chunk(&e, SW_HEP_CH_IPV6_DST, a[1], 16);
	} else {
		chunk(&e, SW_HEP_CH_IPV4_SRC, m->src.ip, 4);
		chunk(&e, SW_HEP_CH_IPV4_DST, m->dst.ip, 4);
	}
	chunk16(&e, SW_HEP_CH_SRC_PORT, m->src.port);
	chunk16(&e, SW_HEP_CH_DST_PORT, m->dst.port);
	chunk32(&e, SW_HEP_CH_TS_SEC, m->ts_sec);
	chunk32(&e, SW_HEP_CH_TS_USEC, m->ts_usec);
	chunk8(&e, SW_HEP_CH_PROTO_TYPE, m->proto_type);
	chunk32(&e, SW_HEP_CH_CAPTURE_ID, m->capture_id);
	if (m->auth_key.len)
		chunk(&e, SW_HEP_CH_AUTH_KEY, m->auth_key.p, m->auth_key.len);
	if (m->correlation.len)
		chunk(&e, SW_HEP_CH_CORRELATION, m->correlation.p, m->correlation.len);
	chunk(&e, SW_HEP_CH_PAYLOAD, m->payload.p, m->payload.len);
	if (e.over)
		return 0;
	buf[4] = (uint8_t)(e.len >> 8);
	buf[5] = (uint8_t)e.len;
	return e.len;
}
