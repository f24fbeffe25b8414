/* SPDX-License-Identifier: BSD-2-Clause */
/* Private to decode/: the decoder context and the functions its layer files
 * (link, IP, fragments, UDP/TCP/SCTP, ICMP, DNS, WebSocket) share. */
#ifndef SW_DECODE_INTERNAL_H
#define SW_DECODE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/idtab.h"
#include "common/map.h"
#include "decode/decode.h"
#include "decode/sipscan.h"

/* Private limits. */
#define SW_MAX_SIP_PORTS 32u     /* default + configured SIP ports */
#define SW_MAX_IPV6_EXT 8u       /* IPv6 extension headers walked */
#define SW_MAX_SCTP_CHUNKS 64u   /* chunks walked per SCTP packet */
#ifndef SW_MAX_SCTP_PENDING     /* (may be set small for fuzzing, as in decode.h) */
#define SW_MAX_SCTP_PENDING 64u  /* fragmented SCTP user messages being reassembled */
#endif
#ifndef SW_MAX_WS_FRAGMENTS
#define SW_MAX_WS_FRAGMENTS 64u  /* continuation frames per WebSocket message */
#endif
#define SW_MAX_GTP_EXT 8u        /* GTP-U extension headers walked */
#define SW_MAX_HTTP_HDR 8192u    /* HTTP Upgrade request/response header block */
#define SW_MAX_RESYNC_LINE 4096u /* partial line kept while looking for a start line */
#define SW_MAX_DNS_RECORDS 64u   /* answer records walked */

/* Big-endian readers; callers have checked the bounds. */
static inline uint16_t sw_rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}
static inline uint32_t sw_rd32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* ---- IP fragment reassembly (frag.c) ---- */
struct sw_frag_table {
	struct sw_map map;     /* key -> struct sw_frag_dgram */
	int64_t last_sweep_ns; /* capture time of the last timeout sweep */
};

/* What the IP layer knows about one fragment. */
struct sw_frag_in {
	uint8_t version;          /* 4 or 6 */
	const uint8_t *src, *dst; /* 4 or 16 bytes */
	uint32_t id;
	uint8_t proto;   /* v4: protocol; v6: next header after the fragment header */
	uint32_t offset; /* bytes */
	bool more;       /* MF / M flag */
	const uint8_t *data;
	size_t len;
	bool cut; /* the fragment's data is shorter than declared */
};

void sw_frag_init(struct sw_frag_table *t);
void sw_frag_free(struct sw_frag_table *t);
/* Add a fragment; when it completes a datagram, hands the datagram's payload
 * to sw_ip_payload() with pkt.ip_reassembled set. */
void sw_frag_add(struct sw_decode *d, const struct sw_frag_in *fr, unsigned depth);
/* End of input: pending datagrams are counted as incomplete and dropped. */
void sw_frag_finish(struct sw_decode *d);

/* ---- TCP streams (tcp.c) and WebSocket (ws.c) ---- */
enum sw_tcp_state {
	SW_TS_SIP = 0, /* SIP framed by Content-Length */
	SW_TS_HTTP,    /* HTTP Upgrade handshake, waiting for the end of headers */
	SW_TS_WS,      /* RFC 6455 frames */
	SW_TS_IGNORE,  /* TLS or a failed upgrade: counted, then ignored */
};

struct sw_tcp_ooo {
	uint32_t seq;
	uint32_t len;
	uint8_t *data;
	uint64_t frame_no;
};

/* Which frame the buffered bytes up to stream offset `end` came from. */
struct sw_tcp_mark {
	uint64_t end;
	uint64_t frame_no;
};

#define SW_TCP_KEYLEN 37u

struct sw_tcp_stream {
	uint8_t key[SW_TCP_KEYLEN];
	struct sw_tcp_stream *prev, *next; /* LRU list, least recently used first */
	enum sw_tcp_state state;
	bool decided; /* its first payload has been classified */
	bool have_seq;
	bool resync; /* looking for a SIP start line */
	bool client; /* HTTP: sent the Upgrade request */
	uint32_t next_seq;
	int64_t last_ts;
	struct sw_pkt last; /* packet fields of the latest segment */

	uint8_t *buf; /* in-order bytes not yet framed */
	size_t len, cap;
	uint64_t base; /* stream offset of buf[0] */
	size_t need;   /* framing: complete message length once known, else 0 */
	uint64_t skip; /* bytes still to discard (oversize message) */

	struct sw_tcp_mark *marks;
	size_t n_marks, cap_marks;

	struct sw_tcp_ooo ooo[SW_MAX_TCP_OOO];
	size_t n_ooo;

	/* WebSocket message being assembled from continuation frames. */
	uint8_t *ws_msg;
	size_t ws_len, ws_cap;
	unsigned ws_frags;
	bool ws_active;
	uint64_t ws_first_frame;
};

struct sw_tcp_table {
	struct sw_map map; /* key -> struct sw_tcp_stream */
	struct sw_tcp_stream *lru_head, *lru_tail;
	size_t bytes; /* buffers held by all streams (SW_MAX_TCP_TOTAL) */
};

void sw_tcp_init(struct sw_tcp_table *t);
void sw_tcp_free(struct sw_tcp_table *t);
void sw_tcp_decode(struct sw_decode *d, const uint8_t *p, size_t len, bool cut);
void sw_tcp_finish(struct sw_decode *d);
/* The first frame that contributed to buffered bytes [off, off + n) of s and
 * how many segments they span. */
void sw_tcp_span(const struct sw_tcp_stream *s, size_t off, size_t n, uint64_t *first,
                 unsigned *nseg);
/* Deliver one message of stream s (SIP, or a CRLF keepalive) whose bytes came
 * from frames first..current over nseg segments. */
void sw_tcp_emit(struct sw_decode *d, struct sw_tcp_stream *s, const char *p, size_t n,
                 uint64_t first, unsigned nseg);

/* ws.c */
/* True when p holds the start of an HTTP/1.1 GET carrying "Upgrade: websocket". */
bool sw_ws_is_upgrade(const uint8_t *p, size_t len);
/* Length of an HTTP header block ending in an empty line, 0 when incomplete. */
size_t sw_http_header_len(const uint8_t *p, size_t len);
/* Consume the frames in s->buf; returns the bytes consumed. Delivers SIP. */
size_t sw_ws_process(struct sw_decode *d, struct sw_tcp_stream *s);

struct sw_ws_frame {
	bool fin, masked;
	uint8_t opcode;
	uint8_t mask[4];
	size_t hdr_len;
	uint64_t payload_len;
};
/* Parse one frame header (RFC 6455 section 5.2): 1 complete header in *f,
 * 0 need more bytes, -1 invalid. */
int sw_ws_parse_header(const uint8_t *p, size_t len, struct sw_ws_frame *f);

/* ---- the decoder ---- */
struct sw_decode {
	struct sw_sip_parser *sp;
	bool (*defer)(void *user);    /* sw_decode_set_defer, NULL when off */
	void *defer_user;
	uint16_t sip_ports[SW_MAX_SIP_PORTS];
	size_t n_sip_ports;
	struct sw_decode_stats st;
	struct sw_addrtab peers; /* endpoints seen speaking SIP (the id unused), inline keys */
	struct sw_addr peer_recent[2]; /* the last two added (in peers until it is cleared) */
	struct sw_frag_table frag;
	struct sw_tcp_table tcp;
	struct sw_map sctp;    /* association direction -> struct sw_sctp_pending */
	struct sw_sip_msg msg; /* the message being delivered */
	struct sw_dns dns;

	/* The frame being decoded. */
	sw_decode_sink sink;
	void *user;
	struct sw_pkt pkt;
	bool fl_used;  /* something was emitted or kept */
	bool fl_trunc; /* cut short by the snaplen */
	bool fl_bad;   /* an invalid header */
	bool fl_unsupported;
	bool fl_ip;    /* the frame's outer IP packet was counted (st.traffic) */
	int64_t bad_declared; /* the datagram being delivered declares more body than it has */
	size_t bad_body;
	size_t ip_missing; /* bytes the innermost IP header declared beyond caplen */
};

/* decode.c */
void sw_dec_emit(struct sw_decode *d, struct sw_ev *ev);
bool sw_dec_is_sip_port(const struct sw_decode *d, uint16_t port);
bool sw_dec_peer_known(const struct sw_decode *d, const struct sw_addr *a);
void sw_dec_peer_add(struct sw_decode *d, const struct sw_addr *a);
/* Parse and deliver one SIP message (SW_EV_SIP or SW_EV_SIP_BAD) with d->pkt.
 * bad: when not NULL, the message is known to be unusable (cut by the
 * snaplen ...): deliver SW_EV_SIP_BAD with this static reason. */
void sw_dec_sip(struct sw_decode *d, const char *p, size_t len, const char *bad);
#define SW_REASON_CUT "cut short by the capture's snaplen"
/* A datagram payload (UDP, SCTP DATA): SIP, keepalive, or nothing. Returns
 * true when it was used. */
bool sw_dec_datagram(struct sw_decode *d, const uint8_t *p, size_t len, bool cut);

/* link.c */
void sw_link_decode(struct sw_decode *d, int linktype, const uint8_t *p, size_t len);
void sw_eth_decode(struct sw_decode *d, const uint8_t *p, size_t len, unsigned depth);
void sw_gre_decode(struct sw_decode *d, const uint8_t *p, size_t len, unsigned depth);
/* UDP tunnels: returns true when p was a GTP-U G-PDU / VXLAN frame. */
bool sw_gtp_decode(struct sw_decode *d, const uint8_t *p, size_t len, unsigned depth);
bool sw_vxlan_decode(struct sw_decode *d, const uint8_t *p, size_t len, unsigned depth);

/* ip.c */
void sw_ip_decode(struct sw_decode *d, const uint8_t *p, size_t len, unsigned depth);
void sw_ipv4_decode(struct sw_decode *d, const uint8_t *p, size_t len, unsigned depth);
void sw_ipv6_decode(struct sw_decode *d, const uint8_t *p, size_t len, unsigned depth);
/* Transport payload of an IP datagram whose addresses are in d->pkt. cut:
 * shorter than the IP header declared. */
void sw_ip_payload(struct sw_decode *d, uint8_t version, uint8_t proto, const uint8_t *p,
                   size_t len, bool cut, unsigned depth);
void sw_udp_decode(struct sw_decode *d, const uint8_t *p, size_t len, bool cut, unsigned depth);
/* Walk IPv6 extension headers (hop-by-hop, routing, destination options,
 * AH) from next header *nh at p. Returns the offset of the first other header
 * (fragment, ESP, upper layer ...) with *nh set to its type; -1 when the
 * chain is cut, -2 after SW_MAX_IPV6_EXT headers. */
long sw_ipv6_walk(const uint8_t *p, size_t len, uint8_t *nh);

/* sctp.c, icmp.c, dns.c */
void sw_sctp_decode(struct sw_decode *d, const uint8_t *p, size_t len, bool cut);
void sw_sctp_free(struct sw_decode *d);
void sw_icmp4_decode(struct sw_decode *d, const uint8_t *p, size_t len);
void sw_icmp6_decode(struct sw_decode *d, const uint8_t *p, size_t len);
/* RFC 1035 message: 0 and *out filled, -1 when not a DNS message. */
int sw_dns_parse(const uint8_t *p, size_t len, struct sw_dns *out);

/* sipscan.c: framing with the parts the caller may need to skip an oversize
 * message: *hdr_len (0 when the header block is incomplete) and *clen (-1 when
 * absent or unknown). Same return values as sw_sip_frame_len(). */
long sw_sip_frame_scan(const char *p, size_t len, size_t *hdr_len, int64_t *clen);

#endif
