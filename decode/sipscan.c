/* SPDX-License-Identifier: BSD-2-Clause */
/* Light SIP recognition without libosip2: start lines (RFC 3261 sections
 * 7.1/7.2, token of section 25.1), stream framing by Content-Length (section
 * 18.3, 20.14; header names, compact forms of 7.3.3 included, by
 * decode/hdrname.c), CRLF keepalives (RFC 5626 section 3.5.1)
 * and STUN Binding (RFC 5389 section 6, RFC 3489 section 11.1).
 * Everything is bounded by (p, len); nothing allocates or needs a NUL. */
#include "decode/sipscan.h"

#include <string.h>

#include "decode/hdrname.h"
#include "decode/internal.h"

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* RFC 3261 section 25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*"
 * / "_" / "+" / "`" / "'" / "~") */
static inline bool is_token(char c)
{
	if (is_alpha(c) || is_digit(c))
		return true;
	switch (c) {
	case '-':
	case '.':
	case '!':
	case '%':
	case '*':
	case '_':
	case '+':
	case '`':
	case '\'':
	case '~':
		return true;
	default:
		return false;
	}
}

/* Case-insensitive compare of p[0..n) with the lower-case literal s, where
 * fewer than n bytes may be available (avail): true when what is there
 * matches. */
static bool prefix_ieq(const char *p, size_t avail, const char *s, size_t n)
{
	size_t m = avail < n ? avail : n;
	for (size_t i = 0; i < m; i++)
		if (lower(p[i]) != s[i])
			return false;
	return true;
}

#define SIPVER "sip/2.0"
#define SIPVER_LEN 7u
#define MAX_METHOD 32u

/* Length of the first line without its CR/LF, and whether it ended. */
static size_t first_line(const char *p, size_t len, bool *complete)
{
	const char *nl = memchr(p, '\n', len);
	if (!nl) {
		*complete = false;
		return (len && p[len - 1] == '\r') ? len - 1 : len; /* cut before the LF */
	}
	*complete = true;
	size_t n = (size_t)(nl - p);
	if (n && p[n - 1] == '\r')
		n--;
	return n;
}

/* Status-Line: "SIP/2.0 DDD" followed by SP or the end of the line. */
static bool status_line(const char *p, size_t n, bool complete, int *status)
{
	if (!prefix_ieq(p, n, SIPVER " ", SIPVER_LEN + 1))
		return false;
	if (n < SIPVER_LEN + 1)
		return false; /* less than "SIP/2.0 " */
	size_t i = SIPVER_LEN + 1;
	int v = 0;
	for (size_t k = 0; k < 3; k++, i++) {
		if (i >= n)
			return !complete; /* cut in the code */
		if (!is_digit(p[i]))
			return false;
		v = v * 10 + (p[i] - '0');
	}
	if (v < 100 || v > 699)
		return false;
	if (i < n && p[i] != ' ')
		return false;
	if (status)
		*status = v;
	return true;
}

/* Request-Line: Method SP Request-URI SP SIP-Version. */
static bool request_line(const char *p, size_t n, bool complete, size_t *mlen)
{
	size_t i = 0;
	while (i < n && i <= MAX_METHOD && is_token(p[i]))
		i++;
	if (i == 0 || i > MAX_METHOD || i >= n || p[i] != ' ')
		return false;
	*mlen = i;
	i++;
	/* URI scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
	size_t s = i;
	while (i < n && (is_alpha(p[i]) ||
	                 (i > s && (is_digit(p[i]) || p[i] == '+' || p[i] == '-' || p[i] == '.'))))
		i++;
	if (i == s || i >= n || p[i] != ':')
		return false; /* a cut line needs at least "METHOD scheme:" */
	/* Rest of the URI: no SP, no controls. */
	while (i < n && p[i] != ' ') {
		if ((unsigned char)p[i] < 0x21 || p[i] == 0x7f)
			return false;
		i++;
	}
	if (i >= n)
		return !complete;
	i++; /* SP */
	size_t rest = n - i;
	if (!prefix_ieq(p + i, rest, SIPVER, SIPVER_LEN))
		return false;
	if (rest < SIPVER_LEN)
		return !complete;
	/* Bytes after the version make it malformed, yet still SIP-like: the
	 * parser rejects it and the message is reported as bad SIP. */
	return true;
}

/* A start line that has not fully arrived yet: what is there is a prefix of
 * "SIP/2.0 " or of "token SP scheme". For stream framing only. */
static bool start_prefix(const char *p, size_t len)
{
	if (len >= SW_MAX_RESYNC_LINE || memchr(p, '\n', len))
		return false;
	if (len < SIPVER_LEN + 1 && prefix_ieq(p, len, SIPVER " ", SIPVER_LEN + 1))
		return true;
	size_t i = 0;
	while (i < len && i <= MAX_METHOD && is_token(p[i]))
		i++;
	if (i == len)
		return i > 0 && i <= MAX_METHOD;
	if (i == 0 || i > MAX_METHOD || p[i] != ' ')
		return false;
	for (i++; i < len; i++)
		if (!is_alpha(p[i]) && !is_digit(p[i]) && p[i] != '+' && p[i] != '-' && p[i] != '.')
			return false;
	return true;
}

bool sw_sip_looks_like(const char *p, size_t len)
{
	if (!p || len == 0)
		return false;
	bool complete;
	size_t n = first_line(p, len, &complete);
	if (lower(p[0]) == 's' && prefix_ieq(p, n, SIPVER " ", SIPVER_LEN + 1) &&
	    n >= SIPVER_LEN + 1)
		return status_line(p, n, complete, NULL);
	size_t mlen;
	return request_line(p, n, complete, &mlen);
}

/* A header line [p, p+n) starts with its name (a token), optional SP/HTAB
 * and ':'. Returns the name's length, 0 when the line does not start so;
 * *val is set to the offset after the colon. */
static size_t line_name(const char *p, size_t n, size_t *val)
{
	size_t k = 0;
	while (k < n && is_token(p[k]))
		k++;
	size_t i = k;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (k == 0 || i >= n || p[i] != ':')
		return 0;
	*val = i + 1;
	return k;
}

static struct sw_str trim(const char *p, size_t n)
{
	return sw_str_trim(sw_str_make(p, n));
}

long sw_sip_frame_scan(const char *p, size_t len, size_t *hdr_len, int64_t *clen)
{
	*hdr_len = 0;
	*clen = -1;
	if (!sw_sip_looks_like(p, len))
		return start_prefix(p, len) ? 0 : -1;
	size_t limit = len < SW_MAX_SIP_MSG ? len : SW_MAX_SIP_MSG;
	size_t pos = 0;
	bool first = true, have_cl = false;
	uint64_t cl = 0;
	for (;;) {
		const char *nl = memchr(p + pos, '\n', limit - pos);
		if (!nl)
			return len >= SW_MAX_SIP_MSG ? -2 : 0;
		size_t end = (size_t)(nl - p) + 1;
		size_t n = end - pos - 1;
		if (n && p[pos + n - 1] == '\r')
			n--;
		if (!first && n == 0) {
			pos = end;
			break;
		}
		size_t v = 0;
		/* every line of every message is framed: one name compared, no
		 * search, and only on lines whose name can be Content-Length
		 * or its compact form l (section 7.3.3) */
		char c0 = n ? (char)(p[pos] | 0x20) : '\0';
		size_t k = first || (c0 != 'c' && c0 != 'l') ? 0 : line_name(p + pos, n, &v);
		if (k && sw_hdr_is(p + pos, k, SW_HDR_CONTENT_LENGTH)) {
			uint64_t x;
			if (have_cl || sw_parse_u64(trim(p + pos + v, n - v), UINT32_MAX, &x) != 0)
				return -1;
			have_cl = true;
			cl = x;
		}
		first = false;
		pos = end;
	}
	*hdr_len = pos;
	*clen = have_cl ? (int64_t)cl : -1;
	if (cl > SW_MAX_SIP_MSG || pos + cl > SW_MAX_SIP_MSG)
		return -2;
	if (len < pos + cl)
		return 0;
	return (long)(pos + cl);
}

long sw_sip_frame_len(const char *p, size_t len)
{
	size_t h;
	int64_t cl;
	return sw_sip_frame_scan(p, len, &h, &cl);
}

size_t sw_sip_crlf_run(const char *p, size_t len)
{
	size_t i = 0;
	while (i < len && (p[i] == '\r' || p[i] == '\n'))
		i++;
	return i;
}

int sw_sip_scan_light(const char *p, size_t len, struct sw_sip_light *out)
{
	memset(out, 0, sizeof *out);
	out->cseq = -1;
	if (!p || len == 0)
		return -1;
	bool complete;
	size_t n = first_line(p, len, &complete);
	size_t mlen = 0;
	int status = 0;
	if (status_line(p, n, complete, &status) && n >= SIPVER_LEN + 1) {
		out->is_request = false;
		out->status = status;
	} else if (request_line(p, n, complete, &mlen)) {
		out->is_request = true;
		out->method = sw_str_make(p, mlen);
	} else {
		return -1;
	}
	out->first_line = sw_str_make(p, n);
	if (!complete)
		return 0;
	/* Header lines; only complete ones count (a cut value would be wrong). */
	size_t pos = (size_t)((const char *)memchr(p, '\n', len) - p) + 1;
	bool via_done = false;
	while (pos < len) {
		const char *nl = memchr(p + pos, '\n', len - pos);
		if (!nl)
			break;
		size_t end = (size_t)(nl - p) + 1;
		const char *l = p + pos;
		size_t ln = end - pos - 1;
		if (ln && l[ln - 1] == '\r')
			ln--;
		if (ln == 0)
			break; /* end of headers */
		size_t v = 0;
		size_t nlen = line_name(l, ln, &v);
		enum sw_hdr id = nlen ? sw_hdr_lookup(l, nlen) : SW_HDR_OTHER;
		if (!out->call_id.p && id == SW_HDR_CALL_ID) {
			out->call_id = trim(l + v, ln - v);
		} else if (out->cseq < 0 && id == SW_HDR_CSEQ) {
			struct sw_str s = trim(l + v, ln - v);
			size_t k = 0;
			while (k < s.len && is_digit(s.p[k]))
				k++;
			uint64_t x;
			if (sw_parse_u64(sw_str_make(s.p, k), UINT32_MAX, &x) == 0) {
				out->cseq = (int64_t)x;
				struct sw_str m = trim(s.p + k, s.len - k);
				if (!out->is_request)
					out->method = m;
			}
		} else if (!via_done && id == SW_HDR_VIA) {
			via_done = true;
			/* First via-parm only: up to the first comma. */
			size_t e = v;
			while (e < ln && l[e] != ',')
				e++;
			for (size_t k = v; k + 8 <= e; k++) {
				if (l[k] != ';')
					continue;
				size_t j = k + 1;
				while (j < e && (l[j] == ' ' || l[j] == '\t'))
					j++;
				if (e - j >= 6 && prefix_ieq(l + j, e - j, "branch", 6)) {
					j += 6;
					while (j < e && (l[j] == ' ' || l[j] == '\t'))
						j++;
					if (j >= e || l[j] != '=')
						continue;
					j++;
					while (j < e && (l[j] == ' ' || l[j] == '\t'))
						j++;
					size_t b = j;
					while (j < e && l[j] != ';' && l[j] != ' ' && l[j] != '\t')
						j++;
					out->branch = sw_str_make(l + b, j - b);
					break;
				}
			}
		}
		pos = end;
	}
	return 0;
}

static bool is_stun(const uint8_t *p, size_t len, enum sw_keepalive_kind *kind)
{
	if (len < 20 || (p[0] & 0xC0) != 0)
		return false;
	uint16_t type = sw_rd16(p);
	uint16_t mlen = sw_rd16(p + 2);
	if ((size_t)mlen + 20 != len)
		return false;
	/* RFC 5389 requires 4-byte aligned attributes; RFC 3489 used them too. */
	if (mlen % 4)
		return false;
	/* Bytes 4-7 are the magic cookie 0x2112A442 (RFC 5389) or the start of
	 * RFC 3489's 128-bit transaction id: both forms pass. */
	if (type == 0x0001) {
		*kind = SW_KA_STUN_REQUEST;
		return true;
	}
	if (type == 0x0101 || type == 0x0111) {
		*kind = SW_KA_STUN_RESPONSE;
		return true;
	}
	return false;
}

int sw_keepalive_classify(const uint8_t *p, size_t len, bool on_sip_flow,
                          enum sw_keepalive_kind *kind)
{
	if (!p || len == 0)
		return 0;
	/* RFC 5626 section 3.5.1: CRLFCRLF ping, CRLF pong. */
	if (sw_sip_crlf_run((const char *)p, len) == len) {
		*kind = len >= 4 ? SW_KA_CRLF_PING : SW_KA_CRLF_PONG;
		return 1;
	}
	if (!on_sip_flow)
		return 0;
	if (is_stun(p, len, kind))
		return 1;
	if (len <= 16 && !sw_sip_looks_like((const char *)p, len)) {
		*kind = SW_KA_OTHER;
		return 1;
	}
	return 0;
}
