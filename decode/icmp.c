/* SPDX-License-Identifier: BSD-2-Clause */
/* ICMP errors that explain SIP failures: ICMPv4 destination unreachable and
 * time exceeded (RFC 792, RFC 1191 next-hop MTU, RFC 1812 section 5.2.7.1
 * codes), ICMPv6 destination unreachable, packet too big and time exceeded
 * (RFC 4443 section 3). The quoted IP header, its ports and the start of a
 * quoted SIP message are read here and never fed to fragment or TCP state. */
#include <string.h>

#include "decode/internal.h"

static void quoted_l4(struct sw_icmp *ic, uint8_t proto, bool ports, const uint8_t *l4, size_t n)
{
	ic->quoted_proto = proto;
	if (!ports || n < 4 || (proto != 17 && proto != 6 && proto != 132))
		return;
	ic->quoted_src.port = sw_rd16(l4);
	ic->quoted_dst.port = sw_rd16(l4 + 2);
	const uint8_t *pl = NULL;
	size_t plen = 0;
	if (proto == 17 && n >= 8) {
		size_t ulen = sw_rd16(l4 + 4);
		pl = l4 + 8;
		plen = n - 8;
		if (ulen >= 8 && ulen - 8 < plen)
			plen = ulen - 8;
	} else if (proto == 6 && n >= 13) {
		size_t doff = (size_t)(l4[12] >> 4) * 4;
		if (doff >= 20 && doff <= n) {
			pl = l4 + doff;
			plen = n - doff;
		}
	}
	if (!pl || !plen)
		return;
	ic->quoted_payload = sw_str_make((const char *)pl, plen);
	struct sw_sip_light l;
	if (sw_sip_scan_light((const char *)pl, plen, &l) != 0)
		return;
	ic->quoted_sip = true;
	ic->quoted_is_request = l.is_request;
	ic->quoted_method = l.method;
	ic->quoted_status = l.status;
	ic->quoted_call_id = l.call_id;
	ic->quoted_cseq = l.cseq;
	ic->quoted_branch = l.branch;
}

/* The invoking packet as quoted (RFC 792: IP header + at least 8 bytes;
 * RFC 4443: as much as fits). Often cut: take what is there. */
static void quoted(struct sw_icmp *ic, const uint8_t *q, size_t n)
{
	ic->quoted_cseq = -1;
	if (n < 1)
		return;
	if ((q[0] >> 4) == 4) {
		size_t ihl = (size_t)(q[0] & 0x0F) * 4;
		if (n < 20 || ihl < 20 || ihl > n)
			return;
		ic->quoted_src.family = ic->quoted_dst.family = 4;
		memcpy(ic->quoted_src.ip, q + 12, 4);
		memcpy(ic->quoted_dst.ip, q + 16, 4);
		size_t tot = sw_rd16(q + 2);
		size_t l4n = n - ihl;
		if (tot >= ihl && tot - ihl < l4n)
			l4n = tot - ihl;
		bool first = (sw_rd16(q + 6) & 0x1FFF) == 0;
		quoted_l4(ic, q[9], first, q + ihl, l4n);
	} else if ((q[0] >> 4) == 6) {
		if (n < 40)
			return;
		ic->quoted_src.family = ic->quoted_dst.family = 6;
		memcpy(ic->quoted_src.ip, q + 8, 16);
		memcpy(ic->quoted_dst.ip, q + 24, 16);
		size_t l4n = n - 40;
		size_t plen = sw_rd16(q + 4);
		if (plen && plen < l4n)
			l4n = plen;
		uint8_t nh = q[6];
		long off = sw_ipv6_walk(q + 40, l4n, &nh);
		if (off < 0) {
			ic->quoted_proto = nh;
			return;
		}
		const uint8_t *l4 = q + 40 + off;
		l4n -= (size_t)off;
		bool first = true;
		if (nh == 44) {
			if (l4n < 8) {
				ic->quoted_proto = nh;
				return;
			}
			first = (sw_rd16(l4 + 2) & 0xFFF8) == 0;
			nh = l4[0];
			l4 += 8;
			l4n -= 8;
		}
		quoted_l4(ic, nh, first, l4, l4n);
	}
}

static void emit(struct sw_decode *d, uint8_t version, uint8_t type, uint8_t code,
                 enum sw_icmp_kind kind, uint32_t mtu, const uint8_t *q, size_t qn)
{
	struct sw_ev ev;
	memset(&ev, 0, sizeof ev);
	ev.type = SW_EV_ICMP;
	ev.pkt = d->pkt;
	ev.pkt.payload_len = (uint32_t)qn;
	struct sw_icmp *ic = &ev.u.icmp;
	ic->kind = kind;
	ic->version = version;
	ic->type = type;
	ic->code = code;
	ic->mtu = mtu;
	ic->reporter = d->pkt.src;
	quoted(ic, q, qn);
	sw_dec_emit(d, &ev);
}

static bool short_header(struct sw_decode *d, size_t len)
{
	if (len >= 8)
		return false;
	if (d->ip_missing)
		d->fl_trunc = true;
	else
		d->fl_bad = true;
	return true;
}

void sw_icmp4_decode(struct sw_decode *d, const uint8_t *p, size_t len)
{
	if (short_header(d, len))
		return;
	uint8_t type = p[0], code = p[1];
	enum sw_icmp_kind kind = SW_ICMP_OTHER;
	uint32_t mtu = 0;
	if (type == 3) {
		switch (code) {
		case 0:
		case 6:
			kind = SW_ICMP_NET_UNREACH;
			break;
		case 1:
		case 7:
			kind = SW_ICMP_HOST_UNREACH;
			break;
		case 2:
			kind = SW_ICMP_PROTO_UNREACH;
			break;
		case 3:
			kind = SW_ICMP_PORT_UNREACH;
			break;
		case 4:
			kind = SW_ICMP_FRAG_NEEDED;
			mtu = sw_rd16(p + 6);
			break;
		case 9:
		case 10:
		case 13:
			kind = SW_ICMP_ADMIN_PROHIB;
			break;
		default:
			break;
		}
	} else if (type == 11) {
		kind = code == 1 ? SW_ICMP_REASSEMBLY : SW_ICMP_TIME_EXCEEDED;
	} else {
		return; /* echo and the rest: nothing for SIP */
	}
	emit(d, 4, type, code, kind, mtu, p + 8, len - 8);
}

void sw_icmp6_decode(struct sw_decode *d, const uint8_t *p, size_t len)
{
	if (short_header(d, len))
		return;
	uint8_t type = p[0], code = p[1];
	enum sw_icmp_kind kind = SW_ICMP_OTHER;
	uint32_t mtu = 0;
	if (type == 1) {
		switch (code) {
		case 0:
			kind = SW_ICMP_NET_UNREACH;
			break;
		case 1:
		case 5:
		case 6:
			kind = SW_ICMP_ADMIN_PROHIB;
			break;
		case 3:
			kind = SW_ICMP_HOST_UNREACH;
			break;
		case 4:
			kind = SW_ICMP_PORT_UNREACH;
			break;
		default:
			break;
		}
	} else if (type == 2) {
		kind = SW_ICMP_FRAG_NEEDED;
		mtu = sw_rd32(p + 4);
	} else if (type == 3) {
		kind = code == 1 ? SW_ICMP_REASSEMBLY : SW_ICMP_TIME_EXCEEDED;
	} else {
		return; /* informational messages (128+) and the rest */
	}
	emit(d, 6, type, code, kind, mtu, p + 8, len - 8);
}
