/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests of hep/: HEP v3 encoding and decoding, each malformed case
 * rejected with its reason, HEP v1/v2 headers, stream framing, and the sender
 * over loopback UDP and TCP (queueing while the collector is away). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "hep/hep.h"

static const char SIP[] = "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n";

static struct sw_hep_msg sample(void)
{
	struct sw_hep_msg m;
	memset(&m, 0, sizeof m);
	m.ip_proto = 17;
	m.src.family = m.dst.family = 4;
	memcpy(m.src.ip, "\xc0\x00\x02\x01", 4);
	memcpy(m.dst.ip, "\xc0\x00\x02\x02", 4);
	m.src.port = 5060;
	m.dst.port = 5062;
	m.ts_sec = 1700000000;
	m.ts_usec = 250000;
	m.proto_type = SW_HEP_PT_SIP;
	m.capture_id = 0x01020304;
	m.payload = sw_str_make(SIP, sizeof SIP - 1);
	return m;
}

static void test_roundtrip(void **state)
{
	(void)state;
	uint8_t buf[1024];
	struct sw_hep_msg m = sample();
	m.auth_key = SW_STR_LIT("key");
	m.correlation = SW_STR_LIT("call-1");
	size_t n = sw_hep_encode(buf, sizeof buf, &m);
	assert_true(n > 0);
	assert_memory_equal(buf, "HEP3", 4);
	assert_int_equal(buf[4] << 8 | buf[5], n);
	/* the capture id chunk, big-endian: 00 00 | 00 0c | 00 0a | 01 02 03 04 */
	const uint8_t cid[] = { 0, 0, 0, 0x0c, 0, 0x0a, 1, 2, 3, 4 };
	bool found = false;
	for (size_t i = 0; i + sizeof cid <= n; i++)
		found = found || memcmp(buf + i, cid, sizeof cid) == 0;
	assert_true(found);
	assert_int_equal(sw_hep_frame(buf, n), (long)n);
	assert_int_equal(sw_hep_frame(buf, n - 1), 0);
	struct sw_hep_msg d;
	assert_int_equal(sw_hep_decode(buf, n, &d), SW_HEP_OK);
	assert_int_equal(d.version, 3);
	assert_int_equal(d.used, n);
	assert_int_equal(d.capture_id, 0x01020304);
	assert_int_equal(d.src.port, 5060);
	assert_int_equal(d.dst.port, 5062);
	assert_memory_equal(d.dst.ip, m.dst.ip, 4);
	assert_int_equal(d.ts_usec, 250000);
	assert_int_equal(d.payload.len, sizeof SIP - 1);
	assert_memory_equal(d.correlation.p, "call-1", 6);
	assert_memory_equal(d.auth_key.p, "key", 3);
	/* too small a buffer: nothing */
	assert_int_equal(sw_hep_encode(buf, 40, &m), 0);
}

/* Patch the encoded sample and expect a reason. */
static int decode_patched(size_t off, uint8_t v)
{
	uint8_t buf[512];
	struct sw_hep_msg m = sample();
	size_t n = sw_hep_encode(buf, sizeof buf, &m);
	buf[off] = v;
	struct sw_hep_msg d;
	return sw_hep_decode(buf, n, &d);
}

static void test_rejections(void **state)
{
	(void)state;
	uint8_t buf[512];
	struct sw_hep_msg m = sample(), d;
	size_t n = sw_hep_encode(buf, sizeof buf, &m);
	/* chunk 1 (family) starts at 6: vendor 6-7, type 8-9, length 10-11, value 12 */
	assert_int_equal(decode_patched(0, 'X'), SW_HEP_E_VERSION);
	assert_int_equal(decode_patched(5, 0xff), SW_HEP_E_LENGTH);   /* total > bytes */
	assert_int_equal(decode_patched(11, 0), SW_HEP_E_CHUNK_LENGTH); /* zero */
	assert_int_equal(decode_patched(11, 3), SW_HEP_E_CHUNK_LENGTH);
	assert_int_equal(decode_patched(11, 0xff), SW_HEP_E_CHUNK_TRUNC);
	assert_int_equal(decode_patched(11, 8), SW_HEP_E_CHUNK_SIZE); /* a 2-byte family */
	assert_int_equal(decode_patched(12, 7), SW_HEP_E_FAMILY);
	assert_int_equal(decode_patched(9, 2), SW_HEP_E_DUPLICATE);  /* family -> protocol twice */
	assert_int_equal(sw_hep_decode(buf, 3, &d), SW_HEP_E_SHORT);
	assert_int_equal(sw_hep_decode(buf, n - 1, &d), SW_HEP_E_LENGTH);
	/* a vendor chunk and an unknown type are skipped: here the capture id
	 * chunk (at 83: family 7, protocol 7, addresses 10+10, ports 8+8, time
	 * 10+10, type 7 bytes before it) */
	assert_int_equal(decode_patched(83, 0x12), SW_HEP_OK);
	assert_int_equal(decode_patched(86, 0x70), SW_HEP_OK);
	assert_int_equal(decode_patched(9, 0x70), SW_HEP_E_MISSING); /* family gone */
	m.ts_usec = 1000000;
	n = sw_hep_encode(buf, sizeof buf, &m);
	assert_int_equal(sw_hep_decode(buf, n, &d), SW_HEP_E_TIME);
	/* a header of 6 bytes alone: chunks missing */
	assert_int_equal(sw_hep_decode((const uint8_t *)"HEP3\0\6", 6, &d), SW_HEP_E_MISSING);
	assert_int_equal(sw_hep_frame((const uint8_t *)"HEP3\0\5", 6), -1);
	assert_int_equal(sw_hep_frame((const uint8_t *)"HE", 2), 0);
	assert_int_equal(sw_hep_frame((const uint8_t *)"XX", 2), -1);
	assert_string_equal(sw_hep_error_name(SW_HEP_E_CHUNK_LENGTH), "bad_chunk_length");
}

static void test_v2(void **state)
{
	(void)state;
	/* version 2, IPv4 UDP 5060 -> 5061, time and capture id little-endian */
	uint8_t p[64] = { 2, 16, 2, 17, 0x13, 0xc4, 0x13, 0xc5, 10, 0, 0, 1, 10, 0, 0, 2,
			  0x00, 0xf1, 0x53, 0x65, 0x40, 0x42, 0x0f, 0x00, 0xd2, 0x07, 0xaa, 0xbb };
	memcpy(p + 28, "SIP/2.0 200 OK\r\n\r\n", 18);
	struct sw_hep_msg d;
	assert_int_equal(sw_hep_decode(p, 46, &d), SW_HEP_E_TIME); /* 1000000 us */
	p[20] = 0x3f;
	assert_int_equal(sw_hep_decode(p, 46, &d), SW_HEP_OK);
	assert_int_equal(d.version, 2);
	assert_int_equal(d.ts_sec, 0x6553f100);
	assert_int_equal(d.ts_usec, 0x0f423f);
	assert_int_equal(d.capture_id, 2002);
	assert_int_equal(d.dst.port, 5061);
	assert_int_equal(d.payload.len, 18);
	assert_int_equal(sw_hep_decode(p, 27, &d), SW_HEP_E_SHORT);
	p[0] = 1; /* v1: no time header */
	assert_int_equal(sw_hep_decode(p, 46, &d), SW_HEP_OK);
	assert_false(d.has_time);
	assert_int_equal(d.payload.len, 30);
}

static void test_spec(void **state)
{
	(void)state;
	bool tcp;
	char host[64], err[128];
	uint16_t port;
	assert_int_equal(sw_hep_parse_spec("TCP:[2001:db8::1]:9060", &tcp, host, sizeof host, &port,
					   err, sizeof err), 0);
	assert_true(tcp);
	assert_string_equal(host, "2001:db8::1");
	assert_int_equal(port, 9060);
	assert_int_equal(sw_hep_parse_spec("udp:h:0", &tcp, host, sizeof host, &port, err,
					   sizeof err), -1);
	assert_int_equal(sw_hep_parse_spec("udp:h", &tcp, host, sizeof host, &port, err,
					   sizeof err), -1);
	assert_int_equal(sw_hep_parse_spec("sctp:h:1", &tcp, host, sizeof host, &port, err,
					   sizeof err), -1);
}

static int bound_socket(int type, uint16_t *port)
{
	int s = socket(AF_INET, type, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof a;
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &al), 0);
	*port = ntohs(a.sin_port);
	return s;
}

static void test_sender(void **state)
{
	(void)state;
	uint8_t pkt[512];
	struct sw_hep_msg m = sample();
	size_t n = sw_hep_encode(pkt, sizeof pkt, &m);
	char spec[64], err[256];
	uint16_t port;
	/* UDP */
	int u = bound_socket(SOCK_DGRAM, &port);
	snprintf(spec, sizeof spec, "udp:127.0.0.1:%u", port);
	struct sw_hep_sender *s;
	assert_int_equal(sw_hep_sender_open(&s, spec, 0, err, sizeof err), 0);
	sw_hep_sender_send(s, pkt, n);
	uint8_t in[1024];
	assert_int_equal(recv(u, in, sizeof in, 0), (ssize_t)n);
	assert_memory_equal(in, pkt, n);
	struct sw_hep_send_stats st;
	sw_hep_sender_stats(s, &st);
	assert_int_equal(st.sent, 1);
	sw_hep_sender_close(s);
	close(u);
	/* TCP, nobody listening yet: queued, then written once the collector is up */
	int t = bound_socket(SOCK_STREAM, &port);
	snprintf(spec, sizeof spec, "tcp:127.0.0.1:%u", port);
	assert_int_equal(sw_hep_sender_open(&s, spec, 0, err, sizeof err), 0);
	sw_hep_sender_send(s, pkt, n);
	sw_hep_sender_send(s, pkt, n);
	sw_hep_sender_stats(s, &st);
	assert_int_equal(st.sent, 0);
	assert_int_equal(st.queued, 2 * n);
	assert_int_equal(listen(t, 1), 0);
	assert_int_equal(sw_hep_sender_drain(s, 3000), 0);
	sw_hep_sender_stats(s, &st);
	assert_int_equal(st.sent, 2);
	assert_int_equal(st.connects, 1);
	int c = accept(t, NULL, NULL);
	size_t got = 0;
	while (got < 2 * n) {
		ssize_t r = recv(c, in + got, sizeof in - got, 0);
		assert_true(r > 0);
		got += (size_t)r;
	}
	assert_memory_equal(in, pkt, n);
	assert_memory_equal(in + n, pkt, n);
	sw_hep_sender_close(s);
	close(c);
	close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip), cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_v2),        cmocka_unit_test(test_spec),
		cmocka_unit_test(test_sender),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
