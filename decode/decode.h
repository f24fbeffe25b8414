/* SPDX-License-Identifier: BSD-2-Clause */
/* Decode stage: frames in, events out. Link layers, IPv4/IPv6 with fragment
 * reassembly, UDP, TCP stream reassembly with SIP framing, SCTP DATA, ICMP and
 * ICMPv6 errors, keepalives, STUN, DNS, then SIP through libosip2.
 *
 * Every decoder reads through (pointer, length) and never past it; every table
 * has a named limit below; every drop is counted in struct sw_decode_stats.
 * Timeouts run on capture time (the frame's ts_ns), never on the wall clock.
 *
 * Ownership: an event and everything it points to are borrowed for the
 * duration of the sink callback only. */
#ifndef SW_DECODE_H
#define SW_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/capture.h"
#include "common/addr.h"
#include "common/str.h"
#include "decode/sip.h"

/* Named limits. Those of tables private to decode/ may be set on the
 * compiler's command line: tests/fuzz builds decode/ once more with tiny
 * values, so that fuzzing reaches what happens when a table is full. */
#define SW_MAX_LINK_DEPTH 8u          /* nested encapsulations (VLAN, GRE, IPIP, GTP...) */
#define SW_MAX_IP_DATAGRAM 65535u     /* reassembled IP datagram */
#ifndef SW_MAX_FRAG_DATAGRAMS
#define SW_MAX_FRAG_DATAGRAMS 1024u   /* datagrams being reassembled at once */
#endif
#ifndef SW_MAX_FRAGS_PER_DATAGRAM
#define SW_MAX_FRAGS_PER_DATAGRAM 64u
#endif
#define SW_FRAG_TIMEOUT_NS (30 * INT64_C(1000000000)) /* RFC 791/8200: 15-60 s */
#ifndef SW_MAX_TCP_STREAMS
#define SW_MAX_TCP_STREAMS 4096u      /* directions tracked at once */
#endif
#define SW_MAX_TCP_BUF (2u * SW_MAX_SIP_MSG) /* bytes buffered per direction */
#ifndef SW_MAX_TCP_OOO
#define SW_MAX_TCP_OOO 32u            /* out-of-order segments held per direction */
#endif
#ifndef SW_MAX_TCP_TOTAL
#define SW_MAX_TCP_TOTAL (32u << 20)  /* bytes held over all directions; past it the
                                       * longest idle directions are dropped */
#endif
#define SW_TCP_IDLE_NS (300 * INT64_C(1000000000))
#ifndef SW_MAX_SIP_PEERS
#define SW_MAX_SIP_PEERS 4096u        /* endpoints remembered as speaking SIP */
#endif

enum sw_transport {
	SW_TP_NONE = 0,
	SW_TP_UDP,
	SW_TP_TCP,
	SW_TP_TLS,
	SW_TP_SCTP,
	SW_TP_WS,
};
const char *sw_transport_name(enum sw_transport t); /* "UDP", "TCP" ... */

/* Where a packet came from, common to all events. */
struct sw_pkt {
	int64_t ts_ns;
	uint32_t file_idx;
	uint64_t frame_no;       /* frame that completed the event */
	uint64_t first_frame_no; /* first frame that contributed (== frame_no unless reassembled) */
	uint64_t offset;         /* record offset of frame_no in its file */
	struct sw_addr src, dst; /* innermost IP + port */
	enum sw_transport transport;
	bool has_mac;
	uint8_t src_mac[6], dst_mac[6]; /* outermost Ethernet header */
	uint8_t n_vlan;
	uint16_t vlan[2];        /* outer first */
	bool ip_reassembled;     /* came from IP fragments */
	uint16_t ip_frags;       /* number of fragments, 0 when not fragmented */
	uint32_t payload_len;    /* transport payload length (the SIP bytes) */
};

enum sw_icmp_kind {
	SW_ICMP_OTHER = 0,
	SW_ICMP_PORT_UNREACH,
	SW_ICMP_HOST_UNREACH,
	SW_ICMP_NET_UNREACH,
	SW_ICMP_ADMIN_PROHIB,
	SW_ICMP_PROTO_UNREACH,
	SW_ICMP_FRAG_NEEDED,    /* also ICMPv6 Packet Too Big */
	SW_ICMP_TIME_EXCEEDED,  /* in transit (TTL / hop limit) */
	SW_ICMP_REASSEMBLY,     /* fragment reassembly time exceeded (RFC 792 type 11
	                         * code 1, RFC 4443 type 3 code 1) */
};
const char *sw_icmp_kind_name(enum sw_icmp_kind k); /* "port_unreachable" ... */

/* RFC 792 / RFC 4443: an error and the packet it quotes. */
struct sw_icmp {
	enum sw_icmp_kind kind;
	uint8_t version;         /* 4 or 6 */
	uint8_t type, code;
	uint32_t mtu;            /* frag needed / packet too big */
	struct sw_addr reporter; /* = pkt.src */
	/* The quoted packet, as sent by the host that got the error. */
	uint8_t quoted_proto;    /* 17 UDP, 6 TCP ... */
	struct sw_addr quoted_src, quoted_dst; /* with ports when UDP/TCP */
	/* When the quoted payload starts a SIP message (possibly cut): */
	bool quoted_sip;
	bool quoted_is_request;
	struct sw_str quoted_method;
	int quoted_status;
	struct sw_str quoted_call_id;   /* may be SW_STR_NULL when cut before it */
	int64_t quoted_cseq;
	struct sw_str quoted_branch;
	struct sw_str quoted_payload;   /* what the ICMP message carried of it */
};

enum sw_keepalive_kind {
	SW_KA_CRLF_PING = 1,  /* RFC 5626 section 3.5.1: CRLFCRLF */
	SW_KA_CRLF_PONG,      /* single CRLF */
	SW_KA_STUN_REQUEST,   /* RFC 5389 Binding request (also RFC 3489 classic) */
	SW_KA_STUN_RESPONSE,
	SW_KA_OTHER,          /* short non-SIP payload on a SIP flow: NULs, spaces, "hello", "jaK" */
};
const char *sw_keepalive_kind_name(enum sw_keepalive_kind k);

struct sw_keepalive {
	enum sw_keepalive_kind kind;
	uint32_t len;
};

#define SW_DNS_MAX_ANSWERS 8u
#define SW_DNS_MAX_TARGETS 4u    /* SRV targets kept from one answer */
/* RFC 1035 section 4.1: a query or response, A/AAAA/SRV/NAPTR answers. */
struct sw_dns {
	uint16_t id;
	bool is_response;
	uint8_t rcode;           /* 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN ... */
	char qname[256];         /* dotted, lower case, escaped to printable */
	uint16_t qtype;
	size_t n_answers;        /* answer records of any type */
	size_t n_addrs;
	struct sw_addr addrs[SW_DNS_MAX_ANSWERS]; /* A / AAAA answers */
	size_t n_targets;
	char targets[SW_DNS_MAX_TARGETS][256]; /* SRV answers' target names (RFC 2782), as qname */
};

enum sw_tcp_flag_event {
	SW_TCP_SYN = 1,
	SW_TCP_SYNACK,
	SW_TCP_RST,
	SW_TCP_FIN,
};

struct sw_tcp_conn {
	enum sw_tcp_flag_event what;
};

enum sw_ev_type {
	SW_EV_SIP = 1,    /* a SIP message: ev.sip */
	SW_EV_SIP_BAD,    /* looks like SIP, rejected by the parser: ev.bad */
	SW_EV_ICMP,       /* ev.icmp */
	SW_EV_KEEPALIVE,  /* ev.keepalive */
	SW_EV_DNS,        /* ev.dns */
	SW_EV_TCP,        /* SYN/SYN-ACK/RST/FIN on any TCP port: ev.tcp */
	SW_EV_SIP_RAW,    /* a SIP message left unparsed (sw_decode_set_defer):
	                   * ev.bad.raw and its declared/body lengths; only ever
	                   * given to sw_decode_deferred_parse(), never analysed */
};

struct sw_ev {
	enum sw_ev_type type;
	struct sw_pkt pkt;
	union {
		const struct sw_sip_msg *sip;
		struct {
			struct sw_str reason;   /* what is wrong, static text */
			struct sw_str raw;      /* the bytes */
			struct sw_str call_id;  /* best effort from a light scan */
			struct sw_str first_line;
			/* a UDP message whose Content-Length exceeds the body
			 * present (RFC 3261 section 18.3: receivers discard it):
			 * what it declared; -1 otherwise */
			int64_t declared_length;
			size_t body_length;     /* with declared_length: the body present */
		} bad;
		struct sw_icmp icmp;
		struct sw_keepalive keepalive;
		const struct sw_dns *dns;
		struct sw_tcp_conn tcp;
	} u;
};

typedef void (*sw_decode_sink)(void *user, const struct sw_ev *ev);

/* What a capture held, for a capture without SIP (capture.no_sip): frames by
 * protocol of their outer IP packet, and the busiest ports (the lower port of
 * each UDP/TCP packet, usually the service's), counted approximately past
 * SW_TRAFFIC_PORTS (the least counted entry is replaced). */
#define SW_TRAFFIC_PORTS 8u
struct sw_traffic {
	uint64_t frames, udp, tcp, icmp, other_ip, non_ip, cut; /* cut: too short to tell */
	uint32_t n_ports;
	struct sw_traffic_port {
		uint8_t proto;          /* 6 TCP, 17 UDP */
		uint16_t port;
		uint64_t count;
	} ports[SW_TRAFFIC_PORTS];
};

struct sw_decode_stats {
	uint64_t frames;            /* frames given to the decoder */
	uint64_t sip;               /* SW_EV_SIP delivered */
	uint64_t sip_bad;           /* SW_EV_SIP_BAD delivered */
	uint64_t sip_oversize;      /* SIP messages over SW_MAX_SIP_MSG, skipped */
	uint64_t non_sip;           /* frames with nothing for sipwatch */
	uint64_t icmp_errors;
	uint64_t keepalives;
	uint64_t dns;
	uint64_t tls;               /* TCP directions on SIP ports carrying TLS (encrypted SIP) */
	uint64_t truncated;         /* frames cut short (caplen < what headers declare) */
	uint64_t bad_headers;       /* invalid link/IP/transport headers */
	uint64_t unsupported_link;  /* frames of a link type we cannot decode */
	uint64_t ip_fragments;      /* fragments seen */
	uint64_t ip_reassembled;    /* datagrams completed from fragments */
	uint64_t ip_frag_dropped;   /* fragments dropped: limits, overlap, timeout */
	uint64_t tcp_segments;      /* TCP segments with payload on SIP streams */
	uint64_t tcp_reassembled;   /* SIP messages that needed more than one segment */
	uint64_t tcp_retrans;       /* duplicate segments ignored */
	uint64_t tcp_gaps;          /* bytes missing from the capture (lost segments) */
	uint64_t tcp_dropped;       /* segments dropped: limits */
	uint64_t limit_drops;       /* anything else dropped on a named limit */
	uint64_t sctp_fragments;    /* SCTP DATA chunks of a fragmented user message, skipped */
	uint64_t incomplete;        /* TCP messages and IP datagrams never completed (end of
	                             * input, stream idle or reset) */
	struct sw_traffic traffic;
};

struct sw_decode_opts {
	/* Extra ports to treat as SIP even without content match (0-terminated). */
	const uint16_t *sip_ports;
};

struct sw_decode;

/* Create a decoder; opts may be NULL. Initialises libosip2 once per process
 * and installs a silent trace sink (libosip2 would otherwise print to stdout). */
struct sw_decode *sw_decode_new(const struct sw_decode_opts *opts);
void sw_decode_free(struct sw_decode *d);

/* Decode one frame; emits zero or more events to sink. Never fails: bad bytes
 * are counted in the stats. */
void sw_decode_frame(struct sw_decode *d, const struct sw_frame *f, sw_decode_sink sink,
		     void *user);

/* True when sw_decode_frame() can decode frames of this link type. */
bool sw_decode_link_supported(int linktype);

/* End of input: held TCP segments are delivered past their gaps; messages
 * and fragmented datagrams still incomplete are counted in `incomplete` (and
 * their fragments in ip_frag_dropped) and dropped. */
void sw_decode_finish(struct sw_decode *d, sw_decode_sink sink, void *user);

const struct sw_decode_stats *sw_decode_get_stats(const struct sw_decode *d);

/* The two-thread pipeline's balance (cli/run.c): while defer(user) says
 * true, SIP messages that would be parsed are emitted unparsed as
 * SW_EV_SIP_RAW for another thread to parse with sw_decode_deferred_parse().
 * The result is the same either way (the parse depends on the bytes only);
 * defer is called on the decoding thread. NULL turns it off (the default). */
void sw_decode_set_defer(struct sw_decode *d, bool (*defer)(void *user), void *user);
/* Counts what the other thread made of deferred messages into d's stats
 * (sip, sip_bad): call once d's thread has ended. */
void sw_decode_add_deferred(struct sw_decode *d, uint64_t parsed, uint64_t rejected);

/* A SIP parser of its own, for deferred messages, on one thread. */
struct sw_decode_deferred;
struct sw_decode_deferred *sw_decode_deferred_new(void);
void sw_decode_deferred_free(struct sw_decode_deferred *p);
/* *out becomes the event the decoder would have emitted for the
 * SW_EV_SIP_RAW event raw: SW_EV_SIP (its message in p, valid until the next
 * call) or SW_EV_SIP_BAD; its slices point into raw's bytes or into p.
 * Returns true for SW_EV_SIP. */
bool sw_decode_deferred_parse(struct sw_decode_deferred *p, const struct sw_ev *raw,
			      struct sw_ev *out);

/* Parse one SIP message from bytes (used by the decoder and by tests/fuzzers).
 * Returns 0 and fills *msg (slices into d's arena and buf, valid until the next
 * call), or -1 with a static reason in *why. */
int sw_decode_sip(struct sw_decode *d, const char *buf, size_t len, struct sw_sip_msg *msg,
		  const char **why);

#endif
