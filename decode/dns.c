/* SPDX-License-Identifier: BSD-2-Clause */
/* DNS messages on UDP port 53 (RFC 1035 section 4.1): header, first
 * question (names with compression pointers, section 4.1.4, followed with a
 * bounded number of jumps), answer records counted, A (RFC 1035) and AAAA
 * (RFC 3596) addresses and SRV targets (RFC 2782) kept. Names are escaped to
 * printable lower case. */
#include <stdio.h>
#include <string.h>

#include "decode/internal.h"

#define MAX_JUMPS 16u
#define MAX_NAME_WIRE 255u

static void put(char *out, size_t cap, size_t *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n && *o + 1 < cap; i++)
		out[(*o)++] = s[i];
	out[*o] = '\0';
}

/* Read the name at *pos; out (may be NULL) gets it dotted and escaped.
 * *pos moves past the name as written there. 0 or -1. */
static int read_name(const uint8_t *m, size_t len, size_t *pos, char *out, size_t cap)
{
	size_t p = *pos, after = 0, wire = 0, o = 0;
	unsigned jumps = 0;
	bool jumped = false;
	if (out)
		out[0] = '\0';
	for (;;) {
		if (p >= len)
			return -1;
		uint8_t c = m[p];
		if (c == 0) {
			p++;
			break;
		}
		if ((c & 0xC0) == 0xC0) {
			if (p + 1 >= len)
				return -1;
			size_t target = ((size_t)(c & 0x3F) << 8) | m[p + 1];
			if (!jumped) {
				after = p + 2;
				jumped = true;
			}
			/* Pointers lead backwards; with the jump bound no loop survives. */
			if (++jumps > MAX_JUMPS || target >= p)
				return -1;
			p = target;
			continue;
		}
		if (c & 0xC0)
			return -1; /* extended label types (RFC 6891) are not names */
		if (c > len - p - 1)
			return -1;
		wire += (size_t)c + 1;
		if (wire > MAX_NAME_WIRE)
			return -1;
		if (out) {
			if (o)
				put(out, cap, &o, ".", 1);
			for (size_t i = 0; i < c; i++) {
				char ch = (char)m[p + 1 + i];
				if (ch >= 'A' && ch <= 'Z')
					ch = (char)(ch + 32);
				if ((unsigned char)ch > 0x20 && (unsigned char)ch < 0x7F &&
				    ch != '.' && ch != '\\') {
					put(out, cap, &o, &ch, 1);
				} else {
					char esc[8];
					int k =
					    snprintf(esc, sizeof esc, "\\%03u", (unsigned char)ch);
					put(out, cap, &o, esc, (size_t)k);
				}
			}
		}
		p += (size_t)c + 1;
	}
	if (out && o == 0)
		put(out, cap, &o, ".", 1);
	*pos = jumped ? after : p;
	return 0;
}

int sw_dns_parse(const uint8_t *p, size_t len, struct sw_dns *out)
{
	memset(out, 0, sizeof *out);
	if (len < 12)
		return -1;
	uint16_t flags = sw_rd16(p + 2);
	unsigned qd = sw_rd16(p + 4), an = sw_rd16(p + 6);
	out->id = sw_rd16(p);
	out->is_response = (flags & 0x8000) != 0;
	out->rcode = flags & 0x0F;
	if (qd > SW_MAX_DNS_RECORDS)
		return -1;
	size_t pos = 12;
	for (unsigned i = 0; i < qd; i++) {
		if (read_name(p, len, &pos, i == 0 ? out->qname : NULL, sizeof out->qname) != 0)
			return -1;
		if (len - pos < 4)
			return -1;
		if (i == 0)
			out->qtype = sw_rd16(p + pos);
		pos += 4;
	}
	/* Answers: keep what parses, stop at the first damaged record. */
	for (unsigned i = 0; i < an && i < SW_MAX_DNS_RECORDS; i++) {
		if (read_name(p, len, &pos, NULL, 0) != 0 || len - pos < 10)
			break;
		uint16_t type = sw_rd16(p + pos);
		size_t rdlen = sw_rd16(p + pos + 8);
		pos += 10;
		if (rdlen > len - pos)
			break;
		out->n_answers++;
		/* SRV (RFC 2782): priority, weight, port, then the target name,
		 * which may point back into the message. */
		if (type == 33 && rdlen > 6 && out->n_targets < SW_DNS_MAX_TARGETS) {
			size_t t = pos + 6;
			char *name = out->targets[out->n_targets];
			if (read_name(p, pos + rdlen, &t, name, sizeof out->targets[0]) == 0 &&
			    strcmp(name, ".") != 0)
				out->n_targets++;
			else
				name[0] = '\0';
		}
		if (out->n_addrs < SW_DNS_MAX_ANSWERS &&
		    ((type == 1 && rdlen == 4) || (type == 28 && rdlen == 16))) {
			struct sw_addr *a = &out->addrs[out->n_addrs++];
			a->family = type == 1 ? 4 : 6;
			memcpy(a->ip, p + pos, rdlen);
		}
		pos += rdlen;
	}
	return 0;
}
