/* SPDX-License-Identifier: BSD-2-Clause */
/* The registry of finding kinds and causes: the stable ids that JSON, the
 * report, the TUI and scripts use (docs/findings.md states the rule behind
 * each). Analysis, writers and the TUI compare these enums, never strings. */
#ifndef SW_ANALYZE_KINDS_H
#define SW_ANALYZE_KINDS_H

enum sw_kind {
	SW_K_NONE = 0,
	SW_K_REGISTER_NO_RESPONSE,     /* 1: REGISTER never answered */
	SW_K_CALL_NO_RESPONSE,         /* INVITE never answered (timer B) */
	SW_K_REGISTER_FLOOD_BAN,       /* 2: banned for registering too often */
	SW_K_NAT_RETURN_PATH_BLOCKED,  /* 3 */
	SW_K_NAT_STALE_BINDING,        /* 4 */
	SW_K_NAT_BINDING_EXPIRED,      /* 7: the NAT's UDP mapping lapses between refreshes */
	SW_K_REGISTER_FORBIDDEN,       /* 5: 403 */
	SW_K_AUTH_REJECTED_CREDENTIALS,/* 5: 401/407 to answered challenges */
	SW_K_REGISTER_REJECTED,        /* 5: other final errors */
	SW_K_TRANSPORT_TCP_REQUIRED,   /* 6 */
	SW_K_KEEPALIVE_OPTIONS_UNANSWERED, /* 7 */
	SW_K_REGISTER_FLAPPING,        /* 7 */
	SW_K_REGISTER_EXPIRED,         /* 7 */
	SW_K_ALG_REWRITE,              /* 8 */
	SW_K_CAPTURE_NO_SIP,           /* a capture without any SIP message */
	SW_K_COUNT
};

enum sw_cause {
	SW_C_NONE = 0,
	SW_C_ICMP_PORT_UNREACHABLE,
	SW_C_ICMP_HOST_UNREACHABLE,
	SW_C_DNS_FAILURE,
	SW_C_SILENCE,
	SW_C_FRAGMENTS_LOST,
	SW_C_TCP_REFUSED,
	SW_C_PATH_LOSS,
	SW_C_BAD_CREDENTIALS,
	SW_C_POLICY,
	SW_C_USER_AGENT,
	SW_C_STATUS,                   /* register.rejected: the status code is the cause */
	SW_C_UDP_REFUSED_TCP_OK,
	SW_C_SERVER_REQUESTS_TCP,
	SW_C_OVERSIZE_UDP,
	SW_C_CONTENT_LENGTH_MISMATCH,
	SW_C_VIA_MISMATCH,
	SW_C_CONTACT_REWRITTEN,
	SW_C_RECEIVED_PRIVATE,
	SW_C_PATH_DIFF,
	SW_C_COUNT
};

/* "register.no_response" ...; "" for SW_K_NONE or out of range. */
const char *sw_kind_name(enum sw_kind k);
/* "icmp_port_unreachable" ...; "" for SW_C_NONE and SW_C_STATUS (whose name
 * is the status code, see struct sw_finding's cause). */
const char *sw_cause_name(enum sw_cause c);
/* Parse a kind name; SW_K_NONE when unknown. */
enum sw_kind sw_kind_parse(const char *name);

#endif
