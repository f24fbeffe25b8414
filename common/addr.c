/* SPDX-License-Identifier: BSD-2-Clause */
/* Address formatting and classification. */
#include "common/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

const char *sw_ip_fmt(const struct sw_addr *a, char *buf)
{
	if (a->family == 4) {
		/* by hand: this runs for every message printed */
		char *p = buf;
		for (int i = 0; i < 4; i++) {
			unsigned v = a->ip[i];
			if (v >= 100)
				*p++ = (char)('0' + v / 100);
			if (v >= 10)
				*p++ = (char)('0' + v / 10 % 10);
			*p++ = (char)('0' + v % 10);
			*p++ = i < 3 ? '.' : '\0';
		}
		return buf;
	}
	if (a->family == 6)
		inet_ntop(AF_INET6, a->ip, buf, SW_IPSTRLEN);
	else
		strcpy(buf, "-");
	return buf;
}

const char *sw_addr_fmt(const struct sw_addr *a, char *buf)
{
	char ip[SW_IPSTRLEN];
	sw_ip_fmt(a, ip);
	char *p = buf;
	size_t n = strlen(ip);
	if (a->family == 6)
		*p++ = '[';
	memcpy(p, ip, n);
	p += n;
	if (a->family == 6)
		*p++ = ']';
	*p++ = ':';
	char d[6];
	int k = 0;
	unsigned v = a->port;
	do {
		d[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (k)
		*p++ = d[--k];
	*p = '\0';
	return buf;
}

bool sw_ip_eq(const struct sw_addr *a, const struct sw_addr *b)
{
	return a->family == b->family && memcmp(a->ip, b->ip, a->family == 4 ? 4 : 16) == 0;
}

bool sw_addr_eq(const struct sw_addr *a, const struct sw_addr *b)
{
	return sw_ip_eq(a, b) && a->port == b->port;
}

bool sw_ip_is_private(const struct sw_addr *a)
{
	const uint8_t *ip = a->ip;
	if (a->family == 4) {
		return ip[0] == 10 || (ip[0] == 172 && (ip[1] & 0xF0) == 16) ||
		       (ip[0] == 192 && ip[1] == 168) || (ip[0] == 100 && (ip[1] & 0xC0) == 64) ||
		       (ip[0] == 169 && ip[1] == 254) || ip[0] == 127;
	}
	if (a->family == 6)
		return (ip[0] & 0xFE) == 0xFC || (ip[0] == 0xFE && (ip[1] & 0xC0) == 0x80);
	return false;
}

int sw_ip_parse(const char *p, size_t len, struct sw_addr *out)
{
	char tmp[SW_IPSTRLEN];
	if (len >= 2 && p[0] == '[' && p[len - 1] == ']') {
		p++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof tmp)
		return -1;
	memcpy(tmp, p, len);
	tmp[len] = '\0';
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, tmp, out->ip) == 1) {
		out->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, tmp, out->ip) == 1) {
		out->family = 6;
		return 0;
	}
	return -1;
}
