/* SPDX-License-Identifier: BSD-2-Clause */
/* HEP, the Homer Encapsulation Protocol: decoding of HEP v1, v2 and v3 packets
 * from untrusted bytes, encoding of HEP v3 packets, and the agent side (a
 * non-blocking sender over UDP or TCP with a bounded queue).
 *
 * HEP v3 (HEP3 Network Protocol Specification, sipcapture/HEP): "HEP3", a
 * 16-bit total length, then chunks of vendor id (16 bits), type id (16 bits),
 * length (16 bits, including these 6 bytes) and value; every number is
 * big-endian. HEP v1/v2 (the older fixed header): version, header length,
 * address family, IP protocol, ports in network order, the addresses, and in
 * v2 seconds, microseconds and a 16-bit capture id in the sender's (little
 * endian, in practice) byte order, padded to 12 bytes.
 *
 * Ownership: slices in a decoded struct sw_hep_msg point into the bytes given
 * to sw_hep_decode() and are valid as long as those bytes are. */
#ifndef SW_HEP_H
#define SW_HEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/str.h"

/* Named limits. */
#define SW_HEP_MAX_PACKET 65535u   /* a HEP v3 total length is 16 bits */
#define SW_HEP_MAX_CHUNKS 128u     /* chunks in one packet; more is malformed */
#define SW_HEP3_HEADER 6u          /* "HEP3" + total length */
#define SW_HEP_CHUNK_HEADER 6u     /* vendor, type, length */

/* Generic chunk types (vendor 0x0000). */
enum {
	SW_HEP_CH_IP_FAMILY = 0x0001,  /* uint8: 2 AF_INET, 10 AF_INET6 */
	SW_HEP_CH_IP_PROTO = 0x0002,   /* uint8: 17 UDP, 6 TCP, 132 SCTP */
	SW_HEP_CH_IPV4_SRC = 0x0003,
	SW_HEP_CH_IPV4_DST = 0x0004,
	SW_HEP_CH_IPV6_SRC = 0x0005,
	SW_HEP_CH_IPV6_DST = 0x0006,
	SW_HEP_CH_SRC_PORT = 0x0007,   /* uint16 */
	SW_HEP_CH_DST_PORT = 0x0008,
	SW_HEP_CH_TS_SEC = 0x0009,     /* uint32, seconds since the epoch */
	SW_HEP_CH_TS_USEC = 0x000a,    /* uint32, microseconds added */
	SW_HEP_CH_PROTO_TYPE = 0x000b, /* uint8: 1 SIP, 100 log ... */
	SW_HEP_CH_CAPTURE_ID = 0x000c, /* uint32 */
	SW_HEP_CH_KEEPALIVE = 0x000d,  /* uint16 */
	SW_HEP_CH_AUTH_KEY = 0x000e,   /* octets */
	SW_HEP_CH_PAYLOAD = 0x000f,    /* octets */
	SW_HEP_CH_COMPRESSED = 0x0010, /* octets (not supported: counted) */
	SW_HEP_CH_CORRELATION = 0x0011, /* octets */
	SW_HEP_CH_VLAN = 0x0012,       /* uint16 */
};

/* Protocol types (chunk 0x000b). */
#define SW_HEP_PT_SIP 1u
#define SW_HEP_PT_LOG 100u

/* Address families as HEP writes them (Linux's AF_INET / AF_INET6). */
#define SW_HEP_AF_INET 2u
#define SW_HEP_AF_INET6 10u

/* Why a packet was rejected (sw_hep_decode()'s result when negative). */
enum sw_hep_error {
	SW_HEP_OK = 0,
	SW_HEP_E_SHORT = -1,       /* fewer bytes than a header */
	SW_HEP_E_VERSION = -2,     /* neither "HEP3" nor version 1/2 */
	SW_HEP_E_LENGTH = -3,      /* total length below the header or above the bytes */
	SW_HEP_E_CHUNK_LENGTH = -4, /* a chunk length below 6 (0 included) */
	SW_HEP_E_CHUNK_TRUNC = -5, /* a chunk reaching past the packet */
	SW_HEP_E_CHUNK_SIZE = -6,  /* a known chunk of the wrong size */
	SW_HEP_E_DUPLICATE = -7,   /* a known chunk given twice */
	SW_HEP_E_MISSING = -8,     /* addresses, ports, family, protocol or payload missing */
	SW_HEP_E_FAMILY = -9,      /* family not IPv4/IPv6, or addresses of the other one */
	SW_HEP_E_TOO_MANY = -10,   /* more than SW_HEP_MAX_CHUNKS chunks */
	SW_HEP_E_TIME = -11,       /* microseconds of one million or more */
	SW_HEP_E_COMPRESSED = -12, /* payload only in a compressed chunk (not supported) */
};
#define SW_HEP_N_ERRORS 13
/* "truncated", "bad_version", "bad_length" ... (stable, for counters). */
const char *sw_hep_error_name(int e);

/* One HEP packet: what an agent captured, or a log. */
struct sw_hep_msg {
	uint8_t version;          /* 1, 2, 3 */
	uint8_t ip_proto;         /* 17 UDP, 6 TCP, 132 SCTP ... */
	struct sw_addr src, dst;  /* family 4 or 6, with ports */
	bool has_time;            /* v3 with a seconds chunk, or v2 */
	uint32_t ts_sec, ts_usec;
	uint8_t proto_type;       /* SW_HEP_PT_*; SIP when the chunk is absent (v1/v2) */
	bool has_capture_id;
	uint32_t capture_id;
	struct sw_str auth_key;   /* SW_STR_NULL when absent */
	struct sw_str correlation; /* SW_STR_NULL when absent */
	struct sw_str payload;
	uint32_t unknown_chunks;  /* vendor chunks and unknown generic types, skipped */
	size_t used;              /* bytes this packet took (v3: its total length) */
};

/* Stream framing of HEP v3 (TCP): the length of the packet starting at p
 * when its header is complete and sane (> 0), 0 when more bytes are needed,
 * -1 when p does not start a HEP v3 header or the declared length is below
 * the header size (resynchronise). */
long sw_hep_frame(const uint8_t *p, size_t len);

/* Decode one packet from the first len bytes at p (a UDP datagram, or a
 * frame cut by sw_hep_frame()). A v3 packet takes its declared length, which
 * may be less than len (m->used says how much); v1/v2 take all len bytes.
 * Returns SW_HEP_OK with *m filled, or a negative enum sw_hep_error; never
 * reads outside [p, p + len). */
int sw_hep_decode(const uint8_t *p, size_t len, struct sw_hep_msg *m);

/* Encode *m as HEP v3 into buf: family, protocol, addresses, ports, time,
 * protocol type, capture id, then the auth key and correlation id when set,
 * and the payload last (a reader that takes the correlation id or the key up
 * to a NUL byte finds the next chunk's zero vendor id). Returns the length,
 * or 0 when it does not fit in cap or in SW_HEP_MAX_PACKET. */
size_t sw_hep_encode(uint8_t *buf, size_t cap, const struct sw_hep_msg *m);

/* ---- agent side: sending ---- */

#define SW_HEP_SEND_QUEUE (4u << 20) /* TCP: bytes held while the server is slow or down */
#define SW_HEP_BACKOFF_MIN_MS 500
#define SW_HEP_BACKOFF_MAX_MS 30000

struct sw_hep_send_stats {
	uint64_t sent;       /* packets handed to the kernel (UDP) or written whole (TCP) */
	uint64_t dropped;    /* packets lost here: queue full, socket buffer full */
	uint64_t errors;     /* send errors (refused, reset, unreachable) and packets cut by them */
	uint64_t connects;   /* TCP connections established */
	uint64_t queued;     /* TCP: bytes waiting now */
	uint64_t queue_max;  /* TCP: most bytes waited at once */
};

struct sw_hep_sender;

/* Parse "udp:HOST:PORT" / "tcp:HOST:PORT" (HOST a name, an IPv4 address or
 * [IPv6]); resolve it (once, here) and open a non-blocking socket; TCP starts
 * connecting. 0, or -1 with one line in err naming the problem. */
int sw_hep_sender_open(struct sw_hep_sender **out, const char *spec, size_t queue_bytes,
		       char *err, size_t errlen);
/* Send one encoded packet (from sw_hep_encode()) without blocking: UDP sends
 * it or counts it dropped; TCP writes it, or queues it (a copy) within the
 * queue bound, or counts it dropped. Also makes progress as _poll does. */
void sw_hep_sender_send(struct sw_hep_sender *s, const uint8_t *pkt, size_t len);
/* Progress without blocking: finish a connect, write queued bytes, reconnect
 * after the back-off when the server went away. */
void sw_hep_sender_poll(struct sw_hep_sender *s);
/* Wait at most timeout_ms for the queue to drain (at exit); 0 when empty. */
int sw_hep_sender_drain(struct sw_hep_sender *s, int timeout_ms);
/* Wait at most timeout_ms until `need` more bytes fit in the queue, writing
 * meanwhile (offline runs use it for flow control: a connected server that
 * reads slowly is waited for; one that is down is not). True when they fit. */
bool sw_hep_sender_wait_room(struct sw_hep_sender *s, size_t need, int timeout_ms);
void sw_hep_sender_stats(const struct sw_hep_sender *s, struct sw_hep_send_stats *st);
const char *sw_hep_sender_spec(const struct sw_hep_sender *s); /* as given */
bool sw_hep_sender_is_tcp(const struct sw_hep_sender *s);
void sw_hep_sender_close(struct sw_hep_sender *s);

/* Split "udp:HOST:PORT" into its parts (host without brackets, in a buffer
 * of hostcap bytes). 0 or -1 with a reason in err. Shared by -H and -L. */
int sw_hep_parse_spec(const char *spec, bool *tcp, char *host, size_t hostcap, uint16_t *port,
		      char *err, size_t errlen);

#endif
