/* SPDX-License-Identifier: BSD-2-Clause */
/* Which headers of a message a finding points at, by the finding's kind and
 * cause (the registry, analyze/kinds.h): one table, first matching rule wins. Header names are compared
 * case-insensitively, and the compact forms of RFC 3261 section 7.3.3 (and
 * its successors) count as their full names. */
#include <string.h>
#include <strings.h>

#include "decode/hdrname.h"
#include "tui/tui_int.h"

struct hl_rule {
	enum sw_kind kind;
	enum sw_cause cause; /* SW_C_COUNT = any cause */
	const char *headers; /* '|'-separated; "@start" is the start line */
};

#define ANY SW_C_COUNT
static const struct hl_rule rules[] = {
    {SW_K_ALG_REWRITE, SW_C_VIA_MISMATCH, "Via"},
    {SW_K_ALG_REWRITE, SW_C_CONTENT_LENGTH_MISMATCH, "Content-Length"},
    {SW_K_ALG_REWRITE, SW_C_CONTACT_REWRITTEN, "Contact"},
    {SW_K_ALG_REWRITE, SW_C_RECEIVED_PRIVATE, "Via|Contact"},
    {SW_K_ALG_REWRITE, ANY, "Via|Contact|Content-Length"},
    {SW_K_REGISTER_FORBIDDEN, ANY, "@start|User-Agent|Server|Warning|Authorization|WWW-Authenticate"},
    {SW_K_AUTH_REJECTED_CREDENTIALS, ANY, "@start|Authorization|WWW-Authenticate|Proxy-Authorization|Proxy-Authenticate"},
    {SW_K_REGISTER_REJECTED, ANY, "@start|Retry-After|Min-Expires|Warning"},
    {SW_K_REGISTER_FLOOD_BAN, ANY, "@start|Retry-After|Warning|User-Agent"},
    {SW_K_REGISTER_NO_RESPONSE, ANY, "@start|Via"},
    {SW_K_CALL_NO_RESPONSE, ANY, "@start|Via|Content-Length"},
    {SW_K_REGISTER_EXPIRED, ANY, "Expires|Contact"},
    {SW_K_REGISTER_FLAPPING, ANY, "Expires|Contact"},
    {SW_K_NAT_RETURN_PATH_BLOCKED, ANY, "Via|Contact"},
    {SW_K_NAT_STALE_BINDING, ANY, "Via|Contact"},
    {SW_K_NAT_BINDING_EXPIRED, ANY, "Via|Contact"},
    {SW_K_TRANSPORT_TCP_REQUIRED, ANY, "Via|Contact|Record-Route"},
    {SW_K_KEEPALIVE_OPTIONS_UNANSWERED, ANY, "@start"},
};

static const struct hl_rule *find_rule(enum sw_kind kind, enum sw_cause cause)
{
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		const struct hl_rule *r = &rules[i];
		if (r->kind == kind && (r->cause == ANY || r->cause == cause))
			return r;
	}
	return NULL;
}

const char *tui_hl_headers(enum sw_kind kind, enum sw_cause cause)
{
	const struct hl_rule *r = find_rule(kind, cause);
	return r ? r->headers : NULL;
}

bool tui_hl_match(enum sw_kind kind, enum sw_cause cause, const char *name, size_t len)
{
	const struct hl_rule *r = find_rule(kind, cause);
	if (!r || !len)
		return false;
	/* a compact form counts as its full name (decode/hdrname.h) */
	const char *full = sw_hdr_name(sw_hdr_lookup(name, len));
	if (full) {
		name = full;
		len = strlen(full);
	}
	for (const char *p = r->headers; *p;) {
		const char *e = strchr(p, '|');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == len && strncasecmp(p, name, n) == 0)
			return true;
		p += n;
		if (*p == '|')
			p++;
	}
	return false;
}
