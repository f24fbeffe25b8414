/* SPDX-License-Identifier: BSD-2-Clause */
/* Test helpers: build frames layer by layer from the inside out, and record
 * the events a decoder delivers (deep copies, since events are borrowed). */
#ifndef SW_TEST_PKTBUILD_H
#define SW_TEST_PKTBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"

/* A byte string in a per-test pool (tb_reset() frees them all). */
struct tb {
	uint8_t *p;
	size_t n;
};

void tb_reset(void);
struct tb tb_new(size_t n);
struct tb tb_raw(const void *p, size_t n);
struct tb tb_str(const char *s);
struct tb tb_cat(struct tb a, struct tb b);
struct tb tb_sub(struct tb a, size_t off, size_t n);

/* Layers; each returns header + payload. */
struct tb tb_udp(uint16_t sport, uint16_t dport, struct tb pl);
#define TB_FIN 0x01
#define TB_SYN 0x02
#define TB_RST 0x04
#define TB_PSH 0x08
#define TB_ACK 0x10
struct tb tb_tcp(uint16_t sport, uint16_t dport, uint32_t seq, uint8_t flags, struct tb pl);
struct tb tb_sctp_data(uint16_t sport, uint16_t dport, uint8_t flags, struct tb pl);
/* IPv4 with id and the fragment field (flags << 13 | offset / 8). */
struct tb tb_ip4x(const char *src, const char *dst, uint8_t proto, uint16_t id, uint16_t frag,
                  struct tb pl);
struct tb tb_ip4(const char *src, const char *dst, uint8_t proto, struct tb pl);
struct tb tb_ip6(const char *src, const char *dst, uint8_t nh, struct tb pl);
/* IPv6 extension header (0, 43, 60) of 8 bytes with next header nh. */
struct tb tb_ip6ext(uint8_t nh, struct tb pl);
struct tb tb_ip6frag(uint8_t nh, uint32_t id, uint16_t offset, bool more, struct tb pl);
struct tb tb_eth(uint16_t type, struct tb pl);
struct tb tb_vlan(uint16_t id, uint16_t type, struct tb pl);
struct tb tb_pppoe(uint16_t ppp_proto, struct tb pl);
struct tb tb_sll(uint16_t proto, struct tb pl);
struct tb tb_sll2(uint16_t proto, struct tb pl);
struct tb tb_null(uint32_t af, bool big_endian, struct tb pl);
struct tb tb_gre(uint16_t flags, uint16_t proto, struct tb pl);
struct tb tb_icmp(uint8_t type, uint8_t code, uint32_t rest, struct tb quoted);
struct tb tb_icmp6(uint8_t type, uint8_t code, uint32_t rest, struct tb quoted);

/* Common test addresses and MACs. */
#define TB_A "192.0.2.10"
#define TB_B "198.51.100.20"
#define TB_A6 "2001:db8::10"
#define TB_B6 "2001:db8::20"
extern const uint8_t tb_mac_src[6], tb_mac_dst[6];

/* SIP text: a REGISTER / 200 OK with the given CSeq and Call-ID, and an
 * optional body. */
struct tb tb_register(int cseq, const char *call_id, const char *body);
struct tb tb_ok(int cseq, const char *call_id);

/* Recorded events. */
struct rec {
	enum sw_ev_type type;
	struct sw_pkt pkt;
	/* SIP */
	bool is_request;
	char method[32];
	int status;
	char call_id[128];
	int64_t cseq;
	size_t raw_len;
	size_t body_len;
	/* SIP_BAD */
	char reason[96];
	char first_line[128];
	/* keepalive */
	enum sw_keepalive_kind ka;
	uint32_t ka_len;
	/* ICMP */
	struct sw_icmp icmp;
	char q_call_id[128], q_branch[64], q_method[32];
	/* DNS */
	struct sw_dns dns;
	/* TCP */
	enum sw_tcp_flag_event tcp;
};

#define REC_MAX 4096
struct recs {
	size_t n;
	struct rec r[REC_MAX];
};

void tb_sink(void *user, const struct sw_ev *ev);
/* Decode one frame into recs. */
void tb_feed(struct sw_decode *d, struct recs *rs, int linktype, struct tb f, uint64_t frame_no,
             int64_t ts_ns);
size_t tb_count(const struct recs *rs, enum sw_ev_type t);

#endif
