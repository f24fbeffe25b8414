/* SPDX-License-Identifier: BSD-2-Clause */
/* SIP header names and header lines, the one definition every module uses:
 * a header name slice to its header (any case; the compact forms of RFC 3261
 * section 7.3.3 and of later RFCs count as their full names), the parts of a
 * message (start line, header block, body) and a walk over its logical header
 * lines (RFC 3261 sections 7.3.1 folding, 7.3.3 compact forms; RFC 3841,
 * 3892, 4028, 4474, 3515, 6665 for the later compact forms).
 *
 * Everything here is bounded by the (p, len) it is given, needs no NUL, and
 * allocates nothing; slices point into the caller's text. */
#ifndef SW_DECODE_HDRNAME_H
#define SW_DECODE_HDRNAME_H

#include <stdbool.h>
#include <stddef.h>

#include "common/str.h"

/* The headers sipwatch knows by name. In the order of their lower-case names
 * (sw_hdr_lookup() searches them by halves; tests/unit/decode checks it). */
enum sw_hdr {
	SW_HDR_OTHER = 0, /* any other name, or a line without a name */
	SW_HDR_ACCEPT, SW_HDR_ACCEPT_CONTACT, SW_HDR_ACCEPT_ENCODING, SW_HDR_ACCEPT_LANGUAGE,
	SW_HDR_ALERT_INFO, SW_HDR_ALLOW, SW_HDR_ALLOW_EVENTS, SW_HDR_AUTHENTICATION_INFO,
	SW_HDR_AUTHORIZATION, SW_HDR_CALL_ID, SW_HDR_CALL_INFO, SW_HDR_CONTACT,
	SW_HDR_CONTENT_DISPOSITION, SW_HDR_CONTENT_ENCODING, SW_HDR_CONTENT_LANGUAGE,
	SW_HDR_CONTENT_LENGTH, SW_HDR_CONTENT_TYPE, SW_HDR_CSEQ, SW_HDR_DATE, SW_HDR_ERROR_INFO,
	SW_HDR_EVENT, SW_HDR_EXPIRES, SW_HDR_FROM, SW_HDR_IDENTITY, SW_HDR_IDENTITY_INFO,
	SW_HDR_IN_REPLY_TO, SW_HDR_MAX_FORWARDS, SW_HDR_MIME_VERSION, SW_HDR_MIN_EXPIRES,
	SW_HDR_MIN_SE, SW_HDR_ORGANIZATION, SW_HDR_P_ASSERTED_IDENTITY,
	SW_HDR_P_PREFERRED_IDENTITY, SW_HDR_PATH, SW_HDR_PRIORITY, SW_HDR_PROXY_AUTHENTICATE,
	SW_HDR_PROXY_AUTHORIZATION, SW_HDR_PROXY_REQUIRE, SW_HDR_RACK, SW_HDR_REASON,
	SW_HDR_RECORD_ROUTE, SW_HDR_REFER_TO, SW_HDR_REFERRED_BY, SW_HDR_REJECT_CONTACT,
	SW_HDR_REPLY_TO, SW_HDR_REQUEST_DISPOSITION, SW_HDR_REQUIRE, SW_HDR_RETRY_AFTER,
	SW_HDR_ROUTE, SW_HDR_RSEQ, SW_HDR_SERVER, SW_HDR_SERVICE_ROUTE, SW_HDR_SESSION_EXPIRES,
	SW_HDR_SIP_ETAG, SW_HDR_SIP_IF_MATCH, SW_HDR_SUBJECT, SW_HDR_SUPPORTED, SW_HDR_TIMESTAMP,
	SW_HDR_TO, SW_HDR_UNSUPPORTED, SW_HDR_USER_AGENT, SW_HDR_VIA, SW_HDR_WARNING,
	SW_HDR_WWW_AUTHENTICATE,
	SW_HDR_COUNT
};

#define SW_HDR_MAX_NAME 20u /* the longest name above ("P-Preferred-Identity") */

/* The header named p[0..len): the name as written, without the colon and the
 * blanks around it. Case-insensitive; a one-letter name is a compact form
 * (v Via, m Contact, l Content-Length, f From, t To, i Call-ID, c
 * Content-Type, k Supported, s Subject, e Content-Encoding, o Event, r
 * Refer-To, u Allow-Events, b Referred-By, x Session-Expires, a
 * Accept-Contact, j Reject-Contact, d Request-Disposition, y Identity, n
 * Identity-Info). SW_HDR_OTHER for any other name. */
enum sw_hdr sw_hdr_lookup(const char *p, size_t len);

/* True when p[0..len) names header h (its full name or its compact form):
 * sw_hdr_lookup(p, len) == h, cheaper when only one header matters. */
bool sw_hdr_is(const char *p, size_t len, enum sw_hdr h);

/* The canonical spelling of h ("Call-ID", "CSeq", "WWW-Authenticate",
 * "Content-Length" ...), static; NULL for SW_HDR_OTHER or out of range. */
const char *sw_hdr_name(enum sw_hdr h);

/* Line ends: CRLF, LF or a bare CR (as libosip2 accepts them). */
/* Offset of the first CR or LF in p[pos, end), end when there is none. */
size_t sw_sip_eol(const char *p, size_t pos, size_t end);
/* Offset after the line terminator at pos (pos itself when there is none). */
size_t sw_sip_skip_eol(const char *p, size_t pos, size_t end);

/* Where the parts of a message are in its text. */
struct sw_sip_layout {
	size_t start, start_end; /* the start line [start, start_end): leading CR/LF
	                          * (keepalives before a message) skipped */
	size_t hdr, hdr_end;     /* the header lines [hdr, hdr_end): up to the empty line */
	size_t body;             /* after the empty line; len when there is none (a
	                          * message cut short is all header block) */
};
void sw_sip_layout(const char *p, size_t len, struct sw_sip_layout *l);

/* One logical header line: a line and the continuation lines that follow it
 * (those starting with SP or HTAB, RFC 3261 section 7.3.1). */
struct sw_hdr_line {
	enum sw_hdr id;          /* SW_HDR_OTHER also for a line without a colon */
	bool has_colon;          /* a ':' on the line's first physical line */
	bool folded;             /* continuation lines follow */
	size_t start, end;       /* [start, end) in the text, the last terminator excluded */
	struct sw_str name;      /* before the colon, SP/HTAB trimmed; SW_STR_NULL without one */
	struct sw_str value;     /* after the colon, SP/HTAB/CR/LF trimmed, still folded;
	                          * p set even when empty; SW_STR_NULL without a colon */
};

struct sw_hdr_iter {
	const char *p;
	size_t pos, end;
};

/* Walks the header lines of the message text p laid out by sw_sip_layout(). */
void sw_hdr_begin(struct sw_hdr_iter *it, const char *p, const struct sw_sip_layout *l);
/* The next header line into *h; false at the end of the header block. */
bool sw_hdr_next(struct sw_hdr_iter *it, struct sw_hdr_line *h);

#endif
