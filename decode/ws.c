/* SPDX-License-Identifier: BSD-2-Clause */
/* SIP over WebSocket (RFC 7118) on TCP streams: the HTTP/1.1 Upgrade
 * handshake (RFC 6455 section 4) and base framing (section 5.2): FIN, opcode,
 * masking, 7/16/64-bit payload lengths, continuation frames. Each text or
 * binary message carries one SIP message; control frames are skipped. */
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "decode/internal.h"

static inline char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

static bool ieq_prefix(const uint8_t *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	if (n < l)
		return false;
	for (size_t i = 0; i < l; i++)
		if (lower((char)p[i]) != lit[i])
			return false;
	return true;
}

size_t sw_http_header_len(const uint8_t *p, size_t len)
{
	size_t pos = 0;
	while (pos < len) {
		const uint8_t *nl = memchr(p + pos, '\n', len - pos);
		if (!nl)
			return 0;
		size_t end = (size_t)(nl - p) + 1;
		size_t n = end - pos - 1;
		if (n && p[pos + n - 1] == '\r')
			n--;
		if (n == 0 && pos > 0)
			return end;
		pos = end;
	}
	return 0;
}

bool sw_ws_is_upgrade(const uint8_t *p, size_t len)
{
	if (len < 4 || memcmp(p, "GET ", 4) != 0)
		return false;
	if (len > SW_MAX_HTTP_HDR)
		len = SW_MAX_HTTP_HDR;
	size_t pos = 0;
	while (pos < len) {
		const uint8_t *nl = memchr(p + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - p) + 1 : len;
		size_t n = end - pos - (nl ? 1 : 0);
		const uint8_t *l = p + pos;
		if (n && l[n - 1] == '\r')
			n--;
		if (n == 0 && pos > 0)
			return false;
		if (ieq_prefix(l, n, "upgrade:")) {
			for (size_t i = 8; i + 9 <= n; i++)
				if (ieq_prefix(l + i, n - i, "websocket"))
					return true;
		}
		pos = end;
	}
	return false;
}

int sw_ws_parse_header(const uint8_t *p, size_t len, struct sw_ws_frame *f)
{
	if (len < 2)
		return 0;
	memset(f, 0, sizeof *f);
	f->fin = (p[0] & 0x80) != 0;
	if (p[0] & 0x70)
		return -1; /* RSV bits without a negotiated extension */
	f->opcode = p[0] & 0x0F;
	f->masked = (p[1] & 0x80) != 0;
	uint64_t l = p[1] & 0x7F;
	size_t h = 2;
	if (l == 126) {
		if (len < 4)
			return 0;
		l = sw_rd16(p + 2);
		h = 4;
	} else if (l == 127) {
		if (len < 10)
			return 0;
		l = ((uint64_t)sw_rd32(p + 2) << 32) | sw_rd32(p + 6);
		if (l >> 63)
			return -1; /* the most significant bit must be 0 */
		h = 10;
	}
	if (f->masked) {
		if (len < h + 4)
			return 0;
		memcpy(f->mask, p + h, 4);
		h += 4;
	}
	if (f->opcode >= 8 && (!f->fin || l > 125))
		return -1; /* control frames are short and never fragmented */
	f->hdr_len = h;
	f->payload_len = l;
	return 1;
}

/* Append to the message being assembled (the caller checked the limit). */
static void ws_put(struct sw_tcp_stream *s, const uint8_t *p, size_t n)
{
	if (s->ws_len + n > s->ws_cap) {
		size_t cap = s->ws_cap ? s->ws_cap : 4096;
		while (cap < s->ws_len + n)
			cap *= 2;
		s->ws_msg = sw_realloc(s->ws_msg, cap);
		s->ws_cap = cap;
	}
	if (n)
		memcpy(s->ws_msg + s->ws_len, p, n);
	s->ws_len += n;
}

size_t sw_ws_process(struct sw_decode *d, struct sw_tcp_stream *s)
{
	size_t off = 0;
	while (off < s->len) {
		size_t n = s->len - off;
		if (s->skip) {
			size_t k = s->skip < n ? (size_t)s->skip : n;
			s->skip -= k;
			off += k;
			continue;
		}
		struct sw_ws_frame f;
		int r = sw_ws_parse_header(s->buf + off, n, &f);
		if (r == 0)
			break;
		if (r < 0) {
			d->fl_bad = true;
			s->state = SW_TS_IGNORE;
			return s->len;
		}
		if (f.payload_len > SW_MAX_SIP_MSG) {
			d->st.sip_oversize++;
			s->skip = f.hdr_len + f.payload_len;
			if (s->ws_active && f.opcode == 0)
				s->ws_active = false;
			continue;
		}
		size_t total = f.hdr_len + (size_t)f.payload_len;
		if (n < total)
			break;
		uint8_t *pl = s->buf + off + f.hdr_len;
		size_t plen = (size_t)f.payload_len;
		if (f.masked)
			for (size_t i = 0; i < plen; i++)
				pl[i] ^= f.mask[i & 3];
		uint64_t first;
		unsigned nseg;
		sw_tcp_span(s, off, total, &first, &nseg);
		switch (f.opcode) {
		case 1:                       /* text */
		case 2:                       /* binary */
			s->ws_active = false; /* an unfinished message is abandoned */
			if (f.fin) {
				sw_tcp_emit(d, s, (const char *)pl, plen, first, nseg);
				break;
			}
			s->ws_len = 0;
			ws_put(s, pl, plen);
			s->ws_frags = 1;
			s->ws_first_frame = first;
			s->ws_active = true;
			break;
		case 0: /* continuation */
			if (!s->ws_active)
				break;
			if (s->ws_len + plen > SW_MAX_SIP_MSG ||
			    s->ws_frags == SW_MAX_WS_FRAGMENTS) {
				if (s->ws_len + plen > SW_MAX_SIP_MSG)
					d->st.sip_oversize++;
				else
					d->st.limit_drops++;
				s->ws_active = false;
				break;
			}
			ws_put(s, pl, plen);
			s->ws_frags++;
			if (f.fin) {
				s->ws_active = false;
				sw_tcp_emit(d, s, (const char *)s->ws_msg, s->ws_len,
				            s->ws_first_frame,
				            s->ws_first_frame != s->last.frame_no ? 2 : 1);
			}
			break;
		default:
			break; /* close, ping, pong, reserved: nothing for SIP */
		}
		off += total;
	}
	return off;
}
