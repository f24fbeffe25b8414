/* SPDX-License-Identifier: BSD-2-Clause */
/* Private to decode/: the one wrapper around libosip2. No other file includes
 * <osipparser2/...>. */
#ifndef SW_DECODE_SIP_OSIP_H
#define SW_DECODE_SIP_OSIP_H

#include <stddef.h>

#include "decode/sip.h"

struct sw_sip_parser;

/* Calls parser_init() once per process and installs a trace sink that drops
 * libosip2's messages (they would otherwise go to stdout). */
struct sw_sip_parser *sw_sip_parser_new(void);
void sw_sip_parser_free(struct sw_sip_parser *sp);

/* Parse buf[0..len) (len <= SW_MAX_SIP_MSG, need not be NUL-terminated) into
 * *msg. On success returns 0; msg's slices point into the parser's own copy of
 * the message and its arena, valid until the next call on sp. On failure
 * returns -1 and *why is a static, human-readable reason ("no Call-ID header",
 * "not a SIP start line", "libosip2 could not parse the message", "NUL byte in
 * headers", ...; why may be NULL). A message missing Call-ID, CSeq, From, To
 * or Via is rejected (RFC 3261 section 8.1.1). Passwords never leave this
 * file: only has_response is set for digest credentials, and the response
 * value is masked in the parser's copy (so also in msg->raw). */
int sw_sip_parser_parse(struct sw_sip_parser *sp, const char *buf, size_t len,
			struct sw_sip_msg *msg, const char **why);

#endif
