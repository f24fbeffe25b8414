/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the fuzz targets: a byte consumer over the input (as
 * LLVM's FuzzedDataProvider, returning zeros once the input is used up),
 * and "touch" functions that read every byte a decoded structure points
 * to, so that AddressSanitizer sees a slice that strays out of its buffer
 * even when nothing downstream happens to read it. */
#ifndef SW_FUZZ_UTIL_H
#define SW_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/str.h"
#include "decode/decode.h"

/* A failed property: print it and abort, so libFuzzer saves the input. */
#define FZ_CHECK(cond)                                                                             \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__,        \
			        #cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

struct fz {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t fz_u8(struct fz *z)
{
	if (!z->n)
		return 0;
	z->n--;
	return *z->p++;
}

static inline uint16_t fz_u16(struct fz *z)
{
	uint16_t hi = fz_u8(z);
	return (uint16_t)(hi << 8 | fz_u8(z));
}

static inline uint32_t fz_u32(struct fz *z)
{
	uint32_t hi = fz_u16(z);
	return hi << 16 | fz_u16(z);
}

/* Up to `want` bytes of the input (fewer at its end), as a slice into it. */
static inline struct sw_str fz_bytes(struct fz *z, size_t want)
{
	if (want > z->n)
		want = z->n;
	struct sw_str s = sw_str_make((const char *)z->p, want);
	z->p += want;
	z->n -= want;
	return s;
}

/* Reads every byte of a slice (a checksum the compiler cannot drop). */
static volatile uint8_t fz_sink_byte;
static inline void fz_touch(const void *p, size_t len)
{
	const volatile uint8_t *b = p;
	uint8_t x = 0;
	for (size_t i = 0; i < len; i++)
		x ^= b[i];
	fz_sink_byte ^= x;
}

static inline void fz_touch_str(struct sw_str s)
{
	FZ_CHECK(s.p || s.len == 0);
	if (s.p)
		fz_touch(s.p, s.len);
}

static inline void fz_touch_cstr(const char *s)
{
	if (s)
		fz_touch(s, strlen(s) + 1);
}

/* True when s lies inside [base, base + len) (an empty NULL slice does). */
static inline int fz_within(struct sw_str s, const void *base, size_t len)
{
	if (!s.p)
		return s.len == 0;
	const char *b = base;
	return s.p >= b && s.len <= len && (size_t)(s.p - b) <= len - s.len;
}

/* The terminal and JSON escapers on wire bytes: the output of
 * sw_buf_put_text holds no C0/DEL byte, no ESC, no C1 control (raw or
 * UTF-8 encoded), no invisible format control (a bidi override ...);
 * sw_buf_put_json's holds no raw control byte. */
static inline void fz_check_escapers(struct sw_str s)
{
	if (!s.p)
		return;
	struct sw_buf b = SW_BUF_INIT;
	sw_buf_put_text(&b, s);
	for (size_t i = 0; i < b.len; i++) {
		uint8_t c = (uint8_t)b.p[i];
		FZ_CHECK(c >= 0x20 && c != 0x7f);
		/* C1 controls as UTF-8: C2 80..C2 9F. */
		if (c == 0xc2 && i + 1 < b.len)
			FZ_CHECK((uint8_t)b.p[i + 1] > 0x9f);
		/* Decode the sequences that can hold a format control. */
		uint32_t cp = 0;
		size_t l = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		if (l > 1 && i + l <= b.len) {
			cp = c & (0x3f >> (l - 1));
			for (size_t k = 1; k < l; k++)
				cp = cp << 6 | ((uint8_t)b.p[i + k] & 0x3f);
			FZ_CHECK(!sw_cp_invisible(cp));
		}
	}
	sw_buf_reset(&b);
	sw_buf_put_json(&b, s);
	for (size_t i = 0; i < b.len; i++)
		FZ_CHECK((uint8_t)b.p[i] >= 0x20 && (uint8_t)b.p[i] != 0x7f);
	sw_buf_free(&b);
}

static inline void fz_touch_uri(const struct sw_sip_uri *u)
{
	fz_touch_str(u->raw);
	fz_touch_str(u->scheme);
	fz_touch_str(u->user);
	fz_touch_str(u->host);
	fz_touch_str(u->transport);
}

static inline void fz_touch_auth(const struct sw_sip_auth *a)
{
	fz_touch_str(a->scheme);
	fz_touch_str(a->realm);
	fz_touch_str(a->username);
	fz_touch_str(a->nonce);
	fz_touch_str(a->uri);
	fz_touch_str(a->algorithm);
	fz_touch_str(a->qop);
}

/* Every slice of a parsed message, and the structural promises of sip.h. */
static inline void fz_touch_sip(const struct sw_sip_msg *m)
{
	fz_touch_str(m->method);
	fz_touch_uri(&m->ruri);
	fz_touch_str(m->reason);
	fz_touch_str(m->call_id);
	fz_touch_str(m->cseq_method);
	fz_touch_str(m->from.display);
	fz_touch_uri(&m->from.uri);
	fz_touch_str(m->from.tag);
	fz_touch_str(m->to.display);
	fz_touch_uri(&m->to.uri);
	fz_touch_str(m->to.tag);
	for (size_t i = 0; i < m->n_via && i < SW_SIP_MAX_VIAS; i++) {
		fz_touch_str(m->via[i].protocol);
		fz_touch_str(m->via[i].host);
		fz_touch_str(m->via[i].branch);
		fz_touch_str(m->via[i].received);
	}
	FZ_CHECK(m->n_contact <= SW_SIP_MAX_CONTACTS);
	for (size_t i = 0; i < m->n_contact; i++) {
		fz_touch_uri(&m->contact[i].uri);
		fz_touch_str(m->contact[i].instance);
	}
	fz_touch_str(m->user_agent);
	fz_touch_str(m->server);
	fz_touch_str(m->warning);
	fz_touch_str(m->reason_hdr);
	fz_touch_str(m->supported);
	fz_touch_str(m->require);
	fz_touch_str(m->content_type);
	fz_touch_str(m->record_route);
	fz_touch_str(m->route);
	fz_touch_auth(&m->www_auth);
	fz_touch_auth(&m->proxy_auth);
	fz_touch_auth(&m->authorization);
	fz_touch_auth(&m->proxy_authz);
	FZ_CHECK(m->sdp.n_media <= SW_SIP_MAX_MEDIA);
	fz_touch_str(m->sdp.origin_addr);
	fz_touch_str(m->sdp.conn_addr);
	for (size_t i = 0; i < m->sdp.n_media; i++) {
		fz_touch_str(m->sdp.media[i].media);
		fz_touch_str(m->sdp.media[i].proto);
		fz_touch_str(m->sdp.media[i].conn);
	}
	fz_touch_str(m->raw);
	FZ_CHECK(m->raw.len <= SW_MAX_SIP_MSG);
	FZ_CHECK(m->header_len <= m->raw.len);
	FZ_CHECK(m->body_len <= m->raw.len);
	FZ_CHECK(m->call_id.p != NULL);
	if (!m->is_request)
		FZ_CHECK(m->status >= 100 && m->status <= 699);
	else
		FZ_CHECK(m->method.len > 0);
}

/* Every field of an event that points somewhere. */
static inline void fz_touch_event(const struct sw_ev *ev)
{
	switch (ev->type) {
	case SW_EV_SIP:
		fz_touch_sip(ev->u.sip);
		break;
	case SW_EV_SIP_BAD:
		fz_touch_str(ev->u.bad.reason);
		fz_touch_str(ev->u.bad.raw);
		FZ_CHECK(fz_within(ev->u.bad.call_id, ev->u.bad.raw.p, ev->u.bad.raw.len));
		FZ_CHECK(fz_within(ev->u.bad.first_line, ev->u.bad.raw.p, ev->u.bad.raw.len));
		break;
	case SW_EV_SIP_RAW:
		fz_touch_str(ev->u.bad.raw);
		break;
	case SW_EV_ICMP: {
		const struct sw_icmp *ic = &ev->u.icmp;
		fz_touch_str(ic->quoted_payload);
		const char *b = ic->quoted_payload.p;
		size_t n = ic->quoted_payload.len;
		FZ_CHECK(fz_within(ic->quoted_method, b, n));
		FZ_CHECK(fz_within(ic->quoted_call_id, b, n));
		FZ_CHECK(fz_within(ic->quoted_branch, b, n));
		break;
	}
	case SW_EV_DNS:
		FZ_CHECK(memchr(ev->u.dns->qname, 0, sizeof ev->u.dns->qname) != NULL);
		FZ_CHECK(ev->u.dns->n_addrs <= SW_DNS_MAX_ANSWERS);
		/* "escaped to printable": safe for a terminal as it is. */
		for (const char *q = ev->u.dns->qname; *q; q++)
			FZ_CHECK((uint8_t)*q > 0x20 && (uint8_t)*q < 0x7f);
		break;
	case SW_EV_KEEPALIVE:
	case SW_EV_TCP:
		break;
	}
}

#endif
