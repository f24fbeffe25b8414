/* SPDX-License-Identifier: BSD-2-Clause */
/* The one wrapper around libosip2: turns one SIP message (RFC 3261 sections 7,
 * 8.1.1, 18.3, 20) into struct sw_sip_msg, with a bounded SDP scan (RFC 4566
 * section 5) of the body or of a multipart part (RFC 2046 section 5.1).
 *
 * How the work is split, and why:
 *  - The message is copied once into the parser (sp->text); every raw slice
 *    (start line, header values, body) points there. A bounded line scanner
 *    of our own (decode/hdrname.c, shared with the rest of sipwatch) finds
 *    the header block and names the header lines (long and compact forms,
 *    any case); here NULs in the block are rejected, the start line is
 *    validated and the headers are indexed. Header values that are only
 *    text or numbers (Call-ID, CSeq, Expires, Warning, Supported,
 *    Content-Length ...) are taken from that scan, with strict
 *    overflow-checked integer parsing.
 *  - libosip2 parses what needs a real URI grammar: the Request-URI, From,
 *    To (from '<' on; display names are ours), every Via and every Contact.
 *    It is handed a filtered header block with only those headers (first
 *    From and To only), under canonical names, and no body, because
 *    libosip2 5.3.0 rejects a whole message when To/From/Call-ID/CSeq/
 *    Content-Length appear twice (the compact "t:" plus "To:" case), when
 *    Content-Length is larger than the bytes present, when a multipart body
 *    is malformed, and for display names it dislikes; it also splits
 *    Call-ID at '@' and unknown comma-separated headers (Supported,
 *    Warning) at commas, so its generic header list is not used. Its
 *    strings are used in place (the osip_message_t lives until the next
 *    parse).
 *  - The authentication headers go through a small auth-param scanner of
 *    our own (see auth_next for the libosip2 bugs that made this necessary).
 *  - Derived strings (unfolded values, unquoted strings with backslash
 *    escapes, joined Supported/Require) live in a per-parser arena sized at
 *    the start of each parse, so they are never reallocated while in use.
 *  - Digest response= values are masked ('*') in the parser's copy before
 *    anything else reads it: the response never reaches the struct, not even
 *    through msg->raw. Only has_response says one was there.
 *
 *  - libosip2 allocates on an arena of the parser's (issue 15): its
 *    allocation hooks (osip_set_allocators, exported by Debian 12's
 *    libosipparser2 5.3.0) bump-allocate in chunks while a parse runs on
 *    this thread, and free nothing piecewise; the next parse resets the
 *    arena instead of calling osip_message_free(). About 60 malloc/free
 *    pairs a message, and the walk that frees them, are gone.
 *
 * Process-wide state: libosip2's own header tables, filled once by
 * parser_init(), its trace sink, set once to a function that drops
 * everything (libosip2 would print parse errors to stdout), and its
 * allocation hooks, set once to osip_arena_*. All three happen under
 * pthread_once. The hooks take no context, so the arena of the parse that is
 * running is found through one thread-local pointer (cur_arena), set only
 * for the duration of osip_message_init() and osip_message_parse() on that
 * thread; outside it (any other libosip2 use) the hooks are malloc, realloc
 * and free. Nothing else here is global or mutable. */
#include "decode/sip_osip.h"

#include <limits.h>
#include <stddef.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <osipparser2/osip_parser.h>
#include <osipparser2/osip_port.h>

#include "common/mem.h"
#include "common/str.h"
#include "decode/hdrname.h"

_Static_assert(SW_MAX_SIP_MSG == 131072u, "update the rejection reason text");

/* libosip2's arena: chunks of at least OSIP_CHUNK bytes; the first is kept
 * from parse to parse, larger needs add chunks that the next reset frees.
 * Sizes come from what libosip2 asks for while parsing one message of at
 * most SW_MAX_SIP_MSG bytes. */
#define OSIP_CHUNK (64u << 10)
#define OSIP_ALIGN 16u

struct osip_chunk {
	struct osip_chunk *next;  /* older chunk */
	size_t cap, used;
	_Alignas(16) unsigned char data[];
};

/* Each allocation is preceded by its size (for realloc), padded to one
 * alignment unit on 32- and 64-bit CPUs alike. */
struct osip_hdr {
	size_t size;
	unsigned char pad[OSIP_ALIGN - sizeof(size_t)];
};
_Static_assert(sizeof(struct osip_hdr) == OSIP_ALIGN, "allocation header is one unit");

struct osip_arena {
	struct osip_chunk *head;  /* newest chunk, allocations come from it */
};

struct sw_sip_parser {
	osip_message_t *om;   /* last message libosip2 parsed (in arena), NULL if none */
	struct osip_arena arena_osip;
	char *text;           /* our copy of the message; slices point here */
	size_t text_cap;
	char *feed;           /* filtered header block handed to libosip2 */
	size_t feed_len, feed_cap;
	char *arena;          /* derived strings, reset at each parse */
	size_t arena_len, arena_cap;
};

/* ---- one-time libosip2 setup ---------------------------------------- */

static pthread_once_t osip_once = PTHREAD_ONCE_INIT;

/* The arena of the parse running on this thread, NULL outside a parse. */
static _Thread_local struct osip_arena *cur_arena;

static bool arena_owns(const struct osip_arena *a, const void *p)
{
	for (const struct osip_chunk *c = a->head; c; c = c->next)
		if ((const unsigned char *)p >= c->data && (const unsigned char *)p < c->data + c->used)
			return true;
	return false;
}

static void *arena_get(struct osip_arena *a, size_t n)
{
	if (n > SIZE_MAX / 2)
		return NULL;
	size_t need = sizeof(struct osip_hdr) + ((n + OSIP_ALIGN - 1) & ~(size_t)(OSIP_ALIGN - 1));
	struct osip_chunk *c = a->head;
	if (!c || c->cap - c->used < need) {
		size_t cap = need > OSIP_CHUNK ? need : OSIP_CHUNK;
		c = sw_malloc_aligned(OSIP_ALIGN, sizeof *c + cap); /* 32-bit malloc gives 8 */
		c->cap = cap;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	struct osip_hdr *h = (struct osip_hdr *)(c->data + c->used);
	h->size = n;
	c->used += need;
	return h + 1;
}

static void *osip_arena_malloc(size_t n)
{
	struct osip_arena *a = cur_arena;
	return a ? arena_get(a, n) : malloc(n);
}

static void *osip_arena_realloc(void *p, size_t n)
{
	struct osip_arena *a = cur_arena;
	if (!a)
		return realloc(p, n);
	if (!p)
		return arena_get(a, n);
	if (!arena_owns(a, p))
		return realloc(p, n); /* allocated before this parse: not ours */
	size_t old = ((struct osip_hdr *)p - 1)->size;
	void *q = arena_get(a, n);
	if (q)
		memcpy(q, p, old < n ? old : n);
	return q;
}

static void osip_arena_free(void *p)
{
	struct osip_arena *a = cur_arena;
	if (p && !(a && arena_owns(a, p)))
		free(p);
}

/* Keep the oldest chunk (the usual size), empty; free the others. */
static void arena_reset(struct osip_arena *a)
{
	struct osip_chunk *c = a->head;
	while (c && c->next) {
		struct osip_chunk *n = c->next;
		free(c);
		c = n;
	}
	a->head = c;
	if (c)
		c->used = 0;
}

static void osip_trace_drop(const char *fi, int li, osip_trace_level_t level,
			    const char *chfr, va_list ap)
{
	(void)fi; (void)li; (void)level; (void)chfr; (void)ap;
}

static void osip_setup(void)
{
	/* parser_init() fills libosip2's static header tables; it only fails
	 * on a hash collision between its own built-in names, which is a
	 * property of the library build, not of any input. */
	(void)parser_init();
	/* TRACE_LEVEL0: no level enabled, so osip_trace() returns before
	 * formatting; the sink is a second guard. */
	osip_trace_initialize_func(TRACE_LEVEL0, osip_trace_drop);
	osip_set_allocators(osip_arena_malloc, osip_arena_realloc, osip_arena_free);
}

struct sw_sip_parser *sw_sip_parser_new(void)
{
	pthread_once(&osip_once, osip_setup);
	return sw_calloc(1, sizeof(struct sw_sip_parser));
}

void sw_sip_parser_free(struct sw_sip_parser *sp)
{
	if (!sp)
		return;
	arena_reset(&sp->arena_osip); /* sp->om lives there: never freed piecewise */
	free(sp->arena_osip.head);
	free(sp->text);
	free(sp->feed);
	free(sp->arena);
	free(sp);
}

/* ---- small helpers ---------------------------------------------------- */

static struct sw_str cstr(const char *s)
{
	return s ? sw_str_make(s, strlen(s)) : SW_STR_NULL;
}

static bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trim SP, HTAB, CR and LF (folded values may end in a bare fold). */
static struct sw_str trim_lws(struct sw_str s)
{
	while (s.len && is_lws(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && is_lws(s.p[s.len - 1]))
		s.len--;
	return s;
}

/* RFC 3261 section 25.1 token characters. */
static bool is_token_char(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c && strchr("-.!%*_+`'~", c) != NULL;
}

static bool is_token(struct sw_str s)
{
	if (s.len == 0)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (!is_token_char((unsigned char)s.p[i]))
			return false;
	return true;
}

static char *arena_alloc(struct sw_sip_parser *sp, size_t n)
{
	if (sp->arena_cap - sp->arena_len < n)
		return NULL; /* cannot happen with the sizing in parse; fail soft */
	char *p = sp->arena + sp->arena_len;
	sp->arena_len += n;
	return p;
}

/* Strict decimal in [0, max] after trimming, else -1. */
static int64_t num_or_neg(struct sw_str s, uint64_t max)
{
	uint64_t v;
	if (sw_parse_u64(trim_lws(s), max, &v) != 0)
		return -1;
	return (int64_t)v;
}

static int int_or_neg(struct sw_str s)
{
	return (int)num_or_neg(s, INT_MAX);
}

static int port_or_neg(const char *s)
{
	return s ? (int)num_or_neg(cstr(s), 65535) : -1;
}

/* Remove one level of double quotes; resolve backslash escapes (RFC 3261
 * section 25.1 quoted-pair) into the arena only when there are any. */
static struct sw_str unquote(struct sw_sip_parser *sp, struct sw_str s)
{
	s = trim_lws(s);
	if (s.len < 2 || s.p[0] != '"' || s.p[s.len - 1] != '"')
		return s;
	s.p++;
	s.len -= 2;
	if (!memchr(s.p, '\\', s.len))
		return s;
	char *d = arena_alloc(sp, s.len);
	if (!d)
		return s;
	size_t n = 0;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] == '\\' && i + 1 < s.len)
			i++;
		d[n++] = s.p[i];
	}
	return sw_str_make(d, n);
}

/* ---- header values (the lines themselves: decode/hdrname.h) ---------- */

/* Copy v to d with each LWS run that contains CR/LF replaced by one SP;
 * returns the length written (never more than v.len). */
static size_t unfold_to(char *d, struct sw_str v)
{
	size_t n = 0;
	for (size_t i = 0; i < v.len;) {
		if (v.p[i] == '\r' || v.p[i] == '\n') {
			while (n && (d[n - 1] == ' ' || d[n - 1] == '\t'))
				n--;
			while (i < v.len && is_lws(v.p[i]))
				i++;
			d[n++] = ' ';
		} else {
			d[n++] = v.p[i++];
		}
	}
	return n;
}

/* The header's value, unfolded into the arena when it spans lines. */
static struct sw_str unfold(struct sw_sip_parser *sp, const struct sw_hdr_line *h)
{
	if (!h->folded)
		return h->value;
	char *d = arena_alloc(sp, h->value.len);
	if (!d)
		return h->value;
	return sw_str_make(d, unfold_to(d, h->value));
}

/* ---- parameter scanning ---------------------------------------------- */

/* Offset of the '<' opening a name-addr's URI (RFC 3261 section 20.10),
 * skipping a quoted display name that may contain '<'; v.len if none. */
static size_t find_langle(struct sw_str v)
{
	bool inq = false;
	for (size_t i = 0; i < v.len; i++) {
		char c = v.p[i];
		if (inq) {
			if (c == '\\')
				i++;
			else if (c == '"')
				inq = false;
		} else if (c == '"') {
			inq = true;
		} else if (c == '<') {
			return i;
		}
	}
	if (inq) { /* unbalanced quotes: take the first '<' after all */
		const char *lt = memchr(v.p, '<', v.len);
		return lt ? (size_t)(lt - v.p) : v.len;
	}
	return v.len;
}

/* The URI inside a name-addr or addr-spec: between < and > when bracketed,
 * else up to the first ';' (what follows are header parameters). */
static struct sw_str nameaddr_uri(struct sw_str v)
{
	size_t lt = find_langle(v);
	if (lt < v.len) {
		const char *b = v.p + lt + 1;
		size_t rest = v.len - lt - 1;
		const char *gt = memchr(b, '>', rest);
		return trim_lws(sw_str_make(b, gt ? (size_t)(gt - b) : rest));
	}
	const char *semi = memchr(v.p, ';', v.len);
	return trim_lws(sw_str_make(v.p, semi ? (size_t)(semi - v.p) : v.len));
}

/* Split a Contact value at commas outside quotes and <> (RFC 3261 section
 * 7.3.1) and keep each entry's URI; "*" entries are skipped. Keeps at most
 * max, counts all in *total. */
static size_t split_commas(struct sw_str v, struct sw_str *out, size_t max, size_t *total)
{
	size_t n = 0, beg = 0;
	bool inq = false, ina = false;
	for (size_t i = 0; i <= v.len; i++) {
		char c = i < v.len ? v.p[i] : ',';
		if (inq) {
			if (c == '\\' && i + 1 < v.len)
				i++;
			else if (c == '"')
				inq = false;
			continue;
		}
		if (c == '"')
			inq = true;
		else if (c == '<')
			ina = true;
		else if (c == '>')
			ina = false;
		else if (c == ',' && (!ina || i == v.len)) {
			struct sw_str e = trim_lws(sw_str_make(v.p + beg, i - beg));
			if (e.len && !(e.len == 1 && e.p[0] == '*')) {
				if (n < max)
					out[n++] = nameaddr_uri(e);
				(*total)++;
			}
			beg = i + 1;
		}
	}
	return n;
}

/* Authentication headers (RFC 3261 section 25.1 challenge / credentials,
 * RFC 7235 section 2.1): a scheme, then comma-separated name=value pairs
 * whose values are tokens or quoted strings. Parsed here rather than by
 * libosip2, which rejects an unquoted response= and reads an unquoted
 * username=u as the next quoted string in the header. */
struct auth_iter {
	const char *p;
	size_t i, n;
};

/* The scheme, leaving the iterator on the first parameter. */
static struct sw_str auth_begin(struct auth_iter *it, struct sw_str v)
{
	it->p = v.p;
	it->n = v.len;
	it->i = 0;
	while (it->i < it->n && !is_lws(v.p[it->i]) && v.p[it->i] != ',')
		it->i++;
	return sw_str_make(v.p, it->i);
}

/* Next parameter. A parameter runs to the next comma outside quotes, so
 * that mangled ones (response"=..., response "...") keep their extent:
 * *name is the leading token, *rest everything after it up to that comma,
 * *val the token or quoted string after '=' (quotes kept; absent without
 * '='). */
static bool auth_next(struct auth_iter *it, struct sw_str *name, struct sw_str *val,
		      struct sw_str *rest)
{
	const char *p = it->p;
	size_t i = it->i, n = it->n;
	while (i < n && (is_lws(p[i]) || p[i] == ','))
		i++;
	if (i >= n) {
		it->i = n;
		return false;
	}
	size_t ns = i;
	while (i < n && p[i] != '=' && p[i] != ',' && p[i] != '"' && !is_lws(p[i]))
		i++;
	*name = sw_str_make(p + ns, i - ns);
	size_t j = i;
	bool inq = false;
	for (; j < n; j++) {
		if (inq) {
			if (p[j] == '\\' && j + 1 < n)
				j++;
			else if (p[j] == '"')
				inq = false;
		} else if (p[j] == '"') {
			inq = true;
		} else if (p[j] == ',') {
			break;
		}
	}
	if (j > n)
		j = n;
	*rest = sw_str_make(p + i, j - i);
	*val = SW_STR_NULL;
	size_t k = i;
	while (k < j && is_lws(p[k]))
		k++;
	if (k < j && p[k] == '=') {
		k++;
		while (k < j && is_lws(p[k]))
			k++;
		size_t vs = k;
		if (k < j && p[k] == '"') {
			for (k++; k < j && p[k] != '"'; k++)
				if (p[k] == '\\' && k + 1 < j)
					k++;
			if (k < j)
				k++;  /* closing quote */
		} else {
			while (k < j && !is_lws(p[k]))
				k++;
		}
		*val = sw_str_make(p + vs, k - vs);
	}
	it->i = j; /* j > ns: p[ns] is neither ',' nor LWS */
	return true;
}

static bool is_mask_keep(char c)
{
	return c == '"' || c == '=' || is_lws(c);
}

/* Overwrite the value of every response parameter of an Authorization /
 * Proxy-Authorization header with '*' in our copy (quotes, '=' and blanks
 * kept), before anything else reads it. */
static void mask_value(char *text, struct sw_str rest)
{
	char *w = text + (rest.p - text);
	for (size_t k = 0; k < rest.len; k++)
		if (!is_mask_keep(w[k]))
			w[k] = '*';
}

/* The same for every response parameter of a header line. */
static void mask_digest_response(char *text, const struct sw_hdr_line *h)
{
	struct auth_iter it;
	struct sw_str name, val, rest;
	auth_begin(&it, h->value);
	while (auth_next(&it, &name, &val, &rest))
		if (sw_str_ieq_c(name, "response"))
			mask_value(text, rest);
}

/* One auth-param into a: the first of each name, raw until auth_unquote. */
static void auth_param(struct sw_sip_parser *sp, struct sw_sip_auth *a, bool credentials,
		       struct sw_str name, struct sw_str val, struct sw_str rest)
{
	struct sw_str *dst = NULL;
	if (sw_str_ieq_c(name, "realm"))
		dst = &a->realm;
	else if (sw_str_ieq_c(name, "nonce"))
		dst = &a->nonce;
	else if (sw_str_ieq_c(name, "algorithm"))
		dst = &a->algorithm;
	else if (!credentials && sw_str_ieq_c(name, "qop"))
		dst = &a->qop;
	else if (credentials && sw_str_ieq_c(name, "username"))
		dst = &a->username;
	else if (credentials && sw_str_ieq_c(name, "uri"))
		dst = &a->uri;
	else if (!credentials && sw_str_ieq_c(name, "stale"))
		a->stale = val.p && sw_str_ieq_c(unquote(sp, val), "true");
	else if (credentials && sw_str_ieq_c(name, "response")) {
		/* only whether something was masked; never the value */
		for (size_t k = 0; k < rest.len; k++)
			if (!is_mask_keep(rest.p[k]))
				a->has_response = true;
	}
	if (dst && !dst->p && val.p)
		*dst = val;
}

static void auth_unquote(struct sw_sip_parser *sp, struct sw_sip_auth *a)
{
	struct sw_str *f[] = { &a->realm, &a->username, &a->nonce, &a->uri, &a->algorithm, &a->qop };
	for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
		if (f[k]->p)
			*f[k] = unquote(sp, *f[k]);
}

/* a present, its scheme read, it on the first parameter. */
static void auth_start(struct sw_sip_auth *a, struct auth_iter *it, struct sw_str v)
{
	a->present = true;
	a->scheme = auth_begin(it, v);
	if (!a->scheme.len)
		a->scheme = SW_STR_NULL;
}

static void fill_auth(struct sw_sip_parser *sp, struct sw_sip_auth *a, struct sw_str v,
		      bool credentials)
{
	if (!v.p)
		return;
	struct auth_iter it;
	struct sw_str name, val, rest;
	auth_start(a, &it, v);
	while (auth_next(&it, &name, &val, &rest))
		auth_param(sp, a, credentials, name, val, rest);
	auth_unquote(sp, a);
}

/* The first Authorization / Proxy-Authorization line, when not folded:
 * masked (as mask_digest_response does) and read into a (as fill_auth
 * does) in one pass. False, the line masked but a untouched, when a
 * response value held a backslash: masking it can move where the quoted
 * strings after it end, so fill_auth must read the masked line as before. */
static bool fill_credentials_masking(struct sw_sip_parser *sp, struct sw_sip_auth *a,
				     const struct sw_hdr_line *h)
{
	struct sw_sip_auth got;
	memset(&got, 0, sizeof got);
	struct auth_iter it;
	struct sw_str name, val, rest;
	bool escaped = false;
	auth_start(&got, &it, h->value);
	while (auth_next(&it, &name, &val, &rest)) {
		if (sw_str_ieq_c(name, "response")) {
			escaped = escaped || memchr(rest.p, '\\', rest.len) != NULL;
			mask_value(sp->text, rest);
		}
		auth_param(sp, &got, true, name, val, rest);
	}
	if (escaped)
		return false;
	auth_unquote(sp, &got);
	*a = got;
	return true;
}

/* ---- start line (RFC 3261 sections 7.1, 7.2) ------------------------- */

static const char *parse_start_line(struct sw_str line, struct sw_sip_msg *msg,
				    struct sw_str *uri_raw)
{
	static const char ver[] = "SIP/2.0";
	const size_t vl = sizeof(ver) - 1;

	if (line.len > vl && sw_str_ieq(sw_str_make(line.p, vl), sw_str_make(ver, vl)) &&
	    line.p[vl] == ' ') {
		/* SIP-Version SP Status-Code SP Reason-Phrase */
		struct sw_str rest = sw_str_make(line.p + vl + 1, line.len - vl - 1);
		if (rest.len < 4 || rest.p[3] != ' ')
			return "not a SIP start line";
		uint64_t code;
		if (sw_parse_u64(sw_str_make(rest.p, 3), 999, &code) != 0)
			return "not a SIP start line";
		if (code < 100 || code > 699)
			return "invalid status code";
		msg->is_request = false;
		msg->status = (int)code;
		msg->reason = trim_lws(sw_str_make(rest.p + 4, rest.len - 4));
		if (!msg->reason.len)
			msg->reason = sw_str_make(rest.p + 4, 0);
		return NULL;
	}
	/* Method SP Request-URI SP SIP-Version */
	const char *sp1 = memchr(line.p, ' ', line.len);
	if (!sp1)
		return "not a SIP start line";
	struct sw_str method = sw_str_make(line.p, (size_t)(sp1 - line.p));
	struct sw_str rest = sw_str_make(sp1 + 1, line.len - method.len - 1);
	const char *sp2 = memchr(rest.p, ' ', rest.len);
	if (!sp2 || !is_token(method))
		return "not a SIP start line";
	struct sw_str uri = sw_str_make(rest.p, (size_t)(sp2 - rest.p));
	struct sw_str v = sw_str_trim(sw_str_make(sp2 + 1, rest.len - uri.len - 1));
	if (uri.len == 0 || !sw_str_ieq(v, sw_str_make(ver, vl)))
		return "not a SIP start line";
	msg->is_request = true;
	msg->method = method;
	*uri_raw = uri;
	return NULL;
}

/* ---- filling from libosip2's structures ------------------------------ */

static void fill_uri(struct sw_sip_uri *u, osip_uri_t *ou, struct sw_str raw)
{
	u->raw = raw;
	u->port = -1;
	if (!ou)
		return;
	u->scheme = cstr(ou->scheme);
	u->user = cstr(ou->username);
	u->host = cstr(ou->host);   /* IPv6 without brackets */
	u->port = port_or_neg(ou->port);
	osip_uri_param_t *tp = NULL;
	if (osip_uri_uparam_get_byname(ou, "transport", &tp) == 0 && tp && tp->gvalue)
		u->transport = cstr(tp->gvalue);
	/* tel: and other schemes: libosip2 keeps the rest in ->string; the
	 * subscriber number is what reports want as "user". */
	if (!ou->host && ou->string && raw.len) {
		const char *colon = memchr(raw.p, ':', raw.len);
		if (colon) {
			struct sw_str s = sw_str_make(colon + 1, raw.len - (size_t)(colon + 1 - raw.p));
			size_t k = 0;
			while (k < s.len && s.p[k] != ';' && s.p[k] != '?')
				k++;
			u->user = sw_str_make(s.p, k);
		}
	}
}

/* From / To. libosip2 only saw the part from '<' on (see the feed), so
 * the display name comes from our copy: a token run or a quoted string. */
static void fill_nameaddr(struct sw_sip_parser *sp, struct sw_sip_nameaddr *na,
			  osip_from_t *of, struct sw_str value)
{
	na->uri.port = -1;
	size_t lt = find_langle(value);
	if (lt < value.len) {
		struct sw_str d = unquote(sp, sw_str_make(value.p, lt));
		na->display = d.len ? d : SW_STR_NULL;
	}
	if (!of)
		return;
	fill_uri(&na->uri, of->url, nameaddr_uri(value));
	osip_generic_param_t *tag = NULL;
	if (osip_from_get_tag(of, &tag) == 0 && tag && tag->gvalue)
		na->tag = cstr(tag->gvalue);
}

/* The first parameter of each of n names (NULL when absent), found in one
 * walk over the list, matched as osip_generic_param_get_byname() matches:
 * same length, then ASCII case-insensitive. */
static void gparams(osip_list_t *params, const char *const *names, size_t n,
		    osip_generic_param_t **out)
{
	size_t left = n;
	for (size_t k = 0; k < n; k++)
		out[k] = NULL;
	osip_list_iterator_t it;
	for (osip_generic_param_t *gp = osip_list_get_first(params, &it); gp && left;
	     gp = osip_list_get_next(&it)) {
		if (!gp->gname)
			continue;
		struct sw_str name = cstr(gp->gname);
		for (size_t k = 0; k < n; k++)
			if (!out[k] && sw_str_ieq_c(name, names[k])) {
				out[k] = gp;
				left--;
				break;
			}
	}
}

static struct sw_str gvalue(const osip_generic_param_t *gp)
{
	return gp ? cstr(gp->gvalue) : SW_STR_NULL;
}

static void fill_via(struct sw_sip_via *sv, osip_via_t *v)
{
	static const char *const names[] = { "branch", "received", "rport", "alias" };
	osip_generic_param_t *gp[4];
	gparams(&v->via_params, names, 4, gp);
	memset(sv, 0, sizeof *sv); /* entries past n_via are not cleared */
	sv->protocol = cstr(v->protocol);
	sv->host = cstr(v->host);   /* IPv6 without brackets */
	sv->port = port_or_neg(v->port);
	sv->branch = gvalue(gp[0]);
	sv->received = gvalue(gp[1]);
	struct sw_str rp = gvalue(gp[2]);
	bool has = gp[2] != NULL;
	sv->has_rport = has;
	sv->rport = !has ? -1 : rp.p ? (int)num_or_neg(rp, 65535) : 0;
	if (has && sv->rport < 0)
		sv->rport = 0; /* present with an unusable value */
	sv->has_alias = gp[3] != NULL;
}

static void fill_contact(struct sw_sip_parser *sp, struct sw_sip_contact *c,
			 osip_contact_t *oc, struct sw_str raw)
{
	static const char *const names[] = { "expires", "reg-id", "+sip.instance" };
	osip_generic_param_t *gp[3];
	gparams(&oc->gen_params, names, 3, gp);
	memset(c, 0, sizeof *c); /* entries past n_contact are not cleared */
	fill_uri(&c->uri, oc->url, raw);
	c->expires = int_or_neg(gvalue(gp[0]));
	c->reg_id = int_or_neg(gvalue(gp[1]));
	struct sw_str inst = gvalue(gp[2]);
	if (inst.p) {
		inst = unquote(sp, inst);
		if (inst.len >= 2 && inst.p[0] == '<' && inst.p[inst.len - 1] == '>')
			inst = sw_str_make(inst.p + 1, inst.len - 2);
		c->instance = inst;
	}
}

/* ---- SDP (RFC 4566 section 5) ---------------------------------------- */

static struct sw_str next_word(struct sw_str *s)
{
	size_t i = 0;
	while (i < s->len && (s->p[i] == ' ' || s->p[i] == '\t'))
		i++;
	size_t b = i;
	while (i < s->len && s->p[i] != ' ' && s->p[i] != '\t')
		i++;
	struct sw_str w = sw_str_make(s->p + b, i - b);
	s->p += i;
	s->len -= i;
	return w;
}

static struct sw_str nth_word(struct sw_str s, unsigned n)
{
	struct sw_str w = SW_STR_NULL;
	for (unsigned k = 0; k <= n; k++)
		w = next_word(&s);
	return w.len ? w : SW_STR_NULL;
}

/* c=<nettype> <addrtype> <connection-address>[/ttl[/n]] -> the address */
static struct sw_str sdp_conn_addr(struct sw_str v)
{
	struct sw_str a = nth_word(v, 2);
	if (a.p) {
		const char *sl = memchr(a.p, '/', a.len);
		if (sl)
			a.len = (size_t)(sl - a.p);
	}
	return a;
}

static void parse_sdp(struct sw_str body, struct sw_sdp *sdp)
{
	sdp->present = true;
	long cur = -1; /* media index for c= lines; -1 session, -2 dropped m= */
	size_t pos = 0;
	while (pos < body.len) {
		size_t e = pos;
		while (e < body.len && body.p[e] != '\n')
			e++;
		struct sw_str line = sw_str_make(body.p + pos, e - pos);
		pos = e < body.len ? e + 1 : e;
		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		if (line.len < 2 || line.p[1] != '=')
			continue;
		struct sw_str v = sw_str_make(line.p + 2, line.len - 2);
		switch (line.p[0]) {
		case 'o':
			/* o=<user> <sess-id> <sess-version> <nettype> <addrtype> <addr> */
			if (cur == -1 && !sdp->origin_addr.p)
				sdp->origin_addr = nth_word(v, 5);
			break;
		case 'c':
			if (cur == -1) {
				if (!sdp->conn_addr.p)
					sdp->conn_addr = sdp_conn_addr(v);
			} else if (cur >= 0 && !sdp->media[cur].conn.p) {
				sdp->media[cur].conn = sdp_conn_addr(v);
			}
			break;
		case 'm': {
			/* m=<media> <port>[/<number of ports>] <proto> <fmt> ... */
			if (sdp->n_media >= SW_SIP_MAX_MEDIA) {
				cur = -2;
				break;
			}
			struct sw_sdp_media *m = &sdp->media[sdp->n_media];
			memset(m, 0, sizeof *m); /* entries past n_media are not cleared */
			cur = (long)sdp->n_media++;
			m->media = next_word(&v);
			struct sw_str port = next_word(&v);
			const char *sl = memchr(port.p, '/', port.len);
			if (sl)
				port.len = (size_t)(sl - port.p);
			m->port = (int)num_or_neg(port, 65535);
			m->proto = next_word(&v);
			if (!m->proto.len)
				m->proto = SW_STR_NULL;
			break;
		}
		default:
			break;
		}
	}
}

static struct sw_str media_type(struct sw_str ct)
{
	const char *semi = memchr(ct.p, ';', ct.len);
	return trim_lws(sw_str_make(ct.p, semi ? (size_t)(semi - ct.p) : ct.len));
}

/* boundary= parameter of a multipart Content-Type (RFC 2046 section 5.1.1). */
static struct sw_str mp_boundary(struct sw_str ct)
{
	for (size_t i = 0; i + 9 <= ct.len; i++) {
		if (ct.p[i] != ';')
			continue;
		struct sw_str rest = trim_lws(sw_str_make(ct.p + i + 1, ct.len - i - 1));
		if (!sw_str_istarts(rest, "boundary"))
			continue;
		rest = trim_lws(sw_str_make(rest.p + 8, rest.len - 8));
		if (!rest.len || rest.p[0] != '=')
			continue;
		rest = trim_lws(sw_str_make(rest.p + 1, rest.len - 1));
		if (rest.len && rest.p[0] == '"') {
			const char *q = memchr(rest.p + 1, '"', rest.len - 1);
			return q ? sw_str_make(rest.p + 1, (size_t)(q - rest.p - 1)) : SW_STR_NULL;
		}
		size_t k = 0;
		while (k < rest.len && rest.p[k] != ';' && !is_lws(rest.p[k]))
			k++;
		return sw_str_make(rest.p, k);
	}
	return SW_STR_NULL;
}

#define SW_SIP_MAX_PARTS 16u  /* multipart parts looked at for SDP */

/* Offset of the next "--boundary" at a line start at or after pos, or len. */
static size_t mp_next_delim(struct sw_str body, struct sw_str b, size_t pos)
{
	while (pos < body.len) {
		const char *hit = sw_memmem(body.p + pos, body.len - pos, b.p, b.len);
		if (!hit)
			return body.len;
		size_t at = (size_t)(hit - body.p);
		if (at >= 2 && body.p[at - 1] == '-' && body.p[at - 2] == '-' &&
		    (at == 2 || body.p[at - 3] == '\n'))
			return at - 2;
		pos = at + 1;
	}
	return body.len;
}

static void parse_multipart(struct sw_str body, struct sw_str ct, struct sw_sdp *sdp)
{
	struct sw_str b = mp_boundary(ct);
	if (!b.len)
		return;
	size_t d = mp_next_delim(body, b, 0);
	for (unsigned part = 0; d < body.len && part < SW_SIP_MAX_PARTS; part++) {
		size_t after = d + 2 + b.len;
		if (after + 2 <= body.len && body.p[after] == '-' && body.p[after + 1] == '-')
			return; /* close-delimiter */
		size_t ps = sw_sip_eol(body.p, after, body.len);
		ps = sw_sip_skip_eol(body.p, ps, body.len);
		size_t next = mp_next_delim(body, b, ps);
		/* the CRLF before the next delimiter belongs to it */
		size_t pe = next;
		if (pe > ps && body.p[pe - 1] == '\n')
			pe--;
		if (pe > ps && body.p[pe - 1] == '\r')
			pe--;
		/* part headers up to an empty line */
		struct sw_str pct = SW_STR_NULL;
		size_t pos = ps;
		while (pos < pe && body.p[pos] != '\r' && body.p[pos] != '\n') {
			size_t e = sw_sip_eol(body.p, pos, pe);
			struct sw_str line = sw_str_make(body.p + pos, e - pos);
			const char *colon = memchr(line.p, ':', line.len);
			if (colon) {
				struct sw_str n = sw_str_trim(sw_str_make(line.p, (size_t)(colon - line.p)));
				if (sw_hdr_is(n.p, n.len, SW_HDR_CONTENT_TYPE))
					pct = trim_lws(sw_str_make(colon + 1, line.len - (size_t)(colon + 1 - line.p)));
			}
			pos = sw_sip_skip_eol(body.p, e, pe);
		}
		pos = sw_sip_skip_eol(body.p, pos, pe);
		if (pct.p && sw_str_ieq_c(media_type(pct), "application/sdp")) {
			parse_sdp(sw_str_make(body.p + pos, pe - pos), sdp);
			return;
		}
		d = next;
	}
}

/* ---- the parse -------------------------------------------------------- */

/* Grow-only buffer, rounded up so a stream of slightly longer messages does
 * not reallocate each time. Only called at the start of a parse, when no
 * slice of the previous message is live any more. */
static void ensure(char **buf, size_t *cap, size_t need)
{
	if (*cap < need) {
		size_t n = (need + 4095) & ~(size_t)4095;
		free(*buf);
		*buf = sw_malloc(n);
		*cap = n;
	}
}

static void feed_put(struct sw_sip_parser *sp, const char *p, size_t n)
{
	if (sp->feed_cap - sp->feed_len < n) {
		/* nothing points into the feed (libosip2 copies it): growing is safe */
		sp->feed_cap = 2 * (sp->feed_len + n);
		sp->feed = sw_realloc(sp->feed, sp->feed_cap);
	}
	memcpy(sp->feed + sp->feed_len, p, n);
	sp->feed_len += n;
}

/* One Via element (a via-parm) into the feed, its sent-by port made safe
 * for libosip2 on every CPU. libosip2 5.3.0 rejects a Via whose port
 * osip_atoi() makes negative: strtol() into a long, then a cast to int. A
 * port of 99999999999 fits a 64-bit long and casts to a positive int, but
 * saturates a 32-bit long (LONG_MAX, an error): the same message parsed on
 * x86-64 and was malformed on ARM and MIPS, and their findings differed. A
 * port above 65535 is unusable whatever its size (fill_via makes it -1), so
 * the feed carries "99999" in its place: the message parses everywhere, with
 * the port -1, as it did on 64-bit. Other ports go through untouched. */
static void feed_put_via_parm(struct sw_sip_parser *sp, struct sw_str e)
{
	/* sent-by ends at the parameters or a comment; the port, if any, is
	 * the digits before that end, after a ':' (IPv6 hosts end in ']'). */
	size_t end = 0;
	while (end < e.len && e.p[end] != ';' && e.p[end] != '(')
		end++;
	size_t d1 = end;
	while (d1 > 0 && is_lws(e.p[d1 - 1]))
		d1--;
	size_t d0 = d1;
	while (d0 > 0 && e.p[d0 - 1] >= '0' && e.p[d0 - 1] <= '9')
		d0--;
	size_t c = d0;
	while (c > 0 && is_lws(e.p[c - 1]))
		c--;
	uint64_t port;
	if (d0 == d1 || c == 0 || e.p[c - 1] != ':' ||
	    sw_parse_u64(sw_str_make(e.p + d0, d1 - d0), 65535, &port) == 0) {
		feed_put(sp, e.p, e.len);
		return;
	}
	feed_put(sp, e.p, d0);
	feed_put(sp, "99999", 5);
	feed_put(sp, e.p + d1, e.len - d1);
}

static bool via_special(char c)
{
	/* one bit test in the usual case, not five comparisons */
	switch (c) {
	case '"': case '(': case ')': case ',': case '[': case ']':
		return true;
	default:
		return false;
	}
}

/* A Via header value into the feed, element by element (commas inside
 * quotes, brackets or a comment do not split). */
static void feed_put_via(struct sw_sip_parser *sp, struct sw_str v)
{
	size_t start = 0;
	int depth = 0;
	bool quoted = false;
	for (size_t i = 0; i < v.len; i++) {
		char ch = v.p[i];
		if (quoted) {
			if (ch == '\\' && i + 1 < v.len)
				i++;
			else if (ch == '"')
				quoted = false;
		} else if (!via_special(ch)) {
			continue;
		} else if (ch == '"') {
			quoted = true;
		} else if (ch == '[' || ch == '(') {
			depth++;
		} else if ((ch == ']' || ch == ')') && depth > 0) {
			depth--;
		} else if (ch == ',' && depth == 0) {
			feed_put_via_parm(sp, sw_str_make(v.p + start, i - start));
			feed_put(sp, ",", 1);
			start = i + 1;
		}
	}
	feed_put_via_parm(sp, sw_str_make(v.p + start, v.len - start));
}

/* The last entry of a comma-separated name-addr list (a comma inside <> or
 * quotes does not separate). */
static struct sw_str last_entry(struct sw_str v)
{
	size_t start = 0;
	bool quoted = false;
	int angle = 0;
	for (size_t i = 0; i < v.len; i++) {
		char c = v.p[i];
		if (c == '"' && (i == 0 || v.p[i - 1] != '\\'))
			quoted = !quoted;
		else if (!quoted && c == '<')
			angle++;
		else if (!quoted && c == '>' && angle)
			angle--;
		else if (!quoted && !angle && c == ',')
			start = i + 1;
	}
	return sw_str_trim(sw_str_make(v.p ? v.p + start : NULL, v.len - start));
}

/* All non-empty values of one header joined with ", " (Supported, Require
 * repeated over several lines), in one arena block. */
static struct sw_str join_values(struct sw_sip_parser *sp, const struct sw_sip_layout *l,
				 enum sw_hdr id, struct sw_str first)
{
	struct sw_hdr_iter it;
	sw_hdr_begin(&it, sp->text, l);
	struct sw_hdr_line h;
	size_t need = 0;
	while (sw_hdr_next(&it, &h))
		if (h.id == id && h.value.len)
			need += h.value.len + 2;
	char *d = arena_alloc(sp, need);
	if (!d)
		return first;
	size_t n = 0;
	sw_hdr_begin(&it, sp->text, l);
	while (sw_hdr_next(&it, &h)) {
		if (h.id != id || !h.value.len)
			continue;
		if (n) {
			memcpy(d + n, ", ", 2);
			n += 2;
		}
		n += unfold_to(d + n, h.value);
	}
	return sw_str_make(d, n);
}

/* First value and count of each named header, raw Contact URIs. */
struct hdr_index {
	struct sw_str first[SW_HDR_COUNT];
	unsigned count[SW_HDR_COUNT];
	struct sw_str craw[SW_SIP_MAX_CONTACTS];
	size_t n_craw, craw_total;
	struct sw_str last_rr;        /* the last Record-Route header line's value */
	bool creds_read[2];           /* msg's authorization, proxy_authz already read */
	bool to_is_from;              /* To not fed: its URI is From's (feed_from_to) */
};

/* A From or To value from its '<' on. The display name is ours to read
 * (fill_nameaddr): libosip2 rejects a whole message for one it dislikes,
 * e.g. a stray backslash outside quotes as in the sip-compact-form capture. */
static struct sw_str from_langle(struct sw_str v)
{
	size_t lt = find_langle(v);
	return lt < v.len ? sw_str_make(v.p + lt, v.len - lt) : v;
}

/* The first From and the first To into the feed (libosip2 rejects a message
 * with two). A To that is "<URI>" with nothing after it, where From starts
 * with the same "<URI>" (the usual REGISTER), is left out: libosip2 would
 * read the same URI from the same bytes twice; fill_from_osip takes From's
 * (the '>' tests keep both readings of where the URI ends the same). */
static void feed_from_to(struct sw_sip_parser *sp, struct hdr_index *ix)
{
	struct sw_str from = from_langle(ix->first[SW_HDR_FROM]);
	struct sw_str to = from_langle(ix->first[SW_HDR_TO]);
	if (ix->count[SW_HDR_FROM]) {
		feed_put(sp, "From: ", 6);
		feed_put(sp, from.p, from.len);
		feed_put(sp, "\r\n", 2);
	}
	if (!ix->count[SW_HDR_TO])
		return;
	ix->to_is_from = ix->count[SW_HDR_FROM] && to.len >= 2 && to.p[0] == '<' &&
			 memchr(to.p, '>', to.len) == to.p + to.len - 1 && from.len >= to.len &&
			 memcmp(from.p, to.p, to.len) == 0 &&
			 !memchr(from.p + to.len, '>', from.len - to.len);
	if (ix->to_is_from)
		return;
	feed_put(sp, "To: ", 4);
	feed_put(sp, to.p, to.len);
	feed_put(sp, "\r\n", 2);
}

/* One pass over the header lines: mask digest responses (reading the first
 * credentials of each kind into msg in the same pass), index the headers,
 * and write the ones libosip2 parses for us into the feed, under canonical
 * names (so it sees exactly what we classified), values trimmed (folds
 * inside are fine, libosip2 unfolds them). */
static void index_headers(struct sw_sip_parser *sp, const struct sw_sip_layout *l,
			  struct hdr_index *ix, struct sw_sip_msg *msg)
{
	struct sw_hdr_iter it;
	sw_hdr_begin(&it, sp->text, l);
	struct sw_hdr_line h;
	while (sw_hdr_next(&it, &h)) {
		if (h.id == SW_HDR_OTHER)
			continue;
		if (h.id == SW_HDR_AUTHORIZATION || h.id == SW_HDR_PROXY_AUTHORIZATION) {
			bool authz = h.id == SW_HDR_AUTHORIZATION;
			if (ix->count[h.id] == 0 && !h.folded && h.value.len)
				ix->creds_read[authz ? 0 : 1] = fill_credentials_masking(
					sp, authz ? &msg->authorization : &msg->proxy_authz, &h);
			else
				mask_digest_response(sp->text, &h);
		}
		bool is_first = ix->count[h.id]++ == 0;
		if (is_first)
			ix->first[h.id] = unfold(sp, &h);
		if (h.id == SW_HDR_RECORD_ROUTE)
			ix->last_rr = h.value;

		const char *canon = NULL;
		struct sw_str v = h.value;
		switch (h.id) {
		case SW_HDR_VIA:
			canon = "Via: ";
			break;
		case SW_HDR_CONTACT: {
			canon = "Contact: ";
			struct sw_str u = is_first ? ix->first[h.id] : unfold(sp, &h);
			ix->n_craw += split_commas(u, ix->craw + ix->n_craw,
						   SW_SIP_MAX_CONTACTS - ix->n_craw, &ix->craw_total);
			break;
		}
		default:
			break;
		}
		if (canon) {
			feed_put(sp, canon, strlen(canon));
			if (h.id == SW_HDR_VIA)
				feed_put_via(sp, v);
			else
				feed_put(sp, v.p, v.len);
			feed_put(sp, "\r\n", 2);
		}
	}
	feed_from_to(sp, ix);
	feed_put(sp, "\r\n", 2);
}

/* RFC 3261 section 8.1.1: Call-ID, CSeq, From, To, Via are mandatory.
 * Returns the rejection reason, or NULL. */
static const char *check_mandatory(const struct hdr_index *ix)
{
	static const struct { enum sw_hdr id; const char *none, *empty; } mand[] = {
		{ SW_HDR_CALL_ID, "no Call-ID header", "empty Call-ID header" },
		{ SW_HDR_CSEQ, "no CSeq header", "invalid CSeq" },
		{ SW_HDR_FROM, "no From header", "empty From header" },
		{ SW_HDR_TO, "no To header", "empty To header" },
		{ SW_HDR_VIA, "no Via header", NULL }, /* entries counted after libosip2 */
	};
	for (size_t i = 0; i < sizeof(mand) / sizeof(mand[0]); i++) {
		if (!ix->count[mand[i].id])
			return mand[i].none;
		if (mand[i].empty && !ix->first[mand[i].id].len)
			return mand[i].empty;
	}
	return NULL;
}

/* CSeq = 1*DIGIT LWS Method (section 20.16); the number is 32-bit. */
static const char *parse_cseq(struct sw_str v, struct sw_sip_msg *msg)
{
	size_t k = 0;
	while (k < v.len && v.p[k] >= '0' && v.p[k] <= '9')
		k++;
	int64_t n = num_or_neg(sw_str_make(v.p, k), UINT32_MAX);
	struct sw_str m = trim_lws(sw_str_make(v.p + k, v.len - k));
	if (n < 0 || k == v.len || !is_lws(v.p[k]) || !is_token(m))
		return "invalid CSeq";
	msg->cseq = n;
	msg->cseq_method = m;
	return NULL;
}

/* Everything that comes from our own scan rather than from libosip2. */
static void fill_own(struct sw_sip_parser *sp, const struct sw_sip_layout *l,
		     const struct hdr_index *ix, struct sw_sip_msg *msg)
{
	const struct sw_str *first = ix->first;
	msg->call_id = first[SW_HDR_CALL_ID];
	msg->expires = int_or_neg(first[SW_HDR_EXPIRES]);
	msg->min_expires = int_or_neg(first[SW_HDR_MIN_EXPIRES]);
	msg->max_forwards = int_or_neg(first[SW_HDR_MAX_FORWARDS]);
	if (first[SW_HDR_RETRY_AFTER].p) {
		/* delta-seconds [ comment ] *( ";" retry-param ), section 20.33 */
		struct sw_str v = first[SW_HDR_RETRY_AFTER];
		size_t k = 0;
		while (k < v.len && v.p[k] >= '0' && v.p[k] <= '9')
			k++;
		if (k == v.len || is_lws(v.p[k]) || v.p[k] == '(' || v.p[k] == ';')
			msg->retry_after = int_or_neg(sw_str_make(v.p, k));
	}
	msg->user_agent = first[SW_HDR_USER_AGENT];
	msg->server = first[SW_HDR_SERVER];
	msg->warning = first[SW_HDR_WARNING];
	msg->reason_hdr = first[SW_HDR_REASON];
	msg->supported = first[SW_HDR_SUPPORTED];
	if (ix->count[SW_HDR_SUPPORTED] > 1)
		msg->supported = join_values(sp, l, SW_HDR_SUPPORTED, msg->supported);
	msg->require = first[SW_HDR_REQUIRE];
	if (ix->count[SW_HDR_REQUIRE] > 1)
		msg->require = join_values(sp, l, SW_HDR_REQUIRE, msg->require);
	msg->content_type = first[SW_HDR_CONTENT_TYPE];
	msg->record_route = first[SW_HDR_RECORD_ROUTE];
	msg->record_route_last = last_entry(ix->last_rr);
	msg->route = first[SW_HDR_ROUTE];

	/* Content-Length (section 20.14): 32-bit; a value that is present but
	 * unusable counts as a mismatch. */
	if (ix->count[SW_HDR_CONTENT_LENGTH]) {
		msg->content_length = num_or_neg(first[SW_HDR_CONTENT_LENGTH], UINT32_MAX);
		msg->content_length_mismatch = msg->content_length < 0 ||
			(uint64_t)msg->content_length != msg->body_len;
	}

	fill_auth(sp, &msg->www_auth, first[SW_HDR_WWW_AUTHENTICATE], false);
	fill_auth(sp, &msg->proxy_auth, first[SW_HDR_PROXY_AUTHENTICATE], false);
	if (!ix->creds_read[0])
		fill_auth(sp, &msg->authorization, first[SW_HDR_AUTHORIZATION], true);
	if (!ix->creds_read[1])
		fill_auth(sp, &msg->proxy_authz, first[SW_HDR_PROXY_AUTHORIZATION], true);

	/* Body: SDP directly or inside multipart. */
	if (msg->body_len && msg->content_type.p) {
		struct sw_str body = sw_str_make(sp->text + l->body, msg->body_len);
		struct sw_str mt = media_type(msg->content_type);
		if (sw_str_ieq_c(mt, "application/sdp"))
			parse_sdp(body, &msg->sdp);
		else if (sw_str_istarts(mt, "multipart/"))
			parse_multipart(body, msg->content_type, &msg->sdp);
	}
}

/* Request-URI, From, To, Via, Contact from libosip2's structures. */
static const char *fill_from_osip(struct sw_sip_parser *sp, const struct hdr_index *ix,
				  struct sw_str uri_raw, struct sw_sip_msg *msg)
{
	osip_message_t *om = sp->om;

	if (msg->is_request)
		fill_uri(&msg->ruri, om->req_uri, uri_raw);
	if (!om->from)
		return "invalid From header";
	osip_from_t *to = ix->to_is_from ? om->from : om->to;
	if (!to)
		return "invalid To header";
	fill_nameaddr(sp, &msg->from, om->from, ix->first[SW_HDR_FROM]);
	fill_nameaddr(sp, &msg->to, to, ix->first[SW_HDR_TO]);
	if (ix->to_is_from)
		msg->to.tag = SW_STR_NULL; /* To had no parameters: From's tag is not its */

	msg->n_via = (size_t)osip_list_size(&om->vias);
	if (msg->n_via == 0)
		return "no Via header";
	for (size_t i = 0; i < msg->n_via && i < SW_SIP_MAX_VIAS; i++)
		fill_via(&msg->via[i], osip_list_get(&om->vias, (int)i));

	/* Contacts: raw URIs from our split, paired by position with
	 * libosip2's list when both agree on the count. */
	int nc = osip_list_size(&om->contacts);
	size_t nonstar = 0;
	for (int i = 0; i < nc; i++)
		if (((osip_contact_t *)osip_list_get(&om->contacts, i))->url)
			nonstar++;
	bool paired = nonstar == ix->craw_total;
	size_t k = 0;
	for (int i = 0; i < nc; i++) {
		osip_contact_t *oc = osip_list_get(&om->contacts, i);
		if (!oc->url) {
			if (oc->displayname && strcmp(oc->displayname, "*") == 0)
				msg->contact_star = true;
			continue;
		}
		if (k >= SW_SIP_MAX_CONTACTS)
			break;
		struct sw_str raw = paired && k < ix->n_craw ? ix->craw[k] : SW_STR_NULL;
		fill_contact(sp, &msg->contact[k++], oc, raw);
	}
	msg->n_contact = k;
	return NULL;
}

/* Everything but the Via, Contact and SDP media entries past the first of
 * each (about 3 KB of the 3.9 KB): fill_via, fill_contact and parse_sdp
 * clear an entry as they fill it, and nothing reads past n_via, n_contact
 * or n_media. */
static void msg_init(struct sw_sip_msg *msg)
{
	char *p = (char *)msg;
	size_t via1 = offsetof(struct sw_sip_msg, via) + sizeof msg->via[0];
	size_t con0 = offsetof(struct sw_sip_msg, n_contact);
	size_t con1 = offsetof(struct sw_sip_msg, contact) + sizeof msg->contact[0];
	size_t after_con = offsetof(struct sw_sip_msg, expires);
	size_t med1 = offsetof(struct sw_sip_msg, sdp.media) + sizeof msg->sdp.media[0];
	size_t after_med = offsetof(struct sw_sip_msg, raw);
	_Static_assert(offsetof(struct sw_sip_msg, contact) +
				       SW_SIP_MAX_CONTACTS * sizeof(struct sw_sip_contact) <=
			       offsetof(struct sw_sip_msg, expires) &&
		       offsetof(struct sw_sip_msg, sdp.media) +
				       SW_SIP_MAX_MEDIA * sizeof(struct sw_sdp_media) <=
			       offsetof(struct sw_sip_msg, raw),
		       "the entries are where msg_init skips");
	memset(p, 0, via1);
	memset(p + con0, 0, con1 - con0);
	memset(p + after_con, 0, med1 - after_con);
	memset(p + after_med, 0, sizeof *msg - after_med);
	msg->status = -1;
	msg->cseq = -1;
	msg->expires = msg->min_expires = msg->retry_after = msg->max_forwards = -1;
	msg->content_length = -1;
	msg->ruri.port = msg->from.uri.port = msg->to.uri.port = -1;
}

int sw_sip_parser_parse(struct sw_sip_parser *sp, const char *buf, size_t len,
			struct sw_sip_msg *msg, const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	*why = NULL;
	msg_init(msg);
	sp->om = NULL;                /* in the osip arena: gone with the reset */
	arena_reset(&sp->arena_osip);
	sp->arena_len = 0;
	sp->feed_len = 0;

	if (len > SW_MAX_SIP_MSG) {
		*why = "message over 131072 bytes";
		return -1;
	}
	if (!buf || len == 0) {
		*why = "empty message";
		return -1;
	}

	/* One copy: slices, masking and the filtered feed all work on it (the
	 * NUL at len is a guard: no scan relies on it). Every derived
	 * string is at most as long as the bytes it comes from, and no byte
	 * feeds two derived strings of the same kind (unfolded values,
	 * unescaped strings, joined values): 3 * len bounds the arena. The feed
	 * is usually smaller than the message and grows if not. */
	ensure(&sp->text, &sp->text_cap, len + 1);
	ensure(&sp->arena, &sp->arena_cap, 3 * len + 64);
	ensure(&sp->feed, &sp->feed_cap, len + 256);
	memcpy(sp->text, buf, len);
	sp->text[len] = '\0';
	const char *t = sp->text;
	msg->raw = sw_str_make(t, len);

	struct sw_sip_layout l;
	sw_sip_layout(t, len, &l);
	if (l.start == len) {
		*why = "empty message";
		return -1;
	}
	msg->header_len = l.body;
	msg->body_len = len - l.body;

	/* libosip2 works on NUL-terminated strings: a NUL would silently cut
	 * the header block short. Bodies may be binary. */
	if (memchr(t, '\0', l.body)) {
		*why = "NUL byte in headers";
		return -1;
	}

	struct sw_str uri_raw = SW_STR_NULL;
	*why = parse_start_line(sw_str_make(t + l.start, l.start_end - l.start), msg, &uri_raw);
	if (*why)
		return -1;

	/* Feed for libosip2: the start line rebuilt with single spaces and the
	 * version in canonical case (libosip2 tells responses from requests
	 * with a case-sensitive "SIP/"), then the selected headers. */
	if (msg->is_request) {
		feed_put(sp, msg->method.p, msg->method.len);
		feed_put(sp, " ", 1);
		feed_put(sp, uri_raw.p, uri_raw.len);
		feed_put(sp, " SIP/2.0\r\n", 10);
	} else {
		feed_put(sp, "SIP/2.0", 7);
		feed_put(sp, t + l.start + 7, l.start_end - l.start - 7);
		feed_put(sp, "\r\n", 2);
	}

	struct hdr_index ix;
	memset(&ix, 0, sizeof(ix));
	index_headers(sp, &l, &ix, msg);
	if ((*why = check_mandatory(&ix)) != NULL ||
	    (*why = parse_cseq(ix.first[SW_HDR_CSEQ], msg)) != NULL)
		return -1;
	fill_own(sp, &l, &ix, msg);

	cur_arena = &sp->arena_osip;
	int orc = osip_message_init(&sp->om);
	if (orc == 0)
		orc = osip_message_parse(sp->om, sp->feed, sp->feed_len);
	cur_arena = NULL;
	if (orc != 0) {
		sp->om = NULL; /* what it allocated goes with the next reset */
		*why = "libosip2 could not parse the message";
		return -1;
	}
	*why = fill_from_osip(sp, &ix, uri_raw, msg);
	return *why ? -1 : 0;
}
