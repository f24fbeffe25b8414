/* SPDX-License-Identifier: BSD-2-Clause */
/* Network endpoint (IPv4/IPv6 address and port) and its text forms. */
#ifndef SW_COMMON_ADDR_H
#define SW_COMMON_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sw_addr {
	uint8_t family; /* 4 or 6; 0 = none */
	uint8_t ip[16]; /* IPv4 in the first 4 bytes, rest zero */
	uint16_t port;  /* host order; 0 when not applicable */
};

/* "192.0.2.1" / "2001:db8::1" (no port); buffer of SW_IPSTRLEN. */
#define SW_IPSTRLEN 46
/* "192.0.2.1:5060" / "[2001:db8::1]:5060"; buffer of SW_ADDRSTRLEN. */
#define SW_ADDRSTRLEN 56

const char *sw_ip_fmt(const struct sw_addr *a, char *buf);
const char *sw_addr_fmt(const struct sw_addr *a, char *buf);
bool sw_addr_eq(const struct sw_addr *a, const struct sw_addr *b);
bool sw_ip_eq(const struct sw_addr *a, const struct sw_addr *b);
/* RFC 1918, RFC 6598 (100.64/10), link-local, loopback, IPv6 ULA/link-local. */
bool sw_ip_is_private(const struct sw_addr *a);
/* Parse a textual IPv4/IPv6 literal (no port, brackets allowed). 0 on success. */
int sw_ip_parse(const char *p, size_t len, struct sw_addr *out);

#endif
