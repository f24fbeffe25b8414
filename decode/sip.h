/* SPDX-License-Identifier: BSD-2-Clause */
/* A parsed SIP message (RFC 3261 section 7), as the rest of sipwatch sees it.
 *
 * Filled by decode/sip_osip.c, the only file that includes libosip2. All
 * sw_str slices point into storage owned by the decoder (the message text and
 * an arena beside it); they are borrowed for the duration of the event
 * callback that delivers the message. Absent headers are SW_STR_NULL (p ==
 * NULL), absent numbers are -1. */
#ifndef SW_DECODE_SIP_H
#define SW_DECODE_SIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/str.h"

#define SW_MAX_SIP_MSG 131072u   /* larger messages are counted and skipped */
#define SW_SIP_MAX_VIAS 16u      /* Via entries kept (the count is kept in full) */
#define SW_SIP_MAX_CONTACTS 8u
#define SW_SIP_MAX_MEDIA 8u

struct sw_sip_uri {
	struct sw_str raw;      /* the whole URI as written, without <> */
	struct sw_str scheme;   /* "sip", "sips", "tel" ... */
	struct sw_str user;
	struct sw_str host;     /* IPv6 literals without [] */
	int port;               /* -1 when absent */
	struct sw_str transport; /* ;transport= value */
};

struct sw_sip_nameaddr {
	struct sw_str display;
	struct sw_sip_uri uri;
	struct sw_str tag;      /* ;tag= */
};

/* RFC 3261 section 20.42 */
struct sw_sip_via {
	struct sw_str protocol;  /* "SIP/2.0/UDP" -> "UDP" */
	struct sw_str host;      /* sent-by host, IPv6 without [] */
	int port;                /* sent-by port, -1 when absent */
	struct sw_str branch;
	struct sw_str received;
	int rport;               /* -1 absent, 0 present without value, else value */
	bool has_rport;
	bool has_alias;          /* RFC 5923 ;alias */
};

/* RFC 3261 section 20.10; RFC 5626 section 4.1 (+sip.instance, reg-id) */
struct sw_sip_contact {
	struct sw_sip_uri uri;
	int expires;             /* ;expires=, -1 when absent */
	struct sw_str instance;  /* +sip.instance value, quotes and <> removed */
	int reg_id;              /* -1 when absent */
};

/* RFC 3261 sections 20.7, 20.27, 20.28, 20.44 */
struct sw_sip_auth {
	bool present;
	struct sw_str scheme;    /* "Digest" */
	struct sw_str realm;
	struct sw_str username;  /* credentials only */
	struct sw_str nonce;
	struct sw_str uri;       /* credentials only */
	struct sw_str algorithm;
	struct sw_str qop;
	bool stale;              /* challenges only */
	bool has_response;       /* credentials carry a digest response (never printed) */
};

struct sw_sdp_media {
	struct sw_str media;     /* "audio", "video" ... */
	int port;
	struct sw_str proto;     /* "RTP/AVP" */
	struct sw_str conn;      /* media-level c= address, if any */
};

/* RFC 4566 */
struct sw_sdp {
	bool present;
	struct sw_str origin_addr;   /* o= unicast address */
	struct sw_str conn_addr;     /* session-level c= address */
	size_t n_media;
	struct sw_sdp_media media[SW_SIP_MAX_MEDIA];
};

struct sw_sip_msg {
	bool is_request;
	struct sw_str method;        /* requests */
	struct sw_sip_uri ruri;      /* requests */
	int status;                  /* responses, 100..699 */
	struct sw_str reason;        /* responses */

	struct sw_str call_id;
	int64_t cseq;                /* -1 when absent or unparsable */
	struct sw_str cseq_method;
	struct sw_sip_nameaddr from, to;

	size_t n_via;                /* total Via entries in the message */
	struct sw_sip_via via[SW_SIP_MAX_VIAS]; /* first min(n_via, MAX) entries, top first */

	size_t n_contact;            /* entries filled, at most SW_SIP_MAX_CONTACTS */
	bool contact_star;           /* Contact: * */
	struct sw_sip_contact contact[SW_SIP_MAX_CONTACTS];

	int expires;                 /* Expires header, -1 absent */
	int min_expires;             /* Min-Expires (423), -1 absent */
	int retry_after;             /* Retry-After seconds, -1 absent */
	int max_forwards;            /* -1 absent */
	struct sw_str user_agent;
	struct sw_str server;
	struct sw_str warning;       /* first Warning, raw value */
	struct sw_str reason_hdr;    /* Reason header, raw value */
	struct sw_str supported;     /* raw values, comma-joined when repeated */
	struct sw_str require;
	struct sw_str content_type;
	struct sw_str record_route;  /* first Record-Route, raw */
	struct sw_str record_route_last; /* the last Record-Route entry (the hop next to
				      * the UAC in a response, RFC 3261 section 12.1.2) */
	struct sw_str route;         /* first Route, raw */

	struct sw_sip_auth www_auth;      /* WWW-Authenticate (401) */
	struct sw_sip_auth proxy_auth;    /* Proxy-Authenticate (407) */
	struct sw_sip_auth authorization; /* Authorization */
	struct sw_sip_auth proxy_authz;   /* Proxy-Authorization */

	int64_t content_length;      /* declared Content-Length, -1 absent */
	size_t body_len;             /* bytes actually present after the header block */
	bool content_length_mismatch;/* declared != present (UDP) */
	struct sw_sdp sdp;

	struct sw_str raw;           /* the whole message as received, except that
				      * digest response= values are masked with '*' */
	size_t header_len;           /* bytes up to and including the empty line */
};

#endif
