/* SPDX-License-Identifier: BSD-2-Clause */
/* Link layers and tunnels down to IP: BSD loopback (LINKTYPE_NULL/LOOP),
 * Ethernet with IEEE 802.1Q/802.1ad VLAN tags and 802.2 LLC/SNAP, PPPoE
 * session (RFC 2516) and PPP (RFC 1661), raw IP, Linux cooked v1/v2, GRE
 * (RFC 2784, RFC 2890, RFC 2637 enhanced GRE), ERSPAN types I-III, GTP-U
 * (3GPP TS 29.281 section 5) and VXLAN (RFC 7348). Every nesting is bounded
 * by SW_MAX_LINK_DEPTH. */
#include <string.h>

#include "decode/internal.h"

#define ETH_HDR 14u
#define SLL_HDR 16u
#define SLL2_HDR 20u

static void ethertype(struct sw_decode *d, uint16_t type, const uint8_t *p, size_t len,
                      unsigned depth);

static bool too_deep(struct sw_decode *d, unsigned depth)
{
	if (depth <= SW_MAX_LINK_DEPTH)
		return false;
	d->st.limit_drops++;
	d->fl_used = true; /* counted there, not as non-SIP */
	return true;
}

/* PPP (RFC 1661 section 2) with optional address/control (RFC 1662) and
 * protocol-field compression. */
static void ppp_decode(struct sw_decode *d, const uint8_t *p, size_t len, unsigned depth)
{
	if (len >= 2 && p[0] == 0xFF && p[1] == 0x03) {
		p += 2;
		len -= 2;
	}
	if (len < 1) {
		d->fl_trunc = true;
		return;
	}
	uint16_t proto;
	if (p[0] & 1) {
		proto = p[0];
		p++;
		len--;
	} else {
		if (len < 2) {
			d->fl_trunc = true;
			return;
		}
		proto = sw_rd16(p);
		p += 2;
		len -= 2;
	}
	if (proto == 0x0021)
		sw_ipv4_decode(d, p, len, depth + 1);
	else if (proto == 0x0057)
		sw_ipv6_decode(d, p, len, depth + 1);
}

/* RFC 2516 section 4 session stage: ver/type 0x11, code 0, session id, length. */
static void pppoe_decode(struct sw_decode *d, const uint8_t *p, size_t len, unsigned depth)
{
	if (len < 6) {
		d->fl_trunc = true;
		return;
	}
	if (p[0] != 0x11 || p[1] != 0x00) {
		d->fl_bad = true;
		return;
	}
	size_t plen = sw_rd16(p + 4);
	if (plen > len - 6) {
		d->fl_trunc = true;
		plen = len - 6;
	}
	ppp_decode(d, p + 6, plen, depth);
}

/* IEEE 802.2 LLC; only SNAP (AA AA 03, OUI, EtherType) can carry IP here. */
static void llc_decode(struct sw_decode *d, const uint8_t *p, size_t len, unsigned depth)
{
	if (len < 3) {
		d->fl_trunc = true;
		return;
	}
	if (p[0] != 0xAA || p[1] != 0xAA || p[2] != 0x03)
		return;
	if (len < 8) {
		d->fl_trunc = true;
		return;
	}
	ethertype(d, sw_rd16(p + 6), p + 8, len - 8, depth + 1);
}

static void ethertype(struct sw_decode *d, uint16_t type, const uint8_t *p, size_t len,
                      unsigned depth)
{
	if (too_deep(d, depth))
		return;
	switch (type) {
	case 0x0800:
		sw_ipv4_decode(d, p, len, depth);
		break;
	case 0x86DD:
		sw_ipv6_decode(d, p, len, depth);
		break;
	case 0x8100: /* 802.1Q */
	case 0x88A8: /* 802.1ad */
	case 0x9100: /* pre-standard QinQ */
		if (len < 4) {
			d->fl_trunc = true;
			return;
		}
		if (d->pkt.n_vlan < 2)
			d->pkt.vlan[d->pkt.n_vlan++] = sw_rd16(p) & 0x0FFF;
		ethertype(d, sw_rd16(p + 2), p + 4, len - 4, depth + 1);
		break;
	case 0x8864:
		pppoe_decode(d, p, len, depth);
		break;
	default:
		break;
	}
}

void sw_eth_decode(struct sw_decode *d, const uint8_t *p, size_t len, unsigned depth)
{
	if (too_deep(d, depth))
		return;
	if (len < ETH_HDR) {
		d->fl_trunc = true;
		return;
	}
	if (!d->pkt.has_mac) {
		d->pkt.has_mac = true;
		memcpy(d->pkt.dst_mac, p, 6);
		memcpy(d->pkt.src_mac, p + 6, 6);
	}
	uint16_t type = sw_rd16(p + 12);
	p += ETH_HDR;
	len -= ETH_HDR;
	if (type <= 1500) {
		/* IEEE 802.3 length field: checked against what was captured. */
		if (type > len)
			d->fl_trunc = true;
		else
			len = type;
		llc_decode(d, p, len, depth);
		return;
	}
	if (type < 0x0600) {
		d->fl_bad = true;
		return;
	}
	ethertype(d, type, p, len, depth);
}

/* Linux cooked protocol field: an EtherType, or 0x0004 for 802.2 LLC. */
static void sll_proto(struct sw_decode *d, uint16_t proto, const uint8_t *addr, size_t alen,
                      const uint8_t *p, size_t len)
{
	if (alen == 6 && !d->pkt.has_mac) {
		d->pkt.has_mac = true;
		memcpy(d->pkt.src_mac, addr, 6);
	}
	if (proto == 0x0004)
		llc_decode(d, p, len, 0);
	else
		ethertype(d, proto, p, len, 0);
}

/* LINKTYPE_NULL (host-order AF_ value; either byte order accepted) and
 * LINKTYPE_LOOP (network order). AF_INET is 2 everywhere; AF_INET6 is 24
 * (NetBSD/OpenBSD), 28 (FreeBSD) or 30 (macOS). */
static void null_decode(struct sw_decode *d, const uint8_t *p, size_t len)
{
	if (len < 4) {
		d->fl_trunc = true;
		return;
	}
	uint32_t be = sw_rd32(p);
	uint32_t le =
	    ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
	if (be == 2 || le == 2)
		sw_ipv4_decode(d, p + 4, len - 4, 0);
	else if (be == 24 || be == 28 || be == 30 || le == 24 || le == 28 || le == 30)
		sw_ipv6_decode(d, p + 4, len - 4, 0);
}

void sw_link_decode(struct sw_decode *d, int linktype, const uint8_t *p, size_t len)
{
	switch (linktype) {
	case SW_LINK_NULL:
	case SW_LINK_LOOP:
		null_decode(d, p, len);
		break;
	case SW_LINK_ETHERNET:
		sw_eth_decode(d, p, len, 0);
		break;
	case 12:
	case 14:
	case SW_LINK_RAW:
		sw_ip_decode(d, p, len, 0);
		break;
	case SW_LINK_IPV4:
		sw_ipv4_decode(d, p, len, 0);
		break;
	case SW_LINK_IPV6:
		sw_ipv6_decode(d, p, len, 0);
		break;
	case SW_LINK_LINUX_SLL:
		if (len < SLL_HDR) {
			d->fl_trunc = true;
			return;
		}
		{
			size_t alen = sw_rd16(p + 4);
			sll_proto(d, sw_rd16(p + 14), p + 6, alen, p + SLL_HDR, len - SLL_HDR);
		}
		break;
	case SW_LINK_LINUX_SLL2:
		if (len < SLL2_HDR) {
			d->fl_trunc = true;
			return;
		}
		sll_proto(d, sw_rd16(p), p + 12, p[11], p + SLL2_HDR, len - SLL2_HDR);
		break;
	default:
		d->fl_unsupported = true;
		break;
	}
}

/* ERSPAN type II (8-byte header, version 1) and type III (12 bytes, version 2,
 * plus an 8-byte platform subheader when the O flag is set); type I has no
 * header and no GRE sequence number. */
static void erspan_decode(struct sw_decode *d, bool type3, bool has_seq, const uint8_t *p,
                          size_t len, unsigned depth)
{
	size_t off;
	if (!type3) {
		if (!has_seq) {
			sw_eth_decode(d, p, len, depth + 1);
			return;
		}
		off = 8;
		if (len < off) {
			d->fl_trunc = true;
			return;
		}
		if ((p[0] >> 4) != 1) {
			d->fl_bad = true;
			return;
		}
	} else {
		off = 12;
		if (len < off) {
			d->fl_trunc = true;
			return;
		}
		if ((p[0] >> 4) != 2) {
			d->fl_bad = true;
			return;
		}
		if ((p[10] >> 2) & 0x1F)
			return; /* frame type other than Ethernet */
		if (p[11] & 1)
			off += 8;
		if (len < off) {
			d->fl_trunc = true;
			return;
		}
	}
	sw_eth_decode(d, p + off, len - off, depth + 1);
}

void sw_gre_decode(struct sw_decode *d, const uint8_t *p, size_t len, unsigned depth)
{
	if (too_deep(d, depth))
		return;
	if (len < 4) {
		d->fl_trunc = true;
		return;
	}
	uint16_t flags = sw_rd16(p);
	uint16_t proto = sw_rd16(p + 2);
	unsigned ver = flags & 7;
	size_t off = 4;
	if (ver == 0) {
		if (flags & 0x4000)
			return; /* RFC 1701 source routing: not decoded */
		if (flags & 0x8000)
			off += 4; /* checksum + reserved */
		if (flags & 0x2000)
			off += 4; /* key */
		if (flags & 0x1000)
			off += 4; /* sequence number */
	} else if (ver == 1) {
		/* RFC 2637 section 4.1: key (payload length, call id) always. */
		if (proto != 0x880B)
			return;
		off += 4;
		if (flags & 0x1000)
			off += 4;
		if (flags & 0x0080)
			off += 4; /* acknowledgment number */
	} else {
		d->fl_bad = true;
		return;
	}
	if (len < off) {
		d->fl_trunc = true;
		return;
	}
	p += off;
	len -= off;
	switch (proto) {
	case 0x0800:
		sw_ipv4_decode(d, p, len, depth + 1);
		break;
	case 0x86DD:
		sw_ipv6_decode(d, p, len, depth + 1);
		break;
	case 0x6558: /* transparent Ethernet bridging */
		sw_eth_decode(d, p, len, depth + 1);
		break;
	case 0x880B:
		if (ver == 1 && len == 0)
			break; /* PPTP acknowledgment without payload */
		ppp_decode(d, p, len, depth);
		break;
	case 0x88BE:
		erspan_decode(d, false, (flags & 0x1000) != 0, p, len, depth);
		break;
	case 0x22EB:
		erspan_decode(d, true, (flags & 0x1000) != 0, p, len, depth);
		break;
	default:
		break;
	}
}

bool sw_gtp_decode(struct sw_decode *d, const uint8_t *p, size_t len, unsigned depth)
{
	/* Version 1, protocol type GTP, message type 255 (G-PDU). */
	if (len < 8 || (p[0] >> 5) != 1 || !(p[0] & 0x10) || p[1] != 0xFF)
		return false;
	if (too_deep(d, depth))
		return true;
	size_t total = 8u + sw_rd16(p + 2);
	if (total > len)
		d->fl_trunc = true;
	else
		len = total;
	size_t off = 8;
	if (p[0] & 0x07) {
		/* Sequence number, N-PDU number and next extension type follow. */
		off = 12;
		if (len < off) {
			d->fl_trunc = true;
			return true;
		}
		uint8_t next = p[11];
		for (unsigned n = 0; next != 0; n++) {
			if (n == SW_MAX_GTP_EXT) {
				d->st.limit_drops++;
				d->fl_used = true;
				return true;
			}
			if (len < off + 1) {
				d->fl_trunc = true;
				return true;
			}
			size_t elen = (size_t)p[off] * 4;
			if (elen == 0) {
				d->fl_bad = true;
				return true;
			}
			if (len < off + elen) {
				d->fl_trunc = true;
				return true;
			}
			next = p[off + elen - 1];
			off += elen;
		}
	}
	if (len <= off)
		return true;
	sw_ip_decode(d, p + off, len - off, depth + 1);
	return true;
}

bool sw_vxlan_decode(struct sw_decode *d, const uint8_t *p, size_t len, unsigned depth)
{
	if (len < 8 || !(p[0] & 0x08))
		return false;
	if (too_deep(d, depth))
		return true;
	sw_eth_decode(d, p + 8, len - 8, depth + 1);
	return true;
}
