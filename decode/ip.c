/* SPDX-License-Identifier: BSD-2-Clause */
/* IPv4 (RFC 791 section 3.1), IPv6 with extension headers (RFC 8200 sections
 * 3-4, AH of RFC 4302 skipped, atomic fragments of RFC 6946), UDP (RFC 768)
 * and the dispatch to TCP, SCTP, ICMP, DNS and tunnels. Declared lengths are
 * checked against captured ones, then clamped. */
#include <string.h>

#include "decode/internal.h"

static void set_addrs(struct sw_decode *d, uint8_t family, const uint8_t *src, const uint8_t *dst,
                      size_t alen)
{
	memset(&d->pkt.src, 0, sizeof d->pkt.src);
	memset(&d->pkt.dst, 0, sizeof d->pkt.dst);
	d->pkt.src.family = d->pkt.dst.family = family;
	memcpy(d->pkt.src.ip, src, alen);
	memcpy(d->pkt.dst.ip, dst, alen);
	d->pkt.transport = SW_TP_NONE;
	d->pkt.payload_len = 0;
}

static bool too_deep(struct sw_decode *d, unsigned depth)
{
	if (depth <= SW_MAX_LINK_DEPTH)
		return false;
	d->st.limit_drops++;
	d->fl_used = true;
	return true;
}

/* Counts the frame's outer IP packet in st.traffic (once a frame). */
static void count_traffic(struct sw_decode *d, uint8_t proto, const uint8_t *p, size_t len)
{
	struct sw_traffic *t = &d->st.traffic;
	d->fl_ip = true;
	if (proto == 17)
		t->udp++;
	else if (proto == 6)
		t->tcp++;
	else if (proto == 1 || proto == 58)
		t->icmp++;
	else
		t->other_ip++;
	if ((proto != 17 && proto != 6) || len < 4)
		return;
	uint16_t a = sw_rd16(p), b = sw_rd16(p + 2);
	uint16_t port = a < b ? a : b;
	uint32_t i, min = 0;
	for (i = 0; i < t->n_ports; i++) {
		if (t->ports[i].port == port && t->ports[i].proto == proto)
			break;
		if (t->ports[i].count < t->ports[min].count)
			min = i;
	}
	if (i == t->n_ports) {
		if (t->n_ports < SW_TRAFFIC_PORTS) {
			t->n_ports++;
			t->ports[i].count = 0;
		} else {
			i = min; /* space-saving: the new port inherits the least count */
		}
		t->ports[i].proto = proto;
		t->ports[i].port = port;
	}
	t->ports[i].count++;
}

void sw_ip_decode(struct sw_decode *d, const uint8_t *p, size_t len, unsigned depth)
{
	if (len < 1) {
		d->fl_trunc = true;
		return;
	}
	switch (p[0] >> 4) {
	case 4:
		sw_ipv4_decode(d, p, len, depth);
		break;
	case 6:
		sw_ipv6_decode(d, p, len, depth);
		break;
	default:
		d->fl_bad = true;
		break;
	}
}

void sw_ipv4_decode(struct sw_decode *d, const uint8_t *p, size_t len, unsigned depth)
{
	if (too_deep(d, depth))
		return;
	if (len < 20) {
		d->fl_trunc = true;
		return;
	}
	size_t ihl = (size_t)(p[0] & 0x0F) * 4;
	if ((p[0] >> 4) != 4 || ihl < 20) {
		d->fl_bad = true;
		return;
	}
	if (ihl > len) {
		d->fl_trunc = true;
		return;
	}
	size_t tot = sw_rd16(p + 2);
	if (tot == 0)
		tot = len; /* TCP segmentation offload: the length is not filled in yet */
	if (tot < ihl) {
		d->fl_bad = true;
		return;
	}
	bool cut = false;
	d->ip_missing = 0;
	if (tot > len) {
		d->fl_trunc = true;
		cut = true;
		d->ip_missing = tot - len;
		tot = len;
	}
	set_addrs(d, 4, p + 12, p + 16, 4);
	uint16_t fo = sw_rd16(p + 6);
	bool more = (fo & 0x2000) != 0;
	uint32_t off = (uint32_t)(fo & 0x1FFF) * 8;
	if (more || off) {
		if (!d->fl_ip)
			count_traffic(d, p[9], off ? NULL : p + ihl, off ? 0 : tot - ihl);
		struct sw_frag_in fr = {
		    .version = 4,
		    .src = p + 12,
		    .dst = p + 16,
		    .id = sw_rd16(p + 4),
		    .proto = p[9],
		    .offset = off,
		    .more = more,
		    .data = p + ihl,
		    .len = tot - ihl,
		    .cut = cut,
		};
		sw_frag_add(d, &fr, depth);
		return;
	}
	sw_ip_payload(d, 4, p[9], p + ihl, tot - ihl, cut, depth);
}

void sw_ipv6_decode(struct sw_decode *d, const uint8_t *p, size_t len, unsigned depth)
{
	if (too_deep(d, depth))
		return;
	if (len < 40) {
		d->fl_trunc = true;
		return;
	}
	if ((p[0] >> 4) != 6) {
		d->fl_bad = true;
		return;
	}
	size_t plen = sw_rd16(p + 4);
	bool cut = false;
	d->ip_missing = 0;
	if (plen == 0)
		plen = len - 40; /* jumbogram (RFC 2675) or offloaded length */
	if (plen > len - 40) {
		d->fl_trunc = true;
		cut = true;
		d->ip_missing = plen - (len - 40);
		plen = len - 40;
	}
	set_addrs(d, 6, p + 8, p + 24, 16);
	sw_ip_payload(d, 6, p[6], p + 40, plen, cut, depth);
}

long sw_ipv6_walk(const uint8_t *p, size_t len, uint8_t *nh)
{
	size_t off = 0;
	for (unsigned n = 0;; n++) {
		size_t hlen;
		switch (*nh) {
		case 0:  /* hop-by-hop options */
		case 43: /* routing */
		case 60: /* destination options */
			if (len - off < 2)
				return -1;
			hlen = ((size_t)p[off + 1] + 1) * 8;
			break;
		case 51: /* AH: length in 4-byte units minus 2 */
			if (len - off < 2)
				return -1;
			hlen = ((size_t)p[off + 1] + 2) * 4;
			break;
		default:
			return (long)off;
		}
		if (n == SW_MAX_IPV6_EXT)
			return -2;
		if (len - off < hlen)
			return -1;
		*nh = p[off];
		off += hlen;
	}
}

void sw_ip_payload(struct sw_decode *d, uint8_t version, uint8_t proto, const uint8_t *p,
                   size_t len, bool cut, unsigned depth)
{
	if (version == 6) {
		long off = sw_ipv6_walk(p, len, &proto);
		if (off == -2) {
			d->st.limit_drops++;
			d->fl_used = true;
			return;
		}
		if (off < 0) {
			if (cut)
				d->fl_trunc = true;
			else
				d->fl_bad = true;
			return;
		}
		p += off;
		len -= (size_t)off;
		if (proto == 44) {
			if (len < 8) {
				if (cut)
					d->fl_trunc = true;
				else
					d->fl_bad = true;
				return;
			}
			uint16_t fo = sw_rd16(p + 2);
			uint32_t foff = fo & 0xFFF8;
			bool more = fo & 1;
			if (!foff && !more) {
				/* RFC 6946 atomic fragment: the whole datagram. */
				sw_ip_payload(d, 6, p[0], p + 8, len - 8, cut, depth);
				return;
			}
			struct sw_frag_in fr = {
			    .version = 6,
			    .src = d->pkt.src.ip,
			    .dst = d->pkt.dst.ip,
			    .id = sw_rd32(p + 4),
			    .proto = p[0],
			    .offset = foff,
			    .more = more,
			    .data = p + 8,
			    .len = len - 8,
			    .cut = cut,
			};
			sw_frag_add(d, &fr, depth);
			return;
		}
	}
	if (!d->fl_ip)
		count_traffic(d, proto, p, len);
	switch (proto) {
	case 17:
		sw_udp_decode(d, p, len, cut, depth);
		break;
	case 6:
		sw_tcp_decode(d, p, len, cut);
		break;
	case 132:
		sw_sctp_decode(d, p, len, cut);
		break;
	case 1:
		if (version == 4)
			sw_icmp4_decode(d, p, len);
		break;
	case 58:
		if (version == 6)
			sw_icmp6_decode(d, p, len);
		break;
	case 4:
		sw_ipv4_decode(d, p, len, depth + 1);
		break;
	case 41:
		sw_ipv6_decode(d, p, len, depth + 1);
		break;
	case 47:
		sw_gre_decode(d, p, len, depth + 1);
		break;
	default:
		break; /* ESP (50), no next header (59), others: nothing for us */
	}
}

void sw_udp_decode(struct sw_decode *d, const uint8_t *p, size_t len, bool cut, unsigned depth)
{
	if (len < 8) {
		if (cut)
			d->fl_trunc = true;
		else
			d->fl_bad = true;
		return;
	}
	uint16_t sport = sw_rd16(p), dport = sw_rd16(p + 2);
	size_t ulen = sw_rd16(p + 4);
	if (ulen == 0)
		ulen = len; /* RFC 2675 jumbogram */
	if (ulen < 8) {
		d->fl_bad = true;
		return;
	}
	if (ulen > len) {
		if (cut)
			d->fl_trunc = true;
		else
			d->fl_bad = true; /* longer than its IP datagram */
		ulen = len;
	}
	d->pkt.src.port = sport;
	d->pkt.dst.port = dport;
	d->pkt.transport = SW_TP_UDP;
	const uint8_t *pl = p + 8;
	size_t plen = ulen - 8;
	d->pkt.payload_len = (uint32_t)plen;
	if (sw_dec_datagram(d, pl, plen, cut))
		return;
	if ((sport == 53 || dport == 53) && !cut) {
		if (sw_dns_parse(pl, plen, &d->dns) == 0) {
			struct sw_ev ev;
			memset(&ev, 0, sizeof ev);
			ev.type = SW_EV_DNS;
			ev.pkt = d->pkt;
			ev.u.dns = &d->dns;
			sw_dec_emit(d, &ev);
		}
		return;
	}
	if (sport == 2152 || dport == 2152) {
		if (sw_gtp_decode(d, pl, plen, depth + 1))
			return;
	}
	if (dport == 4789)
		sw_vxlan_decode(d, pl, plen, depth + 1);
}
