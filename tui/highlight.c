/* Which headers of a message a finding points at, by the finding's kind and
 * cause: one table, first matching rule wins. Header names are compared
 * case-insensitively, and the compact forms of RFC 3261 section 7.3.3 (and
 * its successors) count as their full names. */
#include <string.h>
#include <strings.h>

#include "tui/tui_int.h"

struct hl_rule {
	const char *kind;    /* exact kind, or a prefix ending in '.' */
	const char *cause;   /* NULL = any cause */
	const char *headers; /* '|'-separated; "@start" is the start line */
};

static const struct hl_rule rules[] = {
    {"alg.rewrite", "via_mismatch", "Via"},
    {"alg.rewrite", "content_length_mismatch", "Content-Length"},
    {"alg.rewrite", "contact_rewritten", "Contact"},
    {"alg.", NULL, "Via|Contact|Content-Length"},
    {"register.forbidden", NULL, "@start|User-Agent|Server|Warning|Authorization|WWW-Authenticate"},
    {"auth.", NULL, "@start|Authorization|WWW-Authenticate|Proxy-Authorization|Proxy-Authenticate"},
    {"register.rejected", NULL, "@start|Retry-After|Min-Expires|Warning"},
    {"register.flood_ban", NULL, "@start|Retry-After|Warning|User-Agent"},
    {"register.no_response", NULL, "@start|Via"},
    {"register.expired", NULL, "Expires|Contact"},
    {"register.flapping", NULL, "Expires|Contact"},
    {"register.", NULL, "@start"},
    {"nat.", NULL, "Via|Contact"},
    {"transport.", NULL, "Via|Contact|Record-Route"},
    {"keepalive.", NULL, "@start"},
};

/* RFC 3261 section 7.3.3 and later compact forms. */
static const char *const compact[][2] = {
    {"v", "Via"},          {"m", "Contact"},          {"l", "Content-Length"},  {"f", "From"},
    {"t", "To"},           {"i", "Call-ID"},          {"c", "Content-Type"},    {"k", "Supported"},
    {"s", "Subject"},      {"e", "Content-Encoding"}, {"o", "Event"},           {"r", "Refer-To"},
    {"u", "Allow-Events"}, {"b", "Referred-By"},      {"x", "Session-Expires"},
};

static const struct hl_rule *find_rule(const char *kind, const char *cause)
{
	if (!kind)
		return NULL;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		const struct hl_rule *r = &rules[i];
		size_t kl = strlen(r->kind);
		bool ok = r->kind[kl - 1] == '.' ? strncmp(kind, r->kind, kl) == 0
		                                 : strcmp(kind, r->kind) == 0;
		if (ok && (!r->cause || (cause && strcmp(cause, r->cause) == 0)))
			return r;
	}
	return NULL;
}

const char *tui_hl_headers(const char *kind, const char *cause)
{
	const struct hl_rule *r = find_rule(kind, cause);
	return r ? r->headers : NULL;
}

bool tui_hl_match(const char *kind, const char *cause, const char *name, size_t len)
{
	const struct hl_rule *r = find_rule(kind, cause);
	if (!r || !len)
		return false;
	if (len == 1) {
		for (size_t i = 0; i < sizeof compact / sizeof compact[0]; i++) {
			if (strncasecmp(name, compact[i][0], 1) == 0) {
				name = compact[i][1];
				len = strlen(name);
				break;
			}
		}
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
