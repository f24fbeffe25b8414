/* SPDX-License-Identifier: BSD-2-Clause */
/* The texts of every finding, apart from the rules that make them: one row
 * per kind, cause and variant, with a summary, an explanation, the advice in
 * the phone's own terms (English setting path first, the Chinese label of the
 * web UI in brackets) and, for suspicions, what would confirm it. Texts name
 * the finding's facts in braces ({server}, {aor} ...); po/zh_CN.po translates
 * them with the same names. A finding keeps no text: sw_finding_texts()
 * makes them from its facts when a writer or the view reads them. */
#include "analyze/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/mem.h"

struct text_row {
	enum sw_kind kind;
	enum sw_cause cause;
	enum text_variant variant;
	const char *summary, *explanation, *advice, *confirm;
};

/* Advice shared by several rows. */
#define A_PORT N_("Check VoIP > Account > Server Port (服务器端口) against the provider's settings; if the provider requires TCP, set VoIP > SIP Settings > Transport (传输类型) to TCP.")
#define A_ROUTE N_("Check VoIP > Account > Server Address (服务器地址) and the route: run Management > Diagnostics > Ping Test (PING 测试) to the server; ask the network administrator whether a firewall blocks SIP (UDP/TCP 5060).")
#define A_SILENCE N_("Run Management > Diagnostics > Ping Test (PING 测试) to the server; check VoIP > Account > Server Address (服务器地址) and VoIP > Account > Server Port (服务器端口); make sure the router does not block SIP (some routers need SIP ALG switched on, others off).")
#define A_TCP N_("Set VoIP > SIP Settings > Transport (传输类型) to TCP, save and re-register; or shorten the request (fewer or shorter headers).")
#define A_RANDOM_PORT N_("Enable VoIP > Account > Advanced SIP Settings > Random SIP Port (使用随机SIP端口), so that a failed registration retries from a new local port (50000-60000); update the firmware if the option is missing. Rebooting the phone or the router clears it for now.")
#define A_KEEPALIVE N_("Set VoIP > Account > Advanced SIP Settings > NAT Keepalive Interval (NAT保活间隔) below the router's UDP timeout (20 s is safe), or shorten VoIP > Account > Advanced SIP Settings > Registration Refresh Time (注册刷新时间); or raise the router's UDP timeout.")
#define A_OPTIONS N_("Enable VoIP > Account > Advanced SIP Settings > SIP OPTIONS Enable (SIP OPTIONS使能) and set VoIP > Account > Advanced SIP Settings > NAT Keepalive Interval (NAT保活间隔) to what the server expects.")
#define A_ALG N_("Switch SIP ALG off on the router (or on, where the server relies on it), then re-test.")
#define A_RETURN N_("Make sure the router does not block SIP; some routers need SIP ALG switched on, others off. Compare with a capture taken at the server side.")
#define A_REFRESH N_("Set VoIP > Account > Advanced SIP Settings > Registration Refresh Time (注册刷新时间) below the expiry the server grants (it may grant less than asked).")
#define A_WAIT N_("Wait and retry; if it persists, contact the provider with the time and the server's Server/Warning headers.")
#define C_OTHER_SIDE N_("A capture on the other side of the router (both files given to sipwatch) showing the message as it was sent.")
#define E_SILENCE_PUBLIC N_("The phone sent {method} to {server} and retransmitted it on RFC 3261 timer E until the 32 s transaction timeout, without any response and without an ICMP error. Either the server address or port is wrong or the server is down, the network drops the traffic, or the account is temporarily banned (phone address {client}).")
#define E_SILENCE_PRIVATE N_("The phone sent {method} to {server} and retransmitted it on RFC 3261 timer E until the 32 s transaction timeout, without any response and without an ICMP error. Either the server address or port is wrong or the server is down, the network drops the traffic, the account is temporarily banned, or the server's responses cannot get back through the NAT router to the phone (its address {client} is private).")

/* The texts of an unanswered request (REGISTER: register.no_response,
 * INVITE: call.no_response); {method} and {who} say which. */
#define NO_RESPONSE_ROWS(K)                                                                     \
	{ K, SW_C_ICMP_PORT_UNREACHABLE, TV_DEFAULT,                                            \
	  N_("{method} for {who} to {server} was answered by ICMP port unreachable: nothing listens on that port"), \
	  N_("The phone ({client}) sent {method} over {transport} to {server}; the host answered with ICMP port unreachable quoting that {method}, so the host is up but no SIP service listens on that port and transport. Either the server port is wrong, or the server only accepts another transport (TCP or TLS)."), \
	  A_PORT, NULL },                                                                       \
	{ K, SW_C_ICMP_HOST_UNREACHABLE, TV_DEFAULT,                                            \
	  N_("{method} for {who} to {server} was answered by ICMP {icmp_words}: the server cannot be reached"), \
	  N_("The phone's {method} to {server} was answered by an ICMP error ({icmp_words}, from {icmp_from}) quoting it: a router or firewall on the way says the server's host or network cannot be reached, or that traffic to it is forbidden. The request never reached a SIP server."), \
	  A_ROUTE, NULL },                                                                      \
	{ K, SW_C_SILENCE, TV_DEFAULT,                                                          \
	  N_("{method} for {who} to {server} was never answered ({requests_sent:request:requests} incl. retransmissions, no ICMP error)"), \
	  E_SILENCE_PUBLIC, A_SILENCE, NULL },                                                  \
	{ K, SW_C_SILENCE, TV_PRIVATE,                                                          \
	  N_("{method} for {who} to {server} was never answered ({requests_sent:request:requests} incl. retransmissions, no ICMP error)"), \
	  E_SILENCE_PRIVATE, A_SILENCE, NULL },                                                 \
	{ K, SW_C_SILENCE, TV_SUSPECTED,                                                        \
	  N_("{method} for {who} to {server} got no response before the capture ended ({waited} s, {requests_sent} sent)"), \
	  N_("The phone sent {method} to {server} and retransmitted it, but the capture ended before the 32 s transaction timeout (RFC 3261 timer F), so it is not certain that no answer came."), \
	  N_("Capture with Management > Diagnostics > Packet Trace (报文追踪) for at least 40 s after the phone starts registering, then check again."), \
	  N_("A longer capture showing the {method} retransmitted until the 32 s timeout without any response.") }, \
	{ K, SW_C_FRAGMENTS_LOST, TV_DEFAULT,                                                   \
	  N_("{method} for {who} to {server} ({size} bytes, in IP fragments) arrived incomplete: the server gave up reassembling it"), \
	  N_("The {method} was larger than the network's packet size, so it left in IP fragments. The server answered with ICMP time exceeded (fragment reassembly): it got part of the datagram and never the rest, because a router or firewall on the way drops fragments. The server never saw a whole {method}."), \
	  A_TCP, NULL },                                                                        \
	{ K, SW_C_FRAGMENTS_LOST, TV_FRAG_ANSWERED,                                             \
	  N_("{method} for {who} to {server} ({size} bytes, in IP fragments) was never answered, while smaller requests on the same path were"), \
	  N_("The {method} was larger than the network's packet size, so it left in IP fragments, and no answer came, while unfragmented requests between the same addresses were answered. A router or firewall on the way drops IP fragments, so the server never got the whole {method}."), \
	  A_TCP, NULL },                                                                        \
	{ K, SW_C_FRAGMENTS_LOST, TV_FRAG_NEEDED,                                               \
	  N_("{method} for {who} to {server} ({size} bytes) was too big for a link on the way (ICMP fragmentation needed, MTU {mtu})"), \
	  N_("A router on the way ({icmp_from}) could not forward the {size}-byte {method} over its link (MTU {mtu}) and said so with ICMP fragmentation needed; no answer came. Large SIP requests over UDP do not get through this path."), \
	  A_TCP, NULL }

static const struct text_row rows[] = {
	NO_RESPONSE_ROWS(SW_K_REGISTER_NO_RESPONSE),
	NO_RESPONSE_ROWS(SW_K_CALL_NO_RESPONSE),
	{ SW_K_REGISTER_NO_RESPONSE, SW_C_DNS_FAILURE, TV_DEFAULT,
	  N_("The DNS lookup of the server name {name} failed ({result}, {queries:query:queries}), so the phone could not send REGISTER"),
	  N_("Before registering, the phone must resolve the server's name; none of its lookups of {name} (NAPTR, SRV, A or AAAA) gave an address ({result}), so no REGISTER could be sent. The name is misspelt, does not exist, or the DNS server configured on the phone cannot resolve it."),
	  N_("Check the spelling of VoIP > Account > Server Address (服务器地址) and the DNS servers in Network > DNS Server (DNS 服务器); try Management > Diagnostics > Ping Test (PING 测试) with the name."),
	  NULL },
	{ SW_K_REGISTER_NO_RESPONSE, SW_C_DNS_FAILURE, TV_NO_ANSWER,
	  N_("The DNS server never answered the lookups of the server name {name} ({queries:query:queries}), so the phone could not send REGISTER"),
	  N_("Before registering, the phone must resolve the server's name; it asked {dns_server} {queries:time:times} and got no answer at all. The DNS server configured on the phone is wrong, down or unreachable, or a firewall drops DNS (UDP 53)."),
	  N_("Check the DNS servers in Network > DNS Server (DNS 服务器) and that the phone can reach them: run Management > Diagnostics > Ping Test (PING 测试) to the DNS server; or enter the server address as an IP address."),
	  NULL },
	{ SW_K_REGISTER_NO_RESPONSE, SW_C_TCP_REFUSED, TV_DEFAULT,
	  N_("The phone's TCP connections to the SIP server {server} were refused ({resets:reset:resets}): nothing accepts SIP over TCP there"),
	  N_("The phone tried to open a TCP connection to {server} and the host answered with a reset each time, so no REGISTER could be sent. The host is up but accepts no TCP on that port: the server port is wrong, or the server only takes SIP over UDP."),
	  N_("Check VoIP > Account > Server Port (服务器端口); if the provider uses UDP, set VoIP > SIP Settings > Transport (传输类型) to UDP."),
	  NULL },

	{ SW_K_REGISTER_FLOOD_BAN, SW_C_NONE, TV_DEFAULT,
	  N_("{aor}: {attempts_in_60s:REGISTER:REGISTERs} in 60 s; the server may ban the account for this ({server})"),
	  N_("The account registers far more often than its expiry requires. IMS and other carrier servers treat this as abuse and ban the account for a while (typically about 10 minutes): they stop answering its REGISTERs or answer 403/503, while other traffic still works."),
	  N_("Wait about 10 minutes before registering again; set VoIP > Account > Advanced SIP Settings > Registration Refresh Time (注册刷新时间) to the provider's value instead of a few seconds; do not register one account on several phones."),
	  N_("The server no longer answering this account's REGISTERs (or answering 403/503) while it still answers other requests.") },
	{ SW_K_REGISTER_FLOOD_BAN, SW_C_NONE, TV_BANNED,
	  N_("{aor}: {attempts_in_60s:REGISTER:REGISTERs} in 60 s, then the server stopped accepting them ({server})"),
	  N_("The account registers far more often than its expiry requires. IMS and other carrier servers treat this as abuse and ban the account for a while (typically about 10 minutes): they stop answering its REGISTERs or answer 403/503, while other traffic still works."),
	  N_("Wait about 10 minutes before registering again; set VoIP > Account > Advanced SIP Settings > Registration Refresh Time (注册刷新时间) to the provider's value instead of a few seconds; do not register one account on several phones."),
	  NULL },
	{ SW_K_REGISTER_FLOOD_BAN, SW_C_NONE, TV_SWITCHES,
	  N_("{aor}: {attempts_in_60s:REGISTER:REGISTERs} in 60 s from several devices alternating ({device_switches:switch:switches}); the server may ban the account"),
	  N_("Several phones register the same account in turn, each one replacing the other's binding. IMS and other carrier servers treat this as abuse and ban the account for a while (typically about 10 minutes)."),
	  N_("Register the account in VoIP > Account (帐号) on one phone only; wait about 10 minutes before registering again."),
	  N_("The server no longer answering this account's REGISTERs (or answering 403/503) while it still answers other requests.") },
	{ SW_K_REGISTER_FLOOD_BAN, SW_C_NONE, TV_SWITCHES_BANNED,
	  N_("{aor}: {attempts_in_60s:REGISTER:REGISTERs} in 60 s from several devices alternating ({device_switches:switch:switches}), then the server stopped accepting them"),
	  N_("Several phones register the same account in turn, each one replacing the other's binding. IMS and other carrier servers treat this as abuse and ban the account for a while (typically about 10 minutes)."),
	  N_("Register the account in VoIP > Account (帐号) on one phone only; wait about 10 minutes before registering again."),
	  NULL },
	{ SW_K_REGISTER_FLOOD_BAN, SW_C_NONE, TV_OTHER_DEVICE,
	  N_("{aor}: another device registers the same account and this phone refreshes every {refresh} s (expiry {expires} s); the server may ban the account"),
	  N_("The server's answer lists another device's binding for this account, and this phone re-registers far more often than the expiry needs: the two keep registering over each other, which carrier servers treat as abuse."),
	  N_("Register the account in VoIP > Account (帐号) on one phone only; set VoIP > Account > Advanced SIP Settings > Registration Refresh Time (注册刷新时间) to the provider's value."),
	  N_("The server no longer answering this account's REGISTERs (or answering 403/503) while it still answers other requests.") },
	{ SW_K_REGISTER_FLOOD_BAN, SW_C_NONE, TV_OTHER_DEVICE_BANNED,
	  N_("{aor}: another device registers the same account and this phone refreshes every {refresh} s (expiry {expires} s), then the server stopped accepting it"),
	  N_("The server's answer lists another device's binding for this account, and this phone re-registers far more often than the expiry needs: the two keep registering over each other, which carrier servers treat as abuse."),
	  N_("Register the account in VoIP > Account (帐号) on one phone only; set VoIP > Account > Advanced SIP Settings > Registration Refresh Time (注册刷新时间) to the provider's value."),
	  NULL },

	{ SW_K_NAT_RETURN_PATH_BLOCKED, SW_C_NONE, TV_DEFAULT,
	  N_("{aor}: the phone at private address {phone} gets no answer to REGISTER although the server {server} is alive ({server_alive})"),
	  N_("The phone is behind NAT and its REGISTERs go unanswered, but the server shows signs of life, so the server may be answering while the router drops or misroutes the answers on the way back."),
	  A_RETURN,
	  N_("A capture at the server side (run sipwatch with both files) showing the server's responses leaving and never reaching the phone.") },
	{ SW_K_NAT_RETURN_PATH_BLOCKED, SW_C_NONE, TV_UNDELIVERED,
	  N_("{method} from {client} was answered ({answered_with}) but the client kept retransmitting it: the answers do not reach {client}"),
	  N_("A client stops retransmitting a request as soon as it receives a final response. The server answered, yet copies of the request kept arriving: the answers are lost on the way back (a router or firewall between the server and the client)."),
	  A_RETURN,
	  N_("A capture on the phone at the same time (give both files to sipwatch) showing the answers never arriving.") },
	{ SW_K_NAT_RETURN_PATH_BLOCKED, SW_C_NONE, TV_UNDELIVERED_NAT,
	  N_("{method} from {client} was answered ({answered_with}) but the client kept retransmitting it: the answers do not reach {client}"),
	  N_("A client stops retransmitting a request as soon as it receives a final response. The server answered, yet copies of the request kept arriving: the answers are lost on the way back. The client's Via names a private address ({via_sent_by}), so it is behind NAT, and the NAT router is the usual place where they are dropped."),
	  A_RETURN,
	  N_("A capture on the phone at the same time (give both files to sipwatch) showing the answers never arriving.") },
	{ SW_K_NAT_RETURN_PATH_BLOCKED, SW_C_NONE, TV_ICMP,
	  N_("{method} from {client} was answered ({answered_with}) but the answer was refused on its way back (ICMP from {icmp_from})"),
	  N_("The server answered, and an ICMP error quoting that answer came back from {icmp_from}: the answer could not be delivered to {client}. The address the server answers to no longer leads to the phone: its NAT mapping or the router's public address changed."),
	  A_RETURN,
	  N_("A capture on the phone at the same time (give both files to sipwatch) showing the answers never arriving.") },
	{ SW_K_NAT_RETURN_PATH_BLOCKED, SW_C_PATH_LOSS, TV_NO_NAT,
	  N_("{lost_to_phone} messages the server sent to the phone {phone} left the server and never reached it"),
	  N_("The capture at the server shows {lost_to_phone} messages (answers to the phone's requests, or the server's own requests) leaving for the phone at {phone}. The capture at the phone covers the time they should have arrived (clock offset {clock_offset}) and never shows them, while {delivered_to_server} of the phone's messages did reach the server. A router or firewall between the two capture points drops what comes back."),
	  N_("Check the firewall rules between the phone and the server for UDP/TCP 5060 on the way back; run Management > Diagnostics > Ping Test (PING 测试) to the server."),
	  NULL },
	{ SW_K_NAT_RETURN_PATH_BLOCKED, SW_C_PATH_LOSS, TV_DEFAULT,
	  N_("{lost_to_phone:message:messages} the server sent to {public} (the phone {phone} behind NAT) left the server and never reached the phone"),
	  N_("The capture at the server shows {lost_to_phone:message:messages} (answers to the phone's requests, or the server's own requests) leaving for {public}, the router's public address for the phone {phone}. The capture at the phone covers the time they should have arrived (clock offset {clock_offset}) and never shows them, while {delivered_to_server} of the phone's messages did reach the server. The router or firewall between the two capture points drops what comes back: its NAT mapping for the phone expired or changed, or a firewall or SIP ALG rule discards the answers."),
	  N_("Make sure the router does not block SIP on the way back: some routers need SIP ALG switched off, others on; check the router's firewall rules for UDP/TCP 5060; shorten VoIP > Account > Advanced SIP Settings > NAT Keepalive Interval (NAT保活间隔) so the mapping stays open, and enable VoIP > Account > Advanced SIP Settings > Random SIP Port (使用随机SIP端口) if the router keeps a stale mapping."),
	  NULL },

	{ SW_K_NAT_STALE_BINDING, SW_C_NONE, TV_DEFAULT,
	  N_("{aor}: REGISTERs from {old_local} stopped getting answers after working ({unanswered} unanswered); from a new local port ({new_local}) the phone registered, seen by the server as {new_public} instead of {old_public}"),
	  N_("The registration worked from {old_local}, and the server saw the phone at public address {old_public}. Later refreshes from the same local port got no answer back, while a REGISTER from a new local port succeeded and the server reported a different public address ({new_public}). This is the router keeping an old NAT mapping after its public IP changed (for example after a reconnect): packets from the old local port still leave with the old source address, so the answers never come back."),
	  A_RANDOM_PORT, NULL },
	{ SW_K_NAT_STALE_BINDING, SW_C_NONE, TV_NO_RECOVERY,
	  N_("{aor}: registered fine from {old_local}, then {unanswered:refresh:refreshes} from the same local port got no answer back"),
	  N_("The phone was registered through NAT (the server saw it as {old_public}), then its refreshes from the same local port went unanswered. The usual cause is a router that keeps sending with its old public address after that address changed, so the answers go nowhere."),
	  A_RANDOM_PORT,
	  N_("Re-registering from another local port (or after rebooting the phone) succeeds and the server reports a different public address in Via received/rport.") },

	{ SW_K_NAT_BINDING_EXPIRED, SW_C_NONE, TV_DEFAULT,
	  N_("{aor}: the router gave the phone ({local}) a new public port between refreshes ({old_public} -> {new_public}): its NAT mapping lapsed after {gap} s without traffic"),
	  N_("Between two refreshes from the same local address, the public port the server saw changed although the phone changed nothing: the router's UDP mapping timed out during {gap} s without traffic and a new one was made. Until the next refresh, what the server sends to the phone (incoming calls, OPTIONS, NOTIFY) goes to the old port and is lost, so incoming calls fail now and then."),
	  A_KEEPALIVE, NULL },
	{ SW_K_NAT_BINDING_EXPIRED, SW_C_NONE, TV_ICMP,
	  N_("{aor}: the server's requests to the phone's public address {public} are refused (ICMP port unreachable from {icmp_from}, {refused:time:times}) between refreshes"),
	  N_("The server sent requests (OPTIONS, calls) to the public address it learned at the last refresh, and that address answered with ICMP port unreachable: the router no longer had a mapping for the port, so its UDP mapping for the phone lapsed after the refresh. Incoming calls fail until the phone refreshes again."),
	  A_KEEPALIVE, NULL },
	{ SW_K_NAT_BINDING_EXPIRED, SW_C_NONE, TV_TIMING,
	  N_("{aor}: the server's OPTIONS reach the phone up to {answered_within} s after a refresh and are lost from {lost_after} s on: the NAT mapping lapses between refreshes"),
	  N_("The server checks the phone with OPTIONS. Those sent soon after a refresh are answered, those sent later are not: the router's UDP mapping, refreshed by the phone's REGISTER, times out before the next one. Incoming calls in that window are lost."),
	  A_KEEPALIVE,
	  N_("A capture on the phone showing the late OPTIONS never arriving, or the public port changing at the next refresh.") },

	{ SW_K_REGISTER_FORBIDDEN, SW_C_BAD_CREDENTIALS, TV_DEFAULT,
	  N_("{aor}: 403 Forbidden after the phone answered the digest challenge (user \"{auth_username}\")"),
	  N_("The server challenged the REGISTER, the phone answered with credentials, and the server refused them with 403 Forbidden: the username or password is wrong, or the account is disabled on the server."),
	  N_("Re-enter VoIP > Account > Username (用户名), VoIP > Account > Authentication Username (认证用户名) and VoIP > Account > Password (密码), and ask the administrator whether the account is enabled."),
	  NULL },
	{ SW_K_REGISTER_FORBIDDEN, SW_C_POLICY, TV_DEFAULT,
	  N_("{aor}: 403 Forbidden without any challenge from {server} (server policy: MAC binding, User-Agent or address rule)"),
	  N_("The server refused the REGISTER with 403 before asking for credentials, so the password was never checked: a server policy rejects this device. Common rules: binding to the phone's MAC address (this phone: {mac}), a required User-Agent (this phone sends \"{user_agent}\"; the server says \"{server_header}\"), or an address ACL."),
	  N_("Ask the PBX administrator whether the server binds accounts to a MAC address or requires a User-Agent; if so, register the phone's MAC, or set VoIP > SIP Settings > SIP User-Agent Name (SIP 用户代理头域名称) to the required name (Huawei servers: \"huawei\")."),
	  N_("The same account registering with another User-Agent or from another device.") },
	{ SW_K_REGISTER_FORBIDDEN, SW_C_USER_AGENT, TV_DEFAULT,
	  N_("{aor}: 403 Forbidden without a challenge for User-Agent \"{user_agent}\"; the same account registered with User-Agent \"{accepted_user_agent}\""),
	  N_("The server refused the REGISTER outright (no digest challenge) while the phone sent one User-Agent, and accepted the same account with another: the server only admits devices with a particular User-Agent."),
	  N_("Set VoIP > SIP Settings > SIP User-Agent Name (SIP 用户代理头域名称) to the value the server expects (the one that worked: see accepted_user_agent; Huawei servers typically want \"huawei\")."),
	  NULL },
	{ SW_K_AUTH_REJECTED_CREDENTIALS, SW_C_NONE, TV_DEFAULT,
	  N_("{aor}: credentials rejected {rejections:time:times} in a row (401/407 to REGISTERs that answered the challenge, user \"{auth_username}\", realm \"{realm}\")"),
	  N_("Each time the phone answered the digest challenge, the server challenged it again instead of accepting it: the password, the authentication username or the realm does not match the account on the server."),
	  N_("Re-enter VoIP > Account > Authentication Username (认证用户名) and VoIP > Account > Password (密码) exactly as the provider gave them; ask the administrator to check the account."),
	  NULL },

	{ SW_K_REGISTER_REJECTED, SW_C_STATUS, TV_DEFAULT,
	  N_("{aor}: server rejected REGISTER with {status}"),
	  N_("The server refused the registration with a final response that is neither a challenge nor 403. The Warning and Reason headers, when present, say why."),
	  N_("Compare the account settings in VoIP > Account (帐号) with the provider's instructions; report the status code and the server's headers to the provider."),
	  NULL },
	{ SW_K_REGISTER_REJECTED, SW_C_STATUS, TV_404,
	  N_("{aor}: 404 Not Found: the server does not know this account"),
	  N_("The server answered REGISTER with 404: the user part or the domain of the account does not exist on this server."),
	  N_("Check the account number in VoIP > Account > Register Name (注册名) and the SIP domain in VoIP > Account > Server Address (服务器地址)."),
	  NULL },
	{ SW_K_REGISTER_REJECTED, SW_C_STATUS, TV_423,
	  N_("{aor}: 423 Interval Too Brief: the server wants an expiry of at least {min_expires} s (the phone asked for {requested_expires} s)"),
	  N_("The phone asked for a registration expiry shorter than the server allows; the server answered 423 with its minimum in Min-Expires, and the phone did not register with a longer one."),
	  A_REFRESH, NULL },
	{ SW_K_REGISTER_REJECTED, SW_C_STATUS, TV_423_CORRECTED,
	  N_("{aor}: 423 Interval Too Brief ({requested_expires} s asked, at least {min_expires} s wanted), corrected by the phone at once"),
	  N_("The phone asked for a shorter expiry than the server allows, the server answered 423 with its Min-Expires, and the phone registered again with that value right away (RFC 3261 section 10.2.8). This is the protocol working; it costs one round trip per registration."),
	  A_REFRESH, NULL },
	{ SW_K_REGISTER_REJECTED, SW_C_STATUS, TV_TEMPORARY,
	  N_("{aor}: server answered REGISTER with {status} (temporary failure{retry_words})"),
	  N_("The server (or a proxy in front of it) could not handle the registration right now: it is overloaded, in maintenance, or cannot reach the registrar behind it. With Retry-After it says when to try again."),
	  A_WAIT, NULL },
	{ SW_K_REGISTER_REJECTED, SW_C_STATUS, TV_TRANSIENT,
	  N_("{aor}: a refresh was answered with {status}, the retry succeeded while the registration still held"),
	  N_("The server could not handle one refresh (a temporary failure), and the phone's next attempt succeeded before the registration ran out: the phone stayed registered throughout."),
	  A_WAIT, NULL },

	{ SW_K_TRANSPORT_TCP_REQUIRED, SW_C_UDP_REFUSED_TCP_OK, TV_DEFAULT,
	  N_("{aor}: the server {server} refuses or ignores SIP over UDP but accepts TCP ({detail})"),
	  N_("REGISTERs over UDP got no answer or an ICMP port unreachable, while a TCP connection to the same server's SIP port was accepted: the server only takes SIP over TCP."),
	  N_("Set VoIP > SIP Settings > Transport (传输类型) to TCP, save and re-register."),
	  NULL },
	{ SW_K_TRANSPORT_TCP_REQUIRED, SW_C_SERVER_REQUESTS_TCP, TV_DEFAULT,
	  N_("{aor}: the server asks for TCP ({detail})"),
	  N_("The server's own headers name TCP as the transport to use (transport=tcp in its Contact or Record-Route, or a redirect), while the phone uses UDP."),
	  N_("Set VoIP > SIP Settings > Transport (传输类型) to TCP, save and re-register."),
	  NULL },
	{ SW_K_TRANSPORT_TCP_REQUIRED, SW_C_OVERSIZE_UDP, TV_DEFAULT,
	  N_("{who}: {method} over UDP is too large ({size} bytes, sent in IP fragments) and gets no answer"),
	  N_("RFC 3261 section 18.1.1 says a request within 200 bytes of the path MTU (over about 1300 bytes) must go over TCP. This one went over UDP in IP fragments, which NAT routers and firewalls often drop, and the server never answered."),
	  A_TCP, NULL },
	{ SW_K_TRANSPORT_TCP_REQUIRED, SW_C_OVERSIZE_UDP, TV_FRAG_NEEDED,
	  N_("{who}: {method} over UDP ({size} bytes) is too large for the path (ICMP fragmentation needed, MTU {mtu}) and gets no answer"),
	  N_("RFC 3261 section 18.1.1 says a request within 200 bytes of the path MTU must go over TCP. A router on the way reported a smaller MTU ({mtu} bytes) than this {size}-byte request needs, and no answer came."),
	  A_TCP, NULL },
	{ SW_K_TRANSPORT_TCP_REQUIRED, SW_C_OVERSIZE_UDP, TV_SIZE,
	  N_("{who}: {method} over UDP ({size} bytes) gets no answer while smaller requests on the same path do"),
	  N_("RFC 3261 section 18.1.1 says a request within 200 bytes of the path MTU (over about 1300 bytes) must go over TCP. This large request got no answer while smaller ones between the same addresses were answered: its size is what does not get through."),
	  A_TCP, NULL },

	{ SW_K_KEEPALIVE_OPTIONS_UNANSWERED, SW_C_NONE, TV_DEFAULT,
	  N_("{aor}: the server's OPTIONS keepalives to the phone go unanswered ({options_unanswered} so far); the phone sends {phone_keepalives:keepalive:keepalives} of its own"),
	  N_("The server ({pinger}) checks that the phone is alive with SIP OPTIONS and gets no answer, while the phone keeps its NAT binding with its own keepalives. The keepalive methods do not match: the server will soon consider the phone gone and drop its registration, so the phone shows registered, then failed, then registered again."),
	  A_OPTIONS, NULL },

	{ SW_K_REGISTER_FLAPPING, SW_C_NONE, TV_DEFAULT,
	  N_("{aor}: the registration was lost and came back {cycles:time:times} within {window_min} min"),
	  N_("The registration ran out {cycles:time:times} without a successful refresh and was registered again later each time: for those stretches the server could not reach the phone."),
	  N_("Look at what happens when the registration runs out (the account's history); check VoIP > Account > Advanced SIP Settings > Registration Refresh Time (注册刷新时间) and the network."),
	  NULL },
	{ SW_K_REGISTER_FLAPPING, SW_C_NONE, TV_OPTIONS,
	  N_("{aor}: the registration was lost and came back {cycles:time:times} within {window_min} min, while the server's OPTIONS went unanswered"),
	  N_("The registration keeps dropping and coming back. The server checks the phone with SIP OPTIONS and gets no answer, while the phone keeps its NAT binding with its own keepalives: the server declares the phone gone while the phone believes it is registered."),
	  A_OPTIONS, NULL },
	{ SW_K_REGISTER_FLAPPING, SW_C_NONE, TV_LATE,
	  N_("{aor}: the registration ran out and came back {cycles:time:times} within {window_min} min: the phone refreshes only after it lapsed"),
	  N_("Each time, the granted registration ran out before the phone sent its refresh, and the refresh registered it again: between the two the server could not reach the phone."),
	  A_REFRESH, NULL },
	{ SW_K_REGISTER_FLAPPING, SW_C_NONE, TV_FAILURES,
	  N_("{aor}: the registration was lost and came back {cycles:time:times} within {window_min} min: refreshes failed until it ran out"),
	  N_("Each time, the phone's refreshes failed (no answer or an error) until the granted registration ran out, and a later attempt registered it again. The findings about those failures say why they failed."),
	  N_("Fix the cause of the failed refreshes (see the account's other findings); Management > Diagnostics > Ping Test (PING 测试) to the server when it happens."),
	  NULL },
	{ SW_K_REGISTER_EXPIRED, SW_C_NONE, TV_DEFAULT,
	  N_("{aor}: the registration lapsed at {lapsed_at} (granted {granted_expires} s) before the phone refreshed it"),
	  N_("The server granted the registration for a limited time and the phone sent no refresh before it ran out, so for a while the server could not reach the phone (incoming calls fail) until it registered again."),
	  A_REFRESH, NULL },

	{ SW_K_ALG_REWRITE, SW_C_CONTENT_LENGTH_MISMATCH, TV_DEFAULT,
	  N_("Content-Length says {declared} bytes but the body has {actual} (message from {from})"),
	  N_("A SIP message whose Content-Length does not match its body is what a router's SIP ALG leaves behind when it rewrites addresses in the SDP without fixing the length. The receiver may cut the body or reject the message."),
	  A_ALG, C_OTHER_SIDE },
	{ SW_K_ALG_REWRITE, SW_C_CONTENT_LENGTH_MISMATCH, TV_DISCARDED,
	  N_("Content-Length says {declared} bytes but only {actual} arrived (message from {from}): the receiver must discard it"),
	  N_("Over UDP a message whose Content-Length is larger than the body that arrived must be discarded by its receiver (RFC 3261 section 18.3), so this request or answer was lost as surely as if it had never been sent. A router's SIP ALG that rewrites addresses in the SDP with shorter ones, without fixing the length, leaves exactly this behind."),
	  A_ALG, C_OTHER_SIDE },
	{ SW_K_ALG_REWRITE, SW_C_VIA_MISMATCH, TV_DEFAULT,
	  N_("{method} from {client} carried Via {sent} but its response came back with Via {returned}"),
	  N_("A server copies the request's Via into its response, adding only received/rport. A different sent-by in the response means something on the path rewrote the Via: typically a router's SIP ALG."),
	  A_ALG, C_OTHER_SIDE },
	{ SW_K_ALG_REWRITE, SW_C_CONTACT_REWRITTEN, TV_DEFAULT,
	  N_("{aor}: the phone registered Contact {sent} but the server lists {registered} instead"),
	  N_("The 2xx to REGISTER lists the bindings the server stored. The phone's own Contact is not among them; a Contact for the same user with another address is. Something between the phone and the server rewrote the Contact: typically a router's SIP ALG (some servers also rewrite Contacts themselves for NAT traversal)."),
	  A_ALG,
	  N_("A capture at the server side showing the REGISTER arriving with the rewritten Contact (give both files to sipwatch).") },
	{ SW_K_ALG_REWRITE, SW_C_RECEIVED_PRIVATE, TV_DEFAULT,
	  N_("{method} answer from the public server {server} says the phone was seen at the private address {received}: a device on the path rewrote it"),
	  N_("A server writes into Via received= the source address the request came from. A server on a public address can only have seen the router's public address, never a private one such as {received}; so the response was rewritten on its way back, typically by the router's SIP ALG, which also rewrites Via and Contact on the way out."),
	  A_ALG, C_OTHER_SIDE },
	{ SW_K_ALG_REWRITE, SW_C_RECEIVED_PRIVATE, TV_CONTACT_PARAM,
	  N_("{method} answer from the public server {server} lists the phone's Contact as received from the private address {received}: a device on the path rewrote it"),
	  N_("The registrar notes in the Contact's received parameter the source address the REGISTER came from. A server on a public address can only have seen the router's public address, never a private one such as {received}; so the response was rewritten on its way back, typically by the router's SIP ALG."),
	  A_ALG, C_OTHER_SIDE },
	{ SW_K_ALG_REWRITE, SW_C_PATH_DIFF, TV_DEFAULT,
	  N_("The path between the two captures rewrote SIP in {changed_messages} messages ({fields}): a SIP ALG or another middlebox"),
	  N_("Each message was compared as it left with the same message as it arrived. Plain NAT changes only the IP and UDP addresses; here the SIP text changed too ({fields}): a SIP ALG, a session border controller or a proxy on the path rewrites SIP."),
	  N_("Switch SIP ALG off on the router (or on, where the server relies on it), then re-test; the facts show each change as sent => as received."),
	  NULL },
	{ SW_K_ALG_REWRITE, SW_C_PATH_DIFF, TV_TRANSLATED,
	  N_("The path between the two captures rewrote SIP in {changed_messages} messages ({fields}): a SIP ALG or another middlebox"),
	  N_("Each message was compared as it left with the same message as it arrived. Plain NAT changes only the IP and UDP addresses; here the SIP text changed too ({fields}), and the changes swap the phone's private address for the router's public one or back: the router's SIP ALG rewrites SIP. A faulty ALG (wrong ports, a Content-Length left wrong, broken headers) makes registrations and calls fail in ways neither end can explain."),
	  N_("Switch SIP ALG off on the router (or on, where the server relies on it), then re-test; the facts show each change as sent => as received."),
	  NULL },

	{ SW_K_CAPTURE_NO_SIP, SW_C_NONE, TV_DEFAULT,
	  N_("No SIP message in this capture ({frames:frame:frames}: {protocols})"),
	  N_("The capture holds no SIP at all. What it holds: {ports}. It was taken on the wrong interface, with a filter that excludes SIP, while the phone sent nothing, or the phone uses a port or transport that is not SIP in the clear (SIP over TLS on 5061 is counted, not decoded)."),
	  N_("Capture again on the phone's WAN interface with Management > Diagnostics > Packet Trace (报文追踪) while the phone registers: start the trace, then re-register (or reboot the phone), and capture for at least 40 s."),
	  NULL },
};

/* A summary of one kind over many accounts: what each kind means in a count. */
static const char *kind_title(enum sw_kind k)
{
	switch (k) {
	case SW_K_REGISTER_NO_RESPONSE: return N_("REGISTERs never answered");
	case SW_K_CALL_NO_RESPONSE: return N_("INVITEs never answered");
	case SW_K_REGISTER_FLOOD_BAN: return N_("registering too often (flood ban)");
	case SW_K_NAT_RETURN_PATH_BLOCKED: return N_("answers lost on the way back");
	case SW_K_NAT_STALE_BINDING: return N_("stale NAT mappings");
	case SW_K_NAT_BINDING_EXPIRED: return N_("NAT mappings that lapse between refreshes");
	case SW_K_REGISTER_FORBIDDEN: return N_("REGISTERs refused with 403");
	case SW_K_AUTH_REJECTED_CREDENTIALS: return N_("credentials rejected");
	case SW_K_REGISTER_REJECTED: return N_("REGISTERs rejected");
	case SW_K_TRANSPORT_TCP_REQUIRED: return N_("TCP required");
	case SW_K_KEEPALIVE_OPTIONS_UNANSWERED: return N_("OPTIONS keepalives unanswered");
	case SW_K_REGISTER_FLAPPING: return N_("registrations flapping");
	case SW_K_REGISTER_EXPIRED: return N_("registrations lapsed before the phone refreshed them");
	case SW_K_ALG_REWRITE: return N_("SIP rewritten on the path");
	case SW_K_CAPTURE_NO_SIP:
	case SW_K_NONE:
	case SW_K_COUNT: break;
	}
	return "";
}

static const struct text_row summary_row = {
	SW_K_NONE, SW_C_NONE, TV_DEFAULT,
	N_("{accounts} of {of_accounts:account:accounts}: {title} (for example {examples})"),
	N_("The same finding was made for {accounts:account:accounts}. Each account's own finding is in the JSON output (up to the documented limit) and in its account's story; this summary counts them all."),
	NULL, NULL
};

static const struct text_row *row_of(const struct sw_finding *f)
{
	const struct text_row *dflt = NULL;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct text_row *r = &rows[i];
		if (r->kind != f->kind || r->cause != f->cause)
			continue;
		if (r->variant == f->variant)
			return r;
		if (r->variant == TV_DEFAULT)
			dflt = r;
	}
	return dflt;
}

/* The value that {name} stands for: the finding's own fields, then its facts. */
static const char *value_of(const struct sw_finding *f, const char *name, char *buf)
{
	if (!strcmp(name, "aor"))
		return f->aor ? f->aor : "-";
	if (!strcmp(name, "client") && !sw_finding_fact(f, "client"))
		return f->client.family ? sw_addr_fmt(&f->client, buf) : "-";
	if (!strcmp(name, "server") && !sw_finding_fact(f, "server"))
		return f->server.family ? sw_addr_fmt(&f->server, buf) : "-";
	if (!strcmp(name, "status")) {
		snprintf(buf, SW_ADDRSTRLEN, "%u", f->status);
		return buf;
	}
	const char *v = sw_finding_fact(f, name);
	return v ? v : "?";
}

/* Copies tmpl into *dst with each {name} replaced by its value, and each
 * {name:one:many} by the value and the word for its number ("1 request",
 * "11 requests"; a translation without plurals writes {name} alone). A brace
 * that does not open a name is copied as it is. */
static void render(const struct sw_finding *f, const char *tmpl, char **dst)
{
	free(*dst);
	*dst = NULL;
	if (!tmpl)
		return;
	struct sw_buf b = SW_BUF_INIT;
	char name[32], buf[SW_ADDRSTRLEN];
	for (const char *p = tmpl; *p;) {
		if (*p == '{') {
			size_t n = 0;
			const char *q = p + 1;
			while (n < sizeof name - 1 && ((*q >= 'a' && *q <= 'z') || *q == '_' ||
						       (*q >= '0' && *q <= '9')))
				name[n++] = *q++;
			if (n && *q == '}') {
				name[n] = '\0';
				sw_buf_puts(&b, value_of(f, name, buf));
				p = q + 1;
				continue;
			}
			const char *one = q + 1, *many = one, *end = NULL;
			if (n && *q == ':') {
				many = strchr(one, ':');
				end = many ? strchr(many + 1, '}') : NULL;
			}
			if (end) {
				name[n] = '\0';
				const char *v = value_of(f, name, buf);
				bool single = strcmp(v, "1") == 0;
				sw_buf_printf(&b, "%s %.*s", v,
					      single ? (int)(many - one) : (int)(end - many - 1),
					      single ? one : many + 1);
				p = end + 1;
				continue;
			}
		}
		sw_buf_putc(&b, *p++);
	}
	*dst = b.p ? b.p : sw_strdup("");
}

void sw_texts_prepare(struct sw_analyze *a, struct sw_finding *f)
{
	if (f->aggregate) {
		if (!sw_finding_fact(f, "title"))
			sw_fnd_word(a, f, "title", kind_title(f->kind));
		f->has_texts = true;
		return;
	}
	f->has_texts = row_of(f) != NULL;
}

void sw_finding_texts(const struct sw_analyze *a, const struct sw_finding *f, unsigned which,
		      struct sw_finding_texts *t)
{
	memset(t, 0, sizeof *t);
	if (!f->has_texts)
		return;
	const char *tm[4] = { NULL, NULL, NULL, NULL };
	if (f->aggregate) {
		struct sw_finding tmp = *f; /* the kind's own advice */
		tmp.aggregate = false;
		tmp.variant = TV_DEFAULT;
		const struct text_row *own = row_of(&tmp);
		tm[0] = summary_row.summary;
		tm[1] = summary_row.explanation;
		tm[2] = own ? own->advice : NULL;
	} else {
		const struct text_row *r = row_of(f);
		if (!r)
			return;
		tm[0] = r->summary;
		tm[1] = r->explanation;
		tm[2] = r->advice;
		tm[3] = f->suspected ? r->confirm : NULL;
	}
	char **dst[4] = { &t->summary, &t->explanation, &t->advice, &t->confirm };
	for (unsigned i = 0; i < 4; i++)
		if (which & (1u << i))
			render(f, tm[i] ? sw_an_tr(a, tm[i]) : NULL, dst[i]);
	if (!(which & SW_TEXT_SUMMARY) || f->aggregate || f->explained_by == UINT32_MAX ||
	    f->explained_by >= a->findings.n)
		return;
	const struct sw_finding *by = a->findings.p[f->explained_by];
	struct sw_buf b = SW_BUF_INIT;
	sw_buf_printf(&b, "#%u %s%s%s", by->id, sw_kind_name(by->kind),
		      sw_finding_cause(by)[0] ? "/" : "", sw_finding_cause(by));
	struct sw_finding tmp = { 0 };
	struct sw_fact two[2];
	tmp.facts = two;
	tmp.n_facts = 2;
	tmp.facts[0].key = "summary";
	tmp.facts[0].value = t->summary;
	tmp.facts[1].key = "by";
	tmp.facts[1].value = b.p;
	char *s = NULL;
	render(&tmp, sw_an_tr(a, N_("{summary} (explained by {by})")), &s);
	free(t->summary);
	t->summary = s;
	sw_buf_free(&b);
}

void sw_finding_texts_free(struct sw_finding_texts *t)
{
	free(t->summary);
	free(t->explanation);
	free(t->advice);
	free(t->confirm);
	memset(t, 0, sizeof *t);
}

char *sw_finding_summary(const struct sw_analyze *a, const struct sw_finding *f)
{
	struct sw_finding_texts t;
	sw_finding_texts(a, f, SW_TEXT_SUMMARY, &t);
	return t.summary;
}
