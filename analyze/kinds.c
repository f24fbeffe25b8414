/* SPDX-License-Identifier: BSD-2-Clause */
/* Names of the finding kinds and causes (kinds.h). */
#include "analyze/kinds.h"

#include <string.h>

static const char *const kind_names[SW_K_COUNT] = {
	[SW_K_NONE] = "",
	[SW_K_REGISTER_NO_RESPONSE] = "register.no_response",
	[SW_K_CALL_NO_RESPONSE] = "call.no_response",
	[SW_K_REGISTER_FLOOD_BAN] = "register.flood_ban",
	[SW_K_NAT_RETURN_PATH_BLOCKED] = "nat.return_path_blocked",
	[SW_K_NAT_STALE_BINDING] = "nat.stale_binding",
	[SW_K_NAT_BINDING_EXPIRED] = "nat.binding_expired",
	[SW_K_REGISTER_FORBIDDEN] = "register.forbidden",
	[SW_K_AUTH_REJECTED_CREDENTIALS] = "auth.rejected_credentials",
	[SW_K_REGISTER_REJECTED] = "register.rejected",
	[SW_K_TRANSPORT_TCP_REQUIRED] = "transport.tcp_required",
	[SW_K_KEEPALIVE_OPTIONS_UNANSWERED] = "keepalive.options_unanswered",
	[SW_K_REGISTER_FLAPPING] = "register.flapping",
	[SW_K_REGISTER_EXPIRED] = "register.expired",
	[SW_K_ALG_REWRITE] = "alg.rewrite",
	[SW_K_CAPTURE_NO_SIP] = "capture.no_sip",
};

static const char *const cause_names[SW_C_COUNT] = {
	[SW_C_NONE] = "",
	[SW_C_ICMP_PORT_UNREACHABLE] = "icmp_port_unreachable",
	[SW_C_ICMP_HOST_UNREACHABLE] = "icmp_host_unreachable",
	[SW_C_DNS_FAILURE] = "dns_failure",
	[SW_C_SILENCE] = "silence",
	[SW_C_FRAGMENTS_LOST] = "fragments_lost",
	[SW_C_TCP_REFUSED] = "tcp_refused",
	[SW_C_PATH_LOSS] = "path_loss",
	[SW_C_BAD_CREDENTIALS] = "bad_credentials",
	[SW_C_POLICY] = "policy",
	[SW_C_USER_AGENT] = "user_agent",
	[SW_C_STATUS] = "",
	[SW_C_UDP_REFUSED_TCP_OK] = "udp_refused_tcp_ok",
	[SW_C_SERVER_REQUESTS_TCP] = "server_requests_tcp",
	[SW_C_OVERSIZE_UDP] = "oversize_udp",
	[SW_C_CONTENT_LENGTH_MISMATCH] = "content_length_mismatch",
	[SW_C_VIA_MISMATCH] = "via_mismatch",
	[SW_C_CONTACT_REWRITTEN] = "contact_rewritten",
	[SW_C_RECEIVED_PRIVATE] = "received_private",
	[SW_C_PATH_DIFF] = "path_diff",
};

const char *sw_kind_name(enum sw_kind k)
{
	return (unsigned)k < SW_K_COUNT ? kind_names[k] : "";
}

const char *sw_cause_name(enum sw_cause c)
{
	return (unsigned)c < SW_C_COUNT ? cause_names[c] : "";
}

enum sw_kind sw_kind_parse(const char *name)
{
	for (int k = 1; k < SW_K_COUNT; k++)
		if (name && strcmp(kind_names[k], name) == 0)
			return (enum sw_kind)k;
	return SW_K_NONE;
}
