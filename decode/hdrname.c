/* SPDX-License-Identifier: BSD-2-Clause */
/* SIP header names (long and compact forms, RFC 3261 section 7.3.3 and the
 * compact forms of RFC 3515, 3841, 3892, 4028, 4474, 6665) and the walk over
 * a message's header lines (RFC 3261 sections 7, 7.3.1), for decode/, the
 * pair diff and the TUI alike. Bounded by (p, len); allocates nothing. */
#include "decode/hdrname.h"

#include <string.h>

_Static_assert(SW_HDR_COUNT <= 256, "header ids are kept in bytes");

static const struct {
	const char *s;
	unsigned char len;
} names[SW_HDR_COUNT] = {
#define N(id, s) [id] = { s, sizeof(s) - 1 }
	N(SW_HDR_ACCEPT, "Accept"),
	N(SW_HDR_ACCEPT_CONTACT, "Accept-Contact"),       /* RFC 3841 */
	N(SW_HDR_ACCEPT_ENCODING, "Accept-Encoding"),
	N(SW_HDR_ACCEPT_LANGUAGE, "Accept-Language"),
	N(SW_HDR_ALERT_INFO, "Alert-Info"),
	N(SW_HDR_ALLOW, "Allow"),
	N(SW_HDR_ALLOW_EVENTS, "Allow-Events"),           /* RFC 6665 */
	N(SW_HDR_AUTHENTICATION_INFO, "Authentication-Info"),
	N(SW_HDR_AUTHORIZATION, "Authorization"),
	N(SW_HDR_CALL_ID, "Call-ID"),
	N(SW_HDR_CALL_INFO, "Call-Info"),
	N(SW_HDR_CONTACT, "Contact"),
	N(SW_HDR_CONTENT_DISPOSITION, "Content-Disposition"),
	N(SW_HDR_CONTENT_ENCODING, "Content-Encoding"),
	N(SW_HDR_CONTENT_LANGUAGE, "Content-Language"),
	N(SW_HDR_CONTENT_LENGTH, "Content-Length"),
	N(SW_HDR_CONTENT_TYPE, "Content-Type"),
	N(SW_HDR_CSEQ, "CSeq"),
	N(SW_HDR_DATE, "Date"),
	N(SW_HDR_ERROR_INFO, "Error-Info"),
	N(SW_HDR_EVENT, "Event"),                         /* RFC 6665 */
	N(SW_HDR_EXPIRES, "Expires"),
	N(SW_HDR_FROM, "From"),
	N(SW_HDR_IDENTITY, "Identity"),                   /* RFC 4474 */
	N(SW_HDR_IDENTITY_INFO, "Identity-Info"),         /* RFC 4474 */
	N(SW_HDR_IN_REPLY_TO, "In-Reply-To"),
	N(SW_HDR_MAX_FORWARDS, "Max-Forwards"),
	N(SW_HDR_MIME_VERSION, "MIME-Version"),
	N(SW_HDR_MIN_EXPIRES, "Min-Expires"),
	N(SW_HDR_MIN_SE, "Min-SE"),                       /* RFC 4028 */
	N(SW_HDR_ORGANIZATION, "Organization"),
	N(SW_HDR_P_ASSERTED_IDENTITY, "P-Asserted-Identity"),   /* RFC 3325 */
	N(SW_HDR_P_PREFERRED_IDENTITY, "P-Preferred-Identity"), /* RFC 3325 */
	N(SW_HDR_PATH, "Path"),                           /* RFC 3327 */
	N(SW_HDR_PRIORITY, "Priority"),
	N(SW_HDR_PROXY_AUTHENTICATE, "Proxy-Authenticate"),
	N(SW_HDR_PROXY_AUTHORIZATION, "Proxy-Authorization"),
	N(SW_HDR_PROXY_REQUIRE, "Proxy-Require"),
	N(SW_HDR_RACK, "RAck"),                           /* RFC 3262 */
	N(SW_HDR_REASON, "Reason"),                       /* RFC 3326 */
	N(SW_HDR_RECORD_ROUTE, "Record-Route"),
	N(SW_HDR_REFER_TO, "Refer-To"),                   /* RFC 3515 */
	N(SW_HDR_REFERRED_BY, "Referred-By"),             /* RFC 3892 */
	N(SW_HDR_REJECT_CONTACT, "Reject-Contact"),       /* RFC 3841 */
	N(SW_HDR_REPLY_TO, "Reply-To"),
	N(SW_HDR_REQUEST_DISPOSITION, "Request-Disposition"), /* RFC 3841 */
	N(SW_HDR_REQUIRE, "Require"),
	N(SW_HDR_RETRY_AFTER, "Retry-After"),
	N(SW_HDR_ROUTE, "Route"),
	N(SW_HDR_RSEQ, "RSeq"),                           /* RFC 3262 */
	N(SW_HDR_SERVER, "Server"),
	N(SW_HDR_SERVICE_ROUTE, "Service-Route"),         /* RFC 3608 */
	N(SW_HDR_SESSION_EXPIRES, "Session-Expires"),     /* RFC 4028 */
	N(SW_HDR_SIP_ETAG, "SIP-ETag"),                   /* RFC 3903 */
	N(SW_HDR_SIP_IF_MATCH, "SIP-If-Match"),           /* RFC 3903 */
	N(SW_HDR_SUBJECT, "Subject"),
	N(SW_HDR_SUPPORTED, "Supported"),
	N(SW_HDR_TIMESTAMP, "Timestamp"),
	N(SW_HDR_TO, "To"),
	N(SW_HDR_UNSUPPORTED, "Unsupported"),
	N(SW_HDR_USER_AGENT, "User-Agent"),
	N(SW_HDR_VIA, "Via"),
	N(SW_HDR_WARNING, "Warning"),
	N(SW_HDR_WWW_AUTHENTICATE, "WWW-Authenticate"),
#undef N
};

/* Compact forms by letter (0 = SW_HDR_OTHER: none). */
static const unsigned char compact[26] = {
	['a' - 'a'] = SW_HDR_ACCEPT_CONTACT,      /* RFC 3841 */
	['b' - 'a'] = SW_HDR_REFERRED_BY,         /* RFC 3892 */
	['c' - 'a'] = SW_HDR_CONTENT_TYPE,
	['d' - 'a'] = SW_HDR_REQUEST_DISPOSITION, /* RFC 3841 */
	['e' - 'a'] = SW_HDR_CONTENT_ENCODING,
	['f' - 'a'] = SW_HDR_FROM,
	['i' - 'a'] = SW_HDR_CALL_ID,
	['j' - 'a'] = SW_HDR_REJECT_CONTACT,      /* RFC 3841 */
	['k' - 'a'] = SW_HDR_SUPPORTED,           /* section 20.37 */
	['l' - 'a'] = SW_HDR_CONTENT_LENGTH,
	['m' - 'a'] = SW_HDR_CONTACT,
	['n' - 'a'] = SW_HDR_IDENTITY_INFO,       /* RFC 4474 */
	['o' - 'a'] = SW_HDR_EVENT,               /* RFC 6665 */
	['r' - 'a'] = SW_HDR_REFER_TO,            /* RFC 3515 */
	['s' - 'a'] = SW_HDR_SUBJECT,
	['t' - 'a'] = SW_HDR_TO,
	['u' - 'a'] = SW_HDR_ALLOW_EVENTS,        /* RFC 6665 */
	['v' - 'a'] = SW_HDR_VIA,
	['x' - 'a'] = SW_HDR_SESSION_EXPIRES,     /* RFC 4028 */
	['y' - 'a'] = SW_HDR_IDENTITY,            /* RFC 4474 */
};

/* The names above by length (SW_HDR_OTHER ends each list): a lookup compares
 * the name only with those of its length whose first letter matches.
 * tests/unit/decode/test_hdrname.c checks that every name is found. */
#define SW_HDR_PER_LEN 8u
static const unsigned char by_len[SW_HDR_MAX_NAME + 1][SW_HDR_PER_LEN] = {
	[2] = { SW_HDR_TO, SW_HDR_OTHER },
	[3] = { SW_HDR_VIA, SW_HDR_OTHER },
	[4] = { SW_HDR_CSEQ, SW_HDR_DATE, SW_HDR_FROM, SW_HDR_PATH, SW_HDR_RACK, SW_HDR_RSEQ, SW_HDR_OTHER },
	[5] = { SW_HDR_ALLOW, SW_HDR_EVENT, SW_HDR_ROUTE, SW_HDR_OTHER },
	[6] = { SW_HDR_ACCEPT, SW_HDR_MIN_SE, SW_HDR_REASON, SW_HDR_SERVER, SW_HDR_OTHER },
	[7] = { SW_HDR_CALL_ID, SW_HDR_CONTACT, SW_HDR_EXPIRES, SW_HDR_REQUIRE, SW_HDR_SUBJECT, SW_HDR_WARNING, SW_HDR_OTHER },
	[8] = { SW_HDR_IDENTITY, SW_HDR_PRIORITY, SW_HDR_REFER_TO, SW_HDR_REPLY_TO, SW_HDR_SIP_ETAG, SW_HDR_OTHER },
	[9] = { SW_HDR_CALL_INFO, SW_HDR_SUPPORTED, SW_HDR_TIMESTAMP, SW_HDR_OTHER },
	[10] = { SW_HDR_ALERT_INFO, SW_HDR_ERROR_INFO, SW_HDR_USER_AGENT, SW_HDR_OTHER },
	[11] = { SW_HDR_IN_REPLY_TO, SW_HDR_MIN_EXPIRES, SW_HDR_REFERRED_BY, SW_HDR_RETRY_AFTER, SW_HDR_UNSUPPORTED, SW_HDR_OTHER },
	[12] = { SW_HDR_ALLOW_EVENTS, SW_HDR_CONTENT_TYPE, SW_HDR_MAX_FORWARDS, SW_HDR_MIME_VERSION, SW_HDR_ORGANIZATION, SW_HDR_RECORD_ROUTE, SW_HDR_SIP_IF_MATCH, SW_HDR_OTHER },
	[13] = { SW_HDR_AUTHORIZATION, SW_HDR_IDENTITY_INFO, SW_HDR_PROXY_REQUIRE, SW_HDR_SERVICE_ROUTE, SW_HDR_OTHER },
	[14] = { SW_HDR_ACCEPT_CONTACT, SW_HDR_CONTENT_LENGTH, SW_HDR_REJECT_CONTACT, SW_HDR_OTHER },
	[15] = { SW_HDR_ACCEPT_ENCODING, SW_HDR_ACCEPT_LANGUAGE, SW_HDR_SESSION_EXPIRES, SW_HDR_OTHER },
	[16] = { SW_HDR_CONTENT_ENCODING, SW_HDR_CONTENT_LANGUAGE, SW_HDR_WWW_AUTHENTICATE, SW_HDR_OTHER },
	[18] = { SW_HDR_PROXY_AUTHENTICATE, SW_HDR_OTHER },
	[19] = { SW_HDR_AUTHENTICATION_INFO, SW_HDR_CONTENT_DISPOSITION, SW_HDR_P_ASSERTED_IDENTITY, SW_HDR_PROXY_AUTHORIZATION, SW_HDR_REQUEST_DISPOSITION, SW_HDR_OTHER },
	[20] = { SW_HDR_P_PREFERRED_IDENTITY, SW_HDR_OTHER },
};

static inline unsigned char lower(char c)
{
	return (unsigned char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
}

static enum sw_hdr compact_of(char c)
{
	unsigned char l = lower(c);
	return l >= 'a' && l <= 'z' ? (enum sw_hdr)compact[l - 'a'] : SW_HDR_OTHER;
}

/* p[0..len) equals the table name s (len bytes), ignoring ASCII case. */
static bool name_ieq(const char *p, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (lower(p[i]) != lower(s[i]))
			return false;
	return true;
}

enum sw_hdr sw_hdr_lookup(const char *p, size_t len)
{
	if (!p || len == 0 || len > SW_HDR_MAX_NAME)
		return SW_HDR_OTHER;
	if (len == 1)
		return compact_of(p[0]);
	unsigned char first = lower(p[0]);
	for (const unsigned char *id = by_len[len]; *id != SW_HDR_OTHER; id++)
		if (lower(names[*id].s[0]) == first && name_ieq(p, names[*id].s, len))
			return (enum sw_hdr)*id;
	return SW_HDR_OTHER;
}

bool sw_hdr_is(const char *p, size_t len, enum sw_hdr h)
{
	if (!p || h <= SW_HDR_OTHER || h >= SW_HDR_COUNT)
		return false;
	if (len == 1)
		return compact_of(p[0]) == h;
	return len == names[h].len && name_ieq(p, names[h].s, len);
}

const char *sw_hdr_name(enum sw_hdr h)
{
	return h > SW_HDR_OTHER && h < SW_HDR_COUNT ? names[h].s : NULL;
}

size_t sw_sip_eol(const char *p, size_t pos, size_t end)
{
	if (pos >= end)
		return end;
	const char *lf = memchr(p + pos, '\n', end - pos);
	size_t lim = lf ? (size_t)(lf - p) : end;
	const char *cr = memchr(p + pos, '\r', lim - pos);
	return cr ? (size_t)(cr - p) : lim;
}

size_t sw_sip_skip_eol(const char *p, size_t pos, size_t end)
{
	if (pos < end && p[pos] == '\r') {
		pos++;
		if (pos < end && p[pos] == '\n')
			pos++;
	} else if (pos < end && p[pos] == '\n') {
		pos++;
	}
	return pos;
}

void sw_sip_layout(const char *p, size_t len, struct sw_sip_layout *l)
{
	l->start = 0;
	while (l->start < len && (p[l->start] == '\r' || p[l->start] == '\n'))
		l->start++;
	l->start_end = sw_sip_eol(p, l->start, len);
	l->hdr = sw_sip_skip_eol(p, l->start_end, len);
	l->hdr_end = l->body = len;
	for (size_t pos = l->hdr; pos < len;) {
		if (p[pos] == '\r' || p[pos] == '\n') {
			l->hdr_end = pos;
			l->body = sw_sip_skip_eol(p, pos, len);
			break;
		}
		pos = sw_sip_skip_eol(p, sw_sip_eol(p, pos, len), len);
	}
}

void sw_hdr_begin(struct sw_hdr_iter *it, const char *p, const struct sw_sip_layout *l)
{
	it->p = p;
	it->pos = l->hdr;
	it->end = l->hdr_end;
}

static bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool sw_hdr_next(struct sw_hdr_iter *it, struct sw_hdr_line *h)
{
	const char *p = it->p;
	if (it->pos >= it->end)
		return false;
	size_t ls = it->pos;
	size_t e = sw_sip_eol(p, ls, it->end);
	size_t first_end = e;
	size_t nxt = sw_sip_skip_eol(p, e, it->end);
	h->folded = false;
	while (nxt < it->end && (p[nxt] == ' ' || p[nxt] == '\t')) {
		e = sw_sip_eol(p, nxt, it->end);
		nxt = sw_sip_skip_eol(p, e, it->end);
		h->folded = true;
	}
	/* A terminator-less byte run cannot loop: nxt > ls always here. */
	it->pos = nxt > ls ? nxt : it->end;
	h->start = ls;
	h->end = e;
	const char *colon = memchr(p + ls, ':', first_end - ls);
	h->has_colon = colon != NULL;
	if (!colon) {
		h->id = SW_HDR_OTHER;
		h->name = h->value = SW_STR_NULL;
		return true;
	}
	h->name = sw_str_trim(sw_str_make(p + ls, (size_t)(colon - (p + ls))));
	h->id = sw_hdr_lookup(h->name.p, h->name.len);
	const char *v = colon + 1, *ve = p + e;
	while (v < ve && is_lws(*v))
		v++;
	while (ve > v && is_lws(ve[-1]))
		ve--;
	/* a present but empty value keeps a non-NULL pointer */
	h->value = sw_str_make(v < ve ? v : colon + 1, (size_t)(ve - v));
	return true;
}
