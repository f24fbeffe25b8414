/* SPDX-License-Identifier: BSD-2-Clause */
/* The decoder on the public captures (SW_PUBLIC_PCAPS, see INDEX.md there):
 * SIP message counts agree with TShark's, keepalives, ICMP errors and TCP
 * reassembly come out as the captures' notes describe. Skipped when the
 * captures are not there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture/capture.h"
#include "decode/decode.h"

struct counts {
	unsigned long sip, bad, icmp, ka, dns;
	unsigned long ka_kind[8];
	unsigned long tcp_sip, ws_sip, sctp_sip;
};

static void sink(void *user, const struct sw_ev *ev)
{
	struct counts *c = user;
	switch (ev->type) {
	case SW_EV_SIP:
		c->sip++;
		c->tcp_sip += ev->pkt.transport == SW_TP_TCP;
		c->ws_sip += ev->pkt.transport == SW_TP_WS;
		c->sctp_sip += ev->pkt.transport == SW_TP_SCTP;
		break;
	case SW_EV_SIP_BAD:
		c->bad++;
		break;
	case SW_EV_ICMP:
		c->icmp++;
		break;
	case SW_EV_KEEPALIVE:
		c->ka++;
		c->ka_kind[ev->u.keepalive.kind]++;
		break;
	case SW_EV_DNS:
		c->dns++;
		break;
	case SW_EV_TCP:
	case SW_EV_SIP_RAW: /* no defer set here */
		break;
	}
}

/* Decode a capture; false when it is not available. */
static bool run(const char *rel, struct counts *c, struct sw_decode_stats *st)
{
	const char *dir = getenv("SW_PUBLIC_PCAPS");
	if (!dir)
		return false;
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	if (access(path, R_OK) != 0)
		return false;
	struct sw_capture *cap;
	char err[256];
	const char *p = path;
	if (sw_capture_open_files(&cap, &p, 1, NULL, err, sizeof err) < 0)
		fail_msg("%s: %s", rel, err);
	struct sw_decode *d = sw_decode_new(NULL);
	memset(c, 0, sizeof *c);
	struct sw_frame f;
	while (sw_capture_next(cap, &f) == SW_CAP_FRAME)
		sw_decode_frame(d, &f, sink, c);
	sw_decode_finish(d, sink, c);
	*st = *sw_decode_get_stats(d);
	sw_decode_free(d);
	sw_capture_close(cap);
	return true;
}

#define RUN(rel)                                                                                   \
	struct counts c;                                                                           \
	struct sw_decode_stats st;                                                                 \
	if (!run(rel, &c, &st))                                                                    \
		skip();

static void sip_counts(void **state)
{
	(void)state;
	static const struct {
		const char *path;
		unsigned long sip;
	} cases[] = {
	    {"irontec__sngrep/aaa.pcap", 81},
	    {"irontec__sngrep/ipv6frag.pcap", 32},
	    {"irontec__sngrep/ipip.pcap", 4},
	    {"sipcapture__heplify/rtp_rtcp_sip_ipv4_udp.pcap", 14},
	    {"sipcapture__heplify/sip_ipv4_tcp.pcap", 7},
	    {"sipcapture__heplify/sip_ipv4_tcp_fragmented.pcap", 406},
	    {"sipcapture__heplify/sip_ipv4_tcp_retrans.pcap", 8},
	    {"sipcapture__heplify/sip_ipv6_udp.pcap", 6},
	    {"sipcapture__heplify/sip_tcp_websocket.pcap", 39},
	    {"sipcapture__heplify/erspan_sip_ipv4_udp.pcapng", 140},
	    {"sipcapture__heplify/ipip0.pcap", 8},
	    {"ntop__nDPI/gre.pcapng", 1},
	    {"ntop__nDPI/webex.pcap", 22},
	    {"ntop__nDPI/sip_hello.pcapng", 8},
	    {"arkime__arkime/gtp-iphone.pcap", 17},
	    {"OISF__suricata-verify/sip-body-large__sip-body-large.pcap", 2},
	    {"seladb__PcapPlusPlus/sip_reqs.pcap", 4},
	    {"seladb__PcapPlusPlus/sip_resp.pcap", 7},
	    {"MaryLS__Laborator09/sip.pcap", 19},
	    {"NormB__sipnab/Asterisk_ZFONE_XLITE.pcap", 27},
	    {"zeek__zeek/sip-long-request-response-paths.pcap", 2},
	    /* TShark counts the 5 SIP messages quoted in ICMP errors too. */
	    {"CESNET__ipfixprobe/sip.pcap", 40},
	    {"sipcapture__heplify/sip_sctp.pcap", 4}, /* the INVITE from 2 DATA fragments */
	};
	size_t ran = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct counts c;
		struct sw_decode_stats st;
		if (!run(cases[i].path, &c, &st))
			continue;
		ran++;
		if (c.sip != cases[i].sip || c.bad != 0)
			fail_msg("%s: %lu SIP, %lu bad, want %lu", cases[i].path, c.sip, c.bad,
			         cases[i].sip);
		assert_int_equal(st.truncated, 0);
	}
	if (!ran)
		skip();
}

static void keepalive_captures(void **state)
{
	(void)state;
	{
		RUN("irontec__sngrep/aaa.pcap");
		assert_int_equal(c.ka_kind[SW_KA_OTHER], 21); /* five spaces */
	}
	{
		RUN("ntop__nDPI/sip_hello.pcapng");
		assert_int_equal(c.ka_kind[SW_KA_OTHER], 22); /* "hello" */
	}
	{
		RUN("MaryLS__Laborator09/sip.pcap");
		assert_int_equal(c.ka_kind[SW_KA_OTHER], 5); /* 4 NULs */
	}
	{
		RUN("MichalCab__ISA/sip.pcap.pcapng");
		assert_int_equal(c.ka_kind[SW_KA_OTHER], 4); /* "jaK\0" */
		assert_int_equal(c.icmp, 2);
		assert_int_equal(c.sip, 9);
	}
	{
		RUN("sipcapture__heplify/rtp_rtcp_sip_ipv4_udp.pcap");
		assert_int_equal(c.ka_kind[SW_KA_CRLF_PONG], 3);
	}
	{
		RUN("NormB__sipnab/Asterisk_ZFONE_XLITE.pcap");
		assert_int_equal(c.ka_kind[SW_KA_CRLF_PING], 1);
	}
	{
		RUN("zeek__zeek/sip-junk-before-request.pcap");
		assert_int_equal(c.ka_kind[SW_KA_OTHER], 1);
		assert_int_equal(c.bad, 1); /* REGISTER without Via/CSeq/Call-ID */
	}
}

static void transports(void **state)
{
	(void)state;
	{
		RUN("sipcapture__heplify/sip_ipv4_tcp_fragmented.pcap");
		assert_int_equal(c.tcp_sip, 406);
		assert_int_equal(st.tcp_reassembled, 234);
		assert_int_equal(st.tcp_gaps, 0);
	}
	{
		RUN("sipcapture__heplify/sip_ipv4_tcp_retrans.pcap");
		assert_int_equal(st.tcp_retrans, 1);
	}
	{
		RUN("sipcapture__heplify/sip_tcp_websocket.pcap");
		assert_true(c.ws_sip > 0);
	}
	{
		RUN("irontec__sngrep/ipv6frag.pcap");
		assert_int_equal(st.ip_reassembled, 2);
		assert_int_equal(st.ip_frag_dropped, 0);
	}
	{
		RUN("CESNET__ipfixprobe/sip.pcap");
		assert_int_equal(c.icmp, 5);
	}
	{
		RUN("sipcapture__heplify/sip_sctp.pcap");
		assert_int_equal(c.sctp_sip, 4);
		assert_int_equal(st.sctp_fragments, 2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sip_counts),
	    cmocka_unit_test(keepalive_captures),
	    cmocka_unit_test(transports),
	};
	return cmocka_run_group_tests_name("decode_pcaps", tests, NULL, NULL);
}
