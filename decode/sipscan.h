/* SPDX-License-Identifier: BSD-2-Clause */
/* Private to decode/: light SIP recognition and framing without libosip2.
 * Everything here is bounded by the (p, len) it is given and allocates nothing. */
#ifndef SW_DECODE_SIPSCAN_H
#define SW_DECODE_SIPSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/str.h"
#include "decode/decode.h"

/* True when p starts with a SIP start line (RFC 3261 section 7.1/7.2):
 * "SIP/2.0 DDD " or "TOKEN SP uri SP SIP/2.0" followed by CRLF (or LF), judged
 * on at most the first line. Also true for a first line cut short by len when
 * what is there matches so far and is at least "SIP/2.0 " or "METHOD sip:". */
bool sw_sip_looks_like(const char *p, size_t len);

/* Stream framing (RFC 3261 section 18.3). Looks at the buffered bytes of one
 * TCP/WS direction, which start at a message boundary:
 *   returns  >0  length of the first complete message (headers + Content-Length body)
 *             0  incomplete: need more bytes
 *            -1  not a SIP message start (caller resynchronises)
 *            -2  header block or declared body over SW_MAX_SIP_MSG
 * A missing Content-Length on a stream means 0 (RFC 3261 section 20.14 says it
 * is mandatory there; being lenient keeps the message). Compact form "l:" and
 * any case and whitespace are accepted; a non-numeric value returns -1. */
long sw_sip_frame_len(const char *p, size_t len);

/* Leading keepalive bytes on a stream: the length of a CRLF run at p (0 if none). */
size_t sw_sip_crlf_run(const char *p, size_t len);

/* What a few cheap scans can tell, for ICMP-quoted (often cut) messages and for
 * messages libosip2 rejects. Slices point into p. */
struct sw_sip_light {
	bool is_request;
	struct sw_str method;     /* request method, or CSeq method for responses */
	int status;               /* responses, else 0 */
	struct sw_str first_line;
	struct sw_str call_id;    /* "Call-ID:" or "i:" */
	int64_t cseq;             /* -1 when not found */
	struct sw_str branch;     /* branch of the first Via */
};
/* Returns 0 when the start line is SIP, -1 otherwise. */
int sw_sip_scan_light(const char *p, size_t len, struct sw_sip_light *out);

/* Keepalive recognition for a UDP/TCP payload that is not SIP. on_sip_flow is
 * true when either endpoint is on a SIP port or has carried SIP before.
 * Returns 0 when it is not a keepalive. STUN (RFC 5389 section 6: type 0x0001
 * or 0x0101, length matches, magic cookie 0x2112A442 or RFC 3489 form) is
 * recognised on any port when on_sip_flow. */
int sw_keepalive_classify(const uint8_t *p, size_t len, bool on_sip_flow,
			  enum sw_keepalive_kind *kind);

#endif
